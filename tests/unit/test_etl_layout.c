/*
 * test_etl_layout.c - unit tests of the buffer header's processor field
 * in the .etl reader (src/read/etl.c) across the OS versions that wrote a
 * file.  The buffer header's ClientContext (offset 0x28) is an
 * ETW_BUFFER_CONTEXT: UCHAR ProcessorNumber and UCHAR Alignment (always 8)
 * before Windows 8, USHORT ProcessorIndex from Windows 8 (6.2) on
 * (learn.microsoft.com ETW_BUFFER_CONTEXT; Geoff Chappell,
 * WMI_CLIENT_CONTEXT and WMI_BUFFER_HEADER); the log-file header's
 * VersionDetail MajorVersion.MinorVersion is the OS.  The files are built
 * here; each expected processor is the published layout applied by hand to
 * the two bytes written (cpu, 8): cpu before 6.2, 8 * 256 + cpu after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/bytes.h"
#include "offtrace/etl.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define BUFSZ	0x400
#define QPC0	1000000ull
#define START	132756731527578510ull	/* a FILETIME */

static uint8_t file[8 * BUFSZ];
static size_t flen;

/* a buffer whose ClientContext bytes are c0 c1, with one record of size */
static uint8_t *
add_buffer(uint8_t c0, uint8_t c1, uint64_t seq, uint16_t type, size_t size)
{
	uint8_t *b = file + flen;
	uint32_t fill = 0x48 + (uint32_t)((size + 7) & ~(size_t)7);

	memset(b, 0xFF, BUFSZ);
	memset(b, 0, fill);
	ot_put_le32(b, BUFSZ);
	ot_put_le32(b + 0x04, fill);
	ot_put_le64(b + 0x18, seq);
	b[0x28] = c0;
	b[0x29] = c1;
	ot_put_le16(b + 0x2A, 1);
	ot_put_le32(b + 0x2C, 3);
	ot_put_le32(b + 0x30, fill);
	ot_put_le16(b + 0x36, type);
	flen += BUFSZ;
	return b + 0x48;
}

/* a file of OS major.minor: the header buffer, then buffers of cpus[] */
static void
build(uint8_t major, uint8_t minor, const uint8_t *cpus, size_t n)
{
	uint8_t *r, *p;
	size_t i, size = 0x20 + 0x118 + 4;

	flen = 0;
	r = add_buffer(0, 8, 0, 4, size);
	ot_put_le16(r, 2);
	r[2] = 2;			/* SYSTEM64, hook 0: the log-file header */
	r[3] = 0xC0;
	ot_put_le16(r + 4, (uint32_t)size);
	ot_put_le64(r + 16, QPC0);
	p = r + 0x20;
	ot_put_le32(p, 0x10000);
	p[4] = major;
	p[5] = minor;
	ot_put_le32(p + 0x0C, 4);		/* NumberOfProcessors */
	ot_put_le32(p + 0x2C, 8);		/* PointerSize */
	ot_put_le64(p + 0x100, 10000000);	/* PerfFreq */
	ot_put_le64(p + 0x108, START);
	ot_put_le32(p + 0x110, 1);		/* QPC */
	for (i = 0; i < n; i++) {
		r = add_buffer(cpus[i], 8, i + 1, 0, 0x50);
		ot_put_le16(r, 0x50);
		r[2] = 0x13;			/* EVENT_HEADER64 */
		r[3] = 0xC0;
		ot_put_le64(r + 16, QPC0 + 10 * (cpus[i] + 1));
	}
}

/* the processors of the records after the header, in time order */
static int
cpus_of(uint32_t *out, size_t max, size_t *n, int *cpu_byte)
{
	struct ot_err err;
	struct ot_etl *e;
	struct ot_etl_record r;
	int rc;

	memset(&err, 0, sizeof(err));
	*n = 0;
	e = ot_etl_open_mem(file, flen, "layout.etl", &err);
	if (e == NULL)
		return -1;
	*cpu_byte = ot_etl_header(e)->cpu_byte;
	while ((rc = ot_etl_next(e, &r, &err)) > 0)
		if (!r.is_logfile_header && *n < max)
			out[(*n)++] = r.cpu;
	ot_etl_close(e);
	return rc;
}

static void
check_version(uint8_t major, uint8_t minor, int one_byte)
{
	static const uint8_t cpus[] = { 3, 1, 0, 2 };	/* file order */
	uint32_t got[8];
	size_t n, i;
	int cb = -1, ok = 1;

	build(major, minor, cpus, 4);
	CHECK(cpus_of(got, 8, &n, &cb) == 0 && n == 4);
	CHECK(cb == one_byte);
	/* time order is processor order here (their events' times) */
	for (i = 0; i < n; i++)
		if (got[i] != (one_byte ? i : 8 * 256 + i))
			ok = 0;
	CHECK(ok);
	if (!ok)
		fprintf(stderr, "  version %u.%u: cpus %u %u %u %u\n", major, minor,
			got[0], got[1], got[2], got[3]);
}

int
main(void)
{
	check_version(6, 1, 1);		/* Windows 7 */
	check_version(6, 0, 1);		/* Vista: ETW_BUFFER_CONTEXT, byte */
	check_version(5, 2, 1);		/* XP x64/2003: WMI_CLIENT_CONTEXT, byte */
	check_version(6, 2, 0);		/* Windows 8: ProcessorIndex */
	check_version(6, 3, 0);
	check_version(10, 0, 0);
	check_version(0, 0, 0);		/* no Windows version: the u16 is kept */
	printf("test_etl_layout: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
