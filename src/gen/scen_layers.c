/*
 * scen_layers.c - scenarios seen from other layers than one target: the
 * host's TCPIP view (host-tcpip) and an IM driver over a target
 * (im-stack).
 */
#include "gen_int.h"

#include <string.h>

/* An IM (mux0) over a target (nic0), offloaded, terminated: no violation. */
void
scen_im_stack(struct gen *g)
{
	struct node *im[3], *tg[3];
	struct op iop, top;
	unsigned i;

	/* IM objects: slots in the host's handles, published PVOID = the IM
	 * offload entry; target objects: slots in the IM entries' handles */
	im[0] = gen_mknode(g, "mux0", "im", "neighbor", NULL);
	im[1] = gen_mknode(g, "mux0", "im", "ip4", im[0]);
	im[2] = gen_mknode(g, "mux0", "im", "tcp", im[1]);
	tg[0] = gen_mknode(g, "nic0", "target", "neighbor", NULL);
	tg[1] = gen_mknode(g, "nic0", "target", "ip4", tg[0]);
	tg[2] = gen_mknode(g, "nic0", "target", "tcp", tg[1]);
	for (i = 0; i < 3; i++) {
		im[i]->ptr = tg[i]->slot - 0x28;	/* &ImEntry */
		tg[i]->tup = im[i]->tup;
		im[i]->block = gen_newblock(g);
		tg[i]->block = im[i]->block;	/* converted in place */
	}
	gen_op_request(g, &iop, OT_KIND_INITIATE, "mux0", "im", im, 3, 1);
	gen_adv(g, 2, 10);
	gen_op_request(g, &top, OT_KIND_INITIATE, "nic0", "target", tg, 3, 1);
	gen_op_writes(g, &top);
	gen_adv(g, 5, 60);
	gen_op_complete(g, &top);
	/* the IM's completion path publishes into the host's slots */
	for (i = 0; i < 3; i++) {
		g->t += TICK;
		gen_ctx_write(g, "mux0", "im", im[i]->slot, im[i]->ptr);
	}
	gen_adv(g, 1, 10);
	gen_op_complete(g, &iop);

	gen_adv(g, 500, 3000);
	/* one terminate tree per layer; the IM clears the host's slots
	 * (X -> NULL) when it propagates the completion, as MUX does */
	for (i = 0; i < 3; i++)
		im[i]->block = tg[i]->block = gen_newblock(g);
	gen_op_request(g, &iop, OT_KIND_TERMINATE, "mux0", "im", im, 3, 1);
	gen_adv(g, 2, 10);
	gen_op_request(g, &top, OT_KIND_TERMINATE, "nic0", "target", tg, 3, 1);
	gen_adv(g, 20, 300);
	gen_op_complete(g, &top);
	for (i = 3; i-- > 0;) {
		g->t += TICK;
		gen_ctx_write(g, "mux0", "im", im[i]->slot, 0);
	}
	gen_adv(g, 1, 10);
	gen_op_complete(g, &iop);
}

/* The times of a host object's life, for its connection's packets. */
static void
host_times(struct node *x, const struct gen *g, const char *ev, uint32_t status)
{
	if (!strcmp(ev, "initiate")) {
		x->t_before = g->nev ? g->last_ts : g->t - 2000000;
		x->t_init = g->t;
	} else if (!strcmp(ev, "initiate_done")) {
		x->t_done = g->t;
		x->init_ok = is_success(status);
	} else if (!strcmp(ev, "terminate") && x->t_term_req == T_NONE) {
		x->t_term_req = g->t;
	} else if (!strcmp(ev, "terminate_done") && status == OT_ST_SUCCESS) {
		x->t_term_done = g->t;
	}
}

/*
 * One host-layer event of the tcpip profile's shape (etlsrc.h): the Tcb is
 * root, block and slot; a terminate names the published slot.  Requests
 * come from the host's thread, completions from the DPC's.
 */
static void
host_op(struct gen *g, struct node *x, const char *ev, int request,
	uint32_t status)
{
	struct gev e;

	gen_base_ev(&e, g, ev, "", "host", request);
	host_times(x, g, ev, status);
	e.has = OT_HAS_ROOT | OT_HAS_BLOCK;
	e.root = e.block = x->slot;
	if (request) {
		e.has |= OT_HAS_SLOT;
		e.slot = x->slot;
		if (!strcmp(ev, "terminate")) {
			e.has |= OT_HAS_VALUE;
			e.value = x->slot;
		}
	} else {
		e.has |= OT_HAS_STATUS;
		e.status = status;
	}
	gen_emit(g, &e);
}

/*
 * The host's view, as Microsoft-Windows-TCPIP event 1099 gives it: six
 * connections offloaded (one fails with OFFLOAD_TCP_ENTRIES), four
 * uploaded, one still offloaded at the end.  Written as .etl, each event
 * becomes a TcpConnectionOffloadStateChange record, which the tcpip
 * profile turns back into the same events.
 */
void
scen_host_tcpip(struct gen *g)
{
	struct node *c[6];
	int64_t t0[6];
	unsigned i;

	for (i = 0; i < 6; i++) {
		c[i] = gen_mknode(g, "", "host", "tcp", NULL);
		t0[i] = g->t;
		host_op(g, c[i], "initiate", 1, 0);
		g->sum.objects++;
		c[i]->fate = F_PENDING;
		gen_adv(g, 20, 200);
	}
	for (i = 0; i < 6; i++) {
		uint32_t st = i == 2 ? 0xC0231004u : OT_ST_SUCCESS;

		host_op(g, c[i], "initiate_done", 0, st);
		gen_lat_add(g, OT_KIND_INITIATE, g->t - t0[i]);
		if (st == OT_ST_SUCCESS) {
			g->sum.offloaded++;
			c[i]->fate = F_LIVE;
		} else {
			g->sum.failed++;
			c[i]->fate = F_FAILED;
		}
		gen_adv(g, 5, 80);
	}
	gen_adv(g, 500, 3000);
	for (i = 0; i < 5; i++) {
		int64_t t;

		if (c[i]->fate != F_LIVE)
			continue;
		t = g->t;
		host_op(g, c[i], "terminate", 1, 0);
		gen_adv(g, 30, 400);
		host_op(g, c[i], "terminate_done", 0, OT_ST_SUCCESS);
		gen_lat_add(g, OT_KIND_TERMINATE, g->t - t);
		g->sum.terminated++;
		c[i]->fate = F_TERMINATED;
		gen_adv(g, 10, 100);
	}
	/* c[5] is still offloaded: a live_at_end leak */
}
