/*
 * FHIR over the network: a search on a live R4 server ({"fhir": {"base",
 * "query", "token_env", "ca"}}) followed through Bundle.link[next], and a
 * FHIR URL given as a string: a Bundle, an NDJSON file, or a SMART
 * Scheduling Links manifest ($bulk-publish) whose Schedule and Slot NDJSON
 * files are fetched. Every resource found is gathered into one NDJSON
 * buffer and read by the same Slot reader as a file, so a server gives
 * exactly the intervals its Slots would give from a file.
 */
#include "adapters/input/case_internal.h"
#include "adapters/input/fhir.h"
#include "adapters/http.h"
#include "adapters/json_file.h"
#include "calendars/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FHIR_MAX_PAGES 100

struct ndjson {
    char *data;
    size_t len, cap;
};

static int nd_add(struct ndjson *b, const char *s, size_t n)
{
    if (cal_grow(&b->data, &b->cap, b->len + n + 2, 1))
        return -1;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    if (n && s[n - 1] != '\n')
        b->data[b->len++] = '\n';
    b->data[b->len] = '\0';
    return 0;
}

static int nd_add_json(struct ndjson *b, const json_t *r)
{
    char *s = json_dumps(r, JSON_COMPACT);
    int rc = s ? nd_add(b, s, strlen(s)) : -1;
    free(s);
    return rc;
}

struct live {
    const struct adapt_ctx *x;
    const char *origin; /* credentials go to this server only */
    const char *token;
    const char *ca;
    long long age_s;
    size_t pages;
};

static int get(struct live *l, const char *url, const char *what, struct http_response *rs,
               struct careday_error *err)
{
    static const char *const heads[] = {"Accept: application/fhir+json, application/json, "
                                        "application/fhir+ndjson, application/x-ndjson",
                                        NULL};
    struct http_request rq = {0};
    int rc;

    rq.url = url;
    rq.headers = heads;
    rq.what = what;
    rq.ca = l->ca;
    rq.bearer = l->token && http_same_origin(url, l->origin) ? l->token : NULL;
    if ((rc = adapt_fetch(l->x, &rq, rs, err)))
        return rc;
    if (rs->age_s > l->age_s)
        l->age_s = rs->age_s;
    l->pages++;
    return 0;
}

static int not_json(const char *url, const char *what, struct careday_error *err)
{
    char shown[512];
    adapt_redact_url(url, shown, sizeof shown);
    return careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                        "could not fetch %s: the server's answer is not FHIR JSON", what);
}

/* A search Bundle and the pages after it. */
static int read_pages(struct live *l, const char *first, json_t *doc, struct ndjson *out,
                      struct careday_error *err)
{
    char *url = cal_strdup(first);
    char shown[512];
    int rc = 0;

    if (!url)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    json_incref(doc);
    for (;;) {
        const json_t *entries = json_object_get(doc, "entry"), *links, *e;
        const char *type = json_string_value(json_object_get(doc, "resourceType"));
        const char *next = NULL;
        struct http_response rs = {0};
        json_error_t je;
        bool nomem;
        size_t i;
        char *abs;

        adapt_redact_url(url, shown, sizeof shown);
        if (!type || strcmp(type, "Bundle") != 0) {
            if (type && strcmp(type, "OperationOutcome") == 0)
                rc = careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                                  "the FHIR server answered with an OperationOutcome instead of "
                                  "a Bundle (the search was refused)");
            else if (type)
                rc = nd_add_json(out, doc)
                         ? careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory")
                         : 0;
            else
                rc = not_json(url, "the FHIR search", err);
            break;
        }
        json_array_foreach(entries, i, e)
        {
            const json_t *r = json_object_get(e, "resource");
            if (json_is_object(r) && nd_add_json(out, r)) {
                rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
                goto done;
            }
        }
        links = json_object_get(doc, "link");
        json_array_foreach(links, i, e)
        {
            const char *rel = json_string_value(json_object_get(e, "relation"));
            if (rel && strcmp(rel, "next") == 0)
                next = json_string_value(json_object_get(e, "url"));
        }
        if (!next)
            break;
        if (!(abs = http_resolve(url, next))) {
            rc = careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                              "the FHIR server's next link is not a URL");
            break;
        }
        if (strcmp(abs, url) == 0) {
            free(abs);
            break;
        }
        if (!http_same_origin(abs, l->origin)) {
            char nshown[512];
            adapt_redact_url(abs, nshown, sizeof nshown);
            rc = careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                              "the FHIR server's next page is on another server (%s); refused "
                              "(the token must not go there)",
                              nshown);
            free(abs);
            break;
        }
        if (l->pages >= FHIR_MAX_PAGES) {
            rc = careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                              "the FHIR search has more than %d pages; narrow the query",
                              FHIR_MAX_PAGES);
            free(abs);
            break;
        }
        free(url);
        url = abs;
        json_decref(doc);
        doc = NULL;
        if ((rc = get(l, url, "the next page of the FHIR search", &rs, err)))
            break;
        doc = adapt_json_loadb(rs.body, rs.len, 0, &je, &nomem);
        http_response_free(&rs);
        if (nomem) {
            rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL,
                              "out of memory reading the next page of the FHIR search");
            break;
        }
        if (!json_is_object(doc)) {
            rc = not_json(url, "the next page of the FHIR search", err);
            break;
        }
    }
done:
    json_decref(doc);
    free(url);
    return rc;
}

/* A SMART Scheduling Links manifest: its Schedule and Slot files. */
static int read_manifest(struct live *l, const char *url, const json_t *doc, struct ndjson *out,
                         struct careday_error *err)
{
    const json_t *o;
    size_t i, files = 0;
    int rc = 0;

    json_array_foreach(json_object_get(doc, "output"), i, o)
    {
        const char *type = json_string_value(json_object_get(o, "type"));
        const char *file = json_string_value(json_object_get(o, "url"));
        struct http_response rs = {0};
        char *abs;

        if (!type || !file || (strcmp(type, "Slot") != 0 && strcmp(type, "Schedule") != 0))
            continue;
        if (!(abs = http_resolve(url, file)))
            return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        if (strncasecmp(url, "https://", 8) == 0 && strncasecmp(abs, "https://", 8) != 0) {
            char shown[512];
            adapt_redact_url(abs, shown, sizeof shown);
            free(abs);
            return careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                                "the manifest served over https lists this file over http; "
                                "refused");
        }
        rc = get(l, abs,
                 type[1] == 'l' ? "the Slot file of the manifest"
                                : "the Schedule file of the manifest",
                 &rs, err);
        free(abs);
        if (rc)
            return rc;
        if (nd_add(out, rs.body, rs.len))
            rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        http_response_free(&rs);
        if (rc)
            return rc;
        files++;
    }
    if (files == 0) {
        char shown[512];
        adapt_redact_url(url, shown, sizeof shown);
        return careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                            "the SMART Scheduling Links manifest lists no Slot or Schedule file");
    }
    return 0;
}

/* One URL: a manifest, a Bundle (with its pages) or, unless it is a
 * search, NDJSON. */
static int read_url(struct live *l, const char *url, bool search, const char *what,
                    struct ndjson *out, struct careday_error *err)
{
    struct http_response rs = {0};
    json_error_t je;
    json_t *doc;
    bool nomem;
    int rc;

    if ((rc = get(l, url, what, &rs, err)))
        return rc;
    doc = adapt_json_loadb(rs.body, rs.len, 0, &je, &nomem);
    if (nomem)
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory reading %s", what);
    else if (json_is_object(doc) && json_is_array(json_object_get(doc, "output")) &&
             !json_object_get(doc, "resourceType"))
        rc = read_manifest(l, rs.final_url ? rs.final_url : url, doc, out, err);
    else if (json_is_object(doc))
        rc = read_pages(l, rs.final_url ? rs.final_url : url, doc, out, err);
    else if (!doc && search)
        rc = not_json(url, what, err);
    else if (!doc && rs.len && nd_add(out, rs.body, rs.len) == 0)
        rc = 0; /* NDJSON: the reader says what is wrong with it, line by line */
    else if (!doc && rs.len)
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    else
        rc = not_json(url, what, err);
    json_decref(doc);
    http_response_free(&rs);
    return rc;
}

int adapt_fhir_live_read(const struct adapt_ctx *x, const json_t *fhir, const char *kp,
                         const char *ca, const struct fhir_slot_query *q,
                         const struct cal_read_options *opt, struct cal_import *im, char *shown,
                         size_t shown_size, long long *age_s, struct careday_error *err)
{
    static const char *const known[] = {"base", "query", "token_env", "ca", NULL};
    struct live l = {0};
    struct ndjson nd = {0};
    char *token = NULL, *url = NULL, kk[320];
    const char *base = NULL, *query = NULL, *tenv = NULL;
    int rc = 0;

    l.x = x;
    l.ca = ca;
    l.age_s = -1;
    if (json_is_string(fhir)) {
        base = json_string_value(fhir);
        if (!(url = cal_strdup(base)))
            return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    } else {
        const char *keys[] = {"base", "query", "token_env", "ca"};
        const char **dst[] = {&base, &query, &tenv, &l.ca};
        size_t i, n;
        adapt_warn_unknown_keys(x, fhir, kp, known);
        for (i = 0; i < 4; i++) {
            const json_t *v = json_object_get(fhir, keys[i]);
            adapt_jp_key(kk, sizeof kk, kp, keys[i]);
            if (!v && i < 2)
                return adapt_bad(x, err, kk,
                                 i == 0 ? "missing required field; expected the server's base "
                                          "URL, such as \"https://fhir.example.org/r4\""
                                        : "missing required field; expected a search such as "
                                          "\"Slot?schedule=Schedule/7&status=free\"");
            if (v && (!json_is_string(v) || json_string_length(v) == 0))
                return adapt_bad(x, err, kk, "expected a non-empty string, found %s",
                                 adapt_json_kind(v));
            if (v)
                *dst[i] = json_string_value(v);
        }
        if (!adapt_is_url(base) || strncasecmp(base, "webcal", 6) == 0)
            return adapt_bad(x, err, adapt_jp_key(kk, sizeof kk, kp, "base"),
                             "expected an http:// or https:// URL");
        while (*query == '/')
            query++;
        n = strlen(base) + strlen(query) + 2;
        if (!(url = cal_malloc(n)))
            return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        snprintf(url, n, "%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/", query);
        if (tenv) {
            rc = secret_from_env(tenv, &token, err);
            if (rc == ADAPT_EINPUT)
                rc = adapt_bad(x, err, adapt_jp_key(kk, sizeof kk, kp, "token_env"), "%s",
                               err->text);
            if (rc)
                goto done;
        }
    }
    l.origin = url;
    l.token = token;
    adapt_redact_url(url, shown, shown_size);
    if ((rc = read_url(&l, url, query != NULL, query ? "the FHIR search" : "the FHIR file", &nd,
                       err)))
        goto done;
    rc = fhir_read_slots_buffer(nd.data ? nd.data : "", nd.len, shown, q, opt, im, x->warn, err);
    if (rc == 0)
        *age_s = l.age_s;
done:
    secret_free(token);
    free(url);
    free(nd.data);
    return rc;
}
