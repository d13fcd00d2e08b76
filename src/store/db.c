/*
 * db.c - the connection: open and close, with the schema version checks
 * and the pragmas; the schema (schemas/offtrace.sql, embedded as
 * ot_schema_sql), cut into its tables and its indexes; rolling back an
 * open trace; the error and one-shot SQL helpers of db_int.h.
 *
 * The bottom of src/store.  It calls only the two leaves it registers on
 * each connection: the SQL helper functions (db_func.c) and the
 * batch tables (db_batch.c).  The ingest writer (db_ingest.c) and
 * the read queries (db_query.c) call it, and never each other.
 *
 * synchronous is OFF and the rollback journal is kept (journal_mode
 * DELETE): a killed ingest leaves a hot journal that the next open rolls
 * back (db_ingest.c has the transaction); a failed one is rolled back,
 * journal and all, before ot_db_close_discard() returns.
 *
 * Several processes share one database: a busy handler waits --wait
 * (ot_db_set_wait) for the others' locks, a new database appears in one
 * step (built beside it, then linked into place) and a reader never
 * writes.
 */
#include "offtrace/store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db_int.h"

#define OT_PAGE_SIZE 16384	/* page size of a new database */

/* ---------------------------------------------------------------------
 * Errors
 */

int
ot_db_sql_error(sqlite3 *s, struct ot_err *err, const char *phase,
		const char *what)
{
	int rc;

	rc = ot_errorf(err, OT_EDB, "%s: %s", what, s ? sqlite3_errmsg(s) :
		       "out of memory");
	if (err != NULL)
		err->phase = phase;
	return rc;
}

int
ot_db_exec(sqlite3 *s, const char *sql, struct ot_err *err,
	   const char *phase)
{
	char *msg = NULL;

	if (sqlite3_exec(s, sql, NULL, NULL, &msg) != SQLITE_OK) {
		ot_errorf(err, OT_EDB, "%s: %s", phase, msg ? msg :
			  sqlite3_errmsg(s));
		if (err != NULL)
			err->phase = phase;
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
ot_db_cache_kib(sqlite3 *s, int kib, struct ot_err *err, const char *phase)
{
	char pragma[48];

	snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%d", kib);
	return ot_db_exec(s, pragma, err, phase);
}

/* ---------------------------------------------------------------------
 * Waiting for the other processes
 */

static int64_t wait_ms = -1;	/* ot_db_set_wait(): forever */

void
ot_db_set_wait(int64_t ms)
{
	wait_ms = ms;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * SQLite's busy handler: sleep 1 ms, 2, 4, ... at most 100 ms between
 * tries, for --wait from the first try at this lock (count 0), instead
 * of the fixed busy_timeout that gave a large ingest's other writers up
 * after 5 s.
 */
static int
busy_wait(void *ud, int count)
{
	struct ot_db *db = ud;
	int64_t ms = count < 7 ? (int64_t)1 << count : 100, left;
	struct timespec ts;

	if (count == 0) {
		db->timed_out = 0;
		db->deadline_ns = wait_ms < 0 ? -1 : now_ns() + wait_ms * 1000000;
	}
	if (db->deadline_ns >= 0) {
		left = (db->deadline_ns - now_ns()) / 1000000;
		if (left <= 0) {
			db->timed_out = 1;
			return 0;
		}
		if (ms > left)
			ms = left;
	}
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	nanosleep(&ts, NULL);
	return 1;
}

/* "PATH: locked by another process for longer than --wait D" into err. */
static void
lock_error(const struct ot_db *db, struct ot_err *err)
{
	char d[32];

	if (err == NULL)
		return;
	err->code = OT_EINPUT;
	snprintf(err->file, sizeof(err->file), "%s", db->path);
	err->line = 0;
	err->offset = 0;
	err->phase = NULL;
	snprintf(err->msg, sizeof(err->msg), "locked by another process for longer"
		 " than --wait %s%s", ot_fmt_dur(wait_ms * 1000000, d, sizeof(d)),
		 db->readonly ? "" : "; nothing was written");
}

int
ot_db_fail(struct ot_db *db, struct ot_err *err, const char *phase,
	   const char *what)
{
	if ((sqlite3_errcode(db->s) & 0xff) != SQLITE_BUSY || !db->timed_out)
		return ot_db_sql_error(db->s, err, phase, what);
	lock_error(db, err);
	return -1;
}

int
ot_db_lock_timeout(const struct ot_db *db, struct ot_err *err)
{
	if (db == NULL || !db->timed_out)
		return 0;
	lock_error(db, err);
	return 1;
}

/* ---------------------------------------------------------------------
 * Open and close
 */

/* "PATH: what" as an input error (exit status 2): no offset, no phase. */
static int path_error(struct ot_err *err, const char *path, const char *fmt, ...)
	OT_PRINTF(3, 4);

static int
path_error(struct ot_err *err, const char *path, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->code = OT_EINPUT;
	snprintf(err->file, sizeof(err->file), "%s", path);
	err->line = 0;
	err->offset = 0;
	err->phase = NULL;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
ot_db_query_int(sqlite3 *s, const char *sql, int64_t *out,
		struct ot_err *err, const char *phase)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s, sql, -1, &st, NULL) != SQLITE_OK)
		return ot_db_sql_error(s, err, phase, phase);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
	} else if (rc == SQLITE_DONE) {
		*out = 0;
	} else {
		ot_db_sql_error(s, err, phase, phase);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/*
 * Why path cannot be the database, as the user sees it (file named, no
 * offset or phase: nothing was being parsed), before SQLite tries: a
 * directory, a file that is not SQLite, or for writing, a file or a
 * directory we may not write.  0 when it looks usable.
 */
static int
check_path(const char *path, int readonly, struct ot_err *err)
{
	char dir[4096], head[16];
	struct stat sb;
	const char *slash;
	size_t n;
	FILE *f;

	slash = strrchr(path, '/');
	n = slash == NULL ? 1 : slash == path ? 1 : (size_t)(slash - path);
	if (n >= sizeof(dir))
		n = sizeof(dir) - 1;
	memcpy(dir, slash == NULL ? "." : path, n);
	dir[n] = '\0';
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT || readonly)
			return path_error(err, path, "cannot read: %s", strerror(errno));
		/* a new database: its directory must take it (and its journal) */
		if (stat(dir, &sb) != 0)
			return path_error(err, path, "cannot create: %s", strerror(errno));
		if (!S_ISDIR(sb.st_mode))
			return path_error(err, path, "cannot create: %s", strerror(ENOTDIR));
		if (access(dir, W_OK | X_OK) != 0)
			return path_error(err, path, "cannot create: %s", strerror(errno));
		return 0;
	}
	if (S_ISDIR(sb.st_mode))
		return path_error(err, path, "is a directory");
	if (S_ISREG(sb.st_mode) && sb.st_size > 0) {
		if ((f = fopen(path, "rb")) == NULL)
			return path_error(err, path, "cannot read: %s", strerror(errno));
		n = fread(head, 1, sizeof(head), f);
		fclose(f);
		if (n != sizeof(head) || memcmp(head, "SQLite format 3", 16) != 0)
			return path_error(err, path, "not an offtrace database (not an SQLite file)");
	}
	if (readonly)
		return 0;
	if (access(path, W_OK) != 0)
		return path_error(err, path, "read-only (%s)", strerror(errno));
	/* the rollback journal goes beside the database */
	if (access(dir, W_OK | X_OK) != 0)
		return path_error(err, path, "read-only (directory '%s': %s)", dir,
				  strerror(errno));
	return 0;
}

/*
 * PRAGMAs the user's SQL may run: any that only reads (no argument), but
 * those that do something when read (optimize runs ANALYZE,
 * wal_checkpoint and incremental_vacuum write); with an argument, those
 * whose argument names what to describe or check, never a setting.
 */
static int
pragma_reads(const char *name, const char *arg)
{
	static const char *const acts[] = {
		"optimize", "wal_checkpoint", "incremental_vacuum", "query_only"
	};
	static const char *const describe[] = {
		"table_info", "table_xinfo", "table_list", "index_info", "index_xinfo",
		"index_list", "foreign_key_list", "foreign_key_check", "integrity_check",
		"quick_check", "pragma_list", "function_list", "module_list",
		"collation_list", "database_list", "compile_options"
	};
	size_t i;

	if (arg == NULL) {
		for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
			if (sqlite3_stricmp(name, acts[i]) == 0)
				return 0;
		return 1;
	}
	for (i = 0; i < sizeof(describe) / sizeof(describe[0]); i++)
		if (sqlite3_stricmp(name, describe[i]) == 0)
			return 1;
	return 0;
}

/*
 * A reader's connection stays read-only whatever SQL it is given: no
 * statement may turn query_only off.  On a connection of the user's SQL
 * (ot_db_open_query) also what query_only lets through and would change
 * a file or the connection: ATTACH (which creates a file), DETACH,
 * load_extension(), a PRAGMA that sets something (journal_mode = WAL
 * rewrites the file's header, writable_schema).  What was refused is
 * kept for the message.
 */
static int
readonly_guard(void *ud, int action, const char *a1, const char *a2,
	       const char *dbname, const char *trigger)
{
	struct ot_db *db = ud;

	(void)dbname;
	(void)trigger;
	if (action == SQLITE_PRAGMA && a1 != NULL && a2 != NULL &&
	    sqlite3_stricmp(a1, "query_only") == 0) {
		snprintf(db->refused, sizeof(db->refused), "PRAGMA query_only = %.60s", a2);
		return SQLITE_DENY;
	}
	if (!db->user_sql)
		return SQLITE_OK;
	switch (action) {
	case SQLITE_ATTACH:
		snprintf(db->refused, sizeof(db->refused), "ATTACH '%.100s'", a1 ? a1 : "");
		return SQLITE_DENY;
	case SQLITE_DETACH:
		snprintf(db->refused, sizeof(db->refused), "DETACH %.100s", a1 ? a1 : "");
		return SQLITE_DENY;
	case SQLITE_FUNCTION:
		if (a2 != NULL && sqlite3_stricmp(a2, "load_extension") == 0) {
			snprintf(db->refused, sizeof(db->refused), "load_extension()");
			return SQLITE_DENY;
		}
		return SQLITE_OK;
	case SQLITE_PRAGMA:
		if (a1 == NULL || pragma_reads(a1, a2))
			return SQLITE_OK;
		snprintf(db->refused, sizeof(db->refused), "PRAGMA %.60s%s%.60s", a1,
			 a2 ? " = " : "", a2 ? a2 : "");
		return SQLITE_DENY;
	default:
		return SQLITE_OK;
	}
}

static char *schema_tables(void);
static int roll_back_journal(const char *path);

/*
 * A new database at path: built as PATH.PID.new beside it, its schema
 * committed, then linked into place, so that a reader never meets a
 * half-created file.  A writer killed meanwhile leaves PATH.PID.new (and
 * its journal): the next writer to open path removes them
 * (ot_remove_stale_new).  link() and not rename(): when another writer got
 * there first (EEXIST) its database, and the trace it may already hold,
 * stays.  *created: 1 when ours is the one in place.
 */
static int
create_new(const char *path, int *created, struct ot_err *err)
{
	char tmp[4200], jnl[4300], pragma[64];
	sqlite3 *s = NULL;
	char *sql;
	int rc = -1;

	*created = 0;
	snprintf(tmp, sizeof(tmp), "%s.%ld.new", path, (long)getpid());
	snprintf(jnl, sizeof(jnl), "%s-journal", tmp);
	unlink(tmp);
	if (sqlite3_open_v2(tmp, &s, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		path_error(err, path, "cannot create: %s",
			   s ? sqlite3_errmsg(s) : "out of memory");
		goto out;
	}
	snprintf(pragma, sizeof(pragma), "PRAGMA page_size = %d", OT_PAGE_SIZE);
	sql = schema_tables();
	if (ot_db_exec(s, pragma, err, "create") < 0 ||
	    ot_db_exec(s, "PRAGMA journal_mode = DELETE", err, "create") < 0 ||
	    ot_db_exec(s, "BEGIN", err, "create") < 0 ||
	    ot_db_exec(s, sql, err, "create") < 0 ||
	    ot_db_exec(s, "COMMIT", err, "create") < 0) {
		free(sql);
		/* a full disk or a quota: name the database; exit 3, as in
		 * the ingest */
		path_error(err, path, "cannot create: %s; no database was created",
			   sqlite3_errmsg(s));
		if (err != NULL)
			err->code = OT_EDB;
		goto out;
	}
	free(sql);
	if (sqlite3_close(s) != SQLITE_OK) {
		path_error(err, path, "cannot create: %s", sqlite3_errmsg(s));
		goto out;
	}
	s = NULL;
	if (link(tmp, path) == 0)
		*created = 1;
	else if (errno != EEXIST) {
		path_error(err, path, "cannot create: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(s);
	unlink(tmp);
	unlink(jnl);
	return rc;
}

/*
 * Connect db (path and readonly set) to its file, creating a new database
 * when a writer finds none: db->s, created, dev and ino.  -1 with nothing
 * open (and nothing created) on failure.
 */
static int
db_connect(struct ot_db *db, struct ot_err *err)
{
	const char *path = db->path;
	int readonly = db->readonly;
	sqlite3 *s = NULL;
	int flags, rc, created = 0;
	int64_t version, ntables;
	struct stat sb;
	char pragma[64];

	db->s = NULL;
	db->created = 0;
	if (strcmp(path, ":memory:") != 0) {
		if (check_path(path, readonly, err) < 0)
			return -1;
		/* what a writer killed while creating path left beside it */
		if (!readonly)
			ot_remove_stale_new(path);
		if (!readonly && stat(path, &sb) != 0 &&
		    create_new(path, &created, err) < 0)
			return -1;
	}
	/*
	 * Readers open read-write when they can, with query_only on: a hot
	 * journal left by a killed ingest can only be rolled back by a
	 * connection that may write.  A file we may not write is opened
	 * read-only.
	 */
	flags = readonly && access(path, W_OK) != 0 ? SQLITE_OPEN_READONLY :
		SQLITE_OPEN_READWRITE;
	/*
	 * The user's SQL gets the file read-only, SQLite's own guard below
	 * the authorizer's; a hot journal is rolled back first, as any
	 * reader's first read would, by a connection that may.
	 */
	if (db->user_sql && strcmp(path, ":memory:") != 0) {
		if (flags == SQLITE_OPEN_READWRITE)
			roll_back_journal(path);
		flags = SQLITE_OPEN_READONLY;
	}
	/* only create_new() makes a file: never an empty one in its place */
	if (strcmp(path, ":memory:") == 0)
		flags |= SQLITE_OPEN_CREATE;
	flags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &s, flags, NULL) != SQLITE_OK) {
		ot_errorf(err, OT_EDB, "cannot open database '%s': %s", path,
			  s ? sqlite3_errmsg(s) : "out of memory");
		if (err != NULL)
			err->phase = "open";
		sqlite3_close(s);
		return -1;
	}
	/* SQLite falls back to read-only when the OS refuses writes */
	if (!readonly && sqlite3_db_readonly(s, "main") == 1) {
		sqlite3_close(s);
		if (created)
			unlink(path);
		return path_error(err, path, "read-only");
	}
	db->s = s;
	db->created = created;
	if (strcmp(path, ":memory:") != 0 && stat(path, &sb) == 0) {
		db->dev = (uint64_t)sb.st_dev;
		db->ino = (uint64_t)sb.st_ino;
	}
	sqlite3_extended_result_codes(s, 1);
	sqlite3_busy_handler(s, busy_wait, db);
	if (ot_db_register_functions(s) < 0) {
		ot_db_sql_error(s, err, "open", "cannot register SQL functions");
		goto fail;
	}
	if (ot_db_query_int(s, "PRAGMA user_version", &version, err,
			    "open") < 0 ||
	    ot_db_query_int(s, "SELECT count(*) FROM sqlite_master",
			    &ntables, err, "open") < 0) {
		rc = sqlite3_errcode(s) & 0xff;
		if (rc == SQLITE_NOTADB)
			path_error(err, path, "not an offtrace database (not an SQLite file)");
		else if (rc == SQLITE_CORRUPT)
			path_error(err, path, "damaged database: %s", sqlite3_errmsg(s));
		else if (rc == SQLITE_BUSY)
			ot_db_fail(db, err, "open", "open");
		else if (err != NULL)
			snprintf(err->msg, sizeof(err->msg),
				 "cannot read database '%s': %s", path,
				 sqlite3_errmsg(s));
		goto fail;
	}
	if (version > OT_SCHEMA_VERSION || version < 0) {
		path_error(err, path, "schema version %" PRId64
			   ", %s (this one writes %d)", version,
			   version < 0 ? "not one offtrace writes" :
			   "newer than this offtrace supports", OT_SCHEMA_VERSION);
		goto fail;
	}
	if (version > 0 && version < OT_SCHEMA_VERSION) {
		path_error(err, path, "schema version %" PRId64
			   ", written by an earlier offtrace (this one writes %d): ingest into a new database",
			   version, OT_SCHEMA_VERSION);
		goto fail;
	}
	if (version == 0 && ntables > 0) {
		path_error(err, path, "not an offtrace database (no offtrace schema)");
		goto fail;
	}
	if (readonly && ot_db_exec(s, "PRAGMA query_only = 1", err, "open") < 0)
		goto fail;
	if (!readonly) {
		if (ntables == 0) {
			snprintf(pragma, sizeof(pragma), "PRAGMA page_size = %d",
				 OT_PAGE_SIZE);
			if (ot_db_exec(s, pragma, err, "open") < 0)
				goto fail;
		}
		if (ot_db_exec(s, "PRAGMA synchronous = OFF", err, "open") < 0 ||
		    ot_db_exec(s, "PRAGMA journal_mode = DELETE", err, "open") < 0 ||
		    ot_db_cache_kib(s, OT_CACHE_KIB, err, "open") < 0) {
			ot_db_fail(db, err, "open", "open");
			goto fail;
		}
	}
	if (ot_db_register_batches(s, db) < 0) {
		ot_db_sql_error(s, err, "open",
				"cannot register the batch tables");
		goto fail;
	}
	if (readonly && sqlite3_set_authorizer(s, readonly_guard, db) != SQLITE_OK) {
		ot_db_sql_error(s, err, "open", "cannot guard the read-only connection");
		goto fail;
	}
	return 0;
fail:
	sqlite3_close(s);
	db->s = NULL;
	db->created = 0;
	if (created)
		unlink(path);
	return -1;
}

int
ot_db_open(const char *path, int readonly, struct ot_db **out,
	   struct ot_err *err)
{
	struct ot_db *db;

	/* Memory statistics cost a global mutex per allocation; this only
	 * works before SQLite is initialized and is harmless otherwise. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	db = xcalloc(1, sizeof(*db));
	db->path = xstrdup(path);
	db->readonly = readonly;
	db->trace_id = -1;
	if (db_connect(db, err) < 0) {
		free(db->path);
		free(db);
		return -1;
	}
	*out = db;
	return 0;
}

int
ot_db_open_query(const char *path, struct ot_db **out, struct ot_err *err)
{
	struct ot_db *db;

	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	db = xcalloc(1, sizeof(*db));
	db->path = xstrdup(path);
	db->readonly = 1;
	db->user_sql = 1;
	db->trace_id = -1;
	if (db_connect(db, err) < 0) {
		free(db->path);
		free(db);
		return -1;
	}
	*out = db;
	return 0;
}

int
ot_db_reconnect(struct ot_db *db, struct ot_err *err)
{
	ot_db_finalize_all(db);
	sqlite3_close(db->s);
	return db_connect(db, err);
}

int
ot_db_created(const struct ot_db *db)
{
	return db->created;
}

void
ot_db_finalize_all(struct ot_db *db)
{
	int i;

	for (i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(db->st[i]);
		db->st[i] = NULL;
	}
}

/*
 * Here, not with the rest of the transaction in db_ingest.c, because
 * ot_db_close() rolls back a trace left open and the connection never
 * calls up into the writer.
 */
void
ot_db_abort_trace(struct ot_db *db)
{
	if (db == NULL)
		return;
	ot_db_finalize_all(db);
	if (db->s != NULL && !sqlite3_get_autocommit(db->s))
		sqlite3_exec(db->s, "ROLLBACK", NULL, NULL, NULL);
	db->in_trace = 0;
}

void
ot_db_close(struct ot_db *db)
{
	if (db == NULL)
		return;
	if (db->in_trace)
		ot_db_abort_trace(db);
	ot_db_finalize_all(db);
	sqlite3_close(db->s);
	free(db->path);
	free(db);
}

/*
 * A write that failed in the pager (a full disk) leaves it in its error
 * state: ROLLBACK cannot undo it and the close leaves a hot journal for
 * the next open.  Be that next open, now: a new connection's first read
 * plays the journal back and deletes it.  0 when no journal is left.
 */
static int
roll_back_journal(const char *path)
{
	char jnl[4200];
	struct ot_db tmp;
	int64_t n;

	snprintf(jnl, sizeof(jnl), "%s-journal", path);
	if (access(jnl, F_OK) != 0 || access(path, F_OK) != 0)
		return 0;
	memset(&tmp, 0, sizeof(tmp));
	if (sqlite3_open_v2(path, &tmp.s, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK) {
		sqlite3_busy_handler(tmp.s, busy_wait, &tmp);
		ot_db_query_int(tmp.s, "SELECT count(*) FROM sqlite_master", &n,
				NULL, "rollback");
	}
	sqlite3_close(tmp.s);
	/* another writer's journal, not hot, may be there meanwhile: fine */
	return access(jnl, F_OK) == 0 ? -1 : 0;
}

int
ot_db_close_discard(struct ot_db *db)
{
	int64_t ntraces = -1;
	char *path;
	int rc;

	if (db == NULL)
		return 0;
	if (db->in_trace)
		ot_db_abort_trace(db);
	/*
	 * Under the write lock, so that no other writer is in it: one that
	 * opened the file meanwhile notices it is gone when it gets the lock
	 * (ot_db_begin_trace) and says so.  Taking the lock rolls back a
	 * hot journal first.
	 */
	if (db->created && db->s != NULL) {
		if (sqlite3_exec(db->s, "BEGIN EXCLUSIVE", NULL, NULL, NULL) == SQLITE_OK) {
			if (ot_db_query_int(db->s, "SELECT count(*) FROM traces",
					    &ntraces, NULL, "discard") == 0 &&
			    ntraces == 0)
				unlink(db->path);
			sqlite3_exec(db->s, "ROLLBACK", NULL, NULL, NULL);
		}
	}
	path = xstrdup(db->path);
	ot_db_close(db);
	rc = strcmp(path, ":memory:") == 0 ? 0 : roll_back_journal(path);
	free(path);
	return rc;
}

sqlite3 *
ot_db_sqlite(struct ot_db *db)
{
	return db->s;
}

/* ---------------------------------------------------------------------
 * Schema
 */

/* The table part of the schema (before "-- @indexes"), heap copy. */
static char *
schema_tables(void)
{
	const char *mark = strstr(ot_schema_sql, OT_INDEX_MARK);
	size_t n = mark ? (size_t)(mark - ot_schema_sql) + 1 :
		strlen(ot_schema_sql);
	char *s = xmalloc(n + 1);

	memcpy(s, ot_schema_sql, n);
	s[n] = '\0';
	return s;
}

/* The text after "-- @indexes", show's included (heap). */
char *
ot_db_schema_indexes(void)
{
	const char *mark = strstr(ot_schema_sql, OT_INDEX_MARK);

	return xstrdup(mark == NULL ? "" : mark + 1);
}

int
ot_db_ensure_schema(struct ot_db *db, struct ot_err *err)
{
	int64_t version, ntables;
	char *sql;
	int rc;

	if (ot_db_query_int(db->s, "PRAGMA user_version", &version, err,
			    "schema") < 0 ||
	    ot_db_query_int(db->s, "SELECT count(*) FROM sqlite_master",
			    &ntables, err, "schema") < 0)
		return -1;
	if (version == OT_SCHEMA_VERSION)
		return 0;
	if (version > OT_SCHEMA_VERSION || ntables > 0) {
		ot_errorf(err, OT_EDB, "database has schema version %" PRId64
			  ", this offtrace writes version %d", version,
			  OT_SCHEMA_VERSION);
		if (err != NULL)
			err->phase = "schema";
		return -1;
	}
	sql = schema_tables();
	rc = ot_db_exec(db->s, sql, err, "schema");
	free(sql);
	if (rc < 0)
		return -1;
	if (ot_db_query_int(db->s, "PRAGMA user_version", &version, err,
			    "schema") < 0)
		return -1;
	if (version != OT_SCHEMA_VERSION) {
		ot_errorf(err, OT_EINTERNAL, "schemas/offtrace.sql sets user_version"
			  " %" PRId64 ", store.h says %d", version,
			  OT_SCHEMA_VERSION);
		if (err != NULL)
			err->phase = "schema";
		return -1;
	}
	return 0;
}
