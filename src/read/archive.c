/*
 * archive.c - archives and compressed streams through libarchive
 * (archive.h): entries, their data, and the limits on what an entry may
 * grow to.
 *
 * libarchive does the formats; this file chooses which it may bid
 * (archive formats for OT_AR_ARCHIVE, its "raw" format with the filters
 * for OT_AR_COMPRESSED), turns its errors into struct ot_err with the
 * entry and offset, and counts bytes in and out for the ratio limit.
 * API facts: archive_read(3), archive_read_open(3), archive_read_data(3),
 * archive_util(3) (archive_filter_bytes, archive_filter_count).
 */
#include <archive.h>
#include <archive_entry.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "offtrace/archive.h"

struct ot_ar {
	struct archive *a;
	char *name;
	int what;
	int at_entry;		/* a header was read and its data not ended */
	struct ot_ar *outer;	/* open_entry: whose entry's data we read */
	uint8_t *obuf;		/* open_entry: a block of outer's data */
	struct ot_err oerr;	/* open_entry: outer's error, kept for ours */
	int ofailed;
	const char *path;	/* the current entry */
	char *entry;		/* the current entry's path, owned */
	uint64_t out;		/* bytes of the current entry given */
	int64_t raw0;		/* compressed bytes read when it began */
	uint64_t limit_in;	/* the whole input's size when known, else 0 */
};

#define BLOCK (64u << 10)

/* libarchive's errno for "no format recognised": EFTYPE where there is
 * one, else EILSEQ (its archive_private.h; not in the public header) */
#ifdef EFTYPE
#define AR_NO_FORMAT EFTYPE
#else
#define AR_NO_FORMAT EILSEQ
#endif

/*
 * The formats and filters of archive.h.  The filters are named, not
 * archive_read_support_filter_all(): that one also runs external
 * programs (lrzip, lzop, grzip) for some.
 */
static struct archive *
new_reader(int what)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		return NULL;
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_lz4(a);
	archive_read_support_filter_compress(a);
	if (what == OT_AR_COMPRESSED) {
		archive_read_support_format_raw(a);
		return a;
	}
	archive_read_support_format_zip(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_7zip(a);
	archive_read_support_format_iso9660(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	return a;
}

static const char *
errstr(struct archive *a)
{
	const char *s = archive_error_string(a);

	return s != NULL ? s : "unknown error";
}

static int
fail(struct ot_ar *r, struct ot_err *err, uint64_t off, const char *fmt, const char *msg)
{
	char file[512];

	if (r->entry != NULL && r->what == OT_AR_ARCHIVE)
		snprintf(file, sizeof(file), "%s:%s", r->name, r->entry);
	else
		snprintf(file, sizeof(file), "%s", r->name);
	ot_errorf_at(err, OT_EINPUT, file, 0, fmt, msg);
	if (err != NULL) {
		err->phase = "archive";
		err->offset = off;
	}
	return -1;
}

static struct ot_ar *
ar_new(int what, const char *name)
{
	struct ot_ar *r = xcalloc(1, sizeof(*r));

	r->what = what;
	r->name = xstrdup(name);
	return r;
}

/* After archive_read_open*(): the format must be what was asked for. */
static struct ot_ar *
opened(struct ot_ar *r, int rc, struct ot_err *err)
{
	if (rc != ARCHIVE_OK) {
		if (err != NULL && r->a != NULL && archive_errno(r->a) != AR_NO_FORMAT &&
		    archive_error_string(r->a) != NULL)
			fail(r, err, 0, "damaged archive or compressed file: %s", errstr(r->a));
		else if (err != NULL)
			fail(r, err, 0, "%s", r->what == OT_AR_ARCHIVE ?
			     "not an archive offtrace reads" : "not a compressed stream");
		ot_ar_close(r);
		return NULL;
	}
	return r;
}

struct ot_ar *
ot_ar_open_fd(int fd, int what, const char *name, struct ot_err *err)
{
	struct ot_ar *r = ar_new(what, name);
	struct stat sb;

	if ((r->a = new_reader(what)) == NULL)
		return opened(r, ARCHIVE_FATAL, err);
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
		r->limit_in = (uint64_t)sb.st_size;
	return opened(r, archive_read_open_fd(r->a, fd, BLOCK), err);
}

struct ot_ar *
ot_ar_open_mem(const void *p, size_t n, int what, const char *name, struct ot_err *err)
{
	struct ot_ar *r = ar_new(what, name);

	if ((r->a = new_reader(what)) == NULL)
		return opened(r, ARCHIVE_FATAL, err);
	r->limit_in = n;
	/* libarchive's prototype takes a non-const pointer; it only reads */
	return opened(r, archive_read_open_memory(r->a, (void *)(uintptr_t)p, n), err);
}

/* open_entry's read callback: the next block of outer's entry. */
static la_ssize_t
entry_read(struct archive *a, void *client, const void **buf)
{
	struct ot_ar *r = client;
	ssize_t k = ot_ar_read(r->outer, r->obuf, BLOCK, &r->oerr);

	*buf = r->obuf;
	if (k < 0) {
		r->ofailed = 1;
		archive_set_error(a, EIO, "%s", r->oerr.msg);
		return -1;
	}
	return k;
}

struct ot_ar *
ot_ar_open_entry(struct ot_ar *outer, int what, const char *name, struct ot_err *err)
{
	struct ot_ar *r = ar_new(what, name);

	r->outer = outer;
	r->obuf = xmalloc(BLOCK);
	if ((r->a = new_reader(what)) == NULL)
		return opened(r, ARCHIVE_FATAL, err);
	if (outer->limit_in > 0 && outer->limit_in <= UINT64_MAX / OT_AR_RATIO)
		r->limit_in = outer->limit_in * OT_AR_RATIO;
	if (archive_read_open(r->a, r, NULL, entry_read, NULL) != ARCHIVE_OK) {
		if (r->ofailed && err != NULL) {
			*err = r->oerr;
			ot_ar_close(r);
			return NULL;
		}
		return opened(r, ARCHIVE_FATAL, err);
	}
	return r;
}

/*
 * What libarchive makes of bytes: an archive format, else a filter.  A
 * failure other than "no format recognised" (a truncated zstd stream, a
 * gzip header with nothing after it) is damage to an archive or a
 * compressed stream: taken as one, so that its reader says what is wrong.
 */
static int
classify(struct archive *(*open)(void *ctx, int what, int *damaged), void *ctx)
{
	struct archive_entry *e;
	struct archive *a;
	int what = OT_AR_PLAIN, damaged = 0;

	if ((a = open(ctx, OT_AR_ARCHIVE, &damaged)) != NULL) {
		archive_read_free(a);
		return OT_AR_ARCHIVE;
	}
	if (damaged)
		return OT_AR_ARCHIVE;
	if ((a = open(ctx, OT_AR_COMPRESSED, &damaged)) != NULL) {
		/* the first filter is libarchive's own reader ("none") */
		if (archive_read_next_header(a, &e) == ARCHIVE_OK &&
		    archive_filter_count(a) > 1)
			what = OT_AR_COMPRESSED;
		archive_read_free(a);
	}
	return what;
}

struct fd_probe {
	int fd;
	off_t at;
};

/* an open that failed: was it for want of a format, or damage? */
static struct archive *
probe_failed(struct archive *a, int *damaged)
{
	*damaged = archive_errno(a) != AR_NO_FORMAT && archive_errno(a) != 0;
	archive_read_free(a);
	return NULL;
}

static struct archive *
open_fd_probe(void *ctx, int what, int *damaged)
{
	struct fd_probe *p = ctx;
	struct archive *a = new_reader(what);

	if (a == NULL)
		return NULL;
	if (lseek(p->fd, p->at, SEEK_SET) != p->at) {
		archive_read_free(a);
		return NULL;
	}
	if (archive_read_open_fd(a, p->fd, BLOCK) != ARCHIVE_OK)
		return probe_failed(a, damaged);
	return a;
}

int
ot_ar_classify_fd(int fd)
{
	struct fd_probe p = { fd, lseek(fd, 0, SEEK_CUR) };
	int what;

	if (p.at < 0)
		return OT_AR_PLAIN;	/* a pipe: the caller classifies memory */
	what = classify(open_fd_probe, &p);
	lseek(fd, p.at, SEEK_SET);
	return what;
}

struct mem_probe {
	const void *p;
	size_t n;
};

static struct archive *
open_mem_probe(void *ctx, int what, int *damaged)
{
	struct mem_probe *m = ctx;
	struct archive *a = new_reader(what);

	if (a == NULL)
		return NULL;
	if (archive_read_open_memory(a, (void *)(uintptr_t)m->p, m->n) != ARCHIVE_OK) {
		/* a head cut short looks truncated: only a format counts */
		int ignored;

		probe_failed(a, &ignored);
		return NULL;
	}
	return a;
}

int
ot_ar_classify_mem(const void *p, size_t n)
{
	struct mem_probe m = { p, n };

	return n == 0 ? OT_AR_PLAIN : classify(open_mem_probe, &m);
}

const char *
ot_ar_format(const struct ot_ar *r)
{
	const char *s;

	if (r->what == OT_AR_COMPRESSED)
		s = archive_filter_name(r->a, 0);
	else
		s = archive_format_name(r->a);
	return s != NULL ? s : "?";
}

static int64_t
raw_bytes(struct ot_ar *r)
{
	return archive_filter_bytes(r->a, -1);
}

int
ot_ar_next(struct ot_ar *r, struct ot_ar_entry *e, struct ot_err *err)
{
	struct archive_entry *ae;
	uint64_t cap;
	int rc;

	free(r->entry);
	r->entry = NULL;
	r->at_entry = 0;
	rc = archive_read_next_header(r->a, &ae);
	if (rc == ARCHIVE_EOF)
		return 0;
	if (rc == ARCHIVE_RETRY || rc < ARCHIVE_WARN) {
		if (r->ofailed && err != NULL) {
			*err = r->oerr;
			return -1;
		}
		return fail(r, err, (uint64_t)raw_bytes(r), "damaged archive: %s", errstr(r->a));
	}
	memset(e, 0, sizeof(*e));
	r->entry = xstrdup(archive_entry_pathname(ae) ? archive_entry_pathname(ae) : "?");
	e->path = r->entry;
	e->regular = archive_entry_filetype(ae) == AE_IFREG;
	e->size = archive_entry_size_is_set(ae) ? archive_entry_size(ae) : -1;
	e->index = (uint64_t)archive_file_count(r->a) - 1;
	if (archive_entry_is_encrypted(ae))
		return fail(r, err, (uint64_t)raw_bytes(r), "%s",
			    "encrypted entry: offtrace cannot read it (decrypt the archive first)");
	/* a header that claims more than the limits allow is refused before
	 * any of its data is read */
	cap = r->limit_in > 0 && r->limit_in <= UINT64_MAX / OT_AR_RATIO ?
	      r->limit_in * OT_AR_RATIO : UINT64_MAX;
	if (cap < OT_AR_FLOOR)
		cap = OT_AR_FLOOR;
	if (e->size > 0 && (uint64_t)e->size > cap) {
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "entry claims %lld bytes, over %u times the archive's size (a zip bomb?)",
			 (long long)e->size, OT_AR_RATIO);
		return fail(r, err, (uint64_t)raw_bytes(r), "%s", msg);
	}
	r->at_entry = 1;
	r->out = 0;
	r->raw0 = raw_bytes(r);
	return 1;
}

ssize_t
ot_ar_read(struct ot_ar *r, void *buf, size_t n, struct ot_err *err)
{
	la_ssize_t k;
	uint64_t in;

	if (!r->at_entry)
		return 0;
	k = archive_read_data(r->a, buf, n);
	if (k < 0) {
		if (r->ofailed && err != NULL) {
			*err = r->oerr;
			return -1;
		}
		return fail(r, err, r->out, "damaged entry: %s", errstr(r->a));
	}
	if (k == 0) {
		r->at_entry = 0;
		return 0;
	}
	r->out += (uint64_t)k;
	in = (uint64_t)(raw_bytes(r) - r->raw0);
	if (r->out > OT_AR_FLOOR && (in == 0 || r->out / in >= OT_AR_RATIO)) {
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "entry expands beyond %u times its compressed size (a zip bomb?)",
			 OT_AR_RATIO);
		return fail(r, err, r->out, "%s", msg);
	}
	return k;
}

uint64_t
ot_ar_entry_offset(const struct ot_ar *r)
{
	return r->out;
}

void
ot_ar_close(struct ot_ar *r)
{
	if (r == NULL)
		return;
	if (r->a != NULL)
		archive_read_free(r->a);
	free(r->obuf);
	free(r->entry);
	free(r->name);
	free(r);
}
