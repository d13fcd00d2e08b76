/*
 * cmd_query.c - query: read-only SQL on a database, the rows as CSV or
 * as a JSON array of objects.  Several statements run one after the
 * other, as the sqlite3 shell runs them, once all are compiled and found
 * to only read (ot_db_prepare_query).
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char query_help[] =
	"usage: offtrace query [options] DB SQL\n"
	"       offtrace query [options] --db DB SQL\n\n"
	"Run SQL on DB and print the rows as CSV with a header line,\n"
	"or as a JSON array of objects.  The helpers percentile(x, p),\n"
	"ot_status_name(code), ot_hex(ptr) and ot_time(ns) are available.  SQL may\n"
	"hold several statements separated by ';': each runs in turn and prints\n"
	"its rows (CSV: an empty line between two results; JSON: one array a\n"
	"result).  All are compiled first, so a bad one prints nothing; one that\n"
	"fails while running stops the run.  The SQL may only read: a statement\n"
	"that would change the database or create a file (INSERT, CREATE, VACUUM\n"
	"INTO, ATTACH, load_extension(), a PRAGMA that sets something) is\n"
	"refused, and nothing runs (exit status 2).\n\n"
	"options:\n"
	"      --json           JSON instead of CSV\n"
	"      --db DB          the database (instead of the argument DB)\n"
	CLI_WAIT_HELP
	"  -h, --help           this help\n";

static void
put_value(sqlite3_stmt *st, int i, int json)
{
	const char *txt;

	switch (sqlite3_column_type(st, i)) {
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

/*
 * Run one prepared statement and print its rows; nothing is printed until
 * its first step succeeds, so an error comes alone.  *results counts the
 * results printed so far (for the separator).  0, or -1 after the step
 * failed.
 */
static int
run_one(sqlite3_stmt *st, int json, int *results)
{
	int ncol = sqlite3_column_count(st), i, rc, rows = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (rows++ == 0) {
			if (*results > 0)
				fputs(json ? "" : "\n", stdout);
			fputs(json ? "[" : "", stdout);
			for (i = 0; !json && i < ncol; i++) {
				if (i)
					fputc(',', stdout);
				ot_csv_string(stdout, sqlite3_column_name(st, i));
			}
			if (!json)
				fputc('\n', stdout);
		}
		if (json)
			fputs(rows > 1 ? ",\n  {" : "\n  {", stdout);
		for (i = 0; i < ncol; i++) {
			if (json) {
				if (i)
					fputs(", ", stdout);
				ot_json_string(stdout, sqlite3_column_name(st, i));
				fputs(": ", stdout);
			} else if (i) {
				fputc(',', stdout);
			}
			put_value(st, i, json);
		}
		fputs(json ? "}" : "\n", stdout);
	}
	if (rc != SQLITE_DONE)
		return -1;
	/* a result with no row: its header (CSV) or [] (JSON) */
	if (rows == 0 && ncol > 0) {
		if (*results > 0)
			fputs(json ? "" : "\n", stdout);
		if (json)
			fputs("[]\n", stdout);
		for (i = 0; !json && i < ncol; i++) {
			if (i)
				fputc(',', stdout);
			ot_csv_string(stdout, sqlite3_column_name(st, i));
		}
		if (!json)
			fputc('\n', stdout);
	} else if (rows > 0 && json) {
		fputs("\n]\n", stdout);
	}
	if (ncol > 0)
		(*results)++;
	return 0;
}

int
cmd_query(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "db", required_argument, NULL, OPT_DB },
		CLI_WAIT_LONGOPT,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ot_db *db = NULL;
	sqlite3_stmt *st = NULL, **stmts = NULL;
	size_t nstmt = 0, cap = 0, i;
	sqlite3 *s;
	const char *sql, *dbpath = NULL;
	char **args;
	struct ot_err err;
	int opt, json = 0, rc = EXIT_OK, nargs, results = 0;

	memset(&err, 0, sizeof(err));
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON:
			json = 1;
			break;
		case OPT_DB:
			dbpath = optarg;
			break;
		case OPT_WAIT:
			if (cli_wait_option("query", optarg) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(query_help, stdout);
			return EXIT_OK;
		default:
			return cli_option_error("query");
		}
	}
	args = argv + optind;
	nargs = argc - optind;
	if ((dbpath = cli_db_arg("query", dbpath, &args, &nargs)) == NULL)
		return EXIT_USAGE;
	if (nargs != 1)
		return cli_usage_error("query", "want a database and the SQL (one argument)");
	if ((rc = cli_open_db_query(dbpath, &db)) != EXIT_OK)
		return rc;
	s = ot_db_sqlite(db);
	/* every statement is compiled before any runs: a typo in the third,
	 * or a statement that would write, is reported before the first
	 * prints anything */
	for (sql = args[0]; *sql; ) {
		if (ot_db_prepare_query(db, sql, &st, &sql, &err) < 0) {
			/* the schema is read at the first: a lock may stop it */
			if (ot_db_lock_timeout(db, NULL)) {
				rc = cli_db_error(db, NULL);
			} else {
				cli_errorf("query: %s", err.msg);
				rc = EXIT_USAGE;
			}
			goto out;
		}
		if (st == NULL)
			break;	/* only spaces and comments are left */
		if (nstmt == cap) {
			cap = cap ? 2 * cap : 8;
			stmts = xrealloc(stmts, st_mult(cap, sizeof(*stmts)));
		}
		stmts[nstmt++] = st;
	}
	if (nstmt == 0) {
		rc = cli_usage_error("query", "empty SQL");
		goto out;
	}
	for (i = 0; i < nstmt && rc == EXIT_OK; i++)
		if (run_one(stmts[i], json, &results) < 0) {
			/* between two statements, an ingest may commit */
			if (ot_db_lock_timeout(db, NULL)) {
				rc = cli_db_error(db, NULL);
			} else {
				cli_errorf("query: %s", sqlite3_errmsg(s));
				rc = EXIT_USAGE;
			}
		}
	/* a write error of stdout is main.c's to print */
out:
	for (i = 0; i < nstmt; i++)
		sqlite3_finalize(stmts[i]);
	free(stmts);
	ot_db_close(db);
	return rc;
}
