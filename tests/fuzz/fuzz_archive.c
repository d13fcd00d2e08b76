/*
 * fuzz_archive.c - libFuzzer harness for the archive layer: the bytes as
 * an archive or a compressed stream through src/read/archive.c (every
 * entry, one nested level), then as a file given to ot_source_expand()
 * (src/source/input.c), whose inputs are opened and read a little way.
 *
 *   make fuzz && build/fuzz/fuzz_archive -max_len=65536 SEEDS
 */
#define _GNU_SOURCE	/* memfd_create(2) */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "offtrace/archive.h"
#include "offtrace/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* at most this much of an entry: a bomb is the limits' to stop, and they
 * stop it past 64 MiB, too slow for a fuzzer's run */
#define MAX_READ (1u << 20)

static void
drain(struct ot_ar *a, int depth)
{
	static uint8_t buf[65536];
	struct ot_ar_entry e;
	struct ot_err err;
	int n = 0;

	memset(&err, 0, sizeof(err));
	while (n++ < 64 && ot_ar_next(a, &e, &err) > 0) {
		size_t got = 0;
		ssize_t k;

		if (depth == 0 && e.regular) {
			/* the entry as a nested archive, as input.c reads one */
			struct ot_ar *in = ot_ar_open_entry(a, OT_AR_ARCHIVE, "nested", &err);

			if (in != NULL) {
				drain(in, 1);
				ot_ar_close(in);
				continue;
			}
		}
		while (got < MAX_READ && (k = ot_ar_read(a, buf, sizeof(buf), &err)) > 0)
			got += (size_t)k;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ot_source_opts so;
	struct ot_source_ctx *c;
	const char *const *names;
	struct ot_err err;
	struct ot_ar *a;
	char path[64];
	size_t n, i;
	int what = ot_ar_classify_mem(data, size), fd;

	memset(&err, 0, sizeof(err));
	if (what != OT_AR_PLAIN && (a = ot_ar_open_mem(data, size, what, "fuzz", &err)) != NULL) {
		drain(a, 0);
		ot_ar_close(a);
	}
	/* the same bytes as a file on the command line */
	if ((fd = memfd_create("fuzz", 0)) < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&so, 0, sizeof(so));
	so.flags = OT_SRC_NO_PROFILE;
	if ((c = ot_source_ctx_new(&so, NULL, &err)) != NULL) {
		const char *one[1] = { path };

		if (ot_source_expand(c, one, 1, &names, &n, &err) == 0) {
			for (i = 0; i < n && i < 8; i++) {
				struct ot_source *s = ot_source_open(c, names[i], NULL, (uint32_t)i, &err);
				struct ot_item it;
				char hex[65];
				uint64_t sz = 0;
				int k = 0;

				if (s == NULL)
					continue;
				while (k++ < 200 && ot_source_next(s, &it, &err) > 0)
					;
				if (k < 200)
					ot_source_sha256(s, hex, &sz, &err);
				ot_source_close(s);
			}
		}
		ot_source_ctx_free(c);
	}
	close(fd);
	return 0;
}
