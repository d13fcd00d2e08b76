/*
 * flows.c - TCP flow tracking (include/offtrace/flows.h).  Flows live in a
 * hash map keyed by a 128-bit hash of the normalized 4-tuple, with a chain
 * of full-key compares behind each entry; open flows sit on one list,
 * closed ones on a list ordered by last packet, from which they leave
 * after OT_FLOW_LINGER_NS.
 */
#include "offtrace/flows.h"

#include <stdlib.h>
#include <string.h>

#include "offtrace/hmap.h"
#include "offtrace/util.h"

struct list {
	struct ot_flow *head, *tail;
};

struct ot_flows {
	struct hmap map;
	struct list open, closed;
	ot_flow_fn fn;
	void *ctx;
	struct ot_flow_stats st;
	uint64_t next_index;
};

/* normalized key: lo endpoint, hi endpoint */
struct key {
	int family;
	uint8_t lo[16], hi[16];
	uint16_t lo_port, hi_port;
};

const char *
ot_flow_state_name(int state)
{
	static const char *const names[] = {
		"syn_sent", "syn_received", "established", "midstream", "fin_wait",
		"closed", "reset"
	};

	if (state < 0 || state > OT_FLOW_RESET)
		return "?";
	return names[state];
}

int64_t
ot_flow_fin_ns(const struct ot_flow *f)
{
	int64_t a = f->d[0].fin_ns, b = f->d[1].fin_ns;

	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static void
list_add(struct list *l, struct ot_flow *f)
{
	f->next = NULL;
	f->prev = l->tail;
	if (l->tail)
		l->tail->next = f;
	else
		l->head = f;
	l->tail = f;
}

static void
list_del(struct list *l, struct ot_flow *f)
{
	if (f->prev)
		f->prev->next = f->next;
	else
		l->head = f->next;
	if (f->next)
		f->next->prev = f->prev;
	else
		l->tail = f->prev;
	f->prev = f->next = NULL;
}

static int
ep_cmp(int fam, const uint8_t *a, uint16_t ap, const uint8_t *b, uint16_t bp)
{
	int c = memcmp(a, b, fam == 4 ? 4 : 16);

	if (c)
		return c;
	return ap < bp ? -1 : ap > bp;
}

static void
make_key(const struct ot_decoded *d, struct key *k, int *src_is_lo)
{
	memset(k, 0, sizeof(*k));
	k->family = d->family;
	*src_is_lo = ep_cmp(d->family, d->src, d->sport, d->dst, d->dport) <= 0;
	if (*src_is_lo) {
		memcpy(k->lo, d->src, 16);
		memcpy(k->hi, d->dst, 16);
		k->lo_port = d->sport;
		k->hi_port = d->dport;
	} else {
		memcpy(k->lo, d->dst, 16);
		memcpy(k->hi, d->src, 16);
		k->lo_port = d->dport;
		k->hi_port = d->sport;
	}
}

/* FNV-1a over the key's bytes, twice with different bases */
static void
key_hash(const struct key *k, uint64_t *h1, uint64_t *h2)
{
	uint8_t b[38];
	uint64_t x = UINT64_C(0xcbf29ce484222325), y = UINT64_C(0x84222325cbf29ce4);
	size_t i;

	memcpy(b, k->lo, 16);
	memcpy(b + 16, k->hi, 16);
	b[32] = (uint8_t)(k->lo_port >> 8);
	b[33] = (uint8_t)k->lo_port;
	b[34] = (uint8_t)(k->hi_port >> 8);
	b[35] = (uint8_t)k->hi_port;
	b[36] = (uint8_t)k->family;
	b[37] = 0x5a;
	for (i = 0; i < sizeof(b); i++) {
		x = (x ^ b[i]) * UINT64_C(0x100000001b3);
		y = (y ^ b[sizeof(b) - 1 - i]) * UINT64_C(0x100000001b3);
	}
	*h1 = x | 1;	/* never the reserved (0, 0) */
	*h2 = y;
}

static int
flow_has_key(const struct ot_flow *f, const struct key *k)
{
	if (f->family != k->family)
		return 0;
	if (ep_cmp(f->family, f->a_addr, f->a_port, k->lo, k->lo_port) == 0)
		return ep_cmp(f->family, f->b_addr, f->b_port, k->hi, k->hi_port) == 0;
	if (ep_cmp(f->family, f->b_addr, f->b_port, k->lo, k->lo_port) == 0)
		return ep_cmp(f->family, f->a_addr, f->a_port, k->hi, k->hi_port) == 0;
	return 0;
}

struct ot_flows *
ot_flows_new(ot_flow_fn fn, void *ctx)
{
	struct ot_flows *t = xcalloc(1, sizeof(*t));

	hm_init(&t->map);
	t->fn = fn;
	t->ctx = ctx;
	return t;
}

/* take f out of the map and its list, hand it over, free it */
static void
flow_emit(struct ot_flows *t, struct ot_flow *f)
{
	struct key k;
	struct ot_flow *h, **pp;
	uint64_t h1, h2;

	memset(&k, 0, sizeof(k));
	k.family = f->family;
	if (ep_cmp(f->family, f->a_addr, f->a_port, f->b_addr, f->b_port) <= 0) {
		memcpy(k.lo, f->a_addr, 16);
		memcpy(k.hi, f->b_addr, 16);
		k.lo_port = f->a_port;
		k.hi_port = f->b_port;
	} else {
		memcpy(k.lo, f->b_addr, 16);
		memcpy(k.hi, f->a_addr, 16);
		k.lo_port = f->b_port;
		k.hi_port = f->a_port;
	}
	key_hash(&k, &h1, &h2);
	h = hm_get(&t->map, h1, h2);
	for (pp = &h; *pp && *pp != f; pp = &(*pp)->hnext)
		;
	if (*pp == f) {
		*pp = f->hnext;
		if (h == NULL)
			hm_del(&t->map, h1, h2);
		else
			hm_put(&t->map, h1, h2, h);
	}
	list_del(f->closed ? &t->closed : &t->open, f);
	t->st.live--;
	if (t->fn)
		t->fn(t->ctx, f);
	free(f);
}

static void
expire(struct ot_flows *t, int64_t now)
{
	while (t->closed.head && now - t->closed.head->last_ns > OT_FLOW_LINGER_NS)
		flow_emit(t, t->closed.head);
}

static struct ot_flow *
flow_new(struct ot_flows *t, const struct ot_decoded *d, int64_t ts, uint64_t h1, uint64_t h2)
{
	struct ot_flow *f = xcalloc(1, sizeof(*f));

	f->family = d->family;
	/* a is the sender of the first packet: a SYN's (or a SYN-ACK's,
	 * whose sender sent a SYN too), else whoever spoke first */
	memcpy(f->a_addr, d->src, 16);
	memcpy(f->b_addr, d->dst, 16);
	f->a_port = d->sport;
	f->b_port = d->dport;
	f->first_ns = f->last_ns = ts;
	f->syn_ns = f->synack_ns = f->rst_ns = -1;
	f->d[0].fin_ns = f->d[1].fin_ns = -1;
	f->state = OT_FLOW_MIDSTREAM;
	f->index = t->next_index++;
	f->hnext = hm_get(&t->map, h1, h2);
	hm_put(&t->map, h1, h2, f);
	list_add(&t->open, f);
	t->st.flows++;
	if (++t->st.live > t->st.max_live)
		t->st.max_live = t->st.live;
	return f;
}

static int
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* retransmissions and out-of-order segments of one direction */
static void
track_seq(struct ot_flow_dir *dd, const struct ot_decoded *d, int64_t ts)
{
	uint32_t seglen = d->payload + ((d->flags & OT_TCP_SYN) ? 1 : 0) +
			  ((d->flags & OT_TCP_FIN) ? 1 : 0);
	uint32_t end = d->seq + seglen;

	if (seglen == 0 || (d->flags & OT_TCP_RST))
		return;
	if (!dd->have_seq) {
		dd->have_seq = 1;
		dd->next_seq = end;
		return;
	}
	if (d->seq == dd->next_seq) {
		dd->next_seq = end;
	} else if (seq_lt(dd->next_seq, d->seq)) {
		/* a hole: remember it */
		dd->gap_lo = dd->next_seq;
		dd->gap_hi = d->seq;
		dd->gap_ns = ts;
		dd->next_seq = end;
	} else if (!seq_lt(d->seq, dd->gap_lo) && seq_lt(d->seq, dd->gap_hi) &&
		   ts - dd->gap_ns < OT_FLOW_OOO_NS) {
		dd->ooo++;
	} else {
		dd->retrans++;
		if (seq_lt(dd->next_seq, end))
			dd->next_seq = end;
	}
}

static void
update_state(struct ot_flow *f)
{
	if (f->rst_ns >= 0)
		f->state = OT_FLOW_RESET;
	else if (f->d[0].fin_ns >= 0 && f->d[1].fin_ns >= 0)
		f->state = OT_FLOW_CLOSED;
	else if (f->d[0].fin_ns >= 0 || f->d[1].fin_ns >= 0)
		f->state = OT_FLOW_FIN_WAIT;
	else if (f->synack_ns >= 0 && f->d[0].frames + f->d[1].frames > 2)
		f->state = OT_FLOW_ESTABLISHED;
	else if (f->synack_ns >= 0)
		f->state = OT_FLOW_SYN_RECEIVED;
	else if (f->syn_ns >= 0)
		f->state = OT_FLOW_SYN_SENT;
}

void
ot_flows_packet(struct ot_flows *t, const struct ot_packet *pkt)
{
	struct ot_decoded d;
	struct key k;
	struct ot_flow *f;
	uint64_t h1, h2;
	int src_is_lo, dir;

	t->st.packets++;
	switch (ot_packet_decode(pkt->linktype, pkt->data, pkt->caplen, &d)) {
	case OT_DEC_LINK:
		if (t->st.skipped_link++ == 0)
			t->st.first_skipped_link = pkt->linktype;
		return;
	case OT_DEC_NOTIP:
		t->st.not_ip++;
		return;
	case OT_DEC_TRUNC:
		t->st.truncated++;
		return;
	case OT_DEC_BAD:
		t->st.bad++;
		return;
	default:
		break;
	}
	if (d.fragment) {
		t->st.fragments++;
		return;
	}
	if (!d.tcp) {
		t->st.other_ip++;
		return;
	}
	t->st.tcp++;
	expire(t, pkt->ts);
	make_key(&d, &k, &src_is_lo);
	key_hash(&k, &h1, &h2);
	for (f = hm_get(&t->map, h1, h2); f; f = f->hnext)
		if (flow_has_key(f, &k))
			break;
	/* a new SYN on a closed tuple, or with another ISN: a new connection */
	if (f && (d.flags & (OT_TCP_SYN | OT_TCP_ACK)) == OT_TCP_SYN) {
		dir = ep_cmp(d.family, d.src, d.sport, f->a_addr, f->a_port) == 0 ? 0 : 1;
		if (f->closed || (f->d[dir].have_isn && f->d[dir].isn != d.seq)) {
			flow_emit(t, f);
			f = NULL;
		}
	}
	if (f == NULL)
		f = flow_new(t, &d, pkt->ts, h1, h2);
	dir = ep_cmp(d.family, d.src, d.sport, f->a_addr, f->a_port) == 0 ? 0 : 1;
	f->last_ns = pkt->ts;
	f->d[dir].frames++;
	f->d[dir].bytes += pkt->len;
	f->d[dir].payload += d.payload;
	if (d.flags & OT_TCP_SYN) {
		if (!f->d[dir].have_isn) {
			f->d[dir].have_isn = 1;
			f->d[dir].isn = d.seq;
		}
		if (d.flags & OT_TCP_ACK) {
			if (f->synack_ns < 0)
				f->synack_ns = pkt->ts;
		} else if (f->syn_ns < 0) {
			f->syn_ns = pkt->ts;
		}
	}
	if ((d.flags & OT_TCP_FIN) && f->d[dir].fin_ns < 0)
		f->d[dir].fin_ns = pkt->ts;
	if ((d.flags & OT_TCP_RST) && f->rst_ns < 0)
		f->rst_ns = pkt->ts;
	track_seq(&f->d[dir], &d, pkt->ts);
	update_state(f);
	if (f->closed) {
		/* keep the closed list ordered by last packet */
		list_del(&t->closed, f);
		list_add(&t->closed, f);
	} else if (f->state == OT_FLOW_RESET || f->state == OT_FLOW_CLOSED) {
		list_del(&t->open, f);
		f->closed = 1;
		list_add(&t->closed, f);
	}
}

static int
index_cmp(const void *a, const void *b)
{
	const struct ot_flow *x = *(struct ot_flow *const *)a, *y = *(struct ot_flow *const *)b;

	return x->index < y->index ? -1 : x->index > y->index;
}

void
ot_flows_finish(struct ot_flows *t)
{
	struct ot_flow **v, *f;
	size_t n = 0, i;

	v = xmalloc(st_mult((size_t)t->st.live + 1, sizeof(*v)));
	for (f = t->open.head; f; f = f->next)
		v[n++] = f;
	for (f = t->closed.head; f; f = f->next)
		v[n++] = f;
	qsort(v, n, sizeof(*v), index_cmp);
	for (i = 0; i < n; i++)
		flow_emit(t, v[i]);
	free(v);
}

const struct ot_flow_stats *
ot_flows_stats(const struct ot_flows *t)
{
	return &t->st;
}

void
ot_flows_free(struct ot_flows *t)
{
	struct ot_flow *f, *n;

	if (t == NULL)
		return;
	for (f = t->open.head; f; f = n) {
		n = f->next;
		free(f);
	}
	for (f = t->closed.head; f; f = n) {
		n = f->next;
		free(f);
	}
	hm_free(&t->map);
	free(t);
}
