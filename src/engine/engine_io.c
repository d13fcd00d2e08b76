/*
 * engine_io.c - I/O on offloaded connections and the target's
 * indications: outstanding sends, receives and disconnects by NBL (the
 * counts that T5 and L4 read at terminate), U1-U4 on I/O, E1-E3 from tcp
 * and neighbor indications, and the status indications and halt that
 * start and end upload-all drains (L1).
 *
 * It calls engine_objects.c and engine_core.c, nothing above.
 */
#include "engine_int.h"

#include <stdlib.h>

/* ---- I/O and indications ---- */

/* Resolve an event to a live object, or report U2 for a tombstone. */
static struct obj *
resolve_use(struct ot_engine *e, const struct ot_event *ev, int u2_ok)
{
	struct obj *o = eng_find_live(e, ev);
	struct tomb *t;
	char db[32];

	if (o) {
		touch(o, ev);
		return o;
	}
	t = eng_find_tomb(e, ev);
	if (t) {
		if (u2_ok)
			eng_viol(e, OT_R_U2, -1, ev->ts, t->slot, 0, t->id, 0,
				 EVS(ev->id),
				 "use after terminate: %s on %s object slot 0x%llx terminated %s before",
				 ot_ev_names[ev->ev], stname(t->state),
				 ull(t->slot), dur(ot_time_sub_sat(ev->ts, t->ts), db));
		return NULL;
	}
	if (names_object(ev))
		e->st.unresolved++;
	return NULL;
}

static int
invalidated(const struct obj *o)
{
	int depth = 0;

	for (; o && depth < 8; o = o->parent, depth++)
		if (o->invalidated)
			return 1;
	return 0;
}

static void
u1_check(struct ot_engine *e, struct obj *o, const struct ot_event *ev)
{
	if (o->r.t_offloaded == OT_T_NONE && !o->lost)
		eng_viol(e, OT_R_U1, -1, ev->ts, o->r.slot, 0, o->r.id, 0,
			 EVS(o->r.first_event, ev->id),
			 "used before initiate completed: %s on %s object slot 0x%llx",
			 ot_ev_names[ev->ev], stname(o->r.state), ull(o->r.slot));
}

void
eng_on_io_request(struct ot_engine *e, const struct ot_event *ev)
{
	struct obj *o;
	struct io *io;

	e->f[F_IO] = 1;
	e->f[F_OBJ_USE] = 1;
	if (ev->ev == OT_EV_SEND)
		e->f[F_SEND] = 1;
	if (ev->ev != OT_EV_RECV)
		e->f[F_SEND_DISC] = 1;
	o = resolve_use(e, ev, 1);
	if (o) {
		u1_check(e, o, ev);
		/* U3 (DOMAIN.md 1.7 "Invalidate", 5 U3) */
		if (ev->ev == OT_EV_SEND && invalidated(o))
			eng_viol(e, OT_R_U3, -1, ev->ts, o->r.slot, 0, o->r.id, 0,
				 EVS(ev->id),
				 "send after invalidate: %s object slot 0x%llx%s",
				 stname(o->r.state), ull(o->r.slot),
				 o->invalidated ? "" : " (ancestor invalidated)");
	}
	if (!(ev->has & OT_HAS_NBL) || !ev->nbl)
		return;
	io = hm_del(&e->ios, ev->nbl, 0);
	if (io) {
		eng_io_unlink(io);
		free(io);
	}
	io = xcalloc(1, sizeof(*io));
	io->nbl = ev->nbl;
	io->kind = ev->ev;
	io->ts = ev->ts;
	io->ev = ev->id;
	hm_put(&e->ios, ev->nbl, 0, io);
	if (!o)
		return;
	io->obj = o;
	io->obj_id = o->r.id;
	io->onext = o->io;
	if (o->io)
		o->io->oprev = io;
	o->io = io;
	switch (ev->ev) {
	case OT_EV_SEND: o->out_send++; break;
	case OT_EV_RECV: o->out_recv++; break;
	default: o->out_disc++; break;
	}
}

void
eng_on_io_done(struct ot_engine *e, const struct ot_event *ev)
{
	struct io *io = NULL;
	struct obj *o;
	uint32_t st = ev_status(ev);
	char sb[32];

	e->f[F_IO] = 1;
	e->f[F_OBJ_USE] = 1;
	if (ev->ev != OT_EV_RECV_DONE)
		e->f[F_SEND_DISC] = 1;
	if ((ev->has & OT_HAS_NBL) && ev->nbl)
		io = hm_del(&e->ios, ev->nbl, 0);
	if (names_object(ev)) {
		o = resolve_use(e, ev, 1);
	} else {
		o = io ? io->obj : NULL;
		if (o)
			touch(o, ev);
		else if (io && io->obj_terminated)
			eng_viol(e, OT_R_U2, -1, ev->ts, 0, 0, io->obj_id, 0,
				 EVS(io->ev, ev->id),
				 "use after terminate: %s for nbl 0x%llx after its object was terminated",
				 ot_ev_names[ev->ev], ull(ev->nbl));
	}
	/* U4 (DOMAIN.md 1.3 TcpIndicateAbort, 5 U4) */
	if (io && io->aborted && ev->ev != OT_EV_RECV_DONE &&
	    st != OT_ST_REQUEST_ABORTED)
		eng_viol(e, OT_R_U4, -1, ev->ts, o ? o->r.slot : 0, 0,
			 io->obj_id, 0, EVS(io->ev, ev->id),
			 "i/o after abort not completed with request_aborted: %s nbl 0x%llx completed with %s",
			 ot_ev_names[ev->ev], ull(ev->nbl),
			 eng_stat_str(st, sb, sizeof(sb)));
	if (io) {
		eng_io_unlink(io);
		free(io);
	}
}

/* A receive indicated on an offloaded connection: a use of its object. */
void
eng_on_recv_indicate(struct ot_engine *e, const struct ot_event *ev)
{
	struct obj *o;

	e->f[F_IO] = 1;
	e->f[F_OBJ_USE] = 1;
	o = resolve_use(e, ev, 1);
	if (o)
		u1_check(e, o, ev);
}

void
eng_on_tcp_event(struct ot_engine *e, const struct ot_event *ev)
{
	struct obj *o = resolve_use(e, ev, 1);
	struct io *io;
	int64_t r = ev->reason;

	if (ev->code == OT_TCP_EV_RETRIEVE)
		e->f[F_RETRIEVE] = 1;
	if (ev->code == OT_TCP_EV_ABORT)
		e->f[F_ABORT] = 1;
	if (!o)
		return;
	if (ev->code == OT_TCP_EV_RETRIEVE) {
		/* E1 (DOMAIN.md 1.3 TCP_UPLOAD_REASON, 5 E1) */
		if (o->r.state != OT_STATE_TCP)
			eng_viol(e, OT_R_E1, -1, ev->ts, o->r.slot, 0, o->r.id, 0,
				 EVS(ev->id),
				 "retrieve on a neighbor/path object: %s object slot 0x%llx",
				 stname(o->r.state), ull(o->r.slot));
		if (!(ev->has & OT_HAS_REASON) || r < 1 || r > 11)
			eng_viol(e, OT_R_E1, -1, ev->ts, o->r.slot, 0, o->r.id, 0,
				 EVS(ev->id), "invalid upload reason %lld on slot 0x%llx",
				 (long long)r, ull(o->r.slot));
		else if ((r == 5 || r >= 8) && !o->ret_pending) {
			o->ret_pending = 1;
			o->ret_ts = ev->ts;
			o->ret_ev = ev->id;
		}
		if (o->e3 == 1 && r == OT_REASON_HARDWARE_FAILURE) {
			o->e3 = 2;
			o->e3_ev = ev->id;
		}
	} else if (ev->code == OT_TCP_EV_ABORT) {
		for (io = o->io; io; io = io->onext)
			if (io->kind != OT_EV_RECV)
				io->aborted = 1;
		if (o->e3 == 1) {
			eng_viol(e, OT_R_E3, -1, ev->ts, o->r.slot, 0, o->r.id, 0,
				 EVS(o->e3_ev, ev->id),
				 "recovery step abort before retrieve on slot 0x%llx",
				 ull(o->r.slot));
			o->e3 = 3;
			o->e3_ev = ev->id;
		} else if (o->e3 == 2) {
			o->e3 = 3;
			o->e3_ev = ev->id;
		}
	}
}

void
eng_on_neighbor_event(struct ot_engine *e, const struct ot_event *ev)
{
	char sb[32];

	e->f[F_NEIGHBOR_EV] = 1;
	/* E2 (DOMAIN.md 1.3 NdisMOffloadEventIndicate, 5 E2) */
	if (!(ev->has & OT_HAS_CODE) || ev->code != OT_NEIGHBOR_REACHABILITY_QUERY)
		eng_viol(e, OT_R_E2, -1, ev->ts, ev->slot, 0, 0, 0, EVS(ev->id),
			 "bad neighborreachabilityquery indication: code %lld, not 2",
			 (long long)ev->code);
	else if ((ev->has & OT_HAS_STATE) && ev->state != OT_STATE_NEIGHBOR)
		eng_viol(e, OT_R_E2, -1, ev->ts, ev->slot, 0, 0, 0, EVS(ev->id),
			 "bad neighborreachabilityquery indication: %s block, not neighbor",
			 stname(ev->state));
	else if ((ev->has & OT_HAS_STATUS) && ev->status != OT_ST_SUCCESS)
		eng_viol(e, OT_R_E2, -1, ev->ts, ev->slot, 0, 0, 0, EVS(ev->id),
			 "bad neighborreachabilityquery indication: status %s, not success",
			 eng_stat_str(ev->status, sb, sizeof(sb)));
	resolve_use(e, ev, 1);
}

void
eng_on_status(struct ot_engine *e, const struct ot_event *ev)
{
	uint64_t code = (ev->has & OT_HAS_STATUS) ? ev->status :
			(uint64_t)ev->code;
	struct adapter *a;

	if (code == OT_ST_UPLOAD_ALL) {
		e->f[F_HALT_UA] = 1;
		a = eng_adapter_get(e, ev->adapter);
		if (!a->draining) {
			a->draining = 1;
			a->drain_ts = ev->ts;
			a->drain_ev = ev->id;
		}
	} else if (code == OT_ST_OFFLOAD_RESUME) {
		a = eng_adapter_get(e, ev->adapter);
		eng_end_drain(e, a, ev->ts);
	}
}

void
eng_on_halt(struct ot_engine *e, const struct ot_event *ev)
{
	struct adapter *a = eng_adapter_get(e, ev->adapter);

	e->f[F_HALT_UA] = 1;
	eng_end_drain(e, a, ev->ts);
	eng_leak_adapter(e, a, OT_LEAK_HALT, ev->ts, ev->id);
}
