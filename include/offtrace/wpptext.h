/*
 * wpptext.h - reader of tracefmt output: WPP messages already decoded to
 * text (../shared/FORMATS.md 2.3, DOMAIN.md 3.2).
 *
 *   EventTrace                                          (first line, skipped)
 *   [0]0888.0D60::10/23/2003-12:27:40.173 [tracedrv]IOCTL = 1
 *   [0]0AF4.0C64::07/25/2003-13:55:39.998 00004ea4 [tracedrv]IOCTL = 1   (-seq)
 *   [09]0004.03F4::2026-09-26 03:52:57.290944700 [PktMon] ...            (pktmon)
 *
 * CPU in decimal, PID and TID in hex (4 digits or more), time with any
 * number of fractional digits, local time as written (no zone: read as
 * UTC).  Lines saying "No Format Information found." are counted, not
 * returned; other lines without the prefix are counted and skipped.
 */
#ifndef OT_WPPTEXT_H
#define OT_WPPTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "offtrace/util.h"

/* Limit (P9); documented in man/offtrace.1 LIMITS. */
#define OT_WPPTEXT_MAX_LINE	(2u << 20)	/* bytes of one line */

struct ot_wpptext_msg {
	uint64_t line;			/* 1-based */
	uint32_t cpu, pid, tid;
	int64_t ts_ns;			/* ns since 1970, as written */
	int has_seq;
	uint32_t seq;
	const char *friendly;		/* not NUL-terminated */
	size_t friendly_len;
	const char *text;		/* the message after the prefix */
	size_t text_len;
};

struct ot_wpptext_stats {
	uint64_t lines;
	uint64_t messages;		/* returned */
	uint64_t no_format;		/* "No Format Information found." */
	uint64_t eventtrace;		/* "EventTrace" header lines */
	uint64_t other;			/* lines without the prefix, skipped */
};

/* Does the text start like tracefmt output?  1 yes, 0 no. */
int ot_wpptext_probe(const uint8_t *head, size_t len);

/*
 * Parse one line (without its newline).  1 a message (m filled, pointers
 * into s), 0 not a prefixed line.
 */
int ot_wpptext_parse_line(const char *s, size_t n, struct ot_wpptext_msg *m);

struct ot_wpptext;
struct ot_wpptext *ot_wpptext_open(const char *path, struct ot_err *err);
/* 1 a message (valid until the next call), 0 the end, -1 error (err: file, line). */
int ot_wpptext_next(struct ot_wpptext *r, struct ot_wpptext_msg *m, struct ot_err *err);
const struct ot_wpptext_stats *ot_wpptext_stats(const struct ot_wpptext *r);
void ot_wpptext_close(struct ot_wpptext *r);

#endif
