/*
 * test_wpp.c - unit tests of src/read/wpp.c: MESSAGE_TRACE_HEADER option
 * fields in every combination, truncation at every length (from exact-size
 * heap copies, so ASan sees any over-read), tracefmt-style rendering of
 * every argument family with testdata/wpp's TMF, arguments that overrun
 * the record, and a synthetic .etl written with ot_etlw_raw() read back
 * through the .etl reader.
 *
 * "test_wpp --write-etl FILE [--bad]" only writes that .etl (tests/cli/wpp.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/etl.h"
#include "offtrace/etlw.h"
#include "offtrace/tmf.h"
#include "offtrace/wpp.h"

#define TMF_DIR		"testdata/wpp"
/* 6b1c4a8e-2f3d-4e5a-9b7c-0d1e2f3a4b5c in Windows memory order */
static const uint8_t msg_guid[16] = {
	0x8e, 0x4a, 0x1c, 0x6b, 0x3d, 0x2f, 0x5a, 0x4e,
	0x9b, 0x7c, 0x0d, 0x1e, 0x2f, 0x3a, 0x4b, 0x5c
};
#define START_NS	INT64_C(1700000000000000000)

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STR(got, want) do { \
	if (strcmp((got), (want)) == 0) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: got '%s'\n%*swant '%s'\n", __FILE__, __LINE__, \
			(got), (int)strlen(__FILE__) + 6, "", (want)); } \
} while (0)

/* Build a MESSAGE record: header, option fields, args.  Returns its size;
 * *ts_off is the timestamp's offset or (size_t)-1. */
static size_t
build(uint8_t *b, uint16_t opt, uint16_t number, uint32_t seq, uint32_t tid,
      uint32_t pid, uint64_t ts, const uint8_t *args, size_t alen, size_t *ts_off)
{
	size_t o = 8;

	*ts_off = (size_t)-1;
	b[2] = 0;
	b[3] = 0x90;
	ot_put_le16(b + 4, number);
	ot_put_le16(b + 6, opt);
	if (opt & OT_WPP_SEQUENCE) {
		ot_put_le32(b + o, seq);
		o += 4;
	}
	if (opt & OT_WPP_COMPONENTID) {
		ot_put_le32(b + o, 77);
		o += 4;
	} else if (opt & OT_WPP_GUID) {
		memcpy(b + o, msg_guid, 16);
		o += 16;
	}
	if (opt & OT_WPP_TIMESTAMP) {
		*ts_off = o;
		ot_put_le64(b + o, ts);
		o += 8;
	}
	if (opt & OT_WPP_SYSTEMINFO) {
		ot_put_le32(b + o, tid);
		ot_put_le32(b + o + 4, pid);
		o += 8;
	}
	memcpy(b + o, args, alen);
	o += alen;
	ot_put_le16(b, (uint16_t)o);
	return o;
}

static size_t
args_ptrs(uint8_t *a, uint32_t status)
{
	ot_put_le64(a, UINT64_C(0xffffe0012a4c33b8));
	ot_put_le64(a + 8, 0);
	ot_put_le32(a + 16, status);
	return 20;
}

static size_t
args_ints(uint8_t *a)
{
	ot_put_le32(a, (uint32_t)-5);
	ot_put_le32(a + 4, 0xabcd);
	ot_put_le32(a + 8, 7);
	ot_put_le64(a + 12, UINT64_C(0x1234567890));
	a[20] = 'A';
	ot_put_le16(a + 21, (uint16_t)-2);
	return 23;
}

static size_t
args_strings(uint8_t *a)
{
	size_t o = 0;

	memcpy(a, "eth0", 5);
	o = 5;
	ot_put_le16(a + o, 'w');
	ot_put_le16(a + o + 2, 0xe4);	/* a umlaut */
	ot_put_le16(a + o + 4, 0);
	o += 6;
	ot_put_le32(a + o, 2);		/* Offloaded */
	ot_put_le32(a + o + 4, 5);	/* Push|Fin */
	o += 8;
	a[o++] = 192; a[o++] = 168; a[o++] = 1; a[o++] = 10;
	a[o++] = 0x1f; a[o++] = 0x90;	/* 8080, network order */
	ot_put_le32(a + o, 0);
	return o + 4;
}

static size_t
args_guid(uint8_t *a)
{
	memcpy(a, msg_guid, 16);
	return 16;
}

static void
test_parse(void)
{
	uint8_t b[256], a[64];
	struct ot_wpp_msg m;
	struct ot_err err;
	size_t n, ts_off, cut;
	unsigned opt;

	memset(&err, 0, sizeof(err));
	n = build(b, 0x2B, 11, 0x4ea4, 0x10, 0x20, 12345, a, args_ptrs(a, 0), &ts_off);
	CHECK(n == 44 + 20);
	CHECK(ot_wpp_parse(b, n, 8, &m, &err) == 0);
	CHECK(m.number == 11 && m.has_seq && m.seq == 0x4ea4 && m.has_guid &&
	      memcmp(m.guid, msg_guid, 16) == 0 && m.has_ts && m.ts == 12345 &&
	      m.tid == 0x10 && m.pid == 0x20 && m.args_len == 20 && m.ptr_size == 8);
	/* component id wins over the GUID flag */
	n = build(b, 0x0006 | OT_WPP_POINTER32, 3, 0, 0, 0, 0, a, 4, &ts_off);
	CHECK(ot_wpp_parse(b, n, 8, &m, &err) == 0);
	CHECK(m.has_compid && m.compid == 77 && !m.has_guid && m.args_len == 4 &&
	      m.ptr_size == 4);
	/* pointer size from the log file when the flags give none */
	n = build(b, 0, 3, 0, 0, 0, 0, a, 0, &ts_off);
	CHECK(ot_wpp_parse(b, n, 4, &m, &err) == 0 && m.ptr_size == 4 && m.args_len == 0);
	/* every option combination, every truncation, from exact-size copies */
	for (opt = 0; opt < 0x40; opt++) {
		n = build(b, (uint16_t)opt, 1, 1, 2, 3, 4, a, 3, &ts_off);
		for (cut = 0; cut <= n; cut++) {
			uint8_t *c = malloc(cut ? cut : 1);
			int r;

			memcpy(c, b, cut);
			if (cut >= 2 && cut < n)
				ot_put_le16(c, (uint16_t)cut);	/* Size says the cut too */
			r = ot_wpp_parse(c, cut, 8, &m, &err);
			if (cut == n)
				CHECK(r == 0 && m.args_len == 3);
			else if (r == 0)
				CHECK(m.args + m.args_len <= c + cut);
			else
				CHECK(err.phase != NULL && strcmp(err.phase, "wpp") == 0);
			free(c);
		}
	}
	/* not a MESSAGE record, Size beyond the bytes */
	b[3] = 0xc0;
	CHECK(ot_wpp_parse(b, n, 8, &m, &err) < 0);
	b[3] = 0x90;
	ot_put_le16(b, (uint16_t)(n + 1));
	CHECK(ot_wpp_parse(b, n, 8, &m, &err) < 0);
}

static const struct ot_tmf_msg *
find(const struct ot_tmfdir *d, uint16_t number)
{
	return ot_tmfdir_find(d, msg_guid, number);
}

static void
render(const struct ot_tmfdir *d, uint16_t number, uint16_t opt, const uint8_t *a,
       size_t alen, char *out, size_t cap, int *rc)
{
	uint8_t b[512];
	struct ot_wpp_msg m;
	struct ot_wpp_where w;
	const char *why;
	size_t n, ts_off;
	uint8_t *c;

	n = build(b, opt, number, 0x4ea4, 0x0c64, 0x0af4, 1, a, alen, &ts_off);
	c = malloc(n);
	memcpy(c, b, n);
	out[0] = '\0';
	*rc = -2;
	if (ot_wpp_parse(c, n, 8, &m, NULL) == 0 && find(d, number) != NULL) {
		w.cpu = 1;
		w.ts_ns = START_NS + INT64_C(123456789);
		*rc = ot_wpp_format(find(d, number), &m, &w, out, cap, &why);
	}
	free(c);
}

static void
test_format(void)
{
	struct ot_err err;
	struct ot_tmfdir *d;
	uint8_t a[128];
	char out[OT_WPP_MAX_TEXT], small[24];
	size_t n, cut;
	int rc;

	memset(&err, 0, sizeof(err));
	d = ot_tmfdir_open(TMF_DIR, &err);
	CHECK(d != NULL);
	if (d == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	CHECK(find(d, 10) != NULL && find(d, 14) != NULL && find(d, 9) == NULL);
	render(d, 10, 0x2B, a, 0, out, sizeof(out), &rc);
	CHECK_STR(out, "[1]0AF4.0C64::11/14/2023-22:13:20.123 [ofdrv] [MiniportInitiateOffload] --> Entry");
	CHECK(rc == 0);
	render(d, 11, 0x2B, a, args_ptrs(a, 0x103), out, sizeof(out), &rc);
	CHECK_STR(out, "[1]0AF4.0C64::11/14/2023-22:13:20.123 [ofdrv] [MiniportInitiateOffload] "
		  "offload block FFFFE0012A4C33B8 context 0000000000000000 status 0x00000103(STATUS_PENDING)");
	render(d, 11, 0x2B, a, args_ptrs(a, 0xC00000BB), out, sizeof(out), &rc);
	CHECK(strstr(out, "status 0xc00000bb(STATUS_NOT_SUPPORTED)") != NULL);
	render(d, 11, 0x2B, a, args_ptrs(a, 0x12345678), out, sizeof(out), &rc);
	CHECK(strstr(out, "status 0x12345678") != NULL && strchr(out, '(') == NULL);
	render(d, 12, 0x2B, a, args_ints(a), out, sizeof(out), &rc);
	CHECK(strstr(out, "count=-5 hex=0000ABCD u=7 big=1234567890 c=A s=-2") != NULL);
	CHECK(rc == 0);
	render(d, 13, 0x2B, a, args_strings(a), out, sizeof(out), &rc);
	CHECK(strstr(out, "[OffloadState] name=eth0 wname=w\xc3\xa4 state=Offloaded flags=Push|Fin "
		      "addr=192.168.1.10:8080 hr=0x00000000(S_OK)") != NULL);
	CHECK(rc == 0);
	render(d, 14, 0x2B, a, args_guid(a), out, sizeof(out), &rc);
	CHECK(strstr(out, "guid=6b1c4a8e-2f3d-4e5a-9b7c-0d1e2f3a4b5c level=TRACE_LEVEL_WARNING "
		      "flags=TRACE_OFFLOAD 100% done") != NULL);
	/* 32-bit pointers from the flags */
	ot_put_le32(a, 0x8a4c33b8);
	ot_put_le32(a + 4, 0);
	ot_put_le32(a + 8, 0);
	render(d, 11, 0x2B | OT_WPP_POINTER32, a, 12, out, sizeof(out), &rc);
	CHECK(strstr(out, "block 8A4C33B8 context 00000000 status 0x00000000(STATUS_SUCCESS)") != NULL);
	CHECK(rc == 0);
	/* no SYSTEMINFO: PID and TID print as zeros */
	render(d, 10, 0x0B, a, 0, out, sizeof(out), &rc);
	CHECK(strncmp(out, "[1]0000.0000::", 14) == 0);
	/* arguments cut at every length: rendered, "<?>" for the missing, -1 */
	n = args_strings(a);
	for (cut = 0; cut < n; cut++) {
		render(d, 13, 0x2B, a, cut, out, sizeof(out), &rc);
		CHECK(rc == -1 && strstr(out, "<?>") != NULL);
	}
	/* values after the overrun print as "<?>", never as stale memory */
	render(d, 11, 0x2B, a, 10, out, sizeof(out), &rc);
	CHECK(rc == -1 && strstr(out, "context <?> status <?>") != NULL);
	/* a small output buffer cuts the text */
	render(d, 13, 0x2B, a, n, small, sizeof(small), &rc);
	CHECK(strlen(small) == sizeof(small) - 1);
	ot_tmfdir_free(d);
	/* a missing directory is an error naming it */
	CHECK(ot_tmfdir_open("testdata/wpp/nonexistent", &err) == NULL &&
	      strstr(err.file, "nonexistent") != NULL);
}

/* The synthetic .etl: five decodable messages, one without a TMF; with
 * bad, a last message whose arguments overrun the record. */
static int
write_etl(const char *path, int bad)
{
	struct ot_etlw_opts o;
	struct ot_etlw *w;
	struct ot_err err;
	uint8_t b[512], a[128];
	size_t n, ts_off;
	int64_t t = START_NS;
	FILE *f;
	int r = 0;

	memset(&err, 0, sizeof(err));
	memset(&o, 0, sizeof(o));
	o.buffer_size = 8192;
	o.perf_freq = 10000000;
	o.ncpu = 2;
	f = fopen(path, "w+b");
	if (f == NULL)
		return -1;
	w = ot_etlw_open(f, &o, t, &err);
	if (w == NULL) {
		fclose(f);
		return -1;
	}
	n = build(b, 0x2B, 10, 1, 0x0c64, 0x0af4, 0, a, 0, &ts_off);
	r |= ot_etlw_raw(w, 0, t += 1000000, b, n, ts_off, &err);
	n = build(b, 0x2B, 11, 2, 0x0c64, 0x0af4, 0, a, args_ptrs(a, 0x103), &ts_off);
	r |= ot_etlw_raw(w, 1, t += 1000000, b, n, ts_off, &err);
	n = build(b, 0x2B, 12, 3, 0x0c64, 0x0af4, 0, a, args_ints(a), &ts_off);
	r |= ot_etlw_raw(w, 0, t += 1000000, b, n, ts_off, &err);
	n = build(b, 0x2B, 13, 4, 0x0c64, 0x0af4, 0, a, args_strings(a), &ts_off);
	r |= ot_etlw_raw(w, 1, t += 1000000, b, n, ts_off, &err);
	n = build(b, 0x2B, 14, 5, 0x0c64, 0x0af4, 0, a, args_guid(a), &ts_off);
	r |= ot_etlw_raw(w, 0, t += 1000000, b, n, ts_off, &err);
	n = build(b, 0x2B, 99, 6, 0x0c64, 0x0af4, 0, a, 4, &ts_off);
	r |= ot_etlw_raw(w, 0, t += 1000000, b, n, ts_off, &err);
	r |= ot_etlw_raw(w, 1, t += 1000000, b, n, ts_off, &err);
	if (bad) {
		n = build(b, 0x2B, 11, 7, 0x0c64, 0x0af4, 0, a, 10, &ts_off);
		r |= ot_etlw_raw(w, 0, t += 1000000, b, n, ts_off, &err);
	}
	r |= ot_etlw_close(w, t + 1000000, &err);
	if (fclose(f) != 0)
		r = -1;
	if (r)
		fprintf(stderr, "test_wpp: %s\n", err.msg);
	return r ? -1 : 0;
}

static void
test_etl(void)
{
	char path[] = "/tmp/test_wpp.XXXXXX";
	struct ot_err err;
	struct ot_etl *e;
	struct ot_etl_record rec;
	struct ot_wpp_msg m;
	int fd, r, nwpp = 0, order_ok = 1;
	int64_t last = 0;

	memset(&err, 0, sizeof(err));
	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write_etl(path, 0) == 0);
	e = ot_etl_open(path, &err);
	CHECK(e != NULL);
	while (e != NULL && (r = ot_etl_next(e, &rec, &err)) > 0) {
		if (rec.hdr != OT_ETL_WPP)
			continue;
		nwpp++;
		if (rec.ts_ns < last)
			order_ok = 0;
		last = rec.ts_ns;
		CHECK(ot_wpp_parse(rec.raw, rec.raw_len, rec.ptr_size, &m, &err) == 0);
		CHECK(m.has_ts && m.ts == rec.raw_ts && m.pid == 0x0af4 && m.tid == 0x0c64);
		CHECK(rec.ts_ns == START_NS + nwpp * INT64_C(1000000));
	}
	CHECK(nwpp == 7 && order_ok);
	ot_etl_close(e);
	remove(path);
	(void)fd;
}

/*
 * ot_wpp_render flags (no prefix, string bytes as they are: what profiles
 * match) and ot_wpp_args (the typed values, stopping at an overrun).
 */
static void
test_render_args(void)
{
	static const struct ot_wpp_where w0;
	struct ot_wpp_val v[OT_TMF_MAX_ARGS];
	struct ot_wpp_msg m;
	struct ot_tmfdir *d;
	struct ot_err err;
	const char *why;
	uint8_t b[512], a[128];
	char out[OT_WPP_MAX_TEXT];
	size_t n, alen, ts_off;

	memset(&err, 0, sizeof(err));
	d = ot_tmfdir_open(TMF_DIR, &err);
	CHECK(d != NULL);
	if (d == NULL)
		return;
	alen = args_strings(a);
	a[1] = 0x07;			/* a control byte and a high byte in the name */
	a[2] = (uint8_t)0xff;
	n = build(b, 0x2B, 13, 1, 0x0c64, 0x0af4, 1, a, alen, &ts_off);
	CHECK(ot_wpp_parse(b, n, 8, &m, NULL) == 0);
	CHECK(ot_wpp_render(find(d, 13), &m, &w0, OT_WPP_NO_PREFIX | OT_WPP_RAW_STRINGS, out,
			    sizeof(out), &why) == 0);
	CHECK_STR(out, " [OffloadState] name=e\x07\xff" "0 wname=w\xc3\xa4 state=Offloaded flags=Push|Fin "
		  "addr=192.168.1.10:8080 hr=0x00000000(S_OK)");
	CHECK(ot_wpp_render(find(d, 13), &m, &w0, OT_WPP_NO_PREFIX, out, sizeof(out), &why) == 0);
	CHECK(strncmp(out, " [OffloadState] name=e??0 ", 26) == 0);
	CHECK(ot_wpp_args(find(d, 13), &m, v, &why) == 0);
	CHECK(v[0].ok && v[0].n == 4 && memcmp(v[0].p, "e\x07\xff" "0", 4) == 0);
	CHECK(v[2].ok && v[2].u == 2 && v[3].u == 5);
	CHECK(v[4].ok && v[4].n == 4 && v[4].p[0] == 192);
	CHECK(v[5].ok && v[5].n == 2 && v[5].p[0] == 0x1f);
	/* cut the record inside the IPv4 address: the first four decode */
	n = build(b, 0x2B, 13, 1, 0x0c64, 0x0af4, 1, a, 5 + 6 + 8 + 2, &ts_off);
	CHECK(ot_wpp_parse(b, n, 8, &m, NULL) == 0);
	CHECK(ot_wpp_args(find(d, 13), &m, v, &why) < 0 && why != NULL);
	CHECK(v[0].ok && v[1].ok && v[2].ok && v[3].ok && !v[4].ok && !v[6].ok);
	ot_tmfdir_free(d);
}

int
main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "--write-etl") == 0)
		return write_etl(argv[2], argc >= 4 && strcmp(argv[3], "--bad") == 0) ? 1 : 0;
	test_parse();
	test_format();
	test_render_args();
	test_etl();
	printf("test_wpp: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
