/*
 * source.h - every input kind behind one interface.
 *
 * A source is opened from a path; the detector (src/source/source.c, one
 * table of probe and opener) reads its first bytes and picks the kind.
 * Each kind implements struct ot_source_ops once, as libpcap's pcap_t does
 * with its per-format read_op: JSON lines (src/source/jsonl.c), .etl
 * through the profiles with its NDIS-PacketCapture and PktMon packets (etl.c),
 * tracefmt text through the profiles (text.c), pcap and pcapng (capture.c).
 *
 * A source yields items in time order through one ot_source_next(): a
 * normalized event, a packet or a packet a component dropped, or, in raw
 * mode (OT_SRC_RAW, for dump), the records a kind is made of.  It reports one set of statistics and
 * one error form (struct ot_err: file, offset, phase).
 *
 * Commands and the ingest pipeline use only this header; no command
 * outside the sources names a format's reader.
 */
#ifndef OT_SOURCE_H
#define OT_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "offtrace/event.h"
#include "offtrace/etl.h"
#include "offtrace/pcap.h"
#include "offtrace/util.h"
#include "offtrace/wpptext.h"

/* What ot_source_next() gave. */
enum ot_item_kind {
	OT_ITEM_EVENT = 1,	/* a normalized event: ev */
	OT_ITEM_PACKET,		/* a packet: pkt (ev.ts is its merge time) */
	OT_ITEM_RECORD,		/* raw mode, .etl: one record, rec */
	OT_ITEM_MESSAGE,	/* raw mode, tracefmt text: one message, msg */
	OT_ITEM_DROP		/* a packet a component dropped (pktmon event
				 * 170): pkt, with pkt.meta; not a packet of
				 * the flows */
};

struct ot_item {
	int kind;		/* enum ot_item_kind */
	struct ot_event ev;	/* EVENT; ev.ts is the time of every kind */
	struct ot_packet pkt;	/* PACKET (valid until the next call) */
	struct ot_etl_record rec;	/* RECORD (valid until the next call) */
	struct ot_wpptext_msg msg;	/* MESSAGE (valid until the next call) */
};

/* ot_source_opts.flags */
#define OT_SRC_PACKETS	0x1	/* .etl: NDIS-PacketCapture records as packets */
#define OT_SRC_ORDERED	0x2	/* captures: a packet earlier than the one
				 * before is given that one's time (counted
				 * as reordered) so that items merge in order */
#define OT_SRC_RAW	0x4	/* records and messages, not events (dump) */
#define OT_SRC_NO_PROFILE	0x8	/* .etl: no profile beyond the built-in
				 * chimney and TCPIP ones (flows, dump) */
#define OT_SRC_NO_BUILTIN	0x10	/* ctx: the --profile files only, not the
				 * built-in chimney profile (profile check) */

/* How the sources of one run read their inputs. */
struct ot_source_opts {
	const char *const *profiles;	/* --profile files, tried before the
					 * built-in chimney profile */
	size_t nprofiles;
	const char *tmf_dir;		/* --tmf: WPP messages of .etl files */
	const char *prefix;		/* --prefix: TRACE_FORMAT_PREFIX of text;
					 * any text file is then read as tracefmt */
	int tz_set;			/* --tz-offset given */
	int64_t tz_offset_ns;		/* tracefmt local time = UTC + this */
	int64_t pkt_offset_ns;		/* --pcap-offset: captures' clock shift */
	unsigned flags;			/* OT_SRC_* */
	/* packets a logger records once per component they pass (pktmon):
	 * by default each once, at its first appearance whose frame is IP */
	int appearances_all;		/* --appearances all: every appearance */
	int has_component;		/* --component N: the appearances at N only */
	unsigned component;
	const char *member;		/* --member GLOB: the members of
					 * archives and files of directories
					 * it matches (fnmatch(3)) */
};

/* Unmatched kinds an ingest keeps per input in the database. */
#define OT_SOURCE_MAX_UNMATCHED	64

/* A raw record or message no profile rule matched, counted by kind. */
struct ot_source_unmatched {
	char key[192];		/* text: the function name or first words;
				 * .etl: "PROVIDER #ID" (WPP: message GUID, number) */
	char meta[192];		/* the database's name for it: "text KEY" or
				 * "PROVIDER ID" */
	uint64_t count;
	const char *func;	/* a WPP message its TMF describes: function */
	const char *format;	/* and format string; else NULL */
};

/* A damaged part of an input the reader stepped over. */
struct ot_source_problem {
	uint64_t buffer;	/* .etl buffer index */
	uint64_t offset;	/* byte offset in the file */
	const char *msg;
};

struct ot_source_stats {
	const char *format;	/* for the inputs table: "jsonl", "etl",
				 * "tracefmt local", "tracefmt+02:00", "pcap", ... */
	int capture;		/* packets only, on the capture's own clock */
	uint64_t bytes;		/* bytes read so far, for progress */
	uint64_t records;	/* lines, .etl records, messages or packets read */
	uint64_t corrupt;	/* records that could not be parsed */
	uint64_t unmatched;	/* records no profile matched */
	size_t kinds;		/* distinct unmatched kinds kept */
	uint64_t others;	/* unmatched records of kinds not kept */
	uint64_t no_format;	/* tracefmt "No Format Information found." */
	uint64_t lines;		/* text lines read */
	uint64_t headers;	/* tracefmt "EventTrace" header lines */
	uint64_t skipped;	/* other text lines without the prefix */
	uint64_t continued;	/* text continuation lines, in their message */
	uint64_t lost_events;	/* the logger's EventsLost */
	uint64_t lost_buffers;	/* BuffersLost + buffers flagged lost */
	uint64_t reordered;	/* packets merged at an earlier one's time */
	struct ot_source_appear {	/* .etl: pktmon's packets */
		uint64_t appearances;	/* packet records (event 160) */
		uint64_t counted;	/* packets given */
		uint64_t repeats;	/* appearances of a packet already given */
		uint64_t other_component;	/* elsewhere than --component */
		uint64_t drops;		/* drop records given (event 170) */
		uint64_t components;	/* components the trace names */
		uint64_t malformed;	/* packet records shorter than their fields say */
		/* by PKTMON_PACKET_TYPE (names: type_names; the last slot
		 * counts the others): packets none of whose appearances had
		 * an IP frame, or with --appearances all or --component,
		 * appearances that are no frame */
		uint64_t not_ip[13];
		const char *const *type_names;
	} appear;
};

struct ot_source;
struct ot_etl;
struct ot_source_ctx;

/*
 * The decoders the sources of one run share: the --profile files and the
 * built-in chimney profile, the --tmf directory, the --prefix.  Strings of
 * the events go to st (NULL: the ctx's own, for callers that keep none).  NULL and err on a bad profile (phase "profile"),
 * TMF directory or prefix.
 */
struct ot_source_ctx *ot_source_ctx_new(const struct ot_source_opts *o,
					struct ot_strtab *st, struct ot_err *err);
void ot_source_ctx_free(struct ot_source_ctx *c);
/* Rules of the ctx's profiles (the built-in one included). */
size_t ot_source_ctx_rules(const struct ot_source_ctx *c);
/* The --tmf directory (NULL without one), for dump's WPP printing. */
struct ot_tmfdir;
const struct ot_tmfdir *ot_source_ctx_tmf(const struct ot_source_ctx *c);

/*
 * The inputs that paths hold, in order: a plain file is itself; a
 * directory is the files below it, sorted by path; an archive (zip, tar
 * with any compression, cab, 7z, ISO, ... through libarchive) is its
 * members whose content a source reads, named "ARCHIVE:MEMBER", one
 * nested archive deep; a compressed file (gzip, zstd, xz, bzip2, lz4) is
 * its content under its own name; "-", a FIFO or /dev/stdin is read once,
 * without seeking.  Members and files below a directory that no source
 * reads are skipped (ot_source_skipped()); a file named in paths is not:
 * ot_source_detect() and ot_source_open() say what it is.  names (kept by
 * c until the next call) are for ot_source_detect() and ot_source_open().
 * -1 and err (phase "archive" with the member and offset, "open",
 * "detect", "spool") when a path cannot be read.
 */
int ot_source_expand(struct ot_source_ctx *c, const char *const *paths, size_t n,
		     const char *const **names, size_t *count, struct ot_err *err);

/* A member or file ot_source_expand() skipped, and the detector's word. */
struct ot_source_skip {
	char *name;
	const char *kind;
};
size_t ot_source_skipped(const struct ot_source_ctx *c, const struct ot_source_skip **v);

/*
 * The kind of input at path, from its first bytes: "pcap", "pcapng",
 * "etl", "wpptext", "jsonl", "text" (with --prefix), or, for what no
 * source reads, "empty", "binary" or "text".  NULL and err when it cannot
 * be opened.
 */
const char *ot_source_detect(const struct ot_source_ctx *c, const char *path,
			     struct ot_err *err);
/* Is there a source for that kind? */
int ot_source_readable(const char *kind);

/*
 * Open path as the detector says (kind NULL) or as kind; index is the
 * input's position, ev.input of its events.  NULL and err when the file
 * is no such input or cannot be read.
 */
struct ot_source *ot_source_open(struct ot_source_ctx *c, const char *path,
				 const char *kind, uint32_t index, struct ot_err *err);
/* 1 an item, 0 the end, -1 an error (err: file, offset, phase). */
int ot_source_next(struct ot_source *s, struct ot_item *it, struct ot_err *err);
/* Byte offset of the last item's record, where it means something; else 0. */
uint64_t ot_source_offset(const struct ot_source *s);
/* The kind it was opened as ("etl", "wpptext", ...). */
const char *ot_source_kind(const struct ot_source *s);
void ot_source_stats(struct ot_source *s, struct ot_source_stats *st);
/* The unmatched kinds kept, most frequent first; the damage kept. */
size_t ot_source_unmatched(struct ot_source *s, const struct ot_source_unmatched **v);
size_t ot_source_problems(struct ot_source *s, const struct ot_source_problem **v);
/*
 * Facts about the input for the database's meta table, as (name, value)
 * with the name's input number left to the caller ("tz", "no_format",
 * "pcap_offset_ns", "capture_reordered"); stops and returns the first
 * non-zero value put() returns.
 */
int ot_source_facts(struct ot_source *s, int (*put)(void *ctx, const char *name,
						    const char *value),
		    void *ctx);
/* sha256 of the whole input (lowercase hex), after the last item; for
 * content from an archive, a compressed file or a stream, that of the
 * content itself, whose size in bytes is then in *size (else left). */
int ot_source_sha256(struct ot_source *s, char hex[65], uint64_t *size, struct ot_err *err);
/* The size of an input ot_source_expand() found, when known before it is
 * read (a plain file's, an archive header's); -1 when not. */
int64_t ot_source_input_size(const struct ot_source_ctx *c, const char *name);
/* The .etl reader of an .etl source opened with OT_SRC_RAW (a plain file,
 * or the temporary copy of compressed or archived content), for a caller
 * that reads its records and header itself (offtrace info); NULL for any
 * other source.  It belongs to the source: ot_source_close() closes it. */
struct ot_etl *ot_source_etl(struct ot_source *s);
void ot_source_close(struct ot_source *s);

/* Free what the calling thread's reading kept (before a reader thread
 * exits). */
void ot_source_thread_release(void);

/* --tz-offset: "+02:00", "-05:30", "Z": ns; 0 or -1. */
int ot_source_parse_tz(const char *s, int64_t *offset_ns);

#endif
