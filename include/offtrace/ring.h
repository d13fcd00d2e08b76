/*
 * ring.h - a ring of batches between one producer thread and one consumer
 * thread: the ingest pipeline's reader and store, flows' reader and
 * tracker.  The ring hands out slot indexes; the batches themselves are
 * the caller's array of n.  Memory stays bounded: the producer waits
 * while every slot is full.
 */
#ifndef OT_RING_H
#define OT_RING_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct ot_ring {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t n;		/* slots */
	uint64_t filled;	/* slots handed over by the producer */
	uint64_t taken;		/* slots given back by the consumer */
	int done;		/* the producer handed over its last slot */
	int stop;		/* the consumer wants no more */
};

void ot_ring_init(struct ot_ring *r, size_t n);
void ot_ring_destroy(struct ot_ring *r);
/* Producer: the slot to fill next, once the consumer freed one; -1 when
 * the consumer stopped. */
long ot_ring_fill(struct ot_ring *r);
/* Producer: hand that slot over; last: nothing follows it. */
void ot_ring_put(struct ot_ring *r, int last);
/* Consumer: the next full slot, waiting for one; -1 after the last. */
long ot_ring_take(struct ot_ring *r);
/* Consumer: give that slot back to the producer. */
void ot_ring_give(struct ot_ring *r);
/* Consumer: stop the producer (its ot_ring_fill() gives -1). */
void ot_ring_stop(struct ot_ring *r);

#endif
