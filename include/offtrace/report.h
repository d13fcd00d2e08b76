/*
 * report.h - reports read the database through SQL and render it; they never
 * re-parse traces.  ot_report_load() builds the in-memory model that every
 * renderer and the CI check use.
 */
#ifndef OT_REPORT_H
#define OT_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "offtrace/engine.h"
#include "offtrace/util.h"

/*
 * Latency histogram buckets in 1-2-5 steps: bucket b holds latencies in
 * [ot_lat_bucket_lo(b), ot_lat_bucket_lo(b + 1)): 0..2ns, 2..5ns, 5..10ns,
 * ... up to the last, 500s and more (negative latencies count in the first).
 */
#define OT_LAT_BUCKETS 36
int64_t ot_lat_bucket_lo(int b);	/* INT64_MAX for b >= OT_LAT_BUCKETS */
int ot_lat_bucket(int64_t ns);

struct ot_lat {
	uint64_t count;
	int64_t p50, p90, p99, p999, max, mean;	/* ns; meaningless when count 0 */
	uint64_t hist[OT_LAT_BUCKETS];		/* completed operations per bucket */
};

/*
 * The latency of one adapter at one layer, per kind (doc/rules.md 4).
 * A report holds at most OT_REP_MAX_LAT_GROUPS of them, the first in
 * (adapter, layer) order; an adapter name is at most 255 bytes.
 */
#define OT_REP_MAX_LAT_GROUPS 4096
struct ot_rep_lat_group {
	char adapter[256];
	enum ot_layer layer;
	struct ot_lat latency[OT_KIND_COUNT];
};

/* Times are OT_T_NONE when unknown (NULL in the database). */
struct ot_rep_leak {
	uint64_t object_id, slot;
	char state[16], adapter[128], layer[16], reason[16];
	int64_t since, ts, last_activity;
};

struct ot_rep_violation {
	char rule[4];
	char severity[8];
	char message[256];
	int64_t ts;
	uint64_t slot, root, object_id, op_id;
	char events[160];	/* space-separated event ids */
	uint64_t id;		/* violations.id */
	size_t nevents;		/* event ids that prove it, in order */
	uint64_t event_ids[OT_MAX_EVIDENCE];
};

struct ot_rep_rule {
	char id[4];
	char severity[8];
	const char *title;
	int checked;
	uint64_t count;
	char why_not[128];
};

#define OT_REP_DROP_KINDS 8	/* drop reason/location pairs listed per input */

struct ot_rep_input {
	char file[256];
	char format[16];
	char sha256[65];
	uint64_t size, records, events, unmatched, corrupt;
	uint64_t lost_events, lost_buffers;
	uint64_t drops;		/* packets a component dropped (pktmon) */
	struct ot_rep_drop {	/* the most frequent kinds, then reason, location */
		uint32_t reason, location;
		char reason_name[64];	/* "" when unknown */
		uint64_t count;
	} drop[OT_REP_DROP_KINDS];
	size_t ndrop;
};

struct ot_report {
	int64_t trace_id;
	char name[256];
	int64_t start_ts, end_ts;	/* OT_T_NONE when unknown */
	int local_time;			/* times are local, of no known zone: a
					 * tracefmt text input was read without
					 * --tz-offset */
	uint64_t events, inputs;
	struct ot_rep_input *in;	/* the inputs, in command-line order */
	struct ot_rep_skip {	/* members of archives and files below
				 * directories that no source reads */
		char file[256];
		char kind[48];	/* the detector's word: "text", "binary", ... */
	} *skipped;
	size_t nskipped;
	size_t nin;
	/*
	 * doc/rules.md 3.  leaked counts every leak, of any reason (it is
	 * nleaks, what check --max-leaks limits); live_at_end and by_reason
	 * say which of them are which.
	 */
	struct {
		uint64_t objects, offloaded, failed, terminated, lost;
		uint64_t live_at_end, leaked, errors, warnings;
		uint64_t leaked_by_reason[OT_LEAK_COUNT];
	} summary;
	struct ot_lat latency[OT_KIND_COUNT];	/* all adapters and layers */
	/* per (adapter, layer), sorted by adapter (bytes), then layer
	 * (target, im, host); groups have at least one completed operation */
	struct ot_rep_lat_group *lat_groups;
	size_t nlat_groups;
	size_t lat_groups_more;	/* past OT_REP_MAX_LAT_GROUPS, not loaded */
	struct ot_lat syn_to_offload;	/* W3 (doc/rules.md 5), over joined objects */
	struct {
		uint64_t packets;	/* packets merged from the captures */
		uint64_t flows, joined;	/* TCP flows; those joined to an object */
	} capture;
	struct ot_rep_leak *leaks;	/* sorted by since, slot */
	size_t nleaks;
	struct ot_rep_violation *violations;	/* sorted by ts, rule, slot */
	size_t nviolations;
	struct ot_rep_rule rules[OT_R_COUNT];
};

int ot_report_load(sqlite3 *db, int64_t trace_id, struct ot_report *r,
		   struct ot_err *err);
void ot_report_release(struct ot_report *r);

/*
 * How the text report and check output look: width in columns (no line is
 * longer; at least 40), ANSI colours, Unicode block characters for the
 * histogram bars instead of '#'.  The CLI fills it from the terminal.
 */
struct ot_text_opts {
	int width;
	int color;
	int unicode;
};
void ot_text_opts_init(struct ot_text_opts *o);	/* 80 columns, plain ASCII */
int ot_report_text(const struct ot_report *r, FILE *out);	/* default opts */
int ot_report_text_opts(const struct ot_report *r, FILE *out,
			const struct ot_text_opts *o);
int ot_report_json(const struct ot_report *r, FILE *out);
/*
 * CSV (RFC 4180, CRLF line ends, header row): the table what ("summary",
 * "latency", "histogram", "leaks", "violations", "rules", "inputs",
 * "latency_by_adapter" or "histogram_by_adapter"), or
 * when what is NULL all of them in that order, each after a "# NAME" line
 * and separated by an empty line.  -1 for an unknown what (nothing
 * written) or a write error.
 */
int ot_report_csv(const struct ot_report *r, const char *what, FILE *out);
/* The name of CSV table i, in that order; NULL past the last. */
const char *ot_report_csv_table(size_t i);

/*
 * The report as one self-contained HTML page (inline CSS and SVG, no
 * script, strict Content-Security-Policy).  Runs its own read-only SQL on
 * db for the timeline, histograms and object histories.  0 or -1 (err).
 */
int ot_report_html(sqlite3 *db, const struct ot_report *r, FILE *out,
		   struct ot_err *err);
/*
 * One string from a trace or a database as HTML text or attribute value:
 * & < > " ' as references, control characters shown as \xNN, invalid UTF-8
 * as U+FFFD.
 */
void ot_html_string(FILE *out, const char *s);
/* The colour of each operation kind in the HTML pages (Okabe-Ito, no red). */
extern const char *const ot_html_kind_color[OT_KIND_COUNT];

/*
 * The trace as Chrome trace-event JSON (ui.perfetto.dev, chrome://tracing):
 * objects as async slices, operations as complete events, violations and
 * leaks as instant events.  Read-only SQL on db.  0 or -1 (err).
 */
int ot_report_chrome(sqlite3 *db, const struct ot_report *r, FILE *out,
		     struct ot_err *err);

/* One CSV field, quoted as RFC 4180 says when it needs to be; control
 * characters but LF and tab, C1 and invalid UTF-8 written as \xNN
 * (ot_term_escape), since CSV is read on terminals too. */
void ot_csv_string(FILE *out, const char *s);
/* One JSON string: quotes, escapes, invalid UTF-8 as U+FFFD. */
void ot_json_string(FILE *out, const char *s);

/*
 * CI gate (offtrace check).  A budget is KIND:pNN<=DURATION over every
 * completed operation of the kind, or scoped, ADAPTER/LAYER/KIND:..., over
 * each (adapter, layer) group that matches: ADAPTER an fnmatch(3) pattern,
 * LAYER and KIND a name or "*" (any_layer, any_kind).
 */
#define OT_CHECK_MAX_BUDGETS 32
#define OT_BUDGET_TEXT 192	/* longest budget as given, with its NUL */
struct ot_budget {
	enum ot_kind kind;
	int syn;		/* 1: the W3 SYN-to-offload delay, not an operation kind */
	int scoped;		/* 1: per (adapter, layer) group */
	int any_kind, any_layer;
	enum ot_layer layer;
	char adapter[OT_BUDGET_TEXT];	/* pattern, when scoped */
	uint32_t p_milli;	/* percentile in thousandths of a percent: p99 = 99000 */
	int64_t limit_ns;
	char text[OT_BUDGET_TEXT];	/* as given: "initiate:p99<=2ms" */
};
/*
 * Parse a budget as given to --latency: [ADAPTER/LAYER/]KIND:pNN<=DURATION
 * (p999 means p99.9).  0, or -1 when it is not one.
 */
int ot_budget_parse(const char *s, struct ot_budget *b);
struct ot_check_opts {
	int64_t max_leaks, max_errors, max_warnings;	/* -1 = no limit */
	struct ot_budget budgets[OT_CHECK_MAX_BUDGETS];
	size_t nbudgets;
	int fail_on[OT_R_COUNT];	/* 1 = any violation of the rule fails */
	/* 1 = a --fail-on rule that was not checked is accepted (skipped) */
	int allow_unchecked[OT_R_COUNT];
};
/*
 * One verdict per rule and per budget, plus the limits.  A case is failed,
 * warned (a rule with violations that nothing makes gate the run: never
 * shown as passed), skipped (not checked) or passed.
 */
struct ot_check_case {
	char name[OT_BUDGET_TEXT + 8];
	char classname[32];	/* "rules", "latency", "limits" */
	int failed;
	int warned;
	int skipped;		/* rule not checked, budget with nothing to measure */
	char message[512];
	char *details;		/* heap, may be NULL: objects involved, one per line */
};
struct ot_check_result {
	struct ot_check_case *cases;
	size_t ncases;
	int failed;		/* 1 when the gate fails */
};
/* Latency percentile of a kind from the database (nearest rank). */
int ot_check_run(sqlite3 *db, const struct ot_report *r,
		 const struct ot_check_opts *o, struct ot_check_result *res,
		 struct ot_err *err);
void ot_check_release(struct ot_check_result *res);
int ot_check_text(const struct ot_check_result *res, FILE *out);
/* The same with colours when o->color (o may be NULL). */
int ot_check_text_opts(const struct ot_check_result *res, FILE *out,
		       const struct ot_text_opts *o);
int ot_check_junit(const struct ot_check_result *res, const struct ot_report *r,
		   FILE *out);
/*
 * GitHub Actions annotations: one "::error" or "::warning" line per
 * violation (with file= and line= of its first evidence event when known)
 * and one "::error" per failed latency budget or limit.  db is read for
 * the evidence locations only.
 */
int ot_check_github(sqlite3 *db, const struct ot_check_result *res,
		    const struct ot_report *r, FILE *out);

#endif
