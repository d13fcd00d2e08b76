/*
 * util.c - errors, allocation and number/time parsing shared by all modules.
 */
#include "offtrace/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int
ot_errorf(struct ot_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
ot_errorf_at(struct ot_err *err, int code, const char *file, uint64_t line,
	     const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->code = code;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static void
oom(size_t n)
{
	fprintf(stderr, "offtrace: out of memory (tried to allocate %zu bytes)\n", n);
	exit(3);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom(n * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return q;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);

	memcpy(p, s, n);
	return p;
}

size_t
st_mult(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		fprintf(stderr, "offtrace: size overflow: %zu * %zu\n", n, size);
		exit(3);
	}
	return n * size;
}

int
ot_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
ot_parse_hex(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0, digits = 0;
	int tick = 0;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	if (i == len)
		return -1;
	for (; i < len; i++) {
		int d;

		if (s[i] == '`') {
			/* WinDbg: high 32 bits`low 32 bits, exactly one tick,
			 * followed by 8 digits */
			if (tick || digits == 0 || len - i - 1 != 8)
				return -1;
			tick = 1;
			continue;
		}
		d = ot_hexval((unsigned char)s[i]);
		if (d < 0 || ++digits > 16)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return 0;
}

int
ot_parse_i64(const char *s, size_t len, int64_t *out)
{
	uint64_t v = 0, lim;
	size_t i = 0;
	int neg = 0;

	if (len > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == len)
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* Howard Hinnant's days_from_civil (public-domain algorithm description). */
int64_t
ot_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y += *m <= 2;
}

static int
digits(const char *s, size_t len, size_t *i, size_t n, int64_t *out)
{
	int64_t v = 0;
	size_t k;

	if (*i + n > len)
		return -1;
	for (k = 0; k < n; k++) {
		char c = s[*i + k];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*i += n;
	*out = v;
	return 0;
}

static int
expect(const char *s, size_t len, size_t *i, char c)
{
	if (*i >= len || s[*i] != c)
		return -1;
	(*i)++;
	return 0;
}

int
ot_parse_rfc3339(const char *s, size_t len, int64_t *out)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t y, mo, d, h, mi, se, frac = 0, oh = 0, om = 0, days, secs;
	size_t i = 0, nfrac = 0;
	int sign = 0;

	if (digits(s, len, &i, 4, &y) || expect(s, len, &i, '-') ||
	    digits(s, len, &i, 2, &mo) || expect(s, len, &i, '-') ||
	    digits(s, len, &i, 2, &d))
		return -1;
	if (i >= len || (s[i] != 'T' && s[i] != 't' && s[i] != ' '))
		return -1;
	i++;
	if (digits(s, len, &i, 2, &h) || expect(s, len, &i, ':') ||
	    digits(s, len, &i, 2, &mi) || expect(s, len, &i, ':') ||
	    digits(s, len, &i, 2, &se))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || se > 60)
		return -1;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (++nfrac > 9)
				return -1;
			frac = frac * 10 + (s[i] - '0');
			i++;
		}
		if (nfrac == 0)
			return -1;
		for (; nfrac < 9; nfrac++)
			frac *= 10;
	}
	if (i >= len)
		return -1;
	if (s[i] == 'Z' || s[i] == 'z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		sign = s[i] == '-' ? -1 : 1;
		i++;
		if (digits(s, len, &i, 2, &oh))
			return -1;
		if (i < len && s[i] == ':')
			i++;
		if (digits(s, len, &i, 2, &om) || oh > 23 || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (i != len)
		return -1;
	days = ot_days_from_civil(y, (unsigned)mo, (unsigned)d);
	secs = days * 86400 + h * 3600 + mi * 60 + se - sign * (oh * 3600 + om * 60);
	/* ns since 1970 fit int64 until 2262 */
	if (secs > INT64_MAX / 1000000000 - 1 || secs < INT64_MIN / 1000000000 + 1)
		return -1;
	*out = secs * 1000000000 + frac;
	return 0;
}

char *
ot_fmt_time(int64_t ns, char buf[OT_TIMEBUF])
{
	return ot_fmt_time_zone(ns, 0, buf);
}

char *
ot_fmt_time_zone(int64_t ns, int local, char buf[OT_TIMEBUF])
{
	int64_t secs = ns / 1000000000, frac = ns % 1000000000, days, rem, y;
	unsigned m, d;

	if (frac < 0) {
		frac += 1000000000;
		secs--;
	}
	days = secs / 86400;
	rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	snprintf(buf, OT_TIMEBUF, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%09lld%s",
		 (long long)y, m, d, (long long)(rem / 3600),
		 (long long)(rem / 60 % 60), (long long)(rem % 60), (long long)frac,
		 local ? "" : "Z");
	return buf;
}

char *
ot_fmt_dur(int64_t ns, char *buf, size_t len)
{
	int64_t a;

	if (ns == INT64_MIN || ns == INT64_MAX) {
		snprintf(buf, len, "%s", OT_OUT_OF_RANGE);
		return buf;
	}
	a = ns < 0 ? -ns : ns;
	if (a < 1000)
		snprintf(buf, len, "%lldns", (long long)ns);
	else if (a < 1000000)
		snprintf(buf, len, "%.1fus", (double)ns / 1e3);
	else if (a < 1000000000)
		snprintf(buf, len, "%.2fms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.3fs", (double)ns / 1e9);
	return buf;
}

double
ot_time_sub_f(int64_t a, int64_t b)
{
	int64_t d;

	if (ot_time_sub(a, b, &d) == 0)
		return (double)d;
	return (double)a - (double)b;
}

char *
ot_fmt_dur_between(int64_t from, int64_t to, char *buf, size_t len)
{
	return ot_fmt_dur(ot_time_sub_sat(to, from), buf, len);
}

char *
ot_fmt_rel(int64_t from, int64_t t, char *buf, size_t len)
{
	char d[40];

	ot_fmt_dur_between(from, t, d, sizeof(d));
	snprintf(buf, len, "%s%s", strcmp(d, OT_OUT_OF_RANGE) == 0 ? "" : "+", d);
	return buf;
}

/*
 * One step of ot_term_escape(): the character at s (n > 0 bytes left)
 * as it is written, in out (at most 8 bytes); the bytes it took.
 */
static size_t
term_step(const unsigned char *s, size_t n, char out[8], size_t *outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t k, i;

	if (s[0] >= 0x20 && s[0] < 0x7f) {
		out[0] = (char)s[0];
		*outlen = 1;
		return 1;
	}
	k = s[0] < 0x80 ? 0 : ot_utf8_len(s, n);
	/* C1 controls, U+0080..U+009F: C2 80..C2 9F, escaped byte by byte */
	if (k > 1 && !(k == 2 && s[0] == 0xc2 && s[1] < 0xa0)) {
		memcpy(out, s, k);
		*outlen = k;
		return k;
	}
	k = k ? k : 1;
	for (i = 0; i < k; i++) {
		out[4 * i] = '\\';
		out[4 * i + 1] = 'x';
		out[4 * i + 2] = hex[s[i] >> 4];
		out[4 * i + 3] = hex[s[i] & 15];
	}
	*outlen = 4 * k;
	return k;
}

size_t
ot_term_escape(const char *s, size_t n, char *dst, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, total = 0, m;
	char one[8];
	int full = cap == 0;

	while (i < n) {
		i += term_step(p + i, n - i, one, &m);
		if (!full && total + m < cap)
			memcpy(dst + total, one, m);
		else
			full = 1;
		if (!full)
			dst[total + m] = '\0';
		total += m;
	}
	if (cap > 0 && total == 0)
		dst[0] = '\0';
	return total;
}

void
ot_term_write(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, from = 0, m, k;
	char one[8];

	if (n == 0)
		return;
	/* runs of plain bytes in one fwrite */
	while (i < n) {
		k = term_step(p + i, n - i, one, &m);
		if (m == k && memcmp(one, p + i, k) == 0) {
			i += k;
			continue;
		}
		fwrite(p + from, 1, i - from, f);
		fwrite(one, 1, m, f);
		i += k;
		from = i;
	}
	fwrite(p + from, 1, i - from, f);
}

void
ot_term_puts(FILE *f, const char *s)
{
	if (s != NULL)
		ot_term_write(f, s, strlen(s));
}

int
ot_parse_dur(const char *s, int64_t *out)
{
	int64_t ip = 0, fp = 0, scale, mult;
	int nf = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		if (ip > INT64_MAX / 10 - 10)
			return -1;
		ip = ip * 10 + (*p++ - '0');
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9') {
			if (nf < 9) {
				fp = fp * 10 + (*p - '0');
				nf++;
			}
			p++;
		}
	}
	if (strcmp(p, "ns") == 0)
		mult = 1;
	else if (strcmp(p, "us") == 0)
		mult = 1000;
	else if (strcmp(p, "ms") == 0)
		mult = 1000000;
	else if (strcmp(p, "s") == 0)
		mult = 1000000000;
	else
		return -1;
	if (ip > INT64_MAX / mult)
		return -1;
	for (scale = 1; nf > 0; nf--)
		scale *= 10;
	*out = ip * mult + fp * mult / scale;
	return 0;
}

size_t
ot_nearest_rank(size_t n, uint32_t p_milli)
{
	/* rank = ceil(p/100 * n), p = p_milli / 1000 percent */
	unsigned __int128 num = (unsigned __int128)n * p_milli;
	size_t rank = (size_t)((num + 99999) / 100000);

	if (rank == 0)
		rank = 1;
	if (rank > n)
		rank = n;
	return rank - 1;
}

size_t
ot_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))
			return 0;	/* overlong, surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
			return 0;	/* overlong, above U+10FFFF */
		return 4;
	}
	return 0;
}

struct status_name {
	uint32_t code;
	const char *name;
};

/* Values from DOMAIN.md 1.5 (WDK ndis.h / ntstatus.h). */
static const struct status_name status_names[] = {
	{ 0x00000000u, "NDIS_STATUS_SUCCESS" },
	{ 0x00000103u, "NDIS_STATUS_PENDING" },
	{ 0x40020001u, "NDIS_STATUS_OFFLOAD_PAUSE" },
	{ 0x40020002u, "NDIS_STATUS_UPLOAD_ALL" },
	{ 0x40020003u, "NDIS_STATUS_OFFLOAD_RESUME" },
	{ 0x40020004u, "NDIS_STATUS_OFFLOAD_PARTIAL_SUCCESS" },
	{ 0x40020005u, "NDIS_STATUS_OFFLOAD_STATE_INVALID" },
	{ 0x4002000Bu, "NDIS_STATUS_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES" },
	{ 0xC0000001u, "NDIS_STATUS_FAILURE" },
	{ 0xC000009Au, "NDIS_STATUS_RESOURCES" },
	{ 0xC00000BBu, "NDIS_STATUS_NOT_SUPPORTED" },
	{ 0xC001000Cu, "NDIS_STATUS_REQUEST_ABORTED" },
	{ 0xC0231001u, "NDIS_STATUS_UPLOAD_IN_PROGRESS" },
	{ 0xC0231002u, "NDIS_STATUS_REQUEST_UPLOAD" },
	{ 0xC0231003u, "NDIS_STATUS_UPLOAD_REQUESTED" },
	{ 0xC0231004u, "NDIS_STATUS_OFFLOAD_TCP_ENTRIES" },
	{ 0xC0231005u, "NDIS_STATUS_OFFLOAD_PATH_ENTRIES" },
	{ 0xC0231006u, "NDIS_STATUS_OFFLOAD_NEIGHBOR_ENTRIES" },
	{ 0xC0231007u, "NDIS_STATUS_OFFLOAD_IP_ADDRESS_ENTRIES" },
	{ 0xC0231008u, "NDIS_STATUS_OFFLOAD_HW_ADDRESS_ENTRIES" },
	{ 0xC0231009u, "NDIS_STATUS_OFFLOAD_VLAN_ENTRIES" },
	{ 0xC023100Au, "NDIS_STATUS_OFFLOAD_TCP_XMIT_BUFFER" },
	{ 0xC023100Bu, "NDIS_STATUS_OFFLOAD_TCP_RCV_BUFFER" },
	{ 0xC023100Cu, "NDIS_STATUS_OFFLOAD_TCP_RCV_WINDOW" },
	{ 0xC023100Du, "NDIS_STATUS_OFFLOAD_VLAN_MISMATCH" },
	{ 0xC023100Eu, "NDIS_STATUS_OFFLOAD_DATA_NOT_ACCEPTED" },
	{ 0xC023100Fu, "NDIS_STATUS_OFFLOAD_POLICY" },
	{ 0xC0231010u, "NDIS_STATUS_OFFLOAD_DATA_PARTIALLY_ACCEPTED" },
	{ 0xC0231011u, "NDIS_STATUS_OFFLOAD_REQUEST_RESET" },
	{ 0xC0231012u, "NDIS_STATUS_OFFLOAD_CONNECTION_REJECTED" },
	{ 0xC0231013u, "NDIS_STATUS_OFFLOAD_PATH_REJECTED" },
};

const char *
ot_status_name(uint32_t code)
{
	size_t i;

	for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (status_names[i].code == code)
			return status_names[i].name;
	return NULL;
}
