/*
 * cmd_push.c - push: the analysis of each trace of a database (or of trace
 * files, analyzed on the fly) sent to the fleet in ClickHouse as one run.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "offtrace/fleet.h"

#ifndef OT_VERSION
#define OT_VERSION "0.1.0"
#endif

static const char push_help[] =
	"usage: offtrace push --clickhouse URL [options] DB|TRACE...\n\n"
	"Send the analysis of each trace of DB, or of the traces (analyzed on the\n"
	"fly, as analyze does), to the fleet tables in ClickHouse ('offtrace fleet\n"
	"init' makes them) as one run each: the run and its labels, inputs,\n"
	"objects, operations and blocks with their latency, context writes,\n"
	"violations with their evidence, leaks, rules, flows and their joins.  A\n"
	"run counts only once all of it is there; a run already in the fleet (the\n"
	"same inputs) is refused.\n\n"
	"options:\n"
	"      --clickhouse URL  http[s]://[USER[:PASSWORD]@]HOST[:PORT][/DATABASE]\n"
	"                       (port 8123, database default; the password also\n"
	"                       from OFFTRACE_CLICKHOUSE_PASSWORD)\n"
	"      --label KEY=VALUE  label the run (build, machine, test, branch...);\n"
	"                       repeatable, over those of OFFTRACE_LABELS (K=V,K=V)\n"
	"      --force          push a run that is already in the fleet again (the\n"
	"                       new push replaces the old one in every query)\n"
	"      --events         also push the normalized events\n"
	"      --trace ID       only this trace of DB (default: every trace)\n"
	"      --retries N      retries after a connection error or a server error\n"
	"                       (default 5; waits 0.2s, 0.4s, ... at most 5s)\n"
	"  -q, --quiet          no progress, no summary lines on stderr\n"
	"      --no-progress    no progress bar\n"
	"traces are ingested with these options, as by analyze:\n"
	"      --since TIME     ignore events before TIME\n"
	"      --until TIME     ignore events at or after TIME\n"
	"      --adapter NAME   only events of this adapter\n"
	"      --capacity N     TcpConnectionOffloadCapacity, for rule L4\n"
	"      --name LABEL     name of the trace (default: the inputs' names)\n"
	"      --grace DURATION W1: terminate due this long after a wire close (2s)\n"
	"      --pcap-offset [+-]DURATION  add to pcap/pcapng packet times\n"
	"      --profile FILE   decode with this profile too (repeatable)\n"
	"      --tmf DIR        TMF files for WPP messages in .etl\n"
	"      --tz-offset +HH:MM  tracefmt text times are local = UTC+HH:MM\n"
	"      --prefix FMT     TRACE_FORMAT_PREFIX of tracefmt text lines\n"
	"  -h, --help           this help\n";

enum {
	PO_CLICKHOUSE = 512, PO_LABEL, PO_EVENTS, PO_RETRIES
};

struct bar {
	int on;
	struct timespec last;
	int64_t trace;
};

static void
bar_draw(void *ctx, const char *table, uint64_t done, uint64_t total)
{
	struct bar *b = ctx;
	struct timespec now;
	long ms;

	if (!b->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - b->last.tv_sec) * 1000 + (now.tv_nsec - b->last.tv_nsec) / 1000000;
	if (done != 0 && done != total && ms < 100)
		return;
	b->last = now;
	fprintf(stderr, "\r\033[Kpush: trace %lld: %s %llu/%llu rows", (long long)b->trace,
		table, (unsigned long long)done, (unsigned long long)total);
	fflush(stderr);
}

static void
bar_clear(struct bar *b)
{
	if (b->on)
		fputs("\r\033[K", stderr);
}

static void
on_retry(void *ctx, const char *why, int attempt, int of)
{
	const int *quiet = ctx;

	if (!*quiet)
		fprintf(stderr, "\r\033[Kofftrace: %s; retry %d of %d\n", why, attempt, of);
}

/* Labels of OFFTRACE_LABELS: KEY=VALUE separated by commas. */
static int
env_labels(struct ot_fleet_label *labels, size_t *n, struct ot_err *err)
{
	const char *e = getenv("OFFTRACE_LABELS"), *p;

	if (e == NULL)
		return 0;
	for (p = e; *p;) {
		size_t len = strcspn(p, ",");

		if (len > 0 && ot_fleet_label_add(labels, n, p, len, err) < 0) {
			snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg),
				 " (in OFFTRACE_LABELS)");
			return -1;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int
trace_ids(sqlite3 *db, int64_t **ids, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;

	*ids = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT trace_id FROM traces ORDER BY trace_id", -1,
			       &st, NULL) != SQLITE_OK) {
		cli_errorf("%s", sqlite3_errmsg(db));
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*ids = xrealloc(*ids, st_mult(cap, sizeof(**ids)));
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return 0;
}

int
cmd_push(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "clickhouse", required_argument, NULL, PO_CLICKHOUSE },
		{ "label", required_argument, NULL, PO_LABEL },
		{ "events", no_argument, NULL, PO_EVENTS },
		{ "retries", required_argument, NULL, PO_RETRIES },
		{ "trace", required_argument, NULL, OPT_TRACE },
		CLI_INGEST_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ot_fleet_label labels[OT_FLEET_MAX_LABELS];
	struct ot_fleet_push_opts po;
	struct ot_fleet_push_result res;
	struct cli_ingest c;
	struct ot_err err;
	struct ot_ch *ch = NULL;
	struct ot_db *db = NULL;
	struct bar bar;
	const char *url = NULL;
	char cluster[128], tmpdb[4096] = "";
	int64_t want = -1, tid, *ids = NULL, retries = -1;
	size_t nlabels = 0, nids = 0, i;
	int opt, rc = EXIT_OK, force = 0, events = 0, r;

	memset(&err, 0, sizeof(err));
	memset(&bar, 0, sizeof(bar));
	cli_ingest_init(&c, ":memory:");
	if (env_labels(labels, &nlabels, &err) < 0)
		return cli_report_error(&err);
	while ((opt = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (opt) {
		case PO_CLICKHOUSE:
			url = optarg;
			break;
		case PO_LABEL:
			if (ot_fleet_label_add(labels, &nlabels, optarg, strlen(optarg),
					       &err) < 0)
				return cli_usage_error("push", "%s", err.msg);
			break;
		case PO_EVENTS:
			events = 1;
			break;
		case PO_RETRIES:
			if (ot_parse_i64(optarg, strlen(optarg), &retries) < 0 ||
			    retries < 0 || retries > 100)
				return cli_usage_error("push", "bad --retries '%s': want 0 to 100",
						       optarg);
			break;
		case OPT_TRACE:
			if (ot_parse_i64(optarg, strlen(optarg), &want) < 0 || want < 1)
				return cli_usage_error("push", "bad --trace '%s'", optarg);
			break;
		case OPT_FORCE:
			force = 1;
			break;
		case 'h':
			fputs(push_help, stdout);
			return EXIT_OK;
		default:
			r = cli_ingest_option(&c, opt, optarg, "push");
			if (r < 0)
				return EXIT_USAGE;
			if (r == 0)
				return cli_usage_error("push", "bad option");
		}
	}
	if (url == NULL)
		return cli_usage_error("push", "--clickhouse URL is required");
	if (optind >= argc)
		return cli_usage_error("push", "want a database or trace files");
	if (ot_ch_open(url, &ch, &err) < 0)
		return cli_report_error(&err);
	if (retries >= 0)
		ot_ch_set_retries(ch, (int)retries);
	ot_ch_on_retry(ch, on_retry, &c.quiet);
	/* the server and its schema before any work */
	if (ot_fleet_check_schema(ch, cluster, sizeof(cluster), &err) < 0) {
		rc = cli_report_error(&err);
		goto out;
	}
	if (argc - optind == 1 && cli_is_sqlite(argv[optind])) {
		if ((rc = cli_open_db(argv[optind], want, &db, &tid)) != EXIT_OK)
			goto out;
		if (want > 0) {
			ids = xmalloc(sizeof(*ids));
			ids[0] = want;
			nids = 1;
		} else if (trace_ids(ot_db_sqlite(db), &ids, &nids) < 0) {
			rc = EXIT_INTERNAL;
			goto out;
		}
	} else {
		const char *t = getenv("TMPDIR");
		int fd;

		if (want > 0) {
			rc = cli_usage_error("push", "--trace goes with a database");
			goto out;
		}
		/* a database on disk, not in memory: any size of trace */
		snprintf(tmpdb, sizeof(tmpdb), "%s/offtrace-push-XXXXXX",
			 t && *t ? t : "/tmp");
		if ((fd = mkstemp(tmpdb)) < 0) {
			cli_errorf("%s: cannot create: %s", tmpdb, strerror(errno));
			tmpdb[0] = '\0';
			rc = EXIT_INTERNAL;
			goto out;
		}
		close(fd);
		c.db = tmpdb;
		if ((rc = cli_do_ingest(&c, argv + optind, argc - optind, &db, &tid)) != EXIT_OK)
			goto out;
		ids = xmalloc(sizeof(*ids));
		ids[0] = tid;
		nids = 1;
	}
	memset(&po, 0, sizeof(po));
	po.labels = labels;
	po.nlabels = nlabels;
	po.force = force;
	po.events = events;
	po.version = OT_VERSION;
	bar.on = !c.quiet && !c.no_progress && isatty(2);
	po.progress = bar_draw;
	po.progress_ctx = &bar;
	for (i = 0; i < nids; i++) {
		memset(&err, 0, sizeof(err));
		bar.trace = ids[i];
		r = ot_fleet_push(ch, cluster, ot_db_sqlite(db), ids[i], &po, &res, &err);
		bar_clear(&bar);
		if (r < 0) {
			r = cli_report_error(&err);
			if (r > rc)
				rc = r;
			if (err.code != OT_EDUP && err.code != OT_EINPUT)
				break;	/* the server failed: the next would too */
			continue;
		}
		if (!c.quiet)
			fprintf(stderr, "offtrace: %s: run %.16s (trace %lld): %llu rows%s\n",
				ot_ch_name(ch), res.run_id, (long long)ids[i],
				(unsigned long long)res.rows,
				res.attempts > 1 ? ", after a retry" : "");
	}
out:
	free(ids);
	ot_db_close(db);
	if (tmpdb[0])
		unlink(tmpdb);
	ot_ch_close(ch);
	return rc;
}
