/*
 * cmd_gen.c - gen: a synthetic trace (JSON lines, chimney .etl, WPP .etl
 * or tracefmt text), the truth the analysis must find in it, and
 * optionally a matching capture.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/etlsrc.h"
#include "offtrace/etlw.h"
#include "offtrace/gen.h"
#include "offtrace/jsonl.h"
#include "offtrace/wppw.h"

/*
 * Host-layer initiate/terminate events and their completions, the shape
 * the tcpip profile decodes, go out as TCPIP 1099 records: the state the
 * connection enters (InHost 0, Offloading 1, Offloaded 2, Uploading 3).
 */
static int
tcpip_record(struct ot_etlw *w, const struct ot_event *ev, struct ot_err *err)
{
	uint8_t pl[28];
	struct ot_etlw_rec rec;
	uint32_t ocb;

	switch (ev->ev) {
	case OT_EV_INITIATE: ocb = 1; break;
	case OT_EV_INITIATE_DONE:
		ocb = ev->status == OT_ST_SUCCESS || ev->status == OT_ST_PARTIAL_SUCCESS ? 2 : 0;
		break;
	case OT_EV_TERMINATE: ocb = 3; break;
	default: ocb = 0; break;	/* terminate_done */
	}
	memset(pl, 0, sizeof(pl));
	ot_put_le32(pl, 4);		/* TcbState: established */
	ot_put_le32(pl + 4, ocb);	/* OcbState; SndNxt, RcvNxt 0 */
	ot_put_le64(pl + 16, ev->root);	/* Tcb */
	ot_put_le32(pl + 24, ev->status);
	memset(&rec, 0, sizeof(rec));
	rec.ts = ev->ts;
	rec.cpu = ev->has & OT_HAS_CPU ? (uint32_t)ev->cpu : 0;
	rec.pid = ev->has & OT_HAS_PID ? (uint32_t)ev->pid : 0;
	rec.tid = ev->has & OT_HAS_TID ? (uint32_t)ev->tid : 0;
	memcpy(rec.provider, ot_tcpip_guid, 16);
	rec.id = OT_TCPIP_OFFLOAD_STATE_CHANGE;
	rec.payload = pl;
	rec.len = sizeof(pl);
	return ot_etlw_record(w, &rec, err);
}

/* Copy the JSON-lines events in tmp into an .etl file (chimney provider)
 * of a layout (etlw.h enum ot_etlw_layout). */
static int
write_etl(FILE *tmp, FILE *out, int layout, struct ot_err *err)
{
	struct ot_etlw_opts eo = { 0x2000, 20000000, 4, 0 };
	struct ot_strtab *st = ot_strtab_new();
	struct ot_jsonl *rd = NULL;
	struct ot_etlw *w = NULL;
	struct ot_event ev;
	int64_t last = 0;
	int r, rc = -1;

	/*
	 * QPC at 20 MHz: not the usual 10 MHz, so readers must honour
	 * PerfFreq, and a multiple of it, so the 100 ns steps of gen's times
	 * round-trip exactly and the .etl gives the same report as the JSON.
	 */
	rewind(tmp);
	rd = ot_jsonl_open(tmp, "scenario", 0, st);
	while ((r = ot_jsonl_next(rd, &ev, err)) > 0) {
		if (w == NULL && (w = ot_etlw_open_layout(out, &eo, layout, ev.ts, err)) == NULL)
			goto out;
		if (ev.layer == OT_LAYER_HOST && ev.ev <= OT_EV_TERMINATE_DONE &&
		    ev.ev != OT_EV_UPDATE && ev.ev != OT_EV_INVALIDATE &&
		    ev.ev != OT_EV_QUERY && ev.ev != OT_EV_UPDATE_DONE ?
		    tcpip_record(w, &ev, err) < 0 : ot_etlw_event(w, &ev, err) < 0)
			goto out;
		last = ev.ts;
	}
	if (r == 0 && w != NULL) {
		rc = ot_etlw_close(w, last, err);
		w = NULL;
	}
out:
	ot_etlw_close(w, last, NULL);
	ot_jsonl_close(rd);
	ot_strtab_free(st);
	return rc;
}

/* gen --format etl, wpp (+ TMF directory FILE.tmf) or text. */
static int
write_trace(int kind, int layout, FILE *tmp, FILE *out, const char *outpath,
	    struct ot_err *err)
{
	char *dir;
	int rc;

	if (kind == 1)
		return write_etl(tmp, out, layout, err);
	if (kind == 3)
		return ot_wppw_text(tmp, out, err);
	dir = xmalloc(strlen(outpath) + 5);
	snprintf(dir, strlen(outpath) + 5, "%s.tmf", outpath);
	rc = ot_wppw_etl(tmp, out, dir, err);
	free(dir);
	return rc;
}

/* Has a write to one of gen's outputs failed? */
static int
outputs_failed(FILE *ev, FILE *truth, const struct ot_gen_opts *go)
{
	FILE *f[6] = { ev, truth, go->pcap, go->pcapng, go->pktmon, go->netsh };
	size_t i;

	for (i = 0; i < 6; i++)
		if (f[i] != NULL && cli_output_failed(f[i]))
			return 1;
	return 0;
}

/* Close gen's outputs, keeping all (rc EXIT_OK) or none; the exit status. */
static int
close_all(struct ot_gen_opts *go, FILE *truth, FILE *ev, int rc)
{
	FILE *f[6] = { go->pcap, go->pcapng, go->pktmon, go->netsh, truth, ev };
	size_t i;

	/* the first failed write, found by the flush, is named and drops
	 * them all */
	for (i = 0; i < 6; i++)
		if (f[i] != NULL && cli_flush_output(f[i]) < 0 && rc == EXIT_OK) {
			rc = cli_close_output(f[i], rc);
			f[i] = NULL;
		}
	for (i = 0; i < 6; i++)
		if (f[i] != NULL)
			rc = cli_close_output(f[i], rc);
	go->pcap = go->pcapng = go->pktmon = go->netsh = NULL;
	return rc;
}

static const char gen_help[] =
	"usage: offtrace gen [options] SCENARIO -o FILE\n"
	"       offtrace gen --list\n\n"
	"Write a synthetic trace to FILE and what the analysis must find to\n"
	"FILE.truth.json.  The trace is normalized events (JSON lines), or an .etl\n"
	"file of the chimney provider when FILE ends in .etl or with --format etl.\n\n"
	"options:\n"
	"  -o, --output FILE    trace file (\"-\": JSON lines on stdout, no truth file)\n"
	"  -f, --format FMT     jsonl, etl, wpp (binary WPP messages of the chimney\n"
	"                       vocabulary in an .etl, and their TMF in FILE.tmf/) or\n"
	"                       text (the same messages as tracefmt text); default:\n"
	"                       from FILE's name (.etl, .txt, else jsonl)\n"
	"      --seed N         random seed (default 1)\n"
	"      --objects N      number of TCP objects (scenario scale; default 1000)\n"
	"      --pcap FILE      also a matching packet capture (pcap) of the connections\n"
	"      --pcapng FILE    the same capture as pcapng\n"
	"      --pcap-skew [+-]DURATION  the capture's clock runs this far off the trace's\n"
	"      --etl-layout L   with --format etl: win10 (default) or win7, the layout\n"
	"                       of a Windows 7 file (log-file header version 6.1,\n"
	"                       buffers' processor one byte and an alignment byte)\n"
	"      --pktmon FILE    the same packets as a pktmon capture (.etl): PktMon\n"
	"                       events 160 at three components each, drops (170) of\n"
	"                       received packets inside an offload window, component\n"
	"                       names (20); on the trace's clock (no --pcap-skew)\n"
	"      --netsh FILE     the same packets as a netsh trace capture (.etl):\n"
	"                       NDIS-PacketCapture events 1001, one per packet\n"
	"      --list           list the scenarios\n"
	"  -h, --help           this help\n";

/* past cli.h's shared option values */
enum { OPT_ETL_LAYOUT = 1024 };

int
cmd_gen(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "objects", required_argument, NULL, OPT_OBJECTS },
		{ "pcap", required_argument, NULL, OPT_PCAP },
		{ "pcapng", required_argument, NULL, OPT_PCAPNG },
		{ "pcap-skew", required_argument, NULL, OPT_PCAP_SKEW },
		{ "etl-layout", required_argument, NULL, OPT_ETL_LAYOUT },
		{ "pktmon", required_argument, NULL, OPT_PKTMON },
		{ "netsh", required_argument, NULL, OPT_NETSH },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ot_gen_opts go;
	struct ot_err err;
	const char *outpath = NULL, *format = NULL;
	const char *pcappath = NULL, *pcapngpath = NULL, *pktmonpath = NULL, *netshpath = NULL;
	char *truthpath = NULL;
	int etl, layout = OT_ETLW_WIN10, layout_set = 0;
	FILE *ev = NULL, *truth = NULL;
	int64_t v;
	int opt, rc = EXIT_OK;
	unsigned i;

	memset(&err, 0, sizeof(err));
	memset(&go, 0, sizeof(go));
	go.seed = 1;
	go.objects = 1000;
	while ((opt = getopt_long(argc, argv, "o:f:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			outpath = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "jsonl") && strcmp(optarg, "etl") && strcmp(optarg, "wpp") &&
			    strcmp(optarg, "text"))
				return cli_usage_error("gen", "unknown --format '%s': want jsonl, etl, wpp or text", optarg);
			format = optarg;
			break;
		case OPT_SEED:
			if (ot_parse_i64(optarg, strlen(optarg), &v) < 0 || v < 0)
				return cli_usage_error("gen", "bad --seed '%s'", optarg);
			go.seed = (uint64_t)v;
			break;
		case OPT_OBJECTS:
			if (ot_parse_i64(optarg, strlen(optarg), &v) < 0 || v < 1)
				return cli_usage_error("gen", "bad --objects '%s'", optarg);
			go.objects = (uint64_t)v;
			break;
		case OPT_PCAP:
			pcappath = optarg;
			break;
		case OPT_PCAPNG:
			pcapngpath = optarg;
			break;
		case OPT_PKTMON:
			pktmonpath = optarg;
			break;
		case OPT_NETSH:
			netshpath = optarg;
			break;
		case OPT_PCAP_SKEW:
			if (ot_parse_dur(optarg + (optarg[0] == '-' || optarg[0] == '+'), &v) < 0)
				return cli_usage_error("gen", "bad --pcap-skew '%s': want a signed duration such as -1.5s", optarg);
			go.pcap_skew = optarg[0] == '-' ? -v : v;
			break;
		case OPT_ETL_LAYOUT:
			if (strcmp(optarg, "win10") == 0)
				layout = OT_ETLW_WIN10;
			else if (strcmp(optarg, "win7") == 0)
				layout = OT_ETLW_WIN7;
			else
				return cli_usage_error("gen", "unknown --etl-layout '%s': want win10 or win7", optarg);
			layout_set = 1;
			break;
		case OPT_LIST:
			for (i = 0; i < ot_gen_nscenarios; i++)
				printf("%-20s %s\n", ot_gen_scenarios[i].name,
				       ot_gen_scenarios[i].summary);
			return EXIT_OK;
		case 'h':
			fputs(gen_help, stdout);
			return EXIT_OK;
		default:
			return cli_option_error("gen");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("gen", "want one scenario (see 'offtrace gen --list')");
	if (outpath == NULL)
		return cli_usage_error("gen", "no output file (-o FILE)");
	for (i = 0; i < ot_gen_nscenarios; i++)
		if (strcmp(argv[optind], ot_gen_scenarios[i].name) == 0)
			break;
	if (i == ot_gen_nscenarios)
		return cli_usage_error("gen", "unknown scenario '%s' (see 'offtrace gen --list')",
				       argv[optind]);
	if (format == NULL) {
		size_t n = strlen(outpath);

		format = n > 4 && strcmp(outpath + n - 4, ".etl") == 0 ? "etl" :
			 n > 4 && strcmp(outpath + n - 4, ".txt") == 0 ? "text" : "jsonl";
	}
	etl = strcmp(format, "etl") == 0 ? 1 : strcmp(format, "wpp") == 0 ? 2 :
	      strcmp(format, "text") == 0 ? 3 : 0;
	if (layout_set && etl != 1)
		return cli_usage_error("gen", "--etl-layout applies to --format etl only");
	if (strcmp(outpath, "-") == 0 && etl && etl != 3)
		return cli_usage_error("gen", "an .etl file cannot go to stdout (its header is rewritten at the end)");
	if ((ev = cli_open_output(outpath, CLI_OUT_STDOUT)) == NULL)
		return EXIT_USAGE;
	/* the truth file goes next to a trace file; stdout gets none */
	if (ev != stdout) {
		size_t n = strlen(outpath) + sizeof(".truth.json");

		truthpath = xmalloc(n);
		snprintf(truthpath, n, "%s.truth.json", outpath);
		if ((truth = cli_open_output(truthpath, 0)) == NULL) {
			cli_close_output(ev, EXIT_USAGE);
			free(truthpath);
			return EXIT_USAGE;
		}
	}
	if (pcappath && (go.pcap = cli_open_output(pcappath, CLI_OUT_BINARY)) == NULL)
		rc = EXIT_USAGE;
	if (rc == EXIT_OK && pcapngpath &&
	    (go.pcapng = cli_open_output(pcapngpath, CLI_OUT_BINARY)) == NULL)
		rc = EXIT_USAGE;
	if (rc == EXIT_OK && pktmonpath &&
	    (go.pktmon = cli_open_output(pktmonpath, CLI_OUT_BINARY)) == NULL)
		rc = EXIT_USAGE;
	if (rc == EXIT_OK && netshpath &&
	    (go.netsh = cli_open_output(netshpath, CLI_OUT_BINARY)) == NULL)
		rc = EXIT_USAGE;
	if (rc != EXIT_OK) {
		/* nothing written */
	} else if (etl) {
		/* the scenario as JSON lines, then each event into the .etl */
		FILE *tmp = tmpfile();

		if (tmp == NULL) {
			cli_errorf("cannot create a temporary file: %s", strerror(errno));
			rc = EXIT_INTERNAL;
		} else {
			if ((ot_gen_write(argv[optind], &go, tmp, truth, &err) < 0 ||
			     write_trace(etl, layout, tmp, ev, outpath, &err) < 0) &&
			    !outputs_failed(ev, truth, &go))
				rc = cli_report_error(&err);
			fclose(tmp);
		}
	} else if (ot_gen_write(argv[optind], &go, ev, truth, &err) < 0 &&
		   !outputs_failed(ev, truth, &go)) {
		rc = cli_report_error(&err);
	}
	/*
	 * All or nothing: the files go into place together when every one
	 * was written, else none stays (a trace without its truth, or its
	 * capture, would pass for a whole scenario).  The first to fail is
	 * named.
	 */
	rc = close_all(&go, truth, ev, rc);
	free(truthpath);
	return rc;
}
