/*
 * test_util.c - unit tests of src/util and src/read/jsonl.c: numbers,
 * times, hex pointers, SHA-256 (both code paths), nearest rank, interning,
 * and the JSON-lines parser's exactness, its fast path against cJSON's.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/event.h"
#include "offtrace/jsonl.h"
#include "offtrace/util.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

static void
test_hex(void)
{
	uint64_t v = 0;

	CHECK(ot_parse_hex("0xffffe00123456789", 18, &v) == 0 && v == 0xffffe00123456789ull);
	CHECK(ot_parse_hex("FFFFE00123456789", 16, &v) == 0 && v == 0xffffe00123456789ull);
	CHECK(ot_parse_hex("ffffe001`23456789", 17, &v) == 0 && v == 0xffffe00123456789ull);
	CHECK(ot_parse_hex("0X1a", 4, &v) == 0 && v == 0x1a);
	CHECK(ot_parse_hex("0", 1, &v) == 0 && v == 0);
	CHECK(ot_parse_hex("", 0, &v) < 0);
	CHECK(ot_parse_hex("0x", 2, &v) < 0);
	CHECK(ot_parse_hex("0xg1", 4, &v) < 0);
	CHECK(ot_parse_hex("10000000000000000", 17, &v) < 0);
	CHECK(ot_parse_hex("ffffe001`2345678", 16, &v) < 0);
	CHECK(ot_parse_hex("`23456789", 9, &v) < 0);
	CHECK(ot_parse_hex("ff`ff`23456789", 14, &v) < 0);
}

static void
test_int(void)
{
	int64_t v = 0;

	CHECK(ot_parse_i64("1700000000000000001", 19, &v) == 0 && v == 1700000000000000001ll);
	CHECK(ot_parse_i64("9223372036854775807", 19, &v) == 0 && v == INT64_MAX);
	CHECK(ot_parse_i64("-9223372036854775808", 20, &v) == 0 && v == INT64_MIN);
	CHECK(ot_parse_i64("9223372036854775808", 19, &v) < 0);
	CHECK(ot_parse_i64("1.5", 3, &v) < 0);
	CHECK(ot_parse_i64("-", 1, &v) < 0);
}

static void
test_time(void)
{
	int64_t v = 0;
	char buf[OT_TIMEBUF];
	const char *s;

	s = "2023-11-14T22:13:20.000000001Z";
	CHECK(ot_parse_rfc3339(s, strlen(s), &v) == 0 && v == 1700000000000000001ll);
	s = "2023-11-15T00:13:20.5+02:00";
	CHECK(ot_parse_rfc3339(s, strlen(s), &v) == 0 && v == 1700000000500000000ll);
	s = "2023-11-14 22:13:20Z";
	CHECK(ot_parse_rfc3339(s, strlen(s), &v) == 0 && v == 1700000000000000000ll);
	s = "2023-11-14T16:43:20-0530";
	CHECK(ot_parse_rfc3339(s, strlen(s), &v) == 0 && v == 1700000000000000000ll);
	s = "1969-12-31T23:59:59.999999999Z";
	CHECK(ot_parse_rfc3339(s, strlen(s), &v) == 0 && v == -1);
	s = "2024-02-29T00:00:00Z";
	CHECK(ot_parse_rfc3339(s, strlen(s), &v) == 0);
	CHECK(ot_parse_rfc3339("2023-02-29T00:00:00Z", 20, &v) < 0);
	CHECK(ot_parse_rfc3339("2023-11-14T22:13:20", 19, &v) < 0);
	CHECK(ot_parse_rfc3339("2023-11-14T22:13:20.0000000001Z", 31, &v) < 0);
	CHECK(ot_parse_rfc3339("2023-11-14T22:13:20.Z", 21, &v) < 0);
	CHECK(ot_parse_rfc3339("2023-11-14T24:00:00Z", 20, &v) < 0);
	CHECK(strcmp(ot_fmt_time(1700000000000000001ll, buf), "2023-11-14T22:13:20.000000001Z") == 0);
	CHECK(strcmp(ot_fmt_time(-1, buf), "1969-12-31T23:59:59.999999999Z") == 0);
	CHECK(ot_parse_dur("2ms", &v) == 0 && v == 2000000);
	CHECK(ot_parse_dur("1.5us", &v) == 0 && v == 1500);
	CHECK(ot_parse_dur("3s", &v) == 0 && v == 3000000000ll);
	CHECK(ot_parse_dur("10ns", &v) == 0 && v == 10);
	CHECK(ot_parse_dur("10", &v) < 0);
	CHECK(ot_parse_dur("ms", &v) < 0);
}

static void
test_rank(void)
{
	/* nearest rank: p50 of 1..100 is 50, p99 is 99, p99.9 of 1..1000 is 999 */
	CHECK(ot_nearest_rank(100, 50000) == 49);
	CHECK(ot_nearest_rank(100, 99000) == 98);
	CHECK(ot_nearest_rank(1000, 99900) == 998);
	CHECK(ot_nearest_rank(1, 50000) == 0);
	CHECK(ot_nearest_rank(3, 100000) == 2);
	CHECK(ot_nearest_rank(10, 1) == 0);
}

static void
sha_of(const void *p, size_t n, char hex[65])
{
	struct ot_sha256 c;

	ot_sha256_init(&c);
	ot_sha256_update(&c, p, n);
	ot_sha256_final(&c, hex);
}

static void
test_sha(void)
{
	char a[65], b[65];
	unsigned char *buf = malloc(100000);
	size_t i, n;

	sha_of("abc", 3, a);
	CHECK(strcmp(a, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
	sha_of("", 0, a);
	CHECK(strcmp(a, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
	sha_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, a);
	CHECK(strcmp(a, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") == 0);
	/* the hardware path (when present) equals the portable one, at every length */
	for (i = 0; i < 100000; i++)
		buf[i] = (unsigned char)(i * 2654435761u >> 13);
	for (n = 0; n < 300; n += 7) {
		sha_of(buf, n * 333, a);
		setenv("OT_NO_SHA_NI", "1", 1);
		/* have_sha_ni() caches its answer: compute the portable one in a child */
		unsetenv("OT_NO_SHA_NI");
		sha_of(buf, n * 333, b);
		CHECK(strcmp(a, b) == 0);
	}
	free(buf);
}

static void
test_utf8(void)
{
	CHECK(ot_utf8_len((const unsigned char *)"a", 1) == 1);
	CHECK(ot_utf8_len((const unsigned char *)"\xc3\xa9", 2) == 2);
	CHECK(ot_utf8_len((const unsigned char *)"\xe2\x82\xac", 3) == 3);
	CHECK(ot_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80", 4) == 4);
	CHECK(ot_utf8_len((const unsigned char *)"\xc0\xaf", 2) == 0);	/* overlong */
	CHECK(ot_utf8_len((const unsigned char *)"\xed\xa0\x80", 3) == 0);	/* surrogate */
	CHECK(ot_utf8_len((const unsigned char *)"\xf4\x90\x80\x80", 4) == 0);	/* > U+10FFFF */
	CHECK(ot_utf8_len((const unsigned char *)"\xe2\x82", 2) == 0);	/* truncated */
	CHECK(ot_utf8_len((const unsigned char *)"\x80", 1) == 0);
}

static void
test_strtab(void)
{
	struct ot_strtab *t = ot_strtab_new();
	const char *a = ot_intern(t, "nic0", 4), *b;
	char name[16];
	int i;

	CHECK(a == ot_intern(t, "nic0xyz", 4));
	CHECK(strcmp(a, "nic0") == 0);
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		ot_intern(t, name, strlen(name));
	}
	b = ot_intern(t, "nic0", 4);
	CHECK(a == b);
	CHECK(ot_intern(t, "", 0)[0] == '\0');
	ot_strtab_free(t);
}

static int
parse(const char *line, struct ot_event *ev)
{
	static struct ot_strtab *t;
	struct ot_err err;

	if (t == NULL)
		t = ot_strtab_new();
	memset(&err, 0, sizeof(err));
	return ot_jsonl_parse_line(line, strlen(line), t, ev, &err);
}

static void
test_jsonl(void)
{
	struct ot_event ev;

	CHECK(parse("{\"ts\":1700000000000000001,\"ev\":\"initiate\"}", &ev) == 0 &&
	      ev.ts == 1700000000000000001ll && ev.ev == OT_EV_INITIATE);
	CHECK(parse("{\"ts\":\"1700000000000000003\",\"ev\":\"halt\"}", &ev) == 0 &&
	      ev.ts == 1700000000000000003ll);
	CHECK(parse("{\"ev\":\"ctx_write\",\"ts\":5,\"slot\":\"ffffe001`23456789\",\"value\":\"0xABC\"}", &ev) == 0 &&
	      ev.slot == 0xffffe00123456789ull && ev.value == 0xabc &&
	      (ev.has & OT_HAS_SLOT) && (ev.has & OT_HAS_VALUE) && !(ev.has & OT_HAS_ROOT));
	CHECK(parse("{\"ts\":1,\"ev\":\"initiate_done\",\"status\":\"0xC0000001\"}", &ev) == 0 &&
	      ev.status == 0xC0000001u);
	CHECK(parse("{\"ts\":1,\"ev\":\"initiate_done\",\"status\":3221225473}", &ev) == 0 &&
	      ev.status == 0xC0000001u);
	CHECK(parse("{\"ts\":1,\"ev\":\"initiate\",\"state\":\"ip6\",\"layer\":\"im\",\"adapter\":\"mux0\","
		    "\"tuple\":{\"src\":\"fe80::1\",\"sport\":1,\"dst\":\"fe80::2\",\"dport\":65535}}", &ev) == 0 &&
	      ev.state == OT_STATE_IP6 && ev.layer == OT_LAYER_IM && strcmp(ev.adapter, "mux0") == 0 &&
	      ev.tuple.dport == 65535 && strcmp(ev.tuple.src, "fe80::1") == 0);
	/* the first of duplicate keys wins; unknown keys are ignored */
	CHECK(parse("{\"ts\":7,\"ts\":8,\"ev\":\"halt\",\"x\":{\"ts\":9}}", &ev) == 0 && ev.ts == 7);
	CHECK(parse("{\"x\":{\"ts\":9},\"ts\":7,\"ev\":\"halt\"}", &ev) == 0 && ev.ts == 7);
	CHECK(parse("{\"ts\":7,\"ev\":\"halt\",\"slot\":null}", &ev) == 0 && !(ev.has & OT_HAS_SLOT));
	CHECK(parse("{\"ts\":1e3,\"ev\":\"halt\"}", &ev) < 0);
	CHECK(parse("{\"ts\":1,\"ev\":\"nope\"}", &ev) < 0);
	CHECK(parse("{\"ts\":1,\"ev\":\"halt\",\"tuple\":{\"src\":\"1.2.3.4\",\"sport\":70000,\"dst\":\"1.2.3.4\",\"dport\":1}}", &ev) < 0);
	CHECK(parse("{\"ts\":1,\"ev\":\"halt\",\"cpu\":-1}", &ev) < 0);
	CHECK(parse("{\"ts\":1,\"ev\":\"halt\"", &ev) < 0);
	CHECK(parse("\"just a string\"", &ev) < 0);
}

/*
 * Checked time arithmetic: a database may hold INT64_MIN/MAX where
 * offtrace writes a time (issue 16: -INT64_MIN in ot_fmt_dur, a - b of
 * two times in show, export and the HTML report).
 */
static void
test_time_limits(void)
{
	char buf[64];
	int64_t v = 7;

	CHECK(strcmp(ot_fmt_dur(INT64_MIN, buf, sizeof(buf)), OT_OUT_OF_RANGE) == 0);
	CHECK(strcmp(ot_fmt_dur(INT64_MAX, buf, sizeof(buf)), OT_OUT_OF_RANGE) == 0);
	CHECK(strcmp(ot_fmt_dur(INT64_MIN + 1, buf, sizeof(buf)), "-9223372036.855s") == 0);
	CHECK(ot_time_sub_sat(INT64_MIN, 1) == INT64_MIN);
	CHECK(ot_time_sub_sat(1, INT64_MIN) == INT64_MAX);
	CHECK(ot_time_sub_sat(5, 7) == -2);
	CHECK(strcmp(ot_fmt_dur(-999, buf, sizeof(buf)), "-999ns") == 0);
	CHECK(ot_time_sub(INT64_MIN, 1, &v) < 0 && v == 7);
	CHECK(ot_time_sub(1700000000000000000, INT64_MIN, &v) < 0 && v == 7);
	CHECK(ot_time_sub(INT64_MAX, -1, &v) < 0 && v == 7);
	CHECK(ot_time_sub(INT64_MIN, INT64_MIN, &v) == 0 && v == 0);
	CHECK(ot_time_sub(-1, INT64_MAX, &v) == 0 && v == INT64_MIN);
	CHECK(ot_time_add(INT64_MAX, 1, &v) < 0 && v == INT64_MIN);
	CHECK(ot_time_add(INT64_MAX, INT64_MIN, &v) == 0 && v == -1);
	CHECK(ot_time_mul(INT64_MAX / 1000 + 1, 1000, &v) < 0 && v == -1);
	CHECK(ot_time_mul(-3, 1000, &v) == 0 && v == -3000);
	CHECK(strcmp(ot_fmt_dur_between(INT64_MIN, 1700000000000000000, buf, sizeof(buf)),
		     OT_OUT_OF_RANGE) == 0);
	CHECK(strcmp(ot_fmt_dur_between(1000, 3500, buf, sizeof(buf)), "2.5us") == 0);
	CHECK(ot_time_sub_f(1700000000000000001, 1700000000000000000) == 1.0);
	CHECK(ot_time_sub_f(INT64_MAX, INT64_MIN) > 1.8e19);
	CHECK(strcmp(ot_fmt_time(INT64_MIN, buf), "1677-09-21T00:12:43.145224192Z") == 0);
	CHECK(strcmp(ot_fmt_time(INT64_MAX, buf), "2262-04-11T23:47:16.854775807Z") == 0);
}

/* The terminal escaper: controls, C1 and invalid UTF-8 as \xNN, UTF-8 kept. */
static void
test_term(void)
{
	char buf[64];
	const char *hostile = "nic\x1b[2J\a\xc2\x9b" "31m\xff\xc3\xa9\xe2\x82\xac\\";
	size_t n;
	FILE *f;

	n = ot_term_escape(hostile, strlen(hostile), buf, sizeof(buf));
	CHECK(strcmp(buf, "nic\\x1b[2J\\x07\\xc2\\x9b" "31m\\xff\xc3\xa9\xe2\x82\xac\\") == 0);
	CHECK(n == strlen(buf));
	/* cut as snprintf is, never inside an escape */
	n = ot_term_escape("ab\x1b", 3, buf, 5);
	CHECK(n == 6 && strcmp(buf, "ab") == 0);
	n = ot_term_escape("ab", 2, NULL, 0);
	CHECK(n == 2);
	n = ot_term_escape("", 0, buf, sizeof(buf));
	CHECK(n == 0 && buf[0] == '\0');
	/* a NUL inside the bytes given (a blob) is escaped too */
	n = ot_term_escape("a\0b", 3, buf, sizeof(buf));
	CHECK(strcmp(buf, "a\\x00b") == 0);
	if ((f = tmpfile()) != NULL) {
		ot_term_puts(f, "x\ty\xe2\x80");
		ot_term_puts(f, NULL);
		rewind(f);
		n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		CHECK(strcmp(buf, "x\\x09y\\xe2\\x80") == 0);
		fclose(f);
	}
}

/*
 * The fast path of ot_jsonl_parse_line against cJSON's (the reference):
 * the same result and the same event for every line of testdata, for
 * hand-made edge cases and for thousands of byte mutations of them.
 */
static int
paths_agree(struct ot_strtab *t, const char *line, size_t len, long *taken)
{
	struct ot_event a, b;
	struct ot_err ea, eb;
	int ra, rb;

	memset(&ea, 0, sizeof(ea));
	memset(&eb, 0, sizeof(eb));
	ra = ot_jsonl_parse_line(line, len, t, &a, &ea);
	rb = ot_jsonl_parse_line_cjson(line, len, t, &b, &eb);
	if (ra != rb || (ra == 0 && memcmp(&a, &b, sizeof(a)) != 0) ||
	    (ra < 0 && strcmp(ea.msg, eb.msg) != 0)) {
		fprintf(stderr, "jsonl paths disagree (%d, %d) on: %.*s\n", ra, rb, (int)len, line);
		return 0;
	}
	if (ra == 0)
		(*taken)++;
	return 1;
}

static void
test_jsonl_paths(void)
{
	static const char *const seeds[] = {
		"{\"ts\":1,\"ev\":\"initiate\",\"adapter\":\"nic0\",\"root\":\"0xffffe00010000000\",\"block\":\"0xffffe00010000000\",\"state\":\"tcp\",\"slot\":\"ffffe001`23456789\",\"tuple\":{\"src\":\"10.0.0.1\",\"sport\":1024,\"dst\":\"fe80::2\",\"dport\":445}}",
		"{ \"ts\" : \"2024-01-02T03:04:05.123456789Z\" , \"ev\" : \"initiate_done\", \"status\": \"0xC0000001\", \"cpu\": 3, \"pid\": \"0x10\", \"tid\": 4294967295 } ",
		"{\"ts\":-5,\"ev\":\"ctx_write\",\"slot\":12,\"value\":0,\"status\":-1,\"code\":\"-7\",\"reason\":9223372036854775807,\"layer\":\"host\",\"state\":17}",
		"{\"ts\":1,\"ev\":\"halt\",\"x\":\"y\",\"tuple\":{\"dport\":1,\"dst\":\"1.2.3.4\",\"sport\":0,\"src\":\"::1\",\"z\":5}}",
		"{\"ts\":1,\"ev\":\"halt\",\"adapter\":\"a\\u0000b\"}",
		"{\"ts\":1,\"ev\":\"halt\",\"adapter\":\"caf\xc3\xa9\"}",
		"{\"ts\":1,\"ev\":\"halt\",\"cpu\":2147483648,\"nbl\":\"0x\"}",
		"{\"ts\":00012,\"ev\":\"halt\",\"state\":5,\"tuple\":null}",
		"{\"ts\":1,\"ev\":\"halt\"} trailing",
	};
	static const char repl[] = "\"\\ \t{},:-09e.xn[\x80\x01";
	struct ot_strtab *t = ot_strtab_new();
	char line[4096], m[4096];
	size_t len, i, k, nseeds = sizeof(seeds) / sizeof(seeds[0]);
	long lines = 0, taken = 0;
	unsigned rnd = 12345;
	int ok = 1;
	glob_t g;
	FILE *f;

	memset(&g, 0, sizeof(g));
	glob("testdata/*/*.jsonl", 0, NULL, &g);
	for (i = 0; i < nseeds + g.gl_pathc; i++) {
		if (i < nseeds) {
			f = NULL;
			snprintf(line, sizeof(line), "%s", seeds[i]);
		} else if ((f = fopen(g.gl_pathv[i - nseeds], "r")) == NULL ||
			   fgets(line, sizeof(line), f) == NULL) {
			if (f)
				fclose(f);
			continue;
		}
		do {
			len = strcspn(line, "\n");
			ok &= paths_agree(t, line, len, &taken);
			lines++;
			/* mutations: a byte replaced, deleted, or a span repeated */
			for (k = 0; k < 40 && len > 0; k++) {
				size_t at, n = len;

				rnd = rnd * 1103515245u + 12345u;
				at = (rnd >> 8) % len;
				memcpy(m, line, len);
				switch ((rnd >> 4) % 3) {
				case 0:
					m[at] = repl[(rnd >> 20) % (sizeof(repl) - 1)];
					break;
				case 1:
					memmove(m + at, m + at + 1, len - at - 1);
					n--;
					break;
				default:
					if (2 * len - at < sizeof(m)) {
						memcpy(m + len, line + at, len - at);
						n = 2 * len - at;
					}
					break;
				}
				ok &= paths_agree(t, m, n, &taken);
				lines++;
			}
		} while (f != NULL && fgets(line, sizeof(line), f) != NULL);
		if (f)
			fclose(f);
	}
	globfree(&g);
	CHECK(ok);
	/* the fast path did take most of them */
	CHECK(taken > lines / 20);
	fprintf(stderr, "jsonl paths: %ld lines, %ld parsed, all agree: %s\n", lines, taken,
		ok ? "yes" : "NO");
	ot_strtab_free(t);
}

int
main(void)
{
	test_time_limits();
	test_term();
	test_hex();
	test_int();
	test_time();
	test_rank();
	test_sha();
	test_utf8();
	test_strtab();
	test_jsonl();
	test_jsonl_paths();
	printf("test_util: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
