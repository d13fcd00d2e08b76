/*
 * progress.c - the progress bar (progress.h).  One line, redrawn in place
 * with a carriage return and padded to the previous length, so it needs
 * no terminal escape sequence and works on a dumb terminal too.
 */
#include "offtrace/progress.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "offtrace/util.h"

#define MIN_INTERVAL 0.1	/* seconds between drawings: 10 a second */

struct ot_progress {
	FILE *out;
	int width;
	const char *name;	/* the input, or the first of several */
	char member[256];	/* ARCHIVE:MEMBER (ot_progress_inputs()) */
	size_t ninputs;
	double start, last;	/* monotonic seconds; last < 0: never drawn */
	int drawn;		/* columns of the line on screen */
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

struct ot_progress *
ot_progress_new(FILE *out, int width, const char *const *paths, size_t n)
{
	struct ot_progress *p = xcalloc(1, sizeof(*p));

	p->out = out;
	p->width = width < 20 ? 20 : width > 500 ? 500 : width;
	p->name = n > 0 ? base_name(paths[0]) : "";
	p->ninputs = n;
	p->start = now_s();
	p->last = -1;
	return p;
}

void
ot_progress_inputs(void *ctx, const char *const *names, size_t n)
{
	struct ot_progress *p = ctx;
	const char *colon;

	if (n == 0)
		return;
	p->ninputs = n;
	colon = strchr(names[0], ':');
	if (colon == NULL || strcmp(names[0], "-") == 0) {
		p->name = base_name(names[0]);
		return;
	}
	/* the archive's base name, then the member as it is in it */
	{
		char arch[256];
		size_t k = (size_t)(colon - names[0]);

		snprintf(arch, sizeof(arch), "%.*s", (int)(k < sizeof(arch) ? k : sizeof(arch) - 1),
			 names[0]);
		snprintf(p->member, sizeof(p->member), "%s%s", base_name(arch), colon);
	}
	p->name = p->member;
}

/* 1536 -> "1.5 KiB" */
static const char *
fmt_bytes(uint64_t v, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	size_t u = 0;

	while (d >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", v);
	else
		snprintf(buf, len, "%.1f %s", d, unit[u]);
	return buf;
}

/* 123456.7 -> "123.5k" */
static const char *
fmt_rate(double r, char *buf, size_t len)
{
	if (r >= 1e6)
		snprintf(buf, len, "%.1fM", r / 1e6);
	else if (r >= 1e3)
		snprintf(buf, len, "%.1fk", r / 1e3);
	else
		snprintf(buf, len, "%.0f", r);
	return buf;
}

static const char *
fmt_eta(double s, char *buf, size_t len)
{
	long t;

	if (!(s >= 0) || s > 359999)
		snprintf(buf, len, "--:--");
	else if ((t = (long)(s + 0.5)) >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
	return buf;
}

/* "reading NAME [####----] 1.5 MiB/3.0 MiB 50% 12.3k ev/s ETA 0:02" */
static void
draw(struct ot_progress *p, uint64_t bytes, uint64_t total, uint64_t events,
     double now)
{
	char line[600], name[256], done[24], all[24], rate[24], eta[24];
	char tail[160], bar[512];
	double el = now - p->start, frac = total ? (double)bytes / (double)total : 0;
	int room, bw, i, n, len;

	if (frac > 1)
		frac = 1;
	if (p->ninputs > 1)
		snprintf(name, sizeof(name), "%s +%zu", p->name, p->ninputs - 1);
	else
		snprintf(name, sizeof(name), "%s", p->name);
	/* control characters in a file name must not reach the terminal */
	for (i = 0; name[i]; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			name[i] = '?';
	snprintf(tail, sizeof(tail), " %s/%s %3d%% %s ev/s ETA %s",
		 fmt_bytes(bytes, done, sizeof(done)),
		 fmt_bytes(total, all, sizeof(all)), (int)(frac * 100),
		 fmt_rate(el > 0 ? (double)events / el : 0, rate, sizeof(rate)),
		 fmt_eta(bytes > 0 && el > 0.2 ? el * (double)(bytes < total ?
			 total - bytes : 0) / (double)bytes : -1, eta, sizeof(eta)));
	/* the last column stays free: writing it wraps some terminals */
	room = p->width - 1 - (int)strlen("reading ") - (int)strlen(tail);
	/* the name gets at most half of what is left, the bar the rest */
	n = (int)strlen(name);
	if (n > room / 2 && room / 2 > 4) {
		memmove(name + 3, name + n - (room / 2 - 3), (size_t)(room / 2 - 3) + 1);
		memcpy(name, "...", 3);
		n = (int)strlen(name);
	}
	bw = room - n - 3;
	if (bw > 40)
		bw = 40;
	bar[0] = '\0';
	if (bw >= 5) {
		int fill = (int)(frac * bw);

		bar[0] = ' ';
		bar[1] = '[';
		for (i = 0; i < bw; i++)
			bar[2 + i] = i < fill ? '#' : '-';
		bar[2 + bw] = ']';
		bar[3 + bw] = '\0';
	}
	len = snprintf(line, sizeof(line), "reading %s%s%s", name, bar, tail);
	if (len < 0)
		return;
	if (len > p->width - 1)
		len = p->width - 1;
	fprintf(p->out, "\r%.*s", len, line);
	/* pad over what is left of a longer previous line */
	if (p->drawn > len)
		fprintf(p->out, "%*s", p->drawn - len, "");
	fflush(p->out);
	p->drawn = len > p->drawn ? len : p->drawn;
}

void
ot_progress_update(void *ctx, uint64_t bytes, uint64_t total, uint64_t events)
{
	struct ot_progress *p = ctx;
	double now = now_s();

	if (p == NULL || (p->last >= 0 && now - p->last < MIN_INTERVAL))
		return;
	p->last = now;
	draw(p, bytes, total, events, now);
}

void
ot_progress_free(struct ot_progress *p)
{
	if (p == NULL)
		return;
	if (p->drawn > 0) {
		fprintf(p->out, "\r%*s\r", p->drawn, "");
		fflush(p->out);
	}
	free(p);
}
