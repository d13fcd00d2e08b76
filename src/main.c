/*
 * main.c - offtrace: rebuild NDIS TCP chimney offload lifetimes from traces.
 *
 * Only picks the subcommand from a table (git's pattern): the helpers the
 * commands share are in cli.c, so no command calls back into this file.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#ifndef OT_VERSION
#define OT_VERSION "0.1.0"
#endif

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "analyze", cmd_analyze, "ingest traces and print the report (the main job)" },
	{ "ingest", cmd_ingest, "build or extend a database from traces" },
	{ "report", cmd_report, "print the report of a database (text, json, csv)" },
	{ "check", cmd_check, "CI gate: exit 0 pass, 1 fail, 2 usage or input error" },
	{ "show", cmd_show, "the full history of one object or operation" },
	{ "query", cmd_query, "run SQL on a database, print CSV or JSON" },
	{ "check-db", cmd_checkdb, "check a database: integrity and offtrace's consistency" },
	{ "gen", cmd_gen, "write a synthetic trace and its ground truth" },
	{ "info", cmd_info, "print the log-file header and buffers of an .etl file" },
	{ "dump", cmd_dump, "print the records of an .etl file in time order" },
	{ "export", cmd_export, "write a trace as Chrome trace-event JSON (Perfetto, chrome://tracing)" },
	{ "flows", cmd_flows, "list the TCP flows of pcap/pcapng captures (CSV, JSON)" },
	{ "tmf", cmd_tmf, "list the messages of a WPP TMF file" },
	{ "profile", cmd_profile, "check a profile; list the trace messages no profile matches" },
	{ "push", cmd_push, "send the analysis of traces to the fleet in ClickHouse" },
	{ "fleet", cmd_fleet, "the fleet in ClickHouse: init, report, query, check" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: offtrace <command> [options] [args]\n\n"
		   "Rebuilds the life of every NDIS TCP chimney offload state object from\n"
		   "traces into SQLite, and reports latency, leaks and broken rules.\n\n"
		   "commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n  -h, --help      this help ('offtrace help <command>' or\n"
		   "                  'offtrace <command> --help' for a command)\n"
		   "  -V, --version   print the version\n\n"
		   "Exit status: 0 ok, 1 check failed, 2 usage or input error, 3 internal error.\n"
		   "See offtrace(1).\n");
}

static const struct command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

/*
 * Run a command.  Its argv[0] is "offtrace: NAME", the program name
 * getopt_long() puts before its one line about a bad option, so that the
 * line reads like every other diagnostic.
 */
static int
run(const struct command *c, int argc, char **argv)
{
	char prog[64];

	snprintf(prog, sizeof(prog), "offtrace: %s", c->name);
	argv[0] = prog;
	return c->fn(argc, argv);
}

/* The command line, as main() runs it: the exit status. */
static int
dispatch(int argc, char **argv)
{
	const struct command *c;
	char help[] = "--help";
	char *hargv[3];

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    (strcmp(argv[1], "help") == 0 && argc == 2)) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("offtrace %s\n", OT_VERSION);
		return EXIT_OK;
	}
	/* offtrace help CMD: what offtrace CMD --help prints */
	if (strcmp(argv[1], "help") == 0) {
		if (argc > 3)
			return cli_usage_error(NULL, "help takes one command");
		if ((c = find_command(argv[2])) == NULL)
			return cli_usage_error(NULL, "unknown command '%s'", argv[2]);
		hargv[0] = argv[2];
		hargv[1] = help;
		hargv[2] = NULL;
		return run(c, 2, hargv);
	}
	if ((c = find_command(argv[1])) == NULL)
		return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
	return run(c, argc - 1, argv + 1);
}

/*
 * What every command prints to stdout is checked at the end, as git's
 * run_builtin() does: a full disk or a closed stdout is one line and
 * exit status 2, never a silent 0.
 */
int
main(int argc, char **argv)
{
	cli_output_init();
	return cli_close_output(stdout, dispatch(argc, argv));
}
