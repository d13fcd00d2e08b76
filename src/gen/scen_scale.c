/*
 * scen_scale.c - the scale scenario: --objects tcp objects under six paths
 * and two neighbors, their lives overlapping, streamed from a heap of
 * small state machines so that memory stays flat however many there are.
 * Their capture (--pcap, --pcapng) is streamed too (gen_stream_*).
 */
#include "gen_int.h"

#include <stdlib.h>
#include <string.h>

#include "offtrace/util.h"

#define SC_NEIGH 2
#define SC_PATHS 3	/* per neighbor */
#define SC_OBJ_BASE 0xffffe00200000000ull	/* SC_OBJ_STRIDE: gen_int.h */
#define SC_CTX_BASE 0xffffc98000000000ull
#define SC_CTX_STRIDE 0x300ull
#define SC_MAX_SENDS 3

/* A latency-like duration in ns (multiple of TICK): lo..hi us, with a 1 in
 * 64 tail up to tail us. */
static int64_t
rng_lat(uint64_t *s, unsigned lo_us, unsigned hi_us, unsigned tail_us)
{
	uint64_t ticks;

	if (tail_us && rng_next(s) % 64 == 0)
		ticks = rng_range(s, (uint64_t)hi_us * 10, (uint64_t)tail_us * 10);
	else
		ticks = rng_range(s, (uint64_t)lo_us * 10, (uint64_t)hi_us * 10);
	return (int64_t)ticks * TICK;
}

/* One tcp object's life, as a small state machine in the heap. */
struct sobj {
	uint64_t i;		/* object number */
	int phase;
	int nsends, sent;
	int fail;
	int tid, cpu;
	int64_t t0;		/* initiate request; then terminate request */
	struct node *path;
	struct gen_conn conn;	/* its packets, when a capture is written */
};

struct hent {
	int64_t ts;
	uint64_t seq;
	struct sobj *o;
};

struct heap {
	struct hent *a;
	size_t n, cap;
};

static int
hless(const struct hent *x, const struct hent *y)
{
	return x->ts < y->ts || (x->ts == y->ts && x->seq < y->seq);
}

static void
hpush(struct heap *h, struct hent e)
{
	size_t i;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 256;
		h->a = xrealloc(h->a, st_mult(h->cap, sizeof(*h->a)));
	}
	i = h->n++;
	while (i > 0 && hless(&e, &h->a[(i - 1) / 2])) {
		h->a[i] = h->a[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->a[i] = e;
}

static struct hent
hpop(struct heap *h)
{
	struct hent top = h->a[0], last = h->a[--h->n];
	size_t i = 0, c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && hless(&h->a[c + 1], &h->a[c]))
			c++;
		if (!hless(&h->a[c], &last))
			break;
		h->a[i] = h->a[c];
		i = c;
	}
	if (h->n)
		h->a[i] = last;
	return top;
}

/* Phases of a tcp object. */
enum {
	PH_REQ,		/* linker + tcp request events */
	PH_WRITE,	/* context write (skipped when the offload fails) */
	PH_DONE,	/* both completions */
	PH_SEND,	/* send request */
	PH_SEND_DONE,
	PH_TERM,	/* terminate request */
	PH_TERM_DONE,
	PH_END
};

/*
 * An event of object s on nic0 now: requests from its host worker,
 * context writes and completions from the DPC of one of two cpus.
 */
static void
sobj_ev(struct gev *e, const struct gen *g, const struct sobj *s,
	const char *ev, int host)
{
	memset(e, 0, sizeof(*e));
	e->ts = g->t;
	e->ev = ev;
	e->adapter = "nic0";
	e->layer = "target";
	if (host) {
		e->cpu = s->cpu;
		e->tid = s->tid;
	} else {
		e->cpu = DPC_CPU + (int)(s->i % 2);
		e->tid = DPC_TID + e->cpu;
	}
}

static void
sobj_step(struct gen *g, struct sobj *s, struct heap *h, uint64_t *seq,
	  char (*psrc)[20], char (*pdst)[20])
{
	uint64_t base = SC_OBJ_BASE + s->i * SC_OBJ_STRIDE;
	uint64_t slot = base + 0x18, handle = base + 0x10;
	uint64_t ctx = SC_CTX_BASE + s->i * SC_CTX_STRIDE;
	uint64_t lblock = base + 0x100, tblock = base + 0x1a0;
	uint64_t termblock = base + 0x240;
	uint64_t nbl = base + 0x300 + (uint64_t)s->sent * 0x40;
	int64_t next = 0;
	struct gev e;

	switch (s->phase) {
	case PH_REQ:
		s->t0 = g->t;
		gen_stream_open(g, &s->conn, (int)(s->i % 1000003), psrc[s->path->tup],
				pdst[s->path->tup], g->t);
		sobj_ev(&e, g, s, "initiate", 1);
		e.has = OT_HAS_ROOT | OT_HAS_BLOCK | OT_HAS_STATE | OT_HAS_SLOT |
			OT_HAS_HANDLE | OT_HAS_VALUE;
		e.root = lblock;
		e.block = lblock;
		e.state = "ip4";
		e.slot = s->path->slot;
		e.handle = s->path->handle;
		e.value = s->path->ptr;
		gen_emit(g, &e);
		e.has = OT_HAS_ROOT | OT_HAS_BLOCK | OT_HAS_PARENT | OT_HAS_STATE |
			OT_HAS_SLOT | OT_HAS_HANDLE | OT_HAS_TUPLE;
		e.block = tblock;
		e.parent = lblock;
		e.state = "tcp";
		e.slot = slot;
		e.handle = handle;
		e.tup = (int)(s->i % 1000003);
		e.tsrc = psrc[s->path->tup];
		e.tdst = pdst[s->path->tup];
		gen_emit(g, &e);
		g->sum.objects++;
		s->phase = s->fail ? PH_DONE : PH_WRITE;
		next = g->t + rng_lat(&g->rng, 5, 120, 900);
		break;
	case PH_WRITE:
		sobj_ev(&e, g, s, "ctx_write", 0);
		e.has = OT_HAS_SLOT | OT_HAS_VALUE;
		e.slot = slot;
		e.value = ctx;
		gen_emit(g, &e);
		s->phase = PH_DONE;
		next = g->t + rng_lat(&g->rng, 2, 80, 600);
		break;
	case PH_DONE:
		sobj_ev(&e, g, s, "initiate_done", 0);
		e.has = OT_HAS_ROOT | OT_HAS_BLOCK | OT_HAS_STATUS;
		e.root = lblock;
		e.block = lblock;
		e.status = s->fail ? OT_ST_FAILURE : OT_ST_SUCCESS;
		gen_emit(g, &e);
		e.block = tblock;
		e.status = s->fail ? (s->i % 2 ? 0xC0231004u : 0xC0231012u)
				   : OT_ST_SUCCESS;
		gen_emit(g, &e);
		gen_lat_add(g, OT_KIND_INITIATE, g->t - s->t0);
		gen_stream_done(g, &s->conn, g->t, !s->fail);
		if (s->fail) {
			g->sum.failed++;
			s->phase = PH_END;
			break;
		}
		g->sum.offloaded++;
		s->phase = s->nsends ? PH_SEND : PH_TERM;
		next = g->t + rng_lat(&g->rng, 20, 2000, 20000);
		break;
	case PH_SEND:
		sobj_ev(&e, g, s, "send", 1);
		e.has = OT_HAS_VALUE | OT_HAS_NBL;
		e.value = ctx;
		e.nbl = nbl;
		gen_emit(g, &e);
		s->phase = PH_SEND_DONE;
		next = g->t + rng_lat(&g->rng, 30, 800, 5000);
		break;
	case PH_SEND_DONE:
		sobj_ev(&e, g, s, "send_done", 0);
		e.has = OT_HAS_NBL | OT_HAS_STATUS;
		e.nbl = nbl;
		e.status = OT_ST_SUCCESS;
		gen_emit(g, &e);
		s->sent++;
		s->phase = s->sent < s->nsends ? PH_SEND : PH_TERM;
		next = g->t + rng_lat(&g->rng, 10, 1500, 10000);
		break;
	case PH_TERM:
		s->t0 = g->t;
		sobj_ev(&e, g, s, "terminate", 1);
		e.has = OT_HAS_ROOT | OT_HAS_BLOCK | OT_HAS_STATE | OT_HAS_SLOT |
			OT_HAS_HANDLE | OT_HAS_TUPLE;
		e.root = termblock;
		e.block = termblock;
		e.state = "tcp";
		e.slot = slot;
		e.handle = handle;
		e.tup = (int)(s->i % 1000003);
		e.tsrc = psrc[s->path->tup];
		e.tdst = pdst[s->path->tup];
		gen_emit(g, &e);
		s->phase = PH_TERM_DONE;
		next = g->t + rng_lat(&g->rng, 15, 250, 3000);
		break;
	case PH_TERM_DONE:
		sobj_ev(&e, g, s, "terminate_done", 0);
		e.has = OT_HAS_ROOT | OT_HAS_BLOCK | OT_HAS_STATUS;
		e.root = termblock;
		e.block = termblock;
		e.status = OT_ST_SUCCESS;
		gen_emit(g, &e);
		gen_lat_add(g, OT_KIND_TERMINATE, g->t - s->t0);
		gen_stream_close(g, &s->conn, g->t);
		g->sum.terminated++;
		s->phase = PH_END;
		break;
	}
	if (s->phase != PH_END) {
		struct hent he;

		he.ts = next;
		he.seq = (*seq)++;
		he.o = s;
		hpush(h, he);
	}
}

/* Paths offloaded, the tcp objects streamed over them, paths terminated. */
void
scen_scale(struct gen *g)
{
	struct node *nb[SC_NEIGH], *paths[SC_NEIGH * SC_PATHS];
	struct node *v[1 + SC_PATHS];
	char psrc[MAX_NODES][20], pdst[MAX_NODES][20];
	struct heap h = { NULL, 0, 0 };
	struct sobj **freel = NULL;
	size_t nfree = 0, capfree = 0;
	uint64_t started = 0, seq = 0;
	uint64_t nobj = g->objects;
	int64_t next_arrival;
	unsigned i, j;

	gen_stream_begin(g);
	/* neighbors and paths, offloaded first, one tree per neighbor */
	for (i = 0; i < SC_NEIGH; i++) {
		nb[i] = gen_mknode(g, "nic0", "target", "neighbor", NULL);
		v[0] = nb[i];
		for (j = 0; j < SC_PATHS; j++) {
			struct node *p = gen_mknode(g, "nic0", "target", "ip4",
						    nb[i]);

			paths[i * SC_PATHS + j] = p;
			p->tup = (int)(g->nnodes - 1);
			snprintf(psrc[p->tup], sizeof(psrc[0]), "10.1.%u.%u", i,
				 10 + j);
			snprintf(pdst[p->tup], sizeof(pdst[0]), "192.168.%u.%u",
				 20 + i, 30 + 7 * j);
			v[1 + j] = p;
		}
		gen_offload(g, v, 1 + SC_PATHS);
		gen_adv(g, 20, 100);
	}

	/* tcp objects: Poisson-like arrivals, overlapping lifetimes */
	next_arrival = g->t;
	while (started < nobj || h.n) {
		struct sobj *s;

		if (started < nobj && (!h.n || next_arrival <= h.a[0].ts)) {
			g->t = next_arrival;
			if (nfree) {
				s = freel[--nfree];
			} else {
				s = xmalloc(sizeof(*s));
			}
			memset(s, 0, sizeof(*s));
			s->i = started++;
			s->path = paths[rng_next(&g->rng) % (SC_NEIGH * SC_PATHS)];
			s->nsends = (int)(rng_next(&g->rng) % (SC_MAX_SENDS + 1));
			s->fail = rng_next(&g->rng) % 50 == 0;
			s->cpu = (int)(rng_next(&g->rng) % 4);
			s->tid = 5000 + 4 * s->cpu;	/* host worker per cpu */
			s->phase = PH_REQ;
			sobj_step(g, s, &h, &seq, psrc, pdst);
			next_arrival = g->t + rng_lat(&g->rng, 1, 40, 0);
		} else {
			struct hent he = hpop(&h);

			g->t = he.ts;
			s = he.o;
			sobj_step(g, s, &h, &seq, psrc, pdst);
			if (s->phase == PH_END) {
				if (nfree == capfree) {
					capfree = capfree ? capfree * 2 : 256;
					freel = xrealloc(freel, st_mult(capfree,
							 sizeof(*freel)));
				}
				freel[nfree++] = s;
			}
		}
		gen_stream_flush(g);
		if (g->o->failed)
			break;
	}
	while (nfree)
		free(freel[--nfree]);
	free(freel);
	/* a write failed (a full disk): the objects still live, each in
	 * the heap once */
	while (h.n)
		free(hpop(&h).o);
	free(h.a);

	/* paths and neighbors: one terminate tree per neighbor */
	gen_adv(g, 200, 1000);
	for (i = 0; i < SC_NEIGH; i++) {
		v[0] = nb[i];
		for (j = 0; j < SC_PATHS; j++)
			v[1 + j] = paths[i * SC_PATHS + j];
		gen_terminate(g, v, 1 + SC_PATHS);
		gen_adv(g, 10, 100);
	}
	gen_stream_end(g);
}
