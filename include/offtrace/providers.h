/*
 * providers.h - every ETW provider GUID and event layout offtrace relies
 * on, in one table with the public source of each (src/read/providers.c):
 * the providers the decoders compare record GUIDs with (NDIS-PacketCapture,
 * PktMon, TCPIP, offtrace's own chimney provider), the ones `dump` names
 * (the kernel logger's classic providers), and the layouts of the events
 * the decoders read field by field.
 *
 * A GUID is kept twice: its text as the source publishes it, and the 16
 * bytes the code compares, in Windows memory order (Data1, Data2, Data3
 * little-endian, then Data4 as bytes; FORMATS.md section 1).
 * tests/unit/test_providers.c parses every text with a parser of its own
 * and compares it with the bytes, so a wrong byte cannot hide behind a
 * constant the tests share.
 */
#ifndef OT_PROVIDERS_H
#define OT_PROVIDERS_H

#include <stddef.h>
#include <stdint.h>

/* Windows memory order. */
extern const uint8_t ot_ndiscap_guid[16];	/* Microsoft-Windows-NDIS-PacketCapture */
extern const uint8_t ot_pktmon_guid[16];	/* Microsoft-Windows-PktMon */
extern const uint8_t ot_tcpip_guid[16];		/* Microsoft-Windows-TCPIP */
extern const uint8_t ot_chimney_guid[16];	/* offtrace-chimney (chimney.h) */

struct ot_provider {
	const char *name;	/* as the source names it */
	const char *guid_text;	/* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", as published */
	const uint8_t *guid;	/* the bytes the code compares */
	const char *source;	/* where the GUID is published */
};

extern const struct ot_provider ot_providers[];
extern const size_t ot_nproviders;

/* The provider of a record's GUID, or NULL. */
const struct ot_provider *ot_provider_find(const uint8_t guid[16]);

/*
 * An event layout a decoder reads: the fields in payload order, as the
 * manifest has them (types: u8/u16/u32/u64 little-endian, wstring a
 * NUL-terminated UTF-16LE string, bytes[N] the field N bytes long).
 */
struct ot_provider_event {
	const uint8_t *provider;
	uint16_t id;
	uint8_t version;
	const char *name;	/* the manifest's template or task name */
	const char *layout;
	const char *source;
};

extern const struct ot_provider_event ot_provider_events[];
extern const size_t ot_nprovider_events;

/* The name of event id of a provider, from the table, or NULL. */
const char *ot_provider_event_name(const uint8_t guid[16], uint16_t id);

#endif
