/*
 * The message catalogue: adapters/messages/<lang>.json read with jansson.
 * English is loaded first as the reference; the family's language is laid
 * over it key by key.
 */
#include "adapters/output/i18n.h"
#include "adapters/adapters.h"
#include "adapters/input/json_file.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define I18N_PATH_MAX 4096

const char *const i18n_required_keys[] = {
    "month.1",
    "month.2",
    "month.3",
    "month.4",
    "month.5",
    "month.6",
    "month.7",
    "month.8",
    "month.9",
    "month.10",
    "month.11",
    "month.12",
    "weekday.0",
    "weekday.1",
    "weekday.2",
    "weekday.3",
    "weekday.4",
    "weekday.5",
    "weekday.6",
    "weekday_short.0",
    "weekday_short.1",
    "weekday_short.2",
    "weekday_short.3",
    "weekday_short.4",
    "weekday_short.5",
    "weekday_short.6",
    "calendar.week_start",
    "format.date_long",
    "format.month_title",
    "format.time",
    "format.duration_hm",
    "format.duration_m",
    "format.duration_h",
    "time.am",
    "time.pm",
    "list.separator",
    "list.last_separator",
    "mode.in_person",
    "mode.telehealth",
    "mode.home",
    "family.calendar.name",
    "family.calendar.description",
    "event.in_person.summary",
    "event.telehealth.summary",
    "event.home.summary",
    "event.location.place",
    "event.location.video",
    "event.location.video_nolink",
    "event.location.home",
    "event.description.video",
    "event.description.who",
    "event.description.what",
    "event.description.where",
    "event.description.when",
    "event.description.home_nurse",
    "event.description.trip",
    "event.conference.label",
    "event.alarm",
    "event.alarm.leave",
    "note.trip",
    "note.trip.from_lodging",
    "note.trip.overnight_after",
    "note.trip.between_nights",
    "note.trip.visit",
    "event.overnight.summary",
    "event.overnight.description",
    "provider.calendar.name",
    "provider.summary",
    "provider.description",
    "provider.location.home",
    "html.title",
    "html.intro",
    "html.generated",
    "html.compare.h",
    "html.compare.caption",
    "html.compare.measure",
    "html.compare.before",
    "html.compare.after",
    "html.compare.trips",
    "html.compare.in_person",
    "html.compare.road",
    "html.compare.fewer",
    "html.compare.same",
    "html.compare.more",
    "html.month.h",
    "html.legend.h",
    "html.legend.trip",
    "html.legend.video",
    "html.legend.home",
    "html.legend.night",
    "html.mark.trip",
    "html.mark.video",
    "html.mark.home",
    "html.mark.night",
    "html.trips.h",
    "html.trips.none",
    "html.trip.leave_home",
    "html.trip.leave_lodging",
    "html.trip.where",
    "html.trip.visits",
    "html.trip.back_home",
    "html.trip.back_lodging",
    "html.trip.overnight",
    "html.trip.local_time",
    "html.visit.when",
    "html.visit.who",
    "html.visit.what",
    "html.visit.length",
    "html.video.h",
    "html.video.join",
    "html.video.nolink",
    "html.video.tip",
    "html.home.h",
    "html.home.who",
    "html.home.nurse",
    "html.unscheduled.h",
    "html.unscheduled.intro",
    "html.unscheduled.call",
    "html.unscheduled.call_coordinator",
    "reason.no_provider_time",
    "reason.no_family_time",
    "reason.nurse",
    "reason.telehealth_not_ready",
    "reason.predecessor",
    "reason.pair",
    "reason.displaced",
    "reason.search_stopped",
    NULL,
};

struct i18n_catalog {
    json_t *base; /* en.json */
    json_t *lang; /* <lang>.json, NULL when English is used */
    char code[32];
    char dir[I18N_PATH_MAX];
};

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool has_catalogue(const char *dir)
{
    char path[I18N_PATH_MAX];
    if (snprintf(path, sizeof path, "%s/en.json", dir) >= (int)sizeof path)
        return false;
    return is_file(path);
}

/* The folder that holds the catalogues, by the search order of i18n.h. */
static int find_dir(const char *messages_dir, char *dir, size_t size, struct careday_error *err)
{
    const char *env = getenv("CAREDAY_MESSAGES");
    if (messages_dir && *messages_dir) {
        snprintf(dir, size, "%s", messages_dir);
        if (has_catalogue(dir))
            return 0;
        return careday_fail(err, ADAPT_EINPUT, dir, 0, NULL,
                            "the message catalogue folder has no en.json");
    }
    if (env && *env) {
        snprintf(dir, size, "%s", env);
        if (has_catalogue(dir))
            return 0;
        return careday_fail(err, ADAPT_EINPUT, dir, 0, NULL,
                            "CAREDAY_MESSAGES names a folder without en.json");
    }
    char tried[2 * I18N_PATH_MAX] = "";
#ifdef CAREDAY_DATA_DIR
    snprintf(dir, size, "%s/messages", CAREDAY_DATA_DIR);
    if (has_catalogue(dir))
        return 0;
    snprintf(tried, sizeof tried, "%s", dir);
#endif
    char exe[I18N_PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            int n2 = snprintf(dir, size, "%s/../share/careday/messages", exe);
            if (n2 > 0 && (size_t)n2 < size && has_catalogue(dir))
                return 0;
            size_t len = strlen(tried);
            snprintf(tried + len, sizeof tried - len, "%s%s", len ? ", " : "", dir);
        }
    }
    return careday_fail(err, ADAPT_EINPUT, NULL, 0, NULL,
                        "no message catalogue (en.json) in %s; set CAREDAY_MESSAGES to the "
                        "folder adapters/messages of the careday sources",
                        tried[0] ? tried : "any known folder");
}

static int load(const char *path, json_t **out, struct careday_error *err)
{
    json_t *root = NULL;
    int rc = adapt_json_file(path, "a message catalogue (JSON)", &root, err);
    if (rc)
        return rc;
    if (!json_is_object(root)) {
        json_decref(root);
        return careday_fail(err, ADAPT_EINPUT, path, 0, NULL,
                            "a message catalogue is one JSON object of key -> text");
    }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        if (!json_is_string(v)) {
            int rc = careday_fail(err, ADAPT_EINPUT, path, 0, key,
                                  "every catalogue entry must be a string");
            json_decref(root); /* key belongs to root */
            return rc;
        }
    }
    *out = root;
    return 0;
}

/* "es", "es-MX", "pt_BR": letters, digits, '-' and '_' only, so a language
 * code can never name a file outside the folder. */
static bool valid_code(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= 32)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        if (!ok)
            return false;
    }
    return true;
}

int i18n_open(const char *lang, const char *messages_dir, i18n_catalog **out,
              struct careday_error *err)
{
    i18n_catalog *cat = calloc(1, sizeof *cat);
    if (!cat)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    int rc = find_dir(messages_dir, cat->dir, sizeof cat->dir, err);
    if (rc)
        goto fail;

    char path[I18N_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/en.json", cat->dir);
    rc = load(path, &cat->base, err);
    if (rc)
        goto fail;
    for (size_t i = 0; i18n_required_keys[i]; i++) {
        if (!json_object_get(cat->base, i18n_required_keys[i])) {
            rc = careday_fail(err, ADAPT_EINPUT, path, 0, i18n_required_keys[i],
                              "the English catalogue lacks this key");
            goto fail;
        }
    }
    snprintf(cat->code, sizeof cat->code, "en");

    if (lang && *lang && strcmp(lang, "en") != 0) {
        if (!valid_code(lang)) {
            rc = careday_fail(err, ADAPT_EINPUT, NULL, 0, NULL,
                              "\"%s\" is not a language code such as \"en\" or \"es\"", lang);
            goto fail;
        }
        /* "es-MX" reads es-MX.json, else es.json, else English. */
        char code[32];
        snprintf(code, sizeof code, "%s", lang);
        for (int attempt = 0; attempt < 2 && !cat->lang; attempt++) {
            snprintf(path, sizeof path, "%s/%s.json", cat->dir, code);
            if (is_file(path)) {
                rc = load(path, &cat->lang, err);
                if (rc)
                    goto fail;
                snprintf(cat->code, sizeof cat->code, "%s", code);
                break;
            }
            char *dash = strpbrk(code, "-_");
            if (!dash)
                break;
            *dash = '\0';
            if (strcmp(code, "en") == 0)
                break;
        }
    }
    *out = cat;
    return 0;
fail:
    i18n_free(cat);
    return rc;
}

void i18n_free(i18n_catalog *cat)
{
    if (!cat)
        return;
    json_decref(cat->base);
    json_decref(cat->lang);
    free(cat);
}

const char *i18n_lang(const i18n_catalog *cat)
{
    return cat->code;
}

const char *i18n_dir(const i18n_catalog *cat)
{
    return cat->dir;
}

const char *i18n_get(const i18n_catalog *cat, const char *key)
{
    json_t *v = cat->lang ? json_object_get(cat->lang, key) : NULL;
    if (!v)
        v = json_object_get(cat->base, key);
    return v ? json_string_value(v) : NULL;
}

/* ---------------------------------------------------------------------------
 * Text buffers.
 */

void i18n_buf_free(struct i18n_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

static bool reserve(struct i18n_buf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void i18n_buf_addn(struct i18n_buf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void i18n_buf_add(struct i18n_buf *b, const char *s)
{
    if (s)
        i18n_buf_addn(b, s, strlen(s));
}

void i18n_buf_addf(struct i18n_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static const char *arg_value(const struct i18n_arg *args, size_t nargs, const char *name,
                             size_t len)
{
    for (size_t i = 0; i < nargs; i++)
        if (strlen(args[i].name) == len && memcmp(args[i].name, name, len) == 0)
            return args[i].value;
    return NULL;
}

void i18n_buf_add_template(struct i18n_buf *b, const char *tpl, const struct i18n_arg *args,
                           size_t nargs)
{
    const char *p = tpl;
    while (*p) {
        if (p[0] == '{' && p[1] == '{') {
            i18n_buf_addn(b, "{", 1);
            p += 2;
            continue;
        }
        if (p[0] == '}' && p[1] == '}') {
            i18n_buf_addn(b, "}", 1);
            p += 2;
            continue;
        }
        if (p[0] == '{') {
            const char *end = strchr(p + 1, '}');
            if (end) {
                const char *v = arg_value(args, nargs, p + 1, (size_t)(end - p - 1));
                i18n_buf_add(b, v);
                p = end + 1;
                continue;
            }
        }
        const char *next = p + 1;
        while (*next && *next != '{' && *next != '}')
            next++;
        i18n_buf_addn(b, p, (size_t)(next - p));
        p = next;
    }
}

void i18n_buf_add_msg(struct i18n_buf *b, const i18n_catalog *cat, const char *key,
                      const struct i18n_arg *args, size_t nargs)
{
    const char *tpl = i18n_get(cat, key);
    if (!tpl) {
        i18n_buf_add(b, key);
        return;
    }
    i18n_buf_add_template(b, tpl, args, nargs);
}

char *i18n_format(const i18n_catalog *cat, const char *key, const struct i18n_arg *args,
                  size_t nargs)
{
    struct i18n_buf b = {0};
    i18n_buf_add_msg(&b, cat, key, args, nargs);
    if (b.oom) {
        i18n_buf_free(&b);
        return NULL;
    }
    if (!b.s)
        return strdup("");
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

void i18n_clock(const i18n_catalog *cat, const cal_tz *tz, cal_time t, char *buf, size_t size)
{
    int32_t day;
    int minute;
    cal_tz_to_local(tz, t, &day, &minute);
    i18n_time(cat, minute, buf, size);
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
