/*
 * ring.c - a ring of batches between two threads (ring.h).
 */
#include "offtrace/ring.h"

void
ot_ring_init(struct ot_ring *r, size_t n)
{
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->n = n;
	r->filled = r->taken = 0;
	r->done = r->stop = 0;
}

void
ot_ring_destroy(struct ot_ring *r)
{
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
}

long
ot_ring_fill(struct ot_ring *r)
{
	long i = -1;

	pthread_mutex_lock(&r->mu);
	while (r->filled - r->taken == r->n && !r->stop)
		pthread_cond_wait(&r->cv, &r->mu);
	if (!r->stop)
		i = (long)(r->filled % r->n);
	pthread_mutex_unlock(&r->mu);
	return i;
}

void
ot_ring_put(struct ot_ring *r, int last)
{
	pthread_mutex_lock(&r->mu);
	r->filled++;
	if (last)
		r->done = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

long
ot_ring_take(struct ot_ring *r)
{
	long i = -1;

	pthread_mutex_lock(&r->mu);
	while (r->filled == r->taken && !r->done)
		pthread_cond_wait(&r->cv, &r->mu);
	if (r->filled != r->taken)
		i = (long)(r->taken % r->n);
	pthread_mutex_unlock(&r->mu);
	return i;
}

void
ot_ring_give(struct ot_ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->taken++;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

void
ot_ring_stop(struct ot_ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->stop = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}
