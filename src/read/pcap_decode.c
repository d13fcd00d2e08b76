/*
 * pcap_decode.c - the packet decoder: a link-layer frame to IPv4/IPv6 and
 * TCP.  Every read goes through the bounds-checked big-endian cursor below;
 * "truncated" (the capture ends) is kept apart from "bad" (a header field
 * is impossible), as tcpdump's ND_TCHECK/ND_ICHECK do.
 *
 * Offload-sized frames: a capture taken above the miniport (a host
 * capture, Windows pktmon, Linux tcpdump on the sender) sees the stack's
 * large sends before the NIC segments them.  Their IP length field says
 * nothing: IPv4 Total Length 0 (TSO; Linux BIG TCP past 64 KiB), IPv6
 * Payload Length 0 (BIG TCP).  The length is then the frame's, taken from
 * its length on the wire, as tcpdump (print-ip.c "[was 0, presumed TSO]",
 * print-ip6.c "[real length N, presumed BIG TCP]") and Wireshark ("presumed
 * TSO") take it.  An IPv6 jumbogram (RFC 2675) also has Payload Length 0;
 * its length is the hop-by-hop header's Jumbo Payload option:
 *
 *   hop-by-hop: next header | hdr ext len | options (TLV, Pad1 = one 0 byte)
 *   Jumbo Payload option: type 0xC2 | opt data len 4 | u32 Jumbo Payload
 *   Length (the packet without its IPv6 header, extension headers
 *   included; more than 65535).
 */
#include "offtrace/pcap.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define MAX_VLANS	8	/* stacked 802.1Q/802.1ad tags */
#define MAX_V6_EXT	16	/* IPv6 extension headers */

struct cur {
	const uint8_t *p;
	uint32_t len, off;
	uint32_t wire;		/* the frame's length on the wire, >= len */
};

static int
need(const struct cur *c, uint32_t n)
{
	return c->len - c->off >= n;
}

static uint16_t
be16_at(const struct cur *c, uint32_t at)
{
	return (uint16_t)(c->p[c->off + at] << 8 | c->p[c->off + at + 1]);
}

static uint32_t
be32_at(const struct cur *c, uint32_t at)
{
	return (uint32_t)c->p[c->off + at] << 24 | (uint32_t)c->p[c->off + at + 1] << 16 |
	       (uint32_t)c->p[c->off + at + 2] << 8 | (uint32_t)c->p[c->off + at + 3];
}

const char *
ot_link_name(uint32_t linktype)
{
	switch (linktype) {
	case OT_LINK_NULL: return "null";
	case OT_LINK_ETHERNET: return "ethernet";
	case OT_LINK_RAW: return "raw";
	case OT_LINK_LOOP: return "loop";
	case OT_LINK_SLL: return "sll";
	case OT_LINK_IPV4: return "ipv4";
	case OT_LINK_IPV6: return "ipv6";
	case OT_LINK_SLL2: return "sll2";
	default: return NULL;
	}
}

static int
set(struct ot_decoded *d, int status)
{
	d->status = status;
	return status;
}

static int
decode_tcp(struct cur *c, uint32_t l4len, struct ot_decoded *d)
{
	uint32_t hl;

	if (!need(c, 20))
		return set(d, OT_DEC_TRUNC);
	hl = (uint32_t)(c->p[c->off + 12] >> 4) * 4;
	if (hl < 20 || hl > l4len)
		return set(d, OT_DEC_BAD);
	d->sport = be16_at(c, 0);
	d->dport = be16_at(c, 2);
	d->seq = be32_at(c, 4);
	d->ack = be32_at(c, 8);
	d->flags = c->p[c->off + 13];
	d->window = be16_at(c, 14);
	d->payload = l4len - hl;
	d->tcp = 1;
	return set(d, OT_DEC_OK);
}

static int
decode_ipv4(struct cur *c, struct ot_decoded *d)
{
	uint32_t ihl, total, frag;

	d->family = 4;
	if (!need(c, 20))
		return set(d, OT_DEC_TRUNC);
	if (c->p[c->off] >> 4 != 4)
		return set(d, OT_DEC_BAD);
	ihl = (uint32_t)(c->p[c->off] & 0x0f) * 4;
	total = be16_at(c, 2);
	if (total == 0) {
		/* TSO or BIG TCP: the rest of the frame (see the top) */
		total = c->wire - c->off;
		d->len_from = OT_LEN_FRAME;
	}
	d->ip_len = total;
	if (ihl < 20 || total < ihl)
		return set(d, OT_DEC_BAD);
	d->proto = c->p[c->off + 9];
	memcpy(d->src, c->p + c->off + 12, 4);
	memcpy(d->dst, c->p + c->off + 16, 4);
	frag = be16_at(c, 6);
	if (frag & 0x3fff) {		/* MF or an offset */
		d->fragment = 1;
		d->frag_id = be16_at(c, 4);	/* Identification (RFC 791) */
	}
	if (!need(c, ihl))
		return set(d, OT_DEC_TRUNC);
	c->off += ihl;
	if (d->proto != 6 || (frag & 0x1fff) != 0)	/* non-first fragment: no TCP header */
		return set(d, OT_DEC_OK);
	return decode_tcp(c, total - ihl, d);
}

/*
 * The Jumbo Payload option in the hop-by-hop header at c (hl bytes, all
 * captured): 1 found (*jumbo set), 0 none, -1 the options overrun the
 * header or the option is malformed (RFC 2675 section 2: length 4, at
 * most one).
 */
static int
hbh_jumbo(const struct cur *c, uint32_t hl, uint32_t *jumbo)
{
	uint32_t o = 2, ol;
	uint8_t t;
	int found = 0;

	while (o < hl) {
		t = c->p[c->off + o];
		if (t == 0) {		/* Pad1 */
			o++;
			continue;
		}
		if (hl - o < 2)
			return -1;
		ol = c->p[c->off + o + 1];
		if (ol > hl - o - 2)
			return -1;
		if (t == 0xC2) {
			if (ol != 4 || found)
				return -1;
			*jumbo = be32_at(c, o + 2);
			found = 1;
		}
		o += 2 + ol;
	}
	return found;
}

/*
 * Payload Length 0, no Jumbo Payload option, and the upper layer is not
 * TCP: not a BIG TCP send but a packet without payload, which no
 * extension header fits in (ext: some were walked), as tcpdump's
 * print-ip6.c has it.
 */
static int
v6_no_payload(struct ot_decoded *d, int ext, int status)
{
	d->len_from = OT_LEN_FIELD;
	d->ip_len = 40;
	return set(d, ext ? OT_DEC_BAD : status);
}

static int
decode_ipv6(struct cur *c, struct ot_decoded *d)
{
	uint32_t plen, hl, jumbo = 0;
	uint8_t nh;
	int i, r;

	d->family = 6;
	if (!need(c, 40))
		return set(d, OT_DEC_TRUNC);
	if (c->p[c->off] >> 4 != 6)
		return set(d, OT_DEC_BAD);
	plen = be16_at(c, 4);
	nh = c->p[c->off + 6];
	memcpy(d->src, c->p + c->off + 8, 16);
	memcpy(d->dst, c->p + c->off + 24, 16);
	c->off += 40;
	if (plen == 0) {
		/* a jumbogram or BIG TCP, told apart below: the frame's length
		 * until then (as tcpdump's print-ip6.c does) */
		plen = c->wire - c->off;
		d->len_from = OT_LEN_FRAME;
	}
	d->ip_len = plen + 40;
	for (i = 0; i < MAX_V6_EXT; i++) {
		d->proto = nh;
		switch (nh) {
		case 0:		/* hop-by-hop */
		case 43:	/* routing */
		case 60:	/* destination options */
			if (!need(c, 2))
				return set(d, OT_DEC_TRUNC);
			hl = ((uint32_t)c->p[c->off + 1] + 1) * 8;
			/*
			 * Payload Length 0: a Jumbo Payload option, only in the
			 * hop-by-hop header right after the IPv6 header (RFC
			 * 8200 4.1), gives the length (RFC 2675 section 3: more
			 * than 65535).  With any other Payload Length the
			 * option is an error RFC 2675 leaves to the receiver,
			 * and the field is kept.
			 */
			if (nh == 0 && i == 0 && d->len_from == OT_LEN_FRAME) {
				if (!need(c, hl))
					return set(d, OT_DEC_TRUNC);
				r = hbh_jumbo(c, hl, &jumbo);
				if (r < 0 || (r == 1 && jumbo <= 0xffff))
					return set(d, OT_DEC_BAD);
				if (r == 1) {
					d->len_from = OT_LEN_JUMBO;
					d->jumbo = jumbo;
					plen = jumbo;
					d->ip_len = jumbo > UINT32_MAX - 40 ? UINT32_MAX : jumbo + 40;
				}
			}
			break;
		case 51:	/* AH */
			if (!need(c, 2))
				return set(d, OT_DEC_TRUNC);
			hl = ((uint32_t)c->p[c->off + 1] + 2) * 4;
			break;
		case 44:	/* fragment */
			if (!need(c, 8))
				return set(d, OT_DEC_TRUNC);
			hl = 8;
			d->fragment = 1;
			d->frag_id = be32_at(c, 4);	/* RFC 8200 4.5 */
			if ((be16_at(c, 2) & 0xfff8) != 0) {
				d->proto = c->p[c->off];
				if (d->len_from == OT_LEN_FRAME)
					return v6_no_payload(d, i > 0, OT_DEC_OK);
				return set(d, OT_DEC_OK);
			}
			break;
		case 6:
			return decode_tcp(c, plen, d);
		default:
			if (d->len_from == OT_LEN_FRAME)
				return v6_no_payload(d, i > 0, OT_DEC_OK);
			return set(d, OT_DEC_OK);
		}
		if (hl > plen)
			return set(d, OT_DEC_BAD);
		if (!need(c, hl))
			return set(d, OT_DEC_TRUNC);
		nh = c->p[c->off];
		plen -= hl;
		c->off += hl;
	}
	return set(d, OT_DEC_BAD);
}

static int
decode_ethertype(struct cur *c, uint16_t type, struct ot_decoded *d)
{
	switch (type) {
	case 0x0800:
		return decode_ipv4(c, d);
	case 0x86dd:
		return decode_ipv6(c, d);
	default:
		return set(d, OT_DEC_NOTIP);
	}
}

/* by the first nibble, for the raw link types */
static int
decode_ip(struct cur *c, struct ot_decoded *d)
{
	if (!need(c, 1))
		return set(d, OT_DEC_TRUNC);
	switch (c->p[c->off] >> 4) {
	case 4:
		return decode_ipv4(c, d);
	case 6:
		return decode_ipv6(c, d);
	default:
		return set(d, OT_DEC_NOTIP);
	}
}

static int
decode_ethernet(struct cur *c, struct ot_decoded *d)
{
	uint16_t type;
	int i;

	if (!need(c, 14))
		return set(d, OT_DEC_TRUNC);
	type = be16_at(c, 12);
	c->off += 14;
	for (i = 0; type == 0x8100 || type == 0x88a8 || type == 0x9100; i++) {
		if (i == MAX_VLANS)
			return set(d, OT_DEC_BAD);
		if (!need(c, 4))
			return set(d, OT_DEC_TRUNC);
		if (d->vlans++ == 0)
			d->vlan = be16_at(c, 0) & 0x0fff;
		type = be16_at(c, 2);
		c->off += 4;
	}
	return decode_ethertype(c, type, d);
}

/* address family values of the BSD loopback header */
static int
decode_af(struct cur *c, uint32_t af, struct ot_decoded *d)
{
	switch (af) {
	case 2:
		return decode_ipv4(c, d);
	case 10: case 24: case 28: case 30:
		return decode_ipv6(c, d);
	default:
		return set(d, OT_DEC_NOTIP);
	}
}

/* SLL/SLL2 packet type: 0 to us, 1 broadcast, 2 multicast, 3 other host, 4 outgoing */
static int
sll_dir(uint16_t t)
{
	if (t == 4)
		return OT_DIR_OUT;
	if (t <= 3)
		return OT_DIR_IN;
	return OT_DIR_UNKNOWN;
}

int
ot_packet_decode(uint32_t linktype, const uint8_t *data, uint32_t caplen,
		 struct ot_decoded *d)
{
	return ot_packet_decode_len(linktype, data, caplen, caplen, d);
}

int
ot_packet_decode_len(uint32_t linktype, const uint8_t *data, uint32_t caplen,
		     uint32_t len, struct ot_decoded *d)
{
	struct cur c = { data, caplen, 0, len < caplen ? caplen : len };
	uint32_t af;

	memset(d, 0, sizeof(*d));
	switch (linktype) {
	case OT_LINK_ETHERNET:
		return decode_ethernet(&c, d);
	case OT_LINK_RAW:
	case 12:
	case 14:
		return decode_ip(&c, d);
	case OT_LINK_IPV4:
		return decode_ipv4(&c, d);
	case OT_LINK_IPV6:
		return decode_ipv6(&c, d);
	case OT_LINK_NULL:
		if (!need(&c, 4))
			return set(d, OT_DEC_TRUNC);
		/* the writer's byte order: take whichever reading is small */
		af = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
		     (uint32_t)data[3] << 24;
		if (af > 0xffff)
			af = be32_at(&c, 0);
		c.off = 4;
		return decode_af(&c, af, d);
	case OT_LINK_LOOP:
		if (!need(&c, 4))
			return set(d, OT_DEC_TRUNC);
		af = be32_at(&c, 0);
		c.off = 4;
		return decode_af(&c, af, d);
	case OT_LINK_SLL:
		if (!need(&c, 16))
			return set(d, OT_DEC_TRUNC);
		d->dir = sll_dir(be16_at(&c, 0));
		af = be16_at(&c, 14);
		c.off = 16;
		return decode_ethertype(&c, (uint16_t)af, d);
	case OT_LINK_SLL2:
		if (!need(&c, 20))
			return set(d, OT_DEC_TRUNC);
		d->dir = sll_dir(c.p[10]);
		af = be16_at(&c, 0);
		c.off = 20;
		return decode_ethertype(&c, (uint16_t)af, d);
	default:
		return set(d, OT_DEC_LINK);
	}
}

char *
ot_addr_fmt(int family, const uint8_t *addr, char *buf, size_t len)
{
	/* dotted quad by hand: glibc's inet_ntop() goes through sprintf(),
	 * a tenth of the time of writing a million flows */
	if (family == 4 && len >= 16) {
		char *p = buf;
		int i;

		for (i = 0; i < 4; i++) {
			unsigned v = addr[i];

			if (i)
				*p++ = '.';
			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
		}
		*p = '\0';
		return buf;
	}
	if (family == 4 || family == 6) {
		if (inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, buf, (socklen_t)len) != NULL)
			return buf;
	}
	snprintf(buf, len, "-");
	return buf;
}
