/*
 * fuzz_pktmon.c - libFuzzer harness for the packet decoder of .etl files
 * (src/decode/pktmon.c): NDIS-PacketCapture 1001 and PktMon 160, 170 and
 * 20.  The first byte picks the mode (each packet once, every appearance,
 * one component's, every record) and a component; then the input is a run
 * of records, each "selector (1 byte), payload length (2 bytes,
 * little-endian), payload".  The selector's top bits pick the event (1001,
 * 160, 170 or 20), its low bits the 1001 keywords, so fragment starts,
 * ends and continuations without a start, FramePayload sizes that lie,
 * component names without their NUL and records cut short all meet the
 * decoder.  Every packet goes through the packet decoder, the flow
 * tracker and the engine, every drop through the engine's join.  Payloads
 * are copied to buffers of their exact size so ASan sees any read past a
 * record.
 *
 * Seeds (tests/fuzz/seeds/pktmon/): the records of `offtrace gen
 * wire-close --pktmon F --netsh G` in this form, in each mode.
 *
 *   make fuzz && build/fuzz/fuzz_pktmon -max_total_time=600 tests/fuzz/seeds/pktmon
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/engine.h"
#include "offtrace/flows.h"
#include "offtrace/pktmon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint64_t kws[] = {
	OT_NDISCAP_KW_ETHERNET, OT_NDISCAP_KW_WWAN, OT_NDISCAP_KW_TUNNEL,
	OT_NDISCAP_KW_80211, OT_NDISCAP_KW_VMSWITCH, OT_NDISCAP_KW_TRUNCATED,
	OT_NDISCAP_KW_START, OT_NDISCAP_KW_END
};

static const uint16_t ids[4] = {
	OT_NDISCAP_PACKET_FRAGMENT, OT_PKTMON_FRAME, OT_PKTMON_FRAME_DROP,
	OT_PKTMON_COMPONENT_INFO
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ot_pktmon *pm;
	struct ot_flows *t;
	struct ot_engine *eng;
	struct ot_sink sink;
	struct ot_etl_record r;
	struct ot_packet pkt;
	size_t off = 1;
	int64_t ts = 1700000000000000000;
	int kind;

	if (size < 1)
		return 0;
	pm = ot_pktmon_new();
	ot_pktmon_set_mode(pm, (enum ot_pktmon_mode)(data[0] % 3),
			   data[0] & 0x80 ? (int)(data[0] >> 2 & 7) : -1);
	t = ot_flows_new(NULL, NULL);
	memset(&sink, 0, sizeof(sink));
	eng = ot_engine_new(&sink, NULL, NULL);
	while (off + 3 <= size) {
		uint8_t sel = data[off];
		size_t len = ot_le16(data + off + 1), i;
		uint8_t *buf;
		uint16_t id = ids[sel >> 6];

		off += 3;
		if (len > size - off)
			len = size - off;
		buf = malloc(len ? len : 1);
		if (buf == NULL)
			break;
		memcpy(buf, data + off, len);
		off += len;
		memset(&r, 0, sizeof(r));
		r.hdr = OT_ETL_EVENT;
		r.id = id;
		memcpy(r.provider, id == OT_NDISCAP_PACKET_FRAGMENT ? ot_ndiscap_guid :
		       ot_pktmon_guid, 16);
		r.ptr_size = 8;
		r.pid = sel & 0x20 ? 4 : 0xffffffffu;
		r.tid = 8;
		r.ts_ns = ts;
		ts += (int64_t)(sel & 0x3f) << 26;	/* up to ~4 s: keys expire */
		r.offset = off;
		for (i = 0; i < 6; i++)
			if (sel & (1u << i))
				r.keyword |= kws[i];
		if (sel & 0x10)
			r.keyword |= kws[6] | kws[7];
		r.keyword |= sel & 1 ? OT_NDISCAP_KW_SEND : OT_NDISCAP_KW_RECEIVE;
		r.payload = buf;
		r.len = len;
		r.raw = buf;
		r.raw_len = len;
		if (!ot_pktmon_is(&r))
			abort();
		if (sel & 0x08)
			ot_pktmon_learn(pm, &r);
		kind = ot_pktmon_record(pm, &r, &pkt);
		if (kind == OT_PKTMON_PACKET) {
			if (pkt.caplen > OT_PKTMON_MAX_PACKET || pkt.caplen > pkt.len ||
			    pkt.data == NULL)
				abort();
			if (pkt.meta && pkt.caplen + OT_PKTMON_FRAME_FIXED > len)
				abort();
			ot_flows_packet(t, &pkt);
			ot_engine_packet(eng, &pkt);
		} else if (kind == OT_PKTMON_DROP) {
			if (pkt.meta == NULL || !pkt.meta->drop)
				abort();
			ot_engine_drop(eng, &pkt, 0);
		}
		free(buf);
	}
	ot_pktmon_finish(pm);
	ot_engine_finish(eng, ts);
	ot_engine_free(eng);
	ot_flows_finish(t);
	ot_flows_free(t);
	ot_pktmon_free(pm);
	return 0;
}
