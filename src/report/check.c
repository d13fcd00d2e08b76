/*
 * check.c - the CI gate (offtrace check): one case per rule (classname
 * "rules"; a rule not checked is a skipped case), per latency budget
 * ("latency") and per limit given ("limits").  The gate fails when any
 * case fails.  Latency percentiles come from the database (nearest rank,
 * the percentile() SQL function), never from re-parsing the trace.
 */
#include "offtrace/report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/store.h"

#define OT_CHECK_MAX_DETAILS 100	/* detail lines per case */
#define OT_CHECK_TEXT_LINES 10		/* of which ot_check_text shows */

struct sbuf {
	char *s;
	size_t len, cap;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) OT_PRINTF(2, 3);

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static struct ot_check_case *
new_case(struct ot_check_result *res, size_t *cap, const char *classname)
{
	struct ot_check_case *c;

	if (res->ncases == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		res->cases = xrealloc(res->cases, st_mult(*cap, sizeof(*c)));
	}
	c = &res->cases[res->ncases++];
	memset(c, 0, sizeof(*c));
	snprintf(c->classname, sizeof(c->classname), "%s", classname);
	return c;
}

static const char *
pct_label(uint32_t p_milli, char *buf, size_t len)
{
	if (p_milli % 1000 == 0)
		snprintf(buf, len, "p%" PRIu32, p_milli / 1000);
	else if (p_milli % 100 == 0)
		snprintf(buf, len, "p%" PRIu32 ".%" PRIu32, p_milli / 1000,
			 p_milli % 1000 / 100);
	else if (p_milli % 10 == 0)
		snprintf(buf, len, "p%" PRIu32 ".%02" PRIu32, p_milli / 1000,
			 p_milli % 1000 / 10);
	else
		snprintf(buf, len, "p%" PRIu32 ".%03" PRIu32, p_milli / 1000,
			 p_milli % 1000);
	return buf;
}

static void
violation_line(struct sbuf *b, const struct ot_rep_violation *v)
{
	char t[OT_TIMEBUF];

	if (v->slot)
		sb_printf(b, "%s slot 0x%" PRIx64, v->rule, v->slot);
	else
		sb_printf(b, "%s slot -", v->rule);
	sb_printf(b, " at %s: %s", ot_fmt_time(v->ts, t), v->message);
	if (v->object_id)
		sb_printf(b, " (object %" PRIu64 ")", v->object_id);
	sb_printf(b, "\n");
}

/* Details of the violations matching rule (or severity when rule < 0). */
static char *
violation_details(const struct ot_report *r, int rule, const char *severity)
{
	struct sbuf b = { NULL, 0, 0 };
	size_t i, n = 0, total = 0;

	for (i = 0; i < r->nviolations; i++) {
		const struct ot_rep_violation *v = &r->violations[i];

		if (rule >= 0 && strcmp(v->rule, ot_rules[rule].id) != 0)
			continue;
		if (severity != NULL && strcmp(v->severity, severity) != 0)
			continue;
		total++;
		if (n++ < OT_CHECK_MAX_DETAILS)
			violation_line(&b, v);
	}
	if (total > OT_CHECK_MAX_DETAILS)
		sb_printf(&b, "... and %zu more\n", total - OT_CHECK_MAX_DETAILS);
	return b.s;
}

static void
rule_cases(const struct ot_report *r, const struct ot_check_opts *o,
	   struct ot_check_result *res, size_t *cap)
{
	int k;

	for (k = 0; k < OT_R_COUNT; k++) {
		const struct ot_rep_rule *u = &r->rules[k];
		struct ot_check_case *c = new_case(res, cap, "rules");
		int gate = o->fail_on[k];

		snprintf(c->name, sizeof(c->name), "%s %s", u->id, u->title);
		if (!u->checked) {
			c->skipped = 1;
			snprintf(c->message, sizeof(c->message),
				 "not checked: %s%s", u->why_not,
				 gate ? " (--fail-on rule)" : "");
			continue;
		}
		if (u->count == 0) {
			snprintf(c->message, sizeof(c->message),
				 "no violations");
			continue;
		}
		c->failed = gate;
		snprintf(c->message, sizeof(c->message),
			 "%" PRIu64 " violation%s (%s)%s", u->count,
			 u->count == 1 ? "" : "s", u->severity,
			 gate ? "" : ", not gating");
		c->details = violation_details(r, k, NULL);
	}
}

/* One line of a budget's details: an operation, or a flow's TCP object. */
static void
op_line(struct sbuf *b, sqlite3_stmt *st, const char *kind)
{
	const unsigned char *ad = sqlite3_column_text(st, 4);
	const unsigned char *ly = sqlite3_column_text(st, 5);
	char t[OT_TIMEBUF], d[32];

	sb_printf(b, "op %" PRId64 " root 0x%" PRIx64 " at %s: %s latency %s (adapter '%s', %s)\n",
		  (int64_t)sqlite3_column_int64(st, 0), (uint64_t)sqlite3_column_int64(st, 1),
		  ot_fmt_time(sqlite3_column_int64(st, 2), t), kind,
		  ot_fmt_dur(sqlite3_column_int64(st, 3), d, sizeof(d)),
		  ad ? (const char *)ad : "", ly ? (const char *)ly : "");
}

static void
syn_line(struct sbuf *b, sqlite3_stmt *st, const char *kind)
{
	char d[32];

	(void)kind;
	sb_printf(b, "flow %" PRId64 " %s:%" PRId64 " <-> %s:%" PRId64 ": object %" PRId64
		  " (%s) offloaded %s after the SYN\n",
		  (int64_t)sqlite3_column_int64(st, 0), sqlite3_column_text(st, 4),
		  (int64_t)sqlite3_column_int64(st, 5), sqlite3_column_text(st, 6),
		  (int64_t)sqlite3_column_int64(st, 7), (int64_t)sqlite3_column_int64(st, 1),
		  sqlite3_column_text(st, 2), ot_fmt_dur(sqlite3_column_int64(st, 3), d, sizeof(d)));
}

static int
budget_case(sqlite3 *db, const struct ot_report *r, const struct ot_budget *bu,
	    struct ot_check_case *c, struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	struct sbuf b = { NULL, 0, 0 };
	char pl[24], lim[32], val[32];
	const char *kind;
	uint64_t count, over = 0, n = 0;
	int64_t value;
	int rc;

	if ((unsigned)bu->kind >= OT_KIND_COUNT || bu->p_milli == 0 ||
	    bu->p_milli > 100000) {
		ot_errorf(err, OT_EUSAGE, "bad latency budget '%s'", bu->text);
		if (err != NULL)
			err->phase = "check";
		return -1;
	}
	kind = bu->syn ? "syn_to_offload" : ot_kind_names[bu->kind];
	pct_label(bu->p_milli, pl, sizeof(pl));
	ot_fmt_dur(bu->limit_ns, lim, sizeof(lim));
	if (bu->text[0])
		snprintf(c->name, sizeof(c->name), "%s", bu->text);
	else
		snprintf(c->name, sizeof(c->name), "%s:%s<=%s", kind, pl, lim);

	/* W3's delays come from the joined flows, one per TCP object; their
	 * queries have no ?2 (binding it is a harmless SQLITE_RANGE) */
	if (sqlite3_prepare_v2(db, bu->syn ?
			       "SELECT count(latency_ns), percentile(latency_ns, ?3),"
			       " coalesce(sum(latency_ns > ?4), 0) FROM syn_to_offload"
			       " WHERE trace_id = ?1" :
			       "SELECT count(latency_ns),"
			       " percentile(latency_ns, ?3), coalesce(sum("
			       "latency_ns > ?4), 0) FROM latency WHERE"
			       " trace_id = ?1 AND kind = ?2", -1, &st, NULL) !=
	    SQLITE_OK)
		goto sqlfail;
	sqlite3_bind_int64(st, 1, r->trace_id);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 3, bu->p_milli / 1000.0);
	sqlite3_bind_int64(st, 4, bu->limit_ns);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto sqlfail;
	count = (uint64_t)sqlite3_column_int64(st, 0);
	value = sqlite3_column_int64(st, 1);
	over = (uint64_t)sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	st = NULL;
	if (count == 0) {
		c->skipped = 1;
		snprintf(c->message, sizeof(c->message), bu->syn ?
			 "no SYN-to-offload delays (no capture joined to a TCP object)" :
			 "no completed %s operations", kind);
		return 0;
	}
	ot_fmt_dur(value, val, sizeof(val));
	c->failed = value > bu->limit_ns;
	snprintf(c->message, sizeof(c->message), "%s %s = %s %s limit %s"
		 " (%" PRIu64 " %s, %" PRIu64 " over the limit)", kind,
		 pl, val, c->failed ? ">" : "<=", lim, count,
		 bu->syn ? "objects" : "operations", over);
	if (over == 0)
		return 0;

	/* The slowest over the limit: operations, or W3's flows and objects. */
	if (sqlite3_prepare_v2(db, bu->syn ?
			       "SELECT j.flow_id, j.object_id, j.layer, j.latency_ns,"
			       " f.a_addr, f.a_port, f.b_addr, f.b_port FROM syn_to_offload j"
			       " JOIN flows f ON f.trace_id = j.trace_id AND f.id = j.flow_id"
			       " WHERE j.trace_id = ?1 AND j.latency_ns > ?3"
			       " ORDER BY j.latency_ns DESC, j.flow_id, j.object_id LIMIT ?4" :
			       "SELECT op_id, root, ts, latency_ns, adapter,"
			       " layer FROM latency WHERE trace_id = ?1 AND"
			       " kind = ?2 AND latency_ns > ?3 ORDER BY"
			       " latency_ns DESC, ts, op_id LIMIT ?4", -1, &st,
			       NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_bind_int64(st, 1, r->trace_id);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, bu->limit_ns);
	sqlite3_bind_int(st, 4, OT_CHECK_MAX_DETAILS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		(bu->syn ? syn_line : op_line)(&b, st, kind);
		n++;
	}
	if (rc != SQLITE_DONE) {
		free(b.s);
		goto sqlfail;
	}
	sqlite3_finalize(st);
	if (over > n)
		sb_printf(&b, "... and %" PRIu64 " more\n", over - n);
	c->details = b.s;
	return 0;
sqlfail:
	ot_errorf(err, OT_EDB, "latency budget '%s': %s", c->name,
		  sqlite3_errmsg(db));
	if (err != NULL)
		err->phase = "check";
	sqlite3_finalize(st);
	return -1;
}

static void
limit_case(struct ot_check_case *c, const char *name, const char *what,
	   uint64_t count, int64_t limit)
{
	snprintf(c->name, sizeof(c->name), "%s %" PRId64, name, limit);
	c->failed = count > (uint64_t)limit;
	snprintf(c->message, sizeof(c->message), "%" PRIu64 " %s%s %s limit %"
		 PRId64, count, what, count == 1 ? "" : "s",
		 c->failed ? ">" : "<=", limit);
}

static char *
leak_details(const struct ot_report *r)
{
	struct sbuf b = { NULL, 0, 0 };
	char t[OT_TIMEBUF];
	size_t i;

	for (i = 0; i < r->nleaks && i < OT_CHECK_MAX_DETAILS; i++) {
		const struct ot_rep_leak *l = &r->leaks[i];

		sb_printf(&b, "slot 0x%" PRIx64 " at %s: %s %s object %" PRIu64
			  " leaked (%s, adapter '%s')\n", l->slot,
			  l->ts == OT_T_NONE ? "-" : ot_fmt_time(l->ts, t),
			  l->state[0] ? l->state : "-", l->layer, l->object_id,
			  l->reason, l->adapter);
	}
	if (r->nleaks > OT_CHECK_MAX_DETAILS)
		sb_printf(&b, "... and %zu more\n",
			  r->nleaks - OT_CHECK_MAX_DETAILS);
	return b.s;
}

int
ot_check_run(sqlite3 *db, const struct ot_report *r,
	     const struct ot_check_opts *o, struct ot_check_result *res,
	     struct ot_err *err)
{
	struct ot_check_case *c;
	size_t cap = 0, i;

	memset(res, 0, sizeof(*res));
	if (o->nbudgets > OT_CHECK_MAX_BUDGETS) {
		ot_errorf(err, OT_EUSAGE, "too many latency budgets (at most %d)",
			  OT_CHECK_MAX_BUDGETS);
		if (err != NULL)
			err->phase = "check";
		return -1;
	}
	if (o->nbudgets > 0 && ot_db_register_functions(db) < 0) {
		ot_errorf(err, OT_EDB, "cannot register SQL functions: %s",
			  sqlite3_errmsg(db));
		if (err != NULL)
			err->phase = "check";
		return -1;
	}
	rule_cases(r, o, res, &cap);
	for (i = 0; i < o->nbudgets; i++) {
		c = new_case(res, &cap, "latency");
		if (budget_case(db, r, &o->budgets[i], c, err) < 0) {
			ot_check_release(res);
			return -1;
		}
	}
	if (o->max_leaks >= 0) {
		c = new_case(res, &cap, "limits");
		limit_case(c, "max-leaks", "leak", r->nleaks, o->max_leaks);
		if (r->nleaks > 0)
			c->details = leak_details(r);
	}
	if (o->max_errors >= 0) {
		c = new_case(res, &cap, "limits");
		limit_case(c, "max-errors", "error", r->summary.errors,
			   o->max_errors);
		if (r->summary.errors > 0)
			c->details = violation_details(r, -1, "error");
	}
	if (o->max_warnings >= 0) {
		c = new_case(res, &cap, "limits");
		limit_case(c, "max-warnings", "warning", r->summary.warnings,
			   o->max_warnings);
		if (r->summary.warnings > 0)
			c->details = violation_details(r, -1, "warning");
	}
	for (i = 0; i < res->ncases; i++)
		if (res->cases[i].failed)
			res->failed = 1;
	return 0;
}

void
ot_check_release(struct ot_check_result *res)
{
	size_t i;

	if (res == NULL)
		return;
	for (i = 0; i < res->ncases; i++)
		free(res->cases[i].details);
	free(res->cases);
	res->cases = NULL;
	res->ncases = 0;
	res->failed = 0;
}

/*
 * Indent the first OT_CHECK_TEXT_LINES lines of details by prefix (the
 * JUnit output has them all); control characters shown as '?'.
 */
static void
put_details(FILE *out, const char *d, const char *prefix)
{
	size_t lines = 0, more = 0;
	int bol = 1;

	for (; d != NULL && *d; d++) {
		unsigned char ch = (unsigned char)*d;

		if (lines >= OT_CHECK_TEXT_LINES) {
			more += ch == '\n';
			continue;
		}
		if (bol)
			fputs(prefix, out);
		bol = ch == '\n';
		lines += bol;
		fputc(bol || (ch >= 0x20 && ch != 0x7f) ? ch : '?', out);
	}
	if (!bol)
		fputc('\n', out);
	if (more > 0)
		fprintf(out, "%s(%zu more line%s)\n", prefix, more,
			more == 1 ? "" : "s");
}

static void
put_line(FILE *out, const char *s)
{
	for (; s != NULL && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, out);
	}
}

int
ot_check_text(const struct ot_check_result *res, FILE *out)
{
	return ot_check_text_opts(res, out, NULL);
}

int
ot_check_text_opts(const struct ot_check_result *res, FILE *out,
		   const struct ot_text_opts *o)
{
	int color = o != NULL && o->color;
	size_t i, nfail = 0, nskip = 0;

	for (i = 0; i < res->ncases; i++) {
		nfail += res->cases[i].failed != 0;
		nskip += res->cases[i].skipped != 0;
	}
	fprintf(out, "offtrace check: %s%s%s (%zu checks: %zu failed, %zu"
		" passed, %zu skipped)\n", !color ? "" : res->failed ?
		"\033[1;31m" : "\033[1;32m", res->failed ? "FAIL" : "PASS",
		color ? "\033[0m" : "", res->ncases, nfail,
		res->ncases - nfail - nskip, nskip);
	for (i = 0; i < res->ncases; i++) {
		const struct ot_check_case *c = &res->cases[i];

		/* the colour codes take no column: padding stays aligned */
		fprintf(out, "  %s%-4s%s  %-7s  ", !color ? "" : c->failed ?
			"\033[31m" : c->skipped ? "\033[2m" : "\033[32m",
			c->failed ? "FAIL" : c->skipped ? "skip" : "ok",
			color ? "\033[0m" : "", c->classname);
		put_line(out, c->name);
		fputs(": ", out);
		put_line(out, c->message);
		fputc('\n', out);
		if (c->failed)
			put_details(out, c->details, "                 ");
	}
	return ferror(out) ? -1 : 0;
}

/*
 * GitHub Actions workflow commands ("::error file=F,line=N,title=T::msg").
 * The runner splits a command at CR/LF and decodes %XX, so data escapes
 * '%', CR and LF, and property values also ':' and ',' which delimit
 * them.  Other control characters (C0, DEL, C1) become '?' as in the
 * text output, since the log is shown in a terminal-like view, and invalid
 * UTF-8 becomes U+FFFD.
 */
static void
put_gh(FILE *out, const char *str, int prop)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t n = strlen((const char *)s), i, k;

	for (i = 0; i < n; i++) {
		unsigned char ch = s[i];

		if (ch >= 0x80) {
			/* invalid UTF-8 as U+FFFD: the log is UTF-8 */
			k = ot_utf8_len(s + i, n - i);
			if (k == 0 || (k == 2 && ch == 0xc2 && s[i + 1] < 0xa0))
				fputs(k ? "?" : "\xef\xbf\xbd", out);
			else
				fwrite(s + i, 1, k, out);
			i += k ? k - 1 : 0;
		} else if (ch == '%')
			fputs("%25", out);
		else if (ch == '\r')
			fputs("%0D", out);
		else if (ch == '\n')
			fputs("%0A", out);
		else if (prop && ch == ':')
			fputs("%3A", out);
		else if (prop && ch == ',')
			fputs("%2C", out);
		else if (ch < 0x20 || ch == 0x7f)
			fputc('?', out);
		else
			fputc(ch, out);
	}
}

/* One annotation; file NULL or "" and line 0 leave those properties out. */
static void
gh_line(FILE *out, const char *level, const char *file, uint64_t line,
	const char *title, const char *msg)
{
	fprintf(out, "::%s ", level);
	if (file != NULL && *file) {
		fputs("file=", out);
		put_gh(out, file, 1);
		if (line)
			fprintf(out, ",line=%" PRIu64, line);
		fputc(',', out);
	}
	fputs("title=", out);
	put_gh(out, title, 1);
	fputs("::", out);
	put_gh(out, msg, 0);
	fputc('\n', out);
}

/* Input file and line of the first event that proves v, when known. */
static const char *
violation_where(sqlite3_stmt *st, const struct ot_report *r,
		const struct ot_rep_violation *v, uint64_t *line)
{
	int64_t input;

	*line = 0;
	if (v->nevents == 0 || st == NULL)
		return r->nin == 1 ? r->in[0].file : NULL;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 2, (int64_t)v->event_ids[0]);
	if (sqlite3_step(st) != SQLITE_ROW)
		return r->nin == 1 ? r->in[0].file : NULL;
	input = sqlite3_column_int64(st, 0);
	if (input < 0 || (uint64_t)input >= r->nin)
		return NULL;
	*line = (uint64_t)sqlite3_column_int64(st, 1);
	return r->in[input].file;
}

int
ot_check_github(sqlite3 *db, const struct ot_check_result *res,
		const struct ot_report *r, FILE *out)
{
	sqlite3_stmt *st = NULL;
	struct sbuf b = { NULL, 0, 0 };
	const char *file;
	char title[160];
	uint64_t line;
	size_t i;
	int k;

	/* evidence locations; without them the annotations lose file= only */
	if (sqlite3_prepare_v2(db, "SELECT input, line FROM events WHERE eid ="
			       " ?1 * 1099511627776 + ?2", -1, &st, NULL) !=
	    SQLITE_OK) {
		sqlite3_finalize(st);
		st = NULL;
	} else {
		sqlite3_bind_int64(st, 1, r->trace_id);
	}
	for (i = 0; i < r->nviolations; i++) {
		const struct ot_rep_violation *v = &r->violations[i];
		int gated = 0;

		k = ot_rule_from_id(v->rule);
		/* a warning of a --fail-on rule fails the gate: an error */
		if (k >= 0 && res->ncases >= OT_R_COUNT)
			gated = res->cases[k].failed;
		b.len = 0;
		violation_line(&b, v);
		if (b.len > 0 && b.s[b.len - 1] == '\n')
			b.s[--b.len] = '\0';
		snprintf(title, sizeof(title), "%s %s", v->rule,
			 k >= 0 && ot_rules[k].title ? ot_rules[k].title : "");
		file = violation_where(st, r, v, &line);
		gh_line(out, strcmp(v->severity, "error") == 0 || gated ?
			"error" : "warning", file, line, title, b.s);
	}
	sqlite3_finalize(st);
	for (i = 0; i < res->ncases; i++) {
		const struct ot_check_case *c = &res->cases[i];

		const char *d = c->details;
		size_t lines = 0;

		if (!c->failed || strcmp(c->classname, "rules") == 0)
			continue;
		snprintf(title, sizeof(title), "%s %s", c->classname, c->name);
		/* the message, then the first objects involved (one a line) */
		b.len = 0;
		sb_printf(&b, "%s", c->message);
		for (; d != NULL && *d && lines < OT_CHECK_TEXT_LINES; lines++) {
			const char *nl = strchr(d, '\n');
			size_t n = nl ? (size_t)(nl - d) : strlen(d);

			sb_printf(&b, "\n%.*s", (int)n, d);
			d += n + (nl != NULL);
		}
		if (d != NULL && *d)
			sb_printf(&b, "\n...");
		gh_line(out, "error", r->nin == 1 ? r->in[0].file : NULL, 0,
			title, b.s);
	}
	free(b.s);
	return ferror(out) ? -1 : 0;
}
