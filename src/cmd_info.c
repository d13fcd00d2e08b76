/*
 * cmd_info.c - offtrace info: the log-file header and buffers of an .etl
 * file, as the native .etl reader sees them.  An inspector of the ETL
 * format itself, so it reads the records through the ETL reader (src/read/
 * etl.c), not through a source's events: what it prints is that reader's
 * view.  The source layer only finds the file: an .etl compressed or in
 * an archive is read from its temporary copy, as dump and ingest read it.
 */
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/etl.h"
#include "offtrace/source.h"

static const char info_help[] =
	"usage: offtrace info [--member GLOB] FILE\n\n"
	"Print the log-file header of an .etl file (every TRACE_LOGFILE_HEADER\n"
	"field, times in UTC), its buffers (count, size, per processor), clock,\n"
	"pointer size, compression, and lost events and buffers.  Reads every\n"
	"record to count them and to report damage.  FILE may be compressed\n"
	"(.gz, .zst, .xz, ...) or an archive holding one .etl.\n\n"
	"options:\n"
	CLI_MEMBER_HELP
	"  -h, --help           this help\n\n"
	"Exit status: 0 ok, 2 unreadable or damaged input.\n";

/* The damage the reader kept, as dump prints it. */
static void
print_problems(const char *path, const struct ot_etl *e)
{
	const struct ot_etl_problem *p;
	struct ot_source_problem *sp;
	size_t n, i;

	p = ot_etl_problems(e, &n);
	sp = xcalloc(n ? n : 1, sizeof(*sp));
	for (i = 0; i < n; i++) {
		sp[i].buffer = p[i].buffer_index;
		sp[i].offset = p[i].offset;
		sp[i].msg = p[i].msg;
	}
	cli_print_problems(path, sp, n, ot_etl_stats(e)->unparsed);
	free(sp);
}

static const char *
clock_name(uint32_t c)
{
	switch (c) {
	case 1: return "QPC";
	case 2: return "system time";
	case 3: return "CPU cycles";
	default: return "unknown";
	}
}

static void
put_ft(const char *label, uint64_t ft)
{
	char buf[OT_TIMEBUF];

	printf("%-20s %s (FILETIME %" PRIu64 ")\n", label,
	       ot_fmt_time(ot_etl_filetime_ns(ft), buf), ft);
}

static void
put_st(const char *label, const struct ot_etl_systemtime *t)
{
	printf("%-20s month %u, day-of-week %u, week %u, %02u:%02u:%02u.%03u (year %u)\n",
	       label, t->month, t->dow, t->day, t->hour, t->minute, t->second, t->ms, t->year);
}

int
cmd_info(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_MEMBER_LONGOPT,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ot_err err;
	struct ot_source_opts so;
	struct ot_source_ctx *ctx;
	struct ot_source *s;
	struct ot_etl *e;
	const struct ot_etl_header *h;
	const struct ot_etl_stats *st;
	struct ot_etl_record rec;
	const char *path, *kind;
	char path_buf[4096];
	uint32_t i;
	int opt, r, rc = EXIT_OK;

	memset(&err, 0, sizeof(err));
	memset(&so, 0, sizeof(so));
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_MEMBER:
			so.member = optarg;
			break;
		case 'h':
			fputs(info_help, stdout);
			return EXIT_OK;
		default:
			return cli_option_error("info");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("info", "want one FILE");
	path = argv[optind];
	/* records as they are, nothing decoded into events */
	so.flags = OT_SRC_RAW | OT_SRC_NO_BUILTIN | OT_SRC_NO_PROFILE;
	if ((ctx = ot_source_ctx_new(&so, NULL, &err)) == NULL)
		return cli_report_error(&err);
	/* a compressed file, an archive or a pipe: the one input it holds */
	if ((rc = cli_expand_one(ctx, "info", &path, path_buf, sizeof(path_buf))) != 0)
		return rc;
	/* a capture, JSON lines or text: said so, with the command that
	 * reads it; anything else, the .etl reader says what is wrong */
	kind = ot_source_detect(ctx, path, &err);
	if (kind != NULL && (strcmp(kind, "jsonl") == 0 || strcmp(kind, "wpptext") == 0 ||
			     strncmp(kind, "pcap", 4) == 0)) {
		const char *use = strcmp(kind, "jsonl") == 0 ? "JSON lines: use analyze" :
				  strcmp(kind, "wpptext") == 0 ? "tracefmt text: use dump or analyze" :
				  "a packet capture: use flows or dump";

		cli_errorf("%s: info reads .etl files; this is %s", path, use);
		ot_source_ctx_free(ctx);
		return EXIT_USAGE;
	}
	memset(&err, 0, sizeof(err));
	if ((s = ot_source_open(ctx, path, "etl", 0, &err)) == NULL) {
		ot_source_ctx_free(ctx);
		return cli_report_error(&err);
	}
	e = ot_source_etl(s);
	while ((r = ot_etl_next(e, &rec, &err)) > 0)
		;
	h = ot_etl_header(e);
	st = ot_etl_stats(e);
	printf("file                 %s\n", cli_term(path));
	printf("file size            %" PRIu64 "\n", st->file_size);
	printf("buffer size          %" PRIu32 "\n", h->buffer_size);
	printf("version              %" PRIu32 " (%u.%u, layout %u.%u)\n", h->version,
	       h->version & 0xFF, (h->version >> 8) & 0xFF, (h->version >> 16) & 0xFF,
	       h->version >> 24);
	printf("provider version     %" PRIu32 "\n", h->provider_version);
	printf("processors           %" PRIu32 "\n", h->nprocessors);
	put_ft("end time", h->end_time);
	printf("timer resolution     %" PRIu32 " (100 ns units)\n", h->timer_resolution);
	printf("maximum file size    %" PRIu32 " MB\n", h->max_file_size);
	printf("log-file mode        0x%08" PRIx32 " (%" PRIu32 ")\n", h->log_file_mode,
	       h->log_file_mode);
	printf("buffers written      %" PRIu32 "\n", h->buffers_written);
	printf("start buffers        %" PRIu32 "\n", h->start_buffers);
	printf("pointer size         %" PRIu32 "\n", h->pointer_size);
	printf("events lost          %" PRIu32 "\n", h->events_lost);
	printf("cpu speed            %" PRIu32 " MHz\n", h->cpu_speed_mhz);
	printf("logger name pointer  0x%" PRIx64 "\n", h->logger_name_ptr);
	printf("log file name ptr    0x%" PRIx64 "\n", h->log_file_name_ptr);
	printf("utc offset           %" PRId32 " minutes (time-zone bias: UTC = local + bias)\n",
	       h->tz_bias);
	printf("tz standard name     %s\n", cli_term(h->tz_standard_name));
	put_st("tz standard date", &h->tz_standard_date);
	printf("tz standard bias     %" PRId32 "\n", h->tz_standard_bias);
	printf("tz daylight name     %s\n", cli_term(h->tz_daylight_name));
	put_st("tz daylight date", &h->tz_daylight_date);
	printf("tz daylight bias     %" PRId32 "\n", h->tz_daylight_bias);
	put_ft("boot time", h->boot_time);
	printf("perf frequency       %" PRIu64 "\n", h->perf_freq);
	put_ft("start time", h->start_time);
	printf("clock type           %" PRIu32 " (%s)\n", h->clock_type, clock_name(h->clock_type));
	printf("buffers lost         %" PRIu32 "\n", h->buffers_lost);
	printf("logger name          %s\n", cli_term(h->logger_name));
	printf("log file name        %s\n", cli_term(h->log_file_name));
	printf("header layout        %s\n", h->layout64 ? "64-bit" : "32-bit");
	/* only for the layout before Windows 8 (etl.h cpu_byte) */
	if (h->cpu_byte)
		printf("buffer processor     8-bit ProcessorNumber (OS %u.%u, before 6.2)\n",
		       h->version & 0xFF, (h->version >> 8) & 0xFF);
	if (h->compression)
		printf("compression          %" PRIu32 "%s\n", h->compression,
		       h->compression == 3 ? " (XPRESS plain LZ77)" : " (unsupported)");
	else
		printf("compression          none\n");
	printf("buffers              %" PRIu64 " (%" PRIu64 " compressed)\n", st->buffers,
	       st->buffers_compressed);
	printf("buffers per cpu     ");
	for (i = 0; i < st->ncpus; i++) {
		uint32_t cpu;
		uint64_t n;

		ot_etl_cpu_buffers(e, i, &cpu, &n);
		printf(" %" PRIu32 ":%" PRIu64, cpu, n);
	}
	printf("\n");
	printf("buffers flagged lost %" PRIu64 "\n", st->buffers_flag_lost);
	printf("buffers with lost events flag %" PRIu64 "\n", st->buffers_flag_events_lost);
	printf("records              %" PRIu64 "\n", st->records);
	for (i = 0; i < OT_ETL_NHDR; i++)
		if (st->by_hdr[i])
			printf("  %-18s %" PRIu64 "\n", ot_etl_hdr_name((int)i), st->by_hdr[i]);
	printf("unparsed records     %" PRIu64 "\n", st->unparsed);
	print_problems(path, e);
	if (r < 0)
		rc = cli_report_error(&err);
	else if (st->unparsed)
		rc = EXIT_USAGE;
	ot_source_close(s);
	ot_source_ctx_free(ctx);
	return rc;
}
