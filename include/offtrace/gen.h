/*
 * gen.h - synthetic traces: each scenario writes normalized events (JSON
 * lines) and a ground-truth JSON of what the analysis must find, derived
 * from how the scenario was built, never from running the engine.
 */
#ifndef OT_GEN_H
#define OT_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "offtrace/util.h"

struct ot_gen_scenario {
	const char *name;
	const char *summary;	/* one line */
};
extern const struct ot_gen_scenario ot_gen_scenarios[];
extern const unsigned ot_gen_nscenarios;

struct ot_gen_opts {
	uint64_t seed;		/* default 1 */
	uint64_t objects;	/* scale: number of TCP objects; others ignore it */
	FILE *pcap;		/* when not NULL: a matching capture, classic pcap */
	FILE *pcapng;		/* when not NULL: the same capture as pcapng */
	int64_t pcap_skew;	/* added to the capture's times (a foreign clock) */
	/* when not NULL (seekable): the same packets as the .etl records of
	 * Windows' packet loggers, on the trace's own clock (no pcap_skew):
	 * PktMon (pktmon start --capture) and NDIS-PacketCapture (netsh trace) */
	FILE *pktmon;
	FILE *netsh;
};

/*
 * Write the scenario's events to ev and its ground truth to truth (may be
 * NULL).  With a capture (o->pcap or o->pcapng), every TCP connection of
 * the scenario gets its packets, as a host-side capture sees them: the
 * handshake before the initiate, nothing while offloaded (except where the
 * scenario says otherwise), the close after the upload; the truth then
 * holds the capture's findings (doc/rules.md section 5) computed from
 * where the packets were put, with times before any pcap_skew.
 */
int ot_gen_write(const char *scenario, const struct ot_gen_opts *o, FILE *ev,
		 FILE *truth, struct ot_err *err);

/*
 * Capture writers (src/gen/pcapw.c): TCP segments over Ethernet, as
 * classic pcap (ns) or pcapng (one interface, ns, epb_flags).
 */
struct ot_pcapw;
struct ot_pcapw_seg {
	int64_t ts;			/* ns since 1970 */
	int family;			/* 4 or 6 */
	const uint8_t *src, *dst;	/* 4 or 16 bytes */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;			/* TCP flags byte */
	uint32_t payload;		/* bytes of payload (at most 1400) */
	int outbound;			/* epb_flags 2, else 1 */
};
struct ot_pcapw *ot_pcapw_new(FILE *f, int ng);
int ot_pcapw_tcp(struct ot_pcapw *w, const struct ot_pcapw_seg *s);
/* The Ethernet frame of a segment into f (OT_PCAPW_MAX_FRAME bytes): its
 * length.  ot_pcapw_tcp() writes this frame, IPv4 id the packet's number. */
#define OT_PCAPW_MAX_FRAME (14 + 40 + 60 + 65535)
size_t ot_pcapw_frame(uint8_t *f, const struct ot_pcapw_seg *s, uint16_t ip_id);
uint64_t ot_pcapw_packets(const struct ot_pcapw *w);
/* Flush and free: 0, or -1 when a write failed. */
int ot_pcapw_close(struct ot_pcapw *w);

#endif
