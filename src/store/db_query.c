/*
 * db_query.c - what the read commands ask of the store besides plain SQL
 * on ot_db_sqlite(): the newest trace.  A reader never writes: the
 * indexes 'offtrace show' uses are built by the ingest.
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
