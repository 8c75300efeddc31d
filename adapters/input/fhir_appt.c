/*
 * FHIR R4 Appointments: existing bookings read as fixed appointments.
 */
#include "adapters/input/fhir_doc.h"
#include "calendars/util.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Appointments.
 */

static void appointment_free(struct fhir_appointment *a)
{
    free(a->id);
    free(a->status);
    free(a->participant_refs);
    free(a->slot_refs);
    free(a->description);
}

void fhir_appointments_free(struct fhir_appointments *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++)
        appointment_free(&a->v[i]);
    free(a->v);
    memset(a, 0, sizeof *a);
}

/* The "reference" strings of the Reference objects in array key (found
 * inside member sub of each element when sub is not NULL), joined by
 * spaces into a malloc'd string. Elements whose status is "declined" are
 * left out. */
static int join_refs(const struct doc *d, const struct item *it, const char *key, const char *sub,
                     char **out)
{
    char ep[FHIR_PATH_MAX];
    json_t *list;
    size_t i, used = 0, cap = 1;
    json_t *e;
    int rc = fdoc_get_array(d, it->line, it->res, it->path, key, &list);
    if (rc)
        return rc;
    json_array_foreach(list, i, e)
    {
        const char *ref = NULL, *status = NULL;
        adapt_jp_key_index(ep, sizeof ep, it->path, key, i);
        if (!json_is_object(e))
            return fdoc_fail(d, it->line, ep, "expected an object");
        if (sub) {
            if ((rc = fdoc_get_reference(d, it->line, e, ep, sub, &ref)) ||
                (rc = fdoc_get_string(d, it->line, e, ep, "status", &status)))
                return rc;
        } else if ((rc = fdoc_get_string(d, it->line, e, ep, "reference", &ref))) {
            return rc;
        }
        if (ref && !(status && strcmp(status, "declined") == 0))
            cap += strlen(ref) + 1;
    }
    char *s = cal_malloc(cap);
    if (!s)
        return careday_fail(d->err, CAL_ENOMEM, d->name, it->line, NULL, "out of memory");
    s[0] = '\0';
    json_array_foreach(list, i, e)
    {
        json_t *r = sub ? json_object_get(e, sub) : e;
        const char *ref = json_string_value(json_object_get(r, "reference"));
        const char *status = json_string_value(json_object_get(e, "status"));
        if (!ref || (sub && status && strcmp(status, "declined") == 0))
            continue;
        size_t n = strlen(ref);
        if (used)
            s[used++] = ' ';
        memcpy(s + used, ref, n);
        used += n;
        s[used] = '\0';
    }
    *out = s;
    return 0;
}

static int appointment_read(const struct doc *d, const struct item *it, cal_time from, cal_time to,
                            struct fhir_appointments *out)
{
    static const char *const keep[] = {"booked", "arrived", "checked-in", "fulfilled", NULL};
    static const char *const tentative[] = {"pending", "proposed", NULL};
    static const char *const drop[] = {"cancelled", "noshow", "entered-in-error", "waitlist", NULL};
    char p[FHIR_PATH_MAX];
    const char *status, *description, *id = it->id ? it->id : "(no id)";
    cal_time start = 0, end = 0;
    bool has_start, has_end;
    long long minutes = 0;
    int rc;

    if ((rc = fdoc_get_string(d, it->line, it->res, it->path, "status", &status)))
        return rc;
    if (!status || !(fdoc_in_list(status, keep) || fdoc_in_list(status, tentative) ||
                     fdoc_in_list(status, drop)))
        return fdoc_fail(
            d, it->line, adapt_jp_key(p, sizeof p, it->path, "status"),
            "expected proposed, pending, booked, arrived, fulfilled, cancelled, noshow, "
            "entered-in-error, checked-in or waitlist%s%s%s",
            status ? ", not \"" : " (it is missing)", status ? status : "", status ? "\"" : "");
    if (fdoc_in_list(status, drop)) {
        fdoc_note(d, it->line, it->path, "ignored: Appointment %s is %s", id, status);
        return 0;
    }
    if ((rc = fdoc_get_instant(d, it, "start", "", &start, &has_start)) ||
        (rc = fdoc_get_instant(d, it, "end", "", &end, &has_end)))
        return rc;
    json_t *md = json_object_get(it->res, "minutesDuration");
    if (md) {
        if (!json_is_integer(md) || json_integer_value(md) <= 0 || json_integer_value(md) > 100000)
            return fdoc_fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "minutesDuration"),
                             "expected a positive whole number of minutes");
        minutes = json_integer_value(md);
    }
    if (!has_start) {
        if (fdoc_in_list(status, tentative)) {
            fdoc_note(
                d, it->line, it->path, "ignored: %s Appointment %s has no start yet%s", status, id,
                json_object_get(it->res, "requestedPeriod") ? " (only a requestedPeriod)" : "");
            return 0;
        }
        return fdoc_fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "start"),
                         "missing: expected an instant (a %s Appointment has a start)", status);
    }
    if (!has_end) {
        if (!minutes)
            return fdoc_fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "end"),
                             "missing: expected an instant, or minutesDuration");
        end = start + minutes * 60;
    }
    if (end <= start)
        return fdoc_fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "end"),
                         "expected an instant after start");
    if (end - start > FHIR_MAX_APPOINTMENT_SECONDS)
        return fdoc_fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "end"),
                         "expected an instant less than a year after start");
    if (!minutes)
        minutes = (end - start) / 60;
    if (end <= from || start >= to)
        return 0;
    if ((rc = fdoc_get_string(d, it->line, it->res, it->path, "description", &description)))
        return rc;

    struct fhir_appointment a = {
        .start = start, .end = end, .minutes = (int)minutes, .line = it->line};
    if ((rc = join_refs(d, it, "participant", "actor", &a.participant_refs)) ||
        (rc = join_refs(d, it, "slot", NULL, &a.slot_refs)))
        goto fail;
    a.id = cal_strdup(it->id ? it->id : "");
    a.status = cal_strdup(status);
    a.description = description ? cal_strdup(description) : NULL;
    if (!a.id || !a.status || (description && !a.description) ||
        cal_grow(&out->v, &out->cap, out->n + 1, sizeof *out->v)) {
        rc = careday_fail(d->err, CAL_ENOMEM, d->name, it->line, NULL, "out of memory");
        goto fail;
    }
    out->v[out->n++] = a;
    return 0;
fail:
    appointment_free(&a);
    return rc;
}

int fhir_read_appointments_buffer(const char *data, size_t len, const char *name, cal_time from,
                                  cal_time to, struct fhir_appointments *out,
                                  struct careday_notes *warn, struct careday_error *err)
{
    static const char *const context[] = {"Patient",
                                          "Practitioner",
                                          "PractitionerRole",
                                          "RelatedPerson",
                                          "Location",
                                          "Device",
                                          "HealthcareService",
                                          "Organization",
                                          "Slot",
                                          "Schedule",
                                          "Endpoint",
                                          "ServiceRequest",
                                          "Encounter",
                                          NULL};
    struct doc d = {.name = name ? name : "(buffer)", .warn = warn, .err = err};
    struct fhir_appointments tmp = {0};
    size_t seen = 0, skipped = 0;
    int rc;

    if (from >= to)
        return careday_fail(err, CAL_EINVAL, d.name, 0, NULL,
                            "the horizon is empty (from must be before to)");
    if ((rc = fdoc_doc_load(&d, data, len)))
        goto out;
    for (size_t i = 0; i < d.n; i++) {
        const struct item *it = &d.items[i];
        if (strcmp(it->type, "Appointment") == 0) {
            seen++;
            if ((rc = appointment_read(&d, it, from, to, &tmp)))
                goto out;
        } else if (strcmp(it->type, "OperationOutcome") == 0) {
            fdoc_note_outcome(&d, it);
        } else if (strcmp(it->type, "AppointmentResponse") == 0) {
            const char *appt = NULL;
            json_t *r = json_object_get(it->res, "appointment");
            if (json_is_object(r))
                appt = json_string_value(json_object_get(r, "reference"));
            fdoc_note(
                &d, it->line, it->path,
                "ignored: AppointmentResponse %s is a participant's reply to %s, not a booking",
                it->id ? it->id : "(no id)", appt ? appt : "an Appointment");
            skipped++;
        } else if (!fdoc_in_list(it->type, context)) {
            fdoc_note(&d, it->line, it->path, "ignored: %s%s%s is not an Appointment", it->type,
                      it->id ? " " : "", it->id ? it->id : "");
            skipped++;
        }
    }
    if (seen == 0 && skipped == 0) {
        char types[200];
        fdoc_doc_types(&d, types, sizeof types);
        fdoc_note(&d, 0, NULL, "ignored: no Appointment in this file (it holds %s)", types);
    }
    if (cal_grow(&out->v, &out->cap, out->n + tmp.n, sizeof *out->v)) {
        rc = careday_fail(err, CAL_ENOMEM, d.name, 0, NULL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < tmp.n; i++)
        out->v[out->n++] = tmp.v[i];
    free(tmp.v);
    tmp = (struct fhir_appointments){0};
out:
    fhir_appointments_free(&tmp);
    fdoc_doc_free(&d);
    return rc;
}

int fhir_read_appointments(const char *path, cal_time from, cal_time to,
                           struct fhir_appointments *out, struct careday_notes *warn,
                           struct careday_error *err)
{
    char *data;
    size_t len;
    int rc = fdoc_read_file(path, &data, &len, err);
    if (rc)
        return rc;
    rc = fhir_read_appointments_buffer(data, len, path, from, to, out, warn, err);
    free(data);
    return rc;
}
