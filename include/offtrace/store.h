/*
 * store.h - the only module that talks to SQLite.  It owns the schema
 * (schemas/offtrace.sql, embedded at build time as ot_schema_sql), registers
 * the SQL helpers on every connection and implements the engine's sink.
 *
 * An ingest is one transaction: ot_db_begin_trace() .. ot_db_finish_trace()
 * or ot_db_abort_trace().  Nothing of a trace is visible unless all of it is.
 */
#ifndef OT_STORE_H
#define OT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "offtrace/engine.h"
#include "offtrace/event.h"
#include "offtrace/util.h"

#define OT_SCHEMA_VERSION 4

extern const char ot_schema_sql[];	/* generated from schemas/offtrace.sql */

struct ot_db;

/*
 * Open (creating if needed) the database at path (":memory:" allowed).
 * Registers percentile(x, p), ot_status_name(code), ot_hex(ptr),
 * ot_time(ns).  A new database is built under a temporary name beside
 * path and linked into place once its schema is committed, so no other
 * process ever sees a half-created file.  An existing database with a
 * newer user_version is refused.  readonly: open without creating, and
 * never take the write lock.
 */
int ot_db_open(const char *path, int readonly, struct ot_db **out,
	       struct ot_err *err);
void ot_db_close(struct ot_db *db);
/*
 * Open path for SQL a user writes (offtrace query), read-only the ways
 * SQLite has: the file opened read-only (after a hot journal is rolled
 * back, as any reader would), query_only on, and an authorizer that
 * refuses ATTACH, DETACH, load_extension() and any PRAGMA that sets
 * something.  Its statements are compiled by ot_db_prepare_query().
 */
int ot_db_open_query(const char *path, struct ot_db **out, struct ot_err *err);
/*
 * Compile the first statement of sql on a connection of
 * ot_db_open_query(): 0 with *st (NULL when only spaces and comments
 * are left) and *tail after it; -1 (OT_EUSAGE) with the SQL error, or
 * "refused (query is read-only): WHAT" when the statement would change
 * a file: sqlite3_stmt_readonly() false (INSERT, CREATE, VACUUM INTO,
 * BEGIN EXCLUSIVE, ...) or the authorizer's refusal.
 */
int ot_db_prepare_query(struct ot_db *db, const char *sql, sqlite3_stmt **st,
			const char **tail, struct ot_err *err);
/*
 * How long a connection opened afterwards waits, in ms, for the processes
 * that hold the database locked (another ingest) before it gives up with
 * "PATH: locked by another process ...": < 0 for as long as they hold it
 * (the default), 0 not at all.  Process-wide, as sqlite3_config().
 */
void ot_db_set_wait(int64_t ms);
/*
 * Did the wait for another process's lock run out (--wait) on db, the
 * last time one of its statements had to wait?  The reports, show and
 * query run their SQL on ot_db_sqlite() and see only "database is
 * locked": when this says 1 (err filled with "PATH: locked by another
 * process for longer than --wait D", OT_EINPUT), that is why they
 * failed.  0 otherwise.
 */
int ot_db_lock_timeout(const struct ot_db *db, struct ot_err *err);
/* Did ot_db_open() create the file (a new database)? */
int ot_db_created(const struct ot_db *db);
/*
 * Close after a failed ingest: roll back, and when the open created the
 * file and no trace was committed to it since, remove it, under the write
 * lock so that no other writer is using it.  A hot journal left by a
 * failed write (a full disk) is played back at once.  0: the database (or
 * its absence) is as it was and no journal is left; -1: a journal is
 * left, that the next open rolls back.
 */
int ot_db_close_discard(struct ot_db *db);
sqlite3 *ot_db_sqlite(struct ot_db *db);
/* Register the SQL helper functions on any connection. */
int ot_db_register_functions(sqlite3 *s);

struct ot_input_info {
	const char *path;	/* as given on the command line */
	const char *format;	/* "jsonl", ... */
	char sha256[65];	/* lowercase hex; filled by the reader */
	uint64_t size;		/* bytes */
	uint64_t records;	/* lines or records read */
	uint64_t events;	/* normalized events produced */
	uint64_t unmatched;	/* raw records no profile matched */
	uint64_t corrupt;	/* records that could not be parsed */
	uint64_t lost_events;	/* the logger's EventsLost */
	uint64_t lost_buffers;	/* BuffersLost + buffers flagged lost */
};

/* BEGIN, create the schema if missing, insert the trace row.  name is a label. */
int ot_db_begin_trace(struct ot_db *db, const char *name, int64_t *trace_id,
		      struct ot_err *err);
/* Insert one normalized event into events (prepared statement, reused). */
int ot_db_add_event(struct ot_db *db, const struct ot_event *ev,
		    struct ot_err *err);
/* Insert n events in one statement (an ingest's batches): the same rows
 * as n ot_db_add_event() calls, at about 1.4 times the rate. */
int ot_db_add_events(struct ot_db *db, const struct ot_event *ev, size_t n,
		     struct ot_err *err);
/*
 * The engine's objects, operations (with their blocks: op[i].blocks must
 * point at op[i].nblocks records) and context writes, n at a time, in one
 * statement each (an ingest's batches): the same rows as the sink's
 * callbacks for each record, in the order given.
 */
int ot_db_add_objects(struct ot_db *db, const struct ot_object_rec *o, size_t n,
		      struct ot_err *err);
int ot_db_add_ops(struct ot_db *db, const struct ot_op_rec *op, size_t n,
		  struct ot_err *err);
int ot_db_add_writes(struct ot_db *db, const struct ot_write_rec *w, size_t n,
		     struct ot_err *err);
/* Store a key/value fact about the open trace in meta (replaces). */
int ot_db_set_meta(struct ot_db *db, const char *key, const char *value,
		   struct ot_err *err);
/*
 * Look for an input with this sha256 in another trace: 1 found (trace_id
 * and file filled when not NULL), 0 not found, -1 error.  Lets the CLI
 * refuse a duplicate before reading it; ot_db_finish_trace checks again.
 */
int ot_db_find_input(struct ot_db *db, const char *sha256, int64_t *trace_id,
		     char *file, size_t filelen, struct ot_err *err);
/* The engine sink; its ctx is the struct ot_db *. */
extern const struct ot_sink ot_db_sink;
/* Last error from a sink callback (filled when a callback returned -1). */
const struct ot_err *ot_db_sink_error(const struct ot_db *db);

/*
 * Record the inputs (refusing, with OT_EDUP, an input whose sha256 is
 * already in the database unless force), withdraw violations of rules not
 * checked, store start/end times, build indexes, COMMIT.
 */
int ot_db_finish_trace(struct ot_db *db, const struct ot_input_info *inputs,
		       size_t ninputs, int64_t start_ts, int64_t end_ts,
		       int force, struct ot_err *err);
/* ROLLBACK whatever the open trace wrote.  Safe to call when no trace is
 * open (ot_db_finish_trace already rolled back when it failed). */
void ot_db_abort_trace(struct ot_db *db);


/* The newest trace id in the database, or -1 with err when there is none. */
int ot_db_latest_trace(struct ot_db *db, int64_t *trace_id, struct ot_err *err);

/*
 * offtrace check-db (db_check.c): SQLite's integrity_check, the schema
 * against the one this offtrace writes, every value against its column
 * (NULL where offtrace writes none; text, a real or a blob where it writes
 * an integer), and offtrace's own rules: rows that refer to nothing,
 * ends before starts, times out of range (more than 2^62 ns from their
 * trace's start), counts that disagree with the rows.  Each inconsistency
 * goes to fn as found; fn returns nonzero to stop.  check numbers the
 * check that found it (problems of one check and column come together).
 * 0 when every check ran (fn saw what it found), -1 with err when one
 * could not for a reason not the file's (out of memory, a lock held
 * longer than --wait); a check the file itself prevents (a missing
 * table, a damaged page) is an inconsistency.
 */
struct ot_db_problem {
	const char *table;	/* "" for the database as a whole */
	const char *column;	/* "" for the whole row or table */
	int has_rowid;		/* 0: not one row */
	int64_t rowid;
	const char *what;	/* what is wrong, for people */
	unsigned check;
};
typedef int ot_db_problem_fn(void *ctx, const struct ot_db_problem *p);
int ot_db_check(struct ot_db *db, ot_db_problem_fn *fn, void *ctx, struct ot_err *err);

#endif
