/*
 * xca.c - MS-XCA "plain LZ77" decompression (COMPRESSION_FORMAT_XPRESS, 3),
 * the codec of compressed .etl buffers (FORMATS.md §1.3).
 *
 * Written from the description in [MS-XCA] §2.4 "Plain LZ77 Decompression
 * Algorithm Details" (and the matching compressor, §2.3).  The stream is a
 * sequence of groups, each a 32-bit flag word followed by up to 32 items:
 *
 *   +--------------------+------+------+-- ... --+
 *   | flags (u32le)      | item | item |         |   bit 31 describes the
 *   +--------------------+------+------+-- ... --+   first item, bit 0 the
 *                                                     32nd
 *   flag 0: one literal byte
 *   flag 1: u16le  15..........3  2..0
 *                  distance - 1   length - 3 (7 = longer, see below)
 *
 *   length code 7: a half-byte; the first such match of a pair claims a
 *     new input byte and uses its low nibble, the next one uses the high
 *     nibble of that same byte.  15 = longer still: a byte; 255 = longer
 *     still: u16le = length - 3; 0 there = longer still: u32le = length - 3.
 *
 * The end of the stream is a 1 flag met when the input is used up
 * (§2.4.4); the compressor pads the last flag word with ones (§2.3.4).
 * Limits: distance <= 8192, length <= 2^32 + 2, and outcap bounds the
 * output.  Every read and write is checked against inlen and outcap.
 */
#include "offtrace/xca.h"

#include <string.h>

#define XCA_MIN_MATCH	3	/* length code 0 means 3 bytes (§2.4.4) */
#define XCA_NIBBLE_MAX	15	/* half-byte escape (§2.4.4) */
#define XCA_BYTE_MAX	255	/* one-byte escape (§2.4.4) */

#if defined(__GNUC__) || defined(__clang__)
#define xca_clz32(x)	((unsigned)__builtin_clz(x))
#else
static unsigned
xca_clz32(uint32_t x)
{
	unsigned n = 0;

	while (!(x & UINT32_C(0x80000000))) {
		x <<= 1;
		n++;
	}
	return n;
}
#endif

static uint32_t
get_le16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t
get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/*
 * Number of consecutive 0 (literal) flags from bit nflags-1 downwards, of
 * the nflags (1..32) flags still unused in this word.
 */
static unsigned
literal_run(uint32_t flags, unsigned nflags)
{
	uint32_t rest;

	rest = nflags == 32 ? flags : flags & ((UINT32_C(1) << nflags) - 1);
	if (rest == 0)
		return nflags;
	return nflags - 1 - (31 - xca_clz32(rest));
}

/*
 * Copy n bytes of a match from dist bytes back; room (>= n) is the space
 * left in the output from dst.  When the match overlaps
 * its own output (dist < n) the result must be that of the byte-by-byte
 * copy of §2.4.4, so copy whole periods: the source always starts at the
 * same byte and each pass doubles the span already known to repeat.
 */
static void
copy_match(uint8_t *dst, size_t dist, size_t n, size_t room)
{
	size_t c;

	/*
	 * Short matches, the common case: a fixed-size copy the compiler
	 * inlines.  It may write up to 16 bytes, past n but within room
	 * (out[op..outcap)); those bytes are overwritten by later output.
	 */
	if (n <= 16 && dist >= 16 && room >= 16) {
		memcpy(dst, dst - dist, 16);
		return;
	}
	if (dist >= n) {
		memcpy(dst, dst - dist, n);
		return;
	}
	if (dist == 1) {
		memset(dst, dst[-1], n);
		return;
	}
	while (n > 0) {
		c = dist < n ? dist : n;
		memcpy(dst, dst - dist, c);
		dst += c;
		n -= c;
		dist += c;
	}
}

int
ot_xca_lz77(const uint8_t *in, size_t inlen, uint8_t *out, size_t outcap,
		size_t *outlen, const char **why)
{
	size_t ip = 0, op = 0, nib = 0, dist, n, room;
	int have_nib = 0;
	uint32_t flags = 0, mb;
	unsigned nflags = 0, run;
	uint64_t len;
	const char *err;

	for (;;) {
		/* §2.4.4: a new flag word once the 32 flags are used */
		if (nflags == 0) {
			if (inlen - ip < 4) {
				err = "truncated input";
				goto fail;
			}
			flags = get_le32(in + ip);
			ip += 4;
			nflags = 32;
		}

		/* Literals: copy the whole run of 0 flags at once. */
		run = literal_run(flags, nflags);
		if (run > 0) {
			n = run;
			if (n > inlen - ip)
				n = inlen - ip;
			if (n > outcap - op)
				n = outcap - op;
			if (n > 0)
				memcpy(out + op, in + ip, n);
			ip += n;
			op += n;
			if (n < run) {
				err = ip == inlen ? "truncated input" :
				    "output overflow";
				goto fail;
			}
			nflags -= run;
			if (nflags == 0)
				continue;
		}

		/* A 1 flag: the end of the stream when no input is left. */
		nflags--;
		if (ip == inlen)
			break;
		if (inlen - ip < 2) {
			err = "truncated input";
			goto fail;
		}
		mb = get_le16(in + ip);
		ip += 2;
		dist = (size_t)(mb >> 3) + 1;
		len = mb & 7;

		/* §2.4.4: the length escapes 7, 15, 255, 0. */
		if (len == 7) {
			if (!have_nib) {
				if (ip == inlen) {
					err = "truncated input";
					goto fail;
				}
				nib = ip++;
				have_nib = 1;
				len = in[nib] & 0x0f;
			} else {
				len = in[nib] >> 4;
				have_nib = 0;
			}
			if (len == XCA_NIBBLE_MAX) {
				if (ip == inlen) {
					err = "truncated input";
					goto fail;
				}
				len = in[ip++];
				if (len == XCA_BYTE_MAX) {
					if (inlen - ip < 2) {
						err = "truncated input";
						goto fail;
					}
					len = get_le16(in + ip);
					ip += 2;
					if (len == 0) {
						if (inlen - ip < 4) {
							err = "truncated input";
							goto fail;
						}
						len = get_le32(in + ip);
						ip += 4;
					}
					/* the u16/u32 holds length - 3 itself */
					if (len < XCA_NIBBLE_MAX + 7) {
						err = "invalid match length";
						goto fail;
					}
					len -= XCA_NIBBLE_MAX + 7;
				}
				len += XCA_NIBBLE_MAX;
			}
			len += 7;
		}
		len += XCA_MIN_MATCH;

		if (dist > op) {
			err = "match before start of output";
			goto fail;
		}
		room = outcap - op;
		n = len > room ? room : (size_t)len;
		if (n > 0)
			copy_match(out + op, dist, n, room);
		op += n;
		if (n < len) {
			err = "output overflow";
			goto fail;
		}
	}

	*outlen = op;
	return 0;

fail:
	*outlen = op;
	*why = err;
	return -1;
}
