/*
 * calendars: private declarations shared by the files of this folder.
 *
 * This header may name libical types; it must never be included from outside
 * calendars/ (tests of this folder excepted).
 */
#ifndef CAREDAY_CALENDARS_INTERNAL_H
#define CAREDAY_CALENDARS_INTERNAL_H

#include "calendars/calendars.h"
#include "calendars/util.h"

#include <libical/ical.h>

/* Allocation (cal_malloc ...) is declared in util.h. */

/* ---------------------------------------------------------------------------
 * Arithmetic on instants.
 */

/* Floor division and its non-negative remainder (b > 0). */
static inline int64_t cal_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static inline int64_t cal_floor_mod(int64_t a, int64_t b)
{
    return a - cal_floor_div(a, b) * b;
}

#define CAL_SECONDS_PER_DAY 86400

/* ---------------------------------------------------------------------------
 * Time zones.
 */

struct cal_tz {
    char *name;         /* IANA name ("UTC" for UTC), owned */
    icaltimezone *zone; /* libical builtin zone or the UTC zone; owned by libical */
    bool is_utc;        /* zone is libical's UTC zone: offsets are always 0 */
};

/* The libical zone of tz (borrowed, owned by libical). */
icaltimezone *cal_tz_ical(const cal_tz *tz);

/* Map a zone name to an IANA name: an IANA name is returned as is, a Windows
 * name ("W. Europe Standard Time") through ICU's CLDR table, an Outlook
 * display name ("(UTC+01:00) Amsterdam, Berlin, ...") and vendor aliases
 * ("Eastern Time") through a small table, libical-style prefixed TZIDs
 * ("/freeassociation.sourceforge.net/Europe/Berlin") by their tail. Writes the
 * name into iana; returns 0, CAL_ETZ when unknown, CAL_EINVAL when iana is too
 * small. */
int cal_tz_resolve_name(const char *name, char *iana, size_t size);

/* t as a libical UTC date-time, built without time_t (libical 3.0.16
 * mishandles instants before 1970). */
struct icaltimetype cal_ical_utc(cal_time t);

/* Call once before using libical in this folder (idempotent): makes libical
 * errors non-fatal. */
void cal_ical_init(void);

#endif
