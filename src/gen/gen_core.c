/*
 * gen_core.c - the machinery under every scenario of offtrace gen: the
 * buffered event writer, the clock and the ids of new objects, what the
 * truth accumulates while a scenario runs (latencies, violations, leaks)
 * and the truth file written from it at the end.
 */
#include "gen_int.h"

#include <stdlib.h>
#include <string.h>

#include "offtrace/util.h"

#define LAT_BUCKETS (1u << 18)		/* 100 ns buckets: 26.2 ms */

/* ---- output buffer ---------------------------------------------------- */

static void
ob_flush(struct obuf *o)
{
	if (o->n && fwrite(o->b, 1, o->n, o->f) != o->n)
		o->failed = 1;
	o->n = 0;
}

static void
ob_mem(struct obuf *o, const char *s, size_t len)
{
	if (o->n + len > OB_SIZE)
		ob_flush(o);
	memcpy(o->b + o->n, s, len);
	o->n += len;
}

static void
ob_str(struct obuf *o, const char *s)
{
	ob_mem(o, s, strlen(s));
}

static void
ob_u64(struct obuf *o, uint64_t v)
{
	char t[24];
	int i = 24;

	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ob_mem(o, t + i, (size_t)(24 - i));
}

static void
ob_i64(struct obuf *o, int64_t v)
{
	if (v < 0) {
		ob_mem(o, "-", 1);
		ob_u64(o, (uint64_t)0 - (uint64_t)v);
	} else {
		ob_u64(o, (uint64_t)v);
	}
}

/* "0x" + digits hex digits, lowercase, in quotes. */
static void
ob_hexq(struct obuf *o, uint64_t v, int digits)
{
	static const char hx[] = "0123456789abcdef";
	char t[24];
	int i;

	t[0] = '"';
	t[1] = '0';
	t[2] = 'x';
	for (i = 0; i < digits; i++)
		t[3 + i] = hx[(v >> (4 * (digits - 1 - i))) & 0xf];
	t[3 + digits] = '"';
	ob_mem(o, t, (size_t)digits + 4);
}

/* ---- the generator ----------------------------------------------------- */

/* A generator writing its events to ev, its PRNG seeded with rng. */
struct gen *
gen_new(FILE *ev, uint64_t rng)
{
	struct gen *g = xcalloc(1, sizeof(*g));
	struct obuf *ob = xmalloc(sizeof(*ob));

	ob->f = ev;
	ob->n = 0;
	ob->failed = 0;
	g->o = ob;
	g->rng = rng;
	g->t = 0;
	g->last_ts = 0;
	g->next_slot = 0xffffe0012a4c3018ull;
	g->next_ptr = 0xffffc98a1c200000ull;
	g->next_block = 0xffffe0013b100000ull;
	g->next_nbl = 0xffffe0014c800000ull;
	return g;
}

/* Write out the buffered events: 0, or -1 when a write failed. */
int
gen_flush(struct gen *g)
{
	ob_flush(g->o);
	return g->o->failed || ferror(g->o->f) ? -1 : 0;
}

void
gen_free(struct gen *g)
{
	unsigned i;

	if (!g)
		return;
	for (i = 0; i < OT_KIND_COUNT; i++)
		free(g->lat[i].hist);
	free(g->w3);
	free(g->o);
	free(g);
}

/* ---- events ------------------------------------------------------------ */

/* Addresses of tuple n (small scenarios; scale passes its own). */
void
gen_tuple_addr(int n, char *src, size_t srclen, char *dst, size_t dstlen)
{
	snprintf(src, srclen, "10.1.%d.%d", (n / 200) % 250, 10 + n % 200);
	snprintf(dst, dstlen, "192.168.%d.%d", 10 + n % 7, 20 + (n * 13) % 200);
}

void
gen_emit(struct gen *g, const struct gev *e)
{
	struct obuf *o = g->o;

	if (e->ts < g->last_ts)
		g->order_bad = 1;
	g->last_ts = e->ts;
	g->nev++;
	ob_str(o, "{\"ts\":");
	ob_i64(o, TS_BASE + e->ts);
	ob_str(o, ",\"ev\":\"");
	ob_str(o, e->ev);
	ob_str(o, "\",\"adapter\":\"");
	ob_str(o, e->adapter);
	ob_str(o, "\",\"layer\":\"");
	ob_str(o, e->layer);
	ob_str(o, "\",\"cpu\":");
	ob_u64(o, (uint64_t)e->cpu);
	ob_str(o, ",\"pid\":4,\"tid\":");
	ob_u64(o, (uint64_t)e->tid);
	if (e->has & OT_HAS_ROOT) {
		ob_str(o, ",\"root\":");
		ob_hexq(o, e->root, 16);
	}
	if (e->has & OT_HAS_BLOCK) {
		ob_str(o, ",\"block\":");
		ob_hexq(o, e->block, 16);
	}
	if (e->has & OT_HAS_PARENT) {
		ob_str(o, ",\"parent\":");
		ob_hexq(o, e->parent, 16);
	}
	if (e->has & OT_HAS_STATE) {
		ob_str(o, ",\"state\":\"");
		ob_str(o, e->state);
		ob_str(o, "\"");
	}
	if (e->has & OT_HAS_SLOT) {
		ob_str(o, ",\"slot\":");
		ob_hexq(o, e->slot, 16);
	}
	if (e->has & OT_HAS_HANDLE) {
		ob_str(o, ",\"handle\":");
		ob_hexq(o, e->handle, 16);
	}
	if (e->has & OT_HAS_VALUE) {
		ob_str(o, ",\"value\":");
		ob_hexq(o, e->value, 16);
	}
	if (e->has & OT_HAS_STATUS) {
		ob_str(o, ",\"status\":");
		ob_hexq(o, e->status, 8);
	}
	if (e->has & OT_HAS_CODE) {
		ob_str(o, ",\"code\":");
		ob_i64(o, e->code);
	}
	if (e->has & OT_HAS_REASON) {
		ob_str(o, ",\"reason\":");
		ob_i64(o, e->reason);
	}
	if (e->has & OT_HAS_TUPLE) {
		char src[32], dst[32];
		unsigned sport = 49152u + (unsigned)e->tup * 37u % 16000u;
		unsigned dport = e->tup % 3 == 0 ? 445u :
				 e->tup % 3 == 1 ? 443u : 80u;

		if (!e->tsrc)
			gen_tuple_addr(e->tup, src, sizeof(src), dst,
				       sizeof(dst));
		ob_str(o, ",\"tuple\":{\"src\":\"");
		ob_str(o, e->tsrc ? e->tsrc : src);
		ob_str(o, "\",\"sport\":");
		ob_u64(o, sport);
		ob_str(o, ",\"dst\":\"");
		ob_str(o, e->tdst ? e->tdst : dst);
		ob_str(o, "\",\"dport\":");
		ob_u64(o, dport);
		ob_str(o, "}");
	}
	if (e->has & OT_HAS_NBL) {
		ob_str(o, ",\"nbl\":");
		ob_hexq(o, e->nbl, 16);
	}
	ob_str(o, "}\n");
}

void
gen_base_ev(struct gev *e, const struct gen *g, const char *ev,
	    const char *adapter, const char *layer, int host)
{
	memset(e, 0, sizeof(*e));
	e->ts = g->t;
	e->ev = ev;
	e->adapter = adapter;
	e->layer = layer;
	e->cpu = host ? HOST_CPU : DPC_CPU;
	e->tid = host ? HOST_TID : DPC_TID + DPC_CPU;
}

/* ---- clock and ids ----------------------------------------------------- */

void
gen_adv(struct gen *g, unsigned lo_us, unsigned hi_us)
{
	g->t += (int64_t)rng_range(&g->rng, (uint64_t)lo_us * 10,
				   (uint64_t)hi_us * 10) * TICK;
}

/* A new state object of the given layer; registered for the end-of-trace
 * leak accounting. */
struct node *
gen_mknode(struct gen *g, const char *adapter, const char *layer,
	   const char *state, struct node *parent)
{
	struct node *n;

	if (g->nnodes >= MAX_NODES)
		abort();	/* BUG: scenarios are small and fixed */
	n = &g->nodes[g->nnodes++];
	memset(n, 0, sizeof(*n));
	n->adapter = adapter;
	n->layer = layer;
	n->state = state;
	n->parent = parent;
	n->slot = g->next_slot;
	n->handle = n->slot - 8;
	n->ptr = g->next_ptr;
	n->tup = (int)g->nnodes;
	n->registered = 1;
	n->t_before = n->t_init = n->t_done = T_NONE;
	n->t_term_req = n->t_term_done = n->t_inside = n->t_wire = T_NONE;
	g->next_slot += 0x1d0;
	g->next_ptr += 0x640;
	return n;
}

uint64_t
gen_newblock(struct gen *g)
{
	uint64_t b = g->next_block;

	g->next_block += 0xa0;	/* sizeof(NDIS_MINIPORT_OFFLOAD_BLOCK_LIST) + state, rounded */
	return b;
}

uint64_t
gen_newnbl(struct gen *g)
{
	uint64_t b = g->next_nbl;

	g->next_nbl += 0x1a0;
	return b;
}

/* ---- truth accumulators ----------------------------------------------- */

void
gen_lat_add(struct gen *g, enum ot_kind k, int64_t d)
{
	struct lat *l = &g->lat[k];
	uint64_t b;

	if (d < 0)
		d = 0;
	b = (uint64_t)d / TICK;
	if (b >= LAT_BUCKETS) {
		/* can't happen: every generated latency is far below */
		g->order_bad = 1;
		b = LAT_BUCKETS - 1;
	}
	if (!l->hist)
		l->hist = xcalloc(LAT_BUCKETS, sizeof(*l->hist));
	l->hist[b]++;
	l->count++;
	l->sum += (uint64_t)d;
	if ((uint64_t)d > l->max)
		l->max = (uint64_t)d;
}

void
gen_viol(struct gen *g, const char *rule, uint64_t slot)
{
	if (g->nviol < MAX_VIOL) {
		g->viol[g->nviol].rule = rule;
		g->viol[g->nviol].slot = slot;
		g->nviol++;
	}
}

void
gen_leak(struct gen *g, uint64_t slot, const char *reason)
{
	if (g->nleaks < MAX_NODES) {
		g->leaks[g->nleaks].slot = slot;
		g->leaks[g->nleaks].reason = reason;
		g->nleaks++;
	}
}

/* ---- the truth file ----------------------------------------------------- */

static int
i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void
write_lat(struct obuf *o, const char *name, const struct lat *l, int last)
{
	static const uint32_t ps[4] = { 50000, 90000, 99000, 99900 };
	static const char *const pn[4] = { "p50_ns", "p90_ns", "p99_ns",
					   "p999_ns" };
	int k;

	ob_str(o, "    \"");
	ob_str(o, name);
	ob_str(o, "\": { \"count\": ");
	ob_u64(o, l->count);
	for (k = 0; k < 4; k++) {
		ob_str(o, ", \"");
		ob_str(o, pn[k]);
		ob_str(o, "\": ");
		if (!l->count) {
			ob_str(o, "null");
			continue;
		} else {
			size_t r = ot_nearest_rank((size_t)l->count, ps[k]);
			uint64_t cum = 0, b;

			for (b = 0; b < LAT_BUCKETS; b++) {
				cum += l->hist[b];
				if (cum > r)
					break;
			}
			ob_u64(o, b * TICK);
		}
	}
	ob_str(o, ", \"max_ns\": ");
	if (l->count)
		ob_u64(o, l->max);
	else
		ob_str(o, "null");
	ob_str(o, ", \"mean_ns\": ");
	if (l->count)
		ob_u64(o, l->sum / l->count);
	else
		ob_str(o, "null");
	ob_str(o, last ? " }\n" : " },\n");
}

/* The W3 distribution: exact values, nearest rank as the report. */
static void
write_w3(struct obuf *o, struct gen *g)
{
	static const uint32_t ps[4] = { 50000, 90000, 99000, 99900 };
	static const char *const pn[4] = { "p50_ns", "p90_ns", "p99_ns",
					   "p999_ns" };
	__int128 sum = 0;
	size_t i;
	int k;

	ob_str(o, "    \"syn_to_offload\": { \"count\": ");
	ob_u64(o, g->nw3);
	if (g->nw3)
		qsort(g->w3, g->nw3, sizeof(*g->w3), i64_cmp);
	for (i = 0; i < g->nw3; i++)
		sum += g->w3[i];
	for (k = 0; k < 4; k++) {
		ob_str(o, ", \"");
		ob_str(o, pn[k]);
		ob_str(o, "\": ");
		if (g->nw3)
			ob_i64(o, g->w3[ot_nearest_rank(g->nw3, ps[k])]);
		else
			ob_str(o, "null");
	}
	ob_str(o, ", \"max_ns\": ");
	if (g->nw3)
		ob_i64(o, g->w3[g->nw3 - 1]);
	else
		ob_str(o, "null");
	ob_str(o, ", \"mean_ns\": ");
	if (g->nw3)
		ob_i64(o, (int64_t)(sum / (__int128)g->nw3));
	else
		ob_str(o, "null");
	ob_str(o, " }\n");
}

static void
write_truth(struct gen *g, struct obuf *o, const char *scenario, uint64_t seed,
	    int with_capture)
{
	unsigned i;

	ob_str(o, "{\n  \"scenario\": \"");
	ob_str(o, scenario);
	ob_str(o, "\", \"seed\": ");
	ob_u64(o, seed);
	ob_str(o, ", \"objects\": ");
	ob_u64(o, g->sum.objects);
	ob_str(o, ",\n  \"summary\": { \"objects\": ");
	ob_u64(o, g->sum.objects);
	ob_str(o, ", \"offloaded\": ");
	ob_u64(o, g->sum.offloaded);
	ob_str(o, ", \"failed\": ");
	ob_u64(o, g->sum.failed);
	ob_str(o, ", \"terminated\": ");
	ob_u64(o, g->sum.terminated);
	ob_str(o, ", \"lost\": ");
	ob_u64(o, g->sum.lost);
	ob_str(o, ", \"live_at_end\": ");
	ob_u64(o, g->sum.live_at_end);
	ob_str(o, ", \"leaked\": ");
	ob_u64(o, g->sum.leaked);
	ob_str(o, " },\n  \"latency\": {\n");
	for (i = 0; i < OT_KIND_COUNT; i++)
		write_lat(o, ot_kind_names[i], &g->lat[i],
			  i + 1 == OT_KIND_COUNT && !with_capture);
	if (with_capture)
		write_w3(o, g);
	ob_str(o, "  },\n");
	if (with_capture) {
		ob_str(o, "  \"capture\": { \"flows\": ");
		ob_u64(o, g->flows);
		ob_str(o, ", \"joined\": ");
		ob_u64(o, g->joined);
		ob_str(o, ", \"unjoined\": ");
		ob_u64(o, g->flows - g->joined);
		ob_str(o, " },\n");
	}
	ob_str(o, "  \"violations\": [");
	for (i = 0; i < g->nviol; i++) {
		ob_str(o, i ? ",\n    " : "\n    ");
		ob_str(o, "{ \"rule\": \"");
		ob_str(o, g->viol[i].rule);
		ob_str(o, "\", \"slot\": ");
		if (g->viol[i].slot)
			ob_hexq(o, g->viol[i].slot, 16);
		else
			ob_str(o, "null");
		ob_str(o, " }");
	}
	ob_str(o, g->nviol ? "\n  ],\n  \"leaks\": [" : "],\n  \"leaks\": [");
	for (i = 0; i < g->nleaks; i++) {
		ob_str(o, i ? ",\n    " : "\n    ");
		ob_str(o, "{ \"slot\": ");
		ob_hexq(o, g->leaks[i].slot, 16);
		ob_str(o, ", \"reason\": \"");
		ob_str(o, g->leaks[i].reason);
		ob_str(o, "\" }");
	}
	ob_str(o, g->nleaks ? "\n  ]\n}\n" : "]\n}\n");
}

/* The truth as JSON to f: 0, or -1 when a write failed. */
int
gen_write_truth(struct gen *g, FILE *f, const char *scenario, uint64_t seed,
		int with_capture)
{
	struct obuf *tb = xmalloc(sizeof(*tb));
	int rc;

	tb->f = f;
	tb->n = 0;
	tb->failed = 0;
	write_truth(g, tb, scenario, seed, with_capture);
	ob_flush(tb);
	rc = tb->failed || ferror(f) ? -1 : 0;
	free(tb);
	return rc;
}
