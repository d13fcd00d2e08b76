/*
 * db_func.c - the SQL helper functions every connection gets:
 * percentile(x, p), ot_hex(ptr), ot_time(ns), ot_status_name(code).
 *
 * A leaf: it calls SQLite and util only, nothing else of the store, so the
 * report code that opens its own connections (check.c, model.c) can
 * register them without the rest of the store.
 */
#include "offtrace/store.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

struct pct_val {
	int64_t i;
	double d;
};

struct pct_agg {
	struct pct_val *v;
	size_t n, cap;
	int has_real;
	int have_p;
	uint32_t p_milli;
};

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = ((const struct pct_val *)a)->i;
	int64_t y = ((const struct pct_val *)b)->i;

	return (x > y) - (x < y);
}

static int
cmp_dbl(const void *a, const void *b)
{
	double x = ((const struct pct_val *)a)->d;
	double y = ((const struct pct_val *)b)->d;

	return (x > y) - (x < y);
}

static void
pct_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct pct_agg *a = sqlite3_aggregate_context(ctx, sizeof(*a));
	int t;

	if (a == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (!a->have_p) {
		double p;

		t = sqlite3_value_numeric_type(argv[1]);
		p = sqlite3_value_double(argv[1]);
		if ((t != SQLITE_INTEGER && t != SQLITE_FLOAT) || !(p > 0.0) ||
		    p > 100.0) {
			sqlite3_result_error(ctx,
				"percentile: p must be a number in (0, 100]", -1);
			return;
		}
		a->p_milli = (uint32_t)llround(p * 1000.0);
		if (a->p_milli == 0)
			a->p_milli = 1;
		a->have_p = 1;
	}
	t = sqlite3_value_numeric_type(argv[0]);
	if (t != SQLITE_INTEGER && t != SQLITE_FLOAT)
		return;		/* NULL, text and blobs are ignored */
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		struct pct_val *v = sqlite3_realloc64(a->v, cap * sizeof(*v));

		if (v == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n].i = sqlite3_value_int64(argv[0]);
	a->v[a->n].d = sqlite3_value_double(argv[0]);
	if (t == SQLITE_FLOAT)
		a->has_real = 1;
	a->n++;
}

static void
pct_final(sqlite3_context *ctx)
{
	struct pct_agg *a = sqlite3_aggregate_context(ctx, 0);
	size_t k;

	if (a == NULL || a->n == 0) {
		if (a != NULL)
			sqlite3_free(a->v);
		sqlite3_result_null(ctx);
		return;
	}
	qsort(a->v, a->n, sizeof(a->v[0]), a->has_real ? cmp_dbl : cmp_i64);
	k = ot_nearest_rank(a->n, a->p_milli);
	if (a->has_real)
		sqlite3_result_double(ctx, a->v[k].d);
	else
		sqlite3_result_int64(ctx, a->v[k].i);
	sqlite3_free(a->v);
	a->v = NULL;
}

static void
fn_hex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char buf[24];

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	snprintf(buf, sizeof(buf), "0x%" PRIx64,
		 (uint64_t)sqlite3_value_int64(argv[0]));
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

static void
fn_time(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char buf[OT_TIMEBUF];

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	ot_fmt_time(sqlite3_value_int64(argv[0]), buf);
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

static void
fn_status_name(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char buf[16];
	uint32_t code;
	const char *name;

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	code = (uint32_t)sqlite3_value_int64(argv[0]);
	name = ot_status_name(code);
	if (name != NULL) {
		sqlite3_result_text(ctx, name, -1, SQLITE_STATIC);
		return;
	}
	snprintf(buf, sizeof(buf), "0x%08" PRIx32, code);
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

int
ot_db_register_functions(sqlite3 *s)
{
	int f = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

	if (sqlite3_create_function(s, "percentile", 2, f, NULL, NULL,
				    pct_step, pct_final) != SQLITE_OK ||
	    sqlite3_create_function(s, "ot_hex", 1, f, NULL, fn_hex, NULL,
				    NULL) != SQLITE_OK ||
	    sqlite3_create_function(s, "ot_time", 1, f, NULL, fn_time, NULL,
				    NULL) != SQLITE_OK ||
	    sqlite3_create_function(s, "ot_status_name", 1, f, NULL,
				    fn_status_name, NULL, NULL) != SQLITE_OK)
		return -1;
	return 0;
}
