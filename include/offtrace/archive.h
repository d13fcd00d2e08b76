/*
 * archive.h - archives and compressed streams, read through libarchive.
 *
 * A trace reaches an engineer as a .zip of CI artifacts, a .tar.zst, a
 * .cab beside a netsh .etl, or an .etl.gz.  This reader opens such bytes
 * (a file, memory, or the data of another archive's entry), walks their
 * entries and gives an entry's uncompressed data, with the limits that
 * keep a damaged or hostile archive from taking the machine: an entry
 * may grow past OT_AR_FLOOR bytes only while it stays within OT_AR_RATIO
 * times the compressed bytes read for it, and an entry that claims more
 * than that in its header is refused before a byte is read.
 *
 * Which formats and filters: the archive formats libarchive reads (zip,
 * tar, cab, 7z, ISO 9660, cpio, ar, xar, RAR), and the compressions
 * gzip, bzip2, xz/lzma, zstd, lz4 and compress(1), recognised by content.
 */
#ifndef OT_ARCHIVE_H
#define OT_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "offtrace/util.h"

/* An entry may exceed OT_AR_FLOOR bytes only within OT_AR_RATIO : 1 of
 * the compressed bytes read (a zip bomb's ratio is in the thousands to
 * millions; trace files compress at most about 100 : 1 with zstd -19). */
#define OT_AR_RATIO	1000u
#define OT_AR_FLOOR	(64ull << 20)

/* What bytes are, by content. */
enum ot_ar_what {
	OT_AR_PLAIN = 0,	/* neither: read as they are */
	OT_AR_COMPRESSED,	/* one compressed stream (gzip, zstd, ...) */
	OT_AR_ARCHIVE		/* an archive of entries (zip, tar, cab, ...) */
};

struct ot_ar;

/* One entry, as ot_ar_next() found it; valid until the next call. */
struct ot_ar_entry {
	const char *path;	/* inside the archive; "data" for a stream */
	int regular;		/* a regular file (not a directory, link, ...) */
	int64_t size;		/* from the header; -1 when not given */
	uint64_t index;		/* 0-based position among the entries */
};

/*
 * Open the bytes of fd (from its current offset; seekable when it is a
 * regular file) as what (OT_AR_ARCHIVE: entries; OT_AR_COMPRESSED: the one
 * decompressed stream).  name is for errors.  fd stays the caller's.
 * NULL and err (phase "archive") when the bytes are no such thing.
 */
struct ot_ar *ot_ar_open_fd(int fd, int what, const char *name, struct ot_err *err);
/* The same over memory (kept by the caller while the reader lives). */
struct ot_ar *ot_ar_open_mem(const void *p, size_t n, int what, const char *name,
			     struct ot_err *err);
/* The same over the data of outer's current entry (one nesting level). */
struct ot_ar *ot_ar_open_entry(struct ot_ar *outer, int what, const char *name,
			       struct ot_err *err);

/* What the bytes of fd are, from its current offset (OT_AR_PLAIN when
 * libarchive knows neither); fd's offset is put back when seekable. */
int ot_ar_classify_fd(int fd);
int ot_ar_classify_mem(const void *p, size_t n);
/* The name of the archive format or compression ("zip", "gzip", ...). */
const char *ot_ar_format(const struct ot_ar *a);

/* 1 and e: the next entry; 0 at the end; -1 and err (damage, encryption). */
int ot_ar_next(struct ot_ar *a, struct ot_ar_entry *e, struct ot_err *err);
/* Up to n bytes of the current entry's data: the count, 0 at its end, -1
 * and err (damage, a limit) with the offset in the entry's data. */
ssize_t ot_ar_read(struct ot_ar *a, void *buf, size_t n, struct ot_err *err);
/* Bytes of the current entry given so far. */
uint64_t ot_ar_entry_offset(const struct ot_ar *a);
void ot_ar_close(struct ot_ar *a);

#endif
