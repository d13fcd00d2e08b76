/*
 * html_lat.c - the page's SQL helpers (html_int.h), and its one pass
 * over the completed operations: each
 * one's kind, request time and latency go to the histograms and the
 * latency-over-time bins (html.c).  The numbers per adapter and layer are
 * the report model's (model.c: lat_groups), not computed again here.
 */
#include "html_int.h"

#include <string.h>

int
html_sql_fail(sqlite3 *db, struct ot_err *err, const char *what)
{
	return ot_errorf(err, OT_EINTERNAL, "html report: %s: %s", what, sqlite3_errmsg(db));
}

int
html_prep(sqlite3 *db, int64_t trace_id, const char *sql, sqlite3_stmt **st,
	  struct ot_err *err)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return html_sql_fail(db, err, "prepare");
	sqlite3_bind_int64(*st, 1, trace_id);
	return 0;
}

const char *
html_col_text(sqlite3_stmt *st, int c)
{
	const char *s = (const char *)sqlite3_column_text(st, c);

	return s ? s : "";
}

int
html_lat_scan(sqlite3 *db, int64_t trace_id, html_lat_fn *each, void *ctx,
	      struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, k, ret = -1;

	if (sqlite3_prepare_v2(db, "SELECT kind, t_complete, t_request"
			       " FROM operations"
			       " WHERE opid BETWEEN ?1 * 1099511627776 AND"
			       " ?1 * 1099511627776 + 1099511627775"
			       " AND t_complete IS NOT NULL", -1, &st,
			       NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, trace_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);

		for (k = 0; kind && k < OT_KIND_COUNT; k++)
			if (strcmp(kind, ot_kind_names[k]) == 0)
				break;
		if (kind == NULL || k == OT_KIND_COUNT)
			continue;
		/* saturated: a damaged database may hold any two times */
		each(ctx, k, sqlite3_column_int64(st, 2),
		     ot_time_sub_sat(sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2)));
	}
	if (rc != SQLITE_DONE)
		goto fail;
	ret = 0;
	goto out;
fail:
	ot_errorf(err, OT_EINTERNAL, "html report: operations: %s",
		  sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	return ret;
}
