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
/* Ask the memory for the bucket of (a, b); stage 1: for the value too
 * when the first bucket holds it (see ot_flows_prefetch). */
void hm_prefetch(const struct hmap *m, uint64_t a, uint64_t b, int stage);
/* Insert or replace; returns the previous value or NULL. */
void *hm_put(struct hmap *m, uint64_t a, uint64_t b, void *v);
/*
 * The value cell of (a, b), inserted holding NULL when absent: a get and a
 * put in one probe.  Valid until the next insertion or removal.
 */
void **hm_cell(struct hmap *m, uint64_t a, uint64_t b);
/* Remove (a, b); returns its value or NULL. */
void *hm_del(struct hmap *m, uint64_t a, uint64_t b);
/* Remove (a, b) only when it maps to v. */
void hm_del_if(struct hmap *m, uint64_t a, uint64_t b, const void *v);
/* Where (a, b) maps to old, map it to v instead, or remove it when v is
 * NULL; returns 1 when it did, 0 when (a, b) did not map to old. */
int hm_replace_if(struct hmap *m, uint64_t a, uint64_t b, const void *old, void *v);
/* Empty the map, keeping its capacity. */
void hm_clear(struct hmap *m);

#endif
