/*
 * test_engine.c - unit tests of the lifetime engine: events in, sink
 * records checked.  No framework; last line "test_engine: N passed, M failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "offtrace/engine.h"
#include "offtrace/event.h"
#include "offtrace/util.h"

static int npass, nfail;

#define CHECK(c) do { \
	if (c) { \
		npass++; \
	} else { \
		nfail++; \
		printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); \
	} \
} while (0)

#define MAXREC 64

struct rec {
	struct ot_object_rec obj[MAXREC];
	size_t nobj;
	struct ot_op_rec op[MAXREC];
	size_t nop;
	struct ot_block_rec blk0[MAXREC];	/* first block of each op */
	struct ot_write_rec wr[MAXREC];
	size_t nwr;
	struct ot_violation_rec v[MAXREC];
	size_t nv;
	struct ot_leak_rec leak[MAXREC];
	size_t nleak;
	struct ot_rule_rec rule[OT_R_COUNT];
	size_t nrule;
	struct ot_flow flow[8];
	size_t nflow;
	struct ot_drop_rec drop[8];
	size_t ndrop;
	int keep;		/* store records (0: count only) */
	uint64_t count;
};

static int
s_obj(void *c, const struct ot_object_rec *o)
{
	struct rec *r = c;

	r->count++;
	if (r->keep && r->nobj < MAXREC)
		r->obj[r->nobj++] = *o;
	return 0;
}

static int
s_op(void *c, const struct ot_op_rec *op)
{
	struct rec *r = c;

	r->count++;
	if (r->keep && r->nop < MAXREC) {
		if (op->nblocks)
			r->blk0[r->nop] = op->blocks[0];
		r->op[r->nop] = *op;
		r->op[r->nop++].blocks = NULL;
	}
	return 0;
}

static int
s_write(void *c, const struct ot_write_rec *w)
{
	struct rec *r = c;

	r->count++;
	if (r->keep && r->nwr < MAXREC)
		r->wr[r->nwr++] = *w;
	return 0;
}

static int
s_viol(void *c, const struct ot_violation_rec *v)
{
	struct rec *r = c;

	r->count++;
	if (r->keep && r->nv < MAXREC)
		r->v[r->nv++] = *v;
	return 0;
}

static int
s_leak(void *c, const struct ot_leak_rec *l)
{
	struct rec *r = c;

	r->count++;
	if (r->keep && r->nleak < MAXREC)
		r->leak[r->nleak++] = *l;
	return 0;
}

static int
s_rule(void *c, const struct ot_rule_rec *rr)
{
	struct rec *r = c;

	if (r->nrule < OT_R_COUNT)
		r->rule[r->nrule++] = *rr;
	return 0;
}

static int
s_flow(void *c, const struct ot_flow *f)
{
	struct rec *r = c;

	if (r->nflow < 8)
		r->flow[r->nflow++] = *f;
	return 0;
}

static int
s_drop(void *c, const struct ot_drop_rec *d)
{
	struct rec *r = c;

	if (r->ndrop < 8)
		r->drop[r->ndrop++] = *d;
	return 0;
}

static const struct ot_sink sink = {
	s_obj, s_op, s_write, s_viol, s_leak, s_rule, s_flow, s_drop
};

/* ---- event builders ---- */

static struct ot_engine *E;
static uint64_t next_id;
static int64_t now;
static const char *ADAPTER = "nic0";

#define BLK(i) (0xffffe00100001000ull + 0x100ull * (i))
#define SLOT(i) (0xffffe00200002008ull + 0x100ull * (i))
#define VAL(i) (0xffffe00300003000ull + 0x100ull * (i))

static struct ot_event
mk(enum ot_ev ev)
{
	struct ot_event e;

	memset(&e, 0, sizeof(e));
	e.id = ++next_id;
	now += 1000;
	e.ts = now;
	e.ev = ev;
	e.adapter = ADAPTER;
	return e;
}

static void
feed(struct ot_event *e)
{
	if (ot_engine_feed(E, e) != 0) {
		nfail++;
		printf("FAIL: ot_engine_feed of event %llu\n",
		       (unsigned long long)e->id);
	}
}

static void
req(enum ot_ev ev, uint64_t root, uint64_t block, uint64_t parent,
    enum ot_state st, uint64_t slot)
{
	struct ot_event e = mk(ev);

	e.root = root;
	e.block = block;
	e.has = OT_HAS_ROOT | OT_HAS_BLOCK | OT_HAS_SLOT;
	e.slot = slot;
	if (parent) {
		e.parent = parent;
		e.has |= OT_HAS_PARENT;
	}
	if (st) {
		e.state = st;
		e.has |= OT_HAS_STATE;
	}
	feed(&e);
}

static void
done(enum ot_ev ev, uint64_t root, uint64_t block, uint32_t status)
{
	struct ot_event e = mk(ev);

	e.root = root;
	e.block = block;
	e.status = status;
	e.has = OT_HAS_ROOT | OT_HAS_BLOCK | OT_HAS_STATUS;
	feed(&e);
}

static void
wr(uint64_t slot, uint64_t value)
{
	struct ot_event e = mk(OT_EV_CTX_WRITE);

	e.slot = slot;
	e.value = value;
	e.has = OT_HAS_SLOT | OT_HAS_VALUE;
	feed(&e);
}

static void
simple(enum ot_ev ev)
{
	struct ot_event e = mk(ev);

	feed(&e);
}

/* neighbor(0) -> ip4(1) -> tcp(2), written inside, all SUCCESS */
static void
offload_tree(void)
{
	int i;
	static const enum ot_state st[3] = { OT_STATE_NEIGHBOR, OT_STATE_IP4, OT_STATE_TCP };

	for (i = 0; i < 3; i++)
		req(OT_EV_INITIATE, BLK(0), BLK(i), i ? BLK(i - 1) : 0, st[i], SLOT(i));
	for (i = 0; i < 3; i++)
		wr(SLOT(i), VAL(i));
	for (i = 2; i >= 0; i--)
		done(OT_EV_INITIATE_DONE, BLK(0), BLK(i), OT_ST_SUCCESS);
}

static void
start(struct rec *r, uint64_t capacity)
{
	struct ot_engine_opts o;

	memset(r, 0, sizeof(*r));
	r->keep = 1;
	memset(&o, 0, sizeof(o));
	o.tcp_capacity = capacity;
	next_id = 0;
	now = 1700000000000000000ll;
	E = ot_engine_new(&sink, r, &o);
}

static void
stop(void)
{
	CHECK(ot_engine_finish(E, now) == 0);
	ot_engine_free(E);
	E = NULL;
}

static size_t
nviol(const struct rec *r, enum ot_rule rule)
{
	size_t i, n = 0;

	for (i = 0; i < r->nv; i++)
		if (r->v[i].rule == rule)
			n++;
	return n;
}

/* ---- tests ---- */

static void
test_tables(void)
{
	int i;

	CHECK(ot_rule_from_id("C1") == OT_R_C1);
	CHECK(ot_rule_from_id("l4") == OT_R_L4);
	CHECK(ot_rule_from_id("X9") == -1);
	CHECK(ot_rule_from_id("C") == -1);
	CHECK(ot_rule_from_id("C12") == -1);
	for (i = 0; i < OT_R_COUNT; i++) {
		CHECK(ot_rules[i].id && strlen(ot_rules[i].id) == 2);
		CHECK(ot_rule_from_id(ot_rules[i].id) == i);
		CHECK(ot_rules[i].title && ot_rules[i].title[0] >= 'a' &&
		      ot_rules[i].title[0] <= 'z');
	}
	CHECK(strcmp(ot_fate_names[OT_FATE_LEAKED], "leaked") == 0);
	CHECK(strcmp(ot_leak_reason_names[OT_LEAK_UPLOAD_ALL], "upload_all") == 0);
	CHECK(strcmp(ot_wpos_names[OT_WPOS_INSIDE], "inside") == 0);
}

static void
test_lifecycle(void)
{
	struct rec r;
	size_t i;

	start(&r, 0);
	offload_tree();
	/* terminate the tcp, then clear its slot */
	req(OT_EV_TERMINATE, BLK(9), BLK(2), 0, OT_STATE_TCP, SLOT(2));
	done(OT_EV_TERMINATE_DONE, BLK(9), BLK(2), OT_ST_SUCCESS);
	wr(SLOT(2), 0);
	CHECK(r.nobj == 1);
	CHECK(r.nobj >= 1 && r.obj[0].id == 3 && r.obj[0].fate == OT_FATE_TERMINATED);
	CHECK(r.nobj >= 1 && r.obj[0].parent_id == 2 && r.obj[0].epoch == 1);
	CHECK(r.nobj >= 1 && r.obj[0].value == VAL(2) && r.obj[0].t_published != OT_T_NONE);
	stop();
	CHECK(r.nv == 0);
	CHECK(r.nop == 2);
	CHECK(r.nop == 2 && r.op[0].kind == OT_KIND_INITIATE && r.op[0].nblocks == 3);
	CHECK(r.nop == 2 && r.op[0].t_complete - r.op[0].t_request == 8000);
	CHECK(r.nop == 2 && r.blk0[0].role == OT_ROLE_NEW && r.blk0[0].object_id == 1);
	CHECK(r.nop == 2 && r.op[1].kind == OT_KIND_TERMINATE && r.blk0[1].object_id == 3);
	/* live at end: neighbor and path, in id order, each with a leak */
	CHECK(r.nobj == 3);
	CHECK(r.nobj == 3 && r.obj[1].id == 1 && r.obj[1].fate == OT_FATE_LIVE);
	CHECK(r.nobj == 3 && r.obj[2].id == 2 && r.obj[2].fate == OT_FATE_LIVE);
	CHECK(r.nleak == 2 && r.leak[0].object_id == 1 &&
	      r.leak[0].reason == OT_LEAK_LIVE_AT_END);
	/* writes: three inside the initiate, the clear after the terminate */
	CHECK(r.nwr == 4);
	for (i = 0; i < 3 && i < r.nwr; i++) {
		CHECK(r.wr[i].pos == OT_WPOS_INSIDE && r.wr[i].op_id == 1);
		CHECK(r.wr[i].old_value == 0 && r.wr[i].new_value == VAL(i));
		CHECK(r.wr[i].object_id == i + 1);
	}
	CHECK(r.nwr == 4 && r.wr[3].pos == OT_WPOS_AFTER && r.wr[3].op_id == 2 &&
	      r.wr[3].old_value == VAL(2) && r.wr[3].object_id == 3);
	/* rules: all reported in order, counts 0 */
	CHECK(r.nrule == OT_R_COUNT);
	for (i = 0; i < r.nrule; i++) {
		CHECK(r.rule[i].rule == (enum ot_rule)i);
		CHECK(r.rule[i].count == 0);
		CHECK(r.rule[i].checked ? r.rule[i].why_not == NULL :
		      r.rule[i].why_not != NULL);
	}
	CHECK(r.rule[OT_R_C1].checked && r.rule[OT_R_P1].checked &&
	      r.rule[OT_R_T3].checked && r.rule[OT_R_U2].checked);
	CHECK(!r.rule[OT_R_E2].checked && !r.rule[OT_R_L1].checked &&
	      !r.rule[OT_R_L4].checked);
}

static void
test_hang_and_orphan(void)
{
	struct rec r;

	start(&r, 0);
	req(OT_EV_INITIATE, BLK(0), BLK(0), 0, OT_STATE_NEIGHBOR, SLOT(0));
	done(OT_EV_QUERY_DONE, BLK(5), BLK(5), OT_ST_SUCCESS);
	CHECK(r.nv == 1 && r.v[0].rule == OT_R_P1 && r.v[0].nevents == 1 &&
	      r.v[0].events[0] == 2);
	stop();
	CHECK(nviol(&r, OT_R_P1) == 2);
	CHECK(r.nv == 2 && r.v[1].ts == 1700000000000001000ll && r.v[1].op_id == 1);
	CHECK(r.nv == 2 && strstr(r.v[1].message, "never completed") != NULL);
	CHECK(r.nop == 1 && r.op[0].t_complete == OT_T_NONE);
	CHECK(r.nobj == 1 && r.obj[0].fate == OT_FATE_PENDING);
	CHECK(r.rule[OT_R_P1].count == 2);
	/* no ctx_write at all: C1-C4 not checked, count 0 */
	CHECK(!r.rule[OT_R_C1].checked && r.rule[OT_R_C1].count == 0 &&
	      r.rule[OT_R_C1].why_not && strstr(r.rule[OT_R_C1].why_not, "ctx_write"));
}

static void
test_superseded(void)
{
	struct rec r;

	start(&r, 0);
	req(OT_EV_QUERY, BLK(0), BLK(0), 0, 0, 0);
	req(OT_EV_QUERY, BLK(0), BLK(1), BLK(0), 0, 0);
	done(OT_EV_QUERY_DONE, BLK(0), BLK(1), OT_ST_SUCCESS);
	done(OT_EV_QUERY_DONE, BLK(0), BLK(1), OT_ST_SUCCESS);	/* double */
	req(OT_EV_QUERY, BLK(0), BLK(0), 0, 0, 0);	/* new epoch: old one hangs */
	done(OT_EV_QUERY_DONE, BLK(0), BLK(0), OT_ST_SUCCESS);
	stop();
	CHECK(nviol(&r, OT_R_P1) == 2);
	CHECK(r.nop == 2 && r.op[0].epoch == 1 && r.op[1].epoch == 2);
	CHECK(r.nop == 2 && r.op[0].t_complete == OT_T_NONE &&
	      r.op[1].t_complete != OT_T_NONE);
}

static void
test_failed_and_halt(void)
{
	struct rec r;

	start(&r, 0);
	offload_tree();
	/* a second tcp under a linker for the path, which fails */
	{
		struct ot_event e = mk(OT_EV_INITIATE);

		e.root = e.block = BLK(1);
		e.slot = SLOT(1);
		e.value = VAL(1);
		e.state = OT_STATE_IP4;
		e.has = OT_HAS_ROOT | OT_HAS_BLOCK | OT_HAS_SLOT | OT_HAS_VALUE | OT_HAS_STATE;
		feed(&e);
	}
	req(OT_EV_INITIATE, BLK(1), BLK(3), BLK(1), OT_STATE_TCP, SLOT(3));
	done(OT_EV_INITIATE_DONE, BLK(1), BLK(3), OT_ST_RESOURCES);
	CHECK(r.nobj == 1 && r.obj[0].id == 4 && r.obj[0].fate == OT_FATE_FAILED &&
	      r.obj[0].parent_id == 2 && r.obj[0].initiate_status == OT_ST_RESOURCES);
	done(OT_EV_INITIATE_DONE, BLK(1), BLK(1), OT_ST_FAILURE);	/* linker, all failed */
	simple(OT_EV_HALT);
	CHECK(r.nobj == 4 && r.obj[1].fate == OT_FATE_LEAKED && r.obj[3].id == 3);
	CHECK(r.nleak == 3 && r.leak[0].reason == OT_LEAK_HALT);
	stop();
	CHECK(r.nobj == 4);
	CHECK(nviol(&r, OT_R_L1) == 3);
	CHECK(nviol(&r, OT_R_S2) == 0);
	CHECK(r.rule[OT_R_L1].checked && r.rule[OT_R_L1].count == 3);
}

static void
test_capacity_and_stats(void)
{
	struct rec r;
	struct ot_engine_stats st;

	start(&r, 1);
	offload_tree();
	ot_engine_stats(E, &st);
	CHECK(st.live_objects == 3 && st.open_ops == 0 && st.peak_open_ops == 1);
	CHECK(st.events == 9);
	stop();
	CHECK(r.rule[OT_R_L4].checked && r.rule[OT_R_L4].count == 0);
}

static void
test_unresolved(void)
{
	struct rec r;
	struct ot_engine_stats st;
	struct ot_event e;

	start(&r, 0);
	offload_tree();
	e = mk(OT_EV_SEND);
	e.handle = 0x1234;
	e.nbl = 0x5678;
	e.has = OT_HAS_HANDLE | OT_HAS_NBL;
	feed(&e);
	e = mk(OT_EV_SEND_DONE);
	e.nbl = 0x5678;
	e.has = OT_HAS_NBL;
	feed(&e);
	ot_engine_stats(E, &st);
	CHECK(st.unresolved == 1);
	stop();
	CHECK(r.nv == 0);
}

/* Many short lives: memory stays flat, and it is fast. */
static void
test_throughput(void)
{
	struct rec r;
	struct ot_engine_stats st;
	struct timespec t0, t1;
	double secs;
	uint64_t i, n = 200000, slot, blk;

	start(&r, 0);
	r.keep = 0;
	offload_tree();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		slot = 0xffffe00800000008ull + (i % 4096) * 0x100;
		blk = 0xffffe00900000000ull + (i % 512) * 0x100;
		req(OT_EV_INITIATE, blk, blk, 0, OT_STATE_NONE, slot);
		wr(slot, 0xffffe00a00000000ull + i);
		done(OT_EV_INITIATE_DONE, blk, blk, OT_ST_SUCCESS);
		req(OT_EV_TERMINATE, blk + 1, blk + 1, 0, OT_STATE_NONE, slot);
		done(OT_EV_TERMINATE_DONE, blk + 1, blk + 1, OT_ST_SUCCESS);
		wr(slot, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ot_engine_stats(E, &st);
	CHECK(st.live_objects == 3 && st.open_ops == 0);
	CHECK(st.peak_live_objects == 4 && st.peak_open_ops == 1);
	CHECK(st.violations == 0);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("test_engine: %.2f million events/s\n", (double)(n * 6) / secs / 1e6);
	stop();
	/* per life 2 writes, 2 ops, 1 object; the tree: 3 writes, 1 op, 3 live objects, 3 leaks */
	CHECK(r.count == n * 5 + 3 + 1 + 3 + 3);
}

/*
 * Regression (slot records kept forever): objects on ever-new slots whose
 * upper layer never clears the context used to keep one slot record each,
 * so memory grew with the trace.  The value now moves to the tombstone.
 */
static void
test_uncleared_slots_bounded(void)
{
	struct rec r;
	struct ot_engine_stats st;
	uint64_t i, n = OT_TOMBSTONES + 50000, slot, blk;

	start(&r, 0);
	r.keep = 0;
	offload_tree();
	for (i = 0; i < n; i++) {
		slot = 0xffffe00800000008ull + i * 0x100;
		blk = 0xffffe00900000000ull + (i % 512) * 0x100;
		req(OT_EV_INITIATE, blk, blk, 0, OT_STATE_NONE, slot);
		wr(slot, 0xffffe00a00000000ull + i);
		done(OT_EV_INITIATE_DONE, blk, blk, OT_ST_SUCCESS);
		req(OT_EV_TERMINATE, blk + 1, blk + 1, 0, OT_STATE_NONE, slot);
		done(OT_EV_TERMINATE_DONE, blk + 1, blk + 1, OT_ST_SUCCESS);
	}
	ot_engine_stats(E, &st);
	CHECK(st.slot_records < 100);
	CHECK(st.violations == 0);
	/* a write after terminate on a recent slot is still seen (C3) */
	wr(0xffffe00800000008ull + (n - 1) * 0x100, 0xffffe00b00000000ull);
	ot_engine_stats(E, &st);
	CHECK(st.violations >= 1);
	stop();
}

/* ---- packet captures: the join and W1-W3 ---- */

static uint8_t frame[64];

/* An Ethernet/IPv4/TCP frame from 10.0.0.<a>:<ap> to 10.0.0.<b>:<bp>. */
static void
mkframe(int a, uint16_t ap, int b, uint16_t bp, uint8_t flags, uint32_t seq)
{
	uint8_t *ip = frame + 14, *t = ip + 20;

	memset(frame, 0, sizeof(frame));
	frame[12] = 0x08;
	ip[0] = 0x45;
	ip[3] = 40;
	ip[8] = 64;
	ip[9] = 6;
	ip[12] = ip[16] = 10;
	ip[15] = (uint8_t)a;
	ip[19] = (uint8_t)b;
	t[0] = (uint8_t)(ap >> 8);
	t[1] = (uint8_t)ap;
	t[2] = (uint8_t)(bp >> 8);
	t[3] = (uint8_t)bp;
	t[4] = (uint8_t)(seq >> 24);
	t[7] = (uint8_t)seq;
	t[12] = 5 << 4;
	t[13] = flags;
}

static void
pkt(int64_t ts, int a, uint16_t ap, int b, uint16_t bp, uint8_t flags,
    uint32_t seq)
{
	struct ot_packet p;

	mkframe(a, ap, b, bp, flags, seq);
	memset(&p, 0, sizeof(p));
	p.ts = ts;
	p.linktype = 1;
	p.caplen = p.len = 54;
	p.data = frame;
	CHECK(ot_engine_packet(E, &p) == 0);
}

/* a packet a pktmon component dropped */
static void
drop_pkt(int64_t ts, int a, uint16_t ap, int b, uint16_t bp, uint8_t flags)
{
	static struct ot_pkt_meta m;
	struct ot_packet p;

	mkframe(a, ap, b, bp, flags, 1);
	memset(&m, 0, sizeof(m));
	m.drop = 1;
	m.component = 7;
	m.component_name = "a filter";
	m.dir_name = "Rx";
	m.drop_reason = 8;
	m.reason_name = "Filtered";
	m.drop_location = 0x1234;
	memset(&p, 0, sizeof(p));
	p.ts = ts;
	p.linktype = 1;
	p.caplen = p.len = 54;
	p.data = frame;
	p.meta = &m;
	CHECK(ot_engine_drop(E, &p, 3) == 0);
}

/* neighbor, path, then a tcp block whose tuple names the connection
 * from the server's side (the join is either direction) */
static void
offload_conn(int n)
{
	struct ot_event e;

	req(OT_EV_INITIATE, BLK(10 * n), BLK(10 * n), 0, OT_STATE_NEIGHBOR, SLOT(10 * n));
	req(OT_EV_INITIATE, BLK(10 * n), BLK(10 * n + 1), BLK(10 * n), OT_STATE_IP4,
	    SLOT(10 * n + 1));
	e = mk(OT_EV_INITIATE);
	e.root = BLK(10 * n);
	e.block = BLK(10 * n + 2);
	e.parent = BLK(10 * n + 1);
	e.state = OT_STATE_TCP;
	e.slot = SLOT(10 * n + 2);
	e.has = OT_HAS_ROOT | OT_HAS_BLOCK | OT_HAS_SLOT | OT_HAS_PARENT |
		OT_HAS_STATE | OT_HAS_TUPLE;
	snprintf(e.tuple.src, sizeof(e.tuple.src), "10.0.0.2");
	snprintf(e.tuple.dst, sizeof(e.tuple.dst), "10.0.0.1");
	e.tuple.sport = 445;
	e.tuple.dport = (uint16_t)(50000 + n);
	feed(&e);
	wr(SLOT(10 * n), VAL(10 * n));
	wr(SLOT(10 * n + 1), VAL(10 * n + 1));
	wr(SLOT(10 * n + 2), VAL(10 * n + 2));
	done(OT_EV_INITIATE_DONE, BLK(10 * n), BLK(10 * n + 2), OT_ST_SUCCESS);
	done(OT_EV_INITIATE_DONE, BLK(10 * n), BLK(10 * n + 1), OT_ST_SUCCESS);
	done(OT_EV_INITIATE_DONE, BLK(10 * n), BLK(10 * n), OT_ST_SUCCESS);
}

static void
test_capture(void)
{
	struct ot_engine_opts o;
	struct rec r;
	struct ot_engine_stats es;
	int64_t syn, t_done, close;
	size_t i, nleak_w1 = 0;

	memset(&r, 0, sizeof(r));
	r.keep = 1;
	memset(&o, 0, sizeof(o));
	o.grace_ns = 2000000000;
	next_id = 0;
	now = 1700000000000000000ll;
	E = ot_engine_new(&sink, &r, &o);
	/* connection 1: handshake, offload, a segment inside the window
	 * (W2), FIN both ways while offloaded, never terminated (W1) */
	syn = now + 100;
	pkt(syn, 1, 50001, 2, 445, 0x02, 1000);
	pkt(now + 200, 2, 445, 1, 50001, 0x12, 5000);
	pkt(now + 300, 1, 50001, 2, 445, 0x10, 1001);
	offload_conn(1);
	t_done = now - 2000;	/* the tcp block completed first */
	pkt(now + 500, 1, 50001, 2, 445, 0x18, 1001);
	pkt(now + 600, 2, 445, 1, 50001, 0x11, 5001);
	close = now + 700;
	pkt(close, 1, 50001, 2, 445, 0x11, 1002);
	now += 1000;
	/* connection 2: the same, terminated 1 s after its RST (no W1) */
	pkt(now + 100, 1, 50002, 2, 445, 0x02, 7000);
	now += 1000;
	offload_conn(2);
	pkt(now + 100, 2, 445, 1, 50002, 0x04, 0);
	now += 1000000000;
	req(OT_EV_TERMINATE, BLK(99), BLK(99), 0, OT_STATE_TCP, SLOT(22));
	done(OT_EV_TERMINATE_DONE, BLK(99), BLK(99), OT_ST_SUCCESS);
	CHECK(nviol(&r, OT_R_W1) == 0);
	/* the trace goes on past the grace of connection 1 */
	now = close + 2000000000;
	simple(OT_EV_HALT);
	CHECK(nviol(&r, OT_R_W1) == 1);
	stop();
	CHECK(nviol(&r, OT_R_W1) == 1);
	CHECK(nviol(&r, OT_R_W2) == 2);	/* the RST of 2 was inside too */
	for (i = 0; i < r.nv; i++)
		if (r.v[i].rule == OT_R_W1)
			CHECK(r.v[i].slot == SLOT(12) && r.v[i].ts == close + 2000000000);
	for (i = 0; i < r.nleak; i++)
		if (r.leak[i].reason == OT_LEAK_WIRE_CLOSE) {
			nleak_w1++;
			CHECK(r.leak[i].slot == SLOT(12));
		}
	CHECK(nleak_w1 == 1);
	CHECK(r.nflow == 2);
	CHECK(r.nflow == 2 && r.flow[0].id == 1 && r.flow[0].njoin == 1);
	CHECK(r.nflow == 2 && r.flow[0].syn_ns == syn && r.flow[0].close_ns == close);
	CHECK(r.nflow == 2 && r.flow[0].join[0].syn_to_offload == t_done - syn);
	CHECK(r.nflow == 2 && r.flow[0].join[0].inside_frames == 3);
	CHECK(r.nflow == 2 && r.flow[0].join[0].wire_close_leak == 1);
	CHECK(r.nflow == 2 && r.flow[1].njoin == 1 && r.flow[1].join[0].wire_close_leak == 0);
	CHECK(r.rule[OT_R_W1].checked && r.rule[OT_R_W1].count == 1);
	CHECK(r.rule[OT_R_W3].checked && r.rule[OT_R_W3].count == 0);

	/* the drops of a connection: evidence for its objects offloaded then */
	memset(&r, 0, sizeof(r));
	r.keep = 1;
	next_id = 0;
	now = 1700000000000000000ll;
	E = ot_engine_new(&sink, &r, &o);
	pkt(now + 100, 1, 50001, 2, 445, 0x02, 1000);
	drop_pkt(now + 150, 2, 445, 1, 50001, 0x12);	/* before the offload */
	offload_conn(1);
	drop_pkt(now + 100, 2, 445, 1, 50001, 0x10);	/* while offloaded */
	drop_pkt(now + 110, 2, 445, 1, 50999, 0x10);	/* another connection */
	CHECK(ot_engine_finish(E, now) == 0);
	CHECK(r.ndrop == 3);
	CHECK(r.ndrop == 3 && r.drop[0].id == 1 && r.drop[0].input == 3 &&
	      r.drop[0].flow_id == 1 && r.drop[0].nobjects == 0 && r.drop[0].family == 4 &&
	      r.drop[0].has_ports && r.drop[0].sport == 445 && r.drop[0].dport == 50001 &&
	      r.drop[0].component == 7 && strcmp(r.drop[0].component_name, "a filter") == 0 &&
	      r.drop[0].reason == 8 && r.drop[0].location == 0x1234 &&
	      strcmp(r.drop[0].reason_name, "Filtered") == 0 && strcmp(r.drop[0].dir, "Rx") == 0);
	for (i = 0, nleak_w1 = 0; i < r.nobj; i++)
		if (r.obj[i].slot == SLOT(12) && ++nleak_w1)
			CHECK(r.ndrop == 3 && r.drop[1].nobjects == 1 &&
			      r.drop[1].objects[0] == r.obj[i].id && r.drop[1].flow_id == 1);
	CHECK(nleak_w1 == 1);	/* the tcp object was found */
	CHECK(r.ndrop == 3 && r.drop[2].nobjects == 0 && r.drop[2].flow_id == 0);
	ot_engine_stats(E, &es);
	CHECK(es.drops == 3 && es.drops_offloaded == 1);
	ot_engine_free(E);
	E = NULL;

	/* no capture: W1-W3 not checked */
	start(&r, 0);
	offload_tree();
	stop();
	CHECK(!r.rule[OT_R_W1].checked && !r.rule[OT_R_W2].checked &&
	      !r.rule[OT_R_W3].checked && r.rule[OT_R_W1].why_not != NULL);
}

int
main(void)
{
	test_tables();
	test_capture();
	test_lifecycle();
	test_hang_and_orphan();
	test_superseded();
	test_failed_and_halt();
	test_capacity_and_stats();
	test_unresolved();
	test_throughput();
	test_uncleared_slots_bounded();
	printf("test_engine: %d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
