/*
 * profile_tally.c - the tally of unmatched messages (profile.h): a
 * bounded count by key, with its own open-addressing index.  Calls no
 * other profile file (fnv() is profile_int.h's).
 */
#include "profile_int.h"

#include <stdlib.h>
#include <string.h>

void
ot_tally_init(struct ot_tally *t)
{
	memset(t, 0, sizeof(*t));
}

void
ot_tally_add(struct ot_tally *t, const char *key, size_t len, uint64_t count)
{
	size_t cap = 2 * OT_PROFILE_MAX_TALLY, h;

	t->total += count;
	if (t->idx == NULL)
		t->idx = xcalloc(cap, sizeof(size_t));
	for (h = fnv(key, len) & (cap - 1); t->idx[h]; h = (h + 1) & (cap - 1)) {
		struct ot_tally_entry *e = &t->e[t->idx[h] - 1];

		if (strlen(e->key) == len && memcmp(e->key, key, len) == 0) {
			e->count += count;
			return;
		}
	}
	if (t->n == OT_PROFILE_MAX_TALLY) {
		t->others += count;
		return;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->e = xrealloc(t->e, st_mult(t->cap, sizeof(*t->e)));
	}
	t->e[t->n].key = xmalloc(len + 1);
	memcpy(t->e[t->n].key, key, len);
	t->e[t->n].key[len] = '\0';
	t->e[t->n].count = count;
	t->idx[h] = ++t->n;
}

static int
by_count(const void *a, const void *b)
{
	const struct ot_tally_entry *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->key, y->key);
}

void
ot_tally_sort(struct ot_tally *t)
{
	size_t i;

	if (t->n == 0)
		return;
	qsort(t->e, t->n, sizeof(*t->e), by_count);
	/* the index no longer points right: rebuild it */
	memset(t->idx, 0, 2 * OT_PROFILE_MAX_TALLY * sizeof(size_t));
	for (i = 0; i < t->n; i++) {
		size_t cap = 2 * OT_PROFILE_MAX_TALLY, h;

		for (h = fnv(t->e[i].key, strlen(t->e[i].key)) & (cap - 1); t->idx[h];
		     h = (h + 1) & (cap - 1))
			;
		t->idx[h] = i + 1;
	}
}

void
ot_tally_release(struct ot_tally *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->e[i].key);
	free(t->e);
	free(t->idx);
	memset(t, 0, sizeof(*t));
}
