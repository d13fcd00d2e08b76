/*
 * tmf.h - reader of WPP trace message format (TMF) files, the text files
 * that tracepdb extracts from a driver's PDB, one per message GUID
 * (<guid>.tmf).  Format facts: ../shared/FORMATS.md section 2.2.
 *
 *   // PDB:  driver.pdb                                   comments, skipped
 *   <message-guid> <friendly-name> // SRC=<file> MJ= MN=  the GUID line
 *   #typev <tag> <number> "<format>" // LEVEL=<l> FLAGS=<f> FUNC=<fn>
 *   {
 *   <expr>, Item<Type>[(<name>,...)] -- <N>                one per argument
 *   }
 *
 * A file may hold several GUID lines; each #typev belongs to the last one.
 * Entries repeated verbatim (same GUID, number, tag, format, arguments) are
 * kept once; an entry whose number repeats with different content is kept
 * in its first form and counted in ot_tmf.conflicts.
 */
#ifndef OT_TMF_H
#define OT_TMF_H

#include <stddef.h>
#include <stdint.h>

#include "offtrace/util.h"

/* Limits (P9); documented in man/offtrace.1 LIMITS. */
#define OT_TMF_MAX_FILE		(8u << 20)	/* bytes of one TMF file */
#define OT_TMF_MAX_LINE		16384		/* bytes of one line */
#define OT_TMF_MAX_ARGS		64		/* arguments of one message */
#define OT_TMF_MAX_NAMES	256		/* names of one ItemListLong(...) */
#define OT_TMF_MAX_MSGS		65536		/* messages of one file */
#define OT_TMF_MAX_FILES	4096		/* .tmf files of one --tmf directory */
#define OT_TMF_MAX_DIR_BYTES	(256u << 20)	/* bytes of all files of one directory */

/* Argument types (the ItemXxx family). */
enum ot_tmf_type {
	OT_TMF_CHAR, OT_TMF_UCHAR, OT_TMF_CHARSIGN, OT_TMF_CHARSHORT,
	OT_TMF_SHORT, OT_TMF_USHORT,
	OT_TMF_LONG, OT_TMF_ULONG, OT_TMF_ULONGX,
	OT_TMF_LONGLONG, OT_TMF_ULONGLONG, OT_TMF_LONGLONGX, OT_TMF_LONGLONGXX,
	OT_TMF_ULONGLONGX,
	OT_TMF_DOUBLE, OT_TMF_PTR,
	OT_TMF_NTSTATUS, OT_TMF_HRESULT, OT_TMF_WINERROR, OT_TMF_NTERROR,
	OT_TMF_MERROR, OT_TMF_NETEVENT, OT_TMF_ENUM, OT_TMF_BOOL, OT_TMF_CHAR4,
	OT_TMF_STRING, OT_TMF_WSTRING, OT_TMF_RSTRING, OT_TMF_RWSTRING,
	OT_TMF_PSTRING, OT_TMF_PWSTRING,
	OT_TMF_GUID, OT_TMF_CLSID, OT_TMF_LIBID, OT_TMF_IID,
	OT_TMF_IPADDR, OT_TMF_IPV6ADDR, OT_TMF_MACADDR, OT_TMF_PORT,
	OT_TMF_LISTLONG, OT_TMF_LISTSHORT, OT_TMF_LISTBYTE,
	OT_TMF_SETLONG, OT_TMF_SETSHORT, OT_TMF_SETBYTE,
	OT_TMF_TIMESTAMP, OT_TMF_WAITTIME, OT_TMF_TIMEDELTA,
	OT_TMF_SID, OT_TMF_HEXDUMP,
	OT_TMF_NTYPES
};

/* "ItemLong", ... */
const char *ot_tmf_type_name(int type);
/*
 * Bytes of an argument of this type in a WPP record: > 0 fixed, 0 for the
 * pointer size (ptr_size), -1 NUL-terminated byte string, -2 NUL-terminated
 * UTF-16 string, -3 u16 byte count then bytes (counted strings, hex dump),
 * -4 a SID (variable, 8 + 4 * SubAuthorityCount bytes).
 */
int ot_tmf_type_size(int type);

struct ot_tmf_arg {
	int type;		/* enum ot_tmf_type */
	unsigned index;		/* the N of "-- N": %N in the format */
	char *expr;		/* the source expression */
	char **names;		/* ItemListLong(...)/ItemSetLong(...) names */
	unsigned nnames;
};

struct ot_tmf_msg {
	const char *guid;	/* lowercase "xxxxxxxx-xxxx-..." (owned by ot_tmf) */
	const char *friendly;	/* the GUID line's friendly name, "" when none */
	uint16_t number;
	char *tag;		/* "L2CAP_c141" */
	char *format;		/* between the quotes, verbatim */
	char *level, *flags, *func, *compname, *subcomp;	/* "" when absent */
	struct ot_tmf_arg *args;
	unsigned nargs;
	uint64_t line;		/* of the #typev line */
};

struct ot_tmf {
	char *name;		/* file name, for errors */
	struct ot_tmf_msg *msgs;	/* in file order */
	size_t nmsgs, cap;
	char **guids;		/* GUID lines' GUIDs and friendly names */
	char **friendlies;
	size_t nguids;
	uint64_t entries;	/* #typev lines read */
	uint64_t duplicates;	/* of them: repeated verbatim */
	uint64_t conflicts;	/* of them: number repeated, content different */
};

/*
 * Parse a TMF file held in memory.  name is used in errors.  0, or -1 with
 * err filled (file, line, phase "tmf").  t is the caller's; release it with
 * ot_tmf_release() in both cases.
 */
int ot_tmf_parse(const char *buf, size_t len, const char *name,
		 struct ot_tmf *t, struct ot_err *err);
/* Read and parse a file (at most OT_TMF_MAX_FILE bytes). */
int ot_tmf_load(const char *path, struct ot_tmf *t, struct ot_err *err);
void ot_tmf_release(struct ot_tmf *t);

/*
 * A --tmf directory: every "*.tmf" file in it, indexed by (GUID, number).
 */
struct ot_tmfdir;
struct ot_tmfdir *ot_tmfdir_open(const char *dir, struct ot_err *err);
void ot_tmfdir_free(struct ot_tmfdir *d);
/* Files and messages loaded. */
void ot_tmfdir_counts(const struct ot_tmfdir *d, size_t *files, size_t *msgs);
/* The message for a GUID (Windows memory order) and number, or NULL. */
const struct ot_tmf_msg *ot_tmfdir_find(const struct ot_tmfdir *d,
					const uint8_t guid[16], uint16_t number);

#endif
