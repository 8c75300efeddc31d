/*
 * Typed readers of case-file fields: each names the case file and the JSON
 * path of what it reads and says what was expected when the value is wrong.
 * Shared by the loader's parts (case.c, case_visits.c) and sources.c.
 */
#include "adapters/input/case_loader.h"
#include "calendars/util.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
        return cal_strdup(given);
    n = strlen(dir) + strlen(given) + 2;
    out = cal_malloc(n);
    if (out)
        snprintf(out, n, "%s/%s", dir, given);
    return out;
}

/* ---------------------------------------------------------------------------
 * Typed field readers. Each looks up key in obj (path parent.key); a
 * missing optional field leaves *out untouched.
 */

int case_oom(struct careday_error *err)
{
    return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
}

int case_get_value(const struct adapt_ctx *x, const json_t *obj, const char *parent,
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

int case_get_str(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                 bool required, const char **out, struct careday_error *err)
{
    char p[256];
    json_t *v;
    int rc = case_get_value(x, obj, parent, key, required, "a string", &v, err);

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
int case_get_id(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                bool required, const char **out, struct careday_error *err)
{
    char p[256];
    const char *s = NULL, *q;
    int rc = case_get_str(x, obj, parent, key, required, &s, err);

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

/* The string at key (case_get_str) when none of its characters is a control
 * character, a space or one of forbid; otherwise "expected <expected>,
 * found one with <what> at character N", what naming the character (a
 * character <kind> cannot hold). */
static int get_clean_str(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                         const char *key, bool required, const char *forbid, const char *expected,
                         const char *kind, const char **out, struct careday_error *err)
{
    char p[256], cannot[64];
    const char *s = NULL;
    int rc = case_get_str(x, obj, parent, key, required, &s, err);

    if (rc || !s)
        return rc;
    for (const char *q = s; *q; q++) {
        unsigned char c = (unsigned char)*q;
        if (c > 0x20 && c != 0x7F && !strchr(forbid, c))
            continue;
        snprintf(cannot, sizeof cannot, "a character %s cannot hold", kind);
        return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key),
                         "expected %s, found one with %s at character %zu", expected,
                         c < 0x20 || c == 0x7F ? "a control character (a line break?)"
                         : c == ' '            ? "a space"
                                               : cannot,
                         (size_t)(q - s) + 1);
    }
    *out = s;
    return 0;
}

int case_get_link(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                  bool required, const char **out, struct careday_error *err)
{
    return get_clean_str(x, obj, parent, key, required, "\"<>\\`{}|^",
                         "a link such as https://video.example.org/room", "links", out, err);
}

int case_get_email(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                   const char *key, bool required, const char **out, struct careday_error *err)
{
    char p[256];
    const char *s = NULL, *at;
    int rc = get_clean_str(x, obj, parent, key, required, "()<>[],;:\\\"",
                           "one e-mail address such as name@example.org", "addresses", &s, err);

    if (rc || !s)
        return rc;
    at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@'))
        return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key),
                         "expected one e-mail address such as name@example.org (one '@' between "
                         "a name and a domain)");
    *out = s;
    return 0;
}

int case_get_int(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                 bool required, long long lo, long long hi, const char *expected, int *out,
                 struct careday_error *err)
{
    char p[256];
    json_t *v;
    long long n;
    int rc = case_get_value(x, obj, parent, key, required, expected, &v, err);

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

int case_get_num(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                 bool required, double lo, double hi, const char *expected, double *out,
                 struct careday_error *err)
{
    char p[256];
    json_t *v;
    double d;
    int rc = case_get_value(x, obj, parent, key, required, expected, &v, err);

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
int case_get_typed(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                   const char *key, bool required, json_type type, const char *expected,
                   json_t **out, struct careday_error *err)
{
    char p[256];
    json_t *v;
    int rc = case_get_value(x, obj, parent, key, required, expected, &v, err);

    *out = NULL;
    if (rc || !v)
        return rc;
    if (json_typeof(v) != type)
        return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key), "expected %s, found %s",
                         expected, adapt_json_kind(v));
    *out = v;
    return 0;
}

int case_get_bool(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                  bool *out, struct careday_error *err)
{
    char p[256];
    json_t *v;
    int rc = case_get_value(x, obj, parent, key, false, "true or false", &v, err);

    if (rc || !v)
        return rc;
    if (!json_is_boolean(v))
        return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key),
                         "expected true or false, found %s", adapt_json_kind(v));
    *out = json_is_true(v);
    return 0;
}

int case_get_obj(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                 bool required, json_t **out, struct careday_error *err)
{
    return case_get_typed(x, obj, parent, key, required, JSON_OBJECT, "an object", out, err);
}

int case_get_arr(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                 bool required, json_t **out, struct careday_error *err)
{
    char p[256];
    json_t *v;
    int rc = case_get_typed(x, obj, parent, key, required, JSON_ARRAY, "an array", &v, err);

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

int case_get_date(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                  bool required, int32_t *out, struct careday_error *err)
{
    char p[256];
    const char *s = NULL;
    int32_t d;
    int rc = case_get_str(x, obj, parent, key, required, &s, err);

    if (rc || !s)
        return rc;
    if (cal_parse_date(s, &d) != 0)
        return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key),
                         "expected a date YYYY-MM-DD, found \"%s\"", s);
    *out = d;
    return 0;
}

int case_get_hhmm(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                  int *out, struct careday_error *err)
{
    char p[256];
    const char *s = NULL;
    int m;
    int rc = case_get_str(x, obj, parent, key, false, &s, err);

    if (rc || !s)
        return rc;
    if (cal_parse_hhmm(s, &m) != 0)
        return adapt_bad(x, err, adapt_jp_key(p, sizeof p, parent, key),
                         "expected a time of day HH:MM, found \"%s\"", s);
    *out = m;
    return 0;
}

int case_dup_str(const char *s, char **out, struct careday_error *err)
{
    *out = NULL;
    if (!s)
        return 0;
    *out = cal_strdup(s);
    return *out ? 0 : case_oom(err);
}

char *case_day_text(int32_t day, char *buf, size_t size)
{
    cal_format_date(day, buf, size);
    return buf;
}

int case_find_place(const struct sched_case *c, const char *id)
{
    size_t i;
    for (i = 0; i < c->nplaces; i++) {
        if (c->places[i].id && strcmp(c->places[i].id, id) == 0)
            return (int)i;
    }
    return -1;
}

int case_find_provider(const struct sched_case *c, const char *id)
{
    size_t i;
    for (i = 0; i < c->nproviders; i++) {
        if (c->providers[i].id && strcmp(c->providers[i].id, id) == 0)
            return (int)i;
    }
    return -1;
}

int case_find_visit(const struct sched_case *c, size_t n, const char *id)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (c->visits[i].id && strcmp(c->visits[i].id, id) == 0)
            return (int)i;
    }
    return -1;
}
