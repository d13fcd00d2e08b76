/*
 * engine_int.h - the engine's private state: struct ot_engine and the
 * objects, operations, slots, tombstones and I/O it keeps, the helpers
 * its files share, and what each file offers the files above it.  Only
 * src/engine/engine*.c include it.
 *
 * The engine's files are layers: a file calls only files below it, so
 * there is no call loop between them (tools/check-layers.sh checks):
 *
 *	engine.c		the API: ot_engine_feed's dispatch, finish
 *	engine_ops.c		requests and completions (P, S, T rules)
 *	engine_io.c		I/O and indications (U, E rules)
 *	engine_ctx.c		context writes (C rules)
 *	engine_objects.c	lifetimes, fates, tombstones (L rules)
 *	engine_join.c		the join with packet captures (W rules)
 *	engine_core.c		the rule table, violations, adapters, slots
 *
 * engine_ops.c, engine_io.c and engine_ctx.c do not call each other.  The
 * small helpers of the per-event path are static inline here, so that the
 * split costs no call where one file used to inline them.
 */
#ifndef OT_ENGINE_INT_H
#define OT_ENGINE_INT_H

#include "offtrace/engine.h"

#include <stdint.h>

#include "offtrace/hmap.h"
#include "offtrace/util.h"

/* Evidence flags: what the trace has shown so far (doc/rules.md section 2). */
enum {
	F_REQ_OR_DONE, F_IM_OP, F_TID_PAIR, F_DONE, F_INIT_DONE, F_PARTIAL,
	F_WRITE, F_IM_WRITE, F_INIT_STATE, F_TERM_REQ, F_UPDATE_REQ,
	F_OTHER_OP, F_IO, F_OBJ_USE, F_TERM_DONE, F_INVAL_DONE, F_SEND,
	F_ABORT, F_SEND_DISC, F_RETRIEVE, F_NEIGHBOR_EV, F_E3, F_HALT_UA,
	F_IM_TERM_DONE, F_PACKETS, F_JOINABLE, F_JOINED, F_W_COVER, F_W_SYN,
	F_COUNT
};

struct io;
struct op;

struct adapter {
	const char *name;
	struct adapter *next;
	int draining;
	int64_t drain_ts;
	uint64_t drain_ev;
	uint64_t live_tcp;
	int over_cap;
};

struct obj {
	struct ot_object_rec r;
	struct obj *prev, *next;	/* objects not yet emitted, by id */
	struct obj *parent, *child, *sib_prev, *sib_next;
	struct io *io;			/* outstanding I/O */
	struct adapter *ad;
	struct op *init_op;		/* the creating initiate while open */
	int live;			/* in the live set */
	int lost, invalidated;
	uint32_t open_updates, open_others;
	uint32_t out_send, out_recv, out_disc;
	uint64_t term_op_id;		/* last terminate op naming it */
	int written_inside;
	uint64_t write_ev;
	int c1_pending;
	int64_t c1_ts;
	uint64_t c1_ev, c1_op;
	int ret_pending;
	int64_t ret_ts;
	uint64_t ret_ev;
	int e3;				/* 0 none, 1 want retrieve, 2 want abort, 3 want terminate */
	int64_t e3_ts;
	uint64_t e3_ev;
	/* the join with packet captures (doc/rules.md 5) */
	int in_tmap;			/* on the tuple map's chain */
	struct ot_flow_key tkey;
	struct obj *tnext;
	struct ot_flow *flow;		/* joined flow while the tracker has it */
	unsigned fj;			/* its index in flow->join */
	int had_flow;
	uint64_t offload_ev;		/* the initiate completion's event */
	uint64_t w2_frames, w2_bytes;	/* packets inside the offload window */
	int64_t w2_first;
	int w1_queued, w1_leaked;
	int64_t w1_close, w1_deadline;
	struct obj *w1prev, *w1next;
};

struct blk {
	struct ot_block_rec r;
	int32_t parent_idx;		/* -1: none in this op */
	int counted;			/* counted in the object's open ops */
	int64_t t_write;		/* first non-NULL write to its slot while open */
	uint64_t write_ev;
};

struct pwrite {
	uint64_t block;
	int64_t t;
};

enum { PAIR_NONE, PAIR_OPEN, PAIR_DONE, PAIR_HUNG };

struct op {
	struct ot_op_rec r;
	struct op *prev, *next;
	struct blk *b;
	size_t nb, cap, ndone;
	uint64_t ka, kb;
	int has_tid;
	int32_t tid;
	int phase_done;			/* end-of-request checks done */
	int top_family;
	struct op *pair;		/* paired im/target op while both open */
	int pair_state;
	uint64_t pair_id;
	int64_t pair_t_complete;
	struct pwrite *pw;		/* target block writes, copied at close */
	size_t npw;
};

struct slotrec {
	uint64_t slot;
	uint64_t value;
	struct obj *cur;
	uint32_t epoch;
	struct op *open_op;
	int32_t open_blk;
	uint64_t last_op_id;
	int l3_pending;
	uint64_t l3_obj, l3_ev, l3_root;
	int64_t l3_ts;
};

struct tomb {
	int used;
	int terminated;
	uint64_t id, slot, handle, value;
	uint64_t slot_value;		/* the slot's tracked value when its record went */
	uint64_t slot_last_op;		/* and the last operation that named it */
	uint32_t epoch;
	enum ot_state state;
	int64_t ts;
};

struct io {
	uint64_t nbl;
	enum ot_ev kind;
	int64_t ts;
	uint64_t ev;
	struct obj *obj;
	struct io *oprev, *onext;
	int aborted;
	int obj_terminated;
	uint64_t obj_id;
};

struct ot_engine {
	struct ot_sink sink;
	void *ctx;
	struct ot_engine_opts opts;
	int failed;
	uint64_t next_obj, next_op, next_write;
	struct hmap ops, epochs, blks, imops, slots, handles, values, objs;
	struct hmap ios, tids, adapters, tslot, thandle, tvalue;
	struct obj *ohead, *otail;
	struct op *phead, *ptail;
	struct adapter *ahead, *atail;
	struct tomb *tombs;
	size_t tpos;
	uint64_t (*ekeys)[2];
	size_t epos;
	uint64_t count[OT_R_COUNT];
	unsigned char f[F_COUNT];
	struct ot_engine_stats st;
	struct ot_block_rec *scratch;
	size_t scratch_cap;
	int64_t now;
	/* packet captures */
	struct ot_flows *flows;
	struct hmap tmap;		/* flow key -> live tcp objects with a tuple */
	struct obj *w1head, *w1tail;	/* W1 deadlines, by deadline */
	uint64_t next_flow;
	int64_t last_pkt;		/* time of the last packet merged */
	int64_t w_first_offload;	/* earliest offload of a joined judged object */
	uint64_t next_drop;
};

/* ---- small helpers ---- */

static inline int
is_ok(uint32_t st)
{
	return st == OT_ST_SUCCESS || st == OT_ST_PARTIAL_SUCCESS;
}

static inline int
family(enum ot_state s)
{
	switch (s) {
	case OT_STATE_NEIGHBOR: return 1;
	case OT_STATE_IP4: case OT_STATE_IP6: return 2;
	case OT_STATE_TCP: return 3;
	default: return 0;
	}
}

static inline const char *
stname(enum ot_state s)
{
	const char *n = ot_state_name(s);

	return n[0] ? n : "untyped";
}

static inline uint32_t
ev_status(const struct ot_event *ev)
{
	return (ev->has & OT_HAS_STATUS) ? ev->status : OT_ST_SUCCESS;
}

static inline void
emit_check(struct ot_engine *e, int rc)
{
	if (rc < 0)
		e->failed = 1;
}

static inline const char *
dur(int64_t ns, char *buf)
{
	return ot_fmt_dur(ns < 0 ? 0 : ns, buf, 32);
}

static inline unsigned long long
ull(uint64_t v)
{
	return (unsigned long long)v;
}

/* ---- slots, tombstones and objects ---- */

static inline struct tomb *
tomb_by(struct ot_engine *e, struct hmap *m, uint64_t key)
{
	if (!key || !e->tombs)
		return NULL;
	return hm_get(m, key, 0);
}

static inline int
names_object(const struct ot_event *ev)
{
	return ((ev->has & OT_HAS_SLOT) && ev->slot) ||
	       ((ev->has & OT_HAS_HANDLE) && ev->handle) ||
	       ((ev->has & OT_HAS_VALUE) && ev->value);
}

static inline void
touch(struct obj *o, const struct ot_event *ev)
{
	o->r.t_last = ev->ts;
	o->r.last_event = ev->id;
}

static inline struct obj *
obj_by_id(struct ot_engine *e, uint64_t id)
{
	return id ? hm_get(&e->objs, id, 0) : NULL;
}

/* ---- operations ---- */

static inline struct blk *
op_block(struct ot_engine *e, struct op *op, uint64_t block)
{
	uintptr_t i = (uintptr_t)hm_get(&e->blks, block, op->r.id);

	return i ? &op->b[i - 1] : NULL;
}

/* ---- P3 bookkeeping: per tid, the op whose request may complete in frame ---- */

static inline void
p3_touch(struct ot_engine *e, const struct ot_event *ev, uint64_t opid,
	 int new_root)
{
	uint64_t key;
	uintptr_t cand;

	if (!(ev->has & OT_HAS_TID))
		return;
	key = (uint64_t)(uint32_t)ev->tid + 1;
	if (new_root) {
		hm_put(&e->tids, key, 0, (void *)(uintptr_t)opid);
		return;
	}
	cand = (uintptr_t)hm_get(&e->tids, key, 0);
	if (cand && cand != opid)
		hm_del(&e->tids, key, 0);
}

/* ---- packet captures ---- */

/* W1-W3 judge target and host objects; an im object sees the same
 * connection as the target below it, so it is joined but not judged. */
static inline int
w_judged(const struct obj *o)
{
	return o->r.layer != OT_LAYER_IM;
}

/* ---- engine_core.c: the rule table, violations, adapters, slots ---- */

const char *eng_stat_str(uint32_t st, char *buf, size_t len);
void eng_viol(struct ot_engine *e, enum ot_rule r, int sev, int64_t ts,
	      uint64_t slot, uint64_t root, uint64_t obj, uint64_t op,
	      const uint64_t *evs, size_t nev, const char *fmt, ...)
	OT_PRINTF(11, 12);

#define EVS(...) ((const uint64_t[]){ __VA_ARGS__ }), \
	(sizeof((const uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t))

struct adapter *eng_adapter_get(struct ot_engine *e, const char *name);
struct slotrec *eng_slot_get(struct ot_engine *e, uint64_t slot, int create);
void eng_slot_gc(struct ot_engine *e, struct slotrec *s);
struct obj *eng_find_live(struct ot_engine *e, const struct ot_event *ev);
struct tomb *eng_find_tomb(struct ot_engine *e, const struct ot_event *ev);

/* ---- engine_join.c: flows joined to tcp objects (W rules) ---- */

void eng_tmap_del(struct ot_engine *e, struct obj *o);
void eng_w1_unlink(struct ot_engine *e, struct obj *o);
void eng_w1_expire(struct ot_engine *e, int64_t now);
void eng_w2_settle(struct ot_engine *e, struct obj *o);
void eng_join_object(struct ot_engine *e, struct obj *o,
		     const struct ot_event *ev);
void eng_join_packet(struct ot_engine *e, const struct ot_packet *pkt);
void eng_join_leave(struct ot_engine *e, const struct obj *o);
void eng_join_finish(struct ot_engine *e);
void eng_join_drop(struct ot_engine *e, const struct ot_packet *pkt, uint32_t input);

/* ---- engine_objects.c: lifetimes, fates, tombstones (L rules) ---- */

void eng_set_live(struct ot_engine *e, struct obj *o, int live,
		  const struct ot_event *ev);
void eng_child_link(struct obj *p, struct obj *c);
void eng_io_unlink(struct io *io);
void eng_settle(struct ot_engine *e, struct obj *o, int64_t ts);
void eng_obj_kill(struct ot_engine *e, struct obj *o, enum ot_fate fate);
void eng_leak_adapter(struct ot_engine *e, struct adapter *a,
		      enum ot_leak_reason why, int64_t ts, uint64_t evid);
void eng_end_drain(struct ot_engine *e, struct adapter *a, int64_t ts);
void eng_l3_finish(struct ot_engine *e);
void eng_objects_finish(struct ot_engine *e, int64_t end_ts);

/* ---- engine_ops.c: requests and completions (P, S, T rules) ---- */

void eng_op_close(struct ot_engine *e, struct op *op, int hang, int64_t when);
void eng_on_request(struct ot_engine *e, const struct ot_event *ev);
void eng_on_done(struct ot_engine *e, const struct ot_event *ev);

/* ---- engine_ctx.c: context writes (C rules) ---- */

void eng_on_write(struct ot_engine *e, const struct ot_event *ev);

/* ---- engine_io.c: I/O and indications (U, E rules) ---- */

void eng_on_io_request(struct ot_engine *e, const struct ot_event *ev);
void eng_on_io_done(struct ot_engine *e, const struct ot_event *ev);
void eng_on_recv_indicate(struct ot_engine *e, const struct ot_event *ev);
void eng_on_tcp_event(struct ot_engine *e, const struct ot_event *ev);
void eng_on_neighbor_event(struct ot_engine *e, const struct ot_event *ev);
void eng_on_status(struct ot_engine *e, const struct ot_event *ev);
void eng_on_halt(struct ot_engine *e, const struct ot_event *ev);

#endif
