/*
 * test_tmf.c - unit tests of src/read/tmf.c: the GUID line, #typev
 * entries with their comments, every ItemXxx type, list names, commas in
 * expressions, duplicates and conflicts, each error with its line, every
 * truncation of a good file (from exact-size heap copies), the directory
 * loader, and the real TMF files when the corpus is present.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/tmf.h"

#define CORPUS_TMF	"/work/shared/corpus/tmf/01e9b841-7d67-315a-7b92-23b2033356de.tmf"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

static const char good[] =
	"// PDB:  drv.pdb\n"
	"// PDB:  Last Updated :2024-11-03:01:04:26:104 (UTC) [Tracepdb]\n"
	"8560CAF4-1427-3aa5-37d1-f7489b859255 DmfUFramework // SRC=DmfUtility.c MJ= MN=\n"
	"#typev DmfUtility_c212 19 \"%0 [%!FUNC!] <-- Exit\" //   LEVEL=TRACE_LEVEL_VERBOSE FLAGS=DMF_TRACE FUNC=DMF_Utility_DelayMilliseconds\n"
	"{\n"
	"}\n"
	"#typev DmfUtility_c208 18 \"%0 [%!FUNC!] --> Entry <Milliseconds=%10!d!\" //   LEVEL=TRACE_LEVEL_VERBOSE FLAGS=DMF_TRACE FUNC=DMF_Utility_DelayMilliseconds\r\n"
	"{\r\n"
	"Milliseconds, ItemLong -- 10\r\n"
	"}\r\n"
	"#typev x_c1 1 \"a \"quoted\" %10!s! %11!s!\" // LEVEL=L FLAGS=F FUNC=`anonymous namespace'::send_complete\n"
	"{\n"
	"f(a, b), ItemListLong(Idle, Busy ,Done) -- 10\n"
	"g, ItemSetShort(A,B) -- 11\n"
	"}\n"
	"#typev DmfUtility_c212 19 \"%0 [%!FUNC!] <-- Exit\" //   LEVEL=TRACE_LEVEL_VERBOSE FLAGS=DMF_TRACE FUNC=DMF_Utility_DelayMilliseconds\n"
	"{\n"
	"}\n"
	"#typev other_c9 18 \"different\" // FUNC=g\n"
	"{\n"
	"}\n";

static void
test_good(void)
{
	struct ot_tmf t;
	struct ot_err err;
	const struct ot_tmf_msg *m;

	memset(&err, 0, sizeof(err));
	CHECK(ot_tmf_parse(good, strlen(good), "good.tmf", &t, &err) == 0);
	CHECK(t.nmsgs == 3 && t.entries == 5 && t.duplicates == 1 && t.conflicts == 1);
	if (t.nmsgs == 3) {
		m = &t.msgs[0];
		CHECK(strcmp(m->guid, "8560caf4-1427-3aa5-37d1-f7489b859255") == 0);
		CHECK(strcmp(m->friendly, "DmfUFramework") == 0);
		CHECK(m->number == 19 && strcmp(m->tag, "DmfUtility_c212") == 0);
		CHECK(strcmp(m->format, "%0 [%!FUNC!] <-- Exit") == 0);
		CHECK(strcmp(m->level, "TRACE_LEVEL_VERBOSE") == 0 && strcmp(m->flags, "DMF_TRACE") == 0);
		CHECK(strcmp(m->func, "DMF_Utility_DelayMilliseconds") == 0 && m->nargs == 0);
		CHECK(m->line == 4);
		m = &t.msgs[1];
		CHECK(m->number == 18 && m->nargs == 1 && m->args[0].type == OT_TMF_LONG &&
		      m->args[0].index == 10 && strcmp(m->args[0].expr, "Milliseconds") == 0);
		CHECK(strcmp(m->tag, "DmfUtility_c208") == 0);
		m = &t.msgs[2];
		CHECK(m->number == 1 && strcmp(m->format, "a \"quoted\" %10!s! %11!s!") == 0);
		CHECK(strcmp(m->func, "`anonymous namespace'::send_complete") == 0);
		CHECK(m->nargs == 2 && m->args[0].type == OT_TMF_LISTLONG &&
		      strcmp(m->args[0].expr, "f(a, b)") == 0 && m->args[0].nnames == 3 &&
		      strcmp(m->args[0].names[1], "Busy") == 0 && strcmp(m->args[0].names[2], "Done") == 0);
		CHECK(m->args[1].type == OT_TMF_SETSHORT && m->args[1].nnames == 2 && m->args[1].index == 11);
	}
	ot_tmf_release(&t);
}

static void
test_types(void)
{
	static const char *const names[] = {
		"ItemLong", "ItemULong", "ItemLongLong", "ItemULongLong", "ItemPtr",
		"ItemNTSTATUS", "ItemHRESULT", "ItemString", "ItemWString", "ItemGuid",
		"ItemChar", "ItemShort", "ItemListLong(A,B)", "ItemSetLong(A)", "ItemIPAddr",
		"ItemPort", "ItemWINERROR", "ItemDouble", "ItemPString", "ItemPWString",
		"ItemUChar", "ItemUShort", "ItemLongLongX", "ItemULongLongX", "ItemIPV6Addr",
		"ItemMACAddr", "ItemSid", "ItemHexDump", "ItemTimestamp", "ItemEnum",
		"ItemCharSign", "ItemListByte", "ItemSetByte", "ItemCLSID", "ItemBool",
	};
	char buf[4096];
	size_t i, o;
	struct ot_tmf t;
	struct ot_err err;

	memset(&err, 0, sizeof(err));
	o = (size_t)snprintf(buf, sizeof(buf), "01234567-89ab-cdef-0123-456789abcdef n\n#typev t_c1 1 \"x\"\n{\n");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "v%zu, %s -- %zu\n", i, names[i], 10 + i);
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "}\n");
	CHECK(ot_tmf_parse(buf, o, "types.tmf", &t, &err) == 0);
	CHECK(t.nmsgs == 1 && t.msgs[0].nargs == sizeof(names) / sizeof(names[0]));
	for (i = 0; t.nmsgs == 1 && i < t.msgs[0].nargs; i++) {
		const char *n = ot_tmf_type_name(t.msgs[0].args[i].type);

		CHECK(strncmp(names[i], n, strlen(n)) == 0 && t.msgs[0].args[i].index == 10 + i);
	}
	ot_tmf_release(&t);
	for (i = 0; i < OT_TMF_NTYPES; i++)
		CHECK(strcmp(ot_tmf_type_name((int)i), "?") != 0);
}

/* A bad file fails at line with a message containing what. */
static void
bad(const char *text, size_t len, uint64_t line, const char *what)
{
	struct ot_tmf t;
	struct ot_err err;
	char *c = malloc(len ? len : 1);

	memcpy(c, text, len);
	memset(&err, 0, sizeof(err));
	CHECK(ot_tmf_parse(c, len, "bad.tmf", &t, &err) == -1);
	CHECK(err.line == line && strstr(err.msg, what) != NULL &&
	      strcmp(err.file, "bad.tmf") == 0 && err.code == OT_EINPUT);
	if (err.line != line || strstr(err.msg, what) == NULL)
		fprintf(stderr, "  line %llu: %s (want %llu: %s)\n",
			(unsigned long long)err.line, err.msg, (unsigned long long)line, what);
	ot_tmf_release(&t);
	free(c);
}

#define G "01234567-89ab-cdef-0123-456789abcdef x\n"
#define BAD(s, line, what) bad(s, sizeof(s) - 1, line, what)

static void
test_bad(void)
{
	char *big;

	BAD(G "#typev t_c1 1 \"x\"\n{\nv, ItemLongg -- 10\n}\n", 4, "unknown argument type 'ItemLongg'");
	BAD(G "#typev t_c1 1 \"x\"\n{\nv, Foo -- 10\n}\n", 4, "without an Item type");
	BAD(G "#typev t_c1 1 \"x\"\n{\nv, ItemLong\n}\n", 4, "'-- N'");
	BAD(G "#typev t_c1 1 \"x\"\n{\nv, ItemLong -- 10\n", 4, "unterminated");
	BAD(G "#typev t_c1 1 \"x\"\n{\n#typev t_c2 2 \"y\"\n", 4, "unterminated");
	BAD(G "#typev t_c1 1 \"x\"\n", 2, "before the '{'");
	BAD(G "#typev t_c1 1 \"x\"\nzzz\n", 3, "expected '{'");
	BAD("#typev t_c1 1 \"x\"\n{\n}\n", 1, "missing GUID line");
	BAD("// nothing\n\n", 2, "missing GUID line");
	BAD("", 0, "missing GUID line");
	BAD(G "#typev t_c1 1 x\n{\n}\n", 2, "quoted format");
	BAD(G "#typev t_c1 1 \"x\n{\n}\n", 2, "closing quote");
	BAD(G "#typev t_c1 99999 \"x\"\n{\n}\n", 2, "above 65535");
	BAD(G "#typev t_c1 \"x\"\n{\n}\n", 2, "message number");
	BAD(G "garbage here\n", 2, "unexpected line");
	BAD(G "#typev t_c1 1 \"x\"\n{\nv, ItemListLong(a,b -- 10\n}\n", 4, "Item type");
	BAD(G "\x01\x02\x03", 2, "binary data");
	bad(G "ab\0cd", sizeof(G) + 4, 2, "binary data");
	big = malloc(OT_TMF_MAX_LINE + 64);
	memset(big, 'a', OT_TMF_MAX_LINE + 64);
	memcpy(big, G, sizeof(G) - 1);
	bad(big, OT_TMF_MAX_LINE + 64, 2, "line longer than");
	free(big);
}

/* Every prefix of the good file either parses or fails with a line. */
static void
test_truncation(void)
{
	size_t n = strlen(good), cut;
	int ok = 1;

	for (cut = 0; cut <= n; cut++) {
		struct ot_tmf t;
		struct ot_err err;
		char *c = malloc(cut ? cut : 1);
		int r;

		memcpy(c, good, cut);
		memset(&err, 0, sizeof(err));
		r = ot_tmf_parse(c, cut, "cut.tmf", &t, &err);
		if (r < 0 && (err.msg[0] == '\0' || (err.line == 0 && cut > 0)))
			ok = 0;
		if (r == 0 && t.nmsgs > 3)
			ok = 0;
		ot_tmf_release(&t);
		free(c);
	}
	CHECK(ok);
}

static void
test_dir(void)
{
	struct ot_tmfdir *d;
	struct ot_err err;
	size_t files = 0, msgs = 0;
	static const uint8_t g[16] = {
		0x8e, 0x4a, 0x1c, 0x6b, 0x3d, 0x2f, 0x5a, 0x4e,
		0x9b, 0x7c, 0x0d, 0x1e, 0x2f, 0x3a, 0x4b, 0x5c
	};
	const struct ot_tmf_msg *m;

	memset(&err, 0, sizeof(err));
	d = ot_tmfdir_open("testdata/wpp", &err);
	CHECK(d != NULL);
	if (d == NULL)
		return;
	ot_tmfdir_counts(d, &files, &msgs);
	CHECK(files == 1 && msgs == 5);
	m = ot_tmfdir_find(d, g, 13);
	CHECK(m != NULL && m->nargs == 7 && strcmp(m->func, "OffloadState") == 0 &&
	      strcmp(m->friendly, "ofdrv") == 0);
	CHECK(ot_tmfdir_find(d, g, 15) == NULL);
	ot_tmfdir_free(d);
}

static void
test_corpus(void)
{
	struct ot_tmf t;
	struct ot_err err;
	FILE *f = fopen(CORPUS_TMF, "rb");

	if (f == NULL)
		return;
	fclose(f);
	memset(&err, 0, sizeof(err));
	CHECK(ot_tmf_load(CORPUS_TMF, &t, &err) == 0);
	CHECK(t.nmsgs == 21 && t.entries == 42 && t.duplicates == 21 && t.conflicts == 0);
	ot_tmf_release(&t);
}

int
main(void)
{
	test_good();
	test_types();
	test_bad();
	test_truncation();
	test_dir();
	test_corpus();
	printf("test_tmf: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
