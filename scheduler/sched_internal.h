/* Private to scheduler/: the planning context shared by the candidate
 * generator, the model, the baseline and plan finishing. */
#ifndef CAREDAY_SCHED_INTERNAL_H
#define CAREDAY_SCHED_INTERNAL_H

#include "scheduler/scheduler.h"
#include "calendars/util.h"
#include "solver/solver.h"

#define SCHED_SLOT 15               /* minutes: start grid and away-slot size */
#define SCHED_QUARTERS (24 * 4 + 1) /* quarter hours of a local day, 00:00 .. 24:00 */

/* One feasible placement of a visit. Times are local minutes of the case
 * day (see struct sched_ctx); UTC via ctx_utc. */
struct cand {
    int visit;
    enum sched_mode mode;
    int day;          /* 0-based day index in the horizon */
    int start, end;   /* local minutes of day */
    int place;        /* in person: place index; otherwise -1 */
    int dep, ret;     /* in person: leave home / back home (home legs, parking in) */
    int dep_l, ret_l; /* in person: same with lodging legs (after / before a night) */
    cal_time ustart, uend;
    bool fixed;    /* a fixed booking */
    bool original; /* a movable booking at its booked time */
    double cost;
    int col; /* model column */
};

/* Why a visit has few or no candidates. */
struct visit_diag {
    int pin_rejected;    /* feasible starts that the visit's pin rules out */
    int avoid_rejected;  /* ... that fall on a date to avoid */
    int notice_rejected; /* ... that start before now + notice */
    int provider_time;   /* starts with provider time in the window */
    int family_time;     /* ... that also meet family time and the day window */
    int nurse_blocked;   /* ... rejected only for nurse coverage */
    bool tele_not_ready;
    int ncands;
};

struct sched_ctx {
    const struct sched_case *c;
    int ndays;
    int home; /* index of home in the travel matrix (= nplaces) */
    /* Per day and quarter hour of the local day (SCHED_QUARTERS of them):
     * UTC of local minute 0 as read with the offset in force at that
     * quarter hour, so a DST change day is exact at every time (ctx_utc). */
    cal_time *qbase;
    int win0, win1; /* family day window, local minutes */
    int nslots;     /* away slots per day */
    bool *blocked;  /* ndays * nslots: family busy / no nurse for travel */
    struct cand *cands;
    size_t ncands, cap;
    size_t *vfirst; /* per visit: first candidate index (cands grouped by visit) */
    size_t *vcount;
    struct visit_diag *diag;
    int lodging; /* place index or -1 when overnight stays are impossible */
};

int ctx_init(struct sched_ctx *x, const struct sched_case *c);
/* Validate c (sched_case_validate) and build its context (ctx_init),
 * saying in err what went wrong; the caller frees x with ctx_free. */
int ctx_for_case(struct sched_ctx *x, const struct sched_case *c, struct careday_error *err);
/* The minutes of a day's window that visits can fill when the longest run
 * of slots is longest: the window, less the shortest way out and back
 * (from home or the lodging) to any of the day's n places. */
int ctx_day_span(const struct sched_ctx *x, int longest, const int *places, int n);
void ctx_free(struct sched_ctx *x);
/* UTC of local minute `minute` of day (0-based); minutes before 0 or
 * after 24:00 are read with the offset of midnight or of 24:00. */
cal_time ctx_utc(const struct sched_ctx *x, int day, int minute);
/* Slot index of a local minute (may be < 0 or >= nslots when outside). */
int ctx_slot_of(const struct sched_ctx *x, int minute);
/* Drive plus parking into a clinic place from place `from` (-1 home). */
int ctx_leg_in(const struct sched_ctx *x, int from, int to);
/* True when slots of [from, to) minutes on day are all inside the window and unblocked. */
bool ctx_away_ok(const struct sched_ctx *x, int day, int from, int to);

/* Explain why visit v is unscheduled (fills u). unplaced[] marks visits left out. */
void sched_explain(const struct sched_ctx *x, int v, const bool *unplaced,
                   struct sched_unscheduled *u);

/* The other member of v's same_day_as pair, whichever side names it; -1. */
int sched_partner(const struct sched_case *c, int v);

/* Re-planning (replan.c). The extra objective cost of placing visit v in
 * mode at ustart against its previous appointment: 0 where it was, else
 * weights.moved_booked, moved_proposed (another day or mode) or shifted (same
 * day and mode). Every planner gets it through the candidates' cost. */
double replan_cost(const struct sched_case *c, int v, enum sched_mode mode, cal_time ustart);
/* May visit v be placed on local day / minute in mode at ustart? Pins,
 * dates to avoid, now + notice. When not, *rejected_by is the
 * SCHED_REASON_* that rules it out. */
bool replan_allowed(const struct sched_case *c, int v, int32_t day, enum sched_mode mode,
                    int minute, cal_time ustart, int *rejected_by);
/* Booked or proposed, for an appointment of a plan of c. */
enum sched_state sched_appt_state(const struct sched_case *c, const struct sched_appt *a);

/* Plan helpers. */
struct sched_plan *plan_new(void);
int plan_add_appt(struct sched_plan *p, const struct cand *k);
int plan_add_unscheduled(struct sched_plan *p, const struct sched_unscheduled *u);
/* Build trips and metrics; nights[d] (may be NULL) marks a night at lodging
 * after day d. */
int plan_finish_ctx(const struct sched_ctx *x, struct sched_plan *p, const bool *nights);

/* The documented objective of a finished plan (weights × metrics). */
double plan_objective(const struct sched_ctx *x, const struct sched_plan *p);
/* Add an unscheduled entry with its reason for every visit not placed. */
int sched_explain_all(const struct sched_ctx *x, struct sched_plan *p, const bool *placed);
/* The one-at-a-time baseline over an existing context. */
int sched_baseline_ctx(const struct sched_ctx *x, struct sched_plan **out);
/* A deep copy of a plan (caller frees with sched_plan_free). */
int sched_plan_copy(const struct sched_plan *p, struct sched_plan **out);
/* A proven lower bound in plan units from a model bound that includes the
 * tie-breaks (below 0.001 per visit). Rounded up only when every weight is a
 * whole number (then so is every objective). */
double plan_bound_of(const struct sched_ctx *x, double model_bound);
/* In a plan that is not proven optimal, say of every visit left out for no
 * proven reason that the search stopped (with the bound). */
void sched_mark_stopped(const struct sched_ctx *x, struct sched_plan *p, double time_limit_s);
/* Seconds on a monotonic clock. */
double sched_now_s(void);

/* ---- the time-indexed model (model.c, docs/model.md) --------------------- */

/* A trip day's route column: one place p1 (p2 < 0), or two places visited
 * as blocks, p1 first. Any number of places. */
struct tm_route {
    int day;
    int p1, p2;
    int col;
};
struct tmodel;
/* Build the model over the candidates of x. restricted: a check over chosen
 * candidates, where every visit that has candidates must be placed, and
 * same-day and order rules only bind visits that are both present. The
 * model keeps pointers into x (cands[].col is written). Free with tm_free. */
int tm_build(struct sched_ctx *x, bool restricted, struct tmodel **out);
void tm_free(struct tmodel *t); /* NULL is a no-op */
solver_model *tm_model(struct tmodel *t);
/* The column of the night at lodging after day (at place), -1 none. */
int tm_night_col(const struct tmodel *t, int day, int place);
const struct tm_route *tm_routes(const struct tmodel *t, size_t *n);
/* The plan of a solution xv of the model (caller frees). */
int tm_plan(const struct tmodel *t, const double *xv, struct sched_plan **out);
/* Minutes of the route home -> p1 [-> p2, when >= 0] -> home, parking at
 * each clinic. */
int ctx_route_minutes(const struct sched_ctx *x, int p1, int p2);

/* Solve the time-indexed model over x. baseline (may be NULL) is shown when
 * nothing is found in time. */
int sched_plan_time(struct sched_ctx *x, const struct sched_options *o,
                    const struct sched_plan *baseline, struct sched_plan **out,
                    struct careday_notes *warn, struct careday_error *err);
/* Solve by trip days (benders.c, docs/model.md "The day-level model");
 * baseline is the first incumbent. */
int sched_plan_days(struct sched_ctx *x, const struct sched_options *o,
                    const struct sched_plan *baseline, struct sched_plan **out,
                    struct careday_notes *warn, struct careday_error *err);

/* Batches (batch.c): true when plan p of family f finds every provider below
 * capacity among the holds h (sorted by provider and start) of the families
 * not excluded (excluded may be NULL). */
bool batch_plan_fits(const sched_batch *b, size_t f, const struct sched_plan *p,
                     const struct sched_hold *h, size_t nh, const bool *excluded);

/* Run tasks on runner r as r->run does, where own[f] (own may be NULL, and
 * own[f]) is family f's own best plan (alone, capacity ignored) solved
 * beforehand: a task that would solve it first (alone, one family, no slot)
 * takes it instead, and goes to r only when it does not fit among the holds
 * (then for the solve against the residual). The answers are those r would
 * give. */
int batch_run_own(const sched_batch *b, const struct sched_batch_runner *r,
                  struct sched_plan *const *own, const struct sched_hold *holds, size_t nholds,
                  const struct sched_batch_task *tasks, size_t n,
                  struct sched_batch_answer *answers);

/* Sort holds by provider, start, end and family: the order
 * batch_plan_fits and the residual cases find a provider's holds in. */
void batch_sort_holds(struct sched_hold *h, size_t n);

/* batch_bound.c: a lower bound on the weighted number of visits (priority
 * factors) that every plan of the active families leaves out, from the
 * providers' time alone. */
/* What a bound proves per provider (bf->provider: np entries, the weighted
 * visits of that provider every plan leaves out, fractional) and in all
 * (never: visits with no candidate at all); may be NULL. */
struct batch_forced {
    double never;
    double *provider;
};
int batch_capacity_bound(const sched_batch *b, const bool *active, struct batch_forced *bf,
                         double *out);
/* The time-indexed bound (batch_tbound.c): at least *out weighted visits
 * are left out by every plan. Providers not reached within budget_s
 * seconds count as placing every visit (a weaker, still valid bound). */
int batch_time_bound(const sched_batch *b, const bool *active, double budget_s,
                     struct batch_forced *bf, double *out);

/* batch.c: in family f's final plan, a visit left out although its own case
 * has times for it lost them to other families: its reason becomes
 * SCHED_REASON_CAPACITY. With own_best (the plan costs no more than the
 * family's own optimum with capacity ignored), other families took nothing
 * from it: every reason stays the single-family one. */
int batch_explain_capacity(const sched_batch *b, size_t f, struct sched_plan *p, bool own_best);

/* A row being built for solver_add_row: column indices and coefficients,
 * grown as terms are put (plan.c). */
struct sched_row {
    int *ri;
    double *rv;
    size_t n, cap;
};
/* Empty the row (keeps its memory). */
void sched_row_clear(struct sched_row *r);
/* Add the term v * column col; a negative col is skipped. SCHED_ENOMEM when
 * the row cannot grow (the row is unchanged). */
int sched_row_put(struct sched_row *r, int col, double v);
/* Free the row's memory. */
void sched_row_free(struct sched_row *r);

#endif
