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
#include "calendars/util.h"
#include "adapters/input/fhir_doc.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Small helpers.
 */

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

bool fhir_ref_match(const char *a, const char *b)
{
    return fdoc_ref_match(a, b);
}

bool fdoc_ref_match(const char *a, const char *b)
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
void fdoc_ref_type(const char *ref, char *buf, size_t size)
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

enum fhir_actor_kind fdoc_actor_kind(const char *type)
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

bool fdoc_in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* ---------------------------------------------------------------------------
 * The document: resources with their paths and lines.
 */

void fdoc_doc_free(struct doc *d)
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

int fdoc_fail(const struct doc *d, int line, const char *path, const char *fmt, ...)
{
    char text[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return careday_fail(d->err, CAL_EPARSE, d->name, line, path && path[0] ? path : NULL, "%s",
                        text);
}

void fdoc_note(const struct doc *d, int line, const char *path, const char *fmt, ...)
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
        return fdoc_fail(d, line, adapt_jp_key(p, sizeof p, obj_path, key), "expected %s",
                         expected);
    }
    *out = v;
    return 0;
}

/* Optional string member: *out is the string, or NULL when absent. */
int fdoc_get_string(const struct doc *d, int line, json_t *obj, const char *obj_path,
                    const char *key, const char **out)
{
    json_t *v;
    int rc = get_member(d, line, obj, obj_path, key, JSON_STRING, "a string", &v);
    *out = v ? json_string_value(v) : NULL;
    return rc;
}

int fdoc_get_array(const struct doc *d, int line, json_t *obj, const char *obj_path,
                   const char *key, json_t **out)
{
    return get_member(d, line, obj, obj_path, key, JSON_ARRAY, "an array", out);
}

int fdoc_get_object(const struct doc *d, int line, json_t *obj, const char *obj_path,
                    const char *key, json_t **out)
{
    return get_member(d, line, obj, obj_path, key, JSON_OBJECT, "an object", out);
}

/* Optional boolean member: *out keeps its value when absent. */
int fdoc_get_bool(const struct doc *d, int line, json_t *obj, const char *obj_path, const char *key,
                  bool *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_boolean(v)) {
        char p[FHIR_PATH_MAX];
        return fdoc_fail(d, line, adapt_jp_key(p, sizeof p, obj_path, key),
                         "expected true or false");
    }
    *out = json_is_true(v);
    return 0;
}

/* Optional Reference member: *out is its "reference" string or NULL. */
int fdoc_get_reference(const struct doc *d, int line, json_t *obj, const char *obj_path,
                       const char *key, const char **out)
{
    json_t *r;
    char p[FHIR_PATH_MAX];
    *out = NULL;
    int rc = fdoc_get_object(d, line, obj, obj_path, key, &r);
    if (rc || !r)
        return rc;
    return fdoc_get_string(d, line, r, adapt_jp_key(p, sizeof p, obj_path, key), "reference", out);
}

static int add_item(struct doc *d, json_t *res, const char *type, const char *full_url, int line,
                    const char *path)
{
    if (cal_grow(&d->items, &d->cap, d->n + 1, sizeof *d->items))
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
        return fdoc_fail(d, line, path, "expected a JSON object holding a FHIR resource");
    json_t *rt = json_object_get(res, "resourceType");
    if (!json_is_string(rt))
        return fdoc_fail(d, line, adapt_jp_key(p, sizeof p, path, "resourceType"),
                         "expected a string naming the FHIR resource type (this is not a FHIR "
                         "resource)");
    type = json_string_value(rt);
    if (strcmp(type, "Bundle") != 0) {
        if (json_object_get(res, "id") && !json_is_string(json_object_get(res, "id")))
            return fdoc_fail(d, line, adapt_jp_key(p, sizeof p, path, "id"), "expected a string");
        return add_item(d, res, type, full_url, line, path);
    }
    if (depth >= FHIR_MAX_BUNDLE_DEPTH)
        return fdoc_fail(d, line, path, "Bundles nested more than %d deep", FHIR_MAX_BUNDLE_DEPTH);

    json_t *links, *entries;
    int rc = fdoc_get_array(d, line, res, path, "link", &links);
    if (rc)
        return rc;
    size_t i;
    json_t *v;
    json_array_foreach(links, i, v)
    {
        json_t *rel = json_is_object(v) ? json_object_get(v, "relation") : NULL;
        if (json_is_string(rel) && strcmp(json_string_value(rel), "next") == 0)
            fdoc_note(d, line, adapt_jp_key_index(p, sizeof p, path, "link", i),
                      "this Bundle is one page of a search result (it has a next link); only this "
                      "page is read");
    }
    rc = fdoc_get_array(d, line, res, path, "entry", &entries);
    if (rc)
        return rc;
    json_array_foreach(entries, i, v)
    {
        char ep[FHIR_PATH_MAX], rp[FHIR_PATH_MAX];
        const char *fu;
        adapt_jp_key_index(ep, sizeof ep, path, "entry", i);
        if (!json_is_object(v))
            return fdoc_fail(d, line, ep, "expected an object (a Bundle entry)");
        rc = fdoc_get_string(d, line, v, ep, "fullUrl", &fu);
        if (rc)
            return rc;
        json_t *r = json_object_get(v, "resource");
        if (!r) {
            fdoc_note(d, line, ep, "ignored: entry without a resource");
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
    if (cal_grow(&d->roots, &d->rcap, d->nroots + 1, sizeof *d->roots)) {
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
            long failures = cal_alloc_failures();
            json_t *v = json_loadb(data + pos, end - pos, JSON_REJECT_DUPLICATES, &je);
            if (!v && cal_alloc_failures() != failures)
                return careday_fail(d->err, CAL_ENOMEM, d->name, line, NULL, "out of memory");
            if (!v)
                return fdoc_fail(
                    d, line, NULL,
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

int fdoc_doc_load(struct doc *d, const char *data, size_t len)
{
    int rc;
    if (looks_ndjson(data, len, d->name)) {
        rc = load_ndjson(d, data, len);
    } else {
        json_error_t je;
        long failures = cal_alloc_failures();
        json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
        if (!root && cal_alloc_failures() != failures) /* jansson says "invalid token" */
            return careday_fail(d->err, CAL_ENOMEM, d->name, 0, NULL, "out of memory");
        if (!root)
            return fdoc_fail(d, je.line > 0 ? je.line : 0, NULL,
                             "expected JSON (a FHIR resource, a Bundle or NDJSON): %s at column %d",
                             je.text, je.column);
        rc = add_root(d, root, 0);
    }
    return rc ? rc : doc_index(d);
}

int fdoc_read_file(const char *path, char **data, size_t *len, struct careday_error *err)
{
    const char *what = "a FHIR file (JSON or NDJSON)";
    int rc = cal_read_regular(path, what, (size_t)FHIR_MAX_FILE_BYTES, data, len, err);
    if (rc)
        return rc;
    if (*len >= 3 && memcmp(*data, "\xEF\xBB\xBF", 3) == 0) {
        memmove(*data, *data + 3, *len - 3 + 1); /* a UTF-8 byte-order mark */
        *len -= 3;
    }
    const char *enc = cal_text_encoding_problem(*data, *len);
    if (enc) {
        free(*data);
        *data = NULL;
        return careday_fail(err, CAL_EPARSE, path, 0, NULL, "%s (expected %s)", enc, what);
    }
    return 0;
}

/* The "Type/id" of the resource whose entry has this fullUrl, written to
 * buf; false when no entry has it. */
bool fdoc_doc_resolve(const struct doc *d, const char *ref, char *buf, size_t size)
{
    json_t *i = ref && d->by_url ? json_object_get(d->by_url, ref) : NULL;
    if (!i)
        return false;
    const struct item *it = &d->items[json_integer_value(i)];
    snprintf(buf, size, "%s/%s", it->type, it->id);
    return true;
}

/* A reference matches a wanted one as written or as resolved in the document. */
bool fdoc_doc_ref_match(const struct doc *d, const char *ref, const char *want)
{
    char res[FHIR_PATH_MAX];
    if (fdoc_ref_match(ref, want))
        return true;
    return fdoc_doc_resolve(d, ref, res, sizeof res) && fdoc_ref_match(res, want);
}

/* "Location, Practitioner" for the types in the document, for messages. */
void fdoc_doc_types(const struct doc *d, char *buf, size_t size)
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
void fdoc_note_outcome(const struct doc *d, const struct item *it)
{
    json_t *issues = json_object_get(it->res, "issue");
    size_t i;
    json_t *v;
    char p[FHIR_PATH_MAX];
    if (!json_is_array(issues) || json_array_size(issues) == 0) {
        fdoc_note(d, it->line, it->path, "OperationOutcome without issues");
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
        fdoc_note(d, it->line, adapt_jp_key_index(p, sizeof p, it->path, "issue", i),
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
int fdoc_parse_datetime(const char *s, const cal_tz *tz, bool is_end, cal_time *t)
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
int fdoc_parse_time_of_day(const char *s, int *sec)
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
cal_time fdoc_local_time(const cal_tz *tz, int32_t day, int sec)
{
    if (sec >= 86400)
        return cal_tz_local_to_utc(tz, day + 1, 0);
    return cal_tz_local_to_utc(tz, day, sec / 60) + sec % 60;
}

/* Required instant member. */
int fdoc_get_instant(const struct doc *d, const struct item *it, const char *key, const char *why,
                     cal_time *t, bool *present)
{
    char p[FHIR_PATH_MAX];
    const char *s;
    int rc = fdoc_get_string(d, it->line, it->res, it->path, key, &s);
    if (rc)
        return rc;
    if (present)
        *present = s != NULL;
    if (!s) {
        if (present)
            return 0;
        return fdoc_fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, key),
                         "missing: expected an instant such as 2025-03-03T09:00:00-05:00 (%s)",
                         why);
    }
    if (parse_instant(s, t))
        return fdoc_fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, key),
                         "expected an instant with date, time and offset such as "
                         "2025-03-03T09:00:00-05:00, not \"%s\"",
                         s);
    return 0;
}

/* Text of the first CodeableConcept of member key (an array or one object):
 * its text, else its first coding's display, else its code. */
const char *fdoc_concept_text(json_t *res, const char *key)
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
