/*
 * profile_field.c - values into the fields of an event (profile.h): what
 * a value may be for each normalized field (checked once, when a profile
 * is loaded), setting one field, and applying a matched rule: its
 * constants, then its captures through the field maps.  Used by loading,
 * matching and rendering; calls no other profile file.
 */
#include "profile_int.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int
state_from_num(uint64_t u)
{
	return u == OT_STATE_NEIGHBOR || u == OT_STATE_IP4 || u == OT_STATE_IP6 ||
	       u == OT_STATE_TCP ? (int)u : -1;
}

static int
str_num(const struct val *v, uint64_t *u)
{
	int64_t i;

	if (v->num) {
		*u = v->u;
		return 0;
	}
	if (v->n > 2 && v->s[0] == '0' && (v->s[1] | 0x20) == 'x')
		return ot_parse_hex(v->s, v->n, u);
	if (ot_parse_i64(v->s, v->n, &i) < 0)
		return -1;
	*u = (uint64_t)i;
	return 0;
}

int
prof_valid_ip(const char *s, size_t n)
{
	char b[OT_ADDR_MAX];
	unsigned char a[16];

	if (n == 0 || n >= sizeof(b))
		return 0;
	memcpy(b, s, n);
	b[n] = '\0';
	return inet_pton(AF_INET, b, a) == 1 || inet_pton(AF_INET6, b, a) == 1;
}

int
prof_check_const(enum fld f, const struct val *v)
{
	uint64_t u;

	switch (f) {
	case F_EV:
		return v->str && ot_ev_from_name(v->s, v->n) >= 0 ? 0 : -1;
	case F_LAYER:
		return (v->str && ot_layer_from_name(v->s, v->n) >= 0) ||
		       (v->num && v->u < OT_LAYER_COUNT) ? 0 : -1;
	case F_STATE:
		return (v->str && ot_state_from_name(v->s, v->n) >= 0) ||
		       (v->num && state_from_num(v->u) >= 0) ? 0 : -1;
	case F_ADAPTER:
		return 0;
	case F_SRC:
	case F_DST:
		return v->str && prof_valid_ip(v->s, v->n) ? 0 : -1;
	default:
		return str_num(v, &u);
	}
}

int
prof_set_field(enum fld f, const struct val *v, struct ot_strtab *st, struct ot_event *ev)
{
	static const uint32_t ptr_has[] = {
		OT_HAS_ROOT, OT_HAS_BLOCK, OT_HAS_PARENT, OT_HAS_SLOT, OT_HAS_HANDLE,
		OT_HAS_VALUE, OT_HAS_NBL
	};
	uint64_t *ptrs[7];
	char num[24];
	uint64_t u = 0;
	int k;

	switch (f) {
	case F_EV:
		if (!v->str || (k = ot_ev_from_name(v->s, v->n)) < 0)
			return -1;
		ev->ev = (enum ot_ev)k;
		return 0;
	case F_LAYER:
		if (v->str && (k = ot_layer_from_name(v->s, v->n)) >= 0)
			ev->layer = (enum ot_layer)k;
		else if (v->num && v->u < OT_LAYER_COUNT && !v->str)
			ev->layer = (enum ot_layer)v->u;
		else
			return -1;
		return 0;
	case F_STATE:
		if (v->str && (k = ot_state_from_name(v->s, v->n)) >= 0)
			ev->state = (enum ot_state)k;
		else if (v->num && (k = state_from_num(v->u)) >= 0)
			ev->state = (enum ot_state)k;
		else
			return -1;
		ev->has |= OT_HAS_STATE;
		return 0;
	case F_ADAPTER:
		/* the limit of every input (man/offtrace.1 LIMITS); names are C
		 * strings everywhere (the string table too): no NUL in them */
		if (v->str && (v->n > OT_PROFILE_MAX_ADAPTER || memchr(v->s, 0, v->n) != NULL))
			return -1;
		if (v->str) {
			ev->adapter = ot_intern(st, v->s, v->n);
		} else {
			snprintf(num, sizeof(num), "%" PRIu64, v->u);
			ev->adapter = ot_intern(st, num, strlen(num));
		}
		return 0;
	case F_SRC:
	case F_DST:
		if (!v->str || !prof_valid_ip(v->s, v->n))
			return -1;
		memcpy(f == F_SRC ? ev->tuple.src : ev->tuple.dst, v->s, v->n);
		(f == F_SRC ? ev->tuple.src : ev->tuple.dst)[v->n] = '\0';
		ev->has |= OT_HAS_TUPLE;
		return 0;
	default:
		break;
	}
	if (str_num(v, &u) < 0)
		return -1;
	ot_event_ptrs(ev, ptrs);
	switch (f) {
	case F_ROOT: case F_BLOCK: case F_PARENT: case F_SLOT: case F_HANDLE:
	case F_VALUE: case F_NBL:
		*ptrs[f - F_ROOT] = u;
		ev->has |= ptr_has[f - F_ROOT];
		return 0;
	case F_STATUS:
		if (u > 0xFFFFFFFFu && !((int64_t)u >= INT32_MIN && (int64_t)u < 0))
			return -1;
		ev->status = (uint32_t)u;
		ev->has |= OT_HAS_STATUS;
		return 0;
	case F_CODE:
		ev->code = (int64_t)u;
		ev->has |= OT_HAS_CODE;
		return 0;
	case F_REASON:
		ev->reason = (int64_t)u;
		ev->has |= OT_HAS_REASON;
		return 0;
	case F_SPORT:
	case F_DPORT:
		if (u > 65535)
			return -1;
		if (f == F_SPORT)
			ev->tuple.sport = (uint16_t)u;
		else
			ev->tuple.dport = (uint16_t)u;
		ev->has |= OT_HAS_TUPLE;
		return 0;
	case F_CPU:
		ev->cpu = (int32_t)u;
		ev->has |= OT_HAS_CPU;
		return 0;
	case F_PID:
		ev->pid = (int32_t)u;
		ev->has |= OT_HAS_PID;
		return 0;
	case F_TID:
		ev->tid = (int32_t)u;
		ev->has |= OT_HAS_TID;
		return 0;
	default:
		return -1;
	}
}

/* The vendor value through the field's map, if any lists it. */
static const struct val *
mapped(const struct rule *r, enum fld f, const struct val *v)
{
	const struct map *m = &r->map[f];
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct mapent *e = &m->e[i];

		if ((v->num && e->key.num && v->u == e->key.u) ||
		    (v->str && e->key.n == v->n && memcmp(e->key.s, v->s, v->n) == 0))
			return &e->to;
	}
	return v;
}

int
prof_apply(const struct rule *r, const uint8_t *flds, const struct val *v, size_t n,
	   struct ot_strtab *st, struct ot_event *ev)
{
	struct ot_event e = *ev;
	size_t i;
	int f;

	for (f = 0; f < F_COUNT; f++)
		if ((r->setmask & (1u << f)) && prof_set_field((enum fld)f, &r->set[f], st, &e) < 0)
			return 0;
	for (i = 0; i < n; i++) {
		if (flds[i] == F_IGNORE || (!v[i].num && !v[i].str))
			continue;
		if (prof_set_field((enum fld)flds[i], mapped(r, (enum fld)flds[i], &v[i]), st, &e) < 0)
			return 0;
	}
	if ((e.has & OT_HAS_TUPLE) && (e.tuple.src[0] == '\0' || e.tuple.dst[0] == '\0'))
		return 0;
	if (e.adapter == NULL)
		e.adapter = ot_intern(st, "", 0);
	*ev = e;
	return 1;
}
