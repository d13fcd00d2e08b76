/*
 * ingest.c - inputs -> merge by time -> store + engine, in one transaction.
 */
#include "offtrace/ingest.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "offtrace/ring.h"
#include "offtrace/source.h"

void
ot_ingest_opts_init(struct ot_ingest_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->since = INT64_MIN;
	o->until = INT64_MAX;
	o->grace_ns = OT_GRACE_DEFAULT;
}

/* One input of the merge: its source and current item. */
struct input {
	struct ot_source *src;
	struct ot_item it;	/* current item; it.ev.ts its merge time */
	int has;		/* it valid */
	int64_t last_ts;
	uint32_t index;
	uint64_t packets;	/* packets merged (a capture's records) */
};

/* min-heap of source indexes by (ts, input index) */
struct heap {
	uint32_t *a;
	size_t n;
	struct input *src;
};

static int
less(const struct heap *h, uint32_t x, uint32_t y)
{
	const struct input *a = &h->src[x], *b = &h->src[y];

	if (a->it.ev.ts != b->it.ev.ts)
		return a->it.ev.ts < b->it.ev.ts;
	return a->index < b->index;
}

static void
sift_down(struct heap *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		uint32_t t;

		if (l < h->n && less(h, h->a[l], h->a[m]))
			m = l;
		if (r < h->n && less(h, h->a[r], h->a[m]))
			m = r;
		if (m == i)
			return;
		t = h->a[i];
		h->a[i] = h->a[m];
		h->a[m] = t;
		i = m;
	}
}

/* The input's next item; the events of one input must be in time order
 * (a capture's packets are kept in order by its source). */
static int
advance(struct input *s, const char *path, struct ot_err *err)
{
	int r = ot_source_next(s->src, &s->it, err);

	if (r < 0)
		return -1;
	s->has = r;
	if (r && s->it.ev.ts < s->last_ts) {
		err->phase = "merge";
		err->offset = ot_source_offset(s->src);
		return ot_errorf_at(err, OT_EINPUT, path, s->it.ev.line,
				    "\"ts\" goes back in time (%lld after %lld): events of one file must be in time order",
				    (long long)s->it.ev.ts, (long long)s->last_ts);
	}
	if (r)
		s->last_ts = s->it.ev.ts;
	return 0;
}

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Two threads share the work.  The reader thread reads, hashes, parses and
 * merges the inputs, and runs the engine; the calling thread owns the
 * SQLite connection and stores the events and the engine's records.  Between
 * them sits a small ring of batches; the engine's sink copies each record
 * into the batch of the event that produced it, and the calling thread
 * stores them (replay(): a table at a time, each table's rows in the order
 * they were made).  Memory stays bounded whatever the input size.
 */
#define BATCH 2048
#define NBATCH 4

enum rec_kind { R_VIOLATION, R_LEAK, R_RULE, R_FLOW, R_DROP };

struct rec {
	enum rec_kind kind;
	union {
		struct ot_violation_rec violation;
		struct ot_leak_rec leak;
		struct ot_rule_rec rule;
		struct ot_flow flow;
		struct ot_drop_rec drop;
	} u;
};

/*
 * A batch: its events, and the engine's records they made.  Objects,
 * operations and context writes, nearly all of the records, have arrays
 * of their own, stored a table at a time (ot_db_add_objects, ...); the
 * rest go through the store's sink in the order they were made.  The
 * arrays grow as needed and are kept across uses.
 */
struct batch {
	struct ot_event ev[BATCH];
	size_t n;
	struct rec *recs;	/* the other records */
	size_t nrecs, caprecs;
	struct ot_object_rec *objs;
	size_t nobjs, capobjs;
	struct ot_op_rec *ops;	/* ops[i].blocks set by the writer */
	size_t *op_first;	/* ops[i]'s first block in blocks */
	size_t nops, capops;
	struct ot_write_rec *writes;
	size_t nwrites, capwrites;
	struct ot_block_rec *blocks;
	size_t nblocks, capblocks;
};

struct pipeline {
	/* set up before the reader starts, read-only after */
	struct input *src;
	struct ot_input_info *info;
	const char *const *paths;
	size_t n;
	const struct ot_ingest_opts *o;
	const char *adapter;
	struct ot_engine *eng;
	/* the ring of batches */
	struct ot_ring ring;
	struct batch *batches;
	int failed;		/* set by the reader before its last batch */
	struct ot_err err;	/* the reader's error when failed */
	uint64_t bytes;		/* consumed input bytes, for progress */
	/* the reader's own */
	struct batch *cur;	/* batch being filled */
	/* written by the reader, read after join */
	uint64_t events;
	int64_t start_ts, end_ts;
	uint64_t packets;
	int64_t pkt_start, pkt_end;
};

static struct rec *
new_rec(struct pipeline *p, enum rec_kind kind)
{
	struct batch *b = p->cur;

	if (b->nrecs == b->caprecs) {
		b->caprecs = b->caprecs ? 2 * b->caprecs : 256;
		b->recs = xrealloc(b->recs, st_mult(b->caprecs, sizeof(*b->recs)));
	}
	b->recs[b->nrecs].kind = kind;
	return &b->recs[b->nrecs++];
}

static int
q_object(void *ctx, const struct ot_object_rec *o)
{
	struct batch *b = ((struct pipeline *)ctx)->cur;

	if (b->nobjs == b->capobjs) {
		b->capobjs = b->capobjs ? 2 * b->capobjs : 256;
		b->objs = xrealloc(b->objs, st_mult(b->capobjs, sizeof(*b->objs)));
	}
	b->objs[b->nobjs++] = *o;
	return 0;
}

static int
q_op(void *ctx, const struct ot_op_rec *op)
{
	struct pipeline *p = ctx;
	struct batch *b = p->cur;

	if (b->nops == b->capops) {
		b->capops = b->capops ? 2 * b->capops : 256;
		b->ops = xrealloc(b->ops, st_mult(b->capops, sizeof(*b->ops)));
		b->op_first = xrealloc(b->op_first, st_mult(b->capops, sizeof(*b->op_first)));
	}
	b->ops[b->nops] = *op;
	b->ops[b->nops].blocks = NULL;
	b->op_first[b->nops++] = b->nblocks;
	if (b->nblocks + op->nblocks > b->capblocks) {
		b->capblocks = 2 * (b->nblocks + op->nblocks) + 64;
		b->blocks = xrealloc(b->blocks, st_mult(b->capblocks, sizeof(*b->blocks)));
	}
	if (op->nblocks)
		memcpy(b->blocks + b->nblocks, op->blocks, op->nblocks * sizeof(*b->blocks));
	b->nblocks += op->nblocks;
	return 0;
}

static int
q_write(void *ctx, const struct ot_write_rec *w)
{
	struct batch *b = ((struct pipeline *)ctx)->cur;

	if (b->nwrites == b->capwrites) {
		b->capwrites = b->capwrites ? 2 * b->capwrites : 256;
		b->writes = xrealloc(b->writes, st_mult(b->capwrites, sizeof(*b->writes)));
	}
	b->writes[b->nwrites++] = *w;
	return 0;
}

static int
q_violation(void *ctx, const struct ot_violation_rec *v)
{
	new_rec(ctx, R_VIOLATION)->u.violation = *v;
	return 0;
}

static int
q_leak(void *ctx, const struct ot_leak_rec *l)
{
	new_rec(ctx, R_LEAK)->u.leak = *l;
	return 0;
}

static int
q_rule(void *ctx, const struct ot_rule_rec *r)
{
	/* why_not strings are the engine's literals */
	new_rec(ctx, R_RULE)->u.rule = *r;
	return 0;
}

static int
q_flow(void *ctx, const struct ot_flow *f)
{
	/* copied whole: the tracker frees it after the call */
	new_rec(ctx, R_FLOW)->u.flow = *f;
	return 0;
}

static int
q_drop(void *ctx, const struct ot_drop_rec *d)
{
	/* its strings are the record's own or static */
	new_rec(ctx, R_DROP)->u.drop = *d;
	return 0;
}

static const struct ot_sink queue_sink = {
	q_object, q_op, q_write, q_violation, q_leak, q_rule, q_flow, q_drop
};

/*
 * Hand the records of a batch to the store: objects, operations and
 * writes a table at a time, then the others in the order they were made
 * (each table's rows keep their order).  The writer owns the batch here.
 */
static int
replay(struct batch *b, struct ot_db *db, struct ot_err *err)
{
	const struct ot_sink *s = &ot_db_sink;
	size_t i;
	int rc = 0;

	for (i = 0; i < b->nops; i++)
		b->ops[i].blocks = b->blocks + b->op_first[i];
	if (ot_db_add_objects(db, b->objs, b->nobjs, err) < 0 ||
	    ot_db_add_ops(db, b->ops, b->nops, err) < 0 ||
	    ot_db_add_writes(db, b->writes, b->nwrites, err) < 0)
		return -1;
	for (i = 0; i < b->nrecs && rc == 0; i++) {
		const struct rec *r = &b->recs[i];

		switch (r->kind) {
		case R_VIOLATION:
			rc = s->violation(db, &r->u.violation);
			break;
		case R_LEAK:
			rc = s->leak(db, &r->u.leak);
			break;
		case R_RULE:
			rc = s->rule(db, &r->u.rule);
			break;
		case R_FLOW:
			rc = s->flow(db, &r->u.flow);
			break;
		case R_DROP:
			rc = s->drop(db, &r->u.drop);
			break;
		}
	}
	if (rc < 0)
		*err = *ot_db_sink_error(db);
	return rc;
}

/* Wait for a free batch and make it current; 0, or -1 when asked to stop. */
static int
next_batch(struct pipeline *p)
{
	long i = ot_ring_fill(&p->ring);
	struct batch *b;

	if (i < 0)
		return -1;
	b = p->cur = &p->batches[i];
	b->n = 0;
	b->nrecs = 0;
	b->nobjs = 0;
	b->nops = 0;
	b->nwrites = 0;
	b->nblocks = 0;
	return 0;
}

static void *
reader_main(void *arg)
{
	struct pipeline *p = arg;
	struct input *src = p->src;
	struct heap h;
	struct ot_err err;
	struct ot_source_stats st;
	uint64_t events = 0, tick = 0;
	size_t i;

	memset(&err, 0, sizeof(err));
	memset(&h, 0, sizeof(h));
	h.a = xcalloc(p->n, sizeof(uint32_t));
	h.src = src;
	if (next_batch(p) < 0)
		goto out;
	for (i = 0; i < p->n; i++) {
		if (advance(&src[i], p->paths[i], &err) < 0)
			goto fail;
		if (src[i].has)
			h.a[h.n++] = (uint32_t)i;
	}
	for (i = h.n; i-- > 0;)
		sift_down(&h, i);
	while (h.n > 0) {
		struct input *s = &src[h.a[0]];
		struct ot_event *ev = &s->it.ev;

		if (s->it.kind == OT_ITEM_PACKET) {
			/* a packet: to the engine's flows, not an event */
			if (ev->ts >= p->o->since && ev->ts < p->o->until) {
				if (p->packets++ == 0)
					p->pkt_start = ev->ts;
				p->pkt_end = ev->ts;
				s->packets++;
				ot_engine_packet(p->eng, &s->it.pkt);
			}
		} else if (s->it.kind == OT_ITEM_DROP) {
			/* a dropped packet: evidence, not a packet of the flows */
			if (ev->ts >= p->o->since && ev->ts < p->o->until)
				ot_engine_drop(p->eng, &s->it.pkt, s->index);
		} else if (ev->ts >= p->o->since && ev->ts < p->o->until &&
		    (p->adapter == NULL || ev->adapter == p->adapter)) {
			struct batch *b = p->cur;

			ev->id = ++events;
			if (events == 1)
				p->start_ts = ev->ts;
			p->end_ts = ev->ts;
			p->info[s->index].events++;
			b->ev[b->n++] = *ev;
			/* the queue sink never fails */
			ot_engine_feed(p->eng, ev);
			if (b->n == BATCH) {
				ot_ring_put(&p->ring, 0);
				if (next_batch(p) < 0)
					goto out;
			}
		}
		if (advance(s, p->paths[s->index], &err) < 0)
			goto fail;
		if (!s->has)
			h.a[0] = h.a[--h.n];
		sift_down(&h, 0);
		if ((++tick & 0x3fff) == 0) {
			uint64_t done = 0;

			for (i = 0; i < p->n; i++) {
				ot_source_stats(src[i].src, &st);
				done += st.bytes;
			}
			__atomic_store_n(&p->bytes, done, __ATOMIC_RELAXED);
		}
	}
	p->events = events;
	if (events == 0 && p->packets > 0) {
		/* captures only: the trace spans the packets */
		p->start_ts = p->pkt_start;
		p->end_ts = p->pkt_end;
	}
	if (events > 0 || p->packets > 0)
		ot_engine_finish(p->eng, p->end_ts);
	ot_ring_put(&p->ring, 1);
	goto out;
fail:
	p->err = err;
	p->failed = 1;
	ot_ring_put(&p->ring, 1);
out:
	free(h.a);
	ot_source_thread_release();
	return NULL;
}

/* An input's facts go to the meta table as "NAME INPUT". */
struct facts {
	struct ot_db *db;
	size_t input;
	struct ot_err *err;
};

static int
put_fact(void *ctx, const char *name, const char *value)
{
	struct facts *f = ctx;
	char key[256];

	snprintf(key, sizeof(key), "%s %zu", name, f->input);
	return ot_db_set_meta(f->db, key, value, f->err);
}

/*
 * An input's counts and hash for the inputs table; which records no
 * profile matched (meta "unmatched <input> <kind>": never hidden) and
 * what else its source says of it (how times were read, the capture's
 * offset).
 */
static int
store_input(struct ot_db *db, size_t input, struct input *s, struct ot_input_info *in,
	    struct ot_err *err)
{
	const struct ot_source_unmatched *un;
	struct ot_source_stats st;
	struct facts f = { db, input, err };
	char key[256], val[32];
	size_t nun, i;

	if (ot_source_sha256(s->src, in->sha256, &in->size, err) < 0)
		return -1;
	ot_source_stats(s->src, &st);
	in->records = st.capture ? s->packets : st.records;
	in->corrupt = st.corrupt;
	in->unmatched = st.unmatched;
	in->lost_events = st.lost_events;
	in->lost_buffers = st.lost_buffers;
	nun = ot_source_unmatched(s->src, &un);
	for (i = 0; i < nun && i < OT_SOURCE_MAX_UNMATCHED; i++) {
		snprintf(key, sizeof(key), "unmatched %zu %s", input, un[i].meta);
		snprintf(val, sizeof(val), "%llu", (unsigned long long)un[i].count);
		if (ot_db_set_meta(db, key, val, err) < 0)
			return -1;
	}
	return ot_source_facts(s->src, put_fact, &f) != 0 ? -1 : 0;
}

/* What directories and archives held that no source reads, for the
 * report's inputs: meta "skipped N" = "NAME<TAB>KIND". */
static int
store_skipped(struct ot_db *db, const struct ot_source_ctx *ctx, struct ot_err *err)
{
	const struct ot_source_skip *v;
	size_t n = ot_source_skipped(ctx, &v), i;
	char key[64], *val;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		snprintf(key, sizeof(key), "skipped %zu", i);
		val = xmalloc(strlen(v[i].name) + strlen(v[i].kind) + 2);
		sprintf(val, "%s\t%s", v[i].name, v[i].kind);
		rc = ot_db_set_meta(db, key, val, err);
		free(val);
	}
	return rc;
}

/* The engine's counters, for people sizing a machine (meta table). */
static int
store_stats(struct ot_db *db, const struct ot_engine_stats *st, struct ot_err *err)
{
	const struct {
		const char *key;
		uint64_t v;
	} kv[] = {
		{ "peak_live_objects", st->peak_live_objects },
		{ "peak_open_ops", st->peak_open_ops },
		{ "unresolved_events", st->unresolved },
		{ "capture_packets", st->packets },
		{ "capture_tcp_packets", st->capture.tcp },
		{ "capture_fragments", st->capture.fragments },
		{ "capture_undecoded", st->capture.skipped_link + st->capture.not_ip +
				       st->capture.truncated + st->capture.bad },
		{ "flows", st->flows },
		{ "flows_joined", st->joined_flows },
		{ "peak_live_flows", st->peak_live_flows },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)kv[i].v);
		if (ot_db_set_meta(db, kv[i].key, buf, err) < 0)
			return -1;
	}
	return 0;
}

/* Why an ingest found nothing to store. */
static void
no_events(const struct pipeline *p, const struct ot_ingest_opts *o, struct ot_err *err)
{
	struct ot_source_stats st;
	uint64_t text_unmatched = 0, etl_unmatched = 0;
	int window = o->since != INT64_MIN || o->until != INT64_MAX || p->adapter;
	size_t i;

	for (i = 0; i < p->n; i++) {
		ot_source_stats(p->src[i].src, &st);
		if (strcmp(ot_source_kind(p->src[i].src), "etl") == 0)
			etl_unmatched += st.unmatched;
		else
			text_unmatched += st.unmatched;
	}
	err->phase = "merge";
	if (text_unmatched)
		ot_errorf(err, OT_EINPUT, "no events: %llu tracefmt messages, none matched by a profile rule; 'offtrace profile stats' lists them",
			  (unsigned long long)text_unmatched);
	else if (etl_unmatched)
		ot_errorf(err, OT_EINPUT, "no events: %llu .etl records, none of a known provider (chimney, TCPIP 1099); 'offtrace dump' lists them",
			  (unsigned long long)etl_unmatched);
	else if (p->n == 1)
		ot_errorf_at(err, OT_EINPUT, p->paths[0], 0, "no events%s",
			     (ot_source_stats(p->src[0].src, &st), st.capture) ?
			     " and no packets in this capture" :
			     window ? " within the selected window/adapter" : " in this input");
	else
		ot_errorf(err, OT_EINPUT, "no events or packets in the inputs%s",
			  window ? " within the selected window/adapter" : "");
}

/* The source of an input, with the detector's word when there is none. */
static struct ot_source *
open_input(struct ot_source_ctx *ctx, const char *path, uint32_t index, struct ot_err *err)
{
	const char *kind = ot_source_detect(ctx, path, err);

	if (kind == NULL)
		return NULL;
	if (ot_source_readable(kind))
		return ot_source_open(ctx, path, kind, index, err);
	err->phase = "detect";
	if (strcmp(kind, "empty") == 0)
		ot_errorf_at(err, OT_EINPUT, path, 1, "empty input: no events");
	else if (strcmp(kind, "binary") == 0 || strcmp(kind, "text") == 0)
		ot_errorf_at(err, OT_EINPUT, path, 1,
			     "not a recognized trace format (%s data; expected JSON lines of normalized events, tracefmt text (see --prefix), .etl or a capture)",
			     kind);
	else
		ot_errorf_at(err, OT_EINPUT, path, 1, "%s input is not supported by this version",
			     kind);
	return NULL;
}

int
ot_ingest(struct ot_db *db, const char *const *paths, size_t n,
	  const struct ot_ingest_opts *o, struct ot_ingest_result *res,
	  struct ot_err *err)
{
	struct ot_strtab *st = ot_strtab_new();
	struct input *src = NULL;
	struct ot_input_info *info = NULL;
	struct ot_source_ctx *ctx = NULL;
	struct ot_source_opts so;
	struct ot_source_stats sst;
	struct ot_engine *eng = NULL;
	struct ot_engine_opts eo;
	struct pipeline p;
	struct batch *b;
	pthread_t reader;
	char *name = NULL;
	uint64_t total = 0;
	int ret = -1, in_txn = 0, started = 0;
	double last_progress = now_s();
	size_t i, namelen = 0;
	long k;

	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	if (n == 0) {
		ot_errorf(err, OT_EUSAGE, "no input files");
		goto out;
	}
	memset(&so, 0, sizeof(so));
	so.profiles = o->profiles;
	so.nprofiles = o->nprofiles;
	so.tmf_dir = o->tmf_dir;
	so.prefix = o->prefix;
	so.tz_set = o->tz_set;
	so.tz_offset_ns = o->tz_offset_ns;
	so.pkt_offset_ns = o->pcap_offset;
	so.flags = OT_SRC_PACKETS | OT_SRC_ORDERED;
	so.appearances_all = o->appearances_all;
	so.has_component = o->has_component;
	so.component = o->component;
	so.member = o->member;
	if ((ctx = ot_source_ctx_new(&so, st, err)) == NULL)
		goto out;
	/* directories, archives, compressed files and pipes: the inputs
	 * they hold */
	if (ot_source_expand(ctx, paths, n, &paths, &n, err) < 0)
		goto out;
	if (o->progress && o->inputs)
		o->inputs(o->progress_ctx, paths, n);
	src = xcalloc(n ? n : 1, sizeof(*src));
	info = xcalloc(n ? n : 1, sizeof(*info));
	for (i = 0; i < n; i++) {
		int64_t size;

		if ((src[i].src = open_input(ctx, paths[i], (uint32_t)i, err)) == NULL)
			goto out;
		ot_source_stats(src[i].src, &sst);
		info[i].format = sst.format;
		/* what every kind of input shares; content of an archive or a
		 * compressed file has its size once read (store_input()) */
		if ((size = ot_source_input_size(ctx, paths[i])) > 0)
			info[i].size = (uint64_t)size;
		total += info[i].size;
		src[i].index = (uint32_t)i;
		src[i].last_ts = INT64_MIN;
		info[i].path = paths[i];
		namelen += strlen(base_name(paths[i])) + 1;
	}
	if (o->name) {
		name = xstrdup(o->name);
	} else {
		size_t off = 0;

		name = xcalloc(1, namelen + 1);
		for (i = 0; i < n; i++) {
			const char *bn = base_name(paths[i]);
			size_t bl = strlen(bn);

			if (i)
				name[off++] = ',';
			memcpy(name + off, bn, bl);
			off += bl;
		}
	}

	if (ot_db_begin_trace(db, name, &res->trace_id, err) < 0)
		goto out;
	in_txn = 1;
	memset(&eo, 0, sizeof(eo));
	eo.tcp_capacity = o->tcp_capacity;
	eo.grace_ns = o->grace_ns;

	p.src = src;
	p.info = info;
	p.paths = paths;
	p.n = n;
	p.o = o;
	p.adapter = o->adapter ? ot_intern(st, o->adapter, strlen(o->adapter)) : NULL;
	p.eng = eng = ot_engine_new(&queue_sink, &p, &eo);
	p.batches = xcalloc(NBATCH, sizeof(struct batch));
	ot_ring_init(&p.ring, NBATCH);
	if (pthread_create(&reader, NULL, reader_main, &p) != 0) {
		ot_errorf(err, OT_EINTERNAL, "cannot start the reader thread");
		goto out;
	}
	started = 1;
	/* the reader's batches, until its last; none once it failed */
	while ((k = ot_ring_take(&p.ring)) >= 0 && !p.failed) {
		b = &p.batches[k];
		if (ot_db_add_events(db, b->ev, b->n, err) < 0)
			goto out;
		if (replay(b, db, err) < 0)
			goto out;
		if (o->progress && b->n > 0 && now_s() - last_progress > 0.1) {
			o->progress(o->progress_ctx, __atomic_load_n(&p.bytes, __ATOMIC_RELAXED),
				    total, b->ev[b->n - 1].id);
			last_progress = now_s();
		}
		ot_ring_give(&p.ring);
	}
	pthread_join(reader, NULL);
	started = 0;
	if (p.failed) {
		*err = p.err;
		goto out;
	}
	if (p.events == 0 && p.packets == 0) {
		no_events(&p, o, err);
		goto out;
	}
	ot_engine_stats(eng, &res->engine);
	if (store_stats(db, &res->engine, err) < 0)
		goto out;
	for (i = 0; i < n; i++)
		if (store_input(db, i, &src[i], &info[i], err) < 0)
			goto out;
	if (store_skipped(db, ctx, err) < 0)
		goto out;
	if (ot_db_finish_trace(db, info, n, p.start_ts, p.end_ts, o->force, err) < 0)
		goto out;
	in_txn = 0;
	res->events = p.events;
	res->packets = p.packets;
	res->inputs = n;
	res->start_ts = p.start_ts;
	res->end_ts = p.end_ts;
	if (o->progress)
		o->progress(o->progress_ctx, total, total, p.events);
	ret = 0;
out:
	if (started) {
		ot_ring_stop(&p.ring);
		pthread_join(reader, NULL);
	}
	if (p.batches) {
		ot_ring_destroy(&p.ring);
		for (i = 0; i < NBATCH; i++) {
			free(p.batches[i].recs);
			free(p.batches[i].objs);
			free(p.batches[i].ops);
			free(p.batches[i].op_first);
			free(p.batches[i].writes);
			free(p.batches[i].blocks);
		}
		free(p.batches);
	}
	if (in_txn)
		ot_db_abort_trace(db);
	ot_engine_free(eng);
	for (i = 0; i < n && src != NULL; i++)
		ot_source_close(src[i].src);
	free(src);
	free(info);
	free(name);
	ot_source_ctx_free(ctx);
	ot_strtab_free(st);
	return ret;
}
