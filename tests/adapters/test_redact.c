/*
 * adapt_redact_url: every URL careday shows loses its user and password,
 * its query values and the path segments that look like secrets, and keeps
 * what a person needs to recognise the source.
 */
#include "adapters/adapters.h"
#include "adapters/http.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

static void check(const char *url, const char *want)
{
    char buf[512];
    adapt_redact_url(url, buf, sizeof buf);
    assert_string_equal(buf, want);
}

static void test_plain_urls_unchanged(void **state)
{
    (void)state;
    check("https://clinic.example.org/neuro/clinic.ics",
          "https://clinic.example.org/neuro/clinic.ics");
    check("http://127.0.0.1:5232/coord/neuro/", "http://127.0.0.1:5232/coord/neuro/");
    check("calendars/family.ics", "calendars/family.ics");
}

static void test_credentials_and_query(void **state)
{
    (void)state;
    check("https://alice:hunter2@dav.example.org/cal/", "https://dav.example.org/cal/");
    check("https://a:b@c@dav.example.org/", "https://dav.example.org/");
    check("https://x.example/feed.ics?token=SEKRET&user=ana",
          "https://x.example/feed.ics?token=***&user=***");
    check("https://x.example/Slot?schedule=Schedule/1&status=free",
          "https://x.example/Slot?schedule=***&status=***");
    check("https://x.example/a.ics?flag", "https://x.example/a.ics?flag");
}

static void test_path_tokens(void **state)
{
    (void)state;
    check("https://calendar.google.com/calendar/ical/ana%40gmail.com/private-0a1b2c/basic.ics",
          "https://calendar.google.com/calendar/ical/***/***/basic.ics");
    check("webcal://p01-calendars.icloud.com/published/2/MTIzNDU2Nzg5MDEyMzQ1Njc4OTA",
          "webcal://p01-calendars.icloud.com/published/2/***");
    check("https://outlook.office365.com/owa/calendar/ana@clinic.org/4f2a9c0d1e3b5a7c9e1f/"
          "calendar.ics",
          "https://outlook.office365.com/owa/calendar/***/***/calendar.ics");
    /* Long words without digits are names people need to read. */
    check("https://x.example/pediatric-neurology-clinic/calendar.ics",
          "https://x.example/pediatric-neurology-clinic/calendar.ics");
}

static void test_truncates_safely(void **state)
{
    char small[12];
    (void)state;
    adapt_redact_url("https://alice:pw@example.org/x?token=abc", small, sizeof small);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_null(strstr(small, "pw"));
}

/* Credentials and FHIR tokens follow a URL only to the same scheme, host and
 * port; relative references resolve as a browser would. */
static void test_origin_and_resolve(void **state)
{
    char *r;
    (void)state;
    assert_true(http_same_origin("https://a.example/x", "https://A.example:443/y?z"));
    assert_false(http_same_origin("https://a.example/x", "http://a.example/x"));
    assert_false(http_same_origin("https://a.example/x", "https://a.example:8443/x"));
    assert_false(http_same_origin("https://a.example/x", "https://b.example/x"));
    assert_false(http_same_origin("https://a.example/x", "not a url"));
    r = http_resolve("http://h:1/dav/coord/", "/coord/neuro/");
    assert_string_equal(r, "http://h:1/coord/neuro/");
    free(r);
    r = http_resolve("http://h:1/dav/coord/", "ev%40x.ics");
    assert_string_equal(r, "http://h:1/dav/coord/ev%40x.ics");
    free(r);
    r = http_resolve("https://h/r4/Slot?a=1", "Slot?page=2");
    assert_string_equal(r, "https://h/r4/Slot?page=2");
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_urls_unchanged), cmocka_unit_test(test_credentials_and_query),
        cmocka_unit_test(test_path_tokens),          cmocka_unit_test(test_truncates_safely),
        cmocka_unit_test(test_origin_and_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
