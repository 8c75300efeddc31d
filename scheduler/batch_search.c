/*
 * Planning a batch (docs/batch.md): the batch baseline as the first complete
 * plan; then construction, every family planned once with the model, alone
 * (its own lower bound; kept when it fits) or else against the residual
 * capacity; then large-neighbourhood search in rounds of moves, each move
 * re-planning a few families together (which ones: batch_moves.c). A
 * move is accepted only when the families' total objective goes down and no
 * provider goes over capacity, so no move makes the plan worse. When every
 * family has failed its moves, another pass starts while the last one found
 * a better plan, then one pass of the largest moves. Every plan the search
 * produces goes into a pool; now and then a set-partitioning master
 * (batch_master.c) picks one pool plan per family, for combinations that
 * no single move finds, and a repair move (batch_repair.c) re-assigns the
 * time of a provider whose plan leaves out more than its bound forces,
 * re-planning as many families as that takes.
 *
 * Determinism: moves are chosen by a seeded generator from the state only;
 * a round of moves is run against one snapshot and applied in task order,
 * so the runner may run them in parallel in any order. Time decides only
 * where the search stops when the time limit is reached.
 */
#include "scheduler/batch_search.h"
#include "calendars/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROUNDS 20000   /* a safety stop; the search converges long before */
#define POOL_PER_FAMILY 16 /* plans the master may choose from, per family */
#define MASTER_EVERY 20    /* rounds of moves between two master solves */
#define MASTER_LIMIT_S 10  /* one master solve at most */
/* Plans in the master at most: at 1000 families its solve took 0.5 s with
 * 2 755 plans, 3 s with 4 061 and 10 s with 5 758, while a round of moves
 * takes a few hundredths of a second (docs/benchmark.md). */
#define MASTER_MAX_COLUMNS 2500

void sched_batch_options_init(struct sched_batch_options *o)
{
    memset(o, 0, sizeof *o);
    o->time_limit_s = 60;
    o->solve_limit_s = 10;
    o->seed = 1;
}

void sched_batch_result_free(struct sched_batch_result *r)
{
    if (!r)
        return;
    for (size_t f = 0; f < r->n; f++) {
        if (r->plans)
            sched_plan_free(r->plans[f]);
        if (r->baseline)
            sched_plan_free(r->baseline[f]);
    }
    free(r->plans);
    free(r->baseline);
    free(r->bound);
    memset(r, 0, sizeof *r);
}

static double elapsed(const struct search *s)
{
    return sched_now_s() - s->t0;
}

static bool out_of_time(const struct search *s)
{
    return elapsed(s) >= s->o->time_limit_s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Weights with which a family pays at least W (weights.unscheduled) times
 * the weighted count of its visits left out: none negative. */
static bool family_weights_usable(const struct sched_weights *w)
{
    return w->unscheduled > 0 && w->trip >= 0 && w->travel_minute >= 0 && w->in_person >= 0 &&
           w->overnight >= 0 && w->late_minute >= 0 && w->moved >= 0;
}

/* Every active family's weights are usable. */
static bool weights_usable(const struct search *s)
{
    for (size_t f = 0; f < s->n; f++)
        if (s->active[f] && !family_weights_usable(&sched_batch_case(s->b, f)->weights))
            return false;
    return true;
}

/* The older batch bound: the families' own bounds a[f], raised by the
 * visits that provider time forces out. A family's cost is at least a[f]
 * and at least W times the weighted count of its visits left out; so the
 * first floor(a[f] / W) units of that count cost it nothing more, the next
 * costs W - (a[f] mod W), each further one W. The cheapest way to leave out
 * left_out units in all gives the bound. */
static double old_bound(const struct search *s)
{
    double sum = 0, absorbed = 0, wmin = INFINITY;
    size_t k = 0;
    bool usable = s->left_out > 0;
    for (size_t f = 0; f < s->n; f++) {
        if (!s->active[f])
            continue;
        const struct sched_weights *w = &sched_batch_case(s->b, f)->weights;
        double a = s->has_bound[f] ? s->bound[f] : 0;
        sum += a;
        if (!family_weights_usable(w))
            usable = false;
        else {
            double units = floor(a / w->unscheduled + 1e-9);
            absorbed += units;
            s->scratch[k++] = w->unscheduled * (units + 1) - a;
            wmin = fmin(wmin, w->unscheduled);
        }
    }
    double extra = s->left_out - absorbed;
    if (!usable || extra < 0.5)
        return sum;
    qsort(s->scratch, k, sizeof *s->scratch, cmp_double);
    for (size_t i = 0; i < k && extra >= 0.5; i++, extra -= 1)
        sum += s->scratch[i];
    if (extra >= 0.5)
        sum += floor(extra + 0.5) * wmin;
    return sum;
}

/* The batch's lower bound: the larger of the one above and the drop bound
 * (batch_drop.c), which knows which families can lose each provider's
 * forced visits and what they still pay then. */
static double batch_bound(const struct search *s)
{
    double old = old_bound(s);
    return s->drop.have ? fmax(old, s->drop.base + s->drop.value) : old;
}

static void totals(const struct search *s, double *obj, double *bound)
{
    *obj = 0;
    for (size_t f = 0; f < s->n; f++)
        if (s->active[f])
            *obj += s->cur[f]->objective;
    *bound = batch_bound(s);
    if (*bound > *obj)
        *bound = *obj;
}

static void report(struct search *s)
{
    if (!s->o->progress)
        return;
    struct sched_batch_progress p = {.elapsed_s = elapsed(s)};
    totals(s, &p.objective, &p.bound);
    p.gap = (p.objective - p.bound) / fmax(1.0, fabs(p.objective));
    for (size_t f = 0; f < s->n; f++)
        if (s->active[f]) {
            p.families++;
            p.solved += s->solved[f];
        }
    s->o->progress(s->o->progress_ud, &p);
}

static int snapshot(struct search *s)
{
    free(s->holds);
    s->holds = NULL;
    return sched_batch_holds(s->b, s->cur, &s->holds, &s->nholds);
}

/* Every plan of the answers into the master's pool. */
static int pool_answers(struct search *s, const struct sched_batch_task *t, size_t nt,
                        const struct sched_batch_answer *a)
{
    int rc = SCHED_OK;
    for (size_t i = 0; i < nt && !rc; i++) {
        rc = batch_plans_add(s->pool, (size_t)t[i].fam[0], a[i].own);
        for (int k = 0; k < t[i].nfam && !rc; k++)
            rc = batch_plans_add(s->pool, (size_t)t[i].fam[k], a[i].plans[k]);
    }
    return rc;
}

/* Family f's own lower bound from an answer that has one (f planned
 * alone): the larger of it and the one known. */
static void take_bound(struct search *s, size_t f, const struct sched_batch_answer *a)
{
    if (a->has_bound && (!s->has_bound[f] || a->bound > s->bound[f])) {
        s->bound[f] = a->bound;
        s->has_bound[f] = true;
    }
}

/* Apply one answer: keep it when the families' total objective goes down
 * and every new plan fits beside all the others (including each other). */
static int apply(struct search *s, const struct sched_batch_task *t, struct sched_batch_answer *a,
                 bool *accepted)
{
    *accepted = false;
    take_bound(s, (size_t)t->fam[0], a);
    double before = 0, after = 0;
    for (int i = 0; i < t->nfam; i++) {
        if (!a->plans[i])
            return SCHED_OK;
        before += s->cur[t->fam[i]]->objective;
        after += a->plans[i]->objective;
    }
    for (int i = 0; i < t->nfam; i++)
        s->solved[t->fam[i]] = true;
    if (!(after < before - 1e-6))
        return SCHED_OK;
    /* Trial: the new plans in place, then each checked against the rest. */
    struct sched_plan *old[SCHED_BATCH_MAXN];
    for (int i = 0; i < t->nfam; i++) {
        old[i] = s->cur[t->fam[i]];
        s->cur[t->fam[i]] = a->plans[i];
    }
    struct sched_hold *h = NULL;
    size_t nh = 0;
    int rc = sched_batch_holds(s->b, s->cur, &h, &nh);
    bool ok = rc == SCHED_OK;
    for (int i = 0; i < t->nfam && ok; i++) {
        s->excl[t->fam[i]] = true; /* excluded: only the family itself */
        ok = batch_plan_fits(s->b, (size_t)t->fam[i], a->plans[i], h, nh, s->excl);
        s->excl[t->fam[i]] = false;
    }
    free(h);
    if (!ok) {
        for (int i = 0; i < t->nfam; i++)
            s->cur[t->fam[i]] = old[i];
        return rc;
    }
    for (int i = 0; i < t->nfam; i++) {
        sched_plan_free(old[i]);
        a->plans[i] = NULL;
    }
    *accepted = true;
    return SCHED_OK;
}

/* The family a move is for: the one re-planned last when it frees a slot,
 * else the first. */
static int needy(const struct sched_batch_task *t)
{
    return t->free_end > t->free_start ? t->fam[t->nfam - 1] : t->fam[0];
}

static int run_round(struct search *s, struct sched_batch_task *tasks, size_t nt)
{
    struct sched_batch_answer *ans = cal_calloc(nt, sizeof *ans);
    if (!ans)
        return SCHED_ENOMEM;
    double left = s->o->time_limit_s - s->reserve - elapsed(s);
    for (size_t i = 0; i < nt; i++) {
        tasks[i].time_limit_s = s->o->solve_limit_s;
        if (left < tasks[i].time_limit_s)
            tasks[i].time_limit_s = left > 1 ? left : 1;
    }
    int rc = snapshot(s);
    if (!rc)
        rc = batch_run_own(s->b, s->r, s->own, s->holds, s->nholds, tasks, nt, ans);
    if (!rc)
        rc = pool_answers(s, tasks, nt, ans);
    for (size_t i = 0; i < nt && !rc; i++) {
        bool accepted;
        s->out->moves++;
        rc = apply(s, &tasks[i], &ans[i], &accepted);
        if (accepted) {
            s->out->accepted++;
            for (int k = 0; k < tasks[i].nfam; k++) {
                size_t f = (size_t)tasks[i].fam[k];
                s->fails[f] = 0;
                memset(s->vfails[f], 0, sched_batch_case(s->b, f)->nvisits * sizeof(int));
            }
        } else if (!tasks[i].alone) {
            s->fails[needy(&tasks[i])]++;
            if (tasks[i].free_end > tasks[i].free_start)
                s->vfails[needy(&tasks[i])][tasks[i].free_visit]++;
        }
    }
    for (size_t i = 0; i < nt; i++)
        sched_batch_answer_clear(&ans[i]);
    free(ans);
    s->out->rounds++;
    report(s);
    return rc;
}

/* Every active family once: alone, else against the residual. */
static int construct(struct search *s, bool *complete)
{
    size_t round = s->r->round ? s->r->round : 1;
    struct sched_batch_task *tasks = cal_calloc(round, sizeof *tasks);
    if (!tasks)
        return SCHED_ENOMEM;
    int rc = SCHED_OK;
    size_t f = 0;
    *complete = false;
    while (!rc) {
        size_t nt = 0;
        for (; f < s->n && nt < round; f++)
            if (s->active[f])
                tasks[nt++] = (struct sched_batch_task){.fam = {(int)f}, .nfam = 1, .alone = true};
        if (nt == 0) {
            *complete = true;
            break;
        }
        if (out_of_time(s))
            break;
        rc = run_round(s, tasks, nt);
    }
    free(tasks);
    return rc;
}

/* ---- guided construction ------------------------------------------------- */

static int push_hold(struct sched_hold **h, size_t *n, size_t *cap, struct sched_hold x)
{
    if (cal_grow(h, cap, *n + 1, sizeof **h))
        return SCHED_ENOMEM;
    (*h)[(*n)++] = x;
    return SCHED_OK;
}

/* Re-planned under st: every active family, or those st lists. */
static bool replanned(const struct search *s, const struct batch_stand *st, size_t f)
{
    return s->active[f] && (!st->fam || st->fam[f]);
}

/* What a family re-planned under st sees of the others: the new plans of
 * those re-planned before it (real = true: only these, and the current
 * plans of the families not re-planned), and for the rest their current
 * appointments, where st's reservations stand in for the re-planned
 * families' visits at st's providers (fixed bookings stay). */
static int guided_holds(const struct search *s, const struct batch_stand *st,
                        struct sched_plan *const *alt, bool real, struct sched_hold **out,
                        size_t *n)
{
    size_t cap = 0;
    int rc = SCHED_OK;
    *out = NULL;
    *n = 0;
    for (size_t f = 0; f < s->n && !rc; f++) {
        bool re = replanned(s, st, f);
        const struct sched_plan *p = alt[f] ? alt[f] : real && re ? NULL : s->cur[f];
        if (!s->active[f] || !p)
            continue;
        const struct sched_case *c = sched_batch_case(s->b, f);
        for (size_t i = 0; i < p->nappts && !rc; i++) {
            const struct sched_appt *a = &p->appts[i];
            const struct sched_visit *w = &c->visits[a->visit];
            int g = sched_batch_provider_of(s->b, f, (size_t)w->provider);
            if (!alt[f] && re && st->provider[g] && !(w->booked && !w->movable))
                continue;
            rc = push_hold(out, n, &cap, (struct sched_hold){g, (int)f, a->start, a->end});
        }
    }
    for (size_t i = 0; i < st->nresv && !rc && !real; i++)
        if (!alt[st->resv[i].family])
            rc = push_hold(out, n, &cap, st->resv[i]);
    if (!rc)
        batch_sort_holds(*out, *n);
    return rc;
}

/* One round of re-planning under st: tasks[0..nt) planned against the
 * guided holds; a plan is kept when it fits beside the new plans kept so
 * far (two families of one round may want the same free time: the second
 * then goes again in the next round). */
static int guided_round(struct search *s, const struct batch_stand *st, struct sched_plan **alt,
                        struct sched_batch_task *tasks, size_t nt, int *tries)
{
    struct sched_batch_answer *ans = cal_calloc(nt, sizeof *ans);
    struct sched_hold *h = NULL;
    size_t nh = 0;
    int rc = ans ? guided_holds(s, st, alt, false, &h, &nh) : SCHED_ENOMEM;
    for (size_t i = 0; i < nt; i++)
        tasks[i].time_limit_s = s->o->solve_limit_s;
    if (!rc)
        rc = batch_run_own(s->b, s->r, s->own, h, nh, tasks, nt, ans);
    if (!rc)
        rc = pool_answers(s, tasks, nt, ans);
    for (size_t i = 0; i < nt && !rc; i++) {
        size_t f = (size_t)tasks[i].fam[0];
        struct sched_plan *p = ans[i].plans[0];
        take_bound(s, f, &ans[i]);
        tries[f]++;
        if (!p && tries[f] < 3)
            continue;
        if (!p && sched_plan_copy(s->cur[f], &p)) /* its solve failed: its current plan */
            rc = SCHED_ENOMEM;
        else
            ans[i].plans[0] = NULL;
        struct sched_hold *r = NULL;
        size_t nr = 0;
        if (!rc)
            rc = guided_holds(s, st, alt, true, &r, &nr);
        if (!rc && batch_plan_fits(s->b, f, p, r, nr, NULL)) {
            alt[f] = p;
            s->solved[f] = true;
            p = NULL;
        }
        sched_plan_free(p);
        free(r);
    }
    for (size_t i = 0; i < nt; i++)
        sched_batch_answer_clear(&ans[i]);
    free(ans);
    free(h);
    s->out->rounds++;
    return rc;
}

int batch_guided_plans(struct search *s, const struct batch_stand *st, struct sched_plan **alt,
                       bool *complete)
{
    size_t round = s->r->round ? s->r->round : 1;
    struct sched_batch_task *tasks = cal_calloc(round, sizeof *tasks);
    int *tries = cal_calloc(s->n + 1, sizeof *tries);
    int rc = tasks && tries ? SCHED_OK : SCHED_ENOMEM;
    *complete = false;
    while (!rc) {
        size_t nt = 0;
        for (size_t f = 0; f < s->n && nt < round; f++)
            if (replanned(s, st, f) && !alt[f]) {
                if (tries[f] >= 4) {
                    rc = SCHED_EINVAL; /* cannot fit: keep the current plans */
                    break;
                }
                tasks[nt++] =
                    (struct sched_batch_task){.fam = {(int)f}, .nfam = 1, .alone = tries[f] == 0};
            }
        if (rc || nt == 0) {
            *complete = nt == 0 && !rc;
            break;
        }
        if (out_of_time(s) || (st->stop_s > 0 && elapsed(s) >= st->stop_s))
            break;
        rc = guided_round(s, st, alt, tasks, nt, tries);
    }
    free(tries);
    free(tasks);
    return rc == SCHED_EINVAL ? SCHED_OK : rc;
}

int batch_take_better(struct search *s, struct sched_plan **alt, bool *taken)
{
    struct sched_plan **trial = cal_calloc(s->n + 1, sizeof *trial);
    double before = 0, after = 0;
    bool any = false;
    *taken = false;
    for (size_t f = 0; f < s->n && trial; f++) {
        trial[f] = alt[f] ? alt[f] : s->cur[f];
        if (alt[f]) {
            any = true;
            before += s->cur[f]->objective;
            after += alt[f]->objective;
        }
    }
    /* Each new plan was checked beside those before it; all of them
     * together are checked once more before they replace the current ones. */
    *taken = trial && any && after < before - 1e-6 && sched_batch_conflicts(s->b, trial) == 0;
    for (size_t f = 0; f < s->n; f++) {
        if (!alt[f])
            continue;
        if (*taken) {
            sched_plan_free(s->cur[f]);
            s->cur[f] = alt[f];
        } else {
            sched_plan_free(alt[f]);
        }
        alt[f] = NULL;
    }
    free(trial);
    return trial ? SCHED_OK : SCHED_ENOMEM;
}

/* Every active family once, in caseload order, against the reservations of
 * the families after it (batch_guide.c) and the new plans of those before:
 * alone when its own best plan fits there, else against that residual. The
 * new plans replace the current ones together, when they cost less in all.
 * *complete: every family was planned in time. */
static int construct_guided(struct search *s, bool *complete)
{
    struct batch_stand st = {NULL, s->guide.guided, s->guide.resv, s->guide.nresv, 0};
    struct sched_plan **alt = cal_calloc(s->n + 1, sizeof *alt);
    int rc = alt ? batch_guided_plans(s, &st, alt, complete) : SCHED_ENOMEM;
    if (!rc && !*complete)
        for (size_t f = 0; f < s->n; f++) {
            sched_plan_free(alt[f]);
            alt[f] = NULL;
        }
    bool taken = false;
    if (!rc)
        rc = batch_take_better(s, alt, &taken);
    *complete = taken; /* else the ordinary construction */
    for (size_t f = 0; f < s->n && alt; f++)
        sched_plan_free(alt[f]);
    free(alt);
    if (!rc)
        report(s);
    return rc;
}

/* The master over the pool (batch_master.c), within limit_s seconds: a
 * family whose plan it replaces starts its moves afresh, as after a move. */
static int master(struct search *s, double limit_s)
{
    struct batch_master_run mr;
    memset(s->changed, 0, s->n * sizeof *s->changed);
    s->master_round = s->out->rounds;
    /* Nothing new since the last one: the same programme, the same answer. */
    size_t seen[2] = {batch_plans_changes(s->pool) + 1, s->out->accepted};
    if (!memcmp(seen, s->master_seen, sizeof seen))
        return SCHED_OK;
    memcpy(s->master_seen, seen, sizeof seen);
    int rc = batch_master_solve(s->b, s->active, s->cur, s->pool, MASTER_MAX_COLUMNS,
                                fmin(MASTER_LIMIT_S, limit_s), s->changed, &mr);
    if (rc || mr.skipped)
        return rc;
    s->out->masters++;
    s->out->master_ms += (long)(mr.seconds * 1000 + 0.5);
    s->master_s = fmax(s->master_s, mr.seconds);
    if (mr.changed == 0)
        return SCHED_OK;
    s->out->master_improved++;
    s->out->master_gain += mr.gain;
    for (size_t f = 0; f < s->n; f++)
        if (s->changed[f]) {
            s->fails[f] = 0;
            memset(s->vfails[f], 0, sched_batch_case(s->b, f)->nvisits * sizeof(int));
        }
    report(s);
    return SCHED_OK;
}

static int improve(struct search *s)
{
    size_t round = s->r->round ? s->r->round : 1;
    struct sched_batch_task *tasks = cal_calloc(round, sizeof *tasks);
    bool *need = cal_calloc(sched_batch_nproviders(s->b) + 1, sizeof *need);
    int rc = SCHED_OK;
    if (!tasks || !need) {
        rc = SCHED_ENOMEM;
        goto done;
    }
    /* The master after construction, every MASTER_EVERY rounds, after
     * each pass, and once more in the time kept for it before the limit. */
    s->reserve = fmin(s->o->time_limit_s / 10, 0.5);
    if ((rc = master(s, s->o->time_limit_s - elapsed(s))))
        goto done;
    size_t since = s->out->accepted, gained = s->out->master_improved;
    while (!rc && s->out->rounds < MAX_ROUNDS) {
        s->reserve = fmin(s->o->time_limit_s / 10, fmax(0.5, 1.5 * s->master_s));
        if (elapsed(s) >= s->o->time_limit_s - s->reserve) {
            s->out->stopped_by_time = true;
            if (!out_of_time(s))
                rc = master(s, s->o->time_limit_s - elapsed(s));
            break;
        }
        if (s->out->rounds - s->master_round >= MASTER_EVERY &&
            (rc = master(s, s->o->time_limit_s - elapsed(s))))
            break;
        /* Every few rounds, the providers whose plan leaves out more than
         * their bound forces (batch_repair.c). */
        if ((rc = batch_repair(s)))
            break;
        if ((rc = snapshot(s)))
            break;
        size_t nt = batch_choose_moves(s, tasks, round, need);
        if (nt == 0) {
            /* Every family has failed its moves: the master, then another
             * pass while the last one found a better plan; after one that
             * found nothing, one pass of the largest moves, and the end if
             * that finds nothing either. */
            if ((rc = master(s, s->o->time_limit_s - elapsed(s))))
                break;
            bool found = s->out->accepted != since || s->out->master_improved != gained;
            gained = s->out->master_improved;
            if (!found && s->big)
                break;
            s->big = !found;
            since = s->out->accepted;
            memset(s->fails, 0, s->n * sizeof *s->fails);
            continue;
        }
        rc = run_round(s, tasks, nt);
    }
done:
    free(tasks);
    free(need);
    return rc;
}

/* Weighted visits every plan leaves out: the per-day and the time-indexed
 * bounds (docs/batch.md), the larger of the two for each provider (visits
 * belong to one provider each, so the counts add up). The time-indexed one
 * gets a sixth of the time limit, at most 10 s. */
static int forced_out(const sched_batch *b, const bool *active, double time_limit_s, double *out,
                      double *per_provider, struct batch_guide *guide, struct batch_drop *drop,
                      struct tbuild *keep)
{
    size_t np = sched_batch_nproviders(b);
    double *fd = cal_calloc(np + 1, sizeof *fd), *ft = cal_calloc(np + 1, sizeof *ft);
    struct batch_forced d = {0, fd}, t = {0, ft};
    double day = 0, timed = 0, sum = 0;
    int rc = fd && ft ? SCHED_OK : SCHED_ENOMEM;
    if (!rc)
        rc = batch_capacity_bound(b, active, &d, &day);
    struct tbuild tb = {0};
    if (!rc)
        rc = tix_time_bound(b, active, fmin(10.0, time_limit_s / 6), &t, &timed, &tb);
    if (!rc) {
        for (size_t g = 0; g < np; g++) {
            sum += fmax(fd[g], ft[g]);
            per_provider[g] = fmax(fd[g], ft[g]);
        }
        rc = batch_guide_solve(b, &tb, per_provider, fmin(10.0, time_limit_s / 6), guide);
    }
    if (!rc)
        rc = batch_drop_init(b, &tb, per_provider, drop);
    if (!rc && !tb.cut)
        *keep = tb; /* for the repair move (batch_repair.c) */
    else
        tix_free(&tb);
    if (!rc) {
        double both = fmax(d.never, t.never) + (sum > 1e-6 ? ceil(sum - 1e-6) : 0);
        *out = fmax(both, fmax(day, timed));
    }
    free(fd);
    free(ft);
    return rc;
}

/* The batch's bounds and reservations (forced_out), as the runner's
 * meanwhile. */
static int bounds_meanwhile(void *arg)
{
    struct search *s = arg;
    return forced_out(s->b, s->active, s->o->time_limit_s, &s->left_out, s->forced, &s->guide,
                      &s->drop, &s->tb);
}

/* The bounds and reservations; meanwhile, on the runner, every active
 * family's own best plan (alone, capacity ignored) into s->own, which
 * construction then takes instead of solving it again (batch_run_own): the
 * same plans, while the workers would otherwise wait for the bounds. */
static int bounds_and_own(struct search *s)
{
    size_t nt = 0;
    struct sched_batch_task *tasks = cal_calloc(s->n + 1, sizeof *tasks);
    struct sched_batch_answer *ans = cal_calloc(s->n + 1, sizeof *ans);
    s->own = cal_calloc(s->n + 1, sizeof *s->own);
    int rc = tasks && ans && s->own ? SCHED_OK : SCHED_ENOMEM;
    for (size_t f = 0; f < s->n && !rc; f++)
        if (s->active[f])
            tasks[nt++] = (struct sched_batch_task){
                .fam = {(int)f}, .nfam = 1, .alone = true, .time_limit_s = s->o->solve_limit_s};
    if (!rc && s->r->run_while)
        rc = s->r->run_while(s->r->ud, NULL, 0, tasks, nt, ans, bounds_meanwhile, s);
    else if (!rc && !(rc = bounds_meanwhile(s)))
        rc = s->r->run(s->r->ud, NULL, 0, tasks, nt, ans);
    for (size_t i = 0; i < nt; i++) {
        /* Without holds the plan fits: it is plans[0] (none if it failed). */
        if (!rc) {
            s->own[tasks[i].fam[0]] = ans[i].plans[0];
            ans[i].plans[0] = NULL;
        }
        sched_batch_answer_clear(&ans[i]);
    }
    free(tasks);
    free(ans);
    return rc;
}

static void own_free(struct search *s)
{
    for (size_t f = 0; s->own && f < s->n; f++)
        sched_plan_free(s->own[f]);
    free(s->own);
    s->own = NULL;
}

/* The search's own arrays (all zero); SCHED_ENOMEM when one is missing. */
static int search_alloc(struct search *s)
{
    size_t n = s->n ? s->n : 1, np = sched_batch_nproviders(s->b) + 1;
    s->has_bound = cal_calloc(n, sizeof(bool));
    s->solved = cal_calloc(n, sizeof(bool));
    s->active = cal_calloc(n, sizeof(bool));
    s->used = cal_calloc(n, sizeof(bool));
    s->excl = cal_calloc(n, sizeof(bool));
    s->fails = cal_calloc(n, sizeof(int));
    s->weight = cal_calloc(n, sizeof(double));
    s->scratch = cal_calloc(n, sizeof(double));
    s->forced = cal_calloc(np, sizeof(double));
    s->excess = cal_calloc(np, sizeof(double));
    s->vfails = cal_calloc(n, sizeof *s->vfails);
    s->changed = cal_calloc(n, sizeof(bool));
    s->pool = batch_plans_new(s->n, POOL_PER_FAMILY);
    if (!s->changed || !s->pool || !s->has_bound || !s->solved || !s->active || !s->used ||
        !s->excl || !s->fails || !s->weight || !s->scratch || !s->forced || !s->excess ||
        !s->vfails)
        return SCHED_ENOMEM;
    for (size_t f = 0; f < s->n; f++)
        if (!(s->vfails[f] = cal_calloc(sched_batch_case(s->b, f)->nvisits + 1, sizeof(int))))
            return SCHED_ENOMEM;
    return SCHED_OK;
}

static void search_free(struct search *s)
{
    own_free(s);
    batch_guide_free(&s->guide);
    tix_free(&s->tb);
    free(s->repair);
    batch_plans_free(s->pool);
    free(s->changed);
    batch_drop_free(&s->drop);
    free(s->holds);
    free(s->has_bound);
    free(s->solved);
    free(s->active);
    free(s->used);
    free(s->excl);
    free(s->fails);
    free(s->weight);
    free(s->scratch);
    free(s->forced);
    free(s->excess);
    for (size_t f = 0; s->vfails && f < s->n; f++)
        free(s->vfails[f]);
    free(s->vfails);
}

int sched_batch_solve(const sched_batch *b, const struct sched_batch_options *o,
                      const struct sched_batch_runner *r, struct sched_batch_result *out,
                      struct careday_error *err)
{
    struct search s = {.b = b, .o = o, .r = r, .n = sched_batch_ncases(b), .out = out};
    size_t n = s.n ? s.n : 1;
    int rc;
    memset(out, 0, sizeof *out);
    s.t0 = sched_now_s();
    s.rng = o->seed ^ 0x636172656461790aULL;
    out->n = s.n;
    out->plans = cal_calloc(n, sizeof *out->plans);
    out->baseline = cal_calloc(n, sizeof *out->baseline);
    out->bound = cal_calloc(n, sizeof *out->bound);
    s.cur = out->plans;
    s.bound = out->bound;
    if (!out->plans || !out->baseline || !out->bound || search_alloc(&s)) {
        rc = SCHED_ENOMEM;
        goto fail;
    }
    for (size_t f = 0; f < s.n; f++)
        s.active[f] = !o->active || o->active[f];

    rc = sched_batch_baseline(b, s.active, out->baseline, err);
    if (rc)
        goto fail_reported;
    for (size_t f = 0; f < s.n; f++)
        if (s.active[f] && sched_plan_copy(out->baseline[f], &out->plans[f])) {
            rc = SCHED_ENOMEM;
            goto fail;
        }
    for (size_t f = 0; f < s.n; f++)
        if (s.active[f] && (rc = batch_plans_add(s.pool, f, out->baseline[f])))
            goto fail;
    out->first_plan_ms = (long)(elapsed(&s) * 1000 + 0.5);
    if ((rc = bounds_and_own(&s)))
        goto fail;
    report(&s);

    bool complete;
    complete = false;
    if (s.guide.nresv > 0 && (rc = construct_guided(&s, &complete)))
        goto fail_reported;
    if (!complete && (rc = construct(&s, &complete)))
        goto fail_reported;
    own_free(&s);
    out->construct_ms = complete ? (long)(elapsed(&s) * 1000 + 0.5) : -1;
    /* The drop solves: a sixth of the time limit, at most 10 s, and at most
     * a quarter of the time left for the search (the bound only; the plan
     * does not depend on them). */
    if (complete && !out_of_time(&s)) {
        double budget = fmin(fmin(10.0, o->time_limit_s / 6), (o->time_limit_s - elapsed(&s)) / 4);
        rc = batch_drop_run(&s.drop, b, r, s.active, s.bound, s.has_bound, weights_usable(&s),
                            o->solve_limit_s, budget);
        if (rc)
            goto fail_or_reported;
        out->drop_solves = s.drop.solves;
        out->drop_ms = (long)(s.drop.solve_s * 1000 + 0.5);
        report(&s);
    }
    if (complete && (rc = improve(&s)))
        goto fail_reported;
    if (!complete)
        out->stopped_by_time = true;

    totals(&s, &out->objective, &out->bound_total);
    out->gap = (out->objective - out->bound_total) / fmax(1.0, fabs(out->objective));
    out->status = !complete                                 ? SCHED_STATUS_PARTIAL
                  : out->objective - out->bound_total < 0.5 ? SCHED_STATUS_OPTIMAL
                                                            : SCHED_STATUS_FEASIBLE;
    for (size_t f = 0; f < s.n; f++) {
        struct sched_plan *p = out->plans[f];
        if (!p)
            continue;
        bool own_best = s.has_bound[f] && p->objective - s.bound[f] < 0.5;
        if ((rc = batch_explain_capacity(b, f, p, own_best)))
            goto fail;
        p->bound = s.has_bound[f] ? fmin(s.bound[f], p->objective) : 0;
        p->gap = (p->objective - p->bound) / fmax(1.0, fabs(p->objective));
        p->status = !s.solved[f]                    ? SCHED_STATUS_PARTIAL
                    : p->objective - p->bound < 0.5 ? SCHED_STATUS_OPTIMAL
                                                    : SCHED_STATUS_FEASIBLE;
        out->bound[f] = p->bound;
    }
    out->repair_ms = (long)(s.repair_s * 1000 + 0.5);
    out->solve_ms = (long)(elapsed(&s) * 1000 + 0.5);
    rc = SCHED_OK;
    goto done;

fail_or_reported:
    if (rc != SCHED_ENOMEM)
        goto fail_reported;
fail:
    careday_fail(err, rc, NULL, 0, NULL, "planning the batch failed: out of memory");
fail_reported:
    sched_batch_result_free(out);
done:
    search_free(&s);
    return rc;
}
