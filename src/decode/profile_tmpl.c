/*
 * profile_tmpl.c - templates (profile.h): the names of the normalized
 * fields and of the placeholder types, and the compiler from a template
 * string to the segments the matcher (profile_match.c) runs.  It knows
 * nothing of JSON: an error comes back as text, for the loader to put
 * after the JSON path.  Calls no other profile file.
 *
 * A template compiles to segments: literals (compared with memcmp),
 * typed placeholders (scanned by hand-written scanners) and optional
 * groups, ending with an S_END sentinel.  The literal after a str
 * placeholder is searched for, and gets its KMP table here, once.
 */
#include "profile_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const prof_fld_names[F_COUNT] = {
	"ev", "layer", "adapter", "state", "root", "block", "parent", "slot",
	"handle", "value", "nbl", "status", "code", "reason", "src", "sport",
	"dst", "dport", "cpu", "pid", "tid"
};

static const char *const type_names[T_COUNT] = {
	"ptr", "hex", "u8", "u16", "u32", "u64", "i32", "i64", "ntstatus",
	"ip", "port", "str", "word", "guid", "ansi", "utf16", "ipv4", "ipv6"
};

int
prof_fld_from_name(const char *s, size_t n)
{
	int i;

	if (n > 0 && s[0] == '_')
		return F_IGNORE;
	for (i = 0; i < F_COUNT; i++)
		if (strlen(prof_fld_names[i]) == n && memcmp(prof_fld_names[i], s, n) == 0)
			return i;
	return -1;
}

int
prof_type_from_name(const char *s, size_t n, int last)
{
	int i;

	for (i = 0; i <= last; i++)
		if (strlen(type_names[i]) == n && memcmp(type_names[i], s, n) == 0)
			return i;
	return -1;
}

/* What the compiler allocated (the caller's on success) and where errors go. */
struct cc {
	struct seg *segs;
	char *lit;
	char *msg;
	size_t msgcap;
};

static int
cerr(struct cc *c, const char *fmt, ...) OT_PRINTF(2, 3);

static int
cerr(struct cc *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, c->msgcap, fmt, ap);
	va_end(ap);
	return -1;
}

/* The KMP table of lit (m bytes) into next[0..m). */
static void
kmp_table(const char *lit, size_t m, uint32_t *next)
{
	size_t q, k = 0;

	if (m == 0)
		return;
	next[0] = 0;
	for (q = 1; q < m; q++) {
		while (k > 0 && lit[q] != lit[k])
			k = next[k - 1];
		if (lit[q] == lit[k])
			k++;
		next[q] = (uint32_t)k;
	}
}

/*
 * Compile a template.  Placeholders are {name:type}; "{?" opens an
 * optional group closed by "}"; "{{" and "}}" are literal braces.
 */
static int
compile(struct cc *c, struct rule *r, const char *t)
{
	size_t n = strlen(t), i = 0, nseg = 0, cap = 8;
	struct seg *segs = c->segs = xcalloc(cap, sizeof(struct seg));
	/* literal bytes, unescaped, then the KMP tables (at most a uint32_t
	 * per literal byte), aligned */
	size_t tab = (n + 1 + 7) & ~(size_t)7, used = 0;
	char *lit = c->lit = xmalloc(tab + st_mult(n, sizeof(uint32_t)));
	size_t lo = 0;
	long open = -1;
	unsigned ncaps = 0, ngroups = 0;

	/* room for one more segment (and the end sentinel) */
#define NEWSEG() (nseg + 1 >= cap ? (cap *= 2, segs = c->segs = \
	xrealloc(segs, st_mult(cap, sizeof(*segs)))) : segs, &segs[nseg++])
	while (i < n) {
		struct seg *s;

		if (t[i] == '{' && i + 1 < n && t[i + 1] == '{') {
			lit[lo++] = '{';
			i += 2;
			goto literal;
		}
		if (t[i] == '}' && i + 1 < n && t[i + 1] == '}' && open < 0) {
			lit[lo++] = '}';
			i += 2;
			goto literal;
		}
		if (t[i] == '{' && i + 1 < n && t[i + 1] == '?') {
			if (open >= 0)
				return cerr(c, "optional groups cannot nest (offset %zu)", i);
			if (ngroups == 32)
				return cerr(c, "more than 32 optional groups");
			s = NEWSEG();
			memset(s, 0, sizeof(*s));
			s->kind = S_OPEN;
			s->group = (uint16_t)ngroups++;
			open = (long)(s - segs);
			i += 2;
			continue;
		}
		if (t[i] == '}') {
			if (open < 0)
				return cerr(c, "'}' without its '{' at offset %zu (write '}}' for a brace)", i);
			if ((size_t)open == nseg - 1)
				return cerr(c, "empty optional group at offset %zu", i);
			s = NEWSEG();
			memset(s, 0, sizeof(*s));
			s->kind = S_CLOSE;
			segs[open].close = (uint16_t)(s - segs);
			open = -1;
			i++;
			continue;
		}
		if (t[i] == '{') {
			const char *colon, *end;
			int f, ty;

			end = memchr(t + i, '}', n - i);
			colon = end ? memchr(t + i, ':', (size_t)(end - (t + i))) : NULL;
			if (end == NULL || colon == NULL)
				return cerr(c, "placeholder at offset %zu: want {field:type}", i);
			f = prof_fld_from_name(t + i + 1, (size_t)(colon - (t + i + 1)));
			if (f < 0)
				return cerr(c, "unknown field '%.*s' in placeholder", (int)(colon - (t + i + 1)),
					    t + i + 1);
			ty = prof_type_from_name(colon + 1, (size_t)(end - colon - 1), T_LAST_TEMPLATE);
			if (ty < 0)
				return cerr(c, "unknown placeholder type '%.*s'", (int)(end - colon - 1),
					    colon + 1);
			if (ncaps == OT_PROFILE_MAX_CAPS)
				return cerr(c, "more than %d placeholders", OT_PROFILE_MAX_CAPS);
			if (nseg > 0 && segs[nseg - 1].kind == S_CAP)
				return cerr(c, "placeholders at offset %zu must be separated by literal text", i);
			s = NEWSEG();
			memset(s, 0, sizeof(*s));
			s->kind = S_CAP;
			s->type = (uint8_t)ty;
			s->fld = (uint8_t)f;
			s->cap = (uint8_t)ncaps++;
			i = (size_t)(end - t) + 1;
			continue;
		}
		lit[lo++] = t[i++];
literal:
		if (nseg > 0 && segs[nseg - 1].kind == S_LIT) {
			segs[nseg - 1].len++;
		} else {
			s = NEWSEG();
			memset(s, 0, sizeof(*s));
			s->kind = S_LIT;
			s->lit = lit + lo - 1;
			s->len = 1;
		}
	}
#undef NEWSEG
	if (open >= 0)
		return cerr(c, "optional group not closed");
	if (nseg == 0)
		return cerr(c, "empty template");
	/* the sentinel scanners look at after the last segment */
	memset(&segs[nseg], 0, sizeof(segs[nseg]));
	segs[nseg].kind = S_END;
	/* a str placeholder runs to the next literal: it must have one */
	for (i = 0; i < nseg; i++)
		if (segs[i].kind == S_CAP && segs[i].type == T_STR && i + 1 < nseg &&
		    segs[i + 1].kind != S_LIT)
			return cerr(c, "a {..:str} placeholder must be followed by literal text or end the template");
	/* an optional group starts with literal text (what tells it is there) */
	for (i = 0; i < nseg; i++)
		if (segs[i].kind == S_OPEN && segs[i + 1].kind != S_LIT)
			return cerr(c, "an optional group must start with literal text");
	/* what a str placeholder searches for */
	for (i = 0; i + 1 < nseg; i++)
		if (segs[i].kind == S_CAP && segs[i].type == T_STR) {
			uint32_t *next = (uint32_t *)(void *)(lit + tab) + used;

			kmp_table(segs[i + 1].lit, segs[i + 1].len, next);
			segs[i + 1].next = next;
			used += segs[i + 1].len;
		}
	r->segs = segs;
	r->nsegs = nseg;
	r->ncaps = ncaps;
	r->ngroups = ngroups;
	return 0;
}

int
prof_compile(const char *t, struct rule *r, char **lit, char *msg, size_t msgcap)
{
	struct cc c = { NULL, NULL, msg, msgcap };

	if (compile(&c, r, t) < 0) {
		free(c.segs);
		free(c.lit);
		return -1;
	}
	*lit = c.lit;
	return 0;
}
