/*
 * Batches: families sharing providers' capacity (scheduler/batch.c,
 * batch_search.c), on small cases built in code whose optimum is worked out
 * in each test's comment. The fixture is case_fixture.h: America/New_York,
 * horizon Tue 2026-12-01 .. Mon 2026-12-14, family day 07:00-19:00, one
 * clinic 60 min from home.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "case_fixture.h"
#include "scheduler/batch_drop.h"
#include "scheduler/batch_guide.h"
#include "scheduler/batch_master.h"
#include "scheduler/sched_internal.h"

/* The fixture's case (one clinic place, nprov providers) as family id,
 * the clinic 60 minutes from home. */
static struct sched_case *family_case(const char *id, int nprov)
{
    struct sched_case *c = new_case(1, nprov);
    free(c->id);
    c->id = dup(id);
    set_travel(c, -1, 0, 60);
    return c;
}

/* The fixture's case with nprov providers, dr0 working only the given days
 * 09:00-09:45 (one 40-minute start a day). */
static struct sched_case *dr0_days_case(const char *id, int nprov, const int32_t *days, int ndays,
                                        int capacity)
{
    struct sched_case *c = family_case(id, nprov);
    for (int i = 0; i < ndays; i++)
        day_hours(c, 0, SCHED_IN_PERSON, days[i], 9, 10);
    /* 09:00-09:45 only: remove 09:45-10:00 */
    struct cal_set cut = {0}, out = {0};
    for (int i = 0; i < ndays; i++)
        cal_set_add(&cut, cal_tz_local_to_utc(c->tz, days[i], 9 * 60 + 45),
                    cal_tz_local_to_utc(c->tz, days[i], 10 * 60));
    cal_set_subtract(&out, &c->providers[0].mode[0].free, &cut);
    cal_set_free(&c->providers[0].mode[0].free);
    c->providers[0].mode[0].free = out;
    cal_set_free(&cut);
    c->providers[0].capacity = capacity;
    return c;
}

/* A family with one 40-minute in-person visit with dr0; dr0 works only the
 * given days 09:00-09:45 (one start a day). */
static struct sched_case *one_visit_family(const char *id, const int32_t *days, int ndays,
                                           int capacity)
{
    struct sched_case *c = dr0_days_case(id, 1, days, ndays, capacity);
    add_visit(c, "neuro-fu", 0, 40, D(12, 1), D(12, 14));
    return c;
}

/* dr0 open on day at 08:00-08:45 and 11:00-11:45 only (one 40-minute start
 * each). */
static void dr0_two_starts(struct sched_case *c, int32_t day)
{
    for (int h = 8; h <= 11; h += 3)
        day_hours(c, 0, SCHED_IN_PERSON, day, h, h + 1);
    struct cal_set cut = {0}, out = {0};
    for (int h = 8; h <= 11; h += 3)
        cal_set_add(&cut, cal_tz_local_to_utc(c->tz, day, h * 60 + 45),
                    cal_tz_local_to_utc(c->tz, day, (h + 1) * 60));
    cal_set_subtract(&out, &c->providers[0].mode[0].free, &cut);
    cal_set_free(&c->providers[0].mode[0].free);
    c->providers[0].mode[0].free = out;
    cal_set_free(&cut);
}

/* The family busy all day on every day of the horizon but d0 and d1. */
static void busy_but(struct sched_case *c, int32_t d0, int32_t d1)
{
    for (int32_t d = c->horizon_start; d <= c->horizon_end; d++)
        if (d != d0 && d != d1)
            cal_set_add(&c->family.busy, cal_tz_local_to_utc(c->tz, d, 0),
                        cal_tz_local_to_utc(c->tz, d + 1, 0));
}

static int run_here(void *ud, const struct sched_hold *holds, size_t nholds,
                    const struct sched_batch_task *tasks, size_t n,
                    struct sched_batch_answer *answers)
{
    const sched_batch *b = ud;
    for (size_t i = 0; i < n; i++)
        if (sched_batch_run_task(b, holds, nholds, &tasks[i], &answers[i], NULL))
            sched_batch_answer_clear(&answers[i]);
    return 0;
}

/* The drop bound without the search's clamp to the objective: the
 * per-day and time-indexed counts per provider, the families' own optima
 * a[f], and the drop solves run here until the covering programme's
 * solution is all known. */
static double raw_drop_bound(const sched_batch *b, const double *a, size_t *solves)
{
    size_t n = sched_batch_ncases(b), np = sched_batch_nproviders(b);
    double *fd = calloc(np, sizeof *fd), *ft = calloc(np, sizeof *ft), day, timed;
    struct batch_forced d = {0, fd}, t = {0, ft};
    struct tbuild tb = {0};
    assert_int_equal(batch_capacity_bound(b, NULL, &d, &day), 0);
    assert_int_equal(tix_time_bound(b, NULL, 60, &t, &timed, &tb), 0);
    for (size_t g = 0; g < np; g++)
        fd[g] = fmax(fd[g], ft[g]);
    struct batch_drop dr;
    assert_int_equal(batch_drop_init(b, &tb, fd, &dr), 0);
    bool *has = calloc(n, sizeof *has);
    for (size_t f = 0; f < n; f++)
        has[f] = true;
    struct sched_batch_runner r = {run_here, (void *)b, 2, NULL};
    assert_int_equal(batch_drop_run(&dr, b, &r, NULL, a, has, true, 10, 60), 0);
    for (size_t w = 0; w < dr.nwant; w++) /* the solution's sets are all known */
        assert_true(dr.set[dr.want[w]].known);
    double v = dr.base + dr.value;
    *solves = dr.solves;
    batch_drop_free(&dr);
    tix_free(&tb);
    free(has);
    free(fd);
    free(ft);
    return v;
}

static void solve(const sched_batch *b, uint64_t seed, struct sched_batch_result *res)
{
    struct sched_batch_options o;
    struct careday_error err;
    sched_batch_options_init(&o);
    o.seed = seed;
    struct sched_batch_runner r = {run_here, (void *)b, 2, NULL};
    assert_int_equal(sched_batch_solve(b, &o, &r, res, &err), 0);
}

/* Two families, one slot on Tuesday and one on Thursday: alone each takes
 * the first; together one each, never both at once. */
static void test_two_families_two_slots(void **state)
{
    (void)state;
    int32_t days[] = {D(12, 1), D(12, 3)};
    struct sched_case *a = one_visit_family("a", days, 2, 1);
    struct sched_case *b2 = one_visit_family("b", days, 2, 1);
    const struct sched_case *cases[] = {a, b2};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 2, &b, NULL, NULL), 0);
    assert_int_equal(sched_batch_nproviders(b), 1);

    struct sched_plan *base[2];
    assert_int_equal(sched_batch_baseline(b, NULL, base, NULL), 0);
    assert_int_equal(base[0]->metrics.unscheduled, 0);
    assert_int_equal(base[1]->metrics.unscheduled, 0);
    assert_true(base[0]->appts[0].start != base[1]->appts[0].start);
    assert_int_equal(sched_batch_conflicts(b, base), 0);
    /* Planned alone, both would take Tuesday: a conflict the batch counts. */
    struct sched_plan *alone[2] = {plan_with(a, SCHED_MODEL_DAYS), plan_with(b2, SCHED_MODEL_DAYS)};
    assert_true(alone[0]->appts[0].start == alone[1]->appts[0].start);
    assert_int_equal(sched_batch_conflicts(b, alone), 1);

    struct sched_batch_result res;
    solve(b, 1, &res);
    assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
    assert_int_equal(res.plans[0]->metrics.unscheduled + res.plans[1]->metrics.unscheduled, 0);
    /* Both get their own optimum (one trip each): the bound is reached. */
    assert_int_equal(res.status, SCHED_STATUS_OPTIMAL);
    assert_true(res.objective == res.bound_total);
    assert_true(res.gap == 0);

    /* The same seed gives the same plan. */
    struct sched_batch_result again;
    solve(b, 1, &again);
    for (int f = 0; f < 2; f++)
        assert_true(again.plans[f]->appts[0].start == res.plans[f]->appts[0].start);
    sched_batch_result_free(&again);
    sched_batch_result_free(&res);
    for (int f = 0; f < 2; f++) {
        sched_plan_free(base[f]);
        sched_plan_free(alone[f]);
    }
    sched_batch_free(b);
    free_case(a);
    free_case(b2);
}

/* A visit a family's own plan leaves out is not "lost to other families":
 * family a has two visits due on Tuesday, when dr0 has one start; b's visit
 * is due on Thursday, so a's loss is its own (even planned alone it leaves
 * one out), and its reason stays the single-family one. */
static void test_own_loss_is_not_capacity(void **state)
{
    (void)state;
    int32_t days[] = {D(12, 1), D(12, 3)};
    struct sched_case *a = one_visit_family("a", days, 2, 1);
    struct sched_case *b2 = one_visit_family("b", days, 2, 1);
    a->visits[0].latest = D(12, 1);
    add_visit(a, "neuro-2", 0, 40, D(12, 1), D(12, 1));
    b2->visits[0].earliest = b2->visits[0].latest = D(12, 3);
    const struct sched_case *cases[] = {a, b2};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 2, &b, NULL, NULL), 0);
    struct sched_batch_result res;
    solve(b, 1, &res);
    assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
    assert_int_equal(res.plans[0]->nunscheduled, 1);
    assert_int_equal(res.plans[1]->nunscheduled, 0);
    assert_int_equal(res.plans[0]->unscheduled[0].code, SCHED_REASON_DISPLACED);
    assert_int_equal(res.status, SCHED_STATUS_OPTIMAL);
    sched_batch_result_free(&res);
    sched_batch_free(b);
    free_case(a);
    free_case(b2);
}

/* Capacity 2 and three families on one Tuesday slot: two go, the third is
 * left out (it has no other day). */
static void test_capacity_two(void **state)
{
    (void)state;
    int32_t days[] = {D(12, 1)};
    struct sched_case *c[3];
    for (int i = 0; i < 3; i++)
        c[i] = one_visit_family(i == 0 ? "a" : i == 1 ? "b" : "c", days, 1, 2);
    const struct sched_case *cases[] = {c[0], c[1], c[2]};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 3, &b, NULL, NULL), 0);
    assert_int_equal(sched_batch_capacity(b, 0), 2);
    struct sched_batch_result res;
    solve(b, 5, &res);
    int placed = 0;
    for (int f = 0; f < 3; f++)
        placed += (int)res.plans[f]->nappts;
    assert_int_equal(placed, 2);
    assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
    /* The one left out says why: other families hold the provider's time. */
    for (int f = 0; f < 3; f++)
        if (res.plans[f]->nunscheduled) {
            assert_int_equal(res.plans[f]->unscheduled[0].code, SCHED_REASON_CAPACITY);
            assert_int_equal(res.plans[f]->unscheduled[0].candidates, 1);
        }
    /* Each family alone would be placed, but the provider's 45 minutes at
     * capacity 2 take at most 90 minutes of 40-minute visits: the bound
     * counts one visit left out and proves the plan optimal. */
    assert_int_equal(res.status, SCHED_STATUS_OPTIMAL);
    assert_true(res.bound_total == res.objective);
    sched_batch_result_free(&res);
    sched_batch_free(b);
    for (int i = 0; i < 3; i++)
        free_case(c[i]);
}

/* The provider is open 09:00-09:45 and 14:00-14:45 on one Tuesday, but both
 * families are busy every afternoon: the day holds time for both visits,
 * their own times hold one. The time-indexed bound sees that one is left
 * out by every plan and proves the plan optimal (the per-day bound alone
 * counted 90 open minutes for 80 minutes of visits and left a gap). */
static void test_time_bound_sees_family_times(void **state)
{
    (void)state;
    int32_t days[] = {D(12, 1)};
    struct sched_case *c[2];
    for (int i = 0; i < 2; i++) {
        c[i] = one_visit_family(i == 0 ? "a" : "b", days, 1, 1);
        day_hours(c[i], 0, SCHED_IN_PERSON, D(12, 1), 14, 15);
        struct cal_set cut = {0}, out = {0};
        cal_set_add(&cut, cal_tz_local_to_utc(c[i]->tz, D(12, 1), 14 * 60 + 45),
                    cal_tz_local_to_utc(c[i]->tz, D(12, 1), 15 * 60));
        cal_set_subtract(&out, &c[i]->providers[0].mode[0].free, &cut);
        cal_set_free(&c[i]->providers[0].mode[0].free);
        c[i]->providers[0].mode[0].free = out;
        cal_set_free(&cut);
        for (int32_t d = c[i]->horizon_start; d <= c[i]->horizon_end; d++)
            cal_set_add(&c[i]->family.busy, cal_tz_local_to_utc(c[i]->tz, d, 12 * 60),
                        cal_tz_local_to_utc(c[i]->tz, d, 20 * 60));
    }
    const struct sched_case *cases[] = {c[0], c[1]};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 2, &b, NULL, NULL), 0);
    double per_day = -1, timed = -1;
    assert_int_equal(batch_capacity_bound(b, NULL, NULL, &per_day), 0);
    assert_int_equal(batch_time_bound(b, NULL, 60, NULL, &timed), 0);
    assert_true(per_day == 0);
    assert_true(timed == 1);
    struct sched_batch_result res;
    solve(b, 3, &res);
    assert_int_equal(res.plans[0]->metrics.unscheduled + res.plans[1]->metrics.unscheduled, 1);
    assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
    assert_int_equal(res.status, SCHED_STATUS_OPTIMAL);
    assert_true(res.bound_total == res.objective);
    sched_batch_result_free(&res);
    sched_batch_free(b);
    for (int i = 0; i < 2; i++)
        free_case(c[i]);
}

/* The per-provider programme in whole numbers proves more than its LP.
 * Three one-visit families per day, on two days: a can start at 08:00 or
 * 13:00 (120 minutes), b at 10:30 or 12:00 (90), c at 09:00 only (120);
 * a's 08:00 meets c's 09:00, c's meets b's 10:30, b's 12:00 meets a's
 * 13:00 (capacity 1). No plan places all three (a five-cycle of clashes),
 * but the LP places each start half: 2.5 a day, 5 in all, while every plan
 * places at most 4. The build is made here so that only these starts are
 * there. */
static void test_time_bound_whole_numbers(void **state)
{
    (void)state;
    int32_t days[] = {D(12, 1), D(12, 2)};
    struct sched_case *c[6];
    const struct sched_case *cases[6];
    for (int f = 0; f < 6; f++) {
        char id[8];
        snprintf(id, sizeof id, "f%d", f);
        cases[f] = c[f] = one_visit_family(id, days, 2, 1);
    }
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 6, &b, NULL, NULL), 0);
    static const int start[6][2] = {{8 * 60, 13 * 60}, {10 * 60 + 30, 12 * 60}, {9 * 60, -1}};
    static const int len[3] = {120, 90, 120};
    struct tbuild t = {0};
    t.vis = calloc(6, sizeof *t.vis);
    t.col = calloc(10, sizeof *t.col);
    for (int f = 0; f < 6; f++) {
        int day = f / 3, kind = f % 3;
        t.vis[f] = (struct tvis){t.ncol, 0, 1, 0, f, 0, false};
        for (int k = 0; k < 2 && start[kind][k] >= 0; k++) {
            cal_time s = T(c[f], 12, 1 + day, 0, 0) + (cal_time)start[kind][k] * 60;
            t.col[t.ncol++] = (struct tcol){0, f, s, s + (cal_time)len[kind] * 60, -1, day, true};
        }
        t.vis[f].count = t.ncol - t.vis[f].first;
    }
    t.nvis = 6;
    t.total = 6;
    double lp = -1, ip = -1;
    assert_int_equal(tix_provider_count(&t, b, 0, 60, false, &lp), 0);
    assert_int_equal(tix_provider_count(&t, b, 0, 60, true, &ip), 0);
    assert_true(lp == 5);
    assert_true(ip == 4);
    tix_free(&t);
    sched_batch_free(b);
    for (int f = 0; f < 6; f++)
        free_case(c[f]);
}

/* Each family has a lab draw (dr1, every weekday, from Wednesday on) that
 * must end 1 to 7 days before the neurologist's visit (dr0: Tuesday and
 * Thursday 09:00-09:45). Tuesday is too early for every family: its draw
 * cannot come a day before. So the two families share Thursday's one start,
 * and one neurology visit is left out by every plan. The time-indexed bound
 * drops the starts no predecessor allows and proves it (before, it counted
 * two starts for two visits). */
static struct sched_case *lab_first_family(const char *id)
{
    int32_t days[] = {D(12, 1), D(12, 3)};
    struct sched_case *one = one_visit_family(id, days, 2, 1);
    struct sched_case *c = family_case(id, 2);
    cal_set_free(&c->providers[0].mode[0].free);
    c->providers[0].mode[0].free = one->providers[0].mode[0].free;
    one->providers[0].mode[0].free = (struct cal_set){0};
    free_case(one);
    weekday_hours(c, 1, SCHED_IN_PERSON, 7, 17);
    c->providers[1].capacity = 2;
    add_visit(c, "neuro-fu", 0, 40, D(12, 1), D(12, 14));
    struct sched_visit *lab = add_visit(c, "lab", 1, 20, D(12, 2), D(12, 14));
    lab->before = calloc(1, sizeof *lab->before);
    lab->before[0] = (struct sched_lag){0, 1440, 10080};
    lab->nbefore = 1;
    return c;
}

static void test_time_bound_follows_links(void **state)
{
    (void)state;
    struct sched_case *c[2] = {lab_first_family("a"), lab_first_family("b")};
    const struct sched_case *cases[] = {c[0], c[1]};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 2, &b, NULL, NULL), 0);
    double timed = -1;
    assert_int_equal(batch_time_bound(b, NULL, 60, NULL, &timed), 0);
    assert_true(timed == 1);
    struct sched_batch_result res;
    solve(b, 2, &res);
    int out = 0;
    for (int f = 0; f < 2; f++) {
        out += (int)res.plans[f]->metrics.unscheduled;
        for (size_t i = 0; i < res.plans[f]->nappts; i++)
            if (res.plans[f]->appts[i].visit == 0)
                assert_true(res.plans[f]->appts[i].start == T(c[f], 12, 3, 9, 0));
    }
    assert_int_equal(out, 1);
    assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
    /* Alone, each family draws on Wednesday and sees the neurologist on
     * Thursday: a = 2 trips of 850. The loser of Thursday's start still
     * goes for its lab draw: the optimum is a + W + 850 = 102 550. The
     * drop bound proves it (the older one left that lab trip as a gap); the
     * bound itself, not clamped to the plan, is not above it. */
    double a[2];
    for (int f = 0; f < 2; f++) {
        struct sched_plan *p = plan(c[f]);
        a[f] = p->objective;
        sched_plan_free(p);
    }
    assert_true(a[0] == 1700 && a[1] == 1700);
    size_t solves = 0;
    assert_true(raw_drop_bound(b, a, &solves) == 102550);
    assert_true(res.objective == 102550 && res.bound_total == 102550);
    assert_int_equal(res.status, SCHED_STATUS_OPTIMAL);
    sched_batch_result_free(&res);
    sched_batch_free(b);
    free_case(c[0]);
    free_case(c[1]);
}

/* Two families need the neurologist (dr0, one start: Tuesday 09:00) and
 * physiotherapy (dr1, Thursday 09:00-12:00, capacity 2): alone, each
 * makes two trips, a = 2 x 850 (per trip day 600, 2 x 60 minutes driven
 * and 10 parked, 120 for the visit). Together one loses the neurology visit
 * and still drives on Thursday: the optimum is a + W + a / 2 = 101 700 +
 * 850 = 102 550. The older bound let the loser's trips vanish inside W
 * (a + W = 101 700, a gap); the drop bound knows that family f without
 * its neurology visit costs W + 850 and proves the plan optimal. */
static struct sched_case *neuro_and_pt_family(const char *id)
{
    int32_t days[] = {D(12, 1)};
    struct sched_case *one = one_visit_family(id, days, 1, 1);
    struct sched_case *c = family_case(id, 2);
    cal_set_free(&c->providers[0].mode[0].free);
    c->providers[0].mode[0].free = one->providers[0].mode[0].free;
    one->providers[0].mode[0].free = (struct cal_set){0};
    free_case(one);
    day_hours(c, 1, SCHED_IN_PERSON, D(12, 3), 9, 12);
    c->providers[1].capacity = 2;
    add_visit(c, "neuro-fu", 0, 40, D(12, 1), D(12, 14));
    add_visit(c, "pt", 1, 45, D(12, 1), D(12, 14));
    return c;
}

static void test_drop_bound_counts_trips(void **state)
{
    (void)state;
    struct sched_case *c[2] = {neuro_and_pt_family("a"), neuro_and_pt_family("b")};
    const struct sched_case *cases[] = {c[0], c[1]};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 2, &b, NULL, NULL), 0);
    double a[2];
    for (int f = 0; f < 2; f++) {
        struct sched_plan *p = plan(c[f]);
        assert_int_equal(p->metrics.trips, 2);
        a[f] = p->objective;
        sched_plan_free(p);
    }
    assert_true(a[0] == 1700 && a[1] == 1700);
    double older = a[0] + 100000, optimum = a[0] + 100000 + a[0] / 2;
    size_t solves = 0;
    double raw = raw_drop_bound(b, a, &solves);
    assert_true(raw == optimum); /* not above it, and above the older bound */
    assert_true(raw > older);
    assert_true(solves >= 1 && solves <= 2);

    struct sched_batch_result res;
    solve(b, 4, &res);
    assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
    assert_int_equal(res.plans[0]->metrics.unscheduled + res.plans[1]->metrics.unscheduled, 1);
    assert_true(res.objective == optimum);
    assert_true(res.bound_total == optimum);
    assert_int_equal(res.status, SCHED_STATUS_OPTIMAL);
    assert_true(res.drop_solves >= 1);
    sched_batch_result_free(&res);
    sched_batch_free(b);
    free_case(c[0]);
    free_case(c[1]);
}

/* As above, with a second contested visit: cardiology (dr1) has one start
 * too, Tuesday 10:00, and physiotherapy moves to dr2. Alone, each family
 * sees both doctors on one Tuesday trip (600 + 130 + 2 x 120 = 970) and
 * physiotherapy on Thursday (850): a = 1 820. Sharing the two Tuesday starts
 * would cost both families that trip; so one family takes both, the other
 * loses both visits and still drives on Thursday: the optimum is a + 2 W +
 * 850 = 202 670. Each visit's own drop solve leaves the other's trip in
 * place, so only the solve that leaves out both proves the optimum (without
 * it the bound was a + 2 W, the loser's Thursday trip inside its 2 W). */
static struct sched_case *two_contested_family(const char *id)
{
    struct sched_case *c = family_case(id, 3);
    for (int g = 0; g < 2; g++) { /* one 45-minute opening: one start */
        struct sched_provider_mode *pm = &c->providers[g].mode[SCHED_IN_PERSON];
        cal_set_add(&pm->free, cal_tz_local_to_utc(c->tz, D(12, 1), (9 + g) * 60),
                    cal_tz_local_to_utc(c->tz, D(12, 1), (9 + g) * 60 + 45));
    }
    day_hours(c, 2, SCHED_IN_PERSON, D(12, 3), 9, 12);
    c->providers[2].capacity = 2;
    add_visit(c, "neuro-fu", 0, 40, D(12, 1), D(12, 14));
    add_visit(c, "pt", 2, 45, D(12, 1), D(12, 14));
    add_visit(c, "cardio", 1, 40, D(12, 1), D(12, 14));
    return c;
}

static void test_drop_bound_sets(void **state)
{
    (void)state;
    struct sched_case *c[2] = {two_contested_family("a"), two_contested_family("b")};
    const struct sched_case *cases[] = {c[0], c[1]};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 2, &b, NULL, NULL), 0);
    double a[2];
    for (int f = 0; f < 2; f++) {
        struct sched_plan *p = plan(c[f]);
        assert_int_equal(p->metrics.trips, 2);
        a[f] = p->objective;
        sched_plan_free(p);
    }
    assert_true(a[0] == 1820 && a[1] == 1820);
    size_t solves = 0;
    assert_true(raw_drop_bound(b, a, &solves) == 202670);
    struct sched_batch_result res;
    solve(b, 6, &res);
    assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
    assert_int_equal(res.plans[0]->metrics.unscheduled + res.plans[1]->metrics.unscheduled, 2);
    assert_true(res.objective == 202670 && res.bound_total == 202670);
    assert_int_equal(res.status, SCHED_STATUS_OPTIMAL);
    sched_batch_result_free(&res);
    sched_batch_free(b);
    free_case(c[0]);
    free_case(c[1]);
}

/* A family whose dr0 (capacity 1, 60 minutes away) is open on Tuesday
 * 09:00-09:45, 10:00-10:45 and 11:00-11:45 only: one 40-minute start
 * each. */
static struct sched_case *tuesday_family(const char *id)
{
    struct sched_case *c = family_case(id, 1);
    struct sched_provider_mode *pm = &c->providers[0].mode[SCHED_IN_PERSON];
    pm->offered = true;
    for (int h = 9; h <= 11; h++)
        cal_set_add(&pm->free, cal_tz_local_to_utc(c->tz, D(12, 1), h * 60),
                    cal_tz_local_to_utc(c->tz, D(12, 1), h * 60 + 45));
    c->providers[0].capacity = 1;
    return c;
}

/* Family "a" has two visits with dr0, the second 10 to 30 minutes after
 * the first ends: 09:00 then 10:00, or 10:00 then 11:00. Family "b" can
 * come only at 10:00 (busy until 08:30 and from 12:00: it leaves at 09:00
 * and is back at 11:40). Three visits, but 10:00 is either b's or one of
 * a's, and a without 10:00 keeps only its first: every plan leaves one
 * out. The LP that only asked the second visit to come when the first does
 * placed all three (a at 09:00, its second at 11:00, b at 10:00); asking
 * each start of the second for a start of the first at the right distance
 * proves one left out. */
static void test_time_bound_link_windows(void **state)
{
    (void)state;
    struct sched_case *c[2] = {tuesday_family("a"), tuesday_family("b")};
    cal_set_add(&c[1]->family.busy, cal_tz_local_to_utc(c[1]->tz, D(12, 1), 7 * 60),
                cal_tz_local_to_utc(c[1]->tz, D(12, 1), 8 * 60 + 30));
    cal_set_add(&c[1]->family.busy, cal_tz_local_to_utc(c[1]->tz, D(12, 1), 12 * 60),
                cal_tz_local_to_utc(c[1]->tz, D(12, 1), 19 * 60));
    struct sched_visit *first = add_visit(c[0], "first", 0, 40, D(12, 1), D(12, 14));
    first->before = calloc(1, sizeof *first->before);
    first->before[0] = (struct sched_lag){1, 10, 30};
    first->nbefore = 1;
    add_visit(c[0], "second", 0, 40, D(12, 1), D(12, 14));
    add_visit(c[1], "only", 0, 40, D(12, 1), D(12, 14));
    const struct sched_case *cases[] = {c[0], c[1]};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 2, &b, NULL, NULL), 0);
    double per_day = -1, timed = -1;
    assert_int_equal(batch_capacity_bound(b, NULL, NULL, &per_day), 0);
    assert_int_equal(batch_time_bound(b, NULL, 60, NULL, &timed), 0);
    assert_true(per_day == 0);
    assert_true(timed == 1);
    struct sched_batch_result res;
    solve(b, 4, &res);
    assert_int_equal(res.plans[0]->metrics.unscheduled + res.plans[1]->metrics.unscheduled, 1);
    assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
    /* The bound holds the visit left out (the families' own optima alone
     * are far below W = 100 000). */
    assert_true(res.bound_total >= 100000 && res.bound_total <= res.objective);
    sched_batch_result_free(&res);
    sched_batch_free(b);
    free_case(c[0]);
    free_case(c[1]);
}

/* Three families, two starts (Tuesday and Thursday): "a" can come either
 * day, "b" and "c" only on Tuesday. One visit is left out whatever is done;
 * the reservations give Thursday to "a" and Tuesday to one of the others,
 * so the guided construction places two visits where caseload order (a
 * first, on Tuesday) places one. */
static void test_guide_reserves(void **state)
{
    (void)state;
    int32_t both[] = {D(12, 1), D(12, 3)};
    struct sched_case *c[3] = {one_visit_family("a", both, 2, 1), one_visit_family("b", both, 2, 1),
                               one_visit_family("c", both, 2, 1)};
    for (int i = 1; i < 3; i++)
        cal_set_add(&c[i]->family.busy, T(c[i], 12, 3, 0, 0), T(c[i], 12, 4, 0, 0));
    const struct sched_case *cases[] = {c[0], c[1], c[2]};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 3, &b, NULL, NULL), 0);
    struct sched_plan *base[3];
    assert_int_equal(sched_batch_baseline(b, NULL, base, NULL), 0);
    assert_int_equal(base[0]->metrics.unscheduled + base[1]->metrics.unscheduled +
                         base[2]->metrics.unscheduled,
                     2);
    double forced[1] = {1}, timed = -1;
    struct tbuild tb = {0};
    assert_int_equal(tix_time_bound(b, NULL, 60, NULL, &timed, &tb), 0);
    assert_true(timed == 1);
    struct batch_guide g;
    assert_int_equal(batch_guide_solve(b, &tb, forced, 60, &g), 0);
    tix_free(&tb);
    assert_int_equal(g.nguided, 1);
    assert_true(g.total == 3 && g.placed == 2);
    assert_int_equal(g.nresv, 2);
    bool a_thursday = false, tuesday = false;
    for (size_t i = 0; i < g.nresv; i++) {
        if (g.resv[i].family == 0)
            a_thursday = g.resv[i].start == T(c[0], 12, 3, 9, 0);
        else
            tuesday = g.resv[i].start == T(c[0], 12, 1, 9, 0);
    }
    assert_true(a_thursday && tuesday);
    batch_guide_free(&g);
    struct sched_batch_result res;
    solve(b, 4, &res);
    assert_int_equal(res.plans[0]->metrics.unscheduled + res.plans[1]->metrics.unscheduled +
                         res.plans[2]->metrics.unscheduled,
                     1);
    assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
    assert_int_equal(res.status, SCHED_STATUS_OPTIMAL);
    sched_batch_result_free(&res);
    for (int f = 0; f < 3; f++)
        sched_plan_free(base[f]);
    sched_batch_free(b);
    for (int f = 0; f < 3; f++)
        free_case(c[f]);
}

/* Family "a" lives 150 minutes from the clinic, with a lodging 10 minutes
 * from it; "b" lives 60 minutes away. dr0 (capacity 1) is open on Tuesday
 * 08:00-08:45 and 11:00-11:45 only (Tuesday is the horizon's first day).
 * From home a reaches 11:00 only; 08:00 is a candidate start for it
 * through the lodging, but a night there joins two trip days and a has
 * nothing on another day, so no plan of a holds 08:00. b cannot reach
 * 08:00 either (it would leave at 06:50). a's visit is soon (weight 2):
 * the optimum places a at 11:00 and leaves b out. The guide that took every
 * candidate start reserved 08:00 for a and 11:00 for b (weight 3), and a
 * then found its only time taken; it now keeps to the starts a family
 * reaches from home, and reserves 11:00 for a, which a's plan takes. The
 * time-indexed bound, which let a take 08:00 (proving nothing), now drops
 * a start only the lodging reaches when no other visit of the family's at
 * that place on the day before or after can make the night's trip days,
 * and proves b's visit left out: the plan is optimal. */
static void test_guide_reserves_day_trips(void **state)
{
    (void)state;
    struct sched_case *c[2] = {new_case(2, 1), new_case(1, 1)};
    for (int f = 0; f < 2; f++) {
        free(c[f]->id);
        c[f]->id = dup(f ? "b" : "a");
        dr0_two_starts(c[f], D(12, 1));
        add_visit(c[f], "neuro-fu", 0, 40, D(12, 1), D(12, 14));
    }
    c[0]->places[1].lodging = true;
    c[0]->family.overnight_allowed = true;
    c[0]->family.lodging = 1;
    c[0]->family.max_nights = 1;
    set_travel(c[0], -1, 0, 150);
    set_travel(c[0], -1, 1, 150);
    set_travel(c[0], 0, 1, 10);
    c[0]->visits[0].priority_factor = 2;
    set_travel(c[1], -1, 0, 60);
    const struct sched_case *cases[] = {c[0], c[1]};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 2, &b, NULL, NULL), 0);
    double forced[1] = {1}, timed = -1;
    struct tbuild tb = {0};
    assert_int_equal(tix_time_bound(b, NULL, 60, NULL, &timed, &tb), 0);
    assert_true(timed == 1); /* a's 08:00 is no start: no night makes it one */
    struct batch_guide g;
    assert_int_equal(batch_guide_solve(b, &tb, forced, 60, &g), 0);
    tix_free(&tb);
    assert_int_equal(g.nguided, 1);
    assert_true(g.total == 3 && g.placed == 2);
    assert_int_equal(g.nresv, 1);
    assert_int_equal(g.resv[0].family, 0);
    assert_true(g.resv[0].start == T(c[0], 12, 1, 11, 0));
    batch_guide_free(&g);
    struct sched_batch_result res;
    solve(b, 4, &res);
    assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
    assert_int_equal(res.plans[0]->metrics.unscheduled, 0);
    assert_int_equal(res.plans[0]->nappts, 1);
    assert_true(res.plans[0]->appts[0].start == T(c[0], 12, 1, 11, 0));
    assert_int_equal(res.plans[1]->metrics.unscheduled, 1);
    assert_int_equal(res.status, SCHED_STATUS_OPTIMAL);
    sched_batch_result_free(&res);
    sched_batch_free(b);
    free_case(c[0]);
    free_case(c[1]);
}

/* As above, but dr0 opens on Wednesday 08:00-08:45 and 11:00-11:45, and a
 * also has a 30-minute lab draw with dr1, at the same clinic, open only on
 * Tuesday 14:00-15:00 (weights 1). b reaches 11:00 only. Now a night at the
 * lodging after Tuesday's draw makes 08:00 a start of a plan of a's: the
 * time-indexed bound keeps it (it proves nothing left out), and the batch
 * places all three visits, a's neurology visit at 08:00 from the lodging. */
static void test_time_bound_lodging_night(void **state)
{
    (void)state;
    struct sched_case *c[2] = {new_case(2, 2), new_case(1, 1)};
    for (int f = 0; f < 2; f++) {
        free(c[f]->id);
        c[f]->id = dup(f ? "b" : "a");
        dr0_two_starts(c[f], D(12, 2));
        add_visit(c[f], "neuro-fu", 0, 40, D(12, 1), D(12, 14));
    }
    day_hours(c[0], 1, SCHED_IN_PERSON, D(12, 1), 14, 15);
    add_visit(c[0], "lab", 1, 30, D(12, 1), D(12, 1));
    c[0]->places[1].lodging = true;
    c[0]->family.overnight_allowed = true;
    c[0]->family.lodging = 1;
    c[0]->family.max_nights = 1;
    set_travel(c[0], -1, 0, 150);
    set_travel(c[0], -1, 1, 150);
    set_travel(c[0], 0, 1, 10);
    set_travel(c[1], -1, 0, 60);
    const struct sched_case *cases[] = {c[0], c[1]};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 2, &b, NULL, NULL), 0);
    double timed = -1;
    assert_int_equal(batch_time_bound(b, NULL, 60, NULL, &timed), 0);
    assert_true(timed == 0);
    struct sched_batch_result res;
    solve(b, 5, &res);
    assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
    assert_int_equal(res.plans[0]->metrics.unscheduled, 0);
    assert_int_equal(res.plans[1]->metrics.unscheduled, 0);
    const struct sched_appt *neuro = appt_of(res.plans[0], 0);
    assert_non_null(neuro);
    assert_true(neuro->start == T(c[0], 12, 2, 8, 0));
    assert_true(appt_of(res.plans[1], 0)->start == T(c[1], 12, 2, 11, 0));
    sched_batch_result_free(&res);
    sched_batch_free(b);
    free_case(c[0]);
    free_case(c[1]);
}

/* A later family's fixed booking holds its time from the start: the earlier
 * family's desk booking and plan go to Thursday, never onto the booking. */
static void test_fixed_booking_holds_time(void **state)
{
    (void)state;
    int32_t days[] = {D(12, 1), D(12, 3)};
    struct sched_case *a = one_visit_family("a", days, 2, 1);
    struct sched_case *b2 = one_visit_family("b", days, 2, 1);
    /* b's only visit becomes a fixed booking on Tuesday 09:00. */
    struct sched_visit *v = &b2->visits[0];
    v->booked = true;
    v->movable = false;
    v->booked_start = cal_tz_local_to_utc(b2->tz, D(12, 1), 9 * 60);
    v->booked_mode = SCHED_IN_PERSON;
    const struct sched_case *cases[] = {a, b2};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 2, &b, NULL, NULL), 0);
    struct sched_plan *base[2];
    assert_int_equal(sched_batch_baseline(b, NULL, base, NULL), 0);
    assert_int_equal(base[0]->nappts, 1);
    assert_true(base[0]->appts[0].start == cal_tz_local_to_utc(a->tz, D(12, 3), 9 * 60));
    assert_int_equal(sched_batch_conflicts(b, base), 0);
    struct sched_batch_result res;
    solve(b, 2, &res);
    assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
    assert_true(res.plans[1]->appts[0].start == v->booked_start);
    sched_batch_result_free(&res);
    for (int f = 0; f < 2; f++)
        sched_plan_free(base[f]);
    sched_batch_free(b);
    free_case(a);
    free_case(b2);
}

static void make_fixed(struct sched_case *c, int32_t day, int minute)
{
    struct sched_visit *v = &c->visits[0];
    v->booked = true;
    v->movable = false;
    v->booked_start = cal_tz_local_to_utc(c->tz, day, minute);
    v->booked_mode = SCHED_IN_PERSON;
}

/* Fixed bookings of several families over a provider's capacity are found
 * before planning, naming the booking that goes over and one already there;
 * up to capacity, or touching end to start, they are not. */
static void test_fixed_overbooked(void **state)
{
    (void)state;
    int32_t days[] = {D(12, 1), D(12, 3)};
    struct sched_case *c[3];
    for (int i = 0; i < 3; i++)
        c[i] = one_visit_family(i == 0 ? "a" : i == 1 ? "b" : "c", days, 2, 2);
    make_fixed(c[0], D(12, 1), 9 * 60);
    make_fixed(c[1], D(12, 1), 9 * 60 + 20); /* overlaps a's 09:00-09:40 */
    make_fixed(c[2], D(12, 1), 9 * 60 + 40); /* touches a's end, overlaps b's */
    const struct sched_case *cases[] = {c[0], c[1], c[2]};
    sched_batch *b = NULL;
    struct sched_batch_overbooking ob;
    assert_int_equal(sched_batch_new(cases, 3, &b, NULL, NULL), 0);
    /* Capacity 2: at most two at once (a+b, then b+c). */
    assert_false(sched_batch_fixed_overbooked(b, NULL, &ob));
    sched_batch_free(b);

    /* Capacity 1: b goes over a's booking. */
    for (int i = 0; i < 3; i++)
        c[i]->providers[0].capacity = 1;
    assert_int_equal(sched_batch_new(cases, 3, &b, NULL, NULL), 0);
    assert_true(sched_batch_fixed_overbooked(b, NULL, &ob));
    assert_int_equal(ob.case_a, 0);
    assert_int_equal(ob.case_b, 1);
    assert_int_equal(ob.visit_a, 0);
    assert_int_equal(ob.visit_b, 0);
    assert_int_equal(ob.provider, 0);
    assert_int_equal(ob.load, 2);
    /* Without b, a and c only touch. */
    bool active[] = {true, false, true};
    assert_false(sched_batch_fixed_overbooked(b, active, &ob));
    sched_batch_free(b);
    for (int i = 0; i < 3; i++)
        free_case(c[i]);
}

/* An ejection chain: a can come only on Tuesday, b on Tuesday or Thursday,
 * c on Thursday or the Tuesday after. In caseload order b, c, a the batch
 * baseline gives b Tuesday and c Thursday and leaves a out. Re-planning a
 * with b alone does not help (b's other day is c's); only the chain does:
 * b to Thursday, c to the next Tuesday, a to Tuesday. All three placed,
 * each at its own optimum: proven optimal. */
static void test_chain_frees_slot(void **state)
{
    (void)state;
    int32_t da[] = {D(12, 1)}, db[] = {D(12, 1), D(12, 3)}, dc[] = {D(12, 3), D(12, 8)};
    struct sched_case *a = one_visit_family("a", da, 1, 1);
    struct sched_case *bb = one_visit_family("b", db, 2, 1);
    struct sched_case *cc = one_visit_family("c", dc, 2, 1);
    /* One provider: the same hours in every case (Tue 1, Thu 3, Tue 8);
     * each family can come only on its own days. */
    int32_t all[] = {D(12, 1), D(12, 3), D(12, 8)};
    struct sched_case *cs[] = {a, bb, cc};
    for (int i = 0; i < 3; i++) {
        struct sched_case *tmp = one_visit_family("t", all, 3, 1);
        cal_set_free(&cs[i]->providers[0].mode[0].free);
        cs[i]->providers[0].mode[0].free = tmp->providers[0].mode[0].free;
        tmp->providers[0].mode[0].free = (struct cal_set){0};
        free_case(tmp);
    }
    int32_t busy_a[] = {D(12, 3), D(12, 8)}, busy_b[] = {D(12, 8)}, busy_c[] = {D(12, 1)};
    for (int i = 0; i < 2; i++)
        cal_set_add(&a->family.busy, cal_tz_local_to_utc(a->tz, busy_a[i], 0),
                    cal_tz_local_to_utc(a->tz, busy_a[i] + 1, 0));
    cal_set_add(&bb->family.busy, cal_tz_local_to_utc(bb->tz, busy_b[0], 0),
                cal_tz_local_to_utc(bb->tz, busy_b[0] + 1, 0));
    cal_set_add(&cc->family.busy, cal_tz_local_to_utc(cc->tz, busy_c[0], 0),
                cal_tz_local_to_utc(cc->tz, busy_c[0] + 1, 0));
    const struct sched_case *cases[] = {bb, cc, a};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 3, &b, NULL, NULL), 0);
    struct sched_plan *base[3];
    assert_int_equal(sched_batch_baseline(b, NULL, base, NULL), 0);
    assert_int_equal(base[0]->nappts + base[1]->nappts + base[2]->nappts, 2);
    assert_int_equal(base[2]->nunscheduled, 1);

    /* The slot-freeing move by hand: b and c re-planned without Tuesday
     * 09:00-09:40, then a. */
    struct sched_hold *h = NULL;
    size_t nh = 0;
    assert_int_equal(sched_batch_holds(b, base, &h, &nh), 0);
    cal_time tue = cal_tz_local_to_utc(a->tz, D(12, 1), 9 * 60);
    struct sched_batch_task t = {.fam = {0, 1, 2},
                                 .nfam = 3,
                                 .time_limit_s = 10,
                                 .free_provider = 0,
                                 .free_start = tue,
                                 .free_end = tue + 40 * 60};
    struct sched_batch_answer ans;
    assert_int_equal(sched_batch_run_task(b, h, nh, &t, &ans, NULL), 0);
    for (int i = 0; i < 3; i++) {
        assert_non_null(ans.plans[i]);
        assert_int_equal(ans.plans[i]->nappts, 1);
    }
    assert_true(ans.plans[0]->appts[0].start == cal_tz_local_to_utc(a->tz, D(12, 3), 9 * 60));
    assert_true(ans.plans[1]->appts[0].start == cal_tz_local_to_utc(a->tz, D(12, 8), 9 * 60));
    assert_true(ans.plans[2]->appts[0].start == tue);
    sched_batch_answer_clear(&ans);
    /* Without the slot, b keeps Tuesday and a stays out. */
    t.free_end = t.free_start;
    assert_int_equal(sched_batch_run_task(b, h, nh, &t, &ans, NULL), 0);
    assert_int_equal(ans.plans[2]->nappts, 0);
    sched_batch_answer_clear(&ans);
    /* A slot at an unknown provider is refused. */
    t.free_end = tue + 40 * 60;
    t.free_provider = 7;
    assert_int_equal(sched_batch_run_task(b, h, nh, &t, &ans, NULL), SCHED_EINVAL);
    free(h);

    /* The search finds the chain by itself, for any seed. */
    for (uint64_t seed = 1; seed <= 4; seed++) {
        struct sched_batch_result res;
        solve(b, seed, &res);
        assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
        for (int f = 0; f < 3; f++)
            assert_int_equal(res.plans[f]->nunscheduled, 0);
        assert_int_equal(res.status, SCHED_STATUS_OPTIMAL);
        assert_true(res.objective == res.bound_total);
        sched_batch_result_free(&res);
    }
    for (int f = 0; f < 3; f++)
        sched_plan_free(base[f]);
    sched_batch_free(b);
    for (int i = 0; i < 3; i++)
        free_case(cs[i]);
}

/* As test_repair_shifts_many, but each of f1..f5 also has a lab draw at
 * a lab of its own, open 10:00-11:00 on its two days, and comes at most
 * once a day: alone it takes dr0 on its first day and the lab on its
 * second (the earlier day first). Shifting f1..f5 one day later now also
 * moves each one's lab draw to the other day, which the repair's programme
 * beside the families' other appointments as they are cannot see (the
 * daily limit): the programme with those left open finds it, and the
 * families re-plan both visits. */
static void test_repair_moves_others(void **state)
{
    (void)state;
    int32_t days[6] = {D(12, 1), D(12, 2), D(12, 3), D(12, 4), D(12, 7), D(12, 8)};
    struct sched_case *c[6];
    for (int k = 0; k < 6; k++) {
        char id[8];
        snprintf(id, sizeof id, "f%d", k);
        if (k == 0) {
            c[k] = one_visit_family(id, days, 6, 1);
        } else {
            c[k] = dr0_days_case(id, 2, days, 6, 1);
            free(c[k]->providers[1].id);
            snprintf(id, sizeof id, "lab%d", k);
            c[k]->providers[1].id = dup(id);
            day_hours(c[k], 1, SCHED_IN_PERSON, days[k - 1], 10, 11);
            day_hours(c[k], 1, SCHED_IN_PERSON, days[k], 10, 11);
            add_visit(c[k], "neuro-fu", 0, 40, D(12, 1), D(12, 14));
            add_visit(c[k], "lab", 1, 30, D(12, 1), D(12, 14));
            c[k]->family.max_visits_per_day = 1;
        }
        busy_but(c[k], days[k], k > 0 ? days[k - 1] : days[k]);
    }
    const struct sched_case *cases[] = {c[1], c[2], c[3], c[4], c[5], c[0]};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 6, &b, NULL, NULL), 0);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        struct sched_batch_result res;
        solve(b, seed, &res);
        assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
        for (int f = 0; f < 6; f++)
            assert_int_equal(res.plans[f]->nunscheduled, 0);
        for (int f = 0; f < 5; f++) /* f1..f5: dr0 one day later, the lab the day before */
            assert_true(appt_of(res.plans[f], 0)->start ==
                        cal_tz_local_to_utc(c[0]->tz, days[f + 1], 9 * 60));
        assert_true(res.repairs_accepted >= 1);
        assert_int_equal(res.status, SCHED_STATUS_OPTIMAL);
        sched_batch_result_free(&res);
    }
    sched_batch_free(b);
    for (int k = 0; k < 6; k++)
        free_case(c[k]);
}

/* The repair's programme can keep the current plan when it places a visit
 * whose later visit at the same provider it leaves out. dr0 (capacity 1)
 * opens at 09:00 on Tuesday, Wednesday and Friday. Family "a" has a first
 * visit (any day) and a second one at least two days after it, on Thursday
 * or Friday: Friday only after a Tuesday first visit. Family "x" (weight 2)
 * comes on Tuesday only. The plan: x on Tuesday, a's first visit on
 * Wednesday, its second left out (3 weighted visits placed, the most). The
 * reservations' hint (a visit after it keeps a start) forbade a's
 * Wednesday, so the programme placed 2 and no repair could ever gain there. */
static void test_repair_keeps_plan(void **state)
{
    (void)state;
    int32_t days[3] = {D(12, 1), D(12, 2), D(12, 4)};
    struct sched_case *a = dr0_days_case("a", 1, days, 3, 1);
    add_visit(a, "first", 0, 40, D(12, 1), D(12, 14));
    struct sched_visit *first = &a->visits[0];
    first->before = calloc(1, sizeof *first->before);
    first->before[0] = (struct sched_lag){1, 2 * 1440, -1};
    first->nbefore = 1;
    add_visit(a, "second", 0, 40, D(12, 3), D(12, 4));
    struct sched_case *x = one_visit_family("x", days, 3, 1);
    x->visits[0].priority_factor = 2;
    busy_but(x, D(12, 1), D(12, 1));
    const struct sched_case *cases[] = {a, x};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 2, &b, NULL, NULL), 0);
    struct tbuild t = {0};
    double timed = -1;
    assert_int_equal(tix_time_bound(b, NULL, 60, NULL, &timed, &t), 0);
    assert_int_equal(t.nvis, 3);      /* a's first, a's second, x's */
    assert_true(t.vis[1].count == 1); /* Friday, after a Tuesday only */
    long keep[3] = {-1, -1, -1};
    for (size_t k = 0; k < t.ncol; k++) {
        if (t.col[k].vis == 0 && t.col[k].s == T(a, 12, 2, 9, 0))
            keep[0] = (long)k;
        if (t.col[k].vis == 2 && t.col[k].s == T(x, 12, 1, 9, 0))
            keep[2] = (long)k;
    }
    assert_true(keep[0] >= 0 && keep[2] >= 0);
    struct batch_chosen ch;
    assert_int_equal(batch_chosen_init(&ch, &t, 2, 1), 0);
    ch.keep = keep;
    ch.keep_bonus = 0.1;
    double placed = 0;
    bool cut = true;
    assert_int_equal(batch_provider_solve(&t, b, &ch, 0, 60, 0.05, &placed, &cut), 0);
    assert_false(cut);
    assert_true(placed == 3);
    assert_int_equal(ch.at[0], keep[0]);
    assert_int_equal(ch.at[1], -1);
    assert_int_equal(ch.at[2], keep[2]);
    ch.keep = NULL;
    batch_chosen_free(&ch);
    tix_free(&t);
    sched_batch_free(b);
    free_case(a);
    free_case(x);
}

/* Six families share dr0 (capacity 1), open one start a day (09:00) on six
 * weekdays d0..d5. "f0" can come only on d0; "fk" (k = 1..5) only on d(k-1)
 * and dk; a day costs each family the same. In caseload order f1..f5, f0
 * the baseline gives f1..f5 the days d0..d4 and leaves f0 out, and every
 * family's own best plan is its first day, so construction does too. The
 * optimum places all six (each at its own optimum: the bound) by moving
 * f1..f5 one day later together: a move of at most four families cannot
 * (the last one moved always finds its later day held), and a shift alone
 * saves nothing, so none is ever accepted. The repair move assigns dr0's
 * days by one programme over all six and re-plans the five that change. */
static void test_repair_shifts_many(void **state)
{
    (void)state;
    int32_t days[6] = {D(12, 1), D(12, 2), D(12, 3), D(12, 4), D(12, 7), D(12, 8)};
    struct sched_case *c[6];
    for (int k = 0; k < 6; k++) {
        char id[8];
        snprintf(id, sizeof id, "f%d", k);
        c[k] = one_visit_family(id, days, 6, 1);
        busy_but(c[k], days[k], k > 0 ? days[k - 1] : days[k]); /* but its own days */
    }
    const struct sched_case *cases[] = {c[1], c[2], c[3], c[4], c[5], c[0]};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 6, &b, NULL, NULL), 0);
    struct sched_plan *base[6];
    assert_int_equal(sched_batch_baseline(b, NULL, base, NULL), 0);
    assert_int_equal(base[5]->nunscheduled, 1);
    for (int f = 0; f < 5; f++) {
        assert_int_equal(base[f]->nappts, 1);
        assert_true(base[f]->appts[0].start == cal_tz_local_to_utc(c[0]->tz, days[f], 9 * 60));
    }
    for (uint64_t seed = 1; seed <= 3; seed++) {
        struct sched_batch_result res;
        solve(b, seed, &res);
        assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
        for (int f = 0; f < 6; f++)
            assert_int_equal(res.plans[f]->nunscheduled, 0);
        assert_int_equal(res.status, SCHED_STATUS_OPTIMAL);
        assert_true(res.objective == res.bound_total);
        for (int f = 0; f < 5; f++) /* f1..f5 one day later */
            assert_true(res.plans[f]->appts[0].start ==
                        cal_tz_local_to_utc(c[0]->tz, days[f + 1], 9 * 60));
        assert_true(res.repairs >= 1 && res.repairs_accepted >= 1);
        assert_true(res.repair_gain > 0);
        sched_batch_result_free(&res);
    }
    for (int f = 0; f < 6; f++)
        sched_plan_free(base[f]);
    sched_batch_free(b);
    for (int k = 0; k < 6; k++)
        free_case(c[k]);
}

/* dr0 (capacity 2) has one start on Tuesday, Wednesday, Thursday and
 * Friday. Families "b" and "d", first in caseload order, see dr0 on Tuesday
 * to Thursday and dr1 on Tuesday only: alone each comes once, on Tuesday.
 * Family "c" sees dr0 on Friday only. Family "a" sees dr0 on Tuesday or
 * Wednesday, then again on Friday at least two days after: only after
 * Tuesday. So "a" is planned on Wednesday and leaves its Friday visit out
 * although Friday has room: what keeps it out is the time of the visit
 * before it. The families in the way of the visit left out ("c") cannot
 * help, and there is no time of it to free; freeing Tuesday for the visit
 * before it (one of "b" and "d" moves to another day, one trip more)
 * places everything. */
static void test_slot_for_earlier_visit(void **state)
{
    (void)state;
    int32_t days[] = {D(12, 1), D(12, 2), D(12, 3), D(12, 4)};
    struct sched_case *c[4];
    const char *ids[] = {"b", "d", "c", "a"};
    for (int i = 0; i < 4; i++)
        c[i] = dr0_days_case(ids[i], i < 2 ? 2 : 1, days, 4, 2);
    for (int i = 0; i < 2; i++) {
        day_hours(c[i], 1, SCHED_IN_PERSON, D(12, 1), 10, 12);
        add_visit(c[i], "dr0-visit", 0, 40, D(12, 1), D(12, 3));
        add_visit(c[i], "dr1-visit", 1, 40, D(12, 1), D(12, 1));
    }
    add_visit(c[2], "friday", 0, 40, D(12, 4), D(12, 4));
    struct sched_visit *first = add_visit(c[3], "first", 0, 40, D(12, 1), D(12, 2));
    first->before = calloc(1, sizeof *first->before);
    first->before[0] = (struct sched_lag){1, 2 * 24 * 60, -1};
    first->nbefore = 1;
    add_visit(c[3], "then", 0, 40, D(12, 4), D(12, 4));
    const struct sched_case *cases[] = {c[0], c[1], c[2], c[3]};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 4, &b, NULL, NULL), 0);
    struct sched_plan *base[4];
    assert_int_equal(sched_batch_baseline(b, NULL, base, NULL), 0);
    assert_int_equal(base[3]->nunscheduled, 1);
    for (uint64_t seed = 1; seed <= 4; seed++) {
        struct sched_batch_result res;
        solve(b, seed, &res);
        assert_int_equal(sched_batch_conflicts(b, res.plans), 0);
        for (int f = 0; f < 4; f++)
            assert_int_equal(res.plans[f]->nunscheduled, 0);
        assert_true(appt_of(res.plans[3], 0)->start == T(c[3], 12, 1, 9, 0));
        assert_true(appt_of(res.plans[3], 1)->start == T(c[3], 12, 4, 9, 0));
        sched_batch_result_free(&res);
    }
    for (int f = 0; f < 4; f++) {
        sched_plan_free(base[f]);
        free_case(c[f]);
    }
    sched_batch_free(b);
}

/* One provider id, two capacities: bad input naming both cases. */
static void test_mismatch(void **state)
{
    (void)state;
    int32_t days[] = {D(12, 1)};
    struct sched_case *a = one_visit_family("a", days, 1, 1);
    struct sched_case *b2 = one_visit_family("b", days, 1, 2);
    const struct sched_case *cases[] = {a, b2};
    sched_batch *b = NULL;
    struct sched_batch_mismatch mm;
    struct careday_error err;
    assert_int_equal(sched_batch_new(cases, 2, &b, &mm, &err), SCHED_EINVAL);
    assert_null(b);
    assert_int_equal(mm.case_a, 0);
    assert_int_equal(mm.case_b, 1);
    assert_string_equal(mm.field, "capacity");
    /* Other hours: the bookable time differs. */
    int32_t other[] = {D(12, 2)};
    struct sched_case *c2 = one_visit_family("c", other, 1, 1);
    const struct sched_case *cases2[] = {a, c2};
    assert_int_equal(sched_batch_new(cases2, 2, &b, &mm, &err), SCHED_EINVAL);
    assert_string_equal(mm.field, "in_person.available");
    free_case(a);
    free_case(b2);
    free_case(c2);
}

/* Families that share no provider are independent components. */
static void test_components(void **state)
{
    (void)state;
    int32_t days[] = {D(12, 1)};
    struct sched_case *c[3];
    for (int i = 0; i < 3; i++)
        c[i] = one_visit_family(i == 0 ? "a" : i == 1 ? "b" : "c", days, 1, 1);
    free(c[1]->providers[0].id);
    c[1]->providers[0].id = dup("other");
    const struct sched_case *cases[] = {c[0], c[1], c[2]};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 3, &b, NULL, NULL), 0);
    int comp[3];
    assert_int_equal(sched_batch_components(b, comp), 2);
    assert_int_equal(comp[0], 0);
    assert_int_equal(comp[1], 1);
    assert_int_equal(comp[2], 0);
    sched_batch_free(b);
    for (int i = 0; i < 3; i++)
        free_case(c[i]);
}

/* Tasks and answers survive the trip through bytes; damaged bytes are refused. */
static void test_pack(void **state)
{
    (void)state;
    int32_t days[] = {D(12, 1)};
    struct sched_case *a = one_visit_family("a", days, 1, 1);
    struct sched_batch_answer ans = {0}, back;
    ans.plans[0] = plan_with(a, SCHED_MODEL_DAYS);
    ans.has_bound = true;
    ans.bound = 1234;
    ans.own = plan_with(a, SCHED_MODEL_DAYS);
    ans.own->objective = 77;
    char *buf;
    size_t len;
    assert_int_equal(sched_batch_pack_answer(&ans, &buf, &len), 0);
    assert_int_equal(sched_batch_unpack_answer(buf, len, &back), 0);
    assert_true(back.has_bound && back.bound == 1234);
    assert_non_null(back.own);
    assert_true(back.own->objective == 77 && back.own->nappts == ans.own->nappts);
    assert_non_null(back.plans[0]);
    assert_null(back.plans[1]);
    assert_int_equal(back.plans[0]->nappts, ans.plans[0]->nappts);
    assert_true(back.plans[0]->appts[0].start == ans.plans[0]->appts[0].start);
    assert_true(back.plans[0]->objective == ans.plans[0]->objective);
    sched_batch_answer_clear(&back);
    assert_int_equal(sched_batch_unpack_answer(buf, len - 1, &back), SCHED_EINVAL);
    buf[0] ^= 1;
    assert_int_equal(sched_batch_unpack_answer(buf, len, &back), SCHED_EINVAL);
    free(buf);

    struct sched_batch_task t = {.fam = {1, 0},
                                 .nfam = 2,
                                 .alone = true,
                                 .time_limit_s = 3,
                                 .free_provider = 0,
                                 .free_start = 100,
                                 .free_end = 140};
    struct sched_hold h[2] = {{0, 1, 100, 200}, {0, 0, 150, 300}}, *hb = NULL;
    struct sched_batch_task tb;
    size_t nh;
    assert_int_equal(sched_batch_pack_task(&t, h, 2, &buf, &len), 0);
    assert_int_equal(sched_batch_unpack_task(buf, len, &tb, &hb, &nh), 0);
    assert_int_equal(nh, 2);
    assert_int_equal(tb.nfam, 2);
    assert_int_equal(tb.fam[0], 1);
    assert_true(tb.free_provider == 0 && tb.free_start == 100 && tb.free_end == 140);
    assert_true(hb[1].start == 150 && hb[1].end == 300);
    free(hb);
    free(buf);

    /* A drop task travels too; run here, it answers a bound and no plan:
     * the family without its one visit pays W and nothing else. */
    struct sched_batch_task d = {.fam = {0}, .nfam = 1, .ndrop = 1, .drop = {0}};
    assert_int_equal(sched_batch_pack_task(&d, NULL, 0, &buf, &len), 0);
    assert_int_equal(sched_batch_unpack_task(buf, len, &tb, &hb, &nh), 0);
    assert_true(tb.ndrop == 1 && tb.drop[0] == 0 && nh == 0);
    free(hb);
    free(buf);
    const struct sched_case *one[] = {a};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(one, 1, &b, NULL, NULL), 0);
    assert_int_equal(sched_batch_run_task(b, NULL, 0, &tb, &back, NULL), 0);
    assert_true(back.has_bound && back.bound == 100000);
    assert_null(back.plans[0]);
    tb.drop[0] = 1; /* no such visit */
    struct careday_error err;
    assert_int_equal(sched_batch_run_task(b, NULL, 0, &tb, &back, &err), SCHED_EINVAL);
    sched_batch_free(b);
    sched_batch_answer_clear(&ans);
    free_case(a);
}

/* A plan of family c with its one visit at 09:00 on day, costing obj. */
static struct sched_plan *plan_at(const struct sched_case *c, int32_t day, double obj)
{
    struct sched_plan *p = plan_new();
    assert_non_null(p);
    p->appts = calloc(1, sizeof *p->appts);
    assert_non_null(p->appts);
    p->nappts = 1;
    p->appts[0] = (struct sched_appt){.visit = 0,
                                      .mode = SCHED_IN_PERSON,
                                      .start = cal_tz_local_to_utc(c->tz, day, 9 * 60),
                                      .end = cal_tz_local_to_utc(c->tz, day, 9 * 60 + 40),
                                      .place = 0,
                                      .trip = -1};
    p->objective = obj;
    return p;
}

/* Three families in a cycle of preferences at dr0 (capacity 1): a holds
 * Tuesday and would rather have Thursday, which b holds and would trade
 * for Friday, which c holds and would trade for Tuesday. Each plan costs
 * 20 where it is and 10 where it would rather be. No family alone, and no
 * two, can change without a conflict; the three together save 30, the
 * known optimum of the pool. A fourth family holds Tuesday 8 December
 * with one plan only (fixed); c's cheaper plan there (5) must stay out.
 * The pool keeps the cheaper of two plans with the same appointments and
 * at most its cap. */
static void test_master_combines_pool(void **state)
{
    (void)state;
    const int32_t T1 = D(12, 1), T2 = D(12, 3), T3 = D(12, 4), T4 = D(12, 8);
    int32_t days[] = {T1, T2, T3, T4};
    struct sched_case *c[4];
    const char *ids[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++)
        c[i] = one_visit_family(ids[i], days, 4, 1);
    const struct sched_case *cases[] = {c[0], c[1], c[2], c[3]};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 4, &b, NULL, NULL), 0);
    struct sched_plan *cur[4] = {plan_at(c[0], T1, 20), plan_at(c[1], T2, 20),
                                 plan_at(c[2], T3, 20), plan_at(c[3], T4, 20)};
    struct batch_plans *pool = batch_plans_new(4, 2);
    assert_non_null(pool);
    int32_t better[3] = {T2, T3, T1};
    for (int f = 0; f < 3; f++) {
        struct sched_plan *p = plan_at(c[f], better[f], 15), *q = plan_at(c[f], better[f], 10);
        assert_int_equal(batch_plans_add(pool, (size_t)f, cur[f]), 0);
        assert_int_equal(batch_plans_add(pool, (size_t)f, p), 0);
        assert_int_equal(batch_plans_add(pool, (size_t)f, q), 0); /* same appointments, cheaper */
        assert_int_equal(batch_plans_count(pool, (size_t)f), 2);
        sched_plan_free(p);
        sched_plan_free(q);
    }
    struct sched_plan *p = plan_at(c[2], T4, 5), *expensive = plan_at(c[2], T4, 30);
    assert_int_equal(batch_plans_add(pool, 2, p), 0);         /* evicts c's 20 */
    assert_int_equal(batch_plans_add(pool, 2, expensive), 0); /* dearer than all: dropped */
    assert_int_equal(batch_plans_count(pool, 2), 2);
    sched_plan_free(p);
    sched_plan_free(expensive);
    assert_int_equal(batch_plans_add(pool, 3, cur[3]), 0);
    assert_int_equal(sched_batch_conflicts(b, cur), 0);

    /* No single move: every other plan of one family conflicts. */
    for (int f = 0; f < 3; f++) {
        struct sched_plan *old = cur[f];
        cur[f] = plan_at(c[f], better[f], 10);
        assert_true(sched_batch_conflicts(b, cur) > 0);
        sched_plan_free(cur[f]);
        cur[f] = old;
    }

    bool changed[4] = {false};
    struct batch_master_run run;
    assert_int_equal(batch_master_solve(b, NULL, cur, pool, 100, 60, changed, &run), 0);
    assert_true(run.gain > 30 - 1e-6 && run.gain < 30 + 1e-6);
    assert_int_equal(run.changed, 3);
    assert_false(run.stopped);
    assert_int_equal(run.columns, 7); /* a, b, c: current and their pool plans; d fixed */
    for (int f = 0; f < 3; f++) {
        assert_true(changed[f]);
        assert_true(cur[f]->objective == 10);
        assert_true(cur[f]->appts[0].start == cal_tz_local_to_utc(c[f]->tz, better[f], 9 * 60));
    }
    assert_false(changed[3]);
    assert_int_equal(sched_batch_conflicts(b, cur), 0);

    /* A family planned alone whose best plan does not fit: the answer
     * keeps that plan too (for the pool), beside the one that fits. */
    struct sched_plan *hold[4] = {NULL, plan_at(c[1], T1, 20), NULL, NULL};
    struct sched_hold *h = NULL;
    size_t nh = 0;
    assert_int_equal(sched_batch_holds(b, hold, &h, &nh), 0);
    struct sched_batch_task t = {.fam = {0}, .nfam = 1, .alone = true, .time_limit_s = 10};
    struct sched_batch_answer ans;
    assert_int_equal(sched_batch_run_task(b, h, nh, &t, &ans, NULL), 0);
    assert_non_null(ans.plans[0]);
    assert_non_null(ans.own);
    assert_true(ans.own->appts[0].start == cal_tz_local_to_utc(c[0]->tz, T1, 9 * 60));
    assert_true(ans.plans[0]->appts[0].start != ans.own->appts[0].start);
    sched_batch_answer_clear(&ans);
    sched_plan_free(hold[1]);
    free(h);

    /* Over its column limit the master is not solved. */
    memset(changed, 0, sizeof changed);
    assert_int_equal(batch_master_solve(b, NULL, cur, pool, 5, 60, changed, &run), 0);
    assert_true(run.skipped && run.columns == 6 && run.changed == 0);
    assert_false(changed[0]);

    /* Again: nothing better, nothing changes. */
    assert_int_equal(batch_master_solve(b, NULL, cur, pool, 100, 60, changed, &run), 0);
    assert_true(run.gain == 0 && run.changed == 0);
    for (int f = 0; f < 4; f++) {
        assert_false(changed[f]);
        sched_plan_free(cur[f]);
    }
    batch_plans_free(pool);
    sched_batch_free(b);
    for (int i = 0; i < 4; i++)
        free_case(c[i]);
}

/* A runner that counts the tasks it runs and those asking for the
 * family's own plan first. */
struct counting {
    const sched_batch *b;
    size_t tasks, alone;
};

static int run_counting(void *ud, const struct sched_hold *holds, size_t nholds,
                        const struct sched_batch_task *tasks, size_t n,
                        struct sched_batch_answer *answers)
{
    struct counting *k = ud;
    k->tasks += n;
    for (size_t i = 0; i < n; i++)
        k->alone += tasks[i].alone;
    return run_here((void *)k->b, holds, nholds, tasks, n, answers);
}

/* Construction's tasks with each family's own best plan solved beforehand
 * (batch_run_own) answer as the tasks themselves do: a and b both want
 * Tuesday's one start. Against b's plan, a's own plan does not fit: the
 * answer keeps it for the pool and a's plan against the residual takes
 * Thursday (the only task the runner still gets, not alone); b's own plan
 * fits beside nothing and is its answer, without a solve. */
static void test_own_plans_known(void **state)
{
    (void)state;
    int32_t days[] = {D(12, 1), D(12, 3)};
    struct sched_case *a = one_visit_family("a", days, 2, 1);
    struct sched_case *b2 = one_visit_family("b", days, 2, 1);
    const struct sched_case *cases[] = {a, b2};
    sched_batch *b = NULL;
    assert_int_equal(sched_batch_new(cases, 2, &b, NULL, NULL), 0);
    struct counting k = {b, 0, 0};
    struct sched_batch_runner r = {run_counting, &k, 2, NULL};
    struct sched_batch_task alone[2] = {{.fam = {0}, .nfam = 1, .alone = true},
                                        {.fam = {1}, .nfam = 1, .alone = true}};
    struct sched_batch_answer first[2] = {0}, ref[2] = {0}, got[2] = {0};
    assert_int_equal(batch_run_own(b, &r, NULL, NULL, 0, alone, 2, first), 0);
    assert_true(k.tasks == 2 && k.alone == 2);
    struct sched_plan *own[2] = {first[0].plans[0], first[1].plans[0]};
    assert_non_null(own[0]);
    assert_non_null(own[1]);
    assert_true(own[0]->appts[0].start == own[1]->appts[0].start);

    /* b keeps its own plan; a is planned against it. */
    struct sched_plan *cur[2] = {NULL, own[1]};
    struct sched_hold *h = NULL;
    size_t nh = 0;
    assert_int_equal(sched_batch_holds(b, cur, &h, &nh), 0);
    assert_int_equal(run_here((void *)b, h, nh, alone, 2, ref), 0);
    k.tasks = k.alone = 0;
    assert_int_equal(batch_run_own(b, &r, own, h, nh, alone, 2, got), 0);
    assert_true(k.tasks == 1 && k.alone == 0);
    for (int i = 0; i < 2; i++) {
        assert_true(got[i].has_bound == ref[i].has_bound && got[i].bound == ref[i].bound);
        assert_non_null(got[i].plans[0]);
        assert_true(got[i].plans[0]->objective == ref[i].plans[0]->objective);
        assert_true(got[i].plans[0]->appts[0].start == ref[i].plans[0]->appts[0].start);
        assert_true((got[i].own == NULL) == (ref[i].own == NULL));
    }
    assert_non_null(got[0].own);
    assert_true(got[0].plans[0]->appts[0].start != own[0]->appts[0].start);
    assert_null(got[1].own);
    free(h);
    for (int i = 0; i < 2; i++) {
        sched_batch_answer_clear(&first[i]);
        sched_batch_answer_clear(&ref[i]);
        sched_batch_answer_clear(&got[i]);
    }
    sched_batch_free(b);
    free_case(a);
    free_case(b2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_families_two_slots),
        cmocka_unit_test(test_capacity_two),
        cmocka_unit_test(test_own_loss_is_not_capacity),
        cmocka_unit_test(test_time_bound_sees_family_times),
        cmocka_unit_test(test_time_bound_follows_links),
        cmocka_unit_test(test_time_bound_whole_numbers),
        cmocka_unit_test(test_time_bound_link_windows),
        cmocka_unit_test(test_drop_bound_counts_trips),
        cmocka_unit_test(test_drop_bound_sets),
        cmocka_unit_test(test_guide_reserves),
        cmocka_unit_test(test_guide_reserves_day_trips),
        cmocka_unit_test(test_time_bound_lodging_night),
        cmocka_unit_test(test_fixed_booking_holds_time),
        cmocka_unit_test(test_fixed_overbooked),
        cmocka_unit_test(test_chain_frees_slot),
        cmocka_unit_test(test_repair_shifts_many),
        cmocka_unit_test(test_repair_keeps_plan),
        cmocka_unit_test(test_repair_moves_others),
        cmocka_unit_test(test_slot_for_earlier_visit),
        cmocka_unit_test(test_mismatch),
        cmocka_unit_test(test_components),
        cmocka_unit_test(test_pack),
        cmocka_unit_test(test_master_combines_pool),
        cmocka_unit_test(test_own_plans_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
