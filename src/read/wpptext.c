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

struct ot_wpptext {
	FILE *f;
	char *path;
	char *buf;		/* the current line */
	size_t cap;
	struct ot_wpptext_stats st;
};

struct ot_wpptext *
ot_wpptext_open(const char *path, struct ot_err *err)
{
	struct ot_wpptext *r;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		ot_errorf_at(err, OT_EINPUT, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->f = f;
	r->path = xstrdup(path);
	r->cap = 4096;
	r->buf = xmalloc(r->cap);
	return r;
}

static int
contains(const char *s, size_t n, const char *w)
{
	size_t l = strlen(w), i;

	for (i = 0; i + l <= n; i++)
		if (memcmp(s + i, w, l) == 0)
			return 1;
	return 0;
}

int
ot_wpptext_next(struct ot_wpptext *r, struct ot_wpptext_msg *m, struct ot_err *err)
{
	for (;;) {
		size_t n = 0;
		int c = EOF;

		/* one line, bounded */
		while ((c = getc(r->f)) != EOF && c != '\n') {
			if (n + 1 >= r->cap) {
				if (r->cap >= OT_WPPTEXT_MAX_LINE) {
					ot_errorf_at(err, OT_EINPUT, r->path, r->st.lines + 1,
						     "line longer than %u bytes", OT_WPPTEXT_MAX_LINE);
					if (err != NULL)
						err->phase = "wpptext";
					return -1;
				}
				r->cap *= 2;
				r->buf = xrealloc(r->buf, r->cap);
			}
			r->buf[n++] = (char)c;
		}
		if (c == EOF && ferror(r->f)) {
			ot_errorf_at(err, OT_EINPUT, r->path, r->st.lines + 1, "cannot read: %s",
				     strerror(errno));
			return -1;
		}
		if (c == EOF && n == 0)
			return 0;
		r->buf[n] = '\0';
		r->st.lines++;
		if (n > 0 && r->buf[n - 1] == '\r')
			n--;
		{
			const char *s = r->buf;
			size_t len = n;

			if (r->st.lines == 1 && len >= 3 && (unsigned char)s[0] == 0xEF &&
			    (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF) {
				s += 3;
				len -= 3;
			}
			if (len == 10 && memcmp(s, "EventTrace", 10) == 0) {
				r->st.eventtrace++;
				continue;
			}
			if (contains(s, len, "No Format Information found")) {
				r->st.no_format++;
				continue;
			}
			if (ot_wpptext_parse_line(s, len, m)) {
				m->line = r->st.lines;
				r->st.messages++;
				return 1;
			}
			r->st.other++;
		}
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
	free(r);
}
