/*
 * progress.h - the one-line progress bar of long work (ingest) on a
 * terminal: the file being read, bytes done of the total, events per
 * second and the time left.  The caller decides whether to show it (only
 * when stderr is a terminal, not with -q or --no-progress); this module
 * only draws, at most ten times a second, and clears the line at the end.
 */
#ifndef OT_PROGRESS_H
#define OT_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ot_progress;

/*
 * A bar on out (a terminal) of width columns for reading the n inputs in
 * paths (borrowed: they must outlive the bar).
 */
struct ot_progress *ot_progress_new(FILE *out, int width,
				    const char *const *paths, size_t n);
/*
 * The callback of struct ot_ingest_opts (ctx is the bar): redraws when
 * 100 ms have passed since the last drawing, or when nothing was drawn yet.
 */
void ot_progress_update(void *ctx, uint64_t bytes, uint64_t total,
			uint64_t events);
/*
 * The inputs the paths held (struct ot_ingest_opts.inputs; ctx is the
 * bar): a member of an archive shows as ARCHIVE:MEMBER, the archive by
 * its base name.
 */
void ot_progress_inputs(void *ctx, const char *const *names, size_t n);
/* Clear the line (so the next message starts clean) and free; NULL is fine. */
void ot_progress_free(struct ot_progress *p);

#endif
