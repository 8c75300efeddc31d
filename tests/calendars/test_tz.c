/* Time zones: DST change days in New York and Berlin, round trips, name
 * resolution (IANA, Windows, Outlook display names, aliases), unknown names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "calendars/calendars.h"
#include "calendars/calendars_internal.h"

/* UTC instant of y-m-d hh:mm:00Z. */
static cal_time utc(int y, int m, int d, int hh, int mm)
{
    return (cal_time)cal_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

static cal_tz *open_tz(const char *name)
{
    cal_tz *tz = NULL;
    struct careday_error err = {0};
    assert_int_equal(cal_tz_open(name, &tz, &err), CAL_OK);
    assert_non_null(tz);
    return tz;
}

static cal_time l2u(const cal_tz *tz, int y, int m, int d, int hh, int mm)
{
    return cal_tz_local_to_utc(tz, cal_days_from_civil(y, m, d), hh * 60 + mm);
}

static void test_new_york_spring(void **state)
{
    (void)state;
    cal_tz *ny = open_tz("America/New_York");
    assert_string_equal(cal_tz_name(ny), "America/New_York");
    assert_non_null(cal_tz_ical(ny));
    /* 2026-03-08: 02:00 EST becomes 03:00 EDT at 07:00Z. */
    assert_int_equal(l2u(ny, 2026, 3, 8, 9, 0), utc(2026, 3, 8, 13, 0));
    assert_int_equal(l2u(ny, 2026, 3, 8, 1, 59), utc(2026, 3, 8, 6, 59));
    assert_int_equal(l2u(ny, 2026, 3, 8, 3, 0), utc(2026, 3, 8, 7, 0));
    /* 02:30 does not exist: read with EST, it lands after the gap (03:30 EDT). */
    assert_int_equal(l2u(ny, 2026, 3, 8, 2, 30), utc(2026, 3, 8, 7, 30));
    assert_int_equal(l2u(ny, 2026, 3, 8, 2, 0), utc(2026, 3, 8, 7, 0));
    assert_int_equal(l2u(ny, 2026, 3, 7, 9, 0), utc(2026, 3, 7, 14, 0));

    assert_int_equal(cal_tz_offset(ny, utc(2026, 3, 8, 7, 0) - 1), -5 * 3600);
    assert_int_equal(cal_tz_offset(ny, utc(2026, 3, 8, 7, 0)), -4 * 3600);

    int32_t day;
    int minute;
    cal_tz_to_local(ny, utc(2026, 3, 8, 7, 30), &day, &minute);
    assert_int_equal(day, cal_days_from_civil(2026, 3, 8));
    assert_int_equal(minute, 3 * 60 + 30);
    cal_tz_to_local(ny, utc(2026, 3, 8, 4, 59), &day, &minute);
    assert_int_equal(day, cal_days_from_civil(2026, 3, 7));
    assert_int_equal(minute, 23 * 60 + 59);
    cal_tz_free(ny);
}

static void test_new_york_fall(void **state)
{
    (void)state;
    cal_tz *ny = open_tz("America/New_York");
    /* 2026-11-01: 02:00 EDT becomes 01:00 EST at 06:00Z. */
    assert_int_equal(l2u(ny, 2026, 11, 1, 9, 0), utc(2026, 11, 1, 14, 0));
    /* 01:30 happens twice: the first (EDT) is taken. */
    assert_int_equal(l2u(ny, 2026, 11, 1, 1, 30), utc(2026, 11, 1, 5, 30));
    assert_int_equal(l2u(ny, 2026, 11, 1, 0, 59), utc(2026, 11, 1, 4, 59));
    assert_int_equal(l2u(ny, 2026, 11, 1, 2, 0), utc(2026, 11, 1, 7, 0));
    assert_int_equal(cal_tz_offset(ny, utc(2026, 11, 1, 6, 0) - 1), -4 * 3600);
    assert_int_equal(cal_tz_offset(ny, utc(2026, 11, 1, 6, 0)), -5 * 3600);

    int32_t day;
    int minute;
    /* Both 05:30Z and 06:30Z read 01:30 local. */
    cal_tz_to_local(ny, utc(2026, 11, 1, 5, 30), &day, &minute);
    assert_int_equal(minute, 90);
    cal_tz_to_local(ny, utc(2026, 11, 1, 6, 30), &day, &minute);
    assert_int_equal(minute, 90);
    assert_int_equal(day, cal_days_from_civil(2026, 11, 1));
    cal_tz_free(ny);
}

static void test_berlin(void **state)
{
    (void)state;
    cal_tz *be = open_tz("Europe/Berlin");
    /* 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00Z. */
    assert_int_equal(l2u(be, 2026, 3, 29, 9, 0), utc(2026, 3, 29, 7, 0));
    assert_int_equal(l2u(be, 2026, 3, 29, 2, 30), utc(2026, 3, 29, 1, 30)); /* after the gap */
    assert_int_equal(l2u(be, 2026, 3, 29, 1, 30), utc(2026, 3, 29, 0, 30));
    assert_int_equal(cal_tz_offset(be, utc(2026, 3, 29, 1, 0) - 1), 3600);
    assert_int_equal(cal_tz_offset(be, utc(2026, 3, 29, 1, 0)), 7200);
    /* 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00Z. */
    assert_int_equal(l2u(be, 2026, 10, 25, 9, 0), utc(2026, 10, 25, 8, 0));
    assert_int_equal(l2u(be, 2026, 10, 25, 2, 30), utc(2026, 10, 25, 0, 30)); /* first */
    assert_int_equal(l2u(be, 2026, 10, 25, 1, 30), utc(2026, 10, 24, 23, 30));
    assert_int_equal(l2u(be, 2026, 10, 25, 3, 0), utc(2026, 10, 25, 2, 0));
    assert_int_equal(cal_tz_offset(be, utc(2026, 10, 25, 1, 0) - 1), 7200);
    assert_int_equal(cal_tz_offset(be, utc(2026, 10, 25, 1, 0)), 3600);
    /* Winter and summer far from the changes, and years further out. */
    assert_int_equal(cal_tz_offset(be, utc(2026, 1, 15, 12, 0)), 3600);
    assert_int_equal(cal_tz_offset(be, utc(2026, 7, 15, 12, 0)), 7200);
    assert_int_equal(cal_tz_offset(be, utc(2045, 7, 15, 12, 0)), 7200);
    assert_int_equal(cal_tz_offset(be, utc(1995, 1, 15, 12, 0)), 3600);
    cal_tz_free(be);
}

/* Every wall minute of a day maps to UTC and back to itself, except the
 * skipped ones, which move forward by the size of the gap. Every UTC minute
 * maps to local and back, except the second pass through a repeated hour,
 * which comes back as the first. */
static void round_trip_day(const char *zone, int y, int m, int d)
{
    cal_tz *tz = open_tz(zone);
    int32_t day = cal_days_from_civil(y, m, d);
    cal_time prev = INT64_MIN;
    int moved = 0;
    for (int minute = 0; minute < 1440; minute++) {
        cal_time u = cal_tz_local_to_utc(tz, day, minute);
        int32_t d2;
        int m2;
        cal_tz_to_local(tz, u, &d2, &m2);
        if (d2 != day || m2 != minute) {
            assert_int_equal(d2, day);
            assert_int_equal(m2, minute + 60);
            moved++;
        } else {
            assert_true(u > prev); /* wall times that exist keep their order */
            prev = u;
        }
    }
    cal_time from = cal_tz_local_to_utc(tz, day, 0);
    int repeated = 0;
    for (cal_time u = from; u < from + 25 * 3600; u += 60) {
        int32_t d2;
        int m2;
        cal_tz_to_local(tz, u, &d2, &m2);
        cal_time back = cal_tz_local_to_utc(tz, d2, m2);
        if (back != u) {
            assert_int_equal(back, u - 3600);
            repeated++;
        }
    }
    /* A spring day skips 60 minutes; an autumn day repeats 60. */
    assert_true((moved == 60 && repeated == 0) || (moved == 0 && repeated == 60));
    cal_tz_free(tz);
}

static void test_round_trips(void **state)
{
    (void)state;
    round_trip_day("America/New_York", 2026, 3, 8);
    round_trip_day("America/New_York", 2026, 11, 1);
    round_trip_day("Europe/Berlin", 2026, 3, 29);
    round_trip_day("Europe/Berlin", 2026, 10, 25);
}

static void test_utc_and_fixed(void **state)
{
    (void)state;
    cal_tz *u = open_tz("UTC");
    assert_string_equal(cal_tz_name(u), "UTC");
    assert_int_equal(cal_tz_offset(u, utc(2026, 7, 1, 0, 0)), 0);
    assert_int_equal(l2u(u, 2026, 3, 8, 2, 30), utc(2026, 3, 8, 2, 30));
    cal_tz_free(u);
    u = open_tz("Etc/UTC");
    assert_string_equal(cal_tz_name(u), "UTC");
    cal_tz_free(u);

    cal_tz *sp = open_tz("America/Sao_Paulo"); /* no DST since 2019 */
    assert_int_equal(cal_tz_offset(sp, utc(2026, 1, 15, 12, 0)), -3 * 3600);
    assert_int_equal(l2u(sp, 2026, 1, 15, 9, 0), utc(2026, 1, 15, 12, 0));
    cal_tz_free(sp);

    cal_tz *in = open_tz("Asia/Kolkata");
    assert_int_equal(cal_tz_offset(in, utc(2026, 1, 15, 12, 0)), 5 * 3600 + 30 * 60);
    cal_tz_free(in);
    cal_tz_free(NULL);
}

static void expect_name(const char *in, const char *want)
{
    char iana[64];
    int rc = cal_tz_resolve_name(in, iana, sizeof iana);
    if (rc != CAL_OK)
        fail_msg("\"%s\" did not resolve (%d)", in, rc);
    assert_string_equal(iana, want);
}

static void test_names(void **state)
{
    (void)state;
    expect_name("America/New_York", "America/New_York");
    expect_name("US/Eastern", "US/Eastern"); /* a known IANA link stays as is */
    expect_name("Eastern Standard Time", "America/New_York");
    expect_name("W. Europe Standard Time", "Europe/Berlin");
    expect_name("Romance Standard Time", "Europe/Paris");
    expect_name("GMT Standard Time", "Europe/London");
    expect_name("E. South America Standard Time", "America/Sao_Paulo");
    expect_name("  \"Pacific Standard Time\" ", "America/Los_Angeles");
    expect_name("(UTC-03:00) Brasília", "America/Sao_Paulo");
    expect_name("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin");
    expect_name("(UTC+01:00) Brussels, Copenhagen, Madrid, Paris", "Europe/Paris");
    expect_name("(UTC-05:00) Eastern Time (US & Canada)", "America/New_York");
    expect_name("(GMT-06:00) Central Time (US & Canada)", "America/Chicago");
    expect_name("(UTC) Coordinated Universal Time", "UTC");
    expect_name("(UTC+09:00) Somewhere, Tokyo", "Asia/Tokyo"); /* by city */
    expect_name("Eastern Time", "America/New_York");
    expect_name("Central Time", "America/Chicago");
    expect_name("Mountain Time", "America/Denver");
    expect_name("Pacific Time", "America/Los_Angeles");
    expect_name("/freeassociation.sourceforge.net/Tzfile/Europe/Berlin", "Europe/Berlin");
    expect_name("/freeassociation.sourceforge.net/America/New_York", "America/New_York");
    expect_name("/mozilla.org/20050126_1/America/New_York", "America/New_York");
    expect_name("GMT", "UTC");
    expect_name("Z", "UTC");

    char iana[64];
    const char *bad[] = {"Nowhere/Zone",
                         "",
                         "   ",
                         "../../etc/passwd",
                         "/etc/passwd",
                         "(UTC+05:00) Atlantis",
                         "Martian Standard Time"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(cal_tz_resolve_name(bad[i], iana, sizeof iana), CAL_ETZ);
    char tiny[4];
    assert_int_equal(cal_tz_resolve_name("Europe/Berlin", tiny, sizeof tiny), CAL_EINVAL);

    /* A Windows name opens as its IANA zone. */
    cal_tz *tz = open_tz("Eastern Standard Time");
    assert_string_equal(cal_tz_name(tz), "America/New_York");
    assert_int_equal(l2u(tz, 2026, 3, 8, 9, 0), utc(2026, 3, 8, 13, 0));
    cal_tz_free(tz);
}

static void test_unknown_zone_message(void **state)
{
    (void)state;
    cal_tz *tz = (cal_tz *)0x1;
    struct careday_error err = {0};
    assert_int_equal(cal_tz_open("Nowhere/Zone", &tz, &err), CAL_ETZ);
    assert_ptr_equal(tz, (cal_tz *)0x1); /* untouched */
    assert_non_null(strstr(err.text, "\"Nowhere/Zone\""));
    assert_non_null(strstr(err.text, "unknown time zone"));
    assert_int_equal(cal_tz_open(NULL, &tz, &err), CAL_EINVAL);
}

static void test_allocation_failure(void **state)
{
    (void)state;
    cal_tz *tz = NULL;
    struct careday_error err = {0};
    cal_alloc_fail_after(0);
    assert_int_equal(cal_tz_open("Europe/Berlin", &tz, &err), CAL_ENOMEM);
    cal_alloc_fail_after(1);
    assert_int_equal(cal_tz_open("Europe/Berlin", &tz, &err), CAL_ENOMEM);
    cal_alloc_fail_after(-1);
    assert_null(tz);
}

static void test_speed(void **state)
{
    (void)state;
    /* The scheduler converts many wall times; a million conversions must be
     * far below a few seconds (measured about 0.5 us each). */
    cal_tz *ny = open_tz("America/New_York");
    int32_t d0 = cal_days_from_civil(2026, 1, 1);
    clock_t c0 = clock();
    cal_time sum = 0;
    for (int i = 0; i < 1000000; i++)
        sum += cal_tz_local_to_utc(ny, d0 + (i / 96) % 730, (i % 96) * 15);
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    assert_true(sum != 0);
    assert_true(secs < 5.0);
    cal_tz_free(ny);
}

static int teardown(void **state)
{
    (void)state;
    icaltimezone_free_builtin_timezones();
    icalmemory_free_ring();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_york_spring),
        cmocka_unit_test(test_new_york_fall),
        cmocka_unit_test(test_berlin),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_utc_and_fixed),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_unknown_zone_message),
        cmocka_unit_test(test_allocation_failure),
        cmocka_unit_test(test_speed),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
