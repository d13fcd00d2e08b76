/*
 * pktmon.h - packets inside .etl files, on the trace's own clock (no
 * etl2pcapng step), from the two packet providers of Windows (GUIDs and
 * layouts: the table of providers.h):
 *
 *   Microsoft-Windows-NDIS-PacketCapture (netsh trace capture=yes):
 *     event 1001 PacketFragment, one packet per record since Windows 8.1
 *     (fragments before it are put together);
 *   Microsoft-Windows-PktMon (pktmon start --capture, Windows 10 2004+):
 *     event 160 FramePayload, one record per component a packet passes
 *     (its appearances, which share PktGroupId and PktNumber), event 170
 *     FrameDropPayload, a packet a component dropped, and event 20
 *     ComponentInfo, which names the components (logged at the end of the
 *     file, so a source reads those first: ot_pktmon_learn()).
 *
 * A pktmon packet is counted once by default: the tracked appearance is
 * its first whose frame decodes as IP; OT_PKTMON_ALL gives every
 * appearance, a component filter one component's view.
 */
#ifndef OT_PKTMON_H
#define OT_PKTMON_H

#include <stddef.h>
#include <stdint.h>

#include "offtrace/etl.h"
#include "offtrace/pcap.h"
#include "offtrace/providers.h"

#define OT_NDISCAP_PACKET_FRAGMENT 1001
#define OT_PKTMON_MAX_PACKET (256u << 10)	/* bytes of one reassembled packet */

/* Keywords of event 1001 (FORMATS.md 4.1). */
#define OT_NDISCAP_KW_ETHERNET	UINT64_C(0x1)
#define OT_NDISCAP_KW_WWAN	UINT64_C(0x200)
#define OT_NDISCAP_KW_TUNNEL	UINT64_C(0x8000)
#define OT_NDISCAP_KW_80211	UINT64_C(0x10000)
#define OT_NDISCAP_KW_VMSWITCH	UINT64_C(0x1000000)
#define OT_NDISCAP_KW_TRUNCATED	UINT64_C(0x2000000)
#define OT_NDISCAP_KW_START	UINT64_C(0x40000000)
#define OT_NDISCAP_KW_END	UINT64_C(0x80000000)
#define OT_NDISCAP_KW_SEND	UINT64_C(0x100000000)
#define OT_NDISCAP_KW_RECEIVE	UINT64_C(0x200000000)

/* PktMon events and the FramePayload layout (providers.c). */
#define OT_PKTMON_COMPONENT_INFO 20
#define OT_PKTMON_FRAME		160
#define OT_PKTMON_FRAME_DROP	170
#define OT_PKTMON_FRAME_FIXED	34	/* bytes before Payload */

/* PKTMON_PACKET_TYPE values of frames (netmon-pktmon PktMon_PacketType;
 * 3 is MBB there and IP in later pktmonnpik.h: raw IP either way) */
#define OT_PKTMON_TYPE_ETHERNET	1
#define OT_PKTMON_TYPE_WIFI	2
#define OT_PKTMON_TYPE_IP	3
#define OT_PKTMON_NTYPES	12	/* 0 Unknown .. 11 L4Payload; counted: 12 others */
/* the link type of an appearance whose payload is no frame (HTTP, ...) */
#define OT_PKTMON_LINK_NONE	0xffffffffu

/* Limits (P9; man/offtrace.1 LIMITS): how long and how many packets are
 * remembered to find their other appearances. */
#define OT_PKTMON_KEY_NS	(INT64_C(2) * 1000000000)
#define OT_PKTMON_MAX_KEYS	(1u << 18)

enum ot_pktmon_mode {
	OT_PKTMON_FIRST = 0,	/* a packet once: its first appearance whose frame is IP */
	OT_PKTMON_ALL,		/* every appearance whose payload is a frame */
	OT_PKTMON_RAW		/* every 160 and 170 record (dump) */
};

/* What ot_pktmon_record() gave. */
enum { OT_PKTMON_NONE = 0, OT_PKTMON_PACKET = 1, OT_PKTMON_DROP = 2 };

struct ot_pktmon_stats {
	/* NDIS-PacketCapture */
	uint64_t records;	/* 1001 records seen */
	uint64_t packets;	/* packets made */
	uint64_t malformed;	/* 1001, 160, 170 or 20 shorter than its fields say */
	uint64_t dropped;	/* fragments without a start, or over the limit */
	/* PktMon */
	uint64_t appearances;	/* 160 records */
	uint64_t counted;	/* packets given */
	uint64_t repeats;	/* appearances of a packet already given */
	uint64_t other_component;	/* appearances elsewhere than the component asked */
	uint64_t drops;		/* 170 records given */
	/* OT_PKTMON_FIRST: packets no appearance of which was an IP frame;
	 * otherwise appearances that are no frame; by PacketType */
	uint64_t not_ip[OT_PKTMON_NTYPES + 1];
	uint64_t components;	/* components the trace named */
};

struct ot_pktmon;
struct ot_pktmon *ot_pktmon_new(void);
void ot_pktmon_free(struct ot_pktmon *p);
/* Which appearances become packets; component < 0: every component. */
void ot_pktmon_set_mode(struct ot_pktmon *p, enum ot_pktmon_mode mode, int component);
/* Is this record one the decoder takes (1001, 20, 160, 170)? */
int ot_pktmon_is(const struct ot_etl_record *r);
/*
 * Feed such a record: OT_PKTMON_PACKET or OT_PKTMON_DROP with pkt filled
 * (data and meta valid until the next call), else OT_PKTMON_NONE (a
 * fragment kept, a component named, an appearance not counted, a record
 * dropped: all counted).
 */
int ot_pktmon_record(struct ot_pktmon *p, const struct ot_etl_record *r,
		     struct ot_packet *pkt);
/* Take component names from a record (event 20), whatever else it is. */
void ot_pktmon_learn(struct ot_pktmon *p, const struct ot_etl_record *r);
/*
 * Called once, before the first PktMon packet record is decoded, so that
 * the caller can read the file's component events first (they come at its
 * end); fn may be NULL.
 */
void ot_pktmon_on_first(struct ot_pktmon *p, void (*fn)(void *ctx, struct ot_pktmon *p),
			void *ctx);
/* The name of a component, or NULL. */
const char *ot_pktmon_component(const struct ot_pktmon *p, uint16_t id);
/* The end of the input: packets still remembered are counted. */
void ot_pktmon_finish(struct ot_pktmon *p);
const struct ot_pktmon_stats *ot_pktmon_stats(const struct ot_pktmon *p);
/* Names of PKTMON_PACKET_TYPE and PKTMON_DIRECTION_TAG values, or NULL. */
const char *ot_pktmon_type_name(unsigned type);
const char *ot_pktmon_dir_name(unsigned dirtag);

#endif
