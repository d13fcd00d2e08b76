/*
 * test_offload.c - unit tests of offload-sized frames in the packet decoder
 * (src/read/pcap_decode.c) and the flow tracker: IPv4 Total Length 0
 * (TSO, BIG TCP), IPv6 Payload Length 0 (BIG TCP) and IPv6 jumbograms
 * (RFC 2675).  The frames are built here byte by byte from RFC 791, RFC
 * 8200, RFC 9293 and RFC 2675; every expected length is the arithmetic of
 * those layouts (a 20-byte IPv4 header, a 40-byte IPv6 header, an 8-byte
 * hop-by-hop header, a 20-byte TCP header), not the decoder's.  Frames are
 * copied to exact-size heap buffers so ASan sees a read past caplen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/flows.h"
#include "offtrace/pcap.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

static void
put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v & 0xffff);
}

/* a 20-byte TCP header: ports 40000 > 443, seq 1001, ack 5001, PSH|ACK */
static size_t
put_tcp(uint8_t *p)
{
	memset(p, 0, 20);
	put_be16(p, 40000);
	put_be16(p + 2, 443);
	put_be32(p + 4, 1001);
	put_be32(p + 8, 5001);
	p[12] = 5 << 4;
	p[13] = OT_TCP_PSH | OT_TCP_ACK;
	put_be16(p + 14, 65535);
	return 20;
}

/* IPv4 header (RFC 791) with Total Length total, protocol TCP */
static size_t
put_ipv4(uint8_t *p, uint16_t total, unsigned ihl_words)
{
	memset(p, 0, ihl_words * 4);
	p[0] = (uint8_t)(0x40 | ihl_words);
	put_be16(p + 2, total);
	put_be16(p + 6, 0x4000);	/* DF */
	p[8] = 64;
	p[9] = 6;
	memcpy(p + 12, "\xc0\x00\x02\x01\xc6\x33\x64\x02", 8);
	return ihl_words * 4;
}

/* IPv6 header (RFC 8200 section 3) */
static size_t
put_ipv6(uint8_t *p, uint16_t plen, uint8_t nh)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	put_be16(p + 4, plen);
	p[6] = nh;
	p[7] = 64;
	p[8] = 0x20; p[9] = 0x01; p[10] = 0x0d; p[11] = 0xb8; p[23] = 1;
	p[24] = 0x20; p[25] = 0x01; p[26] = 0x0d; p[27] = 0xb8; p[39] = 2;
	return 40;
}

/* decode caplen bytes of f, len on the wire, from an exact-size copy */
static int
decode(uint32_t lt, const uint8_t *f, uint32_t caplen, uint32_t len, struct ot_decoded *d)
{
	uint8_t *b = malloc(caplen ? caplen : 1);
	int r;

	memcpy(b, f, caplen);
	r = ot_packet_decode_len(lt, b, caplen, len, d);
	free(b);
	return r;
}

static uint8_t fr[256];

static void
test_ipv4_tso(void)
{
	struct ot_decoded d;
	size_t n;

	/* whole frame: 20 + 20 + 100 bytes of payload, Total Length 0 */
	n = put_ipv4(fr, 0, 5);
	n += put_tcp(fr + n);
	memset(fr + n, 0xab, 100);
	n += 100;
	CHECK(decode(OT_LINK_RAW, fr, (uint32_t)n, (uint32_t)n, &d) == OT_DEC_OK);
	CHECK(d.tcp && d.payload == 100 && d.ip_len == 140 && d.len_from == OT_LEN_FRAME);
	CHECK(d.sport == 40000 && d.dport == 443 && d.seq == 1001 && d.ack == 5001);
	/* snapped to its headers: the length on the wire decides (70000 bytes of
	 * payload: past 65535, BIG TCP for IPv4) */
	CHECK(decode(OT_LINK_RAW, fr, 40, 40 + 70000, &d) == OT_DEC_OK);
	CHECK(d.tcp && d.payload == 70000 && d.ip_len == 70040 && d.len_from == OT_LEN_FRAME);
	/* over Ethernet II: the 14-byte link header is not in the IP length */
	memset(fr + 200, 0, 14);
	put_be16(fr + 200 + 12, 0x0800);
	memmove(fr + 14, fr, 140);
	memcpy(fr, fr + 200, 14);
	CHECK(decode(OT_LINK_ETHERNET, fr, 14 + 40, 14 + 40 + 4000, &d) == OT_DEC_OK);
	CHECK(d.payload == 4000 && d.ip_len == 4040 && d.len_from == OT_LEN_FRAME);
	/* the old call: the wire length is the captured one */
	n = put_ipv4(fr, 0, 5);
	n += put_tcp(fr + n);
	CHECK(ot_packet_decode(OT_LINK_RAW, fr, 60, &d) == OT_DEC_OK && d.payload == 20);
	/* a real Total Length is kept, and says nothing of the frame */
	put_ipv4(fr, 44, 5);
	CHECK(decode(OT_LINK_RAW, fr, 60, 60, &d) == OT_DEC_OK);
	CHECK(d.payload == 4 && d.ip_len == 44 && d.len_from == OT_LEN_FIELD);
	/* Total Length 0 and a frame shorter than the header's IHL (24) */
	put_ipv4(fr, 0, 6);
	CHECK(decode(OT_LINK_RAW, fr, 20, 20, &d) == OT_DEC_BAD);
}

static void
test_ipv6_bigtcp(void)
{
	struct ot_decoded d;
	size_t n;

	/* Payload Length 0, next header TCP, 50 bytes of payload */
	n = put_ipv6(fr, 0, 6);
	n += put_tcp(fr + n);
	n += 50;
	CHECK(decode(OT_LINK_RAW, fr, (uint32_t)n, (uint32_t)n, &d) == OT_DEC_OK);
	CHECK(d.tcp && d.payload == 50 && d.ip_len == 110 && d.len_from == OT_LEN_FRAME);
	/* snapped: 90000 bytes of payload on the wire */
	CHECK(decode(OT_LINK_RAW, fr, 60, 60 + 90000, &d) == OT_DEC_OK);
	CHECK(d.tcp && d.payload == 90000 && d.ip_len == 90060);
	/* no next header (59), Payload Length 0, Ethernet-padded to 46 bytes:
	 * a packet without payload, not a large send */
	put_ipv6(fr, 0, 59);
	memset(fr + 40, 0, 6);
	CHECK(decode(OT_LINK_RAW, fr, 46, 46, &d) == OT_DEC_OK);
	CHECK(d.len_from == OT_LEN_FIELD && d.ip_len == 40 && d.proto == 59);
	/* Payload Length 0, a destination options header, then UDP: the
	 * header has no payload to sit in */
	put_ipv6(fr, 0, 60);
	memset(fr + 40, 0, 8);
	fr[40] = 17;
	fr[42] = 1;		/* PadN, 4 bytes */
	fr[43] = 4;
	CHECK(decode(OT_LINK_RAW, fr, 56, 56, &d) == OT_DEC_BAD);
}

/* IPv6 + hop-by-hop header with the Jumbo Payload option (RFC 2675 section 2):
 * next header TCP, hdr ext len 0, option type 0xC2, opt data len 4, value */
static size_t
put_jumbo(uint8_t *p, uint16_t plen, uint8_t optlen, uint32_t jumbo)
{
	size_t n = put_ipv6(p, plen, 0);

	p[n] = 6;
	p[n + 1] = 0;
	p[n + 2] = 0xC2;
	p[n + 3] = optlen;
	put_be32(p + n + 4, jumbo);
	return n + 8;
}

static void
test_jumbo(void)
{
	struct ot_decoded d;
	size_t n, i;
	int bad = 0;

	/* 70000 bytes of TCP payload: Jumbo Payload Length 8 + 20 + 70000 */
	n = put_jumbo(fr, 0, 4, 70028);
	n += put_tcp(fr + n);
	CHECK(decode(OT_LINK_RAW, fr, (uint32_t)n, 40 + 70028, &d) == OT_DEC_OK);
	CHECK(d.tcp && d.payload == 70000 && d.len_from == OT_LEN_JUMBO);
	CHECK(d.jumbo == 70028 && d.ip_len == 70068);
	/* the option, not the frame, gives the length (a snapped capture whose
	 * length on the wire is the same as its caplen) */
	CHECK(decode(OT_LINK_RAW, fr, (uint32_t)n, (uint32_t)n, &d) == OT_DEC_OK && d.payload == 70000);
	/* Pad1 and PadN before the option: hdr ext len 1 (16 bytes) */
	put_ipv6(fr, 0, 0);
	memset(fr + 40, 0, 16);
	fr[40] = 6;
	fr[41] = 1;
	fr[42] = 0;		/* Pad1 */
	fr[43] = 1;		/* PadN, 3 bytes */
	fr[44] = 3;
	fr[48] = 0xC2;
	fr[49] = 4;
	put_be32(fr + 50, 16 + 20 + 65536);
	n = 56 + put_tcp(fr + 56);
	CHECK(decode(OT_LINK_RAW, fr, (uint32_t)n, (uint32_t)n, &d) == OT_DEC_OK);
	CHECK(d.len_from == OT_LEN_JUMBO && d.payload == 65536);
	/* RFC 2675 section 2: the length must be more than 65535 */
	n = put_jumbo(fr, 0, 4, 65535);
	n += put_tcp(fr + n);
	CHECK(decode(OT_LINK_RAW, fr, (uint32_t)n, (uint32_t)n, &d) == OT_DEC_BAD);
	/* an option length other than 4 */
	n = put_jumbo(fr, 0, 3, 70028);
	n += put_tcp(fr + n);
	CHECK(decode(OT_LINK_RAW, fr, (uint32_t)n, (uint32_t)n, &d) == OT_DEC_BAD);
	/* with a Payload Length other than 0 the option is an error RFC 2675
	 * leaves to the receiver; the field (8 + 20) is kept */
	n = put_jumbo(fr, 28, 4, 70028);
	n += put_tcp(fr + n);
	CHECK(decode(OT_LINK_RAW, fr, (uint32_t)n, (uint32_t)n, &d) == OT_DEC_OK);
	CHECK(d.len_from == OT_LEN_FIELD && d.payload == 0 && d.ip_len == 68);
	/* every prefix: truncated or bad, never a read past caplen, and never a
	 * TCP header from fewer than 40 + 8 + 20 bytes */
	n = put_jumbo(fr, 0, 4, 70028);
	n += put_tcp(fr + n);
	for (i = 0; i < n; i++) {
		decode(OT_LINK_RAW, fr, (uint32_t)i, 40 + 70028, &d);
		if (d.status == OT_DEC_OK && d.tcp)
			bad++;
	}
	CHECK(bad == 0);
}

/* a large send counts in its flow: one frame, its bytes on the wire */
static void
test_flow(void)
{
	struct ot_flows *t = ot_flows_new(NULL, NULL);
	struct ot_packet pk;
	struct ot_flow *f;
	size_t n;

	n = put_ipv4(fr, 0, 5);
	n += put_tcp(fr + n);
	memset(&pk, 0, sizeof(pk));
	pk.ts = 1;
	pk.linktype = OT_LINK_RAW;
	pk.data = fr;
	pk.caplen = (uint32_t)n;
	pk.len = 40 + 70000;
	f = ot_flows_packet(t, &pk);
	CHECK(f != NULL);
	if (f != NULL) {
		CHECK(f->d[0].frames == 1 && f->d[0].bytes == 70040 && f->d[0].payload == 70000);
		CHECK(f->d[0].next_seq == 1001 + 70000);
	}
	ot_flows_finish(t);
	ot_flows_free(t);
}

int
main(void)
{
	test_ipv4_tso();
	test_ipv6_bigtcp();
	test_jumbo();
	test_flow();
	printf("test_offload: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
