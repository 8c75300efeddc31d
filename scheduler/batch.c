/*
 * Batches: several families' cases sharing providers' capacity.
 *
 * The single-family model stays as it is. A family is planned against the
 * *residual* capacity: a copy of its case where every mode of a shared
 * provider loses the times at which other families' appointments already
 * fill the provider's capacity (a video visit and a clinic visit of one
 * doctor are the same person's time). batch_search.c drives the moves.
 */
#include "scheduler/sched_internal.h"
#include "calendars/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sched_batch {
    const struct sched_case *const *cases;
    size_t n;
    char **pid;    /* batch-wide provider ids (borrowed from the cases) */
    int *capacity; /* per batch-wide provider */
    size_t np;
    int **pmap; /* per case: local provider -> batch-wide index */
};

void sched_batch_free(sched_batch *b)
{
    if (!b)
        return;
    if (b->pmap)
        for (size_t f = 0; f < b->n; f++)
            free(b->pmap[f]);
    free(b->pmap);
    free(b->pid);
    free(b->capacity);
    free(b);
}

size_t sched_batch_ncases(const sched_batch *b)
{
    return b->n;
}

const struct sched_case *sched_batch_case(const sched_batch *b, size_t f)
{
    return b->cases[f];
}

size_t sched_batch_nproviders(const sched_batch *b)
{
    return b->np;
}

const char *sched_batch_provider_id(const sched_batch *b, size_t g)
{
    return b->pid[g];
}

int sched_batch_capacity(const sched_batch *b, size_t g)
{
    return b->capacity[g];
}

int sched_batch_provider_of(const sched_batch *b, size_t f, size_t p)
{
    return b->pmap[f][p];
}

/* The days both cases plan, as UTC [from, to). False when they share none. */
static bool common_span(const struct sched_case *a, const struct sched_case *b, cal_time *from,
                        cal_time *to)
{
    cal_time a0 = cal_tz_local_to_utc(a->tz, a->horizon_start, 0);
    cal_time a1 = cal_tz_local_to_utc(a->tz, a->horizon_end + 1, 0);
    cal_time b0 = cal_tz_local_to_utc(b->tz, b->horizon_start, 0);
    cal_time b1 = cal_tz_local_to_utc(b->tz, b->horizon_end + 1, 0);
    *from = a0 > b0 ? a0 : b0;
    *to = a1 < b1 ? a1 : b1;
    return *from < *to;
}

/* Same intervals inside [from, to)? */
static bool same_time(const struct cal_set *x, const struct cal_set *y, cal_time from, cal_time to)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < x->n && x->iv[i].end <= from)
            i++;
        while (j < y->n && y->iv[j].end <= from)
            j++;
        bool xi = i < x->n && x->iv[i].start < to, yj = j < y->n && y->iv[j].start < to;
        if (!xi || !yj)
            return xi == yj;
        cal_time xs = x->iv[i].start < from ? from : x->iv[i].start;
        cal_time ys = y->iv[j].start < from ? from : y->iv[j].start;
        cal_time xe = x->iv[i].end > to ? to : x->iv[i].end;
        cal_time ye = y->iv[j].end > to ? to : y->iv[j].end;
        if (xs != ys || xe != ye)
            return false;
        i++;
        j++;
    }
}

static const char *const mode_field[SCHED_NMODES][2] = {
    {"in_person", "in_person.available"},
    {"telehealth", "telehealth.available"},
    {"home", "home.available"},
};

/* The first field on which two definitions of one provider disagree, NULL
 * when they agree. */
static const char *provider_mismatch(const struct sched_case *a, const struct sched_provider *pa,
                                     const struct sched_case *b, const struct sched_provider *pb)
{
    if (pa->capacity != pb->capacity)
        return "capacity";
    for (int m = 0; m < SCHED_NMODES; m++)
        if (pa->mode[m].offered != pb->mode[m].offered)
            return mode_field[m][0];
    if (pa->mode[SCHED_IN_PERSON].offered) {
        const struct sched_place *x = &a->places[pa->mode[SCHED_IN_PERSON].place];
        const struct sched_place *y = &b->places[pb->mode[SCHED_IN_PERSON].place];
        if (strcmp(x->id, y->id) != 0 || fabs(x->lat - y->lat) > 1e-6 ||
            fabs(x->lon - y->lon) > 1e-6)
            return "in_person.place";
    }
    cal_time from, to;
    if (!common_span(a, b, &from, &to))
        return NULL;
    for (int m = 0; m < SCHED_NMODES; m++)
        if (pa->mode[m].offered && !same_time(&pa->mode[m].free, &pb->mode[m].free, from, to))
            return mode_field[m][1];
    return NULL;
}

int sched_batch_new(const struct sched_case *const *cases, size_t n, sched_batch **out,
                    struct sched_batch_mismatch *mm, struct careday_error *err)
{
    sched_batch *b = cal_calloc(1, sizeof *b);
    size_t total = 0;
    int *first_case = NULL, *first_prov = NULL;
    if (!b)
        goto oom;
    b->cases = cases;
    b->n = n;
    for (size_t f = 0; f < n; f++)
        total += cases[f]->nproviders;
    b->pmap = cal_calloc(n ? n : 1, sizeof *b->pmap);
    b->pid = cal_calloc(total ? total : 1, sizeof *b->pid);
    b->capacity = cal_calloc(total ? total : 1, sizeof *b->capacity);
    first_case = cal_calloc(total ? total : 1, sizeof *first_case);
    first_prov = cal_calloc(total ? total : 1, sizeof *first_prov);
    if (!b->pmap || !b->pid || !b->capacity || !first_case || !first_prov)
        goto oom;
    for (size_t f = 0; f < n; f++) {
        const struct sched_case *c = cases[f];
        b->pmap[f] = cal_calloc(c->nproviders ? c->nproviders : 1, sizeof(int));
        if (!b->pmap[f])
            goto oom;
        for (size_t p = 0; p < c->nproviders; p++) {
            size_t g;
            for (g = 0; g < b->np; g++)
                if (strcmp(b->pid[g], c->providers[p].id) == 0)
                    break;
            if (g == b->np) {
                b->pid[g] = c->providers[p].id;
                b->capacity[g] = c->providers[p].capacity > 0 ? c->providers[p].capacity : 1;
                first_case[g] = (int)f;
                first_prov[g] = (int)p;
                b->np++;
            } else {
                const struct sched_case *c0 = cases[first_case[g]];
                const char *field =
                    provider_mismatch(c0, &c0->providers[first_prov[g]], c, &c->providers[p]);
                if (field) {
                    if (mm)
                        *mm = (struct sched_batch_mismatch){(size_t)first_case[g], f,
                                                            (size_t)first_prov[g], p, field};
                    careday_fail(err, SCHED_EINVAL, NULL, 0, NULL,
                                 "provider \"%s\" is defined differently (%s)", b->pid[g], field);
                    sched_batch_free(b);
                    free(first_case);
                    free(first_prov);
                    return SCHED_EINVAL;
                }
            }
            b->pmap[f][p] = (int)g;
        }
    }
    free(first_case);
    free(first_prov);
    *out = b;
    return SCHED_OK;
oom:
    sched_batch_free(b);
    free(first_case);
    free(first_prov);
    return careday_fail(err, SCHED_ENOMEM, NULL, 0, NULL, "out of memory");
}

/* ---- components ---------------------------------------------------------- */

static int uf_find(int *parent, int i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

size_t sched_batch_components(const sched_batch *b, int *comp)
{
    int *parent = cal_malloc((b->n + b->np + 1) * sizeof(int));
    size_t ncomp = 0;
    if (!parent) {
        /* Without memory, one component is always correct. */
        for (size_t f = 0; f < b->n; f++)
            comp[f] = 0;
        return b->n ? 1 : 0;
    }
    for (size_t i = 0; i < b->n + b->np; i++)
        parent[i] = (int)i;
    /* Families are nodes 0..n-1, providers n..n+np-1; a family joins the
     * providers its visits use. */
    for (size_t f = 0; f < b->n; f++) {
        const struct sched_case *c = b->cases[f];
        for (size_t v = 0; v < c->nvisits; v++) {
            int x = uf_find(parent, (int)f);
            int y = uf_find(parent, (int)b->n + b->pmap[f][c->visits[v].provider]);
            if (x != y)
                parent[x < y ? y : x] = x < y ? x : y;
        }
    }
    int *label = cal_malloc((b->n + 1) * sizeof(int));
    for (size_t f = 0; f < b->n; f++)
        comp[f] = -1;
    for (size_t f = 0; f < b->n; f++) {
        int r = uf_find(parent, (int)f);
        /* r is the smallest family index of its set (union keeps the smaller root). */
        if (label && r == (int)f)
            label[f] = (int)ncomp++;
        comp[f] = label ? label[r] : 0;
    }
    if (!label)
        ncomp = b->n ? 1 : 0;
    free(label);
    free(parent);
    return ncomp;
}

/* ---- holds, residual capacity, conflicts -------------------------------- */

static int cmp_hold(const void *a, const void *b)
{
    const struct sched_hold *x = a, *y = b;
    if (x->provider != y->provider)
        return x->provider < y->provider ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return (x->family > y->family) - (x->family < y->family);
}

void batch_sort_holds(struct sched_hold *h, size_t n)
{
    if (n > 1)
        qsort(h, n, sizeof *h, cmp_hold);
}

struct holds {
    struct sched_hold *v;
    size_t n, cap;
};

/* Append x to h. */
static int holds_push(struct holds *h, struct sched_hold x)
{
    if (cal_grow(&h->v, &h->cap, h->n + 1, sizeof *h->v))
        return SCHED_ENOMEM;
    h->v[h->n++] = x;
    return SCHED_OK;
}

static int holds_add_plan(const sched_batch *b, struct holds *h, size_t f,
                          const struct sched_plan *p)
{
    const struct sched_case *c = b->cases[f];
    for (size_t i = 0; i < p->nappts; i++) {
        const struct sched_appt *a = &p->appts[i];
        if (holds_push(h, (struct sched_hold){b->pmap[f][c->visits[a->visit].provider], (int)f,
                                              a->start, a->end}))
            return SCHED_ENOMEM;
    }
    return SCHED_OK;
}

int sched_batch_holds(const sched_batch *b, struct sched_plan *const *plans,
                      struct sched_hold **out, size_t *n)
{
    struct holds h = {0};
    for (size_t f = 0; f < b->n; f++)
        if (plans[f] && holds_add_plan(b, &h, f, plans[f])) {
            free(h.v);
            return SCHED_ENOMEM;
        }
    batch_sort_holds(h.v, h.n);
    *out = h.v;
    *n = h.n;
    return SCHED_OK;
}

struct tev {
    cal_time t;
    int d; /* +1 start, -1 end */
};

static int cmp_tev(const void *a, const void *b)
{
    const struct tev *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->d - y->d; /* ends before starts: touching intervals do not overlap */
}

/* Over the holds of provider g (h sorted by provider) whose family is not
 * excluded: the intervals where at least `level` of them overlap, into out
 * (when not NULL); returns how many maximal intervals there are, or -1 when
 * out of memory. */
static long over_level(const struct sched_hold *h, size_t nh, int g, const bool *excluded,
                       int level, struct cal_set *out)
{
    size_t i0 = 0, i1;
    /* holds are sorted by provider: find the run of g */
    size_t lo = 0, hi = nh;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (h[mid].provider < g)
            lo = mid + 1;
        else
            hi = mid;
    }
    i0 = lo;
    for (i1 = i0; i1 < nh && h[i1].provider == g; i1++)
        ;
    size_t m = 0;
    for (size_t i = i0; i < i1; i++)
        if (!excluded || !excluded[h[i].family])
            m++;
    if (m < (size_t)level)
        return 0;
    struct tev *ev = cal_malloc(2 * m * sizeof *ev);
    if (!ev)
        return -1;
    size_t k = 0;
    for (size_t i = i0; i < i1; i++)
        if (!excluded || !excluded[h[i].family]) {
            ev[k++] = (struct tev){h[i].start, +1};
            ev[k++] = (struct tev){h[i].end, -1};
        }
    qsort(ev, k, sizeof *ev, cmp_tev);
    long count = 0;
    int load = 0;
    cal_time since = 0;
    for (size_t i = 0; i < k; i++) {
        int before = load;
        load += ev[i].d;
        if (before < level && load >= level) {
            since = ev[i].t;
        } else if (before >= level && load < level && ev[i].t > since) {
            count++;
            if (out && cal_set_add(out, since, ev[i].t)) {
                free(ev);
                return -1;
            }
        }
    }
    free(ev);
    return count;
}

size_t sched_batch_conflicts(const sched_batch *b, struct sched_plan *const *plans)
{
    struct sched_hold *h = NULL;
    size_t nh = 0, total = 0;
    if (sched_batch_holds(b, plans, &h, &nh))
        return (size_t)-1;
    for (size_t g = 0; g < b->np; g++) {
        long c = over_level(h, nh, (int)g, NULL, b->capacity[g] + 1, NULL);
        total += c > 0 ? (size_t)c : 0;
    }
    free(h);
    return total;
}

/* A copy of case f that shares everything with it except the providers,
 * whose bookable time loses every interval where the holds of families not
 * excluded fill the capacity (and the interval of `block`, when not NULL, at
 * its provider), and the visits: a movable booking whose booked time is
 * taken that way must move (it loses its booked time as a candidate). Free
 * with residual_free. */
static int residual_case(const sched_batch *b, size_t f, const struct sched_hold *h, size_t nh,
                         const bool *excluded, const struct sched_hold *block,
                         struct sched_case *out)
{
    const struct sched_case *c = b->cases[f];
    size_t np = c->nproviders ? c->nproviders : 1;
    *out = *c;
    out->providers = cal_calloc(np, sizeof *out->providers);
    out->visits = cal_calloc(c->nvisits ? c->nvisits : 1, sizeof *out->visits);
    struct cal_set *full = cal_calloc(np, sizeof *full);
    int rc = SCHED_OK;
    if (!out->providers || !out->visits || !full) {
        free(full);
        return SCHED_ENOMEM;
    }
    for (size_t p = 0; p < c->nproviders && !rc; p++) {
        struct sched_provider *q = &out->providers[p];
        *q = c->providers[p];
        for (int m = 0; m < SCHED_NMODES; m++)
            memset(&q->mode[m].free, 0, sizeof q->mode[m].free);
        int g = b->pmap[f][p];
        if (over_level(h, nh, g, excluded, b->capacity[g], &full[p]) < 0)
            rc = SCHED_ENOMEM;
        if (!rc && block && block->provider == g && block->end > block->start &&
            cal_set_add(&full[p], block->start, block->end))
            rc = SCHED_ENOMEM;
        for (int m = 0; m < SCHED_NMODES && !rc; m++)
            if (cal_set_subtract(&q->mode[m].free, &c->providers[p].mode[m].free, &full[p]))
                rc = SCHED_ENOMEM;
    }
    for (size_t v = 0; v < c->nvisits; v++) {
        struct sched_visit *w = &out->visits[v];
        *w = c->visits[v];
        if (!rc && w->booked && w->movable &&
            cal_set_overlaps(&full[w->provider], w->booked_start,
                             w->booked_start + (cal_time)w->minutes * 60))
            w->booked_start = INT64_MIN / 2; /* outside every horizon: no booked time */
    }
    for (size_t p = 0; p < c->nproviders; p++)
        cal_set_free(&full[p]);
    free(full);
    return rc;
}

static void residual_free(struct sched_case *r)
{
    if (!r->providers)
        return;
    for (size_t p = 0; p < r->nproviders; p++)
        for (int m = 0; m < SCHED_NMODES; m++)
            cal_set_free(&r->providers[p].mode[m].free);
    free(r->providers);
    free(r->visits);
    r->providers = NULL;
    r->visits = NULL;
}

/* True when every appointment of plan (family f) finds its provider below
 * capacity among the holds of families not excluded. */
static bool plan_fits(const sched_batch *b, size_t f, const struct sched_plan *p,
                      const struct sched_hold *h, size_t nh, const bool *excluded)
{
    const struct sched_case *c = b->cases[f];
    for (size_t i = 0; i < p->nappts; i++) {
        const struct sched_appt *a = &p->appts[i];
        int g = b->pmap[f][c->visits[a->visit].provider];
        struct cal_set full = {0};
        if (over_level(h, nh, g, excluded, b->capacity[g], &full) < 0)
            return false;
        bool clash = cal_set_overlaps(&full, a->start, a->end);
        cal_set_free(&full);
        if (clash)
            return false;
    }
    return true;
}

/* ---- fixed bookings over capacity ------------------------------------------ */

struct fixed_ref {
    int provider;
    size_t family, visit;
    cal_time start, end;
};

static int cmp_fixed(const void *a, const void *b)
{
    const struct fixed_ref *x = a, *y = b;
    if (x->provider != y->provider)
        return x->provider < y->provider ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return (x->visit > y->visit) - (x->visit < y->visit);
}

bool sched_batch_fixed_overbooked(const sched_batch *b, const bool *active,
                                  struct sched_batch_overbooking *ob)
{
    size_t n = 0, k = 0;
    for (size_t f = 0; f < b->n; f++)
        if (!active || active[f])
            for (size_t v = 0; v < b->cases[f]->nvisits; v++)
                n += b->cases[f]->visits[v].booked && !b->cases[f]->visits[v].movable;
    if (n < 2)
        return false;
    struct fixed_ref *r = cal_malloc(n * sizeof *r);
    if (!r)
        return false; /* the plan's own capacity check still stops it */
    for (size_t f = 0; f < b->n; f++) {
        if (active && !active[f])
            continue;
        const struct sched_case *c = b->cases[f];
        for (size_t v = 0; v < c->nvisits; v++) {
            const struct sched_visit *w = &c->visits[v];
            if (w->booked && !w->movable)
                r[k++] = (struct fixed_ref){b->pmap[f][w->provider], f, v, w->booked_start,
                                            w->booked_start + (cal_time)w->minutes * 60};
        }
    }
    qsort(r, n, sizeof *r, cmp_fixed);
    /* The load is highest at some booking's start: count there the bookings
     * of the same provider that started before it and still run. */
    bool found = false;
    for (size_t i = 0; i < n && !found; i++) {
        int load = 1;
        size_t first = i;
        for (size_t j = i; j-- > 0 && r[j].provider == r[i].provider;)
            if (r[j].end > r[i].start) {
                load++;
                first = j;
            }
        if (load > b->capacity[r[i].provider]) {
            *ob = (struct sched_batch_overbooking){r[first].family, r[first].visit, r[i].family,
                                                   r[i].visit,      r[i].provider,  load};
            found = true;
        }
    }
    free(r);
    return found;
}

/* ---- the batch baseline ---------------------------------------------------- */

/* The fixed (not movable) bookings of family f as holds. */
static int holds_add_fixed(const sched_batch *b, struct holds *h, size_t f)
{
    const struct sched_case *c = b->cases[f];
    for (size_t v = 0; v < c->nvisits; v++) {
        const struct sched_visit *w = &c->visits[v];
        if (!w->booked || w->movable)
            continue;
        if (holds_push(h, (struct sched_hold){b->pmap[f][w->provider], (int)f, w->booked_start,
                                              w->booked_start + (cal_time)w->minutes * 60}))
            return SCHED_ENOMEM;
    }
    return SCHED_OK;
}

/* Remove family f's holds (its fixed bookings come back with its plan). */
static int drop_holds_of(struct holds *h, size_t f)
{
    size_t k = 0;
    for (size_t i = 0; i < h->n; i++)
        if (h->v[i].family != (int)f)
            h->v[k++] = h->v[i];
    h->n = k;
    return SCHED_OK;
}

int sched_batch_baseline(const sched_batch *b, const bool *active, struct sched_plan **plans,
                         struct careday_error *err)
{
    struct holds h = {0};
    int rc = SCHED_OK;
    bool *excluded = cal_calloc(b->n + 1, sizeof(bool));
    if (!excluded)
        return careday_fail(err, SCHED_ENOMEM, NULL, 0, NULL, "out of memory");
    for (size_t f = 0; f < b->n; f++)
        plans[f] = NULL;
    /* Fixed bookings are facts: later families' bookings hold their time
     * before earlier families are booked. */
    for (size_t f = 0; f < b->n && !rc; f++)
        if (!active || active[f])
            rc = holds_add_fixed(b, &h, f);
    for (size_t f = 0; f < b->n && !rc; f++) {
        if (active && !active[f])
            continue;
        struct sched_case r;
        batch_sort_holds(h.v, h.n);
        /* The family's own fixed bookings are in its plan, not in the way. */
        excluded[f] = true;
        rc = residual_case(b, f, h.v, h.n, excluded, NULL, &r);
        excluded[f] = false;
        if (!rc)
            rc = drop_holds_of(&h, f);
        if (!rc)
            rc = sched_baseline(&r, &plans[f], err);
        residual_free(&r);
        if (!rc)
            rc = holds_add_plan(b, &h, f, plans[f]);
    }
    free(h.v);
    free(excluded);
    if (rc) {
        for (size_t f = 0; f < b->n; f++) {
            sched_plan_free(plans[f]);
            plans[f] = NULL;
        }
        if (rc == SCHED_ENOMEM)
            careday_fail(err, rc, NULL, 0, NULL, "out of memory");
    }
    return rc;
}

/* ---- one move --------------------------------------------------------------- */

void sched_batch_answer_clear(struct sched_batch_answer *a)
{
    for (int i = 0; i < SCHED_BATCH_MAXN; i++)
        sched_plan_free(a->plans[i]);
    sched_plan_free(a->own);
    memset(a, 0, sizeof *a);
}

/* What a solve of one family alone proves: its optimum, or the solver's
 * bound when it stopped at its limit; 0 for a heuristic plan. */
static double plan_lower_bound(const struct sched_plan *p)
{
    return p->status == SCHED_STATUS_OPTIMAL    ? p->objective
           : p->status == SCHED_STATUS_FEASIBLE ? p->bound
                                                : 0;
}

/* A drop task: family f alone (capacity ignored) on a copy of its case in
 * which the visits to leave out avoid every day of the horizon. The model
 * then has no candidate for them: each is left out at its penalty, counted
 * once, and what must follow it is left out too, as in every plan of the
 * real case that leaves it out; the model itself is not touched. The
 * answer's bound is the optimum, or the solver's bound when the solve
 * stopped at its limit. */
static int drop_solve(const sched_batch *b, const struct sched_batch_task *t,
                      struct sched_batch_answer *a, struct careday_error *err)
{
    const struct sched_case *c = b->cases[t->fam[0]];
    if (t->nfam != 1 || t->ndrop < 1 || t->ndrop > SCHED_BATCH_MAXDROP)
        return careday_fail(err, SCHED_EINVAL, NULL, 0, NULL, "a drop task of %d visits", t->ndrop);
    for (int i = 0; i < t->ndrop; i++) {
        int v = t->drop[i];
        if (v < 0 || (size_t)v >= c->nvisits || (c->visits[v].booked && !c->visits[v].movable))
            return careday_fail(err, SCHED_EINVAL, NULL, 0, NULL, "no visit %d to leave out", v);
    }
    struct sched_case r = *c;
    size_t ndays = (size_t)(c->horizon_end - c->horizon_start + 1);
    r.visits = cal_malloc(c->nvisits * sizeof *r.visits);
    int32_t *days = cal_malloc((ndays ? ndays : 1) * sizeof *days);
    int rc = r.visits && days ? SCHED_OK : SCHED_ENOMEM;
    if (!rc) {
        memcpy(r.visits, c->visits, c->nvisits * sizeof *r.visits);
        for (size_t d = 0; d < ndays; d++)
            days[d] = c->horizon_start + (int32_t)d;
        for (int i = 0; i < t->ndrop; i++) {
            r.visits[t->drop[i]].avoid = days;
            r.visits[t->drop[i]].navoid = ndays;
        }
        struct sched_options so;
        sched_options_init(&so);
        so.time_limit_s = t->time_limit_s > 0 ? t->time_limit_s : 10;
        struct sched_plan *p = NULL;
        rc = sched_plan_case(&r, &so, &p, NULL, err);
        if (!rc) {
            a->has_bound = p->status == SCHED_STATUS_OPTIMAL || p->status == SCHED_STATUS_FEASIBLE;
            a->bound = plan_lower_bound(p);
        }
        sched_plan_free(p);
    }
    free(days);
    free(r.visits);
    if (rc == SCHED_ENOMEM)
        careday_fail(err, rc, NULL, 0, NULL, "out of memory");
    return rc;
}

/* Family f's own best plan p (alone, capacity ignored) in answer a: its
 * bound, and p itself as a's `own` (for the master's pool, batch_master.c)
 * when it does not fit among holds h of the families not excluded; true when
 * it fits (the caller places it). */
static bool own_answer(const sched_batch *b, size_t f, struct sched_plan *p,
                       const struct sched_hold *h, size_t nh, const bool *excluded,
                       struct sched_batch_answer *a)
{
    a->has_bound = true;
    a->bound = plan_lower_bound(p);
    if (plan_fits(b, f, p, h, nh, excluded))
        return true;
    a->own = p;
    return false;
}

int sched_batch_run_task(const sched_batch *b, const struct sched_hold *holds, size_t nholds,
                         const struct sched_batch_task *t, struct sched_batch_answer *a,
                         struct careday_error *err)
{
    memset(a, 0, sizeof *a);
    if (t->nfam < 1 || t->nfam > SCHED_BATCH_MAXN)
        return careday_fail(err, SCHED_EINVAL, NULL, 0, NULL, "a move of %d families", t->nfam);
    for (int i = 0; i < t->nfam; i++)
        if (t->fam[i] < 0 || (size_t)t->fam[i] >= b->n)
            return careday_fail(err, SCHED_EINVAL, NULL, 0, NULL, "unknown family %d", t->fam[i]);
    if (t->ndrop)
        return drop_solve(b, t, a, err);
    bool slot = t->free_end > t->free_start;
    if (slot && (t->free_provider < 0 || (size_t)t->free_provider >= b->np))
        return careday_fail(err, SCHED_EINVAL, NULL, 0, NULL, "unknown provider %d",
                            t->free_provider);
    /* The slot to free, kept from the families re-planned before the last. */
    struct sched_hold block = {t->free_provider, -1, t->free_start, t->free_end};
    bool *excluded = cal_calloc(b->n + 1, sizeof(bool));
    struct holds h = {0};
    int rc = SCHED_OK;
    if (!excluded)
        return careday_fail(err, SCHED_ENOMEM, NULL, 0, NULL, "out of memory");
    for (int i = 0; i < t->nfam; i++)
        excluded[t->fam[i]] = true;
    /* Freeing a slot, the last family keeps its times until it is re-planned:
     * those before it make room for it, they do not take its place. */
    int last = t->fam[t->nfam - 1];
    if (slot && t->nfam > 1)
        excluded[last] = false;
    /* The holds of the others, then those of the families re-planned so far. */
    for (size_t i = 0; i < nholds; i++) {
        if (excluded[holds[i].family])
            continue;
        if (holds_push(&h, holds[i])) {
            rc = SCHED_ENOMEM;
            goto done;
        }
    }
    struct sched_options so;
    sched_options_init(&so);
    so.time_limit_s = t->time_limit_s > 0 ? t->time_limit_s : 10;
    for (int i = 0; i < t->nfam && !rc; i++) {
        size_t f = (size_t)t->fam[i];
        struct sched_plan *p = NULL;
        if (slot && i == t->nfam - 1 && i > 0)
            drop_holds_of(&h, (size_t)last);
        batch_sort_holds(h.v, h.n);
        if (i == 0 && t->alone && !slot) {
            rc = sched_plan_case(b->cases[f], &so, &p, NULL, err);
            if (rc)
                break;
            if (!own_answer(b, f, p, h.v, h.n, NULL, a))
                p = NULL;
        }
        if (!p) {
            struct sched_case r;
            rc = residual_case(b, f, h.v, h.n, NULL, slot && i < t->nfam - 1 ? &block : NULL, &r);
            if (!rc)
                rc = sched_plan_case(&r, &so, &p, NULL, err);
            residual_free(&r);
            if (rc)
                break;
        }
        a->plans[i] = p;
        rc = holds_add_plan(b, &h, f, p);
    }
done:
    if (rc == SCHED_ENOMEM)
        careday_fail(err, rc, NULL, 0, NULL, "out of memory");
    free(h.v);
    free(excluded);
    return rc;
}

int batch_run_own(const sched_batch *b, const struct sched_batch_runner *r,
                  struct sched_plan *const *own, const struct sched_hold *holds, size_t nholds,
                  const struct sched_batch_task *tasks, size_t n,
                  struct sched_batch_answer *answers)
{
    struct sched_batch_task *send = cal_calloc(n ? n : 1, sizeof *send);
    struct sched_batch_answer *got = cal_calloc(n ? n : 1, sizeof *got);
    size_t *from = cal_calloc(n ? n : 1, sizeof *from);
    bool *excluded = cal_calloc(b->n + 1, sizeof *excluded);
    size_t ns = 0;
    int rc = send && got && from && excluded ? SCHED_OK : SCHED_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++) {
        const struct sched_batch_task *t = &tasks[i];
        int f = t->fam[0];
        memset(&answers[i], 0, sizeof answers[i]);
        if (!(own && t->alone && t->nfam == 1 && t->ndrop == 0 && t->free_end <= t->free_start &&
              f >= 0 && (size_t)f < b->n && own[f])) {
            from[ns] = i;
            send[ns++] = *t;
            continue;
        }
        /* What sched_batch_run_task does with the family's own best plan. */
        struct sched_plan *p = NULL;
        if ((rc = sched_plan_copy(own[f], &p)))
            break;
        excluded[f] = true;
        bool fits = own_answer(b, (size_t)f, p, holds, nholds, excluded, &answers[i]);
        excluded[f] = false;
        if (fits) {
            answers[i].plans[0] = p;
            continue;
        }
        from[ns] = i; /* the residual solve still runs */
        send[ns] = *t;
        send[ns++].alone = false;
    }
    if (!rc && ns > 0)
        rc = r->run(r->ud, holds, nholds, send, ns, got);
    for (size_t k = 0; k < ns; k++) {
        struct sched_batch_answer *a = &answers[from[k]];
        if (!rc && !a->own) {
            *a = got[k];
            memset(&got[k], 0, sizeof got[k]);
        } else if (!rc && got[k].plans[0]) {
            a->plans[0] = got[k].plans[0];
            got[k].plans[0] = NULL;
        } else if (!rc) {
            sched_batch_answer_clear(a); /* the residual solve failed: the whole task did */
        }
        sched_batch_answer_clear(&got[k]);
    }
    free(send);
    free(got);
    free(from);
    free(excluded);
    return rc;
}

/* True when plan p of family f fits among the holds of the families not
 * excluded; exposed to batch_search.c through sched_internal.h. */
bool batch_plan_fits(const sched_batch *b, size_t f, const struct sched_plan *p,
                     const struct sched_hold *h, size_t nh, const bool *excluded)
{
    return plan_fits(b, f, p, h, nh, excluded);
}

/* ---- reasons ------------------------------------------------------------- */

int batch_explain_capacity(const sched_batch *b, size_t f, struct sched_plan *p, bool own_best)
{
    if (p->nunscheduled == 0 || own_best)
        return SCHED_OK;
    const struct sched_case *c = b->cases[f];
    struct sched_ctx x;
    int rc = ctx_init(&x, c);
    if (rc)
        return rc;
    for (size_t i = 0; i < p->nunscheduled; i++) {
        struct sched_unscheduled *u = &p->unscheduled[i];
        /* Planned against the residual capacity, a visit whose own case
         * has times for it found none because other families hold them. */
        bool own_times = x.vcount[u->visit] > 0;
        if (own_times &&
            (u->code == SCHED_REASON_NO_PROVIDER_TIME || u->code == SCHED_REASON_NO_FAMILY_TIME ||
             u->code == SCHED_REASON_NURSE || u->code == SCHED_REASON_DISPLACED)) {
            const struct sched_visit *v = &c->visits[u->visit];
            u->code = SCHED_REASON_CAPACITY;
            u->candidates = (int)x.vcount[u->visit];
            u->from = v->booked ? c->horizon_start : v->earliest;
            u->to = v->booked ? c->horizon_end : v->latest;
        }
    }
    ctx_free(&x);
    return SCHED_OK;
}

/* ---- bytes for worker pipes ----------------------------------------------- */

/* Bytes to send, with the string builder of calendars/util.h. */
struct wbuf {
    struct cal_buf b;
};

static void put(struct wbuf *w, const void *data, size_t len)
{
    cal_buf_addn(&w->b, data, len);
}

struct rbuf {
    const char *p;
    size_t n, at;
    bool bad;
};

static void get(struct rbuf *r, void *data, size_t len)
{
    if (r->bad || r->n - r->at < len) {
        r->bad = true;
        memset(data, 0, len);
        return;
    }
    memcpy(data, r->p + r->at, len);
    r->at += len;
}

static const uint32_t TASK_MAGIC = 0x43445431u, ANSWER_MAGIC = 0x43444131u;

static int finish_pack(struct wbuf *w, char **buf, size_t *len)
{
    if (w->b.oom) {
        cal_buf_free(&w->b);
        return SCHED_ENOMEM;
    }
    *buf = w->b.s;
    *len = w->b.len;
    return SCHED_OK;
}

int sched_batch_pack_task(const struct sched_batch_task *t, const struct sched_hold *holds,
                          size_t nholds, char **buf, size_t *len)
{
    struct wbuf w = {0};
    uint64_t n = nholds;
    put(&w, &TASK_MAGIC, sizeof TASK_MAGIC);
    put(&w, t, sizeof *t);
    put(&w, &n, sizeof n);
    if (nholds)
        put(&w, holds, nholds * sizeof *holds);
    return finish_pack(&w, buf, len);
}

int sched_batch_unpack_task(const char *buf, size_t len, struct sched_batch_task *t,
                            struct sched_hold **holds, size_t *nholds)
{
    struct rbuf r = {buf, len, 0, false};
    uint32_t magic;
    uint64_t n;
    get(&r, &magic, sizeof magic);
    get(&r, t, sizeof *t);
    get(&r, &n, sizeof n);
    if (r.bad || magic != TASK_MAGIC || n > (len - r.at) / sizeof(struct sched_hold) ||
        t->nfam < 1 || t->nfam > SCHED_BATCH_MAXN)
        return SCHED_EINVAL;
    *holds = cal_malloc((n ? n : 1) * sizeof **holds);
    if (!*holds)
        return SCHED_ENOMEM;
    get(&r, *holds, n * sizeof **holds);
    *nholds = n;
    return SCHED_OK;
}

static void put_array(struct wbuf *w, const void *v, size_t n, size_t size)
{
    uint64_t k = n;
    put(w, &k, sizeof k);
    if (n)
        put(w, v, n * size);
}

static void *get_array(struct rbuf *r, size_t *n, size_t size)
{
    uint64_t k;
    get(r, &k, sizeof k);
    if (r->bad || k > (r->n - r->at) / size) {
        r->bad = true;
        return NULL;
    }
    *n = k;
    if (k == 0)
        return NULL;
    void *v = cal_malloc(k * size);
    if (!v) {
        r->bad = true;
        return NULL;
    }
    get(r, v, k * size);
    return v;
}

int sched_batch_pack_answer(const struct sched_batch_answer *a, char **buf, size_t *len)
{
    struct wbuf w = {0};
    put(&w, &ANSWER_MAGIC, sizeof ANSWER_MAGIC);
    put(&w, &a->has_bound, sizeof a->has_bound);
    put(&w, &a->bound, sizeof a->bound);
    for (int i = 0; i <= SCHED_BATCH_MAXN; i++) {
        const struct sched_plan *p = i < SCHED_BATCH_MAXN ? a->plans[i] : a->own;
        uint8_t present = p != NULL;
        put(&w, &present, 1);
        if (!p)
            continue;
        struct sched_plan head = *p;
        head.appts = NULL;
        head.trips = NULL;
        head.unscheduled = NULL;
        put(&w, &head, sizeof head);
        put_array(&w, p->appts, p->nappts, sizeof *p->appts);
        put_array(&w, p->trips, p->ntrips, sizeof *p->trips);
        put_array(&w, p->unscheduled, p->nunscheduled, sizeof *p->unscheduled);
    }
    return finish_pack(&w, buf, len);
}

int sched_batch_unpack_answer(const char *buf, size_t len, struct sched_batch_answer *a)
{
    struct rbuf r = {buf, len, 0, false};
    uint32_t magic;
    memset(a, 0, sizeof *a);
    get(&r, &magic, sizeof magic);
    get(&r, &a->has_bound, sizeof a->has_bound);
    get(&r, &a->bound, sizeof a->bound);
    if (r.bad || magic != ANSWER_MAGIC)
        return SCHED_EINVAL;
    for (int i = 0; i <= SCHED_BATCH_MAXN && !r.bad; i++) {
        uint8_t present;
        get(&r, &present, 1);
        if (!present || r.bad)
            continue;
        struct sched_plan *p = plan_new();
        if (!p)
            return SCHED_ENOMEM;
        get(&r, p, sizeof *p);
        p->appts = NULL;
        p->trips = NULL;
        p->unscheduled = NULL;
        size_t na = 0, nt = 0, nu = 0;
        p->appts = get_array(&r, &na, sizeof *p->appts);
        p->trips = get_array(&r, &nt, sizeof *p->trips);
        p->unscheduled = get_array(&r, &nu, sizeof *p->unscheduled);
        p->nappts = na;
        p->ntrips = nt;
        p->nunscheduled = nu;
        *(i < SCHED_BATCH_MAXN ? &a->plans[i] : &a->own) = p;
    }
    if (r.bad || r.at != len) {
        sched_batch_answer_clear(a);
        return SCHED_EINVAL;
    }
    return SCHED_OK;
}
