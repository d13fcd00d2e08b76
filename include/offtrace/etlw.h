/*
 * etlw.h - an .etl writer for offtrace gen: normalized events become
 * EVENT_HEADER records of the "chimney" provider (chimney.h) in per-CPU
 * buffers, behind a 64-bit TRACE_LOGFILE_HEADER, with a QPC clock.
 * Layouts: ../shared/FORMATS.md section 1.
 */
#ifndef OT_ETLW_H
#define OT_ETLW_H

#include <stdint.h>
#include <stdio.h>

#include "offtrace/event.h"
#include "offtrace/util.h"

struct ot_etlw_opts {
	uint32_t buffer_size;	/* bytes per buffer, multiple of 8, >= 4096 */
	uint64_t perf_freq;	/* QPC ticks per second */
	uint32_t ncpu;		/* processors; events' cpu is taken modulo */
	uint32_t events_lost;	/* EventsLost to record in the header (tests) */
};

struct ot_etlw;

/*
 * The layout of the OS that wrote a file: Windows 10 (the default: log-file
 * header Version 10.0, buffers' u16 ProcessorIndex) or Windows 7 (Version
 * 6.1, ProviderVersion 7601, buffers' UCHAR ProcessorNumber followed by
 * UCHAR Alignment 8; see etlw.c).
 */
enum ot_etlw_layout { OT_ETLW_WIN10 = 0, OT_ETLW_WIN7 };

/* out must be seekable (the header is rewritten at close). */
struct ot_etlw *ot_etlw_open(FILE *out, const struct ot_etlw_opts *o,
			     int64_t start_ns, struct ot_err *err);
/* The same in a layout (enum ot_etlw_layout). */
struct ot_etlw *ot_etlw_open_layout(FILE *out, const struct ot_etlw_opts *o, int layout,
				    int64_t start_ns, struct ot_err *err);
/* One EVENT_HEADER64 record of any provider. */
struct ot_etlw_rec {
	int64_t ts;		/* ns UTC, non-decreasing, >= start_ns */
	uint32_t cpu, pid, tid;
	uint8_t provider[16];	/* Windows memory order */
	uint16_t id, task;
	uint8_t version;
	uint64_t keyword;
	const uint8_t *payload;
	size_t len;
};
int ot_etlw_record(struct ot_etlw *w, const struct ot_etlw_rec *rec,
		   struct ot_err *err);
/* A normalized event as a chimney-provider record (chimney.h). */
int ot_etlw_event(struct ot_etlw *w, const struct ot_event *ev,
		  struct ot_err *err);
/*
 * Append a record built by the caller (raw, len bytes, e.g. a WPP
 * MESSAGE_TRACE_HEADER record) to processor cpu's buffer, padded to 8
 * bytes.  ts orders it like ot_etlw_record(); when ts_off is not
 * (size_t)-1, the record's u64 logger timestamp at that offset is set
 * from ts.
 */
int ot_etlw_raw(struct ot_etlw *w, uint32_t cpu, int64_t ts, const uint8_t *raw,
		size_t len, size_t ts_off, struct ot_err *err);
/* Flush, rewrite the header (end time, buffer count), free. */
int ot_etlw_close(struct ot_etlw *w, int64_t end_ns, struct ot_err *err);

#endif
