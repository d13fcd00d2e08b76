/*
 * jsonl.c - the JSON-lines source: normalized events as they are
 * (src/read/jsonl.c), hashed as they are read.
 */
#include "source_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/jsonl.h"

struct jsonl_src {
	FILE *f;
	struct ot_jsonl *rd;
};

static int
jsonl_open(struct ot_source *s, const char *path, struct ot_err *err)
{
	struct jsonl_src *j;
	FILE *f = src_stream(s, err);

	if (f == NULL)
		return -1;
	j = xcalloc(1, sizeof(*j));
	j->f = f;
	j->rd = ot_jsonl_open(f, path, s->index, s->ctx->st);
	s->impl = j;
	return 0;
}

static int
jsonl_next(struct ot_source *s, struct ot_item *it, struct ot_err *err)
{
	struct jsonl_src *j = s->impl;

	it->kind = OT_ITEM_EVENT;
	return ot_jsonl_next(j->rd, &it->ev, err);
}

static uint64_t
jsonl_bytes(const struct ot_source *s)
{
	const struct jsonl_src *j = s->impl;

	return ot_jsonl_bytes(j->rd);
}

static uint64_t
jsonl_offset(const struct ot_source *s)
{
	const struct jsonl_src *j = s->impl;

	return ot_jsonl_line_offset(j->rd);
}

static void
jsonl_stats(struct ot_source *s, struct ot_source_stats *st)
{
	struct jsonl_src *j = s->impl;

	st->records = ot_jsonl_lines(j->rd);
}

static int
jsonl_sha256(struct ot_source *s, char hex[65])
{
	struct jsonl_src *j = s->impl;

	ot_jsonl_sha256(j->rd, hex);
	return 0;
}

static void
jsonl_close(struct ot_source *s)
{
	struct jsonl_src *j = s->impl;

	if (j == NULL)
		return;
	ot_jsonl_close(j->rd);
	fclose(j->f);
	free(j);
}

const struct ot_source_ops ot_source_jsonl_ops = {
	.name = "jsonl",
	.open = jsonl_open,
	.next = jsonl_next,
	.bytes = jsonl_bytes,
	.offset = jsonl_offset,
	.stats = jsonl_stats,
	.sha256 = jsonl_sha256,
	.close = jsonl_close,
};
