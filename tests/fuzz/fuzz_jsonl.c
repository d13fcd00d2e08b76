/*
 * fuzz_jsonl.c - libFuzzer harness for the JSON-lines reader, driven end to
 * end: every line that parses is stored and fed to the engine, in an
 * in-memory database, exactly as ingest does.  Each line also goes through
 * the cJSON path alone: the fast path of ot_jsonl_parse_line must agree
 * with it (the same result, event and message), else the harness aborts.
 *
 *   make fuzz && build/fuzz/fuzz_jsonl -runs=100000 testdata/samples
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/engine.h"
#include "offtrace/jsonl.h"
#include "offtrace/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ot_strtab *st = ot_strtab_new();
	struct ot_err err;
	struct ot_db *db = NULL;
	struct ot_engine *e = NULL;
	struct ot_event ev;
	int64_t trace_id, last = INT64_MIN, first = 0;
	uint64_t id = 0;
	size_t off = 0;

	memset(&err, 0, sizeof(err));
	if (ot_db_open(":memory:", 0, &db, &err) < 0)
		goto out;
	if (ot_db_begin_trace(db, "fuzz", &trace_id, &err) < 0)
		goto out;
	e = ot_engine_new(&ot_db_sink, db, NULL);
	while (off < size) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t len = nl ? (size_t)(nl - (data + off)) : size - off;

		struct ot_event ref;
		struct ot_err rerr;
		int rc = -1;

		if (len <= OT_JSONL_MAX_LINE) {
			memset(&rerr, 0, sizeof(rerr));
			rc = ot_jsonl_parse_line((const char *)data + off, len, st, &ev, &err);
			if (rc != ot_jsonl_parse_line_cjson((const char *)data + off, len, st,
							    &ref, &rerr) ||
			    (rc == 0 && memcmp(&ev, &ref, sizeof(ev)) != 0) ||
			    (rc < 0 && strcmp(err.msg, rerr.msg) != 0))
				abort();	/* the fast path and cJSON disagree */
		}
		if (rc == 0 && ev.ts >= last) {
			ev.id = ++id;
			ev.line = id;
			if (id == 1)
				first = ev.ts;
			last = ev.ts;
			if (ot_db_add_event(db, &ev, &err) < 0 || ot_engine_feed(e, &ev) < 0)
				goto abort;
		}
		off += len + 1;
	}
	if (id > 0 && ot_engine_finish(e, last) == 0) {
		struct ot_input_info in;

		memset(&in, 0, sizeof(in));
		in.path = "fuzz";
		in.format = "jsonl";
		memset(in.sha256, 'a', 64);
		if (ot_db_finish_trace(db, &in, 1, first, last, 1, &err) == 0)
			goto out;
	}
abort:
	ot_db_abort_trace(db);
out:
	ot_engine_free(e);
	ot_db_close(db);
	ot_strtab_free(st);
	return 0;
}
