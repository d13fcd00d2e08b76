/*
 * tlg.c - TraceLogging metadata (EVENT_SCHEMA_TL, extended item 11) and
 * payload decoding, provider name from the traits item (12).
 *
 * Layout (../shared/FORMATS.md 1.6, after airbus etl-parser
 * etl/parsers/tracelogging.py):
 *
 *   metadata: u16 size | tag byte(s), 0x80 = another follows |
 *             event name NUL | fields...
 *   field:    name NUL | u8 InType (0x80: u8 OutType follows;
 *             OutType 0x80: u32 field tag follows) |
 *             u16 count when InType & 0x60 == 0x20 (constant-count array)
 *   payload:  values back to back; a variable-count array (0x40) starts
 *             with a u16 element count.
 *   traits:   u16 size | provider name NUL | traits...
 */
#include "offtrace/tlg.h"
#include "offtrace/etl.h"
#include "offtrace/util.h"

#include <inttypes.h>
#include <string.h>

/* TlgIn* (InType low 5 bits) */
enum {
	IN_UNICODESTRING = 1, IN_ANSISTRING, IN_INT8, IN_UINT8, IN_INT16, IN_UINT16,
	IN_INT32, IN_UINT32, IN_INT64, IN_UINT64, IN_FLOAT, IN_DOUBLE, IN_BOOL32,
	IN_BINARY, IN_GUID, IN_POINTER, IN_FILETIME, IN_SYSTEMTIME, IN_SID,
	IN_HEXINT32, IN_HEXINT64, IN_COUNTEDSTRING, IN_COUNTEDANSISTRING, IN_STRUCT,
	IN_COUNTEDBINARY
};

/* Bounds-checked little-endian cursor (STYLE.md P3). */
struct tc {
	const uint8_t *p;
	size_t len, off;
};

static int
tc_bytes(struct tc *c, size_t n, const uint8_t **out)
{
	if (n > c->len - c->off)
		return -1;
	*out = c->p + c->off;
	c->off += n;
	return 0;
}

static int
tc_u8(struct tc *c, uint8_t *v)
{
	const uint8_t *b;

	if (tc_bytes(c, 1, &b) < 0)
		return -1;
	*v = b[0];
	return 0;
}

static int
tc_u16(struct tc *c, uint16_t *v)
{
	const uint8_t *b;

	if (tc_bytes(c, 2, &b) < 0)
		return -1;
	*v = (uint16_t)(b[0] | b[1] << 8);
	return 0;
}

static int
tc_u32(struct tc *c, uint32_t *v)
{
	const uint8_t *b;

	if (tc_bytes(c, 4, &b) < 0)
		return -1;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return 0;
}

static int
tc_u64(struct tc *c, uint64_t *v)
{
	uint32_t lo, hi;

	if (c->len - c->off < 8 || tc_u32(c, &lo) < 0 || tc_u32(c, &hi) < 0)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

/* A NUL-terminated string inside the cursor's bytes. */
static int
tc_cstr(struct tc *c, const char **s)
{
	const uint8_t *z = memchr(c->p + c->off, 0, c->len - c->off);

	if (z == NULL)
		return -1;
	*s = (const char *)(c->p + c->off);
	c->off = (size_t)(z - c->p) + 1;
	return 0;
}

int
ot_tlg_meta(const uint8_t *p, size_t n, struct ot_tlg_event *ev, const char **why)
{
	struct tc c;
	uint16_t size;
	uint8_t b;
	int i;

	ev->nf = 0;
	ev->name = NULL;
	c.p = p;
	c.len = n;
	c.off = 0;
	if (tc_u16(&c, &size) < 0 || size < 2) {
		*why = "truncated TraceLogging metadata";
		return -1;
	}
	if (size < c.len)
		c.len = size;
	for (i = 0; i < 4; i++) {
		if (tc_u8(&c, &b) < 0) {
			*why = "truncated TraceLogging event tag";
			return -1;
		}
		if (!(b & 0x80))
			break;
	}
	if (tc_cstr(&c, &ev->name) < 0) {
		*why = "unterminated TraceLogging event name";
		return -1;
	}
	while (c.off < c.len) {
		struct ot_tlg_field *f;
		uint8_t in, out = 0;
		uint32_t tag;

		if (ev->nf >= OT_TLG_MAX_FIELDS) {
			*why = "too many TraceLogging fields";
			return -1;
		}
		f = &ev->f[ev->nf];
		memset(f, 0, sizeof(*f));
		if (tc_cstr(&c, &f->name) < 0 || tc_u8(&c, &in) < 0) {
			*why = "truncated TraceLogging field";
			return -1;
		}
		if ((in & 0x80) && tc_u8(&c, &out) < 0) {
			*why = "truncated TraceLogging OutType";
			return -1;
		}
		if ((out & 0x80) && tc_u32(&c, &tag) < 0) {
			*why = "truncated TraceLogging field tag";
			return -1;
		}
		f->in = in & 0x1F;
		f->out = out & 0x7F;
		switch (in & 0x60) {
		case 0x00:
			f->array = OT_TLG_SCALAR;
			break;
		case 0x20:
			f->array = OT_TLG_CONST_ARRAY;
			if (tc_u16(&c, &f->count) < 0) {
				*why = "truncated TraceLogging array count";
				return -1;
			}
			break;
		case 0x40:
			f->array = OT_TLG_VAR_ARRAY;
			break;
		default:
			*why = "custom-schema TraceLogging field not supported";
			return -1;
		}
		ev->nf++;
	}
	return 0;
}

int
ot_tlg_provider(const uint8_t *p, size_t n, const char **name)
{
	struct tc c;
	uint16_t size;

	c.p = p;
	c.len = n;
	c.off = 0;
	if (tc_u16(&c, &size) < 0)
		return -1;
	if (size >= 2 && size < c.len)
		c.len = size;
	return tc_cstr(&c, name);
}

void
ot_tlg_hex(FILE *f, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		putc(hex[p[i] >> 4], f);
		putc(hex[p[i] & 15], f);
	}
}

/* One code point, escaped for JSON (and kept readable in text). */
static void
put_cp(FILE *f, uint32_t c)
{
	if (c == '"' || c == '\\') {
		putc('\\', f);
		putc((int)c, f);
	} else if (c < 0x20 || c == 0x7F) {
		fprintf(f, "\\u%04x", (unsigned)c);
	} else if (c < 0x80) {
		putc((int)c, f);
	} else if (c < 0x800) {
		putc((int)(0xC0 | c >> 6), f);
		putc((int)(0x80 | (c & 0x3F)), f);
	} else if (c < 0x10000) {
		putc((int)(0xE0 | c >> 12), f);
		putc((int)(0x80 | ((c >> 6) & 0x3F)), f);
		putc((int)(0x80 | (c & 0x3F)), f);
	} else {
		putc((int)(0xF0 | c >> 18), f);
		putc((int)(0x80 | ((c >> 12) & 0x3F)), f);
		putc((int)(0x80 | ((c >> 6) & 0x3F)), f);
		putc((int)(0x80 | (c & 0x3F)), f);
	}
}

/* 8-bit string (UTF-8 where valid, else each byte as U+00XX), quoted. */
static void
put_str8(FILE *f, const uint8_t *s, size_t n)
{
	size_t i = 0;

	putc('"', f);
	while (i < n) {
		size_t k = s[i] < 0x80 ? 1 : ot_utf8_len(s + i, n - i);

		if (k == 1 && s[i] < 0x80) {
			put_cp(f, s[i]);
		} else if (k == 0) {
			put_cp(f, s[i]);
			k = 1;
		} else {
			fwrite(s + i, 1, k, f);
		}
		i += k;
	}
	putc('"', f);
}

/* UTF-16LE of n bytes, quoted. */
static void
put_str16(FILE *f, const uint8_t *s, size_t n)
{
	size_t i = 0;

	putc('"', f);
	while (i + 1 < n) {
		uint32_t c = (uint32_t)(s[i] | s[i + 1] << 8);

		i += 2;
		if (c >= 0xD800 && c < 0xDC00 && i + 1 < n) {
			uint32_t lo = (uint32_t)(s[i] | s[i + 1] << 8);

			if (lo >= 0xDC00 && lo < 0xE000) {
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
				i += 2;
			}
		}
		if (c >= 0xD800 && c < 0xE000)
			c = 0xFFFD;
		put_cp(f, c);
	}
	putc('"', f);
}

static void
put_guid(FILE *f, const uint8_t *g)
{
	char s[37];

	ot_etl_guid_str(g, s);
	fprintf(f, "\"%s\"", s);
}

/* One value of type in; 0 ok, -1 the payload is too short or malformed. */
static int
put_value(FILE *f, struct tc *c, const struct ot_tlg_field *fd, unsigned ptr_size)
{
	const uint8_t *b;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (fd->in) {
	case IN_UNICODESTRING: {
		size_t i = c->off;

		while (i + 1 < c->len && (c->p[i] | c->p[i + 1]))
			i += 2;
		if (i + 1 >= c->len)
			return -1;
		put_str16(f, c->p + c->off, i - c->off);
		c->off = i + 2;
		return 0;
	}
	case IN_ANSISTRING: {
		const char *s;

		if (tc_cstr(c, &s) < 0)
			return -1;
		put_str8(f, (const uint8_t *)s, strlen(s));
		return 0;
	}
	case IN_INT8:
		if (tc_u8(c, &u8) < 0)
			return -1;
		fprintf(f, "%d", (int)(int8_t)u8);
		return 0;
	case IN_UINT8:
		if (tc_u8(c, &u8) < 0)
			return -1;
		fprintf(f, "%u", (unsigned)u8);
		return 0;
	case IN_INT16:
		if (tc_u16(c, &u16) < 0)
			return -1;
		fprintf(f, "%d", (int)(int16_t)u16);
		return 0;
	case IN_UINT16:
		if (tc_u16(c, &u16) < 0)
			return -1;
		fprintf(f, "%u", (unsigned)u16);
		return 0;
	case IN_INT32:
		if (tc_u32(c, &u32) < 0)
			return -1;
		fprintf(f, "%" PRId32, (int32_t)u32);
		return 0;
	case IN_UINT32:
		if (tc_u32(c, &u32) < 0)
			return -1;
		fprintf(f, "%" PRIu32, u32);
		return 0;
	case IN_HEXINT32:
		if (tc_u32(c, &u32) < 0)
			return -1;
		fprintf(f, "\"0x%" PRIx32 "\"", u32);
		return 0;
	case IN_INT64:
		if (tc_u64(c, &u64) < 0)
			return -1;
		fprintf(f, "%" PRId64, (int64_t)u64);
		return 0;
	case IN_UINT64:
		if (tc_u64(c, &u64) < 0)
			return -1;
		fprintf(f, "%" PRIu64, u64);
		return 0;
	case IN_HEXINT64:
		if (tc_u64(c, &u64) < 0)
			return -1;
		fprintf(f, "\"0x%" PRIx64 "\"", u64);
		return 0;
	case IN_POINTER:
		if (ptr_size == 4) {
			if (tc_u32(c, &u32) < 0)
				return -1;
			u64 = u32;
		} else if (tc_u64(c, &u64) < 0) {
			return -1;
		}
		fprintf(f, "\"0x%" PRIx64 "\"", u64);
		return 0;
	case IN_FLOAT: {
		float v;

		if (tc_bytes(c, 4, &b) < 0)
			return -1;
		memcpy(&v, b, 4);	/* IEEE 754 binary32, little-endian host */
		if (v != v || v - v != 0)
			fputs("null", f);
		else
			fprintf(f, "%.9g", (double)v);
		return 0;
	}
	case IN_DOUBLE: {
		double v;

		if (tc_bytes(c, 8, &b) < 0)
			return -1;
		memcpy(&v, b, 8);
		if (v != v || v - v != 0)
			fputs("null", f);
		else
			fprintf(f, "%.17g", v);
		return 0;
	}
	case IN_BOOL32:
		if (tc_u32(c, &u32) < 0)
			return -1;
		fputs(u32 ? "true" : "false", f);
		return 0;
	case IN_GUID:
		if (tc_bytes(c, 16, &b) < 0)
			return -1;
		put_guid(f, b);
		return 0;
	case IN_FILETIME: {
		char buf[OT_TIMEBUF];

		if (tc_u64(c, &u64) < 0)
			return -1;
		fprintf(f, "\"%s\"", ot_fmt_time(ot_etl_filetime_ns(u64), buf));
		return 0;
	}
	case IN_SYSTEMTIME: {
		uint16_t t[8];
		int i;

		for (i = 0; i < 8; i++)
			if (tc_u16(c, &t[i]) < 0)
				return -1;
		/* year, month, day of week, day, hour, minute, second, ms */
		fprintf(f, "\"%04u-%02u-%02uT%02u:%02u:%02u.%03u\"", t[0], t[1], t[3], t[4],
			t[5], t[6], t[7]);
		return 0;
	}
	case IN_SID: {
		uint8_t rev, cnt;
		const uint8_t *auth;
		uint64_t a = 0;
		int i;

		if (tc_u8(c, &rev) < 0 || tc_u8(c, &cnt) < 0 || tc_bytes(c, 6, &auth) < 0)
			return -1;
		for (i = 0; i < 6; i++)
			a = a << 8 | auth[i];
		fprintf(f, "\"S-%u-%" PRIu64, rev, a);
		for (i = 0; i < cnt; i++) {
			if (tc_u32(c, &u32) < 0)
				return -1;
			fprintf(f, "-%" PRIu32, u32);
		}
		putc('"', f);
		return 0;
	}
	case IN_BINARY:
	case IN_COUNTEDBINARY:
		if (tc_u16(c, &u16) < 0 || tc_bytes(c, u16, &b) < 0)
			return -1;
		putc('"', f);
		ot_tlg_hex(f, b, u16);
		putc('"', f);
		return 0;
	case IN_COUNTEDSTRING:
		if (tc_u16(c, &u16) < 0 || tc_bytes(c, u16, &b) < 0)
			return -1;
		put_str16(f, b, u16);
		return 0;
	case IN_COUNTEDANSISTRING:
		if (tc_u16(c, &u16) < 0 || tc_bytes(c, u16, &b) < 0)
			return -1;
		put_str8(f, b, u16);
		return 0;
	default:
		return -1;
	}
}

int
ot_tlg_print(FILE *f, const struct ot_tlg_event *ev, const uint8_t *p, size_t n,
	     unsigned ptr_size, int json)
{
	struct tc c;
	unsigned i;
	int first = 1, rc = 0;

	c.p = p;
	c.len = n;
	c.off = 0;
	for (i = 0; i < ev->nf; i++) {
		const struct ot_tlg_field *fd = &ev->f[i];
		uint16_t count = 1, k;

		if (fd->in == IN_STRUCT) {
			/* members follow as fields of their own; arrays of
			 * structs are not decoded */
			if (fd->array != OT_TLG_SCALAR) {
				rc = -1;
				break;
			}
			continue;
		}
		if (json)
			fprintf(f, "%s", first ? "" : ",");
		else
			putc(' ', f);
		first = 0;
		if (json)
			put_str8(f, (const uint8_t *)fd->name, strlen(fd->name));
		else
			fputs(fd->name, f);
		putc(json ? ':' : '=', f);
		if (fd->array == OT_TLG_CONST_ARRAY)
			count = fd->count;
		else if (fd->array == OT_TLG_VAR_ARRAY && tc_u16(&c, &count) < 0) {
			fputs("null", f);
			rc = -1;
			break;
		}
		if (fd->array != OT_TLG_SCALAR)
			putc('[', f);
		for (k = 0; k < count; k++) {
			if (k)
				putc(',', f);
			if (k >= OT_TLG_MAX_ARRAY || put_value(f, &c, fd, ptr_size) < 0) {
				fputs("null", f);
				rc = -1;
				break;
			}
		}
		if (fd->array != OT_TLG_SCALAR)
			putc(']', f);
		if (rc < 0)
			break;
	}
	if (rc < 0 || c.off != c.len) {
		if (json)
			fprintf(f, "%s\"rest\":\"", first ? "" : ",");
		else
			fputs(" rest=", f);
		ot_tlg_hex(f, c.p + c.off, c.len - c.off);
		if (json)
			putc('"', f);
		return -1;
	}
	return 0;
}
