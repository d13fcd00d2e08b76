/*
 * profile_render.c - rendering, for writers of the vocabulary (gen, wppw):
 * an event back into the message text of the first text rule that can
 * carry it, and into a TMF format and encoded arguments for binary WPP.
 * The text is what the matcher (profile_match.c) reads back; calls
 * profile_field.c (a rule's constants on a copy of the event) and the
 * field names of profile_tmpl.c.
 */
#include "profile_int.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "offtrace/bytes.h"

/* Is field f present in ev? */
static int
present(enum fld f, const struct ot_event *ev)
{
	switch (f) {
	case F_EV: case F_LAYER: case F_ADAPTER: return 1;
	case F_STATE: return (ev->has & OT_HAS_STATE) != 0;
	case F_ROOT: return (ev->has & OT_HAS_ROOT) != 0;
	case F_BLOCK: return (ev->has & OT_HAS_BLOCK) != 0;
	case F_PARENT: return (ev->has & OT_HAS_PARENT) != 0;
	case F_SLOT: return (ev->has & OT_HAS_SLOT) != 0;
	case F_HANDLE: return (ev->has & OT_HAS_HANDLE) != 0;
	case F_VALUE: return (ev->has & OT_HAS_VALUE) != 0;
	case F_NBL: return (ev->has & OT_HAS_NBL) != 0;
	case F_STATUS: return (ev->has & OT_HAS_STATUS) != 0;
	case F_CODE: return (ev->has & OT_HAS_CODE) != 0;
	case F_REASON: return (ev->has & OT_HAS_REASON) != 0;
	case F_SRC: case F_SPORT: case F_DST: case F_DPORT:
		return (ev->has & OT_HAS_TUPLE) != 0;
	case F_CPU: return (ev->has & OT_HAS_CPU) != 0;
	case F_PID: return (ev->has & OT_HAS_PID) != 0;
	case F_TID: return (ev->has & OT_HAS_TID) != 0;
	default: return 0;
	}
}

/* The has bits a rendering must carry (cpu, pid, tid come from the prefix). */
#define RENDER_HAS (OT_HAS_ROOT | OT_HAS_BLOCK | OT_HAS_PARENT | OT_HAS_STATE | \
		    OT_HAS_SLOT | OT_HAS_HANDLE | OT_HAS_VALUE | OT_HAS_STATUS | \
		    OT_HAS_CODE | OT_HAS_REASON | OT_HAS_TUPLE | OT_HAS_NBL)

static uint32_t
fld_has(enum fld f)
{
	switch (f) {
	case F_STATE: return OT_HAS_STATE;
	case F_ROOT: return OT_HAS_ROOT;
	case F_BLOCK: return OT_HAS_BLOCK;
	case F_PARENT: return OT_HAS_PARENT;
	case F_SLOT: return OT_HAS_SLOT;
	case F_HANDLE: return OT_HAS_HANDLE;
	case F_VALUE: return OT_HAS_VALUE;
	case F_NBL: return OT_HAS_NBL;
	case F_STATUS: return OT_HAS_STATUS;
	case F_CODE: return OT_HAS_CODE;
	case F_REASON: return OT_HAS_REASON;
	case F_SRC: case F_SPORT: case F_DST: case F_DPORT: return OT_HAS_TUPLE;
	default: return 0;
	}
}

/* A field's value: numbers for numeric fields, text for the others. */
static void
get_field(enum fld f, const struct ot_event *ev, struct val *v)
{
	const uint64_t ptrs[7] = { ev->root, ev->block, ev->parent, ev->slot, ev->handle,
				   ev->value, ev->nbl };

	memset(v, 0, sizeof(*v));
	switch (f) {
	case F_EV: text_val(v, ot_ev_names[ev->ev], strlen(ot_ev_names[ev->ev])); return;
	case F_LAYER:
		text_val(v, ot_layer_names[ev->layer], strlen(ot_layer_names[ev->layer]));
		return;
	case F_ADAPTER: text_val(v, ev->adapter ? ev->adapter : "", ev->adapter ? strlen(ev->adapter) : 0); return;
	case F_STATE:
		text_val(v, ot_state_name(ev->state), strlen(ot_state_name(ev->state)));
		v->num = 1;
		v->u = (uint64_t)ev->state;
		return;
	case F_SRC: text_val(v, ev->tuple.src, strlen(ev->tuple.src)); return;
	case F_DST: text_val(v, ev->tuple.dst, strlen(ev->tuple.dst)); return;
	default: break;
	}
	v->num = 1;
	switch (f) {
	case F_ROOT: case F_BLOCK: case F_PARENT: case F_SLOT: case F_HANDLE:
	case F_VALUE: case F_NBL:
		v->u = ptrs[f - F_ROOT];
		break;
	case F_STATUS: v->u = ev->status; break;
	case F_CODE: v->u = (uint64_t)ev->code; break;
	case F_REASON: v->u = (uint64_t)ev->reason; break;
	case F_SPORT: v->u = ev->tuple.sport; break;
	case F_DPORT: v->u = ev->tuple.dport; break;
	case F_CPU: v->u = (uint64_t)(int64_t)ev->cpu; break;
	case F_PID: v->u = (uint64_t)(int64_t)ev->pid; break;
	case F_TID: v->u = (uint64_t)(int64_t)ev->tid; break;
	default: break;
	}
}

/* A bounded output buffer. */
struct ob {
	char *p;
	size_t len, cap;
	int over;
};

static void
ob_put(struct ob *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->over = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
ob_printf(struct ob *b, const char *fmt, ...) OT_PRINTF(2, 3);

static void
ob_printf(struct ob *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->over = 1;
		return;
	}
	ob_put(b, tmp, (size_t)n);
}

/* Render one placeholder's value as text the scanner reads back; -1 if it cannot. */
static int
render_value(struct ob *b, const struct rule *r, const struct seg *sg, const struct ot_event *ev)
{
	struct val v;
	const struct map *m = &r->map[sg->fld];
	const char *name;
	size_t i;

	get_field((enum fld)sg->fld, ev, &v);
	/* a mapped field: the vendor value that maps to ours */
	for (i = 0; i < m->n; i++) {
		const struct val *to = &m->e[i].to;

		if ((to->str && v.str && to->n == v.n && memcmp(to->s, v.s, v.n) == 0) ||
		    (to->num && v.num && to->u == v.u)) {
			v = m->e[i].key;
			if (v.num)
				v.str = sg->type == T_STR || sg->type == T_WORD;
			break;
		}
	}
	switch (sg->type) {
	case T_STR: case T_WORD:
		if (!v.str || (sg->type == T_WORD && (v.n == 0 || memchr(v.s, ' ', v.n))))
			return -1;
		ob_put(b, v.s, v.n);
		return 0;
	case T_IP:
	case T_GUID:
		if (!v.str)
			return -1;
		ob_put(b, v.s, v.n);
		return 0;
	default:
		break;
	}
	if (!v.num)
		return -1;
	switch (sg->type) {
	case T_PTR: ob_printf(b, "%016" PRIX64, v.u); return 0;
	case T_HEX: ob_printf(b, "%" PRIx64, v.u); return 0;
	case T_I32: case T_I64: ob_printf(b, "%" PRId64, (int64_t)v.u); return 0;
	case T_NTSTATUS:
		name = ot_wpp_status_name((uint32_t)v.u);
		if (name != NULL)
			ob_printf(b, "0x%08" PRIx32 "(%s)", (uint32_t)v.u, name);
		else
			ob_printf(b, "0x%08" PRIx32, (uint32_t)v.u);
		return 0;
	default:
		ob_printf(b, "%" PRIu64, v.u);
		return 0;
	}
}

/* Which optional groups ev can fill (all their fields present). */
static uint32_t
groups_for(const struct rule *r, const struct ot_event *ev)
{
	uint32_t g = 0;
	size_t i, k;

	for (i = 0; i < r->nsegs; i++) {
		int all = 1;

		if (r->segs[i].kind != S_OPEN)
			continue;
		for (k = i + 1; r->segs[k].kind != S_CLOSE; k++)
			if (r->segs[k].kind == S_CAP &&
			    (r->segs[k].fld == F_IGNORE || !present((enum fld)r->segs[k].fld, ev)))
				all = 0;
		if (all)
			g |= 1u << r->segs[i].group;
	}
	return g;
}

static int
render_rule(const struct rule *r, const struct ot_event *ev, struct ob *b, uint32_t *groups)
{
	uint32_t g = groups_for(r, ev), carried = 0;
	size_t i;

	if (r->kind != R_TEXT || r->segs == NULL || !(r->setmask & 1u << F_EV) ||
	    ot_ev_from_name(r->set[F_EV].s, r->set[F_EV].n) != (int)ev->ev ||
	    r->friendly != NULL)
		return -1;
	if (r->func != NULL) {
		ob_put(b, r->func, r->funclen);
		ob_put(b, ": ", 2);
	}
	for (i = 0; i < r->nsegs; i++) {
		const struct seg *sg = &r->segs[i];

		switch (sg->kind) {
		case S_LIT:
			ob_put(b, sg->lit, sg->len);
			break;
		case S_OPEN:
			if (!(g & (1u << sg->group)))
				i = sg->close;
			break;
		case S_CLOSE:
			break;
		case S_CAP:
			if (sg->fld == F_IGNORE || !present((enum fld)sg->fld, ev) ||
			    render_value(b, r, sg, ev) < 0)
				return -1;
			carried |= fld_has((enum fld)sg->fld);
			break;
		}
	}
	/* constants the rule sets must agree with the event */
	for (i = 0; i < F_COUNT; i++) {
		struct ot_event e = *ev;
		struct val a, c;

		if (i == F_EV || i == F_ADAPTER || !(r->setmask & (1u << i)))
			continue;
		if (prof_set_field((enum fld)i, &r->set[i], NULL, &e) < 0)
			return -1;
		get_field((enum fld)i, &e, &a);
		get_field((enum fld)i, ev, &c);
		if (a.num != c.num || a.u != c.u || a.n != c.n || (a.n && memcmp(a.s, c.s, a.n)))
			return -1;
		carried |= fld_has((enum fld)i);
	}
	if ((r->setmask & 1u << F_ADAPTER) &&
	    (r->set[F_ADAPTER].n != strlen(ev->adapter) ||
	     memcmp(r->set[F_ADAPTER].s, ev->adapter, r->set[F_ADAPTER].n) != 0))
		return -1;
	if ((ev->has & RENDER_HAS) & ~carried)
		return -1;	/* the rule would lose a field */
	if (b->over)
		return -1;
	*groups = g;
	return 0;
}

int
ot_profile_render(const struct ot_profile *p, const struct ot_event *ev,
		  char *out, size_t cap, size_t *rule, uint32_t *groups)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		struct ob b = { out, 0, cap, 0 };

		if (cap == 0)
			return -1;
		out[0] = '\0';
		if (render_rule(&p->r[i], ev, &b, groups) == 0) {
			*rule = i;
			return 0;
		}
	}
	return -1;
}

int
ot_profile_wpp_message(const struct ot_profile *p, size_t rule, uint32_t groups,
		       const struct ot_event *ev, char *format, size_t fcap,
		       const char **func, struct ot_profile_arg *args,
		       size_t *nargs, size_t maxargs)
{
	const struct rule *r;
	struct ob b = { format, 0, fcap, 0 };
	size_t i, k, na = 0;

	if (rule >= p->n || fcap == 0)
		return -1;
	r = &p->r[rule];
	if (r->kind != R_TEXT || r->segs == NULL)
		return -1;
	format[0] = '\0';
	ob_put(&b, "%0", 2);
	if (r->func != NULL)
		ob_put(&b, "%!FUNC!: ", 9);
	*func = r->func ? r->func : "";
	for (i = 0; i < r->nsegs; i++) {
		const struct seg *sg = &r->segs[i];
		struct ot_profile_arg *a;
		struct ot_event e;
		struct ob vb;
		struct val v;
		char tmp[300];

		switch (sg->kind) {
		case S_LIT:
			for (k = 0; k < sg->len; k++) {
				if (sg->lit[k] == '"')
					return -1;	/* the TMF format is quoted */
				ob_put(&b, sg->lit + k, 1);
				if (sg->lit[k] == '%')
					ob_put(&b, "%", 1);
			}
			continue;
		case S_OPEN:
			if (!(groups & (1u << sg->group)))
				i = sg->close;
			continue;
		case S_CLOSE:
			continue;
		default:
			break;
		}
		if (na == maxargs || sg->fld == F_IGNORE)
			return -1;
		a = &args[na];
		memset(a, 0, sizeof(*a));
		a->name = prof_fld_names[sg->fld];
		ob_printf(&b, "%%%zu!", 10 + na);
		get_field((enum fld)sg->fld, ev, &v);
		switch (sg->type) {
		case T_PTR:
			a->tmf_type = OT_TMF_PTR;
			a->spec = "p";
			ot_put_le64(a->bytes, v.u);
			a->len = 8;
			break;
		case T_HEX: case T_U64:
			a->tmf_type = OT_TMF_ULONGLONG;
			a->spec = sg->type == T_HEX ? "I64x" : "I64u";
			ot_put_le64(a->bytes, v.u);
			a->len = 8;
			break;
		case T_I64:
			a->tmf_type = OT_TMF_LONGLONG;
			a->spec = "I64d";
			ot_put_le64(a->bytes, v.u);
			a->len = 8;
			break;
		case T_I32:
			a->tmf_type = OT_TMF_LONG;
			a->spec = "d";
			ot_put_le32(a->bytes, (uint32_t)v.u);
			a->len = 4;
			break;
		case T_U8: case T_U16: case T_U32:
			a->tmf_type = OT_TMF_ULONG;
			a->spec = "u";
			ot_put_le32(a->bytes, (uint32_t)v.u);
			a->len = 4;
			break;
		case T_NTSTATUS:
			a->tmf_type = OT_TMF_NTSTATUS;
			a->spec = "s";
			ot_put_le32(a->bytes, (uint32_t)v.u);
			a->len = 4;
			break;
		case T_PORT:
			a->tmf_type = OT_TMF_PORT;
			a->spec = "s";
			a->bytes[0] = (uint8_t)(v.u >> 8);
			a->bytes[1] = (uint8_t)v.u;
			a->len = 2;
			break;
		default:
			/* text: the same bytes the text writer prints */
			e = *ev;
			vb.p = tmp;
			vb.len = 0;
			vb.cap = sizeof(tmp);
			vb.over = 0;
			tmp[0] = '\0';
			if (render_value(&vb, r, sg, &e) < 0 || vb.over ||
			    vb.len + 1 > sizeof(a->bytes) || memchr(tmp, 0, vb.len))
				return -1;
			a->tmf_type = OT_TMF_STRING;
			a->spec = "s";
			memcpy(a->bytes, tmp, vb.len);
			a->bytes[vb.len] = 0;
			a->len = vb.len + 1;
			break;
		}
		ob_put(&b, a->spec, strlen(a->spec));
		ob_put(&b, "!", 1);
		na++;
	}
	if (b.over)
		return -1;
	*nargs = na;
	return 0;
}
