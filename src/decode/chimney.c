/*
 * chimney.c - the reference "chimney" provider's payload (see chimney.h):
 * encoding for offtrace gen, decoding for the ETL path.
 */
#include "offtrace/chimney.h"

#include <arpa/inet.h>
#include <string.h>

#include "offtrace/bytes.h"

/* the fields the payload carries (cpu, pid, tid come from the header) */
#define PAYLOAD_HAS (OT_HAS_ROOT | OT_HAS_BLOCK | OT_HAS_PARENT | OT_HAS_STATE | \
		     OT_HAS_SLOT | OT_HAS_HANDLE | OT_HAS_VALUE | OT_HAS_STATUS | \
		     OT_HAS_CODE | OT_HAS_REASON | OT_HAS_TUPLE | OT_HAS_NBL)

static size_t
put_str(uint8_t *p, const char *s, size_t max)
{
	size_t n = strnlen(s, max - 1);

	memcpy(p, s, n);
	p[n] = 0;
	return n + 1;
}

size_t
ot_chimney_encode(const struct ot_event *ev, uint8_t *buf)
{
	const uint64_t ptrs[7] = { ev->root, ev->block, ev->parent, ev->slot,
				   ev->handle, ev->value, ev->nbl };
	size_t off = OT_CHIMNEY_FIXED;
	int i;

	memset(buf, 0, OT_CHIMNEY_FIXED);
	ot_put_le32(buf, ev->has & PAYLOAD_HAS);
	buf[4] = (uint8_t)ev->layer;
	buf[5] = (uint8_t)ev->state;
	ot_put_le16(buf + 6, ev->tuple.sport);
	ot_put_le16(buf + 8, ev->tuple.dport);
	ot_put_le32(buf + 12, ev->status);
	for (i = 0; i < 7; i++)
		ot_put_le64(buf + 16 + 8 * i, ptrs[i]);
	ot_put_le64(buf + 72, (uint64_t)ev->code);
	ot_put_le64(buf + 80, (uint64_t)ev->reason);
	off += put_str(buf + off, ev->adapter ? ev->adapter : "", 256);
	off += put_str(buf + off, ev->tuple.src, OT_ADDR_MAX);
	off += put_str(buf + off, ev->tuple.dst, OT_ADDR_MAX);
	return off;
}

/* A NUL-terminated string at p[*off..len); -1 when unterminated or too long. */
static int
get_str(const uint8_t *p, size_t len, size_t *off, size_t max, const char **s,
	size_t *n)
{
	const uint8_t *nul;

	if (*off >= len)
		return -1;
	nul = memchr(p + *off, 0, len - *off);
	if (nul == NULL || (size_t)(nul - (p + *off)) >= max)
		return -1;
	*s = (const char *)p + *off;
	*n = (size_t)(nul - (p + *off));
	*off += *n + 1;
	return 0;
}

static int
bad(struct ot_err *err, const char *what)
{
	err->phase = "chimney";
	return ot_errorf(err, OT_EINPUT, "chimney event: %s", what);
}

int
ot_chimney_decode(uint16_t id, const uint8_t *p, size_t len,
		  struct ot_strtab *st, struct ot_event *ev, struct ot_err *err)
{
	uint64_t *ptrs[7];
	const char *s;
	size_t off = OT_CHIMNEY_FIXED, n;
	unsigned char addr[16];
	uint32_t has;
	int i;

	ot_event_ptrs(ev, ptrs);
	if (id < 1 || id > OT_EV_COUNT)
		return bad(err, "unknown event id");
	if (len < OT_CHIMNEY_FIXED)
		return bad(err, "payload shorter than its fixed part");
	has = ot_le32(p);
	if (has & ~(uint32_t)PAYLOAD_HAS)
		return bad(err, "unknown field bits");
	if (p[4] >= OT_LAYER_COUNT)
		return bad(err, "bad layer");
	if (p[5] != 0 && p[5] != OT_STATE_NEIGHBOR && p[5] != OT_STATE_IP4 &&
	    p[5] != OT_STATE_IP6 && p[5] != OT_STATE_TCP)
		return bad(err, "bad state");
	ev->ev = (enum ot_ev)(id - 1);
	ev->has |= has;
	ev->layer = (enum ot_layer)p[4];
	ev->state = (enum ot_state)p[5];
	ev->tuple.sport = ot_le16(p + 6);
	ev->tuple.dport = ot_le16(p + 8);
	ev->status = ot_le32(p + 12);
	for (i = 0; i < 7; i++)
		*ptrs[i] = ot_le64(p + 16 + 8 * i);
	ev->code = (int64_t)ot_le64(p + 72);
	ev->reason = (int64_t)ot_le64(p + 80);
	if (get_str(p, len, &off, 256, &s, &n) < 0)
		return bad(err, "bad adapter string");
	ev->adapter = ot_intern(st, s, n);
	if (get_str(p, len, &off, OT_ADDR_MAX, &s, &n) < 0)
		return bad(err, "bad tuple source");
	memcpy(ev->tuple.src, s, n + 1);
	if (get_str(p, len, &off, OT_ADDR_MAX, &s, &n) < 0)
		return bad(err, "bad tuple destination");
	memcpy(ev->tuple.dst, s, n + 1);
	if ((has & OT_HAS_TUPLE) &&
	    ((inet_pton(AF_INET, ev->tuple.src, addr) != 1 &&
	      inet_pton(AF_INET6, ev->tuple.src, addr) != 1) ||
	     (inet_pton(AF_INET, ev->tuple.dst, addr) != 1 &&
	      inet_pton(AF_INET6, ev->tuple.dst, addr) != 1)))
		return bad(err, "tuple address is not IPv4 or IPv6");
	return 0;
}
