/*
 * pcapw.c - the capture writers of offtrace gen (include/offtrace/gen.h):
 * TCP segments over Ethernet and IPv4/IPv6, written as classic pcap or as
 * pcapng.  Layouts from ../shared/FORMATS.md section 4.2: pcap with the
 * nanosecond magic 0xa1b23c4d, version 2.4, snaplen 65535, LINKTYPE 1,
 * 16-byte records (ts_sec, ts_nsec, incl_len, orig_len); pcapng with a
 * section header (byte-order magic 0x1a2b3c4d, version 1.0, section length
 * -1), one interface description (LINKTYPE 1, snaplen 65535, if_tsresol 9
 * = nanoseconds) and enhanced packet blocks with epb_flags (1 inbound,
 * 2 outbound), options as 4-byte-padded TLVs ending with opt_endofopt.
 * Little-endian throughout.  Checksums: RFC 791 (IPv4 header) and RFC 793
 * / RFC 8200 8.1 (TCP with the pseudo-header).
 */
#include "offtrace/gen.h"

#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"

#define SNAPLEN 65535u
#define MAX_FRAME OT_PCAPW_MAX_FRAME

struct ot_pcapw {
	FILE *f;
	int ng;
	int failed;
	uint64_t packets;
	uint8_t frame[MAX_FRAME];
};

static void
wr(struct ot_pcapw *w, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, w->f) != n)
		w->failed = 1;
}

struct ot_pcapw *
ot_pcapw_new(FILE *f, int ng)
{
	struct ot_pcapw *w = xcalloc(1, sizeof(*w));
	uint8_t b[32];

	w->f = f;
	w->ng = ng;
	if (!ng) {
		ot_put_le32(b, 0xa1b23c4du);	/* ns resolution */
		ot_put_le16(b + 4, 2);
		ot_put_le16(b + 6, 4);
		ot_put_le32(b + 8, 0);		/* thiszone */
		ot_put_le32(b + 12, 0);		/* sigfigs */
		ot_put_le32(b + 16, SNAPLEN);
		ot_put_le32(b + 20, 1);		/* LINKTYPE_ETHERNET */
		wr(w, b, 24);
		return w;
	}
	ot_put_le32(b, 0x0a0d0d0au);
	ot_put_le32(b + 4, 28);
	ot_put_le32(b + 8, 0x1a2b3c4du);
	ot_put_le16(b + 12, 1);
	ot_put_le16(b + 14, 0);
	ot_put_le64(b + 16, UINT64_MAX);	/* section length unknown */
	ot_put_le32(b + 24, 28);
	wr(w, b, 28);
	ot_put_le32(b, 1);			/* IDB */
	ot_put_le32(b + 4, 32);
	ot_put_le16(b + 8, 1);
	ot_put_le16(b + 10, 0);
	ot_put_le32(b + 12, SNAPLEN);
	ot_put_le16(b + 16, 9);			/* if_tsresol */
	ot_put_le16(b + 18, 1);
	ot_put_le32(b + 20, 9);			/* 10^-9, padded */
	ot_put_le32(b + 24, 0);			/* opt_endofopt */
	ot_put_le32(b + 28, 32);
	wr(w, b, 32);
	return w;
}

static uint32_t
sum16(uint32_t acc, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t
fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

static void
be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
be32(uint8_t *p, uint32_t v)
{
	be16(p, v >> 16);
	be16(p + 2, v & 0xffff);
}

static void
record(struct ot_pcapw *w, int64_t ts, uint32_t len, int outbound)
{
	static const uint8_t zero[4];
	uint8_t h[28], o[12];
	uint64_t t = ts < 0 ? 0 : (uint64_t)ts;
	uint32_t pad = (len + 3) & ~3u;

	w->packets++;
	if (!w->ng) {
		ot_put_le32(h, (uint32_t)(t / 1000000000));
		ot_put_le32(h + 4, (uint32_t)(t % 1000000000));
		ot_put_le32(h + 8, len);
		ot_put_le32(h + 12, len);
		wr(w, h, 16);
		wr(w, w->frame, len);
		return;
	}
	ot_put_le32(h, 6);				/* EPB */
	ot_put_le32(h + 4, 28 + pad + 12 + 4);
	ot_put_le32(h + 8, 0);				/* interface 0 */
	ot_put_le32(h + 12, (uint32_t)(t >> 32));	/* ns: if_tsresol 9 */
	ot_put_le32(h + 16, (uint32_t)t);
	ot_put_le32(h + 20, len);
	ot_put_le32(h + 24, len);
	ot_put_le16(o, 2);				/* epb_flags */
	ot_put_le16(o + 2, 4);
	ot_put_le32(o + 4, outbound ? 2 : 1);
	ot_put_le32(o + 8, 0);				/* opt_endofopt */
	wr(w, h, 28);
	wr(w, w->frame, len);
	wr(w, zero, pad - len);
	wr(w, o, 12);
	ot_put_le32(h, 28 + pad + 12 + 4);
	wr(w, h, 4);
}

size_t
ot_pcapw_frame(uint8_t *f, const struct ot_pcapw_seg *s, uint16_t ip_id)
{
	uint8_t *ip = f + 14, *tcp, pseudo[40];
	uint32_t iphl = s->family == 6 ? 40 : 20, i, acc;
	uint32_t pl = s->payload > 1400 ? 1400 : s->payload;
	uint32_t l4 = 20 + pl, len = 14 + iphl + l4;

	/* Ethernet: locally administered MACs, a = :0a, b = :0b */
	memset(f, 0, 12);
	f[0] = f[6] = 0x02;
	f[5] = s->outbound ? 0x0b : 0x0a;
	f[11] = s->outbound ? 0x0a : 0x0b;
	be16(f + 12, s->family == 6 ? 0x86dd : 0x0800);
	if (s->family == 6) {
		be32(ip, 0x60000000u);
		be16(ip + 4, l4);
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, s->src, 16);
		memcpy(ip + 24, s->dst, 16);
		memcpy(pseudo, s->src, 16);
		memcpy(pseudo + 16, s->dst, 16);
		be32(pseudo + 32, l4);
		be32(pseudo + 36, 6);
		acc = sum16(0, pseudo, 40);
	} else {
		ip[0] = 0x45;
		ip[1] = 0;
		be16(ip + 2, iphl + l4);
		be16(ip + 4, ip_id);
		be16(ip + 6, 0x4000);		/* DF */
		ip[8] = 64;
		ip[9] = 6;
		be16(ip + 10, 0);
		memcpy(ip + 12, s->src, 4);
		memcpy(ip + 16, s->dst, 4);
		be16(ip + 10, fold(sum16(0, ip, 20)));
		memcpy(pseudo, s->src, 4);
		memcpy(pseudo + 4, s->dst, 4);
		pseudo[8] = 0;
		pseudo[9] = 6;
		be16(pseudo + 10, l4);
		acc = sum16(0, pseudo, 12);
	}
	tcp = ip + iphl;
	be16(tcp, s->sport);
	be16(tcp + 2, s->dport);
	be32(tcp + 4, s->seq);
	be32(tcp + 8, s->ack);
	tcp[12] = 5 << 4;
	tcp[13] = s->flags;
	be16(tcp + 14, 64240);
	be16(tcp + 16, 0);
	be16(tcp + 18, 0);
	for (i = 0; i < pl; i++)
		tcp[20 + i] = (uint8_t)('a' + i % 26);
	be16(tcp + 16, fold(sum16(acc, tcp, l4)));
	return len;
}

int
ot_pcapw_tcp(struct ot_pcapw *w, const struct ot_pcapw_seg *s)
{
	size_t len = ot_pcapw_frame(w->frame, s, (uint16_t)(w->packets & 0xffff));

	record(w, s->ts, (uint32_t)len, s->outbound);
	return w->failed ? -1 : 0;
}

uint64_t
ot_pcapw_packets(const struct ot_pcapw *w)
{
	return w->packets;
}

int
ot_pcapw_close(struct ot_pcapw *w)
{
	int rc;

	if (w == NULL)
		return 0;
	rc = w->failed || fflush(w->f) != 0 || ferror(w->f) ? -1 : 0;
	free(w);
	return rc;
}
