/*
 * The plan pool and the set-partitioning master of a batch's search
 * (batch_master.c, docs/batch.md "How it plans"). Internal to scheduler/.
 */
#ifndef CAREDAY_BATCH_MASTER_H
#define CAREDAY_BATCH_MASTER_H

#include "scheduler/sched_internal.h"

/* Per family, distinct single-family plans the search has produced:
 * distinct by their appointments (visit, mode, start, place); of two with
 * the same appointments the cheaper is kept, and at most `per_family` of
 * the cheapest. */
struct batch_plans;
struct batch_plans *batch_plans_new(size_t n, size_t per_family);
void batch_plans_free(struct batch_plans *pool); /* NULL is a no-op */
/* Add a copy of plan p (NULL is ignored) of family f. */
int batch_plans_add(struct batch_plans *pool, size_t f, const struct sched_plan *p);
/* How many times a plan was added or replaced so far. */
size_t batch_plans_changes(const struct batch_plans *pool);
/* Plans held for family f. */
size_t batch_plans_count(const struct batch_plans *pool, size_t f);

/* What one master solve did. */
struct batch_master_run {
    double gain;    /* objective saved (0: the current plans were kept) */
    double seconds; /* the solve's time */
    size_t columns; /* plans in the programme */
    size_t rows;    /* rows of the programme */
    bool stopped;   /* cut by its time limit (the result then depends on timing) */
    bool skipped;   /* more plans than max_columns: not solved */
    size_t changed; /* families whose plan was replaced */
};

/* The restricted master over cur[f] and family f's pool plans, for the
 * active families: one plan per family, every provider within capacity at
 * every instant, least total objective; warm-started with the current
 * plans. When its solution is strictly cheaper and has no conflict, the
 * changed families' plans replace cur[f] (the old ones freed) and
 * changed[f] is set (changed may be NULL). With more than max_columns
 * plans in all it is not solved (run->skipped): its solve time grows much
 * faster than its size. */
int batch_master_solve(const sched_batch *b, const bool *active, struct sched_plan **cur,
                       const struct batch_plans *pool, size_t max_columns, double time_limit_s,
                       bool *changed, struct batch_master_run *run);

#endif
