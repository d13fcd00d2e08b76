/*
 * pcap.c - capture files behind one packet API (include/offtrace/pcap.h):
 * classic pcap through libpcap (pcap_open_offline_with_tstamp_precision,
 * nanoseconds; FORMATS.md section 4.2), pcapng through our block walker
 * (src/read/pcapng.c), which keeps interfaces, comments, direction flags
 * and PID/TID that libpcap hides, and reads files libpcap 1.10 refuses.
 */
#include "offtrace/pcap.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "offtrace/bytes.h"

#define PCAP_STDIO_BUF	(256u << 10)	/* bytes of the stream buffer */

struct ot_pcap {
	char *path;
	FILE *f;		/* pcapng */
	char *vbuf;		/* the stream's buffer, freed after it closes */
	struct ot_pcapng *w;
	pcap_t *pc;		/* classic pcap */
	uint32_t linktype, snaplen;
	int swapped;
	uint64_t number;
	uint64_t next_off;	/* classic pcap: where the next record starts */
};

static int
perr(struct ot_err *err, const char *path, uint64_t off, const char *phase, const char *msg)
{
	ot_errorf_at(err, OT_EINPUT, path, 0, "%s", msg);
	err->offset = off;
	err->phase = phase;
	return -1;
}

/* DLT_* values of pcap_datalink() to LINKTYPE_* where they differ */
static uint32_t
dlt_to_linktype(int dlt)
{
	switch (dlt) {
	case 12:	/* DLT_RAW */
	case 14:	/* DLT_RAW on OpenBSD */
		return OT_LINK_RAW;
	default:
		return (uint32_t)dlt;
	}
}

struct ot_pcap *
ot_pcap_open(const char *path, struct ot_err *err)
{
	uint8_t m[4];
	FILE *f;
	uint32_t magic;

	f = fopen(path, "rb");
	if (f == NULL) {
		perr(err, path, 0, "open", strerror(errno));
		return NULL;
	}
	if (fread(m, 1, 4, f) != 4) {
		fclose(f);
		perr(err, path, 0, "header", "not a capture file: shorter than a header");
		return NULL;
	}
	magic = ot_le32(m);
	if (magic != 0x0a0d0d0au && magic != 0xa1b2c3d4u && magic != 0xd4c3b2a1u &&
	    magic != 0xa1b23c4du && magic != 0x4d3cb2a1u) {
		fclose(f);
		perr(err, path, 0, "header", "not a pcap or pcapng file (bad magic)");
		return NULL;
	}
	rewind(f);
	return ot_pcap_fopen(f, path, magic == 0x0a0d0d0au, err);
}

struct ot_pcap *
ot_pcap_fopen(FILE *f, const char *name, int pcapng, struct ot_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct ot_pcap *p;
	char *vbuf;

	/* records are read a few dozen bytes at a time through the stream
	 * (libpcap's two fread()s per record, the pcapng walker's blocks):
	 * with stdio's default buffer of a page that is a read(2) per 4 KiB,
	 * a sixth of a flows pass over a large capture */
	vbuf = xmalloc(PCAP_STDIO_BUF);	/* glibc ignores the size without one */
	setvbuf(f, vbuf, _IOFBF, PCAP_STDIO_BUF);
	/* one thread reads a capture: stdio need not lock the stream for
	 * each of those fread()s */
	__fsetlocking(f, FSETLOCKING_BYCALLER);
	p = xcalloc(1, sizeof(*p));
	p->path = xstrdup(name);
	p->vbuf = vbuf;
	if (pcapng) {
		p->f = f;
		p->w = ot_pcapng_new(f, name);
		return p;
	}
	ebuf[0] = '\0';
	p->pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (p->pc == NULL) {
		fclose(f);	/* libpcap closes it only once it took it */
		perr(err, name, 0, "header", ebuf);
		ot_pcap_close(p);
		return NULL;
	}
	p->linktype = dlt_to_linktype(pcap_datalink(p->pc));
	p->snaplen = (uint32_t)pcap_snapshot(p->pc);
	p->swapped = pcap_is_swapped(p->pc);
	p->next_off = 24;	/* the file header (FORMATS.md section 4.2) */
	return p;
}

const char *
ot_pcap_format(const struct ot_pcap *p)
{
	return p->w ? "pcapng" : "pcap";
}

/* libpcap cuts a record whose caplen is over the file's snaplen down to
 * the snaplen; we call it damage, so look at the record header itself */
static int
raw_caplen(struct ot_pcap *p, uint64_t off, uint32_t *caplen)
{
	uint8_t h[16];
	FILE *f = pcap_file(p->pc);

	/* a stream that is no file (an archive's entry, a pipe) cannot be
	 * looked at again: libpcap's cut record is then taken as it is */
	if (f == NULL || fileno(f) < 0 || pread(fileno(f), h, 16, (off_t)off) != 16)
		return -1;
	*caplen = ot_le32(h + 8);
	if (p->swapped)
		*caplen = (*caplen >> 24) | ((*caplen >> 8) & 0xff00) |
			  ((*caplen << 8) & 0xff0000) | (*caplen << 24);
	return 0;
}

int
ot_pcap_next(struct ot_pcap *p, struct ot_packet *pkt, struct ot_err *err)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t off;
	uint32_t raw = 0;
	int r;
	char msg[300];

	if (p->w)
		return ot_pcapng_next(p->w, pkt, err);
	/* the record's offset is counted, not asked of stdio: ftello() per
	 * packet was a tenth of the time of a flows pass */
	off = p->next_off;
	r = pcap_next_ex(p->pc, &h, &data);
	if (r == PCAP_ERROR_BREAK)
		return 0;
	if (r != 1) {
		snprintf(msg, sizeof(msg), "packet %llu: %s", (unsigned long long)p->number + 1,
			 pcap_geterr(p->pc));
		return perr(err, p->path, off, "record", msg);
	}
	if (p->snaplen != 0 && h->caplen >= p->snaplen &&
	    raw_caplen(p, off, &raw) == 0 && raw > p->snaplen) {
		snprintf(msg, sizeof(msg), "packet %llu: captured length %u is over the snaplen %u",
			 (unsigned long long)p->number + 1, raw, p->snaplen);
		return perr(err, p->path, off, "record", msg);
	}
	p->next_off = off + 16 + (raw > h->caplen ? raw : h->caplen);
	memset(pkt, 0, sizeof(*pkt));
	pkt->ts = (int64_t)h->ts.tv_sec * 1000000000 + (int64_t)h->ts.tv_usec;
	pkt->linktype = p->linktype;
	pkt->caplen = h->caplen;
	pkt->len = h->len;
	pkt->data = data;
	pkt->offset = off;
	pkt->number = ++p->number;
	return 1;
}

void
ot_pcap_close(struct ot_pcap *p)
{
	if (p == NULL)
		return;
	if (p->pc)
		pcap_close(p->pc);
	ot_pcapng_free(p->w);
	if (p->f)
		fclose(p->f);
	free(p->vbuf);
	free(p->path);
	free(p);
}
