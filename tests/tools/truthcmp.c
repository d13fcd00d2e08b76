/*
 * truthcmp.c - compare a JSON report with a ground-truth file
 * (doc/report-json.md):
 *
 *	truthcmp REPORT.json TRUTH.json
 *
 * violations as a multiset of (rule, slot), leaks as a multiset of
 * (slot, reason), every key of the truth's summary except "violations",
 * and every field of the five latency kinds, exactly (null matches only
 * null).  A truth written with a capture (gen --pcap) also has the W3 kind
 * "syn_to_offload" and a "capture" object (flows, joined, unjoined): both
 * are then compared exactly too, and must be in the report.  Slots are compared as numbers, so case and leading zeros do not
 * matter.  Prints the differences; exits 0 on match, 1 on mismatch, 2 on
 * usage or parse error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#define MAX_FILE (256u << 20)

static const char *const kinds[] = { "initiate", "terminate", "update",
				     "invalidate", "query", "syn_to_offload" };
#define NREQUIRED 5	/* kinds every truth has; the others when present */
static const char *const latf[] = { "count", "p50_ns", "p90_ns", "p99_ns",
				    "p999_ns", "max_ns", "mean_ns" };

static char *
slurp(const char *path)
{
	FILE *f;
	char *buf = NULL, *nb;
	size_t n = 0, cap = 0, r;

	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "truthcmp: cannot open '%s': %s\n", path,
			strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			if (cap > MAX_FILE) {
				fprintf(stderr, "truthcmp: '%s' too large\n", path);
				free(buf);
				fclose(f);
				return NULL;
			}
			nb = realloc(buf, cap + 1);
			if (!nb) {
				fprintf(stderr, "truthcmp: out of memory\n");
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "truthcmp: cannot read '%s'\n", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static cJSON *
load(const char *path)
{
	char *s = slurp(path);
	cJSON *j;

	if (!s)
		return NULL;
	j = cJSON_Parse(s);
	if (!j || !cJSON_IsObject(j)) {
		fprintf(stderr, "truthcmp: '%s' is not a JSON object\n", path);
		cJSON_Delete(j);
		j = NULL;
	}
	free(s);
	return j;
}

/* A slot as a canonical key: "0x" + lowercase hex without leading zeros,
 * or "null". */
static void
slot_key(const cJSON *v, char *out, size_t len)
{
	unsigned long long u;
	char *end;

	if (!v || cJSON_IsNull(v) || !cJSON_IsString(v)) {
		snprintf(out, len, "null");
		return;
	}
	errno = 0;
	u = strtoull(v->valuestring, &end, 16);
	if (errno || *end || end == v->valuestring)
		snprintf(out, len, "?%s", v->valuestring);
	else
		snprintf(out, len, "0x%llx", u);
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The list's items as sorted "a|b" keys; NULL count on error. */
static char **
keys_of(const cJSON *arr, const char *f1, const char *f2, int slot_first,
	size_t *n)
{
	char **v;
	const cJSON *it;
	size_t i = 0, cnt = (size_t)cJSON_GetArraySize(arr);

	v = calloc(cnt + 1, sizeof(*v));
	if (!v)
		return NULL;
	cJSON_ArrayForEach(it, arr) {
		char slot[64], k[160];
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(it, f1);
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(it, f2);

		if (slot_first) {
			slot_key(a, slot, sizeof(slot));
			snprintf(k, sizeof(k), "%s|%s", slot,
				 cJSON_IsString(b) ? b->valuestring : "?");
		} else {
			slot_key(b, slot, sizeof(slot));
			snprintf(k, sizeof(k), "%s|%s",
				 cJSON_IsString(a) ? a->valuestring : "?", slot);
		}
		v[i] = strdup(k);
		if (!v[i])
			return NULL;
		i++;
	}
	qsort(v, i, sizeof(*v), cmpstr);
	*n = i;
	return v;
}

/* Multiset difference of two sorted key lists; returns mismatches. */
static int
cmp_multiset(const char *what, char **r, size_t nr, char **t, size_t nt)
{
	size_t i = 0, j = 0;
	int bad = 0, c;

	while (i < nr || j < nt) {
		if (i == nr)
			c = 1;
		else if (j == nt)
			c = -1;
		else
			c = strcmp(r[i], t[j]);
		if (c == 0) {
			i++;
			j++;
		} else if (c < 0) {
			printf("%s: unexpected in report: %s\n", what, r[i++]);
			bad++;
		} else {
			printf("%s: missing from report: %s\n", what, t[j++]);
			bad++;
		}
	}
	return bad;
}

static void
free_keys(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
cmp_list(const cJSON *rep, const cJSON *tru, const char *name,
	 const char *f1, const char *f2, int slot_first)
{
	const cJSON *ra = cJSON_GetObjectItemCaseSensitive(rep, name);
	const cJSON *ta = cJSON_GetObjectItemCaseSensitive(tru, name);
	char **rk = NULL, **tk = NULL;
	size_t nr = 0, nt = 0;
	int bad;

	if (!cJSON_IsArray(ta))
		return 0;	/* the truth says nothing */
	if (!cJSON_IsArray(ra)) {
		printf("%s: missing from report\n", name);
		return 1;
	}
	rk = keys_of(ra, f1, f2, slot_first, &nr);
	tk = keys_of(ta, f1, f2, slot_first, &nt);
	if (!rk || !tk) {
		fprintf(stderr, "truthcmp: out of memory\n");
		exit(2);
	}
	bad = cmp_multiset(name, rk, nr, tk, nt);
	free_keys(rk, nr);
	free_keys(tk, nt);
	return bad;
}

/* Print a number or null for messages. */
static void
fmt_val(const cJSON *v, char *out, size_t len)
{
	if (!v)
		snprintf(out, len, "(absent)");
	else if (cJSON_IsNull(v))
		snprintf(out, len, "null");
	else if (cJSON_IsNumber(v))
		snprintf(out, len, "%.0f", v->valuedouble);
	else
		snprintf(out, len, "(not a number)");
}

/* Exact equality of two integer-or-null values (durations and counts stay
 * far below 2^53, where doubles are exact). */
static int
same_val(const cJSON *a, const cJSON *b)
{
	if (!a || !b)
		return 0;
	if (cJSON_IsNull(a) || cJSON_IsNull(b))
		return cJSON_IsNull(a) && cJSON_IsNull(b);
	if (!cJSON_IsNumber(a) || !cJSON_IsNumber(b))
		return 0;
	return a->valuedouble == b->valuedouble;
}

static int
cmp_summary(const cJSON *rep, const cJSON *tru)
{
	const cJSON *rs = cJSON_GetObjectItemCaseSensitive(rep, "summary");
	const cJSON *ts = cJSON_GetObjectItemCaseSensitive(tru, "summary");
	const cJSON *it;
	int bad = 0;

	if (!cJSON_IsObject(ts))
		return 0;
	if (!cJSON_IsObject(rs)) {
		printf("summary: missing from report\n");
		return 1;
	}
	cJSON_ArrayForEach(it, ts) {
		const cJSON *r;
		char a[48], b[48];

		if (!strcmp(it->string, "violations"))
			continue;
		r = cJSON_GetObjectItemCaseSensitive(rs, it->string);
		if (!same_val(r, it)) {
			fmt_val(r, a, sizeof(a));
			fmt_val(it, b, sizeof(b));
			printf("summary.%s: report %s, truth %s\n", it->string,
			       a, b);
			bad++;
		}
	}
	return bad;
}

static int
cmp_latency(const cJSON *rep, const cJSON *tru)
{
	const cJSON *rl = cJSON_GetObjectItemCaseSensitive(rep, "latency");
	const cJSON *tl = cJSON_GetObjectItemCaseSensitive(tru, "latency");
	size_t k, f;
	int bad = 0;

	if (!cJSON_IsObject(tl))
		return 0;
	if (!cJSON_IsObject(rl)) {
		printf("latency: missing from report\n");
		return 1;
	}
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const cJSON *rk = cJSON_GetObjectItemCaseSensitive(rl, kinds[k]);
		const cJSON *tk = cJSON_GetObjectItemCaseSensitive(tl, kinds[k]);

		if (!cJSON_IsObject(tk) && k >= NREQUIRED)
			continue;
		if (!cJSON_IsObject(tk)) {
			printf("latency.%s: missing from truth\n", kinds[k]);
			bad++;
			continue;
		}
		if (!cJSON_IsObject(rk)) {
			printf("latency.%s: missing from report\n", kinds[k]);
			bad++;
			continue;
		}
		for (f = 0; f < sizeof(latf) / sizeof(latf[0]); f++) {
			const cJSON *a = cJSON_GetObjectItemCaseSensitive(rk, latf[f]);
			const cJSON *b = cJSON_GetObjectItemCaseSensitive(tk, latf[f]);
			char x[48], y[48];

			if (!same_val(a, b)) {
				fmt_val(a, x, sizeof(x));
				fmt_val(b, y, sizeof(y));
				printf("latency.%s.%s: report %s, truth %s\n",
				       kinds[k], latf[f], x, y);
				bad++;
			}
		}
	}
	return bad;
}

/* The truth's "capture" counts, when it has them. */
static int
cmp_capture(const cJSON *rep, const cJSON *tru)
{
	static const char *const keys[] = { "flows", "joined", "unjoined" };
	const cJSON *rc = cJSON_GetObjectItemCaseSensitive(rep, "capture");
	const cJSON *tc = cJSON_GetObjectItemCaseSensitive(tru, "capture");
	size_t i;
	int bad = 0;

	if (!cJSON_IsObject(tc))
		return 0;
	if (!cJSON_IsObject(rc)) {
		printf("capture: missing from report\n");
		return 1;
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(rc, keys[i]);
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(tc, keys[i]);
		char x[48], y[48];

		if (!same_val(a, b)) {
			fmt_val(a, x, sizeof(x));
			fmt_val(b, y, sizeof(y));
			printf("capture.%s: report %s, truth %s\n", keys[i], x, y);
			bad++;
		}
	}
	return bad;
}

int
main(int argc, char **argv)
{
	cJSON *rep = NULL, *tru = NULL;
	int bad = 0, rc = 2;

	if (argc != 3) {
		fprintf(stderr, "usage: truthcmp REPORT.json TRUTH.json\n");
		return 2;
	}
	rep = load(argv[1]);
	if (!rep)
		goto out;
	tru = load(argv[2]);
	if (!tru)
		goto out;
	bad += cmp_list(rep, tru, "violations", "rule", "slot", 0);
	bad += cmp_list(rep, tru, "leaks", "slot", "reason", 1);
	bad += cmp_summary(rep, tru);
	bad += cmp_latency(rep, tru);
	bad += cmp_capture(rep, tru);
	if (bad)
		printf("truthcmp: %d difference%s\n", bad, bad == 1 ? "" : "s");
	rc = bad ? 1 : 0;
out:
	cJSON_Delete(rep);
	cJSON_Delete(tru);
	return rc;
}
