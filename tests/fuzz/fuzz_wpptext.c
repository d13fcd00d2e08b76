/*
 * fuzz_wpptext.c - libFuzzer harness for the tracefmt text reader
 * (src/read/wpptext.c) and the profile's text matching
 * (src/decode/profile_match.c): the input is a whole text file, read through
 * the reader exactly as ingest reads it (from a memory file), with the
 * default prefix or a custom TRACE_FORMAT_PREFIX (picked by the first
 * byte, bits 0-2; one ends in %!FUNC!: as a C++ driver's) and a time-zone
 * offset; every message is matched against the built-in chimney profile
 * and a vendor profile with another vocabulary.  No message (with its
 * continuation lines) is longer than the limit; a match never moves the
 * event's time.
 *
 * UTF-16: bits 3-4 of the first byte pick UTF-16LE or BE with a
 * byte-order mark, or UTF-16LE without one; the rest of the input (each
 * byte a character) is read again in that form.  When it is all ASCII
 * (and no UTF-16 already) and has the mark, the messages and counts must
 * be those of the UTF-8 read, byte for byte.  The raw input itself may be UTF-16 too (a mark, NULs).
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

#define NPREFIX 5
static const char *const prefixes[NPREFIX] = {
	NULL,	/* the default and its variants, detected */
	"%7!08d! %2!s!: %8!04x!.%3!04x! cpu%9!d! %4!s! [%1!s!]",
	"[%9!d!]%8!04X!.%3!04X!::%4!s! [%1!s!]",
	"%4!s! %2!s! %!FUNC! %8!d!",
	"[%9]%3!04x! %!LEVEL! %!FUNC!:",	/* usbip-ude.txt's */
};

static struct ot_profile *prof;
static struct ot_wpptext_prefix *pfx[NPREFIX];

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
	for (i = 1; i < NPREFIX; i++)
		if ((pfx[i] = ot_wpptext_prefix_new(prefixes[i], &err)) == NULL)
			abort();
}

/* What a read gave: each message and the counts, as bytes to compare. */
struct seen {
	uint8_t *b;
	size_t len, cap;
};

static void
put(struct seen *o, const void *p, size_t n)
{
	if (o->len + n > o->cap) {
		o->cap = 2 * (o->len + n) + 256;
		o->b = realloc(o->b, o->cap);
		if (o->b == NULL)
			abort();
	}
	if (n > 0)
		memcpy(o->b + o->len, p, n);
	o->len += n;
}

/* Read n bytes of file as tracefmt text, match every message; what was seen in o. */
static void
read_text(const uint8_t *data, size_t n, const struct ot_wpptext_prefix *pf, int64_t tz,
	  struct seen *o)
{
	struct ot_wpptext_msg m;
	struct ot_wpptext *r;
	struct ot_strtab *st;
	struct ot_event ev;
	struct ot_err err;
	char path[64];
	int fd, rc;

	fd = memfd_create("fuzz.txt", 0);
	if (fd < 0)
		return;
	if (n > 0 && write(fd, data, n) != (ssize_t)n) {
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(&err, 0, sizeof(err));
	r = ot_wpptext_open(path, &err);
	if (r == NULL) {
		close(fd);
		return;
	}
	ot_wpptext_set_prefix(r, pf);
	ot_wpptext_set_tz(r, tz);
	st = ot_strtab_new();
	while ((rc = ot_wpptext_next(r, &m, &err)) > 0) {
		if (m.text_len > OT_WPPTEXT_MAX_LINE || m.friendly_len > OT_WPPTEXT_MAX_LINE ||
		    m.func_len > OT_WPPTEXT_MAX_LINE)
			abort();
		memset(&ev, 0, sizeof(ev));
		ev.ts = m.ts_ns;
		if (ot_profile_match_text(prof, m.friendly, m.friendly_len, m.text, m.text_len,
					  st, &ev) == 1 && ev.ts != m.ts_ns)
			abort();	/* a rule sets fields, never the time */
		memset(&ev, 0, sizeof(ev));
		ev.ts = m.ts_ns;
		if (m.func != NULL &&
		    ot_profile_match_text_func(prof, m.friendly, m.friendly_len, m.func, m.func_len,
					       m.text, m.text_len, st, &ev) == 1 && ev.ts != m.ts_ns)
			abort();
		put(o, &m.line, sizeof(m.line));
		put(o, &m.ts_ns, sizeof(m.ts_ns));
		put(o, &m.cpu, sizeof(m.cpu));
		put(o, &m.pid, sizeof(m.pid));
		put(o, &m.tid, sizeof(m.tid));
		put(o, &m.seq, sizeof(m.seq));
		put(o, &m.friendly_len, sizeof(m.friendly_len));
		put(o, m.friendly, m.friendly_len);
		put(o, &m.func_len, sizeof(m.func_len));
		put(o, m.func, m.func_len);
		put(o, &m.text_len, sizeof(m.text_len));
		put(o, m.text, m.text_len);
	}
	if (rc < 0 && err.msg[0] == '\0')
		abort();
	put(o, &rc, sizeof(rc));
	put(o, ot_wpptext_stats(r), sizeof(struct ot_wpptext_stats));
	ot_wpptext_close(r);
	ot_strtab_free(st);
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seen a, b;
	const struct ot_wpptext_prefix *pf;
	int64_t tz;
	uint8_t *u;
	size_t i, n, o = 0;
	int form, ascii = 1;

	if (prof == NULL)
		setup();
	if (size == 0)
		return 0;
	pf = pfx[(data[0] & 7) % NPREFIX];
	tz = (int64_t)(int8_t)data[0] * 900 * INT64_C(1000000000);
	form = data[0] >> 3 & 3;
	data++;
	n = size - 1;
	a.len = 0;
	read_text(data, n, pf, tz, &a);
	if (form == 0)
		return 0;
	/* the same text in UTF-16, each byte a character */
	u = malloc(2 * n + 2);
	if (u == NULL)
		return 0;
	if (form != 3) {
		u[o++] = form == 1 ? 0xFF : 0xFE;
		u[o++] = form == 1 ? 0xFE : 0xFF;
	}
	for (i = 0; i < n; i++) {
		ascii &= data[i] < 0x80;
		u[o++] = form == 2 ? 0 : data[i];
		u[o++] = form == 2 ? data[i] : 0;
	}
	b.len = 0;
	read_text(u, o, pf, tz, &b);
	free(u);
	/* ASCII in UTF-16 reads as in UTF-8 (unless that was UTF-16 already) */
	if (ascii && form != 3 && ot_wpptext_encoding(data, n) == OT_WPPTEXT_UTF8 &&
	    (a.len != b.len || memcmp(a.b, b.b, a.len) != 0))
		abort();
	return 0;
}
