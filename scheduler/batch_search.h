/*
 * The state of a batch search (batch_search.c), shared with the choice of
 * its moves (batch_moves.c). Internal to scheduler/.
 */
#ifndef CAREDAY_BATCH_SEARCH_H
#define CAREDAY_BATCH_SEARCH_H

#include "scheduler/batch_drop.h"
#include "scheduler/batch_guide.h"
#include "scheduler/batch_master.h"
#include "scheduler/sched_internal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_FAILS 12 /* failed moves before a family is left as it is */

/* splitmix64: the same stream for the same seed everywhere. */
static inline uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A uniform number in [0, 1). */
static inline double rnd01(uint64_t *s)
{
    return (double)(rnd(s) >> 11) / 9007199254740992.0;
}

struct search {
    const sched_batch *b;
    const struct sched_batch_options *o;
    const struct sched_batch_runner *r;
    size_t n;
    struct sched_plan **cur;
    double *bound;
    bool *has_bound, *solved, *active, *used, *excl;
    int *fails;
    double *weight;
    double *scratch; /* batch_bound's */
    uint64_t rng;
    double t0;
    struct sched_batch_result *out;
    struct sched_hold *holds;
    size_t nholds;
    double left_out; /* at least this weighted number of visits is left out */
    double *forced;  /* per provider: weighted visits every plan leaves out there */
    double *excess;  /* per provider: weighted visits left out beyond that */
    int **vfails;    /* per family and visit: slot-freeing moves for it that failed */
    bool big;        /* a pass of the largest moves (after one that found nothing) */
    struct batch_guide guide;
    struct batch_plans *pool;          /* plans the search produced, for the master */
    bool *changed;                     /* per family: replaced by the master */
    size_t master_round;               /* s->out->rounds at the last master solve */
    size_t master_seen[2];             /* pool changes and accepted moves then (+1) */
    double reserve;                    /* seconds kept for the last master solve */
    double master_s;                   /* the longest master solve so far */
    struct batch_drop drop;            /* the families that lose the forced visits (batch_drop.c) */
    struct tbuild tb;                  /* the time-indexed build of the bounds (batch_tindex.h) */
    struct batch_repair_state *repair; /* per provider (batch_repair.c) */
    size_t repair_round;               /* s->out->rounds at the last repair pass */
    double repair_s;                   /* time the repairs took in all */
    struct sched_plan **own;           /* until construction ends: each family's own best plan */
};

/* Choose up to `round` moves with disjoint families (need: scratch of one
 * bool per provider); returns how many. */
size_t batch_choose_moves(struct search *s, struct sched_batch_task *tasks, size_t round,
                          bool *need);

/* Per provider (s->excess): the weighted visits the plan leaves out beyond
 * those that provider time forces out of every plan (batch_moves.c). */
void batch_count_excess(struct search *s);

/* Reservations standing in for some families' appointments while they are
 * re-planned: in the guided construction every active family, at every
 * guided provider; in a repair the families it moves, at one provider. */
struct batch_stand {
    const bool *fam;      /* per family: re-planned (NULL: every active one) */
    const bool *provider; /* per batch-wide provider: the reservations stand in there */
    const struct sched_hold *resv;
    size_t nresv;
    double stop_s; /* no new round after these seconds of the search (0: the time limit) */
};

/* Plans for the families st re-plans, each against the others' current
 * appointments with st's reservations standing in for the re-planned
 * families' own at st's providers, then checked against the new plans of
 * those before it; alt (s->n entries, NULL on entry) receives them.
 * *complete: every one of them got a plan that fits. */
int batch_guided_plans(struct search *s, const struct batch_stand *st, struct sched_plan **alt,
                       bool *complete);
/* The plans of alt (NULL: the family keeps its plan) replace the current
 * ones together when they cost less in all and no provider goes over
 * capacity (*taken); alt's entries are taken or freed and set to NULL. */
int batch_take_better(struct search *s, struct sched_plan **alt, bool *taken);

/* A provider's repairs: the plan's version at the last one (+1), and the
 * round before which it is not tried again after repairs that gained
 * nothing (fails of them in a row). */
struct batch_repair_state {
    size_t seen, next;
    int fails;
};

/* The repair moves (batch_repair.c): for each provider whose plan leaves
 * out more than its bound forces and whose plan changed since its last
 * repair, its visits re-assigned by one integer programme over the current
 * plan and the families whose time there changes re-planned. */
int batch_repair(struct search *s);

#endif
