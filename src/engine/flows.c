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

/*
 * Later IP fragments carry no ports: a direct-mapped cache from (family,
 * src, dst, identification) of recent first fragments to their flow's
 * index lets them be counted in the flow.  A miss only loses the count.
 */
#define FRAG_CACHE 256

struct frag_ent {
	int family;
	uint32_t id;
	uint8_t src[16], dst[16];
	struct ot_flow *flow;	/* cleared when the flow is handed over */
};

struct ot_flows {
	struct hmap map;
	struct list open, closed;
	ot_flow_fn fn;
	void *ctx;
	struct ot_flow_stats st;
	uint64_t next_index;
	struct frag_ent frag[FRAG_CACHE];
	/* the flow of the previous TCP packet: a connection's segments come
	 * in runs, and a run needs no hashing or probing */
	struct ot_flow *last;
	struct ot_flow_key last_key;
	uint64_t last_h1, last_h2;
	/* emitted flows kept for reuse (linked by hnext): a flow per
	 * connection through malloc and free made the heap grow and shrink,
	 * and the kernel zeroed its pages again each time; at most as many
	 * as were ever live at once */
	struct ot_flow *spare;
};

#define key ot_flow_key

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

void
ot_flow_key_make(struct key *k, int fam, const uint8_t *a, uint16_t ap,
		 const uint8_t *b, uint16_t bp)
{
	memset(k, 0, sizeof(*k));
	k->family = fam;
	if (ep_cmp(fam, a, ap, b, bp) <= 0) {
		memcpy(k->lo, a, fam == 4 ? 4 : 16);
		memcpy(k->hi, b, fam == 4 ? 4 : 16);
		k->lo_port = ap;
		k->hi_port = bp;
	} else {
		memcpy(k->lo, b, fam == 4 ? 4 : 16);
		memcpy(k->hi, a, fam == 4 ? 4 : 16);
		k->lo_port = bp;
		k->hi_port = ap;
	}
}

/* A 64-bit finalizer (the xor-shift-multiply steps of splitmix64). */
static inline uint64_t
fmix(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

/*
 * Two independent hashes of the key, a word at a time: this runs once per
 * packet, and a byte-wise FNV over the 38 bytes was a tenth of a flows
 * pass.  The pair is the hash map's key; equal pairs of different keys
 * are told apart by flow_has_key().
 */
void
ot_flow_key_hash(const struct ot_flow_key *k, uint64_t *h1, uint64_t *h2)
{
	uint64_t w[4], p, x, y;

	memcpy(w, k->lo, 16);
	memcpy(w + 2, k->hi, 16);
	p = (uint64_t)k->lo_port << 32 | (uint64_t)k->hi_port << 16 |
	    (uint64_t)(uint8_t)k->family;
	x = fmix(w[0] ^ UINT64_C(0x9e3779b97f4a7c15));
	x = fmix(x ^ w[1]);
	x = fmix(x ^ w[2]);
	x = fmix(x ^ w[3]);
	x = fmix(x ^ p);
	y = fmix(p ^ UINT64_C(0x632be59bd9b4e019));
	y = fmix(y ^ w[3] ^ (w[0] << 1));
	y = fmix(y ^ w[2] ^ (w[1] << 1));
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

	ot_flow_key_make(&k, f->family, f->a_addr, f->a_port, f->b_addr, f->b_port);
	ot_flow_key_hash(&k, &h1, &h2);
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
	if (t->last == f)
		t->last = NULL;
	if (f->fragments) {
		size_t i;

		for (i = 0; i < FRAG_CACHE; i++)
			if (t->frag[i].flow == f)
				t->frag[i].flow = NULL;
	}
	if (t->fn)
		t->fn(t->ctx, f);
	f->hnext = t->spare;
	t->spare = f;
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
	struct ot_flow *f = t->spare;

	if (f != NULL) {
		t->spare = f->hnext;
		memset(f, 0, sizeof(*f));
	} else {
		f = xcalloc(1, sizeof(*f));
	}
	f->family = d->family;
	/* a is the sender of the first packet: a SYN's (or a SYN-ACK's,
	 * whose sender sent a SYN too), else whoever spoke first */
	memcpy(f->a_addr, d->src, 16);
	memcpy(f->b_addr, d->dst, 16);
	f->a_port = d->sport;
	f->b_port = d->dport;
	f->first_ns = f->last_ns = ts;
	f->syn_ns = f->synack_ns = f->rst_ns = f->close_ns = -1;
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

static struct frag_ent *
frag_slot(struct ot_flows *t, const struct ot_decoded *d)
{
	uint32_t h = d->frag_id * 2654435761u;

	h ^= (uint32_t)d->src[0] << 8 ^ d->src[3] ^ (uint32_t)d->dst[3] << 16;
	return &t->frag[(h >> 8) % FRAG_CACHE];
}

static int
frag_match(const struct frag_ent *fe, const struct ot_decoded *d)
{
	return fe->flow && fe->family == d->family && fe->id == d->frag_id &&
	       memcmp(fe->src, d->src, 16) == 0 && memcmp(fe->dst, d->dst, 16) == 0;
}

/* A later fragment: count it in its datagram's flow when remembered. */
static struct ot_flow *
frag_later(struct ot_flows *t, const struct ot_decoded *d, const struct ot_packet *pkt)
{
	struct frag_ent *fe = frag_slot(t, d);
	struct ot_flow *f;
	int dir;

	if (!frag_match(fe, d))
		return NULL;
	f = fe->flow;
	dir = memcmp(d->src, f->a_addr, d->family == 4 ? 4 : 16) == 0 ? 0 : 1;
	f->last_ns = pkt->ts;
	f->d[dir].frames++;
	f->d[dir].bytes += pkt->len;
	f->fragments++;
	return f;
}

struct ot_flow *
ot_flows_latest_unjoined(struct ot_flows *t, int64_t ts, int64_t max_age)
{
	struct ot_flow *f;

	for (f = t->open.tail; f; f = f->prev) {
		if (f->syn_ns < 0 || f->syn_ns > ts)
			continue;
		if (ts - f->syn_ns > max_age)
			break;		/* older ones are older still */
		if (f->njoin == 0)
			return f;
	}
	return NULL;
}

struct ot_flow *
ot_flows_find(struct ot_flows *t, const struct key *k)
{
	struct ot_flow *f;
	uint64_t h1, h2;

	ot_flow_key_hash(k, &h1, &h2);
	for (f = hm_get(&t->map, h1, h2); f; f = f->hnext)
		if (flow_has_key(f, k))
			return f;
	return NULL;
}

struct ot_flow *
ot_flows_packet(struct ot_flows *t, const struct ot_packet *pkt)
{
	struct ot_decoded d;
	struct key k;
	struct ot_flow *f;
	uint64_t h1, h2;
	int dir;

	t->st.packets++;
	switch (ot_packet_decode(pkt->linktype, pkt->data, pkt->caplen, &d)) {
	case OT_DEC_LINK:
		if (t->st.skipped_link++ == 0)
			t->st.first_skipped_link = pkt->linktype;
		return NULL;
	case OT_DEC_NOTIP:
		t->st.not_ip++;
		return NULL;
	case OT_DEC_TRUNC:
		t->st.truncated++;
		return NULL;
	case OT_DEC_BAD:
		t->st.bad++;
		return NULL;
	default:
		break;
	}
	if (d.fragment)
		t->st.fragments++;
	if (!d.tcp) {
		if (d.fragment && d.proto == 6) {
			expire(t, pkt->ts);
			return frag_later(t, &d, pkt);
		}
		t->st.other_ip++;
		return NULL;
	}
	t->st.tcp++;
	expire(t, pkt->ts);
	ot_flow_key_make(&k, d.family, d.src, d.sport, d.dst, d.dport);
	if (t->last != NULL && memcmp(&k, &t->last_key, sizeof(k)) == 0) {
		f = t->last;
		h1 = t->last_h1;
		h2 = t->last_h2;
	} else {
		ot_flow_key_hash(&k, &h1, &h2);
		for (f = hm_get(&t->map, h1, h2); f; f = f->hnext)
			if (flow_has_key(f, &k))
				break;
	}
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
	t->last = f;
	t->last_key = k;
	t->last_h1 = h1;
	t->last_h2 = h2;
	dir = ep_cmp(d.family, d.src, d.sport, f->a_addr, f->a_port) == 0 ? 0 : 1;
	f->last_ns = pkt->ts;
	f->d[dir].frames++;
	f->d[dir].bytes += pkt->len;
	if (d.fragment) {
		/* a first fragment: its payload is partial, so no sequence
		 * tracking; remember it for the later fragments */
		struct frag_ent *fe = frag_slot(t, &d);

		fe->family = d.family;
		fe->id = d.frag_id;
		memcpy(fe->src, d.src, 16);
		memcpy(fe->dst, d.dst, 16);
		fe->flow = f;
		f->fragments++;
	} else {
		f->d[dir].payload += d.payload;
	}
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
	if (!d.fragment)
		track_seq(&f->d[dir], &d, pkt->ts);
	update_state(f);
	if (f->closed) {
		/* keep the closed list ordered by last packet */
		list_del(&t->closed, f);
		list_add(&t->closed, f);
	} else if (f->state == OT_FLOW_RESET || f->state == OT_FLOW_CLOSED) {
		list_del(&t->open, f);
		f->closed = 1;
		f->close_ns = pkt->ts;
		list_add(&t->closed, f);
	}
	return f;
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
	for (f = t->spare; f; f = n) {
		n = f->hnext;
		free(f);
	}
	hm_free(&t->map);
	free(t);
}
