/*
 * The drop bound (batch_drop.c): what the families that must lose the
 * contested providers' visits still pay for the rest of their plans.
 * Internal to scheduler/.
 */
#ifndef CAREDAY_BATCH_DROP_H
#define CAREDAY_BATCH_DROP_H

#include "scheduler/batch_tindex.h"
#include "scheduler/sched_internal.h"

#include <stdint.h>

/* One visit at a provider that must leave visits out. */
struct drop_pair {
    int f, visit, g;
    int factor; /* priority factor */
};

/* A set of one family's pairs left out together, and what the family pays
 * at least then. */
struct drop_set {
    int f;
    uint64_t mask; /* bit k: the family's pair first[f] + k */
    double c;      /* the family's lower bound over its plans that leave them out */
    bool known;    /* c is set */
    bool asked;    /* a solve for c was handed out (it may have failed) */
};

struct batch_drop {
    struct drop_pair *pair; /* in family order */
    size_t npair;
    size_t *first, *count; /* per family: its pairs */
    struct drop_set *set;
    size_t nset, capset;
    size_t *want; /* sets the last solution leaves out whose c is not known */
    size_t nwant, capwant;
    size_t np;      /* providers */
    double *need;   /* per provider: weighted visits every plan leaves out there (whole) */
    double *never;  /* per family: weighted visits with no candidate at all */
    size_t n;       /* families */
    double value;   /* the best programme's proven lower bound (beyond base) */
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
 * !has_a[f]) within limit_s seconds; sum a + d->value bounds every plan
 * (d->base + d->value: the best so far). Lists in want the sets its
 * solution leaves out whose c is not known. usable: every family's weights
 * are non-negative, so a family pays at least W times its weighted visits
 * left out. */
int batch_drop_solve(struct batch_drop *d, const sched_batch *b, const bool *active,
                     const double *a, const bool *has_a, bool usable, double limit_s);

/* The drop solves: rounds of tasks (r, each at most solve_limit_s) for the
 * sets the programme's solution leaves out whose c is not known, the
 * programme solved again after each round, until its solution is all known
 * or budget_s seconds are spent. Needs the families' own bounds. */
int batch_drop_run(struct batch_drop *d, const sched_batch *b, const struct sched_batch_runner *r,
                   const bool *active, const double *a, const bool *has_a, bool usable,
                   double solve_limit_s, double budget_s);

#endif
