/*
 * chimney.h - the reference "chimney" ETW provider: one manifest event per
 * normalized ev, so that a miniport instrumented with it (and offtrace gen)
 * produces .etl files offtrace reads without a custom profile.
 *
 * Provider {5b9e0c4a-3f1d-4e57-9a2b-7c61d0e8f4a3}, event id = ev + 1
 * (initiate = 1 ... halt = 22), version 1.  The payload (little-endian, no
 * padding) is the normalized event's fields:
 *
 *   +0  u32 has        OT_HAS_* bits of the fields below that are present
 *   +4  u8  layer      0 target, 1 im, 2 host
 *   +5  u8  state      Header.Type: 0, 4, 8, 12, 17
 *   +6  u16 sport      tuple ports (host order)
 *   +8  u16 dport
 *   +10 u16 reserved   0
 *   +12 u32 status     NDIS_STATUS
 *   +16 u64 root, block, parent, slot, handle, value, nbl   (7 x 8 bytes)
 *   +72 i64 code, reason
 *   +88 adapter, tuple source, tuple destination: three NUL-terminated
 *       UTF-8 strings (addresses as text)
 *
 * Time, processor, process and thread come from the EVENT_HEADER and the
 * buffer, not from the payload.
 */
#ifndef OT_CHIMNEY_H
#define OT_CHIMNEY_H

#include <stddef.h>
#include <stdint.h>

#include "offtrace/event.h"
#include "offtrace/providers.h"
#include "offtrace/util.h"

#define OT_CHIMNEY_VERSION 1
#define OT_CHIMNEY_FIXED 88	/* bytes before the strings */
#define OT_CHIMNEY_MAX (OT_CHIMNEY_FIXED + 256 + 2 * OT_ADDR_MAX)

/* The provider GUID, ot_chimney_guid, is in providers.h's table. */

/* Encode ev's payload into buf (at least OT_CHIMNEY_MAX bytes); its length. */
size_t ot_chimney_encode(const struct ot_event *ev, uint8_t *buf);

/*
 * Decode event id and payload into ev (all fields but ts, cpu, pid, tid and
 * the bookkeeping ones).  Returns 0, or -1 with err->msg and phase
 * "chimney" when the payload is malformed.
 */
int ot_chimney_decode(uint16_t id, const uint8_t *p, size_t len,
		      struct ot_strtab *st, struct ot_event *ev,
		      struct ot_err *err);

#endif
