/*
 * wpp.h - binary WPP messages: the MESSAGE_TRACE_HEADER of an .etl record
 * (../shared/FORMATS.md section 2.1) and its arguments decoded and
 * rendered with a TMF message (tmf.h) the way tracefmt prints them.
 *
 *   +0 u16 Size | +2 u8 reserved | +3 u8 0x90 marker | +4 u16 MessageNumber
 *   +6 u16 OptionFlags, then in this order when their flag is set:
 *   0x01 u32 sequence; 0x04 u32 component id, else 0x02 16-byte message
 *   GUID; 0x08 u64 timestamp; 0x20 u32 thread id, u32 process id; then the
 *   arguments packed with no alignment.  0x40 / 0x80: 4- / 8-byte pointers.
 */
#ifndef OT_WPP_H
#define OT_WPP_H

#include <stddef.h>
#include <stdint.h>

#include "offtrace/tmf.h"
#include "offtrace/util.h"

#define OT_WPP_SEQUENCE		0x0001
#define OT_WPP_GUID		0x0002
#define OT_WPP_COMPONENTID	0x0004
#define OT_WPP_TIMESTAMP	0x0008
#define OT_WPP_SYSTEMINFO	0x0020
#define OT_WPP_POINTER32	0x0040
#define OT_WPP_POINTER64	0x0080

/* Bytes of rendered text kept for one message (longer text is cut). */
#define OT_WPP_MAX_TEXT		8192

struct ot_wpp_msg {
	uint16_t number, opt;
	int has_seq, has_guid, has_compid, has_ts, has_sys;
	uint32_t seq, compid, tid, pid;
	uint8_t guid[16];		/* Windows memory order */
	uint64_t ts;			/* logger clock */
	unsigned ptr_size;		/* 4 or 8 */
	const uint8_t *args;		/* into the record */
	size_t args_len;
};

/*
 * Parse the header of a MESSAGE record (raw, len: the whole record, Size
 * included).  default_ptr is the log file's pointer size, used when the
 * record's flags give none.  0, or -1 with err filled (phase "wpp").
 */
int ot_wpp_parse(const uint8_t *raw, size_t len, unsigned default_ptr,
		 struct ot_wpp_msg *m, struct ot_err *err);

/* Where and when the message was logged, for the prefix. */
struct ot_wpp_where {
	uint32_t cpu;
	int64_t ts_ns;			/* UTC ns since 1970 */
};

/*
 * Render the message as tracefmt does: the default prefix
 * "[CPU]PID.TID::MM/DD/YYYY-HH:MM:SS.mmm [friendly]" where the format says
 * %0 (time in UTC), then the text from the format string.  out gets at most
 * cap bytes, NUL included.  0 ok; -1 when the arguments overrun the record
 * or are fewer than the TMF says (*why says which; the text is still
 * rendered, missing values as "<?>").
 */
int ot_wpp_format(const struct ot_tmf_msg *tm, const struct ot_wpp_msg *m,
		  const struct ot_wpp_where *w, char *out, size_t cap,
		  const char **why);

/* ot_wpp_render() flags. */
#define OT_WPP_NO_PREFIX	0x1	/* %0 and the default prefix print nothing */
#define OT_WPP_RAW_STRINGS	0x2	/* string bytes as they are (profile matching) */

/* ot_wpp_format() with flags; ot_wpp_format() is flags 0. */
int ot_wpp_render(const struct ot_tmf_msg *tm, const struct ot_wpp_msg *m,
		  const struct ot_wpp_where *w, unsigned flags, char *out, size_t cap,
		  const char **why);

/* One decoded argument (ot_wpp_args). */
struct ot_wpp_val {
	int ok;			/* 0: past the end of the record */
	uint64_t u;		/* integers, zero-extended */
	const uint8_t *p;	/* the bytes: strings (no NUL), GUIDs, addresses */
	size_t n;
};

/*
 * Decode the arguments of m in the order of tm (v: tm->nargs entries).
 * 0, or -1 when they overrun the record (*why says so; the arguments
 * before the overrun are decoded, ok set).
 */
int ot_wpp_args(const struct ot_tmf_msg *tm, const struct ot_wpp_msg *m,
		struct ot_wpp_val *v, const char **why);

/* "STATUS_PENDING" etc. for common NTSTATUS codes, then NDIS names, or NULL. */
const char *ot_wpp_status_name(uint32_t code);

#endif
