/*
 * db_batch.c - the batch virtual tables through which the ingest writer
 * stores events and the engine's records a batch at a time:
 *
 *   ot_event_batch    events        (ot_db_add_events, db->batch)
 *   ot_object_batch   objects       (ot_db_add_objects, db->objs)
 *   ot_op_batch       operations    (ot_db_add_ops, db->ops)
 *   ot_block_batch    their blocks  (ot_db_add_ops, db->ops)
 *   ot_write_batch    ctx_writes    (ot_db_add_writes, db->writes)
 *
 * Each is an eponymous virtual table (no CREATE, nothing in the schema)
 * whose rows are the records the caller hands over, in the columns of its
 * table; one INSERT ... SELECT stores them all.  Binding a parameter per
 * column and stepping once per row capped SQLite at about 1.1M rows/s here;
 * values given from xColumn skip the binding and the statement runs once
 * per batch, about 1.5M rows/s.  The derived rows went the bound way until
 * the JSON-lines and text ingests had to come near SQLite's own insert
 * rate: on 2M gen events, their 1.4M rows took 2.1 s of the writer, 1.2 s
 * this way.  Every value is the one the sink of db_ingest.c binds for the
 * same record (an absent field NULL: OT_HAS_* bits, 0 ids and pointers,
 * OT_T_NONE times).
 *
 * ot_db_open() registers them on each connection (ot_db_register_batches),
 * with the struct ot_db as their aux.  A leaf: it reads those fields and
 * calls nothing else of the store.
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

/* Which records a table shows. */
enum bk { BK_EVENTS, BK_OBJECTS, BK_OPS, BK_BLOCKS, BK_WRITES };

struct eb_vtab {
	sqlite3_vtab base;
	const struct ot_db *db;
	enum bk kind;
};

struct eb_cursor {
	sqlite3_vtab_cursor base;
	size_t i;		/* row; BK_BLOCKS: the operation */
	size_t b;		/* BK_BLOCKS: the block of operation i */
};

static const char *const bk_decl[] = {
	[BK_EVENTS] = "CREATE TABLE x(eid, trace_id, id, ts, ev, cpu, pid, tid, adapter,"
		" layer, root, block, parent, state, slot, handle, value, status, code,"
		" reason, src, sport, dst, dport, nbl, input, line)",
	[BK_OBJECTS] = "CREATE TABLE x(trace_id, id, slot, epoch, adapter, layer, state,"
		" handle, value, parent_id, src, sport, dst, dport, t_request, t_published,"
		" t_offloaded, t_terminate_req, t_terminated, t_last, initiate_status,"
		" terminate_status, initiate_op, fate, first_event, last_event, oid)",
	[BK_OPS] = "CREATE TABLE x(trace_id, id, adapter, layer, kind, root, epoch,"
		" t_request, t_complete, sync, nblocks, first_event, last_event, opid)",
	[BK_BLOCKS] = "CREATE TABLE x(trace_id, op_id, idx, block, parent, state, role,"
		" slot, value, handle, object_id, t_request, t_complete, latency_ns, status,"
		" request_event, done_event)",
	[BK_WRITES] = "CREATE TABLE x(trace_id, id, event_id, ts, adapter, layer, tid,"
		" slot, old_value, new_value, op_id, object_id, pos)",
};

static int
eb_connect_kind(sqlite3 *s, void *aux, sqlite3_vtab **out, enum bk kind)
{
	struct eb_vtab *v;
	int rc;

	rc = sqlite3_declare_vtab(s, bk_decl[kind]);
	if (rc != SQLITE_OK)
		return rc;
	if ((v = sqlite3_malloc(sizeof(*v))) == NULL)
		return SQLITE_NOMEM;
	memset(v, 0, sizeof(*v));
	v->db = aux;
	v->kind = kind;
	*out = &v->base;
	return SQLITE_OK;
}

#define CONNECT(name, kind) \
static int \
name(sqlite3 *s, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, \
     char **errmsg) \
{ \
	(void)argc; \
	(void)argv; \
	(void)errmsg; \
	return eb_connect_kind(s, aux, out, kind); \
}
CONNECT(eb_connect_events, BK_EVENTS)
CONNECT(eb_connect_objects, BK_OBJECTS)
CONNECT(eb_connect_ops, BK_OPS)
CONNECT(eb_connect_blocks, BK_BLOCKS)
CONNECT(eb_connect_writes, BK_WRITES)
#undef CONNECT

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

/* BK_BLOCKS: from (i, b) on to the next block of some operation */
static void
blocks_settle(struct eb_cursor *c, const struct ot_db *db)
{
	while (c->i < db->nops && c->b >= db->ops[c->i].nblocks) {
		c->i++;
		c->b = 0;
	}
}

static int
eb_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
	  sqlite3_value **argv)
{
	struct eb_cursor *c = (struct eb_cursor *)cur;
	const struct eb_vtab *v = (const struct eb_vtab *)cur->pVtab;

	(void)idx;
	(void)idxstr;
	(void)argc;
	(void)argv;
	c->i = 0;
	c->b = 0;
	if (v->kind == BK_BLOCKS)
		blocks_settle(c, v->db);
	return SQLITE_OK;
}

static int
eb_next(sqlite3_vtab_cursor *cur)
{
	struct eb_cursor *c = (struct eb_cursor *)cur;
	const struct eb_vtab *v = (const struct eb_vtab *)cur->pVtab;

	if (v->kind == BK_BLOCKS) {
		c->b++;
		blocks_settle(c, v->db);
	} else {
		c->i++;
	}
	return SQLITE_OK;
}

static int
eb_eof(sqlite3_vtab_cursor *cur)
{
	const struct eb_cursor *c = (const struct eb_cursor *)cur;
	const struct eb_vtab *v = (const struct eb_vtab *)cur->pVtab;
	const struct ot_db *db = v->db;

	switch (v->kind) {
	case BK_EVENTS:
		return c->i >= db->nbatch;
	case BK_OBJECTS:
		return c->i >= db->nobjs;
	case BK_OPS:
	case BK_BLOCKS:
		return c->i >= db->nops;
	case BK_WRITES:
		return c->i >= db->nwrites;
	}
	return 1;
}

static int
eb_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	const struct eb_cursor *c = (const struct eb_cursor *)cur;

	*rowid = (sqlite3_int64)(c->i << 20 | c->b);
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

/* an id or pointer where 0 is "none" (bind_nz) */
static inline void
res_nz(sqlite3_context *cx, uint64_t v)
{
	if (v != 0)
		sqlite3_result_int64(cx, (int64_t)v);
	else
		sqlite3_result_null(cx);
}

/* a time where OT_T_NONE is "never" (bind_time) */
static inline void
res_time(sqlite3_context *cx, int64_t t)
{
	if (t != OT_T_NONE)
		sqlite3_result_int64(cx, t);
	else
		sqlite3_result_null(cx);
}

static inline void
res_text(sqlite3_context *cx, const char *s)
{
	sqlite3_result_text(cx, s, -1, SQLITE_STATIC);
}

/* a state, NULL for OT_STATE_NONE (state_or_null) */
static inline void
res_state(sqlite3_context *cx, enum ot_state st)
{
	if (st == OT_STATE_NONE)
		sqlite3_result_null(cx);
	else
		res_text(cx, ot_state_name(st));
}

static void
event_column(const struct ot_db *db, const struct ot_event *ev, sqlite3_context *cx, int col)
{
	uint32_t h = ev->has;

	switch (col) {
	case 0:		/* eid */
		sqlite3_result_int64(cx, db->trace_id * 1099511627776 + (int64_t)ev->id);
		break;
	case 1:
		sqlite3_result_int64(cx, db->trace_id);
		break;
	case 2:
		sqlite3_result_int64(cx, (int64_t)ev->id);
		break;
	case 3:
		sqlite3_result_int64(cx, ev->ts);
		break;
	case 4:
		res_text(cx, ot_ev_names[ev->ev]);
		break;
	case 5:
		res_opt(cx, h & OT_HAS_CPU, ev->cpu);
		break;
	case 6:
		res_opt(cx, h & OT_HAS_PID, ev->pid);
		break;
	case 7:
		res_opt(cx, h & OT_HAS_TID, ev->tid);
		break;
	case 8:
		res_text(cx, ev->adapter ? ev->adapter : "");
		break;
	case 9:
		res_text(cx, layer_name(ev->layer));
		break;
	case 10:
		res_opt(cx, h & OT_HAS_ROOT, (int64_t)ev->root);
		break;
	case 11:
		res_opt(cx, h & OT_HAS_BLOCK, (int64_t)ev->block);
		break;
	case 12:
		res_opt(cx, h & OT_HAS_PARENT, (int64_t)ev->parent);
		break;
	case 13:
		if (h & OT_HAS_STATE)
			res_text(cx, ot_state_name(ev->state));
		else
			sqlite3_result_null(cx);
		break;
	case 14:
		res_opt(cx, h & OT_HAS_SLOT, (int64_t)ev->slot);
		break;
	case 15:
		res_opt(cx, h & OT_HAS_HANDLE, (int64_t)ev->handle);
		break;
	case 16:
		res_opt(cx, h & OT_HAS_VALUE, (int64_t)ev->value);
		break;
	case 17:
		res_opt(cx, h & OT_HAS_STATUS, (int64_t)ev->status);
		break;
	case 18:
		res_opt(cx, h & OT_HAS_CODE, ev->code);
		break;
	case 19:
		res_opt(cx, h & OT_HAS_REASON, ev->reason);
		break;
	case 20:	/* src */
	case 22:	/* dst */
		if (h & OT_HAS_TUPLE)
			res_text(cx, col == 20 ? ev->tuple.src : ev->tuple.dst);
		else
			sqlite3_result_null(cx);
		break;
	case 21:
		res_opt(cx, h & OT_HAS_TUPLE, ev->tuple.sport);
		break;
	case 23:
		res_opt(cx, h & OT_HAS_TUPLE, ev->tuple.dport);
		break;
	case 24:
		res_opt(cx, h & OT_HAS_NBL, (int64_t)ev->nbl);
		break;
	case 25:
		sqlite3_result_int64(cx, ev->input);
		break;
	case 26:
		sqlite3_result_int64(cx, (int64_t)ev->line);
		break;
	default:
		sqlite3_result_null(cx);
		break;
	}
}

/* the columns of sink_object() */
static void
object_column(const struct ot_db *db, const struct ot_object_rec *o, sqlite3_context *cx,
	      int col)
{
	switch (col) {
	case 0:
		sqlite3_result_int64(cx, db->trace_id);
		break;
	case 1:
		sqlite3_result_int64(cx, (int64_t)o->id);
		break;
	case 2:
		sqlite3_result_int64(cx, (int64_t)o->slot);
		break;
	case 3:
		sqlite3_result_int64(cx, o->epoch);
		break;
	case 4:
		res_text(cx, o->adapter ? o->adapter : "");
		break;
	case 5:
		res_text(cx, layer_name(o->layer));
		break;
	case 6:
		res_state(cx, o->state);
		break;
	case 7:
		res_nz(cx, o->handle);
		break;
	case 8:
		res_nz(cx, o->value);
		break;
	case 9:
		res_nz(cx, o->parent_id);
		break;
	case 10:
	case 12:
		if (o->has_tuple)
			res_text(cx, col == 10 ? o->tuple.src : o->tuple.dst);
		else
			sqlite3_result_null(cx);
		break;
	case 11:
		res_opt(cx, o->has_tuple, o->tuple.sport);
		break;
	case 13:
		res_opt(cx, o->has_tuple, o->tuple.dport);
		break;
	case 14:
		res_time(cx, o->t_request);
		break;
	case 15:
		res_time(cx, o->t_published);
		break;
	case 16:
		res_time(cx, o->t_offloaded);
		break;
	case 17:
		res_time(cx, o->t_terminate_req);
		break;
	case 18:
		res_time(cx, o->t_terminated);
		break;
	case 19:
		res_time(cx, o->t_last);
		break;
	case 20:
		res_opt(cx, o->has_initiate_status, o->initiate_status);
		break;
	case 21:
		res_opt(cx, o->has_terminate_status, o->terminate_status);
		break;
	case 22:
		res_nz(cx, o->initiate_op);
		break;
	case 23:
		res_text(cx, (unsigned)o->fate < OT_FATE_COUNT ? ot_fate_names[o->fate] :
			 "pending");
		break;
	case 24:
		res_nz(cx, o->first_event);
		break;
	case 25:
		res_nz(cx, o->last_event);
		break;
	case 26:	/* oid */
		sqlite3_result_int64(cx, db->trace_id * 1099511627776 + (int64_t)o->id);
		break;
	default:
		sqlite3_result_null(cx);
		break;
	}
}

/* the columns of sink_op() for the operation */
static void
op_column(const struct ot_db *db, const struct ot_op_rec *op, sqlite3_context *cx, int col)
{
	switch (col) {
	case 0:
		sqlite3_result_int64(cx, db->trace_id);
		break;
	case 1:
		sqlite3_result_int64(cx, (int64_t)op->id);
		break;
	case 2:
		res_text(cx, op->adapter ? op->adapter : "");
		break;
	case 3:
		res_text(cx, layer_name(op->layer));
		break;
	case 4:
		res_text(cx, (unsigned)op->kind < OT_KIND_COUNT ? ot_kind_names[op->kind] : "");
		break;
	case 5:
		sqlite3_result_int64(cx, (int64_t)op->root);
		break;
	case 6:
		sqlite3_result_int64(cx, op->epoch);
		break;
	case 7:
		sqlite3_result_int64(cx, op->t_request);
		break;
	case 8:
		res_time(cx, op->t_complete);
		break;
	case 9:
		sqlite3_result_int(cx, op->sync ? 1 : 0);
		break;
	case 10:
		sqlite3_result_int64(cx, (int64_t)op->nblocks);
		break;
	case 11:
		res_nz(cx, op->first_event);
		break;
	case 12:
		res_nz(cx, op->last_event);
		break;
	case 13:	/* opid */
		sqlite3_result_int64(cx, db->trace_id * 1099511627776 + (int64_t)op->id);
		break;
	default:
		sqlite3_result_null(cx);
		break;
	}
}

static const char *const role_names[] = { "placeholder", "linker", "new" };

/* the columns of sink_op() for block idx of op */
static void
block_column(const struct ot_db *db, const struct ot_op_rec *op, size_t idx,
	     sqlite3_context *cx, int col)
{
	const struct ot_block_rec *b = &op->blocks[idx];

	switch (col) {
	case 0:
		sqlite3_result_int64(cx, db->trace_id);
		break;
	case 1:
		sqlite3_result_int64(cx, (int64_t)op->id);
		break;
	case 2:
		sqlite3_result_int64(cx, (int64_t)idx);
		break;
	case 3:
		sqlite3_result_int64(cx, (int64_t)b->block);
		break;
	case 4:
		res_nz(cx, b->parent);
		break;
	case 5:
		res_state(cx, b->state);
		break;
	case 6:
		res_text(cx, (unsigned)b->role < 3 ? role_names[b->role] : "placeholder");
		break;
	case 7:
		res_nz(cx, b->slot);
		break;
	case 8:
		res_nz(cx, b->value);
		break;
	case 9:
		res_nz(cx, b->handle);
		break;
	case 10:
		res_nz(cx, b->object_id);
		break;
	case 11:
		res_time(cx, b->t_request);
		break;
	case 12:
		res_time(cx, b->t_complete);
		break;
	case 13:
		if (b->t_request != OT_T_NONE && b->t_complete != OT_T_NONE)
			sqlite3_result_int64(cx, ot_time_sub_sat(b->t_complete, b->t_request));
		else
			sqlite3_result_null(cx);
		break;
	case 14:
		res_opt(cx, b->has_status, b->status);
		break;
	case 15:
		res_nz(cx, b->request_event);
		break;
	case 16:
		res_nz(cx, b->done_event);
		break;
	default:
		sqlite3_result_null(cx);
		break;
	}
}

/* the columns of sink_write() */
static void
write_column(const struct ot_db *db, const struct ot_write_rec *w, sqlite3_context *cx,
	     int col)
{
	switch (col) {
	case 0:
		sqlite3_result_int64(cx, db->trace_id);
		break;
	case 1:
		sqlite3_result_int64(cx, (int64_t)w->id);
		break;
	case 2:
		sqlite3_result_int64(cx, (int64_t)w->event_id);
		break;
	case 3:
		sqlite3_result_int64(cx, w->ts);
		break;
	case 4:
		res_text(cx, w->adapter ? w->adapter : "");
		break;
	case 5:
		res_text(cx, layer_name(w->layer));
		break;
	case 6:
		res_opt(cx, w->tid >= 0, w->tid);
		break;
	case 7:
		sqlite3_result_int64(cx, (int64_t)w->slot);
		break;
	case 8:
		sqlite3_result_int64(cx, (int64_t)w->old_value);
		break;
	case 9:
		sqlite3_result_int64(cx, (int64_t)w->new_value);
		break;
	case 10:
		res_nz(cx, w->op_id);
		break;
	case 11:
		res_nz(cx, w->object_id);
		break;
	case 12:
		res_text(cx, (unsigned)w->pos < 4 ? ot_wpos_names[w->pos] : "none");
		break;
	default:
		sqlite3_result_null(cx);
		break;
	}
}

static int
eb_column(sqlite3_vtab_cursor *cur, sqlite3_context *cx, int col)
{
	const struct eb_cursor *c = (const struct eb_cursor *)cur;
	const struct eb_vtab *v = (const struct eb_vtab *)cur->pVtab;
	const struct ot_db *db = v->db;

	switch (v->kind) {
	case BK_EVENTS:
		event_column(db, &db->batch[c->i], cx, col);
		break;
	case BK_OBJECTS:
		object_column(db, &db->objs[c->i], cx, col);
		break;
	case BK_OPS:
		op_column(db, &db->ops[c->i], cx, col);
		break;
	case BK_BLOCKS:
		block_column(db, &db->ops[c->i], c->b, cx, col);
		break;
	case BK_WRITES:
		write_column(db, &db->writes[c->i], cx, col);
		break;
	}
	return SQLITE_OK;
}

/* eponymous-only: no xCreate, so CREATE VIRTUAL TABLE cannot use them */
#define MODULE(name, connect) \
static const sqlite3_module name = { \
	.iVersion = 0, \
	.xConnect = connect, \
	.xBestIndex = eb_best_index, \
	.xDisconnect = eb_disconnect, \
	.xDestroy = eb_disconnect, \
	.xOpen = eb_open, \
	.xClose = eb_close, \
	.xFilter = eb_filter, \
	.xNext = eb_next, \
	.xEof = eb_eof, \
	.xColumn = eb_column, \
	.xRowid = eb_rowid \
};
MODULE(mod_events, eb_connect_events)
MODULE(mod_objects, eb_connect_objects)
MODULE(mod_ops, eb_connect_ops)
MODULE(mod_blocks, eb_connect_blocks)
MODULE(mod_writes, eb_connect_writes)
#undef MODULE

int
ot_db_register_batches(sqlite3 *s, struct ot_db *db)
{
	static const struct {
		const char *name;
		const sqlite3_module *m;
	} mods[] = {
		{ "ot_event_batch", &mod_events },
		{ "ot_object_batch", &mod_objects },
		{ "ot_op_batch", &mod_ops },
		{ "ot_block_batch", &mod_blocks },
		{ "ot_write_batch", &mod_writes },
	};
	size_t i;

	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		if (sqlite3_create_module(s, mods[i].name, mods[i].m, db) != SQLITE_OK)
			return -1;
	return 0;
}
