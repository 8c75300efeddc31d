/*
 * Reading JSON files: see json_file.h.
 */
#include "adapters/json_file.h"
#include "calendars/util.h"

#include <stdlib.h>
#include <string.h>

json_t *adapt_json_loadb(const char *data, size_t len, size_t flags, json_error_t *je, bool *nomem)
{
    long failures = cal_alloc_failures();
    json_t *root = json_loadb(data, len, flags, je);
    *nomem = !root && cal_alloc_failures() != failures;
    return root;
}

json_t *adapt_json_load_file(const char *path, size_t flags, json_error_t *je, bool *nomem)
{
    long failures = cal_alloc_failures();
    json_t *root = json_load_file(path, flags, je);
    *nomem = !root && cal_alloc_failures() != failures;
    return root;
}

int adapt_json_file(const char *path, const char *what, json_t **root, struct careday_error *err)
{
    char *data = NULL;
    size_t len = 0, skip = 0;
    json_error_t je;
    int rc = cal_read_regular(path, what, ADAPT_JSON_MAX_BYTES, &data, &len, err);

    if (rc)
        return rc == CAL_ENOMEM ? ADAPT_EINTERNAL : ADAPT_EINPUT;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        skip = 3; /* a UTF-8 byte-order mark, as some Windows editors write */
    const char *enc = cal_text_encoding_problem(data + skip, len - skip);
    if (enc) {
        free(data);
        return careday_fail(err, ADAPT_EINPUT, path, 0, NULL, "%s (expected %s)", enc, what);
    }
    bool nomem;
    *root = adapt_json_loadb(data + skip, len - skip, JSON_REJECT_DUPLICATES, &je, &nomem);
    free(data);
    if (nomem)
        return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "out of memory reading %s", what);
    if (!*root)
        return careday_fail(err, ADAPT_EINPUT, path, je.line > 0 ? je.line : 0, NULL,
                            "malformed JSON at line %d, column %d: %s; expected %s", je.line,
                            je.column, je.text, what);
    return 0;
}

const char *adapt_plan_appt(const json_t *a, const char **visit, enum sched_mode *mode,
                            cal_time *start, cal_time *end)
{
    const char *m = json_string_value(json_object_get(a, "mode"));
    const char *s = json_string_value(json_object_get(a, "start"));
    const char *e = json_string_value(json_object_get(a, "end"));
    *visit = json_string_value(json_object_get(a, "visit"));
    if (!*visit)
        return "visit";
    if (!m || sched_mode_parse(m, mode) != 0)
        return "mode";
    if (!s || cal_parse_rfc3339(s, start) != 0)
        return "start";
    if (!e || cal_parse_rfc3339(e, end) != 0)
        return "end";
    return NULL;
}
