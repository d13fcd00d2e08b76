/*
 * mkpcap.c - write a small deterministic pcap (little-endian, nanosecond,
 * Ethernet) with several TCP connections for tests/cli/pcap.sh: handshakes,
 * data both ways, FIN and RST closes, a retransmission, an out-of-order
 * pair, 802.1Q and 802.1ad tags, IPv6, a connection seen mid-stream, and
 * UDP/ARP frames that are not TCP.
 *
 *   mkpcap [--ng | --etl | --pktmon] [--repeat N] [--bad KIND] OUT
 *
 * --ng writes pcapng (one Ethernet interface, if_tsresol 9, every packet an
 * enhanced packet block with epb_flags, every third with a comment).
 * --bad damages the output on purpose: snaplen (pcap snaplen 64 under
 * longer records), blocklen (an EPB length not a multiple of 4), huge (an
 * EPB length of 2^32-1), tail (an EPB's trailing length differs).
 * --etl writes the same frames as Microsoft-Windows-NDIS-PacketCapture
 * event 1001 records (FORMATS.md 4.1: MiniportIfIndex, LowerIfIndex,
 * FragmentSize, Fragment, two u64 GFT fields; keywords Ethernet, packet
 * start and end, send or receive path) in an .etl (src/gen/etlw.c).
 * --repeat N plays the connections N times, each round on other client
 * ports and addresses (new flows), for big captures: the benchmark.
 */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/etlw.h"
#include "offtrace/pktmon.h"

static FILE *out;
static int ng;
static const char *bad = "";
static uint64_t nrec;
static uint64_t now = UINT64_C(1700000000) * 1000000000;	/* ns */
static int etl, pktmon;
static struct ot_etlw *etlw;
static unsigned round_no;

/* one frame as an NDIS-PacketCapture 1001 record; odd records are sends */
static void
etl_record(const uint8_t *frame, uint32_t len)
{
	static uint8_t b[12 + 2048 + 16];
	struct ot_etlw_opts o = { 0x10000, 10000000, 2, 0 };
	struct ot_etlw_rec r;
	struct ot_err err;

	memset(&err, 0, sizeof(err));
	if (etlw == NULL && (etlw = ot_etlw_open(out, &o, (int64_t)now, &err)) == NULL) {
		fprintf(stderr, "mkpcap: %s\n", err.msg);
		exit(2);
	}
	ot_put_le32(b, 7);
	ot_put_le32(b + 4, 12);
	ot_put_le32(b + 8, len);
	memcpy(b + 12, frame, len);
	memset(b + 12 + len, 0, 16);
	memset(&r, 0, sizeof(r));
	r.ts = (int64_t)now;
	r.cpu = (uint32_t)(nrec % 2);
	r.pid = 4;
	r.tid = 88;
	memcpy(r.provider, ot_ndiscap_guid, 16);
	r.id = OT_NDISCAP_PACKET_FRAGMENT;
	r.keyword = OT_NDISCAP_KW_ETHERNET | OT_NDISCAP_KW_START | OT_NDISCAP_KW_END |
		    (nrec % 2 ? OT_NDISCAP_KW_SEND : OT_NDISCAP_KW_RECEIVE);
	r.payload = b;
	r.len = 12 + len + 16;
	if (ot_etlw_record(etlw, &r, &err) < 0) {
		fprintf(stderr, "mkpcap: %s\n", err.msg);
		exit(2);
	}
}

static void
etl_put(uint16_t id, uint64_t kw, const uint8_t *payload, size_t len, int64_t ts)
{
	struct ot_etlw_opts o = { 0x10000, 10000000, 2, 0 };
	struct ot_etlw_rec r;
	struct ot_err err;

	memset(&err, 0, sizeof(err));
	if (etlw == NULL && (etlw = ot_etlw_open(out, &o, ts, &err)) == NULL) {
		fprintf(stderr, "mkpcap: %s\n", err.msg);
		exit(2);
	}
	memset(&r, 0, sizeof(r));
	r.ts = ts;
	r.cpu = (uint32_t)(nrec % 2);
	r.pid = 4;
	r.tid = 88;
	memcpy(r.provider, ot_pktmon_guid, 16);
	r.id = id;
	r.keyword = kw;
	r.payload = payload;
	r.len = len;
	if (ot_etlw_record(etlw, &r, &err) < 0) {
		fprintf(stderr, "mkpcap: %s\n", err.msg);
		exit(2);
	}
}

/* one frame as PktMon 160 records at three components */
static void
pktmon_record(const uint8_t *frame, uint32_t len)
{
	static const uint16_t down[3] = { 3, 2, 1 }, up[3] = { 1, 2, 3 };
	static uint8_t p[OT_PKTMON_FRAME_FIXED + 2048];
	int outbound = nrec % 2 == 1, i;

	for (i = 0; i < 3; i++) {
		ot_put_le64(p, nrec);			/* PktGroupId */
		ot_put_le16(p + 8, 1);			/* PktNumber */
		ot_put_le16(p + 10, (uint16_t)(i + 1));	/* AppearanceCount */
		ot_put_le16(p + 12, outbound ? 4 : 3);	/* DirTag: Tx, Rx */
		ot_put_le16(p + 14, OT_PKTMON_TYPE_ETHERNET);
		ot_put_le16(p + 16, outbound ? down[i] : up[i]);	/* ComponentId */
		ot_put_le16(p + 18, 1);			/* EdgeId */
		ot_put_le16(p + 20, 0);			/* FilterId */
		ot_put_le32(p + 22, 0);			/* DropReason */
		ot_put_le32(p + 26, 0);			/* DropLocation */
		ot_put_le16(p + 30, (uint16_t)len);	/* OriginalPayloadSize */
		ot_put_le16(p + 32, (uint16_t)len);	/* LoggedPayloadSize */
		memcpy(p + OT_PKTMON_FRAME_FIXED, frame, len);
		etl_put(OT_PKTMON_FRAME, 0x10, p, OT_PKTMON_FRAME_FIXED + len,
			(int64_t)now + 100 * i);
	}
}

/* PktMon 20 ComponentInfo: u16 Id, u16 Type, Name, Description (UTF-16LE) */
static void
pktmon_component(uint16_t id, uint16_t type, const char *name, const char *desc)
{
	uint8_t p[256];
	size_t nn = strlen(name) + 1, nd = strlen(desc) + 1, i;

	ot_put_le16(p, id);
	ot_put_le16(p + 2, type);
	for (i = 0; i < nn; i++)
		ot_put_le16(p + 4 + 2 * i, (uint8_t)name[i]);
	for (i = 0; i < nd; i++)
		ot_put_le16(p + 4 + 2 * (nn + i), (uint8_t)desc[i]);
	etl_put(OT_PKTMON_COMPONENT_INFO, 0x1, p, 4 + 2 * (nn + nd), (int64_t)now + 1000);
}

struct ep {
	int family;
	uint8_t addr[16];
	uint16_t port;
};

struct conn {
	struct ep a, b;
	uint16_t vlan[2];
	int nvlan;
	uint32_t seq[2];	/* next seq of a, of b */
};

static void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

static void
record(const uint8_t *frame, uint32_t len, uint64_t step_ns)
{
	uint8_t h[28], o[32];
	uint32_t pad = (len + 3) & ~3u, olen = 0, blen;
	static const uint8_t zero[4];
	char cm[32];
	size_t cl;

	now += step_ns;
	nrec++;
	if (etl) {
		etl_record(frame, len);
		return;
	}
	if (pktmon) {
		pktmon_record(frame, len);
		return;
	}
	if (!ng) {
		ot_put_le32(h, (uint32_t)(now / 1000000000));
		ot_put_le32(h + 4, (uint32_t)(now % 1000000000));
		ot_put_le32(h + 8, len);
		ot_put_le32(h + 12, len);
		fwrite(h, 1, 16, out);
		fwrite(frame, 1, len, out);
		return;
	}
	/* options: epb_flags (inbound/outbound by turns), a comment, end */
	ot_put_le16(o, 2);
	ot_put_le16(o + 2, 4);
	ot_put_le32(o + 4, nrec % 2 ? 1 : 2);
	olen = 8;
	if (nrec % 3 == 0) {
		snprintf(cm, sizeof(cm), "packet %llu", (unsigned long long)nrec);
		cl = strlen(cm);
		ot_put_le16(o + olen, 1);
		ot_put_le16(o + olen + 2, (uint16_t)cl);
		memset(o + olen + 4, 0, 12);
		memcpy(o + olen + 4, cm, cl);
		olen += 4 + (((uint32_t)cl + 3) & ~3u);
	}
	ot_put_le32(o + olen, 0);
	olen += 4;
	blen = 28 + pad + olen + 4;
	ot_put_le32(h, 6);
	ot_put_le32(h + 4, blen);
	if (nrec == 5 && strcmp(bad, "blocklen") == 0)
		ot_put_le32(h + 4, blen + 2);
	if (nrec == 5 && strcmp(bad, "huge") == 0)
		ot_put_le32(h + 4, 0xffffffffu);
	ot_put_le32(h + 8, 0);
	ot_put_le32(h + 12, (uint32_t)(now >> 32));
	ot_put_le32(h + 16, (uint32_t)now);
	ot_put_le32(h + 20, len);
	ot_put_le32(h + 24, len);
	fwrite(h, 1, 28, out);
	fwrite(frame, 1, len, out);
	fwrite(zero, 1, pad - len, out);
	fwrite(o, 1, olen, out);
	ot_put_le32(h, nrec == 5 && strcmp(bad, "tail") == 0 ? blen + 4 : blen);
	fwrite(h, 1, 4, out);
}

static void
ng_header(void)
{
	uint8_t b[48];

	ot_put_le32(b, 0x0a0d0d0au);
	ot_put_le32(b + 4, 28);
	ot_put_le32(b + 8, 0x1a2b3c4du);
	ot_put_le16(b + 12, 1);
	ot_put_le16(b + 14, 0);
	ot_put_le64(b + 16, UINT64_MAX);
	ot_put_le32(b + 24, 28);
	fwrite(b, 1, 28, out);
	/* IDB: Ethernet, snaplen 65535, if_tsresol 9, end */
	ot_put_le32(b, 1);
	ot_put_le32(b + 4, 32);
	ot_put_le16(b + 8, 1);
	ot_put_le16(b + 10, 0);
	ot_put_le32(b + 12, 65535);
	ot_put_le16(b + 16, 9);
	ot_put_le16(b + 18, 1);
	ot_put_le32(b + 20, 9);
	ot_put_le32(b + 24, 0);
	ot_put_le32(b + 28, 32);
	fwrite(b, 1, 32, out);
}

static uint32_t
eth(uint8_t *f, const uint16_t *vlan, int nvlan, uint16_t type)
{
	uint32_t n = 12;
	int i;

	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	for (i = 0; i < nvlan; i++) {
		put_be16(f + n, nvlan == 2 && i == 0 ? 0x88a8 : 0x8100);
		put_be16(f + n + 2, vlan[i]);
		n += 4;
	}
	put_be16(f + n, type);
	return n + 2;
}

/* one TCP segment from side dir (0 a, 1 b) with len payload bytes;
 * seq is the side's next seq unless at_seq is given (retransmission) */
static void
seg(struct conn *c, int dir, uint8_t flags, uint32_t len, const uint32_t *at_seq,
    uint64_t step_ns)
{
	uint8_t f[2048];
	const struct ep *s = dir ? &c->b : &c->a, *d = dir ? &c->a : &c->b;
	uint32_t n, ip, sum, i, seq = at_seq ? *at_seq : c->seq[dir];

	memset(f, 0, sizeof(f));
	n = eth(f, c->vlan, c->nvlan, s->family == 4 ? 0x0800 : 0x86dd);
	ip = n;
	if (s->family == 4) {
		f[n] = 0x45;
		put_be16(f + n + 2, (uint16_t)(20 + 20 + len));
		put_be16(f + n + 6, 0x4000);
		f[n + 8] = 64;
		f[n + 9] = 6;
		memcpy(f + n + 12, s->addr, 4);
		memcpy(f + n + 16, d->addr, 4);
		for (sum = 0, i = 0; i < 20; i += 2)
			sum += (uint32_t)(f[ip + i] << 8 | f[ip + i + 1]);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		put_be16(f + n + 10, (uint16_t)~sum);
		n += 20;
	} else {
		f[n] = 0x60;
		put_be16(f + n + 4, (uint16_t)(20 + len));
		f[n + 6] = 6;
		f[n + 7] = 64;
		memcpy(f + n + 8, s->addr, 16);
		memcpy(f + n + 24, d->addr, 16);
		n += 40;
	}
	put_be16(f + n, s->port);
	put_be16(f + n + 2, d->port);
	put_be32(f + n + 4, seq);
	put_be32(f + n + 8, (flags & 0x10) ? c->seq[!dir] : 0);
	f[n + 12] = 5 << 4;
	f[n + 13] = flags;
	put_be16(f + n + 14, 65535);
	n += 20;
	for (i = 0; i < len; i++)
		f[n + i] = (uint8_t)('a' + i % 26);
	n += len;
	if (n < 60)
		n = 60;		/* Ethernet minimum, as on the wire */
	if (at_seq == NULL)
		c->seq[dir] += len + ((flags & 0x03) ? 1 : 0);
	record(f, n, step_ns);
}

static void
handshake(struct conn *c)
{
	seg(c, 0, 0x02, 0, NULL, 1000000);
	seg(c, 1, 0x12, 0, NULL, 200000);
	seg(c, 0, 0x10, 0, NULL, 100000);
}

static void
other_frames(void)
{
	uint8_t f[64];
	uint32_t n;

	/* ARP request */
	memset(f, 0, sizeof(f));
	n = eth(f, NULL, 0, 0x0806);
	record(f, 60 > n + 28 ? 60 : n + 28, 500000);
	/* UDP over IPv4 */
	memset(f, 0, sizeof(f));
	n = eth(f, NULL, 0, 0x0800);
	f[n] = 0x45;
	put_be16(f + n + 2, 28);
	f[n + 8] = 64;
	f[n + 9] = 17;
	memcpy(f + n + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x35", 8);
	record(f, 60, 500000);
}

static void
script(void)
{
	struct conn c1, c2, c3, c4;
	uint32_t s;
	uint16_t r = (uint16_t)(round_no % 20000);
	uint8_t hi = (uint8_t)(round_no / 20000);

	memset(&c1, 0, sizeof(c1));
	c1.a = (struct ep){ 4, { 10, hi, 0, 1 }, (uint16_t)(40000 + r) };
	c1.b = (struct ep){ 4, { 10, 0, 0, 2 }, 80 };
	c1.seq[0] = 1000;
	c1.seq[1] = 5000;
	memset(&c2, 0, sizeof(c2));
	c2.a = (struct ep){ 4, { 10, hi, 1, 1 }, (uint16_t)(40001 + r) };
	c2.b = (struct ep){ 4, { 10, 0, 1, 2 }, 443 };
	c2.vlan[0] = 100;
	c2.nvlan = 1;
	c2.seq[0] = 0xfffffff0u;	/* wraps */
	c2.seq[1] = 77;
	memset(&c3, 0, sizeof(c3));
	c3.a = (struct ep){ 6, { 0x20, 0x01, 0x0d, 0xb8, [14] = hi, [15] = 1 }, (uint16_t)(40002 + r) };
	c3.b = (struct ep){ 6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 }, 22 };
	c3.vlan[0] = 10;
	c3.vlan[1] = 20;
	c3.nvlan = 2;
	c3.seq[0] = 1;
	c3.seq[1] = 2;
	memset(&c4, 0, sizeof(c4));
	c4.a = (struct ep){ 4, { 192, 168, (uint8_t)(1 + hi), 9 }, (uint16_t)(5001 + r) };
	c4.b = (struct ep){ 4, { 192, 168, 1, 1 }, 6001 };
	c4.seq[0] = 123456;
	c4.seq[1] = 654321;

	other_frames();
	/* 1: handshake, data both ways, a retransmission, FIN both ways */
	handshake(&c1);
	seg(&c1, 0, 0x18, 100, NULL, 100000);
	s = c1.seq[1];
	seg(&c1, 1, 0x18, 200, NULL, 300000);
	/* 2 interleaved: VLAN 100, data, then RST from b */
	handshake(&c2);
	seg(&c1, 1, 0x18, 200, &s, 200000000);	/* retransmission after 200 ms */
	seg(&c2, 0, 0x18, 50, NULL, 100000);
	seg(&c2, 1, 0x14, 0, NULL, 100000);
	seg(&c1, 0, 0x11, 0, NULL, 100000);
	seg(&c1, 1, 0x10, 0, NULL, 100000);
	/* 3: IPv6 in QinQ, an out-of-order pair, FIN both ways */
	handshake(&c3);
	s = c3.seq[0];
	c3.seq[0] += 30;
	seg(&c3, 0, 0x18, 40, NULL, 100000);	/* second segment first */
	seg(&c3, 0, 0x18, 30, &s, 200000);	/* then the first: out of order */
	seg(&c3, 1, 0x18, 300, NULL, 100000);
	seg(&c1, 1, 0x11, 0, NULL, 100000);
	seg(&c1, 0, 0x10, 0, NULL, 100000);
	seg(&c3, 0, 0x11, 0, NULL, 100000);
	seg(&c3, 1, 0x11, 0, NULL, 100000);
	seg(&c3, 0, 0x10, 0, NULL, 100000);
	/* 4: mid-stream, no SYN */
	seg(&c4, 0, 0x18, 10, NULL, 100000);
	seg(&c4, 1, 0x10, 0, NULL, 100000);
	seg(&c4, 0, 0x18, 20, NULL, 100000);
	other_frames();
}

int
main(int argc, char **argv)
{
	uint8_t gh[24];
	unsigned long repeat = 1;

	int i;

	for (i = 1; i < argc - 1; i++) {
		if (strcmp(argv[i], "--ng") == 0)
			ng = 1;
		else if (strcmp(argv[i], "--etl") == 0)
			etl = 1;
		else if (strcmp(argv[i], "--pktmon") == 0)
			pktmon = 1;
		else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc - 1)
			repeat = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--bad") == 0 && i + 1 < argc - 1)
			bad = argv[++i];
		else
			break;
	}
	if (argc < 2 || i != argc - 1) {
		fprintf(stderr, "usage: mkpcap [--ng | --etl | --pktmon] [--repeat N] [--bad KIND] OUT\n");
		return 2;
	}
	out = fopen(argv[argc - 1], "wb");
	if (out == NULL) {
		perror(argv[argc - 1]);
		return 2;
	}
	if (etl || pktmon) {
		/* the writer starts at the first record */
	} else if (ng) {
		ng_header();
	} else {
		ot_put_le32(gh, 0xa1b23c4du);	/* nanosecond */
		ot_put_le16(gh + 4, 2);
		ot_put_le16(gh + 6, 4);
		ot_put_le32(gh + 8, 0);
		ot_put_le32(gh + 12, 0);
		ot_put_le32(gh + 16, strcmp(bad, "snaplen") == 0 ? 64 : 65535);
		ot_put_le32(gh + 20, 1);
		fwrite(gh, 1, 24, out);
	}

	for (round_no = 0; round_no < repeat; round_no++)
		script();
	if (pktmon) {
		/* the components, named at the end as pktmon does */
		pktmon_component(1, 2, "gennic.sys", "offtrace gen NIC");
		pktmon_component(2, 3, "genlwf.sys", "offtrace gen filter");
		pktmon_component(3, 4, "tcpip.sys", "TCPIP");
		now += 1000;
	}
	if (etlw != NULL) {
		struct ot_err err;

		memset(&err, 0, sizeof(err));
		if (ot_etlw_close(etlw, (int64_t)now, &err) < 0) {
			fprintf(stderr, "mkpcap: %s\n", err.msg);
			return 2;
		}
	}
	if (fclose(out) != 0) {
		perror(argv[argc - 1]);
		return 2;
	}
	return 0;
}
