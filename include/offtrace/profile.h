/*
 * profile.h - profiles: raw records to normalized events, as data
 * (DESIGN.md section 3; the format is schemas/profile.schema.json).
 *
 * A profile is a JSON object read with cJSON:
 *
 *   { "profile": "acme", "set": { "layer": "target" },
 *     "map": { "state": { "1": "neighbor", "3": "tcp" } },
 *     "rules": [ { "func": "AcmeOffloadStart",
 *                  "template": "conn={root:ptr} kind={state:u32}",
 *                  "set": { "ev": "initiate" } }, ... ] }
 *
 * A rule matches one kind of raw record:
 *
 *   manifest ETW events  "provider" (GUID) + "id" [+ "version"], with an
 *                        ordered "payload" layout [{"name","type"}...];
 *   binary WPP           "guid" and/or "number" (the message GUID and
 *                        number), and/or "format" (the TMF format text),
 *                        with "args": the TMF arguments' field names in
 *                        order, or a "template" matched against the
 *                        message rendered with its TMF;
 *   text (tracefmt)      "func" (the function name the message starts
 *                        with: "[Func]", "Func:" or "!Func[line]!") and/or
 *                        "template"; optionally "friendly" (the [name] of
 *                        the prefix).  Text rules also match binary WPP
 *                        messages, through their rendered text (FUNC from
 *                        the TMF when the text does not start with it).
 *
 * Templates are literal text and typed placeholders {field:type}; "{?"
 * ... "}" is an optional group (its fields absent when it does not
 * match); "{{" and "}}" are literal braces.  The template must match the
 * whole message (after the function name when "func" is given).  Literal
 * segments are compared with memcmp and placeholders by typed scanners:
 * no regular expressions.  A field whose name starts with '_' is matched
 * but not stored.
 *
 * Fields: ev layer adapter state root block parent slot handle value nbl
 * status code reason src sport dst dport cpu pid tid.  A rule's "set"
 * gives constants, the profile's "set" defaults for every rule; captured
 * values win over constants.  "map" turns vendor values into normalized
 * ones per field ({"state": {"3": "tcp"}}, {"ev": {"Start": "initiate"}});
 * a value no map lists is used as it is, and a value that does not fit
 * its field (an unknown ev name, say) makes the rule not match.
 */
#ifndef OT_PROFILE_H
#define OT_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "offtrace/event.h"
#include "offtrace/tmf.h"
#include "offtrace/util.h"
#include "offtrace/wpp.h"

/* Limits (P9); documented in man/offtrace.1 LIMITS. */
#define OT_PROFILE_MAX_FILE	(4u << 20)	/* bytes of one profile file */
#define OT_PROFILE_MAX_RULES	4096		/* rules of all profiles */
#define OT_PROFILE_MAX_CAPS	32		/* placeholders of one template */
#define OT_PROFILE_MAX_TALLY	4096		/* distinct unmatched keys kept */
#define OT_PROFILE_MAX_ADAPTER	255		/* bytes of an adapter name */

/* The built-in chimney profile (schemas/profiles/chimney.json, embedded). */
extern const char ot_profile_chimney_json[];
/* The chimney vocabulary's WPP message GUID (gen --format wpp), Windows order. */
extern const uint8_t ot_chimney_wpp_guid[16];
#define OT_CHIMNEY_WPP_FRIENDLY "chimney"

struct ot_profile;

struct ot_profile *ot_profile_new(void);
void ot_profile_free(struct ot_profile *p);
/*
 * Add the rules of one profile, in order after those already added (the
 * first rule that matches wins).  name is used in errors.  0, or -1 with
 * err: file, and the JSON path in the message ("rules[3].template:
 * unknown placeholder type 'pointer'"), phase "profile".  On error
 * nothing of this profile is kept.
 */
int ot_profile_add_json(struct ot_profile *p, const char *json, size_t len,
			const char *name, struct ot_err *err);
int ot_profile_add_file(struct ot_profile *p, const char *path, struct ot_err *err);
/* "chimney": the built-in profile.  -1 for an unknown name. */
int ot_profile_add_builtin(struct ot_profile *p, const char *name, struct ot_err *err);
size_t ot_profile_nrules(const struct ot_profile *p);

/*
 * Match one message of tracefmt text (the text after the prefix; friendly
 * is the prefix's [name], may be NULL).  On a match the rule's fields are
 * added to ev (the caller sets ts, cpu, pid, tid first; adapter is interned
 * in st) and 1 is returned; 0 when no rule matches (ev unchanged).
 */
int ot_profile_match_text(const struct ot_profile *p, const char *friendly,
			  size_t friendly_len, const char *text, size_t n,
			  struct ot_strtab *st, struct ot_event *ev);
/*
 * The same for a message whose custom prefix gave its function (%!FUNC!,
 * func_len bytes): a text that names no function of its own is matched
 * by the rules of that one, as a WPP message by its TMF's FUNC.
 */
int ot_profile_match_text_func(const struct ot_profile *p, const char *friendly,
			       size_t friendly_len, const char *func, size_t func_len,
			       const char *text, size_t n, struct ot_strtab *st,
			       struct ot_event *ev);

/*
 * Match a binary WPP message with its TMF entry: rules with "guid",
 * "number", "format" or "args", then text rules on the rendered text.
 * 1 matched, 0 not, -1 the arguments overrun the record (*why says so).
 */
int ot_profile_match_wpp(const struct ot_profile *p, const struct ot_tmf_msg *tm,
			 const struct ot_wpp_msg *m, struct ot_strtab *st,
			 struct ot_event *ev, const char **why);

/*
 * Match a manifest event: provider GUID (Windows memory order), id,
 * version, payload, pointer size.  1 matched, 0 not (no rule, or the
 * payload is shorter than a matching rule's layout).
 */
int ot_profile_match_manifest(const struct ot_profile *p, const uint8_t guid[16],
			      uint16_t id, uint8_t version, const uint8_t *payload,
			      size_t len, unsigned ptr_size, struct ot_strtab *st,
			      struct ot_event *ev);

/*
 * Bytes of text the matcher's literal searches (the literal after a str
 * placeholder) have looked at on this thread so far: a test hook that
 * proves matching linear in the length of the text
 * (tests/unit/test_profile.c).
 */
uint64_t ot_profile_match_work(void);

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (braces allowed) to Windows order; 0 or -1. */
int ot_profile_parse_guid(const char *s, uint8_t g[16]);

/* The key unmatched text is counted under: its function, else its first words. */
size_t ot_profile_text_key(const char *text, size_t n, char *out, size_t cap);

/*
 * Rendering, for writers of the vocabulary (gen): the first text rule that
 * sets ev to the event's ev and can carry all of its fields.  The message
 * text (function form "Func: " included) goes to out (NUL-terminated);
 * *rule and *groups say which rule and which optional groups were used
 * (bit i: group i).  0, or -1 when no rule can carry the event.
 */
int ot_profile_render(const struct ot_profile *p, const struct ot_event *ev,
		      char *out, size_t cap, size_t *rule, uint32_t *groups);

/* One argument of a rendered message, as a binary WPP writer needs it. */
struct ot_profile_arg {
	int tmf_type;		/* enum ot_tmf_type */
	const char *spec;	/* FormatMessage spec: "p", "s", "u", "I64d"... */
	const char *name;	/* field name */
	uint8_t bytes[272];	/* the encoded argument */
	size_t len;
};

/*
 * The TMF format text (with "%0%!FUNC!: " in front and %10.. for the
 * arguments) of a rule and optional groups, its function name, and the
 * encoded arguments of ev for it (ptr_size 8).  0, or -1 (buffers too
 * small or the rule is not renderable).
 */
int ot_profile_wpp_message(const struct ot_profile *p, size_t rule, uint32_t groups,
			   const struct ot_event *ev, char *format, size_t fcap,
			   const char **func, struct ot_profile_arg *args,
			   size_t *nargs, size_t maxargs);

/*
 * A count of raw messages by key (unmatched messages), bounded: keys past
 * OT_PROFILE_MAX_TALLY distinct ones are counted as "others".
 */
struct ot_tally_entry {
	char *key;
	uint64_t count;
};
struct ot_tally {
	struct ot_tally_entry *e;
	size_t n, cap;
	uint64_t total, others;
	size_t *idx;		/* open-addressing index into e, 2 x OT_PROFILE_MAX_TALLY */
};
void ot_tally_init(struct ot_tally *t);
void ot_tally_add(struct ot_tally *t, const char *key, size_t len, uint64_t count);
/* Sort by count, most frequent first (ties by key). */
void ot_tally_sort(struct ot_tally *t);
void ot_tally_release(struct ot_tally *t);

#endif
