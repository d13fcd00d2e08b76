/*
 * db_ingest.c - the ingest writer: the trace transaction, events a batch
 * at a time, meta, the engine sink, the inputs (refusing duplicates by
 * sha256) and the indexes built after the bulk load.
 *
 * One ingest is one transaction (BEGIN IMMEDIATE at ot_db_begin_trace,
 * COMMIT at ot_db_finish_trace, ROLLBACK at ot_db_abort_trace, in db.c,
 * or on any failure of finish).  The rollback journal is kept (journal_mode DELETE)
 * and synchronous is OFF: killing the process at any point leaves a hot
 * journal that the next open rolls back, so a trace is either all there or
 * not there at all.  Indexes are created after the bulk load.
 *
 * Of the store it calls db.c only (through db_int.h); the ot_event_batch
 * table of db_batch.c reads the rows it points db->batch at.  The read
 * queries (db_query.c) and this file never call each other.
 */
#include "offtrace/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db_int.h"

/*
 * The trace's id is ?1 of every statement (bound once a trace): in the
 * batch INSERTs it and the ids made of it (eid, oid, opid: trace_id << 40
 * | id) are computed by SQLite, which hoists the constant part out of its
 * loop, instead of asking db_batch.c for two more columns a row (each
 * column is a call into the virtual table: 2% of the writer's time).
 */
static const char *const stmt_sql[ST_COUNT] = {
	/* a batch at a time, from the ot_event_batch table (db_batch.c) */
	[ST_EVENTS] = "INSERT INTO events (eid, trace_id, id, ts, ev, cpu, pid, tid,"
		" adapter, layer, root, block, parent, state, slot, handle, value,"
		" status, code, reason, src, sport, dst, dport, nbl, input, line)"
		" SELECT ?1 * 1099511627776 + id, ?1, id, ts, ev, cpu, pid, tid, adapter, layer,"
		" root, block, parent, state, slot, handle, value, status, code,"
		" reason, src, sport, dst, dport, nbl, input, line"
		" FROM ot_event_batch",
	/* the engine's records, a batch at a time too (db_batch.c) */
	[ST_OBJECT] = "INSERT INTO objects (trace_id, id, slot, epoch, adapter,"
		" layer, state, handle, value, parent_id, src, sport, dst, dport,"
		" t_request, t_published, t_offloaded, t_terminate_req,"
		" t_terminated, t_last, initiate_status, terminate_status,"
		" initiate_op, fate, first_event, last_event, oid)"
		" SELECT ?1, id, slot, epoch, adapter, layer, state, handle,"
		" value, parent_id, src, sport, dst, dport, t_request, t_published,"
		" t_offloaded, t_terminate_req, t_terminated, t_last,"
		" initiate_status, terminate_status, initiate_op, fate, first_event,"
		" last_event, ?1 * 1099511627776 + id FROM ot_object_batch",
	[ST_OP] = "INSERT INTO operations (trace_id, id, adapter, layer, kind,"
		" root, epoch, t_request, t_complete, sync, nblocks, first_event,"
		" last_event, opid) SELECT ?1, id, adapter, layer, kind, root,"
		" epoch, t_request, t_complete, sync, nblocks, first_event,"
		" last_event, ?1 * 1099511627776 + id FROM ot_op_batch",
	[ST_BLOCK] = "INSERT INTO blocks (trace_id, op_id, idx, block, parent,"
		" state, role, slot, value, handle, object_id, t_request,"
		" t_complete, latency_ns, status, request_event, done_event)"
		" SELECT ?1, op_id, idx, block, parent, state, role, slot,"
		" value, handle, object_id, t_request, t_complete, latency_ns,"
		" status, request_event, done_event FROM ot_block_batch",
	[ST_WRITE] = "INSERT INTO ctx_writes (trace_id, id, event_id, ts,"
		" adapter, layer, tid, slot, old_value, new_value, op_id,"
		" object_id, pos) SELECT ?1, id, event_id, ts, adapter, layer,"
		" tid, slot, old_value, new_value, op_id, object_id, pos"
		" FROM ot_write_batch",
	[ST_VIOL] = "INSERT INTO violations (trace_id, id, rule, severity,"
		" message, ts, slot, root, object_id, op_id) VALUES (?1, ?2, ?3,"
		" ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[ST_VEV] = "INSERT INTO violation_events (trace_id, violation_id, idx,"
		" event_id) VALUES (?1, ?2, ?3, ?4)",
	[ST_LEAK] = "INSERT INTO leaks (trace_id, object_id, slot, state,"
		" adapter, layer, since, ts, last_activity, reason) VALUES (?1, ?2,"
		" ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[ST_FLOW] = "INSERT INTO flows (trace_id, id, family, a_addr, a_port,"
		" b_addr, b_port, frames_ab, bytes_ab, frames_ba, bytes_ba,"
		" payload_ab, payload_ba, retrans, ooo, fragments, first_ns,"
		" last_ns, syn_ns, synack_ns, fin_ab_ns, fin_ba_ns, rst_ns,"
		" close_ns, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
		" ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
		" ?22, ?23, ?24, ?25)",
	[ST_FLOWOBJ] = "INSERT INTO flow_objects (trace_id, flow_id, object_id,"
		" layer, syn_to_offload_ns, inside_frames, inside_bytes,"
		" wire_close_leak) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_DROP] = "INSERT INTO drops (trace_id, id, input, ts, component,"
		" component_name, dir, reason, reason_name, location, family, proto,"
		" src, sport, dst, dport, flow_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
		" ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
	[ST_DROPOBJ] = "INSERT INTO drop_objects (trace_id, drop_id, object_id)"
		" VALUES (?1, ?2, ?3)",
	[ST_RULE] = "INSERT OR REPLACE INTO rules (trace_id, ord, rule,"
		" severity, title, checked, count, why_not) VALUES (?1, ?2, ?3, ?4,"
		" ?5, ?6, ?7, ?8)",
	[ST_META] = "INSERT OR REPLACE INTO meta (trace_id, key, value)"
		" VALUES (?1, ?2, ?3)",
};

static const char *const severity_names[] = { "error", "warning" };

/* ---------------------------------------------------------------------
 * The ingest transaction
 */

int
ot_db_begin_trace(struct ot_db *db, const char *name, int64_t *trace_id,
		  struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	struct stat sb;
	int i, tries;

	if (db->readonly || db->in_trace) {
		ot_errorf(err, OT_EINTERNAL, "begin trace: %s",
			  db->readonly ? "database opened read-only" :
			  "a trace is already open");
		if (err != NULL)
			err->phase = "begin";
		return -1;
	}
	/*
	 * A failed first ingest removes the database it created (under the
	 * write lock, ot_db_close_discard): when the file we opened is not
	 * the one at the path any more, open the path again, a few times.
	 */
	for (tries = 0;; tries++) {
		if (sqlite3_exec(db->s, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			return ot_db_fail(db, err, "begin", "begin");
		if (strcmp(db->path, ":memory:") == 0 ||
		    (stat(db->path, &sb) == 0 && (uint64_t)sb.st_dev == db->dev &&
		     (uint64_t)sb.st_ino == db->ino))
			break;
		sqlite3_exec(db->s, "ROLLBACK", NULL, NULL, NULL);
		if (tries == 10) {
			ot_errorf(err, OT_EINPUT, "removed or replaced by another"
				  " process again and again while this one waited"
				  " for it; nothing was written");
			if (err != NULL) {
				snprintf(err->file, sizeof(err->file), "%s", db->path);
				err->phase = NULL;
			}
			return -1;
		}
		if (ot_db_reconnect(db, err) < 0)
			return -1;
	}
	db->in_trace = 1;
	if (ot_db_ensure_schema(db, err) < 0)
		goto fail;
	if (sqlite3_prepare_v2(db->s, "INSERT INTO traces (name) VALUES (?1)",
			       -1, &st, NULL) != SQLITE_OK) {
		ot_db_sql_error(db->s, err, "begin", "insert trace");
		goto fail;
	}
	sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ot_db_sql_error(db->s, err, "begin", "insert trace");
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	db->trace_id = sqlite3_last_insert_rowid(db->s);
	db->nevents = 0;
	db->nviolations = 0;
	memset(&db->sink_err, 0, sizeof(db->sink_err));
	for (i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(db->s, stmt_sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &db->st[i],
				       NULL) != SQLITE_OK) {
			ot_db_sql_error(db->s, err, "begin", "prepare");
			goto fail;
		}
		sqlite3_bind_int64(db->st[i], 1, db->trace_id);
	}
	*trace_id = db->trace_id;
	return 0;
fail:
	ot_db_abort_trace(db);
	return -1;
}

static inline void
bind_opt(sqlite3_stmt *st, int i, int present, int64_t v)
{
	if (present)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

/* A pointer or id where 0 means "none". */
static inline void
bind_nz(sqlite3_stmt *st, int i, uint64_t v)
{
	if (v != 0)
		sqlite3_bind_int64(st, i, (int64_t)v);
	else
		sqlite3_bind_null(st, i);
}

static inline void
bind_time(sqlite3_stmt *st, int i, int64_t t)
{
	if (t != OT_T_NONE)
		sqlite3_bind_int64(st, i, t);
	else
		sqlite3_bind_null(st, i);
}

static inline void
bind_str(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static inline const char *
state_or_null(enum ot_state s)
{
	return s == OT_STATE_NONE ? NULL : ot_state_name(s);
}

static int
step_reset(struct ot_db *db, sqlite3_stmt *st, struct ot_err *err,
	   const char *what)
{
	if (sqlite3_step(st) != SQLITE_DONE) {
		ot_db_sql_error(db->s, err, "insert", what);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

/* The rows are read by the ot_event_batch table (db_batch.c) during the step. */
int
ot_db_add_events(struct ot_db *db, const struct ot_event *ev, size_t n, struct ot_err *err)
{
	sqlite3_stmt *st = db->st[ST_EVENTS];
	size_t i;
	int rc;

	if (st == NULL)
		return ot_errorf(err, OT_EINTERNAL, "add events: no open trace");
	for (i = 0; i < n; i++)
		if ((unsigned)ev[i].ev >= OT_EV_COUNT)
			return ot_errorf(err, OT_EINTERNAL, "add event: bad ev %d", (int)ev[i].ev);
	if (n == 0)
		return 0;
	db->batch = ev;
	db->nbatch = n;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		ot_db_sql_error(db->s, err, "insert", "insert events");
	sqlite3_reset(st);
	db->batch = NULL;
	db->nbatch = 0;
	if (rc != SQLITE_DONE)
		return -1;
	db->nevents += n;
	return 0;
}

int
ot_db_add_event(struct ot_db *db, const struct ot_event *ev,
		struct ot_err *err)
{
	return ot_db_add_events(db, ev, 1, err);
}

int
ot_db_set_meta(struct ot_db *db, const char *key, const char *value,
	       struct ot_err *err)
{
	sqlite3_stmt *st = db->st[ST_META];

	if (st == NULL)
		return ot_errorf(err, OT_EINTERNAL, "set meta: no open trace");
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	bind_str(st, 3, value);
	return step_reset(db, st, err, "insert meta");
}

/* ---------------------------------------------------------------------
 * The engine sink
 */

static int
sink_fail(struct ot_db *db, const char *what)
{
	return ot_db_sql_error(db->s, &db->sink_err, "sink", what);
}

/* One step of a batch statement whose rows db_batch.c reads from db. */
static int
step_batch(struct ot_db *db, enum ot_stmt which, struct ot_err *err, const char *what)
{
	sqlite3_stmt *st = db->st[which];
	int rc;

	if (st == NULL)
		return ot_errorf(err, OT_EINTERNAL, "%s: no open trace", what);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		ot_db_sql_error(db->s, err, "insert", what);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
ot_db_add_objects(struct ot_db *db, const struct ot_object_rec *o, size_t n,
		  struct ot_err *err)
{
	int rc;

	if (n == 0)
		return 0;
	db->objs = o;
	db->nobjs = n;
	rc = step_batch(db, ST_OBJECT, err, "insert object");
	db->objs = NULL;
	db->nobjs = 0;
	return rc;
}

int
ot_db_add_ops(struct ot_db *db, const struct ot_op_rec *op, size_t n,
	      struct ot_err *err)
{
	size_t i, nb = 0;
	int rc;

	if (n == 0)
		return 0;
	db->ops = op;
	db->nops = n;
	rc = step_batch(db, ST_OP, err, "insert operation");
	for (i = 0; i < n; i++)
		nb += op[i].nblocks;
	if (rc == 0 && nb > 0)
		rc = step_batch(db, ST_BLOCK, err, "insert block");
	db->ops = NULL;
	db->nops = 0;
	return rc;
}

int
ot_db_add_writes(struct ot_db *db, const struct ot_write_rec *w, size_t n,
		 struct ot_err *err)
{
	int rc;

	if (n == 0)
		return 0;
	db->writes = w;
	db->nwrites = n;
	rc = step_batch(db, ST_WRITE, err, "insert context write");
	db->writes = NULL;
	db->nwrites = 0;
	return rc;
}

/* The sink stores each record as a batch of one: the same rows. */
static int
sink_object(void *ctx, const struct ot_object_rec *o)
{
	struct ot_db *db = ctx;

	return ot_db_add_objects(db, o, 1, &db->sink_err);
}

static int
sink_op(void *ctx, const struct ot_op_rec *op)
{
	struct ot_db *db = ctx;

	return ot_db_add_ops(db, op, 1, &db->sink_err);
}

static int
sink_write(void *ctx, const struct ot_write_rec *w)
{
	struct ot_db *db = ctx;

	return ot_db_add_writes(db, w, 1, &db->sink_err);
}

static int
sink_violation(void *ctx, const struct ot_violation_rec *v)
{
	struct ot_db *db = ctx;
	sqlite3_stmt *st = db->st[ST_VIOL], *se = db->st[ST_VEV];
	size_t i, n;
	int64_t id;

	if (st == NULL)
		return ot_errorf(&db->sink_err, OT_EINTERNAL, "no open trace");
	if ((unsigned)v->rule >= OT_R_COUNT)
		return ot_errorf(&db->sink_err, OT_EINTERNAL,
				 "violation of unknown rule %d", (int)v->rule);
	id = ++db->nviolations;
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_text(st, 3, ot_rules[v->rule].id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, severity_names[v->severity == OT_SEV_WARNING],
			  -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, v->message,
			  (int)strnlen(v->message, sizeof(v->message)),
			  SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, v->ts);
	bind_nz(st, 7, v->slot);
	bind_nz(st, 8, v->root);
	bind_nz(st, 9, v->object_id);
	bind_nz(st, 10, v->op_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return sink_fail(db, "insert violation");
	}
	sqlite3_reset(st);
	n = v->nevents < OT_MAX_EVIDENCE ? v->nevents : OT_MAX_EVIDENCE;
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(se, 2, id);
		sqlite3_bind_int64(se, 3, (int64_t)i);
		sqlite3_bind_int64(se, 4, (int64_t)v->events[i]);
		if (sqlite3_step(se) != SQLITE_DONE) {
			sqlite3_reset(se);
			return sink_fail(db, "insert violation event");
		}
		sqlite3_reset(se);
	}
	return 0;
}

static int
sink_leak(void *ctx, const struct ot_leak_rec *l)
{
	struct ot_db *db = ctx;
	sqlite3_stmt *st = db->st[ST_LEAK];

	if (st == NULL)
		return ot_errorf(&db->sink_err, OT_EINTERNAL, "no open trace");
	sqlite3_bind_int64(st, 2, (int64_t)l->object_id);
	sqlite3_bind_int64(st, 3, (int64_t)l->slot);
	bind_str(st, 4, state_or_null(l->state));
	sqlite3_bind_text(st, 5, l->adapter ? l->adapter : "", -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 6, layer_name(l->layer), -1, SQLITE_STATIC);
	bind_time(st, 7, l->since);
	sqlite3_bind_int64(st, 8, l->ts);
	bind_time(st, 9, l->last_activity);
	sqlite3_bind_text(st, 10, (unsigned)l->reason < OT_LEAK_COUNT ?
			  ot_leak_reason_names[l->reason] : "live_at_end", -1,
			  SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return sink_fail(db, "insert leak");
	}
	sqlite3_reset(st);
	return 0;
}

static int
sink_rule(void *ctx, const struct ot_rule_rec *r)
{
	struct ot_db *db = ctx;
	sqlite3_stmt *st = db->st[ST_RULE];
	const struct ot_rule_info *ri;

	if (st == NULL)
		return ot_errorf(&db->sink_err, OT_EINTERNAL, "no open trace");
	if ((unsigned)r->rule >= OT_R_COUNT)
		return ot_errorf(&db->sink_err, OT_EINTERNAL,
				 "outcome of unknown rule %d", (int)r->rule);
	ri = &ot_rules[r->rule];
	sqlite3_bind_int(st, 2, (int)r->rule);
	sqlite3_bind_text(st, 3, ri->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, severity_names[ri->severity == OT_SEV_WARNING],
			  -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ri->title ? ri->title : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, r->checked ? 1 : 0);
	sqlite3_bind_int64(st, 7, r->checked ? (int64_t)r->count : 0);
	if (r->checked)
		sqlite3_bind_null(st, 8);
	else
		sqlite3_bind_text(st, 8, r->why_not ? r->why_not : "", -1,
				  SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return sink_fail(db, "insert rule");
	}
	sqlite3_reset(st);
	return 0;
}

/* a flow time: -1 is "never" (NULL) */
static void
bind_ns(sqlite3_stmt *st, int i, int64_t t)
{
	if (t < 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, t);
}

static int
sink_flow(void *ctx, const struct ot_flow *f)
{
	struct ot_db *db = ctx;
	sqlite3_stmt *st = db->st[ST_FLOW], *sj = db->st[ST_FLOWOBJ];
	char a[64], b[64];
	unsigned i;

	if (st == NULL || sj == NULL)
		return ot_errorf(&db->sink_err, OT_EINTERNAL, "no open trace");
	sqlite3_bind_int64(st, 2, (int64_t)f->id);
	sqlite3_bind_int(st, 3, f->family);
	sqlite3_bind_text(st, 4, ot_addr_fmt(f->family, f->a_addr, a, sizeof(a)),
			  -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, f->a_port);
	sqlite3_bind_text(st, 6, ot_addr_fmt(f->family, f->b_addr, b, sizeof(b)),
			  -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 7, f->b_port);
	sqlite3_bind_int64(st, 8, (int64_t)f->d[0].frames);
	sqlite3_bind_int64(st, 9, (int64_t)f->d[0].bytes);
	sqlite3_bind_int64(st, 10, (int64_t)f->d[1].frames);
	sqlite3_bind_int64(st, 11, (int64_t)f->d[1].bytes);
	sqlite3_bind_int64(st, 12, (int64_t)f->d[0].payload);
	sqlite3_bind_int64(st, 13, (int64_t)f->d[1].payload);
	sqlite3_bind_int64(st, 14, (int64_t)(f->d[0].retrans + f->d[1].retrans));
	sqlite3_bind_int64(st, 15, (int64_t)(f->d[0].ooo + f->d[1].ooo));
	sqlite3_bind_int64(st, 16, (int64_t)f->fragments);
	sqlite3_bind_int64(st, 17, f->first_ns);
	sqlite3_bind_int64(st, 18, f->last_ns);
	bind_ns(st, 19, f->syn_ns);
	bind_ns(st, 20, f->synack_ns);
	bind_ns(st, 21, f->d[0].fin_ns);
	bind_ns(st, 22, f->d[1].fin_ns);
	bind_ns(st, 23, f->rst_ns);
	bind_ns(st, 24, f->close_ns);
	sqlite3_bind_text(st, 25, ot_flow_state_name(f->state), -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return sink_fail(db, "insert flow");
	}
	sqlite3_reset(st);
	for (i = 0; i < f->njoin && i < OT_FLOW_MAX_JOIN; i++) {
		const struct ot_flow_join *j = &f->join[i];

		sqlite3_bind_int64(sj, 2, (int64_t)f->id);
		sqlite3_bind_int64(sj, 3, (int64_t)j->object_id);
		sqlite3_bind_text(sj, 4, layer_name((enum ot_layer)j->layer), -1,
				  SQLITE_STATIC);
		bind_ns(sj, 5, j->syn_to_offload);
		sqlite3_bind_int64(sj, 6, (int64_t)j->inside_frames);
		sqlite3_bind_int64(sj, 7, (int64_t)j->inside_bytes);
		sqlite3_bind_int(sj, 8, j->wire_close_leak ? 1 : 0);
		if (sqlite3_step(sj) != SQLITE_DONE) {
			sqlite3_reset(sj);
			return sink_fail(db, "insert flow object");
		}
		sqlite3_reset(sj);
	}
	return 0;
}

static void
bind_str_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL || s[0] == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static int
sink_drop(void *ctx, const struct ot_drop_rec *d)
{
	struct ot_db *db = ctx;
	sqlite3_stmt *st = db->st[ST_DROP], *so = db->st[ST_DROPOBJ];
	char a[64];
	size_t i;

	if (st == NULL || so == NULL)
		return ot_errorf(&db->sink_err, OT_EINTERNAL, "no open trace");
	sqlite3_bind_int64(st, 2, (int64_t)d->id);
	sqlite3_bind_int64(st, 3, d->input);
	sqlite3_bind_int64(st, 4, d->ts);
	sqlite3_bind_int64(st, 5, d->component);
	bind_str_or_null(st, 6, d->component_name);
	bind_str_or_null(st, 7, d->dir);
	sqlite3_bind_int64(st, 8, d->reason);
	bind_str_or_null(st, 9, d->reason_name);
	sqlite3_bind_int64(st, 10, d->location);
	for (i = 11; i <= 17; i++)
		sqlite3_bind_null(st, (int)i);
	if (d->family) {
		sqlite3_bind_int(st, 11, d->family);
		sqlite3_bind_int(st, 12, d->proto);
		sqlite3_bind_text(st, 13, ot_addr_fmt(d->family, d->src, a, sizeof(a)), -1,
				  SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 15, ot_addr_fmt(d->family, d->dst, a, sizeof(a)), -1,
				  SQLITE_TRANSIENT);
		if (d->has_ports) {
			sqlite3_bind_int(st, 14, d->sport);
			sqlite3_bind_int(st, 16, d->dport);
		}
	}
	if (d->flow_id)
		sqlite3_bind_int64(st, 17, (int64_t)d->flow_id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return sink_fail(db, "insert drop");
	}
	sqlite3_reset(st);
	for (i = 0; i < d->nobjects; i++) {
		sqlite3_bind_int64(so, 2, (int64_t)d->id);
		sqlite3_bind_int64(so, 3, (int64_t)d->objects[i]);
		if (sqlite3_step(so) != SQLITE_DONE) {
			sqlite3_reset(so);
			return sink_fail(db, "insert drop object");
		}
		sqlite3_reset(so);
	}
	return 0;
}

const struct ot_sink ot_db_sink = {
	.object = sink_object,
	.op = sink_op,
	.write = sink_write,
	.violation = sink_violation,
	.leak = sink_leak,
	.rule = sink_rule,
	.flow = sink_flow,
	.drop = sink_drop,
};

const struct ot_err *
ot_db_sink_error(const struct ot_db *db)
{
	return &db->sink_err;
}

/* ---------------------------------------------------------------------
 * Finish
 */

/* Run sql with ?1 bound to the open trace id. */
static int
exec_trace(struct ot_db *db, const char *sql, struct ot_err *err,
	   const char *phase)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db->s, sql, -1, &st, NULL) != SQLITE_OK)
		return ot_db_sql_error(db->s, err, phase, phase);
	sqlite3_bind_int64(st, 1, db->trace_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		ot_db_sql_error(db->s, err, phase, phase);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

int
ot_db_find_input(struct ot_db *db, const char *sha256, int64_t *trace_id,
		 char *file, size_t filelen, struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	int64_t exists;
	int rc, found = 0;

	if (ot_db_query_int(db->s, "SELECT count(*) FROM sqlite_master WHERE"
			    " type = 'table' AND name = 'inputs'", &exists,
			    err, "duplicate") < 0)
		return -1;
	if (!exists)
		return 0;
	if (sqlite3_prepare_v2(db->s, "SELECT trace_id, file FROM inputs"
			       " WHERE sha256 = ?1 AND trace_id <> ?2"
			       " ORDER BY trace_id, input LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK)
		return ot_db_sql_error(db->s, err, "duplicate", "find input");
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, db->in_trace ? db->trace_id : -1);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		found = 1;
		if (trace_id != NULL)
			*trace_id = sqlite3_column_int64(st, 0);
		if (file != NULL && filelen > 0)
			snprintf(file, filelen, "%s",
				 (const char *)sqlite3_column_text(st, 1));
	} else if (rc != SQLITE_DONE) {
		ot_db_sql_error(db->s, err, "duplicate", "find input");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return found;
}

static int
check_duplicates(struct ot_db *db, const struct ot_input_info *in,
		 size_t n, struct ot_err *err)
{
	size_t i, j;
	int64_t tid = 0;
	char other[256];
	int rc;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(in[i].sha256, in[j].sha256) == 0) {
				ot_errorf_at(err, OT_EDUP, in[i].path, 0,
					     "input '%s' has the same content as"
					     " '%s' (use --force to ingest it"
					     " anyway)", in[i].path, in[j].path);
				if (err != NULL)
					err->phase = "duplicate";
				return -1;
			}
		}
		rc = ot_db_find_input(db, in[i].sha256, &tid, other,
				      sizeof(other), err);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			ot_errorf_at(err, OT_EDUP, in[i].path, 0,
				     "already ingested in trace %" PRId64
				     " as '%s' (same sha256 %.16s...); use --force to ingest it again",
				     tid, other, in[i].sha256);
			if (err != NULL)
				err->phase = "duplicate";
			return -1;
		}
	}
	return 0;
}

static int
insert_inputs(struct ot_db *db, const struct ot_input_info *in, size_t n,
	      struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;

	if (sqlite3_prepare_v2(db->s, "INSERT INTO inputs (trace_id, input,"
			       " file, sha256, format, size, records, events,"
			       " unmatched, corrupt, lost_events, lost_buffers)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
			       " ?11, ?12)", -1, &st, NULL) !=
	    SQLITE_OK)
		return ot_db_sql_error(db->s, err, "finish", "insert input");
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, db->trace_id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_text(st, 3, in[i].path ? in[i].path : "", -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(st, 4, in[i].sha256, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, in[i].format ? in[i].format : "", -1,
				  SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, (int64_t)in[i].size);
		sqlite3_bind_int64(st, 7, (int64_t)in[i].records);
		sqlite3_bind_int64(st, 8, (int64_t)in[i].events);
		sqlite3_bind_int64(st, 9, (int64_t)in[i].unmatched);
		sqlite3_bind_int64(st, 10, (int64_t)in[i].corrupt);
		sqlite3_bind_int64(st, 11, (int64_t)in[i].lost_events);
		sqlite3_bind_int64(st, 12, (int64_t)in[i].lost_buffers);
		if (sqlite3_step(st) != SQLITE_DONE) {
			ot_db_sql_error(db->s, err, "finish", "insert input");
			sqlite3_finalize(st);
			return -1;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
}

int
ot_db_finish_trace(struct ot_db *db, const struct ot_input_info *inputs,
		   size_t ninputs, int64_t start_ts, int64_t end_ts,
		   int force, struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	char ver[16], *idx;
	int rc;

	if (!db->in_trace)
		return ot_errorf(err, OT_EINTERNAL, "finish trace: no open trace");
	if (!force && check_duplicates(db, inputs, ninputs, err) < 0)
		goto fail;
	if (insert_inputs(db, inputs, ninputs, err) < 0)
		goto fail;
	/* Violations of rules reported not checked are withdrawn. */
	if (exec_trace(db, "DELETE FROM violation_events WHERE trace_id = ?1"
		       " AND violation_id IN (SELECT id FROM violations WHERE"
		       " trace_id = ?1 AND rule IN (SELECT rule FROM rules"
		       " WHERE trace_id = ?1 AND checked = 0))", err,
		       "finish") < 0 ||
	    exec_trace(db, "DELETE FROM violations WHERE trace_id = ?1 AND rule"
		       " IN (SELECT rule FROM rules WHERE trace_id = ?1 AND"
		       " checked = 0)", err, "finish") < 0)
		goto fail;
	snprintf(ver, sizeof(ver), "%d", OT_SCHEMA_VERSION);
	if (ot_db_set_meta(db, "schema_version", ver, err) < 0)
		goto fail;
	if (sqlite3_prepare_v2(db->s, "UPDATE traces SET start_ns = ?2,"
			       " end_ns = ?3, events = ?4, inputs = ?5 WHERE"
			       " trace_id = ?1", -1, &st, NULL) != SQLITE_OK) {
		ot_db_sql_error(db->s, err, "finish", "update trace");
		goto fail;
	}
	sqlite3_bind_int64(st, 1, db->trace_id);
	bind_time(st, 2, start_ts);
	bind_time(st, 3, end_ts);
	sqlite3_bind_int64(st, 4, (int64_t)db->nevents);
	sqlite3_bind_int64(st, 5, (int64_t)ninputs);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ot_db_sql_error(db->s, err, "finish", "update trace");
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	ot_db_finalize_all(db);
	/*
	 * SQLite's sorter keeps up to cache_size of keys in memory before it
	 * spills a sorted run to a temporary file (vdbesort.c, mxPmaSize),
	 * on top of the page cache already full: the index build was the
	 * only part of an ingest whose memory grew with the trace (peak RSS
	 * 67, 89, 121 MiB at 1x, 4x, 16x of the bench's scale run).  A
	 * smaller cache for the build bounds it; the sorter merges more runs.
	 */
	if (ot_db_cache_kib(db->s, OT_SORT_KIB, err, "index") < 0)
		goto fail;
	idx = ot_db_schema_indexes();
	rc = ot_db_exec(db->s, idx, err, "index");
	free(idx);
	if (rc == 0)
		rc = ot_db_cache_kib(db->s, OT_CACHE_KIB, err, "index");
	if (rc < 0)
		goto fail;
	/* waits (--wait) for the readers to let go of the file */
	if (sqlite3_exec(db->s, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		ot_db_fail(db, err, "commit", "commit");
		goto fail;
	}
	db->in_trace = 0;
	return 0;
fail:
	ot_db_abort_trace(db);
	return -1;
}
