/*
 * gen_capture.c - the packets of a scenario's connections, as a host-side
 * capture sees them (offtrace gen --pcap/--pcapng, and as the .etl records
 * of Windows' packet loggers, --pktmon/--netsh), put where the scenario's
 * objects were offloaded, and what the capture rules of doc/rules.md
 * section 5 must find from where they were put.
 */
#include "gen_int.h"

#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/etlw.h"
#include "offtrace/gen.h"
#include "offtrace/pcap.h"
#include "offtrace/providers.h"
#include "offtrace/util.h"

struct cseg {
	int64_t ts;
	uint64_t ord;		/* breaks ties: creation order */
	int conn;		/* node index of the connection */
	uint8_t flags;
	int from_b;		/* sent by b (the server) */
	uint32_t seq, ack, payload;
};

struct capture {
	struct cseg *v;
	size_t n, cap;
};

static void
seg(struct capture *c, int conn, int64_t ts, int from_b, uint8_t flags,
    uint32_t *seq, uint32_t payload)
{
	struct cseg *x;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = xrealloc(c->v, st_mult(c->cap, sizeof(*c->v)));
	}
	x = &c->v[c->n];
	x->ts = ts;
	x->ord = c->n++;
	x->conn = conn;
	x->flags = flags;
	x->from_b = from_b;
	x->seq = seq[from_b];
	x->ack = (flags & OT_TCP_ACK) ? seq[!from_b] : 0;
	x->payload = payload;
	seq[from_b] += payload + ((flags & (OT_TCP_SYN | OT_TCP_FIN)) ? 1 : 0);
}

static int
cseg_cmp(const void *a, const void *b)
{
	const struct cseg *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

static void
tuple_ports(int tup, unsigned *sport, unsigned *dport)
{
	*sport = 49152u + (unsigned)tup * 37u % 16000u;
	*dport = tup % 3 == 0 ? 445u : tup % 3 == 1 ? 443u : 80u;
}

/* Data then FIN both ways from t (the host's ordinary close). */
static void
close_fin(struct capture *c, int conn, int64_t t, uint32_t *seq)
{
	seg(c, conn, t, 0, OT_TCP_ACK | OT_TCP_PSH, seq, 120);
	seg(c, conn, t + 40000, 1, OT_TCP_ACK | OT_TCP_PSH, seq, 300);
	seg(c, conn, t + 80000, 0, OT_TCP_ACK | OT_TCP_FIN, seq, 0);
	seg(c, conn, t + 120000, 1, OT_TCP_ACK | OT_TCP_FIN, seq, 0);
	seg(c, conn, t + 160000, 0, OT_TCP_ACK, seq, 0);
}

/*
 * The packets of every tcp connection of the scenario (one per tuple;
 * the judged object is the non-im one, doc/rules.md 5), and what the
 * capture rules must find, from where the packets were put.  Segment
 * times are odd nanoseconds, so none ties with an event.
 */
static void
build_capture(struct gen *g, struct capture *c, int64_t *end)
{
	int64_t grace = 2000000000;	/* OT_GRACE_DEFAULT */
	size_t first, k;
	unsigned i, j;

	for (i = 0; i < g->nnodes; i++) {
		struct node *x = &g->nodes[i], *y;
		int64_t t_first = T_NONE, before = T_NONE, t_syn, h, t_close = T_NONE;
		uint32_t seq[2];
		uint64_t inside = 0;
		int dup = 0;

		if (strcmp(x->state, "tcp") != 0 || !strcmp(x->layer, "im") ||
		    x->t_init == T_NONE)
			continue;
		/* the group: nodes sharing the tuple (an im stack) */
		for (j = 0; j < g->nnodes; j++) {
			y = &g->nodes[j];
			if (strcmp(y->state, "tcp") != 0 || y->tup != x->tup ||
			    y->t_init == T_NONE)
				continue;
			if (j < i && strcmp(y->layer, "im") != 0)
				dup = 1;
			if (t_first == T_NONE || y->t_init < t_first) {
				t_first = y->t_init;
				before = y->t_before;
			}
		}
		if (dup)
			continue;
		seq[0] = 1000u + (uint32_t)x->tup * 7919u;
		seq[1] = 5000u + (uint32_t)x->tup * 104729u;
		first = c->n;
		/* handshake between the event before and the initiate */
		t_syn = x->syn_lead ? t_first - x->syn_lead :
			before + (t_first - before) / 8;
		h = (t_first - t_syn) / 4;
		seg(c, (int)i, t_syn + 7, 0, OT_TCP_SYN, seq, 0);
		seg(c, (int)i, t_syn + h + 7, 1, OT_TCP_SYN | OT_TCP_ACK, seq, 0);
		seg(c, (int)i, t_syn + 2 * h + 7, 0, OT_TCP_ACK, seq, 0);
		if (x->n_inside)
			for (j = 0; j < x->n_inside; j++)
				seg(c, (int)i, x->t_inside + (int64_t)j * 20000 + 13,
				    j % 2, OT_TCP_ACK | OT_TCP_PSH, seq, 200 + 10 * j);
		if (x->t_wire != T_NONE) {
			if (x->wire_rst) {
				seg(c, (int)i, x->t_wire + 7, 1, OT_TCP_RST | OT_TCP_ACK, seq, 0);
				t_close = x->t_wire + 7;
			} else {
				seg(c, (int)i, x->t_wire + 7, 1, OT_TCP_FIN | OT_TCP_ACK, seq, 0);
				seg(c, (int)i, x->t_wire + 30007, 0, OT_TCP_FIN | OT_TCP_ACK, seq, 0);
				seg(c, (int)i, x->t_wire + 60007, 1, OT_TCP_ACK, seq, 0);
				t_close = x->t_wire + 30007;
			}
		} else if (x->t_done != T_NONE && !x->init_ok) {
			close_fin(c, (int)i, x->t_done + 100007, seq);
		} else if (x->t_term_done != T_NONE) {
			close_fin(c, (int)i, x->t_term_done + 100007, seq);
		}
		g->flows++;
		g->joined++;
		/* W2: segments inside initiate done -> terminate requested */
		for (k = first; k < c->n; k++)
			if (x->init_ok && c->v[k].ts > x->t_done &&
			    (x->t_term_req == T_NONE || c->v[k].ts < x->t_term_req))
				inside++;
		if (inside)
			gen_viol(g, "W2", x->slot);
		/* W3: SYN seen -> initiate done with success */
		if (x->init_ok) {
			g->w3 = xrealloc(g->w3, st_mult(g->nw3 + 1, sizeof(*g->w3)));
			g->w3[g->nw3++] = x->t_done - (t_syn + 7);
		}
		for (k = first; k < c->n; k++)
			if (c->v[k].ts > *end)
				*end = c->v[k].ts;
		x->t_wire = t_close;	/* now the close time, for W1 below */
	}
	/* W1: closed on the wire, offloaded, not terminated within the grace,
	 * and the trace (events and packets) goes on past it */
	for (i = 0; i < g->nnodes; i++) {
		struct node *x = &g->nodes[i];

		if (strcmp(x->state, "tcp") != 0 || x->t_wire == T_NONE ||
		    !x->init_ok || x->t_done > x->t_wire ||
		    *end <= x->t_wire + grace || x->fate == F_LOST ||
		    (x->t_term_done != T_NONE && x->t_term_done <= x->t_wire + grace))
			continue;
		gen_viol(g, "W1", x->slot);
		gen_leak(g, x->slot, "wire_close");
		g->sum.leaked++;
		if (x->fate == F_LIVE)
			x->fate = F_LEAKED;
	}
	if (c->n)
		qsort(c->v, c->n, sizeof(*c->v), cseg_cmp);
}

/* The segment x as the writers take it (a, b hold its addresses). */
static void
seg_of(const struct gen *g, const struct cseg *x, int64_t skew, uint8_t a[16],
       uint8_t b[16], struct ot_pcapw_seg *sg)
{
	const struct node *nd = &g->nodes[x->conn];
	char as[32], bs[32];
	unsigned sp, dp;

	gen_tuple_addr(nd->tup, as, sizeof(as), bs, sizeof(bs));
	tuple_ports(nd->tup, &sp, &dp);
	memset(a, 0, 16);
	memset(b, 0, 16);
	if (sscanf(as, "%hhu.%hhu.%hhu.%hhu", &a[0], &a[1], &a[2], &a[3]) != 4 ||
	    sscanf(bs, "%hhu.%hhu.%hhu.%hhu", &b[0], &b[1], &b[2], &b[3]) != 4)
		abort();	/* BUG: tuple_addr writes IPv4 */
	memset(sg, 0, sizeof(*sg));
	sg->ts = TS_BASE + x->ts + skew;
	sg->family = 4;
	sg->src = x->from_b ? b : a;
	sg->dst = x->from_b ? a : b;
	sg->sport = (uint16_t)(x->from_b ? dp : sp);
	sg->dport = (uint16_t)(x->from_b ? sp : dp);
	sg->seq = x->seq;
	sg->ack = x->ack;
	sg->flags = x->flags;
	sg->payload = x->payload;
	sg->outbound = !x->from_b;
}

static int
write_capture(struct gen *g, const struct capture *c, FILE *f, int ng, int64_t skew)
{
	struct ot_pcapw *w = ot_pcapw_new(f, ng);
	struct ot_pcapw_seg sg;
	uint8_t a[16], b[16];
	size_t k;
	int rc = 0;

	for (k = 0; k < c->n && rc == 0; k++) {
		seg_of(g, &c->v[k], skew, a, b, &sg);
		rc = ot_pcapw_tcp(w, &sg);
	}
	if (ot_pcapw_close(w) < 0)
		rc = -1;
	return rc;
}

/*
 * The same packets as .etl records (providers.c has the layouts and their
 * sources).  netsh trace: one NDIS-PacketCapture 1001 record per packet,
 * as since Windows 8.1 (start and end keywords), on interface 7.  pktmon:
 * each packet appears at the three components of a small stack, TCPIP
 * (3), a filter (2), the NIC (1), top down when sent and bottom up when
 * received, 100 ns apart; a received packet inside an offload window is
 * dropped by the filter (event 170, reason 8 Filtered), so that the
 * drop is evidence for the offloaded object; the components are named at
 * the end, as pktmon does.  The first appearance is at the segment's time,
 * so the packets counted once each are the pcap's.
 */
struct prec {
	int64_t ts;
	uint64_t ord;
	uint16_t id;
	uint64_t kw;
	uint8_t *pl;
	size_t len;
};

struct plog {
	struct prec *v;
	size_t n, cap;
};

static uint8_t *
plog_add(struct plog *l, int64_t ts, uint16_t id, uint64_t kw, size_t len)
{
	struct prec *r;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = xrealloc(l->v, st_mult(l->cap, sizeof(*l->v)));
	}
	r = &l->v[l->n];
	r->ts = ts;
	r->ord = l->n++;
	r->id = id;
	r->kw = kw;
	r->len = len;
	r->pl = xcalloc(1, len ? len : 1);
	return r->pl;
}

static int
prec_cmp(const void *pa, const void *pb)
{
	const struct prec *x = pa, *y = pb;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* PktMon 160/170 FramePayload: the 34-byte header, then the frame. */
static void
pktmon_frame(struct plog *l, int64_t ts, int drop, uint64_t group, uint16_t app,
	     uint16_t comp, int outbound, const uint8_t *frame, size_t flen)
{
	uint8_t *p = plog_add(l, ts, drop ? 170 : 160, 0x10, 34 + flen);

	ot_put_le64(p, group);			/* PktGroupId */
	ot_put_le16(p + 8, 1);			/* PktNumber */
	ot_put_le16(p + 10, app);		/* AppearanceCount */
	ot_put_le16(p + 12, outbound ? 4 : 3);	/* DirTag: Tx, Rx */
	ot_put_le16(p + 14, 1);			/* PacketType: Ethernet */
	ot_put_le16(p + 16, comp);		/* ComponentId */
	ot_put_le16(p + 18, 1);			/* EdgeId */
	ot_put_le16(p + 20, 0);			/* FilterId */
	ot_put_le32(p + 22, drop ? 8 : 0);	/* DropReason: Filtered */
	ot_put_le32(p + 26, drop ? 0x0e000001u : 0);	/* DropLocation */
	ot_put_le16(p + 30, (uint16_t)flen);	/* OriginalPayloadSize */
	ot_put_le16(p + 32, (uint16_t)flen);	/* LoggedPayloadSize */
	memcpy(p + 34, frame, flen);
}

/* PktMon 20 ComponentInfo: u16 Id, u16 Type, Name, Description (UTF-16LE) */
static void
pktmon_component(struct plog *l, int64_t ts, uint16_t id, uint16_t type,
		 const char *name, const char *desc)
{
	size_t nn = strlen(name) + 1, nd = strlen(desc) + 1, i;
	uint8_t *p = plog_add(l, ts, 20, 0x1, 4 + 2 * (nn + nd));

	ot_put_le16(p, id);
	ot_put_le16(p + 2, type);
	for (i = 0; i < nn; i++)
		ot_put_le16(p + 4 + 2 * i, (uint8_t)name[i]);
	for (i = 0; i < nd; i++)
		ot_put_le16(p + 4 + 2 * (nn + i), (uint8_t)desc[i]);
}

static int
write_pktlog(struct gen *g, const struct capture *c, FILE *f, int netsh)
{
	static const uint16_t down[3] = { 3, 2, 1 }, up[3] = { 1, 2, 3 };
	struct ot_etlw_opts eo = { 0x10000, 1000000000, 1, 0 };
	struct plog l = { NULL, 0, 0 };
	struct ot_etlw *w = NULL;
	struct ot_etlw_rec rec;
	struct ot_pcapw_seg sg;
	struct ot_err err;
	uint8_t *frame = xmalloc(OT_PCAPW_MAX_FRAME), a[16], b[16], *p;
	int64_t last = TS_BASE;
	size_t k, flen;
	int rc = -1, i, drop;

	for (k = 0; k < c->n; k++) {
		const struct cseg *x = &c->v[k];
		const struct node *nd = &g->nodes[x->conn];

		seg_of(g, x, 0, a, b, &sg);
		flen = ot_pcapw_frame(frame, &sg, (uint16_t)(k & 0xffff));
		if (netsh) {
			p = plog_add(&l, sg.ts, 1001, UINT64_C(0x1) | UINT64_C(0x40000000) |
				     UINT64_C(0x80000000) | (sg.outbound ? UINT64_C(0x100000000) :
				     UINT64_C(0x200000000)), 12 + flen + 16);
			ot_put_le32(p, 7);		/* MiniportIfIndex */
			ot_put_le32(p + 4, 7);		/* LowerIfIndex */
			ot_put_le32(p + 8, (uint32_t)flen);	/* FragmentSize */
			memcpy(p + 12, frame, flen);	/* then the two GFT u64s, 0 */
			continue;
		}
		/* a received packet inside an offload window: the filter drops it */
		drop = !sg.outbound && nd->init_ok && x->ts > nd->t_done &&
		       (nd->t_term_req == T_NONE || x->ts < nd->t_term_req);
		for (i = 0; i < 3; i++) {
			pktmon_frame(&l, sg.ts + 100 * i, drop && i == 1, 0x10000 + k,
				     (uint16_t)(i + 1), sg.outbound ? down[i] : up[i],
				     sg.outbound, frame, flen);
			if (drop && i == 1)
				break;
		}
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), prec_cmp);
	if (l.n)
		last = l.v[l.n - 1].ts;
	if (!netsh) {
		/* the components, named at the end as pktmon does */
		pktmon_component(&l, last + 1000, 1, 2, "gennic.sys", "offtrace gen NIC");
		pktmon_component(&l, last + 1000, 2, 3, "genlwf.sys", "offtrace gen filter");
		pktmon_component(&l, last + 1000, 3, 4, "tcpip.sys", "TCPIP");
		last += 1000;
	}
	memset(&err, 0, sizeof(err));
	if ((w = ot_etlw_open(f, &eo, l.n ? l.v[0].ts : TS_BASE, &err)) == NULL)
		goto out;
	for (k = 0; k < l.n; k++) {
		memset(&rec, 0, sizeof(rec));
		rec.ts = l.v[k].ts;
		memcpy(rec.provider, netsh ? ot_ndiscap_guid : ot_pktmon_guid, 16);
		rec.id = l.v[k].id;
		rec.keyword = l.v[k].kw;
		rec.payload = l.v[k].pl;
		rec.len = l.v[k].len;
		if (ot_etlw_record(w, &rec, &err) < 0)
			goto out;
	}
	rc = ot_etlw_close(w, last, &err);
	w = NULL;
out:
	ot_etlw_close(w, last, NULL);
	for (k = 0; k < l.n; k++)
		free(l.v[k].pl);
	free(l.v);
	free(frame);
	return rc;
}

/*
 * Build the capture of the scenario written so far and write it as pcap
 * and/or pcapng (those not NULL), skew added to its times; the capture's
 * findings go to the truth.  0, or -1 when a capture could not be written.
 */
int
gen_capture(struct gen *g, const struct ot_gen_opts *o)
{
	struct capture capt = { NULL, 0, 0 };
	int64_t end = g->last_ts;
	int rc = 0;

	build_capture(g, &capt, &end);
	if ((o->pcap && write_capture(g, &capt, o->pcap, 0, o->pcap_skew) < 0) ||
	    (o->pcapng && write_capture(g, &capt, o->pcapng, 1, o->pcap_skew) < 0) ||
	    (o->pktmon && write_pktlog(g, &capt, o->pktmon, 0) < 0) ||
	    (o->netsh && write_pktlog(g, &capt, o->netsh, 1) < 0))
		rc = -1;
	free(capt.v);
	return rc;
}

/* ---- the streamed capture (scale) -------------------------------------- */

/* A segment waiting to be written: its time, creation order and packet. */
struct sseg {
	int64_t ts;
	uint64_t ord;
	struct gen_conn c;	/* addresses and ports (seq unused) */
	uint32_t seq, ack, payload;
	uint8_t flags;
	uint8_t from_b;
};

struct gen_stream {
	struct ot_pcapw *w[2];	/* pcap, pcapng */
	struct sseg *h;		/* min-heap by (ts, ord) */
	size_t n, cap;
	uint64_t ord;
};

static int
sless(const struct sseg *x, const struct sseg *y)
{
	return x->ts < y->ts || (x->ts == y->ts && x->ord < y->ord);
}

static void
stream_seg(struct gen_stream *s, struct gen_conn *c, int64_t ts, int from_b,
	   uint8_t flags, uint32_t payload)
{
	struct sseg x;
	size_t i;

	memset(&x, 0, sizeof(x));
	x.ts = ts;
	x.ord = s->ord++;
	x.c = *c;
	x.flags = flags;
	x.from_b = (uint8_t)from_b;
	x.seq = c->seq[from_b];
	x.ack = (flags & OT_TCP_ACK) ? c->seq[!from_b] : 0;
	x.payload = payload;
	c->seq[from_b] += payload + ((flags & (OT_TCP_SYN | OT_TCP_FIN)) ? 1 : 0);
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->h = xrealloc(s->h, st_mult(s->cap, sizeof(*s->h)));
	}
	i = s->n++;
	while (i > 0 && sless(&x, &s->h[(i - 1) / 2])) {
		s->h[i] = s->h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	s->h[i] = x;
}

static struct sseg
stream_pop(struct gen_stream *s)
{
	struct sseg top = s->h[0], last = s->h[--s->n];
	size_t i = 0, c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= s->n)
			break;
		if (c + 1 < s->n && sless(&s->h[c + 1], &s->h[c]))
			c++;
		if (!sless(&s->h[c], &last))
			break;
		s->h[i] = s->h[c];
		i = c;
	}
	if (s->n)
		s->h[i] = last;
	return top;
}

/* Write the waiting segments up to time upto (all of them when INT64_MAX). */
static void
stream_write(struct gen *g, int64_t upto)
{
	struct gen_stream *s = g->stream;
	struct ot_pcapw_seg sg;
	struct sseg x;
	int k;

	while (s->n && s->h[0].ts <= upto) {
		x = stream_pop(s);
		memset(&sg, 0, sizeof(sg));
		sg.ts = TS_BASE + x.ts + g->cap_skew;
		sg.family = 4;
		sg.src = x.from_b ? x.c.b : x.c.a;
		sg.dst = x.from_b ? x.c.a : x.c.b;
		sg.sport = x.from_b ? x.c.dport : x.c.sport;
		sg.dport = x.from_b ? x.c.sport : x.c.dport;
		sg.seq = x.seq;
		sg.ack = x.ack;
		sg.flags = x.flags;
		sg.payload = x.payload;
		sg.outbound = !x.from_b;
		for (k = 0; k < 2; k++)
			if (s->w[k] && ot_pcapw_tcp(s->w[k], &sg) < 0)
				g->cap_failed = 1;
	}
}

void
gen_stream_begin(struct gen *g)
{
	struct gen_stream *s;

	if (!g->cap_pcap && !g->cap_pcapng)
		return;
	s = xcalloc(1, sizeof(*s));
	if (g->cap_pcap)
		s->w[0] = ot_pcapw_new(g->cap_pcap, 0);
	if (g->cap_pcapng)
		s->w[1] = ot_pcapw_new(g->cap_pcapng, 1);
	g->stream = s;
	g->cap_streamed = 1;
}

/* The handshake, put as gen_capture() puts it for a node. */
void
gen_stream_open(struct gen *g, struct gen_conn *c, int tup, const char *src,
		const char *dst, int64_t t_init)
{
	int64_t before = g->nev ? g->last_ts : t_init - 2000000, h;
	unsigned sp, dp;

	if (!g->stream)
		return;
	memset(c, 0, sizeof(*c));
	if (sscanf(src, "%hhu.%hhu.%hhu.%hhu", &c->a[0], &c->a[1], &c->a[2], &c->a[3]) != 4 ||
	    sscanf(dst, "%hhu.%hhu.%hhu.%hhu", &c->b[0], &c->b[1], &c->b[2], &c->b[3]) != 4)
		abort();	/* BUG: the scenario's addresses are IPv4 */
	tuple_ports(tup, &sp, &dp);
	c->sport = (uint16_t)sp;
	c->dport = (uint16_t)dp;
	c->seq[0] = 1000u + (uint32_t)tup * 7919u;
	c->seq[1] = 5000u + (uint32_t)tup * 104729u;
	c->t_syn = before + (t_init - before) / 8;
	h = (t_init - c->t_syn) / 4;
	stream_seg(g->stream, c, c->t_syn + 7, 0, OT_TCP_SYN, 0);
	stream_seg(g->stream, c, c->t_syn + h + 7, 1, OT_TCP_SYN | OT_TCP_ACK, 0);
	stream_seg(g->stream, c, c->t_syn + 2 * h + 7, 0, OT_TCP_ACK, 0);
	g->flows++;
	g->joined++;
}

/* Data then FIN both ways from t, as close_fin(). */
static void
stream_fin(struct gen_stream *s, struct gen_conn *c, int64_t t)
{
	stream_seg(s, c, t, 0, OT_TCP_ACK | OT_TCP_PSH, 120);
	stream_seg(s, c, t + 40000, 1, OT_TCP_ACK | OT_TCP_PSH, 300);
	stream_seg(s, c, t + 80000, 0, OT_TCP_ACK | OT_TCP_FIN, 0);
	stream_seg(s, c, t + 120000, 1, OT_TCP_ACK | OT_TCP_FIN, 0);
	stream_seg(s, c, t + 160000, 0, OT_TCP_ACK, 0);
}

void
gen_stream_done(struct gen *g, struct gen_conn *c, int64_t t_done, int ok)
{
	if (!g->stream)
		return;
	if (!ok) {
		stream_fin(g->stream, c, t_done + 100007);
		return;
	}
	/* W3: SYN seen -> initiate done with success */
	g->w3 = xrealloc(g->w3, st_mult(g->nw3 + 1, sizeof(*g->w3)));
	g->w3[g->nw3++] = t_done - (c->t_syn + 7);
}

void
gen_stream_close(struct gen *g, struct gen_conn *c, int64_t t_term_done)
{
	if (g->stream)
		stream_fin(g->stream, c, t_term_done + 100007);
}

/*
 * Every segment still to come is later than the last event written: a
 * handshake falls after the event before its initiate, a close after a
 * completion.  So what is not later can go out.
 */
void
gen_stream_flush(struct gen *g)
{
	if (g->stream)
		stream_write(g, g->last_ts);
}

void
gen_stream_end(struct gen *g)
{
	struct gen_stream *s = g->stream;
	int k;

	if (!s)
		return;
	stream_write(g, INT64_MAX);
	for (k = 0; k < 2; k++)
		if (s->w[k] && ot_pcapw_close(s->w[k]) < 0)
			g->cap_failed = 1;
	free(s->h);
	free(s);
	g->stream = NULL;
}
