/*
 * fuzz_packet.c - libFuzzer harness for the packet decoder
 * (src/read/pcap_decode.c): the first byte picks a link type (modulo the
 * table) and how much longer the frame was on the wire than captured
 * (the quotient: 0 none, k 2^(k-1) bytes more, for the offload-sized
 * frames whose IP length is the frame's); the rest is the frame, copied
 * to a buffer of its exact size so ASan sees any read past caplen; the
 * frame then feeds the flow tracker.
 *
 *   make fuzz && build/fuzz/fuzz_packet -max_total_time=120
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/flows.h"
#include "offtrace/pcap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t links[] = { 0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ot_decoded d;
	struct ot_packet pkt;
	struct ot_flows *t;
	uint8_t *buf;
	uint32_t lt, caplen, len;
	unsigned k;
	int st;

	if (size == 0)
		return 0;
	lt = links[data[0] % (sizeof(links) / sizeof(links[0]))];
	k = data[0] / (sizeof(links) / sizeof(links[0]));
	caplen = (uint32_t)(size - 1);
	len = k == 0 ? caplen : caplen + (UINT32_C(1) << (k - 1));
	buf = malloc(size - 1 ? size - 1 : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data + 1, size - 1);
	st = ot_packet_decode_len(lt, buf, caplen, len, &d);
	if (st < OT_DEC_OK || st > OT_DEC_BAD || (d.tcp && d.family != 4 && d.family != 6))
		abort();
	/* a length from the frame never exceeds the frame */
	if (d.len_from == OT_LEN_FRAME && d.ip_len > len)
		abort();
	memset(&pkt, 0, sizeof(pkt));
	pkt.linktype = lt;
	pkt.data = buf;
	pkt.caplen = caplen;
	pkt.len = len;
	t = ot_flows_new(NULL, NULL);
	ot_flows_packet(t, &pkt);
	pkt.ts = 1;
	ot_flows_packet(t, &pkt);
	ot_flows_finish(t);
	ot_flows_free(t);
	free(buf);
	return 0;
}
