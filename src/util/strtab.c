/*
 * strtab.c - string interning (open addressing, FNV-1a), so that adapter
 * names compare by pointer in the engine.
 */
#include "offtrace/util.h"

#include <stdlib.h>
#include <string.h>

struct ot_strtab {
	char **slots;
	size_t cap, n;
};

static uint64_t
fnv1a(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

struct ot_strtab *
ot_strtab_new(void)
{
	struct ot_strtab *t = xcalloc(1, sizeof(*t));

	t->cap = 64;
	t->slots = xcalloc(t->cap, sizeof(char *));
	return t;
}

static void
grow(struct ot_strtab *t)
{
	size_t oldcap = t->cap, i;
	char **old = t->slots;

	t->cap *= 2;
	t->slots = xcalloc(t->cap, sizeof(char *));
	for (i = 0; i < oldcap; i++) {
		size_t j;

		if (old[i] == NULL)
			continue;
		j = fnv1a(old[i], strlen(old[i])) & (t->cap - 1);
		while (t->slots[j])
			j = (j + 1) & (t->cap - 1);
		t->slots[j] = old[i];
	}
	free(old);
}

const char *
ot_intern(struct ot_strtab *t, const char *s, size_t len)
{
	size_t j;
	char *p;

	if (2 * (t->n + 1) > t->cap)
		grow(t);
	j = fnv1a(s, len) & (t->cap - 1);
	while (t->slots[j]) {
		if (strncmp(t->slots[j], s, len) == 0 && t->slots[j][len] == '\0')
			return t->slots[j];
		j = (j + 1) & (t->cap - 1);
	}
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	t->slots[j] = p;
	t->n++;
	return p;
}

void
ot_strtab_free(struct ot_strtab *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->cap; i++)
		free(t->slots[i]);
	free(t->slots);
	free(t);
}
