/*
 * html_int.h - what html.c reads beyond the report model: the latency of
 * each (adapter, layer, kind), for the page's numeric tables (when the
 * report model carries the same numbers, html.c reads them there and
 * html_lat.c goes away).
 */
#ifndef OT_HTML_INT_H
#define OT_HTML_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "offtrace/report.h"

#define HTML_LAT_GROUPS 64	/* (adapter, layer) pairs; more fold into one */

/* One (adapter, layer, kind) with completed operations. */
struct html_lat_row {
	char adapter[128], layer[16];
	int other;		/* 1: the pairs past HTML_LAT_GROUPS, folded */
	int kind;		/* enum ot_kind */
	struct ot_lat lat;	/* count, nearest-rank percentiles, max, mean */
};

/*
 * Every completed operation of the trace in one scan, grouped by
 * (adapter, layer, kind): nearest-rank percentiles as the report model and
 * the percentile() SQL aggregate compute them.  *rows (heap, the caller
 * frees it) is sorted by adapter, layer, kind, the folded pairs last.
 * each (may be NULL) also sees every operation: its kind, request time
 * and latency, for the page's pictures.  0 or -1 (err).
 */
typedef void html_lat_fn(void *ctx, int kind, int64_t t_request, int64_t latency);
int html_lat_by_adapter(sqlite3 *db, int64_t trace_id, html_lat_fn *each,
			void *ctx, struct html_lat_row **rows, size_t *n,
			struct ot_err *err);

#endif
