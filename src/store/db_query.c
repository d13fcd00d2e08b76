/*
 * db_query.c - what the read commands ask of the store besides plain SQL
 * on ot_db_sqlite(): the newest trace, and the indexes only 'offtrace
 * show' needs (built on first use, not at ingest).
 *
 * Of the store it calls db.c only (through db_int.h).  The ingest writer,
 * db_ingest.c, and this file never call each other.
 */
#include "offtrace/store.h"

#include <string.h>

#include "db_int.h"

/* The indexes after "-- @show-indexes" that the database lacks. */
static int64_t
show_indexes_missing(struct ot_db *db, struct ot_err *err)
{
	const char *p = strstr(ot_schema_sql, OT_SHOW_INDEX_MARK);
	int64_t missing = 0, have;
	sqlite3_stmt *st = NULL;

	if (p == NULL)
		return 0;
	if (sqlite3_prepare_v2(db->s, "SELECT count(*) FROM sqlite_master WHERE"
			       " type = 'index' AND name = ?1", -1, &st, NULL) != SQLITE_OK)
		return ot_db_sql_error(db->s, err, "index", "list indexes");
	while ((p = strstr(p, "CREATE INDEX IF NOT EXISTS ")) != NULL) {
		const char *name = p + strlen("CREATE INDEX IF NOT EXISTS ");
		size_t n = strcspn(name, " ");

		sqlite3_bind_text(st, 1, name, (int)n, SQLITE_TRANSIENT);
		have = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		missing += have == 0;
		p = name;
	}
	sqlite3_finalize(st);
	return missing;
}

int
ot_db_show_indexes_missing(struct ot_db *db)
{
	return show_indexes_missing(db, NULL) > 0 &&
	       sqlite3_db_readonly(db->s, "main") != 1;
}

int
ot_db_ensure_show_indexes(struct ot_db *db, struct ot_err *err)
{
	const char *mark = strstr(ot_schema_sql, OT_SHOW_INDEX_MARK);
	int64_t missing;
	int rc = 1;

	if (mark == NULL)
		return 0;
	if ((missing = show_indexes_missing(db, err)) < 0)
		return -1;
	/* a file we may not write stays unindexed: show still works, slower */
	if (missing == 0 || sqlite3_db_readonly(db->s, "main") == 1)
		return 0;
	db->unlocked = 1;
	if (ot_db_exec(db->s, "PRAGMA query_only = 0", err, "index") < 0 ||
	    ot_db_exec(db->s, "BEGIN", err, "index") < 0) {
		db->unlocked = 0;
		return -1;
	}
	if (ot_db_exec(db->s, mark + 1, err, "index") < 0 ||
	    ot_db_exec(db->s, "COMMIT", err, "index") < 0) {
		sqlite3_exec(db->s, "ROLLBACK", NULL, NULL, NULL);
		rc = -1;
	}
	if (db->readonly &&
	    ot_db_exec(db->s, "PRAGMA query_only = 1", err, "index") < 0)
		rc = -1;
	db->unlocked = 0;
	return rc;
}

int
ot_db_latest_trace(struct ot_db *db, int64_t *trace_id, struct ot_err *err)
{
	int64_t exists, id;

	if (ot_db_query_int(db->s, "SELECT count(*) FROM sqlite_master WHERE"
			    " type = 'table' AND name = 'traces'", &exists,
			    err, "report") < 0)
		return -1;
	if (exists &&
	    ot_db_query_int(db->s, "SELECT coalesce(max(trace_id), -1)"
			    " FROM traces", &id, err, "report") < 0)
		return -1;
	if (!exists || id < 0)	/* no offset or phase: nothing was parsed */
		return ot_errorf(err, OT_EINPUT, "the database holds no trace");
	*trace_id = id;
	return 0;
}
