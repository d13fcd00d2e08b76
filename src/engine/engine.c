/*
 * engine.c - the lifetime engine's API (include/offtrace/engine.h): each
 * event and packet goes to the file of its concern, the end of the trace
 * runs their last checks in order, and each rule of DOMAIN.md section 5
 * is reported checked or not, decided exactly as doc/rules.md says.
 *
 * Pure C, no I/O.  State is kept for live objects, open operations,
 * outstanding I/O and a bounded ring of dead objects (tombstones); every
 * closed operation and dead object is handed to the sink and freed.
 * This file is the top of the engine: it calls the files engine_int.h
 * lists, and none of them calls it.
 */
#include "engine_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- API ---- */

struct ot_engine *
ot_engine_new(const struct ot_sink *sink, void *ctx,
	      const struct ot_engine_opts *opts)
{
	struct ot_engine *e = xcalloc(1, sizeof(*e));

	if (sink)
		e->sink = *sink;
	e->ctx = ctx;
	if (opts)
		e->opts = *opts;
	hm_init(&e->ops);
	hm_init(&e->epochs);
	hm_init(&e->blks);
	hm_init(&e->imops);
	hm_init(&e->slots);
	hm_init(&e->handles);
	hm_init(&e->values);
	hm_init(&e->objs);
	hm_init(&e->ios);
	hm_init(&e->tids);
	hm_init(&e->adapters);
	hm_init(&e->tslot);
	hm_init(&e->thandle);
	hm_init(&e->tvalue);
	hm_init(&e->tmap);
	if (!opts)
		e->opts.grace_ns = OT_GRACE_DEFAULT;
	if (e->opts.grace_ns < 0)
		e->opts.grace_ns = 0;
	e->last_pkt = OT_T_NONE;
	e->w_first_offload = OT_T_NONE;
	return e;
}

/* A packet (doc/rules.md 5): flows, the join, W1 deadlines, W2 counts. */
int
ot_engine_packet(struct ot_engine *e, const struct ot_packet *pkt)
{
	if (pkt->ts > e->now)
		e->now = pkt->ts;
	eng_w1_expire(e, pkt->ts);
	eng_join_packet(e, pkt);
	return e->failed ? -1 : 0;
}

/* A dropped packet: evidence for the offloaded objects of its connection. */
int
ot_engine_drop(struct ot_engine *e, const struct ot_packet *pkt, uint32_t input)
{
	if (pkt->ts > e->now)
		e->now = pkt->ts;
	eng_w1_expire(e, pkt->ts);
	eng_join_drop(e, pkt, input);
	return e->failed ? -1 : 0;
}

int
ot_engine_feed(struct ot_engine *e, const struct ot_event *ev)
{
	e->st.events++;
	if (ev->ts > e->now)
		e->now = ev->ts;
	if (e->w1head)
		eng_w1_expire(e, ev->ts);
	switch (ev->ev) {
	case OT_EV_INITIATE: case OT_EV_TERMINATE: case OT_EV_UPDATE:
	case OT_EV_INVALIDATE: case OT_EV_QUERY:
		eng_on_request(e, ev);
		break;
	case OT_EV_INITIATE_DONE: case OT_EV_TERMINATE_DONE:
	case OT_EV_UPDATE_DONE: case OT_EV_INVALIDATE_DONE:
	case OT_EV_QUERY_DONE:
		eng_on_done(e, ev);
		break;
	case OT_EV_CTX_WRITE:
		eng_on_write(e, ev);
		break;
	case OT_EV_SEND: case OT_EV_RECV: case OT_EV_DISCONNECT:
		p3_touch(e, ev, 0, 0);
		eng_on_io_request(e, ev);
		break;
	case OT_EV_SEND_DONE: case OT_EV_RECV_DONE: case OT_EV_DISCONNECT_DONE:
		p3_touch(e, ev, 0, 0);
		eng_on_io_done(e, ev);
		break;
	case OT_EV_RECV_INDICATE:
		p3_touch(e, ev, 0, 0);
		eng_on_recv_indicate(e, ev);
		break;
	case OT_EV_TCP_EVENT:
		p3_touch(e, ev, 0, 0);
		eng_on_tcp_event(e, ev);
		break;
	case OT_EV_NEIGHBOR_EVENT:
		p3_touch(e, ev, 0, 0);
		eng_on_neighbor_event(e, ev);
		break;
	case OT_EV_STATUS:
		p3_touch(e, ev, 0, 0);
		eng_on_status(e, ev);
		break;
	case OT_EV_HALT:
		p3_touch(e, ev, 0, 0);
		eng_on_halt(e, ev);
		break;
	default:
		break;
	}
	return e->failed ? -1 : 0;
}

/* Why a rule is not checked, or NULL when it is (doc/rules.md section 2). */
static const char *
why_not(const struct ot_engine *e, enum ot_rule r)
{
	const unsigned char *f = e->f;

	switch (r) {
	case OT_R_P1: return f[F_REQ_OR_DONE] ? NULL : "no requests or completions in the trace";
	case OT_R_P2: return f[F_IM_OP] ? NULL : "no operations at layer im in the trace";
	case OT_R_P3: return f[F_TID_PAIR] ? NULL : "no request and completion pairs with tid";
	case OT_R_S1: return f[F_DONE] ? NULL : "no completions in the trace";
	case OT_R_S2: return f[F_INIT_DONE] ? NULL : "no initiate completions in the trace";
	case OT_R_S3:
		if (!f[F_PARTIAL])
			return "no initiate completions with partial success";
		return f[F_WRITE] ? NULL : "no ctx_write events in the trace";
	case OT_R_C1: case OT_R_C2: case OT_R_C3:
		return f[F_WRITE] ? NULL : "no ctx_write events in the trace";
	case OT_R_C4: return f[F_IM_WRITE] ? NULL : "no ctx_write events at layer im";
	case OT_R_T1: case OT_R_T2:
		return f[F_INIT_STATE] ? NULL : "no initiate requests with state";
	case OT_R_T3: return f[F_TERM_REQ] ? NULL : "no terminate requests in the trace";
	case OT_R_T4: return f[F_UPDATE_REQ] ? NULL : "no update requests in the trace";
	case OT_R_T5:
		if (!f[F_TERM_REQ])
			return "no terminate requests in the trace";
		return f[F_OTHER_OP] || f[F_IO] ? NULL :
			"no update, invalidate, query or i/o events in the trace";
	case OT_R_U1: return f[F_OBJ_USE] ? NULL : "no i/o or operations on objects in the trace";
	case OT_R_U2: return f[F_TERM_DONE] ? NULL : "no terminate completions in the trace";
	case OT_R_U3:
		if (!f[F_INVAL_DONE])
			return "no invalidate completions in the trace";
		return f[F_SEND] ? NULL : "no send events in the trace";
	case OT_R_U4:
		if (!f[F_ABORT])
			return "no tcp_event abort in the trace";
		return f[F_SEND_DISC] ? NULL : "no send or disconnect events in the trace";
	case OT_R_E1: return f[F_RETRIEVE] ? NULL : "no tcp_event retrieve in the trace";
	case OT_R_E2: return f[F_NEIGHBOR_EV] ? NULL : "no neighbor_event in the trace";
	case OT_R_E3: return f[F_E3] ? NULL : "no failed terminate, query or invalidate on a tcp object";
	case OT_R_L1: return f[F_HALT_UA] ? NULL : "no halt or upload-all status in the trace";
	case OT_R_L2: return f[F_TERM_DONE] ? NULL : "no terminate completions in the trace";
	case OT_R_L3:
		if (!f[F_IM_TERM_DONE])
			return "no terminate completions at layer im";
		return f[F_WRITE] ? NULL : "no ctx_write events in the trace";
	case OT_R_L4:
		if (e->opts.tcp_capacity)
			return NULL;
		return f[F_SEND] && f[F_TERM_DONE] ? NULL :
			"no send events with terminate completions, and no --capacity";
	case OT_R_W1: case OT_R_W2: case OT_R_W3:
		if (!f[F_PACKETS])
			return "no packet capture among the inputs";
		if (!f[F_JOINABLE])
			return "no tcp objects with a tuple, nor host objects, to join flows to";
		if (!f[F_JOINED])
			return "no flow of the captures joined to a tcp or host object (a capture of another time or host? --pcap-offset shifts its clock)";
		if (r == OT_R_W3)
			return f[F_W_SYN] ? NULL :
				"no syn of a joined connection in the captures (they began after the connections opened)";
		return f[F_W_COVER] ? NULL :
			"no packet of the captures after a joined object's offload began (the captures do not cover the offload windows)";
	default:
		return "unknown rule";
	}
}

int
ot_engine_finish(struct ot_engine *e, int64_t end_ts)
{
	struct adapter *a;
	struct ot_rule_rec rr;
	int r;

	if (end_ts < e->now)
		end_ts = e->now;
	e->now = end_ts;
	/* W1 deadlines passed before the end */
	eng_w1_expire(e, end_ts);
	/* hangs (P1), in op id order */
	while (e->phead)
		eng_op_close(e, e->phead, 1, end_ts);
	/* upload-all drains still open end here */
	for (a = e->ahead; a; a = a->next)
		eng_end_drain(e, a, end_ts);
	/* L3 still pending, in object id order */
	eng_l3_finish(e);
	/* remaining objects, in id order */
	eng_objects_finish(e, end_ts);
	/* flows still live, in creation order */
	if (e->flows)
		ot_flows_finish(e->flows);
	eng_join_finish(e);
	for (r = 0; r < OT_R_COUNT; r++) {
		memset(&rr, 0, sizeof(rr));
		rr.rule = (enum ot_rule)r;
		rr.why_not = why_not(e, rr.rule);
		rr.checked = rr.why_not == NULL;
		rr.count = rr.checked ? e->count[r] : 0;
		if (e->sink.rule)
			emit_check(e, e->sink.rule(e->ctx, &rr));
	}
	return e->failed ? -1 : 0;
}

void
ot_engine_stats(const struct ot_engine *e, struct ot_engine_stats *st)
{
	*st = e->st;
	st->slot_records = e->slots.len;
	if (e->flows) {
		st->capture = *ot_flows_stats(e->flows);
		st->peak_live_flows = st->capture.max_live;
	}
}

void
ot_engine_free(struct ot_engine *e)
{
	struct obj *o, *on;
	struct op *op, *pn;
	struct adapter *a, *an;
	size_t i;
	struct hm_entry *he;

	if (!e)
		return;
	for (op = e->phead; op; op = pn) {
		pn = op->next;
		free(op->b);
		free(op->pw);
		free(op);
	}
	for (o = e->ohead; o; o = on) {
		on = o->next;
		free(o);
	}
	for (i = 0; i < e->slots.cap; i++) {
		he = &e->slots.tab[i];
		if (he->a || he->b)
			free(he->v);
	}
	for (i = 0; i < e->ios.cap; i++) {
		he = &e->ios.tab[i];
		if (he->a || he->b)
			free(he->v);
	}
	for (a = e->ahead; a; a = an) {
		an = a->next;
		free(a);
	}
	hm_free(&e->ops);
	hm_free(&e->epochs);
	hm_free(&e->blks);
	hm_free(&e->imops);
	hm_free(&e->slots);
	hm_free(&e->handles);
	hm_free(&e->values);
	hm_free(&e->objs);
	hm_free(&e->ios);
	hm_free(&e->tids);
	hm_free(&e->adapters);
	hm_free(&e->tslot);
	hm_free(&e->thandle);
	hm_free(&e->tvalue);
	hm_free(&e->tmap);
	ot_flows_free(e->flows);
	free(e->tombs);
	free(e->ekeys);
	free(e->scratch);
	free(e);
}
