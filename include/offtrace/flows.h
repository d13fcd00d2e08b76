/*
 * flows.h - TCP flow tracking over decoded packets (issue 5): one flow per
 * connection, the 4-tuple normalized so that side a is the one that sent
 * the first SYN (else the first packet seen).  Memory is bounded by live
 * flows: a flow closed on the wire (RST, or FIN both ways) is handed to the
 * caller once OT_FLOW_LINGER_NS of capture time passed without a packet on
 * it, and a SYN with a new ISN on a closed tuple starts a new flow.
 */
#ifndef OT_FLOWS_H
#define OT_FLOWS_H

#include <stdint.h>

#include "offtrace/pcap.h"

#define OT_FLOW_LINGER_NS	(INT64_C(120) * 1000000000)	/* 2 MSL */
#define OT_FLOW_OOO_NS		(INT64_C(3) * 1000000)	/* gap filled sooner: out of order */

enum ot_flow_state {
	OT_FLOW_SYN_SENT, OT_FLOW_SYN_RECEIVED, OT_FLOW_ESTABLISHED,
	OT_FLOW_MIDSTREAM, OT_FLOW_FIN_WAIT, OT_FLOW_CLOSED, OT_FLOW_RESET
};

/* Per direction: 0 is a to b, 1 is b to a. */
struct ot_flow_dir {
	uint64_t frames, bytes;		/* bytes: frame lengths on the wire */
	uint64_t payload;		/* TCP payload bytes */
	uint64_t retrans, ooo;
	int64_t fin_ns;			/* first FIN, -1 when none */
	int have_seq;
	uint32_t next_seq;		/* highest seq + len seen */
	uint32_t isn;			/* of the SYN */
	int have_isn;
	uint32_t gap_lo, gap_hi;	/* last hole skipped over */
	int64_t gap_ns;
};

struct ot_flow {
	int family;			/* 4 or 6 */
	uint8_t a_addr[16], b_addr[16];
	uint16_t a_port, b_port;
	int64_t first_ns, last_ns;
	int64_t syn_ns, synack_ns, rst_ns;	/* -1 when none */
	struct ot_flow_dir d[2];
	int state;			/* enum ot_flow_state, at the last packet */
	uint64_t index;			/* creation order */
	/* the tracker's links */
	struct ot_flow *hnext, *prev, *next;
	int closed;
};

/* Earliest FIN of either side, or -1. */
int64_t ot_flow_fin_ns(const struct ot_flow *f);
const char *ot_flow_state_name(int state);

struct ot_flow_stats {
	uint64_t packets, tcp, other_ip, not_ip, fragments, truncated, bad;
	uint64_t skipped_link;		/* packets of link types not decoded */
	uint32_t first_skipped_link;
	uint64_t flows, live, max_live;
};

/* Called with every finished flow; f is valid only during the call. */
typedef void (*ot_flow_fn)(void *ctx, const struct ot_flow *f);

struct ot_flows;
struct ot_flows *ot_flows_new(ot_flow_fn fn, void *ctx);
/* Feed one packet (in time order for the linger to be exact). */
void ot_flows_packet(struct ot_flows *t, const struct ot_packet *pkt);
/* Hand over every live flow, in creation order. */
void ot_flows_finish(struct ot_flows *t);
const struct ot_flow_stats *ot_flows_stats(const struct ot_flows *t);
void ot_flows_free(struct ot_flows *t);

#endif
