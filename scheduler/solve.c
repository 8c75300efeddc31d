/*
 * sched_plan_case: candidates once, the one-at-a-time baseline on them,
 * then the chosen model (by trip days by default, or time-indexed).
 */
#include "scheduler/sched_internal.h"
#include "calendars/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double sched_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static bool whole(double v)
{
    return floor(v) == v;
}

double plan_bound_of(const struct sched_ctx *x, double model_bound)
{
    const struct sched_weights *w = &x->c->weights;
    /* The model's bound includes tie-breaks below 0.001 per visit. */
    double bound = model_bound - (0.001 * (double)x->c->nvisits + 1e-6);
    /* Every term is a weight times a whole count (visits x priority factor,
     * trip days, minutes, appointments, nights, moves). */
    if (whole(w->unscheduled) && whole(w->trip) && whole(w->travel_minute) && whole(w->in_person) &&
        whole(w->overnight) && whole(w->late_minute) && whole(w->moved))
        bound = ceil(bound);
    return bound;
}

int sched_plan_copy(const struct sched_plan *p, struct sched_plan **out)
{
    struct sched_plan *q = plan_new();
    if (!q)
        return SCHED_ENOMEM;
    *q = *p;
    q->appts = cal_malloc((p->nappts + 1) * sizeof(*q->appts));
    q->trips = cal_malloc((p->ntrips + 1) * sizeof(*q->trips));
    q->unscheduled = cal_malloc((p->nunscheduled + 1) * sizeof(*q->unscheduled));
    if (!q->appts || !q->trips || !q->unscheduled) {
        sched_plan_free(q);
        return SCHED_ENOMEM;
    }
    if (p->nappts)
        memcpy(q->appts, p->appts, p->nappts * sizeof(*q->appts));
    if (p->ntrips)
        memcpy(q->trips, p->trips, p->ntrips * sizeof(*q->trips));
    if (p->nunscheduled)
        memcpy(q->unscheduled, p->unscheduled, p->nunscheduled * sizeof(*q->unscheduled));
    *out = q;
    return SCHED_OK;
}

int sched_plan_case(const struct sched_case *c, const struct sched_options *o,
                    struct sched_plan **out, struct careday_notes *warn, struct careday_error *err)
{
    struct sched_options defaults;
    if (!o) {
        sched_options_init(&defaults);
        o = &defaults;
    }
    double t0 = sched_now_s();
    struct sched_ctx x;
    int rc = ctx_for_case(&x, c, err);
    if (rc)
        return rc;
    struct sched_plan *base = NULL, *plan = NULL;
    if ((rc = sched_baseline_ctx(&x, &base))) {
        careday_fail(err, rc, NULL, 0, NULL, "out of memory in the baseline");
        goto done;
    }
    if (o->model == SCHED_MODEL_TIME)
        rc = sched_plan_time(&x, o, base, &plan, warn, err);
    else
        rc = sched_plan_days(&x, o, base, &plan, warn, err);
    if (rc)
        goto done;
    plan->solve_ms = (long)((sched_now_s() - t0) * 1000.0 + 0.5);
    *out = plan;
    plan = NULL;
    if (o->baseline) {
        *o->baseline = base;
        base = NULL;
    }
done:
    sched_plan_free(plan);
    sched_plan_free(base);
    ctx_free(&x);
    return rc;
}
