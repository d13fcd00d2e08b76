/*
 * etl.c - the .etl source: records in time order across processors
 * (src/read/etl.c) through the built-in and --profile profiles into
 * events, NDIS-PacketCapture records as packets (src/decode/etlsrc.c,
 * pktmon.c); in raw mode, the records themselves.
 */
#include "source_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/etlsrc.h"
#include "offtrace/profile.h"
#include "offtrace/pktmon.h"
#include "offtrace/tmf.h"

struct etl_src {
	struct ot_etlsrc *es;		/* events and packets, or */
	struct ot_etl *raw;		/* raw mode: records */
	struct ot_pktmon *pkm;		/* raw mode with OT_SRC_PACKETS */
	uint64_t records;		/* raw mode: read */
};

static int
etl_open(struct ot_source *s, const char *path, struct ot_err *err)
{
	const struct ot_source_ctx *c = s->ctx;
	struct etl_src *e = xcalloc(1, sizeof(*e));

	if (c->o.flags & OT_SRC_RAW) {
		if ((e->raw = ot_etl_open(path, err)) == NULL)
			goto fail;
		if (c->o.flags & OT_SRC_PACKETS)
			e->pkm = ot_pktmon_new();
	} else {
		if ((e->es = ot_etlsrc_open(path, c->st, err)) == NULL)
			goto fail;
		if (c->o.flags & OT_SRC_PACKETS)
			ot_etlsrc_want_packets(e->es);
		if (!(c->o.flags & OT_SRC_NO_PROFILE))
			ot_etlsrc_set_profile(e->es, c->prof, c->tmf);
	}
	s->impl = e;
	return 0;
fail:
	free(e);
	return -1;
}

static int
etl_next(struct ot_source *s, struct ot_item *it, struct ot_err *err)
{
	struct etl_src *e = s->impl;
	int r;

	if (e->raw) {
		if ((r = ot_etl_next(e->raw, &it->rec, err)) <= 0)
			return r;
		e->records++;
		it->ev.ts = it->rec.ts_ns;
		/* an NDIS-PacketCapture record that completes a packet */
		if (e->pkm && ot_pktmon_is(&it->rec) &&
		    ot_pktmon_record(e->pkm, &it->rec, &it->pkt)) {
			it->kind = OT_ITEM_PACKET;
			it->pkt.number = e->records;
			return 1;
		}
		it->kind = OT_ITEM_RECORD;
		return 1;
	}
	if ((r = ot_etlsrc_next(e->es, &it->ev, err)) <= 0)
		return r;
	it->ev.input = s->index;
	it->ev.line = ot_etlsrc_records(e->es);	/* the record's number */
	it->kind = OT_ITEM_EVENT;
	if (r == 2) {
		/* a packet: the trace's clock, no offset */
		it->kind = OT_ITEM_PACKET;
		it->pkt = *ot_etlsrc_packet(e->es);
		it->ev.ts = it->pkt.ts;
	}
	return 1;
}

static uint64_t
etl_bytes(const struct ot_source *s)
{
	const struct etl_src *e = s->impl;
	const struct ot_etl_stats *st;

	if (e->es)
		return ot_etlsrc_bytes(e->es);
	st = ot_etl_stats(e->raw);
	return st->buffers ? st->file_size * st->buffers_read / st->buffers : 0;
}

static void
etl_stats(struct ot_source *s, struct ot_source_stats *st)
{
	struct etl_src *e = s->impl;
	const struct ot_etlsrc_unmatched *kinds;
	const struct ot_etl_header *h;

	if (e->raw) {
		h = ot_etl_header(e->raw);
		st->records = e->records;
		st->corrupt = ot_etl_stats(e->raw)->unparsed;
		st->lost_events = h->events_lost;
		st->lost_buffers = (uint64_t)h->buffers_lost +
				   ot_etl_stats(e->raw)->buffers_flag_lost;
		return;
	}
	st->records = ot_etlsrc_records(e->es);
	st->corrupt = ot_etlsrc_unparsed(e->es);
	st->unmatched = ot_etlsrc_unmatched(e->es, &kinds, &st->kinds);
	ot_etlsrc_lost(e->es, &st->lost_events, &st->lost_buffers);
}

/* per provider and event id (WPP: message GUID and number), with what
 * the TMF says of a WPP message, so that a profile rule can be written */
static size_t
etl_unmatched(struct ot_source *s, const struct ot_source_unmatched **v)
{
	struct etl_src *e = s->impl;
	const struct ot_etlsrc_unmatched *k;
	const struct ot_tmf_msg *tm;
	uint8_t g[16];
	size_t n, i;

	if (e->es == NULL)
		return 0;
	ot_etlsrc_unmatched(e->es, &k, &n);
	if (s->un == NULL && n > 0) {
		s->un = xcalloc(n, sizeof(*s->un));
		for (i = 0; i < n; i++) {
			snprintf(s->un[i].key, sizeof(s->un[i].key), "%s #%u", k[i].provider,
				 (unsigned)k[i].id);
			snprintf(s->un[i].meta, sizeof(s->un[i].meta), "%s %u", k[i].provider,
				 (unsigned)k[i].id);
			s->un[i].count = k[i].count;
			tm = NULL;
			if (s->ctx->tmf != NULL && ot_profile_parse_guid(k[i].provider, g) == 0)
				tm = ot_tmfdir_find(s->ctx->tmf, g, k[i].id);
			if (tm != NULL) {
				s->un[i].func = tm->func;
				s->un[i].format = tm->format;
			}
		}
		s->nun = n;
	}
	*v = s->un;
	return s->nun;
}

static size_t
etl_problems(struct ot_source *s, const struct ot_source_problem **v)
{
	struct etl_src *e = s->impl;
	const struct ot_etl_problem *p;
	size_t n, i;

	if (e->raw == NULL)
		return 0;
	p = ot_etl_problems(e->raw, &n);
	if (s->pr == NULL && n > 0) {
		s->pr = xcalloc(n, sizeof(*s->pr));
		for (i = 0; i < n; i++) {
			s->pr[i].buffer = p[i].buffer_index;
			s->pr[i].offset = p[i].offset;
			s->pr[i].msg = p[i].msg;
		}
		s->npr = n;
	}
	*v = s->pr;
	return s->npr;
}

static void
etl_close(struct ot_source *s)
{
	struct etl_src *e = s->impl;

	if (e == NULL)
		return;
	ot_etlsrc_close(e->es);
	ot_etl_close(e->raw);
	ot_pktmon_free(e->pkm);
	free(e);
}

const struct ot_source_ops ot_source_etl_ops = {
	.name = "etl",
	.open = etl_open,
	.next = etl_next,
	.bytes = etl_bytes,
	.stats = etl_stats,
	.unmatched = etl_unmatched,
	.problems = etl_problems,
	.close = etl_close,
};
