/*
 * Expanding catalogue templates, dates, times and durations in
 * the catalogue's language. The catalogues themselves are read in catalog.c.
 */
#include "adapters/output/i18n.h"
#include "adapters/adapters.h"
#include "calendars/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *arg_value(const struct i18n_arg *args, size_t nargs, const char *name,
                             size_t len)
{
    for (size_t i = 0; i < nargs; i++)
        if (strlen(args[i].name) == len && memcmp(args[i].name, name, len) == 0)
            return args[i].value;
    return NULL;
}

void i18n_buf_add_template(struct cal_buf *b, const char *tpl, const struct i18n_arg *args,
                           size_t nargs)
{
    const char *p = tpl;
    while (*p) {
        if (p[0] == '{' && p[1] == '{') {
            cal_buf_addn(b, "{", 1);
            p += 2;
            continue;
        }
        if (p[0] == '}' && p[1] == '}') {
            cal_buf_addn(b, "}", 1);
            p += 2;
            continue;
        }
        if (p[0] == '{') {
            const char *end = strchr(p + 1, '}');
            if (end) {
                const char *v = arg_value(args, nargs, p + 1, (size_t)(end - p - 1));
                cal_buf_add(b, v);
                p = end + 1;
                continue;
            }
        }
        const char *next = p + 1;
        while (*next && *next != '{' && *next != '}')
            next++;
        cal_buf_addn(b, p, (size_t)(next - p));
        p = next;
    }
}

void i18n_buf_add_msg(struct cal_buf *b, const i18n_catalog *cat, const char *key,
                      const struct i18n_arg *args, size_t nargs)
{
    const char *tpl = i18n_get(cat, key);
    if (!tpl) {
        cal_buf_add(b, key);
        return;
    }
    i18n_buf_add_template(b, tpl, args, nargs);
}

char *i18n_format(const i18n_catalog *cat, const char *key, const struct i18n_arg *args,
                  size_t nargs)
{
    struct cal_buf b = {0};
    i18n_buf_add_msg(&b, cat, key, args, nargs);
    if (b.oom) {
        cal_buf_free(&b);
        return NULL;
    }
    if (!b.s)
        return cal_strdup("");
    return b.s;
}

void i18n_formatb(const i18n_catalog *cat, const char *key, const struct i18n_arg *args,
                  size_t nargs, char *buf, size_t size)
{
    if (size == 0)
        return;
    char *s = i18n_format(cat, key, args, nargs);
    snprintf(buf, size, "%s", s ? s : "");
    free(s);
}

/* ---------------------------------------------------------------------------
 * Dates, times, durations.
 */

static const char *keyed(const i18n_catalog *cat, const char *prefix, int n)
{
    char key[48];
    snprintf(key, sizeof key, "%s.%d", prefix, n);
    const char *s = i18n_get(cat, key);
    return s ? s : "";
}

const char *i18n_weekday(const i18n_catalog *cat, int weekday, int short_form)
{
    return keyed(cat, short_form ? "weekday_short" : "weekday", weekday);
}

int i18n_week_start(const i18n_catalog *cat)
{
    const char *s = i18n_get(cat, "calendar.week_start");
    int v = s ? atoi(s) : 0;
    return v >= 0 && v <= 6 ? v : 0;
}

void i18n_date_long(const i18n_catalog *cat, int32_t day, char *buf, size_t size)
{
    struct cal_date d = cal_civil_from_days(day);
    char sday[8], syear[8], smon[8];
    snprintf(sday, sizeof sday, "%d", d.day);
    snprintf(syear, sizeof syear, "%d", d.year);
    snprintf(smon, sizeof smon, "%d", d.month);
    struct i18n_arg args[] = {
        {"weekday", i18n_weekday(cat, cal_weekday(day), 0)},
        {"day", sday},
        {"month", keyed(cat, "month", d.month)},
        {"month_num", smon},
        {"year", syear},
    };
    i18n_formatb(cat, "format.date_long", args, 5, buf, size);
}

void i18n_month_title(const i18n_catalog *cat, int year, int month, char *buf, size_t size)
{
    char syear[8];
    snprintf(syear, sizeof syear, "%d", year);
    struct i18n_arg args[] = {{"month", keyed(cat, "month", month)}, {"year", syear}};
    i18n_formatb(cat, "format.month_title", args, 2, buf, size);
}

void i18n_time(const i18n_catalog *cat, int minute, char *buf, size_t size)
{
    minute = ((minute % 1440) + 1440) % 1440;
    int h = minute / 60, m = minute % 60;
    int h12 = h % 12 == 0 ? 12 : h % 12;
    char sh[4], shh[4], sh12[4], smm[4];
    snprintf(sh, sizeof sh, "%d", h);
    snprintf(shh, sizeof shh, "%02d", h);
    snprintf(sh12, sizeof sh12, "%d", h12);
    snprintf(smm, sizeof smm, "%02d", m);
    struct i18n_arg args[] = {
        {"h", sh},
        {"hh", shh},
        {"h12", sh12},
        {"mm", smm},
        {"ampm", i18n_get(cat, h < 12 ? "time.am" : "time.pm")},
    };
    i18n_formatb(cat, "format.time", args, 5, buf, size);
}

cal_time i18n_round_down(cal_time t)
{
    cal_time step = 5 * 60;
    return t - ((t % step) + step) % step;
}

void i18n_clock(const i18n_catalog *cat, const cal_tz *tz, cal_time t, char *buf, size_t size)
{
    int32_t day;
    int minute;
    cal_tz_to_local(tz, i18n_round_down(t), &day, &minute);
    i18n_time(cat, minute, buf, size);
}

void i18n_zone_words(const i18n_catalog *cat, const cal_tz *tz, char *buf, size_t size)
{
    const char *name = cal_tz_name(tz);
    char key[96];
    snprintf(key, sizeof key, "zone.%s", name ? name : "");
    const char *words = i18n_get(cat, key);
    if (words) {
        snprintf(buf, size, "%s", words);
        return;
    }
    /* "America/Argentina/Buenos_Aires" -> "Buenos Aires time" */
    char city[64];
    const char *slash = name ? strrchr(name, '/') : NULL;
    snprintf(city, sizeof city, "%s", slash ? slash + 1 : name ? name : "");
    for (char *p = city; *p; p++)
        if (*p == '_')
            *p = ' ';
    struct i18n_arg args[] = {{"city", city}};
    i18n_formatb(cat, "time.zone_city", args, 1, buf, size);
}

void i18n_zoned_clock(const i18n_catalog *cat, const cal_tz *place_tz, const cal_tz *home_tz,
                      cal_time t, char *buf, size_t size)
{
    if (!place_tz || !home_tz || place_tz == home_tz ||
        cal_tz_offset(place_tz, t) == cal_tz_offset(home_tz, t)) {
        i18n_clock(cat, place_tz ? place_tz : home_tz, t, buf, size);
        return;
    }
    char there[32], home[32], zone[96];
    i18n_clock(cat, place_tz, t, there, sizeof there);
    i18n_clock(cat, home_tz, t, home, sizeof home);
    i18n_zone_words(cat, place_tz, zone, sizeof zone);
    struct i18n_arg args[] = {{"time", there}, {"zone", zone}, {"home", home}};
    i18n_formatb(cat, "time.zoned", args, 3, buf, size);
}

void i18n_duration(const i18n_catalog *cat, int minutes, char *buf, size_t size)
{
    if (minutes < 0)
        minutes = 0;
    char sh[16], sm[16];
    snprintf(sh, sizeof sh, "%d", minutes / 60);
    snprintf(sm, sizeof sm, "%d", minutes % 60);
    struct i18n_arg args[] = {{"h", sh}, {"m", sm}, {"minutes", sm}};
    if (minutes < 60) {
        snprintf(sm, sizeof sm, "%d", minutes);
        i18n_formatb(cat, "format.duration_m", args, 3, buf, size);
    } else if (minutes % 60 == 0) {
        i18n_formatb(cat, "format.duration_h", args, 3, buf, size);
    } else {
        i18n_formatb(cat, "format.duration_hm", args, 3, buf, size);
    }
}
