/*
 * pktmon.h - packets inside .etl files: Microsoft-Windows-NDIS-PacketCapture
 * (provider {2ED6006E-4729-4609-B423-3EE7BCD678EF}) event 1001
 * PacketFragment becomes a struct ot_packet directly, on the trace's own
 * clock (netsh trace / pktmon captures; no etl2pcapng step).  Facts:
 * ../shared/FORMATS.md section 4.1 (microsoft/etl2pcapng src/main.c;
 * the manifest in RavuAlHemio/etl2pcapng contrib/).
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

struct ot_pktmon_stats {
	uint64_t records;	/* 1001 records seen */
	uint64_t packets;	/* packets made */
	uint64_t malformed;	/* payload shorter than its FragmentSize */
	uint64_t dropped;	/* fragments without a start, or over the limit */
};

/* Fragment reassembly state: one per .etl input. */
struct ot_pktmon;
struct ot_pktmon *ot_pktmon_new(void);
void ot_pktmon_free(struct ot_pktmon *p);
/* Is this record an NDIS-PacketCapture 1001 event? */
int ot_pktmon_is(const struct ot_etl_record *r);
/*
 * Feed a 1001 record.  1: a whole packet is in pkt (its data valid until
 * the next call); 0: a fragment kept, or the record dropped (counted).
 */
int ot_pktmon_record(struct ot_pktmon *p, const struct ot_etl_record *r,
		     struct ot_packet *pkt);
const struct ot_pktmon_stats *ot_pktmon_stats(const struct ot_pktmon *p);

#endif
