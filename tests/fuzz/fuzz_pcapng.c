/*
 * fuzz_pcapng.c - libFuzzer harness for the pcapng block walker
 * (src/read/pcapng.c) over memory (fmemopen), and every packet it yields
 * through the packet decoder.  A packet's bytes must lie inside the block.
 *
 *   make fuzz && build/fuzz/fuzz_pcapng -max_total_time=120
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/pcap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ot_pcapng *w;
	struct ot_packet pkt;
	struct ot_decoded d;
	struct ot_err err;
	FILE *f;
	int r, n = 0;

	if (size == 0)
		return 0;
	f = fmemopen((void *)data, size, "rb");
	if (f == NULL)
		return 0;
	memset(&err, 0, sizeof(err));
	w = ot_pcapng_new(f, "fuzz");
	while ((r = ot_pcapng_next(w, &pkt, &err)) > 0 && n++ < 100000) {
		if (pkt.caplen > OT_PCAPNG_MAX_BLOCK)
			abort();
		ot_packet_decode_len(pkt.linktype, pkt.data, pkt.caplen, pkt.len, &d);
		if (pkt.comment && strlen(pkt.comment) > OT_PCAP_MAX_COMMENT)
			abort();
	}
	if (r < 0 && (err.code != OT_EINPUT || err.phase == NULL || err.msg[0] == '\0'))
		abort();
	ot_pcapng_free(w);
	fclose(f);
	return 0;
}
