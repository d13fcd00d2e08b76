/*
 * text.c - the tracefmt text source: WPP messages already decoded to text
 * (src/read/wpptext.c), through the profiles into events
 * (src/decode/textsrc.c), or as messages in raw mode.
 */
#include "source_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/profile.h"
#include "offtrace/textsrc.h"

struct text_src {
	struct ot_textsrc *ts;		/* events, or */
	struct ot_wpptext *raw;		/* raw mode: messages */
};

static int
text_open(struct ot_source *s, const char *path, struct ot_err *err)
{
	const struct ot_source_ctx *c = s->ctx;
	int64_t tz = c->o.tz_set ? c->o.tz_offset_ns : 0;
	struct text_src *t;
	struct ot_wpptext *rd;
	FILE *f = src_stream(s, err);

	if (f == NULL)
		return -1;
	t = xcalloc(1, sizeof(*t));
	rd = ot_wpptext_fopen(f, path);
	if (c->o.flags & OT_SRC_RAW) {
		t->raw = rd;
		ot_wpptext_set_prefix(t->raw, c->pf);
		ot_wpptext_set_tz(t->raw, c->o.tz_offset_ns);
	} else {
		t->ts = ot_textsrc_new(rd, c->prof, c->pf, tz, c->st);
	}
	/* tracefmt times have no zone: the report says how they were read,
	 * as local time unless --tz-offset made them UTC */
	if (c->o.tz_set)
		snprintf(s->format, sizeof(s->format), "tracefmt%c%02u:%02u",
			 c->o.tz_offset_ns < 0 ? '-' : '+',
			 (unsigned)(llabs(c->o.tz_offset_ns) / 3600000000000LL % 100),
			 (unsigned)(llabs(c->o.tz_offset_ns) / 60000000000LL % 60));
	else
		snprintf(s->format, sizeof(s->format), "tracefmt local");
	s->impl = t;
	return 0;
}

static int
text_next(struct ot_source *s, struct ot_item *it, struct ot_err *err)
{
	struct text_src *t = s->impl;
	int r;

	if (t->raw) {
		r = ot_wpptext_next(t->raw, &it->msg, err);
		it->kind = OT_ITEM_MESSAGE;
		it->ev.ts = it->msg.ts_ns;
		return r;
	}
	r = ot_textsrc_next(t->ts, &it->ev, err);
	it->kind = OT_ITEM_EVENT;
	it->ev.input = s->index;
	return r;
}

static uint64_t
text_bytes(const struct ot_source *s)
{
	const struct text_src *t = s->impl;

	return t->raw ? ot_wpptext_bytes(t->raw) : ot_textsrc_bytes(t->ts);
}

static void
text_stats(struct ot_source *s, struct ot_source_stats *st)
{
	struct text_src *t = s->impl;
	const struct ot_wpptext_stats *ws = t->raw ? ot_wpptext_stats(t->raw) :
						     ot_textsrc_stats(t->ts);

	st->records = ws->messages;
	st->no_format = ws->no_format;
	st->lines = ws->lines;
	st->headers = ws->eventtrace;
	st->skipped = ws->other;
	st->continued = ws->continued;
	if (t->ts) {
		const struct ot_tally *u = ot_textsrc_unmatched(t->ts);

		st->unmatched = u->total;
		st->kinds = u->n;
		st->others = u->others;
	}
}

static size_t
text_unmatched(struct ot_source *s, const struct ot_source_unmatched **v)
{
	struct text_src *t = s->impl;
	const struct ot_tally *u;
	size_t i;

	if (t->ts == NULL)
		return 0;
	u = ot_textsrc_unmatched(t->ts);
	if (s->un == NULL && u->n > 0) {
		s->un = xcalloc(u->n, sizeof(*s->un));
		for (i = 0; i < u->n; i++) {
			snprintf(s->un[i].key, sizeof(s->un[i].key), "%s", u->e[i].key);
			snprintf(s->un[i].meta, sizeof(s->un[i].meta), "text %s", u->e[i].key);
			s->un[i].count = u->e[i].count;
		}
		s->nun = u->n;
	}
	*v = s->un;
	return s->nun;
}

/* "No Format Information found." lines, and how local times were read */
static int
text_facts(struct ot_source *s, int (*put)(void *, const char *, const char *), void *ctx)
{
	const struct ot_source_ctx *c = s->ctx;
	struct ot_source_stats st;
	char val[64];
	int rc;

	text_stats(s, &st);
	snprintf(val, sizeof(val), "%llu", (unsigned long long)st.no_format);
	if ((rc = put(ctx, "no_format", val)) != 0)
		return rc;
	if (c->o.tz_set)
		snprintf(val, sizeof(val), "local time = UTC%c%02lld:%02lld (--tz-offset)",
			 c->o.tz_offset_ns < 0 ? '-' : '+',
			 (long long)(llabs(c->o.tz_offset_ns) / 3600000000000LL),
			 (long long)(llabs(c->o.tz_offset_ns) / 60000000000LL % 60));
	else
		snprintf(val, sizeof(val), "local time, zone unknown (times as written; no --tz-offset)");
	return put(ctx, "tz", val);
}

/* hashed while it was read; the file again only if not read to the end */
static int
text_sha256(struct ot_source *s, char hex[65])
{
	struct text_src *t = s->impl;

	return t->raw ? ot_wpptext_sha256(t->raw, hex) : ot_textsrc_sha256(t->ts, hex);
}

static void
text_close(struct ot_source *s)
{
	struct text_src *t = s->impl;

	if (t == NULL)
		return;
	ot_textsrc_close(t->ts);
	ot_wpptext_close(t->raw);
	free(t);
}

const struct ot_source_ops ot_source_text_ops = {
	.name = "text",
	.open = text_open,
	.next = text_next,
	.bytes = text_bytes,
	.stats = text_stats,
	.unmatched = text_unmatched,
	.facts = text_facts,
	.sha256 = text_sha256,
	.close = text_close,
};
