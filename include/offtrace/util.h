/*
 * util.h - small helpers shared by every module: errors, allocation,
 * number parsing (hex pointers, integers, RFC 3339 times), string interning,
 * SHA-256.
 *
 * Library code never prints or exits, except the x*alloc() wrappers, which
 * end the process on out-of-memory as git's do (STYLE.md, "Out of memory").
 */
#ifndef OT_UTIL_H
#define OT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Error codes carried by struct ot_err.code (not exit codes). */
enum ot_errcode {
	OT_EOK = 0,
	OT_EINPUT,	/* bad or unreadable input: exit 2 */
	OT_EUSAGE,	/* bad option or argument: exit 2 */
	OT_EDB,		/* database error: exit 3 unless caused by input */
	OT_EINTERNAL,	/* bug or resource failure: exit 3 */
	OT_EDUP		/* input already ingested: exit 2 */
};

/*
 * A caller-supplied error.  file/line/offset are 0/empty when unknown;
 * line is 1-based for text inputs, offset is a byte offset.  phase says
 * what the code was doing ("json", "ts", "insert", ...).
 * Functions fill it only on failure and leave it untouched on success.
 */
struct ot_err {
	int code;
	char file[256];
	uint64_t line;
	uint64_t offset;
	const char *phase;
	char msg[512];
};

#if defined(__GNUC__)
#define OT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define OT_PRINTF(a, b)
#endif

/* Fill err (if not NULL) and return -1. */
int ot_errorf(struct ot_err *err, int code, const char *fmt, ...)
	OT_PRINTF(3, 4);
/* Same, also setting file and line. */
int ot_errorf_at(struct ot_err *err, int code, const char *file,
		 uint64_t line, const char *fmt, ...) OT_PRINTF(5, 6);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* n * size, ending the process on overflow (git's st_mult). */
size_t st_mult(size_t n, size_t size);

/* Value of one hex digit, or -1. */
int ot_hexval(int c);

/*
 * Parse a pointer written in hex: optional 0x/0X, upper or lower case,
 * WinDbg's backtick between the high and low 32 bits (ffffe001`23456789).
 * At most 16 hex digits.  Returns 0 or -1.
 */
int ot_parse_hex(const char *s, size_t len, uint64_t *out);

/*
 * Parse a decimal integer (optional leading '-') exactly, without going
 * through double.  Returns 0 or -1 (syntax or overflow).
 */
int ot_parse_i64(const char *s, size_t len, int64_t *out);

/*
 * Parse an RFC 3339 date-time ("2023-11-14T22:13:20.000000001Z", offsets
 * "+02:00"/"-0530" accepted, 'T' or space, up to 9 fractional digits) into
 * ns since 1970 UTC.  Returns 0 or -1.
 */
int ot_parse_rfc3339(const char *s, size_t len, int64_t *out);

/* Format ns since 1970 UTC as "2023-11-14T22:13:20.000000001Z" (31 bytes + NUL). */
#define OT_TIMEBUF 40
char *ot_fmt_time(int64_t ns, char buf[OT_TIMEBUF]);
/* The same; local: a local time of no known zone (tracefmt text read
 * without --tz-offset), written without the Z. */
char *ot_fmt_time_zone(int64_t ns, int local, char buf[OT_TIMEBUF]);
/* Format a duration in ns for people: "812us", "1.25ms", "3.000s"; the
 * limits INT64_MIN and INT64_MAX, where ot_time_sub_sat() saturates, as
 * OT_OUT_OF_RANGE. */
char *ot_fmt_dur(int64_t ns, char *buf, size_t len);

/*
 * Checked arithmetic on times and durations, in one place.  A time is
 * read from a trace or from a database, where another tool, a hand edit
 * or a damaged file may have put any 64-bit value (INT64_MIN, INT64_MAX),
 * so a difference or a sum of two is never taken with a bare '-' or '+':
 * these return 0 with *out the exact result, or -1, *out untouched, when
 * it does not fit in 64 bits.  ot_time_sub_sat() gives the limit the
 * difference passed instead (INT64_MIN or INT64_MAX), for a distribution
 * or a sort that needs a number; ot_fmt_dur() prints the limits as
 * OT_OUT_OF_RANGE.
 */
#define OT_OUT_OF_RANGE "out of range"

static inline int
ot_time_sub(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return -1;
	*out = r;
	return 0;
}

static inline int64_t
ot_time_sub_sat(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return a < b ? INT64_MIN : INT64_MAX;
	return r;
}

static inline int
ot_time_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return -1;
	*out = r;
	return 0;
}

static inline int
ot_time_mul(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return -1;
	*out = r;
	return 0;
}

/* a - b as a double: exact while it fits in 64 bits, else the nearest
 * double (for outputs that want a number whatever it is, as Chrome's). */
double ot_time_sub_f(int64_t a, int64_t b);
/* ot_fmt_dur(to - from), or OT_OUT_OF_RANGE when it does not fit. */
char *ot_fmt_dur_between(int64_t from, int64_t to, char *buf, size_t len);
/* The same as a time relative to from: "+1.25ms", or OT_OUT_OF_RANGE. */
char *ot_fmt_rel(int64_t from, int64_t t, char *buf, size_t len);

/*
 * Strings from a trace or a database on a terminal-oriented output (the
 * text report and check, show, dump's text, CSV, query): every byte that
 * is not part of a printable UTF-8 character (C0 controls, DEL, the C1
 * controls U+0080..U+009F, invalid UTF-8) is written as \xNN (ESC as
 * \x1b), so a customer's trace cannot drive the engineer's terminal;
 * everything else as it is.  The one escaper of those outputs (JSON,
 * HTML and XML have their own syntax).
 *
 * ot_term_escape() writes s[0..n) escaped to dst as snprintf() does (at
 * most cap - 1 bytes and a NUL, never half an escape) and returns the
 * length of the whole escaped text; dst may be NULL when cap is 0.
 * ot_term_write() writes s[0..n) escaped to f, ot_term_puts() the string
 * s (NULL as "").
 */
size_t ot_term_escape(const char *s, size_t n, char *dst, size_t cap);
void ot_term_write(FILE *f, const char *s, size_t n);
void ot_term_puts(FILE *f, const char *s);
/* Parse a duration "250us", "1.5ms", "2s", "100ns" into ns.  0 or -1. */
int ot_parse_dur(const char *s, int64_t *out);

/* Days since 1970-01-01 for a proleptic Gregorian date (no libc time zone). */
int64_t ot_days_from_civil(int64_t y, unsigned m, unsigned d);

/*
 * Length of the valid UTF-8 sequence at s (n > 0 bytes left), 0 when it is
 * not valid UTF-8 (overlong forms, surrogates, above U+10FFFF).  Reports
 * use it to escape strings that came from a trace.
 */
size_t ot_utf8_len(const unsigned char *s, size_t n);
/*
 * UTF-16 to UTF-8, inline: tracefmt text in UTF-16 goes through them a
 * character at a time.  ot_utf16_unit: the code unit at p (2 bytes; be:
 * big-endian).  ot_utf16_next: the character at p (n >= 2 bytes left), a
 * surrogate pair joined, a lone surrogate U+FFFD; *used the bytes it took
 * (2 or 4).  ot_utf8_put: c as UTF-8 at o (room for 4 bytes); the bytes
 * written.
 */
static inline uint32_t
ot_utf16_unit(const uint8_t *p, int be)
{
	return be ? (uint32_t)p[0] << 8 | p[1] : (uint32_t)p[1] << 8 | p[0];
}

static inline uint32_t
ot_utf16_next(const uint8_t *p, size_t n, int be, size_t *used)
{
	uint32_t c = ot_utf16_unit(p, be), d;

	*used = 2;
	if (c < 0xD800 || c >= 0xE000)
		return c;
	/* a high surrogate and a low one make one character (RFC 2781 2.2) */
	if (c < 0xDC00 && n >= 4 && (d = ot_utf16_unit(p + 2, be)) >= 0xDC00 && d < 0xE000) {
		*used = 4;
		return 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
	}
	return 0xFFFD;
}

static inline size_t
ot_utf8_put(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3F));
	o[2] = (char)(0x80 | (c >> 6 & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}


/* Name of an NDIS status code ("NDIS_STATUS_SUCCESS"), or NULL. */
const char *ot_status_name(uint32_t code);

/*
 * String interning: equal strings give the same pointer, valid until
 * ot_strtab_free().  Used for adapter names so the engine compares pointers.
 */
struct ot_strtab;
struct ot_strtab *ot_strtab_new(void);
const char *ot_intern(struct ot_strtab *t, const char *s, size_t len);
void ot_strtab_free(struct ot_strtab *t);

/* SHA-256 (FIPS 180-4). */
struct ot_sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t nbuf;
};
void ot_sha256_init(struct ot_sha256 *c);
void ot_sha256_update(struct ot_sha256 *c, const void *p, size_t n);
void ot_sha256_final(struct ot_sha256 *c, char hex[65]);

/*
 * Remove the PATH.PID.new and PATH.PID.new-journal files beside path whose
 * process no longer runs: a file offtrace was building under that name
 * when it was killed (src/util/stale.c).  The number removed.
 */
int ot_remove_stale_new(const char *path);

/* Nearest-rank percentile index: the 0-based rank in a sorted array of n
 * values for percentile p (0 < p <= 100): ceil(p/100 * n) - 1, computed
 * exactly for p given in thousandths (p999 = 99900). */
size_t ot_nearest_rank(size_t n, uint32_t p_milli);

#endif
