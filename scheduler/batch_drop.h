/*
 * The drop bound (batch_drop.c): what the families that must lose the
 * contested providers' visits still pay for the rest of their plans.
 * Internal to scheduler/.
 */
#ifndef CAREDAY_BATCH_DROP_H
#define CAREDAY_BATCH_DROP_H

#include "scheduler/batch_tindex.h"
#include "scheduler/sched_internal.h"

/* One visit at a provider that must leave visits out. */
struct drop_pair {
    int f, visit, g;
    int factor;  /* priority factor */
    double c;    /* family f's lower bound over its plans that leave it out */
    bool known;  /* c is set */
    bool asked;  /* a solve for c was handed out (it may have failed) */
    bool chosen; /* left out in the last programme's solution */
};

struct batch_drop {
    struct drop_pair *pair; /* sorted by family */
    size_t npair;
    size_t np;      /* providers */
    double *need;   /* per provider: weighted visits every plan leaves out there (whole) */
    double *never;  /* per family: weighted visits with no candidate at all */
    size_t n;       /* families */
    double value;   /* the last programme's proven lower bound (sum over families beyond a) */
    double base;    /* ... and the sum of the families' own bounds it was solved with */
    bool have;      /* value is set */
    size_t solves;  /* drop solves answered */
    double solve_s; /* wall time of the drop rounds */
    double mip_s;   /* time in the programme */
};

/* From the time-indexed build t (tix_time_bound) and forced[g] (np
 * entries: weighted visits of provider g every plan leaves out, beyond the
 * visits with no candidate at all): the pairs to cover. */
int batch_drop_init(const sched_batch *b, const struct tbuild *t, const double *forced,
                    struct batch_drop *d);
void batch_drop_free(struct batch_drop *d);

/* Solve the covering programme with the families' own bounds a[f] (0 where
 * !has_a[f]) within limit_s seconds; d->value is its proven lower bound,
 * so sum a + d->value bounds every plan. Marks the pairs of its solution
 * (chosen). usable: every family's weights are non-negative, so a family
 * pays at least W times its weighted visits left out. */
int batch_drop_solve(struct batch_drop *d, const sched_batch *b, const bool *active,
                     const double *a, const bool *has_a, bool usable, double limit_s);

/* The drop solves: rounds of tasks (r, each at most solve_limit_s) for the
 * pairs the programme's solution leaves out whose c is not known, the
 * programme solved again after each round, until every pair of its solution
 * is known or budget_s seconds are spent. Needs the families' own bounds. */
int batch_drop_run(struct batch_drop *d, const sched_batch *b, const struct sched_batch_runner *r,
                   const bool *active, const double *a, const bool *has_a, bool usable,
                   double solve_limit_s, double budget_s);

#endif
