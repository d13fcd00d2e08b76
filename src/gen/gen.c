/*
 * gen.c - synthetic traces with a ground truth (offtrace gen).
 *
 * Every scenario builds a small chimney history by hand (or, for "scale",
 * by a streaming simulation) and writes it as normalized events
 * (DESIGN.md section 2), one JSON object per line.  While it builds, it
 * records what the analysis must find per doc/rules.md: summary counts,
 * the latency of every completed operation, violations and leaks.  The
 * truth is never obtained by running the engine.
 *
 * The conventions of the generated traces are in gen_int.h.
 */
#include "offtrace/gen.h"

#include <stdlib.h>
#include <string.h>

#include "offtrace/event.h"
#include "offtrace/pcap.h"

#include "gen_int.h"

/* ---- latency-like durations ------------------------------------------ */

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

/* ---- scenarios --------------------------------------------------------- */

static int
sc_clean(struct gen *g)
{
	struct node *v[3];

	gen_tree(g, v, 1);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 3);
	gen_adv(g, 500, 3000);
	gen_term1(g, v[2]);
	gen_adv(g, 10, 200);
	gen_term1(g, v[1]);
	gen_adv(g, 10, 200);
	gen_term1(g, v[0]);
	return 0;
}

static int
sc_partial(struct gen *g)
{
	struct node *v[6];

	/* DOMAIN.md 2.4: N1 PARTIAL, P1 PARTIAL, T1 SUCCESS, T2 RESOURCES,
	 * P2 FAILURE, T3 FAILURE, in depth-first order */
	v[0] = gen_mknode(g, "nic0", "target", "neighbor", NULL);
	v[1] = gen_mknode(g, "nic0", "target", "ip4", v[0]);
	v[2] = gen_mknode(g, "nic0", "target", "tcp", v[1]);
	v[3] = gen_mknode(g, "nic0", "target", "tcp", v[1]);
	v[4] = gen_mknode(g, "nic0", "target", "ip4", v[0]);
	v[5] = gen_mknode(g, "nic0", "target", "tcp", v[4]);
	v[0]->st = OT_ST_PARTIAL_SUCCESS;
	v[1]->st = OT_ST_PARTIAL_SUCCESS;
	v[2]->st = OT_ST_SUCCESS;
	v[3]->st = OT_ST_RESOURCES;
	v[4]->st = OT_ST_FAILURE;
	v[5]->st = OT_ST_FAILURE;
	gen_offload(g, v, 6);
	gen_traffic(g, v[2], 2);
	gen_adv(g, 300, 2000);
	gen_term1(g, v[2]);
	gen_adv(g, 10, 200);
	gen_term1(g, v[1]);
	gen_adv(g, 10, 200);
	gen_term1(g, v[0]);
	return 0;
}

static int
sc_late_write(struct gen *g)
{
	struct node *v[3];

	gen_tree(g, v, 1);
	v[2]->wmode = W_LATE;
	gen_viol(g, "C1", v[2]->slot);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 1);
	gen_adv(g, 300, 2000);
	gen_term1(g, v[2]);
	gen_term1(g, v[1]);
	gen_term1(g, v[0]);
	return 0;
}

static int
sc_missing_write(struct gen *g)
{
	struct node *v[3];

	gen_tree(g, v, 1);
	v[2]->wmode = W_NONE;
	gen_viol(g, "C1", v[2]->slot);	/* decided at the terminate request */
	gen_offload(g, v, 3);
	gen_adv(g, 300, 2000);
	gen_term1(g, v[2]);
	gen_term1(g, v[1]);
	gen_term1(g, v[0]);
	return 0;
}

static int
sc_write_on_failure(struct gen *g)
{
	struct node *v[3];

	gen_tree(g, v, 1);
	v[1]->st = OT_ST_PARTIAL_SUCCESS;	/* its only dependent failed */
	v[2]->st = OT_ST_RESOURCES;
	v[2]->wmode = W_FAIL;
	gen_viol(g, "C1", v[2]->slot);
	gen_offload(g, v, 3);
	gen_adv(g, 300, 2000);
	gen_term1(g, v[1]);
	gen_term1(g, v[0]);
	return 0;
}

static int
sc_double_complete(struct gen *g)
{
	struct node *v[3];

	gen_tree(g, v, 1);
	v[0]->dup = 1;	/* neighbor block completed twice, op still open */
	gen_viol(g, "P1", v[0]->slot);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 1);
	gen_adv(g, 300, 2000);
	gen_term1(g, v[2]);
	gen_term1(g, v[1]);
	gen_term1(g, v[0]);
	return 0;
}

static int
sc_hang(struct gen *g)
{
	struct node *v[3];
	struct op op;
	struct gev e;

	gen_tree(g, v, 1);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 2);
	gen_adv(g, 300, 2000);
	/* the terminate of the tcp object never completes; the host waits,
	 * so path and neighbor stay offloaded */
	gen_op_request(g, &op, OT_KIND_TERMINATE, "nic0", "target", &v[2], 1, 0);
	gen_viol(g, "P1", v[2]->slot);
	/* life goes on: a (valid) NeighborReachabilityQuery later, so the
	 * hang has an age at the end of the trace */
	gen_adv(g, 5000, 20000);
	gen_base_ev(&e, g, "neighbor_event", "nic0", "target", 0);
	e.has = OT_HAS_HANDLE | OT_HAS_CODE | OT_HAS_STATE | OT_HAS_STATUS;
	e.handle = v[0]->handle;
	e.code = OT_NEIGHBOR_REACHABILITY_QUERY;
	e.state = "neighbor";
	e.status = OT_ST_SUCCESS;
	gen_emit(g, &e);
	return 0;
}

static int
sc_parent_first(struct gen *g)
{
	struct node *v[3];

	gen_tree(g, v, 1);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 1);
	gen_adv(g, 300, 2000);
	gen_viol(g, "T3", v[1]->slot);
	gen_term1(g, v[1]);
	gen_adv(g, 50, 500);
	gen_term1(g, v[2]);
	gen_term1(g, v[0]);
	return 0;
}

static int
sc_use_after_terminate(struct gen *g)
{
	struct node *v[3];
	struct gev e;

	gen_tree(g, v, 1);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 2);
	gen_adv(g, 300, 2000);
	gen_term1(g, v[2]);
	gen_term1(g, v[1]);
	gen_term1(g, v[0]);
	/* receive indication on the tcp object's handle after its terminate
	 * completed */
	gen_adv(g, 20, 300);
	gen_base_ev(&e, g, "recv_indicate", "nic0", "target", 0);
	e.has = OT_HAS_HANDLE | OT_HAS_NBL;
	e.handle = v[2]->handle;
	e.nbl = gen_newnbl(g);
	gen_emit(g, &e);
	gen_viol(g, "U2", v[2]->slot);
	return 0;
}

static int
sc_bad_status(struct gen *g)
{
	struct node *v[3];

	gen_tree(g, v, 1);
	v[2]->st = OT_ST_PARTIAL_SUCCESS;	/* a leaf tcp block: S2 */
	gen_viol(g, "S2", v[2]->slot);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 1);
	gen_adv(g, 300, 2000);
	gen_term1(g, v[2]);
	gen_term1(g, v[1]);
	gen_term1(g, v[0]);
	return 0;
}

static int
sc_leak_end(struct gen *g)
{
	struct node *v[4];

	gen_tree(g, v, 2);
	gen_offload(g, v, 4);
	gen_traffic(g, v[2], 1);
	gen_traffic(g, v[3], 2);
	gen_adv(g, 300, 2000);
	gen_term1(g, v[2]);
	gen_adv(g, 1000, 5000);
	return 0;	/* v[0], v[1], v[3] live at end */
}

static int
sc_leak_halt(struct gen *g)
{
	struct node *v[4];
	struct gev e;

	gen_tree(g, v, 2);
	gen_offload(g, v, 4);
	gen_traffic(g, v[3], 2);
	gen_adv(g, 300, 2000);
	gen_term1(g, v[2]);
	gen_adv(g, 1000, 5000);
	gen_base_ev(&e, g, "halt", "nic0", "target", 1);
	gen_emit(g, &e);
	gen_leak_live(g, "nic0", "halt");
	return 0;
}

static int
sc_im_stack(struct gen *g)
{
	struct node *im[3], *tg[3];
	struct op iop, top;
	unsigned i;

	/* IM objects: slots in the host's handles, published PVOID = the IM
	 * offload entry; target objects: slots in the IM entries' handles */
	im[0] = gen_mknode(g, "mux0", "im", "neighbor", NULL);
	im[1] = gen_mknode(g, "mux0", "im", "ip4", im[0]);
	im[2] = gen_mknode(g, "mux0", "im", "tcp", im[1]);
	tg[0] = gen_mknode(g, "nic0", "target", "neighbor", NULL);
	tg[1] = gen_mknode(g, "nic0", "target", "ip4", tg[0]);
	tg[2] = gen_mknode(g, "nic0", "target", "tcp", tg[1]);
	for (i = 0; i < 3; i++) {
		im[i]->ptr = tg[i]->slot - 0x28;	/* &ImEntry */
		tg[i]->tup = im[i]->tup;
		im[i]->block = gen_newblock(g);
		tg[i]->block = im[i]->block;	/* converted in place */
	}
	gen_op_request(g, &iop, OT_KIND_INITIATE, "mux0", "im", im, 3, 1);
	gen_adv(g, 2, 10);
	gen_op_request(g, &top, OT_KIND_INITIATE, "nic0", "target", tg, 3, 1);
	gen_op_writes(g, &top);
	gen_adv(g, 5, 60);
	gen_op_complete(g, &top);
	/* the IM's completion path publishes into the host's slots */
	for (i = 0; i < 3; i++) {
		g->t += TICK;
		gen_ctx_write(g, "mux0", "im", im[i]->slot, im[i]->ptr);
	}
	gen_adv(g, 1, 10);
	gen_op_complete(g, &iop);

	gen_adv(g, 500, 3000);
	/* one terminate tree per layer; the IM clears the host's slots
	 * (X -> NULL) when it propagates the completion, as MUX does */
	for (i = 0; i < 3; i++)
		im[i]->block = tg[i]->block = gen_newblock(g);
	gen_op_request(g, &iop, OT_KIND_TERMINATE, "mux0", "im", im, 3, 1);
	gen_adv(g, 2, 10);
	gen_op_request(g, &top, OT_KIND_TERMINATE, "nic0", "target", tg, 3, 1);
	gen_adv(g, 20, 300);
	gen_op_complete(g, &top);
	for (i = 3; i-- > 0;) {
		g->t += TICK;
		gen_ctx_write(g, "mux0", "im", im[i]->slot, 0);
	}
	gen_adv(g, 1, 10);
	gen_op_complete(g, &iop);
	return 0;
}

static int
sc_upload_all(struct gen *g)
{
	struct node *v[4];

	gen_tree(g, v, 2);
	gen_offload(g, v, 4);
	gen_traffic(g, v[2], 1);
	gen_traffic(g, v[3], 1);
	gen_adv(g, 500, 2000);
	gen_status_ind(g, "nic0", OT_ST_UPLOAD_ALL);
	gen_adv(g, 20, 200);
	/* TCP first (one op), then the path; the host forgets the neighbor */
	gen_terminate(g, &v[2], 2);
	gen_adv(g, 10, 100);
	gen_term1(g, v[1]);
	gen_adv(g, 100, 500);
	gen_status_ind(g, "nic0", OT_ST_OFFLOAD_RESUME);
	gen_leak_live(g, "nic0", "upload_all");	/* the neighbor */
	return 0;
}

static int
sc_pause_resume(struct gen *g)
{
	struct node *v[4], *w[2];
	struct op op;

	gen_tree(g, v, 2);
	gen_offload(g, v, 3);	/* neighbor, path, first tcp */
	gen_traffic(g, v[2], 1);
	gen_adv(g, 200, 1000);
	gen_status_ind(g, "nic0", OT_ST_OFFLOAD_PAUSE);
	gen_adv(g, 5, 50);
	/* an initiate already in flight: linker path + new tcp; queued */
	w[0] = v[1];
	w[1] = v[3];
	v[1]->linker = 1;
	gen_op_request(g, &op, OT_KIND_INITIATE, "nic0", "target", w, 2, 0);
	gen_adv(g, 200, 2000);
	gen_status_ind(g, "nic0", OT_ST_OFFLOAD_RESUME);
	gen_op_writes(g, &op);
	gen_adv(g, 5, 60);
	gen_op_complete(g, &op);
	v[1]->linker = 0;
	gen_traffic(g, v[3], 1);
	gen_adv(g, 300, 2000);
	gen_terminate(g, &v[2], 2);
	gen_term1(g, v[1]);
	gen_term1(g, v[0]);
	return 0;
}

static int
sc_hw_failure(struct gen *g)
{
	struct node *v[3];
	uint64_t nbl[2];
	struct op op;

	gen_tree(g, v, 1);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 1);
	gen_adv(g, 100, 500);
	nbl[0] = gen_newnbl(g);
	gen_send_req(g, v[2], nbl[0]);
	gen_adv(g, 5, 50);
	nbl[1] = gen_newnbl(g);
	gen_send_req(g, v[2], nbl[1]);
	gen_adv(g, 20, 100);
	/* 1. terminate completes with FAILURE: the object is lost (L2) */
	v[2]->tst = OT_ST_FAILURE;
	gen_term1(g, v[2]);
	/* 2. retrieve, reason HardwareFailure; 3. abort */
	gen_adv(g, 10, 100);
	gen_tcp_event(g, v[2], OT_TCP_EV_RETRIEVE, OT_REASON_HARDWARE_FAILURE);
	gen_adv(g, 5, 50);
	gen_tcp_event(g, v[2], OT_TCP_EV_ABORT, 0);
	/* 4. the next terminate: outstanding sends complete aborted */
	gen_adv(g, 50, 400);
	v[2]->tst = OT_ST_SUCCESS;
	gen_op_request(g, &op, OT_KIND_TERMINATE, "nic0", "target", &v[2], 1, 0);
	gen_adv(g, 5, 50);
	gen_send_done(g, v[2], nbl[0], OT_ST_REQUEST_ABORTED);
	g->t += TICK;
	gen_send_done(g, v[2], nbl[1], OT_ST_REQUEST_ABORTED);
	/* 5. terminate completes with SUCCESS */
	gen_adv(g, 5, 50);
	gen_op_complete(g, &op);
	gen_adv(g, 10, 200);
	gen_term1(g, v[1]);
	gen_term1(g, v[0]);
	return 0;
}

/* ---- scale: streaming simulation ---------------------------------------- */

#define SC_NEIGH 2
#define SC_PATHS 3	/* per neighbor */
#define SC_OBJ_BASE 0xffffe00200000000ull
#define SC_OBJ_STRIDE 0x400ull
#define SC_CTX_BASE 0xffffc98000000000ull
#define SC_CTX_STRIDE 0x300ull
#define SC_MAX_SENDS 3

/* One tcp object's life, as a small state machine in the heap. */
struct sobj {
	uint64_t i;		/* object number */
	int phase;
	int nsends, sent;
	int fail;
	int tid, cpu;
	int64_t t0;		/* initiate request; then terminate request */
	struct node *path;
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
		memset(&e, 0, sizeof(e));
		e.ts = g->t;
		e.ev = "initiate";
		e.adapter = "nic0";
		e.layer = "target";
		e.cpu = s->cpu;
		e.tid = s->tid;
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
		memset(&e, 0, sizeof(e));
		e.ts = g->t;
		e.ev = "ctx_write";
		e.adapter = "nic0";
		e.layer = "target";
		e.cpu = DPC_CPU + (int)(s->i % 2);
		e.tid = DPC_TID + e.cpu;
		e.has = OT_HAS_SLOT | OT_HAS_VALUE;
		e.slot = slot;
		e.value = ctx;
		gen_emit(g, &e);
		s->phase = PH_DONE;
		next = g->t + rng_lat(&g->rng, 2, 80, 600);
		break;
	case PH_DONE:
		memset(&e, 0, sizeof(e));
		e.ts = g->t;
		e.ev = "initiate_done";
		e.adapter = "nic0";
		e.layer = "target";
		e.cpu = DPC_CPU + (int)(s->i % 2);
		e.tid = DPC_TID + e.cpu;
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
		memset(&e, 0, sizeof(e));
		e.ts = g->t;
		e.ev = "send";
		e.adapter = "nic0";
		e.layer = "target";
		e.cpu = s->cpu;
		e.tid = s->tid;
		e.has = OT_HAS_VALUE | OT_HAS_NBL;
		e.value = ctx;
		e.nbl = nbl;
		gen_emit(g, &e);
		s->phase = PH_SEND_DONE;
		next = g->t + rng_lat(&g->rng, 30, 800, 5000);
		break;
	case PH_SEND_DONE:
		memset(&e, 0, sizeof(e));
		e.ts = g->t;
		e.ev = "send_done";
		e.adapter = "nic0";
		e.layer = "target";
		e.cpu = DPC_CPU + (int)(s->i % 2);
		e.tid = DPC_TID + e.cpu;
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
		memset(&e, 0, sizeof(e));
		e.ts = g->t;
		e.ev = "terminate";
		e.adapter = "nic0";
		e.layer = "target";
		e.cpu = s->cpu;
		e.tid = s->tid;
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
		memset(&e, 0, sizeof(e));
		e.ts = g->t;
		e.ev = "terminate_done";
		e.adapter = "nic0";
		e.layer = "target";
		e.cpu = DPC_CPU + (int)(s->i % 2);
		e.tid = DPC_TID + e.cpu;
		e.has = OT_HAS_ROOT | OT_HAS_BLOCK | OT_HAS_STATUS;
		e.root = termblock;
		e.block = termblock;
		e.status = OT_ST_SUCCESS;
		gen_emit(g, &e);
		gen_lat_add(g, OT_KIND_TERMINATE, g->t - s->t0);
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

/*
 * One host-layer event of the tcpip profile's shape (etlsrc.h): the Tcb is
 * root, block and slot; a terminate names the published slot.  Requests
 * come from the host's thread, completions from the DPC's.
 */
/* The times of a host object's life, for its connection's packets. */
static void
host_times(struct node *x, const struct gen *g, const char *ev, uint32_t status)
{
	if (!strcmp(ev, "initiate")) {
		x->t_before = g->nev ? g->last_ts : g->t - 2000000;
		x->t_init = g->t;
	} else if (!strcmp(ev, "initiate_done")) {
		x->t_done = g->t;
		x->init_ok = is_success(status);
	} else if (!strcmp(ev, "terminate") && x->t_term_req == T_NONE) {
		x->t_term_req = g->t;
	} else if (!strcmp(ev, "terminate_done") && status == OT_ST_SUCCESS) {
		x->t_term_done = g->t;
	}
}

static void
host_op(struct gen *g, struct node *x, const char *ev, int request,
	uint32_t status)
{
	struct gev e;

	gen_base_ev(&e, g, ev, "", "host", request);
	host_times(x, g, ev, status);
	e.has = OT_HAS_ROOT | OT_HAS_BLOCK;
	e.root = e.block = x->slot;
	if (request) {
		e.has |= OT_HAS_SLOT;
		e.slot = x->slot;
		if (!strcmp(ev, "terminate")) {
			e.has |= OT_HAS_VALUE;
			e.value = x->slot;
		}
	} else {
		e.has |= OT_HAS_STATUS;
		e.status = status;
	}
	gen_emit(g, &e);
}

/*
 * The host's view, as Microsoft-Windows-TCPIP event 1099 gives it: six
 * connections offloaded (one fails with OFFLOAD_TCP_ENTRIES), four
 * uploaded, one still offloaded at the end.  Written as .etl, each event
 * becomes a TcpConnectionOffloadStateChange record, which the tcpip
 * profile turns back into the same events.
 */
static int
sc_host_tcpip(struct gen *g)
{
	struct node *c[6];
	int64_t t0[6];
	unsigned i;

	for (i = 0; i < 6; i++) {
		c[i] = gen_mknode(g, "", "host", "tcp", NULL);
		t0[i] = g->t;
		host_op(g, c[i], "initiate", 1, 0);
		g->sum.objects++;
		c[i]->fate = F_PENDING;
		gen_adv(g, 20, 200);
	}
	for (i = 0; i < 6; i++) {
		uint32_t st = i == 2 ? 0xC0231004u : OT_ST_SUCCESS;

		host_op(g, c[i], "initiate_done", 0, st);
		gen_lat_add(g, OT_KIND_INITIATE, g->t - t0[i]);
		if (st == OT_ST_SUCCESS) {
			g->sum.offloaded++;
			c[i]->fate = F_LIVE;
		} else {
			g->sum.failed++;
			c[i]->fate = F_FAILED;
		}
		gen_adv(g, 5, 80);
	}
	gen_adv(g, 500, 3000);
	for (i = 0; i < 5; i++) {
		int64_t t;

		if (c[i]->fate != F_LIVE)
			continue;
		t = g->t;
		host_op(g, c[i], "terminate", 1, 0);
		gen_adv(g, 30, 400);
		host_op(g, c[i], "terminate_done", 0, OT_ST_SUCCESS);
		gen_lat_add(g, OT_KIND_TERMINATE, g->t - t);
		g->sum.terminated++;
		c[i]->fate = F_TERMINATED;
		gen_adv(g, 10, 100);
	}
	return 0;	/* c[5] is still offloaded: a live_at_end leak */
}

static int
sc_scale(struct gen *g, uint64_t nobj)
{
	struct node *nb[SC_NEIGH], *paths[SC_NEIGH * SC_PATHS];
	struct node *v[1 + SC_PATHS];
	char psrc[MAX_NODES][20], pdst[MAX_NODES][20];
	struct heap h = { NULL, 0, 0 };
	struct sobj **freel = NULL;
	size_t nfree = 0, capfree = 0;
	uint64_t started = 0, seq = 0;
	int64_t next_arrival;
	unsigned i, j;

	/* neighbors and paths, offloaded first, one tree per neighbor */
	for (i = 0; i < SC_NEIGH; i++) {
		nb[i] = gen_mknode(g, "nic0", "target", "neighbor", NULL);
		v[0] = nb[i];
		for (j = 0; j < SC_PATHS; j++) {
			struct node *p = gen_mknode(g, "nic0", "target", "ip4", nb[i]);

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
		if (g->o->failed)
			break;
	}
	while (nfree)
		free(freel[--nfree]);
	free(freel);
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
	return 0;
}

/*
 * Hostile adapter names for the HTML report's escaping: markup, a quote
 * breaking out of an attribute, the end of the SVG, a control character
 * (BEL, a JSON escape) and invalid UTF-8 (raw bytes 0xff 0xfe and a lone
 * continuation byte, which cJSON and the chimney decoder keep as bytes).
 * The strings are written into the JSON lines as they are here, so they
 * are JSON-escaped already.  One tree terminates cleanly, one has a late
 * context write (C1), one stays offloaded (3 live_at_end leaks).
 */
#define HOSTILE_A "<script>alert(1)</script>"
#define HOSTILE_B "\\\"><img src=x onerror=alert(1)>"
#define HOSTILE_C "</svg>\\u0007bell\xff\xfe\x80" "end"

static int
sc_hostile(struct gen *g)
{
	static const char *const names[3] = { HOSTILE_A, HOSTILE_B, HOSTILE_C };
	struct node *v[3][3];
	int i;

	for (i = 0; i < 3; i++) {
		v[i][0] = gen_mknode(g, names[i], "target", "neighbor", NULL);
		v[i][1] = gen_mknode(g, names[i], "target", "ip4", v[i][0]);
		v[i][2] = gen_mknode(g, names[i], "target", "tcp", v[i][1]);
	}
	v[1][2]->wmode = W_LATE;
	gen_viol(g, "C1", v[1][2]->slot);
	for (i = 0; i < 3; i++) {
		gen_offload(g, v[i], 3);
		gen_traffic(g, v[i][2], 2);
		gen_adv(g, 100, 500);
	}
	for (i = 0; i < 2; i++) {
		gen_adv(g, 300, 2000);
		gen_term1(g, v[i][2]);
		gen_adv(g, 10, 200);
		gen_term1(g, v[i][1]);
		gen_adv(g, 10, 200);
		gen_term1(g, v[i][0]);
	}
	gen_adv(g, 1000, 3000);
	return 0;	/* the third tree is live at end */
}

/* ---- scenarios of the capture rules (doc/rules.md 5) -------------------- */

/*
 * W1: two connections close on the wire while offloaded; one offload is
 * terminated 1.5 s later (within the 2 s grace), the other never: a W1
 * leak.  A wire capture sees the closing segments inside the offload
 * windows, so W2 is found for both too.
 */
static int
sc_wire_close(struct gen *g)
{
	struct node *v[4];

	gen_tree(g, v, 2);
	gen_offload(g, v, 4);
	gen_traffic(g, v[2], 1);
	gen_traffic(g, v[3], 1);
	gen_adv(g, 300, 2000);
	v[2]->t_wire = g->t;		/* FIN both ways */
	gen_adv(g, 5000, 20000);
	v[3]->t_wire = g->t;		/* RST */
	v[3]->wire_rst = 1;
	gen_adv(g, 1500000, 1500000);
	gen_term1(g, v[3]);
	gen_adv(g, 1500000, 2000000);
	/* the trace goes on past the grace of both closes */
	gen_status_ind(g, "nic0", OT_ST_OFFLOAD_PAUSE);
	gen_adv(g, 10, 100);
	gen_status_ind(g, "nic0", OT_ST_OFFLOAD_RESUME);
	return 0;	/* v[2] leaked by its wire close; v[0], v[1] live */
}

/* W2: segments of an offloaded connection seen by a host capture. */
static int
sc_host_traffic(struct gen *g)
{
	struct node *v[4];

	gen_tree(g, v, 2);
	gen_offload(g, v, 4);
	gen_traffic(g, v[2], 2);
	gen_adv(g, 100, 500);
	v[2]->t_inside = g->t;		/* not really offloaded */
	v[2]->n_inside = 5;
	gen_adv(g, 500, 1000);
	gen_traffic(g, v[3], 1);
	gen_adv(g, 300, 2000);
	gen_terminate(g, &v[2], 2);
	gen_term1(g, v[1]);
	gen_term1(g, v[0]);
	return 0;
}

/* W3: five connections with known SYN leads before one initiate. */
static int
sc_syn_delay(struct gen *g)
{
	static const int64_t lead[5] = { 250000, 1200000, 3400000, 10000000,
					 40000000 };
	struct node *v[7];
	unsigned i;

	gen_tree(g, v, 5);
	for (i = 0; i < 5; i++)
		v[2 + i]->syn_lead = lead[i];
	gen_offload(g, v, 7);
	for (i = 0; i < 5; i++)
		gen_traffic(g, v[2 + i], 1);
	gen_adv(g, 300, 2000);
	gen_terminate(g, &v[2], 5);
	gen_term1(g, v[1]);
	gen_term1(g, v[0]);
	return 0;
}

/* ---- table and truth ---------------------------------------------------- */

const struct ot_gen_scenario ot_gen_scenarios[] = {
	{ "clean", "neighbor->path->tcp offloaded, sends, terminated tcp/path/neighbor; no violations" },
	{ "partial", "DOMAIN 2.4 partial tree (N1,P1 PARTIAL; T1 ok; T2,P2,T3 failed): 3 failed objects, no violations" },
	{ "late-write", "tcp context written after the initiate completion: C1" },
	{ "missing-write", "tcp initiate succeeds, context never written (seen at its terminate): C1" },
	{ "write-on-failure", "tcp block fails with RESOURCES but the target wrote its slot: C1" },
	{ "double-complete", "neighbor block of an initiate completed twice while the op is open: P1" },
	{ "hang", "terminate of the tcp object never completes (a neighbor query follows): P1; tcp, path, neighbor live_at_end leaks" },
	{ "parent-first", "path terminated while its tcp child is live: T3" },
	{ "use-after-terminate", "recv_indicate on the tcp handle after its terminate completed: U2" },
	{ "bad-status", "leaf tcp initiate block completes with PARTIAL_SUCCESS: S2" },
	{ "leak-end", "neighbor, path and one tcp still offloaded at end: 3 leaks live_at_end, no violation" },
	{ "leak-halt", "adapter halt with neighbor, path and one tcp live: L1 x3, 3 leaks halt" },
	{ "im-stack", "IM (mux0) over target (nic0), bottom-up writes, IM clears host slots at terminate; no violations" },
	{ "upload-all", "upload-all drains tcp then path but leaves the neighbor before resume: L1 + leak upload_all" },
	{ "pause-resume", "pause, in-flight initiate (linker path + tcp) accepted, resume, completed; no violations" },
	{ "hw-failure", "terminate FAILURE (L2 warning), retrieve 11, abort, sends REQUEST_ABORTED, terminate SUCCESS" },
	{ "scale", "--objects N tcp objects (1 in 50 fail to offload) under 6 paths/2 neighbors, streamed; no violations" },
	{ "host-tcpip", "host view (as .etl: TCPIP 1099 records): 6 connections, 1 fails, 4 uploaded, 1 live_at_end leak" },
	{ "hostile", "adapter names with markup, a quote, </svg>, a control character and invalid UTF-8: C1, 3 live_at_end leaks" },
	{ "wire-close", "with --pcap: one tcp closed by FIN on the wire and never terminated (W1 leak wire_close), one by RST and terminated within the grace; W2 for both" },
	{ "host-traffic", "with --pcap: host-visible segments inside a tcp offload window: W2" },
	{ "syn-delay", "with --pcap: five connections whose SYN leads the initiate by 0.25, 1.2, 3.4, 10 and 40 ms: W3 latency" },
};
const unsigned ot_gen_nscenarios =
	sizeof(ot_gen_scenarios) / sizeof(ot_gen_scenarios[0]);

int
ot_gen_write(const char *scenario, const struct ot_gen_opts *o, FILE *ev,
	     FILE *truth, struct ot_err *err)
{
	struct gen *g = NULL;
	int with_capture = 0;
	uint64_t seed = o ? o->seed : 1;
	uint64_t nobj = o && o->objects ? o->objects : 1000;
	unsigned i;
	int sc = -1, rc = -1;

	for (i = 0; i < ot_gen_nscenarios; i++)
		if (!strcmp(scenario, ot_gen_scenarios[i].name))
			sc = (int)i;
	if (sc < 0)
		return ot_errorf(err, OT_EUSAGE,
				 "unknown scenario '%s' (see offtrace gen --list)",
				 scenario);
	if (nobj > (0x0000000400000000ull / SC_OBJ_STRIDE))
		return ot_errorf(err, OT_EUSAGE,
				 "too many objects: objects=%llu, max=%llu",
				 (unsigned long long)nobj,
				 (unsigned long long)(0x0000000400000000ull /
						      SC_OBJ_STRIDE));

	/* different seeds give different streams; the scenario name is mixed
	 * in so scenarios sharing a seed do not share their jitter */
	g = gen_new(ev, seed * 0xd1b54a32d192ed03ull + (uint64_t)sc);

	switch (sc) {
	case 0: sc_clean(g); break;
	case 1: sc_partial(g); break;
	case 2: sc_late_write(g); break;
	case 3: sc_missing_write(g); break;
	case 4: sc_write_on_failure(g); break;
	case 5: sc_double_complete(g); break;
	case 6: sc_hang(g); break;
	case 7: sc_parent_first(g); break;
	case 8: sc_use_after_terminate(g); break;
	case 9: sc_bad_status(g); break;
	case 10: sc_leak_end(g); break;
	case 11: sc_leak_halt(g); break;
	case 12: sc_im_stack(g); break;
	case 13: sc_upload_all(g); break;
	case 14: sc_pause_resume(g); break;
	case 15: sc_hw_failure(g); break;
	case 16: sc_scale(g, nobj); break;
	case 17: sc_host_tcpip(g); break;
	case 18: sc_hostile(g); break;
	case 19: sc_wire_close(g); break;
	case 20: sc_host_traffic(g); break;
	case 21: sc_syn_delay(g); break;
	}
	if (o && (o->pcap || o->pcapng)) {
		if (gen_capture(g, o->pcap, o->pcapng, o->pcap_skew) < 0) {
			ot_errorf(err, OT_EINTERNAL, "cannot write the capture: scenario=%s",
				  scenario);
			goto out;
		}
		with_capture = 1;
	}
	/* whatever is still offloaded is a live_at_end leak (no violation) */
	for (i = 0; i < g->nnodes; i++)
		if (g->nodes[i].fate == F_LIVE) {
			g->sum.live_at_end++;
			gen_leak(g, g->nodes[i].slot, "live_at_end");
		}
	if (gen_flush(g) < 0 || ferror(ev)) {
		ot_errorf(err, OT_EINTERNAL, "cannot write events: scenario=%s",
			  scenario);
		goto out;
	}
	if (g->order_bad) {
		ot_errorf(err, OT_EINTERNAL,
			  "generator bug: events out of time order or latency out of range: scenario=%s",
			  scenario);
		goto out;
	}
	if (truth) {
		if (gen_write_truth(g, truth, scenario, seed, with_capture) < 0 ||
		    ferror(truth)) {
			ot_errorf(err, OT_EINTERNAL,
				  "cannot write truth: scenario=%s", scenario);
			goto out;
		}
	}
	rc = 0;
out:
	gen_free(g);
	return rc;
}
