/*
 * csv.c - the report as CSV (RFC 4180): a header row per table, CRLF line
 * ends, fields holding a comma, a double quote or LF quoted with inner
 * quotes doubled; other control characters (CR, ESC), C1 and invalid
 * UTF-8 of a string from the trace written as \xNN (ot_csv_string).  Unknown values are empty fields.  Pointers are
 * 0x-prefixed lowercase hex, times integer ns UTC.
 *
 * One table, or all of them: each after a "# NAME" line, tables separated
 * by an empty line, so a reader can split the file at "# " lines (and a
 * spreadsheet shows the names as rows of their own).
 */
#include "offtrace/report.h"

#include <inttypes.h>
#include <string.h>

#define EOL "\r\n"

/*
 * CSV goes to terminals too: between its own syntax (quotes, and line
 * feeds and tabs inside a quoted field), a string is escaped as for the
 * terminal (ot_term_escape: ESC as \x1b, CR as \x0d, invalid UTF-8 as
 * \xNN).
 */
void
ot_csv_string(FILE *out, const char *s)
{
	int quote = strpbrk(s, ",\"\n") != NULL;
	size_t n;

	if (quote)
		fputc('"', out);
	while (*s) {
		n = strcspn(s, "\"\n\t");
		ot_term_write(out, s, n);
		s += n;
		if (*s == '\0')
			break;
		if (*s == '"')
			fputc('"', out);
		fputc(*s++, out);
	}
	if (quote)
		fputc('"', out);
}

static void
field(FILE *out, const char *s, int first)
{
	if (!first)
		fputc(',', out);
	if (s != NULL)
		ot_csv_string(out, s);
}

static void
f_u64(FILE *out, uint64_t v)
{
	fprintf(out, ",%" PRIu64, v);
}

static void
f_i64(FILE *out, int64_t v, int present)
{
	if (present)
		fprintf(out, ",%" PRId64, v);
	else
		fputc(',', out);
}

static void
f_ptr(FILE *out, uint64_t p)
{
	if (p != 0)
		fprintf(out, ",0x%" PRIx64, p);
	else
		fputc(',', out);
}

static void
csv_summary(const struct ot_report *r, FILE *out)
{
	fputs("key,value" EOL, out);
	fprintf(out, "trace_id,%" PRId64 EOL, r->trace_id);
	field(out, "name", 1);
	field(out, r->name, 0);
	fputs(EOL, out);
	fputs("start_ns", out);
	f_i64(out, r->start_ts, r->start_ts != OT_T_NONE);
	fputs(EOL "end_ns", out);
	f_i64(out, r->end_ts, r->end_ts != OT_T_NONE);
	fprintf(out, EOL "events,%" PRIu64 EOL, r->events);
	fprintf(out, "inputs,%" PRIu64 EOL, r->inputs);
	fprintf(out, "objects,%" PRIu64 EOL, r->summary.objects);
	fprintf(out, "offloaded,%" PRIu64 EOL, r->summary.offloaded);
	fprintf(out, "failed,%" PRIu64 EOL, r->summary.failed);
	fprintf(out, "terminated,%" PRIu64 EOL, r->summary.terminated);
	fprintf(out, "lost,%" PRIu64 EOL, r->summary.lost);
	fprintf(out, "live_at_end,%" PRIu64 EOL, r->summary.live_at_end);
	fprintf(out, "leaked,%" PRIu64 EOL, r->summary.leaked);
	fprintf(out, "errors,%" PRIu64 EOL, r->summary.errors);
	fprintf(out, "warnings,%" PRIu64 EOL, r->summary.warnings);
}

static void
csv_latency(const struct ot_report *r, FILE *out)
{
	int k;

	fputs("kind,count,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,mean_ns" EOL, out);
	for (k = 0; k < OT_KIND_COUNT; k++) {
		const struct ot_lat *l = &r->latency[k];
		int p = l->count > 0;

		fputs(ot_kind_names[k], out);
		f_u64(out, l->count);
		f_i64(out, l->p50, p);
		f_i64(out, l->p90, p);
		f_i64(out, l->p99, p);
		f_i64(out, l->p999, p);
		f_i64(out, l->max, p);
		f_i64(out, l->mean, p);
		fputs(EOL, out);
	}
}

/* Every 1-2-5 bucket of every kind, empty ones too: same rows each time. */
static void
csv_histogram(const struct ot_report *r, FILE *out)
{
	int k, b;

	fputs("kind,lo_ns,hi_ns,count" EOL, out);
	for (k = 0; k < OT_KIND_COUNT; k++)
		for (b = 0; b < OT_LAT_BUCKETS; b++) {
			fputs(ot_kind_names[k], out);
			fprintf(out, ",%" PRId64, ot_lat_bucket_lo(b));
			f_i64(out, ot_lat_bucket_lo(b + 1), b + 1 < OT_LAT_BUCKETS);
			f_u64(out, r->latency[k].hist[b]);
			fputs(EOL, out);
		}
}

/* One row per (adapter, layer, kind) with a completed operation. */
static void
csv_latency_by_adapter(const struct ot_report *r, FILE *out)
{
	size_t i;
	int k;

	fputs("adapter,layer,kind,count,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,mean_ns"
	      EOL, out);
	for (i = 0; i < r->nlat_groups; i++) {
		const struct ot_rep_lat_group *g = &r->lat_groups[i];

		for (k = 0; k < OT_KIND_COUNT; k++) {
			const struct ot_lat *l = &g->latency[k];

			if (l->count == 0)
				continue;
			field(out, g->adapter, 1);
			field(out, ot_layer_names[g->layer], 0);
			field(out, ot_kind_names[k], 0);
			f_u64(out, l->count);
			f_i64(out, l->p50, 1);
			f_i64(out, l->p90, 1);
			f_i64(out, l->p99, 1);
			f_i64(out, l->p999, 1);
			f_i64(out, l->max, 1);
			f_i64(out, l->mean, 1);
			fputs(EOL, out);
		}
	}
}

/* Every 1-2-5 bucket of each (adapter, layer, kind) row above. */
static void
csv_histogram_by_adapter(const struct ot_report *r, FILE *out)
{
	size_t i;
	int k, b;

	fputs("adapter,layer,kind,lo_ns,hi_ns,count" EOL, out);
	for (i = 0; i < r->nlat_groups; i++) {
		const struct ot_rep_lat_group *g = &r->lat_groups[i];

		for (k = 0; k < OT_KIND_COUNT; k++) {
			if (g->latency[k].count == 0)
				continue;
			for (b = 0; b < OT_LAT_BUCKETS; b++) {
				field(out, g->adapter, 1);
				field(out, ot_layer_names[g->layer], 0);
				field(out, ot_kind_names[k], 0);
				fprintf(out, ",%" PRId64, ot_lat_bucket_lo(b));
				f_i64(out, ot_lat_bucket_lo(b + 1),
				      b + 1 < OT_LAT_BUCKETS);
				f_u64(out, g->latency[k].hist[b]);
				fputs(EOL, out);
			}
		}
	}
}

static void
csv_leaks(const struct ot_report *r, FILE *out)
{
	size_t i;

	fputs("object,slot,state,adapter,layer,since_ns,ts_ns,last_ns,reason"
	      EOL, out);
	for (i = 0; i < r->nleaks; i++) {
		const struct ot_rep_leak *l = &r->leaks[i];

		fprintf(out, "%" PRIu64, l->object_id);
		f_ptr(out, l->slot);
		field(out, l->state, 0);
		field(out, l->adapter, 0);
		field(out, l->layer, 0);
		f_i64(out, l->since, l->since != OT_T_NONE);
		f_i64(out, l->ts, l->ts != OT_T_NONE);
		f_i64(out, l->last_activity, l->last_activity != OT_T_NONE);
		field(out, l->reason, 0);
		fputs(EOL, out);
	}
}

static void
csv_violations(const struct ot_report *r, FILE *out)
{
	size_t i;

	fputs("rule,severity,ts_ns,slot,root,object,op,events,message" EOL, out);
	for (i = 0; i < r->nviolations; i++) {
		const struct ot_rep_violation *v = &r->violations[i];

		field(out, v->rule, 1);
		field(out, v->severity, 0);
		fprintf(out, ",%" PRId64, v->ts);
		f_ptr(out, v->slot);
		f_ptr(out, v->root);
		f_i64(out, (int64_t)v->object_id, v->object_id != 0);
		f_i64(out, (int64_t)v->op_id, v->op_id != 0);
		field(out, v->events, 0);
		field(out, v->message, 0);
		fputs(EOL, out);
	}
}

static void
csv_rules(const struct ot_report *r, FILE *out)
{
	int k;

	fputs("id,severity,title,status,count,reason" EOL, out);
	for (k = 0; k < OT_R_COUNT; k++) {
		const struct ot_rep_rule *u = &r->rules[k];

		field(out, u->id, 1);
		field(out, u->severity, 0);
		field(out, u->title, 0);
		field(out, u->checked ? "checked" : "not_checked", 0);
		f_u64(out, u->count);
		field(out, u->checked ? NULL : u->why_not, 0);
		fputs(EOL, out);
	}
}

static void
csv_inputs(const struct ot_report *r, FILE *out)
{
	size_t i;

	fputs("file,format,sha256,size,records,events,unmatched,corrupt,lost_events,lost_buffers" EOL,
	      out);
	for (i = 0; i < r->nin; i++) {
		const struct ot_rep_input *in = &r->in[i];

		field(out, in->file, 1);
		field(out, in->format, 0);
		field(out, in->sha256, 0);
		f_u64(out, in->size);
		f_u64(out, in->records);
		f_u64(out, in->events);
		f_u64(out, in->unmatched);
		f_u64(out, in->corrupt);
		f_u64(out, in->lost_events);
		f_u64(out, in->lost_buffers);
		fputs(EOL, out);
	}
}

static const struct {
	const char *name;
	void (*fn)(const struct ot_report *r, FILE *out);
} tables[] = {
	{ "summary", csv_summary },
	{ "latency", csv_latency },
	{ "histogram", csv_histogram },
	{ "leaks", csv_leaks },
	{ "violations", csv_violations },
	{ "rules", csv_rules },
	{ "inputs", csv_inputs },
	/* added later, so at the end: readers of the others see no change */
	{ "latency_by_adapter", csv_latency_by_adapter },
	{ "histogram_by_adapter", csv_histogram_by_adapter },
};

const char *
ot_report_csv_table(size_t i)
{
	return i < sizeof(tables) / sizeof(tables[0]) ? tables[i].name : NULL;
}

int
ot_report_csv(const struct ot_report *r, const char *what, FILE *out)
{
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if (what != NULL) {
			if (strcmp(what, tables[i].name) != 0)
				continue;
			tables[i].fn(r, out);
			return ferror(out) ? -1 : 0;
		}
		fprintf(out, "%s# %s" EOL, i ? EOL : "", tables[i].name);
		tables[i].fn(r, out);
	}
	if (what != NULL)
		return -1;
	return ferror(out) ? -1 : 0;
}
