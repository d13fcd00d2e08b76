/*
 * profile_int.h - what the profile files share (profile_*.c, not the
 * rest of the library): the normalized fields and placeholder types, a
 * compiled rule and the profile handle.  profile.h is the public face.
 *
 * The files, and the profile files each may call (never upwards):
 *
 *   profile_tmpl.c    field and type names, template compiler   none
 *   profile_field.c   values into the fields of an event        none
 *   profile_load.c    the handle, JSON loading and checks       tmpl, field
 *   profile_match.c   text, WPP and manifest matching           field
 *   profile_render.c  events back into messages (gen)           tmpl, field
 *   profile_tally.c   the tally of unmatched messages           none
 */
#ifndef OT_PROFILE_INT_H
#define OT_PROFILE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "offtrace/profile.h"

/* Normalized fields a rule can set (DESIGN.md section 2). */
enum fld {
	F_EV, F_LAYER, F_ADAPTER, F_STATE, F_ROOT, F_BLOCK, F_PARENT, F_SLOT,
	F_HANDLE, F_VALUE, F_NBL, F_STATUS, F_CODE, F_REASON, F_SRC, F_SPORT,
	F_DST, F_DPORT, F_CPU, F_PID, F_TID, F_COUNT,
	F_IGNORE = F_COUNT
};

/* Placeholder and payload types. */
enum ptype {
	T_PTR, T_HEX, T_U8, T_U16, T_U32, T_U64, T_I32, T_I64, T_NTSTATUS,
	T_IP, T_PORT, T_STR, T_WORD, T_GUID,
	/* payload only */
	T_ANSI, T_UTF16, T_IPV4, T_IPV6,
	T_COUNT
};
#define T_LAST_TEMPLATE T_GUID

/* A value: a number, a string, or both (the text a number was read from). */
struct val {
	int num, str;
	uint64_t u;
	const char *s;
	size_t n;
};

enum segkind { S_LIT, S_CAP, S_OPEN, S_CLOSE, S_END };

struct seg {
	uint8_t kind;
	uint8_t type;		/* S_CAP */
	uint8_t fld;		/* S_CAP: enum fld or F_IGNORE */
	uint8_t cap;		/* S_CAP: index of the capture */
	uint16_t close;		/* S_OPEN: index of its S_CLOSE */
	uint16_t group;		/* S_OPEN: group number */
	const char *lit;	/* S_LIT */
	size_t len;
	/*
	 * S_LIT after a str placeholder, which runs to its first occurrence:
	 * the literal's KMP table (next[q]: the longest proper prefix of
	 * lit[0..q] that is also its suffix), so the search never compares
	 * a byte of the text more than twice.  NULL elsewhere.
	 */
	const uint32_t *next;
};

struct mapent {
	struct val key, to;
};

struct map {
	struct mapent *e;
	size_t n;
};

enum rkind { R_TEXT, R_WPP, R_MANIFEST };

struct rule {
	enum rkind kind;
	char where[96];		/* "rules[3]", for messages */
	/* text and WPP */
	const char *func;
	size_t funclen;
	const char *friendly;
	size_t friendly_len;
	struct seg *segs;
	size_t nsegs;
	unsigned ncaps, ngroups;
	/* WPP */
	int has_guid, number;	/* number -1: any */
	uint8_t guid[16];
	const char *format;
	uint8_t *args;		/* field of each TMF argument */
	size_t nargs;
	/* manifest */
	uint8_t provider[16];
	int id, version;	/* version -1: any */
	uint8_t *pl_type, *pl_fld;
	size_t npl;
	/* constants and maps (the profile's merged in) */
	struct val set[F_COUNT];
	uint32_t setmask;	/* bit per fld */
	struct map map[F_COUNT];
	/* text dispatch */
	uint64_t fhash;
	long next_same;		/* next text rule with the same func hash, -1 */
};

struct ot_profile {
	struct rule *r;
	size_t n, cap;
	/* every string and array the rules point into */
	void **mem;
	size_t nmem, capmem;
	/* text dispatch: func hash -> first rule; rules without func */
	long *ftab;		/* 2^k slots of rule index + 1 (0: empty) */
	size_t fcap;
	size_t *nofunc;
	size_t nnofunc;
	int any_wpp;		/* rules of kind R_WPP */
};

/* FNV-1a of s: the text dispatch and the tally. */
static inline uint64_t
fnv(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h | 1;
}

/* v as text: s, n bytes (not NUL-terminated). */
static inline void
text_val(struct val *v, const char *s, size_t n)
{
	memset(v, 0, sizeof(*v));
	v->str = 1;
	v->s = s;
	v->n = n;
}

/* profile_tmpl.c: names, and template strings to segments */
extern const char *const prof_fld_names[F_COUNT];	/* as profiles write them */
/* A field by name: enum fld, F_IGNORE for "_..." (matched, not stored), -1. */
int prof_fld_from_name(const char *s, size_t n);
/* A type by name among types 0..last (enum ptype), or -1. */
int prof_type_from_name(const char *s, size_t n, int last);
/*
 * Compile template t into r->segs, nsegs, ncaps and ngroups.  0, and
 * r->segs and *lit (the literal bytes the segments point into) are the
 * caller's to free; or -1 with the reason in msg, nothing kept.
 */
int prof_compile(const char *t, struct rule *r, char **lit, char *msg, size_t msgcap);

/* profile_field.c: values into fields */
/* Is s (n bytes, not NUL-terminated) an IPv4 or IPv6 address? */
int prof_valid_ip(const char *s, size_t n);
/* Is a constant acceptable for its field?  Checked once at load. */
int prof_check_const(enum fld f, const struct val *v);
/* Set one field of ev from v; -1 when it does not fit. */
int prof_set_field(enum fld f, const struct val *v, struct ot_strtab *st, struct ot_event *ev);
/*
 * Apply a matched rule: constants, then captures (flds[i] gets v[i]).
 * 1 and ev filled, or 0 (a value does not fit; ev unchanged).
 */
int prof_apply(const struct rule *r, const uint8_t *flds, const struct val *v, size_t n,
	       struct ot_strtab *st, struct ot_event *ev);

#endif
