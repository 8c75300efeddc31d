/*
 * Reservations of the contested providers' time for the guided
 * construction (batch_guide.c). Internal to scheduler/.
 */
#ifndef CAREDAY_BATCH_GUIDE_H
#define CAREDAY_BATCH_GUIDE_H

#include "scheduler/batch_tindex.h"
#include "scheduler/sched_internal.h"

struct batch_guide {
    bool *guided; /* per batch-wide provider: in the programme */
    size_t nguided;
    double total;  /* weighted visits of the guided providers */
    double placed; /* of them, placed by the reservations */
    double solve_s;
    struct sched_hold *resv; /* that solution's appointments (provider, family, time) */
    size_t nresv;
};

/* Over the time-indexed build t of the batch (batch_tindex.h, tix_time_bound), assign the time of
 * the providers with forced[g] > 0 (weighted visits each provider alone must leave out, np entries)
 * within budget_s seconds in all; a provider not reached in time gets no reservations. */
int batch_guide_solve(const sched_batch *b, struct tbuild *t, const double *forced, double budget_s,
                      struct batch_guide *out);
void batch_guide_free(struct batch_guide *g);

#endif
