/*
 * hmap.h - a small open-addressing hash map (engine, decoders): keys are
 * two 64-bit words (a, b), values are pointers.  The key (0, 0) is
 * reserved for empty buckets and must never be inserted.  Linear probing,
 * backward-shift deletion, power-of-two capacity, load <= 1/2.
 */
#ifndef OT_HMAP_H
#define OT_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hm_entry {
	uint64_t a, b;
	void *v;
};

struct hmap {
	struct hm_entry *tab;
	size_t cap;		/* power of two */
	size_t len;
};

void hm_init(struct hmap *m);
void hm_free(struct hmap *m);
/* The value for (a, b), or NULL. */
void *hm_get(const struct hmap *m, uint64_t a, uint64_t b);
/* Insert or replace; returns the previous value or NULL. */
void *hm_put(struct hmap *m, uint64_t a, uint64_t b, void *v);
/* Remove (a, b); returns its value or NULL. */
void *hm_del(struct hmap *m, uint64_t a, uint64_t b);
/* Remove (a, b) only when it maps to v. */
void hm_del_if(struct hmap *m, uint64_t a, uint64_t b, const void *v);

#endif
