/*
 * fuzz_tmf.c - libFuzzer harness for the TMF parser (src/read/tmf.c): any
 * bytes either parse or fail with a message naming the file and a line;
 * a parsed file's messages have at most OT_TMF_MAX_ARGS arguments and
 * their strings are readable.  The bytes after the first NUL (which no TMF
 * holds) are a WPP MESSAGE record: when it parses, every message of the
 * file renders it (src/read/wpp.c) into a small buffer, with 4- and 8-byte
 * pointers, so the argument decoder meets hostile records too.  Each line
 * of the text part also goes through the tracefmt text line parser
 * (src/read/wpptext.c).
 *
 *   make fuzz && build/fuzz/fuzz_tmf -max_total_time=120
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/tmf.h"
#include "offtrace/wpp.h"
#include "offtrace/wpptext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
lines(const char *s, size_t n)
{
	struct ot_wpptext_msg m;
	const char *nl;

	(void)ot_wpptext_probe((const uint8_t *)s, n);
	while (n > 0) {
		size_t l;
		char *c;

		nl = memchr(s, '\n', n);
		l = nl ? (size_t)(nl - s) : n;
		c = malloc(l ? l : 1);
		if (c == NULL)
			return;
		memcpy(c, s, l);
		if (ot_wpptext_parse_line(c, l, &m) &&
		    (m.friendly < c || m.friendly + m.friendly_len > c + l ||
		     m.text < c || m.text + m.text_len > c + l))
			abort();
		free(c);
		s += l + (nl ? 1 : 0);
		n -= l + (nl ? 1 : 0);
	}
}

static void
render_all(const struct ot_tmf *t, const uint8_t *rec, size_t rlen)
{
	struct ot_wpp_msg m;
	struct ot_wpp_where w;
	char out[256];
	const char *why;
	size_t i;
	unsigned ptr;

	for (ptr = 4; ptr <= 8; ptr += 4) {
		if (ot_wpp_parse(rec, rlen, ptr, &m, NULL) < 0)
			return;
		if (m.args < rec || m.args + m.args_len > rec + rlen)
			abort();
		w.cpu = 3;
		w.ts_ns = (int64_t)m.ts;
		for (i = 0; i < t->nmsgs && i < 64; i++) {
			if (ot_wpp_format(&t->msgs[i], &m, &w, out, sizeof(out), &why) < 0 &&
			    why == NULL)
				abort();
			if (strlen(out) >= sizeof(out))
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ot_tmf t;
	struct ot_err err;
	size_t i, total = 0, tlen;
	unsigned j;
	const uint8_t *nul = memchr(data, 0, size);
	uint8_t *rec = NULL;
	size_t rlen = 0;

	memset(&err, 0, sizeof(err));
	tlen = nul ? (size_t)(nul - data) : size;
	if (nul != NULL) {
		/* an exact-size copy, so ASan sees any over-read */
		rlen = size - tlen - 1;
		rec = malloc(rlen ? rlen : 1);
		if (rec == NULL)
			return 0;
		memcpy(rec, nul + 1, rlen);
	}
	lines((const char *)data, tlen);
	if (ot_tmf_parse((const char *)data, tlen, "fuzz.tmf", &t, &err) < 0) {
		if (err.msg[0] == '\0' || strcmp(err.file, "fuzz.tmf") != 0)
			abort();
	} else {
		for (i = 0; i < t.nmsgs; i++) {
			if (t.msgs[i].nargs > OT_TMF_MAX_ARGS)
				abort();
			total += strlen(t.msgs[i].format) + strlen(t.msgs[i].func) +
				 strlen(t.msgs[i].guid);
			for (j = 0; j < t.msgs[i].nargs; j++)
				total += strlen(ot_tmf_type_name(t.msgs[i].args[j].type));
		}
		if (t.nmsgs + t.duplicates + t.conflicts != t.entries)
			abort();
		if (rec != NULL)
			render_all(&t, rec, rlen);
	}
	ot_tmf_release(&t);
	free(rec);
	return (int)(total & 0);
}
