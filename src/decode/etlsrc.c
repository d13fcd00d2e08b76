/*
 * etlsrc.c - .etl records -> normalized events through the built-in
 * profiles (etlsrc.h).
 */
#include "offtrace/etlsrc.h"

#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/chimney.h"
#include "offtrace/etl.h"
#include "offtrace/hmap.h"
#include "offtrace/pktmon.h"
#include "offtrace/wpp.h"

/* TCP_CONNECTION_OFFLOAD_STATE (DOMAIN.md 2.8; OcbState, an inference) */
enum { OCB_INHOST, OCB_OFFLOADING, OCB_OFFLOADED, OCB_UPLOADING };

struct ot_etlsrc {
	struct ot_etl *etl;
	struct ot_strtab *st;
	const char *host;		/* interned "" */
	struct hmap tcb;		/* Tcb -> OcbState + 1 */
	struct ot_event pending[2];	/* events made by one record */
	int npending, next_pending;
	uint64_t records, unmatched;
	struct ot_etlsrc_unmatched kinds[OT_ETLSRC_MAX_UNMATCHED];
	size_t nkinds;
	const struct ot_profile *prof;	/* --profile, the chimney vocabulary */
	const struct ot_tmfdir *tmf;	/* --tmf */
	uint64_t wpp_bad;		/* WPP records that could not be decoded */
	struct ot_pktmon *pkm;		/* NDIS-PacketCapture packets, when wanted */
	struct ot_packet pkt;
};

struct ot_pktmon *
ot_etlsrc_want_packets(struct ot_etlsrc *s, int mode, int component)
{
	if (s->pkm == NULL)
		s->pkm = ot_pktmon_new();
	ot_pktmon_set_mode(s->pkm, (enum ot_pktmon_mode)mode, component);
	return s->pkm;
}

const struct ot_packet *
ot_etlsrc_packet(const struct ot_etlsrc *s)
{
	return &s->pkt;
}

void
ot_etlsrc_set_profile(struct ot_etlsrc *s, const struct ot_profile *p,
		      const struct ot_tmfdir *tmf)
{
	s->prof = p;
	s->tmf = tmf;
}

struct ot_etlsrc *
ot_etlsrc_open(const char *path, struct ot_strtab *st, struct ot_err *err)
{
	struct ot_etl *etl = ot_etl_open(path, err);

	if (etl == NULL)
		return NULL;
	return ot_etlsrc_new(etl, st);
}

struct ot_etlsrc *
ot_etlsrc_new(struct ot_etl *etl, struct ot_strtab *st)
{
	struct ot_etlsrc *s = xcalloc(1, sizeof(*s));

	s->etl = etl;
	s->st = st;
	s->host = ot_intern(st, "", 0);
	hm_init(&s->tcb);
	return s;
}

static void
count_kind(struct ot_etlsrc *s, const uint8_t guid[16], uint16_t id)
{
	char g[37];
	size_t i;

	s->unmatched++;
	ot_etl_guid_str(guid, g);
	for (i = 0; i < s->nkinds; i++)
		if (s->kinds[i].id == id && strcmp(s->kinds[i].provider, g) == 0) {
			s->kinds[i].count++;
			return;
		}
	if (s->nkinds < OT_ETLSRC_MAX_UNMATCHED) {
		memcpy(s->kinds[s->nkinds].provider, g, sizeof(g));
		s->kinds[s->nkinds].id = id;
		s->kinds[s->nkinds].count = 1;
		s->nkinds++;
	}
}

static void from_record(struct ot_event *ev, const struct ot_etl_record *r);

static void
count_unmatched(struct ot_etlsrc *s, const struct ot_etl_record *r)
{
	count_kind(s, r->provider, r->id);
}

/*
 * A WPP MESSAGE record through its TMF and the profile: 1 an event in ev,
 * 0 not (counted: unmatched per message GUID and number, or unparsed).
 */
static int
wpp_record(struct ot_etlsrc *s, const struct ot_etl_record *r, struct ot_event *ev)
{
	static const uint8_t zero[16];
	struct ot_wpp_msg m;
	const struct ot_tmf_msg *tm = NULL;
	const char *why;
	int rc;

	if (ot_wpp_parse(r->raw, r->raw_len, r->ptr_size, &m, NULL) < 0) {
		s->wpp_bad++;
		return 0;
	}
	if (s->tmf != NULL && m.has_guid)
		tm = ot_tmfdir_find(s->tmf, m.guid, m.number);
	if (tm == NULL || s->prof == NULL) {
		count_kind(s, m.has_guid ? m.guid : zero, m.number);
		return 0;
	}
	memset(ev, 0, sizeof(*ev));
	from_record(ev, r);
	rc = ot_profile_match_wpp(s->prof, tm, &m, s->st, ev, &why);
	if (rc < 0) {
		s->wpp_bad++;
		return 0;
	}
	if (rc == 0)
		count_kind(s, m.guid, m.number);
	return rc;
}

/* Time, processor, process and thread: from the record, for every profile. */
static void
from_record(struct ot_event *ev, const struct ot_etl_record *r)
{
	ev->ts = r->ts_ns;
	ev->cpu = (int32_t)r->cpu;
	ev->has |= OT_HAS_CPU;
	if (r->pid != 0xffffffffu) {
		ev->pid = (int32_t)r->pid;
		ev->has |= OT_HAS_PID;
	}
	if (r->tid != 0xffffffffu) {
		ev->tid = (int32_t)r->tid;
		ev->has |= OT_HAS_TID;
	}
}

static struct ot_event *
host_event(struct ot_etlsrc *s, const struct ot_etl_record *r, enum ot_ev what,
	   uint64_t tcb, uint32_t status, int with_status)
{
	struct ot_event *ev = &s->pending[s->npending++];

	memset(ev, 0, sizeof(*ev));
	from_record(ev, r);
	ev->ev = what;
	ev->layer = OT_LAYER_HOST;
	ev->adapter = s->host;
	ev->root = ev->block = tcb;
	ev->has |= OT_HAS_ROOT | OT_HAS_BLOCK;
	if (what == OT_EV_INITIATE || what == OT_EV_TERMINATE) {
		/* no state: a host Tcb has no parent block in this view, and
		 * the tree rules (T1, T2) must not read that as an error */
		ev->slot = tcb;
		ev->has |= OT_HAS_SLOT;
		if (what == OT_EV_TERMINATE) {
			ev->value = tcb;	/* the slot is published */
			ev->has |= OT_HAS_VALUE;
		}
	}
	if (with_status) {
		ev->status = status;
		ev->has |= OT_HAS_STATUS;
	}
	return ev;
}

/*
 * TcpConnectionOffloadStateChange: TcbState u32, OcbState u32, SndNxt u32,
 * RcvNxt u32, Tcb pointer, Status u32 (DOMAIN.md 3.1).  Returns the number
 * of events made (0 when the state did not change), -1 when malformed.
 */
static int
tcpip_1099(struct ot_etlsrc *s, const struct ot_etl_record *r)
{
	size_t ps = r->ptr_size == 4 ? 4 : 8;
	uint32_t ocb, status, prev;
	uint64_t tcb;
	void *v;

	if (r->len < 16 + ps + 4)
		return -1;
	ocb = ot_le32(r->payload + 4);
	tcb = ps == 8 ? ot_le64(r->payload + 16) : ot_le32(r->payload + 16);
	status = ot_le32(r->payload + 16 + ps);
	if (ocb > OCB_UPLOADING || tcb == 0)
		return -1;
	v = hm_get(&s->tcb, tcb, 1);
	prev = v ? (uint32_t)(uintptr_t)v - 1 : OCB_INHOST;
	if (ocb == OCB_INHOST)
		hm_del(&s->tcb, tcb, 1);
	else
		hm_put(&s->tcb, tcb, 1, (void *)(uintptr_t)(ocb + 1));
	s->npending = s->next_pending = 0;
	switch (prev * 4 + ocb) {
	case OCB_INHOST * 4 + OCB_OFFLOADING:
		host_event(s, r, OT_EV_INITIATE, tcb, 0, 0);
		break;
	case OCB_INHOST * 4 + OCB_OFFLOADED:	/* the Offloading event was lost */
		host_event(s, r, OT_EV_INITIATE, tcb, 0, 0);
		host_event(s, r, OT_EV_INITIATE_DONE, tcb, status, 1);
		break;
	case OCB_OFFLOADING * 4 + OCB_OFFLOADED:
		host_event(s, r, OT_EV_INITIATE_DONE, tcb, status, 1);
		break;
	case OCB_OFFLOADING * 4 + OCB_INHOST:	/* the offload failed */
		host_event(s, r, OT_EV_INITIATE_DONE, tcb,
			   status ? status : OT_ST_FAILURE, 1);
		break;
	case OCB_OFFLOADED * 4 + OCB_UPLOADING:
		host_event(s, r, OT_EV_TERMINATE, tcb, 0, 0);
		break;
	case OCB_OFFLOADED * 4 + OCB_INHOST:	/* the Uploading event was lost */
		host_event(s, r, OT_EV_TERMINATE, tcb, 0, 0);
		host_event(s, r, OT_EV_TERMINATE_DONE, tcb, status, 1);
		break;
	case OCB_UPLOADING * 4 + OCB_INHOST:
		host_event(s, r, OT_EV_TERMINATE_DONE, tcb, status, 1);
		break;
	default:
		break;	/* no change, or a transition the host never makes */
	}
	return s->npending;
}

int
ot_etlsrc_next(struct ot_etlsrc *s, struct ot_event *ev, struct ot_err *err)
{
	struct ot_etl_record r;
	int rc, n;

	for (;;) {
		if (s->next_pending < s->npending) {
			*ev = s->pending[s->next_pending++];
			return 1;
		}
		rc = ot_etl_next(s->etl, &r, err);
		if (rc == 0 && s->pkm)
			ot_pktmon_finish(s->pkm);
		if (rc <= 0)
			return rc;
		s->records++;
		if (r.hdr == OT_ETL_WPP) {
			if (wpp_record(s, &r, ev))
				return 1;
			continue;
		}
		if (r.hdr != OT_ETL_EVENT) {
			if (!r.is_logfile_header)
				count_unmatched(s, &r);
			continue;
		}
		/* packets and drops (src/decode/pktmon.c) */
		if (s->pkm && ot_pktmon_is(&r)) {
			switch (ot_pktmon_record(s->pkm, &r, &s->pkt)) {
			case OT_PKTMON_PACKET:
				return 2;
			case OT_PKTMON_DROP:
				return 3;
			default:
				continue;
			}
		}
		if (memcmp(r.provider, ot_chimney_guid, 16) == 0) {
			memset(ev, 0, sizeof(*ev));
			if (ot_chimney_decode(r.id, r.payload, r.len, s->st, ev, err) < 0) {
				err->offset = r.offset;
				return -1;
			}
			from_record(ev, &r);
			return 1;
		}
		if (memcmp(r.provider, ot_tcpip_guid, 16) == 0 &&
		    r.id == OT_TCPIP_OFFLOAD_STATE_CHANGE) {
			if ((n = tcpip_1099(s, &r)) < 0) {
				err->phase = "tcpip";
				err->offset = r.offset;
				return ot_errorf(err, OT_EINPUT,
						 "TCPIP event 1099: malformed payload (%zu bytes) in buffer %llu",
						 r.len, (unsigned long long)r.buffer_index);
			}
			continue;
		}
		if (s->prof != NULL) {
			memset(ev, 0, sizeof(*ev));
			from_record(ev, &r);
			if (ot_profile_match_manifest(s->prof, r.provider, r.id, (uint8_t)r.version,
						      r.payload, r.len, r.ptr_size, s->st, ev))
				return 1;
		}
		count_unmatched(s, &r);
	}
}

uint64_t
ot_etlsrc_records(const struct ot_etlsrc *s)
{
	return s->records;
}

uint64_t
ot_etlsrc_unparsed(const struct ot_etlsrc *s)
{
	return ot_etl_stats(s->etl)->unparsed + s->wpp_bad;
}

static int
by_count(const void *a, const void *b)
{
	const struct ot_etlsrc_unmatched *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->provider, y->provider) != 0 ? strcmp(x->provider, y->provider) :
	       (int)x->id - (int)y->id;
}

uint64_t
ot_etlsrc_unmatched(struct ot_etlsrc *s, const struct ot_etlsrc_unmatched **kinds,
		    size_t *n)
{
	qsort(s->kinds, s->nkinds, sizeof(s->kinds[0]), by_count);
	*kinds = s->kinds;
	*n = s->nkinds;
	return s->unmatched;
}

void
ot_etlsrc_lost(const struct ot_etlsrc *s, uint64_t *events, uint64_t *buffers)
{
	const struct ot_etl_header *h = ot_etl_header(s->etl);

	*events = h->events_lost;
	*buffers = (uint64_t)h->buffers_lost + ot_etl_stats(s->etl)->buffers_flag_lost;
}

uint64_t
ot_etlsrc_bytes(const struct ot_etlsrc *s)
{
	const struct ot_etl_stats *st = ot_etl_stats(s->etl);

	return st->buffers ? st->file_size * st->buffers_read / st->buffers : 0;
}

void
ot_etlsrc_close(struct ot_etlsrc *s)
{
	if (s == NULL)
		return;
	ot_etl_close(s->etl);
	hm_free(&s->tcb);
	ot_pktmon_free(s->pkm);
	free(s);
}
