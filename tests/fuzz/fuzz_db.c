/*
 * fuzz_db.c - libFuzzer harness over the bytes of a database: a database
 * is an input too (issue 16).  The input is written to a file and opened
 * as the read commands open a database (read-only); then every read path
 * runs on it: the report model and its text, JSON, CSV, HTML and Chrome
 * renderings, the CI gate (with a latency budget) and its text, JUnit and
 * GitHub outputs, check-db's checks, and show of an object, an operation,
 * an event and a flow through the command itself.  Everything is written
 * to /dev/null.
 *
 *   make fuzz && build/fuzz/fuzz_db -max_len=65536 -timeout=10 tests/fuzz/seeds/db
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "offtrace/report.h"
#include "offtrace/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* src/cmd_show.c, linked from the fuzz build's CLI objects */
int cmd_show(int argc, char **argv);

static char path[64];
static FILE *null;

static void
remove_file(void)
{
	unlink(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "/tmp/fuzz_db.%ld.db", (long)getpid());
	if ((fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600)) >= 0)
		close(fd);
	atexit(remove_file);
	null = fopen("/dev/null", "w");
	/* show prints to stdout */
	if (freopen("/dev/null", "w", stdout) == NULL)
		abort();
	ot_db_set_wait(0);
	return 0;
}

static int
count(void *ctx, const struct ot_db_problem *p)
{
	(void)p;
	++*(size_t *)ctx;
	return 0;
}

static void
show(const char *what, const char *id)
{
	char a0[] = "show", a3[] = "--wait", a4[] = "0";
	char w[16], i[16], p[sizeof(path)];
	char *argv[] = { a0, w, i, p, a3, a4, NULL };

	snprintf(w, sizeof(w), "%s", what);
	snprintf(i, sizeof(i), "%s", id);
	snprintf(p, sizeof(p), "%s", path);
	optind = 0;	/* glibc: start getopt afresh */
	opterr = 0;
	cmd_show(6, argv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ot_db *db = NULL;
	struct ot_report r;
	struct ot_check_opts co;
	struct ot_check_result res;
	struct ot_err err;
	int64_t trace_id;
	size_t problems = 0;
	FILE *f;
	sqlite3 *s;

	if ((f = fopen(path, "wb")) == NULL)
		return 0;
	if (size > 0 && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return 0;
	}
	fclose(f);

	memset(&err, 0, sizeof(err));
	if (ot_db_open(path, 1, &db, &err) < 0)
		return 0;
	ot_db_check(db, count, &problems, &err);
	if (ot_db_latest_trace(db, &trace_id, &err) < 0)
		goto out;
	s = ot_db_sqlite(db);
	if (ot_report_load(s, trace_id, &r, &err) == 0) {
		ot_report_text(&r, null);
		ot_report_json(&r, null);
		ot_report_csv(&r, NULL, null);
		ot_report_html(s, &r, null, &err);
		ot_report_chrome(s, &r, null, &err);
		memset(&co, 0, sizeof(co));
		co.max_leaks = co.max_errors = co.max_warnings = -1;
		if (ot_budget_parse("initiate:p99<=1ms", &co.budgets[0]) == 0 &&
		    ot_budget_parse("*/*/*:p50<=1us", &co.budgets[1]) == 0 &&
		    ot_budget_parse("syn_to_offload:p90<=1ms", &co.budgets[2]) == 0)
			co.nbudgets = 3;
		memset(&res, 0, sizeof(res));
		if (ot_check_run(s, &r, &co, &res, &err) == 0) {
			ot_check_text(&res, null);
			ot_check_junit(&res, &r, null);
			ot_check_github(s, &res, &r, null);
		}
		ot_check_release(&res);
		ot_report_release(&r);
	}
out:
	ot_db_close(db);
	show("object", "1");
	show("op", "1");
	show("event", "1");
	show("flow", "1");
	show("object", "0xffffe00100002010");
	return 0;
}
