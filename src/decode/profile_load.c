/*
 * profile_load.c - the profile handle and loading (profile.h, DESIGN.md
 * section 3): reading a profile with cJSON and checking it, with the JSON
 * path in every error; its templates go to the compiler (profile_tmpl.c)
 * and its constants to the field checks (profile_field.c), the only
 * profile files this calls.  Builds the rule table and the text dispatch
 * the matcher (profile_match.c) runs on.
 */
#include "profile_int.h"

#include <cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {c4a1f3e2-7b6d-4f58-8e21-3d9a0b7c5e64}: made up for the chimney vocabulary */
const uint8_t ot_chimney_wpp_guid[16] = {
	0xe2, 0xf3, 0xa1, 0xc4, 0x6d, 0x7b, 0x58, 0x4f,
	0x8e, 0x21, 0x3d, 0x9a, 0x0b, 0x7c, 0x5e, 0x64,
};

/* -------------------------------------------------------------------- */
/* the handle: memory and the text dispatch */

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
			char msg[400], *lit;	/* lerr()'s size: long names cut alike */

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

int
ot_profile_parse_guid(const char *s, uint8_t g[16])
{
	return parse_guid(s, g);
}
