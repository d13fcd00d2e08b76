/*
 * fuzz_pktmon.c - libFuzzer harness for the NDIS-PacketCapture decoder
 * (src/decode/pktmon.c): the input is a run of event 1001 records, each
 * "keyword selector (1 byte), payload length (2 bytes, little-endian),
 * payload", so fragment starts, ends, continuations without a start,
 * FragmentSize fields that lie and records cut short all meet the
 * reassembly.  Every packet it makes goes through the packet decoder and
 * the flow tracker.  Payloads are copied to buffers of their exact size
 * so ASan sees any read past a record.
 *
 *   make fuzz && build/fuzz/fuzz_pktmon -max_total_time=600
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/flows.h"
#include "offtrace/pktmon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint64_t kws[] = {
	OT_NDISCAP_KW_ETHERNET, OT_NDISCAP_KW_WWAN, OT_NDISCAP_KW_TUNNEL,
	OT_NDISCAP_KW_80211, OT_NDISCAP_KW_VMSWITCH, OT_NDISCAP_KW_TRUNCATED,
	OT_NDISCAP_KW_START, OT_NDISCAP_KW_END
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ot_pktmon *pm = ot_pktmon_new();
	struct ot_flows *t = ot_flows_new(NULL, NULL);
	struct ot_etl_record r;
	struct ot_packet pkt;
	size_t off = 0;
	int64_t ts = 1700000000000000000;

	while (off + 3 <= size) {
		uint8_t sel = data[off];
		size_t len = ot_le16(data + off + 1), i;
		uint8_t *buf;

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
		r.id = OT_NDISCAP_PACKET_FRAGMENT;
		memcpy(r.provider, ot_ndiscap_guid, 16);
		r.ptr_size = 8;
		r.pid = sel & 0x80 ? 4 : 0xffffffffu;
		r.tid = 8;
		r.ts_ns = ts;
		ts += sel;
		r.offset = off;
		for (i = 0; i < 8; i++)
			if (sel & (1u << i))
				r.keyword |= kws[i];
		r.keyword |= sel & 1 ? OT_NDISCAP_KW_SEND : OT_NDISCAP_KW_RECEIVE;
		r.payload = buf;
		r.len = len;
		r.raw = buf;
		r.raw_len = len;
		if (!ot_pktmon_is(&r))
			abort();
		if (ot_pktmon_record(pm, &r, &pkt) > 0) {
			if (pkt.caplen > OT_PKTMON_MAX_PACKET || pkt.caplen > pkt.len)
				abort();
			ot_flows_packet(t, &pkt);
		}
		free(buf);
	}
	ot_flows_finish(t);
	ot_flows_free(t);
	ot_pktmon_free(pm);
	return 0;
}
