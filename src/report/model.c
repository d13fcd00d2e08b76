/*
 * model.c - load the report model of one trace from the database, through
 * SQL only (doc/rules.md sections 3 and 4 define the summary and latency).
 */
#include "offtrace/report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/hmap.h"
#include "offtrace/store.h"

static int
prep(sqlite3 *db, const char *sql, int64_t trace_id, sqlite3_stmt **st,
     struct ot_err *err)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		ot_errorf(err, OT_EDB, "report query: %s", sqlite3_errmsg(db));
		if (err != NULL)
			err->phase = "report";
		return -1;
	}
	sqlite3_bind_int64(*st, 1, trace_id);
	return 0;
}

static int
step_error(sqlite3 *db, sqlite3_stmt *st, struct ot_err *err)
{
	ot_errorf(err, OT_EDB, "report query: %s", sqlite3_errmsg(db));
	if (err != NULL)
		err->phase = "report";
	sqlite3_finalize(st);
	return -1;
}

static int64_t
col_time(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return OT_T_NONE;
	return sqlite3_column_int64(st, i);
}

static void
col_str(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(buf, len, "%s", s ? (const char *)s : "");
}

static int
load_trace(sqlite3 *db, int64_t tid, struct ot_report *r, struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (prep(db, "SELECT name, start_ns, end_ns, events, inputs FROM traces"
		 " WHERE trace_id = ?1", tid, &st, err) < 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		ot_errorf(err, OT_EINPUT, "no trace %" PRId64 " in the database",
			  tid);
		if (err != NULL)
			err->phase = "report";
		return -1;
	}
	if (rc != SQLITE_ROW)
		return step_error(db, st, err);
	col_str(st, 0, r->name, sizeof(r->name));
	r->start_ts = col_time(st, 1);
	r->end_ts = col_time(st, 2);
	r->events = (uint64_t)sqlite3_column_int64(st, 3);
	r->inputs = (uint64_t)sqlite3_column_int64(st, 4);
	sqlite3_finalize(st);
	/* tracefmt text read without --tz-offset: its times are local, of no
	 * known zone (src/source/text.c, meta "tz INPUT") */
	if (prep(db, "SELECT EXISTS (SELECT 1 FROM meta WHERE trace_id = ?1 AND"
		 " key LIKE 'tz %' AND value LIKE '%no --tz-offset%')", tid, &st, err) < 0)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW)
		return step_error(db, st, err);
	r->local_time = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return 0;
}

static int
load_summary(sqlite3 *db, int64_t tid, struct ot_report *r,
	     struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (prep(db, "SELECT count(*), count(t_offloaded),"
		 " coalesce(sum(fate = ?2), 0), coalesce(sum(fate = ?3), 0),"
		 " coalesce(sum(fate = ?4), 0) FROM objects WHERE trace_id = ?1",
		 tid, &st, err) < 0)
		return -1;
	sqlite3_bind_text(st, 2, ot_fate_names[OT_FATE_FAILED], -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ot_fate_names[OT_FATE_TERMINATED], -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ot_fate_names[OT_FATE_LOST], -1,
			  SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return step_error(db, st, err);
	r->summary.objects = (uint64_t)sqlite3_column_int64(st, 0);
	r->summary.offloaded = (uint64_t)sqlite3_column_int64(st, 1);
	r->summary.failed = (uint64_t)sqlite3_column_int64(st, 2);
	r->summary.terminated = (uint64_t)sqlite3_column_int64(st, 3);
	r->summary.lost = (uint64_t)sqlite3_column_int64(st, 4);
	sqlite3_finalize(st);

	/* leaked: every leak, of any reason (doc/rules.md 3) */
	if (prep(db, "SELECT reason, count(*) FROM leaks WHERE trace_id = ?1"
		 " GROUP BY reason", tid, &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *why = (const char *)sqlite3_column_text(st, 0);
		uint64_t n = (uint64_t)sqlite3_column_int64(st, 1);
		int k;

		r->summary.leaked += n;
		for (k = 0; why && k < OT_LEAK_COUNT; k++)
			if (strcmp(why, ot_leak_reason_names[k]) == 0)
				r->summary.leaked_by_reason[k] += n;
	}
	if (rc != SQLITE_DONE)
		return step_error(db, st, err);
	sqlite3_finalize(st);
	r->summary.live_at_end =
		r->summary.leaked_by_reason[OT_LEAK_LIVE_AT_END];

	/* Only checked rules count (violations of the others are withdrawn
	 * at ingest; the NOT EXISTS guards older or foreign databases). */
	if (prep(db, "SELECT coalesce(sum(severity = 'error'), 0),"
		 " coalesce(sum(severity = 'warning'), 0) FROM violations v"
		 " WHERE trace_id = ?1 AND NOT EXISTS (SELECT 1 FROM rules u"
		 " WHERE u.trace_id = ?1 AND u.rule = v.rule AND u.checked = 0)",
		 tid, &st, err) < 0)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW)
		return step_error(db, st, err);
	r->summary.errors = (uint64_t)sqlite3_column_int64(st, 0);
	r->summary.warnings = (uint64_t)sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	return 0;
}

/* Lower bounds of the 1-2-5 buckets: 0, 2, 5, 10, 20, ... 500e9 ns. */
static const int64_t bucket_lo[OT_LAT_BUCKETS] = {
	0, 2, 5, 10, 20, 50, 100, 200, 500,
	1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000,
	1000000, 2000000, 5000000, 10000000, 20000000, 50000000,
	100000000, 200000000, 500000000,
	1000000000, 2000000000, 5000000000, 10000000000, 20000000000,
	50000000000, 100000000000, 200000000000, 500000000000
};

int64_t
ot_lat_bucket_lo(int b)
{
	if (b < 0)
		return 0;
	return b >= OT_LAT_BUCKETS ? INT64_MAX : bucket_lo[b];
}

/* Binary search: the last bucket whose lower bound is <= ns. */
int
ot_lat_bucket(int64_t ns)
{
	int lo = 0, hi = OT_LAT_BUCKETS - 1;

	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;

		if (bucket_lo[mid] <= ns)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/*
 * A distribution from its values sorted ascending (n > 0): nearest-rank
 * percentiles, as the percentile() SQL aggregate computes them, the
 * histogram, and the mean truncated toward zero as SQL's integer division.
 */
static void
lat_fill(struct ot_lat *l, const int64_t *v, size_t n)
{
	__int128 sum = 0;
	size_t i;

	l->count = n;
	l->p50 = v[ot_nearest_rank(n, 50000)];
	l->p90 = v[ot_nearest_rank(n, 90000)];
	l->p99 = v[ot_nearest_rank(n, 99000)];
	l->p999 = v[ot_nearest_rank(n, 99900)];
	l->max = v[n - 1];
	for (i = 0; i < n; i++) {
		sum += v[i];
		l->hist[ot_lat_bucket(v[i])]++;
	}
	l->mean = (int64_t)(sum / (__int128)n);
}

/* The completed operations of one (adapter, layer) while loading. */
struct lgrp {
	const char *adapter;	/* interned */
	size_t alen;
	int layer;		/* -1: not a layer name (a foreign database) */
	int64_t *v[OT_KIND_COUNT];
	size_t n[OT_KIND_COUNT], cap[OT_KIND_COUNT];
};

static int
cmp_lgrp(const void *a, const void *b)
{
	const struct lgrp *x = *(const struct lgrp *const *)a;
	const struct lgrp *y = *(const struct lgrp *const *)b;
	size_t n = x->alen < y->alen ? x->alen : y->alen;
	int c = memcmp(x->adapter, y->adapter, n);

	if (c)
		return c;
	if (x->alen != y->alen)
		return x->alen < y->alen ? -1 : 1;
	return (x->layer > y->layer) - (x->layer < y->layer);
}

/* The group of (adapter, layer), created when new. */
static struct lgrp *
lgrp_get(struct hmap *m, struct ot_strtab *tab, struct lgrp ***all,
	 size_t *nall, size_t *cap, const char *ad, size_t alen, int layer)
{
	const char *in = ot_intern(tab, ad, alen);
	struct lgrp *g = hm_get(m, (uint64_t)(uintptr_t)in, (uint64_t)(layer + 2));

	if (g != NULL)
		return g;
	if (*nall == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*all = xrealloc(*all, st_mult(*cap, sizeof(**all)));
	}
	g = xcalloc(1, sizeof(*g));
	g->adapter = in;
	g->alen = alen;
	g->layer = layer;
	(*all)[(*nall)++] = g;
	hm_put(m, (uint64_t)(uintptr_t)in, (uint64_t)(layer + 2), g);
	return g;
}

/*
 * Every completed operation's latency in one scan (a rowid range, no
 * sort in SQL), grouped by (adapter, layer) as it goes; then per kind the
 * groups' values together give the overall distribution, and each
 * group's its own.  Nearest rank, as the percentile() SQL aggregate does,
 * so both agree to the nanosecond.
 */
static int
load_latency(sqlite3 *db, int64_t tid, struct ot_report *r,
	     struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	struct ot_strtab *tab = ot_strtab_new();
	struct hmap m;
	struct lgrp **all = NULL, *last = NULL;
	size_t nall = 0, cap = 0, i, j, keep;
	int64_t *v = NULL;
	int k, rc, ret = -1;

	memset(r->latency, 0, sizeof(r->latency));
	hm_init(&m);
	if (prep(db, "SELECT kind, t_complete, adapter, layer, t_request FROM"
		 " operations WHERE opid BETWEEN ?1 * 1099511627776 AND"
		 " ?1 * 1099511627776 + 1099511627775 AND t_complete IS NOT NULL",
		 tid, &st, err) < 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		const char *ad = (const char *)sqlite3_column_text(st, 2);
		size_t alen = (size_t)sqlite3_column_bytes(st, 2);
		const char *ly = (const char *)sqlite3_column_text(st, 3);
		int layer = ly ? ot_layer_from_name(ly, strlen(ly)) : -1;
		struct lgrp *g;

		for (k = 0; kind && k < OT_KIND_COUNT; k++)
			if (strcmp(kind, ot_kind_names[k]) == 0)
				break;
		if (kind == NULL || k == OT_KIND_COUNT)
			continue;
		if (ad == NULL) {
			ad = "";
			alen = 0;
		}
		/* operations come mostly in runs of one adapter and layer */
		if (last && last->layer == layer && last->alen == alen &&
		    memcmp(last->adapter, ad, alen) == 0)
			g = last;
		else
			g = last = lgrp_get(&m, tab, &all, &nall, &cap, ad, alen,
					    layer < 0 ? -1 : layer);
		if (g->n[k] == g->cap[k]) {
			g->cap[k] = g->cap[k] ? 2 * g->cap[k] : 16;
			g->v[k] = xrealloc(g->v[k], st_mult(g->cap[k], sizeof(*g->v[k])));
		}
		/* saturated: a damaged database may hold any two times, and
		 * the limits print as "out of range" */
		g->v[k][g->n[k]++] = ot_time_sub_sat(sqlite3_column_int64(st, 1),
						     sqlite3_column_int64(st, 4));
	}
	if (rc != SQLITE_DONE) {
		step_error(db, st, err);	/* finalizes st */
		st = NULL;
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;

	/* overall: the groups' values of a kind together */
	for (k = 0; k < OT_KIND_COUNT; k++) {
		size_t total = 0, at = 0;

		for (i = 0; i < nall; i++)
			total += all[i]->n[k];
		if (total == 0)
			continue;
		if (nall == 1) {
			qsort(all[0]->v[k], total, sizeof(int64_t), cmp_i64);
			lat_fill(&r->latency[k], all[0]->v[k], total);
			continue;
		}
		v = xmalloc(st_mult(total, sizeof(*v)));
		for (i = 0; i < nall; i++) {
			if (all[i]->n[k] == 0)
				continue;
			memcpy(v + at, all[i]->v[k], all[i]->n[k] * sizeof(*v));
			at += all[i]->n[k];
		}
		qsort(v, total, sizeof(*v), cmp_i64);
		lat_fill(&r->latency[k], v, total);
		free(v);
		v = NULL;
	}

	/* each group, in (adapter, layer) order, at most OT_REP_MAX_LAT_GROUPS */
	if (nall > 1)
		qsort(all, nall, sizeof(*all), cmp_lgrp);
	for (i = 0, keep = 0; i < nall; i++)
		keep += all[i]->layer >= 0;
	if (keep > OT_REP_MAX_LAT_GROUPS) {
		r->lat_groups_more = keep - OT_REP_MAX_LAT_GROUPS;
		keep = OT_REP_MAX_LAT_GROUPS;
	}
	if (keep)
		r->lat_groups = xcalloc(keep, sizeof(*r->lat_groups));
	for (i = 0; i < nall && r->nlat_groups < keep; i++) {
		struct ot_rep_lat_group *o;

		if (all[i]->layer < 0)
			continue;
		o = &r->lat_groups[r->nlat_groups++];
		snprintf(o->adapter, sizeof(o->adapter), "%.*s",
			 (int)(all[i]->alen < sizeof(o->adapter) ?
			       all[i]->alen : sizeof(o->adapter) - 1),
			 all[i]->adapter);
		o->layer = (enum ot_layer)all[i]->layer;
		for (k = 0; k < OT_KIND_COUNT; k++) {
			if (all[i]->n[k] == 0)
				continue;
			if (nall == 1)	/* sorted above, the same values */
				o->latency[k] = r->latency[k];
			else {
				qsort(all[i]->v[k], all[i]->n[k], sizeof(int64_t),
				      cmp_i64);
				lat_fill(&o->latency[k], all[i]->v[k], all[i]->n[k]);
			}
		}
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	for (i = 0; i < nall; i++) {
		for (j = 0; j < OT_KIND_COUNT; j++)
			free(all[i]->v[j]);
		free(all[i]);
	}
	free(all);
	hm_free(&m);
	ot_strtab_free(tab);
	return ret;
}

/*
 * Packet captures (doc/rules.md 5): flows, joined flows, and the W3
 * SYN-to-offload distribution, nearest rank as for the latency kinds.
 */
static int
load_capture(sqlite3 *db, int64_t tid, struct ot_report *r, struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	struct ot_lat *l = &r->syn_to_offload;
	int64_t *v = NULL;
	size_t n = 0, cap = 0;
	int rc;

	memset(&r->capture, 0, sizeof(r->capture));
	memset(l, 0, sizeof(*l));
	if (prep(db, "SELECT count(*), coalesce(sum(EXISTS (SELECT 1 FROM"
		 " flow_objects j WHERE j.trace_id = ?1 AND j.flow_id = f.id)), 0),"
		 " (SELECT value FROM meta WHERE trace_id = ?1 AND key ="
		 " 'capture_packets') FROM flows f WHERE trace_id = ?1",
		 tid, &st, err) < 0)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW)
		return step_error(db, st, err);
	r->capture.flows = (uint64_t)sqlite3_column_int64(st, 0);
	r->capture.joined = (uint64_t)sqlite3_column_int64(st, 1);
	r->capture.packets = (uint64_t)sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	if (prep(db, "SELECT latency_ns FROM syn_to_offload WHERE trace_id = ?1"
		 " ORDER BY latency_ns", tid, &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			v = xrealloc(v, st_mult(cap, sizeof(*v)));
		}
		v[n++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE) {
		free(v);
		return step_error(db, st, err);
	}
	sqlite3_finalize(st);
	if (n)
		lat_fill(l, v, n);
	free(v);
	return 0;
}

static int
load_leaks(sqlite3 *db, int64_t tid, struct ot_report *r, struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	/* slot < 0 first key: pointers sort as unsigned */
	if (prep(db, "SELECT object_id, slot, coalesce(state, ''), adapter,"
		 " layer, reason, since, ts, last_activity FROM leaks"
		 " WHERE trace_id = ?1 ORDER BY since, slot < 0, slot,"
		 " object_id, ts", tid, &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ot_rep_leak *l;

		if (r->nleaks == cap) {
			cap = cap ? cap * 2 : 16;
			r->leaks = xrealloc(r->leaks, st_mult(cap, sizeof(*l)));
		}
		l = &r->leaks[r->nleaks++];
		memset(l, 0, sizeof(*l));
		l->object_id = (uint64_t)sqlite3_column_int64(st, 0);
		l->slot = (uint64_t)sqlite3_column_int64(st, 1);
		col_str(st, 2, l->state, sizeof(l->state));
		col_str(st, 3, l->adapter, sizeof(l->adapter));
		col_str(st, 4, l->layer, sizeof(l->layer));
		col_str(st, 5, l->reason, sizeof(l->reason));
		l->since = col_time(st, 6);
		l->ts = col_time(st, 7);
		l->last_activity = col_time(st, 8);
	}
	if (rc != SQLITE_DONE)
		return step_error(db, st, err);
	sqlite3_finalize(st);
	return 0;
}

static int
load_inputs(sqlite3 *db, int64_t tid, struct ot_report *r, struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (prep(db, "SELECT file, format, sha256, size, records, events, unmatched,"
		 " corrupt, lost_events, lost_buffers FROM inputs WHERE trace_id = ?1"
		 " ORDER BY input", tid, &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ot_rep_input *in;
		int c;

		r->in = xrealloc(r->in, st_mult(r->nin + 1, sizeof(*in)));
		in = &r->in[r->nin++];
		memset(in, 0, sizeof(*in));
		col_str(st, 0, in->file, sizeof(in->file));
		col_str(st, 1, in->format, sizeof(in->format));
		col_str(st, 2, in->sha256, sizeof(in->sha256));
		for (c = 3; c <= 9; c++) {
			uint64_t v = (uint64_t)sqlite3_column_int64(st, c);

			switch (c) {
			case 3: in->size = v; break;
			case 4: in->records = v; break;
			case 5: in->events = v; break;
			case 6: in->unmatched = v; break;
			case 7: in->corrupt = v; break;
			case 8: in->lost_events = v; break;
			default: in->lost_buffers = v; break;
			}
		}
	}
	if (rc != SQLITE_DONE)
		return step_error(db, st, err);
	sqlite3_finalize(st);
	return 0;
}

/* What the ingest skipped (src/ingest.c: meta "skipped N" = NAME TAB KIND). */
static int
load_skipped(sqlite3 *db, int64_t tid, struct ot_report *r, struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (prep(db, "SELECT value FROM meta WHERE trace_id = ?1 AND key LIKE 'skipped %'"
		 " ORDER BY CAST(substr(key, 9) AS INTEGER)", tid, &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		const char *tab = v != NULL ? strchr(v, '\t') : NULL;
		struct ot_rep_skip *k;

		if (tab == NULL)
			continue;	/* not offtrace's */
		r->skipped = xrealloc(r->skipped, st_mult(r->nskipped + 1, sizeof(*k)));
		k = &r->skipped[r->nskipped++];
		snprintf(k->file, sizeof(k->file), "%.*s", (int)(tab - v), v);
		snprintf(k->kind, sizeof(k->kind), "%s", tab + 1);
	}
	if (rc != SQLITE_DONE)
		return step_error(db, st, err);
	sqlite3_finalize(st);
	return 0;
}

/* The drops of each input by reason and location, most frequent first. */
static int
load_drops(sqlite3 *db, int64_t tid, struct ot_report *r, struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (prep(db, "SELECT input, reason, location, max(reason_name), count(*) FROM drops"
		 " WHERE trace_id = ?1 GROUP BY input, reason, location"
		 " ORDER BY input, count(*) DESC, reason, location", tid, &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t i = sqlite3_column_int64(st, 0);
		struct ot_rep_input *in;
		struct ot_rep_drop *d;

		if (i < 0 || (uint64_t)i >= r->nin)
			continue;
		in = &r->in[i];
		in->drops += (uint64_t)sqlite3_column_int64(st, 4);
		if (in->ndrop == OT_REP_DROP_KINDS)
			continue;
		d = &in->drop[in->ndrop++];
		d->reason = (uint32_t)sqlite3_column_int64(st, 1);
		d->location = (uint32_t)sqlite3_column_int64(st, 2);
		col_str(st, 3, d->reason_name, sizeof(d->reason_name));
		d->count = (uint64_t)sqlite3_column_int64(st, 4);
	}
	if (rc != SQLITE_DONE)
		return step_error(db, st, err);
	sqlite3_finalize(st);
	return 0;
}

/* Violation ids are increasing in insertion order, not in report order:
 * evidence rows are matched through an id-sorted index. */
struct vidx {
	uint64_t id;
	size_t i;
};

static int
cmp_vidx(const void *a, const void *b)
{
	uint64_t x = ((const struct vidx *)a)->id;
	uint64_t y = ((const struct vidx *)b)->id;

	return (x > y) - (x < y);
}

static struct ot_rep_violation *
find_violation(struct ot_report *r, const struct vidx *idx, uint64_t id)
{
	size_t lo = 0, hi = r->nviolations;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (idx[mid].id == id)
			return &r->violations[idx[mid].i];
		if (idx[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
load_violations(sqlite3 *db, int64_t tid, struct ot_report *r,
		struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0, i;
	struct vidx *order;
	int rc;

	if (prep(db, "SELECT v.id, v.rule, v.severity, v.message, v.ts,"
		 " v.slot, v.root, v.object_id, v.op_id FROM violations v"
		 " LEFT JOIN rules u ON u.trace_id = v.trace_id AND"
		 " u.rule = v.rule WHERE v.trace_id = ?1 AND"
		 " coalesce(u.checked, 1) = 1 ORDER BY v.ts,"
		 " coalesce(u.ord, 1000), v.rule, v.slot < 0, v.slot, v.id",
		 tid, &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ot_rep_violation *v;

		if (r->nviolations == cap) {
			cap = cap ? cap * 2 : 16;
			r->violations = xrealloc(r->violations,
						 st_mult(cap, sizeof(*v)));
		}
		v = &r->violations[r->nviolations++];
		memset(v, 0, sizeof(*v));
		v->id = (uint64_t)sqlite3_column_int64(st, 0);
		col_str(st, 1, v->rule, sizeof(v->rule));
		col_str(st, 2, v->severity, sizeof(v->severity));
		col_str(st, 3, v->message, sizeof(v->message));
		v->ts = sqlite3_column_int64(st, 4);
		v->slot = (uint64_t)sqlite3_column_int64(st, 5);
		v->root = (uint64_t)sqlite3_column_int64(st, 6);
		v->object_id = (uint64_t)sqlite3_column_int64(st, 7);
		v->op_id = (uint64_t)sqlite3_column_int64(st, 8);
	}
	if (rc != SQLITE_DONE)
		return step_error(db, st, err);
	sqlite3_finalize(st);
	if (r->nviolations == 0)
		return 0;

	/* Evidence: attach event ids through an id-sorted index. */
	order = xmalloc(st_mult(r->nviolations, sizeof(*order)));
	for (i = 0; i < r->nviolations; i++) {
		order[i].id = r->violations[i].id;
		order[i].i = i;
	}
	qsort(order, r->nviolations, sizeof(*order), cmp_vidx);
	if (prep(db, "SELECT violation_id, event_id FROM violation_events"
		 " WHERE trace_id = ?1 ORDER BY violation_id, idx", tid, &st,
		 err) < 0) {
		free(order);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ot_rep_violation *v;
		uint64_t eid = (uint64_t)sqlite3_column_int64(st, 1);
		size_t len;

		v = find_violation(r, order,
				   (uint64_t)sqlite3_column_int64(st, 0));
		if (v == NULL || v->nevents >= OT_MAX_EVIDENCE)
			continue;
		v->event_ids[v->nevents++] = eid;
		len = strlen(v->events);
		snprintf(v->events + len, sizeof(v->events) - len, "%s%" PRIu64,
			 len ? " " : "", eid);
	}
	free(order);
	if (rc != SQLITE_DONE)
		return step_error(db, st, err);
	sqlite3_finalize(st);
	return 0;
}

static int
load_rules(sqlite3 *db, int64_t tid, struct ot_report *r, struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	int i, rc;

	for (i = 0; i < OT_R_COUNT; i++) {
		struct ot_rep_rule *u = &r->rules[i];

		snprintf(u->id, sizeof(u->id), "%s", ot_rules[i].id);
		snprintf(u->severity, sizeof(u->severity), "%s",
			 ot_rules[i].severity == OT_SEV_WARNING ? "warning" :
			 "error");
		u->title = ot_rules[i].title ? ot_rules[i].title : "";
		u->checked = 0;
		u->count = 0;
		snprintf(u->why_not, sizeof(u->why_not), "%s",
			 "no outcome recorded");
	}
	if (prep(db, "SELECT u.rule, u.checked, u.why_not, (SELECT count(*)"
		 " FROM violations v WHERE v.trace_id = ?1 AND v.rule = u.rule)"
		 " FROM rules u WHERE u.trace_id = ?1 ORDER BY u.ord", tid,
		 &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		struct ot_rep_rule *u;

		i = id ? ot_rule_from_id(id) : -1;
		if (i < 0)
			continue;
		u = &r->rules[i];
		u->checked = sqlite3_column_int(st, 1) != 0;
		if (u->checked) {
			u->why_not[0] = '\0';
			u->count = (uint64_t)sqlite3_column_int64(st, 3);
		} else {
			col_str(st, 2, u->why_not, sizeof(u->why_not));
			u->count = 0;
		}
	}
	if (rc != SQLITE_DONE)
		return step_error(db, st, err);
	sqlite3_finalize(st);
	return 0;
}

int
ot_report_load(sqlite3 *db, int64_t trace_id, struct ot_report *r,
	       struct ot_err *err)
{
	memset(r, 0, sizeof(*r));
	r->trace_id = trace_id;
	r->start_ts = r->end_ts = OT_T_NONE;
	if (ot_db_register_functions(db) < 0) {
		ot_errorf(err, OT_EDB, "cannot register SQL functions: %s",
			  sqlite3_errmsg(db));
		if (err != NULL)
			err->phase = "report";
		return -1;
	}
	if (load_trace(db, trace_id, r, err) < 0 ||
	    load_inputs(db, trace_id, r, err) < 0 ||
	    load_skipped(db, trace_id, r, err) < 0 ||
	    load_drops(db, trace_id, r, err) < 0 ||
	    load_summary(db, trace_id, r, err) < 0 ||
	    load_latency(db, trace_id, r, err) < 0 ||
	    load_capture(db, trace_id, r, err) < 0 ||
	    load_leaks(db, trace_id, r, err) < 0 ||
	    load_violations(db, trace_id, r, err) < 0 ||
	    load_rules(db, trace_id, r, err) < 0) {
		ot_report_release(r);
		return -1;
	}
	return 0;
}

void
ot_report_release(struct ot_report *r)
{
	if (r == NULL)
		return;
	free(r->in);
	free(r->skipped);
	free(r->leaks);
	free(r->violations);
	free(r->lat_groups);
	r->lat_groups = NULL;
	r->nlat_groups = 0;
	r->lat_groups_more = 0;
	r->in = NULL;
	r->nin = 0;
	r->leaks = NULL;
	r->violations = NULL;
	r->nleaks = 0;
	r->nviolations = 0;
}
