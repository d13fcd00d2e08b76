/*
 * check.c - the fleet gate ('offtrace fleet check'): over the runs of a
 * fleet report, per group, the leak rate (leaked / objects) against a
 * maximum and latency budgets (KIND:pNN<=DURATION, p50, p90, p99 or p999,
 * nearest rank over every completed operation of the group's runs).
 */
#include "offtrace/fleet.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static struct ot_check_case *
add_case(struct ot_check_result *res)
{
	struct ot_check_case *c;

	res->cases = xrealloc(res->cases, st_mult(res->ncases + 1, sizeof(*res->cases)));
	c = &res->cases[res->ncases++];
	memset(c, 0, sizeof(*c));
	return c;
}

static void
case_name(char *buf, size_t len, const struct ot_fleet_report *r,
	  const struct ot_fleet_group *g, const char *what)
{
	if (r->by[0])
		snprintf(buf, len, "%.40s=%.60s %s", r->by, g->value[0] ? g->value : "(none)",
			 what);
	else
		snprintf(buf, len, "%s", what);
}

int
ot_fleet_check(const struct ot_fleet_report *r,
	       const struct ot_fleet_check_opts *o, struct ot_check_result *res,
	       struct ot_err *err)
{
	size_t i, j;

	memset(res, 0, sizeof(*res));
	for (j = 0; j < o->nbudgets; j++) {
		uint32_t p = o->budgets[j].p_milli;

		if (o->budgets[j].scoped)
			return ot_errorf(err, OT_EUSAGE, "--latency '%s': fleet check takes"
					 " KIND:pNN<=DURATION budgets, not per adapter",
					 o->budgets[j].text);
		if (p != 50000 && p != 90000 && p != 99000 && p != 99900)
			return ot_errorf(err, OT_EUSAGE, "--latency '%s': fleet check knows"
					 " p50, p90, p99 and p999", o->budgets[j].text);
	}
	for (i = 0; i < r->ngroups; i++) {
		const struct ot_fleet_group *g = &r->groups[i];
		struct ot_check_case *c;
		char d1[32], d2[32];

		if (o->max_leak_rate >= 0) {
			double rate = g->objects ? (double)g->leaked / (double)g->objects : 0;

			c = add_case(res);
			snprintf(c->classname, sizeof(c->classname), "limits");
			case_name(c->name, sizeof(c->name), r, g, "leak rate");
			c->failed = rate > o->max_leak_rate;
			snprintf(c->message, sizeof(c->message), "%.6f (%" PRIu64 " leaked of %"
				 PRIu64 " objects in %" PRIu64 " run%s) %s %.6f", rate, g->leaked,
				 g->objects, g->runs, g->runs == 1 ? "" : "s",
				 c->failed ? ">" : "<=", o->max_leak_rate);
			res->failed |= c->failed;
		}
		for (j = 0; j < o->nbudgets; j++) {
			const struct ot_budget *b = &o->budgets[j];
			const char *kind = b->syn ? "syn_to_offload" : ot_kind_names[b->kind];
			const struct ot_lat *l = ot_fleet_group_lat(g, kind);
			int64_t v;

			c = add_case(res);
			snprintf(c->classname, sizeof(c->classname), "latency");
			case_name(c->name, sizeof(c->name), r, g, b->text);
			if (l == NULL || l->count == 0) {
				c->skipped = 1;
				snprintf(c->message, sizeof(c->message), "no completed %s"
					 " operation", kind);
				continue;
			}
			v = b->p_milli == 50000 ? l->p50 : b->p_milli == 90000 ? l->p90 :
			    b->p_milli == 99000 ? l->p99 : l->p999;
			c->failed = v > b->limit_ns;
			snprintf(c->message, sizeof(c->message), "%s over %" PRIu64
				 " operations %s %s", ot_fmt_dur(v, d1, sizeof(d1)), l->count,
				 c->failed ? ">" : "<=", ot_fmt_dur(b->limit_ns, d2, sizeof(d2)));
			res->failed |= c->failed;
		}
	}
	return 0;
}

static void
xml_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc('?', out);
			else
				fputc(*s, out);
		}
	}
}

int
ot_fleet_check_junit(const struct ot_check_result *res, FILE *out)
{
	size_t i, nfail = 0, nskip = 0;

	for (i = 0; i < res->ncases; i++) {
		nfail += res->cases[i].failed != 0;
		nskip += !res->cases[i].failed && res->cases[i].skipped;
	}
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"offtrace fleet check\" tests=\"%zu\" failures=\"%zu\""
		" skipped=\"%zu\">\n<testsuite name=\"fleet\" tests=\"%zu\" failures=\"%zu\""
		" skipped=\"%zu\">\n", res->ncases, nfail, nskip, res->ncases, nfail, nskip);
	for (i = 0; i < res->ncases; i++) {
		const struct ot_check_case *c = &res->cases[i];

		fputs("  <testcase classname=\"fleet.", out);
		xml_text(out, c->classname);
		fputs("\" name=\"", out);
		xml_text(out, c->name);
		fputs("\"", out);
		if (c->failed) {
			fputs(">\n    <failure message=\"", out);
			xml_text(out, c->message);
			fputs("\"/>\n  </testcase>\n", out);
		} else if (c->skipped) {
			fputs(">\n    <skipped message=\"", out);
			xml_text(out, c->message);
			fputs("\"/>\n  </testcase>\n", out);
		} else {
			fputs("/>\n", out);
		}
	}
	fputs("</testsuite>\n</testsuites>\n", out);
	return ferror(out) ? -1 : 0;
}
