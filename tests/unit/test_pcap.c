/*
 * test_pcap.c - unit tests of the packet decoder (src/read/pcap_decode.c):
 * every link type over IPv4 and IPv6 TCP, VLAN stacks, IPv6 extension
 * headers, fragments, and truncation at every byte (which must give
 * OT_DEC_TRUNC or OT_DEC_BAD, never a read past caplen: frames are copied
 * to exact-size heap buffers so ASan sees one).  Also: NDIS-PacketCapture
 * event 1001 records in a synthetic .etl (written by src/gen/etlw.c) as
 * packets (src/decode/pktmon.c), and IP fragments counted in their flow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "offtrace/bytes.h"
#include "offtrace/etlsrc.h"
#include "offtrace/etlw.h"
#include "offtrace/flows.h"
#include "offtrace/pcap.h"
#include "offtrace/pktmon.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

static const uint8_t ip4tcp[] = {
	0x45, 0, 0, 44, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
	0x9c, 0x40, 0, 80, 0, 0, 3, 0xe8, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
	'a', 'b', 'c', 'd'
};

static const uint8_t ip6tcp[] = {
	0x60, 0, 0, 0, 0, 28, 0, 64,	/* next header 0: hop-by-hop */
	0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	6, 0, 1, 4, 0, 0, 0, 0,		/* hop-by-hop, 8 bytes, then TCP */
	0x9c, 0x42, 0, 22, 0, 0, 0, 1, 0, 0, 0, 9, 0x50, 0x12, 0xff, 0xff, 0, 0, 0, 0
};

static int
decode(uint32_t lt, const uint8_t *frame, size_t n, struct ot_decoded *d)
{
	uint8_t *b = malloc(n ? n : 1);
	int r;

	if (n > 0)
		memcpy(b, frame, n);
	r = ot_packet_decode(lt, b, (uint32_t)n, d);
	free(b);
	return r;
}

/* link header + an IP packet */
static size_t
frame(uint8_t *out, const uint8_t *hdr, size_t hn, const uint8_t *ip, size_t in)
{
	memcpy(out, hdr, hn);
	memcpy(out + hn, ip, in);
	return hn + in;
}

static void
check_v4(const struct ot_decoded *d)
{
	CHECK(d->status == OT_DEC_OK && d->family == 4 && d->tcp);
	CHECK(d->sport == 40000 && d->dport == 80 && d->seq == 1000 && d->flags == OT_TCP_SYN);
	CHECK(d->payload == 4 && memcmp(d->src, "\x0a\x00\x00\x01", 4) == 0);
}

static void
check_v6(const struct ot_decoded *d)
{
	CHECK(d->status == OT_DEC_OK && d->family == 6 && d->tcp);
	CHECK(d->sport == 40002 && d->dport == 22 && d->ack == 9 &&
	      d->flags == (OT_TCP_SYN | OT_TCP_ACK) && d->payload == 0);
}

/* every prefix of a frame decodes to TRUNC/BAD/NOTIP without a crash */
static void
prefixes(uint32_t lt, const uint8_t *f, size_t n)
{
	struct ot_decoded d;
	size_t i;
	int bad = 0;

	for (i = 0; i < n; i++) {
		decode(lt, f, i, &d);
		if (d.tcp && d.payload == 0 && i < n - 4)
			bad++;
		if (d.status == OT_DEC_OK && d.tcp && i < 20)
			bad++;
	}
	CHECK(bad == 0);
}

#define T0 INT64_C(1700000000000000000)

/* One 1001 record: MiniportIfIndex 7, LowerIfIndex 12, the fragment,
 * then the two u64 GFT fields. */
static void
rec1001(struct ot_etlw *w, int64_t ts, uint64_t kw, const uint8_t *frag,
	uint32_t n, uint32_t claimed)
{
	struct ot_etlw_rec r;
	struct ot_err err;
	uint8_t b[512];

	memset(b, 0, sizeof(b));
	ot_put_le32(b, 7);
	ot_put_le32(b + 4, 12);
	ot_put_le32(b + 8, claimed);
	memcpy(b + 12, frag, n);
	memset(&r, 0, sizeof(r));
	r.ts = ts;
	r.pid = 4;
	r.tid = 88;
	memcpy(r.provider, ot_ndiscap_guid, 16);
	r.id = OT_NDISCAP_PACKET_FRAGMENT;
	r.keyword = kw;
	r.payload = b;
	r.len = 12 + n + 16;
	memset(&err, 0, sizeof(err));
	CHECK(ot_etlw_record(w, &r, &err) == 0);
}

/*
 * Regression (fuzz_pktmon): the first record of a capture is a fragment of
 * zero bytes, so the reassembly buffer was never allocated and the packet
 * was made from a null pointer.  The packet must have data.
 */
static void
test_pktmon_zero_size_first_fragment(void)
{
	struct ot_pktmon *pm = ot_pktmon_new();
	struct ot_etl_record r;
	struct ot_packet pkt;
	struct ot_decoded d;
	uint8_t b[12];

	memset(b, 0, sizeof(b));
	memset(&r, 0, sizeof(r));
	r.hdr = OT_ETL_EVENT;
	r.id = OT_NDISCAP_PACKET_FRAGMENT;
	memcpy(r.provider, ot_ndiscap_guid, 16);
	r.keyword = OT_NDISCAP_KW_ETHERNET | OT_NDISCAP_KW_START | OT_NDISCAP_KW_END;
	r.pid = r.tid = 0xffffffffu;
	r.payload = b;
	r.len = sizeof(b);
	CHECK(ot_pktmon_record(pm, &r, &pkt) == 1);
	CHECK(pkt.caplen == 0 && pkt.data != NULL);
	CHECK(ot_packet_decode(pkt.linktype, pkt.data, pkt.caplen, &d) == OT_DEC_TRUNC);
	ot_pktmon_free(pm);
}

static void
test_pktmon(void)
{
	struct ot_etlw_opts o = { 0x2000, 10000000, 2, 0 };
	char path[] = "/tmp/offtrace-test-pktmon.XXXXXX";
	uint8_t fr[14 + sizeof(ip4tcp)];
	struct ot_strtab *st = ot_strtab_new();
	struct ot_etlsrc *s;
	struct ot_etlw *w;
	struct ot_event ev;
	struct ot_err err;
	const struct ot_packet *p;
	int fd = mkstemp(path), r, npk = 0, nev = 0;
	FILE *f = fd >= 0 ? fdopen(fd, "w+b") : NULL;
	uint64_t eth = OT_NDISCAP_KW_ETHERNET, se = OT_NDISCAP_KW_START | OT_NDISCAP_KW_END;

	CHECK(f != NULL);
	if (f == NULL)
		return;
	memset(fr, 0, 12);
	fr[12] = 0x08;
	memcpy(fr + 14, ip4tcp, sizeof(ip4tcp));
	memset(&err, 0, sizeof(err));
	w = ot_etlw_open(f, &o, T0, &err);
	CHECK(w != NULL);
	/* a whole packet, sent */
	rec1001(w, T0 + 1000, eth | se | OT_NDISCAP_KW_SEND, fr, sizeof(fr), sizeof(fr));
	/* a packet in two fragments (before Windows 8.1), received */
	rec1001(w, T0 + 2000, eth | OT_NDISCAP_KW_START | OT_NDISCAP_KW_RECEIVE, fr, 20, 20);
	rec1001(w, T0 + 2100, eth | OT_NDISCAP_KW_END | OT_NDISCAP_KW_RECEIVE, fr + 20,
		sizeof(fr) - 20, sizeof(fr) - 20);
	/* truncated to 40 bytes: the wire length from the IPv4 header */
	rec1001(w, T0 + 3000, eth | se | OT_NDISCAP_KW_TRUNCATED, fr, 40, 40);
	/* FragmentSize past the payload: dropped, counted */
	rec1001(w, T0 + 4000, eth | se, fr, 10, 300);
	/* an end without its start: dropped */
	rec1001(w, T0 + 5000, eth | OT_NDISCAP_KW_END, fr, 10, 10);
	CHECK(ot_etlw_close(w, T0 + 6000, &err) == 0);
	fclose(f);

	s = ot_etlsrc_open(path, st, &err);
	CHECK(s != NULL);
	if (s == NULL)
		goto out;
	ot_etlsrc_want_packets(s, OT_PKTMON_FIRST, -1);
	while ((r = ot_etlsrc_next(s, &ev, &err)) > 0) {
		if (r == 1) {
			nev++;
			continue;
		}
		p = ot_etlsrc_packet(s);
		npk++;
		CHECK(p->iface == 12 && p->linktype == OT_LINK_ETHERNET);
		CHECK(p->has_pidtid && p->pid == 4 && p->tid == 88);
		if (npk == 1)
			CHECK(p->ts == T0 + 1000 && p->dir == OT_DIR_OUT &&
			      p->caplen == sizeof(fr) && p->len == sizeof(fr) &&
			      memcmp(p->data, fr, sizeof(fr)) == 0);
		if (npk == 2)
			CHECK(p->ts == T0 + 2100 && p->dir == OT_DIR_IN &&
			      p->caplen == sizeof(fr) && memcmp(p->data, fr, sizeof(fr)) == 0);
		if (npk == 3)
			CHECK(p->caplen == 40 && p->len == 14 + 44 && p->dir == OT_DIR_UNKNOWN);
	}
	CHECK(r == 0 && npk == 3 && nev == 0);
	ot_etlsrc_close(s);
	/* without asking, the records are not packets */
	s = ot_etlsrc_open(path, st, &err);
	CHECK(s != NULL);
	if (s) {
		while ((r = ot_etlsrc_next(s, &ev, &err)) == 1)
			;
		CHECK(r == 0);
		ot_etlsrc_close(s);
	}
out:
	unlink(path);
	ot_strtab_free(st);
}

/* IPv4 fragments of one TCP segment: counted in the segment's flow. */
static void
test_fragments(void)
{
	static const uint8_t first[] = {	/* MF, offset 0, id 0x1234 */
		0x45, 0, 0, 48, 0x12, 0x34, 0x20, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
		0x9c, 0x40, 0, 80, 0, 0, 3, 0xe8, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0,
		1, 2, 3, 4, 5, 6, 7, 8
	};
	static const uint8_t later[] = {	/* offset 28 (x8 bytes), id 0x1234 */
		0x45, 0, 0, 28, 0x12, 0x34, 0, 28, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
		9, 10, 11, 12, 13, 14, 15, 16
	};
	static const uint8_t other[] = {	/* another datagram: not counted */
		0x45, 0, 0, 28, 0x43, 0x21, 0, 28, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
		9, 10, 11, 12, 13, 14, 15, 16
	};
	struct ot_flows *t = ot_flows_new(NULL, NULL);
	struct ot_packet pk;
	struct ot_flow *f1, *f2;

	memset(&pk, 0, sizeof(pk));
	pk.linktype = OT_LINK_RAW;
	pk.ts = T0;
	pk.data = first;
	pk.caplen = pk.len = sizeof(first);
	f1 = ot_flows_packet(t, &pk);
	CHECK(f1 != NULL && f1->fragments == 1 && f1->d[0].frames == 1);
	pk.ts++;
	pk.data = later;
	pk.caplen = pk.len = sizeof(later);
	f2 = ot_flows_packet(t, &pk);
	CHECK(f2 == f1 && f1->fragments == 2 && f1->d[0].frames == 2 &&
	      f1->d[0].bytes == sizeof(first) + sizeof(later));
	pk.ts++;
	pk.data = other;
	CHECK(ot_flows_packet(t, &pk) == NULL);
	CHECK(ot_flows_stats(t)->fragments == 3 && ot_flows_stats(t)->flows == 1);
	ot_flows_finish(t);
	ot_flows_free(t);
}

int
main(void)
{
	uint8_t f[256], g[sizeof(ip4tcp)];
	struct ot_decoded d;
	char buf[64];
	size_t n;
	static const uint8_t eth4[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00 };
	static const uint8_t eth6vv[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
		0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x14, 0x86, 0xdd };
	static const uint8_t sll4[16] = { 0, 4, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00 };
	static const uint8_t sll2_6[20] = { 0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6 };
	static const uint8_t null4le[] = { 2, 0, 0, 0 }, null6be[] = { 0, 0, 0, 30 };
	static const uint8_t loop4[] = { 0, 0, 0, 2 };
	static const uint8_t arp[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x06, 0, 1 };

	n = frame(f, eth4, sizeof(eth4), ip4tcp, sizeof(ip4tcp));
	decode(OT_LINK_ETHERNET, f, n, &d);
	check_v4(&d);
	prefixes(OT_LINK_ETHERNET, f, n);
	n = frame(f, eth6vv, sizeof(eth6vv), ip6tcp, sizeof(ip6tcp));
	decode(OT_LINK_ETHERNET, f, n, &d);
	check_v6(&d);
	CHECK(d.vlans == 2 && d.vlan == 10);
	prefixes(OT_LINK_ETHERNET, f, n);
	n = frame(f, sll4, sizeof(sll4), ip4tcp, sizeof(ip4tcp));
	decode(OT_LINK_SLL, f, n, &d);
	check_v4(&d);
	CHECK(d.dir == OT_DIR_OUT);
	prefixes(OT_LINK_SLL, f, n);
	n = frame(f, sll2_6, sizeof(sll2_6), ip6tcp, sizeof(ip6tcp));
	decode(OT_LINK_SLL2, f, n, &d);
	check_v6(&d);
	prefixes(OT_LINK_SLL2, f, n);
	n = frame(f, null4le, 4, ip4tcp, sizeof(ip4tcp));
	decode(OT_LINK_NULL, f, n, &d);
	check_v4(&d);
	n = frame(f, null6be, 4, ip6tcp, sizeof(ip6tcp));
	decode(OT_LINK_NULL, f, n, &d);
	check_v6(&d);
	n = frame(f, loop4, 4, ip4tcp, sizeof(ip4tcp));
	decode(OT_LINK_LOOP, f, n, &d);
	check_v4(&d);
	decode(OT_LINK_RAW, ip4tcp, sizeof(ip4tcp), &d);
	check_v4(&d);
	decode(12, ip6tcp, sizeof(ip6tcp), &d);
	check_v6(&d);
	decode(OT_LINK_IPV4, ip4tcp, sizeof(ip4tcp), &d);
	check_v4(&d);
	decode(OT_LINK_IPV6, ip6tcp, sizeof(ip6tcp), &d);
	check_v6(&d);
	prefixes(OT_LINK_RAW, ip6tcp, sizeof(ip6tcp));
	CHECK(decode(OT_LINK_ETHERNET, arp, sizeof(arp), &d) == OT_DEC_NOTIP);
	CHECK(decode(147, ip4tcp, sizeof(ip4tcp), &d) == OT_DEC_LINK);
	CHECK(ot_link_name(147) == NULL && strcmp(ot_link_name(276), "sll2") == 0);
	/* IPv4 fragments: first has the TCP header, later ones not */
	memcpy(g, ip4tcp, sizeof(g));
	g[6] = 0x20;	/* MF */
	decode(OT_LINK_RAW, g, sizeof(g), &d);
	CHECK(d.fragment && d.tcp);
	g[6] = 0x00;
	g[7] = 0x10;	/* offset 16*8 */
	decode(OT_LINK_RAW, g, sizeof(g), &d);
	CHECK(d.status == OT_DEC_OK && d.fragment && !d.tcp);
	/* impossible fields */
	memcpy(g, ip4tcp, sizeof(g));
	g[0] = 0x44;	/* IHL 16 bytes */
	CHECK(decode(OT_LINK_RAW, g, sizeof(g), &d) == OT_DEC_BAD);
	memcpy(g, ip4tcp, sizeof(g));
	g[32] = 0x40;	/* TCP data offset 16 */
	CHECK(decode(OT_LINK_RAW, g, sizeof(g), &d) == OT_DEC_BAD);
	memcpy(g, ip4tcp, sizeof(g));
	g[32] = 0xf0;	/* TCP header longer than the IP payload */
	CHECK(decode(OT_LINK_RAW, g, sizeof(g), &d) == OT_DEC_BAD);
	CHECK(decode(OT_LINK_RAW, NULL, 0, &d) == OT_DEC_TRUNC);
	CHECK(strcmp(ot_addr_fmt(6, ip6tcp + 8, buf, sizeof(buf)), "2001:db8::1") == 0);
	CHECK(strcmp(ot_addr_fmt(4, ip4tcp + 16, buf, sizeof(buf)), "10.0.0.2") == 0);
	test_pktmon();
	test_pktmon_zero_size_first_fragment();
	test_fragments();
	printf("test_pcap: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
