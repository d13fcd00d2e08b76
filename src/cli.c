/*
 * cli.c - the helpers the commands share: error printing, ingest options,
 * opening a database or ingesting traces, --format and --color parsing,
 * the terminal's width, and output files.  It calls only down into the library, never
 * into main.c or a cmd_*.c, so the commands and main.c form no loop.
 */
#define _GNU_SOURCE	/* fopencookie */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "offtrace/source.h"
#include "offtrace/wpptext.h"

void
cli_errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("offtrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("offtrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'offtrace %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return EXIT_USAGE;
}

int
cli_option_error(const char *cmd)
{
	fprintf(stderr, "Try 'offtrace %s --help'.\n", cmd);
	return EXIT_USAGE;
}

int
cli_report_error(const struct ot_err *err)
{
	if (err->file[0] && err->line)
		fprintf(stderr, "offtrace: %s:%llu: %s", err->file,
			(unsigned long long)err->line, err->msg);
	else if (err->file[0])
		fprintf(stderr, "offtrace: %s: %s", err->file, err->msg);
	else
		fprintf(stderr, "offtrace: %s", err->msg);
	/* where in the input, and what the reader was doing */
	if (err->code == OT_EINPUT && err->file[0] && err->phase)
		fprintf(stderr, " (offset=%llu, phase=%s)", (unsigned long long)err->offset,
			err->phase);
	fputc('\n', stderr);
	switch (err->code) {
	case OT_EINPUT:
	case OT_EUSAGE:
	case OT_EDUP:
		return EXIT_USAGE;
	default:
		return EXIT_INTERNAL;
	}
}

int
cli_expand_one(struct ot_source_ctx *ctx, const char *cmd, const char **path,
	       char *buf, size_t size)
{
	const char *const *names;
	struct ot_err err;
	size_t n;

	memset(&err, 0, sizeof(err));
	if (ot_source_expand(ctx, path, 1, &names, &n, &err) < 0) {
		ot_source_ctx_free(ctx);
		return cli_report_error(&err);
	}
	if (n != 1) {
		cli_errorf("%s: holds %zu traces; %s reads one: choose it with --member GLOB",
			   *path, n, cmd);
		ot_source_ctx_free(ctx);
		return EXIT_USAGE;
	}
	snprintf(buf, size, "%s", names[0]);
	*path = buf;
	return 0;
}

int
cli_db_error(struct ot_db *db, const struct ot_err *err)
{
	struct ot_err lock;

	memset(&lock, 0, sizeof(lock));
	if (ot_db_lock_timeout(db, &lock))
		return cli_report_error(&lock);
	return err != NULL ? cli_report_error(err) : EXIT_INTERNAL;
}

void
cli_ingest_init(struct cli_ingest *c, const char *default_db)
{
	memset(c, 0, sizeof(*c));
	c->db = default_db;
	ot_ingest_opts_init(&c->o);
}

int
cli_parse_time(const char *s, int64_t *out)
{
	size_t n = strlen(s);

	if (ot_parse_i64(s, n, out) == 0)
		return 0;
	return ot_parse_rfc3339(s, n, out);
}

int
cli_ingest_option(struct cli_ingest *c, int opt, const char *arg, const char *cmd)
{
	int64_t v;

	switch (opt) {
	case 'o':
		/* one release of grace, then -o names the output file */
		fprintf(stderr, "offtrace: %s: -o/--output DB is deprecated, use --db DB"
			" (-o will name the output file)\n", cmd);
		c->db = arg;
		c->db_given = 1;
		return 1;
	case OPT_DB:
		c->db = arg;
		c->db_given = 1;
		return 1;
	case OPT_FORCE:
		c->o.force = 1;
		return 1;
	case 'q':
		c->quiet = 1;
		return 1;
	case OPT_NO_PROGRESS:
		c->no_progress = 1;
		return 1;
	case OPT_SINCE:
	case OPT_UNTIL:
		if (cli_parse_time(arg, &v) < 0) {
			cli_usage_error(cmd, "bad time '%s': want ns since 1970 or RFC 3339", arg);
			return -1;
		}
		if (opt == OPT_SINCE)
			c->o.since = v;
		else
			c->o.until = v;
		return 1;
	case OPT_ADAPTER:
		c->o.adapter = arg;
		return 1;
	case OPT_CAPACITY:
		if (ot_parse_i64(arg, strlen(arg), &v) < 0 || v <= 0) {
			cli_usage_error(cmd, "bad --capacity '%s': want a positive integer", arg);
			return -1;
		}
		c->o.tcp_capacity = (uint64_t)v;
		return 1;
	case OPT_NAME:
		c->o.name = arg;
		return 1;
	case OPT_GRACE:
		if (ot_parse_dur(arg, &v) < 0) {
			cli_usage_error(cmd, "bad --grace '%s': want a duration such as 2s or 500ms", arg);
			return -1;
		}
		c->o.grace_ns = v;
		return 1;
	case OPT_PCAP_OFFSET:
		/* a signed duration: -1.5s, +250ms */
		if (ot_parse_dur(arg + (arg[0] == '-' || arg[0] == '+'), &v) < 0) {
			cli_usage_error(cmd, "bad --pcap-offset '%s': want a signed duration such as -1.5s or +250ms", arg);
			return -1;
		}
		c->o.pcap_offset = arg[0] == '-' ? -v : v;
		return 1;
	case OPT_PROFILE:
		if (c->o.nprofiles == CLI_MAX_PROFILES) {
			cli_usage_error(cmd, "more than %d --profile files", CLI_MAX_PROFILES);
			return -1;
		}
		c->profiles[c->o.nprofiles++] = arg;
		c->o.profiles = c->profiles;
		return 1;
	case OPT_TMF_DIR:
		c->o.tmf_dir = arg;
		return 1;
	case OPT_TZ_OFFSET:
		if (ot_wpptext_parse_tz(arg, &c->o.tz_offset_ns) < 0) {
			cli_usage_error(cmd, "bad --tz-offset '%s': want +HH:MM or -HH:MM", arg);
			return -1;
		}
		c->o.tz_set = 1;
		return 1;
	case OPT_PREFIX:
		c->o.prefix = arg;
		return 1;
	case OPT_MEMBER:
		c->o.member = arg;
		return 1;
	case OPT_APPEARANCES:
	case OPT_COMPONENT:
		if (cli_parse_appearances(cmd, opt == OPT_COMPONENT, arg, &c->o.appearances_all,
					  &c->o.has_component, &c->o.component) < 0)
			return -1;
		return 1;
	case OPT_WAIT:
		return cli_wait_option(cmd, arg) < 0 ? -1 : 1;
	default:
		return 0;
	}
}

int
cli_parse_appearances(const char *cmd, int component, const char *arg, int *all,
		      int *has_component, unsigned *id)
{
	int64_t v;

	if (!component) {
		if (strcmp(arg, "first") == 0)
			*all = 0;
		else if (strcmp(arg, "all") == 0)
			*all = 1;
		else
			return cli_usage_error(cmd, "bad --appearances '%s': want first or all",
					       arg), -1;
		return 0;
	}
	if (ot_parse_i64(arg, strlen(arg), &v) < 0 || v < 0 || v > 65535)
		return cli_usage_error(cmd, "bad --component '%s': want a pktmon component id, 0 to 65535",
				       arg), -1;
	*has_component = 1;
	*id = (unsigned)v;
	return 0;
}

int
cli_is_sqlite(const char *path)
{
	char b[16];
	struct stat sb;
	FILE *f;
	size_t n;

	/* a pipe's first bytes are the trace's: never taken to look */
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || (f = fopen(path, "rb")) == NULL)
		return 0;
	n = fread(b, 1, sizeof(b), f);
	fclose(f);
	return n == 16 && memcmp(b, "SQLite format 3", 16) == 0;
}

int
cli_check_input(const char *path)
{
	struct stat sb;

	if (access(path, R_OK) != 0) {
		cli_errorf("%s: cannot read: %s", path, strerror(errno));
		return EXIT_USAGE;
	}
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		cli_errorf("%s: is a directory", path);
		return EXIT_USAGE;
	}
	return 0;
}

int
cli_wait_option(const char *cmd, const char *arg)
{
	int64_t ns;

	if (strcmp(arg, "0") == 0)
		ns = 0;
	else if (ot_parse_dur(arg, &ns) < 0 || ns < 0)
		return cli_usage_error(cmd, "bad --wait '%s': want a duration"
				       " (30s, 600s, 0)", arg), -1;
	/* under a millisecond is still a wait: round up */
	ot_db_set_wait(ns / 1000000 + (ns % 1000000 != 0));
	return 0;
}

int
cli_do_ingest(struct cli_ingest *c, char **paths, int n, struct ot_db **dbp,
	      int64_t *trace_id)
{
	struct ot_ingest_result res;
	struct ot_err err;
	struct ot_db *db = NULL;
	struct ot_progress *pg = NULL;
	char what[sizeof(err.msg)];
	int created, undone, i, code, rc;

	memset(&err, 0, sizeof(err));
	/* "-" is standard input; directories and archives are expanded by
	 * the ingest */
	for (i = 0; i < n; i++)
		if (strcmp(paths[i], "-") != 0 && access(paths[i], R_OK) != 0) {
			cli_errorf("%s: cannot read: %s", paths[i], strerror(errno));
			return EXIT_USAGE;
		}
	if (ot_db_open(c->db, 0, &db, &err) < 0) {
		if (!err.file[0])
			snprintf(err.file, sizeof(err.file), "%s", c->db);
		return cli_report_error(&err);
	}
	if (!c->quiet && !c->no_progress && isatty(2)) {
		pg = ot_progress_new(stderr, cli_term_width(2), (const char *const *)paths,
				     (size_t)n);
		c->o.progress = ot_progress_update;
		c->o.inputs = ot_progress_inputs;
		c->o.progress_ctx = pg;
	}
	rc = ot_ingest(db, (const char *const *)paths, (size_t)n, &c->o, &res, &err);
	ot_progress_free(pg);	/* clears the bar before any message */
	c->o.progress = NULL;
	c->o.progress_ctx = NULL;
	if (rc < 0) {
		/* rolled back (ot_ingest); a database this run created holds
		 * nothing: remove it, the path is as it was */
		created = ot_db_created(db);
		undone = ot_db_close_discard(db) == 0;
		/* a failure of the database itself (a full disk): name it */
		if ((err.code == OT_EDB || err.code == OT_EINTERNAL) && !err.file[0] &&
		    strcmp(c->db, ":memory:") != 0) {
			snprintf(what, sizeof(what), "%s", err.msg);
			snprintf(err.file, sizeof(err.file), "%s", c->db);
			snprintf(err.msg, sizeof(err.msg), "%.400s; %s", what,
				 !undone ? "the next offtrace to open the database rolls back"
				 " what was written" : created ? "nothing was written, no"
				 " database was created" : "nothing was written, the"
				 " database is unchanged");
		}
		code = cli_report_error(&err);
		return code;
	}
	if (!c->quiet && strcmp(c->db, ":memory:") != 0)
		fprintf(stderr, "offtrace: %s: trace %lld: %llu events from %zu input%s\n",
			c->db, (long long)res.trace_id, (unsigned long long)res.events,
			res.inputs, res.inputs == 1 ? "" : "s");
	*dbp = db;
	*trace_id = res.trace_id;
	return EXIT_OK;
}

int
cli_db_or_ingest(const char *cmd, struct cli_ingest *c, int db_given, char **args, int n,
		 int64_t want, struct ot_db **dbp, int64_t *trace_id)
{
	/* --db DB alone reads that database */
	if (n <= 0 && db_given)
		return cli_open_db(c->db, want, dbp, trace_id);
	if (n <= 0)
		return cli_usage_error(cmd, "no database or trace given");
	if (n == 1 && cli_is_sqlite(args[0]))
		return cli_open_db(args[0], want, dbp, trace_id);
	return cli_do_ingest(c, args, n, dbp, trace_id);
}

const char *
cli_db_arg(const char *cmd, const char *db_opt, char ***args, int *n)
{
	const char *db;

	if (db_opt != NULL)
		return db_opt;
	if (*n < 1) {
		cli_usage_error(cmd, "no database given (DB or --db DB)");
		return NULL;
	}
	db = (*args)[0];
	(*args)++;
	(*n)--;
	return db;
}

int
cli_check_table(const char *cmd, const char *format, const char *table)
{
	char want[256];
	const char *t;
	size_t i, off = 0;

	if (table == NULL)
		return 0;
	for (i = 0; (t = ot_report_csv_table(i)) != NULL; i++)
		if (strcmp(table, t) == 0)
			break;
	if (t == NULL) {
		/* the report's own list of tables, in its order */
		for (i = 0; (t = ot_report_csv_table(i)) != NULL && off < sizeof(want); i++)
			off += (size_t)snprintf(want + off, sizeof(want) - off, "%s%s",
						i == 0 ? "" : ot_report_csv_table(i + 1) ? ", " : " or ",
						t);
		return cli_usage_error(cmd, "unknown --table '%s': want %s", table, want), -1;
	}
	if (strcmp(format, "csv") != 0)
		return cli_usage_error(cmd, "--table is for --format csv (the format is %s)", format), -1;
	return 0;
}

int
cli_text_or_jsonl(const char *cmd, const char *arg, int *json)
{
	if (strcmp(arg, "text") == 0)
		*json = 0;
	else if (strcmp(arg, "jsonl") == 0)
		*json = 1;
	else
		return cli_usage_error(cmd, "bad --format '%s': want text or jsonl", arg), -1;
	return 0;
}

/* Open path for reading, or for the user's SQL (query). */
static int
open_db(const char *path, int query, struct ot_db **dbp)
{
	struct ot_err err;

	memset(&err, 0, sizeof(err));
	if (cli_check_input(path) != 0)
		return EXIT_USAGE;
	if (!cli_is_sqlite(path)) {
		cli_errorf("%s: not an offtrace database (not an SQLite file)", path);
		return EXIT_USAGE;
	}
	if ((query ? ot_db_open_query(path, dbp, &err) : ot_db_open(path, 1, dbp, &err)) < 0) {
		if (!err.file[0])
			snprintf(err.file, sizeof(err.file), "%s", path);
		return cli_report_error(&err);
	}
	return EXIT_OK;
}

int
cli_open_db_query(const char *path, struct ot_db **dbp)
{
	return open_db(path, 1, dbp);
}

int
cli_open_db(const char *path, int64_t want_trace, struct ot_db **dbp, int64_t *trace_id)
{
	struct ot_err err;
	struct ot_db *db = NULL;
	int rc;

	memset(&err, 0, sizeof(err));
	if ((rc = open_db(path, 0, &db)) != EXIT_OK)
		return rc;
	if (want_trace < 0) {
		if (ot_db_latest_trace(db, trace_id, &err) < 0) {
			snprintf(err.file, sizeof(err.file), "%s", path);
			rc = cli_db_error(db, &err);
			ot_db_close(db);
			return rc;
		}
	} else {
		*trace_id = want_trace;
	}
	*dbp = db;
	return EXIT_OK;
}

int
cli_parse_color(const char *cmd, const char *arg)
{
	if (arg == NULL || strcmp(arg, "always") == 0)
		return CLI_COLOR_ALWAYS;
	if (strcmp(arg, "never") == 0)
		return CLI_COLOR_NEVER;
	if (strcmp(arg, "auto") == 0)
		return CLI_COLOR_AUTO;
	cli_usage_error(cmd, "bad --color '%s': want auto, always or never", arg);
	return -1;
}

int
cli_color_option(const char *cmd, const char *arg, int argc, char **argv)
{
	if (arg == NULL && optind < argc &&
	    (strcmp(argv[optind], "auto") == 0 || strcmp(argv[optind], "always") == 0 ||
	     strcmp(argv[optind], "never") == 0))
		arg = argv[optind++];
	return cli_parse_color(cmd, arg);
}

int
cli_term_width(int fd)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	int64_t v;

	if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (c != NULL && ot_parse_i64(c, strlen(c), &v) == 0 && v > 0 && v <= 10000)
		return (int)v;
	return 80;
}

/* The locale's character set is UTF-8 (by the environment, as setlocale would see it). */
static int
utf8_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *v = NULL;
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]) && (v == NULL || !*v); i++)
		v = getenv(vars[i]);
	return v != NULL && (strstr(v, "UTF-8") || strstr(v, "utf-8") ||
			     strstr(v, "UTF8") || strstr(v, "utf8"));
}

/*
 * Colour when asked to, or in auto mode on a terminal unless NO_COLOR is
 * set to anything (no-color.org) or TERM is dumb or unset.  Bars in block
 * characters only on a UTF-8 terminal, so what goes to files and pipes is
 * the same plain ASCII whatever the locale.
 */
void
cli_text_opts(FILE *out, int when, struct ot_text_opts *t)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	int fd = cli_output_fd(out), tty = isatty(fd);

	ot_text_opts_init(t);
	t->width = cli_term_width(fd);
	if (when == CLI_COLOR_ALWAYS)
		t->color = 1;
	else if (when == CLI_COLOR_AUTO)
		t->color = tty && (nc == NULL || !*nc) && term != NULL &&
			   *term && strcmp(term, "dumb") != 0;
	t->unicode = tty && utf8_locale();
}

const char *
cli_term(const char *s)
{
	static char *slot[CLI_TERM_SLOTS];
	static size_t cap[CLI_TERM_SLOTS];
	static unsigned next;
	size_t n, need;
	unsigned k;

	if (s == NULL)
		return "";
	n = strlen(s);
	/* an escape always makes the text longer */
	need = ot_term_escape(s, n, NULL, 0);
	if (need == n)
		return s;
	k = next++ % CLI_TERM_SLOTS;
	if (cap[k] < need + 1) {
		cap[k] = need + 1;
		slot[k] = xrealloc(slot[k], cap[k]);
	}
	ot_term_escape(s, n, slot[k], cap[k]);
	return slot[k];
}

/* ---------------------------------------------------------------------
 * Output files and stdout
 *
 * Every output goes through a stream of ours (fopencookie) whose writes
 * keep the errno of the first that failed: stdio's error flag says that a
 * write failed, never why, and errno is long overwritten when the command
 * looks.  stdout is one too (cli_output_init), so that a report, a query
 * or a --help sent to a full disk or a closed descriptor says so.  A
 * regular file is written as PATH.PID.new beside it and renamed over PATH
 * once complete: a failed or interrupted command leaves PATH as it was,
 * never a partial file that looks complete.
 */

#define CLI_MAX_OUTPUTS 16
#define CLI_OUT_BUFSIZ 65536

struct cli_out {
	FILE *f;
	int fd;
	int err;	/* errno of the first write (or close) that failed */
	int reported;	/* its line is printed */
	int truncate;	/* a regular file written in place: emptied on failure */
	char *name;	/* as the user gave it; "stdout" */
	char *path;	/* what tmp is renamed over (name, or what its link names) */
	char *tmp;	/* PATH.PID.new, NULL when written in place */
};

static struct cli_out *outs[CLI_MAX_OUTPUTS];

static struct cli_out *
out_find(FILE *f)
{
	size_t i;

	for (i = 0; i < CLI_MAX_OUTPUTS; i++)
		if (outs[i] != NULL && outs[i]->f == f)
			return outs[i];
	return NULL;
}

static ssize_t
out_write(void *cookie, const char *buf, size_t n)
{
	struct cli_out *o = cookie;
	size_t done = 0;
	ssize_t w;

	/* after a failure nothing more: the output is lost anyway */
	if (o->err) {
		errno = o->err;
		return 0;
	}
	while (done < n) {
		w = write(o->fd, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			o->err = w < 0 ? errno : EIO;
			errno = o->err;
			return 0;	/* stdio's cookie protocol: 0 is an error */
		}
		done += (size_t)w;
	}
	return (ssize_t)n;
}

/* gen's .etl writer seeks back to rewrite the file's header */
static int
out_seek(void *cookie, off64_t *off, int whence)
{
	struct cli_out *o = cookie;
	off_t r = lseek(o->fd, (off_t)*off, whence);

	if (r < 0)
		return -1;
	*off = (off64_t)r;
	return 0;
}

static int
out_closefn(void *cookie)
{
	struct cli_out *o = cookie;

	/* stdout's descriptor stays open: the shell owns it */
	if (o->fd > 2 && close(o->fd) != 0 && !o->err)
		o->err = errno;
	return o->err ? -1 : 0;
}

/* A stream of ours over fd, registered; NULL when the table is full. */
static struct cli_out *
out_new(int fd, const char *name, unsigned flags)
{
	cookie_io_functions_t io = { NULL, out_write, out_seek, out_closefn };
	struct cli_out *o;
	size_t i;

	for (i = 0; i < CLI_MAX_OUTPUTS && outs[i] != NULL; i++)
		;
	if (i == CLI_MAX_OUTPUTS)
		return NULL;
	o = xcalloc(1, sizeof(*o));
	o->fd = fd;
	o->name = xstrdup(name);
	if ((o->f = fopencookie(o, "w", io)) == NULL) {
		free(o->name);
		free(o);
		return NULL;
	}
	/* as stdio buffers: lines on a terminal, blocks elsewhere */
	if ((flags & CLI_OUT_STDOUT) && isatty(fd))
		setvbuf(o->f, NULL, _IOLBF, 0);
	else
		setvbuf(o->f, NULL, _IOFBF, CLI_OUT_BUFSIZ);
	outs[i] = o;
	return o;
}

static void
out_free(struct cli_out *o)
{
	size_t i;

	for (i = 0; i < CLI_MAX_OUTPUTS; i++)
		if (outs[i] == o)
			outs[i] = NULL;
	free(o->name);
	free(o->path);
	free(o->tmp);
	free(o);
}

void
cli_output_init(void)
{
	struct cli_out *o;
	int fd;

	/*
	 * A closed standard descriptor would be the next file opened, and a
	 * report would go into an input or the database: hold each with
	 * /dev/null, stdout read-only so that writes to it fail (EBADF).
	 */
	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == 1 ? O_RDONLY : O_RDWR) != fd)
			break;
	/* a file size limit (ulimit -f) is a write error (EFBIG) to report
	 * and clean up after, not a signal that kills */
	signal(SIGXFSZ, SIG_IGN);
	if ((o = out_new(1, "stdout", CLI_OUT_STDOUT)) != NULL)
		stdout = o->f;
}

int
cli_output_fd(FILE *f)
{
	struct cli_out *o = out_find(f);

	return o != NULL ? o->fd : fileno(f);
}

/* Print "NAME: cannot write: REASON" once. */
static void
out_report(struct cli_out *o)
{
	if (o->reported)
		return;
	o->reported = 1;
	cli_errorf("%s: cannot write: %s", o->name, strerror(o->err ? o->err : EIO));
}

/* A temporary PATH.PID.new beside path, mode as it has, or -1. */
static int
out_open_tmp(const char *path, const struct stat *sb, char **tmp)
{
	size_t n = strlen(path) + 32;
	mode_t mode = sb != NULL ? sb->st_mode & 07777 : 0666;
	int fd;

	ot_remove_stale_new(path);
	*tmp = xmalloc(n);
	snprintf(*tmp, n, "%s.%ld.new", path, (long)getpid());
	unlink(*tmp);	/* ours: left by nobody alive */
	fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd >= 0 && sb != NULL)
		(void)fchmod(fd, mode);	/* the file's own mode, umask or not */
	if (fd < 0) {
		int e = errno;

		free(*tmp);
		*tmp = NULL;
		errno = e;
	}
	return fd;
}

FILE *
cli_open_output(const char *path, unsigned flags)
{
	struct cli_out *o;
	struct stat sb;
	char *dest = NULL, *tmp = NULL;
	int fd = -1, exists;

	if ((flags & CLI_OUT_STDOUT) && strcmp(path, "-") == 0)
		return stdout;
	/*
	 * A regular file, or none yet, is written beside it and renamed
	 * into place; through a symbolic link, beside what the link names.
	 * The rest is written in place: a device or a FIFO (/dev/full, a
	 * named pipe), what /dev/stdout or /proc/self/fd/N name (the
	 * shell's file, perhaps opened to append), a link that names
	 * nothing yet, a file in a directory we may not add to.
	 */
	if (strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0)
		dest = NULL;
	else if ((dest = realpath(path, NULL)) == NULL && errno == ENOENT &&
		 lstat(path, &sb) != 0)
		dest = xstrdup(path);	/* a new file */
	exists = dest != NULL && stat(dest, &sb) == 0;
	if (exists && S_ISDIR(sb.st_mode)) {
		cli_errorf("%s: cannot write: %s", path, strerror(EISDIR));
		free(dest);
		return NULL;
	}
	if (exists && S_ISREG(sb.st_mode) && access(dest, W_OK) != 0) {
		cli_errorf("%s: cannot write: %s", path, strerror(errno));
		free(dest);
		return NULL;
	}
	if (dest != NULL && (!exists || S_ISREG(sb.st_mode)) &&
	    (fd = out_open_tmp(dest, exists ? &sb : NULL, &tmp)) < 0 &&
	    !(exists && (errno == EACCES || errno == EROFS || errno == EPERM))) {
		cli_errorf("%s: cannot write: %s", path, strerror(errno));
		free(dest);
		return NULL;
	}
	if (fd < 0 && (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) {
		cli_errorf("%s: cannot write: %s", path, strerror(errno));
		free(dest);
		return NULL;
	}
	if ((o = out_new(fd, path, flags)) == NULL) {
		cli_errorf("%s: cannot write: %s", path, strerror(ENOMEM));
		close(fd);
		if (tmp != NULL)
			unlink(tmp);
		free(tmp);
		free(dest);
		return NULL;
	}
	o->tmp = tmp;
	o->path = dest;
	/* a regular file of ours emptied in place (its directory closed
	 * to us): on failure, left empty, not looking complete */
	o->truncate = tmp == NULL && dest != NULL && exists && S_ISREG(sb.st_mode);
	return o->f;
}

int
cli_output_failed(FILE *f)
{
	struct cli_out *o = out_find(f);

	return o != NULL ? o->err != 0 : ferror(f) != 0;
}

int
cli_flush_output(FILE *f)
{
	struct cli_out *o = out_find(f);

	if (fflush(f) != 0 && o != NULL && !o->err)
		o->err = errno ? errno : EIO;
	return cli_output_failed(f) ? -1 : 0;
}

int
cli_close_output(FILE *f, int rc)
{
	struct cli_out *o = out_find(f);
	int failed, keep = rc == EXIT_OK || rc == EXIT_CHECK_FAILED;

	if (o == NULL) {
		/* not ours (stdout before cli_output_init): stdio's word */
		failed = fflush(f) != 0 || ferror(f);
		if (failed)
			cli_errorf("%s: cannot write: %s", f == stdout ? "stdout" : "output",
				   strerror(errno ? errno : EIO));
		if (f != stdout)
			fclose(f);
		return failed ? EXIT_USAGE : rc;
	}
	cli_flush_output(f);
	if (f == stdout) {
		if (o->err && keep) {
			out_report(o);
			rc = EXIT_USAGE;
		}
		return rc;
	}
	if (fclose(f) != 0 && !o->err)
		o->err = errno ? errno : EIO;
	failed = o->err != 0;
	if (!failed && keep && o->tmp != NULL && rename(o->tmp, o->path) != 0)
		failed = o->err = errno;
	if (failed || !keep) {
		if (o->tmp != NULL)
			unlink(o->tmp);
		else if (o->truncate)
			(void)truncate(o->name, 0);
	}
	/* the first failure is the one named: after another, say nothing */
	if (failed && keep) {
		out_report(o);
		rc = EXIT_USAGE;
	}
	out_free(o);
	return rc;
}

void
cli_print_problems(const char *path, const struct ot_source_problem *p, size_t n,
		   uint64_t unparsed)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(stderr, "offtrace: %s: buffer %" PRIu64 ", offset %" PRIu64 ": %s\n",
			path, p[i].buffer, p[i].offset, p[i].msg);
	if (unparsed > n)
		fprintf(stderr, "offtrace: %s: %" PRIu64 " more unparsed records not listed\n",
			path, unparsed - n);
	if (unparsed)
		fprintf(stderr, "offtrace: %s: %" PRIu64 " records could not be parsed\n", path,
			unparsed);
}
