/*
 * fuzz_packet.c - libFuzzer harness for the packet decoder
 * (src/read/pcap_decode.c): the first byte picks a link type, the rest is
 * the frame, copied to a buffer of its exact size so ASan sees any read
 * past caplen; the frame then feeds the flow tracker.
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
	uint32_t lt;
	int st;

	if (size == 0)
		return 0;
	lt = links[data[0] % (sizeof(links) / sizeof(links[0]))];
	buf = malloc(size - 1 ? size - 1 : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data + 1, size - 1);
	st = ot_packet_decode(lt, buf, (uint32_t)(size - 1), &d);
	if (st < OT_DEC_OK || st > OT_DEC_BAD || (d.tcp && d.family != 4 && d.family != 6))
		abort();
	memset(&pkt, 0, sizeof(pkt));
	pkt.linktype = lt;
	pkt.data = buf;
	pkt.caplen = pkt.len = (uint32_t)(size - 1);
	t = ot_flows_new(NULL, NULL);
	ot_flows_packet(t, &pkt);
	pkt.ts = 1;
	ot_flows_packet(t, &pkt);
	ot_flows_finish(t);
	ot_flows_free(t);
	free(buf);
	return 0;
}
