/*
 * scen_wire.c - scenarios of the capture rules (doc/rules.md 5), written
 * with --pcap or --pcapng: wire-close (W1), host-traffic (W2), syn-delay
 * (W3).  They set what their connections' packets show; gen_capture.c
 * puts the packets there.
 */
#include "gen_int.h"

/*
 * W1: two connections close on the wire while offloaded; one offload is
 * terminated 1.5 s later (within the 2 s grace), the other never: a W1
 * leak.  A wire capture sees the closing segments inside the offload
 * windows, so W2 is found for both too.
 */
void
scen_wire_close(struct gen *g)
{
	struct node *v[4];

	gen_tree(g, v, 2);
	gen_offload(g, v, 4);
	gen_traffic(g, v[2], 1);
	gen_traffic(g, v[3], 1);
	gen_adv(g, 300, 2000);
	v[2]->t_wire = g->t;		/* FIN both ways */
	gen_adv(g, 5000, 20000);
	v[3]->t_wire = g->t;		/* RST */
	v[3]->wire_rst = 1;
	gen_adv(g, 1500000, 1500000);
	gen_term1(g, v[3]);
	gen_adv(g, 1500000, 2000000);
	/* the trace goes on past the grace of both closes */
	gen_status_ind(g, "nic0", OT_ST_OFFLOAD_PAUSE);
	gen_adv(g, 10, 100);
	gen_status_ind(g, "nic0", OT_ST_OFFLOAD_RESUME);
	/* v[2] leaked by its wire close; v[0], v[1] live */
}

/* W2: segments of an offloaded connection seen by a host capture. */
void
scen_host_traffic(struct gen *g)
{
	struct node *v[4];

	gen_tree(g, v, 2);
	gen_offload(g, v, 4);
	gen_traffic(g, v[2], 2);
	gen_adv(g, 100, 500);
	v[2]->t_inside = g->t;		/* not really offloaded */
	v[2]->n_inside = 5;
	gen_adv(g, 500, 1000);
	gen_traffic(g, v[3], 1);
	gen_adv(g, 300, 2000);
	gen_terminate(g, &v[2], 2);
	gen_term_up(g, v, 2);
}

/* W3: five connections with known SYN leads before one initiate. */
void
scen_syn_delay(struct gen *g)
{
	static const int64_t lead[5] = { 250000, 1200000, 3400000, 10000000,
					 40000000 };
	struct node *v[7];
	unsigned i;

	gen_tree(g, v, 5);
	for (i = 0; i < 5; i++)
		v[2 + i]->syn_lead = lead[i];
	gen_offload(g, v, 7);
	for (i = 0; i < 5; i++)
		gen_traffic(g, v[2 + i], 1);
	gen_adv(g, 300, 2000);
	gen_terminate(g, &v[2], 5);
	gen_term_up(g, v, 2);
}
