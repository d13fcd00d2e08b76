/*
 * scen_basic.c - scenarios of one offload tree on one target, each showing
 * one rule (doc/rules.md) or none: clean, partial, late-write,
 * missing-write, write-on-failure, double-complete, parent-first,
 * use-after-terminate, bad-status; and hostile, three trees on adapters
 * whose names test the reports' escaping.
 */
#include "gen_int.h"

/* One tree offloaded, used and terminated leaf to root: no violation. */
void
scen_clean(struct gen *g)
{
	struct node *v[3];

	gen_tree(g, v, 1);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 3);
	gen_adv(g, 500, 3000);
	gen_term1(g, v[2]);
	gen_adv(g, 10, 200);
	gen_term1(g, v[1]);
	gen_adv(g, 10, 200);
	gen_term1(g, v[0]);
}

/* The partial tree of DOMAIN.md 2.4: three objects fail, no violation. */
void
scen_partial(struct gen *g)
{
	struct node *v[6];

	/* DOMAIN.md 2.4: N1 PARTIAL, P1 PARTIAL, T1 SUCCESS, T2 RESOURCES,
	 * P2 FAILURE, T3 FAILURE, in depth-first order */
	v[0] = gen_mknode(g, "nic0", "target", "neighbor", NULL);
	v[1] = gen_mknode(g, "nic0", "target", "ip4", v[0]);
	v[2] = gen_mknode(g, "nic0", "target", "tcp", v[1]);
	v[3] = gen_mknode(g, "nic0", "target", "tcp", v[1]);
	v[4] = gen_mknode(g, "nic0", "target", "ip4", v[0]);
	v[5] = gen_mknode(g, "nic0", "target", "tcp", v[4]);
	v[0]->st = OT_ST_PARTIAL_SUCCESS;
	v[1]->st = OT_ST_PARTIAL_SUCCESS;
	v[2]->st = OT_ST_SUCCESS;
	v[3]->st = OT_ST_RESOURCES;
	v[4]->st = OT_ST_FAILURE;
	v[5]->st = OT_ST_FAILURE;
	gen_offload(g, v, 6);
	gen_traffic(g, v[2], 2);
	gen_adv(g, 300, 2000);
	gen_term1(g, v[2]);
	gen_adv(g, 10, 200);
	gen_term1(g, v[1]);
	gen_adv(g, 10, 200);
	gen_term1(g, v[0]);
}

/* C1: the tcp context is written after the initiate completed. */
void
scen_late_write(struct gen *g)
{
	struct node *v[3];

	gen_tree(g, v, 1);
	v[2]->wmode = W_LATE;
	gen_viol(g, "C1", v[2]->slot);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 1);
	gen_adv(g, 300, 2000);
	gen_term_up(g, v, 3);
}

/* C1: the tcp offload succeeds, its context is never written. */
void
scen_missing_write(struct gen *g)
{
	struct node *v[3];

	gen_tree(g, v, 1);
	v[2]->wmode = W_NONE;
	gen_viol(g, "C1", v[2]->slot);	/* decided at the terminate request */
	gen_offload(g, v, 3);
	gen_adv(g, 300, 2000);
	gen_term_up(g, v, 3);
}

/* C1: the tcp block fails with RESOURCES, yet its slot is written. */
void
scen_write_on_failure(struct gen *g)
{
	struct node *v[3];

	gen_tree(g, v, 1);
	v[1]->st = OT_ST_PARTIAL_SUCCESS;	/* its only dependent failed */
	v[2]->st = OT_ST_RESOURCES;
	v[2]->wmode = W_FAIL;
	gen_viol(g, "C1", v[2]->slot);
	gen_offload(g, v, 3);
	gen_adv(g, 300, 2000);
	gen_term_up(g, v, 2);
}

/* P1: the neighbor block completes twice while the initiate is open. */
void
scen_double_complete(struct gen *g)
{
	struct node *v[3];

	gen_tree(g, v, 1);
	v[0]->dup = 1;	/* neighbor block completed twice, op still open */
	gen_viol(g, "P1", v[0]->slot);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 1);
	gen_adv(g, 300, 2000);
	gen_term_up(g, v, 3);
}

/* T3: the path is terminated while its tcp child is offloaded. */
void
scen_parent_first(struct gen *g)
{
	struct node *v[3];

	gen_tree(g, v, 1);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 1);
	gen_adv(g, 300, 2000);
	gen_viol(g, "T3", v[1]->slot);
	gen_term1(g, v[1]);
	gen_adv(g, 50, 500);
	gen_term1(g, v[2]);
	gen_term1(g, v[0]);
}

/* U2: a receive indication on the tcp handle after its terminate. */
void
scen_use_after_terminate(struct gen *g)
{
	struct node *v[3];

	gen_tree(g, v, 1);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 2);
	gen_adv(g, 300, 2000);
	gen_term_up(g, v, 3);
	/* receive indication on the tcp object's handle after its terminate
	 * completed */
	gen_adv(g, 20, 300);
	gen_recv_indicate(g, v[2]);
	gen_viol(g, "U2", v[2]->slot);
}

/* S2: a leaf tcp block completes with PARTIAL_SUCCESS. */
void
scen_bad_status(struct gen *g)
{
	struct node *v[3];

	gen_tree(g, v, 1);
	v[2]->st = OT_ST_PARTIAL_SUCCESS;	/* a leaf tcp block: S2 */
	gen_viol(g, "S2", v[2]->slot);
	gen_offload(g, v, 3);
	gen_traffic(g, v[2], 1);
	gen_adv(g, 300, 2000);
	gen_term_up(g, v, 3);
}

/*
 * Hostile adapter names for the HTML report's escaping: markup, a quote
 * breaking out of an attribute, the end of the SVG, a control character
 * (BEL, a JSON escape) and invalid UTF-8 (raw bytes 0xff 0xfe and a lone
 * continuation byte, which cJSON and the chimney decoder keep as bytes).
 * The strings are written into the JSON lines as they are here, so they
 * are JSON-escaped already.  One tree terminates cleanly, one has a late
 * context write (C1), one stays offloaded (3 live_at_end leaks).
 */
#define HOSTILE_A "<script>alert(1)</script>"
#define HOSTILE_B "\\\"><img src=x onerror=alert(1)>"
#define HOSTILE_C "</svg>\\u0007bell\xff\xfe\x80" "end"

void
scen_hostile(struct gen *g)
{
	static const char *const names[3] = { HOSTILE_A, HOSTILE_B, HOSTILE_C };
	struct node *v[3][3];
	int i;

	for (i = 0; i < 3; i++) {
		v[i][0] = gen_mknode(g, names[i], "target", "neighbor", NULL);
		v[i][1] = gen_mknode(g, names[i], "target", "ip4", v[i][0]);
		v[i][2] = gen_mknode(g, names[i], "target", "tcp", v[i][1]);
	}
	v[1][2]->wmode = W_LATE;
	gen_viol(g, "C1", v[1][2]->slot);
	for (i = 0; i < 3; i++) {
		gen_offload(g, v[i], 3);
		gen_traffic(g, v[i][2], 2);
		gen_adv(g, 100, 500);
	}
	for (i = 0; i < 2; i++) {
		gen_adv(g, 300, 2000);
		gen_term1(g, v[i][2]);
		gen_adv(g, 10, 200);
		gen_term1(g, v[i][1]);
		gen_adv(g, 10, 200);
		gen_term1(g, v[i][0]);
	}
	gen_adv(g, 1000, 3000);
	/* the third tree is live at end */
}
