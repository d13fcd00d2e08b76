/*
 * domq.c - query an HTML document as a browser serialized it (headless
 * Chromium's --dump-dom): select elements with a small CSS subset and print
 * their text, an attribute, or their children's texts.  tests/cli/html.sh
 * reads the report's DOM with it, knowing nothing of how html.c writes it.
 *
 *   domq FILE SELECTOR          text content of each match, a line each
 *   domq -a ATTR FILE SELECTOR  the attribute of each match that has it
 *   domq -c FILE SELECTOR       each match's child elements' texts, TAB apart
 *
 * SELECTOR: compound selectors apart by spaces (descendant), each a tag
 * name and/or attribute tests: "svg[data-chart=timeline] g[data-axis] text",
 * "[data-row=latency]", "li[data-legend-bar]".  Text is decoded (&amp;,
 * &lt;, &gt;, &quot;, &#39;, &nbsp; and numeric references) with white
 * space runs as one space, trimmed.  Exits 0 with at least one match,
 * 1 with none, 2 on a usage or read error.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "offtrace/util.h"

#define MAX_ATTRS 32
#define MAX_TESTS 8
#define MAX_PARTS 16
#define MAX_DEPTH 512

struct attr {
	char *name, *value;
};

struct node {
	char *tag;			/* lowercase; NULL for text */
	char *text;			/* text nodes */
	struct attr attrs[MAX_ATTRS];
	int nattrs;
	struct node *parent, *first, *last, *next;
};

struct test {
	char *name, *value;		/* value NULL: presence only */
};

struct part {
	char *tag;			/* NULL: any */
	struct test t[MAX_TESTS];
	int nt;
};

static char *
read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		return NULL;
	do {
		if (n + 65536 > cap) {
			cap = (n + 65536) * 2;
			buf = xrealloc(buf, cap + 1);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void
put_utf8(char **o, unsigned long c)
{
	unsigned char *p = (unsigned char *)*o;

	if (c < 0x80) {
		*p++ = (unsigned char)c;
	} else if (c < 0x800) {
		*p++ = (unsigned char)(0xc0 | c >> 6);
		*p++ = (unsigned char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		*p++ = (unsigned char)(0xe0 | c >> 12);
		*p++ = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		*p++ = (unsigned char)(0x80 | (c & 0x3f));
	} else {
		*p++ = (unsigned char)(0xf0 | c >> 18);
		*p++ = (unsigned char)(0x80 | (c >> 12 & 0x3f));
		*p++ = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		*p++ = (unsigned char)(0x80 | (c & 0x3f));
	}
	*o = (char *)p;
}

/* s[0..n) with character references decoded, as a new string. */
static char *
decode(const char *s, size_t n)
{
	static const struct { const char *name; unsigned long c; } named[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
		{ "apos", '\'' }, { "nbsp", 0xa0 }, { "middot", 0xb7 },
		{ "hellip", 0x2026 },
	};
	char *out = xmalloc(n * 4 + 1), *o = out;
	size_t i = 0, k;

	while (i < n) {
		if (s[i] == '&') {
			const char *semi = memchr(s + i, ';', n - i < 12 ? n - i : 12);

			if (semi != NULL && s[i + 1] == '#') {
				char *end;
				unsigned long c = s[i + 2] == 'x' || s[i + 2] == 'X' ?
						  strtoul(s + i + 3, &end, 16) : strtoul(s + i + 2, &end, 10);

				if (end == semi && c > 0 && c < 0x110000) {
					put_utf8(&o, c);
					i = (size_t)(semi - s) + 1;
					continue;
				}
			} else if (semi != NULL) {
				for (k = 0; k < sizeof(named) / sizeof(named[0]); k++)
					if ((size_t)(semi - s - i - 1) == strlen(named[k].name) &&
					    strncmp(s + i + 1, named[k].name, strlen(named[k].name)) == 0)
						break;
				if (k < sizeof(named) / sizeof(named[0])) {
					put_utf8(&o, named[k].c);
					i = (size_t)(semi - s) + 1;
					continue;
				}
			}
		}
		*o++ = s[i++];
	}
	*o = '\0';
	return out;
}

static int
is_void(const char *tag)
{
	static const char *const v[] = { "area", "base", "br", "col", "embed", "hr", "img",
					 "input", "link", "meta", "source", "track", "wbr" };
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (strcmp(tag, v[i]) == 0)
			return 1;
	return 0;
}

static struct node *
add_child(struct node *parent)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->parent = parent;
	if (parent->last)
		parent->last->next = n;
	else
		parent->first = n;
	parent->last = n;
	return n;
}

static const char *
parse_attrs(const char *q, struct node *n, int *self_close)
{
	for (;;) {
		const char *ns, *vs;
		size_t nl;

		while (isspace((unsigned char)*q))
			q++;
		if (*q == '\0')
			return q;
		if (*q == '>')
			return q + 1;
		if (*q == '/') {
			*self_close = 1;
			q++;
			continue;
		}
		ns = q;
		while (*q && !isspace((unsigned char)*q) && *q != '=' && *q != '>' && *q != '/')
			q++;
		nl = (size_t)(q - ns);
		if (n->nattrs < MAX_ATTRS) {
			struct attr *a = &n->attrs[n->nattrs++];
			size_t i;

			a->name = xmalloc(nl + 1);
			for (i = 0; i < nl; i++)
				a->name[i] = (char)tolower((unsigned char)ns[i]);
			a->name[nl] = '\0';
			a->value = NULL;
		}
		while (isspace((unsigned char)*q))
			q++;
		if (*q != '=') {
			if (n->nattrs && n->attrs[n->nattrs - 1].value == NULL)
				n->attrs[n->nattrs - 1].value = xstrdup("");
			continue;
		}
		q++;
		while (isspace((unsigned char)*q))
			q++;
		if (*q == '"' || *q == '\'') {
			char quote = *q++;

			vs = q;
			while (*q && *q != quote)
				q++;
			if (n->nattrs)
				n->attrs[n->nattrs - 1].value = decode(vs, (size_t)(q - vs));
			if (*q)
				q++;
		} else {
			vs = q;
			while (*q && !isspace((unsigned char)*q) && *q != '>')
				q++;
			if (n->nattrs)
				n->attrs[n->nattrs - 1].value = decode(vs, (size_t)(q - vs));
		}
	}
}

static struct node *
parse(const char *p)
{
	struct node *root = xcalloc(1, sizeof(*root)), *cur = root;
	int depth = 0;

	root->tag = xstrdup("#document");
	while (*p) {
		if (p[0] == '<' && p[1] == '!') {
			const char *e = strncmp(p, "<!--", 4) == 0 ? strstr(p + 4, "-->") : strchr(p, '>');

			p = e ? e + (e[0] == '-' ? 3 : 1) : p + strlen(p);
		} else if (p[0] == '<' && p[1] == '/') {
			const char *s = p + 2, *e = strchr(s, '>');
			size_t l;
			struct node *up;

			while (*s && isspace((unsigned char)*s))
				s++;
			l = strcspn(s, " \t\n>");
			for (up = cur; up != root; up = up->parent)
				if (strlen(up->tag) == l && strncasecmp(up->tag, s, l) == 0)
					break;
			if (up != root) {	/* close it and whatever is open inside */
				while (cur != up) {
					cur = cur->parent;
					depth--;
				}
				cur = up->parent;
				depth--;
			}
			p = e ? e + 1 : p + strlen(p);
		} else if (p[0] == '<' && isalpha((unsigned char)p[1])) {
			struct node *n = add_child(cur);
			const char *q = p + 1;
			size_t l = 0, i;
			int self_close = 0;

			while (q[l] && !isspace((unsigned char)q[l]) && q[l] != '>' && q[l] != '/')
				l++;
			n->tag = xmalloc(l + 1);
			for (i = 0; i < l; i++)
				n->tag[i] = (char)tolower((unsigned char)q[i]);
			n->tag[l] = '\0';
			p = parse_attrs(q + l, n, &self_close);
			if (strcmp(n->tag, "style") == 0 || strcmp(n->tag, "script") == 0) {
				char endtag[16];
				const char *e;

				snprintf(endtag, sizeof(endtag), "</%s", n->tag);
				e = strstr(p, endtag);
				if (e == NULL)
					e = p + strlen(p);
				add_child(n)->text = decode(p, (size_t)(e - p));
				p = e;
				continue;	/* its end tag closes it */
			}
			if (!self_close && !is_void(n->tag) && depth < MAX_DEPTH) {
				cur = n;
				depth++;
			}
		} else {
			const char *e = strchr(p, '<');
			size_t l;

			if (e == p)	/* a lone '<' */
				e = strchr(p + 1, '<');
			l = e ? (size_t)(e - p) : strlen(p);
			add_child(cur)->text = decode(p, l);
			p += l;
		}
	}
	return root;
}

static void
free_tree(struct node *n)
{
	struct node *c = n->first, *next;
	int i;

	for (; c != NULL; c = next) {
		next = c->next;
		free_tree(c);
	}
	for (i = 0; i < n->nattrs; i++) {
		free(n->attrs[i].name);
		free(n->attrs[i].value);
	}
	free(n->tag);
	free(n->text);
	free(n);
}

static const char *
attr(const struct node *n, const char *name)
{
	int i;

	for (i = 0; i < n->nattrs; i++)
		if (strcmp(n->attrs[i].name, name) == 0)
			return n->attrs[i].value;
	return NULL;
}

static int
part_matches(const struct part *pt, const struct node *n)
{
	int i;

	if (n->tag == NULL || n->tag[0] == '#')
		return 0;
	if (pt->tag && strcmp(pt->tag, n->tag) != 0)
		return 0;
	for (i = 0; i < pt->nt; i++) {
		const char *v = attr(n, pt->t[i].name);

		if (v == NULL || (pt->t[i].value && strcmp(v, pt->t[i].value) != 0))
			return 0;
	}
	return 1;
}

/* The last part matches n and the others its ancestors, in order. */
static int
matches(const struct part *pt, int np, const struct node *n)
{
	int i = np - 1;

	if (!part_matches(&pt[i], n))
		return 0;
	for (i--, n = n->parent; i >= 0 && n != NULL; n = n->parent)
		if (part_matches(&pt[i], n))
			i--;
	return i < 0;
}

static int
parse_selector(char *s, struct part *pt)
{
	int np = 0;
	char *tok;

	for (tok = strtok(s, " "); tok != NULL; tok = strtok(NULL, " ")) {
		struct part *p;
		char *b;

		if (np == MAX_PARTS)
			return -1;
		p = &pt[np++];
		memset(p, 0, sizeof(*p));
		b = strchr(tok, '[');
		if (b != tok)
			p->tag = tok;
		if (b != NULL)
			*b = '\0';	/* ends the tag; the tests start after it */
		while (b != NULL) {
			char *e = strchr(b + 1, ']'), *eq;

			if (e == NULL || p->nt == MAX_TESTS)
				return -1;
			*e = '\0';
			eq = strchr(b + 1, '=');
			p->t[p->nt].name = b + 1;
			p->t[p->nt].value = NULL;
			if (eq) {
				size_t l;

				*eq = '\0';
				p->t[p->nt].value = eq + 1;
				l = strlen(eq + 1);
				if (l >= 2 && (eq[1] == '"' || eq[1] == '\'') && eq[l] == eq[1]) {
					eq[l] = '\0';
					p->t[p->nt].value = eq + 2;
				}
			}
			p->nt++;
			b = e[1] == '[' ? e + 1 : NULL;
			if (b == NULL && e[1] != '\0')
				return -1;
		}
	}
	return np;
}

/* The text of n's subtree, white space runs as one space. */
static void
text_of(const struct node *n, char **buf, size_t *len, size_t *cap)
{
	const struct node *c;

	if (n->text) {
		const char *s;

		for (s = n->text; *s; s++) {
			char ch = isspace((unsigned char)*s) ? ' ' : *s;

			if (ch == ' ' && (*len == 0 || (*buf)[*len - 1] == ' '))
				continue;
			if (*len + 2 > *cap) {
				*cap = *cap ? *cap * 2 : 256;
				*buf = xrealloc(*buf, *cap);
			}
			(*buf)[(*len)++] = ch;
		}
		return;
	}
	for (c = n->first; c != NULL; c = c->next)
		text_of(c, buf, len, cap);
}

static void
print_text(const struct node *n)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;

	text_of(n, &buf, &len, &cap);
	while (len > 0 && buf[len - 1] == ' ')
		len--;
	if (len)
		fwrite(buf, 1, len, stdout);
	free(buf);
}

static int
walk(const struct node *n, const struct part *pt, int np, int mode, const char *aname)
{
	const struct node *c;
	int found = 0;

	if (matches(pt, np, n)) {
		if (mode == 'a') {
			const char *v = attr(n, aname);

			if (v != NULL) {
				printf("%s\n", v);
				found = 1;
			}
		} else if (mode == 'c') {
			int first = 1;

			for (c = n->first; c != NULL; c = c->next) {
				if (c->tag == NULL)
					continue;
				if (!first)
					putchar('\t');
				print_text(c);
				first = 0;
			}
			putchar('\n');
			found = 1;
		} else {
			print_text(n);
			putchar('\n');
			found = 1;
		}
	}
	for (c = n->first; c != NULL; c = c->next)
		found |= walk(c, pt, np, mode, aname);
	return found;
}

int
main(int argc, char **argv)
{
	struct part pt[MAX_PARTS];
	const char *aname = NULL;
	struct node *root;
	char *text;
	int mode = 't', np, i = 1, found;

	if (argc > 2 && strcmp(argv[1], "-a") == 0) {
		mode = 'a';
		aname = argv[2];
		i = 3;
	} else if (argc > 1 && strcmp(argv[1], "-c") == 0) {
		mode = 'c';
		i = 2;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: domq [-a ATTR | -c] FILE SELECTOR\n");
		return 2;
	}
	if ((np = parse_selector(argv[i + 1], pt)) <= 0) {
		fprintf(stderr, "domq: bad selector\n");
		return 2;
	}
	if ((text = read_all(argv[i])) == NULL) {
		fprintf(stderr, "domq: cannot read '%s'\n", argv[i]);
		return 2;
	}
	root = parse(text);
	free(text);
	found = walk(root, pt, np, mode, aname);
	free_tree(root);
	return found ? 0 : 1;
}
