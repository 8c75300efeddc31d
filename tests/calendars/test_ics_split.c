/*
 * cal_ics_split: a calendar file into CalDAV resources, one per UID, the
 * master and its overrides together, time zones copied, METHOD dropped.
 */
#include "calendars/calendars.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

static const char two_uids[] = "BEGIN:VCALENDAR\r\n"
                               "VERSION:2.0\r\n"
                               "PRODID:-//test//EN\r\n"
                               "METHOD:PUBLISH\r\n"
                               "BEGIN:VTIMEZONE\r\n"
                               "TZID:America/New_York\r\n"
                               "BEGIN:STANDARD\r\n"
                               "DTSTART:19701101T020000\r\n"
                               "TZOFFSETFROM:-0400\r\n"
                               "TZOFFSETTO:-0500\r\n"
                               "END:STANDARD\r\n"
                               "END:VTIMEZONE\r\n"
                               "BEGIN:VEVENT\r\n"
                               "UID:weekly@x\r\n"
                               "DTSTAMP:20261101T000000Z\r\n"
                               "DTSTART;TZID=America/New_York:20261201T090000\r\n"
                               "DURATION:PT1H\r\n"
                               "RRULE:FREQ=WEEKLY;COUNT=4\r\n"
                               "END:VEVENT\r\n"
                               "BEGIN:VEVENT\r\n"
                               "UID:once@x\r\n"
                               "DTSTAMP:20261101T000000Z\r\n"
                               "DTSTART:20261203T140000Z\r\n"
                               "DTEND:20261203T150000Z\r\n"
                               "END:VEVENT\r\n"
                               "BEGIN:VEVENT\r\n"
                               "UID:weekly@x\r\n"
                               "RECURRENCE-ID;TZID=America/New_York:20261208T090000\r\n"
                               "DTSTAMP:20261101T000000Z\r\n"
                               "DTSTART;TZID=America/New_York:20261208T110000\r\n"
                               "DURATION:PT1H\r\n"
                               "END:VEVENT\r\n"
                               "END:VCALENDAR\r\n";

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    while ((s = strstr(s, what))) {
        n++;
        s++;
    }
    return n;
}

static void test_one_resource_per_uid(void **state)
{
    struct cal_ics_object *v = NULL;
    struct careday_error err = {0};
    size_t n = 0;
    (void)state;

    assert_int_equal(cal_ics_split(two_uids, strlen(two_uids), "t.ics", &v, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].uid, "weekly@x");
    assert_string_equal(v[1].uid, "once@x");
    assert_int_equal(count(v[0].text, "BEGIN:VEVENT"), 2); /* master and override */
    assert_non_null(strstr(v[0].text, "RECURRENCE-ID"));
    assert_int_equal(count(v[0].text, "BEGIN:VTIMEZONE"), 1);
    assert_int_equal(count(v[1].text, "BEGIN:VEVENT"), 1);
    assert_null(strstr(v[1].text, "weekly@x"));
    assert_null(strstr(v[0].text, "METHOD"));
    assert_non_null(strstr(v[0].text, "PRODID:-//test//EN"));
    cal_ics_objects_free(v, n);
}

static void test_refuses_what_cannot_be_a_resource(void **state)
{
    static const char no_uid[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
                                 "BEGIN:VEVENT\r\nDTSTART:20261203T140000Z\r\nEND:VEVENT\r\n"
                                 "END:VCALENDAR\r\n";
    struct cal_ics_object *v = NULL;
    struct careday_error err = {0};
    size_t n = 0;
    (void)state;

    assert_int_equal(cal_ics_split(no_uid, strlen(no_uid), "t.ics", &v, &n, &err), CAL_EPARSE);
    assert_non_null(strstr(err.text, "UID"));
    assert_int_equal(cal_ics_split("hello", 5, "t.ics", &v, &n, &err), CAL_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_resource_per_uid),
        cmocka_unit_test(test_refuses_what_cannot_be_a_resource),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
