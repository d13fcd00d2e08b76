/*
 * event.h - the normalized event (DESIGN.md section 2), the one type every
 * reader produces and the engine consumes.
 */
#ifndef OT_EVENT_H
#define OT_EVENT_H

#include <stddef.h>
#include <stdint.h>

/* ev values, in the order of DESIGN.md section 2.  Keep ot_ev_names in sync. */
enum ot_ev {
	OT_EV_INITIATE,
	OT_EV_TERMINATE,
	OT_EV_UPDATE,
	OT_EV_INVALIDATE,
	OT_EV_QUERY,
	OT_EV_INITIATE_DONE,
	OT_EV_TERMINATE_DONE,
	OT_EV_UPDATE_DONE,
	OT_EV_INVALIDATE_DONE,
	OT_EV_QUERY_DONE,
	OT_EV_CTX_WRITE,
	OT_EV_TCP_EVENT,
	OT_EV_NEIGHBOR_EVENT,
	OT_EV_STATUS,
	OT_EV_SEND,
	OT_EV_SEND_DONE,
	OT_EV_RECV,
	OT_EV_RECV_DONE,
	OT_EV_DISCONNECT,
	OT_EV_DISCONNECT_DONE,
	OT_EV_RECV_INDICATE,
	OT_EV_HALT,
	OT_EV_COUNT
};

/* Operation kinds; OT_EV_INITIATE + kind is the request, OT_EV_INITIATE_DONE + kind the completion. */
enum ot_kind {
	OT_KIND_INITIATE,
	OT_KIND_TERMINATE,
	OT_KIND_UPDATE,
	OT_KIND_INVALIDATE,
	OT_KIND_QUERY,
	OT_KIND_COUNT
};

enum ot_layer { OT_LAYER_TARGET, OT_LAYER_IM, OT_LAYER_HOST, OT_LAYER_COUNT };

/* Header.Type values of the block's state object (DOMAIN.md 2.1). */
enum ot_state {
	OT_STATE_NONE = 0,
	OT_STATE_NEIGHBOR = 4,
	OT_STATE_IP4 = 8,
	OT_STATE_IP6 = 12,
	OT_STATE_TCP = 17
};

/* Bits of ot_event.has: which optional fields were present in the input. */
enum ot_has {
	OT_HAS_CPU = 1 << 0,
	OT_HAS_PID = 1 << 1,
	OT_HAS_TID = 1 << 2,
	OT_HAS_ROOT = 1 << 3,
	OT_HAS_BLOCK = 1 << 4,
	OT_HAS_PARENT = 1 << 5,
	OT_HAS_STATE = 1 << 6,
	OT_HAS_SLOT = 1 << 7,
	OT_HAS_HANDLE = 1 << 8,
	OT_HAS_VALUE = 1 << 9,
	OT_HAS_STATUS = 1 << 10,
	OT_HAS_CODE = 1 << 11,
	OT_HAS_REASON = 1 << 12,
	OT_HAS_TUPLE = 1 << 13,
	OT_HAS_NBL = 1 << 14
};

#define OT_ADDR_MAX 46	/* INET6_ADDRSTRLEN */

struct ot_tuple {
	char src[OT_ADDR_MAX];
	char dst[OT_ADDR_MAX];
	uint16_t sport;
	uint16_t dport;
};

/* NDIS status codes the engine and reports name (DOMAIN.md 1.5). */
#define OT_ST_SUCCESS			0x00000000u
#define OT_ST_PENDING			0x00000103u
#define OT_ST_OFFLOAD_PAUSE		0x40020001u
#define OT_ST_UPLOAD_ALL		0x40020002u
#define OT_ST_OFFLOAD_RESUME		0x40020003u
#define OT_ST_PARTIAL_SUCCESS		0x40020004u
#define OT_ST_FAILURE			0xC0000001u
#define OT_ST_RESOURCES			0xC000009Au
#define OT_ST_NOT_SUPPORTED		0xC00000BBu
#define OT_ST_REQUEST_ABORTED		0xC001000Cu
#define OT_ST_UPLOAD_IN_PROGRESS	0xC0231001u

/* TCP_OFFLOAD_EVENT_TYPE and INDICATE_OFFLOAD_EVENT (DOMAIN.md 2.1). */
#define OT_TCP_EV_SEND_BACKLOG	1
#define OT_TCP_EV_DISCONNECT	2
#define OT_TCP_EV_RETRIEVE	3
#define OT_TCP_EV_ABORT		4
#define OT_NEIGHBOR_REACHABILITY_QUERY 2
/* TCP_UPLOAD_REASON values used by rules. */
#define OT_REASON_HARDWARE_FAILURE 11

/*
 * One normalized event.  Fields absent from the input are 0 with their
 * OT_HAS_ bit clear.  adapter is an interned string (equal names have the
 * same pointer) owned by the reader's string table; never NULL ("" default).
 */
struct ot_event {
	uint64_t id;		/* 1-based position in the merged stream of one trace */
	int64_t ts;		/* ns since 1970 UTC */
	enum ot_ev ev;
	enum ot_layer layer;
	enum ot_state state;
	uint32_t has;		/* OT_HAS_* */
	const char *adapter;
	int32_t cpu, pid, tid;
	uint64_t root, block, parent, slot, handle, value, nbl;
	uint32_t status;
	int64_t code, reason;
	struct ot_tuple tuple;
	uint32_t input;		/* index of the input file in this trace */
	uint64_t line;		/* 1-based line (text) or record number in that input */
};

extern const char *const ot_ev_names[OT_EV_COUNT];
extern const char *const ot_kind_names[OT_KIND_COUNT];
extern const char *const ot_layer_names[OT_LAYER_COUNT];

/* Lookups by name; -1 when unknown. */
int ot_ev_from_name(const char *s, size_t len);
int ot_layer_from_name(const char *s, size_t len);
int ot_state_from_name(const char *s, size_t len);
/* "neighbor", "ip4", "ip6", "tcp", or "" for OT_STATE_NONE. */
const char *ot_state_name(enum ot_state s);

/*
 * The seven pointer fields of an event, in the order every decoder lists
 * them: root, block, parent, slot, handle, value, nbl.
 */
#define OT_EV_NPTRS 7
void ot_event_ptrs(struct ot_event *ev, uint64_t *p[OT_EV_NPTRS]);

static inline int
ot_ev_is_request(enum ot_ev ev)
{
	return ev <= OT_EV_QUERY;
}

static inline int
ot_ev_is_done(enum ot_ev ev)
{
	return ev >= OT_EV_INITIATE_DONE && ev <= OT_EV_QUERY_DONE;
}

/* Kind of a request or completion event (caller checks it is one). */
static inline enum ot_kind
ot_ev_kind(enum ot_ev ev)
{
	return (enum ot_kind)(ot_ev_is_done(ev) ? ev - OT_EV_INITIATE_DONE : ev);
}

#endif
