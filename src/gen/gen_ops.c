/*
 * gen_ops.c - the steps scenarios are written in: whole operations at the
 * target (an offload, a terminate, sends) or their parts (requests,
 * context writes, completions), indications, and the usual tree of
 * objects.  Each writes its events through gen_core.c and records the
 * truth they imply.
 */
#include "gen_int.h"

#include <string.h>

static int
in_list(struct node **v, unsigned n, const struct node *x)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

/*
 * Write the request events of an operation over nodes v[0..n) (depth-first
 * order), one per block.  Initiate blocks use the nodes' st/linker/wmode;
 * the block pointers are allocated here unless shared_blocks (an IM stack
 * converts the same block list in place).
 */
void
gen_op_request(struct gen *g, struct op *op, enum ot_kind kind,
	       const char *adapter, const char *layer, struct node **v,
	       unsigned n, int shared_blocks)
{
	static const char *const rq[] = { "initiate", "terminate", "update",
					  "invalidate", "query" };
	struct gev e;
	unsigned i;
	/* before the first event, the capture has 2 ms of its own */
	int64_t before = g->nev ? g->last_ts : g->t - 2000000;

	op->kind = kind;
	op->adapter = adapter;
	op->layer = layer;
	op->n = n;
	op->t0 = g->t;
	for (i = 0; i < n; i++) {
		op->v[i] = v[i];
		if (!shared_blocks)
			v[i]->block = gen_newblock(g);
	}
	op->root = v[0]->block;
	for (i = 0; i < n; i++) {
		struct node *x = v[i];

		gen_base_ev(&e, g, rq[kind], adapter, layer, 1);
		e.has = OT_HAS_ROOT | OT_HAS_BLOCK | OT_HAS_STATE | OT_HAS_SLOT |
			OT_HAS_HANDLE;
		e.root = op->root;
		e.block = x->block;
		e.state = x->state;
		e.slot = x->slot;
		e.handle = x->handle;
		if (x->parent && in_list(v, n, x->parent)) {
			e.has |= OT_HAS_PARENT;
			e.parent = x->parent->block;
		}
		if (kind == OT_KIND_INITIATE && x->linker) {
			e.has |= OT_HAS_VALUE;
			e.value = x->ptr;
		}
		if (!strcmp(x->state, "tcp") &&
		    (kind == OT_KIND_INITIATE || kind == OT_KIND_TERMINATE)) {
			e.has |= OT_HAS_TUPLE;
			e.tup = x->tup;
		}
		if (kind == OT_KIND_INITIATE && !x->linker) {
			g->sum.objects++;
			x->fate = F_PENDING;
			x->t_before = before;
			x->t_init = g->t;
		}
		if (kind == OT_KIND_TERMINATE && x->t_term_req == T_NONE)
			x->t_term_req = g->t;
		gen_emit(g, &e);
		g->t += TICK;
	}
}

void
gen_ctx_write(struct gen *g, const char *adapter, const char *layer,
	      uint64_t slot, uint64_t value)
{
	struct gev e;

	gen_base_ev(&e, g, "ctx_write", adapter, layer, 0);
	e.has = OT_HAS_SLOT | OT_HAS_VALUE;
	e.slot = slot;
	e.value = value;
	gen_emit(g, &e);
}

/* The target's context writes for the new-offload blocks of an initiate. */
void
gen_op_writes(struct gen *g, struct op *op)
{
	unsigned i;

	for (i = 0; i < op->n; i++) {
		struct node *x = op->v[i];

		if (x->linker)
			continue;
		if ((x->wmode == W_AUTO && is_success(x->st)) ||
		    x->wmode == W_FAIL) {
			gen_adv(g, 3, 40);
			gen_ctx_write(g, op->adapter, op->layer, x->slot,
				      x->ptr);
		}
	}
}

/* Completion events, one per block, with the truth they imply. */
void
gen_op_complete(struct gen *g, struct op *op)
{
	static const char *const dn[] = { "initiate_done", "terminate_done",
					  "update_done", "invalidate_done",
					  "query_done" };
	struct gev e;
	unsigned i;
	int64_t tlast = g->t;

	for (i = 0; i < op->n; i++) {
		struct node *x = op->v[i];
		uint32_t st = op->kind == OT_KIND_INITIATE ? x->st : x->tst;
		int k;

		for (k = 0; k < (x->dup ? 2 : 1); k++) {
			gen_base_ev(&e, g, dn[op->kind], op->adapter,
				    op->layer, 0);
			e.has = OT_HAS_ROOT | OT_HAS_BLOCK | OT_HAS_STATUS;
			e.root = op->root;
			e.block = x->block;
			e.status = st;
			gen_emit(g, &e);
			tlast = g->t;
			g->t += TICK;
		}
		if (op->kind == OT_KIND_INITIATE && !x->linker) {
			x->t_done = tlast;
			x->init_ok = is_success(st);
			if (is_success(st)) {
				g->sum.offloaded++;
				x->fate = F_LIVE;
			} else {
				g->sum.failed++;
				x->fate = F_FAILED;
			}
		} else if (op->kind == OT_KIND_TERMINATE) {
			if (st == OT_ST_SUCCESS) {
				x->t_term_done = tlast;
				if (x->fate == F_LOST)
					g->sum.lost--;
				g->sum.terminated++;
				x->fate = F_TERMINATED;
			} else if (st == OT_ST_FAILURE) {
				g->sum.lost++;
				x->fate = F_LOST;
				gen_viol(g, "L2", x->slot);
			}
		}
		x->dup = 0;
	}
	gen_lat_add(g, op->kind, tlast - op->t0);
	/* context written after the completion (C1 "late") */
	if (op->kind == OT_KIND_INITIATE)
		for (i = 0; i < op->n; i++)
			if (op->v[i]->wmode == W_LATE) {
				gen_adv(g, 80, 600);
				gen_ctx_write(g, op->adapter, op->layer,
					  op->v[i]->slot, op->v[i]->ptr);
				op->v[i]->wmode = W_AUTO;
			}
}

/* A whole initiate at the target: requests, processing, completion. */
void
gen_offload(struct gen *g, struct node **v, unsigned n)
{
	struct op op;

	gen_op_request(g, &op, OT_KIND_INITIATE, v[0]->adapter, v[0]->layer,
		       v, n, 0);
	gen_op_writes(g, &op);
	gen_adv(g, 5, 60);
	gen_op_complete(g, &op);
}

/* A whole terminate of nodes v with their tst (0 = SUCCESS by default). */
void
gen_terminate(struct gen *g, struct node **v, unsigned n)
{
	struct op op;

	gen_op_request(g, &op, OT_KIND_TERMINATE, v[0]->adapter, v[0]->layer,
		       v, n, 0);
	gen_adv(g, 20, 300);
	gen_op_complete(g, &op);
}

void
gen_term1(struct gen *g, struct node *x)
{
	struct node *v[1];

	v[0] = x;
	gen_terminate(g, v, 1);
}

/*
 * Terminate v[n-1], ..., v[0], one operation each, back to back: a
 * gen_tree() array from its tcp objects up to the neighbor.
 */
void
gen_term_up(struct gen *g, struct node **v, unsigned n)
{
	while (n-- > 0)
		gen_term1(g, v[n]);
}

void
gen_send_req(struct gen *g, struct node *x, uint64_t nbl)
{
	struct gev e;

	gen_base_ev(&e, g, "send", x->adapter, x->layer, 1);
	e.has = OT_HAS_VALUE | OT_HAS_NBL;
	e.value = x->ptr;
	e.nbl = nbl;
	gen_emit(g, &e);
}

void
gen_send_done(struct gen *g, struct node *x, uint64_t nbl, uint32_t st)
{
	struct gev e;

	gen_base_ev(&e, g, "send_done", x->adapter, x->layer, 0);
	e.has = OT_HAS_NBL | OT_HAS_STATUS;
	e.nbl = nbl;
	e.status = st;
	gen_emit(g, &e);
}

/* A few sends, each completed (acknowledged) before the next. */
void
gen_traffic(struct gen *g, struct node *x, unsigned nsends)
{
	unsigned i;
	uint64_t nbl;

	for (i = 0; i < nsends; i++) {
		gen_adv(g, 50, 400);
		nbl = gen_newnbl(g);
		gen_send_req(g, x, nbl);
		gen_adv(g, 30, 900);
		gen_send_done(g, x, nbl, OT_ST_SUCCESS);
	}
}

void
gen_tcp_event(struct gen *g, struct node *x, int64_t code, int64_t reason)
{
	struct gev e;

	gen_base_ev(&e, g, "tcp_event", x->adapter, x->layer, 0);
	e.has = OT_HAS_HANDLE | OT_HAS_CODE;
	e.handle = x->handle;
	e.code = code;
	if (code == OT_TCP_EV_RETRIEVE) {
		e.has |= OT_HAS_REASON;
		e.reason = reason;
	}
	gen_emit(g, &e);
}

void
gen_status_ind(struct gen *g, const char *adapter, uint32_t code)
{
	struct gev e;

	gen_base_ev(&e, g, "status", adapter, "target", 0);
	e.has = OT_HAS_STATUS | OT_HAS_CODE;
	e.status = code;
	e.code = code;
	gen_emit(g, &e);
}

/* A receive indication on x's handle, in a new NBL. */
void
gen_recv_indicate(struct gen *g, struct node *x)
{
	struct gev e;

	gen_base_ev(&e, g, "recv_indicate", x->adapter, x->layer, 0);
	e.has = OT_HAS_HANDLE | OT_HAS_NBL;
	e.handle = x->handle;
	e.nbl = gen_newnbl(g);
	gen_emit(g, &e);
}

/* A (valid) NeighborReachabilityQuery on neighbor x, SUCCESS. */
void
gen_neighbor_query(struct gen *g, struct node *x)
{
	struct gev e;

	gen_base_ev(&e, g, "neighbor_event", x->adapter, x->layer, 0);
	e.has = OT_HAS_HANDLE | OT_HAS_CODE | OT_HAS_STATE | OT_HAS_STATUS;
	e.handle = x->handle;
	e.code = OT_NEIGHBOR_REACHABILITY_QUERY;
	e.state = "neighbor";
	e.status = OT_ST_SUCCESS;
	gen_emit(g, &e);
}

/* The host halts the adapter (its live objects: gen_leak_live). */
void
gen_halt(struct gen *g, const char *adapter)
{
	struct gev e;

	gen_base_ev(&e, g, "halt", adapter, "target", 1);
	gen_emit(g, &e);
}

/* Live objects of an adapter leave the live set with a leak reason (and an
 * L1 violation each). */
void
gen_leak_live(struct gen *g, const char *adapter, const char *reason)
{
	unsigned i;

	for (i = 0; i < g->nnodes; i++) {
		struct node *x = &g->nodes[i];

		if (x->fate == F_LIVE && !strcmp(x->adapter, adapter)) {
			x->fate = F_LEAKED;
			g->sum.leaked++;
			gen_viol(g, "L1", x->slot);
			gen_leak(g, x->slot, reason);
		}
	}
}

/* The usual tree: one neighbor, one path, ntcp tcp objects on nic0. */
void
gen_tree(struct gen *g, struct node **v, unsigned ntcp)
{
	unsigned i;

	v[0] = gen_mknode(g, "nic0", "target", "neighbor", NULL);
	v[1] = gen_mknode(g, "nic0", "target", "ip4", v[0]);
	for (i = 0; i < ntcp; i++)
		v[2 + i] = gen_mknode(g, "nic0", "target", "tcp", v[1]);
}
