/* Private to adapters/output/: pieces of the calendar writers shared between
 * out_ics.c (the files, the providers' events), out_ics_family.c
 * (family.ics's events) and the files that hold them (ics_ids.c: UIDs and
 * file names; ics_details.c: what an event says about a place, a visit, a
 * trip, and what a provider may see). */
#ifndef CAREDAY_OUT_ICS_INTERNAL_H
#define CAREDAY_OUT_ICS_INTERNAL_H

#include "adapters/output/i18n.h"
#include "calendars/calendars.h"
#include "scheduler/scheduler.h"

#include <stddef.h>
#include <stdint.h>

/* Append s to buf (size, *len), every byte outside [A-Za-z0-9_-] as %XX. */
void ics_add_encoded(char *buf, size_t size, size_t *len, const char *s);
void ics_add_raw(char *buf, size_t size, size_t *len, const char *s);
/* An id as a piece of a UID or file name: ics_add_encoded, or when that is
 * longer than 100 characters its start, "~" and 16 hex digits of a digest
 * of the whole id (long ids never collide, file names stay short). */
void ics_add_id(char *buf, size_t size, size_t *len, const char *s);
/* "<kind>.<YYYY-MM-DD>.<case>@careday" ("trip", "night", "leave"). */
void ics_day_uid(const struct sched_case *c, const char *kind, int32_t day, char *buf, size_t size);
/* A provider feed's UID: visit, a digest of the case id, and kind. */
void ics_provider_uid(const struct sched_case *c, const char *visit_id, const char *kind,
                      const char *key_hex, char *buf, size_t size);

/* The first appointment of its trip at its place (arrive-by applies). */
bool ics_first_at_place(const struct sched_plan *plan, size_t index);
/* The place's desk phone, else the provider's; NULL when neither. */
const char *ics_phone_of(const struct sched_case *c, const struct sched_appt *a);
/* DESCRIPTION lines: how to find the place, whom to call; what to prepare. */
void ics_place_lines(struct cal_buf *desc, const struct sched_case *c, const i18n_catalog *cat,
                     const struct sched_appt *a);
void ics_prepare_line(struct cal_buf *desc, const i18n_catalog *cat, const struct sched_visit *v);
/* Whether every appointment of trip t is booked. */
bool ics_trip_booked(const struct sched_plan *plan, size_t t);
/* What a provider's calendar says a visit is for (its own purpose only). */
const char *ics_provider_what(const struct sched_case *c, const struct sched_visit *v);

/* The LOCATION of a place: its name, with its address when it has one. */
void ics_place_text(const struct sched_case *c, int place, const i18n_catalog *cat,
                    struct cal_buf *b);
/* The LOCATION of appointment a in its mode: the place in person, the video
 * link (or that one will come) for telehealth, the message home_key at home
 * (each calendar says home its own way). */
void ics_location_text(const struct sched_case *c, const struct sched_appt *a, const char *link,
                       const i18n_catalog *cat, const char *home_key, const struct i18n_arg *args,
                       size_t nargs, struct cal_buf *b);

#define OUT_PRODID "-//careday//careday 0.1//EN"
#define OUT_ORGANIZER_NAME "careday"
#define OUT_ORGANIZER_EMAIL "noreply@careday.invalid"
#define OUT_PATH_MAX 4096

/* Add ev to the calendar unless one of its n texts ran out of memory (one
 * check for every event builder); the texts are freed either way. */
int ics_add_event(cal_writer *w, const struct cal_event_out *ev, struct cal_buf *const *texts,
                  size_t n);
/* Serialise the calendar into the file path (replaced whole, atomically). */
int ics_serialize_to(const cal_writer *w, const char *path, struct careday_error *err);
/* The end of building the calendar of path: built, the code of adding its
 * events, as a failure naming the file and what it is ("calendar",
 * "invitation"), else ics_serialize_to. */
int ics_finish(const cal_writer *w, int built, const char *what, const char *path,
               struct careday_error *err);

struct out_withdrawn;
/* OUT/family.ics in dir: the plan's appointments (seq: their SEQUENCE),
 * trip notes, departures, nights, and the cancelled events of gone. */
int ics_write_family(const char *dir, const struct sched_case *c, const struct sched_plan *plan,
                     const i18n_catalog *cat, const int *seq, const struct out_withdrawn *gone,
                     cal_time now, struct careday_error *err);

#endif
