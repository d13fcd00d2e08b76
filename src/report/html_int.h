/*
 * html_int.h - what html.c reads beyond the report model: one pass over
 * the completed operations for the histograms and the latency over time
 * (html_lat.c), and the events each object history shows (html_hist.c).
 */
#ifndef OT_HTML_INT_H
#define OT_HTML_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "offtrace/report.h"

/*
 * What the page's SQL shares: an error that names what failed; a statement
 * with the trace id bound to ?1; a column's text, "" for NULL.
 */
int html_sql_fail(sqlite3 *db, struct ot_err *err, const char *what);
int html_prep(sqlite3 *db, int64_t trace_id, const char *sql, sqlite3_stmt **st,
	      struct ot_err *err);
const char *html_col_text(sqlite3_stmt *st, int c);

#define HTML_LAT_GROUPS 64	/* (adapter, layer) rows a kind's table shows */

/*
 * Every completed operation of the trace, once: each(ctx, kind, request
 * time, latency).  0, or -1 with err.
 */
typedef void html_lat_fn(void *ctx, int kind, int64_t t_request, int64_t latency);
int html_lat_scan(sqlite3 *db, int64_t trace_id, html_lat_fn *each, void *ctx,
		  struct ot_err *err);

#define HTML_MAX_DETAILS 50	/* histories of table objects past the timeline's */
#define HTML_HIST_HEAD 40	/* a history's first events ... */
#define HTML_HIST_TAIL 20	/* ... and last, the rest folded */
#define HTML_HIST_EVIDENCE 16	/* violation evidence kept in a history */
#define HTML_HIST_SCAN 200000	/* events searched from each end of a history */

/* An object's history: what the page shows of the events that touch it. */
struct html_hist {
	uint64_t id;
	int64_t first, last;		/* event ids */
	int64_t slot, handle, value;	/* 0: none */
	char state[16], layer[16], adapter[128], slot_hex[24], fate[16];
	int64_t epoch;
	int in_timeline;
	int64_t show[HTML_HIST_HEAD + HTML_HIST_TAIL + HTML_HIST_EVIDENCE];
	size_t nshow;		/* event ids to show, ascending */
	int64_t evid[HTML_HIST_EVIDENCE];
	size_t nevid;		/* those that prove its violations */
	int fold;		/* events between fold_lo and fold_hi not shown */
	int64_t fold_lo, fold_hi;
	/* how they were found (html_hist.c) */
	int64_t head[HTML_HIST_HEAD];
	size_t nhead;
	int64_t tail[HTML_HIST_TAIL + 1];	/* newest first */
	size_t ntail;
	int64_t fwd_end;	/* the head holds every match up to here */
	int64_t dlo[HTML_HIST_HEAD], dhi[HTML_HIST_TAIL];	/* completions: first, last */
	size_t ndlo, ndhi;
	int64_t keep[HTML_HIST_HEAD + HTML_HIST_TAIL];
	size_t nkeep;
};

/*
 * The histories of the timeline's objects (rows, nrows ids) and of the
 * first HTML_MAX_DETAILS objects of the leak then violation tables.
 * *hist (heap, the caller frees it) is sorted by id; an object the
 * database no longer has is left out.  0 or -1 (err).
 */
int html_hist_load(sqlite3 *db, const struct ot_report *r, const int64_t *rows,
		   size_t nrows, struct html_hist **hist, size_t *n,
		   struct ot_err *err);
/* The history of object id, or NULL. */
struct html_hist *html_hist_find(struct html_hist *hist, size_t n, uint64_t id);

#endif
