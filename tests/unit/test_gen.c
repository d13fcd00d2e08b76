/*
 * test_gen.c - unit tests of the synthetic-trace generator (src/gen).
 *
 * Every scenario writes events and a truth; every line is a JSON object
 * with ts and ev, in non-decreasing ts; the truth parses and is
 * consistent; "scale" streams (100000 objects) and is deterministic per
 * seed.  Last line: "test_gen: N passed, M failed".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cJSON.h>

#include "offtrace/gen.h"

static int passed, failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("FAIL %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

struct evstats {
	uint64_t lines, bad_json, no_ts, no_ev, decreasing;
	uint64_t tcp_initiates;
};

/* ts read from its digits (a double cannot hold ns since 1970). */
static int
raw_ts(const char *line, int64_t *out)
{
	const char *p = strstr(line, "\"ts\":");
	int64_t v = 0;

	if (!p)
		return -1;
	p += 5;
	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	*out = v;
	return 0;
}

static void
scan_events(FILE *f, struct evstats *st, int parse_all)
{
	static char line[70000];
	int64_t last = 0, ts;

	memset(st, 0, sizeof(*st));
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		cJSON *j, *ev;

		st->lines++;
		if (raw_ts(line, &ts) < 0) {
			st->no_ts++;
		} else {
			if (ts < last)
				st->decreasing++;
			last = ts;
		}
		if (strstr(line, "\"ev\":\"initiate\"") &&
		    strstr(line, "\"state\":\"tcp\""))
			st->tcp_initiates++;
		/* parse every line of small traces, a sample of big ones */
		if (!parse_all && st->lines % 97 != 1)
			continue;
		j = cJSON_Parse(line);
		if (!j || !cJSON_IsObject(j)) {
			st->bad_json++;
			cJSON_Delete(j);
			continue;
		}
		if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(j, "ts")))
			st->no_ts++;
		ev = cJSON_GetObjectItemCaseSensitive(j, "ev");
		if (!cJSON_IsString(ev))
			st->no_ev++;
		cJSON_Delete(j);
	}
}

static cJSON *
parse_file(FILE *f)
{
	long n;
	char *buf;
	cJSON *j;

	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (!buf)
		return NULL;
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	j = cJSON_Parse(buf);
	free(buf);
	return j;
}

static double
num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static void
check_truth(const char *name, cJSON *t)
{
	const cJSON *sum, *lat, *v;
	static const char *const kinds[] = { "initiate", "terminate", "update",
					     "invalidate", "query" };
	unsigned k;

	CHECK(t != NULL && cJSON_IsObject(t), "%s: truth does not parse", name);
	if (!t)
		return;
	v = cJSON_GetObjectItemCaseSensitive(t, "scenario");
	CHECK(cJSON_IsString(v) && !strcmp(v->valuestring, name),
	      "%s: truth scenario name", name);
	sum = cJSON_GetObjectItemCaseSensitive(t, "summary");
	CHECK(cJSON_IsObject(sum), "%s: truth summary", name);
	if (cJSON_IsObject(sum)) {
		double o = num(sum, "objects");

		CHECK(o > 0, "%s: summary.objects", name);
		CHECK(num(sum, "offloaded") + num(sum, "failed") <= o,
		      "%s: offloaded + failed <= objects", name);
		/* leaked counts every leak, live_at_end ones included */
		CHECK(num(sum, "terminated") + num(sum, "lost") +
		      num(sum, "leaked") <= num(sum, "offloaded"),
		      "%s: fates of offloaded objects", name);
		CHECK(num(sum, "live_at_end") <= num(sum, "leaked"),
		      "%s: live_at_end leaks among the leaked", name);
	}
	lat = cJSON_GetObjectItemCaseSensitive(t, "latency");
	CHECK(cJSON_IsObject(lat), "%s: truth latency", name);
	for (k = 0; cJSON_IsObject(lat) && k < 5; k++) {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(lat, kinds[k]);
		double c = num(l, "count");

		CHECK(cJSON_IsObject(l) && c >= 0, "%s: latency.%s", name,
		      kinds[k]);
		if (c > 0)
			CHECK(num(l, "p50_ns") <= num(l, "p90_ns") &&
			      num(l, "p90_ns") <= num(l, "p99_ns") &&
			      num(l, "p99_ns") <= num(l, "p999_ns") &&
			      num(l, "p999_ns") <= num(l, "max_ns") &&
			      num(l, "mean_ns") <= num(l, "max_ns"),
			      "%s: latency.%s ordered", name, kinds[k]);
		else if (cJSON_IsObject(l))
			CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(l,
					"p50_ns")),
			      "%s: latency.%s null when empty", name, kinds[k]);
	}
	CHECK(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(t, "violations")),
	      "%s: truth violations", name);
	CHECK(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(t, "leaks")),
	      "%s: truth leaks", name);
}

static int
same_bytes(FILE *a, FILE *b)
{
	char x[65536], y[65536];
	size_t n, m;

	rewind(a);
	rewind(b);
	for (;;) {
		n = fread(x, 1, sizeof(x), a);
		m = fread(y, 1, sizeof(y), b);
		if (n != m || memcmp(x, y, n))
			return 0;
		if (n == 0)
			return 1;
	}
}

static FILE *
gen(const char *name, uint64_t seed, uint64_t objects, FILE **truth)
{
	struct ot_gen_opts o;
	struct ot_err err;
	FILE *ev = tmpfile();
	int rc;

	memset(&err, 0, sizeof(err));
	memset(&o, 0, sizeof(o));
	o.seed = seed;
	o.objects = objects;
	if (truth)
		*truth = tmpfile();
	rc = ot_gen_write(name, &o, ev, truth ? *truth : NULL, &err);
	CHECK(rc == 0, "%s: ot_gen_write: %s", name, err.msg);
	fflush(ev);
	if (truth)
		fflush(*truth);
	return ev;
}

static long
maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

int
main(void)
{
	unsigned i;
	struct evstats st;
	FILE *ev, *tr, *a, *b;
	cJSON *t;
	struct ot_err err;
	struct ot_gen_opts o = { .seed = 1 };
	long rss0, rss1;

	CHECK(ot_gen_nscenarios >= 17, "scenario count %u", ot_gen_nscenarios);
	for (i = 0; i < ot_gen_nscenarios; i++) {
		const char *name = ot_gen_scenarios[i].name;

		CHECK(ot_gen_scenarios[i].summary &&
		      *ot_gen_scenarios[i].summary, "%s: summary", name);
		ev = gen(name, 1, 0, &tr);
		scan_events(ev, &st, 1);
		CHECK(st.lines > 0, "%s: no events", name);
		CHECK(st.bad_json == 0, "%s: %llu lines are not JSON objects",
		      name, (unsigned long long)st.bad_json);
		CHECK(st.no_ts == 0 && st.no_ev == 0, "%s: lines without ts/ev",
		      name);
		CHECK(st.decreasing == 0, "%s: ts decreases", name);
		t = parse_file(tr);
		check_truth(name, t);
		cJSON_Delete(t);
		fclose(ev);
		fclose(tr);
	}

	/* unknown scenario: an error, nothing printed */
	memset(&err, 0, sizeof(err));
	CHECK(ot_gen_write("no-such", &o, stdout, NULL, &err) < 0 &&
	      err.code == OT_EUSAGE, "unknown scenario rejected");

	/* scale: 100000 tcp objects, streamed */
	rss0 = maxrss_kb();
	ev = gen("scale", 7, 100000, &tr);
	rss1 = maxrss_kb();
	scan_events(ev, &st, 0);
	CHECK(st.tcp_initiates == 100000, "scale: %llu tcp initiates",
	      (unsigned long long)st.tcp_initiates);
	CHECK(st.decreasing == 0 && st.bad_json == 0 && st.no_ts == 0,
	      "scale: order and syntax");
	CHECK(rss1 - rss0 < 64 * 1024, "scale: memory grew by %ld kB",
	      rss1 - rss0);
	t = parse_file(tr);
	check_truth("scale", t);
	if (t) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(t, "summary");

		CHECK(num(s, "objects") == 100000 + 8, "scale: objects %.0f",
		      num(s, "objects"));
		CHECK(num(s, "live_at_end") == 0 && num(s, "leaked") == 0,
		      "scale: nothing left");
		CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(t,
				"violations")) == 0, "scale: no violations");
	}
	cJSON_Delete(t);
	fclose(ev);
	fclose(tr);

	/* determinism */
	a = gen("scale", 3, 2000, NULL);
	b = gen("scale", 3, 2000, NULL);
	CHECK(same_bytes(a, b), "scale: same seed, same bytes");
	fclose(b);
	b = gen("scale", 4, 2000, NULL);
	CHECK(!same_bytes(a, b), "scale: different seed, different bytes");
	fclose(a);
	fclose(b);

	printf("test_gen: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
