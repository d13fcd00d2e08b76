/*
 * push.c - one trace of an SQLite database pushed to the fleet as one run:
 * every table of schemas/clickhouse.sql streamed from its SQLite table
 * (TabSeparated, gzip, bounded memory), then the runs row, which makes the
 * run visible (the atomicity rule of schemas/clickhouse.sql).
 *
 * A failure a retry may cure (a connection error, a 5xx, a shard down)
 * starts the run again with a new push_id after the back-off: the rows of
 * the failed attempt may be on the server already, and with another
 * push_id no query ever counts them.
 */
#include "offtrace/fleet.h"

#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "offtrace/store.h"

/*
 * A fleet table and where its rows come from: the SQLite query (?1 is the
 * trace id, ?2 the trace id << 40 for the tables keyed by rowid) and the
 * type of each column it gives: 'i' integer, 'u' pointer (the signed
 * SQLite value as UInt64), 'w' NDIS_STATUS (UInt32), 's' string, 'a'
 * comma-separated integers as an Array(UInt64).  NULL is \N.
 */
struct fl_table {
	const char *name;
	const char *columns;
	const char *types;
	const char *select;
};

#define BY_ROWID(t, k) " FROM " t " WHERE " k " BETWEEN ?2 AND ?2 + 1099511627775"

static const struct fl_table tables[] = {
	{ "inputs",
	  "input, file, sha256, format, size, records, events, unmatched, corrupt,"
	  " lost_events, lost_buffers",
	  "issssiiiiii",
	  "SELECT input, file, sha256, format, size, records, events, unmatched,"
	  " corrupt, lost_events, lost_buffers FROM inputs WHERE trace_id = ?1"
	  " ORDER BY input" },
	{ "objects",
	  "id, slot, epoch, adapter, layer, state, handle, value, parent_id, src,"
	  " sport, dst, dport, t_request, t_published, t_offloaded, t_terminate_req,"
	  " t_terminated, t_last, initiate_status, terminate_status, initiate_op,"
	  " fate, first_event, last_event",
	  "iuisssuuisisiiiiiiiwwisii",
	  "SELECT id, slot, epoch, adapter, layer, state, handle, value, parent_id,"
	  " src, sport, dst, dport, t_request, t_published, t_offloaded,"
	  " t_terminate_req, t_terminated, t_last, initiate_status,"
	  " terminate_status, initiate_op, fate, first_event, last_event"
	  BY_ROWID("objects", "oid") },
	{ "operations",
	  "id, adapter, layer, kind, root, epoch, t_request, t_complete, latency_ns,"
	  " sync, nblocks, first_event, last_event",
	  "isssuiiiiiiii",
	  "SELECT id, adapter, layer, kind, root, epoch, t_request, t_complete,"
	  " t_complete - t_request, sync, nblocks, first_event, last_event"
	  BY_ROWID("operations", "opid") },
	{ "blocks",
	  "op_id, idx, block, parent, state, role, slot, value, handle, object_id,"
	  " t_request, t_complete, latency_ns, status, request_event, done_event",
	  "iiuussuuuiiiiwii",
	  "SELECT op_id, idx, block, parent, state, role, slot, value, handle,"
	  " object_id, t_request, t_complete, latency_ns, status, request_event,"
	  " done_event FROM blocks WHERE trace_id = ?1" },
	{ "ctx_writes",
	  "id, event_id, ts, adapter, layer, tid, slot, old_value, new_value, op_id,"
	  " object_id, pos",
	  "iiissiuuuiis",
	  "SELECT id, event_id, ts, adapter, layer, tid, slot, old_value, new_value,"
	  " op_id, object_id, pos FROM ctx_writes WHERE trace_id = ?1" },
	{ "violations",
	  "id, rule, severity, message, ts, slot, root, object_id, op_id, evidence",
	  "isssiuuiia",
	  "SELECT v.id, v.rule, v.severity, v.message, v.ts, v.slot, v.root,"
	  " v.object_id, v.op_id, (SELECT group_concat(event_id, ',') FROM"
	  " (SELECT e.event_id FROM violation_events e WHERE e.trace_id = ?1"
	  " AND e.violation_id = v.id ORDER BY e.idx)) FROM violations v"
	  " WHERE v.trace_id = ?1" },
	{ "leaks",
	  "object_id, slot, state, adapter, layer, since, ts, last_activity, reason",
	  "iusssiiis",
	  "SELECT object_id, slot, state, adapter, layer, since, ts, last_activity,"
	  " reason FROM leaks WHERE trace_id = ?1" },
	{ "rules",
	  "ord, rule, severity, title, checked, count, why_not",
	  "isssiis",
	  "SELECT ord, rule, severity, title, checked, count, why_not FROM rules"
	  " WHERE trace_id = ?1 ORDER BY ord" },
	{ "flows",
	  "id, family, a_addr, a_port, b_addr, b_port, frames_ab, bytes_ab,"
	  " frames_ba, bytes_ba, payload_ab, payload_ba, retrans, ooo, fragments,"
	  " first_ns, last_ns, syn_ns, synack_ns, fin_ab_ns, fin_ba_ns, rst_ns,"
	  " close_ns, state",
	  "iisisiiiiiiiiiiiiiiiiiis",
	  "SELECT id, family, a_addr, a_port, b_addr, b_port, frames_ab, bytes_ab,"
	  " frames_ba, bytes_ba, payload_ab, payload_ba, retrans, ooo, fragments,"
	  " first_ns, last_ns, syn_ns, synack_ns, fin_ab_ns, fin_ba_ns, rst_ns,"
	  " close_ns, state FROM flows WHERE trace_id = ?1" },
	{ "flow_objects",
	  "flow_id, object_id, layer, syn_to_offload_ns, inside_frames,"
	  " inside_bytes, wire_close_leak",
	  "iisiiii",
	  "SELECT flow_id, object_id, layer, syn_to_offload_ns, inside_frames,"
	  " inside_bytes, wire_close_leak FROM flow_objects WHERE trace_id = ?1" },
	{ "meta",
	  "key, value",
	  "ss",
	  "SELECT key, value FROM meta WHERE trace_id = ?1" },
	{ "events",
	  "id, ts, ev, cpu, pid, tid, adapter, layer, root, block, parent, state,"
	  " slot, handle, value, status, code, reason, src, sport, dst, dport, nbl,"
	  " input, line",
	  "iisiiissuuusuuuwiisisiuii",
	  "SELECT id, ts, ev, cpu, pid, tid, adapter, layer, root, block, parent,"
	  " state, slot, handle, value, status, code, reason, src, sport, dst,"
	  " dport, nbl, input, line" BY_ROWID("events", "eid") },
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))
#define T_EVENTS (NTABLES - 1)

/*
 * The rows' format on the wire.  RowBinary, measured against TabSeparated
 * on one run of 1M events (1.68M rows, --events, gzip, 2 cores): push's
 * own CPU 4.0 s instead of 6.0 s (no decimal printing, no escaping), and
 * the server's insert of the 0.99M event rows alone (curl of a file) 2.5 s
 * instead of 4.1 s (no parsing); the same rows arrive, byte for byte
 * (compared table by table, with the hostile, wire-close and leak-halt
 * scenarios).  Exact by construction: integers go as their bytes, strings
 * as their bytes, nothing escaped.  make bench measures both against
 * clickhouse-client (bench/RESULTS.md).  OFFTRACE_PUSH_FORMAT=TabSeparated
 * (or RowBinary) chooses, for that comparison and the tests.  The runs
 * row, one line, stays TabSeparated.
 */
enum { WIRE_ROWBINARY, WIRE_TSV };

static int
wire_format(void)
{
	const char *e = getenv("OFFTRACE_PUSH_FORMAT");

	return e != NULL && strcmp(e, "TabSeparated") == 0 ? WIRE_TSV : WIRE_ROWBINARY;
}

/*
 * A column's ClickHouse type, for RowBinary, read from schemas/clickhouse.sql
 * (ot_clickhouse_sql): what each value becomes on the wire.
 */
enum ch_kind { CK_STRING, CK_U8, CK_U16, CK_U32, CK_U64, CK_I64, CK_ARR_U64 };

struct ch_col {
	unsigned char kind;	/* enum ch_kind */
	unsigned char nullable;
	const char *name;	/* for messages: points into the column list */
	size_t namelen;
};

#define FL_MAX_COLS 32

/*
 * The types of the columns (comma-separated names) of table NAME_local in
 * the embedded schema; -1 with err when a column or its type is unknown
 * (a schema and a push that disagree: a bug).
 */
static int
column_types(const char *table, const char *columns, struct ch_col *out, size_t *n,
	     struct ot_err *err)
{
	const char *s = ot_clickhouse_sql, *body, *end, *c = columns, *line;
	char head[96];
	size_t k = 0, nl;

	snprintf(head, sizeof(head), "CREATE TABLE IF NOT EXISTS %s_local (", table);
	if ((body = strstr(s, head)) == NULL || (end = strstr(body, ") ENGINE")) == NULL)
		return ot_errorf(err, OT_EINTERNAL, "fleet schema: no table %s_local", table);
	body += strlen(head);
	while (*c) {
		const char *t;
		int found = 0;

		while (*c == ' ' || *c == ',')
			c++;
		nl = strcspn(c, ", ");
		if (nl == 0)
			break;
		if (k == FL_MAX_COLS)
			return ot_errorf(err, OT_EINTERNAL, "fleet schema: %s: too many columns",
					 table);
		/* a line "\tNAME TYPE," of the statement */
		for (line = body; line < end; line = strchr(line, '\n') + 1) {
			const char *l = line;

			while (*l == '\t' || *l == ' ')
				l++;
			if (strncmp(l, c, nl) == 0 && l[nl] == ' ') {
				t = l + nl + 1;
				found = 1;
				break;
			}
			if (strchr(line, '\n') == NULL)
				break;
		}
		if (!found)
			return ot_errorf(err, OT_EINTERNAL, "fleet schema: no column %s.%.*s",
					 table, (int)nl, c);
		out[k].nullable = strncmp(t, "Nullable(", 9) == 0;
		if (out[k].nullable)
			t += 9;
		if (strncmp(t, "String", 6) == 0)
			out[k].kind = CK_STRING;
		else if (strncmp(t, "UInt8", 5) == 0)
			out[k].kind = CK_U8;
		else if (strncmp(t, "UInt16", 6) == 0)
			out[k].kind = CK_U16;
		else if (strncmp(t, "UInt32", 6) == 0)
			out[k].kind = CK_U32;
		else if (strncmp(t, "UInt64", 6) == 0)
			out[k].kind = CK_U64;
		else if (strncmp(t, "Int64", 5) == 0)
			out[k].kind = CK_I64;
		else if (strncmp(t, "Array(UInt64)", 13) == 0)
			out[k].kind = CK_ARR_U64;
		else
			return ot_errorf(err, OT_EINTERNAL, "fleet schema: %s.%.*s: a type push"
					 " cannot write in RowBinary", table, (int)nl, c);
		out[k].name = c;
		out[k].namelen = nl;
		k++;
		c += nl;
	}
	*n = k;
	return 0;
}

/* What one table's rows are made from while they stream. */
struct rows_ctx {
	sqlite3 *db;
	sqlite3_stmt *st;
	const struct fl_table *t;
	const char *prefix;	/* TSV: "RUN_ID\tPUSH_ID\tRUN_DATE\t"; RowBinary:
				 * the three values' bytes */
	size_t plen;
	int wire;
	struct ch_col cols[FL_MAX_COLS];	/* RowBinary: the columns' types */
	size_t ncols;
	uint64_t done, total;
	uint64_t stop_at;	/* test hook: stop the process after this many rows */
	const struct ot_fleet_push_opts *o;
};

static void
put_int(char **b, size_t *l, size_t *c, sqlite3_stmt *st, int i, char type)
{
	int64_t v = sqlite3_column_int64(st, i);

	if (type == 'u')
		ot_buf_printf(b, l, c, "%" PRIu64, (uint64_t)v);
	else if (type == 'w')
		ot_buf_printf(b, l, c, "%" PRIu32, (uint32_t)v);
	else
		ot_buf_printf(b, l, c, "%" PRId64, v);
}

/* "1,2,3" as [1,2,3], digits only */
static void
put_array(char **b, size_t *l, size_t *c, const char *s)
{
	size_t i;

	ot_buf_append(b, l, c, "[", 1);
	for (i = 0; s && s[i]; i++)
		if ((s[i] >= '0' && s[i] <= '9') || s[i] == ',')
			ot_buf_append(b, l, c, s + i, 1);
	ot_buf_append(b, l, c, "]", 1);
}

/* room for n more bytes in the buffer */
static inline char *
rb_room(char **b, size_t *l, size_t *c, size_t n)
{
	if (*l + n + 1 > *c) {
		size_t cap = *c ? *c : 4096;

		while (cap < *l + n + 1)
			cap = st_mult(cap, 2);
		*b = xrealloc(*b, cap);
		*c = cap;
	}
	return *b + *l;
}

static inline size_t
rb_varint(char *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (char)v;
	return n;
}

static inline size_t
rb_le(char *p, uint64_t v, size_t width)
{
	size_t i;

	for (i = 0; i < width; i++)
		p[i] = (char)(v >> (8 * i));
	return width;
}

/*
 * One SQLite row as RowBinary: the prefix (run_id, push_id, run_date),
 * then each column as its ClickHouse type says.  Integers keep the meaning
 * they have in TabSeparated ('u' the signed SQLite value as UInt64, 'w' as
 * UInt32, 'i' the number itself); an 'i' value that its column cannot
 * hold, or a NULL in a column that is not Nullable, is an error where
 * TabSeparated would have had the server refuse the row.
 */
static int
rows_fill_rb(struct rows_ctx *x, char **b, size_t *l, size_t *c, struct ot_err *err)
{
	const char *ty = x->t->types;
	size_t i;

	memcpy(rb_room(b, l, c, x->plen), x->prefix, x->plen);
	*l += x->plen;
	for (i = 0; i < x->ncols; i++) {
		const struct ch_col *k = &x->cols[i];
		int st = sqlite3_column_type(x->st, (int)i);
		char *p;
		int64_t v;
		uint64_t u;

		if (k->kind == CK_ARR_U64) {	/* "1,2,3" (digits and commas) */
			const char *s = (const char *)sqlite3_column_text(x->st, (int)i);
			size_t cnt = 0, j;
			char *at;

			for (j = 0; s && s[j]; j++)
				if ((s[j] >= '0' && s[j] <= '9') &&
				    (s[j + 1] < '0' || s[j + 1] > '9'))
					cnt++;
			p = rb_room(b, l, c, 10 + 8 * cnt);
			at = p + rb_varint(p, cnt);
			u = 0;
			for (j = 0; s && s[j]; j++) {
				if (s[j] >= '0' && s[j] <= '9') {
					u = u * 10 + (uint64_t)(s[j] - '0');
					if (s[j + 1] < '0' || s[j + 1] > '9') {
						at += rb_le(at, u, 8);
						u = 0;
					}
				}
			}
			*l += (size_t)(at - p);
			continue;
		}
		if (st == SQLITE_NULL) {
			if (!k->nullable)
				return ot_errorf(err, OT_EINPUT, "%s.%.*s: NULL in a column"
						 " that cannot hold it", x->t->name,
						 (int)k->namelen, k->name);
			*rb_room(b, l, c, 1) = 1;
			*l += 1;
			continue;
		}
		if (k->nullable) {
			*rb_room(b, l, c, 1) = 0;
			*l += 1;
		}
		if (k->kind == CK_STRING) {
			const unsigned char *s = sqlite3_column_text(x->st, (int)i);
			size_t n = (size_t)sqlite3_column_bytes(x->st, (int)i);

			p = rb_room(b, l, c, 10 + n);
			p += rb_varint(p, n);
			if (n)
				memcpy(p, s, n);
			*l = (size_t)(p + n - *b);
			continue;
		}
		v = sqlite3_column_int64(x->st, (int)i);
		if (ty[i] == 'u')
			u = (uint64_t)v;
		else if (ty[i] == 'w')
			u = (uint32_t)v;
		else
			u = (uint64_t)v;
		p = rb_room(b, l, c, 8);
		switch (k->kind) {
		case CK_I64:
			*l += rb_le(p, u, 8);
			continue;
		case CK_U64:
			if (ty[i] == 'i' && v < 0)
				break;
			*l += rb_le(p, u, 8);
			continue;
		case CK_U32:
			if (ty[i] == 'i' && (v < 0 || v > UINT32_MAX))
				break;
			*l += rb_le(p, u, 4);
			continue;
		case CK_U16:
			if (ty[i] == 'i' && (v < 0 || v > UINT16_MAX))
				break;
			*l += rb_le(p, u, 2);
			continue;
		case CK_U8:
			if (ty[i] == 'i' && (v < 0 || v > UINT8_MAX))
				break;
			*l += rb_le(p, u, 1);
			continue;
		}
		return ot_errorf(err, OT_EINPUT, "%s.%.*s: value %" PRId64 " out of the"
				 " column's range", x->t->name, (int)k->namelen, k->name, v);
	}
	return 1;
}

static int
rows_fill(void *ctx, char **b, size_t *l, size_t *c, struct ot_err *err)
{
	struct rows_ctx *x = ctx;
	const char *ty = x->t->types;
	int rc, i, n;

	rc = sqlite3_step(x->st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return ot_errorf(err, OT_EDB, "reading %s: %s", x->t->name,
				 sqlite3_errmsg(x->db));
	if (x->wire == WIRE_ROWBINARY) {
		if (rows_fill_rb(x, b, l, c, err) < 0)
			return -1;
		goto done;
	}
	ot_buf_append(b, l, c, x->prefix, x->plen);
	n = (int)strlen(ty);
	for (i = 0; i < n; i++) {
		if (i)
			ot_buf_append(b, l, c, "\t", 1);
		if (ty[i] == 'a') {
			put_array(b, l, c, (const char *)sqlite3_column_text(x->st, i));
			continue;
		}
		if (sqlite3_column_type(x->st, i) == SQLITE_NULL) {
			ot_buf_append(b, l, c, "\\N", 2);
			continue;
		}
		if (ty[i] == 's')
			ot_tsv_append(b, l, c, (const char *)sqlite3_column_text(x->st, i),
				      (size_t)sqlite3_column_bytes(x->st, i));
		else
			put_int(b, l, c, x->st, i, ty[i]);
	}
	ot_buf_append(b, l, c, "\n", 1);
done:
	x->done++;
	if (x->o->progress && (x->done & 1023) == 0)
		x->o->progress(x->o->progress_ctx, x->t->name, x->done, x->total);
	if (x->stop_at && x->done == x->stop_at)
		raise(SIGSTOP);	/* test hook, see test_stop() */
	return 1;
}

/*
 * Test hook for tests/cli/fleet.sh: OFFTRACE_TEST_PUSH_STOP=TABLE[:ROWS]
 * stops the process (SIGSTOP) before TABLE is sent, or once ROWS of its
 * rows are made, so that the test can kill offtrace or the server at that
 * very point of a push (once: the retries that follow run on).  Unset, it
 * costs nothing.
 */
static uint64_t
test_stop(const char *table)
{
	static int fired;	/* once a process: a retry runs on */
	const char *e = getenv("OFFTRACE_TEST_PUSH_STOP"), *colon;
	size_t n;
	int64_t v;

	if (e == NULL || fired)
		return 0;
	colon = strchr(e, ':');
	n = colon ? (size_t)(colon - e) : strlen(e);
	if (strlen(table) != n || strncmp(e, table, n) != 0)
		return 0;
	fired = 1;
	if (colon == NULL) {
		raise(SIGSTOP);
		return 0;
	}
	if (ot_parse_i64(colon + 1, strlen(colon + 1), &v) < 0 || v < 1)
		return 0;
	return (uint64_t)v;
}

static int
sql_count(sqlite3 *db, const char *sql, int64_t tid, uint64_t *n,
	  struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ot_errorf(err, OT_EDB, "%s", sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, tid);
	sqlite3_bind_int64(st, 2, tid * 1099511627776LL);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		ot_errorf(err, OT_EDB, "%s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	*n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* Stream one table of the run; sent rows in *rows. */
static int
push_table(struct ot_ch *ch, const char *target, sqlite3 *db, int64_t tid,
	   const struct fl_table *t, const char *prefix, size_t plen, int wire,
	   const struct ot_fleet_push_opts *o, uint64_t *rows, int *retryable,
	   struct ot_err *err)
{
	struct rows_ctx x;
	struct ot_ch_rows r;
	char *sql = NULL, *cnt = NULL;
	size_t sl = 0, sc = 0, cl = 0, cc = 0;
	const char *from;
	int ret = -1;

	*retryable = 0;
	memset(&x, 0, sizeof(x));
	x.db = db;
	x.t = t;
	x.prefix = prefix;
	x.plen = plen;
	x.wire = wire;
	x.o = o;
	if (wire == WIRE_ROWBINARY) {
		if (column_types(t->name, t->columns, x.cols, &x.ncols, err) < 0)
			goto out;
		if (x.ncols != strlen(t->types)) {
			ot_errorf(err, OT_EINTERNAL, "fleet schema: %s: %zu columns, %zu types",
				  t->name, x.ncols, strlen(t->types));
			goto out;
		}
	}
	/* the count first, for the progress and the runs row */
	from = strstr(t->select, " FROM ");
	if (strstr(t->select, "FROM (SELECT"))	/* violations: its own FROM */
		from = strstr(t->select, ")) FROM ") + 2;
	ot_buf_printf(&cnt, &cl, &cc, "SELECT count(*)%s", from);
	if (sql_count(db, cnt, tid, &x.total, err) < 0)
		goto out;
	if (sqlite3_prepare_v2(db, t->select, -1, &x.st, NULL) != SQLITE_OK) {
		ot_errorf(err, OT_EDB, "reading %s: %s", t->name, sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_int64(x.st, 1, tid);
	if (sqlite3_bind_parameter_count(x.st) >= 2)
		sqlite3_bind_int64(x.st, 2, tid * 1099511627776LL);
	x.stop_at = test_stop(t->name);
	if (o->progress)
		o->progress(o->progress_ctx, t->name, 0, x.total);
	if (x.total == 0) {	/* nothing to send: no request */
		*rows = 0;
		ret = 0;
		goto out;
	}
	ot_buf_printf(&sql, &sl, &sc, "INSERT INTO %s%s (run_id, push_id, run_date, %s)"
		      " FORMAT %s", t->name, target, t->columns,
		      wire == WIRE_ROWBINARY ? "RowBinary" : "TabSeparated");
	r.fill = rows_fill;
	r.ctx = &x;
	if (ot_ch_insert(ch, sql, &r, retryable, err) < 0)
		goto out;
	if (o->progress)
		o->progress(o->progress_ctx, t->name, x.done, x.total);
	*rows = x.done;
	ret = 0;
out:
	sqlite3_finalize(x.st);
	free(sql);
	free(cnt);
	return ret;
}

/* ---- the run ---- */

struct run_info {
	char run_id[65];
	char name[256];
	char date[11];
	uint16_t days;		/* date as a ClickHouse Date: days since 1970-01-01 */
	int64_t start, end;	/* OT_T_NONE when NULL */
	uint64_t events, inputs;
	uint64_t objects, offloaded, failed, terminated, lost;
	uint64_t live_at_end, leaked, errors, warnings;
};

static int
load_run(sqlite3 *db, int64_t tid, struct run_info *ri, struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	struct ot_sha256 h;
	char tb[OT_TIMEBUF];
	int rc, n = 0;

	memset(ri, 0, sizeof(*ri));
	if (sqlite3_prepare_v2(db, "SELECT name, start_ns, end_ns, events, inputs"
			       " FROM traces WHERE trace_id = ?1", -1, &st, NULL) != SQLITE_OK)
		return ot_errorf(err, OT_EDB, "%s", sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, tid);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			ot_errorf(err, OT_EINPUT, "no trace %" PRId64 " in the database", tid);
		else
			ot_errorf(err, OT_EDB, "%s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	snprintf(ri->name, sizeof(ri->name), "%s",
		 sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
	ri->start = sqlite3_column_type(st, 1) == SQLITE_NULL ? OT_T_NONE :
		    sqlite3_column_int64(st, 1);
	ri->end = sqlite3_column_type(st, 2) == SQLITE_NULL ? OT_T_NONE :
		  sqlite3_column_int64(st, 2);
	ri->events = (uint64_t)sqlite3_column_int64(st, 3);
	ri->inputs = (uint64_t)sqlite3_column_int64(st, 4);
	sqlite3_finalize(st);

	/* the run id: SHA-256 of the inputs' SHA-256s, one per line, in order */
	if (sqlite3_prepare_v2(db, "SELECT sha256 FROM inputs WHERE trace_id = ?1"
			       " ORDER BY input", -1, &st, NULL) != SQLITE_OK)
		return ot_errorf(err, OT_EDB, "%s", sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, tid);
	ot_sha256_init(&h);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ot_sha256_update(&h, sqlite3_column_text(st, 0),
				 (size_t)sqlite3_column_bytes(st, 0));
		ot_sha256_update(&h, "\n", 1);
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ot_errorf(err, OT_EDB, "%s", sqlite3_errmsg(db));
	if (n == 0)
		return ot_errorf(err, OT_EINPUT, "trace %" PRId64 " has no inputs: no"
				 " run id", tid);
	ot_sha256_final(&h, ri->run_id);

	/* the run report's summary, as src/report/model.c counts it */
	if (sqlite3_prepare_v2(db, "SELECT count(*), count(t_offloaded),"
			       " coalesce(sum(fate = 'failed'), 0),"
			       " coalesce(sum(fate = 'terminated'), 0),"
			       " coalesce(sum(fate = 'lost'), 0),"
			       " (SELECT count(*) FROM leaks WHERE trace_id = ?1),"
			       " (SELECT count(*) FROM leaks WHERE trace_id = ?1"
			       "  AND reason = 'live_at_end'),"
			       " (SELECT coalesce(sum(severity = 'error'), 0) FROM violations v"
			       "  WHERE trace_id = ?1 AND NOT EXISTS (SELECT 1 FROM rules u"
			       "  WHERE u.trace_id = ?1 AND u.rule = v.rule AND u.checked = 0)),"
			       " (SELECT coalesce(sum(severity = 'warning'), 0) FROM violations v"
			       "  WHERE trace_id = ?1 AND NOT EXISTS (SELECT 1 FROM rules u"
			       "  WHERE u.trace_id = ?1 AND u.rule = v.rule AND u.checked = 0))"
			       " FROM objects WHERE trace_id = ?1", -1, &st, NULL) != SQLITE_OK)
		return ot_errorf(err, OT_EDB, "%s", sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, tid);
	if (sqlite3_step(st) != SQLITE_ROW) {
		ot_errorf(err, OT_EDB, "%s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	ri->objects = (uint64_t)sqlite3_column_int64(st, 0);
	ri->offloaded = (uint64_t)sqlite3_column_int64(st, 1);
	ri->failed = (uint64_t)sqlite3_column_int64(st, 2);
	ri->terminated = (uint64_t)sqlite3_column_int64(st, 3);
	ri->lost = (uint64_t)sqlite3_column_int64(st, 4);
	ri->leaked = (uint64_t)sqlite3_column_int64(st, 5);
	ri->live_at_end = (uint64_t)sqlite3_column_int64(st, 6);
	ri->errors = (uint64_t)sqlite3_column_int64(st, 7);
	ri->warnings = (uint64_t)sqlite3_column_int64(st, 8);
	sqlite3_finalize(st);

	/* a Date holds 1970-01-01 .. 2149-06-06: outside, the day is unknown */
	if (ri->start == OT_T_NONE || ri->start < 0 ||
	    ri->start / (INT64_C(86400) * 1000000000) > 65535) {
		snprintf(ri->date, sizeof(ri->date), "1970-01-01");
		ri->days = 0;
	} else {
		snprintf(ri->date, sizeof(ri->date), "%.10s", ot_fmt_time(ri->start, tb));
		ri->days = (uint16_t)(ri->start / (INT64_C(86400) * 1000000000));
	}
	return 0;
}

int
ot_fleet_label_add(struct ot_fleet_label *labels, size_t *n, const char *kv,
		   size_t len, struct ot_err *err)
{
	const char *eq = memchr(kv, '=', len);
	size_t kl, vl, i;

	if (eq == NULL || eq == kv)
		return ot_errorf(err, OT_EUSAGE, "bad label '%.*s': want KEY=VALUE",
				 (int)len, kv);
	kl = (size_t)(eq - kv);
	vl = len - kl - 1;
	for (i = 0; i < kl; i++)
		if (!((kv[i] >= 'a' && kv[i] <= 'z') || (kv[i] >= 'A' && kv[i] <= 'Z') ||
		      (kv[i] >= '0' && kv[i] <= '9') || kv[i] == '_' || kv[i] == '.' ||
		      kv[i] == '-'))
			return ot_errorf(err, OT_EUSAGE, "bad label key '%.*s': letters,"
					 " digits, '_', '.', '-'", (int)kl, kv);
	if (kl >= OT_FLEET_MAX_LABEL || vl >= OT_FLEET_MAX_LABEL)
		return ot_errorf(err, OT_EUSAGE, "label '%.*s' longer than %d bytes",
				 (int)(kl < 64 ? kl : 64), kv, OT_FLEET_MAX_LABEL - 1);
	for (i = 0; i < *n; i++)
		if (strlen(labels[i].key) == kl && memcmp(labels[i].key, kv, kl) == 0)
			break;
	if (i == *n) {
		if (*n == OT_FLEET_MAX_LABELS)
			return ot_errorf(err, OT_EUSAGE, "more than %d labels",
					 OT_FLEET_MAX_LABELS);
		(*n)++;
	}
	snprintf(labels[i].key, sizeof(labels[i].key), "%.*s", (int)kl, kv);
	snprintf(labels[i].value, sizeof(labels[i].value), "%.*s", (int)vl, eq + 1);
	return 0;
}

static uint64_t
new_push_id(void)
{
	uint64_t v = 0;
	struct timespec ts;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
			v = 0;
		close(fd);
	}
	if (v == 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		v = ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^
		    ((uint64_t)getpid() << 40);
	}
	return v ? v : 1;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Count of runs rows with run_id (and push_id when not 0): -1 error. */
static int64_t
runs_count(struct ot_ch *ch, const char *run_id, uint64_t push_id,
	   struct ot_err *err)
{
	char sql[256], *out = NULL;
	int64_t n = -1;

	if (push_id)
		snprintf(sql, sizeof(sql), "SELECT count() FROM runs WHERE run_id = '%s'"
			 " AND push_id = %" PRIu64 " FORMAT TabSeparated", run_id, push_id);
	else
		snprintf(sql, sizeof(sql), "SELECT count() FROM runs WHERE run_id = '%s'"
			 " FORMAT TabSeparated", run_id);
	if (ot_ch_query(ch, sql, &out, NULL, err) < 0)
		return -1;
	if (ot_parse_i64(out, strcspn(out, "\n"), &n) < 0) {
		ot_errorf(err, OT_EINTERNAL, "%s: unexpected answer to a count",
			  ot_ch_name(ch));
		n = -1;
	}
	free(out);
	return n;
}

/* The runs row, as one TSV line. */
struct runrow {
	const char *line;
	int sent;
};

static int
runrow_fill(void *ctx, char **b, size_t *l, size_t *c, struct ot_err *err)
{
	struct runrow *r = ctx;

	(void)err;
	if (r->sent)
		return 0;
	ot_buf_append(b, l, c, r->line, strlen(r->line));
	r->sent = 1;
	return 0;
}

static void
put_opt_time(char **b, size_t *l, size_t *c, int64_t t)
{
	if (t == OT_T_NONE)
		ot_buf_append(b, l, c, "\\N", 2);
	else
		ot_buf_printf(b, l, c, "%" PRId64, t);
}

static int
push_attempt(struct ot_ch *ch, const char *target, sqlite3 *db, int64_t tid,
	     const struct run_info *ri, const struct ot_fleet_push_opts *o,
	     uint64_t push_id, uint64_t *total, int *retryable, int *at_runs,
	     struct ot_err *err)
{
	char prefix[128], *line = NULL, *sql = NULL;
	size_t ll = 0, lc = 0, sl = 0, sc = 0, i, plen, n;
	int wire = wire_format();
	uint64_t counts[NTABLES];
	struct runrow rr;
	struct ot_ch_rows r;
	int ret = -1;

	*total = 0;
	*at_runs = 0;
	memset(counts, 0, sizeof(counts));
	if (wire == WIRE_ROWBINARY) {	/* String, UInt64, Date */
		n = strlen(ri->run_id);
		plen = rb_varint(prefix, n);
		memcpy(prefix + plen, ri->run_id, n);
		plen += n;
		plen += rb_le(prefix + plen, push_id, 8);
		plen += rb_le(prefix + plen, ri->days, 2);
	} else {
		snprintf(prefix, sizeof(prefix), "%s\t%" PRIu64 "\t%s\t", ri->run_id,
			 push_id, ri->date);
		plen = strlen(prefix);
	}
	for (i = 0; i < NTABLES; i++) {
		if (i == T_EVENTS && !o->events)
			continue;
		if (push_table(ch, target, db, tid, &tables[i], prefix, plen, wire, o,
			       &counts[i], retryable, err) < 0)
			goto out;
		*total += counts[i];
	}
	test_stop("runs");

	/* the runs row, last */
	ot_buf_printf(&line, &ll, &lc, "%s\t%" PRIu64 "\t%" PRId64 "\t%s\t", ri->run_id,
		      push_id, now_ns(), ri->date);
	ot_tsv_append(&line, &ll, &lc, ri->name, strlen(ri->name));
	ot_buf_append(&line, &ll, &lc, "\t[", 2);
	for (i = 0; i < o->nlabels; i++) {
		if (i)
			ot_buf_append(&line, &ll, &lc, ",", 1);
		ot_tsv_append_quoted(&line, &ll, &lc, o->labels[i].key,
				     strlen(o->labels[i].key));
	}
	ot_buf_append(&line, &ll, &lc, "]\t[", 3);
	for (i = 0; i < o->nlabels; i++) {
		if (i)
			ot_buf_append(&line, &ll, &lc, ",", 1);
		ot_tsv_append_quoted(&line, &ll, &lc, o->labels[i].value,
				     strlen(o->labels[i].value));
	}
	ot_buf_append(&line, &ll, &lc, "]\t", 2);
	put_opt_time(&line, &ll, &lc, ri->start);
	ot_buf_append(&line, &ll, &lc, "\t", 1);
	put_opt_time(&line, &ll, &lc, ri->end);
	ot_buf_printf(&line, &ll, &lc, "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64
		      "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64
		      "\t%" PRIu64 "\t%" PRIu64, ri->events, ri->inputs, ri->objects,
		      ri->offloaded, ri->failed, ri->terminated, ri->lost, ri->live_at_end,
		      ri->leaked, ri->errors, ri->warnings);
	/* operations, blocks, ctx_writes, violations, leaks, flows, flow_objects, events */
	ot_buf_printf(&line, &ll, &lc, "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64
		      "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t",
		      counts[2], counts[3], counts[4], counts[5], counts[6], counts[8],
		      counts[9], counts[T_EVENTS]);
	ot_tsv_append(&line, &ll, &lc, o->version ? o->version : "",
		      strlen(o->version ? o->version : ""));
	ot_buf_append(&line, &ll, &lc, "\n", 1);
	ot_buf_printf(&sql, &sl, &sc, "INSERT INTO runs%s (run_id, push_id, pushed_ns,"
		      " run_date, name, label_keys, label_values, start_ns, end_ns, events,"
		      " inputs, objects, offloaded, failed, terminated, lost, live_at_end,"
		      " leaked, errors, warnings, operations, blocks, ctx_writes, violations,"
		      " leaks, flows, flow_objects, pushed_events, offtrace_version)"
		      " FORMAT TabSeparated", target);
	rr.line = line;
	rr.sent = 0;
	r.fill = runrow_fill;
	r.ctx = &rr;
	*at_runs = 1;
	if (o->progress)
		o->progress(o->progress_ctx, "runs", 0, 1);
	if (ot_ch_insert(ch, sql, &r, retryable, err) < 0)
		goto out;
	if (o->progress)
		o->progress(o->progress_ctx, "runs", 1, 1);
	*total += 1;
	ret = 0;
out:
	free(line);
	free(sql);
	return ret;
}

int
ot_fleet_push(struct ot_ch *ch, const char *cluster, sqlite3 *db,
	      int64_t trace_id, const struct ot_fleet_push_opts *o,
	      struct ot_fleet_push_result *res, struct ot_err *err)
{
	struct run_info ri;
	const char *target = cluster && *cluster ? "" : "_local";
	uint64_t push_id, total = 0;
	int64_t n;
	int attempt, retryable, at_runs;

	memset(res, 0, sizeof(*res));
	if (load_run(db, trace_id, &ri, err) < 0)
		return -1;
	snprintf(res->run_id, sizeof(res->run_id), "%s", ri.run_id);
	if ((n = runs_count(ch, ri.run_id, 0, err)) < 0)
		return -1;
	if (n > 0 && !o->force)
		return ot_errorf(err, OT_EDUP, "run %.16s is already in the fleet"
				 " (%s); --force pushes it again", ri.run_id,
				 ot_ch_name(ch));
	for (attempt = 0;; attempt++) {
		push_id = new_push_id();
		if (push_attempt(ch, target, db, trace_id, &ri, o, push_id, &total,
				 &retryable, &at_runs, err) == 0)
			break;
		if (!retryable)
			return -1;
		if (attempt >= ot_ch_retries(ch)) {
			snprintf(err->msg + strlen(err->msg),
				 sizeof(err->msg) - strlen(err->msg), " (after %d %s)",
				 attempt, attempt == 1 ? "retry" : "retries");
			return -1;
		}
		ot_ch_retrying(ch, err->msg, attempt + 1);
		ot_ch_backoff(ch, attempt + 1);
		/* the runs row may have been written though its answer was lost */
		if (at_runs) {
			struct ot_err e2;

			memset(&e2, 0, sizeof(e2));
			if (runs_count(ch, ri.run_id, push_id, &e2) == 1)
				break;
		}
	}
	res->push_id = push_id;
	res->rows = total;
	res->attempts = attempt + 1;
	return 0;
}
