/*
 * hmap.c - open-addressing hash map (see offtrace/hmap.h).
 */
#include "offtrace/hmap.h"

#include <stdlib.h>
#include <string.h>

#include "offtrace/util.h"

static inline uint64_t
hm_hash(uint64_t a, uint64_t b)
{
	uint64_t h = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull);

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	return h;
}

void
hm_init(struct hmap *m)
{
	m->cap = 16;
	m->len = 0;
	m->tab = xcalloc(m->cap, sizeof(*m->tab));
}

void
hm_free(struct hmap *m)
{
	free(m->tab);
	m->tab = NULL;
	m->cap = m->len = 0;
}

static struct hm_entry *
hm_find(const struct hmap *m, uint64_t a, uint64_t b)
{
	size_t mask = m->cap - 1;
	size_t i = hm_hash(a, b) & mask;
	struct hm_entry *e;

	for (;;) {
		e = &m->tab[i];
		if (e->a == a && e->b == b)
			return e;
		if (e->a == 0 && e->b == 0)
			return NULL;
		i = (i + 1) & mask;
	}
}

void *
hm_get(const struct hmap *m, uint64_t a, uint64_t b)
{
	struct hm_entry *e;

	if (a == 0 && b == 0)
		return NULL;
	e = hm_find(m, a, b);
	return e ? e->v : NULL;
}

void
hm_prefetch(const struct hmap *m, uint64_t a, uint64_t b, int stage)
{
	const struct hm_entry *e = &m->tab[hm_hash(a, b) & (m->cap - 1)];

	if (stage == 0)
		__builtin_prefetch(e);
	else if (e->a == a && e->b == b)
		__builtin_prefetch(e->v);
}

static void
hm_grow(struct hmap *m)
{
	struct hm_entry *old = m->tab;
	size_t oldcap = m->cap, i, j, mask;

	m->cap = oldcap * 2;
	m->tab = xcalloc(m->cap, sizeof(*m->tab));
	mask = m->cap - 1;
	for (i = 0; i < oldcap; i++) {
		if (old[i].a == 0 && old[i].b == 0)
			continue;
		j = hm_hash(old[i].a, old[i].b) & mask;
		while (m->tab[j].a != 0 || m->tab[j].b != 0)
			j = (j + 1) & mask;
		m->tab[j] = old[i];
	}
	free(old);
}

void **
hm_cell(struct hmap *m, uint64_t a, uint64_t b)
{
	size_t mask, i;
	struct hm_entry *e;

	if (a == 0 && b == 0)
		return NULL;
	if ((m->len + 1) * 2 > m->cap)
		hm_grow(m);
	mask = m->cap - 1;
	i = hm_hash(a, b) & mask;
	for (;;) {
		e = &m->tab[i];
		if (e->a == a && e->b == b)
			return &e->v;
		if (e->a == 0 && e->b == 0) {
			e->a = a;
			e->b = b;
			e->v = NULL;
			m->len++;
			return &e->v;
		}
		i = (i + 1) & mask;
	}
}

void *
hm_put(struct hmap *m, uint64_t a, uint64_t b, void *v)
{
	void **cell = hm_cell(m, a, b), *prev;

	if (cell == NULL)
		return NULL;
	prev = *cell;
	*cell = v;
	return prev;
}

void
hm_clear(struct hmap *m)
{
	memset(m->tab, 0, m->cap * sizeof(*m->tab));
	m->len = 0;
}

/* Backward-shift deletion: no tombstones, probe chains stay short. */
static void
hm_remove_at(struct hmap *m, size_t i)
{
	size_t mask = m->cap - 1, j = i, k;

	for (;;) {
		j = (j + 1) & mask;
		if (m->tab[j].a == 0 && m->tab[j].b == 0)
			break;
		k = hm_hash(m->tab[j].a, m->tab[j].b) & mask;
		/* move j to i when k is not cyclically in (i, j] */
		if ((i <= j) ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		m->tab[i] = m->tab[j];
		i = j;
	}
	memset(&m->tab[i], 0, sizeof(m->tab[i]));
	m->len--;
}

void *
hm_del(struct hmap *m, uint64_t a, uint64_t b)
{
	struct hm_entry *e;
	void *v;

	if (a == 0 && b == 0)
		return NULL;
	e = hm_find(m, a, b);
	if (!e)
		return NULL;
	v = e->v;
	hm_remove_at(m, (size_t)(e - m->tab));
	return v;
}

void
hm_del_if(struct hmap *m, uint64_t a, uint64_t b, const void *v)
{
	(void)hm_replace_if(m, a, b, v, NULL);
}

int
hm_replace_if(struct hmap *m, uint64_t a, uint64_t b, const void *old, void *v)
{
	struct hm_entry *e;

	if (a == 0 && b == 0)
		return 0;
	e = hm_find(m, a, b);
	if (e == NULL || e->v != old)
		return 0;
	if (v != NULL)
		e->v = v;
	else
		hm_remove_at(m, (size_t)(e - m->tab));
	return 1;
}
