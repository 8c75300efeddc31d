/*
 * A time-indexed lower bound on how many visits a batch must leave out
 * (docs/batch.md, "Bound and gap").
 *
 * Every plan places a visit at one of its candidates: its own case's
 * feasible starts, which already encode the family's free time, day
 * window, notice, nursing and the visit's window. A linear programme places
 * visits fractionally on those candidates (the modes of one start and end
 * merged), subject to what every plan obeys:
 *   - each visit at most once;
 *   - each provider at most `capacity` patients at every instant, less its
 *     fixed bookings (one row per maximal set of overlapping candidates);
 *   - a visit that must come after another only when that one is placed,
 *     and its starts that the same window of the other's ends allows at
 *     most as often as the other's starts ending in that window.
 * Its optimum is at least the weighted number of visits any plan places, so
 * the weighted count of visits left out is at least the total minus it.
 * Each provider is then independent: one small LP each, whose optimum is
 * rounded down (a plan places a whole weighted number of its visits).
 * (Rows for each family's own time, daily limits and links between two
 * providers were measured on the generated caseloads, also all providers
 * in one model, and proved nothing more: docs/batch.md.)
 */
#include "scheduler/batch_tindex.h"
#include "scheduler/sched_internal.h"
#include "solver/solver.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Room for n entries of a row in cols and vals. */
int tix_need_nz(struct tbuild *t, size_t n)
{
    if (n <= t->capnz)
        return SCHED_OK;
    size_t nc = t->capnz ? t->capnz * 2 : 1024;
    while (nc < n)
        nc *= 2;
    int *c = cal_realloc(t->cols, nc * sizeof *c);
    if (!c)
        return SCHED_ENOMEM;
    t->cols = c;
    double *v = cal_realloc(t->vals, nc * sizeof *v);
    if (!v)
        return SCHED_ENOMEM;
    t->vals = v;
    t->capnz = nc;
    return SCHED_OK;
}

static int cmp_cand_time(const void *a, const void *b)
{
    const struct cand *x = *(const struct cand *const *)a, *y = *(const struct cand *const *)b;
    if (x->ustart != y->ustart)
        return x->ustart < y->ustart ? -1 : 1;
    return (x->uend > y->uend) - (x->uend < y->uend);
}

bool tix_gap_ok(const struct tlink *l, const struct tcol *a, const struct tcol *w)
{
    cal_time gap = w->s - a->e;
    return gap >= (cal_time)l->min_gap * 60 && (l->max_gap < 0 || gap <= (cal_time)l->max_gap * 60);
}

static int cmp_time(const void *a, const void *b)
{
    cal_time x = *(const cal_time *)a, y = *(const cal_time *)b;
    return (x > y) - (x < y);
}

/* Drop the starts of link l's later visit that no start of the earlier one
 * (its na columns at ac) allows: every plan places a visit after those
 * that must come before it, at their gaps. The block of the visit shrinks
 * in place; the columns left behind belong to nobody (g -1). A visit left
 * with no start is left out by every plan. True when a start was dropped. */
static bool prune_starts(struct tbuild *t, const struct tlink *l, const struct tcol *ac, size_t na)
{
    struct tvis *w = &t->vis[l->b];
    size_t keep = w->first, end = w->first + w->count;
    /* The earlier visit's ends, sorted: a start s needs one in
     * [s - max, s - min]. */
    cal_time *ends = cal_malloc((na ? na : 1) * sizeof *ends);
    if (!ends)
        return false; /* nothing dropped: weaker, still valid */
    for (size_t j = 0; j < na; j++)
        ends[j] = ac[j].e;
    qsort(ends, na, sizeof *ends, cmp_time);
    for (size_t k = w->first; k < end; k++) {
        cal_time hi = t->col[k].s - (cal_time)l->min_gap * 60;
        size_t lo = 0, n = na; /* first end > hi */
        while (lo < n) {
            size_t mid = lo + (n - lo) / 2;
            if (ends[mid] <= hi)
                lo = mid + 1;
            else
                n = mid;
        }
        bool ok =
            lo > 0 && (l->max_gap < 0 || t->col[k].s - ends[lo - 1] <= (cal_time)l->max_gap * 60);
        if (ok)
            t->col[keep++] = t->col[k];
    }
    free(ends);
    if (keep == end)
        return false;
    for (size_t k = keep; k < end; k++)
        t->col[k].g = -1;
    w->count = keep - w->first;
    if (w->count == 0) {
        t->total -= w->factor;
        t->pruned += w->factor;
        w->pruned = true;
    }
    return true;
}

/* A start in person may be reachable only from the lodging, which needs a
 * trip the day before or after: batch_guide.c keeps to the starts a family
 * reaches from home and back within its day (or that need no trip). */
static bool day_trip_ok(const struct sched_ctx *x, const struct cand *cd)
{
    return cd->mode != SCHED_IN_PERSON || cd->fixed || ctx_away_ok(x, cd->day, cd->dep, cd->ret);
}

/* Per day and place of a family: the visit with an in-person candidate
 * there, -1 none, -2 two or more. */
static int *place_visits(const struct sched_ctx *x)
{
    size_t np = x->c->nplaces;
    int *pv = cal_malloc(((size_t)x->ndays * np + 1) * sizeof *pv);
    if (!pv)
        return NULL;
    for (size_t i = 0; i < (size_t)x->ndays * np; i++)
        pv[i] = -1;
    for (size_t k = 0; k < x->ncands; k++) {
        const struct cand *cd = &x->cands[k];
        if (cd->mode != SCHED_IN_PERSON || cd->place < 0)
            continue;
        int *at = &pv[(size_t)cd->day * np + (size_t)cd->place];
        *at = *at == -1 || *at == cd->visit ? cd->visit : -2;
    }
    return pv;
}

/* True when the family may spend the night after day n at the lodging next
 * to an in-person visit of cd's at its place on day `other` (n or n + 1):
 * a night joins two trip days to that one place (model.c, row family 12),
 * and a trip day has an in-person visit at every place of its route, here
 * another visit than cd's. */
static bool night_ok(const struct sched_ctx *x, const int *pv, const struct cand *cd, int n,
                     int other)
{
    const struct sched_case *c = x->c;
    if (n < 0 || n + 1 >= x->ndays)
        return false;
    if (c->family.travel_needs_nurse &&
        !cal_set_covers(&c->nursing, ctx_utc(x, n, x->win1), ctx_utc(x, n + 1, x->win0)))
        return false;
    int v = pv[(size_t)other * c->nplaces + (size_t)cd->place];
    return v == -2 || (v >= 0 && v != cd->visit);
}

/* A start in person that only the lodging reaches is a start of some plan
 * only with a night there before or after it that another visit of the
 * family's, at the same place on the day before or after, makes possible
 * (with such a night, its leg from or to the lodging applies instead).
 * Other starts are kept as they are. */
static bool lodging_ok(const struct sched_ctx *x, const int *pv, const struct cand *cd)
{
    if (day_trip_ok(x, cd) || x->lodging < 0 || cd->place < 0)
        return true;
    bool before = night_ok(x, pv, cd, cd->day - 1, cd->day - 1);
    bool after = night_ok(x, pv, cd, cd->day, cd->day + 1);
    return (before && ctx_away_ok(x, cd->day, cd->dep_l, cd->ret)) ||
           (after && ctx_away_ok(x, cd->day, cd->dep, cd->ret_l)) ||
           (before && after && ctx_away_ok(x, cd->day, cd->dep_l, cd->ret_l));
}

/* Visit i's columns (tv, at the end of t->vis): one per distinct start
 * and end of its candidates that are starts of some plan; a visit with
 * none is left out by every plan. tmp: scratch. */
static int add_columns(struct tbuild *t, const struct sched_ctx *x, const int *pv, size_t i,
                       struct tvis *tv, const struct cand ***tmp, size_t *captmp)
{
    if (cal_grow(tmp, captmp, x->vcount[i] + 1, sizeof **tmp))
        return SCHED_ENOMEM;
    const struct cand **k0 = *tmp;
    size_t nk = 0;
    for (size_t k = 0; k < x->vcount[i]; k++)
        if (lodging_ok(x, pv, &x->cands[x->vfirst[i] + k]))
            k0[nk++] = &x->cands[x->vfirst[i] + k];
    if (nk == 0) {
        t->never += tv->factor;
        return SCHED_OK;
    }
    t->total += tv->factor;
    qsort(k0, nk, sizeof *k0, cmp_cand_time);
    for (size_t k = 0; k < nk; k++) {
        const struct cand *cd = k0[k];
        bool day_trip = day_trip_ok(x, cd);
        if (k > 0 && k0[k - 1]->ustart == cd->ustart && k0[k - 1]->uend == cd->uend) {
            t->col[t->ncol - 1].day_trip |= day_trip;
            continue;
        }
        if (cal_grow(&t->col, &t->capcol, t->ncol + 1, sizeof *t->col))
            return SCHED_ENOMEM;
        t->col[t->ncol++] =
            (struct tcol){tv->g, (int)(tv - t->vis), cd->ustart, cd->uend, -1, cd->day, day_trip};
    }
    tv->count = t->ncol - tv->first;
    return SCHED_OK;
}

/* One family's visits (columns: one per distinct start and end, modes
 * merged, each a start of some plan), fixed bookings and "after" links. */
int tix_add_family(struct tbuild *t, const sched_batch *b, size_t f)
{
    const struct sched_case *c = sched_batch_case(b, f);
    struct sched_ctx x;
    int rc = ctx_init(&x, c);
    if (rc)
        return rc;
    size_t v0 = t->nvis;
    const struct cand **tmp = NULL;
    size_t captmp = 0;
    int *pv = place_visits(&x);
    if (!pv) {
        rc = SCHED_ENOMEM;
        goto done;
    }
    if ((rc = cal_grow(&t->vis, &t->capvis, t->nvis + c->nvisits, sizeof *t->vis) ? SCHED_ENOMEM
                                                                                  : SCHED_OK))
        goto done;
    for (size_t i = 0; i < c->nvisits && !rc; i++) {
        const struct sched_visit *w = &c->visits[i];
        int factor = w->priority_factor > 0 ? w->priority_factor : 1;
        int g = sched_batch_provider_of(b, f, (size_t)w->provider);
        struct tvis *tv = &t->vis[t->nvis++];
        *tv = (struct tvis){t->ncol, 0, factor, g, (int)f, (int)i, false};
        if (w->booked && !w->movable) {
            if ((rc = cal_grow(&t->fix, &t->capfix, t->nfix + 1, sizeof *t->fix) ? SCHED_ENOMEM
                                                                                 : SCHED_OK))
                break;
            t->fix[t->nfix++] =
                (struct tfix){g, w->booked_start, w->booked_start + (cal_time)w->minutes * 60};
            continue;
        }
        rc = add_columns(t, &x, pv, i, tv, &tmp, &captmp);
    }
    /* Visit i before visit w of the same provider: w is placed only when i
     * is. A fixed booking is always there; a visit with no candidate never
     * is (its followers then have a row with nothing on the right). The
     * per-provider LPs use only the links within their provider: links
     * between two (lab tests before a specialist's visit) proved nothing
     * more on the generated caseloads; batch_guide.c uses them. Every link
     * also drops the later visit's starts that no start of the earlier one
     * allows (below). */
    size_t l0 = t->nlink;
    for (size_t i = 0; i < c->nvisits && !rc; i++) {
        for (size_t l = 0; l < c->visits[i].nbefore && !rc; l++) {
            size_t w = (size_t)c->visits[i].before[l].visit;
            if (w >= c->nvisits || t->vis[v0 + w].count == 0)
                continue;
            if (c->visits[i].booked && !c->visits[i].movable) {
                struct tlink fl = {-1, (int)(v0 + w), c->visits[i].before[l].min_gap_minutes,
                                   c->visits[i].before[l].max_gap_minutes};
                struct tcol fc = {.s = c->visits[i].booked_start,
                                  .e = c->visits[i].booked_start +
                                       (cal_time)c->visits[i].minutes * 60};
                prune_starts(t, &fl, &fc, 1);
                continue;
            }
            if ((rc = cal_grow(&t->link, &t->caplink, t->nlink + 1, sizeof *t->link) ? SCHED_ENOMEM
                                                                                     : SCHED_OK))
                break;
            t->link[t->nlink++] =
                (struct tlink){(int)(v0 + i), (int)(v0 + w), c->visits[i].before[l].min_gap_minutes,
                               c->visits[i].before[l].max_gap_minutes};
        }
    }
    /* Until nothing changes: a start of a visit with no start of its
     * predecessor early and late enough before it is no start at all. */
    for (bool changed = true; changed && !rc;) {
        changed = false;
        for (size_t l = l0; l < t->nlink; l++) {
            const struct tvis *a = &t->vis[t->link[l].a];
            changed |= prune_starts(t, &t->link[l], &t->col[a->first], a->count);
        }
    }
done:
    free(pv);
    free(tmp);
    ctx_free(&x);
    return rc;
}

int tix_cmp_item(const void *a, const void *b)
{
    const struct titem *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    if (x->e != y->e)
        return x->e < y->e ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Rows "at most cap patients at every instant" over items (sorted by
 * start; idx an LP column, or -1 - a fixed booking): one at each start after which an item ends
 * before the next start (a maximal set of overlapping items), fixed bookings taking their place
 * from cap. */
int tix_capacity_rows(struct tbuild *t, solver_model *m, const struct titem *it, size_t n, int cap,
                      size_t *act)
{
    size_t na = 0;
    for (size_t i = 0; i < n;) {
        cal_time at = it[i].s;
        size_t k = 0;
        for (size_t j = 0; j < na; j++)
            if (it[act[j]].e > at)
                act[k++] = act[j];
        na = k;
        for (; i < n && it[i].s == at; i++)
            act[na++] = i;
        cal_time next = i < n ? it[i].s : INT64_MAX, min_end = INT64_MAX;
        int fixed = 0;
        size_t ncols = 0;
        for (size_t j = 0; j < na; j++) {
            if (it[act[j]].e < min_end)
                min_end = it[act[j]].e;
            if (it[act[j]].idx < 0)
                fixed++;
            else
                ncols++;
        }
        if (ncols == 0)
            continue; /* (an aggregate may stand for several visits: no row is spared) */
        /* The next start sees the same items and more: its row is at least as
         * strong unless a fixed booking starts there (then both are kept). */
        if (next < min_end) {
            bool fixed_next = false;
            for (size_t j = i; j < n && it[j].s == next; j++)
                fixed_next |= it[j].idx < 0;
            if (!fixed_next)
                continue;
        }
        int rc = tix_need_nz(t, ncols);
        if (rc)
            return rc;
        size_t nz = 0;
        for (size_t j = 0; j < na; j++)
            if (it[act[j]].idx >= 0) {
                t->cols[nz] = (int)it[act[j]].idx;
                t->vals[nz++] = 1;
            }
        double hi = cap - fixed > 0 ? cap - fixed : 0;
        if (solver_add_row(m, nz, t->cols, t->vals, -SOLVER_INF, hi, NULL) < 0)
            return SCHED_ENOMEM;
    }
    return SCHED_OK;
}

/* Provider g's rows over the model columns already given to its
 * candidates (t->col[k].lp): one aggregate column y per distinct time of
 * the candidates (the visits started then sum to at most y) and capacity
 * at every instant over the y's and the fixed bookings. The rows stay
 * short however many families share the provider. */
int tix_provider_rows(struct tbuild *t, solver_model *m, const sched_batch *b, int g)
{
    struct titem *it = NULL;
    size_t *act = NULL, nit = 0, capit = 0;
    int rc = SCHED_OK;
    /* Capacity at every instant. */
    for (size_t k = 0; k < t->ncol && !rc; k++)
        if (t->col[k].g == g && t->col[k].lp >= 0) {
            if ((rc = cal_grow(&it, &capit, nit + 1, sizeof *it) ? SCHED_ENOMEM : SCHED_OK))
                break;
            it[nit++] = (struct titem){t->col[k].s, t->col[k].e, (long)k};
        }
    for (size_t k = 0; k < t->nfix && !rc; k++)
        if (t->fix[k].g == g) {
            if ((rc = cal_grow(&it, &capit, nit + 1, sizeof *it) ? SCHED_ENOMEM : SCHED_OK))
                break;
            it[nit++] = (struct titem){t->fix[k].s, t->fix[k].e, -1 - (long)k};
        }
    /* Fixed bookings stay items of their own. */
    size_t ny = 0;
    if (!rc && nit > 0) {
        qsort(it, nit, sizeof *it, tix_cmp_item);
        if (!(act = cal_malloc(nit * sizeof *act)))
            rc = SCHED_ENOMEM;
    }
    for (size_t i = 0; i < nit && !rc;) {
        if (it[i].idx < 0) {
            it[ny++] = it[i++];
            continue;
        }
        size_t j = i;
        while (j < nit && it[j].idx >= 0 && it[j].s == it[i].s && it[j].e == it[i].e)
            j++;
        int y = solver_add_col(m, 0, SOLVER_INF, 0, false, NULL);
        if (y < 0 || (rc = tix_need_nz(t, j - i + 1))) {
            rc = SCHED_ENOMEM;
            break;
        }
        size_t nz = 0;
        for (size_t k = i; k < j; k++, nz++) {
            t->cols[nz] = t->col[it[k].idx].lp;
            t->vals[nz] = 1;
        }
        t->cols[nz] = y;
        t->vals[nz++] = -1;
        if (solver_add_row(m, nz, t->cols, t->vals, -SOLVER_INF, 0, NULL) < 0) {
            rc = SCHED_ENOMEM;
            break;
        }
        it[ny++] = (struct titem){it[i].s, it[i].e, y};
        i = j;
    }
    if (!rc && ny > 0)
        rc = tix_capacity_rows(t, m, it, ny, sched_batch_capacity(b, (size_t)g), act);
    free(it);
    free(act);
    return rc;
}

struct tend {
    cal_time e;
    int lp;
};

static int cmp_tend(const void *a, const void *b)
{
    const struct tend *x = a, *y = b;
    if (x->e != y->e)
        return x->e < y->e ? -1 : 1;
    return (x->lp > y->lp) - (x->lp < y->lp);
}

/* The window [*lo, *hi) of the earlier visit's ends (sorted) that allow
 * a start s of the later one for link l; both only move forward as s
 * grows. */
static void link_window(const struct tlink *l, const struct tend *en, size_t na, cal_time s,
                        size_t *lo, size_t *hi)
{
    while (*hi < na && en[*hi].e <= s - (cal_time)l->min_gap * 60)
        (*hi)++;
    if (l->max_gap >= 0)
        while (*lo < *hi && s - en[*lo].e > (cal_time)l->max_gap * 60)
            (*lo)++;
}

/* Link l's rows (both its visits in the LP): the later visit only when
 * the earlier one is placed; and the later visit's starts that the same
 * window of the earlier one's ends allows sum to at most the earlier
 * one's starts ending in that window (else the LP could place the earlier
 * visit early and the later one late, out of each other's reach). The
 * later visit's starts are sorted, so a window's starts are consecutive. */
static int link_rows(struct tbuild *t, solver_model *m, const struct tlink *l, struct tend **en,
                     size_t *capen)
{
    const struct tvis *a = &t->vis[l->a], *w = &t->vis[l->b];
    size_t na = a->count, nz = 0;
    int rc = tix_need_nz(t, a->count + w->count);
    if (rc || cal_grow(en, capen, na + 1, sizeof **en))
        return rc ? rc : SCHED_ENOMEM;
    for (size_t k = 0; k < w->count; k++, nz++) {
        t->cols[nz] = t->col[w->first + k].lp;
        t->vals[nz] = 1;
    }
    for (size_t k = 0; k < na; k++, nz++) {
        t->cols[nz] = t->col[a->first + k].lp;
        t->vals[nz] = -1;
        (*en)[k] = (struct tend){t->col[a->first + k].e, t->col[a->first + k].lp};
    }
    if (solver_add_row(m, nz, t->cols, t->vals, -SOLVER_INF, 0, NULL) < 0)
        return SCHED_ENOMEM;
    qsort(*en, na, sizeof **en, cmp_tend);
    size_t lo = 0, hi = 0, k0 = 0;
    for (size_t k = 0; k < w->count && !rc; k++) {
        link_window(l, *en, na, t->col[w->first + k].s, &lo, &hi);
        if (k + 1 < w->count) {
            size_t nlo = lo, nhi = hi; /* the next start's window */
            link_window(l, *en, na, t->col[w->first + k + 1].s, &nlo, &nhi);
            if (nlo == lo && nhi == hi)
                continue;
        }
        if ((rc = tix_need_nz(t, k + 1 - k0 + hi - lo)))
            break;
        nz = 0;
        for (size_t j = k0; j <= k; j++, nz++) {
            t->cols[nz] = t->col[w->first + j].lp;
            t->vals[nz] = 1;
        }
        for (size_t j = lo; j < hi; j++, nz++) {
            t->cols[nz] = (*en)[j].lp;
            t->vals[nz] = -1;
        }
        if (solver_add_row(m, nz, t->cols, t->vals, -SOLVER_INF, 0, NULL) < 0)
            rc = SCHED_ENOMEM;
        k0 = k + 1;
    }
    return rc;
}

/* The LP of provider g: the weighted visits it can place at most, in
 * *placed (all of them when it cannot be solved). Long on purpose: the
 * model's four row families (one start per visit, links, capacity at
 * every instant, the aggregate time columns) share the column numbering
 * built in the first loop, and the model is solved once at the end. */
static int solve_provider(struct tbuild *t, const sched_batch *b, int g, double limit_s,
                          bool integer, struct tend **en, size_t *capen, double *placed)
{
    solver_model *m = solver_model_new();
    double all = 0;
    int rc = m ? SCHED_OK : SCHED_ENOMEM;
    /* Columns, and the visits' rows, in visit order. */
    int ncol = 0;
    for (size_t v = 0; v < t->nvis && !rc; v++) {
        const struct tvis *tv = &t->vis[v];
        if (tv->count == 0 || tv->g != g)
            continue;
        all += tv->factor;
        if ((rc = tix_need_nz(t, tv->count)))
            break;
        for (size_t k = 0; k < tv->count; k++) {
            if (solver_add_col(m, 0, 1, -(double)tv->factor, integer, NULL) < 0) {
                rc = SCHED_ENOMEM;
                break;
            }
            t->col[tv->first + k].lp = ncol;
            t->cols[k] = ncol++;
            t->vals[k] = 1;
        }
        if (!rc && solver_add_row(m, tv->count, t->cols, t->vals, -SOLVER_INF, 1, NULL) < 0)
            rc = SCHED_ENOMEM;
    }
    for (size_t l = 0; l < t->nlink && !rc; l++)
        if (t->vis[t->link[l].a].g == g && t->vis[t->link[l].b].g == g)
            rc = link_rows(t, m, &t->link[l], en, capen);
    if (!rc)
        rc = tix_provider_rows(t, m, b, g);
    *placed = all; /* no proof: every visit counts as placed */
    if (!rc && ncol > 0) {
        struct solver_params sp;
        struct solver_result res;
        solver_params_init(&sp);
        sp.time_limit_s = limit_s; /* stopped early: no proof, every visit placed */
        /* The programme's optimum is a whole number: once the best plan
         * found is within less than one of the proven bound, that bound
         * rounds to it. */
        sp.abs_gap = integer ? 0.99 : 0;
        memset(&res, 0, sizeof res);
        /* Any plan places a whole weighted number (factors are whole). */
        if (solver_solve(m, &sp, &res) == SOLVER_OK) {
            if (res.outcome == SOLVER_OPTIMAL && !integer)
                *placed = fmin(all, floor(-res.objective + 1e-6));
            else if (integer && res.outcome != SOLVER_INFEASIBLE && res.bound > -SOLVER_INF)
                *placed = fmin(all, floor(-res.bound + 1e-6)); /* stopped or not, proven */
        }
        solver_result_free(&res);
    }
    solver_model_free(m);
    return rc;
}

int tix_provider_count(struct tbuild *t, const sched_batch *b, int g, double limit_s, bool integer,
                       double *placed)
{
    struct tend *en = NULL;
    size_t capen = 0;
    int rc = solve_provider(t, b, g, limit_s, integer, &en, &capen, placed);
    free(en);
    return rc;
}

int batch_time_bound(const sched_batch *b, const bool *active, double budget_s,
                     struct batch_forced *bf, double *out)
{
    return tix_time_bound(b, active, budget_s, bf, out, NULL);
}

/* Weighted visits of provider g with a start. */
static double with_start(const struct tbuild *t, int g)
{
    double all = 0;
    for (size_t v = 0; v < t->nvis; v++)
        if (t->vis[v].count > 0 && t->vis[v].g == g)
            all += t->vis[v].factor;
    return all;
}

int tix_time_bound(const sched_batch *b, const bool *active, double budget_s,
                   struct batch_forced *bf, double *out, struct tbuild *keep)
{
    struct tbuild t = {0};
    size_t n = sched_batch_ncases(b), np = sched_batch_nproviders(b), capen = 0;
    double placed = 0, t0 = sched_now_s();
    struct tend *en = NULL;
    double *p = cal_calloc(np + 1, sizeof *p);
    int rc = p ? SCHED_OK : SCHED_ENOMEM;
    *out = 0;
    for (size_t f = 0; f < n && !rc; f++)
        if (!active || active[f])
            rc = tix_add_family(&t, b, f);
    for (size_t g = 0; g < np && !rc; g++) {
        if (sched_now_s() - t0 > budget_s) {
            /* Out of time: the providers left count every visit as placed. */
            t.cut = true;
            p[g] = with_start(&t, (int)g);
        } else {
            rc = solve_provider(&t, b, (int)g, fmax(0.05, budget_s - (sched_now_s() - t0)), false,
                                &en, &capen, &p[g]);
        }
    }
    /* Where an LP proves visits left out, the same programme in whole
     * numbers may prove more: a plan cannot split a visit over two starts
     * that each half fit (on the 150-family caseload of seed 11, one visit
     * more at cc-2, in about 4 s). Its proven bound counts even when it
     * stops at the time left; each LP's count stands otherwise. */
    for (size_t g = 0; g < np && !rc && !t.cut; g++) {
        double lim = budget_s - (sched_now_s() - t0), ip = p[g];
        if (p[g] < with_start(&t, (int)g) - 0.5 && lim > 0.05) {
            rc = solve_provider(&t, b, (int)g, lim, true, &en, &capen, &ip);
            p[g] = fmin(p[g], ip);
        }
    }
    for (size_t g = 0; g < np && !rc; g++) {
        placed += p[g];
        if (bf) {
            /* Visits whose every start lost its predecessor count here, at
             * their provider: never lists only visits with no start at all,
             * as the per-day bound's does, so the two add up per provider. */
            double pruned = 0;
            for (size_t v = 0; v < t.nvis; v++)
                if (t.vis[v].pruned && t.vis[v].g == (int)g)
                    pruned += t.vis[v].factor;
            bf->provider[g] = fmax(0, with_start(&t, (int)g) - p[g]) + pruned;
        }
    }
    if (bf)
        bf->never = t.never;
    if (!rc) {
        double left = t.total - placed;
        *out = t.never + t.pruned + (left > 1e-6 ? ceil(left - 1e-6) : 0);
    }
    free(en);
    free(p);
    if (!rc && keep)
        *keep = t; /* the caller's now */
    else
        tix_free(&t);
    return rc;
}

void tix_free(struct tbuild *t)
{
    free(t->col);
    free(t->vis);
    free(t->link);
    free(t->fix);
    free(t->cols);
    free(t->vals);
    memset(t, 0, sizeof *t);
}
