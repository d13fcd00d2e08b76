/*
 * etl.h - native reader of Windows ETW trace files (.etl), without any
 * Windows API.  Format facts: ../shared/FORMATS.md section 1 (buffers,
 * record headers, the log-file header, timestamps), which cites its
 * public sources.
 *
 * The reader walks the file's buffers once to index them (file offset,
 * size, processor, sequence number: a few bytes per buffer), then hands out
 * records in time order with a k-way merge over the per-processor buffer
 * sequences.  It holds one decoded buffer per processor, so its memory is
 * bounded by the number of processors times the buffer size, not by the
 * file size.
 *
 * Damage is reported, never hidden: a record that cannot be parsed ends its
 * buffer and is counted and listed (ot_etl_problems); damage to the buffer
 * chain (a truncated buffer, an impossible BufferSize) ends the walk, and
 * ot_etl_next() returns -1 with file, offset and phase once every record
 * before the damage has been returned.
 */
#ifndef OT_ETL_H
#define OT_ETL_H

#include <stddef.h>
#include <stdint.h>

#include "offtrace/util.h"

/* Limits (P9); documented in man/offtrace.1 LIMITS. */
#define OT_ETL_MAX_BUFFER	(64u << 20)	/* bytes of one (decompressed) buffer */
#define OT_ETL_MAX_CPUS		4096		/* distinct processor indexes */
#define OT_ETL_MAX_EXT		32		/* extended data items per record */
#define OT_ETL_MAX_PROBLEMS	64		/* problems kept for listing (all are counted) */

/* Size of struct ot_etl_header's name strings (UTF-8, truncated). */
#define OT_ETL_NAMELEN		256

enum ot_etl_hdr {
	OT_ETL_SYSTEM,		/* SYSTEM_TRACE_HEADER (kernel) */
	OT_ETL_COMPACT,		/* compact SYSTEM_TRACE_HEADER */
	OT_ETL_PERFINFO,	/* PERFINFO_TRACE_HEADER */
	OT_ETL_CLASSIC,		/* EVENT_TRACE_HEADER (MOF) */
	OT_ETL_INSTANCE,	/* EVENT_INSTANCE_GUID_HEADER */
	OT_ETL_EVENT,		/* EVENT_HEADER (manifest, TraceLogging) */
	OT_ETL_WPP,		/* MESSAGE_TRACE_HEADER */
	OT_ETL_NHDR
};

/* "system", "compact", ... (the jsonl "hdr" values). */
const char *ot_etl_hdr_name(int hdr);

/* Windows SYSTEMTIME, as stored in the time-zone block. */
struct ot_etl_systemtime {
	uint16_t year, month, dow, day, hour, minute, second, ms;
};

/* TRACE_LOGFILE_HEADER (FORMATS.md section 1.7), every field. */
struct ot_etl_header {
	uint32_t buffer_size;		/* nominal session buffer size */
	uint32_t version;		/* Major, Minor, Sub, SubMinor bytes (LE) */
	uint32_t provider_version;	/* OS build */
	uint32_t nprocessors;
	uint64_t end_time;		/* FILETIME */
	uint32_t timer_resolution;	/* 100 ns units */
	uint32_t max_file_size;		/* MB */
	uint32_t log_file_mode;
	uint32_t buffers_written;
	uint32_t start_buffers;
	uint32_t pointer_size;
	uint32_t events_lost;
	uint32_t cpu_speed_mhz;
	uint64_t logger_name_ptr;	/* meaningless in a file */
	uint64_t log_file_name_ptr;
	int32_t tz_bias;		/* minutes, UTC = local + bias */
	char tz_standard_name[OT_ETL_NAMELEN];
	struct ot_etl_systemtime tz_standard_date;
	int32_t tz_standard_bias;
	char tz_daylight_name[OT_ETL_NAMELEN];
	struct ot_etl_systemtime tz_daylight_date;
	int32_t tz_daylight_bias;
	uint64_t boot_time;		/* FILETIME */
	uint64_t perf_freq;		/* QPC Hz */
	uint64_t start_time;		/* FILETIME, UTC */
	uint32_t clock_type;		/* ReservedFlags: 1 QPC, 2 system time, 3 CPU cycles */
	uint32_t buffers_lost;
	char logger_name[OT_ETL_NAMELEN];
	char log_file_name[OT_ETL_NAMELEN];

	/* derived */
	int layout64;			/* 1: 64-bit layout, 0: 32-bit */
	int cpu_byte;			/* 1: the buffers' processor is one byte (OS before
					 * 6.2, Windows 8: ETW_BUFFER_CONTEXT's UCHAR
					 * ProcessorNumber, UCHAR Alignment), 0: u16
					 * ProcessorIndex */
	uint32_t compression;		/* COMPRESSION_FORMAT, 0 when not compressed */
	int64_t start_ns, end_ns, boot_ns;	/* UTC ns since 1970 */
	uint64_t raw_start;		/* header event's raw timestamp (sync point) */
};

/* One extended data item of an EVENT_HEADER record (FORMATS.md 1.6). */
struct ot_etl_ext {
	uint16_t type;
	uint16_t size;
	const uint8_t *data;
};

/*
 * One record.  Pointers (payload, raw, ext[].data) are valid until the next
 * ot_etl_next() or ot_etl_close() call.
 */
struct ot_etl_record {
	int64_t ts_ns;			/* UTC ns since 1970 */
	int64_t rel_ns;			/* ns since the log-file header's start */
	uint64_t raw_ts;		/* logger clock */
	int hdr;			/* enum ot_etl_hdr */
	uint8_t header_type;		/* TRACE_HEADER_TYPE_* byte (0 for WPP) */
	int is_logfile_header;		/* the TRACE_LOGFILE_HEADER record */
	uint8_t provider[16];		/* Windows memory order; kernel: group GUID */
	int kernel_group;		/* 0..255 for SYSTEM/COMPACT/PERFINFO, else -1 */
	uint16_t hook_id;		/* kernel records */
	uint16_t id;			/* EVENT_HEADER id, WPP message number */
	uint16_t version;
	uint8_t channel, level, opcode;
	uint16_t task;
	uint64_t keyword;
	uint16_t flags;			/* EVENT_HEADER flags, WPP option flags */
	uint16_t property;		/* EVENT_HEADER EventProperty */
	uint32_t pid, tid;		/* 0xffffffff when the record has none */
	uint32_t cpu;			/* the buffer's processor index */
	unsigned ptr_size;		/* 4 or 8 */
	const uint8_t *payload;		/* user data */
	size_t len;
	const uint8_t *raw;		/* the whole record */
	size_t raw_len;
	struct ot_etl_ext ext[OT_ETL_MAX_EXT];
	unsigned next;
	uint64_t buffer_index;		/* in file order */
	uint64_t offset;		/* of the record: file offset, or for a compressed
					 * buffer the buffer's file offset + offset in the
					 * decompressed buffer */
};

/* A record that could not be parsed, or a damaged buffer. */
struct ot_etl_problem {
	uint64_t buffer_index;
	uint64_t offset;		/* as ot_etl_record.offset */
	char msg[160];
};

struct ot_etl_stats {
	uint64_t file_size;
	uint64_t buffers;		/* indexed */
	uint64_t buffers_read;		/* decoded so far */
	uint64_t records;		/* returned so far */
	uint64_t by_hdr[OT_ETL_NHDR];
	uint64_t unparsed;		/* records that could not be parsed */
	uint64_t buffers_flag_lost;	/* BufferFlag BUFFER_LOST */
	uint64_t buffers_flag_events_lost;	/* BufferFlag EVENTS_LOST */
	uint64_t buffers_compressed;
	uint32_t ncpus;			/* distinct processor indexes */
	uint64_t bytes_decompressed;
};

struct ot_etl;

/*
 * Recognise an ETL file from its first bytes (at least the first buffer's
 * header and first record; 512 bytes are enough).  1 = ETL, 0 = not.
 */
int ot_etl_probe(const uint8_t *head, size_t len);

/*
 * Open a file and read its log-file header and buffer index.  NULL and err
 * filled (file, offset, phase) when it is not a readable ETL file.
 */
struct ot_etl *ot_etl_open(const char *path, struct ot_err *err);
/* The same over a regular file open as fd (the reader takes a dup of it);
 * name is used in errors. */
struct ot_etl *ot_etl_open_fd(int fd, const char *name, struct ot_err *err);
/* The same over memory the caller keeps alive until ot_etl_close(); name is
 * used in errors. */
struct ot_etl *ot_etl_open_mem(const uint8_t *data, size_t len, const char *name,
			       struct ot_err *err);
void ot_etl_close(struct ot_etl *e);

const struct ot_etl_header *ot_etl_header(const struct ot_etl *e);
const struct ot_etl_stats *ot_etl_stats(const struct ot_etl *e);
/* Buffers per processor: cpu index of slot i, count of slot i, i < stats.ncpus. */
void ot_etl_cpu_buffers(const struct ot_etl *e, uint32_t i, uint32_t *cpu, uint64_t *count);
/* The problems kept so far (at most OT_ETL_MAX_PROBLEMS; stats.unparsed counts all). */
const struct ot_etl_problem *ot_etl_problems(const struct ot_etl *e, size_t *n);

/*
 * The next record in time order: 1 a record, 0 the end, -1 an error (err
 * filled; records before the damage have been returned).
 */
int ot_etl_next(struct ot_etl *e, struct ot_etl_record *rec, struct ot_err *err);

/* Classic kernel group GUID and name for a HookId group (FORMATS.md 1.5);
 * 0 found, -1 not. */
int ot_etl_kernel_group(unsigned group, unsigned type, uint8_t guid[16], const char **name);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" from Windows memory order. */
void ot_etl_guid_str(const uint8_t g[16], char out[37]);

/* UTC ns since 1970 for a FILETIME, saturating. */
int64_t ot_etl_filetime_ns(uint64_t ft);

#endif
