/*
 * Plans: appointments, then trips and metrics derived from them, the same
 * way for the optimised plan and the baseline (DESIGN §4 "Metrics").
 */
#include "scheduler/sched_internal.h"
#include "calendars/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sched_plan *plan_new(void)
{
    return cal_calloc(1, sizeof(struct sched_plan));
}

void sched_plan_free(struct sched_plan *p)
{
    if (!p)
        return;
    free(p->appts);
    free(p->trips);
    free(p->unscheduled);
    free(p);
}

int plan_add_appt(struct sched_plan *p, const struct cand *k)
{
    struct sched_appt *a = cal_realloc(p->appts, (p->nappts + 1) * sizeof(*a));
    if (!a)
        return SCHED_ENOMEM;
    p->appts = a;
    a[p->nappts++] = (struct sched_appt){.visit = k->visit,
                                         .mode = k->mode,
                                         .start = k->ustart,
                                         .end = k->uend,
                                         .place = k->place,
                                         .trip = -1};
    return SCHED_OK;
}

int plan_add_unscheduled(struct sched_plan *p, const struct sched_unscheduled *u)
{
    struct sched_unscheduled *a = cal_realloc(p->unscheduled, (p->nunscheduled + 1) * sizeof(*a));
    if (!a)
        return SCHED_ENOMEM;
    p->unscheduled = a;
    a[p->nunscheduled++] = *u;
    return SCHED_OK;
}

static int cmp_appt(const void *a, const void *b)
{
    const struct sched_appt *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->visit > y->visit) - (x->visit < y->visit);
}

static int32_t local_day(const struct sched_case *c, cal_time t)
{
    int32_t d;
    int m;
    cal_tz_to_local(c->tz, t, &d, &m);
    return d;
}

/* nights: indexed by day - horizon_start; true = night at lodging after it. */
static int finish(const struct sched_case *c, struct sched_plan *p, const bool *nights)
{
    if (p->nappts > 1) /* qsort must not be given NULL, even for 0 items */
        qsort(p->appts, p->nappts, sizeof(*p->appts), cmp_appt);
    free(p->trips);
    p->trips = NULL;
    p->ntrips = 0;
    struct sched_metrics *mt = &p->metrics;
    memset(mt, 0, sizeof(*mt));
    int lodging = c->family.lodging;
    int32_t last_care_day = INT32_MIN;

    for (size_t i = 0; i < p->nappts; i++) {
        struct sched_appt *a = &p->appts[i];
        int32_t day = local_day(c, a->start);
        a->state = sched_appt_state(c, a);
        if (day != last_care_day) {
            mt->days_with_care++;
            last_care_day = day;
        }
        if (a->mode == SCHED_TELEHEALTH)
            mt->telehealth++;
        else if (a->mode == SCHED_HOME)
            mt->home++;
        if (a->mode != SCHED_IN_PERSON)
            continue;
        mt->in_person++;
        struct sched_trip *t = p->ntrips ? &p->trips[p->ntrips - 1] : NULL;
        if (!t || t->day != day) {
            t = cal_realloc(p->trips, (p->ntrips + 1) * sizeof(*t));
            if (!t)
                return SCHED_ENOMEM;
            p->trips = t;
            t = &p->trips[p->ntrips++];
            memset(t, 0, sizeof(*t));
            t->day = day;
            t->first_place = a->place;
            t->last_place = -2; /* none yet */
            int di = (int)(day - c->horizon_start);
            t->from_lodging = nights && lodging >= 0 && di > 0 && nights[di - 1];
            t->overnight_after = nights && lodging >= 0 && di >= 0 &&
                                 di < (int)(c->horizon_end - c->horizon_start + 1) && nights[di];
            int origin = t->from_lodging ? lodging : -1;
            int leg = sched_travel(c, origin, a->place) + c->park_minutes;
            t->depart = a->start - (cal_time)sched_reach(c, origin, a->place) * 60;
            t->travel_minutes = leg;
        } else if (t->last_place != a->place) {
            t->travel_minutes += sched_travel(c, t->last_place, a->place) + c->park_minutes;
        }
        t->last_place = a->place;
        t->nvisits++;
        a->trip = (int)(p->ntrips - 1);
        /* Provisional return: updated by later visits of the day. */
        int dest = t->overnight_after ? lodging : -1;
        t->ret = a->end + (cal_time)sched_travel(c, a->place, dest) * 60;
    }
    for (size_t i = 0; i < p->ntrips; i++) {
        struct sched_trip *t = &p->trips[i];
        int dest = t->overnight_after ? lodging : -1;
        t->travel_minutes += sched_travel(c, t->last_place, dest);
        mt->travel_minutes += t->travel_minutes;
        if (t->overnight_after)
            mt->overnights++;
    }
    mt->trips = (int)p->ntrips;
    mt->unscheduled = (int)p->nunscheduled;
    return SCHED_OK;
}

int plan_finish_ctx(const struct sched_ctx *x, struct sched_plan *p, const bool *nights)
{
    return finish(x->c, p, nights);
}

int sched_plan_finish(const struct sched_case *c, struct sched_plan *p)
{
    size_t nd = (size_t)(c->horizon_end - c->horizon_start + 1);
    bool *nights = cal_calloc(nd + 1, sizeof(bool));
    if (!nights)
        return SCHED_ENOMEM;
    for (size_t i = 0; i < p->ntrips; i++) {
        int di = (int)(p->trips[i].day - c->horizon_start);
        if (p->trips[i].overnight_after && di >= 0 && (size_t)di < nd)
            nights[di] = true;
    }
    int rc = finish(c, p, nights);
    free(nights);
    return rc;
}

/* The objective of a finished plan in the documented units. */
double plan_objective(const struct sched_ctx *x, const struct sched_plan *p)
{
    const struct sched_case *c = x->c;
    const struct sched_weights *w = &c->weights;
    double obj = 0;
    for (size_t i = 0; i < p->nunscheduled; i++) {
        const struct sched_visit *v = &c->visits[p->unscheduled[i].visit];
        obj += w->unscheduled * (v->priority_factor > 0 ? v->priority_factor : 1);
    }
    obj += w->trip * p->metrics.trips + w->travel_minute * p->metrics.travel_minutes +
           w->in_person * p->metrics.in_person + w->overnight * p->metrics.overnights;
    for (size_t i = 0; i < p->nappts; i++) {
        const struct sched_appt *a = &p->appts[i];
        const struct sched_visit *v = &c->visits[a->visit];
        if (v->booked && v->movable && a->start != v->booked_start)
            obj += w->moved;
        obj += replan_cost(c, a->visit, a->mode, a->start);
        if (w->late_minute > 0 && !v->booked)
            obj += w->late_minute *
                   (double)(a->start - ctx_utc(x, (int)(v->earliest - c->horizon_start), 0)) / 60.0;
    }
    return obj;
}

int sched_explain_all(const struct sched_ctx *x, struct sched_plan *p, const bool *placed)
{
    const struct sched_case *c = x->c;
    bool *unplaced = cal_calloc(c->nvisits + 1, sizeof(bool));
    if (!unplaced)
        return SCHED_ENOMEM;
    for (size_t v = 0; v < c->nvisits; v++)
        unplaced[v] = !placed[v];
    int rc = 0;
    for (size_t v = 0; v < c->nvisits && !rc; v++) {
        if (placed[v])
            continue;
        struct sched_unscheduled u;
        memset(&u, 0, sizeof u);
        sched_explain(x, (int)v, unplaced, &u);
        rc = plan_add_unscheduled(p, &u);
    }
    free(unplaced);
    return rc;
}

int sched_impossible(const struct sched_case *c, struct sched_unscheduled **out, size_t *n,
                     struct careday_error *err)
{
    *out = NULL;
    *n = 0;
    struct sched_ctx x;
    int rc = ctx_for_case(&x, c, err);
    if (rc)
        return rc;
    /* No candidate at all, then (to a fixed point) every visit that must
     * follow, or share a day with, one that cannot be placed. */
    bool *bad = cal_calloc(c->nvisits + 1, sizeof(bool));
    struct sched_unscheduled *u = cal_calloc(c->nvisits + 1, sizeof *u);
    if (!bad || !u) {
        free(bad);
        free(u);
        ctx_free(&x);
        return careday_fail(err, SCHED_ENOMEM, NULL, 0, NULL, "out of memory");
    }
    for (size_t v = 0; v < c->nvisits; v++)
        bad[v] = x.vcount[v] == 0;
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t v = 0; v < c->nvisits; v++) {
            if (!bad[v])
                continue;
            for (size_t b = 0; b < c->visits[v].nbefore; b++)
                if (!bad[c->visits[v].before[b].visit])
                    grew = bad[c->visits[v].before[b].visit] = true;
            int partner = sched_partner(c, (int)v);
            if (partner >= 0 && !bad[partner])
                grew = bad[partner] = true;
        }
    }
    size_t k = 0;
    for (size_t v = 0; v < c->nvisits; v++)
        if (bad[v] && !(c->visits[v].booked && !c->visits[v].movable))
            sched_explain(&x, (int)v, bad, &u[k++]);
    free(bad);
    ctx_free(&x);
    *out = u;
    *n = k;
    return SCHED_OK;
}

void sched_row_clear(struct sched_row *r)
{
    r->n = 0;
}

int sched_row_put(struct sched_row *r, int col, double v)
{
    if (col < 0)
        return 0;
    size_t ci = r->cap, cv = r->cap;
    if (cal_grow(&r->ri, &ci, r->n + 1, sizeof *r->ri) ||
        cal_grow(&r->rv, &cv, r->n + 1, sizeof *r->rv))
        return SCHED_ENOMEM;
    r->cap = ci < cv ? ci : cv;
    r->ri[r->n] = col;
    r->rv[r->n] = v;
    r->n++;
    return 0;
}

void sched_row_free(struct sched_row *r)
{
    free(r->ri);
    free(r->rv);
    r->ri = NULL;
    r->rv = NULL;
    r->n = r->cap = 0;
}
