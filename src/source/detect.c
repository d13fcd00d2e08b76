/*
 * detect.c - the detector: one table of probes on a content's first
 * bytes (at most 4096), the first that says yes naming its kind.
 *
 * Whether a source reads the kind is a flag here; which source reads it
 * is source.c's table, above the sources, so that this file, which
 * input.c asks of each archive member, calls no source.
 */
#include "source_int.h"

#include <string.h>

#include "offtrace/wpptext.h"

/*
 * The probes, on the first bytes of a file (at most 4096).  The magic
 * numbers of pcap (both byte orders, us and ns) and of the pcapng section
 * header block: FORMATS.md section 4.
 */
static uint32_t
le32_at(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static int
probe_pcap(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	uint32_t m = n >= 4 ? le32_at(b) : 0;

	return m == 0xa1b2c3d4u || m == 0xd4c3b2a1u || m == 0xa1b23c4du || m == 0x4d3cb2a1u;
}

static int
probe_pcapng(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	return n >= 4 && le32_at(b) == 0x0a0d0d0au;
}

/* ETL: the first buffer's header and log-file header event (FORMATS.md 1.7) */
static int
probe_etl(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	return ot_etl_probe(b, n);
}

/* tracefmt text (FORMATS.md 2.3): before the binary test, since a message
 * may hold any byte */
static int
probe_wpptext(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	return ot_wpptext_probe(b, n);
}

/* past a UTF-8 byte-order mark and white space */
static size_t
skip_space(const uint8_t *b, size_t n)
{
	size_t i = n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf ? 3 : 0;

	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
		i++;
	return i;
}

static int
skip_space_all(const uint8_t *b, size_t n)
{
	return skip_space(b, n) == n;
}

static int
probe_empty(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	return skip_space_all(b, n);
}

/*
 * UTF-16 text (tracefmt and "pktmon format" write UTF-16LE with a
 * byte-order mark): its first bytes as UTF-8 in u, for the probes of text
 * below; 0 when it is no UTF-16 text.  Before the ETL probe, so that such
 * text is never taken for an .etl.
 */
static size_t
utf16_head(const uint8_t *b, size_t n, char u[OT_WPPTEXT_UTF8_MAX(4096)])
{
	int enc = ot_wpptext_encoding(b, n);

	if (enc == OT_WPPTEXT_UTF8 || n > 4096)
		return 0;
	return ot_wpptext_utf16_to_utf8(b, n, enc, u);
}

/* UTF-16 tracefmt text: by its first line, as probe_wpptext */
static int
probe_utf16_wpptext(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	char u[OT_WPPTEXT_UTF8_MAX(4096)];
	size_t k = utf16_head(b, n, u);

	return k > 0 && ot_wpptext_probe((const uint8_t *)u, k);
}

/* UTF-16 white space only (a byte-order mark alone, say), as probe_empty */
static int
probe_utf16_empty(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	char u[OT_WPPTEXT_UTF8_MAX(4096)];
	size_t k = utf16_head(b, n, u);

	return k > 0 && skip_space_all((const uint8_t *)u, k);
}

/* other UTF-16 text with --prefix, as probe_prefixed */
static int
probe_utf16_prefixed(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	char u[OT_WPPTEXT_UTF8_MAX(4096)];

	return c != NULL && c->o.prefix != NULL && utf16_head(b, n, u) > 0;
}

/* other UTF-16 text: no source reads it, but it is text */
static int
probe_utf16(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	char u[OT_WPPTEXT_UTF8_MAX(4096)];

	return utf16_head(b, n, u) > 0;
}

/* JSON lines; binary bytes further on are the reader's to report, with
 * their line */
static int
probe_jsonl(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	size_t i = skip_space(b, n);

	return i < n && b[i] == '{';
}

/* any other text or bytes, read as tracefmt text written with --prefix */
static int
probe_prefixed(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	return c != NULL && c->o.prefix != NULL;
}

static int
probe_binary(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	size_t k;

	for (k = skip_space(b, n); k < n; k++)
		if (b[k] == 0 || (b[k] < 0x20 && b[k] != '\t' && b[k] != '\n' && b[k] != '\r'))
			return 1;
	return 0;
}

static int
probe_any(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	return 1;
}

/*
 * The table: the first probe that says yes names the kind; readable when
 * a source reads it (source.c's kinds[] names the source).  A new input
 * kind is a line here, a line in kinds[], and one file in src/source/.
 */
static const struct detector {
	const char *name;
	int (*probe)(const struct ot_source_ctx *c, const uint8_t *b, size_t n);
	int readable;
} detectors[] = {
	{ "pcap", probe_pcap, 1 },
	{ "pcapng", probe_pcapng, 1 },
	{ "wpptext", probe_utf16_wpptext, 1 },
	{ "empty", probe_utf16_empty, 0 },
	{ "wpptext", probe_utf16_prefixed, 1 },
	{ "text", probe_utf16, 0 },
	{ "etl", probe_etl, 1 },
	{ "wpptext", probe_wpptext, 1 },
	{ "empty", probe_empty, 0 },
	{ "jsonl", probe_jsonl, 1 },
	{ "wpptext", probe_prefixed, 1 },
	{ "binary", probe_binary, 0 },
	{ "text", probe_any, 0 },
};

#define NDETECTORS (sizeof(detectors) / sizeof(detectors[0]))

const char *
src_detect_bytes(const struct ot_source_ctx *c, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < NDETECTORS - 1; i++)
		if (detectors[i].probe(c, b, n))
			break;
	return detectors[i].name;
}

int
ot_source_readable(const char *kind)
{
	size_t i;

	for (i = 0; i < NDETECTORS; i++)
		if (strcmp(detectors[i].name, kind) == 0 && detectors[i].readable)
			return 1;
	return 0;
}
