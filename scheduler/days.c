/*
 * The day-level master (docs/model.md "The day-level model").
 *
 * Columns: y per group (visit, mode, day, cost class: binary, the class
 * cost), u per visit (unscheduled slack), w per trip day and route (one
 * place, or two in either order: trip + exact route cost), o per night at
 * lodging between two one-place trip days at the same place.
 *
 * Rows: one assignment per visit; a trip day has at most one route, which
 * covers the places of its in-person visits and visits each of its places;
 * what a trip day can hold; daily limits; same-day pairs; no telehealth or
 * home visit beside a night away; nights only between matching trip days,
 * at most max_nights in a row; order rules as day pairs that can meet the
 * lags. Everything finer (minutes, gaps, drives, the away interval) is left
 * to the within-day check, whose cuts benders.c adds.
 */
#include "scheduler/days.h"
#include "calendars/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CLASSES 3 /* cost classes per (visit, mode, day) split into groups */

/* ---- rows ------------------------------------------------------------------ */

static void row_begin(struct dmaster *dm)
{
    sched_row_clear(&dm->row);
}

static void row_put(struct dmaster *dm, int col, double v)
{
    if (!dm->rc)
        dm->rc = sched_row_put(&dm->row, col, v);
}

static void row_end(struct dmaster *dm, double lo, double hi)
{
    if (dm->rc)
        return;
    int r = solver_add_row(dm->m, dm->row.n, dm->row.ri, dm->row.rv, lo, hi, NULL);
    if (r < 0)
        dm->rc = r == SOLVER_ENOMEM ? SCHED_ENOMEM : SCHED_ESOLVER;
}

static int add_col(struct dmaster *dm, double lb, double ub, double obj, bool integer)
{
    if (dm->rc)
        return -1;
    int j = solver_add_col(dm->m, lb, ub, obj, integer, NULL);
    if (j < 0) {
        dm->rc = j == SOLVER_ENOMEM ? SCHED_ENOMEM : SCHED_ESOLVER;
        return j;
    }
    if (cal_grow(&dm->colcost, &dm->ccap, (size_t)j + 1, sizeof *dm->colcost)) {
        dm->rc = SCHED_ENOMEM;
        return -1;
    }
    dm->colcost[j] = obj;
    return j;
}

/* ---- groups ---------------------------------------------------------------- */

static struct dgroup *new_group(struct dmaster *dm)
{
    if (cal_grow(&dm->g, &dm->gcap, dm->ng + 1, sizeof *dm->g)) {
        dm->rc = SCHED_ENOMEM;
        return NULL;
    }
    struct dgroup *g = &dm->g[dm->ng++];
    memset(g, 0, sizeof(*g));
    return g;
}

static bool same_cost(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(1.0, fabs(a));
}

/* The run [k0, k1) of one visit's candidates in one mode on one day, split
 * by cost (cheapest class first). */
static void groups_of_run(struct dmaster *dm, size_t k0, size_t k1, size_t *next)
{
    const struct cand *cs = dm->x->cands;
    double costs[MAX_CLASSES];
    int nc = 0;
    for (size_t k = k0; k < k1; k++) {
        int i = 0;
        while (i < nc && !same_cost(costs[i], cs[k].cost))
            i++;
        if (i < nc)
            continue;
        if (nc == MAX_CLASSES) {
            dm->minute_costs = true;
            return;
        }
        costs[nc++] = cs[k].cost;
    }
    for (int i = 1; i < nc; i++) /* a few: insertion sort */
        for (int j = i; j > 0 && costs[j - 1] > costs[j]; j--) {
            double t = costs[j];
            costs[j] = costs[j - 1];
            costs[j - 1] = t;
        }
    for (int i = 0; i < nc; i++) {
        struct dgroup *g = new_group(dm);
        if (!g)
            return;
        g->visit = cs[k0].visit;
        g->mode = cs[k0].mode;
        g->day = cs[k0].day;
        g->place = cs[k0].place;
        g->cost = costs[i];
        g->c0 = *next;
        for (size_t k = k0; k < k1; k++) {
            if (!same_cost(cs[k].cost, costs[i]))
                continue;
            const struct cand *cd = &cs[k];
            if (g->n == 0 || cd->ustart < g->s0)
                g->s0 = cd->ustart;
            if (g->n == 0 || cd->ustart > g->s1)
                g->s1 = cd->ustart;
            if (g->n == 0 || cd->uend < g->e0)
                g->e0 = cd->uend;
            if (g->n == 0 || cd->uend > g->e1)
                g->e1 = cd->uend;
            g->fixed |= cd->fixed;
            dm->gcand[(*next)++] = k;
            g->n++;
        }
    }
}

static void build_groups(struct dmaster *dm)
{
    struct sched_ctx *x = dm->x;
    size_t nv = x->c->nvisits, next = 0;
    for (size_t v = 0; v < nv && !dm->rc; v++) {
        dm->vg0[v] = dm->ng;
        size_t k0 = x->vfirst[v], k1 = k0 + x->vcount[v];
        /* A visit's candidates come by mode, then day, then start. */
        for (size_t k = k0; k < k1 && !dm->rc;) {
            size_t e = k;
            while (e < k1 && x->cands[e].mode == x->cands[k].mode &&
                   x->cands[e].day == x->cands[k].day)
                e++;
            groups_of_run(dm, k, e, &next);
            k = e;
        }
        dm->vgn[v] = dm->ng - dm->vg0[v];
    }
}

static void build_assignment(struct dmaster *dm)
{
    struct sched_ctx *x = dm->x;
    const struct sched_case *c = x->c;
    for (size_t i = 0; i < dm->ng; i++) {
        struct dgroup *g = &dm->g[i];
        g->col = add_col(dm, g->fixed ? 1 : 0, 1, g->cost, true);
    }
    for (size_t v = 0; v < c->nvisits; v++) {
        const struct sched_visit *vi = &c->visits[v];
        dm->ucol[v] = -1;
        if ((vi->booked && !vi->movable) || dm->vgn[v] == 0)
            continue;
        double pen = c->weights.unscheduled * (vi->priority_factor > 0 ? vi->priority_factor : 1);
        dm->ucol[v] = add_col(dm, 0, 1, pen, false);
        row_begin(dm);
        for (size_t i = dm->vg0[v]; i < dm->vg0[v] + dm->vgn[v]; i++)
            row_put(dm, dm->g[i].col, 1);
        row_put(dm, dm->ucol[v], 1);
        row_end(dm, 1, 1);
    }
}

/* ---- trip days ------------------------------------------------------------- */

static int route_minutes(const struct sched_ctx *x, int a, int b)
{
    if (b < 0)
        return ctx_leg_in(x, -1, a) + sched_travel(x->c, a, -1);
    return ctx_leg_in(x, -1, a) + ctx_leg_in(x, a, b) + sched_travel(x->c, b, -1);
}

static void add_route(struct dmaster *dm, int d, int a, int b)
{
    if (cal_grow(&dm->r, &dm->rcap, dm->nr + 1, sizeof *dm->r)) {
        dm->rc = SCHED_ENOMEM;
        return;
    }
    const struct sched_weights *w = &dm->x->c->weights;
    double cost = w->trip + w->travel_minute * route_minutes(dm->x, a, b);
    dm->r[dm->nr++] = (struct droute){d, a, b, cost, add_col(dm, 0, 1, cost, true)};
}

static bool route_has(const struct droute *r, int p)
{
    return r->a == p || r->b == p;
}

/* The places of a day's in-person groups (at most n), and whether a fixed
 * booking falls on the day. */
static int day_places(const struct dmaster *dm, int d, int *pl, int n, bool *fixed)
{
    int np = 0;
    *fixed = false;
    for (size_t k = dm->dg0[d]; k < dm->dg0[d] + dm->dgn[d]; k++) {
        const struct dgroup *g = &dm->g[dm->dg[k]];
        *fixed |= g->fixed;
        if (g->mode != SCHED_IN_PERSON || g->place < 0)
            continue;
        int i = 0;
        while (i < np && pl[i] != g->place)
            i++;
        if (i == np && np < n)
            pl[np++] = g->place;
    }
    return np;
}

/* What one trip day can hold (see build_day_capacity in model.c): the
 * in-person minutes with their gaps fit the longest free run of away slots
 * less the shortest drive there and back. */
static void day_capacity(struct dmaster *dm, int d, const int *pl, int np)
{
    struct sched_ctx *x = dm->x;
    const struct sched_case *c = x->c;
    int mg = c->family.min_gap_minutes, run = 0, longest = 0;
    for (int k = 0; k < x->nslots; k++) {
        run = x->blocked[(size_t)d * x->nslots + k] ? 0 : run + 1;
        longest = run > longest ? run : longest;
    }
    int span = ctx_day_span(x, longest, pl, np);
    row_begin(dm);
    for (size_t k = dm->dg0[d]; k < dm->dg0[d] + dm->dgn[d]; k++) {
        const struct dgroup *g = &dm->g[dm->dg[k]];
        if (g->mode == SCHED_IN_PERSON)
            row_put(dm, g->col, c->visits[g->visit].minutes + mg);
    }
    for (size_t i = dm->rd0[d]; i < dm->rd0[d] + dm->rdn[d]; i++)
        row_put(dm, dm->r[i].col, -(double)(span + mg > 0 ? span + mg : 0));
    row_end(dm, -SOLVER_INF, 0);
}

/* The daily limits on in-person visits, times the day's routes: no trip,
 * no in-person visit; a trip holds at most the limit. */
static void trip_limits(struct dmaster *dm, int d)
{
    const struct sched_case *c = dm->x->c;
    const struct sched_family *f = &c->family;
    for (int e = 0; e < 2; e++) {
        int cap = e ? f->max_clinic_minutes_per_day : f->max_visits_per_day, fixed = 0;
        if (cap <= 0)
            continue;
        row_begin(dm);
        for (size_t k = dm->dg0[d]; k < dm->dg0[d] + dm->dgn[d]; k++) {
            const struct dgroup *g = &dm->g[dm->dg[k]];
            if (g->mode != SCHED_IN_PERSON)
                continue;
            int a = e ? c->visits[g->visit].minutes : 1;
            row_put(dm, g->col, a);
            fixed += g->fixed ? a : 0;
        }
        for (size_t i = dm->rd0[d]; i < dm->rd0[d] + dm->rdn[d]; i++)
            row_put(dm, dm->r[i].col, -(double)(cap > fixed ? cap : fixed));
        row_end(dm, -SOLVER_INF, 0);
    }
}

static void build_day_routes(struct dmaster *dm, int d)
{
    struct sched_ctx *x = dm->x;
    const struct sched_case *c = x->c;
    int pl[64];
    bool fixed;
    int np = day_places(dm, d, pl, 64, &fixed);
    dm->rd0[d] = dm->nr;
    for (int i = 0; i < np; i++) {
        add_route(dm, d, pl[i], -1);
        for (int j = 0; j < np; j++)
            if (j != i)
                add_route(dm, d, pl[i], pl[j]);
    }
    dm->rdn[d] = dm->nr - dm->rd0[d];
    if (!np || dm->rc)
        return;
    row_begin(dm); /* one route a day */
    for (size_t i = dm->rd0[d]; i < dm->nr; i++)
        row_put(dm, dm->r[i].col, 1);
    row_end(dm, -SOLVER_INF, 1);
    /* An in-person visit needs a route through its place. */
    for (size_t k = dm->dg0[d]; k < dm->dg0[d] + dm->dgn[d]; k++) {
        const struct dgroup *g = &dm->g[dm->dg[k]];
        if (g->mode != SCHED_IN_PERSON)
            continue;
        row_begin(dm);
        row_put(dm, g->col, 1);
        for (size_t i = dm->rd0[d]; i < dm->nr; i++)
            if (route_has(&dm->r[i], g->place))
                row_put(dm, dm->r[i].col, -1);
        row_end(dm, -SOLVER_INF, 0);
    }
    /* A route visits each of its places. */
    for (size_t i = dm->rd0[d]; i < dm->nr; i++) {
        for (int e = 0; e < 2; e++) {
            int p = e ? dm->r[i].b : dm->r[i].a;
            if (p < 0)
                continue;
            row_begin(dm);
            row_put(dm, dm->r[i].col, 1);
            for (size_t k = dm->dg0[d]; k < dm->dg0[d] + dm->dgn[d]; k++) {
                const struct dgroup *g = &dm->g[dm->dg[k]];
                if (g->mode == SCHED_IN_PERSON && g->place == p)
                    row_put(dm, g->col, -1);
            }
            row_end(dm, -SOLVER_INF, 0);
        }
    }
    if (!fixed)
        day_capacity(dm, d, pl, np);
    trip_limits(dm, d);
    (void)c;
}

static int one_place_route(const struct dmaster *dm, int d, int p)
{
    for (size_t i = dm->rd0[d]; i < dm->rd0[d] + dm->rdn[d]; i++)
        if (dm->r[i].a == p && dm->r[i].b < 0)
            return dm->r[i].col;
    return -1;
}

static int night_col(const struct dmaster *dm, int d, int p)
{
    if (!dm->ocol || d < 0 || d >= dm->x->ndays)
        return -1;
    return dm->ocol[(size_t)d * dm->x->c->nplaces + (size_t)p];
}

static void build_nights(struct dmaster *dm)
{
    struct sched_ctx *x = dm->x;
    const struct sched_case *c = x->c;
    size_t np = c->nplaces;
    if (x->lodging < 0)
        return;
    dm->ocol = cal_malloc(((size_t)x->ndays * np + 1) * sizeof(int));
    if (!dm->ocol) {
        dm->rc = SCHED_ENOMEM;
        return;
    }
    for (size_t i = 0; i < (size_t)x->ndays * np; i++)
        dm->ocol[i] = -1;
    int L = x->lodging;
    for (int d = 0; d + 1 < x->ndays; d++) {
        if (c->family.travel_needs_nurse &&
            !cal_set_covers(&c->nursing, ctx_utc(x, d, x->win1), ctx_utc(x, d + 1, x->win0)))
            continue;
        for (size_t p = 0; p < np; p++) {
            int w0 = one_place_route(dm, d, (int)p), w1 = one_place_route(dm, d + 1, (int)p);
            if (w0 < 0 || w1 < 0)
                continue;
            int pp = (int)p;
            double saved = sched_travel(c, pp, L) + sched_travel(c, L, pp) -
                           sched_travel(c, pp, -1) - sched_travel(c, -1, pp);
            int o =
                add_col(dm, 0, 1, c->weights.overnight + c->weights.travel_minute * saved, true);
            dm->ocol[(size_t)d * np + p] = o;
            for (int e = 0; e < 2; e++) {
                row_begin(dm);
                row_put(dm, o, 1);
                row_put(dm, e ? w1 : w0, -1);
                row_end(dm, -SOLVER_INF, 0);
            }
        }
    }
    int mn = c->family.max_nights;
    for (int d = 0; d + mn < x->ndays - 1; d++) {
        row_begin(dm);
        for (int e = d; e <= d + mn; e++)
            for (size_t p = 0; p < np; p++)
                row_put(dm, night_col(dm, e, (int)p), 1);
        if (dm->row.n > (size_t)mn)
            row_end(dm, -SOLVER_INF, mn);
    }
    /* No telehealth or home visit on either side of a night away. */
    for (int d = 0; d < x->ndays; d++) {
        for (size_t v = 0; v < c->nvisits; v++) {
            for (int night = d - 1; night <= d; night++) {
                row_begin(dm);
                for (size_t k = dm->dg0[d]; k < dm->dg0[d] + dm->dgn[d]; k++) {
                    const struct dgroup *g = &dm->g[dm->dg[k]];
                    if (g->visit == (int)v && g->mode != SCHED_IN_PERSON)
                        row_put(dm, g->col, 1);
                }
                if (!dm->row.n)
                    continue;
                size_t before = dm->row.n;
                for (size_t p = 0; p < np; p++)
                    row_put(dm, night_col(dm, night, (int)p), 1);
                if (dm->row.n > before)
                    row_end(dm, -SOLVER_INF, 1);
            }
        }
    }
}

/* ---- rules across visits ----------------------------------------------------- */

static void build_limits(struct dmaster *dm, int d)
{
    const struct sched_case *c = dm->x->c;
    const struct sched_family *f = &c->family;
    int nvis = 0, minutes = 0, fixed = 0, fixed_min = 0, last = -1;
    for (size_t k = dm->dg0[d]; k < dm->dg0[d] + dm->dgn[d]; k++) {
        const struct dgroup *g = &dm->g[dm->dg[k]];
        if (g->fixed) {
            fixed++;
            fixed_min += g->mode == SCHED_IN_PERSON ? c->visits[g->visit].minutes : 0;
        }
        if (g->visit != last) { /* a visit's groups of a day are adjacent */
            nvis++;
            minutes += c->visits[g->visit].minutes;
            last = g->visit;
        }
    }
    if (f->max_visits_per_day > 0 && nvis > f->max_visits_per_day) {
        row_begin(dm);
        for (size_t k = dm->dg0[d]; k < dm->dg0[d] + dm->dgn[d]; k++)
            row_put(dm, dm->g[dm->dg[k]].col, 1);
        row_end(dm, -SOLVER_INF, f->max_visits_per_day > fixed ? f->max_visits_per_day : fixed);
    }
    if (f->max_clinic_minutes_per_day > 0 && minutes > f->max_clinic_minutes_per_day) {
        row_begin(dm);
        for (size_t k = dm->dg0[d]; k < dm->dg0[d] + dm->dgn[d]; k++) {
            const struct dgroup *g = &dm->g[dm->dg[k]];
            if (g->mode == SCHED_IN_PERSON)
                row_put(dm, g->col, c->visits[g->visit].minutes);
        }
        int cap = f->max_clinic_minutes_per_day;
        if (dm->row.n)
            row_end(dm, -SOLVER_INF, cap > fixed_min ? cap : fixed_min);
    }
}

static void build_same_day(struct dmaster *dm)
{
    const struct sched_case *c = dm->x->c;
    for (size_t v = 0; v < c->nvisits; v++) {
        int o = c->visits[v].same_day_as;
        if (o < 0 || ((size_t)o < v && c->visits[o].same_day_as == (int)v))
            continue;
        for (int d = 0; d < dm->x->ndays; d++) {
            row_begin(dm);
            for (size_t i = dm->vg0[v]; i < dm->vg0[v] + dm->vgn[v]; i++)
                if (dm->g[i].day == d)
                    row_put(dm, dm->g[i].col, 1);
            for (size_t i = dm->vg0[o]; i < dm->vg0[o] + dm->vgn[o]; i++)
                if (dm->g[i].day == d)
                    row_put(dm, dm->g[i].col, -1);
            if (dm->row.n)
                row_end(dm, 0, 0);
        }
    }
}

/* Some pair of candidates of a and b can meet the lag (b starts between min
 * and max minutes after a ends): a necessary condition from the ranges. */
bool dm_lag_possible(const struct dmaster *dm, const struct dgroup *a, const struct dgroup *b,
                     const struct sched_lag *lag)
{
    cal_time lo = b->s0 - a->e1, hi = b->s1 - a->e0;
    cal_time mn = (cal_time)lag->min_gap_minutes * 60, mx = (cal_time)lag->max_gap_minutes * 60;
    if (hi < mn || (lag->max_gap_minutes >= 0 && lo > mx))
        return false;
    /* Exactly: some start of b in [end + min, end + max] for some end of a
     * (b's candidates are in start order). */
    const struct cand *cs = dm->x->cands;
    size_t j = 0;
    for (size_t i = a->c0; i < a->c0 + a->n; i++) {
        cal_time from = cs[dm->gcand[i]].uend + mn;
        while (j < b->n && cs[dm->gcand[b->c0 + j]].ustart < from)
            j++;
        if (j == b->n)
            return false;
        if (lag->max_gap_minutes < 0 ||
            cs[dm->gcand[b->c0 + j]].ustart <= cs[dm->gcand[i]].uend + mx)
            return true;
    }
    return false;
}

bool dm_lag_decided(const struct dmaster *dm, const struct dgroup *a, const struct dgroup *b,
                    const struct sched_lag *lag)
{
    (void)dm;
    if (b->s0 - a->e1 < (cal_time)lag->min_gap_minutes * 60)
        return false;
    return lag->max_gap_minutes < 0 || b->s1 - a->e0 <= (cal_time)lag->max_gap_minutes * 60;
}

static void build_order(struct dmaster *dm)
{
    const struct sched_case *c = dm->x->c;
    for (size_t A = 0; A < c->nvisits && !dm->rc; A++) {
        for (size_t l = 0; l < c->visits[A].nbefore; l++) {
            const struct sched_lag *lag = &c->visits[A].before[l];
            size_t B = (size_t)lag->visit;
            size_t a0 = dm->vg0[A], a1 = a0 + dm->vgn[A], b0 = dm->vg0[B], b1 = b0 + dm->vgn[B];
            row_begin(dm); /* B never without A */
            for (size_t i = b0; i < b1; i++)
                row_put(dm, dm->g[i].col, 1);
            for (size_t i = a0; i < a1; i++)
                row_put(dm, dm->g[i].col, -1);
            if (dm->row.n)
                row_end(dm, -SOLVER_INF, 0);
            for (size_t i = b0; i < b1; i++) { /* B here needs A where the lag can hold */
                row_begin(dm);
                row_put(dm, dm->g[i].col, 1);
                for (size_t j = a0; j < a1; j++)
                    if (dm_lag_possible(dm, &dm->g[j], &dm->g[i], lag))
                        row_put(dm, dm->g[j].col, -1);
                row_end(dm, -SOLVER_INF, 0);
            }
            for (size_t j = a0; j < a1; j++) { /* A here: B where it can, or not at all */
                row_begin(dm);
                row_put(dm, dm->g[j].col, 1);
                for (size_t i = b0; i < b1; i++)
                    if (dm_lag_possible(dm, &dm->g[j], &dm->g[i], lag))
                        row_put(dm, dm->g[i].col, -1);
                if (dm->vgn[B] == 0)
                    continue; /* B can never be placed: nothing to say */
                row_put(dm, dm->ucol[B], -1);
                row_end(dm, -SOLVER_INF, 0);
            }
        }
    }
}

/* ---- public -------------------------------------------------------------- */

int dm_build(struct sched_ctx *x, struct dmaster *dm)
{
    const struct sched_case *c = x->c;
    memset(dm, 0, sizeof(*dm));
    dm->x = x;
    size_t nv = c->nvisits, nd = (size_t)x->ndays;
    dm->m = solver_model_new();
    dm->gcand = cal_malloc((x->ncands + 1) * sizeof(size_t));
    dm->vg0 = cal_calloc(nv + 1, sizeof(size_t));
    dm->vgn = cal_calloc(nv + 1, sizeof(size_t));
    dm->ucol = cal_calloc(nv + 1, sizeof(int));
    dm->dg0 = cal_calloc(nd + 1, sizeof(size_t));
    dm->dgn = cal_calloc(nd + 1, sizeof(size_t));
    dm->rd0 = cal_calloc(nd + 1, sizeof(size_t));
    dm->rdn = cal_calloc(nd + 1, sizeof(size_t));
    if (!dm->m || !dm->gcand || !dm->vg0 || !dm->vgn || !dm->ucol || !dm->dg0 || !dm->dgn ||
        !dm->rd0 || !dm->rdn)
        return SCHED_ENOMEM;
    build_groups(dm);
    if (dm->rc || dm->minute_costs)
        return dm->rc;
    dm->dg = cal_malloc((dm->ng + 1) * sizeof(size_t));
    if (!dm->dg)
        return SCHED_ENOMEM;
    /* Groups per day (counting sort). */
    for (size_t i = 0; i < dm->ng; i++)
        dm->dgn[dm->g[i].day]++;
    for (size_t d = 1; d < nd; d++)
        dm->dg0[d] = dm->dg0[d - 1] + dm->dgn[d - 1];
    {
        size_t *fill = cal_calloc(nd + 1, sizeof(size_t));
        if (!fill)
            return SCHED_ENOMEM;
        for (size_t i = 0; i < dm->ng; i++) {
            int d = dm->g[i].day;
            dm->dg[dm->dg0[d] + fill[d]++] = i;
        }
        free(fill);
    }
    build_assignment(dm);
    for (int d = 0; d < x->ndays && !dm->rc; d++) {
        build_day_routes(dm, d);
        build_limits(dm, d);
    }
    build_nights(dm);
    build_same_day(dm);
    build_order(dm);
    return dm->rc;
}

void dm_free(struct dmaster *dm)
{
    solver_model_free(dm->m);
    free(dm->g);
    free(dm->gcand);
    free(dm->vg0);
    free(dm->vgn);
    free(dm->dg);
    free(dm->dg0);
    free(dm->dgn);
    free(dm->ucol);
    free(dm->r);
    free(dm->rd0);
    free(dm->rdn);
    free(dm->ocol);
    sched_row_free(&dm->row);
    free(dm->colcost);
    memset(dm, 0, sizeof(*dm));
}

int dm_add_cut(struct dmaster *dm, const size_t *pos, size_t npos, const int *on, size_t non,
               const int *off, size_t noff)
{
    row_begin(dm);
    double rhs = 1;
    for (size_t i = 0; i < npos; i++) {
        if (dm->g[pos[i]].fixed)
            continue; /* always 1: says nothing */
        row_put(dm, dm->g[pos[i]].col, -1);
        rhs -= 1;
    }
    for (size_t i = 0; i < non; i++)
        row_put(dm, on[i], 1);
    for (size_t i = 0; i < noff; i++) {
        row_put(dm, off[i], -1);
        rhs -= 1;
    }
    row_end(dm, rhs, SOLVER_INF);
    return dm->rc;
}
