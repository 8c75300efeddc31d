/*
 * libFuzzer target for the FHIR adapter: the input is one file, read by
 * every FHIR reader (Slots with and without filters, as JSON and as NDJSON,
 * Schedules, availableTime, Appointments). Whatever the input, a reader
 * either succeeds or fails with a message; the checks below hold for both.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/adapters.h"
#include "adapters/input/fhir.h"

/* Opened once for the whole run: opening a zone is slow and has no state
 * that one input could leave for the next. */
static cal_tz *new_york;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (cal_tz_open("America/New_York", &new_york, NULL) != 0)
        abort();
    return 0;
}

static void check_error(int rc, const struct careday_error *err)
{
    /* A failure always says what went wrong. */
    if (rc != 0 && err->text[0] == '\0')
        abort();
}

static void slots(const char *data, size_t size, const char *name, const struct fhir_slot_query *q)
{
    /* 2020-01-01 .. 2030-01-01 */
    struct cal_read_options opt = {.from = 1577836800, .to = 1893456000};
    struct cal_import im = {0};
    struct careday_notes notes = {0};
    struct careday_error err = {0};
    int rc = fhir_read_slots_buffer(data, size, name, q, &opt, &im, &notes, &err);
    check_error(rc, &err);
    for (size_t i = 0; i < im.nevents; i++) {
        const struct cal_event *e = &im.events[i];
        if (e->start < opt.from || e->end > opt.to || e->start >= e->end || !e->origin)
            abort();
    }
    if (rc != 0 && im.nevents != 0)
        abort(); /* outputs are written only on success */
    cal_import_free(&im);
    careday_notes_free(&notes);
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    const char *data = (const char *)bytes;
    struct careday_error err = {0};

    slots(data, size, "fuzz.json", NULL);
    slots(data, size, "fuzz.ndjson", NULL);
    struct fhir_slot_query by_schedule = {.schedule = "Schedule/example"};
    slots(data, size, "fuzz.json", &by_schedule);

    struct fhir_schedules ss = {0};
    int rc = fhir_read_schedule_actors_buffer(data, size, "fuzz.json", &ss, NULL, &err);
    check_error(rc, &err);
    struct fhir_slot_query by_actor = {.actor = "Practitioner/1", .schedules = &ss};
    slots(data, size, "fuzz.json", &by_actor);
    fhir_schedules_free(&ss);

    struct cal_set av = {0}, busy = {0};
    memset(&err, 0, sizeof err);
    rc = fhir_read_available_time_buffer(data, size, "fuzz.json", NULL, new_york, 1767225600,
                                         1772323200, &av, &busy, NULL, &err);
    check_error(rc, &err);
    for (size_t i = 0; i < av.n; i++)
        if (av.iv[i].start < 1767225600 || av.iv[i].end > 1772323200)
            abort();
    cal_set_free(&av);
    cal_set_free(&busy);

    struct fhir_appointments ap = {0};
    memset(&err, 0, sizeof err);
    rc = fhir_read_appointments_buffer(data, size, "fuzz.json", 0, 4102444800, &ap, NULL, &err);
    check_error(rc, &err);
    for (size_t i = 0; i < ap.n; i++)
        if (ap.v[i].start >= ap.v[i].end || !ap.v[i].id || !ap.v[i].participant_refs)
            abort();
    fhir_appointments_free(&ap);
    return 0;
}
