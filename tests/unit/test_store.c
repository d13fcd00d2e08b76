/*
 * test_store.c - unit tests of the SQLite store and the reports: the SQL
 * helpers, the ingest transaction (round trip, rollback leaves the file
 * byte-identical, duplicate inputs), the report model and every renderer,
 * and the CI gate.  No framework; the last line is
 * "test_store: N passed, M failed" and the exit status is non-zero on
 * failure.  Also prints the measured ot_db_add_event insert rate.
 */
#include <cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "offtrace/report.h"
#include "offtrace/store.h"

static int npass, nfail;

#define CHECK(cond) check((cond), #cond, __FILE__, __LINE__)

static int
check(int ok, const char *what, const char *file, int line)
{
	if (ok) {
		npass++;
	} else {
		nfail++;
		printf("FAIL %s:%d: %s\n", file, line, what);
	}
	return ok;
}

static char tmpdir[64];
static char sqlerr[256];	/* last error of q_text() */

static const char *
tmp_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
	return buf;
}

/* sha256 of a file, "" when unreadable; "empty" files hash normally. */
static void
file_sha256(const char *path, char hex[65])
{
	struct ot_sha256 c;
	unsigned char buf[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	hex[0] = '\0';
	if (f == NULL)
		return;
	ot_sha256_init(&c);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		ot_sha256_update(&c, buf, n);
	fclose(f);
	ot_sha256_final(&c, hex);
}

static long
file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (f == NULL)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	return n;
}

/* First column of the first row as text ("NULL" for NULL, "ERR" on error). */
static const char *
q_text(sqlite3 *s, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt *st = NULL;

	snprintf(buf, len, "ERR");
	sqlerr[0] = '\0';
	if (sqlite3_prepare_v2(s, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(sqlerr, sizeof(sqlerr), "%s", sqlite3_errmsg(s));
		return buf;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		snprintf(buf, len, "%s", t ? (const char *)t : "NULL");
	} else {
		snprintf(sqlerr, sizeof(sqlerr), "%s", sqlite3_errmsg(s));
	}
	sqlite3_finalize(st);
	return buf;
}

static int64_t
q_int(sqlite3 *s, const char *sql)
{
	char buf[64];

	return strtoll(q_text(s, sql, buf, sizeof(buf)), NULL, 10);
}

static int
q_is(sqlite3 *s, const char *sql, const char *want)
{
	char buf[256];

	q_text(s, sql, buf, sizeof(buf));
	if (strcmp(buf, want) != 0) {
		printf("  %s -> '%s', want '%s' %s\n", sql, buf, want, sqlerr);
		return 0;
	}
	return 1;
}

static void
test_sql_helpers(void)
{
	struct ot_db *db = NULL;
	struct ot_err err = { 0 };
	sqlite3 *s;

	CHECK(ot_db_open(":memory:", 0, &db, &err) == 0);
	if (db == NULL)
		return;
	s = ot_db_sqlite(db);
	sqlite3_exec(s, "CREATE TABLE n (x); WITH RECURSIVE c(i) AS (SELECT 1"
		     " UNION ALL SELECT i + 1 FROM c WHERE i < 1000) INSERT INTO"
		     " n SELECT i FROM c", NULL, NULL, NULL);
	CHECK(q_is(s, "SELECT percentile(x, 50) FROM n WHERE x <= 100", "50"));
	CHECK(q_is(s, "SELECT percentile(x, 99) FROM n WHERE x <= 100", "99"));
	CHECK(q_is(s, "SELECT percentile(x, 90) FROM n WHERE x <= 100", "90"));
	CHECK(q_is(s, "SELECT percentile(x, 100) FROM n WHERE x <= 100", "100"));
	CHECK(q_is(s, "SELECT percentile(x, 99.9) FROM n", "999"));
	CHECK(q_is(s, "SELECT percentile(x, 99.9) FROM n WHERE x <= 100", "100"));
	CHECK(q_is(s, "SELECT percentile(x, 50) FROM n WHERE x = 7", "7"));
	CHECK(q_is(s, "SELECT percentile(x, 50) FROM n WHERE x > 5000", "NULL"));
	CHECK(q_is(s, "SELECT percentile(1001 - x, 50) FROM n WHERE x <= 10",
		   "995"));
	CHECK(q_is(s, "SELECT percentile(x, 0) FROM n", "ERR"));
	CHECK(q_is(s, "SELECT ot_hex(-2199023251440)", "0xfffffe0000001010"));
	CHECK(q_is(s, "SELECT ot_hex(-1)", "0xffffffffffffffff"));
	CHECK(q_is(s, "SELECT ot_hex(-35180077113328)", "0xffffe00100002010"));
	CHECK(q_is(s, "SELECT ot_hex(255)", "0xff"));
	CHECK(q_is(s, "SELECT ot_hex(0)", "0x0"));
	CHECK(q_is(s, "SELECT ot_hex(NULL)", "NULL"));
	CHECK(q_is(s, "SELECT ot_time(1700000000000000001)",
		   "2023-11-14T22:13:20.000000001Z"));
	CHECK(q_is(s, "SELECT ot_time(0)", "1970-01-01T00:00:00.000000000Z"));
	CHECK(q_is(s, "SELECT ot_time(NULL)", "NULL"));
	CHECK(q_is(s, "SELECT ot_status_name(0)", "NDIS_STATUS_SUCCESS"));
	CHECK(q_is(s, "SELECT ot_status_name(3221225473)",
		   "NDIS_STATUS_FAILURE"));
	CHECK(q_is(s, "SELECT ot_status_name(1073872900)",
		   "NDIS_STATUS_OFFLOAD_PARTIAL_SUCCESS"));
	CHECK(q_is(s, "SELECT ot_status_name(305419896)", "0x12345678"));
	CHECK(q_is(s, "SELECT ot_status_name(NULL)", "NULL"));
	ot_db_close(db);
}

#define T0 INT64_C(1700000000000000000)
#define SLOT(i) (UINT64_C(0xffffe00100002000) + (uint64_t)(i) * 0x10)
#define ROOT(i) (UINT64_C(0xffffe00100100000) + (uint64_t)(i) * 0x100)

static struct ot_event
mk_event(uint64_t id, int64_t ts, enum ot_ev ev, uint64_t slot)
{
	struct ot_event e;

	memset(&e, 0, sizeof(e));
	e.id = id;
	e.ts = ts;
	e.ev = ev;
	e.adapter = "nic0";
	e.layer = OT_LAYER_TARGET;
	e.has = OT_HAS_ROOT | OT_HAS_BLOCK | OT_HAS_SLOT | OT_HAS_TID |
		OT_HAS_STATE;
	e.root = ROOT(id);
	e.block = ROOT(id);
	e.slot = slot;
	e.tid = 42;
	e.state = OT_STATE_TCP;
	e.line = id;
	return e;
}

/*
 * Feed one synthetic trace: nev events, 100 initiate ops with latencies
 * 1..100 us, 3 objects, a write, violations (C1 checked; L4 not checked,
 * so withdrawn; one with hostile strings), two leaks, all rule outcomes.
 */
static int
feed_trace(struct ot_db *db, const char *name, uint64_t nev,
	   struct ot_err *err)
{
	const struct ot_sink *k = &ot_db_sink;
	struct ot_block_rec blk[2];
	struct ot_object_rec o;
	struct ot_op_rec op;
	struct ot_write_rec w;
	struct ot_violation_rec v;
	struct ot_leak_rec l;
	struct ot_rule_rec rr;
	int64_t tid;
	uint64_t i;

	if (ot_db_begin_trace(db, name, &tid, err) < 0)
		return -1;
	for (i = 1; i <= nev; i++) {
		struct ot_event e = mk_event(i, T0 + (int64_t)i * 1000,
					     (enum ot_ev)(i % OT_EV_COUNT),
					     SLOT(i % 5));

		if (i == 3) {
			e.has |= OT_HAS_TUPLE | OT_HAS_STATUS | OT_HAS_NBL;
			snprintf(e.tuple.src, sizeof(e.tuple.src), "10.0.0.1");
			snprintf(e.tuple.dst, sizeof(e.tuple.dst), "fe80::1");
			e.tuple.sport = 1234;
			e.tuple.dport = 80;
			e.status = OT_ST_FAILURE;
			e.nbl = UINT64_C(0xffffe00200000000);
		}
		if (ot_db_add_event(db, &e, err) < 0)
			return -1;
	}
	for (i = 1; i <= 100; i++) {
		memset(&op, 0, sizeof(op));
		memset(blk, 0, sizeof(blk));
		op.id = i;
		op.adapter = "nic0";
		op.kind = OT_KIND_INITIATE;
		op.root = ROOT(i);
		op.epoch = 1;
		op.t_request = T0 + (int64_t)i * 1000000;
		op.t_complete = op.t_request + (int64_t)i * 1000;
		op.nblocks = 2;
		op.blocks = blk;
		blk[0].block = ROOT(i);
		blk[0].state = OT_STATE_TCP;
		blk[0].role = OT_ROLE_NEW;
		blk[0].slot = SLOT(i);
		blk[0].t_request = op.t_request;
		blk[0].t_complete = op.t_complete;
		blk[0].has_status = 1;
		blk[1].block = ROOT(i) + 8;
		blk[1].t_request = OT_T_NONE;
		blk[1].t_complete = OT_T_NONE;
		if (k->op(db, &op) < 0)
			return -1;
	}
	/* an operation never completed: not in latency */
	op.id = 101;
	op.kind = OT_KIND_TERMINATE;
	op.t_complete = OT_T_NONE;
	op.nblocks = 0;
	if (k->op(db, &op) < 0)
		return -1;
	for (i = 1; i <= 3; i++) {
		memset(&o, 0, sizeof(o));
		o.id = i;
		o.slot = SLOT(i);
		o.epoch = 1;
		o.adapter = "nic0";
		o.state = OT_STATE_TCP;
		o.t_request = T0;
		o.t_published = OT_T_NONE;
		o.t_offloaded = i <= 2 ? T0 + 5 : OT_T_NONE;
		o.t_terminate_req = OT_T_NONE;
		o.t_terminated = i == 1 ? T0 + 100 : OT_T_NONE;
		o.t_last = T0 + 100;
		o.fate = i == 1 ? OT_FATE_TERMINATED : i == 2 ? OT_FATE_LIVE :
			OT_FATE_FAILED;
		o.has_tuple = i == 1;
		if (k->object(db, &o) < 0)
			return -1;
	}
	memset(&w, 0, sizeof(w));
	w.id = 1;
	w.event_id = 11;
	w.ts = T0 + 11000;
	w.adapter = "nic0";
	w.tid = -1;
	w.slot = SLOT(1);
	w.new_value = UINT64_C(0xffffe00300000000);
	w.pos = OT_WPOS_AFTER;
	if (k->write(db, &w) < 0)
		return -1;

	memset(&v, 0, sizeof(v));
	v.rule = OT_R_C1;
	v.severity = OT_SEV_ERROR;
	snprintf(v.message, sizeof(v.message), "context written 2.00ms after"
		 " initiate completion");
	v.ts = T0 + 3000000;
	v.slot = SLOT(1);
	v.root = ROOT(1);
	v.object_id = 1;
	v.op_id = 1;
	v.nevents = 2;
	v.events[0] = 12;
	v.events[1] = 15;
	if (k->violation(db, &v) < 0)
		return -1;
	v.rule = OT_R_C2;
	snprintf(v.message, sizeof(v.message), "adapter <a&b> \"q\" 'x' \x01"
		 " bad utf8 \xff\xfe end");
	v.ts = T0 + 1000000;
	v.slot = 0;
	v.root = 0;
	v.object_id = 0;
	v.op_id = 0;
	v.nevents = 0;
	if (k->violation(db, &v) < 0)
		return -1;
	v.rule = OT_R_P3;
	v.severity = OT_SEV_WARNING;
	snprintf(v.message, sizeof(v.message), "completed synchronously");
	v.ts = T0 + 1000000;
	v.slot = SLOT(2);
	if (k->violation(db, &v) < 0)
		return -1;
	v.rule = OT_R_L4;	/* not checked: withdrawn */
	v.severity = OT_SEV_ERROR;
	if (k->violation(db, &v) < 0)
		return -1;

	memset(&l, 0, sizeof(l));
	l.object_id = 2;
	l.slot = SLOT(2);
	l.state = OT_STATE_TCP;
	l.adapter = "nic,\"0\"";
	l.since = T0 + 5;
	l.ts = T0 + 9000000;
	l.last_activity = T0 + 100;
	l.reason = OT_LEAK_LIVE_AT_END;
	if (k->leak(db, &l) < 0)
		return -1;
	l.object_id = 4;
	l.slot = SLOT(0);
	l.adapter = "nic0";
	l.since = T0 + 2;
	l.reason = OT_LEAK_HALT;
	if (k->leak(db, &l) < 0)
		return -1;

	for (i = 0; i < OT_R_COUNT; i++) {
		memset(&rr, 0, sizeof(rr));
		rr.rule = (enum ot_rule)i;
		rr.checked = i != OT_R_L4 && i != OT_R_E3;
		rr.count = i == OT_R_C1 || i == OT_R_C2 || i == OT_R_P3;
		rr.why_not = rr.checked ? NULL : "no send events and no --capacity";
		if (k->rule(db, &rr) < 0)
			return -1;
	}
	return 0;
}

static void
input_info(struct ot_input_info *in, const char *path, const char *sha)
{
	memset(in, 0, sizeof(*in));
	in->path = path;
	in->format = "jsonl";
	snprintf(in->sha256, sizeof(in->sha256), "%s", sha);
	in->size = 1234;
	in->records = 100;
	in->events = 100;
}

static char *
render(const struct ot_report *r, int which, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (f == NULL)
		return NULL;
	switch (which) {
	case 0:
		ot_report_json(r, f);
		break;
	case 1:
		ot_report_text(r, f);
		break;
	case 2:
		ot_report_csv(r, "summary", f);
		ot_report_csv(r, "latency", f);
		ot_report_csv(r, "leaks", f);
		ot_report_csv(r, "violations", f);
		ot_report_csv(r, "rules", f);
		break;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Keep a copy of each rendering in the temporary directory. */
static void
save(const char *name, const char *s, size_t n)
{
	char path[128];
	FILE *f = fopen(tmp_path(name, path, sizeof(path)), "wb");

	if (f == NULL)
		return;
	fwrite(s, 1, n, f);
	fclose(f);
}

static void
test_json(const struct ot_report *r)
{
	size_t n, n2;
	char *s = render(r, 0, &n), *s2 = render(r, 0, &n2);
	cJSON *j, *x, *lat, *viol, *rules;

	CHECK(s != NULL && s2 != NULL && n == n2 && memcmp(s, s2, n) == 0);
	if (s != NULL)
		save("report.json", s, n);
	j = cJSON_Parse(s);
	if (!CHECK(j != NULL)) {
		printf("%s\n", s);
		free(s);
		free(s2);
		return;
	}
	x = cJSON_GetObjectItem(j, "offtrace_report");
	CHECK(cJSON_IsNumber(x) && x->valueint == 1);
	x = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "trace"), "start_ns");
	CHECK(cJSON_IsNumber(x));
	CHECK(strstr(s, "\"start_ns\": 1700000000000000000") != NULL);
	lat = cJSON_GetObjectItem(j, "latency");
	x = cJSON_GetObjectItem(cJSON_GetObjectItem(lat, "initiate"), "p50_ns");
	CHECK(cJSON_IsNumber(x) && x->valueint == 50000);
	x = cJSON_GetObjectItem(cJSON_GetObjectItem(lat, "update"), "p50_ns");
	CHECK(cJSON_IsNull(x));
	viol = cJSON_GetObjectItem(j, "violations");
	CHECK(cJSON_GetArraySize(viol) == 3);
	x = cJSON_GetArrayItem(viol, 1);	/* C2: no slot, root, object, op */
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(x, "slot")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(x, "op")));
	rules = cJSON_GetObjectItem(j, "rules");
	CHECK(cJSON_GetArraySize(rules) == OT_R_COUNT);
	x = cJSON_GetArrayItem(rules, OT_R_L4);
	CHECK(strcmp(cJSON_GetObjectItem(x, "status")->valuestring,
		     "not_checked") == 0);
	CHECK(strstr(s, "\"slot\": \"0xffffe00100002010\"") != NULL);
	CHECK(strstr(s, "\\ufffd") != NULL && strstr(s, "\\u0001") != NULL);
	CHECK(strstr(s, "\"events\": [12, 15]") != NULL);
	cJSON_Delete(j);
	free(s);
	free(s2);
}

static void
test_text_csv(const struct ot_report *r)
{
	size_t n;
	char *s = render(r, 1, &n);

	if (s != NULL)
		save("report.txt", s, n);
	CHECK(s != NULL && strstr(s, "summary") != NULL);
	CHECK(s != NULL && strstr(s, "not checked (2 of ") != NULL);
	CHECK(s != NULL && strstr(s, "  initiate     100  50.0us") != NULL);
	CHECK(s != NULL && strchr(s, '\x01') == NULL);
	free(s);
	s = render(r, 2, &n);
	if (s != NULL)
		save("report.csv", s, n);
	CHECK(s != NULL && strstr(s, "kind,count,p50_ns") != NULL);
	CHECK(s != NULL && strstr(s, "\"nic,\"\"0\"\"\"") != NULL);
	CHECK(s != NULL && strstr(s, "initiate,100,50000,90000,99000,100000,"
				  "100000,50500\r\n") != NULL);
	free(s);
}

static void
test_check(sqlite3 *s, const struct ot_report *r)
{
	struct ot_check_opts o;
	struct ot_check_result res;
	struct ot_err err = { 0 };
	char path[128], cmd[300];
	FILE *f;
	size_t i;
	int nlat = 0, nlim = 0, nskip = 0;

	memset(&o, 0, sizeof(o));
	o.max_leaks = 1;
	o.max_errors = -1;
	o.max_warnings = 5;
	o.fail_on[OT_R_C1] = 1;
	o.budgets[0].kind = OT_KIND_INITIATE;
	o.budgets[0].p_milli = 99000;
	o.budgets[0].limit_ns = 2000000;
	snprintf(o.budgets[0].text, sizeof(o.budgets[0].text),
		 "initiate:p99<=2ms");
	o.budgets[1].kind = OT_KIND_INITIATE;
	o.budgets[1].p_milli = 50000;
	o.budgets[1].limit_ns = 10000;
	o.budgets[2].kind = OT_KIND_QUERY;
	o.budgets[2].p_milli = 99900;
	o.budgets[2].limit_ns = 10000;
	o.nbudgets = 3;
	if (!CHECK(ot_check_run(s, r, &o, &res, &err) == 0)) {
		printf("  %s\n", err.msg);
		return;
	}
	CHECK(res.failed == 1);
	CHECK(res.ncases == OT_R_COUNT + 3 + 2);
	for (i = 0; i < res.ncases; i++) {
		const struct ot_check_case *c = &res.cases[i];

		if (strcmp(c->classname, "latency") == 0) {
			nlat++;
			if (nlat == 1)
				CHECK(!c->failed && !c->skipped);
			if (nlat == 2)
				CHECK(c->failed && c->details != NULL);
			if (nlat == 3)
				CHECK(c->skipped);
		}
		if (strcmp(c->classname, "limits") == 0) {
			nlim++;
			if (nlim == 1)
				CHECK(c->failed && c->details != NULL);
			if (nlim == 2)
				CHECK(!c->failed);
		}
		if (c->skipped && strcmp(c->classname, "rules") == 0)
			nskip++;
		/* a rule with violations is never passed: failed when they
		 * gate (C1 by --fail-on; no error limit here), else warned */
		if (i < OT_R_COUNT && r->rules[i].checked && r->rules[i].count)
			CHECK(i == OT_R_C1 ? c->failed && !c->warned :
			      c->warned && !c->failed);
		if (i < OT_R_COUNT && !r->rules[i].count)
			CHECK(!c->warned);
		if (strncmp(c->name, "C1 ", 3) == 0)
			CHECK(c->failed && c->details &&
			      strstr(c->details, "0xffffe00100002010") != NULL);
		if (strncmp(c->name, "C2 ", 3) == 0)
			CHECK(!c->failed);
	}
	CHECK(nlat == 3 && nlim == 2 && nskip == 2);
	f = fopen(tmp_path("junit.xml", path, sizeof(path)), "w");
	if (CHECK(f != NULL)) {
		CHECK(ot_check_junit(&res, r, f) == 0);
		fclose(f);
		if (system("command -v xmllint >/dev/null 2>&1") == 0) {
			snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", path);
			CHECK(system(cmd) == 0);
		}
	}
	f = fopen(tmp_path("check.txt", path, sizeof(path)), "w");
	if (CHECK(f != NULL)) {
		CHECK(ot_check_text(&res, f) == 0);
		fclose(f);
	}
	ot_check_release(&res);

	/* a passing gate */
	memset(&o, 0, sizeof(o));
	o.max_leaks = o.max_errors = o.max_warnings = -1;
	CHECK(ot_check_run(s, r, &o, &res, &err) == 0 && res.failed == 0);
	ot_check_release(&res);

	/* --fail-on a rule not checked (L4) fails, unless allowed unchecked */
	o.fail_on[OT_R_L4] = 1;
	if (CHECK(ot_check_run(s, r, &o, &res, &err) == 0)) {
		CHECK(res.failed == 1 && res.cases[OT_R_L4].failed &&
		      strstr(res.cases[OT_R_L4].message, "not checked") != NULL);
		ot_check_release(&res);
	}
	o.allow_unchecked[OT_R_L4] = 1;
	if (CHECK(ot_check_run(s, r, &o, &res, &err) == 0)) {
		CHECK(res.failed == 0 && res.cases[OT_R_L4].skipped &&
		      !res.cases[OT_R_L4].failed);
		ot_check_release(&res);
	}
	/* an error limit exceeded fails every rule with error violations */
	memset(&o, 0, sizeof(o));
	o.max_leaks = o.max_warnings = -1;
	o.max_errors = 1;
	if (CHECK(ot_check_run(s, r, &o, &res, &err) == 0)) {
		CHECK(res.failed == 1);
		for (i = 0; i < OT_R_COUNT; i++)
			if (r->rules[i].checked && r->rules[i].count)
				CHECK(res.cases[i].failed ||
				      strcmp(r->rules[i].severity, "warning") == 0);
		ot_check_release(&res);
	}
}

static void
test_round_trip(void)
{
	struct ot_db *db = NULL;
	struct ot_err err = { 0 };
	struct ot_input_info in[2];
	struct ot_report r;
	char path[128], h1[65], h2[65];
	int64_t tid = 0;
	sqlite3 *s;
	int rc;

	tmp_path("a.db", path, sizeof(path));
	if (!CHECK(ot_db_open(path, 0, &db, &err) == 0)) {
		printf("  %s\n", err.msg);
		return;
	}
	/* a new database has its schema from the start (it appears in one
	 * step); a failed first ingest leaves no trace in it */
	CHECK(ot_db_created(db) == 1);
	CHECK(feed_trace(db, "first", 50, &err) == 0);
	ot_db_abort_trace(db);
	CHECK(q_int(ot_db_sqlite(db), "SELECT count(*) FROM traces") == 0);
	/* ... and the CLI discards it: nothing left where nothing was */
	{
		struct ot_db *d2 = NULL;
		char p2[128];

		tmp_path("discard.db", p2, sizeof(p2));
		if (CHECK(ot_db_open(p2, 0, &d2, &err) == 0)) {
			CHECK(file_size(p2) > 0);
			CHECK(feed_trace(d2, "first", 50, &err) == 0);
			CHECK(ot_db_close_discard(d2) == 0);
			CHECK(file_size(p2) == -1);
		}
	}

	rc = feed_trace(db, "a.jsonl", 1000, &err);
	CHECK(rc == 0);
	if (rc < 0)
		printf("  feed: %s\n", err.msg);
	input_info(&in[0], "a.jsonl", "aa00");
	input_info(&in[1], "b.pcap", "bb00");
	rc = ot_db_finish_trace(db, in, 2, T0, T0 + 200000000, 0, &err);
	if (!CHECK(rc == 0))
		printf("  finish: %s\n", err.msg);
	s = ot_db_sqlite(db);
	CHECK(q_int(s, "PRAGMA user_version") == OT_SCHEMA_VERSION);
	CHECK(q_int(s, "SELECT count(*) FROM events") == 1000);
	CHECK(q_int(s, "SELECT events FROM traces") == 1000);
	CHECK(q_is(s, "SELECT ot_hex(slot) FROM events WHERE id = 2",
		   "0xffffe00100002020"));
	CHECK(q_is(s, "SELECT ev || '|' || layer || '|' || state || '|' ||"
		   " src || '|' || dport || '|' || ot_status_name(status)"
		   " FROM events WHERE id = 3",
		   "invalidate|target|tcp|10.0.0.1|80|NDIS_STATUS_FAILURE"));
	CHECK(q_is(s, "SELECT quote(cpu) || quote(code) || quote(src) FROM"
		   " events WHERE id = 4", "NULLNULLNULL"));
	CHECK(q_int(s, "SELECT count(*) FROM violations") == 3);
	CHECK(q_int(s, "SELECT count(*) FROM violations WHERE rule = 'L4'") == 0);
	CHECK(q_int(s, "SELECT count(*) FROM violation_events") == 2);
	CHECK(q_int(s, "SELECT count(*) FROM latency") == 100);
	CHECK(q_int(s, "SELECT count(*) FROM blocks") == 200);
	CHECK(q_int(s, "SELECT count(*) FROM inputs") == 2);
	CHECK(q_int(s, "SELECT count(*) FROM rules WHERE checked = 0") == 2);
	/* the report indexes and show's exist after the load: a reader
	 * never builds them (it would take the write lock) */
	CHECK(q_int(s, "SELECT count(*) FROM sqlite_master WHERE type ="
		    " 'index' AND name = 'violations_ts'") == 1);
	CHECK(q_int(s, "SELECT count(*) FROM sqlite_master WHERE type ="
		    " 'index' AND name = 'blocks_object'") == 1);
	/* events of a trace by id are a rowid range */
	CHECK(q_int(s, "SELECT count(*) FROM events WHERE eid BETWEEN"
		    " 1 * 1099511627776 + 2 AND 1 * 1099511627776 + 4") == 3);
	CHECK(q_is(s, "SELECT value FROM meta WHERE key = 'schema_version'",
		   "4"));
	CHECK(ot_db_latest_trace(db, &tid, &err) == 0 && tid == 1);

	/* report model */
	rc = ot_report_load(s, 1, &r, &err);
	if (CHECK(rc == 0)) {
		CHECK(r.summary.objects == 3 && r.summary.offloaded == 2);
		CHECK(r.summary.failed == 1 && r.summary.terminated == 1);
		/* leaked: every leak, live_at_end included (doc/rules.md 3) */
		CHECK(r.summary.live_at_end == 1 && r.summary.leaked == 2);
		CHECK(r.summary.leaked == r.nleaks);
		CHECK(r.summary.leaked_by_reason[OT_LEAK_HALT] == 1 &&
		      r.summary.leaked_by_reason[OT_LEAK_LIVE_AT_END] == 1);
		CHECK(r.summary.errors == 2 && r.summary.warnings == 1);
		CHECK(r.latency[OT_KIND_INITIATE].count == 100);
		CHECK(r.latency[OT_KIND_INITIATE].p50 == 50000);
		CHECK(r.latency[OT_KIND_INITIATE].p99 == 99000);
		CHECK(r.latency[OT_KIND_INITIATE].p999 == 100000);
		CHECK(r.latency[OT_KIND_INITIATE].max == 100000);
		CHECK(r.latency[OT_KIND_INITIATE].mean == 50500);
		CHECK(r.latency[OT_KIND_TERMINATE].count == 0);
		CHECK(r.nleaks == 2 && r.leaks[0].object_id == 4);
		CHECK(r.nviolations == 3);
		if (r.nviolations == 3) {
			/* ts, then rule order (P3 before C2), then slot */
			CHECK(strcmp(r.violations[0].rule, "P3") == 0);
			CHECK(strcmp(r.violations[1].rule, "C2") == 0);
			CHECK(strcmp(r.violations[2].rule, "C1") == 0);
			CHECK(r.violations[2].nevents == 2 &&
			      strcmp(r.violations[2].events, "12 15") == 0);
		}
		CHECK(r.rules[OT_R_C1].checked && r.rules[OT_R_C1].count == 1);
		CHECK(!r.rules[OT_R_L4].checked && r.rules[OT_R_L4].count == 0);
		test_json(&r);
		test_text_csv(&r);
		test_check(s, &r);
		ot_report_release(&r);
	} else {
		printf("  report: %s\n", err.msg);
	}
	CHECK(ot_report_load(s, 99, &r, &err) < 0);

	/* abort leaves the file byte-identical */
	ot_db_close(db);
	file_sha256(path, h1);
	CHECK(ot_db_open(path, 0, &db, &err) == 0);
	CHECK(feed_trace(db, "aborted", 20000, &err) == 0);
	ot_db_abort_trace(db);
	ot_db_close(db);
	file_sha256(path, h2);
	CHECK(h1[0] && strcmp(h1, h2) == 0);

	/* duplicate sha256 refused (file unchanged), accepted with force */
	CHECK(ot_db_open(path, 0, &db, &err) == 0);
	CHECK(feed_trace(db, "dup", 10, &err) == 0);
	input_info(&in[0], "again.jsonl", "bb00");
	memset(&err, 0, sizeof(err));
	rc = ot_db_finish_trace(db, in, 1, T0, T0, 0, &err);
	CHECK(rc < 0 && err.code == OT_EDUP && strcmp(err.file, "again.jsonl") == 0 &&
	      strstr(err.msg, "already ingested in trace 1"));
	ot_db_abort_trace(db);
	CHECK(ot_db_find_input(db, "bb00", &tid, NULL, 0, &err) == 1 &&
	      tid == 1);
	CHECK(ot_db_find_input(db, "cc00", &tid, NULL, 0, &err) == 0);
	ot_db_close(db);
	file_sha256(path, h2);
	CHECK(strcmp(h1, h2) == 0);
	CHECK(ot_db_open(path, 0, &db, &err) == 0);
	CHECK(feed_trace(db, "dup", 10, &err) == 0);
	CHECK(ot_db_finish_trace(db, in, 1, T0, T0, 1, &err) == 0);
	CHECK(ot_db_latest_trace(db, &tid, &err) == 0 && tid == 2);
	CHECK(q_int(ot_db_sqlite(db), "SELECT count(*) FROM events WHERE"
		    " trace_id = 2") == 10);
	ot_db_close(db);

	/* read-only open and report of the second trace */
	CHECK(ot_db_open(path, 1, &db, &err) == 0);
	if (db != NULL) {
		CHECK(ot_report_load(ot_db_sqlite(db), 2, &r, &err) == 0);
		CHECK(r.events == 10 && r.inputs == 1);
		ot_report_release(&r);
		ot_db_close(db);
	}
}

static void
test_refuse(void)
{
	struct ot_db *db = NULL;
	struct ot_err err = { 0 };
	char path[128];
	sqlite3 *s = NULL;
	int64_t tid;

	tmp_path("newer.db", path, sizeof(path));
	sqlite3_open(path, &s);
	sqlite3_exec(s, "CREATE TABLE x (a); PRAGMA user_version = 99", NULL,
		     NULL, NULL);
	sqlite3_close(s);
	CHECK(ot_db_open(path, 0, &db, &err) < 0 && strstr(err.msg, "newer"));

	/* a database of an earlier schema is refused with a way out */
	tmp_path("older.db", path, sizeof(path));
	sqlite3_open(path, &s);
	sqlite3_exec(s, "CREATE TABLE x (a); PRAGMA user_version = 1", NULL,
		     NULL, NULL);
	sqlite3_close(s);
	CHECK(ot_db_open(path, 0, &db, &err) < 0 && strstr(err.msg, "earlier offtrace"));

	tmp_path("foreign.db", path, sizeof(path));
	sqlite3_open(path, &s);
	sqlite3_exec(s, "CREATE TABLE x (a)", NULL, NULL, NULL);
	sqlite3_close(s);
	CHECK(ot_db_open(path, 0, &db, &err) < 0);

	tmp_path("notadb.db", path, sizeof(path));
	s = NULL;
	{
		FILE *f = fopen(path, "w");

		fputs("this is not a database, just some text long enough\n", f);
		fclose(f);
	}
	CHECK(ot_db_open(path, 0, &db, &err) < 0);
	CHECK(ot_db_open(tmp_path("missing.db", path, sizeof(path)), 1, &db,
			 &err) < 0);

	/* empty database: no trace */
	CHECK(ot_db_open(":memory:", 0, &db, &err) == 0);
	CHECK(ot_db_latest_trace(db, &tid, &err) < 0);
	ot_db_close(db);
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
bench_insert(void)
{
	struct ot_db *db = NULL;
	struct ot_err err = { 0 };
	char path[128];
	int64_t tid;
	uint64_t i, n = 500000;
	double t0, t1;
	int ok = 1;

	tmp_path("bench.db", path, sizeof(path));
	if (ot_db_open(path, 0, &db, &err) < 0 ||
	    ot_db_begin_trace(db, "bench", &tid, &err) < 0) {
		CHECK(0);
		return;
	}
	t0 = now();
	for (i = 1; i <= n && ok; i++) {
		struct ot_event e = mk_event(i, T0 + (int64_t)i * 100,
					     (enum ot_ev)(i % OT_EV_COUNT),
					     SLOT(i % 4096));

		ok = ot_db_add_event(db, &e, &err) == 0;
	}
	t1 = now();
	CHECK(ok);
	CHECK(ot_db_finish_trace(db, NULL, 0, T0, T0, 0, &err) == 0);
	ot_db_close(db);
	printf("ot_db_add_event: %" PRIu64 " events in %.3fs = %.0f events/s\n",
	       n, t1 - t0, (double)n / (t1 - t0));
	unlink(path);
}

int
main(void)
{
	char cmd[128];

	snprintf(tmpdir, sizeof(tmpdir), "%s", "/tmp/test_store.XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		printf("test_store: cannot create a temporary directory\n");
		printf("test_store: 0 passed, 1 failed\n");
		return 1;
	}
	test_sql_helpers();
	test_round_trip();
	test_refuse();
	if (getenv("OT_NO_BENCH") == NULL)
		bench_insert();
	if (nfail == 0 && getenv("OT_TEST_KEEP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			printf("cannot remove %s\n", tmpdir);
	} else {
		printf("files kept in %s\n", tmpdir);
	}
	printf("test_store: %d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
