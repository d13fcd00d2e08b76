/*
 * html_lat.c - latency per (adapter, layer, kind) for the HTML page's
 * numeric tables: one scan of the operations (a rowid range, no sort in
 * SQL), then a qsort per group, nearest rank as the report model.
 */
#include "html_int.h"

#include <stdlib.h>
#include <string.h>

struct vec {
	int64_t *v;
	size_t n, cap;
};

struct pair {
	char adapter[128], layer[16];
	int other;
	struct vec k[OT_KIND_COUNT];
};

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int
cmp_row(const void *a, const void *b)
{
	const struct html_lat_row *x = a, *y = b;
	int c;

	if (x->other != y->other)
		return x->other - y->other;
	if ((c = strcmp(x->adapter, y->adapter)) != 0)
		return c;
	if ((c = strcmp(x->layer, y->layer)) != 0)
		return c;
	return x->kind - y->kind;
}

/* As the model's: sorted values, n > 0; the mean truncated as SQL's. */
static void
fill(struct ot_lat *l, const int64_t *v, size_t n)
{
	__int128 sum = 0;
	size_t i;

	memset(l, 0, sizeof(*l));
	l->count = n;
	l->p50 = v[ot_nearest_rank(n, 50000)];
	l->p90 = v[ot_nearest_rank(n, 90000)];
	l->p99 = v[ot_nearest_rank(n, 99000)];
	l->p999 = v[ot_nearest_rank(n, 99900)];
	l->max = v[n - 1];
	for (i = 0; i < n; i++) {
		sum += v[i];
		l->hist[ot_lat_bucket(v[i])]++;
	}
	l->mean = (int64_t)(sum / (__int128)n);
}

/* The pair's index; past HTML_LAT_GROUPS - 1 pairs, the last slot takes
 * the rest, marked other (its names stay empty). */
static size_t
find_pair(struct pair *p, size_t *np, size_t last, const char *adapter,
	  const char *layer)
{
	size_t i;

	if (last < *np && !p[last].other && strcmp(p[last].adapter, adapter) == 0 &&
	    strcmp(p[last].layer, layer) == 0)
		return last;
	for (i = 0; i < *np; i++)
		if (!p[i].other && strcmp(p[i].adapter, adapter) == 0 &&
		    strcmp(p[i].layer, layer) == 0)
			return i;
	if (*np >= HTML_LAT_GROUPS - 1) {
		if (*np == HTML_LAT_GROUPS - 1)
			p[(*np)++].other = 1;
		return HTML_LAT_GROUPS - 1;
	}
	snprintf(p[*np].adapter, sizeof(p[0].adapter), "%s", adapter);
	snprintf(p[*np].layer, sizeof(p[0].layer), "%s", layer);
	return (*np)++;
}

int
html_lat_by_adapter(sqlite3 *db, int64_t trace_id, html_lat_fn *each, void *ctx,
		    struct html_lat_row **rows, size_t *n, struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	struct pair *p = xcalloc(HTML_LAT_GROUPS, sizeof(*p));
	size_t np = 0, last = 0, i, nr = 0;
	int rc, k, ret = -1;

	*rows = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT adapter, layer, kind,"
			       " t_complete - t_request, t_request FROM operations"
			       " WHERE opid BETWEEN ?1 * 1099511627776 AND"
			       " ?1 * 1099511627776 + 1099511627775"
			       " AND t_complete IS NOT NULL", -1, &st,
			       NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, trace_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(st, 0);
		const char *l = (const char *)sqlite3_column_text(st, 1);
		const char *kind = (const char *)sqlite3_column_text(st, 2);
		struct vec *v;

		for (k = 0; kind && k < OT_KIND_COUNT; k++)
			if (strcmp(kind, ot_kind_names[k]) == 0)
				break;
		if (kind == NULL || k == OT_KIND_COUNT)
			continue;
		last = find_pair(p, &np, last, a ? a : "", l ? l : "");
		v = &p[last].k[k];
		if (v->n == v->cap) {
			v->cap = v->cap ? 2 * v->cap : 256;
			v->v = xrealloc(v->v, st_mult(v->cap, sizeof(*v->v)));
		}
		v->v[v->n++] = sqlite3_column_int64(st, 3);
		if (each != NULL)
			each(ctx, k, sqlite3_column_int64(st, 4), v->v[v->n - 1]);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	*rows = xcalloc(np * OT_KIND_COUNT + 1, sizeof(**rows));
	for (i = 0; i < np; i++)
		for (k = 0; k < OT_KIND_COUNT; k++) {
			struct vec *v = &p[i].k[k];
			struct html_lat_row *r = &(*rows)[nr];

			if (v->n == 0)
				continue;
			qsort(v->v, v->n, sizeof(*v->v), cmp_i64);
			snprintf(r->adapter, sizeof(r->adapter), "%s", p[i].adapter);
			snprintf(r->layer, sizeof(r->layer), "%s", p[i].layer);
			r->other = p[i].other;
			r->kind = k;
			fill(&r->lat, v->v, v->n);
			nr++;
		}
	qsort(*rows, nr, sizeof(**rows), cmp_row);
	*n = nr;
	ret = 0;
	goto out;
fail:
	ot_errorf(err, OT_EINTERNAL, "html report: operations: %s",
		  sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	for (i = 0; i < HTML_LAT_GROUPS; i++)
		for (k = 0; k < OT_KIND_COUNT; k++)
			free(p[i].k[k].v);
	free(p);
	return ret;
}
