/*
 * etlsrc.h - normalized events from an .etl file: the reader's records go
 * through the built-in profiles (DESIGN.md section 3):
 *
 *   chimney  the reference provider (chimney.h): one event per record;
 *   tcpip    Microsoft-Windows-TCPIP event 1099 TcpConnectionOffloadStateChange
 *            (provider {2F07E2EE-15DB-40F1-90EF-9D7BA282188A}): the host's
 *            offload state of each connection, keyed by its Tcb pointer,
 *            becomes host-layer operations: InHost->Offloading an initiate,
 *            Offloading->Offloaded its completion (Offloading->InHost a
 *            failed one), Offloaded->Uploading a terminate, Uploading->InHost
 *            its completion, with the event's Status.
 *
 * Records no profile matches are counted per provider and event id (WPP
 * messages: per message GUID and number); WPP messages whose arguments
 * overrun their record are counted as unparsed.
 */
#ifndef OT_ETLSRC_H
#define OT_ETLSRC_H

#include <stddef.h>
#include <stdint.h>

#include "offtrace/event.h"
#include "offtrace/pcap.h"
#include "offtrace/profile.h"
#include "offtrace/providers.h"
#include "offtrace/tmf.h"
#include "offtrace/util.h"

#define OT_ETLSRC_MAX_UNMATCHED 64	/* distinct (provider, id) kept */

struct ot_etlsrc_unmatched {
	char provider[37];	/* GUID, lowercase, no braces */
	uint16_t id;
	uint64_t count;
};

struct ot_etlsrc;
struct ot_etl;

struct ot_etlsrc *ot_etlsrc_open(const char *path, struct ot_strtab *st,
				 struct ot_err *err);
/* The same over an open reader (taken: closed by ot_etlsrc_close). */
struct ot_etlsrc *ot_etlsrc_new(struct ot_etl *etl, struct ot_strtab *st);
/*
 * Also decode with a profile (borrowed until close): manifest events of
 * its providers, and WPP messages through the TMF files of tmf (may be
 * NULL: WPP messages are then counted as unmatched per GUID and number).
 */
void ot_etlsrc_set_profile(struct ot_etlsrc *s, const struct ot_profile *p,
			   const struct ot_tmfdir *tmf);
/*
 * Also return the packets of NDIS-PacketCapture event 1001 and PktMon
 * event 160 records and the drops of PktMon event 170 (pktmon.h; mode an
 * enum ot_pktmon_mode, component < 0 every component): ot_etlsrc_next()
 * then gives 2 for a packet, 3 for a drop, which ot_etlsrc_packet() holds
 * until the next call.  Without this, those records are counted as
 * unmatched.  Returns the packet decoder (the source's, until close).
 */
struct ot_pktmon;
struct ot_pktmon *ot_etlsrc_want_packets(struct ot_etlsrc *s, int mode, int component);
const struct ot_packet *ot_etlsrc_packet(const struct ot_etlsrc *s);
/* 1 an event, 2 a packet, 3 a drop (see above), 0 the end, -1 an error
 * (err has file, offset, phase). */
int ot_etlsrc_next(struct ot_etlsrc *s, struct ot_event *ev, struct ot_err *err);
uint64_t ot_etlsrc_records(const struct ot_etlsrc *s);	/* records read */
uint64_t ot_etlsrc_unparsed(const struct ot_etlsrc *s);
/* Records no profile matched: total, and the most frequent kinds. */
uint64_t ot_etlsrc_unmatched(struct ot_etlsrc *s,
			     const struct ot_etlsrc_unmatched **kinds, size_t *n);
/* What the file says was lost: the header's EventsLost; its BuffersLost
 * plus buffers flagged lost. */
void ot_etlsrc_lost(const struct ot_etlsrc *s, uint64_t *events, uint64_t *buffers);
/* Bytes of the file read so far, for progress. */
uint64_t ot_etlsrc_bytes(const struct ot_etlsrc *s);
void ot_etlsrc_close(struct ot_etlsrc *s);

/* The TCPIP provider GUID, ot_tcpip_guid, is in providers.h's table. */
#define OT_TCPIP_OFFLOAD_STATE_CHANGE 1099

#endif
