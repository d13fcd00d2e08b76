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

#include "offtrace/etl.h"
#include "offtrace/etlsrc.h"
#include "offtrace/jsonl.h"
#include "offtrace/profile.h"
#include "offtrace/textsrc.h"
#include "offtrace/tmf.h"
#include "offtrace/wpptext.h"
#include "offtrace/pcap.h"

const char *
ot_detect_format(const char *path, struct ot_err *err)
{
	unsigned char b[4096];
	size_t n, i = 0, k;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		err->phase = "open";
		return ot_errorf_at(err, OT_EINPUT, path, 0, "cannot open: %s",
				    strerror(errno)), NULL;
	}
	n = fread(b, 1, sizeof(b), f);
	fclose(f);
	if (n == 0)
		return "empty";
	/* magic numbers: pcap (both byte orders, us and ns) and the pcapng
	 * section header block (FORMATS.md section 4); other binary files
	 * are "binary" */
	if (n >= 4) {
		uint32_t le = (uint32_t)b[0] | (uint32_t)b[1] << 8 |
			      (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;

		if (le == 0xa1b2c3d4u || le == 0xd4c3b2a1u || le == 0xa1b23c4du ||
		    le == 0x4d3cb2a1u)
			return "pcap";
		if (le == 0x0a0d0d0au)
			return "pcapng";
	}
	/* ETL: the first buffer's header and log-file header event
	 * (FORMATS.md section 1.7) */
	if (ot_etl_probe(b, n))
		return "etl";
	/* tracefmt text (FORMATS.md 2.3): before the binary test, since a
	 * message may hold any byte */
	if (ot_wpptext_probe(b, n))
		return "wpptext";
	if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf)
		i = 3;
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
		i++;
	if (i == n)
		return "empty";
	/* JSON lines; binary bytes further on are the reader's to report,
	 * with their line */
	if (b[i] == '{')
		return "jsonl";
	for (k = i; k < n; k++)
		if (b[k] == 0 || (b[k] < 0x20 && b[k] != '\t' && b[k] != '\n' &&
				  b[k] != '\r'))
			return "binary";
	return "text";
}

void
ot_ingest_opts_init(struct ot_ingest_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->since = INT64_MIN;
	o->until = INT64_MAX;
	o->grace_ns = OT_GRACE_DEFAULT;
}

struct source {
	FILE *f;
	struct ot_jsonl *rd;	/* JSON lines, or */
	struct ot_etlsrc *etl;	/* .etl through the built-in profiles */
	struct ot_textsrc *txt;	/* tracefmt text through the profiles */
	char fmtname[16];	/* txt: "tracefmt UTC", "tracefmt+02:00" (local time =
				 * UTC+02:00): the report shows how times were read */
	struct ot_pcap *cap;	/* pcap/pcapng: packets, not events */
	struct ot_packet pkt;	/* current packet; ev.ts holds its merge time */
	int64_t pkt_offset;	/* --pcap-offset */
	int etl_pkt;		/* etl: the current item is a packet (pkt) */
	uint64_t reordered;	/* packets earlier than the one before */
	struct ot_event ev;	/* current event */
	int has;		/* ev valid */
	int64_t last_ts;
	uint32_t index;
};

/* min-heap of source indexes by (ts, input index) */
struct heap {
	uint32_t *a;
	size_t n;
	struct source *src;
};

static int
less(const struct heap *h, uint32_t x, uint32_t y)
{
	const struct source *a = &h->src[x], *b = &h->src[y];

	if (a->ev.ts != b->ev.ts)
		return a->ev.ts < b->ev.ts;
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

static int
advance(struct source *s, const char *path, struct ot_err *err)
{
	int r;

	if (s->cap) {
		/* packets: --pcap-offset shifts the capture's clock; a packet
		 * earlier than the one before (multi-interface pcapng) is
		 * merged at the time of that one */
		r = ot_pcap_next(s->cap, &s->pkt, err);
		if (r < 0)
			return -1;
		s->has = r;
		if (r) {
			int64_t off = s->pkt_offset;

			if (off > 0 && s->pkt.ts > INT64_MAX - off)
				s->pkt.ts = INT64_MAX;
			else if (off < 0 && s->pkt.ts < INT64_MIN - off)
				s->pkt.ts = INT64_MIN;
			else
				s->pkt.ts += off;
			if (s->pkt.ts < s->last_ts) {
				s->reordered++;
				s->pkt.ts = s->last_ts;
			}
			s->ev.ts = s->last_ts = s->pkt.ts;
			s->ev.input = s->index;
		}
		return 0;
	}
	if (s->txt) {
		r = ot_textsrc_next(s->txt, &s->ev, err);
		if (r < 0)
			return -1;
		s->ev.input = s->index;
	} else if (s->etl) {
		r = ot_etlsrc_next(s->etl, &s->ev, err);
		if (r < 0) {
			if (!err->file[0])
				snprintf(err->file, sizeof(err->file), "%s", path);
			return -1;
		}
		s->ev.input = s->index;
		s->ev.line = ot_etlsrc_records(s->etl);	/* the record's number */
		/* an NDIS-PacketCapture packet: the trace's clock, no offset */
		s->etl_pkt = r == 2;
		if (r == 2) {
			s->pkt = *ot_etlsrc_packet(s->etl);
			s->ev.ts = s->pkt.ts;
			r = 1;
		}
	} else {
		r = ot_jsonl_next(s->rd, &s->ev, err);
		if (r < 0)
			return -1;
	}
	s->has = r;
	if (r && s->ev.ts < s->last_ts) {
		err->phase = "merge";
		err->offset = s->rd ? ot_jsonl_line_offset(s->rd) : 0;
		return ot_errorf_at(err, OT_EINPUT, path, s->ev.line,
				    "\"ts\" goes back in time (%lld after %lld): events of one file must be in time order",
				    (long long)s->ev.ts, (long long)s->last_ts);
	}
	if (r)
		s->last_ts = s->ev.ts;
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
 * replays them through the store's sink in the same order.  Memory stays
 * bounded whatever the input size.
 */
#define BATCH 2048
#define NBATCH 4

enum rec_kind { R_OBJECT, R_OP, R_WRITE, R_VIOLATION, R_LEAK, R_RULE, R_FLOW };

struct rec {
	enum rec_kind kind;
	size_t first_block;	/* R_OP: its blocks in batch.blocks */
	union {
		struct ot_object_rec object;
		struct ot_op_rec op;
		struct ot_write_rec write;
		struct ot_violation_rec violation;
		struct ot_leak_rec leak;
		struct ot_rule_rec rule;
		struct ot_flow flow;
	} u;
};

struct batch {
	struct ot_event ev[BATCH];
	size_t n;
	struct rec *recs;	/* grown as needed, kept across uses */
	size_t nrecs, caprecs;
	struct ot_block_rec *blocks;
	size_t nblocks, capblocks;
};

struct pipeline {
	/* set up before the reader starts, read-only after */
	struct source *src;
	struct ot_input_info *info;
	const char *const *paths;
	size_t n;
	const struct ot_ingest_opts *o;
	const char *adapter;
	struct ot_engine *eng;
	/* the ring */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *ring;
	size_t head, count;	/* next batch to consume; filled batches */
	int done, stop, failed;
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
	new_rec(ctx, R_OBJECT)->u.object = *o;
	return 0;
}

static int
q_op(void *ctx, const struct ot_op_rec *op)
{
	struct pipeline *p = ctx;
	struct batch *b = p->cur;
	struct rec *r = new_rec(p, R_OP);

	r->u.op = *op;
	r->u.op.blocks = NULL;
	r->first_block = b->nblocks;
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
	new_rec(ctx, R_WRITE)->u.write = *w;
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

static const struct ot_sink queue_sink = {
	q_object, q_op, q_write, q_violation, q_leak, q_rule, q_flow
};

/* Hand the records of a batch to the store, in the order they were made. */
static int
replay(const struct batch *b, struct ot_db *db)
{
	const struct ot_sink *s = &ot_db_sink;
	size_t i;
	int rc = 0;

	for (i = 0; i < b->nrecs && rc == 0; i++) {
		const struct rec *r = &b->recs[i];
		struct ot_op_rec op;

		switch (r->kind) {
		case R_OBJECT:
			rc = s->object(db, &r->u.object);
			break;
		case R_OP:
			op = r->u.op;
			op.blocks = b->blocks + r->first_block;
			rc = s->op(db, &op);
			break;
		case R_WRITE:
			rc = s->write(db, &r->u.write);
			break;
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
		}
	}
	return rc;
}

static void
publish(struct pipeline *p, int done)
{
	pthread_mutex_lock(&p->mu);
	p->count++;
	if (done)
		p->done = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Wait for a free batch and make it current; 0, or -1 when asked to stop. */
static int
next_batch(struct pipeline *p)
{
	struct batch *b = NULL;

	pthread_mutex_lock(&p->mu);
	while (p->count == NBATCH && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	if (!p->stop)
		b = &p->ring[(p->head + p->count) % NBATCH];
	pthread_mutex_unlock(&p->mu);
	p->cur = b;
	if (b == NULL)
		return -1;
	b->n = 0;
	b->nrecs = 0;
	b->nblocks = 0;
	return 0;
}

static void *
reader_main(void *arg)
{
	struct pipeline *p = arg;
	struct source *src = p->src;
	struct heap h;
	struct ot_err err;
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
		struct source *s = &src[h.a[0]];
		struct ot_event *ev = &s->ev;

		if (s->cap || s->etl_pkt) {
			/* a packet: to the engine's flows, not an event */
			if (ev->ts >= p->o->since && ev->ts < p->o->until) {
				if (p->packets++ == 0)
					p->pkt_start = ev->ts;
				p->pkt_end = ev->ts;
				p->info[s->index].records++;
				ot_engine_packet(p->eng, &s->pkt);
			}
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
				publish(p, 0);
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

			for (i = 0; i < p->n; i++)
				done += src[i].cap ? src[i].pkt.offset :
					src[i].rd ? ot_jsonl_bytes(src[i].rd) :
					src[i].txt ? ot_textsrc_bytes(src[i].txt) :
					ot_etlsrc_bytes(src[i].etl);
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
	publish(p, 1);
	goto out;
fail:
	pthread_mutex_lock(&p->mu);
	p->err = err;
	p->failed = 1;
	p->done = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
out:
	free(h.a);
	ot_jsonl_thread_release();
	return NULL;
}

/* Next filled batch, or NULL at the end (or on the reader's failure). */
static struct batch *
take_batch(struct pipeline *p)
{
	struct batch *b = NULL;

	pthread_mutex_lock(&p->mu);
	while (p->count == 0 && !p->done)
		pthread_cond_wait(&p->cv, &p->mu);
	if (p->count > 0 && !p->failed)
		b = &p->ring[p->head];
	pthread_mutex_unlock(&p->mu);
	return b;
}

static void
release_batch(struct pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	p->head = (p->head + 1) % NBATCH;
	p->count--;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

static void
stop_reader(struct pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* sha256 of a whole file (the .etl reader reads it by buffers, not in order). */
static int
file_sha256(const char *path, char hex[65], struct ot_err *err)
{
	struct ot_sha256 c;
	uint8_t *buf = xmalloc(1 << 20);
	FILE *f = fopen(path, "rb");
	size_t k;
	int rc = 0;

	if (f == NULL) {
		free(buf);
		err->phase = "sha256";
		return ot_errorf_at(err, OT_EINPUT, path, 0, "cannot open: %s", strerror(errno));
	}
	ot_sha256_init(&c);
	while ((k = fread(buf, 1, 1 << 20, f)) > 0)
		ot_sha256_update(&c, buf, k);
	if (ferror(f)) {
		err->phase = "sha256";
		rc = ot_errorf_at(err, OT_EINPUT, path, 0, "read error");
	}
	ot_sha256_final(&c, hex);
	fclose(f);
	free(buf);
	return rc;
}

/*
 * An .etl input's counts, and which providers and events no profile
 * matched (meta "unmatched <input> <provider> <id>": never hidden).
 */
static int
etl_inputs(struct ot_db *db, size_t input, const char *path, struct ot_etlsrc *s,
	   struct ot_input_info *in, struct ot_err *err)
{
	const struct ot_etlsrc_unmatched *kinds;
	char key[96], val[32];
	size_t nk, i;

	if (file_sha256(path, in->sha256, err) < 0)
		return -1;
	in->records = ot_etlsrc_records(s);
	in->corrupt = ot_etlsrc_unparsed(s);
	in->unmatched = ot_etlsrc_unmatched(s, &kinds, &nk);
	ot_etlsrc_lost(s, &in->lost_events, &in->lost_buffers);
	for (i = 0; i < nk; i++) {
		snprintf(key, sizeof(key), "unmatched %zu %s %u", input, kinds[i].provider,
			 (unsigned)kinds[i].id);
		snprintf(val, sizeof(val), "%llu", (unsigned long long)kinds[i].count);
		if (ot_db_set_meta(db, key, val, err) < 0)
			return -1;
	}
	return 0;
}

/* A capture input's counts (records = packets merged) and facts (meta). */
static int
capture_inputs(struct ot_db *db, size_t input, const char *path,
	       const struct source *s, struct ot_input_info *in, struct ot_err *err)
{
	char key[64], val[32];

	if (file_sha256(path, in->sha256, err) < 0)
		return -1;
	if (s->pkt_offset) {
		snprintf(key, sizeof(key), "pcap_offset_ns %zu", input);
		snprintf(val, sizeof(val), "%lld", (long long)s->pkt_offset);
		if (ot_db_set_meta(db, key, val, err) < 0)
			return -1;
	}
	if (s->reordered) {
		snprintf(key, sizeof(key), "capture_reordered %zu", input);
		snprintf(val, sizeof(val), "%llu", (unsigned long long)s->reordered);
		if (ot_db_set_meta(db, key, val, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * The decoders of tracefmt text and WPP: the --profile files, then the
 * built-in chimney profile; the --tmf directory; the --prefix.
 */
static int
open_decoders(const struct ot_ingest_opts *o, struct ot_profile **prof,
	      struct ot_tmfdir **tmf, struct ot_wpptext_prefix **pf, struct ot_err *err)
{
	size_t i;

	*prof = ot_profile_new();
	for (i = 0; i < o->nprofiles; i++)
		if (ot_profile_add_file(*prof, o->profiles[i], err) < 0)
			return -1;
	if (ot_profile_add_builtin(*prof, "chimney", err) < 0)
		return -1;
	if (o->tmf_dir != NULL && (*tmf = ot_tmfdir_open(o->tmf_dir, err)) == NULL)
		return -1;
	if (o->prefix != NULL && (*pf = ot_wpptext_prefix_new(o->prefix, err)) == NULL)
		return -1;
	return 0;
}

/*
 * A tracefmt text input's counts, the messages no profile rule matched
 * (meta "unmatched <input> text <key>"), its "No Format Information
 * found." lines (meta "no_format <input>") and how its local times were
 * read (meta "tz <input>").
 */
static int
text_inputs(struct ot_db *db, size_t input, const char *path, struct ot_textsrc *s,
	    const struct ot_ingest_opts *o, struct ot_input_info *in, struct ot_err *err)
{
	const struct ot_wpptext_stats *ws = ot_textsrc_stats(s);
	const struct ot_tally *t = ot_textsrc_unmatched(s);
	char key[192], val[64];
	size_t i;

	/* hashed while it was read; a second pass only if it was not read
	 * to the end */
	if (ot_textsrc_sha256(s, in->sha256) < 0 && file_sha256(path, in->sha256, err) < 0)
		return -1;
	in->records = ws->messages;
	in->unmatched = t->total;
	for (i = 0; i < t->n && i < OT_ETLSRC_MAX_UNMATCHED; i++) {
		snprintf(key, sizeof(key), "unmatched %zu text %s", input, t->e[i].key);
		snprintf(val, sizeof(val), "%llu", (unsigned long long)t->e[i].count);
		if (ot_db_set_meta(db, key, val, err) < 0)
			return -1;
	}
	snprintf(key, sizeof(key), "no_format %zu", input);
	snprintf(val, sizeof(val), "%llu", (unsigned long long)ws->no_format);
	if (ot_db_set_meta(db, key, val, err) < 0)
		return -1;
	snprintf(key, sizeof(key), "tz %zu", input);
	if (o->tz_set)
		snprintf(val, sizeof(val), "local time = UTC%c%02lld:%02lld (--tz-offset)",
			 o->tz_offset_ns < 0 ? '-' : '+',
			 (long long)(llabs(o->tz_offset_ns) / 3600000000000LL),
			 (long long)(llabs(o->tz_offset_ns) / 60000000000LL % 60));
	else
		snprintf(val, sizeof(val), "UTC (times as written; no --tz-offset)");
	return ot_db_set_meta(db, key, val, err);
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

int
ot_ingest(struct ot_db *db, const char *const *paths, size_t n,
	  const struct ot_ingest_opts *o, struct ot_ingest_result *res,
	  struct ot_err *err)
{
	struct ot_strtab *st = ot_strtab_new();
	struct source *src = xcalloc(n ? n : 1, sizeof(*src));
	struct ot_input_info *info = xcalloc(n ? n : 1, sizeof(*info));
	struct ot_engine *eng = NULL;
	struct ot_engine_opts eo;
	struct pipeline p;
	struct batch *b;
	pthread_t reader;
	char *name = NULL;
	struct ot_profile *prof = NULL;
	struct ot_tmfdir *tmf = NULL;
	struct ot_wpptext_prefix *pf = NULL;
	uint64_t total = 0;
	int ret = -1, in_txn = 0, started = 0;
	double last_progress = now_s();
	size_t i, namelen = 0;

	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	if (n == 0) {
		ot_errorf(err, OT_EUSAGE, "no input files");
		goto out;
	}
	if (open_decoders(o, &prof, &tmf, &pf, err) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		const char *fmt = ot_detect_format(paths[i], err);
		struct stat sb;

		if (fmt == NULL)
			goto out;
		if (strcmp(fmt, "etl") == 0) {
			src[i].etl = ot_etlsrc_open(paths[i], st, err);
			if (src[i].etl == NULL)
				goto out;
			ot_etlsrc_want_packets(src[i].etl);
			ot_etlsrc_set_profile(src[i].etl, prof, tmf);
			info[i].format = "etl";
		} else if (strcmp(fmt, "wpptext") == 0 ||
		    (pf != NULL && (strcmp(fmt, "text") == 0 || strcmp(fmt, "binary") == 0))) {
			src[i].txt = ot_textsrc_open(paths[i], prof, pf,
						     o->tz_set ? o->tz_offset_ns : 0, st, err);
			if (src[i].txt == NULL)
				goto out;
			/* tracefmt times have no zone: the report says how they were read */
			if (o->tz_set)
				snprintf(src[i].fmtname, sizeof(src[i].fmtname),
					 "tracefmt%c%02u:%02u",
					 o->tz_offset_ns < 0 ? '-' : '+',
					 (unsigned)(llabs(o->tz_offset_ns) / 3600000000000LL % 100),
					 (unsigned)(llabs(o->tz_offset_ns) / 60000000000LL % 60));
			else
				snprintf(src[i].fmtname, sizeof(src[i].fmtname), "tracefmt UTC");
			info[i].format = src[i].fmtname;
		} else if (strcmp(fmt, "pcap") == 0 || strcmp(fmt, "pcapng") == 0) {
			src[i].cap = ot_pcap_open(paths[i], err);
			if (src[i].cap == NULL)
				goto out;
			src[i].pkt_offset = o->pcap_offset;
			info[i].format = ot_pcap_format(src[i].cap);
		} else if (strcmp(fmt, "jsonl") != 0) {
			err->phase = "detect";
			if (strcmp(fmt, "empty") == 0)
				ot_errorf_at(err, OT_EINPUT, paths[i], 1, "empty input: no events");
			else if (strcmp(fmt, "binary") == 0 || strcmp(fmt, "text") == 0)
				ot_errorf_at(err, OT_EINPUT, paths[i], 1,
					     "not a recognized trace format (%s data; expected JSON lines of normalized events, tracefmt text (see --prefix), .etl or a capture)",
					     fmt);
			else
				ot_errorf_at(err, OT_EINPUT, paths[i], 1,
					     "%s input is not supported by this version", fmt);
			goto out;
		} else {
			src[i].f = fopen(paths[i], "rb");
			if (src[i].f == NULL) {
				err->phase = "open";
				ot_errorf_at(err, OT_EINPUT, paths[i], 0, "cannot open: %s",
					     strerror(errno));
				goto out;
			}
			src[i].rd = ot_jsonl_open(src[i].f, paths[i], (uint32_t)i, st);
			info[i].format = "jsonl";
		}
		/* what every kind of input shares */
		if (stat(paths[i], &sb) == 0)
			info[i].size = (uint64_t)sb.st_size;
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
	p.ring = xcalloc(NBATCH, sizeof(struct batch));
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	if (pthread_create(&reader, NULL, reader_main, &p) != 0) {
		ot_errorf(err, OT_EINTERNAL, "cannot start the reader thread");
		goto out;
	}
	started = 1;
	while ((b = take_batch(&p)) != NULL) {
		if (ot_db_add_events(db, b->ev, b->n, err) < 0)
			goto out;
		if (replay(b, db) < 0) {
			*err = *ot_db_sink_error(db);
			goto out;
		}
		if (o->progress && b->n > 0 && now_s() - last_progress > 0.1) {
			o->progress(o->progress_ctx, __atomic_load_n(&p.bytes, __ATOMIC_RELAXED),
				    total, b->ev[b->n - 1].id);
			last_progress = now_s();
		}
		release_batch(&p);
	}
	pthread_join(reader, NULL);
	started = 0;
	if (p.failed) {
		*err = p.err;
		goto out;
	}
	if (p.events == 0 && p.packets == 0) {
		uint64_t unmatched = 0, text_unmatched = 0;
		const struct ot_etlsrc_unmatched *kinds;
		size_t nk;

		for (i = 0; i < n; i++)
			if (src[i].etl)
				unmatched += ot_etlsrc_unmatched(src[i].etl, &kinds, &nk);
		err->phase = "merge";
		for (i = 0; i < n; i++)
			if (src[i].txt)
				text_unmatched += ot_textsrc_unmatched(src[i].txt)->total;
		if (text_unmatched)
			ot_errorf(err, OT_EINPUT, "no events: %llu tracefmt messages, none matched by a profile rule; 'offtrace profile stats' lists them",
				  (unsigned long long)text_unmatched);
		else if (unmatched)
			ot_errorf(err, OT_EINPUT, "no events: %llu .etl records, none of a known provider (chimney, TCPIP 1099); 'offtrace dump' lists them",
				  (unsigned long long)unmatched);
		else if (n == 1)
			ot_errorf_at(err, OT_EINPUT, paths[0], 0, "no events%s",
				     src[0].cap ? " and no packets in this capture" :
				     o->since != INT64_MIN || o->until != INT64_MAX || p.adapter ?
				     " within the selected window/adapter" : " in this input");
		else
			ot_errorf(err, OT_EINPUT, "no events or packets in the inputs%s",
				  o->since != INT64_MIN || o->until != INT64_MAX || p.adapter ?
				  " within the selected window/adapter" : "");
		goto out;
	}
	ot_engine_stats(eng, &res->engine);
	if (store_stats(db, &res->engine, err) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (src[i].etl) {
			if (etl_inputs(db, i, paths[i], src[i].etl, &info[i], err) < 0)
				goto out;
			continue;
		}
		if (src[i].txt) {
			if (text_inputs(db, i, paths[i], src[i].txt, o, &info[i], err) < 0)
				goto out;
			continue;
		}
		if (src[i].cap) {
			if (capture_inputs(db, i, paths[i], &src[i], &info[i], err) < 0)
				goto out;
			continue;
		}
		ot_jsonl_sha256(src[i].rd, info[i].sha256);
		info[i].records = ot_jsonl_lines(src[i].rd);
	}
	if (ot_db_finish_trace(db, info, n, p.start_ts, p.end_ts, o->force, err) < 0)
		goto out;
	in_txn = 0;
	res->events = p.events;
	res->packets = p.packets;
	res->start_ts = p.start_ts;
	res->end_ts = p.end_ts;
	if (o->progress)
		o->progress(o->progress_ctx, total, total, p.events);
	ret = 0;
out:
	if (started) {
		stop_reader(&p);
		pthread_join(reader, NULL);
	}
	if (p.ring) {
		pthread_mutex_destroy(&p.mu);
		pthread_cond_destroy(&p.cv);
		for (i = 0; i < NBATCH; i++) {
			free(p.ring[i].recs);
			free(p.ring[i].blocks);
		}
		free(p.ring);
	}
	if (in_txn)
		ot_db_abort_trace(db);
	ot_engine_free(eng);
	for (i = 0; i < n; i++) {
		ot_jsonl_close(src[i].rd);
		ot_etlsrc_close(src[i].etl);
		ot_textsrc_close(src[i].txt);
		ot_pcap_close(src[i].cap);
		if (src[i].f)
			fclose(src[i].f);
	}
	free(src);
	free(info);
	free(name);
	ot_profile_free(prof);
	ot_tmfdir_free(tmf);
	ot_wpptext_prefix_free(pf);
	ot_strtab_free(st);
	return ret;
}
