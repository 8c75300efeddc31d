/*
 * Solving by trip days: logic-based Benders decomposition (docs/model.md
 * "The day-level model").
 *
 * The one-at-a-time plan is the first incumbent. Each round solves the
 * day-level master (days.c) and checks its days at the minute level
 * (daycheck.c), one set of days at a time: a day alone, or days joined by a
 * night at lodging or by an order rule whose lag the days cannot decide. A
 * set that has no feasible minutes becomes a cut, first shrunk to a small
 * subset that still has none. When every set passes, the plan built from
 * the checks costs what the master said, and the master is a relaxation:
 * the plan is optimal. Stopped early, the best plan so far is returned with
 * the master's bound.
 */
#include "scheduler/days.h"
#include "calendars/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct memo {
    size_t *key; /* sorted groups, then routes and nights (offset) */
    size_t nkey;
    enum dc_result r;
    size_t *cands; /* feasible: the chosen candidates */
    size_t ncands;
    double cost;
    int *dis; /* infeasible: master route columns kept out */
    size_t ndis;
};

struct bd {
    struct sched_ctx *x;
    const struct sched_options *o;
    struct dmaster dm;
    double t0, t_end;
    const double *y; /* master solution */
    int *uf;         /* per day: union-find parent */
    struct memo *memo;
    size_t nmemo, memocap;
    struct sched_plan *best; /* incumbent */
    double best_cost;
    double bound;
    long rounds, checks, cuts;
};

static double left_s(const struct bd *b)
{
    return b->t_end - sched_now_s();
}

static bool on(const struct bd *b, int col)
{
    return col >= 0 && b->y[col] > 0.5;
}

/* ---- incumbents ---------------------------------------------------------- */

/* A plan's objective in model units (with the tie-breaks toward the
 * preferred mode), so plans and master bounds compare exactly. */
static double model_cost(const struct sched_ctx *x, const struct sched_plan *p)
{
    const struct sched_case *c = x->c;
    double cost = plan_objective(x, p);
    for (size_t i = 0; i < p->nappts; i++) {
        const struct sched_visit *v = &c->visits[p->appts[i].visit];
        if (!(v->booked && !v->movable) && p->appts[i].mode != v->prefer)
            cost += 0.001;
    }
    return cost;
}

static void offer(struct bd *b, struct sched_plan *p)
{
    double cost = model_cost(b->x, p);
    if (!b->best || cost < b->best_cost - 1e-9) {
        sched_plan_free(b->best);
        b->best = p;
        b->best_cost = cost;
    } else {
        sched_plan_free(p);
    }
}

/* ---- sets of days checked together ---------------------------------------- */

static int uf_find(int *uf, int d)
{
    while (uf[d] != d)
        d = uf[d] = uf[uf[d]];
    return d;
}

static void uf_join(int *uf, int a, int b)
{
    a = uf_find(uf, a);
    b = uf_find(uf, b);
    if (a != b)
        uf[a > b ? a : b] = a < b ? a : b;
}

/* The chosen group of a visit, or -1. */
static long chosen_group(const struct bd *b, int v)
{
    const struct dmaster *dm = &b->dm;
    for (size_t i = dm->vg0[v]; i < dm->vg0[v] + dm->vgn[v]; i++)
        if (on(b, dm->g[i].col))
            return (long)i;
    return -1;
}

static void join_days(struct bd *b)
{
    const struct dmaster *dm = &b->dm;
    const struct sched_case *c = b->x->c;
    for (int d = 0; d < b->x->ndays; d++)
        b->uf[d] = d;
    for (int d = 0; d + 1 < b->x->ndays && dm->ocol; d++)
        for (size_t p = 0; p < c->nplaces; p++)
            if (on(b, dm->ocol[(size_t)d * c->nplaces + p]))
                uf_join(b->uf, d, d + 1);
    for (size_t A = 0; A < c->nvisits; A++)
        for (size_t l = 0; l < c->visits[A].nbefore; l++) {
            const struct sched_lag *lag = &c->visits[A].before[l];
            long ga = chosen_group(b, (int)A), gb = chosen_group(b, lag->visit);
            if (ga < 0 || gb < 0)
                continue;
            const struct dgroup *a = &dm->g[ga], *g = &dm->g[gb];
            if (a->day != g->day && !dm_lag_decided(dm, a, g, lag))
                uf_join(b->uf, a->day, g->day);
        }
}

/* A growable list of size_t / int. */
struct zlist {
    size_t *v;
    size_t n, cap;
};
struct ilist {
    int *v;
    size_t n, cap;
};

static int zpush(struct zlist *l, size_t e)
{
    if (cal_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v))
        return SCHED_ENOMEM;
    l->v[l->n++] = e;
    return SCHED_OK;
}

static int ipush(struct ilist *l, int e)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] == e)
            return SCHED_OK;
    if (cal_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v))
        return SCHED_ENOMEM;
    l->v[l->n++] = e;
    return SCHED_OK;
}

/* One set of days as the master chose it. */
struct dayset {
    struct zlist groups;
    struct ilist routes;            /* route indices */
    struct ilist nights;            /* night columns at 1 inside */
    struct ilist near_on, near_off; /* night columns at 0 / 1 touching the days */
};

static void dayset_free(struct dayset *s)
{
    free(s->groups.v);
    free(s->routes.v);
    free(s->nights.v);
    free(s->near_on.v);
    free(s->near_off.v);
    memset(s, 0, sizeof(*s));
}

static int dayset_fill(const struct bd *b, int root, struct dayset *s)
{
    const struct dmaster *dm = &b->dm;
    const struct sched_ctx *x = b->x;
    size_t np = x->c->nplaces;
    int rc = 0;
    for (int d = 0; d < x->ndays && !rc; d++) {
        if (uf_find(b->uf, d) != root)
            continue;
        for (size_t k = dm->dg0[d]; k < dm->dg0[d] + dm->dgn[d] && !rc; k++)
            if (on(b, dm->g[dm->dg[k]].col))
                rc = zpush(&s->groups, dm->dg[k]);
        for (size_t i = dm->rd0[d]; i < dm->rd0[d] + dm->rdn[d] && !rc; i++)
            if (on(b, dm->r[i].col))
                rc = ipush(&s->routes, (int)i);
        for (int night = d - 1; night <= d && dm->ocol && !rc; night++) {
            if (night < 0 || night + 1 >= x->ndays)
                continue;
            for (size_t p = 0; p < np && !rc; p++) {
                int col = dm->ocol[(size_t)night * np + p];
                if (col < 0)
                    continue;
                if (on(b, col)) {
                    rc = ipush(&s->near_off, col);
                    if (!rc && night == d)
                        rc = ipush(&s->nights, col);
                } else {
                    rc = ipush(&s->near_on, col);
                }
            }
        }
    }
    return rc;
}

/* ---- checks, remembered ---------------------------------------------------- */

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static size_t *make_key(const struct bd *b, const struct zlist *groups, const struct dayset *s,
                        size_t *n)
{
    size_t ng = b->dm.ng, nr = b->dm.nr;
    size_t k = groups->n + s->routes.n + s->nights.n;
    size_t *key = cal_malloc((k + 1) * sizeof(size_t));
    if (!key)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < groups->n; i++)
        key[j++] = groups->v[i];
    for (size_t i = 0; i < s->routes.n; i++)
        key[j++] = ng + (size_t)s->routes.v[i];
    for (size_t i = 0; i < s->nights.n; i++)
        key[j++] = ng + nr + (size_t)s->nights.v[i];
    qsort(key, k, sizeof(size_t), cmp_size);
    *n = k;
    return key;
}

/* Check groups (a subset of s's) with s's routes and nights; the answer is
 * remembered (*out points at it). */
static enum dc_result check(struct bd *b, const struct zlist *groups, const struct dayset *s,
                            const struct memo **out)
{
    size_t nkey;
    size_t *key = make_key(b, groups, s, &nkey);
    if (!key)
        return DC_ERROR;
    for (size_t i = 0; i < b->nmemo; i++)
        if (b->memo[i].nkey == nkey && !memcmp(b->memo[i].key, key, nkey * sizeof(size_t))) {
            free(key);
            *out = &b->memo[i];
            return b->memo[i].r;
        }
    if (cal_grow(&b->memo, &b->memocap, b->nmemo + 1, sizeof *b->memo)) {
        free(key);
        return DC_ERROR;
    }
    struct dc_query q = {groups->v,   groups->n,   s->nights.v, s->nights.n,
                         s->routes.v, s->routes.n, left_s(b),   0};
    struct dc_answer ans;
    double tc = sched_now_s();
    enum dc_result r = dc_check(&b->dm, &q, &ans);
    b->checks++;
#ifdef CAREDAY_DAYS_TRACE
    fprintf(stderr, "  check %zu groups -> %d in %.1f ms\n", groups->n, (int)r,
            (sched_now_s() - tc) * 1000);
#else
    (void)tc;
#endif
    if (r != DC_FEASIBLE && r != DC_INFEASIBLE) {
        dc_answer_free(&ans);
        free(key);
        return r;
    }
    struct memo *m = &b->memo[b->nmemo++];
    *m = (struct memo){
        key, nkey, r, ans.cands, ans.ncands, ans.cost, ans.disallowed, ans.ndisallowed};
    *out = m;
    return r;
}

/* Whether group cur->v[i] may leave the set: not when it is the last
 * in-person group at a night's place on either day of a night inside the
 * set (the night needs a trip there on both days, which the small MIP of
 * the check enforces). */
static bool may_drop(const struct bd *b, const struct dayset *s, const struct zlist *cur, size_t i)
{
    const struct dmaster *dm = &b->dm;
    const struct dgroup *g = &dm->g[cur->v[i]];
    size_t np = b->x->c->nplaces;
    if (g->mode != SCHED_IN_PERSON)
        return true;
    for (size_t k = 0; k < s->nights.n; k++)
        for (int dn = g->day - 1; dn <= g->day; dn++)
            if (dn >= 0 && dn + 1 < b->x->ndays && g->place >= 0 &&
                dm->ocol[(size_t)dn * np + (size_t)g->place] == s->nights.v[k]) {
                size_t others = 0;
                for (size_t j = 0; j < cur->n; j++) {
                    const struct dgroup *o = &dm->g[cur->v[j]];
                    others += j != i && o->day == g->day && o->mode == SCHED_IN_PERSON &&
                              o->place == g->place;
                }
                if (!others)
                    return false;
            }
    return true;
}

/* Shrink an infeasible set of groups to one that stays infeasible without
 * any single group (deletion filter), then cut it off. */
static int cut_off(struct bd *b, const struct dayset *s, const struct memo *whole)
{
    struct zlist cur = {0};
    /* By index: each check may grow (move) the memo. */
    size_t last = (size_t)(whole - b->memo);
    int rc = 0;
    for (size_t i = 0; i < s->groups.n && !rc; i++)
        rc = zpush(&cur, s->groups.v[i]);
    /* Nights inside the set too: the check places each day's visits under
     * the nights given, and taking a group away only drops its rules, so a
     * subset without minutes stays without them under the same nights
     * (which the cut names), as long as each night keeps a trip to its
     * place on both its days. */
    for (size_t i = cur.n; i-- > 0 && !rc && left_s(b) > 0;) {
        if (b->dm.g[cur.v[i]].fixed || !may_drop(b, s, &cur, i))
            continue;
        size_t removed = cur.v[i];
        cur.v[i] = cur.v[cur.n - 1];
        cur.n--;
        const struct memo *m;
        enum dc_result r = check(b, &cur, s, &m);
        if (r == DC_INFEASIBLE) {
            last = (size_t)(m - b->memo);
        } else {
            cur.v[cur.n++] = cur.v[i];
            cur.v[i] = removed;
        }
        if (r == DC_ERROR)
            rc = SCHED_ENOMEM;
    }
    if (!rc) {
        /* Routes kept out and nights touching the days enter the cut. */
        struct ilist onl = {0};
        for (size_t i = 0; i < b->memo[last].ndis && !rc; i++)
            rc = ipush(&onl, b->memo[last].dis[i]);
        for (size_t i = 0; i < s->near_on.n && !rc; i++)
            rc = ipush(&onl, s->near_on.v[i]);
#ifdef CAREDAY_DAYS_TRACE
        fprintf(stderr, "  cut:");
        for (size_t i = 0; i < cur.n; i++)
            fprintf(stderr, " %s/%d/d%d", b->x->c->visits[b->dm.g[cur.v[i]].visit].id,
                    (int)b->dm.g[cur.v[i]].mode, b->dm.g[cur.v[i]].day);
        fprintf(stderr, " +%zu on, %zu off\n", onl.n, s->near_off.n);
#endif
        if (!rc)
            rc = dm_add_cut(&b->dm, cur.v, cur.n, onl.v, onl.n, s->near_off.v, s->near_off.n);
        b->cuts++;
        free(onl.v);
    }
    free(cur.v);
    return rc;
}

/* Cut off exactly the master's solution (every binary column as it is). */
static int cut_solution(struct bd *b)
{
    const struct dmaster *dm = &b->dm;
    const struct sched_case *c = b->x->c;
    struct zlist pos = {0};
    struct ilist onl = {0}, offl = {0};
    int rc = 0;
    for (size_t i = 0; i < dm->ng && !rc; i++)
        rc = on(b, dm->g[i].col) ? zpush(&pos, i) : ipush(&onl, dm->g[i].col);
    for (size_t i = 0; i < dm->nr && !rc; i++)
        rc = ipush(on(b, dm->r[i].col) ? &offl : &onl, dm->r[i].col);
    for (size_t i = 0; dm->ocol && i < (size_t)b->x->ndays * c->nplaces && !rc; i++)
        if (dm->ocol[i] >= 0)
            rc = ipush(on(b, dm->ocol[i]) ? &offl : &onl, dm->ocol[i]);
    if (!rc)
        rc = dm_add_cut(&b->dm, pos.v, pos.n, onl.v, onl.n, offl.v, offl.n);
    free(pos.v);
    free(onl.v);
    free(offl.v);
    return rc;
}

/* ---- one round ------------------------------------------------------------- */

/* The plan of a master solution whose day sets all passed. */
static int assemble(struct bd *b, const struct memo **parts, size_t nparts)
{
    const struct sched_ctx *x = b->x;
    const struct sched_case *c = x->c;
    struct sched_plan *p = plan_new();
    bool *placed = cal_calloc(c->nvisits + 1, sizeof(bool));
    bool *nights = cal_calloc((size_t)x->ndays + 1, sizeof(bool));
    int rc = SCHED_ENOMEM;
    if (!p || !placed || !nights)
        goto out;
    for (size_t i = 0; i < nparts; i++)
        for (size_t k = 0; k < parts[i]->ncands; k++) {
            const struct cand *cd = &x->cands[parts[i]->cands[k]];
            if ((rc = plan_add_appt(p, cd)))
                goto out;
            placed[cd->visit] = true;
        }
    for (int d = 0; d + 1 < x->ndays && b->dm.ocol; d++)
        for (size_t q = 0; q < c->nplaces; q++)
            nights[d] |= on(b, b->dm.ocol[(size_t)d * c->nplaces + q]);
    if ((rc = sched_explain_all(x, p, placed)) || (rc = plan_finish_ctx(x, p, nights)))
        goto out;
    p->status = SCHED_STATUS_FEASIBLE;
    p->objective = plan_objective(x, p);
    offer(b, p);
    p = NULL;
out:
    sched_plan_free(p);
    free(placed);
    free(nights);
    return rc;
}

enum round_end { ROUND_CUT, ROUND_DONE, ROUND_STOP };

/* Check every day set of the master's solution (value obj): cut those
 * without minutes, or take the plan when all pass. */
static int round_checks(struct bd *b, double obj, enum round_end *end)
{
    const struct sched_ctx *x = b->x;
    int rc = 0;
    size_t ncut = 0, nparts = 0;
    /* Memo entries by index while checking: a later check may grow (move)
     * the memo; pointers are taken once every check is done. */
    size_t *part = cal_calloc((size_t)x->ndays + 1, sizeof(*part));
    const struct memo **parts = cal_calloc((size_t)x->ndays + 1, sizeof(*parts));
    if (!part || !parts) {
        free(part);
        free(parts);
        return SCHED_ENOMEM;
    }
    join_days(b);
    *end = ROUND_DONE;
    for (int d = 0; d < x->ndays && !rc; d++) {
        if (uf_find(b->uf, d) != d)
            continue;
        struct dayset s;
        memset(&s, 0, sizeof s);
        if ((rc = dayset_fill(b, d, &s)) || s.groups.n == 0) {
            dayset_free(&s);
            continue;
        }
        const struct memo *m;
        enum dc_result r = check(b, &s.groups, &s, &m);
        if (r == DC_FEASIBLE) {
            part[nparts++] = (size_t)(m - b->memo);
        } else if (r == DC_INFEASIBLE) {
            rc = cut_off(b, &s, m);
            ncut++;
        } else if (r == DC_STOPPED) {
            *end = ROUND_STOP;
        } else {
            rc = SCHED_ENOMEM;
        }
        dayset_free(&s);
    }
    if (!rc && ncut)
        *end = ROUND_CUT;
    for (size_t i = 0; i < nparts; i++)
        parts[i] = &b->memo[part[i]];
    free(part);
    if (!rc && *end == ROUND_DONE) {
        double cost = 0;
        for (size_t i = 0; i < nparts; i++)
            cost += parts[i]->cost;
        for (size_t v = 0; v < x->c->nvisits; v++)
            if (b->dm.ucol[v] >= 0 && b->y[b->dm.ucol[v]] > 0.5)
                cost += x->c->weights.unscheduled *
                        (x->c->visits[v].priority_factor > 0 ? x->c->visits[v].priority_factor : 1);
        rc = assemble(b, parts, nparts);
        if (!rc && cost > obj + 1e-6) {
            /* The checks priced a day above the master: cannot happen with
             * cost classes; cut this exact solution so the search goes on. */
            *end = ROUND_CUT;
            rc = cut_solution(b);
        }
    }
    free(parts);
    return rc;
}

/* ---- the loop ------------------------------------------------------------------ */

/* A reason that holds whatever the search did: the visit has no
 * candidate time at all (pins, notice and dates to avoid included). */
static bool proven(const struct sched_ctx *x, const struct sched_unscheduled *u)
{
    if (u->code == SCHED_REASON_PIN)
        return x->diag[u->visit].ncands == 0;
    return u->code != SCHED_REASON_DISPLACED && u->code != SCHED_REASON_PAIR &&
           u->code != SCHED_REASON_PREDECESSOR;
}

void sched_mark_stopped(const struct sched_ctx *x, struct sched_plan *p, double time_limit_s)
{
    for (size_t i = 0; i < p->nunscheduled; i++) {
        struct sched_unscheduled *u = &p->unscheduled[i];
        if (proven(x, u))
            continue;
        /* A predecessor that can never be placed is still a proven reason. */
        if (u->code == SCHED_REASON_PREDECESSOR) {
            bool ok = false;
            for (size_t k = 0; k < p->nunscheduled; k++) {
                int o = p->unscheduled[k].visit;
                for (size_t l = 0; l < x->c->visits[o].nbefore; l++)
                    if (x->c->visits[o].before[l].visit == u->visit && x->diag[o].ncands == 0)
                        ok = true;
            }
            if (ok)
                continue;
        }
        u->code = SCHED_REASON_STOPPED;
        u->time_limit_s = time_limit_s;
        u->bound = p->bound;
        u->objective = p->objective;
    }
}

static void free_bd(struct bd *b)
{
    for (size_t i = 0; i < b->nmemo; i++) {
        free(b->memo[i].key);
        free(b->memo[i].cands);
        free(b->memo[i].dis);
    }
    free(b->memo);
    free(b->uf);
    sched_plan_free(b->best);
    dm_free(&b->dm);
}

static void report(const struct bd *b, double incumbent, double bound)
{
    if (!b->o->progress)
        return;
    struct sched_progress sp = {.elapsed_s = sched_now_s() - b->t0,
                                .has_incumbent = true,
                                .incumbent = incumbent,
                                .has_bound = bound > -SOLVER_INF / 2,
                                .bound = bound};
    b->o->progress(b->o->progress_ud, &sp);
}

/* Rounds until the master's optimum passes every check, the master's bound
 * meets the incumbent, or time runs out. Sets *optimal. */
static int rounds(struct bd *b, bool *optimal)
{
    struct solver_params sp;
    solver_params_init(&sp);
    double last_report = sched_now_s();
    *optimal = false;
    for (;;) {
        double left = left_s(b);
        if (left <= 0)
            return SCHED_OK;
        sp.time_limit_s = left;
        struct solver_result res;
        int r = solver_solve(b->dm.m, &sp, &res);
        if (r) {
            solver_result_free(&res);
            return r == SOLVER_ENOMEM ? SCHED_ENOMEM : SCHED_ESOLVER;
        }
        b->rounds++;
#ifdef CAREDAY_DAYS_TRACE
        fprintf(stderr, " master %d obj %.3f bound %.3f in %.1f ms (%zu rows)\n", (int)res.outcome,
                res.objective, res.bound, res.solve_s * 1000, solver_nrows(b->dm.m));
#endif
        if (res.bound > b->bound && res.bound < SOLVER_INF / 2)
            b->bound = res.bound;
        if (res.outcome == SOLVER_INFEASIBLE) { /* every solution cut: the incumbent is it */
            b->bound = b->best_cost;
            *optimal = true;
        }
        if (res.outcome == SOLVER_FEASIBLE && res.x && res.objective < b->best_cost - 1e-6) {
            /* Stopped by the time limit holding a master solution better
             * than the incumbent: when its days have minutes it is a better
             * plan (not proven), so the gap reported is the true one. */
            b->y = res.x;
            enum round_end end;
            int rc = round_checks(b, res.objective, &end);
            b->y = NULL;
            solver_result_free(&res);
            return rc;
        }
        if (res.outcome != SOLVER_OPTIMAL) {
            solver_result_free(&res);
            return SCHED_OK;
        }
        if (res.objective >= b->best_cost - 1e-6) {
            b->bound = b->best_cost;
            *optimal = true;
            solver_result_free(&res);
            return SCHED_OK;
        }
        b->y = res.x;
        enum round_end end;
        int rc = round_checks(b, res.objective, &end);
        b->y = NULL;
        solver_result_free(&res);
        if (rc)
            return rc;
        if (end == ROUND_DONE) {
            b->bound = b->best_cost;
            *optimal = true;
            return SCHED_OK;
        }
        if (end == ROUND_STOP)
            return SCHED_OK;
        if (sched_now_s() - last_report >= 1.0) {
            report(b, b->best_cost, b->bound);
            last_report = sched_now_s();
        }
    }
}

int sched_plan_days(struct sched_ctx *x, const struct sched_options *o,
                    const struct sched_plan *baseline, struct sched_plan **out,
                    struct careday_notes *warn, struct careday_error *err)
{
    struct bd b;
    memset(&b, 0, sizeof b);
    b.x = x;
    b.o = o;
    b.t0 = sched_now_s();
    b.t_end = b.t0 + (o->time_limit_s > 0 ? o->time_limit_s : 1e9);
    b.bound = -SOLVER_INF;
    int rc = dm_build(x, &b.dm);
    if (!rc && !b.dm.minute_costs)
        rc = dm_prepare(&b.dm);
    if (!rc && b.dm.minute_costs) {
        /* Costs that vary minute by minute (late_minute): the time-indexed
         * model prices them exactly. */
        dm_free(&b.dm);
        return sched_plan_time(x, o, baseline, out, warn, err);
    }
    b.uf = cal_malloc(((size_t)x->ndays + 1) * sizeof(int));
    if (!rc && !b.uf)
        rc = SCHED_ENOMEM;
    if (!rc)
        rc = sched_plan_copy(baseline, &b.best);
    bool optimal = false;
    if (!rc) {
        b.best_cost = model_cost(x, b.best);
        rc = rounds(&b, &optimal);
    }
    if (rc) {
        free_bd(&b);
        return careday_fail(err, rc, NULL, 0, NULL, "planning failed: %s",
                            rc == SCHED_ENOMEM ? "out of memory" : "the solver could not run");
    }
    struct sched_plan *p = b.best;
    b.best = NULL;
    p->objective = plan_objective(x, p);
    p->status = optimal ? SCHED_STATUS_OPTIMAL : SCHED_STATUS_FEASIBLE;
    p->bound = optimal ? p->objective : (b.bound > -SOLVER_INF / 2 ? plan_bound_of(x, b.bound) : 0);
    if (p->bound > p->objective)
        p->bound = p->objective;
    if (p->bound < 0)
        p->bound = 0;
    p->gap = (p->objective - p->bound) / fmax(1.0, fabs(p->objective));
    p->model_cols = solver_ncols(b.dm.m);
    p->model_rows = solver_nrows(b.dm.m);
    if (!optimal)
        sched_mark_stopped(x, p, o->time_limit_s);
#ifdef CAREDAY_DAYS_TRACE
    fprintf(stderr, "days: %ld rounds, %ld checks, %ld cuts, %zu groups, %.1f ms\n", b.rounds,
            b.checks, b.cuts, b.dm.ng, (sched_now_s() - b.t0) * 1000);
#endif
    free_bd(&b);
    *out = p;
    return SCHED_OK;
}
