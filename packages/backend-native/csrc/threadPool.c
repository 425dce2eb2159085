/* The backend's worker threads (threadPool.h). A job is announced under a mutex and a condition
 * variable (workers sleep between jobs); inside a job the participants meet at a counting barrier
 * that spins briefly (200 pauses), then yields the core (a participant descheduled on a busy machine would
 * otherwise stall the others for a whole time slice). */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "threadPool.h"

struct thread_pool {
  int size;
  pthread_t *workers;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  /* the current job: announced by raising `generation` under the lock */
  unsigned generation;
  int quit;
  int participants;
  pool_job_fn fn;
  void *context;
  atomic_int finished;
  /* the barrier inside a job */
  atomic_int arrived;
  atomic_uint barrierGeneration;
};

typedef struct {
  thread_pool_t *pool;
  int k;
} worker_arg_t;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static void wait_while_equal(atomic_uint *value, unsigned seen) {
  for (int spin = 0; atomic_load_explicit(value, memory_order_acquire) == seen; spin++) {
    if (spin < 200) cpu_relax();
    else sched_yield();
  }
}

void pool_wait_count(const atomic_long *count, long target) {
  for (int spin = 0; atomic_load_explicit(count, memory_order_acquire) < target; spin++) {
    if (spin < 200) cpu_relax();
    else sched_yield();
  }
}

static void *worker_main(void *argument) {
  worker_arg_t self = *(worker_arg_t *)argument;
  free(argument);
  thread_pool_t *pool = self.pool;
  unsigned seen = 0;
  for (;;) {
    pthread_mutex_lock(&pool->lock);
    while (pool->generation == seen && !pool->quit) pthread_cond_wait(&pool->wake, &pool->lock);
    if (pool->quit) {
      pthread_mutex_unlock(&pool->lock);
      return NULL;
    }
    seen = pool->generation;
    int run = self.k < pool->participants;
    pool_job_fn fn = pool->fn;
    void *context = pool->context;
    pthread_mutex_unlock(&pool->lock);
    if (!run) continue;
    fn(context, self.k);
    atomic_fetch_add_explicit(&pool->finished, 1, memory_order_release);
  }
}

thread_pool_t *pool_create(int threads) {
  thread_pool_t *pool = calloc(1, sizeof *pool);
  if (!pool) return NULL;
  pool->size = threads < 1 ? 1 : threads;
  pthread_mutex_init(&pool->lock, NULL);
  pthread_cond_init(&pool->wake, NULL);
  atomic_init(&pool->finished, 0);
  atomic_init(&pool->arrived, 0);
  atomic_init(&pool->barrierGeneration, 0);
  pool->workers = calloc((size_t)pool->size, sizeof(pthread_t));
  if (!pool->workers) {
    free(pool);
    return NULL;
  }
  for (int k = 1; k < pool->size; k++) {
    worker_arg_t *argument = malloc(sizeof *argument);
    if (argument) *argument = (worker_arg_t){pool, k};
    if (!argument || pthread_create(&pool->workers[k], NULL, worker_main, argument) != 0) {
      free(argument);
      pool->size = k; /* run with the workers that started */
      break;
    }
  }
  return pool;
}

void pool_destroy(thread_pool_t *pool) {
  if (!pool) return;
  pthread_mutex_lock(&pool->lock);
  pool->quit = 1;
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->lock);
  for (int k = 1; k < pool->size; k++) pthread_join(pool->workers[k], NULL);
  pthread_mutex_destroy(&pool->lock);
  pthread_cond_destroy(&pool->wake);
  free(pool->workers);
  free(pool);
}

int pool_size(const thread_pool_t *pool) { return pool ? pool->size : 1; }

void pool_run(thread_pool_t *pool, int n, pool_job_fn fn, void *context) {
  if (!pool || n <= 1) {
    fn(context, 0);
    return;
  }
  if (n > pool->size) n = pool->size;
  atomic_store(&pool->finished, 0);
  atomic_store(&pool->arrived, 0);
  pthread_mutex_lock(&pool->lock);
  pool->fn = fn;
  pool->context = context;
  pool->participants = n;
  pool->generation++;
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->lock);
  fn(context, 0);
  for (int spin = 0; atomic_load_explicit(&pool->finished, memory_order_acquire) < n - 1; spin++) {
    if (spin < 200) cpu_relax();
    else sched_yield();
  }
}

void pool_barrier(thread_pool_t *pool, int n) {
  if (!pool || n <= 1) return;
  unsigned generation = atomic_load_explicit(&pool->barrierGeneration, memory_order_acquire);
  if (atomic_fetch_add_explicit(&pool->arrived, 1, memory_order_acq_rel) == n - 1) {
    atomic_store_explicit(&pool->arrived, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&pool->barrierGeneration, 1, memory_order_release);
    return;
  }
  wait_while_equal(&pool->barrierGeneration, generation);
}
