/*
 * Civil dates (proleptic Gregorian) and the text forms of dates, times of day
 * and RFC 3339 instants.
 *
 * Day arithmetic follows Howard Hinnant's days_from_civil/civil_from_days,
 * valid over the whole int32_t day range used here.
 */
#include "calendars/calendars_internal.h"

#include <stdio.h>

int32_t cal_days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = cal_floor_div(y, 400);
    int64_t yoe = y - era * 400;                         /* [0, 399] */
    int64_t mp = (month + 9) % 12;                       /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + day - 1;          /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */
    return (int32_t)(era * 146097 + doe - 719468);
}

struct cal_date cal_civil_from_days(int32_t days)
{
    int64_t z = (int64_t)days + 719468;
    int64_t era = cal_floor_div(z, 146097);
    int64_t doe = z - era * 146097; /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                      /* [0, 11] */
    struct cal_date d;
    d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.year = (int)(yoe + era * 400 + (d.month <= 2));
    return d;
}

int cal_weekday(int32_t days)
{
    /* 1970-01-01 was a Thursday (3 with Monday = 0). */
    return (int)cal_floor_mod((int64_t)days + 3, 7);
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Read exactly n decimal digits at s into *v. */
static bool digits(const char *s, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

/* "YYYY-MM-DD" at s (not necessarily terminated there). */
static bool read_date(const char *s, int32_t *days)
{
    int y, m, d;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return false;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return false;
    *days = cal_days_from_civil(y, m, d);
    return true;
}

int cal_parse_date(const char *s, int32_t *days)
{
    int32_t v;
    if (s == NULL || days == NULL || !read_date(s, &v) || s[10] != '\0')
        return CAL_EINVAL;
    *days = v;
    return CAL_OK;
}

int cal_parse_hhmm(const char *s, int *minutes)
{
    int h, m;
    if (s == NULL || minutes == NULL || !digits(s, 2, &h) || s[2] != ':' || !digits(s + 3, 2, &m) ||
        s[5] != '\0')
        return CAL_EINVAL;
    if (m > 59 || h > 24 || (h == 24 && m != 0))
        return CAL_EINVAL;
    *minutes = h * 60 + m;
    return CAL_OK;
}

int cal_parse_rfc3339(const char *s, cal_time *t)
{
    int32_t days;
    int h, mi, sec = 0;
    if (s == NULL || t == NULL || !read_date(s, &days))
        return CAL_EINVAL;
    const char *p = s + 10;
    if (*p != 'T' && *p != 't' && *p != ' ')
        return CAL_EINVAL;
    p++;
    if (!digits(p, 2, &h) || p[2] != ':' || !digits(p + 3, 2, &mi))
        return CAL_EINVAL;
    p += 5;
    if (*p == ':') {
        if (!digits(p + 1, 2, &sec))
            return CAL_EINVAL;
        p += 3;
        if (*p == '.' || *p == ',') {
            p++;
            if (*p < '0' || *p > '9')
                return CAL_EINVAL;
            while (*p >= '0' && *p <= '9')
                p++; /* fractions are truncated: instants are whole seconds */
        }
    }
    /* 60 is a leap second; it is read as the first second of the next minute. */
    if (h > 23 || mi > 59 || sec > 60)
        return CAL_EINVAL;

    int offset;
    if (*p == 'Z' || *p == 'z') {
        offset = 0;
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om))
            return CAL_EINVAL;
        if (oh > 23 || om > 59)
            return CAL_EINVAL;
        offset = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return CAL_EINVAL;
    }
    if (*p != '\0')
        return CAL_EINVAL;

    *t = (cal_time)days * CAL_SECONDS_PER_DAY + h * 3600 + mi * 60 + sec - offset;
    return CAL_OK;
}

void cal_format_date(int32_t days, char *buf, size_t size)
{
    if (buf == NULL || size == 0)
        return;
    struct cal_date d = cal_civil_from_days(days);
    snprintf(buf, size, "%04d-%02d-%02d", d.year, d.month, d.day);
}

void cal_format_rfc3339(cal_time t, int offset_seconds, bool utc_z, char *buf, size_t size)
{
    if (buf == NULL || size == 0)
        return;
    cal_time local = t + offset_seconds;
    int32_t days = (int32_t)cal_floor_div(local, CAL_SECONDS_PER_DAY);
    int sod = (int)cal_floor_mod(local, CAL_SECONDS_PER_DAY);
    struct cal_date d = cal_civil_from_days(days);
    char zone[8];
    if (offset_seconds == 0 && utc_z) {
        snprintf(zone, sizeof zone, "Z");
    } else {
        int a = offset_seconds < 0 ? -offset_seconds : offset_seconds;
        /* Offsets are whole minutes in practice; seconds are dropped. */
        snprintf(zone, sizeof zone, "%c%02d:%02d", offset_seconds < 0 ? '-' : '+', (a / 3600) % 100,
                 (a / 60) % 60);
    }
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%s", d.year, d.month, d.day, sod / 3600,
             sod / 60 % 60, sod % 60, zone);
}
