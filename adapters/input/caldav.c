/*
 * CalDAV sources (RFC 4791): {"caldav": {"url", "user", "password_env" |
 * "password_cmd", "calendar", "ca"}}. The URL may be a calendar collection
 * or anything above it: discovery follows current-user-principal (asking
 * /.well-known/caldav when the URL does not say), calendar-home-set, and
 * the calendars in the home set. Events come from one calendar-query
 * REPORT with a time-range over the horizon and are expanded here by the
 * same iCalendar reader as files (servers such as Radicale ignore
 * <C:expand>), so a calendar reads the same from a server as from a file.
 */
#include "adapters/input/case_internal.h"
#include "adapters/http.h"
#include "calendars/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char propfind_body[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<D:propfind xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop>"
    "<D:resourcetype/><D:displayname/><D:current-user-principal/><C:calendar-home-set/>"
    "</D:prop></D:propfind>\n";

struct dav {
    const struct adapt_ctx *x;
    const char *user, *password, *ca;
    long long age_s; /* oldest cached answer used, -1 when all were fresh */
};

/* One PROPFIND or REPORT whose answer must be a 207 Multi-Status. */
static int dav_call(struct dav *d, const char *method, const char *url, const char *depth,
                    const char *body, const char *what, struct dav_items *items, char **final,
                    struct careday_error *err)
{
    const char *heads[3];
    char dh[32], shown[512];
    struct http_request rq = {0};
    struct http_response rs = {0};
    int rc;

    snprintf(dh, sizeof dh, "Depth: %s", depth);
    heads[0] = dh;
    heads[1] = "Content-Type: application/xml; charset=utf-8";
    heads[2] = NULL;
    rq.method = method;
    rq.url = url;
    rq.headers = heads;
    rq.body = body;
    rq.body_len = strlen(body);
    rq.user = d->user;
    rq.password = d->password;
    rq.ca = d->ca;
    rq.what = what;
    if ((rc = adapt_fetch(d->x, &rq, &rs, err)))
        return rc;
    if (rs.age_s > d->age_s)
        d->age_s = rs.age_s;
    adapt_redact_url(url, shown, sizeof shown);
    if (rs.status != 207) {
        rc = careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                          "could not fetch %s: expected a CalDAV 207 Multi-Status answer to %s, "
                          "the server answered HTTP %ld (is this a CalDAV server?)",
                          what, method, rs.status);
        goto done;
    }
    if ((rc = dav_parse_multistatus(rs.body, rs.len, shown, items, err)))
        goto done;
    if (final) {
        *final = rs.final_url;
        rs.final_url = NULL;
    }
done:
    http_response_free(&rs);
    return rc;
}

/* The first response of a Depth 0 PROPFIND that answered 2xx. */
static const struct dav_item *first_ok(const struct dav_items *items)
{
    size_t i;
    for (i = 0; i < items->n; i++)
        if (items->v[i].status >= 200 && items->v[i].status < 300)
            return &items->v[i];
    return NULL;
}

static const char *last_segment(const char *href, char *buf, size_t size)
{
    size_t n = strlen(href);
    const char *s;
    while (n > 0 && href[n - 1] == '/')
        n--;
    s = href + n;
    while (s > href && s[-1] != '/')
        s--;
    snprintf(buf, size, "%.*s", (int)(href + n - s), s);
    return buf;
}

/* Find the calendar collection the source means; *collection is malloc'd. */
/* Long on purpose: the discovery steps of RFC 6764 and RFC 4791 in their order (well-known URL,
 * principal, calendar home, collections). */
static int discover(struct dav *d, const char *url, const char *want, const char *kp,
                    char **collection, struct careday_error *err)
{
    struct dav_items a = {0}, b = {0};
    const struct dav_item *it;
    char *final = NULL, *principal = NULL, *home = NULL, *wk = NULL, shown[512];
    int rc;

    adapt_redact_url(url, shown, sizeof shown);
    if ((rc = dav_call(d, "PROPFIND", url, "0", propfind_body, "the CalDAV calendar", &a, &final,
                       err)))
        goto done;
    it = first_ok(&a);
    if (it && it->calendar) {
        *collection = final;
        final = NULL;
        goto done;
    }
    if (it && it->principal) {
        principal = http_resolve(final, it->principal);
    } else {
        /* RFC 6764: the server's well-known entry point names the principal. */
        struct dav_items w = {0};
        char *wfinal = NULL;
        if (!(wk = http_resolve(final, "/.well-known/caldav"))) {
            rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
            goto done;
        }
        rc = dav_call(d, "PROPFIND", wk, "0", propfind_body, "the CalDAV principal", &w, &wfinal,
                      err);
        if (rc == 0 && (it = first_ok(&w)) && it->principal)
            principal = http_resolve(wfinal, it->principal);
        dav_items_free(&w);
        free(wfinal);
        if (rc)
            goto done;
        if (!principal) {
            rc = careday_fail(err, ADAPT_EFETCH, shown, 0, kp,
                              "not a CalDAV calendar, and the server names no principal "
                              "(current-user-principal) to find the calendars from");
            goto done;
        }
    }
    dav_items_free(&a);
    free(final);
    final = NULL;
    if ((rc = dav_call(d, "PROPFIND", principal, "0", propfind_body, "the CalDAV principal", &a,
                       &final, err)))
        goto done;
    it = first_ok(&a);
    if (!it || !it->home) {
        rc = careday_fail(err, ADAPT_EFETCH, shown, 0, kp,
                          "the CalDAV server names no calendar-home-set for this user");
        goto done;
    }
    if (!(home = http_resolve(final, it->home))) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    free(final);
    final = NULL;
    if ((rc = dav_call(d, "PROPFIND", home, "1", propfind_body, "the list of CalDAV calendars", &b,
                       &final, err)))
        goto done;
    {
        const struct dav_item *pick = NULL;
        char names[600] = "", seg[256];
        size_t i, ncal = 0, o = 0;
        for (i = 0; i < b.n; i++) {
            const struct dav_item *c = &b.v[i];
            const char *name;
            if (!c->calendar)
                continue;
            ncal++;
            name = c->displayname && *c->displayname ? c->displayname : "";
            last_segment(c->href, seg, sizeof seg);
            if (o < sizeof names)
                o += (size_t)snprintf(names + o, sizeof names - o, "%s\"%s\"%s%s%s", o ? ", " : "",
                                      seg, *name && strcmp(name, seg) ? " (" : "",
                                      *name && strcmp(name, seg) ? name : "",
                                      *name && strcmp(name, seg) ? ")" : "");
            if (want && (strcmp(name, want) == 0 || strcmp(seg, want) == 0))
                pick = c;
            if (!want)
                pick = ncal == 1 ? c : NULL;
        }
        if (ncal == 0) {
            rc = careday_fail(err, ADAPT_EFETCH, shown, 0, kp,
                              "the CalDAV server lists no calendar for this user");
            goto done;
        }
        if (!pick) {
            if (want)
                rc = adapt_bad(d->x, err, kp, "no calendar named \"%s\" at %s; expected one of: %s",
                               want, shown, names);
            else
                rc = adapt_bad(d->x, err, kp,
                               "%s holds %zu calendars; pick one with \"calendar\" (its name or "
                               "the last part of its URL): %s",
                               shown, ncal, names);
            goto done;
        }
        if (!(*collection = http_resolve(final, pick->href)))
            rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    }
done:
    dav_items_free(&a);
    dav_items_free(&b);
    free(final);
    free(principal);
    free(home);
    free(wk);
    return rc;
}

/* "20261201T000000Z" */
static void utc_stamp(cal_time t, char *buf, size_t size)
{
    char iso[40];
    size_t i, o = 0;
    cal_format_rfc3339(t, 0, true, iso, sizeof iso); /* 2026-12-01T00:00:00Z */
    for (i = 0; iso[i] && o + 1 < size; i++)
        if (iso[i] != '-' && iso[i] != ':')
            buf[o++] = iso[i];
    buf[o] = '\0';
}

int adapt_password(const struct adapt_ctx *x, const json_t *cfg, const char *jpath, char **out,
                   struct careday_error *err)
{
    const json_t *env = json_object_get(cfg, "password_env");
    const json_t *cmd = json_object_get(cfg, "password_cmd");
    const char **argv = NULL;
    char kp[320];
    size_t i, n;
    int rc;

    *out = NULL;
    if (env && cmd)
        return adapt_bad(x, err, jpath,
                         "expected one of \"password_env\" or \"password_cmd\", "
                         "found both");
    if (env) {
        adapt_jp_key(kp, sizeof kp, jpath, "password_env");
        if (!json_is_string(env) || json_string_length(env) == 0)
            return adapt_bad(x, err, kp, "expected the name of an environment variable, found %s",
                             adapt_json_kind(env));
        rc = secret_from_env(json_string_value(env), out, err);
        if (rc == ADAPT_EINPUT)
            return adapt_bad(x, err, kp, "%s", err->text);
        return rc;
    }
    if (!cmd)
        return 0;
    adapt_jp_key(kp, sizeof kp, jpath, "password_cmd");
    n = json_is_array(cmd) ? json_array_size(cmd) : 0;
    for (i = 0; i < n; i++) {
        const json_t *a = json_array_get(cmd, i);
        if (!json_is_string(a) || (i == 0 && json_string_length(a) == 0))
            n = 0;
    }
    if (n == 0)
        return adapt_bad(x, err, kp,
                         "expected a command as an array of strings, such as [\"pass\", "
                         "\"show\", \"clinic/caldav\"] (it is run without a shell), found %s",
                         json_is_array(cmd) ? "an empty or mixed array" : adapt_json_kind(cmd));
    if (!(argv = cal_calloc(n + 1, sizeof *argv)))
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    for (i = 0; i < n; i++)
        argv[i] = json_string_value(json_array_get(cmd, i));
    rc = secret_from_cmd(argv, out, err);
    free(argv);
    if (rc && err) {
        snprintf(err->path, sizeof err->path, "%.255s", kp);
        snprintf(err->file, sizeof err->file, "%s", x->file);
    }
    return rc;
}

int adapt_caldav_read(const struct adapt_ctx *x, const json_t *cfg, const char *kp,
                      const struct cal_read_options *opt, struct cal_import *im, char *shown,
                      size_t shown_size, long long *age_s, struct careday_error *err)
{
    static const char *const known[] = {"url", "user", "password_env", "password_cmd", "calendar",
                                        "ca",  NULL};
    const char *keys[] = {"url", "user", "calendar", "ca"};
    const char *vals[4] = {NULL, NULL, NULL, NULL};
    struct dav d = {0};
    struct dav_items items = {0};
    char *password = NULL, *collection = NULL, *body = NULL;
    char from[24], to[24], kk[320];
    size_t i, n;
    int rc = 0;

    if (!json_is_object(cfg))
        return adapt_bad(x, err, kp,
                         "expected an object such as {\"url\": \"https://dav.example.org/\", "
                         "\"user\": \"coord\", \"password_env\": \"CLINIC_PW\"}, found %s",
                         adapt_json_kind(cfg));
    adapt_warn_unknown_keys(x, cfg, kp, known);
    for (i = 0; i < 4; i++) {
        const json_t *v = json_object_get(cfg, keys[i]);
        adapt_jp_key(kk, sizeof kk, kp, keys[i]);
        if (!v) {
            if (i == 0)
                return adapt_bad(x, err, kk,
                                 "missing required field; expected the http(s) URL of a CalDAV "
                                 "calendar or server");
            continue;
        }
        if (!json_is_string(v) || json_string_length(v) == 0)
            return adapt_bad(x, err, kk, "expected a non-empty string, found %s",
                             adapt_json_kind(v));
        vals[i] = json_string_value(v);
    }
    if (strncasecmp(vals[0], "http://", 7) != 0 && strncasecmp(vals[0], "https://", 8) != 0)
        return adapt_bad(x, err, adapt_jp_key(kk, sizeof kk, kp, "url"),
                         "expected an http:// or https:// URL");
    adapt_redact_url(vals[0], shown, shown_size);
    if ((rc = adapt_password(x, cfg, kp, &password, err)))
        return rc;
    if (password && !vals[1]) {
        secret_free(password);
        return adapt_bad(x, err, kp, "a password needs a \"user\"");
    }
    d.x = x;
    d.user = vals[1];
    d.password = password;
    d.ca = vals[3];
    d.age_s = -1;
    if ((rc = discover(&d, vals[0], vals[2], kp, &collection, err)))
        goto done;
    /* A day either side: floating and all-day events are placed by the
     * server in its own zone; the reader clips to the horizon anyway. */
    utc_stamp(opt->from - 86400, from, sizeof from);
    utc_stamp(opt->to + 86400, to, sizeof to);
    n = strlen(from) + strlen(to) + 700;
    if (!(body = cal_malloc(n))) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    snprintf(body, n,
             "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
             "<C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
             "<D:prop><D:getetag/><C:calendar-data/></D:prop>"
             "<C:filter><C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\">"
             "<C:time-range start=\"%s\" end=\"%s\"/>"
             "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>\n",
             from, to);
    if ((rc =
             dav_call(&d, "REPORT", collection, "1", body, "the CalDAV events", &items, NULL, err)))
        goto done;
    adapt_redact_url(collection, shown, shown_size);
    for (i = 0; i < items.n; i++) {
        const struct dav_item *it = &items.v[i];
        char *abs;
        char name[600];
        if (!it->data)
            continue;
        abs = http_resolve(collection, it->href);
        adapt_redact_url(abs ? abs : it->href, name, sizeof name);
        free(abs);
        if ((rc = cal_ics_read_buffer(it->data, strlen(it->data), name, opt, im, x->warn, err)))
            goto done;
    }
    *age_s = d.age_s;
done:
    if (rc && err && rc != ADAPT_EINPUT && !err->path[0])
        snprintf(err->path, sizeof err->path, "%.255s", kp);
    dav_items_free(&items);
    secret_free(password);
    free(collection);
    free(body);
    return rc;
}
