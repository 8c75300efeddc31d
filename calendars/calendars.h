/*
 * calendars: time and calendars, nothing about health care.
 *
 * UTC instants, half-open intervals, interval sets, civil dates, time zones
 * (IANA names and the Windows names seen in Outlook/Exchange exports), reading
 * iCalendar into interval sets over a horizon, and writing events to
 * iCalendar. This is the only folder that includes libical; no libical type
 * appears here.
 *
 * Conventions: functions return 0 on success or a negative CAL_E* code, and
 * fill an optional struct careday_error on failure. Outputs are written only
 * on success. Ownership is stated on each function.
 */
#ifndef CAREDAY_CALENDARS_H
#define CAREDAY_CALENDARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "calendars/careday_error.h"

/* Open path for reading only if it is a regular file. It is opened without
 * blocking first, so a named pipe, a device or a socket is refused at once
 * instead of hanging the read; a folder is refused too. what names the file
 * in the message ("the case file", "a calendar"). On success *out is a
 * stream the caller closes with fclose; on failure CAL_EIO and err says
 * what the path is and what was expected. */
int cal_open_regular(const char *path, const char *what, FILE **out, struct careday_error *err);

/* Read a whole regular file (see cal_open_regular) of at most max bytes.
 * *data is NUL-terminated (also after the last byte read), caller frees;
 * *len excludes the NUL. */
int cal_read_regular(const char *path, const char *what, size_t max, char **data, size_t *len,
                     struct careday_error *err);

/* A sentence saying why text that must be UTF-8 is not (UTF-16 with or
 * without a byte-order mark, NUL bytes), or NULL. Static storage. */
const char *cal_text_encoding_problem(const char *data, size_t len);

/* Process-wide set-up of the calendar library (libical: errors are never
 * fatal); main calls it once. The readers and writers make sure of it too,
 * so a program that uses this folder alone (a test) needs no set-up. */
void cal_global_init(void);

/* Error codes of this module: -1 .. -19 of careday's one code space
 * (careday_error.h). */
enum {
    CAL_OK = 0,
    CAL_ENOMEM = -1, /* out of memory */
    CAL_EINVAL = -2, /* bad argument or malformed value */
    CAL_EIO = -3,    /* file could not be read */
    CAL_EPARSE = -4, /* not iCalendar, or a component we cannot use */
    CAL_ETZ = -5,    /* unknown time zone */
    CAL_ELIMIT = -6, /* an expansion limit was hit (reported as a warning) */
};
const char *cal_strerror(int code);

/* ---------------------------------------------------------------------------
 * Instants, intervals and interval sets.
 */

/* Seconds since 1970-01-01T00:00:00Z. */
typedef int64_t cal_time;

/* Half-open [start, end). */
struct cal_interval {
    cal_time start, end;
};

/* A set of instants kept as sorted, disjoint, non-adjacent intervals.
 * Zero-initialised means empty. Owns iv; free with cal_set_free. */
struct cal_set {
    struct cal_interval *iv;
    size_t n, cap;
};

void cal_set_free(struct cal_set *s);
void cal_set_clear(struct cal_set *s);
/* Add [start, end) (union). Empty or inverted intervals are ignored. */
int cal_set_add(struct cal_set *s, cal_time start, cal_time end);
int cal_set_copy(struct cal_set *dst, const struct cal_set *src);
/* out = a ∪ b, a ∩ b, a \ b. out may not alias a or b; previous content of out
 * is replaced. */
int cal_set_union(struct cal_set *out, const struct cal_set *a, const struct cal_set *b);
int cal_set_intersect(struct cal_set *out, const struct cal_set *a, const struct cal_set *b);
int cal_set_subtract(struct cal_set *out, const struct cal_set *a, const struct cal_set *b);
/* In-place versions: s = s ∪ o, s = s \ o, s = s ∩ o. */
int cal_set_add_set(struct cal_set *s, const struct cal_set *o);
int cal_set_remove_set(struct cal_set *s, const struct cal_set *o);
int cal_set_keep_set(struct cal_set *s, const struct cal_set *o);
/* True when [start, end) lies inside one interval of s. */
bool cal_set_covers(const struct cal_set *s, cal_time start, cal_time end);
/* True when [start, end) shares any instant with s. */
bool cal_set_overlaps(const struct cal_set *s, cal_time start, cal_time end);
/* Total seconds in s. */
int64_t cal_set_measure(const struct cal_set *s);

/* ---------------------------------------------------------------------------
 * Civil dates (proleptic Gregorian), as day numbers since 1970-01-01.
 */

struct cal_date {
    int year, month, day; /* month 1-12, day 1-31 */
};

int32_t cal_days_from_civil(int year, int month, int day);
struct cal_date cal_civil_from_days(int32_t days);
/* 0 = Monday ... 6 = Sunday. */
int cal_weekday(int32_t days);
/* "YYYY-MM-DD" (exactly) to a day number; CAL_EINVAL if malformed or impossible. */
int cal_parse_date(const char *s, int32_t *days);
/* "HH:MM" (00:00-24:00) to minutes after midnight. */
int cal_parse_hhmm(const char *s, int *minutes);
/* RFC 3339 "YYYY-MM-DDTHH:MM[:SS][.frac](Z|±HH:MM)" to an instant. */
int cal_parse_rfc3339(const char *s, cal_time *t);
/* Writes "YYYY-MM-DD" (buf >= 11). */
void cal_format_date(int32_t days, char *buf, size_t size);
/* Writes "YYYY-MM-DDTHH:MM:SS±HH:MM" for t shown at the given UTC offset
 * (seconds east), or "...Z" when offset is 0 and utc_z is true (buf >= 26). */
void cal_format_rfc3339(cal_time t, int offset_seconds, bool utc_z, char *buf, size_t size);

/* ---------------------------------------------------------------------------
 * Time zones.
 */

typedef struct cal_tz cal_tz;

/* Open a zone by IANA name ("America/New_York", "UTC") or Windows name
 * ("Eastern Standard Time", "(UTC-03:00) Brasília"). CAL_ETZ when unknown.
 * Caller frees with cal_tz_free. */
int cal_tz_open(const char *name, cal_tz **out, struct careday_error *err);
void cal_tz_free(cal_tz *tz);
/* The IANA name (borrowed, valid while tz lives). */
const char *cal_tz_name(const cal_tz *tz);
/* Offset from UTC in seconds east at instant t. */
int cal_tz_offset(const cal_tz *tz, cal_time t);
/* Local wall clock (day number, minute of day 0..1439) to UTC. A wall time
 * skipped by a DST change is read with the offset before the change (so it
 * lands after the gap); a repeated wall time takes its first occurrence. */
cal_time cal_tz_local_to_utc(const cal_tz *tz, int32_t day, int minute);
/* UTC to local wall clock. */
void cal_tz_to_local(const cal_tz *tz, cal_time t, int32_t *day, int *minute);
/* Writes "YYYY-MM-DD HH:MM", instant t in zone tz, as messages show it (buf >= 17). */
void cal_format_local(const cal_tz *tz, cal_time t, char *buf, size_t size);

/* ---------------------------------------------------------------------------
 * Reading iCalendar.
 */

/* What an event means when the calendar does not say (VFREEBUSY FBTYPE and
 * VAVAILABILITY always say). */
enum cal_meaning {
    CAL_MEANING_BUSY = 0,
    CAL_MEANING_AVAILABLE = 1,
};

/* One interval careday understood, for `careday calendar expand`. */
struct cal_event {
    cal_time start, end;
    bool busy;     /* true: busy time; false: available time */
    bool all_day;  /* from a DATE-valued event */
    char *summary; /* owned, may be NULL */
    char *uid;     /* owned, may be NULL */
    char *origin;  /* owned: where it came from, e.g. "VEVENT RRULE:FREQ=WEEKLY;BYDAY=MO",
                      "VEVENT RECURRENCE-ID (moved)", "VFREEBUSY FBTYPE=BUSY",
                      "VAVAILABILITY/AVAILABLE" */
    int line;      /* line of the component's BEGIN in the file, 0 if unknown */
};

struct cal_read_options {
    cal_time from, to;         /* horizon: only instants in [from, to) matter */
    const cal_tz *floating_tz; /* zone for floating times and all-day dates (required) */
    enum cal_meaning meaning;  /* meaning of plain VEVENTs */
    size_t max_instances;      /* per recurring component; 0 means the default 10000 */
};

/* The result of reading one calendar source. Zero-initialise; free with
 * cal_import_free. busy and available are the final sets (RFC 7953
 * availability calculus applied, cancelled and transparent events left out
 * of busy); events lists every interval with its origin. */
struct cal_import {
    struct cal_event *events;
    size_t nevents, cap;
    struct cal_set busy;
    struct cal_set available;
};

/* Read an iCalendar file (path) or buffer (name is used in messages).
 * Problems that lose nothing (unknown TZID read in floating_tz, expansion
 * limit) go to warn; an unusable file fails with CAL_EPARSE/CAL_EIO and err
 * names the file and line. */
int cal_ics_read_file(const char *path, const struct cal_read_options *opt, struct cal_import *out,
                      struct careday_notes *warn, struct careday_error *err);
int cal_ics_read_buffer(const char *data, size_t len, const char *name,
                        const struct cal_read_options *opt, struct cal_import *out,
                        struct careday_notes *warn, struct careday_error *err);
void cal_import_free(struct cal_import *im);
/* Append an interval to an import (used by other readers, e.g. FHIR). Copies
 * the strings. Also adds it to busy or available. */
int cal_import_add(struct cal_import *im, cal_time start, cal_time end, bool busy,
                   const char *summary, const char *uid, const char *origin, int line);

/* One calendar object resource of a calendar file: every component with one
 * UID, with the file's time zones, as its own VCALENDAR (no METHOD). */
struct cal_ics_object {
    char *uid;  /* owned */
    char *text; /* owned: the VCALENDAR text */
};

/* Split a calendar (name used in messages) into one object per UID, in the
 * order UIDs first appear. Free with cal_ics_objects_free. CAL_EPARSE when
 * it is not a VCALENDAR or a component has no UID. */
int cal_ics_split(const char *data, size_t len, const char *name, struct cal_ics_object **out,
                  size_t *n, struct careday_error *err);
void cal_ics_objects_free(struct cal_ics_object *v, size_t n);

/* ---------------------------------------------------------------------------
 * Writing iCalendar.
 */

typedef struct cal_writer cal_writer;

struct cal_attendee {
    const char *name;  /* CN, may be NULL */
    const char *email; /* mailto: address without the scheme */
    const char *role;  /* "REQ-PARTICIPANT", "CHAIR", ... may be NULL */
};

/* STATUS of an event written (CONFIRMED unless said otherwise). */
enum cal_event_status {
    CAL_STATUS_CONFIRMED = 0,
    CAL_STATUS_TENTATIVE,
    CAL_STATUS_CANCELLED,
};

/* One event to write. Strings are borrowed for the call. */

struct cal_event_out {
    enum cal_event_status status;
    const char *uid;
    int sequence;
    cal_time start, end; /* written as UTC DTSTART/DTEND */
    bool all_day;        /* write VALUE=DATE days [start_day, end_day) instead */
    int32_t start_day, end_day;
    const char *summary;
    const char *description; /* may be NULL */
    const char *location;    /* may be NULL */
    const char *url;         /* may be NULL */
    const char *conference;  /* may be NULL: CONFERENCE;VALUE=URI;FEATURE=VIDEO */
    double lat, lon;         /* GEO when has_geo */
    bool has_geo;
    bool transparent;  /* TRANSP:TRANSPARENT */
    int alarm_minutes; /* one VALARM DISPLAY this many minutes before; < 0 none */
    const char *alarm_text;
    const char *categories;               /* may be NULL */
    const struct cal_attendee *organizer; /* may be NULL */
    const struct cal_attendee *attendees;
    size_t nattendees;
};

struct cal_writer_options {
    const char *method;  /* "PUBLISH" or "REQUEST" */
    const char *prodid;  /* "-//careday//careday 0.1//EN" */
    const char *calname; /* X-WR-CALNAME and NAME, may be NULL */
    const char *caldesc; /* X-WR-CALDESC and DESCRIPTION, may be NULL */
    int refresh_hours;   /* REFRESH-INTERVAL and X-PUBLISHED-TTL; 0 for none */
    cal_time dtstamp;    /* DTSTAMP of every event (injectable clock) */
};

/* Create a writer; caller frees with cal_writer_free. */
cal_writer *cal_writer_new(const struct cal_writer_options *opt);
void cal_writer_free(cal_writer *w);
int cal_writer_add(cal_writer *w, const struct cal_event_out *ev);
/* Serialise; *text is malloc'd, caller frees. */
int cal_writer_serialize(const cal_writer *w, char **text);

/* Parse text back and check it: no X-LIC-ERROR property and libical's
 * restriction check for its METHOD passes. 0 if clean; otherwise CAL_EPARSE
 * with the first problem in err. Used by tests and by `careday check`. */
int cal_ics_validate(const char *text, struct careday_error *err);

#endif
