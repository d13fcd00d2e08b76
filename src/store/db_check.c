/*
 * db_check.c - offtrace check-db: what is inconsistent in a database,
 * each named by its table, rowid and column.  A database is an input like
 * any trace: another tool, a hand edit or a damaged file may have put
 * there what offtrace never writes, and the read commands take it as it
 * is (without undefined behaviour, and "out of range" where a time does
 * not fit); this says what it is.
 *
 * In order: SQLite's own PRAGMA integrity_check; the schema against the
 * one this offtrace writes (schemas/offtrace.sql: every table, view and
 * column; the version was checked by ot_db_open()); every value against
 * its column (NULL where offtrace writes none, text, a real or a blob
 * where it writes an integer); then offtrace's own rules, in one table
 * below: rows that refer to nothing (an operation of a missing object, a
 * row of a missing trace), ends before starts, times that are out of
 * range (further than OT_DB_TIME_SPAN from their trace's start: two such
 * times are further apart than 64 bits hold) and counts that disagree
 * with the rows they count.
 *
 * Read-only, on a connection of ot_db_open(path, 1): a check that SQLite
 * cannot run on this file (a damaged page) is itself an inconsistency,
 * named, and the others run on; one on a table or column already named
 * missing is left out.  Calls db.c only (through
 * db_int.h), like db_query.c.
 */
#include "offtrace/store.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"

/* 2^62 ns, about 146 years: within it of one origin, two times are less
 * than 2^63 apart, so every difference of them fits in 64 bits. */
#define OT_DB_TIME_SPAN "4611686018427387904"

/* A row's rowid of the trace of id column ID, as events, objects and
 * operations key theirs. */
#define KEY(t, id) t ".trace_id * 1099511627776 + " t "." id

struct chk {
	const char *table, *column;
	const char *sql;	/* rows: rowid, what is wrong */
};

/*
 * offtrace's rules.  A check whose table or column is missing fails to
 * prepare, and says so; one on a column that holds the wrong type reads
 * it as SQLite converts it (the type checks name it).
 */
static const struct chk checks[] = {
	/* the keys of events, objects, operations */
	{ "events", "eid", "SELECT rowid, 'is not trace_id * 2^40 + id (' || trace_id || ', '"
	  " || id || ')' FROM events WHERE eid IS NOT trace_id * 1099511627776 + id" },
	{ "objects", "oid", "SELECT rowid, 'is not trace_id * 2^40 + id (' || trace_id || ', '"
	  " || id || ')' FROM objects WHERE oid IS NOT trace_id * 1099511627776 + id" },
	{ "operations", "opid", "SELECT rowid, 'is not trace_id * 2^40 + id (' || trace_id || ', '"
	  " || id || ')' FROM operations WHERE opid IS NOT trace_id * 1099511627776 + id" },

	/* rows of a missing trace */
#define NO_TRACE(t) { t, "trace_id", "SELECT x.rowid, 'refers to no trace (' ||" \
	" quote(x.trace_id) || ')' FROM " t " x WHERE NOT EXISTS (SELECT 1 FROM traces t" \
	" WHERE t.trace_id = x.trace_id)" }
	NO_TRACE("inputs"), NO_TRACE("events"), NO_TRACE("objects"), NO_TRACE("operations"),
	NO_TRACE("blocks"), NO_TRACE("ctx_writes"), NO_TRACE("violations"),
	NO_TRACE("violation_events"), NO_TRACE("leaks"), NO_TRACE("rules"), NO_TRACE("flows"),
	NO_TRACE("flow_objects"), NO_TRACE("drops"), NO_TRACE("drop_objects"), NO_TRACE("meta"),
#undef NO_TRACE

	/* rows that refer to nothing */
#define NO_ROW(t, col, what, other, key) { t, col, "SELECT x.rowid, 'refers to no " what \
	" (' || quote(x." col ") || ')' FROM " t " x WHERE x." col " IS NOT NULL AND NOT EXISTS" \
	" (SELECT 1 FROM " other " y WHERE " key ")" }
#define NO_ROWID(t, col, what, other, okey) NO_ROW(t, col, what, other, \
	"y." okey " = " KEY("x", col))
#define NO_EVENT(t, col) NO_ROWID(t, col, "event", "events", "eid")
#define NO_OBJECT(t, col) NO_ROWID(t, col, "object", "objects", "oid")
#define NO_OP(t, col) NO_ROWID(t, col, "operation", "operations", "opid")
	NO_ROW("events", "input", "input", "inputs", "y.trace_id = x.trace_id AND y.input = x.input"),
	NO_OBJECT("objects", "parent_id"), NO_OP("objects", "initiate_op"),
	NO_EVENT("objects", "first_event"), NO_EVENT("objects", "last_event"),
	NO_EVENT("operations", "first_event"), NO_EVENT("operations", "last_event"),
	NO_OP("blocks", "op_id"), NO_OBJECT("blocks", "object_id"),
	NO_EVENT("blocks", "request_event"), NO_EVENT("blocks", "done_event"),
	NO_EVENT("ctx_writes", "event_id"), NO_OP("ctx_writes", "op_id"),
	NO_OBJECT("ctx_writes", "object_id"),
	NO_OBJECT("violations", "object_id"), NO_OP("violations", "op_id"),
	NO_ROW("violation_events", "violation_id", "violation", "violations",
	       "y.trace_id = x.trace_id AND y.id = x.violation_id"),
	NO_EVENT("violation_events", "event_id"),
	NO_OBJECT("leaks", "object_id"),
	NO_ROW("flow_objects", "flow_id", "flow", "flows", "y.trace_id = x.trace_id AND y.id = x.flow_id"),
	NO_OBJECT("flow_objects", "object_id"),
	NO_ROW("drops", "input", "input", "inputs", "y.trace_id = x.trace_id AND y.input = x.input"),
	NO_ROW("drops", "flow_id", "flow", "flows", "y.trace_id = x.trace_id AND y.id = x.flow_id"),
	NO_ROW("drop_objects", "drop_id", "drop", "drops", "y.trace_id = x.trace_id AND y.id = x.drop_id"),
	NO_OBJECT("drop_objects", "object_id"),
#undef NO_OP
#undef NO_OBJECT
#undef NO_EVENT
#undef NO_ROWID
#undef NO_ROW

	/* ends before starts (a NULL is no time: nothing to compare) */
#define BEFORE(t, col, start) { t, col, "SELECT rowid, quote(" col ") || ' is before " \
	start " ' || quote(" start ") FROM " t " WHERE " col " < " start }
	BEFORE("traces", "end_ns", "start_ns"),
	BEFORE("objects", "t_published", "t_request"), BEFORE("objects", "t_offloaded", "t_request"),
	BEFORE("objects", "t_terminate_req", "t_request"),
	BEFORE("objects", "t_terminated", "t_request"),
	BEFORE("objects", "t_terminated", "t_terminate_req"),
	BEFORE("objects", "t_last", "t_request"), BEFORE("objects", "t_last", "t_offloaded"),
	BEFORE("objects", "last_event", "first_event"),
	BEFORE("operations", "t_complete", "t_request"),
	BEFORE("operations", "last_event", "first_event"),
	BEFORE("blocks", "t_complete", "t_request"),
	BEFORE("leaks", "ts", "since"), BEFORE("leaks", "last_activity", "since"),
	BEFORE("flows", "last_ns", "first_ns"),
	BEFORE("flows", "syn_ns", "first_ns"), BEFORE("flows", "synack_ns", "first_ns"),
	BEFORE("flows", "fin_ab_ns", "first_ns"), BEFORE("flows", "fin_ba_ns", "first_ns"),
	BEFORE("flows", "rst_ns", "first_ns"), BEFORE("flows", "close_ns", "first_ns"),
	BEFORE("flows", "last_ns", "syn_ns"), BEFORE("flows", "last_ns", "synack_ns"),
	BEFORE("flows", "last_ns", "fin_ab_ns"), BEFORE("flows", "last_ns", "fin_ba_ns"),
	BEFORE("flows", "last_ns", "rst_ns"), BEFORE("flows", "last_ns", "close_ns"),
#undef BEFORE
	{ "events", "ts", "SELECT b.rowid, b.ts || ' is before the ts of event ' || a.id ||"
	  " ' before it (' || a.ts || ')' FROM events a JOIN events b ON b.eid = a.eid + 1"
	  " WHERE b.ts < a.ts" },

	/* what one row says of others */
	{ "blocks", "latency_ns", "SELECT rowid, quote(latency_ns) || ' is not t_complete -"
	  " t_request (' || quote(t_complete - t_request) || ')' FROM blocks WHERE latency_ns IS NOT"
	  " (t_complete - t_request)" },
	{ "ctx_writes", "ts", "SELECT w.rowid, w.ts || ' is not the ts of its event ' ||"
	  " w.event_id || ' (' || e.ts || ')' FROM ctx_writes w JOIN events e ON e.eid ="
	  " w.trace_id * 1099511627776 + w.event_id WHERE w.ts IS NOT e.ts" },
	{ "operations", "nblocks", "SELECT o.rowid, o.nblocks || ' is not the number of its"
	  " blocks (' || (SELECT count(*) FROM blocks b WHERE b.trace_id = o.trace_id AND"
	  " b.op_id = o.id) || ')' FROM operations o WHERE o.nblocks IS NOT (SELECT count(*)"
	  " FROM blocks b WHERE b.trace_id = o.trace_id AND b.op_id = o.id)" },
	{ "traces", "events", "SELECT t.rowid, t.events || ' is not the number of its events"
	  " (' || (SELECT count(*) FROM events e WHERE e.eid BETWEEN t.trace_id * 1099511627776"
	  " AND t.trace_id * 1099511627776 + 1099511627775) || ')' FROM traces t WHERE t.events"
	  " IS NOT (SELECT count(*) FROM events e WHERE e.eid BETWEEN t.trace_id * 1099511627776"
	  " AND t.trace_id * 1099511627776 + 1099511627775)" },
	{ "traces", "inputs", "SELECT t.rowid, t.inputs || ' is not the number of its inputs"
	  " (' || (SELECT count(*) FROM inputs i WHERE i.trace_id = t.trace_id) || ')'"
	  " FROM traces t WHERE t.inputs IS NOT (SELECT count(*) FROM inputs i WHERE"
	  " i.trace_id = t.trace_id)" },
	{ "inputs", "events", "SELECT i.rowid, i.events || ' is not the number of its events"
	  " (' || coalesce(c.n, 0) || ')' FROM inputs i LEFT JOIN (SELECT trace_id, input,"
	  " count(*) AS n FROM events GROUP BY trace_id, input) c ON c.trace_id = i.trace_id"
	  " AND c.input = i.input WHERE i.events IS NOT coalesce(c.n, 0)" },
};

/*
 * The time columns (schemas/offtrace.sql: ts, t_*, *_ns, since,
 * last_activity; latency_ns and syn_to_offload_ns are durations).
 */
static int
is_time(const char *table, const char *col)
{
	size_t n = strlen(col);

	if (strcmp(col, "latency_ns") == 0 || strcmp(col, "syn_to_offload_ns") == 0)
		return 0;
	if (strcmp(table, "traces") == 0)
		return 0;	/* its start is the origin; its end is checked against it */
	return strcmp(col, "ts") == 0 || strncmp(col, "t_", 2) == 0 ||
	       (n > 3 && strcmp(col + n - 3, "_ns") == 0) || strcmp(col, "since") == 0 ||
	       strcmp(col, "last_activity") == 0;
}

struct run {
	sqlite3 *s;
	ot_db_problem_fn *fn;
	void *ctx;
	unsigned check;		/* counts the checks, for the problems' key */
	int missing;		/* a table or column is missing (named once) */
	int stop;		/* fn asked to stop, or a fatal error */
	struct ot_err *err;
};

/* rowid -1 (with ROWID_NONE): not one row */
#define ROWID_NONE 0, -1
#define ROWID(x) 1, (x)

static void
problem(struct run *r, const char *table, int has_rowid, int64_t rowid, const char *column,
	const char *what)
{
	struct ot_db_problem p;

	if (r->stop)
		return;
	p.table = table;
	p.column = column;
	p.has_rowid = has_rowid;
	p.rowid = rowid;
	p.what = what;
	p.check = r->check;
	if (r->fn(r->ctx, &p) != 0)
		r->stop = 1;
}

/* A failure that is not the file's: out of memory, a lock held too long. */
static int
fatal(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_NOMEM || rc == SQLITE_BUSY || rc == SQLITE_LOCKED ||
	       rc == SQLITE_INTERRUPT || rc == SQLITE_IOERR;
}

/*
 * Run sql (rows: rowid, what) and report each row on table.column.  A
 * check SQLite cannot run is reported as such on the table, unless the
 * failure is not the file's (fatal: -1 with err).
 */
static int
run_sql(struct run *r, const char *table, const char *column, const char *sql)
{
	sqlite3_stmt *st = NULL;
	char what[160];
	int rc;

	r->check++;
	if (r->stop)
		return 0;
	rc = sqlite3_prepare_v2(r->s, sql, -1, &st, NULL);
	if (rc != SQLITE_OK && r->missing && !fatal(rc))
		return 0;	/* on a table or column named missing already */
	if (rc == SQLITE_OK) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && !r->stop) {
			const char *w = (const char *)sqlite3_column_text(st, 1);

			problem(r, table, ROWID(sqlite3_column_int64(st, 0)), column, w ? w : "");
		}
		if (rc == SQLITE_ROW)
			rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK || rc == SQLITE_DONE)
		return 0;
	if (fatal(rc)) {
		ot_db_sql_error(r->s, r->err, "check-db", "check-db");
		r->stop = 1;
		return -1;
	}
	snprintf(what, sizeof(what), "cannot be checked: %s", sqlite3_errmsg(r->s));
	problem(r, table, ROWID_NONE, column, what);
	return 0;
}

static int
integrity(struct run *r)
{
	sqlite3_stmt *st = NULL;
	char what[512];
	int rc;

	r->check++;
	if (sqlite3_prepare_v2(r->s, "PRAGMA integrity_check(100)", -1, &st, NULL) == SQLITE_OK)
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *m = (const char *)sqlite3_column_text(st, 0);

			if (m == NULL || strcmp(m, "ok") == 0)
				continue;
			/* a row may hold several lines, after a "*** in database
			 * main ***" one: a problem a line */
			while (*m) {
				size_t n = strcspn(m, "\n");

				if (strncmp(m, "*** in database ", 16) != 0) {
					snprintf(what, sizeof(what), "integrity_check: %.*s",
						 (int)(n < 400 ? n : 400), m);
					problem(r, "", ROWID_NONE, "", what);
				}
				m += n + (m[n] == '\n');
			}
		}
	else
		rc = sqlite3_errcode(r->s);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE || rc == SQLITE_OK)
		return 0;
	if (fatal(rc)) {
		ot_db_sql_error(r->s, r->err, "check-db", "integrity_check");
		r->stop = 1;
		return -1;
	}
	snprintf(what, sizeof(what), "integrity_check: %s", sqlite3_errmsg(r->s));
	problem(r, "", ROWID_NONE, "", what);
	return 0;
}

/* One column of the schema this offtrace writes. */
struct col {
	char name[64];
	int integer;		/* INTEGER, else TEXT */
	int notnull;		/* NOT NULL, or part of the primary key */
	int present;		/* in the database's table */
};

/* The columns of table in connection s; n filled. */
static struct col *
columns(sqlite3 *s, const char *table, size_t *n)
{
	sqlite3_stmt *st = NULL;
	struct col *c = NULL;
	size_t cap = 0;

	*n = 0;
	if (sqlite3_prepare_v2(s, "SELECT name, upper(type), \"notnull\" OR pk FROM"
			       " pragma_table_info(?1)", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 1);

		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			c = xrealloc(c, st_mult(cap, sizeof(*c)));
		}
		memset(&c[*n], 0, sizeof(c[*n]));
		snprintf(c[*n].name, sizeof(c[*n].name), "%s", name ? name : "");
		c[*n].integer = type != NULL && strstr(type, "INT") != NULL;
		c[*n].notnull = sqlite3_column_int(st, 2) != 0;
		(*n)++;
	}
	sqlite3_finalize(st);
	return c;
}

/*
 * One table against the schema: present, each column present, then in
 * one scan every value of a wrong type or NULL where offtrace writes
 * none, and each time too far from its trace's start.
 */
static int
check_table(struct run *r, const char *table, const char *type, struct col *want,
	    size_t nwant)
{
	struct col *have = NULL;
	size_t nhave, i, j, len = 0, cap = 4096;
	char *sql = NULL, what[160];
	sqlite3_stmt *st = NULL;
	int rc, ret = 0, ntime = 0;

	r->check++;
	have = columns(r->s, table, &nhave);
	if (nhave == 0) {
		snprintf(what, sizeof(what), "missing: no %s of that name", type);
		problem(r, table, ROWID_NONE, "", what);
		r->missing = 1;
		goto out;
	}
	if (strcmp(type, "view") == 0)
		goto out;
	for (i = 0; i < nwant; i++) {
		struct col *w = &want[i];

		w->present = 0;
		for (j = 0; j < nhave; j++)
			if (strcmp(have[j].name, w->name) == 0)
				w->present = 1;
		if (!w->present) {
			problem(r, table, ROWID_NONE, w->name, "missing: no column of that name");
			r->missing = 1;
		}
		else if (is_time(table, w->name) && w->integer)
			ntime++;
	}

	/* the values: SELECT rowid, typeof(c1), ... FROM t WHERE any is wrong */
	sql = xmalloc(cap);
#define ADD(...) do { \
		int k_ = snprintf(sql + len, cap - len, __VA_ARGS__); \
		if (k_ < 0) \
			goto out; \
		if ((size_t)k_ >= cap - len) { \
			cap = 2 * (len + (size_t)k_ + 1); \
			sql = xrealloc(sql, cap); \
			k_ = snprintf(sql + len, cap - len, __VA_ARGS__); \
		} \
		len += (size_t)k_; \
	} while (0)
	ADD("SELECT rowid");
	for (i = 0; i < nwant; i++)
		if (want[i].present)
			ADD(", typeof(\"%s\")", want[i].name);
	ADD(" FROM \"%s\" WHERE 0", table);
	for (i = 0; i < nwant; i++) {
		if (!want[i].present)
			continue;
		ADD(" OR typeof(\"%s\") NOT IN ('%s'%s)", want[i].name,
		    want[i].integer ? "integer" : "text", want[i].notnull ? "" : ", 'null'");
	}
#undef ADD
	r->check++;
	rc = sqlite3_prepare_v2(r->s, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && !r->stop) {
			int64_t rowid = sqlite3_column_int64(st, 0);
			int c = 1;

			for (i = 0; i < nwant; i++) {
				const char *t;

				if (!want[i].present)
					continue;
				t = (const char *)sqlite3_column_text(st, c++);
				if (t == NULL || strcmp(t, want[i].integer ? "integer" : "text") == 0 ||
				    (strcmp(t, "null") == 0 && !want[i].notnull))
					continue;
				if (strcmp(t, "null") == 0)
					snprintf(what, sizeof(what), "NULL where offtrace writes none");
				else
					snprintf(what, sizeof(what), "%s %s where offtrace writes %s",
						 t[0] == 'i' ? "an" : "a",
						 strcmp(t, "real") == 0 ? "real number" : t,
						 want[i].integer ? "an integer" : "text");
				problem(r, table, ROWID(rowid), want[i].name, what);
			}
		}
		if (rc == SQLITE_ROW)
			rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		if (fatal(rc)) {
			ot_db_sql_error(r->s, r->err, "check-db", "check-db");
			r->stop = 1;
			ret = -1;
			goto out;
		}
		snprintf(what, sizeof(what), "cannot be checked: %s", sqlite3_errmsg(r->s));
		problem(r, table, ROWID_NONE, "", what);
	}

	/* each time: within OT_DB_TIME_SPAN of its trace's start */
	for (i = 0; ntime > 0 && i < nwant && ret == 0; i++) {
		char q[768];

		if (!want[i].present || !want[i].integer || !is_time(table, want[i].name))
			continue;
		snprintf(q, sizeof(q), "SELECT x.rowid, x.\"%s\" || ' is out of range: more than"
			 " 2^62 ns (146 years) from the start of its trace (' || t.start_ns || ')'"
			 " FROM \"%s\" x JOIN traces t ON t.trace_id = x.trace_id WHERE"
			 " typeof(x.\"%s\") = 'integer' AND typeof(t.start_ns) = 'integer' AND"
			 " (x.\"%s\" - t.start_ns >= " OT_DB_TIME_SPAN " OR x.\"%s\" - t.start_ns <= -"
			 OT_DB_TIME_SPAN ")", want[i].name, table, want[i].name, want[i].name,
			 want[i].name);
		ret = run_sql(r, table, want[i].name, q);
	}
out:
	free(sql);
	free(have);
	return ret;
}

/* The schema this offtrace writes, table by table, against the database's. */
static int
check_schema(struct run *r, struct ot_err *err)
{
	sqlite3 *m = NULL;
	sqlite3_stmt *st = NULL;
	char *msg = NULL;
	int ret = -1;

	if (sqlite3_open_v2(":memory:", &m, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK || sqlite3_exec(m, ot_schema_sql, NULL, NULL, &msg) != SQLITE_OK) {
		ot_errorf(err, OT_EINTERNAL, "check-db: the schema: %s",
			  msg ? msg : m ? sqlite3_errmsg(m) : "out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(m, "SELECT name, type FROM sqlite_master WHERE type IN"
			       " ('table', 'view') ORDER BY rowid", -1, &st, NULL) != SQLITE_OK) {
		ot_errorf(err, OT_EINTERNAL, "check-db: the schema: %s", sqlite3_errmsg(m));
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW && !r->stop) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 1);
		struct col *want;
		size_t n;

		want = columns(m, name, &n);
		if (check_table(r, name, type, want, n) < 0) {
			free(want);
			goto out;
		}
		free(want);
	}
	ret = 0;
out:
	sqlite3_free(msg);
	sqlite3_finalize(st);
	sqlite3_close(m);
	return ret;
}

int
ot_db_check(struct ot_db *db, ot_db_problem_fn *fn, void *ctx, struct ot_err *err)
{
	struct run r;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.s = db->s;
	r.fn = fn;
	r.ctx = ctx;
	r.err = err;
	if (integrity(&r) < 0 || check_schema(&r, err) < 0)
		return -1;
	for (i = 0; i < sizeof(checks) / sizeof(checks[0]) && !r.stop; i++)
		if (run_sql(&r, checks[i].table, checks[i].column, checks[i].sql) < 0)
			return -1;
	return 0;
}
