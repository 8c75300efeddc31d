/*
 * The plan pool and the set-partitioning master of a batch's search
 * (docs/batch.md "How it plans"). A move of the large-neighbourhood search
 * is accepted only when it lowers the objective by itself; plans of several
 * families that pay off only together are never tried that way. The pool
 * keeps, per family, distinct plans the search has produced (the baseline,
 * construction, every answer of every move, accepted or not); the master
 * picks one plan per family so that every provider stays within capacity at
 * every instant, at the least total objective: an integer programme solved
 * with GLPK, warm-started with the current plans, so it never returns a
 * worse set.
 */
#include "scheduler/batch_master.h"
#include "scheduler/batch_tindex.h"
#include "calendars/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the pool ------------------------------------------------------------ */

struct pool_entry {
    struct sched_plan *p;
    uint64_t key;
};

struct batch_plans {
    size_t n, per;
    struct pool_entry **e; /* per family: per entries */
    size_t *count;
    size_t changes;
};

struct batch_plans *batch_plans_new(size_t n, size_t per_family)
{
    struct batch_plans *pool = cal_calloc(1, sizeof *pool);
    if (!pool)
        return NULL;
    pool->n = n;
    pool->per = per_family ? per_family : 1;
    pool->e = cal_calloc(n ? n : 1, sizeof *pool->e);
    pool->count = cal_calloc(n ? n : 1, sizeof *pool->count);
    if (!pool->e || !pool->count) {
        batch_plans_free(pool);
        return NULL;
    }
    return pool;
}

void batch_plans_free(struct batch_plans *pool)
{
    if (!pool)
        return;
    for (size_t f = 0; pool->e && f < pool->n; f++) {
        for (size_t k = 0; pool->count && k < pool->count[f]; k++)
            sched_plan_free(pool->e[f][k].p);
        free(pool->e[f]);
    }
    free(pool->e);
    free(pool->count);
    free(pool);
}

size_t batch_plans_changes(const struct batch_plans *pool)
{
    return pool ? pool->changes : 0;
}

size_t batch_plans_count(const struct batch_plans *pool, size_t f)
{
    return pool && f < pool->n ? pool->count[f] : 0;
}

/* FNV-1a over the appointments' visit, mode, start and place. */
static uint64_t plan_key(const struct sched_plan *p)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < p->nappts; i++) {
        const struct sched_appt *a = &p->appts[i];
        uint64_t v[4] = {(uint64_t)a->visit, (uint64_t)a->mode, (uint64_t)a->start,
                         (uint64_t)a->place};
        for (int k = 0; k < 4; k++) {
            h ^= v[k];
            h *= 0x100000001b3ULL;
        }
    }
    return h ^ p->nappts;
}

static bool same_appts(const struct sched_plan *p, const struct sched_plan *q)
{
    if (p->nappts != q->nappts)
        return false;
    for (size_t i = 0; i < p->nappts; i++) {
        const struct sched_appt *a = &p->appts[i], *b = &q->appts[i];
        if (a->visit != b->visit || a->mode != b->mode || a->start != b->start ||
            a->place != b->place)
            return false;
    }
    return true;
}

int batch_plans_add(struct batch_plans *pool, size_t f, const struct sched_plan *p)
{
    if (!pool || !p || f >= pool->n || !isfinite(p->objective))
        return SCHED_OK;
    if (!pool->e[f] && !(pool->e[f] = cal_calloc(pool->per, sizeof *pool->e[f])))
        return SCHED_ENOMEM;
    struct pool_entry *e = pool->e[f];
    uint64_t key = plan_key(p);
    size_t worst = 0;
    for (size_t k = 0; k < pool->count[f]; k++) {
        if (e[k].key == key && same_appts(e[k].p, p)) {
            if (!(p->objective < e[k].p->objective))
                return SCHED_OK;
            worst = k; /* the same appointments, cheaper: replace */
            goto replace;
        }
        if (e[k].p->objective > e[worst].p->objective)
            worst = k;
    }
    if (pool->count[f] < pool->per) {
        worst = pool->count[f]++;
        e[worst].p = NULL;
    } else if (!(p->objective < e[worst].p->objective)) {
        return SCHED_OK;
    }
replace:;
    struct sched_plan *q = NULL;
    if (sched_plan_copy(p, &q))
        return SCHED_ENOMEM;
    sched_plan_free(e[worst].p);
    e[worst] = (struct pool_entry){q, key};
    pool->changes++;
    return SCHED_OK;
}

/* ---- the master ---------------------------------------------------------- */

/* One appointment of a column (or of a family with one plan: idx -1) at
 * batch-wide provider g. */
struct mitem {
    int g;
    struct titem it;
};

static int cmp_mitem(const void *a, const void *b)
{
    const struct mitem *x = a, *y = b;
    if (x->g != y->g)
        return x->g < y->g ? -1 : 1;
    return tix_cmp_item(&x->it, &y->it);
}

struct master {
    const sched_batch *b;
    size_t n, ncol;
    const struct sched_plan **plan; /* per column */
    int *fam;                       /* per column */
    size_t *first, *count;          /* per family: its columns */
    struct mitem *items;
    size_t nitems, capitems;
};

static void master_free(struct master *m)
{
    free(m->plan);
    free(m->fam);
    free(m->first);
    free(m->count);
    free(m->items);
}

static int add_items(struct master *m, size_t f, const struct sched_plan *p, long idx)
{
    const struct sched_case *c = sched_batch_case(m->b, f);
    for (size_t i = 0; i < p->nappts; i++) {
        const struct sched_appt *a = &p->appts[i];
        if (cal_grow(&m->items, &m->capitems, m->nitems + 1, sizeof *m->items))
            return SCHED_ENOMEM;
        m->items[m->nitems++] =
            (struct mitem){sched_batch_provider_of(m->b, f, (size_t)c->visits[a->visit].provider),
                           {a->start, a->end, idx}};
    }
    return SCHED_OK;
}

/* The columns: per active family its current plan first, then its pool
 * plans with other appointments; a family with one plan only is fixed (its
 * appointments take capacity, it gets no column). */
static int master_columns(struct master *m, const bool *active, struct sched_plan *const *cur,
                          const struct batch_plans *pool)
{
    size_t total = 0;
    for (size_t f = 0; f < m->n; f++)
        if ((!active || active[f]) && cur[f])
            total += 1 + batch_plans_count(pool, f);
    m->plan = cal_calloc(total + 1, sizeof *m->plan);
    m->fam = cal_calloc(total + 1, sizeof *m->fam);
    m->first = cal_calloc(m->n + 1, sizeof *m->first);
    m->count = cal_calloc(m->n + 1, sizeof *m->count);
    if (!m->plan || !m->fam || !m->first || !m->count)
        return SCHED_ENOMEM;
    for (size_t f = 0; f < m->n; f++) {
        if ((active && !active[f]) || !cur[f])
            continue;
        size_t first = m->ncol;
        m->plan[m->ncol] = cur[f];
        m->fam[m->ncol++] = (int)f;
        for (size_t k = 0; k < batch_plans_count(pool, f); k++) {
            const struct sched_plan *p = pool->e[f][k].p;
            if (same_appts(p, cur[f]))
                continue;
            m->plan[m->ncol] = p;
            m->fam[m->ncol++] = (int)f;
        }
        if (m->ncol - first == 1) {
            m->ncol = first; /* fixed */
            if (add_items(m, f, cur[f], -1))
                return SCHED_ENOMEM;
            continue;
        }
        m->first[f] = first;
        m->count[f] = m->ncol - first;
        for (size_t k = first; k < m->ncol; k++)
            if (add_items(m, f, m->plan[k], (long)k))
                return SCHED_ENOMEM;
    }
    return SCHED_OK;
}

/* Rows: one plan per family with columns; capacity at every instant of
 * every provider that some column holds. */
static int master_rows(struct master *m, solver_model *sm)
{
    struct tbuild tb = {0};
    struct titem *run = cal_malloc((m->nitems + 1) * sizeof *run);
    size_t *act = cal_malloc((m->nitems + 1) * sizeof *act);
    int rc = run && act ? SCHED_OK : SCHED_ENOMEM;
    for (size_t f = 0; f < m->n && !rc; f++) {
        if (m->count[f] == 0)
            continue;
        if ((rc = tix_need_nz(&tb, m->count[f])))
            break;
        for (size_t k = 0; k < m->count[f]; k++) {
            tb.cols[k] = (int)(m->first[f] + k);
            tb.vals[k] = 1;
        }
        if (solver_add_row(sm, m->count[f], tb.cols, tb.vals, 1, 1, NULL) < 0)
            rc = SCHED_ENOMEM;
    }
    if (m->nitems > 1)
        qsort(m->items, m->nitems, sizeof *m->items, cmp_mitem);
    for (size_t lo = 0, hi; lo < m->nitems && !rc; lo = hi) {
        bool cols = false;
        for (hi = lo; hi < m->nitems && m->items[hi].g == m->items[lo].g; hi++) {
            run[hi - lo] = m->items[hi].it;
            cols |= m->items[hi].it.idx >= 0;
        }
        if (cols)
            rc = tix_capacity_rows(&tb, sm, run, hi - lo,
                                   sched_batch_capacity(m->b, (size_t)m->items[lo].g), act);
    }
    tix_free(&tb);
    free(run);
    free(act);
    return rc;
}

int batch_master_solve(const sched_batch *b, const bool *active, struct sched_plan **cur,
                       const struct batch_plans *pool, size_t max_columns, double time_limit_s,
                       bool *changed, struct batch_master_run *run)
{
    struct master m = {.b = b, .n = sched_batch_ncases(b)};
    solver_model *sm = NULL;
    struct solver_result res = {0};
    double *warm = NULL;
    const struct sched_plan **next = NULL;
    struct sched_plan **copies = NULL;
    memset(run, 0, sizeof *run);
    int rc = master_columns(&m, active, cur, pool);
    run->columns = m.ncol;
    if (rc || m.ncol == 0 || m.ncol > max_columns) {
        run->skipped = !rc && m.ncol > 0;
        goto done;
    }
    sm = solver_model_new();
    warm = cal_calloc(m.ncol, sizeof *warm);
    if (!sm || !warm) {
        rc = SCHED_ENOMEM;
        goto done;
    }
    for (size_t k = 0; k < m.ncol && !rc; k++)
        if (solver_add_col(sm, 0, 1, m.plan[k]->objective, true, NULL) < 0)
            rc = SCHED_ENOMEM;
    for (size_t f = 0; f < m.n; f++)
        if (m.count[f])
            warm[m.first[f]] = 1;
    if (rc || (rc = master_rows(&m, sm)))
        goto done;
    run->rows = solver_nrows(sm);
    struct solver_params sp;
    solver_params_init(&sp);
    sp.time_limit_s = time_limit_s > 0.1 ? time_limit_s : 0.1;
    sp.abs_gap = 1; /* within one unit of the objective: the optimum */
    sp.warm_start = warm;
    int src = solver_solve(sm, &sp, &res);
    run->seconds = res.solve_s;
    if (src == SOLVER_ENOMEM) {
        rc = SCHED_ENOMEM;
        goto done;
    }
    run->stopped =
        src == SOLVER_OK && res.outcome != SOLVER_OPTIMAL && res.outcome != SOLVER_INFEASIBLE;
    if (src != SOLVER_OK || !res.x || res.n != m.ncol)
        goto done; /* the current plans stay */
    /* The chosen plan of every family with columns. */
    next = cal_calloc(m.n + 1, sizeof *next);
    if (!next) {
        rc = SCHED_ENOMEM;
        goto done;
    }
    double before = 0, after = 0;
    for (size_t f = 0; f < m.n; f++) {
        next[f] = cur[f];
        if (!m.count[f])
            continue;
        size_t pick = m.first[f];
        for (size_t k = m.first[f]; k < m.first[f] + m.count[f]; k++)
            if (res.x[k] > 0.5)
                pick = k;
        next[f] = m.plan[pick];
        before += cur[f]->objective;
        after += next[f]->objective;
    }
    /* Belt and braces: the new set is checked as the search checks moves. */
    if (!(after < before - 1e-6) || sched_batch_conflicts(b, (struct sched_plan *const *)next) != 0)
        goto done;
    /* Copies first: out of memory leaves the current plans as they are. */
    copies = cal_calloc(m.n + 1, sizeof *copies);
    for (size_t f = 0; f < m.n && copies; f++)
        if (next[f] != cur[f] && sched_plan_copy(next[f], &copies[f])) {
            for (size_t e = 0; e < f; e++)
                sched_plan_free(copies[e]);
            free(copies);
            copies = NULL;
        }
    if (!copies) {
        rc = SCHED_ENOMEM;
        goto done;
    }
    for (size_t f = 0; f < m.n; f++) {
        if (!copies[f])
            continue;
        sched_plan_free(cur[f]);
        cur[f] = copies[f];
        run->changed++;
        if (changed)
            changed[f] = true;
    }
    run->gain = before - after;
done:
    free(copies);
    free(next);
    free(warm);
    solver_result_free(&res);
    solver_model_free(sm);
    master_free(&m);
    return rc;
}
