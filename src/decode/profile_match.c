/*
 * profile_match.c - matching (profile.h, DESIGN.md section 3): the
 * compiled rules against tracefmt text lines, binary WPP messages and
 * manifest events, and the key unmatched text is counted under.  A match
 * fills the event through profile_field.c, the one profile file this
 * calls; the loader (profile_load.c) built the rules and their dispatch.
 *
 * Matching is anchored and linear: an optional group is tried once at
 * its position and skipped when it does not match; no backtracking
 * inside a group; a str placeholder runs to the first occurrence of the
 * literal after it, found by KMP (its table built by the compiler), so a
 * byte of the text is compared at most twice however long the literal
 * (the naive search cost length x literal: 2.2 s on one 1 MB line).  Text rules are found by their function name through a
 * hash table, so a line costs one function-name scan, one lookup and the
 * rules of that function.
 */
#include "profile_int.h"

#include <arpa/inet.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/etl.h"

/* -------------------------------------------------------------------- */
/* typed scanners: text [s + *i, s + n) */

/* Bytes the literal searches looked at on this thread (the test hook). */
static _Thread_local uint64_t match_work;

uint64_t
ot_profile_match_work(void)
{
	return match_work;
}

/*
 * The first occurrence of literal sg in [s + from, s + n), by KMP with
 * sg->next: its offset, or n when there is none.  Each step either moves
 * on in the text or falls back in the literal, so at most 2 (n - from)
 * steps; with nothing matched, memchr() skips to the literal's first
 * byte.
 */
static size_t
find_lit(const struct seg *sg, const char *s, size_t n, size_t from)
{
	const char *lit = sg->lit, *p;
	size_t m = sg->len, q = 0, i = from;
	uint64_t work = 0;

	while (i < n && n - i >= m - q) {
		if (q == 0) {
			p = memchr(s + i, lit[0], n - i);
			work += (uint64_t)(p != NULL ? (size_t)(p - (s + i)) : n - i);
			if (p == NULL)
				break;
			i = (size_t)(p - s);
			if (n - i < m)
				break;
		}
		work++;
		if (s[i] == lit[q]) {
			i++;
			if (++q == m) {
				match_work += work;
				return i - m;
			}
		} else {
			q = sg->next[q - 1];	/* q > 0: s[i] == lit[0] when q is 0 */
		}
	}
	match_work += work;
	return n;
}

/* Hex digit values, -1 for other bytes (ot_hexval() as a table). */
static const signed char hexv[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, -1, -1, -1, -1, -1, -1,
	-1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/* Hex with an optional 0x and WinDbg's backtick after 8 digits; at most 16 digits. */
static int
scan_hex(const char *s, size_t n, size_t *i, struct val *v)
{
	size_t k = *i;
	unsigned digits = 0;
	uint64_t u = 0;

	if (k + 1 < n && s[k] == '0' && (s[k + 1] == 'x' || s[k + 1] == 'X'))
		k += 2;
	for (; k < n; k++) {
		int h = hexv[(unsigned char)s[k]];

		if (h < 0) {
			if (s[k] == '`' && digits == 8)
				continue;
			break;
		}
		if (++digits > 16)
			return -1;
		u = u << 4 | (unsigned)h;
	}
	if (digits == 0)
		return -1;
	v->num = 1;
	v->u = u;
	*i = k;
	return 0;
}

static int
scan_dec(const char *s, size_t n, size_t *i, int sign, struct val *v)
{
	size_t k = *i;
	uint64_t u = 0;
	int neg = 0;

	if (k + 1 < n && s[k] == '0' && (s[k + 1] == 'x' || s[k + 1] == 'X'))
		return scan_hex(s, n, i, v);
	if (sign && k < n && s[k] == '-') {
		neg = 1;
		k++;
	}
	if (k >= n || s[k] < '0' || s[k] > '9')
		return -1;
	while (k < n && s[k] >= '0' && s[k] <= '9') {
		unsigned d = (unsigned)(s[k] - '0');

		if (u > (UINT64_MAX - d) / 10)
			return -1;
		u = u * 10 + d;
		k++;
	}
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return -1;
		u = (uint64_t)0 - u;
	} else if (sign && u > (uint64_t)INT64_MAX) {
		return -1;
	}
	v->num = 1;
	v->u = u;
	*i = k;
	return 0;
}

static int
scan(const struct seg *sg, const char *s, size_t n, size_t *i, struct val *v)
{
	size_t st = *i, k = *i;
	int64_t sv;

	memset(v, 0, sizeof(*v));
	switch (sg->type) {
	case T_PTR:
	case T_HEX:
		if (scan_hex(s, n, i, v) < 0)
			return -1;
		break;
	case T_U8: case T_U16: case T_U32: case T_U64:
		if (scan_dec(s, n, i, 0, v) < 0)
			return -1;
		if ((sg->type == T_U8 && v->u > 0xFF) || (sg->type == T_U16 && v->u > 0xFFFF) ||
		    (sg->type == T_U32 && v->u > 0xFFFFFFFFu))
			return -1;
		break;
	case T_I32: case T_I64:
		if (scan_dec(s, n, i, 1, v) < 0)
			return -1;
		sv = (int64_t)v->u;
		if (sg->type == T_I32 && (sv < INT32_MIN || sv > INT32_MAX) &&
		    v->u > 0xFFFFFFFFu)
			return -1;
		break;
	case T_NTSTATUS:
		/* 0x%08x, tracefmt's %!STATUS! adds "(NAME)" */
		if (scan_hex(s, n, i, v) < 0 || v->u > 0xFFFFFFFFu)
			return -1;
		if (*i < n && s[*i] == '(') {
			k = *i + 1;
			while (k < n && s[k] != ')' && s[k] != ' ')
				k++;
			if (k < n && s[k] == ')')
				*i = k + 1;
		}
		break;
	case T_PORT:
		if (scan_dec(s, n, i, 0, v) < 0 || v->u > 65535)
			return -1;
		break;
	case T_IP:
		while (k < n && (hexv[(unsigned char)s[k]] >= 0 || s[k] == '.' || s[k] == ':'))
			k++;
		/* "10.0.0.1:445": the address ends before the port */
		while (!prof_valid_ip(s + st, k - st)) {
			while (k > st && s[k - 1] != ':')
				k--;
			if (k == st)
				return -1;
			k--;
		}
		v->str = 1;
		*i = k;
		break;
	case T_GUID:
		if (k < n && s[k] == '{')
			k++;
		while (k < n && (hexv[(unsigned char)s[k]] >= 0 || s[k] == '-'))
			k++;
		if (k < n && s[k] == '}' && s[st] == '{')
			k++;
		if (k - st < 36)
			return -1;
		v->str = 1;
		*i = k;
		break;
	case T_WORD: {
		const struct seg *nx = sg + 1;
		char stop = nx->kind == S_LIT ? nx->lit[0] : ' ';

		while (k < n && s[k] != ' ' && s[k] != '\t' && s[k] != stop)
			k++;
		if (k == st)
			return -1;
		v->str = 1;
		*i = k;
		break;
	}
	case T_STR: {
		const struct seg *nx = sg + 1;

		if (nx->kind != S_LIT) {
			k = n;	/* the last segment: the rest */
		} else if ((k = find_lit(nx, s, n, k)) == n) {
			return -1;
		}
		v->str = 1;
		*i = k;
		break;
	}
	default:
		return -1;
	}
	v->s = s + st;
	v->n = *i - st;
	return 0;
}

/*
 * Match a rule's template against [s, s + n): 1 and the captures in v, or
 * 0.  Optional groups are tried once where they stand.
 */
static int
match_template(const struct rule *r, const char *s, size_t n, struct val *v)
{
	size_t i = 0, pos = 0;
	long open = -1;		/* segment index of the group being tried */
	size_t gpos = 0;

	for (i = 0; i < r->ncaps; i++)
		memset(&v[i], 0, sizeof(v[i]));
	i = 0;
	while (i < r->nsegs) {
		const struct seg *sg = &r->segs[i];
		int ok = 1;

		switch (sg->kind) {
		case S_LIT:
			ok = pos + sg->len <= n && memcmp(s + pos, sg->lit, sg->len) == 0;
			if (ok)
				pos += sg->len;
			break;
		case S_CAP:
			ok = scan(sg, s, n, &pos, &v[sg->cap]) == 0;
			break;
		case S_OPEN:
			open = (long)i;
			gpos = pos;
			break;
		default:
			open = -1;
			break;
		}
		if (ok) {
			i++;
			continue;
		}
		if (open < 0)
			return 0;
		/* the group is not there: forget its captures, skip it */
		for (i = (size_t)open + 1; r->segs[i].kind != S_CLOSE; i++)
			if (r->segs[i].kind == S_CAP)
				memset(&v[r->segs[i].cap], 0, sizeof(v[0]));
		pos = gpos;
		i = r->segs[open].close + 1;
		open = -1;
	}
	return pos == n;
}

/* The fields of a rule's captures, in capture order. */
static void
cap_fields(const struct rule *r, uint8_t *flds)
{
	size_t i;

	for (i = 0; i < r->nsegs; i++)
		if (r->segs[i].kind == S_CAP)
			flds[r->segs[i].cap] = r->segs[i].fld;
}

static int
ident_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '~';
}

/*
 * The function a message starts with, in one of the forms drivers use:
 * "[Func] rest", "Func: rest", "!Func[123]!rest" (C++ "Class::Method" too).
 * 1 and func/rest set, or 0.
 */
static int
split_func(const char *s, size_t n, const char **func, size_t *flen, size_t *rest)
{
	size_t k = 0;

	if (n > 0 && s[0] == '[') {
		for (k = 1; k < n && s[k] != ']' && s[k] != ' '; k++)
			;
		if (k >= n || s[k] != ']' || k == 1)
			return 0;
		*func = s + 1;
		*flen = k - 1;
		k++;
		if (k < n && s[k] == ' ')
			k++;
		*rest = k;
		return 1;
	}
	if (n > 0 && s[0] == '!') {
		for (k = 1; k < n && (ident_char(s[k]) || s[k] == ':'); k++)
			;
		if (k == 1 || k >= n || s[k] != '[')
			return 0;
		*func = s + 1;
		*flen = k - 1;
		while (k < n && s[k] != '!')
			k++;
		if (k >= n)
			return 0;
		*rest = k + 1;
		return 1;
	}
	for (k = 0; k < n && (ident_char(s[k]) || (s[k] == ':' && k + 1 < n && s[k + 1] == ':')); k++)
		if (s[k] == ':')
			k++;
	if (k == 0 || k >= n || s[k] != ':' || (k + 1 < n && s[k + 1] != ' '))
		return 0;
	*func = s;
	*flen = k;
	*rest = k + 1 < n ? k + 2 : k + 1;
	return 1;
}

static int
try_text_rule(const struct rule *r, const char *friendly, size_t fl, const char *s,
	      size_t n, struct ot_strtab *st, struct ot_event *ev)
{
	struct val v[OT_PROFILE_MAX_CAPS];
	uint8_t flds[OT_PROFILE_MAX_CAPS];

	if (r->friendly != NULL &&
	    (friendly == NULL || fl != r->friendly_len || memcmp(friendly, r->friendly, fl) != 0))
		return 0;
	if (r->segs == NULL)
		return prof_apply(r, NULL, NULL, 0, st, ev);
	if (!match_template(r, s, n, v))
		return 0;
	cap_fields(r, flds);
	return prof_apply(r, flds, v, r->ncaps, st, ev);
}

/* Text rules on a message; deffunc (may be NULL) when it names no function. */
static int
match_text(const struct ot_profile *p, const char *friendly, size_t fl, const char *text,
	   size_t n, const char *deffunc, size_t deflen, struct ot_strtab *st,
	   struct ot_event *ev)
{
	const char *func = NULL;
	size_t flen = 0, rest = 0, k = 0;
	long j = -1;

	while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\r'))
		n--;
	if (!split_func(text, n, &func, &flen, &rest) && deffunc != NULL && deflen > 0) {
		func = deffunc;
		flen = deflen;
		rest = 0;
	}
	if (func != NULL && p->fcap > 0) {
		uint64_t h = fnv(func, flen);
		size_t b;

		for (b = h & (p->fcap - 1); p->ftab[b]; b = (b + 1) & (p->fcap - 1))
			if (p->r[p->ftab[b] - 1].fhash == h) {
				j = p->ftab[b] - 1;
				break;
			}
	}
	/* rules of this function and rules without one, in rule order */
	for (;;) {
		const struct rule *r;
		int use_func;

		while (j >= 0 && (p->r[j].funclen != flen || memcmp(p->r[j].func, func, flen) != 0))
			j = p->r[j].next_same;
		if (j < 0 && k >= p->nnofunc)
			return 0;
		use_func = j >= 0 && (k >= p->nnofunc || (size_t)j < p->nofunc[k]);
		if (use_func) {
			r = &p->r[j];
			j = r->next_same;
			if (try_text_rule(r, friendly, fl, text + rest, n - rest, st, ev))
				return 1;
		} else {
			r = &p->r[p->nofunc[k++]];
			if (try_text_rule(r, friendly, fl, text, n, st, ev))
				return 1;
		}
	}
}

int
ot_profile_match_text(const struct ot_profile *p, const char *friendly,
		      size_t friendly_len, const char *text, size_t n,
		      struct ot_strtab *st, struct ot_event *ev)
{
	return match_text(p, friendly, friendly_len, text, n, NULL, 0, st, ev);
}

int
ot_profile_match_text_func(const struct ot_profile *p, const char *friendly,
			   size_t friendly_len, const char *func, size_t func_len,
			   const char *text, size_t n, struct ot_strtab *st,
			   struct ot_event *ev)
{
	return match_text(p, friendly, friendly_len, text, n, func, func_len, st, ev);
}

/* -------------------------------------------------------------------- */
/* binary WPP and manifest payloads */

/* scratch space for text made from binary values */
struct scratch {
	char b[4096];
	size_t used;
};

static char *
sc_alloc(struct scratch *sc, size_t n)
{
	char *p;

	if (sc->used + n > sizeof(sc->b))
		return NULL;
	p = sc->b + sc->used;
	sc->used += n;
	return p;
}

/* UTF-16LE (n bytes) to UTF-8 in scratch; unpaired surrogates as U+FFFD. */
static int
utf16_val(struct scratch *sc, const uint8_t *p, size_t n, struct val *v)
{
	char *o = sc_alloc(sc, 2 * n + 4), *s = o;
	size_t i;

	if (o == NULL)
		return -1;
	for (i = 0; i + 1 < n; i += 2) {
		uint32_t c = ot_le16(p + i);

		if (c >= 0xD800 && c < 0xDC00 && i + 3 < n && ot_le16(p + i + 2) >= 0xDC00 &&
		    ot_le16(p + i + 2) < 0xE000) {
			c = 0x10000 + ((c - 0xD800) << 10) + (ot_le16(p + i + 2) - 0xDC00);
			i += 2;
		} else if (c >= 0xD800 && c < 0xE000) {
			c = 0xFFFD;
		}
		if (c < 0x80) {
			*o++ = (char)c;
		} else if (c < 0x800) {
			*o++ = (char)(0xC0 | (c >> 6));
			*o++ = (char)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			*o++ = (char)(0xE0 | (c >> 12));
			*o++ = (char)(0x80 | ((c >> 6) & 0x3F));
			*o++ = (char)(0x80 | (c & 0x3F));
		} else {
			*o++ = (char)(0xF0 | (c >> 18));
			*o++ = (char)(0x80 | ((c >> 12) & 0x3F));
			*o++ = (char)(0x80 | ((c >> 6) & 0x3F));
			*o++ = (char)(0x80 | (c & 0x3F));
		}
	}
	text_val(v, s, (size_t)(o - s));
	return 0;
}

static int
addr_val(struct scratch *sc, int af, const uint8_t *p, struct val *v)
{
	char *o = sc_alloc(sc, OT_ADDR_MAX);

	if (o == NULL || inet_ntop(af, p, o, OT_ADDR_MAX) == NULL)
		return -1;
	text_val(v, o, strlen(o));
	return 0;
}

static int
guid_val(struct scratch *sc, const uint8_t *p, struct val *v)
{
	char *o = sc_alloc(sc, 37);

	if (o == NULL)
		return -1;
	ot_etl_guid_str(p, o);
	text_val(v, o, 36);
	return 0;
}

static int64_t
sext(uint64_t u, size_t n)
{
	if (n == 0 || n >= 8)
		return (int64_t)u;
	if (u & ((uint64_t)1 << (8 * n - 1)))
		return (int64_t)(u | ~(((uint64_t)1 << (8 * n)) - 1));
	return (int64_t)u;
}

/* A decoded TMF argument as a value. */
static int
wpp_val(struct scratch *sc, const struct ot_tmf_arg *ta, const struct ot_wpp_val *w,
	struct val *v)
{
	memset(v, 0, sizeof(*v));
	if (!w->ok)
		return -1;
	switch (ta->type) {
	case OT_TMF_STRING: case OT_TMF_RSTRING: case OT_TMF_PSTRING:
		text_val(v, (const char *)w->p, w->n);
		return 0;
	case OT_TMF_WSTRING: case OT_TMF_RWSTRING: case OT_TMF_PWSTRING:
		return utf16_val(sc, w->p, w->n, v);
	case OT_TMF_GUID: case OT_TMF_CLSID: case OT_TMF_LIBID: case OT_TMF_IID:
		return guid_val(sc, w->p, v);
	case OT_TMF_IPADDR:
		return addr_val(sc, AF_INET, w->p, v);
	case OT_TMF_IPV6ADDR:
		return addr_val(sc, AF_INET6, w->p, v);
	case OT_TMF_PORT:
		v->num = 1;
		v->u = (uint64_t)(w->p[0] << 8 | w->p[1]);
		return 0;
	case OT_TMF_SID: case OT_TMF_HEXDUMP: case OT_TMF_MACADDR: case OT_TMF_DOUBLE:
		return -1;
	case OT_TMF_CHAR: case OT_TMF_CHARSIGN: case OT_TMF_SHORT: case OT_TMF_LONG:
	case OT_TMF_LONGLONG:
		v->num = 1;
		v->u = (uint64_t)sext(w->u, w->n);
		return 0;
	case OT_TMF_LISTLONG: case OT_TMF_LISTSHORT: case OT_TMF_LISTBYTE:
		v->num = 1;
		v->u = w->u;
		if (w->u < ta->nnames) {
			v->str = 1;
			v->s = ta->names[w->u];
			v->n = strlen(v->s);
		}
		return 0;
	default:
		v->num = 1;
		v->u = w->u;
		return 0;
	}
}

static int
wpp_rule_selects(const struct rule *r, const struct ot_tmf_msg *tm, const struct ot_wpp_msg *m)
{
	if (r->has_guid && (!m->has_guid || memcmp(r->guid, m->guid, 16) != 0))
		return 0;
	if (r->number >= 0 && r->number != m->number)
		return 0;
	if (r->format != NULL && strcmp(r->format, tm->format) != 0)
		return 0;
	if (r->func != NULL && (r->funclen != strlen(tm->func) || memcmp(r->func, tm->func, r->funclen)))
		return 0;
	return 1;
}

int
ot_profile_match_wpp(const struct ot_profile *p, const struct ot_tmf_msg *tm,
		     const struct ot_wpp_msg *m, struct ot_strtab *st,
		     struct ot_event *ev, const char **why)
{
	static const struct ot_wpp_where nowhere;
	struct ot_wpp_val w[OT_TMF_MAX_ARGS];
	struct val v[OT_TMF_MAX_ARGS];
	struct scratch sc;
	char text[OT_WPP_MAX_TEXT];
	size_t i, k;
	int decoded = 0, rc;

	*why = NULL;
	sc.used = 0;
	for (i = 0; p->any_wpp && i < p->n; i++) {
		const struct rule *r = &p->r[i];

		if (r->kind != R_WPP || !wpp_rule_selects(r, tm, m))
			continue;
		if (r->segs != NULL) {
			if (ot_wpp_render(tm, m, &nowhere, OT_WPP_NO_PREFIX | OT_WPP_RAW_STRINGS,
					  text, sizeof(text), why) < 0)
				return -1;
			if (try_text_rule(r, tm->friendly, strlen(tm->friendly), text,
					  strlen(text), st, ev))
				return 1;
			continue;
		}
		if (!decoded) {
			if (ot_wpp_args(tm, m, w, why) < 0)
				return -1;
			decoded = 1;
		}
		sc.used = 0;
		for (k = 0; k < r->nargs && k < tm->nargs; k++)
			if (r->args[k] != F_IGNORE && wpp_val(&sc, &tm->args[k], &w[k], &v[k]) < 0)
				break;
		if (k < r->nargs)
			continue;	/* fewer arguments than the rule names, or one it cannot read */
		if (prof_apply(r, r->args, v, r->nargs, st, ev))
			return 1;
	}
	/* text rules on the rendered message */
	if ((rc = ot_wpp_render(tm, m, &nowhere, OT_WPP_NO_PREFIX | OT_WPP_RAW_STRINGS, text,
				sizeof(text), why)) < 0)
		return -1;
	return match_text(p, tm->friendly, strlen(tm->friendly), text, strlen(text), tm->func,
			  strlen(tm->func), st, ev);
}

int
ot_profile_match_manifest(const struct ot_profile *p, const uint8_t guid[16],
			  uint16_t id, uint8_t version, const uint8_t *payload,
			  size_t len, unsigned ptr_size, struct ot_strtab *st,
			  struct ot_event *ev)
{
	struct val v[256];
	struct scratch sc;
	size_t i, k, off;

	for (i = 0; i < p->n; i++) {
		const struct rule *r = &p->r[i];
		int ok = 1;

		if (r->kind != R_MANIFEST || r->id != id || memcmp(r->provider, guid, 16) != 0 ||
		    (r->version >= 0 && r->version != version))
			continue;
		sc.used = 0;
		off = 0;
		for (k = 0; ok && k < r->npl && k < 256; k++) {
			size_t left = len - off, sz = 0;
			const uint8_t *q = payload + off;
			const uint8_t *nul;

			memset(&v[k], 0, sizeof(v[k]));
			switch (r->pl_type[k]) {
			case T_U8: sz = 1; break;
			case T_U16: case T_PORT: sz = 2; break;
			case T_U32: case T_I32: case T_NTSTATUS: case T_IPV4: sz = 4; break;
			case T_U64: case T_I64: sz = 8; break;
			case T_PTR: sz = ptr_size == 4 ? 4 : 8; break;
			case T_GUID: case T_IPV6: sz = 16; break;
			case T_ANSI:
				nul = memchr(q, 0, left);
				if (nul == NULL) {
					ok = 0;
					break;
				}
				text_val(&v[k], (const char *)q, (size_t)(nul - q));
				sz = (size_t)(nul - q) + 1;
				break;
			case T_UTF16:
				for (sz = 0; sz + 1 < left && (q[sz] | q[sz + 1]) != 0; sz += 2)
					;
				if (sz + 1 >= left || utf16_val(&sc, q, sz, &v[k]) < 0) {
					ok = 0;
					break;
				}
				sz += 2;
				break;
			default:
				ok = 0;
			}
			if (!ok || sz > left) {
				ok = 0;
				break;
			}
			switch (r->pl_type[k]) {
			case T_U8: v[k].num = 1; v[k].u = q[0]; break;
			case T_U16: v[k].num = 1; v[k].u = ot_le16(q); break;
			case T_PORT: v[k].num = 1; v[k].u = (uint64_t)(q[0] << 8 | q[1]); break;
			case T_U32: case T_NTSTATUS: v[k].num = 1; v[k].u = ot_le32(q); break;
			case T_I32: v[k].num = 1; v[k].u = (uint64_t)sext(ot_le32(q), 4); break;
			case T_U64: case T_I64: v[k].num = 1; v[k].u = ot_le64(q); break;
			case T_PTR: v[k].num = 1; v[k].u = sz == 4 ? ot_le32(q) : ot_le64(q); break;
			case T_GUID: ok = guid_val(&sc, q, &v[k]) == 0; break;
			case T_IPV4: ok = addr_val(&sc, AF_INET, q, &v[k]) == 0; break;
			case T_IPV6: ok = addr_val(&sc, AF_INET6, q, &v[k]) == 0; break;
			default: break;
			}
			off += sz;
		}
		if (ok && prof_apply(r, r->pl_fld, v, r->npl, st, ev))
			return 1;
	}
	return 0;
}

size_t
ot_profile_text_key(const char *text, size_t n, char *out, size_t cap)
{
	const char *func;
	size_t flen, rest, o = 0, k = 0, words = 0;

	if (cap == 0)
		return 0;
	if (split_func(text, n, &func, &flen, &rest)) {
		if (flen >= cap)
			flen = cap - 1;
		memcpy(out, func, flen);
		out[flen] = '\0';
		return flen;
	}
	/* the first three words, digits as '#' so that values do not split keys */
	while (k < n && (text[k] == ' ' || text[k] == '\t'))
		k++;
	for (; k < n && o + 1 < cap; k++) {
		char c = text[k];

		if (c == ' ' || c == '\t') {
			if (++words == 3)
				break;
			while (k + 1 < n && (text[k + 1] == ' ' || text[k + 1] == '\t'))
				k++;
			c = ' ';
		} else if (c >= '0' && c <= '9') {
			if (o > 0 && out[o - 1] == '#')
				continue;
			c = '#';
		} else if ((unsigned char)c < 0x20 || c == 0x7f) {
			c = '?';
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return o;
}
