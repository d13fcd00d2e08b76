/*
 * engine.h - the lifetime engine: normalized events in time order in,
 * objects, operations, context writes, violations and leaks out through a
 * sink.  Pure C, no I/O.  The exact semantics of every rule are written in
 * doc/rules.md; this header is the API.
 *
 * Memory is proportional to live objects and open operations: closed
 * operations and dead objects are handed to the sink and freed (a bounded
 * ring of recently terminated objects is kept for use-after-terminate
 * checks, OT_TOMBSTONES entries).  Packets of captures (ot_engine_packet)
 * feed a flow tracker (flows.h) whose flows are joined to tcp objects and
 * handed to the sink as they close: rules W1-W3 (doc/rules.md section 5).
 */
#ifndef OT_ENGINE_H
#define OT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "offtrace/event.h"
#include "offtrace/flows.h"
#include "offtrace/pcap.h"

#define OT_TOMBSTONES 65536
#define OT_MAX_EVIDENCE 8	/* event ids kept per violation */

enum ot_severity { OT_SEV_ERROR, OT_SEV_WARNING };

/* Rule ids, in report order. */
enum ot_rule {
	OT_R_P1, OT_R_P2, OT_R_P3,
	OT_R_S1, OT_R_S2, OT_R_S3,
	OT_R_C1, OT_R_C2, OT_R_C3, OT_R_C4,
	OT_R_T1, OT_R_T2, OT_R_T3, OT_R_T4, OT_R_T5,
	OT_R_U1, OT_R_U2, OT_R_U3, OT_R_U4,
	OT_R_E1, OT_R_E2, OT_R_E3,
	OT_R_L1, OT_R_L2, OT_R_L3, OT_R_L4,
	OT_R_W1, OT_R_W2, OT_R_W3,	/* packet captures joined (doc/rules.md 5) */
	OT_R_COUNT
};

struct ot_rule_info {
	const char *id;		/* "P1" */
	enum ot_severity severity;	/* default severity */
	const char *title;	/* one line, lowercase */
};
extern const struct ot_rule_info ot_rules[OT_R_COUNT];
/* Rule by id ("c1" or "C1"), -1 when unknown. */
int ot_rule_from_id(const char *id);

/* Block role (DOMAIN.md 2.3). */
enum ot_role { OT_ROLE_PLACEHOLDER, OT_ROLE_LINKER, OT_ROLE_NEW };

/* Fate of an object when it is handed to the sink. */
enum ot_fate {
	OT_FATE_PENDING,	/* initiate never completed */
	OT_FATE_FAILED,		/* initiate completed with a failure status */
	OT_FATE_TERMINATED,	/* terminate completed with success */
	OT_FATE_LOST,		/* terminate completed with FAILURE, never terminated after */
	OT_FATE_LIVE,		/* still offloaded at end of trace */
	OT_FATE_LEAKED,		/* live at halt or at the end of an upload-all drain */
	OT_FATE_COUNT
};
extern const char *const ot_fate_names[OT_FATE_COUNT];

enum ot_leak_reason {
	OT_LEAK_LIVE_AT_END, OT_LEAK_HALT, OT_LEAK_UPLOAD_ALL,
	OT_LEAK_WIRE_CLOSE,	/* W1: connection closed on the wire, never terminated */
	OT_LEAK_COUNT
};
extern const char *const ot_leak_reason_names[OT_LEAK_COUNT];

/* Position of a context write relative to the operation that owns it. */
enum ot_wpos {
	OT_WPOS_NONE,		/* no operation on the slot */
	OT_WPOS_INSIDE,		/* between request and completion */
	OT_WPOS_AFTER,		/* after the owning operation completed */
	OT_WPOS_BEFORE		/* before any request for the slot's new epoch */
};
extern const char *const ot_wpos_names[4];

#define OT_T_NONE INT64_MIN	/* a time that did not happen */

struct ot_object_rec {
	uint64_t id;		/* engine-assigned, 1-based, unique in the trace */
	uint64_t slot;
	uint32_t epoch;		/* 1 for the first object on this slot */
	const char *adapter;
	enum ot_layer layer;
	enum ot_state state;
	uint64_t handle;	/* NdisOffloadHandle, 0 if unknown */
	uint64_t value;		/* published PVOID, 0 if never written */
	uint64_t parent_id;	/* parent object, 0 if none or unknown */
	struct ot_tuple tuple;	/* tcp objects; empty strings when unknown */
	int has_tuple;
	int64_t t_request;	/* initiate request */
	int64_t t_published;	/* first NULL->X write, or OT_T_NONE */
	int64_t t_offloaded;	/* initiate completion with success, or OT_T_NONE */
	int64_t t_terminate_req;	/* last terminate request, or OT_T_NONE */
	int64_t t_terminated;	/* terminate completion with success, or OT_T_NONE */
	int64_t t_last;		/* last event that touched the object */
	uint32_t initiate_status;	/* valid when t_offloaded or fate FAILED */
	int has_initiate_status;
	uint32_t terminate_status;
	int has_terminate_status;
	uint64_t initiate_op;	/* op id of the creating initiate */
	enum ot_fate fate;
	uint64_t first_event, last_event;
};

struct ot_block_rec {
	uint64_t block;
	uint64_t parent;	/* 0 at the root level */
	enum ot_state state;
	enum ot_role role;
	uint64_t slot;
	uint64_t value;		/* slot value at request */
	uint64_t handle;
	uint64_t object_id;	/* 0 if none */
	int64_t t_request;
	int64_t t_complete;	/* OT_T_NONE while open */
	uint32_t status;
	int has_status;
	uint64_t request_event, done_event;
};

struct ot_op_rec {
	uint64_t id;		/* engine-assigned, 1-based */
	const char *adapter;
	enum ot_layer layer;
	enum ot_kind kind;
	uint64_t root;
	uint32_t epoch;		/* per (adapter, layer, kind, root) */
	int64_t t_request;	/* first request event */
	int64_t t_complete;	/* when the last block completed; OT_T_NONE if never */
	int sync;		/* completed inside the request's call frame (P3) */
	size_t nblocks;
	const struct ot_block_rec *blocks;	/* borrowed for the callback */
	uint64_t first_event, last_event;
};

struct ot_write_rec {
	uint64_t id;
	uint64_t event_id;
	int64_t ts;
	const char *adapter;
	enum ot_layer layer;	/* the layer that logged the write */
	int32_t tid;		/* -1 unknown */
	uint64_t slot, old_value, new_value;
	uint64_t op_id;		/* owning operation, 0 if none */
	uint64_t object_id;	/* 0 if none */
	enum ot_wpos pos;
};

struct ot_violation_rec {
	enum ot_rule rule;
	enum ot_severity severity;
	char message[256];
	int64_t ts;
	uint64_t slot;		/* 0 if none */
	uint64_t root;		/* 0 if none */
	uint64_t object_id, op_id;	/* 0 if none */
	size_t nevents;
	uint64_t events[OT_MAX_EVIDENCE];
};

struct ot_leak_rec {
	uint64_t object_id;
	uint64_t slot;
	enum ot_state state;
	const char *adapter;
	enum ot_layer layer;
	int64_t since;		/* when it became offloaded (or published) */
	int64_t ts;		/* when the leak was established */
	int64_t last_activity;
	enum ot_leak_reason reason;
};

/* Per-rule outcome, given once per rule by ot_engine_finish(). */
struct ot_rule_rec {
	enum ot_rule rule;
	int checked;
	uint64_t count;		/* violations reported (0 when not checked) */
	const char *why_not;	/* reason when not checked, else NULL */
};

/*
 * A packet a component dropped (pktmon event 170): where and why, its
 * addresses when the frame is IP, its connection when it is TCP, and the TCP objects of
 * that connection offloaded at the time (evidence in their history).
 */
#define OT_DROP_NAME 160	/* bytes of a component's name kept */
struct ot_drop_rec {
	uint64_t id;		/* 1-based, in order */
	uint32_t input;
	int64_t ts;
	uint32_t component;
	char component_name[OT_DROP_NAME];	/* "" when the trace names none */
	const char *dir;	/* the direction tag's name (static), or NULL */
	uint32_t reason, location;
	const char *reason_name;	/* static, or NULL */
	int family;		/* 4 or 6; 0 when the frame is not IP */
	uint8_t proto;
	uint8_t src[16], dst[16];
	int has_ports;
	uint16_t sport, dport;
	uint64_t flow_id;	/* its TCP connection's flow, 0 when none */
	size_t nobjects;
	uint64_t objects[OT_FLOW_MAX_JOIN];
};

/*
 * The sink: each callback returns 0, or -1 to stop the engine (the engine
 * then returns -1 from feed/finish).  Records and their strings are
 * borrowed for the duration of the call.
 */
struct ot_sink {
	int (*object)(void *ctx, const struct ot_object_rec *o);
	int (*op)(void *ctx, const struct ot_op_rec *op);
	int (*write)(void *ctx, const struct ot_write_rec *w);
	int (*violation)(void *ctx, const struct ot_violation_rec *v);
	int (*leak)(void *ctx, const struct ot_leak_rec *l);
	int (*rule)(void *ctx, const struct ot_rule_rec *r);
	/* a TCP flow of the packet captures, with its joined objects
	 * (f->id is the engine's, 1-based in creation order) */
	int (*flow)(void *ctx, const struct ot_flow *f);
	/* a dropped packet (may be NULL: drops are then only counted) */
	int (*drop)(void *ctx, const struct ot_drop_rec *d);
};

#define OT_GRACE_DEFAULT (INT64_C(2) * 1000000000)	/* W1 --grace */
#define OT_JOIN_HOST_NS (INT64_C(1) * 1000000000)	/* host join by time */

struct ot_engine_opts {
	uint64_t tcp_capacity;	/* L4 capacity, 0 = unknown (not checked) */
	int64_t grace_ns;	/* W1: terminate due this long after a wire close */
};

struct ot_engine_stats {
	uint64_t events;
	uint64_t live_objects, open_ops;	/* now */
	uint64_t peak_live_objects, peak_open_ops;
	uint64_t unresolved;	/* events naming an object that matched none */
	uint64_t violations;	/* emitted so far, all rules */
	uint64_t slot_records;	/* context slots remembered now (bounded) */
	uint64_t packets, flows, joined_flows;	/* packet captures */
	uint64_t drops, drops_offloaded;	/* dropped packets; of offloaded connections */
	uint64_t peak_live_flows;
	struct ot_flow_stats capture;	/* the flow tracker's counters */
};

struct ot_engine;

/*
 * Violations are emitted as they are found, before it is known whether
 * their rule will be checked; ot_engine_finish() then reports each rule
 * once, and a rule reported not checked (count 0) has its violations
 * withdrawn by the sink (the store deletes them).  Records are emitted in
 * a deterministic order: as events arrive, and at finish in id order.
 */
struct ot_engine *ot_engine_new(const struct ot_sink *sink, void *ctx,
				const struct ot_engine_opts *opts);
/* Events must come in non-decreasing ts; ties in input order. */
int ot_engine_feed(struct ot_engine *e, const struct ot_event *ev);
/*
 * One captured packet, merged with the events in time order (its ts
 * already shifted by any --pcap-offset).  It feeds the flow tracker, the
 * join of flows to TCP objects and rules W1-W3.
 */
int ot_engine_packet(struct ot_engine *e, const struct ot_packet *pkt);
/*
 * A packet a component dropped (pkt->meta says where and why), from
 * input: not a packet of the flows, but evidence for the offloaded TCP
 * objects of its connection.
 */
int ot_engine_drop(struct ot_engine *e, const struct ot_packet *pkt, uint32_t input);
/* End of trace at end_ts (>= last event ts): hangs, live objects, rule outcomes. */
int ot_engine_finish(struct ot_engine *e, int64_t end_ts);
void ot_engine_stats(const struct ot_engine *e, struct ot_engine_stats *st);
void ot_engine_free(struct ot_engine *e);

#endif
