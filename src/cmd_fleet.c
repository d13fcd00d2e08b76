/*
 * cmd_fleet.c - fleet: the runs pushed to ClickHouse ('offtrace push'):
 * init (the tables), report (per label value), query (SQL passed through)
 * and check (the nightly gate).
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/fleet.h"

static const char fleet_help[] =
	"usage: offtrace fleet init --clickhouse URL... [--cluster NAME]\n"
	"       offtrace fleet report --clickhouse URL [--since TIME] [--by LABEL]\n"
	"                             [--format text|json|html] [--compare L=A L=B]\n"
	"       offtrace fleet query --clickhouse URL [--format csv|json|tsv] SQL\n"
	"       offtrace fleet check --clickhouse URL [--since TIME] [--by LABEL]\n"
	"                            [--max-leak-rate R] [--latency BUDGET]... [--junit FILE]\n\n"
	"The runs that 'offtrace push' sent to ClickHouse.  init creates the fleet\n"
	"tables (schemas/clickhouse.sql) on each server given, and with --cluster a\n"
	"Distributed table over the shards; report sums the runs per value of a\n"
	"label: runs, objects, leak rate by reason, violations by rule, latency\n"
	"p50/p90/p99/p99.9/max per operation kind (nearest rank, as the run report)\n"
	"and per adapter and layer, the worst runs (html: one page that also draws\n"
	"p99 per kind per group in the order of their first push, and leaks per\n"
	"night of push); query prints the rows of any SQL; check fails (exit 1)\n"
	"when a group of runs is over a limit.\n\n"
	"options:\n"
	"      --clickhouse URL  http[s]://[USER[:PASSWORD]@]HOST[:PORT][/DATABASE]\n"
	"                       (init: one per server, every shard of the cluster)\n"
	"      --cluster NAME   init: a cluster of the servers' remote_servers\n"
	"      --since TIME     only runs whose first event is at or after TIME (ns,\n"
	"                       RFC 3339 or YYYY-MM-DD)\n"
	"      --by LABEL       one group per value of the label (default: all runs)\n"
	"  -f, --format FMT     report: text (default), json or html; query: csv\n"
	"                       (default, with a header line), json (an array of\n"
	"                       objects), tsv\n"
	"      --compare LABEL=A  report: the runs of LABEL=A against those of LABEL=B\n"
	"                       (given next, as an argument or a second --compare)\n"
	"  -o, --output FILE    write the report to FILE instead of stdout\n"
	"      --max-leak-rate R  check: fail when leaked / objects is over R (0.01)\n"
	"      --latency KIND:pNN<=DURATION  check: fail when the percentile (p50,\n"
	"                       p90, p99 or p999) of the kind is over DURATION\n"
	"      --junit FILE     check: also write JUnit XML to FILE\n"
	"      --retries N      retries after a connection or server error (default 5)\n"
	"  -h, --help           this help\n";

enum {
	FO_CLICKHOUSE = 512, FO_CLUSTER, FO_SINCE, FO_BY, FO_COMPARE, FO_MAX_LEAK_RATE,
	FO_LATENCY, FO_JUNIT, FO_RETRIES
};

#define MAX_SERVERS 64

struct fleet_args {
	const char *urls[MAX_SERVERS];
	size_t nurls;
	const char *cluster, *by, *format, *output, *junit;
	const char *compare[2];
	size_t ncompare;
	int64_t since, retries;
	double max_leak_rate;
	struct ot_fleet_check_opts chk;
	char **rest;
	int nrest;
};

static void
on_retry(void *ctx, const char *why, int attempt, int of)
{
	(void)ctx;
	fprintf(stderr, "offtrace: %s; retry %d of %d\n", why, attempt, of);
}

static int
parse_since(const char *s, int64_t *out)
{
	char buf[40];

	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
		return ot_parse_rfc3339(buf, strlen(buf), out);
	}
	return cli_parse_time(s, out);
}

static int
label_key_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '.' ||
		      s[i] == '-'))
			return 0;
	return i > 0 && i < OT_FLEET_MAX_LABEL;
}

/* 0, or the exit status of a usage error (printed) */
static int
parse_args(const char *sub, int argc, char **argv, struct fleet_args *a)
{
	static const struct option longopts[] = {
		{ "clickhouse", required_argument, NULL, FO_CLICKHOUSE },
		{ "cluster", required_argument, NULL, FO_CLUSTER },
		{ "since", required_argument, NULL, FO_SINCE },
		{ "by", required_argument, NULL, FO_BY },
		{ "format", required_argument, NULL, 'f' },
		{ "compare", required_argument, NULL, FO_COMPARE },
		{ "output", required_argument, NULL, 'o' },
		{ "max-leak-rate", required_argument, NULL, FO_MAX_LEAK_RATE },
		{ "latency", required_argument, NULL, FO_LATENCY },
		{ "junit", required_argument, NULL, FO_JUNIT },
		{ "retries", required_argument, NULL, FO_RETRIES },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char name[32], *end;
	int opt;

	snprintf(name, sizeof(name), "fleet %s", sub);
	memset(a, 0, sizeof(*a));
	a->since = OT_T_NONE;
	a->retries = -1;
	a->max_leak_rate = -1;
	a->chk.max_leak_rate = -1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case FO_CLICKHOUSE:
			if (a->nurls == MAX_SERVERS)
				return cli_usage_error(name, "more than %d --clickhouse", MAX_SERVERS);
			a->urls[a->nurls++] = optarg;
			break;
		case FO_CLUSTER:
			a->cluster = optarg;
			break;
		case FO_SINCE:
			if (parse_since(optarg, &a->since) < 0)
				return cli_usage_error(name, "bad --since '%s': want ns since 1970,"
						       " RFC 3339 or YYYY-MM-DD", optarg);
			break;
		case FO_BY:
			if (!label_key_ok(optarg))
				return cli_usage_error(name, "bad --by '%s': a label key (letters,"
						       " digits, '_', '.', '-')", optarg);
			a->by = optarg;
			break;
		case 'f':
			a->format = optarg;
			break;
		case FO_COMPARE:
			if (a->ncompare == 2)
				return cli_usage_error(name, "--compare takes two LABEL=VALUE");
			a->compare[a->ncompare++] = optarg;
			break;
		case 'o':
			a->output = optarg;
			break;
		case FO_MAX_LEAK_RATE:
			a->chk.max_leak_rate = strtod(optarg, &end);
			if (end == optarg || *end || a->chk.max_leak_rate < 0 ||
			    a->chk.max_leak_rate > 1)
				return cli_usage_error(name, "bad --max-leak-rate '%s': want a"
						       " fraction from 0 to 1", optarg);
			break;
		case FO_LATENCY:
			if (a->chk.nbudgets == OT_CHECK_MAX_BUDGETS)
				return cli_usage_error(name, "more than %d --latency",
						       OT_CHECK_MAX_BUDGETS);
			if (ot_budget_parse(optarg, &a->chk.budgets[a->chk.nbudgets]) < 0)
				return cli_usage_error(name, "bad --latency '%s': want"
						       " KIND:pNN<=DURATION", optarg);
			a->chk.nbudgets++;
			break;
		case FO_JUNIT:
			a->junit = optarg;
			break;
		case FO_RETRIES:
			if (ot_parse_i64(optarg, strlen(optarg), &a->retries) < 0 ||
			    a->retries < 0 || a->retries > 100)
				return cli_usage_error(name, "bad --retries '%s': want 0 to 100",
						       optarg);
			break;
		case 'h':
			fputs(fleet_help, stdout);
			return -1;
		default:
			return cli_usage_error(name, "bad option");
		}
	}
	if (a->nurls == 0)
		return cli_usage_error(name, "--clickhouse URL is required");
	a->rest = argv + optind;
	a->nrest = argc - optind;
	return 0;
}

/* Open the servers of a; prints the error.  0 or an exit status. */
static int
open_servers(struct fleet_args *a, struct ot_ch **chs)
{
	struct ot_err err;
	size_t i;

	memset(&err, 0, sizeof(err));
	for (i = 0; i < a->nurls; i++) {
		if (ot_ch_open(a->urls[i], &chs[i], &err) < 0)
			return cli_report_error(&err);
		if (a->retries >= 0)
			ot_ch_set_retries(chs[i], (int)a->retries);
		ot_ch_on_retry(chs[i], on_retry, NULL);
	}
	return 0;
}

static int
fleet_init(struct fleet_args *a, struct ot_ch **chs)
{
	struct ot_err err;

	memset(&err, 0, sizeof(err));
	if (a->nrest)
		return cli_usage_error("fleet init", "unexpected argument '%s'", a->rest[0]);
	if (ot_fleet_init(chs, a->nurls, a->cluster, stderr, &err) < 0)
		return cli_report_error(&err);
	return EXIT_OK;
}

/* LABEL=VALUE of --compare: key into key (same for both), value out. */
static int
split_compare(const char *s, char *key, size_t klen, const char **value)
{
	const char *eq = strchr(s, '=');

	if (eq == NULL || eq == s || (size_t)(eq - s) >= klen)
		return -1;
	if (key[0] && (strlen(key) != (size_t)(eq - s) || strncmp(key, s, (size_t)(eq - s))))
		return -1;
	snprintf(key, klen, "%.*s", (int)(eq - s), s);
	*value = eq + 1;
	return label_key_ok(key) ? 0 : -1;
}

static int
fleet_report(struct fleet_args *a, struct ot_ch *ch, int check)
{
	const char *name = check ? "fleet check" : "fleet report";
	struct ot_fleet_query q;
	struct ot_fleet_report r;
	struct ot_check_result res;
	struct ot_err err;
	char key[OT_FLEET_MAX_LABEL] = "", cluster[128];
	const char *vals[2] = { NULL, NULL };
	FILE *out = stdout, *jf = NULL;
	int rc = EXIT_OK, fmt = 0;	/* text, json, html */

	memset(&err, 0, sizeof(err));
	memset(&q, 0, sizeof(q));
	if (!check) {
		if (a->ncompare == 1 && a->nrest == 1)
			a->compare[a->ncompare++] = a->rest[0];
		else if (a->nrest)
			return cli_usage_error(name, "unexpected argument '%s'", a->rest[0]);
		if (a->ncompare == 1)
			return cli_usage_error(name, "--compare wants LABEL=A LABEL=B");
		if (a->ncompare == 2) {
			if (split_compare(a->compare[0], key, sizeof(key), &vals[0]) < 0 ||
			    split_compare(a->compare[1], key, sizeof(key), &vals[1]) < 0)
				return cli_usage_error(name, "--compare wants LABEL=A LABEL=B"
						       " (one label)");
			if (a->by && strcmp(a->by, key) != 0)
				return cli_usage_error(name, "--by and --compare name other labels");
			a->by = key;
			q.only = vals;
			q.nonly = 2;
		}
		if (a->format == NULL || strcmp(a->format, "text") == 0)
			fmt = 0;
		else if (strcmp(a->format, "json") == 0)
			fmt = 1;
		else if (strcmp(a->format, "html") == 0)
			fmt = 2;
		else
			return cli_usage_error(name, "bad --format '%s': want text, json or"
					       " html", a->format);
	} else if (a->nrest) {
		return cli_usage_error(name, "unexpected argument '%s'", a->rest[0]);
	}
	if (check && a->chk.max_leak_rate < 0 && a->chk.nbudgets == 0)
		return cli_usage_error(name, "nothing to check: give --max-leak-rate or"
				       " --latency");
	q.by = a->by;
	q.since = a->since;
	q.nights = fmt == 2 && !vals[0];
	if (ot_fleet_check_schema(ch, cluster, sizeof(cluster), &err) < 0)
		return cli_report_error(&err);
	if (ot_fleet_report_load(ch, &q, &r, &err) < 0)
		return cli_report_error(&err);
	if (a->output && (out = cli_open_output(a->output, CLI_OUT_STDOUT)) == NULL) {
		ot_fleet_report_release(&r);
		return EXIT_USAGE;
	}
	if (check) {
		if (ot_fleet_check(&r, &a->chk, &res, &err) < 0) {
			ot_fleet_report_release(&r);
			cli_close_output(out, EXIT_USAGE);
			return cli_usage_error(name, "%s", err.msg);
		}
		ot_check_text(&res, out);
		if (res.failed)
			rc = EXIT_CHECK_FAILED;
		if (a->junit) {
			if ((jf = cli_open_output(a->junit, 0)) == NULL) {
				rc = EXIT_USAGE;
			} else {
				ot_fleet_check_junit(&res, jf);
				rc = cli_close_output(jf, rc);
			}
		}
		ot_check_release(&res);
	} else if (vals[0]) {
		const struct ot_fleet_group *ga = ot_fleet_group_find(&r, vals[0]);
		const struct ot_fleet_group *gb = ot_fleet_group_find(&r, vals[1]);

		if (fmt == 2)
			ot_fleet_compare_html(&r, ga, vals[0], gb, vals[1], out);
		else if (fmt == 1)
			ot_fleet_compare_json(&r, ga, vals[0], gb, vals[1], out);
		else
			ot_fleet_compare_text(&r, ga, vals[0], gb, vals[1], out);
	} else if (fmt == 2) {
		ot_fleet_report_html(&r, out);
	} else if (fmt == 1) {
		ot_fleet_report_json(&r, out);
	} else {
		ot_fleet_report_text(&r, out);
	}
	/* the writers fail only when a write does: that is close's to say */
	rc = cli_close_output(out, rc);
	ot_fleet_report_release(&r);
	return rc;
}

/* ---- query: the server's rows as they come ---- */

struct jsonrows {
	int nrows;
	int at_line_start;
};

/* JSONEachRow lines into a JSON array: "[", rows joined by ",", "]" */
static int
json_sink(void *ctx, const char *p, size_t n)
{
	struct jsonrows *j = ctx;
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		if (j->at_line_start) {
			fputs(j->nrows++ ? ",\n  " : "[\n  ", stdout);
			j->at_line_start = 0;
		}
		if (p[i] == '\n') {
			fwrite(p + start, 1, i - start, stdout);
			start = i + 1;
			j->at_line_start = 1;
		}
	}
	fwrite(p + start, 1, n - start, stdout);
	return ferror(stdout) ? -1 : 0;
}

static int
raw_sink(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	return fwrite(p, 1, n, stdout) == n ? 0 : -1;
}

static int
fleet_query(struct fleet_args *a, struct ot_ch *ch)
{
	struct ot_err err;
	struct jsonrows j;
	const char *fmt;
	int json = 0, r;

	memset(&err, 0, sizeof(err));
	if (a->nrest != 1)
		return cli_usage_error("fleet query", "want one SQL statement");
	if (a->format == NULL || strcmp(a->format, "csv") == 0)
		fmt = "CSVWithNames";
	else if (strcmp(a->format, "tsv") == 0)
		fmt = "TabSeparatedWithNames";
	else if (strcmp(a->format, "json") == 0) {
		fmt = "JSONEachRow";
		json = 1;
	} else
		return cli_usage_error("fleet query", "bad --format '%s': want csv, json or"
				       " tsv", a->format);
	j.nrows = 0;
	j.at_line_start = 1;
	r = ot_ch_query_sink(ch, a->rest[0], fmt, json ? json_sink : raw_sink, &j, &err);
	/* stopped by stdout's write error: that is the one line */
	if (r < 0)
		return cli_output_failed(stdout) ? cli_close_output(stdout, EXIT_OK) :
		       cli_report_error(&err);
	if (json)
		fputs(j.nrows ? "\n]\n" : "[]\n", stdout);
	/* a write error of stdout is main.c's to print */
	return EXIT_OK;
}

int
cmd_fleet(int argc, char **argv)
{
	struct ot_ch *chs[MAX_SERVERS];
	struct fleet_args a;
	const char *sub;
	size_t i;
	int rc;

	if (argc < 2)
		return cli_usage_error("fleet", "want init, report, query or check");
	sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		fputs(fleet_help, stdout);
		return EXIT_OK;
	}
	if (strcmp(sub, "init") && strcmp(sub, "report") && strcmp(sub, "query") &&
	    strcmp(sub, "check"))
		return cli_usage_error("fleet", "unknown fleet command '%s': want init,"
				       " report, query or check", sub);
	if ((rc = parse_args(sub, argc - 1, argv + 1, &a)) != 0)
		return rc < 0 ? EXIT_OK : rc;
	if (strcmp(sub, "init") != 0 && a.nurls > 1)
		return cli_usage_error("fleet", "fleet %s takes one --clickhouse", sub);
	memset(chs, 0, sizeof(chs));
	if ((rc = open_servers(&a, chs)) != 0)
		goto out;
	if (strcmp(sub, "init") == 0)
		rc = fleet_init(&a, chs);
	else if (strcmp(sub, "query") == 0)
		rc = fleet_query(&a, chs[0]);
	else
		rc = fleet_report(&a, chs[0], strcmp(sub, "check") == 0);
out:
	for (i = 0; i < a.nurls; i++)
		ot_ch_close(chs[i]);
	return rc;
}
