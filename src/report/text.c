/*
 * text.c - the report for people: header, summary, latency per operation
 * kind with a histogram per kind, leaks and violations in time order, and
 * the rules not checked.  Everything comes from the model (which is loaded
 * with ORDER BY), so the same database and options always print the same
 * bytes.
 *
 * Every line is built in a buffer, then written wrapped to the width
 * (continuation lines indented), so no line is longer than the terminal.
 * Colours are marker bytes in the buffer (below 0x10, which cannot come
 * from the trace: control characters from the trace are shown as \xNN),
 * turned into ANSI SGR sequences or dropped when the line is written.
 * Width counts one column per UTF-8 character (wide characters are rare
 * in these traces and would only make a line a little longer).
 */
#include "offtrace/report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define DUR 32
#define MIN_WIDTH 40
#define MAX_WIDTH 1000

/* Colour markers (see above) and the SGR sequences they become. */
#define C_OFF "\x01"
#define C_BOLD "\x02"
#define C_RED "\x03"
#define C_YELLOW "\x04"
#define C_GREEN "\x05"
#define C_CYAN "\x06"
#define C_DIM "\x07"
static const char *const sgr[] = {
	"", "\033[0m", "\033[1m", "\033[31m", "\033[33m", "\033[32m",
	"\033[36m", "\033[2m"
};
#define IS_MARK(c) ((unsigned char)(c) >= 1 && (unsigned char)(c) <= 7)

struct line {
	char *s;
	size_t len, cap;
};

struct tw {
	FILE *out;
	int width, color, unicode;
	struct line l;
};

static void
l_add(struct line *l, const char *s, size_t n)
{
	if (l->len + n + 1 > l->cap) {
		l->cap = (l->len + n + 1) * 2;
		l->s = xrealloc(l->s, l->cap);
	}
	memcpy(l->s + l->len, s, n);
	l->len += n;
	l->s[l->len] = '\0';
}

static void l_printf(struct line *l, const char *fmt, ...) OT_PRINTF(2, 3);

/* Text of the program itself (formats, names from tables): no escaping. */
static void
l_printf(struct line *l, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	l_add(l, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/*
 * A string from the trace or the database, escaped for the terminal
 * (ot_term_escape: control characters, C1 and invalid UTF-8 as \xNN), so
 * a trace cannot drive the terminal or fake a colour marker.
 */
static void
l_safe(struct line *l, const char *str)
{
	const char *s = str ? str : "";
	size_t n = strlen(s), need = ot_term_escape(s, n, NULL, 0);

	if (l->len + need + 1 > l->cap) {
		l->cap = (l->len + need + 1) * 2;
		l->s = xrealloc(l->s, l->cap);
	}
	ot_term_escape(s, n, l->s + l->len, need + 1);
	l->len += need;
}

/* l_safe(), then spaces up to width bytes (printf's %-*s) */
static void
l_safe_pad(struct line *l, const char *str, int width)
{
	size_t before = l->len;

	l_safe(l, str);
	while (l->len - before < (size_t)width)
		l_add(l, " ", 1);
}

/* Columns taken by s[0..n): UTF-8 characters, markers take none. */
static int
cols(const char *s, size_t n)
{
	int c = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (!IS_MARK(s[i]) && ((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* Write s[0..n), markers as SGR sequences or nothing. */
static void
put_span(struct tw *t, const char *s, size_t n)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		if (!IS_MARK(s[i]))
			continue;
		fwrite(s + from, 1, i - from, t->out);
		if (t->color)
			fputs(sgr[(unsigned char)s[i]], t->out);
		from = i + 1;
	}
	fwrite(s + from, 1, n - from, t->out);
}

/*
 * Write the buffered line wrapped at the width: a word that does not fit
 * goes to the next line, indented by hang columns (the spaces before it are
 * dropped); a word longer than a whole line is cut.  Runs of spaces inside
 * a line are kept, so aligned columns stay aligned.
 */
static void
emit(struct tw *t, int hang)
{
	const char *s = t->l.s ? t->l.s : "";
	size_t n = t->l.len, i = 0;
	int col = 0, open = 0;

	if (hang > t->width / 2)
		hang = t->width / 2;
	while (i < n) {
		size_t sp = i, w, e;
		int wc, sc;

		while (i < n && s[i] == ' ')
			i++;
		w = i;
		while (i < n && s[i] != ' ')
			i++;
		sc = (int)(w - sp);
		wc = cols(s + w, i - w);
		if (col > hang && col + sc + wc > t->width) {
			/* the word on a new line */
			fprintf(t->out, "\n%*s", hang, "");
			col = hang;
			sc = 0;
		}
		fprintf(t->out, "%*s", sc, "");
		col += sc;
		/* cut what is longer than the rest of the line */
		for (e = w; e < i;) {
			size_t k = e;
			int c = 0;

			while (k < i && (col + c < t->width || IS_MARK(s[k]) ||
					 ((unsigned char)s[k] & 0xc0) == 0x80)) {
				if (IS_MARK(s[k]))
					open = s[k] != C_OFF[0];
				else if (((unsigned char)s[k] & 0xc0) != 0x80)
					c++;
				k++;
			}
			put_span(t, s + e, k - e);
			col += c;
			e = k;
			if (e < i) {
				fprintf(t->out, "\n%*s", hang, "");
				col = hang;
			}
		}
	}
	if (open && t->color)
		fputs(sgr[1], t->out);
	fputc('\n', t->out);
	t->l.len = 0;
	if (t->l.s)
		t->l.s[0] = '\0';
}

static const char *
fmt_ptr(uint64_t p, char *buf, size_t len)
{
	if (p == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "0x%" PRIx64, p);
	return buf;
}

/* A time, in UTC (with Z) unless the trace's times are local ones. */
static const char *
fmt_time(const struct ot_report *r, int64_t t, char buf[OT_TIMEBUF])
{
	if (t == OT_T_NONE) {
		snprintf(buf, OT_TIMEBUF, "-");
		return buf;
	}
	return ot_fmt_time_zone(t, r->local_time, buf);
}

/* "+1.25ms" from the start of the trace, or "-" when unknown. */
static const char *
fmt_rel(const struct ot_report *r, int64_t t, char *buf, size_t len)
{
	if (t == OT_T_NONE || r->start_ts == OT_T_NONE) {
		snprintf(buf, len, "-");
		return buf;
	}
	return ot_fmt_rel(r->start_ts, t, buf, len);
}

static void
heading(struct tw *t, const char *fmt, ...) OT_PRINTF(2, 3);

static void
heading(struct tw *t, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	l_printf(&t->l, C_BOLD "%s" C_OFF, buf);
	emit(t, 2);
}

/* The packets an input's components dropped (pktmon), by reason and
 * location. */
static void
drops_line(struct tw *t, const struct ot_rep_input *in)
{
	uint64_t listed = 0;
	size_t k;

	l_printf(&t->l, ", %" PRIu64 " dropped packet%s (", in->drops,
		 in->drops == 1 ? "" : "s");
	for (k = 0; k < in->ndrop; k++) {
		const struct ot_rep_drop *d = &in->drop[k];

		l_printf(&t->l, "%sreason %" PRIu32, k ? "; " : "", d->reason);
		if (d->reason_name[0]) {
			l_printf(&t->l, " ");
			l_safe(&t->l, d->reason_name);
		}
		l_printf(&t->l, " at 0x%08" PRIx32 ": %" PRIu64, d->location, d->count);
		listed += d->count;
	}
	if (listed < in->drops)
		l_printf(&t->l, "; others: %" PRIu64, in->drops - listed);
	l_printf(&t->l, ")");
}

static void
header(struct tw *t, const struct ot_report *r)
{
	char a[OT_TIMEBUF], b[OT_TIMEBUF], d[DUR];
	uint64_t lost_ev = 0, lost_buf = 0;
	size_t i;

	l_printf(&t->l, C_BOLD "offtrace report: trace %" PRId64 C_OFF " ",
		 r->trace_id);
	l_safe(&t->l, r->name);
	emit(t, 4);
	l_printf(&t->l, "  span     %s .. %s", fmt_time(r, r->start_ts, a),
		 fmt_time(r, r->end_ts, b));
	if (r->start_ts != OT_T_NONE && r->end_ts != OT_T_NONE)
		l_printf(&t->l, " (%s)", ot_fmt_dur_between(r->start_ts, r->end_ts, d,
							     sizeof(d)));
	emit(t, 11);
	/* no Z then: the times are as tracefmt wrote them */
	if (r->local_time) {
		l_printf(&t->l, "  times    local, zone unknown: tracefmt text read"
			 " without --tz-offset");
		emit(t, 11);
	}
	l_printf(&t->l, "  inputs   %" PRIu64, r->inputs);
	emit(t, 11);
	for (i = 0; i < r->nin; i++) {
		const struct ot_rep_input *in = &r->in[i];

		l_printf(&t->l, "    ");
		l_safe(&t->l, in->file);
		l_printf(&t->l, " (");
		l_safe(&t->l, in->format);
		l_printf(&t->l, "): %" PRIu64 " events from %" PRIu64
			 " records", in->events, in->records);
		if (in->unmatched)
			l_printf(&t->l, ", %" PRIu64 " matched no profile",
				 in->unmatched);
		if (in->corrupt)
			l_printf(&t->l, ", %" PRIu64 " could not be parsed",
				 in->corrupt);
		if (in->drops)
			drops_line(t, in);
		emit(t, 6);
		lost_ev += in->lost_events;
		lost_buf += in->lost_buffers;
	}
	for (i = 0; i < r->nskipped; i++) {
		l_printf(&t->l, "    ");
		l_safe(&t->l, r->skipped[i].file);
		l_printf(&t->l, " (");
		l_safe(&t->l, r->skipped[i].kind);
		l_printf(&t->l, "): skipped, not a trace or capture");
		emit(t, 6);
	}
	l_printf(&t->l, "  events   %" PRIu64, r->events);
	emit(t, 11);
	/* what the logger lost can make rules see what did not happen */
	if (lost_ev || lost_buf) {
		l_printf(&t->l, "  " C_YELLOW "warning" C_OFF "  the logger lost %"
			 PRIu64 " event%s and %" PRIu64 " buffer%s: a violation"
			 " may be an event that was not recorded", lost_ev,
			 lost_ev == 1 ? "" : "s", lost_buf,
			 lost_buf == 1 ? "" : "s");
		emit(t, 11);
	}
	emit(t, 0);
}

/* "  key          value", the value red when bad and not zero. */
static void
kv(struct tw *t, const char *key, uint64_t v, int bad)
{
	l_printf(&t->l, "  %-12s %s%" PRIu64 "%s", key, bad && v ? C_RED : "",
		 v, bad && v ? C_OFF : "");
	emit(t, 15);
}

/*
 * Every leak, whatever its reason (the "leaks" list, what check's
 * --max-leaks counts), and by reason: "leaked  3 (3 live at end)".
 */
static void
leaked(struct tw *t, const struct ot_report *r)
{
	static const int order[] = { OT_LEAK_HALT, OT_LEAK_UPLOAD_ALL,
				     OT_LEAK_WIRE_CLOSE, OT_LEAK_LIVE_AT_END };
	const uint64_t *by = r->summary.leaked_by_reason;
	size_t i;
	int sep = 0;

	l_printf(&t->l, "  %-12s %s%" PRIu64 "%s", "leaked",
		 r->summary.leaked ? C_RED : "", r->summary.leaked,
		 r->summary.leaked ? C_OFF : "");
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (by[order[i]] == 0)
			continue;
		l_printf(&t->l, "%s%" PRIu64 " %s", sep++ ? ", " : " (",
			 by[order[i]], order[i] == OT_LEAK_LIVE_AT_END ?
			 "live at end" : ot_leak_reason_names[order[i]]);
	}
	if (sep)
		l_printf(&t->l, ")");
	emit(t, 15);
}

static void
summary(struct tw *t, const struct ot_report *r)
{
	heading(t, "summary");
	kv(t, "objects", r->summary.objects, 0);
	kv(t, "offloaded", r->summary.offloaded, 0);
	kv(t, "failed", r->summary.failed, 0);
	kv(t, "terminated", r->summary.terminated, 0);
	kv(t, "lost", r->summary.lost, 0);
	leaked(t, r);
	l_printf(&t->l, "  %-12s %s%" PRIu64 " error%s%s, %s%" PRIu64
		 " warning%s%s", "violations", r->summary.errors ? C_RED : "",
		 r->summary.errors, r->summary.errors == 1 ? "" : "s",
		 r->summary.errors ? C_OFF : "",
		 r->summary.warnings ? C_YELLOW : "", r->summary.warnings,
		 r->summary.warnings == 1 ? "" : "s",
		 r->summary.warnings ? C_OFF : "");
	emit(t, 15);
	emit(t, 0);
}

/*
 * The latency table: kind and count, then as many of the duration columns
 * as the width holds (the least telling dropped first: mean, p99.9, p90).
 */
enum { COL_P50, COL_P90, COL_P99, COL_P999, COL_MAX, COL_MEAN, NCOL };
static const char *const lat_name[NCOL] = { "p50", "p90", "p99", "p99.9",
					    "max", "mean" };

static int64_t
lat_col(const struct ot_lat *l, int c)
{
	switch (c) {
	case COL_P50: return l->p50;
	case COL_P90: return l->p90;
	case COL_P99: return l->p99;
	case COL_P999: return l->p999;
	case COL_MAX: return l->max;
	default: return l->mean;
	}
}

/* Column layout shared by the overall and the per-adapter tables. */
struct lat_layout {
	int show[NCOL], cw[NCOL], kw, nw;
};

static void
layout_fit(struct lat_layout *L, const struct ot_lat *lat)
{
	char b[DUR];
	int c, k;

	for (k = 0; k < OT_KIND_COUNT; k++) {
		snprintf(b, sizeof(b), "%" PRIu64, lat[k].count);
		if ((int)strlen(b) > L->nw)
			L->nw = (int)strlen(b);
		if (lat[k].count == 0)
			continue;
		for (c = 0; c < NCOL; c++) {
			ot_fmt_dur(lat_col(&lat[k], c), b, sizeof(b));
			if ((int)strlen(b) > L->cw[c])
				L->cw[c] = (int)strlen(b);
		}
	}
}

static void
lat_layout(struct tw *t, const struct ot_report *r, struct lat_layout *L)
{
	static const int drop[] = { COL_MEAN, COL_P999, COL_P90, COL_P99 };
	int total, c, k;
	size_t i;

	memset(L, 0, sizeof(*L));
	L->kw = 4;
	L->nw = 5;
	for (k = 0; k < OT_KIND_COUNT; k++)
		if ((int)strlen(ot_kind_names[k]) > L->kw)
			L->kw = (int)strlen(ot_kind_names[k]);
	for (c = 0; c < NCOL; c++)
		L->cw[c] = (int)strlen(lat_name[c]);
	layout_fit(L, r->latency);
	if (r->nlat_groups > 1)
		for (i = 0; i < r->nlat_groups; i++)
			layout_fit(L, r->lat_groups[i].latency);
	total = 2 + L->kw + 1 + L->nw;
	for (c = 0; c < NCOL; c++) {
		L->show[c] = 1;
		total += 2 + L->cw[c];
	}
	for (i = 0; i < sizeof(drop) / sizeof(drop[0]) && total > t->width; i++) {
		L->show[drop[i]] = 0;
		total -= 2 + L->cw[drop[i]];
	}
}

/* A table of lat: every kind, or (all_kinds 0) those with operations. */
static void
lat_table(struct tw *t, const struct lat_layout *L, const struct ot_lat *lat,
	  int all_kinds)
{
	char b[DUR];
	int c, k;

	l_printf(&t->l, "  " C_DIM "%-*s %*s", L->kw, "kind", L->nw, "count");
	for (c = 0; c < NCOL; c++)
		if (L->show[c])
			l_printf(&t->l, "  %*s", L->cw[c], lat_name[c]);
	l_printf(&t->l, C_OFF);
	emit(t, 4);
	for (k = 0; k < OT_KIND_COUNT; k++) {
		const struct ot_lat *l = &lat[k];

		if (!all_kinds && l->count == 0)
			continue;
		l_printf(&t->l, "  %-*s %*" PRIu64, L->kw, ot_kind_names[k],
			 L->nw, l->count);
		for (c = 0; c < NCOL; c++) {
			if (!L->show[c])
				continue;
			if (l->count == 0)
				l_printf(&t->l, "  %*s", L->cw[c], "-");
			else
				l_printf(&t->l, "  %*s", L->cw[c],
					 ot_fmt_dur(lat_col(l, c), b, sizeof(b)));
		}
		emit(t, 4);
	}
	emit(t, 0);
}

/*
 * The overall table, then, when the trace has more than one adapter and
 * layer, one table per (adapter, layer) with the kinds it completed.
 */
static void
latency(struct tw *t, const struct ot_report *r)
{
	struct lat_layout L;
	size_t i;

	lat_layout(t, r, &L);
	heading(t, "latency (completed operations, all adapters and layers)");
	lat_table(t, &L, r->latency, 1);
	if (r->nlat_groups + r->lat_groups_more <= 1)
		return;
	for (i = 0; i < r->nlat_groups; i++) {
		const struct ot_rep_lat_group *g = &r->lat_groups[i];

		l_printf(&t->l, C_BOLD "latency of adapter '");
		l_safe(&t->l, g->adapter);
		l_printf(&t->l, "' at layer %s" C_OFF, ot_layer_names[g->layer]);
		emit(t, 2);
		lat_table(t, &L, g->latency, 0);
	}
	if (r->lat_groups_more) {
		l_printf(&t->l, "  (%zu more adapter/layer groups not shown)",
			 r->lat_groups_more);
		emit(t, 4);
		emit(t, 0);
	}
}

/* A bucket bound for people: "0", "2ns", "500us", "1s", "500s". */
static const char *
fmt_bound(int64_t ns, char *buf, size_t len)
{
	static const struct {
		int64_t unit;
		const char *name;
	} u[] = { { 1000000000, "s" }, { 1000000, "ms" }, { 1000, "us" },
		  { 1, "ns" } };
	size_t i;

	if (ns <= 0) {
		snprintf(buf, len, "0");
		return buf;
	}
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (ns >= u[i].unit && ns % u[i].unit == 0) {
			snprintf(buf, len, "%" PRId64 "%s", ns / u[i].unit,
				 u[i].name);
			return buf;
		}
	snprintf(buf, len, "%" PRId64 "ns", ns);
	return buf;
}

/* A bar of v/mx of w columns: eighths of a block, or '#'; at least a sliver. */
static void
put_bar(struct tw *t, uint64_t v, uint64_t mx, int w)
{
	static const char *const eighth[8] = {
		"", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a",
		"\u2589"
	};
	uint64_t e = mx ? (uint64_t)((double)v * w * 8 / (double)mx + 0.5) : 0;
	int i, used;

	if (v > 0 && e == 0)
		e = 1;
	if (!t->unicode) {
		used = (int)((e + 4) / 8);
		if (v > 0 && used == 0)
			used = 1;
		for (i = 0; i < used; i++)
			l_add(&t->l, "#", 1);
	} else {
		used = (int)(e / 8);
		for (i = 0; i < used; i++)
			l_add(&t->l, "\u2588", strlen("\u2588"));
		if (e % 8) {
			l_add(&t->l, eighth[e % 8], strlen(eighth[e % 8]));
			used++;
		}
	}
	l_printf(&t->l, "%*s", w - used > 0 ? w - used : 0, "");
}

/*
 * One histogram per operation kind: a row per 1-2-5 bucket from the first
 * to the last one used (empty ones between shown, so the gaps show), the
 * bar as wide as the terminal allows, the count, and which of
 * p50/p90/p99/max fall in the bucket.
 */
static void
histograms(struct tw *t, const struct ot_report *r)
{
	char lo[32], hi[32], num[24];
	int k, b, any = 0;

	for (k = 0; k < OT_KIND_COUNT; k++)
		any |= r->latency[k].count > 0;
	if (!any)
		return;
	heading(t, "latency histograms (log buckets, bar length = operations)");
	for (k = 0; k < OT_KIND_COUNT; k++) {
		const struct ot_lat *l = &r->latency[k];
		int first = -1, last = -1, nw = 1, bw;
		uint64_t mx = 0;

		if (l->count == 0)
			continue;
		for (b = 0; b < OT_LAT_BUCKETS; b++) {
			if (l->hist[b] == 0)
				continue;
			if (first < 0)
				first = b;
			last = b;
			if (l->hist[b] > mx)
				mx = l->hist[b];
		}
		if (first < 0)
			continue;
		snprintf(num, sizeof(num), "%" PRIu64, mx);
		nw = (int)strlen(num);
		/* "  " lo(6) " .. " hi(6) " " bar " " count marks(16) */
		bw = t->width - (2 + 6 + 4 + 6 + 1 + 1 + nw + 16);
		if (bw < 4)
			bw = 4;
		l_printf(&t->l, "  " C_CYAN "%s" C_OFF " (%" PRIu64
			 " completed)", ot_kind_names[k], l->count);
		emit(t, 4);
		for (b = first; b <= last; b++) {
			fmt_bound(ot_lat_bucket_lo(b), lo, sizeof(lo));
			if (b + 1 >= OT_LAT_BUCKETS)
				snprintf(hi, sizeof(hi), "%s", "");
			else
				fmt_bound(ot_lat_bucket_lo(b + 1), hi, sizeof(hi));
			l_printf(&t->l, "  %6s .. %-6s ", lo, hi);
			l_printf(&t->l, "%s", C_CYAN);
			put_bar(t, l->hist[b], mx, bw);
			l_printf(&t->l, "%s %*" PRIu64, C_OFF, nw, l->hist[b]);
			/* the percentiles of this bucket */
			if (ot_lat_bucket(l->p50) == b)
				l_printf(&t->l, " p50");
			if (ot_lat_bucket(l->p90) == b)
				l_printf(&t->l, " p90");
			if (ot_lat_bucket(l->p99) == b)
				l_printf(&t->l, " p99");
			if (ot_lat_bucket(l->max) == b)
				l_printf(&t->l, " max");
			emit(t, 20);
		}
	}
	emit(t, 0);
}

static void
leaks(struct tw *t, const struct ot_report *r)
{
	char tb[OT_TIMEBUF], p[24], rel[DUR + 1], rel2[DUR + 1];
	size_t i;

	heading(t, "leaks (%zu)", r->nleaks);
	if (r->nleaks == 0) {
		l_printf(&t->l, "  " C_GREEN "none" C_OFF);
		emit(t, 4);
		emit(t, 0);
		return;
	}
	for (i = 0; i < r->nleaks; i++) {
		const struct ot_rep_leak *l = &r->leaks[i];

		/* when on one line (it fits 80 columns), what and why after */
		l_printf(&t->l, "  %s %-9s object %" PRIu64, fmt_time(r, l->since, tb),
			 fmt_rel(r, l->since, rel, sizeof(rel)), l->object_id);
		emit(t, 6);
		l_printf(&t->l, "      ");
		l_safe(&t->l, l->state[0] ? l->state : "-");
		l_printf(&t->l, " ");
		l_safe(&t->l, l->layer);
		l_printf(&t->l, " slot %s adapter '", fmt_ptr(l->slot, p, sizeof(p)));
		l_safe(&t->l, l->adapter);
		l_printf(&t->l, "' " C_RED);
		l_safe(&t->l, l->reason);
		l_printf(&t->l, C_OFF " at %s, last activity %s",
			 fmt_rel(r, l->ts, rel, sizeof(rel)),
			 fmt_rel(r, l->last_activity, rel2, sizeof(rel2)));
		emit(t, 6);
	}
	emit(t, 0);
}

static void
violations(struct tw *t, const struct ot_report *r)
{
	char tb[OT_TIMEBUF], s[24], o[24], rel[DUR + 1];
	size_t i;

	heading(t, "violations (%zu)", r->nviolations);
	if (r->nviolations == 0) {
		l_printf(&t->l, "  " C_GREEN "none" C_OFF);
		emit(t, 4);
		emit(t, 0);
		return;
	}
	for (i = 0; i < r->nviolations; i++) {
		const struct ot_rep_violation *v = &r->violations[i];
		int err = strcmp(v->severity, "error") == 0;

		/* where and when on one line, what on the next ones */
		l_printf(&t->l, "  %s", err ? C_RED : C_YELLOW);
		l_safe_pad(&t->l, v->rule, 3);
		l_printf(&t->l, " ");
		l_safe_pad(&t->l, v->severity, 7);
		l_printf(&t->l, "%s %s %-9s slot %s", C_OFF,
			 fmt_time(r, v->ts, tb), fmt_rel(r, v->ts, rel, sizeof(rel)),
			 fmt_ptr(v->slot, s, sizeof(s)));
		emit(t, 6);
		l_printf(&t->l, "      root %s: ", fmt_ptr(v->root, o, sizeof(o)));
		l_safe(&t->l, v->message);
		if (v->object_id)
			l_printf(&t->l, " [object %" PRIu64 "]", v->object_id);
		if (v->op_id)
			l_printf(&t->l, " [op %" PRIu64 "]", v->op_id);
		if (v->events[0])
			l_printf(&t->l, " [events %s]", v->events);
		emit(t, 6);
	}
	emit(t, 0);
}

static void
not_checked(struct tw *t, const struct ot_report *r)
{
	int k, n = 0;

	for (k = 0; k < OT_R_COUNT; k++)
		n += !r->rules[k].checked;
	heading(t, "not checked (%d of %d rules)", n, OT_R_COUNT);
	if (n == 0) {
		l_printf(&t->l, "  none");
		emit(t, 4);
		return;
	}
	for (k = 0; k < OT_R_COUNT; k++) {
		const struct ot_rep_rule *u = &r->rules[k];

		if (u->checked)
			continue;
		l_printf(&t->l, "  %-3s ", u->id);
		l_safe(&t->l, u->title);
		l_printf(&t->l, ": " C_DIM);
		l_safe(&t->l, u->why_not);
		l_printf(&t->l, C_OFF);
		emit(t, 6);
	}
}

void
ot_text_opts_init(struct ot_text_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->width = 80;
}

static void
tw_init(struct tw *t, FILE *out, const struct ot_text_opts *o)
{
	struct ot_text_opts def;

	if (o == NULL) {
		ot_text_opts_init(&def);
		o = &def;
	}
	memset(t, 0, sizeof(*t));
	t->out = out;
	t->width = o->width < MIN_WIDTH ? MIN_WIDTH :
		   o->width > MAX_WIDTH ? MAX_WIDTH : o->width;
	t->color = o->color;
	t->unicode = o->unicode;
}

/* Packet captures (doc/rules.md 5): flows, the join, W3; only when present. */
static void
capture(struct tw *t, const struct ot_report *r)
{
	const struct ot_lat *l = &r->syn_to_offload;
	char b[4][DUR];

	if (r->capture.packets == 0 && r->capture.flows == 0)
		return;
	heading(t, "packet captures (flows joined to tcp objects)");
	l_printf(&t->l, "  packets %" PRIu64 "  flows %" PRIu64 "  joined %" PRIu64
		 "  unjoined %" PRIu64, r->capture.packets, r->capture.flows,
		 r->capture.joined, r->capture.flows - r->capture.joined);
	emit(t, 4);
	if (l->count == 0)
		l_printf(&t->l, "  syn_to_offload (W3): none measured");
	else
		l_printf(&t->l, "  syn_to_offload (W3) %" PRIu64 ": p50 %s  p90 %s  p99 %s  max %s",
			 l->count, ot_fmt_dur(l->p50, b[0], DUR),
			 ot_fmt_dur(l->p90, b[1], DUR), ot_fmt_dur(l->p99, b[2], DUR),
			 ot_fmt_dur(l->max, b[3], DUR));
	emit(t, 4);
	emit(t, 0);
}

int
ot_report_text_opts(const struct ot_report *r, FILE *out,
		    const struct ot_text_opts *o)
{
	struct tw t;

	tw_init(&t, out, o);
	header(&t, r);
	summary(&t, r);
	latency(&t, r);
	capture(&t, r);
	histograms(&t, r);
	leaks(&t, r);
	violations(&t, r);
	not_checked(&t, r);
	free(t.l.s);
	return ferror(out) ? -1 : 0;
}

int
ot_report_text(const struct ot_report *r, FILE *out)
{
	return ot_report_text_opts(r, out, NULL);
}
