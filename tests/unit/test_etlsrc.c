/*
 * test_etlsrc.c - .etl files written by etlw.c, read back by the ETL
 * reader and the built-in profiles: chimney events round-trip with their
 * times, processors and threads; TCPIP 1099 state changes become host-layer
 * operations; other providers are counted as unmatched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/etlsrc.h"
#include "offtrace/etlw.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define T0 1700000000000000000LL

/* A TcpConnectionOffloadStateChange with a 64-bit Tcb. */
static void
tcpip(struct ot_etlw *w, int64_t ts, uint32_t ocb, uint64_t tcb, uint32_t status)
{
	uint8_t pl[28];
	struct ot_etlw_rec r;
	struct ot_err err;

	memset(pl, 0, sizeof(pl));
	ot_put_le32(pl + 0, 4);		/* TcbState: established */
	ot_put_le32(pl + 4, ocb);
	ot_put_le32(pl + 16, (uint32_t)tcb);
	ot_put_le32(pl + 20, (uint32_t)(tcb >> 32));
	ot_put_le32(pl + 24, status);
	memset(&r, 0, sizeof(r));
	r.ts = ts;
	r.cpu = 1;
	r.pid = 4;
	r.tid = 77;
	memcpy(r.provider, ot_tcpip_guid, 16);
	r.id = OT_TCPIP_OFFLOAD_STATE_CHANGE;
	r.payload = pl;
	r.len = sizeof(pl);
	CHECK(ot_etlw_record(w, &r, &err) == 0);
}

int
main(void)
{
	struct ot_etlw_opts o = { 0x2000, 20000000, 4, 3 };
	static const uint8_t other[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct ot_strtab *st = ot_strtab_new();
	const struct ot_etlsrc_unmatched *kinds;
	struct ot_etlsrc *s;
	struct ot_etlw *w;
	struct ot_etlw_rec r;
	struct ot_event ev, got[16];
	struct ot_err err;
	char path[] = "/tmp/test_etlsrc.XXXXXX";
	size_t nk;
	int fd, n = 0, i;
	FILE *f;

	memset(&err, 0, sizeof(err));
	fd = mkstemp(path);
	CHECK(fd >= 0 && (f = fdopen(fd, "w+b")) != NULL);
	w = ot_etlw_open(f, &o, T0, &err);
	CHECK(w != NULL);

	/* a chimney event on processor 2 */
	memset(&ev, 0, sizeof(ev));
	ev.ts = T0 + 1000;
	ev.ev = OT_EV_CTX_WRITE;
	ev.adapter = ot_intern(st, "nic0", 4);
	ev.slot = 0xffffe00112345678ull;
	ev.value = 0xffffc00000001000ull;
	ev.cpu = 2;
	ev.pid = 4;
	ev.tid = 90;
	ev.has = OT_HAS_SLOT | OT_HAS_VALUE | OT_HAS_CPU | OT_HAS_PID | OT_HAS_TID;
	CHECK(ot_etlw_event(w, &ev, &err) == 0);
	/* TCPIP: offloading, offloaded, uploading, in host; a failed one */
	tcpip(w, T0 + 2000, 1, 0xffffe0aa00000010ull, 0);
	tcpip(w, T0 + 2500, 2, 0xffffe0aa00000010ull, 0);
	tcpip(w, T0 + 3000, 1, 0xffffe0aa00000020ull, 0);
	tcpip(w, T0 + 3100, 0, 0xffffe0aa00000020ull, 0xC0231004u);
	tcpip(w, T0 + 4000, 3, 0xffffe0aa00000010ull, 0);
	tcpip(w, T0 + 4800, 0, 0xffffe0aa00000010ull, 0);
	/* another provider */
	memset(&r, 0, sizeof(r));
	r.ts = T0 + 5000;
	memcpy(r.provider, other, 16);
	r.id = 7;
	CHECK(ot_etlw_record(w, &r, &err) == 0);
	CHECK(ot_etlw_close(w, T0 + 5000, &err) == 0);
	fclose(f);

	s = ot_etlsrc_open(path, st, &err);
	CHECK(s != NULL);
	if (s == NULL) {
		fprintf(stderr, "open: %s\n", err.msg);
		goto out;
	}
	while (n < 16 && ot_etlsrc_next(s, &got[n], &err) == 1)
		n++;
	CHECK(n == 7);
	if (n == 7) {
		CHECK(got[0].ev == OT_EV_CTX_WRITE && got[0].ts == T0 + 1000 &&
		      got[0].cpu == 2 && got[0].tid == 90 && got[0].slot == ev.slot &&
		      got[0].value == ev.value && got[0].adapter == ev.adapter);
		CHECK(got[1].ev == OT_EV_INITIATE && got[1].layer == OT_LAYER_HOST &&
		      got[1].root == 0xffffe0aa00000010ull && got[1].ts == T0 + 2000);
		CHECK(got[2].ev == OT_EV_INITIATE_DONE && got[2].status == 0 &&
		      got[2].ts == T0 + 2500);
		CHECK(got[3].ev == OT_EV_INITIATE && got[3].root == 0xffffe0aa00000020ull);
		CHECK(got[4].ev == OT_EV_INITIATE_DONE && got[4].status == 0xC0231004u);
		CHECK(got[5].ev == OT_EV_TERMINATE && got[5].value == got[5].slot);
		CHECK(got[6].ev == OT_EV_TERMINATE_DONE && got[6].ts == T0 + 4800);
	}
	for (i = 0; i < n; i++)
		if (i > 0)
			CHECK(got[i].ts >= got[i - 1].ts);
	CHECK(ot_etlsrc_unmatched(s, &kinds, &nk) == 1 && nk == 1 && kinds[0].id == 7 &&
	      strcmp(kinds[0].provider, "04030201-0605-0807-090a-0b0c0d0e0f10") == 0);
	{
		uint64_t le, lb;

		ot_etlsrc_lost(s, &le, &lb);
		CHECK(le == 3 && lb == 0);
	}
	ot_etlsrc_close(s);
out:
	remove(path);
	ot_strtab_free(st);
	printf("test_etlsrc: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
