/*
 * cmd_dump.c - offtrace dump: the records of an input as they are, in
 * time order: .etl records (with WPP messages rendered through their
 * TMF), tracefmt text messages, packets (printed by cmd_capture.c).  The
 * input is read through a source in raw mode (source.h); what this file
 * names of the formats is the record types it prints.
 */
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/chimney.h"
#include "offtrace/etlsrc.h"
#include "offtrace/providers.h"
#include "offtrace/source.h"
#include "offtrace/tlg.h"
#include "offtrace/tmf.h"
#include "offtrace/wpp.h"

static const char dump_help[] =
	"usage: offtrace dump [options] FILE\n\n"
	"Print one line per record of an .etl file, in time order across\n"
	"processors: time (UTC and ms since the log-file header's start), header\n"
	"type, provider, event id, version, opcode, task, level, keyword, PID,\n"
	"TID, CPU and payload length.  The log-file header is the first record.\n"
	"A pcap or pcapng capture gives one line per packet instead: number,\n"
	"time, interface, direction, link type, caplen/length, 4-tuple, TCP\n"
	"flags, seq/ack, PID/TID and comment (--payload does not apply).  The\n"
	"packet records of an .etl file print as packets too: NDIS-PacketCapture\n"
	"(netsh trace) as a capture's; each PktMon appearance or drop (pktmon) with\n"
	"its component id and name, edge, direction, packet type, logged/original\n"
	"size, a drop's reason and location, then the decoded frame.\n\n"
	"options:\n"
	"      --format FMT     text (default) or jsonl (one JSON object a line)\n"
	"      --limit N        stop after N records\n"
	"      --payload        add the payload: the fields a profile (chimney, TCPIP\n"
	"                       1099) or TraceLogging decodes, else hex\n"
	"      --count          only count the records: prints \"N records\"; with\n"
	"                       --tmf, WPP messages are decoded (not printed) and\n"
	"                       counted too\n"
	"      --tmf DIR        decode WPP messages with the TMF files in DIR\n"
	"                       (<message GUID>.tmf) and print them as tracefmt does:\n"
	"                       [CPU]PID.TID::TIME [friendly]text (time in UTC);\n"
	"                       messages without a TMF are dumped raw and counted\n"
	"                       per GUID and number on stderr\n"
	"tracefmt text output (FILE.txt, UTF-8 or UTF-16) gives one line per WPP\n"
	"message: time (local as written, no Z; in UTC with Z with --tz-offset),\n"
	"line, CPU, PID, TID, sequence, friendly name, the %!FUNC! of a custom\n"
	"prefix, text; its continuation lines (indented lines after it) follow it\n"
	"as written.  \"No Format Information found.\" and other lines are counted\n"
	"on stderr.  Text without the default prefix needs --prefix.\n"
	"      --prefix FMT     the TRACE_FORMAT_PREFIX the text lines were written with\n"
	"                       (default \"[%9!d!]%8!04X!.%3!04X!::%4!s! [%1!s!]\")\n"
	"      --tz-offset +HH:MM  the text's local time is UTC+HH:MM\n"
	"FILE may be \"-\" (standard input), compressed (gzip, zstd, xz, bzip2,\n"
	"lz4), or an archive or directory holding one trace (else choose it):\n"
	CLI_MEMBER_HELP
	"  -h, --help           this help\n\n"
	"Exit status: 0 ok, 2 usage error, unreadable or damaged input (the records\n"
	"before the damage are printed; the damage is named on stderr).\n";

enum { OPT_LIMIT = OPT_HELP + 1, OPT_PAYLOAD, OPT_COUNT, OPT_TMF, OPT_DUMP_PREFIX,
	OPT_DUMP_TZ };

/* Provider name, TraceLogging event name and metadata of a record. */
struct names {
	const char *provider;
	const char *event;
	int has_meta;
	struct ot_tlg_event meta;
	char kernel[64];
};

static void
record_names(const struct ot_etl_record *rec, struct names *n)
{
	const struct ot_provider *known;
	unsigned i;

	n->provider = NULL;
	n->event = NULL;
	n->has_meta = 0;
	if (rec->kernel_group >= 0) {
		uint8_t g[16];
		const char *name;

		if (ot_etl_kernel_group((unsigned)rec->kernel_group, rec->opcode, g, &name) == 0) {
			/* memcpy, not snprintf: most records of a kernel trace */
			size_t l = strnlen(name, sizeof(n->kernel) - 8);

			memcpy(n->kernel, "Kernel/", 7);
			memcpy(n->kernel + 7, name, l);
			n->kernel[7 + l] = '\0';
		} else {
			snprintf(n->kernel, sizeof(n->kernel), "Kernel/Group%d", rec->kernel_group);
		}
		n->provider = n->kernel;
		return;
	}
	/* providers offtrace knows by GUID, and their events it knows by id
	 * (the table of src/read/providers.c); chimney events by their ev */
	if ((known = ot_provider_find(rec->provider)) != NULL) {
		n->provider = known->name;
		if (rec->hdr == OT_ETL_EVENT)
			n->event = ot_provider_event_name(rec->provider, rec->id);
	}
	if (memcmp(rec->provider, ot_chimney_guid, 16) == 0 &&
	    rec->id >= 1 && rec->id <= OT_EV_COUNT)
		n->event = ot_ev_names[rec->id - 1];
	for (i = 0; i < rec->next; i++) {
		const struct ot_etl_ext *x = &rec->ext[i];
		const char *why;

		if (x->type == 12)
			ot_tlg_provider(x->data, x->size, &n->provider);
		else if (x->type == 11 && ot_tlg_meta(x->data, x->size, &n->meta, &why) == 0) {
			n->has_meta = 1;
			n->event = n->meta.name;
		}
	}
}

/* ms since start with 6 decimals, from ns, without floating point. */
static void
put_ms(FILE *f, int64_t ns)
{
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;

	fprintf(f, "%s%" PRIu64 ".%06" PRIu64, ns < 0 ? "-" : "", a / 1000000, a % 1000000);
}

static void
put_id(FILE *f, uint32_t v)
{
	if (v == 0xFFFFFFFFu)
		fputs("null", f);
	else
		fprintf(f, "%" PRIu32, v);
}

/* The strings of decoded chimney payloads (adapter names) during a dump. */
static struct ot_strtab *dump_strings;

/*
 * The fields of a record a built-in profile decodes (chimney: the
 * normalized event; TCPIP 1099: its six fields), as " name=value" or
 * "\"name\":value" pairs; 0 when no profile applies.
 */
static int
profile_fields(FILE *f, const struct ot_etl_record *rec, int json)
{
	struct ot_event ev;
	struct ot_err err;
	const char *sep = json ? "," : " ";

	if (memcmp(rec->provider, ot_chimney_guid, 16) == 0) {
		static const char *const pn[7] = { "root", "block", "parent", "slot",
						   "handle", "value", "nbl" };
		static const uint32_t ph[7] = { OT_HAS_ROOT, OT_HAS_BLOCK, OT_HAS_PARENT,
						OT_HAS_SLOT, OT_HAS_HANDLE, OT_HAS_VALUE,
						OT_HAS_NBL };
		uint64_t pv[7];
		int i;

		memset(&ev, 0, sizeof(ev));
		memset(&err, 0, sizeof(err));
		if (ot_chimney_decode(rec->id, rec->payload, rec->len, dump_strings, &ev, &err) < 0)
			return 0;
		pv[0] = ev.root; pv[1] = ev.block; pv[2] = ev.parent; pv[3] = ev.slot;
		pv[4] = ev.handle; pv[5] = ev.value; pv[6] = ev.nbl;
		fputs(json ? ",\"fields\":{\"adapter\":" : " | adapter=", f);
		if (json)
			ot_json_string(f, ev.adapter);
		else
			ot_term_puts(f, ev.adapter[0] ? ev.adapter : "\"\"");
		fprintf(f, json ? ",\"layer\":\"%s\"" : " layer=%s", ot_layer_names[ev.layer]);
		if (ev.has & OT_HAS_STATE)
			fprintf(f, json ? ",\"state\":\"%s\"" : " state=%s", ot_state_name(ev.state));
		for (i = 0; i < 7; i++)
			if (ev.has & ph[i])
				fprintf(f, json ? "%s\"%s\":\"0x%" PRIx64 "\"" : "%s%s=0x%" PRIx64,
					sep, pn[i], pv[i]);
		if (ev.has & OT_HAS_STATUS)
			fprintf(f, json ? ",\"status\":\"0x%08" PRIx32 "\"" : " status=0x%08" PRIx32,
				ev.status);
		if (ev.has & OT_HAS_CODE)
			fprintf(f, json ? ",\"code\":%" PRId64 : " code=%" PRId64, ev.code);
		if (ev.has & OT_HAS_REASON)
			fprintf(f, json ? ",\"reason\":%" PRId64 : " reason=%" PRId64, ev.reason);
		if (ev.has & OT_HAS_TUPLE)
			fprintf(f, json ? ",\"tuple\":{\"src\":\"%s\",\"sport\":%u,\"dst\":\"%s\",\"dport\":%u}" :
				" tuple=%s:%u-%s:%u", ev.tuple.src, ev.tuple.sport, ev.tuple.dst,
				ev.tuple.dport);
		if (json)
			putc('}', f);
		return 1;
	}
	if (memcmp(rec->provider, ot_tcpip_guid, 16) == 0 &&
	    rec->id == OT_TCPIP_OFFLOAD_STATE_CHANGE &&
	    rec->len >= 16 + (size_t)(rec->ptr_size == 4 ? 4 : 8) + 4) {
		const uint8_t *p = rec->payload;
		size_t ps = rec->ptr_size == 4 ? 4 : 8, k;
		uint64_t tcb = ps == 4 ? ot_le32(p + 16) : ot_le64(p + 16);
		static const char *const names[4] = { "TcbState", "OcbState", "SndNxt", "RcvNxt" };

		fputs(json ? ",\"fields\":{" : " |", f);
		for (k = 0; k < 4; k++)
			fprintf(f, json ? "%s\"%s\":%" PRIu32 : "%s%s=%" PRIu32,
				json && k == 0 ? "" : sep, names[k], ot_le32(p + 4 * k));
		fprintf(f, json ? ",\"Tcb\":\"0x%" PRIx64 "\",\"Status\":\"0x%08" PRIx32 "\"}" :
			" Tcb=0x%" PRIx64 " Status=0x%08" PRIx32, tcb, ot_le32(p + 16 + ps));
		return 1;
	}
	return 0;
}

/*
 * dump --format jsonl builds each line in a buffer and writes it with one
 * fwrite: through stdio's per-call locking and printf's format parsing
 * (fprintf, fputs and putc per field) the formatting took 4/5 of the time,
 * 0.7M records/s of a generated 270 MB .etl; the bytes are the same.
 */
struct jbuf {
	char b[1024];
	size_t n;
};

static inline void
jb_str(struct jbuf *j, const char *s, size_t n)
{
	memcpy(j->b + j->n, s, n);
	j->n += n;
}

#define JB_LIT(j, s) jb_str((j), (s), sizeof(s) - 1)

static inline void
jb_u64(struct jbuf *j, uint64_t v)
{
	char t[20];
	size_t k = 0;

	do {
		t[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k)
		j->b[j->n++] = t[--k];
}

/* a JSON string: plain text at once, anything else as ot_json_string */
static void
jb_name(struct jbuf *j, FILE *f, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i < 256; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f ||
		    s[i] == '"' || s[i] == '\\')
			break;
	if (s[i] == '\0') {
		j->b[j->n++] = '"';
		jb_str(j, s, i);
		j->b[j->n++] = '"';
		return;
	}
	fwrite(j->b, 1, j->n, f);
	j->n = 0;
	ot_json_string(f, s);
}

static inline void
jb_id(struct jbuf *j, uint32_t v)
{
	if (v == 0xFFFFFFFFu)
		JB_LIT(j, "null");
	else
		jb_u64(j, v);
}

static void
dump_jsonl(FILE *f, const struct ot_etl_record *rec, int payload)
{
	static uint8_t last_guid[16];
	static char g[37];
	static int have_guid;
	struct names n;
	struct jbuf j;
	const char *h;
	uint64_t a;

	record_names(rec, &n);
	if (!have_guid || memcmp(last_guid, rec->provider, 16) != 0) {
		ot_etl_guid_str(rec->provider, g);
		memcpy(last_guid, rec->provider, 16);
		have_guid = 1;
	}
	j.n = 0;
	JB_LIT(&j, "{\"ts_ns\":");
	if (rec->ts_ns < 0) {
		j.b[j.n++] = '-';
		jb_u64(&j, (uint64_t)0 - (uint64_t)rec->ts_ns);
	} else {
		jb_u64(&j, (uint64_t)rec->ts_ns);
	}
	/* ms since start with 6 decimals, from ns, without floating point */
	JB_LIT(&j, ",\"rel_ms\":");
	if (rec->rel_ns < 0)
		j.b[j.n++] = '-';
	a = rec->rel_ns < 0 ? (uint64_t)0 - (uint64_t)rec->rel_ns : (uint64_t)rec->rel_ns;
	jb_u64(&j, a / 1000000);
	j.b[j.n++] = '.';
	a %= 1000000;
	for (int d = 100000; d > 0; d /= 10)
		j.b[j.n++] = (char)('0' + a / (uint64_t)d % 10);
	JB_LIT(&j, ",\"hdr\":\"");
	h = ot_etl_hdr_name(rec->hdr);
	jb_str(&j, h, strlen(h));
	JB_LIT(&j, "\",\"provider\":\"");
	jb_str(&j, g, 36);
	JB_LIT(&j, "\",\"name\":");
	if (n.provider)
		jb_name(&j, f, n.provider);
	else
		JB_LIT(&j, "null");
	if (n.event) {
		JB_LIT(&j, ",\"event\":");
		jb_name(&j, f, n.event);
	}
	if (rec->kernel_group >= 0) {
		JB_LIT(&j, ",\"hook\":");
		jb_u64(&j, (unsigned)rec->hook_id);
	}
	JB_LIT(&j, ",\"id\":");
	jb_u64(&j, (unsigned)rec->id);
	JB_LIT(&j, ",\"version\":");
	jb_u64(&j, (unsigned)rec->version);
	JB_LIT(&j, ",\"opcode\":");
	jb_u64(&j, (unsigned)rec->opcode);
	JB_LIT(&j, ",\"task\":");
	jb_u64(&j, (unsigned)rec->task);
	JB_LIT(&j, ",\"level\":");
	jb_u64(&j, (unsigned)rec->level);
	JB_LIT(&j, ",\"keyword\":");
	jb_u64(&j, rec->keyword);
	JB_LIT(&j, ",\"pid\":");
	jb_id(&j, rec->pid);
	JB_LIT(&j, ",\"tid\":");
	jb_id(&j, rec->tid);
	JB_LIT(&j, ",\"cpu\":");
	jb_u64(&j, rec->cpu);
	JB_LIT(&j, ",\"len\":");
	jb_u64(&j, rec->len);
	if (payload) {
		fwrite(j.b, 1, j.n, f);
		j.n = 0;
		if (!profile_fields(f, rec, 1)) {
			if (n.has_meta) {
				fputs(",\"fields\":{", f);
				ot_tlg_print(f, &n.meta, rec->payload, rec->len, rec->ptr_size, 1);
				putc('}', f);
			} else {
				fputs(",\"payload\":\"", f);
				ot_tlg_hex(f, rec->payload, rec->len);
				putc('"', f);
			}
		}
	}
	JB_LIT(&j, "}\n");
	fwrite(j.b, 1, j.n, f);
}

/*
 * A provider or event name in dump's text columns, which are split at
 * spaces: as it is, or, when it is empty or holds a space, a control
 * character, a double quote or a backslash, in double quotes with \" and
 * \\ escaped ("Contoso Offload Provider"/"Offload Done"); control
 * characters, C1 and invalid UTF-8 as \xNN (ot_term_escape).
 */
static void
put_name(FILE *f, const char *s)
{
	const unsigned char *p;
	size_t n;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '\\')
			break;
	if (*s != '\0' && *p == '\0') {
		ot_term_puts(f, s);
		return;
	}
	putc('"', f);
	while (*s) {
		n = strcspn(s, "\"\\");
		ot_term_write(f, s, n);
		s += n;
		if (*s) {
			putc('\\', f);
			putc(*s++, f);
		}
	}
	putc('"', f);
}

/*
 * A message's text with its continuation lines (after a '\n', indented as
 * written, often by a tab): escaped for the terminal (ot_term_escape), the
 * line feeds and tabs kept.
 */
static void
term_lines(FILE *f, const char *s, size_t n)
{
	size_t k;

	if (s == NULL)
		return;
	while (n > 0) {
		for (k = 0; k < n && s[k] != '\n' && s[k] != '\t'; k++)
			;
		ot_term_write(f, s, k);
		if (k == n)
			break;
		putc(s[k], f);
		s += k + 1;
		n -= k + 1;
	}
}

static void
dump_text(FILE *f, const struct ot_etl_record *rec, int payload)
{
	struct names n;
	char g[37], tb[OT_TIMEBUF];

	record_names(rec, &n);
	ot_etl_guid_str(rec->provider, g);
	fprintf(f, "%s ", ot_fmt_time(rec->ts_ns, tb));
	put_ms(f, rec->rel_ns);
	fprintf(f, " %-8s ", ot_etl_hdr_name(rec->hdr));
	put_name(f, n.provider ? n.provider : g);
	if (n.event) {
		putc('/', f);
		put_name(f, n.event);
	}
	if (rec->kernel_group >= 0)
		fprintf(f, " hook=0x%04x", (unsigned)rec->hook_id);
	fprintf(f, " id=%u v=%u op=%u task=%u lvl=%u kw=0x%" PRIx64,
		(unsigned)rec->id, (unsigned)rec->version, (unsigned)rec->opcode,
		(unsigned)rec->task, (unsigned)rec->level, rec->keyword);
	fputs(" pid=", f);
	put_id(f, rec->pid);
	fputs(" tid=", f);
	put_id(f, rec->tid);
	fprintf(f, " cpu=%" PRIu32 " len=%zu", rec->cpu, rec->len);
	if (payload && !profile_fields(f, rec, 0)) {
		if (n.has_meta) {
			fputs(" |", f);
			ot_tlg_print(f, &n.meta, rec->payload, rec->len, rec->ptr_size, 0);
		} else {
			fputs(" | ", f);
			ot_tlg_hex(f, rec->payload, rec->len);
		}
	}
	putc('\n', f);
}

/* dump --tmf: the TMF directory and what it could not decode. */
#define WPP_MAX_MISSING	4096	/* distinct (GUID, number) pairs counted */

static struct {
	const struct ot_tmfdir *tmf;
	uint64_t decoded, missing, bad, missing_other;
	struct {
		uint8_t guid[16];
		uint16_t number;
		uint64_t count;
	} miss[WPP_MAX_MISSING];
	size_t nmiss;
} wppd;

static void
wpp_count_missing(const struct ot_wpp_msg *m)
{
	size_t i;

	wppd.missing++;
	for (i = 0; i < wppd.nmiss; i++)
		if (wppd.miss[i].number == m->number &&
		    memcmp(wppd.miss[i].guid, m->guid, 16) == 0) {
			wppd.miss[i].count++;
			return;
		}
	if (wppd.nmiss == WPP_MAX_MISSING) {
		wppd.missing_other++;
		return;
	}
	memcpy(wppd.miss[i].guid, m->guid, 16);
	wppd.miss[i].number = m->number;
	wppd.miss[i].count = 1;
	wppd.nmiss++;
}

/* A WPP record decoded with its TMF: 1 printed, 0 not (dump it raw). */
static int
dump_wpp(FILE *out, const char *path, const struct ot_etl_record *rec, int json)
{
	static char text[OT_WPP_MAX_TEXT];
	struct ot_wpp_msg m;
	struct ot_wpp_where w;
	const struct ot_tmf_msg *tm;
	const char *why = NULL;

	if (ot_wpp_parse(rec->raw, rec->raw_len, rec->ptr_size, &m, NULL) < 0)
		return 0;
	tm = m.has_guid ? ot_tmfdir_find(wppd.tmf, m.guid, m.number) : NULL;
	if (tm == NULL) {
		wpp_count_missing(&m);
		return 0;
	}
	w.cpu = rec->cpu;
	w.ts_ns = rec->ts_ns;
	if (ot_wpp_format(tm, &m, &w, text, sizeof(text), &why) < 0) {
		wppd.bad++;
		fprintf(stderr, "offtrace: %s: offset %" PRIu64 ": %s (message %s #%u)\n",
			path, rec->offset, why, tm->guid, (unsigned)m.number);
	}
	wppd.decoded++;
	if (!json) {
		term_lines(out, text, strlen(text));
		putc('\n', out);
		return 1;
	}
	fprintf(out, "{\"ts\":%" PRId64 ",\"hdr\":\"wpp\",\"guid\":", rec->ts_ns);
	ot_json_string(out, tm->guid);
	fprintf(out, ",\"number\":%u,\"cpu\":%" PRIu32 ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32,
		(unsigned)m.number, rec->cpu, m.pid, m.tid);
	if (m.has_seq)
		fprintf(out, ",\"seq\":%" PRIu32, m.seq);
	fputs(",\"friendly\":", out);
	ot_json_string(out, tm->friendly);
	fputs(",\"func\":", out);
	ot_json_string(out, tm->func);
	fputs(",\"level\":", out);
	ot_json_string(out, tm->level);
	fputs(",\"flags\":", out);
	ot_json_string(out, tm->flags);
	fputs(",\"text\":", out);
	ot_json_string(out, text);
	fputs("}\n", out);
	return 1;
}

/*
 * dump --count --tmf: decode a WPP record's header and arguments with its
 * TMF, render nothing (the decode rate of the benchmark).
 */
static void
count_wpp(const struct ot_etl_record *rec)
{
	struct ot_wpp_val v[OT_TMF_MAX_ARGS];
	struct ot_wpp_msg m;
	const struct ot_tmf_msg *tm;
	const char *why = NULL;

	if (ot_wpp_parse(rec->raw, rec->raw_len, rec->ptr_size, &m, NULL) < 0)
		return;
	tm = m.has_guid ? ot_tmfdir_find(wppd.tmf, m.guid, m.number) : NULL;
	if (tm == NULL) {
		wpp_count_missing(&m);
		return;
	}
	if (ot_wpp_args(tm, &m, v, &why) < 0)
		wppd.bad++;
	wppd.decoded++;
}

/* Counts on stderr, free; 1 when some messages overran their record. */
static int
wpp_close(const char *path)
{
	size_t i;
	char g[37];
	int bad = wppd.bad != 0;

	if (wppd.tmf == NULL)
		return 0;
	if (wppd.missing)
		fprintf(stderr, "offtrace: %s: %" PRIu64 " WPP messages decoded, %" PRIu64
			" without a TMF (dumped raw):\n", path, wppd.decoded, wppd.missing);
	for (i = 0; i < wppd.nmiss; i++) {
		ot_etl_guid_str(wppd.miss[i].guid, g);
		fprintf(stderr, "  %s #%u: %" PRIu64 "\n", g, (unsigned)wppd.miss[i].number,
			wppd.miss[i].count);
	}
	if (wppd.missing_other)
		fprintf(stderr, "  others: %" PRIu64 "\n", wppd.missing_other);
	if (wppd.bad)
		fprintf(stderr, "offtrace: %s: %" PRIu64 " WPP messages overran their record\n",
			path, wppd.bad);
	memset(&wppd, 0, sizeof(wppd));
	return bad;
}

static void
json_strn(FILE *out, const char *s, size_t n)
{
	char *c = xmalloc(n + 1);

	/* a prefix without %1 leaves no friendly name: s is NULL */
	if (n)
		memcpy(c, s, n);
	c[n] = '\0';
	ot_json_string(out, c);
	free(c);
}

/*
 * One tracefmt message.  Its time is local time of no known zone unless
 * --tz-offset turned it into UTC: then, and only then, it ends in Z.  The
 * function of a %!FUNC! prefix goes before the text; continuation lines
 * are printed after their message as written (text: indented lines).
 */
static void
dump_message(const struct ot_wpptext_msg *m, int json, int utc)
{
	char tb[OT_TIMEBUF];

	ot_fmt_time_zone(m->ts_ns, !utc, tb);
	if (json) {
		printf("{\"line\":%" PRIu64 ",\"ts_ns\":%" PRId64 ",\"time\":\"%s\",\"cpu\":%" PRIu32
		       ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32 ",\"seq\":", m->line, m->ts_ns, tb,
		       m->cpu, m->pid, m->tid);
		if (m->has_seq)
			printf("%" PRIu32, m->seq);
		else
			fputs("null", stdout);
		fputs(",\"friendly\":", stdout);
		json_strn(stdout, m->friendly, m->friendly_len);
		if (m->func != NULL) {
			fputs(",\"func\":", stdout);
			json_strn(stdout, m->func, m->func_len);
		}
		fputs(",\"text\":", stdout);
		json_strn(stdout, m->text, m->text_len);
		fputs("}\n", stdout);
	} else {
		printf("%s line=%" PRIu64 " cpu=%" PRIu32 " pid=0x%04" PRIX32 " tid=0x%04" PRIX32,
		       tb, m->line, m->cpu, m->pid, m->tid);
		if (m->has_seq)
			printf(" seq=%08" PRIx32, m->seq);
		fputs(" [", stdout);
		ot_term_write(stdout, m->friendly, m->friendly_len);
		fputs("] ", stdout);
		if (m->func != NULL) {
			ot_term_write(stdout, m->func, m->func_len);
			fputs(": ", stdout);
		}
		term_lines(stdout, m->text, m->text_len);
		putc('\n', stdout);
	}
}

int
cmd_dump(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "payload", no_argument, NULL, OPT_PAYLOAD },
		{ "count", no_argument, NULL, OPT_COUNT },
		{ "tmf", required_argument, NULL, OPT_TMF },
		{ "prefix", required_argument, NULL, OPT_DUMP_PREFIX },
		{ "tz-offset", required_argument, NULL, OPT_DUMP_TZ },
		CLI_MEMBER_LONGOPT,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ot_source_opts so;
	struct ot_source_ctx *ctx;
	struct ot_source_stats st;
	struct ot_source *s;
	struct ot_item it;
	struct ot_err err;
	const char *path, *kind;
	static char path_buf[4096];
	int64_t limit = -1;
	uint64_t n = 0;
	int opt, r = 0, rc = EXIT_OK, json = 0, payload = 0, count = 0, capture, text;

	memset(&err, 0, sizeof(err));
	memset(&so, 0, sizeof(so));
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_FORMAT:
			if (cli_text_or_jsonl("dump", optarg, &json) < 0)
				return EXIT_USAGE;
			break;
		case OPT_LIMIT:
			if (ot_parse_i64(optarg, strlen(optarg), &limit) < 0 || limit < 0)
				return cli_usage_error("dump", "bad --limit '%s'", optarg);
			break;
		case OPT_PAYLOAD:
			payload = 1;
			break;
		case OPT_MEMBER:
			so.member = optarg;
			break;
		case OPT_COUNT:
			count = 1;
			break;
		case OPT_TMF:
			so.tmf_dir = optarg;
			break;
		case OPT_DUMP_PREFIX:
			so.prefix = optarg;
			break;
		case OPT_DUMP_TZ:
			if (ot_source_parse_tz(optarg, &so.tz_offset_ns) < 0)
				return cli_usage_error("dump", "bad --tz-offset '%s': want +HH:MM or -HH:MM", optarg);
			so.tz_set = 1;
			break;
		case 'h':
			fputs(dump_help, stdout);
			return EXIT_OK;
		default:
			return cli_option_error("dump");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("dump", "want one FILE");
	path = argv[optind];
	/* records as they are; NDIS-PacketCapture records as packets, unless
	 * only counted */
	so.flags = OT_SRC_RAW | OT_SRC_NO_BUILTIN | OT_SRC_NO_PROFILE |
		   (count ? 0 : OT_SRC_PACKETS);
	if ((ctx = ot_source_ctx_new(&so, NULL, &err)) == NULL)
		return cli_report_error(&err);
	/* an archive, a directory, a compressed file or a pipe: the one
	 * input it holds (kept beyond the ctx, for the messages after it is
	 * freed) */
	if ((r = cli_expand_one(ctx, "dump", &path, path_buf, sizeof(path_buf))) != 0)
		return r;
	/* a capture; tracefmt text (any text with --prefix); other text is
	 * told about --prefix; else an .etl, whose reader says what is wrong
	 * with a file that is none */
	kind = ot_source_detect(ctx, path, &err);
	if (kind != NULL && strcmp(kind, "jsonl") == 0) {
		ot_source_ctx_free(ctx);
		cli_errorf("%s: dump reads .etl, text and captures; this is JSON lines: use analyze", path);
		return EXIT_USAGE;
	}
	capture = kind != NULL && (strcmp(kind, "pcap") == 0 || strcmp(kind, "pcapng") == 0);
	text = !capture && (so.prefix != NULL || (kind != NULL && strcmp(kind, "wpptext") == 0));
	if (!capture && !text && kind != NULL && strcmp(kind, "text") == 0) {
		ot_source_ctx_free(ctx);
		memset(&err, 0, sizeof(err));
		err.phase = "detect";
		ot_errorf_at(&err, OT_EINPUT, path, 1,
			     "text, but its first line has no tracefmt prefix ([CPU]PID.TID::TIME [name]); give the TRACE_FORMAT_PREFIX it was written with: --prefix '...'");
		return cli_report_error(&err);
	}
	if (!capture)
		kind = text ? "wpptext" : "etl";
	memset(&err, 0, sizeof(err));
	if ((s = ot_source_open(ctx, path, kind, 0, &err)) == NULL) {
		ot_source_ctx_free(ctx);
		return cli_report_error(&err);
	}
	wppd.tmf = text || capture ? NULL : ot_source_ctx_tmf(ctx);
	dump_strings = ot_strtab_new();
	/* no more once stdout fails: a full disk does not wait for a 1 GiB
	 * trace to be read */
	while ((limit < 0 || (uint64_t)limit > n) && !cli_output_failed(stdout) &&
	       (r = ot_source_next(s, &it, &err)) > 0) {
		n++;
		if (count) {
			if (wppd.tmf != NULL && it.kind == OT_ITEM_RECORD && it.rec.hdr == OT_ETL_WPP)
				count_wpp(&it.rec);
			continue;
		}
		switch (it.kind) {
		case OT_ITEM_PACKET:
		case OT_ITEM_DROP:
			/* from an .etl, it.rec is the record that made it */
			if (payload && !capture) {
				char g[37];
				struct cli_record cr;

				ot_etl_guid_str(it.rec.provider, g);
				cr.provider = g;
				cr.id = it.rec.id;
				cr.payload = it.rec.payload;
				cr.len = it.rec.len;
				cli_dump_packet(stdout, &it.pkt, json, &cr);
			} else {
				cli_dump_packet(stdout, &it.pkt, json, NULL);
			}
			break;
		case OT_ITEM_MESSAGE:
			dump_message(&it.msg, json, so.tz_set);
			break;
		case OT_ITEM_RECORD:
			if (wppd.tmf != NULL && it.rec.hdr == OT_ETL_WPP &&
			    dump_wpp(stdout, path, &it.rec, json))
				break;
			if (json)
				dump_jsonl(stdout, &it.rec, payload);
			else
				dump_text(stdout, &it.rec, payload);
			break;
		}
	}
	if (count && wppd.tmf != NULL)
		printf("%" PRIu64 " records, %" PRIu64 " WPP messages decoded\n", n, wppd.decoded);
	else if (count)
		printf("%" PRIu64 " %s\n", n, capture ? "packets" : "records");
	/* a write error of stdout is main.c's to print */
	ot_source_stats(s, &st);
	if (text && st.continued)
		fprintf(stderr, "offtrace: %s: %" PRIu64 " lines: %" PRIu64 " messages (with %"
			PRIu64 " continuation lines), %" PRIu64 " \"No Format Information found.\", %"
			PRIu64 " EventTrace, %" PRIu64 " other lines skipped\n", path, st.lines,
			st.records, st.continued, st.no_format, st.headers, st.skipped);
	else if (text)
		fprintf(stderr, "offtrace: %s: %" PRIu64 " lines: %" PRIu64 " messages, %" PRIu64
			" \"No Format Information found.\", %" PRIu64 " EventTrace, %" PRIu64
			" other lines skipped\n", path, st.lines, st.records, st.no_format,
			st.headers, st.skipped);
	else if (!capture) {
		const struct ot_source_problem *pr;
		size_t npr = ot_source_problems(s, &pr);

		cli_print_problems(path, pr, npr, st.corrupt);
	}
	if (wpp_close(path) && rc == EXIT_OK)
		rc = EXIT_USAGE;
	if (r < 0)
		rc = cli_report_error(&err);
	else if (st.corrupt && rc == EXIT_OK)
		rc = EXIT_USAGE;
	ot_source_close(s);
	ot_source_ctx_free(ctx);
	ot_strtab_free(dump_strings);
	dump_strings = NULL;
	return rc;
}
