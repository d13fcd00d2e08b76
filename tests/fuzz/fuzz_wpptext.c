/*
 * fuzz_wpptext.c - libFuzzer harness for the tracefmt text reader
 * (src/read/wpptext.c) and the profile's text matching
 * (src/decode/profile_match.c): the input is a whole text file, read through
 * the reader exactly as ingest reads it (from a memory file), with the
 * default prefix or a custom TRACE_FORMAT_PREFIX (picked by the first
 * byte) and a time-zone offset; every message is matched against the
 * built-in chimney profile and a vendor profile with another vocabulary.
 * No message is longer than a line; a match never moves the event's time.
 *
 *   make fuzz && build/fuzz/fuzz_wpptext -max_total_time=600
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "offtrace/event.h"
#include "offtrace/profile.h"
#include "offtrace/wpptext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A made-up vendor: other function names, argument order, enum values. */
static const char vendor[] =
	"{\"profile\":\"fuzzvendor\",\"set\":{\"layer\":\"target\"},\"rules\":["
	"{\"func\":\"XoStart\",\"template\":\"kind={state:u32} blk={block:ptr} "
	"root={root:ptr}{? up={parent:ptr}} ctx={slot:ptr} nic={adapter:str}\","
	"\"set\":{\"ev\":\"initiate\"},\"map\":{\"state\":{\"1\":\"neighbor\","
	"\"2\":\"ip4\",\"3\":\"ip6\",\"4\":\"tcp\"}}},"
	"{\"func\":\"XoDone\",\"template\":\"blk={block:ptr} root={root:ptr} "
	"st={status:ntstatus} from {src:ip}:{sport:port}\","
	"\"set\":{\"ev\":\"initiate_done\"}}]}";

static const char *const prefixes[] = {
	NULL,	/* the default and its variants, detected */
	"%7!08d! %2!s!: %8!04x!.%3!04x! cpu%9!d! %4!s! [%1!s!]",
	"[%9!d!]%8!04X!.%3!04X!::%4!s! [%1!s!]",
	"%4!s! %2!s! %!FUNC! %8!d!",
};

static struct ot_profile *prof;
static struct ot_wpptext_prefix *pfx[4];

static void
setup(void)
{
	struct ot_err err;
	size_t i;

	memset(&err, 0, sizeof(err));
	prof = ot_profile_new();
	if (ot_profile_add_json(prof, vendor, sizeof(vendor) - 1, "fuzz.json", &err) < 0 ||
	    ot_profile_add_builtin(prof, "chimney", &err) < 0)
		abort();
	for (i = 1; i < 4; i++)
		if ((pfx[i] = ot_wpptext_prefix_new(prefixes[i], &err)) == NULL)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ot_wpptext_msg m;
	struct ot_wpptext *r;
	struct ot_strtab *st;
	struct ot_event ev;
	struct ot_err err;
	char path[64];
	int fd, rc;

	if (prof == NULL)
		setup();
	if (size == 0)
		return 0;
	fd = memfd_create("fuzz.txt", 0);
	if (fd < 0)
		return 0;
	if (size > 1 && write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&err, 0, sizeof(err));
	r = ot_wpptext_open(path, &err);
	if (r == NULL) {
		close(fd);
		return 0;
	}
	if (pfx[data[0] & 3])
		ot_wpptext_set_prefix(r, pfx[data[0] & 3]);
	ot_wpptext_set_tz(r, (int64_t)(int8_t)data[0] * 900 * INT64_C(1000000000));
	st = ot_strtab_new();
	while ((rc = ot_wpptext_next(r, &m, &err)) > 0) {
		if (m.text_len > OT_WPPTEXT_MAX_LINE || m.friendly_len > OT_WPPTEXT_MAX_LINE)
			abort();
		memset(&ev, 0, sizeof(ev));
		ev.ts = m.ts_ns;
		if (ot_profile_match_text(prof, m.friendly, m.friendly_len, m.text, m.text_len,
					  st, &ev) == 1 && ev.ts != m.ts_ns)
			abort();	/* a rule sets fields, never the time */
	}
	if (rc < 0 && err.msg[0] == '\0')
		abort();
	ot_wpptext_close(r);
	ot_strtab_free(st);
	close(fd);
	return 0;
}
