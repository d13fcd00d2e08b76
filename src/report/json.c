/*
 * json.c - the JSON report, exactly doc/report-json.md (JSON Schema in
 * schemas/report.schema.json).
 *
 * Printed directly rather than through cJSON: every integer is an exact
 * int64 (cJSON numbers are doubles), keys come in a fixed order and each
 * array element is one line, so the output diffs cleanly and the same
 * database always gives the same bytes.  Strings from the trace are
 * escaped; invalid UTF-8 becomes U+FFFD so the output is always valid JSON.
 */
#include "offtrace/report.h"

#include <inttypes.h>
#include <string.h>

#define OT_REPORT_FORMAT 1	/* "offtrace_report" version */

void
ot_json_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n = strlen((const char *)s), i = 0, k;

	fputc('"', out);
	while (i < n) {
		unsigned c = s[i];

		if (c == '"' || c == '\\') {
			fputc('\\', out);
			fputc((int)c, out);
			i++;
		} else if (c == '\n') {
			fputs("\\n", out);
			i++;
		} else if (c == '\r') {
			fputs("\\r", out);
			i++;
		} else if (c == '\t') {
			fputs("\\t", out);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u%04x", c);
			i++;
		} else if ((k = ot_utf8_len(s + i, n - i)) == 0) {
			fputs("\\ufffd", out);
			i++;
		} else {
			fwrite(s + i, 1, k, out);
			i += k;
		}
	}
	fputc('"', out);
}

static void
put_ptr(FILE *out, uint64_t p)
{
	if (p == 0)
		fputs("null", out);
	else
		fprintf(out, "\"0x%" PRIx64 "\"", p);
}

static void
put_id(FILE *out, uint64_t id)
{
	if (id == 0)
		fputs("null", out);
	else
		fprintf(out, "%" PRIu64, id);
}

static void
put_time(FILE *out, int64_t t)
{
	if (t == OT_T_NONE)
		fputs("null", out);
	else
		fprintf(out, "%" PRId64, t);
}

static void
put_lat(FILE *out, const char *key, int64_t v, int present)
{
	fprintf(out, ", \"%s\": ", key);
	if (present)
		fprintf(out, "%" PRId64, v);
	else
		fputs("null", out);
}

/* One latency distribution: "name": { count, p50_ns ... mean_ns }, then sep. */
static void
put_dist(FILE *out, const char *name, const struct ot_lat *l, const char *sep)
{
	int p = l->count > 0;

	fprintf(out, "    \"%s\": { \"count\": %" PRIu64, name, l->count);
	put_lat(out, "p50_ns", l->p50, p);
	put_lat(out, "p90_ns", l->p90, p);
	put_lat(out, "p99_ns", l->p99, p);
	put_lat(out, "p999_ns", l->p999, p);
	put_lat(out, "max_ns", l->max, p);
	put_lat(out, "mean_ns", l->mean, p);
	fprintf(out, " }%s\n", sep);
}

/*
 * "latency_by_adapter": one entry per (adapter, layer, kind) with a
 * completed operation, in (adapter, layer, kind) order, the distribution's
 * fields flat beside them.
 */
static void
put_by_adapter(FILE *out, const struct ot_report *r)
{
	size_t i, n = 0, total;
	int k;

	for (i = 0; i < r->nlat_groups; i++)
		for (k = 0; k < OT_KIND_COUNT; k++)
			n += r->lat_groups[i].latency[k].count > 0;
	total = n;
	fputs(total ? "  \"latency_by_adapter\": [\n" : "  \"latency_by_adapter\": [",
	      out);
	for (i = 0; i < r->nlat_groups; i++) {
		const struct ot_rep_lat_group *g = &r->lat_groups[i];

		for (k = 0; k < OT_KIND_COUNT; k++) {
			const struct ot_lat *l = &g->latency[k];

			if (l->count == 0)
				continue;
			fputs("    { \"adapter\": ", out);
			ot_json_string(out, g->adapter);
			fprintf(out, ", \"layer\": \"%s\", \"kind\": \"%s\","
				" \"count\": %" PRIu64, ot_layer_names[g->layer],
				ot_kind_names[k], l->count);
			put_lat(out, "p50_ns", l->p50, 1);
			put_lat(out, "p90_ns", l->p90, 1);
			put_lat(out, "p99_ns", l->p99, 1);
			put_lat(out, "p999_ns", l->p999, 1);
			put_lat(out, "max_ns", l->max, 1);
			put_lat(out, "mean_ns", l->mean, 1);
			fprintf(out, " }%s\n", --n ? "," : "");
		}
	}
	fputs(total ? "  ],\n" : "],\n", out);
}

/* "drops": an input's dropped packets (pktmon), present when there are some */
static void
put_drops(FILE *out, const struct ot_rep_input *in)
{
	size_t k;

	fprintf(out, ", \"drops\": { \"count\": %" PRIu64 ", \"kinds\": [", in->drops);
	for (k = 0; k < in->ndrop; k++) {
		const struct ot_rep_drop *d = &in->drop[k];

		fprintf(out, "%s{ \"reason\": %" PRIu32 ", \"reason_name\": ", k ? ", " : " ",
			d->reason);
		if (d->reason_name[0])
			ot_json_string(out, d->reason_name);
		else
			fputs("null", out);
		fprintf(out, ", \"location\": %" PRIu32 ", \"count\": %" PRIu64 " }", d->location,
			d->count);
	}
	fputs(in->ndrop ? " ] }" : "] }", out);
}

int
ot_report_json(const struct ot_report *r, FILE *out)
{
	size_t i;
	int k;

	fprintf(out, "{\n  \"offtrace_report\": %d,\n", OT_REPORT_FORMAT);
	fprintf(out, "  \"trace\": { \"id\": %" PRId64 ", \"name\": ",
		r->trace_id);
	ot_json_string(out, r->name);
	fputs(", \"start_ns\": ", out);
	put_time(out, r->start_ts);
	fputs(", \"end_ns\": ", out);
	put_time(out, r->end_ts);
	/* only then, so that the reports of other inputs stay as they were */
	if (r->local_time)
		fputs(", \"times\": \"local\"", out);
	fprintf(out, ", \"events\": %" PRIu64 ", \"inputs\": %" PRIu64 ", \"files\": [",
		r->events, r->inputs);
	for (i = 0; i < r->nin; i++) {
		const struct ot_rep_input *in = &r->in[i];

		fputs(i ? ", { \"file\": " : " { \"file\": ", out);
		ot_json_string(out, in->file);
		fprintf(out, ", \"format\": \"%s\", \"sha256\": \"%s\", \"size\": %" PRIu64
			", \"records\": %" PRIu64 ", \"events\": %" PRIu64
			", \"unmatched\": %" PRIu64 ", \"corrupt\": %" PRIu64
			", \"lost_events\": %" PRIu64 ", \"lost_buffers\": %" PRIu64,
			in->format, in->sha256, in->size, in->records, in->events,
			in->unmatched, in->corrupt, in->lost_events, in->lost_buffers);
		if (in->drops)
			put_drops(out, in);
		fputs(" }", out);
	}
	fputs(r->nin ? " ]" : "]", out);
	/* only when there were, so that other reports stay as they were */
	if (r->nskipped) {
		fputs(", \"skipped\": [", out);
		for (i = 0; i < r->nskipped; i++) {
			fputs(i ? ", { \"file\": " : " { \"file\": ", out);
			ot_json_string(out, r->skipped[i].file);
			fputs(", \"kind\": ", out);
			ot_json_string(out, r->skipped[i].kind);
			fputs(" }", out);
		}
		fputs(" ]", out);
	}
	fputs(" },\n", out);

	fprintf(out, "  \"summary\": { \"objects\": %" PRIu64
		", \"offloaded\": %" PRIu64 ", \"failed\": %" PRIu64
		", \"terminated\": %" PRIu64 ", \"lost\": %" PRIu64
		", \"live_at_end\": %" PRIu64 ", \"leaked\": %" PRIu64
		", \"violations\": { \"error\": %" PRIu64
		", \"warning\": %" PRIu64 " } },\n",
		r->summary.objects, r->summary.offloaded, r->summary.failed,
		r->summary.terminated, r->summary.lost, r->summary.live_at_end,
		r->summary.leaked, r->summary.errors, r->summary.warnings);

	fputs("  \"latency\": {\n", out);
	for (k = 0; k < OT_KIND_COUNT; k++)
		put_dist(out, ot_kind_names[k], &r->latency[k], ",");
	/* W3 (doc/rules.md 5): SYN seen -> initiate done */
	put_dist(out, "syn_to_offload", &r->syn_to_offload, "");
	fputs("  },\n", out);
	put_by_adapter(out, r);
	fprintf(out, "  \"capture\": { \"packets\": %" PRIu64 ", \"flows\": %" PRIu64
		", \"joined\": %" PRIu64 ", \"unjoined\": %" PRIu64 " },\n",
		r->capture.packets, r->capture.flows, r->capture.joined,
		r->capture.flows - r->capture.joined);

	fputs(r->nleaks ? "  \"leaks\": [\n" : "  \"leaks\": [", out);
	for (i = 0; i < r->nleaks; i++) {
		const struct ot_rep_leak *l = &r->leaks[i];

		fprintf(out, "    { \"object\": %" PRIu64 ", \"slot\": ",
			l->object_id);
		put_ptr(out, l->slot);
		fputs(", \"state\": ", out);
		ot_json_string(out, l->state);
		fputs(", \"adapter\": ", out);
		ot_json_string(out, l->adapter);
		fputs(", \"layer\": ", out);
		ot_json_string(out, l->layer);
		fputs(", \"since_ns\": ", out);
		put_time(out, l->since);
		fputs(", \"ts_ns\": ", out);
		put_time(out, l->ts);
		fputs(", \"last_ns\": ", out);
		put_time(out, l->last_activity);
		fputs(", \"reason\": ", out);
		ot_json_string(out, l->reason);
		fprintf(out, " }%s\n", i + 1 < r->nleaks ? "," : "");
	}
	fputs(r->nleaks ? "  ],\n" : "],\n", out);

	fputs(r->nviolations ? "  \"violations\": [\n" : "  \"violations\": [",
	      out);
	for (i = 0; i < r->nviolations; i++) {
		const struct ot_rep_violation *v = &r->violations[i];
		size_t e;

		fputs("    { \"rule\": ", out);
		ot_json_string(out, v->rule);
		fputs(", \"severity\": ", out);
		ot_json_string(out, v->severity);
		fputs(", \"message\": ", out);
		ot_json_string(out, v->message);
		fprintf(out, ", \"ts_ns\": %" PRId64 ", \"slot\": ", v->ts);
		put_ptr(out, v->slot);
		fputs(", \"root\": ", out);
		put_ptr(out, v->root);
		fputs(", \"object\": ", out);
		put_id(out, v->object_id);
		fputs(", \"op\": ", out);
		put_id(out, v->op_id);
		fputs(", \"events\": [", out);
		for (e = 0; e < v->nevents; e++)
			fprintf(out, "%s%" PRIu64, e ? ", " : "",
				v->event_ids[e]);
		fprintf(out, "] }%s\n", i + 1 < r->nviolations ? "," : "");
	}
	fputs(r->nviolations ? "  ],\n" : "],\n", out);

	fputs("  \"rules\": [\n", out);
	for (k = 0; k < OT_R_COUNT; k++) {
		const struct ot_rep_rule *u = &r->rules[k];

		fputs("    { \"id\": ", out);
		ot_json_string(out, u->id);
		fputs(", \"severity\": ", out);
		ot_json_string(out, u->severity);
		fputs(", \"title\": ", out);
		ot_json_string(out, u->title);
		fprintf(out, ", \"status\": \"%s\", \"count\": %" PRIu64
			", \"reason\": ", u->checked ? "checked" : "not_checked",
			u->count);
		if (u->checked)
			fputs("null", out);
		else
			ot_json_string(out, u->why_not);
		fprintf(out, " }%s\n", k + 1 < OT_R_COUNT ? "," : "");
	}
	fputs("  ]\n}\n", out);
	return ferror(out) ? -1 : 0;
}
