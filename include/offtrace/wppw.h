/*
 * wppw.h - writers of the chimney WPP vocabulary (schemas/profiles/
 * chimney.json) for offtrace gen: normalized events as tracefmt text, or
 * as binary WPP MESSAGE records in an .etl with the TMF file that decodes
 * them, both rendered from the built-in profile's rules (profile.h).
 */
#ifndef OT_WPPW_H
#define OT_WPPW_H

#include <stdio.h>

#include "offtrace/util.h"

/*
 * Read normalized events (JSON lines) from in, from its start, and write
 * them to out as tracefmt text with the default prefix (times in UTC with
 * nine fractional digits, as "tracefmt -hires" would).
 */
int ot_wppw_text(FILE *in, FILE *out, struct ot_err *err);

/*
 * The same events as WPP MESSAGE records (sequence, message GUID,
 * timestamp, thread and process, 64-bit pointers) in an .etl written to
 * out (seekable), and the TMF file of their messages into the directory
 * tmfdir (created if missing): tmfdir/<message GUID>.tmf.
 */
int ot_wppw_etl(FILE *in, FILE *out, const char *tmfdir, struct ot_err *err);

#endif
