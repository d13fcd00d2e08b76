/*
 * cmd_tmf.c - offtrace tmf: list the messages of a WPP TMF file
 * (src/read/tmf.c), as text or JSON lines.
 */
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "offtrace/tmf.h"

static const char tmf_help[] =
	"usage: offtrace tmf [options] FILE\n\n"
	"Parse a WPP trace message format file (<message GUID>.tmf, as written\n"
	"by tracepdb) and list each message once: GUID, friendly name, message\n"
	"number, source tag, format string, LEVEL, FLAGS, FUNC and the types of\n"
	"its arguments in order.  Entries repeated verbatim are listed once.\n\n"
	"options:\n"
	"      --format FMT     text (default) or jsonl (one JSON object per message)\n"
	"  -h, --help           this help\n\n"
	"Exit status: 0 ok, 2 usage error or a bad TMF file (named with its line).\n";

static void
print_jsonl(FILE *out, const struct ot_tmf_msg *m)
{
	unsigned i, j;

	fputs("{\"guid\":", out);
	ot_json_string(out, m->guid);
	fputs(",\"friendly\":", out);
	ot_json_string(out, m->friendly);
	fprintf(out, ",\"number\":%u,\"tag\":", (unsigned)m->number);
	ot_json_string(out, m->tag);
	fputs(",\"format\":", out);
	ot_json_string(out, m->format);
	fputs(",\"args\":[", out);
	for (i = 0; i < m->nargs; i++) {
		if (i)
			fputc(',', out);
		ot_json_string(out, ot_tmf_type_name(m->args[i].type));
	}
	fputs("],\"arg_index\":[", out);
	for (i = 0; i < m->nargs; i++)
		fprintf(out, "%s%u", i ? "," : "", m->args[i].index);
	fputs("],\"arg_expr\":[", out);
	for (i = 0; i < m->nargs; i++) {
		if (i)
			fputc(',', out);
		ot_json_string(out, m->args[i].expr);
	}
	fputc(']', out);
	for (i = 0; i < m->nargs; i++) {
		if (m->args[i].nnames == 0)
			continue;
		fprintf(out, ",\"names%u\":[", m->args[i].index);
		for (j = 0; j < m->args[i].nnames; j++) {
			if (j)
				fputc(',', out);
			ot_json_string(out, m->args[i].names[j]);
		}
		fputc(']', out);
	}
	fputs(",\"func\":", out);
	ot_json_string(out, m->func);
	fputs(",\"level\":", out);
	ot_json_string(out, m->level);
	fputs(",\"flags\":", out);
	ot_json_string(out, m->flags);
	fprintf(out, ",\"line\":%" PRIu64 "}\n", m->line);
}

static void
print_text(FILE *out, const struct ot_tmf_msg *m)
{
	unsigned i;

	fprintf(out, "%s %5u %-24s %s %s %s \"%s\" (", cli_term(m->guid), (unsigned)m->number,
		cli_term(m->tag), *m->level ? cli_term(m->level) : "-",
		*m->flags ? cli_term(m->flags) : "-", *m->func ? cli_term(m->func) : "-",
		cli_term(m->format));
	for (i = 0; i < m->nargs; i++)
		fprintf(out, "%s%s", i ? ", " : "", ot_tmf_type_name(m->args[i].type));
	fputs(")\n", out);
}

int
cmd_tmf(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ot_err err;
	struct ot_tmf t;
	size_t i;
	int opt, json = 0, rc = EXIT_OK;

	memset(&err, 0, sizeof(err));
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_FORMAT:
			if (cli_text_or_jsonl("tmf", optarg, &json) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(tmf_help, stdout);
			return EXIT_OK;
		default:
			return cli_option_error("tmf");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("tmf", "want one FILE");
	if (ot_tmf_load(argv[optind], &t, &err) < 0) {
		ot_tmf_release(&t);
		return cli_report_error(&err);
	}
	if (!json)
		printf("%s: %zu messages (%" PRIu64 " #typev entries, %" PRIu64
		       " repeated verbatim, %" PRIu64 " conflicting)\n",
		       argv[optind], t.nmsgs, t.entries, t.duplicates, t.conflicts);
	for (i = 0; i < t.nmsgs; i++) {
		if (json)
			print_jsonl(stdout, &t.msgs[i]);
		else
			print_text(stdout, &t.msgs[i]);
	}
	/* a write error of stdout is main.c's to print */
	ot_tmf_release(&t);
	return rc;
}
