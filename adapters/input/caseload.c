/*
 * The caseload file (docs/batch.md): {"careday": 1, "name", "cases": [case
 * files, relative to it]}, as `careday gen --families N` writes it. Every
 * case is loaded with the case loader; a problem in one names that case's
 * file. The same file listed twice, or two cases with one id, is bad input.
 */
#include "adapters/input/case_internal.h"
#include "adapters/json_file.h"
#include "calendars/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void adapt_caseload_free(struct adapt_caseload *cl)
{
    if (!cl)
        return;
    for (size_t i = 0; i < cl->n; i++) {
        free(cl->listed[i]);
        free(cl->resolved[i]);
        if (cl->loaded && cl->loaded[i])
            sched_case_free(&cl->cases[i]);
    }
    free(cl->listed);
    free(cl->resolved);
    free(cl->cases);
    free(cl->loaded);
    free(cl->name);
    free(cl->path);
    memset(cl, 0, sizeof *cl);
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 1;
    char *d = cal_malloc(n + 1);
    if (!d)
        return NULL;
    if (slash)
        memcpy(d, slash == path ? "/" : path, slash == path ? 1 : n);
    else
        d[0] = '.';
    d[slash == path ? 1 : n] = '\0';
    return d;
}

static int oom(struct careday_error *err)
{
    return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
}

bool adapt_caseload_sniff(const char *path)
{
    struct stat st;
    /* Only a regular file is opened here: a FIFO or a device is the case
     * loader's to refuse. */
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    json_t *root = NULL;
    if (adapt_json_file(path, "a case", &root, NULL) != 0)
        return false;
    bool yes = root && json_is_object(root) && json_is_array(json_object_get(root, "cases")) &&
               !json_object_get(root, "family") && !json_object_get(root, "visits");
    json_decref(root);
    return yes;
}

int adapt_caseload_read(const char *path, struct adapt_caseload *out, struct careday_notes *warn,
                        struct careday_error *err)
{
    json_t *root = NULL;
    char *dir = NULL;
    int rc;

    memset(out, 0, sizeof *out);
    rc = adapt_json_file(path, "a caseload {\"careday\": 1, \"name\", \"cases\": [case files]}",
                         &root, err);
    if (rc)
        return rc;
    if (!json_is_object(root)) {
        rc = careday_fail(err, ADAPT_EINPUT, path, 0, NULL,
                          "expected a JSON object {\"careday\": 1, \"name\", \"cases\": [...]}");
        goto done;
    }
    json_t *ver = json_object_get(root, "careday");
    if (ver && (!json_is_integer(ver) || json_integer_value(ver) != 1)) {
        rc = careday_fail(err, ADAPT_EINPUT, path, 0, "careday",
                          "expected 1 (the caseload format version this careday reads)");
        goto done;
    }
    json_t *cases = json_object_get(root, "cases");
    if (!json_is_array(cases) || json_array_size(cases) == 0) {
        rc = careday_fail(err, ADAPT_EINPUT, path, 0, "cases",
                          "expected a non-empty array of case files (paths relative to the "
                          "caseload)");
        goto done;
    }
    json_t *name = json_object_get(root, "name");
    if (name && !json_is_string(name)) {
        rc = careday_fail(err, ADAPT_EINPUT, path, 0, "name", "expected a string");
        goto done;
    }
    out->path = cal_strdup(path);
    out->name = cal_strdup(name ? json_string_value(name) : "");
    dir = dir_of(path);
    size_t n = json_array_size(cases);
    out->listed = cal_calloc(n, sizeof *out->listed);
    out->resolved = cal_calloc(n, sizeof *out->resolved);
    out->cases = cal_calloc(n, sizeof *out->cases);
    out->loaded = cal_calloc(n, sizeof *out->loaded);
    if (!out->path || !out->name || !dir || !out->listed || !out->resolved || !out->cases ||
        !out->loaded) {
        rc = oom(err); /* out->n is still 0: adapt_caseload_free frees the arrays only */
        goto done;
    }
    out->n = n;
    for (size_t i = 0; i < out->n; i++) {
        json_t *e = json_array_get(cases, i);
        char jp[64];
        snprintf(jp, sizeof jp, "cases[%zu]", i);
        if (!json_is_string(e) || !*json_string_value(e)) {
            rc = careday_fail(err, ADAPT_EINPUT, path, 0, jp,
                              "expected the path of a case file, found %s",
                              json_is_string(e) ? "an empty string" : adapt_json_kind(e));
            goto done;
        }
        out->listed[i] = cal_strdup(json_string_value(e));
        out->resolved[i] = adapt_resolve_path(dir, json_string_value(e));
        if (!out->listed[i] || !out->resolved[i]) {
            rc = oom(err);
            goto done;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(out->resolved[k], out->resolved[i]) == 0) {
                rc = careday_fail(err, ADAPT_EINPUT, path, 0, jp,
                                  "\"%s\" is listed twice (also cases[%zu]); each family once",
                                  out->listed[i], k);
                goto done;
            }
    }
    {
        static const char *const known[] = {"careday", "name", "cases", NULL};
        const char *key;
        json_t *val;
        json_object_foreach(root, key, val)
        {
            bool ok = false;
            for (size_t j = 0; known[j]; j++)
                ok = ok || strcmp(key, known[j]) == 0;
            (void)val;
            if (!ok)
                careday_notes_add(warn, path, 0, key, "unknown field, ignored");
        }
    }
done:
    free(dir);
    json_decref(root);
    if (rc)
        adapt_caseload_free(out);
    return rc;
}

int adapt_caseload_load(struct adapt_caseload *cl, const bool *which, struct careday_notes *warn,
                        struct careday_error *err)
{
    for (size_t i = 0; i < cl->n; i++) {
        if ((which && !which[i]) || cl->loaded[i])
            continue;
        int rc = adapt_case_load(cl->resolved[i], &cl->cases[i], warn, err);
        if (rc)
            return rc;
        cl->loaded[i] = true;
        for (size_t k = 0; k < i; k++)
            if (cl->loaded[k] && strcmp(cl->cases[k].id, cl->cases[i].id) == 0)
                return careday_fail(err, ADAPT_EINPUT, cl->resolved[i], 0, "id",
                                    "case id \"%s\" is also the id of %s; each family of a "
                                    "caseload needs its own id",
                                    cl->cases[i].id, cl->resolved[k]);
    }
    return 0;
}
