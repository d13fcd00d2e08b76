/*
 * xca.h - MS-XCA "plain LZ77" decompression (XPRESS without Huffman), the
 * format of compressed .etl buffers (FORMATS.md §1.3; [MS-XCA] §2.3, §2.4).
 *
 * Limits: a match reaches at most 8192 bytes back (13 bits, [MS-XCA]
 * §2.4.4) and is at most 2^32 + 2 bytes long; outcap is a hard limit on
 * the output.
 * Nothing is allocated; the function is reentrant.  Bytes of out past
 * *outlen (but before outcap) may be overwritten with scratch data.
 */
#ifndef OT_XCA_H
#define OT_XCA_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decompress MS-XCA plain LZ77 (COMPRESSION_FORMAT_XPRESS, 3) from in[0..inlen)
 * into out[0..outcap).  Returns 0 and the number of bytes produced in *outlen,
 * or -1 with *why set to a static string ("truncated input", "match before
 * start of output", "output overflow", ...) and *outlen = bytes produced so far.
 * Never reads or writes out of bounds, whatever the input.
 */
int ot_xca_lz77(const uint8_t *in, size_t inlen, uint8_t *out, size_t outcap,
		size_t *outlen, const char **why);

#endif /* OT_XCA_H */
