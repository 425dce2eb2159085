/* A small pool of worker threads owned by one backend (created with it, joined when it is
 * collected): the recurrence kernels split each sequence's hidden units across its threads, which
 * meet at a barrier between the steps. No state outside the pool object itself. */
#ifndef RECURRENT_THREAD_POOL_H
#define RECURRENT_THREAD_POOL_H
#include <stdatomic.h>

typedef struct thread_pool thread_pool_t;

/* fn(context, k) runs on participants k = 0 … n − 1 (k = 0 on the calling thread). */
typedef void (*pool_job_fn)(void *context, int k);

/* A pool of `threads` participants (threads − 1 workers; 1: none), or NULL without memory. */
thread_pool_t *pool_create(int threads);
void pool_destroy(thread_pool_t *pool);
/* Participants it has (1 for a NULL pool). */
int pool_size(const thread_pool_t *pool);
/* Runs fn on n participants (1 ≤ n ≤ pool_size) and returns when every one has finished. */
void pool_run(thread_pool_t *pool, int n, pool_job_fn fn, void *context);
/* Waits until all n participants of the running job have arrived (a no-op for n = 1). */
void pool_barrier(thread_pool_t *pool, int n);
/* Waits until *count ≥ target (acquire), spinning and then yielding as the barrier does: for jobs
 * whose participants count finished pieces of work instead of meeting at a barrier. */
void pool_wait_count(const atomic_long *count, long target);

#endif
