/*
 * test_etl.c - unit tests of the .etl reader (src/read/etl.c) and the
 * TraceLogging decoder (src/read/tlg.c) on synthetic files built here:
 * every record header type, the 0xFFFFFFFF end marker, Offset beyond
 * SavedOffset, the 32-bit log-file header, lost-buffer flags, buffers of
 * several processors out of order, a QPC clock that is not 10 MHz,
 * truncation and unparsable records.  Layouts: ../shared/FORMATS.md 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/etl.h"
#include "offtrace/tlg.h"
#include "offtrace/util.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define BUFSZ	0x400
#define FREQ	3117777u		/* perfview smallEtlFile.etl's PerfFreq */
#define T0	1000000ull		/* raw timestamp of the header event */
#define START	132756731527578510ull	/* a FILETIME */

static uint8_t file[16 * BUFSZ];
static size_t flen;

/* A buffer at the end of file: header only; returns its offset. */
static size_t
add_buffer(uint16_t cpu, uint64_t seq, uint16_t type, uint16_t flag)
{
	size_t off = flen;

	memset(file + off, 0xFF, BUFSZ);	/* the fill pattern */
	memset(file + off, 0, 0x48);
	ot_put_le32(file + off, BUFSZ);
	ot_put_le64(file + off + 0x18, seq);
	ot_put_le16(file + off + 0x28, cpu);
	ot_put_le32(file + off + 0x2C, 3);
	ot_put_le16(file + off + 0x34, flag);
	ot_put_le16(file + off + 0x36, type);
	ot_put_le32(file + off + 0x04, 0x48);
	ot_put_le32(file + off + 0x30, 0x48);
	flen += BUFSZ;
	return off;
}

/* Append size bytes of record to buffer b (SavedOffset and Offset follow). */
static uint8_t *
add_record(size_t b, size_t size)
{
	uint32_t used = (uint32_t)(file[b + 4] | file[b + 5] << 8);
	uint8_t *r = file + b + used;

	memset(r, 0, (size + 7) & ~(size_t)7);
	used += (uint32_t)((size + 7) & ~(size_t)7);
	ot_put_le32(file + b + 4, used);
	ot_put_le32(file + b + 0x30, used);
	return r;
}

/* The header buffer with the log-file header event (64- or 32-bit layout). */
static void
add_header(int layout64, uint32_t nbufs)
{
	size_t b = add_buffer(0, 0, 4, 0);
	size_t hs = layout64 ? 0x118 : 0x110, tz = layout64 ? 0x48 : 0x40;
	size_t size = 0x20 + hs + 8 + 4;	/* names "ab" and "" */
	uint8_t *r = add_record(b, size);
	uint8_t *p = r + 0x20;

	ot_put_le16(r, 2);
	r[2] = layout64 ? 2 : 1;
	r[3] = 0xC0;
	ot_put_le16(r + 4, (uint32_t)size);
	ot_put_le16(r + 6, 0);
	ot_put_le32(r + 8, 11);
	ot_put_le32(r + 12, 22);
	ot_put_le64(r + 16, T0);
	ot_put_le32(p + 0x00, 0x10000);
	ot_put_le32(p + 0x04, 0x0501000a);
	ot_put_le32(p + 0x08, 19041);
	ot_put_le32(p + 0x0C, 4);
	ot_put_le64(p + 0x10, START + 50000000);
	ot_put_le32(p + 0x18, 156250);
	ot_put_le32(p + 0x1C, 100);
	ot_put_le32(p + 0x20, 0x1);
	ot_put_le32(p + 0x24, nbufs);
	ot_put_le32(p + 0x28, 1);
	ot_put_le32(p + 0x2C, layout64 ? 8 : 4);
	ot_put_le32(p + 0x30, 7);
	ot_put_le32(p + 0x34, 2400);
	ot_put_le32(p + tz, (uint32_t)-120);
	ot_put_le16(p + tz + 4, 'W');
	tz += 176;
	ot_put_le64(p + tz, START - 1000);
	ot_put_le64(p + tz + 8, FREQ);
	ot_put_le64(p + tz + 16, START);
	ot_put_le32(p + tz + 24, 1);
	ot_put_le32(p + tz + 28, 3);
	ot_put_le16(p + hs, 'a');
	ot_put_le16(p + hs + 2, 'b');
}

static uint8_t *
sysrec(size_t b, uint8_t ht, uint16_t hook, uint64_t ts, size_t paylen)
{
	size_t fixed = ht <= 2 ? 0x20 : 0x18;
	uint8_t *r = add_record(b, fixed + paylen);

	ot_put_le16(r, 2);
	r[2] = ht;
	r[3] = 0xC0;
	ot_put_le16(r + 4, (uint32_t)(fixed + paylen));
	ot_put_le16(r + 6, hook);
	ot_put_le32(r + 8, 100);
	ot_put_le32(r + 12, 200);
	ot_put_le64(r + 16, ts);
	return r;
}

static uint8_t *
evrec(size_t b, uint16_t id, uint64_t ts, size_t extlen, size_t paylen)
{
	size_t size = 0x50 + extlen + paylen;
	uint8_t *r = add_record(b, size);

	ot_put_le16(r, (uint32_t)size);
	r[2] = 0x13;
	r[3] = 0xC0;
	ot_put_le16(r + 4, extlen ? 1 : 0);
	ot_put_le32(r + 8, 300);
	ot_put_le32(r + 12, 400);
	ot_put_le64(r + 16, ts);
	memset(r + 0x18, 0xAB, 16);
	ot_put_le16(r + 0x28, id);
	r[0x2A] = 1;
	r[0x2C] = 4;
	r[0x2D] = 9;
	ot_put_le16(r + 0x2E, 77);
	ot_put_le64(r + 0x30, 0x8000000000000001ull);
	return r;
}

static struct ot_etl *
open_file(struct ot_err *err)
{
	memset(err, 0, sizeof(*err));
	return ot_etl_open_mem(file, flen, "synthetic.etl", err);
}

/* Every header type, extended items, WPP, time order across CPUs. */
static void
test_types(void)
{
	struct ot_err err;
	struct ot_etl *e;
	struct ot_etl_record r;
	const struct ot_etl_stats *st;
	size_t b1, b2, b3, b4;
	uint8_t *x;
	uint64_t last = 0;
	int n = 0, rc, hdrs[OT_ETL_NHDR] = { 0 };
	int64_t rel_1s = -1, rel_tick = -1;

	flen = 0;
	add_header(1, 5);
	/* file order: cpu 1 seq 3, cpu 0 seq 2, cpu 1 seq 1, cpu 2 seq 4 */
	b1 = add_buffer(1, 3, 0, 0x2);			/* EVENTS_LOST */
	b2 = add_buffer(0, 2, 0, 0);
	b3 = add_buffer(1, 1, 0, 0x4);			/* BUFFER_LOST */
	b4 = add_buffer(2, 4, 0, 0);
	/* cpu 1, seq 1: SYSTEM64 at T0+10, COMPACT at T0+FREQ (1 s) */
	sysrec(b3, 2, 0x030A, T0 + 10, 8);		/* Process group, type 10: ImageLoad */
	sysrec(b3, 4, 0x0501, T0 + FREQ, 4);
	/* cpu 1, seq 3: PERFINFO64 with 2 PMC counters at T0+FREQ+5 */
	x = add_record(b1, 0x10 + 16 + 6);
	ot_put_le16(x, 0x0202);
	x[2] = 0x11;
	x[3] = 0xC0;
	ot_put_le16(x + 4, 0x10 + 16 + 6);
	ot_put_le16(x + 6, 0x0F2E);
	ot_put_le64(x + 8, T0 + FREQ + 5);
	/* cpu 0, seq 2: classic at T0+1, instance at T0+20, event at T0+30 */
	x = add_record(b2, 0x30 + 5);
	ot_put_le16(x, 0x35);
	x[2] = 0x14;
	x[3] = 0xC0;
	x[4] = 33;
	x[5] = 2;
	ot_put_le16(x + 6, 3);
	ot_put_le32(x + 8, 5);
	ot_put_le32(x + 12, 6);
	ot_put_le64(x + 16, T0 + 1);
	x = add_record(b2, 0x48 + 3);
	ot_put_le16(x, 0x4B);
	x[2] = 0x0B;
	x[3] = 0xC0;
	ot_put_le64(x + 16, T0 + 20);
	/* event with two extended items: (16, type 1, link 1, 8) and
	 * (24, type 11, link 0, TraceLogging metadata of 12 bytes) */
	x = evrec(b2, 42, T0 + 30, 16 + 24, 5);
	ot_put_le16(x + 0x50, 16);
	ot_put_le16(x + 0x52, 1);
	ot_put_le16(x + 0x54, 1);
	ot_put_le16(x + 0x56, 8);
	ot_put_le16(x + 0x60, 24);
	ot_put_le16(x + 0x62, 11);
	ot_put_le16(x + 0x64, 0);
	ot_put_le16(x + 0x66, 12);
	memcpy(x + 0x68, "\x0c\x00\x00" "Ev\0" "f\0\x08" "g\0\x03", 12);
	memcpy(x + 0x78, "\x01\x02\x03\x04\xFB", 5);
	/* cpu 2, seq 4: a WPP message (sequence, GUID, timestamp, system info) */
	x = add_record(b4, 8 + 4 + 16 + 8 + 8 + 4);
	ot_put_le16(x, 48);
	x[3] = 0x90;
	ot_put_le16(x + 4, 12);
	ot_put_le16(x + 6, 0x2B);
	memset(x + 12, 0xCD, 16);
	ot_put_le64(x + 28, T0 + 15);
	ot_put_le32(x + 36, 71);
	ot_put_le32(x + 40, 72);
	ot_put_le32(x + 44, 0xdeadbeef);

	CHECK(ot_etl_probe(file, flen) == 1);
	e = open_file(&err);
	CHECK(e != NULL);
	if (e == NULL) {
		fprintf(stderr, "open: %s\n", err.msg);
		return;
	}
	CHECK(ot_etl_header(e)->perf_freq == FREQ);
	CHECK(ot_etl_header(e)->layout64 == 1);
	CHECK(ot_etl_header(e)->buffers_lost == 3);
	CHECK(ot_etl_header(e)->events_lost == 7);
	CHECK(ot_etl_header(e)->tz_bias == -120);
	CHECK(strcmp(ot_etl_header(e)->tz_standard_name, "W") == 0);
	CHECK(strcmp(ot_etl_header(e)->logger_name, "ab") == 0);
	CHECK(ot_etl_header(e)->raw_start == T0);
	while ((rc = ot_etl_next(e, &r, &err)) > 0) {
		CHECK(r.raw_ts >= last);
		last = r.raw_ts;
		hdrs[r.hdr]++;
		if (n == 0)
			CHECK(r.is_logfile_header && r.rel_ns == 0 &&
			      r.ts_ns == ot_etl_filetime_ns(START) && r.pid == 22 && r.tid == 11);
		if (r.hdr == OT_ETL_SYSTEM && !r.is_logfile_header) {
			uint8_t g[16];
			const char *name;

			ot_etl_kernel_group(20, 0, g, &name);
			CHECK(memcmp(r.provider, g, 16) == 0 && strcmp(name, "ImageLoad") == 0);
			CHECK(r.cpu == 1 && r.len == 8 && r.opcode == 10);
			rel_tick = r.rel_ns;
		}
		if (r.hdr == OT_ETL_COMPACT) {
			CHECK(r.len == 4 && r.pid == 200 && r.tid == 100);
			rel_1s = r.rel_ns;
		}
		if (r.hdr == OT_ETL_PERFINFO)
			CHECK(r.len == 6 && r.version == 2 && r.pid == 0xFFFFFFFFu && r.hook_id == 0x0F2E);
		if (r.hdr == OT_ETL_CLASSIC)
			CHECK(r.len == 5 && r.opcode == 33 && r.level == 2 && r.version == 3 &&
			      r.pid == 6 && r.tid == 5 && r.cpu == 0);
		if (r.hdr == OT_ETL_INSTANCE)
			CHECK(r.len == 3);
		if (r.hdr == OT_ETL_EVENT) {
			struct ot_tlg_event ev;
			const char *why = NULL;
			char out[256];
			FILE *f;

			CHECK(r.id == 42 && r.version == 1 && r.level == 4 && r.opcode == 9 &&
			      r.task == 77 && r.keyword == 0x8000000000000001ull);
			CHECK(r.next == 2 && r.ext[0].type == 1 && r.ext[1].type == 11);
			CHECK(r.len == 5 && r.payload[0] == 1);
			CHECK(ot_tlg_meta(r.ext[1].data, r.ext[1].size, &ev, &why) == 0);
			CHECK(ev.nf == 2 && strcmp(ev.name, "Ev") == 0 && strcmp(ev.f[0].name, "f") == 0);
			f = fmemopen(out, sizeof(out), "w");
			if (f) {
				CHECK(ot_tlg_print(f, &ev, r.payload, r.len, 8, 1) == 0);
				fclose(f);
				CHECK(strcmp(out, "\"f\":67305985,\"g\":-5") == 0);
			}
		}
		if (r.hdr == OT_ETL_WPP)
			CHECK(r.id == 12 && r.tid == 71 && r.pid == 72 && r.len == 4 && r.cpu == 2 &&
			      r.provider[0] == 0xCD);
		n++;
	}
	CHECK(rc == 0);
	CHECK(n == 8);
	CHECK(hdrs[OT_ETL_SYSTEM] == 2 && hdrs[OT_ETL_COMPACT] == 1 && hdrs[OT_ETL_PERFINFO] == 1 &&
	      hdrs[OT_ETL_CLASSIC] == 1 && hdrs[OT_ETL_INSTANCE] == 1 && hdrs[OT_ETL_EVENT] == 1 &&
	      hdrs[OT_ETL_WPP] == 1);
	/* QPC at 3,117,777 Hz: FREQ ticks = 1 s exactly, 10 ticks = 3207 ns */
	CHECK(rel_1s == 1000000000);
	CHECK(rel_tick == 3207);
	st = ot_etl_stats(e);
	CHECK(st->buffers == 5 && st->ncpus == 3 && st->unparsed == 0);
	CHECK(st->buffers_flag_lost == 1 && st->buffers_flag_events_lost == 1);
	ot_etl_close(e);
}

/* 0xFFFFFFFF end, Offset > SavedOffset, unparsable records, truncation. */
static void
test_ends(void)
{
	struct ot_err err;
	struct ot_etl *e;
	struct ot_etl_record r;
	size_t b1, b2;
	uint8_t *x;
	int n = 0, rc;

	flen = 0;
	add_header(1, 3);
	b1 = add_buffer(0, 1, 0, 0);
	sysrec(b1, 2, 0x0301, T0 + 5, 0);
	/* a record after SavedOffset but before Offset is data */
	sysrec(b1, 2, 0x0302, T0 + 6, 0);
	ot_put_le32(file + b1 + 4, 0x48 + 0x20);
	/* then the fill marker, and Offset far beyond it */
	ot_put_le32(file + b1 + 0x30, 0x300);
	b2 = add_buffer(1, 2, 0, 0);
	sysrec(b2, 2, 0x0303, T0 + 7, 0);
	x = add_record(b2, 8);
	memset(x, 0x11, 8);		/* an unknown marker */
	e = open_file(&err);
	CHECK(e != NULL);
	if (e == NULL)
		return;
	while ((rc = ot_etl_next(e, &r, &err)) > 0)
		n++;
	CHECK(rc == 0 && n == 4);
	CHECK(ot_etl_stats(e)->unparsed == 1);
	{
		size_t np;
		const struct ot_etl_problem *p = ot_etl_problems(e, &np);

		CHECK(np == 1 && p[0].buffer_index == 2 && p[0].offset == b2 + 0x48 + 0x20);
	}
	ot_etl_close(e);

	/* truncated in buffer 2: records of buffers 0 and 1, then the error */
	flen = b2 + 0x100;
	e = open_file(&err);
	CHECK(e != NULL);
	if (e == NULL)
		return;
	n = 0;
	while ((rc = ot_etl_next(e, &r, &err)) > 0)
		n++;
	CHECK(rc == -1 && n >= 3);
	CHECK(err.offset == b2 && strstr(err.msg, "buffer 2") != NULL &&
	      strcmp(err.file, "synthetic.etl") == 0 && err.phase != NULL);
	ot_etl_close(e);

	/* not ETL */
	memset(file, 0, 0x100);
	flen = 0x100;
	CHECK(ot_etl_probe(file, flen) == 0);
	CHECK(open_file(&err) == NULL && err.code == OT_EINPUT);
	CHECK(ot_etl_probe((const uint8_t *)"{\"ts\":1}", 8) == 0);
}

/* The 32-bit log-file header layout. */
static void
test_header32(void)
{
	struct ot_err err;
	struct ot_etl *e;
	struct ot_etl_record r;

	flen = 0;
	add_header(0, 1);
	e = open_file(&err);
	CHECK(e != NULL);
	if (e == NULL)
		return;
	CHECK(ot_etl_header(e)->layout64 == 0 && ot_etl_header(e)->pointer_size == 4);
	CHECK(ot_etl_header(e)->perf_freq == FREQ && ot_etl_header(e)->start_time == START);
	CHECK(ot_etl_header(e)->clock_type == 1 && ot_etl_header(e)->buffers_lost == 3);
	CHECK(strcmp(ot_etl_header(e)->logger_name, "ab") == 0);
	CHECK(ot_etl_next(e, &r, &err) == 1 && r.ptr_size == 4 && r.is_logfile_header);
	CHECK(ot_etl_next(e, &r, &err) == 0);
	ot_etl_close(e);
}

static void
test_guid(void)
{
	uint8_t g[16];
	char s[37];
	const char *name;

	CHECK(ot_etl_kernel_group(3, 1, g, &name) == 0);
	ot_etl_guid_str(g, s);
	CHECK(strcmp(s, "3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c") == 0);
	CHECK(ot_etl_kernel_group(40, 0, g, &name) < 0);
	CHECK(ot_etl_filetime_ns(116444736000000000ull) == 0);
	CHECK(ot_etl_filetime_ns(116444736000000001ull) == 100);
}

int
main(void)
{
	test_types();
	test_ends();
	test_header32();
	test_guid();
	printf("test_etl: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
