/*
 * cmd_export.c - export: the trace in another tool's format (Chrome
 * trace-event JSON for ui.perfetto.dev and chrome://tracing).
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char export_help[] =
	"usage: offtrace export --format chrome [options] -o FILE DB | TRACE...\n"
	"       offtrace export --format chrome [options] -o FILE --db DB\n\n"
	"Write the newest trace of DB (or --trace ID), or the given traces\n"
	"ingested in memory (or into --db DB), as Chrome trace-event JSON: objects\n"
	"as async slices per adapter (process) and layer (thread), operations as\n"
	"complete events, violations and leaks as instant events.  Opens in\n"
	"ui.perfetto.dev and chrome://tracing.\n\n"
	"options:\n"
	"  -f, --format FMT     chrome (the only one, and the default)\n"
	"  -o, --output FILE    the JSON file (\"-\": stdout)\n"
	"      --trace ID       which trace of DB (default: the newest)\n"
	"      --db DB          the database (instead of the argument DB; with\n"
	"                       traces, they are ingested into it)\n"
	"  -q, --quiet          no progress bar on stderr when ingesting traces\n"
	CLI_WAIT_HELP
	"  -h, --help           this help\n";

int
cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "db", required_argument, NULL, OPT_DB },
		{ "quiet", no_argument, NULL, 'q' },
		CLI_WAIT_LONGOPT,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_ingest c;
	struct ot_report r;
	struct ot_err err;
	struct ot_db *db = NULL;
	const char *outpath = NULL, *dbpath = NULL;
	int64_t want = -1, trace_id;
	FILE *out;
	int opt, rc;

	memset(&err, 0, sizeof(err));
	cli_ingest_init(&c, ":memory:");
	while ((opt = getopt_long(argc, argv, "f:o:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (strcmp(optarg, "chrome") != 0)
				return cli_usage_error("export", "unknown --format '%s': want chrome", optarg);
			break;
		case 'o':
			outpath = optarg;
			break;
		case OPT_TRACE:
			if (ot_parse_i64(optarg, strlen(optarg), &want) < 0 || want < 1)
				return cli_usage_error("export", "bad --trace '%s'", optarg);
			break;
		case OPT_DB:
			dbpath = optarg;
			break;
		case OPT_WAIT:
			if (cli_wait_option("export", optarg) < 0)
				return EXIT_USAGE;
			break;
		case 'q':
			c.quiet = 1;
			break;
		case 'h':
			fputs(export_help, stdout);
			return EXIT_OK;
		default:
			return cli_option_error("export");
		}
	}
	if (outpath == NULL)
		return cli_usage_error("export", "no output file (-o FILE)");
	/* --db DB alone: that database; with traces, they are ingested into it */
	if (dbpath != NULL)
		c.db = dbpath;
	rc = cli_db_or_ingest("export", &c, dbpath != NULL, argv + optind, argc - optind, want,
			      &db, &trace_id);
	if (rc != EXIT_OK)
		return rc;
	if (ot_report_load(ot_db_sqlite(db), trace_id, &r, &err) < 0) {
		rc = cli_db_error(db, &err);
		ot_db_close(db);
		return rc;
	}
	if ((out = cli_open_output(outpath, CLI_OUT_STDOUT)) == NULL) {
		ot_report_release(&r);
		ot_db_close(db);
		return EXIT_USAGE;
	}
	rc = EXIT_OK;
	if (ot_report_chrome(ot_db_sqlite(db), &r, out, &err) < 0 && !cli_output_failed(out))
		rc = cli_db_error(db, &err);
	rc = cli_close_output(out, rc);
	ot_report_release(&r);
	ot_db_close(db);
	return rc;
}
