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

/* address bytes compared in memory order, an IPv4 one as a single load */
static inline int
ep_cmp(int fam, const uint8_t *a, uint16_t ap, const uint8_t *b, uint16_t bp)
{
	int c;

	if (fam == 4) {
		uint32_t x = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
		uint32_t y = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];

		c = x < y ? -1 : x > y;
	} else {
		c = memcmp(a, b, 16);
	}
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
 * Two hashes of the key, a word at a time: this runs once per packet, and
 * a byte-wise FNV over the 38 bytes was a tenth of a flows pass.  The
 * first folds every word in with a multiply each and ends in fmix(); the
 * second, cheaper, only has to make a clash of the first rarer still.
 * The pair is the hash map's key; equal pairs of different keys are told
 * apart by flow_has_key().
 */
void
ot_flow_key_hash(const struct ot_flow_key *k, uint64_t *h1, uint64_t *h2)
{
	uint64_t w[4], p, x, y;

	memcpy(w, k->lo, 16);
	memcpy(w + 2, k->hi, 16);
	p = (uint64_t)k->lo_port << 32 | (uint64_t)k->hi_port << 16 |
	    (uint64_t)(uint8_t)k->family;
	x = (w[0] ^ UINT64_C(0x9e3779b97f4a7c15)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 29) ^ w[1]) * UINT64_C(0x94d049bb133111eb);
	x = (x ^ (x >> 31) ^ w[2]) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 29) ^ w[3]) * UINT64_C(0x94d049bb133111eb);
	x = fmix(x ^ (x >> 31) ^ p);
	y = (w[0] + w[3]) * UINT64_C(0x632be59bd9b4e019) ^ (w[1] + w[2] + p);
	*h1 = x | 1;	/* never the reserved (0, 0) */
	*h2 = y ^ (y >> 32);
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

/* take f out of the map (unless the map is about to be cleared) and its
 * list, hand it over, keep it for reuse */
static void
flow_emit(struct ot_flows *t, struct ot_flow *f, int unmap)
{
	struct ot_flow *h, **pp;

	/* f heads its chain but when two keys' hashes collide */
	if (unmap && !hm_replace_if(&t->map, f->h1, f->h2, f, f->hnext)) {
		h = hm_get(&t->map, f->h1, f->h2);
		for (pp = &h; *pp && *pp != f; pp = &(*pp)->hnext)
			;
		if (*pp == f)
			*pp = f->hnext;
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
	struct ot_flow *f;

	while ((f = t->closed.head) != NULL &&
	       ot_time_sub_sat(now, f->last_ns) > OT_FLOW_LINGER_NS) {
		/* the next to leave is older still: ask for its bucket now */
		if (f->next != NULL)
			hm_prefetch(&t->map, f->next->h1, f->next->h2, 0);
		flow_emit(t, f, 1);
	}
}

static struct ot_flow *
flow_new(struct ot_flows *t, const struct ot_decoded *d, int64_t ts, uint64_t h1, uint64_t h2)
{
	struct ot_flow *f = t->spare;
	void **cell;

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
	f->h1 = h1;
	f->h2 = h2;
	cell = hm_cell(&t->map, h1, h2);
	f->hnext = *cell;
	*cell = f;
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
		   ot_time_sub_sat(ts, dd->gap_ns) < OT_FLOW_OOO_NS) {
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
frag_later(struct ot_flows *t, const struct ot_decoded *d, int64_t ts, uint32_t len)
{
	struct frag_ent *fe = frag_slot(t, d);
	struct ot_flow *f;
	int dir;

	if (!frag_match(fe, d))
		return NULL;
	f = fe->flow;
	dir = memcmp(d->src, f->a_addr, d->family == 4 ? 4 : 16) == 0 ? 0 : 1;
	f->last_ns = ts;
	f->d[dir].frames++;
	f->d[dir].bytes += len;
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
		if (ot_time_sub_sat(ts, f->syn_ns) > max_age)
			break;		/* older ones are older still */
		if (f->njoin == 0)
			return f;
	}
	return NULL;
}

/* The live flow with key k, whose hash is (h1, h2). */
static struct ot_flow *
find_hashed(const struct ot_flows *t, const struct key *k, uint64_t h1, uint64_t h2)
{
	struct ot_flow *f;

	for (f = hm_get(&t->map, h1, h2); f; f = f->hnext)
		if (flow_has_key(f, k))
			return f;
	return NULL;
}

struct ot_flow *
ot_flows_find(struct ot_flows *t, const struct key *k)
{
	uint64_t h1, h2;

	ot_flow_key_hash(k, &h1, &h2);
	return find_hashed(t, k, h1, h2);
}

void
ot_flow_prep(struct ot_flow_pkt *fp, const struct ot_packet *pkt)
{
	struct ot_decoded *d = &fp->d;

	fp->ts = pkt->ts;
	fp->len = pkt->len;
	fp->linktype = pkt->linktype;
	/* the length on the wire too: an offload-sized frame's IP length
	 * is the frame's (pcap.h enum ot_len_from) */
	if (ot_packet_decode_len(pkt->linktype, pkt->data, pkt->caplen, pkt->len, d) == OT_DEC_OK &&
	    d->tcp) {
		ot_flow_key_make(&fp->k, d->family, d->src, d->sport, d->dst, d->dport);
		ot_flow_key_hash(&fp->k, &fp->h1, &fp->h2);
	}
}

void
ot_flows_prefetch(const struct ot_flows *t, const struct ot_flow_pkt *fp, int stage)
{
	if (fp->d.status == OT_DEC_OK && fp->d.tcp)
		hm_prefetch(&t->map, fp->h1, fp->h2, stage);
}

struct ot_flow *
ot_flows_packet(struct ot_flows *t, const struct ot_packet *pkt)
{
	struct ot_flow_pkt fp;

	ot_flow_prep(&fp, pkt);
	return ot_flows_add(t, &fp);
}

struct ot_flow *
ot_flows_add(struct ot_flows *t, const struct ot_flow_pkt *fp)
{
	const struct ot_decoded *d = &fp->d;
	const struct key *k = &fp->k;
	struct ot_flow *f;
	uint64_t h1 = fp->h1, h2 = fp->h2;
	int64_t ts = fp->ts;
	int dir;

	t->st.packets++;
	switch (d->status) {
	case OT_DEC_LINK:
		if (t->st.skipped_link++ == 0)
			t->st.first_skipped_link = fp->linktype;
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
	if (d->fragment)
		t->st.fragments++;
	if (!d->tcp) {
		if (d->fragment && d->proto == 6) {
			expire(t, ts);
			return frag_later(t, d, ts, fp->len);
		}
		t->st.other_ip++;
		return NULL;
	}
	t->st.tcp++;
	expire(t, ts);
	if (t->last != NULL && memcmp(k, &t->last_key, sizeof(*k)) == 0) {
		f = t->last;
	} else {
		f = find_hashed(t, k, h1, h2);
	}
	/* a new SYN on a closed tuple, or with another ISN: a new connection */
	if (f && (d->flags & (OT_TCP_SYN | OT_TCP_ACK)) == OT_TCP_SYN) {
		dir = ep_cmp(d->family, d->src, d->sport, f->a_addr, f->a_port) == 0 ? 0 : 1;
		if (f->closed || (f->d[dir].have_isn && f->d[dir].isn != d->seq)) {
			flow_emit(t, f, 1);
			f = NULL;
		}
	}
	if (f == NULL)
		f = flow_new(t, d, ts, h1, h2);
	t->last = f;
	t->last_key = *k;
	dir = ep_cmp(d->family, d->src, d->sport, f->a_addr, f->a_port) == 0 ? 0 : 1;
	f->last_ns = ts;
	f->d[dir].frames++;
	f->d[dir].bytes += fp->len;
	if (d->fragment) {
		/* a first fragment: its payload is partial, so no sequence
		 * tracking; remember it for the later fragments */
		struct frag_ent *fe = frag_slot(t, d);

		fe->family = d->family;
		fe->id = d->frag_id;
		memcpy(fe->src, d->src, 16);
		memcpy(fe->dst, d->dst, 16);
		fe->flow = f;
		f->fragments++;
	} else {
		f->d[dir].payload += d->payload;
	}
	if (d->flags & OT_TCP_SYN) {
		if (!f->d[dir].have_isn) {
			f->d[dir].have_isn = 1;
			f->d[dir].isn = d->seq;
		}
		if (d->flags & OT_TCP_ACK) {
			if (f->synack_ns < 0)
				f->synack_ns = ts;
		} else if (f->syn_ns < 0) {
			f->syn_ns = ts;
		}
	}
	if ((d->flags & OT_TCP_FIN) && f->d[dir].fin_ns < 0)
		f->d[dir].fin_ns = ts;
	if ((d->flags & OT_TCP_RST) && f->rst_ns < 0)
		f->rst_ns = ts;
	if (!d->fragment)
		track_seq(&f->d[dir], d, ts);
	update_state(f);
	if (f->closed) {
		/* keep the closed list ordered by last packet */
		list_del(&t->closed, f);
		list_add(&t->closed, f);
	} else if (f->state == OT_FLOW_RESET || f->state == OT_FLOW_CLOSED) {
		list_del(&t->open, f);
		f->closed = 1;
		f->close_ns = ts;
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
	hm_clear(&t->map);	/* every flow leaves: no lookups to keep up */
	t->last = NULL;
	for (i = 0; i < n; i++)
		flow_emit(t, v[i], 0);
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
