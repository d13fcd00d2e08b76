/*
 * pcap.h - packet captures: classic pcap (through libpcap, nanosecond
 * precision), pcapng (a block walker of our own, src/read/pcapng.c, since
 * libpcap 1.10 refuses files whose interfaces differ in link type or
 * snaplen and hides interface ids, comments, flags and PID/TID), and the
 * packet decoder from a link-layer frame to IPv4/IPv6 + TCP.  Format facts:
 * ../shared/FORMATS.md section 4.
 *
 * One packet API for every source: struct ot_packet.  Its data and comment
 * pointers stay valid until the next ot_pcap_next() or ot_pcap_close().
 */
#ifndef OT_PCAP_H
#define OT_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "offtrace/util.h"

/* Limits (P9); documented in man/offtrace.1 LIMITS. */
#define OT_PCAPNG_MAX_BLOCK	(16u << 20)	/* bytes of one pcapng block */
#define OT_PCAPNG_MAX_IFACES	65536		/* interfaces per section */
#define OT_PCAP_MAX_COMMENT	1024		/* bytes of a comment kept */

/* Link types (LINKTYPE_* values; DLT_RAW 12/14 are mapped to 101). */
enum {
	OT_LINK_NULL = 0,	/* BSD loopback, host-order AF */
	OT_LINK_ETHERNET = 1,
	OT_LINK_RAW = 101,
	OT_LINK_LOOP = 108,	/* OpenBSD loopback, network-order AF */
	OT_LINK_SLL = 113,
	OT_LINK_IPV4 = 228,
	OT_LINK_IPV6 = 229,
	OT_LINK_SLL2 = 276
};

enum ot_dir { OT_DIR_UNKNOWN = 0, OT_DIR_IN = 1, OT_DIR_OUT = 2 };

/*
 * What a packet monitor that logs one packet at each component it passes
 * says of one appearance (pktmon events 160 and 170, src/decode/pktmon.c).
 * The appearances of one packet share (group, number).
 */
struct ot_pkt_meta {
	uint64_t group;			/* PktGroupId */
	uint16_t number;		/* PktNumber: the packet in its group */
	uint16_t appearance;		/* AppearanceCount: 1 at the first component */
	uint16_t component;		/* ComponentId */
	uint16_t edge, filter;		/* EdgeId, FilterId */
	uint16_t dirtag;		/* PKTMON_DIRECTION_TAG (3 Rx, 4 Tx, ...) */
	uint16_t ptype;			/* PKTMON_PACKET_TYPE (1 Ethernet, ...) */
	uint16_t orig_size, logged_size;	/* OriginalPayloadSize, LoggedPayloadSize */
	int drop;			/* a drop (event 170) */
	uint32_t drop_reason, drop_location;
	const char *component_name;	/* as the trace's component events name it, or NULL */
	const char *dir_name;		/* "Rx", "Tx", "In", ..., or NULL when unknown */
	const char *type_name;		/* "Ethernet", "WiFi", ..., or NULL when unknown */
	const char *reason_name;	/* the drop reason's name, or NULL when unknown */
};

struct ot_packet {
	int64_t ts;		/* ns since 1970 UTC */
	uint32_t iface;		/* pcapng interface id (0 for pcap) */
	int dir;		/* enum ot_dir */
	uint32_t linktype;	/* LINKTYPE_* */
	uint32_t caplen;	/* bytes at data */
	uint32_t len;		/* length on the wire */
	const uint8_t *data;
	const char *comment;	/* first opt_comment, NUL-terminated, or NULL */
	int has_flags;		/* epb_flags present */
	uint32_t flags;		/* epb_flags (direction in bits 0-1) */
	int has_pidtid;		/* epb_processid_threadid (option 8) present */
	uint32_t pid, tid;
	uint64_t offset;	/* file offset of the record or block */
	uint64_t number;	/* 1-based packet number in the file */
	const struct ot_pkt_meta *meta;	/* pktmon's fields, else NULL */
};

/*
 * A capture file reader.  ot_pcap_open() detects the format by its magic
 * (pcap in both byte orders and precisions, pcapng); NULL and err filled on
 * failure.  ot_pcap_next() returns 1 with a packet, 0 at the end, -1 with
 * err (file, offset, phase).
 */
struct ot_pcap;
struct ot_pcap *ot_pcap_open(const char *path, struct ot_err *err);
/* The same over a stream at its start, whose magic the caller read
 * elsewhere (pcapng or not); f is taken, closed by ot_pcap_close() (or on
 * failure); name is used in errors. */
struct ot_pcap *ot_pcap_fopen(FILE *f, const char *name, int pcapng, struct ot_err *err);
int ot_pcap_next(struct ot_pcap *p, struct ot_packet *pkt, struct ot_err *err);
/* "pcap" or "pcapng" */
const char *ot_pcap_format(const struct ot_pcap *p);
void ot_pcap_close(struct ot_pcap *p);

/*
 * The pcapng block walker over an open stream (a file, or fmemopen() for
 * the fuzzer).  name is used in errors; f stays the caller's.
 */
struct ot_pcapng;
struct ot_pcapng *ot_pcapng_new(FILE *f, const char *name);
int ot_pcapng_next(struct ot_pcapng *w, struct ot_packet *pkt, struct ot_err *err);
void ot_pcapng_free(struct ot_pcapng *w);

/* "ethernet", "raw", "sll", ... or NULL for a link type the decoder skips. */
const char *ot_link_name(uint32_t linktype);

/* What ot_packet_decode() found. */
enum ot_dec_status {
	OT_DEC_OK = 0,		/* an IPv4/IPv6 packet (maybe TCP: see tcp) */
	OT_DEC_LINK,		/* link type not decoded (counted, skipped) */
	OT_DEC_NOTIP,		/* not IPv4/IPv6 (ARP, LLC, ...) */
	OT_DEC_TRUNC,		/* the capture ends inside a header */
	OT_DEC_BAD		/* a header field is impossible */
};

/*
 * Where the IP packet's length came from.  A capture taken above the
 * miniport sees the stack's large sends before segmentation: IPv4 with
 * Total Length 0 (TSO, and Linux BIG TCP past 64 KiB) and IPv6 with
 * Payload Length 0 (BIG TCP), whose real length is the frame's, as
 * tcpdump ("[was 0, presumed TSO]", "[real length N, presumed BIG TCP]")
 * and Wireshark ("presumed TSO") take it; and IPv6 jumbograms, whose
 * length is the hop-by-hop Jumbo Payload option's (RFC 2675).
 */
enum ot_len_from {
	OT_LEN_FIELD = 0,	/* the IPv4 Total Length / IPv6 Payload Length field */
	OT_LEN_FRAME,		/* the field is 0: the frame's length on the wire */
	OT_LEN_JUMBO		/* the Jumbo Payload option (RFC 2675) */
};

struct ot_decoded {
	int status;		/* enum ot_dec_status */
	int dir;		/* from the link layer (SLL packet type), else unknown */
	int vlans;		/* 802.1Q/802.1ad tags seen */
	uint16_t vlan;		/* outermost VLAN id */
	int family;		/* 4 or 6; 0 when not IP */
	uint8_t proto;		/* IP protocol (after IPv6 extension headers) */
	int fragment;		/* a non-first fragment, or fragmented (see tcp) */
	uint32_t frag_id;	/* IPv4 Identification or IPv6 fragment header's */
	uint8_t src[16], dst[16];	/* IPv4 in the first 4 bytes */
	int tcp;		/* a TCP header was decoded */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;		/* TCP flags byte (FIN 0x01 ... CWR 0x80) */
	uint16_t window;
	uint32_t payload;	/* TCP payload length from the IP length */
	uint32_t ip_len;	/* the IP packet's length, header included, as used */
	int len_from;		/* enum ot_len_from: where ip_len came from */
	uint32_t jumbo;		/* the Jumbo Payload Length, when len_from is JUMBO */
};

#define OT_TCP_FIN	0x01
#define OT_TCP_SYN	0x02
#define OT_TCP_RST	0x04
#define OT_TCP_PSH	0x08
#define OT_TCP_ACK	0x10
#define OT_TCP_URG	0x20
#define OT_TCP_ECE	0x40
#define OT_TCP_CWR	0x80

/*
 * Decode a captured frame (caplen bytes at data; len bytes long on the
 * wire, len < caplen read as caplen) of a link type.  Never reads past
 * caplen.  Returns d->status.
 */
int ot_packet_decode_len(uint32_t linktype, const uint8_t *data, uint32_t caplen,
			 uint32_t len, struct ot_decoded *d);
/* The same for a frame whose length on the wire is caplen. */
int ot_packet_decode(uint32_t linktype, const uint8_t *data, uint32_t caplen,
		     struct ot_decoded *d);

/* Format an address of a family (4 or 6) into buf (at least 46 bytes);
 * IPv6 per RFC 5952. */
char *ot_addr_fmt(int family, const uint8_t *addr, char *buf, size_t len);

#endif
