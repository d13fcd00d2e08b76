/*
 * engine_join.c - packet captures joined to the engine's tcp objects
 * (doc/rules.md 5): flows found by an object's tuple, or for a host
 * object by time, the tuple map, W1 deadlines after a wire close, W2
 * packets inside an offload window and W3 SYN-to-offload delays; and the
 * packets components dropped, as evidence for the offloaded objects of
 * their connections.
 *
 * It calls engine_core.c and the flow tracker (flows.c), nothing above.
 */
#include "engine_int.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* ---- packet captures: flows joined to tcp objects (doc/rules.md 5) ---- */

/* The normalized flow key of an object's tuple; -1 if its addresses do
 * not parse. */
static int
tuple_key(const struct ot_tuple *t, struct ot_flow_key *k)
{
	uint8_t a[16], b[16];
	int fam;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	if (inet_pton(AF_INET, t->src, a) == 1 && inet_pton(AF_INET, t->dst, b) == 1)
		fam = 4;
	else if (inet_pton(AF_INET6, t->src, a) == 1 &&
		 inet_pton(AF_INET6, t->dst, b) == 1)
		fam = 6;
	else
		return -1;
	ot_flow_key_make(k, fam, a, t->sport, b, t->dport);
	return 0;
}

static void
tmap_add(struct ot_engine *e, struct obj *o)
{
	uint64_t h1, h2;

	ot_flow_key_hash(&o->tkey, &h1, &h2);
	o->tnext = hm_get(&e->tmap, h1, h2);
	hm_put(&e->tmap, h1, h2, o);
	o->in_tmap = 1;
}

void
eng_tmap_del(struct ot_engine *e, struct obj *o)
{
	struct obj *head, **pp;
	uint64_t h1, h2;

	if (!o->in_tmap)
		return;
	o->in_tmap = 0;
	ot_flow_key_hash(&o->tkey, &h1, &h2);
	head = hm_get(&e->tmap, h1, h2);
	for (pp = &head; *pp && *pp != o; pp = &(*pp)->tnext)
		;
	if (*pp != o)
		return;
	*pp = o->tnext;
	if (head)
		hm_put(&e->tmap, h1, h2, head);
	else
		hm_del(&e->tmap, h1, h2);
}

void
eng_w1_unlink(struct ot_engine *e, struct obj *o)
{
	if (!o->w1_queued)
		return;
	o->w1_queued = 0;
	if (o->w1prev)
		o->w1prev->w1next = o->w1next;
	else
		e->w1head = o->w1next;
	if (o->w1next)
		o->w1next->w1prev = o->w1prev;
	else
		e->w1tail = o->w1prev;
	o->w1prev = o->w1next = NULL;
}

/* The connection of a joined object closed on the wire at close: its
 * terminate is due by close + grace (W1). */
static void
w1_arm(struct ot_engine *e, struct obj *o, int64_t close)
{
	struct obj *p;

	if (!w_judged(o) || o->w1_queued || o->w1_leaked)
		return;
	o->w1_close = close;
	o->w1_deadline = close > INT64_MAX - e->opts.grace_ns ? INT64_MAX :
			 close + e->opts.grace_ns;
	/* deadlines mostly come in order: insert from the tail */
	for (p = e->w1tail; p && p->w1_deadline > o->w1_deadline; p = p->w1prev)
		;
	o->w1prev = p;
	o->w1next = p ? p->w1next : e->w1head;
	if (o->w1next)
		o->w1next->w1prev = o;
	else
		e->w1tail = o;
	if (p)
		p->w1next = o;
	else
		e->w1head = o;
	o->w1_queued = 1;
}

static const char *
tuple_str(const struct obj *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u <-> %s:%u", o->r.tuple.src,
		 (unsigned)o->r.tuple.sport, o->r.tuple.dst,
		 (unsigned)o->r.tuple.dport);
	return buf;
}

/* Grace over: an offloaded object not terminated is a leak (W1). */
static void
w1_fire(struct ot_engine *e, struct obj *o)
{
	struct ot_leak_rec l;
	char tb[2 * OT_ADDR_MAX + 24], db[32];

	eng_w1_unlink(e, o);
	if (o->r.t_offloaded == OT_T_NONE || !o->live || o->lost)
		return;
	o->w1_leaked = 1;
	if (o->flow)
		o->flow->join[o->fj].wire_close_leak = 1;
	eng_viol(e, OT_R_W1, -1, o->w1_deadline, o->r.slot, 0, o->r.id, 0,
		 EVS(o->offload_ev),
		 "offload outlived its connection: tcp object on slot 0x%llx (%s) not terminated %s after the wire close",
		 ull(o->r.slot), o->r.has_tuple ? tuple_str(o, tb, sizeof(tb)) : "no tuple",
		 dur(e->opts.grace_ns, db));
	memset(&l, 0, sizeof(l));
	l.object_id = o->r.id;
	l.slot = o->r.slot;
	l.state = o->r.state;
	l.adapter = o->r.adapter;
	l.layer = o->r.layer;
	l.since = o->r.t_offloaded;
	l.ts = o->w1_deadline;
	l.last_activity = o->r.t_last;
	l.reason = OT_LEAK_WIRE_CLOSE;
	if (e->sink.leak)
		emit_check(e, e->sink.leak(e->ctx, &l));
}

void
eng_w1_expire(struct ot_engine *e, int64_t now)
{
	while (e->w1head && e->w1head->w1_deadline < now)
		w1_fire(e, e->w1head);
}

/* The offload window of o closed (terminate requested, or its end):
 * packets seen inside it are reported once (W2). */
void
eng_w2_settle(struct ot_engine *e, struct obj *o)
{
	char tb[2 * OT_ADDR_MAX + 24];

	if (!o->w2_frames)
		return;
	eng_viol(e, OT_R_W2, -1, o->w2_first, o->r.slot, 0, o->r.id, 0,
		 EVS(o->offload_ev),
		 "%llu packet%s of %s inside the offload window of tcp slot 0x%llx: not offloaded, or the capture is below the miniport (wire tap, port mirror: expected there)",
		 ull(o->w2_frames), o->w2_frames == 1 ? "" : "s",
		 o->r.has_tuple ? tuple_str(o, tb, sizeof(tb)) : "the connection",
		 ull(o->r.slot));
	o->w2_frames = 0;
	o->w2_bytes = 0;
}

static void
join(struct ot_engine *e, struct obj *o, struct ot_flow *f)
{
	struct ot_flow_join *j;

	if (o->flow == f || f->njoin == OT_FLOW_MAX_JOIN)
		return;
	j = &f->join[f->njoin];
	memset(j, 0, sizeof(*j));
	j->object_id = o->r.id;
	j->layer = (int)o->r.layer;
	j->syn_to_offload = -1;
	o->flow = f;
	o->fj = f->njoin++;
	o->had_flow = 1;
	/* evidence for W1-W3 (doc/rules.md 5): a judged object joined, and
	 * for W3 the SYN of its connection seen */
	if (w_judged(o)) {
		e->f[F_JOINED] = 1;
		if (f->syn_ns >= 0)
			e->f[F_W_SYN] = 1;
	}
	if (f->close_seen)
		w1_arm(e, o, f->close_ns);
}

/* A new tcp object: join it to its connection's flow (by tuple), or for
 * a host object without a tuple, to the latest unjoined SYN (by time). */
void
eng_join_object(struct ot_engine *e, struct obj *o, const struct ot_event *ev)
{
	struct ot_flow *f = NULL;

	/* host objects (TCPIP 1099) are connections whatever their state */
	if (o->r.state != OT_STATE_TCP &&
	    !(o->r.layer == OT_LAYER_HOST && o->r.state == OT_STATE_NONE))
		return;
	if (o->r.has_tuple) {
		if (tuple_key(&o->r.tuple, &o->tkey) < 0)
			return;
		e->f[F_JOINABLE] = 1;
		tmap_add(e, o);
		if (e->flows)
			f = ot_flows_find(e->flows, &o->tkey);
		/* a flow over before the offload began is another connection */
		if (f && f->closed && f->last_ns < ev->ts)
			f = NULL;
	} else if (o->r.layer == OT_LAYER_HOST) {
		e->f[F_JOINABLE] = 1;
		if (e->flows)
			f = ot_flows_latest_unjoined(e->flows, ev->ts, OT_JOIN_HOST_NS);
	}
	if (f)
		join(e, o, f);
}

/* The tracker hands over a finished flow. */
static void
flow_done(void *ctx, const struct ot_flow *f)
{
	struct ot_engine *e = ctx;
	struct obj *o;
	unsigned i;

	for (i = 0; i < f->njoin; i++) {
		o = hm_get(&e->objs, f->join[i].object_id, 0);
		if (o && o->flow == f)
			o->flow = NULL;
	}
	e->st.flows++;
	if (f->njoin)
		e->st.joined_flows++;
	if (e->sink.flow)
		emit_check(e, e->sink.flow(e->ctx, f));
}

/*
 * A joined object leaves (terminated, leaked, or at the end of the
 * trace): the earliest offload of a judged object joined to a flow.
 */
void
eng_join_leave(struct ot_engine *e, const struct obj *o)
{
	if (o->had_flow && w_judged(o) && o->r.t_offloaded != OT_T_NONE &&
	    (e->w_first_offload == OT_T_NONE ||
	     o->r.t_offloaded < e->w_first_offload))
		e->w_first_offload = o->r.t_offloaded;
}

/*
 * Every object has left: the captures covered an offload window when a
 * packet, of any flow, came at or after the offload of a joined object
 * began, so W1 and W2 could have seen its connection close or its
 * segments (evidence, doc/rules.md 5).  A host capture sees nothing of
 * an offloaded connection, so a later packet, even after the terminate,
 * is what shows it was still running.
 */
void
eng_join_finish(struct ot_engine *e)
{
	if (e->w_first_offload != OT_T_NONE && e->last_pkt != OT_T_NONE &&
	    e->last_pkt >= e->w_first_offload)
		e->f[F_W_COVER] = 1;
}

/* A packet: its flow, the join of a new flow to the objects of its tuple
 * (W3), then the flow's packets inside offload windows (W2) and its wire
 * close (W1). */
void
eng_join_packet(struct ot_engine *e, const struct ot_packet *pkt)
{
	struct ot_flow *f;
	struct obj *o;
	unsigned i;
	uint64_t h1, h2;

	if (!e->flows)
		e->flows = ot_flows_new(flow_done, e);
	e->f[F_PACKETS] = 1;
	e->st.packets++;
	if (pkt->ts > e->last_pkt)
		e->last_pkt = pkt->ts;
	f = ot_flows_packet(e->flows, pkt);
	if (f == NULL)
		return;
	if (!f->id) {
		struct ot_flow_key k;

		f->id = ++e->next_flow;
		ot_flow_key_make(&k, f->family, f->a_addr, f->a_port, f->b_addr,
				 f->b_port);
		ot_flow_key_hash(&k, &h1, &h2);
		for (o = hm_get(&e->tmap, h1, h2); o; o = o->tnext) {
			char tb[2 * OT_ADDR_MAX + 24], db[32];

			if (o->had_flow || memcmp(&o->tkey, &k, sizeof(k)) != 0)
				continue;
			join(e, o, f);
			/* W3: a connection opening after its offload began */
			if (w_judged(o) && f->syn_ns >= 0 && f->syn_ns == f->first_ns)
				eng_viol(e, OT_R_W3, -1, f->syn_ns, o->r.slot, 0, o->r.id,
					 o->r.initiate_op, EVS(o->r.first_event),
					 "syn of %s seen %s after the offload of tcp slot 0x%llx began: the capture's clock is off (--pcap-offset)",
					 tuple_str(o, tb, sizeof(tb)),
					 dur(ot_time_sub_sat(f->syn_ns, o->r.t_request), db), ull(o->r.slot));
		}
	}
	for (i = 0; i < f->njoin; i++) {
		struct ot_flow_join *j = &f->join[i];

		o = hm_get(&e->objs, j->object_id, 0);
		if (!o || o->flow != f || !w_judged(o))
			continue;
		/* W2: inside the window initiate done -> terminate requested */
		if (o->live && o->r.t_offloaded != OT_T_NONE &&
		    o->r.t_terminate_req == OT_T_NONE &&
		    pkt->ts > o->r.t_offloaded) {
			j->inside_frames++;
			j->inside_bytes += pkt->len;
			if (o->w2_frames++ == 0)
				o->w2_first = pkt->ts;
			o->w2_bytes += pkt->len;
		}
		if (f->closed && !f->close_seen)
			w1_arm(e, o, f->close_ns);
	}
	if (f->closed)
		f->close_seen = 1;
}

/* Was o offloaded at ts (its initiate done, not yet terminated)? */
static int
offloaded_at(const struct obj *o, int64_t ts)
{
	return o->live && !o->lost && o->r.t_offloaded != OT_T_NONE &&
	       o->r.t_offloaded <= ts;
}

static void
drop_object(struct ot_drop_rec *d, const struct obj *o)
{
	size_t i;

	for (i = 0; i < d->nobjects; i++)
		if (d->objects[i] == o->r.id)
			return;
	if (d->nobjects < OT_FLOW_MAX_JOIN)
		d->objects[d->nobjects++] = o->r.id;
}

/*
 * A packet a component dropped: its connection (a TCP flow, the TCP
 * objects of its tuple, the objects joined to that flow) and which of
 * those objects were offloaded then.  Not a packet of the flow.
 */
void
eng_join_drop(struct ot_engine *e, const struct ot_packet *pkt, uint32_t input)
{
	const struct ot_pkt_meta *m = pkt->meta;
	struct ot_drop_rec d;
	struct ot_decoded dec;
	struct ot_flow_key k;
	struct ot_flow *f = NULL;
	struct obj *o;
	uint64_t h1, h2;
	unsigned i;

	memset(&d, 0, sizeof(d));
	d.id = ++e->next_drop;
	d.input = input;
	d.ts = pkt->ts;
	if (m) {
		d.component = m->component;
		if (m->component_name)
			snprintf(d.component_name, sizeof(d.component_name), "%s",
				 m->component_name);
		d.dir = m->dir_name;
		d.reason = m->drop_reason;
		d.location = m->drop_location;
		d.reason_name = m->reason_name;
	}
	e->st.drops++;
	if (ot_packet_decode(pkt->linktype, pkt->data, pkt->caplen, &dec) == OT_DEC_OK) {
		d.family = dec.family;
		d.proto = dec.proto;
		memcpy(d.src, dec.src, 16);
		memcpy(d.dst, dec.dst, 16);
		if (dec.tcp) {
			d.has_ports = 1;
			d.sport = dec.sport;
			d.dport = dec.dport;
		}
	}
	if (d.family && dec.tcp) {
		ot_flow_key_make(&k, dec.family, dec.src, dec.sport, dec.dst, dec.dport);
		if (e->flows && (f = ot_flows_find(e->flows, &k)) != NULL)
			d.flow_id = f->id;
		ot_flow_key_hash(&k, &h1, &h2);
		for (o = hm_get(&e->tmap, h1, h2); o; o = o->tnext)
			if (memcmp(&o->tkey, &k, sizeof(k)) == 0 && offloaded_at(o, d.ts))
				drop_object(&d, o);
		for (i = 0; f && i < f->njoin; i++) {
			o = hm_get(&e->objs, f->join[i].object_id, 0);
			if (o && offloaded_at(o, d.ts))
				drop_object(&d, o);
		}
	}
	if (d.nobjects)
		e->st.drops_offloaded++;
	if (e->sink.drop)
		emit_check(e, e->sink.drop(e->ctx, &d));
}
