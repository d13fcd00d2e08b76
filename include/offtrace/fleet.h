/*
 * fleet.h - the fleet: the analysis of many runs in ClickHouse (issue 14),
 * through its HTTP interface (libcurl), for ClickHouse 18.16 and later.
 *
 * schemas/clickhouse.sql (embedded as ot_clickhouse_sql) is the single
 * source of truth of the tables; its header says how a run is made atomic
 * (push_id, the runs row written last) and how queries see only whole runs.
 *
 * Errors fill a struct ot_err with one line, and its code says the exit
 * status: OT_EUSAGE (a bad URL or argument), OT_EINPUT (refused connection
 * at the first contact, authentication, schema mismatch, a query the server
 * rejects), OT_EDUP (a run already pushed), OT_EDB (the server failed,
 * after the retries), OT_EINTERNAL (anything else).
 */
#ifndef OT_FLEET_H
#define OT_FLEET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "offtrace/report.h"
#include "offtrace/util.h"

extern const char ot_clickhouse_sql[];	/* generated from schemas/clickhouse.sql */

/* The fleet schema version of schemas/clickhouse.sql ("-- @version N"). */
int ot_fleet_schema_version(void);

/* ---- a ClickHouse server (src/fleet/ch.c) ---- */

struct ot_ch;

/*
 * Parse URL: http[s]://[USER[:PASSWORD]@]HOST[:PORT][/DATABASE] (port 8123,
 * or 8443 for https, when not given; database "default").  The password is
 * taken from the URL, else from $OFFTRACE_CLICKHOUSE_PASSWORD.  No traffic
 * yet.  0, or -1 with err (OT_EUSAGE).
 */
int ot_ch_open(const char *url, struct ot_ch **out, struct ot_err *err);
void ot_ch_close(struct ot_ch *ch);
/* The URL without its password, for messages. */
const char *ot_ch_name(const struct ot_ch *ch);
const char *ot_ch_database(const struct ot_ch *ch);
/*
 * Retries of a failed request (connection errors, 5xx and network errors
 * between shards): retries more attempts after the first, waiting 200 ms,
 * then twice as long each time, at most 5 s (default 5 retries).
 */
void ot_ch_set_retries(struct ot_ch *ch, int retries);
int ot_ch_retries(const struct ot_ch *ch);
/* Wait before retry attempt (1-based) as the retry policy says. */
void ot_ch_backoff(const struct ot_ch *ch, int attempt);
/* Called before each retry wait (for a message); may be NULL. */
void ot_ch_on_retry(struct ot_ch *ch,
		    void (*fn)(void *ctx, const char *why, int attempt, int of),
		    void *ctx);
/* Tell that callback about a retry made above this module (push). */
void ot_ch_retrying(struct ot_ch *ch, const char *why, int attempt);

/*
 * Run sql; the response body goes to out (a growing, NUL-terminated
 * buffer: *out, *outlen, freed by the caller; may be NULL to drop it), or to
 * sink (called with each piece; return 0, or -1 to stop) when sink is set.
 * Retried per the policy (a sink that has been given data stops retries).
 */
int ot_ch_query(struct ot_ch *ch, const char *sql, char **out, size_t *outlen,
		struct ot_err *err);
/* CREATE DATABASE IF NOT EXISTS the URL's database. */
int ot_ch_create_database(struct ot_ch *ch, struct ot_err *err);
int ot_ch_query_sink(struct ot_ch *ch, const char *sql, const char *format,
		     int (*sink)(void *ctx, const char *p, size_t n), void *ctx,
		     struct ot_err *err);
/*
 * INSERT ... FORMAT F with a body made by fill: fill appends rows (in the
 * format the statement names) to the buffer *buf (capacity grows as
 * needed) and returns 1 (more to come), 0 (done) or -1 (error: err
 * filled).  The body is sent chunked, gzip-compressed unless the server is
 * on this machine (ch.c, want_gzip), in bounded memory, on a fresh
 * connection; never retried here (a failed insert may have written some
 * rows).  *retryable tells whether the failure was one a retry may cure.
 */
struct ot_ch_rows {
	int (*fill)(void *ctx, char **buf, size_t *len, size_t *cap,
		    struct ot_err *err);
	void *ctx;
};
int ot_ch_insert(struct ot_ch *ch, const char *insert_sql,
		 const struct ot_ch_rows *rows, int *retryable,
		 struct ot_err *err);

/* TSV helpers: a string value escaped for TabSeparated, or for a quoted
 * element of an Array(String) in TabSeparated; append to a buffer. */
void ot_tsv_append(char **buf, size_t *len, size_t *cap, const char *s, size_t n);
void ot_tsv_append_quoted(char **buf, size_t *len, size_t *cap, const char *s,
			  size_t n);
void ot_buf_append(char **buf, size_t *len, size_t *cap, const char *s, size_t n);
void ot_buf_printf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
	OT_PRINTF(4, 5);
/*
 * Split the next line of a TabSeparated response at *pos into at most
 * nmax fields, unescaped in place (\N becomes NULL).  Returns the number of
 * fields, 0 at the end of the text.
 */
size_t ot_tsv_next_row(char *text, size_t len, size_t *pos, char **fields,
		       size_t nmax);

/* ---- the tables (src/fleet/schema.c) ---- */

/*
 * Create the fleet tables on each of the servers: the local tables of
 * schemas/clickhouse.sql, and over them a Distributed table per name (with
 * cluster: every shard of the cluster must be one of the servers) or a
 * Merge table (no cluster), and offtrace_schema.  Idempotent; a server with
 * another schema version is refused (OT_EINPUT).
 */
int ot_fleet_init(struct ot_ch **servers, size_t n, const char *cluster,
		  FILE *log, struct ot_err *err);
/*
 * The server's schema: 0 when it is this offtrace's version (cluster
 * filled with its cluster name, "" for none), -1 with err (OT_EINPUT with
 * what to do) when it is missing or another version.
 */
int ot_fleet_check_schema(struct ot_ch *ch, char *cluster, size_t len,
			  struct ot_err *err);

/* ---- push (src/fleet/push.c) ---- */

#define OT_FLEET_MAX_LABELS 32
#define OT_FLEET_MAX_LABEL 256	/* bytes of a key or value, NUL included */
struct ot_fleet_label {
	char key[OT_FLEET_MAX_LABEL];
	char value[OT_FLEET_MAX_LABEL];
};
/*
 * Add KEY=VALUE (KEY of letters, digits, '_', '.', '-'); a key given again
 * replaces its value.  0, or -1 with err (OT_EUSAGE).
 */
int ot_fleet_label_add(struct ot_fleet_label *labels, size_t *n,
		       const char *kv, size_t len, struct ot_err *err);

struct ot_fleet_push_opts {
	const struct ot_fleet_label *labels;
	size_t nlabels;
	int force;		/* push a run already in the fleet again */
	int events;		/* also the events table */
	const char *version;	/* offtrace's version, kept in runs */
	/* progress: table being sent, its rows sent and its total (may be NULL) */
	void (*progress)(void *ctx, const char *table, uint64_t done,
			 uint64_t total);
	void *progress_ctx;
};
struct ot_fleet_push_result {
	char run_id[65];
	uint64_t push_id;
	uint64_t rows;		/* rows written, every table */
	int attempts;		/* 1 when no retry was needed */
};
/*
 * Push trace trace_id of the SQLite database db as one run.  The schema
 * must have been checked (ot_fleet_check_schema; cluster as it returned).
 * A run already pushed is refused (OT_EDUP, run_id filled) unless force.
 */
int ot_fleet_push(struct ot_ch *ch, const char *cluster, sqlite3 *db,
		  int64_t trace_id, const struct ot_fleet_push_opts *o,
		  struct ot_fleet_push_result *res, struct ot_err *err);

/* ---- the fleet report (src/fleet/report.c, the page in src/fleet/html.c) ---- */

/* One group of runs (one value of the --by label, or all runs). */
struct ot_fleet_rule {
	char rule[8];
	char severity[8];
	uint64_t violations;	/* in the group's runs */
	uint64_t checked, not_checked;	/* runs */
};
struct ot_fleet_lat {
	char adapter[256];	/* "" with layer "" for every adapter and layer */
	char layer[16];
	char kind[16];
	struct ot_lat lat;	/* count, p50 ... max, mean; no histogram */
};
struct ot_fleet_group {
	char value[OT_FLEET_MAX_LABEL];	/* the label's value ("" without --by) */
	uint64_t runs, events;
	uint64_t objects, offloaded, failed, terminated, lost;
	uint64_t live_at_end, leaked, errors, warnings;
	uint64_t leaked_by_reason[OT_LEAK_COUNT];
	struct ot_fleet_rule *rules;	/* in report order, the rules seen */
	size_t nrules;
	struct ot_fleet_lat *lat;	/* per kind (adapter ""), then per
					 * (adapter, layer, kind) */
	size_t nlat;
	int64_t first_push_ns, last_push_ns;	/* pushed_ns of its runs: min, max */
};
struct ot_fleet_run {
	char run_id[65];
	char name[256];
	char labels[1024];	/* "k=v,k=v" */
	int64_t start_ns;	/* OT_T_NONE when unknown */
	uint64_t objects, leaked, errors, warnings;
};
#define OT_FLEET_WORST 5
/* The runs pushed on one UTC day (the HTML page's leaks per night). */
struct ot_fleet_night {
	int64_t day;		/* days since 1970-01-01 */
	uint64_t runs, objects, leaked;
	uint64_t leaked_by_reason[OT_LEAK_COUNT];
};
#define OT_FLEET_MAX_NIGHTS 1000	/* the latest; older ones are left out */
struct ot_fleet_report {
	char by[OT_FLEET_MAX_LABEL];	/* "" when not grouped */
	int64_t since;			/* OT_T_NONE when all */
	struct ot_fleet_group *groups;	/* by value, bytewise */
	size_t ngroups;
	struct ot_fleet_run worst[OT_FLEET_WORST];	/* most leaks, then errors */
	size_t nworst;
	struct ot_fleet_night *nights;	/* with q->nights: by day, ascending */
	size_t nnights;
	int nights_more;		/* older nights past OT_FLEET_MAX_NIGHTS */
};
struct ot_fleet_query {
	const char *by;		/* label to group by, or NULL */
	int64_t since;		/* runs whose first event is at or after; OT_T_NONE */
	const char *const *only;	/* only these values of by (NULL: all) */
	size_t nonly;
	int nights;		/* also the runs and leaks per day of push */
};
int ot_fleet_report_load(struct ot_ch *ch, const struct ot_fleet_query *q,
			 struct ot_fleet_report *r, struct ot_err *err);
void ot_fleet_report_release(struct ot_fleet_report *r);
int ot_fleet_report_text(const struct ot_fleet_report *r, FILE *out);
int ot_fleet_report_json(const struct ot_fleet_report *r, FILE *out);
/* Two groups side by side (a, b: groups of r, or NULL when absent). */
int ot_fleet_compare_text(const struct ot_fleet_report *r,
			  const struct ot_fleet_group *a, const char *aname,
			  const struct ot_fleet_group *b, const char *bname,
			  FILE *out);
int ot_fleet_compare_json(const struct ot_fleet_report *r,
			  const struct ot_fleet_group *a, const char *aname,
			  const struct ot_fleet_group *b, const char *bname,
			  FILE *out);
/*
 * The report as one self-contained HTML page (src/fleet/html.c): inline CSS
 * and SVG, no script, a strict Content-Security-Policy, every string from
 * the server escaped; the trends (p99 per kind per group in the order of
 * their first push; leaks per night, when r was loaded with q->nights) with
 * a table behind each chart, then the numbers of the JSON report as tables.
 * The compare page: the two groups side by side, then their tables.
 */
int ot_fleet_report_html(const struct ot_fleet_report *r, FILE *out);
int ot_fleet_compare_html(const struct ot_fleet_report *r,
			  const struct ot_fleet_group *a, const char *aname,
			  const struct ot_fleet_group *b, const char *bname,
			  FILE *out);
/* The group of the value, or NULL. */
const struct ot_fleet_group *ot_fleet_group_find(const struct ot_fleet_report *r,
						 const char *value);
/* Overall latency of kind in group g, or NULL when none completed. */
const struct ot_lat *ot_fleet_group_lat(const struct ot_fleet_group *g,
					const char *kind);

/* ---- the fleet gate (src/fleet/check.c) ---- */

struct ot_fleet_check_opts {
	double max_leak_rate;	/* < 0: no limit; leaked / objects */
	struct ot_budget budgets[OT_CHECK_MAX_BUDGETS];	/* unscoped kinds only */
	size_t nbudgets;
};
/* Cases: per group of r, the leak rate and each budget. */
int ot_fleet_check(const struct ot_fleet_report *r,
		   const struct ot_fleet_check_opts *o,
		   struct ot_check_result *res, struct ot_err *err);
int ot_fleet_check_junit(const struct ot_check_result *res, FILE *out);

#endif
