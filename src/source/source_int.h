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

struct ot_source_ctx {
	struct ot_source_opts o;
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
	uint32_t index;
	void *impl;			/* the kind's own state */
	char format[24];		/* stats.format, when the kind sets it */
	struct ot_source_unmatched *un;	/* unmatched(): built on demand */
	size_t nun;
	struct ot_source_problem *pr;	/* problems(): built on demand */
	size_t npr;
};

#endif
