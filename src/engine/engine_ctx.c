/*
 * engine_ctx.c - context writes: every store into a MiniportOffloadContext
 * slot, placed in the ledger relative to the operation that should own it
 * (before, inside, after), and the C rules decided at the write.
 *
 * It calls engine_core.c only.
 */
#include "engine_int.h"

#include <string.h>

/* ---- context writes ---- */

void
eng_on_write(struct ot_engine *e, const struct ot_event *ev)
{
	struct ot_write_rec w;
	struct slotrec *s;
	struct obj *o;
	struct tomb *t = NULL;
	struct op *op;
	struct blk *b = NULL, *tb;
	uint64_t nv = (ev->has & OT_HAS_VALUE) ? ev->value : 0;
	uint64_t ov;
	size_t i;
	char db[32];

	e->f[F_WRITE] = 1;
	if (ev->layer == OT_LAYER_IM)
		e->f[F_IM_WRITE] = 1;
	memset(&w, 0, sizeof(w));
	w.id = ++e->next_write;
	w.event_id = ev->id;
	w.ts = ev->ts;
	w.adapter = ev->adapter;
	w.layer = ev->layer;
	w.tid = (ev->has & OT_HAS_TID) ? ev->tid : -1;
	w.slot = (ev->has & OT_HAS_SLOT) ? ev->slot : 0;
	w.new_value = nv;
	s = eng_slot_get(e, w.slot, 1);
	if (!s) {
		e->st.unresolved++;
		p3_touch(e, ev, 0, 0);
		if (e->sink.write)
			emit_check(e, e->sink.write(e->ctx, &w));
		return;
	}
	ov = s->value;
	w.old_value = ov;
	o = s->cur;
	op = s->open_op;
	if (!o)
		t = tomb_by(e, &e->tslot, s->slot);
	if (op) {
		w.op_id = op->r.id;
		w.pos = OT_WPOS_INSIDE;
		if (s->open_blk >= 0 && (size_t)s->open_blk < op->nb)
			b = &op->b[s->open_blk];
	} else if (s->last_op_id) {
		w.op_id = s->last_op_id;
		/* a new value on a slot with no object: before the next epoch */
		w.pos = nv && !o ? OT_WPOS_BEFORE : OT_WPOS_AFTER;
	} else {
		w.pos = OT_WPOS_NONE;
	}
	w.object_id = o ? o->r.id : (t ? t->id : 0);
	p3_touch(e, ev, op ? op->r.id : 0, 0);

	/* C2: never X -> Y (DOMAIN.md 5 C2) */
	if (ov && nv && ov != nv)
		eng_viol(e, OT_R_C2, -1, ev->ts, s->slot, op ? op->r.root : 0,
			 w.object_id, w.op_id, EVS(ev->id),
			 "context overwritten: slot 0x%llx from 0x%llx to 0x%llx",
			 ull(s->slot), ull(ov), ull(nv));
	/* C3 (DOMAIN.md 5 C3) */
	if (nv && !o && t && t->terminated &&
	    !(op && op->r.kind == OT_KIND_INITIATE))
		eng_viol(e, OT_R_C3, -1, ev->ts, s->slot, 0, t->id, w.op_id,
			 EVS(ev->id),
			 "write after terminate: slot 0x%llx set to 0x%llx %s after its object was terminated",
			 ull(s->slot), ull(nv), dur(ot_time_sub_sat(ev->ts, t->ts), db));
	if (!nv && ov && o && o->live && o->r.t_terminate_req == OT_T_NONE)
		eng_viol(e, OT_R_C3, -1, ev->ts, s->slot, 0, o->r.id, w.op_id,
			 EVS(o->r.first_event, ev->id),
			 "context cleared while offloaded: slot 0x%llx from 0x%llx, no terminate requested",
			 ull(s->slot), ull(ov));
	if (o) {
		touch(o, ev);
		if (!ov && nv && o->init_op && op == o->init_op) {
			o->written_inside = 1;
			o->write_ev = ev->id;
		}
		if (nv && o->c1_pending) {
			o->c1_pending = 0;
			eng_viol(e, OT_R_C1, -1, ev->ts, s->slot, 0, o->r.id,
				 o->c1_op, EVS(o->c1_ev, ev->id),
				 "context written %s after initiate completion: slot 0x%llx set to 0x%llx",
				 dur(ot_time_sub_sat(ev->ts, o->c1_ts), db), ull(s->slot), ull(nv));
		}
		if (nv) {
			if (!ov && o->r.t_published == OT_T_NONE)
				o->r.t_published = ev->ts;
			if (o->r.value != nv) {
				hm_del_if(&e->values, o->r.value, 0, o);
				o->r.value = nv;
				hm_put(&e->values, nv, 0, o);
			}
		}
	}
	if (b && nv && b->t_write == OT_T_NONE) {
		b->t_write = ev->ts;
		b->write_ev = ev->id;
	}
	/* C4: the im publishes after the target (DOMAIN.md 2.5, 5 C4) */
	if (b && nv && ev->layer == OT_LAYER_IM && op->r.layer == OT_LAYER_IM &&
	    op->r.kind == OT_KIND_INITIATE) {
		int found = 0;
		int64_t tw = OT_T_NONE;
		uint64_t twe = 0;

		if (op->pair_state == PAIR_OPEN) {
			tb = op_block(e, op->pair, b->r.block);
			if (tb) {
				found = 1;
				tw = tb->t_write;
				twe = tb->write_ev;
			}
		} else if (op->pair_state == PAIR_DONE) {
			for (i = 0; i < op->npw; i++)
				if (op->pw[i].block == b->r.block) {
					found = 1;
					tw = op->pw[i].t;
				}
		}
		if (found && tw == OT_T_NONE)
			eng_viol(e, OT_R_C4, -1, ev->ts, s->slot, op->r.root,
				 w.object_id, op->r.id, EVS(b->r.request_event, ev->id, twe),
				 "im published before the target: block 0x%llx, slot 0x%llx set to 0x%llx before the target wrote",
				 ull(b->r.block), ull(s->slot), ull(nv));
	}
	if (!nv && s->l3_pending)
		s->l3_pending = 0;
	s->value = nv;
	if (e->sink.write)
		emit_check(e, e->sink.write(e->ctx, &w));
	eng_slot_gc(e, s);
}
