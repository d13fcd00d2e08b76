/*
 * wpp.c - binary WPP messages: MESSAGE_TRACE_HEADER parsing and tracefmt-
 * style rendering with a TMF message.  Facts: ../shared/FORMATS.md 2.1
 * (header, argument encodings), 2.2 (format strings), 2.3 (prefix).
 *
 * Arguments are read through a bounds-checked cursor over the record; an
 * argument that would overrun the record ends the decoding and the rest
 * print as "<?>".  Output goes through a bounded buffer that cuts the text.
 */
#include "offtrace/wpp.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/etl.h"

int
ot_wpp_parse(const uint8_t *raw, size_t len, unsigned default_ptr,
	     struct ot_wpp_msg *m, struct ot_err *err)
{
	size_t size, off = 8;

	memset(m, 0, sizeof(*m));
	if (len < 8)
		goto short_rec;
	size = ot_le16(raw);
	if ((raw[3] & 0xD0) != 0x90) {
		ot_errorf(err, OT_EINPUT, "not a WPP MESSAGE record (marker 0x%02x)", raw[3]);
		goto fail;
	}
	if (size < 8 || size > len) {
		ot_errorf(err, OT_EINPUT, "WPP record size %zu out of bounds (%zu bytes)", size, len);
		goto fail;
	}
	len = size;
	m->number = ot_le16(raw + 4);
	m->opt = ot_le16(raw + 6);
	if (m->opt & OT_WPP_SEQUENCE) {
		if (len - off < 4)
			goto short_rec;
		m->has_seq = 1;
		m->seq = ot_le32(raw + off);
		off += 4;
	}
	if (m->opt & OT_WPP_COMPONENTID) {
		if (len - off < 4)
			goto short_rec;
		m->has_compid = 1;
		m->compid = ot_le32(raw + off);
		off += 4;
	} else if (m->opt & OT_WPP_GUID) {
		if (len - off < 16)
			goto short_rec;
		m->has_guid = 1;
		memcpy(m->guid, raw + off, 16);
		off += 16;
	}
	if (m->opt & OT_WPP_TIMESTAMP) {
		if (len - off < 8)
			goto short_rec;
		m->has_ts = 1;
		m->ts = ot_le64(raw + off);
		off += 8;
	}
	if (m->opt & OT_WPP_SYSTEMINFO) {
		if (len - off < 8)
			goto short_rec;
		m->has_sys = 1;
		m->tid = ot_le32(raw + off);
		m->pid = ot_le32(raw + off + 4);
		off += 8;
	}
	m->ptr_size = (m->opt & OT_WPP_POINTER32) ? 4 : (m->opt & OT_WPP_POINTER64) ? 8 :
		      (default_ptr == 4 ? 4 : 8);
	m->args = raw + off;
	m->args_len = len - off;
	return 0;
short_rec:
	ot_errorf(err, OT_EINPUT, "WPP record shorter than its option fields");
fail:
	if (err != NULL)
		err->phase = "wpp";
	return -1;
}

static const struct {
	uint32_t code;
	const char *name;
} nt_names[] = {
	{ 0x00000000, "STATUS_SUCCESS" },
	{ 0x00000102, "STATUS_TIMEOUT" },
	{ 0x00000103, "STATUS_PENDING" },
	{ 0x80000005, "STATUS_BUFFER_OVERFLOW" },
	{ 0x8000001A, "STATUS_NO_MORE_ENTRIES" },
	{ 0xC0000001, "STATUS_UNSUCCESSFUL" },
	{ 0xC0000002, "STATUS_NOT_IMPLEMENTED" },
	{ 0xC0000005, "STATUS_ACCESS_VIOLATION" },
	{ 0xC0000008, "STATUS_INVALID_HANDLE" },
	{ 0xC000000D, "STATUS_INVALID_PARAMETER" },
	{ 0xC000000E, "STATUS_NO_SUCH_DEVICE" },
	{ 0xC000000F, "STATUS_NO_SUCH_FILE" },
	{ 0xC0000010, "STATUS_INVALID_DEVICE_REQUEST" },
	{ 0xC0000017, "STATUS_NO_MEMORY" },
	{ 0xC0000022, "STATUS_ACCESS_DENIED" },
	{ 0xC0000023, "STATUS_BUFFER_TOO_SMALL" },
	{ 0xC0000034, "STATUS_OBJECT_NAME_NOT_FOUND" },
	{ 0xC000009A, "STATUS_INSUFFICIENT_RESOURCES" },
	{ 0xC00000BB, "STATUS_NOT_SUPPORTED" },
	{ 0xC0000120, "STATUS_CANCELLED" },
	{ 0xC0000184, "STATUS_INVALID_DEVICE_STATE" },
	{ 0xC0000185, "STATUS_IO_DEVICE_ERROR" },
	{ 0xC0000225, "STATUS_NOT_FOUND" },
	{ 0xC000023C, "STATUS_NETWORK_UNREACHABLE" },
	{ 0xC0000241, "STATUS_CONNECTION_ABORTED" },
	{ 0xC0000236, "STATUS_CONNECTION_REFUSED" },
	{ 0xC000020C, "STATUS_CONNECTION_DISCONNECTED" },
	{ 0xC000020D, "STATUS_CONNECTION_RESET" },
	{ 0xC00002B6, "STATUS_DEVICE_REMOVED" },
};

const char *
ot_wpp_status_name(uint32_t code)
{
	size_t i;

	for (i = 0; i < sizeof(nt_names) / sizeof(nt_names[0]); i++)
		if (nt_names[i].code == code)
			return nt_names[i].name;
	return ot_status_name(code);
}

/* A bounded output buffer: appends are cut at cap - 1 bytes. */
struct sb {
	char *p;
	size_t len, cap;
};

static void
sb_putn(struct sb *b, const char *s, size_t n)
{
	size_t room = b->cap - 1 - b->len;

	if (n > room)
		n = room;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_puts(struct sb *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

static void
sb_printf(struct sb *b, const char *fmt, ...) OT_PRINTF(2, 3);

static void
sb_printf(struct sb *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_putn(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Decode the arguments in TMF order from the record; -1 on overrun. */
int
ot_wpp_args(const struct ot_tmf_msg *tm, const struct ot_wpp_msg *m, struct ot_wpp_val *v,
	    const char **why)
{
	size_t off = 0, left = m->args_len, k;
	const uint8_t *a = m->args;
	unsigned i;

	memset(v, 0, st_mult(tm->nargs, sizeof(*v)));
	for (i = 0; i < tm->nargs; i++) {
		int sz = ot_tmf_type_size(tm->args[i].type);

		if (sz == 0)
			sz = (int)m->ptr_size;
		if (sz > 0) {
			if (left - off < (size_t)sz)
				goto overrun;
			v[i].p = a + off;
			v[i].n = (size_t)sz;
			switch (sz) {
			case 1: v[i].u = a[off]; break;
			case 2: v[i].u = ot_le16(a + off); break;
			case 4: v[i].u = ot_le32(a + off); break;
			case 8: v[i].u = ot_le64(a + off); break;
			default: break;
			}
			off += (size_t)sz;
		} else if (sz == -1) {
			for (k = off; k < left && a[k] != 0; k++)
				;
			if (k >= left)
				goto overrun;
			v[i].p = a + off;
			v[i].n = k - off;
			off = k + 1;
		} else if (sz == -2) {
			for (k = off; k + 1 < left && (a[k] | a[k + 1]) != 0; k += 2)
				;
			if (k + 1 >= left)
				goto overrun;
			v[i].p = a + off;
			v[i].n = k - off;
			off = k + 2;
		} else if (sz == -3) {
			size_t n;

			if (left - off < 2)
				goto overrun;
			n = ot_le16(a + off);
			if (left - off - 2 < n)
				goto overrun;
			v[i].p = a + off + 2;
			v[i].n = n;
			off += 2 + n;
		} else {
			/* SID: revision, count, 6-byte authority, count u32s */
			size_t n;

			if (left - off < 8)
				goto overrun;
			n = 8 + 4 * (size_t)a[off + 1];
			if (left - off < n)
				goto overrun;
			v[i].p = a + off;
			v[i].n = n;
			off += n;
		}
		v[i].ok = 1;
	}
	return 0;
overrun:
	*why = "WPP arguments overrun the record";
	return -1;
}

static void
put_time(struct sb *b, int64_t ns)
{
	int64_t secs, days, rem, z, era, y;
	unsigned doe, yoe, doy, mp, d, mo;
	int64_t ms;

	/* floor division without overflow at the ends of int64_t */
	secs = ns / 1000000000;
	ms = ns % 1000000000;
	if (ms < 0) {
		ms += 1000000000;
		secs--;
	}
	ms /= 1000000;
	days = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	/* civil_from_days (H. Hinnant) */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	mo = mp < 10 ? mp + 3 : mp - 9;
	y += mo <= 2;
	sb_printf(b, "%02u/%02u/%04" PRId64 "-%02d:%02d:%02d.%03d", mo, d, y,
		  (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (int)ms);
}

static void
put_prefix(struct sb *b, const struct ot_tmf_msg *tm, const struct ot_wpp_msg *m,
	   const struct ot_wpp_where *w)
{
	sb_printf(b, "[%" PRIu32 "]%04" PRIX32 ".%04" PRIX32 "::", w->cpu,
		  m->has_sys ? m->pid : 0, m->has_sys ? m->tid : 0);
	put_time(b, w->ts_ns);
	sb_printf(b, " [%s]", tm->friendly);
}

/*
 * Bytes of a string from a trace: printable ASCII kept, the rest as '?';
 * with raw set, every byte as it is (no NUL can be in it).
 */
static void
put_bytes(struct sb *b, const uint8_t *p, size_t n, int raw)
{
	size_t i;

	if (raw) {
		sb_putn(b, (const char *)p, n);
		return;
	}
	for (i = 0; i < n && b->len + 1 < b->cap; i++) {
		char c = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';

		sb_putn(b, &c, 1);
	}
}

/* UTF-16LE to UTF-8 (unpaired surrogates as U+FFFD). */
static void
put_wstr(struct sb *b, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n && b->len + 1 < b->cap; i += 2) {
		uint32_t c = ot_le16(p + i);
		char u[4];

		if (c >= 0xD800 && c < 0xDC00 && i + 3 < n && ot_le16(p + i + 2) >= 0xDC00 &&
		    ot_le16(p + i + 2) < 0xE000) {
			c = 0x10000 + ((c - 0xD800) << 10) + (ot_le16(p + i + 2) - 0xDC00);
			i += 2;
		} else if (c >= 0xD800 && c < 0xE000) {
			c = 0xFFFD;
		}
		if (c < 0x20) {
			sb_putn(b, "?", 1);
		} else if (c < 0x80) {
			u[0] = (char)c;
			sb_putn(b, u, 1);
		} else if (c < 0x800) {
			u[0] = (char)(0xC0 | (c >> 6));
			u[1] = (char)(0x80 | (c & 0x3F));
			sb_putn(b, u, 2);
		} else if (c < 0x10000) {
			u[0] = (char)(0xE0 | (c >> 12));
			u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
			u[2] = (char)(0x80 | (c & 0x3F));
			sb_putn(b, u, 3);
		} else {
			u[0] = (char)(0xF0 | (c >> 18));
			u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
			u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
			u[3] = (char)(0x80 | (c & 0x3F));
			sb_putn(b, u, 4);
		}
	}
}

/* Sign-extend an n-byte value. */
static int64_t
sext(uint64_t u, size_t n)
{
	if (n >= 8 || n == 0)
		return (int64_t)u;
	if (u & ((uint64_t)1 << (8 * n - 1)))
		return (int64_t)(u | ~(((uint64_t)1 << (8 * n)) - 1));
	return (int64_t)u;
}

/*
 * An integer by a FormatMessage/printf spec: flags [-+ #0], width and
 * precision (their first two digits only, so at most 99), size prefixes (h, l, ll, I64, I32,
 * I, w), conversion d i u x X o c p.  Anything else prints as %d.
 */
static void
put_int(struct sb *b, const char *spec, size_t sn, uint64_t u, size_t nbytes, unsigned ptr)
{
	char fmt[32];
	size_t i = 0, f = 0, k;
	char conv = 'd';

	fmt[f++] = '%';
	while (i < sn && strchr("-+ #0", spec[i]) != NULL && f < 8)
		fmt[f++] = spec[i++];
	for (k = 0; i < sn && spec[i] >= '0' && spec[i] <= '9'; i++)
		if (k++ < 2)
			fmt[f++] = spec[i];
	if (i < sn && spec[i] == '.') {
		fmt[f++] = spec[i++];
		for (k = 0; i < sn && spec[i] >= '0' && spec[i] <= '9'; i++)
			if (k++ < 2)
				fmt[f++] = spec[i];
	}
	while (i < sn && strchr("hlLIwz36248", spec[i]) != NULL)
		i++;
	if (i < sn)
		conv = spec[i];
	switch (conv) {
	case 'p':
		sb_printf(b, "%0*" PRIX64, (int)(2 * ptr), u);
		return;
	case 'c':
		if (u >= 0x20 && u < 0x7f)
			sb_printf(b, "%c", (int)u);
		else
			sb_puts(b, "?");
		return;
	case 'x': case 'X': case 'o': case 'u':
		fmt[f++] = 'l';
		fmt[f++] = 'l';
		fmt[f++] = conv;
		fmt[f] = '\0';
		if (nbytes < 8)
			u &= ((uint64_t)1 << (8 * nbytes)) - 1;
		sb_printf(b, fmt, (unsigned long long)u);
		return;
	default:
		fmt[f++] = 'l';
		fmt[f++] = 'l';
		fmt[f++] = 'd';
		fmt[f] = '\0';
		sb_printf(b, fmt, (long long)sext(u, nbytes));
		return;
	}
}

/* An argument by its TMF type and the format's spec ("d", "08X", "s"...). */
static void
put_arg(struct sb *b, const struct ot_tmf_arg *ta, const struct ot_wpp_val *v,
	const char *spec, size_t sn, unsigned ptr, int raw)
{
	char g[37];
	const char *name;
	unsigned i;
	int first = 1;
	char conv = sn > 0 ? spec[sn - 1] : 's';
	int as_text = conv == 's' || sn == 0;

	if (!v->ok) {
		sb_puts(b, "<?>");
		return;
	}
	switch (ta->type) {
	case OT_TMF_STRING: case OT_TMF_RSTRING: case OT_TMF_PSTRING:
		put_bytes(b, v->p, v->n, raw);
		return;
	case OT_TMF_WSTRING: case OT_TMF_RWSTRING: case OT_TMF_PWSTRING:
		put_wstr(b, v->p, v->n);
		return;
	case OT_TMF_GUID: case OT_TMF_CLSID: case OT_TMF_LIBID: case OT_TMF_IID:
		ot_etl_guid_str(v->p, g);
		sb_puts(b, g);
		return;
	case OT_TMF_HEXDUMP: case OT_TMF_SID: case OT_TMF_IPV6ADDR: case OT_TMF_MACADDR:
		for (i = 0; i < v->n && b->len + 1 < b->cap; i++)
			sb_printf(b, "%s%02x", i && ta->type == OT_TMF_MACADDR ? "-" : "", v->p[i]);
		return;
	case OT_TMF_DOUBLE: {
		double d;

		memcpy(&d, v->p, sizeof(d));
		sb_printf(b, "%g", d);
		return;
	}
	default:
		break;
	}
	if (!as_text) {
		put_int(b, spec, sn, v->u, v->n, ptr);
		return;
	}
	switch (ta->type) {
	case OT_TMF_NTSTATUS:
		name = ot_wpp_status_name((uint32_t)v->u);
		if (name != NULL)
			sb_printf(b, "0x%08" PRIx32 "(%s)", (uint32_t)v->u, name);
		else
			sb_printf(b, "0x%08" PRIx32, (uint32_t)v->u);
		return;
	case OT_TMF_HRESULT:
		if (v->u == 0)
			sb_puts(b, "0x00000000(S_OK)");
		else
			sb_printf(b, "0x%08" PRIx32, (uint32_t)v->u);
		return;
	case OT_TMF_WINERROR:
		if (v->u == 0)
			sb_puts(b, "0(ERROR_SUCCESS)");
		else
			sb_printf(b, "%" PRIu32, (uint32_t)v->u);
		return;
	case OT_TMF_LISTLONG: case OT_TMF_LISTSHORT: case OT_TMF_LISTBYTE:
		if (v->u < ta->nnames)
			sb_puts(b, ta->names[v->u]);
		else
			sb_printf(b, "%" PRIu64, v->u);
		return;
	case OT_TMF_SETLONG: case OT_TMF_SETSHORT: case OT_TMF_SETBYTE:
		for (i = 0; i < 64 && i < 8 * v->n; i++) {
			if (!(v->u & ((uint64_t)1 << i)))
				continue;
			if (!first)
				sb_puts(b, "|");
			first = 0;
			if (i < ta->nnames)
				sb_puts(b, ta->names[i]);
			else
				sb_printf(b, "0x%" PRIx64, (uint64_t)1 << i);
		}
		if (first)
			sb_puts(b, "0");
		return;
	case OT_TMF_IPADDR:
		sb_printf(b, "%u.%u.%u.%u", v->p[0], v->p[1], v->p[2], v->p[3]);
		return;
	case OT_TMF_PORT:
		sb_printf(b, "%u", (unsigned)((v->p[0] << 8) | v->p[1]));
		return;
	case OT_TMF_PTR:
		sb_printf(b, "%0*" PRIX64, (int)(2 * ptr), v->u);
		return;
	case OT_TMF_BOOL:
		sb_puts(b, v->u ? "TRUE" : "FALSE");
		return;
	case OT_TMF_ULONG: case OT_TMF_ULONGLONG: case OT_TMF_USHORT: case OT_TMF_UCHAR:
		sb_printf(b, "%" PRIu64, v->u);
		return;
	case OT_TMF_ULONGX: case OT_TMF_LONGLONGX: case OT_TMF_LONGLONGXX:
	case OT_TMF_ULONGLONGX:
		sb_printf(b, "0x%" PRIx64, v->u);
		return;
	default:
		sb_printf(b, "%" PRId64, sext(v->u, v->n));
		return;
	}
}

static const char *
named_field(const struct ot_tmf_msg *tm, const char *s, size_t n)
{
	if (n == 4 && memcmp(s, "FUNC", 4) == 0)
		return tm->func;
	if (n == 5 && memcmp(s, "LEVEL", 5) == 0)
		return tm->level;
	if (n == 5 && memcmp(s, "FLAGS", 5) == 0)
		return tm->flags;
	if (n == 8 && memcmp(s, "COMPNAME", 8) == 0)
		return tm->compname;
	if (n == 7 && memcmp(s, "SUBCOMP", 7) == 0)
		return tm->subcomp;
	return NULL;
}

int
ot_wpp_format(const struct ot_tmf_msg *tm, const struct ot_wpp_msg *m,
	      const struct ot_wpp_where *w, char *out, size_t cap, const char **why)
{
	return ot_wpp_render(tm, m, w, 0, out, cap, why);
}

int
ot_wpp_render(const struct ot_tmf_msg *tm, const struct ot_wpp_msg *m,
	      const struct ot_wpp_where *w, unsigned flags, char *out, size_t cap,
	      const char **why)
{
	struct ot_wpp_val v[OT_TMF_MAX_ARGS];
	struct sb b;
	const char *f = tm->format;
	size_t fl = strlen(f), i = 0;
	int rc = 0;

	if (cap == 0)
		return 0;
	b.p = out;
	b.len = 0;
	b.cap = cap;
	out[0] = '\0';
	*why = NULL;
	if (ot_wpp_args(tm, m, v, why) < 0)
		rc = -1;
	if (strstr(f, "%0") == NULL && !(flags & OT_WPP_NO_PREFIX))
		put_prefix(&b, tm, m, w);
	while (i < fl && b.len + 1 < cap) {
		size_t s = i, e;
		unsigned num = 0, k;
		const char *spec = NULL;
		size_t sn = 0;

		if (f[i] != '%') {
			while (i < fl && f[i] != '%')
				i++;
			sb_putn(&b, f + s, i - s);
			continue;
		}
		i++;
		if (i >= fl) {
			sb_puts(&b, "%");
			break;
		}
		if (f[i] == '%' || f[i] == '!' || f[i] == '.') {
			if (f[i] == '!' && (e = (size_t)(strchr(f + i + 1, '!') ?
					    strchr(f + i + 1, '!') - f : 0)) > i) {
				const char *val = named_field(tm, f + i + 1, e - i - 1);

				if (val != NULL)
					sb_puts(&b, val);
				else
					sb_putn(&b, f + s, e + 1 - s);
				i = e + 1;
				continue;
			}
			sb_putn(&b, f + i, 1);
			i++;
			continue;
		}
		if (f[i] == 'n') {
			sb_puts(&b, " ");
			i++;
			continue;
		}
		if (f[i] < '0' || f[i] > '9') {
			sb_putn(&b, f + s, 2);
			i++;
			continue;
		}
		while (i < fl && f[i] >= '0' && f[i] <= '9' && num < 1000)
			num = num * 10 + (unsigned)(f[i++] - '0');
		if (i < fl && f[i] == '!') {
			const char *close = strchr(f + i + 1, '!');

			if (close != NULL) {
				spec = f + i + 1;
				sn = (size_t)(close - spec);
				i = (size_t)(close - f) + 1;
			}
		}
		if (num == 0) {
			if (!(flags & OT_WPP_NO_PREFIX))
				put_prefix(&b, tm, m, w);
			continue;
		}
		if (num < 10) {
			switch (num) {
			case 1: sb_puts(&b, tm->friendly); break;
			case 2: sb_puts(&b, tm->tag); break;
			case 3: sb_printf(&b, "%04" PRIX32, m->has_sys ? m->tid : 0); break;
			case 4: put_time(&b, w->ts_ns); break;
			case 7: sb_printf(&b, "%08" PRIx32, m->seq); break;
			case 8: sb_printf(&b, "%04" PRIX32, m->has_sys ? m->pid : 0); break;
			case 9: sb_printf(&b, "%" PRIu32, w->cpu); break;
			default: sb_puts(&b, "0"); break;
			}
			continue;
		}
		for (k = 0; k < tm->nargs; k++)
			if (tm->args[k].index == num)
				break;
		if (k == tm->nargs && num - 10 < tm->nargs)
			k = num - 10;
		if (k >= tm->nargs) {
			sb_puts(&b, "<?>");
			continue;
		}
		put_arg(&b, &tm->args[k], &v[k], spec ? spec : "s", spec ? sn : 1, m->ptr_size,
			(flags & OT_WPP_RAW_STRINGS) != 0);
	}
	return rc;
}
