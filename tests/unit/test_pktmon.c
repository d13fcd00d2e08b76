/*
 * test_pktmon.c - the packets of .etl files read through the source
 * interface, from records built here after the published manifest layouts
 * (issue 12, acceptance 3), never from the decoder's constants or structs:
 *
 *   NDIS-PacketCapture {2ED6006E-4729-4609-B423-3EE7BCD678EF} event 1001
 *     (airbus-cert/etl-parser Microsoft_Windows_NDIS_PacketCapture.py;
 *     keywords from microsoft/etl2pcapng src/main.c): u32 MiniportIfIndex,
 *     u32 LowerIfIndex, u32 FragmentSize, Fragment, u64, u64;
 *   Microsoft-Windows-PktMon {4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac}
 *     (microsoft/NetMon_Parsers_for_PacketMon): event 160 FramePayload and
 *     170 FrameDropPayload, u64 PktGroupId, u16 PktNumber, u16
 *     AppearanceCount, u16 DirTag, u16 PacketType, u16 ComponentId, u16
 *     EdgeId, u16 FilterId, u32 DropReason, u32 DropLocation, u16
 *     OriginalPayloadSize, u16 LoggedPayloadSize, Payload; event 20
 *     ComponentInfo, u16 Id, u16 Type, Name, Description (UTF-16LE, NUL).
 *
 * The GUIDs are parsed here from their published text.  The records go
 * through the .etl writer (src/gen/etlw.c) into a file that the .etl
 * source reads: each packet once at its first IP appearance, every
 * appearance with --appearances all, one component's with --component,
 * drops with their reason and location, component names from the end of
 * the file, malformed records counted, nothing read past a record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "offtrace/etlw.h"
#include "offtrace/pcap.h"
#include "offtrace/source.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define T0 1700000000000000000LL

/* "{...}" -> Windows memory order (Data1-3 little-endian, Data4 as bytes) */
static void
guid(const char *s, uint8_t g[16])
{
	unsigned long d1;
	unsigned d2, d3, d4[8];
	int i;

	if (sscanf(s, "{%8lx-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x}", &d1, &d2, &d3, &d4[0],
		   &d4[1], &d4[2], &d4[3], &d4[4], &d4[5], &d4[6], &d4[7]) != 11)
		abort();
	for (i = 0; i < 4; i++)
		g[i] = (uint8_t)(d1 >> (8 * i));
	g[4] = (uint8_t)d2;
	g[5] = (uint8_t)(d2 >> 8);
	g[6] = (uint8_t)d3;
	g[7] = (uint8_t)(d3 >> 8);
	for (i = 0; i < 8; i++)
		g[8 + i] = (uint8_t)d4[i];
}

static void
le16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
le32(uint8_t *p, unsigned long v)
{
	le16(p, (unsigned)(v & 0xffff));
	le16(p + 2, (unsigned)(v >> 16));
}

static void
le64(uint8_t *p, unsigned long long v)
{
	le32(p, (unsigned long)(v & 0xffffffffu));
	le32(p + 4, (unsigned long)(v >> 32));
}

static uint8_t g_ndis[16], g_pktmon[16];

/* Ethernet + IPv4 + TCP 10.0.0.1:40000 -> 10.0.0.2:80, SYN; 58 bytes */
static const uint8_t eth_tcp[] = {
	2, 0, 0, 0, 0, 0xb, 2, 0, 0, 0, 0, 0xa, 0x08, 0x00,
	0x45, 0, 0, 44, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
	0x9c, 0x40, 0, 80, 0, 0, 3, 0xe8, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
	'a', 'b', 'c', 'd'
};

/* the same TCP segment as raw IP */
#define RAW_IP (eth_tcp + 14)
#define RAW_IP_LEN (sizeof(eth_tcp) - 14)

/* an ARP request over Ethernet: never IP */
static const uint8_t eth_arp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0xa, 0x08, 0x06,
	0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 0xa, 10, 0, 0, 1,
	0, 0, 0, 0, 0, 0, 10, 0, 0, 2
};

static void
put(struct ot_etlw *w, int64_t ts, const uint8_t *prov, unsigned id, unsigned long long kw,
    const uint8_t *pl, size_t len)
{
	struct ot_etlw_rec r;
	struct ot_err err;

	memset(&r, 0, sizeof(r));
	r.ts = ts;
	memcpy(r.provider, prov, 16);
	r.id = (uint16_t)id;
	r.keyword = kw;
	r.payload = pl;
	r.len = len;
	memset(&err, 0, sizeof(err));
	CHECK(ot_etlw_record(w, &r, &err) == 0);
}

/* PktMon 160/170 as the manifest lays it out */
static void
frame_rec(struct ot_etlw *w, int64_t ts, unsigned id, unsigned long long group,
	  unsigned number, unsigned app, unsigned dirtag, unsigned type, unsigned comp,
	  unsigned long reason, unsigned long location, const uint8_t *fr, size_t n,
	  unsigned orig)
{
	uint8_t b[256];

	memset(b, 0, sizeof(b));
	le64(b + 0, group);		/* PktGroupId */
	le16(b + 8, number);		/* PktNumber */
	le16(b + 10, app);		/* AppearanceCount */
	le16(b + 12, dirtag);		/* DirTag */
	le16(b + 14, type);		/* PacketType */
	le16(b + 16, comp);		/* ComponentId */
	le16(b + 18, 7);		/* EdgeId */
	le16(b + 20, 5);		/* FilterId */
	le32(b + 22, reason);		/* DropReason */
	le32(b + 26, location);		/* DropLocation */
	le16(b + 30, orig);		/* OriginalPayloadSize */
	le16(b + 32, (unsigned)n);	/* LoggedPayloadSize */
	memcpy(b + 34, fr, n);
	put(w, ts, g_pktmon, id, 0x10, b, 34 + n);
}

/* PktMon 20 with ASCII name and description written as UTF-16LE */
static void
component_rec(struct ot_etlw *w, int64_t ts, unsigned id, unsigned type, const char *name,
	      const char *desc)
{
	uint8_t b[256];
	size_t o = 4, i;

	le16(b, id);
	le16(b + 2, type);
	for (i = 0; i <= strlen(name); i++, o += 2)
		le16(b + o, (unsigned char)name[i]);
	for (i = 0; i <= strlen(desc); i++, o += 2)
		le16(b + o, (unsigned char)desc[i]);
	put(w, ts, g_pktmon, 20, 0x1, b, o);
}

/* NDIS-PacketCapture 1001 */
static void
ndis_rec(struct ot_etlw *w, int64_t ts, unsigned long long kw, const uint8_t *fr, size_t n)
{
	uint8_t b[256];

	memset(b, 0, sizeof(b));
	le32(b, 3);			/* MiniportIfIndex */
	le32(b + 4, 12);		/* LowerIfIndex */
	le32(b + 8, (unsigned long)n);	/* FragmentSize */
	memcpy(b + 12, fr, n);		/* then GftFlowEntryId, GftOffloadInformation */
	put(w, ts, g_ndis, 1001, kw, b, 12 + n + 16);
}

/* manifest keywords (etl2pcapng): Ethernet, packet start/end, send/receive */
#define KW_ETH		0x1ull
#define KW_START	0x40000000ull
#define KW_END		0x80000000ull
#define KW_SEND		0x100000000ull
#define KW_RECV		0x200000000ull

static char path[] = "/tmp/offtrace-test-pktmon.XXXXXX";

static void
write_file(void)
{
	struct ot_etlw_opts o = { 0x2000, 1000000000, 1, 0 };
	struct ot_err err;
	struct ot_etlw *w;
	uint8_t cut[40];
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w+b") : NULL;

	if (f == NULL)
		abort();
	memset(&err, 0, sizeof(err));
	w = ot_etlw_open(f, &o, T0, &err);
	CHECK(w != NULL);
	/* NDIS-PacketCapture: one whole packet sent */
	ndis_rec(w, T0 + 1000, KW_ETH | KW_START | KW_END | KW_SEND, eth_tcp, sizeof(eth_tcp));
	/* packet A (group 100, number 1): received, Rx, three appearances;
	 * the first is an HTTP-type payload (not a frame), so the tracked one
	 * is the second, at component 2 */
	frame_rec(w, T0 + 2000, 160, 100, 1, 1, 3, 4, 1, 0, 0, (const uint8_t *)"GET /", 5, 5);
	frame_rec(w, T0 + 2100, 160, 100, 1, 2, 3, 1, 2, 0, 0, eth_tcp, sizeof(eth_tcp), 58);
	frame_rec(w, T0 + 2200, 160, 100, 1, 3, 3, 1, 3, 0, 0, eth_tcp, sizeof(eth_tcp), 58);
	/* packet B (group 100, number 2): raw IP (type 3), Tx, its first
	 * appearance cut to 19 bytes (the IP header incomplete: not IP yet),
	 * its second whole */
	frame_rec(w, T0 + 3000, 160, 100, 2, 1, 4, 3, 3, 0, 0, RAW_IP, 19, RAW_IP_LEN);
	frame_rec(w, T0 + 3100, 160, 100, 2, 2, 4, 3, 2, 0, 0, RAW_IP, RAW_IP_LEN, RAW_IP_LEN);
	/* packet C: ARP, never IP, at two components */
	frame_rec(w, T0 + 4000, 160, 101, 1, 1, 3, 1, 1, 0, 0, eth_arp, sizeof(eth_arp), 42);
	frame_rec(w, T0 + 4100, 160, 101, 1, 2, 3, 1, 2, 0, 0, eth_arp, sizeof(eth_arp), 42);
	/* packet D: WiFi (type 2): not decoded */
	frame_rec(w, T0 + 5000, 160, 102, 1, 1, 3, 2, 1, 0, 0, eth_tcp, sizeof(eth_tcp), 58);
	/* a drop of packet A's twin at component 2: reason 8, location 0x1234 */
	frame_rec(w, T0 + 6000, 170, 103, 1, 1, 3, 1, 2, 8, 0x1234, eth_tcp, sizeof(eth_tcp), 58);
	/* malformed: LoggedPayloadSize past the record; a record of 20 bytes */
	memset(cut, 0, sizeof(cut));
	le16(cut + 32, 200);
	put(w, T0 + 7000, g_pktmon, 160, 0x10, cut, 34);
	put(w, T0 + 7100, g_pktmon, 160, 0x10, cut, 20);
	/* packet A again, 3 s later: past the 2 s the appearances are looked
	 * for, so counted again (the documented limit) */
	frame_rec(w, T0 + 3000000000LL, 160, 100, 1, 4, 3, 1, 3, 0, 0, eth_tcp,
		  sizeof(eth_tcp), 58);
	/* the components, at the end as pktmon logs them */
	component_rec(w, T0 + 3000001000LL, 1, 2, "nic.sys", "Some NIC");
	component_rec(w, T0 + 3000001000LL, 2, 3, "lwf.sys", "");
	CHECK(ot_etlw_close(w, T0 + 3000002000LL, &err) == 0);
	fclose(f);
}

struct got {
	int npkt, ndrop;
	struct ot_packet pkt[16];
	struct ot_pkt_meta meta[16];
	char name[16][64];
	struct ot_packet drop;
	struct ot_pkt_meta drop_meta;
	char drop_name[64];
	struct ot_source_stats st;
};

static void
read_file(unsigned flags, int all, int comp, struct got *g)
{
	struct ot_source_opts so;
	struct ot_source_ctx *ctx;
	struct ot_source *s;
	struct ot_item it;
	struct ot_err err;
	int r;

	memset(g, 0, sizeof(*g));
	memset(&so, 0, sizeof(so));
	memset(&err, 0, sizeof(err));
	so.flags = OT_SRC_PACKETS | OT_SRC_NO_PROFILE | OT_SRC_NO_BUILTIN | flags;
	so.appearances_all = all;
	so.has_component = comp >= 0;
	so.component = comp >= 0 ? (unsigned)comp : 0;
	ctx = ot_source_ctx_new(&so, NULL, &err);
	CHECK(ctx != NULL);
	s = ctx ? ot_source_open(ctx, path, "etl", 0, &err) : NULL;
	CHECK(s != NULL);
	if (s == NULL) {
		ot_source_ctx_free(ctx);
		return;
	}
	while ((r = ot_source_next(s, &it, &err)) > 0) {
		const struct ot_pkt_meta *m = it.pkt.meta;

		if (it.kind == OT_ITEM_PACKET && g->npkt < 16) {
			g->pkt[g->npkt] = it.pkt;
			if (m) {
				g->meta[g->npkt] = *m;
				if (m->component_name)
					snprintf(g->name[g->npkt], 64, "%s", m->component_name);
			}
			g->pkt[g->npkt].data = NULL;
			g->npkt++;
		} else if (it.kind == OT_ITEM_DROP) {
			g->ndrop++;
			g->drop = it.pkt;
			if (m) {
				g->drop_meta = *m;
				if (m->component_name)
					snprintf(g->drop_name, 64, "%s", m->component_name);
			}
		}
	}
	CHECK(r == 0);
	ot_source_stats(s, &g->st);
	ot_source_close(s);
	ot_source_ctx_free(ctx);
}

/* Each packet once, at its first appearance whose frame is IP. */
static void
test_first(void)
{
	struct got g;

	read_file(0, 0, -1, &g);
	/* the NDIS packet, A at component 2, B at its second appearance, A
	 * again after 3 s */
	CHECK(g.npkt == 4);
	CHECK(g.pkt[0].meta == NULL && g.pkt[0].iface == 12 && g.pkt[0].dir == OT_DIR_OUT &&
	      g.pkt[0].linktype == 1 && g.pkt[0].caplen == sizeof(eth_tcp) &&
	      g.pkt[0].ts == T0 + 1000);
	CHECK(g.pkt[1].ts == T0 + 2100 && g.pkt[1].iface == 2 && g.pkt[1].linktype == 1 &&
	      g.pkt[1].dir == OT_DIR_IN && g.pkt[1].caplen == 58 && g.pkt[1].len == 58);
	CHECK(g.meta[1].group == 100 && g.meta[1].number == 1 && g.meta[1].appearance == 2 &&
	      g.meta[1].component == 2 && g.meta[1].edge == 7 && g.meta[1].filter == 5 &&
	      g.meta[1].dirtag == 3 && g.meta[1].ptype == 1 && !g.meta[1].drop &&
	      g.meta[1].orig_size == 58 && g.meta[1].logged_size == 58);
	CHECK(g.meta[1].dir_name && strcmp(g.meta[1].dir_name, "Rx") == 0);
	CHECK(g.meta[1].type_name && strcmp(g.meta[1].type_name, "Ethernet") == 0);
	/* named though the names come last in the file; an empty description
	 * leaves the driver's name */
	CHECK(strcmp(g.name[1], "lwf.sys") == 0);
	CHECK(g.pkt[2].ts == T0 + 3100 && g.pkt[2].linktype == 101 && g.pkt[2].dir == OT_DIR_OUT &&
	      g.meta[2].group == 100 && g.meta[2].number == 2 && g.meta[2].appearance == 2);
	CHECK(g.pkt[3].ts == T0 + 3000000000LL && g.meta[3].appearance == 4);
	/* the drop: its own item, with reason and location */
	CHECK(g.ndrop == 1 && g.drop.ts == T0 + 6000 && g.drop_meta.drop &&
	      g.drop_meta.drop_reason == 8 && g.drop_meta.drop_location == 0x1234 &&
	      g.drop_meta.reason_name && strcmp(g.drop_meta.reason_name, "Filtered") == 0 &&
	      strcmp(g.drop_name, "lwf.sys") == 0 && g.drop.caplen == sizeof(eth_tcp));
	CHECK(g.st.appear.appearances == 9 && g.st.appear.counted == 3 &&
	      g.st.appear.repeats == 1 && g.st.appear.drops == 1 && g.st.appear.components == 2);
	/* never IP: C (Ethernet ARP) and D (WiFi) */
	CHECK(g.st.appear.not_ip[1] == 1 && g.st.appear.not_ip[2] == 1);
	CHECK(g.st.appear.malformed == 2);
}

/* Every appearance that is a frame; one component's view. */
static void
test_all_and_component(void)
{
	struct got g;
	int i, n2 = 0;

	read_file(0, 1, -1, &g);
	/* NDIS + A x2 frames (+ the later one) + B x2 + C x2 + D */
	CHECK(g.npkt == 1 + 3 + 2 + 2 + 1);
	CHECK(g.st.appear.not_ip[4] == 1);	/* the HTTP-type payload */
	read_file(0, 0, 2, &g);
	for (i = 0; i < g.npkt; i++)
		if (g.pkt[i].meta && g.meta[i].component == 2)
			n2++;
	/* at component 2: A, B, C; the NDIS packet is no pktmon packet */
	CHECK(g.npkt == 4 && n2 == 3 && g.pkt[0].meta == NULL);
	CHECK(g.ndrop == 1 && g.st.appear.other_component == 6);
	read_file(0, 0, 9, &g);
	CHECK(g.npkt == 1 && g.ndrop == 0);
}

/* dump's view: every record, appearances and drops alike. */
static void
test_raw(void)
{
	struct got g;

	read_file(OT_SRC_RAW, 0, -1, &g);
	/* 1 NDIS + 9 appearances (the two malformed records stay records) */
	CHECK(g.npkt == 10 && g.ndrop == 1);
	CHECK(g.pkt[1].linktype == 0xffffffffu && g.meta[1].ptype == 4);
}

int
main(void)
{
	guid("{2ED6006E-4729-4609-B423-3EE7BCD678EF}", g_ndis);
	guid("{4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac}", g_pktmon);
	write_file();
	test_first();
	test_all_and_component();
	test_raw();
	unlink(path);
	printf("test_pktmon: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
