/*
 * WebDAV Multi-Status answers as servers write them: any namespace
 * prefixes, properties split over a 200 and a 404 propstat, broken XML,
 * and an external entity that must never be loaded.
 */
#include "adapters/http.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

static int parse(const char *xml, struct dav_items *out, struct careday_error *err)
{
    return dav_parse_multistatus(xml, strlen(xml), "http://dav.test/", out, err);
}

static void test_nextcloud_prefixes(void **state)
{
    static const char xml[] =
        "<?xml version=\"1.0\"?>\n"
        "<d:multistatus xmlns:d=\"DAV:\" xmlns:cal=\"urn:ietf:params:xml:ns:caldav\">"
        "<d:response><d:href>/remote.php/dav/calendars/ana/neuro/</d:href>"
        "<d:propstat><d:prop><d:resourcetype><d:collection/><cal:calendar/></d:resourcetype>"
        "<d:displayname>Neuro clinic</d:displayname></d:prop>"
        "<d:status>HTTP/1.1 200 OK</d:status></d:propstat>"
        "<d:propstat><d:prop><cal:calendar-home-set/></d:prop>"
        "<d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response>"
        "<d:response><d:href>/remote.php/dav/principals/users/ana/</d:href>"
        "<d:propstat><d:prop><d:current-user-principal><d:href>/p/ana/</d:href>"
        "</d:current-user-principal><cal:calendar-home-set><d:href>/h/ana/</d:href>"
        "</cal:calendar-home-set><d:getetag>\"e1\"</d:getetag>"
        "<cal:calendar-data>BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n</cal:calendar-data></d:prop>"
        "<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>";
    struct dav_items d = {0};
    struct careday_error err = {0};
    (void)state;

    assert_int_equal(parse(xml, &d, &err), 0);
    assert_int_equal(d.n, 2);
    assert_string_equal(d.v[0].href, "/remote.php/dav/calendars/ana/neuro/");
    assert_true(d.v[0].calendar);
    assert_true(d.v[0].collection);
    assert_string_equal(d.v[0].displayname, "Neuro clinic");
    assert_null(d.v[0].home);
    assert_int_equal(d.v[0].status, 200);
    assert_false(d.v[1].calendar);
    assert_string_equal(d.v[1].principal, "/p/ana/");
    assert_string_equal(d.v[1].home, "/h/ana/");
    assert_string_equal(d.v[1].etag, "\"e1\"");
    /* XML turns CR LF into LF; the iCalendar reader takes either. */
    assert_string_equal(d.v[1].data, "BEGIN:VCALENDAR\nEND:VCALENDAR");
    dav_items_free(&d);
}

static void test_bad_xml_is_a_fetch_failure(void **state)
{
    struct dav_items d = {0};
    struct careday_error err = {0};
    (void)state;

    assert_int_equal(parse("<multistatus xmlns='DAV:'><response>", &d, &err), ADAPT_EFETCH);
    assert_non_null(strstr(err.text, "bad XML"));
    assert_string_equal(err.file, "http://dav.test/");
    assert_int_equal(parse("<html xmlns='DAV:'/>", &d, &err), ADAPT_EFETCH);
    assert_non_null(strstr(err.text, "not a WebDAV multistatus"));
    assert_int_equal(parse("", &d, &err), ADAPT_EFETCH);
}

static void test_external_entity_not_loaded(void **state)
{
    static const char xml[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
        "<multistatus xmlns=\"DAV:\"><response><href>/a/</href><propstat>"
        "<prop><displayname>&x;</displayname></prop>"
        "<status>HTTP/1.1 200 OK</status></propstat></response></multistatus>";
    struct dav_items d = {0};
    struct careday_error err = {0};
    (void)state;

    if (parse(xml, &d, &err) == 0) {
        assert_int_equal(d.n, 1);
        assert_null(strstr(d.v[0].displayname ? d.v[0].displayname : "", "root:"));
        dav_items_free(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nextcloud_prefixes),
        cmocka_unit_test(test_bad_xml_is_a_fetch_failure),
        cmocka_unit_test(test_external_entity_not_loaded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
