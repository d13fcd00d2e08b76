/*
 * input.c - inputs as they come: a path becomes the inputs it holds
 * (source.h, ot_source_expand()).
 *
 * A plain file is one input, read by its source as before.  A directory
 * is every file below it, sorted by path.  An archive (zip, tar with any
 * compression, cab, 7z, ISO, ...) is each of its members whose content is
 * a trace or capture, named ARCHIVE:MEMBER, one nested archive deep; a
 * compressed file (gzip, zstd, xz, bzip2, lz4) is its content.  "-", a
 * FIFO or /dev/stdin is read once, from its first bytes, without seeking.
 *
 * Such content reaches a source as a stream (src_stream(): a stdio FILE
 * over the decompressed bytes, hashed as they pass), so that sequential
 * readers (JSON lines, text, pcap, pcapng) read it without a copy; the
 * .etl reader, which reads per-CPU buffers out of file order, gets it
 * spooled into an anonymous temporary file under $TMPDIR (src_spool()),
 * never into memory.  Standard input holding an archive, a compressed
 * stream or an .etl is spooled the same way once, at expansion.
 *
 * Where a member is: the chain of levels from the file (an entry of an
 * archive, or a compressed stream's content), each opened afresh for each
 * reader, so that the members of one archive are read side by side.
 */
#define _GNU_SOURCE	/* fopencookie(3) */
#include "source_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "offtrace/archive.h"

/* The first bytes of a content kept for the detector and for nested
 * archives' recognition (an ISO 9660 volume descriptor is at 32 KiB). */
#define HEAD (64u << 10)
#define IOBUF (256u << 10)

struct level {
	int what;		/* OT_AR_ARCHIVE: an entry; OT_AR_COMPRESSED */
	uint64_t index;		/* the entry's position */
};

struct ot_input {
	char *name;		/* as reports show it */
	char *file;		/* the file that holds it, or NULL */
	int sfd;		/* else a stream read once (standard input,
				 * a FIFO), or a spooled copy of one (spooled) */
	int spooled;
	int own_sfd;		/* sfd is this input's to close */
	struct level lev[2];
	int nlev;
	uint8_t *head;		/* a stream's first bytes, given again first */
	size_t nhead;
	const char *kind;	/* the detector's word */
	int64_t size;		/* bytes of the content, -1 when unknown */
	int used;		/* a stream that was opened */
	int holder;		/* a spooled archive its members are read from:
				 * no input itself */
};

struct instream {
	int fd;			/* owned, or -1 */
	int own_fd;
	struct ot_ar *ar[2];
	int nar;
	const uint8_t *head;	/* given first */
	size_t nhead, hpos;
	struct ot_sha256 sha;
	uint64_t bytes;
	int eof, failed;
	struct ot_err err;	/* the failure, with archive, member, offset */
	int spool;		/* src_spool()'s file, or -1 */
	FILE *f;		/* src_stream()'s */
};

/* A file descriptor of one's own onto a spooled copy (its own offset). */
static int
reopen_fd(int fd)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	return open(p, O_RDONLY);
}

static void
stream_free(struct instream *st)
{
	int i;

	if (st == NULL)
		return;
	for (i = st->nar - 1; i >= 0; i--)
		ot_ar_close(st->ar[i]);
	if (st->own_fd && st->fd >= 0)
		close(st->fd);
	if (st->spool >= 0)
		close(st->spool);
	free(st);
}

/* Give up: err says where. */
static struct instream *
stream_fail(struct instream *st)
{
	stream_free(st);
	return NULL;
}

/*
 * The content of in from its start: the file (or stream) and the levels
 * of in->lev[0..nlev).  The levels' readers are named after the archive
 * they read, for their errors: "a.zip", then "a.zip:inner.tar".
 */
static struct instream *
stream_open_levels(struct ot_input *in, int nlev, struct ot_err *err)
{
	struct instream *st = xcalloc(1, sizeof(*st));
	struct ot_ar_entry e;
	char name[512];
	const char *base = in->file ? in->file : in->spooled ? "-" : in->name;
	int i, r;

	st->spool = -1;
	ot_sha256_init(&st->sha);
	if (in->file != NULL) {
		if ((st->fd = open(in->file, O_RDONLY)) < 0) {
			err->phase = "open";
			ot_errorf_at(err, OT_EINPUT, in->file, 0, "cannot open: %s",
				     strerror(errno));
			return stream_fail(st);
		}
		st->own_fd = 1;
	} else if (in->spooled) {
		if ((st->fd = reopen_fd(in->sfd)) < 0) {
			err->phase = "open";
			ot_errorf_at(err, OT_EINPUT, in->name, 0,
				     "cannot open its temporary copy: %s", strerror(errno));
			return stream_fail(st);
		}
		st->own_fd = 1;
	} else {
		if (in->used) {
			err->phase = "open";
			ot_errorf_at(err, OT_EINPUT, in->name, 0,
				     "a stream can be read once; it was read already");
			return stream_fail(st);
		}
		in->used = 1;
		st->fd = in->sfd;
		st->head = in->head;
		st->nhead = in->nhead;
	}
	snprintf(name, sizeof(name), "%s", base);
	for (i = 0; i < nlev; i++) {
		const struct level *l = &in->lev[i];

		st->ar[i] = i == 0 ? ot_ar_open_fd(st->fd, l->what, name, err) :
			    ot_ar_open_entry(st->ar[i - 1], l->what, name, err);
		if (st->ar[i] == NULL)
			return stream_fail(st);
		st->nar = i + 1;
		while ((r = ot_ar_next(st->ar[i], &e, err)) > 0 && e.index < l->index)
			;
		if (r < 0)
			return stream_fail(st);
		if (r == 0 || e.index != l->index) {
			err->phase = "archive";
			ot_errorf_at(err, OT_EINPUT, name, 0,
				     "entry %llu is gone: the archive changed while it was read",
				     (unsigned long long)l->index + 1);
			return stream_fail(st);
		}
		if (l->what == OT_AR_ARCHIVE) {
			size_t k = strlen(name);

			snprintf(name + k, sizeof(name) - k, ":%s", e.path);
		}
	}
	return st;
}

/* Up to n bytes of the content: the count, 0 at its end, -1 (st->err). */
static ssize_t
stream_read(struct instream *st, void *buf, size_t n)
{
	ssize_t k;

	if (st->failed)
		return -1;
	if (st->hpos < st->nhead) {
		k = (ssize_t)(st->nhead - st->hpos < n ? st->nhead - st->hpos : n);
		memcpy(buf, st->head + st->hpos, (size_t)k);
		st->hpos += (size_t)k;
	} else if (st->nar > 0) {
		k = ot_ar_read(st->ar[st->nar - 1], buf, n, &st->err);
	} else {
		do
			k = read(st->fd, buf, n);
		while (k < 0 && errno == EINTR);
		if (k < 0) {
			st->err.phase = "read";
			ot_errorf(&st->err, OT_EINPUT, "read error: %s", strerror(errno));
			st->err.offset = st->bytes;
		}
	}
	if (k < 0) {
		st->failed = 1;
		return -1;
	}
	if (k == 0)
		st->eof = 1;
	ot_sha256_update(&st->sha, buf, (size_t)k);
	st->bytes += (uint64_t)k;
	return k;
}

/* fopencookie(3): the stream's reads; its errors stay in st->err */
static ssize_t
cookie_read(void *cookie, char *buf, size_t n)
{
	ssize_t k = stream_read(cookie, buf, n);

	if (k < 0)
		errno = EIO;
	return k;
}

/* the FILE is closed by its reader; the stream lives on with the source */
static int
cookie_close(void *cookie)
{
	return 0;
}

static int
is_plain(const struct ot_source *s)
{
	return s->in == NULL || (s->in->file != NULL && s->in->nlev == 0);
}

int
src_plain(const struct ot_source *s)
{
	return is_plain(s);
}

FILE *
src_stream(struct ot_source *s, struct ot_err *err)
{
	cookie_io_functions_t io = { cookie_read, NULL, NULL, cookie_close };
	struct instream *st;

	if (is_plain(s)) {
		FILE *f = fopen(s->path, "rb");

		if (f == NULL) {
			err->phase = "open";
			ot_errorf_at(err, OT_EINPUT, s->path, 0, "cannot open: %s",
				     strerror(errno));
		}
		return f;
	}
	if ((st = stream_open_levels(s->in, s->in->nlev, err)) == NULL)
		return NULL;
	if ((st->f = fopencookie(st, "rb", io)) == NULL) {
		ot_errorf_at(err, OT_EINTERNAL, s->path, 0, "cannot open a stream: %s",
			     strerror(errno));
		stream_free(st);
		return NULL;
	}
	s->stream = st;
	return st->f;
}

/* A temporary file no other process sees, under $TMPDIR. */
static int
tmp_file(char *dir, size_t dirlen)
{
	const char *t = getenv("TMPDIR");
	char p[4200];
	int fd;

	snprintf(dir, dirlen, "%s", t != NULL && *t ? t : "/tmp");
	if ((fd = open(dir, O_TMPFILE | O_RDWR, 0600)) >= 0)
		return fd;
	snprintf(p, sizeof(p), "%s/offtrace-XXXXXX", dir);
	if ((fd = mkstemp(p)) >= 0)
		unlink(p);
	return fd;
}

/* All of st into a temporary file: its descriptor, or -1 and err. */
static int
spool(struct instream *st, const char *name, struct ot_err *err)
{
	char dir[4096];
	uint8_t *buf;
	ssize_t k;
	int fd = tmp_file(dir, sizeof(dir));

	if (fd < 0) {
		err->phase = "spool";
		return ot_errorf_at(err, OT_EINPUT, name, 0,
				    "cannot make a temporary file in %s (set TMPDIR): %s",
				    dir, strerror(errno));
	}
	buf = xmalloc(IOBUF);
	while ((k = stream_read(st, buf, IOBUF)) > 0) {
		ssize_t w = 0, m;

		while (w < k) {
			if ((m = write(fd, buf + w, (size_t)(k - w))) < 0 && errno == EINTR)
				continue;
			if (m <= 0) {
				err->phase = "spool";
				ot_errorf_at(err, OT_EINPUT, name, st->bytes,
					     "cannot copy it to a temporary file in %s (set TMPDIR): %s",
					     dir, m < 0 ? strerror(errno) : "short write");
				free(buf);
				close(fd);
				return -1;
			}
			w += m;
		}
	}
	free(buf);
	if (k < 0) {
		*err = st->err;
		close(fd);
		return -1;
	}
	return fd;
}

int
src_spool(struct ot_source *s, struct ot_err *err)
{
	struct instream *st;

	if (is_plain(s))
		return -1;
	if ((st = stream_open_levels(s->in, s->in->nlev, err)) == NULL)
		return -2;
	if (s->in->spooled && s->in->nlev == 0) {
		/* standard input, copied already: hashed at the end */
		if ((st->spool = dup(s->in->sfd)) < 0) {
			ot_errorf_at(err, OT_EINTERNAL, s->path, 0, "dup: %s", strerror(errno));
			stream_free(st);
			return -2;
		}
	} else if ((st->spool = spool(st, s->path, err)) < 0) {
		stream_free(st);
		return -2;
	}
	s->stream = st;
	return st->spool;
}

/* A stream's failure, which its reader saw only as a read error. */
int
src_stream_error(const struct ot_source *s, struct ot_err *err)
{
	if (s->stream == NULL || !s->stream->failed)
		return 0;
	*err = s->stream->err;
	return 1;
}

/* The hash of the whole content, read to its end. */
int
src_stream_sha256(struct ot_source *s, char hex[65], uint64_t *size, struct ot_err *err)
{
	struct instream *st = s->stream;
	struct ot_sha256 c;
	uint8_t *buf;

	if (st == NULL)
		return -1;
	if (!st->eof) {
		buf = xmalloc(IOBUF);
		while (stream_read(st, buf, IOBUF) > 0)
			;
		free(buf);
	}
	if (st->failed) {
		*err = st->err;
		return -2;
	}
	c = st->sha;
	ot_sha256_final(&c, hex);
	*size = st->bytes;
	return 0;
}

void
src_stream_close(struct ot_source *s)
{
	stream_free(s->stream);
	s->stream = NULL;
}

/*
 * Expansion.
 */
static void
input_free(struct ot_input *in)
{
	if (in == NULL)
		return;
	if (in->own_sfd)
		close(in->sfd);
	free(in->name);
	free(in->file);
	free(in->head);
	free(in);
}

void
src_inputs_free(struct ot_source_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nin; i++)
		input_free(c->in[i]);
	free(c->in);
	free(c->names);
	for (i = 0; i < c->nskip; i++)
		free(c->skip[i].name);
	free(c->skip);
}

struct ot_input *
src_input(const struct ot_source_ctx *c, const char *name)
{
	size_t i;

	for (i = c->nin; i-- > 0;)
		if (!c->in[i]->holder && strcmp(c->in[i]->name, name) == 0)
			return c->in[i];
	return NULL;
}

const char *
src_input_kind(const struct ot_input *in)
{
	return in->kind;
}

int64_t
src_input_size(const struct ot_input *in)
{
	return in->size;
}

static void
add_input(struct ot_source_ctx *c, struct ot_input *in)
{
	c->in = xrealloc(c->in, st_mult(c->nin + 1, sizeof(*c->in)));
	c->in[c->nin++] = in;
}

static void
add_skip(struct ot_source_ctx *c, const char *name, const char *kind)
{
	c->skip = xrealloc(c->skip, st_mult(c->nskip + 1, sizeof(*c->skip)));
	c->skip[c->nskip].name = xstrdup(name);
	c->skip[c->nskip].kind = kind;
	c->nskip++;
}

static struct ot_input *
new_input(const struct ot_input *tmpl, const char *name)
{
	struct ot_input *in = xcalloc(1, sizeof(*in));

	*in = *tmpl;
	in->name = xstrdup(name);
	in->file = tmpl->file ? xstrdup(tmpl->file) : NULL;
	in->head = NULL;
	in->nhead = 0;
	in->sfd = tmpl->sfd;
	in->own_sfd = 0;
	in->holder = 0;
	return in;
}

/* Does --member select this member (its path, or its whole name)? */
static int
selected(const struct ot_source_ctx *c, const char *path, const char *name)
{
	const char *g = c->o.member;

	return g == NULL || fnmatch(g, path, 0) == 0 || fnmatch(g, name, 0) == 0;
}

/*
 * Is a file the detector calls JSON lines events, or other JSON that an
 * archive or directory holds beside them (a report, gen's truth file, a
 * CI tool's metadata)?  Its first line, when whole in head, must be one
 * object naming an "ev" (schemas/event.schema.json requires it).  Only
 * for members: a file named on the command line is read as JSON lines and
 * its first bad line named.
 */
static const char *
member_kind(const char *kind, const uint8_t *b, size_t n)
{
	const uint8_t *nl, *end;

	if (strcmp(kind, "jsonl") != 0)
		return kind;
	if ((nl = memchr(b, '\n', n)) == NULL)
		return n < HEAD ? (memmem(b, n, "\"ev\"", 4) ? kind : "json") : kind;
	end = nl;
	while (end > b && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end == b || end[-1] != '}' || memmem(b, (size_t)(end - b), "\"ev\"", 4) == NULL)
		return "json";
	return kind;
}

static int expand_levels(struct ot_source_ctx *c, struct ot_input *tmpl, const char *name,
			 int what, int explicit, size_t *found, struct ot_err *err);

/*
 * One content found inside a file (an archive's member, a compressed
 * stream's content), of which head is the start: an input when a source
 * reads it, a nested archive or compressed stream expanded in turn (one
 * level), else skipped.
 */
static int
found_content(struct ot_source_ctx *c, struct ot_input *at, const char *name,
	      const char *path, const uint8_t *head, size_t nhead, int64_t size,
	      size_t *found, struct ot_err *err)
{
	int what = ot_ar_classify_mem(head, nhead);
	struct ot_input *in;
	const char *kind;

	if (what != OT_AR_PLAIN) {
		if (at->nlev >= 2) {
			if (selected(c, path, name))
				add_skip(c, name, "archive nested too deep");
			return 0;
		}
		return expand_levels(c, at, name, what, 0, found, err);
	}
	if (!selected(c, path, name))
		return 0;
	kind = member_kind(src_detect_bytes(c, head, nhead < 4096 ? nhead : 4096), head, nhead);
	if (!ot_source_readable(kind)) {
		add_skip(c, name, kind);
		return 0;
	}
	in = new_input(at, name);
	in->kind = kind;
	in->size = size;
	add_input(c, in);
	(*found)++;
	return 0;
}

/*
 * The entries of the archive (or the compressed stream) reached through
 * tmpl's levels, as inputs named NAME:ENTRY (a compressed stream's
 * content keeps the name).
 */
static int
expand_levels(struct ot_source_ctx *c, struct ot_input *tmpl, const char *name,
	      int what, int explicit, size_t *found, struct ot_err *err)
{
	struct ot_input at = *tmpl;
	struct instream *st;
	struct ot_ar *ar;
	struct ot_ar_entry e;
	uint8_t *head = xmalloc(HEAD);
	char *mname = NULL;
	int r, rc = -1;
	size_t before = *found;

	if ((st = stream_open_levels(tmpl, tmpl->nlev, err)) == NULL)
		goto out;
	ar = tmpl->nlev == 0 ? ot_ar_open_fd(st->fd, what, name, err) :
	     ot_ar_open_entry(st->ar[tmpl->nlev - 1], what, name, err);
	if (ar == NULL)
		goto out;
	at.nlev = tmpl->nlev + 1;
	while ((r = ot_ar_next(ar, &e, err)) > 0) {
		ssize_t k = 0;
		size_t n = 0, got;

		if (!e.regular)
			continue;
		at.lev[tmpl->nlev].what = what;
		at.lev[tmpl->nlev].index = e.index;
		free(mname);
		if (what == OT_AR_COMPRESSED) {
			mname = xstrdup(name);
		} else {
			mname = xmalloc(strlen(name) + strlen(e.path) + 2);
			sprintf(mname, "%s:%s", name, e.path);
		}
		for (got = 0; got < HEAD && (k = ot_ar_read(ar, head + got, HEAD - got, err)) > 0;)
			got += (size_t)k;
		if (k < 0) {
			r = -1;
			break;
		}
		n = got;
		if (found_content(c, &at, mname, e.path, head, n, e.size, found, err) < 0) {
			r = -1;
			break;
		}
	}
	if (r == 0 && explicit && *found == before) {
		err->phase = "detect";
		ot_errorf_at(err, OT_EINPUT, name, 0,
			     "no trace or capture in this %s%s",
			     what == OT_AR_ARCHIVE ? "archive" : "compressed file",
			     c->o.member ? " that --member selects" : "");
		r = -1;
	}
	rc = r < 0 ? -1 : 0;
	ot_ar_close(ar);
out:
	free(mname);
	free(head);
	stream_free(st);
	return rc;
}

/* A stream read once: its first bytes decide; what must be read more than
 * once or out of order (an archive, a compressed stream, an .etl) is
 * spooled into a temporary file first. */
static int
expand_stream(struct ot_source_ctx *c, int fd, const char *name, size_t *found,
	      struct ot_err *err)
{
	struct ot_input *in = xcalloc(1, sizeof(*in));
	struct instream *st;
	ssize_t k;
	int what;

	in->name = xstrdup(name);
	in->sfd = fd;
	in->own_sfd = fd > 0;
	in->size = -1;
	in->head = xmalloc(HEAD);
	in->nhead = 0;
	while (in->nhead < HEAD) {
		do
			k = read(fd, in->head + in->nhead, HEAD - in->nhead);
		while (k < 0 && errno == EINTR);
		if (k < 0) {
			err->phase = "read";
			ot_errorf_at(err, OT_EINPUT, name, in->nhead, "read error: %s",
				     strerror(errno));
			input_free(in);
			return -1;
		}
		if (k == 0)
			break;
		in->nhead += (size_t)k;
	}
	what = ot_ar_classify_mem(in->head, in->nhead);
	in->kind = src_detect_bytes(c, in->head, in->nhead < 4096 ? in->nhead : 4096);
	if (what == OT_AR_PLAIN && strcmp(in->kind, "etl") != 0) {
		add_input(c, in);
		(*found)++;
		return 0;
	}
	/* spool: the stream becomes a file of ours */
	st = stream_open_levels(in, 0, err);
	if (st == NULL) {
		input_free(in);
		return -1;
	}
	k = spool(st, name, err);
	stream_free(st);
	if (k < 0) {
		input_free(in);
		return -1;
	}
	if (fd > 0)
		close(fd);
	in->sfd = (int)k;
	in->own_sfd = 1;
	in->spooled = 1;
	free(in->head);
	in->head = NULL;
	in->nhead = 0;
	in->used = 0;
	if (what == OT_AR_PLAIN) {
		add_input(c, in);
		(*found)++;
		return 0;
	}
	k = expand_levels(c, in, name, what, 1, found, err);
	/* the template keeps the spooled file open for its members */
	in->holder = 1;
	add_input(c, in);
	return (int)k;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int expand_path(struct ot_source_ctx *c, const char *path, int explicit,
		       size_t *found, struct ot_err *err);

/* Every file below dir, sorted by path. */
static int
expand_dir(struct ot_source_ctx *c, const char *dir, size_t *found, struct ot_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, i, before = *found;
	int rc = 0;

	if (d == NULL) {
		err->phase = "open";
		return ot_errorf_at(err, OT_EINPUT, dir, 0, "cannot open: %s", strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		size_t l;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		l = strlen(dir);
		v = xrealloc(v, st_mult(n + 1, sizeof(*v)));
		v[n] = xmalloc(l + strlen(de->d_name) + 2);
		sprintf(v[n], "%s%s%s", dir, l > 0 && dir[l - 1] == '/' ? "" : "/", de->d_name);
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_str);	/* not qsort(NULL, 0): UB */
	for (i = 0; i < n && rc == 0; i++)
		rc = expand_path(c, v[i], 0, found, err);
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	if (rc == 0 && *found == before && c->depth == 0) {
		err->phase = "detect";
		rc = ot_errorf_at(err, OT_EINPUT, dir, 0, "no trace or capture below this directory%s",
				  c->o.member ? " that --member selects" : "");
	}
	return rc;
}

/* A file's first bytes for the detector (below a directory, as a member). */
static const char *
detect_file(struct ot_source_ctx *c, int fd, int member)
{
	uint8_t *b = xmalloc(HEAD);
	ssize_t k = pread(fd, b, member ? HEAD : 4096, 0);
	size_t n = k > 0 ? (size_t)k : 0;
	const char *kind = src_detect_bytes(c, b, n < 4096 ? n : 4096);

	if (member)
		kind = member_kind(kind, b, n);
	free(b);
	return kind;
}

static int
expand_path(struct ot_source_ctx *c, const char *path, int explicit, size_t *found,
	    struct ot_err *err)
{
	struct ot_input tmpl, *in;
	struct stat sb;
	int fd, what, rc;

	if (strcmp(path, "-") == 0) {
		if (c->stdin_taken++) {
			err->phase = "open";
			return ot_errorf_at(err, OT_EINPUT, "-", 0,
					    "standard input is read once; it is given twice");
		}
		return expand_stream(c, 0, "-", found, err);
	}
	if (stat(path, &sb) != 0) {
		err->phase = "open";
		return ot_errorf_at(err, OT_EINPUT, path, 0, "cannot open: %s", strerror(errno));
	}
	if (S_ISDIR(sb.st_mode)) {
		c->depth += !explicit;
		rc = expand_dir(c, path, found, err);
		c->depth -= !explicit;
		return rc;
	}
	if ((fd = open(path, O_RDONLY)) < 0) {
		err->phase = "open";
		return ot_errorf_at(err, OT_EINPUT, path, 0, "cannot open: %s", strerror(errno));
	}
	if (!S_ISREG(sb.st_mode)) {
		if (!explicit) {
			close(fd);
			return 0;	/* sockets, devices below a directory */
		}
		return expand_stream(c, fd, path, found, err);
	}
	what = ot_ar_classify_fd(fd);
	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.file = (char *)path;
	tmpl.size = (int64_t)sb.st_size;
	if (what != OT_AR_PLAIN) {
		close(fd);
		return expand_levels(c, &tmpl, path, what, explicit, found, err);
	}
	tmpl.kind = detect_file(c, fd, !explicit);
	close(fd);
	/* a file named on the command line is the caller's to refuse, with
	 * its own words; below a directory, what no source reads is skipped */
	if (!explicit && (!ot_source_readable(tmpl.kind) || !selected(c, path, path))) {
		if (selected(c, path, path))
			add_skip(c, path, tmpl.kind);
		return 0;
	}
	in = new_input(&tmpl, path);
	add_input(c, in);
	(*found)++;
	return 0;
}

int
ot_source_expand(struct ot_source_ctx *c, const char *const *paths, size_t n,
		 const char *const **names, size_t *count, struct ot_err *err)
{
	size_t i, found = 0, k = 0;
	size_t first = c->nin;

	for (i = 0; i < n; i++)
		if (expand_path(c, paths[i], 1, &found, err) < 0)
			return -1;
	free(c->names);
	c->names = xcalloc(c->nin - first + 1, sizeof(*c->names));
	for (i = first; i < c->nin; i++)
		if (!c->in[i]->holder)
			c->names[k++] = c->in[i]->name;
	*names = c->names;
	*count = k;
	return 0;
}

size_t
ot_source_skipped(const struct ot_source_ctx *c, const struct ot_source_skip **v)
{
	*v = c->skip;
	return c->nskip;
}
