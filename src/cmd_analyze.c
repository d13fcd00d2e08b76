/*
 * cmd_analyze.c - analyze, the main job: ingest traces (in memory unless
 * --db DB) and print the report (text, JSON, CSV or HTML), optionally the
 * HTML report too.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

/* Long option values of this file only (above cli.h's shared ones). */
enum { OPT_HTML = 1000 };

/* The HTML report of the trace into path. */
static int
write_html(struct ot_db *db, const struct ot_report *r, const char *path)
{
	struct ot_err err;
	FILE *f;
	int rc = EXIT_OK;

	memset(&err, 0, sizeof(err));
	if ((f = cli_open_output(path, 0)) == NULL)
		return EXIT_USAGE;
	if (ot_report_html(ot_db_sqlite(db), r, f, &err) < 0 && !cli_output_failed(f))
		rc = cli_db_error(db, &err);
	return cli_close_output(f, rc);
}

static int
print_report(struct ot_db *db, int64_t trace_id, const char *format,
	     const char *table, const char *outpath, const char *html,
	     int color)
{
	struct ot_text_opts to;
	struct ot_report r;
	struct ot_err err;
	FILE *out = stdout;
	int rc = EXIT_OK;

	memset(&err, 0, sizeof(err));
	if (ot_report_load(ot_db_sqlite(db), trace_id, &r, &err) < 0)
		return cli_db_error(db, &err);
	if (outpath && (out = cli_open_output(outpath, CLI_OUT_STDOUT)) == NULL) {
		ot_report_release(&r);
		return EXIT_USAGE;
	}
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
	if (html && rc == EXIT_OK)
		rc = write_html(db, &r, html);
	ot_report_release(&r);
	return rc;
}

static int
check_format(const char *cmd, const char *f)
{
	if (strcmp(f, "text") && strcmp(f, "json") && strcmp(f, "csv") && strcmp(f, "html"))
		return cli_usage_error(cmd, "unknown --format '%s': want text, json, csv or html", f);
	return 0;
}

static const char analyze_help[] =
	"usage: offtrace analyze [options] TRACE...\n\n"
	"Ingest the traces (merged by time) and print the report.  Without --db the\n"
	"database lives in memory only.\n\n"
	"options:\n"
	CLI_INGEST_HELP
	"  -f, --format FMT     text (default), json, csv or html (one self-contained\n"
	"                       page: timeline, latency histograms, object histories)\n"
	"      --table TABLE    with --format csv, only one table: summary, latency,\n"
	"                       histogram, leaks, violations, rules, inputs,\n"
	"                       latency_by_adapter, histogram_by_adapter (default:\n"
	"                       all)\n"
	"      --color[=WHEN]   colour the text report: auto (default: on a terminal,\n"
	"                       unless NO_COLOR is set or TERM=dumb), always, never\n"
	"                       (also --color WHEN)\n"
	"  -w, --write FILE     write the report to FILE instead of stdout\n"
	"      --html FILE      also write the HTML report (timeline, histograms,\n"
	"                       object histories) to FILE\n"
	"  -h, --help           this help\n";

int
cmd_analyze(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_INGEST_LONGOPTS,
		{ "format", required_argument, NULL, 'f' },
		{ "table", required_argument, NULL, OPT_TABLE },
		{ "write", required_argument, NULL, 'w' },
		{ "html", required_argument, NULL, OPT_HTML },
		{ "color", optional_argument, NULL, OPT_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_ingest c;
	struct ot_db *db = NULL;
	const char *format = "text", *table = NULL, *outpath = NULL, *html = NULL;
	int64_t trace_id;
	int opt, rc, color = CLI_COLOR_AUTO;

	cli_ingest_init(&c, ":memory:");
	while ((opt = getopt_long(argc, argv, "o:qf:w:h", longopts, NULL)) != -1) {
		if ((rc = cli_ingest_option(&c, opt, optarg, "analyze")) < 0)
			return EXIT_USAGE;
		if (rc)
			continue;
		switch (opt) {
		case 'f':
			format = optarg;
			if (check_format("analyze", format))
				return EXIT_USAGE;
			break;
		case OPT_TABLE:
			table = optarg;
			break;
		case 'w':
			outpath = optarg;
			break;
		case OPT_HTML:
			html = optarg;
			break;
		case OPT_COLOR:
			if ((color = cli_color_option("analyze", optarg, argc, argv)) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(analyze_help, stdout);
			return EXIT_OK;
		default:
			return cli_option_error("analyze");
		}
	}
	if (cli_check_table("analyze", format, table) < 0)
		return EXIT_USAGE;
	if (optind >= argc)
		return cli_usage_error("analyze", "no trace given");
	rc = cli_do_ingest(&c, argv + optind, argc - optind, &db, &trace_id);
	if (rc != EXIT_OK)
		return rc;
	rc = print_report(db, trace_id, format, table, outpath, html, color);
	ot_db_close(db);
	return rc;
}
