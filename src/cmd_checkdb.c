/*
 * cmd_checkdb.c - check-db: is a database what offtrace writes?  SQLite's
 * integrity_check and offtrace's own consistency checks (src/store/
 * db_check.c), each inconsistency on one line with its table, rowid and
 * column.  Exit 0 consistent, 1 inconsistent, 2 not a database offtrace
 * can read (not SQLite, another schema version), 3 internal error.
 */
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lines printed of one check on one column; the others are counted. */
#define CHECKDB_MAX_EACH 10

static const char checkdb_help[] =
	"usage: offtrace check-db [options] DB\n"
	"       offtrace check-db [options] --db DB\n\n"
	"Check that DB is consistent, as offtrace writes it: SQLite's\n"
	"integrity_check, then the schema (every table and column), every value\n"
	"against its column (NULL where offtrace writes none, text, a real or a\n"
	"blob where it writes an integer), rows that refer to nothing (an\n"
	"operation of a missing object, a row of a missing trace), ends before\n"
	"starts, times out of range (more than 2^62 ns, 146 years, from their\n"
	"trace's start) and counts that disagree with their rows.  Each\n"
	"inconsistency is one line, TABLE rowid ROWID: COLUMN: what (at most 10\n"
	"of one check on one column, then how many more), then a count.  Exit 0\n"
	"when DB is consistent, 1 when it is not.\n\n"
	"options:\n"
	"      --db DB          the database (instead of the argument DB)\n"
	CLI_WAIT_HELP
	"  -h, --help           this help\n";

struct tally {
	uint64_t total;
	unsigned check;		/* of the group being printed */
	char column[64];
	char table[64];
	uint64_t shown, more;
};

static void
flush_more(struct tally *t)
{
	if (t->more > 0)
		printf("  ... and %" PRIu64 " more of %s%s%s\n", t->more, cli_term(t->table),
		       t->column[0] ? "." : "", cli_term(t->column));
	t->more = 0;
}

static int
on_problem(void *ctx, const struct ot_db_problem *p)
{
	struct tally *t = ctx;

	t->total++;
	if (t->total == 1 || p->check != t->check || strcmp(p->column, t->column) != 0 ||
	    strcmp(p->table, t->table) != 0) {
		flush_more(t);
		t->check = p->check;
		snprintf(t->column, sizeof(t->column), "%s", p->column);
		snprintf(t->table, sizeof(t->table), "%s", p->table);
		t->shown = 0;
	}
	if (t->shown == CHECKDB_MAX_EACH) {
		t->more++;
		return 0;
	}
	t->shown++;
	if (p->table[0] == '\0')
		printf("database: %s\n", cli_term(p->what));
	else if (p->has_rowid)
		printf("%s rowid %" PRId64 ": %s%s%s\n", cli_term(p->table), p->rowid,
		       cli_term(p->column), p->column[0] ? ": " : "", cli_term(p->what));
	else
		printf("%s: %s%s%s\n", cli_term(p->table), cli_term(p->column),
		       p->column[0] ? ": " : "", cli_term(p->what));
	return 0;
}

int
cmd_checkdb(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		CLI_WAIT_LONGOPT,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ot_db *db = NULL;
	struct ot_err err;
	struct tally t;
	const char *dbpath = NULL;
	char **args;
	int64_t trace_id;
	int opt, rc, nargs;

	memset(&err, 0, sizeof(err));
	memset(&t, 0, sizeof(t));
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_DB:
			dbpath = optarg;
			break;
		case OPT_WAIT:
			if (cli_wait_option("check-db", optarg) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(checkdb_help, stdout);
			return EXIT_OK;
		default:
			return cli_option_error("check-db");
		}
	}
	args = argv + optind;
	nargs = argc - optind;
	if ((dbpath = cli_db_arg("check-db", dbpath, &args, &nargs)) == NULL)
		return EXIT_USAGE;
	if (nargs != 0)
		return cli_usage_error("check-db", "want one database");
	/* any trace id will do: the checks cover them all */
	if ((rc = cli_open_db(dbpath, 0, &db, &trace_id)) != EXIT_OK)
		return rc;
	if (ot_db_check(db, on_problem, &t, &err) < 0) {
		ot_db_close(db);
		if (!err.file[0])
			snprintf(err.file, sizeof(err.file), "%s", dbpath);
		return cli_report_error(&err);
	}
	ot_db_close(db);
	flush_more(&t);
	if (t.total == 0)
		printf("%s: consistent\n", cli_term(dbpath));
	else
		printf("%s: %" PRIu64 " inconsistenc%s\n", cli_term(dbpath), t.total,
		       t.total == 1 ? "y" : "ies");
	/* a failed write of stdout is main()'s to report (cli_close_output) */
	return t.total ? EXIT_CHECK_FAILED : EXIT_OK;
}
