/*
 * cmd_show.c - offtrace show object|op|event|flow: the full history of
 * one thing, read from the database (post-mortem debugging of one
 * handle).  Objects and operations are named by the ids the reports print
 * or by their slot or root pointer; events and flows by id.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* At most this many decimal digits, and no 0x or backtick: an id, not a pointer. */
#define SHOW_ID_DIGITS 12

static const char show_help[] =
	"usage: offtrace show object ID|SLOT DB\n"
	"       offtrace show op ID|ROOT DB\n"
	"       offtrace show event ID DB\n"
	"       offtrace show flow ID DB\n\n"
	"The full history of one thing, by the id the reports print (object 9,\n"
	"op 3, event 21, flow 1) or by a pointer: every object on context slot\n"
	"SLOT (each epoch) or every operation with root block list ROOT.  An\n"
	"object's history lists its times, operations, context writes,\n"
	"violations and every event that touched it or is evidence of one of its\n"
	"violations; an operation's its blocks, statuses, violations and events;\n"
	"an event's its fields, its input line, and the objects, operations and\n"
	"violations it belongs to; a flow of the captures its wire times and\n"
	"counts, the TCP objects joined to it with their W1-W3 facts, and its W\n"
	"violations.  Packets a pktmon component dropped are listed with the flow\n"
	"of their connection and the objects offloaded at the time.\n\n"
	"ID or pointer: up to 12 decimal digits is an id (id:N says so\n"
	"explicitly); a pointer is hex with 0x, WinDbg's backtick form\n"
	"(ffffe001`23456789), or hex with a letter a-f or more than 12 digits.\n\n"
	"options:\n"
	"      --trace ID       which trace of DB (default: the newest)\n"
	"      --db DB          the database (instead of the argument DB)\n"
	CLI_WAIT_HELP
	"  -h, --help           this help\n";

/*
 * What the user named: an id (1) or a pointer (2); -1 when s is neither.
 * Ids win for short all-digit strings, so an all-digit pointer of 12
 * digits or fewer needs its 0x.
 */
static int
parse_ref(const char *s, int64_t *id, uint64_t *ptr)
{
	size_t n = strlen(s), i;

	if (strncmp(s, "id:", 3) == 0)
		return ot_parse_i64(s + 3, n - 3, id) == 0 && *id >= 1 ? 1 : -1;
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (n > 0 && i == n && n <= SHOW_ID_DIGITS)
		return ot_parse_i64(s, n, id) == 0 && *id >= 1 ? 1 : -1;
	return ot_parse_hex(s, n, ptr) == 0 ? 2 : -1;
}

static void
put_time(FILE *out, sqlite3_stmt *st, int col)
{
	char buf[OT_TIMEBUF];

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		fputs("-", out);
	else
		fputs(ot_fmt_time(sqlite3_column_int64(st, col), buf), out);
}

/* The text of a column as the database holds it ("" for NULL): to compare or bind. */
static const char *
raw(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	return s ? s : "";
}

/* The same to print: escaped for the terminal (cli_term). */
static const char *
text(sqlite3_stmt *st, int col)
{
	return cli_term(raw(st, col));
}

/*
 * " (+D)" after a time: how long after the time from it is, or " (out of
 * range)" when a damaged database puts them further apart than 64 bits
 * hold; nothing when either is NULL.
 */
static void
put_after(sqlite3_stmt *st, int col, sqlite3_stmt *fst, int fcol)
{
	char dur[32];

	if (sqlite3_column_type(st, col) == SQLITE_NULL ||
	    sqlite3_column_type(fst, fcol) == SQLITE_NULL)
		return;
	printf(" (%s)", ot_fmt_rel(sqlite3_column_int64(fst, fcol), sqlite3_column_int64(st, col),
				   dur, sizeof(dur)));
}

static int
prep(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		/* a lock waited for too long: cmd_show() names the database */
		if ((sqlite3_errcode(db) & 0xff) != SQLITE_BUSY)
			cli_errorf("show: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/*
 * The columns of an event line (EVENT_COLS), then, for show object's
 * filter, the raw slot, handle, value and nbl (EVENT_RAW + 0..3).
 */
#define EVENT_COLS \
	"e.id, e.ts, e.ev, e.adapter, e.layer, ot_hex(e.root), ot_hex(e.block)," \
	" ot_hex(e.slot), ot_hex(e.value), ot_status_name(e.status), e.code, e.reason," \
	" e.tid, ot_hex(e.nbl), e.line," \
	" (SELECT file FROM inputs i WHERE i.trace_id = e.trace_id AND i.input = e.input)"
#define EVENT_RAW 16

/* One line for the event of the row: id, time, ev, the fields present, file:line. */
static void
put_event(sqlite3_stmt *st)
{
	static const char *const names[] = { NULL, NULL, NULL, "adapter", "layer",
		"root", "block", "slot", "value", "status", "code", "reason", "tid", "nbl" };
	int c;

	printf("  #%-6lld ", (long long)sqlite3_column_int64(st, 0));
	put_time(stdout, st, 1);
	printf(" %-15s", text(st, 2));
	for (c = 3; c <= 13; c++) {
		if (sqlite3_column_type(st, c) == SQLITE_NULL)
			continue;
		if ((c == 3 && raw(st, c)[0] == '\0') ||
		    (c == 4 && strcmp(raw(st, c), "target") == 0))
			continue;
		printf(" %s=%s", names[c], text(st, c));
	}
	printf("  (%s:%lld)\n", text(st, 15), (long long)sqlite3_column_int64(st, 14));
}

/* One line per event of the trace between ids a and b that where selects. */
static int
print_events(sqlite3 *db, const char *where, int64_t trace, int64_t a, int64_t b,
	     int64_t key)
{
	char sql[1024];
	sqlite3_stmt *st = NULL;
	int rc;

	snprintf(sql, sizeof(sql),
		 "SELECT " EVENT_COLS
		 " FROM events e WHERE eid BETWEEN ?1 * 1099511627776 + ?2 AND ?1 * 1099511627776 + ?3"
		 " AND (%s) ORDER BY eid",
		 where);
	if (prep(db, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, trace);
	sqlite3_bind_int64(st, 2, a);
	sqlite3_bind_int64(st, 3, b);
	sqlite3_bind_int64(st, 4, key);
	printf("events:\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		put_event(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The I/O requests and completions the engine pairs by NBL. */
static int
is_io_request(const char *ev)
{
	return !strcmp(ev, "send") || !strcmp(ev, "recv") || !strcmp(ev, "disconnect");
}

static int
is_io_done(const char *ev)
{
	return !strcmp(ev, "send_done") || !strcmp(ev, "recv_done") ||
	       !strcmp(ev, "disconnect_done");
}

/* The NBLs of an object's I/O requests not yet completed (or a list of ids). */
struct nbls {
	int64_t *v;
	size_t n, cap;
};

static ssize_t
nbls_find(const struct nbls *s, int64_t nbl)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] == nbl)
			return (ssize_t)i;
	return -1;
}

static void
nbls_push(struct nbls *s, int64_t v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->v = xrealloc(s->v, st_mult(s->cap, sizeof(*s->v)));
	}
	s->v[s->n++] = v;
}

static void
nbls_add(struct nbls *s, int64_t nbl)
{
	if (nbls_find(s, nbl) < 0)
		nbls_push(s, nbl);
}

static int
nbls_del(struct nbls *s, int64_t nbl)
{
	ssize_t i = nbls_find(s, nbl);

	if (i < 0)
		return 0;
	s->v[i] = s->v[--s->n];
	return 1;
}

static int
col_is(sqlite3_stmt *st, int col, int64_t v)
{
	return sqlite3_column_type(st, col) != SQLITE_NULL && sqlite3_column_int64(st, col) == v;
}

/* A pointer present and not NULL, as the engine's names_object() reads one. */
static int
nonzero(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) != SQLITE_NULL && sqlite3_column_int64(st, col) != 0;
}

/* Print event id of the trace through by, the prepared "event by id" statement. */
static int
put_event_id(sqlite3_stmt *by, int64_t trace, int64_t id)
{
	int rc;

	sqlite3_bind_int64(by, 1, trace);
	sqlite3_bind_int64(by, 2, id);
	if ((rc = sqlite3_step(by)) == SQLITE_ROW)
		put_event(by);
	sqlite3_reset(by);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* The linked(id) table of show object's queries: ?1 trace, ?2 object, ?5 slot. */
#define OBJECT_LINKED \
	"WITH linked(id) AS (" \
	" SELECT request_event FROM blocks WHERE trace_id = ?1 AND object_id = ?2" \
	" UNION SELECT done_event FROM blocks WHERE trace_id = ?1 AND object_id = ?2" \
	" UNION SELECT event_id FROM ctx_writes WHERE trace_id = ?1 AND slot = ?5" \
	"  AND object_id = ?2" \
	" UNION SELECT ve.event_id FROM violations v JOIN violation_events ve" \
	"  ON ve.trace_id = v.trace_id AND ve.violation_id = v.id" \
	"  WHERE v.trace_id = ?1 AND v.object_id = ?2) "

/*
 * Every event of object id, as the engine attributed them (doc/rules.md
 * section 1): within its first..last event, those that name its slot,
 * its handle or its published value (a context write names a slot, not
 * the value it writes); the completions of its I/O requests, paired by
 * NBL as the engine pairs them (a completion that names no object); and,
 * wherever they are, the requests and completions of its blocks, its
 * context writes, and the evidence of its violations (a use after
 * terminate comes after its last event).  The range is read once with
 * the raw columns only; the events shown are then fetched by id.
 */
static int
print_object_events(sqlite3 *db, int64_t trace, int64_t id, int64_t first, int64_t last,
		    int64_t slot, int64_t handle, int64_t value)
{
	sqlite3_stmt *st = NULL, *out = NULL, *by = NULL;
	struct nbls io = { NULL, 0, 0 }, far = { NULL, 0, 0 };
	size_t k = 0;
	int rc = SQLITE_DONE;

	if (prep(db, "SELECT " EVENT_COLS " FROM events e"
		     " WHERE e.eid = ?1 * 1099511627776 + ?2", &by) < 0 ||
	    prep(db, OBJECT_LINKED "SELECT id FROM linked WHERE id < ?3 OR id > ?4"
		 " ORDER BY id", &out) < 0 ||
	    prep(db, OBJECT_LINKED "SELECT e.id, e.ev, e.slot, e.handle, e.value, e.nbl,"
		 " e.id IN linked FROM events e"
		 " WHERE e.eid BETWEEN ?1 * 1099511627776 + ?3 AND ?1 * 1099511627776 + ?4"
		 " AND (e.slot = ?5 OR (?6 <> 0 AND e.handle = ?6) OR (?7 <> 0 AND e.value = ?7)"
		 " OR (e.nbl IS NOT NULL AND e.ev IN ('send','recv','disconnect','send_done',"
		 "'recv_done','disconnect_done')) OR e.id IN linked) ORDER BY e.eid", &st) < 0)
		goto fail;
	sqlite3_bind_int64(out, 1, trace);
	sqlite3_bind_int64(out, 2, id);
	sqlite3_bind_int64(out, 3, first);
	sqlite3_bind_int64(out, 4, last);
	sqlite3_bind_int64(out, 5, slot);
	/* the linked events outside first..last, in id order */
	while ((rc = sqlite3_step(out)) == SQLITE_ROW)
		if (sqlite3_column_type(out, 0) != SQLITE_NULL)
			nbls_push(&far, sqlite3_column_int64(out, 0));
	if (rc != SQLITE_DONE)
		goto fail;
	printf("events:\n");
	for (; k < far.n && far.v[k] < first; k++)
		if (put_event_id(by, trace, far.v[k]) < 0)
			goto fail;
	sqlite3_bind_int64(st, 1, trace);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, first);
	sqlite3_bind_int64(st, 4, last);
	sqlite3_bind_int64(st, 5, slot);
	sqlite3_bind_int64(st, 6, handle);
	sqlite3_bind_int64(st, 7, value);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ev = raw(st, 1);
		int names_any = nonzero(st, 2) || nonzero(st, 3) || nonzero(st, 4);
		int named = col_is(st, 2, slot) || (handle && col_is(st, 3, handle)) ||
			    (value && col_is(st, 4, value) && strcmp(ev, "ctx_write") != 0);
		int64_t nbl = sqlite3_column_int64(st, 5);
		int show = sqlite3_column_int(st, 6) || named;

		if (nonzero(st, 5) && is_io_request(ev)) {
			/* the engine keeps the latest request of each NBL */
			if (named)
				nbls_add(&io, nbl);
			else
				nbls_del(&io, nbl);
		} else if (nonzero(st, 5) && is_io_done(ev) && nbls_del(&io, nbl) && !names_any) {
			show = 1;
		}
		if (show && put_event_id(by, trace, sqlite3_column_int64(st, 0)) < 0)
			goto fail;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	for (; k < far.n; k++)
		if (put_event_id(by, trace, far.v[k]) < 0)
			goto fail;
	rc = 0;
	goto out;
fail:
	rc = -1;
out:
	free(io.v);
	free(far.v);
	sqlite3_finalize(st);
	sqlite3_finalize(out);
	sqlite3_finalize(by);
	return rc;
}

static int
print_violations(sqlite3 *db, const char *where, int64_t trace, int64_t key)
{
	char sql[512];
	sqlite3_stmt *st = NULL;
	int rc, n = 0;

	snprintf(sql, sizeof(sql),
		 "SELECT ts, rule, severity, message FROM violations"
		 " WHERE trace_id = ?1 AND (%s) ORDER BY ts, rule, id", where);
	if (prep(db, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, trace);
	sqlite3_bind_int64(st, 2, key);
	printf("violations:\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		printf("  ");
		put_time(stdout, st, 0);
		printf(" %s %-7s %s\n", text(st, 1), text(st, 2), text(st, 3));
		n++;
	}
	if (n == 0)
		printf("  none\n");
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The packets components dropped (pktmon) that where selects, as evidence:
 * when, where, why, the connection; nothing at all when there are none.
 */
static int
print_drops(sqlite3 *db, const char *where, int64_t trace, int64_t key)
{
	char sql[768];
	sqlite3_stmt *st = NULL;
	int rc, n = 0;

	snprintf(sql, sizeof(sql),
		 "SELECT ts, component, component_name, dir, reason, reason_name, location,"
		 " family, src, sport, dst, dport, flow_id, (SELECT file FROM inputs i"
		 " WHERE i.trace_id = d.trace_id AND i.input = d.input)"
		 " FROM drops d WHERE trace_id = ?1 AND (%s) ORDER BY id", where);
	if (prep(db, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, trace);
	sqlite3_bind_int64(st, 2, key);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == 0)
			printf("packet drops:\n");
		printf("  ");
		put_time(stdout, st, 0);
		printf(" component %lld", (long long)sqlite3_column_int64(st, 1));
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			printf(" (%s)", text(st, 2));
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			printf(" %s", text(st, 3));
		printf(" reason %lld", (long long)sqlite3_column_int64(st, 4));
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			printf(" (%s)", text(st, 5));
		printf(" location 0x%08llx", (unsigned long long)sqlite3_column_int64(st, 6));
		if (sqlite3_column_type(st, 9) != SQLITE_NULL)
			printf(sqlite3_column_int(st, 7) == 6 ? ": [%s]:%lld -> [%s]:%lld" :
			       ": %s:%lld -> %s:%lld", text(st, 8),
			       (long long)sqlite3_column_int64(st, 9), text(st, 10),
			       (long long)sqlite3_column_int64(st, 11));
		else if (sqlite3_column_type(st, 7) != SQLITE_NULL)
			printf(": %s -> %s", text(st, 8), text(st, 10));
		if (sqlite3_column_type(st, 12) != SQLITE_NULL)
			printf(" flow %lld", (long long)sqlite3_column_int64(st, 12));
		printf("  (%s)\n", text(st, 13));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The object id (by_id) or every object on slot key, epoch by epoch. */
static int
show_object(sqlite3 *db, int64_t trace, int by_id, int64_t key)
{
	sqlite3_stmt *st = NULL, *w = NULL, *o = NULL;
	int rc, n = 0;
	char dur[32];

	if (prep(db, by_id ?
		     "SELECT id, epoch, adapter, layer, state, ot_hex(handle), ot_hex(value),"
		     " parent_id, src, sport, dst, dport, t_request, t_published, t_offloaded,"
		     " t_terminate_req, t_terminated, t_last, ot_status_name(initiate_status),"
		     " ot_status_name(terminate_status), fate, first_event, last_event,"
		     " handle, value, slot"
		     " FROM objects WHERE oid = ?1 * 1099511627776 + ?2" :
		     "SELECT id, epoch, adapter, layer, state, ot_hex(handle), ot_hex(value),"
		     " parent_id, src, sport, dst, dport, t_request, t_published, t_offloaded,"
		     " t_terminate_req, t_terminated, t_last, ot_status_name(initiate_status),"
		     " ot_status_name(terminate_status), fate, first_event, last_event,"
		     " handle, value, slot"
		     " FROM objects WHERE trace_id = ?1 AND slot = ?2 ORDER BY epoch, id", &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, trace);
	sqlite3_bind_int64(st, 2, key);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		int64_t slot = sqlite3_column_int64(st, 25);
		int c;
		static const char *const when[] = { "requested", "published", "offloaded",
			"terminate", "terminated", "last seen" };

		n++;
		printf("%sobject %lld: %s %s on adapter '%s', slot 0x%llx epoch %lld\n",
		       n > 1 ? "\n" : "", (long long)id, text(st, 4), text(st, 3), text(st, 2),
		       (unsigned long long)slot, (long long)sqlite3_column_int64(st, 1));
		printf("  fate        %s\n", text(st, 20));
		for (c = 12; c <= 17; c++) {
			printf("  %-11s ", when[c - 12]);
			put_time(stdout, st, c);
			if (c > 12)
				put_after(st, c, st, 12);
			putchar('\n');
		}
		printf("  initiate    %s\n", sqlite3_column_type(st, 18) == SQLITE_NULL ? "-" : text(st, 18));
		printf("  terminate   %s\n", sqlite3_column_type(st, 19) == SQLITE_NULL ? "-" : text(st, 19));
		printf("  handle      %s\n  value       %s\n",
		       sqlite3_column_type(st, 5) == SQLITE_NULL ? "-" : text(st, 5),
		       sqlite3_column_type(st, 6) == SQLITE_NULL ? "-" : text(st, 6));
		if (sqlite3_column_type(st, 7) != SQLITE_NULL)
			printf("  parent      object %lld\n", (long long)sqlite3_column_int64(st, 7));
		if (sqlite3_column_type(st, 8) != SQLITE_NULL)
			printf("  tuple       %s:%lld -> %s:%lld\n", text(st, 8),
			       (long long)sqlite3_column_int64(st, 9), text(st, 10),
			       (long long)sqlite3_column_int64(st, 11));

		if (prep(db, "SELECT o.id, o.kind, o.layer, ot_hex(o.root), ot_hex(b.block), b.role,"
			     " ot_status_name(b.status), b.latency_ns, o.t_request, o.t_complete"
			     " FROM blocks b JOIN operations o ON o.opid = b.trace_id * 1099511627776 + b.op_id"
			     " WHERE b.trace_id = ?1 AND b.object_id = ?2 ORDER BY o.t_request, o.id", &o) < 0)
			goto fail;
		sqlite3_bind_int64(o, 1, trace);
		sqlite3_bind_int64(o, 2, id);
		printf("operations:\n");
		while (sqlite3_step(o) == SQLITE_ROW) {
			printf("  op %-5lld %-10s %-6s root %s block %s %-11s %s",
			       (long long)sqlite3_column_int64(o, 0), text(o, 1), text(o, 2),
			       text(o, 3), text(o, 4), text(o, 5),
			       sqlite3_column_type(o, 6) == SQLITE_NULL ? "(not completed)" : text(o, 6));
			if (sqlite3_column_type(o, 8) != SQLITE_NULL &&
			    sqlite3_column_type(o, 9) != SQLITE_NULL)
				printf(" in %s", ot_fmt_dur_between(sqlite3_column_int64(o, 8),
								    sqlite3_column_int64(o, 9),
								    dur, sizeof(dur)));
			putchar('\n');
		}
		sqlite3_finalize(o);
		o = NULL;

		if (prep(db, "SELECT ts, ot_hex(old_value), ot_hex(new_value), pos, op_id, layer"
			     " FROM ctx_writes WHERE trace_id = ?1 AND slot = ?2"
			     " AND event_id BETWEEN ?3 AND ?4 ORDER BY id", &w) < 0)
			goto fail;
		sqlite3_bind_int64(w, 1, trace);
		sqlite3_bind_int64(w, 2, slot);
		sqlite3_bind_int64(w, 3, sqlite3_column_int64(st, 21));
		sqlite3_bind_int64(w, 4, sqlite3_column_int64(st, 22));
		printf("context writes:\n");
		while (sqlite3_step(w) == SQLITE_ROW) {
			printf("  ");
			put_time(stdout, w, 0);
			printf(" %s -> %s  %s", text(w, 1), text(w, 2), text(w, 3));
			if (sqlite3_column_type(w, 4) != SQLITE_NULL)
				printf(" op %lld", (long long)sqlite3_column_int64(w, 4));
			printf(" (logged at %s)\n", text(w, 5));
		}
		sqlite3_finalize(w);
		w = NULL;
		if (print_violations(db, "object_id = ?2", trace, id) < 0)
			goto fail;
		if (print_drops(db, "id IN (SELECT drop_id FROM drop_objects WHERE"
				" trace_id = ?1 AND object_id = ?2)", trace, id) < 0)
			goto fail;
		if (print_object_events(db, trace, id, sqlite3_column_int64(st, 21),
					sqlite3_column_int64(st, 22), slot,
					sqlite3_column_int64(st, 23),
					sqlite3_column_int64(st, 24)) < 0)
			goto fail;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (n == 0 && by_id) {
		cli_errorf("no object %lld in trace %lld", (long long)key, (long long)trace);
		return 1;
	}
	if (n == 0) {
		cli_errorf("no object with slot 0x%llx in trace %lld", (unsigned long long)key,
			   (long long)trace);
		return 1;
	}
	return 0;
fail:
	sqlite3_finalize(st);
	sqlite3_finalize(o);
	sqlite3_finalize(w);
	return -1;
}

/* The operation id (by_id) or every operation of root key. */
static int
show_op(sqlite3 *db, int64_t trace, int by_id, int64_t key)
{
	sqlite3_stmt *st = NULL, *b = NULL;
	int rc, n = 0;
	char dur[32];

	if (prep(db, by_id ?
		     "SELECT id, kind, adapter, layer, epoch, t_request, t_complete, sync,"
		     " nblocks, first_event, last_event, root, ot_hex(root)"
		     " FROM operations WHERE opid = ?1 * 1099511627776 + ?2" :
		     "SELECT id, kind, adapter, layer, epoch, t_request, t_complete, sync,"
		     " nblocks, first_event, last_event, root, ot_hex(root)"
		     " FROM operations WHERE trace_id = ?1 AND root = ?2 ORDER BY t_request, id", &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, trace);
	sqlite3_bind_int64(st, 2, key);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		int64_t root = sqlite3_column_int64(st, 11);

		n++;
		printf("%sop %lld: %s at %s on adapter '%s', root %s epoch %lld\n",
		       n > 1 ? "\n" : "", (long long)id, text(st, 1), text(st, 3), text(st, 2),
		       sqlite3_column_type(st, 12) == SQLITE_NULL ? "-" : text(st, 12),
		       (long long)sqlite3_column_int64(st, 4));
		printf("  requested   ");
		put_time(stdout, st, 5);
		printf("\n  completed   ");
		put_time(stdout, st, 6);
		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			printf(" (latency %s)", ot_fmt_dur_between(sqlite3_column_int64(st, 5),
								   sqlite3_column_int64(st, 6),
								   dur, sizeof(dur)));
		else
			printf(" (never completed)");
		printf("\n  synchronous %s\n", sqlite3_column_int(st, 7) ? "yes" : "no");
		if (prep(db, "SELECT ot_hex(block), ot_hex(parent), state, role, ot_hex(slot),"
			     " object_id, ot_status_name(status), latency_ns"
			     " FROM blocks WHERE trace_id = ?1 AND op_id = ?2 ORDER BY idx", &b) < 0)
			goto fail;
		sqlite3_bind_int64(b, 1, trace);
		sqlite3_bind_int64(b, 2, id);
		printf("blocks:\n");
		while (sqlite3_step(b) == SQLITE_ROW) {
			printf("  block %s parent %s %-8s %-11s slot %s",
			       sqlite3_column_type(b, 0) == SQLITE_NULL ? "-" : text(b, 0),
			       sqlite3_column_type(b, 1) == SQLITE_NULL ? "-" : text(b, 1),
			       text(b, 2), text(b, 3),
			       sqlite3_column_type(b, 4) == SQLITE_NULL ? "-" : text(b, 4));
			if (sqlite3_column_type(b, 5) != SQLITE_NULL)
				printf(" object %lld", (long long)sqlite3_column_int64(b, 5));
			printf(" %s", sqlite3_column_type(b, 6) == SQLITE_NULL ? "(open)" : text(b, 6));
			if (sqlite3_column_type(b, 7) != SQLITE_NULL)
				printf(" %s", ot_fmt_dur(sqlite3_column_int64(b, 7), dur, sizeof(dur)));
			putchar('\n');
		}
		sqlite3_finalize(b);
		b = NULL;
		if (print_violations(db, "op_id = ?2", trace, id) < 0)
			goto fail;
		if (print_events(db, "root = ?4 AND ev IN ('initiate','terminate','update','invalidate',"
				 "'query','initiate_done','terminate_done','update_done',"
				 "'invalidate_done','query_done')",
				 trace, sqlite3_column_int64(st, 9), sqlite3_column_int64(st, 10),
				 root) < 0)
			goto fail;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (n == 0 && by_id) {
		cli_errorf("no operation %lld in trace %lld", (long long)key, (long long)trace);
		return 1;
	}
	if (n == 0) {
		cli_errorf("no operation with root 0x%llx in trace %lld", (unsigned long long)key,
			   (long long)trace);
		return 1;
	}
	return 0;
fail:
	sqlite3_finalize(st);
	sqlite3_finalize(b);
	return -1;
}

/* "-" or the time of col, and how long after the flow's first packet */
static void
put_since(sqlite3_stmt *st, int col, int64_t first)
{
	char dur[32];

	put_time(stdout, st, col);
	if (sqlite3_column_type(st, col) != SQLITE_NULL)
		printf(" (%s)", ot_fmt_rel(first, sqlite3_column_int64(st, col), dur, sizeof(dur)));
	putchar('\n');
}

static int
show_flow(sqlite3 *db, int64_t trace, int64_t id)
{
	sqlite3_stmt *st = NULL, *o = NULL;
	int rc, c, n = 0;
	char dur[32];
	int64_t first;
	static const char *const when[] = { "first", "SYN", "SYN-ACK", "FIN a>b", "FIN b>a",
		"RST", "closed", "last" };

	if (prep(db, "SELECT first_ns, syn_ns, synack_ns, fin_ab_ns, fin_ba_ns, rst_ns, close_ns,"
		     " last_ns, family, a_addr, a_port, b_addr, b_port, state, frames_ab, bytes_ab,"
		     " payload_ab, frames_ba, bytes_ba, payload_ba, retrans, ooo, fragments"
		     " FROM flows WHERE trace_id = ?1 AND id = ?2", &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, trace);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return -1;
		cli_errorf("no flow %lld in trace %lld", (long long)id, (long long)trace);
		return 1;
	}
	first = sqlite3_column_int64(st, 0);
	printf(sqlite3_column_int(st, 8) == 6 ? "flow %lld: [%s]:%lld -> [%s]:%lld, %s\n" :
	       "flow %lld: %s:%lld -> %s:%lld, %s\n", (long long)id, text(st, 9),
	       (long long)sqlite3_column_int64(st, 10), text(st, 11),
	       (long long)sqlite3_column_int64(st, 12), text(st, 13));
	printf("  %-11s ", when[0]);
	put_time(stdout, st, 0);
	putchar('\n');
	for (c = 1; c <= 7; c++) {
		printf("  %-11s ", when[c]);
		put_since(st, c, first);
	}
	printf("  a to b      %lld frames, %lld bytes, %lld payload bytes\n",
	       (long long)sqlite3_column_int64(st, 14), (long long)sqlite3_column_int64(st, 15),
	       (long long)sqlite3_column_int64(st, 16));
	printf("  b to a      %lld frames, %lld bytes, %lld payload bytes\n",
	       (long long)sqlite3_column_int64(st, 17), (long long)sqlite3_column_int64(st, 18),
	       (long long)sqlite3_column_int64(st, 19));
	printf("  retransmitted %lld, out of order %lld, IP fragments %lld\n",
	       (long long)sqlite3_column_int64(st, 20), (long long)sqlite3_column_int64(st, 21),
	       (long long)sqlite3_column_int64(st, 22));
	sqlite3_finalize(st);

	if (prep(db, "SELECT j.object_id, j.layer, ot_hex(b.slot), b.fate, b.t_offloaded,"
		     " b.t_terminated, j.syn_to_offload_ns, j.inside_frames, j.inside_bytes,"
		     " j.wire_close_leak"
		     " FROM flow_objects j LEFT JOIN objects b"
		     " ON b.oid = j.trace_id * 1099511627776 + j.object_id"
		     " WHERE j.trace_id = ?1 AND j.flow_id = ?2 ORDER BY j.object_id", &o) < 0)
		return -1;
	sqlite3_bind_int64(o, 1, trace);
	sqlite3_bind_int64(o, 2, id);
	printf("objects joined:\n");
	while ((rc = sqlite3_step(o)) == SQLITE_ROW) {
		n++;
		printf("  object %lld (%s, slot %s) %s\n", (long long)sqlite3_column_int64(o, 0),
		       text(o, 1), sqlite3_column_type(o, 2) == SQLITE_NULL ? "-" : text(o, 2),
		       text(o, 3));
		printf("    offloaded   ");
		put_since(o, 4, first);
		printf("    terminated  ");
		put_since(o, 5, first);
		printf("    SYN to offload %s; inside the offload window %lld frames, %lld bytes;"
		       " wire-close leak %s\n",
		       sqlite3_column_type(o, 6) == SQLITE_NULL ? "-" :
		       ot_fmt_dur(sqlite3_column_int64(o, 6), dur, sizeof(dur)),
		       (long long)sqlite3_column_int64(o, 7), (long long)sqlite3_column_int64(o, 8),
		       sqlite3_column_int(o, 9) ? "yes" : "no");
	}
	sqlite3_finalize(o);
	if (rc != SQLITE_DONE)
		return -1;
	if (n == 0)
		printf("  none\n");
	if (print_violations(db, "rule LIKE 'W%' AND object_id IN (SELECT object_id FROM"
			     " flow_objects WHERE trace_id = ?1 AND flow_id = ?2)", trace, id) < 0)
		return -1;
	return print_drops(db, "flow_id = ?2", trace, id);
}

/* Object ids, deduplicated and sorted before printing. */
struct ids {
	int64_t *v;
	size_t n, cap;
};

static void
ids_add(struct ids *s, int64_t id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] == id)
			return;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->v = xrealloc(s->v, st_mult(s->cap, sizeof(*s->v)));
	}
	s->v[s->n++] = id;
}

static int
i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Bind col of row (a pointer or NULL) to parameter i of st. */
static void
bind_col(sqlite3_stmt *st, int i, sqlite3_stmt *row, int col)
{
	if (sqlite3_column_type(row, col) == SQLITE_NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, sqlite3_column_int64(row, col));
}

/*
 * Add to ids the objects whose first..last event holds a..b and that the
 * event in row (raw slot, handle, value at col, col + 1, col + 2; ev at
 * evcol) names, as show object selects them.
 */
static int
objects_named(sqlite3 *db, int64_t trace, int64_t a, int64_t b, sqlite3_stmt *row,
	      int col, int evcol, struct ids *ids)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (prep(db, "SELECT id FROM objects WHERE trace_id = ?1 AND first_event <= ?2"
		     " AND last_event >= ?3 AND (slot = ?4 OR (?5 <> 0 AND handle = ?5)"
		     " OR (?6 <> 0 AND value = ?6 AND ?7 <> 'ctx_write'))", &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, trace);
	sqlite3_bind_int64(st, 2, a);
	sqlite3_bind_int64(st, 3, b);
	bind_col(st, 4, row, col);
	bind_col(st, 5, row, col + 1);
	bind_col(st, 6, row, col + 2);
	sqlite3_bind_text(st, 7, raw(row, evcol), -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ids_add(ids, sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Add the ids of the first column of sql's rows (?1 trace, ?2 event, ?3 a pointer). */
static int
ids_of(sqlite3 *db, const char *sql, int64_t trace, int64_t id, sqlite3_stmt *row,
       int col, struct ids *ids)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (prep(db, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, trace);
	sqlite3_bind_int64(st, 2, id);
	bind_col(st, 3, row, col);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			ids_add(ids, sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The objects event id belongs to, as show object lists them: those it
 * names within their first..last event, that of the I/O request it
 * completes (by NBL), those of the blocks it requests or completes, of
 * the context write it is, of the violations it proves.
 */
static int
event_objects(sqlite3 *db, int64_t trace, int64_t id, sqlite3_stmt *ev, struct ids *ids)
{
	enum { C_EV = 2, C_RAW = 25 };	/* raw root, slot, handle, value, nbl */
	sqlite3_stmt *req = NULL;
	int rc = 0;

	if (objects_named(db, trace, id, id, ev, C_RAW + 1, C_EV, ids) < 0)
		return -1;
	if (is_io_done(raw(ev, C_EV)) && nonzero(ev, C_RAW + 4) &&
	    !nonzero(ev, C_RAW + 1) && !nonzero(ev, C_RAW + 2) && !nonzero(ev, C_RAW + 3)) {
		/* the latest I/O event of the NBL before it: its request, if paired */
		if (prep(db, "SELECT id, ev, slot, handle, value FROM events"
			     " WHERE eid BETWEEN ?1 * 1099511627776 AND ?1 * 1099511627776 + ?2 - 1"
			     " AND nbl = ?3 AND ev IN ('send','recv','disconnect','send_done',"
			     "'recv_done','disconnect_done') ORDER BY eid DESC LIMIT 1", &req) < 0)
			return -1;
		sqlite3_bind_int64(req, 1, trace);
		sqlite3_bind_int64(req, 2, id);
		bind_col(req, 3, ev, C_RAW + 4);
		if ((rc = sqlite3_step(req)) == SQLITE_ROW && is_io_request(raw(req, 1)))
			rc = objects_named(db, trace, sqlite3_column_int64(req, 0), id, req, 2, 1,
					   ids) < 0 ? -1 : 0;
		else
			rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
		sqlite3_finalize(req);
		if (rc < 0)
			return -1;
	}
	if (ids_of(db, "SELECT b.object_id FROM operations o JOIN blocks b"
		   " ON b.trace_id = o.trace_id AND b.op_id = o.id WHERE o.trace_id = ?1"
		   " AND o.root = ?3 AND (b.request_event = ?2 OR b.done_event = ?2)",
		   trace, id, ev, C_RAW, ids) < 0 ||
	    ids_of(db, "SELECT object_id FROM ctx_writes WHERE trace_id = ?1 AND slot = ?3"
		   " AND event_id = ?2", trace, id, ev, C_RAW + 1, ids) < 0 ||
	    ids_of(db, "SELECT v.object_id FROM violation_events ve JOIN violations v"
		   " ON v.trace_id = ve.trace_id AND v.id = ve.violation_id"
		   " WHERE ve.trace_id = ?1 AND ve.event_id = ?2", trace, id, ev, C_RAW, ids) < 0)
		return -1;
	return 0;
}

static int
show_event(sqlite3 *db, int64_t trace, int64_t id)
{
	static const struct { int col; const char *name; } fields[] = {
		{ 5, "cpu" }, { 6, "pid" }, { 7, "tid" }, { 8, "root" }, { 9, "block" },
		{ 10, "parent" }, { 11, "state" }, { 12, "slot" }, { 13, "handle" },
		{ 14, "value" }, { 15, "status" }, { 16, "code" }, { 17, "reason" },
		{ 22, "nbl" }
	};
	sqlite3_stmt *st = NULL, *q = NULL;
	struct ids ids = { NULL, 0, 0 };
	size_t i;
	int rc, n = 0;

	if (prep(db, "SELECT e.id, e.ts, e.ev, e.adapter, e.layer, e.cpu, e.pid, e.tid,"
		     " ot_hex(e.root), ot_hex(e.block), ot_hex(e.parent), e.state, ot_hex(e.slot),"
		     " ot_hex(e.handle), ot_hex(e.value), ot_status_name(e.status), e.code,"
		     " e.reason, e.src, e.sport, e.dst, e.dport, ot_hex(e.nbl), e.line,"
		     " (SELECT file FROM inputs i WHERE i.trace_id = e.trace_id AND i.input = e.input),"
		     " e.root, e.slot, e.handle, e.value, e.nbl"
		     " FROM events e WHERE e.eid = ?1 * 1099511627776 + ?2", &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, trace);
	sqlite3_bind_int64(st, 2, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return -1;
		cli_errorf("no event %lld in trace %lld", (long long)id, (long long)trace);
		return 1;
	}
	printf("event %lld: %s at ", (long long)id, text(st, 2));
	put_time(stdout, st, 1);
	printf(" (%s:%lld)\n", text(st, 24), (long long)sqlite3_column_int64(st, 23));
	printf("  %-11s %s\n  %-11s %s\n", "adapter", *raw(st, 3) ? text(st, 3) : "-",
	       "layer", text(st, 4));
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (sqlite3_column_type(st, fields[i].col) == SQLITE_NULL)
			continue;
		printf("  %-11s %s\n", fields[i].name, text(st, fields[i].col));
		if (fields[i].col == 17 && sqlite3_column_type(st, 18) != SQLITE_NULL)
			printf("  %-11s %s:%lld -> %s:%lld\n", "tuple", text(st, 18),
			       (long long)sqlite3_column_int64(st, 19), text(st, 20),
			       (long long)sqlite3_column_int64(st, 21));
	}
	rc = event_objects(db, trace, id, st, &ids);
	sqlite3_finalize(st);
	if (rc < 0)
		goto fail;

	printf("objects:\n");
	if (ids.n)
		qsort(ids.v, ids.n, sizeof(*ids.v), i64_cmp);
	if (prep(db, "SELECT id, state, layer, adapter, ot_hex(slot), epoch, fate FROM objects"
		     " WHERE oid = ?1 * 1099511627776 + ?2", &q) < 0)
		goto fail;
	for (i = 0; i < ids.n; i++) {
		sqlite3_bind_int64(q, 1, trace);
		sqlite3_bind_int64(q, 2, ids.v[i]);
		if (sqlite3_step(q) == SQLITE_ROW)
			printf("  object %-5lld %s %s on adapter '%s', slot %s epoch %lld, %s\n",
			       (long long)ids.v[i], text(q, 1), text(q, 2), text(q, 3), text(q, 4),
			       (long long)sqlite3_column_int64(q, 5), text(q, 6));
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	q = NULL;
	if (ids.n == 0)
		printf("  none\n");

	/* the blocks it requests or completes */
	if (prep(db, "SELECT o.id, o.kind, o.layer, ot_hex(o.root), ot_hex(b.block), b.role,"
		     " b.request_event = ?2 FROM events e JOIN operations o"
		     " ON o.trace_id = e.trace_id AND o.root = e.root JOIN blocks b"
		     " ON b.trace_id = o.trace_id AND b.op_id = o.id"
		     " WHERE e.eid = ?1 * 1099511627776 + ?2"
		     " AND (b.request_event = ?2 OR b.done_event = ?2) ORDER BY o.id, b.idx", &q) < 0)
		goto fail;
	sqlite3_bind_int64(q, 1, trace);
	sqlite3_bind_int64(q, 2, id);
	printf("operations:\n");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		n++;
		printf("  op %-5lld %-10s %-6s root %s block %s %-11s %s\n",
		       (long long)sqlite3_column_int64(q, 0), text(q, 1), text(q, 2), text(q, 3),
		       sqlite3_column_type(q, 4) == SQLITE_NULL ? "-" : text(q, 4), text(q, 5),
		       sqlite3_column_int(q, 6) ? "request" : "completion");
	}
	sqlite3_finalize(q);
	q = NULL;
	if (rc != SQLITE_DONE)
		goto fail;
	if (n == 0)
		printf("  none\n");
	free(ids.v);
	return print_violations(db, "id IN (SELECT violation_id FROM violation_events"
				" WHERE trace_id = ?1 AND event_id = ?2)", trace, id);
fail:
	sqlite3_finalize(q);
	free(ids.v);
	return -1;
}

int
cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "db", required_argument, NULL, OPT_DB },
		CLI_WAIT_LONGOPT,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ot_db *db = NULL;
	int64_t want = -1, trace_id, id = 0;
	uint64_t ptr = 0;
	const char *what, *ref, *dbpath = NULL;
	char **args;
	int opt, rc, nargs, kind;
	sqlite3 *s;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_TRACE:
			if (ot_parse_i64(optarg, strlen(optarg), &want) < 0 || want < 1)
				return cli_usage_error("show", "bad --trace '%s'", optarg);
			break;
		case OPT_DB:
			dbpath = optarg;
			break;
		case OPT_WAIT:
			if (cli_wait_option("show", optarg) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(show_help, stdout);
			return EXIT_OK;
		default:
			return cli_option_error("show");
		}
	}
	args = argv + optind;
	nargs = argc - optind;
	if (nargs != (dbpath ? 2 : 3))
		return cli_usage_error("show", "want: show object ID|SLOT DB | show op ID|ROOT DB |"
				       " show event ID DB | show flow ID DB");
	what = args[0];
	ref = args[1];
	args += 2;
	nargs -= 2;
	if (strcmp(what, "object") != 0 && strcmp(what, "op") != 0 &&
	    strcmp(what, "event") != 0 && strcmp(what, "flow") != 0)
		return cli_usage_error("show", "unknown thing '%s': want object, op, event or flow",
				       what);
	kind = parse_ref(ref, &id, &ptr);
	if (kind != 1 && (strcmp(what, "event") == 0 || strcmp(what, "flow") == 0))
		return cli_usage_error("show", "bad %s id '%s': want a decimal number from 1",
				       what, ref);
	if (kind < 0)
		return cli_usage_error("show", "bad %s '%s': want an id (9, id:9) or a %s pointer"
				       " (0xffffe0012a4c33b8)", what, ref,
				       strcmp(what, "op") == 0 ? "root" : "slot");
	if ((dbpath = cli_db_arg("show", dbpath, &args, &nargs)) == NULL)
		return EXIT_USAGE;
	if ((rc = cli_open_db(dbpath, want, &db, &trace_id)) != EXIT_OK)
		return rc;
	s = ot_db_sqlite(db);
	if (strcmp(what, "object") == 0)
		rc = show_object(s, trace_id, kind == 1, kind == 1 ? id : (int64_t)ptr);
	else if (strcmp(what, "op") == 0)
		rc = show_op(s, trace_id, kind == 1, kind == 1 ? id : (int64_t)ptr);
	else if (strcmp(what, "event") == 0)
		rc = show_event(s, trace_id, id);
	else
		rc = show_flow(s, trace_id, id);
	if (rc < 0)
		rc = cli_db_error(db, NULL);
	else
		rc = rc ? EXIT_USAGE : EXIT_OK;
	ot_db_close(db);
	return rc;
}
