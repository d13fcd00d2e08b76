/*
 * jsonl.h - reader of normalized events, one JSON object per line
 * (DESIGN.md section 2, schemas/event.schema.json).  cJSON parses the
 * object; ts and 64-bit fields are read from their digits, never through
 * double.
 */
#ifndef OT_JSONL_H
#define OT_JSONL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "offtrace/event.h"
#include "offtrace/util.h"

#define OT_JSONL_MAX_LINE 65536	/* bytes, newline excluded */

/*
 * Parse one line (no newline) into ev.  ev->input and ev->line are left to
 * the caller.  On error fills err->msg and err->phase (file/line are the
 * caller's) and returns -1.
 */
int ot_jsonl_parse_line(const char *line, size_t len, struct ot_strtab *st,
			struct ot_event *ev, struct ot_err *err);
/*
 * The same through cJSON alone: the reference the fast path of
 * ot_jsonl_parse_line (plain flat lines, read in one pass) must agree with,
 * for the tests; ot_jsonl_parse_line gives it every line the fast path
 * does not take, so errors are always its.
 */
int ot_jsonl_parse_line_cjson(const char *line, size_t len, struct ot_strtab *st,
			      struct ot_event *ev, struct ot_err *err);

/* Free the calling thread's parse arena (call before a reader thread exits). */
void ot_jsonl_thread_release(void);

struct ot_jsonl;
/* f is borrowed; name is used in errors. */
struct ot_jsonl *ot_jsonl_open(FILE *f, const char *name, uint32_t input,
			       struct ot_strtab *st);
/* 1 = an event, 0 = end of input, -1 = error (err has file and line). */
int ot_jsonl_next(struct ot_jsonl *r, struct ot_event *ev, struct ot_err *err);
uint64_t ot_jsonl_bytes(const struct ot_jsonl *r);	/* bytes consumed */
uint64_t ot_jsonl_lines(const struct ot_jsonl *r);
/* Byte offset of the line of the last event returned. */
uint64_t ot_jsonl_line_offset(const struct ot_jsonl *r);
/* sha256 of every byte read so far (complete at end of input). */
void ot_jsonl_sha256(struct ot_jsonl *r, char hex[65]);
void ot_jsonl_close(struct ot_jsonl *r);

#endif
