/*
 * db_int.h - what the files of src/store share and nothing else sees: the
 * connection handle (opaque in store.h) and the helpers of db.c.  Never
 * included outside src/store; includes public headers only.
 *
 * The files, each calling only those listed below it:
 *   db_ingest.c  the ingest writer      db_query.c  the read queries
 *   db_check.c   check-db's checks
 *                (none calls another)
 *   db.c         the connection: open, close, schema, shared helpers
 *   db_func.c    SQL helper functions   db_batch.c  the batch tables
 *                (leaves)
 */
#ifndef OT_DB_INT_H
#define OT_DB_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "offtrace/engine.h"
#include "offtrace/event.h"
#include "offtrace/util.h"

/*
 * schemas/offtrace.sql in two parts: the tables, then the indexes built
 * after each bulk load (those of the reports, then those of 'offtrace
 * show', after "-- @show-indexes").
 */
#define OT_INDEX_MARK "\n-- @indexes"

/* The statements an ingest prepares once, at ot_db_begin_trace(). */
enum ot_stmt {
	ST_EVENTS, ST_OBJECT, ST_OP, ST_BLOCK, ST_WRITE, ST_VIOL, ST_VEV,
	ST_LEAK, ST_RULE, ST_META, ST_FLOW, ST_FLOWOBJ, ST_DROP, ST_DROPOBJ,
	ST_COUNT
};

struct ot_db {
	sqlite3 *s;
	char *path;		/* as opened (messages, the inode check) */
	int readonly;
	int user_sql;		/* ot_db_open_query(): the user's SQL runs on it */
	char refused[160];	/* what the authorizer refused last, for the message */
	int created;		/* this connection's open created the file */
	int timed_out;		/* the busy handler gave up (--wait ran out) */
	int64_t deadline_ns;	/* when the busy handler gives up (-1: never) */
	uint64_t dev, ino;	/* the file opened, to notice it was replaced */
	int in_trace;
	int64_t trace_id;
	uint64_t nevents;
	int64_t nviolations;
	sqlite3_stmt *st[ST_COUNT];
	struct ot_err sink_err;
	/* what the batch tables of db_batch.c show, during a step */
	const struct ot_event *batch;	/* ot_event_batch */
	size_t nbatch;
	const struct ot_object_rec *objs;	/* ot_object_batch */
	size_t nobjs;
	const struct ot_op_rec *ops;	/* ot_op_batch, ot_block_batch */
	size_t nops;
	const struct ot_write_rec *writes;	/* ot_write_batch */
	size_t nwrites;
};

/*
 * db.c: errors and one-shot SQL.  Each fills err (phase set) and returns
 * -1 on failure.  ot_db_sql_error() words sqlite3_errmsg(s) as "what: ...".
 */
int ot_db_sql_error(sqlite3 *s, struct ot_err *err, const char *phase,
		    const char *what);
/* cache_size of a writer, and while it builds the indexes (the
 * sorter's memory: ot_db_finish_trace()) */
#define OT_CACHE_KIB 32768	/* 32 MiB: as fast as 64 here, less RSS */
#define OT_SORT_KIB 8192
/* PRAGMA cache_size = -KIB; an error names phase (ot_db_exec) */
int ot_db_cache_kib(sqlite3 *s, int kib, struct ot_err *err, const char *phase);
int ot_db_exec(sqlite3 *s, const char *sql, struct ot_err *err,
	       const char *phase);
/* The first column of the first row (0 when there is no row). */
int ot_db_query_int(sqlite3 *s, const char *sql, int64_t *out,
		    struct ot_err *err, const char *phase);

/*
 * db.c: the failure of a statement as the user sees it: "PATH: locked by
 * another process for longer than --wait D" (OT_EINPUT) when the busy
 * handler gave up, else what ot_db_sql_error() says.  -1.
 */
int ot_db_fail(struct ot_db *db, struct ot_err *err, const char *phase,
	       const char *what);

/*
 * db.c: close the connection and open path again (creating it if it is
 * gone): for a writer that finds, once it holds the lock, that the file
 * it opened was removed or replaced meanwhile.  -1 with db->s NULL.
 */
int ot_db_reconnect(struct ot_db *db, struct ot_err *err);

/*
 * db.c: the schema.  Create the tables in an empty database (in the open
 * transaction), or check that its version is ours.
 */
int ot_db_ensure_schema(struct ot_db *db, struct ot_err *err);
/* The indexes built after each bulk load, as SQL text (heap, free it). */
char *ot_db_schema_indexes(void);
/* Finalize the statements of the open trace (safe when there are none). */
void ot_db_finalize_all(struct ot_db *db);

/* db_batch.c: register the batch tables on a connection (their aux is db); -1. */
int ot_db_register_batches(sqlite3 *s, struct ot_db *db);

/* The layer column of events, objects, ... (events and sink alike). */
static inline const char *
layer_name(enum ot_layer l)
{
	return (unsigned)l < OT_LAYER_COUNT ? ot_layer_names[l] : "target";
}

#endif
