/*
 * The one-at-a-time baseline (DESIGN §4): what scheduling desks do today.
 * Visits in order of window.latest (ties in file order), each at the
 * earliest feasible 15-minute start in its preferred mode, else the earliest
 * in its other modes in the order listed, given everything booked before it;
 * never an overnight stay; a visit whose `before` predecessor failed is not
 * booked (a predecessor not yet booked is booked first, as a desk would);
 * a same_day_as pair is booked together when its first member comes up.
 * It uses the same candidates as the model, so both agree on feasibility.
 */
#include "scheduler/sched_internal.h"
#include "calendars/util.h"

#include <stdlib.h>
#include <string.h>

struct bl {
    const struct sched_ctx *x;
    const struct sched_case *c;
    int *chosen; /* per visit: candidate index or -1 */
    bool *done;
    size_t *committed; /* candidate indices */
    size_t ncommitted;
};

static int gap_between(const struct bl *s, const struct cand *a, const struct cand *b)
{
    int mg = s->c->family.min_gap_minutes;
    if (a->place >= 0 && b->place >= 0 && a->place != b->place) {
        int d = sched_reach(s->c, a->place, b->place);
        return d > mg ? d : mg;
    }
    return mg;
}

/* The away region of a day's trip in minutes, aligned to away slots, with k
 * added (or without it when k is NULL); false when there is no trip. */
static bool trip_region(const struct bl *s, int day, const struct cand *k, int *from, int *to)
{
    int lo = 0, hi = 0;
    bool any = false;
    for (size_t i = 0; i < s->ncommitted + (k ? 1 : 0); i++) {
        const struct cand *a = i < s->ncommitted ? &s->x->cands[s->committed[i]] : k;
        if (a->day != day || a->mode != SCHED_IN_PERSON)
            continue;
        if (!any || a->dep < lo)
            lo = a->dep;
        if (!any || a->ret > hi)
            hi = a->ret;
        any = true;
    }
    if (!any)
        return false;
    *from = lo;
    *to = hi;
    return true;
}

static bool slots_overlap(const struct sched_ctx *x, int from, int to, int s, int e)
{
    int r0 = x->win0 + ctx_slot_of(x, from) * SCHED_SLOT;
    int r1 = x->win0 + (ctx_slot_of(x, to - 1) + 1) * SCHED_SLOT;
    return s < r1 && r0 < e;
}

static bool feasible(const struct bl *s, const struct cand *k)
{
    const struct sched_case *c = s->c;
    const struct sched_family *f = &c->family;
    const struct sched_ctx *x = s->x;
    int count = 1, clinic = k->mode == SCHED_IN_PERSON ? k->end - k->start : 0;
    for (size_t i = 0; i < s->ncommitted; i++) {
        const struct cand *a = &x->cands[s->committed[i]];
        if (a->day != k->day)
            continue;
        count++;
        if (a->mode == SCHED_IN_PERSON)
            clinic += a->end - a->start;
        bool k_first = k->start < a->start || (k->start == a->start && k->end <= a->end);
        if (k_first ? a->start < k->end + gap_between(s, k, a)
                    : k->start < a->end + gap_between(s, a, k))
            return false;
    }
    if (f->max_visits_per_day > 0 && count > f->max_visits_per_day)
        return false;
    if (f->max_clinic_minutes_per_day > 0 && clinic > f->max_clinic_minutes_per_day)
        return false;
    /* One trip a day, on free time, with no home-based visit inside it. */
    int from, to;
    if (trip_region(s, k->day, k->mode == SCHED_IN_PERSON ? k : NULL, &from, &to)) {
        if (k->mode == SCHED_IN_PERSON) {
            bool fixed_day = false;
            for (size_t i = 0; i < s->ncommitted; i++) {
                const struct cand *a = &x->cands[s->committed[i]];
                fixed_day |= a->fixed && a->day == k->day && a->mode == SCHED_IN_PERSON;
            }
            if (!ctx_away_ok(x, k->day, from, to) && !(fixed_day && k->fixed))
                return false;
            for (size_t i = 0; i < s->ncommitted; i++) {
                const struct cand *a = &x->cands[s->committed[i]];
                if (a->day == k->day && a->mode != SCHED_IN_PERSON &&
                    slots_overlap(x, from, to, a->start, a->end))
                    return false;
            }
        } else if (slots_overlap(x, from, to, k->start, k->end)) {
            return false;
        }
    }
    /* Precedence with lags against whatever is booked. */
    for (size_t v = 0; v < c->nvisits; v++) {
        for (size_t l = 0; l < c->visits[v].nbefore; l++) {
            const struct sched_lag *lag = &c->visits[v].before[l];
            const struct cand *a = NULL, *b = NULL;
            if (lag->visit == k->visit && s->chosen[v] >= 0) {
                a = &x->cands[s->chosen[v]];
                b = k;
            } else if ((int)v == k->visit && s->chosen[lag->visit] >= 0) {
                a = k;
                b = &x->cands[s->chosen[lag->visit]];
            }
            if (!a)
                continue;
            if (b->ustart < a->uend + (cal_time)lag->min_gap_minutes * 60)
                return false;
            if (lag->max_gap_minutes >= 0 &&
                b->ustart > a->uend + (cal_time)lag->max_gap_minutes * 60)
                return false;
        }
    }
    return true;
}

static void commit(struct bl *s, size_t k)
{
    s->committed[s->ncommitted++] = k;
    s->chosen[s->x->cands[k].visit] = (int)k;
}

static void uncommit(struct bl *s)
{
    size_t k = s->committed[--s->ncommitted];
    s->chosen[s->x->cands[k].visit] = -1;
}

/* Candidates of v in mode m on day d (d < 0: any day), earliest first; the
 * candidate list is in (mode, day, start) order already. */
static bool try_visit(struct bl *s, int v, int only_day, int pair)
{
    const struct sched_visit *vi = &s->c->visits[v];
    enum sched_mode order[SCHED_NMODES];
    int n = 0;
    order[n++] = vi->prefer;
    for (int i = 0; i < vi->nmodes; i++)
        if (vi->order[i] != vi->prefer)
            order[n++] = vi->order[i];
    size_t k0 = s->x->vfirst[v], k1 = k0 + s->x->vcount[v];
    for (int mi = 0; mi < n; mi++) {
        for (size_t k = k0; k < k1; k++) {
            const struct cand *cd = &s->x->cands[k];
            if (cd->mode != order[mi] || (only_day >= 0 && cd->day != only_day))
                continue;
            if (!feasible(s, cd))
                continue;
            commit(s, k);
            if (pair < 0 || try_visit(s, pair, cd->day, -1))
                return true;
            uncommit(s);
        }
    }
    return false;
}

static void process(struct bl *s, int v)
{
    if (s->done[v])
        return;
    s->done[v] = true;
    const struct sched_case *c = s->c;
    /* Predecessors first. */
    for (size_t a = 0; a < c->nvisits; a++)
        for (size_t l = 0; l < c->visits[a].nbefore; l++)
            if (c->visits[a].before[l].visit == v) {
                process(s, (int)a);
                if (s->chosen[a] < 0)
                    return; /* a predecessor failed: not booked */
            }
    int pair = sched_partner(c, v);
    if (pair >= 0 && !s->done[pair]) {
        s->done[pair] = true;
        for (size_t a = 0; a < c->nvisits; a++)
            for (size_t l = 0; l < c->visits[a].nbefore; l++)
                if (c->visits[a].before[l].visit == pair) {
                    process(s, (int)a);
                    if (s->chosen[a] < 0)
                        return;
                }
        try_visit(s, v, -1, pair);
        return;
    }
    if (pair >= 0 && s->chosen[pair] >= 0) {
        try_visit(s, v, s->x->cands[s->chosen[pair]].day, -1);
        return;
    }
    if (pair >= 0)
        return; /* its partner could not be booked */
    try_visit(s, v, -1, -1);
}

/* Window end of a visit for the booking order (bookings: the horizon end). */
static int32_t latest_of(const struct sched_case *c, int v)
{
    return c->visits[v].booked ? c->horizon_end : c->visits[v].latest;
}

int sched_baseline_ctx(const struct sched_ctx *x, struct sched_plan **out)
{
    const struct sched_case *c = x->c;
    struct bl s = {.x = x, .c = c};
    size_t nv = c->nvisits;
    s.chosen = cal_malloc((nv + 1) * sizeof(int));
    s.done = cal_calloc(nv + 1, sizeof(bool));
    s.committed = cal_malloc((nv + 1) * sizeof(size_t));
    int *order = cal_malloc((nv + 1) * sizeof(int));
    bool *placed = cal_calloc(nv + 1, sizeof(bool));
    struct sched_plan *p = plan_new();
    int rc = SCHED_ENOMEM;
    if (!s.chosen || !s.done || !s.committed || !order || !placed || !p)
        goto out;
    for (size_t v = 0; v < nv; v++)
        s.chosen[v] = -1;
    /* Existing bookings stay where they are. */
    for (size_t v = 0; v < nv; v++) {
        const struct sched_visit *vi = &c->visits[v];
        if (!vi->booked)
            continue;
        for (size_t k = x->vfirst[v]; k < x->vfirst[v] + x->vcount[v]; k++)
            if (x->cands[k].fixed || x->cands[k].original) {
                commit(&s, k);
                break;
            }
        s.done[v] = s.chosen[v] >= 0;
    }
    size_t n = 0;
    for (size_t v = 0; v < nv; v++)
        order[n++] = (int)v;
    for (size_t i = 1; i < n; i++) /* stable: ties keep file order */
        for (size_t j = i; j > 0 && latest_of(c, order[j - 1]) > latest_of(c, order[j]); j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++)
        process(&s, order[i]);
    for (size_t i = 0; i < s.ncommitted; i++) {
        if ((rc = plan_add_appt(p, &x->cands[s.committed[i]])))
            goto out;
        placed[x->cands[s.committed[i]].visit] = true;
    }
    if ((rc = sched_explain_all(x, p, placed)) || (rc = plan_finish_ctx(x, p, NULL)))
        goto out;
    p->status = SCHED_STATUS_FEASIBLE;
    p->objective = plan_objective(x, p);
    *out = p;
    p = NULL;
    rc = SCHED_OK;
out:
    sched_plan_free(p);
    free(s.chosen);
    free(s.done);
    free(s.committed);
    free(order);
    free(placed);
    return rc;
}

int sched_baseline(const struct sched_case *c, struct sched_plan **out, struct careday_error *err)
{
    struct sched_ctx x;
    int rc = ctx_for_case(&x, c, err);
    if (rc)
        return rc;
    rc = sched_baseline_ctx(&x, out);
    ctx_free(&x);
    if (rc)
        return careday_fail(err, rc, NULL, 0, NULL, "out of memory in the baseline");
    return SCHED_OK;
}
