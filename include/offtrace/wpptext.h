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
 * number of fractional digits, local time as written (no zone: kept as
 * written unless a time-zone offset is set).  Lines saying "No Format
 * Information found." are counted, not returned; indented lines after a
 * message (tracefmt's continuation lines: a hex dump, a message with a
 * newline) belong to it; other lines without the prefix are counted and
 * skipped.
 *
 * The text is UTF-8 or UTF-16 (little or big endian, with a byte-order
 * mark or recognised by the NUL bytes of its ASCII characters, as
 * tracefmt and "pktmon format" write it); UTF-16 is turned into UTF-8
 * line by line as it is read.
 *
 * A custom prefix is a TRACE_FORMAT_PREFIX string (FORMATS.md 2.3:
 * "%7!08d! %2!s!: %8!04x!:"): literal text and the variables %1 friendly
 * name, %2 source file and line, %3 thread id, %4 time, %5 kernel time,
 * %6 user time, %7 sequence number, %8 process id, %9 CPU, and %!FUNC!,
 * %!LEVEL!, %!FLAGS!, %!COMPNAME!, %!SUBCOMP!; numbers in the radix of
 * their spec (x/X hex, else decimal).  The message is what follows.
 */
#ifndef OT_WPPTEXT_H
#define OT_WPPTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "offtrace/util.h"

/* Limit (P9); documented in man/offtrace.1 LIMITS. */
#define OT_WPPTEXT_MAX_LINE	(2u << 20)	/* bytes of one line, in UTF-8, and
						 * of a message with its
						 * continuation lines */

struct ot_wpptext_msg {
	uint64_t line;			/* 1-based */
	uint32_t cpu, pid, tid;
	int64_t ts_ns;			/* ns since 1970, as written */
	int has_seq;
	uint32_t seq;
	const char *friendly;		/* not NUL-terminated */
	size_t friendly_len;
	const char *text;		/* the message after the prefix; its
					 * continuation lines each after a
					 * '\n', as written */
	size_t text_len;
	const char *func;		/* %!FUNC! of a custom prefix, else NULL */
	size_t func_len;
};

struct ot_wpptext_stats {
	uint64_t lines;
	uint64_t messages;		/* returned */
	uint64_t no_format;		/* "No Format Information found." */
	uint64_t eventtrace;		/* "EventTrace" header lines */
	uint64_t other;			/* lines without the prefix, skipped */
	uint64_t continued;		/* continuation lines joined to their
					 * message */
};

/* Does the text start like tracefmt output?  1 yes, 0 no (UTF-8: see
 * ot_wpptext_utf16_to_utf8() for UTF-16). */
int ot_wpptext_probe(const uint8_t *head, size_t len);

/* Encodings of text. */
enum ot_wpptext_enc { OT_WPPTEXT_UTF8, OT_WPPTEXT_UTF16LE, OT_WPPTEXT_UTF16BE };

/*
 * The encoding of text from its first bytes: UTF-16 by its byte-order mark
 * (FF FE, FE FF), or without one when each of its first characters (up to
 * 128, at least 4) is a non-zero 16-bit unit, the first and at least 7 in
 * 8 of them ASCII text (a tab, CR, LF or 0x20..0x7E, high byte 0); else
 * UTF-8 (or anything else).
 */
int ot_wpptext_encoding(const uint8_t *head, size_t len);

/*
 * n bytes of UTF-16 (enc) as UTF-8 in out, which holds at least
 * OT_WPPTEXT_UTF8_MAX(n) bytes; returns the bytes written.  Surrogate
 * pairs become one character; unpaired surrogates and a last odd byte
 * become U+FFFD; a byte-order mark becomes U+FEFF (EF BB BF).
 */
#define OT_WPPTEXT_UTF8_MAX(n)	((n) / 2 * 3 + 3)
size_t ot_wpptext_utf16_to_utf8(const uint8_t *p, size_t n, int enc, char *out);

/*
 * Parse one line (without its newline).  1 a message (m filled, pointers
 * into s), 0 not a prefixed line.
 */
int ot_wpptext_parse_line(const char *s, size_t n, struct ot_wpptext_msg *m);

/* Limits of a custom prefix. */
#define OT_WPPTEXT_MAX_PREFIX	64	/* items (literals and variables) */

struct ot_wpptext_prefix;
/* Compile a TRACE_FORMAT_PREFIX string; NULL and err (phase "prefix"). */
struct ot_wpptext_prefix *ot_wpptext_prefix_new(const char *fmt, struct ot_err *err);
void ot_wpptext_prefix_free(struct ot_wpptext_prefix *pf);
/* ot_wpptext_parse_line() with a custom prefix. */
int ot_wpptext_parse_prefixed(const struct ot_wpptext_prefix *pf, const char *s, size_t n,
			      struct ot_wpptext_msg *m);

/* "+02:00", "-05:30", "+0530", "+2", "Z": ns to subtract from local time; 0 or -1. */
int ot_wpptext_parse_tz(const char *s, int64_t *offset_ns);

struct ot_wpptext;
struct ot_wpptext *ot_wpptext_open(const char *path, struct ot_err *err);
/* The same over a stream read from its start (taken: closed by
 * ot_wpptext_close); name is for errors. */
struct ot_wpptext *ot_wpptext_fopen(FILE *f, const char *name);
/* Use a custom prefix (borrowed: keep it until close); NULL: the default. */
void ot_wpptext_set_prefix(struct ot_wpptext *r, const struct ot_wpptext_prefix *pf);
/* Local time = UTC + offset_ns: times are returned in UTC. */
void ot_wpptext_set_tz(struct ot_wpptext *r, int64_t offset_ns);
/* sha256 of the whole file once it was read to the end (hashed as it is
 * read, on the reading thread); -1 before that. */
int ot_wpptext_sha256(const struct ot_wpptext *r, char hex[65]);
/* Bytes read so far, for progress. */
uint64_t ot_wpptext_bytes(const struct ot_wpptext *r);
/*
 * 1 a message (valid until the next call), 0 the end, -1 error (err: file,
 * line).  A message is returned once the line after its continuation lines
 * was read; an error after it is returned by the next call.
 */
int ot_wpptext_next(struct ot_wpptext *r, struct ot_wpptext_msg *m, struct ot_err *err);
const struct ot_wpptext_stats *ot_wpptext_stats(const struct ot_wpptext *r);
void ot_wpptext_close(struct ot_wpptext *r);

#endif
