/*
 * Time zones: names (IANA, Windows, Outlook display names, vendor aliases)
 * resolved to libical builtin zones built from the system tzdata, and
 * conversions between UTC and local wall clock.
 *
 * Offsets come from icaltimezone_get_utc_offset_of_utc_time, which is
 * unambiguous and fast (about 0.1 us a call, measured). Local to UTC is done
 * here rather than with icaltime_as_timet_with_zone, because libical reads a
 * wall time skipped by a DST change with the offset after the change (02:30
 * on 2026-03-08 in New York becomes 06:30Z, before the gap), and the contract
 * wants it read with the offset before the change (07:30Z, after the gap).
 */
#include "calendars/calendars_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/ucal.h>
#include <unicode/ustring.h>

void cal_ical_init(void)
{
    icalerror_set_errors_are_fatal(0);
}

void cal_global_init(void)
{
    cal_ical_init();
}

/* ---------------------------------------------------------------------------
 * Name resolution.
 */

/* Names that mean UTC itself. */
static const char *const utc_names[] = {
    "UTC",     "Z",        "GMT",       "UCT",       "Zulu",          "Universal",
    "Etc/UTC", "Etc/GMT",  "Etc/UCT",   "Etc/Zulu",  "Etc/Universal", "Etc/Greenwich",
    "GMT0",    "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "Greenwich",     "Coordinated Universal Time",
};

/* Outlook display names without their "(UTC+hh:mm) " prefix, and vendor
 * names that CLDR's Windows table does not know (WebEx, Zoom, Teams). */
static const struct {
    const char *alias, *iana;
} aliases[] = {
    {"Eastern Time", "America/New_York"},
    {"Eastern Time (US & Canada)", "America/New_York"},
    {"US Eastern", "America/New_York"},
    {"Central Time", "America/Chicago"},
    {"Central Time (US & Canada)", "America/Chicago"},
    {"US Central", "America/Chicago"},
    {"Mountain Time", "America/Denver"},
    {"Mountain Time (US & Canada)", "America/Denver"},
    {"US Mountain", "America/Denver"},
    {"Pacific Time", "America/Los_Angeles"},
    {"Pacific Time (US & Canada)", "America/Los_Angeles"},
    {"US Pacific", "America/Los_Angeles"},
    {"Pacific Time (US & Canada); Tijuana", "America/Los_Angeles"},
    {"Arizona", "America/Phoenix"},
    {"Alaska", "America/Anchorage"},
    {"Hawaii", "Pacific/Honolulu"},
    {"Indiana (East)", "America/Indiana/Indianapolis"},
    {"Atlantic Time (Canada)", "America/Halifax"},
    {"Newfoundland", "America/St_Johns"},
    {"Saskatchewan", "America/Regina"},
    {"Central America", "America/Guatemala"},
    {"Guadalajara, Mexico City, Monterrey", "America/Mexico_City"},
    {"Bogota, Lima, Quito, Rio Branco", "America/Bogota"},
    {"Bogota, Lima, Quito", "America/Bogota"},
    {"Georgetown, La Paz, Manaus, San Juan", "America/La_Paz"},
    {"Brasilia", "America/Sao_Paulo"},
    {"Brasília", "America/Sao_Paulo"},
    {"City of Buenos Aires", "America/Argentina/Buenos_Aires"},
    {"Buenos Aires, Georgetown", "America/Argentina/Buenos_Aires"},
    {"Coordinated Universal Time", "UTC"},
    {"Dublin, Edinburgh, Lisbon, London", "Europe/London"},
    {"Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London", "Europe/London"},
    {"Monrovia, Reykjavik", "Atlantic/Reykjavik"},
    {"Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin"},
    {"Belgrade, Bratislava, Budapest, Ljubljana, Prague", "Europe/Budapest"},
    {"Brussels, Copenhagen, Madrid, Paris", "Europe/Paris"},
    {"Sarajevo, Skopje, Warsaw, Zagreb", "Europe/Warsaw"},
    {"West Central Africa", "Africa/Lagos"},
    {"Athens, Bucharest", "Europe/Bucharest"},
    {"Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius", "Europe/Helsinki"},
    {"Harare, Pretoria", "Africa/Johannesburg"},
    {"Moscow, St. Petersburg", "Europe/Moscow"},
    {"Moscow, St. Petersburg, Volgograd", "Europe/Moscow"},
    {"Abu Dhabi, Muscat", "Asia/Dubai"},
    {"Chennai, Kolkata, Mumbai, New Delhi", "Asia/Kolkata"},
    {"Beijing, Chongqing, Hong Kong, Urumqi", "Asia/Shanghai"},
    {"Kuala Lumpur, Singapore", "Asia/Singapore"},
    {"Bangkok, Hanoi, Jakarta", "Asia/Bangkok"},
    {"Osaka, Sapporo, Tokyo", "Asia/Tokyo"},
    {"Canberra, Melbourne, Sydney", "Australia/Sydney"},
    {"Auckland, Wellington", "Pacific/Auckland"},
};

static bool is_utc_name(const char *s)
{
    for (size_t i = 0; i < sizeof utc_names / sizeof *utc_names; i++)
        if (strcasecmp(s, utc_names[i]) == 0)
            return true;
    return false;
}

static int put(char *iana, size_t size, const char *name)
{
    if (strlen(name) >= size)
        return CAL_EINVAL;
    memcpy(iana, name, strlen(name) + 1);
    return CAL_OK;
}

/* libical turns a location into a file path under the zoneinfo directory, so
 * only plain zone-name characters may reach it. */
static bool looks_like_iana(const char *s)
{
    if (s[0] == '\0' || s[0] == '/' || strstr(s, "..") != NULL || strlen(s) > 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && strchr("/_+-", *p) == NULL)
            return false;
    return true;
}

/* The builtin zone for an IANA name, or NULL; never sets icalerrno. */
static icaltimezone *builtin(const char *name)
{
    if (!looks_like_iana(name))
        return NULL;
    icalerrorenum saved = icalerrno;
    icaltimezone *z = icaltimezone_get_builtin_timezone(name);
    icalerrno = saved;
    return z;
}

/* An IANA name (or a UTC alias) as is. */
static int try_iana(const char *s, char *iana, size_t size)
{
    if (is_utc_name(s))
        return put(iana, size, "UTC");
    if (builtin(s) != NULL)
        return put(iana, size, s);
    return CAL_ETZ;
}

static int try_windows(const char *s, char *iana, size_t size)
{
    UChar win[128], id[128];
    UErrorCode st = U_ZERO_ERROR;
    int32_t wlen = 0;
    u_strFromUTF8(win, (int32_t)(sizeof win / sizeof *win), &wlen, s, -1, &st);
    if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
        return CAL_ETZ;
    int32_t n =
        ucal_getTimeZoneIDForWindowsID(win, wlen, NULL, id, (int32_t)(sizeof id / sizeof *id), &st);
    if (U_FAILURE(st) || n <= 0 || n >= (int32_t)(sizeof id / sizeof *id))
        return CAL_ETZ;
    char out[128];
    u_strToUTF8(out, (int32_t)sizeof out, NULL, id, n, &st);
    if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
        return CAL_ETZ;
    return try_iana(out, iana, size);
}

static int try_alias(const char *s, char *iana, size_t size)
{
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (strcasecmp(s, aliases[i].alias) == 0)
            return try_iana(aliases[i].iana, iana, size);
    return CAL_ETZ;
}

/* A city from an Outlook list ("Amsterdam", "Mexico City") as the last part
 * of a builtin zone's location ("Europe/Amsterdam", "America/Mexico_City"). */
static int try_city(const char *city, size_t len, char *iana, size_t size)
{
    char want[64];
    if (len == 0 || len >= sizeof want)
        return CAL_ETZ;
    for (size_t i = 0; i < len; i++)
        want[i] = city[i] == ' ' ? '_' : city[i];
    want[len] = '\0';
    icalarray *zones = icaltimezone_get_builtin_timezones();
    for (size_t i = 0; zones != NULL && i < zones->num_elements; i++) {
        icaltimezone *z = icalarray_element_at(zones, i);
        const char *loc = icaltimezone_get_location(z);
        if (loc == NULL)
            continue;
        const char *last = strrchr(loc, '/');
        last = last ? last + 1 : loc;
        if (strcasecmp(last, want) == 0)
            return put(iana, size, loc);
    }
    return CAL_ETZ;
}

/* "(UTC-03:00) Brasília", "(GMT+01:00) Amsterdam, Berlin", "(UTC) Dublin":
 * returns the text after the prefix, or NULL when there is no prefix. */
static const char *after_offset_prefix(const char *s)
{
    if (s[0] != '(' || (strncasecmp(s + 1, "UTC", 3) != 0 && strncasecmp(s + 1, "GMT", 3) != 0))
        return NULL;
    const char *close = strchr(s, ')');
    if (close == NULL)
        return NULL;
    for (const char *p = s + 4; p < close; p++)
        if (!isdigit((unsigned char)*p) && *p != '+' && *p != '-' && *p != ':' && *p != '.')
            return NULL;
    close++;
    while (*close == ' ')
        close++;
    return close;
}

static int try_display_name(const char *rest, char *iana, size_t size)
{
    if (*rest == '\0')
        return CAL_ETZ;
    if (try_alias(rest, iana, size) == CAL_OK || try_windows(rest, iana, size) == CAL_OK ||
        try_iana(rest, iana, size) == CAL_OK)
        return CAL_OK;
    /* Each city of the list in turn. */
    const char *p = rest;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *end = p;
        while (*end && *end != ',')
            end++;
        size_t len = (size_t)(end - p);
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (try_city(p, len, iana, size) == CAL_OK)
            return CAL_OK;
        p = end;
    }
    return CAL_ETZ;
}

int cal_tz_resolve_name(const char *name, char *iana, size_t size)
{
    if (name == NULL || iana == NULL || size == 0)
        return CAL_EINVAL;

    /* Trim blanks and one pair of surrounding quotes. */
    char buf[256];
    while (isspace((unsigned char)*name))
        name++;
    size_t len = strlen(name);
    while (len > 0 && isspace((unsigned char)name[len - 1]))
        len--;
    if (len >= 2 && name[0] == '"' && name[len - 1] == '"') {
        name++;
        len -= 2;
    }
    if (len == 0 || len >= sizeof buf)
        return CAL_ETZ;
    memcpy(buf, name, len);
    buf[len] = '\0';

    cal_ical_init();
    char found[128];
    int rc = try_iana(buf, found, sizeof found);
    if (rc != CAL_OK)
        rc = try_windows(buf, found, sizeof found);
    if (rc != CAL_OK)
        rc = try_alias(buf, found, sizeof found);
    if (rc != CAL_OK) {
        const char *rest = after_offset_prefix(buf);
        if (rest != NULL)
            rc = try_display_name(rest, found, sizeof found);
    }
    if (rc != CAL_OK && buf[0] == '/') {
        /* libical and Mozilla style: "/freeassociation.sourceforge.net/Tzfile/Europe/Berlin",
         * "/mozilla.org/20050126_1/America/New_York". Try each tail. */
        for (const char *p = strchr(buf + 1, '/'); p != NULL && rc != CAL_OK;
             p = strchr(p + 1, '/'))
            rc = try_iana(p + 1, found, sizeof found);
    }
    if (rc != CAL_OK)
        return CAL_ETZ;
    return put(iana, size, found);
}

/* ---------------------------------------------------------------------------
 * Zones.
 */

int cal_tz_open(const char *name, cal_tz **out, struct careday_error *err)
{
    if (name == NULL || out == NULL)
        return careday_fail(err, CAL_EINVAL, NULL, 0, NULL, "no time zone name given");
    char iana[128];
    int rc = cal_tz_resolve_name(name, iana, sizeof iana);
    if (rc != CAL_OK)
        return careday_fail(err, CAL_ETZ, NULL, 0, NULL,
                            "unknown time zone \"%.200s\": expected an IANA name such as "
                            "\"America/New_York\" or a Windows name such as "
                            "\"Eastern Standard Time\"",
                            name);

    icaltimezone *zone = strcmp(iana, "UTC") == 0 ? icaltimezone_get_utc_timezone() : builtin(iana);
    if (zone == NULL)
        return careday_fail(err, CAL_ETZ, NULL, 0, NULL,
                            "time zone \"%s\" has no data on this system (is tzdata installed?)",
                            iana);

    cal_tz *tz = cal_calloc(1, sizeof *tz);
    char *dup = cal_strdup(iana);
    if (tz == NULL || dup == NULL) {
        free(tz);
        free(dup);
        return careday_fail(err, CAL_ENOMEM, NULL, 0, NULL, "out of memory opening time zone");
    }
    tz->name = dup;
    tz->zone = zone;
    tz->is_utc = zone == icaltimezone_get_utc_timezone();
    *out = tz;
    return CAL_OK;
}

void cal_tz_free(cal_tz *tz)
{
    if (tz == NULL)
        return;
    free(tz->name);
    free(tz);
}

const char *cal_tz_name(const cal_tz *tz)
{
    return tz ? tz->name : NULL;
}

icaltimezone *cal_tz_ical(const cal_tz *tz)
{
    return tz ? tz->zone : NULL;
}

/* t as a libical UTC date-time, built without time_t (libical 3.0.16
 * mishandles instants before 1970). */
struct icaltimetype cal_ical_utc(cal_time t)
{
    struct icaltimetype tt = icaltime_null_time();
    int32_t days = (int32_t)cal_floor_div(t, CAL_SECONDS_PER_DAY);
    int sod = (int)cal_floor_mod(t, CAL_SECONDS_PER_DAY);
    struct cal_date d = cal_civil_from_days(days);
    tt.year = d.year;
    tt.month = d.month;
    tt.day = d.day;
    tt.hour = sod / 3600;
    tt.minute = sod / 60 % 60;
    tt.second = sod % 60;
    tt.is_date = 0;
    tt.zone = icaltimezone_get_utc_timezone();
    return tt;
}

int cal_tz_offset(const cal_tz *tz, cal_time t)
{
    if (tz == NULL || tz->is_utc)
        return 0;
    struct icaltimetype tt = cal_ical_utc(t);
    int is_daylight = 0;
    return icaltimezone_get_utc_offset_of_utc_time(tz->zone, &tt, &is_daylight);
}

cal_time cal_tz_local_to_utc(const cal_tz *tz, int32_t day, int minute)
{
    cal_time local = (cal_time)day * CAL_SECONDS_PER_DAY + (cal_time)minute * 60;
    if (tz == NULL || tz->is_utc)
        return local;

    /* Offsets in force a day before and a day after: the only candidates,
     * since zones change offset at most once around any wall time. */
    int before = cal_tz_offset(tz, local - CAL_SECONDS_PER_DAY);
    int after = cal_tz_offset(tz, local + CAL_SECONDS_PER_DAY);
    cal_time u_before = local - before;
    if (before == after)
        return u_before;
    cal_time u_after = local - after;
    bool ok_before = cal_tz_offset(tz, u_before) == before;
    bool ok_after = cal_tz_offset(tz, u_after) == after;
    if (ok_before && ok_after) /* repeated wall time: the first occurrence */
        return u_before < u_after ? u_before : u_after;
    if (ok_after)
        return u_after;
    /* Valid only before the change, or skipped (then read with the offset
     * before the change, which lands after the gap). */
    return u_before;
}

void cal_tz_to_local(const cal_tz *tz, cal_time t, int32_t *day, int *minute)
{
    cal_time local = t + cal_tz_offset(tz, t);
    if (day != NULL)
        *day = (int32_t)cal_floor_div(local, CAL_SECONDS_PER_DAY);
    if (minute != NULL)
        *minute = (int)(cal_floor_mod(local, CAL_SECONDS_PER_DAY) / 60);
}

void cal_format_local(const cal_tz *tz, cal_time t, char *buf, size_t size)
{
    int32_t day;
    int minute;
    char date[16];
    cal_tz_to_local(tz, t, &day, &minute);
    cal_format_date(day, date, sizeof date);
    snprintf(buf, size, "%s %02d:%02d", date, minute / 60 % 100, minute % 60);
}
