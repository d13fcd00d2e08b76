/*
 * test_rules.c - run every rule fixture of testdata/rules/ through the
 * engine: <RULE>-flag-*.jsonl must have the rule checked with at least one
 * violation, <RULE>-ok-*.jsonl must have it checked with none.  A fixture
 * with a capture beside it (the same name ending in .pcap, for W1-W3) has
 * its packets merged with its events by time, events first on ties.
 *
 *   test_rules [-v] [DIR]     DIR defaults to testdata/rules
 */
#include <dirent.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/engine.h"
#include "offtrace/event.h"
#include "offtrace/jsonl.h"
#include "offtrace/pcap.h"
#include "offtrace/util.h"

struct result {
	int checked[OT_R_COUNT];
	uint64_t count[OT_R_COUNT];
	int verbose;
};

static int
on_violation(void *ctx, const struct ot_violation_rec *v)
{
	struct result *r = ctx;

	if (r->verbose)
		printf("    %s %s: %s\n", ot_rules[v->rule].id,
		       v->severity == OT_SEV_ERROR ? "error" : "warning",
		       v->message);
	return 0;
}

static int
on_rule(void *ctx, const struct ot_rule_rec *rr)
{
	struct result *r = ctx;

	r->checked[rr->rule] = rr->checked;
	r->count[rr->rule] = rr->count;
	return 0;
}

/* Run one fixture; 0 on success, -1 with msg on a read error. */
static int
run(const char *path, struct result *res, char *msg, size_t msglen)
{
	static const struct ot_sink sink = {
		.violation = on_violation, .rule = on_rule
	};
	struct ot_engine_opts opts = { .grace_ns = OT_GRACE_DEFAULT };
	struct ot_pcap *cap = NULL;
	struct ot_packet pkt;
	int have_pkt = 0;
	char cpath[1024];
	struct ot_strtab *st;
	struct ot_engine *e;
	struct ot_event ev;
	struct ot_err err;
	FILE *f;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t n;
	uint64_t lineno = 0;
	int64_t last = 0;
	int rc = 0;

	f = fopen(path, "r");
	if (!f) {
		snprintf(msg, msglen, "cannot open");
		return -1;
	}
	/* a "capacity" fixture sets the L4 capacity through its name */
	if (strstr(path, "capacity"))
		opts.tcp_capacity = 1;
	st = ot_strtab_new();
	e = ot_engine_new(&sink, res, &opts);
	/* the capture beside the fixture, if any */
	snprintf(cpath, sizeof(cpath), "%.*s.pcap",
		 (int)(strlen(path) > 6 ? strlen(path) - 6 : 0), path);
	memset(&err, 0, sizeof(err));
	if (access(cpath, R_OK) == 0) {
		cap = ot_pcap_open(cpath, &err);
		if (cap == NULL) {
			snprintf(msg, msglen, "capture: %s", err.msg);
			rc = -1;
		} else {
			have_pkt = ot_pcap_next(cap, &pkt, &err) > 0;
		}
	}
	while (rc == 0 && (n = getline(&line, &lcap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		memset(&err, 0, sizeof(err));
		if (ot_jsonl_parse_line(line, (size_t)n, st, &ev, &err) < 0) {
			snprintf(msg, msglen, "line %llu: %s",
				 (unsigned long long)lineno, err.msg);
			rc = -1;
			break;
		}
		ev.id = lineno;
		ev.line = lineno;
		ev.input = 0;
		while (have_pkt && pkt.ts < ev.ts) {
			ot_engine_packet(e, &pkt);
			last = pkt.ts;
			have_pkt = ot_pcap_next(cap, &pkt, &err) > 0;
		}
		if (ev.ts > last)
			last = ev.ts;
		ot_engine_feed(e, &ev);
	}
	while (rc == 0 && have_pkt) {
		ot_engine_packet(e, &pkt);
		if (pkt.ts > last)
			last = pkt.ts;
		have_pkt = ot_pcap_next(cap, &pkt, &err) > 0;
	}
	ot_pcap_close(cap);
	if (rc == 0)
		ot_engine_finish(e, last);
	ot_engine_free(e);
	ot_strtab_free(st);
	free(line);
	fclose(f);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	const char *dir = "testdata/rules";
	char **names = NULL;
	size_t nnames = 0, capn = 0, i;
	DIR *d;
	struct dirent *de;
	int pass = 0, fail = 0, verbose = 0, ai;

	for (ai = 1; ai < argc; ai++) {
		if (strcmp(argv[ai], "-v") == 0)
			verbose = 1;
		else
			dir = argv[ai];
	}
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "test_rules: cannot open '%s'\n", dir);
		printf("test_rules: 0 passed, 1 failed\n");
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l < 7 || strcmp(de->d_name + l - 6, ".jsonl") != 0)
			continue;
		if (nnames == capn) {
			capn = capn ? capn * 2 : 64;
			names = xrealloc(names, capn * sizeof(*names));
		}
		names[nnames++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, nnames, sizeof(*names), cmp_str);
	for (i = 0; i < nnames; i++) {
		char path[4096], rid[8], msg[600];
		const char *nm = names[i], *dash = strchr(nm, '-');
		struct result res;
		int rule, flag;

		if (!dash || (size_t)(dash - nm) >= sizeof(rid)) {
			printf("FAIL %s: name is not RULE-flag|ok-WHAT.jsonl\n", nm);
			fail++;
			continue;
		}
		memcpy(rid, nm, (size_t)(dash - nm));
		rid[dash - nm] = '\0';
		rule = ot_rule_from_id(rid);
		if (strncmp(dash, "-flag-", 6) == 0)
			flag = 1;
		else if (strncmp(dash, "-ok-", 4) == 0)
			flag = 0;
		else
			flag = -1;
		if (rule < 0 || flag < 0) {
			printf("FAIL %s: name is not RULE-flag|ok-WHAT.jsonl\n", nm);
			fail++;
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, nm);
		memset(&res, 0, sizeof(res));
		res.verbose = verbose;
		if (verbose)
			printf("%s\n", nm);
		if (run(path, &res, msg, sizeof(msg)) < 0) {
			printf("FAIL %s: %s\n", nm, msg);
			fail++;
			continue;
		}
		if (!res.checked[rule]) {
			printf("FAIL %s: %s not checked\n", nm, rid);
			fail++;
		} else if (flag && res.count[rule] == 0) {
			printf("FAIL %s: %s has no violation\n", nm, rid);
			fail++;
		} else if (!flag && res.count[rule] != 0) {
			printf("FAIL %s: %s has %llu violation%s\n", nm, rid,
			       (unsigned long long)res.count[rule],
			       res.count[rule] == 1 ? "" : "s");
			fail++;
		} else {
			pass++;
		}
	}
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	printf("test_rules: %d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
