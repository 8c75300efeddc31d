/*
 * scheduler: the domain. The case (family, providers, places, visits,
 * nursing, travel, policy), candidate placements, the one-at-a-time
 * baseline, the optimisation model built on solver/, plans, metrics and
 * reasons. Pure: no files, no network.
 *
 * A case is plain data. Whoever builds it (adapters/input/case.c) allocates every
 * string and array with malloc; sched_case_free releases them all.
 * Availability arrives already resolved into interval sets (UTC).
 */
#ifndef CAREDAY_SCHEDULER_H
#define CAREDAY_SCHEDULER_H

#include "calendars/calendars.h"
#include "solver/solver.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Status codes of this layer: -40 .. -59 of careday's one code space
 * (calendars/careday_error.h). */
enum {
    SCHED_OK = 0,
    SCHED_ENOMEM = -40,
    SCHED_EINVAL = -41,  /* the case contradicts itself (message in err) */
    SCHED_ESOLVER = -42, /* the solver could not run */
};
const char *sched_strerror(int code);

enum sched_mode {
    SCHED_IN_PERSON = 0,
    SCHED_TELEHEALTH = 1,
    SCHED_HOME = 2,
};
#define SCHED_NMODES 3
/* "in_person", "telehealth", "home" (static strings). */
const char *sched_mode_name(enum sched_mode m);
int sched_mode_parse(const char *s, enum sched_mode *out);

struct sched_place {
    char *id;
    char *name;
    char *address;    /* may be NULL */
    char *phone;      /* the desk to call, may be NULL */
    char *directions; /* free text: "Entrance B, 2nd floor, desk 4", may be NULL */
    double lat, lon;
    bool lodging;   /* "kind": "lodging" */
    char *timezone; /* IANA name, NULL: the case's */
    cal_tz *tz;     /* opened zone (owned), NULL: the case's */
};

struct sched_provider_mode {
    bool offered;
    int place;           /* in_person: index into places; otherwise -1 */
    struct cal_set free; /* when this mode can be booked: (available ∪ hours) \ busy */
    char *link;          /* telehealth link, may be NULL */
};

struct sched_provider {
    char *id;
    char *name;
    char *specialty;
    char *phone;  /* whom to call, may be NULL */
    char *email;  /* for --invite (iTIP requests), may be NULL */
    int capacity; /* patients at once, default 1 */
    struct sched_provider_mode mode[SCHED_NMODES];
};

/* The state of an appointment: proposed by careday, or booked with the clinic
 * (case `booked` entries, `careday confirm`). */
enum sched_state {
    SCHED_PROPOSED = 0,
    SCHED_BOOKED = 1,
};
const char *sched_state_name(enum sched_state s); /* "proposed", "booked" */
int sched_state_parse(const char *s, enum sched_state *out);

/* `before`: this visit ends at least min and at most max minutes before the
 * other one starts. max < 0: no maximum. */
struct sched_lag {
    int visit; /* index of the other visit */
    int min_gap_minutes;
    int max_gap_minutes;
};

struct sched_visit {
    char *id;
    int provider; /* index into providers */
    int minutes;
    int32_t earliest, latest;            /* window, inclusive day numbers */
    unsigned modes;                      /* bit (1u << mode) per allowed mode */
    enum sched_mode order[SCHED_NMODES]; /* modes in the order listed */
    int nmodes;
    enum sched_mode prefer;
    int priority_factor; /* routine 1, soon 2, urgent 4 */
    bool telehealth_needs_nurse;
    bool home_needs_nurse;
    struct sched_lag *before;
    size_t nbefore;
    int same_day_as; /* index of the other visit, -1 none */
    char *purpose;   /* plain-language "what for", may be NULL */
    char *prepare;   /* preparation for the family ("nothing to eat after midnight"), NULL */
    /* Existing bookings (from "booked") are visits too: */
    bool booked;
    bool movable;          /* may move at a cost (weights.moved) */
    cal_time booked_start; /* their current start */
    enum sched_mode booked_mode;
    bool history;                   /* a past appointment of the previous plan, kept as it was */
    enum sched_state history_state; /* its state then */
    /* Coordinator adjustments: a pin (the visit takes place on pin_day, and
     * in pin_mode / at pin_start when given), dates it must avoid. */
    bool pinned;
    int32_t pin_day;
    bool pin_has_mode;
    enum sched_mode pin_mode;
    int pin_start;  /* local minutes of the day, -1: any time */
    int32_t *avoid; /* day numbers, malloc'd, may be NULL */
    size_t navoid;
};

struct sched_weights {
    double unscheduled;   /* per unscheduled visit, times the priority factor */
    double trip;          /* per trip day */
    double travel_minute; /* per minute driven on a trip day (parking included) */
    double in_person;     /* per in-person appointment */
    double overnight;     /* per night at lodging */
    double late_minute;   /* per minute after the window's first day starts */
    double moved;         /* per movable booking moved from its time */
    /* Re-planning against a previous plan (docs/model.md, "Re-planning"): */
    double moved_booked;   /* per booked appointment moved (other start or mode) */
    double moved_proposed; /* per proposed appointment moved to another day or mode */
    double shifted;        /* per proposed appointment shifted within its day */
};
/* The documented defaults: 100000, 600, 1, 120, 300, 0, 200, 20000, 300, 10. */
void sched_weights_default(struct sched_weights *w);

struct sched_family {
    char *id;
    char *language;         /* "en", "es", ... */
    char *provider_label;   /* how provider calendars name the child, NULL: derived */
    char *home_address;     /* for visiting providers, may be NULL */
    double lat, lon;        /* home */
    struct cal_set busy;    /* busy times (UTC) */
    int earliest_departure; /* minutes after local midnight */
    int latest_return;
    int max_visits_per_day;         /* 0: no limit */
    int max_clinic_minutes_per_day; /* 0: no limit */
    int min_gap_minutes;
    int arrive_early_minutes; /* kept between arriving at a clinic and its first appointment */
    bool telehealth_ready;
    bool travel_needs_nurse;
    bool overnight_allowed;
    int lodging; /* index into places, -1 none */
    int max_nights;
    int32_t *avoid; /* dates with no appointment at all (day numbers), malloc'd */
    size_t navoid;
};

/* One appointment of the previous plan (re-planning with --previous). */
struct sched_prev_appt {
    char *visit_id;    /* as written in the previous plan (owned) */
    char *provider_id; /* owned, may be NULL */
    char *place_id;    /* owned, may be NULL ("home" for remote modes) */
    int visit;         /* index into the case's visits, -1: no longer in the case */
    enum sched_mode mode;
    cal_time start, end;
    enum sched_state state;
    int sequence;
};

struct sched_case {
    char *id; /* stable case id (for UIDs): "id", else family.id, else the file stem */
    char *name;
    char *coordinator_name;             /* the care coordinator, organiser of --invite requests */
    char *coordinator_email;            /* may be NULL */
    char *timezone;                     /* IANA name */
    cal_tz *tz;                         /* owned */
    int32_t horizon_start, horizon_end; /* inclusive day numbers */
    struct sched_family family;
    struct cal_set nursing; /* home-nursing shifts (UTC) */
    struct sched_place *places;
    size_t nplaces;
    /* Driving minutes between places, (nplaces + 1)^2 row-major; index
     * nplaces is home. park_minutes is added at every clinic arrival. */
    int *travel;
    int park_minutes;
    struct sched_provider *providers;
    size_t nproviders;
    struct sched_visit *visits; /* due visits first, then bookings */
    size_t nvisits;
    struct sched_weights weights;
    /* Today: nothing new starts before now + min_notice_minutes. now = 0:
     * no such limit (the planner's own tests). */
    cal_time now;
    int min_notice_minutes;
    /* The previous plan, if re-planning (owned; see sched_case_apply_previous). */
    struct sched_prev_appt *previous;
    size_t nprevious;
};

void sched_case_free(struct sched_case *c); /* frees contents, not c itself */
/* The zone a place's times are read and shown in: its own, else the case's
 * (also for place -1, home). Borrowed from the case. */
const cal_tz *sched_place_tz(const struct sched_case *c, int place);
/* How a provider is named to people: its name, else its id. */
const char *sched_provider_name(const struct sched_provider *p);
/* Driving minutes from place a to place b (-1 means home). */
int sched_travel(const struct sched_case *c, int a, int b);
/* Minutes from leaving place a to the first appointment at clinic b (-1
 * home): the drive, parking and family.arrive_early_minutes. Every planner
 * and the trip times use it; only the drive and parking count as travel. */
int sched_reach(const struct sched_case *c, int a, int b);
/* Check internal consistency (indices, windows inside the horizon...). */
int sched_case_validate(const struct sched_case *c, struct careday_error *err);

/* Re-planning: resolve c->previous against the case's visits (visit index)
 * and turn every previous appointment that starts before c->now into history:
 * its visit becomes a fixed booking at that time and mode, never moved.
 * Call once after filling previous and now. Notes (a past appointment outside
 * the horizon) go to warn. */
int sched_case_apply_previous(struct sched_case *c, struct careday_notes *warn);
/* The previous appointment of visit v (not history), or NULL. */
const struct sched_prev_appt *sched_previous_of(const struct sched_case *c, int v);

/* ---------------------------------------------------------------------------
 * Plans.
 */

enum sched_status {
    SCHED_STATUS_OPTIMAL,  /* proven optimal */
    SCHED_STATUS_FEASIBLE, /* a plan with a gap and bound */
    SCHED_STATUS_PARTIAL,  /* the solver found nothing in time: heuristic plan */
};
const char *sched_status_name(enum sched_status s); /* "optimal", ... */

struct sched_appt {
    int visit; /* index into case visits */
    enum sched_mode mode;
    cal_time start, end;
    int place; /* in_person: place index; otherwise -1 (home) */
    int trip;  /* index into plan trips, -1 when not on a trip */
    enum sched_state state;
};

struct sched_trip {
    int32_t day;
    cal_time depart, ret; /* leave from home or lodging; back home or at lodging */
    int first_place, last_place;
    int nvisits;
    int travel_minutes;   /* legs driven this day, parking included */
    bool overnight_after; /* the night after is spent at the lodging */
    bool from_lodging;    /* started from the lodging (overnight before) */
};

enum sched_reason_code {
    SCHED_REASON_NO_PROVIDER_TIME, /* no provider time in any allowed mode in the window */
    SCHED_REASON_NO_FAMILY_TIME,   /* provider time never meets the family's free time */
    SCHED_REASON_NURSE,            /* only possible times lack nurse coverage */
    SCHED_REASON_TELEHEALTH_NOT_READY,
    SCHED_REASON_PREDECESSOR, /* a `before` visit could not be placed */
    SCHED_REASON_PAIR,        /* its same_day_as partner could not be placed with it */
    SCHED_REASON_DISPLACED,   /* time exists but went to other visits / limits */
    SCHED_REASON_STOPPED,     /* the search stopped at the time limit before placing it */
    SCHED_REASON_PIN,         /* its pin cannot hold */
    SCHED_REASON_NOTICE,      /* every possible time is before now + notice */
    SCHED_REASON_AVOID,       /* every possible time is on a date to avoid */
    SCHED_REASON_CANCELLED,   /* cancelled by the coordinator (`careday cancel`) */
    SCHED_REASON_CAPACITY,    /* a batch: its provider's time went to other families */
};

/* Why a visit was left out: a code and the data its sentence needs. The
 * words are composed by the writers (adapters/output/reasons.c), in the
 * reader's language; scheduler/ holds no text. */
struct sched_unscheduled {
    int visit;
    enum sched_reason_code code;
    int other;               /* PREDECESSOR, PAIR: the other visit's index; else -1 */
    int32_t from, to;        /* the days searched (the window), inclusive day numbers */
    int candidates;          /* DISPLACED, PIN: how many possible times there were */
    int day_start, day_end;  /* NO_FAMILY_TIME: the family day, local minutes */
    int32_t day;             /* PIN: the pinned date; NOTICE: the first date with notice */
    int minute;              /* PIN: the pinned start, NOTICE: the first start; -1 none */
    int mode;                /* PIN: the pinned mode (enum sched_mode), -1 none */
    int notice_hours;        /* NOTICE: the notice asked for, in hours */
    double time_limit_s;     /* STOPPED: the time limit that stopped the search */
    double bound, objective; /* STOPPED: the plan's proven bound and its cost */
};

struct sched_metrics {
    int trips, in_person, telehealth, home, travel_minutes, overnights, unscheduled, days_with_care;
};

struct sched_plan {
    enum sched_status status;
    double objective, bound, gap;
    long solve_ms;
    struct sched_appt *appts; /* sorted by start */
    size_t nappts;
    struct sched_trip *trips; /* sorted by day */
    size_t ntrips;
    struct sched_unscheduled *unscheduled;
    size_t nunscheduled;
    struct sched_metrics metrics;
    size_t model_cols, model_rows; /* size of the model solved, 0 for the baseline */
};
void sched_plan_free(struct sched_plan *p); /* NULL is a no-op; frees p too */

struct sched_progress {
    double elapsed_s;
    bool has_incumbent; /* a plan has been found: incumbent is its objective */
    double incumbent;
    bool has_bound; /* bound is a proven lower bound */
    double bound;
};

enum sched_model {
    SCHED_MODEL_DAYS, /* by trip days: day-level master and exact within-day checks (default) */
    SCHED_MODEL_TIME, /* the time-indexed model over every candidate start */
};

struct sched_options {
    double time_limit_s;    /* default 60 */
    enum sched_model model; /* default SCHED_MODEL_DAYS */
    void (*progress)(void *ud, const struct sched_progress *p);
    void *progress_ud;
    /* When non-NULL, receives the one-at-a-time plan built on the same
     * candidates (caller frees with sched_plan_free). */
    struct sched_plan **baseline;
};
void sched_options_init(struct sched_options *o);

/* Facts about a fixed in-person booking that the plan keeps as booked
 * although its trip does not fit the family's day, found before solving
 * as codes with their data; the words, with the case file and the
 * booking's JSON path, are the adapters' (the case loader says them). A
 * booking that itself falls in busy time is the loader's own check and is
 * not repeated here; history (sched_case_apply_previous) is never noted. */
enum sched_booking_code {
    SCHED_BOOKING_TRIP_BUSY,     /* the drive there or back meets the family's busy time */
    SCHED_BOOKING_TRIP_NO_NURSE, /* the trip lacks nurse coverage (travel needs a nurse) */
    SCHED_BOOKING_OUTSIDE_DAY,   /* it leaves before or comes back after the family's day */
};
struct sched_booking_note {
    int visit; /* index into visits */
    enum sched_booking_code code;
    cal_time depart, back;         /* the trip the booking needs (UTC) */
    cal_time busy_start, busy_end; /* TRIP_BUSY: the first busy interval it meets, else 0 */
};
/* The notes of every fixed booking, in visit order: *out is allocated
 * (caller frees with free; NULL when *n is 0). SCHED_ENOMEM when out of
 * memory, *out and *n then unchanged. */
int sched_booking_notes(const struct sched_case *c, struct sched_booking_note **out, size_t *n);

/* Plan the case with the optimisation model. *out is allocated (caller frees
 * with sched_plan_free). Warnings (e.g. a visit with no candidates) go to warn. */
int sched_plan_case(const struct sched_case *c, const struct sched_options *o,
                    struct sched_plan **out, struct careday_notes *warn, struct careday_error *err);

/* The time-indexed model that sched_plan_case solves, built for export:
 * every row and column named after docs/model.md (x_<visit>_<mode>_<date>_
 * <hhmm>, trip_<date>, ...). Write it with solver_write_mps. On success *out
 * is the model (caller frees with solver_model_free). */
int sched_time_model(const struct sched_case *c, solver_model **out, struct careday_error *err);

/* The visits that cannot be placed whatever else is planned (`careday
 * check`): no possible time at all, and the visits that must come after, or
 * on the same day as, one of those. *out (caller frees with free) holds *n
 * entries with their reason codes and data, in case order. */
int sched_impossible(const struct sched_case *c, struct sched_unscheduled **out, size_t *n,
                     struct careday_error *err);

/* The one-at-a-time baseline of DESIGN §4. */
int sched_baseline(const struct sched_case *c, struct sched_plan **out, struct careday_error *err);

/* Recompute trips and metrics of a plan from its appointments (used by both
 * planners; exposed for tests). */
int sched_plan_finish(const struct sched_case *c, struct sched_plan *p);

/* ---------------------------------------------------------------------------
 * What changed against the previous plan (changes.json, the terminal and the
 * itinerary).
 */

enum sched_change_kind {
    SCHED_CHANGE_MOVED,     /* in both plans, at another start or in another mode */
    SCHED_CHANGE_CANCELLED, /* in the previous plan only */
    SCHED_CHANGE_ADDED,     /* in this plan only */
};

enum sched_why {
    SCHED_WHY_NONE,          /* added */
    SCHED_WHY_PROVIDER_TIME, /* the provider's time there is no longer open */
    SCHED_WHY_MODE,          /* that mode is no longer allowed for the visit */
    SCHED_WHY_FAMILY_BUSY,   /* the family is now busy then */
    SCHED_WHY_AVOID,         /* a date to avoid */
    SCHED_WHY_PIN,           /* pinned elsewhere */
    SCHED_WHY_WINDOW,        /* outside the visit's window now */
    SCHED_WHY_NURSE,         /* no nursing shift covers it any more */
    SCHED_WHY_PLAN,          /* room for other visits, fewer trips */
    SCHED_WHY_REMOVED,       /* cancelled: the visit is no longer in the case */
    SCHED_WHY_UNSCHEDULED,   /* cancelled: it could not be placed (see the reason) */
    SCHED_WHY_CANCELLED,     /* cancelled by the coordinator (`careday cancel`) */
};
const char *sched_why_name(enum sched_why w); /* "provider_time", ... */

struct sched_change {
    enum sched_change_kind kind;
    int prev;           /* index into c->previous, -1 for added */
    int appt;           /* index into plan->appts, -1 for cancelled */
    enum sched_why why; /* a code; adapters/output puts it in words (its data: the previous
                           appointment c->previous[prev], the visit, and day) */
    int32_t day;        /* SCHED_WHY_PIN: the date the visit is pinned to; else the local date
                           of the previous appointment (0 for added) */
};

struct sched_changes {
    struct sched_change *v; /* moved, then cancelled, then added */
    size_t n;
    size_t moved, cancelled, added, kept;
};
/* Compare plan with c->previous. out is filled (free with sched_changes_free). */
int sched_plan_changes(const struct sched_case *c, const struct sched_plan *p,
                       struct sched_changes *out);
void sched_changes_free(struct sched_changes *ch);

/* A plan made of given appointments (`careday confirm`, `careday cancel`):
 * appts (n entries, copied) keep their times; trips and metrics are
 * recomputed, nights[d] (may be NULL; indexed by day - horizon_start) marks a
 * night at the lodging after day d, kept only between two trip days; every
 * visit without an appointment is unscheduled, with SCHED_REASON_CANCELLED
 * when cancelled[v] (may be NULL), else the reason the planner would give.
 * *out is allocated (caller frees with sched_plan_free). */
int sched_plan_from_appts(const struct sched_case *c, const struct sched_appt *appts, size_t n,
                          const bool *nights, const bool *cancelled, struct sched_plan **out,
                          struct careday_error *err);

/* ---------------------------------------------------------------------------
 * Batches (batch.c, batch_search.c): the cases of several families sharing
 * providers. A provider id means the same provider in every case; a
 * provider sees at most `capacity` patients at a time over all families and
 * all its modes. The batch borrows the cases; they must outlive it.
 */

typedef struct sched_batch sched_batch;

/* One appointment that holds a shared provider's time. */
struct sched_hold {
    int provider; /* batch-wide provider index */
    int family;   /* case index in the batch */
    cal_time start, end;
};

/* Where two cases disagree about a provider (sched_batch_new, SCHED_EINVAL). */
struct sched_batch_mismatch {
    size_t case_a, case_b;         /* indices into the cases */
    size_t provider_a, provider_b; /* provider indices in each case */
    const char *field;             /* "capacity", "in_person.place", ... (static) */
};

/* A batch over n cases (borrowed). SCHED_EINVAL with *mm filled when two
 * cases define one provider id differently (capacity, modes offered, place,
 * or bookable time over the days both horizons share). Caller frees with
 * sched_batch_free. */
int sched_batch_new(const struct sched_case *const *cases, size_t n, sched_batch **out,
                    struct sched_batch_mismatch *mm, struct careday_error *err);
void sched_batch_free(sched_batch *b); /* NULL is a no-op */
size_t sched_batch_ncases(const sched_batch *b);
const struct sched_case *sched_batch_case(const sched_batch *b, size_t f);
size_t sched_batch_nproviders(const sched_batch *b);
const char *sched_batch_provider_id(const sched_batch *b, size_t g); /* borrowed */
int sched_batch_capacity(const sched_batch *b, size_t g);
/* Batch-wide index of provider p of case f. */
int sched_batch_provider_of(const sched_batch *b, size_t f, size_t p);

/* Two fixed (not movable) bookings that put a provider over its capacity:
 * no plan can keep both (sched_batch_fixed_overbooked). */
struct sched_batch_overbooking {
    size_t case_a, visit_a; /* a booking already there at case_b's start */
    size_t case_b, visit_b; /* the booking that goes over capacity */
    int provider;           /* batch-wide */
    int load;               /* patients the provider holds then, with case_b's */
};

/* True, with *ob filled, when the fixed bookings of the active families
 * (active NULL: all) hold some provider beyond its capacity at some time;
 * the first such booking in provider and time order. A caseload that does
 * is bad input: call before planning. */
bool sched_batch_fixed_overbooked(const sched_batch *b, const bool *active,
                                  struct sched_batch_overbooking *ob);

/* Families that share no provider, even through others, are independent:
 * comp[f] (n entries) receives the component of each case, numbered in
 * order of their first case; returns the number of components. */
size_t sched_batch_components(const sched_batch *b, int *comp);

/* Appointments of plans[f] (NULL entries skipped) as holds, sorted by
 * provider and start; *out is malloc'd (caller frees), may be NULL when 0. */
int sched_batch_holds(const sched_batch *b, struct sched_plan *const *plans,
                      struct sched_hold **out, size_t *n);
/* Times at which a provider holds more patients than its capacity, counted
 * as maximal over-booked intervals over all providers. */
size_t sched_batch_conflicts(const sched_batch *b, struct sched_plan *const *plans);

/* The batch baseline (DESIGN §4 one family after another): families in
 * order, each booked one visit at a time against the capacity earlier
 * families took. plans receives n plans (caller frees each). Families with
 * active[f] false (active may be NULL: all) are skipped and left NULL. */
int sched_batch_baseline(const sched_batch *b, const bool *active, struct sched_plan **plans,
                         struct careday_error *err);

#define SCHED_BATCH_MAXN 4 /* families re-planned together in one move */

/* One move: re-plan fam[0..nfam) in that order, each against the capacity
 * the holds of every other family leave (and of those re-planned before it).
 * With `alone`, fam[0] is first planned with capacity ignored: that proves
 * its own lower bound, and the plan is kept when it fits. With a slot
 * (free_end > free_start), fam[0..nfam-1) are re-planned without provider
 * free_provider's time in [free_start, free_end), so that fam[nfam-1],
 * re-planned last, finds it free. */
#define SCHED_BATCH_MAXDROP 8 /* visits one drop task leaves out */
struct sched_batch_task {
    int fam[SCHED_BATCH_MAXN];
    int nfam;
    bool alone;
    double time_limit_s; /* per single-family solve */
    int free_provider;   /* batch-wide */
    cal_time free_start, free_end;
    int free_visit; /* the visit of fam[nfam-1] the slot is for (the search's, not used here) */
    /* A bound, not a move (ndrop > 0): fam[0] alone (capacity ignored) over
     * the plans that leave the visits drop[0 .. ndrop-1] out; the answer has
     * no plan, only the bound. */
    int ndrop;
    int drop[SCHED_BATCH_MAXDROP];
};

struct sched_batch_answer {
    struct sched_plan *plans[SCHED_BATCH_MAXN]; /* NULL: the move failed */
    bool has_bound; /* fam[0] alone (or a drop task): bound is its lower bound */
    double bound;
    struct sched_plan *own; /* fam[0] alone: its best plan when that did not fit (else NULL) */
};
void sched_batch_answer_clear(struct sched_batch_answer *a);

/* Run one move in this process (what a worker does). holds: every family's
 * current appointments (those of the task's families are ignored). */
int sched_batch_run_task(const sched_batch *b, const struct sched_hold *holds, size_t nholds,
                         const struct sched_batch_task *t, struct sched_batch_answer *a,
                         struct careday_error *err);

/* Tasks and answers as bytes, for worker processes of the same program.
 * Packed buffers are malloc'd (caller frees). Unpack fails with SCHED_EINVAL
 * on a buffer that is not what the other side packed. */
int sched_batch_pack_task(const struct sched_batch_task *t, const struct sched_hold *holds,
                          size_t nholds, char **buf, size_t *len);
int sched_batch_unpack_task(const char *buf, size_t len, struct sched_batch_task *t,
                            struct sched_hold **holds, size_t *nholds);
int sched_batch_pack_answer(const struct sched_batch_answer *a, char **buf, size_t *len);
int sched_batch_unpack_answer(const char *buf, size_t len, struct sched_batch_answer *a);

/* Who runs the moves: `run` runs n tasks against the same holds, answers[i]
 * for tasks[i] (in any order, in parallel if it can; a task that cannot run
 * leaves its answer empty). `round` is how many tasks to hand it at once.
 * `run_while` (optional; NULL: `run`, then meanwhile) does the same while
 * this thread calls meanwhile(arg) once: the caller's own work, which must
 * not depend on the answers (nor they on it); its error is returned when
 * the tasks' is 0. */
struct sched_batch_runner {
    int (*run)(void *ud, const struct sched_hold *holds, size_t nholds,
               const struct sched_batch_task *tasks, size_t n, struct sched_batch_answer *answers);
    void *ud;
    size_t round;
    int (*run_while)(void *ud, const struct sched_hold *holds, size_t nholds,
                     const struct sched_batch_task *tasks, size_t n,
                     struct sched_batch_answer *answers, int (*meanwhile)(void *arg), void *arg);
};

struct sched_batch_progress {
    double elapsed_s;
    size_t families, solved; /* families, and those planned with the model at least once */
    double objective, bound, gap;
};

struct sched_batch_options {
    double time_limit_s;  /* whole search, default 60 */
    double solve_limit_s; /* one single-family solve, default 10 */
    uint64_t seed;
    const bool *active; /* plan only families with active[f]; NULL: all */
    void (*progress)(void *ud, const struct sched_batch_progress *p);
    void *progress_ud;
};
void sched_batch_options_init(struct sched_batch_options *o);

struct sched_batch_result {
    size_t n;
    struct sched_plan **plans;    /* per case (NULL when not active), owned */
    struct sched_plan **baseline; /* per case, owned */
    double *bound;                /* per case lower bound */
    enum sched_status status;
    double objective, bound_total, gap;
    long solve_ms;      /* the whole search */
    long first_plan_ms; /* a complete plan (the batch baseline) */
    long construct_ms;  /* every family planned once with the model */
    size_t rounds, moves, accepted;
    size_t masters, master_improved;  /* master solves over the plan pool; those that gained */
    double master_gain;               /* objective the master saved in all */
    long master_ms;                   /* time of the master solves in all */
    size_t repairs, repairs_accepted; /* repair moves re-planning families; those taken */
    double repair_gain;               /* objective the repairs saved in all */
    long repair_ms;                   /* time of the repair passes in all */
    bool stopped_by_time;
    size_t drop_solves; /* the drop bound's solves (docs/batch.md, "Bound and gap") */
    long drop_ms;       /* and their time */
};
void sched_batch_result_free(struct sched_batch_result *r); /* contents, not r */

/* Plan the batch: the batch baseline, then every family against the
 * residual capacity (construction), then large-neighbourhood search; every
 * accepted move lowers the objective and keeps capacity. For a given seed
 * and runner round the result does not depend on timing unless the time
 * limit (or a solve's limit) is reached. */
int sched_batch_solve(const sched_batch *b, const struct sched_batch_options *o,
                      const struct sched_batch_runner *r, struct sched_batch_result *out,
                      struct careday_error *err);

#endif
