/*
 * cmd_show.c - offtrace show object|op|flow: the full history of one
 * thing, read from the database (post-mortem debugging of one handle).
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char show_help[] =
	"usage: offtrace show object SLOT DB\n"
	"       offtrace show op ROOT DB\n"
	"       offtrace show flow ID DB\n\n"
	"The full history of every object on context slot SLOT (each epoch), or of\n"
	"every operation with root block list ROOT: times, blocks, context\n"
	"writes, violations and the events themselves.  SLOT and ROOT are hex\n"
	"(0x optional, WinDbg backtick allowed).  A flow of the captures (ID as in\n"
	"the flows table, decimal): its wire times and counts, the TCP objects\n"
	"joined to it with their W1-W3 facts, and its W violations.  Packets a\n"
	"pktmon component dropped are listed with the flow of their connection and\n"
	"the objects offloaded at the time.\n\n"
	"options:\n"
	"      --trace ID       which trace of DB (default: the newest)\n"
	"  -h, --help           this help\n";

static void
put_time(FILE *out, sqlite3_stmt *st, int col)
{
	char buf[OT_TIMEBUF];

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		fputs("-", out);
	else
		fputs(ot_fmt_time(sqlite3_column_int64(st, col), buf), out);
}

static const char *
text(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	return s ? s : "";
}

static int
prep(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		cli_errorf("show: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* One line per event: id, time, ev and the fields present. */
static int
print_events(sqlite3 *db, const char *where, int64_t trace, int64_t a, int64_t b,
	     int64_t key, int64_t key2, int64_t key3, int64_t key4)
{
	char sql[1024];
	sqlite3_stmt *st = NULL;
	int rc;

	snprintf(sql, sizeof(sql),
		 "SELECT id, ts, ev, adapter, layer, ot_hex(root), ot_hex(block), ot_hex(slot),"
		 " ot_hex(value), ot_status_name(status), code, reason, tid, ot_hex(nbl), line,"
		 " (SELECT file FROM inputs i WHERE i.trace_id = e.trace_id AND i.input = e.input)"
		 " FROM events e WHERE eid BETWEEN ?1 * 1099511627776 + ?2 AND ?1 * 1099511627776 + ?3"
		 " AND (%s) ORDER BY eid",
		 where);
	if (prep(db, sql, &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, trace);
	sqlite3_bind_int64(st, 2, a);
	sqlite3_bind_int64(st, 3, b);
	/* parameters the WHERE clause does not use are ignored (SQLITE_RANGE) */
	sqlite3_bind_int64(st, 4, key);
	sqlite3_bind_int64(st, 5, key2);
	sqlite3_bind_int64(st, 6, key3);
	sqlite3_bind_int64(st, 7, key4);
	printf("events:\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		static const char *const names[] = { NULL, NULL, NULL, "adapter", "layer",
			"root", "block", "slot", "value", "status", "code", "reason", "tid", "nbl" };
		int c;

		printf("  #%-6lld ", (long long)sqlite3_column_int64(st, 0));
		put_time(stdout, st, 1);
		printf(" %-15s", text(st, 2));
		for (c = 3; c <= 13; c++) {
			if (sqlite3_column_type(st, c) == SQLITE_NULL)
				continue;
			if ((c == 3 && text(st, c)[0] == '\0') ||
			    (c == 4 && strcmp(text(st, c), "target") == 0))
				continue;
			printf(" %s=%s", names[c], text(st, c));
		}
		printf("  (%s:%lld)\n", text(st, 15), (long long)sqlite3_column_int64(st, 14));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
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

static int
show_object(sqlite3 *db, int64_t trace, int64_t slot)
{
	sqlite3_stmt *st = NULL, *w = NULL, *o = NULL;
	int rc, n = 0;
	char dur[32];

	if (prep(db, "SELECT id, epoch, adapter, layer, state, ot_hex(handle), ot_hex(value),"
		     " parent_id, src, sport, dst, dport, t_request, t_published, t_offloaded,"
		     " t_terminate_req, t_terminated, t_last, ot_status_name(initiate_status),"
		     " ot_status_name(terminate_status), fate, first_event, last_event,"
		     " handle, value"
		     " FROM objects WHERE trace_id = ?1 AND slot = ?2 ORDER BY epoch, id", &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, trace);
	sqlite3_bind_int64(st, 2, slot);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		int64_t treq = sqlite3_column_int64(st, 12);
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
			if (c > 12 && sqlite3_column_type(st, c) != SQLITE_NULL)
				printf(" (+%s)", ot_fmt_dur(sqlite3_column_int64(st, c) - treq,
							    dur, sizeof(dur)));
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
			     " ot_status_name(b.status), b.latency_ns, o.t_complete - o.t_request"
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
			if (sqlite3_column_type(o, 8) != SQLITE_NULL)
				printf(" in %s", ot_fmt_dur(sqlite3_column_int64(o, 8), dur, sizeof(dur)));
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
		if (print_events(db, "slot = ?4 OR (?5 <> 0 AND handle = ?5) OR"
				 " (?6 <> 0 AND value = ?6 AND ev <> 'ctx_write') OR id IN"
				 " (SELECT done_event FROM blocks WHERE trace_id = ?1 AND object_id = ?7)",
				 trace, sqlite3_column_int64(st, 21), sqlite3_column_int64(st, 22),
				 slot, sqlite3_column_int64(st, 23), sqlite3_column_int64(st, 24), id) < 0)
			goto fail;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (n == 0) {
		cli_errorf("no object with slot 0x%llx in trace %lld", (unsigned long long)slot,
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

static int
show_op(sqlite3 *db, int64_t trace, int64_t root)
{
	sqlite3_stmt *st = NULL, *b = NULL;
	int rc, n = 0;
	char dur[32];

	if (prep(db, "SELECT id, kind, adapter, layer, epoch, t_request, t_complete, sync,"
		     " nblocks, first_event, last_event"
		     " FROM operations WHERE trace_id = ?1 AND root = ?2 ORDER BY t_request, id", &st) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, trace);
	sqlite3_bind_int64(st, 2, root);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		n++;
		printf("%sop %lld: %s at %s on adapter '%s', root 0x%llx epoch %lld\n",
		       n > 1 ? "\n" : "", (long long)id, text(st, 1), text(st, 3), text(st, 2),
		       (unsigned long long)root, (long long)sqlite3_column_int64(st, 4));
		printf("  requested   ");
		put_time(stdout, st, 5);
		printf("\n  completed   ");
		put_time(stdout, st, 6);
		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			printf(" (latency %s)", ot_fmt_dur(sqlite3_column_int64(st, 6) -
							   sqlite3_column_int64(st, 5), dur, sizeof(dur)));
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
				 root, 0, 0, 0) < 0)
			goto fail;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (n == 0) {
		cli_errorf("no operation with root 0x%llx in trace %lld", (unsigned long long)root,
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
		printf(" (+%s)", ot_fmt_dur(sqlite3_column_int64(st, col) - first, dur, sizeof(dur)));
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

int
cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ot_db *db = NULL;
	struct ot_err err;
	int64_t want = -1, trace_id;
	uint64_t key;
	const char *what, *id;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_TRACE:
			if (ot_parse_i64(optarg, strlen(optarg), &want) < 0 || want < 1)
				return cli_usage_error("show", "bad --trace '%s'", optarg);
			break;
		case 'h':
			fputs(show_help, stdout);
			return EXIT_OK;
		default:
			return cli_usage_error("show", "bad option");
		}
	}
	if (argc - optind != 3)
		return cli_usage_error("show", "want: show object SLOT DB | show op ROOT DB |"
				       " show flow ID DB");
	what = argv[optind];
	id = argv[optind + 1];
	if (strcmp(what, "flow") == 0) {
		int64_t v;

		if (ot_parse_i64(id, strlen(id), &v) < 0 || v < 1)
			return cli_usage_error("show", "bad flow id '%s': want a number from 1",
					       id);
		key = (uint64_t)v;
	} else if (strcmp(what, "object") != 0 && strcmp(what, "op") != 0) {
		return cli_usage_error("show", "unknown thing '%s': want object, op or flow",
				       what);
	} else if (ot_parse_hex(id, strlen(id), &key) < 0) {
		return cli_usage_error("show", "bad pointer '%s'", id);
	}
	if ((rc = cli_open_db(argv[optind + 2], want, &db, &trace_id)) != EXIT_OK)
		return rc;
	memset(&err, 0, sizeof(err));
	if (isatty(2) && ot_db_show_indexes_missing(db))
		fputs("offtrace: indexing the database for show (once)\n", stderr);
	if (ot_db_ensure_show_indexes(db, &err) < 0) {
		ot_db_close(db);
		return cli_report_error(&err);
	}
	if (strcmp(what, "object") == 0)
		rc = show_object(ot_db_sqlite(db), trace_id, (int64_t)key);
	else if (strcmp(what, "flow") == 0)
		rc = show_flow(ot_db_sqlite(db), trace_id, (int64_t)key);
	else
		rc = show_op(ot_db_sqlite(db), trace_id, (int64_t)key);
	ot_db_close(db);
	if (rc < 0)
		return EXIT_INTERNAL;
	return rc ? EXIT_USAGE : EXIT_OK;
}
