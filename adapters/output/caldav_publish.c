/*
 * `careday publish`: the calendars of a plan into CalDAV collections, one
 * resource per UID. New events are PUT with If-None-Match: *, changed ones
 * with If-Match and the ETag careday stored when it wrote them, and events
 * careday published earlier that the plan no longer holds are DELETEd
 * (If-Match too). Nothing careday did not create is ever overwritten or
 * deleted.
 *
 * What careday created lives in a state file per collection under
 * $XDG_STATE_HOME/careday/publish/ (default ~/.local/state/careday/publish/):
 * the redacted collection URL and, per UID, the resource name, its ETag and
 * a hash of what was sent. No password, token or event text is in it. The
 * state is saved after every write, so a publish that stops half-way is
 * completed by running it again.
 */
#include "adapters/output/publish.h"
#include "adapters/http.h"
#include "adapters/json_file.h"
#include "calendars/util.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* What was sent, without DTSTAMP (it changes on every run of plan). */
static void content_hash(const char *text, char *buf, size_t size)
{
    uint64_t h = 14695981039346656037ULL;
    const char *p = text;

    while (*p) {
        size_t n = strcspn(p, "\n");
        if (strncmp(p, "DTSTAMP", 7) != 0)
            h = http_fnv1a(h, p, n);
        p += n;
        if (*p)
            p++;
    }
    snprintf(buf, size, "%016llx", (unsigned long long)h);
}

static int state_path(const char *collection, const char *user, char *buf, size_t size)
{
    const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char dir[4096];
    uint64_t a = 14695981039346656037ULL, b = 0x9e3779b97f4a7c15ULL;

    if (x && x[0] == '/')
        snprintf(dir, sizeof dir, "%s/careday/publish", x);
    else if (home && home[0])
        snprintf(dir, sizeof dir, "%s/.local/state/careday/publish", home);
    else
        return -1;
    if (cal_mkdir_p(dir, 0700, NULL, 0) != 0)
        return -1;
    a = http_fnv1a(a, collection, strlen(collection));
    b = http_fnv1a(b, user ? user : "", user ? strlen(user) : 0);
    b = http_fnv1a(b, collection, strlen(collection));
    return snprintf(buf, size, "%s/%016llx%016llx.json", dir, (unsigned long long)a,
                    (unsigned long long)b) < (int)size
               ? 0
               : -1;
}

struct pub {
    const struct pub_target *t;
    const struct pub_options *o;
    char shown[512];
    char state_file[4200];
    json_t *state;     /* {"collection", "resources": {uid: {"href","etag","hash"}}} */
    json_t *resources; /* borrowed from state */
    struct pub_counts *c;
    struct pub_log *log;
};

void pub_log_free(struct pub_log *l)
{
    free(l->text);
    memset(l, 0, sizeof *l);
}

static void log_add(struct pub_log *l, const char *what, const char *label, const char *name)
{
    size_t need = strlen(what) + strlen(label) + strlen(name) + 8;
    if (cal_grow(&l->text, &l->cap, l->len + need + 1, 1))
        return;
    l->len += (size_t)snprintf(l->text + l->len, l->cap - l->len, "%s%s %s/%s", l->len ? ", " : "",
                               what, label, name);
    l->n++;
}

/* Saved after every write (a rename: a killed run loses nothing) and made
 * durable once at the end. */
static int save_state(struct pub *p, bool durable, struct careday_error *err)
{
    char *text = json_dumps(p->state, JSON_INDENT(1) | JSON_SORT_KEYS);
    int rc = 0;

    if (!text)
        rc = careday_fail(err, ADAPT_EINTERNAL, p->state_file, 0, NULL,
                          "out of memory saving what was published");
    else if (http_write_private(p->state_file, text, strlen(text), durable) != 0)
        rc = careday_fail(err, ADAPT_EINTERNAL, p->state_file, 0, NULL,
                          "cannot save what was published: %s", strerror(errno));
    free(text);
    return rc;
}

/* The resource's name in the collection: the UID, percent-encoded. */
static void resource_name(const char *uid, char *buf, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    const unsigned char *u;

    for (u = (const unsigned char *)uid; *u && o + 8 < size; u++) {
        if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') || (*u >= '0' && *u <= '9') ||
            *u == '-' || *u == '_' || *u == '.') {
            buf[o++] = (char)*u;
        } else {
            buf[o++] = '%';
            buf[o++] = hex[*u >> 4];
            buf[o++] = hex[*u & 15];
        }
    }
    snprintf(buf + o, size - o, ".ics");
}

static int request(struct pub *p, const char *method, const char *url, const char *const *heads,
                   const char *body, struct http_response *rs, struct careday_error *err)
{
    struct http_request rq = {0};

    rq.method = method;
    rq.url = url;
    rq.headers = heads;
    rq.body = body;
    rq.body_len = body ? strlen(body) : 0;
    rq.user = p->o->user;
    rq.password = p->o->password;
    rq.ca = p->o->ca;
    rq.what = "the calendar collection";
    rq.any_status = true;
    return http_perform(&rq, rs, err);
}

static int status_error(const char *url, const char *did, long status, struct careday_error *err)
{
    char shown[512];
    adapt_redact_url(url, shown, sizeof shown);
    return careday_fail(err, ADAPT_EFETCH, shown, 0, NULL, "%s: the server answered HTTP %ld%s",
                        did, status,
                        status == 401   ? " Unauthorized (wrong user or password)"
                        : status == 403 ? " Forbidden"
                        : status == 404 ? " Not Found"
                        : status >= 500 ? " (a server error)"
                                        : "");
}

/* The collection exists and is a calendar; created when missing. */
static int ensure_collection(struct pub *p, struct careday_error *err)
{
    static const char *const pf_heads[] = {"Depth: 0",
                                           "Content-Type: application/xml; charset=utf-8", NULL};
    static const char pf_body[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                                  "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:resourcetype/>"
                                  "</D:prop></D:propfind>\n";
    struct http_response rs = {0};
    struct dav_items items = {0};
    char *mk = NULL;
    int rc;

    if ((rc = request(p, "PROPFIND", p->t->url, pf_heads, pf_body, &rs, err)))
        return rc;
    if (rs.status == 207) {
        rc = dav_parse_multistatus(rs.body, rs.len, p->shown, &items, err);
        if (rc == 0 && (items.n == 0 || !items.v[0].calendar))
            rc = careday_fail(err, ADAPT_EFETCH, p->shown, 0, NULL,
                              "exists but is not a calendar collection; give the URL of a "
                              "calendar");
        dav_items_free(&items);
    } else if (rs.status == 404) {
        static const char *const mk_heads[] = {"Content-Type: application/xml; charset=utf-8",
                                               NULL};
        size_t n = strlen(p->t->calname) * 6 + 400;
        struct http_response mr = {0};
        if (!(mk = cal_malloc(n))) {
            rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
            goto done;
        }
        snprintf(mk, n,
                 "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                 "<C:mkcalendar xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
                 "<D:set><D:prop><D:displayname>%s</D:displayname>"
                 "<C:supported-calendar-component-set><C:comp name=\"VEVENT\"/>"
                 "</C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>\n",
                 p->t->calname);
        if ((rc = request(p, "MKCALENDAR", p->t->url, mk_heads, mk, &mr, err)) == 0 &&
            mr.status != 201)
            rc = status_error(p->t->url, "could not create the calendar (MKCALENDAR)", mr.status,
                              err);
        http_response_free(&mr);
    } else {
        rc = status_error(p->t->url, "could not open the calendar collection", rs.status, err);
    }
done:
    free(mk);
    http_response_free(&rs);
    return rc;
}

static int put(struct pub *p, const char *uid, const char *text, const char *hash,
               const char *if_match, bool *conflict, struct careday_error *err)
{
    const char *heads[3];
    char cond[600], name[800], *url = NULL;
    struct http_response rs = {0};
    int rc;

    *conflict = false;
    resource_name(uid, name, sizeof name);
    if (!(url = http_resolve(p->t->url, name)))
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    if (if_match)
        snprintf(cond, sizeof cond, "If-Match: %s", if_match);
    else
        snprintf(cond, sizeof cond, "If-None-Match: *");
    heads[0] = "Content-Type: text/calendar; charset=utf-8";
    heads[1] = cond;
    heads[2] = NULL;
    if ((rc = request(p, "PUT", url, heads, text, &rs, err)))
        goto done;
    if (rs.status == 412) {
        *conflict = true;
        goto done;
    }
    if (rs.status < 200 || rs.status >= 300) {
        rc = status_error(url, "could not write an event (PUT)", rs.status, err);
        goto done;
    }
    if (!rs.etag) {
        /* Some servers send no ETag on PUT: ask for it. */
        struct http_response hr = {0};
        if (request(p, "HEAD", url, NULL, NULL, &hr, err) == 0 && hr.etag) {
            rs.etag = hr.etag;
            hr.etag = NULL;
        }
        http_response_free(&hr);
    }
    {
        json_t *r = json_pack("{s:s, s:s, s:s}", "href", name, "etag", rs.etag ? rs.etag : "",
                              "hash", hash);
        if (!r || json_object_set_new(p->resources, uid, r) != 0) {
            rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
            goto done;
        }
    }
    log_add(p->log, if_match ? "updated" : "created", p->t->label, name);
    rc = save_state(p, false, err);
done:
    http_response_free(&rs);
    free(url);
    return rc;
}

static int publish_objects(struct pub *p, const struct cal_ics_object *v, size_t n,
                           struct careday_error *err)
{
    size_t i;
    int rc;

    for (i = 0; i < n; i++) {
        const json_t *st = json_object_get(p->resources, v[i].uid);
        const char *old = json_string_value(json_object_get(st, "hash"));
        const char *etag = json_string_value(json_object_get(st, "etag"));
        char hash[40];
        bool conflict;

        content_hash(v[i].text, hash, sizeof hash);
        if (old && strcmp(old, hash) == 0) {
            p->c->unchanged++;
            continue;
        }
        rc = put(p, v[i].uid, v[i].text, hash, st ? (etag && *etag ? etag : "*") : NULL, &conflict,
                 err);
        if (rc)
            return rc;
        if (conflict && st) {
            /* Changed by someone else since careday wrote it: left as it is. */
            careday_notes_add(p->o->warn, p->shown, 0, NULL,
                              "event %s was changed on the server since careday published it; "
                              "left as it is (delete it there to let careday write it again)",
                              v[i].uid);
            json_object_del(p->resources, v[i].uid);
            if ((rc = save_state(p, false, err)))
                return rc;
            p->c->conflicts++;
        } else if (conflict) {
            careday_notes_add(p->o->warn, p->shown, 0, NULL,
                              "event %s already exists there and careday did not create it; "
                              "left as it is",
                              v[i].uid);
            p->c->conflicts++;
        } else if (st) {
            p->c->updated++;
        } else {
            p->c->created++;
        }
    }
    return 0;
}

static bool in_plan(const struct cal_ics_object *v, size_t n, const char *uid)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(v[i].uid, uid) == 0)
            return true;
    return false;
}

static int delete_stale(struct pub *p, const struct cal_ics_object *v, size_t n,
                        struct careday_error *err)
{
    const char *uid;
    json_t *r, *gone = json_array();
    size_t i;
    int rc = 0;

    if (!gone)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    json_object_foreach(p->resources, uid, r)
    {
        if (!in_plan(v, n, uid))
            json_array_append_new(gone, json_string(uid));
    }
    json_array_foreach(gone, i, r)
    {
        const char *u = json_string_value(r);
        const json_t *st = json_object_get(p->resources, u);
        const char *href = json_string_value(json_object_get(st, "href"));
        const char *etag = json_string_value(json_object_get(st, "etag"));
        const char *heads[2] = {NULL, NULL};
        struct http_response rs = {0};
        char cond[600], name[800];
        char *url;

        snprintf(name, sizeof name, "%s", href ? href : "");
        if (!href || !(url = http_resolve(p->t->url, href)))
            continue;
        if (etag && *etag) {
            snprintf(cond, sizeof cond, "If-Match: %s", etag);
            heads[0] = cond;
        }
        rc = request(p, "DELETE", url, heads, NULL, &rs, err);
        if (rc == 0 && rs.status == 412) {
            careday_notes_add(p->o->warn, p->shown, 0, NULL,
                              "event %s was changed on the server since careday published it; "
                              "not deleted",
                              u);
            p->c->conflicts++;
        } else if (rc == 0 && (rs.status == 404 || (rs.status >= 200 && rs.status < 300))) {
            log_add(p->log, "deleted", p->t->label, name);
            p->c->deleted++;
        } else if (rc == 0) {
            rc = status_error(url, "could not delete an event (DELETE)", rs.status, err);
        }
        http_response_free(&rs);
        free(url);
        if (rc)
            break;
        json_object_del(p->resources, u);
        if ((rc = save_state(p, false, err)))
            break;
    }
    json_decref(gone);
    return rc;
}

int caldav_publish(const struct pub_target *t, const struct pub_options *o, struct pub_counts *c,
                   struct pub_log *log, struct careday_error *err)
{
    struct cal_ics_object *v = NULL;
    struct pub p = {0};
    json_error_t je;
    bool nomem;
    char *data = NULL;
    size_t n = 0, len = 0;
    int rc = 0;

    memset(c, 0, sizeof *c);
    p.t = t;
    p.o = o;
    p.c = c;
    p.log = log;
    adapt_redact_url(t->url, p.shown, sizeof p.shown);
    if ((rc = cal_read_regular(t->file, "an iCalendar file (.ics)", (size_t)64 << 20, &data, &len,
                               err)))
        return rc == CAL_ENOMEM ? ADAPT_EINTERNAL : ADAPT_EINPUT;
    rc = cal_ics_split(data ? data : "", len, t->file, &v, &n, err);
    free(data);
    if (rc)
        return rc == CAL_ENOMEM ? ADAPT_EINTERNAL : ADAPT_EINPUT;
    if (state_path(t->url, o->user, p.state_file, sizeof p.state_file) != 0) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL,
                          "cannot create the publish state folder under $XDG_STATE_HOME");
        goto done;
    }
    {
        struct stat sst;
        if (lstat(p.state_file, &sst) == 0 && !S_ISREG(sst.st_mode)) {
            rc = careday_fail(err, ADAPT_EINTERNAL, p.state_file, 0, NULL,
                              "the publish state is not a regular file; move it away");
            goto done;
        }
    }
    p.state = adapt_json_load_file(p.state_file, 0, &je, &nomem);
    if (nomem) {
        rc = careday_fail(err, ADAPT_EINTERNAL, p.state_file, 0, NULL,
                          "out of memory reading the publish state");
        goto done;
    }
    if (!p.state && errno != ENOENT) {
        struct stat st;
        if (stat(p.state_file, &st) == 0) {
            rc = careday_fail(err, ADAPT_EINTERNAL, p.state_file, je.line, NULL,
                              "the publish state is damaged: %s", je.text);
            goto done;
        }
    }
    if (!p.state && !(p.state = json_pack("{s:s, s:{}}", "collection", p.shown, "resources"))) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    p.resources = json_object_get(p.state, "resources");
    if (!p.state || !json_is_object(p.resources)) {
        rc = careday_fail(err, ADAPT_EINTERNAL, p.state_file, 0, NULL,
                          "the publish state is damaged: no \"resources\" object");
        goto done;
    }
    if ((rc = ensure_collection(&p, err)) || (rc = publish_objects(&p, v, n, err)) ||
        (rc = delete_stale(&p, v, n, err)))
        goto done;
    if (c->created || c->updated || c->deleted || c->conflicts)
        rc = save_state(&p, true, err);
done:
    json_decref(p.state);
    cal_ics_objects_free(v, n);
    return rc;
}
