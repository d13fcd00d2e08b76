/*
 * test_providers.c - the provider table (src/read/providers.c) against
 * references written apart from it: every GUID's published text is parsed
 * here by a parser of this file's own (sscanf of the five groups, then the
 * Windows memory order by hand) and compared with the bytes the decoders
 * compare; the providers the decoders rely on are checked against their
 * text copied here from the sources, not from the table.  Issue 12: the
 * NDIS-PacketCapture GUID had one wrong byte (0xb6 for 0x46) that every
 * test built from the same constant passed.
 */
#include <stdio.h>
#include <string.h>

#include "offtrace/providers.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

/*
 * "{aabbccdd-eeff-gghh-iijj-kkllmmnnoopp}" (braces optional) -> Windows
 * memory order: Data1 (32 bits), Data2, Data3 (16 bits) little-endian,
 * then the eight bytes of Data4 as written.  0, or -1 when not a GUID.
 */
static int
guid_from_text(const char *s, unsigned char out[16])
{
	unsigned long d1;
	unsigned d2, d3, d4[8];
	char tail;
	int i, n;

	if (*s == '{')
		s++;
	if (strlen(s) < 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return -1;
	n = sscanf(s, "%8lx-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x%c", &d1, &d2, &d3,
		   &d4[0], &d4[1], &d4[2], &d4[3], &d4[4], &d4[5], &d4[6], &d4[7], &tail);
	if (n < 11 || (n == 12 && tail != '}'))
		return -1;
	out[0] = (unsigned char)(d1 & 0xff);
	out[1] = (unsigned char)(d1 >> 8 & 0xff);
	out[2] = (unsigned char)(d1 >> 16 & 0xff);
	out[3] = (unsigned char)(d1 >> 24 & 0xff);
	out[4] = (unsigned char)(d2 & 0xff);
	out[5] = (unsigned char)(d2 >> 8);
	out[6] = (unsigned char)(d3 & 0xff);
	out[7] = (unsigned char)(d3 >> 8);
	for (i = 0; i < 8; i++)
		out[8 + i] = (unsigned char)d4[i];
	return 0;
}

/* Every entry: its text parses, and gives exactly the bytes compared. */
static void
test_table_text_matches_bytes(void)
{
	unsigned char g[16];
	size_t i, j;

	CHECK(ot_nproviders >= 9);
	for (i = 0; i < ot_nproviders; i++) {
		const struct ot_provider *p = &ot_providers[i];
		int ok = guid_from_text(p->guid_text, g) == 0 && memcmp(g, p->guid, 16) == 0;

		if (!ok)
			fprintf(stderr, "provider %s: text %s does not give its bytes\n", p->name,
				p->guid_text);
		CHECK(ok);
		CHECK(p->name && p->name[0] && p->source && p->source[0]);
		CHECK(ot_provider_find(p->guid) == p);
		for (j = 0; j < i; j++)
			CHECK(memcmp(ot_providers[j].guid, p->guid, 16) != 0);
	}
}

/*
 * The providers the decoders compare with, from the sources' own text
 * (copied here, not from the table): microsoft/etl2pcapng src/main.c,
 * microsoft/NetMon_Parsers_for_PacketMon, OSSEM event-1099.md.
 */
static void
test_decoders_providers(void)
{
	static const struct {
		const char *text;
		const uint8_t *bytes;
		const char *name;
	} want[] = {
		{ "{2ED6006E-4729-4609-B423-3EE7BCD678EF}", ot_ndiscap_guid,
		  "Microsoft-Windows-NDIS-PacketCapture" },
		{ "{4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac}", ot_pktmon_guid,
		  "Microsoft-Windows-PktMon" },
		{ "{2F07E2EE-15DB-40F1-90EF-9D7BA282188A}", ot_tcpip_guid,
		  "Microsoft-Windows-TCPIP" },
	};
	unsigned char g[16];
	const struct ot_provider *p;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK(guid_from_text(want[i].text, g) == 0);
		CHECK(memcmp(g, want[i].bytes, 16) == 0);
		p = ot_provider_find(g);
		CHECK(p != NULL && strcmp(p->name, want[i].name) == 0);
	}
	/* the byte the issue found: Data3 of NDIS-PacketCapture is 0x4609 */
	CHECK(ot_ndiscap_guid[6] == 0x09 && ot_ndiscap_guid[7] == 0x46);
	/* the kernel logger's classes dump names (learn.microsoft.com, KernelTraceControl.h) */
	CHECK(guid_from_text("{9B79EE91-B5FD-41C0-A243-4248E266E9D0}", g) == 0 &&
	      (p = ot_provider_find(g)) != NULL && strcmp(p->name, "SystemConfigEx") == 0);
	CHECK(guid_from_text("{BBCCF6C1-6CD1-48C4-80FF-839482E37671}", g) == 0 &&
	      (p = ot_provider_find(g)) != NULL && strcmp(p->name, "EventMetadata") == 0);
	CHECK(guid_from_text("{ce1dbfb4-137e-4da6-87b0-3f59aa102cbc}", g) == 0 &&
	      (p = ot_provider_find(g)) != NULL && strcmp(p->name, "PerfInfo") == 0);
}

/* The parser of this file refuses what is not a GUID. */
static void
test_parser(void)
{
	unsigned char g[16];

	CHECK(guid_from_text("2ED6006E-4729-4609-B423-3EE7BCD678EF", g) == 0 &&
	      g[0] == 0x6e && g[3] == 0x2e && g[15] == 0xef);
	CHECK(guid_from_text("{2ED6006E-4729-4609-B423}", g) < 0);
	CHECK(guid_from_text("{2ED6006E 4729-4609-B423-3EE7BCD678EF}", g) < 0);
	CHECK(guid_from_text("{2ED6006E-4729-4609-B423-3EE7BCD678EF)", g) < 0);
}

/* Every event's provider is in the table; the decoded ones have a layout. */
static void
test_events(void)
{
	static const struct {
		const uint8_t *provider;
		unsigned id;
	} decoded[] = {
		{ ot_ndiscap_guid, 1001 }, { ot_pktmon_guid, 20 }, { ot_pktmon_guid, 160 },
		{ ot_pktmon_guid, 170 }, { ot_tcpip_guid, 1099 },
	};
	size_t i, j;
	int found;

	for (i = 0; i < ot_nprovider_events; i++) {
		CHECK(ot_provider_find(ot_provider_events[i].provider) != NULL);
		CHECK(ot_provider_events[i].name && ot_provider_events[i].source);
	}
	for (i = 0; i < sizeof(decoded) / sizeof(decoded[0]); i++) {
		found = 0;
		for (j = 0; j < ot_nprovider_events; j++)
			if (ot_provider_events[j].provider == decoded[i].provider &&
			    ot_provider_events[j].id == decoded[i].id &&
			    ot_provider_events[j].layout != NULL)
				found = 1;
		CHECK(found);
	}
	CHECK(strcmp(ot_provider_event_name(ot_pktmon_guid, 160), "FramePayload") == 0);
	CHECK(strcmp(ot_provider_event_name(ot_ndiscap_guid, 1001), "PacketFragment") == 0);
	CHECK(ot_provider_event_name(ot_pktmon_guid, 9999) == NULL);
}

int
main(void)
{
	test_parser();
	test_table_text_matches_bytes();
	test_decoders_providers();
	test_events();
	printf("test_providers: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
