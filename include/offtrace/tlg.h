/*
 * tlg.h - TraceLogging self-describing events in .etl files: the event
 * metadata (extended item 11, EVENT_SCHEMA_TL) gives the event name and
 * each field's name and types; the provider traits (item 12) give the
 * provider name.  Layouts: ../shared/FORMATS.md section 1.6 (airbus
 * etl-parser etl/parsers/tracelogging.py, dissect.etl headers/event.py).
 */
#ifndef OT_TLG_H
#define OT_TLG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OT_TLG_MAX_FIELDS	128	/* fields per event (P9) */
#define OT_TLG_MAX_ARRAY	4096	/* elements printed per array field */

/* Array kinds of a field (InType bits 0x20 / 0x40). */
enum { OT_TLG_SCALAR, OT_TLG_CONST_ARRAY, OT_TLG_VAR_ARRAY };

struct ot_tlg_field {
	const char *name;	/* NUL-terminated, inside the metadata item */
	uint8_t in;		/* InType, low 5 bits */
	uint8_t out;		/* OutType (struct: number of member fields) */
	uint8_t array;
	uint16_t count;		/* constant-count arrays */
};

struct ot_tlg_event {
	const char *name;	/* NUL-terminated, inside the metadata item */
	struct ot_tlg_field f[OT_TLG_MAX_FIELDS];
	unsigned nf;
};

/*
 * Parse an EVENT_SCHEMA_TL item.  Names point into p, which must outlive
 * ev.  0 ok, -1 malformed (*why set).
 */
int ot_tlg_meta(const uint8_t *p, size_t n, struct ot_tlg_event *ev, const char **why);

/* Provider name from a PROV_TRAITS item: 0 ok (*name NUL-terminated in p). */
int ot_tlg_provider(const uint8_t *p, size_t n, const char **name);

/*
 * Print the payload's fields: text " name=value" pairs, or with json
 * "name":value members separated by commas.  0 when every byte was
 * consumed by the fields, -1 when the payload does not match (what was
 * decoded is printed, then the rest as hex under "rest").
 */
int ot_tlg_print(FILE *f, const struct ot_tlg_event *ev, const uint8_t *p, size_t n,
		 unsigned ptr_size, int json);

/* Print bytes as lowercase hex. */
void ot_tlg_hex(FILE *f, const uint8_t *p, size_t n);

#endif
