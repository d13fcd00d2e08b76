/*
 * event.c - names of the normalized event vocabulary (DESIGN.md section 2).
 */
#include "offtrace/event.h"

#include <string.h>

const char *const ot_ev_names[OT_EV_COUNT] = {
	"initiate", "terminate", "update", "invalidate", "query",
	"initiate_done", "terminate_done", "update_done", "invalidate_done",
	"query_done", "ctx_write", "tcp_event", "neighbor_event", "status",
	"send", "send_done", "recv", "recv_done", "disconnect",
	"disconnect_done", "recv_indicate", "halt",
};

const char *const ot_kind_names[OT_KIND_COUNT] = {
	"initiate", "terminate", "update", "invalidate", "query",
};

const char *const ot_layer_names[OT_LAYER_COUNT] = { "target", "im", "host" };

static int
lookup(const char *const *names, int n, const char *s, size_t len)
{
	int i;

	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return i;
	return -1;
}

int
ot_ev_from_name(const char *s, size_t len)
{
	return lookup(ot_ev_names, OT_EV_COUNT, s, len);
}

int
ot_layer_from_name(const char *s, size_t len)
{
	return lookup(ot_layer_names, OT_LAYER_COUNT, s, len);
}

int
ot_state_from_name(const char *s, size_t len)
{
	static const char *const names[] = { "neighbor", "ip4", "ip6", "tcp" };
	static const int values[] = { OT_STATE_NEIGHBOR, OT_STATE_IP4,
				      OT_STATE_IP6, OT_STATE_TCP };
	int i = lookup(names, 4, s, len);

	return i < 0 ? -1 : values[i];
}

const char *
ot_state_name(enum ot_state s)
{
	switch (s) {
	case OT_STATE_NEIGHBOR: return "neighbor";
	case OT_STATE_IP4: return "ip4";
	case OT_STATE_IP6: return "ip6";
	case OT_STATE_TCP: return "tcp";
	default: return "";
	}
}

void
ot_event_ptrs(struct ot_event *ev, uint64_t *p[OT_EV_NPTRS])
{
	p[0] = &ev->root;
	p[1] = &ev->block;
	p[2] = &ev->parent;
	p[3] = &ev->slot;
	p[4] = &ev->handle;
	p[5] = &ev->value;
	p[6] = &ev->nbl;
}
