/*
 * cmd_profile.c - offtrace profile check|stats: validate profiles
 * (src/decode/profile_*.c) and list the raw messages of traces that no
 * profile rule matches, so that an engineer knows what to add.
 */
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "offtrace/source.h"

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
	CLI_MEMBER_HELP
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
		const char *one[1] = { argv[i] };
		struct ot_source_opts so;
		struct ot_source_ctx *c;

		/* the file alone, without the built-in profile */
		memset(&so, 0, sizeof(so));
		so.profiles = one;
		so.nprofiles = 1;
		so.flags = OT_SRC_NO_BUILTIN;
		memset(&err, 0, sizeof(err));
		if ((c = ot_source_ctx_new(&so, NULL, &err)) == NULL)
			rc = profile_error(&err);
		else
			printf("%s: %zu rules\n", argv[i], ot_source_ctx_rules(c));
		ot_source_ctx_free(c);
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
stats_one(struct ot_source_ctx *c, const char *path, int64_t limit, int json)
{
	const struct ot_source_unmatched *un;
	struct ot_source_stats st;
	struct ot_source *s;
	struct ot_item it;
	struct ot_err err;
	const char *kind;
	uint64_t events = 0;
	size_t nun, i;
	int r, rc = EXIT_OK, text;

	memset(&err, 0, sizeof(err));
	if ((kind = ot_source_detect(c, path, &err)) == NULL)
		return cli_report_error(&err);
	text = strcmp(kind, "wpptext") == 0;
	if (!text && strcmp(kind, "etl") != 0) {
		cli_errorf("%s: %s input: profile stats reads tracefmt text and .etl files",
			   path, kind);
		return EXIT_USAGE;
	}
	if ((s = ot_source_open(c, path, kind, 0, &err)) == NULL)
		return cli_report_error(&err);
	while ((r = ot_source_next(s, &it, &err)) > 0)
		events++;
	if (r < 0)
		rc = cli_report_error(&err);
	ot_source_stats(s, &st);
	nun = ot_source_unmatched(s, &un);
	if (!json && text)
		printf("%s: %" PRIu64 " messages: %" PRIu64 " matched, %" PRIu64
		       " unmatched (%zu kinds), %" PRIu64 " \"No Format Information found.\"\n",
		       path, st.records, events, st.unmatched, st.kinds, st.no_format);
	else if (!json)
		printf("%s: %" PRIu64 " records: %" PRIu64 " events, %" PRIu64
		       " unmatched (%zu kinds), %" PRIu64 " unparsed\n", path,
		       st.records, events, st.unmatched, st.kinds, st.corrupt);
	for (i = 0; i < nun && (limit < 0 || (int64_t)i < limit); i++) {
		if (json) {
			put_jsonl(path, text ? "text" : "etl", un[i].key, un[i].count);
		} else {
			printf("%10" PRIu64 "  %s", un[i].count, cli_term(un[i].key));
			/* a WPP message its TMF describes: what a rule would match */
			if (un[i].format != NULL)
				printf("  %s \"%s\"", un[i].func[0] ? cli_term(un[i].func) : "-",
				       cli_term(un[i].format));
			putchar('\n');
		}
	}
	if (st.others && !json)
		printf("%10" PRIu64 "  (other kinds, not listed)\n", st.others);
	ot_source_close(s);
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
		CLI_MEMBER_LONGOPT,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *profiles[CLI_MAX_PROFILES];
	const char *const *names;
	size_t nn, k;
	struct ot_source_opts so;
	struct ot_source_ctx *c;
	struct ot_err err;
	int64_t limit = 50, tz;
	int opt, rc = EXIT_OK, json = 0;

	memset(&err, 0, sizeof(err));
	memset(&so, 0, sizeof(so));
	so.profiles = profiles;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_PROFILE:
			if (so.nprofiles == CLI_MAX_PROFILES)
				return cli_usage_error("profile", "at most %d --profile files",
						       CLI_MAX_PROFILES);
			profiles[so.nprofiles++] = optarg;
			break;
		case OPT_TMF_DIR:
			so.tmf_dir = optarg;
			break;
		case OPT_PREFIX:
			so.prefix = optarg;
			break;
		case OPT_MEMBER:
			so.member = optarg;
			break;
		case OPT_TZ_OFFSET:
			/* accepted for symmetry with analyze; times are not shown */
			if (ot_source_parse_tz(optarg, &tz) < 0)
				return cli_usage_error("profile", "bad --tz-offset '%s': want +HH:MM or -HH:MM", optarg);
			break;
		case OPT_LIMIT_STATS:
			if (ot_parse_i64(optarg, strlen(optarg), &limit) < 0 || limit < 0)
				return cli_usage_error("profile", "bad --limit '%s'", optarg);
			break;
		case OPT_FORMAT:
			if (cli_text_or_jsonl("profile", optarg, &json) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(profile_help, stdout);
			return EXIT_OK;
		default:
			return cli_option_error("profile");
		}
	}
	if (optind >= argc)
		return cli_usage_error("profile", "profile stats: want one or more TRACEs");
	/* the --profile files, then the built-in chimney profile; --tmf; --prefix */
	if ((c = ot_source_ctx_new(&so, NULL, &err)) == NULL) {
		if (err.phase != NULL && strcmp(err.phase, "profile") == 0)
			return profile_error(&err);
		return cli_report_error(&err);
	}
	/* archives, directories, compressed files, pipes: what they hold */
	if (ot_source_expand(c, (const char *const *)argv + optind, (size_t)(argc - optind),
			     &names, &nn, &err) < 0) {
		ot_source_ctx_free(c);
		return cli_report_error(&err);
	}
	for (k = 0; k < nn; k++) {
		int r = stats_one(c, names[k], limit, json);

		if (r != EXIT_OK)
			rc = r;
	}
	/* a write error of stdout is main.c's to print */
	ot_source_ctx_free(c);
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
	if (strcmp(argv[1], "stats") == 0) {
		argv[1] = argv[0];	/* getopt's program name, "offtrace: profile" */
		return profile_stats(argc - 1, argv + 1);
	}
	return cli_usage_error("profile", "unknown subcommand '%s': want check or stats", argv[1]);
}
