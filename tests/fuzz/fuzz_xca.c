/*
 * fuzz_xca.c - libFuzzer harness for the MS-XCA plain LZ77 decompressor
 * (src/read/xca.c) with a 64 KiB output buffer.  When a stream decodes,
 * it is decoded again into a buffer one byte short, which must fail with
 * "output overflow" after writing the same prefix.
 *
 *   make fuzz && build/fuzz/fuzz_xca -max_total_time=120
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/xca.h"

#define FUZZ_OUTCAP	65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out, *out2;
	size_t outlen = 0, outlen2 = 0;
	const char *why = NULL;
	int ret;

	out = malloc(FUZZ_OUTCAP);
	if (out == NULL)
		return 0;
	ret = ot_xca_lz77(data, size, out, FUZZ_OUTCAP, &outlen, &why);
	if (outlen > FUZZ_OUTCAP || (ret != 0 && (ret != -1 || why == NULL)))
		abort();
	if (ret == 0 && outlen > 0) {
		out2 = malloc(outlen - 1 ? outlen - 1 : 1);
		if (out2 != NULL) {
			ret = ot_xca_lz77(data, size, out2, outlen - 1, &outlen2,
			    &why);
			if (ret != -1 || outlen2 != outlen - 1 ||
			    strcmp(why, "output overflow") != 0 ||
			    memcmp(out, out2, outlen2) != 0)
				abort();
			free(out2);
		}
	}
	free(out);
	return 0;
}
