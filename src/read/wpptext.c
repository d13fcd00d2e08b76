/*
 * wpptext.c - tracefmt text output (../shared/FORMATS.md 2.3 and 2.4,
 * DOMAIN.md 3.2): the default prefix "[%9!d!]%8!04X!.%3!04X!::%4!s!
 * [%1!s!]", its -seq variant (8 hex digits after the time), the pktmon
 * variant (ISO date, 100 ns digits), a leading "EventTrace" line and
 * "No Format Information found." lines.
 *
 * Lines are read through a buffer that never grows past
 * OT_WPPTEXT_MAX_LINE; the line parser only moves forward over [s, s + n).
 */
#include "offtrace/wpptext.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* At least min, at most max decimal digits at *i: value, or -1. */
static int64_t
digits(const char *s, size_t n, size_t *i, unsigned min, unsigned max)
{
	int64_t v = 0;
	unsigned k = 0;

	while (*i < n && k < max && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	return k < min ? -1 : v;
}

static int
hexnum(const char *s, size_t n, size_t *i, unsigned min, unsigned max, uint32_t *out)
{
	uint64_t v = 0;
	unsigned k = 0;

	while (*i < n && k < max && ot_hexval((unsigned char)s[*i]) >= 0) {
		v = v * 16 + (uint64_t)ot_hexval((unsigned char)s[*i]);
		(*i)++;
		k++;
	}
	if (k < min || v > 0xFFFFFFFFu)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int
expect(const char *s, size_t n, size_t *i, char c)
{
	if (*i >= n || s[*i] != c)
		return -1;
	(*i)++;
	return 0;
}

/* "MM/DD/YYYY-HH:MM:SS.f+" or "YYYY-MM-DD HH:MM:SS.f+" */
static int
parse_time(const char *s, size_t n, size_t *i, int64_t *ns)
{
	int64_t y, mo, d, h, mi, se, frac = 0, scale = 1000000000;
	size_t st = *i;
	unsigned k = 0;

	if (st + 4 < n && s[st + 2] == '/') {
		if ((mo = digits(s, n, i, 2, 2)) < 0 || expect(s, n, i, '/') < 0 ||
		    (d = digits(s, n, i, 2, 2)) < 0 || expect(s, n, i, '/') < 0 ||
		    (y = digits(s, n, i, 4, 4)) < 0 || expect(s, n, i, '-') < 0)
			return -1;
	} else {
		if ((y = digits(s, n, i, 4, 4)) < 0 || expect(s, n, i, '-') < 0 ||
		    (mo = digits(s, n, i, 2, 2)) < 0 || expect(s, n, i, '-') < 0 ||
		    (d = digits(s, n, i, 2, 2)) < 0 || expect(s, n, i, ' ') < 0)
			return -1;
	}
	if ((h = digits(s, n, i, 2, 2)) < 0 || expect(s, n, i, ':') < 0 ||
	    (mi = digits(s, n, i, 2, 2)) < 0 || expect(s, n, i, ':') < 0 ||
	    (se = digits(s, n, i, 2, 2)) < 0)
		return -1;
	if (*i < n && s[*i] == '.') {
		(*i)++;
		while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
			if (k < 9) {
				scale /= 10;
				frac += (s[*i] - '0') * scale;
			}
			k++;
			(*i)++;
		}
		if (k == 0)
			return -1;
	}
	/* the live-view zero time (00/00/0000), bad fields and years that
	 * int64_t ns cannot hold give 0 */
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60 ||
	    y < 1678 || y > 2261) {
		*ns = 0;
		return 0;
	}
	*ns = ((ot_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se) *
	       1000000000) + frac;
	return 0;
}

int
ot_wpptext_parse_line(const char *s, size_t n, struct ot_wpptext_msg *m)
{
	size_t i = 0, f;
	int64_t cpu;

	memset(m, 0, sizeof(*m));
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (expect(s, n, &i, '[') < 0 || (cpu = digits(s, n, &i, 1, 6)) < 0 ||
	    expect(s, n, &i, ']') < 0 || hexnum(s, n, &i, 1, 8, &m->pid) < 0 ||
	    expect(s, n, &i, '.') < 0 || hexnum(s, n, &i, 1, 8, &m->tid) < 0 ||
	    expect(s, n, &i, ':') < 0 || expect(s, n, &i, ':') < 0 ||
	    parse_time(s, n, &i, &m->ts_ns) < 0)
		return 0;
	m->cpu = (uint32_t)cpu;
	if (expect(s, n, &i, ' ') < 0)
		return 0;
	if (i < n && s[i] != '[') {
		size_t j = i;

		if (hexnum(s, n, &j, 8, 8, &m->seq) < 0 || j - i != 8 || expect(s, n, &j, ' ') < 0)
			return 0;
		m->has_seq = 1;
		i = j;
	}
	if (expect(s, n, &i, '[') < 0)
		return 0;
	f = i;
	while (i < n && s[i] != ']')
		i++;
	if (i >= n)
		return 0;
	m->friendly = s + f;
	m->friendly_len = i - f;
	i++;
	/* pktmon puts a space after the name */
	m->text = s + i;
	m->text_len = n - i;
	return 1;
}

int
ot_wpptext_probe(const uint8_t *head, size_t len)
{
	const char *s = (const char *)head;
	const char *nl;
	size_t n;
	struct ot_wpptext_msg m;

	if (len >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) {
		s += 3;
		len -= 3;
	}
	nl = memchr(s, '\n', len);
	n = nl ? (size_t)(nl - s) : len;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n == 10 && memcmp(s, "EventTrace", 10) == 0)
		return 1;
	return ot_wpptext_parse_line(s, n, &m);
}

/* One item of a custom prefix. */
enum { PI_LIT, PI_NUM, PI_HEX, PI_STR, PI_TIME };

struct pitem {
	int kind;
	int var;		/* 1..9, or 10 + k for %!NAME! (10: FUNC) */
	const char *lit;	/* PI_LIT, into fmt */
	size_t len;
};

struct ot_wpptext_prefix {
	char *fmt;
	struct pitem it[OT_WPPTEXT_MAX_PREFIX];
	size_t n;
};

void
ot_wpptext_prefix_free(struct ot_wpptext_prefix *pf)
{
	if (pf == NULL)
		return;
	free(pf->fmt);
	free(pf);
}

struct ot_wpptext_prefix *
ot_wpptext_prefix_new(const char *fmt, struct ot_err *err)
{
	static const char *const names[] = { "FUNC", "LEVEL", "FLAGS", "COMPNAME", "SUBCOMP" };
	struct ot_wpptext_prefix *pf = xcalloc(1, sizeof(*pf));
	size_t i = 0, n = strlen(fmt), k;
	char *f;

	pf->fmt = f = xstrdup(fmt);
	while (i < n) {
		struct pitem *it;

		if (pf->n == OT_WPPTEXT_MAX_PREFIX) {
			ot_errorf(err, OT_EUSAGE, "prefix: more than %d items", OT_WPPTEXT_MAX_PREFIX);
			goto fail;
		}
		it = &pf->it[pf->n];
		if (f[i] != '%' || (i + 1 < n && f[i + 1] == '%')) {
			size_t st = i;

			if (f[i] == '%')
				i++;	/* "%%": one literal '%' */
			i++;
			while (i < n && f[i] != '%')
				i++;
			if (pf->n > 0 && pf->it[pf->n - 1].kind == PI_LIT &&
			    pf->it[pf->n - 1].lit + pf->it[pf->n - 1].len == f + st) {
				pf->it[pf->n - 1].len += i - st;
				continue;
			}
			it->kind = PI_LIT;
			it->lit = f + st;
			it->len = i - st;
			if (f[st] == '%') {
				it->lit++;
				it->len--;
			}
			pf->n++;
			continue;
		}
		i++;
		if (i < n && f[i] == '!') {
			const char *e = strchr(f + i + 1, '!');

			for (k = 0; e != NULL && k < 5; k++)
				if ((size_t)(e - (f + i + 1)) == strlen(names[k]) &&
				    memcmp(f + i + 1, names[k], strlen(names[k])) == 0)
					break;
			if (e == NULL || k == 5) {
				ot_errorf(err, OT_EUSAGE, "prefix: unknown variable at offset %zu (want %%1..%%9 or %%!FUNC!, %%!LEVEL!, %%!FLAGS!, %%!COMPNAME!, %%!SUBCOMP!)", i - 1);
				goto fail;
			}
			it->kind = PI_STR;
			it->var = 10 + (int)k;
			i = (size_t)(e - f) + 1;
			pf->n++;
			continue;
		}
		if (i >= n || f[i] < '1' || f[i] > '9') {
			ot_errorf(err, OT_EUSAGE, "prefix: want a variable %%1..%%9 at offset %zu", i - 1);
			goto fail;
		}
		it->var = f[i] - '0';
		i++;
		{
			char conv = 's';

			if (i < n && f[i] == '!') {
				const char *e = strchr(f + i + 1, '!');

				if (e == NULL || e == f + i + 1) {
					ot_errorf(err, OT_EUSAGE, "prefix: unterminated !spec! at offset %zu", i);
					goto fail;
				}
				conv = e[-1];
				i = (size_t)(e - f) + 1;
			}
			switch (it->var) {
			case 1: case 2: it->kind = PI_STR; break;
			case 4: it->kind = PI_TIME; break;
			default: it->kind = conv == 'x' || conv == 'X' ? PI_HEX : PI_NUM; break;
			}
		}
		pf->n++;
	}
	/* a string variable is delimited by the literal after it */
	for (k = 0; k < pf->n; k++)
		if (pf->it[k].kind == PI_STR && k + 1 < pf->n && pf->it[k + 1].kind != PI_LIT) {
			ot_errorf(err, OT_EUSAGE, "prefix: a string variable must be followed by literal text");
			goto fail;
		}
	if (pf->n == 0) {
		ot_errorf(err, OT_EUSAGE, "prefix: empty");
		goto fail;
	}
	return pf;
fail:
	if (err != NULL)
		err->phase = "prefix";
	ot_wpptext_prefix_free(pf);
	return NULL;
}

/*
 * What may follow "::" in a name MSVC's __FUNCTION__ gives: an identifier,
 * `anonymous namespace', `2' (a local scope), <lambda_1>, ~Class.
 */
static int
cxx_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '`' ||
	       c == '<' || c == '~';
}

int
ot_wpptext_parse_prefixed(const struct ot_wpptext_prefix *pf, const char *s, size_t n,
			  struct ot_wpptext_msg *m)
{
	size_t i = 0, k, st;

	memset(m, 0, sizeof(*m));
	if (n > 0 && s[n - 1] == '\r')
		n--;
	for (k = 0; k < pf->n; k++) {
		const struct pitem *it = &pf->it[k];
		uint32_t h = 0;
		int64_t d;

		switch (it->kind) {
		case PI_LIT:
			if (i + it->len > n || memcmp(s + i, it->lit, it->len) != 0)
				return 0;
			i += it->len;
			continue;
		case PI_TIME:
			if (parse_time(s, n, &i, &m->ts_ns) < 0)
				return 0;
			continue;
		case PI_STR:
			st = i;
			if (k + 1 < pf->n) {
				const struct pitem *nx = &pf->it[k + 1];
				int cxx = it->var == 10 && nx->lit[0] == ':' &&
					  (nx->len < 2 || nx->lit[1] != ':');

				while (i + nx->len <= n) {
					/* %!FUNC!: a C++ qualified name goes on past "::" */
					if (cxx && i + 2 < n && s[i] == ':' && s[i + 1] == ':' &&
					    cxx_name_start(s[i + 2]))
						i += 2;
					else if (memcmp(s + i, nx->lit, nx->len) == 0)
						break;
					else
						i++;
				}
				if (i + nx->len > n)
					return 0;
			} else {
				while (i < n && s[i] != ' ')
					i++;
			}
			if (it->var == 1) {
				m->friendly = s + st;
				m->friendly_len = i - st;
			} else if (it->var == 10) {
				m->func = s + st;
				m->func_len = i - st;
			}
			continue;
		case PI_HEX:
			while (i < n && s[i] == ' ')
				i++;	/* FormatMessage pads with spaces */
			if (hexnum(s, n, &i, 1, 16, &h) < 0)
				return 0;
			d = h;
			break;
		default:
			while (i < n && s[i] == ' ')
				i++;
			if ((d = digits(s, n, &i, 1, 18)) < 0)
				return 0;
			break;
		}
		switch (it->var) {
		case 3: m->tid = (uint32_t)d; break;
		case 7: m->seq = (uint32_t)d; m->has_seq = 1; break;
		case 8: m->pid = (uint32_t)d; break;
		case 9: m->cpu = (uint32_t)d; break;
		default: break;
		}
	}
	m->text = s + i;
	m->text_len = n - i;
	return 1;
}

int
ot_wpptext_parse_tz(const char *s, int64_t *offset_ns)
{
	size_t n = strlen(s), i = 1;
	int64_t h, mi = 0;
	int sign;

	if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
		*offset_ns = 0;
		return 0;
	}
	if (n < 2 || (s[0] != '+' && s[0] != '-'))
		return -1;
	sign = s[0] == '-' ? -1 : 1;
	if ((h = digits(s, n, &i, 1, 2)) < 0)
		return -1;
	if (i < n && s[i] == ':')
		i++;
	if (i < n && (mi = digits(s, n, &i, 2, 2)) < 0)
		return -1;
	if (i != n || h > 14 || mi > 59)
		return -1;
	*offset_ns = sign * (h * 3600 + mi * 60) * INT64_C(1000000000);
	return 0;
}

/*
 * UTF-16 text: tracefmt -o and "pktmon format" write UTF-16LE with a
 * byte-order mark.  Without one, ASCII text in UTF-16 has a NUL byte in
 * every other place, and never two together.
 */
static int
ascii_unit(unsigned lo, unsigned hi)
{
	return hi == 0 && (lo == '\t' || lo == '\n' || lo == '\r' || (lo >= 0x20 && lo < 0x7f));
}

static int
utf16_nuls(const uint8_t *b, size_t len, int be)
{
	size_t n = len / 2 < 128 ? len / 2 : 128, k, ascii = 0;

	if (n < 4)
		return 0;
	for (k = 0; k < n; k++) {
		unsigned lo = b[2 * k + (be ? 1 : 0)], hi = b[2 * k + (be ? 0 : 1)];

		if (lo == 0 && hi == 0)
			return 0;
		if (ascii_unit(lo, hi))
			ascii++;
		else if (k == 0)
			return 0;
	}
	return ascii * 8 >= n * 7;
}

int
ot_wpptext_encoding(const uint8_t *b, size_t len)
{
	if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE)
		return OT_WPPTEXT_UTF16LE;
	if (len >= 2 && b[0] == 0xFE && b[1] == 0xFF)
		return OT_WPPTEXT_UTF16BE;
	if (utf16_nuls(b, len, 0))
		return OT_WPPTEXT_UTF16LE;
	if (utf16_nuls(b, len, 1))
		return OT_WPPTEXT_UTF16BE;
	return OT_WPPTEXT_UTF8;
}

size_t
ot_wpptext_utf16_to_utf8(const uint8_t *p, size_t n, int enc, char *out)
{
	int be = enc == OT_WPPTEXT_UTF16BE;
	size_t i, o = 0, used;

	for (i = 0; i + 1 < n; i += used)
		o += ot_utf8_put(out + o, ot_utf16_next(p + i, n - i, be, &used));
	if (n % 2)
		o += ot_utf8_put(out + o, 0xFFFD);
	return o;
}

/*
 * A message kept until the line after it says whether continuation lines
 * follow: its line up to the end of the text (the prefix's last field),
 * then each continuation line after a '\n'.  The text is the tail of buf;
 * where the fields are is kept as offsets, buf moves as it grows.
 */
struct held {
	char *buf;
	size_t len, cap;
	struct ot_wpptext_msg m;	/* without its pointers */
	size_t text_off, friendly_off, func_off;
	int has_friendly, has_func;
};

struct ot_wpptext {
	FILE *f;
	char *path;
	char *buf;		/* read ahead, lines found in place */
	size_t cap;
	struct ot_wpptext_stats st;
	size_t start, end;	/* unread bytes of buf */
	int eof;
	int enc;		/* enum ot_wpptext_enc, from the first bytes */
	int started;		/* the first bytes were read */
	char *u8;		/* the last UTF-16 line, in UTF-8 */
	size_t u8cap;
	struct held h[2];	/* h[cur]: the message being read; the other
				 * one was returned last */
	int cur;
	int pending;		/* h[cur] holds a message not yet returned */
	int failed;		/* an error read after a pending message */
	struct ot_err ferr;	/* that error, for the next call */
	const struct ot_wpptext_prefix *pf;
	int64_t tz_ns;
	uint64_t bytes;
	struct ot_sha256 sha;	/* of every byte read, for the inputs table */
};

void
ot_wpptext_set_prefix(struct ot_wpptext *r, const struct ot_wpptext_prefix *pf)
{
	r->pf = pf;
}

void
ot_wpptext_set_tz(struct ot_wpptext *r, int64_t offset_ns)
{
	r->tz_ns = offset_ns;
}

int
ot_wpptext_sha256(const struct ot_wpptext *r, char hex[65])
{
	struct ot_sha256 c = r->sha;

	if (!r->eof)
		return -1;
	ot_sha256_final(&c, hex);
	return 0;
}

uint64_t
ot_wpptext_bytes(const struct ot_wpptext *r)
{
	return r->bytes;
}

struct ot_wpptext *
ot_wpptext_open(const char *path, struct ot_err *err)
{
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		ot_errorf_at(err, OT_EINPUT, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	return ot_wpptext_fopen(f, path);
}

struct ot_wpptext *
ot_wpptext_fopen(FILE *f, const char *name)
{
	struct ot_wpptext *r = xcalloc(1, sizeof(*r));

	r->f = f;
	r->path = xstrdup(name);
	r->cap = 1u << 18;
	r->buf = xmalloc(r->cap);
	ot_sha256_init(&r->sha);
	return r;
}

/* Does [s, s + n) hold "No Format Information found"? */
static int
no_format(const char *s, size_t n)
{
	static const char w[] = "No Format Information found";
	const char *p = s, *e = s + n;

	while (e - p >= (ptrdiff_t)sizeof(w) - 1 && (p = memchr(p, 'N', (size_t)(e - p))) != NULL) {
		if (e - p >= (ptrdiff_t)sizeof(w) - 1 && memcmp(p, w, sizeof(w) - 1) == 0)
			return 1;
		p++;
	}
	return 0;
}

static int
read_error(struct ot_wpptext *r, uint64_t line, struct ot_err *err, const char *fmt, ...)
	OT_PRINTF(4, 5);

/* An error of the text at line; -1. */
static int
read_error(struct ot_wpptext *r, uint64_t line, struct ot_err *err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ot_errorf_at(err, OT_EINPUT, r->path, line, "%s", msg);
	if (err != NULL) {
		err->phase = "wpptext";
		err->offset = r->bytes;
	}
	return -1;
}

/* More of the file after the unread bytes of buf: 0, -1 on a read error. */
static int
refill(struct ot_wpptext *r, struct ot_err *err)
{
	size_t k;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	k = fread(r->buf + r->end, 1, r->cap - r->end, r->f);
	if (k == 0) {
		if (ferror(r->f))
			return read_error(r, r->st.lines + 1, err, "cannot read: %s",
					  strerror(errno));
		r->eof = 1;
	}
	ot_sha256_update(&r->sha, r->buf + r->end, k);
	r->end += k;
	return 0;
}

/* The first LF in [b, b + n): where its character starts, or NULL. */
static const char *
find_lf(const struct ot_wpptext *r, const char *b, size_t n)
{
	const char *p;

	if (r->enc == OT_WPPTEXT_UTF8)
		return memchr(b, '\n', n);
	/* a 0x0A byte is LF only as the low byte of a unit whose high byte is 0 */
	n -= n % 2;
	for (p = b; (p = memchr(p, '\n', n - (size_t)(p - b))) != NULL; p++) {
		size_t k = (size_t)(p - b);

		if (r->enc == OT_WPPTEXT_UTF16LE && k % 2 == 0 && p[1] == 0)
			return p;
		if (r->enc == OT_WPPTEXT_UTF16BE && k % 2 == 1 && p[-1] == 0)
			return p - 1;
	}
	return NULL;
}

/*
 * The next line in [*s, *s + *n) (no newline), in UTF-8: 1, 0 at the end,
 * -1 on a read error or a line longer than OT_WPPTEXT_MAX_LINE.  The
 * buffer is refilled with fread and lines are found with memchr; a UTF-16
 * line is found in its own bytes (twice as many may be read: at least one
 * UTF-8 byte a unit) and then turned into UTF-8.
 */
static int
next_line(struct ot_wpptext *r, const char **s, size_t *n, struct ot_err *err)
{
	size_t unit, max, rawn, need;
	const char *raw;

	if (!r->started) {
		/* the encoding from the first bytes, as the detector saw them */
		while (!r->eof && r->end < 4096)
			if (refill(r, err) < 0)
				return -1;
		r->enc = ot_wpptext_encoding((const uint8_t *)r->buf, r->end);
		if (r->enc != OT_WPPTEXT_UTF8 && r->end >= 2 &&
		    ot_utf16_unit((const uint8_t *)r->buf, r->enc == OT_WPPTEXT_UTF16BE) == 0xFEFF)
			r->start = r->bytes = 2;
		r->started = 1;
	}
	unit = r->enc == OT_WPPTEXT_UTF8 ? 1 : 2;
	max = (size_t)OT_WPPTEXT_MAX_LINE * unit;
	for (;;) {
		const char *b = r->buf + r->start;
		const char *nl = find_lf(r, b, r->end - r->start);

		if (nl != NULL && (size_t)(nl - b) <= max) {
			raw = b;
			rawn = (size_t)(nl - b);
			r->start += rawn + unit;
			r->bytes += rawn + unit;
			break;
		}
		if (r->end - r->start > max)
			return read_error(r, r->st.lines + 1, err, "line longer than %u bytes",
					  OT_WPPTEXT_MAX_LINE);
		if (r->eof) {
			if (r->start == r->end)
				return 0;
			raw = b;
			rawn = r->end - r->start;
			r->bytes += rawn;
			r->start = r->end;
			break;
		}
		if (refill(r, err) < 0)
			return -1;
	}
	r->st.lines++;
	if (r->enc == OT_WPPTEXT_UTF8) {
		*s = raw;
		*n = rawn;
		return 1;
	}
	need = OT_WPPTEXT_UTF8_MAX(rawn);
	if (need > r->u8cap) {
		while (r->u8cap < need)
			r->u8cap = r->u8cap ? 2 * r->u8cap : 4096;
		free(r->u8);
		r->u8 = xmalloc(r->u8cap);
	}
	*n = ot_wpptext_utf16_to_utf8((const uint8_t *)raw, rawn, r->enc, r->u8);
	*s = r->u8;
	if (*n > OT_WPPTEXT_MAX_LINE)
		return read_error(r, r->st.lines, err, "line longer than %u bytes",
				  OT_WPPTEXT_MAX_LINE);
	return 1;
}

/* Keep message m, parsed from line s, in h. */
static void
held_keep(struct held *h, const char *s, const struct ot_wpptext_msg *m)
{
	size_t n = (size_t)(m->text - s) + m->text_len;

	if (n > h->cap || h->buf == NULL) {
		h->cap = n > 256 ? n + n / 2 : 256;
		free(h->buf);
		h->buf = xmalloc(h->cap);
	}
	memcpy(h->buf, s, n);
	h->len = n;
	h->m = *m;
	h->m.text = h->m.friendly = h->m.func = NULL;
	h->text_off = (size_t)(m->text - s);
	h->has_friendly = m->friendly != NULL;
	h->friendly_off = h->has_friendly ? (size_t)(m->friendly - s) : 0;
	h->has_func = m->func != NULL;
	h->func_off = h->has_func ? (size_t)(m->func - s) : 0;
}

/* A continuation line onto the kept message: 0, -1 past the limit. */
static int
held_append(struct held *h, const char *s, size_t n)
{
	size_t need = h->len + 1 + n;

	if (need > OT_WPPTEXT_MAX_LINE)
		return -1;
	if (need > h->cap) {
		h->cap = need + need / 2 < OT_WPPTEXT_MAX_LINE ? need + need / 2 :
			 OT_WPPTEXT_MAX_LINE;
		h->buf = xrealloc(h->buf, h->cap);
	}
	h->buf[h->len] = '\n';
	memcpy(h->buf + h->len + 1, s, n);
	h->len = need;
	return 0;
}

/* The kept message, its pointers into h->buf; 1. */
static int
held_give(const struct held *h, struct ot_wpptext_msg *m)
{
	*m = h->m;
	m->text = h->buf + h->text_off;
	m->text_len = h->len - h->text_off;
	m->friendly = h->has_friendly ? h->buf + h->friendly_off : NULL;
	m->func = h->has_func ? h->buf + h->func_off : NULL;
	return 1;
}

/* The kept message, whole: 1. */
static int
give(struct ot_wpptext *r, struct ot_wpptext_msg *m)
{
	r->pending = 0;
	return held_give(&r->h[r->cur], m);
}

int
ot_wpptext_next(struct ot_wpptext *r, struct ot_wpptext_msg *m, struct ot_err *err)
{
	struct ot_wpptext_msg n;
	struct ot_err e;
	const char *s = NULL;
	size_t len = 0;
	int rc;

	for (;;) {
		if (r->failed) {
			/* the message before the damage first */
			if (r->pending)
				return give(r, m);
			if (err != NULL)
				*err = r->ferr;
			return -1;
		}
		memset(&e, 0, sizeof(e));
		if ((rc = next_line(r, &s, &len, &e)) < 0) {
			r->failed = 1;
			r->ferr = e;
			continue;
		}
		if (rc == 0)
			return r->pending ? give(r, m) : 0;
		if (len > 0 && s[len - 1] == '\r')
			len--;
		if (r->st.lines == 1 && len >= 3 && (unsigned char)s[0] == 0xEF &&
		    (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF) {
			s += 3;
			len -= 3;
		}
		if (len == 10 && memcmp(s, "EventTrace", 10) == 0) {
			r->st.eventtrace++;
			if (r->pending)
				return give(r, m);
			continue;
		}
		if (r->pf ? ot_wpptext_parse_prefixed(r->pf, s, len, &n) :
		    ot_wpptext_parse_line(s, len, &n)) {
			/* tracefmt writes this in place of a message it has no TMF for */
			if (no_format(n.text, n.text_len)) {
				r->st.no_format++;
				if (r->pending)
					return give(r, m);
				continue;
			}
			n.line = r->st.lines;
			if (n.ts_ns != 0)
				n.ts_ns -= r->tz_ns;
			r->st.messages++;
			if (!r->pending) {
				held_keep(&r->h[r->cur], s, &n);
				r->pending = 1;
				continue;
			}
			/* the message before is whole: return it, keep this one */
			held_give(&r->h[r->cur], m);
			r->cur ^= 1;
			held_keep(&r->h[r->cur], s, &n);
			return 1;
		}
		/* an indented line after a message is part of it */
		if (r->pending && len > 0 && (s[0] == '\t' || s[0] == ' ')) {
			if (held_append(&r->h[r->cur], s, len) < 0) {
				r->pending = 0;
				read_error(r, r->st.lines, &e,
					   "message longer than %u bytes with its continuation lines",
					   OT_WPPTEXT_MAX_LINE);
				r->failed = 1;
				r->ferr = e;
				continue;
			}
			r->st.continued++;
			continue;
		}
		if (no_format(s, len))
			r->st.no_format++;
		else
			r->st.other++;
		if (r->pending)
			return give(r, m);
	}
}

const struct ot_wpptext_stats *
ot_wpptext_stats(const struct ot_wpptext *r)
{
	return &r->st;
}

void
ot_wpptext_close(struct ot_wpptext *r)
{
	if (r == NULL)
		return;
	fclose(r->f);
	free(r->path);
	free(r->buf);
	free(r->u8);
	free(r->h[0].buf);
	free(r->h[1].buf);
	free(r);
}
