/*
 * Candidate placements: every (visit, mode, start on the 15-minute grid)
 * that the provider's time, the family's day and free time (with the travel
 * legs), the nurse shifts and the window all allow. The model and the
 * baseline choose among the same candidates, so they agree on feasibility.
 */
#include "scheduler/sched_internal.h"
#include "calendars/util.h"

#include <stdlib.h>
#include <string.h>

cal_time ctx_utc(const struct sched_ctx *x, int day, int minute)
{
    int q = minute < 0 ? 0 : minute / 15;
    if (q >= SCHED_QUARTERS)
        q = SCHED_QUARTERS - 1;
    return x->qbase[(size_t)day * SCHED_QUARTERS + (size_t)q] + (cal_time)minute * 60;
}

/* Fill the quarter-hour bases of every day. Zones change offset on a
 * quarter hour; a day with the same offset at 00:00, 12:00 and 24:00 has no
 * change, so only change days cost a conversion per quarter hour. */
static void ctx_fill_bases(struct sched_ctx *x)
{
    const struct sched_case *c = x->c;
    for (int d = 0; d < x->ndays; d++) {
        int32_t day = c->horizon_start + d;
        cal_time *qb = &x->qbase[(size_t)d * SCHED_QUARTERS];
        cal_time b0 = cal_tz_local_to_utc(c->tz, day, 0);
        cal_time b12 = cal_tz_local_to_utc(c->tz, day, 720) - 720 * 60;
        cal_time b24 = cal_tz_local_to_utc(c->tz, day, 1440) - 1440 * 60;
        for (int q = 0; q < SCHED_QUARTERS; q++)
            qb[q] = b12;
        if (b0 == b12 && b24 == b12)
            continue;
        for (int q = 0; q < SCHED_QUARTERS; q++)
            qb[q] = cal_tz_local_to_utc(c->tz, day, q * 15) - (cal_time)q * 15 * 60;
    }
}

int ctx_slot_of(const struct sched_ctx *x, int minute)
{
    int d = minute - x->win0;
    return d >= 0 ? d / SCHED_SLOT : -1 - (-d - 1) / SCHED_SLOT;
}

int ctx_leg_in(const struct sched_ctx *x, int from, int to)
{
    return sched_travel(x->c, from, to) + x->c->park_minutes;
}

bool ctx_away_ok(const struct sched_ctx *x, int day, int from, int to)
{
    if (from < x->win0 || to > x->win1)
        return false;
    int k0 = ctx_slot_of(x, from), k1 = ctx_slot_of(x, to - 1);
    for (int k = k0; k <= k1; k++)
        if (x->blocked[(size_t)day * x->nslots + k])
            return false;
    return true;
}

static int push(struct sched_ctx *x, const struct cand *k)
{
    if (cal_grow(&x->cands, &x->cap, x->ncands + 1, sizeof *x->cands))
        return SCHED_ENOMEM;
    x->cands[x->ncands++] = *k;
    return SCHED_OK;
}

static bool nurse_needed(const struct sched_visit *v, enum sched_mode m)
{
    return (m == SCHED_HOME && v->home_needs_nurse) ||
           (m == SCHED_TELEHEALTH && v->telehealth_needs_nurse);
}

/* Fill the in-person legs of k (place set): leaving early enough to drive,
 * park and arrive family.arrive_early_minutes before the start. */
static void set_legs(const struct sched_ctx *x, struct cand *k)
{
    int p = k->place;
    k->dep = k->start - sched_reach(x->c, -1, p);
    k->ret = k->end + sched_travel(x->c, p, -1);
    if (x->lodging >= 0) {
        k->dep_l = k->start - sched_reach(x->c, x->lodging, p);
        k->ret_l = k->end + sched_travel(x->c, p, x->lodging);
    } else {
        k->dep_l = k->dep;
        k->ret_l = k->ret;
    }
}

/* The booked time of a booking as a candidate (local day and minutes). */
static bool booked_cand(const struct sched_ctx *x, int vi, struct cand *k)
{
    const struct sched_case *c = x->c;
    const struct sched_visit *v = &c->visits[vi];
    int32_t day;
    int minute;
    cal_tz_to_local(c->tz, v->booked_start, &day, &minute);
    int d = (int)(day - c->horizon_start);
    if (d < 0 || d >= x->ndays)
        return false;
    memset(k, 0, sizeof(*k));
    k->visit = vi;
    k->mode = v->booked_mode;
    k->day = d;
    k->start = minute;
    k->end = minute + v->minutes;
    k->place = v->booked_mode == SCHED_IN_PERSON ? c->providers[v->provider].mode[0].place : -1;
    k->ustart = v->booked_start;
    k->uend = v->booked_start + (cal_time)v->minutes * 60;
    if (k->mode == SCHED_IN_PERSON)
        set_legs(x, k);
    return true;
}

/* Long on purpose: one loop over days, modes and starts whose filters share the day's state;
 * each filter is a few lines. */
static int gen_visit(struct sched_ctx *x, int vi)
{
    const struct sched_case *c = x->c;
    const struct sched_visit *v = &c->visits[vi];
    const struct sched_provider *pr = &c->providers[v->provider];
    const struct sched_weights *w = &c->weights;
    struct visit_diag *dg = &x->diag[vi];
    struct cand k;

    if (v->booked && !v->movable) {
        if (booked_cand(x, vi, &k)) {
            k.fixed = true;
            k.cost = k.mode == SCHED_IN_PERSON ? w->in_person : 0;
            dg->ncands++;
            return push(x, &k);
        }
        return SCHED_OK;
    }
    struct cand orig;
    bool has_orig = v->booked && booked_cand(x, vi, &orig);

    int first = v->booked ? 0 : (int)(v->earliest - c->horizon_start);
    int last = v->booked ? x->ndays - 1 : (int)(v->latest - c->horizon_start);
    if (v->pinned) /* the coordinator's date, even outside the window */
        first = last = (int)(v->pin_day - c->horizon_start);
    if (first < 0)
        first = 0;
    if (last >= x->ndays)
        last = x->ndays - 1;
    int s0 = (x->win0 + SCHED_SLOT - 1) / SCHED_SLOT * SCHED_SLOT;

    for (int mi = 0; mi < v->nmodes; mi++) {
        enum sched_mode m = v->order[mi];
        const struct sched_provider_mode *pm = &pr->mode[m];
        if (m == SCHED_TELEHEALTH && !c->family.telehealth_ready) {
            dg->tele_not_ready = true;
            continue;
        }
        double base = (m == SCHED_IN_PERSON ? w->in_person : 0);
        for (int d = first; d <= last; d++) {
            for (int s = s0; s + v->minutes <= x->win1; s += SCHED_SLOT) {
                memset(&k, 0, sizeof(k));
                k.visit = vi;
                k.mode = m;
                k.day = d;
                k.start = s;
                k.end = s + v->minutes;
                k.place = m == SCHED_IN_PERSON ? pm->place : -1;
                k.ustart = ctx_utc(x, d, s);
                k.uend = k.ustart + (cal_time)v->minutes * 60; /* real minutes */
                bool is_orig = has_orig && orig.mode == m && orig.ustart == k.ustart;
                if (!is_orig && !cal_set_covers(&pm->free, k.ustart, k.uend))
                    continue;
                dg->provider_time++;
                bool family_ok;
                if (m == SCHED_IN_PERSON) {
                    set_legs(x, &k);
                    /* With lodging, the night before / after may shorten a leg;
                     * the model enforces the exact legs. */
                    int from = k.dep, to = k.ret;
                    if (x->lodging >= 0) {
                        from = k.dep_l > k.dep ? k.dep_l : k.dep;
                        to = k.ret_l < k.ret ? k.ret_l : k.ret;
                    }
                    family_ok = ctx_away_ok(x, d, from, to);
                    if (!family_ok && c->family.travel_needs_nurse) {
                        /* Was it only the nurse? Check the family's own time. */
                        bool busy = cal_set_overlaps(&c->family.busy, ctx_utc(x, d, from),
                                                     ctx_utc(x, d, to));
                        if (!busy && from >= x->win0 && to <= x->win1) {
                            dg->family_time++;
                            dg->nurse_blocked++;
                            continue;
                        }
                    }
                } else {
                    family_ok = !cal_set_overlaps(&c->family.busy, k.ustart, k.uend);
                }
                if (!family_ok)
                    continue;
                dg->family_time++;
                if (nurse_needed(v, m) && !cal_set_covers(&c->nursing, k.ustart, k.uend)) {
                    dg->nurse_blocked++;
                    continue;
                }
                int why;
                if (!replan_allowed(c, vi, c->horizon_start + d, m, s, k.ustart, &why)) {
                    if (why == SCHED_REASON_PIN)
                        dg->pin_rejected++;
                    else if (why == SCHED_REASON_AVOID)
                        dg->avoid_rejected++;
                    else
                        dg->notice_rejected++;
                    continue;
                }
                k.original = is_orig;
                k.cost = base;
                if (m != v->prefer)
                    k.cost += 0.001; /* tie-break toward the preferred mode */
                if (w->late_minute > 0 && !v->booked)
                    k.cost += w->late_minute * (double)(k.ustart - ctx_utc(x, first, 0)) / 60.0;
                if (v->booked && !is_orig)
                    k.cost += w->moved;
                /* Re-planning: where the visit was in the previous plan. */
                k.cost += replan_cost(c, vi, m, k.ustart);
                dg->ncands++;
                int rc = push(x, &k);
                if (rc)
                    return rc;
            }
        }
    }
    return SCHED_OK;
}

/* The first busy interval of the family that meets [a, b), or NULL. */
static const struct cal_interval *busy_met(const struct sched_case *c, cal_time a, cal_time b)
{
    for (size_t i = 0; i < c->family.busy.n; i++) {
        const struct cal_interval *iv = &c->family.busy.iv[i];
        if (iv->start < b && a < iv->end)
            return iv;
    }
    return NULL;
}

static int note_add(struct sched_booking_note **v, size_t *n, size_t *cap,
                    const struct sched_booking_note *note)
{
    if (cal_grow(v, cap, *n + 1, sizeof **v))
        return SCHED_ENOMEM;
    (*v)[(*n)++] = *note;
    return SCHED_OK;
}

/* Fixed in-person bookings are facts: their own trip slots stay open.
 * When v is not NULL, what each such trip meets is noted there (once per
 * booking and kind; sched_booking_notes). */
static int open_bookings(struct sched_ctx *x, struct sched_booking_note **nv, size_t *nn,
                         size_t *ncap)
{
    const struct sched_case *c = x->c;
    for (size_t i = 0; i < c->nvisits; i++) {
        const struct sched_visit *v = &c->visits[i];
        struct cand k;
        if (!v->booked || v->movable || !booked_cand(x, (int)i, &k))
            continue;
        if (k.mode != SCHED_IN_PERSON)
            continue;
        int k0 = ctx_slot_of(x, k.dep), k1 = ctx_slot_of(x, k.ret - 1);
        struct sched_booking_note note = {
            .visit = (int)i, .depart = ctx_utc(x, k.day, k.dep), .back = ctx_utc(x, k.day, k.ret)};
        /* The loader already named a booking that itself falls in busy
         * time; history is what already happened. */
        bool said = v->history || cal_set_overlaps(&c->family.busy, v->booked_start,
                                                   v->booked_start + 60 * (cal_time)v->minutes);
        bool said_busy = said, said_nurse = said;
        for (int s = k0 < 0 ? 0 : k0; s <= k1 && s < x->nslots; s++) {
            bool *b = &x->blocked[(size_t)k.day * x->nslots + s];
            if (*b && nv) {
                int m0 = x->win0 + s * SCHED_SLOT;
                int m1 = m0 + SCHED_SLOT < x->win1 ? m0 + SCHED_SLOT : x->win1;
                const struct cal_interval *iv =
                    busy_met(c, ctx_utc(x, k.day, m0), ctx_utc(x, k.day, m1));
                if (iv && !said_busy) {
                    note.code = SCHED_BOOKING_TRIP_BUSY;
                    note.busy_start = iv->start;
                    note.busy_end = iv->end;
                    if (note_add(nv, nn, ncap, &note))
                        return SCHED_ENOMEM;
                    said_busy = true;
                } else if (!iv && !said_nurse) {
                    note.code = SCHED_BOOKING_TRIP_NO_NURSE;
                    note.busy_start = note.busy_end = 0;
                    if (note_add(nv, nn, ncap, &note))
                        return SCHED_ENOMEM;
                    said_nurse = true;
                }
            }
            *b = false;
        }
        if ((k.dep < x->win0 || k.ret > x->win1) && nv && !v->history) {
            note.code = SCHED_BOOKING_OUTSIDE_DAY;
            note.busy_start = note.busy_end = 0;
            if (note_add(nv, nn, ncap, &note))
                return SCHED_ENOMEM;
        }
    }
    return SCHED_OK;
}

/* Everything but the candidates: allocations, day bases, the away slots
 * blocked by family busy time (or by no nurse when every trip needs one),
 * reopened for fixed bookings. */
static int ctx_days(struct sched_ctx *x, const struct sched_case *c, struct sched_booking_note **nv,
                    size_t *nn, size_t *ncap)
{
    memset(x, 0, sizeof(*x));
    x->c = c;
    x->ndays = (int)(c->horizon_end - c->horizon_start + 1);
    x->home = (int)c->nplaces;
    x->win0 = c->family.earliest_departure;
    x->win1 = c->family.latest_return;
    x->nslots = (x->win1 - x->win0 + SCHED_SLOT - 1) / SCHED_SLOT;
    x->lodging = (c->family.overnight_allowed && c->family.lodging >= 0 && c->family.max_nights > 0)
                     ? c->family.lodging
                     : -1;
    x->qbase = cal_calloc((size_t)x->ndays * SCHED_QUARTERS, sizeof(cal_time));
    x->blocked = cal_calloc((size_t)x->ndays * (size_t)x->nslots, sizeof(bool));
    x->vfirst = cal_calloc(c->nvisits + 1, sizeof(size_t));
    x->vcount = cal_calloc(c->nvisits + 1, sizeof(size_t));
    x->diag = cal_calloc(c->nvisits + 1, sizeof(struct visit_diag));
    if (!x->qbase || !x->blocked || !x->vfirst || !x->vcount || !x->diag) {
        ctx_free(x);
        return SCHED_ENOMEM;
    }
    ctx_fill_bases(x);

    for (int d = 0; d < x->ndays; d++)
        for (int k = 0; k < x->nslots; k++) {
            int m0 = x->win0 + k * SCHED_SLOT;
            int m1 = m0 + SCHED_SLOT < x->win1 ? m0 + SCHED_SLOT : x->win1;
            cal_time a = ctx_utc(x, d, m0), b = ctx_utc(x, d, m1);
            bool bl = cal_set_overlaps(&c->family.busy, a, b);
            if (c->family.travel_needs_nurse && !cal_set_covers(&c->nursing, a, b))
                bl = true;
            x->blocked[(size_t)d * x->nslots + k] = bl;
        }
    int rc = open_bookings(x, nv, nn, ncap);
    if (rc)
        ctx_free(x);
    return rc;
}

int ctx_for_case(struct sched_ctx *x, const struct sched_case *c, struct careday_error *err)
{
    int rc = sched_case_validate(c, err);
    if (rc)
        return rc;
    if ((rc = ctx_init(x, c)))
        return careday_fail(err, rc, NULL, 0, NULL, "out of memory while building candidates");
    return SCHED_OK;
}

int ctx_day_span(const struct sched_ctx *x, int longest, const int *places, int n)
{
    const struct sched_case *c = x->c;
    int span = longest * SCHED_SLOT;
    if (span > x->win1 - x->win0)
        span = x->win1 - x->win0;
    int legs = -1;
    for (int i = 0; i < n; i++) {
        int p = places[i], l = ctx_leg_in(x, -1, p) + sched_travel(c, p, -1);
        if (x->lodging >= 0) {
            int ll = ctx_leg_in(x, x->lodging, p) + sched_travel(c, p, x->lodging);
            l = ll < l ? ll : l;
        }
        if (legs < 0 || l < legs)
            legs = l;
    }
    return span - (legs > 0 ? legs : 0);
}

int ctx_init(struct sched_ctx *x, const struct sched_case *c)
{
    int rc = ctx_days(x, c, NULL, NULL, NULL);
    if (rc)
        return rc;
    for (size_t i = 0; i < c->nvisits; i++) {
        x->vfirst[i] = x->ncands;
        rc = gen_visit(x, (int)i);
        if (rc) {
            ctx_free(x);
            return rc;
        }
        x->vcount[i] = x->ncands - x->vfirst[i];
    }
    return SCHED_OK;
}

int sched_booking_notes(const struct sched_case *c, struct sched_booking_note **out, size_t *n)
{
    struct sched_ctx x;
    struct sched_booking_note *v = NULL;
    size_t nv = 0, cap = 0;
    int rc = ctx_days(&x, c, &v, &nv, &cap);
    if (rc) {
        free(v);
        return rc;
    }
    ctx_free(&x);
    *out = v;
    *n = nv;
    return SCHED_OK;
}

void ctx_free(struct sched_ctx *x)
{
    free(x->qbase);
    free(x->blocked);
    free(x->cands);
    free(x->vfirst);
    free(x->vcount);
    free(x->diag);
    memset(x, 0, sizeof(*x));
}

void sched_explain(const struct sched_ctx *x, int vi, const bool *unplaced,
                   struct sched_unscheduled *u)
{
    const struct sched_case *c = x->c;
    const struct sched_visit *v = &c->visits[vi];
    const struct visit_diag *dg = &x->diag[vi];
    memset(u, 0, sizeof *u);
    u->visit = vi;
    u->other = -1;
    u->from = v->booked ? c->horizon_start : v->earliest;
    u->to = v->booked ? c->horizon_end : v->latest;
    u->day_start = x->win0;
    u->day_end = x->win1;
    for (size_t k = 0; k < c->nvisits; k++) {
        const struct sched_visit *o = &c->visits[k];
        for (size_t b = 0; b < o->nbefore; b++)
            if (o->before[b].visit == vi && unplaced[k]) {
                u->code = SCHED_REASON_PREDECESSOR;
                u->other = (int)k;
                return;
            }
    }
    u->minute = -1;
    u->mode = -1;
    if (v->pinned && (dg->ncands == 0 || dg->pin_rejected > 0)) {
        u->code = SCHED_REASON_PIN;
        u->day = v->pin_day;
        u->minute = v->pin_start;
        u->mode = v->pin_has_mode ? (int)v->pin_mode : -1;
        u->candidates = dg->ncands;
        return;
    }
    if (dg->ncands == 0 && dg->notice_rejected + dg->avoid_rejected > 0) {
        if (dg->notice_rejected >= dg->avoid_rejected) {
            u->code = SCHED_REASON_NOTICE;
            cal_tz_to_local(c->tz, c->now + (cal_time)c->min_notice_minutes * 60, &u->day,
                            &u->minute);
            u->notice_hours = c->min_notice_minutes / 60;
        } else {
            u->code = SCHED_REASON_AVOID;
        }
        return;
    }
    if (dg->ncands == 0) {
        if (dg->tele_not_ready && dg->provider_time == 0 && v->nmodes == 1)
            u->code = SCHED_REASON_TELEHEALTH_NOT_READY;
        else if (dg->provider_time == 0)
            u->code = SCHED_REASON_NO_PROVIDER_TIME;
        else if (dg->nurse_blocked > 0)
            u->code = SCHED_REASON_NURSE;
        else
            u->code = SCHED_REASON_NO_FAMILY_TIME;
        return;
    }
    int partner = sched_partner(c, vi);
    if (partner >= 0 && unplaced[partner]) {
        u->code = SCHED_REASON_PAIR;
        u->other = partner;
        return;
    }
    u->code = SCHED_REASON_DISPLACED;
    u->candidates = dg->ncands;
}
