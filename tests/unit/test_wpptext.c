/*
 * test_wpptext.c - unit tests of the tracefmt text reader (src/read/wpptext.c)
 * on real files: UTF-16 (both byte orders, with and without a byte-order
 * mark) read as its UTF-8 twin, every UTF-16 oddity (surrogate pairs,
 * unpaired surrogates, an odd last byte, 0x0A bytes that are no LF), lines
 * and messages at their limits, continuation lines joined to their message,
 * and %!FUNC! taking C++ qualified names.
 *
 * Every expected value is written out here by hand (UTF-8 bytes from the
 * Unicode code charts, texts as the lines read), never taken from the
 * reader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "offtrace/wpptext.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

/* n bytes at got equal the C string want */
#define CHECK_MEM(got, n, want) do { \
	if ((n) == strlen(want) && memcmp((got), (want), (n)) == 0) { passed++; } else { \
		failed++; fprintf(stderr, "%s:%d: got '%.*s'\n%*swant '%s'\n", __FILE__, \
				  __LINE__, (int)(n), (got), (int)strlen(__FILE__) + 6, "", (want)); } \
} while (0)

static char tmpl[] = "/tmp/test_wpptext.XXXXXX";
static char path[64];

static void
write_file(const void *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(b, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

/* ASCII (or Latin-1) s as UTF-16: enc, with a byte-order mark or not. */
static uint8_t *
to_utf16(const char *s, size_t n, int enc, int bom, size_t *len)
{
	uint8_t *b = malloc(2 * n + 2);
	size_t i, o = 0;
	int be = enc == OT_WPPTEXT_UTF16BE;

	if (bom) {
		b[o++] = be ? 0xFE : 0xFF;
		b[o++] = be ? 0xFF : 0xFE;
	}
	for (i = 0; i < n; i++) {
		b[o++] = be ? 0 : (uint8_t)s[i];
		b[o++] = be ? (uint8_t)s[i] : 0;
	}
	*len = o;
	return b;
}

/* Every message of the file at path, one per line: "LINE|TS|FRIENDLY|FUNC|TEXT". */
static char *
read_all(const struct ot_wpptext_prefix *pf, struct ot_wpptext_stats *st, int *rc)
{
	struct ot_wpptext *r;
	struct ot_wpptext_msg m;
	struct ot_err err;
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);

	memset(&err, 0, sizeof(err));
	out[0] = '\0';
	if ((r = ot_wpptext_open(path, &err)) == NULL) {
		*rc = -2;
		return out;
	}
	ot_wpptext_set_prefix(r, pf);
	while ((*rc = ot_wpptext_next(r, &m, &err)) > 0) {
		size_t need = len + m.text_len + m.friendly_len + m.func_len + 64;

		if (need > cap) {
			cap = 2 * need;
			out = realloc(out, cap);
		}
		len += (size_t)snprintf(out + len, cap - len, "%llu|%lld|%.*s|%.*s|%.*s\n",
					(unsigned long long)m.line, (long long)m.ts_ns,
					(int)m.friendly_len, m.friendly ? m.friendly : "",
					(int)m.func_len, m.func ? m.func : "",
					(int)m.text_len, m.text);
	}
	*st = *ot_wpptext_stats(r);
	ot_wpptext_close(r);
	return out;
}

static void
test_encoding(void)
{
	static const uint8_t le_bom[] = { 0xFF, 0xFE, '[', 0 };
	static const uint8_t be_bom[] = { 0xFE, 0xFF, 0, '[' };
	static const uint8_t le[] = { '[', 0, '0', 0, ']', 0, '0', 0, '\r', 0, '\n', 0 };
	static const uint8_t be[] = { 0, '[', 0, '0', 0, ']', 0, '0', 0, '\r', 0, '\n' };
	static const uint8_t ascii[] = "[0]0004.0008::01/02/2024-03:04:05.006 [x]hi\n";
	/* pcap magic and version; an .etl's first BufferSize (64 KiB) */
	static const uint8_t pcap[] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0 };
	static const uint8_t etl[] = { 0, 0, 1, 0, 0x48, 0, 0, 0, 0, 0, 0, 0 };
	/* three ASCII units: too few to tell */
	static const uint8_t few[] = { 'a', 0, 'b', 0, 'c', 0 };
	/* a NUL unit is no text */
	static const uint8_t nul[] = { 'a', 0, 'b', 0, 0, 0, 'c', 0, 'd', 0 };
	/* 8 units, one of them not ASCII (U+00E4): 7 in 8 are */
	static const uint8_t one8[] = { 'a', 0, 0xE4, 0, 'b', 0, 'c', 0, 'd', 0, 'e', 0, 'f', 0, 'g', 0 };
	/* 8 units, two not ASCII: fewer than 7 in 8 */
	static const uint8_t two8[] = { 'a', 0, 0xE4, 0, 0xE4, 0, 'c', 0, 'd', 0, 'e', 0, 'f', 0, 'g', 0 };
	/* the first unit not ASCII */
	static const uint8_t first[] = { 0xE4, 0, 'b', 0, 'c', 0, 'd', 0, 'e', 0, 'f', 0, 'g', 0, 'h', 0 };

	CHECK(ot_wpptext_encoding(le_bom, sizeof(le_bom)) == OT_WPPTEXT_UTF16LE);
	CHECK(ot_wpptext_encoding(be_bom, sizeof(be_bom)) == OT_WPPTEXT_UTF16BE);
	CHECK(ot_wpptext_encoding(le, sizeof(le)) == OT_WPPTEXT_UTF16LE);
	CHECK(ot_wpptext_encoding(be, sizeof(be)) == OT_WPPTEXT_UTF16BE);
	CHECK(ot_wpptext_encoding(ascii, sizeof(ascii) - 1) == OT_WPPTEXT_UTF8);
	CHECK(ot_wpptext_encoding(pcap, sizeof(pcap)) == OT_WPPTEXT_UTF8);
	CHECK(ot_wpptext_encoding(etl, sizeof(etl)) == OT_WPPTEXT_UTF8);
	CHECK(ot_wpptext_encoding(few, sizeof(few)) == OT_WPPTEXT_UTF8);
	CHECK(ot_wpptext_encoding(nul, sizeof(nul)) == OT_WPPTEXT_UTF8);
	CHECK(ot_wpptext_encoding(one8, sizeof(one8)) == OT_WPPTEXT_UTF16LE);
	CHECK(ot_wpptext_encoding(two8, sizeof(two8)) == OT_WPPTEXT_UTF8);
	CHECK(ot_wpptext_encoding(first, sizeof(first)) == OT_WPPTEXT_UTF8);
	CHECK(ot_wpptext_encoding(le_bom, 1) == OT_WPPTEXT_UTF8);
	CHECK(ot_wpptext_encoding(NULL, 0) == OT_WPPTEXT_UTF8);
}

static void
test_transcode(void)
{
	/* A, U+00E4, U+20AC, U+1F600 (D83D DE00), U+FEFF */
	static const uint8_t le[] = { 'A', 0, 0xE4, 0, 0xAC, 0x20, 0x3D, 0xD8, 0x00, 0xDE, 0xFF, 0xFE };
	static const uint8_t be[] = { 0, 'A', 0, 0xE4, 0x20, 0xAC, 0xD8, 0x3D, 0xDE, 0x00, 0xFE, 0xFF };
	static const char want[] = "A\xC3\xA4\xE2\x82\xAC\xF0\x9F\x98\x80\xEF\xBB\xBF";
	/* a high surrogate then A; a low one alone; a high one last */
	static const uint8_t bad[] = { 0x00, 0xD8, 'A', 0, 0x00, 0xDC, 'B', 0, 0xFF, 0xDB };
	static const char wantbad[] = "\xEF\xBF\xBD" "A" "\xEF\xBF\xBD" "B" "\xEF\xBF\xBD";
	/* two high surrogates then a low one: the first alone, the second paired */
	static const uint8_t hh[] = { 0x00, 0xD8, 0x3D, 0xD8, 0x00, 0xDE };
	static const char wanthh[] = "\xEF\xBF\xBD\xF0\x9F\x98\x80";
	/* an odd last byte */
	static const uint8_t odd[] = { 'x', 0, 'y' };
	char out[64];
	size_t n;

	n = ot_wpptext_utf16_to_utf8(le, sizeof(le), OT_WPPTEXT_UTF16LE, out);
	CHECK_MEM(out, n, want);
	n = ot_wpptext_utf16_to_utf8(be, sizeof(be), OT_WPPTEXT_UTF16BE, out);
	CHECK_MEM(out, n, want);
	n = ot_wpptext_utf16_to_utf8(bad, sizeof(bad), OT_WPPTEXT_UTF16LE, out);
	CHECK_MEM(out, n, wantbad);
	n = ot_wpptext_utf16_to_utf8(hh, sizeof(hh), OT_WPPTEXT_UTF16LE, out);
	CHECK_MEM(out, n, wanthh);
	n = ot_wpptext_utf16_to_utf8(odd, sizeof(odd), OT_WPPTEXT_UTF16LE, out);
	CHECK_MEM(out, n, "x\xEF\xBF\xBD");
	CHECK(ot_wpptext_utf16_to_utf8(odd, 0, OT_WPPTEXT_UTF16LE, out) == 0);
	/* the bound holds for the worst cases: all U+FFFD, all 3-byte units */
	CHECK(OT_WPPTEXT_UTF8_MAX(sizeof(bad)) >= strlen(wantbad));
	CHECK(OT_WPPTEXT_UTF8_MAX(3) >= 4);
}

/* A tracefmt text with every kind of line, read from UTF-8 and UTF-16. */
static const char text[] =
	"EventTrace\r\n"
	"[0]0888.0D60::10/23/2003-12:27:40.173 [tracedrv]IOCTL = 1\r\n"
	"[1]0004.0054::00/00/0000-00:00:00.000 [usb]Entry\r\n"
	"\tcontinued\r\n"
	"[3]0004.183C::08/21/2025-09:46:11.485 [core]No Format Information found.\r\n"
	"garbage line\r\n"
	"[0]0004.0230::05/31/2020-16:43:13.894 [km]last, no newline";

static void
test_utf16_as_utf8(void)
{
	static const int enc[3] = { OT_WPPTEXT_UTF16LE, OT_WPPTEXT_UTF16BE, OT_WPPTEXT_UTF16LE };
	static const int bom[3] = { 1, 1, 0 };
	static const char want[] =
		"2|1066912060173000000|tracedrv||IOCTL = 1\n"
		"3|0|usb||Entry\n\tcontinued\n"
		"7|1590943393894000000|km||last, no newline\n";
	struct ot_wpptext_stats s8, s16;
	char *a, *b;
	uint8_t *u;
	size_t n;
	int rc, i;

	write_file(text, sizeof(text) - 1);
	a = read_all(NULL, &s8, &rc);
	CHECK(rc == 0);
	CHECK(strcmp(a, want) == 0);
	CHECK(s8.lines == 7 && s8.messages == 3 && s8.no_format == 1 && s8.eventtrace == 1 &&
	      s8.other == 1 && s8.continued == 1);
	for (i = 0; i < 3; i++) {
		u = to_utf16(text, sizeof(text) - 1, enc[i], bom[i], &n);
		write_file(u, n);
		free(u);
		b = read_all(NULL, &s16, &rc);
		CHECK(rc == 0);
		CHECK(strcmp(a, b) == 0);
		CHECK(memcmp(&s8, &s16, sizeof(s8)) == 0);
		free(b);
	}
	free(a);
}

/* Characters whose UTF-16 holds a 0x0A byte that is no LF; bad units. */
static void
test_utf16_odd(void)
{
	static const uint8_t le[] = {
		0xFF, 0xFE,
		'[', 0, '0', 0, ']', 0, '1', 0, '.', 0, '2', 0, ':', 0, ':', 0,
		'0', 0, '1', 0, '/', 0, '0', 0, '2', 0, '/', 0, '2', 0, '0', 0, '2', 0, '4', 0,
		'-', 0, '0', 0, '3', 0, ':', 0, '0', 0, '4', 0, ':', 0, '0', 0, '5', 0, '.', 0,
		'0', 0, '0', 0, '6', 0, ' ', 0, '[', 0, 'x', 0, ']', 0,
		/* a U+0A41 b U+010A c, U+1F600, a lone low surrogate, CR LF */
		'a', 0, 0x41, 0x0A, 'b', 0, 0x0A, 0x01, 'c', 0, 0x3D, 0xD8, 0x00, 0xDE,
		0x00, 0xDC, '\r', 0, '\n', 0,
		/* a second line ending in an odd byte */
		'z', 0, 'q'
	};
	static const char want[] =
		"1|1704164645006000000|x||a\xE0\xA9\x81" "b\xC4\x8A" "c\xF0\x9F\x98\x80\xEF\xBF\xBD\n";
	struct ot_wpptext_stats st;
	char *a;
	int rc;

	write_file(le, sizeof(le));
	a = read_all(NULL, &st, &rc);
	CHECK(rc == 0);
	CHECK(strcmp(a, want) == 0);
	CHECK(st.lines == 2 && st.messages == 1 && st.other == 1);
	free(a);
}

/*
 * Continuation lines: tab- or space-indented lines after a message are its
 * text after a '\n', as written; after a "No Format" message, an EventTrace
 * line or a garbage line they are other lines; an empty line ends a message.
 */
static void
test_continuation(void)
{
	static const char in[] =
		"[0]0004.0100::03/05/2024-14:00:00.000 [drv]Dump of buffer:\n"
		"\t0000  07050000 000000                      .......\n"
		"\t\n"
		"[0]0004.0100::03/05/2024-14:00:00.001 [drv]two lines\r\n"
		"    by spaces\r\n"
		"\n"
		"\tafter an empty line\n"
		"[0]0004.0100::03/05/2024-14:00:00.002 [drv]No Format Information found.\n"
		"\tof no message\n"
		"EventTrace\n"
		"\tafter EventTrace\n"
		"[0]0004.0100::03/05/2024-14:00:00.003 [drv]last\n"
		"\tat the end, no newline";
	static const char want[] =
		"1|1709647200000000000|drv||Dump of buffer:\n"
		"\t0000  07050000 000000                      .......\n\t\n"
		"4|1709647200001000000|drv||two lines\n    by spaces\n"
		"12|1709647200003000000|drv||last\n\tat the end, no newline\n";
	struct ot_wpptext_stats st;
	char *a;
	int rc;

	write_file(in, sizeof(in) - 1);
	a = read_all(NULL, &st, &rc);
	CHECK(rc == 0);
	CHECK(strcmp(a, want) == 0);
	CHECK(st.lines == 13 && st.messages == 3 && st.continued == 4 && st.no_format == 1 &&
	      st.eventtrace == 1 && st.other == 4);
	free(a);
}

/*
 * Limits: a UTF-16 line of 1.5 M ASCII characters (3 MB as stored) is read;
 * one of 800 K euro signs (2.4 MB in UTF-8) is refused with its line; a
 * message whose continuation lines pass 2 MiB is refused with the line that
 * passed it, after the message before it was returned.
 */
static void
test_limits(void)
{
	static const char pre[] = "[0]0004.0008::01/02/2024-03:04:05.006 [big]";
	struct ot_wpptext *r;
	struct ot_wpptext_msg m;
	struct ot_err err;
	size_t np = sizeof(pre) - 1, n, i, k;
	uint8_t *b = malloc(2 * (np + 1500000) + 16);
	char *t;
	int rc;

	/* 1.5 M x */
	n = 0;
	b[n++] = 0xFF;
	b[n++] = 0xFE;
	for (i = 0; i < np; i++) {
		b[n++] = (uint8_t)pre[i];
		b[n++] = 0;
	}
	for (i = 0; i < 1500000; i++) {
		b[n++] = 'x';
		b[n++] = 0;
	}
	write_file(b, n);
	memset(&err, 0, sizeof(err));
	r = ot_wpptext_open(path, &err);
	CHECK(r != NULL && ot_wpptext_next(r, &m, &err) == 1 && m.text_len == 1500000 &&
	      m.text[0] == 'x' && m.text[1499999] == 'x');
	CHECK(ot_wpptext_next(r, &m, &err) == 0 && ot_wpptext_bytes(r) == n);
	ot_wpptext_close(r);

	/* 800 K U+20AC: 1.6 MB as stored, 2.4 MB in UTF-8 */
	n = 2 + 2 * np;
	for (i = 0; i < 800000; i++) {
		b[n++] = 0xAC;
		b[n++] = 0x20;
	}
	write_file(b, n);
	memset(&err, 0, sizeof(err));
	r = ot_wpptext_open(path, &err);
	CHECK(r != NULL && ot_wpptext_next(r, &m, &err) == -1 && err.line == 1 &&
	      strstr(err.msg, "line longer than") != NULL);
	ot_wpptext_close(r);
	free(b);

	/* a message, then one with three continuation lines of 900 KB */
	k = 900000;
	t = malloc(2 * (np + 8) + 3 * (k + 2) + 16);
	n = (size_t)sprintf(t, "%sfirst\n%ssecond\n", pre, pre);
	for (i = 0; i < 3; i++) {
		t[n++] = '\t';
		memset(t + n, 'h', k);
		n += k;
		t[n++] = '\n';
	}
	write_file(t, n);
	free(t);
	memset(&err, 0, sizeof(err));
	r = ot_wpptext_open(path, &err);
	rc = r ? ot_wpptext_next(r, &m, &err) : -2;
	CHECK(rc == 1 && m.line == 1);
	CHECK_MEM(m.text, m.text_len, "first");
	rc = r ? ot_wpptext_next(r, &m, &err) : -2;
	CHECK(rc == -1 && err.line == 5 && strstr(err.msg, "continuation lines") != NULL);
	CHECK(r && ot_wpptext_next(r, &m, &err) == -1);	/* and stays so */
	ot_wpptext_close(r);
}

/* %!FUNC! followed by ':' takes a C++ qualified name, MSVC's __FUNCTION__ */
static void
test_func(void)
{
	static const struct {
		const char *line, *func, *text;
	} c[] = {
		{ "[6]09ac L usbip::vhci::device_state_changed:10.10.10.10:3240/1-1\\, port 0",
		  "usbip::vhci::device_state_changed", "10.10.10.10:3240/1-1\\, port 0" },
		{ "[6]09ac L `anonymous namespace'::getaddrinfo:0x00000103(STATUS_PENDING)",
		  "`anonymous namespace'::getaddrinfo", "0x00000103(STATUS_PENDING)" },
		{ "[6]31f0 L ``anonymous namespace'::create_endpoint_queue'::`2'::<lambda_1>::<lambda_invoker_cdecl><void:Queue ea684738 cleanup",
		  "``anonymous namespace'::create_endpoint_queue'::`2'::<lambda_1>::<lambda_invoker_cdecl><void",
		  "Queue ea684738 cleanup" },
		{ "[0]0001 L nic::Adapter::~Adapter:gone", "nic::Adapter::~Adapter", "gone" },
		{ "[0]0001 L nic::Adapter::operator ():called", "nic::Adapter::operator ()", "called" },
		{ "[0]0001 L plain:a::b", "plain", "a::b" },
		/* "::" before what no name starts with is the delimiter and the text */
		{ "[0]0001 L Counter::42 items", "Counter", ":42 items" },
		{ "[0]0001 L ns::f:", "ns::f", "" },
	};
	struct ot_wpptext_prefix *pf, *pf2;
	struct ot_wpptext_msg m;
	struct ot_err err;
	size_t i;

	memset(&err, 0, sizeof(err));
	pf = ot_wpptext_prefix_new("[%9]%3!04x! %!LEVEL! %!FUNC!:", &err);
	CHECK(pf != NULL);
	if (pf == NULL)
		return;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int ok = ot_wpptext_parse_prefixed(pf, c[i].line, strlen(c[i].line), &m);

		CHECK(ok == 1);
		if (ok != 1)
			continue;
		CHECK_MEM(m.func, m.func_len, c[i].func);
		CHECK_MEM(m.text, m.text_len, c[i].text);
	}
	/* no ':' after the name: not this prefix */
	CHECK(ot_wpptext_parse_prefixed(pf, "[0]0001 L ns::f", 15, &m) == 0);
	/* a literal "::" after %!FUNC! is the delimiter, as before */
	pf2 = ot_wpptext_prefix_new("%!FUNC!::", &err);
	CHECK(pf2 != NULL && ot_wpptext_parse_prefixed(pf2, "a::b::c", 7, &m) == 1);
	CHECK_MEM(m.func, m.func_len, "a");
	CHECK_MEM(m.text, m.text_len, "b::c");
	/* other string variables stop at the first ':' as they did */
	ot_wpptext_prefix_free(pf2);
	pf2 = ot_wpptext_prefix_new("%2!s!:", &err);
	CHECK(pf2 != NULL && ot_wpptext_parse_prefixed(pf2, "a::b:c", 6, &m) == 1);
	CHECK_MEM(m.text, m.text_len, ":b:c");
	ot_wpptext_prefix_free(pf2);
	ot_wpptext_prefix_free(pf);
}

int
main(void)
{
	int fd = mkstemp(tmpl);

	if (fd < 0) {
		perror("mkstemp");
		return 2;
	}
	close(fd);
	snprintf(path, sizeof(path), "%s", tmpl);
	test_encoding();
	test_transcode();
	test_utf16_as_utf8();
	test_utf16_odd();
	test_continuation();
	test_limits();
	test_func();
	unlink(path);
	printf("test_wpptext: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
