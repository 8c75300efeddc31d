/*
 * Re-planning against a previous plan: history (what is already past),
 * the cost of each candidate placement relative to where the visit was
 * (docs/model.md, "Re-planning"), the state of each appointment and what
 * changed. Shared by every planner through the candidates (cands.c).
 */
#include "scheduler/sched_internal.h"
#include "calendars/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *sched_state_name(enum sched_state s)
{
    return s == SCHED_BOOKED ? "booked" : "proposed";
}

int sched_state_parse(const char *s, enum sched_state *out)
{
    if (s && strcmp(s, "booked") == 0)
        *out = SCHED_BOOKED;
    else if (s && strcmp(s, "proposed") == 0)
        *out = SCHED_PROPOSED;
    else
        return SCHED_EINVAL;
    return SCHED_OK;
}

const char *sched_why_name(enum sched_why w)
{
    static const char *const names[] = {
        "none",   "provider_time", "mode", "family_busy", "avoid_date",  "pin",
        "window", "nurse",         "plan", "removed",     "unscheduled", "cancelled",
    };
    return (unsigned)w < sizeof names / sizeof names[0] ? names[w] : "plan";
}

static int32_t local_day(const struct sched_case *c, cal_time t)
{
    int32_t d;
    int m;
    cal_tz_to_local(c->tz, t, &d, &m);
    return d;
}

int sched_case_apply_previous(struct sched_case *c, struct careday_notes *warn)
{
    for (size_t i = 0; i < c->nprevious; i++) {
        struct sched_prev_appt *p = &c->previous[i];
        p->visit = -1;
        for (size_t v = 0; v < c->nvisits; v++)
            if (p->visit_id && strcmp(c->visits[v].id, p->visit_id) == 0) {
                p->visit = (int)v;
                break;
            }
        if (p->visit < 0 || !c->now || p->start >= c->now)
            continue;
        struct sched_visit *v = &c->visits[p->visit];
        if (v->history)
            continue; /* listed twice: the first one is history */
        bool was_booked = v->booked && v->booked_mode == p->mode && v->booked_start == p->start;
        int32_t day = local_day(c, p->start);
        if ((day < c->horizon_start || day > c->horizon_end) && warn)
            careday_notes_add(warn, NULL, 0, NULL,
                              "past appointment %s lies outside the horizon; it cannot be kept "
                              "in this plan",
                              v->id);
        v->booked = true;
        v->movable = false;
        v->booked_start = p->start;
        v->booked_mode = p->mode;
        v->history = true;
        v->history_state = was_booked ? SCHED_BOOKED : p->state;
        /* The visit's own length may have changed in the case; history keeps
         * the length it had. */
        if (p->end > p->start)
            v->minutes = (int)((p->end - p->start) / 60);
    }
    return SCHED_OK;
}

const struct sched_prev_appt *sched_previous_of(const struct sched_case *c, int v)
{
    if (v < 0 || (size_t)v >= c->nvisits || c->visits[v].history)
        return NULL;
    for (size_t i = 0; i < c->nprevious; i++)
        if (c->previous[i].visit == v)
            return &c->previous[i];
    return NULL;
}

double replan_cost(const struct sched_case *c, int v, enum sched_mode mode, cal_time ustart)
{
    const struct sched_prev_appt *p = sched_previous_of(c, v);
    const struct sched_weights *w = &c->weights;
    if (!p || (p->mode == mode && p->start == ustart))
        return 0;
    if (p->state == SCHED_BOOKED)
        return w->moved_booked;
    if (p->mode != mode || local_day(c, p->start) != local_day(c, ustart))
        return w->moved_proposed;
    return w->shifted;
}

bool replan_allowed(const struct sched_case *c, int v, int32_t day, enum sched_mode mode,
                    int minute, cal_time ustart, int *rejected_by)
{
    const struct sched_visit *vi = &c->visits[v];
    const struct sched_prev_appt *p = sched_previous_of(c, v);
    bool kept = p && p->mode == mode && p->start == ustart;
    bool original = vi->booked && vi->booked_mode == mode && vi->booked_start == ustart;

    if (vi->pinned && (day != vi->pin_day || (vi->pin_has_mode && mode != vi->pin_mode) ||
                       (vi->pin_start >= 0 && minute != vi->pin_start))) {
        *rejected_by = SCHED_REASON_PIN;
        return false;
    }
    for (size_t i = 0; i < vi->navoid; i++)
        if (vi->avoid[i] == day) {
            *rejected_by = SCHED_REASON_AVOID;
            return false;
        }
    for (size_t i = 0; i < c->family.navoid; i++)
        if (c->family.avoid[i] == day) {
            *rejected_by = SCHED_REASON_AVOID;
            return false;
        }
    /* Nothing new before now + notice; what is already there may stay. */
    if (c->now && !kept && !original && ustart < c->now + (cal_time)c->min_notice_minutes * 60) {
        *rejected_by = SCHED_REASON_NOTICE;
        return false;
    }
    return true;
}

enum sched_state sched_appt_state(const struct sched_case *c, const struct sched_appt *a)
{
    const struct sched_visit *v = &c->visits[a->visit];
    if (v->history)
        return v->history_state;
    if (v->booked && a->mode == v->booked_mode && a->start == v->booked_start)
        return SCHED_BOOKED;
    const struct sched_prev_appt *p = sched_previous_of(c, a->visit);
    if (p && p->state == SCHED_BOOKED && p->mode == a->mode && p->start == a->start)
        return SCHED_BOOKED;
    return SCHED_PROPOSED;
}

/* ---------------------------------------------------------------------------
 * What changed.
 */

static bool on_avoided(const struct sched_case *c, const struct sched_visit *v, int32_t day)
{
    for (size_t i = 0; i < v->navoid; i++)
        if (v->avoid[i] == day)
            return true;
    for (size_t i = 0; i < c->family.navoid; i++)
        if (c->family.avoid[i] == day)
            return true;
    return false;
}

/* Why the previous placement p of a visit cannot (or did not) stay: a code
 * and its date (adapters/output says it in words). */
static void why_moved(const struct sched_case *c, const struct sched_prev_appt *p,
                      struct sched_change *ch)
{
    const struct sched_visit *v = &c->visits[p->visit];
    const struct sched_provider *pr = &c->providers[v->provider];
    int32_t day = local_day(c, p->start);
    bool original = v->booked && v->booked_mode == p->mode && v->booked_start == p->start;

    ch->day = day;
    if (!(v->modes & (1u << p->mode))) {
        ch->why = SCHED_WHY_MODE;
    } else if (v->pinned && (day != v->pin_day || (v->pin_has_mode && v->pin_mode != p->mode) ||
                             v->pin_start >= 0)) {
        ch->why = SCHED_WHY_PIN;
        ch->day = v->pin_day;
    } else if (on_avoided(c, v, day)) {
        ch->why = SCHED_WHY_AVOID;
    } else if (!v->booked && (day < v->earliest || day > v->latest)) {
        ch->why = SCHED_WHY_WINDOW;
    } else if (!original && !cal_set_covers(&pr->mode[p->mode].free, p->start, p->end)) {
        ch->why = SCHED_WHY_PROVIDER_TIME;
    } else if (cal_set_overlaps(&c->family.busy, p->start, p->end)) {
        ch->why = SCHED_WHY_FAMILY_BUSY;
    } else if (((p->mode == SCHED_HOME && v->home_needs_nurse) ||
                (p->mode == SCHED_TELEHEALTH && v->telehealth_needs_nurse)) &&
               !cal_set_covers(&c->nursing, p->start, p->end)) {
        ch->why = SCHED_WHY_NURSE;
    } else {
        ch->why = SCHED_WHY_PLAN;
    }
}

static int push_change(struct sched_changes *out, const struct sched_change *ch)
{
    struct sched_change *v = cal_realloc(out->v, (out->n + 1) * sizeof(*v));
    if (!v)
        return SCHED_ENOMEM;
    out->v = v;
    v[out->n++] = *ch;
    return SCHED_OK;
}

void sched_changes_free(struct sched_changes *ch)
{
    if (!ch)
        return;
    free(ch->v);
    memset(ch, 0, sizeof(*ch));
}

static bool cancelled_by_coordinator(const struct sched_plan *p, int visit)
{
    for (size_t u = 0; u < p->nunscheduled; u++)
        if (p->unscheduled[u].visit == visit && p->unscheduled[u].code == SCHED_REASON_CANCELLED)
            return true;
    return false;
}

int sched_plan_changes(const struct sched_case *c, const struct sched_plan *p,
                       struct sched_changes *out)
{
    memset(out, 0, sizeof(*out));
    int rc = SCHED_OK;
    /* Moved and kept, in plan order. */
    for (size_t i = 0; i < p->nappts && !rc; i++) {
        const struct sched_appt *a = &p->appts[i];
        for (size_t k = 0; k < c->nprevious; k++) {
            const struct sched_prev_appt *q = &c->previous[k];
            if (q->visit != a->visit)
                continue;
            if (q->start == a->start && q->end == a->end && q->mode == a->mode) {
                out->kept++;
            } else {
                struct sched_change ch = {
                    .kind = SCHED_CHANGE_MOVED, .prev = (int)k, .appt = (int)i};
                why_moved(c, q, &ch);
                rc = push_change(out, &ch);
                out->moved++;
            }
            break;
        }
    }
    /* Cancelled: previous appointments whose visit is not in the plan. */
    for (size_t k = 0; k < c->nprevious && !rc; k++) {
        const struct sched_prev_appt *q = &c->previous[k];
        bool first = true, placed = false;
        for (size_t j = 0; j < k; j++)
            if (strcmp(c->previous[j].visit_id, q->visit_id) == 0)
                first = false;
        for (size_t i = 0; q->visit >= 0 && i < p->nappts; i++)
            placed |= p->appts[i].visit == q->visit;
        if (!first || placed)
            continue;
        struct sched_change ch = {.kind = SCHED_CHANGE_CANCELLED,
                                  .prev = (int)k,
                                  .appt = -1,
                                  .day = local_day(c, q->start)};
        /* Why it could not be placed (SCHED_WHY_UNSCHEDULED) is the plan's
         * unscheduled entry for the visit. */
        if (q->visit < 0)
            ch.why = SCHED_WHY_REMOVED;
        else if (cancelled_by_coordinator(p, q->visit))
            ch.why = SCHED_WHY_CANCELLED;
        else
            ch.why = SCHED_WHY_UNSCHEDULED;
        rc = push_change(out, &ch);
        out->cancelled++;
    }
    /* Added: plan appointments of visits the previous plan did not have. */
    for (size_t i = 0; i < p->nappts && !rc; i++) {
        bool known = false;
        for (size_t k = 0; k < c->nprevious; k++)
            known |= c->previous[k].visit == p->appts[i].visit;
        if (known)
            continue;
        struct sched_change ch = {
            .kind = SCHED_CHANGE_ADDED, .prev = -1, .appt = (int)i, .why = SCHED_WHY_NONE};
        rc = push_change(out, &ch);
        out->added++;
    }
    if (rc)
        sched_changes_free(out);
    return rc;
}

/* ---------------------------------------------------------------------------
 * A plan from given appointments (confirm, cancel).
 */

int sched_plan_from_appts(const struct sched_case *c, const struct sched_appt *appts, size_t n,
                          const bool *nights, const bool *cancelled, struct sched_plan **out,
                          struct careday_error *err)
{
    struct sched_ctx x;
    int rc = ctx_for_case(&x, c, err);
    if (rc)
        return rc;
    size_t nd = (size_t)x.ndays;
    struct sched_plan *p = plan_new();
    bool *placed = cal_calloc(c->nvisits + 1, sizeof(bool));
    bool *keep = cal_calloc(nd + 1, sizeof(bool)), *trip = cal_calloc(nd + 2, sizeof(bool));
    rc = SCHED_ENOMEM;
    if (!p || !placed || !keep || !trip)
        goto done;
    p->appts = cal_calloc(n ? n : 1, sizeof(*p->appts));
    if (!p->appts)
        goto done;
    for (size_t i = 0; i < n; i++) {
        p->appts[p->nappts++] = appts[i];
        placed[appts[i].visit] = true;
        int32_t d;
        int m;
        cal_tz_to_local(c->tz, appts[i].start, &d, &m);
        if (appts[i].mode == SCHED_IN_PERSON && d >= c->horizon_start && d <= c->horizon_end)
            trip[d - c->horizon_start] = true;
    }
    for (size_t d = 0; nights && d + 1 < nd; d++)
        keep[d] = nights[d] && trip[d] && trip[d + 1];
    /* Visits without an appointment: explained as the planner would, the
     * coordinator's cancellations as such. */
    bool *explain = cal_calloc(c->nvisits + 1, sizeof(bool));
    if (!explain)
        goto done;
    for (size_t v = 0; v < c->nvisits; v++)
        explain[v] = placed[v] || (cancelled && cancelled[v]);
    rc = sched_explain_all(&x, p, explain);
    free(explain);
    for (size_t v = 0; rc == 0 && cancelled && v < c->nvisits; v++) {
        if (!cancelled[v] || placed[v])
            continue;
        struct sched_unscheduled u;
        memset(&u, 0, sizeof u);
        u.visit = (int)v;
        u.code = SCHED_REASON_CANCELLED;
        u.other = -1;
        u.minute = -1;
        u.mode = -1;
        u.from = c->visits[v].earliest;
        u.to = c->visits[v].latest;
        rc = plan_add_unscheduled(p, &u);
    }
    if (rc == 0)
        rc = plan_finish_ctx(&x, p, keep);
    if (rc == 0) {
        p->status = SCHED_STATUS_FEASIBLE;
        p->objective = plan_objective(&x, p);
        *out = p;
        p = NULL;
    }
done:
    if (rc)
        careday_fail(err, rc, NULL, 0, NULL, "out of memory while rebuilding the plan");
    sched_plan_free(p);
    free(placed);
    free(keep);
    free(trip);
    ctx_free(&x);
    return rc;
}
