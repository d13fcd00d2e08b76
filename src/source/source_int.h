/*
 * source_int.h - what the sources share behind source.h: the ops a kind
 * implements, the ctx, and the detector's table entry.  Included by
 * src/source/ only.
 */
#ifndef OT_SOURCE_INT_H
#define OT_SOURCE_INT_H

#include "offtrace/source.h"

struct ot_profile;
struct ot_wpptext_prefix;

struct ot_input;		/* input.c: one input after expansion */
struct instream;		/* input.c: a content read as a stream */

struct ot_source_ctx {
	struct ot_source_opts o;
	struct ot_input **in;		/* ot_source_expand()'s inputs */
	size_t nin;
	const char **names;		/* their names, as last given */
	struct ot_source_skip *skip;	/* what it skipped */
	size_t nskip;
	int depth;			/* directories below the one named */
	int stdin_taken;		/* "-" was expanded */
	struct ot_strtab *st;
	struct ot_strtab *own_st;	/* st when the caller gave none */
	struct ot_profile *prof;	/* --profile files, then chimney */
	struct ot_tmfdir *tmf;		/* --tmf, or NULL */
	struct ot_wpptext_prefix *pf;	/* --prefix, or NULL */
};

/*
 * One input kind.  open() fills s->impl; next() gives items; stats() adds
 * to what source.c filled (format, bytes); the rest may be NULL.
 */
struct ot_source_ops {
	const char *name;
	int (*open)(struct ot_source *s, const char *path, struct ot_err *err);
	int (*next)(struct ot_source *s, struct ot_item *it, struct ot_err *err);
	uint64_t (*bytes)(const struct ot_source *s);
	uint64_t (*offset)(const struct ot_source *s);
	void (*stats)(struct ot_source *s, struct ot_source_stats *st);
	size_t (*unmatched)(struct ot_source *s, const struct ot_source_unmatched **v);
	size_t (*problems)(struct ot_source *s, const struct ot_source_problem **v);
	int (*facts)(struct ot_source *s, int (*put)(void *, const char *, const char *),
		     void *ctx);
	/* 0 and hex when the source hashed what it read; -1: hash the file */
	int (*sha256)(struct ot_source *s, char hex[65]);
	void (*close)(struct ot_source *s);
};

struct ot_source {
	const struct ot_source_ops *ops;
	struct ot_source_ctx *ctx;
	const char *kind;		/* the detector's name */
	char *path;
	struct ot_input *in;		/* what ot_source_expand() found, or
					 * NULL: path is a plain file */
	struct instream *stream;	/* src_stream()'s or src_spool()'s */
	uint32_t index;
	void *impl;			/* the kind's own state */
	char format[24];		/* stats.format, when the kind sets it */
	struct ot_source_unmatched *un;	/* unmatched(): built on demand */
	size_t nun;
	struct ot_source_problem *pr;	/* problems(): built on demand */
	size_t npr;
};

/*
 * input.c: how a kind reads its input.  A plain file (src_plain()) is
 * opened by path as ever; other content is a stream (src_stream(): taken
 * by the reader, which closes it) or, for readers that need a file, a
 * temporary copy (src_spool(): the descriptor, kept by the source; -1 for
 * a plain file, -2 and err on failure).
 */
int src_plain(const struct ot_source *s);
FILE *src_stream(struct ot_source *s, struct ot_err *err);
int src_spool(struct ot_source *s, struct ot_err *err);
/* etl.c: the .etl reader of a raw .etl source, or NULL */
struct ot_etl *src_etl_raw(struct ot_source *s);
/* 1 and err when the stream failed under its reader (damage inside an
 * archive, a read error of a pipe), which the reader saw as a read error */
int src_stream_error(const struct ot_source *s, struct ot_err *err);
/* 0, the content's hash and size after reading it to its end; -1 with no
 * stream; -2 and err when it failed */
int src_stream_sha256(struct ot_source *s, char hex[65], uint64_t *size, struct ot_err *err);
void src_stream_close(struct ot_source *s);

struct ot_input *src_input(const struct ot_source_ctx *c, const char *name);
const char *src_input_kind(const struct ot_input *in);
int64_t src_input_size(const struct ot_input *in);
void src_inputs_free(struct ot_source_ctx *c);

/* source.c: the detector's word on a content's first bytes */
const char *src_detect_bytes(const struct ot_source_ctx *c, const uint8_t *b, size_t n);

#endif
