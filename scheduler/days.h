/* Private to scheduler/: the day-level model (docs/model.md "The day-level
 * model"). days.c builds the master, daycheck.c checks trip days at the
 * minute level, benders.c runs the loop between them. */
#ifndef CAREDAY_SCHED_DAYS_H
#define CAREDAY_SCHED_DAYS_H

#include "scheduler/sched_internal.h"

/* A group: the candidates of one visit in one mode on one day at one cost
 * (a movable booking at its booked time costs less than moved: two groups). */
struct dgroup {
    int visit;
    enum sched_mode mode;
    int day;
    int place; /* in person: the provider's place; otherwise -1 */
    double cost;
    bool fixed;      /* a fixed booking: always chosen */
    size_t c0, n;    /* its candidates: dmaster.gcand[c0 .. c0 + n) */
    cal_time s0, s1; /* earliest and latest start (UTC) */
    cal_time e0, e1; /* earliest and latest end */
    int col;
};

/* A trip day's route: one place (b = -1) or two, a visited first. */
struct droute {
    int day;
    int a, b;
    double cost;
    int col;
};

struct dmaster {
    struct sched_ctx *x;
    solver_model *m;
    int rc;
    struct dgroup *g; /* sorted by (visit, day, mode, cost) */
    size_t ng, gcap;
    size_t *gcand;          /* candidate indices, grouped */
    size_t *vg0, *vgn;      /* per visit: its groups */
    size_t *dg, *dg0, *dgn; /* per day: indices into g */
    int *ucol;              /* per visit: unscheduled slack, -1 none */
    struct droute *r;
    size_t nr, rcap;
    size_t *rd0, *rdn; /* per day: its routes */
    int *ocol;         /* ndays * nplaces: nights at lodging, -1 none; NULL without lodging */
    bool minute_costs; /* some visit's cost varies within a day beyond a few classes */
    double *colcost;   /* objective coefficient per column */
    size_t ccap;
    struct sched_row row; /* row scratch */
};

/* Build the master over the candidates of x. On failure returns a code and
 * leaves nothing to free but dm_free (which is always safe). */
int dm_build(struct sched_ctx *x, struct dmaster *dm);
void dm_free(struct dmaster *dm);
/* Rows for what any plan must respect at the minute level: a trip-day group
 * that needs a night, two groups of a day that never fit together
 * (dayprep.c). */
int dm_prepare(struct dmaster *dm);
/* Add the cut sum(1 - y[g] for g in pos) + sum(z for z in on) + sum(1 - z
 * for z in off) >= 1, where pos are group indices and on/off columns. */
int dm_add_cut(struct dmaster *dm, const size_t *pos, size_t npos, const int *on, size_t non,
               const int *off, size_t noff);
/* Whether a lag from group a to group b holds for some pair of their
 * candidates (possible), or for every pair (decided by the days alone). */
bool dm_lag_possible(const struct dmaster *dm, const struct dgroup *a, const struct dgroup *b,
                     const struct sched_lag *lag);
bool dm_lag_decided(const struct dmaster *dm, const struct dgroup *a, const struct dgroup *b,
                    const struct sched_lag *lag);

/* ---- the within-day check (daycheck.c) ----------------------------------- */

enum dc_result { DC_FEASIBLE, DC_INFEASIBLE, DC_STOPPED, DC_ERROR };

/* A set of days checked together, with what the master chose on them. */
struct dc_query {
    const size_t *groups; /* group indices (fixed bookings included) */
    size_t ngroups;
    const int *nights; /* master night columns at 1 inside the days */
    size_t nnights;
    const int *routes; /* the master's route per trip day (route indices) */
    size_t nroutes;
    double time_limit_s;
    /* 0: the nights listed. 1 + bits: assume (bit 0) a night before and
     * (bit 1) a night after the query's first day, and (bits 2, 3) the
     * same for every later day, for what holds in any plan. */
    int assume_nights;
};

struct dc_answer {
    size_t *cands; /* chosen candidate indices (feasible; owned) */
    size_t ncands;
    double cost; /* model cost of the days */
    /* infeasible: the columns the answer depends on besides the groups */
    int *disallowed; /* route columns kept out (costlier order) */
    size_t ndisallowed;
};
void dc_answer_free(struct dc_answer *a);

/* Check the query exactly: the dedicated search, and the small MIP over
 * the chosen candidates when the search runs out of nodes. */
enum dc_result dc_check(const struct dmaster *dm, const struct dc_query *q, struct dc_answer *a);
/* The dedicated search (daysearch.c); DC_STOPPED after limit nodes. */
enum dc_result ds_search(const struct dmaster *dm, const struct dc_query *q, long limit,
                         struct dc_answer *a);
/* The small MIP alone (daycheck.c). */
enum dc_result dc_check_mip(const struct dmaster *dm, const struct dc_query *q,
                            struct dc_answer *a);

#endif
