/*
 * cmd_flows.c - offtrace flows: TCP flows of packet captures, one line per
 * connection, CSV or JSON lines, sorted by first packet then 4-tuple.
 */
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/flows.h"
#include "offtrace/ring.h"
#include "offtrace/source.h"

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
	"fragments are counted in their flow, not reassembled (tshark reassembles).\n"
	"A pktmon capture (.etl) logs a packet once per component it passes: each\n"
	"packet is counted once, at its first appearance whose frame is IP, and\n"
	"the packets components dropped are counted by reason and location.\n\n"
	"options:\n"
	"      --format FMT     csv (default) or jsonl\n"
	"      --appearances WHICH  pktmon: first (default) or all (every appearance)\n"
	"      --component N    pktmon: only the appearances and drops at component N\n"
	CLI_MEMBER_HELP
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

/*
 * A flow's row goes to the slot of its creation index: captures are in
 * time order nearly always, so the rows come out sorted but for flows
 * that began in the same nanosecond, and the sort is only a check.
 */
static void
collect(void *ctx, const struct ot_flow *f)
{
	struct rows *rs = ctx;
	struct row *r;

	if (f->index >= rs->cap) {
		size_t cap = rs->cap ? rs->cap : 1024;

		while (cap <= f->index)
			cap *= 2;
		rs->v = xrealloc(rs->v, st_mult(cap, sizeof(*rs->v)));
		rs->cap = cap;
	}
	if (f->index >= rs->n)
		rs->n = (size_t)f->index + 1;
	r = &rs->v[f->index];
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

/* Decimal digits of v at p, two at a time; returns the end.  printf's
 * generality was a quarter of the time of writing a million lines. */
static char *
put_u(char *p, uint64_t v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	char tmp[20], *q = tmp + sizeof(tmp);
	size_t n;

	while (v >= 100) {
		q -= 2;
		memcpy(q, pairs + v % 100 * 2, 2);
		v /= 100;
	}
	if (v >= 10) {
		q -= 2;
		memcpy(q, pairs + v * 2, 2);
	} else {
		*--q = (char)('0' + v);
	}
	n = (size_t)(tmp + sizeof(tmp) - q);
	memcpy(p, q, n);
	return p + n;
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

/* One flow at p, a CSV line or a JSON object, in the columns of the help;
 * at most ROW_MAX bytes.  Returns the end. */
#define ROW_MAX	1024

static char *
put_row(char *p, const struct row *r, int json)
{
	char a[64], b[64];
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
	return p;
}

/*
 * The lines are formatted on two threads, a chunk of rows each in turn
 * (the reader's thread is idle by then), and written in order.
 */
#define CHUNK	4096		/* rows */

struct out {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const struct rows *rs;
	int json;
	char *buf;		/* the helper's chunk, when ready */
	size_t len;
	int ready;
};

static size_t
fmt_chunk(const struct rows *rs, size_t c, int json, char *buf)
{
	size_t k, end = (c + 1) * CHUNK < rs->n ? (c + 1) * CHUNK : rs->n;
	char *p = buf;

	for (k = c * CHUNK; k < end; k++)
		p = put_row(p, &rs->v[k], json);
	return (size_t)(p - buf);
}

static size_t
nchunks(const struct rows *rs)
{
	return (rs->n + CHUNK - 1) / CHUNK;
}

/* the odd chunks */
static void *
formatter(void *arg)
{
	struct out *o = arg;
	size_t c, len;

	for (c = 1; c < nchunks(o->rs); c += 2) {
		pthread_mutex_lock(&o->mu);
		while (o->ready)
			pthread_cond_wait(&o->cv, &o->mu);
		pthread_mutex_unlock(&o->mu);
		len = fmt_chunk(o->rs, c, o->json, o->buf);
		pthread_mutex_lock(&o->mu);
		o->len = len;
		o->ready = 1;
		pthread_cond_broadcast(&o->cv);
		pthread_mutex_unlock(&o->mu);
	}
	return NULL;
}

static void
put_rows(FILE *f, const struct rows *rs, int json)
{
	struct out o;
	pthread_t th;
	char *mine = xmalloc(st_mult(CHUNK, ROW_MAX));
	size_t c, n = nchunks(rs);
	int threaded;

	memset(&o, 0, sizeof(o));
	o.rs = rs;
	o.json = json;
	o.buf = xmalloc(st_mult(CHUNK, ROW_MAX));
	pthread_mutex_init(&o.mu, NULL);
	pthread_cond_init(&o.cv, NULL);
	threaded = n > 1 && pthread_create(&th, NULL, formatter, &o) == 0;
	for (c = 0; c < n; c++) {
		if (c % 2 == 0 || !threaded) {
			fwrite(mine, 1, fmt_chunk(rs, c, json, mine), f);
			continue;
		}
		pthread_mutex_lock(&o.mu);
		while (!o.ready)
			pthread_cond_wait(&o.cv, &o.mu);
		pthread_mutex_unlock(&o.mu);
		fwrite(o.buf, 1, o.len, f);
		pthread_mutex_lock(&o.mu);
		o.ready = 0;
		pthread_cond_broadcast(&o.cv);
		pthread_mutex_unlock(&o.mu);
	}
	if (threaded)
		pthread_join(th, NULL);
	pthread_cond_destroy(&o.cv);
	pthread_mutex_destroy(&o.mu);
	free(o.buf);
	free(mine);
}

/*
 * Reading and tracking run on two threads: the reader decodes each packet
 * and hashes its tuple (ot_flow_prep) into batches, the tracker takes the
 * batches in order.  Reading a capture through libpcap costs about as
 * much as tracking its flows, so the pass takes the longer of the two
 * instead of their sum.
 */
#define BATCH	1024		/* packets per batch */
#define NBATCH	8		/* batches in flight */
#define PF_AHEAD	16	/* packets between asking for a bucket and using it */

struct batch {
	struct ot_flow_pkt v[BATCH];
	size_t n;
};

/* dropped packets (pktmon) by reason and location */
#define MAX_DROP_KINDS 32

struct drop_kind {
	uint32_t reason, location;
	const char *reason_name;	/* static */
	uint64_t n;
};

struct feed {
	struct ot_ring ring;
	struct batch *b[NBATCH];
	int failed;		/* the reader stopped on err */
	struct ot_err err;
	struct ot_source_ctx *ctx;
	const char *const *paths;
	int npaths;
	/* the reader's, read after it is joined */
	struct ot_source_appear appear;	/* summed over the inputs */
	struct drop_kind drops[MAX_DROP_KINDS];
	size_t ndrops;
	uint64_t drops_other;		/* of kinds past MAX_DROP_KINDS */
};

static void
count_drop(struct feed *fd, const struct ot_packet *pkt)
{
	const struct ot_pkt_meta *m = pkt->meta;
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < fd->ndrops; i++)
		if (fd->drops[i].reason == m->drop_reason &&
		    fd->drops[i].location == m->drop_location) {
			fd->drops[i].n++;
			return;
		}
	if (fd->ndrops == MAX_DROP_KINDS) {
		fd->drops_other++;
		return;
	}
	fd->drops[i].reason = m->drop_reason;
	fd->drops[i].location = m->drop_location;
	fd->drops[i].reason_name = m->reason_name;
	fd->drops[i].n = 1;
	fd->ndrops++;
}

static void
add_appear(struct ot_source_appear *a, const struct ot_source_appear *b)
{
	size_t i;

	a->appearances += b->appearances;
	a->counted += b->counted;
	a->repeats += b->repeats;
	a->other_component += b->other_component;
	a->drops += b->drops;
	a->components += b->components;
	a->malformed += b->malformed;
	for (i = 0; i < sizeof(a->not_ip) / sizeof(a->not_ip[0]); i++)
		a->not_ip[i] += b->not_ip[i];
	if (b->type_names)
		a->type_names = b->type_names;
}

/* the reader's next empty batch, once the tracker freed one */
static struct batch *
feed_slot(struct feed *fd)
{
	struct batch *b = fd->b[ot_ring_fill(&fd->ring)];

	b->n = 0;
	return b;
}

/* hand b over when full; returns the batch to fill next */
static struct batch *
feed_add(struct feed *fd, struct batch *b, const struct ot_packet *pkt)
{
	ot_flow_prep(&b->v[b->n++], pkt);
	if (b->n < BATCH)
		return b;
	ot_ring_put(&fd->ring, 0);
	return feed_slot(fd);
}

/*
 * One capture, or the NDIS-PacketCapture packets of an .etl; anything
 * else is read as a capture, whose reader names what is wrong with it.
 */
static int
read_one(struct feed *fd, const char *path, struct batch **bp)
{
	const char *kind = ot_source_detect(fd->ctx, path, &fd->err);
	struct ot_source_stats st;
	struct ot_source *s;
	struct ot_item it;
	int r;

	if (kind == NULL || (strcmp(kind, "etl") != 0 && strcmp(kind, "pcapng") != 0))
		kind = "pcap";
	if ((s = ot_source_open(fd->ctx, path, kind, 0, &fd->err)) == NULL)
		return -1;
	while ((r = ot_source_next(s, &it, &fd->err)) > 0) {
		if (it.kind == OT_ITEM_PACKET)
			*bp = feed_add(fd, *bp, &it.pkt);
		else if (it.kind == OT_ITEM_DROP)
			count_drop(fd, &it.pkt);
	}
	ot_source_stats(s, &st);
	add_appear(&fd->appear, &st.appear);
	ot_source_close(s);
	return r;
}

static void *
reader(void *arg)
{
	struct feed *fd = arg;
	struct batch *b = feed_slot(fd);
	int i;

	for (i = 0; i < fd->npaths; i++)
		if (read_one(fd, fd->paths[i], &b) < 0) {
			fd->failed = 1;
			break;
		}
	ot_ring_put(&fd->ring, 1);	/* the last batch, maybe empty */
	ot_source_thread_release();
	return NULL;
}

/* Track every packet the reader hands over, until it stops. */
static void
track(struct feed *fd, struct ot_flows *t)
{
	struct batch *b;
	size_t i;
	long k;

	while ((k = ot_ring_take(&fd->ring)) >= 0) {
		b = fd->b[k];
		for (i = 0; i < b->n; i++) {
			if (i + PF_AHEAD < b->n)
				ot_flows_prefetch(t, &b->v[i + PF_AHEAD], 0);
			if (i + PF_AHEAD / 2 < b->n)
				ot_flows_prefetch(t, &b->v[i + PF_AHEAD / 2], 1);
			ot_flows_add(t, &b->v[i]);
		}
		ot_ring_give(&fd->ring);
	}
}

/* What the pktmon inputs said, on stderr: appearances, drops. */
static void
appear_summary(const struct feed *fd, const struct ot_source_opts *so)
{
	const struct ot_source_appear *a = &fd->appear;
	uint64_t nip = 0;
	size_t i, k;
	const char *sep = "";

	if (a->appearances == 0 && a->drops == 0 && fd->ndrops == 0)
		return;
	if (so->has_component)
		fprintf(stderr, "offtrace: flows: pktmon: %" PRIu64 " appearances, %" PRIu64
			" at component %u counted, %" PRIu64 " at other components\n",
			a->appearances, a->counted, so->component, a->other_component);
	else if (so->appearances_all)
		fprintf(stderr, "offtrace: flows: pktmon: %" PRIu64 " appearances, %" PRIu64
			" counted (--appearances all)\n", a->appearances, a->counted);
	else
		fprintf(stderr, "offtrace: flows: pktmon: %" PRIu64 " appearances of %" PRIu64
			" packets counted once each, at the first appearance whose frame is"
			" IP (%" PRIu64 " repeats)\n", a->appearances, a->counted, a->repeats);
	for (i = 0; i < sizeof(a->not_ip) / sizeof(a->not_ip[0]); i++)
		nip += a->not_ip[i];
	if (nip) {
		fprintf(stderr, "offtrace: flows: pktmon: %" PRIu64 " %s, by packet type:", nip,
			so->has_component || so->appearances_all ?
			"appearances not frames (not counted)" :
			"packets no appearance of which was an IP frame (not counted)");
		for (i = 0; i < sizeof(a->not_ip) / sizeof(a->not_ip[0]); i++)
			if (a->not_ip[i]) {
				fprintf(stderr, "%s %s %" PRIu64, sep,
					a->type_names && a->type_names[i] ? a->type_names[i] : "?",
					a->not_ip[i]);
				sep = ",";
			}
		fputc('\n', stderr);
	}
	if (a->malformed)
		fprintf(stderr, "offtrace: flows: pktmon: %" PRIu64 " packet records shorter than"
			" their fields say, skipped\n", a->malformed);
	fprintf(stderr, "offtrace: flows: pktmon: %" PRIu64 " dropped packet%s",
		a->drops, a->drops == 1 ? "" : "s");
	for (k = 0; k < fd->ndrops; k++) {
		const struct drop_kind *d = &fd->drops[k];

		fprintf(stderr, "%s reason %" PRIu32 "%s%s%s at location 0x%08" PRIx32 ": %" PRIu64,
			k ? "," : ":", d->reason, d->reason_name ? " (" : "",
			d->reason_name ? d->reason_name : "", d->reason_name ? ")" : "",
			d->location, d->n);
	}
	if (fd->drops_other)
		fprintf(stderr, ", others: %" PRIu64, fd->drops_other);
	fputc('\n', stderr);
}

int
cmd_flows(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "appearances", required_argument, NULL, OPT_APPEARANCES },
		{ "component", required_argument, NULL, OPT_COMPONENT },
		CLI_MEMBER_LONGOPT,
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct rows rows = { NULL, 0, 0 };
	struct ot_source_opts so;
	struct feed fd;
	struct ot_flows *t;
	const struct ot_flow_stats *st;
	pthread_t th;
	int opt, json = 0, quiet = 0, rc = EXIT_OK;
	size_t k;

	memset(&so, 0, sizeof(so));
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
		case OPT_APPEARANCES:
		case OPT_COMPONENT:
			if (cli_parse_appearances("flows", opt == OPT_COMPONENT, optarg,
						  &so.appearances_all, &so.has_component,
						  &so.component) < 0)
				return EXIT_USAGE;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			fputs(flows_help, stdout);
			return EXIT_OK;
		default:
			return cli_option_error("flows");
		}
	}
	if (optind >= argc)
		return cli_usage_error("flows", "want at least one CAPTURE");
	memset(&fd, 0, sizeof(fd));
	/* packets only: no profile, no built-in one */
	so.flags = OT_SRC_PACKETS | OT_SRC_NO_PROFILE | OT_SRC_NO_BUILTIN;
	if ((fd.ctx = ot_source_ctx_new(&so, NULL, &fd.err)) == NULL)
		return cli_report_error(&fd.err);
	ot_ring_init(&fd.ring, NBATCH);
	for (k = 0; k < NBATCH; k++)
		fd.b[k] = xmalloc(sizeof(*fd.b[k]));
	/* archives, directories, compressed files, pipes: what they hold */
	{
		size_t nn;

		if (ot_source_expand(fd.ctx, (const char *const *)argv + optind,
				     (size_t)(argc - optind), &fd.paths, &nn, &fd.err) < 0) {
			ot_source_ctx_free(fd.ctx);
			for (k = 0; k < NBATCH; k++)
				free(fd.b[k]);
			ot_ring_destroy(&fd.ring);
			return cli_report_error(&fd.err);
		}
		fd.npaths = (int)nn;
	}
	t = ot_flows_new(collect, &rows);
	if (pthread_create(&th, NULL, reader, &fd) != 0) {
		/* not read on this thread instead: the reader waits once
		 * NBATCH batches are full, and only the tracker empties them */
		ot_errorf(&fd.err, OT_EINTERNAL, "flows: cannot start the reader thread");
		fd.failed = 1;
	} else {
		track(&fd, t);
		pthread_join(th, NULL);
	}
	if (fd.failed)
		rc = cli_report_error(&fd.err);
	for (k = 0; k < NBATCH; k++)
		free(fd.b[k]);
	ot_ring_destroy(&fd.ring);
	ot_source_ctx_free(fd.ctx);
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
		appear_summary(&fd, &so);
	}
	for (k = 1; k < rows.n; k++)
		if (row_cmp(&rows.v[k - 1], &rows.v[k]) > 0)
			break;
	if (k < rows.n)
		qsort(rows.v, rows.n, sizeof(*rows.v), row_cmp);
	if (!json)
		fputs("a_addr,a_port,b_addr,b_port,frames_ab,bytes_ab,frames_ba,bytes_ba,first_ns,"
		      "last_ns,syn_ns,fin_ns,rst_ns,synack_ns,fin_ab_ns,fin_ba_ns,retrans_ab,"
		      "retrans_ba,ooo_ab,ooo_ba,state\n", stdout);
	put_rows(stdout, &rows, json);
	/* a write error of stdout is main.c's to print */
	free(rows.v);
	ot_flows_free(t);
	return rc;
}
