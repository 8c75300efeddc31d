/*
 * Reservations for the guided construction (docs/batch.md, "How it
 * plans"): who gets the time of the providers that cannot see all their
 * visits.
 *
 * The per-provider bounds (batch_tbound.c) show which providers must leave
 * visits out, each alone. Their time is assigned here, provider after
 * provider, most contested first, by one small integer programme each: the
 * provider's visits on their own candidate starts (which encode each
 * family's free time, window and notice), at most `capacity` patients at
 * every instant less its fixed bookings, the family's one appointment at a
 * time and daily visit limit, and "before" links with their gaps, counting
 * what earlier providers were given. It maximises the weighted visits
 * placed. Travel and trips are not in it: the families' own solves decide
 * those, each planned against the others' reservations (batch_search.c),
 * so a reservation is a strong hint, never a constraint on the result.
 */
#include "scheduler/batch_guide.h"

#include "scheduler/batch_tindex.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void batch_guide_free(struct batch_guide *g)
{
    free(g->guided);
    free(g->resv);
    memset(g, 0, sizeof *g);
}

static int put_col(struct tbuild *t, size_t nz, int col, double val)
{
    int rc = tix_need_nz(t, nz + 1);
    if (!rc) {
        t->cols[nz] = col;
        t->vals[nz] = val;
    }
    return rc;
}

int batch_chosen_init(struct batch_chosen *ch, const struct tbuild *t, size_t n, size_t np)
{
    memset(ch, 0, sizeof *ch);
    ch->at = cal_malloc((t->nvis ? t->nvis : 1) * sizeof *ch->at);
    ch->done = cal_calloc(np + 1, sizeof *ch->done);
    ch->fam_first = cal_calloc(n + 1, sizeof *ch->fam_first);
    ch->fam_count = cal_calloc(n + 1, sizeof *ch->fam_count);
    ch->lnk_first = cal_calloc(n + 1, sizeof *ch->lnk_first);
    ch->lnk_count = cal_calloc(n + 1, sizeof *ch->lnk_count);
    if (!ch->at || !ch->done || !ch->fam_first || !ch->fam_count || !ch->lnk_first ||
        !ch->lnk_count) {
        batch_chosen_free(ch);
        return SCHED_ENOMEM;
    }
    for (size_t v = 0; v < t->nvis; v++) {
        ch->at[v] = -1;
        if (ch->fam_count[t->vis[v].f]++ == 0)
            ch->fam_first[t->vis[v].f] = v;
    }
    /* A family's links follow one another (tix_add_family). */
    for (size_t l = 0; l < t->nlink; l++)
        if (ch->lnk_count[t->vis[t->link[l].a].f]++ == 0)
            ch->lnk_first[t->vis[t->link[l].a].f] = l;
    return SCHED_OK;
}

void batch_chosen_free(struct batch_chosen *ch)
{
    free(ch->at);
    free(ch->done);
    free(ch->fam_first);
    free(ch->fam_count);
    free(ch->lnk_first);
    free(ch->lnk_count);
    free(ch->fc);
    memset(ch, 0, sizeof *ch);
}

/* Visits the family of column k may still add on the column's day, given
 * what earlier providers gave it (INT32_MAX: no daily limit); 0 when the
 * column overlaps one of its appointments. */
static int day_room(const struct tbuild *t, const sched_batch *b, const struct batch_chosen *ch,
                    size_t k)
{
    const struct tcol *c = &t->col[k];
    int f = t->vis[c->vis].f;
    int limit = sched_batch_case(b, (size_t)f)->family.max_visits_per_day, same = 0;
    for (size_t i = 0; i < ch->fam_count[f]; i++) {
        size_t w = ch->fam_first[f] + i;
        if (ch->at[w] < 0)
            continue;
        const struct tcol *o = &t->col[ch->at[w]];
        if (o->s < c->e && c->s < o->e)
            return 0;
        same += o->day == c->day;
    }
    return limit > 0 ? limit - same : INT32_MAX;
}

/* True when column k (provider being assigned) fits what earlier
 * providers were given. */
static bool col_allowed(const struct tbuild *t, const sched_batch *b, const struct batch_chosen *ch,
                        size_t k)
{
    const struct tcol *c = &t->col[k];
    const struct tvis *v = &t->vis[c->vis];
    if ((!c->day_trip && !(ch->lodging && ch->lodging[k])) || day_room(t, b, ch, k) <= 0)
        return false;
    for (size_t l = ch->lnk_first[v->f]; l < ch->lnk_first[v->f] + ch->lnk_count[v->f]; l++) {
        const struct tlink *ln = &t->link[l];
        if (ln->b == c->vis) {
            const struct tvis *a = &t->vis[ln->a];
            if (a->count == 0)
                return false; /* its predecessor is never placed */
            if (ch->done[a->g] && (ch->at[ln->a] < 0 || !tix_gap_ok(ln, &t->col[ch->at[ln->a]], c)))
                return false;
        } else if (ln->a == c->vis) {
            const struct tvis *w = &t->vis[ln->b];
            if (ch->at[ln->b] >= 0 && !tix_gap_ok(ln, c, &t->col[ch->at[ln->b]]))
                return false;
            /* A visit after it at a provider not assigned yet keeps a
             * start (a hint for the reservations: a plan may also leave
             * that one out). Not in a repair (ch->keep): a visit there is
             * at this provider, whose link rows place it or not, or at
             * one the repair leaves open (batch_repair.c); the hint there
             * forbade a plan that places the earlier visit and leaves the
             * later one out, so the repair could not even keep the current
             * plan and never gained a visit (on the 150-family caseload of
             * seed 11, at cc-1, because of a family whose own best plan
             * leaves out its third visit there). */
            bool ok = ch->done[w->g] || w->count == 0 || ch->keep;
            for (size_t j = 0; j < w->count && !ok; j++)
                ok = tix_gap_ok(ln, c, &t->col[w->first + j]);
            if (!ok)
                return false;
        }
    }
    return true;
}

/* Rows of link l within one provider's programme: each start of b only
 * when a start of a ends early and late enough before it. */
static int link_rows(struct tbuild *t, solver_model *m, const struct tlink *l)
{
    const struct tvis *a = &t->vis[l->a], *w = &t->vis[l->b];
    int rc = SCHED_OK;
    for (size_t k = 0; k < w->count && !rc; k++) {
        const struct tcol *cw = &t->col[w->first + k];
        if (cw->lp < 0)
            continue;
        size_t nz = 0;
        if ((rc = put_col(t, nz++, cw->lp, 1)))
            break;
        for (size_t j = 0; j < a->count && !rc; j++) {
            const struct tcol *ca = &t->col[a->first + j];
            if (ca->lp >= 0 && tix_gap_ok(l, ca, cw))
                rc = put_col(t, nz++, ca->lp, -1);
        }
        if (!rc && solver_add_row(m, nz, t->cols, t->vals, -SOLVER_INF, 0, NULL) < 0)
            rc = SCHED_ENOMEM;
    }
    return rc;
}

/* One family's rows in provider g's programme over its columns cols[0..n):
 * one appointment at a time, and the visits it may still add each day. */
struct fcol {
    size_t k; /* column of t->col */
    int room; /* visits its family may still add on its day */
};

static int family_rows(struct tbuild *t, solver_model *m, const struct fcol *cols, size_t n)
{
    if (n < 2)
        return SCHED_OK;
    struct titem *it = cal_malloc(n * sizeof *it);
    size_t *act = cal_malloc(n * sizeof *act);
    int rc = it && act ? SCHED_OK : SCHED_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++)
        it[i] = (struct titem){t->col[cols[i].k].s, t->col[cols[i].k].e, t->col[cols[i].k].lp};
    if (!rc) {
        qsort(it, n, sizeof *it, tix_cmp_item);
        rc = tix_capacity_rows(t, m, it, n, 1, act);
    }
    for (size_t i = 0; i < n && !rc; i++) {
        int day = t->col[cols[i].k].day, nvis = 0, last = -1;
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = t->col[cols[j].k].day != day;
        if (!first)
            continue;
        size_t nz = 0;
        for (size_t j = i; j < n && !rc; j++) {
            const struct tcol *cj = &t->col[cols[j].k];
            if (cj->day != day)
                continue;
            nvis += cj->vis != last;
            last = cj->vis;
            rc = put_col(t, nz++, cj->lp, 1);
        }
        if (!rc && nvis > cols[i].room &&
            solver_add_row(m, nz, t->cols, t->vals, -SOLVER_INF, cols[i].room, NULL) < 0)
            rc = SCHED_ENOMEM;
    }
    free(it);
    free(act);
    return rc;
}

int batch_provider_programme(struct tbuild *t, const sched_batch *b, struct batch_chosen *ch, int g,
                             solver_model *m, double deadline)
{
    struct fcol **fc = &ch->fc;
    size_t *fcap = &ch->fcap;
    int rc = SCHED_OK;
    for (size_t k = 0; k < t->ncol; k++)
        if (t->col[k].g == g)
            t->col[k].lp = -1;
    for (size_t v = 0; v < t->nvis && !rc; v++) {
        const struct tvis *tv = &t->vis[v];
        if (tv->g != g || tv->count == 0)
            continue;
        if (sched_now_s() > deadline)
            return SCHED_EINVAL; /* out of time: this provider gets no reservations */
        size_t nz = 0;
        for (size_t k = tv->first; k < tv->first + tv->count && !rc; k++) {
            if (!col_allowed(t, b, ch, k))
                continue;
            double bonus = ch->keep && ch->keep[v] == (long)k ? ch->keep_bonus : 0;
            int col = solver_add_col(m, 0, 1, -(double)tv->factor - bonus, true, NULL);
            if (col < 0) {
                rc = SCHED_ENOMEM;
                break;
            }
            t->col[k].lp = col;
            rc = put_col(t, nz++, col, 1);
        }
        if (!rc && nz > 0 && solver_add_row(m, nz, t->cols, t->vals, -SOLVER_INF, 1, NULL) < 0)
            rc = SCHED_ENOMEM;
    }
    if (!rc)
        rc = tix_provider_rows(t, m, b, g);
    for (size_t l = 0; l < t->nlink && !rc; l++)
        if (t->vis[t->link[l].a].g == g && t->vis[t->link[l].b].g == g)
            rc = link_rows(t, m, &t->link[l]);
    /* Family rows: the visits of one family are consecutive in t->vis. */
    for (size_t v = 0; v < t->nvis && !rc;) {
        int f = t->vis[v].f;
        size_t n = 0;
        for (; v < t->nvis && t->vis[v].f == f && !rc; v++) {
            const struct tvis *tv = &t->vis[v];
            if (tv->g != g)
                continue;
            for (size_t k = tv->first; k < tv->first + tv->count; k++) {
                if (t->col[k].lp < 0)
                    continue;
                if (cal_grow(fc, fcap, n + 1, sizeof **fc)) {
                    rc = SCHED_ENOMEM;
                    break;
                }
                (*fc)[n++] = (struct fcol){k, day_room(t, b, ch, k)};
            }
        }
        if (!rc)
            rc = family_rows(t, m, *fc, n);
    }
    return rc;
}

int batch_provider_solve(struct tbuild *t, const sched_batch *b, struct batch_chosen *ch, int g,
                         double limit_s, double abs_gap, double *placed, bool *cut)
{
    *placed = -1;
    *cut = false;
    for (size_t v = 0; v < t->nvis; v++)
        if (t->vis[v].g == g)
            ch->at[v] = -1;
    solver_model *m = solver_model_new();
    int rc = m ? batch_provider_programme(t, b, ch, g, m, sched_now_s() + limit_s) : SCHED_ENOMEM;
    size_t ncols = m && !rc ? solver_ncols(m) : 0;
    double *warm = ncols && ch->keep ? cal_calloc(ncols, sizeof *warm) : NULL;
    if (ncols && ch->keep && !warm)
        rc = SCHED_ENOMEM;
    if (!rc && ncols) {
        for (size_t v = 0; warm && v < t->nvis; v++)
            if (t->vis[v].g == g && ch->keep[v] >= 0 && t->col[ch->keep[v]].lp >= 0)
                warm[t->col[ch->keep[v]].lp] = 1;
        struct solver_params sp;
        struct solver_result res;
        solver_params_init(&sp);
        sp.time_limit_s = limit_s;
        sp.cuts = false; /* measured: cuts and presolve cost more than they save here */
        sp.presolve = false;
        sp.abs_gap = abs_gap;
        sp.warm_start = warm;
        memset(&res, 0, sizeof res);
        if (solver_solve(m, &sp, &res) == SOLVER_OK && res.x &&
            (res.outcome == SOLVER_OPTIMAL || res.outcome == SOLVER_FEASIBLE)) {
            *placed = 0;
            *cut = res.outcome != SOLVER_OPTIMAL;
            for (size_t k = 0; k < t->ncol; k++) {
                const struct tcol *c = &t->col[k];
                if (c->g != g || c->lp < 0 || res.x[c->lp] < 0.5)
                    continue;
                ch->at[c->vis] = (int)k;
                *placed += t->vis[c->vis].factor;
            }
        }
        solver_result_free(&res);
    }
    free(warm);
    solver_model_free(m);
    return rc == SCHED_EINVAL ? SCHED_OK : rc; /* out of time while building: nothing placed */
}

/* Solve provider g's programme and record what it places. */
static int assign_provider(struct tbuild *t, const sched_batch *b, struct batch_chosen *ch, int g,
                           double limit_s, struct batch_guide *out, size_t *capr)
{
    double placed;
    bool cut;
    /* Within one visit of the best: 8 s to 1 s on the largest. */
    int rc = batch_provider_solve(t, b, ch, g, limit_s, 1.5, &placed, &cut);
    for (size_t v = 0; v < t->nvis && !rc; v++) {
        if (t->vis[v].g != g || ch->at[v] < 0)
            continue;
        const struct tcol *c = &t->col[ch->at[v]];
        out->placed += t->vis[v].factor;
        if (cal_grow(&out->resv, capr, out->nresv + 1, sizeof *out->resv))
            rc = SCHED_ENOMEM;
        else
            out->resv[out->nresv++] = (struct sched_hold){g, t->vis[v].f, c->s, c->e};
    }
    ch->done[g] = true;
    return rc;
}

int batch_guide_solve(const sched_batch *b, struct tbuild *tb, const double *forced,
                      double budget_s, struct batch_guide *out)
{
    size_t n = sched_batch_ncases(b), np = sched_batch_nproviders(b), capr = 0;
    struct tbuild t = *tb;
    struct batch_chosen ch = {0};
    double t0 = sched_now_s();
    memset(out, 0, sizeof *out);
    out->guided = cal_calloc(np + 1, sizeof *out->guided);
    int rc = out->guided ? SCHED_OK : SCHED_ENOMEM;
    for (size_t g = 0; g < np && !rc; g++)
        if (forced[g] > 1e-6) {
            out->guided[g] = true;
            out->nguided++;
        }
    /* When the bound could not even see every provider in its time, the
     * caseload is too large for this (1000 families): no reservations. */
    if (rc || out->nguided == 0 || budget_s <= 0 || t.cut)
        goto done;
    rc = batch_chosen_init(&ch, &t, n, np);
    for (size_t v = 0; v < t.nvis && !rc; v++)
        if (out->guided[t.vis[v].g] && t.vis[v].count > 0)
            out->total += t.vis[v].factor;
    /* Most contested first; ties by index. */
    for (size_t left = out->nguided; left > 0 && !rc; left--) {
        int g = -1;
        for (size_t k = 0; k < np; k++)
            if (out->guided[k] && !ch.done[k] && (g < 0 || forced[k] > forced[g] + 1e-9))
                g = (int)k;
        double budget = budget_s - (sched_now_s() - t0);
        if (budget <= 0.05)
            break;
        rc = assign_provider(&t, b, &ch, g, budget, out, &capr);
    }
    out->solve_s = sched_now_s() - t0;
done:
    batch_chosen_free(&ch);
    *tb = t; /* its scratch (cols, vals) may have grown */
    if (rc) {
        free(out->resv);
        out->resv = NULL;
        out->nresv = 0;
    }
    return rc;
}
