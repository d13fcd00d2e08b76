/*
 * cmd_profile.c - offtrace profile check|stats: validate profiles
 * (src/decode/profile.c) and list the raw messages of traces that no
 * profile rule matches, so that an engineer knows what to add.
 */
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "offtrace/etlsrc.h"
#include "offtrace/profile.h"
#include "offtrace/textsrc.h"
#include "offtrace/tmf.h"
#include "offtrace/wpptext.h"

static const char profile_help[] =
	"usage: offtrace profile check FILE...\n"
	"       offtrace profile stats [options] TRACE...\n\n"
	"check: validate profiles (schemas/profile.schema.json): JSON syntax,\n"
	"keys, fields, placeholder and payload types, enum maps.  Errors name the\n"
	"file and the JSON path (rules[3].template: unknown placeholder type\n"
	"'pointer').  Prints \"FILE: N rules\" for each good profile.\n\n"
	"stats: read tracefmt text or .etl traces through the profiles (the\n"
	"--profile files, then the built-in chimney profile) and list the raw\n"
	"messages no rule matched, most frequent first: count, then the function\n"
	"name (or first words) of text messages, the message GUID and number of\n"
	"WPP messages, or the provider and event id of other events.\n\n"
	"options (stats):\n"
	"      --profile FILE   a profile to try before the built-in one (repeatable)\n"
	"      --tmf DIR        TMF files for the WPP messages of .etl traces\n"
	"      --prefix FMT     TRACE_FORMAT_PREFIX of the text lines\n"
	"      --tz-offset +HH:MM  accepted for symmetry with analyze (times are not shown)\n"
	"      --limit N        list at most N messages (default 50)\n"
	"      --format FMT     text (default) or jsonl\n"
	"  -h, --help           this help\n\n"
	"Exit status: 0 ok, 2 usage error, a bad profile or an unreadable trace.\n";

/* "offtrace: FILE[:LINE]: MSG" for a profile error (no offset: it is JSON). */
static int
profile_error(const struct ot_err *err)
{
	if (err->file[0] && err->line)
		fprintf(stderr, "offtrace: %s:%llu: %s\n", err->file,
			(unsigned long long)err->line, err->msg);
	else if (err->file[0])
		fprintf(stderr, "offtrace: %s: %s\n", err->file, err->msg);
	else
		fprintf(stderr, "offtrace: %s\n", err->msg);
	return err->code == OT_EINPUT || err->code == OT_EUSAGE ? EXIT_USAGE : EXIT_INTERNAL;
}

static int
profile_check(int argc, char **argv)
{
	struct ot_err err;
	int i, rc = EXIT_OK;

	if (argc < 1)
		return cli_usage_error("profile", "profile check: want one or more FILEs");
	for (i = 0; i < argc; i++) {
		struct ot_profile *p = ot_profile_new();

		memset(&err, 0, sizeof(err));
		if (ot_profile_add_file(p, argv[i], &err) < 0)
			rc = profile_error(&err);
		else
			printf("%s: %zu rules\n", argv[i], ot_profile_nrules(p));
		ot_profile_free(p);
	}
	return rc;
}

static void
put_jsonl(const char *trace, const char *kind, const char *key, uint64_t count)
{
	fputs("{\"trace\":", stdout);
	ot_json_string(stdout, trace);
	printf(",\"kind\":\"%s\",\"key\":", kind);
	ot_json_string(stdout, key);
	printf(",\"count\":%" PRIu64 "}\n", count);
}

/* One trace: its unmatched messages on stdout; an exit code. */
static int
stats_one(const char *path, const struct ot_profile *p, const struct ot_tmfdir *tmf,
	  const struct ot_wpptext_prefix *pf, int64_t limit, int json)
{
	struct ot_strtab *st = ot_strtab_new();
	struct ot_event ev;
	struct ot_err err;
	const char *fmt;
	uint64_t events = 0, i;
	int r, rc = EXIT_OK;

	memset(&err, 0, sizeof(err));
	fmt = ot_detect_format(path, &err);
	if (fmt == NULL) {
		rc = cli_report_error(&err);
	} else if (strcmp(fmt, "wpptext") == 0 ||
		   (pf != NULL && (strcmp(fmt, "text") == 0 || strcmp(fmt, "binary") == 0))) {
		struct ot_textsrc *s = ot_textsrc_open(path, p, pf, 0, st, &err);
		const struct ot_tally *t;
		const struct ot_wpptext_stats *ws;

		if (s == NULL) {
			ot_strtab_free(st);
			return cli_report_error(&err);
		}
		while ((r = ot_textsrc_next(s, &ev, &err)) > 0)
			events++;
		if (r < 0)
			rc = cli_report_error(&err);
		t = ot_textsrc_unmatched(s);
		ws = ot_textsrc_stats(s);
		if (!json)
			printf("%s: %" PRIu64 " messages: %" PRIu64 " matched, %" PRIu64
			       " unmatched (%zu kinds), %" PRIu64 " \"No Format Information found.\"\n",
			       path, ws->messages, events, t->total, t->n, ws->no_format);
		for (i = 0; i < t->n && (limit < 0 || (int64_t)i < limit); i++) {
			if (json)
				put_jsonl(path, "text", t->e[i].key, t->e[i].count);
			else
				printf("%10" PRIu64 "  %s\n", t->e[i].count, t->e[i].key);
		}
		if (t->others && !json)
			printf("%10" PRIu64 "  (other kinds, not listed)\n", t->others);
		ot_textsrc_close(s);
	} else if (strcmp(fmt, "etl") == 0) {
		struct ot_etlsrc *s = ot_etlsrc_open(path, st, &err);
		const struct ot_etlsrc_unmatched *k;
		uint64_t un;
		size_t nk;

		if (s == NULL) {
			ot_strtab_free(st);
			return cli_report_error(&err);
		}
		ot_etlsrc_set_profile(s, p, tmf);
		while ((r = ot_etlsrc_next(s, &ev, &err)) > 0)
			events++;
		if (r < 0)
			rc = cli_report_error(&err);
		un = ot_etlsrc_unmatched(s, &k, &nk);
		if (!json)
			printf("%s: %" PRIu64 " records: %" PRIu64 " events, %" PRIu64
			       " unmatched (%zu kinds), %" PRIu64 " unparsed\n", path,
			       ot_etlsrc_records(s), events, un, nk, ot_etlsrc_unparsed(s));
		for (i = 0; i < nk && (limit < 0 || (int64_t)i < limit); i++) {
			char key[64];

			const struct ot_tmf_msg *tm = NULL;
			uint8_t g[16];

			snprintf(key, sizeof(key), "%s #%u", k[i].provider, (unsigned)k[i].id);
			/* a WPP message its TMF describes: what a rule would match */
			if (tmf != NULL && ot_profile_parse_guid(k[i].provider, g) == 0)
				tm = ot_tmfdir_find(tmf, g, k[i].id);
			if (json) {
				put_jsonl(path, "etl", key, k[i].count);
			} else {
				printf("%10" PRIu64 "  %s", k[i].count, key);
				if (tm != NULL)
					printf("  %s \"%s\"", tm->func[0] ? tm->func : "-", tm->format);
				putchar('\n');
			}
		}
		ot_etlsrc_close(s);
	} else {
		cli_errorf("%s: %s input: profile stats reads tracefmt text and .etl files", path, fmt);
		rc = EXIT_USAGE;
	}
	ot_strtab_free(st);
	return rc;
}

enum { OPT_LIMIT_STATS = OPT_PREFIX + 1 };

static int
profile_stats(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "tmf", required_argument, NULL, OPT_TMF_DIR },
		{ "prefix", required_argument, NULL, OPT_PREFIX },
		{ "tz-offset", required_argument, NULL, OPT_TZ_OFFSET },
		{ "limit", required_argument, NULL, OPT_LIMIT_STATS },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ot_profile *p = ot_profile_new();
	struct ot_tmfdir *tmf = NULL;
	struct ot_wpptext_prefix *pf = NULL;
	const char *tmfdir = NULL, *prefix = NULL;
	struct ot_err err;
	int64_t limit = 50, tz;
	int opt, rc = EXIT_OK, json = 0, i;

	memset(&err, 0, sizeof(err));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_PROFILE:
			if (ot_profile_add_file(p, optarg, &err) < 0) {
				ot_profile_free(p);
				return profile_error(&err);
			}
			break;
		case OPT_TMF_DIR:
			tmfdir = optarg;
			break;
		case OPT_PREFIX:
			prefix = optarg;
			break;
		case OPT_TZ_OFFSET:
			if (ot_wpptext_parse_tz(optarg, &tz) < 0) {
				ot_profile_free(p);
				return cli_usage_error("profile", "bad --tz-offset '%s': want +HH:MM or -HH:MM", optarg);
			}
			break;
		case OPT_LIMIT_STATS:
			if (ot_parse_i64(optarg, strlen(optarg), &limit) < 0 || limit < 0) {
				ot_profile_free(p);
				return cli_usage_error("profile", "bad --limit '%s'", optarg);
			}
			break;
		case OPT_FORMAT:
			if (cli_text_or_jsonl("profile", optarg, &json) < 0) {
				ot_profile_free(p);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(profile_help, stdout);
			ot_profile_free(p);
			return EXIT_OK;
		default:
			ot_profile_free(p);
			return cli_usage_error("profile", "bad option");
		}
	}
	if (optind >= argc) {
		ot_profile_free(p);
		return cli_usage_error("profile", "profile stats: want one or more TRACEs");
	}
	if (ot_profile_add_builtin(p, "chimney", &err) < 0 ||
	    (tmfdir != NULL && (tmf = ot_tmfdir_open(tmfdir, &err)) == NULL) ||
	    (prefix != NULL && (pf = ot_wpptext_prefix_new(prefix, &err)) == NULL)) {
		rc = cli_report_error(&err);
		goto out;
	}
	for (i = optind; i < argc; i++) {
		int r = stats_one(argv[i], p, tmf, pf, limit, json);

		if (r != EXIT_OK)
			rc = r;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_errorf("profile: cannot write the output");
		rc = EXIT_INTERNAL;
	}
out:
	ot_wpptext_prefix_free(pf);
	ot_tmfdir_free(tmf);
	ot_profile_free(p);
	return rc;
}

int
cmd_profile(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("profile", "want a subcommand: check or stats");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(profile_help, stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "check") == 0) {
		if (argc > 2 && (strcmp(argv[2], "-h") == 0 || strcmp(argv[2], "--help") == 0)) {
			fputs(profile_help, stdout);
			return EXIT_OK;
		}
		return profile_check(argc - 2, argv + 2);
	}
	if (strcmp(argv[1], "stats") == 0)
		return profile_stats(argc - 1, argv + 1);
	return cli_usage_error("profile", "unknown subcommand '%s': want check or stats", argv[1]);
}
