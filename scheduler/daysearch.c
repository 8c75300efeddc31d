/*
 * The within-day check as a dedicated search: the chosen visits of a set of
 * days are placed in time order (each day's visits one after the other,
 * every start taken from the visit's candidates), with exactly the rules of
 * the time-indexed model (model.c): the minimum gap, the drive between two
 * places, a two-place day's places visited as blocks in an allowed order,
 * one away interval of whole slots from the first departure to the last
 * return that holds no blocked slot and no telehealth or home visit, the
 * lodging legs beside a night, and the order lags. Every schedule is met
 * once in time order, so a search that ends without one proves there is
 * none. It gives up after a node budget (the MIP then decides).
 */
#include "scheduler/days.h"
#include "calendars/util.h"

#include <stdlib.h>
#include <string.h>

struct svis {
    int visit, day;
    const size_t *c; /* candidate indices into x->cands, by start */
    size_t n;
    int minutes;
};

struct sday {
    int last;   /* query visit placed last on the day, -1 none */
    int lo, hi; /* away slots so far (lo > hi: none) */
    int place;  /* current in-person place, -1 none */
    bool switched;
    unsigned firsts; /* bit 0: any first place; else bit p+1 allowed first */
    bool night_before, night_after;
    int left; /* visits not placed yet */
};

struct lagp {
    int a, b; /* query visits: b starts min..max minutes after a ends */
    int min, max;
};

struct search {
    const struct dmaster *dm;
    const struct sched_ctx *x;
    struct svis *v;
    int nv;
    int *chosen; /* per query visit: index into its c[], -1 */
    struct sday *day;
    struct lagp *lag;
    int nlag;
    long nodes, limit;
    bool aborted;
};

static const struct cand *cand_of(const struct search *s, int i)
{
    return &s->x->cands[s->v[i].c[s->chosen[i]]];
}

static int gap_after(const struct search *s, const struct cand *a, const struct cand *b)
{
    int mg = s->x->c->family.min_gap_minutes;
    if (a->place >= 0 && b->place >= 0 && a->place != b->place) {
        int d = sched_reach(s->x->c, a->place, b->place);
        return d > mg ? d : mg;
    }
    return mg;
}

/* Slot range of the away interval that k needs; false when outside. */
static bool away_of(const struct search *s, const struct sday *st, const struct cand *k, int *lo,
                    int *hi)
{
    const struct sched_ctx *x = s->x;
    int dep = st->night_before ? k->dep_l : k->dep;
    int ret = st->night_after ? k->ret_l : k->ret;
    *lo = ctx_slot_of(x, dep);
    *hi = ctx_slot_of(x, ret - 1);
    if (k->fixed) { /* a booking is a fact: clamped into the day */
        *lo = *lo < 0 ? 0 : (*lo >= x->nslots ? x->nslots - 1 : *lo);
        *hi = *hi < 0 ? 0 : (*hi >= x->nslots ? x->nslots - 1 : *hi);
    }
    return *lo >= 0 && *hi < x->nslots;
}

static bool overlaps_slots(const struct sched_ctx *x, const struct cand *k, int lo, int hi)
{
    int m0 = x->win0 + lo * SCHED_SLOT, m1 = x->win0 + (hi + 1) * SCHED_SLOT;
    return k->start < m1 && m0 < k->end;
}

static bool ok_in_person(const struct search *s, int i, const struct cand *k, struct sday *st)
{
    const struct sched_ctx *x = s->x;
    int p = k->place;
    if (st->place < 0) {
        if (!(st->firsts & 1u) && !(st->firsts & (1u << (p + 1))))
            return false;
        st->place = p;
    } else if (p != st->place) {
        if (st->switched)
            return false;
        st->switched = true;
        st->place = p;
    }
    int lo, hi;
    if (!away_of(s, st, k, &lo, &hi))
        return false;
    if (st->lo <= st->hi) {
        lo = lo < st->lo ? lo : st->lo;
        hi = hi > st->hi ? hi : st->hi;
    }
    const bool *bl = &x->blocked[(size_t)k->day * x->nslots];
    for (int t = lo; t <= hi; t++)
        if (bl[t] && (t < st->lo || t > st->hi))
            return false;
    for (int j = 0; j < s->nv; j++)
        if (j != i && s->chosen[j] >= 0 && s->v[j].day == k->day &&
            cand_of(s, j)->mode != SCHED_IN_PERSON && overlaps_slots(x, cand_of(s, j), lo, hi))
            return false;
    st->lo = lo;
    st->hi = hi;
    return true;
}

static bool ok_lags(const struct search *s, int i, const struct cand *k)
{
    for (int l = 0; l < s->nlag; l++) {
        const struct lagp *g = &s->lag[l];
        int o = g->a == i ? g->b : (g->b == i ? g->a : -1);
        if (o < 0 || s->chosen[o] < 0)
            continue;
        const struct cand *a = g->a == i ? k : cand_of(s, o);
        const struct cand *b = g->a == i ? cand_of(s, o) : k;
        cal_time d = b->ustart - a->uend;
        if (d < (cal_time)g->min * 60 || (g->max >= 0 && d > (cal_time)g->max * 60))
            return false;
    }
    return true;
}

/* Can visit i take candidate ci now? Updates the day state on success. */
static bool try_place(struct search *s, int i, size_t ci, struct sday *st)
{
    const struct cand *k = &s->x->cands[s->v[i].c[ci]];
    if (st->last >= 0) {
        const struct cand *prev = cand_of(s, st->last);
        if (k->start < prev->end + gap_after(s, prev, k))
            return false;
    }
    if (k->mode == SCHED_IN_PERSON) {
        if (!ok_in_person(s, i, k, st))
            return false;
    } else if (st->lo <= st->hi && overlaps_slots(s->x, k, st->lo, st->hi)) {
        return false;
    }
    return ok_lags(s, i, k);
}

/* The visits left on day d can still follow minute t (each has a start
 * after it, and together they fit before the latest end). */
static bool room_left(const struct search *s, int d, int t)
{
    int mg = s->x->c->family.min_gap_minutes, need = 0, latest = t;
    for (int j = 0; j < s->nv; j++) {
        if (s->chosen[j] >= 0 || s->v[j].day != d)
            continue;
        const struct cand *lastc = &s->x->cands[s->v[j].c[s->v[j].n - 1]];
        if (lastc->start < t)
            return false;
        need += s->v[j].minutes + mg;
        if (lastc->end + mg > latest)
            latest = lastc->end + mg;
    }
    return need <= latest - t;
}

static bool rec(struct search *s, int placed)
{
    if (placed == s->nv)
        return true;
    if (++s->nodes > s->limit) {
        s->aborted = true;
        return false;
    }
    int day = -1;
    for (int j = 0; j < s->nv; j++)
        if (s->chosen[j] < 0 && (day < 0 || s->v[j].day < day))
            day = s->v[j].day;
    struct sday *st = &s->day[day];
    int mg = s->x->c->family.min_gap_minutes;
    int from = st->last >= 0 ? cand_of(s, st->last)->end + mg : -100000;
    for (int i = 0; i < s->nv; i++) {
        if (s->chosen[i] >= 0 || s->v[i].day != day)
            continue;
        for (size_t ci = 0; ci < s->v[i].n; ci++) {
            const struct cand *k = &s->x->cands[s->v[i].c[ci]];
            if (k->start < from)
                continue;
            struct sday save = *st;
            if (try_place(s, i, ci, st)) {
                s->chosen[i] = (int)ci;
                st->last = i;
                st->left--;
                if ((st->left == 0 || room_left(s, day, k->end + mg)) && rec(s, placed + 1))
                    return true;
                s->chosen[i] = -1;
            }
            *st = save;
            if (s->aborted)
                return false;
        }
    }
    return false;
}

/* Allowed first places of each trip day (routes no dearer than the
 * master's), nights beside each day, lags between the query's visits. */
static int setup(struct search *s, const struct dc_query *q)
{
    const struct dmaster *dm = s->dm;
    const struct sched_ctx *x = s->x;
    size_t np = x->c->nplaces;
    int first = x->ndays;
    for (size_t i = 0; i < q->ngroups; i++)
        first = dm->g[q->groups[i]].day < first ? dm->g[q->groups[i]].day : first;
    for (int d = 0; d < x->ndays; d++) {
        s->day[d] = (struct sday){.last = -1, .lo = 1, .hi = 0, .place = -1, .firsts = 1u};
        if (q->assume_nights) {
            int bits = (q->assume_nights - 1) >> (d == first ? 0 : 2);
            s->day[d].night_before = bits & 1;
            s->day[d].night_after = bits & 2;
            continue;
        }
        for (size_t p = 0; dm->ocol && p < np; p++)
            for (size_t k = 0; k < q->nnights; k++) {
                if (d > 0 && q->nights[k] == dm->ocol[(size_t)(d - 1) * np + p])
                    s->day[d].night_before = true;
                if (q->nights[k] == dm->ocol[(size_t)d * np + p])
                    s->day[d].night_after = true;
            }
    }
    for (size_t k = 0; k < q->nroutes; k++) {
        const struct droute *r = &dm->r[q->routes[k]];
        if (r->b < 0 || np > 30)
            continue;
        unsigned f = 0;
        for (size_t i = dm->rd0[r->day]; i < dm->rd0[r->day] + dm->rdn[r->day]; i++) {
            const struct droute *o = &dm->r[i];
            bool same =
                o->b >= 0 && ((o->a == r->a && o->b == r->b) || (o->a == r->b && o->b == r->a));
            if (same && o->cost <= r->cost + 1e-9)
                f |= 1u << (o->a + 1);
        }
        /* Fewer places in the query than in the route: any order. */
        s->day[r->day].firsts = f;
    }
    for (int i = 0; i < s->nv; i++)
        s->day[s->v[i].day].left++;
    for (int i = 0; i < s->nv; i++) {
        const struct sched_visit *a = &x->c->visits[s->v[i].visit];
        for (size_t l = 0; l < a->nbefore; l++)
            for (int j = 0; j < s->nv; j++)
                if (s->v[j].visit == a->before[l].visit) {
                    struct lagp *p = cal_realloc(s->lag, (size_t)(s->nlag + 1) * sizeof(*p));
                    if (!p)
                        return SCHED_ENOMEM;
                    s->lag = p;
                    s->lag[s->nlag++] = (struct lagp){i, j, a->before[l].min_gap_minutes,
                                                      a->before[l].max_gap_minutes};
                }
    }
    return SCHED_OK;
}

/* A two-place route's blocks only bind when the query has both places. */
static void relax_firsts(struct search *s)
{
    for (int d = 0; d < s->x->ndays; d++) {
        if (s->day[d].firsts & 1u)
            continue;
        int p0 = -1;
        bool two = false;
        for (int i = 0; i < s->nv; i++) {
            const struct cand *k = &s->x->cands[s->v[i].c[0]];
            if (s->v[i].day != d || k->mode != SCHED_IN_PERSON)
                continue;
            if (p0 < 0)
                p0 = k->place;
            else if (k->place != p0)
                two = true;
        }
        if (!two)
            s->day[d].firsts = 1u;
    }
}

/* The master's columns of the routes kept out (for the cut). */
static int note_disallowed(const struct search *s, const struct dc_query *q, struct dc_answer *a)
{
    const struct dmaster *dm = s->dm;
    for (size_t k = 0; k < q->nroutes; k++) {
        const struct droute *r = &dm->r[q->routes[k]];
        if (r->b < 0 || (s->day[r->day].firsts & 1u))
            continue;
        for (size_t i = dm->rd0[r->day]; i < dm->rd0[r->day] + dm->rdn[r->day]; i++) {
            const struct droute *o = &dm->r[i];
            bool same =
                o->b >= 0 && ((o->a == r->a && o->b == r->b) || (o->a == r->b && o->b == r->a));
            if (!same || o->cost <= r->cost + 1e-9)
                continue;
            int *p = cal_realloc(a->disallowed, (a->ndisallowed + 1) * sizeof(int));
            if (!p)
                return SCHED_ENOMEM;
            a->disallowed = p;
            a->disallowed[a->ndisallowed++] = o->col;
        }
    }
    return SCHED_OK;
}

enum dc_result ds_search(const struct dmaster *dm, const struct dc_query *q, long limit,
                         struct dc_answer *a)
{
    struct search s = {.dm = dm, .x = dm->x, .limit = limit};
    enum dc_result out = DC_ERROR;
    memset(a, 0, sizeof(*a));
    s.v = cal_calloc(q->ngroups + 1, sizeof(*s.v));
    s.chosen = cal_malloc((q->ngroups + 1) * sizeof(int));
    s.day = cal_calloc((size_t)dm->x->ndays + 1, sizeof(*s.day));
    if (!s.v || !s.chosen || !s.day)
        goto done;
    for (size_t i = 0; i < q->ngroups; i++) {
        const struct dgroup *g = &dm->g[q->groups[i]];
        s.v[i] = (struct svis){g->visit, g->day, &dm->gcand[g->c0], g->n,
                               dm->x->c->visits[g->visit].minutes};
        s.chosen[i] = -1;
    }
    s.nv = (int)q->ngroups;
    if (setup(&s, q))
        goto done;
    relax_firsts(&s);
    if (note_disallowed(&s, q, a))
        goto done;
    bool found = rec(&s, 0);
    if (s.aborted) {
        out = DC_STOPPED;
        goto done;
    }
    if (!found) {
        out = DC_INFEASIBLE;
        goto done;
    }
    a->cands = cal_malloc((size_t)(s.nv + 1) * sizeof(size_t));
    if (!a->cands)
        goto done;
    a->cost = 0;
    for (int i = 0; i < s.nv; i++) {
        a->cands[a->ncands++] = s.v[i].c[s.chosen[i]];
        a->cost += dm->x->cands[s.v[i].c[s.chosen[i]]].cost;
    }
    for (size_t k = 0; k < q->nroutes; k++)
        a->cost += dm->r[q->routes[k]].cost;
    for (size_t k = 0; k < q->nnights; k++)
        a->cost += dm->colcost[q->nights[k]];
    out = DC_FEASIBLE;
done:
    if (out != DC_INFEASIBLE) {
        free(a->disallowed);
        a->disallowed = NULL;
        a->ndisallowed = 0;
    }
    free(s.v);
    free(s.chosen);
    free(s.day);
    free(s.lag);
    return out;
}
