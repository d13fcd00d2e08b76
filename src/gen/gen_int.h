/*
 * gen_int.h - what the files of offtrace gen share, private to src/gen/:
 * the generator's state (one scenario being written), its objects, the
 * conventions every generated trace follows, and what each file offers
 * to the files above it (gen.c lists the layers).
 *
 * Conventions of the generated traces:
 *   - ts are 1700000000000000000 + an offset, always a multiple of 100 ns
 *     (the resolution of an ETW QPC/FILETIME clock), so latencies can be
 *     kept in a fixed-size histogram whatever the trace length;
 *   - requests are logged by the host thread (pid 4, tid 3120 or a host
 *     worker), context writes and completions by the target's DPC thread
 *     (tid 88 + cpu), so no completion ever looks synchronous (P3);
 *   - a block's handle is its slot - 8 (&NDIS_OFFLOAD_HANDLE, whose
 *     MiniportOffloadContext is at offset 8);
 *   - I/O requests carry the published PVOID as value, completions only the
 *     NBL, indications the handle;
 *   - a status indication carries its code both as "status" and "code".
 */
#ifndef OT_GEN_INT_H
#define OT_GEN_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "offtrace/event.h"

#define TS_BASE 1700000000000000000LL
#define TICK 100			/* ns: every time offset is a multiple */
#define MAX_NODES 32
#define MAX_VIOL 32
#define OB_SIZE (1u << 16)

#define HOST_TID 3120
#define HOST_CPU 1
#define DPC_TID 88
#define DPC_CPU 2
#define SYS_PID 4

/* An output buffer; failed once a write to f failed. */
struct obuf {
	FILE *f;
	size_t n;
	int failed;
	char b[OB_SIZE];
};

/* ---- deterministic PRNG (splitmix64) ----------------------------------- */

static inline uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static inline uint64_t
rng_range(uint64_t *s, uint64_t lo, uint64_t hi)
{
	return lo + rng_next(s) % (hi - lo + 1);
}

/* ---- latency accumulator ----------------------------------------------- */

struct lat {
	uint64_t count, sum, max;
	uint32_t *hist;		/* LAT_BUCKETS counts, allocated on first use */
};

/* ---- the generator ----------------------------------------------------- */

enum fate { F_PENDING, F_FAILED, F_LIVE, F_TERMINATED, F_LOST, F_LEAKED };

struct node {
	const char *state;	/* "neighbor", "ip4", "tcp" */
	const char *adapter;
	const char *layer;
	struct node *parent;
	uint64_t slot, handle, ptr;	/* ptr: the PVOID the target publishes */
	uint64_t block;		/* block pointer in the current request */
	int tup;		/* tcp: tuple number */
	uint32_t st;		/* initiate status */
	int linker;		/* a linker block in the current initiate */
	int wmode;		/* enum wmode */
	int dup;		/* complete this block twice */
	uint32_t tst;		/* terminate status */
	enum fate fate;
	int registered;
	/* times of its life, for the capture (T_NONE: never) */
	int64_t t_before;	/* last event before its initiate request */
	int64_t t_init, t_done, t_term_req, t_term_done;
	int init_ok;
	/* what the scenario wants its connection's packets to show */
	int64_t syn_lead;	/* SYN this long before the initiate; 0: auto */
	int64_t t_inside;	/* W2: host-visible data segments from here */
	unsigned n_inside;
	int64_t t_wire;		/* W1: closed on the wire here (FIN both ways) */
	int wire_rst;		/* ... or by a RST */
};

#define T_NONE INT64_MIN

enum wmode { W_AUTO, W_NONE, W_LATE, W_FAIL };

struct viol {
	const char *rule;
	uint64_t slot;		/* 0 = null */
};

struct leak {
	uint64_t slot;
	const char *reason;
};

struct sum {
	uint64_t objects, offloaded, failed, terminated, lost, live_at_end,
		leaked;
};

struct gen_stream;

/*
 * A connection of a streamed capture (scale): its addresses, ports and
 * the next sequence number each way.
 */
struct gen_conn {
	uint8_t a[4], b[4];
	uint16_t sport, dport;
	uint32_t seq[2];
	int64_t t_syn;		/* when its SYN was sent */
};

struct gen {
	struct obuf *o;
	uint64_t rng;
	int64_t t;		/* current time offset, ns */
	int64_t last_ts;	/* last written offset */
	int order_bad;
	uint64_t next_slot, next_ptr, next_block, next_nbl;
	struct lat lat[OT_KIND_COUNT];
	struct sum sum;
	struct node nodes[MAX_NODES];
	unsigned nnodes;
	struct viol viol[MAX_VIOL];
	unsigned nviol;
	struct leak leaks[MAX_NODES];
	unsigned nleaks;
	uint64_t nev;		/* events written */
	/* the capture (doc/rules.md 5) */
	int64_t *w3;		/* SYN-to-offload delays, exact ns */
	size_t nw3;
	uint64_t flows, joined;
	uint64_t objects;	/* scale: tcp objects to write */
	/* the capture files asked for; a scenario that streams its capture
	 * (scale) writes them itself and sets cap_streamed */
	FILE *cap_pcap, *cap_pcapng;
	int64_t cap_skew;
	int cap_streamed, cap_failed;
	struct gen_stream *stream;
};

/* One event to write; fields with a zero has-bit are left out. */
struct gev {
	int64_t ts;
	const char *ev;
	const char *adapter;
	const char *layer;
	int cpu, tid;
	uint32_t has;		/* OT_HAS_* */
	uint64_t root, block, parent, slot, handle, value, nbl;
	const char *state;
	uint32_t status;
	int64_t code, reason;
	int tup;		/* tuple number when OT_HAS_TUPLE */
	const char *tsrc, *tdst;	/* override tuple addresses (scale) */
};

/* An operation in progress (requests written, completions not yet). */
struct op {
	enum ot_kind kind;
	const char *adapter, *layer;
	uint64_t root;
	int64_t t0;
	struct node *v[MAX_NODES];
	unsigned n;
};

static inline int
is_success(uint32_t st)
{
	return st == OT_ST_SUCCESS || st == OT_ST_PARTIAL_SUCCESS;
}

/* ---- gen_core.c: writer, clock, ids and truth ------------------------- */

struct gen *gen_new(FILE *ev, uint64_t rng);
int gen_flush(struct gen *g);
void gen_free(struct gen *g);

void gen_tuple_addr(int n, char *src, size_t srclen, char *dst, size_t dstlen);
void gen_emit(struct gen *g, const struct gev *e);
void gen_base_ev(struct gev *e, const struct gen *g, const char *ev,
		 const char *adapter, const char *layer, int host);

void gen_adv(struct gen *g, unsigned lo_us, unsigned hi_us);
struct node *gen_mknode(struct gen *g, const char *adapter, const char *layer,
			const char *state, struct node *parent);
uint64_t gen_newblock(struct gen *g);
uint64_t gen_newnbl(struct gen *g);

void gen_lat_add(struct gen *g, enum ot_kind k, int64_t d);
void gen_viol(struct gen *g, const char *rule, uint64_t slot);
void gen_leak(struct gen *g, uint64_t slot, const char *reason);
int gen_write_truth(struct gen *g, FILE *f, const char *scenario, uint64_t seed,
		    int with_capture);

/* ---- gen_ops.c: the steps of a scenario ------------------------------- */

void gen_op_request(struct gen *g, struct op *op, enum ot_kind kind,
		    const char *adapter, const char *layer, struct node **v,
		    unsigned n, int shared_blocks);
void gen_ctx_write(struct gen *g, const char *adapter, const char *layer,
		   uint64_t slot, uint64_t value);
void gen_op_writes(struct gen *g, struct op *op);
void gen_op_complete(struct gen *g, struct op *op);
void gen_offload(struct gen *g, struct node **v, unsigned n);
void gen_terminate(struct gen *g, struct node **v, unsigned n);
void gen_term1(struct gen *g, struct node *x);
void gen_term_up(struct gen *g, struct node **v, unsigned n);
void gen_send_req(struct gen *g, struct node *x, uint64_t nbl);
void gen_send_done(struct gen *g, struct node *x, uint64_t nbl, uint32_t st);
void gen_traffic(struct gen *g, struct node *x, unsigned nsends);
void gen_tcp_event(struct gen *g, struct node *x, int64_t code, int64_t reason);
void gen_status_ind(struct gen *g, const char *adapter, uint32_t code);
void gen_recv_indicate(struct gen *g, struct node *x);
void gen_neighbor_query(struct gen *g, struct node *x);
void gen_halt(struct gen *g, const char *adapter);
void gen_leak_live(struct gen *g, const char *adapter, const char *reason);
void gen_tree(struct gen *g, struct node **v, unsigned ntcp);

/* ---- gen_capture.c: the packets of the connections -------------------- */

struct ot_gen_opts;
int gen_capture(struct gen *g, const struct ot_gen_opts *o);

/*
 * A capture streamed while the scenario runs, for scenarios too large to
 * keep their connections (scale), with the same packets gen_capture()
 * puts around a node: the handshake between the event before the
 * initiate and the initiate, data and FIN each way 100 us after the
 * terminate completes (or after a failed initiate completes).  Segments
 * wait in a heap until no later connection can put one before them, so
 * memory follows the connections closing, not the trace.  Nothing
 * happens unless g->cap_pcap or g->cap_pcapng is set.
 *   gen_stream_begin()  at the start of the scenario
 *   gen_stream_open()   before the connection's initiate request is
 *                       written (the handshake; a flow and a join of the
 *                       truth)
 *   gen_stream_done()   at its initiate completion (ok: W3's delay into
 *                       the truth; failed: the close)
 *   gen_stream_close()  at its terminate completion
 *   gen_stream_flush()  after each step: write what can no longer move
 *   gen_stream_end()    at the end: the rest; cap_failed on a write error
 */
void gen_stream_begin(struct gen *g);
void gen_stream_open(struct gen *g, struct gen_conn *c, int tup, const char *src,
		     const char *dst, int64_t t_init);
void gen_stream_done(struct gen *g, struct gen_conn *c, int64_t t_done, int ok);
void gen_stream_close(struct gen *g, struct gen_conn *c, int64_t t_term_done);
void gen_stream_flush(struct gen *g);
void gen_stream_end(struct gen *g);

/* ---- the scenarios (scen_*.c), listed in gen.c ------------------------ */

/* scen_basic.c */
void scen_clean(struct gen *g);
void scen_partial(struct gen *g);
void scen_late_write(struct gen *g);
void scen_missing_write(struct gen *g);
void scen_write_on_failure(struct gen *g);
void scen_double_complete(struct gen *g);
void scen_parent_first(struct gen *g);
void scen_use_after_terminate(struct gen *g);
void scen_bad_status(struct gen *g);
void scen_hostile(struct gen *g);

/* scen_lifecycle.c */
void scen_hang(struct gen *g);
void scen_leak_end(struct gen *g);
void scen_leak_halt(struct gen *g);
void scen_upload_all(struct gen *g);
void scen_pause_resume(struct gen *g);
void scen_hw_failure(struct gen *g);

/* scen_layers.c */
void scen_im_stack(struct gen *g);
void scen_host_tcpip(struct gen *g);

/* scen_wire.c */
void scen_wire_close(struct gen *g);
void scen_host_traffic(struct gen *g);
void scen_syn_delay(struct gen *g);

/*
 * scen_scale.c: an object's addresses take SC_OBJ_STRIDE bytes of a
 * 16 GiB range, which bounds --objects.
 */
#define SC_OBJ_STRIDE 0x400ull
#define SC_MAX_OBJECTS (0x0000000400000000ull / SC_OBJ_STRIDE)
void scen_scale(struct gen *g);

#endif
