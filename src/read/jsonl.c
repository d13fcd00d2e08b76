/*
 * jsonl.c - normalized events, one JSON object per line (DESIGN.md section 2,
 * schemas/event.schema.json).
 *
 * cJSON validates and parses each line.  Numbers are another matter: cJSON
 * keeps them as doubles, whose 53-bit mantissa cannot hold nanoseconds since
 * 1970 (the step there is 256 ns), so the digits of every integer field are
 * read from the line itself by a small scanner over the already-validated
 * top-level object.
 */
#include "offtrace/jsonl.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#define READ_CHUNK (1u << 20)

/* A raw value span of a top-level member, found by scan_members(). */
struct span {
	const char *p;
	size_t len;
};

enum field {
	F_TS, F_EV, F_CPU, F_PID, F_TID, F_ADAPTER, F_LAYER, F_ROOT, F_BLOCK,
	F_PARENT, F_STATE, F_SLOT, F_HANDLE, F_VALUE, F_STATUS, F_CODE,
	F_REASON, F_TUPLE, F_NBL, F_COUNT
};

#define FIELD(s) { s, sizeof(s) - 1 }
static const struct {
	const char *name;
	size_t len;
} fields[F_COUNT] = {
	FIELD("ts"), FIELD("ev"), FIELD("cpu"), FIELD("pid"), FIELD("tid"),
	FIELD("adapter"), FIELD("layer"), FIELD("root"), FIELD("block"),
	FIELD("parent"), FIELD("state"), FIELD("slot"), FIELD("handle"),
	FIELD("value"), FIELD("status"), FIELD("code"), FIELD("reason"),
	FIELD("tuple"), FIELD("nbl"),
};
#undef FIELD

static int
field_from_key(const char *k, size_t len)
{
	int i;

	for (i = 0; i < F_COUNT; i++)
		if (fields[i].len == len && k[0] == fields[i].name[0] &&
		    memcmp(fields[i].name, k, len) == 0)
			return i;
	return -1;
}

/* Skip a JSON string starting at s[i] == '"'; returns index after it. */
static size_t
skip_string(const char *s, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return len;
}

static size_t
skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i;
}

/* Skip any JSON value at s[i]; the text is known to be valid JSON. */
static size_t
skip_value(const char *s, size_t len, size_t i)
{
	int depth = 0;

	if (i < len && s[i] == '"')
		return skip_string(s, len, i);
	for (; i < len; i++) {
		char c = s[i];

		if (c == '"') {
			i = skip_string(s, len, i) - 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return i;
			if (--depth == 0)
				return i + 1;
		} else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' ||
					  c == '\r' || c == '\n')) {
			return i;
		}
	}
	return i;
}

/*
 * Record the raw span of each known member of the top-level object.  The
 * first occurrence of a key wins, as with cJSON_GetObjectItem.
 */
static void
scan_members(const char *s, size_t len, struct span spans[F_COUNT])
{
	size_t i = skip_ws(s, len, 0);

	if (i >= len || s[i] != '{')
		return;
	i++;
	for (;;) {
		size_t ks, ke, vs;
		int f;

		i = skip_ws(s, len, i);
		if (i >= len || s[i] != '"')
			return;
		ks = i + 1;
		i = skip_string(s, len, i);
		ke = i - 1;
		i = skip_ws(s, len, i);
		if (i >= len || s[i] != ':')
			return;
		i = skip_ws(s, len, i + 1);
		vs = i;
		i = skip_value(s, len, i);
		f = field_from_key(s + ks, ke - ks);
		if (f >= 0 && spans[f].p == NULL) {
			spans[f].p = s + vs;
			spans[f].len = i - vs;
		}
		i = skip_ws(s, len, i);
		if (i >= len || s[i] != ',')
			return;
		i++;
	}
}

/*
 * Does a raw value hold the escape \u0000?  cJSON decodes it to a NUL
 * byte, and a C string ends there: "nic\u0000<x>" would be stored as
 * "nic" and merged with the real adapter nic.  An escaped backslash
 * ("\\u0000") is text, not a NUL.
 */
static int
span_has_nul(const struct span *sp)
{
	size_t i;

	for (i = 0; i + 1 < sp->len; i++) {
		if (sp->p[i] != '\\')
			continue;
		if (sp->p[i + 1] == 'u' && i + 5 < sp->len && sp->p[i + 2] == '0' &&
		    sp->p[i + 3] == '0' && sp->p[i + 4] == '0' && sp->p[i + 5] == '0')
			return 1;
		i++;	/* the escaped character */
	}
	return 0;
}

/* A raw span that is a plain JSON integer (no fraction, no exponent). */
static int
span_int(const struct span *sp, int64_t *out)
{
	return ot_parse_i64(sp->p, sp->len, out);
}

/* Integer given as a JSON number or as a string "0x1a" / "26". */
static int
get_int(const cJSON *item, const struct span *sp, int64_t *out)
{
	uint64_t u;

	if (cJSON_IsNumber(item))
		return span_int(sp, out);
	if (cJSON_IsString(item)) {
		const char *v = item->valuestring;
		size_t n = strlen(v);

		if (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
			if (ot_parse_hex(v, n, &u) < 0 || u > INT64_MAX)
				return -1;
			*out = (int64_t)u;
			return 0;
		}
		return ot_parse_i64(v, n, out);
	}
	return -1;
}

/* Pointer: hex string (0x optional, WinDbg backtick) or a JSON integer. */
static int
get_ptr(const cJSON *item, const struct span *sp, uint64_t *out)
{
	int64_t v;

	if (cJSON_IsString(item))
		return ot_parse_hex(item->valuestring, strlen(item->valuestring), out);
	if (cJSON_IsNumber(item) && span_int(sp, &v) == 0 && v >= 0) {
		*out = (uint64_t)v;
		return 0;
	}
	return -1;
}

static int
bad(struct ot_err *err, const char *phase, const char *fmt, const char *what)
{
	err->phase = phase;
	return ot_errorf(err, OT_EINPUT, fmt, what);
}

static int
get_addr(const cJSON *o, const char *key, char *dst, struct ot_err *err)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	unsigned char buf[16];
	size_t n;

	if (!cJSON_IsString(it))
		return bad(err, "tuple", "tuple.%s: missing or not a string", key);
	n = strlen(it->valuestring);
	if (n >= OT_ADDR_MAX || (inet_pton(AF_INET, it->valuestring, buf) != 1 &&
				 inet_pton(AF_INET6, it->valuestring, buf) != 1))
		return bad(err, "tuple", "tuple.%s: not an IPv4 or IPv6 address", key);
	memcpy(dst, it->valuestring, n + 1);
	return 0;
}

static int
get_port(const cJSON *o, const char *key, uint16_t *dst, struct ot_err *err)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	/* ports are small: the double cJSON holds is exact */
	if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 65535 ||
	    it->valuedouble != (double)(int)it->valuedouble)
		return bad(err, "tuple", "tuple.%s: not a port number (0-65535)", key);
	*dst = (uint16_t)it->valueint;
	return 0;
}

/* One pass over the members: items[f] is the first member named field f. */
static void
collect(const cJSON *root, const cJSON *items[F_COUNT])
{
	const cJSON *c;
	int f;

	for (f = 0; f < F_COUNT; f++)
		items[f] = NULL;
	for (c = root->child; c != NULL; c = c->next) {
		if (c->string == NULL)
			continue;
		f = field_from_key(c->string, strlen(c->string));
		if (f >= 0 && items[f] == NULL)
			items[f] = c;
	}
}

/*
 * cJSON allocates every node with malloc.  While a line is parsed, its
 * nodes come from a per-thread bump arena instead, reset for each line;
 * anything else (and a line too big for the arena) uses malloc as usual.
 */
#define ARENA_SIZE (1u << 20)

static _Thread_local struct {
	char *buf;
	size_t used;
	int active;
} arena;

static void *
arena_malloc(size_t n)
{
	if (arena.active) {
		size_t need = (n + 15) & ~(size_t)15;

		if (arena.buf == NULL)
			arena.buf = xmalloc(ARENA_SIZE);
		if (need <= ARENA_SIZE - arena.used) {
			void *p = arena.buf + arena.used;

			arena.used += need;
			return p;
		}
	}
	return malloc(n);
}

static void
arena_free(void *p)
{
	if (arena.buf && (char *)p >= arena.buf && (char *)p < arena.buf + ARENA_SIZE)
		return;
	free(p);
}

void
ot_jsonl_thread_release(void)
{
	free(arena.buf);
	arena.buf = NULL;
	arena.used = 0;
}

static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void
install_hooks(void)
{
	cJSON_Hooks h = { arena_malloc, arena_free };

	cJSON_InitHooks(&h);
}

int
ot_jsonl_parse_line_cjson(const char *line, size_t len, struct ot_strtab *st,
			  struct ot_event *ev, struct ot_err *err)
{
	static const int ptr_fields[] = { F_ROOT, F_BLOCK, F_PARENT, F_SLOT,
					  F_HANDLE, F_VALUE, F_NBL };
	static const uint32_t ptr_has[] = { OT_HAS_ROOT, OT_HAS_BLOCK,
					    OT_HAS_PARENT, OT_HAS_SLOT,
					    OT_HAS_HANDLE, OT_HAS_VALUE,
					    OT_HAS_NBL };
	struct span spans[F_COUNT];
	uint64_t *ptr_dst[7];
	cJSON *root = NULL;
	const cJSON *it, *items[F_COUNT];
	int ret = -1, k;
	int64_t v;

	memset(spans, 0, sizeof(spans));
	memset(ev, 0, sizeof(*ev));
	ev->adapter = ot_intern(st, "", 0);
	ot_event_ptrs(ev, ptr_dst);

	pthread_once(&hooks_once, install_hooks);
	arena.used = 0;
	arena.active = 1;
	root = cJSON_ParseWithLength(line, len);
	arena.active = 0;
	if (root == NULL) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = at && at >= line && at <= line + len ? (size_t)(at - line) : 0;

		err->phase = "json";
		ot_errorf(err, OT_EINPUT, "invalid JSON near column %zu", off + 1);
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		bad(err, "json", "%s", "not a JSON object");
		goto out;
	}
	scan_members(line, len, spans);
	collect(root, items);
	for (k = 0; k < F_COUNT; k++)
		if (spans[k].p != NULL && span_has_nul(&spans[k])) {
			err->phase = fields[k].name;
			ot_errorf(err, OT_EINPUT, "\"%s\": holds \\u0000 (a NUL character), which offtrace cannot store",
				  fields[k].name);
			goto out;
		}

	/* ts: integer ns, or RFC 3339 */
	it = items[F_TS];
	if (it == NULL) {
		bad(err, "ts", "%s", "missing \"ts\"");
		goto out;
	}
	if (cJSON_IsNumber(it)) {
		if (span_int(&spans[F_TS], &ev->ts) < 0) {
			bad(err, "ts", "%s", "\"ts\": not an integer number of nanoseconds");
			goto out;
		}
	} else if (cJSON_IsString(it)) {
		const char *s = it->valuestring;
		size_t n = strlen(s);

		if (ot_parse_i64(s, n, &ev->ts) < 0 && ot_parse_rfc3339(s, n, &ev->ts) < 0) {
			bad(err, "ts", "\"ts\": not RFC 3339 or integer ns: '%.64s'", s);
			goto out;
		}
	} else {
		bad(err, "ts", "%s", "\"ts\": must be an integer or a string");
		goto out;
	}

	it = items[F_EV];
	if (it == NULL) {
		bad(err, "ev", "%s", "missing \"ev\"");
		goto out;
	}
	if (!cJSON_IsString(it) ||
	    (k = ot_ev_from_name(it->valuestring, strlen(it->valuestring))) < 0) {
		bad(err, "ev", "unknown \"ev\" value '%.64s'",
		    cJSON_IsString(it) ? it->valuestring : "(not a string)");
		goto out;
	}
	ev->ev = (enum ot_ev)k;

	if ((it = items[F_CPU]) != NULL) {
		if (get_int(it, &spans[F_CPU], &v) < 0 || v < 0 || v > INT32_MAX) {
			bad(err, "cpu", "%s", "\"cpu\": not a non-negative integer");
			goto out;
		}
		ev->cpu = (int32_t)v;
		ev->has |= OT_HAS_CPU;
	}
	if ((it = items[F_PID]) != NULL) {
		if (get_int(it, &spans[F_PID], &v) < 0 || v < 0 || v > UINT32_MAX) {
			bad(err, "pid", "%s", "\"pid\": not a non-negative integer");
			goto out;
		}
		ev->pid = (int32_t)v;
		ev->has |= OT_HAS_PID;
	}
	if ((it = items[F_TID]) != NULL) {
		if (get_int(it, &spans[F_TID], &v) < 0 || v < 0 || v > UINT32_MAX) {
			bad(err, "tid", "%s", "\"tid\": not a non-negative integer");
			goto out;
		}
		ev->tid = (int32_t)v;
		ev->has |= OT_HAS_TID;
	}
	if ((it = items[F_ADAPTER]) != NULL) {
		size_t n;

		if (!cJSON_IsString(it) || (n = strlen(it->valuestring)) > 255) {
			bad(err, "adapter", "%s", "\"adapter\": not a string of at most 255 bytes");
			goto out;
		}
		ev->adapter = ot_intern(st, it->valuestring, n);
	}
	if ((it = items[F_LAYER]) != NULL) {
		if (!cJSON_IsString(it) ||
		    (k = ot_layer_from_name(it->valuestring, strlen(it->valuestring))) < 0) {
			bad(err, "layer", "%s", "\"layer\": must be \"target\", \"im\" or \"host\"");
			goto out;
		}
		ev->layer = (enum ot_layer)k;
	}
	if ((it = items[F_STATE]) != NULL) {
		k = -1;
		if (cJSON_IsString(it))
			k = ot_state_from_name(it->valuestring, strlen(it->valuestring));
		else if (cJSON_IsNumber(it) && span_int(&spans[F_STATE], &v) == 0 &&
			 (v == 4 || v == 8 || v == 12 || v == 17))
			k = (int)v;
		if (k < 0) {
			bad(err, "state", "%s", "\"state\": must be \"neighbor\", \"ip4\", \"ip6\" or \"tcp\"");
			goto out;
		}
		ev->state = (enum ot_state)k;
		ev->has |= OT_HAS_STATE;
	}
	for (k = 0; k < 7; k++) {
		int f = ptr_fields[k];

		if ((it = items[f]) == NULL || cJSON_IsNull(it))
			continue;
		if (get_ptr(it, &spans[f], ptr_dst[k]) < 0) {
			err->phase = fields[f].name;
			ot_errorf(err, OT_EINPUT, "\"%s\": bad hex pointer '%.64s'",
				  fields[f].name,
				  cJSON_IsString(it) ? it->valuestring : "(not a string)");
			goto out;
		}
		ev->has |= ptr_has[k];
	}
	if ((it = items[F_STATUS]) != NULL) {
		uint64_t u;

		if (cJSON_IsString(it)) {
			if (ot_parse_hex(it->valuestring, strlen(it->valuestring), &u) < 0 ||
			    u > UINT32_MAX) {
				bad(err, "status", "\"status\": bad hex status '%.64s'",
				    it->valuestring);
				goto out;
			}
		} else if (get_int(it, &spans[F_STATUS], &v) == 0 && v >= INT32_MIN &&
			   v <= UINT32_MAX) {
			u = (uint32_t)v;
		} else {
			bad(err, "status", "%s", "\"status\": not a 32-bit NDIS_STATUS");
			goto out;
		}
		ev->status = (uint32_t)u;
		ev->has |= OT_HAS_STATUS;
	}
	if ((it = items[F_CODE]) != NULL) {
		if (get_int(it, &spans[F_CODE], &ev->code) < 0) {
			bad(err, "code", "%s", "\"code\": not an integer");
			goto out;
		}
		ev->has |= OT_HAS_CODE;
	}
	if ((it = items[F_REASON]) != NULL) {
		if (get_int(it, &spans[F_REASON], &ev->reason) < 0) {
			bad(err, "reason", "%s", "\"reason\": not an integer");
			goto out;
		}
		ev->has |= OT_HAS_REASON;
	}
	if ((it = items[F_TUPLE]) != NULL && !cJSON_IsNull(it)) {
		if (!cJSON_IsObject(it)) {
			bad(err, "tuple", "%s", "\"tuple\": not an object");
			goto out;
		}
		if (get_addr(it, "src", ev->tuple.src, err) < 0 ||
		    get_addr(it, "dst", ev->tuple.dst, err) < 0 ||
		    get_port(it, "sport", &ev->tuple.sport, err) < 0 ||
		    get_port(it, "dport", &ev->tuple.dport, err) < 0)
			goto out;
		ev->has |= OT_HAS_TUPLE;
	}
	ret = 0;
out:
	cJSON_Delete(root);
	return ret;
}

/* ---------------------------------------------------------------------
 * The fast path.  Nearly every line offtrace reads is a flat object of
 * plain strings and integers (gen's, and what converters write); cJSON
 * built a tree of mallocs for each and took 2/3 of a JSON-lines ingest's
 * reading thread, the bottleneck of the whole ingest.  fast_parse() reads
 * such a line in one pass and fills the event exactly as the cJSON path
 * would; anything else (an escape, a byte outside printable ASCII in a
 * string, a fraction or exponent, true/false/null, a nested value other
 * than the tuple, a repeated field, a value the field refuses) and it gives
 * up and the line goes through cJSON, which decides and words any error.
 * tests/unit/test_jsonl.c and the fuzz harness check that the two agree.
 */

struct fval {
	const char *p;
	size_t len;
	int str;		/* a string (p, len: its bytes), else an integer */
};

static inline size_t
fast_ws(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* A string of bytes 0x20..0x7e without '\\', or -?[0-9]+ ending at a delimiter. */
static int
fast_value(const char *s, size_t len, size_t *pi, struct fval *v)
{
	size_t i = *pi, st;

	if (i < len && s[i] == '"') {
		st = ++i;
		while (i < len && s[i] != '"') {
			unsigned char c = (unsigned char)s[i];

			if (c < 0x20 || c > 0x7e || c == '\\')
				return -1;
			i++;
		}
		if (i == len)
			return -1;
		v->p = s + st;
		v->len = i - st;
		v->str = 1;
		*pi = i + 1;
		return 0;
	}
	st = i;
	if (i < len && s[i] == '-')
		i++;
	if (i == len || s[i] < '0' || s[i] > '9')
		return -1;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i < len && s[i] != ',' && s[i] != '}' && s[i] != ' ' && s[i] != '\t')
		return -1;
	v->p = s + st;
	v->len = i - st;
	v->str = 0;
	*pi = i;
	return 0;
}

/* A key: '"' bytes 0x20..0x7e without '\\' '"' then ':'; *pi after the ':'. */
static int
fast_key(const char *s, size_t len, size_t *pi, const char **k, size_t *kl)
{
	struct fval v;
	size_t i = *pi;

	if (i >= len || s[i] != '"' || fast_value(s, len, &i, &v) < 0)
		return -1;
	i = fast_ws(s, len, i);
	if (i >= len || s[i] != ':')
		return -1;
	*k = v.p;
	*kl = v.len;
	*pi = fast_ws(s, len, i + 1);
	return 0;
}

/* get_int() of the cJSON path */
static int
fast_int(const struct fval *v, int64_t *out)
{
	uint64_t u;

	if (!v->str)
		return ot_parse_i64(v->p, v->len, out);
	if (v->len > 2 && v->p[0] == '0' && (v->p[1] == 'x' || v->p[1] == 'X')) {
		if (ot_parse_hex(v->p, v->len, &u) < 0 || u > INT64_MAX)
			return -1;
		*out = (int64_t)u;
		return 0;
	}
	return ot_parse_i64(v->p, v->len, out);
}

/* get_addr() of the cJSON path */
static int
fast_addr(const struct fval *v, char *dst)
{
	unsigned char buf[16];
	char tmp[OT_ADDR_MAX];

	if (!v->str || v->len >= OT_ADDR_MAX)
		return -1;
	memcpy(tmp, v->p, v->len);
	tmp[v->len] = '\0';
	if (inet_pton(AF_INET, tmp, buf) != 1 && inet_pton(AF_INET6, tmp, buf) != 1)
		return -1;
	memcpy(dst, tmp, v->len + 1);
	return 0;
}

/* get_port() of the cJSON path: an integer 0..65535 */
static int
fast_port(const struct fval *v, uint16_t *dst)
{
	int64_t n;

	if (v->str || ot_parse_i64(v->p, v->len, &n) < 0 || n < 0 || n > 65535)
		return -1;
	*dst = (uint16_t)n;
	return 0;
}

/* "tuple":{"src":"..","sport":N,"dst":"..","dport":N} (any order) */
static int
fast_tuple(const char *s, size_t len, size_t *pi, struct ot_tuple *t)
{
	static const char *const names[4] = { "src", "sport", "dst", "dport" };
	struct fval v[4];
	unsigned seen = 0;
	size_t i = *pi, kl;
	const char *k;
	int n;

	if (i >= len || s[i] != '{')
		return -1;
	i = fast_ws(s, len, i + 1);
	for (;;) {
		struct fval x;

		if (fast_key(s, len, &i, &k, &kl) < 0 || fast_value(s, len, &i, &x) < 0)
			return -1;
		for (n = 0; n < 4; n++)
			if (strlen(names[n]) == kl && memcmp(names[n], k, kl) == 0)
				break;
		if (n < 4) {
			if (seen & (1u << n))
				return -1;
			seen |= 1u << n;
			v[n] = x;
		}
		i = fast_ws(s, len, i);
		if (i < len && s[i] == ',') {
			i = fast_ws(s, len, i + 1);
			continue;
		}
		if (i < len && s[i] == '}')
			break;
		return -1;
	}
	if (seen != 15 || fast_addr(&v[0], t->src) < 0 || fast_addr(&v[2], t->dst) < 0 ||
	    fast_port(&v[1], &t->sport) < 0 || fast_port(&v[3], &t->dport) < 0)
		return -1;
	*pi = i + 1;
	return 0;
}

/* 0 and ev filled, or -1: give the line to cJSON (ev is reset there). */
static int
fast_parse(const char *s, size_t len, struct ot_strtab *st, struct ot_event *ev)
{
	static const int ptr_fields[OT_EV_NPTRS] = { F_ROOT, F_BLOCK, F_PARENT, F_SLOT,
						     F_HANDLE, F_VALUE, F_NBL };
	static const uint32_t ptr_has[OT_EV_NPTRS] = { OT_HAS_ROOT, OT_HAS_BLOCK,
						       OT_HAS_PARENT, OT_HAS_SLOT,
						       OT_HAS_HANDLE, OT_HAS_VALUE,
						       OT_HAS_NBL };
	struct fval v[F_COUNT];
	uint64_t *ptr_dst[OT_EV_NPTRS];
	uint32_t seen = 0;
	size_t i = fast_ws(s, len, 0), kl;
	const char *k;
	int64_t n;
	int f;

	if (i >= len || s[i] != '{')
		return -1;
	i = fast_ws(s, len, i + 1);
	for (;;) {
		struct fval x;

		if (fast_key(s, len, &i, &k, &kl) < 0)
			return -1;
		f = field_from_key(k, kl);
		if (f == F_TUPLE) {
			if (seen & (1u << F_TUPLE) || fast_tuple(s, len, &i, &ev->tuple) < 0)
				return -1;
			seen |= 1u << F_TUPLE;
		} else {
			if (fast_value(s, len, &i, &x) < 0)
				return -1;
			if (f >= 0) {
				if (seen & (1u << f))
					return -1;
				seen |= 1u << f;
				v[f] = x;
			}
		}
		i = fast_ws(s, len, i);
		if (i < len && s[i] == ',') {
			i = fast_ws(s, len, i + 1);
			continue;
		}
		if (i < len && s[i] == '}')
			break;
		return -1;
	}
	/* what follows the object: cJSON ignores it, so let it look */
	for (i++; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return -1;
	if (!(seen & (1u << F_TS)) || !(seen & (1u << F_EV)))
		return -1;

	ev->adapter = ot_intern(st, "", 0);
	if (v[F_TS].str) {
		if (ot_parse_i64(v[F_TS].p, v[F_TS].len, &ev->ts) < 0 &&
		    ot_parse_rfc3339(v[F_TS].p, v[F_TS].len, &ev->ts) < 0)
			return -1;
	} else if (ot_parse_i64(v[F_TS].p, v[F_TS].len, &ev->ts) < 0) {
		return -1;
	}
	if (!v[F_EV].str || (f = ot_ev_from_name(v[F_EV].p, v[F_EV].len)) < 0)
		return -1;
	ev->ev = (enum ot_ev)f;
	if (seen & (1u << F_CPU)) {
		if (fast_int(&v[F_CPU], &n) < 0 || n < 0 || n > INT32_MAX)
			return -1;
		ev->cpu = (int32_t)n;
		ev->has |= OT_HAS_CPU;
	}
	if (seen & (1u << F_PID)) {
		if (fast_int(&v[F_PID], &n) < 0 || n < 0 || n > UINT32_MAX)
			return -1;
		ev->pid = (int32_t)n;
		ev->has |= OT_HAS_PID;
	}
	if (seen & (1u << F_TID)) {
		if (fast_int(&v[F_TID], &n) < 0 || n < 0 || n > UINT32_MAX)
			return -1;
		ev->tid = (int32_t)n;
		ev->has |= OT_HAS_TID;
	}
	if (seen & (1u << F_ADAPTER)) {
		if (!v[F_ADAPTER].str || v[F_ADAPTER].len > 255)
			return -1;
		ev->adapter = ot_intern(st, v[F_ADAPTER].p, v[F_ADAPTER].len);
	}
	if (seen & (1u << F_LAYER)) {
		if (!v[F_LAYER].str ||
		    (f = ot_layer_from_name(v[F_LAYER].p, v[F_LAYER].len)) < 0)
			return -1;
		ev->layer = (enum ot_layer)f;
	}
	if (seen & (1u << F_STATE)) {
		f = -1;
		if (v[F_STATE].str)
			f = ot_state_from_name(v[F_STATE].p, v[F_STATE].len);
		else if (ot_parse_i64(v[F_STATE].p, v[F_STATE].len, &n) == 0 &&
			 (n == 4 || n == 8 || n == 12 || n == 17))
			f = (int)n;
		if (f < 0)
			return -1;
		ev->state = (enum ot_state)f;
		ev->has |= OT_HAS_STATE;
	}
	ot_event_ptrs(ev, ptr_dst);
	for (f = 0; f < OT_EV_NPTRS; f++) {
		const struct fval *x = &v[ptr_fields[f]];

		if (!(seen & (1u << ptr_fields[f])))
			continue;
		if (x->str) {
			if (ot_parse_hex(x->p, x->len, ptr_dst[f]) < 0)
				return -1;
		} else {
			if (ot_parse_i64(x->p, x->len, &n) < 0 || n < 0)
				return -1;
			*ptr_dst[f] = (uint64_t)n;
		}
		ev->has |= ptr_has[f];
	}
	if (seen & (1u << F_STATUS)) {
		uint64_t u;

		if (v[F_STATUS].str) {
			if (ot_parse_hex(v[F_STATUS].p, v[F_STATUS].len, &u) < 0 || u > UINT32_MAX)
				return -1;
		} else if (ot_parse_i64(v[F_STATUS].p, v[F_STATUS].len, &n) == 0 &&
			   n >= INT32_MIN && n <= UINT32_MAX) {
			u = (uint32_t)n;
		} else {
			return -1;
		}
		ev->status = (uint32_t)u;
		ev->has |= OT_HAS_STATUS;
	}
	if (seen & (1u << F_CODE)) {
		if (fast_int(&v[F_CODE], &ev->code) < 0)
			return -1;
		ev->has |= OT_HAS_CODE;
	}
	if (seen & (1u << F_REASON)) {
		if (fast_int(&v[F_REASON], &ev->reason) < 0)
			return -1;
		ev->has |= OT_HAS_REASON;
	}
	if (seen & (1u << F_TUPLE))
		ev->has |= OT_HAS_TUPLE;
	return 0;
}

int
ot_jsonl_parse_line(const char *line, size_t len, struct ot_strtab *st,
		    struct ot_event *ev, struct ot_err *err)
{
	memset(ev, 0, sizeof(*ev));
	if (fast_parse(line, len, st, ev) == 0)
		return 0;
	return ot_jsonl_parse_line_cjson(line, len, st, ev, err);
}

struct ot_jsonl {
	FILE *f;
	char *name;
	uint32_t input;
	struct ot_strtab *st;
	char *buf;		/* READ_CHUNK + OT_JSONL_MAX_LINE + 1 */
	size_t cap, start, end;	/* unread bytes are buf[start..end) */
	int eof;
	uint64_t bytes, lineno;
	uint64_t line_offset;	/* byte offset of the last line returned */
	struct ot_sha256 sha;
};

struct ot_jsonl *
ot_jsonl_open(FILE *f, const char *name, uint32_t input, struct ot_strtab *st)
{
	struct ot_jsonl *r = xcalloc(1, sizeof(*r));

	r->f = f;
	r->name = xstrdup(name);
	r->input = input;
	r->st = st;
	r->cap = READ_CHUNK + OT_JSONL_MAX_LINE + 2;
	r->buf = xmalloc(r->cap);
	ot_sha256_init(&r->sha);
	return r;
}

/* Refill so that buf[start..end) holds a whole line or the rest of the file. */
static int
refill(struct ot_jsonl *r, struct ot_err *err)
{
	size_t n;

	if (r->eof)
		return 0;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	n = fread(r->buf + r->end, 1, r->cap - r->end - 1, r->f);
	if (n == 0) {
		if (ferror(r->f)) {
			err->phase = "read";
			return ot_errorf_at(err, OT_EINPUT, r->name, r->lineno + 1,
					    "read error");
		}
		r->eof = 1;
		return 0;
	}
	ot_sha256_update(&r->sha, r->buf + r->end, n);
	r->end += n;
	return 1;
}

int
ot_jsonl_next(struct ot_jsonl *r, struct ot_event *ev, struct ot_err *err)
{
	for (;;) {
		char *p = r->buf + r->start, *nl, *nul;
		size_t avail = r->end - r->start, len, adv;

		nl = memchr(p, '\n', avail);
		if (nl == NULL) {
			if (avail > OT_JSONL_MAX_LINE) {
				err->phase = "line";
				err->offset = r->bytes;
				return ot_errorf_at(err, OT_EINPUT, r->name, r->lineno + 1,
						    "line longer than %u bytes", OT_JSONL_MAX_LINE);
			}
			if (!r->eof) {
				if (refill(r, err) < 0)
					return -1;
				continue;
			}
			if (avail == 0)
				return 0;
			len = avail;	/* last line without a newline */
			adv = avail;
		} else {
			len = (size_t)(nl - p);
			adv = len + 1;
		}
		r->lineno++;
		r->bytes += adv;
		r->start += adv;
		r->line_offset = r->bytes - adv;
		if (len > OT_JSONL_MAX_LINE) {
			err->phase = "line";
			err->offset = r->line_offset;
			return ot_errorf_at(err, OT_EINPUT, r->name, r->lineno,
					    "line longer than %u bytes", OT_JSONL_MAX_LINE);
		}
		if ((nul = memchr(p, '\0', len)) != NULL) {
			err->phase = "line";
			err->offset = r->bytes - adv + (uint64_t)(nul - p);
			return ot_errorf_at(err, OT_EINPUT, r->name, r->lineno,
					    "binary data (a NUL byte): not a JSON-lines file");
		}
		if (len > 0 && p[len - 1] == '\r')
			len--;
		/* blank lines are allowed (editors add them) */
		if (len == 0 || strspn(p, " \t") >= len)
			continue;
		if (ot_jsonl_parse_line(p, len, r->st, ev, err) < 0) {
			snprintf(err->file, sizeof(err->file), "%s", r->name);
			err->line = r->lineno;
			err->offset = r->bytes - adv;
			return -1;
		}
		ev->input = r->input;
		ev->line = r->lineno;
		return 1;
	}
}

uint64_t
ot_jsonl_bytes(const struct ot_jsonl *r)
{
	return r->bytes;
}

uint64_t
ot_jsonl_line_offset(const struct ot_jsonl *r)
{
	return r->line_offset;
}

uint64_t
ot_jsonl_lines(const struct ot_jsonl *r)
{
	return r->lineno;
}

void
ot_jsonl_sha256(struct ot_jsonl *r, char hex[65])
{
	struct ot_sha256 c = r->sha;

	ot_sha256_final(&c, hex);
}

void
ot_jsonl_close(struct ot_jsonl *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->buf);
	free(r);
}
