/*
 * FHIR adapter: Slots from Bundles and NDJSON, errors that name line and
 * JSON path, offsets, filters by Schedule and actor, weekly availableTime
 * across a DST change, and Appointments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "adapters/adapters.h"
#include "adapters/input/fhir.h"

static cal_time T(const char *s)
{
    cal_time t;
    assert_int_equal(cal_parse_rfc3339(s, &t), 0);
    return t;
}

static struct cal_read_options horizon(const char *from, const char *to)
{
    struct cal_read_options o = {.from = T(from), .to = T(to)};
    return o;
}

static int slots(const char *json, const char *name, const struct fhir_slot_query *q,
                 const struct cal_read_options *opt, struct cal_import *im,
                 struct careday_notes *notes, struct careday_error *err)
{
    return fhir_read_slots_buffer(json, strlen(json), name, q, opt, im, notes, err);
}

static bool has_note(const struct careday_notes *n, const char *path, const char *text)
{
    for (size_t i = 0; i < n->n; i++)
        if ((!path || strcmp(n->v[i].path, path) == 0) && strstr(n->v[i].text, text))
            return true;
    return false;
}

#define SLOT(id, status, start, end, sched)                                                        \
    "{\"resourceType\":\"Slot\",\"id\":\"" id "\",\"status\":\"" status "\",\"start\":\"" start    \
    "\",\"end\":\"" end "\",\"schedule\":{\"reference\":\"" sched "\"}}"

/* ---------------------------------------------------------------------------
 * Slots.
 */

static void test_ndjson_reads_each_line(void **state)
{
    (void)state;
    const char *nd =
        SLOT("a", "free", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z", "Schedule/s") "\n\n" SLOT(
            "b", "busy", "2026-03-02T10:00:00Z", "2026-03-02T10:15:00Z", "Schedule/s") "\r\n";
    struct cal_read_options opt = horizon("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z");
    struct cal_import im = {0};
    struct careday_notes notes = {0};
    assert_int_equal(slots(nd, "slots.ndjson", NULL, &opt, &im, &notes, NULL), 0);
    assert_int_equal(im.nevents, 2);
    assert_false(im.events[0].busy);
    assert_int_equal(im.events[0].line, 1);
    assert_true(im.events[1].busy);
    assert_int_equal(im.events[1].line, 3);
    assert_string_equal(im.events[1].origin, "FHIR Slot b status=busy");
    assert_int_equal(im.available.n, 1);
    assert_int_equal(im.busy.n, 1);
    assert_int_equal(im.busy.iv[0].start, T("2026-03-02T10:00:00Z"));
    assert_int_equal(notes.n, 0);
    cal_import_free(&im);
    careday_notes_free(&notes);
}

static void test_ndjson_bad_line_names_line_3(void **state)
{
    (void)state;
    /* Detected as NDJSON by content (the name does not say so). */
    const char *nd =
        SLOT("a", "free", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z",
             "Schedule/s") "\n" SLOT("b", "free", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z",
                                     "Schedule/s") "\n{\"resourceType\": \"Slot\", "
                                                   "\"status\": \"free\",\n";
    struct cal_read_options opt = horizon("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z");
    struct cal_import im = {0};
    struct careday_error err = {0};
    assert_int_equal(slots(nd, "export.json", NULL, &opt, &im, NULL, &err), CAL_EPARSE);
    assert_string_equal(err.file, "export.json");
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.text, "NDJSON line"));
    /* Nothing is written on failure, not even the good lines. */
    assert_int_equal(im.nevents, 0);
    cal_import_free(&im);
}

static void test_ndjson_slot_error_has_line_and_path(void **state)
{
    (void)state;
    const char *nd = SLOT("a", "free", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z",
                          "Schedule/s") "\n{\"resourceType\":\"Slot\",\"id\":\"b\",\"status\":"
                                        "\"free\",\"start\":\"2026-03-02\",\"end\":\"2026-03-"
                                        "02T10:00:00Z\"}\n";
    struct cal_read_options opt = horizon("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z");
    struct cal_import im = {0};
    struct careday_error err = {0};
    assert_int_equal(slots(nd, "slots.ndjson", NULL, &opt, &im, NULL, &err), CAL_EPARSE);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.path, "start");
    assert_non_null(strstr(err.text, "\"2026-03-02\""));
    assert_non_null(strstr(err.text, "offset"));
    cal_import_free(&im);
}

static void test_bundle_slot_missing_end(void **state)
{
    (void)state;
    const char *b =
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
        "{\"resource\":" SLOT(
            "a", "free", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z",
            "Schedule/s") "},"
                          "{\"resource\":{\"resourceType\":\"Schedule\",\"id\":\"s\"}},"
                          "{\"resource\":" SLOT(
                              "b", "free", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z",
                              "Schedule/s") "},"
                                            "{\"fullUrl\":\"urn:uuid:1\",\"resource\":{"
                                            "\"resourceType\":\"Slot\",\"id\":\"c\","
                                            "\"status\":\"free\",\"start\":\"2026-03-02T11:00:"
                                            "00Z\"}}]}";
    struct cal_read_options opt = horizon("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z");
    struct cal_import im = {0};
    struct careday_error err = {0};
    assert_int_equal(slots(b, "bundle.json", NULL, &opt, &im, NULL, &err), CAL_EPARSE);
    assert_string_equal(err.file, "bundle.json");
    assert_int_equal(err.line, 0);
    assert_string_equal(err.path, "entry[3].resource.end");
    assert_non_null(strstr(err.text, "missing"));
    assert_non_null(strstr(err.text, "expected an instant"));
    assert_int_equal(im.nevents, 0);
    cal_import_free(&im);
}

static void test_json_syntax_error_has_line(void **state)
{
    (void)state;
    const char *b = "{\n  \"resourceType\": \"Bundle\",\n  \"entry\": [\n    {,}\n  ]\n}\n";
    struct cal_read_options opt = horizon("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z");
    struct cal_import im = {0};
    struct careday_error err = {0};
    assert_int_equal(slots(b, "bad.json", NULL, &opt, &im, NULL, &err), CAL_EPARSE);
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.text, "column"));
    cal_import_free(&im);
}

static void test_offsets_plus_one_and_z(void **state)
{
    (void)state;
    const char *b =
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
        "{\"resource\":" SLOT(
            "cet", "free", "2026-01-15T09:00:00+01:00", "2026-01-15T09:30:00.000+01:00",
            "Schedule/s") "},"
                          "{\"resource\":" SLOT(
                              "utc", "free", "2026-01-15T09:00:00Z", "2026-01-15T09:30:00Z",
                              "Schedule/s") "},"
                                            "{\"resource\":" SLOT(
                                                "est", "busy", "2026-01-15T09:00:00-05:00",
                                                "2026-01-15T09:30:00-05:00", "Schedule/s") "}]}";
    struct cal_read_options opt = horizon("2026-01-15T00:00:00Z", "2026-01-16T00:00:00Z");
    struct cal_import im = {0};
    assert_int_equal(slots(b, "tz.json", NULL, &opt, &im, NULL, NULL), 0);
    assert_int_equal(im.nevents, 3);
    assert_int_equal(im.events[0].start, T("2026-01-15T08:00:00Z"));
    assert_int_equal(im.events[0].end, T("2026-01-15T08:30:00Z"));
    assert_int_equal(im.events[1].start, T("2026-01-15T09:00:00Z"));
    assert_int_equal(im.events[2].start, T("2026-01-15T14:00:00Z"));
    assert_int_equal(im.events[2].end, T("2026-01-15T14:30:00Z"));
    /* The two free Slots overlap by nothing: 08:00-08:30 and 09:00-09:30. */
    assert_int_equal(im.available.n, 2);
    cal_import_free(&im);
}

static void test_instant_without_offset_is_rejected(void **state)
{
    (void)state;
    const char *s = SLOT("x", "free", "2026-01-15T09:00:00", "2026-01-15T09:30:00Z", "S/1");
    struct cal_read_options opt = horizon("2026-01-15T00:00:00Z", "2026-01-16T00:00:00Z");
    struct cal_import im = {0};
    struct careday_error err = {0};
    assert_int_equal(slots(s, "x.json", NULL, &opt, &im, NULL, &err), CAL_EPARSE);
    assert_string_equal(err.path, "start");
    cal_import_free(&im);
}

static void test_clipped_to_horizon(void **state)
{
    (void)state;
    const char *b =
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
        "{\"resource\":" SLOT(
            "early", "free", "2026-03-01T23:00:00Z", "2026-03-02T01:00:00Z",
            "Schedule/s") "},"
                          "{\"resource\":" SLOT(
                              "out", "free", "2026-02-27T09:00:00Z", "2026-02-27T10:00:00Z",
                              "Schedule/s") "},"
                                            "{\"resource\":" SLOT(
                                                "late", "busy", "2026-03-07T23:30:00Z",
                                                "2026-03-08T00:30:00Z", "Schedule/s") "}]}";
    struct cal_read_options opt = horizon("2026-03-02T00:00:00Z", "2026-03-08T00:00:00Z");
    struct cal_import im = {0};
    assert_int_equal(slots(b, "h.json", NULL, &opt, &im, NULL, NULL), 0);
    assert_int_equal(im.nevents, 2);
    assert_string_equal(im.events[0].uid, "early");
    assert_int_equal(im.events[0].start, T("2026-03-02T00:00:00Z"));
    assert_int_equal(im.events[0].end, T("2026-03-02T01:00:00Z"));
    assert_string_equal(im.events[1].uid, "late");
    assert_int_equal(im.events[1].start, T("2026-03-07T23:30:00Z"));
    assert_int_equal(im.events[1].end, T("2026-03-08T00:00:00Z"));
    cal_import_free(&im);
}

static void test_entered_in_error_and_unknown_types_warn(void **state)
{
    (void)state;
    const char *b =
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
        "{\"resource\":{\"resourceType\":\"Slot\",\"id\":\"gone\",\"status\":\"entered-in-"
        "error\",\"start\":\"garbage\"}},"
        "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\"}},"
        "{\"resource\":{\"resourceType\":\"Practitioner\",\"id\":\"dr\"}},"
        "{\"search\":{\"mode\":\"outcome\"},\"resource\":{\"resourceType\":\"OperationOutcome\","
        "\"issue\":[{\"severity\":\"warning\",\"code\":\"processing\",\"diagnostics\":"
        "\"_count capped at 100\"}]}},"
        "{\"resource\":" SLOT("ok", "free", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z",
                              "Schedule/s") "}],"
                                            "\"link\":[{\"relation\":\"next\",\"url\":\"https://x/"
                                            "fhir/Slot?page=2\"}]}";
    struct cal_read_options opt = horizon("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z");
    struct cal_import im = {0};
    struct careday_notes notes = {0};
    assert_int_equal(slots(b, "w.json", NULL, &opt, &im, &notes, NULL), 0);
    assert_int_equal(im.nevents, 1);
    assert_string_equal(im.events[0].uid, "ok");
    assert_int_equal(notes.n, 4);
    assert_true(has_note(&notes, "entry[0].resource.status", "Slot gone is entered-in-error"));
    assert_true(has_note(&notes, "entry[1].resource", "Patient p1 carries no Slot"));
    assert_true(has_note(&notes, "entry[3].resource.issue[0]", "_count capped at 100"));
    assert_true(has_note(&notes, "link[0]", "only this page is read"));
    assert_string_equal(notes.v[0].file, "w.json");
    cal_import_free(&im);
    careday_notes_free(&notes);
}

static void test_bad_status_is_an_error(void **state)
{
    (void)state;
    const char *s = SLOT("x", "open", "2026-01-15T09:00:00Z", "2026-01-15T09:30:00Z", "S/1");
    struct cal_read_options opt = horizon("2026-01-15T00:00:00Z", "2026-01-16T00:00:00Z");
    struct cal_import im = {0};
    struct careday_error err = {0};
    assert_int_equal(slots(s, "x.json", NULL, &opt, &im, NULL, &err), CAL_EPARSE);
    assert_string_equal(err.path, "status");
    assert_non_null(strstr(err.text, "\"open\""));
    const char *missing = "{\"resourceType\":\"Slot\",\"start\":\"2026-01-15T09:00:00Z\","
                          "\"end\":\"2026-01-15T09:30:00Z\"}";
    assert_int_equal(slots(missing, "x.json", NULL, &opt, &im, NULL, &err), CAL_EPARSE);
    assert_string_equal(err.path, "status");
    cal_import_free(&im);
}

static void test_summary_from_service_type(void **state)
{
    (void)state;
    const char *s = "{\"resourceType\":\"Slot\",\"id\":\"s1\",\"status\":\"free\","
                    "\"serviceType\":[{\"coding\":[{\"code\":\"57\",\"display\":"
                    "\"Immunization\"}]}],\"start\":\"2026-01-15T09:00:00Z\","
                    "\"end\":\"2026-01-15T09:30:00Z\"}";
    struct cal_read_options opt = horizon("2026-01-15T00:00:00Z", "2026-01-16T00:00:00Z");
    struct cal_import im = {0};
    assert_int_equal(slots(s, "x.json", NULL, &opt, &im, NULL, NULL), 0);
    assert_int_equal(im.nevents, 1);
    assert_string_equal(im.events[0].summary, "Slot s1: Immunization");
    assert_string_equal(im.events[0].origin, "FHIR Slot s1 status=free");
    cal_import_free(&im);
}

static const char *two_schedules =
    "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
    "{\"resource\":" SLOT(
        "a1", "free", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z",
        "Schedule/example") "},"
                            "{\"resource\":" SLOT(
                                "b1", "free", "2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z",
                                "Schedule/myexample") "},"
                                                      "{\"resource\":" SLOT(
                                                          "c1", "free", "2026-03-02T11:00:00Z",
                                                          "2026-03-02T11:30:00Z",
                                                          "https://x/fhir/Schedule/example/"
                                                          "_history/3") "},"
                                                                        "{\"fullUrl\":\"https://x/"
                                                                        "fhir/Schedule/"
                                                                        "example\",\"resource\":{"
                                                                        "\"resourceType\":"
                                                                        "\"Schedule\",\"id\":"
                                                                        "\"example\",\"actor\":[{"
                                                                        "\"reference\":"
                                                                        "\"Practitioner/1\"},"
                                                                        "{\"reference\":\"Location/"
                                                                        "3\"}]}},"
                                                                        "{\"resource\":{"
                                                                        "\"resourceType\":"
                                                                        "\"Schedule\",\"id\":"
                                                                        "\"myexample\",\"actor\":["
                                                                        "{\"reference\":"
                                                                        "\"Practitioner/2\"}]}}]}";

static void test_schedule_filter_matches_whole_segments(void **state)
{
    (void)state;
    struct cal_read_options opt = horizon("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z");
    struct cal_import im = {0};
    struct fhir_slot_query q = {.schedule = "example"};
    assert_int_equal(slots(two_schedules, "s.json", &q, &opt, &im, NULL, NULL), 0);
    assert_int_equal(im.nevents, 2);
    assert_string_equal(im.events[0].uid, "a1");
    assert_string_equal(im.events[1].uid, "c1");
    cal_import_free(&im);

    /* The adapters.h entry point, by file, with the same rule. */
    char path[] = "/tmp/careday-fhir-XXXXXX.json";
    int fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(two_schedules, f);
    fclose(f);
    struct cal_import im2 = {0};
    assert_int_equal(fhir_read_slots_file(path, "Schedule/myexample", &opt, &im2, NULL, NULL), 0);
    assert_int_equal(im2.nevents, 1);
    assert_string_equal(im2.events[0].uid, "b1");
    cal_import_free(&im2);
    remove(path);
}

static void test_actor_filter(void **state)
{
    (void)state;
    struct cal_read_options opt = horizon("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z");
    struct cal_import im = {0};
    struct fhir_slot_query q = {.actor = "Practitioner/2"};
    assert_int_equal(slots(two_schedules, "s.json", &q, &opt, &im, NULL, NULL), 0);
    assert_int_equal(im.nevents, 1);
    assert_string_equal(im.events[0].uid, "b1");
    cal_import_free(&im);

    /* Schedules from another file: Slots alone know only their schedule. */
    const char *only_slots =
        SLOT("a1", "free", "2026-03-02T09:00:00Z", "2026-03-02T09:30:00Z",
             "Schedule/example") "\n" SLOT("z1", "free", "2026-03-02T12:00:00Z",
                                           "2026-03-02T12:30:00Z", "Schedule/unknown") "\n";
    struct fhir_schedules ss = {0};
    struct careday_notes notes = {0};
    assert_int_equal(fhir_read_schedule_actors_buffer(two_schedules, strlen(two_schedules),
                                                      "s.json", &ss, NULL, NULL),
                     0);
    assert_int_equal(ss.n, 2);
    struct fhir_slot_query q2 = {.actor = "Location/3", .schedules = &ss};
    struct cal_import im2 = {0};
    assert_int_equal(slots(only_slots, "slots.ndjson", &q2, &opt, &im2, &notes, NULL), 0);
    assert_int_equal(im2.nevents, 1);
    assert_string_equal(im2.events[0].uid, "a1");
    assert_true(has_note(&notes, NULL, "1 Slots whose Schedule is not in this file"));
    cal_import_free(&im2);
    careday_notes_free(&notes);
    fhir_schedules_free(&ss);
}

static void test_schedule_actors_resolve_urn_uuid(void **state)
{
    (void)state;
    const char *b =
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
        "{\"fullUrl\":\"urn:uuid:s\",\"resource\":{\"resourceType\":\"Schedule\",\"id\":\"s1\","
        "\"active\":false,\"actor\":[{\"reference\":\"urn:uuid:h\",\"display\":\"Clinic\"},"
        "{\"reference\":\"urn:uuid:nowhere\"},{\"display\":\"no reference\"}]}},"
        "{\"fullUrl\":\"urn:uuid:h\",\"resource\":{\"resourceType\":\"HealthcareService\","
        "\"id\":\"hs9\"}}]}";
    struct fhir_schedules ss = {0};
    struct careday_notes notes = {0};
    assert_int_equal(fhir_read_schedule_actors_buffer(b, strlen(b), "b.json", &ss, &notes, NULL),
                     0);
    assert_int_equal(ss.n, 1);
    const struct fhir_schedule *s = &ss.v[0];
    assert_string_equal(s->id, "s1");
    assert_string_equal(s->full_url, "urn:uuid:s");
    assert_false(s->active);
    assert_int_equal(s->nactors, 2);
    assert_int_equal(s->actors[0].kind, FHIR_ACTOR_HEALTHCARE_SERVICE);
    assert_string_equal(s->actors[0].reference, "urn:uuid:h");
    assert_string_equal(s->actors[0].resolved, "HealthcareService/hs9");
    assert_string_equal(s->actors[0].display, "Clinic");
    assert_int_equal(s->actors[1].kind, FHIR_ACTOR_OTHER);
    assert_true(has_note(&notes, "entry[0].resource.actor[2]", "without a reference"));
    assert_true(fhir_schedule_has_actor(s, "HealthcareService/hs9"));
    assert_true(fhir_schedule_has_actor(s, "https://x/fhir/HealthcareService/hs9"));
    assert_false(fhir_schedule_has_actor(s, "HealthcareService/hs"));
    assert_true(fhir_schedule_is(s, "urn:uuid:s"));
    assert_true(fhir_schedule_is(s, "Schedule/s1"));
    assert_false(fhir_schedule_is(s, "Schedule/s"));
    fhir_schedules_free(&ss);
    careday_notes_free(&notes);
}

static void test_missing_file_is_io_error(void **state)
{
    (void)state;
    struct cal_read_options opt = horizon("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z");
    struct cal_import im = {0};
    struct careday_error err = {0};
    assert_int_equal(fhir_read_slots_file("/nonexistent/slots.json", NULL, &opt, &im, NULL, &err),
                     CAL_EIO);
    assert_string_equal(err.file, "/nonexistent/slots.json");
    cal_import_free(&im);
}

/* ---------------------------------------------------------------------------
 * availableTime.
 */

static void test_available_time_across_dst_new_york(void **state)
{
    (void)state;
    /* DST starts in New York on Sunday 2026-03-08 at 02:00 (EST -05:00 -> EDT -04:00). */
    const char *role =
        "{\"resourceType\":\"PractitionerRole\",\"id\":\"neuro\",\"practitioner\":"
        "{\"reference\":\"Practitioner/lee\"},\"availableTime\":["
        "{\"daysOfWeek\":[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"],\"availableStartTime\":"
        "\"09:00:00\",\"availableEndTime\":\"17:00:00\"},"
        "{\"daysOfWeek\":[\"sun\"],\"allDay\":true}],"
        "\"notAvailable\":[{\"description\":\"CME\",\"during\":{\"start\":\"2026-03-10\","
        "\"end\":\"2026-03-10\"}}]}";
    cal_tz *tz;
    assert_int_equal(cal_tz_open("America/New_York", &tz, NULL), 0);
    struct cal_set av = {0}, busy = {0};
    struct careday_notes notes = {0};
    assert_int_equal(
        fhir_read_available_time_buffer(role, strlen(role), "role.json", "Practitioner/lee", tz,
                                        T("2026-03-06T00:00:00-05:00"),
                                        T("2026-03-11T00:00:00-04:00"), &av, &busy, &notes, NULL),
        0);
    assert_int_equal(notes.n, 0);
    /* Fri 6 (EST), Sun 8 all day (23 hours), Mon 9 and Tue 10 (EDT). */
    assert_int_equal(av.n, 4);
    assert_int_equal(av.iv[0].start, T("2026-03-06T14:00:00Z"));
    assert_int_equal(av.iv[0].end, T("2026-03-06T22:00:00Z"));
    assert_int_equal(av.iv[1].start, T("2026-03-08T05:00:00Z"));
    assert_int_equal(av.iv[1].end, T("2026-03-09T04:00:00Z"));
    assert_int_equal(av.iv[1].end - av.iv[1].start, 23 * 3600);
    assert_int_equal(av.iv[2].start, T("2026-03-09T13:00:00Z"));
    assert_int_equal(av.iv[2].end, T("2026-03-09T21:00:00Z"));
    assert_int_equal(av.iv[3].start, T("2026-03-10T13:00:00Z"));
    /* The CME day, a date Period, is busy for the whole local day. */
    assert_int_equal(busy.n, 1);
    assert_int_equal(busy.iv[0].start, T("2026-03-10T04:00:00Z"));
    assert_int_equal(busy.iv[0].end, T("2026-03-11T00:00:00-04:00"));

    /* Someone else: nothing, with a note; sets untouched. */
    careday_notes_free(&notes);
    assert_int_equal(
        fhir_read_available_time_buffer(role, strlen(role), "role.json", "Practitioner/other", tz,
                                        T("2026-03-06T00:00:00-05:00"),
                                        T("2026-03-11T00:00:00-04:00"), &av, &busy, &notes, NULL),
        0);
    assert_int_equal(av.n, 4);
    assert_true(has_note(&notes, NULL, "nothing in this file is Practitioner/other"));
    cal_set_free(&av);
    cal_set_free(&busy);
    careday_notes_free(&notes);
    cal_tz_free(tz);
}

static void test_available_time_errors_and_partial_dates(void **state)
{
    (void)state;
    cal_tz *tz;
    assert_int_equal(cal_tz_open("America/New_York", &tz, NULL), 0);
    struct cal_set av = {0}, busy = {0};
    struct careday_error err = {0};
    const char *bad_day = "{\"resourceType\":\"HealthcareService\",\"id\":\"h\","
                          "\"availableTime\":[{\"daysOfWeek\":[\"mon\",\"Tuesday\"]}]}";
    assert_int_equal(fhir_read_available_time_buffer(
                         bad_day, strlen(bad_day), "h.json", NULL, tz, T("2026-03-01T00:00:00Z"),
                         T("2026-04-01T00:00:00Z"), &av, &busy, NULL, &err),
                     CAL_EPARSE);
    assert_string_equal(err.path, "availableTime[0].daysOfWeek[1]");
    const char *bad_time = "{\"resourceType\":\"HealthcareService\",\"id\":\"h\","
                           "\"availableTime\":[{\"availableStartTime\":\"9am\"}]}";
    assert_int_equal(fhir_read_available_time_buffer(
                         bad_time, strlen(bad_time), "h.json", NULL, tz, T("2026-03-01T00:00:00Z"),
                         T("2026-04-01T00:00:00Z"), &av, &busy, NULL, &err),
                     CAL_EPARSE);
    assert_string_equal(err.path, "availableTime[0].availableStartTime");
    /* A month Period covers the whole month: all of March 2026 in New York. */
    const char *month = "{\"resourceType\":\"HealthcareService\",\"id\":\"h\","
                        "\"notAvailable\":[{\"during\":{\"start\":\"2026-03\",\"end\":"
                        "\"2026-03\"}}]}";
    assert_int_equal(fhir_read_available_time_buffer(
                         month, strlen(month), "h.json", NULL, tz, T("2026-01-01T00:00:00Z"),
                         T("2027-01-01T00:00:00Z"), &av, &busy, NULL, NULL),
                     0);
    assert_int_equal(av.n, 0);
    assert_int_equal(busy.n, 1);
    assert_int_equal(busy.iv[0].start, T("2026-03-01T00:00:00-05:00"));
    assert_int_equal(busy.iv[0].end, T("2026-04-01T00:00:00-04:00"));
    cal_set_free(&av);
    cal_set_free(&busy);
    cal_tz_free(tz);
}

/* ---------------------------------------------------------------------------
 * Appointments.
 */

static void test_appointments(void **state)
{
    (void)state;
    const char *b =
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
        "{\"resource\":{\"resourceType\":\"Appointment\",\"id\":\"a1\",\"status\":\"booked\","
        "\"start\":\"2026-12-09T10:00:00-05:00\",\"minutesDuration\":30,"
        "\"participant\":[{\"actor\":{\"reference\":\"Patient/ana\"},\"status\":\"accepted\"},"
        "{\"actor\":{\"reference\":\"Practitioner/ortho\"},\"status\":\"accepted\"},"
        "{\"actor\":{\"reference\":\"Practitioner/fellow\"},\"status\":\"declined\"}],"
        "\"slot\":[{\"reference\":\"Slot/9\"}]}},"
        "{\"resource\":{\"resourceType\":\"Appointment\",\"id\":\"a2\",\"status\":"
        "\"cancelled\"}},"
        "{\"resource\":{\"resourceType\":\"Appointment\",\"id\":\"a3\",\"status\":\"noshow\","
        "\"start\":\"2026-12-10T10:00:00Z\",\"end\":\"2026-12-10T11:00:00Z\"}},"
        "{\"resource\":{\"resourceType\":\"Appointment\",\"id\":\"a4\",\"status\":\"pending\","
        "\"start\":\"2026-12-11T15:00:00Z\",\"end\":\"2026-12-11T15:20:00Z\"}},"
        "{\"resource\":{\"resourceType\":\"Appointment\",\"id\":\"a5\",\"status\":\"fulfilled\","
        "\"start\":\"2025-01-01T15:00:00Z\",\"end\":\"2025-01-01T15:20:00Z\"}},"
        "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"ana\"}}]}";
    struct fhir_appointments ap = {0};
    struct careday_notes notes = {0};
    assert_int_equal(fhir_read_appointments_buffer(b, strlen(b), "a.json",
                                                   T("2026-12-01T00:00:00Z"),
                                                   T("2027-01-01T00:00:00Z"), &ap, &notes, NULL),
                     0);
    assert_int_equal(ap.n, 2);
    assert_string_equal(ap.v[0].id, "a1");
    assert_string_equal(ap.v[0].status, "booked");
    assert_int_equal(ap.v[0].start, T("2026-12-09T15:00:00Z"));
    assert_int_equal(ap.v[0].end, T("2026-12-09T15:30:00Z"));
    assert_int_equal(ap.v[0].minutes, 30);
    assert_string_equal(ap.v[0].participant_refs, "Patient/ana Practitioner/ortho");
    assert_string_equal(ap.v[0].slot_refs, "Slot/9");
    assert_string_equal(ap.v[1].id, "a4");
    assert_string_equal(ap.v[1].status, "pending");
    assert_int_equal(ap.v[1].minutes, 20);
    assert_string_equal(ap.v[1].participant_refs, "");
    assert_int_equal(notes.n, 2);
    assert_true(has_note(&notes, "entry[1].resource", "Appointment a2 is cancelled"));
    assert_true(has_note(&notes, "entry[2].resource", "Appointment a3 is noshow"));

    /* A booked Appointment needs a time. */
    const char *no_start = "{\"resourceType\":\"Appointment\",\"id\":\"x\",\"status\":"
                           "\"booked\"}";
    struct careday_error err = {0};
    assert_int_equal(fhir_read_appointments_buffer(no_start, strlen(no_start), "x.json",
                                                   T("2026-12-01T00:00:00Z"),
                                                   T("2027-01-01T00:00:00Z"), &ap, NULL, &err),
                     CAL_EPARSE);
    assert_string_equal(err.path, "start");
    assert_int_equal(ap.n, 2);
    fhir_appointments_free(&ap);
    careday_notes_free(&notes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ndjson_reads_each_line),
        cmocka_unit_test(test_ndjson_bad_line_names_line_3),
        cmocka_unit_test(test_ndjson_slot_error_has_line_and_path),
        cmocka_unit_test(test_bundle_slot_missing_end),
        cmocka_unit_test(test_json_syntax_error_has_line),
        cmocka_unit_test(test_offsets_plus_one_and_z),
        cmocka_unit_test(test_instant_without_offset_is_rejected),
        cmocka_unit_test(test_clipped_to_horizon),
        cmocka_unit_test(test_entered_in_error_and_unknown_types_warn),
        cmocka_unit_test(test_bad_status_is_an_error),
        cmocka_unit_test(test_summary_from_service_type),
        cmocka_unit_test(test_schedule_filter_matches_whole_segments),
        cmocka_unit_test(test_actor_filter),
        cmocka_unit_test(test_schedule_actors_resolve_urn_uuid),
        cmocka_unit_test(test_missing_file_is_io_error),
        cmocka_unit_test(test_available_time_across_dst_new_york),
        cmocka_unit_test(test_available_time_errors_and_partial_dates),
        cmocka_unit_test(test_appointments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
