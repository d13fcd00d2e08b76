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
	src_inputs_free(c);
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
 * Which source reads a kind the detector names (detect.c); a kind not
 * here has none.
 */
extern const struct ot_source_ops ot_source_jsonl_ops;		/* jsonl.c */
extern const struct ot_source_ops ot_source_etl_ops;		/* etl.c */
extern const struct ot_source_ops ot_source_text_ops;		/* text.c */
extern const struct ot_source_ops ot_source_capture_ops;	/* capture.c */

static const struct detector {
	const char *name;
	const struct ot_source_ops *ops;
} kinds[] = {
	{ "pcap", &ot_source_capture_ops },
	{ "pcapng", &ot_source_capture_ops },
	{ "etl", &ot_source_etl_ops },
	{ "wpptext", &ot_source_text_ops },
	{ "jsonl", &ot_source_jsonl_ops },
	{ "empty", NULL },
	{ "text", NULL },
	{ "binary", NULL },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const struct detector *
detector_named(const char *kind)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i].name, kind) == 0)
			return &kinds[i];
	return NULL;
}

static const struct detector *
detect(const struct ot_source_ctx *c, const char *path, struct ot_err *err)
{
	uint8_t b[4096];
	size_t n;
	struct ot_input *in = c != NULL ? src_input(c, path) : NULL;
	FILE *f;

	/* what ot_source_expand() found was looked at then */
	if (in != NULL)
		return detector_named(src_input_kind(in));
	if ((f = fopen(path, "rb")) == NULL) {
		err->phase = "open";
		return ot_errorf_at(err, OT_EINPUT, path, 0, "cannot open: %s",
				    strerror(errno)), NULL;
	}
	n = fread(b, 1, sizeof(b), f);
	fclose(f);
	return detector_named(src_detect_bytes(c, b, n));
}

const char *
ot_source_detect(const struct ot_source_ctx *c, const char *path, struct ot_err *err)
{
	const struct detector *d = detect(c, path, err);

	return d ? d->name : NULL;
}

int64_t
ot_source_input_size(const struct ot_source_ctx *c, const char *name)
{
	struct ot_input *in = src_input(c, name);

	return in != NULL ? src_input_size(in) : -1;
}

struct ot_source *
ot_source_open(struct ot_source_ctx *c, const char *path, const char *kind,
	       uint32_t index, struct ot_err *err)
{
	const struct detector *d = NULL;
	struct ot_source *s;

	if (kind == NULL) {
		if ((d = detect(c, path, err)) == NULL)
			return NULL;
	} else {
		d = detector_named(kind);
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
	s->in = src_input(c, path);
	s->index = index;
	snprintf(s->format, sizeof(s->format), "%s", d->name);
	if (s->ops->open(s, path, err) < 0) {
		src_stream_error(s, err);
		src_stream_close(s);
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

	/* the reader saw a read error, or took it for the end; the stream
	 * knows what it was */
	if (r <= 0 && src_stream_error(s, err))
		r = -1;
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

struct ot_etl *
ot_source_etl(struct ot_source *s)
{
	return s->ops == &ot_source_etl_ops ? src_etl_raw(s) : NULL;
}

/* sha256 of a whole file, for sources that do not hash as they read (the
 * .etl reader reads by buffers, not in file order) */
int
ot_source_sha256(struct ot_source *s, char hex[65], uint64_t *size, struct ot_err *err)
{
	struct ot_sha256 c;
	uint8_t *buf;
	FILE *f;
	size_t k;
	int rc = 0;

	/* content that is no plain file: hashed as it was read, to its end */
	if ((rc = src_stream_sha256(s, hex, size, err)) != -1)
		return rc == 0 ? 0 : -1;
	rc = 0;
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
	src_stream_close(s);
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
