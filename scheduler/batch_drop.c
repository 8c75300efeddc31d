/*
 * The drop bound (docs/batch.md, "Bound and gap"): which families lose the
 * visits that provider time forces out, and what they still pay.
 *
 * Provider g leaves out at least need[g] weighted visits in every plan
 * (the per-day and time-indexed bounds). A family f costs at least its own
 * bound a[f]; at least W times the weighted count of its visits left out;
 * and, when it leaves visit v out, at least c[f,v]: its own optimum over the
 * plans that leave v out (a drop solve, batch.c), so a family that loses a
 * visit still pays for the trips its other visits need. Every plan thus
 * gives a solution of
 *
 *     min sum_f z_f   over y[f,v] in {0,1} (v of f at a provider with need),
 *                     z_f >= 0,
 *     sum_{v at g} factor_v y[f,v] >= need[g]                  for every g,
 *     z_f >= (c[f,v] - a[f]) y[f,v]                             (c known),
 *     z_f >= W_f (never_f + sum_v factor_v y[f,v]) - a[f]       (usable),
 *
 * with cost at most its objective minus sum a, and sum a plus any lower
 * bound of this programme bounds the batch. A pair whose c is not known
 * yet has only the W row: valid, weaker. The search asks drop solves for the
 * pairs the programme's solution leaves out, so the solves go where they
 * can raise the bound; once every pair of the solution is known, knowing the
 * others would not change the optimum.
 */
#include "scheduler/batch_drop.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void batch_drop_free(struct batch_drop *d)
{
    free(d->pair);
    free(d->need);
    free(d->never);
    memset(d, 0, sizeof *d);
}

int batch_drop_init(const sched_batch *b, const struct tbuild *t, const double *forced,
                    struct batch_drop *d)
{
    memset(d, 0, sizeof *d);
    d->np = sched_batch_nproviders(b);
    d->n = sched_batch_ncases(b);
    d->need = cal_calloc(d->np + 1, sizeof *d->need);
    d->never = cal_calloc(d->n + 1, sizeof *d->never);
    if (!d->need || !d->never)
        goto oom;
    for (size_t g = 0; g < d->np; g++)
        d->need[g] = forced[g] > 1e-6 ? ceil(forced[g] - 1e-6) : 0; /* counts are whole */
    size_t cap = 0;
    for (size_t i = 0; i < t->nvis; i++) {
        const struct tvis *w = &t->vis[i];
        const struct sched_visit *v = &sched_batch_case(b, (size_t)w->f)->visits[w->visit];
        if (v->booked && !v->movable)
            continue;
        if (w->count == 0 && !w->pruned) {
            d->never[w->f] += w->factor; /* no candidate at all */
            continue;
        }
        if (w->g < 0 || d->need[w->g] <= 0)
            continue;
        if (cal_grow(&d->pair, &cap, d->npair + 1, sizeof *d->pair))
            goto oom;
        d->pair[d->npair++] =
            (struct drop_pair){.f = w->f, .visit = w->visit, .g = w->g, .factor = w->factor};
    }
    return SCHED_OK;
oom:
    batch_drop_free(d);
    return SCHED_ENOMEM;
}

/* A family with at most this many pairs has one column per set of them
 * left out (its cost exact for the set, so the LP is tight); one with more
 * has a column per pair and rows for its cost. */
#define DROP_ENUM 10

/* What family f pays beyond af (at least) when it leaves out the pairs
 * i0 + k for the bits k of mask. */
static double set_cost(const struct batch_drop *d, size_t i0, unsigned mask, double af, double W,
                       bool usable, double never)
{
    double cost = 0, units = never;
    for (int k = 0; mask >> k; k++) {
        if (!(mask >> k & 1u))
            continue;
        const struct drop_pair *q = &d->pair[i0 + (size_t)k];
        units += q->factor;
        if (q->known)
            cost = fmax(cost, q->c - af);
    }
    if (usable)
        cost = fmax(cost, W * units - af);
    return fmax(cost, 0);
}

/* One column of the programme: the pairs i0 + k for the bits k of mask. */
struct dcol {
    int col;
    size_t i0;
    unsigned mask;
};

static int push_col(struct dcol **v, size_t *n, size_t *cap, struct dcol c)
{
    if (cal_grow(v, cap, *n + 1, sizeof **v))
        return SCHED_ENOMEM;
    (*v)[(*n)++] = c;
    return SCHED_OK;
}

/* One family's columns and rows; pairs i..j-1 are its own. */
static int add_family(struct batch_drop *d, solver_model *m, size_t i, size_t j, double af,
                      double W, bool usable, struct dcol **dc, size_t *ndc, size_t *capdc,
                      int *cols, double *vals)
{
    size_t f = (size_t)d->pair[i].f, k = j - i;
    int rc = SCHED_OK;
    if (k <= DROP_ENUM) {
        size_t nz = 0;
        for (unsigned mask = 1; mask < 1u << k && !rc; mask++) {
            int c = solver_add_col(m, 0, 1, set_cost(d, i, mask, af, W, usable, d->never[f]), true,
                                   NULL);
            if (c < 0)
                return SCHED_ENOMEM;
            rc = push_col(dc, ndc, capdc, (struct dcol){c, i, mask});
            cols[nz] = c;
            vals[nz++] = 1;
        }
        if (!rc && solver_add_row(m, nz, cols, vals, -SOLVER_INF, 1, NULL) < 0)
            rc = SCHED_ENOMEM;
        return rc;
    }
    int z = solver_add_col(m, 0, SOLVER_INF, 1, false, NULL);
    if (z < 0)
        return SCHED_ENOMEM;
    size_t first = *ndc;
    for (size_t q = i; q < j && !rc; q++) {
        int c = solver_add_col(m, 0, 1, 0, true, NULL);
        if (c < 0)
            return SCHED_ENOMEM;
        rc = push_col(dc, ndc, capdc, (struct dcol){c, q, 1u});
        double extra = d->pair[q].c - af;
        if (rc || !d->pair[q].known || extra <= 0)
            continue;
        cols[0] = z;
        vals[0] = 1;
        cols[1] = c;
        vals[1] = -extra;
        if (solver_add_row(m, 2, cols, vals, 0, SOLVER_INF, NULL) < 0)
            rc = SCHED_ENOMEM;
    }
    if (!rc && usable) {
        size_t nz = 0;
        cols[nz] = z;
        vals[nz++] = 1;
        for (size_t q = first; q < *ndc; q++) {
            cols[nz] = (*dc)[q].col;
            vals[nz++] = -W * d->pair[(*dc)[q].i0].factor;
        }
        if (solver_add_row(m, nz, cols, vals, W * d->never[f] - af, SOLVER_INF, NULL) < 0)
            rc = SCHED_ENOMEM;
    }
    return rc;
}

int batch_drop_solve(struct batch_drop *d, const sched_batch *b, const bool *active,
                     const double *a, const bool *has_a, bool usable, double limit_s)
{
    double t0 = sched_now_s();
    solver_model *m = solver_model_new();
    size_t width = (d->npair > (1u << DROP_ENUM) ? d->npair : (1u << DROP_ENUM)) + 2;
    int *cols = cal_calloc(width, sizeof *cols);
    double *vals = cal_calloc(width, sizeof *vals);
    struct dcol *dc = NULL;
    size_t ndc = 0, capdc = 0;
    int rc = m && cols && vals ? SCHED_OK : SCHED_ENOMEM;
    double base = 0;
    for (size_t f = 0; f < d->n; f++)
        if (!active || active[f])
            base += has_a[f] ? a[f] : 0;
    for (size_t i = 0; i < d->npair; i++)
        d->pair[i].chosen = false;
    /* Per family (its pairs are consecutive): its columns and rows. */
    for (size_t i = 0; i < d->npair && !rc;) {
        size_t f = (size_t)d->pair[i].f, j = i;
        while (j < d->npair && d->pair[j].f == (int)f)
            j++;
        rc =
            add_family(d, m, i, j, has_a[f] ? a[f] : 0, sched_batch_case(b, f)->weights.unscheduled,
                       usable, &dc, &ndc, &capdc, cols, vals);
        i = j;
    }
    /* Cover: each provider leaves out its need (a row may hold every column). */
    if (!rc && ndc + 1 > width) {
        width = ndc + 1;
        int *c2 = cal_realloc(cols, width * sizeof *cols);
        if (c2)
            cols = c2;
        double *v2 = cal_realloc(vals, width * sizeof *vals);
        if (v2)
            vals = v2;
        if (!c2 || !v2)
            rc = SCHED_ENOMEM;
    }
    for (size_t g = 0; g < d->np && !rc; g++) {
        if (d->need[g] <= 0)
            continue;
        size_t nz = 0;
        for (size_t q = 0; q < ndc; q++) {
            double coef = 0;
            for (int k = 0; dc[q].mask >> k; k++)
                if (dc[q].mask >> k & 1u && d->pair[dc[q].i0 + (size_t)k].g == (int)g)
                    coef += d->pair[dc[q].i0 + (size_t)k].factor;
            if (coef > 0) {
                cols[nz] = dc[q].col;
                vals[nz++] = coef;
            }
        }
        if (solver_add_row(m, nz, cols, vals, d->need[g], SOLVER_INF, NULL) < 0)
            rc = SCHED_ENOMEM;
    }
    if (!rc) {
        struct solver_params sp;
        struct solver_result res;
        solver_params_init(&sp);
        sp.time_limit_s = limit_s > 0.05 ? limit_s : 0.05;
        memset(&res, 0, sizeof res);
        double lb = 0;
        if (solver_solve(m, &sp, &res) == SOLVER_OK) {
            if (res.outcome == SOLVER_OPTIMAL)
                lb = res.objective;
            else if (res.outcome == SOLVER_FEASIBLE && res.bound > 0 && res.bound < SOLVER_INF)
                lb = res.bound;
            for (size_t q = 0; res.x && q < ndc; q++)
                if (res.x[dc[q].col] > 0.5)
                    for (int k = 0; dc[q].mask >> k; k++)
                        if (dc[q].mask >> k & 1u)
                            d->pair[dc[q].i0 + (size_t)k].chosen = true;
        }
        solver_result_free(&res);
        /* A bound with lower own bounds stays valid; keep the best. */
        if (!d->have || base + lb > d->base + d->value) {
            d->value = lb;
            d->base = base;
        }
        d->have = true;
    }
    solver_model_free(m);
    free(cols);
    free(vals);
    free(dc);
    d->mip_s += sched_now_s() - t0;
    return rc;
}

int batch_drop_run(struct batch_drop *d, const sched_batch *b, const struct sched_batch_runner *r,
                   const bool *active, const double *a, const bool *has_a, bool usable,
                   double solve_limit_s, double budget_s)
{
    double t0 = sched_now_s();
    size_t round = 2 * (r->round ? r->round : 1);
    struct sched_batch_task *tasks = cal_calloc(round, sizeof *tasks);
    struct sched_batch_answer *ans = cal_calloc(round, sizeof *ans);
    size_t *idx = cal_calloc(round, sizeof *idx);
    int rc = tasks && ans && idx ? SCHED_OK : SCHED_ENOMEM;
    if (!rc && d->npair > 0)
        rc = batch_drop_solve(d, b, active, a, has_a, usable, fmin(1.0, budget_s));
    while (!rc && d->npair > 0) {
        double left = budget_s - (sched_now_s() - t0);
        if (left <= 0)
            break;
        size_t nt = 0;
        for (size_t i = 0; i < d->npair && nt < round; i++) {
            struct drop_pair *q = &d->pair[i];
            if (!q->chosen || q->known || q->asked)
                continue;
            q->asked = true;
            tasks[nt] =
                (struct sched_batch_task){.fam = {q->f},
                                          .nfam = 1,
                                          .drop = true,
                                          .drop_visit = q->visit,
                                          .time_limit_s = fmin(solve_limit_s, fmax(1, left))};
            idx[nt++] = i;
        }
        if (nt == 0)
            break; /* the solution's pairs are all known: more would not change it */
        rc = r->run(r->ud, NULL, 0, tasks, nt, ans);
        for (size_t k = 0; k < nt; k++) {
            if (!rc && ans[k].has_bound) {
                d->pair[idx[k]].c = ans[k].bound;
                d->pair[idx[k]].known = true;
                d->solves++;
            }
            sched_batch_answer_clear(&ans[k]);
        }
        if (!rc)
            rc = batch_drop_solve(d, b, active, a, has_a, usable,
                                  fmin(1.0, fmax(0.05, budget_s - (sched_now_s() - t0))));
    }
    free(tasks);
    free(ans);
    free(idx);
    d->solve_s += sched_now_s() - t0;
    return rc;
}
