/*
 * etl.c - Windows ETW trace files (.etl): buffers, the log-file header,
 * record dispatch, timestamps, and the time-ordered merge across
 * processors.
 *
 * Specification: ../shared/FORMATS.md section 1, from Geoff Chappell's
 * WMI_BUFFER_HEADER page, snail-server (buffer.hpp, etl_file.cpp),
 * fox-it/dissect.etl (c_etl.py, headers/ modules, utils.py) and the
 * learn.microsoft.com TRACE_LOGFILE_HEADER page.
 *
 * A file is a sequence of buffers, each starting with WMI_BUFFER_HEADER:
 *
 *   0x00 u32 BufferSize      0x04 u32 SavedOffset   0x08 u32 CurrentOffset
 *   0x0C u32 ReferenceCount  0x10 u64 TimeStamp     0x18 u64 SequenceNumber
 *   0x20 u64 clock/list      0x28 u16 ProcessorIndex 0x2A u16 LoggerId
 *   0x2C u32 State           0x30 u32 Offset        0x34 u16 BufferFlag
 *   0x36 u16 BufferType      0x38 16 bytes (ignored)
 *
 * (0x28 is ETW_BUFFER_CONTEXT; before Windows 8 it is u8 ProcessorNumber,
 * u8 Alignment: see buf_cpu().)
 *
 * followed by 8-byte-aligned records up to max(SavedOffset, Offset), or
 * the 0xFFFFFFFF fill marker.  Buffers of one processor are ordered by
 * SequenceNumber; the reader merges the processors' sequences by
 * timestamp (snail etl_file.cpp::process).
 */
#include "offtrace/etl.h"

#include "offtrace/bytes.h"
#include "offtrace/xca.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUF_HDR		0x48
#define FT_UNIX_EPOCH	116444736000000000ULL	/* FILETIME of 1970-01-01 */

/* BufferFlag bits (FORMATS.md 1.2) */
#define BF_EVENTS_LOST	0x0002
#define BF_BUFFER_LOST	0x0004
#define BF_COMPRESSED	0x0040
#define BT_HEADER	4
/* LogFileMode EVENT_TRACE_COMPRESSED_MODE (FORMATS.md 1.3) */
#define LFM_COMPRESSED	0x04000000u
#define XCA_PLAIN_LZ77	3

/* One buffer of the index. */
struct etl_buf {
	uint64_t off;		/* file offset */
	uint64_t seq;		/* SequenceNumber */
	uint32_t size;		/* BufferSize (bytes on disk) */
	uint32_t avail;		/* bytes present in the file (< size: truncated) */
	uint32_t index;		/* position in the file */
	uint16_t cpu;
};

/* One processor's sequence of buffers and its current record. */
struct etl_stream {
	uint32_t first, count, pos;	/* buffers idx[first .. first+count) */
	uint32_t ord;			/* tie-break in the merge */
	uint8_t *own;			/* buffer storage (file mode or decompressed) */
	size_t owncap;
	const uint8_t *data;		/* current buffer, header included */
	size_t end, cur;		/* end of data, next record */
	int compressed;
	const struct etl_buf *buf;
	uint64_t last_raw;		/* for WPP records without a timestamp */
	struct ot_etl_record rec;
	int has;
};

struct ot_etl {
	char name[256];
	int fd;
	const uint8_t *mem;
	uint64_t size;
	struct ot_etl_header h;
	struct ot_etl_stats st;
	struct etl_buf *idx;		/* sorted by (cpu, seq, index) */
	size_t nidx;
	struct etl_stream *streams;
	uint32_t nstreams;
	struct etl_stream **heap;
	uint32_t nheap;
	struct etl_stream *advance;	/* stream whose record was returned last */
	uint8_t *zbuf;			/* compressed bytes (file mode) */
	size_t zcap;
	int started, failed;
	int has_pending;
	struct ot_err pending;		/* damage found by the index walk */
	struct ot_etl_problem problems[OT_ETL_MAX_PROBLEMS];
	size_t nproblems;
};

/* A bounds-checked cursor (STYLE.md P3): every read returns 0 or -1. */
struct rd {
	const uint8_t *p;
	size_t len, off;
};

static int
rd_skip(struct rd *r, size_t n)
{
	if (n > r->len - r->off)
		return -1;
	r->off += n;
	return 0;
}

static int
rd_u16(struct rd *r, uint16_t *v)
{
	if (r->len - r->off < 2)
		return -1;
	*v = ot_le16(r->p + r->off);
	r->off += 2;
	return 0;
}

static int
rd_u32(struct rd *r, uint32_t *v)
{
	if (r->len - r->off < 4)
		return -1;
	*v = ot_le32(r->p + r->off);
	r->off += 4;
	return 0;
}

static int
rd_u64(struct rd *r, uint64_t *v)
{
	if (r->len - r->off < 8)
		return -1;
	*v = ot_le64(r->p + r->off);
	r->off += 8;
	return 0;
}

/* TRACE_HEADER_TYPE_* (FORMATS.md 1.4) */
enum {
	HT_SYSTEM32 = 0x01, HT_SYSTEM64 = 0x02, HT_COMPACT32 = 0x03, HT_COMPACT64 = 0x04,
	HT_FULL32 = 0x0A, HT_INSTANCE32 = 0x0B, HT_PERFINFO32 = 0x10, HT_PERFINFO64 = 0x11,
	HT_EVENT32 = 0x12, HT_EVENT64 = 0x13, HT_FULL64 = 0x14, HT_INSTANCE64 = 0x15
};

/* TRACE_MESSAGE_* option flags of a WPP record (FORMATS.md 2.1) */
#define TM_SEQUENCE	0x0001
#define TM_GUID		0x0002
#define TM_COMPONENTID	0x0004
#define TM_TIMESTAMP	0x0008
#define TM_SYSTEMINFO	0x0020
#define TM_POINTER32	0x0040
#define TM_POINTER64	0x0080

/*
 * Classic kernel group GUIDs by HookId group (EVENT_TRACE_GROUP_* = high
 * byte), in text form; FORMATS.md 1.5 after dissect.etl utils.py
 * GROUP_GUID_MAP.
 */
static const struct {
	const char *name;
	const char *guid;
} kernel_groups[] = {
	{ "EventTrace", "68fdd900-4a3e-11d1-84f4-0000f80464e3" },
	{ "DiskIo", "3d6fa8d4-fe05-11d0-9dda-00c04fd7ba7c" },
	{ "PageFault", "3d6fa8d3-fe05-11d0-9dda-00c04fd7ba7c" },
	{ "Process", "3d6fa8d0-fe05-11d0-9dda-00c04fd7ba7c" },
	{ "FileIo", "90cbdc39-4a3e-11d1-84f4-0000f80464e3" },
	{ "Thread", "3d6fa8d1-fe05-11d0-9dda-00c04fd7ba7c" },
	{ "TcpIp", "9a280ac0-c8e0-11d1-84e2-00c04fb998a2" },
	{ "Job", "3282fc76-feed-498e-8aa7-e70f459d430e" },
	{ "UdpIp", "bf3a50c5-a9c9-4988-a005-2df0b7c80f80" },
	{ "Registry", "ae53722e-c863-11d2-8659-00c04fa321a1" },
	{ "DbgPrint", "13976d09-a327-438c-950b-7f03192815c7" },
	{ "EventTraceConfig", "01853a65-418f-4f36-aefc-dc0f1d2fd235" },
	{ "Spare1", "99134383-5248-43fc-834b-529454e75df3" },
	{ "Wnf", "42695762-ea50-497a-9068-5cbbb35e0b95" },
	{ "Pool", "0268a8b6-74fd-4302-9dd0-6e8f1795c0cf" },
	{ "PerfInfo", "ce1dbfb4-137e-4da6-87b0-3f59aa102cbc" },
	{ "Heap", "222962ab-6180-4b88-a825-346b75f2a24a" },
	{ "Object", "89497f50-effe-4440-8cf2-ce6b1cdcaca7" },
	{ "Power", "e43445e0-0903-48c3-b878-ff0fccebdd04" },
	{ "ModBound", "a9152f00-3f58-4bee-92a1-70c7d079d5dd" },
	{ "ImageLoad", "2cb15d1d-5fc1-11d2-abe1-00a0c911f518" },
	{ "Dpc", "b2d14872-7c5b-463d-8419-ee9bf7d23e04" },
	{ "Cc", "7687a439-f752-45b8-b741-321aec0f8df9" },
	{ "CritSec", "3ac66736-cc59-4cff-8115-8df50e39816b" },
	{ "StackWalk", "def2fe46-7bd6-4b80-bd94-f57fe20d0ce3" },
	{ "Ums", "9aec974b-5b8e-4118-9b92-3186d8002ce5" },
	{ "Alpc", "45d8cccd-539f-4b72-a8b7-5c683142609a" },
	{ "SplitIo", "d837ca92-12b9-44a5-ad6a-3a65b3578aa8" },
	{ "ThreadPool", "c861d0e2-a2c1-4d36-9f9c-970bab943a12" },
	{ "Hypervisor", "7f2a405c-69b5-4bf9-a1f5-30e8f1afab5e" },
	{ "HypervisorX", "2ce9a149-effe-42f0-a635-a1d39e26c8f2" },
};

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return c - 'a' + 10;
}

int
ot_etl_kernel_group(unsigned group, unsigned type, uint8_t guid[16], const char **name)
{
	static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	const char *s;
	int i, k = 0;

	/* group Process, type 10 is ImageLoad (dissect utils.py lookup_guid) */
	if (group == 3 && type == 10)
		group = 20;
	if (group >= sizeof(kernel_groups) / sizeof(kernel_groups[0])) {
		memset(guid, 0, 16);
		*name = NULL;
		return -1;
	}
	s = kernel_groups[group].guid;
	for (i = 0; i < 16; i++) {
		if (s[k] == '-')
			k++;
		guid[order[i]] = (uint8_t)(hexval(s[k]) << 4 | hexval(s[k + 1]));
		k += 2;
	}
	*name = kernel_groups[group].name;
	return 0;
}

/* Kernel GUIDs, converted once per group (a record copies 16 bytes). */
static void
kernel_guid(unsigned hook, uint8_t guid[16])
{
	const char *name;

	ot_etl_kernel_group(hook >> 8, hook & 0xFF, guid, &name);
}

/*
 * EVENT_HEADER extended data items (FORMATS.md 1.6): u16 ItemSize,
 * u16 ExtType, u16 Linkage (bit 0: another follows), u16 DataSize, data,
 * padded to 8.  0 ok, -1 bad (why set); *uoff = where user data starts.
 */
static int
parse_ext(const uint8_t *p, size_t size, struct ot_etl_record *r, size_t *uoff,
	  const char **why)
{
	struct rd c;
	uint16_t isz, type, link, dsz;

	c.p = p;
	c.len = size;
	c.off = 0x50;
	do {
		size_t start = c.off;

		if (rd_u16(&c, &isz) < 0 || rd_u16(&c, &type) < 0 || rd_u16(&c, &link) < 0 ||
		    rd_u16(&c, &dsz) < 0) {
			*why = "truncated extended data item";
			return -1;
		}
		if (isz < 8 || dsz > isz - 8 || isz > size - start) {
			*why = "extended data item size out of bounds";
			return -1;
		}
		if (r->next >= OT_ETL_MAX_EXT) {
			*why = "too many extended data items";
			return -1;
		}
		r->ext[r->next].type = type;
		r->ext[r->next].size = dsz;
		r->ext[r->next].data = p + c.off;
		r->next++;
		c.off = start + isz;
	} while (link & 1);
	*uoff = c.off;
	return 0;
}

/*
 * PERFINFO extension (snail perfinfo_trace.hpp; dissect applies it to
 * SYSTEM/COMPACT too): Version & 0x8000 adds a u64 PEBS index,
 * (Version & 0x0700) >> 8 u64 PMC counters.
 */
static size_t
perf_extra(uint16_t version)
{
	return ((version & 0x8000) ? 8 : 0) + ((size_t)((version & 0x0700) >> 8)) * 8;
}

/*
 * Parse the record at p (avail bytes left in the buffer's data).
 * 1 a record (*used = aligned size), 0 end of data, -1 unparsable (*why).
 */
static int
parse_record(struct ot_etl *e, const uint8_t *p, size_t avail, struct ot_etl_record *r,
	     size_t *used, uint64_t *last_raw, const char **why)
{
	uint32_t marker;
	uint8_t flags, ht;
	size_t size, fixed, aligned;

	if (avail < 4)
		return 0;
	marker = ot_le32(p);
	if (marker == 0xFFFFFFFFu)
		return 0;
	memset(r, 0, offsetof(struct ot_etl_record, ext));
	r->next = 0;
	r->kernel_group = -1;
	r->pid = r->tid = 0xFFFFFFFFu;
	flags = p[3];
	ht = p[2];
	if ((flags & 0xD0) == 0x90) {
		/* MESSAGE_TRACE_HEADER (WPP), FORMATS.md 2.1 */
		struct rd c;
		uint16_t opt;
		uint64_t ts = *last_raw;

		size = ot_le16(p);
		if (size < 8 || size > avail) {
			*why = "WPP record size out of bounds";
			return -1;
		}
		c.p = p;
		c.len = size;
		c.off = 4;
		rd_u16(&c, &r->id);
		rd_u16(&c, &opt);
		r->flags = opt;
		r->hdr = OT_ETL_WPP;
		if ((opt & TM_SEQUENCE) && rd_skip(&c, 4) < 0)
			goto wpp_short;
		if (opt & TM_COMPONENTID) {
			if (rd_skip(&c, 4) < 0)
				goto wpp_short;
		} else if (opt & TM_GUID) {
			if (c.len - c.off < 16)
				goto wpp_short;
			memcpy(r->provider, p + c.off, 16);
			c.off += 16;
		}
		if ((opt & TM_TIMESTAMP) && rd_u64(&c, &ts) < 0)
			goto wpp_short;
		if ((opt & TM_SYSTEMINFO) && (rd_u32(&c, &r->tid) < 0 || rd_u32(&c, &r->pid) < 0))
			goto wpp_short;
		r->raw_ts = ts;
		r->ptr_size = (opt & TM_POINTER32) ? 4 : (opt & TM_POINTER64) ? 8 :
			      (e->h.pointer_size == 4 ? 4 : 8);
		r->payload = p + c.off;
		r->len = size - c.off;
		goto done;
wpp_short:
		*why = "WPP record shorter than its option fields";
		return -1;
	}
	if ((flags & 0xC0) != 0xC0) {
		*why = "unknown record marker";
		return -1;
	}
	r->header_type = ht;
	switch (ht) {
	case HT_SYSTEM32: case HT_SYSTEM64:
	case HT_COMPACT32: case HT_COMPACT64:
	case HT_PERFINFO32: case HT_PERFINFO64: {
		/* +0 u16 Version, +4 u16 Size, +6 u16 HookId, then
		 * SYSTEM/COMPACT: +8 u32 TID, +12 u32 PID, +16 u64 SystemTime;
		 * PERFINFO: +8 u64 SystemTime (FORMATS.md 1.5) */
		uint16_t ver = ot_le16(p);

		if (avail < 0x10) {
			*why = "kernel record size out of bounds";
			return -1;
		}
		if (ht == HT_SYSTEM32 || ht == HT_SYSTEM64) {
			r->hdr = OT_ETL_SYSTEM;
			fixed = 0x20;
		} else if (ht == HT_COMPACT32 || ht == HT_COMPACT64) {
			r->hdr = OT_ETL_COMPACT;
			fixed = 0x18;
		} else {
			r->hdr = OT_ETL_PERFINFO;
			fixed = 0x10;
		}
		fixed += perf_extra(ver);
		size = ot_le16(p + 4);
		if (size < fixed || size > avail) {
			*why = "kernel record size out of bounds";
			return -1;
		}
		r->version = ver & (uint16_t)~0x8700u;
		r->hook_id = ot_le16(p + 6);
		r->opcode = (uint8_t)(r->hook_id & 0xFF);
		r->kernel_group = r->hook_id >> 8;
		kernel_guid(r->hook_id, r->provider);
		if (r->hdr == OT_ETL_PERFINFO) {
			r->raw_ts = ot_le64(p + 8);
		} else {
			r->tid = ot_le32(p + 8);
			r->pid = ot_le32(p + 12);
			r->raw_ts = ot_le64(p + 16);
		}
		r->ptr_size = (ht == HT_SYSTEM32 || ht == HT_COMPACT32 || ht == HT_PERFINFO32) ? 4 : 8;
		r->payload = p + fixed;
		r->len = size - fixed;
		break;
	}
	case HT_FULL32: case HT_FULL64:
	case HT_INSTANCE32: case HT_INSTANCE64:
		/* EVENT_TRACE_HEADER: +0 u16 Size, +4 u8 Type, +5 u8 Level,
		 * +6 u16 Version, +8 TID, +12 PID, +16 u64 TimeStamp, +24 GUID;
		 * INSTANCE adds InstanceId, ParentInstanceId, ParentGuid */
		r->hdr = (ht == HT_FULL32 || ht == HT_FULL64) ? OT_ETL_CLASSIC : OT_ETL_INSTANCE;
		fixed = r->hdr == OT_ETL_CLASSIC ? 0x30 : 0x48;
		size = ot_le16(p);
		if (size < fixed || size > avail) {
			*why = "classic record size out of bounds";
			return -1;
		}
		r->opcode = p[4];
		r->level = p[5];
		r->version = ot_le16(p + 6);
		r->tid = ot_le32(p + 8);
		r->pid = ot_le32(p + 12);
		r->raw_ts = ot_le64(p + 16);
		memcpy(r->provider, p + 24, 16);
		r->ptr_size = (ht == HT_FULL32 || ht == HT_INSTANCE32) ? 4 : 8;
		r->payload = p + fixed;
		r->len = size - fixed;
		break;
	case HT_EVENT32: case HT_EVENT64: {
		/* EVENT_HEADER (FORMATS.md 1.5), then extended items */
		size_t uoff = 0x50;

		r->hdr = OT_ETL_EVENT;
		size = ot_le16(p);
		if (size < 0x50 || size > avail) {
			*why = "event record size out of bounds";
			return -1;
		}
		r->flags = ot_le16(p + 4);
		r->property = ot_le16(p + 6);
		r->tid = ot_le32(p + 8);
		r->pid = ot_le32(p + 12);
		r->raw_ts = ot_le64(p + 16);
		memcpy(r->provider, p + 24, 16);
		r->id = ot_le16(p + 0x28);
		r->version = p[0x2A];
		r->channel = p[0x2B];
		r->level = p[0x2C];
		r->opcode = p[0x2D];
		r->task = ot_le16(p + 0x2E);
		r->keyword = ot_le64(p + 0x30);
		r->ptr_size = ht == HT_EVENT32 ? 4 : 8;
		if ((r->flags & 0x1) && parse_ext(p, size, r, &uoff, why) < 0)
			return -1;
		r->payload = p + uoff;
		r->len = size - uoff;
		break;
	}
	default:
		*why = "unsupported header type";
		return -1;
	}
	*last_raw = r->raw_ts;
done:
	r->raw = p;
	r->raw_len = size;
	/* records are 8-byte aligned (FORMATS.md 1.4) */
	aligned = (size + 7) & ~(size_t)7;
	*used = aligned < avail ? aligned : avail;
	return 1;
}

const char *
ot_etl_hdr_name(int hdr)
{
	static const char *const names[] = {
		"system", "compact", "perfinfo", "classic", "instance", "event", "wpp"
	};

	if (hdr < 0 || hdr >= OT_ETL_NHDR)
		return "?";
	return names[hdr];
}

int64_t
ot_etl_filetime_ns(uint64_t ft)
{
	uint64_t d;

	if (ft >= FT_UNIX_EPOCH) {
		d = ft - FT_UNIX_EPOCH;
		if (d > (uint64_t)INT64_MAX / 100)
			return INT64_MAX;
		return (int64_t)(d * 100);
	}
	d = FT_UNIX_EPOCH - ft;		/* < 2^57: no overflow */
	return -(int64_t)(d * 100);
}

void
ot_etl_guid_str(const uint8_t g[16], char out[37])
{
	static const char hex[] = "0123456789abcdef";
	/* Data1 u32 LE, Data2 u16 LE, Data3 u16 LE, Data4[8] (FORMATS.md 1) */
	static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	int i, k = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[k++] = '-';
		out[k++] = hex[g[order[i]] >> 4];
		out[k++] = hex[g[order[i]] & 15];
	}
	out[k] = '\0';
}

static int
etl_fail(struct ot_etl *e, struct ot_err *err, uint64_t off, const char *phase,
	 const char *fmt, ...) OT_PRINTF(5, 6);

static int
etl_fail(struct ot_etl *e, struct ot_err *err, uint64_t off, const char *phase,
	 const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	memset(err, 0, sizeof(*err));
	err->code = OT_EINPUT;
	snprintf(err->file, sizeof(err->file), "%s", e->name);
	err->offset = off;
	err->phase = phase;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static void
etl_problem(struct ot_etl *e, uint64_t bufidx, uint64_t off, const char *fmt, ...)
	OT_PRINTF(4, 5);

static void
etl_problem(struct ot_etl *e, uint64_t bufidx, uint64_t off, const char *fmt, ...)
{
	struct ot_etl_problem *p;
	va_list ap;

	e->st.unparsed++;
	if (e->nproblems >= OT_ETL_MAX_PROBLEMS)
		return;
	p = &e->problems[e->nproblems++];
	p->buffer_index = bufidx;
	p->offset = off;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
}

/* Read n bytes at off (0, or -1 with errno-style message in err). */
static int
read_at(struct ot_etl *e, uint64_t off, uint8_t *dst, size_t n, struct ot_err *err)
{
	size_t got = 0;

	if (off > e->size || n > e->size - off)
		return etl_fail(e, err, off, "read", "read past the end of the file");
	if (e->mem) {
		memcpy(dst, e->mem + off, n);
		return 0;
	}
	while (got < n) {
		ssize_t r = pread(e->fd, dst + got, n - got, (off_t)(off + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return etl_fail(e, err, off + got, "read", "cannot read: %s",
					r < 0 ? strerror(errno) : "unexpected end of file");
		got += (size_t)r;
	}
	return 0;
}

/* Make sure *p holds cap bytes. */
static void
reserve(uint8_t **p, size_t *cap, size_t n)
{
	if (*cap >= n)
		return;
	*p = xrealloc(*p, n);
	*cap = n;
}

/*
 * Time since the sync point (the header event's raw timestamp, which
 * corresponds to StartTime; FORMATS.md 1.9), in ns, with integer
 * arithmetic.  Saturates instead of overflowing.
 */
static uint64_t
muldiv(uint64_t a, uint64_t b, uint64_t c)
{
#ifdef __SIZEOF_INT128__
	__extension__ unsigned __int128 x = (unsigned __int128)a * b / c;

	return x > UINT64_MAX ? UINT64_MAX : (uint64_t)x;
#else
	uint64_t q = a / c, r = a % c;

	if (q && b > UINT64_MAX / q)
		return UINT64_MAX;
	/* r < c; exact while c * b fits 64 bits, as for every real clock */
	if (r && b > UINT64_MAX / r)
		return q * b + (uint64_t)((double)r * (double)b / (double)c);
	return q * b + r * b / c;
#endif
}

static int64_t
etl_rel_ns(const struct ot_etl *e, uint64_t raw)
{
	uint64_t d, ns;
	int neg = raw < e->h.raw_start;

	d = neg ? e->h.raw_start - raw : raw - e->h.raw_start;
	switch (e->h.clock_type) {
	case 2:		/* system time: 100 ns ticks */
		ns = d > UINT64_MAX / 100 ? UINT64_MAX : d * 100;
		break;
	case 3:		/* CPU cycles: CpuSpeedInMHz ticks per us */
		ns = muldiv(d, 1000, e->h.cpu_speed_mhz);
		break;
	default:	/* QPC at PerfFreq Hz */
		ns = muldiv(d, 1000000000ULL, e->h.perf_freq);
		break;
	}
	if (ns > (uint64_t)INT64_MAX)
		ns = (uint64_t)INT64_MAX;
	return neg ? -(int64_t)ns : (int64_t)ns;
}

static int64_t
etl_add_sat(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

/* The fields of a buffer header we use. */
struct bufhdr {
	uint32_t size, saved, offset, state;
	uint64_t seq;
	uint16_t cpu, flag, type;
};

static void
parse_bufhdr(const uint8_t *p, struct bufhdr *b)
{
	b->size = ot_le32(p + 0x00);
	b->saved = ot_le32(p + 0x04);
	b->seq = ot_le64(p + 0x18);
	b->cpu = ot_le16(p + 0x28);
	b->state = ot_le32(p + 0x2C);
	b->offset = ot_le32(p + 0x30);
	b->flag = ot_le16(p + 0x34);
	b->type = ot_le16(p + 0x36);
}

/*
 * The processor of a buffer.  The buffer header's ClientContext is an
 * ETW_BUFFER_CONTEXT, whose first two bytes are
 *
 *   union { struct { UCHAR ProcessorNumber; UCHAR Alignment; };
 *           USHORT ProcessorIndex; }
 *
 * (learn.microsoft.com, "ETW_BUFFER_CONTEXT structure (evntrace.h)":
 * Alignment is "Alignment between events (always eight)").  The u16
 * ProcessorIndex is Windows 8's: "Version 6.2 widens the 8-bit
 * ProcessorNumber to a 16-bit ProcessorIndex but keeps the ProcessNumber
 * and Alignment in a union" (Geoff Chappell, WMI_CLIENT_CONTEXT; the 6.1
 * WMI_BUFFER_HEADER has ClientContext at 0x28 too, per his
 * WMI_BUFFER_HEADER page).  Before 6.2 the processor is the low byte, and
 * reading 16 bits gives 8 * 256 + cpu: the CPU 2048 of a Windows 7 file.
 * Which layout a file has follows from the OS version that wrote it,
 * cpu_byte in the log-file header (parse_logfile_header()).
 */
static uint32_t
buf_cpu(const struct ot_etl *e, const struct bufhdr *bh)
{
	return e->h.cpu_byte ? (uint32_t)(bh->cpu & 0xFF) : bh->cpu;
}

/*
 * Load buffer b into stream s: read it, decompress it when flagged, and set
 * the end of its data.  0 ok, 1 damaged (problem recorded, skip it), -1 I/O
 * error (err filled).
 */
static int
load_buffer(struct ot_etl *e, struct etl_stream *s, const struct etl_buf *b,
	    struct ot_err *err)
{
	struct bufhdr bh;
	size_t end;
	const uint8_t *raw;
	uint8_t hdr[BUF_HDR];

	s->buf = b;
	s->data = NULL;
	s->end = s->cur = 0;
	if (e->mem) {
		raw = e->mem + b->off;
	} else {
		reserve(&s->own, &s->owncap, b->avail);
		if (read_at(e, b->off, s->own, b->avail, err) < 0)
			return -1;
		raw = s->own;
	}
	parse_bufhdr(raw, &bh);
	e->st.buffers_read++;
	if (bh.flag & BF_COMPRESSED) {
		/* FORMATS.md 1.3: file[off+0x48 .. off+BufferSize] decompresses
		 * to SavedOffset - 0x48 bytes of records */
		const char *why = NULL;
		size_t want, outlen = 0;
		const uint8_t *in = raw + BUF_HDR;
		size_t inlen = b->avail - BUF_HDR;

		e->st.buffers_compressed++;
		if (e->h.compression != XCA_PLAIN_LZ77) {
			etl_problem(e, b->index, b->off,
				    "unsupported compression format %u", e->h.compression);
			return 1;
		}
		if (bh.saved < BUF_HDR || bh.saved > OT_ETL_MAX_BUFFER) {
			etl_problem(e, b->index, b->off + 4,
				    "compressed buffer with impossible SavedOffset %u", bh.saved);
			return 1;
		}
		want = bh.saved - BUF_HDR;
		if (e->mem == NULL) {
			/* decompress from a copy: s->own becomes the output */
			reserve(&e->zbuf, &e->zcap, inlen ? inlen : 1);
			memcpy(e->zbuf, in, inlen);
			in = e->zbuf;
		}
		/* raw may be s->own, which reserve() moves */
		memcpy(hdr, raw, BUF_HDR);
		reserve(&s->own, &s->owncap, BUF_HDR + want);
		memcpy(s->own, hdr, BUF_HDR);
		if (ot_xca_lz77(in, inlen, s->own + BUF_HDR, want, &outlen, &why) < 0) {
			etl_problem(e, b->index, b->off + BUF_HDR,
				    "cannot decompress buffer: %s", why ? why : "error");
			return 1;
		}
		e->st.bytes_decompressed += outlen;
		s->data = s->own;
		s->compressed = 1;
		end = BUF_HDR + outlen;
	} else {
		s->data = raw;
		s->compressed = 0;
		end = b->avail;
	}
	/* the end of data: max(SavedOffset, Offset), capped (FORMATS.md 1.2) */
	{
		size_t fill = bh.saved > bh.offset ? bh.saved : bh.offset;

		if (fill < end)
			end = fill;
	}
	if (end < BUF_HDR)
		end = BUF_HDR;
	s->end = end;
	s->cur = BUF_HDR;
	return 0;
}

/* Fill s->rec with its next record; s->has = 0 at the end.  -1 on I/O error. */
static int
stream_fill(struct ot_etl *e, struct etl_stream *s, struct ot_err *err)
{
	for (;;) {
		if (s->data && s->cur < s->end) {
			size_t used = 0;
			const char *why = "?";
			int r = parse_record(e, s->data + s->cur, s->end - s->cur,
					     &s->rec, &used, &s->last_raw, &why);

			if (r == 1) {
				s->rec.cpu = s->buf->cpu;
				s->rec.buffer_index = s->buf->index;
				s->rec.offset = s->buf->off + s->cur;
				s->rec.is_logfile_header = s->buf->index == 0 && s->cur == BUF_HDR &&
					s->rec.hdr == OT_ETL_SYSTEM && s->rec.hook_id == 0;
				s->cur += used;
				s->has = 1;
				return 0;
			}
			if (r < 0)
				etl_problem(e, s->buf->index, s->buf->off + s->cur,
					    "unparsed record%s: %s",
					    s->compressed ? " (decompressed offset)" : "", why);
			s->cur = s->end;	/* end marker, or the rest is unusable */
			continue;
		}
		if (s->pos >= s->count) {
			s->has = 0;
			return 0;
		}
		{
			const struct etl_buf *b = &e->idx[s->first + s->pos++];
			int r = load_buffer(e, s, b, err);

			if (r < 0)
				return -1;
			if (r > 0)
				s->data = NULL;
		}
	}
}

/* The merge's order: raw timestamp, then the processors' order. */
static int
before(const struct etl_stream *a, const struct etl_stream *b)
{
	if (a->rec.raw_ts != b->rec.raw_ts)
		return a->rec.raw_ts < b->rec.raw_ts;
	return a->ord < b->ord;
}

static void
heap_down(struct ot_etl *e, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		struct etl_stream *t;

		if (l < e->nheap && before(e->heap[l], e->heap[m]))
			m = l;
		if (r < e->nheap && before(e->heap[r], e->heap[m]))
			m = r;
		if (m == i)
			return;
		t = e->heap[i];
		e->heap[i] = e->heap[m];
		e->heap[m] = t;
		i = m;
	}
}

static int
cmp_buf(const void *pa, const void *pb)
{
	const struct etl_buf *a = pa, *b = pb;

	if (a->cpu != b->cpu)
		return a->cpu < b->cpu ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	return 0;
}

/*
 * Walk the buffer chain by BufferSize and index every buffer.  Damage to
 * the chain stops the walk; it becomes the pending error, returned after
 * the records before it.
 */
static int
build_index(struct ot_etl *e, struct ot_err *err)
{
	uint64_t off = 0;
	size_t cap = 0;
	uint8_t hb[BUF_HDR];
	struct bufhdr bh;
	uint32_t i, ncpu = 0;

	while (off < e->size) {
		struct etl_buf *b;
		uint64_t left = e->size - off;

		if (left < BUF_HDR) {
			etl_fail(e, &e->pending, off, "buffer-header",
				 "truncated buffer header in buffer %zu: %llu bytes left, need %u",
				 e->nidx, (unsigned long long)left, BUF_HDR);
			e->has_pending = 1;
			break;
		}
		if (read_at(e, off, hb, BUF_HDR, err) < 0)
			return -1;
		parse_bufhdr(hb, &bh);
		if (bh.size < BUF_HDR || bh.size > OT_ETL_MAX_BUFFER) {
			etl_fail(e, &e->pending, off, "buffer-header",
				 "invalid BufferSize %u in buffer %zu", bh.size, e->nidx);
			e->has_pending = 1;
			break;
		}
		if (e->nidx >= UINT32_MAX - 1) {
			etl_fail(e, &e->pending, off, "buffer-header", "too many buffers");
			e->has_pending = 1;
			break;
		}
		if (e->nidx == cap) {
			cap = cap ? cap * 2 : 64;
			e->idx = xrealloc(e->idx, st_mult(cap, sizeof(*e->idx)));
		}
		b = &e->idx[e->nidx];
		b->off = off;
		b->seq = bh.seq;
		b->size = bh.size;
		b->avail = left < bh.size ? (uint32_t)left : bh.size;
		b->index = (uint32_t)e->nidx;
		b->cpu = (uint16_t)buf_cpu(e, &bh);
		e->nidx++;
		if (bh.flag & BF_BUFFER_LOST)
			e->st.buffers_flag_lost++;
		if (bh.flag & BF_EVENTS_LOST)
			e->st.buffers_flag_events_lost++;
		if (left < bh.size) {
			etl_fail(e, &e->pending, off, "buffer",
				 "truncated buffer %zu: BufferSize %u, only %llu bytes left",
				 e->nidx - 1, bh.size, (unsigned long long)left);
			e->has_pending = 1;
			break;
		}
		off += bh.size;
	}
	e->st.buffers = e->nidx;
	qsort(e->idx, e->nidx, sizeof(*e->idx), cmp_buf);
	for (i = 0; i < e->nidx; i++)
		if (i == 0 || e->idx[i].cpu != e->idx[i - 1].cpu)
			ncpu++;
	if (ncpu > OT_ETL_MAX_CPUS)
		return etl_fail(e, err, 0, "buffer-header",
				"%u distinct processor indexes, limit %d", ncpu, OT_ETL_MAX_CPUS);
	e->streams = xcalloc(ncpu ? ncpu : 1, sizeof(*e->streams));
	e->heap = xcalloc(ncpu ? ncpu : 1, sizeof(*e->heap));
	for (i = 0; i < e->nidx; i++) {
		struct etl_stream *s;

		if (i == 0 || e->idx[i].cpu != e->idx[i - 1].cpu) {
			s = &e->streams[e->nstreams];
			s->first = i;
			s->ord = e->nstreams++;
		}
		e->streams[e->nstreams - 1].count++;
	}
	e->st.ncpus = e->nstreams;
	return 0;
}

int
ot_etl_probe(const uint8_t *head, size_t len)
{
	struct bufhdr bh;
	const uint8_t *r = head + BUF_HDR;

	if (head == NULL || len < BUF_HDR + 8)
		return 0;
	parse_bufhdr(head, &bh);
	if (bh.size < BUF_HDR || bh.size > OT_ETL_MAX_BUFFER || bh.type != BT_HEADER)
		return 0;
	if (bh.flag & BF_COMPRESSED)
		return bh.saved >= BUF_HDR;
	/* first record: SYSTEM32/64 typed header, HookId 0 (FORMATS.md 1.7) */
	return r[3] == 0xC0 && (r[2] == 1 || r[2] == 2) && ot_le16(r + 6) == 0 &&
	       ot_le16(r + 4) >= 0x20;
}

/* UTF-16LE (nul-terminated within n bytes) to UTF-8, truncated to cap. */
static size_t
utf16_to_utf8(const uint8_t *p, size_t n, char *out, size_t cap)
{
	size_t i = 0, k = 0;

	while (i + 1 < n) {
		uint32_t c = ot_le16(p + i);
		char tmp[4];
		size_t m;

		i += 2;
		if (c == 0)
			break;
		if (c >= 0xD800 && c < 0xDC00 && i + 1 < n) {
			uint32_t lo = ot_le16(p + i);

			if (lo >= 0xDC00 && lo < 0xE000) {
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
				i += 2;
			}
		}
		if (c >= 0xD800 && c < 0xE000)
			c = 0xFFFD;
		if (c < 0x80) {
			tmp[0] = (char)c;
			m = 1;
		} else if (c < 0x800) {
			tmp[0] = (char)(0xC0 | c >> 6);
			tmp[1] = (char)(0x80 | (c & 0x3F));
			m = 2;
		} else if (c < 0x10000) {
			tmp[0] = (char)(0xE0 | c >> 12);
			tmp[1] = (char)(0x80 | ((c >> 6) & 0x3F));
			tmp[2] = (char)(0x80 | (c & 0x3F));
			m = 3;
		} else {
			tmp[0] = (char)(0xF0 | c >> 18);
			tmp[1] = (char)(0x80 | ((c >> 12) & 0x3F));
			tmp[2] = (char)(0x80 | ((c >> 6) & 0x3F));
			tmp[3] = (char)(0x80 | (c & 0x3F));
			m = 4;
		}
		if (k + m + 1 > cap)
			break;
		memcpy(out + k, tmp, m);
		k += m;
	}
	if (cap)
		out[k] = '\0';
	return i;
}

static void
parse_systemtime(const uint8_t *p, struct ot_etl_systemtime *t)
{
	t->year = ot_le16(p);
	t->month = ot_le16(p + 2);
	t->dow = ot_le16(p + 4);
	t->day = ot_le16(p + 6);
	t->hour = ot_le16(p + 8);
	t->minute = ot_le16(p + 10);
	t->second = ot_le16(p + 12);
	t->ms = ot_le16(p + 14);
}

/*
 * TRACE_LOGFILE_HEADER (FORMATS.md 1.7), 64- or 32-bit layout, with the
 * 4-byte pad after the time-zone block (the airbus mistake of 1.12).
 */
static int
parse_logfile_header(struct ot_etl *e, const struct ot_etl_record *r, struct ot_err *err)
{
	struct ot_etl_header *h = &e->h;
	const uint8_t *p = r->payload;
	size_t n = r->len, tz, s;
	uint32_t ptr;

	if (n < 0x30)
		return etl_fail(e, err, r->offset, "logfile-header",
				"log-file header in buffer 0 too short: %zu bytes", n);
	ptr = ot_le32(p + 0x2C);
	h->layout64 = ptr == 8 ? 1 : ptr == 4 ? 0 : r->header_type == 2;
	s = h->layout64 ? 0x118 : 0x110;
	if (n < s)
		return etl_fail(e, err, r->offset, "logfile-header",
				"log-file header in buffer 0 too short: %zu bytes, need %zu", n, s);
	h->buffer_size = ot_le32(p + 0x00);
	h->version = ot_le32(p + 0x04);
	/*
	 * Version is VersionDetail { UCHAR MajorVersion, MinorVersion,
	 * SubVersion, SubMinorVersion }, "Major [Minor] version number of the
	 * operating system where the trace was collected" (learn.microsoft.com,
	 * TRACE_LOGFILE_HEADER): the buffers' processor is one byte before
	 * 6.2 (see buf_cpu()).  Only majors 5 and 6 are read so: a Version of
	 * 0 (or another value no Windows had) keeps the u16 ProcessorIndex.
	 */
	h->cpu_byte = (p[0x04] == 5) || (p[0x04] == 6 && p[0x05] < 2);
	h->provider_version = ot_le32(p + 0x08);
	h->nprocessors = ot_le32(p + 0x0C);
	h->end_time = ot_le64(p + 0x10);
	h->timer_resolution = ot_le32(p + 0x18);
	h->max_file_size = ot_le32(p + 0x1C);
	h->log_file_mode = ot_le32(p + 0x20);
	h->buffers_written = ot_le32(p + 0x24);
	h->start_buffers = ot_le32(p + 0x28);
	h->pointer_size = ptr;
	h->events_lost = ot_le32(p + 0x30);
	h->cpu_speed_mhz = ot_le32(p + 0x34);
	if (h->layout64) {
		h->logger_name_ptr = ot_le64(p + 0x38);
		h->log_file_name_ptr = ot_le64(p + 0x40);
		tz = 0x48;
	} else {
		h->logger_name_ptr = ot_le32(p + 0x38);
		h->log_file_name_ptr = ot_le32(p + 0x3C);
		tz = 0x40;
	}
	/* TIME_ZONE_INFORMATION: Bias, StandardName[32], StandardDate,
	 * StandardBias, DaylightName[32], DaylightDate, DaylightBias (172) */
	h->tz_bias = (int32_t)ot_le32(p + tz);
	utf16_to_utf8(p + tz + 4, 64, h->tz_standard_name, sizeof(h->tz_standard_name));
	parse_systemtime(p + tz + 68, &h->tz_standard_date);
	h->tz_standard_bias = (int32_t)ot_le32(p + tz + 84);
	utf16_to_utf8(p + tz + 88, 64, h->tz_daylight_name, sizeof(h->tz_daylight_name));
	parse_systemtime(p + tz + 152, &h->tz_daylight_date);
	h->tz_daylight_bias = (int32_t)ot_le32(p + tz + 168);
	tz += 172 + 4;			/* the pad */
	h->boot_time = ot_le64(p + tz);
	h->perf_freq = ot_le64(p + tz + 8);
	h->start_time = ot_le64(p + tz + 16);
	h->clock_type = ot_le32(p + tz + 24);
	h->buffers_lost = ot_le32(p + tz + 28);
	{
		size_t used = utf16_to_utf8(p + s, n - s, h->logger_name, sizeof(h->logger_name));

		utf16_to_utf8(p + s + used, n - s - used, h->log_file_name,
			      sizeof(h->log_file_name));
	}
	h->raw_start = r->raw_ts;
	h->start_ns = ot_etl_filetime_ns(h->start_time);
	h->end_ns = ot_etl_filetime_ns(h->end_time);
	h->boot_ns = ot_etl_filetime_ns(h->boot_time);
	/* clock (FORMATS.md 1.9) */
	switch (h->clock_type) {
	case 1:
		if (h->perf_freq == 0)
			return etl_fail(e, err, r->offset, "logfile-header",
					"QPC clock with PerfFreq 0 in buffer 0");
		break;
	case 2:
		break;
	case 3:
		if (h->cpu_speed_mhz == 0)
			return etl_fail(e, err, r->offset, "logfile-header",
					"CPU-cycle clock with CpuSpeedInMHz 0 in buffer 0");
		break;
	default:
		return etl_fail(e, err, r->offset, "logfile-header",
				"unknown clock type %u (ReservedFlags) in buffer 0", h->clock_type);
	}
	return 0;
}

static struct ot_etl *
etl_new(const char *name)
{
	struct ot_etl *e = xcalloc(1, sizeof(*e));

	snprintf(e->name, sizeof(e->name), "%s", name ? name : "");
	e->fd = -1;
	return e;
}

/* Buffer 0, its first record, the log-file header, then the index. */
static int
etl_init(struct ot_etl *e, struct ot_err *err)
{
	uint8_t hb[BUF_HDR];
	struct bufhdr bh;
	struct etl_stream s;
	struct etl_buf b0;
	struct ot_etl_record r;
	size_t used = 0;
	uint64_t last = 0;
	int rc;

	e->st.file_size = e->size;
	if (e->size < BUF_HDR)
		return etl_fail(e, err, 0, "buffer-header",
				"not an ETL file: buffer 0 truncated: %llu bytes, shorter than a buffer header",
				(unsigned long long)e->size);
	if (read_at(e, 0, hb, BUF_HDR, err) < 0)
		return -1;
	parse_bufhdr(hb, &bh);
	if (bh.size < BUF_HDR || bh.size > OT_ETL_MAX_BUFFER)
		return etl_fail(e, err, 0, "buffer-header",
				"not an ETL file: invalid BufferSize %u in buffer 0", bh.size);
	if (bh.type != BT_HEADER)
		return etl_fail(e, err, 0x36, "buffer-header",
				"not an ETL file: buffer 0 has BufferType %u, want 4 (header)",
				bh.type);
	/* COMPRESSION_FORMAT in buffer 0's State (snail etl_file.cpp) */
	e->h.compression = bh.state & 0xFFFF;
	memset(&s, 0, sizeof(s));
	memset(&b0, 0, sizeof(b0));
	b0.size = bh.size;
	b0.avail = e->size < bh.size ? (uint32_t)e->size : bh.size;
	b0.cpu = bh.cpu;
	if (!(bh.flag & BF_COMPRESSED))
		e->h.compression = 0;
	rc = load_buffer(e, &s, &b0, err);
	if (rc == 0) {
		const char *why = NULL;

		rc = parse_record(e, s.data + BUF_HDR, s.end - BUF_HDR, &r, &used, &last, &why);
		if (rc != 1 || r.hdr != OT_ETL_SYSTEM || r.hook_id != 0) {
			etl_fail(e, err, BUF_HDR, "logfile-header",
				 "not an ETL file: buffer 0 does not start with the log-file header event");
			rc = -1;
		} else {
			r.offset = BUF_HDR;
			rc = parse_logfile_header(e, &r, err);
		}
	} else if (rc > 0) {
		etl_fail(e, err, e->problems[0].offset, "buffer", "buffer 0: %s",
			 e->problems[0].msg);
		rc = -1;
	}
	free(s.own);
	/* load_buffer counted these; the merge reads buffer 0 again */
	e->st.buffers_read = e->st.buffers_compressed = e->st.bytes_decompressed = 0;
	e->st.unparsed = 0;
	e->nproblems = 0;
	if (rc < 0)
		return -1;
	/* compressed files: the format, from buffer 0 (FORMATS.md 1.3) */
	if (e->h.log_file_mode & LFM_COMPRESSED)
		e->h.compression = bh.state & 0xFFFF;
	return build_index(e, err);
}

struct ot_etl *
ot_etl_open_mem(const uint8_t *data, size_t len, const char *name, struct ot_err *err)
{
	struct ot_etl *e = etl_new(name);

	e->mem = data;
	e->size = len;
	if (etl_init(e, err) < 0) {
		ot_etl_close(e);
		return NULL;
	}
	return e;
}

/* ot_etl_open(), ot_etl_open_fd(): the header and index of e->fd */
static struct ot_etl *
etl_open_fd(struct ot_etl *e, struct ot_err *err)
{
	struct stat sb;

	if (fstat(e->fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		etl_fail(e, err, 0, "open", "not a regular file");
		goto fail;
	}
	e->size = (uint64_t)sb.st_size;
	if (etl_init(e, err) < 0)
		goto fail;
	return e;
fail:
	ot_etl_close(e);
	return NULL;
}

struct ot_etl *
ot_etl_open(const char *path, struct ot_err *err)
{
	struct ot_etl *e = etl_new(path);

	e->fd = open(path, O_RDONLY);
	if (e->fd < 0) {
		etl_fail(e, err, 0, "open", "cannot open: %s", strerror(errno));
		ot_etl_close(e);
		return NULL;
	}
	return etl_open_fd(e, err);
}

struct ot_etl *
ot_etl_open_fd(int fd, const char *name, struct ot_err *err)
{
	struct ot_etl *e = etl_new(name);

	e->fd = dup(fd);
	if (e->fd < 0) {
		etl_fail(e, err, 0, "open", "cannot open: %s", strerror(errno));
		ot_etl_close(e);
		return NULL;
	}
	return etl_open_fd(e, err);
}

void
ot_etl_close(struct ot_etl *e)
{
	uint32_t i;

	if (e == NULL)
		return;
	if (e->fd >= 0)
		close(e->fd);
	for (i = 0; i < e->nstreams; i++)
		free(e->streams[i].own);
	free(e->streams);
	free(e->heap);
	free(e->idx);
	free(e->zbuf);
	free(e);
}

const struct ot_etl_header *
ot_etl_header(const struct ot_etl *e)
{
	return &e->h;
}

const struct ot_etl_stats *
ot_etl_stats(const struct ot_etl *e)
{
	return &e->st;
}

void
ot_etl_cpu_buffers(const struct ot_etl *e, uint32_t i, uint32_t *cpu, uint64_t *count)
{
	if (i >= e->nstreams) {
		*cpu = 0;
		*count = 0;
		return;
	}
	*cpu = e->idx[e->streams[i].first].cpu;
	*count = e->streams[i].count;
}

const struct ot_etl_problem *
ot_etl_problems(const struct ot_etl *e, size_t *n)
{
	*n = e->nproblems;
	return e->problems;
}

int
ot_etl_next(struct ot_etl *e, struct ot_etl_record *rec, struct ot_err *err)
{
	struct etl_stream *s;

	if (e->failed)
		return -1;
	if (!e->started) {
		uint32_t i;

		e->started = 1;
		for (i = 0; i < e->nstreams; i++) {
			if (stream_fill(e, &e->streams[i], err) < 0) {
				e->failed = 1;
				return -1;
			}
			if (e->streams[i].has)
				e->heap[e->nheap++] = &e->streams[i];
		}
		for (i = e->nheap / 2; i-- > 0;)
			heap_down(e, i);
	} else if (e->advance) {
		s = e->advance;
		e->advance = NULL;
		if (stream_fill(e, s, err) < 0) {
			e->failed = 1;
			return -1;
		}
		if (!s->has)
			e->heap[0] = e->heap[--e->nheap];
		if (e->nheap)
			heap_down(e, 0);
	}
	if (e->nheap == 0) {
		if (e->has_pending) {
			if (err)
				*err = e->pending;
			return -1;
		}
		return 0;
	}
	s = e->heap[0];
	*rec = s->rec;
	{
		int64_t rel = etl_rel_ns(e, rec->raw_ts);

		rec->rel_ns = rel;
		rec->ts_ns = etl_add_sat(e->h.start_ns, rel);
	}
	e->advance = s;
	e->st.records++;
	if (rec->hdr >= 0 && rec->hdr < OT_ETL_NHDR)
		e->st.by_hdr[rec->hdr]++;
	return 1;
}
