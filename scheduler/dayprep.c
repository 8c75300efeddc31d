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

/* Under nights config c (bit 0 before, bit 1 after), the k groups of day d
 * cannot all be chosen: sum y + (nb ? NB : -NB) + (na ? NA : -NA) <= k - 1
 * + nb + na, where NB and NA are the nights before and after the day. */
static int add_conflict(struct dmaster *dm, const size_t *gs, size_t k, int d, int c, bool nights)
{
    size_t np = dm->x->c->nplaces;
    int *cols = cal_malloc((k + 2 * np + 1) * sizeof(int));
    double *vals = cal_malloc((k + 2 * np + 1) * sizeof(double));
    if (!cols || !vals) {
        free(cols);
        free(vals);
        return SCHED_ENOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < k; i++) {
        cols[n] = dm->g[gs[i]].col;
        vals[n++] = 1;
    }
    int nb = c & 1, na = (c >> 1) & 1;
    if (nights) {
        n = put_nights(dm, d - 1, nb ? 1 : -1, cols, vals, n);
        n = put_nights(dm, d, na ? 1 : -1, cols, vals, n);
    }
    double hi = (double)k - 1 + (nights ? nb + na : 0);
    int r = solver_add_row(dm->m, n, cols, vals, -SOLVER_INF, hi, NULL);
    free(cols);
    free(vals);
    return r < 0 ? SCHED_ENOMEM : SCHED_OK;
}

/* Check k groups of day d under every nights config that matters. */
static int check_together(struct dmaster *dm, const size_t *gs, size_t k, int d)
{
    bool ip = false;
    for (size_t i = 0; i < k; i++)
        ip |= dm->g[gs[i]].mode == SCHED_IN_PERSON;
    bool nights = ip && dm->ocol;
    int nconf = nights ? 4 : 1;
    bool bad[4] = {false, false, false, false};
    int nbad = 0;
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
    if (nbad == nconf) /* under any nights */
        return add_conflict(dm, gs, k, d, 0, false);
    for (int c = 0; c < nconf; c++)
        if (bad[c]) {
            int rc = add_conflict(dm, gs, k, d, c, true);
            if (rc)
                return rc;
        }
    return SCHED_OK;
}

int dm_prepare(struct dmaster *dm)
{
    const struct sched_ctx *x = dm->x;
    for (int d = 0; d < x->ndays; d++) {
        size_t k0 = dm->dg0[d], k1 = k0 + dm->dgn[d];
        for (size_t i = k0; i < k1; i++) {
            size_t gs[2] = {dm->dg[i], 0};
            const struct dgroup *a = &dm->g[gs[0]];
            int rc;
            if (a->fixed)
                continue;
            if (dm->ocol && a->mode == SCHED_IN_PERSON && (rc = check_together(dm, gs, 1, d)))
                return rc;
            for (size_t j = i + 1; j < k1; j++) {
                gs[1] = dm->dg[j];
                const struct dgroup *b = &dm->g[gs[1]];
                if (b->visit == a->visit || b->fixed)
                    continue;
                if ((rc = check_together(dm, gs, 2, d)))
                    return rc;
            }
        }
    }
    return SCHED_OK;
}
