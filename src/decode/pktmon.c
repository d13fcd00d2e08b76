/*
 * pktmon.c - NDIS-PacketCapture event 1001 records as packets
 * (include/offtrace/pktmon.h).
 *
 * Payload (FORMATS.md 4.1, from the provider's manifest as shipped in
 * RavuAlHemio/etl2pcapng contrib/Microsoft-Windows-NDIS-PacketCapture.
 * manifest.xml): u32 MiniportIfIndex, u32 LowerIfIndex, u32 FragmentSize,
 * u8 Fragment[FragmentSize], then u64 GftFlowEntryId and u64
 * GftOffloadInformation (not needed).  Keywords (FORMATS.md 4.1, from
 * microsoft/etl2pcapng src/main.c): the medium (0x1 Ethernet 802.3,
 * 0x200 WirelessWAN = raw IP, 0x10000 native 802.11), 0x2000000 packet
 * truncated, 0x40000000 packet start and 0x80000000 packet end (before
 * Windows 8.1 one packet could span several events: fragments are
 * accumulated until the end), 0x100000000 send path, 0x200000000 receive
 * path.  As etl2pcapng does, the interface is LowerIfIndex and the
 * original length of a truncated packet comes from its IP header.
 */
#include "offtrace/pktmon.h"

#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/util.h"

struct ot_pktmon {
	uint8_t *buf;
	size_t len, cap;
	int open;		/* a packet start seen, its end not yet */
	struct ot_pktmon_stats st;
};

struct ot_pktmon *
ot_pktmon_new(void)
{
	return xcalloc(1, sizeof(struct ot_pktmon));
}

void
ot_pktmon_free(struct ot_pktmon *p)
{
	if (p == NULL)
		return;
	free(p->buf);
	free(p);
}

int
ot_pktmon_is(const struct ot_etl_record *r)
{
	return r->hdr == OT_ETL_EVENT && r->id == OT_NDISCAP_PACKET_FRAGMENT &&
	       memcmp(r->provider, ot_ndiscap_guid, 16) == 0;
}

const struct ot_pktmon_stats *
ot_pktmon_stats(const struct ot_pktmon *p)
{
	return &p->st;
}

static uint32_t
be16(const uint8_t *b)
{
	return (uint32_t)b[0] << 8 | b[1];
}

/* The length on the wire of a truncated packet, from its IP header. */
static uint32_t
wire_len(uint32_t linktype, const uint8_t *d, uint32_t n)
{
	uint32_t off = 0;

	if (linktype == OT_LINK_ETHERNET) {
		if (n < 14)
			return n;
		off = 14;
	} else if (linktype != OT_LINK_RAW) {
		return n;
	}
	if (n >= off + 20 && d[off] >> 4 == 4)
		return off + be16(d + off + 2);
	if (n >= off + 40 && d[off] >> 4 == 6)
		return off + 40 + be16(d + off + 4);
	return n;
}

int
ot_pktmon_record(struct ot_pktmon *p, const struct ot_etl_record *r,
		 struct ot_packet *pkt)
{
	uint64_t kw = r->keyword;
	uint32_t size, wl;
	int start = (kw & OT_NDISCAP_KW_START) != 0, end = (kw & OT_NDISCAP_KW_END) != 0;
	int whole;

	p->st.records++;
	if (r->len < 12) {
		p->st.malformed++;
		return 0;
	}
	size = ot_le32(r->payload + 8);
	if (size > r->len - 12) {
		p->st.malformed++;
		return 0;
	}
	/* a start opens a packet; so does a record with neither flag when
	 * none is open (a logger that does not fragment); with one open, such
	 * a record is a middle fragment */
	whole = !start && !end && !p->open;
	if (start || whole) {
		p->len = 0;
		p->open = 1;
	}
	if (!p->open) {
		p->st.dropped++;	/* a fragment without its start */
		return 0;
	}
	if (p->len + size > OT_PKTMON_MAX_PACKET) {
		p->st.dropped++;
		p->open = 0;
		p->len = 0;
		return 0;
	}
	/* allocated even for a first fragment of zero bytes: the packet's
	 * data is never a null pointer (found by fuzz_pktmon) */
	if (p->buf == NULL || p->len + size > p->cap) {
		p->cap = p->len + size > 2048 ? p->len + size : 2048;
		p->buf = xrealloc(p->buf, p->cap);
	}
	memcpy(p->buf + p->len, r->payload + 12, size);
	p->len += size;
	if (!end && !whole)
		return 0;	/* more fragments follow */
	p->open = 0;
	memset(pkt, 0, sizeof(*pkt));
	pkt->ts = r->ts_ns;
	pkt->iface = ot_le32(r->payload + 4);	/* LowerIfIndex */
	pkt->dir = (kw & OT_NDISCAP_KW_SEND) ? OT_DIR_OUT :
		   (kw & OT_NDISCAP_KW_RECEIVE) ? OT_DIR_IN : OT_DIR_UNKNOWN;
	pkt->linktype = (kw & OT_NDISCAP_KW_WWAN) ? OT_LINK_RAW :
			(kw & OT_NDISCAP_KW_80211) ? 105 : OT_LINK_ETHERNET;
	pkt->caplen = (uint32_t)p->len;
	pkt->len = pkt->caplen;
	if (kw & OT_NDISCAP_KW_TRUNCATED) {
		wl = wire_len(pkt->linktype, p->buf, pkt->caplen);
		if (wl > pkt->len)
			pkt->len = wl;
	}
	pkt->data = p->buf;
	if (r->pid != 0xffffffffu && r->pid != 0) {
		pkt->has_pidtid = 1;
		pkt->pid = r->pid;
		pkt->tid = r->tid;
	}
	pkt->offset = r->offset;
	pkt->number = ++p->st.packets;
	return 1;
}
