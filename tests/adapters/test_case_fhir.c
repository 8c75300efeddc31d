/*
 * FHIR R4 reached from a case file: Slots picked by schedule and by actor
 * (Schedules in the same file or in "schedules"), a query matching nothing
 * is bad input naming its JSON path, PractitionerRole availableTime through
 * "fhir_hours" (exact instants across the end of DST in America/New_York,
 * notAvailable removing a week), and Appointments in "booked" becoming
 * fixed bookings through "provider_map", with a warning for one whose
 * participants match no provider.
 */
#include "adapters/adapters.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static void put(const char *name, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
}

/* A one-provider case ("neuro", in person at "unc") whose in-person
 * "available" list is avail and whose "booked" list is booked. */
static int load(const char *horizon_start, const char *horizon_end, const char *avail,
                const char *booked, struct sched_case *c, struct careday_notes *warn,
                struct careday_error *err)
{
    char text[4096], path[256];
    int n =
        snprintf(text, sizeof text,
                 "{\"careday\": 1, \"id\": \"f\", \"timezone\": \"America/New_York\",\n"
                 " \"horizon\": {\"start\": \"%s\", \"end\": \"%s\"},\n"
                 " \"family\": {\"id\": \"fam\", \"home\": {\"lat\": 35.78, \"lon\": -78.64}},\n"
                 " \"places\": [{\"id\": \"unc\", \"lat\": 35.904, \"lon\": -79.05}],\n"
                 " \"providers\": [{\"id\": \"neuro\", \"in_person\": {\"place\": \"unc\",\n"
                 "   \"available\": [%s]}}],\n"
                 " \"visits\": [{\"id\": \"v\", \"provider\": \"neuro\", \"minutes\": 30}],\n"
                 " \"booked\": [%s]}\n",
                 horizon_start, horizon_end, avail, booked ? booked : "");
    assert_true(n > 0 && (size_t)n < sizeof text);
    put("case.json", text);
    snprintf(path, sizeof path, "%s/case.json", dir);
    memset(c, 0, sizeof *c);
    memset(err, 0, sizeof *err);
    return adapt_case_load(path, c, warn, err);
}

static cal_time at(const char *s)
{
    cal_time t;
    assert_int_equal(cal_parse_rfc3339(s, &t), 0);
    return t;
}

static void expect_interval(const struct cal_set *s, size_t i, const char *start, const char *end)
{
    assert_true(i < s->n);
    assert_int_equal(s->iv[i].start, at(start));
    assert_int_equal(s->iv[i].end, at(end));
}

static bool warned(const struct careday_notes *w, const char *text)
{
    for (size_t i = 0; i < w->n; i++)
        if (strstr(w->v[i].text, text))
            return true;
    return false;
}

static const char schedules[] =
    "{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [\n"
    " {\"resource\": {\"resourceType\": \"Schedule\", \"id\": \"sa\",\n"
    "   \"actor\": [{\"reference\": \"Practitioner/a\"}, {\"reference\": \"Location/unc\"}]}},\n"
    " {\"resource\": {\"resourceType\": \"Schedule\", \"id\": \"sb\",\n"
    "   \"actor\": [{\"reference\": \"Practitioner/b\"}]}}]}\n";

static const char slots_only[] =
    "{\"resourceType\": \"Slot\", \"id\": \"s1\", \"schedule\": {\"reference\": \"Schedule/sa\"},"
    " \"status\": \"free\", \"start\": \"2026-12-08T09:00:00-05:00\","
    " \"end\": \"2026-12-08T09:30:00-05:00\"}\n"
    "{\"resourceType\": \"Slot\", \"id\": \"s2\", \"schedule\": {\"reference\": \"Schedule/sb\"},"
    " \"status\": \"free\", \"start\": \"2026-12-08T10:00:00-05:00\","
    " \"end\": \"2026-12-08T10:30:00-05:00\"}\n";

static void write_slots(void)
{
    char both[2048];
    /* One Bundle with Schedules and Slots, and the Slots alone as NDJSON. */
    snprintf(both, sizeof both,
             "{\"resourceType\": \"Bundle\", \"type\": \"searchset\", \"entry\": [\n"
             " {\"resource\": {\"resourceType\": \"Schedule\", \"id\": \"sa\",\n"
             "   \"actor\": [{\"reference\": \"Practitioner/a\"}]}},\n"
             " {\"resource\": {\"resourceType\": \"Schedule\", \"id\": \"sb\",\n"
             "   \"actor\": [{\"reference\": \"Practitioner/b\"}]}},\n"
             " {\"resource\": {\"resourceType\": \"Slot\", \"id\": \"s1\",\n"
             "   \"schedule\": {\"reference\": \"Schedule/sa\"}, \"status\": \"free\",\n"
             "   \"start\": \"2026-12-08T09:00:00-05:00\", \"end\": "
             "\"2026-12-08T09:30:00-05:00\"}},\n"
             " {\"resource\": {\"resourceType\": \"Slot\", \"id\": \"s2\",\n"
             "   \"schedule\": {\"reference\": \"Schedule/sb\"}, \"status\": \"free\",\n"
             "   \"start\": \"2026-12-08T10:00:00-05:00\", \"end\": "
             "\"2026-12-08T10:30:00-05:00\"}}]}\n");
    put("slots.json", both);
    put("slots.ndjson", slots_only);
    put("schedules.json", schedules);
}

static void test_slots_by_schedule(void **state)
{
    struct sched_case c;
    struct careday_notes w = {0};
    struct careday_error e;
    (void)state;

    write_slots();
    assert_int_equal(load("2026-12-07", "2026-12-11",
                          "{\"fhir\": \"slots.json\", \"schedule\": \"Schedule/sb\"}", NULL, &c, &w,
                          &e),
                     0);
    assert_int_equal(c.providers[0].mode[SCHED_IN_PERSON].free.n, 1);
    expect_interval(&c.providers[0].mode[SCHED_IN_PERSON].free, 0, "2026-12-08T10:00:00-05:00",
                    "2026-12-08T10:30:00-05:00");
    sched_case_free(&c);
    careday_notes_free(&w);
}

static void test_slots_by_actor(void **state)
{
    struct sched_case c;
    struct careday_notes w = {0};
    struct careday_error e;
    (void)state;

    write_slots();
    /* Schedules in the same Bundle. */
    assert_int_equal(load("2026-12-07", "2026-12-11",
                          "{\"fhir\": \"slots.json\", \"actor\": \"Practitioner/a\"}", NULL, &c, &w,
                          &e),
                     0);
    assert_int_equal(c.providers[0].mode[SCHED_IN_PERSON].free.n, 1);
    expect_interval(&c.providers[0].mode[SCHED_IN_PERSON].free, 0, "2026-12-08T09:00:00-05:00",
                    "2026-12-08T09:30:00-05:00");
    sched_case_free(&c);
    /* Schedules in their own file; an actor matching by "Type/id" tail. */
    assert_int_equal(load("2026-12-07", "2026-12-11",
                          "{\"fhir\": \"slots.ndjson\", \"actor\": \"Practitioner/b\", "
                          "\"schedules\": \"schedules.json\"}",
                          NULL, &c, &w, &e),
                     0);
    assert_int_equal(c.providers[0].mode[SCHED_IN_PERSON].free.n, 1);
    expect_interval(&c.providers[0].mode[SCHED_IN_PERSON].free, 0, "2026-12-08T10:00:00-05:00",
                    "2026-12-08T10:30:00-05:00");
    sched_case_free(&c);
    careday_notes_free(&w);
}

static void test_unknown_actor_is_bad_input(void **state)
{
    struct sched_case c;
    struct careday_notes w = {0};
    struct careday_error e;
    int rc;
    (void)state;

    write_slots();
    rc = load("2026-12-07", "2026-12-11",
              "{\"fhir\": \"slots.json\", \"actor\": \"Practitioner/zz\"}", NULL, &c, &w, &e);
    assert_int_equal(rc, ADAPT_EINPUT);
    assert_int_equal(adapt_exit_code(rc), 2);
    assert_string_equal(e.path, "providers[0].in_person.available[0].actor");
    assert_non_null(strstr(e.text, "Practitioner/zz"));
    sched_case_free(&c);
    rc = load("2026-12-07", "2026-12-11",
              "{\"fhir\": \"slots.json\", \"schedule\": \"Schedule/s\"}", NULL, &c, &w, &e);
    assert_int_equal(adapt_exit_code(rc), 2);
    assert_string_equal(e.path, "providers[0].in_person.available[0].schedule");
    sched_case_free(&c);
    /* A key of another source kind. */
    rc = load("2026-12-07", "2026-12-11", "{\"ics\": \"x.ics\", \"actor\": \"Practitioner/a\"}",
              NULL, &c, &w, &e);
    assert_int_equal(adapt_exit_code(rc), 2);
    assert_string_equal(e.path, "providers[0].in_person.available[0].actor");
    sched_case_free(&c);
    careday_notes_free(&w);
}

static const char roles[] =
    "{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [\n"
    " {\"resource\": {\"resourceType\": \"PractitionerRole\", \"id\": \"pr1\",\n"
    "   \"practitioner\": {\"reference\": \"Practitioner/a\"},\n"
    "   \"availableTime\": [{\"daysOfWeek\": [\"mon\", \"fri\"],\n"
    "     \"availableStartTime\": \"09:00:00\", \"availableEndTime\": \"12:00:00\"}],\n"
    "   \"notAvailable\": [{\"description\": \"Conference\",\n"
    "     \"during\": {\"start\": \"2026-12-07\", \"end\": \"2026-12-11\"}}]}},\n"
    " {\"resource\": {\"resourceType\": \"PractitionerRole\", \"id\": \"pr2\",\n"
    "   \"practitioner\": {\"reference\": \"Practitioner/b\"},\n"
    "   \"availableTime\": [{\"daysOfWeek\": [\"tue\"], \"allDay\": true}]}}]}\n";

static void test_available_time_across_dst(void **state)
{
    struct sched_case c;
    struct careday_notes w = {0};
    struct careday_error e;
    const struct cal_set *f;
    (void)state;

    put("roles.json", roles);
    /* DST ends on Sunday 2026-11-01 in New York: 09:00 is 13:00Z before, 14:00Z after. */
    assert_int_equal(load("2026-10-29", "2026-11-03",
                          "{\"fhir_hours\": \"roles.json\", \"who\": \"PractitionerRole/pr1\"}",
                          NULL, &c, &w, &e),
                     0);
    f = &c.providers[0].mode[SCHED_IN_PERSON].free;
    assert_int_equal(f->n, 2);
    expect_interval(f, 0, "2026-10-30T13:00:00Z", "2026-10-30T16:00:00Z");
    expect_interval(f, 1, "2026-11-02T14:00:00Z", "2026-11-02T17:00:00Z");
    sched_case_free(&c);
    /* who may name the practitioner of the role. */
    assert_int_equal(load("2026-10-29", "2026-11-03",
                          "{\"fhir_hours\": \"roles.json\", \"who\": \"Practitioner/b\"}", NULL, &c,
                          &w, &e),
                     0);
    f = &c.providers[0].mode[SCHED_IN_PERSON].free;
    assert_int_equal(f->n, 1);
    expect_interval(f, 0, "2026-11-03T05:00:00Z", "2026-11-04T05:00:00Z");
    sched_case_free(&c);
    careday_notes_free(&w);
}

static void test_not_available_removes_a_week(void **state)
{
    struct sched_case c;
    struct careday_notes w = {0};
    struct careday_error e;
    const struct cal_set *f;
    int rc;
    (void)state;

    put("roles.json", roles);
    /* Mon/Fri 09:00-12:00; notAvailable Dec 7-11 (end date inclusive). */
    assert_int_equal(load("2026-12-07", "2026-12-15",
                          "{\"fhir_hours\": \"roles.json\", \"who\": \"PractitionerRole/pr1\"}",
                          NULL, &c, &w, &e),
                     0);
    f = &c.providers[0].mode[SCHED_IN_PERSON].free;
    assert_int_equal(f->n, 1);
    expect_interval(f, 0, "2026-12-14T09:00:00-05:00", "2026-12-14T12:00:00-05:00");
    sched_case_free(&c);
    rc = load("2026-12-07", "2026-12-15",
              "{\"fhir_hours\": \"roles.json\", \"who\": \"PractitionerRole/nobody\"}", NULL, &c,
              &w, &e);
    assert_int_equal(adapt_exit_code(rc), 2);
    assert_string_equal(e.path, "providers[0].in_person.available[0].who");
    sched_case_free(&c);
    careday_notes_free(&w);
}

static const char appts[] =
    "{\"resourceType\": \"Bundle\", \"type\": \"searchset\", \"entry\": [\n"
    " {\"resource\": {\"resourceType\": \"Appointment\", \"id\": \"ap1\", \"status\": \"booked\",\n"
    "   \"start\": \"2026-12-09T10:00:00-05:00\", \"end\": \"2026-12-09T10:45:00-05:00\",\n"
    "   \"participant\": [{\"actor\": {\"reference\": \"Patient/kid\"}, \"status\": "
    "\"accepted\"},\n"
    "     {\"actor\": {\"reference\": \"https://x.example/fhir/Practitioner/a\"},\n"
    "      \"status\": \"accepted\"}]}},\n"
    " {\"resource\": {\"resourceType\": \"Appointment\", \"id\": \"ap2\", \"status\": \"booked\",\n"
    "   \"start\": \"2026-12-10T14:00:00-05:00\", \"end\": \"2026-12-10T15:00:00-05:00\",\n"
    "   \"participant\": [{\"actor\": {\"reference\": \"Practitioner/elsewhere\"},\n"
    "     \"status\": \"accepted\"}]}},\n"
    " {\"resource\": {\"resourceType\": \"Appointment\", \"id\": \"ap3\", \"status\": "
    "\"cancelled\",\n"
    "   \"start\": \"2026-12-10T09:00:00-05:00\", \"end\": \"2026-12-10T09:30:00-05:00\",\n"
    "   \"participant\": [{\"actor\": {\"reference\": \"Practitioner/a\"},\n"
    "     \"status\": \"accepted\"}]}}]}\n";

static void test_appointments_become_bookings(void **state)
{
    struct sched_case c;
    struct careday_notes w = {0};
    struct careday_error e;
    const struct sched_visit *b = NULL;
    int rc;
    (void)state;

    write_slots();
    put("appointments.json", appts);
    rc =
        load("2026-12-07", "2026-12-12", "{\"fhir\": \"slots.json\"}",
             "{\"fhir\": \"appointments.json\", \"provider_map\": {\"Practitioner/a\": \"neuro\"}}",
             &c, &w, &e);
    if (rc)
        fail_msg("%s: %s", e.path, e.text);
    for (size_t i = 0; i < c.nvisits; i++)
        if (strcmp(c.visits[i].id, "ap1") == 0)
            b = &c.visits[i];
    assert_int_equal(c.nvisits, 2); /* v and ap1 */
    assert_non_null(b);
    assert_true(b->booked);
    assert_false(b->movable);
    assert_int_equal(b->provider, 0);
    assert_int_equal(b->booked_start, at("2026-12-09T15:00:00Z"));
    assert_int_equal(b->minutes, 45);
    assert_int_equal(b->booked_mode, SCHED_IN_PERSON);
    /* ap2 is with nobody in the map: a warning naming it, and the family is busy. */
    assert_true(warned(&w, "Appointment ap2: no participant (Practitioner/elsewhere)"));
    assert_true(cal_set_covers(&c.family.busy, at("2026-12-10T14:00:00-05:00"),
                               at("2026-12-10T15:00:00-05:00")));
    /* ap3 is cancelled: skipped with the reader's warning. */
    assert_true(warned(&w, "ap3"));
    sched_case_free(&c);

    rc = load("2026-12-07", "2026-12-12", "{\"fhir\": \"slots.json\"}",
              "{\"fhir\": \"appointments.json\", \"provider_map\": {\"Practitioner/a\": \"nope\"}}",
              &c, &w, &e);
    assert_int_equal(adapt_exit_code(rc), 2);
    assert_string_equal(e.path, "booked[0].provider_map.Practitioner/a");
    sched_case_free(&c);
    careday_notes_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slots_by_schedule),
        cmocka_unit_test(test_slots_by_actor),
        cmocka_unit_test(test_unknown_actor_is_bad_input),
        cmocka_unit_test(test_available_time_across_dst),
        cmocka_unit_test(test_not_available_removes_a_week),
        cmocka_unit_test(test_appointments_become_bookings),
    };
    int rc;

    snprintf(dir, sizeof dir, "/tmp/careday-case-fhir-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            rc = rc ? rc : 1;
    }
    return rc;
}
