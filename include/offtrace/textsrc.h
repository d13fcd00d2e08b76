/*
 * textsrc.h - normalized events from tracefmt text (wpptext.h) through a
 * profile (profile.h): each message the profile's text rules match becomes
 * one event (time, CPU, PID and TID from the line's prefix); messages no
 * rule matches are counted by their function name or first words.
 */
#ifndef OT_TEXTSRC_H
#define OT_TEXTSRC_H

#include <stdint.h>

#include "offtrace/event.h"
#include "offtrace/profile.h"
#include "offtrace/util.h"
#include "offtrace/wpptext.h"

struct ot_textsrc;

/* p and pf (may be NULL: the default prefix) are borrowed until close. */
struct ot_textsrc *ot_textsrc_open(const char *path, const struct ot_profile *p,
				   const struct ot_wpptext_prefix *pf, int64_t tz_ns,
				   struct ot_strtab *st, struct ot_err *err);
/* The same over an open reader (taken: closed by ot_textsrc_close). */
struct ot_textsrc *ot_textsrc_new(struct ot_wpptext *rd, const struct ot_profile *p,
				  const struct ot_wpptext_prefix *pf, int64_t tz_ns,
				  struct ot_strtab *st);
/* 1 an event, 0 the end, -1 an error (err: file, line, phase). */
int ot_textsrc_next(struct ot_textsrc *s, struct ot_event *ev, struct ot_err *err);
const struct ot_wpptext_stats *ot_textsrc_stats(const struct ot_textsrc *s);
/* Messages no rule matched: the tally sorted, most frequent first. */
const struct ot_tally *ot_textsrc_unmatched(struct ot_textsrc *s);
uint64_t ot_textsrc_bytes(const struct ot_textsrc *s);
/* ot_wpptext_sha256() of the text under it. */
int ot_textsrc_sha256(const struct ot_textsrc *s, char hex[65]);
void ot_textsrc_close(struct ot_textsrc *s);

#endif
