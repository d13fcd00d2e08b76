/*
 * etl.c - the .etl source: records in time order across processors
 * (src/read/etl.c) through the built-in and --profile profiles into
 * events, NDIS-PacketCapture and PktMon records as packets and drops
 * (src/decode/etlsrc.c, pktmon.c); in raw mode, the records themselves,
 * each PktMon appearance and NDIS-PacketCapture packet as a packet.
 *
 * PktMon logs the names of its components at the end of the file: before
 * its first packet record, the file is read once more for them
 * (prescan()), so that packets and drops carry their component's name.
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
	struct ot_pktmon *pkm;		/* the packet decoder (es's, or raw mode's) */
	uint64_t records;		/* raw mode: read */
	char *path;
	int fd;				/* a temporary copy (src_spool()), or -1 */
};

/* The reader of e's file, by path or by the copy's descriptor. */
static struct ot_etl *
etl_reopen(const struct etl_src *e, struct ot_err *err)
{
	return e->fd >= 0 ? ot_etl_open_fd(e->fd, e->path, err) : ot_etl_open(e->path, err);
}

/* The component names of a PktMon capture, from a pass of its own. */
static void
prescan(void *ctx, struct ot_pktmon *p)
{
	struct etl_src *e = ctx;
	struct ot_etl_record r;
	struct ot_etl *etl;
	struct ot_err err;

	memset(&err, 0, sizeof(err));
	if ((etl = etl_reopen(e, &err)) == NULL)
		return;		/* the main pass says what is wrong */
	while (ot_etl_next(etl, &r, &err) > 0)
		ot_pktmon_learn(p, &r);
	ot_etl_close(etl);
}

_Static_assert(sizeof(((struct ot_source_appear *)0)->not_ip) ==
	       sizeof(((struct ot_pktmon_stats *)0)->not_ip), "not_ip slots");

/* PKTMON_PACKET_TYPE names, for the stats */
static const char *const *
type_names(void)
{
	static const char *names[OT_PKTMON_NTYPES + 1];
	unsigned i;

	if (names[0] == NULL) {
		for (i = 0; i < OT_PKTMON_NTYPES; i++)
			names[i] = ot_pktmon_type_name(i);
		names[OT_PKTMON_NTYPES] = "other";
	}
	return names;
}

static int
etl_open(struct ot_source *s, const char *path, struct ot_err *err)
{
	const struct ot_source_ctx *c = s->ctx;
	struct etl_src *e = xcalloc(1, sizeof(*e));
	int mode = c->o.appearances_all ? OT_PKTMON_ALL : OT_PKTMON_FIRST;
	int comp = c->o.has_component ? (int)c->o.component : -1;
	struct ot_etl *etl;

	/* read out of file order: content that is no plain file is copied
	 * into a temporary file first */
	e->path = xstrdup(path);
	if ((e->fd = src_spool(s, err)) == -2 || (etl = etl_reopen(e, err)) == NULL)
		goto fail;
	if (c->o.flags & OT_SRC_RAW) {
		e->raw = etl;
		if (c->o.flags & OT_SRC_PACKETS) {
			e->pkm = ot_pktmon_new();
			ot_pktmon_set_mode(e->pkm, OT_PKTMON_RAW, -1);
		}
	} else {
		e->es = ot_etlsrc_new(etl, c->st);
		if (c->o.flags & OT_SRC_PACKETS)
			e->pkm = ot_etlsrc_want_packets(e->es, mode, comp);
		if (!(c->o.flags & OT_SRC_NO_PROFILE))
			ot_etlsrc_set_profile(e->es, c->prof, c->tmf);
	}
	if (e->pkm)
		ot_pktmon_on_first(e->pkm, prescan, e);
	s->impl = e;
	return 0;
fail:
	free(e->path);
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
		/* an NDIS-PacketCapture record that completes a packet, a PktMon
		 * appearance or drop */
		if (e->pkm && ot_pktmon_is(&it->rec) &&
		    (r = ot_pktmon_record(e->pkm, &it->rec, &it->pkt)) != OT_PKTMON_NONE) {
			it->kind = r == OT_PKTMON_DROP ? OT_ITEM_DROP : OT_ITEM_PACKET;
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
	if (r >= 2) {
		/* a packet or a drop: the trace's clock, no offset */
		it->kind = r == 3 ? OT_ITEM_DROP : OT_ITEM_PACKET;
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
appear_stats(const struct ot_pktmon_stats *ps, struct ot_source_appear *a)
{
	a->appearances = ps->appearances;
	a->counted = ps->counted;
	a->repeats = ps->repeats;
	a->other_component = ps->other_component;
	a->drops = ps->drops;
	a->components = ps->components;
	a->malformed = ps->malformed;
	memcpy(a->not_ip, ps->not_ip, sizeof(a->not_ip));
	a->type_names = type_names();
}

static void
etl_stats(struct ot_source *s, struct ot_source_stats *st)
{
	struct etl_src *e = s->impl;
	const struct ot_etlsrc_unmatched *kinds;
	const struct ot_etl_header *h;

	if (e->pkm)
		appear_stats(ot_pktmon_stats(e->pkm), &st->appear);
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

struct ot_etl *
src_etl_raw(struct ot_source *s)
{
	const struct etl_src *e = s->impl;

	return e != NULL ? e->raw : NULL;
}

static void
etl_close(struct ot_source *s)
{
	struct etl_src *e = s->impl;

	if (e == NULL)
		return;
	ot_etlsrc_close(e->es);		/* frees its own packet decoder */
	ot_etl_close(e->raw);
	if (e->raw)
		ot_pktmon_free(e->pkm);
	free(e->path);
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
