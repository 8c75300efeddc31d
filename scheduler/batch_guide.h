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

/* What the other providers were given, seen by one provider's programme:
 * before construction the reservations of the providers assigned earlier
 * (batch_guide_solve), in the search every provider's current appointments
 * (batch_repair.c). */
struct fcol;
struct batch_chosen {
    int *at;                       /* per visit of the build: its column, -1 none */
    bool *done;                    /* per provider: assigned (its visits' `at` are final) */
    size_t *fam_first, *fam_count; /* per family: its visits in t->vis */
    size_t *lnk_first, *lnk_count; /* ... and its links in t->link */
    /* NULL, or per visit: its column now (-1 none), whose objective gets
     * keep_bonus more, so the programme keeps what it can as it is. */
    const long *keep;
    double keep_bonus;
    /* NULL, or per column: allowed even when only the lodging reaches it. */
    const bool *lodging;
    struct fcol *fc; /* scratch */
    size_t fcap;
};
/* Every visit at -1, nothing done; SCHED_ENOMEM when out of memory. */
int batch_chosen_init(struct batch_chosen *ch, const struct tbuild *t, size_t n, size_t np);
void batch_chosen_free(struct batch_chosen *ch);

/* Provider g's integer programme into the empty model m: one binary column
 * per allowed start of each of its visits (t->col[k].lp its index, -1 when
 * not allowed; objective minus the visit's weight), at most one start per
 * visit, at most `capacity` patients at every instant less fixed bookings,
 * g's own "before" links, and per family one appointment at a time and the
 * visits its day still has room for, beside what ch holds. SCHED_EINVAL
 * when the deadline (sched_now_s) passed while building. */
int batch_provider_programme(struct tbuild *t, const sched_batch *b, struct batch_chosen *ch, int g,
                             solver_model *m, double deadline);

/* Provider g's programme solved within limit_s seconds, stopping within
 * abs_gap of its best, from ch->keep's columns when it is set (a warm
 * start): ch->at[v] receives the column it gives each of g's visits v (-1:
 * none), *placed their weight (-1 when it found no solution, also when the
 * time ran out while building), *cut whether it stopped before proving its
 * best. */
int batch_provider_solve(struct tbuild *t, const sched_batch *b, struct batch_chosen *ch, int g,
                         double limit_s, double abs_gap, double *placed, bool *cut);

#endif
