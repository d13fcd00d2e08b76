/*
 * test_pcap.c - unit tests of the packet decoder (src/read/pcap_decode.c):
 * every link type over IPv4 and IPv6 TCP, VLAN stacks, IPv6 extension
 * headers, fragments, and truncation at every byte (which must give
 * OT_DEC_TRUNC or OT_DEC_BAD, never a read past caplen: frames are copied
 * to exact-size heap buffers so ASan sees one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/pcap.h"

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
	printf("test_pcap: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
