/*
 * cmd_check.c - check, the CI gate: a trace of a database, or traces
 * ingested for it, against leak and violation limits, latency budgets
 * and rules; text, GitHub annotations and JUnit XML.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char check_help[] =
	"usage: offtrace check [options] DB | TRACE...\n\n"
	"CI gate on a database (DB or --db DB: its newest trace, or --trace ID) or\n"
	"on traces (ingested in memory, or into --db DB).  Fails on any leak and\n"
	"on any error-severity violation unless --max-leaks or --max-errors say\n"
	"otherwise.  A rule with violations that do not fail the gate is a\n"
	"warning, never a pass.\n\n"
	"options:\n"
	"      --max-leaks N    fail when more than N leaks (default 0; any reason,\n"
	"                       objects still offloaded at end of trace included)\n"
	"      --max-errors N   fail when more than N error violations (default 0)\n"
	"      --max-warnings N fail when more than N warnings (default: no limit)\n"
	"      --latency [ADAPTER/LAYER/]KIND:pNN<=DURATION\n"
	"                       latency budget, e.g. initiate:p99<=2ms (repeatable;\n"
	"                       KIND initiate|terminate|update|invalidate|query, or\n"
	"                       syn_to_offload (W3: SYN to offload, from captures),\n"
	"                       pNN p50|p90|p99|p99.9|any percentile, units ns us ms s);\n"
	"                       scoped, each matching adapter/layer must meet it:\n"
	"                       nic0/target/initiate:p99<=500us, '*/im/initiate:p99<=1ms'\n"
	"                       (ADAPTER a glob, LAYER target|im|host|*, KIND or *)\n"
	"      --fail-on RULE,...  fail on any violation of these rules (e.g. P1,C1),\n"
	"                       and when one of them could not be checked\n"
	"      --allow-unchecked RULE,...\n"
	"                       accept that these --fail-on rules were not checked\n"
	"      --junit FILE     write a JUnit XML report (one test case per rule and\n"
	"                       per budget)\n"
	"      --trace ID       the trace of DB to check (default: the newest)\n"
	"  -f, --format FMT     text (default) or github (GitHub Actions annotations:\n"
	"                       one ::error/::warning line per violation and per\n"
	"                       failed budget or limit)\n"
	"      --color[=WHEN]   colour the text: auto (default), always, never (also\n"
	"                       --color WHEN)\n"
	CLI_INGEST_HELP
	"  -h, --help           this help\n\n"
	"Exit status: 0 pass, 1 fail, 2 usage or input error, 3 internal error.\n";

/* check's own options, past the shared ones of cli.h */
enum { OPT_ALLOW_UNCHECKED = 1024 };

/* RULE,RULE,... into flags[]; a usage error names the option. */
static int
parse_rules(const char *opt, const char *arg, int flags[OT_R_COUNT])
{
	char *list = xstrdup(arg), *tok, *save;
	int rc = 0;

	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int id = ot_rule_from_id(tok);

		if (id < 0) {
			rc = cli_usage_error("check", "unknown rule '%s' in %s", tok, opt);
			break;
		}
		flags[id] = 1;
	}
	free(list);
	return rc;
}

static int
parse_limit(const char *cmd, const char *opt, const char *arg, int64_t *out)
{
	if (ot_parse_i64(arg, strlen(arg), out) < 0 || *out < 0)
		return cli_usage_error(cmd, "bad %s '%s': want a non-negative integer", opt, arg);
	return 0;
}

int
cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_INGEST_LONGOPTS,
		{ "max-leaks", required_argument, NULL, OPT_MAX_LEAKS },
		{ "max-errors", required_argument, NULL, OPT_MAX_ERRORS },
		{ "max-warnings", required_argument, NULL, OPT_MAX_WARNINGS },
		{ "latency", required_argument, NULL, OPT_LATENCY },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "allow-unchecked", required_argument, NULL, OPT_ALLOW_UNCHECKED },
		{ "junit", required_argument, NULL, OPT_JUNIT },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "format", required_argument, NULL, 'f' },
		{ "color", optional_argument, NULL, OPT_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_ingest c;
	struct ot_text_opts to;
	struct ot_check_opts co;
	struct ot_check_result res;
	struct ot_report r;
	struct ot_err err;
	struct ot_db *db = NULL;
	const char *junit = NULL;
	int64_t trace_id = -1, want = -1;
	int opt, rc, github = 0, color = CLI_COLOR_AUTO;

	memset(&co, 0, sizeof(co));
	memset(&err, 0, sizeof(err));
	co.max_leaks = 0;
	co.max_errors = 0;
	co.max_warnings = -1;
	cli_ingest_init(&c, ":memory:");
	while ((opt = getopt_long(argc, argv, "o:qf:h", longopts, NULL)) != -1) {
		if ((rc = cli_ingest_option(&c, opt, optarg, "check")) < 0)
			return EXIT_USAGE;
		if (rc)
			continue;
		switch (opt) {
		case OPT_MAX_LEAKS:
			if (parse_limit("check", "--max-leaks", optarg, &co.max_leaks))
				return EXIT_USAGE;
			break;
		case OPT_MAX_ERRORS:
			if (parse_limit("check", "--max-errors", optarg, &co.max_errors))
				return EXIT_USAGE;
			break;
		case OPT_MAX_WARNINGS:
			if (parse_limit("check", "--max-warnings", optarg, &co.max_warnings))
				return EXIT_USAGE;
			break;
		case OPT_LATENCY:
			if (co.nbudgets == OT_CHECK_MAX_BUDGETS)
				return cli_usage_error("check", "too many --latency budgets (at most %d)",
						       OT_CHECK_MAX_BUDGETS);
			if (ot_budget_parse(optarg, &co.budgets[co.nbudgets]) < 0)
				return cli_usage_error("check", "bad --latency '%s': want [ADAPTER/LAYER/]KIND:pNN<=DURATION, e.g. initiate:p99<=2ms or '*/im/initiate:p99<=1ms'", optarg);
			co.nbudgets++;
			break;
		case OPT_FAIL_ON:
			if (parse_rules("--fail-on", optarg, co.fail_on))
				return EXIT_USAGE;
			break;
		case OPT_ALLOW_UNCHECKED:
			if (parse_rules("--allow-unchecked", optarg, co.allow_unchecked))
				return EXIT_USAGE;
			break;
		case OPT_JUNIT:
			junit = optarg;
			break;
		case OPT_TRACE:
			if (ot_parse_i64(optarg, strlen(optarg), &want) < 0 || want < 1)
				return cli_usage_error("check", "bad --trace '%s'", optarg);
			break;
		case 'f':
			if (strcmp(optarg, "github") == 0)
				github = 1;
			else if (strcmp(optarg, "text") == 0)
				github = 0;
			else
				return cli_usage_error("check", "unknown --format '%s': want text or github", optarg);
			break;
		case OPT_COLOR:
			if ((color = cli_color_option("check", optarg, argc, argv)) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(check_help, stdout);
			return EXIT_OK;
		default:
			return cli_option_error("check");
		}
	}
	rc = cli_db_or_ingest("check", &c, c.db_given, argv + optind, argc - optind, want,
			      &db, &trace_id);
	if (rc != EXIT_OK)
		return rc;
	if (ot_report_load(ot_db_sqlite(db), trace_id, &r, &err) < 0) {
		rc = cli_db_error(db, &err);
		ot_db_close(db);
		return rc;
	}
	if (ot_check_run(ot_db_sqlite(db), &r, &co, &res, &err) < 0) {
		rc = cli_db_error(db, &err);
		ot_report_release(&r);
		ot_db_close(db);
		return rc;
	}
	/* the writers fail only when a write does: main.c's check of stdout
	 * says so */
	if (github) {
		ot_check_github(ot_db_sqlite(db), &res, &r, stdout);
	} else {
		cli_text_opts(stdout, color, &to);
		ot_check_text_opts(&res, stdout, &to);
	}
	rc = res.failed ? EXIT_CHECK_FAILED : EXIT_OK;
	if (junit) {
		FILE *f = cli_open_output(junit, CLI_OUT_STDOUT);

		if (f == NULL) {
			rc = EXIT_USAGE;
		} else {
			ot_check_junit(&res, &r, f);
			rc = cli_close_output(f, rc);
		}
	}
	ot_check_release(&res);
	ot_report_release(&r);
	ot_db_close(db);
	return rc;
}
