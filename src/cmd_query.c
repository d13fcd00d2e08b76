/*
 * cmd_query.c - query: read-only SQL on a database, the rows as CSV or
 * as a JSON array of objects.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char query_help[] =
	"usage: offtrace query [options] DB SQL\n\n"
	"Run SQL on DB (read-only) and print the rows as CSV with a header line,\n"
	"or as a JSON array of objects.  The helpers percentile(x, p),\n"
	"ot_status_name(code), ot_hex(ptr) and ot_time(ns) are available.\n\n"
	"options:\n"
	"      --json           JSON instead of CSV\n"
	"  -h, --help           this help\n";

int
cmd_query(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ot_err err;
	struct ot_db *db = NULL;
	sqlite3_stmt *st = NULL;
	const char *tail;
	int64_t trace_id;
	int opt, json = 0, rc, ncol, i, first = 1;

	memset(&err, 0, sizeof(err));
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON:
			json = 1;
			break;
		case 'h':
			fputs(query_help, stdout);
			return EXIT_OK;
		default:
			return cli_usage_error("query", "bad option");
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("query", "want a database and one SQL statement");
	/* any trace id will do: query does not need one */
	if ((rc = cli_open_db(argv[optind], 0, &db, &trace_id)) != EXIT_OK)
		return rc;
	if (sqlite3_prepare_v2(ot_db_sqlite(db), argv[optind + 1], -1, &st, &tail) != SQLITE_OK) {
		cli_errorf("query: %s", sqlite3_errmsg(ot_db_sqlite(db)));
		ot_db_close(db);
		return EXIT_USAGE;
	}
	if (st == NULL) {
		ot_db_close(db);
		return cli_usage_error("query", "empty SQL");
	}
	ncol = sqlite3_column_count(st);
	if (json)
		fputs("[", stdout);
	else
		for (i = 0; i < ncol; i++) {
			if (i)
				fputc(',', stdout);
			ot_csv_string(stdout, sqlite3_column_name(st, i));
		}
	if (!json)
		fputc('\n', stdout);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (json) {
			fputs(first ? "\n  {" : ",\n  {", stdout);
			first = 0;
		}
		for (i = 0; i < ncol; i++) {
			int t = sqlite3_column_type(st, i);
			const char *txt;

			if (json) {
				if (i)
					fputs(", ", stdout);
				ot_json_string(stdout, sqlite3_column_name(st, i));
				fputs(": ", stdout);
			} else if (i) {
				fputc(',', stdout);
			}
			switch (t) {
			case SQLITE_NULL:
				if (json)
					fputs("null", stdout);
				break;
			case SQLITE_INTEGER:
				printf("%lld", (long long)sqlite3_column_int64(st, i));
				break;
			case SQLITE_FLOAT:
				printf("%.17g", sqlite3_column_double(st, i));
				break;
			default:
				txt = (const char *)sqlite3_column_text(st, i);
				if (json)
					ot_json_string(stdout, txt ? txt : "");
				else
					ot_csv_string(stdout, txt ? txt : "");
			}
		}
		fputs(json ? "}" : "\n", stdout);
	}
	if (json)
		fputs(first ? "]\n" : "\n]\n", stdout);
	if (rc != SQLITE_DONE) {
		cli_errorf("query: %s", sqlite3_errmsg(ot_db_sqlite(db)));
		sqlite3_finalize(st);
		ot_db_close(db);
		return EXIT_USAGE;
	}
	sqlite3_finalize(st);
	ot_db_close(db);
	return EXIT_OK;
}
