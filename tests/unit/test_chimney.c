/*
 * test_chimney.c - the chimney provider's payload: every event of every
 * gen scenario survives encode/decode; malformed payloads are refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offtrace/chimney.h"
#include "offtrace/gen.h"
#include "offtrace/jsonl.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) { passed++; } else { failed++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

static int
same(const struct ot_event *a, const struct ot_event *b)
{
	uint32_t mask = ~(uint32_t)(OT_HAS_CPU | OT_HAS_PID | OT_HAS_TID);

	return a->ev == b->ev && a->layer == b->layer && a->state == b->state &&
	       (a->has & mask) == (b->has & mask) && a->adapter == b->adapter &&
	       a->root == b->root && a->block == b->block && a->parent == b->parent &&
	       a->slot == b->slot && a->handle == b->handle && a->value == b->value &&
	       a->nbl == b->nbl && a->status == b->status && a->code == b->code &&
	       a->reason == b->reason && strcmp(a->tuple.src, b->tuple.src) == 0 &&
	       strcmp(a->tuple.dst, b->tuple.dst) == 0 &&
	       a->tuple.sport == b->tuple.sport && a->tuple.dport == b->tuple.dport;
}

static void
round_trip(const char *scenario)
{
	struct ot_gen_opts go = { .seed = 3, .objects = 200 };
	struct ot_strtab *st = ot_strtab_new();
	struct ot_jsonl *rd;
	struct ot_event ev, back;
	struct ot_err err;
	uint8_t buf[OT_CHIMNEY_MAX];
	FILE *f = tmpfile();
	int r, bad = 0, n = 0;
	size_t len;

	memset(&err, 0, sizeof(err));
	CHECK(f != NULL && ot_gen_write(scenario, &go, f, NULL, &err) == 0);
	rewind(f);
	rd = ot_jsonl_open(f, scenario, 0, st);
	while ((r = ot_jsonl_next(rd, &ev, &err)) > 0) {
		len = ot_chimney_encode(&ev, buf);
		memset(&back, 0, sizeof(back));
		if (ot_chimney_decode((uint16_t)(ev.ev + 1), buf, len, st, &back, &err) < 0 ||
		    !same(&ev, &back))
			bad++;
		/* every truncation is refused, never read past the end */
		if (n++ < 20) {
			size_t cut;

			for (cut = 0; cut < len; cut++) {
				uint8_t *copy = malloc(cut ? cut : 1);

				memcpy(copy, buf, cut);
				memset(&back, 0, sizeof(back));
				if (ot_chimney_decode((uint16_t)(ev.ev + 1), copy, cut, st, &back,
						      &err) == 0)
					bad++;
				free(copy);
			}
		}
	}
	CHECK(r == 0);
	CHECK(bad == 0);
	if (bad)
		fprintf(stderr, "%s: %d events did not survive\n", scenario, bad);
	ot_jsonl_close(rd);
	fclose(f);
	ot_strtab_free(st);
}

int
main(void)
{
	struct ot_strtab *st = ot_strtab_new();
	struct ot_event ev;
	struct ot_err err;
	uint8_t buf[OT_CHIMNEY_MAX];
	size_t len;
	unsigned i;

	for (i = 0; i < ot_gen_nscenarios; i++)
		round_trip(ot_gen_scenarios[i].name);

	memset(&ev, 0, sizeof(ev));
	ev.adapter = ot_intern(st, "nic0", 4);
	len = ot_chimney_encode(&ev, buf);
	CHECK(ot_chimney_decode(0, buf, len, st, &ev, &err) < 0);	/* id 0 */
	CHECK(ot_chimney_decode(OT_EV_COUNT + 1, buf, len, st, &ev, &err) < 0);
	buf[4] = 7;							/* layer */
	CHECK(ot_chimney_decode(1, buf, len, st, &ev, &err) < 0);
	buf[4] = 0;
	buf[5] = 5;							/* state */
	CHECK(ot_chimney_decode(1, buf, len, st, &ev, &err) < 0);
	buf[5] = 0;
	buf[3] = 0x80;							/* has bits */
	CHECK(ot_chimney_decode(1, buf, len, st, &ev, &err) < 0);
	buf[3] = 0;
	buf[len - 1] = 'x';						/* unterminated */
	CHECK(ot_chimney_decode(1, buf, len, st, &ev, &err) < 0);
	ot_strtab_free(st);
	printf("test_chimney: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
