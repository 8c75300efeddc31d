/*
 * A lower bound on how many visits a batch must leave out, from the
 * providers' time alone (docs/batch.md, "Bound and gap").
 *
 * Every plan places a visit at one of its candidates (its own case's
 * feasible starts). Per provider, a linear programme places visits
 * fractionally on the day their candidate starts (UTC days), with the
 * minutes started on a day bounded by capacity times the provider's open
 * minutes from that day's start until the longest such visit could end.
 * Its optimum is at least the weighted number of visits any plan places, so
 * the weighted count of visits left out is at least the total minus it.
 */
#include "scheduler/sched_internal.h"
#include "solver/solver.h"
#include "calendars/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DAY_S 86400

struct bvisit {
    int g; /* batch-wide provider */
    int minutes;
    int factor;    /* priority factor */
    bool fixed;    /* a fixed booking: always there, consumes time */
    int64_t day0;  /* UTC day of its first candidate start */
    uint64_t days; /* bit k: a candidate starts on UTC day day0 + k (k < 64) */
    bool wide;     /* candidates span more than 64 days: no day rows for it */
    size_t fam;
};

static int64_t utc_day(cal_time t)
{
    return (int64_t)(t >= 0 ? t / DAY_S : -((-t + DAY_S - 1) / DAY_S));
}

/* Open minutes of provider p of case c (all modes together) in [a, b). */
static double open_minutes(const struct sched_case *c, size_t p, cal_time a, cal_time b)
{
    struct cal_set all = {0}, win = {0}, in = {0};
    double m = 0;
    for (int k = 0; k < SCHED_NMODES; k++)
        if (c->providers[p].mode[k].offered && cal_set_add_set(&all, &c->providers[p].mode[k].free))
            goto done;
    if (cal_set_add(&win, a, b) || cal_set_intersect(&in, &all, &win))
        goto done;
    m = (double)cal_set_measure(&in) / 60.0;
done:
    cal_set_free(&all);
    cal_set_free(&win);
    cal_set_free(&in);
    return m;
}

/* Long on purpose: one LP per provider, built and solved in a loop whose steps (supply, columns,
 * day rows, week rows) share the column map built just before them. */
int batch_capacity_bound(const sched_batch *b, const bool *active, struct batch_forced *bf,
                         double *out)
{
    size_t n = sched_batch_ncases(b), np = sched_batch_nproviders(b);
    struct bvisit *v = NULL;
    size_t nv = 0, cap = 0;
    double total = 0, placed = 0, never = 0;
    int rc = SCHED_OK;

    for (size_t f = 0; f < n && !rc; f++) {
        if (active && !active[f])
            continue;
        const struct sched_case *c = sched_batch_case(b, f);
        struct sched_ctx x;
        if ((rc = ctx_init(&x, c)))
            break;
        for (size_t i = 0; i < c->nvisits; i++) {
            const struct sched_visit *w = &c->visits[i];
            int factor = w->priority_factor > 0 ? w->priority_factor : 1;
            if (x.vcount[i] == 0) {
                if (!(w->booked && !w->movable))
                    never += factor; /* left out by every plan */
                continue;
            }
            if (nv == cap) {
                size_t nc = cap ? cap * 2 : 1024;
                struct bvisit *q = cal_realloc(v, nc * sizeof *q);
                if (!q) {
                    rc = SCHED_ENOMEM;
                    break;
                }
                v = q;
                cap = nc;
            }
            struct bvisit *bv = &v[nv++];
            memset(bv, 0, sizeof *bv);
            bv->g = sched_batch_provider_of(b, f, (size_t)w->provider);
            bv->minutes = w->minutes;
            bv->factor = factor;
            bv->fixed = w->booked && !w->movable;
            bv->fam = f;
            const struct cand *k0 = &x.cands[x.vfirst[i]];
            bv->day0 = utc_day(k0->ustart);
            for (size_t k = 0; k < x.vcount[i]; k++) {
                int64_t d = utc_day(x.cands[x.vfirst[i] + k].ustart);
                if (d < bv->day0) {
                    /* candidates are grouped by mode: re-base */
                    int64_t shift = bv->day0 - d;
                    bv->days = shift >= 64 ? 0 : bv->days << shift;
                    if (shift >= 64)
                        bv->wide = true;
                    bv->day0 = d;
                }
                if (d - bv->day0 >= 64)
                    bv->wide = true;
                else
                    bv->days |= 1ull << (d - bv->day0);
            }
            if (!bv->fixed)
                total += factor;
        }
        ctx_free(&x);
    }

    /* One LP per provider. */
    for (size_t g = 0; g < np && !rc; g++) {
        double placed0 = placed;
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        int maxmin = 0;
        size_t count = 0;
        for (size_t i = 0; i < nv; i++)
            if (v[i].g == (int)g) {
                count++;
                if (v[i].day0 < lo)
                    lo = v[i].day0;
                if (v[i].day0 + 63 > hi)
                    hi = v[i].day0 + 63;
                if (v[i].minutes > maxmin)
                    maxmin = v[i].minutes;
            }
        if (count == 0)
            continue;
        size_t nd = (size_t)(hi - lo + 1);
        double *supply = cal_calloc(nd, sizeof *supply);
        int *row = cal_calloc(nd, sizeof *row);
        int *cols = cal_malloc((count + 65) * sizeof *cols);
        double *vals = cal_malloc((count + 65) * sizeof *vals);
        bool *used = cal_calloc(nd, sizeof *used);
        solver_model *m = solver_model_new();
        if (!supply || !row || !cols || !vals || !used || !m) {
            rc = SCHED_ENOMEM;
            goto next;
        }
        for (size_t i = 0; i < nv; i++)
            if (v[i].g == (int)g && !v[i].wide)
                for (int k = 0; k < 64; k++)
                    if (v[i].days >> k & 1)
                        used[v[i].day0 + k - lo] = true;
        /* Supply: the most open minutes any case gives the provider there
         * (cases agree where their horizons meet). */
        for (size_t d = 0; d < nd; d++) {
            if (!used[d])
                continue;
            cal_time a = (cal_time)(lo + (int64_t)d) * DAY_S, e = a + DAY_S + maxmin * 60;
            double best = 0;
            for (size_t f = 0; f < n; f++) {
                if (active && !active[f])
                    continue;
                const struct sched_case *c = sched_batch_case(b, f);
                for (size_t p = 0; p < c->nproviders; p++)
                    if (sched_batch_provider_of(b, f, p) == (int)g) {
                        double om = open_minutes(c, p, a, e);
                        if (om > best)
                            best = om;
                    }
            }
            supply[d] = best * sched_batch_capacity(b, g);
        }
        /* Columns x[visit, day]; fixed bookings only take their minutes. */
        size_t ncols = 0;
        for (size_t i = 0; i < nv && !rc; i++) {
            if (v[i].g != (int)g || v[i].wide)
                continue;
            size_t nk = 0;
            for (int k = 0; k < 64; k++) {
                if (!(v[i].days >> k & 1))
                    continue;
                size_t d = (size_t)(v[i].day0 + k - lo);
                if (v[i].fixed) {
                    supply[d] -= v[i].minutes;
                    break;
                }
                int col = solver_add_col(m, 0, 1, -(double)v[i].factor, false, NULL);
                if (col < 0) {
                    rc = SCHED_ENOMEM;
                    break;
                }
                cols[nk] = col;
                vals[nk++] = 1;
                ncols++;
            }
            if (!rc && nk > 0 && solver_add_row(m, nk, cols, vals, -SOLVER_INF, 1, NULL) < 0)
                rc = SCHED_ENOMEM;
        }
        /* Wide visits (candidates over more than 64 days) are counted as
         * placed: that only weakens the bound. */
        for (size_t i = 0; i < nv; i++)
            if (v[i].g == (int)g && v[i].wide && !v[i].fixed)
                placed += v[i].factor;
        if (rc || ncols == 0)
            goto next;
        /* Day rows: the columns were added visit by visit, day by day. */
        for (size_t d = 0; d < nd && !rc; d++) {
            if (!used[d])
                continue;
            size_t nk = 0;
            int col = 0;
            for (size_t i = 0; i < nv; i++) {
                if (v[i].g != (int)g || v[i].wide || v[i].fixed)
                    continue;
                for (int k = 0; k < 64; k++) {
                    if (!(v[i].days >> k & 1))
                        continue;
                    if ((size_t)(v[i].day0 + k - lo) == d) {
                        cols[nk] = col;
                        vals[nk++] = v[i].minutes;
                    }
                    col++;
                }
            }
            if (nk > 0 && solver_add_row(m, nk, cols, vals, -SOLVER_INF,
                                         supply[d] > 0 ? supply[d] : 0, NULL) < 0)
                rc = SCHED_ENOMEM;
        }
        if (!rc) {
            struct solver_params sp;
            struct solver_result res;
            solver_params_init(&sp);
            sp.time_limit_s = 30;
            memset(&res, 0, sizeof res);
            if (solver_solve(m, &sp, &res) == SOLVER_OK && res.outcome == SOLVER_OPTIMAL) {
                placed += -res.objective;
            } else {
                /* No proof: every visit of this provider counts as placed. */
                for (size_t i = 0; i < nv; i++)
                    if (v[i].g == (int)g && !v[i].wide && !v[i].fixed)
                        placed += v[i].factor;
            }
            solver_result_free(&res);
        }
    next:
        if (bf) {
            double tg = 0;
            for (size_t i = 0; i < nv; i++)
                if (v[i].g == (int)g && !v[i].fixed)
                    tg += v[i].factor;
            bf->provider[g] = fmax(0, tg - (placed - placed0));
        }
        free(supply);
        free(row);
        free(cols);
        free(vals);
        free(used);
        solver_model_free(m);
    }
    free(v);
    if (rc)
        return rc;
    if (bf)
        bf->never = never;
    double left = total - placed;
    *out = never + (left > 1e-6 ? ceil(left - 1e-6) : 0);
    return SCHED_OK;
}
