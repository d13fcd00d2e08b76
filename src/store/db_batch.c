/*
 * db_batch.c - the ot_event_batch virtual table, through which the ingest
 * writer stores events a batch at a time.
 *
 * ot_event_batch is an eponymous virtual table
 * (no CREATE, nothing in the schema) whose rows are the events the caller
 * hands to ot_db_add_events(), in the columns of the events table; one
 * INSERT ... SELECT stores them all.  Binding 26 parameters and stepping
 * once per event capped SQLite at about 1.1M rows/s here; values given
 * from xColumn skip the binding and the statement runs once per batch,
 * about 1.5M rows/s.  An absent field is NULL (OT_HAS_* bits).
 *
 * ot_db_open() registers it on each connection, with the struct ot_db as
 * its aux; ot_db_add_events() points db->batch at the rows and steps the
 * INSERT.  A leaf: it reads those fields and calls nothing else of the
 * store.
 */
#include "offtrace/store.h"

#include <string.h>

#include "db_int.h"

enum {
	EB_EID, EB_TRACE, EB_ID, EB_TS, EB_EV, EB_CPU, EB_PID, EB_TID, EB_ADAPTER,
	EB_LAYER, EB_ROOT, EB_BLOCK, EB_PARENT, EB_STATE, EB_SLOT, EB_HANDLE,
	EB_VALUE, EB_STATUS, EB_CODE, EB_REASON, EB_SRC, EB_SPORT, EB_DST, EB_DPORT,
	EB_NBL, EB_INPUT, EB_LINE
};

struct eb_vtab {
	sqlite3_vtab base;
	const struct ot_db *db;
};

struct eb_cursor {
	sqlite3_vtab_cursor base;
	size_t i;
};

static int
eb_connect(sqlite3 *s, void *aux, int argc, const char *const *argv,
	   sqlite3_vtab **out, char **errmsg)
{
	struct eb_vtab *v;
	int rc;

	(void)argc;
	(void)argv;
	(void)errmsg;
	rc = sqlite3_declare_vtab(s, "CREATE TABLE x(eid, trace_id, id, ts, ev, cpu,"
				  " pid, tid, adapter, layer, root, block, parent, state, slot,"
				  " handle, value, status, code, reason, src, sport, dst, dport,"
				  " nbl, input, line)");
	if (rc != SQLITE_OK)
		return rc;
	if ((v = sqlite3_malloc(sizeof(*v))) == NULL)
		return SQLITE_NOMEM;
	memset(v, 0, sizeof(*v));
	v->db = aux;
	*out = &v->base;
	return SQLITE_OK;
}

static int
eb_disconnect(sqlite3_vtab *v)
{
	sqlite3_free(v);
	return SQLITE_OK;
}

static int
eb_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
	(void)v;
	info->estimatedCost = 1000;
	return SQLITE_OK;
}

static int
eb_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
	struct eb_cursor *c = sqlite3_malloc(sizeof(*c));

	(void)v;
	if (c == NULL)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof(*c));
	*out = &c->base;
	return SQLITE_OK;
}

static int
eb_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

static int
eb_filter(sqlite3_vtab_cursor *c, int idx, const char *idxstr, int argc, sqlite3_value **argv)
{
	(void)idx;
	(void)idxstr;
	(void)argc;
	(void)argv;
	((struct eb_cursor *)c)->i = 0;
	return SQLITE_OK;
}

static int
eb_next(sqlite3_vtab_cursor *c)
{
	((struct eb_cursor *)c)->i++;
	return SQLITE_OK;
}

static int
eb_eof(sqlite3_vtab_cursor *c)
{
	const struct eb_vtab *v = (const struct eb_vtab *)c->pVtab;

	return ((struct eb_cursor *)c)->i >= v->db->nbatch;
}

static int
eb_rowid(sqlite3_vtab_cursor *c, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((struct eb_cursor *)c)->i;
	return SQLITE_OK;
}

static inline void
res_opt(sqlite3_context *cx, int present, int64_t v)
{
	if (present)
		sqlite3_result_int64(cx, v);
	else
		sqlite3_result_null(cx);
}

static int
eb_column(sqlite3_vtab_cursor *c, sqlite3_context *cx, int col)
{
	const struct ot_db *db = ((const struct eb_vtab *)c->pVtab)->db;
	const struct ot_event *ev = &db->batch[((struct eb_cursor *)c)->i];
	uint32_t h = ev->has;

	switch (col) {
	case EB_EID:
		sqlite3_result_int64(cx, db->trace_id * 1099511627776 + (int64_t)ev->id);
		break;
	case EB_TRACE:
		sqlite3_result_int64(cx, db->trace_id);
		break;
	case EB_ID:
		sqlite3_result_int64(cx, (int64_t)ev->id);
		break;
	case EB_TS:
		sqlite3_result_int64(cx, ev->ts);
		break;
	case EB_EV:
		sqlite3_result_text(cx, ot_ev_names[ev->ev], -1, SQLITE_STATIC);
		break;
	case EB_CPU:
		res_opt(cx, h & OT_HAS_CPU, ev->cpu);
		break;
	case EB_PID:
		res_opt(cx, h & OT_HAS_PID, ev->pid);
		break;
	case EB_TID:
		res_opt(cx, h & OT_HAS_TID, ev->tid);
		break;
	case EB_ADAPTER:
		sqlite3_result_text(cx, ev->adapter ? ev->adapter : "", -1, SQLITE_STATIC);
		break;
	case EB_LAYER:
		sqlite3_result_text(cx, layer_name(ev->layer), -1, SQLITE_STATIC);
		break;
	case EB_ROOT:
		res_opt(cx, h & OT_HAS_ROOT, (int64_t)ev->root);
		break;
	case EB_BLOCK:
		res_opt(cx, h & OT_HAS_BLOCK, (int64_t)ev->block);
		break;
	case EB_PARENT:
		res_opt(cx, h & OT_HAS_PARENT, (int64_t)ev->parent);
		break;
	case EB_STATE:
		if (h & OT_HAS_STATE)
			sqlite3_result_text(cx, ot_state_name(ev->state), -1, SQLITE_STATIC);
		else
			sqlite3_result_null(cx);
		break;
	case EB_SLOT:
		res_opt(cx, h & OT_HAS_SLOT, (int64_t)ev->slot);
		break;
	case EB_HANDLE:
		res_opt(cx, h & OT_HAS_HANDLE, (int64_t)ev->handle);
		break;
	case EB_VALUE:
		res_opt(cx, h & OT_HAS_VALUE, (int64_t)ev->value);
		break;
	case EB_STATUS:
		res_opt(cx, h & OT_HAS_STATUS, (int64_t)ev->status);
		break;
	case EB_CODE:
		res_opt(cx, h & OT_HAS_CODE, ev->code);
		break;
	case EB_REASON:
		res_opt(cx, h & OT_HAS_REASON, ev->reason);
		break;
	case EB_SRC:
	case EB_DST:
		if (h & OT_HAS_TUPLE)
			sqlite3_result_text(cx, col == EB_SRC ? ev->tuple.src : ev->tuple.dst, -1,
					    SQLITE_STATIC);
		else
			sqlite3_result_null(cx);
		break;
	case EB_SPORT:
		res_opt(cx, h & OT_HAS_TUPLE, ev->tuple.sport);
		break;
	case EB_DPORT:
		res_opt(cx, h & OT_HAS_TUPLE, ev->tuple.dport);
		break;
	case EB_NBL:
		res_opt(cx, h & OT_HAS_NBL, (int64_t)ev->nbl);
		break;
	case EB_INPUT:
		sqlite3_result_int64(cx, ev->input);
		break;
	case EB_LINE:
		sqlite3_result_int64(cx, (int64_t)ev->line);
		break;
	default:
		sqlite3_result_null(cx);
		break;
	}
	return SQLITE_OK;
}

/* eponymous-only: no xCreate, so CREATE VIRTUAL TABLE cannot use it */
const sqlite3_module ot_db_event_batch = {
	.iVersion = 0,
	.xConnect = eb_connect,
	.xBestIndex = eb_best_index,
	.xDisconnect = eb_disconnect,
	.xDestroy = eb_disconnect,
	.xOpen = eb_open,
	.xClose = eb_close,
	.xFilter = eb_filter,
	.xNext = eb_next,
	.xEof = eb_eof,
	.xColumn = eb_column,
	.xRowid = eb_rowid
};
