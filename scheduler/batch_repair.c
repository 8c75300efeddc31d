/*
 * The repair move (docs/batch.md, "How it plans"): the provider-level
 * re-assignment that a move of a few families cannot find.
 *
 * When the plan leaves out more of a provider's visits than its bound
 * forces out of every plan, its time is assigned once more by the integer
 * programme of the guided construction (batch_guide.c), now in the current
 * plan's context: every active family's visits there on their candidate
 * starts, beside what the families hold at every other provider as
 * currently placed (one appointment at a time, the daily limit, "before"
 * links both ways). It maximises the weighted visits placed there, then (a
 * bonus worth less than one visit in all) the visits kept where they are,
 * and starts from the current plan. When it places more than the plan, the
 * families whose time there changes are re-planned, each against the
 * others' appointments with the new reservations standing in for theirs
 * there (batch_search.c, batch_guided_plans), through the runner; the new
 * plans replace the old ones together only when they cost less in all and
 * nothing goes over capacity, so no repair makes the plan worse.
 */
#include "scheduler/batch_search.h"

#include "solver/solver.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REPAIR_EVERY 10     /* rounds of moves between two repair passes */
#define REPAIR_LIMIT_S 2.0  /* one programme at most */
#define REPAIR_KEEP_ALL 0.4 /* the bonus of keeping every visit where it is */
#define REPAIR_MIN_LEFT_S 3 /* seconds left at least to start one */

static int imin(int a, int b)
{
    return a < b ? a : b;
}

/* Seconds left for moves before the time kept for the last master solve. */
static double left(const struct search *s)
{
    return s->o->time_limit_s - s->reserve - (sched_now_s() - s->t0);
}

/* Column of build visit v with this start and end (else only this start),
 * -1 none. */
static long column_at(const struct tbuild *t, size_t v, cal_time start, cal_time end)
{
    const struct tvis *tv = &t->vis[v];
    long near = -1;
    for (size_t k = tv->first; k < tv->first + tv->count; k++)
        if (t->col[k].s == start) {
            if (t->col[k].e == end)
                return (long)k;
            near = near < 0 ? (long)k : near;
        }
    return near;
}

/* The current plan in ch (every provider but g done, their appointments
 * at their columns) and keep (g's visits at theirs); *placed: g's weighted
 * visits placed. False when one of g's appointments has no column (the
 * programme cannot start from the plan then). */
static bool current(const struct search *s, int g, struct batch_chosen *ch, long *keep,
                    double *placed)
{
    const struct tbuild *t = &s->tb;
    size_t np = sched_batch_nproviders(s->b);
    *placed = 0;
    for (size_t h = 0; h < np; h++)
        ch->done[h] = (int)h != g;
    for (size_t v = 0; v < t->nvis; v++) {
        ch->at[v] = -1;
        keep[v] = -1;
    }
    for (size_t f = 0; f < s->n; f++) {
        if (!s->active[f] || ch->fam_count[f] == 0)
            continue;
        const struct sched_plan *p = s->cur[f];
        for (size_t i = 0; i < p->nappts; i++) {
            const struct sched_appt *a = &p->appts[i];
            if (a->visit < 0 || (size_t)a->visit >= ch->fam_count[f])
                return false;
            size_t v = ch->fam_first[f] + (size_t)a->visit;
            const struct tvis *tv = &t->vis[v];
            if (tv->count == 0)
                continue; /* a fixed booking: among the build's fixed ones */
            long k = column_at(t, v, a->start, a->end);
            if (tv->g != g) {
                ch->at[v] = (int)k;
                continue;
            }
            if (k < 0)
                return false;
            keep[v] = k;
            *placed += tv->factor;
        }
    }
    return true;
}

/* The columns of g's visits allowed although only the lodging reaches
 * them: their current ones. (Also those on the day before, of or after an
 * in-person appointment the family keeps elsewhere, where a night at the
 * lodging joins two trip days it has anyway, was measured: the same plan.) */
static void lodging(const struct search *s, int g, const long *keep, bool *allow)
{
    const struct tbuild *t = &s->tb;
    for (size_t k = 0; k < t->ncol; k++)
        allow[k] = t->col[k].g == g && keep[t->col[k].vis] == (long)k;
}

/* Provider g's programme over the current plan; ch->at[v] receives the
 * column it gives each of g's visits (-1: none), *placed their weight. */
static int assign(struct search *s, int g, struct batch_chosen *ch, const long *keep,
                  const bool *allow, double *placed, bool *cut, double limit_s)
{
    struct tbuild *t = &s->tb;
    size_t kept = 0;
    for (size_t v = 0; v < t->nvis; v++)
        kept += keep[v] >= 0;
    ch->keep = keep;
    ch->keep_bonus = REPAIR_KEEP_ALL / (double)(kept + 1);
    ch->lodging = allow;
    /* The most visits, and nearly the most kept. */
    int rc = batch_provider_solve(t, s->b, ch, g, limit_s, ch->keep_bonus / 2, placed, cut);
    ch->keep = NULL;
    ch->lodging = NULL;
    return rc;
}

/* Re-plan the families whose time at g changes (fam), with the new
 * reservations at g standing in for theirs; *taken when the new plans
 * replace the old ones. */
static int realise(struct search *s, int g, const bool *fam, const int *at, bool *taken)
{
    const struct tbuild *t = &s->tb;
    size_t np = sched_batch_nproviders(s->b), nr = 0;
    struct sched_hold *resv = cal_calloc(t->nvis + 1, sizeof *resv);
    bool *prov = cal_calloc(np + 1, sizeof *prov);
    struct sched_plan **alt = cal_calloc(s->n + 1, sizeof *alt);
    int rc = resv && prov && alt ? SCHED_OK : SCHED_ENOMEM;
    *taken = false;
    if (!rc) {
        prov[g] = true;
        for (size_t v = 0; v < t->nvis; v++)
            if (t->vis[v].g == g && at[v] >= 0 && fam[t->vis[v].f])
                resv[nr++] = (struct sched_hold){g, t->vis[v].f, t->col[at[v]].s, t->col[at[v]].e};
        /* Not into the time kept for the last master solve. */
        struct batch_stand st = {fam, prov, resv, nr, s->o->time_limit_s - s->reserve};
        bool complete;
        rc = batch_guided_plans(s, &st, alt, &complete);
    }
    /* Families that got no plan keep theirs: the check of the whole plan
     * decides whether the others' fit beside them. */
    if (!rc)
        rc = batch_take_better(s, alt, taken);
    for (size_t f = 0; alt && f < s->n; f++)
        sched_plan_free(alt[f]);
    free(alt);
    free(prov);
    free(resv);
    return rc;
}

struct scratch {
    long *keep;  /* per visit of the build */
    bool *allow; /* per column (lodging) */
    bool *fam;   /* per family */
    bool cut;    /* the last programme stopped at its time limit */
};

/* One repair of provider g. */
static int repair_provider(struct search *s, int g, struct batch_chosen *ch, struct scratch *x)
{
    long *keep = x->keep;
    const int *at = ch->at; /* g's visits' columns, once assigned */
    bool *fam = x->fam;
    double before, after;
    if (!current(s, g, ch, keep, &before))
        return SCHED_OK;
    lodging(s, g, keep, x->allow);
    x->cut = false;
    int rc = assign(s, g, ch, keep, x->allow, &after, &x->cut, fmin(REPAIR_LIMIT_S, left(s) / 2));
    if (!rc && after < before + 0.5 && !x->cut) {
        /* None beside the families' other appointments as they are: the
         * programme again with those left open (only their links with g's
         * visits stand, as in the time-indexed bound). The families re-plan
         * all of their visits below, so they may move the others too. */
        for (size_t v = 0; v < s->tb.nvis; v++)
            if (s->tb.vis[v].g != g)
                ch->at[v] = -1;
        for (size_t h = 0; h < sched_batch_nproviders(s->b); h++)
            ch->done[h] = false;
        rc = assign(s, g, ch, keep, x->allow, &after, &x->cut, fmin(REPAIR_LIMIT_S, left(s) / 2));
    }
    if (rc || after < before + 0.5)
        return rc; /* no more visits there than the plan has */
    const struct tbuild *t = &s->tb;
    memset(fam, 0, s->n * sizeof *fam);
    for (size_t v = 0; v < t->nvis; v++)
        if (t->vis[v].g == g && at[v] != keep[v])
            fam[t->vis[v].f] = true;
    double obj = 0;
    for (size_t f = 0; f < s->n; f++)
        if (s->active[f])
            obj -= s->cur[f]->objective;
    bool taken;
    s->out->repairs++;
    if ((rc = realise(s, g, fam, at, &taken)) || !taken)
        return rc;
    for (size_t f = 0; f < s->n; f++)
        if (s->active[f])
            obj += s->cur[f]->objective;
    s->out->repairs_accepted++;
    s->out->repair_gain -= obj;
    for (size_t f = 0; f < s->n; f++)
        if (fam[f]) {
            s->fails[f] = 0;
            memset(s->vfails[f], 0, sched_batch_case(s->b, f)->nvisits * sizeof(int));
        }
    return SCHED_OK;
}

int batch_repair(struct search *s)
{
    const struct tbuild *t = &s->tb;
    size_t np = sched_batch_nproviders(s->b);
    double start = sched_now_s();
    /* Every REPAIR_EVERY rounds (rounds, not time: the same seed gives the
     * same search). */
    if (t->nvis == 0 || t->cut ||
        (s->repair_round > 0 && s->out->rounds < s->repair_round + REPAIR_EVERY))
        return SCHED_OK;
    s->repair_round = s->out->rounds + 1;
    if (!s->repair && !(s->repair = cal_calloc(np + 1, sizeof *s->repair)))
        return SCHED_ENOMEM;
    struct batch_chosen ch;
    int rc = batch_chosen_init(&ch, t, s->n, np);
    struct scratch x = {cal_calloc(t->nvis + 1, sizeof(long)),
                        cal_calloc(t->ncol + 1, sizeof(bool)), cal_calloc(s->n + 1, sizeof(bool)),
                        false};
    if (!rc && (!x.keep || !x.allow || !x.fam))
        rc = SCHED_ENOMEM;
    batch_count_excess(s);
    /* The providers with excess, most first (ties by index), each when the
     * plan changed since its last try. */
    for (;;) {
        size_t version = s->out->accepted + s->out->master_improved + s->out->repairs_accepted + 1;
        int g = -1;
        for (size_t k = 0; k < np && !rc; k++)
            if (s->excess[k] > 0.5 && s->repair[k].seen != version &&
                s->repair[k].next <= s->out->rounds &&
                (g < 0 || s->excess[k] > s->excess[g] + 1e-9))
                g = (int)k;
        if (g < 0 || rc)
            break;
        s->repair[g].seen = version;
        if (left(s) < REPAIR_MIN_LEFT_S)
            break;
        /* When it is taken, the plan's version changes: g too may gain more. */
        size_t taken = s->out->repairs_accepted;
        rc = repair_provider(s, g, &ch, &x);
        if (!rc)
            batch_count_excess(s);
        /* One that gained nothing waits twice REPAIR_EVERY rounds, four
         * times after two in a row, and so on; one whose programme stopped
         * at its limit counts four times (it took seconds, and rounds of
         * moves take about a tenth of one: on the 150-family caseload
         * cc-2's never proves its best in 2 s, and retried every 40 rounds
         * it took 8-10 s of the minute). */
        struct batch_repair_state *st = &s->repair[g];
        st->fails = s->out->repairs_accepted != taken ? 0 : st->fails + 1 + 3 * x.cut;
        st->next =
            st->fails == 0 ? 0 : s->out->rounds + ((size_t)REPAIR_EVERY << imin(st->fails, 8));
    }
    free(x.keep);
    free(x.allow);
    free(x.fam);
    batch_chosen_free(&ch);
    s->repair_s += sched_now_s() - start;
    return rc;
}
