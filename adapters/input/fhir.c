/*
 * FHIR R4 scheduling resources: Slot, Schedule, Appointment and the weekly
 * availability of HealthcareService, PractitionerRole and Location.
 *
 * Every reader first loads its input into a "document": the JSON roots (one
 * for a JSON file, one per line for NDJSON) flattened into a list of
 * resources, each with the JSON path it was found at ("entry[3].resource")
 * and the NDJSON line, so that every message can name both. Bundles nested
 * in Bundles are flattened too, up to a small depth. Readers then walk that
 * list and dispatch on resourceType.
 */
#include "adapters/input/fhir.h"
#include "adapters/adapters.h"
#include "adapters/input/case_internal.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FHIR_MAX_FILE_BYTES (256L * 1024 * 1024)
#define FHIR_MAX_BUNDLE_DEPTH 8
#define FHIR_MAX_HORIZON_DAYS (366 * 200)
#define FHIR_PATH_MAX 256
#define FHIR_MAX_APPOINTMENT_SECONDS (366LL * 86400)

/* ---------------------------------------------------------------------------
 * Small helpers.
 */

static char *dup_str(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Make room for one more element in a vector of elements of size sz. */
static int grow(void **v, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    if (ncap > SIZE_MAX / sz)
        return CAL_ENOMEM;
    void *nv = realloc(*v, ncap * sz);
    if (!nv)
        return CAL_ENOMEM;
    *v = nv;
    *cap = ncap;
    return 0;
}

/* Make room for extra more elements. */
static int reserve(void **v, size_t *cap, size_t n, size_t extra, size_t sz)
{
    if (extra <= *cap - n)
        return 0;
    if (extra > SIZE_MAX / sz - n)
        return CAL_ENOMEM;
    size_t ncap = n + extra;
    void *nv = realloc(*v, ncap * sz);
    if (!nv)
        return CAL_ENOMEM;
    *v = nv;
    *cap = ncap;
    return 0;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return m <= n && memcmp(s + n - m, tail, m) == 0;
}

/* Length of ref without a "/_history/<version>" tail. */
static size_t ref_len(const char *ref)
{
    const char *h = strstr(ref, "/_history/");
    return h ? (size_t)(h - ref) : strlen(ref);
}

/* a ends with "/" or ":" followed by b (lengths given). */
static bool ref_tail(const char *a, size_t na, const char *b, size_t nb)
{
    if (nb == 0 || nb >= na)
        return false;
    char sep = a[na - nb - 1];
    return (sep == '/' || sep == ':') && memcmp(a + na - nb, b, nb) == 0;
}

/* See "References" in fhir.h. */
static bool ref_match(const char *a, const char *b);

bool fhir_ref_match(const char *a, const char *b)
{
    return ref_match(a, b);
}

static bool ref_match(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    size_t na = ref_len(a), nb = ref_len(b);
    if (na == 0 || nb == 0)
        return false;
    if (na == nb && memcmp(a, b, na) == 0)
        return true;
    return ref_tail(a, na, b, nb) || ref_tail(b, nb, a, na);
}

/* The resource type named by a reference: the path segment before the id
 * ("Practitioner" for "http://x/fhir/Practitioner/1/_history/2"), written to
 * buf; "" when the reference has no such segment. */
static void ref_type(const char *ref, char *buf, size_t size)
{
    size_t n = ref_len(ref);
    buf[0] = '\0';
    if (strncmp(ref, "urn:", 4) == 0 || n == 0)
        return;
    size_t i = n;
    while (i > 0 && ref[i - 1] != '/')
        i--;
    if (i == 0)
        return;
    size_t end = i - 1, start = end;
    while (start > 0 && ref[start - 1] != '/')
        start--;
    size_t len = end - start;
    if (len == 0 || len >= size)
        return;
    memcpy(buf, ref + start, len);
    buf[len] = '\0';
}

static enum fhir_actor_kind actor_kind(const char *type)
{
    if (strcmp(type, "Practitioner") == 0)
        return FHIR_ACTOR_PRACTITIONER;
    if (strcmp(type, "PractitionerRole") == 0)
        return FHIR_ACTOR_PRACTITIONER_ROLE;
    if (strcmp(type, "HealthcareService") == 0)
        return FHIR_ACTOR_HEALTHCARE_SERVICE;
    if (strcmp(type, "Location") == 0)
        return FHIR_ACTOR_LOCATION;
    return FHIR_ACTOR_OTHER;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* ---------------------------------------------------------------------------
 * The document: resources with their paths and lines.
 */

struct item {
    json_t *res;              /* borrowed from the document's roots */
    const char *type;         /* resourceType, borrowed */
    const char *id;           /* id, borrowed, NULL when absent */
    const char *full_url;     /* the entry's fullUrl, borrowed, NULL when none */
    int line;                 /* NDJSON line, 0 otherwise */
    char path[FHIR_PATH_MAX]; /* "" for a root resource, else "entry[3].resource" */
};

struct doc {
    const char *name;
    json_t **roots;
    size_t nroots, rcap;
    struct item *items;
    size_t n, cap;
    json_t *by_url; /* fullUrl -> index in items (first entry wins), a jansson hash */
    struct careday_notes *warn;
    struct careday_error *err;
};

static void doc_free(struct doc *d)
{
    for (size_t i = 0; i < d->nroots; i++)
        json_decref(d->roots[i]);
    free(d->roots);
    free(d->items);
    json_decref(d->by_url);
    d->by_url = NULL;
    d->roots = NULL;
    d->items = NULL;
    d->nroots = d->rcap = d->n = d->cap = 0;
}

static int fail(const struct doc *d, int line, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(const struct doc *d, int line, const char *path, const char *fmt, ...)
{
    char text[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return careday_fail(d->err, CAL_EPARSE, d->name, line, path && path[0] ? path : NULL, "%s",
                        text);
}

static void note(const struct doc *d, int line, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void note(const struct doc *d, int line, const char *path, const char *fmt, ...)
{
    if (!d->warn)
        return;
    char text[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    careday_notes_add(d->warn, d->name, line, path && path[0] ? path : NULL, "%s", text);
}

/* Optional member of one JSON type: *out is it, or NULL when absent.
 * Present with another type is an error naming obj_path.key. */
static int get_member(const struct doc *d, int line, json_t *obj, const char *obj_path,
                      const char *key, json_type type, const char *expected, json_t **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v)
        return 0;
    if (json_typeof(v) != type) {
        char p[FHIR_PATH_MAX];
        return fail(d, line, adapt_jp_key(p, sizeof p, obj_path, key), "expected %s", expected);
    }
    *out = v;
    return 0;
}

/* Optional string member: *out is the string, or NULL when absent. */
static int get_string(const struct doc *d, int line, json_t *obj, const char *obj_path,
                      const char *key, const char **out)
{
    json_t *v;
    int rc = get_member(d, line, obj, obj_path, key, JSON_STRING, "a string", &v);
    *out = v ? json_string_value(v) : NULL;
    return rc;
}

static int get_array(const struct doc *d, int line, json_t *obj, const char *obj_path,
                     const char *key, json_t **out)
{
    return get_member(d, line, obj, obj_path, key, JSON_ARRAY, "an array", out);
}

static int get_object(const struct doc *d, int line, json_t *obj, const char *obj_path,
                      const char *key, json_t **out)
{
    return get_member(d, line, obj, obj_path, key, JSON_OBJECT, "an object", out);
}

/* Optional boolean member: *out keeps its value when absent. */
static int get_bool(const struct doc *d, int line, json_t *obj, const char *obj_path,
                    const char *key, bool *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_boolean(v)) {
        char p[FHIR_PATH_MAX];
        return fail(d, line, adapt_jp_key(p, sizeof p, obj_path, key), "expected true or false");
    }
    *out = json_is_true(v);
    return 0;
}

/* Optional Reference member: *out is its "reference" string or NULL. */
static int get_reference(const struct doc *d, int line, json_t *obj, const char *obj_path,
                         const char *key, const char **out)
{
    json_t *r;
    char p[FHIR_PATH_MAX];
    *out = NULL;
    int rc = get_object(d, line, obj, obj_path, key, &r);
    if (rc || !r)
        return rc;
    return get_string(d, line, r, adapt_jp_key(p, sizeof p, obj_path, key), "reference", out);
}

static int add_item(struct doc *d, json_t *res, const char *type, const char *full_url, int line,
                    const char *path)
{
    if (grow((void **)&d->items, &d->cap, d->n, sizeof *d->items))
        return careday_fail(d->err, CAL_ENOMEM, d->name, line, NULL, "out of memory");
    struct item *it = &d->items[d->n++];
    memset(it, 0, sizeof *it);
    it->res = res;
    it->type = type;
    json_t *id = json_object_get(res, "id");
    it->id = json_is_string(id) ? json_string_value(id) : NULL;
    it->full_url = full_url;
    it->line = line;
    snprintf(it->path, sizeof it->path, "%s", path);
    return 0;
}

/* Add one resource found at path; Bundles are opened and their entries added
 * instead. */
static int add_resource(struct doc *d, json_t *res, const char *full_url, int line,
                        const char *path, int depth)
{
    char p[FHIR_PATH_MAX];
    const char *type;
    if (!json_is_object(res))
        return fail(d, line, path, "expected a JSON object holding a FHIR resource");
    json_t *rt = json_object_get(res, "resourceType");
    if (!json_is_string(rt))
        return fail(d, line, adapt_jp_key(p, sizeof p, path, "resourceType"),
                    "expected a string naming the FHIR resource type (this is not a FHIR "
                    "resource)");
    type = json_string_value(rt);
    if (strcmp(type, "Bundle") != 0) {
        if (json_object_get(res, "id") && !json_is_string(json_object_get(res, "id")))
            return fail(d, line, adapt_jp_key(p, sizeof p, path, "id"), "expected a string");
        return add_item(d, res, type, full_url, line, path);
    }
    if (depth >= FHIR_MAX_BUNDLE_DEPTH)
        return fail(d, line, path, "Bundles nested more than %d deep", FHIR_MAX_BUNDLE_DEPTH);

    json_t *links, *entries;
    int rc = get_array(d, line, res, path, "link", &links);
    if (rc)
        return rc;
    size_t i;
    json_t *v;
    json_array_foreach(links, i, v)
    {
        json_t *rel = json_is_object(v) ? json_object_get(v, "relation") : NULL;
        if (json_is_string(rel) && strcmp(json_string_value(rel), "next") == 0)
            note(d, line, adapt_jp_key_index(p, sizeof p, path, "link", i),
                 "this Bundle is one page of a search result (it has a next link); only this "
                 "page is read");
    }
    rc = get_array(d, line, res, path, "entry", &entries);
    if (rc)
        return rc;
    json_array_foreach(entries, i, v)
    {
        char ep[FHIR_PATH_MAX], rp[FHIR_PATH_MAX];
        const char *fu;
        adapt_jp_key_index(ep, sizeof ep, path, "entry", i);
        if (!json_is_object(v))
            return fail(d, line, ep, "expected an object (a Bundle entry)");
        rc = get_string(d, line, v, ep, "fullUrl", &fu);
        if (rc)
            return rc;
        json_t *r = json_object_get(v, "resource");
        if (!r) {
            note(d, line, ep, "ignored: entry without a resource");
            continue;
        }
        rc = add_resource(d, r, fu, line, adapt_jp_key(rp, sizeof rp, ep, "resource"), depth + 1);
        if (rc)
            return rc;
    }
    return 0;
}

static int add_root(struct doc *d, json_t *root, int line)
{
    if (grow((void **)&d->roots, &d->rcap, d->nroots, sizeof *d->roots)) {
        json_decref(root);
        return careday_fail(d->err, CAL_ENOMEM, d->name, line, NULL, "out of memory");
    }
    d->roots[d->nroots++] = root;
    return add_resource(d, root, NULL, line, "", 0);
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* NDJSON when the name says so, or when the first non-blank line is a JSON
 * object by itself and more content follows. */
static bool looks_ndjson(const char *data, size_t len, const char *name)
{
    if (name && (ends_with(name, ".ndjson") || ends_with(name, ".jsonl")))
        return true;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        if (!blank(data + pos, end - pos)) {
            if (end >= len || blank(data + end, len - end))
                return false;
            json_error_t je;
            json_t *v = json_loadb(data + pos, end - pos, 0, &je);
            bool obj = json_is_object(v);
            json_decref(v);
            return obj;
        }
        pos = end + 1;
    }
    return false;
}

static int load_ndjson(struct doc *d, const char *data, size_t len)
{
    size_t pos = 0;
    int line = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        line++;
        if (!blank(data + pos, end - pos)) {
            json_error_t je;
            json_t *v = json_loadb(data + pos, end - pos, JSON_REJECT_DUPLICATES, &je);
            if (!v)
                return fail(d, line, NULL,
                            "expected one JSON object (a FHIR resource) on this NDJSON line: %s "
                            "at column %d",
                            je.text, je.column);
            int rc = add_root(d, v, line);
            if (rc)
                return rc;
        }
        pos = end + 1;
    }
    return 0;
}

/* Index the entries by fullUrl so that references resolve in constant time. */
static int doc_index(struct doc *d)
{
    d->by_url = json_object();
    if (!d->by_url)
        goto nomem;
    for (size_t i = 0; i < d->n; i++) {
        const struct item *it = &d->items[i];
        if (!it->full_url || !it->id || json_object_get(d->by_url, it->full_url))
            continue;
        if (json_object_set_new(d->by_url, it->full_url, json_integer((json_int_t)i)))
            goto nomem;
    }
    return 0;
nomem:
    return careday_fail(d->err, CAL_ENOMEM, d->name, 0, NULL, "out of memory");
}

static int doc_load(struct doc *d, const char *data, size_t len)
{
    int rc;
    if (looks_ndjson(data, len, d->name)) {
        rc = load_ndjson(d, data, len);
    } else {
        json_error_t je;
        json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
        if (!root)
            return fail(d, je.line > 0 ? je.line : 0, NULL,
                        "expected JSON (a FHIR resource, a Bundle or NDJSON): %s at column %d",
                        je.text, je.column);
        rc = add_root(d, root, 0);
    }
    return rc ? rc : doc_index(d);
}

static int read_file(const char *path, char **data, size_t *len, struct careday_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return careday_fail(err, CAL_EIO, path, 0, NULL, "cannot open: %s", strerror(errno));
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (cap - n < 65536) {
            if (cap >= (size_t)FHIR_MAX_FILE_BYTES) {
                rc = careday_fail(err, CAL_EIO, path, 0, NULL, "file larger than %ld bytes",
                                  FHIR_MAX_FILE_BYTES);
                goto out;
            }
            size_t ncap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                rc = careday_fail(err, CAL_ENOMEM, path, 0, NULL, "out of memory");
                goto out;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                rc = careday_fail(err, CAL_EIO, path, 0, NULL, "cannot read: %s", strerror(errno));
            break;
        }
    }
out:
    fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    *data = buf;
    *len = n;
    return 0;
}

/* The "Type/id" of the resource whose entry has this fullUrl, written to
 * buf; false when no entry has it. */
static bool doc_resolve(const struct doc *d, const char *ref, char *buf, size_t size)
{
    json_t *i = ref && d->by_url ? json_object_get(d->by_url, ref) : NULL;
    if (!i)
        return false;
    const struct item *it = &d->items[json_integer_value(i)];
    snprintf(buf, size, "%s/%s", it->type, it->id);
    return true;
}

/* A reference matches a wanted one as written or as resolved in the document. */
static bool doc_ref_match(const struct doc *d, const char *ref, const char *want)
{
    char res[FHIR_PATH_MAX];
    if (ref_match(ref, want))
        return true;
    return doc_resolve(d, ref, res, sizeof res) && ref_match(res, want);
}

/* "Location, Practitioner" for the types in the document, for messages. */
static void doc_types(const struct doc *d, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < d->n && used + 1 < size; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(d->items[j].type, d->items[i].type) == 0;
        if (seen)
            continue;
        int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", d->items[i].type);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (used >= size)
        buf[size - 1] = '\0';
    if (!buf[0])
        snprintf(buf, size, "nothing");
}

/* An OperationOutcome in a search result: its issues become notes. */
static void note_outcome(const struct doc *d, const struct item *it)
{
    json_t *issues = json_object_get(it->res, "issue");
    size_t i;
    json_t *v;
    char p[FHIR_PATH_MAX];
    if (!json_is_array(issues) || json_array_size(issues) == 0) {
        note(d, it->line, it->path, "OperationOutcome without issues");
        return;
    }
    json_array_foreach(issues, i, v)
    {
        json_t *sev = json_object_get(v, "severity");
        json_t *diag = json_object_get(v, "diagnostics");
        json_t *details = json_object_get(v, "details");
        json_t *text = json_is_object(details) ? json_object_get(details, "text") : NULL;
        const char *msg = json_is_string(diag)   ? json_string_value(diag)
                          : json_is_string(text) ? json_string_value(text)
                                                 : "(no text)";
        note(d, it->line, adapt_jp_key_index(p, sizeof p, it->path, "issue", i),
             "the server said (%s): %s",
             json_is_string(sev) ? json_string_value(sev) : "no severity", msg);
    }
}

/* ---------------------------------------------------------------------------
 * Times.
 */

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* A FHIR instant: date, "T", time, and an offset ("Z" or ±HH:MM). */
static int parse_instant(const char *s, cal_time *t)
{
    size_t n = strlen(s);
    if (n < 17 || s[10] != 'T')
        return CAL_EINVAL;
    bool zone = s[n - 1] == 'Z' || s[n - 1] == 'z' ||
                (n >= 22 && (s[n - 6] == '+' || s[n - 6] == '-') && s[n - 3] == ':');
    if (!zone)
        return CAL_EINVAL;
    return cal_parse_rfc3339(s, t) == 0 ? 0 : CAL_EINVAL;
}

/* A FHIR dateTime of any precision. Partial values (YYYY, YYYY-MM,
 * YYYY-MM-DD) are read in tz: their start, or with is_end their end
 * (exclusive), since a Period's end includes its whole last unit. */
static int parse_datetime(const char *s, const cal_tz *tz, bool is_end, cal_time *t)
{
    size_t n = strlen(s);
    int32_t day;
    if (n > 10)
        return parse_instant(s, t);
    if (n == 10) {
        if (cal_parse_date(s, &day))
            return CAL_EINVAL;
        *t = cal_tz_local_to_utc(tz, is_end ? day + 1 : day, 0);
        return 0;
    }
    if (n == 7 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2)) {
        int y = num(s, 4), m = num(s + 5, 2);
        if (m < 1 || m > 12)
            return CAL_EINVAL;
        if (is_end && ++m > 12) {
            m = 1;
            y++;
        }
        *t = cal_tz_local_to_utc(tz, cal_days_from_civil(y, m, 1), 0);
        return 0;
    }
    if (n == 4 && digits(s, 4)) {
        int y = num(s, 4) + (is_end ? 1 : 0);
        *t = cal_tz_local_to_utc(tz, cal_days_from_civil(y, 1, 1), 0);
        return 0;
    }
    return CAL_EINVAL;
}

/* A FHIR time "HH:MM:SS" (fraction allowed; "HH:MM" accepted) to seconds
 * after midnight. */
static int parse_time_of_day(const char *s, int *sec)
{
    size_t n = strlen(s);
    if (n < 5 || !digits(s, 2) || s[2] != ':' || !digits(s + 3, 2))
        return CAL_EINVAL;
    int h = num(s, 2), m = num(s + 3, 2), sc = 0;
    if (n > 5) {
        if (n < 8 || s[5] != ':' || !digits(s + 6, 2))
            return CAL_EINVAL;
        sc = num(s + 6, 2);
        if (n > 8 && (s[8] != '.' || n == 9 || !digits(s + 9, (int)(n - 9))))
            return CAL_EINVAL;
    }
    if (h > 23 || m > 59 || sc > 59)
        return CAL_EINVAL;
    *sec = h * 3600 + m * 60 + sc;
    return 0;
}

/* Local second-of-day (0..86400) on a day to UTC. */
static cal_time local_time(const cal_tz *tz, int32_t day, int sec)
{
    if (sec >= 86400)
        return cal_tz_local_to_utc(tz, day + 1, 0);
    return cal_tz_local_to_utc(tz, day, sec / 60) + sec % 60;
}

/* Required instant member. */
static int get_instant(const struct doc *d, const struct item *it, const char *key, const char *why,
                       cal_time *t, bool *present)
{
    char p[FHIR_PATH_MAX];
    const char *s;
    int rc = get_string(d, it->line, it->res, it->path, key, &s);
    if (rc)
        return rc;
    if (present)
        *present = s != NULL;
    if (!s) {
        if (present)
            return 0;
        return fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, key),
                    "missing: expected an instant such as 2025-03-03T09:00:00-05:00 (%s)", why);
    }
    if (parse_instant(s, t))
        return fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, key),
                    "expected an instant with date, time and offset such as "
                    "2025-03-03T09:00:00-05:00, not \"%s\"",
                    s);
    return 0;
}

/* Text of the first CodeableConcept of member key (an array or one object):
 * its text, else its first coding's display, else its code. */
static const char *concept_text(json_t *res, const char *key)
{
    json_t *v = json_object_get(res, key);
    if (json_is_array(v))
        v = json_array_get(v, 0);
    if (!json_is_object(v))
        return NULL;
    json_t *t = json_object_get(v, "text");
    if (json_is_string(t))
        return json_string_value(t);
    json_t *codings = json_object_get(v, "coding");
    json_t *c = json_is_array(codings) ? json_array_get(codings, 0) : NULL;
    if (!json_is_object(c))
        return NULL;
    t = json_object_get(c, "display");
    if (json_is_string(t))
        return json_string_value(t);
    t = json_object_get(c, "code");
    return json_is_string(t) ? json_string_value(t) : NULL;
}

/* ---------------------------------------------------------------------------
 * Schedules.
 */

static void schedule_free(struct fhir_schedule *s)
{
    for (size_t i = 0; i < s->nactors; i++) {
        free(s->actors[i].reference);
        free(s->actors[i].resolved);
        free(s->actors[i].display);
    }
    free(s->actors);
    free(s->id);
    free(s->full_url);
    memset(s, 0, sizeof *s);
}

void fhir_schedules_free(struct fhir_schedules *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        schedule_free(&s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

bool fhir_schedule_has_actor(const struct fhir_schedule *s, const char *actor)
{
    if (!s || !actor)
        return false;
    for (size_t i = 0; i < s->nactors; i++)
        if (ref_match(s->actors[i].reference, actor) || ref_match(s->actors[i].resolved, actor))
            return true;
    return false;
}

bool fhir_schedule_is(const struct fhir_schedule *s, const char *ref)
{
    if (!s || !ref)
        return false;
    if (s->full_url && strcmp(s->full_url, ref) == 0)
        return true;
    if (!s->id || !s->id[0])
        return false;
    char own[FHIR_PATH_MAX];
    snprintf(own, sizeof own, "Schedule/%s", s->id);
    return ref_match(ref, own);
}

/* Read one Schedule item into *s (zeroed by the caller). */
static int schedule_parse(const struct doc *d, const struct item *it, struct fhir_schedule *s)
{
    char p[FHIR_PATH_MAX], ap[FHIR_PATH_MAX];
    json_t *actors;
    int rc;
    s->active = true;
    s->line = it->line;
    if ((rc = get_bool(d, it->line, it->res, it->path, "active", &s->active)))
        return rc;
    if ((rc = get_array(d, it->line, it->res, it->path, "actor", &actors)))
        return rc;
    s->id = dup_str(it->id ? it->id : "");
    s->full_url = it->full_url ? dup_str(it->full_url) : NULL;
    if (!s->id || (it->full_url && !s->full_url))
        goto nomem;
    size_t n = json_array_size(actors);
    if (n) {
        s->actors = calloc(n, sizeof *s->actors);
        if (!s->actors)
            goto nomem;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_array_get(actors, i);
        const char *ref, *display;
        adapt_jp_key_index(ap, sizeof ap, it->path, "actor", i);
        if (!json_is_object(a))
            return fail(d, it->line, ap, "expected a Reference object");
        if ((rc = get_string(d, it->line, a, ap, "reference", &ref)) ||
            (rc = get_string(d, it->line, a, ap, "display", &display)))
            return rc;
        if (!ref) {
            note(d, it->line, ap, "ignored: actor without a reference (%s)",
                 display ? display : "no display either");
            continue;
        }
        struct fhir_actor *fa = &s->actors[s->nactors++];
        char resolved[FHIR_PATH_MAX], type[64];
        if (!doc_resolve(d, ref, resolved, sizeof resolved))
            snprintf(resolved, sizeof resolved, "%s", ref);
        ref_type(resolved, type, sizeof type);
        fa->kind = actor_kind(type);
        fa->reference = dup_str(ref);
        fa->resolved = dup_str(resolved);
        fa->display = display ? dup_str(display) : NULL;
        if (!fa->reference || !fa->resolved || (display && !fa->display))
            goto nomem;
    }
    if (s->nactors == 0)
        note(d, it->line, adapt_jp_key(p, sizeof p, it->path, "actor"),
             "Schedule %s names no actor, so no provider can pick its Slots", s->id);
    return 0;
nomem:
    return careday_fail(d->err, CAL_ENOMEM, d->name, it->line, NULL, "out of memory");
}

/* Every Schedule of the document, appended to out (left as is on failure). */
static int doc_schedules(const struct doc *d, struct fhir_schedules *out)
{
    struct fhir_schedules tmp = {0};
    int rc = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->items[i].type, "Schedule") != 0)
            continue;
        if (grow((void **)&tmp.v, &tmp.cap, tmp.n, sizeof *tmp.v)) {
            rc = careday_fail(d->err, CAL_ENOMEM, d->name, 0, NULL, "out of memory");
            goto out;
        }
        memset(&tmp.v[tmp.n], 0, sizeof tmp.v[tmp.n]);
        rc = schedule_parse(d, &d->items[i], &tmp.v[tmp.n]);
        tmp.n++;
        if (rc)
            goto out;
    }
    if (reserve((void **)&out->v, &out->cap, out->n, tmp.n, sizeof *out->v)) {
        rc = careday_fail(d->err, CAL_ENOMEM, d->name, 0, NULL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < tmp.n; i++)
        out->v[out->n++] = tmp.v[i];
    free(tmp.v);
    return 0;
out:
    fhir_schedules_free(&tmp);
    return rc;
}

int fhir_read_schedule_actors_buffer(const char *data, size_t len, const char *name,
                                     struct fhir_schedules *out, struct careday_notes *warn,
                                     struct careday_error *err)
{
    struct doc d = {.name = name ? name : "(buffer)", .warn = warn, .err = err};
    size_t before = out->n;
    int rc = doc_load(&d, data, len);
    if (!rc)
        rc = doc_schedules(&d, out);
    if (!rc && out->n == before) {
        char types[200];
        doc_types(&d, types, sizeof types);
        note(&d, 0, NULL, "ignored: no Schedule in this file (it holds %s)", types);
    }
    doc_free(&d);
    return rc;
}

int fhir_read_schedule_actors(const char *path, struct fhir_schedules *out,
                              struct careday_notes *warn, struct careday_error *err)
{
    char *data;
    size_t len;
    int rc = read_file(path, &data, &len, err);
    if (rc)
        return rc;
    rc = fhir_read_schedule_actors_buffer(data, len, path, out, warn, err);
    free(data);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Slots.
 */

struct slot {
    cal_time start, end;
    bool busy;
    char *summary, *uid, *origin;
    int line;
};

struct slots {
    struct slot *v;
    size_t n, cap;
};

static void slots_free(struct slots *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].summary);
        free(s->v[i].uid);
        free(s->v[i].origin);
    }
    free(s->v);
}

/* Types that a Slot search returns as included context. */
static const char *const slot_context[] = {"Schedule",          "Practitioner", "PractitionerRole",
                                           "HealthcareService", "Location",     "Organization",
                                           "Endpoint",          "Device",       NULL};

struct slot_filter {
    const struct fhir_slot_query *q;
    const struct fhir_schedules *local; /* Schedules of this document */
    size_t unknown_schedule;            /* Slots dropped: Schedule not found for actor */
};

static bool slot_wanted(const struct doc *d, struct slot_filter *f, const char *sched)
{
    const struct fhir_slot_query *q = f->q;
    if (!q)
        return true;
    if (q->schedule && !doc_ref_match(d, sched, q->schedule))
        return false;
    if (!q->actor)
        return true;
    const struct fhir_schedules *lists[2] = {f->local, q->schedules};
    bool known = false;
    for (int l = 0; l < 2; l++) {
        if (!lists[l])
            continue;
        for (size_t i = 0; i < lists[l]->n; i++) {
            const struct fhir_schedule *s = &lists[l]->v[i];
            if (!sched || !fhir_schedule_is(s, sched))
                continue;
            known = true;
            if (fhir_schedule_has_actor(s, q->actor))
                return true;
        }
    }
    if (!known)
        f->unknown_schedule++;
    return false;
}

static int slot_read(const struct doc *d, const struct item *it, const struct cal_read_options *opt,
                     struct slot_filter *f, struct slots *out, bool *kept)
{
    static const char *const busy_codes[] = {"busy", "busy-unavailable", "busy-tentative", NULL};
    char p[FHIR_PATH_MAX];
    const char *status, *sched = NULL, *id = it->id ? it->id : "(no id)";
    cal_time start, end;
    int rc;
    *kept = false;
    if ((rc = get_string(d, it->line, it->res, it->path, "status", &status)))
        return rc;
    if (!status)
        return fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "status"),
                    "missing: expected free, busy, busy-unavailable, busy-tentative or "
                    "entered-in-error");
    bool busy = in_list(status, busy_codes);
    if (!busy && strcmp(status, "free") != 0 && strcmp(status, "entered-in-error") != 0)
        return fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "status"),
                    "expected free, busy, busy-unavailable, busy-tentative or entered-in-error, "
                    "not \"%s\"",
                    status);
    if ((rc = get_reference(d, it->line, it->res, it->path, "schedule", &sched)))
        return rc;
    if (strcmp(status, "entered-in-error") == 0) {
        /* Its times may be as wrong as the rest: not checked. */
        if (!slot_wanted(d, f, sched))
            return 0;
        *kept = true;
        note(d, it->line, adapt_jp_key(p, sizeof p, it->path, "status"),
             "ignored: Slot %s is entered-in-error", id);
        return 0;
    }
    if ((rc = get_instant(d, it, "start", "a Slot has a start", &start, NULL)) ||
        (rc = get_instant(d, it, "end", "a Slot has an end", &end, NULL)))
        return rc;
    if (end < start)
        return fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "end"),
                    "expected an instant after start (the Slot ends before it starts)");
    if (!slot_wanted(d, f, sched))
        return 0;
    *kept = true;
    if (end == start) {
        note(d, it->line, it->path, "ignored: Slot %s is empty (start equals end)", id);
        return 0;
    }
    if (end <= opt->from || start >= opt->to)
        return 0;

    char summary[300], origin[200];
    const char *service = concept_text(it->res, "serviceType");
    if (!service)
        service = concept_text(it->res, "appointmentType");
    if (service)
        snprintf(summary, sizeof summary, "Slot %s: %s", id, service);
    else
        snprintf(summary, sizeof summary, "Slot %s", id);
    snprintf(origin, sizeof origin, "FHIR Slot %s status=%s", id, status);

    if (grow((void **)&out->v, &out->cap, out->n, sizeof *out->v))
        goto nomem;
    struct slot *s = &out->v[out->n];
    s->start = start > opt->from ? start : opt->from;
    s->end = end < opt->to ? end : opt->to;
    s->busy = busy;
    s->line = it->line;
    s->summary = dup_str(summary);
    s->uid = it->id ? dup_str(it->id) : NULL;
    s->origin = dup_str(origin);
    out->n++;
    if (!s->summary || !s->origin || (it->id && !s->uid))
        goto nomem;
    return 0;
nomem:
    return careday_fail(d->err, CAL_ENOMEM, d->name, it->line, NULL, "out of memory");
}

int fhir_read_slots_buffer(const char *data, size_t len, const char *name,
                           const struct fhir_slot_query *q, const struct cal_read_options *opt,
                           struct cal_import *out, struct careday_notes *warn,
                           struct careday_error *err)
{
    struct doc d = {.name = name ? name : "(buffer)", .warn = warn, .err = err};
    struct fhir_schedules local = {0};
    struct slots found = {0};
    struct slot_filter f = {.q = q, .local = &local};
    size_t nslots = 0, nkept = 0;
    int rc;

    if (!opt || opt->from >= opt->to)
        return careday_fail(err, CAL_EINVAL, d.name, 0, NULL,
                            "the horizon is empty (from must be before to)");
    if ((rc = doc_load(&d, data, len)))
        goto out;
    if (q && q->actor && (rc = doc_schedules(&d, &local)))
        goto out;
    for (size_t i = 0; i < d.n; i++) {
        const struct item *it = &d.items[i];
        if (strcmp(it->type, "Slot") == 0) {
            bool kept;
            nslots++;
            if ((rc = slot_read(&d, it, opt, &f, &found, &kept)))
                goto out;
            nkept += kept;
        } else if (strcmp(it->type, "OperationOutcome") == 0) {
            note_outcome(&d, it);
        } else if (!in_list(it->type, slot_context)) {
            note(&d, it->line, it->path, "ignored: %s%s%s carries no Slot", it->type,
                 it->id ? " " : "", it->id ? it->id : "");
        }
    }
    if (nslots == 0) {
        char types[200];
        doc_types(&d, types, sizeof types);
        note(&d, 0, NULL, "ignored: no Slot in this file (it holds %s)", types);
    } else if (nkept == 0 && q && (q->schedule || q->actor)) {
        note(&d, 0, NULL, "none of the %zu Slots matches%s%s%s%s", nslots,
             q->schedule ? " schedule " : "", q->schedule ? q->schedule : "",
             q->actor ? " actor " : "", q->actor ? q->actor : "");
    }
    if (q && q->matched)
        *q->matched = nkept;
    if (f.unknown_schedule)
        note(&d, 0, NULL,
             "ignored: %zu Slots whose Schedule is not in this file nor among the known "
             "Schedules, so its actors are unknown",
             f.unknown_schedule);
    for (size_t i = 0; i < found.n; i++) {
        const struct slot *s = &found.v[i];
        rc = cal_import_add(out, s->start, s->end, s->busy, s->summary, s->uid, s->origin, s->line);
        if (rc) {
            rc = careday_fail(err, rc, d.name, s->line, NULL, "cannot add the Slot: %s",
                              cal_strerror(rc));
            goto out;
        }
    }
out:
    slots_free(&found);
    fhir_schedules_free(&local);
    doc_free(&d);
    return rc;
}

int fhir_read_slots(const char *path, const struct fhir_slot_query *q,
                    const struct cal_read_options *opt, struct cal_import *out,
                    struct careday_notes *warn, struct careday_error *err)
{
    char *data;
    size_t len;
    int rc = read_file(path, &data, &len, err);
    if (rc)
        return rc;
    rc = fhir_read_slots_buffer(data, len, path, q, opt, out, warn, err);
    free(data);
    return rc;
}

int fhir_read_slots_file(const char *path, const char *schedule_filter,
                         const struct cal_read_options *opt, struct cal_import *out,
                         struct careday_notes *warn, struct careday_error *err)
{
    struct fhir_slot_query q = {.schedule = schedule_filter};
    return fhir_read_slots(path, &q, opt, out, warn, err);
}

/* ---------------------------------------------------------------------------
 * Weekly availability.
 */

struct avail {
    const cal_tz *tz;
    cal_time from, to;
    int32_t day_lo, day_hi; /* local days touching the horizon */
    struct cal_set available, busy;
};

static int set_add_clipped(struct cal_set *s, cal_time a, cal_time b, cal_time lo, cal_time hi)
{
    if (a < lo)
        a = lo;
    if (b > hi)
        b = hi;
    if (a >= b)
        return 0;
    return cal_set_add(s, a, b);
}

/* Names of the members that hold a weekly template in each resource. */
struct template_keys {
    const char *list, *start, *end;
};

static int day_mask(const struct doc *d, const struct item *it, json_t *e, const char *ep,
                    unsigned *mask)
{
    static const char *const names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    char p[FHIR_PATH_MAX];
    json_t *days;
    int rc = get_array(d, it->line, e, ep, "daysOfWeek", &days);
    if (rc)
        return rc;
    if (!days) {
        *mask = 0x7f;
        return 0;
    }
    *mask = 0;
    size_t i;
    json_t *v;
    json_array_foreach(days, i, v)
    {
        const char *s = json_string_value(v);
        int k = 0;
        while (k < 7 && !(s && strcmp(s, names[k]) == 0))
            k++;
        if (k == 7)
            return fail(d, it->line, adapt_jp_key_index(p, sizeof p, ep, "daysOfWeek", i),
                        "expected mon, tue, wed, thu, fri, sat or sun");
        *mask |= 1u << k;
    }
    return 0;
}

static int get_time_of_day(const struct doc *d, const struct item *it, json_t *e, const char *ep,
                           const char *key, int *sec, bool *present)
{
    char p[FHIR_PATH_MAX];
    const char *s;
    int rc = get_string(d, it->line, e, ep, key, &s);
    *present = s != NULL;
    if (rc || !s)
        return rc;
    if (parse_time_of_day(s, sec))
        return fail(d, it->line, adapt_jp_key(p, sizeof p, ep, key),
                    "expected a time of day such as 09:30:00, not \"%s\"", s);
    return 0;
}

/* One availableTime / hoursOfOperation list, limited to [lo, hi). */
static int avail_template(const struct doc *d, const struct item *it, const struct template_keys *k,
                          struct avail *a, cal_time lo, cal_time hi, bool *any)
{
    char ep[FHIR_PATH_MAX];
    json_t *list;
    int rc = get_array(d, it->line, it->res, it->path, k->list, &list);
    if (rc || !list)
        return rc;
    *any = true;
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e)
    {
        unsigned mask;
        bool all_day = false, has_s, has_e;
        int s = 0, t = 86400;
        adapt_jp_key_index(ep, sizeof ep, it->path, k->list, i);
        if (!json_is_object(e))
            return fail(d, it->line, ep, "expected an object");
        if ((rc = day_mask(d, it, e, ep, &mask)) ||
            (rc = get_bool(d, it->line, e, ep, "allDay", &all_day)) ||
            (rc = get_time_of_day(d, it, e, ep, k->start, &s, &has_s)) ||
            (rc = get_time_of_day(d, it, e, ep, k->end, &t, &has_e)))
            return rc;
        if (all_day) {
            s = 0;
            t = 86400;
        } else if (!has_s && !has_e) {
            note(d, it->line, ep, "ignored: neither allDay nor %s / %s", k->start, k->end);
            continue;
        } else {
            if (!has_s)
                s = 0;
            if (!has_e)
                t = 86400;
        }
        if (t <= s) {
            const char *ss = json_string_value(json_object_get(e, k->start));
            const char *ts = json_string_value(json_object_get(e, k->end));
            note(d, it->line, ep, "ignored: %s %s is not after %s %s", k->end, ts ? ts : "",
                 k->start, ss ? ss : "");
            continue;
        }
        for (int32_t day = a->day_lo; day <= a->day_hi; day++) {
            if (!(mask & (1u << cal_weekday(day))))
                continue;
            rc = set_add_clipped(&a->available, local_time(a->tz, day, s),
                                 local_time(a->tz, day, t), lo, hi);
            if (rc)
                return careday_fail(d->err, rc, d->name, it->line, NULL, "out of memory");
        }
    }
    return 0;
}

/* A Period member in dateTime precision, *lo / *hi left as given when a
 * bound is absent. */
static int get_period(const struct doc *d, const struct item *it, json_t *obj, const char *op,
                      const char *key, const cal_tz *tz, cal_time *lo, cal_time *hi, bool *present)
{
    char p[FHIR_PATH_MAX], pp[FHIR_PATH_MAX];
    json_t *per;
    const char *s, *e;
    int rc = get_object(d, it->line, obj, op, key, &per);
    *present = per != NULL;
    if (rc || !per)
        return rc;
    adapt_jp_key(pp, sizeof pp, op, key);
    if ((rc = get_string(d, it->line, per, pp, "start", &s)) ||
        (rc = get_string(d, it->line, per, pp, "end", &e)))
        return rc;
    if (s && parse_datetime(s, tz, false, lo))
        return fail(d, it->line, adapt_jp_key(p, sizeof p, pp, "start"),
                    "expected a date or dateTime such as 2025-12-24 or "
                    "2025-12-24T09:00:00-05:00, not \"%s\"",
                    s);
    if (e && parse_datetime(e, tz, true, hi))
        return fail(d, it->line, adapt_jp_key(p, sizeof p, pp, "end"),
                    "expected a date or dateTime such as 2025-12-24 or "
                    "2025-12-24T09:00:00-05:00, not \"%s\"",
                    e);
    return 0;
}

static int avail_item(const struct doc *d, const struct item *it, struct avail *a, bool *any)
{
    static const struct template_keys service = {"availableTime", "availableStartTime",
                                                 "availableEndTime"};
    static const struct template_keys location = {"hoursOfOperation", "openingTime", "closingTime"};
    char ep[FHIR_PATH_MAX];
    const char *id = it->id ? it->id : "(no id)";
    bool active = true, is_location = strcmp(it->type, "Location") == 0;
    cal_time lo = a->from, hi = a->to;
    int rc;

    if (!is_location && (rc = get_bool(d, it->line, it->res, it->path, "active", &active)))
        return rc;
    if (is_location) {
        const char *status;
        if ((rc = get_string(d, it->line, it->res, it->path, "status", &status)))
            return rc;
        active = !status || strcmp(status, "active") == 0;
    }
    if (!active) {
        note(d, it->line, it->path, "ignored: %s %s is not active", it->type, id);
        *any = true;
        return 0;
    }
    if (strcmp(it->type, "PractitionerRole") == 0) {
        bool has_period;
        cal_time plo = lo, phi = hi;
        if ((rc = get_period(d, it, it->res, it->path, "period", a->tz, &plo, &phi, &has_period)))
            return rc;
        if (plo > lo)
            lo = plo;
        if (phi < hi)
            hi = phi;
        if (has_period && lo >= hi && json_object_get(it->res, "availableTime"))
            note(d, it->line, it->path,
                 "PractitionerRole %s is in force only outside the horizon (see its period); "
                 "its availableTime gives nothing",
                 id);
    }
    if ((rc = avail_template(d, it, is_location ? &location : &service, a, lo, hi, any)))
        return rc;
    if (is_location)
        return 0;

    json_t *na;
    if ((rc = get_array(d, it->line, it->res, it->path, "notAvailable", &na)))
        return rc;
    if (na)
        *any = true;
    size_t i;
    json_t *e;
    json_array_foreach(na, i, e)
    {
        bool has;
        cal_time s = a->from, t = a->to;
        adapt_jp_key_index(ep, sizeof ep, it->path, "notAvailable", i);
        if (!json_is_object(e))
            return fail(d, it->line, ep, "expected an object");
        if ((rc = get_period(d, it, e, ep, "during", a->tz, &s, &t, &has)))
            return rc;
        if (!has) {
            note(d, it->line, ep, "ignored: notAvailable without a during period");
            continue;
        }
        if (t <= s) {
            note(d, it->line, ep, "ignored: notAvailable period ends before it starts");
            continue;
        }
        if ((rc = set_add_clipped(&a->busy, s, t, a->from, a->to)))
            return careday_fail(d->err, rc, d->name, it->line, NULL, "out of memory");
    }
    return 0;
}

/* Does the resource answer to who? */
static bool avail_is(const struct doc *d, const struct item *it, const char *who)
{
    char own[FHIR_PATH_MAX];
    const char *prac = NULL;
    if (!who)
        return true;
    if (it->id) {
        snprintf(own, sizeof own, "%s/%s", it->type, it->id);
        if (ref_match(own, who))
            return true;
    }
    if (it->full_url && strcmp(it->full_url, who) == 0)
        return true;
    if (strcmp(it->type, "PractitionerRole") == 0) {
        json_t *p = json_object_get(it->res, "practitioner");
        json_t *r = json_is_object(p) ? json_object_get(p, "reference") : NULL;
        prac = json_string_value(r);
        return prac && doc_ref_match(d, prac, who);
    }
    return false;
}

static int avail_read(const char *data, size_t len, const char *name, const char *who,
                      const cal_tz *tz, cal_time from, cal_time to, struct cal_set *available,
                      struct cal_set *busy, size_t *nmatched, struct careday_notes *warn,
                      struct careday_error *err)
{
    static const char *const used[] = {"HealthcareService", "PractitionerRole", "Location", NULL};
    static const char *const context[] = {"Practitioner", "Organization", "Schedule", "Endpoint",
                                          NULL};
    struct doc d = {.name = name ? name : "(buffer)", .warn = warn, .err = err};
    struct avail a = {.tz = tz, .from = from, .to = to};
    bool any = false, matched = false;
    int rc, m;

    if (!tz || from >= to)
        return careday_fail(err, CAL_EINVAL, d.name, 0, NULL,
                            "a time zone and a non-empty horizon are required");
    cal_tz_to_local(tz, from, &a.day_lo, &m);
    cal_tz_to_local(tz, to - 1, &a.day_hi, &m);
    if ((int64_t)a.day_hi - a.day_lo > FHIR_MAX_HORIZON_DAYS)
        return careday_fail(err, CAL_EINVAL, d.name, 0, NULL, "the horizon is longer than %d days",
                            FHIR_MAX_HORIZON_DAYS);
    if ((rc = doc_load(&d, data, len)))
        goto out;
    for (size_t i = 0; i < d.n; i++) {
        const struct item *it = &d.items[i];
        if (in_list(it->type, used)) {
            if (!avail_is(&d, it, who))
                continue;
            matched = true;
            if (nmatched)
                (*nmatched)++;
            if ((rc = avail_item(&d, it, &a, &any)))
                goto out;
        } else if (strcmp(it->type, "OperationOutcome") == 0) {
            note_outcome(&d, it);
        } else if (!in_list(it->type, context) && !who) {
            note(&d, it->line, it->path, "ignored: %s%s%s carries no availability", it->type,
                 it->id ? " " : "", it->id ? it->id : "");
        }
    }
    if (who && !matched) {
        note(&d, 0, NULL, "ignored: nothing in this file is %s", who);
    } else if (!any) {
        char types[200];
        doc_types(&d, types, sizeof types);
        note(&d, 0, NULL,
             "ignored: no availableTime, notAvailable or hoursOfOperation in this file (it "
             "holds %s)",
             types);
    }
    if ((rc = cal_set_add_set(available, &a.available)) || (rc = cal_set_add_set(busy, &a.busy)))
        rc = careday_fail(err, rc, d.name, 0, NULL, "out of memory");
out:
    cal_set_free(&a.available);
    cal_set_free(&a.busy);
    doc_free(&d);
    return rc;
}

int fhir_read_available_time_buffer(const char *data, size_t len, const char *name, const char *who,
                                    const cal_tz *tz, cal_time from, cal_time to,
                                    struct cal_set *available, struct cal_set *busy,
                                    struct careday_notes *warn, struct careday_error *err)
{
    return avail_read(data, len, name, who, tz, from, to, available, busy, NULL, warn, err);
}

int fhir_read_available_time_counted(const char *path, const char *who, const cal_tz *tz,
                                     cal_time from, cal_time to, struct cal_set *available,
                                     struct cal_set *busy, size_t *nmatched,
                                     struct careday_notes *warn, struct careday_error *err)
{
    char *data;
    size_t len;
    int rc = read_file(path, &data, &len, err);
    if (rc)
        return rc;
    rc = avail_read(data, len, path, who, tz, from, to, available, busy, nmatched, warn, err);
    free(data);
    return rc;
}

int fhir_read_available_time(const char *path, const char *who, const cal_tz *tz, cal_time from,
                             cal_time to, struct cal_set *available, struct cal_set *busy,
                             struct careday_notes *warn, struct careday_error *err)
{
    return fhir_read_available_time_counted(path, who, tz, from, to, available, busy, NULL, warn,
                                            err);
}

/* ---------------------------------------------------------------------------
 * Appointments.
 */

static void appointment_free(struct fhir_appointment *a)
{
    free(a->id);
    free(a->status);
    free(a->participant_refs);
    free(a->slot_refs);
    free(a->description);
}

void fhir_appointments_free(struct fhir_appointments *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++)
        appointment_free(&a->v[i]);
    free(a->v);
    memset(a, 0, sizeof *a);
}

/* The "reference" strings of the Reference objects in array key (found
 * inside member sub of each element when sub is not NULL), joined by
 * spaces into a malloc'd string. Elements whose status is "declined" are
 * left out. */
static int join_refs(const struct doc *d, const struct item *it, const char *key, const char *sub,
                     char **out)
{
    char ep[FHIR_PATH_MAX];
    json_t *list;
    size_t i, used = 0, cap = 1;
    json_t *e;
    int rc = get_array(d, it->line, it->res, it->path, key, &list);
    if (rc)
        return rc;
    json_array_foreach(list, i, e)
    {
        const char *ref = NULL, *status = NULL;
        adapt_jp_key_index(ep, sizeof ep, it->path, key, i);
        if (!json_is_object(e))
            return fail(d, it->line, ep, "expected an object");
        if (sub) {
            if ((rc = get_reference(d, it->line, e, ep, sub, &ref)) ||
                (rc = get_string(d, it->line, e, ep, "status", &status)))
                return rc;
        } else if ((rc = get_string(d, it->line, e, ep, "reference", &ref))) {
            return rc;
        }
        if (ref && !(status && strcmp(status, "declined") == 0))
            cap += strlen(ref) + 1;
    }
    char *s = malloc(cap);
    if (!s)
        return careday_fail(d->err, CAL_ENOMEM, d->name, it->line, NULL, "out of memory");
    s[0] = '\0';
    json_array_foreach(list, i, e)
    {
        json_t *r = sub ? json_object_get(e, sub) : e;
        const char *ref = json_string_value(json_object_get(r, "reference"));
        const char *status = json_string_value(json_object_get(e, "status"));
        if (!ref || (sub && status && strcmp(status, "declined") == 0))
            continue;
        size_t n = strlen(ref);
        if (used)
            s[used++] = ' ';
        memcpy(s + used, ref, n);
        used += n;
        s[used] = '\0';
    }
    *out = s;
    return 0;
}

static int appointment_read(const struct doc *d, const struct item *it, cal_time from, cal_time to,
                            struct fhir_appointments *out)
{
    static const char *const keep[] = {"booked", "arrived", "checked-in", "fulfilled", NULL};
    static const char *const tentative[] = {"pending", "proposed", NULL};
    static const char *const drop[] = {"cancelled", "noshow", "entered-in-error", "waitlist", NULL};
    char p[FHIR_PATH_MAX];
    const char *status, *description, *id = it->id ? it->id : "(no id)";
    cal_time start = 0, end = 0;
    bool has_start, has_end;
    long long minutes = 0;
    int rc;

    if ((rc = get_string(d, it->line, it->res, it->path, "status", &status)))
        return rc;
    if (!status || !(in_list(status, keep) || in_list(status, tentative) || in_list(status, drop)))
        return fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "status"),
                    "expected proposed, pending, booked, arrived, fulfilled, cancelled, noshow, "
                    "entered-in-error, checked-in or waitlist%s%s%s",
                    status ? ", not \"" : " (it is missing)", status ? status : "",
                    status ? "\"" : "");
    if (in_list(status, drop)) {
        note(d, it->line, it->path, "ignored: Appointment %s is %s", id, status);
        return 0;
    }
    if ((rc = get_instant(d, it, "start", "", &start, &has_start)) ||
        (rc = get_instant(d, it, "end", "", &end, &has_end)))
        return rc;
    json_t *md = json_object_get(it->res, "minutesDuration");
    if (md) {
        if (!json_is_integer(md) || json_integer_value(md) <= 0 || json_integer_value(md) > 100000)
            return fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "minutesDuration"),
                        "expected a positive whole number of minutes");
        minutes = json_integer_value(md);
    }
    if (!has_start) {
        if (in_list(status, tentative)) {
            note(d, it->line, it->path, "ignored: %s Appointment %s has no start yet%s", status, id,
                 json_object_get(it->res, "requestedPeriod") ? " (only a requestedPeriod)" : "");
            return 0;
        }
        return fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "start"),
                    "missing: expected an instant (a %s Appointment has a start)", status);
    }
    if (!has_end) {
        if (!minutes)
            return fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "end"),
                        "missing: expected an instant, or minutesDuration");
        end = start + minutes * 60;
    }
    if (end <= start)
        return fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "end"),
                    "expected an instant after start");
    if (end - start > FHIR_MAX_APPOINTMENT_SECONDS)
        return fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "end"),
                    "expected an instant less than a year after start");
    if (!minutes)
        minutes = (end - start) / 60;
    if (end <= from || start >= to)
        return 0;
    if ((rc = get_string(d, it->line, it->res, it->path, "description", &description)))
        return rc;

    struct fhir_appointment a = {
        .start = start, .end = end, .minutes = (int)minutes, .line = it->line};
    if ((rc = join_refs(d, it, "participant", "actor", &a.participant_refs)) ||
        (rc = join_refs(d, it, "slot", NULL, &a.slot_refs)))
        goto fail;
    a.id = dup_str(it->id ? it->id : "");
    a.status = dup_str(status);
    a.description = description ? dup_str(description) : NULL;
    if (!a.id || !a.status || (description && !a.description) ||
        grow((void **)&out->v, &out->cap, out->n, sizeof *out->v)) {
        rc = careday_fail(d->err, CAL_ENOMEM, d->name, it->line, NULL, "out of memory");
        goto fail;
    }
    out->v[out->n++] = a;
    return 0;
fail:
    appointment_free(&a);
    return rc;
}

int fhir_read_appointments_buffer(const char *data, size_t len, const char *name, cal_time from,
                                  cal_time to, struct fhir_appointments *out,
                                  struct careday_notes *warn, struct careday_error *err)
{
    static const char *const context[] = {"Patient",
                                          "Practitioner",
                                          "PractitionerRole",
                                          "RelatedPerson",
                                          "Location",
                                          "Device",
                                          "HealthcareService",
                                          "Organization",
                                          "Slot",
                                          "Schedule",
                                          "Endpoint",
                                          "ServiceRequest",
                                          "Encounter",
                                          NULL};
    struct doc d = {.name = name ? name : "(buffer)", .warn = warn, .err = err};
    struct fhir_appointments tmp = {0};
    size_t seen = 0, skipped = 0;
    int rc;

    if (from >= to)
        return careday_fail(err, CAL_EINVAL, d.name, 0, NULL,
                            "the horizon is empty (from must be before to)");
    if ((rc = doc_load(&d, data, len)))
        goto out;
    for (size_t i = 0; i < d.n; i++) {
        const struct item *it = &d.items[i];
        if (strcmp(it->type, "Appointment") == 0) {
            seen++;
            if ((rc = appointment_read(&d, it, from, to, &tmp)))
                goto out;
        } else if (strcmp(it->type, "OperationOutcome") == 0) {
            note_outcome(&d, it);
        } else if (strcmp(it->type, "AppointmentResponse") == 0) {
            const char *appt = NULL;
            json_t *r = json_object_get(it->res, "appointment");
            if (json_is_object(r))
                appt = json_string_value(json_object_get(r, "reference"));
            note(&d, it->line, it->path,
                 "ignored: AppointmentResponse %s is a participant's reply to %s, not a booking",
                 it->id ? it->id : "(no id)", appt ? appt : "an Appointment");
            skipped++;
        } else if (!in_list(it->type, context)) {
            note(&d, it->line, it->path, "ignored: %s%s%s is not an Appointment", it->type,
                 it->id ? " " : "", it->id ? it->id : "");
            skipped++;
        }
    }
    if (seen == 0 && skipped == 0) {
        char types[200];
        doc_types(&d, types, sizeof types);
        note(&d, 0, NULL, "ignored: no Appointment in this file (it holds %s)", types);
    }
    if (reserve((void **)&out->v, &out->cap, out->n, tmp.n, sizeof *out->v)) {
        rc = careday_fail(err, CAL_ENOMEM, d.name, 0, NULL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < tmp.n; i++)
        out->v[out->n++] = tmp.v[i];
    free(tmp.v);
    tmp = (struct fhir_appointments){0};
out:
    fhir_appointments_free(&tmp);
    doc_free(&d);
    return rc;
}

int fhir_read_appointments(const char *path, cal_time from, cal_time to,
                           struct fhir_appointments *out, struct careday_notes *warn,
                           struct careday_error *err)
{
    char *data;
    size_t len;
    int rc = read_file(path, &data, &len, err);
    if (rc)
        return rc;
    rc = fhir_read_appointments_buffer(data, len, path, from, to, out, warn, err);
    free(data);
    return rc;
}
