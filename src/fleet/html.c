/*
 * html.c - the fleet report as one self-contained HTML page, with the care
 * of the run report's (src/report/html.c): inline CSS and SVG, no script,
 * no external resource, a strict Content-Security-Policy; every string
 * from the server (label values, adapters, run names, rules) escaped by
 * ot_html_string(); every chart titled, its axes named with their units,
 * and a table behind it holding the numbers it draws; no generation time,
 * groups and rows in a fixed order, so the same fleet gives the same bytes.
 * The page is also well-formed XML (polyglot markup: every element
 * closed, numeric character references only), so that xmllint reads it.
 *
 * Sections: summary cards; p99 latency per operation kind per group of
 * the --by label, the groups in the order of their first push (a log
 * scale when the p99s span a decade or more); leaks per night (the UTC
 * day of the push: leaked objects stacked by reason, and the leak rate);
 * then the numbers of the JSON report as tables: per group the runs and
 * summary; the worst runs; leaks by reason; latency per kind and per
 * adapter and layer; violations and rules.  --compare: the two groups side by
 * side with the change, their p99s on one axis, then their tables.
 */
#include "offtrace/fleet.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HTML_MAX_TABLE 5000	/* rows of the per-adapter latency table */
#define HTML_MAX_XLABELS 40	/* group names under the trend's x axis */
#define HTML_XLABEL_CHARS 18	/* characters of a group name there */
#define NKINDS (OT_KIND_COUNT + 1)	/* the kinds and syn_to_offload */

#define C_ERR "#c00000"
#define C_GRID "#e8e8e8"
#define C_AXIS "#666"
#define C_SYN "#000000"		/* syn_to_offload: the kinds' colours are taken */

/* the leak reasons' colours (ot_leak_reason_names order), none of them red */
static const char *const reason_color[OT_LEAK_COUNT] = {
	"#56b4e9", "#d55e00", "#009e73", "#cc79a7"
};
static const char *const reason_text[OT_LEAK_COUNT] = {
	"live at end", "at halt", "at upload-all", "after wire close"
};

#define CW 1200			/* chart width, px */
#define CL 84			/* left of the plot area */
#define CR 1180			/* right of the plot area */
#define LABEL_CW 6.5		/* px a character of the 11px font, on the safe side */

static const char *
pl(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static double
rate(uint64_t n, uint64_t of)
{
	return of ? (double)n / (double)of : 0.0;
}

static const char *
kind_name(int k)
{
	return k < OT_KIND_COUNT ? ot_kind_names[k] : "syn_to_offload";
}

static const char *
kind_color(int k)
{
	return k < OT_KIND_COUNT ? ot_html_kind_color[k] : C_SYN;
}

/* The name of group g: its value, "(none)" for runs without the label. */
static const char *
group_name(const struct ot_fleet_report *r, const struct ot_fleet_group *g)
{
	if (!r->by[0])
		return "all runs";
	return g->value[0] ? g->value : "(none)";
}

/* At most max characters of s, escaped, "..." when cut (a whole UTF-8
 * character at a time; an invalid byte counts as one). */
static void
put_short(FILE *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, chars = 0, k;
	char buf[OT_FLEET_MAX_LABEL + 8];

	while (i < n && chars < max) {
		k = ot_utf8_len(p + i, n - i);
		i += k ? k : 1;
		chars++;
	}
	if (i >= n || i >= sizeof(buf)) {
		ot_html_string(out, s);
		return;
	}
	memcpy(buf, s, i);
	buf[i] = '\0';
	ot_html_string(out, buf);
	fputs("&#8230;", out);
}

/* A UTC day (days since 1970) as YYYY-MM-DD. */
static const char *
fmt_day(int64_t day, char buf[OT_TIMEBUF])
{
	ot_fmt_time(day * INT64_C(86400000000000), buf);
	buf[10] = '\0';
	return buf;
}

/* A push time as YYYY-MM-DD HH:MM:SS (UTC). */
static const char *
fmt_push(int64_t ns, char buf[OT_TIMEBUF])
{
	ot_fmt_time(ns, buf);
	buf[10] = ' ';
	buf[19] = '\0';
	return buf;
}

/* A power of ten of nanoseconds as a tick label: 10ns, 1us, 100ms, 10s. */
static void
fmt_decade(int e, char *buf, size_t len)
{
	static const char *const unit[] = { "ns", "us", "ms", "s" };
	int u = e / 3 < 3 ? e / 3 : 3, i;
	long m = 1;

	for (i = 0; i < e - 3 * u; i++)
		m *= 10;
	snprintf(buf, len, "%ld%s", m, unit[u]);
}

/* The smallest 1-2-5 step giving at most want intervals up to mx (> 0). */
static double
nice_step(double mx, int want)
{
	double s = pow(10.0, floor(log10(mx / want)));

	if (s * want >= mx)
		return s;
	if (2 * s * want >= mx)
		return 2 * s;
	if (5 * s * want >= mx)
		return 5 * s;
	return 10 * s;
}

/* ---- cells: the text a reader reads, data-v the exact number ---- */

static void
cell_u(FILE *out, uint64_t v)
{
	fprintf(out, "<td class=\"n\" data-v=\"%" PRIu64 "\">%" PRIu64 "</td>", v, v);
}

static void
cell_rate(FILE *out, uint64_t n, uint64_t of, const char *attr)
{
	fprintf(out, "<td class=\"n\"%s data-v=\"%.6f\">%.4f%%</td>", attr ? attr : "",
		rate(n, of), 100.0 * rate(n, of));
}

static void
cell_dur(FILE *out, int64_t ns)
{
	char b[32];

	fprintf(out, "<td class=\"n\" data-v=\"%" PRId64 "\" title=\"%" PRId64 " ns\">%s</td>",
		ns, ns, ot_fmt_dur(ns, b, sizeof(b)));
}

/* count, p50, p90, p99, p99.9, max, mean */
static void
cells_lat(FILE *out, const struct ot_lat *l)
{
	cell_u(out, l->count);
	cell_dur(out, l->p50);
	cell_dur(out, l->p90);
	cell_dur(out, l->p99);
	cell_dur(out, l->p999);
	cell_dur(out, l->max);
	cell_dur(out, l->mean);
}

static void
th_lat(FILE *out)
{
	fputs("<th class=\"n\">operations</th><th class=\"n\">p50</th><th class=\"n\">p90</th>"
	      "<th class=\"n\">p99</th><th class=\"n\">p99.9</th><th class=\"n\">max</th>"
	      "<th class=\"n\">mean</th>", out);
}

/* <th> of the group column: the label's name */
static void
th_group(const struct ot_fleet_report *r, FILE *out)
{
	fputs("<th scope=\"col\">", out);
	if (r->by[0])
		ot_html_string(out, r->by);
	else
		fputs("group", out);
	fputs("</th>", out);
}

/* <tr data-row=ROW data-group=VALUE><th scope=row>NAME</th> */
static void
tr_group(const struct ot_fleet_report *r, const struct ot_fleet_group *g,
	 const char *row, FILE *out)
{
	fprintf(out, "<tr data-row=\"%s\" data-group=\"", row);
	ot_html_string(out, g->value);
	fputs("\"><th scope=\"row\">", out);
	ot_html_string(out, group_name(r, g));
	fputs("</th>", out);
}

/* ---- the page ---- */

static void
head(FILE *out, const char *title)
{
	fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
	      "<head>\n<meta charset=\"utf-8\"/>\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; img-src data:\"/>\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>", out);
	fputs(title, out);
	fputs("</title>\n<style>\n"
	      "body{font:14px/1.4 system-ui,sans-serif;margin:16px 24px;color:#222;background:#fff}\n"
	      "h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}\n"
	      ".cards{display:flex;flex-wrap:wrap;gap:10px}\n"
	      ".card{border:1px solid #ccc;border-radius:6px;padding:8px 14px;min-width:110px}\n"
	      ".card b{display:block;font-size:22px}.card.bad{border-color:" C_ERR "}"
	      ".card.bad b{color:" C_ERR "}.card small{display:block;color:#555}\n"
	      "table{border-collapse:collapse;margin:8px 0;font-size:13px}"
	      "td,th{border:1px solid #ddd;padding:2px 5px;text-align:left;vertical-align:top}"
	      "thead th{background:#f4f4f4}tbody th{font-weight:normal}\n"
	      "caption{text-align:left;font-weight:bold;padding:4px 0}\n"
	      "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	      "code,.mono{font-family:ui-monospace,monospace;font-size:12px}\n"
	      "svg{display:block;margin:6px 0}svg text{font:11px sans-serif}\n"
	      ".legend{display:flex;flex-wrap:wrap;gap:2px 18px;list-style:none;padding:0;margin:6px 0;"
	      "font-size:13px}\n"
	      ".legend svg{display:inline-block;vertical-align:middle;margin:0 5px 0 0}\n"
	      ".bad{color:" C_ERR "}.note{color:#666}\n"
	      "</style>\n</head>\n<body>\n", out);
}

static void
card(FILE *out, const char *key, const char *label, uint64_t v, int bad,
     const char *more)
{
	fprintf(out, "<div class=\"card%s\" data-card=\"%s\"><b>%" PRIu64 "</b>%s%s%s%s</div>\n",
		bad && v ? " bad" : "", key, v, label, more ? "<small>" : "",
		more ? more : "", more ? "</small>" : "");
}

static void
summary(const struct ot_fleet_report *r, FILE *out)
{
	struct ot_fleet_group all;
	char tb[OT_TIMEBUF], more[64];
	size_t i;

	memset(&all, 0, sizeof(all));
	for (i = 0; i < r->ngroups; i++) {
		all.runs += r->groups[i].runs;
		all.objects += r->groups[i].objects;
		all.leaked += r->groups[i].leaked;
		all.errors += r->groups[i].errors;
		all.warnings += r->groups[i].warnings;
	}
	fprintf(out, "<h1>offtrace fleet report</h1>\n<p data-runs=\"%" PRIu64 "\">%" PRIu64
		" %s", all.runs, all.runs, pl(all.runs, "run", "runs"));
	if (r->since != OT_T_NONE)
		fprintf(out, " whose first event is at or after %s", ot_fmt_time(r->since, tb));
	if (r->by[0]) {
		fputs(", by <code>", out);
		ot_html_string(out, r->by);
		fprintf(out, "</code> (%zu %s)", r->ngroups, pl(r->ngroups, "value", "values"));
	}
	fputs(". Times are UTC. Every number is over whole runs (a push that died counts"
	      " nowhere); percentiles are nearest rank over every completed operation of a"
	      " group's runs, as the run report computes them.</p>\n", out);
	fputs("<h2 id=\"summary\">Summary</h2>\n<div class=\"cards\">\n", out);
	card(out, "runs", pl(all.runs, "run", "runs"), all.runs, 0, NULL);
	if (r->by[0])
		card(out, "groups", pl(r->ngroups, "value of the label", "values of the label"),
		     r->ngroups, 0, NULL);
	card(out, "objects", pl(all.objects, "object", "objects"), all.objects, 0, NULL);
	snprintf(more, sizeof(more), "leak rate %.4f%%", 100.0 * rate(all.leaked, all.objects));
	card(out, "leaked", "leaked, every reason", all.leaked, 1, more);
	card(out, "errors", pl(all.errors, "error", "errors"), all.errors, 1, NULL);
	card(out, "warnings", pl(all.warnings, "warning", "warnings"), all.warnings, 1, NULL);
	fputs("</div>\n", out);
}

static void
y_title(FILE *out, double T, double B, const char *title)
{
	fprintf(out, "<text data-axis-title=\"\" transform=\"rotate(-90)\" x=\"%.0f\" y=\"14\""
		" text-anchor=\"middle\">%s</text>", -(T + B) / 2, title);
}

static void
legend_line(FILE *out, const char *key, const char *color, const char *text)
{
	fprintf(out, "<li data-legend-series=\"%s\"><svg width=\"22\" height=\"14\""
		" viewBox=\"0 0 22 14\"><line x1=\"1\" y1=\"7\" x2=\"21\" y2=\"7\" stroke=\"%s\""
		" stroke-width=\"2\"/><circle cx=\"11\" cy=\"7\" r=\"3\" fill=\"%s\"/></svg>%s</li>\n",
		key, color, color, text);
}

/* ---- p99 per kind per group ---- */

/* The groups in the order of their first push (then by value). */
static int
cmp_push(const void *a, const void *b)
{
	const struct ot_fleet_group *x = *(const struct ot_fleet_group *const *)a;
	const struct ot_fleet_group *y = *(const struct ot_fleet_group *const *)b;

	if (x->first_push_ns != y->first_push_ns)
		return x->first_push_ns < y->first_push_ns ? -1 : 1;
	return strcmp(x->value, y->value);
}

/* A latency axis: log (decades lo..hi) or linear (0..hi ns). */
struct yaxis {
	int log;
	double lo, hi, step;
	double T, B;
};

static double
ypos(const struct yaxis *a, double v)
{
	double f;

	if (a->log)
		f = (log10(v < 1 ? 1 : v) - a->lo) / (a->hi - a->lo);
	else
		f = v / a->hi;
	return a->B - f * (a->B - a->T);
}

static void
yaxis_init(struct yaxis *a, double vmin, double vmax, double T, double B)
{
	a->T = T;
	a->B = B;
	if (vmin < 1)
		vmin = 1;
	if (vmax < vmin)
		vmax = vmin;
	a->log = vmax >= 10 * vmin;
	if (a->log) {
		a->lo = floor(log10(vmin));
		a->hi = ceil(log10(vmax));
		if (a->hi <= a->lo)
			a->hi = a->lo + 1;
		a->step = 1;
	} else {
		a->lo = 0;
		a->step = nice_step(vmax, 5);
		a->hi = ceil(vmax / a->step) * a->step;
	}
}

/* Ticks and grid of a latency axis from x = L to R, and its title. */
static void
yaxis_draw(FILE *out, const struct yaxis *a, double L, double R, const char *what)
{
	char s[32], title[96];
	double v, y;
	int i = 0, m;

	fputs("<g data-axis=\"latency\">", out);
	for (v = a->lo; v <= a->hi + a->step / 2; v += a->step, i++) {
		y = a->log ? ypos(a, pow(10.0, v)) : ypos(a, v);
		if (a->log)
			fmt_decade((int)v, s, sizeof(s));
		else
			ot_fmt_dur((int64_t)v, s, sizeof(s));
		fprintf(out, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"%s\"/>"
			"<text data-tick=\"%d\" x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
			L - 4, y, R, y, i ? C_GRID : C_AXIS, i, L - 6, y + 4, s);
		for (m = 2; a->log && m <= 5 && v < a->hi; m += 3) {
			double ym = ypos(a, (double)m * pow(10.0, v));

			fprintf(out, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#999\"/>",
				L - 3, ym, L, ym);
		}
	}
	snprintf(title, sizeof(title), "%s%s", what, a->log ? " (log scale)" : "");
	y_title(out, a->T, a->B, title);
	fputs("</g>\n", out);
}

static void
trend(const struct ot_fleet_report *r, FILE *out)
{
	const struct ot_fleet_group **ord;
	const struct ot_lat *l;
	struct yaxis ya;
	double slot, T = 14, B = 300, vmin = 0, vmax = 0, x;
	int k, has[NKINDS] = { 0 }, any = 0, H;
	size_t i, j, m, n = r->ngroups, every;
	char s[32], tb[OT_TIMEBUF];

	fputs("<h2 id=\"trend\">p99 latency per operation kind", out);
	if (r->by[0]) {
		fputs(" per <code>", out);
		ot_html_string(out, r->by);
		fputs("</code>", out);
	}
	fputs("</h2>\n", out);
	ord = xmalloc(st_mult(n + 1, sizeof(*ord)));
	for (i = 0; i < n; i++)
		ord[i] = &r->groups[i];
	qsort(ord, n, sizeof(*ord), cmp_push);
	for (i = 0; i < n; i++)
		for (k = 0; k < NKINDS; k++)
			if ((l = ot_fleet_group_lat(ord[i], kind_name(k))) != NULL && l->count) {
				if (!any || (double)l->p99 < vmin)
					vmin = (double)l->p99;
				if (!any || (double)l->p99 > vmax)
					vmax = (double)l->p99;
				has[k] = any = 1;
			}
	if (!any) {
		fputs("<p class=\"note\">No completed operation.</p>\n", out);
		free(ord);
		return;
	}
	fputs("<p class=\"note\">The p99 latency of each operation kind", out);
	if (r->by[0]) {
		fputs(" in the runs of each value of <code>", out);
		ot_html_string(out, r->by);
		fputs("</code>, the values from left to right in the order of the first push of"
		      " their runs", out);
	} else {
		fputs(" over all runs (<code>--by build</code> draws one point per build)", out);
	}
	fputs("; a line joins neighbours that both have the kind. The table below the chart"
	      " holds its numbers.</p>\n<ul class=\"legend\" data-legend=\"trend\">\n", out);
	for (k = 0; k < NKINDS; k++)
		if (has[k])
			legend_line(out, kind_name(k), kind_color(k), kind_name(k));
	fputs("</ul>\n", out);
	yaxis_init(&ya, vmin, vmax, T, B);
	H = (int)B + 14 + (int)(HTML_XLABEL_CHARS * LABEL_CW * 0.65) + 30;
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
		" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"trend-title\""
		" data-chart=\"trend\"><title id=\"trend-title\">p99 latency per operation kind per ",
		CW, H, CW, H);
	ot_html_string(out, r->by[0] ? r->by : "fleet");
	fputs("</title>\n", out);
	yaxis_draw(out, &ya, CL, CR, "p99 latency");
	slot = (double)(CR - CL) / (double)n;
	every = n <= HTML_MAX_XLABELS ? 1 : (n + HTML_MAX_XLABELS - 1) / HTML_MAX_XLABELS;
	fprintf(out, "<g data-axis=\"group\"><line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\""
		" stroke=\"%s\"/>", CL, B, CR, B, C_AXIS);
	for (i = 0; i < n; i += every) {
		x = CL + (i + 0.5) * slot;
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"%s\"/>"
			"<text data-tick=\"%zu\" text-anchor=\"end\" transform=\"translate(%.1f %.0f)"
			" rotate(-40)\">", x, B, x, B + 5, C_AXIS, i, x + 3, B + 14);
		put_short(out, group_name(r, ord[i]), HTML_XLABEL_CHARS);
		fputs("<title>", out);
		ot_html_string(out, group_name(r, ord[i]));
		fprintf(out, ", first pushed %s</title></text>", fmt_push(ord[i]->first_push_ns, tb));
	}
	fprintf(out, "<text data-axis-title=\"\" x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">",
		(CL + CR) / 2.0, H - 6);
	if (r->by[0]) {
		ot_html_string(out, r->by);
		fputs(", in the order of the first push of its runs", out);
		if (every > 1)
			fprintf(out, " (every %zuth named; the table names them all)", every);
	} else {
		fputs("all runs", out);
	}
	fputs("</text></g>\n", out);
	for (k = 0; k < NKINDS; k++) {
		if (!has[k])
			continue;
		fprintf(out, "<g data-series=\"%s\">", kind_name(k));
		/* a line through each run ord[i..j) of neighbours with the kind */
		for (i = 0; i < n; i = j + 1) {
			for (j = i; j < n && ot_fleet_group_lat(ord[j], kind_name(k)); j++)
				;
			if (j - i < 2)
				continue;
			fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\""
				" points=\"", kind_color(k));
			for (m = i; m < j; m++)
				fprintf(out, "%s%.1f,%.1f", m > i ? " " : "", CL + (m + 0.5) * slot,
					ypos(&ya, (double)ot_fleet_group_lat(ord[m], kind_name(k))->p99));
			fputs("\"/>", out);
		}
		for (i = 0; i < n; i++) {
			if ((l = ot_fleet_group_lat(ord[i], kind_name(k))) == NULL)
				continue;
			fprintf(out, "<circle data-point=\"%zu\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">"
				"<title>", i, CL + (i + 0.5) * slot, ypos(&ya, (double)l->p99), kind_color(k));
			ot_html_string(out, group_name(r, ord[i]));
			fprintf(out, ": %s p99 %s over %" PRIu64 " %s</title></circle>", kind_name(k),
				ot_fmt_dur(l->p99, s, sizeof(s)), l->count,
				pl(l->count, "operation", "operations"));
		}
		fputs("</g>\n", out);
	}
	fputs("</svg>\n", out);
	/* the table behind the chart, in its order */
	fputs("<table data-table=\"trend\"><caption>p99 latency per operation kind", out);
	if (r->by[0]) {
		fputs(" per <code>", out);
		ot_html_string(out, r->by);
		fputs("</code>, in the chart's order (first push)", out);
	}
	fputs("</caption>\n<thead><tr>", out);
	th_group(r, out);
	fputs("<th>first push (UTC)</th><th class=\"n\">runs</th>", out);
	for (k = 0; k < NKINDS; k++)
		if (has[k])
			fprintf(out, "<th class=\"n\" scope=\"col\">%s p99</th>", kind_name(k));
	fputs("</tr></thead>\n<tbody>\n", out);
	for (i = 0; i < n; i++) {
		tr_group(r, ord[i], "trend", out);
		fprintf(out, "<td data-v=\"%" PRId64 "\">%s</td>", ord[i]->first_push_ns,
			fmt_push(ord[i]->first_push_ns, tb));
		cell_u(out, ord[i]->runs);
		for (k = 0; k < NKINDS; k++) {
			if (!has[k])
				continue;
			if ((l = ot_fleet_group_lat(ord[i], kind_name(k))) == NULL) {
				fprintf(out, "<td class=\"n\" data-kind=\"%s\">-</td>", kind_name(k));
				continue;
			}
			fprintf(out, "<td class=\"n\" data-kind=\"%s\" data-v=\"%" PRId64 "\""
				" title=\"%" PRIu64 " %s\">%s</td>", kind_name(k), l->p99, l->count,
				pl(l->count, "operation", "operations"), ot_fmt_dur(l->p99, s, sizeof(s)));
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
	free(ord);
}

/* ---- leaks per night ---- */

/* Ticks every step days (1, 2, 7, 14, 28, then multiples of 91): 8 at most. */
static int64_t
day_step(int64_t span)
{
	static const int64_t steps[] = { 1, 2, 7, 14, 28, 91, 182, 364 };
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if ((span + steps[i] - 1) / steps[i] <= 8)
			return steps[i];
	return (span / 8 / 364 + 1) * 364;
}

static void
day_axis(FILE *out, int64_t d0, int64_t span, double B, double slot)
{
	int64_t step = day_step(span), d;
	char tb[OT_TIMEBUF];
	double x;
	int i = 0;

	fprintf(out, "<g data-axis=\"night\"><line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\""
		" stroke=\"%s\"/>", CL, B, CR, B, C_AXIS);
	for (d = 0; d < span; d += step, i++) {
		x = CL + ((double)d + 0.5) * slot;
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"%s\"/>"
			"<text data-tick=\"%d\" x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>",
			x, B, x, B + 5, C_AXIS, i, x, B + 17, fmt_day(d0 + d, tb));
	}
	fprintf(out, "<text data-axis-title=\"\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">"
		"night: the UTC day the runs were pushed</text></g>\n", (CL + CR) / 2.0, B + 34);
}

/* A linear count or share axis from 0 to hi, ticks every step. */
static void
value_axis(FILE *out, const char *name, double hi, double step, double T, double B,
	   int percent, const char *title)
{
	double v, y;
	int i = 0;

	fprintf(out, "<g data-axis=\"%s\">", name);
	for (v = 0; v <= hi + step / 2; v += step, i++) {
		y = B - v / hi * (B - T);
		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>"
			"<text data-tick=\"%d\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
			CL - 4, y, CR, y, i ? C_GRID : C_AXIS, i, CL - 6, y + 4);
		if (percent)
			fprintf(out, "%g%%", v);
		else
			fprintf(out, "%.0f", v);
		fputs("</text>", out);
	}
	y_title(out, T, B, title);
	fputs("</g>\n", out);
}

static void
nights(const struct ot_fleet_report *r, FILE *out)
{
	const struct ot_fleet_night *nt = r->nights;
	size_t i, j, n = r->nnights;
	int64_t d0, span;
	uint64_t mx = 0;
	double slot, bw, T = 14, B = 190, hi, step, y, x, rmax = 0;
	char tb[OT_TIMEBUF];
	int k, H = (int)B + 42, first;

	fputs("<h2 id=\"nights\">Leaks per night</h2>\n", out);
	if (n == 0) {
		fputs("<p class=\"note\">No run.</p>\n", out);
		return;
	}
	d0 = nt[0].day;
	span = nt[n - 1].day - d0 + 1;
	for (i = 0; i < n; i++) {
		if (nt[i].leaked > mx)
			mx = nt[i].leaked;
		if (rate(nt[i].leaked, nt[i].objects) > rmax)
			rmax = rate(nt[i].leaked, nt[i].objects);
	}
	fprintf(out, "<p class=\"note\">Per UTC day of the push: the objects leaked in the runs"
		" pushed that day, of every reason (stacked), and the leak rate, leaked over"
		" objects. A day without a run has no bar; a grey mark at the base is a day of runs"
		" without a leak.%s</p>\n<ul class=\"legend\" data-legend=\"nights\">\n",
		r->nights_more ? " Only the latest nights are drawn: --since for older ones." : "");
	for (k = 0; k < OT_LEAK_COUNT; k++)
		fprintf(out, "<li data-legend-bar=\"%s\"><svg width=\"22\" height=\"14\""
			" viewBox=\"0 0 22 14\"><rect x=\"1\" y=\"3\" width=\"20\" height=\"8\""
			" fill=\"%s\"/></svg>leaked %s</li>\n", ot_leak_reason_names[k],
			reason_color[k], reason_text[k]);
	fputs("</ul>\n", out);
	slot = (double)(CR - CL) / (double)span;
	bw = slot * 0.7 < 1 ? 1 : slot * 0.7 > 40 ? 40 : slot * 0.7;
	/* leaked objects, stacked by reason */
	step = mx ? nice_step((double)mx, 5) : 1;
	if (step < 1)
		step = 1;
	hi = mx ? ceil((double)mx / step) * step : 1;
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
		" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"nights-leaked-title\""
		" data-chart=\"nights-leaked\"><title id=\"nights-leaked-title\">leaked objects per"
		" night, by reason</title>\n", CW, H, CW, H);
	value_axis(out, "count", hi, step, T, B, 0, "leaked objects");
	for (i = 0; i < n; i++) {
		x = CL + ((double)(nt[i].day - d0) + 0.5) * slot - bw / 2;
		fmt_day(nt[i].day, tb);
		if (nt[i].leaked == 0) {
			fprintf(out, "<rect data-bar=\"none\" data-night=\"%s\" x=\"%.1f\" y=\"%.0f\""
				" width=\"%.1f\" height=\"2\" fill=\"#bbb\"><title>%s: no leak in %" PRIu64
				" %s</title></rect>", tb, x, B - 2, bw, tb, nt[i].runs,
				pl(nt[i].runs, "run", "runs"));
			continue;
		}
		for (k = 0, y = B; k < OT_LEAK_COUNT; k++) {
			double h = (double)nt[i].leaked_by_reason[k] * (B - T) / hi;

			if (nt[i].leaked_by_reason[k] == 0)
				continue;
			y -= h;
			fprintf(out, "<rect data-bar=\"%s\" data-night=\"%s\" x=\"%.1f\" y=\"%.1f\""
				" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %" PRIu64
				" leaked %s, of %" PRIu64 " leaked in %" PRIu64 " %s</title></rect>",
				ot_leak_reason_names[k], tb, x, y, bw, h, reason_color[k], tb,
				nt[i].leaked_by_reason[k], reason_text[k], nt[i].leaked, nt[i].runs,
				pl(nt[i].runs, "run", "runs"));
		}
	}
	day_axis(out, d0, span, B, slot);
	fputs("</svg>\n", out);
	/* the leak rate */
	step = rmax > 0 ? nice_step(100.0 * rmax, 5) : 0.2;
	hi = rmax > 0 ? ceil(100.0 * rmax / step) * step : 1;
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
		" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"nights-rate-title\""
		" data-chart=\"nights-rate\"><title id=\"nights-rate-title\">leak rate per night"
		"</title>\n", CW, H, CW, H);
	value_axis(out, "share", hi, step, T, B, 1, "leak rate (%)");
	fputs("<g data-series=\"leak-rate\">", out);
	for (i = 0; i < n; i = j) {	/* a line through next days only */
		for (j = i + 1; j < n && nt[j].day == nt[j - 1].day + 1; j++)
			;
		if (j - i < 2)
			continue;
		fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", C_ERR);
		for (first = 1; i < j; i++, first = 0)
			fprintf(out, "%s%.1f,%.1f", first ? "" : " ",
				CL + ((double)(nt[i].day - d0) + 0.5) * slot,
				B - 100.0 * rate(nt[i].leaked, nt[i].objects) / hi * (B - T));
		fputs("\"/>", out);
	}
	for (i = 0; i < n; i++)
		fprintf(out, "<circle data-night=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">"
			"<title>%s: leak rate %.4f%% (%" PRIu64 " leaked of %" PRIu64 " %s in %" PRIu64
			" %s)</title></circle>", fmt_day(nt[i].day, tb),
			CL + ((double)(nt[i].day - d0) + 0.5) * slot,
			B - 100.0 * rate(nt[i].leaked, nt[i].objects) / hi * (B - T), C_ERR, tb,
			100.0 * rate(nt[i].leaked, nt[i].objects), nt[i].leaked, nt[i].objects,
			pl(nt[i].objects, "object", "objects"), nt[i].runs, pl(nt[i].runs, "run", "runs"));
	fputs("</g>\n", out);
	day_axis(out, d0, span, B, slot);
	fputs("</svg>\n", out);
	/* the table behind both */
	fputs("<table data-table=\"nights\"><caption>Leaks per night (UTC day of the push)"
	      "</caption>\n<thead><tr><th scope=\"col\">night</th><th class=\"n\">runs</th>"
	      "<th class=\"n\">objects</th><th class=\"n\">leaked</th><th class=\"n\">leak rate</th>",
	      out);
	for (k = 0; k < OT_LEAK_COUNT; k++)
		fprintf(out, "<th class=\"n\">%s</th>", reason_text[k]);
	fputs("</tr></thead>\n<tbody>\n", out);
	for (i = 0; i < n; i++) {
		fprintf(out, "<tr data-row=\"night\" data-night=\"%s\"><th scope=\"row\">%s</th>",
			fmt_day(nt[i].day, tb), tb);
		cell_u(out, nt[i].runs);
		cell_u(out, nt[i].objects);
		cell_u(out, nt[i].leaked);
		cell_rate(out, nt[i].leaked, nt[i].objects, NULL);
		for (k = 0; k < OT_LEAK_COUNT; k++) {
			fprintf(out, "<td class=\"n\" data-reason=\"%s\" data-v=\"%" PRIu64 "\">%" PRIu64
				"</td>", ot_leak_reason_names[k], nt[i].leaked_by_reason[k],
				nt[i].leaked_by_reason[k]);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
}

/* ---- the numbers of the JSON report, as tables ---- */

static void
groups_table(const struct ot_fleet_report *r, FILE *out)
{
	char tb[OT_TIMEBUF];
	size_t i;

	fputs("<h2 id=\"groups\">Runs and objects</h2>\n<table data-table=\"groups\">"
	      "<caption>Per value of the label: runs, events and the run report's summary,"
	      " summed</caption>\n<thead><tr>", out);
	th_group(r, out);
	fputs("<th class=\"n\">runs</th><th class=\"n\">events</th><th class=\"n\">objects</th>"
	      "<th class=\"n\">offloaded</th><th class=\"n\">failed</th><th class=\"n\">terminated</th>"
	      "<th class=\"n\">lost</th><th class=\"n\">live at end</th><th class=\"n\">leaked</th>"
	      "<th class=\"n\">leak rate</th><th class=\"n\">errors</th><th class=\"n\">warnings</th>"
	      "<th>first push (UTC)</th><th>last push (UTC)</th></tr></thead>\n<tbody>\n", out);
	for (i = 0; i < r->ngroups; i++) {
		const struct ot_fleet_group *g = &r->groups[i];

		tr_group(r, g, "group", out);
		cell_u(out, g->runs);
		cell_u(out, g->events);
		cell_u(out, g->objects);
		cell_u(out, g->offloaded);
		cell_u(out, g->failed);
		cell_u(out, g->terminated);
		cell_u(out, g->lost);
		cell_u(out, g->live_at_end);
		cell_u(out, g->leaked);
		cell_rate(out, g->leaked, g->objects, NULL);
		fprintf(out, "<td class=\"n%s\" data-v=\"%" PRIu64 "\">%" PRIu64 "</td>",
			g->errors ? " bad" : "", g->errors, g->errors);
		cell_u(out, g->warnings);
		fprintf(out, "<td>%s</td>", fmt_push(g->first_push_ns, tb));
		fprintf(out, "<td>%s</td></tr>\n", fmt_push(g->last_push_ns, tb));
	}
	fputs("</tbody></table>\n", out);
}

static void
leaks_table(const struct ot_fleet_report *r, FILE *out)
{
	char attr[64];
	size_t i;
	int k;

	fputs("<h2 id=\"leaks\">Leaks by reason</h2>\n<table data-table=\"leaks\"><caption>Leaked"
	      " objects and the leak rate (leaked over objects), every reason and each"
	      "</caption>\n<thead><tr>", out);
	th_group(r, out);
	fputs("<th class=\"n\">leaked</th><th class=\"n\">leak rate</th>", out);
	for (k = 0; k < OT_LEAK_COUNT; k++)
		fprintf(out, "<th class=\"n\">%s</th><th class=\"n\">rate</th>", reason_text[k]);
	fputs("</tr></thead>\n<tbody>\n", out);
	for (i = 0; i < r->ngroups; i++) {
		const struct ot_fleet_group *g = &r->groups[i];

		tr_group(r, g, "leaks", out);
		cell_u(out, g->leaked);
		cell_rate(out, g->leaked, g->objects, NULL);
		for (k = 0; k < OT_LEAK_COUNT; k++) {
			fprintf(out, "<td class=\"n\" data-reason=\"%s\" data-v=\"%" PRIu64 "\">%" PRIu64
				"</td>", ot_leak_reason_names[k], g->leaked_by_reason[k],
				g->leaked_by_reason[k]);
			snprintf(attr, sizeof(attr), " data-reason-rate=\"%s\"", ot_leak_reason_names[k]);
			cell_rate(out, g->leaked_by_reason[k], g->objects, attr);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
}

static void
rules_table(const struct ot_fleet_report *r, FILE *out)
{
	size_t i, j;

	fputs("<h2 id=\"rules\">Violations and rules</h2>\n<table data-table=\"rules\"><caption>"
	      "Per rule its violations (checked rules only, as the run report counts them) and"
	      " how many runs checked it or could not</caption>\n<thead><tr>", out);
	th_group(r, out);
	fputs("<th>rule</th><th>severity</th><th class=\"n\">violations</th>"
	      "<th class=\"n\">runs checked</th><th class=\"n\">runs not checked</th></tr></thead>\n"
	      "<tbody>\n", out);
	for (i = 0; i < r->ngroups; i++) {
		const struct ot_fleet_group *g = &r->groups[i];

		for (j = 0; j < g->nrules; j++) {
			const struct ot_fleet_rule *u = &g->rules[j];

			tr_group(r, g, "rule", out);
			fputs("<td data-rule=\"\">", out);
			ot_html_string(out, u->rule);
			fprintf(out, "</td><td%s>", u->violations &&
				strcmp(u->severity, "error") == 0 ? " class=\"bad\"" : "");
			ot_html_string(out, u->severity);
			fputs("</td>", out);
			cell_u(out, u->violations);
			cell_u(out, u->checked);
			cell_u(out, u->not_checked);
			fputs("</tr>\n", out);
		}
	}
	fputs("</tbody></table>\n", out);
}

static void
latency_tables(const struct ot_fleet_report *r, FILE *out)
{
	size_t i, j, rows = 0;
	int k;

	fputs("<h2 id=\"latency\">Latency</h2>\n<table data-table=\"latency\"><caption>Latency"
	      " per operation kind (and the SYN-to-offload delay of W3): nearest rank over every"
	      " completed operation</caption>\n<thead><tr>", out);
	th_group(r, out);
	fputs("<th>kind</th>", out);
	th_lat(out);
	fputs("</tr></thead>\n<tbody>\n", out);
	for (i = 0; i < r->ngroups; i++)
		for (k = 0; k < NKINDS; k++) {
			const struct ot_lat *l = ot_fleet_group_lat(&r->groups[i], kind_name(k));

			if (l == NULL || l->count == 0)
				continue;
			tr_group(r, &r->groups[i], "latency", out);
			fprintf(out, "<td data-kind=\"%s\">%s</td>", kind_name(k), kind_name(k));
			cells_lat(out, l);
			fputs("</tr>\n", out);
		}
	fputs("</tbody></table>\n", out);
	fputs("<table data-table=\"latency-by-adapter\"><caption>Latency per adapter and layer"
	      "</caption>\n<thead><tr>", out);
	th_group(r, out);
	fputs("<th>adapter</th><th>layer</th><th>kind</th>", out);
	th_lat(out);
	fputs("</tr></thead>\n<tbody>\n", out);
	for (i = 0; i < r->ngroups; i++)
		for (j = 0; j < r->groups[i].nlat; j++) {
			const struct ot_fleet_lat *l = &r->groups[i].lat[j];

			if (l->layer[0] == '\0')
				continue;
			if (rows++ >= HTML_MAX_TABLE)
				continue;
			tr_group(r, &r->groups[i], "latency-by", out);
			fputs("<td data-adapter=\"", out);
			ot_html_string(out, l->adapter);
			fputs("\">", out);
			ot_html_string(out, l->adapter[0] ? l->adapter : "(no adapter)");
			fputs("</td><td>", out);
			ot_html_string(out, l->layer);
			fputs("</td><td>", out);
			ot_html_string(out, l->kind);
			fputs("</td>", out);
			cells_lat(out, &l->lat);
			fputs("</tr>\n", out);
		}
	fputs("</tbody></table>\n", out);
	if (rows > HTML_MAX_TABLE)
		fprintf(out, "<p class=\"note\" data-folded-rows=\"%zu\">The first %d rows shown;"
			" %zu more in <code>offtrace fleet report --format json</code>"
			" (latency_by_adapter).</p>\n", rows - HTML_MAX_TABLE, HTML_MAX_TABLE,
			rows - HTML_MAX_TABLE);
}

static void
worst_table(const struct ot_fleet_report *r, FILE *out)
{
	char tb[OT_TIMEBUF];
	size_t i;

	fputs("<h2 id=\"worst\">Worst runs</h2>\n", out);
	if (r->nworst == 0) {
		fputs("<p class=\"note\">No run.</p>\n", out);
		return;
	}
	fputs("<table data-table=\"worst\"><caption>The runs with the most leaks, then errors,"
	      " then warnings</caption>\n<thead><tr><th>run</th><th>name</th><th>labels</th>"
	      "<th>first event (UTC)</th><th class=\"n\">objects</th><th class=\"n\">leaked</th>"
	      "<th class=\"n\">errors</th><th class=\"n\">warnings</th></tr></thead>\n<tbody>\n", out);
	for (i = 0; i < r->nworst; i++) {
		const struct ot_fleet_run *w = &r->worst[i];

		fputs("<tr data-row=\"worst\" data-run=\"", out);
		ot_html_string(out, w->run_id);
		fputs("\"><td class=\"mono\" title=\"", out);
		ot_html_string(out, w->run_id);
		fputs("\">", out);
		put_short(out, w->run_id, 16);
		fputs("</td><td>", out);
		ot_html_string(out, w->name);
		fputs("</td><td>", out);
		ot_html_string(out, w->labels);
		fprintf(out, "</td><td>%s</td>", w->start_ns == OT_T_NONE ? "-" :
			ot_fmt_time(w->start_ns, tb));
		cell_u(out, w->objects);
		cell_u(out, w->leaked);
		cell_u(out, w->errors);
		cell_u(out, w->warnings);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
}

static int
tail(FILE *out)
{
	fputs("<p class=\"note\">Written by offtrace.</p>\n</body>\n</html>\n", out);
	return ferror(out) ? -1 : 0;
}

int
ot_fleet_report_html(const struct ot_fleet_report *r, FILE *out)
{
	head(out, "offtrace fleet report");
	summary(r, out);
	trend(r, out);
	nights(r, out);
	groups_table(r, out);
	worst_table(r, out);
	leaks_table(r, out);
	latency_tables(r, out);
	rules_table(r, out);
	return tail(out);
}

/* ---- --compare ---- */

static void
cmp_row_u(FILE *out, const char *key, const char *what, uint64_t a, uint64_t b)
{
	fprintf(out, "<tr data-row=\"compare\" data-what=\"%s\"><th scope=\"row\">%s</th>", key, what);
	cell_u(out, a);
	cell_u(out, b);
	fprintf(out, "<td class=\"n\">%+" PRId64 "</td></tr>\n", (int64_t)(b - a));
}

static void
cmp_row_rate(FILE *out, const char *key, const char *what, uint64_t an, uint64_t ao,
	     uint64_t bn, uint64_t bo)
{
	fprintf(out, "<tr data-row=\"compare\" data-what=\"%s\"><th scope=\"row\">%s</th>", key, what);
	cell_rate(out, an, ao, NULL);
	cell_rate(out, bn, bo, NULL);
	fprintf(out, "<td class=\"n\">%+.4f%%</td></tr>\n", 100.0 * (rate(bn, bo) - rate(an, ao)));
}

static void
cmp_row_dur(FILE *out, const char *kind, const char *pname, const struct ot_lat *a,
	    const struct ot_lat *b, int which)
{
	int64_t va = 0, vb = 0;

	if (a)
		va = which == 0 ? a->p50 : which == 1 ? a->p90 : which == 2 ? a->p99 : a->max;
	if (b)
		vb = which == 0 ? b->p50 : which == 1 ? b->p90 : which == 2 ? b->p99 : b->max;
	fprintf(out, "<tr data-row=\"compare\" data-what=\"%s-%s\"><th scope=\"row\">%s %s</th>",
		kind, pname, kind, pname);
	if (a)
		cell_dur(out, va);
	else
		fputs("<td class=\"n\">-</td>", out);
	if (b)
		cell_dur(out, vb);
	else
		fputs("<td class=\"n\">-</td>", out);
	if (a && b && va > 0)
		fprintf(out, "<td class=\"n\">%+.1f%%</td></tr>\n",
			100.0 * ((double)vb - (double)va) / (double)va);
	else
		fputs("<td class=\"n\"></td></tr>\n", out);
}

/* p99 of each kind, the two groups on one log axis: a ring for A, a dot for B. */
static void
compare_chart(const struct ot_fleet_group *a, const struct ot_fleet_group *b,
	      const char *an, const char *bn, FILE *out)
{
	const struct ot_lat *la, *lb;
	double vmin = 0, vmax = 0, v[2], x0 = 200, x1 = CR - 20, y;
	int k, rowsn = 0, any = 0, i, lo, hi, e, H;
	char s[32];

	for (k = 0; k < NKINDS; k++) {
		la = ot_fleet_group_lat(a, kind_name(k));
		lb = ot_fleet_group_lat(b, kind_name(k));
		if (!la && !lb)
			continue;
		rowsn++;
		for (i = 0; i < 2; i++) {
			const struct ot_lat *l = i ? lb : la;

			if (!l)
				continue;
			if (!any || (double)l->p99 < vmin)
				vmin = (double)l->p99;
			if (!any || (double)l->p99 > vmax)
				vmax = (double)l->p99;
			any = 1;
		}
	}
	if (!any)
		return;
	lo = (int)floor(log10(vmin < 1 ? 1 : vmin));
	hi = (int)ceil(log10(vmax < 1 ? 1 : vmax));
	if (hi <= lo)
		hi = lo + 1;
	H = 20 + rowsn * 26 + 46;
#define CX(val) (x0 + (log10((val) < 1 ? 1.0 : (val)) - lo) * (x1 - x0) / (hi - lo))
	fputs("<ul class=\"legend\" data-legend=\"compare\">", out);
	fputs("<li data-legend-series=\"a\"><svg width=\"22\" height=\"14\" viewBox=\"0 0 22 14\">"
	      "<circle cx=\"11\" cy=\"7\" r=\"4\" fill=\"#fff\" stroke=\"#333\" stroke-width=\"2\"/>"
	      "</svg>", out);
	ot_html_string(out, an);
	fputs("</li><li data-legend-series=\"b\"><svg width=\"22\" height=\"14\" viewBox=\"0 0 22 14\">"
	      "<circle cx=\"11\" cy=\"7\" r=\"4\" fill=\"#333\"/></svg>", out);
	ot_html_string(out, bn);
	fputs("</li></ul>\n", out);
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
		" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"compare-title\""
		" data-chart=\"compare\"><title id=\"compare-title\">p99 latency per operation kind:"
		" the two groups</title>\n<g data-axis=\"latency\">", CW, H, CW, H);
	for (e = lo; e <= hi; e++) {
		double x = CX(pow(10.0, e));

		fmt_decade(e, s, sizeof(s));
		fprintf(out, "<line x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>"
			"<text data-tick=\"%d\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
			x, x, H - 36, e > lo ? C_GRID : C_AXIS, e - lo, x, H - 22, s);
	}
	fprintf(out, "<text data-axis-title=\"\" x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">p99"
		" latency (log scale)</text></g>\n", (x0 + x1) / 2, H - 6);
	for (k = 0, i = 0; k < NKINDS; k++) {
		la = ot_fleet_group_lat(a, kind_name(k));
		lb = ot_fleet_group_lat(b, kind_name(k));
		if (!la && !lb)
			continue;
		y = 20 + i++ * 26 + 10;
		fprintf(out, "<g data-series=\"%s\"><text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%s"
			"</text>", kind_name(k), x0 - 10, y + 4, kind_name(k));
		v[0] = la ? (double)la->p99 : 0;
		v[1] = lb ? (double)lb->p99 : 0;
		if (la && lb)
			fprintf(out, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"%s\""
				" stroke-width=\"2\"/>", CX(v[0]), y, CX(v[1]), y, kind_color(k));
		if (la) {
			fprintf(out, "<circle data-point=\"a\" cx=\"%.1f\" cy=\"%.0f\" r=\"5\" fill=\"#fff\""
				" stroke=\"%s\" stroke-width=\"2\"><title>", CX(v[0]), y, kind_color(k));
			ot_html_string(out, an);
			fprintf(out, ": %s p99 %s</title></circle>", kind_name(k),
				ot_fmt_dur(la->p99, s, sizeof(s)));
		}
		if (lb) {
			fprintf(out, "<circle data-point=\"b\" cx=\"%.1f\" cy=\"%.0f\" r=\"5\" fill=\"%s\">"
				"<title>", CX(v[1]), y, kind_color(k));
			ot_html_string(out, bn);
			fprintf(out, ": %s p99 %s</title></circle>", kind_name(k),
				ot_fmt_dur(lb->p99, s, sizeof(s)));
		}
		fputs("</g>\n", out);
	}
	fputs("</svg>\n", out);
#undef CX
}

int
ot_fleet_compare_html(const struct ot_fleet_report *r,
		      const struct ot_fleet_group *a, const char *aname,
		      const struct ot_fleet_group *b, const char *bname, FILE *out)
{
	static const struct ot_fleet_group none;
	static const char *const pn[4] = { "p50", "p90", "p99", "max" };
	const struct ot_fleet_group *x = a ? a : &none, *y = b ? b : &none;
	char what[64];
	int k, w;

	head(out, "offtrace fleet report: compare");
	fputs("<h1>offtrace fleet report: <code>", out);
	ot_html_string(out, r->by);
	fputs("=", out);
	ot_html_string(out, aname);
	fputs("</code> against <code>", out);
	ot_html_string(out, r->by);
	fputs("=", out);
	ot_html_string(out, bname);
	fputs("</code></h1>\n", out);
	if (!a || !b) {
		fputs("<p class=\"bad\" data-missing=\"\">No run has <code>", out);
		ot_html_string(out, r->by);
		fputs("=", out);
		ot_html_string(out, !a ? aname : bname);
		fputs("</code>.</p>\n", out);
	}
	fputs("<h2 id=\"compare\">What moved</h2>\n<table data-table=\"compare\"><caption>The"
	      " runs of the second value against those of the first</caption>\n<thead><tr>"
	      "<th></th><th class=\"n\" scope=\"col\">", out);
	ot_html_string(out, aname);
	fputs("</th><th class=\"n\" scope=\"col\">", out);
	ot_html_string(out, bname);
	fputs("</th><th class=\"n\">change</th></tr></thead>\n<tbody>\n", out);
	cmp_row_u(out, "runs", "runs", x->runs, y->runs);
	cmp_row_u(out, "objects", "objects", x->objects, y->objects);
	cmp_row_u(out, "leaked", "leaked", x->leaked, y->leaked);
	cmp_row_rate(out, "leak-rate", "leak rate", x->leaked, x->objects, y->leaked, y->objects);
	for (k = 0; k < OT_LEAK_COUNT; k++) {
		if (!x->leaked_by_reason[k] && !y->leaked_by_reason[k])
			continue;
		snprintf(what, sizeof(what), "leak rate %s", reason_text[k]);
		cmp_row_rate(out, ot_leak_reason_names[k], what, x->leaked_by_reason[k], x->objects,
			     y->leaked_by_reason[k], y->objects);
	}
	cmp_row_u(out, "errors", "errors", x->errors, y->errors);
	cmp_row_u(out, "warnings", "warnings", x->warnings, y->warnings);
	for (k = 0; k < NKINDS; k++) {
		const struct ot_lat *la = ot_fleet_group_lat(x, kind_name(k));
		const struct ot_lat *lb = ot_fleet_group_lat(y, kind_name(k));

		if (!la && !lb)
			continue;
		for (w = 0; w < 4; w++)
			cmp_row_dur(out, kind_name(k), pn[w], la, lb, w);
	}
	fputs("</tbody></table>\n", out);
	compare_chart(x, y, aname, bname, out);
	groups_table(r, out);
	leaks_table(r, out);
	latency_tables(r, out);
	rules_table(r, out);
	return tail(out);
}
