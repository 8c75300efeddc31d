/*
 * FHIR R4 weekly availability: availableTime and notAvailable of
 * HealthcareService, PractitionerRole and Location, expanded over a horizon.
 */
#include "adapters/input/fhir_doc.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    int rc = fdoc_get_array(d, it->line, e, ep, "daysOfWeek", &days);
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
            return fdoc_fail(d, it->line, adapt_jp_key_index(p, sizeof p, ep, "daysOfWeek", i),
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
    int rc = fdoc_get_string(d, it->line, e, ep, key, &s);
    *present = s != NULL;
    if (rc || !s)
        return rc;
    if (fdoc_parse_time_of_day(s, sec))
        return fdoc_fail(d, it->line, adapt_jp_key(p, sizeof p, ep, key),
                         "expected a time of day such as 09:30:00, not \"%s\"", s);
    return 0;
}

/* One availableTime / hoursOfOperation list, limited to [lo, hi). */
static int avail_template(const struct doc *d, const struct item *it, const struct template_keys *k,
                          struct avail *a, cal_time lo, cal_time hi, bool *any)
{
    char ep[FHIR_PATH_MAX];
    json_t *list;
    int rc = fdoc_get_array(d, it->line, it->res, it->path, k->list, &list);
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
            return fdoc_fail(d, it->line, ep, "expected an object");
        if ((rc = day_mask(d, it, e, ep, &mask)) ||
            (rc = fdoc_get_bool(d, it->line, e, ep, "allDay", &all_day)) ||
            (rc = get_time_of_day(d, it, e, ep, k->start, &s, &has_s)) ||
            (rc = get_time_of_day(d, it, e, ep, k->end, &t, &has_e)))
            return rc;
        if (all_day) {
            s = 0;
            t = 86400;
        } else if (!has_s && !has_e) {
            fdoc_note(d, it->line, ep, "ignored: neither allDay nor %s / %s", k->start, k->end);
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
            fdoc_note(d, it->line, ep, "ignored: %s %s is not after %s %s", k->end, ts ? ts : "",
                      k->start, ss ? ss : "");
            continue;
        }
        for (int32_t day = a->day_lo; day <= a->day_hi; day++) {
            if (!(mask & (1u << cal_weekday(day))))
                continue;
            rc = set_add_clipped(&a->available, fdoc_local_time(a->tz, day, s),
                                 fdoc_local_time(a->tz, day, t), lo, hi);
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
    int rc = fdoc_get_object(d, it->line, obj, op, key, &per);
    *present = per != NULL;
    if (rc || !per)
        return rc;
    adapt_jp_key(pp, sizeof pp, op, key);
    if ((rc = fdoc_get_string(d, it->line, per, pp, "start", &s)) ||
        (rc = fdoc_get_string(d, it->line, per, pp, "end", &e)))
        return rc;
    if (s && fdoc_parse_datetime(s, tz, false, lo))
        return fdoc_fail(d, it->line, adapt_jp_key(p, sizeof p, pp, "start"),
                         "expected a date or dateTime such as 2025-12-24 or "
                         "2025-12-24T09:00:00-05:00, not \"%s\"",
                         s);
    if (e && fdoc_parse_datetime(e, tz, true, hi))
        return fdoc_fail(d, it->line, adapt_jp_key(p, sizeof p, pp, "end"),
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

    if (!is_location && (rc = fdoc_get_bool(d, it->line, it->res, it->path, "active", &active)))
        return rc;
    if (is_location) {
        const char *status;
        if ((rc = fdoc_get_string(d, it->line, it->res, it->path, "status", &status)))
            return rc;
        active = !status || strcmp(status, "active") == 0;
    }
    if (!active) {
        fdoc_note(d, it->line, it->path, "ignored: %s %s is not active", it->type, id);
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
            fdoc_note(d, it->line, it->path,
                      "PractitionerRole %s is in force only outside the horizon (see its period); "
                      "its availableTime gives nothing",
                      id);
    }
    if ((rc = avail_template(d, it, is_location ? &location : &service, a, lo, hi, any)))
        return rc;
    if (is_location)
        return 0;

    json_t *na;
    if ((rc = fdoc_get_array(d, it->line, it->res, it->path, "notAvailable", &na)))
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
            return fdoc_fail(d, it->line, ep, "expected an object");
        if ((rc = get_period(d, it, e, ep, "during", a->tz, &s, &t, &has)))
            return rc;
        if (!has) {
            fdoc_note(d, it->line, ep, "ignored: notAvailable without a during period");
            continue;
        }
        if (t <= s) {
            fdoc_note(d, it->line, ep, "ignored: notAvailable period ends before it starts");
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
        if (fdoc_ref_match(own, who))
            return true;
    }
    if (it->full_url && strcmp(it->full_url, who) == 0)
        return true;
    if (strcmp(it->type, "PractitionerRole") == 0) {
        json_t *p = json_object_get(it->res, "practitioner");
        json_t *r = json_is_object(p) ? json_object_get(p, "reference") : NULL;
        prac = json_string_value(r);
        return prac && fdoc_doc_ref_match(d, prac, who);
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
    if ((rc = fdoc_doc_load(&d, data, len)))
        goto out;
    for (size_t i = 0; i < d.n; i++) {
        const struct item *it = &d.items[i];
        if (fdoc_in_list(it->type, used)) {
            if (!avail_is(&d, it, who))
                continue;
            matched = true;
            if (nmatched)
                (*nmatched)++;
            if ((rc = avail_item(&d, it, &a, &any)))
                goto out;
        } else if (strcmp(it->type, "OperationOutcome") == 0) {
            fdoc_note_outcome(&d, it);
        } else if (!fdoc_in_list(it->type, context) && !who) {
            fdoc_note(&d, it->line, it->path, "ignored: %s%s%s carries no availability", it->type,
                      it->id ? " " : "", it->id ? it->id : "");
        }
    }
    if (who && !matched) {
        fdoc_note(&d, 0, NULL, "ignored: nothing in this file is %s", who);
    } else if (!any) {
        char types[200];
        fdoc_doc_types(&d, types, sizeof types);
        fdoc_note(&d, 0, NULL,
                  "ignored: no availableTime, notAvailable or hoursOfOperation in this file (it "
                  "holds %s)",
                  types);
    }
    if ((rc = cal_set_add_set(available, &a.available)) || (rc = cal_set_add_set(busy, &a.busy)))
        rc = careday_fail(err, rc, d.name, 0, NULL, "out of memory");
out:
    cal_set_free(&a.available);
    cal_set_free(&a.busy);
    fdoc_doc_free(&d);
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
    int rc = fdoc_read_file(path, &data, &len, err);
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
