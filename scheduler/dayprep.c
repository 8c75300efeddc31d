/*
 * What any plan must respect, found before the Benders loop: a trip-day
 * group that has no minutes alone, or two groups of one day that have none
 * together, under a given pair of nights (before, after). Each such fact
 * becomes a master row at once, instead of a cut found round by round. The
 * dedicated search (daysearch.c) settles each in microseconds; a search
 * that runs out of nodes proves nothing and adds no row.
 */
#include "scheduler/days.h"
#include "calendars/util.h"

#include <stdlib.h>
#include <string.h>

#define PREP_NODE_LIMIT 2000L

/* Sum of the night columns after day d (night d: between d and d + 1). */
static size_t put_nights(const struct dmaster *dm, int night, double sign, int *cols, double *vals,
                         size_t n)
{
    const struct sched_ctx *x = dm->x;
    if (!dm->ocol || night < 0 || night + 1 >= x->ndays)
        return n;
    for (size_t p = 0; p < x->c->nplaces; p++) {
        int col = dm->ocol[(size_t)night * x->c->nplaces + p];
        if (col >= 0) {
            cols[n] = col;
            vals[n++] = sign;
        }
    }
    return n;
}

/* The k groups cannot all be chosen under the given nights (night n[i]
 * at lodging when bit[i], none when not): sum y + sum over i of (bit ? N :
 * -N) <= k - 1 + (number of bits set), N the night columns after day n[i]. */
static int add_conflict_at(struct dmaster *dm, const size_t *gs, size_t k, const int *n,
                           const int *bit, int nn)
{
    size_t np = dm->x->c->nplaces;
    int *cols = cal_malloc((k + (size_t)nn * np + 1) * sizeof(int));
    double *vals = cal_malloc((k + (size_t)nn * np + 1) * sizeof(double));
    if (!cols || !vals) {
        free(cols);
        free(vals);
        return SCHED_ENOMEM;
    }
    size_t m = 0;
    double hi = (double)k - 1;
    for (size_t i = 0; i < k; i++) {
        cols[m] = dm->g[gs[i]].col;
        vals[m++] = 1;
    }
    for (int i = 0; i < nn; i++) {
        m = put_nights(dm, n[i], bit[i] ? 1 : -1, cols, vals, m);
        hi += bit[i];
    }
    int r = solver_add_row(dm->m, m, cols, vals, -SOLVER_INF, hi, NULL);
    free(cols);
    free(vals);
    return r < 0 ? SCHED_ENOMEM : SCHED_OK;
}

/* Under nights config c (bit 0 before, bit 1 after), the k groups of day d
 * cannot all be chosen; without nights, under any nights. */
static int add_conflict(struct dmaster *dm, const size_t *gs, size_t k, int d, int c, bool nights)
{
    int n[2] = {d - 1, d}, bit[2] = {c & 1, (c >> 1) & 1};
    return add_conflict_at(dm, gs, k, n, bit, nights ? 2 : 0);
}

/* Check k groups of day d under every nights config that matters. Sets
 * *always when they never fit together, whatever the nights (the caller
 * then writes the row); conditional conflicts are written here. */
static int check_together(struct dmaster *dm, const size_t *gs, size_t k, int d, bool *always)
{
    bool ip = false;
    for (size_t i = 0; i < k; i++)
        ip |= dm->g[gs[i]].mode == SCHED_IN_PERSON;
    bool nights = ip && dm->ocol;
    int nconf = nights ? 4 : 1;
    bool bad[4] = {false, false, false, false};
    int nbad = 0;
    *always = false;
    for (int c = 0; c < nconf; c++) {
        struct dc_query q = {gs, k, NULL, 0, NULL, 0, 1.0, 1 + c};
        struct dc_answer a;
        enum dc_result r = ds_search(dm, &q, PREP_NODE_LIMIT, &a);
        dc_answer_free(&a);
        if (r == DC_ERROR)
            return SCHED_ENOMEM;
        bad[c] = r == DC_INFEASIBLE;
        nbad += bad[c];
    }
    if (nbad == nconf) { /* under any nights */
        *always = true;
        return SCHED_OK;
    }
    for (int c = 0; c < nconf; c++)
        if (bad[c]) {
            int rc = add_conflict(dm, gs, k, d, c, true);
            if (rc)
                return rc;
        }
    return SCHED_OK;
}

/* The day's routes through place p (p < 0: all routes) enter the row with
 * coefficient -1. */
static size_t put_routes(const struct dmaster *dm, int d, int p, int *cols, double *vals, size_t n)
{
    for (size_t i = dm->rd0[d]; i < dm->rd0[d] + dm->rdn[d]; i++)
        if (p < 0 || dm->r[i].a == p || dm->r[i].b == p) {
            cols[n] = dm->r[i].col;
            vals[n++] = -1;
        }
    return n;
}

/* One row per clique of groups of day d that pairwise never share the day
 * (conflicts found above, and groups of one visit): at most one of them,
 * and none without a trip when all are in person (through their place
 * when they share one). Cliques are grown greedily until every conflict
 * lies in one: far tighter for the LP than the pairs alone. */
static int clique_rows(struct dmaster *dm, int d, const size_t *gi, size_t n, unsigned char *adj)
{
    int rc = SCHED_OK;
    int *cols = cal_malloc((n + dm->rdn[d] + 1) * sizeof(int));
    double *vals = cal_malloc((n + dm->rdn[d] + 1) * sizeof(double));
    size_t *cl = cal_malloc((n + 1) * sizeof(size_t));
    if (!cols || !vals || !cl)
        rc = SCHED_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++)
        for (size_t j = i + 1; j < n && !rc; j++) {
            if (adj[i * n + j] != 1)
                continue; /* no conflict, or already in a clique */
            size_t k = 0;
            cl[k++] = i;
            cl[k++] = j;
            for (size_t m = 0; m < n; m++) {
                if (m == i || m == j)
                    continue;
                bool all = true;
                for (size_t e = 0; e < k && all; e++)
                    all = adj[m * n + cl[e]] != 0;
                if (all)
                    cl[k++] = m;
            }
            bool ip = true;
            int place = -2;
            for (size_t e = 0; e < k; e++) {
                const struct dgroup *g = &dm->g[gi[cl[e]]];
                ip &= g->mode == SCHED_IN_PERSON;
                place = place == -2 || place == g->place ? g->place : -1;
                for (size_t f = 0; f < k; f++) /* covered */
                    if (adj[cl[e] * n + cl[f]])
                        adj[cl[e] * n + cl[f]] = 2;
            }
            size_t nn = 0;
            for (size_t e = 0; e < k; e++) {
                cols[nn] = dm->g[gi[cl[e]]].col;
                vals[nn++] = 1;
            }
            if (k == 2 && dm->g[gi[i]].visit == dm->g[gi[j]].visit)
                continue; /* the visit's assignment row says it */
            if (ip)
                nn = put_routes(dm, d, place, cols, vals, nn);
            if (solver_add_row(dm->m, nn, cols, vals, -SOLVER_INF, ip ? 0 : 1, NULL) < 0)
                rc = SCHED_ENOMEM;
        }
    free(cols);
    free(vals);
    free(cl);
    return rc;
}

/* Two groups on different days joined by an order rule whose lag their
 * days do not decide: checked together under every nights setting of the
 * two days (bits 0, 1: before and after the earlier day; 2, 3: the later
 * one). A pair that never fits becomes y_a + y_b <= 1; one that fits only
 * under some nights, a row with the night columns as literals. */
static int check_lag_pair(struct dmaster *dm, size_t ga, size_t gb)
{
    const struct dgroup *a = &dm->g[ga], *b = &dm->g[gb];
    size_t gs[2] = {a->day < b->day ? ga : gb, a->day < b->day ? gb : ga};
    int d0 = dm->g[gs[0]].day, d1 = dm->g[gs[1]].day;
    bool nights = dm->ocol && (a->mode == SCHED_IN_PERSON || b->mode == SCHED_IN_PERSON);
    int nconf = nights ? 16 : 1, nbad = 0;
    bool bad[16] = {false};
    for (int c = 0; c < nconf; c++) {
        if (d1 == d0 + 1 && ((c >> 1) & 1) != ((c >> 2) & 1)) {
            bad[c] = true; /* the night between them is one night */
            nbad++;
            continue;
        }
        struct dc_query q = {gs, 2, NULL, 0, NULL, 0, 1.0, 1 + c};
        struct dc_answer ans;
        enum dc_result r = ds_search(dm, &q, PREP_NODE_LIMIT, &ans);
        dc_answer_free(&ans);
        if (r == DC_ERROR)
            return SCHED_ENOMEM;
        bad[c] = r == DC_INFEASIBLE;
        nbad += bad[c];
    }
    if (nbad == nconf)
        return add_conflict_at(dm, gs, 2, NULL, NULL, 0);
    for (int c = 0; c < nconf; c++) {
        if (!bad[c] || (d1 == d0 + 1 && ((c >> 1) & 1) != ((c >> 2) & 1)))
            continue;
        int n[4] = {d0 - 1, d0, d1 - 1, d1};
        int bit[4] = {c & 1, (c >> 1) & 1, (c >> 2) & 1, (c >> 3) & 1};
        int nn = 4;
        if (d1 == d0 + 1) { /* night d0 once */
            n[2] = d1;
            bit[2] = bit[3];
            nn = 3;
        }
        int rc = add_conflict_at(dm, gs, 2, n, bit, nn);
        if (rc)
            return rc;
    }
    return SCHED_OK;
}

static int lag_pairs(struct dmaster *dm)
{
    const struct sched_case *c = dm->x->c;
    for (size_t A = 0; A < c->nvisits; A++)
        for (size_t l = 0; l < c->visits[A].nbefore; l++) {
            const struct sched_lag *lag = &c->visits[A].before[l];
            size_t B = (size_t)lag->visit;
            for (size_t i = dm->vg0[A]; i < dm->vg0[A] + dm->vgn[A]; i++)
                for (size_t j = dm->vg0[B]; j < dm->vg0[B] + dm->vgn[B]; j++) {
                    const struct dgroup *a = &dm->g[i], *b = &dm->g[j];
                    if (a->day == b->day || a->fixed || b->fixed ||
                        !dm_lag_possible(dm, a, b, lag) || dm_lag_decided(dm, a, b, lag))
                        continue;
                    int rc = check_lag_pair(dm, i, j);
                    if (rc)
                        return rc;
                }
        }
    return SCHED_OK;
}

int dm_prepare(struct dmaster *dm)
{
    const struct sched_ctx *x = dm->x;
    size_t maxn = 0;
    for (int d = 0; d < x->ndays; d++)
        maxn = dm->dgn[d] > maxn ? dm->dgn[d] : maxn;
    unsigned char *adj = cal_malloc(maxn * maxn + 1);
    size_t *gi = cal_malloc((maxn + 1) * sizeof(size_t));
    int rc = adj && gi ? SCHED_OK : SCHED_ENOMEM;
    for (int d = 0; d < x->ndays && !rc; d++) {
        /* The day's groups that may be left out (fixed bookings are not). */
        size_t n = 0;
        for (size_t k = dm->dg0[d]; k < dm->dg0[d] + dm->dgn[d]; k++)
            if (!dm->g[dm->dg[k]].fixed)
                gi[n++] = dm->dg[k];
        memset(adj, 0, n * n + 1);
        for (size_t i = 0; i < n && !rc; i++) {
            size_t gs[2] = {gi[i], 0};
            const struct dgroup *a = &dm->g[gs[0]];
            bool always;
            if (dm->ocol && a->mode == SCHED_IN_PERSON) {
                if ((rc = check_together(dm, gs, 1, d, &always)))
                    break;
                if (always && (rc = add_conflict(dm, gs, 1, d, 0, false)))
                    break;
            }
            for (size_t j = i + 1; j < n && !rc; j++) {
                gs[1] = gi[j];
                const struct dgroup *b = &dm->g[gs[1]];
                if (b->visit == a->visit)
                    always = true;
                else if ((rc = check_together(dm, gs, 2, d, &always)))
                    break;
                adj[i * n + j] = adj[j * n + i] = always;
            }
        }
        if (!rc)
            rc = clique_rows(dm, d, gi, n, adj);
    }
    free(adj);
    free(gi);
    return rc ? rc : lag_pairs(dm);
}
