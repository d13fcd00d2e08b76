/*
 * ingest.h - the pipeline: open inputs, detect their format from the bytes,
 * merge their events by time (ties keep input order), store every event and
 * feed the engine, all in one database transaction.
 */
#ifndef OT_INGEST_H
#define OT_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "offtrace/engine.h"
#include "offtrace/store.h"
#include "offtrace/util.h"

struct ot_ingest_opts {
	const char *name;	/* trace label; NULL: the inputs' base names */
	int force;		/* re-ingest an input already in the database */
	uint64_t tcp_capacity;	/* L4; 0 = unknown */
	int64_t since, until;	/* keep events with since <= ts < until */
	const char *adapter;	/* keep only this adapter's events; NULL = all */
	int64_t grace_ns;	/* W1 --grace (default OT_GRACE_DEFAULT) */
	int64_t pcap_offset;	/* --pcap-offset: added to pcap/pcapng packet times */
	/* tracefmt text and WPP (profile.h): --profile files (before the
	 * built-in chimney profile), --tmf directory, --prefix, --tz-offset */
	const char *const *profiles;
	size_t nprofiles;
	const char *tmf_dir;
	const char *prefix;	/* TRACE_FORMAT_PREFIX of text inputs; NULL: default */
	const char *member;	/* --member GLOB: archive members, files of directories */
	int64_t tz_offset_ns;	/* tracefmt local time = UTC + this */
	int tz_set;		/* --tz-offset given (else text times are read as UTC) */
	/* pktmon packets: --appearances all, --component N (source.h) */
	int appearances_all;
	int has_component;
	unsigned component;
	/* called about every 100 ms of work; may be NULL */
	void (*progress)(void *ctx, uint64_t bytes, uint64_t total, uint64_t events);
	void *progress_ctx;
	/* with progress: the inputs the paths held, once known */
	void (*inputs)(void *ctx, const char *const *names, size_t n);
};

void ot_ingest_opts_init(struct ot_ingest_opts *o);

struct ot_ingest_result {
	int64_t trace_id;
	uint64_t events;
	int64_t start_ts, end_ts;
	struct ot_engine_stats engine;
	uint64_t packets;	/* captured packets merged (pcap, pcapng) */
	size_t inputs;		/* inputs read (an archive's members each) */
};

/* All or nothing: on failure the database is as it was. */
int ot_ingest(struct ot_db *db, const char *const *paths, size_t n,
	      const struct ot_ingest_opts *o, struct ot_ingest_result *res,
	      struct ot_err *err);

#endif
