/*
 * The case file (docs/case-format.md): JSON in, struct sched_case out.
 *
 * Every field of the contract is read here; every problem names the case
 * file, the JSON path and what was expected, and fails with ADAPT_EINPUT.
 * Unknown fields are warnings. Sources are resolved into interval sets by
 * sources.c, travel minutes by travel.c; sched_case_validate has the last
 * word.
 */
#include "adapters/input/case_internal.h"
#include "adapters/input/fhir.h"
#include "adapters/input/travel_internal.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Longest horizon a case may span, in days. */
#define CASE_MAX_HORIZON_DAYS 366
/* Most entries in one list (visits, providers, places...). */
#define CASE_MAX_ITEMS 10000

/* ---------------------------------------------------------------------------
 * Helpers shared with sources.c.
 */

const char *adapt_json_kind(const json_t *v)
{
    if (!v)
        return "nothing";
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number with a fraction";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "an unknown value";
}

void adapt_warn_unknown_keys(const struct adapt_ctx *x, const json_t *obj, const char *jpath,
                             const char *const *known)
{
    const char *key;
    json_t *value;
    char p[256];

    json_object_foreach((json_t *)obj, key, value)
    {
        size_t i;
        bool found = false;
        for (i = 0; known[i]; i++) {
            if (strcmp(key, known[i]) == 0) {
                found = true;
                break;
            }
        }
        if (!found)
            careday_notes_add(x->warn, x->file, 0, adapt_jp_key(p, sizeof p, jpath, key),
                              "unknown field \"%s\" ignored", key);
    }
}

int adapt_bad(const struct adapt_ctx *x, struct careday_error *err, const char *jpath,
              const char *fmt, ...)
{
    char text[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return careday_fail(err, ADAPT_EINPUT, x->file, 0, jpath, "%s", text);
}

char *adapt_resolve_path(const char *dir, const char *given)
{
    size_t n;
    char *out;

    if (given[0] == '/' || !dir || !*dir || strcmp(dir, ".") == 0)
        return strdup(given);
    n = strlen(dir) + strlen(given) + 2;
    out = malloc(n);
    if (out)
        snprintf(out, n, "%s/%s", dir, given);
    return out;
}

/* ---------------------------------------------------------------------------
 * Typed field readers. Each looks up key in obj (path parent.key); a
 * missing optional field leaves *out untouched.
 */

static int oom(struct careday_error *err)
{
    return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
}

static int get_value(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                     const char *key, bool required, const char *expected, json_t **out,
                     struct careday_error *err)
{
    char p[256];
    json_t *v = json_object_get(obj, key);

    *out = v;
    if (!v && required)
        return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key),
                         "missing required field; expected %s", expected);
    return 0;
}

static int get_str(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                   const char *key, bool required, const char **out, struct careday_error *err)
{
    char p[256];
    json_t *v;
    int rc = get_value(x, obj, parent, key, required, "a string", &v, err);

    if (rc || !v)
        return rc;
    if (!json_is_string(v))
        return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key),
                         "expected a string, found %s", adapt_json_kind(v));
    if (required && json_string_length(v) == 0)
        return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key),
                         "expected a non-empty string");
    *out = json_string_value(v);
    return 0;
}

/* An identifier: a non-empty string without control characters. */
static int get_id(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                  bool required, const char **out, struct careday_error *err)
{
    char p[256];
    const char *s = NULL, *q;
    int rc = get_str(x, obj, parent, key, required, &s, err);

    if (rc || !s)
        return rc;
    if (!*s)
        return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key), "expected a non-empty id");
    for (q = s; *q; q++) {
        if ((unsigned char)*q < 0x20 || *q == '/' || *q == '\\')
            return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key),
                             "expected an id without '/', '\\' or control characters");
    }
    *out = s;
    return 0;
}

static int get_int(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                   const char *key, bool required, long long lo, long long hi, const char *expected,
                   int *out, struct careday_error *err)
{
    char p[256];
    json_t *v;
    long long n;
    int rc = get_value(x, obj, parent, key, required, expected, &v, err);

    if (rc || !v)
        return rc;
    adapt_jp_key(p, sizeof p, parent, key);
    if (json_is_real(v))
        return adapt_bad(x, err, p, "expected %s (a whole number), found %g", expected,
                         json_real_value(v));
    if (!json_is_integer(v))
        return adapt_bad(x, err, p, "expected %s, found %s", expected, adapt_json_kind(v));
    n = json_integer_value(v);
    if (n < lo || n > hi)
        return adapt_bad(x, err, p, "expected %s, found %lld", expected, n);
    *out = (int)n;
    return 0;
}

static int get_num(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                   const char *key, bool required, double lo, double hi, const char *expected,
                   double *out, struct careday_error *err)
{
    char p[256];
    json_t *v;
    double d;
    int rc = get_value(x, obj, parent, key, required, expected, &v, err);

    if (rc || !v)
        return rc;
    adapt_jp_key(p, sizeof p, parent, key);
    if (!json_is_number(v))
        return adapt_bad(x, err, p, "expected %s, found %s", expected, adapt_json_kind(v));
    d = json_number_value(v);
    if (!(d >= lo && d <= hi))
        return adapt_bad(x, err, p, "expected %s, found %g", expected, d);
    *out = d;
    return 0;
}

/* A member of one JSON type (*out NULL when absent and not required);
 * another type is bad input naming parent.key. */
static int get_typed(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                     const char *key, bool required, json_type type, const char *expected,
                     json_t **out, struct careday_error *err)
{
    char p[256];
    json_t *v;
    int rc = get_value(x, obj, parent, key, required, expected, &v, err);

    *out = NULL;
    if (rc || !v)
        return rc;
    if (json_typeof(v) != type)
        return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key), "expected %s, found %s",
                         expected, adapt_json_kind(v));
    *out = v;
    return 0;
}

static int get_bool(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                    const char *key, bool *out, struct careday_error *err)
{
    char p[256];
    json_t *v;
    int rc = get_value(x, obj, parent, key, false, "true or false", &v, err);

    if (rc || !v)
        return rc;
    if (!json_is_boolean(v))
        return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key),
                         "expected true or false, found %s", adapt_json_kind(v));
    *out = json_is_true(v);
    return 0;
}

static int get_obj(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                   const char *key, bool required, json_t **out, struct careday_error *err)
{
    return get_typed(x, obj, parent, key, required, JSON_OBJECT, "an object", out, err);
}

static int get_arr(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                   const char *key, bool required, json_t **out, struct careday_error *err)
{
    char p[256];
    json_t *v;
    int rc = get_typed(x, obj, parent, key, required, JSON_ARRAY, "an array", &v, err);

    *out = NULL;
    if (rc || !v)
        return rc;
    if (json_array_size(v) > CASE_MAX_ITEMS)
        return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key),
                         "expected at most %d entries, found %zu", CASE_MAX_ITEMS,
                         json_array_size(v));
    *out = v;
    return 0;
}

static int get_date(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                    const char *key, bool required, int32_t *out, struct careday_error *err)
{
    char p[256];
    const char *s = NULL;
    int32_t d;
    int rc = get_str(x, obj, parent, key, required, &s, err);

    if (rc || !s)
        return rc;
    if (cal_parse_date(s, &d) != 0)
        return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key),
                         "expected a date YYYY-MM-DD, found \"%s\"", s);
    *out = d;
    return 0;
}

static int get_hhmm(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                    const char *key, int *out, struct careday_error *err)
{
    char p[256];
    const char *s = NULL;
    int m;
    int rc = get_str(x, obj, parent, key, false, &s, err);

    if (rc || !s)
        return rc;
    if (cal_parse_hhmm(s, &m) != 0)
        return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key),
                         "expected a time of day HH:MM, found \"%s\"", s);
    *out = m;
    return 0;
}

static int dup_str(const char *s, char **out, struct careday_error *err)
{
    *out = NULL;
    if (!s)
        return 0;
    *out = strdup(s);
    return *out ? 0 : oom(err);
}

static char *day_text(int32_t day, char *buf, size_t size)
{
    cal_format_date(day, buf, size);
    return buf;
}

/* ---------------------------------------------------------------------------
 * The loader.
 */

struct loader {
    struct adapt_ctx x;
    struct sched_case *c;
    json_t *root;
    const json_t **vobj; /* the JSON object of each visit (due visits and bookings) */
    char **vpath;        /* and its JSON path */
    size_t nvpath;       /* entries allocated in vobj and vpath */
    size_t ndue;         /* visits[] entries; bookings follow */
};

static int find_place(const struct sched_case *c, const char *id)
{
    size_t i;
    for (i = 0; i < c->nplaces; i++) {
        if (c->places[i].id && strcmp(c->places[i].id, id) == 0)
            return (int)i;
    }
    return -1;
}

static int find_provider(const struct sched_case *c, const char *id)
{
    size_t i;
    for (i = 0; i < c->nproviders; i++) {
        if (c->providers[i].id && strcmp(c->providers[i].id, id) == 0)
            return (int)i;
    }
    return -1;
}

static int find_visit(const struct sched_case *c, size_t n, const char *id)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (c->visits[i].id && strcmp(c->visits[i].id, id) == 0)
            return (int)i;
    }
    return -1;
}

static int read_version(struct loader *l, struct careday_error *err)
{
    json_t *v = json_object_get(l->root, "careday");

    if (!v) {
        careday_notes_add(l->x.warn, l->x.file, 0, "careday",
                          "no \"careday\" version field; reading the file as version 1");
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) != 1)
        return adapt_bad(&l->x, err, "careday",
                         "expected 1 (the case format version this careday reads), found %s",
                         json_is_integer(v) ? "another version" : adapt_json_kind(v));
    return 0;
}

static char *file_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    const char *dot;
    size_t n;
    char *out;

    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    out = malloc(n + 1);
    if (out) {
        memcpy(out, base, n);
        out[n] = '\0';
    }
    return out;
}

static int read_head(struct loader *l, struct careday_error *err)
{
    struct sched_case *c = l->c;
    const char *tzname = NULL, *id = NULL, *name = NULL;
    json_t *h;
    struct careday_error tzerr = {0};
    int rc;

    if ((rc = read_version(l, err)))
        return rc;
    if ((rc = get_str(&l->x, l->root, "", "timezone", true, &tzname, err)))
        return rc;
    if (cal_tz_open(tzname, &c->tz, &tzerr) != 0)
        return adapt_bad(&l->x, err, "timezone",
                         "unknown time zone \"%s\"; expected an IANA name such as "
                         "\"America/New_York\"",
                         tzname);
    if ((rc = dup_str(cal_tz_name(c->tz), &c->timezone, err)))
        return rc;

    if ((rc = get_obj(&l->x, l->root, "", "horizon", true, &h, err)))
        return rc;
    {
        static const char *const known[] = {"start", "end", NULL};
        adapt_warn_unknown_keys(&l->x, h, "horizon", known);
    }
    if ((rc = get_date(&l->x, h, "horizon", "start", true, &c->horizon_start, err)) ||
        (rc = get_date(&l->x, h, "horizon", "end", true, &c->horizon_end, err)))
        return rc;
    if (c->horizon_end < c->horizon_start) {
        char a[16], b[16];
        return adapt_bad(&l->x, err, "horizon.end",
                         "the horizon ends (%s) before it starts (%s); expected an end date on "
                         "or after the start",
                         day_text(c->horizon_end, a, sizeof a),
                         day_text(c->horizon_start, b, sizeof b));
    }
    if (c->horizon_end - c->horizon_start + 1 > CASE_MAX_HORIZON_DAYS)
        return adapt_bad(&l->x, err, "horizon.end",
                         "the horizon spans %d days; expected at most %d",
                         (int)(c->horizon_end - c->horizon_start + 1), CASE_MAX_HORIZON_DAYS);
    l->x.first_day = c->horizon_start;
    l->x.last_day = c->horizon_end;
    l->x.from = cal_tz_local_to_utc(c->tz, c->horizon_start, 0);
    l->x.to = cal_tz_local_to_utc(c->tz, c->horizon_end + 1, 0);

    if ((rc = get_id(&l->x, l->root, "", "id", false, &id, err)) ||
        (rc = get_str(&l->x, l->root, "", "name", false, &name, err)))
        return rc;
    if (id) {
        if ((rc = dup_str(id, &c->id, err)))
            return rc;
    } else {
        c->id = file_stem(l->x.file);
        if (!c->id)
            return oom(err);
    }
    return dup_str(name ? name : c->id, &c->name, err);
}

static int read_places(struct loader *l, struct careday_error *err)
{
    static const char *const known[] = {"id",   "name",     "address", "lat", "lon",
                                        "kind", "timezone", "phone",   NULL};
    struct sched_case *c = l->c;
    json_t *arr, *o;
    size_t i;
    int rc;

    if ((rc = get_arr(&l->x, l->root, "", "places", false, &arr, err)) || !arr)
        return rc;
    c->places = calloc(json_array_size(arr) ? json_array_size(arr) : 1, sizeof *c->places);
    if (!c->places)
        return oom(err);
    json_array_foreach(arr, i, o)
    {
        struct sched_place *p = &c->places[i];
        const char *id = NULL, *name = NULL, *address = NULL, *kind = NULL, *tz = NULL;
        char jp[64];

        c->nplaces = i + 1;
        adapt_jp_index(jp, sizeof jp, "places", i);
        if (!json_is_object(o))
            return adapt_bad(&l->x, err, jp, "expected a place object, found %s",
                             adapt_json_kind(o));
        adapt_warn_unknown_keys(&l->x, o, jp, known);
        if ((rc = get_id(&l->x, o, jp, "id", true, &id, err)))
            return rc;
        if (strcmp(id, "home") == 0) {
            char q[80];
            return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "id"),
                             "\"home\" is reserved for the family's home; expected another id");
        }
        if (find_place(c, id) >= 0) {
            char q[80];
            return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "id"),
                             "duplicate place id \"%s\"; expected each place once", id);
        }
        if ((rc = get_str(&l->x, o, jp, "name", false, &name, err)) ||
            (rc = get_str(&l->x, o, jp, "address", false, &address, err)) ||
            (rc = get_str(&l->x, o, jp, "kind", false, &kind, err)) ||
            (rc = get_str(&l->x, o, jp, "timezone", false, &tz, err)) ||
            (rc = get_num(&l->x, o, jp, "lat", true, -90, 90, "a latitude in degrees (-90 to 90)",
                          &p->lat, err)) ||
            (rc = get_num(&l->x, o, jp, "lon", true, -180, 180,
                          "a longitude in degrees (-180 to 180)", &p->lon, err)))
            return rc;
        if ((rc = dup_str(id, &p->id, err)) || (rc = dup_str(name ? name : id, &p->name, err)) ||
            (rc = dup_str(address, &p->address, err)))
            return rc;
        p->lodging = kind && strcmp(kind, "lodging") == 0;
        if (tz) {
            struct careday_error tzerr = {0};
            char q[64];
            if (cal_tz_open(tz, &p->tz, &tzerr) != 0)
                return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "timezone"),
                                 "unknown time zone \"%s\"; expected an IANA name such as "
                                 "\"America/Chicago\"",
                                 tz);
            if ((rc = dup_str(cal_tz_name(p->tz), &p->timezone, err)))
                return rc;
        }
    }
    return 0;
}

static int read_family(struct loader *l, struct careday_error *err)
{
    static const char *const known[] = {"id",        "language", "home",       "busy",
                                        "day",       "limits",   "telehealth", "travel_needs_nurse",
                                        "overnight", "name",     NULL};
    struct sched_case *c = l->c;
    struct sched_family *f = &c->family;
    json_t *fo, *home, *day, *limits, *tele, *night, *busy;
    const char *id = NULL, *lang = NULL;
    struct cal_set b = {0}, a = {0};
    int rc;

    if ((rc = get_obj(&l->x, l->root, "", "family", true, &fo, err)))
        return rc;
    adapt_warn_unknown_keys(&l->x, fo, "family", known);
    if ((rc = get_id(&l->x, fo, "family", "id", false, &id, err)) ||
        (rc = get_str(&l->x, fo, "family", "language", false, &lang, err)))
        return rc;
    if ((rc = dup_str(id ? id : "family", &f->id, err)) ||
        (rc = dup_str(lang && *lang ? lang : "en", &f->language, err)))
        return rc;

    if ((rc = get_obj(&l->x, fo, "family", "home", true, &home, err)))
        return rc;
    {
        static const char *const hk[] = {"lat", "lon", "address", NULL};
        adapt_warn_unknown_keys(&l->x, home, "family.home", hk);
    }
    if ((rc = get_num(&l->x, home, "family.home", "lat", true, -90, 90,
                      "a latitude in degrees (-90 to 90)", &f->lat, err)) ||
        (rc = get_num(&l->x, home, "family.home", "lon", true, -180, 180,
                      "a longitude in degrees (-180 to 180)", &f->lon, err)))
        return rc;

    f->earliest_departure = 7 * 60;
    f->latest_return = 19 * 60;
    if ((rc = get_obj(&l->x, fo, "family", "day", false, &day, err)))
        return rc;
    if (day) {
        static const char *const dk[] = {"earliest_departure", "latest_return", NULL};
        adapt_warn_unknown_keys(&l->x, day, "family.day", dk);
        if ((rc = get_hhmm(&l->x, day, "family.day", "earliest_departure", &f->earliest_departure,
                           err)) ||
            (rc = get_hhmm(&l->x, day, "family.day", "latest_return", &f->latest_return, err)))
            return rc;
        if (f->latest_return <= f->earliest_departure)
            return adapt_bad(&l->x, err, "family.day.latest_return",
                             "expected a time after earliest_departure");
    }

    if ((rc = get_obj(&l->x, fo, "family", "limits", false, &limits, err)))
        return rc;
    if (limits) {
        static const char *const lk[] = {"max_visits_per_day", "max_clinic_minutes_per_day",
                                         "min_gap_minutes", NULL};
        adapt_warn_unknown_keys(&l->x, limits, "family.limits", lk);
        if ((rc = get_int(&l->x, limits, "family.limits", "max_visits_per_day", false, 0, 100,
                          "a number of visits from 0 (no limit) to 100", &f->max_visits_per_day,
                          err)) ||
            (rc = get_int(&l->x, limits, "family.limits", "max_clinic_minutes_per_day", false, 0,
                          1440, "minutes from 0 (no limit) to 1440", &f->max_clinic_minutes_per_day,
                          err)) ||
            (rc = get_int(&l->x, limits, "family.limits", "min_gap_minutes", false, 0, 1440,
                          "minutes from 0 to 1440", &f->min_gap_minutes, err)))
            return rc;
    }

    f->telehealth_ready = true;
    if ((rc = get_obj(&l->x, fo, "family", "telehealth", false, &tele, err)))
        return rc;
    if (tele) {
        static const char *const tk[] = {"ready", NULL};
        adapt_warn_unknown_keys(&l->x, tele, "family.telehealth", tk);
        if ((rc = get_bool(&l->x, tele, "family.telehealth", "ready", &f->telehealth_ready, err)))
            return rc;
    }
    if ((rc = get_bool(&l->x, fo, "family", "travel_needs_nurse", &f->travel_needs_nurse, err)))
        return rc;

    f->lodging = -1;
    f->max_nights = 1;
    if ((rc = get_obj(&l->x, fo, "family", "overnight", false, &night, err)))
        return rc;
    if (night) {
        static const char *const nk[] = {"allowed", "lodging", "max_nights", NULL};
        const char *lodging = NULL;
        adapt_warn_unknown_keys(&l->x, night, "family.overnight", nk);
        if ((rc = get_bool(&l->x, night, "family.overnight", "allowed", &f->overnight_allowed,
                           err)) ||
            (rc = get_id(&l->x, night, "family.overnight", "lodging", false, &lodging, err)) ||
            (rc = get_int(&l->x, night, "family.overnight", "max_nights", false, 1, 14,
                          "a number of consecutive nights from 1 to 14", &f->max_nights, err)))
            return rc;
        if (lodging) {
            f->lodging = find_place(c, lodging);
            if (f->lodging < 0)
                return adapt_bad(&l->x, err, "family.overnight.lodging",
                                 "unknown place id \"%s\"; expected the id of a place in "
                                 "\"places\"",
                                 lodging);
            if (!c->places[f->lodging].lodging)
                careday_notes_add(l->x.warn, l->x.file, 0, "family.overnight.lodging",
                                  "place \"%s\" is not marked \"kind\": \"lodging\"", lodging);
        } else if (f->overnight_allowed) {
            return adapt_bad(&l->x, err, "family.overnight.lodging",
                             "missing required field; expected the id of a lodging place when "
                             "overnight stays are allowed");
        }
    }

    if ((rc = get_arr(&l->x, fo, "family", "busy", false, &busy, err)))
        return rc;
    rc = adapt_sources_read(&l->x, busy, "family.busy", CAL_MEANING_BUSY, c->tz, &b, &a, err);
    if (rc == 0 && a.n) {
        /* Sources that list when the family is free: every other instant of
         * the horizon is busy. */
        struct cal_set h = {0}, rest = {0};
        if (cal_set_add(&h, l->x.from, l->x.to) || cal_set_subtract(&rest, &h, &a) ||
            cal_set_add_set(&b, &rest))
            rc = oom(err);
        cal_set_free(&h);
        cal_set_free(&rest);
    }
    if (rc == 0) {
        cal_set_free(&f->busy);
        f->busy = b;
        b = (struct cal_set){0};
    }
    cal_set_free(&b);
    cal_set_free(&a);
    return rc;
}

static int read_nursing(struct loader *l, struct careday_error *err)
{
    static const char *const known[] = {"shifts", NULL};
    struct sched_case *c = l->c;
    json_t *n, *shifts;
    struct cal_set b = {0}, a = {0};
    int rc;

    if ((rc = get_obj(&l->x, l->root, "", "nursing", false, &n, err)) || !n)
        return rc;
    adapt_warn_unknown_keys(&l->x, n, "nursing", known);
    if ((rc = get_arr(&l->x, n, "nursing", "shifts", false, &shifts, err)))
        return rc;
    rc = adapt_sources_read(&l->x, shifts, "nursing.shifts", CAL_MEANING_AVAILABLE, c->tz, &b, &a,
                            err);
    if (rc == 0 && cal_set_subtract(&c->nursing, &a, &b))
        rc = oom(err);
    cal_set_free(&b);
    cal_set_free(&a);
    return rc;
}

static int read_travel(struct loader *l, struct careday_error *err)
{
    static const char *const known[] = {"detour_factor", "speed_kmh", "park_minutes", "matrix",
                                        NULL};
    struct adapt_travel_params p;
    json_t *t;
    const char *matrix = NULL;
    char *resolved = NULL;
    int rc;

    adapt_travel_params_default(&p);
    if ((rc = get_obj(&l->x, l->root, "", "travel", false, &t, err)))
        return rc;
    if (t) {
        adapt_warn_unknown_keys(&l->x, t, "travel", known);
        if ((rc = get_num(&l->x, t, "travel", "detour_factor", false, 1, 10,
                          "a factor from 1 to 10", &p.detour_factor, err)) ||
            (rc = get_num(&l->x, t, "travel", "speed_kmh", false, 1, 300,
                          "a speed in km/h from 1 to 300", &p.speed_kmh, err)) ||
            (rc = get_int(&l->x, t, "travel", "park_minutes", false, 0, 240,
                          "minutes from 0 to 240", &p.park_minutes, err)) ||
            (rc = get_str(&l->x, t, "travel", "matrix", false, &matrix, err)))
            return rc;
    }
    if (matrix) {
        struct stat st;
        resolved = adapt_resolve_path(l->x.dir, matrix);
        if (!resolved)
            return oom(err);
        if (stat(resolved, &st) != 0) {
            rc = adapt_bad(&l->x, err, "travel.matrix",
                           "travel matrix file not found: \"%s\" (looked for %s: %s)", matrix,
                           resolved, strerror(errno));
            free(resolved);
            return rc;
        }
    }
    rc = adapt_travel_build(l->c, &p, resolved, matrix, l->x.file, "travel.matrix", l->x.warn, err);
    free(resolved);
    return rc;
}

/* One mode object of a provider ("providers[0].telehealth"). */
static int read_provider_mode(struct loader *l, const json_t *po, const char *jp, enum sched_mode m,
                              struct sched_provider *pr, const struct cal_set *pbusy,
                              struct careday_error *err)
{
    static const char *const known_ip[] = {"place", "available", "busy", "hours", NULL};
    static const char *const known_th[] = {"available", "busy", "hours", "link", NULL};
    static const char *const known_home[] = {"available", "busy", "hours", NULL};
    struct sched_case *c = l->c;
    struct sched_provider_mode *pm = &pr->mode[m];
    const char *key = sched_mode_name(m);
    json_t *mo, *avail, *busy, *hours;
    struct cal_set b = {0}, a = {0}, h = {0}, all = {0};
    const cal_tz *zone;
    char mp[128], sp[160];
    int rc;

    pm->place = -1;
    if ((rc = get_obj(&l->x, po, jp, key, false, &mo, err)) || !mo)
        return rc;
    adapt_jp_key(mp, sizeof mp, jp, key);
    adapt_warn_unknown_keys(&l->x, mo, mp,
                            m == SCHED_IN_PERSON    ? known_ip
                            : m == SCHED_TELEHEALTH ? known_th
                                                    : known_home);
    pm->offered = true;
    if (m == SCHED_IN_PERSON) {
        const char *place = NULL;
        if ((rc = get_id(&l->x, mo, mp, "place", true, &place, err)))
            return rc;
        pm->place = find_place(c, place);
        if (pm->place < 0)
            return adapt_bad(&l->x, err, adapt_jp_key(sp, sizeof sp, mp, "place"),
                             "unknown place id \"%s\"; expected the id of a place in \"places\"",
                             place);
    }
    if (m == SCHED_TELEHEALTH) {
        const char *link = NULL;
        if ((rc = get_str(&l->x, mo, mp, "link", false, &link, err)) ||
            (rc = dup_str(link, &pm->link, err)))
            return rc;
    }
    if ((rc = get_arr(&l->x, mo, mp, "available", false, &avail, err)) ||
        (rc = get_arr(&l->x, mo, mp, "busy", false, &busy, err)) ||
        (rc = get_arr(&l->x, mo, mp, "hours", false, &hours, err)))
        return rc;
    if (!avail && !hours)
        careday_notes_add(l->x.warn, l->x.file, 0, mp,
                          "no \"available\" or \"hours\": this mode has no bookable time");

    /* In person: the clinic's zone. Telehealth and home visits: the zone of
     * the provider's clinic if it has one, else the case's. */
    zone = sched_place_tz(c, m == SCHED_IN_PERSON ? pm->place : pr->mode[SCHED_IN_PERSON].place);

    rc = adapt_sources_read(&l->x, avail, adapt_jp_key(sp, sizeof sp, mp, "available"),
                            CAL_MEANING_AVAILABLE, zone, &b, &a, err);
    if (rc == 0)
        rc = adapt_sources_read(&l->x, busy, adapt_jp_key(sp, sizeof sp, mp, "busy"),
                                CAL_MEANING_BUSY, zone, &b, &a, err);
    if (rc == 0)
        rc =
            adapt_hours_read(&l->x, hours, adapt_jp_key(sp, sizeof sp, mp, "hours"), zone, &h, err);
    if (rc == 0) {
        struct cal_set hz = {0};
        if (cal_set_union(&all, &a, &h) || cal_set_add(&hz, l->x.from, l->x.to) ||
            cal_set_keep_set(&all, &hz) || cal_set_add_set(&b, pbusy) ||
            cal_set_subtract(&pm->free, &all, &b))
            rc = oom(err);
        cal_set_free(&hz);
    }
    cal_set_free(&b);
    cal_set_free(&a);
    cal_set_free(&h);
    cal_set_free(&all);
    return rc;
}

static int read_providers(struct loader *l, struct careday_error *err)
{
    static const char *const known[] = {"id",       "name",      "specialty",  "phone",
                                        "capacity", "in_person", "telehealth", "home",
                                        "email",    "busy",      NULL};
    struct sched_case *c = l->c;
    json_t *arr, *o;
    size_t i;
    int rc = 0;

    if ((rc = get_arr(&l->x, l->root, "", "providers", true, &arr, err)))
        return rc;
    c->providers = calloc(json_array_size(arr) ? json_array_size(arr) : 1, sizeof *c->providers);
    if (!c->providers)
        return oom(err);
    json_array_foreach(arr, i, o)
    {
        struct sched_provider *pr = &c->providers[i];
        const char *id = NULL, *name = NULL, *spec = NULL, *phone = NULL, *email = NULL;
        char jp[64], q[96];
        int m;

        c->nproviders = i + 1;
        for (m = 0; m < SCHED_NMODES; m++)
            pr->mode[m].place = -1;
        adapt_jp_index(jp, sizeof jp, "providers", i);
        if (!json_is_object(o))
            return adapt_bad(&l->x, err, jp, "expected a provider object, found %s",
                             adapt_json_kind(o));
        adapt_warn_unknown_keys(&l->x, o, jp, known);
        if ((rc = get_id(&l->x, o, jp, "id", true, &id, err)))
            return rc;
        if (find_provider(c, id) >= 0)
            return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "id"),
                             "duplicate provider id \"%s\"; expected each provider once", id);
        pr->capacity = 1;
        if ((rc = get_str(&l->x, o, jp, "name", false, &name, err)) ||
            (rc = get_str(&l->x, o, jp, "specialty", false, &spec, err)) ||
            (rc = get_str(&l->x, o, jp, "phone", false, &phone, err)) ||
            (rc = get_str(&l->x, o, jp, "email", false, &email, err)) ||
            (rc = get_int(&l->x, o, jp, "capacity", false, 1, 100,
                          "a number of patients at once from 1 to 100", &pr->capacity, err)))
            return rc;
        if ((rc = dup_str(id, &pr->id, err)) || (rc = dup_str(name ? name : id, &pr->name, err)) ||
            (rc = dup_str(spec ? spec : "", &pr->specialty, err)) ||
            (rc = dup_str(phone, &pr->phone, err)) || (rc = dup_str(email, &pr->email, err)))
            return rc;
        /* Provider-wide busy time (case zone) leaves every mode. in_person
         * first: the other modes read their hours in its zone. */
        {
            struct cal_set pb = {0}, pa = {0};
            json_t *busy;
            rc = get_arr(&l->x, o, jp, "busy", false, &busy, err);
            if (rc == 0)
                rc = adapt_sources_read(&l->x, busy, adapt_jp_key(q, sizeof q, jp, "busy"),
                                        CAL_MEANING_BUSY, c->tz, &pb, &pa, err);
            for (m = 0; m < SCHED_NMODES && rc == 0; m++)
                rc = read_provider_mode(l, o, jp, (enum sched_mode)m, pr, &pb, err);
            cal_set_free(&pb);
            cal_set_free(&pa);
            if (rc)
                return rc;
        }
        if (!pr->mode[0].offered && !pr->mode[1].offered && !pr->mode[2].offered)
            careday_notes_add(l->x.warn, l->x.file, 0, jp,
                              "provider \"%s\" offers no mode (in_person, telehealth or home)", id);
    }
    return 0;
}

static const char *offered_list(const struct sched_provider *pr, char *buf, size_t size)
{
    int m;
    buf[0] = '\0';
    for (m = 0; m < SCHED_NMODES; m++) {
        if (pr->mode[m].offered) {
            size_t n = strlen(buf);
            snprintf(buf + n, size - n, "%s%s", n ? ", " : "", sched_mode_name((enum sched_mode)m));
        }
    }
    if (!buf[0])
        snprintf(buf, size, "none");
    return buf;
}

static int read_mode_name(struct loader *l, const json_t *v, const char *jp,
                          const struct sched_provider *pr, enum sched_mode *out,
                          struct careday_error *err)
{
    char offered[64];

    if (!json_is_string(v))
        return adapt_bad(&l->x, err, jp,
                         "expected a mode (\"in_person\", \"telehealth\" or \"home\"), found %s",
                         adapt_json_kind(v));
    if (sched_mode_parse(json_string_value(v), out) != 0)
        return adapt_bad(&l->x, err, jp,
                         "unknown mode \"%s\"; expected \"in_person\", \"telehealth\" or \"home\"",
                         json_string_value(v));
    if (!pr->mode[*out].offered)
        return adapt_bad(&l->x, err, jp,
                         "provider \"%s\" does not offer %s; expected one of the modes it offers "
                         "(%s)",
                         pr->id, json_string_value(v), offered_list(pr, offered, sizeof offered));
    return 0;
}

static int new_visit_id(struct loader *l, size_t upto, const char *id, const char *jp,
                        struct careday_error *err)
{
    char q[128];
    if (find_visit(l->c, upto, id) >= 0)
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "id"),
                         "duplicate visit id \"%s\"; expected each visit and booking once", id);
    return 0;
}

static int read_window(struct loader *l, const json_t *o, const char *jp, struct sched_visit *v,
                       struct careday_error *err)
{
    static const char *const known[] = {"earliest", "latest", NULL};
    struct sched_case *c = l->c;
    json_t *w;
    char wp[128], q[160], a[16], b[16], e[16];
    int rc;

    v->earliest = c->horizon_start;
    v->latest = c->horizon_end;
    if ((rc = get_obj(&l->x, o, jp, "window", false, &w, err)) || !w)
        return rc;
    adapt_jp_key(wp, sizeof wp, jp, "window");
    adapt_warn_unknown_keys(&l->x, w, wp, known);
    if ((rc = get_date(&l->x, w, wp, "earliest", false, &v->earliest, err)) ||
        (rc = get_date(&l->x, w, wp, "latest", false, &v->latest, err)))
        return rc;
    day_text(c->horizon_start, a, sizeof a);
    day_text(c->horizon_end, b, sizeof b);
    if (v->earliest < c->horizon_start || v->earliest > c->horizon_end)
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, wp, "earliest"),
                         "%s is outside the horizon; expected a date from %s to %s",
                         day_text(v->earliest, e, sizeof e), a, b);
    if (v->latest < c->horizon_start || v->latest > c->horizon_end)
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, wp, "latest"),
                         "%s is outside the horizon; expected a date from %s to %s",
                         day_text(v->latest, e, sizeof e), a, b);
    if (v->latest < v->earliest)
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, wp, "latest"),
                         "%s is before earliest (%s); expected a date on or after it",
                         day_text(v->latest, e, sizeof e), day_text(v->earliest, a, sizeof a));
    return 0;
}

static int read_priority(struct loader *l, const json_t *o, const char *jp, int *factor,
                         struct careday_error *err)
{
    const char *s = NULL;
    char q[128];
    int rc;

    *factor = 1;
    if ((rc = get_str(&l->x, o, jp, "priority", false, &s, err)) || !s)
        return rc;
    if (strcmp(s, "routine") == 0)
        *factor = 1;
    else if (strcmp(s, "soon") == 0)
        *factor = 2;
    else if (strcmp(s, "urgent") == 0)
        *factor = 4;
    else
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "priority"),
                         "unknown priority \"%s\"; expected \"routine\", \"soon\" or \"urgent\"",
                         s);
    return 0;
}

static int read_visit(struct loader *l, const json_t *o, size_t i, struct careday_error *err)
{
    static const char *const known[] = {"id",
                                        "provider",
                                        "minutes",
                                        "window",
                                        "modes",
                                        "prefer",
                                        "priority",
                                        "before",
                                        "same_day_as",
                                        "telehealth_needs_nurse",
                                        "home_needs_nurse",
                                        "purpose",
                                        NULL};
    struct sched_case *c = l->c;
    struct sched_visit *v = &c->visits[i];
    const struct sched_provider *pr;
    const char *id = NULL, *prov = NULL, *prefer = NULL, *purpose = NULL;
    json_t *modes;
    char jp[64], q[128];
    size_t k;
    int rc;

    adapt_jp_index(jp, sizeof jp, "visits", i);
    v->same_day_as = -1;
    if (!json_is_object(o))
        return adapt_bad(&l->x, err, jp, "expected a visit object, found %s", adapt_json_kind(o));
    adapt_warn_unknown_keys(&l->x, o, jp, known);
    if ((rc = get_id(&l->x, o, jp, "id", true, &id, err)) ||
        (rc = new_visit_id(l, i, id, jp, err)) || (rc = dup_str(id, &v->id, err)))
        return rc;
    if ((rc = get_id(&l->x, o, jp, "provider", true, &prov, err)))
        return rc;
    v->provider = find_provider(c, prov);
    if (v->provider < 0)
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "provider"),
                         "unknown provider id \"%s\"; expected the id of a provider in "
                         "\"providers\"",
                         prov);
    pr = &c->providers[v->provider];
    if ((rc = get_int(&l->x, o, jp, "minutes", true, 1, 720,
                      "a duration in whole minutes from 1 to 720", &v->minutes, err)) ||
        (rc = read_window(l, o, jp, v, err)) ||
        (rc = read_priority(l, o, jp, &v->priority_factor, err)) ||
        (rc = get_bool(&l->x, o, jp, "telehealth_needs_nurse", &v->telehealth_needs_nurse, err)) ||
        (rc = get_bool(&l->x, o, jp, "home_needs_nurse", &v->home_needs_nurse, err)) ||
        (rc = get_str(&l->x, o, jp, "purpose", false, &purpose, err)) ||
        (rc = dup_str(purpose, &v->purpose, err)))
        return rc;

    if ((rc = get_arr(&l->x, o, jp, "modes", false, &modes, err)))
        return rc;
    if (!modes) {
        enum sched_mode m = SCHED_IN_PERSON;
        if (!pr->mode[m].offered) {
            char offered[64];
            return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "modes"),
                             "missing; a visit without \"modes\" is in person, and provider "
                             "\"%s\" does not offer in_person; expected a list of the modes "
                             "it offers (%s)",
                             pr->id, offered_list(pr, offered, sizeof offered));
        }
        v->modes = 1u << m;
        v->order[0] = m;
        v->nmodes = 1;
    } else {
        json_t *mv;
        char mp[128], ep[160];
        adapt_jp_key(mp, sizeof mp, jp, "modes");
        if (json_array_size(modes) == 0)
            return adapt_bad(&l->x, err, mp,
                             "expected at least one mode (\"in_person\", \"telehealth\", "
                             "\"home\")");
        json_array_foreach(modes, k, mv)
        {
            enum sched_mode m;
            adapt_jp_index(ep, sizeof ep, mp, k);
            if ((rc = read_mode_name(l, mv, ep, pr, &m, err)))
                return rc;
            if (v->modes & (1u << m))
                return adapt_bad(&l->x, err, ep, "mode %s is listed twice; expected each once",
                                 sched_mode_name(m));
            v->modes |= 1u << m;
            v->order[v->nmodes++] = m;
        }
    }
    v->prefer = v->order[0];
    if ((rc = get_str(&l->x, o, jp, "prefer", false, &prefer, err)))
        return rc;
    if (prefer) {
        enum sched_mode m;
        adapt_jp_key(q, sizeof q, jp, "prefer");
        if (sched_mode_parse(prefer, &m) != 0)
            return adapt_bad(&l->x, err, q,
                             "unknown mode \"%s\"; expected \"in_person\", \"telehealth\" or "
                             "\"home\"",
                             prefer);
        if (!(v->modes & (1u << m)))
            return adapt_bad(&l->x, err, q,
                             "%s is not in \"modes\"; expected one of the listed "
                             "modes",
                             prefer);
        v->prefer = m;
    }
    return 0;
}

static int read_booking(struct loader *l, const json_t *o, size_t k, size_t *n,
                        struct careday_error *err)
{
    static const char *const known[] = {"id",      "provider", "start",    "minutes", "mode",
                                        "movable", "purpose",  "priority", NULL};
    struct sched_case *c = l->c;
    struct sched_visit *v = &c->visits[*n];
    const struct sched_provider *pr;
    const char *id = NULL, *prov = NULL, *start = NULL, *purpose = NULL;
    json_t *mode;
    char jp[64], q[128];
    cal_time t;
    int32_t day;
    int minute, rc;

    adapt_jp_index(jp, sizeof jp, "booked", k);
    v->same_day_as = -1;
    if (!json_is_object(o))
        return adapt_bad(&l->x, err, jp, "expected a booking object, found %s", adapt_json_kind(o));
    adapt_warn_unknown_keys(&l->x, o, jp, known);
    if ((rc = get_id(&l->x, o, jp, "id", true, &id, err)) ||
        (rc = new_visit_id(l, *n, id, jp, err)))
        return rc;
    if ((rc = get_id(&l->x, o, jp, "provider", true, &prov, err)))
        return rc;
    v->provider = find_provider(c, prov);
    if (v->provider < 0)
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "provider"),
                         "unknown provider id \"%s\"; expected the id of a provider in "
                         "\"providers\"",
                         prov);
    pr = &c->providers[v->provider];
    if ((rc = get_str(&l->x, o, jp, "start", true, &start, err)))
        return rc;
    if (cal_parse_rfc3339(start, &t) != 0)
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "start"),
                         "expected an RFC 3339 instant with offset such as "
                         "\"2026-12-09T10:00:00-05:00\", found \"%s\"",
                         start);
    if ((rc = get_int(&l->x, o, jp, "minutes", true, 1, 720,
                      "a duration in whole minutes from 1 to 720", &v->minutes, err)) ||
        (rc = get_bool(&l->x, o, jp, "movable", &v->movable, err)) ||
        (rc = read_priority(l, o, jp, &v->priority_factor, err)) ||
        (rc = get_str(&l->x, o, jp, "purpose", false, &purpose, err)))
        return rc;
    v->booked_mode = SCHED_IN_PERSON;
    mode = json_object_get(o, "mode");
    if (mode && (rc = read_mode_name(l, mode, adapt_jp_key(q, sizeof q, jp, "mode"), pr,
                                     &v->booked_mode, err)))
        return rc;
    if (!mode && !pr->mode[SCHED_IN_PERSON].offered) {
        char offered[64];
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "mode"),
                         "missing; a booking without \"mode\" is in person, and provider \"%s\" "
                         "does not offer in_person; expected one of the modes it offers (%s)",
                         pr->id, offered_list(pr, offered, sizeof offered));
    }
    if (t + 60 * (cal_time)v->minutes <= l->x.from || t >= l->x.to) {
        careday_notes_add(l->x.warn, l->x.file, 0, jp,
                          "booking \"%s\" at %s is outside the horizon; ignored", id, start);
        return 0;
    }
    if (t < l->x.from)
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "start"),
                         "the booking starts before the horizon and ends inside it; expected "
                         "a booking inside the horizon");
    if ((rc = dup_str(id, &v->id, err)) || (rc = dup_str(purpose, &v->purpose, err)))
        return rc;
    v->booked = true;
    v->booked_start = t;
    v->modes = 1u << v->booked_mode;
    v->order[0] = v->booked_mode;
    v->nmodes = 1;
    v->prefer = v->booked_mode;
    cal_tz_to_local(c->tz, t, &day, &minute);
    if (v->movable) {
        v->earliest = c->horizon_start;
        v->latest = c->horizon_end;
    } else {
        v->earliest = v->latest = day;
    }
    (*n)++;
    return 0;
}

/* A booked entry {"fhir": path, "provider_map": {...}}: a FHIR file of
 * Appointments rather than a calendar. */
static bool is_fhir_appointments(const json_t *bo)
{
    return json_is_object(bo) && json_object_get(bo, "fhir") && json_object_get(bo, "provider_map");
}

/* Read the Appointments of booked[k] (its provider_map checked first). */
static int read_fhir_appointments(struct loader *l, const json_t *bo, size_t k,
                                  struct fhir_appointments *out, struct careday_error *err)
{
    static const char *const known[] = {"fhir", "provider_map", NULL};
    const json_t *map, *v;
    const char *given = NULL, *key;
    char jp[64], q[320];
    char *resolved;
    int rc;

    adapt_jp_index(jp, sizeof jp, "booked", k);
    adapt_warn_unknown_keys(&l->x, bo, jp, known);
    map = json_object_get(bo, "provider_map");
    adapt_jp_key(q, sizeof q, jp, "provider_map");
    if (!json_is_object(map) || json_object_size(map) == 0)
        return adapt_bad(&l->x, err, q,
                         "expected an object mapping FHIR references to provider ids such as "
                         "{\"Practitioner/123\": \"neuro\"}, found %s",
                         json_is_object(map) ? "an empty object" : adapt_json_kind(map));
    json_object_foreach((json_t *)map, key, v)
    {
        char kq[400];
        int n = snprintf(kq, sizeof kq, "%s.%s", q, key);
        if (n < 0 || (size_t)n >= sizeof kq)
            snprintf(kq, sizeof kq, "%s", q);
        if (!json_is_string(v) || find_provider(l->c, json_string_value(v)) < 0)
            return adapt_bad(&l->x, err, kq,
                             "expected the id of a provider in \"providers\", found %s%s%s",
                             json_is_string(v) ? "\"" : "",
                             json_is_string(v) ? json_string_value(v) : adapt_json_kind(v),
                             json_is_string(v) ? "\"" : "");
    }
    if ((rc = get_str(&l->x, bo, jp, "fhir", true, &given, err)))
        return rc;
    adapt_jp_key(q, sizeof q, jp, "fhir");
    if (!given[0] || adapt_is_url(given))
        return adapt_bad(&l->x, err, q,
                         "expected a path to a FHIR Bundle or NDJSON file of "
                         "Appointments");
    resolved = adapt_resolve_path(l->x.dir, given);
    if (!resolved)
        return oom(err);
    rc = fhir_read_appointments(resolved, l->x.from, l->x.to, out, l->x.warn, err);
    free(resolved);
    if (rc == CAL_ENOMEM)
        return ADAPT_EINTERNAL;
    if (rc) {
        if (err) {
            size_t n = strlen(err->text);
            snprintf(err->text + n, sizeof err->text - n, " (source %s in %s)", q, l->x.file);
        }
        return ADAPT_EINPUT;
    }
    return 0;
}

/* The provider an Appointment is with: its first participant found in the
 * map; -1 when none is. */
static int appointment_provider(struct loader *l, const json_t *map,
                                const struct fhir_appointment *a, const char *where)
{
    const char *refs = a->participant_refs, *key;
    const json_t *v;
    int found = -1;

    while (*refs) {
        char ref[512];
        size_t n = strcspn(refs, " ");
        if (n > 0 && n < sizeof ref) {
            memcpy(ref, refs, n);
            ref[n] = '\0';
            json_object_foreach((json_t *)map, key, v)
            {
                int p;
                if (!fhir_ref_match(ref, key))
                    continue;
                p = find_provider(l->c, json_string_value(v));
                if (found < 0)
                    found = p;
                else if (p != found)
                    careday_notes_add(l->x.warn, l->x.file, 0, where,
                                      "Appointment %s: participants map to providers \"%s\" and "
                                      "\"%s\"; booked with \"%s\"",
                                      a->id, l->c->providers[found].id, l->c->providers[p].id,
                                      l->c->providers[found].id);
            }
        }
        refs += n;
        while (*refs == ' ')
            refs++;
    }
    return found;
}

/* Each Appointment of booked[k] becomes a fixed booking at *n. */
static int add_fhir_bookings(struct loader *l, const json_t *bo, size_t k,
                             const struct fhir_appointments *ap, size_t *n,
                             struct careday_error *err)
{
    static const enum sched_mode order[] = {SCHED_IN_PERSON, SCHED_TELEHEALTH, SCHED_HOME};
    struct sched_case *c = l->c;
    const json_t *map = json_object_get(bo, "provider_map");
    char jp[64], where[96];
    size_t i;
    int rc;

    adapt_jp_index(jp, sizeof jp, "booked", k);
    adapt_jp_key(where, sizeof where, jp, "fhir");
    for (i = 0; i < ap->n; i++) {
        const struct fhir_appointment *a = &ap->v[i];
        struct sched_visit *v = &c->visits[*n];
        const struct sched_provider *pr;
        char idbuf[64];
        const char *id = a->id;
        int32_t day;
        int minute, m, prov;

        if (!id[0]) {
            snprintf(idbuf, sizeof idbuf, "appointment-%zu", i + 1);
            id = idbuf;
        }
        prov = appointment_provider(l, map, a, where);
        if (prov < 0 || a->start < l->x.from) {
            /* Not a booking careday can place, but the family still goes. */
            if (prov < 0)
                careday_notes_add(l->x.warn, l->x.file, 0, where,
                                  "Appointment %s: no participant (%s) is in provider_map; not "
                                  "booked, kept as busy time for the family",
                                  id, a->participant_refs[0] ? a->participant_refs : "none");
            else
                careday_notes_add(l->x.warn, l->x.file, 0, where,
                                  "Appointment %s starts before the horizon; not booked, kept as "
                                  "busy time for the family",
                                  id);
            if (cal_set_add(&c->family.busy, a->start < l->x.from ? l->x.from : a->start,
                            a->end > l->x.to ? l->x.to : a->end))
                return oom(err);
            continue;
        }
        if (a->minutes < 1 || a->minutes > 720)
            return adapt_bad(&l->x, err, where,
                             "Appointment %s lasts %d minutes; expected 1 to 720", id, a->minutes);
        pr = &c->providers[prov];
        for (m = 0; m < 3 && !pr->mode[order[m]].offered; m++)
            ;
        if (m == 3)
            return adapt_bad(&l->x, err, where,
                             "Appointment %s is with provider \"%s\", which offers no mode", id,
                             pr->id);
        if ((rc = new_visit_id(l, *n, id, where, err)) || (rc = dup_str(id, &v->id, err)) ||
            (rc = dup_str(a->description, &v->purpose, err)))
            return rc;
        if (strcmp(a->status, "pending") == 0 || strcmp(a->status, "proposed") == 0)
            careday_notes_add(l->x.warn, l->x.file, 0, where,
                              "Appointment %s is %s (not confirmed); booked as fixed", id,
                              a->status);
        v->same_day_as = -1;
        v->provider = prov;
        v->minutes = a->minutes;
        v->priority_factor = 1;
        v->movable = false;
        v->booked = true;
        v->booked_start = a->start;
        v->booked_mode = order[m];
        v->modes = 1u << v->booked_mode;
        v->order[0] = v->booked_mode;
        v->nmodes = 1;
        v->prefer = v->booked_mode;
        cal_tz_to_local(c->tz, a->start, &day, &minute);
        v->earliest = v->latest = day;
        l->vobj[*n] = bo;
        l->vpath[*n] = strdup(jp);
        if (!l->vpath[*n])
            return oom(err);
        (*n)++;
    }
    return 0;
}

/* `before` and `same_day_as` refer to visits by id; read them once every id
 * is known. */
static int read_links(struct loader *l, size_t i, struct careday_error *err)
{
    static const char *const known[] = {"visit", "min_gap_minutes", "max_gap_minutes", NULL};
    struct sched_case *c = l->c;
    struct sched_visit *v = &c->visits[i];
    const json_t *o = l->vobj[i];
    const char *jp = l->vpath[i];
    const char *other = NULL;
    json_t *before, *b;
    char q[128], bp[160];
    size_t k;
    int rc;

    if ((rc = get_id(&l->x, o, jp, "same_day_as", false, &other, err)))
        return rc;
    if (other) {
        adapt_jp_key(q, sizeof q, jp, "same_day_as");
        v->same_day_as = find_visit(c, c->nvisits, other);
        if (v->same_day_as < 0)
            return adapt_bad(&l->x, err, q,
                             "unknown visit id \"%s\"; expected the id of another visit", other);
        if ((size_t)v->same_day_as == i)
            return adapt_bad(&l->x, err, q,
                             "a visit cannot be paired with itself; expected the "
                             "id of another visit");
    }
    if ((rc = get_arr(&l->x, o, jp, "before", false, &before, err)) || !before)
        return rc;
    v->before = calloc(json_array_size(before) ? json_array_size(before) : 1, sizeof *v->before);
    if (!v->before)
        return oom(err);
    json_array_foreach(before, k, b)
    {
        struct sched_lag *lag = &v->before[k];
        adapt_jp_index(bp, sizeof bp, adapt_jp_key(q, sizeof q, jp, "before"), k);
        if (!json_is_object(b))
            return adapt_bad(&l->x, err, bp,
                             "expected an object such as {\"visit\": \"id\", "
                             "\"min_gap_minutes\": 0}, found %s",
                             adapt_json_kind(b));
        adapt_warn_unknown_keys(&l->x, b, bp, known);
        if ((rc = get_id(&l->x, b, bp, "visit", true, &other, err)))
            return rc;
        lag->visit = find_visit(c, c->nvisits, other);
        if (lag->visit < 0)
            return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, bp, "visit"),
                             "unknown visit id \"%s\"; expected the id of another visit", other);
        if ((size_t)lag->visit == i)
            return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, bp, "visit"),
                             "a visit cannot come before itself; expected the id of another "
                             "visit");
        lag->min_gap_minutes = 0;
        lag->max_gap_minutes = -1;
        if ((rc = get_int(&l->x, b, bp, "min_gap_minutes", false, 0, 366 * 1440,
                          "minutes from 0 to 527040", &lag->min_gap_minutes, err)) ||
            (rc = get_int(&l->x, b, bp, "max_gap_minutes", false, 0, 366 * 1440,
                          "minutes from 0 to 527040", &lag->max_gap_minutes, err)))
            return rc;
        if (lag->max_gap_minutes >= 0 && lag->max_gap_minutes < lag->min_gap_minutes)
            return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, bp, "max_gap_minutes"),
                             "%d is less than min_gap_minutes (%d); expected a maximum at least "
                             "the minimum",
                             lag->max_gap_minutes, lag->min_gap_minutes);
        v->nbefore = k + 1;
    }
    return 0;
}

/* Depth-first search for a cycle of `before`; state 0 new, 1 on the path,
 * 2 done. On a cycle, names the edge that closes it. */
static int before_dfs(struct loader *l, size_t i, unsigned char *state, struct careday_error *err)
{
    struct sched_case *c = l->c;
    size_t k;
    int rc;

    state[i] = 1;
    for (k = 0; k < c->visits[i].nbefore; k++) {
        size_t j = (size_t)c->visits[i].before[k].visit;
        if (state[j] == 1) {
            char q[192];
            snprintf(q, sizeof q, "%s.before[%zu].visit", l->vpath[i], k);
            return adapt_bad(&l->x, err, q,
                             "\"before\" forms a cycle (\"%s\" before \"%s\", which comes before "
                             "\"%s\" again); expected an order without loops",
                             c->visits[i].id, c->visits[j].id, c->visits[i].id);
        }
        if (state[j] == 0 && (rc = before_dfs(l, j, state, err)))
            return rc;
    }
    state[i] = 2;
    return 0;
}

static int read_visits(struct loader *l, struct careday_error *err)
{
    struct sched_case *c = l->c;
    json_t *visits, *booked, *o;
    struct fhir_appointments *appts = NULL;
    size_t i, nb, total, n;
    unsigned char *state;
    int rc;

    if ((rc = get_arr(&l->x, l->root, "", "visits", true, &visits, err)) ||
        (rc = get_arr(&l->x, l->root, "", "booked", false, &booked, err)))
        return rc;
    l->ndue = json_array_size(visits);
    nb = booked ? json_array_size(booked) : 0;
    total = l->ndue + nb;
    /* FHIR Appointment files first: each may give several bookings. */
    appts = calloc(nb ? nb : 1, sizeof *appts);
    if (!appts)
        return oom(err);
    for (i = 0; i < nb; i++) {
        const json_t *bo = json_array_get(booked, i);
        if (!is_fhir_appointments(bo))
            continue;
        if ((rc = read_fhir_appointments(l, bo, i, &appts[i], err)))
            goto out;
        total += appts[i].n;
    }
    c->visits = calloc(total ? total : 1, sizeof *c->visits);
    l->vobj = calloc(total ? total : 1, sizeof *l->vobj);
    l->vpath = calloc(total ? total : 1, sizeof *l->vpath);
    if (!c->visits || !l->vobj || !l->vpath) {
        rc = oom(err);
        goto out;
    }
    l->nvpath = total;
    c->nvisits = total;
    json_array_foreach(visits, i, o)
    {
        char jp[64];
        if ((rc = read_visit(l, o, i, err)))
            goto out;
        l->vobj[i] = o;
        l->vpath[i] = strdup(adapt_jp_index(jp, sizeof jp, "visits", i));
        if (!l->vpath[i]) {
            rc = oom(err);
            goto out;
        }
    }
    n = l->ndue;
    for (i = 0; i < nb; i++) {
        size_t before_n = n;
        const json_t *bo = json_array_get(booked, i);
        if (is_fhir_appointments(bo)) {
            if ((rc = add_fhir_bookings(l, bo, i, &appts[i], &n, err)))
                goto out;
            continue;
        }
        if (json_is_object(bo) &&
            (json_object_get(bo, "ics") || json_object_get(bo, "fhir") ||
             json_object_get(bo, "fhir_hours") || json_object_get(bo, "caldav"))) {
            /* A calendar of existing appointments: busy time for the family. */
            char jp[64];
            struct cal_set b = {0}, a = {0};
            rc = adapt_source_read(&l->x, bo, adapt_jp_index(jp, sizeof jp, "booked", i),
                                   CAL_MEANING_BUSY, c->tz, &b, &a, err);
            if (rc == 0 && cal_set_add_set(&c->family.busy, &b))
                rc = oom(err);
            cal_set_free(&b);
            cal_set_free(&a);
            if (rc)
                goto out;
            continue;
        }
        if ((rc = read_booking(l, bo, i, &n, err)))
            goto out;
        if (n > before_n) {
            char jp[64];
            l->vobj[before_n] = json_array_get(booked, i);
            l->vpath[before_n] = strdup(adapt_jp_index(jp, sizeof jp, "booked", i));
            if (!l->vpath[before_n]) {
                rc = oom(err);
                goto out;
            }
        } else {
            /* Skipped: clear whatever the reader left in the slot. */
            free(c->visits[n].id);
            free(c->visits[n].purpose);
            memset(&c->visits[n], 0, sizeof c->visits[n]);
        }
    }
    for (i = 0; i < nb; i++)
        fhir_appointments_free(&appts[i]);
    free(appts);
    appts = NULL;
    c->nvisits = n;
    for (i = 0; i < l->ndue; i++) {
        if ((rc = read_links(l, i, err)))
            return rc;
    }
    state = calloc(n ? n : 1, 1);
    if (!state)
        return oom(err);
    rc = 0;
    for (i = 0; i < n && rc == 0; i++) {
        if (state[i] == 0)
            rc = before_dfs(l, i, state, err);
    }
    free(state);
    return rc;
out:
    for (i = 0; appts && i < nb; i++)
        fhir_appointments_free(&appts[i]);
    free(appts);
    return rc;
}

static int read_weights(struct loader *l, struct careday_error *err)
{
    static const char *const known[] = {"unscheduled", "trip",        "travel_minute", "in_person",
                                        "overnight",   "late_minute", "moved",         NULL};
    struct sched_weights *w = &l->c->weights;
    json_t *o;
    int rc;

    sched_weights_default(w);
    if ((rc = get_obj(&l->x, l->root, "", "weights", false, &o, err)) || !o)
        return rc;
    adapt_warn_unknown_keys(&l->x, o, "weights", known);
#define WEIGHT(name)                                                                               \
    get_num(&l->x, o, "weights", #name, false, 0, 1e9, "a weight from 0 to 1e9", &w->name, err)
    if ((rc = WEIGHT(unscheduled)) || (rc = WEIGHT(trip)) || (rc = WEIGHT(travel_minute)) ||
        (rc = WEIGHT(in_person)) || (rc = WEIGHT(overnight)) || (rc = WEIGHT(late_minute)) ||
        (rc = WEIGHT(moved)))
        return rc;
#undef WEIGHT
    return 0;
}

/* The care coordinator: organiser of --invite requests. */
static int read_coordinator(struct loader *l, struct careday_error *err)
{
    static const char *const known[] = {"name", "email", "phone", NULL};
    json_t *o;
    const char *name = NULL, *email = NULL;
    int rc;
    if ((rc = get_obj(&l->x, l->root, "", "coordinator", false, &o, err)) || !o)
        return rc;
    adapt_warn_unknown_keys(&l->x, o, "coordinator", known);
    if ((rc = get_str(&l->x, o, "coordinator", "name", false, &name, err)) ||
        (rc = get_str(&l->x, o, "coordinator", "email", true, &email, err)))
        return rc;
    if (!strchr(email, '@'))
        return adapt_bad(&l->x, err, "coordinator.email",
                         "expected an e-mail address such as name@example.org, found \"%s\"",
                         email);
    if ((rc = dup_str(name, &l->c->coordinator_name, err)) ||
        (rc = dup_str(email, &l->c->coordinator_email, err)))
        return rc;
    return 0;
}

/* Without an "id", a case is known by its family's id (case files are
 * often all called case.json), else by its file stem. */
static int settle_case_id(struct loader *l, struct careday_error *err)
{
    const json_t *fam = json_object_get(l->root, "family");
    if (json_object_get(l->root, "id") || !json_is_string(json_object_get(fam, "id")) ||
        !l->c->family.id || !*l->c->family.id)
        return 0;
    free(l->c->id);
    l->c->id = NULL;
    return dup_str(l->c->family.id, &l->c->id, err);
}

static int load_json(struct loader *l, const char *path, struct careday_error *err)
{
    json_error_t je;
    struct stat st;

    if (stat(path, &st) != 0)
        return careday_fail(err, ADAPT_EINPUT, path, 0, NULL, "cannot read the case file: %s",
                            strerror(errno));
    if (S_ISDIR(st.st_mode))
        return careday_fail(err, ADAPT_EINPUT, path, 0, NULL,
                            "is a folder; expected a case file (JSON)");
    l->root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!l->root) {
        if (json_error_code(&je) == json_error_cannot_open_file)
            return careday_fail(err, ADAPT_EINPUT, path, 0, NULL, "cannot read the case file: %s",
                                je.text);
        return careday_fail(err, ADAPT_EINPUT, path, je.line > 0 ? je.line : 0, NULL,
                            "malformed JSON at line %d, column %d: %s", je.line, je.column,
                            je.text);
    }
    if (!json_is_object(l->root))
        return careday_fail(err, ADAPT_EINPUT, path, 0, NULL,
                            "expected a JSON object at the top level, found %s",
                            adapt_json_kind(l->root));
    return 0;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *d;

    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    d = malloc((size_t)(slash - path) + 1);
    if (d) {
        memcpy(d, path, (size_t)(slash - path));
        d[slash - path] = '\0';
    }
    return d;
}

int adapt_case_load_with(const char *path, const struct adapt_load_options *o,
                         struct sched_case *out, struct careday_notes *warn,
                         struct careday_error *err)
{
    static const char *const known[] = {"careday", "id",      "name",    "timezone",    "horizon",
                                        "family",  "nursing", "places",  "travel",      "providers",
                                        "visits",  "booked",  "weights", "coordinator", NULL};
    struct sched_case c;
    struct loader l;
    struct careday_notes scratch = {0};
    char *dir = NULL;
    size_t i;
    int rc;

    memset(&c, 0, sizeof c);
    memset(&l, 0, sizeof l);
    c.family.lodging = -1;
    l.c = &c;
    l.x.file = path;
    l.x.warn = warn ? warn : &scratch;
    l.x.opt = o;
    dir = dir_of(path);
    if (!dir) {
        rc = oom(err);
        goto done;
    }
    l.x.dir = dir;

    if ((rc = load_json(&l, path, err)))
        goto done;
    adapt_warn_unknown_keys(&l.x, l.root, "", known);
    if ((rc = read_head(&l, err)) || (rc = read_places(&l, err)) || (rc = read_family(&l, err)) ||
        (rc = read_nursing(&l, err)) || (rc = read_travel(&l, err)) ||
        (rc = read_providers(&l, err)) || (rc = read_visits(&l, err)) ||
        (rc = read_weights(&l, err)) || (rc = read_coordinator(&l, err)) ||
        (rc = settle_case_id(&l, err)))
        goto done;

    rc = sched_case_validate(&c, err);
    if (rc != 0) {
        if (err && !err->file[0])
            snprintf(err->file, sizeof err->file, "%s", path);
        rc = rc == SCHED_ENOMEM ? ADAPT_EINTERNAL : ADAPT_EINPUT;
    }

done:
    if (rc == 0) {
        *out = c;
    } else {
        /* Map anything a lower layer returned onto this layer's classes. */
        if (rc != ADAPT_EINPUT && rc != ADAPT_EFETCH)
            rc = ADAPT_EINTERNAL;
        sched_case_free(&c);
    }
    if (l.vpath) {
        for (i = 0; i < l.nvpath; i++)
            free(l.vpath[i]);
    }
    free(l.vpath);
    free(l.vobj);
    json_decref(l.root);
    careday_notes_free(&scratch);
    free(dir);
    return rc;
}

int adapt_case_load(const char *path, struct sched_case *out, struct careday_notes *warn,
                    struct careday_error *err)
{
    return adapt_case_load_with(path, NULL, out, warn, err);
}
