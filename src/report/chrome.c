/*
 * chrome.c - the trace as Chrome trace-event JSON (the "JSON Object
 * Format" of the Trace Event Format document), for ui.perfetto.dev and
 * chrome://tracing.  One process per adapter (pid = 1 + its index in name
 * order, pid 0 for what has no adapter), one thread per layer (tid = 1
 * target, 2 im, 3 host); objects as async slices (ph b/e, id = object id),
 * operations as complete events (ph X with dur), violations and leaks as
 * instant events (ph i) with args rule, slot, root.  Timestamps are
 * microseconds, floating, from the start of the trace.
 */
#include "offtrace/report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define CHROME_MAX_ADAPTERS 4096	/* more fold into pid 0 */

#define TRACE_RANGE "BETWEEN ?1 * 1099511627776 AND ?1 * 1099511627776 + 1099511627775"

struct chrome {
	sqlite3 *db;
	const struct ot_report *r;
	FILE *out;
	struct ot_err *err;
	int64_t t0, t_end;
	char **adapters;	/* sorted by name */
	size_t nadapters;
	int first;
};

static int
fail(struct chrome *c, const char *what)
{
	return ot_errorf(c->err, OT_EINTERNAL, "chrome export: %s: %s", what,
			 sqlite3_errmsg(c->db));
}

static int
prep(struct chrome *c, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(c->db, sql, -1, st, NULL) != SQLITE_OK)
		return fail(c, "prepare");
	sqlite3_bind_int64(*st, 1, c->r->trace_id);
	return 0;
}

static const char *
text(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	return s ? s : "";
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
pid_of(const struct chrome *c, const char *adapter)
{
	char *const *p;

	if (adapter == NULL || c->nadapters == 0)	/* bsearch(NULL, 0, ...) */
		return 0;
	p = bsearch(&adapter, c->adapters, c->nadapters, sizeof(*c->adapters), cmp_str);
	return p ? 1 + (int)(p - c->adapters) : 0;
}

static int
tid_of(const char *layer)
{
	int l = ot_layer_from_name(layer, strlen(layer));

	return l < 0 ? 0 : 1 + l;
}

/* Start of one event: name, ph, pid, tid, ts. */
static void
ev_start(struct chrome *c, const char *name, const char *ph, int pid, int tid,
	 int64_t t)
{
	fputs(c->first ? "\n" : ",\n", c->out);
	c->first = 0;
	fputs("{\"name\":", c->out);
	ot_json_string(c->out, name);
	fprintf(c->out, ",\"ph\":\"%s\",\"pid\":%d,\"tid\":%d,\"ts\":%.3f", ph, pid, tid,
		ot_time_sub_f(t, c->t0) / 1000.0);
}

static void
arg_str(FILE *out, const char *key, const char *v, int first)
{
	fprintf(out, "%s\"%s\":", first ? "" : ",", key);
	if (v == NULL || *v == '\0')
		fputs("null", out);
	else
		ot_json_string(out, v);
}

static int
load_adapters(struct chrome *c)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	if (prep(c, "SELECT adapter FROM objects WHERE oid " TRACE_RANGE
		 " UNION SELECT adapter FROM operations WHERE opid " TRACE_RANGE
		 " ORDER BY 1", &st) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (c->nadapters == CHROME_MAX_ADAPTERS)
			continue;
		if (c->nadapters == cap) {
			cap = cap ? cap * 2 : 16;
			c->adapters = xrealloc(c->adapters, st_mult(cap, sizeof(*c->adapters)));
		}
		c->adapters[c->nadapters++] = xstrdup(text(st, 0));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(c, "adapters");
	/* SQLite's ORDER BY is memcmp order, as strcmp: bsearch works (a
	 * trace with no object has no adapter: no qsort(NULL, 0, ...)) */
	if (c->nadapters > 1)
		qsort(c->adapters, c->nadapters, sizeof(*c->adapters), cmp_str);
	return 0;
}

static void
metadata(struct chrome *c)
{
	size_t i;
	int l;

	ev_start(c, "process_name", "M", 0, 0, c->t0);
	fputs(",\"args\":{\"name\":\"(no adapter)\"}}", c->out);
	for (i = 0; i < c->nadapters; i++) {
		ev_start(c, "process_name", "M", 1 + (int)i, 0, c->t0);
		fputs(",\"args\":{\"name\":", c->out);
		ot_json_string(c->out, c->adapters[i][0] ? c->adapters[i] : "(no adapter)");
		fputs("}}", c->out);
		for (l = 0; l < OT_LAYER_COUNT; l++) {
			ev_start(c, "thread_name", "M", 1 + (int)i, 1 + l, c->t0);
			fputs(",\"args\":{\"name\":", c->out);
			ot_json_string(c->out, ot_layer_names[l]);
			fputs("}}", c->out);
		}
	}
}

static int
objects(struct chrome *c)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (prep(c, "SELECT id, adapter, layer, coalesce(state, 'object'), ot_hex(slot), fate,"
		 " coalesce(t_request, t_published, t_offloaded, t_last),"
		 " coalesce(t_terminated, t_last), epoch"
		 " FROM objects WHERE oid " TRACE_RANGE " ORDER BY oid", &st) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char name[64];
		int pid = pid_of(c, text(st, 1)), tid = tid_of(text(st, 2));
		int64_t id = sqlite3_column_int64(st, 0), a, b;

		if (sqlite3_column_type(st, 6) == SQLITE_NULL)
			continue;
		a = sqlite3_column_int64(st, 6);
		b = sqlite3_column_type(st, 7) == SQLITE_NULL ? a : sqlite3_column_int64(st, 7);
		if (strcmp(text(st, 5), "live") == 0 || strcmp(text(st, 5), "leaked") == 0)
			b = c->t_end > b ? c->t_end : b;
		if (b < a)
			b = a;
		snprintf(name, sizeof(name), "%s %s", text(st, 3), text(st, 4));
		ev_start(c, name, "b", pid, tid, a);
		fprintf(c->out, ",\"cat\":\"object\",\"id\":\"%" PRId64 "\",\"args\":{", id);
		arg_str(c->out, "slot", text(st, 4), 1);
		arg_str(c->out, "fate", text(st, 5), 0);
		fprintf(c->out, ",\"object\":%" PRId64 ",\"epoch\":%lld}}", id,
			(long long)sqlite3_column_int64(st, 8));
		ev_start(c, name, "e", pid, tid, b);
		fprintf(c->out, ",\"cat\":\"object\",\"id\":\"%" PRId64 "\"}", id);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(c, "objects");
}

static int
operations(struct chrome *c)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (prep(c, "SELECT id, adapter, layer, kind, ot_hex(root), t_request, t_complete, nblocks, sync"
		 " FROM operations WHERE opid " TRACE_RANGE " ORDER BY opid", &st) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t a = sqlite3_column_int64(st, 5), b;
		int done = sqlite3_column_type(st, 6) != SQLITE_NULL;

		b = done ? sqlite3_column_int64(st, 6) : (c->t_end > a ? c->t_end : a);
		ev_start(c, text(st, 3), "X", pid_of(c, text(st, 1)), tid_of(text(st, 2)), a);
		fprintf(c->out, ",\"cat\":\"operation\",\"dur\":%.3f,\"args\":{\"op\":%lld",
			ot_time_sub_f(b, a) / 1000.0, (long long)sqlite3_column_int64(st, 0));
		arg_str(c->out, "root", text(st, 4), 0);
		fprintf(c->out, ",\"blocks\":%lld,\"sync\":%d,\"completed\":%s}}",
			(long long)sqlite3_column_int64(st, 7), sqlite3_column_int(st, 8),
			done ? "true" : "false");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(c, "operations");
}

static int
instants(struct chrome *c)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (prep(c, "SELECT v.rule, v.severity, v.message, v.ts, ot_hex(v.slot), ot_hex(v.root),"
		 " o.adapter, coalesce(o.layer, ''), v.object_id"
		 " FROM violations v LEFT JOIN objects o"
		 "  ON o.oid = v.trace_id * 1099511627776 + v.object_id"
		 " WHERE v.trace_id = ?1 ORDER BY v.ts, v.id", &st) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ev_start(c, text(st, 0), "i", pid_of(c, (const char *)sqlite3_column_text(st, 6)),
			 tid_of(text(st, 7)), sqlite3_column_int64(st, 3));
		fputs(",\"cat\":\"violation\",\"s\":\"t\",\"args\":{", c->out);
		arg_str(c->out, "rule", text(st, 0), 1);
		arg_str(c->out, "severity", text(st, 1), 0);
		arg_str(c->out, "slot", text(st, 4), 0);
		arg_str(c->out, "root", text(st, 5), 0);
		arg_str(c->out, "message", text(st, 2), 0);
		fprintf(c->out, ",\"object\":%lld}}", (long long)sqlite3_column_int64(st, 8));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(c, "violations");
	if (prep(c, "SELECT adapter, layer, ts, ot_hex(slot), reason, object_id, coalesce(state, '')"
		 " FROM leaks WHERE trace_id = ?1 ORDER BY since, slot", &st) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ev_start(c, "leak", "i", pid_of(c, text(st, 0)), tid_of(text(st, 1)),
			 sqlite3_column_int64(st, 2));
		fputs(",\"cat\":\"leak\",\"s\":\"t\",\"args\":{", c->out);
		arg_str(c->out, "rule", "L1", 1);
		arg_str(c->out, "slot", text(st, 3), 0);
		arg_str(c->out, "root", NULL, 0);
		arg_str(c->out, "reason", text(st, 4), 0);
		arg_str(c->out, "state", text(st, 6), 0);
		fprintf(c->out, ",\"object\":%lld}}", (long long)sqlite3_column_int64(st, 5));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(c, "leaks");
}

int
ot_report_chrome(sqlite3 *db, const struct ot_report *r, FILE *out,
		 struct ot_err *err)
{
	struct chrome c;
	size_t i;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	c.db = db;
	c.r = r;
	c.out = out;
	c.err = err;
	c.first = 1;
	c.t0 = r->start_ts != OT_T_NONE ? r->start_ts : 0;
	c.t_end = r->end_ts != OT_T_NONE ? r->end_ts : c.t0;
	if (load_adapters(&c) < 0)
		goto out;
	fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"offtrace\",\"trace\":", out);
	ot_json_string(out, r->name);
	fputs("},\"traceEvents\":[", out);
	metadata(&c);
	if (objects(&c) < 0 || operations(&c) < 0 || instants(&c) < 0)
		goto out;
	fputs("\n]}\n", out);
	rc = ferror(out) ? ot_errorf(err, OT_EINTERNAL, "chrome export: write error") : 0;
out:
	for (i = 0; i < c.nadapters; i++)
		free(c.adapters[i]);
	free(c.adapters);
	return rc;
}
