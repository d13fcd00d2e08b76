/*
 * test_profile.c - unit tests of src/decode/profile_*.c (loading, checking
 * with JSON paths, templates, optional groups, function forms, maps,
 * typed scanners, manifest payloads, rendering back to text), of the
 * custom prefix and time-zone parsing of src/read/wpptext.c, and of
 * hostile input: every cut of a matching line, random bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/profile.h"
#include "offtrace/wpptext.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

static struct ot_strtab *st;

static struct ot_profile *
load(const char *json, struct ot_err *err)
{
	struct ot_profile *p = ot_profile_new();

	memset(err, 0, sizeof(*err));
	if (ot_profile_add_json(p, json, strlen(json), "t.json", err) < 0) {
		ot_profile_free(p);
		return NULL;
	}
	return p;
}

static int
match(const struct ot_profile *p, const char *text, struct ot_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	return ot_profile_match_text(p, "drv", 3, text, strlen(text), st, ev);
}

/* The error of a bad profile contains want. */
static void
bad(const char *json, const char *want)
{
	struct ot_err err;
	struct ot_profile *p = load(json, &err);

	CHECK(p == NULL);
	CHECK(strstr(err.msg, want) != NULL);
	if (strstr(err.msg, want) == NULL)
		fprintf(stderr, "  got '%s', want '%s'\n", err.msg, want);
	CHECK(strcmp(err.file, "t.json") == 0);
	ot_profile_free(p);
}

static void
test_errors(void)
{
	bad("{", "not valid JSON");
	bad("[]", "a profile is a JSON object");
	bad("{\"rules\": []}", "rules: want a non-empty array");
	bad("{\"rules\": [{\"func\": \"A\", \"set\": {\"ev\": \"halt\"}},"
	    " {\"func\": \"B\", \"template\": \"x={root:pointer}\", \"set\": {\"ev\": \"halt\"}}]}",
	    "rules[1].template: unknown placeholder type 'pointer'");
	bad("{\"rules\": [{\"func\": \"A\", \"template\": \"x={root:ptr\", \"set\": {\"ev\": \"halt\"}}]}",
	    "rules[0].template: placeholder at offset 2");
	bad("{\"rules\": [{\"func\": \"A\", \"template\": \"x}\", \"set\": {\"ev\": \"halt\"}}]}",
	    "'}' without its '{'");
	bad("{\"rules\": [{\"func\": \"A\", \"template\": \"{?{root:ptr}}\", \"set\": {\"ev\": \"halt\"}}]}",
	    "must start with literal text");
	bad("{\"rules\": [{\"func\": \"A\", \"template\": \"{? a{? b}}\", \"set\": {\"ev\": \"halt\"}}]}",
	    "cannot nest");
	bad("{\"rules\": [{\"func\": \"A\", \"set\": {\"ev\": \"halt\", \"layer\": \"middle\"}}]}",
	    "rules[0].set.layer: value does not fit");
	bad("{\"rules\": [{\"func\": \"A\", \"set\": {\"ev\": \"halt\", \"bogus\": 1}}]}",
	    "rules[0].set.bogus: unknown field 'bogus'");
	bad("{\"rules\": [{\"func\": \"A\", \"set\": {\"ev\": \"halt\", \"src\": \"300.1.1.1\"}}]}",
	    "rules[0].set.src: value does not fit");
	bad("{\"rules\": [{\"func\": \"A\", \"set\": {\"ev\": \"halt\", \"root\": 1.5}}]}",
	    "rules[0].set.root: not an integer");
	bad("{\"rules\": [{\"guid\": \"x\", \"set\": {\"ev\": \"halt\"}}]}", "rules[0].guid: want a GUID");
	bad("{\"rules\": [{\"number\": 70000, \"set\": {\"ev\": \"halt\"}}]}", "rules[0].number:");
	bad("{\"rules\": [{\"number\": 1, \"args\": [\"root\", 3], \"set\": {\"ev\": \"halt\"}}]}",
	    "rules[0].args[1]: unknown field");
	bad("{\"rules\": [{\"provider\": \"5b9e0c4a-3f1d-4e57-9a2b-7c61d0e8f4a3\", \"payload\": [], \"set\": {\"ev\": \"halt\"}}]}",
	    "rules[0].id: want the event id");
	bad("{\"rules\": [{\"func\": \"A\", \"template\": \"x\"}]}", "rules[0]: no ev");
	bad("{\"x\": 1, \"rules\": [{\"func\": \"A\", \"set\": {\"ev\": \"halt\"}}]}", "x: unknown key");
	bad("{\"map\": {\"ev\": {\"S\": \"start\"}}, \"rules\": [{\"func\": \"A\", \"set\": {\"ev\": \"halt\"}}]}",
	    "map.ev.S: value does not fit the field 'ev'");
}

static void
test_text(void)
{
	struct ot_err err;
	struct ot_event ev;
	struct ot_profile *p = load(
		"{ \"set\": {\"layer\": \"im\"}, \"map\": {\"state\": {\"3\": \"tcp\", \"0x1\": \"neighbor\"}},"
		" \"rules\": ["
		" {\"func\": \"Begin\", \"template\": \"r={root:ptr}{? p={parent:ptr}} t={state:u32}{? v={value:ptr}} on {adapter:str}\","
		"  \"set\": {\"ev\": \"initiate\"}},"
		" {\"func\": \"Op\", \"template\": \"{ev:word} s={status:ntstatus} c={code:i64}\","
		"  \"map\": {\"ev\": {\"GO\": \"initiate_done\"}}},"
		" {\"template\": \"conn {src:ip}:{sport:port} -> {dst:ip}:{dport:port} {{x}}\", \"set\": {\"ev\": \"send\", \"layer\": \"host\"}},"
		" {\"func\": \"Halt\", \"friendly\": \"other\", \"set\": {\"ev\": \"halt\"}},"
		" {\"func\": \"Halt\", \"set\": {\"ev\": \"halt\", \"adapter\": \"a0\"}}"
		"]}", &err);

	CHECK(p != NULL);
	if (p == NULL) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	CHECK(ot_profile_nrules(p) == 5);
	CHECK(match(p, "[Begin] r=FFFFE0012A4C3010 t=3 on nic 0", &ev) == 1);
	CHECK(ev.ev == OT_EV_INITIATE && ev.layer == OT_LAYER_IM && ev.state == OT_STATE_TCP);
	CHECK(ev.root == 0xFFFFE0012A4C3010ULL && (ev.has & OT_HAS_ROOT));
	CHECK(!(ev.has & OT_HAS_PARENT) && !(ev.has & OT_HAS_VALUE));
	CHECK(strcmp(ev.adapter, "nic 0") == 0);
	/* optional groups present; a value of 0 is a value */
	CHECK(match(p, "Begin: r=0x10 p=ffffe001`23456789 t=1 v=0000000000000000 on x", &ev) == 1);
	CHECK(ev.parent == 0xffffe00123456789ULL && (ev.has & OT_HAS_PARENT));
	CHECK(ev.state == OT_STATE_NEIGHBOR);
	CHECK((ev.has & OT_HAS_VALUE) && ev.value == 0);
	CHECK(match(p, "!Begin[42]!r=1 t=17 on y", &ev) == 1);
	CHECK(ev.state == OT_STATE_TCP);
	/* unknown state value, missing literal, trailing junk, other function */
	CHECK(match(p, "[Begin] r=1 t=5 on y", &ev) == 0);
	CHECK(match(p, "[Begin] r=1 t=3", &ev) == 0);
	CHECK(match(p, "[Begin] r=1 t=3x on y", &ev) == 0);
	CHECK(match(p, "[Other] r=1 t=3 on y", &ev) == 0);
	CHECK(match(p, "[Begin] r=12345678901234567 t=3 on y", &ev) == 0);
	/* maps of names, NTSTATUS with its name, signed */
	CHECK(match(p, "Op: GO s=0xc000009a(STATUS_INSUFFICIENT_RESOURCES) c=-4", &ev) == 1);
	CHECK(ev.ev == OT_EV_INITIATE_DONE && ev.status == 0xC000009Au && ev.code == -4);
	CHECK(match(p, "Op: initiate s=0x103 c=9", &ev) == 1);
	CHECK(ev.ev == OT_EV_INITIATE && ev.status == 0x103);
	CHECK(match(p, "Op: begin s=0x103 c=9", &ev) == 0);
	/* no function: the whole text; ip:port; literal braces */
	CHECK(match(p, "conn 10.0.0.1:445 -> fe80::1:49152 {x}", &ev) == 1);
	CHECK(ev.ev == OT_EV_SEND && ev.layer == OT_LAYER_HOST && (ev.has & OT_HAS_TUPLE));
	CHECK(strcmp(ev.tuple.src, "10.0.0.1") == 0 && ev.tuple.sport == 445);
	CHECK(strcmp(ev.tuple.dst, "fe80::1") == 0 && ev.tuple.dport == 49152);
	CHECK(match(p, "conn 10.0.0.1:70000 -> 10.0.0.2:1 {x}", &ev) == 0);
	/* friendly name selects; constants; rules in order */
	memset(&ev, 0, sizeof(ev));
	CHECK(ot_profile_match_text(p, "other", 5, "Halt: ", 6, st, &ev) == 1);
	CHECK(ev.ev == OT_EV_HALT && strcmp(ev.adapter, "") == 0);
	CHECK(match(p, "[Halt]", &ev) == 1 && strcmp(ev.adapter, "a0") == 0);
	ot_profile_free(p);
}

/* Every normalized field survives render -> match through the chimney profile. */
static void
test_chimney_roundtrip(void)
{
	struct ot_err err;
	struct ot_event ev, back;
	struct ot_profile *p = ot_profile_new();
	char text[4096];
	size_t rule;
	uint32_t groups;
	int e;

	memset(&err, 0, sizeof(err));
	CHECK(ot_profile_add_builtin(p, "chimney", &err) == 0);
	CHECK(ot_profile_nrules(p) == OT_EV_COUNT);
	CHECK(ot_profile_add_builtin(p, "nope", &err) < 0);
	for (e = 0; e < OT_EV_COUNT; e++) {
		memset(&ev, 0, sizeof(ev));
		ev.ev = (enum ot_ev)e;
		ev.layer = (enum ot_layer)(e % 3);
		ev.adapter = ot_intern(st, "na\"me <x>", 9);
		ev.has = OT_HAS_ROOT | OT_HAS_VALUE | OT_HAS_STATUS | OT_HAS_REASON;
		ev.root = 0xffffe00000000000ULL + (uint64_t)e;
		ev.value = 0;
		ev.status = 0xC0000001u;
		ev.reason = -7;
		if (e % 2) {
			ev.has |= OT_HAS_TUPLE | OT_HAS_STATE | OT_HAS_PARENT;
			ev.state = OT_STATE_IP6;
			ev.parent = 1;
			strcpy(ev.tuple.src, "2001:db8::1");
			strcpy(ev.tuple.dst, "10.1.2.3");
			ev.tuple.sport = 1;
			ev.tuple.dport = 65535;
		}
		CHECK(ot_profile_render(p, &ev, text, sizeof(text), &rule, &groups) == 0);
		memset(&back, 0, sizeof(back));
		CHECK(ot_profile_match_text(p, NULL, 0, text, strlen(text), st, &back) == 1);
		CHECK(back.ev == ev.ev && back.layer == ev.layer && back.has == ev.has);
		CHECK(back.root == ev.root && back.value == 0 && back.status == ev.status);
		CHECK(back.reason == -7 && back.adapter == ev.adapter);
		CHECK(back.state == ev.state && back.parent == ev.parent);
		CHECK(strcmp(back.tuple.src, ev.tuple.src) == 0 && back.tuple.dport == ev.tuple.dport);
	}
	/* a buffer too small is an error, not a cut message */
	CHECK(ot_profile_render(p, &ev, text, 20, &rule, &groups) < 0);
	ot_profile_free(p);
}

static void
test_manifest(void)
{
	struct ot_err err;
	struct ot_event ev;
	uint8_t g[16], pl[64];
	size_t n = 0;
	struct ot_profile *p = load(
		"{\"rules\": [{\"provider\": \"{11223344-5566-7788-99aa-bbccddeeff00}\", \"id\": 7, \"version\": 2,"
		" \"payload\": [{\"name\": \"block\", \"type\": \"ptr\"}, {\"name\": \"state\", \"type\": \"u8\"},"
		"  {\"name\": \"src\", \"type\": \"ipv4\"}, {\"name\": \"sport\", \"type\": \"port\"},"
		"  {\"name\": \"dst\", \"type\": \"ipv6\"}, {\"name\": \"dport\", \"type\": \"u16\"},"
		"  {\"name\": \"adapter\", \"type\": \"utf16\"}, {\"name\": \"status\", \"type\": \"ntstatus\"}],"
		" \"map\": {\"state\": {\"2\": \"tcp\"}}, \"set\": {\"ev\": \"initiate\"}}]}", &err);

	CHECK(p != NULL);
	if (p == NULL) {
		fprintf(stderr, "  %s\n", err.msg);
		return;
	}
	/* Windows order: Data1..3 little-endian */
	memcpy(g, "\x44\x33\x22\x11\x66\x55\x88\x77\x99\xaa\xbb\xcc\xdd\xee\xff\x00", 16);
	ot_put_le32(pl, 0x89abcdef);
	n = 4;
	pl[n++] = 2;
	memcpy(pl + n, "\x0a\x00\x00\x01", 4);
	n += 4;
	pl[n++] = 0x01;		/* port 445, network order */
	pl[n++] = 0xbd;
	memset(pl + n, 0, 16);
	pl[n] = 0xfe;
	pl[n + 1] = 0x80;
	pl[n + 15] = 1;
	n += 16;
	ot_put_le16(pl + n, 8080);
	n += 2;
	ot_put_le16(pl + n, 'e');
	ot_put_le16(pl + n + 2, 0xe4);
	ot_put_le16(pl + n + 4, 0);
	n += 6;
	ot_put_le32(pl + n, 0x103);
	n += 4;
	memset(&ev, 0, sizeof(ev));
	CHECK(ot_profile_match_manifest(p, g, 7, 2, pl, n, 4, st, &ev) == 1);
	CHECK(ev.ev == OT_EV_INITIATE && ev.block == 0x89abcdef && ev.state == OT_STATE_TCP);
	CHECK(strcmp(ev.tuple.src, "10.0.0.1") == 0 && ev.tuple.sport == 445);
	CHECK(strcmp(ev.tuple.dst, "fe80::1") == 0 && ev.tuple.dport == 8080);
	CHECK(strcmp(ev.adapter, "e\xc3\xa4") == 0 && ev.status == 0x103);
	CHECK(ot_profile_match_manifest(p, g, 7, 3, pl, n, 4, st, &ev) == 0);
	CHECK(ot_profile_match_manifest(p, g, 8, 2, pl, n, 4, st, &ev) == 0);
	/* every shorter payload fails cleanly */
	for (; n > 0; n--)
		CHECK(ot_profile_match_manifest(p, g, 7, 2, pl, n - 1, 4, st, &ev) == 0);
	ot_profile_free(p);
}

static void
test_hostile(void)
{
	static const char line[] = "MiniportInitiateOffload: layer=target root=FFFFE0013B100000 "
		"block=FFFFE0013B100000 type=17 slot=FFFFE0012A4C3018 src=10.1.0.13 sport=49263 "
		"dst=192.168.13.59 dport=445 adapter=nic0";
	struct ot_profile *p = ot_profile_new();
	struct ot_event ev;
	struct ot_err err;
	size_t n, i, hits = 0;
	char *big;

	memset(&err, 0, sizeof(err));
	ot_profile_add_builtin(p, "chimney", &err);
	/* every cut of a good line, from exact-size heap copies (ASan sees overruns) */
	for (n = 0; n <= sizeof(line) - 1; n++) {
		char *c = xmalloc(n ? n : 1);

		memcpy(c, line, n);
		memset(&ev, 0, sizeof(ev));
		hits += (size_t)ot_profile_match_text(p, NULL, 0, c, n, st, &ev);
		free(c);
	}
	/* the full line, and its cuts inside the adapter name ("" to "nic"), match */
	CHECK(hits == 5);
	if (hits != 5)
		fprintf(stderr, "  %zu cuts matched\n", hits);
	/* random bytes, and a 1 MiB line */
	srand(7);
	big = xmalloc(1 << 20);
	for (i = 0; i < 2000; i++) {
		size_t k, len = (size_t)rand() % 300;

		for (k = 0; k < len; k++)
			big[k] = "MiniportHaltEx: layer=target adapter= 0x[]{}:!F"[rand() % 48];
		memset(&ev, 0, sizeof(ev));
		ot_profile_match_text(p, NULL, 0, big, len, st, &ev);
	}
	memcpy(big, "MiniportHaltEx: layer=target adapter=", 37);
	memset(big + 37, 'x', (1 << 20) - 37);
	memset(&ev, 0, sizeof(ev));
	/* an adapter name over 255 bytes does not fit: no match */
	CHECK(ot_profile_match_text(p, NULL, 0, big, 1 << 20, st, &ev) == 0);
	CHECK(ot_profile_match_text(p, NULL, 0, big, 37 + 255, st, &ev) == 1);
	CHECK(ev.ev == OT_EV_HALT && strlen(ev.adapter) == 255);
	free(big);
	ot_profile_free(p);
}

/* A profile of one rule: "x={_skip:str}" LIT, setting ev halt. */
static struct ot_profile *
str_then(const char *lit, size_t m)
{
	static const char head[] = "{\"rules\": [{\"template\": \"x={_skip:str}";
	static const char tail[] = "\", \"set\": {\"ev\": \"halt\"}}]}";
	char *json = xmalloc(sizeof(head) + m + sizeof(tail));
	struct ot_profile *p;
	struct ot_err err;

	memcpy(json, head, sizeof(head) - 1);
	memcpy(json + sizeof(head) - 1, lit, m);
	memcpy(json + sizeof(head) - 1 + m, tail, sizeof(tail));
	p = load(json, &err);
	free(json);
	return p;
}

/* The first occurrence of l (m bytes) in s (n bytes), the naive way: the reference. */
static const char *
naive_find(const char *s, size_t n, const char *l, size_t m)
{
	size_t k;

	for (k = 0; k + m <= n; k++)
		if (memcmp(s + k, l, m) == 0)
			return s + k;
	return NULL;
}

/*
 * A str placeholder runs to the first occurrence of the literal after
 * it (issue 16: a naive search cost length x literal, 2.2 s on one 1 MB
 * line with a 100 KB literal).  The work is counted, not timed: the
 * bytes the search looks at stay within 3 per byte of text on texts
 * made to be the worst case of the naive search (the literal's prefix
 * repeated, its last byte never there) -- naive, they would be 1e11.
 * And the search finds what the naive one finds, on random texts of two
 * letters.
 */
static void
test_str_linear(void)
{
	size_t N = (size_t)1 << 20, M = 100000, i, k;
	char *text = xmalloc(N + 3), *lit = xmalloc(M + 2);
	struct ot_profile *p;
	struct ot_event ev;
	uint64_t before;
	int r;

	/* "aaa...ab!" in "x=aaa...a!" */
	memset(lit, 'a', M - 1);
	lit[M - 1] = 'b';
	lit[M] = '!';
	p = str_then(lit, M + 1);
	CHECK(p != NULL);
	memcpy(text, "x=", 2);
	memset(text + 2, 'a', N);
	text[N + 2] = '!';
	before = ot_profile_match_work();
	memset(&ev, 0, sizeof(ev));
	r = p ? ot_profile_match_text(p, NULL, 0, text, N + 3, st, &ev) : -1;
	CHECK(r == 0);
	CHECK(ot_profile_match_work() - before <= 3 * (uint64_t)N);
	if (ot_profile_match_work() - before > 3 * (uint64_t)N)
		fprintf(stderr, "  %llu bytes looked at for %zu\n",
			(unsigned long long)(ot_profile_match_work() - before), N);
	/* found at the very end: the same text with the b */
	text[N + 1] = 'b';
	memset(&ev, 0, sizeof(ev));
	CHECK(p != NULL && ot_profile_match_text(p, NULL, 0, text, N + 3, st, &ev) == 1 &&
	      ev.ev == OT_EV_HALT);
	ot_profile_free(p);

	/* periodic: "abab...abc!" in "x=abab...ab!" */
	for (i = 0; i < M - 1; i++)
		lit[i] = "ab"[i % 2];
	lit[M - 1] = 'c';
	lit[M] = '!';
	p = str_then(lit, M + 1);
	for (i = 0; i < N; i++)
		text[2 + i] = "ab"[i % 2];
	text[N + 2] = '!';
	before = ot_profile_match_work();
	memset(&ev, 0, sizeof(ev));
	CHECK(p != NULL && ot_profile_match_text(p, NULL, 0, text, N + 3, st, &ev) == 0);
	CHECK(ot_profile_match_work() - before <= 3 * (uint64_t)N);
	ot_profile_free(p);

	/* the first occurrence, as the naive search finds it */
	srand(16);
	for (i = 0; i < 20000; i++) {
		size_t m = 1 + (size_t)rand() % 6, n = (size_t)rand() % 24;
		const char *at;
		int want;

		for (k = 0; k < m; k++)
			lit[k] = "ab"[rand() % 2];
		for (k = 0; k < n; k++)
			text[2 + k] = "ab"[rand() % 2];
		/* the placeholder runs to the first LIT: the rule matches
		 * when that one ends the text */
		at = naive_find(text + 2, n, lit, m);
		want = at != NULL && (size_t)(at - (text + 2)) + m == n;
		p = str_then(lit, m);
		memset(&ev, 0, sizeof(ev));
		r = p ? ot_profile_match_text(p, NULL, 0, text, n + 2, st, &ev) : -1;
		if (r != want) {
			CHECK(r == want);
			fprintf(stderr, "  '%.*s' in '%.*s': %d, want %d\n", (int)m, lit,
				(int)n, text + 2, r, want);
			ot_profile_free(p);
			break;
		}
		ot_profile_free(p);
	}
	CHECK(i == 20000);
	free(text);
	free(lit);
}

static void
test_prefix(void)
{
	struct ot_wpptext_prefix *pf;
	struct ot_wpptext_msg m;
	struct ot_err err;
	int64_t tz;
	static const char l[] = "00000042 drv_c12: 00ab.0C64 3 07/25/2003-13:55:39.998 [tracedrv]IOCTL = 1";

	memset(&err, 0, sizeof(err));
	pf = ot_wpptext_prefix_new("%7!08d! %2!s!: %8!04x!.%3!04X! %9!d! %4!s! [%1!s!]", &err);
	CHECK(pf != NULL);
	if (pf == NULL)
		return;
	CHECK(ot_wpptext_parse_prefixed(pf, l, sizeof(l) - 1, &m) == 1);
	CHECK(m.seq == 42 && m.pid == 0xab && m.tid == 0xc64 && m.cpu == 3);
	CHECK(m.ts_ns == INT64_C(1059141339998000000));
	CHECK(m.friendly_len == 8 && memcmp(m.friendly, "tracedrv", 8) == 0);
	CHECK(m.text_len == 9 && memcmp(m.text, "IOCTL = 1", 9) == 0);
	CHECK(ot_wpptext_parse_prefixed(pf, l, 20, &m) == 0);
	CHECK(ot_wpptext_parse_prefixed(pf, "[0]0004.0008::", 14, &m) == 0);
	ot_wpptext_prefix_free(pf);
	CHECK(ot_wpptext_prefix_new("%Z", &err) == NULL && strcmp(err.phase, "prefix") == 0);
	CHECK(ot_wpptext_prefix_new("%1!s!%2!s!", &err) == NULL);
	CHECK(ot_wpptext_prefix_new("%!NOPE!", &err) == NULL);
	CHECK(ot_wpptext_parse_tz("+02:00", &tz) == 0 && tz == INT64_C(7200000000000));
	CHECK(ot_wpptext_parse_tz("-0530", &tz) == 0 && tz == -INT64_C(19800000000000));
	CHECK(ot_wpptext_parse_tz("Z", &tz) == 0 && tz == 0);
	CHECK(ot_wpptext_parse_tz("2", &tz) < 0 && ot_wpptext_parse_tz("+25:00", &tz) < 0);
	CHECK(ot_wpptext_parse_tz("+02:0", &tz) < 0);
}

static void
test_tally(void)
{
	struct ot_tally t;
	char k[16];
	int i;

	ot_tally_init(&t);
	ot_tally_add(&t, "b", 1, 1);
	ot_tally_add(&t, "a", 1, 1);
	ot_tally_add(&t, "c", 1, 5);
	ot_tally_add(&t, "b", 1, 2);
	ot_tally_sort(&t);
	CHECK(t.n == 3 && t.total == 9);
	CHECK(strcmp(t.e[0].key, "c") == 0 && strcmp(t.e[1].key, "b") == 0 && t.e[1].count == 3);
	ot_tally_add(&t, "a", 1, 1);	/* the index still works after sorting */
	CHECK(t.n == 3);
	for (i = 0; i < OT_PROFILE_MAX_TALLY + 10; i++) {
		snprintf(k, sizeof(k), "k%d", i);
		ot_tally_add(&t, k, strlen(k), 1);
	}
	CHECK(t.n == OT_PROFILE_MAX_TALLY && t.others == 13);
	ot_tally_release(&t);
}

int
main(void)
{
	st = ot_strtab_new();
	test_errors();
	test_text();
	test_chimney_roundtrip();
	test_manifest();
	test_hostile();
	test_str_linear();
	test_prefix();
	test_tally();
	ot_strtab_free(st);
	printf("test_profile: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
