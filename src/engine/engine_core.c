/*
 * engine_core.c - the bottom of the engine (src/engine/engine_int.h): the
 * rule table, violations and the state every other engine file shares,
 * adapters, slot records and the lookup of the object an event names.
 *
 * It calls no other engine file; only util and the hash map.
 */
#include "engine_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct ot_rule_info ot_rules[OT_R_COUNT] = {
	{ "P1", OT_SEV_ERROR, "every request is completed exactly once" },
	{ "P2", OT_SEV_ERROR, "an im completes after the layer below" },
	{ "P3", OT_SEV_WARNING, "completion is asynchronous" },
	{ "S1", OT_SEV_ERROR, "completion status is allowed for the operation" },
	{ "S2", OT_SEV_ERROR, "block statuses are consistent with their dependents" },
	{ "S3", OT_SEV_ERROR, "partial success is decoded as success" },
	{ "C1", OT_SEV_ERROR, "context is written inside a successful initiate only" },
	{ "C2", OT_SEV_ERROR, "context is never overwritten" },
	{ "C3", OT_SEV_ERROR, "context stays valid until terminate, not written after" },
	{ "C4", OT_SEV_ERROR, "im stacks publish contexts bottom-up" },
	{ "T1", OT_SEV_ERROR, "block tree layers are monotonic" },
	{ "T2", OT_SEV_ERROR, "parent is offloaded before child" },
	{ "T3", OT_SEV_ERROR, "children are terminated before their parent" },
	{ "T4", OT_SEV_ERROR, "updates relink paths to live neighbors only" },
	{ "T5", OT_SEV_ERROR, "terminate waits for outstanding operations and i/o" },
	{ "U1", OT_SEV_ERROR, "no use before the initiate completes" },
	{ "U2", OT_SEV_ERROR, "no use after terminate" },
	{ "U3", OT_SEV_WARNING, "no send after invalidate" },
	{ "U4", OT_SEV_ERROR, "i/o after abort completes with request_aborted" },
	{ "E1", OT_SEV_ERROR, "retrieve indications are valid and followed by terminate" },
	{ "E2", OT_SEV_ERROR, "neighbor indications are reachability queries" },
	{ "E3", OT_SEV_ERROR, "hardware-failure recovery happens in order" },
	{ "L1", OT_SEV_ERROR, "no offload is left at halt or after upload-all" },
	{ "L2", OT_SEV_WARNING, "terminate does not lose the state object" },
	{ "L3", OT_SEV_ERROR, "im clears the upper context at terminate" },
	{ "L4", OT_SEV_ERROR, "no send data lost at terminate, capacity respected" },
	{ "W1", OT_SEV_ERROR, "an offload ends within the grace after its wire close" },
	{ "W2", OT_SEV_WARNING, "no host-visible traffic inside an offload window" },
	{ "W3", OT_SEV_WARNING, "a connection's syn is seen before its offload begins" },
};

const char *const ot_fate_names[OT_FATE_COUNT] = {
	"pending", "failed", "terminated", "lost", "live", "leaked",
};

const char *const ot_leak_reason_names[OT_LEAK_COUNT] = {
	"live_at_end", "halt", "upload_all", "wire_close",
};

const char *const ot_wpos_names[4] = { "none", "inside", "after", "before" };

int
ot_rule_from_id(const char *id)
{
	int i;

	if (!id || !id[0] || !id[1] || id[2])
		return -1;
	for (i = 0; i < OT_R_COUNT; i++)
		if ((id[0] == ot_rules[i].id[0] ||
		     id[0] - 'a' + 'A' == ot_rules[i].id[0]) &&
		    id[1] == ot_rules[i].id[1])
			return i;
	return -1;
}

/* ---- small helpers ---- */

const char *
eng_stat_str(uint32_t st, char *buf, size_t len)
{
	const char *n = ot_status_name(st);

	if (n && strncmp(n, "NDIS_STATUS_", 12) == 0)
		n += 12;
	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "0x%08x", (unsigned)st);
	return buf;
}

/*
 * Report a violation of rule r.  sev < 0: the rule's default severity.
 * evs: up to OT_MAX_EVIDENCE proving event ids (zeros and repeats dropped).
 */
void OT_PRINTF(11, 12)
eng_viol(struct ot_engine *e, enum ot_rule r, int sev, int64_t ts,
	 uint64_t slot, uint64_t root, uint64_t obj, uint64_t op,
	 const uint64_t *evs, size_t nev, const char *fmt, ...)
{
	struct ot_violation_rec v;
	va_list ap;
	size_t i, j;

	memset(&v, 0, sizeof(v));
	v.rule = r;
	v.severity = sev < 0 ? ot_rules[r].severity : (enum ot_severity)sev;
	v.ts = ts;
	v.slot = slot;
	v.root = root;
	v.object_id = obj;
	v.op_id = op;
	for (i = 0; i < nev && v.nevents < OT_MAX_EVIDENCE; i++) {
		if (!evs[i])
			continue;
		for (j = 0; j < v.nevents; j++)
			if (v.events[j] == evs[i])
				break;
		if (j == v.nevents)
			v.events[v.nevents++] = evs[i];
	}
	va_start(ap, fmt);
	vsnprintf(v.message, sizeof(v.message), fmt, ap);
	va_end(ap);
	e->count[r]++;
	e->st.violations++;
	if (e->sink.violation)
		emit_check(e, e->sink.violation(e->ctx, &v));
}

/* ---- adapters ---- */

struct adapter *
eng_adapter_get(struct ot_engine *e, const char *name)
{
	struct adapter *a;

	if (!name)
		name = "";
	a = hm_get(&e->adapters, (uint64_t)(uintptr_t)name, 1);
	if (a)
		return a;
	a = xcalloc(1, sizeof(*a));
	a->name = name;
	hm_put(&e->adapters, (uint64_t)(uintptr_t)name, 1, a);
	if (e->atail)
		e->atail->next = a;
	else
		e->ahead = a;
	e->atail = a;
	return a;
}

/* ---- slots ---- */

struct slotrec *
eng_slot_get(struct ot_engine *e, uint64_t slot, int create)
{
	struct slotrec *s;
	struct tomb *t;

	if (!slot)
		return NULL;
	s = hm_get(&e->slots, slot, 0);
	if (s || !create)
		return s;
	s = xcalloc(1, sizeof(*s));
	s->slot = slot;
	s->open_blk = -1;
	t = tomb_by(e, &e->tslot, slot);
	if (t) {
		s->epoch = t->epoch;	/* continue the slot's epochs */
		s->value = t->slot_value;
		s->last_op_id = t->slot_last_op;
	}
	hm_put(&e->slots, slot, 0, s);
	return s;
}

/*
 * Free a slot record that holds nothing worth remembering.  A value left
 * in a dead object's slot (the upper layer did not clear it) moves to that
 * object's tombstone, so memory stays bounded by the tombstone ring rather
 * than growing with every slot the trace ever used.
 */
void
eng_slot_gc(struct ot_engine *e, struct slotrec *s)
{
	struct tomb *t;

	if (!s || s->cur || s->open_op || s->l3_pending)
		return;
	t = tomb_by(e, &e->tslot, s->slot);
	if (t != NULL && t->epoch == s->epoch) {
		t->slot_value = s->value;
		t->slot_last_op = s->last_op_id;
	} else if (s->value) {
		return;	/* nowhere to keep the value */
	}
	hm_del(&e->slots, s->slot, 0);
	free(s);
}

/* ---- object resolution (doc/rules.md section 1) ---- */

struct obj *
eng_find_live(struct ot_engine *e, const struct ot_event *ev)
{
	struct slotrec *s;
	struct obj *o;

	if ((ev->has & OT_HAS_SLOT) && ev->slot) {
		s = hm_get(&e->slots, ev->slot, 0);
		if (s && s->cur)
			return s->cur;
	}
	if ((ev->has & OT_HAS_HANDLE) && ev->handle) {
		o = hm_get(&e->handles, ev->handle, 0);
		if (o)
			return o;
	}
	if ((ev->has & OT_HAS_VALUE) && ev->value) {
		o = hm_get(&e->values, ev->value, 0);
		if (o)
			return o;
	}
	return NULL;
}

/* A terminated object the event names, with no newer object on its slot. */
struct tomb *
eng_find_tomb(struct ot_engine *e, const struct ot_event *ev)
{
	struct tomb *t = NULL;
	struct slotrec *s;

	if ((ev->has & OT_HAS_SLOT) && ev->slot)
		t = tomb_by(e, &e->tslot, ev->slot);
	if (!t && (ev->has & OT_HAS_HANDLE) && ev->handle)
		t = tomb_by(e, &e->thandle, ev->handle);
	if (!t && (ev->has & OT_HAS_VALUE) && ev->value)
		t = tomb_by(e, &e->tvalue, ev->value);
	if (!t || !t->terminated)
		return NULL;
	s = hm_get(&e->slots, t->slot, 0);
	if (s && s->cur && s->cur->r.epoch > t->epoch)
		return NULL;
	if (s && s->epoch > t->epoch)
		return NULL;
	return t;
}
