/*
 * gen.c - synthetic traces with a ground truth (offtrace gen): the list of
 * scenarios and ot_gen_write(), which runs one, then its capture and its
 * truth.
 *
 * Every scenario builds a small chimney history by hand (or, for "scale",
 * by a streaming simulation) and writes it as normalized events
 * (DESIGN.md section 2), one JSON object per line.  While it builds, it
 * records what the analysis must find per doc/rules.md: summary counts,
 * the latency of every completed operation, violations and leaks.  The
 * truth is never obtained by running the engine.
 *
 * The files of src/gen/, each calling only the ones below it:
 *   gen.c           this list and ot_gen_write()
 *   scen_*.c        the scenarios, a short function each
 *   gen_capture.c   the packets of their connections (--pcap, --pcapng,
 *                   --pktmon, --netsh)
 *   gen_ops.c       the steps scenarios are written in
 *   gen_core.c      event writer, clock, ids, the truth and its file
 * gen_int.h declares what they share, with the trace conventions.
 */
#include "offtrace/gen.h"

#include <string.h>

#include "gen_int.h"

/*
 * The scenarios, in the order of gen --list: name, the function writing
 * it, what it shows (one line).  The order is part of the output, since a
 * scenario's place in it seeds its jitter.  Both the public list and the
 * functions are expanded from these lines, so they cannot disagree.
 */
#define SCENARIOS(S) \
	S("clean", scen_clean, \
	  "neighbor->path->tcp offloaded, sends, terminated tcp/path/neighbor; no violations") \
	S("partial", scen_partial, \
	  "DOMAIN 2.4 partial tree (N1,P1 PARTIAL; T1 ok; T2,P2,T3 failed): 3 failed objects, no violations") \
	S("late-write", scen_late_write, \
	  "tcp context written after the initiate completion: C1") \
	S("missing-write", scen_missing_write, \
	  "tcp initiate succeeds, context never written (seen at its terminate): C1") \
	S("write-on-failure", scen_write_on_failure, \
	  "tcp block fails with RESOURCES but the target wrote its slot: C1") \
	S("double-complete", scen_double_complete, \
	  "neighbor block of an initiate completed twice while the op is open: P1") \
	S("hang", scen_hang, \
	  "terminate of the tcp object never completes (a neighbor query follows): P1; tcp, path, neighbor live_at_end leaks") \
	S("parent-first", scen_parent_first, \
	  "path terminated while its tcp child is live: T3") \
	S("use-after-terminate", scen_use_after_terminate, \
	  "recv_indicate on the tcp handle after its terminate completed: U2") \
	S("bad-status", scen_bad_status, \
	  "leaf tcp initiate block completes with PARTIAL_SUCCESS: S2") \
	S("leak-end", scen_leak_end, \
	  "neighbor, path and one tcp still offloaded at end: 3 leaks live_at_end, no violation") \
	S("leak-halt", scen_leak_halt, \
	  "adapter halt with neighbor, path and one tcp live: L1 x3, 3 leaks halt") \
	S("im-stack", scen_im_stack, \
	  "IM (mux0) over target (nic0), bottom-up writes, IM clears host slots at terminate; no violations") \
	S("upload-all", scen_upload_all, \
	  "upload-all drains tcp then path but leaves the neighbor before resume: L1 + leak upload_all") \
	S("pause-resume", scen_pause_resume, \
	  "pause, in-flight initiate (linker path + tcp) accepted, resume, completed; no violations") \
	S("hw-failure", scen_hw_failure, \
	  "terminate FAILURE (L2 warning), retrieve 11, abort, sends REQUEST_ABORTED, terminate SUCCESS") \
	S("scale", scen_scale, \
	  "--objects N tcp objects (1 in 50 fail to offload) under 6 paths/2 neighbors, streamed; no violations") \
	S("host-tcpip", scen_host_tcpip, \
	  "host view (as .etl: TCPIP 1099 records): 6 connections, 1 fails, 4 uploaded, 1 live_at_end leak") \
	S("hostile", scen_hostile, \
	  "adapter names with markup, a quote, </svg>, a control character and invalid UTF-8: C1, 3 live_at_end leaks") \
	S("wire-close", scen_wire_close, \
	  "with --pcap: one tcp closed by FIN on the wire and never terminated (W1 leak wire_close), one by RST and terminated within the grace; W2 for both") \
	S("host-traffic", scen_host_traffic, \
	  "with --pcap: host-visible segments inside a tcp offload window: W2") \
	S("syn-delay", scen_syn_delay, \
	  "with --pcap: five connections whose SYN leads the initiate by 0.25, 1.2, 3.4, 10 and 40 ms: W3 latency")

#define SCENARIO_NAME(name, run, summary) { name, summary },
#define SCENARIO_RUN(name, run, summary) run,

const struct ot_gen_scenario ot_gen_scenarios[] = { SCENARIOS(SCENARIO_NAME) };
const unsigned ot_gen_nscenarios =
	sizeof(ot_gen_scenarios) / sizeof(ot_gen_scenarios[0]);

static void (*const scenario_run[])(struct gen *) = { SCENARIOS(SCENARIO_RUN) };

int
ot_gen_write(const char *scenario, const struct ot_gen_opts *o, FILE *ev,
	     FILE *truth, struct ot_err *err)
{
	struct gen *g = NULL;
	int with_capture = 0;
	uint64_t seed = o ? o->seed : 1;
	uint64_t nobj = o && o->objects ? o->objects : 1000;
	unsigned i;
	int sc = -1, rc = -1;

	for (i = 0; i < ot_gen_nscenarios; i++)
		if (!strcmp(scenario, ot_gen_scenarios[i].name))
			sc = (int)i;
	if (sc < 0)
		return ot_errorf(err, OT_EUSAGE,
				 "unknown scenario '%s' (see offtrace gen --list)",
				 scenario);
	if (nobj > SC_MAX_OBJECTS)
		return ot_errorf(err, OT_EUSAGE,
				 "too many objects: objects=%llu, max=%llu",
				 (unsigned long long)nobj,
				 (unsigned long long)SC_MAX_OBJECTS);

	/* different seeds give different streams; the scenario name is mixed
	 * in so scenarios sharing a seed do not share their jitter */
	/* scale keeps no nodes to build an .etl capture from afterwards */
	if (o && (o->pktmon || o->netsh) && strcmp(scenario, "scale") == 0)
		return ot_errorf(err, OT_EUSAGE,
				 "scale writes its capture as it goes: --pcap and --pcapng, not --pktmon or --netsh");
	g = gen_new(ev, seed * 0xd1b54a32d192ed03ull + (uint64_t)sc);
	g->objects = nobj;
	if (o) {
		g->cap_pcap = o->pcap;
		g->cap_pcapng = o->pcapng;
		g->cap_skew = o->pcap_skew;
	}
	scenario_run[sc](g);
	if (o && (o->pcap || o->pcapng || o->pktmon || o->netsh)) {
		/* scale streamed its capture; the others are built from their nodes */
		if (g->cap_streamed ? g->cap_failed : gen_capture(g, o) < 0) {
			ot_errorf(err, OT_EINTERNAL,
				  "cannot write the capture: scenario=%s",
				  scenario);
			goto out;
		}
		with_capture = 1;
	}
	/* whatever is still offloaded is a live_at_end leak (no violation);
	 * "leaked" counts leaks of every reason (doc/rules.md 3) */
	for (i = 0; i < g->nnodes; i++)
		if (g->nodes[i].fate == F_LIVE) {
			g->sum.live_at_end++;
			g->sum.leaked++;
			gen_leak(g, g->nodes[i].slot, "live_at_end");
		}
	if (gen_flush(g) < 0) {
		ot_errorf(err, OT_EINTERNAL, "cannot write events: scenario=%s",
			  scenario);
		goto out;
	}
	if (g->order_bad) {
		ot_errorf(err, OT_EINTERNAL,
			  "generator bug: events out of time order or latency out of range: scenario=%s",
			  scenario);
		goto out;
	}
	if (truth &&
	    gen_write_truth(g, truth, scenario, seed, with_capture) < 0) {
		ot_errorf(err, OT_EINTERNAL, "cannot write truth: scenario=%s",
			  scenario);
		goto out;
	}
	rc = 0;
out:
	gen_free(g);
	return rc;
}
