/*
 * fhir: FHIR R4 scheduling resources read from files (a Bundle of any type,
 * one bare resource, or NDJSON with one resource per line).
 *
 * Slots become busy and available intervals (fhir_read_slots_file in
 * adapters.h and the variants below), Schedules tell which provider a Slot
 * belongs to, HealthcareService / PractitionerRole availableTime and
 * notAvailable become weekly templates, and Appointments become existing
 * bookings. No jansson type appears here.
 *
 * Conventions, as in calendars.h: functions return 0 or a negative CAL_E*
 * code (CAL_EIO: unreadable file, CAL_EPARSE: not JSON or not the FHIR shape
 * expected, CAL_ENOMEM), fill the optional err on failure with the file, the
 * line (JSON syntax errors, NDJSON lines) and the JSON path of the offending
 * element ("entry[3].resource.start"), and write their outputs only on
 * success. Anything skipped without losing meaning (a Slot marked
 * entered-in-error, a cancelled Appointment, a resource type that carries
 * nothing for the reader) is reported in warn, which may be NULL.
 *
 * References. Two references match when they are equal, or when one ends
 * with "/" or ":" followed by the other (a "/_history/n" tail is dropped
 * first), so "Schedule/example" matches "http://x/fhir/Schedule/example" and
 * "example" matches "Schedule/example", but "example" does not match
 * "Schedule/myexample". Inside one Bundle a urn:uuid (or absolute) reference
 * is also resolved through the entries' fullUrl to "Type/id" of the entry it
 * names, and either form may match.
 */
#ifndef CAREDAY_FHIR_H
#define CAREDAY_FHIR_H

#include <stdbool.h>
#include <stddef.h>

#include "calendars/calendars.h"

/* ---------------------------------------------------------------------------
 * Schedules and their actors.
 */

enum fhir_actor_kind {
    FHIR_ACTOR_OTHER = 0, /* Device, Patient, RelatedPerson, unresolved urn:uuid, ... */
    FHIR_ACTOR_PRACTITIONER,
    FHIR_ACTOR_PRACTITIONER_ROLE,
    FHIR_ACTOR_HEALTHCARE_SERVICE,
    FHIR_ACTOR_LOCATION,
};

struct fhir_actor {
    enum fhir_actor_kind kind;
    char *reference; /* owned: as written, e.g. "Location/1" or "urn:uuid:7dfe..." */
    char *resolved;  /* owned: "Type/id" when a urn:uuid or absolute reference named an
                        entry of the same Bundle, else a copy of reference */
    char *display;   /* owned, may be NULL */
};

struct fhir_schedule {
    char *id;       /* owned: Schedule.id, "" when absent */
    char *full_url; /* owned: the Bundle entry's fullUrl, may be NULL */
    bool active;    /* Schedule.active; true when absent */
    struct fhir_actor *actors;
    size_t nactors;
    int line; /* NDJSON line, 0 otherwise */
};

/* Zero-initialise; free with fhir_schedules_free. */
struct fhir_schedules {
    struct fhir_schedule *v;
    size_t n, cap;
};

/* Read every Schedule in a file or buffer (name is used in messages) and
 * append it to out. Other resource types are passed over silently; a file
 * without any Schedule gives a warning. */
int fhir_read_schedule_actors(const char *path, struct fhir_schedules *out,
                              struct careday_notes *warn, struct careday_error *err);
int fhir_read_schedule_actors_buffer(const char *data, size_t len, const char *name,
                                     struct fhir_schedules *out, struct careday_notes *warn,
                                     struct careday_error *err);
void fhir_schedules_free(struct fhir_schedules *s);

/* True when schedule s lists an actor matching actor ("Practitioner/1"),
 * compared with both its reference and its resolved form. */
bool fhir_schedule_has_actor(const struct fhir_schedule *s, const char *actor);

/* True when references a and b match in the sense above. */
bool fhir_ref_match(const char *a, const char *b);

/* True when the Slot.schedule reference ref names schedule s (its fullUrl,
 * or "Schedule/<id>" in the matching sense above). */
bool fhir_schedule_is(const struct fhir_schedule *s, const char *ref);

/* ---------------------------------------------------------------------------
 * Slots.
 */

/* Which Slots to keep. All fields may be NULL; a zero query keeps all. */
struct fhir_slot_query {
    const char *schedule;                   /* keep Slots whose schedule reference matches this */
    const char *actor;                      /* keep Slots whose Schedule lists this actor
                                               ("Practitioner/1"); the Schedule must be in the same
                                               file or in schedules */
    const struct fhir_schedules *schedules; /* borrowed: Schedules read from another
                                               file, consulted for actor */
    size_t *matched; /* optional out: on success, the number of Slots that passed
                        schedule and actor, inside the horizon or not */
};

/* Like fhir_read_slots_file (adapters.h) with a full query, from a file or a
 * buffer. Each Slot kept adds one interval, clipped to [opt->from, opt->to),
 * to out through cal_import_add: free is available; busy, busy-unavailable
 * and busy-tentative are busy; entered-in-error is skipped with a warning.
 * Summary "Slot <id>" (": <serviceType>" when given), uid the Slot id,
 * origin "FHIR Slot <id> status=<status>". A Slot without status, start or
 * end, or with a start or end that is not an instant with an offset, fails
 * the whole read. opt->floating_tz and opt->meaning are not used. */
int fhir_read_slots(const char *path, const struct fhir_slot_query *q,
                    const struct cal_read_options *opt, struct cal_import *out,
                    struct careday_notes *warn, struct careday_error *err);
int fhir_read_slots_buffer(const char *data, size_t len, const char *name,
                           const struct fhir_slot_query *q, const struct cal_read_options *opt,
                           struct cal_import *out, struct careday_notes *warn,
                           struct careday_error *err);

/* ---------------------------------------------------------------------------
 * Weekly availability: HealthcareService and PractitionerRole availableTime
 * and notAvailable, Location hoursOfOperation.
 *
 * availableTime entries are weekly templates in local time of tz (the file
 * carries no zone): daysOfWeek mon..sun (absent: every day), allDay, or
 * availableStartTime..availableEndTime (a missing start is midnight, a
 * missing end the end of the day). Each local day in the horizon gives one
 * interval, converted with cal_tz_local_to_utc so that a DST change moves
 * the UTC times. An entry whose end is not after its start is skipped with
 * a warning (no overnight guessing). notAvailable.during periods are busy;
 * dates and partial dates cover their whole local day, month or year, and an
 * end date is inclusive, as FHIR Period says. A PractitionerRole's
 * availability is limited to its period; a resource with active false gives
 * none (with a warning).
 *
 * who, when not NULL, picks resources: their own "Type/id" reference, or for
 * a PractitionerRole its practitioner reference. The intervals found, clipped
 * to [from, to), are added (union) to *available and *busy. The caller
 * decides whether busy is subtracted from available.
 */
int fhir_read_available_time(const char *path, const char *who, const cal_tz *tz, cal_time from,
                             cal_time to, struct cal_set *available, struct cal_set *busy,
                             struct careday_notes *warn, struct careday_error *err);
/* Like fhir_read_available_time; on success *nmatched (optional) is the
 * number of HealthcareService, PractitionerRole and Location resources that
 * answered to who (all of them when who is NULL). */
int fhir_read_available_time_counted(const char *path, const char *who, const cal_tz *tz,
                                     cal_time from, cal_time to, struct cal_set *available,
                                     struct cal_set *busy, size_t *nmatched,
                                     struct careday_notes *warn, struct careday_error *err);
int fhir_read_available_time_buffer(const char *data, size_t len, const char *name, const char *who,
                                    const cal_tz *tz, cal_time from, cal_time to,
                                    struct cal_set *available, struct cal_set *busy,
                                    struct careday_notes *warn, struct careday_error *err);

/* ---------------------------------------------------------------------------
 * Appointments already booked.
 */

struct fhir_appointment {
    char *id;               /* owned: Appointment.id, "" when absent */
    char *status;           /* owned: booked, arrived, checked-in, fulfilled, pending or proposed */
    cal_time start, end;    /* as booked, not clipped to the horizon */
    int minutes;            /* minutesDuration, else (end - start) in whole minutes */
    char *participant_refs; /* owned: actor references of participants that did not
                               decline, separated by one space; "" when none */
    char *slot_refs;        /* owned: Slot references separated by one space; "" if none */
    char *description;      /* owned, may be NULL */
    int line;               /* NDJSON line, 0 otherwise */
};

/* Zero-initialise; free with fhir_appointments_free. */
struct fhir_appointments {
    struct fhir_appointment *v;
    size_t n, cap;
};

/* Append the Appointments that overlap [from, to) to out, in file order.
 * booked, arrived, checked-in and fulfilled are kept; pending and proposed
 * are kept when they have a start (their status tells the caller they are
 * not confirmed) and skipped with a warning otherwise; cancelled, noshow,
 * entered-in-error and waitlist are skipped with a warning. A missing end is
 * start + minutesDuration. AppointmentResponse and other resource types
 * that are not included context (Patient, Practitioner, Location, Slot, ...)
 * are skipped with a warning. */
int fhir_read_appointments(const char *path, cal_time from, cal_time to,
                           struct fhir_appointments *out, struct careday_notes *warn,
                           struct careday_error *err);
int fhir_read_appointments_buffer(const char *data, size_t len, const char *name, cal_time from,
                                  cal_time to, struct fhir_appointments *out,
                                  struct careday_notes *warn, struct careday_error *err);
void fhir_appointments_free(struct fhir_appointments *a);

#endif
