/*
 * The optimisation model (docs/model.md has the full formulation).
 *
 * Columns: x per candidate (binary), u per visit (unscheduled slack), w per
 * trip day and set of places visited (binary, cost = trip + exact route),
 * a/s per trip day and away slot (continuous: away from home, and the slot
 * where the one trip of the day starts), o per night at lodging between two
 * trip days at the same place (binary), cumulative chains for precedence.
 *
 * Rows: one assignment per visit; clique no-overlap with the minimum gap;
 * travel tails between places; per-visit trip linking; departure and return
 * covered by the away interval, which is one interval per day, never on
 * family busy time and never under a telehealth or home visit; precedence
 * with lags on cumulative chains; same-day pairs; daily limits; nights.
 */
#include "scheduler/sched_internal.h"
#include "solver/solver.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAXP 16 /* places that can share one trip day (subset masks) */

/* A trip day's route: the set of places, and for two places the order
 * (first = the place visited first, -1 for one place). */

struct mb {
    struct sched_ctx *x;
    const struct sched_case *c;
    solver_model *m;
    int rc;
    bool restricted;    /* a check over chosen candidates: everything placed */
    int *ucol;          /* per visit, -1 none */
    struct tm_route *w; /* trip-day route columns */
    size_t nw, wcap;
    size_t *wday0; /* per day: first index into w */
    size_t *wdayn;
    int *acol, *scol; /* per day * nslots, -1 none */
    int *ocol;        /* per day * nplaces, -1 none */
    size_t *bycand;   /* candidate indices sorted by (day, start) */
    size_t *day0;     /* per day: first index into bycand */
    size_t *dayn;
    /* row scratch */
    int *ri;
    double *rv;
    size_t rn, rcap;
};

/* ---- row building -------------------------------------------------------- */

static void row_begin(struct mb *b)
{
    b->rn = 0;
}

static void row_put(struct mb *b, int col, double v)
{
    if (b->rc || col < 0)
        return;
    if (b->rn == b->rcap) {
        size_t nc = b->rcap ? b->rcap * 2 : 256;
        int *ri = realloc(b->ri, nc * sizeof(int));
        double *rv = realloc(b->rv, nc * sizeof(double));
        if (ri)
            b->ri = ri;
        if (rv)
            b->rv = rv;
        if (!ri || !rv) {
            b->rc = SCHED_ENOMEM;
            return;
        }
        b->rcap = nc;
    }
    b->ri[b->rn] = col;
    b->rv[b->rn] = v;
    b->rn++;
}

static void row_end(struct mb *b, double lo, double hi)
{
    if (b->rc)
        return;
    int r = solver_add_row(b->m, b->rn, b->ri, b->rv, lo, hi, NULL);
    if (r < 0)
        b->rc = r == SOLVER_ENOMEM ? SCHED_ENOMEM : SCHED_ESOLVER;
}

static int add_col(struct mb *b, double lb, double ub, double obj, bool integer)
{
    if (b->rc)
        return -1;
    int j = solver_add_col(b->m, lb, ub, obj, integer, NULL);
    if (j < 0)
        b->rc = j == SOLVER_ENOMEM ? SCHED_ENOMEM : SCHED_ESOLVER;
    return j;
}

/* ---- maximal cliques of intervals ------------------------------------- */

struct ivl {
    int start, end; /* half-open, minutes */
    int col;
    int kind; /* caller's tag */
};

struct ev {
    int t;
    int is_start;
    int i;
};

static int cmp_ev(const void *a, const void *b)
{
    const struct ev *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->is_start - y->is_start; /* ends first: half-open */
}

/* Emit one row Σ ≤ 1 per maximal clique of overlapping intervals. When
 * need_kinds is nonzero, a clique is emitted only if it holds kinds 1 and 2. */
static void clique_rows(struct mb *b, const struct ivl *iv, size_t n, int need_kinds)
{
    if (n < 2 || b->rc)
        return;
    struct ev *e = malloc(2 * n * sizeof(*e));
    size_t *active = malloc(n * sizeof(size_t));
    size_t *pos = malloc(n * sizeof(size_t));
    if (!e || !active || !pos) {
        free(e);
        free(active);
        free(pos);
        b->rc = SCHED_ENOMEM;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        e[2 * i] = (struct ev){iv[i].start, 1, (int)i};
        e[2 * i + 1] = (struct ev){iv[i].end, 0, (int)i};
    }
    qsort(e, 2 * n, sizeof(*e), cmp_ev);
    size_t na = 0;
    bool dirty = false;
    for (size_t k = 0; k < 2 * n; k++) {
        size_t i = (size_t)e[k].i;
        if (e[k].is_start) {
            pos[i] = na;
            active[na++] = i;
            dirty = true;
            continue;
        }
        if (dirty && na >= 2) {
            bool k1 = false, k2 = false;
            for (size_t a = 0; a < na; a++) {
                k1 |= iv[active[a]].kind == 1;
                k2 |= iv[active[a]].kind == 2;
            }
            if (!need_kinds || (k1 && k2)) {
                row_begin(b);
                for (size_t a = 0; a < na; a++)
                    row_put(b, iv[active[a]].col, 1);
                row_end(b, -SOLVER_INF, 1);
            }
        }
        dirty = false;
        size_t p = pos[i];
        active[p] = active[--na];
        pos[active[p]] = p;
    }
    free(e);
    free(active);
    free(pos);
}

/* ---- helpers ------------------------------------------------------------- */

static int popcount(unsigned m)
{
    int n = 0;
    for (; m; m &= m - 1)
        n++;
    return n;
}

/* Route home -> the places of mask -> home, parking at each clinic:
 * first (when >= 0) is visited first, the other place second. */
int ctx_route_minutes(const struct sched_ctx *x, unsigned mask, int first)
{
    int pl[2], n = 0;
    if (first >= 0)
        pl[n++] = first;
    for (int p = 0; p < MAXP && n < 2; p++)
        if ((mask & (1u << p)) && p != first)
            pl[n++] = p;
    int cost = 0, at = -1;
    for (int k = 0; k < n; k++) {
        cost += ctx_leg_in(x, at, pl[k]);
        at = pl[k];
    }
    return cost + sched_travel(x->c, at, -1);
}

static const struct cand *cand_at(const struct mb *b, size_t k)
{
    return &b->x->cands[b->bycand[k]];
}

static int cmp_cand_time(const void *a, const void *bb, void *ctx)
{
    const struct cand *c = ctx;
    const struct cand *x = &c[*(const size_t *)a], *y = &c[*(const size_t *)bb];
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->visit > y->visit) - (x->visit < y->visit);
}

/* qsort_r is a GNU extension; a small merge sort keeps us in C11. */
static void sort_idx(size_t *v, size_t n, const struct cand *cands)
{
    if (n < 2)
        return;
    size_t *tmp = malloc(n * sizeof(size_t));
    if (!tmp) { /* fall back to insertion sort */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && cmp_cand_time(&v[j - 1], &v[j], (void *)cands) > 0; j--) {
                size_t t = v[j];
                v[j] = v[j - 1];
                v[j - 1] = t;
            }
        return;
    }
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = cmp_cand_time(&v[j], &v[i], (void *)cands) < 0 ? v[j++] : v[i++];
            while (i < mid)
                tmp[k++] = v[i++];
            while (j < hi)
                tmp[k++] = v[j++];
        }
        memcpy(v, tmp, n * sizeof(size_t));
    }
    free(tmp);
}

static int wcol(const struct mb *b, int day, unsigned mask)
{
    for (size_t i = b->wday0[day]; i < b->wday0[day] + b->wdayn[day]; i++)
        if (b->w[i].mask == mask && b->w[i].first < 0)
            return b->w[i].col;
    return -1;
}

static int ocol(const struct mb *b, int day, int place)
{
    if (day < 0 || day >= b->x->ndays || !b->ocol)
        return -1;
    return b->ocol[(size_t)day * b->c->nplaces + place];
}

/* ---- building ------------------------------------------------------------ */

static void build_columns(struct mb *b)
{
    struct sched_ctx *x = b->x;
    const struct sched_case *c = b->c;
    for (size_t i = 0; i < x->ncands; i++) {
        struct cand *k = &x->cands[i];
        k->col = add_col(b, k->fixed ? 1 : 0, 1, k->cost, true);
    }
    for (size_t v = 0; v < c->nvisits; v++) {
        const struct sched_visit *vi = &c->visits[v];
        b->ucol[v] = -1;
        if (vi->booked && !vi->movable)
            continue;
        double pen = c->weights.unscheduled * (vi->priority_factor > 0 ? vi->priority_factor : 1);
        if (x->vcount[v] == 0)
            continue; /* nothing to choose: unscheduled by construction */
        b->ucol[v] = add_col(b, 0, b->restricted ? 0 : 1, pen, false);
        row_begin(b);
        for (size_t k = x->vfirst[v]; k < x->vfirst[v] + x->vcount[v]; k++)
            row_put(b, x->cands[k].col, 1);
        row_put(b, b->ucol[v], 1);
        row_end(b, 1, 1);
    }
}

/* What one trip day can hold, times the day's trip variables. These rows
 * are implied by the integer model, but without them the LP spreads visits
 * thinly over many days and believes each day is barely used. The in-person
 * visits of a day, with their gaps, fit in the longest free run of away
 * slots less the shortest drive there and back; and the daily limits apply
 * to them. */
static void build_day_capacity(struct mb *b, int d, unsigned mask)
{
    struct sched_ctx *x = b->x;
    const struct sched_case *c = b->c;
    const struct sched_family *f = &c->family;
    int mg = f->min_gap_minutes;
    int run = 0, longest = 0;
    for (int k = 0; k < x->nslots; k++) {
        run = x->blocked[(size_t)d * x->nslots + k] ? 0 : run + 1;
        if (run > longest)
            longest = run;
    }
    int span = longest * SCHED_SLOT;
    if (span > x->win1 - x->win0)
        span = x->win1 - x->win0;
    int legs = -1;
    for (int p = 0; p < MAXP; p++) {
        if (!(mask & (1u << p)))
            continue;
        int l = ctx_leg_in(x, -1, p) + sched_travel(c, p, -1);
        if (x->lodging >= 0) {
            int ll = ctx_leg_in(x, x->lodging, p) + sched_travel(c, p, x->lodging);
            l = ll < l ? ll : l;
        }
        if (legs < 0 || l < legs)
            legs = l;
    }
    span -= legs > 0 ? legs : 0;
    bool any_fixed = false;
    for (size_t k = b->day0[d]; k < b->day0[d] + b->dayn[d]; k++)
        any_fixed |= cand_at(b, k)->fixed;
    if (any_fixed)
        return; /* bookings are facts and may exceed what a day "can" hold */
    for (int kind = 0; kind < 3; kind++) {
        double cap;
        if (kind == 0)
            cap = span + mg;
        else if (kind == 1)
            cap = f->max_clinic_minutes_per_day;
        else
            cap = f->max_visits_per_day;
        if (kind > 0 && cap <= 0)
            continue;
        row_begin(b);
        for (size_t k = b->day0[d]; k < b->day0[d] + b->dayn[d]; k++) {
            const struct cand *cd = cand_at(b, k);
            if (cd->mode != SCHED_IN_PERSON)
                continue;
            double coef =
                kind == 0 ? cd->end - cd->start + mg : (kind == 1 ? cd->end - cd->start : 1);
            row_put(b, cd->col, coef);
        }
        for (size_t i = b->wday0[d]; i < b->wday0[d] + b->wdayn[d]; i++)
            row_put(b, b->w[i].col, -(cap > 0 ? cap : 0));
        row_end(b, -SOLVER_INF, 0);
    }
}

/* Trip-day routes, away slots and their linking rows. */
static void build_trips(struct mb *b)
{
    struct sched_ctx *x = b->x;
    const struct sched_case *c = b->c;
    size_t np = c->nplaces;
    for (int d = 0; d < x->ndays; d++) {
        b->wday0[d] = b->nw;
        b->wdayn[d] = 0;
        unsigned mask = 0;
        for (size_t k = b->day0[d]; k < b->day0[d] + b->dayn[d]; k++) {
            const struct cand *cd = cand_at(b, k);
            if (cd->mode == SCHED_IN_PERSON && cd->place >= 0 && cd->place < MAXP)
                mask |= 1u << cd->place;
        }
        if (!mask)
            continue;
        /* One place, or two in either order: a day's clinics are visited as
         * blocks (rows in build_order), so the route cost is exact. */
        for (unsigned s = mask; s; s = (s - 1) & mask) {
            int n = popcount(s);
            if (n > 2)
                continue;
            for (int first = 0; first < MAXP; first++) {
                if (n == 2 && !(s & (1u << first)))
                    continue;
                if (b->nw == b->wcap) {
                    size_t nc = b->wcap ? b->wcap * 2 : 256;
                    struct tm_route *p = realloc(b->w, nc * sizeof(*p));
                    if (!p) {
                        b->rc = SCHED_ENOMEM;
                        return;
                    }
                    b->w = p;
                    b->wcap = nc;
                }
                int f = n == 2 ? first : -1;
                double cost =
                    c->weights.trip + c->weights.travel_minute * ctx_route_minutes(x, s, f);
                b->w[b->nw] = (struct tm_route){d, s, f, add_col(b, 0, 1, cost, true)};
                b->nw++;
                b->wdayn[d]++;
                if (n == 1)
                    break;
            }
        }
        /* Away slots: a (away) and s (the trip starts here). */
        for (int k = 0; k < x->nslots; k++) {
            bool bl = x->blocked[(size_t)d * x->nslots + k];
            b->acol[(size_t)d * x->nslots + k] = add_col(b, 0, bl ? 0 : 1, 0, false);
            b->scol[(size_t)d * x->nslots + k] = add_col(b, 0, 1, 0, false);
        }
        for (int k = 0; k < x->nslots; k++) { /* a[k] - a[k-1] <= s[k] */
            row_begin(b);
            row_put(b, b->acol[(size_t)d * x->nslots + k], 1);
            if (k > 0)
                row_put(b, b->acol[(size_t)d * x->nslots + k - 1], -1);
            row_put(b, b->scol[(size_t)d * x->nslots + k], -1);
            row_end(b, -SOLVER_INF, 0);
        }
        row_begin(b); /* one trip: sum s <= sum w <= 1 */
        for (int k = 0; k < x->nslots; k++)
            row_put(b, b->scol[(size_t)d * x->nslots + k], 1);
        for (size_t i = b->wday0[d]; i < b->wday0[d] + b->wdayn[d]; i++)
            row_put(b, b->w[i].col, -1);
        row_end(b, -SOLVER_INF, 0);
        row_begin(b);
        for (size_t i = b->wday0[d]; i < b->wday0[d] + b->wdayn[d]; i++)
            row_put(b, b->w[i].col, 1);
        row_end(b, -SOLVER_INF, 1);
        build_day_capacity(b, d, mask);
    }
    /* Nights at lodging between consecutive trip days at the same place. */
    if (x->lodging >= 0) {
        b->ocol = malloc((size_t)x->ndays * np * sizeof(int));
        if (!b->ocol) {
            b->rc = SCHED_ENOMEM;
            return;
        }
        for (size_t i = 0; i < (size_t)x->ndays * np; i++)
            b->ocol[i] = -1;
        for (int d = 0; d + 1 < x->ndays; d++) {
            if (c->family.travel_needs_nurse &&
                !cal_set_covers(&c->nursing, ctx_utc(x, d, x->win1), ctx_utc(x, d + 1, x->win0)))
                continue;
            for (size_t p = 0; p < np && p < MAXP; p++) {
                int w0 = wcol(b, d, 1u << p), w1 = wcol(b, d + 1, 1u << p);
                if (w0 < 0 || w1 < 0)
                    continue;
                int L = x->lodging, pp = (int)p;
                double saved = sched_travel(c, pp, L) + sched_travel(c, L, pp) -
                               sched_travel(c, pp, -1) - sched_travel(c, -1, pp);
                double cost = c->weights.overnight + c->weights.travel_minute * saved;
                int o = add_col(b, 0, 1, cost, true);
                b->ocol[(size_t)d * np + p] = o;
                row_begin(b);
                row_put(b, o, 1);
                row_put(b, w0, -1);
                row_end(b, -SOLVER_INF, 0);
                row_begin(b);
                row_put(b, o, 1);
                row_put(b, w1, -1);
                row_end(b, -SOLVER_INF, 0);
            }
        }
        /* At most max_nights nights in a row. */
        int mn = c->family.max_nights;
        for (int d = 0; d + mn < x->ndays - 1; d++) {
            row_begin(b);
            for (int e = d; e <= d + mn; e++)
                for (size_t p = 0; p < np; p++)
                    row_put(b, ocol(b, e, (int)p), 1);
            if (b->rn > (size_t)mn)
                row_end(b, -SOLVER_INF, mn);
        }
    }
}

static void put_nights(struct mb *b, int day, double sign)
{
    for (size_t p = 0; p < b->c->nplaces; p++)
        row_put(b, ocol(b, day, (int)p), sign);
}

struct cover_end {
    int minute;
    int night_day; /* the night that switches this end, or -99 */
    double night_sign;
};

/* Per-visit trip linking and away coverage of every in-person candidate. */
static void build_links(struct mb *b)
{
    struct sched_ctx *x = b->x;
    const struct sched_case *c = b->c;
    /* Day choice: y(v, d) = sum of x(v, d), binary. Start times within a
     * day are mostly interchangeable; branching on the day of a visit
     * splits the search where it matters (a generated case went from over
     * 60 s to 6 s). */
    for (size_t v = 0; v < c->nvisits; v++) {
        size_t k0 = x->vfirst[v], k1 = k0 + x->vcount[v];
        for (int d = 0; d < x->ndays && k1 > k0; d++) {
            row_begin(b);
            bool fixed = false;
            for (size_t k = k0; k < k1; k++)
                if (x->cands[k].day == d) {
                    row_put(b, x->cands[k].col, 1);
                    fixed |= x->cands[k].fixed;
                }
            if (!b->rn || fixed)
                continue;
            int y = add_col(b, 0, 1, 0, true);
            row_put(b, y, -1);
            row_end(b, 0, 0);
        }
    }
    /* Linking: sum of x(v, d, p) <= sum of w(d, S) with p in S. */
    for (size_t v = 0; v < c->nvisits; v++) {
        size_t k0 = x->vfirst[v], k1 = k0 + x->vcount[v];
        for (int d = 0; d < x->ndays; d++) {
            int place = -1;
            row_begin(b);
            for (size_t k = k0; k < k1; k++) {
                const struct cand *cd = &x->cands[k];
                if (cd->day == d && cd->mode == SCHED_IN_PERSON) {
                    row_put(b, cd->col, 1);
                    place = cd->place;
                }
            }
            if (!b->rn)
                continue;
            for (size_t i = b->wday0[d]; i < b->wday0[d] + b->wdayn[d]; i++)
                if (b->w[i].mask & (1u << place))
                    row_put(b, b->w[i].col, -1);
            row_end(b, -SOLVER_INF, 0);
        }
    }
    /* Coverage: the away interval holds departure and return. With a night
     * at the lodging before (after), the lodging leg applies instead. */
    for (size_t i = 0; i < x->ncands; i++) {
        const struct cand *cd = &x->cands[i];
        if (cd->mode != SCHED_IN_PERSON)
            continue;
        size_t base = (size_t)cd->day * x->nslots;
        struct cover_end ends[4];
        int ne = 0;
        bool lodg = x->lodging >= 0;
        ends[ne++] = (struct cover_end){cd->dep, lodg ? cd->day - 1 : -99, -1};
        ends[ne++] = (struct cover_end){cd->ret - 1, lodg ? cd->day : -99, -1};
        if (lodg) {
            ends[ne++] = (struct cover_end){cd->dep_l, cd->day - 1, +1};
            ends[ne++] = (struct cover_end){cd->ret_l - 1, cd->day, +1};
        }
        for (int e = 0; e < ne; e++) {
            int k = ctx_slot_of(x, ends[e].minute);
            if (cd->fixed) /* a booking is a fact: clamp into the day */
                k = k < 0 ? 0 : (k >= x->nslots ? x->nslots - 1 : k);
            /* x [- o | + o - 1] <= a[k] */
            row_begin(b);
            row_put(b, cd->col, 1);
            double rhs = 0;
            if (ends[e].night_day != -99) {
                put_nights(b, ends[e].night_day, ends[e].night_sign);
                if (ends[e].night_sign > 0)
                    rhs = 1;
            }
            if (k >= 0 && k < x->nslots)
                row_put(b, b->acol[base + (size_t)k], -1);
            row_end(b, -SOLVER_INF, rhs);
        }
    }
}

/* A trip day visits every place of its route (so a route is never paid
 * for a day without care, which plans could not show), and on a two-place
 * day the places are visited as blocks in the route's order: the last end
 * at the first place comes before the first start at the second, using
 * first-start f and last-end l per place (minutes of the local day). */
static void build_routes(struct mb *b)
{
    struct sched_ctx *x = b->x;
    const struct sched_case *c = b->c;
    const double M = 24 * 60;
    int fl[MAXP][2];
    for (int d = 0; d < x->ndays && !b->rc; d++) {
        size_t k0 = b->day0[d], k1 = k0 + b->dayn[d];
        for (int p = 0; p < MAXP; p++)
            fl[p][0] = fl[p][1] = -1;
        for (size_t i = b->wday0[d]; i < b->wday0[d] + b->wdayn[d]; i++) {
            const struct tm_route *w = &b->w[i];
            for (int p = 0; p < MAXP && (size_t)p < c->nplaces; p++) {
                if (!(w->mask & (1u << p)))
                    continue;
                row_begin(b); /* w <= sum of x at p on d */
                row_put(b, w->col, 1);
                for (size_t k = k0; k < k1; k++) {
                    const struct cand *cd = cand_at(b, k);
                    if (cd->mode == SCHED_IN_PERSON && cd->place == p)
                        row_put(b, cd->col, -1);
                }
                row_end(b, -SOLVER_INF, 0);
            }
            if (w->first < 0)
                continue;
            int A = w->first, B = -1;
            for (int p = 0; p < MAXP; p++)
                if ((w->mask & (1u << p)) && p != A)
                    B = p;
            int pl[2] = {A, B};
            for (int j = 0; j < 2; j++) {
                int p = pl[j];
                if (fl[p][0] >= 0)
                    continue;
                fl[p][0] = add_col(b, 0, M, 0, false); /* first start at p */
                fl[p][1] = add_col(b, 0, M, 0, false); /* last end at p */
                for (size_t k = k0; k < k1; k++) {
                    const struct cand *cd = cand_at(b, k);
                    if (cd->mode != SCHED_IN_PERSON || cd->place != p)
                        continue;
                    row_begin(b); /* f <= start + M (1 - x) */
                    row_put(b, fl[p][0], 1);
                    row_put(b, cd->col, M - cd->start);
                    row_end(b, -SOLVER_INF, M);
                    row_begin(b); /* l >= end * x */
                    row_put(b, fl[p][1], 1);
                    row_put(b, cd->col, -(double)cd->end);
                    row_end(b, 0, SOLVER_INF);
                }
            }
            row_begin(b); /* l[A] <= f[B] + M (1 - w) */
            row_put(b, fl[A][1], 1);
            row_put(b, fl[B][0], -1);
            row_put(b, w->col, M);
            row_end(b, -SOLVER_INF, M);
        }
    }
}

static int ivl_push(struct ivl **v, size_t *n, size_t *cap, struct ivl e)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        struct ivl *p = realloc(*v, nc * sizeof(*p));
        if (!p)
            return SCHED_ENOMEM;
        *v = p;
        *cap = nc;
    }
    (*v)[(*n)++] = e;
    return 0;
}

/* No overlap (with the minimum gap), home-based visits never inside a trip,
 * and travel time between places. */
static void build_time_rows(struct mb *b)
{
    struct sched_ctx *x = b->x;
    const struct sched_case *c = b->c;
    int mg = c->family.min_gap_minutes;
    struct ivl *iv = NULL;
    size_t n = 0, cap = 0;
    for (int d = 0; d < x->ndays && !b->rc; d++) {
        size_t k0 = b->day0[d], k1 = k0 + b->dayn[d];
        /* R1 */
        n = 0;
        for (size_t k = k0; k < k1; k++) {
            const struct cand *cd = cand_at(b, k);
            if (ivl_push(&iv, &n, &cap, (struct ivl){cd->start, cd->end + mg, cd->col, 0}))
                b->rc = SCHED_ENOMEM;
        }
        clique_rows(b, iv, n, 0);
        /* R2 */
        if (b->wdayn[d]) {
            n = 0;
            bool any_home = false;
            for (size_t k = k0; k < k1; k++) {
                const struct cand *cd = cand_at(b, k);
                if (cd->mode == SCHED_IN_PERSON)
                    continue;
                any_home = true;
                if (ivl_push(&iv, &n, &cap, (struct ivl){cd->start, cd->end, cd->col, 1}))
                    b->rc = SCHED_ENOMEM;
            }
            if (any_home) {
                for (int s = 0; s < x->nslots; s++) {
                    int m0 = x->win0 + s * SCHED_SLOT;
                    if (ivl_push(&iv, &n, &cap,
                                 (struct ivl){m0, m0 + SCHED_SLOT,
                                              b->acol[(size_t)d * x->nslots + s], 2}))
                        b->rc = SCHED_ENOMEM;
                }
                clique_rows(b, iv, n, 1);
            }
        }
        /* R3: for places p != q with drive + parking longer than the gap. */
        unsigned mask = 0;
        for (size_t i = b->wday0[d]; i < b->wday0[d] + b->wdayn[d]; i++)
            mask |= b->w[i].mask;
        if (popcount(mask) < 2)
            continue;
        for (int p = 0; p < MAXP; p++) {
            if (!(mask & (1u << p)))
                continue;
            for (int q = 0; q < MAXP; q++) {
                if (q == p || !(mask & (1u << q)))
                    continue;
                int g = sched_reach(x->c, p, q);
                if (g <= mg)
                    continue;
                n = 0;
                for (size_t k = k0; k < k1; k++) {
                    const struct cand *cd = cand_at(b, k);
                    if (cd->mode != SCHED_IN_PERSON)
                        continue;
                    if (cd->place == q) {
                        if (ivl_push(&iv, &n, &cap,
                                     (struct ivl){cd->start, cd->end + mg, cd->col, 2}))
                            b->rc = SCHED_ENOMEM;
                    } else if (cd->place == p) {
                        if (cd->end - cd->start >= g - 2 * mg) {
                            if (ivl_push(&iv, &n, &cap,
                                         (struct ivl){cd->end + mg, cd->end + g, cd->col, 1}))
                                b->rc = SCHED_ENOMEM;
                            continue;
                        }
                        /* Short visit: its tails could overlap without a
                         * conflict, so pair it with each q start in the tail. */
                        for (size_t j = k0; j < k1; j++) {
                            const struct cand *y = cand_at(b, j);
                            if (y->mode == SCHED_IN_PERSON && y->place == q &&
                                y->start >= cd->end + mg && y->start < cd->end + g) {
                                row_begin(b);
                                row_put(b, cd->col, 1);
                                row_put(b, y->col, 1);
                                row_end(b, -SOLVER_INF, 1);
                            }
                        }
                    }
                }
                clique_rows(b, iv, n, 1);
            }
        }
    }
    free(iv);
}

/* Cumulative chain of a visit's candidates in time order; returns the
 * number of candidates and fills idx (sorted) and cum (columns). */
static size_t chain(struct mb *b, int v, size_t **idx, int **cum)
{
    struct sched_ctx *x = b->x;
    size_t n = x->vcount[v];
    *idx = malloc((n ? n : 1) * sizeof(size_t));
    *cum = malloc((n ? n : 1) * sizeof(int));
    if (!*idx || !*cum) {
        b->rc = SCHED_ENOMEM;
        return 0;
    }
    for (size_t k = 0; k < n; k++)
        (*idx)[k] = x->vfirst[v] + k;
    sort_idx(*idx, n, x->cands);
    for (size_t k = 0; k < n; k++) {
        (*cum)[k] = add_col(b, 0, 1, 0, false);
        row_begin(b); /* cum[k] = cum[k-1] + x[k] */
        row_put(b, (*cum)[k], 1);
        if (k > 0)
            row_put(b, (*cum)[k - 1], -1);
        row_put(b, x->cands[(*idx)[k]].col, -1);
        row_end(b, 0, 0);
    }
    return n;
}

static void build_precedence(struct mb *b)
{
    struct sched_ctx *x = b->x;
    const struct sched_case *c = b->c;
    for (size_t bv = 0; bv < c->nvisits && !b->rc; bv++) {
        for (size_t l = 0; l < c->visits[bv].nbefore; l++) {
            /* visit bv ("A") before visit other ("B") */
            const struct sched_lag *lag = &c->visits[bv].before[l];
            int A = (int)bv, B = lag->visit;
            size_t *ia = NULL, *ib = NULL;
            int *ca = NULL, *cb = NULL;
            size_t na = chain(b, A, &ia, &ca);
            size_t nb = chain(b, B, &ib, &cb);
            if (b->rc)
                goto next;
            if (nb == 0 || (b->restricted && na == 0))
                goto next; /* a check holds only the visits it places */
            /* Min lag: B started by s needs A ended by s - min. */
            size_t ka = 0; /* number of A candidates ending by T (monotone) */
            for (size_t kb = 0; kb < nb; kb++) {
                const struct cand *y = &x->cands[ib[kb]];
                if (kb + 1 < nb && x->cands[ib[kb + 1]].ustart == y->ustart)
                    continue; /* use the last candidate at this start */
                cal_time T = y->ustart - (cal_time)lag->min_gap_minutes * 60;
                while (ka < na && x->cands[ia[ka]].uend <= T)
                    ka++;
                /* Skip when the next distinct B start maps to the same A prefix. */
                size_t nk = kb + 1;
                if (nk < nb) {
                    cal_time T2 = x->cands[ib[nk]].ustart - (cal_time)lag->min_gap_minutes * 60;
                    size_t ka2 = ka;
                    while (ka2 < na && x->cands[ia[ka2]].uend <= T2)
                        ka2++;
                    if (ka2 == ka)
                        continue;
                }
                row_begin(b);
                row_put(b, cb[kb], 1);
                if (ka > 0)
                    row_put(b, ca[ka - 1], -1);
                row_end(b, -SOLVER_INF, 0);
            }
            /* B is never scheduled without A. */
            row_begin(b);
            row_put(b, cb[nb - 1], 1);
            if (na > 0)
                row_put(b, ca[na - 1], -1);
            row_end(b, -SOLVER_INF, 0);
            /* Max lag: if B is scheduled and A ended by T, B started by T + max. */
            if (lag->max_gap_minutes >= 0 && na > 0) {
                size_t kb = 0;
                for (size_t k = 0; k < na; k++) {
                    cal_time T = x->cands[ia[k]].uend + (cal_time)lag->max_gap_minutes * 60;
                    while (kb < nb && x->cands[ib[kb]].ustart <= T)
                        kb++;
                    if (k + 1 < na) {
                        cal_time T2 =
                            x->cands[ia[k + 1]].uend + (cal_time)lag->max_gap_minutes * 60;
                        size_t kb2 = kb;
                        while (kb2 < nb && x->cands[ib[kb2]].ustart <= T2)
                            kb2++;
                        if (kb2 == kb)
                            continue;
                    }
                    row_begin(b); /* cumA[k] + cumB[last] - cumB[kb-1] <= 1 */
                    row_put(b, ca[k], 1);
                    row_put(b, cb[nb - 1], 1);
                    if (kb > 0)
                        row_put(b, cb[kb - 1], -1);
                    row_end(b, -SOLVER_INF, 1);
                }
            }
        next:
            free(ia);
            free(ib);
            free(ca);
            free(cb);
        }
    }
}

static void build_days(struct mb *b)
{
    struct sched_ctx *x = b->x;
    const struct sched_case *c = b->c;
    const struct sched_family *f = &c->family;
    /* same_day_as: once per pair, whichever side (or both) names it (a
     * check has the days decided already). */
    for (size_t v = 0; v < c->nvisits && !b->restricted; v++) {
        int o = c->visits[v].same_day_as;
        if (o < 0 || ((size_t)o < v && c->visits[o].same_day_as == (int)v))
            continue;
        for (int d = 0; d < x->ndays; d++) {
            row_begin(b);
            for (size_t k = x->vfirst[v]; k < x->vfirst[v] + x->vcount[v]; k++)
                if (x->cands[k].day == d)
                    row_put(b, x->cands[k].col, 1);
            for (size_t k = x->vfirst[o]; k < x->vfirst[o] + x->vcount[o]; k++)
                if (x->cands[k].day == d)
                    row_put(b, x->cands[k].col, -1);
            if (b->rn)
                row_end(b, 0, 0);
        }
    }
    /* Daily limits, only where they can bind. */
    bool *seen = calloc(c->nvisits + 1, sizeof(bool));
    if (!seen) {
        b->rc = SCHED_ENOMEM;
        return;
    }
    for (int d = 0; d < x->ndays; d++) {
        size_t k0 = b->day0[d], k1 = k0 + b->dayn[d];
        int nvis = 0, minutes = 0, fixed = 0, fixed_min = 0;
        memset(seen, 0, (c->nvisits + 1) * sizeof(bool));
        for (size_t k = k0; k < k1; k++) {
            const struct cand *cd = cand_at(b, k);
            if (cd->fixed) {
                fixed++;
                if (cd->mode == SCHED_IN_PERSON)
                    fixed_min += cd->end - cd->start;
            }
            if (!seen[cd->visit]) {
                seen[cd->visit] = true;
                nvis++;
                minutes += c->visits[cd->visit].minutes;
            }
        }
        if (f->max_visits_per_day > 0 && nvis > f->max_visits_per_day) {
            row_begin(b);
            for (size_t k = k0; k < k1; k++)
                row_put(b, cand_at(b, k)->col, 1);
            int cap = f->max_visits_per_day > fixed ? f->max_visits_per_day : fixed;
            row_end(b, -SOLVER_INF, cap);
        }
        if (f->max_clinic_minutes_per_day > 0 && minutes > f->max_clinic_minutes_per_day) {
            row_begin(b);
            for (size_t k = k0; k < k1; k++) {
                const struct cand *cd = cand_at(b, k);
                if (cd->mode == SCHED_IN_PERSON)
                    row_put(b, cd->col, cd->end - cd->start);
            }
            int cap = f->max_clinic_minutes_per_day > fixed_min ? f->max_clinic_minutes_per_day
                                                                : fixed_min;
            if (b->rn)
                row_end(b, -SOLVER_INF, cap);
        }
        /* No telehealth or home visit on either side of a night away. */
        if (b->ocol) {
            for (size_t v = 0; v < c->nvisits; v++) {
                for (int side = 0; side < 2; side++) {
                    int night = side == 0 ? d : d - 1;
                    if (night < 0 || night + 1 >= x->ndays)
                        continue;
                    row_begin(b);
                    for (size_t k = x->vfirst[v]; k < x->vfirst[v] + x->vcount[v]; k++) {
                        const struct cand *cd = &x->cands[k];
                        if (cd->day == d && cd->mode != SCHED_IN_PERSON)
                            row_put(b, cd->col, 1);
                    }
                    if (!b->rn)
                        continue;
                    size_t before = b->rn;
                    put_nights(b, night, 1);
                    if (b->rn > before)
                        row_end(b, -SOLVER_INF, 1);
                }
            }
        }
    }
    free(seen);
}

struct tmodel {
    struct mb b;
};

void tm_free(struct tmodel *t)
{
    if (!t)
        return;
    struct mb *b = &t->b;
    solver_model_free(b->m);
    free(b->ucol);
    free(b->w);
    free(b->wday0);
    free(b->wdayn);
    free(b->acol);
    free(b->scol);
    free(b->ocol);
    free(b->bycand);
    free(b->day0);
    free(b->dayn);
    free(b->ri);
    free(b->rv);
    free(t);
}

int tm_build(struct sched_ctx *x, bool restricted, struct tmodel **out)
{
    const struct sched_case *c = x->c;
    struct tmodel *t = calloc(1, sizeof(*t));
    if (!t)
        return SCHED_ENOMEM;
    struct mb *b = &t->b;
    b->x = x;
    b->c = c;
    b->restricted = restricted;
    b->m = solver_model_new();
    size_t nd = (size_t)x->ndays, ns = (size_t)x->nslots;
    b->ucol = calloc(c->nvisits + 1, sizeof(int));
    b->wday0 = calloc(nd, sizeof(size_t));
    b->wdayn = calloc(nd, sizeof(size_t));
    b->acol = malloc(nd * ns * sizeof(int) + 1);
    b->scol = malloc(nd * ns * sizeof(int) + 1);
    b->bycand = malloc((x->ncands + 1) * sizeof(size_t));
    b->day0 = calloc(nd, sizeof(size_t));
    b->dayn = calloc(nd, sizeof(size_t));
    if (!b->m || !b->ucol || !b->wday0 || !b->wdayn || !b->acol || !b->scol || !b->bycand ||
        !b->day0 || !b->dayn) {
        tm_free(t);
        return SCHED_ENOMEM;
    }
    for (size_t i = 0; i < nd * ns; i++)
        b->acol[i] = b->scol[i] = -1;
    for (size_t i = 0; i < x->ncands; i++)
        b->bycand[i] = i;
    sort_idx(b->bycand, x->ncands, x->cands);
    for (size_t k = 0; k < x->ncands; k++) {
        int d = cand_at(b, k)->day;
        if (b->dayn[d]++ == 0)
            b->day0[d] = k;
    }
    build_columns(b);
    build_trips(b);
    build_links(b);
    build_routes(b);
    build_time_rows(b);
    build_precedence(b);
    build_days(b);
    if (b->rc) {
        int rc = b->rc;
        tm_free(t);
        return rc;
    }
    *out = t;
    return SCHED_OK;
}

solver_model *tm_model(struct tmodel *t)
{
    return t->b.m;
}

int tm_night_col(const struct tmodel *t, int day, int place)
{
    return ocol(&t->b, day, place);
}

const struct tm_route *tm_routes(const struct tmodel *t, size_t *n)
{
    *n = t->b.nw;
    return t->b.w;
}

/* ---- solving --------------------------------------------------------------- */

struct prog_bridge {
    const struct sched_options *o;
};

static void on_progress(void *ud, const struct solver_progress *p)
{
    const struct prog_bridge *pb = ud;
    struct sched_progress sp = {
        .elapsed_s = p->elapsed_s,
        .has_incumbent =
            p->incumbent<SOLVER_INF / 2, .incumbent = p->incumbent, .has_bound = p->bound> -
            SOLVER_INF / 2,
        .bound = p->bound};
    pb->o->progress(pb->o->progress_ud, &sp);
}

/* The plan of a solution: chosen candidates, nights, reasons, metrics. */
static int plan_of(const struct tmodel *t, const double *xv, struct sched_plan **out)
{
    const struct mb *b = &t->b;
    const struct sched_ctx *x = b->x;
    const struct sched_case *c = b->c;
    size_t nd = (size_t)x->ndays;
    struct sched_plan *plan = plan_new();
    bool *placed = calloc(c->nvisits + 1, sizeof(bool));
    bool *nights = calloc(nd + 1, sizeof(bool));
    int rc = SCHED_ENOMEM;
    if (!plan || !placed || !nights)
        goto out;
    for (size_t i = 0; i < x->ncands; i++)
        if (xv[x->cands[i].col] > 0.5) {
            if ((rc = plan_add_appt(plan, &x->cands[i])))
                goto out;
            placed[x->cands[i].visit] = true;
        }
    if (b->ocol)
        for (size_t d = 0; d < nd; d++)
            for (size_t p = 0; p < c->nplaces; p++) {
                int oc = b->ocol[d * c->nplaces + p];
                if (oc >= 0 && xv[oc] > 0.5)
                    nights[d] = true;
            }
    if ((rc = sched_explain_all(x, plan, placed)) || (rc = plan_finish_ctx(x, plan, nights)))
        goto out;
    *out = plan;
    plan = NULL;
out:
    sched_plan_free(plan);
    free(placed);
    free(nights);
    return rc;
}

int tm_plan(const struct tmodel *t, const double *xv, struct sched_plan **out)
{
    return plan_of(t, xv, out);
}

int sched_plan_time(struct sched_ctx *x, const struct sched_options *o,
                    const struct sched_plan *baseline, struct sched_plan **out,
                    struct careday_notes *warn, struct careday_error *err)
{
    struct tmodel *t = NULL;
    struct sched_plan *plan = NULL;
    struct solver_result res;
    memset(&res, 0, sizeof res);
    int rc = tm_build(x, false, &t);
    if (rc)
        return careday_fail(err, rc, NULL, 0, NULL, "planning failed: %s",
                            rc == SCHED_ENOMEM ? "out of memory" : "the model could not be built");
    struct solver_params sp;
    solver_params_init(&sp);
    sp.time_limit_s = o->time_limit_s;
    /* Tie-breaks are below 0.01 in total; weights are whole numbers. */
    sp.abs_gap = 0;
    struct prog_bridge pb = {o};
    if (o->progress) {
        sp.progress = on_progress;
        sp.progress_ud = &pb;
        sp.progress_every_s = 1.0;
    }
    rc = solver_solve(t->b.m, &sp, &res);
    if (rc) {
        rc = careday_fail(err, SCHED_ESOLVER, NULL, 0, NULL, "the solver failed: %s",
                          res.message[0] ? res.message : solver_strerror(rc));
        goto done;
    }
    if (!res.x) {
        /* Nothing found in time: hand back the baseline, honestly labelled. */
        rc = baseline ? sched_plan_copy(baseline, &plan) : sched_baseline_ctx(x, &plan);
        if (rc)
            goto fail;
        plan->status = SCHED_STATUS_PARTIAL;
        if (warn)
            careday_notes_add(warn, NULL, 0, NULL,
                              "the solver found no plan within %.0f s; showing the "
                              "one-at-a-time plan instead",
                              o->time_limit_s);
    } else {
        if ((rc = plan_of(t, res.x, &plan)))
            goto fail;
        plan->status = res.outcome == SOLVER_OPTIMAL ? SCHED_STATUS_OPTIMAL : SCHED_STATUS_FEASIBLE;
    }
    plan->objective = plan_objective(x, plan);
    if (plan->status == SCHED_STATUS_OPTIMAL) {
        plan->bound = plan->objective;
    } else {
        plan->bound = res.bound > -SOLVER_INF ? plan_bound_of(x, res.bound) : 0;
        if (plan->bound > plan->objective)
            plan->bound = plan->objective;
    }
    plan->gap = (plan->objective - plan->bound) / fmax(1.0, fabs(plan->objective));
    plan->model_cols = solver_ncols(t->b.m);
    plan->model_rows = solver_nrows(t->b.m);
    *out = plan;
    plan = NULL;
    rc = SCHED_OK;
    goto done;
fail:
    careday_fail(err, rc, NULL, 0, NULL, "planning failed: %s",
                 rc == SCHED_ENOMEM ? "out of memory" : "the model could not be built");
done:
    sched_plan_free(plan);
    solver_result_free(&res);
    tm_free(t);
    return rc;
}
