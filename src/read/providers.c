/*
 * providers.c - the providers and event layouts offtrace relies on, with
 * the public source of each (include/offtrace/providers.h).  Facts only:
 * the GUIDs, names and field orders below are as the sources publish them.
 *
 * Sources, by the short names used in the table:
 *   etl2pcapng    microsoft/etl2pcapng src/main.c (NdisCapId and the
 *                 keywords "from the ndiscap manifest")
 *   airbus        airbus-cert/etl-parser etl/parsers/etw/ (one .py per provider), dissectors
 *                 generated from the providers' manifests
 *   netmon-pktmon microsoft/NetMon_Parsers_for_PacketMon
 *                 etl_Microsoft-Windows-PktMon-Events.npl, Microsoft's own
 *                 parser of the PktMon manifest (Microsoft-Windows-PktMon-
 *                 Events.man): provider GUID, event templates, value maps
 *   winevt-kb     libyal/winevt-kb docs/sources/eventlog-providers/
 *                 (providers seen on Windows installs, with their GUIDs)
 *   ossem         OTRF/OSSEM data_dictionaries/windows/etw-providers/
 *                 Microsoft-Windows-TCPIP/events/event-1099.md (DOMAIN.md 3.1)
 *   learn         learn.microsoft.com/windows/win32/etw/<class>: the MOF
 *                 classes of the NT Kernel Logger, with their GUIDs
 *   perfview      microsoft/perfview src/TraceEvent/Parsers/
 *                 KernelTraceEventParser.cs (SysConfigTaskGuid)
 *   ktc           KernelTraceControl.h of the Windows Performance Toolkit
 *                 (EventMetadataGuid), also in wireshark/wireshark
 *                 extcap/etl.c (SystemConfigExGuid, EventMetadataGuid)
 */
#include "offtrace/providers.h"

#include <string.h>

/* {2ED6006E-4729-4609-B423-3EE7BCD678EF} */
const uint8_t ot_ndiscap_guid[16] = {
	0x6e, 0x00, 0xd6, 0x2e, 0x29, 0x47, 0x09, 0x46,
	0xb4, 0x23, 0x3e, 0xe7, 0xbc, 0xd6, 0x78, 0xef
};

/* {4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac} */
const uint8_t ot_pktmon_guid[16] = {
	0xd9, 0x80, 0x4f, 0x4d, 0xbd, 0xc8, 0x73, 0x4d,
	0xbb, 0x5b, 0x19, 0xc9, 0x04, 0x02, 0xc5, 0xac
};

/* {2F07E2EE-15DB-40F1-90EF-9D7BA282188A} */
const uint8_t ot_tcpip_guid[16] = {
	0xee, 0xe2, 0x07, 0x2f, 0xdb, 0x15, 0xf1, 0x40,
	0x90, 0xef, 0x9d, 0x7b, 0xa2, 0x82, 0x18, 0x8a
};

/* {5b9e0c4a-3f1d-4e57-9a2b-7c61d0e8f4a3} */
const uint8_t ot_chimney_guid[16] = {
	0x4a, 0x0c, 0x9e, 0x5b, 0x1d, 0x3f, 0x57, 0x4e,
	0x9a, 0x2b, 0x7c, 0x61, 0xd0, 0xe8, 0xf4, 0xa3
};

/* {9B79EE91-B5FD-41C0-A243-4248E266E9D0} */
static const uint8_t sysconfigex_guid[16] = {
	0x91, 0xee, 0x79, 0x9b, 0xfd, 0xb5, 0xc0, 0x41,
	0xa2, 0x43, 0x42, 0x48, 0xe2, 0x66, 0xe9, 0xd0
};

/* {BBCCF6C1-6CD1-48C4-80FF-839482E37671} */
static const uint8_t eventmetadata_guid[16] = {
	0xc1, 0xf6, 0xcc, 0xbb, 0xd1, 0x6c, 0xc4, 0x48,
	0x80, 0xff, 0x83, 0x94, 0x82, 0xe3, 0x76, 0x71
};

/* {ce1dbfb4-137e-4da6-87b0-3f59aa102cbc} */
static const uint8_t perfinfo_guid[16] = {
	0xb4, 0xbf, 0x1d, 0xce, 0x7e, 0x13, 0xa6, 0x4d,
	0x87, 0xb0, 0x3f, 0x59, 0xaa, 0x10, 0x2c, 0xbc
};

/* {9e814aad-3204-11d2-9a82-006008a86939} */
static const uint8_t systemtrace_guid[16] = {
	0xad, 0x4a, 0x81, 0x9e, 0x04, 0x32, 0xd2, 0x11,
	0x9a, 0x82, 0x00, 0x60, 0x08, 0xa8, 0x69, 0x39
};

/* {68fdd900-4a3e-11d1-84f4-0000f80464e3} */
static const uint8_t eventtrace_guid[16] = {
	0x00, 0xd9, 0xfd, 0x68, 0x3e, 0x4a, 0xd1, 0x11,
	0x84, 0xf4, 0x00, 0x00, 0xf8, 0x04, 0x64, 0xe3
};

const struct ot_provider ot_providers[] = {
	/* the network stack: packets */
	{ "Microsoft-Windows-NDIS-PacketCapture", "{2ED6006E-4729-4609-B423-3EE7BCD678EF}",
	  ot_ndiscap_guid,
	  "etl2pcapng (NdisCapId); airbus Microsoft_Windows_NDIS_PacketCapture.py" },
	{ "Microsoft-Windows-PktMon", "{4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac}",
	  ot_pktmon_guid,
	  "netmon-pktmon (RegisterBefore ... MicrosoftWindowsPktMon);"
	  " winevt-kb Provider-Microsoft-Windows-PktMon.md" },
	/* the network stack: offload state of connections */
	{ "Microsoft-Windows-TCPIP", "{2F07E2EE-15DB-40F1-90EF-9D7BA282188A}",
	  ot_tcpip_guid, "ossem event-1099.md; DOMAIN.md 3.1" },
	/* offtrace's own reference provider: no outside source */
	{ "offtrace-chimney", "{5b9e0c4a-3f1d-4e57-9a2b-7c61d0e8f4a3}",
	  ot_chimney_guid, "offtrace (include/offtrace/chimney.h, DOMAIN.md 3.1)" },
	/* the kernel logger and the tools that merge its files */
	{ "SystemConfigEx", "{9B79EE91-B5FD-41C0-A243-4248E266E9D0}",
	  sysconfigex_guid,
	  "perfview KernelTraceEventParser.cs (SysConfigTaskGuid);"
	  " ktc (wireshark extcap/etl.c SystemConfigExGuid)" },
	{ "EventMetadata", "{BBCCF6C1-6CD1-48C4-80FF-839482E37671}",
	  eventmetadata_guid, "ktc KernelTraceControl.h (EventMetadataGuid)" },
	{ "PerfInfo", "{ce1dbfb4-137e-4da6-87b0-3f59aa102cbc}",
	  perfinfo_guid, "learn perfinfo (class PerfInfo : MSNT_SystemTrace)" },
	{ "MSNT_SystemTrace", "{9e814aad-3204-11d2-9a82-006008a86939}",
	  systemtrace_guid, "learn msnt-systemtrace (the NT Kernel Logger's class)" },
	{ "EventTraceEvent", "{68fdd900-4a3e-11d1-84f4-0000f80464e3}",
	  eventtrace_guid, "learn eventtraceevent (log-file header events)" },
};

const size_t ot_nproviders = sizeof(ot_providers) / sizeof(ot_providers[0]);

/* The PktMon FramePayload layout, shared by events 160 and 170. */
#define PKTMON_FRAME \
	"u64 PktGroupId, u16 PktNumber, u16 AppearanceCount, u16 DirTag," \
	" u16 PacketType, u16 ComponentId, u16 EdgeId, u16 FilterId," \
	" u32 DropReason, u32 DropLocation, u16 OriginalPayloadSize," \
	" u16 LoggedPayloadSize, bytes[LoggedPayloadSize] Payload"

const struct ot_provider_event ot_provider_events[] = {
	{ ot_ndiscap_guid, 1001, 0, "PacketFragment",
	  "u32 MiniportIfIndex, u32 LowerIfIndex, u32 FragmentSize,"
	  " bytes[FragmentSize] Fragment, u64 GftFlowEntryId, u64 GftOffloadInformation;"
	  " keywords 0x1 Ethernet, 0x200 WirelessWAN, 0x10000 Native802.11,"
	  " 0x2000000 truncated, 0x40000000 packet start, 0x80000000 packet end,"
	  " 0x100000000 send, 0x200000000 receive",
	  "airbus Microsoft_Windows_NDIS_PacketCapture.py (1001 v0); keywords: etl2pcapng" },
	{ ot_ndiscap_guid, 1002, 0, "PacketMetadata", NULL,
	  "airbus Microsoft_Windows_NDIS_PacketCapture.py (name only: not decoded)" },
	{ ot_ndiscap_guid, 1003, 0, "VMSwitchPacketFragment", NULL,
	  "airbus Microsoft_Windows_NDIS_PacketCapture.py (name only: not decoded)" },
	{ ot_pktmon_guid, 10, 0, "DriverEntryFailed", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 20, 0, "ComponentInfo",
	  "u16 Id, u16 Type, wstring Name, wstring Description",
	  "netmon-pktmon PktMon_ComponentInfo; airbus Microsoft_Windows_PktMon.py (20 v0)" },
	{ ot_pktmon_guid, 30, 0, "CompPropUint", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 40, 0, "CompPropGuid", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 50, 0, "CompPropHex32", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 60, 0, "CompPropNdisMedium", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 70, 0, "CompPropBinary", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 73, 0, "CompPropString", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 75, 0, "CompPropEtherType", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 80, 0, "PacketDropCounters", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 90, 0, "PacketFlowCounters", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 100, 0, "PktFilterIPv4", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 110, 0, "PktFilterIPv6", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 120, 0, "NblParsedIpv4", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 130, 0, "NblParsedIpv6", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 140, 0, "NblParsedDropIpv4", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 150, 0, "NblParsedDropIpv6", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 160, 0, "FramePayload", PKTMON_FRAME,
	  "netmon-pktmon PktMon_FramePayload; airbus Microsoft_Windows_PktMon.py (160 v0)" },
	{ ot_pktmon_guid, 170, 0, "FrameDropPayload", PKTMON_FRAME,
	  "netmon-pktmon PktMon_FrameDropPayload; airbus Microsoft_Windows_PktMon.py (170 v0)" },
	{ ot_pktmon_guid, 180, 0, "PktNblInfo", NULL, "netmon-pktmon (name only)" },
	{ ot_pktmon_guid, 190, 0, "PktDropNblInfo", NULL, "netmon-pktmon (name only)" },
	{ ot_tcpip_guid, 1099, 0, "TcpConnectionOffloadStateChange",
	  "u32 TcbState, u32 OcbState, u32 SndNxt, u32 RcvNxt, pointer Tcb, u32 Status",
	  "ossem event-1099.md (DOMAIN.md 3.1)" },
};

const size_t ot_nprovider_events = sizeof(ot_provider_events) / sizeof(ot_provider_events[0]);

const struct ot_provider *
ot_provider_find(const uint8_t guid[16])
{
	size_t i;

	for (i = 0; i < ot_nproviders; i++)
		if (memcmp(ot_providers[i].guid, guid, 16) == 0)
			return &ot_providers[i];
	return NULL;
}

const char *
ot_provider_event_name(const uint8_t guid[16], uint16_t id)
{
	size_t i;

	for (i = 0; i < ot_nprovider_events; i++)
		if (ot_provider_events[i].id == id &&
		    memcmp(ot_provider_events[i].provider, guid, 16) == 0)
			return ot_provider_events[i].name;
	return NULL;
}
