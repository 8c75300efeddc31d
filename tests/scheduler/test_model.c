/*
 * The model and the baseline on small cases built in code, whose optimum is
 * worked out by hand in the comment of each test.
 *
 * Common set-up: America/New_York, horizon Tue 2026-12-01 .. Mon 2026-12-14,
 * family day 07:00-19:00, min gap 10, one clinic "A" 60 min from home
 * (park 10), weekday clinic hours 08:00-17:00 unless a test says otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "case_fixture.h"

/* Four 30-minute visits with four providers at one clinic, all free on
 * weekdays: one trip, 4 in person; 600 + 140 travel (60+10+60+10? no:
 * 60 + 10 park + 60 back = 130) + 4 * 120 = 1210. */
static void test_four_visits_one_trip(void **state)
{
    (void)state;
    struct sched_case *c = new_case(1, 4);
    set_travel(c, -1, 0, 60);
    for (int i = 0; i < 4; i++) {
        weekday_hours(c, i, SCHED_IN_PERSON, 8, 17);
        char id[16];
        snprintf(id, sizeof id, "v%d", i);
        add_visit(c, id, i, 30, D(12, 1), D(12, 14));
    }
    struct sched_plan *p = plan(c);
    assert_int_equal(p->status, SCHED_STATUS_OPTIMAL);
    assert_int_equal(p->metrics.unscheduled, 0);
    assert_int_equal(p->metrics.trips, 1);
    assert_int_equal(p->metrics.in_person, 4);
    assert_int_equal(p->metrics.travel_minutes, 130);
    assert_true(p->objective == 600 + 130 + 4 * 120);
    assert_true(p->bound == p->objective);
    /* Departure at or after 07:00, return by 19:00, gaps of 10 minutes. */
    assert_true(p->trips[0].depart >= T(c, 12, p->trips[0].day - D(12, 0), 7, 0));
    for (size_t i = 1; i < p->nappts; i++)
        assert_true(p->appts[i].start >= p->appts[i - 1].end + 600);
    struct sched_plan *b = baseline(c);
    assert_int_equal(b->metrics.trips, 1); /* the desk also fits them on day one */
    sched_plan_free(b);
    sched_plan_free(p);
    free_case(c);
}

/* Lab at least a day (1440 min) before the specialist, both in person:
 * two trips are forced. */
static void test_precedence_forces_two_trips(void **state)
{
    (void)state;
    struct sched_case *c = new_case(1, 2);
    set_travel(c, -1, 0, 30);
    weekday_hours(c, 0, SCHED_IN_PERSON, 8, 17);
    weekday_hours(c, 1, SCHED_IN_PERSON, 8, 17);
    add_visit(c, "lab", 0, 20, D(12, 1), D(12, 14));
    add_visit(c, "heme", 1, 40, D(12, 1), D(12, 14));
    struct sched_visit *lab = &c->visits[0]; /* after the last realloc */
    lab->before = calloc(1, sizeof(*lab->before));
    lab->nbefore = 1;
    lab->before[0] =
        (struct sched_lag){.visit = 1, .min_gap_minutes = 1440, .max_gap_minutes = 10080};
    struct sched_plan *p = plan(c);
    assert_int_equal(p->status, SCHED_STATUS_OPTIMAL);
    assert_int_equal(p->metrics.unscheduled, 0);
    assert_int_equal(p->metrics.trips, 2);
    const struct sched_appt *a = appt_of(p, 0), *h = appt_of(p, 1);
    assert_non_null(a);
    assert_non_null(h);
    assert_true(h->start >= a->end + 1440 * 60);
    assert_true(h->start <= a->end + 10080 * 60);
    sched_plan_free(p);
    free_case(c);
}

/* Two visits at a clinic, one of which allows telehealth: video removes
 * nothing when both fit one trip, but with the second provider in clinic
 * only on a different day, telehealth saves the second trip. */
static void test_telehealth_removes_trip(void **state)
{
    (void)state;
    struct sched_case *c = new_case(1, 2);
    set_travel(c, -1, 0, 45);
    day_hours(c, 0, SCHED_IN_PERSON, D(12, 2), 8, 17);
    day_hours(c, 1, SCHED_IN_PERSON, D(12, 9), 8, 17);
    weekday_hours(c, 1, SCHED_TELEHEALTH, 8, 17);
    add_visit(c, "neuro", 0, 40, D(12, 1), D(12, 14));
    struct sched_visit *v = add_visit(c, "gi", 1, 30, D(12, 1), D(12, 14));
    allow_mode(v, SCHED_TELEHEALTH);
    struct sched_plan *p = plan(c);
    assert_int_equal(p->status, SCHED_STATUS_OPTIMAL);
    assert_int_equal(p->metrics.trips, 1);
    assert_int_equal(p->metrics.in_person, 1);
    assert_int_equal(p->metrics.telehealth, 1);
    /* The baseline books GI in person first (preferred) on 12-09: 2 trips. */
    struct sched_plan *b = baseline(c);
    assert_int_equal(b->metrics.trips, 2);
    sched_plan_free(b);
    sched_plan_free(p);
    free_case(c);
}

/* The optimiser groups what the desk spreads: v0 (window to 12-05) can be
 * seen 12-01 or 12-04; v1 (window to 12-14) 12-02 or 12-04. The desk books
 * v0 on 12-01 then v1 on 12-02: 2 trips; the plan puts both on 12-04. */
static void test_grouping_beats_baseline(void **state)
{
    (void)state;
    struct sched_case *c = new_case(1, 2);
    set_travel(c, -1, 0, 50);
    day_hours(c, 0, SCHED_IN_PERSON, D(12, 1), 9, 12);
    day_hours(c, 0, SCHED_IN_PERSON, D(12, 4), 9, 12);
    day_hours(c, 1, SCHED_IN_PERSON, D(12, 2), 9, 12);
    day_hours(c, 1, SCHED_IN_PERSON, D(12, 4), 9, 12);
    add_visit(c, "v0", 0, 30, D(12, 1), D(12, 5));
    add_visit(c, "v1", 1, 30, D(12, 1), D(12, 14));
    struct sched_plan *p = plan(c);
    struct sched_plan *b = baseline(c);
    assert_int_equal(p->metrics.trips, 1);
    assert_int_equal(b->metrics.trips, 2);
    assert_true(p->objective < b->objective);
    sched_plan_free(b);
    sched_plan_free(p);
    free_case(c);
}

/* A home visit needing a nurse, with no nursing shift: it must go in
 * person. With in person not allowed it stays unscheduled with the nurse
 * reason. */
static void test_home_blocked_by_nurse(void **state)
{
    (void)state;
    struct sched_case *c = new_case(1, 1);
    set_travel(c, -1, 0, 20);
    weekday_hours(c, 0, SCHED_HOME, 9, 12);
    struct sched_visit *v = add_visit(c, "draw", 0, 20, D(12, 1), D(12, 14));
    v->modes = 1u << SCHED_HOME;
    v->order[0] = SCHED_HOME;
    v->prefer = SCHED_HOME;
    v->home_needs_nurse = true;
    c->providers[0].mode[SCHED_IN_PERSON].offered = false;
    struct sched_plan *p = plan(c);
    assert_int_equal(p->metrics.unscheduled, 1);
    assert_int_equal(p->unscheduled[0].code, SCHED_REASON_NURSE);
    assert_int_equal(p->unscheduled[0].from, D(12, 1));
    assert_int_equal(p->unscheduled[0].to, D(12, 14));
    assert_int_equal(p->unscheduled[0].other, -1);
    sched_plan_free(p);
    /* Add a nursing shift on 12-03 09:00-11:00: the draw goes there. */
    cal_set_add(&c->nursing, T(c, 12, 3, 9, 0), T(c, 12, 3, 11, 0));
    p = plan(c);
    assert_int_equal(p->metrics.unscheduled, 0);
    assert_int_equal(p->metrics.home, 1);
    assert_true(p->appts[0].start >= T(c, 12, 3, 9, 0));
    assert_true(p->appts[0].end <= T(c, 12, 3, 11, 0));
    sched_plan_free(p);
    free_case(c);
}

/* A far hospital (place 0, 300 min each way) and a lodging (place 1) 5 min
 * from it; the family may leave at 06:00, be back by 21:00 and stay up to
 * two nights. */
static struct sched_case *far_hospital(void)
{
    struct sched_case *c = new_case(2, 2);
    c->places[1].lodging = true;
    set_travel(c, -1, 0, 300);
    set_travel(c, -1, 1, 300);
    set_travel(c, 0, 1, 5);
    c->family.earliest_departure = 6 * 60;
    c->family.latest_return = 21 * 60;
    c->family.overnight_allowed = true;
    c->family.lodging = 1;
    c->family.max_nights = 2;
    return c;
}

/* A far hospital (300 min each way) with one provider free only on 12-07
 * 13:00-15:00 and another only on 12-08 12:00-14:00; lodging 5 min away.
 * Two day trips cost 2 * (600 + 610) = 2420 (trip + travel); with a night:
 * 600 + 310 + 5 and 600 + 5 + 10 + 300, plus 300 for the night = 2130. */
static void test_overnight_beats_two_day_trips(void **state)
{
    (void)state;
    struct sched_case *c = far_hospital();
    day_hours(c, 0, SCHED_IN_PERSON, D(12, 7), 13, 15);
    day_hours(c, 1, SCHED_IN_PERSON, D(12, 8), 12, 14);
    add_visit(c, "cardio", 0, 60, D(12, 1), D(12, 14));
    add_visit(c, "pulm", 1, 60, D(12, 1), D(12, 14));
    struct sched_plan *p = plan(c);
    assert_int_equal(p->status, SCHED_STATUS_OPTIMAL);
    assert_int_equal(p->metrics.trips, 2);
    assert_int_equal(p->metrics.overnights, 1);
    assert_int_equal(p->metrics.travel_minutes, 300 + 10 + 5 + 5 + 10 + 300);
    assert_true(p->trips[0].overnight_after);
    assert_true(p->trips[1].from_lodging);
    /* Without lodging: two day trips. */
    struct sched_plan *b = baseline(c);
    assert_int_equal(b->metrics.overnights, 0);
    assert_int_equal(b->metrics.travel_minutes, 2 * 610);
    sched_plan_free(b);
    sched_plan_free(p);
    free_case(c);
}

/* The lab at the far hospital of the test above only on 12-07 13:00-15:00,
 * the specialist at most 19 hours (1140 min) after the lab ends, on 12-08
 * 08:00-16:00: by 10:00 at the latest, which only a night at the lodging
 * reaches (from home the earliest arrival is 11:10). The day-level model
 * checks this pair of days before its first solve under each setting of
 * the nights around them, and keeps the one with the night between: 2130
 * as above, plus 2 * 120 in person. */
static void test_lag_across_a_night(void **state)
{
    (void)state;
    struct sched_case *c = far_hospital();
    day_hours(c, 0, SCHED_IN_PERSON, D(12, 7), 13, 15);
    day_hours(c, 1, SCHED_IN_PERSON, D(12, 8), 8, 16);
    add_visit(c, "lab", 0, 20, D(12, 1), D(12, 14));
    add_visit(c, "heme", 1, 60, D(12, 1), D(12, 14));
    struct sched_visit *lab = &c->visits[0];
    lab->before = calloc(1, sizeof(*lab->before));
    lab->nbefore = 1;
    lab->before[0] = (struct sched_lag){.visit = 1, .min_gap_minutes = 0, .max_gap_minutes = 1140};
    struct sched_plan *p = plan(c);
    assert_int_equal(p->status, SCHED_STATUS_OPTIMAL);
    assert_int_equal(p->metrics.unscheduled, 0);
    assert_int_equal(p->metrics.trips, 2);
    assert_int_equal(p->metrics.overnights, 1);
    assert_int_equal(p->metrics.travel_minutes, 300 + 10 + 5 + 5 + 10 + 300);
    assert_true(fabs(p->objective - (2130 + 2 * 120)) < 1e-6);
    const struct sched_appt *a = appt_of(p, 0), *h = appt_of(p, 1);
    assert_non_null(a);
    assert_non_null(h);
    assert_true(h->start >= a->end && h->start <= a->end + 1140 * 60);
    sched_plan_free(p);
    free_case(c);
}

/* A provider with no time in the window: unscheduled, with that reason. */
static void test_impossible_visit_reason(void **state)
{
    (void)state;
    struct sched_case *c = new_case(1, 2);
    set_travel(c, -1, 0, 30);
    weekday_hours(c, 0, SCHED_IN_PERSON, 8, 17);
    day_hours(c, 1, SCHED_IN_PERSON, D(12, 14), 8, 17);
    add_visit(c, "ok", 0, 30, D(12, 1), D(12, 14));
    add_visit(c, "ortho", 1, 30, D(12, 1), D(12, 10));
    struct sched_plan *p = plan(c);
    assert_int_equal(p->metrics.unscheduled, 1);
    assert_int_equal(p->unscheduled[0].visit, 1);
    assert_int_equal(p->unscheduled[0].code, SCHED_REASON_NO_PROVIDER_TIME);
    assert_int_equal(p->unscheduled[0].to, D(12, 10)); /* the window searched */
    assert_int_equal(p->unscheduled[0].from, D(12, 1));
    sched_plan_free(p);
    free_case(c);
}

/* The plan hands back the one-at-a-time plan it started from, built on the
 * same candidates: it equals sched_baseline's (built on its own). */
static void test_baseline_from_the_plans_candidates(void **state)
{
    (void)state;
    struct sched_case *c = new_case(1, 2);
    set_travel(c, -1, 0, 30);
    weekday_hours(c, 0, SCHED_IN_PERSON, 8, 17);
    day_hours(c, 1, SCHED_IN_PERSON, D(12, 9), 9, 12);
    add_visit(c, "a", 0, 30, D(12, 1), D(12, 14));
    add_visit(c, "b", 1, 45, D(12, 1), D(12, 14));
    struct sched_plan *p = NULL, *base = NULL, *alone = NULL;
    struct careday_error err;
    struct sched_options o;
    sched_options_init(&o);
    o.baseline = &base;
    assert_int_equal(sched_plan_case(c, &o, &p, NULL, &err), 0);
    assert_non_null(base);
    assert_int_equal(sched_baseline(c, &alone, &err), 0);
    assert_int_equal(base->nappts, alone->nappts);
    for (size_t i = 0; i < base->nappts; i++) {
        assert_int_equal(base->appts[i].visit, alone->appts[i].visit);
        assert_true(base->appts[i].start == alone->appts[i].start);
    }
    assert_int_equal(base->metrics.trips, alone->metrics.trips);
    assert_int_equal(base->metrics.trips, 2); /* a on 12-01, b on 12-09 */
    assert_int_equal(p->metrics.trips, 1);    /* both on 12-09 */
    sched_plan_free(p);
    sched_plan_free(base);
    sched_plan_free(alone);
    free_case(c);
}

/* Two one-hour visits and one hour of provider time: one is left out. A
 * search stopped before it proved anything says so (never "displaced"),
 * keeps the proven reason of a visit with no time at all, and is no worse
 * than the one-at-a-time plan; given time, the reason is proven. */
static void test_stopped_search_says_so(void **state)
{
    (void)state;
    struct sched_case *c = new_case(1, 2);
    set_travel(c, -1, 0, 30);
    day_hours(c, 0, SCHED_IN_PERSON, D(12, 3), 9, 10);
    add_visit(c, "first", 0, 60, D(12, 1), D(12, 14));
    add_visit(c, "second", 0, 60, D(12, 1), D(12, 14));
    add_visit(c, "never", 1, 30, D(12, 1), D(12, 14)); /* provider 1 has no hours */
    struct sched_plan *p = NULL;
    struct careday_error err;
    struct sched_options o;
    sched_options_init(&o);
    o.time_limit_s = 1e-9; /* over before the first round */
    assert_int_equal(sched_plan_case(c, &o, &p, NULL, &err), 0);
    assert_int_equal(p->status, SCHED_STATUS_FEASIBLE);
    assert_int_equal(p->metrics.unscheduled, 2);
    for (size_t i = 0; i < p->nunscheduled; i++) {
        const struct sched_unscheduled *u = &p->unscheduled[i];
        if (u->visit == 2) {
            assert_int_equal(u->code, SCHED_REASON_NO_PROVIDER_TIME);
        } else {
            assert_int_equal(u->code, SCHED_REASON_STOPPED);
            assert_true(u->time_limit_s == 1e-9);
            assert_true(u->bound <= p->objective && u->objective == p->objective);
        }
    }
    sched_plan_free(p);
    p = plan(c);
    assert_int_equal(p->status, SCHED_STATUS_OPTIMAL);
    for (size_t i = 0; i < p->nunscheduled; i++)
        assert_int_not_equal(p->unscheduled[i].code, SCHED_REASON_STOPPED);
    sched_plan_free(p);
    free_case(c);
}

/* Family busy 10:00-14:00 on every day: a trip must fit entirely before or
 * after it, so a visit at 12:00 is impossible and a telehealth visit
 * cannot sit inside the trip. */
static void test_family_busy_and_trip_interval(void **state)
{
    (void)state;
    struct sched_case *c = new_case(1, 2);
    set_travel(c, -1, 0, 60);
    for (int32_t d = c->horizon_start; d <= c->horizon_end; d++)
        cal_set_add(&c->family.busy, cal_tz_local_to_utc(c->tz, d, 10 * 60),
                    cal_tz_local_to_utc(c->tz, d, 14 * 60));
    /* Before 10:00 nothing fits (07:00 + 70 min drive = 08:15 start, back
     * 10:15); after 14:00 both fit: 15:15 and 16:30, back 18:30. */
    day_hours(c, 0, SCHED_IN_PERSON, D(12, 3), 8, 18);
    day_hours(c, 1, SCHED_IN_PERSON, D(12, 3), 8, 18);
    add_visit(c, "a", 0, 60, D(12, 1), D(12, 14));
    add_visit(c, "b", 1, 60, D(12, 1), D(12, 14));
    struct sched_plan *p = plan(c);
    assert_int_equal(p->metrics.unscheduled, 0);
    assert_int_equal(p->metrics.trips, 1);
    /* The whole trip is outside 10:00-14:00. */
    assert_true(p->trips[0].ret <= T(c, 12, 3, 10, 0) || p->trips[0].depart >= T(c, 12, 3, 14, 0));
    sched_plan_free(p);
    free_case(c);
}

/* Two clinics 40 min apart on the same day: the gap between them is the
 * drive plus parking, and the route costs home-A-B-home, not two round
 * trips. */
static void test_two_places_one_day(void **state)
{
    (void)state;
    struct sched_case *c = new_case(2, 2);
    set_travel(c, -1, 0, 30);
    set_travel(c, -1, 1, 30);
    set_travel(c, 0, 1, 40);
    c->providers[1].mode[SCHED_IN_PERSON].place = 1;
    day_hours(c, 0, SCHED_IN_PERSON, D(12, 3), 8, 17);
    day_hours(c, 1, SCHED_IN_PERSON, D(12, 3), 8, 17);
    add_visit(c, "a", 0, 30, D(12, 1), D(12, 14));
    add_visit(c, "b", 1, 30, D(12, 1), D(12, 14));
    struct sched_plan *p = plan(c);
    assert_int_equal(p->metrics.trips, 1);
    assert_int_equal(p->metrics.travel_minutes, 30 + 10 + 40 + 10 + 30);
    const struct sched_appt *a = p->appts, *b = p->appts + 1;
    assert_true(b->start >= a->end + 50 * 60);
    sched_plan_free(p);
    free_case(c);
}

/* family.arrive_early_minutes = 20, clinics A and B 30 min from home and
 * 40 min apart, parking 10, both open 08:00-17:00 on Dec 3 only. Every
 * planner keeps 30 + 10 + 20 = 60 minutes between leaving home and the first
 * appointment, and 40 + 10 + 20 = 70 between A and B; the travel metric
 * stays the driven (and parked) minutes, 30 + 10 + 40 + 10 + 30. The
 * trip-day model, the time-indexed model and the baseline all keep it. The
 * family leaves at 07:30 at the earliest, so the baseline's earliest start
 * is 08:30 (08:15 without the rule). */
static void test_arrive_early(void **state)
{
    (void)state;
    struct sched_case *c = new_case(2, 2);
    c->family.arrive_early_minutes = 20;
    c->family.earliest_departure = 7 * 60 + 30;
    set_travel(c, -1, 0, 30);
    set_travel(c, -1, 1, 30);
    set_travel(c, 0, 1, 40);
    c->providers[1].mode[SCHED_IN_PERSON].place = 1;
    day_hours(c, 0, SCHED_IN_PERSON, D(12, 3), 8, 17);
    day_hours(c, 1, SCHED_IN_PERSON, D(12, 3), 8, 17);
    add_visit(c, "a", 0, 30, D(12, 1), D(12, 14));
    add_visit(c, "b", 1, 30, D(12, 1), D(12, 14));
    /* The day model, the time-indexed model and the baseline alike. */
    struct sched_plan *plans[3] = {baseline(c), plan_with(c, SCHED_MODEL_DAYS),
                                   plan_with(c, SCHED_MODEL_TIME)};
    for (int k = 0; k < 3; k++) {
        const struct sched_plan *p = plans[k];
        assert_int_equal(p->metrics.unscheduled, 0);
        assert_int_equal(p->metrics.trips, 1);
        assert_int_equal(p->metrics.travel_minutes, 30 + 10 + 40 + 10 + 30);
        assert_int_equal(p->trips[0].travel_minutes, 30 + 10 + 40 + 10 + 30);
        const struct sched_appt *a = p->appts, *b = p->appts + 1;
        assert_true(b->start >= a->end + 70 * 60);
        assert_true(p->trips[0].depart == a->start - 60 * 60);
        assert_true(p->trips[0].depart >= T(c, 12, 3, 7, 30));
        assert_true(p->trips[0].ret == b->end + 30 * 60);
    }
    assert_true(plans[0]->appts[0].start == T(c, 12, 3, 8, 30));
    for (int k = 0; k < 3; k++)
        sched_plan_free(plans[k]);
    free_case(c);
}

/* A trip day must have care: with nights and travel free (weights 0), a
 * day 2 visit reachable only from the lodging must not be bought with an
 * empty trip day 1 and a night (a plan no calendar could show). */
static void test_no_trip_day_without_care(void **state)
{
    (void)state;
    struct sched_case *c = new_case(2, 1);
    c->places[1].lodging = true;
    set_travel(c, -1, 0, 300);
    set_travel(c, -1, 1, 300);
    set_travel(c, 0, 1, 5);
    c->family.earliest_departure = 6 * 60;
    c->family.latest_return = 21 * 60;
    c->family.overnight_allowed = true;
    c->family.lodging = 1;
    c->family.max_nights = 2;
    c->weights.overnight = 0;
    c->weights.travel_minute = 0;
    /* 12-08 09:00 needs leaving home at 03:50; 12-07 19:00 returns home at
     * 01:00. Either works only with a night at the lodging next to a trip
     * day that has care of its own, and there is only one visit. */
    day_hours(c, 0, SCHED_IN_PERSON, D(12, 7), 19, 20);
    day_hours(c, 0, SCHED_IN_PERSON, D(12, 8), 9, 10);
    add_visit(c, "cardio", 0, 60, D(12, 1), D(12, 14));
    struct sched_plan *p = plan(c);
    assert_int_equal(p->metrics.unscheduled, 1);
    assert_int_equal(p->metrics.trips, 0);
    assert_int_equal(p->metrics.overnights, 0);
    assert_true(p->objective == c->weights.unscheduled);
    sched_plan_free(p);
    free_case(c);
}

/* Two clinics on one day are visited as blocks: A 09:00 and 15:00 with B
 * at 12:00 in between would drive A -> B -> A while paying for A -> B. The
 * second A visit can also be had on 12-04, so the plan takes two trips or
 * leaves B's block whole. */
static void test_two_places_never_revisited(void **state)
{
    (void)state;
    struct sched_case *c = new_case(2, 3);
    set_travel(c, -1, 0, 60);
    set_travel(c, -1, 1, 60);
    set_travel(c, 0, 1, 20);
    c->providers[1].mode[SCHED_IN_PERSON].place = 1;
    day_hours(c, 0, SCHED_IN_PERSON, D(12, 3), 9, 10);
    day_hours(c, 1, SCHED_IN_PERSON, D(12, 3), 12, 13);
    day_hours(c, 2, SCHED_IN_PERSON, D(12, 3), 15, 16);
    day_hours(c, 2, SCHED_IN_PERSON, D(12, 4), 15, 16);
    add_visit(c, "a1", 0, 60, D(12, 1), D(12, 14));
    add_visit(c, "b", 1, 60, D(12, 1), D(12, 14));
    add_visit(c, "a2", 2, 60, D(12, 1), D(12, 14));
    struct sched_plan *p = plan_with(c, SCHED_MODEL_TIME);
    assert_int_equal(p->status, SCHED_STATUS_OPTIMAL);
    assert_int_equal(p->metrics.unscheduled, 0);
    /* Within each day, once the family leaves a place it never returns. */
    for (size_t i = 0; i < p->nappts; i++)
        for (size_t j = i + 1; j < p->nappts; j++)
            for (size_t k = j + 1; k < p->nappts; k++) {
                const struct sched_appt *x = &p->appts[i], *y = &p->appts[j], *z = &p->appts[k];
                if (x->trip >= 0 && x->trip == y->trip && y->trip == z->trip)
                    assert_false(x->place == z->place && x->place != y->place);
            }
    assert_int_equal(p->metrics.trips, 2);
    assert_int_equal(p->metrics.travel_minutes, (60 + 10 + 20 + 10 + 60) + (60 + 10 + 60));
    sched_plan_free(p);
    /* By trip days the one-at-a-time plan is the first incumbent: it drives
     * A -> B -> A on 12-03 in one trip, priced by the legs it drives, and no
     * plan of the model (blocks) costs less, so it stands. */
    p = plan_with(c, SCHED_MODEL_DAYS);
    assert_int_equal(p->status, SCHED_STATUS_OPTIMAL);
    assert_int_equal(p->metrics.trips, 1);
    assert_int_equal(p->metrics.travel_minutes, 60 + 10 + 20 + 10 + 20 + 10 + 60);
    sched_plan_free(p);
    free_case(c);
}

/* same_day_as: an in-person visit open 12-02 or 12-09 and a video visit
 * open 12-03 or 12-09 must share a day: 12-09, the video after the trip. */
static void test_same_day_pair(void **state)
{
    (void)state;
    struct sched_case *c = new_case(1, 2);
    set_travel(c, -1, 0, 60);
    day_hours(c, 0, SCHED_IN_PERSON, D(12, 2), 9, 12);
    day_hours(c, 0, SCHED_IN_PERSON, D(12, 9), 9, 12);
    c->providers[1].mode[SCHED_IN_PERSON].offered = false;
    day_hours(c, 1, SCHED_TELEHEALTH, D(12, 3), 9, 17);
    day_hours(c, 1, SCHED_TELEHEALTH, D(12, 9), 9, 17);
    add_visit(c, "ortho", 0, 30, D(12, 1), D(12, 14));
    add_visit(c, "pt", 1, 30, D(12, 1), D(12, 14));
    c->visits[1].modes = 1u << SCHED_TELEHEALTH;
    c->visits[1].order[0] = SCHED_TELEHEALTH;
    c->visits[1].prefer = SCHED_TELEHEALTH;
    c->visits[1].same_day_as = 0;
    struct sched_plan *p = plan(c);
    assert_int_equal(p->metrics.unscheduled, 0);
    const struct sched_appt *a = appt_of(p, 0), *b = appt_of(p, 1);
    assert_true(a->start >= T(c, 12, 9, 0, 0) && a->start < T(c, 12, 10, 0, 0));
    assert_true(b->start >= T(c, 12, 9, 0, 0) && b->start < T(c, 12, 10, 0, 0));
    assert_true(b->start >= p->trips[0].ret); /* video at home, after the trip */
    struct sched_plan *bl = baseline(c);
    assert_int_equal(bl->metrics.unscheduled, 0); /* booked together too */
    sched_plan_free(bl);
    sched_plan_free(p);
    free_case(c);
}

int main(void)
{
    solver_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_four_visits_one_trip),
        cmocka_unit_test(test_precedence_forces_two_trips),
        cmocka_unit_test(test_telehealth_removes_trip),
        cmocka_unit_test(test_grouping_beats_baseline),
        cmocka_unit_test(test_home_blocked_by_nurse),
        cmocka_unit_test(test_overnight_beats_two_day_trips),
        cmocka_unit_test(test_impossible_visit_reason),
        cmocka_unit_test(test_baseline_from_the_plans_candidates),
        cmocka_unit_test(test_stopped_search_says_so),
        cmocka_unit_test(test_family_busy_and_trip_interval),
        cmocka_unit_test(test_two_places_one_day),
        cmocka_unit_test(test_no_trip_day_without_care),
        cmocka_unit_test(test_two_places_never_revisited),
        cmocka_unit_test(test_same_day_pair),
        cmocka_unit_test(test_arrive_early),
        cmocka_unit_test(test_lag_across_a_night),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    solver_global_cleanup();
    return rc;
}
