/*
 * Re-planning on small cases built in code: the previous plan's placements
 * cost what docs/model.md says to change, what is past stays, nothing new
 * starts before now + notice, pins and dates to avoid hold.
 *
 * Set-up: America/New_York, horizon Tue 2026-12-01 .. Mon 2026-12-14, family
 * day 07:00-19:00, one clinic 60 min from home (park 10), three providers
 * with weekday hours 08:00-17:00 and a 30-minute visit each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "case_fixture.h"

/* Every test runs with both models: they choose among the same candidates
 * and must honour the same re-planning costs. */
static enum sched_model g_model;

static int use_days(void **state)
{
    (void)state;
    g_model = SCHED_MODEL_DAYS;
    return 0;
}

static int use_time(void **state)
{
    (void)state;
    g_model = SCHED_MODEL_TIME;
    return 0;
}

/* The plan by the model the test runs with. */
static struct sched_plan *plan_by(struct sched_case *c)
{
    return plan_with(c, g_model);
}

static struct sched_case *three_visits(void)
{
    struct sched_case *c = new_case(1, 3);
    set_travel(c, -1, 0, 60);
    for (int i = 0; i < 3; i++) {
        char id[16];
        weekday_hours(c, i, SCHED_IN_PERSON, 8, 17);
        snprintf(id, sizeof id, "v%d", i);
        add_visit(c, id, i, 30, D(12, 1), D(12, 14));
    }
    return c;
}

/* The plan p of c becomes c's previous plan. */
static void set_previous(struct sched_case *c, const struct sched_plan *p)
{
    c->previous = calloc(p->nappts ? p->nappts : 1, sizeof(*c->previous));
    c->nprevious = p->nappts;
    for (size_t i = 0; i < p->nappts; i++) {
        struct sched_prev_appt *q = &c->previous[i];
        q->visit_id = dup(c->visits[p->appts[i].visit].id);
        q->mode = p->appts[i].mode;
        q->start = p->appts[i].start;
        q->end = p->appts[i].end;
        q->state = p->appts[i].state;
    }
    assert_int_equal(sched_case_apply_previous(c, NULL), 0);
}

static int32_t day_of(const struct sched_case *c, cal_time t)
{
    int32_t d;
    int m;
    cal_tz_to_local(c->tz, t, &d, &m);
    return d;
}

/* Remove [from, to) local minutes of day d from provider p's in-person time. */
static void cancel_session(struct sched_case *c, int p, int32_t d, int from, int to)
{
    struct cal_set cut = {0}, out = {0};
    cal_set_add(&cut, cal_tz_local_to_utc(c->tz, d, from), cal_tz_local_to_utc(c->tz, d, to));
    assert_int_equal(cal_set_subtract(&out, &c->providers[p].mode[SCHED_IN_PERSON].free, &cut), 0);
    cal_set_free(&c->providers[p].mode[SCHED_IN_PERSON].free);
    c->providers[p].mode[SCHED_IN_PERSON].free = out;
    cal_set_free(&cut);
}

static void count(const struct sched_case *c, const struct sched_plan *p, size_t *moved,
                  size_t *kept)
{
    struct sched_changes ch;
    assert_int_equal(sched_plan_changes(c, p, &ch), 0);
    *moved = ch.moved;
    *kept = ch.kept;
    sched_changes_free(&ch);
}

/* Re-planning an unchanged case moves nothing. */
static void test_unchanged_moves_nothing(void **state)
{
    (void)state;
    struct sched_case *c = three_visits();
    struct sched_plan *p0 = plan_by(c);
    assert_int_equal(p0->metrics.trips, 1);
    set_previous(c, p0);
    struct sched_plan *p1 = plan_by(c);
    size_t moved, kept;
    count(c, p1, &moved, &kept);
    assert_int_equal(moved, 0);
    assert_int_equal(kept, 3);
    assert_true(p1->objective == p0->objective);
    sched_plan_free(p0);
    sched_plan_free(p1);
    free_case(c);
}

/* A clinic cancels 30 minutes under one proposed appointment: it shifts
 * within its day (10) rather than to another day (300), and every visit
 * stays on the same trip day. */
static void test_cancelled_half_hour_shifts(void **state)
{
    (void)state;
    struct sched_case *c = three_visits();
    struct sched_plan *p0 = plan_by(c);
    set_previous(c, p0);
    const struct sched_appt *a0 = appt_of(p0, 0);
    int32_t d0 = day_of(c, a0->start);
    int32_t dd;
    int m0;
    cal_tz_to_local(c->tz, a0->start, &dd, &m0);
    cancel_session(c, 0, d0, m0, m0 + 30);
    struct sched_plan *p1 = plan_by(c);
    assert_int_equal(p1->metrics.trips, 1);
    for (int v = 0; v < 3; v++)
        assert_int_equal(day_of(c, appt_of(p1, v)->start), d0);
    assert_true(appt_of(p1, 0)->start != a0->start);
    struct sched_changes ch;
    assert_int_equal(sched_plan_changes(c, p1, &ch), 0);
    assert_true(ch.moved >= 1);
    assert_int_equal(ch.v[0].why, SCHED_WHY_PROVIDER_TIME);
    sched_changes_free(&ch);
    sched_plan_free(p0);
    sched_plan_free(p1);
    free_case(c);
}

/* A booked appointment keeps its state; when its provider's whole day is
 * cancelled it moves (at 20000, unavoidable) and becomes proposed. */
static void test_booked_moves_only_when_it_must(void **state)
{
    (void)state;
    struct sched_case *c = three_visits();
    struct sched_plan *p0 = plan_by(c);
    for (size_t i = 0; i < p0->nappts; i++)
        p0->appts[i].state = p0->appts[i].visit == 1 ? SCHED_BOOKED : SCHED_PROPOSED;
    set_previous(c, p0);
    struct sched_plan *p1 = plan_by(c);
    assert_int_equal(appt_of(p1, 1)->state, SCHED_BOOKED);
    assert_int_equal(appt_of(p1, 0)->state, SCHED_PROPOSED);
    int32_t d0 = day_of(c, appt_of(p0, 1)->start);
    cancel_session(c, 1, d0, 0, 24 * 60);
    struct sched_plan *p2 = plan_by(c);
    assert_true(day_of(c, appt_of(p2, 1)->start) != d0);
    assert_int_equal(appt_of(p2, 1)->state, SCHED_PROPOSED);
    assert_int_equal(p2->metrics.trips, 1); /* the others follow to one trip day */
    sched_plan_free(p0);
    sched_plan_free(p1);
    sched_plan_free(p2);
    free_case(c);
}

/* With now on Thu Dec 3 12:00 and 48 hours' notice, nothing new starts
 * before Sat Dec 5 12:00; a previous appointment already past is history:
 * kept where it was even though its provider's time is gone now. */
static void test_now_notice_and_history(void **state)
{
    (void)state;
    struct sched_case *c = three_visits();
    c->now = T(c, 12, 3, 12, 0);
    c->min_notice_minutes = 48 * 60;
    struct sched_plan *p0 = plan_by(c);
    for (size_t i = 0; i < p0->nappts; i++)
        assert_true(p0->appts[i].start >= T(c, 12, 5, 12, 0));
    sched_plan_free(p0);
    free_case(c);

    c = three_visits();
    p0 = plan_by(c); /* no now: first trip on Tue Dec 1 */
    int32_t d0 = day_of(c, appt_of(p0, 0)->start);
    assert_int_equal(d0, D(12, 1));
    free_case(c);
    c = three_visits();
    c->now = T(c, 12, 3, 12, 0);
    c->min_notice_minutes = 48 * 60;
    set_previous(c, p0);
    assert_true(c->visits[0].history && c->visits[0].booked && !c->visits[0].movable);
    cancel_session(c, 0, d0, 0, 24 * 60);
    struct sched_plan *p1 = plan_by(c);
    for (int v = 0; v < 3; v++) {
        assert_true(appt_of(p1, v)->start == appt_of(p0, v)->start);
        assert_int_equal(appt_of(p1, v)->state, SCHED_PROPOSED);
    }
    assert_int_equal(p1->metrics.unscheduled, 0);
    sched_plan_free(p0);
    sched_plan_free(p1);
    free_case(c);
}

/* A pin holds (date, mode, start); one that cannot hold is the reason. */
static void test_pin_and_avoid(void **state)
{
    (void)state;
    struct sched_case *c = three_visits();
    c->visits[2].pinned = true;
    c->visits[2].pin_day = D(12, 9);
    c->visits[2].pin_start = 14 * 60;
    c->family.avoid = calloc(1, sizeof(int32_t));
    c->family.avoid[0] = D(12, 9);
    c->family.navoid = 1;
    struct sched_plan *p = plan_by(c);
    assert_int_equal(p->metrics.unscheduled, 1);
    assert_int_equal(p->unscheduled[0].visit, 2);
    assert_int_equal(p->unscheduled[0].code, SCHED_REASON_PIN);
    assert_int_equal(p->unscheduled[0].day, D(12, 9));
    assert_int_equal(p->unscheduled[0].minute, 14 * 60);
    assert_int_equal(p->unscheduled[0].mode, -1);
    for (size_t i = 0; i < p->nappts; i++)
        assert_true(day_of(c, p->appts[i].start) != D(12, 9));
    sched_plan_free(p);
    c->family.navoid = 0;
    p = plan_by(c);
    assert_int_equal(p->metrics.unscheduled, 0);
    assert_true(appt_of(p, 2)->start == T(c, 12, 9, 14, 0));
    assert_int_equal(p->metrics.trips, 1); /* the others join the pinned day */
    sched_plan_free(p);
    free_case(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unchanged_moves_nothing),
        cmocka_unit_test(test_cancelled_half_hour_shifts),
        cmocka_unit_test(test_booked_moves_only_when_it_must),
        cmocka_unit_test(test_now_notice_and_history),
        cmocka_unit_test(test_pin_and_avoid),
    };
    int failed = cmocka_run_group_tests_name("day-level model", tests, use_days, NULL);
    failed += cmocka_run_group_tests_name("time-indexed model", tests, use_time, NULL);
    return failed;
}
