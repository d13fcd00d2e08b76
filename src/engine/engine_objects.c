/*
 * engine_objects.c - the lifetimes of offloaded state objects: the live
 * set, the object tree, outstanding I/O lists, tombstones, the checks
 * still pending when an object leaves, its fate, and leaks (L rules).
 *
 * It calls engine_join.c (an object leaving the tuple map and the W1
 * queue) and engine_core.c, nothing above.
 */
#include "engine_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- live set ---- */

void
eng_set_live(struct ot_engine *e, struct obj *o, int live,
	     const struct ot_event *ev)
{
	struct adapter *a = o->ad;

	if (o->live == live)
		return;
	o->live = live;
	if (live) {
		e->st.live_objects++;
		if (e->st.live_objects > e->st.peak_live_objects)
			e->st.peak_live_objects = e->st.live_objects;
	} else {
		e->st.live_objects--;
	}
	if (o->r.state != OT_STATE_TCP)
		return;
	if (!live) {
		a->live_tcp--;
		if (a->live_tcp <= e->opts.tcp_capacity)
			a->over_cap = 0;
		return;
	}
	a->live_tcp++;
	/* L4: live TCP offloads of an adapter over capacity (DOMAIN.md 4.3, 5 L4) */
	if (e->opts.tcp_capacity && a->live_tcp > e->opts.tcp_capacity &&
	    !a->over_cap) {
		a->over_cap = 1;
		eng_viol(e, OT_R_L4, -1, o->r.t_offloaded, o->r.slot, 0, o->r.id,
			 o->r.initiate_op, EVS(ev ? ev->id : 0),
			 "live tcp offloads exceed capacity: %llu live on adapter '%s', capacity %llu",
			 ull(a->live_tcp), a->name, ull(e->opts.tcp_capacity));
	}
}

/* ---- objects ---- */

static void
child_unlink(struct obj *c)
{
	struct obj *p = c->parent;

	if (!p)
		return;
	if (c->sib_prev)
		c->sib_prev->sib_next = c->sib_next;
	else
		p->child = c->sib_next;
	if (c->sib_next)
		c->sib_next->sib_prev = c->sib_prev;
	c->parent = c->sib_prev = c->sib_next = NULL;
}

void
eng_child_link(struct obj *p, struct obj *c)
{
	child_unlink(c);
	c->parent = p;
	c->r.parent_id = p->r.id;
	c->sib_prev = NULL;
	c->sib_next = p->child;
	if (p->child)
		p->child->sib_prev = c;
	p->child = c;
}

void
eng_io_unlink(struct io *io)
{
	struct obj *o = io->obj;

	if (!o)
		return;
	if (io->oprev)
		io->oprev->onext = io->onext;
	else
		o->io = io->onext;
	if (io->onext)
		io->onext->oprev = io->oprev;
	switch (io->kind) {
	case OT_EV_SEND: o->out_send--; break;
	case OT_EV_RECV: o->out_recv--; break;
	default: o->out_disc--; break;
	}
	io->obj = NULL;
	io->oprev = io->onext = NULL;
}

/* ---- tombstones ---- */

static void
tomb_add(struct ot_engine *e, const struct obj *o, int terminated)
{
	struct tomb *t;

	if (!e->tombs)
		e->tombs = xcalloc(OT_TOMBSTONES, sizeof(*e->tombs));
	t = &e->tombs[e->tpos];
	e->tpos = (e->tpos + 1) % OT_TOMBSTONES;
	if (t->used) {
		hm_del_if(&e->tslot, t->slot, 0, t);
		hm_del_if(&e->thandle, t->handle, 0, t);
		hm_del_if(&e->tvalue, t->value, 0, t);
	}
	t->used = 1;
	t->slot_value = 0;
	t->slot_last_op = 0;
	t->terminated = terminated;
	t->id = o->r.id;
	t->slot = o->r.slot;
	t->handle = o->r.handle;
	t->value = o->r.value;
	t->epoch = o->r.epoch;
	t->state = o->r.state;
	t->ts = e->now;
	if (t->slot)
		hm_put(&e->tslot, t->slot, 0, t);
	if (t->handle)
		hm_put(&e->thandle, t->handle, 0, t);
	if (t->value)
		hm_put(&e->tvalue, t->value, 0, t);
}

/* ---- object death ---- */

/*
 * Checks still waiting on an object when it leaves (dies or the trace
 * ends): C1 never written, E1 retrieve not followed by terminate, E3
 * incomplete (doc/rules.md C1, E1, E3).
 */
void
eng_settle(struct ot_engine *e, struct obj *o, int64_t ts)
{
	if (o->c1_pending) {
		o->c1_pending = 0;
		eng_viol(e, OT_R_C1, -1, o->c1_ts, o->r.slot, 0, o->r.id, o->c1_op,
			 EVS(o->c1_ev), "initiate succeeded but context never written: %s object on slot 0x%llx",
			 stname(o->r.state), ull(o->r.slot));
	}
	if (o->ret_pending) {
		o->ret_pending = 0;
		eng_viol(e, OT_R_E1, OT_SEV_WARNING, o->ret_ts, o->r.slot, 0,
			 o->r.id, 0, EVS(o->ret_ev),
			 "retrieve not followed by terminate: slot 0x%llx, mandatory reason, no terminate request",
			 ull(o->r.slot));
	}
	if (o->e3) {
		static const char *const want[] = { "", "retrieve (reason 11)", "abort", "terminate request" };

		eng_viol(e, OT_R_E3, OT_SEV_WARNING, o->e3_ts, o->r.slot, 0,
			 o->r.id, 0, EVS(o->e3_ev),
			 "recovery sequence incomplete: slot 0x%llx still waiting for %s",
			 ull(o->r.slot), want[o->e3]);
		o->e3 = 0;
	}
}

static void
obj_emit(struct ot_engine *e, struct obj *o, enum ot_fate fate)
{
	o->r.fate = fate;
	if (e->sink.object)
		emit_check(e, e->sink.object(e->ctx, &o->r));
}

/* Emit the object with its fate and free it. */
void
eng_obj_kill(struct ot_engine *e, struct obj *o, enum ot_fate fate)
{
	struct slotrec *s;
	struct obj *c;

	eng_settle(e, o, e->now);
	eng_w2_settle(e, o);
	eng_join_leave(e, o);
	eng_tmap_del(e, o);
	eng_w1_unlink(e, o);
	eng_set_live(e, o, 0, NULL);
	obj_emit(e, o, fate);
	if (fate != OT_FATE_PENDING && fate != OT_FATE_LIVE &&
	    fate != OT_FATE_LOST)
		tomb_add(e, o, fate == OT_FATE_TERMINATED);
	while (o->io) {
		o->io->obj_terminated = fate == OT_FATE_TERMINATED;
		eng_io_unlink(o->io);
	}
	while ((c = o->child) != NULL)
		child_unlink(c);
	child_unlink(o);
	if (o->prev)
		o->prev->next = o->next;
	else
		e->ohead = o->next;
	if (o->next)
		o->next->prev = o->prev;
	else
		e->otail = o->prev;
	hm_del_if(&e->objs, o->r.id, 0, o);
	hm_del_if(&e->handles, o->r.handle, 0, o);
	hm_del_if(&e->values, o->r.value, 0, o);
	s = hm_get(&e->slots, o->r.slot, 0);
	if (s && s->cur == o) {
		s->cur = NULL;
		eng_slot_gc(e, s);
	}
	free(o);
}

/*
 * A live object leaves as a leak: its record (with fate), then the leak
 * record that names it.
 */
static void
leak_obj(struct ot_engine *e, struct obj *o, int64_t ts,
	 enum ot_leak_reason why, enum ot_fate fate)
{
	struct ot_leak_rec l;

	memset(&l, 0, sizeof(l));
	l.object_id = o->r.id;
	l.slot = o->r.slot;
	l.state = o->r.state;
	l.adapter = o->r.adapter;
	l.layer = o->r.layer;
	l.since = o->r.t_offloaded;
	l.ts = ts;
	l.last_activity = o->r.t_last;
	l.reason = why;
	eng_obj_kill(e, o, fate);
	if (e->sink.leak)
		emit_check(e, e->sink.leak(e->ctx, &l));
}

/* Leak every live object of adapter a (L1, DOMAIN.md 5 L1). */
void
eng_leak_adapter(struct ot_engine *e, struct adapter *a,
		 enum ot_leak_reason why, int64_t ts, uint64_t evid)
{
	struct obj *o, *n;
	char db[32];

	for (o = e->ohead; o; o = n) {
		n = o->next;
		if (o->ad != a || !o->live)
			continue;
		eng_viol(e, OT_R_L1, -1, ts, o->r.slot, 0, o->r.id, 0,
			 EVS(evid, o->r.last_event),
			 "offload leaked at %s: %s object on slot 0x%llx still offloaded, last activity %s before",
			 why == OT_LEAK_HALT ? "halt" : "the end of an upload-all drain",
			 stname(o->r.state), ull(o->r.slot),
			 dur(ot_time_sub_sat(ts, o->r.t_last), db));
		leak_obj(e, o, ts, why, OT_FATE_LEAKED);
	}
}

void
eng_end_drain(struct ot_engine *e, struct adapter *a, int64_t ts)
{
	if (!a->draining)
		return;
	a->draining = 0;
	eng_leak_adapter(e, a, OT_LEAK_UPLOAD_ALL, ts, a->drain_ev);
}

/* ---- end of trace ---- */

static int
cmp_slot_l3(const void *a, const void *b)
{
	const struct slotrec *x = *(const struct slotrec *const *)a;
	const struct slotrec *y = *(const struct slotrec *const *)b;

	return x->l3_obj < y->l3_obj ? -1 : x->l3_obj > y->l3_obj;
}

/* L3 still pending, in object id order. */
void
eng_l3_finish(struct ot_engine *e)
{
	struct slotrec **l3 = NULL;
	size_t nl3 = 0, cap = 0, i;
	struct hm_entry *he;

	for (i = 0; i < e->slots.cap; i++) {
		he = &e->slots.tab[i];
		if ((he->a || he->b) && ((struct slotrec *)he->v)->l3_pending) {
			if (nl3 == cap) {
				cap = cap ? cap * 2 : 16;
				l3 = xrealloc(l3, st_mult(cap, sizeof(*l3)));
			}
			l3[nl3++] = he->v;
		}
	}
	if (nl3)
		qsort(l3, nl3, sizeof(*l3), cmp_slot_l3);
	for (i = 0; i < nl3; i++) {
		l3[i]->l3_pending = 0;
		eng_viol(e, OT_R_L3, -1, l3[i]->l3_ts, l3[i]->slot, l3[i]->l3_root,
			 l3[i]->l3_obj, 0, EVS(l3[i]->l3_ev),
			 "im did not clear the upper context: slot 0x%llx still holds 0x%llx at end of trace",
			 ull(l3[i]->slot), ull(l3[i]->value));
	}
	free(l3);
}

/* The objects left at the end of the trace, in id order, with their fates. */
void
eng_objects_finish(struct ot_engine *e, int64_t end_ts)
{
	struct obj *o, *n;

	for (o = e->ohead; o; o = n) {
		n = o->next;
		eng_settle(e, o, end_ts);
		if (o->lost) {
			eng_obj_kill(e, o, OT_FATE_LOST);
		} else if (o->live && o->w1_leaked) {
			eng_obj_kill(e, o, OT_FATE_LEAKED);	/* its leak is W1's */
		} else if (o->live) {
			leak_obj(e, o, end_ts, OT_LEAK_LIVE_AT_END, OT_FATE_LIVE);
		} else {
			eng_obj_kill(e, o, OT_FATE_PENDING);
		}
	}
}
