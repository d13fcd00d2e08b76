/*
 * tmf.c - WPP trace message format (TMF) files.  Format facts:
 * ../shared/FORMATS.md section 2.2 (tracepdb output, nefarius TmfParser.cs,
 * PerfView WPPTraceEventParser.cs); argument sizes from section 2.1.
 *
 * The parser works line by line over a memory buffer; every line is
 * checked for length and for bytes that cannot be in a text file before it
 * is looked at, and every string kept is a copy, so the buffer may go away
 * after parsing.
 */
#include "offtrace/tmf.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "offtrace/etl.h"

static const struct {
	const char *name;
	int type;
	int size;
} tmf_types[] = {
	{ "ItemChar", OT_TMF_CHAR, 1 },
	{ "ItemUChar", OT_TMF_UCHAR, 1 },
	{ "ItemCharSign", OT_TMF_CHARSIGN, 1 },
	{ "ItemCharShort", OT_TMF_CHARSHORT, 1 },
	{ "ItemShort", OT_TMF_SHORT, 2 },
	{ "ItemUShort", OT_TMF_USHORT, 2 },
	{ "ItemLong", OT_TMF_LONG, 4 },
	{ "ItemULong", OT_TMF_ULONG, 4 },
	{ "ItemULongX", OT_TMF_ULONGX, 4 },
	{ "ItemLongLong", OT_TMF_LONGLONG, 8 },
	{ "ItemULongLong", OT_TMF_ULONGLONG, 8 },
	{ "ItemLongLongX", OT_TMF_LONGLONGX, 8 },
	{ "ItemLongLongXX", OT_TMF_LONGLONGXX, 8 },
	{ "ItemULongLongX", OT_TMF_ULONGLONGX, 8 },
	{ "ItemDouble", OT_TMF_DOUBLE, 8 },
	{ "ItemPtr", OT_TMF_PTR, 0 },
	{ "ItemNTSTATUS", OT_TMF_NTSTATUS, 4 },
	{ "ItemHRESULT", OT_TMF_HRESULT, 4 },
	{ "ItemWINERROR", OT_TMF_WINERROR, 4 },
	{ "ItemNTerror", OT_TMF_NTERROR, 4 },
	{ "ItemMerror", OT_TMF_MERROR, 4 },
	{ "ItemNETEVENT", OT_TMF_NETEVENT, 4 },
	{ "ItemEnum", OT_TMF_ENUM, 4 },
	{ "ItemBool", OT_TMF_BOOL, 4 },
	{ "ItemChar4", OT_TMF_CHAR4, 4 },
	{ "ItemString", OT_TMF_STRING, -1 },
	{ "ItemWString", OT_TMF_WSTRING, -2 },
	{ "ItemRString", OT_TMF_RSTRING, -1 },
	{ "ItemRWString", OT_TMF_RWSTRING, -2 },
	{ "ItemPString", OT_TMF_PSTRING, -3 },
	{ "ItemPWString", OT_TMF_PWSTRING, -3 },
	{ "ItemGuid", OT_TMF_GUID, 16 },
	{ "ItemCLSID", OT_TMF_CLSID, 16 },
	{ "ItemLIBID", OT_TMF_LIBID, 16 },
	{ "ItemIID", OT_TMF_IID, 16 },
	{ "ItemIPAddr", OT_TMF_IPADDR, 4 },
	{ "ItemIPV6Addr", OT_TMF_IPV6ADDR, 16 },
	{ "ItemMACAddr", OT_TMF_MACADDR, 6 },
	{ "ItemPort", OT_TMF_PORT, 2 },
	{ "ItemListLong", OT_TMF_LISTLONG, 4 },
	{ "ItemListShort", OT_TMF_LISTSHORT, 2 },
	{ "ItemListByte", OT_TMF_LISTBYTE, 1 },
	{ "ItemSetLong", OT_TMF_SETLONG, 4 },
	{ "ItemSetShort", OT_TMF_SETSHORT, 2 },
	{ "ItemSetByte", OT_TMF_SETBYTE, 1 },
	{ "ItemTimestamp", OT_TMF_TIMESTAMP, 8 },
	{ "ItemWaitTime", OT_TMF_WAITTIME, 8 },
	{ "ItemTimeDelta", OT_TMF_TIMEDELTA, 8 },
	{ "ItemSid", OT_TMF_SID, -4 },
	{ "ItemHexDump", OT_TMF_HEXDUMP, -3 },
};

#define NTYPES (sizeof(tmf_types) / sizeof(tmf_types[0]))

const char *
ot_tmf_type_name(int type)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (tmf_types[i].type == type)
			return tmf_types[i].name;
	return "?";
}

int
ot_tmf_type_size(int type)
{
	size_t i;

	/* the table is in enum order: one look, the loop only as a guard */
	if (type >= 0 && (size_t)type < NTYPES && tmf_types[type].type == type)
		return tmf_types[type].size;
	for (i = 0; i < NTYPES; i++)
		if (tmf_types[i].type == type)
			return tmf_types[i].size;
	return 4;
}

static int
type_lookup(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (strlen(tmf_types[i].name) == n && memcmp(tmf_types[i].name, s, n) == 0)
			return tmf_types[i].type;
	return -1;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int
is_ident(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static int
is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char *
dupn(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Trim spaces on both ends of [*s, *s + *n). */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* A GUID "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" at s (n bytes)? */
static int
is_guid(const char *s, size_t n)
{
	size_t i;

	if (n < 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!is_hex((unsigned char)s[i])) {
			return 0;
		}
	}
	return n == 36 || is_space((unsigned char)s[36]) || s[36] == '/';
}

static void
msg_free(struct ot_tmf_msg *m)
{
	unsigned i, j;

	for (i = 0; i < m->nargs; i++) {
		free(m->args[i].expr);
		for (j = 0; j < m->args[i].nnames; j++)
			free(m->args[i].names[j]);
		free(m->args[i].names);
	}
	free(m->args);
	free(m->tag);
	free(m->format);
	free(m->level);
	free(m->flags);
	free(m->func);
	free(m->compname);
	free(m->subcomp);
	memset(m, 0, sizeof(*m));
}

void
ot_tmf_release(struct ot_tmf *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nmsgs; i++)
		msg_free(&t->msgs[i]);
	free(t->msgs);
	for (i = 0; i < t->nguids; i++) {
		free(t->guids[i]);
		free(t->friendlies[i]);
	}
	free(t->guids);
	free(t->friendlies);
	free(t->name);
	memset(t, 0, sizeof(*t));
}

struct pstate {
	struct ot_tmf *t;
	struct ot_err *err;
	const char *name;
	uint64_t line;
};

static int
perr(struct pstate *ps, const char *fmt, const char *a)
{
	int r = ot_errorf_at(ps->err, OT_EINPUT, ps->name, ps->line, fmt, a);

	if (ps->err != NULL)
		ps->err->phase = "tmf";
	return r;
}

/* The GUID line: "<guid> [<friendly>] [// SRC=...]". */
static int
parse_guid_line(struct pstate *ps, const char *s, size_t n)
{
	struct ot_tmf *t = ps->t;
	const char *f;
	size_t fn = 0, i;
	char *g;

	if (t->nguids >= OT_TMF_MAX_MSGS)
		return perr(ps, "too many GUID lines%s", "");
	f = s + 36;
	while (f < s + n && is_space((unsigned char)*f))
		f++;
	if (f < s + n && !(f + 1 < s + n && f[0] == '/' && f[1] == '/'))
		while (f + fn < s + n && !is_space((unsigned char)f[fn]))
			fn++;
	g = dupn(s, 36);
	for (i = 0; i < 36; i++)
		if (g[i] >= 'A' && g[i] <= 'F')
			g[i] = (char)(g[i] - 'A' + 'a');
	t->guids = xrealloc(t->guids, st_mult(t->nguids + 1, sizeof(char *)));
	t->friendlies = xrealloc(t->friendlies, st_mult(t->nguids + 1, sizeof(char *)));
	t->guids[t->nguids] = g;
	t->friendlies[t->nguids] = dupn(f, fn);
	t->nguids++;
	return 0;
}

/* Value of "KEY=" in a #typev comment: up to the next known key. */
static char *
comment_value(const char *c, size_t n, const char *key)
{
	static const char *const keys[] = { "LEVEL=", "FLAGS=", "FUNC=", "COMPNAME=", "SUBCOMP=" };
	size_t kl = strlen(key), i, k, end, start = 0;
	int found = 0;
	const char *v;
	size_t vn;

	for (i = 0; i + kl <= n; i++) {
		if ((i == 0 || is_space((unsigned char)c[i - 1])) && memcmp(c + i, key, kl) == 0) {
			start = i + kl;
			found = 1;
			break;
		}
	}
	if (!found)
		return xstrdup("");
	end = n;
	for (i = start + 1; i < n && end == n; i++) {
		if (!is_space((unsigned char)c[i - 1]))
			continue;
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			size_t l = strlen(keys[k]);

			if (i + l <= n && memcmp(c + i, keys[k], l) == 0) {
				end = i;
				break;
			}
		}
	}
	v = c + start;
	vn = end - start;
	trim(&v, &vn);
	return dupn(v, vn);
}

/* "#typev <tag> <number> "<format>" [// comment]" (s after "#typev"). */
static int
parse_typev(struct pstate *ps, const char *s, size_t n, struct ot_tmf_msg *m)
{
	size_t i = 0, ts, q0, q1, j;
	uint32_t num = 0;
	const char *c;
	size_t cn;

	while (i < n && is_space((unsigned char)s[i]))
		i++;
	ts = i;
	while (i < n && !is_space((unsigned char)s[i]) && s[i] != '"')
		i++;
	if (i == ts)
		return perr(ps, "#typev without a source tag%s", "");
	m->tag = dupn(s + ts, i - ts);
	while (i < n && is_space((unsigned char)s[i]))
		i++;
	if (i >= n || s[i] < '0' || s[i] > '9')
		return perr(ps, "#typev without a message number%s", "");
	while (i < n && s[i] >= '0' && s[i] <= '9') {
		num = num * 10 + (uint32_t)(s[i] - '0');
		if (num > 0xFFFF)
			return perr(ps, "#typev message number above 65535%s", "");
		i++;
	}
	m->number = (uint16_t)num;
	while (i < n && is_space((unsigned char)s[i]))
		i++;
	if (i >= n || s[i] != '"')
		return perr(ps, "#typev without a quoted format string%s", "");
	q0 = i + 1;
	/* the closing quote: the last one followed by spaces and "//" or the end */
	q1 = 0;
	for (j = n; j > q0; j--) {
		size_t k = j;

		if (s[j - 1] != '"')
			continue;
		while (k < n && is_space((unsigned char)s[k]))
			k++;
		if (k == n || (k + 1 < n && s[k] == '/' && s[k + 1] == '/')) {
			q1 = j - 1;
			break;
		}
	}
	if (q1 == 0 || q1 < q0)
		return perr(ps, "#typev format string without its closing quote%s", "");
	m->format = dupn(s + q0, q1 - q0);
	c = s + q1 + 1;
	cn = n - (q1 + 1);
	trim(&c, &cn);
	if (cn >= 2 && c[0] == '/' && c[1] == '/') {
		c += 2;
		cn -= 2;
	}
	m->level = comment_value(c, cn, "LEVEL=");
	m->flags = comment_value(c, cn, "FLAGS=");
	m->func = comment_value(c, cn, "FUNC=");
	m->compname = comment_value(c, cn, "COMPNAME=");
	m->subcomp = comment_value(c, cn, "SUBCOMP=");
	return 0;
}

/* "Item<Type>[(<names>)]" exactly covering [s, s + n)?  1 yes (filled), 0 no. */
static int
parse_typespec(const char *s, size_t n, const char **tname, size_t *tlen,
	       const char **names, size_t *nlen)
{
	size_t i = 4;

	if (n < 5 || memcmp(s, "Item", 4) != 0)
		return 0;
	while (i < n && is_ident((unsigned char)s[i]))
		i++;
	*tname = s;
	*tlen = i;
	*names = NULL;
	*nlen = 0;
	while (i < n && is_space((unsigned char)s[i]))
		i++;
	if (i == n)
		return 1;
	if (s[i] != '(' || s[n - 1] != ')')
		return 0;
	*names = s + i + 1;
	*nlen = n - 1 - (i + 1);
	return memchr(*names, ')', *nlen) == NULL && memchr(*names, '(', *nlen) == NULL;
}

/* "<expr>, Item<Type>[(<names>)] -- <N>" */
static int
parse_arg(struct pstate *ps, const char *s, size_t n, struct ot_tmf_arg *a)
{
	size_t i, e, p, tlen = 0, nlen = 0;
	uint32_t idx = 0;
	const char *tname = NULL, *names = NULL, *x;
	int type, found = 0;
	char tbuf[64];

	memset(a, 0, sizeof(*a));
	/* the trailing "-- N" */
	e = n;
	while (e > 0 && s[e - 1] >= '0' && s[e - 1] <= '9')
		e--;
	if (e == n || n - e > 5)
		return perr(ps, "argument line without '-- N'%s", "");
	for (i = e; i < n; i++)
		idx = idx * 10 + (uint32_t)(s[i] - '0');
	while (e > 0 && is_space((unsigned char)s[e - 1]))
		e--;
	if (e < 2 || s[e - 1] != '-' || s[e - 2] != '-')
		return perr(ps, "argument line without '-- N'%s", "");
	e -= 2;
	while (e > 0 && is_space((unsigned char)s[e - 1]))
		e--;
	/* the rightmost ", Item..." that covers the rest */
	for (p = e; p-- > 0;) {
		size_t q = p;

		if (p + 4 > e || memcmp(s + p, "Item", 4) != 0)
			continue;
		while (q > 0 && is_space((unsigned char)s[q - 1]))
			q--;
		if (q != 0 && s[q - 1] != ',')
			continue;
		if (parse_typespec(s + p, e - p, &tname, &tlen, &names, &nlen)) {
			found = 1;
			x = s;
			i = q > 0 ? q - 1 : 0;
			trim(&x, &i);
			a->expr = dupn(x, i);
			break;
		}
	}
	if (!found)
		return perr(ps, "argument line without an Item type%s", "");
	type = type_lookup(tname, tlen);
	if (type < 0) {
		if (tlen >= sizeof(tbuf))
			tlen = sizeof(tbuf) - 1;
		memcpy(tbuf, tname, tlen);
		tbuf[tlen] = '\0';
		return perr(ps, "unknown argument type '%s'", tbuf);
	}
	a->type = type;
	a->index = idx;
	if (names != NULL) {
		const char *w = names;
		size_t left = nlen;

		while (left > 0) {
			const char *comma = memchr(w, ',', left);
			size_t wl = comma ? (size_t)(comma - w) : left;
			const char *ws = w;
			size_t wn = wl;

			if (a->nnames >= OT_TMF_MAX_NAMES)
				return perr(ps, "more than 256 names in an argument list%s", "");
			trim(&ws, &wn);
			a->names = xrealloc(a->names, st_mult(a->nnames + 1, sizeof(char *)));
			a->names[a->nnames++] = dupn(ws, wn);
			if (comma == NULL)
				break;
			left -= wl + 1;
			w = comma + 1;
		}
	}
	return 0;
}

static int
same_msg(const struct ot_tmf_msg *a, const struct ot_tmf_msg *b)
{
	unsigned i, j;

	if (a->number != b->number || strcmp(a->guid, b->guid) != 0 ||
	    strcmp(a->tag, b->tag) != 0 || strcmp(a->format, b->format) != 0 ||
	    strcmp(a->func, b->func) != 0 || a->nargs != b->nargs)
		return 0;
	for (i = 0; i < a->nargs; i++) {
		if (a->args[i].type != b->args[i].type || a->args[i].index != b->args[i].index ||
		    a->args[i].nnames != b->args[i].nnames)
			return 0;
		for (j = 0; j < a->args[i].nnames; j++)
			if (strcmp(a->args[i].names[j], b->args[i].names[j]) != 0)
				return 0;
	}
	return 1;
}

static const struct ot_tmf_msg *sort_base;

static int
cmp_idx(const void *pa, const void *pb)
{
	const struct ot_tmf_msg *a = &sort_base[*(const size_t *)pa];
	const struct ot_tmf_msg *b = &sort_base[*(const size_t *)pb];
	int c = strcmp(a->guid, b->guid);

	if (c != 0)
		return c;
	if (a->number != b->number)
		return a->number < b->number ? -1 : 1;
	return *(const size_t *)pa < *(const size_t *)pb ? -1 : 1;
}

/* Drop repeated entries, keeping the first of each (GUID, number). */
static void
dedup(struct ot_tmf *t)
{
	size_t *idx, i, w, run;
	unsigned char *drop;

	if (t->nmsgs < 2)
		return;
	idx = xmalloc(st_mult(t->nmsgs, sizeof(size_t)));
	drop = xcalloc(t->nmsgs, 1);
	for (i = 0; i < t->nmsgs; i++)
		idx[i] = i;
	sort_base = t->msgs;
	qsort(idx, t->nmsgs, sizeof(size_t), cmp_idx);
	sort_base = NULL;
	for (i = 1, run = 0; i < t->nmsgs; i++) {
		const struct ot_tmf_msg *a = &t->msgs[idx[run]], *b = &t->msgs[idx[i]];

		if (a->number != b->number || strcmp(a->guid, b->guid) != 0) {
			run = i;
			continue;
		}
		drop[idx[i]] = 1;
		if (same_msg(a, b))
			t->duplicates++;
		else
			t->conflicts++;
	}
	for (i = w = 0; i < t->nmsgs; i++) {
		if (drop[i]) {
			msg_free(&t->msgs[i]);
			continue;
		}
		t->msgs[w++] = t->msgs[i];
	}
	t->nmsgs = w;
	free(idx);
	free(drop);
}

enum { ST_OUT, ST_WANT_BRACE, ST_IN, ST_SKIP_WANT, ST_SKIP_IN };

int
ot_tmf_parse(const char *buf, size_t len, const char *name,
	     struct ot_tmf *t, struct ot_err *err)
{
	struct pstate ps;
	struct ot_tmf_msg *cur = NULL;
	size_t pos = 0;
	int st = ST_OUT;

	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	ps.t = t;
	ps.err = err;
	ps.name = name;
	ps.line = 0;
	if (len > OT_TMF_MAX_FILE)
		return perr(&ps, "file larger than 8 MiB%s", "");
	if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
	    (unsigned char)buf[2] == 0xBF)
		pos = 3;
	while (pos < len) {
		const char *s = buf + pos, *nl;
		size_t n, i;

		nl = memchr(s, '\n', len - pos);
		n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + (nl ? 1 : 0);
		ps.line++;
		if (n > OT_TMF_MAX_LINE)
			return perr(&ps, "line longer than 16384 bytes%s", "");
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];

			if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
				return perr(&ps, "binary data (a control byte)%s, not a TMF file", "");
		}
		trim(&s, &n);
		if (st == ST_WANT_BRACE || st == ST_SKIP_WANT) {
			if (n == 0)
				continue;
			if (s[0] != '{')
				return perr(&ps, "expected '{' after #typev%s", "");
			st = st == ST_WANT_BRACE ? ST_IN : ST_SKIP_IN;
			s++;
			n--;
			trim(&s, &n);
			if (n == 0)
				continue;
		}
		if (st == ST_SKIP_IN) {
			if (memchr(s, '}', n) != NULL)
				st = ST_OUT;
			continue;
		}
		if (st == ST_IN) {
			int closes = n > 0 && s[n - 1] == '}';

			if (closes) {
				n--;
				trim(&s, &n);
			}
			if (n > 0) {
				if (n >= 6 && memcmp(s, "#typev", 6) == 0)
					return perr(&ps, "unterminated '{': #typev inside an argument list%s", "");
				if (cur->nargs >= OT_TMF_MAX_ARGS)
					return perr(&ps, "more than 64 arguments in one message%s", "");
				cur->args = xrealloc(cur->args,
						     st_mult(cur->nargs + 1, sizeof(*cur->args)));
				if (parse_arg(&ps, s, n, &cur->args[cur->nargs]) < 0) {
					cur->nargs++;
					return -1;
				}
				cur->nargs++;
			}
			if (closes) {
				st = ST_OUT;
				cur = NULL;
			}
			continue;
		}
		/* ST_OUT */
		if (n == 0 || (n >= 2 && s[0] == '/' && s[1] == '/'))
			continue;
		if (is_guid(s, n)) {
			if (parse_guid_line(&ps, s, n) < 0)
				return -1;
			continue;
		}
		if (n >= 6 && memcmp(s, "#typev", 6) == 0 && (n == 6 || is_space((unsigned char)s[6]))) {
			if (t->nguids == 0)
				return perr(&ps, "#typev before the GUID line (missing GUID line)%s", "");
			if (t->nmsgs >= OT_TMF_MAX_MSGS)
				return perr(&ps, "more than 65536 messages%s", "");
			if (t->nmsgs == t->cap) {
				t->cap = t->cap ? 2 * t->cap : 64;
				t->msgs = xrealloc(t->msgs, st_mult(t->cap, sizeof(*t->msgs)));
			}
			cur = &t->msgs[t->nmsgs++];
			memset(cur, 0, sizeof(*cur));
			cur->guid = t->guids[t->nguids - 1];
			cur->friendly = t->friendlies[t->nguids - 1];
			cur->line = ps.line;
			t->entries++;
			if (parse_typev(&ps, s + 6, n - 6, cur) < 0)
				return -1;
			st = ST_WANT_BRACE;
			continue;
		}
		if (s[0] == '#') {
			/* other directives (#enumv, #typed...): their block is skipped */
			st = ST_SKIP_WANT;
			continue;
		}
		return perr(&ps, "unexpected line (not a GUID line, #typev or comment)%s", "");
	}
	if (st == ST_WANT_BRACE || st == ST_SKIP_WANT)
		return perr(&ps, "file ends before the '{' of the last #typev%s", "");
	if (st == ST_IN || st == ST_SKIP_IN)
		return perr(&ps, "unterminated '{' at the end of the file%s", "");
	if (t->nguids == 0)
		return perr(&ps, "missing GUID line%s", "");
	dedup(t);
	return 0;
}

/* Read a whole file of at most max bytes. */
static char *
read_file(const char *path, size_t max, size_t *len, struct ot_err *err)
{
	FILE *f;
	char *buf;
	size_t n = 0, cap = 65536;

	f = fopen(path, "rb");
	if (f == NULL) {
		ot_errorf_at(err, OT_EINPUT, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	buf = xmalloc(cap);
	for (;;) {
		size_t r;

		if (n == cap) {
			if (cap > max) {
				ot_errorf_at(err, OT_EINPUT, path, 0, "file larger than %zu bytes", max);
				goto fail;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		ot_errorf_at(err, OT_EINPUT, path, 0, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (n > max) {
		ot_errorf_at(err, OT_EINPUT, path, 0, "file larger than %zu bytes", max);
		goto fail;
	}
	fclose(f);
	*len = n;
	return buf;
fail:
	if (err != NULL)
		err->phase = "tmf";
	fclose(f);
	free(buf);
	return NULL;
}

int
ot_tmf_load(const char *path, struct ot_tmf *t, struct ot_err *err)
{
	char *buf;
	size_t len = 0;
	int r;

	memset(t, 0, sizeof(*t));
	buf = read_file(path, OT_TMF_MAX_FILE, &len, err);
	if (buf == NULL)
		return -1;
	r = ot_tmf_parse(buf, len, path, t, err);
	free(buf);
	return r;
}

struct tmf_ent {
	const char *guid;
	uint16_t number;
	const struct ot_tmf_msg *msg;
};

struct ot_tmfdir {
	struct ot_tmf *files;
	size_t nfiles;
	struct tmf_ent *ents;
	size_t nents;
	/* the entries of the last GUID looked up: a trace's messages come
	 * from a few GUIDs, and formatting the GUID for every search was a
	 * third of a decode */
	uint8_t last_guid[16];
	int have_last;
	size_t last_lo, last_hi;
};

static int
cmp_ent(const void *pa, const void *pb)
{
	const struct tmf_ent *a = pa, *b = pb;
	int c = strcmp(a->guid, b->guid);

	if (c != 0)
		return c;
	if (a->number != b->number)
		return a->number < b->number ? -1 : 1;
	/* keep the first file's entry first (stable by load order) */
	return a->msg < b->msg ? -1 : a->msg > b->msg;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct ot_tmfdir *
ot_tmfdir_open(const char *dir, struct ot_err *err)
{
	struct ot_tmfdir *d;
	DIR *dh;
	struct dirent *de;
	char **names = NULL, *path = NULL;
	size_t nnames = 0, i, j, total = 0, w;

	dh = opendir(dir);
	if (dh == NULL) {
		ot_errorf_at(err, OT_EINPUT, dir, 0, "cannot open the --tmf directory: %s",
			     strerror(errno));
		return NULL;
	}
	while ((de = readdir(dh)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 4, ".tmf") != 0)
			continue;
		if (nnames >= OT_TMF_MAX_FILES) {
			closedir(dh);
			for (i = 0; i < nnames; i++)
				free(names[i]);
			free(names);
			ot_errorf_at(err, OT_EINPUT, dir, 0, "more than %d .tmf files",
				     OT_TMF_MAX_FILES);
			return NULL;
		}
		names = xrealloc(names, st_mult(nnames + 1, sizeof(char *)));
		names[nnames++] = xstrdup(de->d_name);
	}
	closedir(dh);
	if (nnames > 1)
		qsort(names, nnames, sizeof(char *), cmp_name);
	d = xcalloc(1, sizeof(*d));
	d->files = xcalloc(nnames ? nnames : 1, sizeof(*d->files));
	for (i = 0; i < nnames; i++) {
		struct stat sb;
		size_t pl = strlen(dir) + strlen(names[i]) + 2;

		free(path);
		path = xmalloc(pl);
		snprintf(path, pl, "%s/%s", dir, names[i]);
		if (stat(path, &sb) == 0) {
			if (!S_ISREG(sb.st_mode))
				continue;
			total += (size_t)sb.st_size;
			if (total > OT_TMF_MAX_DIR_BYTES) {
				ot_errorf_at(err, OT_EINPUT, dir, 0,
					     "the .tmf files hold more than %u bytes",
					     OT_TMF_MAX_DIR_BYTES);
				goto fail;
			}
		}
		d->nfiles++;
		if (ot_tmf_load(path, &d->files[d->nfiles - 1], err) < 0)
			goto fail;
	}
	for (i = 0; i < d->nfiles; i++)
		d->nents += d->files[i].nmsgs;
	d->ents = xcalloc(d->nents ? d->nents : 1, sizeof(*d->ents));
	for (i = w = 0; i < d->nfiles; i++)
		for (j = 0; j < d->files[i].nmsgs; j++) {
			d->ents[w].guid = d->files[i].msgs[j].guid;
			d->ents[w].number = d->files[i].msgs[j].number;
			d->ents[w].msg = &d->files[i].msgs[j];
			w++;
		}
	qsort(d->ents, d->nents, sizeof(*d->ents), cmp_ent);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(path);
	return d;
fail:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(path);
	ot_tmfdir_free(d);
	return NULL;
}

void
ot_tmfdir_free(struct ot_tmfdir *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nfiles; i++)
		ot_tmf_release(&d->files[i]);
	free(d->files);
	free(d->ents);
	free(d);
}

void
ot_tmfdir_counts(const struct ot_tmfdir *d, size_t *files, size_t *msgs)
{
	*files = d->nfiles;
	*msgs = d->nents;
}

const struct ot_tmf_msg *
ot_tmfdir_find(const struct ot_tmfdir *d, const uint8_t guid[16], uint16_t number)
{
	struct ot_tmfdir *cache = (struct ot_tmfdir *)d;	/* only the cache changes */
	char g[37];
	size_t lo, hi, k;

	if (!d->have_last || memcmp(d->last_guid, guid, 16) != 0) {
		/* the range of entries with this GUID (sorted by GUID, number) */
		ot_etl_guid_str(guid, g);
		for (k = 0; k < 36; k++)
			if (g[k] >= 'A' && g[k] <= 'F')
				g[k] = (char)(g[k] - 'A' + 'a');
		lo = 0;
		hi = d->nents;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (strcmp(d->ents[mid].guid, g) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (k = lo; k < d->nents && strcmp(d->ents[k].guid, g) == 0; k++)
			;
		memcpy(cache->last_guid, guid, 16);
		cache->have_last = 1;
		cache->last_lo = lo;
		cache->last_hi = k;
	}
	lo = d->last_lo;
	hi = d->last_hi;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->ents[mid].number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < d->last_hi && d->ents[lo].number == number)
		return d->ents[lo].msg;
	return NULL;
}
