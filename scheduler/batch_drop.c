/*
 * The drop bound (docs/batch.md, "Bound and gap"): which families lose the
 * visits that provider time forces out, and what they still pay.
 *
 * Provider g leaves out at least need[g] weighted visits in every plan
 * (the per-day and time-indexed bounds). A family f costs at least its own
 * bound a[f]; at least W times the weighted count of its visits left out;
 * and, when it leaves out a set T of those visits (or more), at least
 * c[f,T]: its own optimum over the plans that leave T out (a drop solve,
 * batch.c), so a family that loses visits still pays for the trips its
 * other visits need. Every plan thus gives a solution of
 *
 *     min sum_f z_f   over the set S_f of pairs (visits at a provider with
 *                     need) each family leaves out,
 *     sum_f |S_f at g| (weighted) >= need[g]                   for every g,
 *     z_f = max(0, max over known T in S_f of c[f,T] - a[f],
 *               W_f (never_f + |S_f| weighted) - a[f] (usable))
 *
 * with cost at most its objective minus sum a, and sum a plus any lower
 * bound of this programme bounds the batch. A family's sets are columns
 * (one per set, its cost exact: the LP is tight) when it has few pairs, else
 * a binary per pair with rows for its cost. The search asks drop solves for
 * the sets the programme's solution leaves out, so the solves go where they
 * can raise the bound; once the solution's sets are all known, knowing
 * others would not change the optimum.
 */
#include "scheduler/batch_drop.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A family with at most DROP_ENUM pairs has one column per set of them, as
 * long as the programme has at most DROP_MAXCOLS such columns (1000
 * families have about 9 000 pairs, up to 14 each); another has a column per
 * pair and rows for its cost. */
#define DROP_ENUM 10
#define DROP_MAXCOLS 20000

void batch_drop_free(struct batch_drop *d)
{
    free(d->pair);
    free(d->first);
    free(d->count);
    free(d->set);
    free(d->want);
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
    d->first = cal_calloc(d->n + 1, sizeof *d->first);
    d->count = cal_calloc(d->n + 1, sizeof *d->count);
    if (!d->need || !d->never || !d->first || !d->count)
        goto oom;
    for (size_t g = 0; g < d->np; g++)
        d->need[g] = forced[g] > 1e-6 ? ceil(forced[g] - 1e-6) : 0; /* counts are whole */
    size_t cap = 0;
    for (size_t i = 0; i < t->nvis; i++) { /* the build lists families in order */
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
        if (d->count[w->f]++ == 0)
            d->first[w->f] = d->npair;
        d->pair[d->npair++] =
            (struct drop_pair){.f = w->f, .visit = w->visit, .g = w->g, .factor = w->factor};
    }
    return SCHED_OK;
oom:
    batch_drop_free(d);
    return SCHED_ENOMEM;
}

/* The set (f, mask), added (not known) when it is not there yet; -1 when
 * out of memory. */
static long find_set(struct batch_drop *d, int f, uint64_t mask)
{
    for (size_t i = 0; i < d->nset; i++)
        if (d->set[i].f == f && d->set[i].mask == mask)
            return (long)i;
    if (cal_grow(&d->set, &d->capset, d->nset + 1, sizeof *d->set))
        return -1;
    d->set[d->nset] = (struct drop_set){.f = f, .mask = mask};
    return (long)d->nset++;
}

/* The pairs of a solution's set whose c is wanted: the set itself when a
 * task can leave it out, else each of its pairs alone. */
static int want_set(struct batch_drop *d, int f, uint64_t mask)
{
    int bits = __builtin_popcountll(mask);
    for (int k = 0; k < 64; k++) {
        uint64_t m = bits <= SCHED_BATCH_MAXDROP ? mask : mask & (1ull << k);
        if (!m)
            continue;
        long i = find_set(d, f, m);
        if (i < 0 || cal_grow(&d->want, &d->capwant, d->nwant + 1, sizeof *d->want))
            return SCHED_ENOMEM;
        if (!d->set[i].known && !d->set[i].asked)
            d->want[d->nwant++] = (size_t)i;
        if (bits <= SCHED_BATCH_MAXDROP)
            break;
    }
    return SCHED_OK;
}

static int cmp_set(const void *x, const void *y)
{
    const struct drop_set *a = x, *b = y;
    return (a->f > b->f) - (a->f < b->f);
}

/* One column of the programme: family f's pairs of mask (a set column),
 * or its one pair first[f] + single (single >= 0; mask holds it when it is
 * among the first 64). */
struct dcol {
    int col, f;
    uint64_t mask;
    long single;
};

struct dmodel {
    struct batch_drop *d;
    solver_model *m;
    struct dcol *dc;
    size_t ndc, capdc;
    int *cols;
    double *vals;
    size_t width;
    const struct drop_set *known; /* the family's known sets */
    size_t nknown;
};

static int push_col(struct dmodel *x, int col, int f, uint64_t mask, long single)
{
    if (col < 0 || cal_grow(&x->dc, &x->capdc, x->ndc + 1, sizeof *x->dc))
        return SCHED_ENOMEM;
    x->dc[x->ndc++] = (struct dcol){col, f, mask, single};
    return SCHED_OK;
}

/* Whether column q leaves out the family's pair k. */
static bool col_has(const struct dcol *q, size_t k)
{
    return q->single >= 0 ? (size_t)q->single == k : k < 64 && (q->mask >> k & 1u);
}

static int room(struct dmodel *x, size_t n)
{
    if (n <= x->width)
        return SCHED_OK;
    int *c = cal_realloc(x->cols, n * sizeof *c);
    if (c)
        x->cols = c;
    double *v = cal_realloc(x->vals, n * sizeof *v);
    if (v)
        x->vals = v;
    if (!c || !v)
        return SCHED_ENOMEM;
    x->width = n;
    return SCHED_OK;
}

/* Family f's cost beyond af (at least) when it leaves out its pairs of mask. */
static double set_cost(const struct dmodel *x, size_t f, uint64_t mask, double af, double W,
                       bool usable)
{
    const struct batch_drop *d = x->d;
    double cost = 0, units = d->never[f];
    for (size_t k = 0; k < d->count[f]; k++)
        if (mask >> k & 1u)
            units += d->pair[d->first[f] + k].factor;
    for (size_t i = 0; i < x->nknown; i++)
        if (!(x->known[i].mask & ~mask))
            cost = fmax(cost, x->known[i].c - af);
    if (usable)
        cost = fmax(cost, W * units - af);
    return fmax(cost, 0);
}

/* One family's columns and rows. */
static int add_family(struct dmodel *x, size_t f, double af, double W, bool usable)
{
    struct batch_drop *d = x->d;
    size_t k = d->count[f];
    int rc = room(x, ((size_t)1 << (k < DROP_ENUM ? k : DROP_ENUM)) + k + 2);
    if (!rc && k <= DROP_ENUM && x->ndc + ((size_t)1 << k) <= DROP_MAXCOLS) {
        size_t nz = 0;
        for (uint64_t mask = 1; mask < (uint64_t)1 << k && !rc; mask++) {
            int c = solver_add_col(x->m, 0, 1, set_cost(x, f, mask, af, W, usable), true, NULL);
            rc = push_col(x, c, (int)f, mask, -1);
            x->cols[nz] = c;
            x->vals[nz++] = 1;
        }
        if (!rc && solver_add_row(x->m, nz, x->cols, x->vals, -SOLVER_INF, 1, NULL) < 0)
            rc = SCHED_ENOMEM;
        return rc;
    }
    int z = solver_add_col(x->m, 0, SOLVER_INF, 1, false, NULL);
    size_t first = x->ndc;
    if (z < 0)
        rc = SCHED_ENOMEM;
    for (size_t q = 0; q < k && !rc; q++)
        rc = push_col(x, solver_add_col(x->m, 0, 1, 0, true, NULL), (int)f, q < 64 ? 1ull << q : 0,
                      (long)q);
    /* A known set T: z >= (c_T - a) (sum of its pairs' columns - |T| + 1). */
    for (size_t i = 0; i < x->nknown && !rc; i++) {
        double extra = x->known[i].c - af;
        if (extra <= 0)
            continue;
        size_t nz = 0;
        x->cols[nz] = z;
        x->vals[nz++] = 1;
        for (size_t q = first; q < x->ndc; q++)
            if (x->known[i].mask & x->dc[q].mask) {
                x->cols[nz] = x->dc[q].col;
                x->vals[nz++] = -extra;
            }
        if (solver_add_row(x->m, nz, x->cols, x->vals, -extra * (double)(nz - 2), SOLVER_INF,
                           NULL) < 0)
            rc = SCHED_ENOMEM;
    }
    if (!rc && usable) {
        size_t nz = 0;
        x->cols[nz] = z;
        x->vals[nz++] = 1;
        for (size_t q = first; q < x->ndc; q++) {
            x->cols[nz] = x->dc[q].col;
            x->vals[nz++] = -W * d->pair[d->first[f] + (size_t)x->dc[q].single].factor;
        }
        if (solver_add_row(x->m, nz, x->cols, x->vals, W * d->never[f] - af, SOLVER_INF, NULL) < 0)
            rc = SCHED_ENOMEM;
    }
    return rc;
}

/* Cover: each provider leaves out its need. */
static int add_cover(struct dmodel *x)
{
    struct batch_drop *d = x->d;
    int rc = room(x, x->ndc + 1);
    for (size_t g = 0; g < d->np && !rc; g++) {
        if (d->need[g] <= 0)
            continue;
        size_t nz = 0;
        for (size_t q = 0; q < x->ndc; q++) {
            double coef = 0;
            size_t f = (size_t)x->dc[q].f;
            for (size_t k = 0; k < d->count[f]; k++)
                if (col_has(&x->dc[q], k) && d->pair[d->first[f] + k].g == (int)g)
                    coef += d->pair[d->first[f] + k].factor;
            if (coef > 0) {
                x->cols[nz] = x->dc[q].col;
                x->vals[nz++] = coef;
            }
        }
        if (solver_add_row(x->m, nz, x->cols, x->vals, d->need[g], SOLVER_INF, NULL) < 0)
            rc = SCHED_ENOMEM;
    }
    return rc;
}

/* The sets of the solution x (per family, the union of its chosen columns). */
static int collect_wants(struct dmodel *x, const double *sol)
{
    struct batch_drop *d = x->d;
    int rc = SCHED_OK;
    d->nwant = 0;
    for (size_t q = 0; q < x->ndc && !rc;) {
        int f = x->dc[q].f;
        uint64_t mask = 0;
        for (; q < x->ndc && x->dc[q].f == f; q++)
            if (sol[x->dc[q].col] > 0.5)
                mask |= x->dc[q].mask;
        if (mask)
            rc = want_set(d, f, mask);
    }
    return rc;
}

int batch_drop_solve(struct batch_drop *d, const sched_batch *b, const bool *active,
                     const double *a, const bool *has_a, bool usable, double limit_s)
{
    double t0 = sched_now_s();
    struct dmodel x = {.d = d, .m = solver_model_new()};
    int rc = x.m ? SCHED_OK : SCHED_ENOMEM;
    double base = 0;
    for (size_t f = 0; f < d->n; f++)
        if (!active || active[f])
            base += has_a[f] ? a[f] : 0;
    /* The known sets, by family. */
    if (d->nset)
        qsort(d->set, d->nset, sizeof *d->set, cmp_set);
    size_t s0 = 0;
    for (size_t f = 0; f < d->n && !rc; f++) {
        while (s0 < d->nset && d->set[s0].f < (int)f)
            s0++;
        if (d->count[f] == 0)
            continue;
        size_t s1 = s0;
        while (s1 < d->nset && d->set[s1].f == (int)f)
            s1++;
        /* Known sets first within the family's range (the order of sets
         * does not matter elsewhere). */
        size_t nk = 0;
        for (size_t i = s0; i < s1; i++)
            if (d->set[i].known) {
                struct drop_set t = d->set[s0 + nk];
                d->set[s0 + nk++] = d->set[i];
                d->set[i] = t;
            }
        x.known = d->set + s0;
        x.nknown = nk;
        rc = add_family(&x, f, has_a[f] ? a[f] : 0, sched_batch_case(b, f)->weights.unscheduled,
                        usable);
    }
    if (!rc)
        rc = add_cover(&x);
    if (!rc) {
        struct solver_params sp;
        struct solver_result res;
        solver_params_init(&sp);
        sp.time_limit_s = limit_s > 0.05 ? limit_s : 0.05;
        memset(&res, 0, sizeof res);
        double lb = 0;
        d->nwant = 0;
        if (solver_solve(x.m, &sp, &res) == SOLVER_OK) {
            if (res.outcome == SOLVER_OPTIMAL)
                lb = res.objective;
            else if (res.outcome == SOLVER_FEASIBLE && res.bound > 0 && res.bound < SOLVER_INF)
                lb = res.bound;
            if (res.x)
                rc = collect_wants(&x, res.x);
        }
        solver_result_free(&res);
        /* A bound with lower own bounds stays valid; keep the best. */
        if (!d->have || base + lb > d->base + d->value) {
            d->value = lb;
            d->base = base;
        }
        d->have = true;
    }
    solver_model_free(x.m);
    free(x.cols);
    free(x.vals);
    free(x.dc);
    d->mip_s += sched_now_s() - t0;
    return rc;
}

int batch_drop_run(struct batch_drop *d, const sched_batch *b, const struct sched_batch_runner *r,
                   const bool *active, const double *a, const bool *has_a, bool usable,
                   double solve_limit_s, double budget_s)
{
    double t0 = sched_now_s();
    /* A round: every set the solution wants, up to 16 tasks per worker (a
     * round of one worker's solves takes about a second). */
    size_t round = 8 * (r->round ? r->round : 1);
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
        for (size_t w = 0; w < d->nwant && nt < round; w++) {
            struct drop_set *q = &d->set[d->want[w]];
            if (q->known || q->asked)
                continue;
            q->asked = true;
            struct sched_batch_task *t = &tasks[nt];
            *t = (struct sched_batch_task){
                .fam = {q->f}, .nfam = 1, .time_limit_s = fmin(solve_limit_s, fmax(1, left))};
            for (size_t k = 0; k < d->count[q->f] && k < 64; k++)
                if (q->mask >> k & 1u)
                    t->drop[t->ndrop++] = d->pair[d->first[q->f] + k].visit;
            idx[nt++] = d->want[w];
        }
        if (nt == 0)
            break; /* the solution's sets are all known: more would not change it */
        rc = r->run(r->ud, NULL, 0, tasks, nt, ans);
        for (size_t k = 0; k < nt; k++) {
            if (!rc && ans[k].has_bound) {
                d->set[idx[k]].c = ans[k].bound;
                d->set[idx[k]].known = true;
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
