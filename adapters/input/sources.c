/*
 * Calendar sources of a case: iCalendar files and URLs, FHIR Slot files,
 * and weekly "hours" templates, each turned into busy and available
 * interval sets over the horizon. URLs are fetched through http.h.
 */
#include "adapters/input/case_internal.h"
#include "adapters/input/fhir.h"
#include "adapters/http.h"
#include "calendars/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

bool adapt_is_url(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0 ||
           strncasecmp(s, "webcal://", 9) == 0 || strncasecmp(s, "webcals://", 10) == 0;
}

int adapt_fetch(const struct adapt_ctx *x, const struct http_request *rq, struct http_response *rs,
                struct careday_error *err)
{
    struct http_request r = *rq;
    char *real = NULL, *ca = NULL;
    int rc;

    /* webcal:// is https:// by convention (webcals:// too). */
    if (strncasecmp(rq->url, "webcal://", 9) == 0 || strncasecmp(rq->url, "webcals://", 10) == 0) {
        const char *rest = strstr(rq->url, "://") + 3;
        size_t n = strlen(rest) + sizeof "https://";
        if (!(real = cal_malloc(n)))
            return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        snprintf(real, n, "https://%s", rest);
        r.url = real;
    }
    if (rq->ca) {
        if (!(ca = adapt_resolve_path(x->dir, rq->ca))) {
            free(real);
            return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        }
        r.ca = ca;
    }
    rc = http_fetch_cached(&r, x->opt && x->opt->offline, rs, x->warn, err);
    if (rc && real && err) /* name the URL as the case wrote it */
        adapt_redact_url(rq->url, err->file, sizeof err->file);
    free(real);
    free(ca);
    return rc;
}

/* A fetch error names the source's place in the case as well. */
static void fetch_where(const struct adapt_ctx *x, const char *kp, struct careday_error *err)
{
    if (err) {
        size_t n = strlen(err->text);
        snprintf(err->path, sizeof err->path, "%.255s", kp);
        snprintf(err->text + n, sizeof err->text - n, " (listed in %s)", x->file);
    }
}

/* A reader's error keeps its own file and line; add where the case named
 * the source, and make it this layer's bad-input class. */
static int source_error(const struct adapt_ctx *x, const char *jpath, int rc,
                        struct careday_error *err)
{
    if (rc == ADAPT_EFETCH || rc == CAL_ENOMEM || rc == ADAPT_EINTERNAL)
        return rc == ADAPT_EFETCH ? rc : ADAPT_EINTERNAL;
    if (err) {
        size_t n = strlen(err->text);
        if (!err->path[0]) {
            snprintf(err->path, sizeof err->path, "%.255s", jpath);
            snprintf(err->text + n, sizeof err->text - n, " (listed in %s)", x->file);
        } else {
            /* The path is inside the source (a FHIR Bundle): name ours too. */
            snprintf(err->text + n, sizeof err->text - n, " (source %s in %s)", jpath, x->file);
        }
    }
    return ADAPT_EINPUT;
}

static void report(const struct adapt_ctx *x, const char *jpath, const char *kind,
                   const char *given, const char *resolved, enum cal_meaning meaning,
                   size_t nevents, const struct cal_set *busy, const struct cal_set *avail,
                   long long age_s)
{
    struct adapt_source_report r;

    if (!x->opt || !x->opt->on_source)
        return;
    r.json_path = jpath;
    r.kind = kind;
    r.given = given;
    r.resolved = resolved;
    r.meaning = meaning == CAL_MEANING_BUSY ? "busy" : "available";
    r.nevents = nevents;
    r.nbusy = busy ? busy->n : 0;
    r.navailable = avail ? avail->n : 0;
    r.age_s = age_s;
    x->opt->on_source(x->opt->ud, &r);
}

/* A file named in the case: resolved against the case folder and present. */
static int source_file(const struct adapt_ctx *x, const char *given, const char *jpath,
                       const char *what, char **resolved, struct careday_error *err)
{
    struct stat st;

    *resolved = adapt_resolve_path(x->dir, given);
    if (!*resolved)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    if (stat(*resolved, &st) != 0) {
        int rc = adapt_bad(x, err, jpath, "%s not found: \"%s\" (looked for %s: %s)", what, given,
                           *resolved, strerror(errno));
        free(*resolved);
        *resolved = NULL;
        return rc;
    }
    if (S_ISDIR(st.st_mode)) {
        int rc = adapt_bad(x, err, jpath, "\"%s\" (%s) is a folder; expected a %s", given,
                           *resolved, what);
        free(*resolved);
        *resolved = NULL;
        return rc;
    }
    return 0;
}

/* An optional non-empty string field of a source object. */
static int source_string(const struct adapt_ctx *x, const json_t *src, const char *jpath,
                         const char *key, const char *expected, const char **out,
                         struct careday_error *err)
{
    const json_t *v = json_object_get(src, key);
    char kp[320];

    *out = NULL;
    if (!v)
        return 0;
    if (!json_is_string(v) || json_string_length(v) == 0)
        return adapt_bad(x, err, adapt_jp_key(kp, sizeof kp, jpath, key), "expected %s, found %s",
                         expected, json_is_string(v) ? "an empty string" : adapt_json_kind(v));
    *out = json_string_value(v);
    return 0;
}

/* A key that only one kind of source takes. */
static int source_only(const struct adapt_ctx *x, const json_t *src, const char *jpath,
                       const char *key, bool allowed, const char *kind, struct careday_error *err)
{
    char kp[320];

    if (allowed || !json_object_get(src, key))
        return 0;
    return adapt_bad(x, err, adapt_jp_key(kp, sizeof kp, jpath, key),
                     "only a \"%s\" source takes \"%s\"", kind, key);
}

/* {"fhir_hours": path, "who": ref}: availableTime minus notAvailable (and
 * Location hoursOfOperation) as available time, notAvailable as busy. */
static int read_fhir_hours(const struct adapt_ctx *x, const json_t *src, const char *jpath,
                           const char *kp, const char *given, const cal_tz *zone, char **resolved,
                           struct cal_import *im, size_t *count, struct careday_error *err)
{
    struct cal_set a = {0}, b = {0};
    const char *who = NULL;
    char wp[320];
    size_t n = 0;
    int rc;

    if ((rc = source_string(x, src, jpath, "who", "a FHIR reference such as \"PractitionerRole/7\"",
                            &who, err)))
        return rc;
    if ((rc = source_file(x, given, kp, "FHIR file", resolved, err)))
        return rc;
    rc = fhir_read_available_time_counted(*resolved, who, zone, x->from, x->to, &a, &b, &n, x->warn,
                                          err);
    if (rc) {
        rc = source_error(x, kp, rc, err);
        goto done;
    }
    if (n == 0) {
        if (who)
            rc = adapt_bad(x, err, adapt_jp_key(wp, sizeof wp, jpath, "who"),
                           "no HealthcareService, PractitionerRole or Location in \"%s\" is "
                           "\"%s\"; expected a reference to one of them (or to the practitioner "
                           "of a PractitionerRole)",
                           given, who);
        else
            rc = adapt_bad(x, err, kp,
                           "\"%s\" holds no HealthcareService, PractitionerRole or Location; "
                           "expected a file with availableTime or hoursOfOperation",
                           given);
        goto done;
    }
    if (cal_set_subtract(&im->available, &a, &b) || cal_set_add_set(&im->busy, &b))
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    *count = n;
done:
    cal_set_free(&a);
    cal_set_free(&b);
    return rc;
}

/* {"fhir": path, "schedule"?, "actor"?, "schedules"?}: the Slots that pass
 * the query; a query that picks no Slot at all is bad input. */
static int read_fhir_slots(const struct adapt_ctx *x, const json_t *src, const char *jpath,
                           const char *kp, const char *given, const struct cal_read_options *opt,
                           char **resolved, struct cal_import *im, const char *ca, char *shown,
                           size_t shown_size, long long *age_s, struct careday_error *err)
{
    const json_t *fhir = json_object_get(src, "fhir");
    bool live = json_is_object(fhir) || adapt_is_url(given);
    struct fhir_schedules scheds = {0};
    struct fhir_slot_query q = {0};
    const char *sfile = NULL;
    char *sresolved = NULL;
    char sp[320];
    size_t matched = 0;
    int rc;

    if ((rc = source_string(x, src, jpath, "schedule", "a FHIR reference such as \"Schedule/4\"",
                            &q.schedule, err)) ||
        (rc = source_string(x, src, jpath, "actor", "a FHIR reference such as \"Practitioner/12\"",
                            &q.actor, err)) ||
        (rc = source_string(x, src, jpath, "schedules", "a path to a FHIR file of Schedules",
                            &sfile, err)))
        return rc;
    if (sfile && !q.actor)
        careday_notes_add(x->warn, x->file, 0, adapt_jp_key(sp, sizeof sp, jpath, "schedules"),
                          "ignored without \"actor\": Schedules are only read to pick Slots by "
                          "actor");
    if (!live && (rc = source_file(x, given, kp, "FHIR file", resolved, err)))
        return rc;
    if (sfile && q.actor) {
        adapt_jp_key(sp, sizeof sp, jpath, "schedules");
        if ((rc = source_file(x, sfile, sp, "FHIR file", &sresolved, err)))
            goto done;
        rc = fhir_read_schedule_actors(sresolved, &scheds, x->warn, err);
        if (rc) {
            rc = source_error(x, sp, rc, err);
            goto done;
        }
        q.schedules = &scheds;
    }
    q.matched = &matched;
    if (live) {
        rc = adapt_fhir_live_read(x, fhir, kp, ca, &q, opt, im, shown, shown_size, age_s, err);
        if (rc == ADAPT_EFETCH)
            fetch_where(x, kp, err);
        else if (rc && (rc != ADAPT_EINPUT || (err && strcmp(err->file, x->file) != 0)))
            rc = source_error(x, kp, rc, err);
        if (rc)
            goto done;
        given = shown;
    } else {
        rc = fhir_read_slots(*resolved, &q, opt, im, x->warn, err);
        if (rc) {
            rc = source_error(x, kp, rc, err);
            goto done;
        }
    }
    if ((q.schedule || q.actor) && matched == 0)
        rc = adapt_bad(x, err, adapt_jp_key(sp, sizeof sp, jpath, q.actor ? "actor" : "schedule"),
                       "no Slot in \"%s\"%s%s matches%s%s%s%s; expected the reference of a "
                       "Schedule%s of these Slots",
                       given, sfile && q.actor ? " (with the Schedules of " : "",
                       sfile && q.actor ? sfile : "", q.schedule ? " schedule " : "",
                       q.schedule ? q.schedule : "", q.actor ? " actor " : "",
                       q.actor ? q.actor : "", q.actor ? " or of an actor of their Schedules" : "");
done:
    fhir_schedules_free(&scheds);
    free(sresolved);
    return rc;
}

/* Long on purpose: one branch per kind of source (file, URL, CalDAV, FHIR, hours), each a few
 * lines around its reader, and one place that keeps only the horizon. */
int adapt_source_read(const struct adapt_ctx *x, const json_t *src, const char *jpath,
                      enum cal_meaning def, const cal_tz *zone, struct cal_set *busy,
                      struct cal_set *available, struct careday_error *err)
{
    static const char *const known[] = {"ics",     "fhir",     "caldav", "fhir_hours",
                                        "meaning", "schedule", "actor",  "schedules",
                                        "who",     "ca",       NULL};
    json_t *ics, *fhir, *caldav, *hours, *meaning;
    struct cal_read_options opt = {0};
    struct cal_import im = {0};
    struct cal_set hz = {0};
    char kp[320], shown[512] = "";
    char *resolved = NULL;
    const char *kind, *given = "", *ca = NULL;
    size_t nhours = 0;
    long long age_s = -1;
    int rc = 0, nkinds;

    if (!json_is_object(src))
        return adapt_bad(x, err, jpath,
                         "expected a source object such as {\"ics\": \"calendars/clinic.ics\"}, "
                         "found %s",
                         adapt_json_kind(src));
    adapt_warn_unknown_keys(x, src, jpath, known);
    ics = json_object_get(src, "ics");
    fhir = json_object_get(src, "fhir");
    caldav = json_object_get(src, "caldav");
    hours = json_object_get(src, "fhir_hours");
    meaning = json_object_get(src, "meaning");
    nkinds = (ics != NULL) + (fhir != NULL) + (caldav != NULL) + (hours != NULL);
    if (nkinds != 1)
        return adapt_bad(
            x, err, jpath,
            "expected exactly one of \"ics\", \"fhir\" or \"caldav\" (or \"fhir_hours\"), "
            "found %d",
            nkinds);
    if ((rc = source_only(x, src, jpath, "schedule", fhir != NULL, "fhir", err)) ||
        (rc = source_only(x, src, jpath, "actor", fhir != NULL, "fhir", err)) ||
        (rc = source_only(x, src, jpath, "schedules", fhir != NULL, "fhir", err)) ||
        (rc = source_only(x, src, jpath, "who", hours != NULL, "fhir_hours", err)) ||
        (rc = source_only(x, src, jpath, "ca", ics || fhir, "ics\" or \"fhir", err)) ||
        (rc =
             source_string(x, src, jpath, "ca", "a path to a CA certificate file (PEM)", &ca, err)))
        return rc;
    if (meaning) {
        const char *m = json_is_string(meaning) ? json_string_value(meaning) : "";
        if (strcmp(m, "busy") == 0)
            def = CAL_MEANING_BUSY;
        else if (strcmp(m, "available") == 0)
            def = CAL_MEANING_AVAILABLE;
        else
            return adapt_bad(x, err, adapt_jp_key(kp, sizeof kp, jpath, "meaning"),
                             "expected \"busy\" or \"available\", found %s",
                             json_is_string(meaning) ? "another string" : adapt_json_kind(meaning));
        if (fhir)
            careday_notes_add(x->warn, x->file, 0, adapt_jp_key(kp, sizeof kp, jpath, "meaning"),
                              "ignored for FHIR sources: each Slot's status says free or busy");
        if (hours)
            careday_notes_add(x->warn, x->file, 0, adapt_jp_key(kp, sizeof kp, jpath, "meaning"),
                              "ignored for \"fhir_hours\": availableTime is available and "
                              "notAvailable busy");
    }

    opt.from = x->from;
    opt.to = x->to;
    opt.floating_tz = zone;
    opt.meaning = def;
    opt.max_instances = 0;

    if (caldav) {
        kind = "caldav";
        adapt_jp_key(kp, sizeof kp, jpath, "caldav");
        rc = adapt_caldav_read(x, caldav, kp, &opt, &im, shown, sizeof shown, &age_s, err);
        if (rc) {
            if (rc == ADAPT_EFETCH && err)
                fetch_where(x, kp, err);
            else if (rc != ADAPT_EINPUT || (err && strcmp(err->file, x->file) != 0))
                rc = source_error(x, kp, rc, err);
            goto done;
        }
        given = shown;
    } else if (ics) {
        kind = "ics";
        adapt_jp_key(kp, sizeof kp, jpath, "ics");
        if (!json_is_string(ics) || json_string_length(ics) == 0)
            return adapt_bad(x, err, kp, "expected a path or URL of an .ics file, found %s",
                             adapt_json_kind(ics));
        given = json_string_value(ics);
        if (adapt_is_url(given)) {
            struct http_request rq = {0};
            struct http_response rs = {0};
            adapt_redact_url(given, shown, sizeof shown);
            given = shown;
            rq.url = json_string_value(ics);
            rq.ca = ca;
            rq.what = "the calendar";
            rc = adapt_fetch(x, &rq, &rs, err);
            if (rc) {
                fetch_where(x, kp, err);
                goto done;
            }
            age_s = rs.age_s;
            rc = cal_ics_read_buffer(rs.body, rs.len, shown, &opt, &im, x->warn, err);
            http_response_free(&rs);
            if (rc) {
                rc = source_error(x, kp, rc, err);
                goto done;
            }
        } else {
            if ((rc = source_file(x, given, kp, "calendar file", &resolved, err)))
                goto done;
            rc = cal_ics_read_file(resolved, &opt, &im, x->warn, err);
            if (rc) {
                rc = source_error(x, kp, rc, err);
                goto done;
            }
        }
    } else if (hours) {
        kind = "fhir_hours";
        adapt_jp_key(kp, sizeof kp, jpath, "fhir_hours");
        if (!json_is_string(hours) || json_string_length(hours) == 0)
            return adapt_bad(x, err, kp,
                             "expected a path to a FHIR Bundle or NDJSON file of "
                             "PractitionerRole, HealthcareService or Location, found %s",
                             adapt_json_kind(hours));
        given = json_string_value(hours);
        if (adapt_is_url(given))
            return adapt_bad(x, err, kp, "FHIR URLs are not supported yet; expected a path");
        if ((rc = read_fhir_hours(x, src, jpath, kp, given, zone, &resolved, &im, &nhours, err)))
            goto done;
    } else {
        kind = "fhir";
        adapt_jp_key(kp, sizeof kp, jpath, "fhir");
        if (json_is_object(fhir)) {
            given = "";
        } else if (!json_is_string(fhir) || json_string_length(fhir) == 0) {
            return adapt_bad(x, err, kp,
                             "expected a path to a FHIR Bundle or NDJSON file, a FHIR URL, or "
                             "{\"base\", \"query\"} of a FHIR server, found %s",
                             adapt_json_kind(fhir));
        } else {
            given = json_string_value(fhir);
        }
        if ((rc = read_fhir_slots(x, src, jpath, kp, given, &opt, &resolved, &im, ca, shown,
                                  sizeof shown, &age_s, err)))
            goto done;
        if (!resolved)
            given = shown;
    }

    /* Whatever a reader returns, only the horizon counts. */
    if (cal_set_add(&hz, x->from, x->to) || cal_set_keep_set(&im.busy, &hz) ||
        cal_set_keep_set(&im.available, &hz) || cal_set_add_set(busy, &im.busy) ||
        cal_set_add_set(available, &im.available)) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    report(x, jpath, kind, given, resolved ? resolved : shown, def, hours ? nhours : im.nevents,
           &im.busy, &im.available, age_s);
done:
    cal_set_free(&hz);
    cal_import_free(&im);
    free(resolved);
    return rc;
}

int adapt_sources_read(const struct adapt_ctx *x, const json_t *arr, const char *jpath,
                       enum cal_meaning def, const cal_tz *zone, struct cal_set *busy,
                       struct cal_set *available, struct careday_error *err)
{
    const json_t *src;
    size_t i;
    char p[256];
    int rc;

    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return adapt_bad(x, err, jpath, "expected an array of sources, found %s",
                         adapt_json_kind(arr));
    for (i = 0; i < json_array_size(arr); i++) {
        src = json_array_get(arr, i);
        if ((rc = adapt_source_read(x, src, adapt_jp_index(p, sizeof p, jpath, i), def, zone, busy,
                                    available, err)))
            return rc;
    }
    return 0;
}

/* "MO,TU,WE" to a bit mask, bit 0 Monday; 0 when malformed. */
static unsigned parse_days(const char *s)
{
    static const char *const codes[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
    unsigned mask = 0;

    while (*s) {
        int d;
        size_t n;
        while (*s == ' ')
            s++;
        n = strcspn(s, ", ");
        for (d = 0; d < 7; d++) {
            if (n == 2 && strncasecmp(s, codes[d], 2) == 0)
                break;
        }
        if (d == 7)
            return 0;
        mask |= 1u << d;
        s += n;
        while (*s == ' ')
            s++;
        if (*s == ',') {
            s++;
            if (!*s)
                return 0;
        } else if (*s) {
            return 0;
        }
    }
    return mask;
}

static int read_hours_entry(const struct adapt_ctx *x, const json_t *o, const char *jp,
                            const cal_tz *zone, struct cal_set *out, size_t *count,
                            struct careday_error *err)
{
    static const char *const known[] = {"days", "from", "to", NULL};
    const json_t *days = json_object_get(o, "days");
    const char *names[2] = {"from", "to"};
    int minutes[2];
    unsigned mask;
    int32_t d;
    char kp[320];
    int k;

    if (!json_is_object(o))
        return adapt_bad(x, err, jp,
                         "expected an object such as {\"days\": \"MO,TU,WE,TH,FR\", \"from\": "
                         "\"08:00\", \"to\": \"17:00\"}, found %s",
                         adapt_json_kind(o));
    adapt_warn_unknown_keys(x, o, jp, known);
    adapt_jp_key(kp, sizeof kp, jp, "days");
    if (!days)
        return adapt_bad(x, err, kp,
                         "missing required field; expected day codes such as "
                         "\"MO,TU,WE,TH,FR\"");
    if (!json_is_string(days))
        return adapt_bad(x, err, kp, "expected day codes such as \"MO,TU,WE,TH,FR\", found %s",
                         adapt_json_kind(days));
    mask = parse_days(json_string_value(days));
    if (!mask)
        return adapt_bad(x, err, kp,
                         "expected day codes MO, TU, WE, TH, FR, SA, SU separated by commas, "
                         "found \"%s\"",
                         json_string_value(days));
    for (k = 0; k < 2; k++) {
        const json_t *v = json_object_get(o, names[k]);
        adapt_jp_key(kp, sizeof kp, jp, names[k]);
        if (!v)
            return adapt_bad(x, err, kp, "missing required field; expected a time of day HH:MM");
        if (!json_is_string(v) || cal_parse_hhmm(json_string_value(v), &minutes[k]) != 0)
            return adapt_bad(x, err, kp, "expected a time of day HH:MM, found %s%s%s",
                             json_is_string(v) ? "\"" : "",
                             json_is_string(v) ? json_string_value(v) : adapt_json_kind(v),
                             json_is_string(v) ? "\"" : "");
    }
    if (minutes[1] <= minutes[0])
        return adapt_bad(x, err, adapt_jp_key(kp, sizeof kp, jp, "to"),
                         "expected a time after \"from\" on the same day");
    /* One day either side: a zone other than the case's shifts the days. */
    for (d = x->first_day - 1; d <= x->last_day + 1; d++) {
        cal_time s, e;
        if (!(mask & (1u << cal_weekday(d))))
            continue;
        s = cal_tz_local_to_utc(zone, d, minutes[0]);
        e = minutes[1] >= 1440 ? cal_tz_local_to_utc(zone, d + 1, 0)
                               : cal_tz_local_to_utc(zone, d, minutes[1]);
        if (s < x->to && e > x->from) {
            if (cal_set_add(out, s < x->from ? x->from : s, e > x->to ? x->to : e))
                return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
            (*count)++;
        }
    }
    return 0;
}

int adapt_hours_read(const struct adapt_ctx *x, const json_t *arr, const char *jpath,
                     const cal_tz *zone, struct cal_set *out, struct careday_error *err)
{
    struct cal_set h = {0};
    size_t i, count = 0;
    char p[256];
    int rc = 0;

    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return adapt_bad(x, err, jpath, "expected an array of weekly hours, found %s",
                         adapt_json_kind(arr));
    for (i = 0; i < json_array_size(arr) && rc == 0; i++)
        rc = read_hours_entry(x, json_array_get(arr, i), adapt_jp_index(p, sizeof p, jpath, i),
                              zone, &h, &count, err);
    if (rc == 0 && cal_set_add_set(out, &h))
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    if (rc == 0)
        report(x, jpath, "hours", "", "", CAL_MEANING_AVAILABLE, count, NULL, &h, -1);
    cal_set_free(&h);
    return rc;
}
