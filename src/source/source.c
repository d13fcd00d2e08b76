/*
 * source.c - the detector (one table of probe and opener) and what every
 * source shares: open, next, statistics, the file's hash (source.h).
 *
 * Calls down only: the kinds' ops (jsonl.c, etl.c, text.c, capture.c are
 * reached through their tables, never by name from elsewhere), the
 * decoders the ctx builds (profiles, TMF, prefix) and util.
 */
#include "source_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/jsonl.h"
#include "offtrace/profile.h"
#include "offtrace/tmf.h"
#include "offtrace/wpptext.h"

struct ot_source_ctx *
ot_source_ctx_new(const struct ot_source_opts *o, struct ot_strtab *st, struct ot_err *err)
{
	struct ot_source_ctx *c = xcalloc(1, sizeof(*c));
	size_t i;

	c->o = *o;
	c->st = st;
	if (st == NULL)
		c->st = c->own_st = ot_strtab_new();
	c->prof = ot_profile_new();
	for (i = 0; i < o->nprofiles; i++)
		if (ot_profile_add_file(c->prof, o->profiles[i], err) < 0)
			goto fail;
	if (!(o->flags & OT_SRC_NO_BUILTIN) &&
	    ot_profile_add_builtin(c->prof, "chimney", err) < 0)
		goto fail;
	if (o->tmf_dir != NULL && (c->tmf = ot_tmfdir_open(o->tmf_dir, err)) == NULL)
		goto fail;
	if (o->prefix != NULL && (c->pf = ot_wpptext_prefix_new(o->prefix, err)) == NULL)
		goto fail;
	return c;
fail:
	ot_source_ctx_free(c);
	return NULL;
}

void
ot_source_ctx_free(struct ot_source_ctx *c)
{
	if (c == NULL)
		return;
	ot_profile_free(c->prof);
	ot_tmfdir_free(c->tmf);
	ot_wpptext_prefix_free(c->pf);
	ot_strtab_free(c->own_st);
	free(c);
}

size_t
ot_source_ctx_rules(const struct ot_source_ctx *c)
{
	return ot_profile_nrules(c->prof);
}

const struct ot_tmfdir *
ot_source_ctx_tmf(const struct ot_source_ctx *c)
{
	return c->tmf;
}

/*
 * The probes, on the first bytes of a file (at most 4096).  The magic
 * numbers of pcap (both byte orders, us and ns) and of the pcapng section
 * header block: FORMATS.md section 4.
 */
static uint32_t
le32_at(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static int
probe_pcap(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	uint32_t m = n >= 4 ? le32_at(b) : 0;

	return m == 0xa1b2c3d4u || m == 0xd4c3b2a1u || m == 0xa1b23c4du || m == 0x4d3cb2a1u;
}

static int
probe_pcapng(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	return n >= 4 && le32_at(b) == 0x0a0d0d0au;
}

/* ETL: the first buffer's header and log-file header event (FORMATS.md 1.7) */
static int
probe_etl(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	return ot_etl_probe(b, n);
}

/* tracefmt text (FORMATS.md 2.3): before the binary test, since a message
 * may hold any byte */
static int
probe_wpptext(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	return ot_wpptext_probe(b, n);
}

/* past a UTF-8 byte-order mark and white space */
static size_t
skip_space(const uint8_t *b, size_t n)
{
	size_t i = n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf ? 3 : 0;

	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
		i++;
	return i;
}

static int
skip_space_all(const uint8_t *b, size_t n)
{
	return skip_space(b, n) == n;
}

static int
probe_empty(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	return skip_space_all(b, n);
}

/*
 * UTF-16 text (tracefmt and "pktmon format" write UTF-16LE with a
 * byte-order mark): its first bytes as UTF-8 in u, for the probes of text
 * below; 0 when it is no UTF-16 text.  Before the ETL probe, so that such
 * text is never taken for an .etl.
 */
static size_t
utf16_head(const uint8_t *b, size_t n, char u[OT_WPPTEXT_UTF8_MAX(4096)])
{
	int enc = ot_wpptext_encoding(b, n);

	if (enc == OT_WPPTEXT_UTF8 || n > 4096)
		return 0;
	return ot_wpptext_utf16_to_utf8(b, n, enc, u);
}

/* UTF-16 tracefmt text: by its first line, as probe_wpptext */
static int
probe_utf16_wpptext(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	char u[OT_WPPTEXT_UTF8_MAX(4096)];
	size_t k = utf16_head(b, n, u);

	return k > 0 && ot_wpptext_probe((const uint8_t *)u, k);
}

/* UTF-16 white space only (a byte-order mark alone, say), as probe_empty */
static int
probe_utf16_empty(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	char u[OT_WPPTEXT_UTF8_MAX(4096)];
	size_t k = utf16_head(b, n, u);

	return k > 0 && skip_space_all((const uint8_t *)u, k);
}

/* other UTF-16 text with --prefix, as probe_prefixed */
static int
probe_utf16_prefixed(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	char u[OT_WPPTEXT_UTF8_MAX(4096)];

	return c != NULL && c->o.prefix != NULL && utf16_head(b, n, u) > 0;
}

/* other UTF-16 text: no source reads it, but it is text */
static int
probe_utf16(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	char u[OT_WPPTEXT_UTF8_MAX(4096)];

	return utf16_head(b, n, u) > 0;
}

/* JSON lines; binary bytes further on are the reader's to report, with
 * their line */
static int
probe_jsonl(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	size_t i = skip_space(b, n);

	return i < n && b[i] == '{';
}

/* any other text or bytes, read as tracefmt text written with --prefix */
static int
probe_prefixed(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	return c != NULL && c->o.prefix != NULL;
}

static int
probe_binary(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	size_t k;

	for (k = skip_space(b, n); k < n; k++)
		if (b[k] == 0 || (b[k] < 0x20 && b[k] != '\t' && b[k] != '\n' && b[k] != '\r'))
			return 1;
	return 0;
}

static int
probe_any(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	return 1;
}

/*
 * The detector: the first probe that says yes names the kind and its
 * source (NULL: no source reads it).  A new input kind is its ops here
 * and a line in the table, and one file in src/source/.
 */
extern const struct ot_source_ops ot_source_jsonl_ops;		/* jsonl.c */
extern const struct ot_source_ops ot_source_etl_ops;		/* etl.c */
extern const struct ot_source_ops ot_source_text_ops;		/* text.c */
extern const struct ot_source_ops ot_source_capture_ops;	/* capture.c */

static const struct detector {
	const char *name;
	int (*probe)(const struct ot_source_ctx *c, const uint8_t *b, size_t n);
	const struct ot_source_ops *ops;
} detectors[] = {
	{ "pcap", probe_pcap, &ot_source_capture_ops },
	{ "pcapng", probe_pcapng, &ot_source_capture_ops },
	{ "wpptext", probe_utf16_wpptext, &ot_source_text_ops },
	{ "empty", probe_utf16_empty, NULL },
	{ "wpptext", probe_utf16_prefixed, &ot_source_text_ops },
	{ "text", probe_utf16, NULL },
	{ "etl", probe_etl, &ot_source_etl_ops },
	{ "wpptext", probe_wpptext, &ot_source_text_ops },
	{ "empty", probe_empty, NULL },
	{ "jsonl", probe_jsonl, &ot_source_jsonl_ops },
	{ "wpptext", probe_prefixed, &ot_source_text_ops },
	{ "binary", probe_binary, NULL },
	{ "text", probe_any, NULL },
};

#define NDETECTORS (sizeof(detectors) / sizeof(detectors[0]))

static const struct detector *
detect(const struct ot_source_ctx *c, const char *path, struct ot_err *err)
{
	uint8_t b[4096];
	size_t n, i;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		err->phase = "open";
		return ot_errorf_at(err, OT_EINPUT, path, 0, "cannot open: %s",
				    strerror(errno)), NULL;
	}
	n = fread(b, 1, sizeof(b), f);
	fclose(f);
	for (i = 0; i < NDETECTORS; i++)
		if (detectors[i].probe(c, b, n))
			break;
	return &detectors[i];
}

const char *
ot_source_detect(const struct ot_source_ctx *c, const char *path, struct ot_err *err)
{
	const struct detector *d = detect(c, path, err);

	return d ? d->name : NULL;
}

int
ot_source_readable(const char *kind)
{
	size_t i;

	for (i = 0; i < NDETECTORS; i++)
		if (strcmp(detectors[i].name, kind) == 0 && detectors[i].ops != NULL)
			return 1;
	return 0;
}

struct ot_source *
ot_source_open(struct ot_source_ctx *c, const char *path, const char *kind,
	       uint32_t index, struct ot_err *err)
{
	const struct detector *d = NULL;
	struct ot_source *s;
	size_t i;

	if (kind == NULL) {
		if ((d = detect(c, path, err)) == NULL)
			return NULL;
	} else {
		for (i = 0; i < NDETECTORS && d == NULL; i++)
			if (strcmp(detectors[i].name, kind) == 0 && detectors[i].ops != NULL)
				d = &detectors[i];
	}
	if (d == NULL || d->ops == NULL) {
		err->phase = "detect";
		return ot_errorf_at(err, OT_EINPUT, path, 1, "%s input: no source reads it",
				    d ? d->name : kind), NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->ops = d->ops;
	s->ctx = c;
	s->kind = d->name;
	s->path = xstrdup(path);
	s->index = index;
	snprintf(s->format, sizeof(s->format), "%s", d->name);
	if (s->ops->open(s, path, err) < 0) {
		free(s->path);
		free(s);
		return NULL;
	}
	return s;
}

int
ot_source_next(struct ot_source *s, struct ot_item *it, struct ot_err *err)
{
	int r = s->ops->next(s, it, err);

	if (r < 0 && !err->file[0])
		snprintf(err->file, sizeof(err->file), "%s", s->path);
	return r;
}

uint64_t
ot_source_offset(const struct ot_source *s)
{
	return s->ops->offset ? s->ops->offset(s) : 0;
}

const char *
ot_source_kind(const struct ot_source *s)
{
	return s->kind;
}

void
ot_source_stats(struct ot_source *s, struct ot_source_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->format = s->format;
	st->bytes = s->ops->bytes(s);
	if (s->ops->stats)
		s->ops->stats(s, st);
}

size_t
ot_source_unmatched(struct ot_source *s, const struct ot_source_unmatched **v)
{
	*v = NULL;
	return s->ops->unmatched ? s->ops->unmatched(s, v) : 0;
}

size_t
ot_source_problems(struct ot_source *s, const struct ot_source_problem **v)
{
	*v = NULL;
	return s->ops->problems ? s->ops->problems(s, v) : 0;
}

int
ot_source_facts(struct ot_source *s, int (*put)(void *, const char *, const char *),
		void *ctx)
{
	return s->ops->facts ? s->ops->facts(s, put, ctx) : 0;
}

/* sha256 of a whole file, for sources that do not hash as they read (the
 * .etl reader reads by buffers, not in file order) */
int
ot_source_sha256(struct ot_source *s, char hex[65], struct ot_err *err)
{
	struct ot_sha256 c;
	uint8_t *buf;
	FILE *f;
	size_t k;
	int rc = 0;

	if (s->ops->sha256 && s->ops->sha256(s, hex) == 0)
		return 0;
	if ((f = fopen(s->path, "rb")) == NULL) {
		err->phase = "sha256";
		return ot_errorf_at(err, OT_EINPUT, s->path, 0, "cannot open: %s",
				    strerror(errno));
	}
	buf = xmalloc(1 << 20);
	ot_sha256_init(&c);
	while ((k = fread(buf, 1, 1 << 20, f)) > 0)
		ot_sha256_update(&c, buf, k);
	if (ferror(f)) {
		err->phase = "sha256";
		rc = ot_errorf_at(err, OT_EINPUT, s->path, 0, "read error");
	}
	ot_sha256_final(&c, hex);
	fclose(f);
	free(buf);
	return rc;
}

void
ot_source_close(struct ot_source *s)
{
	if (s == NULL)
		return;
	s->ops->close(s);
	free(s->un);
	free(s->pr);
	free(s->path);
	free(s);
}

int
ot_source_parse_tz(const char *s, int64_t *offset_ns)
{
	return ot_wpptext_parse_tz(s, offset_ns);
}

void
ot_source_thread_release(void)
{
	ot_jsonl_thread_release();
}
