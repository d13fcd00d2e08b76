/*
 * pcapng.c - a small pcapng block walker (FORMATS.md section 4.2; the
 * pcapng draft, draft-ietf-opsawg-pcapng): section header blocks in both
 * byte orders, interface description blocks (if_tsresol, if_tsoffset),
 * enhanced, simple and obsolete packet blocks, and their options (comment,
 * epb_flags direction, epb_processid_threadid as etl2pcapng writes it,
 * FORMATS.md section 4.1).  Other blocks are skipped.  It reads one block
 * at a time, so memory is bounded by OT_PCAPNG_MAX_BLOCK and the number of
 * interfaces, and it keeps interfaces of different link types and snaplens
 * apart, which libpcap 1.10 refuses.
 */
#include "offtrace/pcap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"

#define BT_SHB		0x0a0d0d0au
#define BT_IDB		1u
#define BT_PB		2u	/* obsolete packet block */
#define BT_SPB		3u
#define BT_EPB		6u
#define BOM		0x1a2b3c4du

#define OPT_END		0
#define OPT_COMMENT	1
#define OPT_FLAGS	2	/* epb_flags, pack_flags */
#define OPT_PIDTID	8	/* epb_processid_threadid */
#define OPT_TSRESOL	9
#define OPT_TSOFFSET	14

struct iface {
	uint32_t linktype, snaplen;
	uint8_t tsresol;	/* as stored: bit 7 binary, else decimal */
	int64_t tsoffset;	/* seconds */
};

struct ot_pcapng {
	FILE *f;
	char *name;
	uint64_t off;		/* of the next block */
	int big;		/* section is big-endian */
	int have_shb;
	struct iface *ifs;
	size_t nifs, capifs;
	uint8_t *buf;
	size_t cap;
	char comment[OT_PCAP_MAX_COMMENT + 1];
	uint64_t number;
};

static uint16_t
rd16(const struct ot_pcapng *w, const uint8_t *p)
{
	return w->big ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
rd32(const struct ot_pcapng *w, const uint8_t *p)
{
	if (w->big)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t
rd64(const struct ot_pcapng *w, const uint8_t *p)
{
	if (w->big)
		return (uint64_t)rd32(w, p) << 32 | rd32(w, p + 4);
	return (uint64_t)rd32(w, p) | (uint64_t)rd32(w, p + 4) << 32;
}

struct ot_pcapng *
ot_pcapng_new(FILE *f, const char *name)
{
	struct ot_pcapng *w = xcalloc(1, sizeof(*w));

	w->f = f;
	w->name = xstrdup(name ? name : "-");
	return w;
}

void
ot_pcapng_free(struct ot_pcapng *w)
{
	if (w == NULL)
		return;
	free(w->ifs);
	free(w->buf);
	free(w->name);
	free(w);
}

static int
fail(struct ot_pcapng *w, struct ot_err *err, uint64_t off, const char *phase,
     const char *msg, unsigned long long v)
{
	ot_errorf_at(err, OT_EINPUT, w->name, 0, msg, v);
	err->offset = off;
	err->phase = phase;
	return -1;
}

/* Read exactly n bytes; 0 ok, -1 short (count in *got). */
static int
rd_exact(struct ot_pcapng *w, uint8_t *p, size_t n, size_t *got)
{
	*got = fread(p, 1, n, w->f);
	return *got == n ? 0 : -1;
}

/*
 * ns since 1970 from a timestamp in the interface's units, with the
 * interface's if_tsoffset: 0, or -1 when that is not a time of 64-bit
 * nanoseconds (1678 to 2262): a high word of 0x80000000 wrapped into 1677
 * and overflowed the flow tracker's ages.
 */
static int
ts_ns(const struct iface *ifc, uint64_t t, int64_t *out)
{
	int64_t s;
	uint64_t sec, frac, ns, units, k;
	unsigned e, i;

	if (ifc->tsresol & 0x80) {
		e = ifc->tsresol & 0x7f;
		sec = t >> e;
		frac = t & ((UINT64_C(1) << e) - 1);
		if (e > 34)
			ns = ((frac >> (e - 34)) * UINT64_C(1000000000)) >> 34;
		else
			ns = (frac * UINT64_C(1000000000)) >> e;
	} else {
		e = ifc->tsresol;
		for (units = 1, i = 0; i < e; i++)
			units *= 10;
		sec = t / units;
		frac = t % units;
		if (e <= 9) {
			for (k = 1, i = e; i < 9; i++)
				k *= 10;
			ns = frac * k;
		} else {
			for (k = 1, i = 9; i < e; i++)
				k *= 10;
			ns = frac / k;
		}
	}
	if (sec > (uint64_t)INT64_MAX || ot_time_add((int64_t)sec, ifc->tsoffset, &s) < 0 ||
	    ot_time_mul(s, 1000000000, &s) < 0 || ot_time_add(s, (int64_t)ns, &s) < 0)
		return -1;
	*out = s;
	return 0;
}

/*
 * Walk the options at opt[0..n).  For packets (pkt != NULL): comment,
 * flags, PID/TID; for interfaces (ifc != NULL): if_tsresol, if_tsoffset.
 */
static int
walk_options(struct ot_pcapng *w, const uint8_t *opt, size_t n, uint64_t off,
	     struct ot_packet *pkt, struct iface *ifc, struct ot_err *err)
{
	size_t i = 0, pad;
	uint16_t code, len;
	uint32_t fl;

	while (n - i >= 4) {
		code = rd16(w, opt + i);
		len = rd16(w, opt + i + 2);
		i += 4;
		if (code == OPT_END)
			return 0;
		pad = ((size_t)len + 3) & ~(size_t)3;
		if (pad > n - i)
			return fail(w, err, off + i - 4, "options",
				    "option length %llu runs past the block", len);
		if (pkt != NULL && code == OPT_COMMENT && pkt->comment == NULL) {
			size_t m = len < OT_PCAP_MAX_COMMENT ? len : OT_PCAP_MAX_COMMENT;

			memcpy(w->comment, opt + i, m);
			w->comment[m] = '\0';
			pkt->comment = w->comment;
		} else if (pkt != NULL && code == OPT_FLAGS && len >= 4) {
			fl = rd32(w, opt + i);
			pkt->has_flags = 1;
			pkt->flags = fl;
			pkt->dir = (fl & 3) == 1 ? OT_DIR_IN : (fl & 3) == 2 ? OT_DIR_OUT :
				   OT_DIR_UNKNOWN;
		} else if (pkt != NULL && code == OPT_PIDTID && len >= 8) {
			pkt->has_pidtid = 1;
			pkt->pid = rd32(w, opt + i);
			pkt->tid = rd32(w, opt + i + 4);
		} else if (ifc != NULL && code == OPT_TSRESOL && len >= 1) {
			ifc->tsresol = opt[i];
			if ((ifc->tsresol & 0x80) ? (ifc->tsresol & 0x7f) > 63 : ifc->tsresol > 19)
				return fail(w, err, off + i - 4, "idb",
					    "if_tsresol %llu is too large", ifc->tsresol);
		} else if (ifc != NULL && code == OPT_TSOFFSET && len >= 8) {
			ifc->tsoffset = (int64_t)rd64(w, opt + i);
		}
		i += pad;
	}
	return 0;
}

static int
grow(struct ot_pcapng *w, size_t n)
{
	if (n > w->cap) {
		size_t c = w->cap ? w->cap : 4096;

		while (c < n)
			c *= 2;
		w->buf = xrealloc(w->buf, c);
		w->cap = c;
	}
	return 0;
}

static int
packet(struct ot_pcapng *w, uint32_t type, const uint8_t *b, size_t n, uint64_t off,
       struct ot_packet *pkt, struct ot_err *err)
{
	uint32_t ifid, caplen, len, room;
	const struct iface *ifc;
	size_t hdr, pad;
	uint64_t t;
	const char *ph = type == BT_EPB ? "epb" : type == BT_SPB ? "spb" : "pb";

	memset(pkt, 0, sizeof(*pkt));
	pkt->offset = off;
	if (type == BT_SPB) {
		if (n < 4)
			return fail(w, err, off, ph, "block too short (%llu bytes)", n + 12);
		if (w->nifs == 0)
			return fail(w, err, off, ph, "simple packet block before any interface (%llu)", 0);
		ifc = &w->ifs[0];
		len = rd32(w, b);
		room = (uint32_t)(n - 4);
		caplen = len;
		if (ifc->snaplen != 0 && caplen > ifc->snaplen)
			caplen = ifc->snaplen;
		if (caplen > room)
			caplen = room;
		pkt->data = b + 4;
		pkt->caplen = caplen;
		pkt->len = len;
		pkt->linktype = ifc->linktype;
		pkt->ts = 0;
		w->number++;
		pkt->number = w->number;
		return 1;
	}
	hdr = 20;
	if (n < hdr)
		return fail(w, err, off, ph, "block too short (%llu bytes)", n + 12);
	if (type == BT_EPB)
		ifid = rd32(w, b);
	else
		ifid = rd16(w, b);
	if (ifid >= w->nifs)
		return fail(w, err, off, ph, "packet on undeclared interface %llu", ifid);
	ifc = &w->ifs[ifid];
	t = (uint64_t)rd32(w, b + 4) << 32 | rd32(w, b + 8);
	caplen = rd32(w, b + 12);
	len = rd32(w, b + 16);
	pad = ((size_t)caplen + 3) & ~(size_t)3;
	if (caplen > n - hdr || pad > n - hdr)
		return fail(w, err, off, ph, "captured length %llu runs past the block", caplen);
	if (ifc->snaplen != 0 && caplen > ifc->snaplen)
		return fail(w, err, off, ph, "captured length %llu is over the interface's snaplen",
			    caplen);
	pkt->iface = ifid;
	pkt->linktype = ifc->linktype;
	if (ts_ns(ifc, t, &pkt->ts) < 0)
		return fail(w, err, off + 12, ph, "timestamp 0x%016llx is out of range (not"
			    " a time from 1678 to 2262 in 64-bit nanoseconds)", t);
	pkt->caplen = caplen;
	pkt->len = len;
	pkt->data = b + hdr;
	if (walk_options(w, b + hdr + pad, n - hdr - pad, off + 8 + hdr + pad, pkt, NULL,
			 err) < 0)
		return -1;
	w->number++;
	pkt->number = w->number;
	return 1;
}

int
ot_pcapng_next(struct ot_pcapng *w, struct ot_packet *pkt, struct ot_err *err)
{
	uint8_t h[12];
	uint32_t type, blen, tail;
	size_t got, n;
	uint64_t off;
	struct iface ifc;
	int r;

	for (;;) {
		off = w->off;
		if (rd_exact(w, h, 8, &got) < 0) {
			if (got == 0 && !ferror(w->f) && w->have_shb)
				return 0;
			if (ferror(w->f))
				return fail(w, err, off, "read", "read error (%llu)", (unsigned long long)errno);
			if (got == 0)
				return fail(w, err, off, "shb", "empty file: no section header block%.0llu", 0);
			return fail(w, err, off, "block", "truncated block header (%llu bytes)", got);
		}
		type = ot_le32(h);	/* SHB's type reads the same in both orders */
		if (type == BT_SHB) {
			if (rd_exact(w, h + 8, 4, &got) < 0)
				return fail(w, err, off, "shb", "truncated section header (%llu bytes)",
					    8 + got);
			if (ot_le32(h + 8) == BOM)
				w->big = 0;
			else if (ot_le32(h + 8) == 0x4d3c2b1au)
				w->big = 1;
			else
				return fail(w, err, off + 8, "shb", "bad byte-order magic 0x%08llx",
					    ot_le32(h + 8));
			w->have_shb = 1;
			w->nifs = 0;
		} else if (!w->have_shb) {
			return fail(w, err, off, "shb", "not a pcapng file: block type 0x%08llx first",
				    type);
		} else {
			type = rd32(w, h);
		}
		blen = rd32(w, h + 4);
		if (blen < 12 || (blen & 3) != 0 || (type == BT_SHB && blen < 28))
			return fail(w, err, off + 4, "block", "bad block length %llu", blen);
		if (blen > OT_PCAPNG_MAX_BLOCK)
			return fail(w, err, off + 4, "block", "block length %llu is over the limit",
				    blen);
		/* the rest of the block: body and trailing length */
		n = blen - 8;
		grow(w, n);
		if (type == BT_SHB) {
			memcpy(w->buf, h + 8, 4);
			r = rd_exact(w, w->buf + 4, n - 4, &got);
			got += 4;
		} else {
			r = rd_exact(w, w->buf, n, &got);
		}
		if (r < 0)
			return fail(w, err, off, "block",
				    "truncated block: %llu bytes, file ends before them", blen);
		tail = rd32(w, w->buf + n - 4);
		if (tail != blen)
			return fail(w, err, off + blen - 4, "block",
				    "trailing block length %llu differs from the leading one", tail);
		w->off += blen;
		n -= 4;		/* body */
		switch (type) {
		case BT_SHB:
			if (rd16(w, w->buf + 4) != 1)
				return fail(w, err, off + 12, "shb", "unsupported major version %llu",
					    rd16(w, w->buf + 4));
			break;
		case BT_IDB:
			if (n < 8)
				return fail(w, err, off, "idb", "block too short (%llu bytes)", n + 12);
			if (w->nifs >= OT_PCAPNG_MAX_IFACES)
				return fail(w, err, off, "idb", "more than %llu interfaces",
					    OT_PCAPNG_MAX_IFACES);
			memset(&ifc, 0, sizeof(ifc));
			ifc.linktype = rd16(w, w->buf);
			ifc.snaplen = rd32(w, w->buf + 4);
			ifc.tsresol = 6;
			if (walk_options(w, w->buf + 8, n - 8, off + 16, NULL, &ifc, err) < 0)
				return -1;
			if (w->nifs == w->capifs) {
				w->capifs = w->capifs ? w->capifs * 2 : 4;
				w->ifs = xrealloc(w->ifs, st_mult(w->capifs, sizeof(*w->ifs)));
			}
			w->ifs[w->nifs++] = ifc;
			break;
		case BT_EPB:
		case BT_SPB:
		case BT_PB:
			return packet(w, type, w->buf, n, off, pkt, err);
		default:
			break;
		}
	}
}
