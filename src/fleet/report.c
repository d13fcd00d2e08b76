/*
 * report.c - the fleet report: per value of a label (or over all runs) the
 * runs, the run report's summary summed, leaks by reason, violations and
 * rules, and the latency of each operation kind (overall and per adapter
 * and layer) with nearest-rank percentiles exactly as the run report
 * computes them (src/report/model.c), so a fleet report over one run has
 * that run's numbers.  Every query counts only whole runs: it joins the
 * latest runs row of each run (schemas/clickhouse.sql, "Atomicity").
 * The text and JSON forms are here; the HTML page is src/fleet/html.c.
 */
#include "offtrace/fleet.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GROUPS 4096

static void
sql_quote(char **b, size_t *l, size_t *c, const char *s)
{
	ot_tsv_append_quoted(b, l, c, s, strlen(s));
}

/*
 * The runs that count, as the right side of a join (runs_local: it runs on
 * each shard), with their group g and, with_day, the UTC day of their push
 * (days since 1970: no time zone of the server's in the way).
 */
static char *
current_runs(const struct ot_fleet_query *q, int with_day)
{
	char *b = NULL;
	size_t l = 0, c = 0, i;

	ot_buf_printf(&b, &l, &c, "(SELECT run_id, push_id, g%s FROM (SELECT run_id,"
		      " push_id, start_ns, %s", with_day ? ", day" : "",
		      with_day ? "intDiv(pushed_ns, 86400000000000) AS day, " : "");
	if (q->by) {
		ot_buf_printf(&b, &l, &c, "label_values[indexOf(label_keys, ");
		sql_quote(&b, &l, &c, q->by);
		ot_buf_printf(&b, &l, &c, ")]");
	} else {
		ot_buf_printf(&b, &l, &c, "''");
	}
	ot_buf_printf(&b, &l, &c, " AS g FROM %s.runs_local ORDER BY pushed_ns DESC"
		      " LIMIT 1 BY run_id) WHERE 1", "%DB%");
	if (q->since != OT_T_NONE)
		ot_buf_printf(&b, &l, &c, " AND start_ns >= %" PRId64, q->since);
	if (q->only && q->nonly) {
		ot_buf_printf(&b, &l, &c, " AND g IN (");
		for (i = 0; i < q->nonly; i++) {
			if (i)
				ot_buf_printf(&b, &l, &c, ", ");
			sql_quote(&b, &l, &c, q->only[i]);
		}
		ot_buf_printf(&b, &l, &c, ")");
	}
	ot_buf_printf(&b, &l, &c, ")");
	return b;
}

/* sql with every %CUR% replaced by cur and %DB% by the database */
static char *
expand(const char *sql, const char *cur, const char *db)
{
	char *b = NULL;
	size_t l = 0, c = 0;
	const char *p = sql, *q;

	while ((q = strchr(p, '%')) != NULL) {
		ot_buf_append(&b, &l, &c, p, (size_t)(q - p));
		if (strncmp(q, "%CUR%", 5) == 0) {
			char *e = expand(cur, "", db);

			ot_buf_append(&b, &l, &c, e, strlen(e));
			free(e);
			p = q + 5;
		} else if (strncmp(q, "%DB%", 4) == 0) {
			ot_buf_append(&b, &l, &c, db, strlen(db));
			p = q + 4;
		} else {
			ot_buf_append(&b, &l, &c, "%", 1);
			p = q + 1;
		}
	}
	ot_buf_append(&b, &l, &c, p, strlen(p));
	return b;
}

static uint64_t
u64(const char *s)
{
	int64_t v = 0;

	if (s == NULL || ot_parse_i64(s, strlen(s), &v) < 0 || v < 0)
		return 0;
	return (uint64_t)v;
}

static int64_t
i64(const char *s)
{
	int64_t v = 0;

	if (s == NULL || ot_parse_i64(s, strlen(s), &v) < 0)
		return 0;
	return v;
}

static struct ot_fleet_group *
group_get(struct ot_fleet_report *r, const char *value)
{
	size_t i;

	for (i = 0; i < r->ngroups; i++)
		if (strcmp(r->groups[i].value, value ? value : "") == 0)
			return &r->groups[i];
	if (r->ngroups >= MAX_GROUPS)
		return NULL;
	r->groups = xrealloc(r->groups, st_mult(r->ngroups + 1, sizeof(*r->groups)));
	memset(&r->groups[r->ngroups], 0, sizeof(r->groups[0]));
	snprintf(r->groups[r->ngroups].value, sizeof(r->groups[0].value), "%s",
		 value ? value : "");
	return &r->groups[r->ngroups++];
}

/* Run a query of the report (TSV); each row to fn. */
static int
rows(struct ot_ch *ch, const char *tmpl, const char *cur,
     int (*fn)(struct ot_fleet_report *r, char **f, size_t n),
     struct ot_fleet_report *r, struct ot_err *err)
{
	char *sql = expand(tmpl, cur, ot_ch_database(ch)), *out = NULL, *f[32];
	size_t olen = 0, pos = 0, n;
	int ret = -1;

	if (ot_ch_query(ch, sql, &out, &olen, err) < 0)
		goto out;
	while ((n = ot_tsv_next_row(out, olen, &pos, f, 32)) > 0) {
		if (n == 1 && f[0] && !*f[0])
			continue;
		if (fn(r, f, n) < 0) {
			ot_errorf(err, OT_EINTERNAL, "%s: unexpected answer to a report"
				  " query", ot_ch_name(ch));
			goto out;
		}
	}
	ret = 0;
out:
	free(sql);
	free(out);
	return ret;
}

static int
on_runs(struct ot_fleet_report *r, char **f, size_t n)
{
	struct ot_fleet_group *g;

	if (n != 14 || (g = group_get(r, f[0])) == NULL)
		return -1;
	g->runs = u64(f[1]);
	g->events = u64(f[2]);
	g->objects = u64(f[3]);
	g->offloaded = u64(f[4]);
	g->failed = u64(f[5]);
	g->terminated = u64(f[6]);
	g->lost = u64(f[7]);
	g->live_at_end = u64(f[8]);
	g->leaked = u64(f[9]);
	g->errors = u64(f[10]);
	g->warnings = u64(f[11]);
	g->first_push_ns = i64(f[12]);
	g->last_push_ns = i64(f[13]);
	return 0;
}

static int
on_leaks(struct ot_fleet_report *r, char **f, size_t n)
{
	struct ot_fleet_group *g;
	int k;

	if (n != 3 || (g = group_get(r, f[0])) == NULL)
		return -1;
	for (k = 0; k < OT_LEAK_COUNT; k++)
		if (f[1] && strcmp(f[1], ot_leak_reason_names[k]) == 0)
			g->leaked_by_reason[k] += u64(f[2]);
	return 0;
}

static int
on_rules(struct ot_fleet_report *r, char **f, size_t n)
{
	struct ot_fleet_group *g;
	struct ot_fleet_rule *u;

	if (n != 7 || (g = group_get(r, f[0])) == NULL)
		return -1;
	g->rules = xrealloc(g->rules, st_mult(g->nrules + 1, sizeof(*g->rules)));
	u = &g->rules[g->nrules++];
	memset(u, 0, sizeof(*u));
	snprintf(u->rule, sizeof(u->rule), "%s", f[1] ? f[1] : "");
	snprintf(u->severity, sizeof(u->severity), "%s", f[3] ? f[3] : "");
	u->checked = u64(f[4]);
	u->not_checked = u64(f[5]);
	u->violations = u64(f[6]);
	return 0;
}

static int
on_lat(struct ot_fleet_report *r, char **f, size_t n)
{
	struct ot_fleet_group *g;
	struct ot_fleet_lat *l;

	if (n != 12 || (g = group_get(r, f[0])) == NULL)
		return -1;
	g->lat = xrealloc(g->lat, st_mult(g->nlat + 1, sizeof(*g->lat)));
	l = &g->lat[g->nlat++];
	memset(l, 0, sizeof(*l));
	snprintf(l->adapter, sizeof(l->adapter), "%s", f[1] ? f[1] : "");
	snprintf(l->layer, sizeof(l->layer), "%s", f[2] ? f[2] : "");
	snprintf(l->kind, sizeof(l->kind), "%s", f[3] ? f[3] : "");
	l->lat.count = u64(f[4]);
	l->lat.p50 = i64(f[5]);
	l->lat.p90 = i64(f[6]);
	l->lat.p99 = i64(f[7]);
	l->lat.p999 = i64(f[8]);
	l->lat.max = i64(f[9]);
	l->lat.mean = i64(f[10]);
	return 0;
}

static int
on_worst(struct ot_fleet_report *r, char **f, size_t n)
{
	struct ot_fleet_run *w;

	if (n != 8 || r->nworst >= OT_FLEET_WORST)
		return -1;
	w = &r->worst[r->nworst++];
	snprintf(w->run_id, sizeof(w->run_id), "%s", f[0] ? f[0] : "");
	snprintf(w->name, sizeof(w->name), "%s", f[1] ? f[1] : "");
	snprintf(w->labels, sizeof(w->labels), "%s", f[2] ? f[2] : "");
	w->start_ns = f[3] ? i64(f[3]) : OT_T_NONE;
	w->objects = u64(f[4]);
	w->leaked = u64(f[5]);
	w->errors = u64(f[6]);
	w->warnings = u64(f[7]);
	return 0;
}

#define JOIN_CUR " ANY INNER JOIN %CUR% USING (run_id, push_id)"

static const char q_runs[] =
	"SELECT g, count(), sum(events), sum(objects), sum(offloaded), sum(failed),"
	" sum(terminated), sum(lost), sum(live_at_end), sum(leaked), sum(errors),"
	" sum(warnings), min(pushed_ns), max(pushed_ns) FROM %DB%.runs" JOIN_CUR
	" GROUP BY g ORDER BY g FORMAT TabSeparated";
static const char q_leaks[] =
	"SELECT g, reason, count() FROM %DB%.leaks" JOIN_CUR
	" GROUP BY g, reason ORDER BY g, reason FORMAT TabSeparated";
static const char q_rules[] =
	"SELECT g, rule, min(ord) AS o, any(severity), sum(checked),"
	" sum(1 - checked), sum(count) FROM %DB%.rules" JOIN_CUR
	" GROUP BY g, rule ORDER BY g, o, rule FORMAT TabSeparated";

/*
 * Nearest rank (doc/rules.md 4, ot_nearest_rank): the value at 1-based
 * rank ceil(p * n / 100) of the sorted values, p in thousandths.
 */
#define NR(p) "s[toUInt64(greatest(1, intDiv(n * " #p " + 99999, 100000)))]"
#define LAT_OUT NR(50000) ", " NR(90000) ", " NR(99000) ", " NR(99900) \
	", mx, intDiv(sm, n), 0"

static const char q_lat_kind[] =
	"SELECT g, '', '', kind, n, " LAT_OUT " FROM (SELECT g, kind, "
	"count() AS n, arraySort(groupArray(assumeNotNull(latency_ns))) AS s,"
	" max(assumeNotNull(latency_ns)) AS mx, sum(assumeNotNull(latency_ns)) AS sm"
	" FROM %DB%.operations" JOIN_CUR " WHERE latency_ns IS NOT NULL"
	" GROUP BY g, kind) ORDER BY g, kind FORMAT TabSeparated";
static const char q_lat_syn[] =
	"SELECT g, '', '', 'syn_to_offload', n, " LAT_OUT " FROM (SELECT g, "
	"count() AS n, arraySort(groupArray(assumeNotNull(syn_to_offload_ns))) AS s,"
	" max(assumeNotNull(syn_to_offload_ns)) AS mx,"
	" sum(assumeNotNull(syn_to_offload_ns)) AS sm"
	" FROM %DB%.flow_objects" JOIN_CUR " WHERE syn_to_offload_ns IS NOT NULL"
	" GROUP BY g) ORDER BY g FORMAT TabSeparated";
static const char q_lat_adapter[] =
	"SELECT g, adapter, layer, kind, n, " LAT_OUT " FROM (SELECT g, adapter,"
	" layer, kind, count() AS n,"
	" arraySort(groupArray(assumeNotNull(latency_ns))) AS s,"
	" max(assumeNotNull(latency_ns)) AS mx, sum(assumeNotNull(latency_ns)) AS sm"
	" FROM %DB%.operations" JOIN_CUR " WHERE latency_ns IS NOT NULL"
	" AND layer IN ('target', 'im', 'host')"
	" GROUP BY g, adapter, layer, kind) ORDER BY g, adapter,"
	" indexOf(['target', 'im', 'host'], layer), kind FORMAT TabSeparated";
static const char q_worst[] =
	"SELECT run_id, name, arrayStringConcat(arrayMap((k, v) -> concat(k, '=', v),"
	" label_keys, label_values), ','), start_ns, objects, leaked, errors, warnings"
	" FROM %DB%.runs" JOIN_CUR " ORDER BY leaked DESC, errors DESC,"
	" warnings DESC, run_id LIMIT 5 FORMAT TabSeparated";

/* the latest nights first, LIMIT one more than kept: it tells there are more */
static const char q_nights[] =
	"SELECT day, count(), sum(objects), sum(leaked) FROM %%DB%%.runs"
	" ANY INNER JOIN %%CUR%% USING (run_id, push_id)"
	" GROUP BY day ORDER BY day DESC LIMIT %d FORMAT TabSeparated";
static const char q_night_leaks[] =
	"SELECT day, reason, count() FROM %DB%.leaks" JOIN_CUR
	" GROUP BY day, reason ORDER BY day, reason FORMAT TabSeparated";

static int
on_night(struct ot_fleet_report *r, char **f, size_t n)
{
	struct ot_fleet_night *d;

	if (n != 4)
		return -1;
	if (r->nnights == OT_FLEET_MAX_NIGHTS) {
		r->nights_more = 1;
		return 0;
	}
	r->nights = xrealloc(r->nights, st_mult(r->nnights + 1, sizeof(*r->nights)));
	d = &r->nights[r->nnights++];
	memset(d, 0, sizeof(*d));
	d->day = i64(f[0]);
	d->runs = u64(f[1]);
	d->objects = u64(f[2]);
	d->leaked = u64(f[3]);
	return 0;
}

static int
cmp_night(const void *a, const void *b)
{
	int64_t x = ((const struct ot_fleet_night *)a)->day;
	int64_t y = ((const struct ot_fleet_night *)b)->day;

	return (x > y) - (x < y);
}

static int
on_night_leak(struct ot_fleet_report *r, char **f, size_t n)
{
	struct ot_fleet_night key, *d;
	int k;

	if (n != 3)
		return -1;
	key.day = i64(f[0]);
	d = r->nnights ? bsearch(&key, r->nights, r->nnights, sizeof(*r->nights),
				 cmp_night) : NULL;
	if (d == NULL)		/* a night older than those kept */
		return 0;
	for (k = 0; k < OT_LEAK_COUNT; k++)
		if (f[1] && strcmp(f[1], ot_leak_reason_names[k]) == 0)
			d->leaked_by_reason[k] += u64(f[2]);
	return 0;
}

/* The nights of q's runs into r, ascending. */
static int
load_nights(struct ot_ch *ch, const struct ot_fleet_query *q,
	    struct ot_fleet_report *r, struct ot_err *err)
{
	char *cur = current_runs(q, 1), *sql = NULL;
	size_t l = 0, c = 0;
	int ret = -1;

	ot_buf_printf(&sql, &l, &c, q_nights, OT_FLEET_MAX_NIGHTS + 1);
	if (rows(ch, sql, cur, on_night, r, err) < 0)
		goto out;
	if (r->nnights > 1)
		qsort(r->nights, r->nnights, sizeof(*r->nights), cmp_night);
	if (rows(ch, q_night_leaks, cur, on_night_leak, r, err) < 0)
		goto out;
	ret = 0;
out:
	free(sql);
	free(cur);
	return ret;
}

static int
kind_index(const char *k)
{
	int i;

	for (i = 0; i < OT_KIND_COUNT; i++)
		if (strcmp(k, ot_kind_names[i]) == 0)
			return i;
	return strcmp(k, "syn_to_offload") == 0 ? OT_KIND_COUNT : OT_KIND_COUNT + 1;
}

/* per kind first (report order), then per adapter, layer, kind */
static int
cmp_lat(const void *a, const void *b)
{
	const struct ot_fleet_lat *x = a, *y = b;
	int ax = x->layer[0] != '\0', ay = y->layer[0] != '\0', c;

	if (ax != ay)
		return ax - ay;
	if (ax) {
		if ((c = strcmp(x->adapter, y->adapter)) != 0)
			return c;
		if ((c = ot_layer_from_name(x->layer, strlen(x->layer)) -
			 ot_layer_from_name(y->layer, strlen(y->layer))) != 0)
			return c;
	}
	return kind_index(x->kind) - kind_index(y->kind);
}

static int
cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct ot_fleet_group *)a)->value,
		      ((const struct ot_fleet_group *)b)->value);
}

int
ot_fleet_report_load(struct ot_ch *ch, const struct ot_fleet_query *q,
		     struct ot_fleet_report *r, struct ot_err *err)
{
	char *cur;
	size_t i;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	snprintf(r->by, sizeof(r->by), "%s", q->by ? q->by : "");
	r->since = q->since;
	cur = current_runs(q, 0);
	if (rows(ch, q_runs, cur, on_runs, r, err) < 0 ||
	    rows(ch, q_leaks, cur, on_leaks, r, err) < 0 ||
	    rows(ch, q_rules, cur, on_rules, r, err) < 0 ||
	    rows(ch, q_lat_kind, cur, on_lat, r, err) < 0 ||
	    rows(ch, q_lat_syn, cur, on_lat, r, err) < 0 ||
	    rows(ch, q_lat_adapter, cur, on_lat, r, err) < 0 ||
	    rows(ch, q_worst, cur, on_worst, r, err) < 0 ||
	    (q->nights && load_nights(ch, q, r, err) < 0))
		goto out;
	if (r->ngroups > 1)
		qsort(r->groups, r->ngroups, sizeof(*r->groups), cmp_group);
	for (i = 0; i < r->ngroups; i++)
		if (r->groups[i].nlat > 1)
			qsort(r->groups[i].lat, r->groups[i].nlat,
			      sizeof(*r->groups[i].lat), cmp_lat);
	ret = 0;
out:
	free(cur);
	if (ret < 0)
		ot_fleet_report_release(r);
	return ret;
}

void
ot_fleet_report_release(struct ot_fleet_report *r)
{
	size_t i;

	for (i = 0; i < r->ngroups; i++) {
		free(r->groups[i].rules);
		free(r->groups[i].lat);
	}
	free(r->groups);
	r->groups = NULL;
	r->ngroups = 0;
	free(r->nights);
	r->nights = NULL;
	r->nnights = 0;
}

const struct ot_fleet_group *
ot_fleet_group_find(const struct ot_fleet_report *r, const char *value)
{
	size_t i;

	for (i = 0; i < r->ngroups; i++)
		if (strcmp(r->groups[i].value, value) == 0)
			return &r->groups[i];
	return NULL;
}

const struct ot_lat *
ot_fleet_group_lat(const struct ot_fleet_group *g, const char *kind)
{
	size_t i;

	for (i = 0; g && i < g->nlat; i++)
		if (g->lat[i].layer[0] == '\0' && strcmp(g->lat[i].kind, kind) == 0)
			return &g->lat[i].lat;
	return NULL;
}

/* ---- text ---- */

static double
rate(uint64_t n, uint64_t of)
{
	return of ? (double)n / (double)of : 0.0;
}

static void
lat_line(FILE *out, const char *name, const struct ot_lat *l)
{
	char b[5][32];

	fprintf(out, "    %-16s %9" PRIu64 " %9s %9s %9s %9s %9s\n", name, l->count,
		ot_fmt_dur(l->p50, b[0], sizeof(b[0])), ot_fmt_dur(l->p90, b[1], sizeof(b[1])),
		ot_fmt_dur(l->p99, b[2], sizeof(b[2])), ot_fmt_dur(l->p999, b[3], sizeof(b[3])),
		ot_fmt_dur(l->max, b[4], sizeof(b[4])));
}

static void
group_text(const struct ot_fleet_report *r, const struct ot_fleet_group *g,
	   FILE *out)
{
	size_t i;
	int k, any;

	if (r->by[0]) {
		/* values from the runs' traces: escaped for the terminal */
		fprintf(out, "%s=", r->by);
		ot_term_puts(out, g->value[0] ? g->value : "(none)");
	} else
		fputs("all runs", out);
	fprintf(out, ": %" PRIu64 " run%s, %" PRIu64 " events\n", g->runs,
		g->runs == 1 ? "" : "s", g->events);
	fprintf(out, "  objects %" PRIu64 " (offloaded %" PRIu64 ", failed %" PRIu64
		", terminated %" PRIu64 ", lost %" PRIu64 ")\n", g->objects, g->offloaded,
		g->failed, g->terminated, g->lost);
	fprintf(out, "  leaked %" PRIu64 " (leak rate %.4f%%)", g->leaked,
		100.0 * rate(g->leaked, g->objects));
	for (k = 0, any = 0; k < OT_LEAK_COUNT; k++) {
		if (g->leaked_by_reason[k] == 0)
			continue;
		fprintf(out, "%s%s %" PRIu64 " (%.4f%%)", any++ ? ", " : ": ",
			ot_leak_reason_names[k], g->leaked_by_reason[k],
			100.0 * rate(g->leaked_by_reason[k], g->objects));
	}
	fprintf(out, "\n  violations: %" PRIu64 " error%s, %" PRIu64 " warning%s",
		g->errors, g->errors == 1 ? "" : "s", g->warnings,
		g->warnings == 1 ? "" : "s");
	for (i = 0, any = 0; i < g->nrules; i++)
		if (g->rules[i].violations) {
			fputs(any++ ? ", " : ": ", out);
			ot_term_puts(out, g->rules[i].rule);
			fprintf(out, " %" PRIu64, g->rules[i].violations);
		}
	fputc('\n', out);
	for (i = 0, any = 0; i < g->nrules; i++)
		if (g->rules[i].not_checked) {
			fputs(any++ ? ", " : "  not checked (runs): ", out);
			ot_term_puts(out, g->rules[i].rule);
			fprintf(out, " %" PRIu64, g->rules[i].not_checked);
		}
	if (any)
		fputc('\n', out);
	if (g->nlat == 0) {
		fputs("  no completed operation\n", out);
		return;
	}
	fprintf(out, "  %-18s %9s %9s %9s %9s %9s %9s\n", "latency", "count", "p50",
		"p90", "p99", "p99.9", "max");
	for (i = 0; i < g->nlat; i++) {
		const struct ot_fleet_lat *l = &g->lat[i];
		char name[300];

		if (l->layer[0] == '\0') {
			lat_line(out, l->kind, &l->lat);
			continue;
		}
		if (i == 0 || g->lat[i - 1].layer[0] == '\0' ||
		    strcmp(g->lat[i - 1].adapter, l->adapter) ||
		    strcmp(g->lat[i - 1].layer, l->layer)) {
			fputs("  ", out);
			ot_term_puts(out, l->adapter[0] ? l->adapter : "(no adapter)");
			fputc('/', out);
			ot_term_puts(out, l->layer);
			fputc('\n', out);
		}
		snprintf(name, sizeof(name), "  %s", l->kind);
		lat_line(out, name, &l->lat);
	}
}

int
ot_fleet_report_text(const struct ot_fleet_report *r, FILE *out)
{
	char tb[OT_TIMEBUF];
	size_t i;
	uint64_t runs = 0;

	for (i = 0; i < r->ngroups; i++)
		runs += r->groups[i].runs;
	fprintf(out, "fleet: %" PRIu64 " run%s", runs, runs == 1 ? "" : "s");
	if (r->since != OT_T_NONE)
		fprintf(out, " since %s", ot_fmt_time(r->since, tb));
	if (r->by[0])
		fprintf(out, ", by %s", r->by);
	fputs("\n", out);
	for (i = 0; i < r->ngroups; i++) {
		fputc('\n', out);
		group_text(r, &r->groups[i], out);
	}
	if (r->nworst) {
		fputs("\nworst runs (most leaks, then errors):\n", out);
		for (i = 0; i < r->nworst; i++) {
			const struct ot_fleet_run *w = &r->worst[i];

			fprintf(out, "  %.16s  leaked %" PRIu64 ", errors %" PRIu64 ", warnings %"
				PRIu64 "  ", w->run_id, w->leaked, w->errors, w->warnings);
			ot_term_puts(out, w->name);
			fputs("  [", out);
			ot_term_puts(out, w->labels);
			fputs("]\n", out);
		}
	}
	return ferror(out) ? -1 : 0;
}

/* ---- JSON (printed directly: exact integers, fixed key order) ---- */

static void
json_dist(FILE *out, const struct ot_lat *l)
{
	int p = l && l->count > 0;

	fprintf(out, "{ \"count\": %" PRIu64, l ? l->count : 0);
	if (p)
		fprintf(out, ", \"p50_ns\": %" PRId64 ", \"p90_ns\": %" PRId64 ", \"p99_ns\": %"
			PRId64 ", \"p999_ns\": %" PRId64 ", \"max_ns\": %" PRId64
			", \"mean_ns\": %" PRId64 " }", l->p50, l->p90, l->p99, l->p999,
			l->max, l->mean);
	else
		fputs(", \"p50_ns\": null, \"p90_ns\": null, \"p99_ns\": null,"
		      " \"p999_ns\": null, \"max_ns\": null, \"mean_ns\": null }", out);
}

static void
group_json(const struct ot_fleet_group *g, FILE *out, const char *ind)
{
	size_t i;
	int k, first;

	fprintf(out, "%s{ \"value\": ", ind);
	ot_json_string(out, g->value);
	fprintf(out, ", \"runs\": %" PRIu64 ", \"events\": %" PRIu64 ",\n", g->runs,
		g->events);
	fprintf(out, "%s  \"summary\": { \"objects\": %" PRIu64 ", \"offloaded\": %" PRIu64
		", \"failed\": %" PRIu64 ", \"terminated\": %" PRIu64 ", \"lost\": %" PRIu64
		", \"live_at_end\": %" PRIu64 ", \"leaked\": %" PRIu64
		", \"violations\": { \"error\": %" PRIu64 ", \"warning\": %" PRIu64 " } },\n",
		ind, g->objects, g->offloaded, g->failed, g->terminated, g->lost,
		g->live_at_end, g->leaked, g->errors, g->warnings);
	fprintf(out, "%s  \"leak_rate\": %.6f,\n%s  \"leaks_by_reason\": {", ind,
		rate(g->leaked, g->objects), ind);
	for (k = 0; k < OT_LEAK_COUNT; k++)
		fprintf(out, "%s \"%s\": { \"count\": %" PRIu64 ", \"rate\": %.6f }",
			k ? "," : "", ot_leak_reason_names[k], g->leaked_by_reason[k],
			rate(g->leaked_by_reason[k], g->objects));
	fprintf(out, " },\n%s  \"rules\": [", ind);
	for (i = 0; i < g->nrules; i++) {
		const struct ot_fleet_rule *u = &g->rules[i];

		fprintf(out, "%s\n%s    { \"id\": ", i ? "," : "", ind);
		ot_json_string(out, u->rule);
		fputs(", \"severity\": ", out);
		ot_json_string(out, u->severity);
		fprintf(out, ", \"violations\": %" PRIu64 ", \"runs_checked\": %" PRIu64
			", \"runs_not_checked\": %" PRIu64 " }", u->violations, u->checked,
			u->not_checked);
	}
	fprintf(out, "%s],\n%s  \"latency\": {\n", g->nrules ? "\n" : "", ind);
	for (k = 0; k <= OT_KIND_COUNT; k++) {
		const char *name = k < OT_KIND_COUNT ? ot_kind_names[k] : "syn_to_offload";

		fprintf(out, "%s    \"%s\": ", ind, name);
		json_dist(out, ot_fleet_group_lat(g, name));
		fputs(k < OT_KIND_COUNT ? ",\n" : "\n", out);
	}
	fprintf(out, "%s  },\n%s  \"latency_by_adapter\": [", ind, ind);
	for (i = 0, first = 1; i < g->nlat; i++) {
		const struct ot_fleet_lat *l = &g->lat[i];

		if (l->layer[0] == '\0')
			continue;
		fprintf(out, "%s\n%s    { \"adapter\": ", first ? "" : ",", ind);
		first = 0;
		ot_json_string(out, l->adapter);
		fputs(", \"layer\": ", out);
		ot_json_string(out, l->layer);
		fputs(", \"kind\": ", out);
		ot_json_string(out, l->kind);
		fprintf(out, ", \"count\": %" PRIu64
			", \"p50_ns\": %" PRId64 ", \"p90_ns\": %" PRId64 ", \"p99_ns\": %"
			PRId64 ", \"p999_ns\": %" PRId64 ", \"max_ns\": %" PRId64
			", \"mean_ns\": %" PRId64 " }", l->lat.count,
			l->lat.p50, l->lat.p90, l->lat.p99, l->lat.p999, l->lat.max,
			l->lat.mean);
	}
	fprintf(out, "%s] }", first ? "" : "\n");
}

static void
head_json(const struct ot_fleet_report *r, FILE *out)
{
	fputs("{\n  \"offtrace_fleet_report\": 1,\n  \"by\": ", out);
	if (r->by[0])
		ot_json_string(out, r->by);
	else
		fputs("null", out);
	fputs(",\n  \"since_ns\": ", out);
	if (r->since == OT_T_NONE)
		fputs("null", out);
	else
		fprintf(out, "%" PRId64, r->since);
	fputs(",\n", out);
}

int
ot_fleet_report_json(const struct ot_fleet_report *r, FILE *out)
{
	size_t i;

	head_json(r, out);
	fputs("  \"groups\": [", out);
	for (i = 0; i < r->ngroups; i++) {
		fputs(i ? ",\n" : "\n", out);
		group_json(&r->groups[i], out, "    ");
	}
	fputs(r->ngroups ? "\n  ],\n" : "],\n", out);
	fputs("  \"worst_runs\": [", out);
	for (i = 0; i < r->nworst; i++) {
		const struct ot_fleet_run *w = &r->worst[i];

		fprintf(out, "%s\n    { \"run_id\": ", i ? "," : "");
		ot_json_string(out, w->run_id);
		fputs(", \"name\": ", out);
		ot_json_string(out, w->name);
		fputs(", \"labels\": ", out);
		ot_json_string(out, w->labels);
		fprintf(out, ", \"objects\": %" PRIu64 ", \"leaked\": %" PRIu64
			", \"errors\": %" PRIu64 ", \"warnings\": %" PRIu64 " }", w->objects,
			w->leaked, w->errors, w->warnings);
	}
	fputs(r->nworst ? "\n  ]\n}\n" : "]\n}\n", out);
	return ferror(out) ? -1 : 0;
}

/* ---- --compare ---- */

static void
cmp_row_u(FILE *out, const char *what, uint64_t a, uint64_t b)
{
	fprintf(out, "  %-24s %14" PRIu64 " %14" PRIu64 " %+15" PRId64 "\n", what, a, b,
		(int64_t)(b - a));
}

static void
cmp_row_pct(FILE *out, const char *what, double a, double b)
{
	char d[32];

	snprintf(d, sizeof(d), "%+.4f%%", 100.0 * (b - a));
	fprintf(out, "  %-24s %13.4f%% %13.4f%% %15s\n", what, 100.0 * a, 100.0 * b, d);
}

static void
cmp_row_dur(FILE *out, const char *what, const struct ot_lat *a,
	    const struct ot_lat *b, int which)
{
	char x[32] = "-", y[32] = "-", d[40] = "";
	int64_t va = 0, vb = 0;

	if (a) {
		va = which == 0 ? a->p50 : which == 1 ? a->p90 : which == 2 ? a->p99 : a->max;
		ot_fmt_dur(va, x, sizeof(x));
	}
	if (b) {
		vb = which == 0 ? b->p50 : which == 1 ? b->p90 : which == 2 ? b->p99 : b->max;
		ot_fmt_dur(vb, y, sizeof(y));
	}
	if (a && b && va > 0)
		snprintf(d, sizeof(d), "%+.1f%%", 100.0 * ((double)vb - (double)va) /
			 (double)va);
	fprintf(out, "  %-24s %14s %14s %15s\n", what, x, y, d);
}

int
ot_fleet_compare_text(const struct ot_fleet_report *r,
		      const struct ot_fleet_group *a, const char *aname,
		      const struct ot_fleet_group *b, const char *bname, FILE *out)
{
	static const struct ot_fleet_group none;
	static const char *const pn[4] = { "p50", "p90", "p99", "max" };
	const struct ot_fleet_group *x = a ? a : &none, *y = b ? b : &none;
	char what[64];
	int k, w;

	fprintf(out, "fleet: %s=%s against %s=%s\n\n", r->by, aname, r->by, bname);
	fprintf(out, "  %-24s %14.14s %14.14s %15s\n", "", aname, bname, "change");
	cmp_row_u(out, "runs", x->runs, y->runs);
	cmp_row_u(out, "objects", x->objects, y->objects);
	cmp_row_u(out, "leaked", x->leaked, y->leaked);
	cmp_row_pct(out, "leak rate", rate(x->leaked, x->objects),
		    rate(y->leaked, y->objects));
	for (k = 0; k < OT_LEAK_COUNT; k++) {
		if (!x->leaked_by_reason[k] && !y->leaked_by_reason[k])
			continue;
		snprintf(what, sizeof(what), "  %s", ot_leak_reason_names[k]);
		cmp_row_pct(out, what, rate(x->leaked_by_reason[k], x->objects),
			    rate(y->leaked_by_reason[k], y->objects));
	}
	cmp_row_u(out, "errors", x->errors, y->errors);
	cmp_row_u(out, "warnings", x->warnings, y->warnings);
	for (k = 0; k <= OT_KIND_COUNT; k++) {
		const char *name = k < OT_KIND_COUNT ? ot_kind_names[k] : "syn_to_offload";
		const struct ot_lat *la = ot_fleet_group_lat(x, name);
		const struct ot_lat *lb = ot_fleet_group_lat(y, name);

		if (!la && !lb)
			continue;
		for (w = 0; w < 4; w++) {
			snprintf(what, sizeof(what), "%s %s", name, pn[w]);
			cmp_row_dur(out, what, la, lb, w);
		}
	}
	if (!a)
		fprintf(out, "\n(no run has %s=%s)\n", r->by, aname);
	if (!b)
		fprintf(out, "\n(no run has %s=%s)\n", r->by, bname);
	return ferror(out) ? -1 : 0;
}

int
ot_fleet_compare_json(const struct ot_fleet_report *r,
		      const struct ot_fleet_group *a, const char *aname,
		      const struct ot_fleet_group *b, const char *bname, FILE *out)
{
	head_json(r, out);
	fputs("  \"compare\": [\n", out);
	if (a)
		group_json(a, out, "    ");
	else {
		fputs("    { \"value\": ", out);
		ot_json_string(out, aname);
		fputs(", \"runs\": 0 }", out);
	}
	fputs(",\n", out);
	if (b)
		group_json(b, out, "    ");
	else {
		fputs("    { \"value\": ", out);
		ot_json_string(out, bname);
		fputs(", \"runs\": 0 }", out);
	}
	fputs("\n  ]\n}\n", out);
	return ferror(out) ? -1 : 0;
}
