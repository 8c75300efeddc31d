/*
 * The moves of the batch search (docs/batch.md, "How it plans"): which
 * family a move is for, and which families are re-planned with it. A
 * family above its own bound is re-planned first, with one to three
 * families holding the providers it needs re-planned after it (those whose
 * appointments stand in the way of its visits left out, likelier); or, for
 * a visit left out, one of its possible times is freed (an ejection chain,
 * slot_move): the families holding it are re-planned without it, with
 * others whose time they may take, and the family last. Every choice comes
 * from the search's seeded generator and its state only.
 */
#include "scheduler/batch_search.h"
#include "calendars/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SLOT_SHARE 0.5 /* of the moves for a family with a visit left out: slot-freeing */

static double slack(const struct search *s, size_t f)
{
    return s->cur[f]->objective - (s->has_bound[f] ? s->bound[f] : 0);
}

/* Providers (batch-wide) that family f needs most: those of its visits left
 * out, else those of all its visits. */
static void needed_providers(const struct search *s, size_t f, bool *need)
{
    const struct sched_case *c = sched_batch_case(s->b, f);
    const struct sched_plan *p = s->cur[f];
    size_t np = sched_batch_nproviders(s->b);
    bool any = false;
    memset(need, 0, np * sizeof *need);
    for (size_t i = 0; i < p->nunscheduled; i++) {
        int v = p->unscheduled[i].visit;
        if (p->unscheduled[i].code != SCHED_REASON_DISPLACED)
            continue;
        need[sched_batch_provider_of(s->b, f, (size_t)c->visits[v].provider)] = true;
        any = true;
    }
    if (!any)
        for (size_t v = 0; v < c->nvisits; v++)
            need[sched_batch_provider_of(s->b, f, (size_t)c->visits[v].provider)] = true;
}

static bool earlier_competitors(struct search *s, size_t f, const struct sched_ctx *x, int v);

/* The families whose appointments stand in the way of family f's visits
 * left out: weight[h] counts the holds of h at the provider of such a visit
 * that overlap one of the visit's own candidate times (capacity ignored).
 * True when some family was found. */
static bool competitors(struct search *s, size_t f)
{
    const struct sched_case *c = sched_batch_case(s->b, f);
    const struct sched_plan *p = s->cur[f];
    struct sched_ctx x;
    bool any = false;
    if (p->nunscheduled == 0 || ctx_init(&x, c) != SCHED_OK)
        return false;
    for (size_t i = 0; i < p->nunscheduled; i++) {
        int v = p->unscheduled[i].visit;
        if (v < 0 || (size_t)v >= c->nvisits || x.vcount[v] == 0)
            continue;
        struct cal_set own = {0};
        bool oom = false;
        for (size_t k = 0; k < x.vcount[v] && !oom; k++)
            oom = cal_set_add(&own, x.cands[x.vfirst[v] + k].ustart,
                              x.cands[x.vfirst[v] + k].uend) != 0;
        int g = sched_batch_provider_of(s->b, f, (size_t)c->visits[v].provider);
        for (size_t j = 0; j < s->nholds && !oom; j++) {
            const struct sched_hold *h = &s->holds[j];
            if (h->provider != g || (size_t)h->family == f || !s->active[h->family] ||
                s->used[h->family] || !cal_set_overlaps(&own, h->start, h->end))
                continue;
            s->weight[h->family] += 1;
            any = true;
        }
        cal_set_free(&own);
        if (!oom && earlier_competitors(s, f, &x, v))
            any = true;
    }
    ctx_free(&x);
    return any;
}

/* Pick an index by weight (w[i] >= 0); -1 when all are 0. */
static long pick(uint64_t *rng, const double *w, size_t n)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    if (!(total > 0))
        return -1;
    double x = rnd01(rng) * total;
    for (size_t i = 0; i < n; i++) {
        if (w[i] <= 0)
            continue;
        if (x < w[i])
            return (long)i;
        x -= w[i];
    }
    for (size_t i = n; i-- > 0;)
        if (w[i] > 0)
            return (long)i;
    return -1;
}

/* The holds of provider g: [*lo, return value). */
static size_t holds_of(const struct search *s, int g, size_t *lo)
{
    size_t a = 0, z = s->nholds;
    while (a < z) {
        size_t mid = (a + z) / 2;
        if (s->holds[mid].provider < g)
            a = mid + 1;
        else
            z = mid;
    }
    *lo = a;
    while (z < s->nholds && s->holds[z].provider == g)
        z++;
    return z;
}

/* A visit of family f left out that has times of its own (not one waiting
 * for another visit), at random; -1 when none. */
static int left_out_visit(struct search *s, size_t f, const struct sched_ctx *x)
{
    const struct sched_plan *p = s->cur[f];
    const struct sched_case *c = sched_batch_case(s->b, f);
    int v = -1;
    double total = 0;
    for (size_t i = 0; i < p->nunscheduled; i++) {
        const struct sched_unscheduled *u = &p->unscheduled[i];
        if (u->visit < 0 || (size_t)u->visit >= c->nvisits || x->vcount[u->visit] == 0 ||
            u->code == SCHED_REASON_PREDECESSOR || u->code == SCHED_REASON_PAIR ||
            u->code == SCHED_REASON_CANCELLED)
            continue;
        /* Where the plan leaves out more than provider time forces, likelier;
         * a soon or urgent visit weighs as 2 or 4 routine ones. */
        int g = sched_batch_provider_of(s->b, f, (size_t)c->visits[u->visit].provider);
        double w =
            (s->excess[g] > 0.5 ? 1.0 : 0.1) *
            (c->visits[u->visit].priority_factor > 1 ? c->visits[u->visit].priority_factor : 1);
        /* Less likely each time freeing a slot for it failed. */
        int vf = s->vfails[f][u->visit];
        w /= (1.0 + vf) * (1.0 + vf);
        total += w;
        if (rnd01(&s->rng) * total < w)
            v = u->visit;
    }
    return v;
}

/* Family m leaves provider g's time [us, ue): add to s->weight the families
 * that alone stand in the way of one of its own possible times at g for
 * that appointment (holds lo..hi are g's; f is the family the move is for).
 * True when some family was found. */
static bool chain_weights(struct search *s, size_t m, int g, int cap, cal_time us, cal_time ue,
                          size_t lo, size_t hi, size_t f)
{
    const struct sched_case *c = sched_batch_case(s->b, m);
    const struct sched_plan *p = s->cur[m];
    int v = -1;
    for (size_t i = 0; i < p->nappts && v < 0; i++)
        if (p->appts[i].start < ue && p->appts[i].end > us &&
            sched_batch_provider_of(s->b, m, (size_t)c->visits[p->appts[i].visit].provider) == g)
            v = p->appts[i].visit;
    struct sched_ctx x;
    bool any = false;
    if (v < 0 || ctx_init(&x, c) != SCHED_OK)
        return false;
    const struct cand *cand = &x.cands[x.vfirst[v]];
    for (size_t k = 0; k < x.vcount[v]; k++) {
        if (cand[k].ustart < ue && cand[k].uend > us)
            continue;
        int count = 0;
        bool stuck = false;
        for (size_t j = lo; j < hi && s->holds[j].start < cand[k].uend; j++) {
            const struct sched_hold *h = &s->holds[j];
            if (h->end <= cand[k].ustart || (size_t)h->family == m || (size_t)h->family == f)
                continue;
            stuck |= !s->active[h->family] || s->used[h->family];
            count++;
        }
        if (stuck || count != cap)
            continue;
        for (size_t j = lo; j < hi && s->holds[j].start < cand[k].uend; j++) {
            const struct sched_hold *h = &s->holds[j];
            if (h->end <= cand[k].ustart || (size_t)h->family == m || (size_t)h->family == f)
                continue;
            s->weight[h->family] += 1.0 / count;
            any = true;
        }
    }
    ctx_free(&x);
    return any;
}

/* Visit b at bs keeps lag l after an appointment of the other visit
 * ending at ae. */
static bool lag_ok(const struct sched_lag *l, cal_time ae, cal_time bs)
{
    return bs >= ae + (cal_time)l->min_gap_minutes * 60 &&
           (l->max_gap_minutes < 0 || bs <= ae + (cal_time)l->max_gap_minutes * 60);
}

/* Would visit v of family f at [us, ue) keep its order with the visits of
 * f's plan it is tied to (before / after gaps), visit skip aside? */
static bool keeps_order(const struct search *s, size_t f, int v, cal_time us, cal_time ue, int skip)
{
    const struct sched_case *c = sched_batch_case(s->b, f);
    const struct sched_plan *p = s->cur[f];
    for (size_t i = 0; i < p->nappts; i++) {
        const struct sched_appt *a = &p->appts[i];
        if (a->visit == skip)
            continue;
        const struct sched_visit *x = &c->visits[a->visit];
        for (size_t l = 0; l < x->nbefore; l++) /* a before v */
            if (x->before[l].visit == v &&
                (us < a->end + (cal_time)x->before[l].min_gap_minutes * 60 ||
                 (x->before[l].max_gap_minutes >= 0 &&
                  us > a->end + (cal_time)x->before[l].max_gap_minutes * 60)))
                return false;
        const struct sched_visit *w = &c->visits[v];
        for (size_t l = 0; l < w->nbefore; l++) /* v before a */
            if (w->before[l].visit == a->visit &&
                (a->start < ue + (cal_time)w->before[l].min_gap_minutes * 60 ||
                 (w->before[l].max_gap_minutes >= 0 &&
                  a->start > ue + (cal_time)w->before[l].max_gap_minutes * 60)))
                return false;
    }
    return true;
}

/* How easily the appointment of hold h can move elsewhere: 0 for a fixed
 * booking or a past one; less when it is tied to other visits (before,
 * after, same day), more when it may take another mode. */
static double ease(const struct search *s, const struct sched_hold *h)
{
    const struct sched_case *c = sched_batch_case(s->b, (size_t)h->family);
    const struct sched_plan *p = s->cur[h->family];
    int v = -1;
    for (size_t i = 0; i < p->nappts && v < 0; i++)
        if (p->appts[i].start == h->start && p->appts[i].end == h->end &&
            sched_batch_provider_of(s->b, (size_t)h->family,
                                    (size_t)c->visits[p->appts[i].visit].provider) == h->provider)
            v = p->appts[i].visit;
    if (v < 0)
        return 1;
    const struct sched_visit *w = &c->visits[v];
    if ((w->booked && !w->movable) || w->history)
        return 0;
    double e = w->nmodes > 1 ? 2 : 1;
    if (w->pinned)
        e *= 0.25;
    if (w->nbefore > 0 || w->same_day_as >= 0)
        e *= 0.25;
    bool after = false;
    for (size_t u = 0; u < c->nvisits && !after; u++)
        for (size_t l = 0; l < c->visits[u].nbefore; l++)
            after |= c->visits[u].before[l].visit == v;
    return after ? e * 0.25 : e;
}

/* How much freeing provider g's time [us, ue) for family f is worth: 0
 * when there is room already or too few of its holders can move; else the
 * holders' mean ease, less the more of them must leave. */
static double slot_weight(struct search *s, size_t f, int g, cal_time us, cal_time ue)
{
    int cap = sched_batch_capacity(s->b, (size_t)g), count = 0, movable = 0;
    size_t lo, hi = holds_of(s, g, &lo);
    double sum = 0;
    for (size_t j = lo; j < hi && s->holds[j].start < ue; j++) {
        const struct sched_hold *h = &s->holds[j];
        if (h->end <= us || (size_t)h->family == f)
            continue;
        double e = s->active[h->family] && !s->used[h->family] ? ease(s, h) : 0;
        movable += e > 0;
        sum += e;
        count++;
    }
    int m = count - cap + 1;
    return m >= 1 && m <= movable && m < SCHED_BATCH_MAXN ? sum / count / (m * m) : 0;
}

/* Provider g has room for family f at [us, ue) as the plan stands. */
static bool has_room(const struct search *s, size_t f, int g, cal_time us, cal_time ue)
{
    int cap = sched_batch_capacity(s->b, (size_t)g), count = 0;
    size_t lo, hi = holds_of(s, g, &lo);
    for (size_t j = lo; j < hi && s->holds[j].start < ue && count < cap; j++)
        count += s->holds[j].end > us && (size_t)s->holds[j].family != f;
    return count < cap;
}

/* Visit v of family f has a time after u's candidate cu (lag l; the lag's
 * minimum, never negative, keeps them apart) that keeps its order with the
 * rest of the plan, u aside; with room at provider gv too when gv >= 0. */
static bool follows(const struct search *s, size_t f, const struct sched_ctx *x, int v, int u,
                    const struct sched_lag *l, const struct cand *cu, int gv)
{
    const struct cand *cv = &x->cands[x->vfirst[v]];
    for (size_t j = 0; j < x->vcount[v]; j++)
        if (lag_ok(l, cu->uend, cv[j].ustart) &&
            keeps_order(s, f, v, cv[j].ustart, cv[j].uend, u) &&
            (gv < 0 || has_room(s, f, gv, cv[j].ustart, cv[j].uend)))
            return true;
    return false;
}

/* Visit v of family f is left out; its placed visit u must come before it
 * (lag l), and no time of v with room keeps that order. The times of u
 * worth freeing: those after which v has a time with room that keeps its
 * order with the rest of the plan (w[k] for u's candidate k; 0 else). */
static void before_weights(struct search *s, size_t f, const struct sched_ctx *x, int v, int u,
                           const struct sched_lag *l, double *w)
{
    const struct sched_case *c = sched_batch_case(s->b, f);
    int gu = sched_batch_provider_of(s->b, f, (size_t)c->visits[u].provider);
    int gv = sched_batch_provider_of(s->b, f, (size_t)c->visits[v].provider);
    const struct cand *cu = &x->cands[x->vfirst[u]];
    for (size_t k = 0; k < x->vcount[u]; k++)
        w[k] = keeps_order(s, f, u, cu[k].ustart, cu[k].uend, -1) &&
                       follows(s, f, x, v, u, l, &cu[k], gv)
                   ? slot_weight(s, f, gu, cu[k].ustart, cu[k].uend)
                   : 0;
}

/* Visit v of family f (left out) has a time with room that keeps its order
 * with the family's placed visits. */
static bool ordered_room(const struct search *s, size_t f, const struct sched_ctx *x, int v)
{
    const struct sched_case *c = sched_batch_case(s->b, f);
    int g = sched_batch_provider_of(s->b, f, (size_t)c->visits[v].provider);
    const struct cand *cv = &x->cands[x->vfirst[v]];
    for (size_t k = 0; k < x->vcount[v]; k++)
        if (keeps_order(s, f, v, cv[k].ustart, cv[k].uend, -1) &&
            has_room(s, f, g, cv[k].ustart, cv[k].uend))
            return true;
    return false;
}

/* When no time of visit v of family f (left out) with room keeps its order:
 * the families holding the times of a placed visit that must come before
 * it, after which v could come, get weight (re-planned after f, they may
 * leave f such a time). True when some family was found. */
static bool earlier_competitors(struct search *s, size_t f, const struct sched_ctx *x, int v)
{
    const struct sched_case *c = sched_batch_case(s->b, f);
    const struct sched_plan *p = s->cur[f];
    bool any = false;
    if (ordered_room(s, f, x, v))
        return false;
    for (size_t i = 0; i < p->nappts; i++) {
        int u = p->appts[i].visit;
        const struct sched_visit *pu = &c->visits[u];
        int gu = sched_batch_provider_of(s->b, f, (size_t)pu->provider);
        const struct cand *cu = &x->cands[x->vfirst[u]];
        size_t lo, hi = holds_of(s, gu, &lo);
        for (size_t l = 0; l < pu->nbefore; l++) {
            if (pu->before[l].visit != v)
                continue;
            for (size_t k = 0; k < x->vcount[u]; k++) {
                bool after = follows(s, f, x, v, u, &pu->before[l], &cu[k], -1);
                for (size_t j = lo; j < hi && after && s->holds[j].start < cu[k].uend; j++) {
                    const struct sched_hold *h = &s->holds[j];
                    if (h->end <= cu[k].ustart || (size_t)h->family == f || !s->active[h->family] ||
                        s->used[h->family])
                        continue;
                    s->weight[h->family] += 1;
                    any = true;
                }
            }
        }
    }
    return any;
}

/* Visit v of family f is left out and none of its times with room keeps
 * its order: a time to free for a placed visit that must come before it,
 * half the time (its index in that visit's candidates, whose provider and
 * candidates go to *g and *cand); -1 for none. */
static long earlier_slot(struct search *s, size_t f, const struct sched_ctx *x, int v, int *g,
                         const struct cand **cand)
{
    const struct sched_case *c = sched_batch_case(s->b, f);
    const struct sched_plan *p = s->cur[f];
    for (size_t i = 0; i < p->nappts; i++) {
        int u = p->appts[i].visit;
        const struct sched_visit *pu = &c->visits[u];
        for (size_t l = 0; l < pu->nbefore; l++) {
            if (pu->before[l].visit != v || x->vcount[u] == 0 || rnd01(&s->rng) < 0.5)
                continue;
            double *wu = cal_calloc(x->vcount[u], sizeof *wu);
            if (!wu)
                return -1;
            before_weights(s, f, x, v, u, &pu->before[l], wu);
            long k = pick(&s->rng, wu, x->vcount[u]);
            free(wu);
            if (k >= 0) {
                *g = sched_batch_provider_of(s->b, f, (size_t)pu->provider);
                *cand = &x->cands[x->vfirst[u]];
                return k;
            }
        }
    }
    return -1;
}

/* A slot-freeing move for family f (an ejection chain): one of its visits
 * left out, one of that visit's own possible times at its provider g where
 * the families holding g leave no room. As many of them as must leave are
 * re-planned first without g's time then, maybe with other families
 * holding g near that time re-planned after them (whose time they may
 * take), and f last. When the visit's times with room all break its order
 * with a placed visit that must come before it (a chain of visits, each
 * some days after the last, whose first ones sit late), the slot is freed
 * for that earlier visit instead, at a time after which the visit left out
 * finds room. False when f has no such visit or time. */
static bool slot_move(struct search *s, size_t f, struct sched_batch_task *t)
{
    const struct sched_case *c = sched_batch_case(s->b, f);
    const struct sched_plan *p = s->cur[f];
    struct sched_ctx x;
    bool made = false;
    if (p->nunscheduled == 0 || ctx_init(&x, c) != SCHED_OK)
        return false;
    int v = left_out_visit(s, f, &x);
    double *w = v >= 0 ? cal_calloc(x.vcount[v], sizeof *w) : NULL;
    if (!w)
        goto done;
    int g = sched_batch_provider_of(s->b, f, (size_t)c->visits[v].provider);
    const struct cand *cand = &x.cands[x.vfirst[v]];
    for (size_t k = 0; k < x.vcount[v]; k++)
        w[k] = slot_weight(s, f, g, cand[k].ustart, cand[k].uend) *
               (keeps_order(s, f, v, cand[k].ustart, cand[k].uend, -1) ? 1 : 0.05);
    long k = ordered_room(s, f, &x, v) ? -1 : earlier_slot(s, f, &x, v, &g, &cand);
    if (k < 0)
        k = pick(&s->rng, w, x.vcount[v]);
    if (k < 0)
        goto done;
    int cap = sched_batch_capacity(s->b, (size_t)g);
    size_t lo, hi = holds_of(s, g, &lo);
    cal_time us = cand[k].ustart, ue = cand[k].uend;
    /* Those that must leave, at random among the holders then, the easier
     * to move likelier. */
    int count = 0;
    for (size_t i = 0; i < s->n; i++)
        s->weight[i] = 0;
    for (size_t j = lo; j < hi && s->holds[j].start < ue; j++) {
        const struct sched_hold *h = &s->holds[j];
        if (h->end <= us || (size_t)h->family == f)
            continue;
        count++;
        if (s->active[h->family] && !s->used[h->family])
            s->weight[h->family] += ease(s, h);
    }
    memset(t, 0, sizeof *t);
    for (int i = 0, m = count - cap + 1; i < m; i++) {
        long e = pick(&s->rng, s->weight, s->n);
        if (e < 0) {
            for (int j = 0; j < t->nfam; j++)
                s->used[t->fam[j]] = false;
            goto done;
        }
        t->fam[t->nfam++] = (int)e;
        s->used[e] = true;
        s->weight[e] = 0;
    }
    /* Others holding g whose time the ones leaving may take (a longer
     * chain): those standing alone in the way of their own possible times
     * at g, else those holding g near that time. */
    for (size_t i = 0; i < s->n; i++)
        s->weight[i] = 0;
    bool chain = false;
    for (int i = 0; i < t->nfam; i++)
        chain |= chain_weights(s, (size_t)t->fam[i], g, cap, us, ue, lo, hi, f);
    for (size_t j = lo; j < hi && !chain; j++) {
        const struct sched_hold *h = &s->holds[j];
        if ((size_t)h->family == f || !s->active[h->family] || s->used[h->family])
            continue;
        double days = fabs((double)(h->start - us)) / 86400.0;
        s->weight[h->family] += days < 7 ? 1.0 : 0.1;
    }
    /* More of them as the family's moves keep failing. */
    int room = SCHED_BATCH_MAXN - 1 - t->nfam;
    int extra = s->big ? room : s->fails[f] / 3 + (int)(rnd(&s->rng) % 2);
    for (int i = 0; i < extra && i < room; i++) {
        long e = pick(&s->rng, s->weight, s->n);
        if (e < 0)
            break;
        t->fam[t->nfam++] = (int)e;
        s->used[e] = true;
        s->weight[e] = 0;
    }
    t->fam[t->nfam++] = (int)f;
    t->free_provider = g;
    t->free_visit = v;
    t->free_start = us;
    t->free_end = ue;
    made = true;
done:
    free(w);
    ctx_free(&x);
    return made;
}

void batch_count_excess(struct search *s)
{
    size_t np = sched_batch_nproviders(s->b);
    for (size_t g = 0; g < np; g++)
        s->excess[g] = -s->forced[g];
    for (size_t f = 0; f < s->n; f++) {
        if (!s->active[f])
            continue;
        const struct sched_case *c = sched_batch_case(s->b, f);
        const struct sched_plan *p = s->cur[f];
        for (size_t i = 0; i < p->nunscheduled; i++) {
            int v = p->unscheduled[i].visit;
            if (v < 0 || (size_t)v >= c->nvisits)
                continue;
            int g = sched_batch_provider_of(s->b, f, (size_t)c->visits[v].provider);
            s->excess[g] += c->visits[v].priority_factor > 0 ? c->visits[v].priority_factor : 1;
        }
    }
}

size_t batch_choose_moves(struct search *s, struct sched_batch_task *tasks, size_t round,
                          bool *need)
{
    size_t nt = 0, np = sched_batch_nproviders(s->b);
    memset(s->used, 0, s->n * sizeof *s->used);
    batch_count_excess(s);
    while (nt < round) {
        for (size_t f = 0; f < s->n; f++) {
            double sl = s->active[f] && !s->used[f] ? slack(s, f) : 0;
            s->weight[f] = sl > 0.5 && s->fails[f] < MAX_FAILS
                               ? sl / ((1.0 + s->fails[f]) * (1.0 + s->fails[f]))
                               : 0;
        }
        long f = pick(&s->rng, s->weight, s->n);
        if (f < 0)
            break;
        struct sched_batch_task *t = &tasks[nt++];
        s->used[f] = true;
        if (s->cur[f]->nunscheduled > 0 && rnd01(&s->rng) < SLOT_SHARE &&
            slot_move(s, (size_t)f, t))
            continue;
        memset(t, 0, sizeof *t);
        t->fam[t->nfam++] = (int)f;
        int want = s->big ? SCHED_BATCH_MAXN - 1 : 1 + (int)(rnd(&s->rng) % 3);
        for (size_t g = 0; g < s->n; g++)
            s->weight[g] = 0;
        /* Those holding the times its visits left out could have, else
         * those holding the providers it needs. */
        if (!competitors(s, (size_t)f)) {
            needed_providers(s, (size_t)f, need);
            for (size_t i = 0; i < s->nholds; i++) {
                const struct sched_hold *h = &s->holds[i];
                if (h->provider >= 0 && (size_t)h->provider < np && need[h->provider] &&
                    s->active[h->family] && !s->used[h->family])
                    s->weight[h->family] += 1;
            }
        }
        for (int k = 0; k < want && t->nfam < SCHED_BATCH_MAXN; k++) {
            long g = pick(&s->rng, s->weight, s->n);
            if (g < 0)
                break;
            t->fam[t->nfam++] = (int)g;
            s->used[g] = true;
            s->weight[g] = 0;
        }
    }
    return nt;
}
