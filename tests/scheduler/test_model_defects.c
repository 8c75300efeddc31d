/*
 * Defects found in review of the time-indexed model, each with the case
 * that showed it (issue 8, item 6): places beyond the 16 a bit mask held,
 * local times on a DST change day before 03:00, and the bound rounded up as
 * if every weight were whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "case_fixture.h"
#include "scheduler/sched_internal.h"

#include <math.h>

/* 17 clinics; the only provider of the visit works at the 17th (index 16).
 * The route columns were bit masks of 16 places, so an in-person visit there
 * had no trip to link to and was silently left out. One trip: 600 + 40 +
 * 10 + 40 = 690, plus 120 in person. */
static void test_seventeenth_place(void **state)
{
    (void)state;
    struct sched_case *c = new_case(17, 1);
    for (int p = 0; p < 17; p++)
        set_travel(c, -1, p, 40);
    c->providers[0].mode[SCHED_IN_PERSON].place = 16;
    weekday_hours(c, 0, SCHED_IN_PERSON, 8, 17);
    add_visit(c, "far-clinic", 0, 30, D(12, 1), D(12, 14));
    struct sched_plan *p = plan(c);
    assert_int_equal(p->status, SCHED_STATUS_OPTIMAL);
    assert_int_equal(p->metrics.unscheduled, 0);
    assert_int_equal(p->metrics.trips, 1);
    assert_int_equal(p->appts[0].place, 16);
    assert_int_equal(p->metrics.travel_minutes, 40 + 10 + 40);
    assert_true(p->objective == 600 + 90 + 120);
    sched_plan_free(p);
    free_case(c);
}

/* 40 clinics (shifting 1u by 32 or more was undefined behaviour, and
 * places past 16 had no routes). Three providers at places 20, 33 and 39,
 * open on Thursday 12-03 only; home is 30 min from each, 33 and 39 are 5 min
 * apart, every other pair 90. The time-indexed model has one trip a day and
 * at most two places a route: one visit must stay out, and the cheapest
 * pair to keep is 33 + 39 (30 + 10 + 5 + 10 + 30 = 85 against 170 with 20).
 * By trip days the one-at-a-time plan (all three, 20 -> 33 -> 39, 185
 * minutes) is the first incumbent and nothing beats it. With 20 also open on
 * 12-04, the time-indexed model places everything in two trips (85 + 70). */
static void test_forty_places(void **state)
{
    (void)state;
    struct sched_case *c = new_case(40, 3);
    for (int p = 0; p < 40; p++)
        set_travel(c, -1, p, 30);
    for (int p = 0; p < 40; p++)
        for (int q = p + 1; q < 40; q++)
            set_travel(c, p, q, 90);
    set_travel(c, 33, 39, 5);
    int at[3] = {20, 33, 39};
    for (int i = 0; i < 3; i++) {
        c->providers[i].mode[SCHED_IN_PERSON].place = at[i];
        day_hours(c, i, SCHED_IN_PERSON, D(12, 3), 8, 17);
    }
    add_visit(c, "v20", 0, 30, D(12, 1), D(12, 14));
    add_visit(c, "v33", 1, 30, D(12, 1), D(12, 14));
    add_visit(c, "v39", 2, 30, D(12, 1), D(12, 14));
    struct sched_plan *p = plan_with(c, SCHED_MODEL_TIME);
    assert_int_equal(p->status, SCHED_STATUS_OPTIMAL);
    assert_int_equal(p->metrics.unscheduled, 1);
    assert_int_equal(p->unscheduled[0].visit, 0); /* 20 is the one that does not pair */
    assert_int_equal(p->metrics.trips, 1);
    assert_int_equal(p->metrics.in_person, 2);
    assert_int_equal(p->metrics.travel_minutes, 30 + 10 + 5 + 10 + 30);
    assert_true(p->objective == 100000 + 600 + 85 + 240);
    sched_plan_free(p);
    p = plan_with(c, SCHED_MODEL_DAYS);
    assert_int_equal(p->status, SCHED_STATUS_OPTIMAL);
    assert_int_equal(p->metrics.unscheduled, 0);
    assert_int_equal(p->metrics.trips, 1);
    assert_int_equal(p->metrics.travel_minutes, 30 + 10 + 90 + 10 + 5 + 10 + 30);
    sched_plan_free(p);
    day_hours(c, 0, SCHED_IN_PERSON, D(12, 4), 8, 17);
    p = plan_with(c, SCHED_MODEL_TIME);
    assert_int_equal(p->metrics.unscheduled, 0);
    assert_int_equal(p->metrics.trips, 2);
    assert_int_equal(p->metrics.travel_minutes, 85 + 30 + 10 + 30);
    sched_plan_free(p);
    free_case(c);
}

/* Sunday 2027-03-14, clocks spring forward at 02:00 in New York. The
 * family's day starts at 01:00 (EST, 06:00Z); the video visit's provider is
 * free 00:00-01:30 EST, and lateness costs, so the earliest possible start
 * wins: 01:00 EST. With the noon offset (EDT) the model read 01:00 as
 * 05:00Z, an hour before the family's day, and placed the visit there. */
static void test_dst_day_before_three(void **state)
{
    (void)state;
    struct sched_case *c = new_case(1, 1);
    c->horizon_start = c->horizon_end = cal_days_from_civil(2027, 3, 14);
    c->family.earliest_departure = 60;
    c->family.latest_return = 23 * 60;
    c->weights.late_minute = 1;
    c->providers[0].mode[SCHED_IN_PERSON].offered = false;
    int32_t day = c->horizon_start;
    c->providers[0].mode[SCHED_TELEHEALTH].offered = true;
    cal_set_add(&c->providers[0].mode[SCHED_TELEHEALTH].free, cal_tz_local_to_utc(c->tz, day, 0),
                cal_tz_local_to_utc(c->tz, day, 90));
    struct sched_visit *v = add_visit(c, "video", 0, 30, day, day);
    v->modes = 1u << SCHED_TELEHEALTH;
    v->order[0] = SCHED_TELEHEALTH;
    v->prefer = SCHED_TELEHEALTH;
    struct sched_plan *p = plan(c);
    assert_int_equal(p->metrics.unscheduled, 0);
    cal_time want = cal_tz_local_to_utc(c->tz, day, 60);
    assert_true(want == cal_days_from_civil(2027, 3, 14) * (cal_time)86400 + 6 * 3600);
    assert_true(p->appts[0].start == want);
    assert_true(p->appts[0].end == want + 30 * 60);
    /* The baseline reads the same local times. */
    struct sched_plan *b = baseline(c);
    assert_int_equal(b->metrics.unscheduled, 0);
    assert_true(b->appts[0].start == want);
    sched_plan_free(b);
    sched_plan_free(p);
    free_case(c);
}

/* The same on the fall-back day (2026-11-01, 02:00 EDT -> 01:00 EST): the
 * family's day starts at 00:30, which is EDT (04:30Z); the noon offset (EST)
 * read it as 05:30Z, an hour late, so a provider free only 00:30-01:00 EDT
 * seemed never to meet the family's day. */
static void test_dst_fall_back_before_three(void **state)
{
    (void)state;
    struct sched_case *c = new_case(1, 1);
    c->horizon_start = c->horizon_end = cal_days_from_civil(2026, 11, 1);
    c->family.earliest_departure = 30;
    c->family.latest_return = 23 * 60;
    c->providers[0].mode[SCHED_IN_PERSON].offered = false;
    int32_t day = c->horizon_start;
    c->providers[0].mode[SCHED_TELEHEALTH].offered = true;
    cal_time t0 = cal_tz_local_to_utc(c->tz, day, 30);
    assert_true(t0 == cal_days_from_civil(2026, 11, 1) * (cal_time)86400 + 4 * 3600 + 1800);
    cal_set_add(&c->providers[0].mode[SCHED_TELEHEALTH].free, t0, t0 + 30 * 60);
    struct sched_visit *v = add_visit(c, "video", 0, 30, day, day);
    v->modes = 1u << SCHED_TELEHEALTH;
    v->order[0] = SCHED_TELEHEALTH;
    v->prefer = SCHED_TELEHEALTH;
    struct sched_plan *p = plan(c);
    assert_int_equal(p->metrics.unscheduled, 0);
    assert_true(p->appts[0].start == t0);
    sched_plan_free(p);
    free_case(c);
}

/* The reported bound comes from the solver's bound less the tie-breaks.
 * Rounding it up is right only when every objective is a whole number: with
 * a trip weight of 600.5 an optimum of 1320.5 must never get a bound of
 * 1321 (above the optimum, which a bound can never be). */
static void test_bound_with_fractional_weights(void **state)
{
    (void)state;
    struct sched_case *c = new_case(1, 1);
    add_visit(c, "a", 0, 30, D(12, 1), D(12, 14));
    add_visit(c, "b", 0, 30, D(12, 1), D(12, 14));
    struct sched_ctx x = {.c = c}; /* the bound reads only the case */
    /* Whole weights: the bound rounds up to the next possible objective. */
    assert_true(plan_bound_of(&x, 1000.2) == 1001);
    assert_true(plan_bound_of(&x, 1000.0) == 1000);
    assert_true(plan_bound_of(&x, 1000.0015) == 1000); /* tie-breaks only */
    c->weights.trip = 600.5;
    double b = plan_bound_of(&x, 1320.5);
    assert_true(b <= 1320.5);
    assert_true(b > 1320.5 - 0.01);
    c->weights.trip = 600;
    c->weights.travel_minute = 0.25;
    assert_true(plan_bound_of(&x, 1000.75) <= 1000.75);
    free_case(c);
}

int main(void)
{
    solver_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seventeenth_place),
        cmocka_unit_test(test_forty_places),
        cmocka_unit_test(test_dst_day_before_three),
        cmocka_unit_test(test_dst_fall_back_before_three),
        cmocka_unit_test(test_bound_with_fractional_weights),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    solver_global_cleanup();
    return rc;
}
