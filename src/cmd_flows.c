/*
 * cmd_flows.c - offtrace flows: TCP flows of packet captures, one line per
 * connection, CSV or JSON lines, sorted by first packet then 4-tuple.
 */
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/flows.h"
#include "offtrace/pcap.h"

static const char flows_help[] =
	"usage: offtrace flows [options] CAPTURE...\n\n"
	"List the TCP connections of pcap or pcapng captures (IPv4 and IPv6 over\n"
	"Ethernet with VLAN tags, raw IP, Linux SLL/SLL2, BSD loopback), one line\n"
	"per connection, sorted by first packet.  Side a sent the first SYN, else\n"
	"the first packet seen.  Bytes are frame lengths on the wire.  Columns:\n"
	"a_addr,a_port,b_addr,b_port,frames_ab,bytes_ab,frames_ba,bytes_ba,\n"
	"first_ns,last_ns,syn_ns,fin_ns,rst_ns,synack_ns,fin_ab_ns,fin_ba_ns,\n"
	"retrans_ab,retrans_ba,ooo_ab,ooo_ba,state (times in ns since 1970 UTC,\n"
	"empty when absent).  Captures are read one after the other.\n\n"
	"options:\n"
	"      --format FMT     csv (default) or jsonl\n"
	"  -q, --quiet          no packet summary on stderr\n"
	"  -h, --help           this help\n\n"
	"Exit status: 0 ok, 2 usage error, unreadable or damaged input (the flows\n"
	"before the damage are printed; the damage is named on stderr).\n";

struct rows {
	struct ot_flow *v;
	size_t n, cap;
};

static void
collect(void *ctx, const struct ot_flow *f)
{
	struct rows *r = ctx;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->v = xrealloc(r->v, st_mult(r->cap, sizeof(*r->v)));
	}
	r->v[r->n++] = *f;
}

static int
row_cmp(const void *pa, const void *pb)
{
	const struct ot_flow *a = pa, *b = pb;
	int c;

	if (a->first_ns != b->first_ns)
		return a->first_ns < b->first_ns ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if ((c = memcmp(a->a_addr, b->a_addr, 16)) != 0)
		return c;
	if (a->a_port != b->a_port)
		return a->a_port < b->a_port ? -1 : 1;
	if ((c = memcmp(a->b_addr, b->b_addr, 16)) != 0)
		return c;
	if (a->b_port != b->b_port)
		return a->b_port < b->b_port ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static void
put_t(FILE *f, int64_t v, int json)
{
	if (v >= 0)
		fprintf(f, ",%" PRId64, v);
	else
		fputs(json ? ",null" : ",", f);
}

static void
put_row(FILE *f, const struct ot_flow *r, int json)
{
	char a[64], b[64];

	ot_addr_fmt(r->family, r->a_addr, a, sizeof(a));
	ot_addr_fmt(r->family, r->b_addr, b, sizeof(b));
	if (json) {
		fprintf(f, "{\"a_addr\":\"%s\",\"a_port\":%u,\"b_addr\":\"%s\",\"b_port\":%u,"
			"\"frames_ab\":%" PRIu64 ",\"bytes_ab\":%" PRIu64 ",\"frames_ba\":%" PRIu64
			",\"bytes_ba\":%" PRIu64, a, r->a_port, b, r->b_port, r->d[0].frames,
			r->d[0].bytes, r->d[1].frames, r->d[1].bytes);
		fprintf(f, ",\"first_ns\":%" PRId64 ",\"last_ns\":%" PRId64, r->first_ns, r->last_ns);
		fputs(",\"syn_ns\":", f);
		/* put_t writes a leading comma: write the value by hand */
		if (r->syn_ns >= 0) fprintf(f, "%" PRId64, r->syn_ns); else fputs("null", f);
		fputs(",\"fin_ns\":", f);
		if (ot_flow_fin_ns(r) >= 0) fprintf(f, "%" PRId64, ot_flow_fin_ns(r)); else fputs("null", f);
		fputs(",\"rst_ns\":", f);
		if (r->rst_ns >= 0) fprintf(f, "%" PRId64, r->rst_ns); else fputs("null", f);
		fputs(",\"synack_ns\":", f);
		if (r->synack_ns >= 0) fprintf(f, "%" PRId64, r->synack_ns); else fputs("null", f);
		fputs(",\"fin_ab_ns\":", f);
		if (r->d[0].fin_ns >= 0) fprintf(f, "%" PRId64, r->d[0].fin_ns); else fputs("null", f);
		fputs(",\"fin_ba_ns\":", f);
		if (r->d[1].fin_ns >= 0) fprintf(f, "%" PRId64, r->d[1].fin_ns); else fputs("null", f);
		fprintf(f, ",\"retrans_ab\":%" PRIu64 ",\"retrans_ba\":%" PRIu64 ",\"ooo_ab\":%" PRIu64
			",\"ooo_ba\":%" PRIu64 ",\"state\":\"%s\"}\n", r->d[0].retrans, r->d[1].retrans,
			r->d[0].ooo, r->d[1].ooo, ot_flow_state_name(r->state));
		return;
	}
	fprintf(f, "%s,%u,%s,%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRId64
		",%" PRId64, a, r->a_port, b, r->b_port, r->d[0].frames, r->d[0].bytes,
		r->d[1].frames, r->d[1].bytes, r->first_ns, r->last_ns);
	put_t(f, r->syn_ns, 0);
	put_t(f, ot_flow_fin_ns(r), 0);
	put_t(f, r->rst_ns, 0);
	put_t(f, r->synack_ns, 0);
	put_t(f, r->d[0].fin_ns, 0);
	put_t(f, r->d[1].fin_ns, 0);
	fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s\n", r->d[0].retrans,
		r->d[1].retrans, r->d[0].ooo, r->d[1].ooo, ot_flow_state_name(r->state));
}

int
cmd_flows(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rows rows = { NULL, 0, 0 };
	struct ot_err err;
	struct ot_flows *t;
	struct ot_packet pkt;
	struct ot_pcap *p;
	const struct ot_flow_stats *st;
	int opt, json = 0, quiet = 0, i, r, rc = EXIT_OK;
	size_t k;

	memset(&err, 0, sizeof(err));
	while ((opt = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_FORMAT:
			if (strcmp(optarg, "csv") == 0)
				json = 0;
			else if (strcmp(optarg, "jsonl") == 0)
				json = 1;
			else
				return cli_usage_error("flows", "bad --format '%s': want csv or jsonl",
						       optarg);
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			fputs(flows_help, stdout);
			return EXIT_OK;
		default:
			return cli_usage_error("flows", "bad option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("flows", "want at least one CAPTURE");
	t = ot_flows_new(collect, &rows);
	for (i = optind; i < argc && rc == EXIT_OK; i++) {
		p = ot_pcap_open(argv[i], &err);
		if (p == NULL) {
			rc = cli_report_error(&err);
			break;
		}
		while ((r = ot_pcap_next(p, &pkt, &err)) > 0)
			ot_flows_packet(t, &pkt);
		if (r < 0)
			rc = cli_report_error(&err);
		ot_pcap_close(p);
	}
	ot_flows_finish(t);
	st = ot_flows_stats(t);
	if (!quiet) {
		fprintf(stderr, "offtrace: flows: %" PRIu64 " packets, %" PRIu64 " TCP, %" PRIu64
			" flows (at most %" PRIu64 " live), %" PRIu64 " other IP, %" PRIu64
			" fragments, %" PRIu64 " not IP, %" PRIu64 " truncated, %" PRIu64 " bad\n",
			st->packets, st->tcp, st->flows, st->max_live, st->other_ip, st->fragments,
			st->not_ip, st->truncated, st->bad);
		if (st->skipped_link)
			fprintf(stderr, "offtrace: flows: note: %" PRIu64 " packets of link types not "
				"decoded skipped (first: linktype %" PRIu32 ")\n", st->skipped_link,
				st->first_skipped_link);
	}
	if (rows.n > 1)
		qsort(rows.v, rows.n, sizeof(*rows.v), row_cmp);
	if (!json)
		fputs("a_addr,a_port,b_addr,b_port,frames_ab,bytes_ab,frames_ba,bytes_ba,first_ns,"
		      "last_ns,syn_ns,fin_ns,rst_ns,synack_ns,fin_ab_ns,fin_ba_ns,retrans_ab,"
		      "retrans_ba,ooo_ab,ooo_ba,state\n", stdout);
	for (k = 0; k < rows.n; k++)
		put_row(stdout, &rows.v[k], json);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_errorf("flows: cannot write the output");
		if (rc == EXIT_OK)
			rc = EXIT_INTERNAL;
	}
	free(rows.v);
	ot_flows_free(t);
	return rc;
}
