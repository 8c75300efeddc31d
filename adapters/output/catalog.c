/*
 * The message catalogues: gettext .mo files (built by msgfmt from po/<lang>.po)
 * read directly, so the language is chosen per case and not by the process
 * locale. glibc's dgettext() answers only in the language of LC_MESSAGES: in
 * the C locale it returns the msgid whatever LANGUAGE says (measured: with
 * LC_ALL=C, dgettext gives "month.1\004January", with C.UTF-8 "enero"), and a
 * batch plans families of different languages in one process.
 *
 * Every entry is keyed by its msgctxt (the key careday asks for); msgid is the
 * English text a translator reads. English (en.mo) is loaded first as the
 * reference and must hold every required key; the family's language is laid
 * over it key by key.
 */
#include "adapters/adapters.h"
#include "adapters/output/i18n.h"
#include "calendars/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define I18N_PATH_MAX 4096
#define MO_MAGIC 0x950412deu
#define MO_MAGIC_SWAPPED 0xde120495u

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
    "html.video.join",
    "html.video.nolink",
    "html.video.tip",
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
    "reason.detail.no_provider_time",
    "reason.detail.no_family_time",
    "reason.detail.nurse",
    "reason.detail.telehealth_not_ready",
    "reason.detail.predecessor",
    "reason.detail.pair",
    "reason.detail.displaced",
    "reason.detail.a_provider",
    "time.zoned",
    "time.zone_city",
    "event.leave.summary",
    "event.leave.description.home",
    "event.leave.description.lodging",
    "event.description.arrive",
    "event.description.phone",
    "event.description.directions",
    "event.description.prepare",
    "provider.location.home_address",
    "html.days.h",
    "html.trip.arrive",
    "html.trip.phone",
    "html.trip.directions",
    "html.trip.map",
    "html.visit.prepare",
    "html.bring.h",
    "html.bring.id",
    "html.bring.meds",
    "html.bring.this",
    "reason.search_stopped",
    "reason.detail.search_stopped",
    "reason.pin",
    "reason.notice",
    "reason.avoid_date",
    "reason.detail.pin",
    "reason.detail.pin_taken",
    "reason.detail.notice",
    "reason.detail.avoid_date",
    "reason.cancelled",
    "reason.detail.cancelled",
    "reason.shared_capacity",
    "reason.detail.shared_capacity",
    "event.cancelled.summary",
    "event.cancelled.trip",
    "changes.title",
    "changes.counts",
    "changes.moved",
    "changes.cancelled",
    "changes.added",
    "changes.why",
    "why.provider_time",
    "why.mode",
    "why.pin",
    "why.pin_same_day",
    "why.avoid_date",
    "why.window",
    "why.family_busy",
    "why.nurse",
    "why.plan",
    "why.removed",
    "why.unscheduled",
    "why.cancelled",
    NULL,
};

/* One catalogue: entries sorted by key; keys and values point into data. */
struct mo {
    char *data;
    size_t size;
    struct mo_entry {
        const char *key;
        const char *value;
    } * v;
    size_t n;
};

struct i18n_catalog {
    struct mo base; /* en.mo */
    struct mo lang; /* <lang>.mo; empty when English is used */
    char code[32];
    char dir[I18N_PATH_MAX];
};

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void mo_path(const char *dir, const char *lang, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s/LC_MESSAGES/careday.mo", dir, lang);
}

static bool has_english(const char *dir)
{
    char path[I18N_PATH_MAX + 64];
    mo_path(dir, "en", path, sizeof path);
    return is_file(path);
}

int i18n_find_localedir(const char *locale_dir, char *dir, size_t size, struct careday_error *err)
{
    if (locale_dir && *locale_dir) {
        snprintf(dir, size, "%s", locale_dir);
        if (has_english(dir))
            return 0;
        return careday_fail(err, ADAPT_EINPUT, dir, 0, NULL,
                            "the message catalogue folder has no en/LC_MESSAGES/careday.mo");
    }
    const char *env = getenv("CAREDAY_LOCALEDIR");
    if (env && *env) {
        snprintf(dir, size, "%s", env);
        if (has_english(dir))
            return 0;
        return careday_fail(err, ADAPT_EINPUT, dir, 0, NULL,
                            "CAREDAY_LOCALEDIR names a folder without en/LC_MESSAGES/careday.mo");
    }
    char exe[I18N_PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            int k = snprintf(dir, size, "%s/../share/locale", exe);
            if (k > 0 && (size_t)k < size && has_english(dir))
                return 0;
            return careday_fail(err, ADAPT_EINPUT, NULL, 0, NULL,
                                "no message catalogue en/LC_MESSAGES/careday.mo in %s (beside "
                                "the careday program); install careday with cmake --install or "
                                "set CAREDAY_LOCALEDIR",
                                dir);
        }
    }
    return careday_fail(err, ADAPT_EINPUT, NULL, 0, NULL,
                        "cannot tell where the careday program is to find its message "
                        "catalogues; set CAREDAY_LOCALEDIR");
}

static void mo_free(struct mo *m)
{
    free(m->data);
    free(m->v);
    memset(m, 0, sizeof *m);
}

static uint32_t word(const struct mo *m, size_t off, bool swap)
{
    uint32_t w;
    memcpy(&w, m->data + off, 4);
    if (swap)
        w = (w >> 24) | ((w >> 8) & 0xff00u) | ((w << 8) & 0xff0000u) | (w << 24);
    return w;
}

/* The string of a (length, offset) descriptor at off, or NULL when it does not
 * lie inside the file or is not NUL-terminated there. */
static const char *mo_string(const struct mo *m, size_t off, bool swap)
{
    if (off > m->size || m->size - off < 8)
        return NULL;
    uint32_t len = word(m, off, swap), at = word(m, off + 4, swap);
    if (at > m->size || m->size - at <= len || m->data[at + len] != '\0')
        return NULL;
    return m->data + at;
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const struct mo_entry *)a)->key, ((const struct mo_entry *)b)->key);
}

static int mo_bad(const char *path, const char *what, struct careday_error *err)
{
    return careday_fail(err, ADAPT_EINPUT, path, 0, NULL,
                        "not a usable gettext catalogue (%s); rebuild it with msgfmt", what);
}

/* The largest catalogue read (bytes); careday's own are tens of kilobytes. */
#define MO_MAX_BYTES (64u << 20)

/* Read a .mo file: every entry with a context becomes key -> first form. */
static int mo_load(const char *path, struct mo *m, struct careday_error *err)
{
    memset(m, 0, sizeof *m);
    char *text = NULL;
    size_t size = 0;
    int rc = cal_read_regular(path, "a message catalogue (.mo)", MO_MAX_BYTES, &text, &size, err);
    if (rc != 0)
        return rc == CAL_ENOMEM ? ADAPT_EINTERNAL : ADAPT_EINPUT;
    m->data = text;
    m->size = size;
    if (size < 28) {
        mo_free(m);
        return mo_bad(path, "too short", err);
    }
    uint32_t magic = word(m, 0, false);
    if (magic != MO_MAGIC && magic != MO_MAGIC_SWAPPED) {
        mo_free(m);
        return mo_bad(path, "wrong magic number", err);
    }
    bool swap = magic == MO_MAGIC_SWAPPED;
    uint32_t count = word(m, 8, swap), orig = word(m, 12, swap), trans = word(m, 16, swap);
    if (count > size / 16 || orig > size || trans > size || (size - orig) / 8 < count ||
        (size - trans) / 8 < count) {
        mo_free(m);
        return mo_bad(path, "string tables outside the file", err);
    }
    m->v = cal_calloc(count ? count : 1, sizeof *m->v);
    if (!m->v) {
        mo_free(m);
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    }
    for (uint32_t i = 0; i < count; i++) {
        const char *id = mo_string(m, orig + 8 * (size_t)i, swap);
        const char *value = mo_string(m, trans + 8 * (size_t)i, swap);
        if (!id || !value) {
            mo_free(m);
            return mo_bad(path, "a string outside the file", err);
        }
        const char *eot = strchr(id, '\004');
        if (!eot)
            continue; /* the header, or an entry without a key */
        m->data[eot - m->data] = '\0';
        m->v[m->n++] = (struct mo_entry){id, value};
    }
    qsort(m->v, m->n, sizeof *m->v, by_key);
    return 0;
}

static const char *mo_get(const struct mo *m, const char *key)
{
    if (m->n == 0)
        return NULL;
    struct mo_entry probe = {key, NULL};
    const struct mo_entry *e = bsearch(&probe, m->v, m->n, sizeof *m->v, by_key);
    return e ? e->value : NULL;
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

bool i18n_has_language(const char *lang, const char *locale_dir)
{
    char dir[I18N_PATH_MAX], path[I18N_PATH_MAX + 64], code[32];
    if (!lang || !*lang || strcmp(lang, "en") == 0)
        return true;
    if (!valid_code(lang) || i18n_find_localedir(locale_dir, dir, sizeof dir, NULL) != 0)
        return false;
    snprintf(code, sizeof code, "%s", lang);
    for (;;) {
        mo_path(dir, code, path, sizeof path);
        if (is_file(path) || strcmp(code, "en") == 0)
            return true;
        char *dash = strpbrk(code, "-_");
        if (!dash)
            return false;
        *dash = '\0';
    }
}

int i18n_open(const char *lang, const char *locale_dir, i18n_catalog **out,
              struct careday_error *err)
{
    i18n_catalog *cat = cal_calloc(1, sizeof *cat);
    if (!cat)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    int rc = i18n_find_localedir(locale_dir, cat->dir, sizeof cat->dir, err);
    if (rc)
        goto fail;

    char path[I18N_PATH_MAX + 64];
    mo_path(cat->dir, "en", path, sizeof path);
    rc = mo_load(path, &cat->base, err);
    if (rc)
        goto fail;
    for (size_t i = 0; i18n_required_keys[i]; i++) {
        if (!mo_get(&cat->base, i18n_required_keys[i])) {
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
        /* "es-MX" reads es-MX, else es, else English. */
        char code[32];
        snprintf(code, sizeof code, "%s", lang);
        for (;;) {
            mo_path(cat->dir, code, path, sizeof path);
            if (is_file(path)) {
                rc = mo_load(path, &cat->lang, err);
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
    mo_free(&cat->base);
    mo_free(&cat->lang);
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
    const char *v = mo_get(&cat->lang, key);
    return v ? v : mo_get(&cat->base, key);
}

static const struct mo *own(const i18n_catalog *cat)
{
    return cat->lang.n ? &cat->lang : &cat->base;
}

const char *i18n_get_own(const i18n_catalog *cat, const char *key)
{
    return mo_get(own(cat), key);
}

size_t i18n_count_own(const i18n_catalog *cat)
{
    return own(cat)->n;
}

const char *i18n_key_at(const i18n_catalog *cat, size_t i)
{
    return i < own(cat)->n ? own(cat)->v[i].key : NULL;
}
