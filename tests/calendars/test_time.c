/* Civil dates, parsing and formatting of dates, times of day and RFC 3339,
 * and the error helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "calendars/calendars.h"

static void test_days_known(void **state)
{
    (void)state;
    assert_int_equal(cal_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(cal_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(cal_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(cal_days_from_civil(2026, 3, 8), 20520);
    assert_int_equal(cal_days_from_civil(1600, 2, 29), -135081);
    struct cal_date d = cal_civil_from_days(20520);
    assert_int_equal(d.year, 2026);
    assert_int_equal(d.month, 3);
    assert_int_equal(d.day, 8);
    d = cal_civil_from_days(-1);
    assert_int_equal(d.year, 1969);
    assert_int_equal(d.month, 12);
    assert_int_equal(d.day, 31);
}

static void test_days_round_trip(void **state)
{
    (void)state;
    /* Every day from 1600 to 2400 maps back to itself and days are consecutive. */
    int32_t first = cal_days_from_civil(1600, 1, 1);
    int32_t last = cal_days_from_civil(2400, 12, 31);
    struct cal_date prev = cal_civil_from_days(first - 1);
    for (int32_t x = first; x <= last; x++) {
        struct cal_date d = cal_civil_from_days(x);
        assert_int_equal(cal_days_from_civil(d.year, d.month, d.day), x);
        if (d.day == 1) {
            assert_true(d.month == prev.month % 12 + 1);
        } else {
            assert_int_equal(d.day, prev.day + 1);
            assert_int_equal(d.month, prev.month);
        }
        prev = d;
    }
}

static void test_weekday(void **state)
{
    (void)state;
    assert_int_equal(cal_weekday(0), 3);                                /* Thu 1970-01-01 */
    assert_int_equal(cal_weekday(cal_days_from_civil(2026, 3, 8)), 6);  /* Sunday */
    assert_int_equal(cal_weekday(cal_days_from_civil(2026, 12, 7)), 0); /* Monday */
    assert_int_equal(cal_weekday(cal_days_from_civil(1969, 12, 29)), 0);
    assert_int_equal(cal_weekday(-4), 6); /* Sun 1969-12-28 */
}

static void test_parse_date(void **state)
{
    (void)state;
    int32_t d = 12345;
    assert_int_equal(cal_parse_date("2026-12-01", &d), CAL_OK);
    assert_int_equal(d, cal_days_from_civil(2026, 12, 1));
    assert_int_equal(cal_parse_date("2024-02-29", &d), CAL_OK);
    assert_int_equal(d, cal_days_from_civil(2024, 2, 29));

    const char *bad[] = {"2026-02-29",  "2026-13-01", "2026-00-10",       "2026-04-31",
                         "2026-1-01",   "2026-01-1",  "2026/01/01",       "2026-01-01 ",
                         " 2026-01-01", "20260101",   "2026-01-01T00:00", "",
                         "1900-02-29",  "abcd-ef-gh"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        d = 777;
        assert_int_equal(cal_parse_date(bad[i], &d), CAL_EINVAL);
        assert_int_equal(d, 777); /* untouched on failure */
    }
    assert_int_equal(cal_parse_date(NULL, &d), CAL_EINVAL);
}

static void test_parse_hhmm(void **state)
{
    (void)state;
    int m = -1;
    assert_int_equal(cal_parse_hhmm("00:00", &m), CAL_OK);
    assert_int_equal(m, 0);
    assert_int_equal(cal_parse_hhmm("07:30", &m), CAL_OK);
    assert_int_equal(m, 450);
    assert_int_equal(cal_parse_hhmm("19:30", &m), CAL_OK);
    assert_int_equal(m, 1170);
    assert_int_equal(cal_parse_hhmm("23:59", &m), CAL_OK);
    assert_int_equal(m, 1439);
    assert_int_equal(cal_parse_hhmm("24:00", &m), CAL_OK);
    assert_int_equal(m, 1440);
    const char *bad[] = {"24:01", "25:00",    "7:30", "07:3", "07:60",
                         "0730",  "07:30:00", "",     "ab:cd"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        m = 5;
        assert_int_equal(cal_parse_hhmm(bad[i], &m), CAL_EINVAL);
        assert_int_equal(m, 5);
    }
}

static void test_parse_rfc3339(void **state)
{
    (void)state;
    cal_time t = 0;
    /* 2026-12-09T10:00:00-05:00 = 15:00Z */
    cal_time expect = (cal_time)cal_days_from_civil(2026, 12, 9) * 86400 + 15 * 3600;
    assert_int_equal(cal_parse_rfc3339("2026-12-09T10:00:00-05:00", &t), CAL_OK);
    assert_int_equal(t, expect);
    assert_int_equal(cal_parse_rfc3339("2026-12-09T15:00:00Z", &t), CAL_OK);
    assert_int_equal(t, expect);
    assert_int_equal(cal_parse_rfc3339("2026-12-09t15:00:00z", &t), CAL_OK);
    assert_int_equal(t, expect);
    assert_int_equal(cal_parse_rfc3339("2026-12-09T15:00Z", &t), CAL_OK);
    assert_int_equal(t, expect);
    assert_int_equal(cal_parse_rfc3339("2026-12-09T20:30:00.999+05:30", &t), CAL_OK);
    assert_int_equal(t, expect);
    assert_int_equal(cal_parse_rfc3339("2026-12-09T16:00:00+01:00", &t), CAL_OK);
    assert_int_equal(t, expect);
    assert_int_equal(cal_parse_rfc3339("1969-12-31T23:59:59Z", &t), CAL_OK);
    assert_int_equal(t, -1);
    assert_int_equal(cal_parse_rfc3339("2026-01-01T00:00:00-00:00", &t), CAL_OK);
    assert_int_equal(t, (cal_time)cal_days_from_civil(2026, 1, 1) * 86400);

    const char *bad[] = {"2026-12-09T10:00:00",
                         "2026-12-09T10:00:00+0500",
                         "2026-12-09T24:00:00Z",
                         "2026-12-09T10:60:00Z",
                         "2026-12-09T10:00:61Z",
                         "2026-12-09 10:00:00 Z",
                         "2026-12-09T10:00:00.Z",
                         "2026-12-32T10:00:00Z",
                         "2026-12-09T10:00:00+24:00",
                         "2026-12-09T10:00:00Zjunk",
                         "2026-12-09",
                         "2026-12-09T1:00:00Z"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        t = 42;
        assert_int_equal(cal_parse_rfc3339(bad[i], &t), CAL_EINVAL);
        assert_int_equal(t, 42);
    }
}

static void test_format(void **state)
{
    (void)state;
    char buf[32];
    cal_format_date(cal_days_from_civil(2026, 3, 8), buf, sizeof buf);
    assert_string_equal(buf, "2026-03-08");
    cal_format_date(-1, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31");

    cal_time t = (cal_time)cal_days_from_civil(2026, 12, 9) * 86400 + 15 * 3600 + 5;
    cal_format_rfc3339(t, -5 * 3600, true, buf, sizeof buf);
    assert_string_equal(buf, "2026-12-09T10:00:05-05:00");
    cal_format_rfc3339(t, 0, true, buf, sizeof buf);
    assert_string_equal(buf, "2026-12-09T15:00:05Z");
    cal_format_rfc3339(t, 0, false, buf, sizeof buf);
    assert_string_equal(buf, "2026-12-09T15:00:05+00:00");
    cal_format_rfc3339(t, 5 * 3600 + 45 * 60, true, buf, sizeof buf);
    assert_string_equal(buf, "2026-12-09T20:45:05+05:45");
    cal_format_rfc3339(-1, 0, true, buf, sizeof buf);
    assert_string_equal(buf, "1969-12-31T23:59:59Z");

    /* Format then parse gives the instant back. */
    cal_time back = 0;
    cal_format_rfc3339(t, -3 * 3600 - 30 * 60, false, buf, sizeof buf);
    assert_int_equal(cal_parse_rfc3339(buf, &back), CAL_OK);
    assert_int_equal(back, t);
}

static void test_errors(void **state)
{
    (void)state;
    struct careday_error e;
    memset(&e, 0, sizeof e);
    assert_int_equal(careday_fail(&e, CAL_EINVAL, "case.json", 0, "visits[3].window.latest",
                                  "expected a date, got \"%s\"", "soon"),
                     CAL_EINVAL);
    assert_string_equal(e.file, "case.json");
    assert_int_equal(e.line, 0);
    assert_string_equal(e.path, "visits[3].window.latest");
    assert_string_equal(e.text, "expected a date, got \"soon\"");
    char buf[256];
    careday_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "case.json: visits[3].window.latest: expected a date, got \"soon\"");

    assert_int_equal(careday_fail(&e, CAL_EPARSE, "family.ics", 12, NULL, "bad DTSTART"),
                     CAL_EPARSE);
    careday_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "family.ics:12: bad DTSTART");

    careday_fail(&e, CAL_ETZ, NULL, 0, NULL, "unknown zone");
    careday_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "unknown zone");

    /* Truncation is safe. */
    careday_error_format(&e, buf, 5);
    assert_string_equal(buf, "unkn");

    /* NULL err is allowed: the code still comes back. */
    assert_int_equal(careday_fail(NULL, CAL_EIO, "x", 1, NULL, "y"), CAL_EIO);

    assert_string_equal(cal_strerror(CAL_ETZ), "unknown time zone");
    assert_string_equal(cal_strerror(CAL_ENOMEM), "out of memory");
    assert_string_equal(cal_strerror(-999), "unknown error");
}

static void test_notes(void **state)
{
    (void)state;
    struct careday_notes notes = {0};
    for (int i = 0; i < 100; i++)
        careday_notes_add(&notes, "a.ics", i + 1, NULL, "warning %d", i);
    assert_int_equal(notes.n, 100);
    assert_string_equal(notes.v[57].text, "warning 57");
    assert_int_equal(notes.v[57].line, 58);
    assert_string_equal(notes.v[57].file, "a.ics");
    assert_string_equal(notes.v[57].path, "");
    careday_notes_free(&notes);
    assert_int_equal(notes.n, 0);
    assert_null(notes.v);
    careday_notes_free(&notes); /* twice is harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_known), cmocka_unit_test(test_days_round_trip),
        cmocka_unit_test(test_weekday),    cmocka_unit_test(test_parse_date),
        cmocka_unit_test(test_parse_hhmm), cmocka_unit_test(test_parse_rfc3339),
        cmocka_unit_test(test_format),     cmocka_unit_test(test_errors),
        cmocka_unit_test(test_notes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
