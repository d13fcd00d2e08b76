/*
 * cmd_report.c - report, query and gen: commands that need no trace reader.
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

static const char report_help[] =
	"usage: offtrace report [options] DB\n\n"
	"Print the report of a trace in DB (the newest unless --trace).\n\n"
	"options:\n"
	"  -f, --format FMT     text (default), json, csv or html (one self-contained\n"
	"                       page: timeline, latency histograms, object histories)\n"
	"      --table TABLE    for csv, only one table: summary, latency, histogram,\n"
	"                       leaks, violations, rules, inputs (default: all, each\n"
	"                       after a '# NAME' line)\n"
	"      --color[=WHEN]   colour the text report: auto (default: on a terminal,\n"
	"                       unless NO_COLOR is set or TERM=dumb), always, never\n"
	"  -o, --output FILE    write to FILE instead of stdout\n"
	"      --trace ID       which trace of DB (default: the newest)\n"
	"  -h, --help           this help\n";

int
cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "table", required_argument, NULL, OPT_TABLE },
		{ "output", required_argument, NULL, 'o' },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "color", optional_argument, NULL, OPT_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *format = "text", *table = NULL, *outpath = NULL;
	struct ot_text_opts to;
	struct ot_report r;
	struct ot_err err;
	struct ot_db *db = NULL;
	int64_t want = -1, trace_id;
	FILE *out = stdout;
	int opt, rc, w, color = CLI_COLOR_AUTO;

	memset(&err, 0, sizeof(err));
	while ((opt = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			format = optarg;
			if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "csv") &&
			    strcmp(format, "html"))
				return cli_usage_error("report", "unknown --format '%s': want text, json, csv or html", format);
			break;
		case OPT_TABLE:
			table = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case OPT_TRACE:
			if (ot_parse_i64(optarg, strlen(optarg), &want) < 0 || want < 1)
				return cli_usage_error("report", "bad --trace '%s'", optarg);
			break;
		case OPT_COLOR:
			if ((color = cli_parse_color("report", optarg)) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(report_help, stdout);
			return EXIT_OK;
		default:
			return cli_usage_error("report", "bad option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("report", "want exactly one database");
	if ((rc = cli_open_db(argv[optind], want, &db, &trace_id)) != EXIT_OK)
		return rc;
	if (ot_report_load(ot_db_sqlite(db), trace_id, &r, &err) < 0) {
		ot_db_close(db);
		return cli_report_error(&err);
	}
	if (outpath && (out = cli_open_output(outpath, CLI_OUT_STDOUT)) == NULL) {
		ot_report_release(&r);
		ot_db_close(db);
		return EXIT_USAGE;
	}
	if (strcmp(format, "html") == 0) {
		if (ot_report_html(ot_db_sqlite(db), &r, out, &err) < 0) {
			rc = cli_report_error(&err);
			cli_close_output(out, NULL);
			ot_report_release(&r);
			ot_db_close(db);
			return rc;
		}
		w = 0;
	} else if (strcmp(format, "json") == 0)
		w = ot_report_json(&r, out);
	else if (strcmp(format, "csv") == 0)
		w = ot_report_csv(&r, table, out);
	else {
		cli_text_opts(out, color, &to);
		w = ot_report_text_opts(&r, out, &to);
	}
	rc = EXIT_OK;
	if (w < 0) {
		cli_errorf("cannot write the report (unknown --table '%s'?)", table);
		rc = EXIT_USAGE;
	} else if (cli_flush_output(out, outpath ? outpath : "stdout", 0) < 0) {
		rc = EXIT_INTERNAL;
	}
	cli_close_output(out, NULL);
	ot_report_release(&r);
	ot_db_close(db);
	return rc;
}

static const char query_help[] =
	"usage: offtrace query [options] DB SQL\n\n"
	"Run SQL on DB (read-only) and print the rows as CSV with a header line,\n"
	"or as a JSON array of objects.  The helpers percentile(x, p),\n"
	"ot_status_name(code), ot_hex(ptr) and ot_time(ns) are available.\n\n"
	"options:\n"
	"      --json           JSON instead of CSV\n"
	"  -h, --help           this help\n";

int
cmd_query(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ot_err err;
	struct ot_db *db = NULL;
	sqlite3_stmt *st = NULL;
	const char *tail;
	int64_t trace_id;
	int opt, json = 0, rc, ncol, i, first = 1;

	memset(&err, 0, sizeof(err));
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON:
			json = 1;
			break;
		case 'h':
			fputs(query_help, stdout);
			return EXIT_OK;
		default:
			return cli_usage_error("query", "bad option");
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("query", "want a database and one SQL statement");
	/* any trace id will do: query does not need one */
	if ((rc = cli_open_db(argv[optind], 0, &db, &trace_id)) != EXIT_OK)
		return rc;
	if (sqlite3_prepare_v2(ot_db_sqlite(db), argv[optind + 1], -1, &st, &tail) != SQLITE_OK) {
		cli_errorf("query: %s", sqlite3_errmsg(ot_db_sqlite(db)));
		ot_db_close(db);
		return EXIT_USAGE;
	}
	if (st == NULL) {
		ot_db_close(db);
		return cli_usage_error("query", "empty SQL");
	}
	ncol = sqlite3_column_count(st);
	if (json)
		fputs("[", stdout);
	else
		for (i = 0; i < ncol; i++) {
			if (i)
				fputc(',', stdout);
			ot_csv_string(stdout, sqlite3_column_name(st, i));
		}
	if (!json)
		fputc('\n', stdout);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (json) {
			fputs(first ? "\n  {" : ",\n  {", stdout);
			first = 0;
		}
		for (i = 0; i < ncol; i++) {
			int t = sqlite3_column_type(st, i);
			const char *txt;

			if (json) {
				if (i)
					fputs(", ", stdout);
				ot_json_string(stdout, sqlite3_column_name(st, i));
				fputs(": ", stdout);
			} else if (i) {
				fputc(',', stdout);
			}
			switch (t) {
			case SQLITE_NULL:
				if (json)
					fputs("null", stdout);
				break;
			case SQLITE_INTEGER:
				printf("%lld", (long long)sqlite3_column_int64(st, i));
				break;
			case SQLITE_FLOAT:
				printf("%.17g", sqlite3_column_double(st, i));
				break;
			default:
				txt = (const char *)sqlite3_column_text(st, i);
				if (json)
					ot_json_string(stdout, txt ? txt : "");
				else
					ot_csv_string(stdout, txt ? txt : "");
			}
		}
		fputs(json ? "}" : "\n", stdout);
	}
	if (json)
		fputs(first ? "]\n" : "\n]\n", stdout);
	if (rc != SQLITE_DONE) {
		cli_errorf("query: %s", sqlite3_errmsg(ot_db_sqlite(db)));
		sqlite3_finalize(st);
		ot_db_close(db);
		return EXIT_USAGE;
	}
	sqlite3_finalize(st);
	ot_db_close(db);
	return EXIT_OK;
}

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

/* Copy the JSON-lines events in tmp into an .etl file (chimney provider). */
static int
write_etl(FILE *tmp, FILE *out, struct ot_err *err)
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
		if (w == NULL && (w = ot_etlw_open(out, &eo, ev.ts, err)) == NULL)
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
write_trace(int kind, FILE *tmp, FILE *out, const char *outpath, struct ot_err *err)
{
	char *dir;
	int rc;

	if (kind == 1)
		return write_etl(tmp, out, err);
	if (kind == 3)
		return ot_wppw_text(tmp, out, err);
	dir = xmalloc(strlen(outpath) + 5);
	snprintf(dir, strlen(outpath) + 5, "%s.tmf", outpath);
	rc = ot_wppw_etl(tmp, out, dir, err);
	free(dir);
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
	"      --list           list the scenarios\n"
	"  -h, --help           this help\n";

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
		{ "list", no_argument, NULL, OPT_LIST },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ot_gen_opts go;
	struct ot_err err;
	const char *outpath = NULL, *format = NULL;
	const char *pcappath = NULL, *pcapngpath = NULL;
	char *truthpath = NULL;
	int etl;
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
		case OPT_PCAP_SKEW:
			if (ot_parse_dur(optarg + (optarg[0] == '-' || optarg[0] == '+'), &v) < 0)
				return cli_usage_error("gen", "bad --pcap-skew '%s': want a signed duration such as -1.5s", optarg);
			go.pcap_skew = optarg[0] == '-' ? -v : v;
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
			return cli_usage_error("gen", "bad option");
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
			cli_close_output(ev, NULL);
			free(truthpath);
			return EXIT_USAGE;
		}
	}
	if (pcappath && (go.pcap = cli_open_output(pcappath, CLI_OUT_BINARY)) == NULL)
		rc = EXIT_USAGE;
	if (rc == EXIT_OK && pcapngpath &&
	    (go.pcapng = cli_open_output(pcapngpath, CLI_OUT_BINARY)) == NULL)
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
			if (ot_gen_write(argv[optind], &go, tmp, truth, &err) < 0 ||
			    write_trace(etl, tmp, ev, outpath, &err) < 0)
				rc = cli_report_error(&err);
			fclose(tmp);
		}
	} else if (ot_gen_write(argv[optind], &go, ev, truth, &err) < 0) {
		rc = cli_report_error(&err);
	}
	/* one message for the two captures, under --pcap's name when given */
	if ((go.pcap && cli_close_output(go.pcap, pcappath) < 0) ||
	    (go.pcapng && cli_close_output(go.pcapng, pcappath ? pcappath : pcapngpath) < 0))
		rc = EXIT_INTERNAL;
	/* and one for the trace and its truth, under the trace's name */
	if (cli_close_output(ev, outpath) < 0 ||
	    (truth && cli_close_output(truth, outpath) < 0))
		rc = EXIT_INTERNAL;
	free(truthpath);
	return rc;
}
