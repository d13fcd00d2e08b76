/*
 * db_query.c - what the read commands ask of the store besides plain SQL
 * on ot_db_sqlite(): the newest trace; the statements of 'offtrace query',
 * refused unless they only read.  A reader never writes: the indexes
 * 'offtrace show' uses are built by the ingest.
 *
 * Of the store it calls db.c only (through db_int.h).  The ingest writer,
 * db_ingest.c, and this file never call each other.
 */
#include "offtrace/store.h"

#include <string.h>

#include "db_int.h"

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

/* The text of st for a message: spaces folded, at most about 80 bytes. */
static void
stmt_text(sqlite3_stmt *st, char *out, size_t cap)
{
	const char *s = sqlite3_sql(st);
	size_t o = 0;
	int space = 0;

	for (; s != NULL && *s && o + 4 < cap && o < 80; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = o > 0;
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = 0;
		out[o++] = *s;
	}
	if (s != NULL && *s && strspn(s, " \t\r\n;") < strlen(s))
		o += (size_t)snprintf(out + o, cap - o, "...");
	out[o] = '\0';
}

int
ot_db_prepare_query(struct ot_db *db, const char *sql, sqlite3_stmt **st,
		    const char **tail, struct ot_err *err)
{
	char what[128];
	int rc;

	*st = NULL;
	db->refused[0] = '\0';
	rc = sqlite3_prepare_v2(db->s, sql, -1, st, tail);
	if (rc != SQLITE_OK) {
		if (db->refused[0])
			return ot_errorf(err, OT_EUSAGE, "refused (query is read-only): %s",
					 db->refused);
		return ot_errorf(err, OT_EUSAGE, "%s%s", sqlite3_errmsg(db->s),
				 (rc & 0xff) == SQLITE_AUTH ? " (query is read-only)" : "");
	}
	/* what would write: INSERT, CREATE, VACUUM (INTO a new file too),
	 * BEGIN IMMEDIATE, a PRAGMA that writes ... */
	if (*st != NULL && !sqlite3_stmt_readonly(*st)) {
		stmt_text(*st, what, sizeof(what));
		sqlite3_finalize(*st);
		*st = NULL;
		return ot_errorf(err, OT_EUSAGE, "refused (query is read-only): %s", what);
	}
	return 0;
}
