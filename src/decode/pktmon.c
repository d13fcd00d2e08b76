/*
 * pktmon.c - the packets of .etl files (include/offtrace/pktmon.h):
 * NDIS-PacketCapture event 1001 and PktMon events 160, 170 and 20.
 *
 * NDIS-PacketCapture 1001 (layout and source: providers.c): u32
 * MiniportIfIndex, u32 LowerIfIndex, u32 FragmentSize, the fragment, two
 * u64 GFT fields (not needed).  Keywords (microsoft/etl2pcapng src/main.c,
 * "from the ndiscap manifest"): the medium (0x1 Ethernet 802.3, 0x200
 * WirelessWAN = raw IP, 0x10000 native 802.11), 0x2000000 packet
 * truncated, 0x40000000 packet start and 0x80000000 packet end (before
 * Windows 8.1 one packet could span several events: fragments are
 * accumulated until the end), 0x100000000 send, 0x200000000 receive.  As
 * etl2pcapng does, the interface is LowerIfIndex and the original length
 * of a truncated packet comes from its IP header.
 *
 * PktMon 160 FramePayload and 170 FrameDropPayload (one layout;
 * microsoft/NetMon_Parsers_for_PacketMon, Microsoft's parser of the PktMon
 * manifest, and airbus-cert/etl-parser Microsoft_Windows_PktMon.py):
 *
 *    0  u64 PktGroupId       16  u16 ComponentId     26  u32 DropLocation
 *    8  u16 PktNumber        18  u16 EdgeId          30  u16 OriginalPayloadSize
 *   10  u16 AppearanceCount  20  u16 FilterId        32  u16 LoggedPayloadSize
 *   12  u16 DirTag           22  u32 DropReason      34  Payload[LoggedPayloadSize]
 *   14  u16 PacketType
 *
 * (checked against the real capture ../shared/corpus/pktmon/: 132-byte
 * records, 34 + 98 logged bytes of ICMP over Ethernet.)  PktMon 20
 * ComponentInfo: u16 Id, u16 Type, then Name and Description, each a
 * NUL-terminated UTF-16LE string.  Value maps from the same NetMon parser
 * (PktMon_PacketDirectionTag, PktMon_DropReason) and, for the packet
 * types after MBB/IP, learn.microsoft.com pktmonnpik PKTMON_PACKET_TYPE.
 */
#include "offtrace/pktmon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/hmap.h"
#include "offtrace/util.h"

#define NAME_MAX_BYTES	160	/* of a component's name kept, UTF-8 */

/* a packet being looked for at its other appearances, oldest first */
struct key {
	uint64_t group;
	uint16_t number;
	int64_t ts;
};

struct ot_pktmon {
	/* NDIS-PacketCapture reassembly */
	uint8_t *buf;
	size_t len, cap;
	int open;		/* a packet start seen, its end not yet */
	/* PktMon */
	int mode;		/* enum ot_pktmon_mode */
	int component;		/* -1: every component */
	struct ot_pkt_meta meta;
	struct hmap seen;	/* (group, number + 1) -> key state */
	struct key *fifo;	/* ring, grown up to OT_PKTMON_MAX_KEYS */
	size_t head, nkeys, capkeys;
	struct hmap names;	/* (id + 1, 1) -> char * */
	void (*on_first)(void *ctx, struct ot_pktmon *p);
	void *on_first_ctx;
	int first_done;
	struct ot_pktmon_stats st;
};

/* key state: present, given as a packet, the first appearance's type */
#define K_PRESENT	0x100000u
#define K_GIVEN		0x1u
#define K_TYPE(v)	((unsigned)(((uintptr_t)(v) >> 1) & 0xffff))

struct ot_pktmon *
ot_pktmon_new(void)
{
	struct ot_pktmon *p = xcalloc(1, sizeof(struct ot_pktmon));

	p->component = -1;
	hm_init(&p->seen);
	hm_init(&p->names);
	return p;
}

void
ot_pktmon_free(struct ot_pktmon *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->names.cap; i++)
		if (p->names.tab != NULL && p->names.tab[i].v != NULL)
			free(p->names.tab[i].v);
	hm_free(&p->names);
	hm_free(&p->seen);
	free(p->fifo);
	free(p->buf);
	free(p);
}

void
ot_pktmon_set_mode(struct ot_pktmon *p, enum ot_pktmon_mode mode, int component)
{
	p->mode = mode;
	p->component = component < 0 || component > 0xffff ? -1 : component;
}

void
ot_pktmon_on_first(struct ot_pktmon *p, void (*fn)(void *ctx, struct ot_pktmon *p),
		   void *ctx)
{
	p->on_first = fn;
	p->on_first_ctx = ctx;
}

int
ot_pktmon_is(const struct ot_etl_record *r)
{
	if (r->hdr != OT_ETL_EVENT)
		return 0;
	if (r->id == OT_NDISCAP_PACKET_FRAGMENT)
		return memcmp(r->provider, ot_ndiscap_guid, 16) == 0;
	if (r->id == OT_PKTMON_FRAME || r->id == OT_PKTMON_FRAME_DROP ||
	    r->id == OT_PKTMON_COMPONENT_INFO)
		return memcmp(r->provider, ot_pktmon_guid, 16) == 0;
	return 0;
}

const struct ot_pktmon_stats *
ot_pktmon_stats(const struct ot_pktmon *p)
{
	return &p->st;
}

const char *
ot_pktmon_type_name(unsigned type)
{
	static const char *const names[OT_PKTMON_NTYPES] = {
		"Unknown", "Ethernet", "WiFi", "IP", "HTTP", "TCP", "UDP", "ARP",
		"ICMP", "ESP", "AH", "L4Payload"
	};

	return type < OT_PKTMON_NTYPES ? names[type] : NULL;
}

const char *
ot_pktmon_dir_name(unsigned dirtag)
{
	static const char *const names[] = {
		"None", "In", "Out", "Rx", "Tx", "Ingress", "Egress"
	};

	return dirtag < sizeof(names) / sizeof(names[0]) ? names[dirtag] : NULL;
}

/* PktMon_DropReason of the NetMon parser; NULL for values it lacks. */
static const char *
reason_name(uint32_t r)
{
	static const char *const low[] = {
		"Unspecified", "Invalid Data", "Invalid Packet", "Insufficient resources",
		"Adapter not ready", "Media Disconnected", "Not accepted", "Device busy",
		"Filtered", "Filtered VLAN", "Unauthorized VLAN", "Unauthorized MAC",
		"Failed security policy", "Failed pVlan setting", "QoS drop", "IPSec drop",
		"Spoofed MAC address is not allowed", "Failed DHCP guard",
		"Failed Router Guard", "Bridge is not allowed inside VM",
		"Virtual Subnet ID does not match", "Required vSwitch extension is missing",
		"Creating vSwitch over another vSwitch is not allowed", "MTU mismatch",
		"Native forwarding required", "Invalid VLAN format", "Invalid destination MAC",
		"Invalid source MAC", "First NB too small",
		"Windows Network Virtualization error", "Storm limit exceeded",
		"ICMP request injected by switch", "Failed to update destination list",
		"Destination NIC is disabled",
		"Packet does not match destination NIC packet filter",
		"vSwitch data flow is disabled",
		"Port isolation setting does not allow untagged traffic", "Invalid PD queue",
		"Adapter is in low power state"
	};
	static const char *const h1[] = {
		"Adapter paused", "Adapter reset in progress", "Send aborted",
		"Unsupported EtherType"
	};
	static const char *const h2[] = {
		"Microport error", "VF not ready", "Microport not ready", "VMBus error"
	};

	if (r < sizeof(low) / sizeof(low[0]))
		return low[r];
	if (r >= 101 && r < 101 + sizeof(h1) / sizeof(h1[0]))
		return h1[r - 101];
	if (r >= 201 && r < 201 + sizeof(h2) / sizeof(h2[0]))
		return h2[r - 201];
	return NULL;
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

static void
pidtid(struct ot_packet *pkt, const struct ot_etl_record *r)
{
	if (r->pid != 0xffffffffu && r->pid != 0) {
		pkt->has_pidtid = 1;
		pkt->pid = r->pid;
		pkt->tid = r->tid;
	}
}

/* NDIS-PacketCapture 1001 */
static int
ndiscap(struct ot_pktmon *p, const struct ot_etl_record *r, struct ot_packet *pkt)
{
	uint64_t kw = r->keyword;
	uint32_t size, wl;
	int start = (kw & OT_NDISCAP_KW_START) != 0, end = (kw & OT_NDISCAP_KW_END) != 0;
	int whole;

	p->st.records++;
	if (r->len < 12) {
		p->st.malformed++;
		return OT_PKTMON_NONE;
	}
	size = ot_le32(r->payload + 8);
	if (size > r->len - 12) {
		p->st.malformed++;
		return OT_PKTMON_NONE;
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
		return OT_PKTMON_NONE;
	}
	if (p->len + size > OT_PKTMON_MAX_PACKET) {
		p->st.dropped++;
		p->open = 0;
		p->len = 0;
		return OT_PKTMON_NONE;
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
		return OT_PKTMON_NONE;	/* more fragments follow */
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
	pidtid(pkt, r);
	pkt->offset = r->offset;
	pkt->number = ++p->st.packets;
	return OT_PKTMON_PACKET;
}

/*
 * A NUL-terminated UTF-16LE string at b[*off..len) as UTF-8 into out (at
 * most NAME_MAX_BYTES - 1 bytes kept; quotes and control characters as
 * '?'); -1 when it is not terminated inside the payload.
 */
static int
wstring(const uint8_t *b, size_t len, size_t *off, char *out)
{
	size_t i = *off, o = 0, used;
	uint32_t c;

	for (;;) {
		if (i + 2 > len)
			return -1;
		c = ot_utf16_next(b + i, len - i, 0, &used);
		i += used;
		if (c == 0)
			break;
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			c = '?';
		if (o + 4 >= NAME_MAX_BYTES)
			continue;	/* too long: the rest is read, not kept */
		o += ot_utf8_put(out + o, c);
	}
	out[o] = '\0';
	*off = i;
	return 0;
}

/* Event 20: the component's Description, with its Name (the driver) */
static void
component_info(struct ot_pktmon *p, const struct ot_etl_record *r)
{
	char name[NAME_MAX_BYTES], desc[NAME_MAX_BYTES], both[2 * NAME_MAX_BYTES + 4];
	size_t off = 4;
	uint16_t id;
	char *old;

	if (r->len < 4 || wstring(r->payload, r->len, &off, name) < 0 ||
	    wstring(r->payload, r->len, &off, desc) < 0) {
		p->st.malformed++;
		return;
	}
	id = ot_le16(r->payload);
	if (desc[0] && name[0])
		snprintf(both, sizeof(both), "%s (%s)", desc, name);
	else
		snprintf(both, sizeof(both), "%s", desc[0] ? desc : name);
	old = hm_put(&p->names, (uint64_t)id + 1, 1, xstrdup(both));
	if (old == NULL)
		p->st.components++;
	free(old);
}

void
ot_pktmon_learn(struct ot_pktmon *p, const struct ot_etl_record *r)
{
	if (r->hdr == OT_ETL_EVENT && r->id == OT_PKTMON_COMPONENT_INFO &&
	    memcmp(r->provider, ot_pktmon_guid, 16) == 0)
		component_info(p, r);
}

const char *
ot_pktmon_component(const struct ot_pktmon *p, uint16_t id)
{
	return hm_get(&p->names, (uint64_t)id + 1, 1);
}

static unsigned
type_slot(unsigned type)
{
	return type < OT_PKTMON_NTYPES ? type : OT_PKTMON_NTYPES;
}

/* Forget the oldest packet looked for; counted when never given. */
static void
key_expire(struct ot_pktmon *p)
{
	struct key *k = &p->fifo[p->head];
	void *v = hm_del(&p->seen, k->group, (uint64_t)k->number + 1);

	if (v != NULL && !((uintptr_t)v & K_GIVEN))
		p->st.not_ip[type_slot(K_TYPE(v))]++;
	p->head = (p->head + 1) % p->capkeys;
	p->nkeys--;
}

static void
key_add(struct ot_pktmon *p, const struct ot_pkt_meta *m, int64_t ts, uintptr_t state)
{
	struct key *k, *v;
	size_t cap, i;

	if (p->nkeys == OT_PKTMON_MAX_KEYS)
		key_expire(p);
	if (p->nkeys == p->capkeys) {
		/* grow the ring, its oldest first */
		cap = p->capkeys ? 2 * p->capkeys : 256;
		v = xmalloc(st_mult(cap, sizeof(*v)));
		for (i = 0; i < p->nkeys; i++)
			v[i] = p->fifo[(p->head + i) % p->capkeys];
		free(p->fifo);
		p->fifo = v;
		p->head = 0;
		p->capkeys = cap;
	}
	k = &p->fifo[(p->head + p->nkeys) % p->capkeys];
	k->group = m->group;
	k->number = m->number;
	k->ts = ts;
	p->nkeys++;
	hm_put(&p->seen, m->group, (uint64_t)m->number + 1,
	       (void *)(K_PRESENT | (uintptr_t)m->ptype << 1 | state));
}

void
ot_pktmon_finish(struct ot_pktmon *p)
{
	while (p->nkeys > 0)
		key_expire(p);
}

static uint32_t
link_of(unsigned type)
{
	switch (type) {
	case OT_PKTMON_TYPE_ETHERNET: return OT_LINK_ETHERNET;
	case OT_PKTMON_TYPE_WIFI: return 105;	/* LINKTYPE_IEEE802_11 */
	case OT_PKTMON_TYPE_IP: return OT_LINK_RAW;
	default: return OT_PKTMON_LINK_NONE;
	}
}

/* PktMon 160 and 170 */
static int
frame(struct ot_pktmon *p, const struct ot_etl_record *r, struct ot_packet *pkt)
{
	struct ot_pkt_meta *m = &p->meta;
	const uint8_t *b = r->payload;
	struct ot_decoded d;
	uint32_t logged, link;
	void *v;
	int drop = r->id == OT_PKTMON_FRAME_DROP;

	if (!p->first_done) {
		p->first_done = 1;
		if (p->on_first)
			p->on_first(p->on_first_ctx, p);
	}
	if (r->len < OT_PKTMON_FRAME_FIXED ||
	    (logged = ot_le16(b + 32)) > r->len - OT_PKTMON_FRAME_FIXED) {
		p->st.malformed++;
		return OT_PKTMON_NONE;
	}
	memset(m, 0, sizeof(*m));
	m->group = ot_le64(b);
	m->number = ot_le16(b + 8);
	m->appearance = ot_le16(b + 10);
	m->dirtag = ot_le16(b + 12);
	m->ptype = ot_le16(b + 14);
	m->component = ot_le16(b + 16);
	m->edge = ot_le16(b + 18);
	m->filter = ot_le16(b + 20);
	m->drop_reason = ot_le32(b + 22);
	m->drop_location = ot_le32(b + 26);
	m->orig_size = ot_le16(b + 30);
	m->logged_size = (uint16_t)logged;
	m->drop = drop;
	m->component_name = ot_pktmon_component(p, m->component);
	m->dir_name = ot_pktmon_dir_name(m->dirtag);
	m->type_name = ot_pktmon_type_name(m->ptype);
	m->reason_name = drop ? reason_name(m->drop_reason) : NULL;
	link = link_of(m->ptype);
	if (!drop)
		p->st.appearances++;
	if (p->mode != OT_PKTMON_RAW) {
		if (p->component >= 0 && m->component != p->component) {
			if (!drop)
				p->st.other_component++;
			return OT_PKTMON_NONE;
		}
		if (drop) {
			p->st.drops++;
		} else if (p->mode == OT_PKTMON_ALL || p->component >= 0) {
			if (link == OT_PKTMON_LINK_NONE) {
				p->st.not_ip[type_slot(m->ptype)]++;
				return OT_PKTMON_NONE;
			}
		} else {
			/* each packet once: its first appearance whose frame is IP */
			while (p->nkeys > 0 &&
			       p->fifo[p->head].ts < r->ts_ns - OT_PKTMON_KEY_NS)
				key_expire(p);
			v = hm_get(&p->seen, m->group, (uint64_t)m->number + 1);
			if (v != NULL && ((uintptr_t)v & K_GIVEN)) {
				p->st.repeats++;
				return OT_PKTMON_NONE;
			}
			if (link == OT_PKTMON_LINK_NONE ||
			    ot_packet_decode(link, b + OT_PKTMON_FRAME_FIXED, logged,
					     &d) != OT_DEC_OK) {
				if (v == NULL)
					key_add(p, m, r->ts_ns, 0);
				return OT_PKTMON_NONE;
			}
			if (v == NULL)
				key_add(p, m, r->ts_ns, K_GIVEN);
			else
				hm_put(&p->seen, m->group, (uint64_t)m->number + 1,
				       (void *)((uintptr_t)v | K_GIVEN));
		}
	}
	memset(pkt, 0, sizeof(*pkt));
	pkt->ts = r->ts_ns;
	pkt->iface = m->component;
	pkt->dir = m->dirtag == 3 ? OT_DIR_IN : m->dirtag == 4 ? OT_DIR_OUT : OT_DIR_UNKNOWN;
	pkt->linktype = link;
	pkt->caplen = logged;
	pkt->len = m->orig_size > logged ? m->orig_size : logged;
	pkt->data = b + OT_PKTMON_FRAME_FIXED;
	pkt->meta = m;
	pidtid(pkt, r);
	pkt->offset = r->offset;
	if (drop)
		return OT_PKTMON_DROP;
	pkt->number = ++p->st.counted;
	return OT_PKTMON_PACKET;
}

int
ot_pktmon_record(struct ot_pktmon *p, const struct ot_etl_record *r,
		 struct ot_packet *pkt)
{
	if (r->id == OT_NDISCAP_PACKET_FRAGMENT)
		return ndiscap(p, r, pkt);
	if (r->id == OT_PKTMON_COMPONENT_INFO) {
		component_info(p, r);
		return OT_PKTMON_NONE;
	}
	return frame(p, r, pkt);
}
