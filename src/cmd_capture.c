/*
 * cmd_capture.c - how offtrace dump prints a packet: one line with time,
 * interface, direction, link type, lengths, 4-tuple, TCP flags, seq/ack,
 * PID/TID and comment (or a JSON object).  cmd_dump.c hands over the
 * packets of captures and the NDIS-PacketCapture packets of .etl files,
 * and the PktMon appearances and drops, whose line starts with what the
 * packet monitor says of them (pktmon_text(), pktmon_json()).
 */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "offtrace/pcap.h"

static const char *
dir_name(int dir)
{
	return dir == OT_DIR_IN ? "in" : dir == OT_DIR_OUT ? "out" : "-";
}

/* TCP flags as tcpdump writes them: S F R P . U E W */
static char *
flags_str(uint8_t f, char *b)
{
	char *p = b;

	if (f & OT_TCP_SYN) *p++ = 'S';
	if (f & OT_TCP_FIN) *p++ = 'F';
	if (f & OT_TCP_RST) *p++ = 'R';
	if (f & OT_TCP_PSH) *p++ = 'P';
	if (f & OT_TCP_ACK) *p++ = '.';
	if (f & OT_TCP_URG) *p++ = 'U';
	if (f & OT_TCP_ECE) *p++ = 'E';
	if (f & OT_TCP_CWR) *p++ = 'W';
	if (p == b) *p++ = '-';
	*p = '\0';
	return b;
}

static void
put_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;

	fputc('"', f);
	while (i < n) {
		if (p[i] == '"' || p[i] == '\\') {
			fputc('\\', f);
			fputc(p[i++], f);
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			fprintf(f, "\\u%04x", p[i++]);
		} else if (p[i] < 0x80) {
			fputc(p[i++], f);
		} else if ((k = ot_utf8_len(p + i, n - i)) > 0) {
			fwrite(p + i, 1, k, f);
			i += k;
		} else {
			fprintf(f, "\\u%04x", p[i++]);
		}
	}
	fputc('"', f);
}

/* comments and names in text output: escaped for the terminal, as every
 * string from a trace (ot_term_escape) */
static void
put_text_str(FILE *f, const char *s)
{
	ot_term_puts(f, s);
}

/*
 * Where an offload-sized frame's IP length came from (pcap.h enum
 * ot_len_from), in tcpdump's words: IPv4 Total Length 0 is "presumed TSO",
 * past 65535 bytes "presumed BIG TCP" (tcpdump(1), IPv4 Packets); IPv6
 * Payload Length 0 without a Jumbo Payload option is "presumed BIG TCP"
 * (tcpdump print-ip6.c); a Jumbo Payload option is RFC 2675's.  NULL for
 * a length from the header field.
 */
static const char *
len_note(const struct ot_decoded *d)
{
	if (d->len_from == OT_LEN_JUMBO)
		return "jumbo";
	if (d->len_from != OT_LEN_FRAME)
		return NULL;
	return d->family == 4 && d->ip_len <= 0xffff ? "presumed TSO" : "presumed BIG TCP";
}

/*
 * A PktMon appearance: its component (and the trace's name for it), edge,
 * direction and packet type, logged/original sizes, the drop's reason and
 * location; then its packet and group, appearance and filter.
 */
static void
pktmon_text(FILE *f, const struct ot_packet *pkt, const char *tb)
{
	const struct ot_pkt_meta *m = pkt->meta;

	fprintf(f, "%6" PRIu64 " %s comp=%u", pkt->number, tb, (unsigned)m->component);
	if (m->component_name) {
		fputs(" \"", f);
		put_text_str(f, m->component_name);
		fputc('"', f);
	}
	fprintf(f, " edge=%u", (unsigned)m->edge);
	if (m->dir_name)
		fprintf(f, " %s", m->dir_name);
	else
		fprintf(f, " dir=%u", (unsigned)m->dirtag);
	if (m->type_name)
		fprintf(f, " %s", m->type_name);
	else
		fprintf(f, " type=%u", (unsigned)m->ptype);
	fprintf(f, " %u/%u", (unsigned)m->logged_size, (unsigned)m->orig_size);
	if (m->drop) {
		fprintf(f, " DROP reason=%" PRIu32, m->drop_reason);
		if (m->reason_name)
			fprintf(f, " (%s)", m->reason_name);
		fprintf(f, " location=0x%08" PRIx32, m->drop_location);
	}
	fprintf(f, " group=%" PRIu64 " pkt=%u app=%u filter=%u |", m->group,
		(unsigned)m->number, (unsigned)m->appearance, (unsigned)m->filter);
}

static void
pktmon_json(FILE *f, const struct ot_pkt_meta *m)
{
	fprintf(f, ",\"pktmon\":{\"group\":%" PRIu64 ",\"number\":%u,\"appearance\":%u,"
		"\"component\":%u", m->group, (unsigned)m->number, (unsigned)m->appearance,
		(unsigned)m->component);
	if (m->component_name) {
		fputs(",\"component_name\":", f);
		put_json_str(f, m->component_name);
	}
	fprintf(f, ",\"edge\":%u,\"filter\":%u,\"dirtag\":%u", (unsigned)m->edge,
		(unsigned)m->filter, (unsigned)m->dirtag);
	if (m->dir_name)
		fprintf(f, ",\"dir\":\"%s\"", m->dir_name);
	fprintf(f, ",\"packet_type\":%u", (unsigned)m->ptype);
	if (m->type_name)
		fprintf(f, ",\"type\":\"%s\"", m->type_name);
	fprintf(f, ",\"original_size\":%u,\"logged_size\":%u", (unsigned)m->orig_size,
		(unsigned)m->logged_size);
	if (m->drop) {
		fprintf(f, ",\"drop\":true,\"drop_reason\":%" PRIu32, m->drop_reason);
		if (m->reason_name)
			fprintf(f, ",\"drop_reason_name\":\"%s\"", m->reason_name);
		fprintf(f, ",\"drop_location\":%" PRIu32, m->drop_location);
	}
	fputc('}', f);
}

static void
put_hex(FILE *f, const uint8_t *b, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		fputc(hx[b[i] >> 4], f);
		fputc(hx[b[i] & 15], f);
	}
}

void
cli_dump_packet(FILE *f, const struct ot_packet *pkt, int json, const struct cli_record *rec)
{
	struct ot_decoded d;
	char tb[OT_TIMEBUF], a[64], b[64], fl[16];
	const char *ln = ot_link_name(pkt->linktype), *note;
	int dir;

	ot_packet_decode_len(pkt->linktype, pkt->data, pkt->caplen, pkt->len, &d);
	note = d.family ? len_note(&d) : NULL;
	dir = pkt->dir ? pkt->dir : d.dir;
	ot_fmt_time(pkt->ts, tb);
	if (d.family) {
		ot_addr_fmt(d.family, d.src, a, sizeof(a));
		ot_addr_fmt(d.family, d.dst, b, sizeof(b));
	}
	if (json) {
		fprintf(f, "{\"n\":%" PRIu64 ",\"ts\":\"%s\",\"ts_ns\":%" PRId64
			",\"iface\":%" PRIu32 ",\"dir\":\"%s\",\"link\":%" PRIu32
			",\"caplen\":%" PRIu32 ",\"len\":%" PRIu32, pkt->number, tb, pkt->ts,
			pkt->iface, dir_name(dir), pkt->linktype, pkt->caplen, pkt->len);
		if (d.family)
			fprintf(f, ",\"family\":%d,\"proto\":%u,\"src\":\"%s\",\"dst\":\"%s\"",
				d.family, d.proto, a, b);
		if (note)
			fprintf(f, ",\"real_len\":%" PRIu32 ",\"len_note\":\"%s\"", d.ip_len, note);
		if (d.len_from == OT_LEN_JUMBO)
			fprintf(f, ",\"jumbo\":%" PRIu32, d.jumbo);
		if (d.fragment)
			fputs(",\"fragment\":true", f);
		if (d.tcp)
			fprintf(f, ",\"sport\":%u,\"dport\":%u,\"flags\":\"%s\",\"seq\":%" PRIu32
				",\"ack\":%" PRIu32 ",\"payload\":%" PRIu32, d.sport, d.dport,
				flags_str(d.flags, fl), d.seq, d.ack, d.payload);
		if (d.vlans)
			fprintf(f, ",\"vlan\":%u", d.vlan);
		if (pkt->has_flags)
			fprintf(f, ",\"epb_flags\":%" PRIu32, pkt->flags);
		if (pkt->has_pidtid)
			fprintf(f, ",\"pid\":%" PRIu32 ",\"tid\":%" PRIu32, pkt->pid, pkt->tid);
		if (pkt->comment) {
			fputs(",\"comment\":", f);
			put_json_str(f, pkt->comment);
		}
		if (pkt->meta)
			pktmon_json(f, pkt->meta);
		if (rec) {
			/* an object of its own: "payload" of a packet is its TCP
			 * payload length */
			fprintf(f, ",\"record\":{\"provider\":\"%s\",\"id\":%u,\"payload\":\"",
				rec->provider, rec->id);
			put_hex(f, rec->payload, rec->len);
			fputs("\"}", f);
		}
		fputs("}\n", f);
		return;
	}
	if (pkt->meta) {
		/* a pktmon appearance starts with what pktmon says of it */
		pktmon_text(f, pkt, tb);
		if (ln)
			fprintf(f, " %s", ln);
		goto frame;
	}
	fprintf(f, "%6" PRIu64 " %s if=%" PRIu32 " %-3s %s %" PRIu32 "/%" PRIu32, pkt->number,
		tb, pkt->iface, dir_name(dir), ln ? ln : "other", pkt->caplen, pkt->len);
	if (ln == NULL)
		fprintf(f, " linktype=%" PRIu32, pkt->linktype);
frame:
	if (d.vlans)
		fprintf(f, " vlan=%u", d.vlan);
	if (d.tcp) {
		if (d.family == 6)
			fprintf(f, " [%s]:%u > [%s]:%u TCP %s seq=%" PRIu32 " ack=%" PRIu32
				" len=%" PRIu32, a, d.sport, b, d.dport, flags_str(d.flags, fl),
				d.seq, d.ack, d.payload);
		else
			fprintf(f, " %s:%u > %s:%u TCP %s seq=%" PRIu32 " ack=%" PRIu32
				" len=%" PRIu32, a, d.sport, b, d.dport, flags_str(d.flags, fl),
				d.seq, d.ack, d.payload);
	} else if (d.family) {
		fprintf(f, " %s > %s proto=%u", a, b, d.proto);
	}
	if (d.len_from == OT_LEN_JUMBO)
		fprintf(f, " [real length %" PRIu32 ", jumbo %" PRIu32 "]", d.ip_len, d.jumbo);
	else if (note)
		fprintf(f, " [real length %" PRIu32 ", %s]", d.ip_len, note);
	if (d.fragment)
		fputs(" frag", f);
	if (d.status == OT_DEC_TRUNC)
		fputs(" [truncated]", f);
	else if (d.status == OT_DEC_BAD)
		fputs(" [bad header]", f);
	if (pkt->has_flags)
		fprintf(f, " flags=0x%08" PRIx32, pkt->flags);
	if (pkt->has_pidtid)
		fprintf(f, " pid=%" PRIu32 " tid=%" PRIu32, pkt->pid, pkt->tid);
	if (pkt->comment) {
		fputs(" # ", f);
		put_text_str(f, pkt->comment);
	}
	if (rec) {
		fputs(" | ", f);
		put_hex(f, rec->payload, rec->len);
	}
	fputc('\n', f);
}
