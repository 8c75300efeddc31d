/*
 * The time-indexed optimisation model. docs/model.md is the formulation;
 * this file follows it section by section, and every row and column gets
 * the name the doc gives it when the model is built for export
 * (sched_time_model), so an exported MPS reads against the doc:
 *
 *   columns   x_<visit>_<mode>_<date>_<hhmm>  a candidate is chosen
 *             u_<visit>                       the visit is unscheduled
 *             y_<visit>_<date>                the visit's day (branching aid)
 *             w_<date>_<place>[_<place2>]     the day's trip route
 *             a_<date>_<hhmm>, s_<date>_<hhmm> away in the slot / trip starts there
 *             o_<date>_<place>                a night at the lodging after the date
 *             f_<date>_<place>, l_<date>_<place>  first start / last end at a place
 *             C_<A>_<B>_<visit>_<i>           cumulative chain for "A before B"
 *
 *   rows      1 assign_, day_      2 overlap_       3 travel_
 *             4 trip_, link_, route_, order_, first_, last_
 *             5 cap_               6 contig_, start_   7 dep_, ret_, depl_, retl_
 *             8 home_              9 chain_, prec_     10 same_
 *             11 limit_            12 night_, nights_, awaynight_
 *
 * Names cost time, so they are only written when exporting.
 */
#include "scheduler/sched_internal.h"
#include "solver/solver.h"
#include "calendars/util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct mb {
    struct sched_ctx *x;
    const struct sched_case *c;
    solver_model *m;
    int rc;
    bool named;         /* give rows and columns their docs/model.md names */
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
    int *dpl;             /* places with in-person candidates on one day, ascending */
    bool *dpl_seen;       /* per place scratch for dpl */
    struct sched_row row; /* row scratch */
};

/* ---- names ------------------------------------------------------------- */

/* "<date>" of day d, "<date>_<hhmm>" of a minute, "<visit>_<mode>_<date>_<hhmm>"
 * of a candidate (the x column's name without "x_"). */
struct tag {
    char s[320];
};

static struct tag tag_day(const struct mb *b, int d)
{
    struct tag t;
    cal_format_date(b->c->horizon_start + d, t.s, sizeof t.s);
    return t;
}

static struct tag tag_minute(const struct mb *b, int d, int minute)
{
    struct tag t = tag_day(b, d);
    size_t n = strlen(t.s);
    int mm = minute < 0 ? 0 : minute;
    snprintf(t.s + n, sizeof t.s - n, "_%02d%02d", mm / 60, mm % 60);
    return t;
}

static struct tag tag_cand(const struct mb *b, const struct cand *k)
{
    struct tag t, m = tag_minute(b, k->day, k->start);
    snprintf(t.s, sizeof t.s, "%.200s_%.12s_%.20s", b->c->visits[k->visit].id,
             sched_mode_name(k->mode), m.s);
    return t;
}

static const char *place_id(const struct mb *b, int p)
{
    return b->c->places[p].id;
}

/* The name of a row or column, formatted only when the model is exported. */
static const char *vname(const struct mb *b, char *buf, size_t n, const char *fmt, va_list ap)
{
    if (!b->named || !fmt)
        return NULL;
    vsnprintf(buf, n, fmt, ap);
    return buf;
}

/* ---- row building -------------------------------------------------------- */

static void row_begin(struct mb *b)
{
    sched_row_clear(&b->row);
}

static void row_put(struct mb *b, int col, double v)
{
    if (!b->rc)
        b->rc = sched_row_put(&b->row, col, v);
}

/* Add the row lo <= (the row put since row_begin) <= hi, named fmt. */
__attribute__((format(printf, 4, 5))) static void row_end(struct mb *b, double lo, double hi,
                                                          const char *fmt, ...)
{
    if (b->rc)
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    const char *name = vname(b, buf, sizeof buf, fmt, ap);
    va_end(ap);
    int r = solver_add_row(b->m, b->row.n, b->row.ri, b->row.rv, lo, hi, name);
    if (r < 0)
        b->rc = r == SOLVER_ENOMEM ? SCHED_ENOMEM : SCHED_ESOLVER;
}

__attribute__((format(printf, 6, 7))) static int
add_col(struct mb *b, double lb, double ub, double obj, bool integer, const char *fmt, ...)
{
    if (b->rc)
        return -1;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    const char *name = vname(b, buf, sizeof buf, fmt, ap);
    va_end(ap);
    int j = solver_add_col(b->m, lb, ub, obj, integer, name);
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

/* Emit one row Σ ≤ 1 per maximal clique of overlapping intervals, named
 * <stem>_<n> with *count counting. When need_kinds is nonzero, a clique is
 * emitted only if it holds kinds 1 and 2. */
static void clique_rows(struct mb *b, const struct ivl *iv, size_t n, int need_kinds,
                        const char *stem, int *count)
{
    if (n < 2 || b->rc)
        return;
    struct ev *e = cal_malloc(2 * n * sizeof(*e));
    size_t *active = cal_malloc(n * sizeof(size_t));
    size_t *pos = cal_malloc(n * sizeof(size_t));
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
                row_end(b, -SOLVER_INF, 1, "%s_%d", stem, (*count)++);
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

int ctx_route_minutes(const struct sched_ctx *x, int p1, int p2)
{
    int cost = ctx_leg_in(x, -1, p1), at = p1;
    if (p2 >= 0) {
        cost += ctx_leg_in(x, p1, p2);
        at = p2;
    }
    return cost + sched_travel(x->c, at, -1);
}

/* The route's name: "<place>" or "<first>_<second>". */
static struct tag tag_route(const struct mb *b, const struct tm_route *w)
{
    struct tag t;
    if (w->p2 < 0)
        snprintf(t.s, sizeof t.s, "%.150s", place_id(b, w->p1));
    else
        snprintf(t.s, sizeof t.s, "%.150s_%.150s", place_id(b, w->p1), place_id(b, w->p2));
    return t;
}

static bool route_has(const struct tm_route *w, int p)
{
    return w->p1 == p || w->p2 == p;
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
    size_t *tmp = cal_malloc(n * sizeof(size_t));
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

/* The one-place route column of a day, -1 none. */
static int wcol(const struct mb *b, int day, int place)
{
    for (size_t i = b->wday0[day]; i < b->wday0[day] + b->wdayn[day]; i++)
        if (b->w[i].p1 == place && b->w[i].p2 < 0)
            return b->w[i].col;
    return -1;
}

/* The places with in-person candidates on day d, ascending, into b->dpl;
 * returns how many. Any number of places: routes are pairs, not masks. */
static int day_places(struct mb *b, int d)
{
    size_t np = b->c->nplaces;
    memset(b->dpl_seen, 0, np * sizeof(bool));
    for (size_t k = b->day0[d]; k < b->day0[d] + b->dayn[d]; k++) {
        const struct cand *cd = cand_at(b, k);
        if (cd->mode == SCHED_IN_PERSON && cd->place >= 0 && (size_t)cd->place < np)
            b->dpl_seen[cd->place] = true;
    }
    int n = 0;
    for (size_t p = 0; p < np; p++)
        if (b->dpl_seen[p])
            b->dpl[n++] = (int)p;
    return n;
}

static int ocol(const struct mb *b, int day, int place)
{
    if (day < 0 || day >= b->x->ndays || !b->ocol)
        return -1;
    return b->ocol[(size_t)day * b->c->nplaces + place];
}

/* ---- building ------------------------------------------------------------ */

/* Columns x[k] per candidate and u[v] per visit; row family 1, assignment:
 * Σ x[k of v] + u[v] = 1 for every visit that has candidates (a visit
 * without any is unscheduled by construction). */
static void build_columns(struct mb *b)
{
    struct sched_ctx *x = b->x;
    const struct sched_case *c = b->c;
    for (size_t i = 0; i < x->ncands; i++) {
        struct cand *k = &x->cands[i];
        k->col = add_col(b, k->fixed ? 1 : 0, 1, k->cost, true, "x_%s", tag_cand(b, k).s);
    }
    for (size_t v = 0; v < c->nvisits; v++) {
        const struct sched_visit *vi = &c->visits[v];
        b->ucol[v] = -1;
        if (vi->booked && !vi->movable)
            continue;
        double pen = c->weights.unscheduled * (vi->priority_factor > 0 ? vi->priority_factor : 1);
        if (x->vcount[v] == 0) {
            /* Nothing to choose: unscheduled by construction, its penalty a
             * constant of the objective. The exported model carries it as
             * u_<visit> fixed at 1, so a solver reading the file finds the
             * objective careday reports (MPS has no portable constant). */
            if (b->named)
                add_col(b, 1, 1, pen, false, "u_%s", vi->id);
            continue;
        }
        b->ucol[v] = add_col(b, 0, b->restricted ? 0 : 1, pen, false, "u_%s", vi->id);
        row_begin(b);
        for (size_t k = x->vfirst[v]; k < x->vfirst[v] + x->vcount[v]; k++)
            row_put(b, x->cands[k].col, 1);
        row_put(b, b->ucol[v], 1);
        row_end(b, 1, 1, "assign_%s", vi->id);
    }
}

/* Row family 5, what one trip day can hold, times the day's trip variables. These rows
 * are implied by the integer model, but without them the LP spreads visits
 * thinly over many days and believes each day is barely used. The in-person
 * visits of a day, with their gaps, fit in the longest free run of away
 * slots less the shortest drive there and back; and the daily limits apply
 * to them. */
static void build_day_capacity(struct mb *b, int d, int nplaces_day)
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
    int span = ctx_day_span(x, longest, b->dpl, nplaces_day);
    bool any_fixed = false;
    for (size_t k = b->day0[d]; k < b->day0[d] + b->dayn[d]; k++)
        any_fixed |= cand_at(b, k)->fixed;
    if (any_fixed)
        return; /* bookings are facts and may exceed what a day "can" hold */
    static const char *const what[3] = {"span", "minutes", "visits"};
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
        row_end(b, -SOLVER_INF, 0, "cap_%s_%s", tag_day(b, d).s, what[kind]);
    }
}

static void push_route(struct mb *b, int d, int p1, int p2)
{
    const struct sched_case *c = b->c;
    if (cal_grow(&b->w, &b->wcap, b->nw + 1, sizeof *b->w)) {
        b->rc = SCHED_ENOMEM;
        return;
    }
    struct tm_route *w = &b->w[b->nw];
    *w = (struct tm_route){d, p1, p2, -1};
    double cost = c->weights.trip + c->weights.travel_minute * ctx_route_minutes(b->x, p1, p2);
    w->col = add_col(b, 0, 1, cost, true, "w_%s_%s", tag_day(b, d).s, tag_route(b, w).s);
    b->nw++;
    b->wdayn[d]++;
}

/* Route columns w[d,R] of a day with in-person candidates at the n places
 * of b->dpl: every place alone, every pair in both orders. A day's clinics
 * are visited as blocks (rows "order_"), so the route cost is exact. The
 * columns come in a fixed order: by the higher place descending, its pairs
 * with lower places (lower one first, then higher one first), then the
 * higher place alone. */
static void build_route_columns(struct mb *b, int d, int n)
{
    for (int j = n - 1; j >= 0 && !b->rc; j--) {
        for (int i = j - 1; i >= 0; i--) {
            push_route(b, d, b->dpl[i], b->dpl[j]);
            push_route(b, d, b->dpl[j], b->dpl[i]);
        }
        push_route(b, d, b->dpl[j], -1);
    }
}

/* Row family 6, one away interval a day: a[d,t] - a[d,t-1] <= s[d,t] and
 * Σ_t s[d,t] <= Σ_R w[d,R]; then family 4's Σ_R w[d,R] <= 1. */
static void build_away_interval(struct mb *b, int d)
{
    struct sched_ctx *x = b->x;
    size_t base = (size_t)d * x->nslots;
    for (int k = 0; k < x->nslots; k++) {
        bool bl = x->blocked[base + k];
        struct tag t = tag_minute(b, d, x->win0 + k * SCHED_SLOT);
        b->acol[base + k] = add_col(b, 0, bl ? 0 : 1, 0, false, "a_%s", t.s);
        b->scol[base + k] = add_col(b, 0, 1, 0, false, "s_%s", t.s);
    }
    for (int k = 0; k < x->nslots; k++) {
        row_begin(b);
        row_put(b, b->acol[base + k], 1);
        if (k > 0)
            row_put(b, b->acol[base + k - 1], -1);
        row_put(b, b->scol[base + k], -1);
        row_end(b, -SOLVER_INF, 0, "contig_%s", tag_minute(b, d, x->win0 + k * SCHED_SLOT).s);
    }
    row_begin(b);
    for (int k = 0; k < x->nslots; k++)
        row_put(b, b->scol[base + k], 1);
    for (size_t i = b->wday0[d]; i < b->wday0[d] + b->wdayn[d]; i++)
        row_put(b, b->w[i].col, -1);
    row_end(b, -SOLVER_INF, 0, "start_%s", tag_day(b, d).s);
    row_begin(b);
    for (size_t i = b->wday0[d]; i < b->wday0[d] + b->wdayn[d]; i++)
        row_put(b, b->w[i].col, 1);
    row_end(b, -SOLVER_INF, 1, "trip_%s", tag_day(b, d).s);
}

/* Row family 12 (columns and linking): a night at the lodging between two
 * trip days to the same place, o[d,p] <= w[d,{p}] and o[d,p] <= w[d+1,{p}];
 * at most max_nights nights in any max_nights + 1 in a row. */
static void build_nights(struct mb *b)
{
    struct sched_ctx *x = b->x;
    const struct sched_case *c = b->c;
    size_t np = c->nplaces;
    b->ocol = cal_malloc((size_t)x->ndays * np * sizeof(int) + 1);
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
        for (size_t p = 0; p < np; p++) {
            int w0 = wcol(b, d, (int)p), w1 = wcol(b, d + 1, (int)p);
            if (w0 < 0 || w1 < 0)
                continue;
            int L = x->lodging, pp = (int)p;
            double saved = sched_travel(c, pp, L) + sched_travel(c, L, pp) -
                           sched_travel(c, pp, -1) - sched_travel(c, -1, pp);
            double cost = c->weights.overnight + c->weights.travel_minute * saved;
            struct tag t = tag_day(b, d);
            int o = add_col(b, 0, 1, cost, true, "o_%s_%s", t.s, place_id(b, pp));
            b->ocol[(size_t)d * np + p] = o;
            row_begin(b);
            row_put(b, o, 1);
            row_put(b, w0, -1);
            row_end(b, -SOLVER_INF, 0, "night_%s_%s_first", t.s, place_id(b, pp));
            row_begin(b);
            row_put(b, o, 1);
            row_put(b, w1, -1);
            row_end(b, -SOLVER_INF, 0, "night_%s_%s_second", t.s, place_id(b, pp));
        }
    }
    int mn = c->family.max_nights;
    for (int d = 0; d + mn < x->ndays - 1; d++) {
        row_begin(b);
        for (int e = d; e <= d + mn; e++)
            for (size_t p = 0; p < np; p++)
                row_put(b, ocol(b, e, (int)p), 1);
        if (b->row.n > (size_t)mn)
            row_end(b, -SOLVER_INF, mn, "nights_%s", tag_day(b, d).s);
    }
}

/* Trip days: per day the route columns, the away interval (family 6), one
 * trip (family 4) and the day's capacity (family 5); then the nights. */
static void build_trips(struct mb *b)
{
    struct sched_ctx *x = b->x;
    for (int d = 0; d < x->ndays && !b->rc; d++) {
        b->wday0[d] = b->nw;
        b->wdayn[d] = 0;
        int n = day_places(b, d);
        if (n == 0)
            continue;
        build_route_columns(b, d, n);
        build_away_interval(b, d);
        build_day_capacity(b, d, n);
    }
    if (x->lodging >= 0 && !b->rc)
        build_nights(b);
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

/* Row family 1, the day choice: y[v,d] = Σ x[k of v on d], binary. Start
 * times within a day are mostly interchangeable; branching on the day of a
 * visit splits the search where it matters (a generated case went from over
 * 60 s to 6 s). */
static void build_day_choice(struct mb *b)
{
    struct sched_ctx *x = b->x;
    const struct sched_case *c = b->c;
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
            if (!b->row.n || fixed)
                continue;
            struct tag t = tag_day(b, d);
            int y = add_col(b, 0, 1, 0, true, "y_%s_%s", c->visits[v].id, t.s);
            row_put(b, y, -1);
            row_end(b, 0, 0, "day_%s_%s", c->visits[v].id, t.s);
        }
    }
}

/* Row family 4, trip linking per visit: Σ x[k of v on d at p] <= Σ_{R ∋ p}
 * w[d,R]. */
static void build_trip_links(struct mb *b)
{
    struct sched_ctx *x = b->x;
    const struct sched_case *c = b->c;
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
            if (!b->row.n)
                continue;
            for (size_t i = b->wday0[d]; i < b->wday0[d] + b->wdayn[d]; i++)
                if (route_has(&b->w[i], place))
                    row_put(b, b->w[i].col, -1);
            row_end(b, -SOLVER_INF, 0, "link_%s_%s", c->visits[v].id, tag_day(b, d).s);
        }
    }
}

/* Row family 7, departure and return are away: the away interval holds
 * them, x <= a[d, slot(departure)] + o[d-1,.] and x <= a[d, slot(return -
 * 1)] + o[d,.]; with a night at the lodging before (after), the lodging leg
 * applies instead: x + o - 1 <= a. */
static void build_departures(struct mb *b)
{
    struct sched_ctx *x = b->x;
    static const char *const end_name[4] = {"dep", "ret", "depl", "retl"};
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
            row_end(b, -SOLVER_INF, rhs, "%s_%s", end_name[e], tag_cand(b, cd).s);
        }
    }
}

/* Row family 4, routes are real: a trip day visits every place of its
 * route, w[d,R] <= Σ in-person x at p on d (a route is never paid for a day
 * without care, which plans could not show); on a two-place day the places
 * are visited as blocks in the route's order, l[d,A] <= f[d,B] + M (1 -
 * w[d,R]), with first start f <= start + M (1 - x) and last end l >= end x
 * per candidate at the place (minutes of the local day). */
static void build_routes(struct mb *b)
{
    struct sched_ctx *x = b->x;
    size_t np = b->c->nplaces;
    const double M = 24 * 60;
    int *fl = cal_malloc((2 * np + 1) * sizeof(int)); /* f and l per place of the day */
    if (!fl) {
        b->rc = SCHED_ENOMEM;
        return;
    }
    for (int d = 0; d < x->ndays && !b->rc; d++) {
        size_t k0 = b->day0[d], k1 = k0 + b->dayn[d];
        struct tag day = tag_day(b, d);
        for (size_t p = 0; p < 2 * np; p++)
            fl[p] = -1;
        for (size_t i = b->wday0[d]; i < b->wday0[d] + b->wdayn[d]; i++) {
            const struct tm_route *w = &b->w[i];
            struct tag route = tag_route(b, w);
            int lo = w->p2 < 0 || w->p1 < w->p2 ? w->p1 : w->p2;
            int hi = w->p2 < 0 ? -1 : (w->p1 < w->p2 ? w->p2 : w->p1);
            int both[2] = {lo, hi};
            for (int j = 0; j < 2 && both[j] >= 0; j++) {
                int p = both[j];
                row_begin(b);
                row_put(b, w->col, 1);
                for (size_t k = k0; k < k1; k++) {
                    const struct cand *cd = cand_at(b, k);
                    if (cd->mode == SCHED_IN_PERSON && cd->place == p)
                        row_put(b, cd->col, -1);
                }
                row_end(b, -SOLVER_INF, 0, "route_%s_%s_%s", day.s, route.s, place_id(b, p));
            }
            if (w->p2 < 0)
                continue;
            int A = w->p1, B = w->p2;
            int pl[2] = {A, B};
            for (int j = 0; j < 2; j++) {
                int p = pl[j];
                if (fl[2 * p] >= 0)
                    continue;
                fl[2 * p] = add_col(b, 0, M, 0, false, "f_%s_%s", day.s, place_id(b, p));
                fl[2 * p + 1] = add_col(b, 0, M, 0, false, "l_%s_%s", day.s, place_id(b, p));
                for (size_t k = k0; k < k1; k++) {
                    const struct cand *cd = cand_at(b, k);
                    if (cd->mode != SCHED_IN_PERSON || cd->place != p)
                        continue;
                    row_begin(b);
                    row_put(b, fl[2 * p], 1);
                    row_put(b, cd->col, M - cd->start);
                    row_end(b, -SOLVER_INF, M, "first_%s", tag_cand(b, cd).s);
                    row_begin(b);
                    row_put(b, fl[2 * p + 1], 1);
                    row_put(b, cd->col, -(double)cd->end);
                    row_end(b, 0, SOLVER_INF, "last_%s", tag_cand(b, cd).s);
                }
            }
            row_begin(b);
            row_put(b, fl[2 * A + 1], 1);
            row_put(b, fl[2 * B], -1);
            row_put(b, w->col, M);
            row_end(b, -SOLVER_INF, M, "order_%s_%s", day.s, route.s);
        }
    }
    free(fl);
}

static int ivl_push(struct ivl **v, size_t *n, size_t *cap, struct ivl e)
{
    if (cal_grow(v, cap, *n + 1, sizeof **v))
        return SCHED_ENOMEM;
    (*v)[(*n)++] = e;
    return 0;
}

/* Interval scratch shared by the clique families. */
struct ivls {
    struct ivl *v;
    size_t n, cap;
};

static void ivls_push(struct mb *b, struct ivls *s, int start, int end, int col, int kind)
{
    if (ivl_push(&s->v, &s->n, &s->cap, (struct ivl){start, end, col, kind}))
        b->rc = SCHED_ENOMEM;
}

/* Row family 2, no overlap with the minimum gap: one row Σ x <= 1 per
 * maximal clique of the candidates' [start, end + gap) on day d. */
static void build_overlap(struct mb *b, int d, struct ivls *s)
{
    int mg = b->c->family.min_gap_minutes;
    s->n = 0;
    for (size_t k = b->day0[d]; k < b->day0[d] + b->dayn[d]; k++) {
        const struct cand *cd = cand_at(b, k);
        ivls_push(b, s, cd->start, cd->end + mg, cd->col, 0);
    }
    char stem[64];
    snprintf(stem, sizeof stem, "overlap_%.16s", tag_day(b, d).s);
    int count = 0;
    clique_rows(b, s->v, s->n, 0, stem, &count);
}

/* Row family 8, nothing at home during a trip: cliques of home-mode
 * candidates' [start, end) with the away slots of day d. */
static void build_home_during_trip(struct mb *b, int d, struct ivls *s)
{
    struct sched_ctx *x = b->x;
    if (!b->wdayn[d])
        return;
    s->n = 0;
    bool any_home = false;
    for (size_t k = b->day0[d]; k < b->day0[d] + b->dayn[d]; k++) {
        const struct cand *cd = cand_at(b, k);
        if (cd->mode == SCHED_IN_PERSON)
            continue;
        any_home = true;
        ivls_push(b, s, cd->start, cd->end, cd->col, 1);
    }
    if (!any_home)
        return;
    for (int t = 0; t < x->nslots; t++) {
        int m0 = x->win0 + t * SCHED_SLOT;
        ivls_push(b, s, m0, m0 + SCHED_SLOT, b->acol[(size_t)d * x->nslots + t], 2);
    }
    char stem[64];
    snprintf(stem, sizeof stem, "home_%.16s", tag_day(b, d).s);
    int count = 0;
    clique_rows(b, s->v, s->n, 1, stem, &count);
}

/* Row family 3, travel between places p != q of day d whose drive +
 * parking g is longer than the gap: cliques of p-candidates' tails
 * [end + gap, end + g) with q-candidates' [start, end + gap); p-candidates
 * shorter than g - 2 gap get pairwise rows with each q start in the tail. */
static void build_travel(struct mb *b, int d, struct ivls *s)
{
    struct sched_ctx *x = b->x;
    int mg = b->c->family.min_gap_minutes;
    size_t k0 = b->day0[d], k1 = k0 + b->dayn[d];
    int n = b->wdayn[d] ? day_places(b, d) : 0;
    for (int i = 0; i < n && n >= 2; i++) {
        int p = b->dpl[i];
        for (int j = 0; j < n; j++) {
            int q = b->dpl[j];
            if (q == p)
                continue;
            int g = sched_reach(x->c, p, q);
            if (g <= mg)
                continue;
            char stem[400];
            snprintf(stem, sizeof stem, "travel_%.16s_%.150s_%.150s", tag_day(b, d).s,
                     place_id(b, p), place_id(b, q));
            int count = 0;
            s->n = 0;
            for (size_t k = k0; k < k1; k++) {
                const struct cand *cd = cand_at(b, k);
                if (cd->mode != SCHED_IN_PERSON)
                    continue;
                if (cd->place == q) {
                    ivls_push(b, s, cd->start, cd->end + mg, cd->col, 2);
                } else if (cd->place == p) {
                    if (cd->end - cd->start >= g - 2 * mg) {
                        ivls_push(b, s, cd->end + mg, cd->end + g, cd->col, 1);
                        continue;
                    }
                    for (size_t jj = k0; jj < k1; jj++) {
                        const struct cand *y = cand_at(b, jj);
                        if (y->mode == SCHED_IN_PERSON && y->place == q &&
                            y->start >= cd->end + mg && y->start < cd->end + g) {
                            row_begin(b);
                            row_put(b, cd->col, 1);
                            row_put(b, y->col, 1);
                            row_end(b, -SOLVER_INF, 1, "%s_%d", stem, count++);
                        }
                    }
                }
            }
            clique_rows(b, s->v, s->n, 1, stem, &count);
        }
    }
}

/* The clique families, day by day: 2, 8 and 3. */
static void build_time_rows(struct mb *b)
{
    struct ivls s = {NULL, 0, 0};
    for (int d = 0; d < b->x->ndays && !b->rc; d++) {
        build_overlap(b, d, &s);
        build_home_during_trip(b, d, &s);
        build_travel(b, d, &s);
    }
    free(s.v);
}

/* Cumulative chain of a visit's candidates in time order, for the rule
 * "pair" (<A>_<B>): C[v,i] = C[v,i-1] + x[i]; returns the number of
 * candidates and fills idx (sorted) and cum (columns). */
static size_t chain(struct mb *b, const char *pair, int v, size_t **idx, int **cum)
{
    const char *vid = b->c->visits[v].id;
    struct sched_ctx *x = b->x;
    size_t n = x->vcount[v];
    *idx = cal_malloc((n ? n : 1) * sizeof(size_t));
    *cum = cal_malloc((n ? n : 1) * sizeof(int));
    if (!*idx || !*cum) {
        b->rc = SCHED_ENOMEM;
        return 0;
    }
    for (size_t k = 0; k < n; k++)
        (*idx)[k] = x->vfirst[v] + k;
    sort_idx(*idx, n, x->cands);
    for (size_t k = 0; k < n; k++) {
        (*cum)[k] = add_col(b, 0, 1, 0, false, "C_%s_%s_%zu", pair, vid, k);
        row_begin(b);
        row_put(b, (*cum)[k], 1);
        if (k > 0)
            row_put(b, (*cum)[k - 1], -1);
        row_put(b, x->cands[(*idx)[k]].col, -1);
        row_end(b, 0, 0, "chain_%s_%s_%zu", pair, vid, k);
    }
    return n;
}

/* Row family 9, precedence ("A before B" with lags L1, L2) on cumulative
 * chains, exact in minutes: min lag C[B,i] <= C[A, last A ending by
 * start_i - L1] (prec_min_), never B without A C[B,last] <= C[A,last]
 * (prec_never_), max lag C[A,i] + C[B,last] - C[B, last B starting by
 * end_i + L2] <= 1 (prec_max_). */
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
            char pair[420];
            snprintf(pair, sizeof pair, "%.200s_%.200s", c->visits[A].id, c->visits[B].id);
            size_t na = chain(b, pair, A, &ia, &ca);
            size_t nb = chain(b, pair, B, &ib, &cb);
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
                row_end(b, -SOLVER_INF, 0, "prec_min_%s_%zu", pair, kb);
            }
            /* B is never scheduled without A. */
            row_begin(b);
            row_put(b, cb[nb - 1], 1);
            if (na > 0)
                row_put(b, ca[na - 1], -1);
            row_end(b, -SOLVER_INF, 0, "prec_never_%s", pair);
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
                    row_begin(b);
                    row_put(b, ca[k], 1);
                    row_put(b, cb[nb - 1], 1);
                    if (kb > 0)
                        row_put(b, cb[kb - 1], -1);
                    row_end(b, -SOLVER_INF, 1, "prec_max_%s_%zu", pair, k);
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

/* Row family 10, same_day_as: Σ x[A on d] = Σ x[B on d] for each day, once
 * per pair, whichever side (or both) names it (a check has the days decided
 * already). */
static void build_same_day(struct mb *b)
{
    struct sched_ctx *x = b->x;
    const struct sched_case *c = b->c;
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
            if (b->row.n)
                row_end(b, 0, 0, "same_%s_%s_%s", c->visits[v].id, c->visits[o].id,
                        tag_day(b, d).s);
        }
    }
}

/* Row families 11 and 12, per day: the daily limits where they can bind
 * (limit_), and no telehealth or home visit on either side of a night away
 * (awaynight_). */
static void build_days(struct mb *b)
{
    struct sched_ctx *x = b->x;
    const struct sched_case *c = b->c;
    const struct sched_family *f = &c->family;
    bool *seen = cal_calloc(c->nvisits + 1, sizeof(bool));
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
            row_end(b, -SOLVER_INF, cap, "limit_%s_visits", tag_day(b, d).s);
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
            if (b->row.n)
                row_end(b, -SOLVER_INF, cap, "limit_%s_minutes", tag_day(b, d).s);
        }
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
                    if (!b->row.n)
                        continue;
                    size_t before = b->row.n;
                    put_nights(b, night, 1);
                    if (b->row.n > before)
                        row_end(b, -SOLVER_INF, 1, "awaynight_%s_%s_%s", c->visits[v].id,
                                tag_day(b, d).s, side == 0 ? "before" : "after");
                }
            }
        }
    }
    free(seen);
}

/* ---- the model as a whole ------------------------------------------------ */

static void mb_free(struct mb *b)
{
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
    free(b->dpl);
    free(b->dpl_seen);
    sched_row_free(&b->row);
    memset(b, 0, sizeof(*b));
}

/* Build the time-indexed model over the candidates of x into b (freed with
 * mb_free, also on failure). restricted: see tm_build. named: give every
 * row and column its docs/model.md name. The families are emitted in a fixed order that the
 * solver's search depends on; changing it changes which of several optimal
 * plans comes out. */
static int build_model(struct mb *b, struct sched_ctx *x, bool restricted, bool named)
{
    const struct sched_case *c = x->c;
    memset(b, 0, sizeof(*b));
    b->x = x;
    b->c = c;
    b->restricted = restricted;
    b->named = named;
    b->m = solver_model_new();
    size_t nd = (size_t)x->ndays, ns = (size_t)x->nslots;
    b->ucol = cal_calloc(c->nvisits + 1, sizeof(int));
    b->wday0 = cal_calloc(nd, sizeof(size_t));
    b->wdayn = cal_calloc(nd, sizeof(size_t));
    b->acol = cal_malloc(nd * ns * sizeof(int) + 1);
    b->scol = cal_malloc(nd * ns * sizeof(int) + 1);
    b->bycand = cal_malloc((x->ncands + 1) * sizeof(size_t));
    b->day0 = cal_calloc(nd, sizeof(size_t));
    b->dayn = cal_calloc(nd, sizeof(size_t));
    b->dpl = cal_malloc((c->nplaces + 1) * sizeof(int));
    b->dpl_seen = cal_malloc((c->nplaces + 1) * sizeof(bool));
    if (!b->m || !b->ucol || !b->wday0 || !b->wdayn || !b->acol || !b->scol || !b->bycand ||
        !b->day0 || !b->dayn || !b->dpl || !b->dpl_seen)
        return SCHED_ENOMEM;
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

    build_columns(b);    /* x, u; family 1 assignment */
    build_trips(b);      /* w, a, s, o; families 4 (trip), 5, 6, 12 (nights) */
    build_day_choice(b); /* y; family 1 day choice */
    build_trip_links(b); /* family 4 links */
    build_departures(b); /* family 7 */
    build_routes(b);     /* f, l; family 4 routes and order */
    build_time_rows(b);  /* families 2, 8, 3 */
    build_precedence(b); /* C; family 9 */
    build_same_day(b);   /* family 10 */
    build_days(b);       /* families 11, 12 (no home visit around a night) */
    return b->rc;
}

struct tmodel {
    struct mb b;
};

void tm_free(struct tmodel *t)
{
    if (!t)
        return;
    mb_free(&t->b);
    free(t);
}

int tm_build(struct sched_ctx *x, bool restricted, struct tmodel **out)
{
    struct tmodel *t = cal_calloc(1, sizeof(*t));
    if (!t)
        return SCHED_ENOMEM;
    int rc = build_model(&t->b, x, restricted, false);
    if (rc) {
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

int sched_time_model(const struct sched_case *c, solver_model **out, struct careday_error *err)
{
    struct sched_ctx x;
    int rc = ctx_for_case(&x, c, err);
    if (rc)
        return rc;
    struct mb b;
    rc = build_model(&b, &x, false, true);
    if (rc == SCHED_OK) {
        *out = b.m;
        b.m = NULL;
    } else {
        careday_fail(err, rc, NULL, 0, NULL, "the model could not be built: %s",
                     rc == SCHED_ENOMEM ? "out of memory" : "invalid model data");
    }
    mb_free(&b);
    ctx_free(&x);
    return rc;
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
    bool *placed = cal_calloc(c->nvisits + 1, sizeof(bool));
    bool *nights = cal_calloc(nd + 1, sizeof(bool));
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
        rc = careday_fail(err, rc == SOLVER_ENOMEM ? SCHED_ENOMEM : SCHED_ESOLVER, NULL, 0, NULL,
                          "the solver failed: %s",
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
