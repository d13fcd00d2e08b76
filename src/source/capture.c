/*
 * capture.c - the packet-capture source: pcap and pcapng files
 * (src/read/pcap.c), their packets on the capture's own clock, shifted by
 * --pcap-offset.
 */
#include "source_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct capture_src {
	struct ot_pcap *cap;
	int64_t last_ts;
	uint64_t packets, reordered;
	uint64_t offset;	/* of the current packet */
};

static int
capture_open(struct ot_source *s, const char *path, struct ot_err *err)
{
	struct ot_pcap *p;
	struct capture_src *c;
	FILE *f;

	if (src_plain(s)) {
		p = ot_pcap_open(path, err);
	} else if ((f = src_stream(s, err)) != NULL) {
		/* the detector read its magic */
		p = ot_pcap_fopen(f, path, strcmp(s->kind, "pcapng") == 0, err);
	} else {
		p = NULL;
	}
	if (p == NULL)
		return -1;
	c = xcalloc(1, sizeof(*c));
	c->cap = p;
	c->last_ts = INT64_MIN;
	snprintf(s->format, sizeof(s->format), "%s", ot_pcap_format(p));
	s->impl = c;
	return 0;
}

static int
capture_next(struct ot_source *s, struct ot_item *it, struct ot_err *err)
{
	struct capture_src *c = s->impl;
	int64_t off = s->ctx->o.pkt_offset_ns;
	int r = ot_pcap_next(c->cap, &it->pkt, err);

	if (r <= 0)
		return r;
	it->kind = OT_ITEM_PACKET;
	c->packets++;
	c->offset = it->pkt.offset;
	/* --pcap-offset shifts the capture's clock, saturating */
	if (off > 0 && it->pkt.ts > INT64_MAX - off)
		it->pkt.ts = INT64_MAX;
	else if (off < 0 && it->pkt.ts < INT64_MIN - off)
		it->pkt.ts = INT64_MIN;
	else
		it->pkt.ts += off;
	/* a packet earlier than the one before (multi-interface pcapng) is
	 * merged at the time of that one */
	if ((s->ctx->o.flags & OT_SRC_ORDERED) && it->pkt.ts < c->last_ts) {
		c->reordered++;
		it->pkt.ts = c->last_ts;
	}
	it->ev.ts = c->last_ts = it->pkt.ts;
	it->ev.input = s->index;
	return 1;
}

static uint64_t
capture_bytes(const struct ot_source *s)
{
	const struct capture_src *c = s->impl;

	return c->offset;
}

static void
capture_stats(struct ot_source *s, struct ot_source_stats *st)
{
	struct capture_src *c = s->impl;

	st->capture = 1;
	st->records = c->packets;
	st->reordered = c->reordered;
}

static int
capture_facts(struct ot_source *s, int (*put)(void *, const char *, const char *), void *ctx)
{
	struct capture_src *c = s->impl;
	char val[32];
	int rc;

	if (s->ctx->o.pkt_offset_ns) {
		snprintf(val, sizeof(val), "%lld", (long long)s->ctx->o.pkt_offset_ns);
		if ((rc = put(ctx, "pcap_offset_ns", val)) != 0)
			return rc;
	}
	if (c->reordered) {
		snprintf(val, sizeof(val), "%llu", (unsigned long long)c->reordered);
		if ((rc = put(ctx, "capture_reordered", val)) != 0)
			return rc;
	}
	return 0;
}

static void
capture_close(struct ot_source *s)
{
	struct capture_src *c = s->impl;

	if (c == NULL)
		return;
	ot_pcap_close(c->cap);
	free(c);
}

const struct ot_source_ops ot_source_capture_ops = {
	.name = "capture",
	.open = capture_open,
	.next = capture_next,
	.bytes = capture_bytes,
	.offset = capture_bytes,
	.stats = capture_stats,
	.facts = capture_facts,
	.close = capture_close,
};
