/*
 * cli.c - the helpers the commands share: error printing, ingest options,
 * opening a database or ingesting traces, --format and --color parsing,
 * the terminal's width, and output files.  It calls only down into the library, never
 * into main.c or a cmd_*.c, so the commands and main.c form no loop.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
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

int
cli_open_db(const char *path, int64_t want_trace, struct ot_db **dbp, int64_t *trace_id)
{
	struct ot_err err;
	struct ot_db *db = NULL;

	memset(&err, 0, sizeof(err));
	if (cli_check_input(path) != 0)
		return EXIT_USAGE;
	if (!cli_is_sqlite(path)) {
		cli_errorf("%s: not an offtrace database (not an SQLite file)", path);
		return EXIT_USAGE;
	}
	if (ot_db_open(path, 1, &db, &err) < 0) {
		if (!err.file[0])
			snprintf(err.file, sizeof(err.file), "%s", path);
		return cli_report_error(&err);
	}
	if (want_trace < 0) {
		if (ot_db_latest_trace(db, trace_id, &err) < 0) {
			ot_db_close(db);
			snprintf(err.file, sizeof(err.file), "%s", path);
			return cli_report_error(&err);
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
	int tty = isatty(fileno(out));

	ot_text_opts_init(t);
	t->width = cli_term_width(fileno(out));
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

FILE *
cli_open_output(const char *path, unsigned flags)
{
	FILE *f;

	if ((flags & CLI_OUT_STDOUT) && strcmp(path, "-") == 0)
		return stdout;
	if ((f = fopen(path, flags & CLI_OUT_BINARY ? "wb" : "w")) == NULL)
		cli_errorf("%s: cannot write: %s", path, strerror(errno));
	return f;
}

int
cli_flush_output(FILE *f, const char *name, int status)
{
	if (status < 0 || fflush(f) != 0 || ferror(f)) {
		cli_errorf("%s: write error", name);
		return -1;
	}
	return 0;
}

int
cli_close_output(FILE *f, const char *name)
{
	if (f == stdout)
		return 0;
	if (fclose(f) != 0 && name != NULL) {
		cli_errorf("%s: write error", name);
		return -1;
	}
	return 0;
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
