/*
 * cmd_ingest.c - ingest: build or extend a database with one trace made
 * of the given inputs, all or nothing.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>

static const char ingest_help[] =
	"usage: offtrace ingest [options] TRACE...\n\n"
	"Build or extend a database (default offtrace.db) with one trace made of\n"
	"the given inputs, merged by time.  All or nothing: a failed ingest leaves\n"
	"the database as it was.  An input already in the database is refused\n"
	"unless --force.\n\n"
	"options:\n"
	CLI_INGEST_HELP
	"  -h, --help           this help\n";

int
cmd_ingest(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_INGEST_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_ingest c;
	struct ot_db *db = NULL;
	int64_t trace_id;
	int opt, rc;

	cli_ingest_init(&c, "offtrace.db");
	while ((opt = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
		if ((rc = cli_ingest_option(&c, opt, optarg, "ingest")) < 0)
			return EXIT_USAGE;
		if (rc)
			continue;
		if (opt == 'h') {
			fputs(ingest_help, stdout);
			return EXIT_OK;
		}
		return cli_option_error("ingest");
	}
	if (optind >= argc)
		return cli_usage_error("ingest", "no trace given");
	rc = cli_do_ingest(&c, argv + optind, argc - optind, &db, &trace_id);
	if (rc == EXIT_OK)
		ot_db_close(db);
	return rc;
}
