/*
 * text.c - the report for people: header, summary, latency per operation
 * kind, leaks and violations in time order, and the rules not checked.
 * Everything comes from the model (which is loaded with ORDER BY), so the
 * same database always prints the same bytes.  Control characters in
 * strings from the trace are shown as '?' so they cannot drive a terminal.
 */
#include "offtrace/report.h"

#include <inttypes.h>
#include <string.h>

#define DUR 32

static void
put_safe(FILE *out, const char *s)
{
	for (; s != NULL && *s; s++) {
		unsigned char c = (unsigned char)*s;

		fputc(c < 0x20 || c == 0x7f ? '?' : c, out);
	}
}

static const char *
fmt_ptr(uint64_t p, char *buf, size_t len)
{
	if (p == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "0x%" PRIx64, p);
	return buf;
}

static const char *
fmt_time(int64_t t, char buf[OT_TIMEBUF])
{
	if (t == OT_T_NONE) {
		snprintf(buf, OT_TIMEBUF, "-");
		return buf;
	}
	return ot_fmt_time(t, buf);
}

/* "+1.25ms" from the start of the trace, or "" when unknown. */
static const char *
fmt_rel(const struct ot_report *r, int64_t t, char *buf, size_t len)
{
	char d[DUR];

	if (t == OT_T_NONE || r->start_ts == OT_T_NONE) {
		snprintf(buf, len, "-");
		return buf;
	}
	snprintf(buf, len, "+%s", ot_fmt_dur(t - r->start_ts, d, sizeof(d)));
	return buf;
}

static void
header(const struct ot_report *r, FILE *out)
{
	char a[OT_TIMEBUF], b[OT_TIMEBUF], d[DUR];
	uint64_t lost_ev = 0, lost_buf = 0;
	size_t i;

	fprintf(out, "offtrace report: trace %" PRId64 " ", r->trace_id);
	put_safe(out, r->name);
	fputc('\n', out);
	fprintf(out, "  span     %s .. %s", fmt_time(r->start_ts, a),
		fmt_time(r->end_ts, b));
	if (r->start_ts != OT_T_NONE && r->end_ts != OT_T_NONE)
		fprintf(out, " (%s)", ot_fmt_dur(r->end_ts - r->start_ts, d,
						  sizeof(d)));
	fputc('\n', out);
	fprintf(out, "  inputs   %" PRIu64 "\n", r->inputs);
	for (i = 0; i < r->nin; i++) {
		const struct ot_rep_input *in = &r->in[i];

		fputs("    ", out);
		put_safe(out, in->file);
		fprintf(out, " (%s): %" PRIu64 " events from %" PRIu64 " records",
			in->format, in->events, in->records);
		if (in->unmatched)
			fprintf(out, ", %" PRIu64 " matched no profile", in->unmatched);
		if (in->corrupt)
			fprintf(out, ", %" PRIu64 " could not be parsed", in->corrupt);
		fputc('\n', out);
		lost_ev += in->lost_events;
		lost_buf += in->lost_buffers;
	}
	fprintf(out, "  events   %" PRIu64 "\n", r->events);
	/* what the logger lost can make rules see what did not happen */
	if (lost_ev || lost_buf)
		fprintf(out, "  warning  the logger lost %" PRIu64 " event%s and %" PRIu64
			" buffer%s: a violation may be an event that was not recorded\n",
			lost_ev, lost_ev == 1 ? "" : "s", lost_buf, lost_buf == 1 ? "" : "s");
	fputc('\n', out);
}

static void
summary(const struct ot_report *r, FILE *out)
{
	fputs("summary\n", out);
	fprintf(out, "  objects      %" PRIu64 "\n", r->summary.objects);
	fprintf(out, "  offloaded    %" PRIu64 "\n", r->summary.offloaded);
	fprintf(out, "  failed       %" PRIu64 "\n", r->summary.failed);
	fprintf(out, "  terminated   %" PRIu64 "\n", r->summary.terminated);
	fprintf(out, "  lost         %" PRIu64 "\n", r->summary.lost);
	fprintf(out, "  live at end  %" PRIu64 "\n", r->summary.live_at_end);
	fprintf(out, "  leaked       %" PRIu64 "\n", r->summary.leaked);
	fprintf(out, "  violations   %" PRIu64 " error%s, %" PRIu64
		" warning%s\n\n", r->summary.errors,
		r->summary.errors == 1 ? "" : "s", r->summary.warnings,
		r->summary.warnings == 1 ? "" : "s");
}

static void
latency(const struct ot_report *r, FILE *out)
{
	char b[6][DUR];
	int k;

	fputs("latency (completed operations, all adapters and layers)\n", out);
	fprintf(out, "  %-10s %8s %9s %9s %9s %9s %9s %9s\n", "kind", "count",
		"p50", "p90", "p99", "p99.9", "max", "mean");
	for (k = 0; k < OT_KIND_COUNT; k++) {
		const struct ot_lat *l = &r->latency[k];

		if (l->count == 0) {
			fprintf(out, "  %-10s %8d %9s %9s %9s %9s %9s %9s\n",
				ot_kind_names[k], 0, "-", "-", "-", "-", "-",
				"-");
			continue;
		}
		fprintf(out, "  %-10s %8" PRIu64 " %9s %9s %9s %9s %9s %9s\n",
			ot_kind_names[k], l->count,
			ot_fmt_dur(l->p50, b[0], DUR),
			ot_fmt_dur(l->p90, b[1], DUR),
			ot_fmt_dur(l->p99, b[2], DUR),
			ot_fmt_dur(l->p999, b[3], DUR),
			ot_fmt_dur(l->max, b[4], DUR),
			ot_fmt_dur(l->mean, b[5], DUR));
	}
	fputc('\n', out);
}

static void
leaks(const struct ot_report *r, FILE *out)
{
	char t[OT_TIMEBUF], p[24], rel[DUR + 1], rel2[DUR + 1];
	size_t i;

	fprintf(out, "leaks (%zu)\n", r->nleaks);
	if (r->nleaks == 0) {
		fputs("  none\n\n", out);
		return;
	}
	for (i = 0; i < r->nleaks; i++) {
		const struct ot_rep_leak *l = &r->leaks[i];

		fprintf(out, "  %s %-9s slot %s object %" PRIu64 " %s ",
			fmt_time(l->since, t), fmt_rel(r, l->since, rel,
			sizeof(rel)), fmt_ptr(l->slot, p, sizeof(p)),
			l->object_id, l->state[0] ? l->state : "-");
		put_safe(out, l->layer);
		fputs(" adapter '", out);
		put_safe(out, l->adapter);
		fprintf(out, "' %s at %s, last activity %s\n", l->reason,
			fmt_rel(r, l->ts, rel, sizeof(rel)),
			fmt_rel(r, l->last_activity, rel2, sizeof(rel2)));
	}
	fputc('\n', out);
}

static void
violations(const struct ot_report *r, FILE *out)
{
	char t[OT_TIMEBUF], s[24], o[24], rel[DUR + 1];
	size_t i;

	fprintf(out, "violations (%zu)\n", r->nviolations);
	if (r->nviolations == 0) {
		fputs("  none\n\n", out);
		return;
	}
	for (i = 0; i < r->nviolations; i++) {
		const struct ot_rep_violation *v = &r->violations[i];

		fprintf(out, "  %-3s %-7s %s %-9s slot %s root %s: ", v->rule,
			v->severity, fmt_time(v->ts, t),
			fmt_rel(r, v->ts, rel, sizeof(rel)),
			fmt_ptr(v->slot, s, sizeof(s)),
			fmt_ptr(v->root, o, sizeof(o)));
		put_safe(out, v->message);
		if (v->object_id)
			fprintf(out, " [object %" PRIu64 "]", v->object_id);
		if (v->op_id)
			fprintf(out, " [op %" PRIu64 "]", v->op_id);
		if (v->events[0])
			fprintf(out, " [events %s]", v->events);
		fputc('\n', out);
	}
	fputc('\n', out);
}

static void
not_checked(const struct ot_report *r, FILE *out)
{
	int k, n = 0;

	for (k = 0; k < OT_R_COUNT; k++)
		n += !r->rules[k].checked;
	fprintf(out, "not checked (%d of %d rules)\n", n, OT_R_COUNT);
	if (n == 0) {
		fputs("  none\n", out);
		return;
	}
	for (k = 0; k < OT_R_COUNT; k++) {
		const struct ot_rep_rule *u = &r->rules[k];

		if (u->checked)
			continue;
		fprintf(out, "  %-3s ", u->id);
		put_safe(out, u->title);
		fputs(": ", out);
		put_safe(out, u->why_not);
		fputc('\n', out);
	}
}

int
ot_report_text(const struct ot_report *r, FILE *out)
{
	header(r, out);
	summary(r, out);
	latency(r, out);
	leaks(r, out);
	violations(r, out);
	not_checked(r, out);
	return ferror(out) ? -1 : 0;
}
