/*
 * fuzz_flows.c - libFuzzer harness for the flow tracker
 * (src/engine/flows.c) and its hash map (src/util/hmap.c): the input is a
 * run of packets, each a 4-byte header (time step in seconds, link type
 * pick, frame length) and its frame, fed the way `offtrace flows` feeds
 * them (prepared, prefetched, added) so that flows are made, closed,
 * lingered out, reused and re-keyed in every order the input finds.
 *
 *   make fuzz && build/fuzz/fuzz_flows -max_total_time=120
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/flows.h"
#include "offtrace/pcap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t links[] = { 1, 101, 113, 228, 229, 276, 0 };

struct seen {
	uint64_t flows, frames;
};

static void
count(void *ctx, const struct ot_flow *f)
{
	struct seen *s = ctx;

	s->flows++;
	s->frames += f->d[0].frames + f->d[1].frames;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { 0, 0 };
	struct ot_flow_pkt fp[2];
	struct ot_packet pkt;
	struct ot_flows *t = ot_flows_new(count, &s);
	const struct ot_flow_stats *st;
	int64_t ts = 0;
	size_t off = 0, n, k = 0;
	uint8_t *buf;

	while (off + 4 <= size) {
		n = data[off + 2] | (size_t)data[off + 3] << 8;
		if (n > size - off - 4)
			n = size - off - 4;
		/* steps of up to 255 s: past the 120 s linger now and then */
		ts += (int64_t)data[off] * 1000000000 + 1;
		buf = malloc(n ? n : 1);
		if (buf == NULL)
			break;
		memcpy(buf, data + off + 4, n);
		memset(&pkt, 0, sizeof(pkt));
		pkt.ts = ts;
		pkt.linktype = links[data[off + 1] % (sizeof(links) / sizeof(links[0]))];
		pkt.data = buf;
		pkt.caplen = pkt.len = (uint32_t)n;
		ot_flow_prep(&fp[k % 2], &pkt);
		free(buf);
		ot_flows_prefetch(t, &fp[k % 2], 0);
		ot_flows_prefetch(t, &fp[k % 2], 1);
		if (k > 0)
			ot_flows_add(t, &fp[(k - 1) % 2]);
		k++;
		off += 4 + n;
	}
	if (k > 0)
		ot_flows_add(t, &fp[(k - 1) % 2]);
	ot_flows_finish(t);
	st = ot_flows_stats(t);
	/* every flow handed over once, every TCP frame counted in one */
	if (s.flows != st->flows || st->live != 0 || s.frames < st->tcp)
		abort();
	ot_flows_free(t);
	return 0;
}
