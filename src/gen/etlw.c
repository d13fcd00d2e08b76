/*
 * etlw.c - write normalized events as a real .etl file (FORMATS.md
 * section 1): a HEADER buffer holding the SYSTEM_TRACE_HEADER hook-0 event
 * and the 64-bit TRACE_LOGFILE_HEADER, then per-processor buffers of
 * EVENT_HEADER64 records of the chimney provider, written as they fill (so
 * the processors' buffers interleave out of time order in the file, as in
 * real traces), with a QPC clock at opts.perf_freq.
 *
 *   WMI_BUFFER_HEADER (0x48)    FORMATS.md 1.2
 *   +0 BufferSize +4 SavedOffset +8 CurrentOffset +0xC RefCount
 *   +0x10 TimeStamp +0x18 SequenceNumber +0x20 ClockType/Frequency
 *   +0x28 ProcessorIndex u16 +0x2A LoggerId u16 +0x2C State
 *   +0x30 Offset +0x34 BufferFlag u16 +0x36 BufferType u16 +0x38 16 bytes
 *
 * The Windows 7 layout (OT_ETLW_WIN7) differs in what a Windows 7 file
 * holds: the log-file header's Version is 6.1 (VersionDetail MajorVersion,
 * MinorVersion: "the operating system where the trace was collected",
 * learn.microsoft.com TRACE_LOGFILE_HEADER), ProviderVersion the build
 * 7601, and the buffers' ClientContext (ETW_BUFFER_CONTEXT) is
 * UCHAR ProcessorNumber, UCHAR Alignment ("always eight", learn.microsoft
 * .com ETW_BUFFER_CONTEXT) where Windows 8 and later have USHORT
 * ProcessorIndex (Geoff Chappell, WMI_CLIENT_CONTEXT: "Version 6.2 widens
 * the 8-bit ProcessorNumber to a 16-bit ProcessorIndex").  Its 0x20 field
 * is a list pointer, not ClockType/Frequency; this writer puts 0 there in
 * both layouts.  SubVersion and SubMinorVersion are documented as reserved
 * and are written as for 10.0.
 */
#include "offtrace/etlw.h"

#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/chimney.h"

#define BUF_HDR 0x48
#define EVH 0x50		/* EVENT_HEADER (FORMATS.md 1.5) */
#define SYSH 0x20		/* SYSTEM_TRACE_HEADER */
#define LOGH 0x118		/* TRACE_LOGFILE_HEADER, 64-bit layout (1.7) */
#define QPC_BASE 987654321000ULL	/* raw clock at the header event */
#define FILETIME_1970 116444736000000000LL	/* 100 ns units */

struct cpubuf {
	uint8_t *b;
	uint32_t fill;		/* bytes used, header included */
	uint64_t last_raw;
};

struct ot_etlw {
	FILE *out;
	struct ot_etlw_opts o;
	int64_t start_ns;
	struct cpubuf *cpu;
	uint8_t *hdr;		/* the header buffer, rewritten at close */
	uint32_t buffers;	/* written, header included */
	uint64_t seq;
	int64_t last_ts;
	uint32_t last_cpu;
	uint64_t nevents;
	int layout;		/* enum ot_etlw_layout */
};

static uint64_t
raw_of(const struct ot_etlw *w, int64_t ns)
{
	unsigned __int128 d = (unsigned __int128)(uint64_t)(ns - w->start_ns) * w->o.perf_freq;

	return QPC_BASE + (uint64_t)(d / 1000000000u);
}

static int64_t
filetime_of(int64_t ns)
{
	return ns / 100 + FILETIME_1970;
}

/* The buffer header; the rest of the buffer after fill is 0xFF (the marker). */
static void
buffer_header(uint8_t *b, uint32_t size, uint32_t fill, uint64_t ts, uint64_t seq,
	      uint16_t cpu, uint16_t type, int layout)
{
	memset(b, 0, BUF_HDR);
	memset(b + fill, 0xff, size - fill);
	ot_put_le32(b + 0x00, size);
	ot_put_le32(b + 0x04, fill);
	ot_put_le32(b + 0x08, fill);
	ot_put_le64(b + 0x10, ts);
	ot_put_le64(b + 0x18, seq);
	if (layout == OT_ETLW_WIN7) {
		b[0x28] = (uint8_t)cpu;		/* ProcessorNumber (ncpu <= 256) */
		b[0x29] = 8;			/* Alignment */
	} else {
		ot_put_le16(b + 0x28, cpu);	/* ProcessorIndex */
	}
	ot_put_le16(b + 0x2a, 1);		/* LoggerId */
	ot_put_le32(b + 0x2c, 3);		/* State: flush */
	ot_put_le32(b + 0x30, fill);
	ot_put_le16(b + 0x34, 0x0001);		/* FLUSH_MARKER */
	ot_put_le16(b + 0x36, type);
}

static int
write_buf(struct ot_etlw *w, const uint8_t *b, struct ot_err *err)
{
	if (fwrite(b, 1, w->o.buffer_size, w->out) != w->o.buffer_size)
		return ot_errorf(err, OT_EINTERNAL, "cannot write the .etl file");
	w->buffers++;
	return 0;
}

static int
flush_cpu(struct ot_etlw *w, uint32_t cpu, struct ot_err *err)
{
	struct cpubuf *c = &w->cpu[cpu];

	if (c->fill == BUF_HDR)
		return 0;
	buffer_header(c->b, w->o.buffer_size, c->fill, c->last_raw, ++w->seq,
		      (uint16_t)cpu, 0, w->layout);
	if (write_buf(w, c->b, err) < 0)
		return -1;
	c->fill = BUF_HDR;
	return 0;
}

/* UTF-16LE copy of an ASCII string with its NUL; returns bytes written. */
static size_t
put_wstr(uint8_t *p, const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i <= n; i++)
		ot_put_le16(p + 2 * i, (uint8_t)s[i]);
	return 2 * (n + 1);
}

/* Fill the header buffer: hook-0 SYSTEM_TRACE_HEADER64 + TRACE_LOGFILE_HEADER. */
static void
header_buffer(struct ot_etlw *w, int64_t end_ns)
{
	uint8_t *b = w->hdr, *r = b + BUF_HDR, *l = r + SYSH;
	uint32_t len;
	size_t names;

	memset(b, 0, w->o.buffer_size);
	/* LoggerName and LogFileName after the fixed part (1.7) */
	names = put_wstr(l + LOGH, "offtrace gen");
	names += put_wstr(l + LOGH + names, "offtrace-gen.etl");
	len = (uint32_t)(SYSH + LOGH + names);
	ot_put_le16(r + 0, 2);			/* Version */
	r[2] = 0x02;			/* SYSTEM64 */
	r[3] = 0xc0;
	ot_put_le16(r + 4, (uint16_t)len);
	ot_put_le16(r + 6, 0x0000);		/* HookId: EventTrace header */
	ot_put_le32(r + 8, 4);			/* ThreadId */
	ot_put_le32(r + 12, 4);			/* ProcessId: System */
	ot_put_le64(r + 16, QPC_BASE);		/* the sync point (1.9) */
	ot_put_le32(l + 0x00, w->o.buffer_size);
	if (w->layout == OT_ETLW_WIN7) {
		l[0x04] = 6;			/* Version 6.1 (Windows 7) */
		l[0x05] = 1;
	} else {
		l[0x04] = 10;			/* Version 10.0 */
		l[0x05] = 0;
	}
	l[0x06] = 1;			/* log layout 1.5 */
	l[0x07] = 5;
	/* ProviderVersion (OS build): Windows 7 SP1, Windows 10 2004 */
	ot_put_le32(l + 0x08, w->layout == OT_ETLW_WIN7 ? 7601 : 19041);
	ot_put_le32(l + 0x0c, w->o.ncpu);
	ot_put_le64(l + 0x10, (uint64_t)filetime_of(end_ns));
	ot_put_le32(l + 0x18, 156250);		/* TimerResolution */
	ot_put_le32(l + 0x20, 0x00000001);	/* LogFileMode: sequential */
	ot_put_le32(l + 0x24, w->buffers);	/* BuffersWritten */
	ot_put_le32(l + 0x28, 1);		/* StartBuffers */
	ot_put_le32(l + 0x2c, 8);		/* PointerSize */
	ot_put_le32(l + 0x30, w->o.events_lost);
	ot_put_le32(l + 0x34, 2995);		/* CpuSpeedInMHz */
	put_wstr(l + 0x48 + 4, "UTC");	/* TIME_ZONE_INFORMATION, Bias 0 */
	put_wstr(l + 0x48 + 88, "UTC");	/* DaylightName */
	/* +0xF4: 4 bytes of padding before BootTime (1.12) */
	ot_put_le64(l + 0xf8, (uint64_t)filetime_of(w->start_ns) - 36000000000ULL);
	ot_put_le64(l + 0x100, w->o.perf_freq);
	ot_put_le64(l + 0x108, (uint64_t)filetime_of(w->start_ns));
	ot_put_le32(l + 0x110, 1);		/* ReservedFlags: clock type QPC */
	ot_put_le32(l + 0x114, 0);		/* BuffersLost */
	buffer_header(b, w->o.buffer_size, BUF_HDR + ((len + 7) & ~7u), QPC_BASE, 0, 0, 4,
		      w->layout);
}

struct ot_etlw *
ot_etlw_open(FILE *out, const struct ot_etlw_opts *o, int64_t start_ns,
	     struct ot_err *err)
{
	return ot_etlw_open_layout(out, o, OT_ETLW_WIN10, start_ns, err);
}

struct ot_etlw *
ot_etlw_open_layout(FILE *out, const struct ot_etlw_opts *o, int layout, int64_t start_ns,
		    struct ot_err *err)
{
	struct ot_etlw *w;
	uint32_t i;

	if (o->buffer_size < 4096 || o->buffer_size % 8 || o->buffer_size > (1u << 20) ||
	    o->perf_freq == 0 || o->ncpu == 0 || o->ncpu > 256 ||
	    (layout != OT_ETLW_WIN10 && layout != OT_ETLW_WIN7)) {
		ot_errorf(err, OT_EUSAGE, "bad .etl writer options");
		return NULL;
	}
	/* the header event's time is StartTime, in 100 ns (FILETIME) units */
	start_ns -= start_ns % 100;
	w = xcalloc(1, sizeof(*w));
	w->out = out;
	w->o = *o;
	w->layout = layout;
	w->start_ns = start_ns;
	w->last_ts = start_ns;
	w->hdr = xmalloc(o->buffer_size);
	w->cpu = xcalloc(o->ncpu, sizeof(*w->cpu));
	for (i = 0; i < o->ncpu; i++) {
		w->cpu[i].b = xmalloc(o->buffer_size);
		w->cpu[i].fill = BUF_HDR;
	}
	header_buffer(w, start_ns);
	if (write_buf(w, w->hdr, err) < 0) {
		ot_etlw_close(w, start_ns, NULL);
		return NULL;
	}
	return w;
}

int
ot_etlw_record(struct ot_etlw *w, const struct ot_etlw_rec *rec, struct ot_err *err)
{
	uint32_t size = (uint32_t)(EVH + rec->len), cpu;
	struct cpubuf *c;
	uint8_t *r;

	if (rec->ts < w->last_ts)
		return ot_errorf(err, OT_EINPUT, ".etl writer: events out of time order");
	if (size > w->o.buffer_size - BUF_HDR || size > 0xffff)
		return ot_errorf(err, OT_EINPUT, ".etl writer: a record of %u bytes does not fit a buffer",
				 size);
	/*
	 * Events with the same time stay on one processor: a reader's merge
	 * orders equal times across processors by processor, not by the
	 * order they were logged in.
	 */
	cpu = w->nevents > 0 && rec->ts == w->last_ts ? w->last_cpu : rec->cpu % w->o.ncpu;
	c = &w->cpu[cpu];
	if (c->fill + ((size + 7) & ~7u) > w->o.buffer_size && flush_cpu(w, cpu, err) < 0)
		return -1;
	r = c->b + c->fill;
	memset(r, 0, EVH);
	ot_put_le16(r + 0x00, (uint16_t)size);
	r[0x02] = 0x13;			/* EVENT_HEADER64 */
	r[0x03] = 0xc0;
	ot_put_le32(r + 0x08, rec->tid);
	ot_put_le32(r + 0x0c, rec->pid);
	ot_put_le64(r + 0x10, raw_of(w, rec->ts));
	memcpy(r + 0x18, rec->provider, 16);
	ot_put_le16(r + 0x28, rec->id);		/* EventDescriptor */
	r[0x2a] = rec->version;
	r[0x2c] = 4;			/* Level: informational */
	ot_put_le16(r + 0x2e, rec->task);
	ot_put_le64(r + 0x30, rec->keyword);
	if (rec->len)
		memcpy(r + EVH, rec->payload, rec->len);
	memset(r + size, 0, ((size + 7) & ~7u) - size);
	c->fill += (size + 7) & ~7u;
	c->last_raw = raw_of(w, rec->ts);
	w->last_ts = rec->ts;
	w->last_cpu = cpu;
	w->nevents++;
	return 0;
}

int
ot_etlw_event(struct ot_etlw *w, const struct ot_event *ev, struct ot_err *err)
{
	uint8_t payload[OT_CHIMNEY_MAX];
	struct ot_etlw_rec rec;

	memset(&rec, 0, sizeof(rec));
	rec.ts = ev->ts;
	rec.cpu = ev->has & OT_HAS_CPU ? (uint32_t)ev->cpu : 0;
	rec.pid = ev->has & OT_HAS_PID ? (uint32_t)ev->pid : 0;
	rec.tid = ev->has & OT_HAS_TID ? (uint32_t)ev->tid : 0;
	memcpy(rec.provider, ot_chimney_guid, 16);
	rec.id = (uint16_t)(ev->ev + 1);
	rec.version = OT_CHIMNEY_VERSION;
	rec.task = rec.id;
	rec.keyword = 1;
	rec.payload = payload;
	rec.len = ot_chimney_encode(ev, payload);
	return ot_etlw_record(w, &rec, err);
}

int
ot_etlw_raw(struct ot_etlw *w, uint32_t cpu, int64_t ts, const uint8_t *raw,
	    size_t len, size_t ts_off, struct ot_err *err)
{
	struct cpubuf *c;
	size_t pad = (len + 7) & ~(size_t)7;

	if (ts < w->last_ts)
		return ot_errorf(err, OT_EINPUT, ".etl writer: events out of time order");
	if (len < 4 || len > w->o.buffer_size - BUF_HDR || len > 0xffff)
		return ot_errorf(err, OT_EINPUT, ".etl writer: a raw record of %zu bytes does not fit a buffer",
				 len);
	cpu = w->nevents > 0 && ts == w->last_ts ? w->last_cpu : cpu % w->o.ncpu;
	c = &w->cpu[cpu];
	if (c->fill + pad > w->o.buffer_size && flush_cpu(w, cpu, err) < 0)
		return -1;
	memcpy(c->b + c->fill, raw, len);
	memset(c->b + c->fill + len, 0, pad - len);
	if (ts_off != (size_t)-1 && ts_off + 8 <= len)
		ot_put_le64(c->b + c->fill + ts_off, raw_of(w, ts));
	c->fill += (uint32_t)pad;
	c->last_raw = raw_of(w, ts);
	w->last_ts = ts;
	w->last_cpu = cpu;
	w->nevents++;
	return 0;
}

int
ot_etlw_close(struct ot_etlw *w, int64_t end_ns, struct ot_err *err)
{
	uint32_t i;
	int rc = 0;

	if (w == NULL)
		return 0;
	/* the rest, highest processor first: out of order in the file */
	for (i = w->o.ncpu; err != NULL && rc == 0 && i-- > 0;)
		rc = flush_cpu(w, i, err);
	if (err != NULL && rc == 0) {
		header_buffer(w, end_ns);
		if (fflush(w->out) != 0 || fseek(w->out, 0, SEEK_SET) != 0 ||
		    fwrite(w->hdr, 1, w->o.buffer_size, w->out) != w->o.buffer_size ||
		    fflush(w->out) != 0)
			rc = ot_errorf(err, OT_EINTERNAL,
				       "cannot rewrite the .etl header (is the output seekable?)");
	}
	for (i = 0; i < w->o.ncpu; i++)
		free(w->cpu[i].b);
	free(w->cpu);
	free(w->hdr);
	free(w);
	return rc;
}
