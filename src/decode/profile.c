/*
 * profile.c - profiles (profile.h, DESIGN.md section 3): loading with
 * cJSON, checking with JSON paths in the errors, compiling templates, and
 * matching text lines, binary WPP messages and manifest events.
 *
 * A template compiles to segments: literals (compared with memcmp),
 * typed placeholders (scanned by hand-written scanners) and optional
 * groups.  Matching is anchored and linear: an optional group is tried
 * once at its position and skipped when it does not match; no
 * backtracking inside a group.  Text rules are found by their function
 * name through a hash table, so a line costs one function-name scan, one
 * lookup and the rules of that function.
 */
#include "offtrace/profile.h"

#include <arpa/inet.h>
#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/etl.h"
#include "profile_int.h"

/* {c4a1f3e2-7b6d-4f58-8e21-3d9a0b7c5e64}: made up for the chimney vocabulary */
const uint8_t ot_chimney_wpp_guid[16] = {
	0xe2, 0xf3, 0xa1, 0xc4, 0x6d, 0x7b, 0x58, 0x4f,
	0x8e, 0x21, 0x3d, 0x9a, 0x0b, 0x7c, 0x5e, 0x64,
};

/* -------------------------------------------------------------------- */
/* memory */

static void *
keep(struct ot_profile *p, void *m)
{
	if (p->nmem == p->capmem) {
		p->capmem = p->capmem ? 2 * p->capmem : 64;
		p->mem = xrealloc(p->mem, st_mult(p->capmem, sizeof(*p->mem)));
	}
	p->mem[p->nmem++] = m;
	return m;
}

static char *
keep_str(struct ot_profile *p, const char *s, size_t n)
{
	char *c = xmalloc(n + 1);

	memcpy(c, s, n);
	c[n] = '\0';
	return keep(p, c);
}

struct ot_profile *
ot_profile_new(void)
{
	return xcalloc(1, sizeof(struct ot_profile));
}

void
ot_profile_free(struct ot_profile *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nmem; i++)
		free(p->mem[i]);
	free(p->mem);
	free(p->r);
	free(p->ftab);
	free(p->nofunc);
	free(p);
}

size_t
ot_profile_nrules(const struct ot_profile *p)
{
	return p->n;
}

/* Rebuild the text dispatch after rules were added. */
static void
index_rules(struct ot_profile *p)
{
	size_t i, cap = 16;

	while (cap < 2 * p->n)
		cap *= 2;
	free(p->ftab);
	free(p->nofunc);
	p->ftab = xcalloc(cap, sizeof(long));
	p->fcap = cap;
	p->nofunc = xcalloc(p->n ? p->n : 1, sizeof(size_t));
	p->nnofunc = 0;
	p->any_wpp = 0;
	/* backwards, so that each chain is in rule order */
	for (i = p->n; i-- > 0;) {
		struct rule *r = &p->r[i];
		size_t h;

		r->next_same = -1;
		if (r->kind == R_WPP)
			p->any_wpp = 1;
		if (r->kind != R_TEXT || r->func == NULL)
			continue;
		for (h = r->fhash & (cap - 1);; h = (h + 1) & (cap - 1)) {
			long j = p->ftab[h] - 1;

			if (j < 0) {
				p->ftab[h] = (long)i + 1;
				break;
			}
			if (p->r[j].fhash == r->fhash) {
				r->next_same = j;
				p->ftab[h] = (long)i + 1;
				break;
			}
		}
	}
	for (i = 0; i < p->n; i++)
		if (p->r[i].kind == R_TEXT && p->r[i].func == NULL)
			p->nofunc[p->nnofunc++] = i;
}

/* -------------------------------------------------------------------- */
/* loading and checking */

struct ld {
	struct ot_profile *p;
	const char *name;
	struct ot_err *err;
	char path[96];		/* JSON path of what is being read */
};

static int
lerr(struct ld *l, const char *fmt, ...) OT_PRINTF(2, 3);

static int
lerr(struct ld *l, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (l->err != NULL) {
		ot_errorf_at(l->err, OT_EINPUT, l->name, 0, "%s%s%s", l->path,
			     l->path[0] ? ": " : "", msg);
		l->err->phase = "profile";
	}
	return -1;
}

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", braces allowed, to Windows order. */
static int
parse_guid(const char *s, uint8_t g[16])
{
	static const int pos[16] = { 6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34 };
	size_t n = strlen(s);
	int i;

	if (n == 38 && s[0] == '{' && s[37] == '}') {
		s++;
		n -= 2;
	}
	if (n != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return -1;
	for (i = 0; i < 16; i++) {
		int hi = ot_hexval((unsigned char)s[pos[i]]);
		int lo = ot_hexval((unsigned char)s[pos[i] + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		g[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* A JSON value as a struct val (strings kept in p). */
static int
json_val(struct ld *l, const cJSON *j, struct val *v)
{
	memset(v, 0, sizeof(*v));
	if (cJSON_IsString(j)) {
		v->str = 1;
		v->n = strlen(j->valuestring);
		v->s = keep_str(l->p, j->valuestring, v->n);
		return 0;
	}
	if (cJSON_IsNumber(j)) {
		double d = j->valuedouble;

		/* JSON numbers are doubles: integers up to 2^53 are exact */
		if (d < -9007199254740992.0 || d > 9007199254740992.0 || d != (double)(int64_t)d)
			return lerr(l, "not an integer (write large values as \"0x...\" strings)");
		v->num = 1;
		v->u = (uint64_t)(int64_t)d;
		return 0;
	}
	return lerr(l, "want a string or an integer");
}

static int
load_set(struct ld *l, const cJSON *set, struct val *out, uint32_t *mask)
{
	const cJSON *e;
	size_t base = strlen(l->path);

	if (!cJSON_IsObject(set))
		return lerr(l, "want an object of field: value");
	cJSON_ArrayForEach(e, set) {
		int f = prof_fld_from_name(e->string, strlen(e->string));

		snprintf(l->path + base, sizeof(l->path) - base, ".%s", e->string);
		if (f < 0 || f == F_IGNORE)
			return lerr(l, "unknown field '%s'", e->string);
		if (json_val(l, e, &out[f]) < 0)
			return -1;
		if (prof_check_const((enum fld)f, &out[f]) < 0)
			return lerr(l, "value does not fit the field '%s'", e->string);
		*mask |= 1u << f;
	}
	l->path[base] = '\0';
	return 0;
}

static int
load_maps(struct ld *l, const cJSON *maps, struct map *out)
{
	const cJSON *m, *e;
	size_t base = strlen(l->path), k;

	if (!cJSON_IsObject(maps))
		return lerr(l, "want an object of field: {vendor value: normalized value}");
	cJSON_ArrayForEach(m, maps) {
		int f = prof_fld_from_name(m->string, strlen(m->string));

		snprintf(l->path + base, sizeof(l->path) - base, ".%s", m->string);
		if (f < 0 || f == F_IGNORE)
			return lerr(l, "unknown field '%s'", m->string);
		if (!cJSON_IsObject(m))
			return lerr(l, "want an object of vendor value: normalized value");
		out[f].n = (size_t)cJSON_GetArraySize(m);
		out[f].e = keep(l->p, xcalloc(out[f].n ? out[f].n : 1, sizeof(struct mapent)));
		k = 0;
		cJSON_ArrayForEach(e, m) {
			struct mapent *me = &out[f].e[k++];
			size_t kl = strlen(e->string);
			uint64_t u;
			int64_t i;
			size_t b2 = strlen(l->path);

			snprintf(l->path + b2, sizeof(l->path) - b2, ".%s", e->string);
			me->key.str = 1;
			me->key.s = keep_str(l->p, e->string, kl);
			me->key.n = kl;
			if (kl > 2 && e->string[0] == '0' && (e->string[1] | 0x20) == 'x' &&
			    ot_parse_hex(e->string, kl, &u) == 0) {
				me->key.num = 1;
				me->key.u = u;
			} else if (ot_parse_i64(e->string, kl, &i) == 0) {
				me->key.num = 1;
				me->key.u = (uint64_t)i;
			}
			if (json_val(l, e, &me->to) < 0)
				return -1;
			if (prof_check_const((enum fld)f, &me->to) < 0)
				return lerr(l, "value does not fit the field '%s'", m->string);
			l->path[b2] = '\0';
		}
	}
	l->path[base] = '\0';
	return 0;
}

static int
known_key(const char *k, const char *const *keys)
{
	for (; *keys; keys++)
		if (strcmp(k, *keys) == 0)
			return 1;
	return 0;
}

static int
load_rule(struct ld *l, const cJSON *j, size_t idx, const struct val *dset, uint32_t dmask,
	  const struct map *dmap, struct rule *r)
{
	static const char *const keys[] = {
		"func", "template", "friendly", "guid", "number", "format", "args",
		"provider", "id", "version", "payload", "set", "map", "name", "comment", NULL
	};
	const cJSON *e, *x;
	size_t base;
	int f, has_ev;

	memset(r, 0, sizeof(*r));
	snprintf(l->path, sizeof(l->path), "rules[%zu]", idx);
	snprintf(r->where, sizeof(r->where), "%s", l->path);
	base = strlen(l->path);
	r->number = -1;
	r->version = -1;
	r->id = -1;
	if (!cJSON_IsObject(j))
		return lerr(l, "want an object");
	cJSON_ArrayForEach(e, j)
		if (!known_key(e->string, keys)) {
			snprintf(l->path + base, sizeof(l->path) - base, ".%s", e->string);
			return lerr(l, "unknown key");
		}
#define AT(k) snprintf(l->path + base, sizeof(l->path) - base, "." k)
	x = cJSON_GetObjectItemCaseSensitive(j, "provider");
	if (x != NULL) {
		const cJSON *pl;
		size_t k = 0;

		r->kind = R_MANIFEST;
		AT("provider");
		if (!cJSON_IsString(x) || parse_guid(x->valuestring, r->provider) < 0)
			return lerr(l, "want a GUID \"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\"");
		AT("id");
		x = cJSON_GetObjectItemCaseSensitive(j, "id");
		if (!cJSON_IsNumber(x) || x->valuedouble < 0 || x->valuedouble > 65535 ||
		    x->valuedouble != (int)x->valuedouble)
			return lerr(l, "want the event id, an integer 0..65535");
		r->id = x->valueint;
		x = cJSON_GetObjectItemCaseSensitive(j, "version");
		if (x != NULL) {
			AT("version");
			if (!cJSON_IsNumber(x) || x->valuedouble < 0 || x->valuedouble > 255 ||
			    x->valuedouble != (int)x->valuedouble)
				return lerr(l, "want an integer 0..255");
			r->version = x->valueint;
		}
		pl = cJSON_GetObjectItemCaseSensitive(j, "payload");
		AT("payload");
		if (!cJSON_IsArray(pl))
			return lerr(l, "want the payload layout: an array of {\"name\", \"type\"}");
		r->npl = (size_t)cJSON_GetArraySize(pl);
		r->pl_type = keep(l->p, xcalloc(r->npl + 1, 1));
		r->pl_fld = keep(l->p, xcalloc(r->npl + 1, 1));
		cJSON_ArrayForEach(e, pl) {
			const cJSON *nm = cJSON_GetObjectItemCaseSensitive(e, "name");
			const cJSON *ty = cJSON_GetObjectItemCaseSensitive(e, "type");
			int t;

			snprintf(l->path + base, sizeof(l->path) - base, ".payload[%zu]", k);
			if (!cJSON_IsString(nm) || !cJSON_IsString(ty))
				return lerr(l, "want {\"name\": field, \"type\": type}");
			f = prof_fld_from_name(nm->valuestring, strlen(nm->valuestring));
			if (f < 0)
				return lerr(l, "unknown field '%s'", nm->valuestring);
			t = prof_type_from_name(ty->valuestring, strlen(ty->valuestring), T_COUNT - 1);
			if (t < 0 || t == T_HEX || t == T_IP || t == T_STR || t == T_WORD)
				return lerr(l, "unknown payload type '%s'", ty->valuestring);
			r->pl_fld[k] = (uint8_t)f;
			r->pl_type[k] = (uint8_t)t;
			k++;
		}
		l->path[base] = '\0';
		if (cJSON_GetObjectItemCaseSensitive(j, "template") ||
		    cJSON_GetObjectItemCaseSensitive(j, "func") ||
		    cJSON_GetObjectItemCaseSensitive(j, "guid") ||
		    cJSON_GetObjectItemCaseSensitive(j, "args"))
			return lerr(l, "a manifest rule (\"provider\") takes no func, template, guid or args");
	} else {
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(j, "guid");
		const cJSON *num = cJSON_GetObjectItemCaseSensitive(j, "number");
		const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(j, "format");
		const cJSON *args = cJSON_GetObjectItemCaseSensitive(j, "args");
		const cJSON *fn = cJSON_GetObjectItemCaseSensitive(j, "func");
		const cJSON *tp = cJSON_GetObjectItemCaseSensitive(j, "template");
		const cJSON *fr = cJSON_GetObjectItemCaseSensitive(j, "friendly");

		r->kind = (g || num || fmt || args) ? R_WPP : R_TEXT;
		if (g) {
			AT("guid");
			if (!cJSON_IsString(g) || parse_guid(g->valuestring, r->guid) < 0)
				return lerr(l, "want a GUID \"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\"");
			r->has_guid = 1;
		}
		if (num) {
			AT("number");
			if (!cJSON_IsNumber(num) || num->valuedouble < 0 || num->valuedouble > 65535 ||
			    num->valuedouble != (int)num->valuedouble)
				return lerr(l, "want the message number, an integer 0..65535");
			r->number = num->valueint;
		}
		if (fmt) {
			AT("format");
			if (!cJSON_IsString(fmt))
				return lerr(l, "want the TMF format text");
			r->format = keep_str(l->p, fmt->valuestring, strlen(fmt->valuestring));
		}
		if (fn) {
			AT("func");
			if (!cJSON_IsString(fn) || fn->valuestring[0] == '\0')
				return lerr(l, "want a function name");
			r->funclen = strlen(fn->valuestring);
			r->func = keep_str(l->p, fn->valuestring, r->funclen);
			r->fhash = fnv(r->func, r->funclen);
		}
		if (fr) {
			AT("friendly");
			if (!cJSON_IsString(fr))
				return lerr(l, "want the friendly name of the prefix");
			r->friendly_len = strlen(fr->valuestring);
			r->friendly = keep_str(l->p, fr->valuestring, r->friendly_len);
		}
		if (args) {
			size_t k = 0;

			AT("args");
			if (!cJSON_IsArray(args))
				return lerr(l, "want an array: the field of each TMF argument, in order (null to skip one)");
			if (tp)
				return lerr(l, "give args or template, not both");
			r->nargs = (size_t)cJSON_GetArraySize(args);
			if (r->nargs > OT_TMF_MAX_ARGS)
				return lerr(l, "more than %d arguments", OT_TMF_MAX_ARGS);
			r->args = keep(l->p, xcalloc(r->nargs + 1, 1));
			cJSON_ArrayForEach(e, args) {
				snprintf(l->path + base, sizeof(l->path) - base, ".args[%zu]", k);
				if (cJSON_IsNull(e)) {
					r->args[k++] = F_IGNORE;
					continue;
				}
				if (!cJSON_IsString(e) ||
				    (f = prof_fld_from_name(e->valuestring, strlen(e->valuestring))) < 0)
					return lerr(l, "unknown field '%s'",
						    cJSON_IsString(e) ? e->valuestring : "(not a string)");
				r->args[k++] = (uint8_t)f;
			}
		}
		if (tp) {
			char msg[400], *lit;

			AT("template");
			if (!cJSON_IsString(tp))
				return lerr(l, "want a template string");
			if (prof_compile(tp->valuestring, r, &lit, msg, sizeof(msg)) < 0)
				return lerr(l, "%s", msg);
			keep(l->p, r->segs);
			keep(l->p, lit);
		}
		l->path[base] = '\0';
		if (!fn && !tp && r->kind == R_TEXT)
			return lerr(l, "matches nothing: give func and/or template (text), guid/number/format (WPP) or provider/id (manifest)");
	}
	x = cJSON_GetObjectItemCaseSensitive(j, "set");
	if (x != NULL) {
		AT("set");
		if (load_set(l, x, r->set, &r->setmask) < 0)
			return -1;
	}
	x = cJSON_GetObjectItemCaseSensitive(j, "map");
	if (x != NULL) {
		AT("map");
		if (load_maps(l, x, r->map) < 0)
			return -1;
	}
#undef AT
	l->path[base] = '\0';
	/* the profile's constants and maps where the rule has none */
	for (f = 0; f < F_COUNT; f++) {
		if (!(r->setmask & (1u << f)) && (dmask & (1u << f))) {
			r->set[f] = dset[f];
			r->setmask |= 1u << f;
		}
		if (r->map[f].n == 0)
			r->map[f] = dmap[f];
	}
	/* every rule must say which ev it makes */
	has_ev = (r->setmask & 1u << F_EV) != 0;
	for (f = 0; !has_ev && (size_t)f < r->nsegs; f++)
		has_ev = r->segs[f].kind == S_CAP && r->segs[f].fld == F_EV;
	for (f = 0; !has_ev && (size_t)f < r->nargs; f++)
		has_ev = r->args[f] == F_EV;
	for (f = 0; !has_ev && (size_t)f < r->npl; f++)
		has_ev = r->pl_fld[f] == F_EV;
	if (!has_ev)
		return lerr(l, "no ev: set it (\"set\": {\"ev\": ...}) or capture it");
	return 0;
}

int
ot_profile_add_json(struct ot_profile *p, const char *json, size_t len,
		    const char *name, struct ot_err *err)
{
	static const char *const keys[] = {
		"profile", "description", "comment", "set", "map", "rules", "$schema", NULL
	};
	struct ld l;
	cJSON *root;
	const cJSON *rules, *e;
	struct val dset[F_COUNT];
	struct map dmap[F_COUNT];
	uint32_t dmask = 0;
	size_t n0 = p->n, nmem0 = p->nmem, i = 0, k;
	int rc = -1;

	memset(&l, 0, sizeof(l));
	memset(dset, 0, sizeof(dset));
	memset(dmap, 0, sizeof(dmap));
	l.p = p;
	l.name = name;
	l.err = err;
	root = cJSON_ParseWithLength(json, len);
	if (root == NULL) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = at && at >= json && at <= json + len ? (size_t)(at - json) : 0;
		size_t line = 1;

		for (k = 0; k < off; k++)
			line += json[k] == '\n';
		ot_errorf_at(err, OT_EINPUT, name, line, "not valid JSON (near byte %zu)", off);
		if (err != NULL) {
			err->offset = off;
			err->phase = "profile";
		}
		return -1;
	}
	if (!cJSON_IsObject(root)) {
		lerr(&l, "a profile is a JSON object");
		goto out;
	}
	cJSON_ArrayForEach(e, root)
		if (!known_key(e->string, keys)) {
			snprintf(l.path, sizeof(l.path), "%s", e->string);
			lerr(&l, "unknown key");
			goto out;
		}
	e = cJSON_GetObjectItemCaseSensitive(root, "profile");
	if (e != NULL && !cJSON_IsString(e)) {
		snprintf(l.path, sizeof(l.path), "profile");
		lerr(&l, "want the profile's name, a string");
		goto out;
	}
	e = cJSON_GetObjectItemCaseSensitive(root, "set");
	if (e != NULL) {
		snprintf(l.path, sizeof(l.path), "set");
		if (load_set(&l, e, dset, &dmask) < 0)
			goto out;
	}
	e = cJSON_GetObjectItemCaseSensitive(root, "map");
	if (e != NULL) {
		snprintf(l.path, sizeof(l.path), "map");
		if (load_maps(&l, e, dmap) < 0)
			goto out;
	}
	rules = cJSON_GetObjectItemCaseSensitive(root, "rules");
	snprintf(l.path, sizeof(l.path), "rules");
	if (!cJSON_IsArray(rules) || cJSON_GetArraySize(rules) == 0) {
		lerr(&l, "want a non-empty array of rules");
		goto out;
	}
	cJSON_ArrayForEach(e, rules) {
		if (p->n == OT_PROFILE_MAX_RULES) {
			lerr(&l, "more than %d rules", OT_PROFILE_MAX_RULES);
			goto out;
		}
		if (p->n == p->cap) {
			p->cap = p->cap ? 2 * p->cap : 32;
			p->r = xrealloc(p->r, st_mult(p->cap, sizeof(*p->r)));
		}
		if (load_rule(&l, e, i, dset, dmask, dmap, &p->r[p->n]) < 0)
			goto out;
		p->n++;
		i++;
	}
	rc = 0;
out:
	if (rc < 0) {
		/* forget this profile: its rules and memory */
		p->n = n0;
		for (k = nmem0; k < p->nmem; k++)
			free(p->mem[k]);
		p->nmem = nmem0;
	}
	index_rules(p);
	cJSON_Delete(root);
	return rc;
}

int
ot_profile_add_file(struct ot_profile *p, const char *path, struct ot_err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int rc;

	if (f == NULL) {
		ot_errorf_at(err, OT_EINPUT, path, 0, "cannot open: %s", strerror(errno));
		if (err != NULL)
			err->phase = "profile";
		return -1;
	}
	buf = xmalloc(OT_PROFILE_MAX_FILE + 1);
	n = fread(buf, 1, OT_PROFILE_MAX_FILE + 1, f);
	if (ferror(f) || n > OT_PROFILE_MAX_FILE) {
		ot_errorf_at(err, OT_EINPUT, path, 0, ferror(f) ? "cannot read" :
			     "profile larger than %u bytes", OT_PROFILE_MAX_FILE);
		if (err != NULL)
			err->phase = "profile";
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	rc = ot_profile_add_json(p, buf, n, path, err);
	free(buf);
	return rc;
}

int
ot_profile_add_builtin(struct ot_profile *p, const char *name, struct ot_err *err)
{
	if (strcmp(name, "chimney") == 0)
		return ot_profile_add_json(p, ot_profile_chimney_json,
					   strlen(ot_profile_chimney_json), "chimney (built-in)", err);
	return ot_errorf(err, OT_EUSAGE, "unknown built-in profile '%s'", name);
}

/* -------------------------------------------------------------------- */
/* typed scanners: text [s + *i, s + n) */

/* Hex digit values, -1 for other bytes (ot_hexval() as a table). */
static const signed char hexv[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, -1, -1, -1, -1, -1, -1,
	-1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/* Hex with an optional 0x and WinDbg's backtick after 8 digits; at most 16 digits. */
static int
scan_hex(const char *s, size_t n, size_t *i, struct val *v)
{
	size_t k = *i;
	unsigned digits = 0;
	uint64_t u = 0;

	if (k + 1 < n && s[k] == '0' && (s[k + 1] == 'x' || s[k + 1] == 'X'))
		k += 2;
	for (; k < n; k++) {
		int h = hexv[(unsigned char)s[k]];

		if (h < 0) {
			if (s[k] == '`' && digits == 8)
				continue;
			break;
		}
		if (++digits > 16)
			return -1;
		u = u << 4 | (unsigned)h;
	}
	if (digits == 0)
		return -1;
	v->num = 1;
	v->u = u;
	*i = k;
	return 0;
}

static int
scan_dec(const char *s, size_t n, size_t *i, int sign, struct val *v)
{
	size_t k = *i;
	uint64_t u = 0;
	int neg = 0;

	if (k + 1 < n && s[k] == '0' && (s[k + 1] == 'x' || s[k + 1] == 'X'))
		return scan_hex(s, n, i, v);
	if (sign && k < n && s[k] == '-') {
		neg = 1;
		k++;
	}
	if (k >= n || s[k] < '0' || s[k] > '9')
		return -1;
	while (k < n && s[k] >= '0' && s[k] <= '9') {
		unsigned d = (unsigned)(s[k] - '0');

		if (u > (UINT64_MAX - d) / 10)
			return -1;
		u = u * 10 + d;
		k++;
	}
	if (neg) {
		if (u > (uint64_t)INT64_MAX + 1)
			return -1;
		u = (uint64_t)0 - u;
	} else if (sign && u > (uint64_t)INT64_MAX) {
		return -1;
	}
	v->num = 1;
	v->u = u;
	*i = k;
	return 0;
}

static int
scan(const struct seg *sg, const char *s, size_t n, size_t *i, struct val *v)
{
	size_t st = *i, k = *i;
	int64_t sv;

	memset(v, 0, sizeof(*v));
	switch (sg->type) {
	case T_PTR:
	case T_HEX:
		if (scan_hex(s, n, i, v) < 0)
			return -1;
		break;
	case T_U8: case T_U16: case T_U32: case T_U64:
		if (scan_dec(s, n, i, 0, v) < 0)
			return -1;
		if ((sg->type == T_U8 && v->u > 0xFF) || (sg->type == T_U16 && v->u > 0xFFFF) ||
		    (sg->type == T_U32 && v->u > 0xFFFFFFFFu))
			return -1;
		break;
	case T_I32: case T_I64:
		if (scan_dec(s, n, i, 1, v) < 0)
			return -1;
		sv = (int64_t)v->u;
		if (sg->type == T_I32 && (sv < INT32_MIN || sv > INT32_MAX) &&
		    v->u > 0xFFFFFFFFu)
			return -1;
		break;
	case T_NTSTATUS:
		/* 0x%08x, tracefmt's %!STATUS! adds "(NAME)" */
		if (scan_hex(s, n, i, v) < 0 || v->u > 0xFFFFFFFFu)
			return -1;
		if (*i < n && s[*i] == '(') {
			k = *i + 1;
			while (k < n && s[k] != ')' && s[k] != ' ')
				k++;
			if (k < n && s[k] == ')')
				*i = k + 1;
		}
		break;
	case T_PORT:
		if (scan_dec(s, n, i, 0, v) < 0 || v->u > 65535)
			return -1;
		break;
	case T_IP:
		while (k < n && (hexv[(unsigned char)s[k]] >= 0 || s[k] == '.' || s[k] == ':'))
			k++;
		/* "10.0.0.1:445": the address ends before the port */
		while (!prof_valid_ip(s + st, k - st)) {
			while (k > st && s[k - 1] != ':')
				k--;
			if (k == st)
				return -1;
			k--;
		}
		v->str = 1;
		*i = k;
		break;
	case T_GUID:
		if (k < n && s[k] == '{')
			k++;
		while (k < n && (hexv[(unsigned char)s[k]] >= 0 || s[k] == '-'))
			k++;
		if (k < n && s[k] == '}' && s[st] == '{')
			k++;
		if (k - st < 36)
			return -1;
		v->str = 1;
		*i = k;
		break;
	case T_WORD: {
		const struct seg *nx = sg + 1;
		char stop = nx->kind == S_LIT ? nx->lit[0] : ' ';

		while (k < n && s[k] != ' ' && s[k] != '\t' && s[k] != stop)
			k++;
		if (k == st)
			return -1;
		v->str = 1;
		*i = k;
		break;
	}
	case T_STR: {
		const struct seg *nx = sg + 1;

		if (nx->kind != S_LIT) {
			k = n;	/* the last segment: the rest */
		} else {
			for (; k + nx->len <= n; k++)
				if (s[k] == nx->lit[0] && memcmp(s + k, nx->lit, nx->len) == 0)
					break;
			if (k + nx->len > n)
				return -1;
		}
		v->str = 1;
		*i = k;
		break;
	}
	default:
		return -1;
	}
	v->s = s + st;
	v->n = *i - st;
	return 0;
}

/*
 * Match a rule's template against [s, s + n): 1 and the captures in v, or
 * 0.  Optional groups are tried once where they stand.
 */
static int
match_template(const struct rule *r, const char *s, size_t n, struct val *v)
{
	size_t i = 0, pos = 0;
	long open = -1;		/* segment index of the group being tried */
	size_t gpos = 0;

	for (i = 0; i < r->ncaps; i++)
		memset(&v[i], 0, sizeof(v[i]));
	i = 0;
	while (i < r->nsegs) {
		const struct seg *sg = &r->segs[i];
		int ok = 1;

		switch (sg->kind) {
		case S_LIT:
			ok = pos + sg->len <= n && memcmp(s + pos, sg->lit, sg->len) == 0;
			if (ok)
				pos += sg->len;
			break;
		case S_CAP:
			ok = scan(sg, s, n, &pos, &v[sg->cap]) == 0;
			break;
		case S_OPEN:
			open = (long)i;
			gpos = pos;
			break;
		default:
			open = -1;
			break;
		}
		if (ok) {
			i++;
			continue;
		}
		if (open < 0)
			return 0;
		/* the group is not there: forget its captures, skip it */
		for (i = (size_t)open + 1; r->segs[i].kind != S_CLOSE; i++)
			if (r->segs[i].kind == S_CAP)
				memset(&v[r->segs[i].cap], 0, sizeof(v[0]));
		pos = gpos;
		i = r->segs[open].close + 1;
		open = -1;
	}
	return pos == n;
}

/* The fields of a rule's captures, in capture order. */
static void
cap_fields(const struct rule *r, uint8_t *flds)
{
	size_t i;

	for (i = 0; i < r->nsegs; i++)
		if (r->segs[i].kind == S_CAP)
			flds[r->segs[i].cap] = r->segs[i].fld;
}

static int
ident_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '~';
}

/*
 * The function a message starts with, in one of the forms drivers use:
 * "[Func] rest", "Func: rest", "!Func[123]!rest" (C++ "Class::Method" too).
 * 1 and func/rest set, or 0.
 */
static int
split_func(const char *s, size_t n, const char **func, size_t *flen, size_t *rest)
{
	size_t k = 0;

	if (n > 0 && s[0] == '[') {
		for (k = 1; k < n && s[k] != ']' && s[k] != ' '; k++)
			;
		if (k >= n || s[k] != ']' || k == 1)
			return 0;
		*func = s + 1;
		*flen = k - 1;
		k++;
		if (k < n && s[k] == ' ')
			k++;
		*rest = k;
		return 1;
	}
	if (n > 0 && s[0] == '!') {
		for (k = 1; k < n && (ident_char(s[k]) || s[k] == ':'); k++)
			;
		if (k == 1 || k >= n || s[k] != '[')
			return 0;
		*func = s + 1;
		*flen = k - 1;
		while (k < n && s[k] != '!')
			k++;
		if (k >= n)
			return 0;
		*rest = k + 1;
		return 1;
	}
	for (k = 0; k < n && (ident_char(s[k]) || (s[k] == ':' && k + 1 < n && s[k + 1] == ':')); k++)
		if (s[k] == ':')
			k++;
	if (k == 0 || k >= n || s[k] != ':' || (k + 1 < n && s[k + 1] != ' '))
		return 0;
	*func = s;
	*flen = k;
	*rest = k + 1 < n ? k + 2 : k + 1;
	return 1;
}

static int
try_text_rule(const struct rule *r, const char *friendly, size_t fl, const char *s,
	      size_t n, struct ot_strtab *st, struct ot_event *ev)
{
	struct val v[OT_PROFILE_MAX_CAPS];
	uint8_t flds[OT_PROFILE_MAX_CAPS];

	if (r->friendly != NULL &&
	    (friendly == NULL || fl != r->friendly_len || memcmp(friendly, r->friendly, fl) != 0))
		return 0;
	if (r->segs == NULL)
		return prof_apply(r, NULL, NULL, 0, st, ev);
	if (!match_template(r, s, n, v))
		return 0;
	cap_fields(r, flds);
	return prof_apply(r, flds, v, r->ncaps, st, ev);
}

/* Text rules on a message; deffunc (may be NULL) when it names no function. */
static int
match_text(const struct ot_profile *p, const char *friendly, size_t fl, const char *text,
	   size_t n, const char *deffunc, struct ot_strtab *st, struct ot_event *ev)
{
	const char *func = NULL;
	size_t flen = 0, rest = 0, k = 0;
	long j = -1;

	while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\r'))
		n--;
	if (!split_func(text, n, &func, &flen, &rest) && deffunc != NULL && deffunc[0]) {
		func = deffunc;
		flen = strlen(deffunc);
		rest = 0;
	}
	if (func != NULL && p->fcap > 0) {
		uint64_t h = fnv(func, flen);
		size_t b;

		for (b = h & (p->fcap - 1); p->ftab[b]; b = (b + 1) & (p->fcap - 1))
			if (p->r[p->ftab[b] - 1].fhash == h) {
				j = p->ftab[b] - 1;
				break;
			}
	}
	/* rules of this function and rules without one, in rule order */
	for (;;) {
		const struct rule *r;
		int use_func;

		while (j >= 0 && (p->r[j].funclen != flen || memcmp(p->r[j].func, func, flen) != 0))
			j = p->r[j].next_same;
		if (j < 0 && k >= p->nnofunc)
			return 0;
		use_func = j >= 0 && (k >= p->nnofunc || (size_t)j < p->nofunc[k]);
		if (use_func) {
			r = &p->r[j];
			j = r->next_same;
			if (try_text_rule(r, friendly, fl, text + rest, n - rest, st, ev))
				return 1;
		} else {
			r = &p->r[p->nofunc[k++]];
			if (try_text_rule(r, friendly, fl, text, n, st, ev))
				return 1;
		}
	}
}

int
ot_profile_match_text(const struct ot_profile *p, const char *friendly,
		      size_t friendly_len, const char *text, size_t n,
		      struct ot_strtab *st, struct ot_event *ev)
{
	return match_text(p, friendly, friendly_len, text, n, NULL, st, ev);
}

/* -------------------------------------------------------------------- */
/* binary WPP and manifest payloads */

/* scratch space for text made from binary values */
struct scratch {
	char b[4096];
	size_t used;
};

static char *
sc_alloc(struct scratch *sc, size_t n)
{
	char *p;

	if (sc->used + n > sizeof(sc->b))
		return NULL;
	p = sc->b + sc->used;
	sc->used += n;
	return p;
}

/* UTF-16LE (n bytes) to UTF-8 in scratch; unpaired surrogates as U+FFFD. */
static int
utf16_val(struct scratch *sc, const uint8_t *p, size_t n, struct val *v)
{
	char *o = sc_alloc(sc, 2 * n + 4), *s = o;
	size_t i;

	if (o == NULL)
		return -1;
	for (i = 0; i + 1 < n; i += 2) {
		uint32_t c = ot_le16(p + i);

		if (c >= 0xD800 && c < 0xDC00 && i + 3 < n && ot_le16(p + i + 2) >= 0xDC00 &&
		    ot_le16(p + i + 2) < 0xE000) {
			c = 0x10000 + ((c - 0xD800) << 10) + (ot_le16(p + i + 2) - 0xDC00);
			i += 2;
		} else if (c >= 0xD800 && c < 0xE000) {
			c = 0xFFFD;
		}
		if (c < 0x80) {
			*o++ = (char)c;
		} else if (c < 0x800) {
			*o++ = (char)(0xC0 | (c >> 6));
			*o++ = (char)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			*o++ = (char)(0xE0 | (c >> 12));
			*o++ = (char)(0x80 | ((c >> 6) & 0x3F));
			*o++ = (char)(0x80 | (c & 0x3F));
		} else {
			*o++ = (char)(0xF0 | (c >> 18));
			*o++ = (char)(0x80 | ((c >> 12) & 0x3F));
			*o++ = (char)(0x80 | ((c >> 6) & 0x3F));
			*o++ = (char)(0x80 | (c & 0x3F));
		}
	}
	text_val(v, s, (size_t)(o - s));
	return 0;
}

static int
addr_val(struct scratch *sc, int af, const uint8_t *p, struct val *v)
{
	char *o = sc_alloc(sc, OT_ADDR_MAX);

	if (o == NULL || inet_ntop(af, p, o, OT_ADDR_MAX) == NULL)
		return -1;
	text_val(v, o, strlen(o));
	return 0;
}

static int
guid_val(struct scratch *sc, const uint8_t *p, struct val *v)
{
	char *o = sc_alloc(sc, 37);

	if (o == NULL)
		return -1;
	ot_etl_guid_str(p, o);
	text_val(v, o, 36);
	return 0;
}

static int64_t
sext(uint64_t u, size_t n)
{
	if (n == 0 || n >= 8)
		return (int64_t)u;
	if (u & ((uint64_t)1 << (8 * n - 1)))
		return (int64_t)(u | ~(((uint64_t)1 << (8 * n)) - 1));
	return (int64_t)u;
}

/* A decoded TMF argument as a value. */
static int
wpp_val(struct scratch *sc, const struct ot_tmf_arg *ta, const struct ot_wpp_val *w,
	struct val *v)
{
	memset(v, 0, sizeof(*v));
	if (!w->ok)
		return -1;
	switch (ta->type) {
	case OT_TMF_STRING: case OT_TMF_RSTRING: case OT_TMF_PSTRING:
		text_val(v, (const char *)w->p, w->n);
		return 0;
	case OT_TMF_WSTRING: case OT_TMF_RWSTRING: case OT_TMF_PWSTRING:
		return utf16_val(sc, w->p, w->n, v);
	case OT_TMF_GUID: case OT_TMF_CLSID: case OT_TMF_LIBID: case OT_TMF_IID:
		return guid_val(sc, w->p, v);
	case OT_TMF_IPADDR:
		return addr_val(sc, AF_INET, w->p, v);
	case OT_TMF_IPV6ADDR:
		return addr_val(sc, AF_INET6, w->p, v);
	case OT_TMF_PORT:
		v->num = 1;
		v->u = (uint64_t)(w->p[0] << 8 | w->p[1]);
		return 0;
	case OT_TMF_SID: case OT_TMF_HEXDUMP: case OT_TMF_MACADDR: case OT_TMF_DOUBLE:
		return -1;
	case OT_TMF_CHAR: case OT_TMF_CHARSIGN: case OT_TMF_SHORT: case OT_TMF_LONG:
	case OT_TMF_LONGLONG:
		v->num = 1;
		v->u = (uint64_t)sext(w->u, w->n);
		return 0;
	case OT_TMF_LISTLONG: case OT_TMF_LISTSHORT: case OT_TMF_LISTBYTE:
		v->num = 1;
		v->u = w->u;
		if (w->u < ta->nnames) {
			v->str = 1;
			v->s = ta->names[w->u];
			v->n = strlen(v->s);
		}
		return 0;
	default:
		v->num = 1;
		v->u = w->u;
		return 0;
	}
}

static int
wpp_rule_selects(const struct rule *r, const struct ot_tmf_msg *tm, const struct ot_wpp_msg *m)
{
	if (r->has_guid && (!m->has_guid || memcmp(r->guid, m->guid, 16) != 0))
		return 0;
	if (r->number >= 0 && r->number != m->number)
		return 0;
	if (r->format != NULL && strcmp(r->format, tm->format) != 0)
		return 0;
	if (r->func != NULL && (r->funclen != strlen(tm->func) || memcmp(r->func, tm->func, r->funclen)))
		return 0;
	return 1;
}

int
ot_profile_match_wpp(const struct ot_profile *p, const struct ot_tmf_msg *tm,
		     const struct ot_wpp_msg *m, struct ot_strtab *st,
		     struct ot_event *ev, const char **why)
{
	static const struct ot_wpp_where nowhere;
	struct ot_wpp_val w[OT_TMF_MAX_ARGS];
	struct val v[OT_TMF_MAX_ARGS];
	struct scratch sc;
	char text[OT_WPP_MAX_TEXT];
	size_t i, k;
	int decoded = 0, rc;

	*why = NULL;
	sc.used = 0;
	for (i = 0; p->any_wpp && i < p->n; i++) {
		const struct rule *r = &p->r[i];

		if (r->kind != R_WPP || !wpp_rule_selects(r, tm, m))
			continue;
		if (r->segs != NULL) {
			if (ot_wpp_render(tm, m, &nowhere, OT_WPP_NO_PREFIX | OT_WPP_RAW_STRINGS,
					  text, sizeof(text), why) < 0)
				return -1;
			if (try_text_rule(r, tm->friendly, strlen(tm->friendly), text,
					  strlen(text), st, ev))
				return 1;
			continue;
		}
		if (!decoded) {
			if (ot_wpp_args(tm, m, w, why) < 0)
				return -1;
			decoded = 1;
		}
		sc.used = 0;
		for (k = 0; k < r->nargs && k < tm->nargs; k++)
			if (r->args[k] != F_IGNORE && wpp_val(&sc, &tm->args[k], &w[k], &v[k]) < 0)
				break;
		if (k < r->nargs)
			continue;	/* fewer arguments than the rule names, or one it cannot read */
		if (prof_apply(r, r->args, v, r->nargs, st, ev))
			return 1;
	}
	/* text rules on the rendered message */
	if ((rc = ot_wpp_render(tm, m, &nowhere, OT_WPP_NO_PREFIX | OT_WPP_RAW_STRINGS, text,
				sizeof(text), why)) < 0)
		return -1;
	return match_text(p, tm->friendly, strlen(tm->friendly), text, strlen(text), tm->func,
			  st, ev);
}

int
ot_profile_match_manifest(const struct ot_profile *p, const uint8_t guid[16],
			  uint16_t id, uint8_t version, const uint8_t *payload,
			  size_t len, unsigned ptr_size, struct ot_strtab *st,
			  struct ot_event *ev)
{
	struct val v[256];
	struct scratch sc;
	size_t i, k, off;

	for (i = 0; i < p->n; i++) {
		const struct rule *r = &p->r[i];
		int ok = 1;

		if (r->kind != R_MANIFEST || r->id != id || memcmp(r->provider, guid, 16) != 0 ||
		    (r->version >= 0 && r->version != version))
			continue;
		sc.used = 0;
		off = 0;
		for (k = 0; ok && k < r->npl && k < 256; k++) {
			size_t left = len - off, sz = 0;
			const uint8_t *q = payload + off;
			const uint8_t *nul;

			memset(&v[k], 0, sizeof(v[k]));
			switch (r->pl_type[k]) {
			case T_U8: sz = 1; break;
			case T_U16: case T_PORT: sz = 2; break;
			case T_U32: case T_I32: case T_NTSTATUS: case T_IPV4: sz = 4; break;
			case T_U64: case T_I64: sz = 8; break;
			case T_PTR: sz = ptr_size == 4 ? 4 : 8; break;
			case T_GUID: case T_IPV6: sz = 16; break;
			case T_ANSI:
				nul = memchr(q, 0, left);
				if (nul == NULL) {
					ok = 0;
					break;
				}
				text_val(&v[k], (const char *)q, (size_t)(nul - q));
				sz = (size_t)(nul - q) + 1;
				break;
			case T_UTF16:
				for (sz = 0; sz + 1 < left && (q[sz] | q[sz + 1]) != 0; sz += 2)
					;
				if (sz + 1 >= left || utf16_val(&sc, q, sz, &v[k]) < 0) {
					ok = 0;
					break;
				}
				sz += 2;
				break;
			default:
				ok = 0;
			}
			if (!ok || sz > left) {
				ok = 0;
				break;
			}
			switch (r->pl_type[k]) {
			case T_U8: v[k].num = 1; v[k].u = q[0]; break;
			case T_U16: v[k].num = 1; v[k].u = ot_le16(q); break;
			case T_PORT: v[k].num = 1; v[k].u = (uint64_t)(q[0] << 8 | q[1]); break;
			case T_U32: case T_NTSTATUS: v[k].num = 1; v[k].u = ot_le32(q); break;
			case T_I32: v[k].num = 1; v[k].u = (uint64_t)sext(ot_le32(q), 4); break;
			case T_U64: case T_I64: v[k].num = 1; v[k].u = ot_le64(q); break;
			case T_PTR: v[k].num = 1; v[k].u = sz == 4 ? ot_le32(q) : ot_le64(q); break;
			case T_GUID: ok = guid_val(&sc, q, &v[k]) == 0; break;
			case T_IPV4: ok = addr_val(&sc, AF_INET, q, &v[k]) == 0; break;
			case T_IPV6: ok = addr_val(&sc, AF_INET6, q, &v[k]) == 0; break;
			default: break;
			}
			off += sz;
		}
		if (ok && prof_apply(r, r->pl_fld, v, r->npl, st, ev))
			return 1;
	}
	return 0;
}

int
ot_profile_parse_guid(const char *s, uint8_t g[16])
{
	return parse_guid(s, g);
}

size_t
ot_profile_text_key(const char *text, size_t n, char *out, size_t cap)
{
	const char *func;
	size_t flen, rest, o = 0, k = 0, words = 0;

	if (cap == 0)
		return 0;
	if (split_func(text, n, &func, &flen, &rest)) {
		if (flen >= cap)
			flen = cap - 1;
		memcpy(out, func, flen);
		out[flen] = '\0';
		return flen;
	}
	/* the first three words, digits as '#' so that values do not split keys */
	while (k < n && (text[k] == ' ' || text[k] == '\t'))
		k++;
	for (; k < n && o + 1 < cap; k++) {
		char c = text[k];

		if (c == ' ' || c == '\t') {
			if (++words == 3)
				break;
			while (k + 1 < n && (text[k + 1] == ' ' || text[k + 1] == '\t'))
				k++;
			c = ' ';
		} else if (c >= '0' && c <= '9') {
			if (o > 0 && out[o - 1] == '#')
				continue;
			c = '#';
		} else if ((unsigned char)c < 0x20 || c == 0x7f) {
			c = '?';
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return o;
}
