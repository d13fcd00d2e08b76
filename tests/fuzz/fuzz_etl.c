/*
 * fuzz_etl.c - libFuzzer harness for the .etl reader and the TraceLogging
 * decoder: open the input from memory, read every record, decode the
 * TraceLogging metadata and payload of each.
 *
 *   make fuzz && build/fuzz/fuzz_etl -max_len=65536 ../shared/corpus/etl
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "offtrace/etl.h"
#include "offtrace/tlg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ot_err err;
	struct ot_etl *e;
	struct ot_etl_record r;
	struct ot_tlg_event ev;
	FILE *sink = fopen("/dev/null", "w");
	unsigned i;

	memset(&err, 0, sizeof(err));
	(void)ot_etl_probe(data, size);
	e = ot_etl_open_mem(data, size, "fuzz.etl", &err);
	if (e != NULL) {
		while (ot_etl_next(e, &r, &err) > 0) {
			const char *name, *why;

			for (i = 0; i < r.next; i++) {
				if (r.ext[i].type == 12)
					(void)ot_tlg_provider(r.ext[i].data, r.ext[i].size, &name);
				if (r.ext[i].type == 11 &&
				    ot_tlg_meta(r.ext[i].data, r.ext[i].size, &ev, &why) == 0 && sink)
					(void)ot_tlg_print(sink, &ev, r.payload, r.len, r.ptr_size, 1);
			}
		}
		ot_etl_close(e);
	}
	if (sink)
		fclose(sink);
	return 0;
}
