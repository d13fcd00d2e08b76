/*
 * html.c - the report as one self-contained HTML page: inline CSS and SVG,
 * no script, no external resource, a strict Content-Security-Policy.
 *
 * Sections: summary cards; a timeline of object lifetimes per adapter and
 * layer on a time axis with ticks (per group a density row for every
 * object and lanes of its failed initiates, violations and leaks, then at
 * most HTML_MAX_ROWS object rows, the suspicious, some failed and the
 * longest, with a count of what is folded; a legend of every colour and
 * marker); per operation kind a latency histogram and a CDF on one log
 * axis shared by every kind, with p50/p90/p99/max marked, beside a table
 * of the kind's latency per adapter and layer; latency over trace time;
 * tables of leaks (every reason) and violations; the history of every
 * object the timeline shows or the tables name first.
 *
 * Every string from a trace goes through ot_html_string(): HTML and attribute
 * escapes, control characters shown as \xNN, invalid UTF-8 as U+FFFD.
 * The page reads the database only (SELECT) and prints no generation time,
 * so the same database always gives the same bytes.
 */
#include "offtrace/report.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "html_int.h"

/*
 * Limits, so that a page stays below 20 MiB: at most 250 histories of 76
 * rows (about 450 bytes each: 8.6 MB), two tables of 5000 rows (5 MB), 64
 * groups of density rows and lanes (4.6 MB), 200 object rows with their
 * markers (1 MB).  That is with plain strings: escapes grow hostile ones
 * (up to 8 bytes a byte) in the tables' cells.
 */
#define HTML_MAX_ROWS 200	/* object rows in the timeline */
#define HTML_MAX_FAILED 50	/* of them failed, while others want the room */
#define HTML_MAX_GROUPS 64	/* adapter/layer groups; more fold into one */
#define HTML_MAX_MARKS 8	/* violation markers on one object row */
#define HTML_MAX_TABLE 5000	/* rows of the leak and violation tables */
#define HTML_BINS 200		/* time bins: density and latency over time */
#define HTML_LANE_BINS 100	/* time bins of the failure/violation/leak lanes */
#define HTML_LBINS 100		/* log latency bins: 10 per decade from 10ns */

#define TL_W 1200		/* timeline width, px */
#define TL_L 300		/* left of the plot area */
#define TL_R 1180		/* right of the plot area */
#define ROW_H 14
#define DEN_H 22
#define LANE_H 14
#define AXIS_H 40		/* a time axis: ticks, labels, title */

#define TRACE_RANGE(n) "BETWEEN ?1 * 1099511627776 AND ?1 * 1099511627776 + 1099511627775"

/*
 * Colours.  Red is for errors only: failed initiates, violations, objects
 * never terminated; terminate is orange.  The kinds' colours (the
 * Okabe-Ito palette, safe for colour-blind readers) avoid it too.
 */
#define C_ERR "#c00000"		/* violation and failure markers */
#define C_LIFE "#e2e2e2"	/* lifetime: request .. last event */
#define C_INIT "#9cc3e6"	/* initiate: request .. offloaded */
#define C_OFF "#1f4e8c"		/* offloaded, then terminated */
#define C_LEAK "#c00000"	/* offloaded, never terminated */
#define C_LOST "#8e7cc3"	/* offloaded, terminate failed (lost) */
#define C_TERM "#e69f00"	/* terminate: request .. completion */
#define C_FAIL "#f2a0a0"	/* failed initiate: request .. completion */
#define C_DENS "#7a9cc6"	/* objects alive */
#define C_GRID "#e8e8e8"

const char *const ot_html_kind_color[OT_KIND_COUNT] = {
	"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9"
};

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
	int other;		/* the groups past HTML_MAX_GROUPS, folded */
	uint64_t nobj, shown;
	uint32_t bins[HTML_BINS];	/* objects alive in each time bin */
	uint32_t failed[HTML_LANE_BINS], viol[HTML_LANE_BINS], leak[HTML_LANE_BINS];
	uint64_t nfailed, nviol, nleak;
};

struct kind_lat {
	uint64_t hist[HTML_LBINS];
	uint64_t tcount[HTML_BINS];
	double tsum[HTML_BINS];
	int64_t tmax[HTML_BINS];
};

/* The time axis: ticks every step from the trace start, labels in unit. */
struct taxis {
	int64_t step, unit;
	const char *uname;
	int dec;		/* decimals of a label */
	int n;			/* ticks */
};

struct html {
	sqlite3 *db;
	const struct ot_report *r;
	FILE *out;
	struct ot_err *err;
	int64_t t0, t1;		/* plotted time range */
	struct taxis ax;
	struct group *groups;
	size_t ngroups;
	struct obj_row *rows;
	size_t nrows;
	struct kind_lat *lat;	/* OT_KIND_COUNT */
	struct html_hist *hist;	/* sorted by id */
	size_t nhist;
};

static const char *
pl(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* A time: UTC with Z, unless the trace's times are local ones (no zone). */
static const char *
fmt_time(const struct html *h, int64_t t, char buf[OT_TIMEBUF])
{
	return ot_fmt_time_zone(t, h->r->local_time, buf);
}

/*
 * HTML text and attribute escape of a string from a trace (report.h); the
 * fleet page (src/fleet/html.c) escapes its labels with it too.
 */
void
ot_html_string(FILE *out, const char *s)
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
	return html_sql_fail(h->db, h->err, what);
}

static int
prep(struct html *h, const char *sql, sqlite3_stmt **st)
{
	return html_prep(h->db, h->r->trace_id, sql, st, h->err);
}


static int64_t
col_time(sqlite3_stmt *st, int c)
{
	return sqlite3_column_type(st, c) == SQLITE_NULL ? OT_T_NONE :
	       sqlite3_column_int64(st, c);
}

static double
tpos(const struct html *h, int64_t t, double left, double right)
{
	double span = (double)(h->t1 - h->t0);

	if (t < h->t0)
		t = h->t0;
	if (t > h->t1)
		t = h->t1;
	return left + (double)(t - h->t0) * (right - left) / span;
}

static double
xpos(const struct html *h, int64_t t)
{
	return tpos(h, t, TL_L, TL_R);
}

static int
bin_of(const struct html *h, int64_t t, int nbins)
{
	double span = (double)(h->t1 - h->t0);
	int b;

	if (t < h->t0)
		t = h->t0;
	if (t > h->t1)
		t = h->t1;
	b = (int)((double)(t - h->t0) * nbins / span);

	return b < 0 ? 0 : b >= nbins ? nbins - 1 : b;
}

static int
time_bin(const struct html *h, int64_t t)
{
	return bin_of(h, t, HTML_BINS);
}

static const char *
rel(const struct html *h, int64_t t, char *buf, size_t len)
{
	if (t == OT_T_NONE) {
		snprintf(buf, len, "-");
		return buf;
	}
	return ot_fmt_rel(h->t0, t, buf, len);
}

/*
 * Ticks of the time axis: a step of 1, 2 or 5 times a power of ten up to
 * 20 s, whole minutes or hours beyond, the smallest giving at most 10
 * intervals over the plotted span; labels in one unit chosen by the span.
 */
static void
time_axis_init(struct html *h)
{
	static const int64_t mins[] = { 1, 2, 5, 10, 15, 20, 30 };
	static const int64_t hours[] = { 1, 2, 3, 6, 12, 24, 48, 120, 240, 720, 1440, 2880, 7200 };
	struct taxis *a = &h->ax;
	int64_t span = h->t1 - h->t0, want = span / 10 + (span % 10 != 0), s, d;
	size_t i;

	if (span < 1000) {
		a->unit = 1, a->uname = "ns";
	} else if (span < 1000000) {
		a->unit = 1000, a->uname = "us";
	} else if (span < 1000000000) {
		a->unit = 1000000, a->uname = "ms";
	} else if (span < INT64_C(120000000000)) {
		a->unit = 1000000000, a->uname = "s";
	} else if (span < INT64_C(7200000000000)) {
		a->unit = INT64_C(60000000000), a->uname = "min";
	} else {
		a->unit = INT64_C(3600000000000), a->uname = "h";
	}
	a->step = 0;
	if (a->unit <= 1000000000) {
		for (s = 1; s <= INT64_C(20000000000) && a->step == 0; s *= 10)
			for (i = 0; i < 3; i++)
				if (s * (i == 0 ? 1 : i == 1 ? 2 : 5) >= want) {
					a->step = s * (i == 0 ? 1 : i == 1 ? 2 : 5);
					break;
				}
	} else {
		const int64_t *m = a->uname[0] == 'm' ? mins : hours;
		size_t nm = a->uname[0] == 'm' ? sizeof(mins) / sizeof(mins[0]) :
			    sizeof(hours) / sizeof(hours[0]);

		for (i = 0; i < nm && a->step == 0; i++)
			if (m[i] * a->unit >= want)
				a->step = m[i] * a->unit;
		if (a->step == 0)	/* a span of years: as many hours as it takes */
			a->step = (want / a->unit + 1) * a->unit;
	}
	if (a->step == 0)
		a->step = want > 0 ? want : 1;
	for (a->dec = 0, d = a->unit; a->dec < 9 && a->step % d != 0; a->dec++)
		d /= 10;
	a->n = (int)(span / a->step) + 1;
}

static void
tick_label(const struct taxis *a, int i, char *buf, size_t len)
{
	snprintf(buf, len, "+%.*f%s", a->dec, (double)a->step * i / (double)a->unit, a->uname);
}

/*
 * A time axis from left to right at y (the axis line): ticks down (labels
 * below, title under them) or up (labels above, title over them), and the
 * grid lines from y0 to y1 when y1 > y0.
 */
static void
time_axis(struct html *h, double left, double right, double y, int up,
	  double y0, double y1, const char *name)
{
	FILE *out = h->out;
	char s[48], tb[OT_TIMEBUF];
	int i;

	fprintf(out, "<g data-axis=\"time\" data-axis-of=\"%s\">", name);
	if (y1 > y0)
		for (i = 0; i < h->ax.n; i++) {
			double x = tpos(h, h->t0 + h->ax.step * i, left, right);

			fprintf(out, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"%s\"/>",
				x, y0, x, y1, C_GRID);
		}
	fprintf(out, "<line data-axis-line=\"\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\""
		" stroke=\"#666\"/>", left, y, right, y);
	for (i = 0; i < h->ax.n; i++) {
		double x = tpos(h, h->t0 + h->ax.step * i, left, right);

		tick_label(&h->ax, i, s, sizeof(s));
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#666\"/>"
			"<text data-tick=\"%d\" x=\"%.1f\" y=\"%.0f\" text-anchor=\"%s\">%s</text>",
			x, y, x, up ? y - 5 : y + 5, i, x, up ? y - 8 : y + 16,
			i == 0 && x - left < 20 ? "start" : "middle", s);
	}
	fprintf(out, "<text data-axis-title=\"\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">"
		"time since the trace start, %s (%s)</text></g>\n",
		(left + right) / 2, up ? y - 22 : y + 32, fmt_time(h, h->t0, tb),
		h->r->local_time ? "local time" : "UTC");
}

static int
find_group(struct html *h, const char *adapter, const char *layer, int add)
{
	size_t i;

	for (i = 0; i < h->ngroups; i++)
		if (!h->groups[i].other && strcmp(h->groups[i].adapter, adapter) == 0 &&
		    strcmp(h->groups[i].layer, layer) == 0)
			return (int)i;
	if (!add) {
		for (i = 0; i < h->ngroups; i++)
			if (h->groups[i].other)
				return (int)i;
		return -1;
	}
	if (h->ngroups >= HTML_MAX_GROUPS - 1) {	/* the last group takes the rest */
		if (h->ngroups == HTML_MAX_GROUPS - 1)
			h->groups[h->ngroups++].other = 1;
		return HTML_MAX_GROUPS - 1;
	}
	snprintf(h->groups[h->ngroups].adapter, sizeof(h->groups[0].adapter), "%s", adapter);
	snprintf(h->groups[h->ngroups].layer, sizeof(h->groups[0].layer), "%s", layer);
	return (int)h->ngroups++;
}

static int
cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int c;

	if (x->other != y->other)
		return x->other - y->other;
	c = strcmp(x->adapter, y->adapter);
	return c ? c : strcmp(x->layer, y->layer);
}

/*
 * Rank of an object in the timeline: the suspicious first (leaked, live
 * at end, lost, pending, or with a violation), then the longest.  Failed
 * objects are kept apart: at most HTML_MAX_FAILED rows of them unless
 * nothing else wants the room, so a trace where one initiate in fifty
 * fails still shows lifetimes.  A heap of the HTML_MAX_ROWS best of each
 * class keeps the worst of them on top.
 */
enum { CL_SUSP, CL_FAILED, CL_CLEAN, CL_COUNT };

struct cand {
	int has_dur;
	int64_t dur;
	int64_t id;
};

/* 1 when a ranks before b */
static int
cand_before(const struct cand *a, const struct cand *b)
{
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

static int
never_terminated(const char *fate)
{
	return strcmp(fate, "leaked") == 0 || strcmp(fate, "live") == 0;
}

/* How many of each class the timeline shows. */
static void
share_rows(const size_t *have, size_t *take)
{
	size_t room = HTML_MAX_ROWS;

	take[CL_SUSP] = have[CL_SUSP] < room ? have[CL_SUSP] : room;
	room -= take[CL_SUSP];
	take[CL_FAILED] = have[CL_FAILED] < HTML_MAX_FAILED ? have[CL_FAILED] : HTML_MAX_FAILED;
	if (take[CL_FAILED] > room)
		take[CL_FAILED] = room;
	room -= take[CL_FAILED];
	take[CL_CLEAN] = have[CL_CLEAN] < room ? have[CL_CLEAN] : room;
	room -= take[CL_CLEAN];
	if (have[CL_FAILED] - take[CL_FAILED] < room)	/* nothing else wants it */
		room = have[CL_FAILED] - take[CL_FAILED];
	take[CL_FAILED] += room;
}

/*
 * One pass over every object of the trace (a rowid range, no sort, no
 * join): the density of live objects and the failed initiates per group,
 * and the objects the timeline shows, kept in heaps.  Their details are
 * then read by rowid.  An ORDER BY over the objects joined to the
 * violations sorted the whole table for 200 rows.
 */
static int
load_objects(struct html *h)
{
	sqlite3_stmt *st = NULL;
	struct cand *hp[CL_COUNT];
	size_t nhp[CL_COUNT] = { 0 }, take[CL_COUNT], nv, i, c;
	uint64_t *vids = violating_objects(h->r, &nv);
	int rc, ret = -1;

	for (c = 0; c < CL_COUNT; c++)
		hp[c] = xcalloc(HTML_MAX_ROWS, sizeof(*hp[c]));
	if (prep(h, "SELECT id, adapter, layer, fate,"
		 " coalesce(t_request, t_published, t_offloaded, t_last),"
		 " coalesce(t_terminated, t_last)"
		 " FROM objects WHERE oid " TRACE_RANGE(1), &st) < 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int g = find_group(h, html_col_text(st, 1), html_col_text(st, 2), 1);
		const char *fate = html_col_text(st, 3);
		int64_t a = col_time(st, 4), b = col_time(st, 5);
		uint64_t id = (uint64_t)sqlite3_column_int64(st, 0);
		struct group *gr = &h->groups[g];
		struct cand cd;
		int j, ba, bb;

		cd.id = (int64_t)id;
		if (strcmp(fate, "failed") == 0)
			c = CL_FAILED;
		else if (strcmp(fate, "terminated") != 0)
			c = CL_SUSP;
		else
			c = CL_CLEAN;
		if (c != CL_SUSP && nv > 0 &&
		    bsearch(&id, vids, nv, sizeof(*vids), cmp_u64) != NULL)
			c = CL_SUSP;
		cd.has_dur = a != OT_T_NONE && b != OT_T_NONE;
		cd.dur = cd.has_dur ? ot_time_sub_sat(b, a) : 0;
		heap_offer(hp[c], &nhp[c], &cd);
		gr->nobj++;
		if (strcmp(fate, "failed") == 0 && b != OT_T_NONE) {
			gr->failed[bin_of(h, b, HTML_LANE_BINS)]++;
			gr->nfailed++;
		}
		if (a == OT_T_NONE)
			continue;
		/* alive to the end, as its row draws it (t_last is its last event) */
		if (never_terminated(fate))
			b = h->t1;
		if (b == OT_T_NONE || b < a)
			b = a;
		ba = time_bin(h, a);
		bb = time_bin(h, b);
		for (j = ba; j <= bb; j++)
			gr->bins[j]++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		sql_fail(h, "objects");
		goto out;
	}
	qsort(h->groups, h->ngroups, sizeof(h->groups[0]), cmp_group);

	share_rows(nhp, take);
	if (prep(h, "SELECT o.id, o.adapter, o.layer, coalesce(o.state, ''), ot_hex(o.slot), o.fate,"
		 " o.t_request, o.t_offloaded, o.t_terminate_req, o.t_terminated, o.t_last"
		 " FROM objects o WHERE oid = ?1 * 1099511627776 + ?2", &st) < 0)
		goto out;
	h->rows = xcalloc(HTML_MAX_ROWS, sizeof(*h->rows));
	for (c = 0; c < CL_COUNT; c++) {
		qsort(hp[c], nhp[c], sizeof(*hp[c]), cmp_cand);
		for (i = 0; i < take[c]; i++) {
			struct obj_row *o = &h->rows[h->nrows];
			uint64_t id;

			sqlite3_reset(st);
			sqlite3_bind_int64(st, 2, hp[c][i].id);
			if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
				sql_fail(h, "objects");
				goto out;
			}
			o->id = sqlite3_column_int64(st, 0);
			snprintf(o->adapter, sizeof(o->adapter), "%s", html_col_text(st, 1));
			snprintf(o->layer, sizeof(o->layer), "%s", html_col_text(st, 2));
			snprintf(o->state, sizeof(o->state), "%s", html_col_text(st, 3));
			snprintf(o->slot, sizeof(o->slot), "%s", html_col_text(st, 4));
			snprintf(o->fate, sizeof(o->fate), "%s", html_col_text(st, 5));
			o->t_req = col_time(st, 6);
			o->t_off = col_time(st, 7);
			o->t_treq = col_time(st, 8);
			o->t_term = col_time(st, 9);
			o->t_last = col_time(st, 10);
			id = (uint64_t)o->id;
			o->nviol = nv > 0 && bsearch(&id, vids, nv, sizeof(*vids), cmp_u64) != NULL;
			o->rank = h->nrows++;
			o->group = find_group(h, o->adapter, o->layer, 0);
			if (o->group >= 0)
				h->groups[o->group].shown++;
		}
	}
	qsort(h->rows, h->nrows, sizeof(h->rows[0]), cmp_row);
	ret = 0;
out:
	sqlite3_finalize(st);
	for (c = 0; c < CL_COUNT; c++)
		free(hp[c]);
	free(vids);
	return ret;
}

/*
 * The violation and leak lanes: per group and time bin, the violations
 * (on an object, or else on an operation, of the group's adapter and
 * layer) and the leaks.  Only checked rules, as the model counts them.
 */
static int
load_lanes(struct html *h)
{
	const struct ot_report *r = h->r;
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc, g;

	for (i = 0; i < r->nleaks; i++) {
		const struct ot_rep_leak *l = &r->leaks[i];

		if ((g = find_group(h, l->adapter, l->layer, 0)) < 0 || l->ts == OT_T_NONE)
			continue;
		h->groups[g].leak[bin_of(h, l->ts, HTML_LANE_BINS)]++;
		h->groups[g].nleak++;
	}
	if (r->nviolations == 0)
		return 0;
	if (prep(h, "SELECT v.ts, coalesce(o.adapter, p.adapter), coalesce(o.layer, p.layer)"
		 " FROM violations v"
		 " LEFT JOIN objects o ON o.oid = v.trace_id * 1099511627776 + v.object_id"
		 " LEFT JOIN operations p ON p.opid = v.trace_id * 1099511627776 + v.op_id"
		 " WHERE v.trace_id = ?1 AND NOT EXISTS (SELECT 1 FROM rules u"
		 " WHERE u.trace_id = ?1 AND u.rule = v.rule AND u.checked = 0)", &st) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue;
		if ((g = find_group(h, html_col_text(st, 1), html_col_text(st, 2), 0)) < 0)
			continue;
		h->groups[g].viol[bin_of(h, sqlite3_column_int64(st, 0), HTML_LANE_BINS)]++;
		h->groups[g].nviol++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_fail(h, "violations");
	return 0;
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

/* One completed operation: its kind's histogram and time bin. */
static void
add_latency(void *ctx, int k, int64_t t, int64_t d)
{
	struct html *h = ctx;
	struct kind_lat *l = &h->lat[k];
	int b;

	if (d < 0)
		d = 0;
	l->hist[lat_bin(d)]++;
	b = time_bin(h, t);
	l->tcount[b]++;
	l->tsum[b] += (double)d;
	if (d > l->tmax[b])
		l->tmax[b] = d;
}

static int
load_latency(struct html *h)
{
	h->lat = xcalloc(OT_KIND_COUNT, sizeof(*h->lat));
	return html_lat_scan(h->db, h->r->trace_id, add_latency, h, h->err);
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
	      "h3{font-size:15px;margin:18px 0 4px}\n"
	      ".cards{display:flex;flex-wrap:wrap;gap:10px}\n"
	      ".card{border:1px solid #ccc;border-radius:6px;padding:8px 14px;min-width:110px}\n"
	      ".card b{display:block;font-size:22px}.card.bad{border-color:" C_ERR "}"
	      ".card.bad b{color:" C_ERR "}.card small{display:block;color:#555}\n"
	      "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:2px 5px;"
	      "text-align:left;vertical-align:top}th{background:#f4f4f4}\n"
	      "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	      "code,.mono{font-family:ui-monospace,monospace;font-size:12px}\n"
	      "svg{display:block;margin:6px 0}svg text{font:11px sans-serif}svg text.mono{font:11px monospace}svg text.group{font:bold 12px sans-serif}\n"
	      ".charts{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}\n"
	      "table.lat{font-size:12px;margin:6px 0}table.lat tr.all td{font-weight:bold;background:#f8f8f8}\n"
	      ".legend{display:flex;flex-wrap:wrap;gap:2px 18px;list-style:none;padding:0;margin:6px 0;"
	      "font-size:13px}\n"
	      ".legend svg{display:inline-block;vertical-align:middle;margin:0 5px 0 0}\n"
	      ".obj{border:1px solid #ddd;border-radius:6px;padding:6px 10px;margin:10px 0}\n"
	      ".obj:target{border-color:" C_ERR ";background:#fff8f8}\n"
	      "tr.evidence td{background:#fdecec}tr.fold td{color:#666;font-style:italic}\n"
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

static const char *
leak_reason_text(const char *reason)
{
	static const char *const names[][2] = {
		{ "live_at_end", "live at end" }, { "halt", "at halt" },
		{ "upload_all", "at upload-all" }, { "wire_close", "after wire close" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(reason, names[i][0]) == 0)
			return names[i][1];
	return NULL;
}

static void
summary(struct html *h)
{
	static const char *const reasons[] = { "halt", "upload_all", "wire_close", "live_at_end" };
	const struct ot_report *r = h->r;
	FILE *out = h->out;
	char a[OT_TIMEBUF], b[OT_TIMEBUF], d[32], more[256];
	uint64_t notchecked = 0, nr[4] = { 0 }, other = 0;
	size_t i, j, len = 0;

	for (i = 0; i < OT_R_COUNT; i++)
		if (!r->rules[i].checked)
			notchecked++;
	fprintf(out, "<h1>offtrace report: trace %" PRId64 " <span class=\"mono\">", r->trace_id);
	ot_html_string(out, r->name);
	fputs("</span></h1>\n<p>", out);
	if (r->start_ts != OT_T_NONE && r->end_ts != OT_T_NONE)
		fprintf(out, "span %s .. %s (%s), ", fmt_time(h, r->start_ts, a),
			fmt_time(h, r->end_ts, b), ot_fmt_dur_between(r->start_ts, r->end_ts, d, sizeof(d)));
	if (r->local_time)
		fputs("local time, zone unknown (tracefmt text read without --tz-offset), ", out);
	fprintf(out, "%" PRIu64 " %s from %" PRIu64 " %s:</p>\n<ul>\n", r->events,
		pl(r->events, "event", "events"), r->inputs, pl(r->inputs, "input", "inputs"));
	for (i = 0; i < r->nin; i++) {
		fputs("<li><code>", out);
		ot_html_string(out, r->in[i].file);
		fprintf(out, "</code> (%s): %" PRIu64 " %s from %" PRIu64 " %s",
			r->in[i].format, r->in[i].events, pl(r->in[i].events, "event", "events"),
			r->in[i].records, pl(r->in[i].records, "record", "records"));
		if (r->in[i].lost_events || r->in[i].lost_buffers)
			fprintf(out, ", <b>%" PRIu64 " %s and %" PRIu64 " %s lost by the logger</b>",
				r->in[i].lost_events, pl(r->in[i].lost_events, "event", "events"),
				r->in[i].lost_buffers, pl(r->in[i].lost_buffers, "buffer", "buffers"));
		if (r->in[i].drops) {
			size_t k;

			fprintf(out, ", %" PRIu64 " dropped packets (", r->in[i].drops);
			for (k = 0; k < r->in[i].ndrop; k++) {
				const struct ot_rep_drop *dk = &r->in[i].drop[k];

				fprintf(out, "%sreason %" PRIu32 " ", k ? "; " : "", dk->reason);
				ot_html_string(out, dk->reason_name);
				fprintf(out, " at 0x%08" PRIx32 ": %" PRIu64, dk->location, dk->count);
			}
			fputs(")", out);
		}
		fputs("</li>\n", out);
	}
	for (i = 0; i < r->nskipped; i++) {
		fputs("<li><code>", out);
		ot_html_string(out, r->skipped[i].file);
		fputs("</code> (", out);
		ot_html_string(out, r->skipped[i].kind);
		fputs("): skipped, not a trace or capture</li>\n", out);
	}
	/* leaks of every reason, live at end included, each reason counted */
	for (i = 0; i < r->nleaks; i++) {
		for (j = 0; j < 4; j++)
			if (strcmp(r->leaks[i].reason, reasons[j]) == 0)
				break;
		if (j < 4)
			nr[j]++;
		else
			other++;
	}
	more[0] = '\0';
	for (j = 0; j < 4; j++)
		if (nr[j])
			len += (size_t)snprintf(more + len, sizeof(more) - len, "%s%" PRIu64 " %s",
						len ? ", " : "", nr[j], leak_reason_text(reasons[j]));
	if (other)
		snprintf(more + len, sizeof(more) - len, "%s%" PRIu64 " other", len ? ", " : "", other);
	fputs("</ul>\n<h2 id=\"summary\">Summary</h2>\n<div class=\"cards\">\n", out);
	card(out, "objects", pl(r->summary.objects, "object", "objects"), r->summary.objects, 0, NULL);
	card(out, "offloaded", "offloaded", r->summary.offloaded, 0, NULL);
	card(out, "failed", "failed", r->summary.failed, 1, NULL);
	card(out, "terminated", "terminated", r->summary.terminated, 0, NULL);
	card(out, "leaked", "leaked, every reason (live at end too)", (uint64_t)r->nleaks, 1,
	     more[0] ? more : NULL);
	card(out, "errors", pl(r->summary.errors, "error", "errors"), r->summary.errors, 1, NULL);
	card(out, "warnings", pl(r->summary.warnings, "warning", "warnings"), r->summary.warnings, 1, NULL);
	card(out, "not-checked", pl(notchecked, "rule not checked", "rules not checked"), notchecked, 0,
	     NULL);
	fputs("</div>\n", out);
}

/*
 * Markers, centred on (x, y): big enough to find on a page 1400 px wide,
 * with a white edge so they stand out on any bar.
 */
enum { M_FAILED, M_VIOLATION, M_LEAK };
static const char *const marker_name[] = { "failed", "violation", "leak" };

static void
marker_open(FILE *out, int m, double x, double y)
{
	switch (m) {
	case M_FAILED:
		fprintf(out, "<path data-marker=\"failed\" d=\"M%.1f %.1fl9 9m0 -9l-9 9\" stroke=\"%s\""
			" stroke-width=\"2.5\" fill=\"none\"><title>", x - 4.5, y - 4.5, C_ERR);
		break;
	case M_VIOLATION:
		fprintf(out, "<path data-marker=\"violation\" d=\"M%.1f %.1fl5.5 6.5l-5.5 6.5l-5.5 -6.5z\""
			" fill=\"%s\" stroke=\"#fff\" stroke-width=\"1\"><title>", x, y - 6.5, C_ERR);
		break;
	default:
		fprintf(out, "<path data-marker=\"leak\" d=\"M%.1f %.1fh11l-5.5 11z\" fill=\"#000\""
			" stroke=\"#fff\" stroke-width=\"1\"><title>", x - 5.5, y - 5.5);
		break;
	}
}

static void
marker_close(FILE *out)
{
	fputs("</title></path>", out);
}

static void
bar(FILE *out, const char *kind, double x0, double x1, double y, double hgt,
    const char *fill, const char *title)
{
	if (x1 - x0 < 1)
		x1 = x0 + 1;
	fprintf(out, "<rect data-bar=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
		"<title>", kind, x0, y, x1 - x0, hgt, fill);
	ot_html_string(out, title);	/* it holds the object's state and fate */
	fputs("</title></rect>", out);
}

/* The timeline's legend: every bar colour and marker it draws. */
static void
legend(struct html *h)
{
	static const struct { const char *kind, *fill, *text; } bars[] = {
		{ "lifetime", C_LIFE, "life of the object: request to last event" },
		{ "initiate", C_INIT, "initiate: requested to offloaded" },
		{ "offloaded", C_OFF, "offloaded, then terminated" },
		{ "leaked", C_LEAK, "offloaded, never terminated: leaked (halt, upload-all, wire close)"
		  " or live at end" },
		{ "lost", C_LOST, "offloaded, terminate failed (lost)" },
		{ "terminate", C_TERM, "terminate: requested to completed" },
		{ "failed", C_FAIL, "initiate that failed: requested to completion" },
		{ "density", C_DENS, "objects alive per time bin, every object of the group" },
	};
	static const char *const mtext[] = {
		"initiate failed",
		"rule violation (point at it for the rule)",
		"leak established: halt, upload-all, wire close, or end of trace",
	};
	FILE *out = h->out;
	size_t i;

	fputs("<ul class=\"legend\" data-legend=\"timeline\">\n", out);
	for (i = 0; i < sizeof(bars) / sizeof(bars[0]); i++)
		fprintf(out, "<li data-legend-bar=\"%s\"><svg width=\"22\" height=\"14\" viewBox=\"0 0 22 14\">"
			"<rect x=\"1\" y=\"3\" width=\"20\" height=\"8\" fill=\"%s\"/></svg>%s</li>\n",
			bars[i].kind, bars[i].fill, bars[i].text);
	for (i = 0; i < 3; i++) {
		fprintf(out, "<li data-legend-marker=\"%s\"><svg width=\"22\" height=\"14\" viewBox=\"0 0 22 14\">",
			marker_name[i]);
		marker_open(out, (int)i, 11, 7);
		fputs(mtext[i], out);
		marker_close(out);
		fprintf(out, "</svg>%s</li>\n", mtext[i]);
	}
	fputs("<li data-legend-label=\"\"><span class=\"mono bad\"><b>leaked !</b></span>&nbsp; a fate"
	      " in red: not terminated cleanly; &ldquo;!&rdquo;: the object has a violation</li>\n"
	      "</ul>\n", out);
}

/*
 * Where a marker goes on a row: at x, or when a marker of another kind is
 * already within a marker's width there, just left of it (a leak and its
 * L1 violation fall at the same halt).
 */
#define ROW_MARKS 8
struct placed {
	double x[ROW_MARKS];
	int m[ROW_MARKS];
	int n;
};

static double
place_marker(struct placed *pl_, int m, double x)
{
	int i, moved = 1, tries;

	for (tries = 0; moved && tries < 4; tries++)
		for (moved = 0, i = 0; i < pl_->n; i++)
			if (pl_->m[i] != m && fabs(pl_->x[i] - x) < 11) {
				x = pl_->x[i] - 12;
				moved = 1;
			}
	if (pl_->n < ROW_MARKS) {
		pl_->x[pl_->n] = x;
		pl_->m[pl_->n++] = m;
	}
	return x;
}

struct mark {
	size_t row, i;		/* timeline row; violation or leak index */
};

static int
cmp_mark(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;

	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

struct rowid {
	uint64_t id;
	size_t row;
};

static int
cmp_rowid(const void *a, const void *b)
{
	return cmp_u64(&((const struct rowid *)a)->id, &((const struct rowid *)b)->id);
}

/* The violations (leaks) of the timeline's rows, by row, at most
 * HTML_MAX_MARKS a row. */
static struct mark *
row_marks(const struct html *h, const struct rowid *ids, int leaks, size_t *n)
{
	const struct ot_report *r = h->r;
	size_t nall = leaks ? r->nleaks : r->nviolations, i, j, k;
	struct mark *m = xmalloc(st_mult(nall + 1, sizeof(*m)));

	*n = 0;
	for (i = 0; i < nall; i++) {
		struct rowid key, *f;

		key.id = leaks ? r->leaks[i].object_id : r->violations[i].object_id;
		if (key.id == 0 || h->nrows == 0 ||
		    (f = bsearch(&key, ids, h->nrows, sizeof(*ids), cmp_rowid)) == NULL)
			continue;
		m[*n].row = f->row;
		m[(*n)++].i = i;
	}
	qsort(m, *n, sizeof(*m), cmp_mark);
	for (i = j = k = 0; i < *n; i++) {
		k = i > 0 && m[i].row == m[i - 1].row ? k + 1 : 0;
		if (k < HTML_MAX_MARKS)
			m[j++] = m[i];
	}
	*n = j;
	return m;
}

static int
bad_fate(const char *fate)
{
	return strcmp(fate, "terminated") != 0;
}

/* One lane of a group: the bins of failed initiates, violations or leaks. */
static void
lane(struct html *h, int m, const uint32_t *bins, uint64_t total, double y)
{
	static const char *const what[][2] = {
		{ "failed initiate", "failed initiates" }, { "violation", "violations" },
		{ "leak", "leaks" },
	};
	FILE *out = h->out;
	double span = (double)(h->t1 - h->t0);
	char a[40], b[40];
	int j;

	fprintf(out, "<g data-lane=\"%s\"><text x=\"10\" y=\"%.0f\" fill=\"%s\">%" PRIu64 " %s</text>",
		marker_name[m], y + 11, C_ERR, total, what[m][total != 1]);
	for (j = 0; j < HTML_LANE_BINS; j++) {
		/* the last bin ends at t1 exactly: a span of 2^63 - 1 ns is
		 * 2^63 as a double, which no int64_t holds */
		int64_t t0 = h->t0 + (int64_t)(span * j / HTML_LANE_BINS);
		int64_t t1 = j + 1 == HTML_LANE_BINS ? h->t1 :
			     h->t0 + (int64_t)(span * (j + 1) / HTML_LANE_BINS);

		if (bins[j] == 0)
			continue;
		marker_open(out, m, (xpos(h, t0) + xpos(h, t1)) / 2, y + LANE_H / 2.0);
		fprintf(out, "%" PRIu32 " %s, %s .. %s", bins[j], what[m][bins[j] != 1],
			rel(h, t0, a, sizeof(a)), rel(h, t1, b, sizeof(b)));
		marker_close(out);
	}
	fputs("</g>\n", out);
}

static double
group_height(const struct group *gr)
{
	int lanes = (gr->nfailed > 0) + (gr->nviol > 0) + (gr->nleak > 0);

	return 18 + DEN_H + 4 + (lanes ? lanes : 1) * LANE_H + 4 + (double)gr->shown * ROW_H;
}

static void
object_row(struct html *h, const struct obj_row *o, double y, const struct mark *vm,
	   size_t nvm, const struct mark *lm, size_t nlm)
{
	const struct ot_report *r = h->r;
	FILE *out = h->out;
	int64_t start = o->t_req != OT_T_NONE ? o->t_req : o->t_last;
	int64_t end = o->t_term != OT_T_NONE ? o->t_term :
		      o->t_last != OT_T_NONE ? o->t_last : start;
	int failed = strcmp(o->fate, "failed") == 0;
	char a[40], b[40], d[32], title[200];
	double yc = y + ROW_H / 2.0;
	struct placed at;
	size_t j;

	at.n = 0;

	if (never_terminated(o->fate))
		end = h->t1;
	fprintf(out, "<a href=\"#obj-%" PRId64 "\"><g data-row=\"object\" data-object=\"%" PRId64 "\""
		" id=\"tl-%" PRId64 "\">", o->id, o->id, o->id);
	fprintf(out, "<text x=\"10\" y=\"%.0f\" class=\"mono\">", y + 11);
	ot_html_string(out, o->slot);
	fputs(" ", out);
	ot_html_string(out, o->state);
	fputs(" ", out);
	if (bad_fate(o->fate) || o->nviol) {
		fprintf(out, "<tspan fill=\"%s\" font-weight=\"bold\">", C_ERR);
		ot_html_string(out, o->fate);
		fprintf(out, "%s</tspan></text>", o->nviol ? " !" : "");
	} else {
		ot_html_string(out, o->fate);
		fputs("</text>", out);
	}
	if (start != OT_T_NONE) {
		snprintf(title, sizeof(title), "object %" PRId64 " %s %s: %s .. %s", o->id, o->state,
			 o->fate, rel(h, start, a, sizeof(a)), rel(h, end, b, sizeof(b)));
		bar(out, "lifetime", xpos(h, start), xpos(h, end), y + 4, ROW_H - 8, C_LIFE, title);
		if (o->t_req != OT_T_NONE && o->t_off != OT_T_NONE) {
			snprintf(title, sizeof(title), "initiate %s",
				 ot_fmt_dur_between(o->t_req, o->t_off, d, sizeof(d)));
			bar(out, "initiate", xpos(h, o->t_req), xpos(h, o->t_off), y + 2, ROW_H - 4,
			    C_INIT, title);
		} else if (o->t_req != OT_T_NONE && o->t_last != OT_T_NONE) {
			snprintf(title, sizeof(title), "initiate %s %s", failed ? "failed after" :
				 "never completed;", ot_fmt_dur_between(o->t_req, o->t_last, d, sizeof(d)));
			bar(out, failed ? "failed" : "initiate", xpos(h, o->t_req), xpos(h, o->t_last),
			    y + 2, ROW_H - 4, failed ? C_FAIL : C_INIT, title);
		}
		if (o->t_off != OT_T_NONE) {
			int64_t oe = o->t_treq != OT_T_NONE ? o->t_treq : end;
			const char *kind = strcmp(o->fate, "terminated") == 0 ? "offloaded" :
					   strcmp(o->fate, "lost") == 0 ? "lost" : "leaked";

			snprintf(title, sizeof(title), "offloaded %s%s", rel(h, o->t_off, a, sizeof(a)),
				 kind[1] == 'e' ? ", never terminated" : "");
			bar(out, kind, xpos(h, o->t_off), xpos(h, oe), y + 3, ROW_H - 6,
			    kind[0] == 'o' ? C_OFF : kind[1] == 'o' ? C_LOST : C_LEAK, title);
		}
		if (o->t_treq != OT_T_NONE) {
			int64_t te = o->t_term != OT_T_NONE ? o->t_term :
				     o->t_last != OT_T_NONE ? o->t_last : o->t_treq;

			snprintf(title, sizeof(title), "terminate %s",
				 o->t_term != OT_T_NONE ?
				 ot_fmt_dur_between(o->t_treq, o->t_term, d, sizeof(d)) : "never completed");
			bar(out, "terminate", xpos(h, o->t_treq), xpos(h, te), y + 2, ROW_H - 4,
			    C_TERM, title);
		}
		if (failed && o->t_last != OT_T_NONE) {
			marker_open(out, M_FAILED, place_marker(&at, M_FAILED, xpos(h, o->t_last)), yc);
			fprintf(out, "initiate failed %s", rel(h, o->t_last, a, sizeof(a)));
			marker_close(out);
		}
	}
	for (j = 0; j < nlm; j++) {
		const struct ot_rep_leak *l = &r->leaks[lm[j].i];

		marker_open(out, M_LEAK, place_marker(&at, M_LEAK, xpos(h, l->ts != OT_T_NONE ? l->ts : h->t1)),
			    yc);
		fputs("leak (", out);
		ot_html_string(out, l->reason);
		fprintf(out, ") %s", rel(h, l->ts, a, sizeof(a)));
		marker_close(out);
	}
	for (j = 0; j < nvm; j++) {
		const struct ot_rep_violation *v = &r->violations[vm[j].i];

		marker_open(out, M_VIOLATION, place_marker(&at, M_VIOLATION, xpos(h, v->ts)), yc);
		ot_html_string(out, v->rule);
		fprintf(out, " %s ", rel(h, v->ts, a, sizeof(a)));
		ot_html_string(out, v->message);
		marker_close(out);
	}
	fputs("</g></a>\n", out);
}

static void
timeline(struct html *h)
{
	const struct ot_report *r = h->r;
	FILE *out = h->out;
	size_t g, ri = 0, nvm, nlm, vi = 0, li = 0, vj, lj;
	uint64_t shown = h->nrows, folded = r->summary.objects > shown ? r->summary.objects - shown : 0;
	double y = AXIS_H + 4, height = y + 8 + AXIS_H;
	struct rowid *ids = xmalloc(st_mult(h->nrows + 1, sizeof(*ids)));
	struct mark *vm, *lm;

	for (g = 0; g < h->nrows; g++) {
		ids[g].id = (uint64_t)h->rows[g].id;
		ids[g].row = g;
	}
	qsort(ids, h->nrows, sizeof(*ids), cmp_rowid);
	vm = row_marks(h, ids, 0, &nvm);
	lm = row_marks(h, ids, 1, &nlm);
	for (g = 0; g < h->ngroups; g++)
		height += group_height(&h->groups[g]);
	fprintf(out, "<h2 id=\"timeline\">Timeline</h2>\n<p>Object lifetimes per adapter and layer:"
		" per group the objects alive over time (all %" PRIu64 " %s) and its failed"
		" initiates, violations and leaks, then the %" PRIu64 " %s shown a row each"
		" (those not terminated cleanly or with a violation first, some failed, then the"
		" longest; <span data-folded=\"%" PRIu64 "\">%" PRIu64 " %s folded</span> into the"
		" group rows). Each row links to the object's history.</p>\n",
		r->summary.objects, pl(r->summary.objects, "object", "objects"), shown,
		pl(shown, "object", "objects"), folded, folded, pl(folded, "object", "objects"));
	legend(h);
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\""
		" viewBox=\"0 0 %d %.0f\" role=\"img\" aria-label=\"timeline\" data-chart=\"timeline\">\n",
		TL_W, height, TL_W, height);
	time_axis(h, TL_L, TL_R, AXIS_H - 2, 1, AXIS_H - 2, height - AXIS_H - 2, "timeline");
	for (g = 0; g < h->ngroups; g++) {
		struct group *gr = &h->groups[g];
		uint32_t mx = 1;
		double bw = (double)(TL_R - TL_L) / HTML_BINS;
		size_t j;

		fprintf(out, "<g data-group=\"%zu\"><text x=\"4\" y=\"%.0f\" class=\"group\">", g, y + 13);
		if (gr->other) {
			fputs("(other adapters and layers)", out);
		} else {
			ot_html_string(out, gr->adapter[0] ? gr->adapter : "(no adapter)");
			fputs(" / ", out);
			ot_html_string(out, gr->layer);
		}
		fprintf(out, ": %" PRIu64 " %s, %" PRIu64 " shown</text></g>\n", gr->nobj,
			pl(gr->nobj, "object", "objects"), gr->shown);
		y += 18;
		for (j = 0; j < HTML_BINS; j++)
			if (gr->bins[j] > mx)
				mx = gr->bins[j];
		fprintf(out, "<g data-row=\"density\"><text x=\"10\" y=\"%.0f\">alive (at most %" PRIu32 ")</text>"
			"<rect x=\"%d\" y=\"%.0f\" width=\"%d\" height=\"%d\" fill=\"#f6f6f6\"/>",
			y + 15, mx, TL_L, y, TL_R - TL_L, DEN_H);
		for (j = 0; j < HTML_BINS; j++) {
			double bh;

			if (gr->bins[j] == 0)
				continue;
			bh = (double)gr->bins[j] * DEN_H / mx;
			fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
				TL_L + j * bw, y + DEN_H - bh, bw, bh, C_DENS);
		}
		fputs("</g>\n", out);
		y += DEN_H + 4;
		if (gr->nfailed) {
			lane(h, M_FAILED, gr->failed, gr->nfailed, y);
			y += LANE_H;
		}
		if (gr->nviol) {
			lane(h, M_VIOLATION, gr->viol, gr->nviol, y);
			y += LANE_H;
		}
		if (gr->nleak) {
			lane(h, M_LEAK, gr->leak, gr->nleak, y);
			y += LANE_H;
		}
		if (!gr->nfailed && !gr->nviol && !gr->nleak) {
			fprintf(out, "<text x=\"10\" y=\"%.0f\" fill=\"#666\">no failed initiate, violation"
				" or leak</text>\n", y + 11);
			y += LANE_H;
		}
		y += 4;
		for (; ri < h->nrows && h->rows[ri].group == (int)g; ri++) {
			while (vi < nvm && vm[vi].row < ri)
				vi++;
			while (li < nlm && lm[li].row < ri)
				li++;
			for (vj = vi; vj < nvm && vm[vj].row == ri; vj++)
				;
			for (lj = li; lj < nlm && lm[lj].row == ri; lj++)
				;
			object_row(h, &h->rows[ri], y, vm + vi, vj - vi, lm + li, lj - li);
			vi = vj;
			li = lj;
			y += ROW_H;
		}
	}
	time_axis(h, TL_L, TL_R, y + 6, 0, 0, 0, "timeline");
	fputs("</svg>\n", out);
	free(ids);
	free(vm);
	free(lm);
}

/* A bin's bound (at most 10^10.9 ns, HTML_LBINS): it fits an int64_t. */
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

		ot_fmt_dur(v[i], s, sizeof(s));
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


/* A power of ten of nanoseconds as a tick label: 10ns, 1us, 100ms, 10s. */
static void
fmt_decade(int e, char *buf, size_t len)
{
	static const char *const unit[] = { "ns", "us", "ms", "s" };
	int u = e / 3 < 3 ? e / 3 : 3;
	long m = 1;
	int i;

	for (i = 0; i < e - 3 * u; i++)
		m *= 10;
	snprintf(buf, len, "%ld%s", m, unit[u]);
}

/* The smallest 1-2-5 step giving at most want intervals up to mx. */
static uint64_t
nice_step(uint64_t mx, uint64_t want)
{
	uint64_t s;

	for (s = 1;; s *= 10) {
		if (s * want >= mx)
			return s;
		if (2 * s * want >= mx)
			return 2 * s;
		if (5 * s * want >= mx)
			return 5 * s;
	}
}

/* The shared latency axis: log bins lo..hi (whole decades) over L..R. */
struct laxis {
	int lo, hi;
	double L, R, bw;
};

static double
lx(const struct laxis *a, double ns)
{
	double x;

	if (ns < 1)
		ns = 1;
	x = a->L + (log10(ns) * 10.0 - 10 - a->lo) * a->bw;
	return x < a->L ? a->L : x > a->R ? a->R : x;
}

static void
latency_axis(FILE *out, const struct laxis *a, int B, const char *title)
{
	char s[32];
	int b, m;

	fputs("<g data-axis=\"latency\">", out);
	fprintf(out, "<line x1=\"%.0f\" y1=\"%d\" x2=\"%.0f\" y2=\"%d\" stroke=\"#666\"/>", a->L, B, a->R, B);
	for (b = a->lo; b <= a->hi; b += 10) {
		double x = a->L + (b - a->lo) * a->bw;

		fmt_decade(b / 10 + 1, s, sizeof(s));
		fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#666\"/>"
			"<text data-tick=\"%d\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
			x, B, x, B + 5, (b - a->lo) / 10, x, B + 16, s);
		for (m = 2; m <= 5 && b < a->hi; m += 3) {	/* minor ticks at 2 and 5 */
			double xm = x + log10((double)m) * 10.0 * a->bw;

			fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>",
				xm, B, xm, B + 3);
		}
	}
	fprintf(out, "<text data-axis-title=\"\" x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">%s</text></g>",
		(a->L + a->R) / 2, B + 31, title);
}

static void
y_title(FILE *out, int T, int B, const char *title)
{
	fprintf(out, "<text data-axis-title=\"\" transform=\"rotate(-90)\" x=\"%d\" y=\"12\""
		" text-anchor=\"middle\">%s</text>", -(T + B) / 2, title);
}

#define CH_W 380		/* histogram and CDF width */
#define CH_L 58
#define CH_R (CH_W - 14)

/* Histogram with percentile marks, the CDF, and the kind's numbers per
 * adapter and layer beside them, all on the page's one latency axis. */
static void
histogram(struct html *h, int k, const struct laxis *ax)
{
	const struct ot_lat *lt = &h->r->latency[k];
	const struct kind_lat *l = &h->lat[k];
	FILE *out = h->out;
	int b, H, T, B, rows;
	uint64_t mx = 1, cum = 0, total = 0, step, ymax, v;
	double px[4];
	char s[32];
	size_t p;
	static const char *const pname[4] = { "p50", "p90", "p99", "max" };
	struct plabel lb[4];
	int64_t pv[4];

	for (b = 0; b < HTML_LBINS; b++) {
		total += l->hist[b];
		if (l->hist[b] > mx)
			mx = l->hist[b];
	}
	step = nice_step(mx, 4);
	ymax = (mx + step - 1) / step * step;
	pv[0] = lt->p50;
	pv[1] = lt->p90;
	pv[2] = lt->p99;
	pv[3] = lt->max;
	for (p = 0; p < 4; p++)
		px[p] = lx(ax, (double)pv[p]);
	rows = place_labels(pname, pv, px, 4, 2, CH_W - 2, lb);
	T = 8 + rows * LABEL_ROW;
	B = T + 130;
	H = B + 40;
	fprintf(out, "<div data-kind=\"%s\"><h3>%s: %" PRIu64 " completed</h3>\n",
		ot_kind_names[k], ot_kind_names[k], total);
	fprintf(out, "<div class=\"charts\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
		" viewBox=\"0 0 %d %d\" data-chart=\"histogram\" role=\"img\" aria-label=\"%s latency histogram\">\n",
		CH_W, H, CH_W, H, ot_kind_names[k]);
	fputs("<g data-axis=\"count\">", out);
	for (v = 0; v <= ymax; v += step) {
		double y = B - (double)v * (B - T) / (double)ymax;

		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>"
			"<text data-tick=\"%" PRIu64 "\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%" PRIu64 "</text>",
			CH_L - 4, y, CH_R, y, v ? C_GRID : "#666", v / step, CH_L - 6, y + 4, v);
	}
	y_title(out, T, B, "operations");
	fputs("</g>", out);
	latency_axis(out, ax, B, "latency (log scale)");
	for (b = ax->lo; b < ax->hi; b++) {
		double bh;

		if (l->hist[b] == 0)
			continue;
		bh = (double)l->hist[b] * (B - T) / (double)ymax;
		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
			"<title>%" PRIu64 " %s from ", ax->L + (b - ax->lo) * ax->bw, B - bh,
			ax->bw > 1.5 ? ax->bw - 0.5 : ax->bw, bh, ot_html_kind_color[k], l->hist[b],
			pl(l->hist[b], "operation", "operations"));
		fmt_ns(lat_bin_lo(b), s, sizeof(s));
		fprintf(out, "%s</title></rect>", s);
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
		" data-chart=\"cdf\" role=\"img\" aria-label=\"%s latency CDF\">\n", CH_W, H, CH_W, H,
		ot_kind_names[k]);
	fputs("<g data-axis=\"share\">", out);
	for (b = 0; b <= 100; b += 25) {
		double y = B - b * (B - T) / 100.0;

		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>"
			"<text data-tick=\"%d\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d%%</text>",
			CH_L - 4, y, CH_R, y, b ? C_GRID : "#666", b / 25, CH_L - 6, y + 4, b);
	}
	y_title(out, T, B, "at or below (%)");
	fputs("</g>", out);
	latency_axis(out, ax, B, "latency (log scale)");
	fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%.1f,%d",
		ot_html_kind_color[k], ax->L, B);
	for (b = ax->lo; b < ax->hi; b++) {
		cum += l->hist[b];
		fprintf(out, " %.1f,%.1f", ax->L + (b + 1 - ax->lo) * ax->bw,
			B - (double)cum * (B - T) / (double)(total ? total : 1));
	}
	fputs("\"/></svg>\n", out);
}

static void
lat_cells(FILE *out, const struct ot_lat *l)
{
	const int64_t v[5] = { l->p50, l->p90, l->p99, l->p999, l->max };
	char s[32];
	int i;

	fprintf(out, "<td class=\"n\">%" PRIu64 "</td>", l->count);
	for (i = 0; i < 5; i++)
		fprintf(out, "<td class=\"n\">%s</td>", ot_fmt_dur(v[i], s, sizeof(s)));
}

/* The kind's latency per adapter and layer, and over all of them. */
static void
lat_table(struct html *h, int k)
{
	FILE *out = h->out;
	size_t i, n = 0, more = 0;

	fprintf(out, "<table class=\"lat\" data-table=\"latency-by-adapter\" data-kind=\"%s\">"
		"<tr><th>adapter</th><th>layer</th><th class=\"n\">operations</th><th class=\"n\">p50</th>"
		"<th class=\"n\">p90</th><th class=\"n\">p99</th><th class=\"n\">p99.9</th>"
		"<th class=\"n\">max</th></tr>\n", ot_kind_names[k]);
	/* the model's groups, in (adapter, layer) order */
	for (i = 0; i < h->r->nlat_groups; i++) {
		const struct ot_rep_lat_group *g = &h->r->lat_groups[i];

		if (g->latency[k].count == 0)
			continue;
		if (n++ == HTML_LAT_GROUPS) {
			more++;
			continue;
		}
		fputs("<tr data-row=\"latency\"><td>", out);
		ot_html_string(out, g->adapter[0] ? g->adapter : "(no adapter)");
		fputs("</td><td>", out);
		ot_html_string(out, g->layer >= 0 && g->layer < OT_LAYER_COUNT ?
			     ot_layer_names[g->layer] : "?");
		fputs("</td>", out);
		lat_cells(out, &g->latency[k]);
		fputs("</tr>\n", out);
	}
	if (more > 0 || h->r->lat_groups_more > 0) {
		fputs("<tr class=\"more\"><td colspan=\"8\">", out);
		if (more > 0)
			fprintf(out, "%zu more adapter/layer pair%s", more, more == 1 ? "" : "s");
		if (h->r->lat_groups_more > 0)
			fprintf(out, "%s%zu past the report's limit", more > 0 ? "; " : "",
				h->r->lat_groups_more);
		fputs(": see the JSON report's latency_by_adapter</td></tr>\n", out);
	}
	if (n != 1) {
		fputs("<tr class=\"all\" data-row=\"latency-all\"><td colspan=\"2\">all</td>", out);
		lat_cells(out, &h->r->latency[k]);
		fputs("</tr>\n", out);
	}
	fputs("</table></div></div>\n", out);
}

/* Latency over trace time: per time bin, the mean (a line through the bins
 * next to each other, a dot for a bin alone) and the max (rings). */
static void
over_time(struct html *h)
{
	FILE *out = h->out;
	int k, b, W = TL_W, L = 70, R = TL_W - 20, T = 10, B = 200, H = B + 46, e;
	int64_t mx = 1, mn = INT64_MAX;
	double lmin, lmax, bw = (double)(R - L) / HTML_BINS;
	char s[32];

#define OT_Y(v) (B - (log10((v) < 10 ? 10.0 : (double)(v)) - lmin) * (B - T) / (lmax - lmin))
	for (k = 0; k < OT_KIND_COUNT; k++)
		for (b = 0; b < HTML_BINS; b++)
			if (h->lat[k].tcount[b]) {
				/* a double: latencies saturated at INT64_MAX (a damaged
				 * database) make a mean that no int64_t holds */
				double m = h->lat[k].tsum[b] / (double)h->lat[k].tcount[b];

				if (h->lat[k].tmax[b] > mx)
					mx = h->lat[k].tmax[b];
				if (m < (double)mn)
					mn = (int64_t)m;
			}
	if (mn < 10)
		mn = 10;
	lmin = floor(log10((double)mn));
	lmax = ceil(log10((double)mx));
	if (lmax <= lmin)
		lmax = lmin + 1;
	fprintf(out, "<h3>Latency over trace time</h3>\n<ul class=\"legend\" data-legend=\"over-time\">");
	for (k = 0; k < OT_KIND_COUNT; k++)
		if (h->r->latency[k].count)
			fprintf(out, "<li data-legend-series=\"%s\"><svg width=\"22\" height=\"14\" viewBox=\"0 0 22 14\">"
				"<line x1=\"1\" y1=\"7\" x2=\"21\" y2=\"7\" stroke=\"%s\" stroke-width=\"2\"/></svg>%s</li>",
				ot_kind_names[k], ot_html_kind_color[k], ot_kind_names[k]);
	fprintf(out, "<li>line (or dot): mean latency of the operations requested in a time bin"
		" of %s; ring: their max</li></ul>\n",
		ot_fmt_dur((h->t1 - h->t0) / HTML_BINS, s, sizeof(s)));
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
		" data-chart=\"over-time\" role=\"img\" aria-label=\"latency over time\">\n", W, H, W, H);
	time_axis(h, L, R, B, 0, T, B, "over-time");
	fputs("<g data-axis=\"latency\">", out);
	for (e = (int)lmin; e <= (int)lmax; e++) {
		double y = B - (e - lmin) * (B - T) / (lmax - lmin);

		fmt_decade(e, s, sizeof(s));
		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>"
			"<text data-tick=\"%d\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
			L - 4, y, R, y, e > (int)lmin ? C_GRID : "#666", e - (int)lmin, L - 6, y + 4, s);
	}
	y_title(out, T, B, "latency (log scale)");
	fputs("</g>\n", out);
	for (k = 0; k < OT_KIND_COUNT; k++) {
		const struct kind_lat *l = &h->lat[k];

		if (!h->r->latency[k].count)
			continue;
		fprintf(out, "<g data-series=\"%s\">", ot_kind_names[k]);
		for (b = 0; b < HTML_BINS; b++) {
			int e2, first;

			if (!l->tcount[b])
				continue;
			for (e2 = b; e2 + 1 < HTML_BINS && l->tcount[e2 + 1]; e2++)
				;
			if (e2 == b) {
				fprintf(out, "<circle data-mean=\"\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>",
					L + (b + 0.5) * bw, OT_Y(l->tsum[b] / (double)l->tcount[b]), ot_html_kind_color[k]);
			} else {
				fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
					ot_html_kind_color[k]);
				for (first = b; b <= e2; b++)
					fprintf(out, "%s%.1f,%.1f", b == first ? "" : " ", L + (b + 0.5) * bw,
						OT_Y(l->tsum[b] / (double)l->tcount[b]));
				fputs("\"/>", out);
				b = e2;
			}
		}
		for (b = 0; b < HTML_BINS; b++)
			if (l->tcount[b])
				fprintf(out, "<circle data-max=\"\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"none\""
					" stroke=\"%s\"/>", L + (b + 0.5) * bw, OT_Y(l->tmax[b]), ot_html_kind_color[k]);
		fputs("</g>\n", out);
	}
	fputs("</svg>\n", out);
#undef OT_Y
}

static void
latency(struct html *h)
{
	struct laxis ax;
	int k, b, any = 0;

	fputs("<h2 id=\"latency\">Latency</h2>\n", h->out);
	ax.lo = HTML_LBINS;
	ax.hi = -1;
	for (k = 0; k < OT_KIND_COUNT; k++)
		for (b = 0; b < HTML_LBINS; b++)
			if (h->lat[k].hist[b]) {
				if (b < ax.lo)
					ax.lo = b;
				if (b > ax.hi)
					ax.hi = b;
			}
	if (ax.hi < 0) {
		fputs("<p class=\"note\">No completed operation.</p>\n", h->out);
		return;
	}
	ax.lo -= ax.lo % 10;		/* whole decades */
	ax.hi += 10 - ax.hi % 10;
	if (ax.hi > HTML_LBINS)
		ax.hi = HTML_LBINS;
	ax.L = CH_L;
	ax.R = CH_R;
	ax.bw = (ax.R - ax.L) / (ax.hi - ax.lo);
	fputs("<p class=\"note\">Per operation kind: how many completed in each latency bin"
	      " (ten a decade) and the share at or below each latency, on one latency axis for"
	      " every kind; beside them the kind's latency per adapter and layer.</p>\n", h->out);
	for (k = 0; k < OT_KIND_COUNT; k++)
		if (h->r->latency[k].count) {
			histogram(h, k, &ax);
			lat_table(h, k);
			any = 1;
		}
	if (any)
		over_time(h);
}

/* A link to the object's history, or its id alone when the page has none. */
static void
obj_link(const struct html *h, uint64_t id)
{
	if (id == 0)
		fputs("-", h->out);
	else if (html_hist_find(h->hist, h->nhist, id) != NULL)
		fprintf(h->out, "<a href=\"#obj-%" PRIu64 "\">object %" PRIu64 "</a>", id, id);
	else
		fprintf(h->out, "object %" PRIu64, id);
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

	fprintf(out, "<h2 id=\"leaks\">Leaks, every reason (%zu)</h2>\n", r->nleaks);
	if (r->nleaks) {
		fputs("<p class=\"note\">Objects still offloaded at an adapter halt, at the end of an"
		      " upload-all, after their connection closed on the wire, or at the end of the"
		      " trace (live at end).</p>\n"
		      "<table data-table=\"leaks\"><tr><th>since</th><th>established</th><th>reason</th>"
		      "<th>adapter</th><th>layer</th><th>state</th><th>slot</th><th>object</th></tr>\n", out);
		for (i = 0; i < r->nleaks && i < HTML_MAX_TABLE; i++) {
			const struct ot_rep_leak *l = &r->leaks[i];
			const char *why = leak_reason_text(l->reason);

			fprintf(out, "<tr data-row=\"leak\"><td>%s</td>", rel(h, l->since, a, sizeof(a)));
			fprintf(out, "<td>%s</td><td>", rel(h, l->ts, a, sizeof(a)));
			ot_html_string(out, why ? why : l->reason);
			fputs("</td><td>", out);
			ot_html_string(out, l->adapter);
			fputs("</td><td>", out);
			ot_html_string(out, l->layer);
			fputs("</td><td>", out);
			ot_html_string(out, l->state);
			fprintf(out, "</td><td class=\"mono\">0x%" PRIx64 "</td><td>", l->slot);
			obj_link(h, l->object_id);
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
			ot_html_string(out, v->rule);
			fprintf(out, "</td><td%s>", strcmp(v->severity, "error") == 0 ? " class=\"bad\"" : "");
			ot_html_string(out, v->severity);
			fprintf(out, "</td><td title=\"%s\">%s</td><td>",
				v->ts == OT_T_NONE ? "-" : fmt_time(h, v->ts, tb), rel(h, v->ts, a, sizeof(a)));
			ot_html_string(out, v->message);
			if (v->slot)
				fprintf(out, "</td><td class=\"mono\">0x%" PRIx64 "</td><td>", v->slot);
			else
				fputs("</td><td>-</td><td>", out);
			obj_link(h, v->object_id);
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
		ot_html_string(out, r->rules[i].id);
		fputs("</td><td>", out);
		ot_html_string(out, r->rules[i].title);
		fputs("</td><td>", out);
		ot_html_string(out, r->rules[i].why_not);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

/* One kept event of a history, as a table row. */
static int
event_row(struct html *h, sqlite3_stmt *ev, int64_t id, int evidence)
{
	static const char *const names[] = { "root", "block", "slot", "value", "status",
					     "code", "reason", "tid", "nbl" };
	const struct ot_report *r = h->r;
	FILE *out = h->out;
	char a[40], tb[OT_TIMEBUF];
	const char *file;
	int64_t input;
	int c, rc;

	sqlite3_reset(ev);
	sqlite3_bind_int64(ev, 2, id);
	if ((rc = sqlite3_step(ev)) != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : sql_fail(h, "events");
	fprintf(out, "<tr data-row=\"event\"%s><td>#%" PRId64 "</td><td class=\"mono\">%s</td><td>%s</td><td>",
		evidence ? " class=\"evidence\" data-evidence=\"\"" : "", id,
		fmt_time(h, sqlite3_column_int64(ev, 0), tb),
		rel(h, sqlite3_column_int64(ev, 0), a, sizeof(a)));
	ot_html_string(out, html_col_text(ev, 1));
	fputs("</td><td>", out);
	ot_html_string(out, html_col_text(ev, 2));
	fputs("</td><td class=\"mono\">", out);
	for (c = 3; c <= 11; c++) {
		if (sqlite3_column_type(ev, c) == SQLITE_NULL)
			continue;
		fprintf(out, "%s=", names[c - 3]);
		ot_html_string(out, html_col_text(ev, c));
		fputs(" ", out);
	}
	fputs("</td><td>", out);
	input = sqlite3_column_int64(ev, 13);
	file = input >= 0 && (size_t)input < r->nin ? r->in[input].file : "?";
	ot_html_string(out, strrchr(file, '/') ? strrchr(file, '/') + 1 : file);	/* paths: at the top */
	fprintf(out, ":%lld</td></tr>\n", (long long)sqlite3_column_int64(ev, 12));
	return 0;
}

static int
in_set(const int64_t *v, size_t n, int64_t x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

/* One object's ordered history (like offtrace show object). */
static int
detail(struct html *h, const struct html_hist *o, sqlite3_stmt *ev)
{
	FILE *out = h->out;
	const int64_t *ids = o->show;
	size_t i;

	fprintf(out, "<div class=\"obj\" id=\"obj-%" PRIu64 "\" data-detail=\"%" PRIu64 "\">"
		"<h3>object %" PRIu64 ": ", o->id, o->id, o->id);
	ot_html_string(out, o->state);
	fputs(" ", out);
	ot_html_string(out, o->layer);
	fputs(" on adapter '", out);
	ot_html_string(out, o->adapter);
	fprintf(out, "', slot <span class=\"mono\">%s</span> epoch %" PRId64 "</h3>\n<p>fate <b%s>",
		o->slot_hex, o->epoch, bad_fate(o->fate) ? " class=\"bad\"" : "");
	ot_html_string(out, o->fate);
	fputs("</b>", out);
	if (o->in_timeline)
		fprintf(out, " &middot; <a href=\"#tl-%" PRIu64 "\">its row in the timeline</a>", o->id);
	if (o->fold)
		fprintf(out, " &middot; a long history: its first and last events%s here, the others"
			" folded (<code>offtrace show object %s</code> lists them all)",
			o->nevid ? " and its violations' evidence" : "", o->slot_hex);
	fputs("</p>\n", out);
	fputs("<table data-table=\"history\"><tr><th>event</th><th>time</th><th>rel</th><th>ev</th>"
	      "<th>layer</th><th>fields</th><th>source</th></tr>\n", out);
	for (i = 0; i < o->nshow; i++) {
		/* between the two sides, events are folded */
		if (o->fold && i > 0 && ids[i - 1] >= o->fold_lo && ids[i] <= o->fold_hi)
			fputs("<tr class=\"fold\" data-row=\"fold\"><td colspan=\"7\">&hellip; events"
			      " folded &hellip;</td></tr>\n", out);
		if (event_row(h, ev, ids[i], in_set(o->evid, o->nevid, ids[i])) < 0)
			return -1;
	}
	fputs("</table></div>\n", out);
	return 0;
}

static int
details(struct html *h)
{
	sqlite3_stmt *ev = NULL;
	size_t i;
	int rc = -1;

	fputs("<h2 id=\"objects\">Object histories</h2>\n", h->out);
	if (h->nhist == 0) {
		fputs("<p class=\"note\">No object.</p>\n", h->out);
		return 0;
	}
	fprintf(h->out, "<p class=\"note\">The %zu %s of the timeline and of the leak and violation"
		" tables, by id: the events that touch each one.</p>\n", h->nhist,
		pl(h->nhist, "object", "objects"));
	if (prep(h, "SELECT ts, ev, layer, ot_hex(root), ot_hex(block), ot_hex(slot),"
		 " ot_hex(value), ot_status_name(status), code, reason, tid, ot_hex(nbl), line, input"
		 " FROM events WHERE eid = ?1 * 1099511627776 + ?2", &ev) < 0)
		return -1;
	for (i = 0; i < h->nhist; i++)
		if (detail(h, &h->hist[i], ev) < 0)
			goto out;
	rc = 0;
out:
	sqlite3_finalize(ev);
	return rc;
}

int
ot_report_html(sqlite3 *db, const struct ot_report *r, FILE *out,
	       struct ot_err *err)
{
	struct html h;
	int64_t *ids = NULL, span;
	size_t i;
	int rc = -1;

	memset(&h, 0, sizeof(h));
	h.db = db;
	h.r = r;
	h.out = out;
	h.err = err;
	/*
	 * The plotted range: at least 1 ns, and no wider than 64 bits hold,
	 * so that t - t0 of every time clamped into it fits (a damaged
	 * database may hold any two times).
	 */
	h.t0 = r->start_ts != OT_T_NONE ? r->start_ts : 0;
	h.t1 = r->end_ts != OT_T_NONE ? r->end_ts : h.t0;
	if (h.t1 <= h.t0) {
		if (h.t0 == INT64_MAX)
			h.t0--;
		h.t1 = h.t0 + 1;
	} else if (ot_time_sub(h.t1, h.t0, &span) < 0) {
		h.t0 = h.t1 - INT64_MAX;
	}
	time_axis_init(&h);
	h.groups = xcalloc(HTML_MAX_GROUPS, sizeof(*h.groups));
	if (load_objects(&h) < 0 || load_lanes(&h) < 0 || load_latency(&h) < 0)
		goto out;
	ids = xmalloc(st_mult(h.nrows + 1, sizeof(*ids)));
	for (i = 0; i < h.nrows; i++)
		ids[i] = h.rows[i].id;
	if (html_hist_load(db, r, ids, h.nrows, &h.hist, &h.nhist, err) < 0)
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
	free(h.hist);
	free(ids);
	return rc;
}
