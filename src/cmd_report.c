/*
 * cmd_report.c - report: the report of a trace in a database (text,
 * JSON, CSV or HTML), to stdout or a file.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char report_help[] =
	"usage: offtrace report [options] DB\n"
	"       offtrace report [options] --db DB\n\n"
	"Print the report of a trace in DB (the newest unless --trace).\n\n"
	"options:\n"
	"  -f, --format FMT     text (default), json, csv or html (one self-contained\n"
	"                       page: timeline, latency histograms, object histories)\n"
	"      --table TABLE    with --format csv, only one table: summary, latency,\n"
	"                       histogram, leaks, violations, rules, inputs,\n"
	"                       latency_by_adapter, histogram_by_adapter (default:\n"
	"                       all, each after a '# NAME' line)\n"
	"      --color[=WHEN]   colour the text report: auto (default: on a terminal,\n"
	"                       unless NO_COLOR is set or TERM=dumb), always, never\n"
	"                       (also --color WHEN)\n"
	"      --db DB          the database (instead of the argument DB)\n"
	"  -o, --output FILE    write to FILE instead of stdout\n"
	"      --trace ID       which trace of DB (default: the newest)\n"
	CLI_WAIT_HELP
	"  -h, --help           this help\n";

int
cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "table", required_argument, NULL, OPT_TABLE },
		{ "output", required_argument, NULL, 'o' },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "db", required_argument, NULL, OPT_DB },
		{ "color", optional_argument, NULL, OPT_COLOR },
		CLI_WAIT_LONGOPT,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *format = "text", *table = NULL, *outpath = NULL, *dbpath = NULL;
	char **args;
	int nargs;
	struct ot_text_opts to;
	struct ot_report r;
	struct ot_err err;
	struct ot_db *db = NULL;
	int64_t want = -1, trace_id;
	FILE *out = stdout;
	int opt, rc, color = CLI_COLOR_AUTO;

	memset(&err, 0, sizeof(err));
	while ((opt = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			format = optarg;
			if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "csv") &&
			    strcmp(format, "html"))
				return cli_usage_error("report", "unknown --format '%s': want text, json, csv or html", format);
			break;
		case OPT_TABLE:
			table = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case OPT_TRACE:
			if (ot_parse_i64(optarg, strlen(optarg), &want) < 0 || want < 1)
				return cli_usage_error("report", "bad --trace '%s'", optarg);
			break;
		case OPT_DB:
			dbpath = optarg;
			break;
		case OPT_WAIT:
			if (cli_wait_option("report", optarg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_COLOR:
			if ((color = cli_color_option("report", optarg, argc, argv)) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(report_help, stdout);
			return EXIT_OK;
		default:
			return cli_option_error("report");
		}
	}
	if (cli_check_table("report", format, table) < 0)
		return EXIT_USAGE;
	args = argv + optind;
	nargs = argc - optind;
	if ((dbpath = cli_db_arg("report", dbpath, &args, &nargs)) == NULL)
		return EXIT_USAGE;
	if (nargs != 0)
		return cli_usage_error("report", "want exactly one database");
	if ((rc = cli_open_db(dbpath, want, &db, &trace_id)) != EXIT_OK)
		return rc;
	if (ot_report_load(ot_db_sqlite(db), trace_id, &r, &err) < 0) {
		rc = cli_db_error(db, &err);
		ot_db_close(db);
		return rc;
	}
	if (outpath && (out = cli_open_output(outpath, CLI_OUT_STDOUT)) == NULL) {
		ot_report_release(&r);
		ot_db_close(db);
		return EXIT_USAGE;
	}
	rc = EXIT_OK;
	if (strcmp(format, "html") == 0) {
		if (ot_report_html(ot_db_sqlite(db), &r, out, &err) < 0 && !cli_output_failed(out))
			rc = cli_db_error(db, &err);
	} else if (strcmp(format, "json") == 0) {
		ot_report_json(&r, out);
	} else if (strcmp(format, "csv") == 0) {
		ot_report_csv(&r, table, out);
	} else {
		cli_text_opts(out, color, &to);
		ot_report_text_opts(&r, out, &to);
	}
	/* the writers fail only when a write does: that is close's to say */
	rc = cli_close_output(out, rc);
	ot_report_release(&r);
	ot_db_close(db);
	return rc;
}
