/*
 * html.c - the report as one self-contained HTML page: inline CSS and SVG,
 * no script, no external resource, a strict Content-Security-Policy.
 *
 * Sections: summary cards; a timeline of object lifetimes per adapter and
 * layer (a density row per group for every object, then at most
 * HTML_MAX_ROWS object rows, the most suspicious and longest first, with a
 * count of what is folded); per operation kind a latency histogram on a log
 * axis with p50/p90/p99/max marked and a CDF; latency over trace time;
 * tables of leaks and violations linking to per-object histories.
 *
 * Every string from a trace goes through put_esc(): HTML and attribute
 * escapes, control characters shown as \xNN, invalid UTF-8 as U+FFFD.
 * The page reads the database only (SELECT) and prints no generation time,
 * so the same database always gives the same bytes.
 */
#include "offtrace/report.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HTML_MAX_ROWS 200	/* object rows in the timeline */
#define HTML_MAX_GROUPS 64	/* adapter/layer groups; more fold into one */
#define HTML_MAX_DETAILS 100	/* per-object history sections */
#define HTML_MAX_HISTORY 1000	/* events per history */
#define HTML_MAX_TABLE 5000	/* rows of the leak and violation tables */
#define HTML_BINS 200		/* time bins: density and latency over time */
#define HTML_LBINS 100		/* log latency bins: 10 per decade from 10ns */

#define TL_W 1200		/* timeline width, px */
#define TL_L 300		/* left of the plot area */
#define TL_R 1190		/* right of the plot area */
#define ROW_H 12
#define DEN_H 22

#define TRACE_RANGE(n) "BETWEEN ?1 * 1099511627776 AND ?1 * 1099511627776 + 1099511627775"

struct obj_row {
	int64_t id;
	char adapter[128], layer[16], state[16], slot[24], fate[16];
	int64_t t_req, t_off, t_treq, t_term, t_last;
	int64_t nviol;
	size_t rank;
	int group;
};

struct group {
	char adapter[128], layer[16];
	uint64_t nobj, shown;
	uint32_t bins[HTML_BINS];	/* objects alive in each time bin */
};

struct kind_lat {
	uint64_t hist[HTML_LBINS];
	uint64_t tcount[HTML_BINS];
	double tsum[HTML_BINS];
	int64_t tmax[HTML_BINS];
};

struct html {
	sqlite3 *db;
	const struct ot_report *r;
	FILE *out;
	struct ot_err *err;
	int64_t t0, t1;		/* plotted time range */
	struct group *groups;
	size_t ngroups;
	struct obj_row *rows;
	size_t nrows;
	struct kind_lat *lat;	/* OT_KIND_COUNT */
};

static const char *const kind_color[OT_KIND_COUNT] = {
	"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"
};

/* HTML text and attribute escape of a string from a trace. */
static void
put_esc(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0, k;

	while (i < n) {
		unsigned c = p[i];

		switch (c) {
		case '&': fputs("&amp;", out); i++; continue;
		case '<': fputs("&lt;", out); i++; continue;
		case '>': fputs("&gt;", out); i++; continue;
		case '"': fputs("&quot;", out); i++; continue;
		case '\'': fputs("&#39;", out); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\x%02X", c);
			i++;
			continue;
		}
		if (c < 0x80) {
			fputc((int)c, out);
			i++;
			continue;
		}
		k = ot_utf8_len(p + i, n - i);
		if (k == 0) {
			fputs("&#xFFFD;", out);
			i++;
			continue;
		}
		fwrite(p + i, 1, k, out);
		i += k;
	}
}

static int
sql_fail(struct html *h, const char *what)
{
	return ot_errorf(h->err, OT_EINTERNAL, "html report: %s: %s", what,
			 sqlite3_errmsg(h->db));
}

static int
prep(struct html *h, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(h->db, sql, -1, st, NULL) != SQLITE_OK)
		return sql_fail(h, "prepare");
	sqlite3_bind_int64(*st, 1, h->r->trace_id);
	return 0;
}

static const char *
col_text(sqlite3_stmt *st, int c)
{
	const char *s = (const char *)sqlite3_column_text(st, c);

	return s ? s : "";
}

static int64_t
col_time(sqlite3_stmt *st, int c)
{
	return sqlite3_column_type(st, c) == SQLITE_NULL ? OT_T_NONE :
	       sqlite3_column_int64(st, c);
}

static double
xpos(const struct html *h, int64_t t)
{
	double span = (double)(h->t1 - h->t0);

	if (span <= 0)
		span = 1;
	if (t < h->t0)
		t = h->t0;
	if (t > h->t1)
		t = h->t1;
	return TL_L + (double)(t - h->t0) * (TL_R - TL_L) / span;
}

static int
time_bin(const struct html *h, int64_t t)
{
	double span = (double)(h->t1 - h->t0);
	int b;

	if (span <= 0)
		return 0;
	b = (int)((double)(t - h->t0) * HTML_BINS / span);
	return b < 0 ? 0 : b >= HTML_BINS ? HTML_BINS - 1 : b;
}

static const char *
rel(const struct html *h, int64_t t, char *buf, size_t len)
{
	char d[32];

	if (t == OT_T_NONE) {
		snprintf(buf, len, "-");
		return buf;
	}
	snprintf(buf, len, "+%s", ot_fmt_dur(t - h->t0, d, sizeof(d)));
	return buf;
}

static int
find_group(struct html *h, const char *adapter, const char *layer)
{
	size_t i;

	for (i = 0; i < h->ngroups; i++)
		if (strcmp(h->groups[i].adapter, adapter) == 0 &&
		    strcmp(h->groups[i].layer, layer) == 0)
			return (int)i;
	if (h->ngroups == HTML_MAX_GROUPS)
		return HTML_MAX_GROUPS - 1;	/* the last group takes the rest */
	snprintf(h->groups[h->ngroups].adapter, sizeof(h->groups[0].adapter), "%s", adapter);
	snprintf(h->groups[h->ngroups].layer, sizeof(h->groups[0].layer), "%s", layer);
	return (int)h->ngroups++;
}

static int
cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int c = strcmp(x->adapter, y->adapter);

	return c ? c : strcmp(x->layer, y->layer);
}

/*
 * Rank of an object in the timeline: the suspicious first (not cleanly
 * terminated or failed, or with a violation), then the longest, then by
 * id.  A heap of the HTML_MAX_ROWS best keeps the worst of them on top.
 */
struct cand {
	int susp;
	int has_dur;
	int64_t dur;
	int64_t id;
};

/* 1 when a ranks before b */
static int
cand_before(const struct cand *a, const struct cand *b)
{
	if (a->susp != b->susp)
		return a->susp > b->susp;
	if (a->has_dur != b->has_dur)
		return a->has_dur > b->has_dur;
	if (a->has_dur && a->dur != b->dur)
		return a->dur > b->dur;
	return a->id < b->id;
}

static void
heap_down(struct cand *hp, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, w = i;
		struct cand t;

		if (l < n && cand_before(&hp[w], &hp[l]))
			w = l;
		if (r < n && cand_before(&hp[w], &hp[r]))
			w = r;
		if (w == i)
			return;
		t = hp[i];
		hp[i] = hp[w];
		hp[w] = t;
		i = w;
	}
}

static void
heap_up(struct cand *hp, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		struct cand t;

		if (!cand_before(&hp[p], &hp[i]))
			return;
		t = hp[i];
		hp[i] = hp[p];
		hp[p] = t;
		i = p;
	}
}

/* Keep c if it ranks among the best HTML_MAX_ROWS (hp[0]: the worst kept). */
static void
heap_offer(struct cand *hp, size_t *n, const struct cand *c)
{
	if (*n < HTML_MAX_ROWS) {
		hp[*n] = *c;
		heap_up(hp, (*n)++);
	} else if (cand_before(c, &hp[0])) {
		hp[0] = *c;
		heap_down(hp, *n, 0);
	}
}

static int
cmp_cand(const void *a, const void *b)
{
	return cand_before(a, b) ? -1 : cand_before(b, a) ? 1 : 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Objects with a violation (from the model), sorted for bsearch. */
static uint64_t *
violating_objects(const struct ot_report *r, size_t *n)
{
	uint64_t *ids = xmalloc(st_mult(r->nviolations + 1, sizeof(*ids)));
	size_t i;

	*n = 0;
	for (i = 0; i < r->nviolations; i++)
		if (r->violations[i].object_id)
			ids[(*n)++] = r->violations[i].object_id;
	qsort(ids, *n, sizeof(*ids), cmp_u64);
	return ids;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct obj_row *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/*
 * One pass over every object of the trace (a rowid range, no sort, no
 * join): the density of live objects per group, and the HTML_MAX_ROWS
 * objects the timeline shows, kept in a heap.  Their details are then
 * read by rowid.  An ORDER BY over the objects joined to the violations
 * sorted the whole table for 200 rows.
 */
static int
load_objects(struct html *h)
{
	static const char *const clean[] = { "terminated", "failed" };
	sqlite3_stmt *st = NULL;
	struct cand *hp = xcalloc(HTML_MAX_ROWS, sizeof(*hp));
	size_t nhp = 0, nv, i;
	uint64_t *vids = violating_objects(h->r, &nv);
	int rc, ret = -1;

	if (prep(h, "SELECT id, adapter, layer, fate,"
		 " coalesce(t_request, t_published, t_offloaded, t_last),"
		 " coalesce(t_terminated, t_last)"
		 " FROM objects WHERE oid " TRACE_RANGE(1), &st) < 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int g = find_group(h, col_text(st, 1), col_text(st, 2));
		const char *fate = col_text(st, 3);
		int64_t a = col_time(st, 4), b = col_time(st, 5);
		uint64_t id = (uint64_t)sqlite3_column_int64(st, 0);
		struct cand c;
		int j, ba, bb;

		c.id = (int64_t)id;
		c.susp = strcmp(fate, clean[0]) != 0 && strcmp(fate, clean[1]) != 0;
		if (!c.susp && nv > 0 &&
		    bsearch(&id, vids, nv, sizeof(*vids), cmp_u64) != NULL)
			c.susp = 1;
		c.has_dur = a != OT_T_NONE && b != OT_T_NONE;
		c.dur = c.has_dur ? b - a : 0;
		heap_offer(hp, &nhp, &c);
		h->groups[g].nobj++;
		if (a == OT_T_NONE)
			continue;
		/* alive to the end, as its row draws it (t_last is its last event) */
		if (strcmp(fate, "leaked") == 0 || strcmp(fate, "live") == 0)
			b = h->t1;
		if (b == OT_T_NONE || b < a)
			b = a;
		ba = time_bin(h, a);
		bb = time_bin(h, b);
		for (j = ba; j <= bb; j++)
			h->groups[g].bins[j]++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		sql_fail(h, "objects");
		goto out;
	}
	qsort(h->groups, h->ngroups, sizeof(h->groups[0]), cmp_group);

	qsort(hp, nhp, sizeof(*hp), cmp_cand);
	if (prep(h, "SELECT o.id, o.adapter, o.layer, coalesce(o.state, ''), ot_hex(o.slot), o.fate,"
		 " o.t_request, o.t_offloaded, o.t_terminate_req, o.t_terminated, o.t_last"
		 " FROM objects o WHERE oid = ?1 * 1099511627776 + ?2", &st) < 0)
		goto out;
	h->rows = xcalloc(HTML_MAX_ROWS, sizeof(*h->rows));
	for (i = 0; i < nhp; i++) {
		struct obj_row *o = &h->rows[h->nrows];
		uint64_t id;

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 2, hp[i].id);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
			sql_fail(h, "objects");
			goto out;
		}
		o->id = sqlite3_column_int64(st, 0);
		snprintf(o->adapter, sizeof(o->adapter), "%s", col_text(st, 1));
		snprintf(o->layer, sizeof(o->layer), "%s", col_text(st, 2));
		snprintf(o->state, sizeof(o->state), "%s", col_text(st, 3));
		snprintf(o->slot, sizeof(o->slot), "%s", col_text(st, 4));
		snprintf(o->fate, sizeof(o->fate), "%s", col_text(st, 5));
		o->t_req = col_time(st, 6);
		o->t_off = col_time(st, 7);
		o->t_treq = col_time(st, 8);
		o->t_term = col_time(st, 9);
		o->t_last = col_time(st, 10);
		id = (uint64_t)o->id;
		o->nviol = nv > 0 && bsearch(&id, vids, nv, sizeof(*vids), cmp_u64) != NULL;
		o->rank = h->nrows++;
		o->group = find_group(h, o->adapter, o->layer);
		h->groups[o->group].shown++;
	}
	qsort(h->rows, h->nrows, sizeof(h->rows[0]), cmp_row);
	ret = 0;
out:
	sqlite3_finalize(st);
	free(hp);
	free(vids);
	return ret;
}

static int
lat_bin(int64_t ns)
{
	int b;

	if (ns < 10)
		return 0;
	b = (int)floor(log10((double)ns) * 10.0) - 10;
	return b < 0 ? 0 : b >= HTML_LBINS ? HTML_LBINS - 1 : b;
}

static double
lat_bin_lo(int b)
{
	return pow(10.0, (b + 10) / 10.0);
}

static int
load_latency(struct html *h)
{
	sqlite3_stmt *st = NULL;
	int rc, k;

	h->lat = xcalloc(OT_KIND_COUNT, sizeof(*h->lat));
	if (prep(h, "SELECT kind, t_request, t_complete - t_request FROM operations"
		 " WHERE opid " TRACE_RANGE(1) " AND t_complete IS NOT NULL ORDER BY opid", &st) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = col_text(st, 0);
		int64_t t = sqlite3_column_int64(st, 1), d = sqlite3_column_int64(st, 2);
		struct kind_lat *l;
		int b;

		for (k = 0; k < OT_KIND_COUNT; k++)
			if (strcmp(kind, ot_kind_names[k]) == 0)
				break;
		if (k == OT_KIND_COUNT)
			continue;
		l = &h->lat[k];
		if (d < 0)
			d = 0;
		l->hist[lat_bin(d)]++;
		b = time_bin(h, t);
		l->tcount[b]++;
		l->tsum[b] += (double)d;
		if (d > l->tmax[b])
			l->tmax[b] = d;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_fail(h, "operations");
	return 0;
}

static void
head(struct html *h)
{
	FILE *out = h->out;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>offtrace report</title>\n<style>\n"
	      "body{font:14px/1.4 system-ui,sans-serif;margin:16px 24px;color:#222;background:#fff}\n"
	      "h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}\n"
	      ".cards{display:flex;flex-wrap:wrap;gap:10px}\n"
	      ".card{border:1px solid #ccc;border-radius:6px;padding:8px 14px;min-width:110px}\n"
	      ".card b{display:block;font-size:22px}.card.bad b{color:#c00}\n"
	      "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:2px 6px;"
	      "text-align:left;vertical-align:top}th{background:#f4f4f4}\n"
	      "td.n{text-align:right}code,.mono{font-family:ui-monospace,monospace;font-size:12px}\n"
	      "svg{display:block;margin:6px 0}svg text{font:11px sans-serif}\n"
	      ".charts{display:flex;flex-wrap:wrap;gap:16px}\n"
	      ".obj{border:1px solid #ddd;border-radius:6px;padding:6px 10px;margin:10px 0}\n"
	      ".obj:target{border-color:#c00;background:#fff8f8}\n"
	      ".note{color:#666}\n"
	      "</style>\n</head>\n<body>\n", out);
}

static void
card(FILE *out, const char *key, const char *label, uint64_t v, int bad)
{
	fprintf(out, "<div class=\"card%s\" data-card=\"%s\"><b>%" PRIu64 "</b>%s</div>\n",
		bad && v ? " bad" : "", key, v, label);
}

static void
summary(struct html *h)
{
	const struct ot_report *r = h->r;
	FILE *out = h->out;
	char a[OT_TIMEBUF], b[OT_TIMEBUF], d[32];
	uint64_t notchecked = 0;
	size_t i;

	for (i = 0; i < OT_R_COUNT; i++)
		if (!r->rules[i].checked)
			notchecked++;
	fprintf(out, "<h1>offtrace report: trace %" PRId64 " <span class=\"mono\">", r->trace_id);
	put_esc(out, r->name);
	fputs("</span></h1>\n<p>", out);
	if (r->start_ts != OT_T_NONE && r->end_ts != OT_T_NONE)
		fprintf(out, "span %s .. %s (%s), ", ot_fmt_time(r->start_ts, a),
			ot_fmt_time(r->end_ts, b), ot_fmt_dur(r->end_ts - r->start_ts, d, sizeof(d)));
	fprintf(out, "%" PRIu64 " events from %" PRIu64 " inputs:</p>\n<ul>\n", r->events, r->inputs);
	for (i = 0; i < r->nin; i++) {
		fputs("<li><code>", out);
		put_esc(out, r->in[i].file);
		fprintf(out, "</code> (%s): %" PRIu64 " events from %" PRIu64 " records",
			r->in[i].format, r->in[i].events, r->in[i].records);
		if (r->in[i].lost_events || r->in[i].lost_buffers)
			fprintf(out, ", <b>%" PRIu64 " events and %" PRIu64 " buffers lost by the logger</b>",
				r->in[i].lost_events, r->in[i].lost_buffers);
		if (r->in[i].drops) {
			size_t k;

			fprintf(out, ", %" PRIu64 " dropped packets (", r->in[i].drops);
			for (k = 0; k < r->in[i].ndrop; k++) {
				const struct ot_rep_drop *dk = &r->in[i].drop[k];

				fprintf(out, "%sreason %" PRIu32 " ", k ? "; " : "", dk->reason);
				put_esc(out, dk->reason_name);
				fprintf(out, " at 0x%08" PRIx32 ": %" PRIu64, dk->location, dk->count);
			}
			fputs(")", out);
		}
		fputs("</li>\n", out);
	}
	fputs("</ul>\n<h2 id=\"summary\">Summary</h2>\n<div class=\"cards\">\n", out);
	card(out, "objects", "objects", r->summary.objects, 0);
	card(out, "offloaded", "offloaded", r->summary.offloaded, 0);
	card(out, "failed", "failed", r->summary.failed, 1);
	card(out, "terminated", "terminated", r->summary.terminated, 0);
	card(out, "leaked", "leaked (incl. live at end)", (uint64_t)r->nleaks, 1);
	card(out, "errors", "errors", r->summary.errors, 1);
	card(out, "warnings", "warnings", r->summary.warnings, 1);
	card(out, "not-checked", "rules not checked", notchecked, 0);
	fputs("</div>\n", out);
}

static int
has_detail(const struct ot_report *r, uint64_t id)
{
	size_t i, n = 0;

	/* the first HTML_MAX_DETAILS objects of leaks then violations */
	for (i = 0; i < r->nleaks && n < HTML_MAX_DETAILS; i++, n++)
		if (r->leaks[i].object_id == id)
			return 1;
	for (i = 0; i < r->nviolations && n < HTML_MAX_DETAILS; i++)
		if (r->violations[i].object_id) {
			if (r->violations[i].object_id == id)
				return 1;
			n++;
		}
	return 0;
}

static void
bar(FILE *out, double x0, double x1, double y, double hgt, const char *fill,
    const char *title)
{
	if (x1 - x0 < 1)
		x1 = x0 + 1;
	fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
		"<title>%s</title></rect>", x0, y, x1 - x0, hgt, fill, title);
}

static void
timeline(struct html *h)
{
	const struct ot_report *r = h->r;
	FILE *out = h->out;
	size_t g, i, j, ri = 0;
	double y = 20;
	uint64_t shown = h->nrows, folded = r->summary.objects > shown ? r->summary.objects - shown : 0;
	double height = 30;
	char a[40], b[40], d[32];

	for (g = 0; g < h->ngroups; g++)
		height += 16 + DEN_H + 4 + (double)h->groups[g].shown * ROW_H;
	fprintf(out, "<h2 id=\"timeline\">Timeline</h2>\n<p>Object lifetimes per adapter and layer:"
		" a density row per group (objects alive over time, all %" PRIu64 " objects), then"
		" the %" PRIu64 " most suspicious or longest objects"
		" (<span data-folded=\"%" PRIu64 "\">%" PRIu64 " objects folded</span> into the density rows)."
		" Light bar: requested..offloaded (initiate); dark bar: offloaded; orange: terminate;"
		" red diamond: violation; black triangle: leak.</p>\n",
		r->summary.objects, shown, folded, folded);
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\""
		" viewBox=\"0 0 %d %.0f\" role=\"img\" aria-label=\"timeline\">\n",
		TL_W, height, TL_W, height);
	fprintf(out, "<text x=\"%d\" y=\"12\">%s</text><text x=\"%d\" y=\"12\" text-anchor=\"end\">%s</text>\n",
		TL_L, rel(h, h->t0, a, sizeof(a)), TL_R, rel(h, h->t1, b, sizeof(b)));
	for (g = 0; g < h->ngroups; g++) {
		struct group *gr = &h->groups[g];
		uint32_t mx = 1;

		fprintf(out, "<g data-group=\"%zu\"><text x=\"4\" y=\"%.0f\" font-weight=\"bold\">", g, y + 12);
		put_esc(out, gr->adapter[0] ? gr->adapter : "(no adapter)");
		fputs(" / ", out);
		put_esc(out, gr->layer);
		fprintf(out, " (%" PRIu64 " objects, %" PRIu64 " shown)</text></g>\n", gr->nobj, gr->shown);
		y += 16;
		for (j = 0; j < HTML_BINS; j++)
			if (gr->bins[j] > mx)
				mx = gr->bins[j];
		fprintf(out, "<g data-row=\"density\"><text x=\"10\" y=\"%.0f\">density (max %" PRIu32 " alive)</text>"
			"<rect x=\"%d\" y=\"%.0f\" width=\"%d\" height=\"%d\" fill=\"#f6f6f6\"/>",
			y + 14, mx, TL_L, y, TL_R - TL_L, DEN_H);
		for (j = 0; j < HTML_BINS; j++) {
			double bw = (double)(TL_R - TL_L) / HTML_BINS, bh;

			if (gr->bins[j] == 0)
				continue;
			bh = (double)gr->bins[j] * DEN_H / mx;
			fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#7a9cc6\"/>",
				TL_L + j * bw, y + DEN_H - bh, bw, bh);
		}
		fputs("</g>\n", out);
		y += DEN_H + 4;
		for (; ri < h->nrows && h->rows[ri].group == (int)g; ri++) {
			const struct obj_row *o = &h->rows[ri];
			int64_t start = o->t_req != OT_T_NONE ? o->t_req : o->t_last;
			int64_t end = o->t_term != OT_T_NONE ? o->t_term :
				      o->t_last != OT_T_NONE ? o->t_last : start;
			int link = has_detail(r, (uint64_t)o->id);
			char title[160];

			if (strcmp(o->fate, "leaked") == 0 || strcmp(o->fate, "live") == 0)
				end = h->t1;
			fprintf(out, "<g data-row=\"object\" data-object=\"%" PRId64 "\">", o->id);
			if (link)
				fprintf(out, "<a href=\"#obj-%" PRId64 "\">", o->id);
			fprintf(out, "<text x=\"10\" y=\"%.0f\" class=\"mono\">%s %s %s</text>",
				y + 10, o->slot, o->state, o->fate);
			if (link)
				fputs("</a>", out);
			if (start != OT_T_NONE) {
				snprintf(title, sizeof(title), "object %" PRId64 " %s %s: %s .. %s",
					 o->id, o->state, o->fate, rel(h, start, a, sizeof(a)),
					 rel(h, end, b, sizeof(b)));
				bar(out, xpos(h, start), xpos(h, end), y + 3, ROW_H - 6, "#d9e4f2", title);
				if (o->t_req != OT_T_NONE && o->t_off != OT_T_NONE) {
					snprintf(title, sizeof(title), "initiate %s",
						 ot_fmt_dur(o->t_off - o->t_req, d, sizeof(d)));
					bar(out, xpos(h, o->t_req), xpos(h, o->t_off), y + 1, ROW_H - 2, "#9cb8de", title);
				}
				if (o->t_off != OT_T_NONE) {
					int64_t oe = o->t_treq != OT_T_NONE ? o->t_treq : end;

					bar(out, xpos(h, o->t_off), xpos(h, oe), y + 2, ROW_H - 4,
					    strcmp(o->fate, "terminated") ? "#c0504d" : "#1f4e8c", "offloaded");
				}
				if (o->t_treq != OT_T_NONE) {
					int64_t te = o->t_term != OT_T_NONE ? o->t_term :
						     o->t_last != OT_T_NONE ? o->t_last : o->t_treq;

					snprintf(title, sizeof(title), "terminate %s",
						 o->t_term != OT_T_NONE ?
						 ot_fmt_dur(o->t_term - o->t_treq, d, sizeof(d)) :
						 "never completed");
					bar(out, xpos(h, o->t_treq), xpos(h, te), y + 1, ROW_H - 2, "#f0a030", title);
				}
			}
			for (j = 0; j < r->nviolations; j++) {
				const struct ot_rep_violation *v = &r->violations[j];
				double x;

				if (v->object_id != (uint64_t)o->id)
					continue;
				x = xpos(h, v->ts);
				fprintf(out, "<path data-marker=\"violation\" d=\"M%.1f %.1fl4 5l-4 5l-4 -5z\" fill=\"#d00\">"
					"<title>%s ", x, y, v->rule);
				put_esc(out, v->message);
				fputs("</title></path>", out);
			}
			for (j = 0; j < r->nleaks; j++) {
				const struct ot_rep_leak *l = &r->leaks[j];

				if (l->object_id != (uint64_t)o->id)
					continue;
				fprintf(out, "<path data-marker=\"leak\" d=\"M%.1f %.1fl5 10h-10z\" fill=\"#000\">"
					"<title>leak (%s)</title></path>", xpos(h, h->t1) - 5, y + 1, l->reason);
			}
			fputs("</g>\n", out);
			y += ROW_H;
		}
	}
	fputs("</svg>\n", out);
	(void)i;
}

static void
fmt_ns(double ns, char *buf, size_t len)
{
	ot_fmt_dur((int64_t)ns, buf, len);
}

/*
 * The percentile labels over a histogram: equal values share one label
 * ("p99/max 1.46ms"), and each label goes on the first row where it does
 * not overlap the one before it, so close values stagger instead of
 * printing over each other.  Widths are estimated from the length at the
 * 11px font (LABEL_CW px a character, on the safe side).
 */
#define LABEL_CW 6.5
#define LABEL_ROW 12
#define LABEL_ROWS 4

struct plabel {
	char text[64];
	double x, w;	/* centre and width, px */
	int row;
};

static int
place_labels(const char *const *name, const int64_t *v, const double *x,
	     int n, double left, double right, struct plabel *lb)
{
	double end[LABEL_ROWS];
	char s[32];
	int i, j, nl = 0, rows = 1;

	for (i = 0; i < n; i++) {
		struct plabel *l;

		fmt_ns((double)v[i], s, sizeof(s));
		for (j = 0; j < nl; j++)
			if (strcmp(strchr(lb[j].text, ' ') + 1, s) == 0)
				break;
		if (j < nl) {	/* same value: one label names both */
			char *sp = strchr(lb[j].text, ' ');
			char tmp[64];

			snprintf(tmp, sizeof(tmp), "%.*s/%s%s", (int)(sp - lb[j].text),
				 lb[j].text, name[i], sp);
			memcpy(lb[j].text, tmp, sizeof(tmp));
			lb[j].w = (double)strlen(lb[j].text) * LABEL_CW;
			continue;
		}
		l = &lb[nl++];
		snprintf(l->text, sizeof(l->text), "%s %s", name[i], s);
		l->x = x[i];
		l->w = (double)strlen(l->text) * LABEL_CW;
	}
	for (j = 0; j < LABEL_ROWS; j++)
		end[j] = -1e9;
	for (i = 0; i < nl; i++) {
		struct plabel *l = &lb[i];

		/* keep the text inside the chart */
		if (l->x - l->w / 2 < left)
			l->x = left + l->w / 2;
		if (l->x + l->w / 2 > right)
			l->x = right - l->w / 2;
		for (j = 0; j < LABEL_ROWS - 1 && l->x - l->w / 2 < end[j] + 4; j++)
			;
		l->row = j;
		end[j] = l->x + l->w / 2;
		if (j + 1 > rows)
			rows = j + 1;
	}
	for (i = nl; i < n; i++)
		lb[i].text[0] = '\0';
	return rows;
}

/* Histogram on a log axis with percentile marks, and a CDF beside it. */
static void
histogram(struct html *h, int k)
{
	const struct ot_lat *lt = &h->r->latency[k];
	const struct kind_lat *l = &h->lat[k];
	FILE *out = h->out;
	int b, lo = HTML_LBINS, hi = -1, W = 560, H, L = 50, R = 540, T, B, rows;
	uint64_t mx = 1, cum = 0, total = 0;
	double bw, px[4];
	char s[32];
	size_t p;
	static const char *const pname[4] = { "p50", "p90", "p99", "max" };
	struct plabel lb[4];
	int64_t pv[4];

	for (b = 0; b < HTML_LBINS; b++) {
		if (l->hist[b] == 0)
			continue;
		if (b < lo)
			lo = b;
		hi = b;
		total += l->hist[b];
		if (l->hist[b] > mx)
			mx = l->hist[b];
	}
	if (hi < 0)
		return;
	lo = lo - lo % 10;		/* whole decades */
	hi = hi + 10 - hi % 10;
	if (hi > HTML_LBINS)
		hi = HTML_LBINS;
	bw = (double)(R - L) / (hi - lo);
	pv[0] = lt->p50;
	pv[1] = lt->p90;
	pv[2] = lt->p99;
	pv[3] = lt->max;
	for (p = 0; p < 4; p++) {
		if (pv[p] <= 0)
			px[p] = L;
		else
			px[p] = L + (log10((double)pv[p]) * 10.0 - 10 - lo) * bw;
		if (px[p] < L)
			px[p] = L;
		if (px[p] > R)
			px[p] = R;
	}
	rows = place_labels(pname, pv, px, 4, 2, W - 2, lb);
	T = 8 + rows * LABEL_ROW;
	B = T + 130;
	H = B + 30;
	fprintf(out, "<div data-kind=\"%s\"><h3>%s: %" PRIu64 " completed</h3>\n",
		ot_kind_names[k], ot_kind_names[k], total);
	fprintf(out, "<div class=\"charts\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
		" viewBox=\"0 0 %d %d\" data-chart=\"histogram\" role=\"img\" aria-label=\"%s latency histogram\">\n",
		W, H, W, H, ot_kind_names[k]);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", L, B, R, B);
	fprintf(out, "<text x=\"4\" y=\"%d\">%" PRIu64 "</text><text x=\"4\" y=\"%d\">0</text>", T + 8, mx, B);
	for (b = lo; b <= hi; b += 10) {
		fmt_ns(lat_bin_lo(b), s, sizeof(s));
		fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>"
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
			L + (b - lo) * bw, B, L + (b - lo) * bw, B + 4, L + (b - lo) * bw, B + 16, s);
	}
	for (b = lo; b < hi; b++) {
		double bh;

		if (l->hist[b] == 0)
			continue;
		bh = (double)l->hist[b] * (B - T) / (double)mx;
		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
			"<title>%" PRIu64 "</title></rect>",
			L + (b - lo) * bw, B - bh, bw > 1.5 ? bw - 0.5 : bw, bh, kind_color[k], l->hist[b]);
	}
	for (p = 0; p < 4; p++)
		fprintf(out, "<line data-mark=\"%s\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\""
			" stroke-dasharray=\"3 2\"/>", pname[p], px[p], T, px[p], B);
	for (p = 0; p < 4 && lb[p].text[0]; p++)
		fprintf(out, "<text data-label=\"%s\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
			lb[p].text, lb[p].x, T - 4 - (rows - 1 - lb[p].row) * LABEL_ROW, lb[p].text);
	fputs("</svg>\n", out);
	/* CDF */
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
		" data-chart=\"cdf\" role=\"img\" aria-label=\"%s latency CDF\">\n", W, H, W, H, ot_kind_names[k]);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>"
		"<text x=\"4\" y=\"%d\">100%%</text><text x=\"4\" y=\"%d\">0%%</text>", L, B, R, B, T + 4, B);
	for (b = lo; b <= hi; b += 10) {
		fmt_ns(lat_bin_lo(b), s, sizeof(s));
		fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", L + (b - lo) * bw, B + 16, s);
	}
	fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%d,%d", kind_color[k], L, B);
	for (b = lo; b < hi; b++) {
		cum += l->hist[b];
		fprintf(out, " %.1f,%.1f", L + (b + 1 - lo) * bw,
			B - (double)cum * (B - T) / (double)total);
	}
	fputs("\"/></svg></div></div>\n", out);
}

static void
latency(struct html *h)
{
	FILE *out = h->out;
	int k, b, any = 0, W = TL_W, H = 220, L = 60, R = TL_W - 10, T = 10, B = 190;
	int64_t mx = 1, mn = INT64_MAX;
	double lmin, lmax;
	char s[32];

	fputs("<h2 id=\"latency\">Latency</h2>\n", out);
	for (k = 0; k < OT_KIND_COUNT; k++)
		if (h->r->latency[k].count) {
			histogram(h, k);
			any = 1;
		}
	if (!any) {
		fputs("<p class=\"note\">No completed operation.</p>\n", out);
		return;
	}
	for (k = 0; k < OT_KIND_COUNT; k++)
		for (b = 0; b < HTML_BINS; b++)
			if (h->lat[k].tcount[b]) {
				if (h->lat[k].tmax[b] > mx)
					mx = h->lat[k].tmax[b];
				if ((int64_t)(h->lat[k].tsum[b] / (double)h->lat[k].tcount[b]) < mn)
					mn = (int64_t)(h->lat[k].tsum[b] / (double)h->lat[k].tcount[b]);
			}
	if (mn < 10)
		mn = 10;
	lmin = floor(log10((double)mn));
	lmax = ceil(log10((double)mx));
	if (lmax <= lmin)
		lmax = lmin + 1;
	fputs("<h3>Latency over trace time</h3>\n<p class=\"note\">Per time bin: mean (line) and max (dots),"
	      " log scale.</p>\n", out);
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
		" data-chart=\"over-time\" role=\"img\" aria-label=\"latency over time\">\n", W, H, W, H);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", L, B, R, B);
	for (b = (int)lmin; b <= (int)lmax; b++) {
		double y = B - (b - lmin) * (B - T) / (lmax - lmin);

		fmt_ns(pow(10.0, b), s, sizeof(s));
		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
			"<text x=\"4\" y=\"%.1f\">%s</text>", L, y, R, y, y + 4, s);
	}
	for (k = 0; k < OT_KIND_COUNT; k++) {
		const struct kind_lat *l = &h->lat[k];
		double bw = (double)(R - L) / HTML_BINS;
		int first = 1;

		if (!h->r->latency[k].count)
			continue;
		fprintf(out, "<g data-series=\"%s\"><polyline fill=\"none\" stroke=\"%s\" points=\"",
			ot_kind_names[k], kind_color[k]);
		for (b = 0; b < HTML_BINS; b++) {
			double m;

			if (!l->tcount[b])
				continue;
			m = l->tsum[b] / (double)l->tcount[b];
			if (m < 10)
				m = 10;
			fprintf(out, "%s%.1f,%.1f", first ? "" : " ", L + (b + 0.5) * bw,
				B - (log10(m) - lmin) * (B - T) / (lmax - lmin));
			first = 0;
		}
		fputs("\"/>", out);
		for (b = 0; b < HTML_BINS; b++) {
			double m;

			if (!l->tcount[b])
				continue;
			m = l->tmax[b] < 10 ? 10 : (double)l->tmax[b];
			fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\"/>", L + (b + 0.5) * bw,
				B - (log10(m) - lmin) * (B - T) / (lmax - lmin), kind_color[k]);
		}
		fprintf(out, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text></g>\n", L + 10 + k * 90, B + 20,
			kind_color[k], ot_kind_names[k]);
	}
	fputs("</svg>\n", out);
}

static void
obj_link(FILE *out, uint64_t id)
{
	if (id)
		fprintf(out, "<a href=\"#obj-%" PRIu64 "\">object %" PRIu64 "</a>", id, id);
	else
		fputs("-", out);
}

/* A page of millions of rows helps nobody: the rest is in the CSV report. */
static void
folded_rows(FILE *out, size_t n, const char *what)
{
	if (n > HTML_MAX_TABLE)
		fprintf(out, "<p class=\"note\" data-folded-rows=\"%zu\">The first %d %s shown;"
			" %zu more in <code>offtrace report --format csv --table %s</code>.</p>\n",
			n - HTML_MAX_TABLE, HTML_MAX_TABLE, what, n - HTML_MAX_TABLE, what);
}

static void
tables(struct html *h)
{
	const struct ot_report *r = h->r;
	FILE *out = h->out;
	char a[40], tb[OT_TIMEBUF];
	size_t i;

	fprintf(out, "<h2 id=\"leaks\">Leaks (%zu)</h2>\n", r->nleaks);
	if (r->nleaks) {
		fputs("<table data-table=\"leaks\"><tr><th>since</th><th>established</th><th>reason</th>"
		      "<th>adapter</th><th>layer</th><th>state</th><th>slot</th><th>object</th></tr>\n", out);
		for (i = 0; i < r->nleaks && i < HTML_MAX_TABLE; i++) {
			const struct ot_rep_leak *l = &r->leaks[i];

			fprintf(out, "<tr data-row=\"leak\"><td>%s</td>", rel(h, l->since, a, sizeof(a)));
			fprintf(out, "<td>%s</td><td>", rel(h, l->ts, a, sizeof(a)));
			put_esc(out, l->reason);
			fputs("</td><td>", out);
			put_esc(out, l->adapter);
			fputs("</td><td>", out);
			put_esc(out, l->layer);
			fputs("</td><td>", out);
			put_esc(out, l->state);
			fprintf(out, "</td><td class=\"mono\">0x%" PRIx64 "</td><td>", l->slot);
			obj_link(out, l->object_id);
			fputs("</td></tr>\n", out);
		}
		fputs("</table>\n", out);
		folded_rows(out, r->nleaks, "leaks");
	} else {
		fputs("<p class=\"note\">None.</p>\n", out);
	}
	fprintf(out, "<h2 id=\"violations\">Violations (%zu)</h2>\n", r->nviolations);
	if (r->nviolations) {
		fputs("<table data-table=\"violations\"><tr><th>rule</th><th>severity</th><th>time</th>"
		      "<th>message</th><th>slot</th><th>object</th></tr>\n", out);
		for (i = 0; i < r->nviolations && i < HTML_MAX_TABLE; i++) {
			const struct ot_rep_violation *v = &r->violations[i];

			fputs("<tr data-row=\"violation\"><td>", out);
			put_esc(out, v->rule);
			fputs("</td><td>", out);
			put_esc(out, v->severity);
			fprintf(out, "</td><td title=\"%s\">%s</td><td>",
				v->ts == OT_T_NONE ? "-" : ot_fmt_time(v->ts, tb), rel(h, v->ts, a, sizeof(a)));
			put_esc(out, v->message);
			if (v->slot)
				fprintf(out, "</td><td class=\"mono\">0x%" PRIx64 "</td><td>", v->slot);
			else
				fputs("</td><td>-</td><td>", out);
			obj_link(out, v->object_id);
			fputs("</td></tr>\n", out);
		}
		fputs("</table>\n", out);
		folded_rows(out, r->nviolations, "violations");
	} else {
		fputs("<p class=\"note\">None.</p>\n", out);
	}
	fputs("<h2 id=\"rules\">Rules not checked</h2>\n<table data-table=\"rules\"><tr><th>rule</th>"
	      "<th>title</th><th>why</th></tr>\n", out);
	for (i = 0; i < OT_R_COUNT; i++) {
		if (r->rules[i].checked)
			continue;
		fputs("<tr data-row=\"rule\"><td>", out);
		put_esc(out, r->rules[i].id);
		fputs("</td><td>", out);
		put_esc(out, r->rules[i].title);
		fputs("</td><td>", out);
		put_esc(out, r->rules[i].why_not);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

/* One object's ordered history (like offtrace show object). */
static int
detail(struct html *h, uint64_t id, sqlite3_stmt *obj, sqlite3_stmt *ev)
{
	FILE *out = h->out;
	char a[40], tb[OT_TIMEBUF];
	int64_t first, last;
	int rc, n = 0;

	sqlite3_reset(obj);
	sqlite3_bind_int64(obj, 2, (int64_t)id);
	if ((rc = sqlite3_step(obj)) != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : sql_fail(h, "objects");
	fprintf(out, "<div class=\"obj\" id=\"obj-%" PRIu64 "\" data-detail=\"%" PRIu64 "\">"
		"<h3>object %" PRIu64 ": ", id, id, id);
	put_esc(out, col_text(obj, 0));
	fputs(" ", out);
	put_esc(out, col_text(obj, 1));
	fputs(" on adapter '", out);
	put_esc(out, col_text(obj, 2));
	fprintf(out, "', slot <span class=\"mono\">%s</span> epoch %lld</h3>\n<p>fate <b>",
		col_text(obj, 3), (long long)sqlite3_column_int64(obj, 4));
	put_esc(out, col_text(obj, 5));
	fputs("</b></p>\n", out);
	first = sqlite3_column_int64(obj, 6);
	last = sqlite3_column_int64(obj, 7);
	sqlite3_reset(ev);
	sqlite3_bind_int64(ev, 2, first);
	sqlite3_bind_int64(ev, 3, last);
	sqlite3_bind_int64(ev, 4, sqlite3_column_int64(obj, 8));
	sqlite3_bind_int64(ev, 5, sqlite3_column_int64(obj, 9));
	sqlite3_bind_int64(ev, 6, sqlite3_column_int64(obj, 10));
	sqlite3_bind_int64(ev, 7, HTML_MAX_HISTORY + 1);
	fputs("<table data-table=\"history\"><tr><th>event</th><th>time</th><th>rel</th><th>ev</th>"
	      "<th>layer</th><th>fields</th><th>source</th></tr>\n", out);
	while ((rc = sqlite3_step(ev)) == SQLITE_ROW) {
		static const char *const names[] = { "root", "block", "slot", "value", "status",
						     "code", "reason", "tid", "nbl" };
		int c;

		if (++n > HTML_MAX_HISTORY) {
			fprintf(out, "<tr><td colspan=\"7\">(more events folded; see offtrace show object)</td></tr>\n");
			break;
		}
		fprintf(out, "<tr data-row=\"event\"><td>#%lld</td><td class=\"mono\">%s</td><td>%s</td><td>",
			(long long)sqlite3_column_int64(ev, 0), ot_fmt_time(sqlite3_column_int64(ev, 1), tb),
			rel(h, sqlite3_column_int64(ev, 1), a, sizeof(a)));
		put_esc(out, col_text(ev, 2));
		fputs("</td><td>", out);
		put_esc(out, col_text(ev, 3));
		fputs("</td><td class=\"mono\">", out);
		for (c = 4; c <= 12; c++) {
			if (sqlite3_column_type(ev, c) == SQLITE_NULL)
				continue;
			fprintf(out, "%s=", names[c - 4]);
			put_esc(out, col_text(ev, c));
			fputs(" ", out);
		}
		fputs("</td><td>", out);
		put_esc(out, col_text(ev, 14));
		fprintf(out, ":%lld</td></tr>\n", (long long)sqlite3_column_int64(ev, 13));
	}
	fputs("</table></div>\n", out);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sql_fail(h, "events");
	return 0;
}

static int
details(struct html *h)
{
	const struct ot_report *r = h->r;
	sqlite3_stmt *obj = NULL, *ev = NULL;
	uint64_t *ids = xcalloc(HTML_MAX_DETAILS, sizeof(*ids));
	size_t n = 0, i, j;
	int rc = -1;

	for (i = 0; i < r->nleaks && n < HTML_MAX_DETAILS; i++)
		ids[n++] = r->leaks[i].object_id;
	for (i = 0; i < r->nviolations && n < HTML_MAX_DETAILS; i++)
		if (r->violations[i].object_id)
			ids[n++] = r->violations[i].object_id;
	fputs("<h2 id=\"objects\">Object histories</h2>\n", h->out);
	if (n == 0) {
		fputs("<p class=\"note\">No leaked object and no violation on an object.</p>\n", h->out);
		rc = 0;
		goto out;
	}
	if (prep(h, "SELECT state, layer, adapter, ot_hex(slot), epoch, fate, first_event, last_event,"
		 " slot, coalesce(handle, 0), coalesce(value, 0)"
		 " FROM objects WHERE oid = ?1 * 1099511627776 + ?2", &obj) < 0)
		goto out;
	if (prep(h, "SELECT id, ts, ev, layer, ot_hex(root), ot_hex(block), ot_hex(slot),"
		 " ot_hex(value), ot_status_name(status), code, reason, tid, ot_hex(nbl), line,"
		 " (SELECT file FROM inputs i WHERE i.trace_id = e.trace_id AND i.input = e.input)"
		 " FROM events e WHERE eid BETWEEN ?1 * 1099511627776 + ?2 AND ?1 * 1099511627776 + ?3"
		 " AND (slot = ?4 OR (?5 <> 0 AND handle = ?5) OR (?6 <> 0 AND value = ?6 AND ev <> 'ctx_write'))"
		 " ORDER BY eid LIMIT ?7", &ev) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (ids[j] == ids[i])
				break;
		if (j < i)
			continue;	/* already shown */
		if (detail(h, ids[i], obj, ev) < 0)
			goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(obj);
	sqlite3_finalize(ev);
	free(ids);
	return rc;
}

int
ot_report_html(sqlite3 *db, const struct ot_report *r, FILE *out,
	       struct ot_err *err)
{
	struct html h;
	int rc = -1;

	memset(&h, 0, sizeof(h));
	h.db = db;
	h.r = r;
	h.out = out;
	h.err = err;
	h.t0 = r->start_ts != OT_T_NONE ? r->start_ts : 0;
	h.t1 = r->end_ts != OT_T_NONE ? r->end_ts : h.t0 + 1;
	if (h.t1 <= h.t0)
		h.t1 = h.t0 + 1;
	h.groups = xcalloc(HTML_MAX_GROUPS, sizeof(*h.groups));
	if (load_objects(&h) < 0 || load_latency(&h) < 0)
		goto out;
	head(&h);
	summary(&h);
	timeline(&h);
	latency(&h);
	tables(&h);
	if (details(&h) < 0)
		goto out;
	fputs("<p class=\"note\">Written by offtrace.</p>\n</body>\n</html>\n", out);
	rc = ferror(out) ? ot_errorf(err, OT_EINTERNAL, "html report: write error") : 0;
out:
	free(h.groups);
	free(h.rows);
	free(h.lat);
	return rc;
}
