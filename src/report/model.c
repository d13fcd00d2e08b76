/*
 * model.c - load the report model of one trace from the database, through
 * SQL only (doc/rules.md sections 3 and 4 define the summary and latency).
 */
#include "offtrace/report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

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
	return 0;
}

static int
load_summary(sqlite3 *db, int64_t tid, struct ot_report *r,
	     struct ot_err *err)
{
	sqlite3_stmt *st = NULL;

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

	if (prep(db, "SELECT coalesce(sum(reason = ?2), 0),"
		 " coalesce(sum(reason IN (?3, ?4)), 0) FROM leaks"
		 " WHERE trace_id = ?1", tid, &st, err) < 0)
		return -1;
	sqlite3_bind_text(st, 2, ot_leak_reason_names[OT_LEAK_LIVE_AT_END], -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ot_leak_reason_names[OT_LEAK_HALT], -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ot_leak_reason_names[OT_LEAK_UPLOAD_ALL], -1,
			  SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return step_error(db, st, err);
	r->summary.live_at_end = (uint64_t)sqlite3_column_int64(st, 0);
	r->summary.leaked = (uint64_t)sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);

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

static int
load_latency(sqlite3 *db, int64_t tid, struct ot_report *r,
	     struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	int k;

	if (prep(db, "SELECT count(latency_ns), percentile(latency_ns, 50),"
		 " percentile(latency_ns, 90), percentile(latency_ns, 99),"
		 " percentile(latency_ns, 99.9), max(latency_ns),"
		 " sum(latency_ns) FROM latency WHERE trace_id = ?1"
		 " AND kind = ?2", tid, &st, err) < 0)
		return -1;
	for (k = 0; k < OT_KIND_COUNT; k++) {
		struct ot_lat *l = &r->latency[k];

		sqlite3_bind_text(st, 2, ot_kind_names[k], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			return step_error(db, st, err);
		memset(l, 0, sizeof(*l));
		l->count = (uint64_t)sqlite3_column_int64(st, 0);
		if (l->count > 0) {
			l->p50 = sqlite3_column_int64(st, 1);
			l->p90 = sqlite3_column_int64(st, 2);
			l->p99 = sqlite3_column_int64(st, 3);
			l->p999 = sqlite3_column_int64(st, 4);
			l->max = sqlite3_column_int64(st, 5);
			/* sum / count, truncated */
			l->mean = sqlite3_column_int64(st, 6) / (int64_t)l->count;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
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
	    load_summary(db, trace_id, r, err) < 0 ||
	    load_latency(db, trace_id, r, err) < 0 ||
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
	free(r->leaks);
	free(r->violations);
	r->in = NULL;
	r->nin = 0;
	r->leaks = NULL;
	r->violations = NULL;
	r->nleaks = 0;
	r->nviolations = 0;
}
