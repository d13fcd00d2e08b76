/*
 * cli.h - the command-line front end: the commands main.c dispatches to
 * (src/cmd_*.c) and the helpers they share (src/cli.c).  Only the CLI
 * prints diagnostics or chooses exit codes.
 */
#ifndef OT_CLI_H
#define OT_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "offtrace/ingest.h"
#include "offtrace/progress.h"
#include "offtrace/report.h"
#include "offtrace/store.h"
#include "offtrace/util.h"

/* Exit codes (DESIGN.md section 6). */
enum {
	EXIT_OK = 0,
	EXIT_CHECK_FAILED = 1,
	EXIT_USAGE = 2,		/* usage error, unreadable/bad input, unwritable output */
	EXIT_INTERNAL = 3
};

int cmd_analyze(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_checkdb(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_flows(int argc, char **argv);
/* The damage a reader stepped over (n kept, unparsed in all), on stderr:
 * one line each, then the count (dump, info). */
struct ot_source_problem;
void cli_print_problems(const char *path, const struct ot_source_problem *p, size_t n,
			uint64_t unparsed);
/* dump's line (or JSON object) for one packet (cmd_capture.c); with rec
 * (dump --payload of an .etl), the record it came from: its provider
 * GUID, event id and user data (in hex) */
struct ot_packet;
struct cli_record {
	const char *provider;	/* GUID text */
	unsigned id;
	const uint8_t *payload;
	size_t len;
};
void cli_dump_packet(FILE *f, const struct ot_packet *pkt, int json,
		     const struct cli_record *rec);
int cmd_tmf(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_fleet(int argc, char **argv);

/* Print "offtrace: <file>:<line>: <msg>" (or a shorter form) and return the exit code for err. */
int cli_report_error(const struct ot_err *err);
struct ot_source_ctx;
/*
 * The one input a command that reads one (dump, info) was given: *path
 * expanded (an archive, a directory, a compressed file, a pipe) and
 * copied into buf, so that it outlives ctx.  0; else the message is
 * printed, ctx freed, and the exit status returned (EXIT_USAGE when the
 * file holds several inputs: --member chooses).
 */
int cli_expand_one(struct ot_source_ctx *ctx, const char *cmd, const char **path,
		   char *buf, size_t size);
/*
 * A read of db failed (err, or NULL when the command printed its own
 * message, if any): when the wait for another process's lock ran out
 * (--wait), that is the line, "offtrace: DB: locked by another process
 * for longer than --wait D", exit 2, whatever the query said; else err
 * printed and its exit code (EXIT_INTERNAL for NULL).
 */
int cli_db_error(struct ot_db *db, const struct ot_err *err);
/* Print "offtrace: <msg>" and "Try 'offtrace CMD --help'." and return EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) OT_PRINTF(2, 3);
/*
 * After getopt_long() returned '?': getopt has printed the one line that
 * names the option (main.c makes its program name "offtrace: CMD"); print
 * the hint "Try 'offtrace CMD --help'." and return EXIT_USAGE.
 */
int cli_option_error(const char *cmd);
void cli_errorf(const char *fmt, ...) OT_PRINTF(1, 2);

/* Options shared by analyze, ingest and check. */
#define CLI_MAX_PROFILES 16
struct cli_ingest {
	const char *db;		/* --db DB (or the deprecated -o DB) */
	int db_given;		/* db came from --db or -o */
	int quiet, no_progress;
	const char *profiles[CLI_MAX_PROFILES];	/* --profile FILE, in order */
	struct ot_ingest_opts o;
};
void cli_ingest_init(struct cli_ingest *c, const char *default_db);
/*
 * Handle one of the shared long options (by getopt value); 1 handled, 0
 * not, -1 error.  -o/--output DB, the old spelling of --db, still works
 * and prints one deprecation line.
 */
int cli_ingest_option(struct cli_ingest *c, int opt, const char *arg, const char *cmd);
/* Open c->db and ingest the inputs; prints errors; returns an exit code. */
int cli_do_ingest(struct cli_ingest *c, char **paths, int n, struct ot_db **dbp,
		  int64_t *trace_id);
/*
 * A database (its trace want, or the newest when want < 0) when args is one
 * SQLite file, else the traces ingested as cli_do_ingest() does; with no
 * args, the database c->db when db_given (--db DB alone), else a usage
 * error of cmd.
 */
int cli_db_or_ingest(const char *cmd, struct cli_ingest *c, int db_given, char **args,
		     int n, int64_t want, struct ot_db **dbp, int64_t *trace_id);
/*
 * --db FILE where a command also takes the database as an argument
 * (report, show, query, export): one of the two, not both.  Returns the
 * database (from --db, else args[0], shifting *args and *n), or NULL after
 * printing the usage error.
 */
const char *cli_db_arg(const char *cmd, const char *db_opt, char ***args, int *n);
/*
 * --table NAME of the CSV report: 0 when it is one of the tables and
 * format is csv, else the usage error printed and -1.  table NULL is 0.
 */
int cli_check_table(const char *cmd, const char *format, const char *table);
/*
 * --appearances first|all (component 0) sets *all; --component N
 * (component 1) sets *has_component and *id; 0, or -1 after printing the
 * usage error.
 */
int cli_parse_appearances(const char *cmd, int component, const char *arg, int *all,
			  int *has_component, unsigned *id);
/* --format text|jsonl: sets *json; prints the usage error and returns -1. */
int cli_text_or_jsonl(const char *cmd, const char *arg, int *json);
/*
 * Terminal output: --color[=WHEN] parsed into CLI_COLOR_* (-1 after
 * printing the usage error); the columns of the terminal on fd, else
 * $COLUMNS, else 80; and the text options for writing to out.
 */
enum { CLI_COLOR_NEVER, CLI_COLOR_ALWAYS, CLI_COLOR_AUTO };
int cli_parse_color(const char *cmd, const char *arg);
/*
 * --color as getopt returned it (OPT_COLOR, optarg arg): also takes WHEN
 * from the next argument when it is auto, always or never ("--color
 * always", as getopt users expect), advancing optind.
 */
int cli_color_option(const char *cmd, const char *arg, int argc, char **argv);
int cli_term_width(int fd);
void cli_text_opts(FILE *out, int when, struct ot_text_opts *t);
/*
 * Output files and stdout, opened, checked and closed one way (cli.c):
 * a write that fails is one line, "offtrace: NAME: cannot write: REASON"
 * (REASON the errno of the write, NAME the file or "stdout"), and exit
 * status 2, and a partial file is never left looking complete.
 *
 * cli_output_init() (main.c, first) makes stdout a stream that keeps why
 * a write failed, holds closed standard descriptors with /dev/null and
 * makes a file size limit a write error (SIGXFSZ ignored).
 * cli_open_output() opens path for writing, or gives stdout for "-" with
 * CLI_OUT_STDOUT; a regular file is written as PATH.PID.new beside it
 * (removing those a killed offtrace left) until cli_close_output(); NULL
 * after printing "PATH: cannot write: REASON".  CLI_OUT_BINARY is
 * accepted for the callers' sake (no text mode on POSIX).
 * cli_output_failed(): has a write to f failed (writers stop early; a
 * writer's error is not printed when the output's is the cause).
 * cli_flush_output(): flush f now; 0, or -1 when a write failed.
 * cli_close_output() ends f for a command whose outcome so far is rc: a
 * complete output (rc 0 or 1) is renamed into place, else removed.  A
 * failed write (or close or rename) of a complete output prints its line
 * and gives EXIT_USAGE; after another failure (rc 2 or 3, already
 * printed) it is not named again, and rc is returned.  For stdout it
 * only flushes and checks: main.c calls it after every command.
 * cli_output_fd(): the descriptor under f (fileno() of our streams is -1).
 */
enum { CLI_OUT_STDOUT = 1, CLI_OUT_BINARY = 2 };
void cli_output_init(void);
FILE *cli_open_output(const char *path, unsigned flags);
int cli_output_failed(FILE *f);
int cli_flush_output(FILE *f);
int cli_close_output(FILE *f, int rc);
int cli_output_fd(FILE *f);
/*
 * A string from a trace or a database for a terminal-oriented output,
 * escaped as ot_term_escape() does (NULL as ""): s itself when it needs
 * no escape, else a copy in one of CLI_TERM_SLOTS buffers used in turn,
 * valid for as many calls (enough for the arguments of one printf).
 */
#define CLI_TERM_SLOTS 16
const char *cli_term(const char *s);
/* Is the file an SQLite database (by its header)? */
int cli_is_sqlite(const char *path);
/*
 * An input path the commands read: readable and not a directory.  0, or
 * "offtrace: PATH: is a directory" (or "cannot read: REASON") printed and
 * EXIT_USAGE.
 */
int cli_check_input(const char *path);
/* Parse "--since"/"--until": ns integer or RFC 3339. */
int cli_parse_time(const char *s, int64_t *out);
/* Open a database for reading and pick the trace (-1: latest). */
int cli_open_db(const char *path, int64_t want_trace, struct ot_db **dbp,
		int64_t *trace_id);
/* Open a database for the user's SQL (query: ot_db_open_query). */
int cli_open_db_query(const char *path, struct ot_db **dbp);

/* Long option values shared by commands (above the ASCII range). */
enum {
	OPT_FORCE = 256, OPT_NO_PROGRESS, OPT_SINCE, OPT_UNTIL, OPT_ADAPTER,
	OPT_CAPACITY, OPT_NAME, OPT_FORMAT, OPT_TRACE, OPT_JSON, OPT_MAX_LEAKS,
	OPT_MAX_ERRORS, OPT_MAX_WARNINGS, OPT_LATENCY, OPT_FAIL_ON, OPT_JUNIT,
	OPT_SEED, OPT_OBJECTS, OPT_LIST, OPT_TABLE, OPT_HELP, OPT_COLOR,
	OPT_GRACE, OPT_PCAP_OFFSET, OPT_PCAP, OPT_PCAPNG,
	OPT_PROFILE, OPT_TMF_DIR, OPT_TZ_OFFSET, OPT_PREFIX, OPT_PCAP_SKEW,
	OPT_DB, OPT_WAIT,
	OPT_APPEARANCES, OPT_COMPONENT, OPT_PKTMON, OPT_NETSH, OPT_MEMBER
};

/*
 * --wait DURATION, in every command that opens a database: how long to
 * wait for the other processes that hold it (ot_db_set_wait).  -1 when
 * arg is not a duration (the message printed), else 0.
 */
int cli_wait_option(const char *cmd, const char *arg);
#define CLI_WAIT_LONGOPT { "wait", required_argument, NULL, OPT_WAIT }
#define CLI_WAIT_HELP \
	"      --wait DURATION  wait this long (\"30s\", \"600s\"; 0: not at all) for other\n" \
	"                       offtrace processes that hold the database (default:\n" \
	"                       as long as they hold it)\n"

/*
 * --member GLOB, in every command that reads traces: which members of an
 * archive (and files below a directory) to read.
 */
#define CLI_MEMBER_LONGOPT { "member", required_argument, NULL, OPT_MEMBER }
#define CLI_MEMBER_HELP \
	"      --member GLOB    of archives and directories, read only the members\n" \
	"                       whose path matches GLOB (fnmatch: '*.etl', 'logs/*')\n"

#define CLI_INGEST_LONGOPTS \
	{ "db", required_argument, NULL, OPT_DB }, \
	{ "output", required_argument, NULL, 'o' }, \
	{ "force", no_argument, NULL, OPT_FORCE }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS }, \
	{ "since", required_argument, NULL, OPT_SINCE }, \
	{ "until", required_argument, NULL, OPT_UNTIL }, \
	{ "adapter", required_argument, NULL, OPT_ADAPTER }, \
	{ "capacity", required_argument, NULL, OPT_CAPACITY }, \
	{ "name", required_argument, NULL, OPT_NAME }, \
	{ "grace", required_argument, NULL, OPT_GRACE }, \
	{ "pcap-offset", required_argument, NULL, OPT_PCAP_OFFSET }, \
	{ "profile", required_argument, NULL, OPT_PROFILE }, \
	{ "tmf", required_argument, NULL, OPT_TMF_DIR }, \
	{ "tz-offset", required_argument, NULL, OPT_TZ_OFFSET }, \
	{ "prefix", required_argument, NULL, OPT_PREFIX }, \
	{ "appearances", required_argument, NULL, OPT_APPEARANCES }, \
	{ "component", required_argument, NULL, OPT_COMPONENT }, \
	CLI_MEMBER_LONGOPT, \
	CLI_WAIT_LONGOPT

#define CLI_INGEST_HELP \
	"      --db DB          database file (\":memory:\" allowed)\n" \
	"  -o, --output DB      deprecated spelling of --db (-o will name the\n" \
	"                       output file, as in report, export and gen)\n" \
	"      --force          ingest inputs even if already in the database\n" \
	"  -q, --quiet          no progress, no summary line on stderr\n" \
	"      --no-progress    no progress bar\n" \
	"      --since TIME     ignore events before TIME (ns since 1970 or RFC 3339)\n" \
	"      --until TIME     ignore events at or after TIME\n" \
	"      --adapter NAME   only events of this adapter\n" \
	"      --capacity N     TcpConnectionOffloadCapacity, for rule L4\n" \
	"      --name LABEL     label of the trace (default: the inputs' names)\n" \
	"      --grace DURATION W1: terminate due this long after a wire close (2s)\n" \
	"      --pcap-offset [+-]DURATION  add to pcap/pcapng packet times (clock skew)\n" \
	"      --profile FILE   decode text/WPP/manifest events with this profile too\n" \
	"                       (tried before the built-in chimney profile; repeatable)\n" \
	"      --tmf DIR        TMF files (<message GUID>.tmf) for WPP messages in .etl\n" \
	"      --tz-offset +HH:MM  tracefmt text times are local = UTC+HH:MM (default:\n" \
	"                       kept as written: local time of no known zone)\n" \
	"      --prefix FMT     TRACE_FORMAT_PREFIX of tracefmt text lines (default\n" \
	"                       \"[%9!d!]%8!04X!.%3!04X!::%4!s! [%1!s!]\")\n" \
	"      --appearances WHICH  pktmon packets (logged once per component they\n" \
	"                       pass): first (default: each packet once, at its first\n" \
	"                       appearance whose frame is IP) or all (every appearance)\n" \
	"      --component N    pktmon: only the appearances and drops at component N\n" \
	CLI_MEMBER_HELP \
	CLI_WAIT_HELP

#endif
