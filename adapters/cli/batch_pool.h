/*
 * Worker processes for `careday batch --jobs N` (batch_pool.c). GLPK is
 * single-threaded with process-wide state, so parallel moves run in forked
 * processes that share the loaded cases copy-on-write and talk over pipes.
 */
#ifndef CAREDAY_ADAPTERS_CLI_BATCH_POOL_H
#define CAREDAY_ADAPTERS_CLI_BATCH_POOL_H

#include "scheduler/scheduler.h"

typedef struct batch_pool batch_pool;

/* Start `jobs` workers (jobs <= 1: none; moves run in this process). The
 * batch must stay alive and unchanged until batch_pool_free. Fills *runner
 * (round = 2 tasks per worker, 1 without workers). */
int batch_pool_new(const sched_batch *b, int jobs, batch_pool **out,
                   struct sched_batch_runner *runner, struct careday_error *err);
/* Stop the workers and wait for them. NULL is a no-op. */
void batch_pool_free(batch_pool *p);
/* Moves that could not run (a worker died); 0 normally. */
size_t batch_pool_failures(const batch_pool *p);

#endif
