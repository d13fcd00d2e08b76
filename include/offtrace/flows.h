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
#define OT_FLOW_MAX_JOIN	4	/* state objects joined to one flow (engine) */

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

/*
 * A TCP state object joined to the flow (filled by the engine, not by the
 * tracker): its id and the W1-W3 facts of doc/rules.md section 5.
 */
struct ot_flow_join {
	uint64_t object_id;
	int layer;			/* enum ot_layer */
	int64_t syn_to_offload;		/* W3: initiate done - SYN, -1 when none */
	uint64_t inside_frames;		/* W2: frames inside the offload window */
	uint64_t inside_bytes;
	int wire_close_leak;		/* W1 found for this object */
};

struct ot_flow {
	/* the tracker's links and what it reads on every packet first: a
	 * flow is a few cache lines, and a packet should touch few of them */
	struct ot_flow *hnext, *prev, *next;
	uint64_t h1, h2;		/* the key's hash */
	int closed;
	int state;			/* enum ot_flow_state, at the last packet */
	int family;			/* 4 or 6 */
	uint16_t a_port, b_port;
	uint8_t a_addr[16], b_addr[16];
	int64_t first_ns, last_ns;
	int64_t syn_ns, synack_ns, rst_ns;	/* -1 when none */
	struct ot_flow_dir d[2];
	int64_t close_ns;		/* RST, or the FIN that closed both ways; -1 */
	uint64_t fragments;		/* IP fragments counted in the flow */
	uint64_t index;			/* creation order */
	uint64_t id;			/* the engine's flow id, 0 until it sets one */
	struct ot_flow_join join[OT_FLOW_MAX_JOIN];
	unsigned njoin;
	int close_seen;			/* the engine saw the close */
};

/*
 * The normalized key of a connection (lower endpoint first), its hash, and
 * the same for the two endpoints of a struct ot_flow: a flow and an
 * object's tuple meet in a hash map through these.
 */
struct ot_flow_key {
	int family;
	uint8_t lo[16], hi[16];
	uint16_t lo_port, hi_port;
};
void ot_flow_key_make(struct ot_flow_key *k, int family, const uint8_t *a,
		      uint16_t ap, const uint8_t *b, uint16_t bp);
void ot_flow_key_hash(const struct ot_flow_key *k, uint64_t *h1, uint64_t *h2);

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
/*
 * A packet made ready for the tracker: decoded, and for a TCP segment its
 * key and hash.  ot_flow_prep() keeps no state, so it can run on another
 * thread than the tracker (cmd_flows.c reads and prepares on one thread
 * and tracks on the other).
 */
struct ot_flow_pkt {
	struct ot_decoded d;
	int64_t ts;
	uint32_t len, linktype;
	struct ot_flow_key k;		/* when d.tcp */
	uint64_t h1, h2;
};
void ot_flow_prep(struct ot_flow_pkt *fp, const struct ot_packet *pkt);
/* ot_flows_packet() of a prepared packet. */
struct ot_flow *ot_flows_add(struct ot_flows *t, const struct ot_flow_pkt *fp);
/*
 * Hints for a packet that will be added soon: stage 0 asks the memory for
 * its hash bucket, stage 1 (some packets later) for the flow the bucket
 * points at.  A flow lookup in a table of a few hundred thousand live
 * flows is otherwise a cache miss or two per packet.
 */
void ot_flows_prefetch(const struct ot_flows *t, const struct ot_flow_pkt *fp, int stage);
/*
 * Feed one packet (in time order for the linger to be exact).  Returns the
 * flow it belongs to (valid until the next call), NULL when it is not a
 * TCP segment of a flow.  A first IP fragment carries the ports and is
 * counted in its flow; later fragments of the same datagram are counted
 * there too while the datagram's first fragment is remembered (a small
 * cache), else only in the stats.
 */
struct ot_flow *ot_flows_packet(struct ot_flows *t, const struct ot_packet *pkt);
/*
 * The most recently created live flow that nobody joined yet (njoin 0),
 * whose SYN is at or before ts and at most max_age before it; NULL if
 * none.  For host objects without a tuple (join by time).
 */
struct ot_flow *ot_flows_latest_unjoined(struct ot_flows *t, int64_t ts,
					 int64_t max_age);
/* The live flow with this key, or NULL. */
struct ot_flow *ot_flows_find(struct ot_flows *t, const struct ot_flow_key *k);
/* Hand over every live flow, in creation order. */
void ot_flows_finish(struct ot_flows *t);
const struct ot_flow_stats *ot_flows_stats(const struct ot_flows *t);
void ot_flows_free(struct ot_flows *t);

#endif
