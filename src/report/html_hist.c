/*
 * html_hist.c - which events each object history of the HTML page shows:
 * for the objects of the timeline and the first the leak and violation
 * tables name, their first and last events and their violations'
 * evidence, found without an index on the events.  Reads the database
 * only; html.c renders what it finds.
 */
#include "html_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct hctx {
	sqlite3 *db;
	const struct ot_report *r;
	struct ot_err *err;
	struct html_hist *hist;	/* sorted by id once loaded */
	size_t nhist;
};

static int
sql_fail(struct hctx *h, const char *what)
{
	return html_sql_fail(h->db, h->err, what);
}

static int
prep(struct hctx *h, const char *sql, sqlite3_stmt **st)
{
	return html_prep(h->db, h->r->trace_id, sql, st, h->err);
}


/*
 * Object histories.  Every object of the timeline has one, and so have
 * the first HTML_MAX_DETAILS objects the leak and violation tables name.
 * An event is an object's when it falls between the object's first and
 * last event and names its slot, its handle, or (outside context writes)
 * its published value, or when it completes one of the object's blocks,
 * as `offtrace show object` has it.  Each history keeps its first
 * HTML_HIST_HEAD and last HTML_HIST_TAIL events and the evidence of its
 * violations; the rest is folded.
 *
 * Two sweeps find the matches: forward for the heads, backward for the
 * tails.  A sweep goes through the events in chunks between objects'
 * first and last events, asking only for the events of the objects that
 * still want some, and skips whatever no such object covers; so it reads
 * each event at most once, however many objects there are, and stops
 * early where the objects are dense (the scale scenario's paths match
 * every tcp initiate).  An object searches at most HTML_HIST_SCAN events
 * from each end: the scale scenario's neighbors live the whole trace and
 * match three events in ten million, and the middle of such a history is
 * folded unsearched.  The completions come from one scan of the blocks.
 */
static int
cmp_hist(const void *a, const void *b)
{
	uint64_t x = ((const struct html_hist *)a)->id, y = ((const struct html_hist *)b)->id;

	return (x > y) - (x < y);
}

/* The sweep's range of an object and whether it wants more events. */
static int
hist_range(const struct html_hist *o, int back, int64_t *lo, int64_t *hi)
{
	if (o->first <= 0 || o->last < o->first)
		return 0;
	if (!back) {
		*lo = o->first;
		*hi = o->last - o->first < HTML_HIST_SCAN ? o->last : o->first + HTML_HIST_SCAN - 1;
		return o->nhead < HTML_HIST_HEAD;
	}
	*lo = o->last - o->fwd_end <= HTML_HIST_SCAN ? o->fwd_end + 1 : o->last - HTML_HIST_SCAN + 1;
	*hi = o->last;
	return *lo <= *hi && o->ntail < HTML_HIST_TAIL + 1;
}

static int
hist_match(const struct html_hist *o, sqlite3_stmt *st)
{
	if (sqlite3_column_type(st, 1) != SQLITE_NULL && sqlite3_column_int64(st, 1) == o->slot)
		return 1;
	if (o->handle && sqlite3_column_type(st, 2) != SQLITE_NULL &&
	    sqlite3_column_int64(st, 2) == o->handle)
		return 1;
	return o->value && sqlite3_column_type(st, 3) != SQLITE_NULL &&
	       sqlite3_column_int64(st, 3) == o->value && sqlite3_column_int(st, 4) == 0;
}

static char *
in_list(char *p, const struct html_hist *hs, const size_t *act, size_t nact, int which)
{
	size_t i;
	int n = 0;

	*p++ = '(';
	for (i = 0; i < nact; i++) {
		const struct html_hist *o = &hs[act[i]];
		int64_t v = which == 0 ? o->slot : which == 1 ? o->handle : o->value;

		if (which != 0 && v == 0)
			continue;
		p += sprintf(p, "%s%" PRId64, n++ ? "," : "", v);
	}
	*p++ = ')';
	*p = '\0';
	return p;
}

static int
sweep(struct hctx *h, int back)
{
	size_t *act = xcalloc(h->nhist + 1, sizeof(*act));
	char *sql = xmalloc(st_mult(h->nhist + 1, 3 * 24) + 512), *p;
	int64_t pos = back ? INT64_MIN : INT64_MAX, lo, hi, end;
	size_t i, nact, want;
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_DONE, ret = -1;

	for (i = 0; i < h->nhist; i++)	/* the start: the first (last) event wanted */
		if (hist_range(&h->hist[i], back, &lo, &hi))
			pos = back ? (hi > pos ? hi : pos) : (lo < pos ? lo : pos);
	while (pos != INT64_MIN && pos != INT64_MAX) {
		int64_t nextpos = back ? INT64_MIN : INT64_MAX;

		nact = 0;
		end = pos;
		for (i = 0; i < h->nhist; i++) {
			if (!hist_range(&h->hist[i], back, &lo, &hi))
				continue;
			if (lo <= pos && pos <= hi) {
				act[nact++] = i;
				continue;
			}
			if (!back && lo > pos && lo < nextpos)
				nextpos = lo;
			if (back && hi < pos && hi > nextpos)
				nextpos = hi;
		}
		if (nact == 0) {
			pos = nextpos;
			continue;
		}
		/* the chunk: until an active object ends or another begins */
		end = back ? INT64_MIN : INT64_MAX;
		for (i = 0; i < nact; i++) {
			hist_range(&h->hist[act[i]], back, &lo, &hi);
			if (!back && hi < end)
				end = hi;
			if (back && lo > end)
				end = lo;
		}
		if (!back && nextpos != INT64_MAX && nextpos - 1 < end)
			end = nextpos - 1;
		if (back && nextpos != INT64_MIN && nextpos + 1 > end)
			end = nextpos + 1;
		p = sql + sprintf(sql, "SELECT id, slot, handle, value, ev = 'ctx_write' FROM events"
				  " WHERE eid BETWEEN ?1 * 1099511627776 + ?2 AND ?1 * 1099511627776 + ?3"
				  " AND (slot IN ");
		p = in_list(p, h->hist, act, nact, 0);
		p += sprintf(p, " OR handle IN ");
		p = in_list(p, h->hist, act, nact, 1);
		p += sprintf(p, " OR value IN ");
		p = in_list(p, h->hist, act, nact, 2);
		sprintf(p, ") ORDER BY eid%s", back ? " DESC" : "");
		if (prep(h, sql, &st) < 0)
			goto out;
		sqlite3_bind_int64(st, 2, back ? end : pos);
		sqlite3_bind_int64(st, 3, back ? pos : end);
		want = nact;
		while (want > 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t id = sqlite3_column_int64(st, 0);

			for (i = 0; i < nact; i++) {
				struct html_hist *o = &h->hist[act[i]];

				if (!hist_range(o, back, &lo, &hi) || id < lo || id > hi ||
				    !hist_match(o, st))
					continue;
				if (!back)
					o->head[o->nhead++] = id;
				else
					o->tail[o->ntail++] = id;
				if (!hist_range(o, back, &lo, &hi))
					want--;
			}
		}
		if (want > 0 && rc != SQLITE_DONE) {
			sql_fail(h, "events");
			goto out;
		}
		sqlite3_finalize(st);
		st = NULL;
		pos = back ? end - 1 : end + 1;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	free(sql);
	free(act);
	return ret;
}

static void
add_hist(struct hctx *h, uint64_t id, int in_timeline)
{
	size_t i;

	if (id == 0)
		return;
	for (i = 0; i < h->nhist; i++)
		if (h->hist[i].id == id) {
			h->hist[i].in_timeline |= in_timeline;
			return;
		}
	h->hist[h->nhist].id = id;
	h->hist[h->nhist++].in_timeline = in_timeline;
}

/* Keep id among the n (at most max) smallest (largest) in v, ascending. */
static void
keep_extreme(int64_t *v, size_t *n, size_t max, int64_t id, int largest)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (v[i] == id)
			return;
	if (*n == max) {
		if (largest ? id < v[0] : id > v[max - 1])
			return;
		if (largest)
			memmove(v, v + 1, (max - 1) * sizeof(*v));
		(*n)--;
	}
	for (i = *n; i > 0 && v[i - 1] > id; i--)
		v[i] = v[i - 1];
	v[i] = id;
	(*n)++;
}

/*
 * The completions of the objects' blocks (a terminate_done names neither
 * slot nor handle), and their first and last events: the first and last
 * of them for each object.  One scan of the blocks, which have no index
 * by object before `offtrace show` builds one.
 */
static int
load_done(struct hctx *h)
{
	sqlite3_stmt *st = NULL;
	char *sql = xmalloc(st_mult(h->nhist + 1, 24) + 256), *p;
	size_t i;
	int rc;

	for (i = 0; i < h->nhist; i++) {
		struct html_hist *o = &h->hist[i];

		if (o->first > 0) {
			keep_extreme(o->dlo, &o->ndlo, HTML_HIST_HEAD, o->first, 0);
			keep_extreme(o->dhi, &o->ndhi, HTML_HIST_TAIL, o->first, 1);
		}
		if (o->last > 0) {
			keep_extreme(o->dlo, &o->ndlo, HTML_HIST_HEAD, o->last, 0);
			keep_extreme(o->dhi, &o->ndhi, HTML_HIST_TAIL, o->last, 1);
		}
	}
	if (h->nhist == 0) {
		free(sql);
		return 0;
	}
	p = sql + sprintf(sql, "SELECT object_id, done_event FROM blocks WHERE trace_id = ?1"
			  " AND done_event IS NOT NULL AND object_id IN (");
	for (i = 0; i < h->nhist; i++)
		p += sprintf(p, "%s%" PRIu64, i ? "," : "", h->hist[i].id);
	sprintf(p, ")");
	rc = prep(h, sql, &st);
	free(sql);
	if (rc < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct html_hist *o = html_hist_find(h->hist, h->nhist,
						     (uint64_t)sqlite3_column_int64(st, 0));
		int64_t id = sqlite3_column_int64(st, 1);

		if (o == NULL || id < o->first || id > o->last)
			continue;
		keep_extreme(o->dlo, &o->ndlo, HTML_HIST_HEAD, id, 0);
		keep_extreme(o->dhi, &o->ndhi, HTML_HIST_TAIL, id, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_fail(h, "blocks");
	return 0;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Sort v[0..n) and drop repeats; the new n. */
static size_t
sort_unique(int64_t *v, size_t n)
{
	size_t i, j;

	qsort(v, n, sizeof(*v), cmp_i64);
	for (i = j = 0; i < n; i++)
		if (j == 0 || v[i] != v[j - 1])
			v[j++] = v[i];
	return j;
}

/*
 * What a history shows.  The sweeps' matches are whole from the first
 * event up to fwd_end and from the start of the backward sweep (or its
 * oldest match, when it found more than the tail holds) to the last; the
 * completions up to the largest of dlo and from the smallest of dhi (or
 * everywhere, when those did not fill).  So everything is known up to
 * a_end and from b_start: when the two meet, that is all (shown whole, or
 * its first and last when long); else the first of one side and the last
 * of the other, with the events between folded.
 */
static void
hist_keep(struct html_hist *o)
{
	int64_t all[HTML_HIST_HEAD + HTML_HIST_TAIL + 1 + HTML_HIST_HEAD + HTML_HIST_TAIL];
	int64_t a_end, b_start, s_b, d_b;
	size_t n = 0, na, nb, ib, i;

	for (i = 0; i < o->nhead; i++)
		all[n++] = o->head[i];
	for (i = 0; i < o->ntail; i++)
		all[n++] = o->tail[i];
	for (i = 0; i < o->ndlo; i++)
		all[n++] = o->dlo[i];
	for (i = 0; i < o->ndhi; i++)
		all[n++] = o->dhi[i];
	n = sort_unique(all, n);
	a_end = o->fwd_end;
	if (o->ndlo == HTML_HIST_HEAD && o->dlo[HTML_HIST_HEAD - 1] < a_end)
		a_end = o->dlo[HTML_HIST_HEAD - 1];
	if (o->fwd_end >= o->last)
		s_b = o->first;
	else if (o->ntail > HTML_HIST_TAIL)
		s_b = o->tail[HTML_HIST_TAIL - 1];
	else
		s_b = o->last - o->fwd_end <= HTML_HIST_SCAN ? o->fwd_end + 1 :
		      o->last - HTML_HIST_SCAN + 1;
	d_b = o->ndhi == HTML_HIST_TAIL ? o->dhi[0] : o->first;
	b_start = s_b > d_b ? s_b : d_b;
	o->fold = a_end + 1 < b_start;
	if (!o->fold && n <= HTML_HIST_HEAD + HTML_HIST_TAIL) {
		memcpy(o->keep, all, n * sizeof(*all));
		o->nkeep = n;
		return;
	}
	/* the first side: all[0..na); the other: all[ib..n) */
	for (na = 0; na < n && (o->fold ? all[na] <= a_end : 1); na++)
		;
	for (ib = n; ib > 0 && (o->fold ? all[ib - 1] >= b_start : 1); ib--)
		;
	if (na > HTML_HIST_HEAD)
		na = HTML_HIST_HEAD;
	nb = n - ib;
	if (nb > HTML_HIST_TAIL) {
		ib = n - HTML_HIST_TAIL;
		nb = HTML_HIST_TAIL;
	}
	if (ib < na)		/* the two sides overlap: show them once */
		ib = na;
	o->fold = 1;
	o->fold_lo = na ? all[na - 1] : o->first;
	o->fold_hi = ib < n ? all[ib] : o->last;
	memcpy(o->keep, all, na * sizeof(*all));
	memcpy(o->keep + na, all + ib, (n - ib) * sizeof(*all));
	o->nkeep = na + (n - ib);
}

static int
load(struct hctx *h, const int64_t *rows, size_t nrows)
{
	const struct ot_report *r = h->r;
	sqlite3_stmt *st = NULL;
	size_t i, j, n = 0;
	int rc;

	h->hist = xcalloc(nrows + HTML_MAX_DETAILS + 1, sizeof(*h->hist));
	for (i = 0; i < nrows; i++)
		add_hist(h, (uint64_t)rows[i], 1);
	for (i = 0; i < r->nleaks && n < HTML_MAX_DETAILS; i++, n++)
		add_hist(h, r->leaks[i].object_id, 0);
	for (i = 0; i < r->nviolations && n < HTML_MAX_DETAILS; i++)
		if (r->violations[i].object_id) {
			add_hist(h, r->violations[i].object_id, 0);
			n++;
		}
	qsort(h->hist, h->nhist, sizeof(*h->hist), cmp_hist);
	if (prep(h, "SELECT coalesce(state, ''), layer, adapter, ot_hex(slot), epoch, fate,"
		 " first_event, last_event, slot, coalesce(handle, 0), coalesce(value, 0)"
		 " FROM objects WHERE oid = ?1 * 1099511627776 + ?2", &st) < 0)
		return -1;
	for (i = j = 0; i < h->nhist; i++) {
		struct html_hist *o = &h->hist[i];

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 2, (int64_t)o->id);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
			if (rc == SQLITE_DONE)
				continue;	/* an object the tables name but that is gone */
			sqlite3_finalize(st);
			return sql_fail(h, "objects");
		}
		snprintf(o->state, sizeof(o->state), "%s", html_col_text(st, 0));
		snprintf(o->layer, sizeof(o->layer), "%s", html_col_text(st, 1));
		snprintf(o->adapter, sizeof(o->adapter), "%s", html_col_text(st, 2));
		snprintf(o->slot_hex, sizeof(o->slot_hex), "%s", html_col_text(st, 3));
		o->epoch = sqlite3_column_int64(st, 4);
		snprintf(o->fate, sizeof(o->fate), "%s", html_col_text(st, 5));
		o->first = sqlite3_column_int64(st, 6);
		o->last = sqlite3_column_int64(st, 7);
		o->slot = sqlite3_column_int64(st, 8);
		o->handle = sqlite3_column_int64(st, 9);
		o->value = sqlite3_column_int64(st, 10);
		h->hist[j++] = *o;
	}
	sqlite3_finalize(st);
	h->nhist = j;
	for (i = 0; i < r->nviolations; i++) {
		const struct ot_rep_violation *v = &r->violations[i];
		struct html_hist *o = html_hist_find(h->hist, h->nhist, v->object_id);

		for (j = 0; o != NULL && j < v->nevents && o->nevid < HTML_HIST_EVIDENCE; j++)
			o->evid[o->nevid++] = (int64_t)v->event_ids[j];
	}
	if (load_done(h) < 0 || sweep(h, 0) < 0)
		return -1;
	for (i = 0; i < h->nhist; i++) {	/* what the forward sweep saw whole */
		struct html_hist *o = &h->hist[i];
		int64_t lo = 0, hi = 0;

		hist_range(o, 0, &lo, &hi);
		o->fwd_end = o->nhead == HTML_HIST_HEAD ? o->head[HTML_HIST_HEAD - 1] : hi;
	}
	if (sweep(h, 1) < 0)
		return -1;
	for (i = 0; i < h->nhist; i++) {
		struct html_hist *o = &h->hist[i];

		hist_keep(o);
		memcpy(o->show, o->keep, o->nkeep * sizeof(*o->keep));
		memcpy(o->show + o->nkeep, o->evid, o->nevid * sizeof(*o->evid));
		o->nshow = sort_unique(o->show, o->nkeep + o->nevid);
	}
	return 0;
}

struct html_hist *
html_hist_find(struct html_hist *hist, size_t n, uint64_t id)
{
	struct html_hist key;

	if (n == 0 || id == 0)
		return NULL;
	key.id = id;
	return bsearch(&key, hist, n, sizeof(*hist), cmp_hist);
}

int
html_hist_load(sqlite3 *db, const struct ot_report *r, const int64_t *rows,
	       size_t nrows, struct html_hist **hist, size_t *n,
	       struct ot_err *err)
{
	struct hctx h;

	memset(&h, 0, sizeof(h));
	h.db = db;
	h.r = r;
	h.err = err;
	if (load(&h, rows, nrows) < 0) {
		free(h.hist);
		*hist = NULL;
		*n = 0;
		return -1;
	}
	*hist = h.hist;
	*n = h.nhist;
	return 0;
}
