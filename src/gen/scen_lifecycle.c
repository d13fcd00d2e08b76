/*
 * scen_lifecycle.c - scenarios of how offloaded objects end, or do not:
 * hang, leak-end, leak-halt, upload-all, pause-resume, hw-failure.
 */
#include "gen_int.h"

/* P1: the tcp terminate never completes; the whole tree stays offloaded. */
void
scen_hang(struct gen *g)
{
	struct node *v[3];
	struct op op;

	gen_tree(g, v, 1);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 2);
	gen_adv(g, 300, 2000);
	/* the terminate of the tcp object never completes; the host waits,
	 * so path and neighbor stay offloaded */
	gen_op_request(g, &op, OT_KIND_TERMINATE, "nic0", "target",
		       &v[2], 1, 0);
	gen_viol(g, "P1", v[2]->slot);
	/* life goes on: a (valid) NeighborReachabilityQuery later, so the
	 * hang has an age at the end of the trace */
	gen_adv(g, 5000, 20000);
	gen_neighbor_query(g, v[0]);
}

/* Neighbor, path and one tcp still offloaded at the end: no violation. */
void
scen_leak_end(struct gen *g)
{
	struct node *v[4];

	gen_tree(g, v, 2);
	gen_offload(g, v, 4);
	gen_traffic(g, v[2], 1);
	gen_traffic(g, v[3], 2);
	gen_adv(g, 300, 2000);
	gen_term1(g, v[2]);
	gen_adv(g, 1000, 5000);
	/* v[0], v[1], v[3] live at end */
}

/* L1: the adapter halts with neighbor, path and one tcp offloaded. */
void
scen_leak_halt(struct gen *g)
{
	struct node *v[4];

	gen_tree(g, v, 2);
	gen_offload(g, v, 4);
	gen_traffic(g, v[3], 2);
	gen_adv(g, 300, 2000);
	gen_term1(g, v[2]);
	gen_adv(g, 1000, 5000);
	gen_halt(g, "nic0");
	gen_leak_live(g, "nic0", "halt");
}

/* L1: an upload-all drains tcp and path but leaves the neighbor. */
void
scen_upload_all(struct gen *g)
{
	struct node *v[4];

	gen_tree(g, v, 2);
	gen_offload(g, v, 4);
	gen_traffic(g, v[2], 1);
	gen_traffic(g, v[3], 1);
	gen_adv(g, 500, 2000);
	gen_status_ind(g, "nic0", OT_ST_UPLOAD_ALL);
	gen_adv(g, 20, 200);
	/* TCP first (one op), then the path; the host forgets the neighbor */
	gen_terminate(g, &v[2], 2);
	gen_adv(g, 10, 100);
	gen_term1(g, v[1]);
	gen_adv(g, 100, 500);
	gen_status_ind(g, "nic0", OT_ST_OFFLOAD_RESUME);
	gen_leak_live(g, "nic0", "upload_all");	/* the neighbor */
}

/* An initiate in flight across a pause and a resume: no violation. */
void
scen_pause_resume(struct gen *g)
{
	struct node *v[4], *w[2];
	struct op op;

	gen_tree(g, v, 2);
	gen_offload(g, v, 3);	/* neighbor, path, first tcp */
	gen_traffic(g, v[2], 1);
	gen_adv(g, 200, 1000);
	gen_status_ind(g, "nic0", OT_ST_OFFLOAD_PAUSE);
	gen_adv(g, 5, 50);
	/* an initiate already in flight: linker path + new tcp; queued */
	w[0] = v[1];
	w[1] = v[3];
	v[1]->linker = 1;
	gen_op_request(g, &op, OT_KIND_INITIATE, "nic0", "target", w, 2, 0);
	gen_adv(g, 200, 2000);
	gen_status_ind(g, "nic0", OT_ST_OFFLOAD_RESUME);
	gen_op_writes(g, &op);
	gen_adv(g, 5, 60);
	gen_op_complete(g, &op);
	v[1]->linker = 0;
	gen_traffic(g, v[3], 1);
	gen_adv(g, 300, 2000);
	gen_terminate(g, &v[2], 2);
	gen_term_up(g, v, 2);
}

/* L2: a terminate fails; retrieve, abort, then a terminate succeeds. */
void
scen_hw_failure(struct gen *g)
{
	struct node *v[3];
	uint64_t nbl[2];
	struct op op;

	gen_tree(g, v, 1);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 1);
	gen_adv(g, 100, 500);
	nbl[0] = gen_newnbl(g);
	gen_send_req(g, v[2], nbl[0]);
	gen_adv(g, 5, 50);
	nbl[1] = gen_newnbl(g);
	gen_send_req(g, v[2], nbl[1]);
	gen_adv(g, 20, 100);
	/* 1. terminate completes with FAILURE: the object is lost (L2) */
	v[2]->tst = OT_ST_FAILURE;
	gen_term1(g, v[2]);
	/* 2. retrieve, reason HardwareFailure; 3. abort */
	gen_adv(g, 10, 100);
	gen_tcp_event(g, v[2], OT_TCP_EV_RETRIEVE, OT_REASON_HARDWARE_FAILURE);
	gen_adv(g, 5, 50);
	gen_tcp_event(g, v[2], OT_TCP_EV_ABORT, 0);
	/* 4. the next terminate: outstanding sends complete aborted */
	gen_adv(g, 50, 400);
	v[2]->tst = OT_ST_SUCCESS;
	gen_op_request(g, &op, OT_KIND_TERMINATE, "nic0", "target",
		       &v[2], 1, 0);
	gen_adv(g, 5, 50);
	gen_send_done(g, v[2], nbl[0], OT_ST_REQUEST_ABORTED);
	g->t += TICK;
	gen_send_done(g, v[2], nbl[1], OT_ST_REQUEST_ABORTED);
	/* 5. terminate completes with SUCCESS */
	gen_adv(g, 5, 50);
	gen_op_complete(g, &op);
	gen_adv(g, 10, 200);
	gen_term_up(g, v, 2);
}
