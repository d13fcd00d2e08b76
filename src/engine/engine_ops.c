/*
 * engine_ops.c - operations: a request and its completion, one block per
 * event, keyed by (adapter, layer, kind, root) and an epoch.  Requests
 * make objects (initiate) or name them; completions decide their fate.
 * The P, S and T rules, and the checks made at a request or completion:
 * U1 and U2 on the object named, C1 at initiate, E3's terminate step,
 * L1's upload-all order, and L2, L3 and L4 at terminate.
 *
 * It calls engine_objects.c, engine_join.c and engine_core.c: nothing
 * above it, and neither engine_ctx.c nor engine_io.c.
 */
#include "engine_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- operations ---- */

static void
op_key(const struct ot_event *ev, uint64_t *ka, uint64_t *kb, uint64_t *root)
{
	enum ot_kind k = ot_ev_kind(ev->ev);

	*root = (ev->has & OT_HAS_ROOT) ? ev->root : ev->block;
	*ka = *root;
	/* interned adapter pointers are user-space addresses (< 2^60) */
	*kb = ((uint64_t)(uintptr_t)ev->adapter << 4) |
	      (uint64_t)(ev->layer * OT_KIND_COUNT + k);
}

static uint64_t
block_ptr(const struct ot_event *ev)
{
	return (ev->has & OT_HAS_BLOCK) ? ev->block : ev->root;
}

static uint32_t
op_epoch(struct ot_engine *e, uint64_t ka, uint64_t kb)
{
	uintptr_t n = (uintptr_t)hm_get(&e->epochs, ka, kb);

	if (!n) {
		/* bounded memory: forget the oldest key once the ring is full */
		if (!e->ekeys)
			e->ekeys = xcalloc(OT_TOMBSTONES, sizeof(*e->ekeys));
		if (e->ekeys[e->epos][0] || e->ekeys[e->epos][1])
			hm_del(&e->epochs, e->ekeys[e->epos][0], e->ekeys[e->epos][1]);
		e->ekeys[e->epos][0] = ka;
		e->ekeys[e->epos][1] = kb;
		e->epos = (e->epos + 1) % OT_TOMBSTONES;
	}
	n++;
	hm_put(&e->epochs, ka, kb, (void *)n);
	return (uint32_t)n;
}

static struct blk *
op_add_block(struct ot_engine *e, struct op *op, const struct ot_event *ev)
{
	struct blk *b;

	if (op->nb == op->cap) {
		op->cap = op->cap ? op->cap * 2 : 4;
		op->b = xrealloc(op->b, st_mult(op->cap, sizeof(*op->b)));
	}
	b = &op->b[op->nb++];
	memset(b, 0, sizeof(*b));
	b->r.block = block_ptr(ev);
	b->r.parent = (ev->has & OT_HAS_PARENT) ? ev->parent : 0;
	b->r.state = (ev->has & OT_HAS_STATE) ? ev->state : OT_STATE_NONE;
	b->r.slot = (ev->has & OT_HAS_SLOT) ? ev->slot : 0;
	b->r.handle = (ev->has & OT_HAS_HANDLE) ? ev->handle : 0;
	b->r.t_request = OT_T_NONE;
	b->r.t_complete = OT_T_NONE;
	b->parent_idx = -1;
	b->t_write = OT_T_NONE;
	if (b->r.parent) {
		struct blk *p = op_block(e, op, b->r.parent);

		if (p)
			b->parent_idx = (int32_t)(p - op->b);
	}
	hm_put(&e->blks, b->r.block, op->r.id, (void *)(uintptr_t)op->nb);
	if (op->r.first_event == 0)
		op->r.first_event = ev->id;
	op->r.last_event = ev->id;
	return b;
}

static struct op *
op_open(struct ot_engine *e, const struct ot_event *ev)
{
	struct op *op = xcalloc(1, sizeof(*op));
	uint64_t root;
	struct op *im;

	op_key(ev, &op->ka, &op->kb, &root);
	op->r.id = ++e->next_op;
	op->r.adapter = ev->adapter;
	op->r.layer = ev->layer;
	op->r.kind = ot_ev_kind(ev->ev);
	op->r.root = root;
	op->r.epoch = op_epoch(e, op->ka, op->kb);
	op->r.t_request = ev->ts;
	op->r.t_complete = OT_T_NONE;
	if (ev->has & OT_HAS_TID) {
		op->has_tid = 1;
		op->tid = ev->tid;
	}
	hm_put(&e->ops, op->ka, op->kb, op);
	op->prev = e->ptail;
	if (e->ptail)
		e->ptail->next = op;
	else
		e->phead = op;
	e->ptail = op;
	e->st.open_ops++;
	if (e->st.open_ops > e->st.peak_open_ops)
		e->st.peak_open_ops = e->st.open_ops;
	/* P2/C4 pairing: im op (kind, root) <-> first target op at or after it */
	if (op->r.layer == OT_LAYER_IM) {
		e->f[F_IM_OP] = 1;
		if (!hm_get(&e->imops, root, op->r.kind + 1))
			hm_put(&e->imops, root, op->r.kind + 1, op);
	} else if (op->r.layer == OT_LAYER_TARGET) {
		im = hm_get(&e->imops, root, op->r.kind + 1);
		if (im && im->pair_state == PAIR_NONE) {
			im->pair = op;
			im->pair_state = PAIR_OPEN;
			im->pair_id = op->r.id;
			op->pair = im;
			op->pair_state = PAIR_OPEN;
			op->pair_id = im->r.id;
		}
	}
	return op;
}

/*
 * End of the request phase (first completion, or close): checks that
 * need every block of the request (T3, L1 upload-all order).
 */
static void
end_requests(struct ot_engine *e, struct op *op)
{
	size_t i, j, n;
	struct obj *o, *c;
	uint64_t evs[OT_MAX_EVIDENCE];
	int l1_done = 0;

	if (op->phase_done)
		return;
	op->phase_done = 1;
	if (op->r.kind != OT_KIND_TERMINATE)
		return;
	for (i = 0; i < op->nb; i++) {
		o = obj_by_id(e, op->b[i].r.object_id);
		if (!o || family(o->r.state) == 0 || family(o->r.state) == 3)
			continue;
		/* T3: live children not named by this terminate (DOMAIN.md 1.7, 5 T3) */
		n = 0;
		evs[0] = op->b[i].r.request_event;
		for (c = o->child; c; c = c->sib_next) {
			if (!c->live || c->term_op_id == op->r.id)
				continue;
			if (n + 1 < OT_MAX_EVIDENCE)
				evs[n + 1] = c->r.first_event;
			n++;
		}
		if (n)
			eng_viol(e, OT_R_T3, -1, op->b[i].r.t_request, o->r.slot,
				 op->r.root, o->r.id, op->r.id, evs,
				 n + 1 < OT_MAX_EVIDENCE ? n + 1 : OT_MAX_EVIDENCE,
				 "parent terminated before child: %s object on slot 0x%llx has %zu live child object%s not in this terminate",
				 stname(o->r.state), ull(o->r.slot), n,
				 n == 1 ? "" : "s");
		/* L1: upload-all drains terminate TCP first (DOMAIN.md 1.7) */
		if (!l1_done && o->ad->draining) {
			uint64_t named = 0;

			for (j = 0; j < op->nb; j++) {
				c = obj_by_id(e, op->b[j].r.object_id);
				if (c && c->live && c->ad == o->ad &&
				    c->r.state == OT_STATE_TCP)
					named++;
			}
			if (o->ad->live_tcp > named) {
				l1_done = 1;
				eng_viol(e, OT_R_L1, -1, op->b[i].r.t_request,
					 o->r.slot, op->r.root, o->r.id, op->r.id,
					 EVS(o->ad->drain_ev, op->b[i].r.request_event),
					 "upload-all order: %s object on slot 0x%llx terminated while %llu tcp object%s of adapter '%s' live",
					 stname(o->r.state), ull(o->r.slot),
					 ull(o->ad->live_tcp - named),
					 o->ad->live_tcp - named == 1 ? "" : "s",
					 o->ad->name);
			}
		}
	}
}

static void
s2_check(struct ot_engine *e, struct op *op)
{
	size_t i, n = op->nb, nd, nfail;
	int32_t *stack;
	size_t sp, visited;
	struct blk *b, *c;
	char sb[32];

	stack = xmalloc(st_mult(n + 1, sizeof(*stack)));
	for (i = 0; i < n; i++) {
		b = &op->b[i];
		if (!b->r.has_status)
			continue;
		/* placeholder: always SUCCESS (DOMAIN.md 2.3) */
		if (b->r.role == OT_ROLE_PLACEHOLDER &&
		    b->r.status != OT_ST_SUCCESS) {
			eng_viol(e, OT_R_S2, -1, b->r.t_complete, b->r.slot,
				 op->r.root, b->r.object_id, op->r.id,
				 EVS(b->r.request_event, b->r.done_event),
				 "placeholder block 0x%llx completed with %s, not success",
				 ull(b->r.block), eng_stat_str(b->r.status, sb, sizeof(sb)));
			continue;
		}
		if (b->r.state == OT_STATE_TCP &&
		    b->r.status == OT_ST_PARTIAL_SUCCESS)
			eng_viol(e, OT_R_S2, -1, b->r.t_complete, b->r.slot,
				 op->r.root, b->r.object_id, op->r.id,
				 EVS(b->r.request_event, b->r.done_event),
				 "tcp block 0x%llx completed with partial success",
				 ull(b->r.block));
		if (!is_ok(b->r.status)) {
			/* failed block: no success in its subtree (DOMAIN.md 5 S2) */
			sp = 0;
			visited = 0;
			stack[sp++] = (int32_t)i;
			while (sp && visited++ < n) {
				int32_t k = stack[--sp];
				size_t m;

				for (m = 0; m < n; m++) {
					c = &op->b[m];
					if (c->parent_idx != k || m == i)
						continue;
					if (c->r.has_status && is_ok(c->r.status) &&
					    c->r.role != OT_ROLE_PLACEHOLDER) {
						eng_viol(e, OT_R_S2, -1, c->r.t_complete,
							 c->r.slot, op->r.root,
							 c->r.object_id, op->r.id,
							 EVS(b->r.done_event, c->r.done_event),
							 "block 0x%llx failed with %s but dependent block 0x%llx succeeded",
							 ull(b->r.block),
							 eng_stat_str(b->r.status, sb, sizeof(sb)),
							 ull(c->r.block));
						sp = 0;
						break;
					}
					if (sp < n)
						stack[sp++] = (int32_t)m;
				}
			}
			continue;
		}
		if (b->r.role != OT_ROLE_NEW && b->r.role != OT_ROLE_LINKER)
			continue;
		nd = nfail = 0;
		for (sp = 0; sp < n; sp++) {
			c = &op->b[sp];
			if (c->parent_idx != (int32_t)i || !c->r.has_status)
				continue;
			nd++;
			if (!is_ok(c->r.status))
				nfail++;
		}
		if (!nd)
			continue;
		if (b->r.status == OT_ST_SUCCESS && nfail)
			eng_viol(e, OT_R_S2, -1, b->r.t_complete, b->r.slot,
				 op->r.root, b->r.object_id, op->r.id,
				 EVS(b->r.done_event),
				 "block 0x%llx completed with success while %zu of %zu dependents failed",
				 ull(b->r.block), nfail, nd);
		else if (b->r.status == OT_ST_PARTIAL_SUCCESS && !nfail)
			eng_viol(e, OT_R_S2, -1, b->r.t_complete, b->r.slot,
				 op->r.root, b->r.object_id, op->r.id,
				 EVS(b->r.done_event),
				 "block 0x%llx completed with partial success while no dependent failed",
				 ull(b->r.block));
		else if (b->r.role == OT_ROLE_LINKER && nfail == nd)
			eng_viol(e, OT_R_S2, -1, b->r.t_complete, b->r.slot,
				 op->r.root, b->r.object_id, op->r.id,
				 EVS(b->r.done_event),
				 "linker block 0x%llx completed with %s while all %zu dependents failed",
				 ull(b->r.block), eng_stat_str(b->r.status, sb, sizeof(sb)), nd);
	}
	free(stack);
}

/* Close an operation: completed (hang == 0) or hang/superseded (1, 2). */
void
eng_op_close(struct ot_engine *e, struct op *op, int hang, int64_t when)
{
	size_t i;
	struct blk *b;
	struct obj *o;
	struct slotrec *s;
	char db[32];

	end_requests(e, op);
	if (hang) {
		eng_viol(e, OT_R_P1, -1, op->r.t_request, op->nb ? op->b[0].r.slot : 0,
			 op->r.root, 0, op->r.id, EVS(op->r.first_event),
			 hang == 2 ? "operation never completed: %s root 0x%llx superseded by a new request after %s" :
			 "operation never completed: %s root 0x%llx still open %s after its request at end of trace",
			 ot_kind_names[op->r.kind], ull(op->r.root),
			 dur(ot_time_sub_sat(when, op->r.t_request), db));
	} else if (op->r.kind == OT_KIND_INITIATE) {
		s2_check(e, op);
	}
	for (i = 0; i < op->nb; i++) {
		b = &op->b[i];
		o = obj_by_id(e, b->r.object_id);
		if (o && b->counted) {
			if (op->r.kind == OT_KIND_UPDATE)
				o->open_updates--;
			else
				o->open_others--;
			b->counted = 0;
		}
		if (o && o->init_op == op)
			o->init_op = NULL;
		s = b->r.slot ? hm_get(&e->slots, b->r.slot, 0) : NULL;
		if (s && s->open_op == op) {
			s->open_op = NULL;
			s->open_blk = -1;
			s->last_op_id = op->r.id;
			eng_slot_gc(e, s);
		}
		hm_del(&e->blks, b->r.block, op->r.id);
	}
	/* P2: the im completes after the target op it propagates (DOMAIN.md 5 P2) */
	if (op->r.layer == OT_LAYER_IM) {
		if (op->pair_state == PAIR_OPEN) {
			if (!hang)
				eng_viol(e, OT_R_P2, -1, op->r.t_complete, 0,
					 op->r.root, 0, op->r.id,
					 EVS(op->r.first_event, op->r.last_event,
					     op->pair->r.first_event),
					 "im completed before the layer below: %s root 0x%llx, target op %llu still open",
					 ot_kind_names[op->r.kind], ull(op->r.root),
					 ull(op->pair->r.id));
			op->pair->pair = NULL;
			op->pair->pair_state = PAIR_HUNG;
		}
		hm_del_if(&e->imops, op->r.root, op->r.kind + 1, op);
	} else if (op->pair_state == PAIR_OPEN) {
		struct op *im = op->pair;

		im->pair = NULL;
		im->pair_state = hang ? PAIR_HUNG : PAIR_DONE;
		im->pair_t_complete = op->r.t_complete;
		if (!hang && op->r.kind == OT_KIND_INITIATE) {
			im->pw = xmalloc(st_mult(op->nb + 1, sizeof(*im->pw)));
			for (i = 0; i < op->nb; i++) {
				im->pw[im->npw].block = op->b[i].r.block;
				im->pw[im->npw].t = op->b[i].t_write;
				im->npw++;
			}
		}
	}
	/* emit */
	if (e->scratch_cap < op->nb) {
		e->scratch_cap = op->nb * 2;
		e->scratch = xrealloc(e->scratch,
				      st_mult(e->scratch_cap, sizeof(*e->scratch)));
	}
	for (i = 0; i < op->nb; i++)
		e->scratch[i] = op->b[i].r;
	op->r.nblocks = op->nb;
	op->r.blocks = e->scratch;
	if (e->sink.op)
		emit_check(e, e->sink.op(e->ctx, &op->r));
	hm_del_if(&e->ops, op->ka, op->kb, op);
	if (op->prev)
		op->prev->next = op->next;
	else
		e->phead = op->next;
	if (op->next)
		op->next->prev = op->prev;
	else
		e->ptail = op->prev;
	e->st.open_ops--;
	free(op->b);
	free(op->pw);
	free(op);
}

/* ---- requests ---- */

/* A request names obj o (non-initiate): the checks of doc/rules.md. */
static void
request_names(struct ot_engine *e, struct op *op, struct blk *b,
	      struct obj *o, const struct ot_event *ev)
{
	b->r.object_id = o->r.id;
	touch(o, ev);
	e->f[F_OBJ_USE] = 1;
	if (o->c1_pending)
		eng_settle(e, o, ev->ts);	/* next request: C1 never written */
	/* U1: no operation before the initiate completed (DOMAIN.md 1.7) */
	if (o->r.t_offloaded == OT_T_NONE && !o->lost)
		eng_viol(e, OT_R_U1, -1, ev->ts, o->r.slot, op->r.root, o->r.id,
			 op->r.id, EVS(o->r.first_event, ev->id),
			 "used before initiate completed: %s on %s object slot 0x%llx",
			 ot_ev_names[ev->ev], stname(o->r.state), ull(o->r.slot));
	switch (op->r.kind) {
	case OT_KIND_TERMINATE:
		/* T5 host rule (DOMAIN.md 1.7 "What gates a terminate") */
		if (o->open_others || o->open_updates || o->out_recv ||
		    o->out_disc)
			eng_viol(e, OT_R_T5, -1, ev->ts, o->r.slot, op->r.root,
				 o->r.id, op->r.id,
				 EVS(ev->id, o->io ? o->io->ev : 0),
				 "terminate issued while %u operation%s and %u receive/disconnect request%s outstanding on slot 0x%llx",
				 o->open_others + o->open_updates,
				 o->open_others + o->open_updates == 1 ? "" : "s",
				 o->out_recv + o->out_disc,
				 o->out_recv + o->out_disc == 1 ? "" : "s",
				 ull(o->r.slot));
		o->r.t_terminate_req = ev->ts;
		eng_w2_settle(e, o);
		o->term_op_id = op->r.id;
		o->ret_pending = 0;
		if (o->e3 == 1 || o->e3 == 2) {
			eng_viol(e, OT_R_E3, -1, ev->ts, o->r.slot, op->r.root,
				 o->r.id, op->r.id, EVS(o->e3_ev, ev->id),
				 "recovery step terminate before %s on slot 0x%llx",
				 o->e3 == 1 ? "retrieve" : "abort", ull(o->r.slot));
			o->e3 = 0;
		} else if (o->e3 == 3) {
			o->e3 = 0;
		}
		break;
	case OT_KIND_UPDATE:
		/* T4 (DOMAIN.md 1.7 "Updates", 5 T4) */
		if (o->open_updates)
			eng_viol(e, OT_R_T4, -1, ev->ts, o->r.slot, op->r.root,
				 o->r.id, op->r.id, EVS(ev->id),
				 "concurrent update on %s object slot 0x%llx",
				 stname(o->r.state), ull(o->r.slot));
		if (o->init_op || o->invalidated)
			eng_viol(e, OT_R_T4, -1, ev->ts, o->r.slot, op->r.root,
				 o->r.id, op->r.id, EVS(ev->id),
				 "update while offloading/after invalidate: %s object slot 0x%llx is %s",
				 stname(o->r.state), ull(o->r.slot),
				 o->init_op ? "still being offloaded" : "invalidated");
		if (b->parent_idx < 0 && !o->live)
			eng_viol(e, OT_R_T4, -1, ev->ts, o->r.slot, op->r.root,
				 o->r.id, op->r.id, EVS(ev->id),
				 "new neighbor not live: update top block on slot 0x%llx",
				 ull(o->r.slot));
		o->open_updates++;
		b->counted = 1;
		break;
	default:
		o->open_others++;
		b->counted = 1;
		break;
	}
}

void
eng_on_request(struct ot_engine *e, const struct ot_event *ev)
{
	uint64_t ka, kb, root;
	struct op *op;
	struct blk *b, *pb;
	struct slotrec *s = NULL;
	struct obj *o, *po;
	struct tomb *t;
	enum ot_kind kind = ot_ev_kind(ev->ev);
	int new_root = 0;
	char db[32];

	e->f[F_REQ_OR_DONE] = 1;
	op_key(ev, &ka, &kb, &root);
	op = hm_get(&e->ops, ka, kb);
	if (op && op->ndone) {
		/* a new request while the old one has completions: P1 hang */
		eng_op_close(e, op, 2, ev->ts);
		op = NULL;
	}
	if (!op) {
		op = op_open(e, ev);
		new_root = 1;
	}
	p3_touch(e, ev, op->r.id, new_root);
	b = op_add_block(e, op, ev);
	b->r.t_request = ev->ts;
	b->r.request_event = ev->id;
	pb = b->parent_idx >= 0 ? &op->b[b->parent_idx] : NULL;

	switch (kind) {
	case OT_KIND_TERMINATE: e->f[F_TERM_REQ] = 1; break;
	case OT_KIND_UPDATE: e->f[F_UPDATE_REQ] = 1; e->f[F_OTHER_OP] = 1; break;
	case OT_KIND_INITIATE: break;
	default: e->f[F_OTHER_OP] = 1; break;
	}

	if (b->r.slot) {
		s = eng_slot_get(e, b->r.slot, 1);
		/* L3: a request naming the slot before the im cleared it */
		if (s->l3_pending) {
			s->l3_pending = 0;
			eng_viol(e, OT_R_L3, -1, s->l3_ts, s->slot, s->l3_root,
				 s->l3_obj, 0, EVS(s->l3_ev, ev->id),
				 "im did not clear the upper context: slot 0x%llx still holds 0x%llx at the next request",
				 ull(s->slot), ull(s->value));
		}
		s->open_op = op;
		s->open_blk = (int32_t)(b - op->b);
		s->last_op_id = op->r.id;
	}

	if (!b->r.slot)
		b->r.role = OT_ROLE_PLACEHOLDER;
	else if ((ev->has & OT_HAS_VALUE) && ev->value)
		b->r.role = OT_ROLE_LINKER;
	else
		b->r.role = kind == OT_KIND_INITIATE ? OT_ROLE_NEW : OT_ROLE_LINKER;
	b->r.value = s ? s->value : 0;

	if (kind != OT_KIND_INITIATE) {
		if (!b->r.slot && !names_object(ev))
			return;
		o = eng_find_live(e, ev);
		if (o) {
			request_names(e, op, b, o, ev);
		} else if ((t = eng_find_tomb(e, ev)) != NULL) {
			e->f[F_OBJ_USE] = 1;
			b->r.object_id = t->id;
			eng_viol(e, OT_R_U2, -1, ev->ts, t->slot, op->r.root, t->id,
				 op->r.id, EVS(ev->id),
				 "use after terminate: %s on %s object slot 0x%llx terminated %s before",
				 ot_ev_names[ev->ev], stname(t->state),
				 ull(t->slot), dur(ot_time_sub_sat(ev->ts, t->ts), db));
		} else {
			e->st.unresolved++;
		}
		if (kind == OT_KIND_TERMINATE && !o)
			eng_viol(e, OT_R_T3, -1, ev->ts, b->r.slot, op->r.root,
				 b->r.object_id, op->r.id, EVS(ev->id),
				 "terminate of an object never offloaded or already terminated: slot 0x%llx",
				 ull(b->r.slot));
		if (kind == OT_KIND_UPDATE && b->r.state == OT_STATE_TCP)
			eng_viol(e, OT_R_T4, -1, ev->ts, b->r.slot, op->r.root,
				 b->r.object_id, op->r.id, EVS(ev->id),
				 "update relinks tcp: tcp block 0x%llx in an update",
				 ull(b->r.block));
		if (kind == OT_KIND_UPDATE && !o && b->parent_idx < 0)
			eng_viol(e, OT_R_T4, -1, ev->ts, b->r.slot, op->r.root,
				 b->r.object_id, op->r.id, EVS(ev->id),
				 "new neighbor not live: update top block on slot 0x%llx names no live object",
				 ull(b->r.slot));
		return;
	}

	/* initiate: T1 layer monotonicity (DOMAIN.md 5 T1) */
	if (ev->has & OT_HAS_STATE) {
		e->f[F_INIT_STATE] = 1;
		if (pb && pb->r.state != OT_STATE_NONE) {
			int pf = family(pb->r.state), cf = family(b->r.state);

			if (cf != pf + 1 || pf == 3)
				eng_viol(e, OT_R_T1, -1, ev->ts, b->r.slot, op->r.root,
					 0, op->r.id,
					 EVS(pb->r.request_event, ev->id),
					 "%s block 0x%llx under %s block 0x%llx",
					 stname(b->r.state), ull(b->r.block),
					 stname(pb->r.state), ull(pb->r.block));
		} else if (!pb && !b->r.parent) {
			if (!op->top_family)
				op->top_family = family(b->r.state);
			else if (op->top_family != family(b->r.state))
				eng_viol(e, OT_R_T1, -1, ev->ts, b->r.slot, op->r.root,
					 0, op->r.id,
					 EVS(op->r.first_event, ev->id),
					 "top-level blocks of root 0x%llx mix layers: %s block 0x%llx",
					 ull(op->r.root), stname(b->r.state),
					 ull(b->r.block));
		}
	}

	if (b->r.role == OT_ROLE_LINKER) {
		if (!s->value)
			s->value = ev->value;
		b->r.value = ev->value;
		o = s->cur ? s->cur : hm_get(&e->values, ev->value, 0);
		if (o) {
			b->r.object_id = o->r.id;
			touch(o, ev);
		}
		return;
	}
	if (b->r.role != OT_ROLE_NEW)
		return;

	/* new offload */
	if (s->value)
		eng_viol(e, OT_R_C1, -1, ev->ts, s->slot, op->r.root,
			 s->cur ? s->cur->r.id : 0, op->r.id, EVS(ev->id),
			 "slot already holds 0x%llx at initiate: slot 0x%llx",
			 ull(s->value), ull(s->slot));
	/* T2: a path or tcp object needs an offloaded parent (DOMAIN.md 5 T2) */
	if (family(b->r.state) == 2 || family(b->r.state) == 3) {
		if (!pb) {
			eng_viol(e, OT_R_T2, -1, ev->ts, s->slot, op->r.root, 0,
				 op->r.id, EVS(ev->id),
				 "no parent path/neighbor: new %s block 0x%llx at the top of root 0x%llx",
				 stname(b->r.state), ull(b->r.block), ull(op->r.root));
		} else if (pb->r.role == OT_ROLE_LINKER) {
			po = obj_by_id(e, pb->r.object_id);
			if (!po || !po->live || po->init_op)
				eng_viol(e, OT_R_T2, -1, ev->ts, s->slot, op->r.root,
					 0, op->r.id,
					 EVS(pb->r.request_event, ev->id),
					 "parent not offloaded: linker block 0x%llx on slot 0x%llx for new %s block 0x%llx",
					 ull(pb->r.block), ull(pb->r.slot),
					 stname(b->r.state), ull(b->r.block));
		}
	}
	if (s->cur && s->cur->c1_pending)
		eng_settle(e, s->cur, ev->ts);
	o = xcalloc(1, sizeof(*o));
	o->r.id = ++e->next_obj;
	o->r.slot = s->slot;
	o->r.epoch = ++s->epoch;
	o->r.adapter = ev->adapter;
	o->r.layer = ev->layer;
	o->r.state = b->r.state;
	o->r.handle = b->r.handle;
	if (ev->has & OT_HAS_TUPLE) {
		o->r.tuple = ev->tuple;
		o->r.has_tuple = 1;
	}
	o->r.t_request = ev->ts;
	o->r.t_published = OT_T_NONE;
	o->r.t_offloaded = OT_T_NONE;
	o->r.t_terminate_req = OT_T_NONE;
	o->r.t_terminated = OT_T_NONE;
	o->r.t_last = ev->ts;
	o->r.initiate_op = op->r.id;
	o->r.fate = OT_FATE_PENDING;
	o->r.first_event = o->r.last_event = ev->id;
	o->ad = eng_adapter_get(e, ev->adapter);
	o->init_op = op;
	if (pb && (po = obj_by_id(e, pb->r.object_id)) != NULL)
		eng_child_link(po, o);
	o->prev = e->otail;
	if (e->otail)
		e->otail->next = o;
	else
		e->ohead = o;
	e->otail = o;
	hm_put(&e->objs, o->r.id, 0, o);
	if (o->r.handle)
		hm_put(&e->handles, o->r.handle, 0, o);
	s->cur = o;
	b->r.object_id = o->r.id;
	eng_join_object(e, o, ev);
}

/* ---- completions ---- */

static int
s1_allowed(enum ot_kind k, uint32_t st)
{
	if (k != OT_KIND_INITIATE)
		return st == OT_ST_SUCCESS || st == OT_ST_FAILURE;
	return st == OT_ST_SUCCESS || st == OT_ST_PARTIAL_SUCCESS ||
	       st == OT_ST_FAILURE || st == OT_ST_RESOURCES ||
	       st == OT_ST_NOT_SUPPORTED ||
	       (st >= 0xC0231004u && st <= 0xC023100Du) || st == 0xC0231012u;
}

static void
e3_start(struct ot_engine *e, struct obj *o, const struct ot_event *ev)
{
	if (o->r.state != OT_STATE_TCP)
		return;
	e->f[F_E3] = 1;
	o->e3 = 1;
	o->e3_ts = ev->ts;
	o->e3_ev = ev->id;
}

static void
init_done(struct ot_engine *e, struct op *op, struct blk *b, struct obj *o,
	  const struct ot_event *ev)
{
	uint32_t st = b->r.status;
	char sb[32];

	touch(o, ev);
	if (o->init_op != op && o->r.t_offloaded != OT_T_NONE)
		return;
	if (is_ok(st)) {
		o->r.t_offloaded = ev->ts;
		o->offload_ev = ev->id;
		/* W3: SYN seen -> offload done */
		if (o->flow && w_judged(o) && o->flow->syn_ns >= 0 &&
		    o->flow->syn_ns <= ev->ts)
			o->flow->join[o->fj].syn_to_offload = ot_time_sub_sat(ev->ts, o->flow->syn_ns);
		o->r.initiate_status = st;
		o->r.has_initiate_status = 1;
		o->init_op = NULL;
		eng_set_live(e, o, 1, ev);
		if (st == OT_ST_PARTIAL_SUCCESS) {
			e->f[F_PARTIAL] = 1;
			/* S3: PARTIAL is NT_SUCCESS, publish (DOMAIN.md 1.5, 5 S3) */
			if (o->r.t_published == OT_T_NONE)
				eng_viol(e, OT_R_S3, -1, ev->ts, o->r.slot,
					 op->r.root, o->r.id, op->r.id,
					 EVS(b->r.request_event, ev->id),
					 "partial success treated as failure: context not published for %s object on slot 0x%llx",
					 stname(o->r.state), ull(o->r.slot));
		} else if (!o->written_inside) {
			/* C1: decided at the first write or next request */
			o->c1_pending = 1;
			o->c1_ts = ev->ts;
			o->c1_ev = ev->id;
			o->c1_op = op->r.id;
		}
		return;
	}
	o->r.initiate_status = st;
	o->r.has_initiate_status = 1;
	o->init_op = NULL;
	/* C1: a failed block must not publish (DOMAIN.md 2.5) */
	if (o->written_inside)
		eng_viol(e, OT_R_C1, -1, ev->ts, o->r.slot, op->r.root, o->r.id,
			 op->r.id, EVS(o->write_ev, ev->id),
			 "context written for a failed block: slot 0x%llx got 0x%llx, block completed with %s",
			 ull(o->r.slot), ull(o->r.value),
			 eng_stat_str(st, sb, sizeof(sb)));
	eng_obj_kill(e, o, OT_FATE_FAILED);
}

static void
term_done(struct ot_engine *e, struct op *op, struct blk *b, struct obj *o,
	  const struct ot_event *ev)
{
	uint32_t st = b->r.status;
	struct slotrec *s;
	uint32_t nio;

	touch(o, ev);
	if (st == OT_ST_FAILURE) {
		o->r.terminate_status = st;
		o->r.has_terminate_status = 1;
		/* L2: FAILURE loses the object (DOMAIN.md 1.5, 5 L2) */
		eng_viol(e, OT_R_L2, -1, ev->ts, o->r.slot, op->r.root, o->r.id,
			 op->r.id, EVS(b->r.request_event, ev->id),
			 "terminate failed: state object lost, %s object on slot 0x%llx",
			 stname(o->r.state), ull(o->r.slot));
		o->lost = 1;
		eng_set_live(e, o, 0, NULL);
		e3_start(e, o, ev);
		return;
	}
	if (st != OT_ST_SUCCESS)
		return;
	o->r.terminate_status = st;
	o->r.has_terminate_status = 1;
	o->r.t_terminated = ev->ts;
	/* T5 target rule (DOMAIN.md 1.7); outstanding sends are L4's */
	nio = o->out_recv + o->out_disc;
	if (nio)
		eng_viol(e, OT_R_T5, -1, ev->ts, o->r.slot, op->r.root, o->r.id,
			 op->r.id, EVS(o->io ? o->io->ev : 0, ev->id),
			 "terminate completed with i/o outstanding: %u request%s on slot 0x%llx",
			 nio, nio == 1 ? "" : "s", ull(o->r.slot));
	/* L4: send data must come back as completions or in the NBL chain */
	if (o->r.state == OT_STATE_TCP && o->out_send && !(ev->has & OT_HAS_NBL))
		eng_viol(e, OT_R_L4, -1, ev->ts, o->r.slot, op->r.root, o->r.id,
			 op->r.id, EVS(o->io ? o->io->ev : 0, ev->id),
			 "%u send nbls lost at terminate: slot 0x%llx, completion carries no nbl chain",
			 o->out_send, ull(o->r.slot));
	if (o->r.layer == OT_LAYER_IM) {
		e->f[F_IM_TERM_DONE] = 1;
		s = hm_get(&e->slots, o->r.slot, 0);
		if (s && s->value && s->cur == o) {
			s->l3_pending = 1;
			s->l3_obj = o->r.id;
			s->l3_ts = ev->ts;
			s->l3_ev = ev->id;
			s->l3_root = op->r.root;
		}
	}
	eng_obj_kill(e, o, OT_FATE_TERMINATED);
}

void
eng_on_done(struct ot_engine *e, const struct ot_event *ev)
{
	uint64_t ka, kb, root, bp;
	struct op *op;
	struct blk *b;
	struct obj *o;
	enum ot_kind kind = ot_ev_kind(ev->ev);
	uint32_t st = ev_status(ev);
	uintptr_t cand;
	char sb[32];

	e->f[F_REQ_OR_DONE] = 1;
	e->f[F_DONE] = 1;
	op_key(ev, &ka, &kb, &root);
	bp = block_ptr(ev);
	op = hm_get(&e->ops, ka, kb);
	if (!op) {
		p3_touch(e, ev, 0, 0);
		eng_viol(e, OT_R_P1, -1, ev->ts, (ev->has & OT_HAS_SLOT) ? ev->slot : 0,
			 root, 0, 0, EVS(ev->id),
			 "completion with no open request: %s root 0x%llx block 0x%llx",
			 ot_ev_names[ev->ev], ull(root), ull(bp));
		return;
	}
	b = op_block(e, op, bp);
	if (b && b->r.t_complete != OT_T_NONE) {
		p3_touch(e, ev, op->r.id, 0);
		eng_viol(e, OT_R_P1, -1, ev->ts, b->r.slot, root, b->r.object_id,
			 op->r.id, EVS(b->r.done_event, ev->id),
			 "double completion of block 0x%llx of %s root 0x%llx",
			 ull(bp), ot_kind_names[kind], ull(root));
		return;
	}
	end_requests(e, op);
	if (!b) {
		b = op_add_block(e, op, ev);
		b->r.role = b->r.slot ? OT_ROLE_LINKER : OT_ROLE_PLACEHOLDER;
		if (b->r.slot && (o = eng_find_live(e, ev)) != NULL)
			b->r.object_id = o->r.id;
	}
	op->r.last_event = ev->id;
	b->r.t_complete = ev->ts;
	b->r.status = st;
	b->r.has_status = 1;
	b->r.done_event = ev->id;
	op->ndone++;
	if (kind == OT_KIND_INITIATE)
		e->f[F_INIT_DONE] = 1;
	else if (kind == OT_KIND_TERMINATE)
		e->f[F_TERM_DONE] = 1;
	else if (kind == OT_KIND_INVALIDATE)
		e->f[F_INVAL_DONE] = 1;

	/* P3 (DOMAIN.md 1.2 "always asynchronously", 4.2 #12) */
	if (bp == op->r.root && op->has_tid && (ev->has & OT_HAS_TID)) {
		e->f[F_TID_PAIR] = 1;
		cand = (uintptr_t)hm_get(&e->tids,
					 (uint64_t)(uint32_t)ev->tid + 1, 0);
		if (ev->tid == op->tid && cand == op->r.id) {
			op->r.sync = 1;
			eng_viol(e, OT_R_P3, -1, ev->ts, b->r.slot, root, 0,
				 op->r.id, EVS(op->r.first_event, ev->id),
				 "completed synchronously inside the request handler: %s root 0x%llx on tid %d",
				 ot_kind_names[kind], ull(root), (int)ev->tid);
		}
	}
	p3_touch(e, ev, op->r.id, 0);

	/* S1 (DOMAIN.md 1.5, 5 S1) */
	if (!s1_allowed(kind, st))
		eng_viol(e, OT_R_S1, -1, ev->ts, b->r.slot, root, b->r.object_id,
			 op->r.id, EVS(ev->id),
			 "%s block 0x%llx completed with %s, not allowed for %s",
			 ot_kind_names[kind], ull(bp), eng_stat_str(st, sb, sizeof(sb)),
			 ot_kind_names[kind]);

	o = obj_by_id(e, b->r.object_id);
	if (o && b->counted) {
		if (kind == OT_KIND_UPDATE)
			o->open_updates--;
		else
			o->open_others--;
		b->counted = 0;
	}
	if (o) {
		switch (kind) {
		case OT_KIND_INITIATE:
			if (b->r.role == OT_ROLE_NEW)
				init_done(e, op, b, o, ev);
			break;
		case OT_KIND_TERMINATE:
			term_done(e, op, b, o, ev);
			break;
		case OT_KIND_INVALIDATE:
			touch(o, ev);
			if (st == OT_ST_SUCCESS)
				o->invalidated = 1;
			else if (st == OT_ST_FAILURE)
				e3_start(e, o, ev);
			break;
		case OT_KIND_QUERY:
			touch(o, ev);
			if (st == OT_ST_FAILURE)
				e3_start(e, o, ev);
			break;
		case OT_KIND_UPDATE:
			touch(o, ev);
			/* relink a path to the update's neighbor (DOMAIN.md 1.7) */
			if (st == OT_ST_SUCCESS && b->parent_idx >= 0) {
				struct obj *p = obj_by_id(e, op->b[b->parent_idx].r.object_id);

				if (p && p != o)
					eng_child_link(p, o);
			}
			break;
		default:
			break;
		}
	}
	if (op->ndone == op->nb) {
		op->r.t_complete = ev->ts;
		eng_op_close(e, op, 0, ev->ts);
	}
}
