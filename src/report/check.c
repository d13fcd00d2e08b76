/*
 * check.c - the CI gate (offtrace check): one case per rule (classname
 * "rules"; a rule not checked is a skipped case), per latency budget
 * ("latency") and per limit given ("limits").  The gate fails when any
 * case fails.  Latency percentiles come from the database (nearest rank,
 * the percentile() SQL function), never from re-parsing the trace.
 */
#include "offtrace/report.h"

#include <fnmatch.h>
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

/* "p99", "p99.9", "p999" (= 99.9, as people write them), "p100" */
static int
parse_pct(const char *p, size_t plen, uint32_t *p_milli)
{
	char pct[16];
	uint32_t whole = 0, frac = 0, fdigits = 0;
	size_t i;
	int dot = 0;

	if (plen < 2 || p[0] != 'p' || plen - 1 + 2 >= sizeof(pct))
		return -1;
	plen--;
	memcpy(pct, p + 1, plen);
	pct[plen] = '\0';
	if (strchr(pct, '.') == NULL && plen > 2 && strcmp(pct, "100") != 0) {
		memmove(pct + 3, pct + 2, plen - 1);
		pct[2] = '.';
	}
	for (i = 0; pct[i]; i++) {
		if (pct[i] == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (pct[i] < '0' || pct[i] > '9')
			return -1;
		if (!dot) {
			whole = whole * 10 + (uint32_t)(pct[i] - '0');
			if (whole > 100)
				return -1;
		} else if (++fdigits <= 3) {
			frac = frac * 10 + (uint32_t)(pct[i] - '0');
		} else {
			return -1;
		}
	}
	for (; fdigits < 3; fdigits++)
		frac *= 10;
	*p_milli = whole * 1000 + frac;
	return *p_milli == 0 || *p_milli > 100000 ? -1 : 0;
}

/*
 * [ADAPTER/LAYER/]KIND:pNN<=DURATION.  The percentile is after the last
 * ':' before the last "<=", and the scope splits at its last two '/', so
 * an adapter name may hold ':' and '/'.
 */
int
ot_budget_parse(const char *s, struct ot_budget *b)
{
	const char *le = NULL, *colon = NULL, *p, *kind, *slash = NULL, *lslash = NULL;
	size_t n = strlen(s), klen, i;
	int k = -1;

	memset(b, 0, sizeof(*b));
	if (n == 0 || n >= sizeof(b->text))
		return -1;
	for (p = strstr(s, "<="); p; p = strstr(p + 1, "<="))
		le = p;
	if (le == NULL)
		return -1;
	for (p = s; p < le; p++)
		if (*p == ':')
			colon = p;
	if (colon == NULL)
		return -1;
	for (p = s; p < colon; p++)
		if (*p == '/') {
			lslash = slash;
			slash = p;
		}
	kind = slash ? slash + 1 : s;
	klen = (size_t)(colon - kind);
	if (slash != NULL) {
		const char *layer;
		size_t llen;

		if (lslash == NULL)
			return -1;	/* ADAPTER/KIND: the layer is missing */
		layer = lslash + 1;
		llen = (size_t)(slash - layer);
		b->scoped = 1;
		if (llen == 1 && layer[0] == '*') {
			b->any_layer = 1;
		} else {
			int l = ot_layer_from_name(layer, llen);

			if (l < 0)
				return -1;
			b->layer = (enum ot_layer)l;
		}
		memcpy(b->adapter, s, (size_t)(lslash - s));
		b->adapter[lslash - s] = '\0';
		if (klen == 1 && kind[0] == '*') {
			b->any_kind = 1;
			k = 0;
		}
	}
	for (i = 0; i < OT_KIND_COUNT && k < 0; i++)
		if (strlen(ot_kind_names[i]) == klen &&
		    memcmp(ot_kind_names[i], kind, klen) == 0)
			k = (int)i;
	if (k < 0 && !b->scoped && klen == 14 &&
	    memcmp(kind, "syn_to_offload", 14) == 0) {
		b->syn = 1;	/* W3's delays have no adapter: never scoped */
		k = 0;
	}
	if (k < 0)
		return -1;
	b->kind = (enum ot_kind)k;
	if (parse_pct(colon + 1, (size_t)(le - colon - 1), &b->p_milli) < 0)
		return -1;
	if (ot_parse_dur(le + 2, &b->limit_ns) < 0)
		return -1;
	memcpy(b->text, s, n + 1);
	return 0;
}

/*
 * One case per rule.  A rule not checked is skipped, or failed when it
 * was given to --fail-on and not to --allow-unchecked: the gate cannot
 * vouch for it.  A rule with violations fails when they gate the run
 * (--fail-on, or a limit of their severity exceeded), and is a warning
 * otherwise; it is never passed.
 */
static void
rule_cases(const struct ot_report *r, const struct ot_check_opts *o,
	   struct ot_check_result *res, size_t *cap)
{
	uint64_t nerr[OT_R_COUNT] = { 0 }, nwarn[OT_R_COUNT] = { 0 };
	int err_gate = o->max_errors >= 0 &&
		       r->summary.errors > (uint64_t)o->max_errors;
	int warn_gate = o->max_warnings >= 0 &&
			r->summary.warnings > (uint64_t)o->max_warnings;
	char sev[64], why[96];
	size_t i;
	int k;

	/* a rule's violations may be of either severity (E1, E3) */
	for (i = 0; i < r->nviolations; i++) {
		k = ot_rule_from_id(r->violations[i].rule);
		if (k < 0)
			continue;
		if (strcmp(r->violations[i].severity, "error") == 0)
			nerr[k]++;
		else
			nwarn[k]++;
	}
	for (k = 0; k < OT_R_COUNT; k++) {
		const struct ot_rep_rule *u = &r->rules[k];
		struct ot_check_case *c = new_case(res, cap, "rules");
		uint64_t n = u->count;

		snprintf(c->name, sizeof(c->name), "%s %s", u->id, u->title);
		if (!u->checked) {
			if (o->fail_on[k] && !o->allow_unchecked[k]) {
				c->failed = 1;
				snprintf(c->message, sizeof(c->message),
					 "not checked: %s (--fail-on %s: the gate cannot vouch for it; --allow-unchecked %s accepts that)",
					 u->why_not, u->id, u->id);
			} else {
				c->skipped = 1;
				snprintf(c->message, sizeof(c->message),
					 "not checked: %s%s", u->why_not,
					 o->fail_on[k] ? " (--fail-on rule, --allow-unchecked)" : "");
			}
			continue;
		}
		if (n == 0) {
			snprintf(c->message, sizeof(c->message),
				 "no violations");
			continue;
		}
		if (nerr[k] + nwarn[k] != n || (nerr[k] && nwarn[k]))
			snprintf(sev, sizeof(sev), "%" PRIu64 " error%s, %"
				 PRIu64 " warning%s", nerr[k],
				 nerr[k] == 1 ? "" : "s", nwarn[k],
				 nwarn[k] == 1 ? "" : "s");
		else
			snprintf(sev, sizeof(sev), "%s",
				 nerr[k] ? "error" : "warning");
		if (o->fail_on[k])
			snprintf(why, sizeof(why), "--fail-on %s", u->id);
		else if (nerr[k] && err_gate)
			snprintf(why, sizeof(why), "%" PRIu64
				 " error%s in all > max-errors %" PRId64,
				 r->summary.errors,
				 r->summary.errors == 1 ? "" : "s", o->max_errors);
		else if (nwarn[k] && warn_gate)
			snprintf(why, sizeof(why), "%" PRIu64
				 " warning%s in all > max-warnings %" PRId64,
				 r->summary.warnings,
				 r->summary.warnings == 1 ? "" : "s", o->max_warnings);
		else
			why[0] = '\0';
		if (why[0]) {
			c->failed = 1;
			snprintf(c->message, sizeof(c->message),
				 "%" PRIu64 " violation%s (%s), gating: %s", n,
				 n == 1 ? "" : "s", sev, why);
		} else {
			c->warned = 1;
			if (nerr[k] && o->max_errors >= 0)
				snprintf(why, sizeof(why), "within max-errors %"
					 PRId64, o->max_errors);
			else if (nwarn[k] && o->max_warnings >= 0)
				snprintf(why, sizeof(why), "within max-warnings %"
					 PRId64, o->max_warnings);
			else
				snprintf(why, sizeof(why), "no limit on %ss",
					 nerr[k] ? "error" : "warning");
			snprintf(c->message, sizeof(c->message),
				 "%" PRIu64 " violation%s (%s), not gating: %s",
				 n, n == 1 ? "" : "s", sev, why);
		}
		c->details = violation_details(r, k, NULL);
	}
}

/* One line of a budget's details: an operation, or a flow's TCP object. */


/* A text column, "" for NULL (a damaged database may hold one anywhere). */
static const char *
col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? (const char *)s : "";
}

static void
op_line(struct sbuf *b, sqlite3_stmt *st, const char *kind)
{
	char t[OT_TIMEBUF], d[32];

	sb_printf(b, "op %" PRId64 " root 0x%" PRIx64 " at %s: %s latency %s (adapter '%s', %s)\n",
		  (int64_t)sqlite3_column_int64(st, 0), (uint64_t)sqlite3_column_int64(st, 1),
		  ot_fmt_time(sqlite3_column_int64(st, 2), t), kind,
		  ot_fmt_dur(sqlite3_column_int64(st, 3), d, sizeof(d)),
		  col_text(st, 4), col_text(st, 5));
}
static void
syn_line(struct sbuf *b, sqlite3_stmt *st, const char *kind)
{
	char d[32];

	(void)kind;
	sb_printf(b, "flow %" PRId64 " %s:%" PRId64 " <-> %s:%" PRId64 ": object %" PRId64
		  " (%s) offloaded %s after the SYN\n",
		  (int64_t)sqlite3_column_int64(st, 0), col_text(st, 4),
		  (int64_t)sqlite3_column_int64(st, 5), col_text(st, 6),
		  (int64_t)sqlite3_column_int64(st, 7), (int64_t)sqlite3_column_int64(st, 1),
		  col_text(st, 2), ot_fmt_dur(sqlite3_column_int64(st, 3), d, sizeof(d)));
}

/* A group of a scoped budget: one (adapter, layer, kind) row of latency. */
struct brow {
	char *adapter;
	int layer, kind;
	uint64_t count, over;
	int64_t value;
};

static int
cmp_brow(const void *a, const void *b)
{
	const struct brow *x = a, *y = b;
	int c = strcmp(x->adapter, y->adapter);

	if (c)
		return c;
	if (x->layer != y->layer)
		return x->layer < y->layer ? -1 : 1;
	return (x->kind > y->kind) - (x->kind < y->kind);
}

static const char *
brow_label(const struct brow *w, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/%s", w->adapter, ot_layer_names[w->layer],
		 ot_kind_names[w->kind]);
	return buf;
}

static void
brow_verdict(char *buf, size_t len, const struct brow *w, const char *pl,
	     const char *lim, int64_t limit)
{
	char lb[OT_BUDGET_TEXT + 32], val[32];

	snprintf(buf, len, "%s %s = %s %s limit %s (%" PRIu64 " operations, %"
		 PRIu64 " over the limit)", brow_label(w, lb, sizeof(lb)), pl,
		 ot_fmt_dur(w->value, val, sizeof(val)),
		 w->value > limit ? ">" : "<=", lim, w->count, w->over);
}

/*
 * A scoped budget: each (adapter, layer, kind) group that matches must
 * meet it on its own (percentiles of a union say nothing of its parts).
 * No group: skipped, with what matched nothing.
 */
static int
scoped_case(sqlite3 *db, const struct ot_report *r, const struct ot_budget *bu,
	    struct ot_check_case *c, const char *pl, const char *lim,
	    struct ot_err *err)
{
	sqlite3_stmt *st = NULL;
	struct sbuf b = { NULL, 0, 0 };
	struct brow *rows = NULL;
	size_t n = 0, cap = 0, i, nfail = 0, worst = 0, lines = 0;
	char line[OT_BUDGET_TEXT + 160];
	int rc, ret = -1;

	if (sqlite3_prepare_v2(db, "SELECT adapter, layer, kind,"
			       " count(latency_ns), percentile(latency_ns, ?2),"
			       " coalesce(sum(latency_ns > ?3), 0) FROM latency"
			       " WHERE trace_id = ?1 GROUP BY adapter, layer, kind",
			       -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_bind_int64(st, 1, r->trace_id);
	sqlite3_bind_double(st, 2, bu->p_milli / 1000.0);
	sqlite3_bind_int64(st, 3, bu->limit_ns);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *ad = (const char *)sqlite3_column_text(st, 0);
		const char *ly = (const char *)sqlite3_column_text(st, 1);
		const char *kd = (const char *)sqlite3_column_text(st, 2);
		int l = ly ? ot_layer_from_name(ly, strlen(ly)) : -1, k;

		for (k = 0; kd && k < OT_KIND_COUNT; k++)
			if (strcmp(kd, ot_kind_names[k]) == 0)
				break;
		if (ad == NULL)
			ad = "";
		if (l < 0 || kd == NULL || k == OT_KIND_COUNT ||
		    (!bu->any_layer && l != (int)bu->layer) ||
		    (!bu->any_kind && k != (int)bu->kind) ||
		    fnmatch(bu->adapter, ad, 0) != 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			rows = xrealloc(rows, st_mult(cap, sizeof(*rows)));
		}
		rows[n].adapter = xstrdup(ad);
		rows[n].layer = l;
		rows[n].kind = k;
		rows[n].count = (uint64_t)sqlite3_column_int64(st, 3);
		rows[n].value = sqlite3_column_int64(st, 4);
		rows[n].over = (uint64_t)sqlite3_column_int64(st, 5);
		n++;
	}
	if (rc != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(st);
	st = NULL;
	if (n == 0) {
		c->skipped = 1;
		snprintf(c->message, sizeof(c->message),
			 "not checked: no completed operations of adapter '%s',"
			 " layer %s, kind %s", bu->adapter,
			 bu->any_layer ? "*" : ot_layer_names[bu->layer],
			 bu->any_kind ? "*" : ot_kind_names[bu->kind]);
		ret = 0;
		goto out;
	}
	qsort(rows, n, sizeof(*rows), cmp_brow);
	for (i = 0; i < n; i++) {
		nfail += rows[i].value > bu->limit_ns;
		if (rows[i].value > rows[worst].value)
			worst = i;
	}
	c->failed = nfail > 0;
	brow_verdict(line, sizeof(line), &rows[worst], pl, lim, bu->limit_ns);
	if (n == 1)
		snprintf(c->message, sizeof(c->message), "%s", line);
	else
		snprintf(c->message, sizeof(c->message), "%zu adapter/layer/kind"
			 " groups, %zu over the limit; %s %s", n, nfail,
			 nfail ? "worst" : "slowest", line);

	/* with several groups, each one's verdict (failed ones first), then
	 * the slowest operations of the failed */
	for (i = 0; i < n && lines < OT_CHECK_MAX_DETAILS; i++)
		if (rows[i].value > bu->limit_ns && n > 1) {
			brow_verdict(line, sizeof(line), &rows[i], pl, lim,
				     bu->limit_ns);
			sb_printf(&b, "%s\n", line);
			lines++;
		}
	for (i = 0; i < n && lines < OT_CHECK_MAX_DETAILS; i++)
		if (rows[i].value <= bu->limit_ns && n > 1) {
			brow_verdict(line, sizeof(line), &rows[i], pl, lim,
				     bu->limit_ns);
			sb_printf(&b, "%s\n", line);
			lines++;
		}
	if (sqlite3_prepare_v2(db, "SELECT op_id, root, ts, latency_ns, adapter,"
			       " layer FROM latency WHERE trace_id = ?1 AND"
			       " kind = ?2 AND adapter = ?5 AND layer = ?6 AND"
			       " latency_ns > ?3 ORDER BY latency_ns DESC, ts,"
			       " op_id LIMIT ?4", -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	for (i = 0; i < n && lines < OT_CHECK_MAX_DETAILS; i++) {
		if (rows[i].value <= bu->limit_ns)
			continue;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, r->trace_id);
		sqlite3_bind_text(st, 2, ot_kind_names[rows[i].kind], -1,
				  SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, bu->limit_ns);
		sqlite3_bind_int64(st, 4, (int64_t)(OT_CHECK_MAX_DETAILS - lines));
		sqlite3_bind_text(st, 5, rows[i].adapter, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, ot_layer_names[rows[i].layer], -1,
				  SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			op_line(&b, st, ot_kind_names[rows[i].kind]);
			lines++;
		}
		if (rc != SQLITE_DONE)
			goto sqlfail;
	}
	c->details = b.s;
	b.s = NULL;
	ret = 0;
	goto out;
sqlfail:
	ot_errorf(err, OT_EDB, "latency budget '%s': %s", c->name,
		  sqlite3_errmsg(db));
	if (err != NULL)
		err->phase = "check";
out:
	sqlite3_finalize(st);
	for (i = 0; i < n; i++)
		free(rows[i].adapter);
	free(rows);
	free(b.s);
	return ret;
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
	if (bu->scoped && !bu->syn)
		return scoped_case(db, r, bu, c, pl, lim, err);

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
 * JUnit output has them all); each escaped for the terminal
 * (ot_term_escape).
 */
static void
put_details(FILE *out, const char *d, const char *prefix)
{
	size_t lines = 0, more = 0, n;

	while (d != NULL && *d) {
		n = strcspn(d, "\n");
		if (lines < OT_CHECK_TEXT_LINES) {
			fputs(prefix, out);
			ot_term_write(out, d, n);
			fputc('\n', out);
			lines++;
		} else {
			more++;
		}
		d += n + (d[n] == '\n');
	}
	if (more > 0)
		fprintf(out, "%s(%zu more line%s)\n", prefix, more,
			more == 1 ? "" : "s");
}

static void
put_line(FILE *out, const char *s)
{
	ot_term_puts(out, s);
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
	size_t i, nfail = 0, nwarn = 0, nskip = 0;

	for (i = 0; i < res->ncases; i++) {
		nfail += res->cases[i].failed != 0;
		nwarn += !res->cases[i].failed && res->cases[i].warned;
		nskip += !res->cases[i].failed && !res->cases[i].warned &&
			 res->cases[i].skipped;
	}
	fprintf(out, "offtrace check: %s%s%s (%zu checks: %zu failed, %zu"
		" warning%s, %zu passed, %zu skipped)\n", !color ? "" :
		res->failed ? "\033[1;31m" : "\033[1;32m",
		res->failed ? "FAIL" : "PASS", color ? "\033[0m" : "",
		res->ncases, nfail, nwarn, nwarn == 1 ? "" : "s",
		res->ncases - nfail - nwarn - nskip, nskip);
	for (i = 0; i < res->ncases; i++) {
		const struct ot_check_case *c = &res->cases[i];
		const char *word = c->failed ? "FAIL" : c->warned ? "warn" :
				   c->skipped ? "skip" : "ok";
		const char *sgr = c->failed ? "\033[31m" : c->warned ?
				  "\033[33m" : c->skipped ? "\033[2m" : "\033[32m";

		/* the colour codes take no column: padding stays aligned */
		fprintf(out, "  %s%-4s%s  %-7s  ", color ? sgr : "", word,
			color ? "\033[0m" : "", c->classname);
		put_line(out, c->name);
		fputs(": ", out);
		put_line(out, c->message);
		fputc('\n', out);
		if (c->failed || c->warned)
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
	char title[256];
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

		/* an error when its rule's case failed (the violation gates
		 * the run, whatever its severity), a warning otherwise */
		k = ot_rule_from_id(v->rule);
		if (k >= 0 && res->ncases >= OT_R_COUNT)
			gated = res->cases[k].failed;
		else
			gated = strcmp(v->severity, "error") == 0;
		b.len = 0;
		violation_line(&b, v);
		if (b.len > 0 && b.s[b.len - 1] == '\n')
			b.s[--b.len] = '\0';
		snprintf(title, sizeof(title), "%s %s", v->rule,
			 k >= 0 && ot_rules[k].title ? ot_rules[k].title : "");
		file = violation_where(st, r, v, &line);
		gh_line(out, gated ? "error" : "warning", file, line, title, b.s);
	}
	sqlite3_finalize(st);
	for (i = 0; i < res->ncases; i++) {
		const struct ot_check_case *c = &res->cases[i];

		const char *d = c->details;
		size_t lines = 0;

		/* a failed rule has its violations above, unless it failed
		 * for want of evidence (--fail-on a rule not checked) */
		if (!c->failed || (strcmp(c->classname, "rules") == 0 &&
				   c->details != NULL))
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
