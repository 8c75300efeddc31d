/* Writing iCalendar: the text is valid, parses back with libical to the same
 * instants, UIDs and texts (commas, semicolons, newlines, Spanish), and has
 * the feed and invitation properties the importers need. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calendars/calendars.h"
#include "calendars/calendars_internal.h"

static const char *const spanish = "Cita de neurología, sala 3; piso 2";
static const char *const multiline = "Línea uno\nLínea dos, con coma; y punto y coma \\ barra";

static cal_time utc(int y, int m, int d, int hh, int mm)
{
    return (cal_time)cal_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

static const struct cal_attendee organizer = {"careday", "noreply@careday.example", NULL};
static const struct cal_attendee attendees[] = {
    {"Dr. Maya Lee, MD", "maya.lee@clinic.example", "REQ-PARTICIPANT"},
    {"Ana Rivera", "ana@family.example", "OPT-PARTICIPANT"},
};

static struct cal_event_out visit(void)
{
    struct cal_event_out e;
    memset(&e, 0, sizeof e);
    e.uid = "rivera-neuro-fu@careday.example";
    e.sequence = 2;
    e.start = utc(2026, 12, 9, 15, 0);
    e.end = utc(2026, 12, 9, 15, 40);
    e.summary = spanish;
    e.description = multiline;
    e.location = "101 Manning Dr, Chapel Hill NC";
    e.url = "https://video.example.org/neuro?room=a,b;c";
    e.conference = "https://video.example.org/neuro";
    e.lat = 35.904;
    e.lon = -79.05;
    e.has_geo = true;
    e.alarm_minutes = 30;
    e.alarm_text = "Recordatorio: neurología";
    e.categories = "Neurology, Telehealth";
    e.organizer = &organizer;
    return e;
}

static struct cal_writer_options feed_options(void)
{
    struct cal_writer_options o = {
        .method = "PUBLISH",
        .prodid = "-//careday//careday 0.1//EN",
        .calname = "Ana, plan de citas; invierno",
        .caldesc = "Citas combinadas\nde Ana",
        .refresh_hours = 4,
        .dtstamp = utc(2026, 11, 20, 12, 0),
    };
    return o;
}

static char *write_one(const struct cal_writer_options *o, const struct cal_event_out *ev)
{
    cal_writer *w = cal_writer_new(o);
    assert_non_null(w);
    assert_int_equal(cal_writer_add(w, ev), CAL_OK);
    char *text = NULL;
    assert_int_equal(cal_writer_serialize(w, &text), CAL_OK);
    assert_non_null(text);
    cal_writer_free(w);
    return text;
}

/* Every line ends in CRLF, no bare LF, and no line longer than 75 octets. */
static void assert_wire_format(const char *text)
{
    size_t len = strlen(text);
    assert_true(len > 2);
    assert_memory_equal(text + len - 2, "\r\n", 2);
    size_t line = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            assert_true(i > 0 && text[i - 1] == '\r');
            assert_true(line <= 76); /* 75 octets plus the CR */
            line = 0;
        } else {
            line++;
        }
    }
}

/* The unfolded text (continuation lines joined). Caller frees. */
static char *unfold(const char *text)
{
    char *out = malloc(strlen(text) + 1), *q = out;
    for (const char *p = text; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) {
            p += 2;
            continue;
        }
        *q++ = *p;
    }
    *q = '\0';
    return out;
}

static void test_feed_round_trip(void **state)
{
    (void)state;
    struct cal_writer_options o = feed_options();
    struct cal_event_out ev = visit();
    char *text = write_one(&o, &ev);
    assert_wire_format(text);

    struct careday_error err = {0};
    int rc = cal_ics_validate(text, &err);
    if (rc != CAL_OK)
        fail_msg("validate: %s\n%s", err.text, text);

    char *flat = unfold(text);
    /* Calendar properties as the importers want them. */
    assert_non_null(strstr(flat, "\r\nVERSION:2.0\r\n"));
    assert_non_null(strstr(flat, "\r\nPRODID:-//careday//careday 0.1//EN\r\n"));
    assert_non_null(strstr(flat, "\r\nCALSCALE:GREGORIAN\r\n"));
    assert_non_null(strstr(flat, "\r\nMETHOD:PUBLISH\r\n"));
    assert_non_null(strstr(flat, "\r\nX-WR-CALNAME:Ana\\, plan de citas\\; invierno\r\n"));
    assert_non_null(strstr(flat, "\r\nNAME:Ana\\, plan de citas\\; invierno\r\n"));
    assert_non_null(strstr(flat, "\r\nX-WR-CALDESC:Citas combinadas\\nde Ana\r\n"));
    assert_non_null(strstr(flat, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT4H\r\n"));
    assert_non_null(strstr(flat, "\r\nX-PUBLISHED-TTL:PT4H\r\n"));
    /* The event. */
    assert_non_null(strstr(flat, "\r\nDTSTART:20261209T150000Z\r\n"));
    assert_non_null(strstr(flat, "\r\nDTEND:20261209T154000Z\r\n"));
    assert_non_null(strstr(flat, "\r\nDTSTAMP:20261120T120000Z\r\n"));
    assert_non_null(strstr(flat, "\r\nSEQUENCE:2\r\n"));
    assert_non_null(strstr(flat, "\r\nSUMMARY:Cita de neurología\\, sala 3\\; piso 2\r\n"));
    assert_non_null(strstr(flat, "\r\nCONFERENCE;VALUE=URI;FEATURE=VIDEO:"
                                 "https://video.example.org/neuro\r\n"));
    assert_non_null(strstr(flat, "\r\nURL:https://video.example.org/neuro?room=a,b;c\r\n"));
    assert_non_null(strstr(flat, "\r\nGEO:35.904000;-79.050000\r\n"));
    assert_non_null(strstr(flat, "\r\nTRANSP:OPAQUE\r\n"));
    assert_non_null(strstr(flat, "\r\nCATEGORIES:Neurology\r\n"));
    assert_non_null(strstr(flat, "\r\nCATEGORIES:Telehealth\r\n"));
    assert_non_null(strstr(flat, "\r\nORGANIZER;CN=careday:mailto:noreply@careday.example\r\n"));
    assert_non_null(strstr(flat, "\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT30M\r\n"
                                 "DESCRIPTION:Recordatorio: neurología\r\nEND:VALARM\r\n"));
    free(flat);

    /* Parsed back with libical directly: the same instants and texts. */
    icalcomponent *root = icalparser_parse_string(text);
    assert_non_null(root);
    icalcomponent *ve = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
    assert_non_null(ve);
    assert_string_equal(icalcomponent_get_uid(ve), "rivera-neuro-fu@careday.example");
    struct icaltimetype s = icalcomponent_get_dtstart(ve);
    struct icaltimetype e = icalcomponent_get_dtend(ve);
    assert_true(icaltime_is_utc(s));
    assert_int_equal(icaltime_as_timet(s), utc(2026, 12, 9, 15, 0));
    assert_int_equal(icaltime_as_timet(e), utc(2026, 12, 9, 15, 40));
    assert_string_equal(icalcomponent_get_summary(ve), spanish);
    assert_string_equal(icalcomponent_get_description(ve), multiline);
    assert_string_equal(icalcomponent_get_location(ve), "101 Manning Dr, Chapel Hill NC");
    assert_int_equal(icalcomponent_get_sequence(ve), 2);
    assert_int_equal(icalcomponent_count_components(ve, ICAL_VALARM_COMPONENT), 1);
    icalproperty *conf = icalcomponent_get_first_property(ve, ICAL_CONFERENCE_PROPERTY);
    assert_non_null(conf);
    assert_string_equal(icalproperty_get_conference(conf), "https://video.example.org/neuro");
    icalproperty *name = icalcomponent_get_first_property(root, ICAL_NAME_PROPERTY);
    assert_string_equal(icalproperty_get_name(name), "Ana, plan de citas; invierno");
    int xs = 0;
    for (icalproperty *x = icalcomponent_get_first_property(root, ICAL_X_PROPERTY); x;
         x = icalcomponent_get_next_property(root, ICAL_X_PROPERTY)) {
        if (strcmp(icalproperty_get_x_name(x), "X-WR-CALNAME") == 0) {
            assert_string_equal(icalproperty_get_x(x), "Ana, plan de citas; invierno");
            xs++;
        } else if (strcmp(icalproperty_get_x_name(x), "X-WR-CALDESC") == 0) {
            assert_string_equal(icalproperty_get_x(x), "Citas combinadas\nde Ana");
            xs++;
        }
    }
    assert_int_equal(xs, 2);
    assert_null(icalcomponent_get_first_property(root, ICAL_XLICERROR_PROPERTY));
    assert_null(icalcomponent_get_first_property(ve, ICAL_XLICERROR_PROPERTY));
    icalcomponent_free(root);
    free(text);
}

static void test_request_with_attendees(void **state)
{
    (void)state;
    struct cal_writer_options o = feed_options();
    o.method = "REQUEST";
    o.calname = NULL;
    o.caldesc = NULL;
    o.refresh_hours = 0;
    struct cal_event_out ev = visit();
    ev.attendees = attendees;
    ev.nattendees = 2;
    char *text = write_one(&o, &ev);
    struct careday_error err = {0};
    int rc = cal_ics_validate(text, &err);
    if (rc != CAL_OK)
        fail_msg("validate: %s\n%s", err.text, text);

    char *flat = unfold(text);
    assert_non_null(strstr(flat, "\r\nMETHOD:REQUEST\r\n"));
    assert_null(strstr(flat, "X-WR-CALNAME"));
    assert_null(strstr(flat, "REFRESH-INTERVAL"));
    assert_non_null(strstr(flat,
                           "\r\nATTENDEE;CN=\"Dr. Maya Lee, MD\";ROLE=REQ-PARTICIPANT;"
                           "PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:maya.lee@clinic.example\r\n"));
    assert_non_null(strstr(flat, "\r\nATTENDEE;CN=Ana Rivera;ROLE=OPT-PARTICIPANT;"
                                 "PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:ana@family.example\r\n"));
    free(flat);

    icalcomponent *root = icalparser_parse_string(text);
    icalcomponent *ve = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
    assert_int_equal(icalcomponent_count_properties(ve, ICAL_ATTENDEE_PROPERTY), 2);
    icalproperty *a = icalcomponent_get_first_property(ve, ICAL_ATTENDEE_PROPERTY);
    icalparameter *cn = icalproperty_get_first_parameter(a, ICAL_CN_PARAMETER);
    assert_string_equal(icalparameter_get_cn(cn), "Dr. Maya Lee, MD");
    icalcomponent_free(root);
    free(text);

    /* A REQUEST without attendees breaks RFC 5546, and validate says so. */
    ev.nattendees = 0;
    text = write_one(&o, &ev);
    assert_int_equal(cal_ics_validate(text, &err), CAL_EPARSE);
    assert_non_null(strstr(err.text, "VEVENT"));
    free(text);
}

static void test_all_day_and_many(void **state)
{
    (void)state;
    struct cal_writer_options o = feed_options();
    cal_writer *w = cal_writer_new(&o);
    assert_non_null(w);

    struct cal_event_out trip;
    memset(&trip, 0, sizeof trip);
    trip.uid = "rivera-trip-2026-12-09@careday.example";
    trip.all_day = true;
    trip.start_day = cal_days_from_civil(2026, 12, 9);
    trip.end_day = trip.start_day + 1;
    trip.summary = "Trip to Children's Specialty Clinic, leave by 07:10, back about 16:30";
    trip.transparent = true;
    trip.alarm_minutes = -1;
    trip.organizer = &organizer;
    assert_int_equal(cal_writer_add(w, &trip), CAL_OK);

    char uids[50][64];
    for (int i = 0; i < 50; i++) {
        struct cal_event_out ev = visit();
        snprintf(uids[i], sizeof uids[i], "visit-%02d@careday.example", i);
        ev.uid = uids[i];
        ev.start = utc(2026, 12, 10, 13, 0) + i * 3600;
        ev.end = ev.start + 1800;
        assert_int_equal(cal_writer_add(w, &ev), CAL_OK);
    }
    /* Bad events are refused and leave the calendar as it was. */
    struct cal_event_out bad = visit();
    bad.end = bad.start;
    assert_int_equal(cal_writer_add(w, &bad), CAL_EINVAL);
    bad = visit();
    bad.uid = NULL;
    assert_int_equal(cal_writer_add(w, &bad), CAL_EINVAL);
    bad = trip;
    bad.end_day = bad.start_day;
    assert_int_equal(cal_writer_add(w, &bad), CAL_EINVAL);

    char *text = NULL;
    assert_int_equal(cal_writer_serialize(w, &text), CAL_OK);
    cal_writer_free(w);
    struct careday_error err = {0};
    int rc = cal_ics_validate(text, &err);
    if (rc != CAL_OK)
        fail_msg("validate: %s", err.text);
    assert_wire_format(text);
    char *flat = unfold(text);
    assert_non_null(strstr(flat, "\r\nDTSTART;VALUE=DATE:20261209\r\n"));
    assert_non_null(strstr(flat, "\r\nDTEND;VALUE=DATE:20261210\r\n"));
    assert_non_null(strstr(flat, "\r\nTRANSP:TRANSPARENT\r\n"));
    free(flat);

    icalcomponent *root = icalparser_parse_string(text);
    assert_int_equal(icalcomponent_count_components(root, ICAL_VEVENT_COMPONENT), 51);
    icalcomponent *ve = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
    assert_true(icalcomponent_get_dtstart(ve).is_date);
    assert_int_equal(icalcomponent_count_components(ve, ICAL_VALARM_COMPONENT), 0);
    int i = 0;
    for (ve = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT); ve != NULL;
         ve = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT), i++) {
        assert_string_equal(icalcomponent_get_uid(ve), uids[i]);
        assert_int_equal(icaltime_as_timet(icalcomponent_get_dtstart(ve)),
                         utc(2026, 12, 10, 13, 0) + i * 3600);
    }
    assert_int_equal(i, 50);
    icalcomponent_free(root);
    free(text);
}

static void test_validate_rejects(void **state)
{
    (void)state;
    struct careday_error err = {0};
    assert_int_equal(cal_ics_validate("this is not a calendar", &err), CAL_EPARSE);

    /* A malformed DTSTART becomes an X-LIC-ERROR, which validate reports. */
    const char *broken = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
                         "METHOD:PUBLISH\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
                         "DTSTAMP:20261120T120000Z\r\nDTSTART:2026-12-09 nonsense\r\n"
                         "ORGANIZER:mailto:a@b.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    memset(&err, 0, sizeof err);
    assert_int_equal(cal_ics_validate(broken, &err), CAL_EPARSE);
    assert_non_null(strstr(err.text, "VEVENT (UID u1)"));

    /* PUBLISH without ORGANIZER breaks RFC 5546. */
    struct cal_writer_options o = feed_options();
    struct cal_event_out ev = visit();
    ev.organizer = NULL;
    char *text = write_one(&o, &ev);
    memset(&err, 0, sizeof err);
    assert_int_equal(cal_ics_validate(text, &err), CAL_EPARSE);
    assert_true(strlen(err.text) > 0);
    free(text);

    assert_int_equal(cal_ics_validate(NULL, &err), CAL_EINVAL);
}

/* A long calendar description with accents, commas and semicolons is
 * folded on UTF-8 boundaries and comes back whole. */
static void test_long_x_property(void **state)
{
    (void)state;
    char desc[600] = "";
    for (int i = 0; i < 12; i++)
        strcat(desc, "Consulta de neurología pediátrica, sala 3; ");
    desc[strlen(desc) - 1] = '\0'; /* libical's parser drops trailing blanks */
    struct cal_writer_options o = feed_options();
    o.caldesc = desc;
    struct cal_event_out ev = visit();
    char *text = write_one(&o, &ev);
    assert_wire_format(text);
    struct careday_error err = {0};
    assert_int_equal(cal_ics_validate(text, &err), CAL_OK);
    icalcomponent *root = icalparser_parse_string(text);
    bool seen = false;
    for (icalproperty *x = icalcomponent_get_first_property(root, ICAL_X_PROPERTY); x;
         x = icalcomponent_get_next_property(root, ICAL_X_PROPERTY)) {
        if (strcmp(icalproperty_get_x_name(x), "X-WR-CALDESC") == 0) {
            assert_string_equal(icalproperty_get_x(x), desc);
            seen = true;
        }
    }
    assert_true(seen);
    icalproperty *d = icalcomponent_get_first_property(root, ICAL_DESCRIPTION_PROPERTY);
    assert_string_equal(icalproperty_get_description(d), desc);
    icalcomponent_free(root);
    free(text);
}

static void test_bad_options(void **state)
{
    (void)state;
    struct cal_writer_options o = feed_options();
    o.method = "SHOUT";
    assert_null(cal_writer_new(&o));
    assert_null(cal_writer_new(NULL));
    cal_writer_free(NULL);
}

static void test_allocation_failure(void **state)
{
    (void)state;
    struct cal_writer_options o = feed_options();
    struct cal_event_out ev = visit();
    ev.attendees = attendees;
    ev.nattendees = 2;
    /* Fail each of this folder's own allocations in turn; nothing leaks and
     * the writer stays usable. */
    for (long n = 0; n < 20; n++) {
        cal_alloc_fail_after(n);
        cal_writer *w = cal_writer_new(&o);
        int rc = w ? cal_writer_add(w, &ev) : CAL_ENOMEM;
        cal_alloc_fail_after(-1);
        assert_true(rc == CAL_OK || rc == CAL_ENOMEM);
        cal_writer_free(w);
    }
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
        cmocka_unit_test(test_feed_round_trip),    cmocka_unit_test(test_request_with_attendees),
        cmocka_unit_test(test_all_day_and_many),   cmocka_unit_test(test_validate_rejects),
        cmocka_unit_test(test_long_x_property),    cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
