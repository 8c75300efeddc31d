/*
 * The exact within-day check: given what the day-level master chose on a
 * set of days (visits, modes, cost classes, nights, routes), find minutes
 * for every chosen visit or prove there are none. It is the time-indexed
 * model (model.c) over only the chosen groups' candidates, every visit
 * forced in, the nights fixed and no route dearer than the master's: a
 * handful of visits, solved in milliseconds (docs/model.md has the
 * measurements behind this choice).
 */
#include "scheduler/days.h"
#include "calendars/util.h"

#include <stdlib.h>
#include <string.h>

/* Nodes the dedicated search may visit before the MIP decides instead. The
 * search settles the generated cases in at most a few hundred. */
#define DS_NODE_LIMIT 20000L

void dc_answer_free(struct dc_answer *a)
{
    free(a->cands);
    free(a->disallowed);
    memset(a, 0, sizeof(*a));
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The candidates of the query's groups as a context of their own, grouped
 * by visit (groups are sorted by visit). orig maps back to x's indices. */
static int sub_ctx(const struct dmaster *dm, const struct dc_query *q, struct sched_ctx *sub,
                   size_t **orig)
{
    const struct sched_ctx *x = dm->x;
    size_t nv = x->c->nvisits, n = 0;
    size_t *gs = cal_malloc((q->ngroups + 1) * sizeof(size_t));
    if (!gs)
        return SCHED_ENOMEM;
    memcpy(gs, q->groups, q->ngroups * sizeof(size_t));
    qsort(gs, q->ngroups, sizeof(size_t), cmp_size);
    for (size_t i = 0; i < q->ngroups; i++)
        n += dm->g[gs[i]].n;
    *sub = *x;
    sub->cands = cal_malloc((n + 1) * sizeof(struct cand));
    sub->vfirst = cal_calloc(nv + 1, sizeof(size_t));
    sub->vcount = cal_calloc(nv + 1, sizeof(size_t));
    *orig = cal_malloc((n + 1) * sizeof(size_t));
    if (!sub->cands || !sub->vfirst || !sub->vcount || !*orig) {
        free(gs);
        return SCHED_ENOMEM;
    }
    size_t j = 0;
    for (size_t i = 0; i < q->ngroups; i++) {
        const struct dgroup *g = &dm->g[gs[i]];
        if (sub->vcount[g->visit] == 0)
            sub->vfirst[g->visit] = j;
        for (size_t k = g->c0; k < g->c0 + g->n; k++) {
            (*orig)[j] = dm->gcand[k];
            sub->cands[j++] = x->cands[dm->gcand[k]];
        }
        sub->vcount[g->visit] += g->n;
    }
    sub->ncands = sub->cap = n;
    free(gs);
    return SCHED_OK;
}

static bool has_int(const int *v, size_t n, int e)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == e)
            return true;
    return false;
}

/* Nights as the master chose them (those between two checked trip days). */
static void fix_nights(const struct dmaster *dm, struct tmodel *t, const struct dc_query *q)
{
    const struct sched_ctx *x = dm->x;
    if (!dm->ocol)
        return;
    for (int d = 0; d + 1 < x->ndays; d++)
        for (size_t p = 0; p < x->c->nplaces; p++) {
            int col = tm_night_col(t, d, (int)p);
            if (col < 0)
                continue;
            double v = has_int(q->nights, q->nnights, dm->ocol[(size_t)d * x->c->nplaces + p]);
            solver_set_bounds(tm_model(t), col, v, v);
        }
}

/* Two-place routes dearer than the master's route of their day stay out;
 * the master's columns of those routes are noted for the cut. */
static int limit_routes(const struct dmaster *dm, struct tmodel *t, const struct dc_query *q,
                        struct dc_answer *a)
{
    const struct sched_ctx *x = dm->x;
    const struct sched_weights *w = &x->c->weights;
    size_t n;
    const struct tm_route *tr = tm_routes(t, &n);
    for (size_t i = 0; i < n; i++) {
        if (tr[i].p2 < 0)
            continue;
        const struct droute *mine = NULL;
        for (size_t k = 0; k < q->nroutes; k++)
            if (dm->r[q->routes[k]].day == tr[i].day)
                mine = &dm->r[q->routes[k]];
        double cost = w->trip + w->travel_minute * ctx_route_minutes(x, tr[i].p1, tr[i].p2);
        if (!mine || cost <= mine->cost + 1e-9)
            continue;
        solver_set_bounds(tm_model(t), tr[i].col, 0, 0);
        for (size_t k = dm->rd0[tr[i].day]; k < dm->rd0[tr[i].day] + dm->rdn[tr[i].day]; k++) {
            if (dm->r[k].a != tr[i].p1 || dm->r[k].b != tr[i].p2)
                continue;
            int *p = cal_realloc(a->disallowed, (a->ndisallowed + 1) * sizeof(int));
            if (!p)
                return SCHED_ENOMEM;
            a->disallowed = p;
            a->disallowed[a->ndisallowed++] = dm->r[k].col;
        }
    }
    return SCHED_OK;
}

enum dc_result dc_check_mip(const struct dmaster *dm, const struct dc_query *q, struct dc_answer *a)
{
    memset(a, 0, sizeof(*a));
    struct sched_ctx sub;
    size_t *orig = NULL;
    struct tmodel *t = NULL;
    struct solver_result res;
    memset(&res, 0, sizeof res);
    memset(&sub, 0, sizeof sub);
    enum dc_result out = DC_ERROR;
    if (sub_ctx(dm, q, &sub, &orig) || tm_build(&sub, true, &t))
        goto done;
    fix_nights(dm, t, q);
    if (limit_routes(dm, t, q, a))
        goto done;
    struct solver_params sp;
    solver_params_init(&sp);
    sp.time_limit_s = q->time_limit_s > 0 ? q->time_limit_s : 1e-3;
    if (solver_solve(tm_model(t), &sp, &res))
        goto done;
    if (res.outcome == SOLVER_INFEASIBLE) {
        out = DC_INFEASIBLE;
        goto done;
    }
    if (res.outcome != SOLVER_OPTIMAL) {
        out = DC_STOPPED;
        goto done;
    }
    a->cands = cal_malloc((sub.ncands + 1) * sizeof(size_t));
    if (!a->cands)
        goto done;
    for (size_t k = 0; k < sub.ncands; k++)
        if (res.x[sub.cands[k].col] > 0.5)
            a->cands[a->ncands++] = orig[k];
    a->cost = res.objective;
    out = DC_FEASIBLE;
done:
    solver_result_free(&res);
    tm_free(t);
    free(sub.cands);
    free(sub.vfirst);
    free(sub.vcount);
    free(orig);
    return out;
}

enum dc_result dc_check(const struct dmaster *dm, const struct dc_query *q, struct dc_answer *a)
{
#ifdef CAREDAY_DAYCHECK_MIP /* for measuring the two against each other */
    return dc_check_mip(dm, q, a);
#endif
    enum dc_result r = ds_search(dm, q, DS_NODE_LIMIT, a);
    if (r != DC_STOPPED)
        return r;
    dc_answer_free(a);
    return dc_check_mip(dm, q, a);
}
