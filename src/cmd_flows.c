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

#include "offtrace/etlsrc.h"
#include "offtrace/flows.h"
#include "offtrace/pcap.h"

static const char flows_help[] =
	"usage: offtrace flows [options] CAPTURE...\n\n"
	"List the TCP connections of pcap or pcapng captures, or of the\n"
	"NDIS-PacketCapture packets of .etl files (IPv4 and IPv6 over\n"
	"Ethernet with VLAN tags, raw IP, Linux SLL/SLL2, BSD loopback), one line\n"
	"per connection, sorted by first packet.  Side a sent the first SYN, else\n"
	"the first packet seen.  Bytes are frame lengths on the wire.  Columns:\n"
	"a_addr,a_port,b_addr,b_port,frames_ab,bytes_ab,frames_ba,bytes_ba,\n"
	"first_ns,last_ns,syn_ns,fin_ns,rst_ns,synack_ns,fin_ab_ns,fin_ba_ns,\n"
	"retrans_ab,retrans_ba,ooo_ab,ooo_ba,state (times in ns since 1970 UTC,\n"
	"empty when absent).  Captures are read one after the other.  IP\n"
	"fragments are counted in their flow, not reassembled (tshark reassembles).\n\n"
	"options:\n"
	"      --format FMT     csv (default) or jsonl\n"
	"  -q, --quiet          no packet summary on stderr\n"
	"  -h, --help           this help\n\n"
	"Exit status: 0 ok, 2 usage error, unreadable or damaged input (the flows\n"
	"before the damage are printed; the damage is named on stderr).\n";

/*
 * What a line needs of a closed flow.  A struct ot_flow carries the
 * tracker's state and joins too; copying and sorting whole ones was a
 * fifth of a flows pass over a million connections.
 */
struct row {
	int64_t first_ns, last_ns;
	int64_t t[6];		/* syn, fin, rst, synack, fin_ab, fin_ba; -1 absent */
	uint64_t n[8];		/* frames/bytes ab, ba; retrans ab, ba; ooo ab, ba */
	uint64_t index;
	uint8_t a_addr[16], b_addr[16];
	uint16_t a_port, b_port;
	uint8_t family, state;
};

struct rows {
	struct row *v;
	size_t n, cap;
};

static void
collect(void *ctx, const struct ot_flow *f)
{
	struct rows *rs = ctx;
	struct row *r;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 1024;
		rs->v = xrealloc(rs->v, st_mult(rs->cap, sizeof(*rs->v)));
	}
	r = &rs->v[rs->n++];
	r->first_ns = f->first_ns;
	r->last_ns = f->last_ns;
	r->t[0] = f->syn_ns;
	r->t[1] = ot_flow_fin_ns(f);
	r->t[2] = f->rst_ns;
	r->t[3] = f->synack_ns;
	r->t[4] = f->d[0].fin_ns;
	r->t[5] = f->d[1].fin_ns;
	r->n[0] = f->d[0].frames;
	r->n[1] = f->d[0].bytes;
	r->n[2] = f->d[1].frames;
	r->n[3] = f->d[1].bytes;
	r->n[4] = f->d[0].retrans;
	r->n[5] = f->d[1].retrans;
	r->n[6] = f->d[0].ooo;
	r->n[7] = f->d[1].ooo;
	r->index = f->index;
	memcpy(r->a_addr, f->a_addr, 16);
	memcpy(r->b_addr, f->b_addr, 16);
	r->a_port = f->a_port;
	r->b_port = f->b_port;
	r->family = (uint8_t)f->family;
	r->state = (uint8_t)f->state;
}

static int
row_cmp(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
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

/* Decimal digits of v at p; returns the end.  printf's generality was a
 * quarter of the time of writing a million lines. */
static char *
put_u(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *
put_i(char *p, int64_t v)
{
	if (v < 0) {
		*p++ = '-';
		return put_u(p, (uint64_t)0 - (uint64_t)v);
	}
	return put_u(p, (uint64_t)v);
}

static char *
put_s(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

static const char *const time_keys[6] = {
	"syn_ns", "fin_ns", "rst_ns", "synack_ns", "fin_ab_ns", "fin_ba_ns"
};
static const char *const count_keys[8] = {
	"frames_ab", "bytes_ab", "frames_ba", "bytes_ba",
	"retrans_ab", "retrans_ba", "ooo_ab", "ooo_ba"
};

/* One flow, a CSV line or a JSON object, in the columns of the help. */
static void
put_row(FILE *f, const struct row *r, int json)
{
	char line[1024], a[64], b[64], *p = line;
	int i;

	ot_addr_fmt(r->family, r->a_addr, a, sizeof(a));
	ot_addr_fmt(r->family, r->b_addr, b, sizeof(b));
	if (json) {
		p = put_s(p, "{\"a_addr\":\"");
		p = put_s(p, a);
		p = put_s(p, "\",\"a_port\":");
		p = put_u(p, r->a_port);
		p = put_s(p, ",\"b_addr\":\"");
		p = put_s(p, b);
		p = put_s(p, "\",\"b_port\":");
		p = put_u(p, r->b_port);
		for (i = 0; i < 4; i++) {
			*p++ = ',';
			*p++ = '"';
			p = put_s(p, count_keys[i]);
			*p++ = '"';
			*p++ = ':';
			p = put_u(p, r->n[i]);
		}
		p = put_s(p, ",\"first_ns\":");
		p = put_i(p, r->first_ns);
		p = put_s(p, ",\"last_ns\":");
		p = put_i(p, r->last_ns);
		for (i = 0; i < 6; i++) {
			*p++ = ',';
			*p++ = '"';
			p = put_s(p, time_keys[i]);
			*p++ = '"';
			*p++ = ':';
			p = r->t[i] >= 0 ? put_u(p, (uint64_t)r->t[i]) : put_s(p, "null");
		}
		for (i = 4; i < 8; i++) {
			*p++ = ',';
			*p++ = '"';
			p = put_s(p, count_keys[i]);
			*p++ = '"';
			*p++ = ':';
			p = put_u(p, r->n[i]);
		}
		p = put_s(p, ",\"state\":\"");
		p = put_s(p, ot_flow_state_name(r->state));
		p = put_s(p, "\"}\n");
	} else {
		p = put_s(p, a);
		*p++ = ',';
		p = put_u(p, r->a_port);
		*p++ = ',';
		p = put_s(p, b);
		*p++ = ',';
		p = put_u(p, r->b_port);
		for (i = 0; i < 4; i++) {
			*p++ = ',';
			p = put_u(p, r->n[i]);
		}
		*p++ = ',';
		p = put_i(p, r->first_ns);
		*p++ = ',';
		p = put_i(p, r->last_ns);
		for (i = 0; i < 6; i++) {
			*p++ = ',';
			if (r->t[i] >= 0)
				p = put_u(p, (uint64_t)r->t[i]);
		}
		for (i = 4; i < 8; i++) {
			*p++ = ',';
			p = put_u(p, r->n[i]);
		}
		*p++ = ',';
		p = put_s(p, ot_flow_state_name(r->state));
		*p++ = '\n';
	}
	fwrite(line, 1, (size_t)(p - line), f);
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
		const char *fmt = ot_detect_format(argv[i], &err);

		if (fmt != NULL && strcmp(fmt, "etl") == 0) {
			/* NDIS-PacketCapture packets of an .etl (pktmon.c) */
			struct ot_strtab *stt = ot_strtab_new();
			struct ot_etlsrc *es = ot_etlsrc_open(argv[i], stt, &err);
			struct ot_event ev;

			if (es == NULL) {
				rc = cli_report_error(&err);
				ot_strtab_free(stt);
				break;
			}
			ot_etlsrc_want_packets(es);
			while ((r = ot_etlsrc_next(es, &ev, &err)) > 0)
				if (r == 2)
					ot_flows_packet(t, ot_etlsrc_packet(es));
			if (r < 0)
				rc = cli_report_error(&err);
			ot_etlsrc_close(es);
			ot_strtab_free(stt);
			continue;
		}
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
