/*
 * The case file (docs/case-format.md): JSON in, struct sched_case out.
 *
 * Every field of the contract is read here; every problem names the case
 * file, the JSON path and what was expected, and fails with ADAPT_EINPUT.
 * Unknown fields are warnings. Sources are resolved into interval sets by
 * sources.c, travel minutes by travel.c; sched_case_validate has the last
 * word.
 */
#include "adapters/input/case_loader.h"
#include "adapters/input/fhir.h"
#include "adapters/json_file.h"
#include "adapters/input/travel_internal.h"
#include "calendars/util.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int read_version(struct loader *l, struct careday_error *err)
{
    json_t *v = json_object_get(l->root, "careday");

    if (!v) {
        careday_notes_add(l->x.warn, l->x.file, 0, "careday",
                          "no \"careday\" version field; reading the file as version 1");
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) != 1)
        return adapt_bad(&l->x, err, "careday",
                         "expected 1 (the case format version this careday reads), found %s",
                         json_is_integer(v) ? "another version" : adapt_json_kind(v));
    return 0;
}

static char *file_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    const char *dot;
    size_t n;
    char *out;

    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    out = cal_malloc(n + 1);
    if (out) {
        memcpy(out, base, n);
        out[n] = '\0';
    }
    return out;
}

static int read_head(struct loader *l, struct careday_error *err)
{
    struct sched_case *c = l->c;
    const char *tzname = NULL, *id = NULL, *name = NULL;
    json_t *h;
    struct careday_error tzerr = {0};
    int rc;

    if ((rc = read_version(l, err)))
        return rc;
    if ((rc = case_get_str(&l->x, l->root, "", "timezone", true, &tzname, err)))
        return rc;
    if ((rc = cal_tz_open(tzname, &c->tz, &tzerr)) == CAL_ENOMEM)
        return case_oom(err);
    if (rc != 0)
        return adapt_bad(&l->x, err, "timezone",
                         "unknown time zone \"%s\"; expected an IANA name such as "
                         "\"America/New_York\"",
                         tzname);
    if ((rc = case_dup_str(cal_tz_name(c->tz), &c->timezone, err)))
        return rc;

    if ((rc = case_get_obj(&l->x, l->root, "", "horizon", true, &h, err)))
        return rc;
    {
        static const char *const known[] = {"start", "end", NULL};
        adapt_warn_unknown_keys(&l->x, h, "horizon", known);
    }
    if ((rc = case_get_date(&l->x, h, "horizon", "start", true, &c->horizon_start, err)) ||
        (rc = case_get_date(&l->x, h, "horizon", "end", true, &c->horizon_end, err)))
        return rc;
    if (c->horizon_end < c->horizon_start) {
        char a[16], b[16];
        return adapt_bad(&l->x, err, "horizon.end",
                         "the horizon ends (%s) before it starts (%s); expected an end date on "
                         "or after the start",
                         case_day_text(c->horizon_end, a, sizeof a),
                         case_day_text(c->horizon_start, b, sizeof b));
    }
    if (c->horizon_end - c->horizon_start + 1 > CASE_MAX_HORIZON_DAYS)
        return adapt_bad(&l->x, err, "horizon.end",
                         "the horizon spans %d days; expected at most %d",
                         (int)(c->horizon_end - c->horizon_start + 1), CASE_MAX_HORIZON_DAYS);
    l->x.first_day = c->horizon_start;
    l->x.last_day = c->horizon_end;
    l->x.from = cal_tz_local_to_utc(c->tz, c->horizon_start, 0);
    l->x.to = cal_tz_local_to_utc(c->tz, c->horizon_end + 1, 0);

    if ((rc = case_get_id(&l->x, l->root, "", "id", false, &id, err)) ||
        (rc = case_get_str(&l->x, l->root, "", "name", false, &name, err)))
        return rc;
    if (id) {
        if ((rc = case_dup_str(id, &c->id, err)))
            return rc;
    } else {
        c->id = file_stem(l->x.file);
        if (!c->id)
            return case_oom(err);
    }
    return case_dup_str(name ? name : c->id, &c->name, err);
}

static int read_places(struct loader *l, struct careday_error *err)
{
    static const char *const known[] = {"id",   "name",     "address", "lat",        "lon",
                                        "kind", "timezone", "phone",   "directions", NULL};
    struct sched_case *c = l->c;
    json_t *arr, *o;
    size_t i;
    int rc;

    if ((rc = case_get_arr(&l->x, l->root, "", "places", false, &arr, err)) || !arr)
        return rc;
    c->places = cal_calloc(json_array_size(arr) ? json_array_size(arr) : 1, sizeof *c->places);
    if (!c->places)
        return case_oom(err);
    json_array_foreach(arr, i, o)
    {
        struct sched_place *p = &c->places[i];
        const char *id = NULL, *name = NULL, *address = NULL, *kind = NULL, *tz = NULL;
        const char *phone = NULL, *directions = NULL;
        char jp[64];

        c->nplaces = i + 1;
        adapt_jp_index(jp, sizeof jp, "places", i);
        if (!json_is_object(o))
            return adapt_bad(&l->x, err, jp, "expected a place object, found %s",
                             adapt_json_kind(o));
        adapt_warn_unknown_keys(&l->x, o, jp, known);
        if ((rc = case_get_id(&l->x, o, jp, "id", true, &id, err)))
            return rc;
        if (strcmp(id, "home") == 0) {
            char q[80];
            return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "id"),
                             "\"home\" is reserved for the family's home; expected another id");
        }
        if (case_find_place(c, id) >= 0) {
            char q[80];
            return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "id"),
                             "duplicate place id \"%s\"; expected each place once", id);
        }
        if ((rc = case_get_str(&l->x, o, jp, "name", false, &name, err)) ||
            (rc = case_get_str(&l->x, o, jp, "address", false, &address, err)) ||
            (rc = case_get_str(&l->x, o, jp, "phone", false, &phone, err)) ||
            (rc = case_get_str(&l->x, o, jp, "directions", false, &directions, err)) ||
            (rc = case_get_str(&l->x, o, jp, "kind", false, &kind, err)) ||
            (rc = case_get_str(&l->x, o, jp, "timezone", false, &tz, err)) ||
            (rc = case_get_num(&l->x, o, jp, "lat", true, -90, 90,
                               "a latitude in degrees (-90 to 90)", &p->lat, err)) ||
            (rc = case_get_num(&l->x, o, jp, "lon", true, -180, 180,
                               "a longitude in degrees (-180 to 180)", &p->lon, err)))
            return rc;
        if ((rc = case_dup_str(id, &p->id, err)) ||
            (rc = case_dup_str(name ? name : id, &p->name, err)) ||
            (rc = case_dup_str(address, &p->address, err)) ||
            (rc = case_dup_str(phone, &p->phone, err)) ||
            (rc = case_dup_str(directions, &p->directions, err)))
            return rc;
        p->lodging = kind && strcmp(kind, "lodging") == 0;
        if (tz) {
            struct careday_error tzerr = {0};
            char q[64];
            if ((rc = cal_tz_open(tz, &p->tz, &tzerr)) == CAL_ENOMEM)
                return case_oom(err);
            if (rc != 0)
                return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "timezone"),
                                 "unknown time zone \"%s\"; expected an IANA name such as "
                                 "\"America/Chicago\"",
                                 tz);
            if ((rc = case_dup_str(cal_tz_name(p->tz), &p->timezone, err)))
                return rc;
        }
    }
    return 0;
}

/* Long on purpose: reads the family object field after field, in the order of
 * docs/case-format.md; each field is a few lines. */
static int read_family(struct loader *l, struct careday_error *err)
{
    static const char *const known[] = {"id",
                                        "language",
                                        "home",
                                        "busy",
                                        "day",
                                        "limits",
                                        "telehealth",
                                        "travel_needs_nurse",
                                        "overnight",
                                        "name",
                                        "arrive_early_minutes",
                                        "provider_label",
                                        "avoid_dates",
                                        NULL};
    struct sched_case *c = l->c;
    struct sched_family *f = &c->family;
    json_t *fo, *home, *day, *limits, *tele, *night, *busy;
    const char *id = NULL, *lang = NULL, *label = NULL, *haddr = NULL;
    struct cal_set b = {0}, a = {0};
    int rc;

    if ((rc = case_get_obj(&l->x, l->root, "", "family", true, &fo, err)))
        return rc;
    adapt_warn_unknown_keys(&l->x, fo, "family", known);
    if ((rc = case_get_id(&l->x, fo, "family", "id", false, &id, err)) ||
        (rc = case_get_str(&l->x, fo, "family", "language", false, &lang, err)) ||
        (rc = case_get_str(&l->x, fo, "family", "provider_label", false, &label, err)))
        return rc;
    if ((rc = case_dup_str(id ? id : "family", &f->id, err)) ||
        (rc = case_dup_str(lang && *lang ? lang : "en", &f->language, err)) ||
        (rc = case_dup_str(label && *label ? label : NULL, &f->provider_label, err)))
        return rc;
    f->arrive_early_minutes = 15;
    if ((rc = case_get_int(&l->x, fo, "family", "arrive_early_minutes", false, 0, 240,
                           "minutes from 0 to 240", &f->arrive_early_minutes, err)))
        return rc;

    if ((rc = case_get_obj(&l->x, fo, "family", "home", true, &home, err)))
        return rc;
    {
        static const char *const hk[] = {"lat", "lon", "address", NULL};
        adapt_warn_unknown_keys(&l->x, home, "family.home", hk);
    }
    if ((rc = case_get_str(&l->x, home, "family.home", "address", false, &haddr, err)) ||
        (rc = case_dup_str(haddr && *haddr ? haddr : NULL, &f->home_address, err)))
        return rc;
    if ((rc = case_get_num(&l->x, home, "family.home", "lat", true, -90, 90,
                           "a latitude in degrees (-90 to 90)", &f->lat, err)) ||
        (rc = case_get_num(&l->x, home, "family.home", "lon", true, -180, 180,
                           "a longitude in degrees (-180 to 180)", &f->lon, err)))
        return rc;

    f->earliest_departure = 7 * 60;
    f->latest_return = 19 * 60;
    if ((rc = case_get_obj(&l->x, fo, "family", "day", false, &day, err)))
        return rc;
    if (day) {
        static const char *const dk[] = {"earliest_departure", "latest_return", NULL};
        adapt_warn_unknown_keys(&l->x, day, "family.day", dk);
        if ((rc = case_get_hhmm(&l->x, day, "family.day", "earliest_departure",
                                &f->earliest_departure, err)) ||
            (rc = case_get_hhmm(&l->x, day, "family.day", "latest_return", &f->latest_return, err)))
            return rc;
        if (f->latest_return <= f->earliest_departure)
            return adapt_bad(&l->x, err, "family.day.latest_return",
                             "expected a time after earliest_departure");
    }

    if ((rc = case_get_obj(&l->x, fo, "family", "limits", false, &limits, err)))
        return rc;
    if (limits) {
        static const char *const lk[] = {"max_visits_per_day", "max_clinic_minutes_per_day",
                                         "min_gap_minutes", NULL};
        adapt_warn_unknown_keys(&l->x, limits, "family.limits", lk);
        if ((rc = case_get_int(&l->x, limits, "family.limits", "max_visits_per_day", false, 0, 100,
                               "a number of visits from 0 (no limit) to 100",
                               &f->max_visits_per_day, err)) ||
            (rc = case_get_int(&l->x, limits, "family.limits", "max_clinic_minutes_per_day", false,
                               0, 1440, "minutes from 0 (no limit) to 1440",
                               &f->max_clinic_minutes_per_day, err)) ||
            (rc = case_get_int(&l->x, limits, "family.limits", "min_gap_minutes", false, 0, 1440,
                               "minutes from 0 to 1440", &f->min_gap_minutes, err)))
            return rc;
    }

    f->telehealth_ready = true;
    if ((rc = case_get_obj(&l->x, fo, "family", "telehealth", false, &tele, err)))
        return rc;
    if (tele) {
        static const char *const tk[] = {"ready", NULL};
        adapt_warn_unknown_keys(&l->x, tele, "family.telehealth", tk);
        if ((rc = case_get_bool(&l->x, tele, "family.telehealth", "ready", &f->telehealth_ready,
                                err)))
            return rc;
    }
    if ((rc =
             case_get_bool(&l->x, fo, "family", "travel_needs_nurse", &f->travel_needs_nurse, err)))
        return rc;

    f->lodging = -1;
    f->max_nights = 1;
    if ((rc = case_get_obj(&l->x, fo, "family", "overnight", false, &night, err)))
        return rc;
    if (night) {
        static const char *const nk[] = {"allowed", "lodging", "max_nights", NULL};
        const char *lodging = NULL;
        adapt_warn_unknown_keys(&l->x, night, "family.overnight", nk);
        if ((rc = case_get_bool(&l->x, night, "family.overnight", "allowed", &f->overnight_allowed,
                                err)) ||
            (rc = case_get_id(&l->x, night, "family.overnight", "lodging", false, &lodging, err)) ||
            (rc = case_get_int(&l->x, night, "family.overnight", "max_nights", false, 1, 14,
                               "a number of consecutive nights from 1 to 14", &f->max_nights, err)))
            return rc;
        if (lodging) {
            f->lodging = case_find_place(c, lodging);
            if (f->lodging < 0)
                return adapt_bad(&l->x, err, "family.overnight.lodging",
                                 "unknown place id \"%s\"; expected the id of a place in "
                                 "\"places\"",
                                 lodging);
            if (!c->places[f->lodging].lodging)
                careday_notes_add(l->x.warn, l->x.file, 0, "family.overnight.lodging",
                                  "place \"%s\" is not marked \"kind\": \"lodging\"", lodging);
        } else if (f->overnight_allowed) {
            return adapt_bad(&l->x, err, "family.overnight.lodging",
                             "missing required field; expected the id of a lodging place when "
                             "overnight stays are allowed");
        }
    }

    if ((rc = case_get_arr(&l->x, fo, "family", "busy", false, &busy, err)))
        return rc;
    rc = case_read_busy(l, busy, NULL, "family.busy", &b, &a, err);
    if (rc == 0 && a.n) {
        /* Sources that list when the family is free: every other instant of
         * the horizon is busy. */
        struct cal_set h = {0}, rest = {0};
        if (cal_set_add(&h, l->x.from, l->x.to) || cal_set_subtract(&rest, &h, &a) ||
            cal_set_add_set(&b, &rest))
            rc = case_oom(err);
        cal_set_free(&h);
        cal_set_free(&rest);
    }
    if (rc == 0) {
        cal_set_free(&f->busy);
        f->busy = b;
        b = (struct cal_set){0};
    }
    cal_set_free(&b);
    cal_set_free(&a);
    return rc;
}

static int read_nursing(struct loader *l, struct careday_error *err)
{
    static const char *const known[] = {"shifts", NULL};
    struct sched_case *c = l->c;
    json_t *n, *shifts;
    struct cal_set b = {0}, a = {0};
    int rc;

    if ((rc = case_get_obj(&l->x, l->root, "", "nursing", false, &n, err)) || !n)
        return rc;
    adapt_warn_unknown_keys(&l->x, n, "nursing", known);
    if ((rc = case_get_arr(&l->x, n, "nursing", "shifts", false, &shifts, err)))
        return rc;
    rc = adapt_sources_read(&l->x, shifts, "nursing.shifts", CAL_MEANING_AVAILABLE, c->tz, &b, &a,
                            err);
    if (rc == 0 && cal_set_subtract(&c->nursing, &a, &b))
        rc = case_oom(err);
    cal_set_free(&b);
    cal_set_free(&a);
    return rc;
}

static int read_travel(struct loader *l, struct careday_error *err)
{
    static const char *const known[] = {"detour_factor", "speed_kmh", "park_minutes", "matrix",
                                        NULL};
    struct adapt_travel_params p;
    json_t *t;
    const char *matrix = NULL;
    char *resolved = NULL;
    int rc;

    adapt_travel_params_default(&p);
    if ((rc = case_get_obj(&l->x, l->root, "", "travel", false, &t, err)))
        return rc;
    if (t) {
        adapt_warn_unknown_keys(&l->x, t, "travel", known);
        if ((rc = case_get_num(&l->x, t, "travel", "detour_factor", false, 1, 10,
                               "a factor from 1 to 10", &p.detour_factor, err)) ||
            (rc = case_get_num(&l->x, t, "travel", "speed_kmh", false, 1, 300,
                               "a speed in km/h from 1 to 300", &p.speed_kmh, err)) ||
            (rc = case_get_int(&l->x, t, "travel", "park_minutes", false, 0, 240,
                               "minutes from 0 to 240", &p.park_minutes, err)) ||
            (rc = case_get_str(&l->x, t, "travel", "matrix", false, &matrix, err)))
            return rc;
    }
    if (matrix) {
        struct stat st;
        resolved = adapt_resolve_path(l->x.dir, matrix);
        if (!resolved)
            return case_oom(err);
        if (stat(resolved, &st) != 0) {
            rc = adapt_bad(&l->x, err, "travel.matrix",
                           "travel matrix file not found: \"%s\" (looked for %s: %s)", matrix,
                           resolved, strerror(errno));
            free(resolved);
            return rc;
        }
    }
    rc = adapt_travel_build(l->c, &p, resolved, matrix, l->x.file, "travel.matrix", l->x.warn, err);
    free(resolved);
    return rc;
}

/* One mode object of a provider ("providers[0].telehealth"). */
static int read_provider_mode(struct loader *l, const json_t *po, const char *jp, enum sched_mode m,
                              struct sched_provider *pr, const struct cal_set *pbusy,
                              struct careday_error *err)
{
    static const char *const known_ip[] = {"place", "available", "busy", "hours", NULL};
    static const char *const known_th[] = {"available", "busy", "hours", "link", NULL};
    static const char *const known_home[] = {"available", "busy", "hours", NULL};
    struct sched_case *c = l->c;
    struct sched_provider_mode *pm = &pr->mode[m];
    const char *key = sched_mode_name(m);
    json_t *mo, *avail, *busy, *hours;
    struct cal_set b = {0}, a = {0}, h = {0}, all = {0};
    const cal_tz *zone;
    char mp[128], sp[160];
    int rc;

    pm->place = -1;
    if ((rc = case_get_obj(&l->x, po, jp, key, false, &mo, err)) || !mo)
        return rc;
    adapt_jp_key(mp, sizeof mp, jp, key);
    adapt_warn_unknown_keys(&l->x, mo, mp,
                            m == SCHED_IN_PERSON    ? known_ip
                            : m == SCHED_TELEHEALTH ? known_th
                                                    : known_home);
    pm->offered = true;
    if (m == SCHED_IN_PERSON) {
        const char *place = NULL;
        if ((rc = case_get_id(&l->x, mo, mp, "place", true, &place, err)))
            return rc;
        pm->place = case_find_place(c, place);
        if (pm->place < 0)
            return adapt_bad(&l->x, err, adapt_jp_key(sp, sizeof sp, mp, "place"),
                             "unknown place id \"%s\"; expected the id of a place in \"places\"",
                             place);
    }
    if (m == SCHED_TELEHEALTH) {
        const char *link = NULL;
        if ((rc = case_get_link(&l->x, mo, mp, "link", false, &link, err)) ||
            (rc = case_dup_str(link, &pm->link, err)))
            return rc;
    }
    if ((rc = case_get_arr(&l->x, mo, mp, "available", false, &avail, err)) ||
        (rc = case_get_arr(&l->x, mo, mp, "busy", false, &busy, err)) ||
        (rc = case_get_arr(&l->x, mo, mp, "hours", false, &hours, err)))
        return rc;
    if (!avail && !hours)
        careday_notes_add(l->x.warn, l->x.file, 0, mp,
                          "no \"available\" or \"hours\": this mode has no bookable time");

    /* In person: the clinic's zone. Telehealth and home visits: the zone of
     * the provider's clinic if it has one, else the case's. */
    zone = sched_place_tz(c, m == SCHED_IN_PERSON ? pm->place : pr->mode[SCHED_IN_PERSON].place);

    rc = adapt_sources_read(&l->x, avail, adapt_jp_key(sp, sizeof sp, mp, "available"),
                            CAL_MEANING_AVAILABLE, zone, &b, &a, err);
    if (rc == 0)
        rc = adapt_sources_read(&l->x, busy, adapt_jp_key(sp, sizeof sp, mp, "busy"),
                                CAL_MEANING_BUSY, zone, &b, &a, err);
    if (rc == 0)
        rc =
            adapt_hours_read(&l->x, hours, adapt_jp_key(sp, sizeof sp, mp, "hours"), zone, &h, err);
    if (rc == 0) {
        struct cal_set hz = {0};
        if (cal_set_union(&all, &a, &h) || cal_set_add(&hz, l->x.from, l->x.to) ||
            cal_set_keep_set(&all, &hz) || cal_set_add_set(&b, pbusy) ||
            cal_set_subtract(&pm->free, &all, &b))
            rc = case_oom(err);
        cal_set_free(&hz);
    }
    cal_set_free(&b);
    cal_set_free(&a);
    cal_set_free(&h);
    cal_set_free(&all);
    return rc;
}

static int read_providers(struct loader *l, struct careday_error *err)
{
    static const char *const known[] = {"id",       "name",      "specialty",  "phone",
                                        "capacity", "in_person", "telehealth", "home",
                                        "email",    "busy",      NULL};
    struct sched_case *c = l->c;
    json_t *arr, *o;
    size_t i;
    int rc = 0;

    if ((rc = case_get_arr(&l->x, l->root, "", "providers", true, &arr, err)))
        return rc;
    c->providers =
        cal_calloc(json_array_size(arr) ? json_array_size(arr) : 1, sizeof *c->providers);
    if (!c->providers)
        return case_oom(err);
    json_array_foreach(arr, i, o)
    {
        struct sched_provider *pr = &c->providers[i];
        const char *id = NULL, *name = NULL, *spec = NULL, *phone = NULL, *email = NULL;
        char jp[64], q[96];
        int m;

        c->nproviders = i + 1;
        for (m = 0; m < SCHED_NMODES; m++)
            pr->mode[m].place = -1;
        adapt_jp_index(jp, sizeof jp, "providers", i);
        if (!json_is_object(o))
            return adapt_bad(&l->x, err, jp, "expected a provider object, found %s",
                             adapt_json_kind(o));
        adapt_warn_unknown_keys(&l->x, o, jp, known);
        if ((rc = case_get_id(&l->x, o, jp, "id", true, &id, err)))
            return rc;
        if (case_find_provider(c, id) >= 0)
            return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "id"),
                             "duplicate provider id \"%s\"; expected each provider once", id);
        pr->capacity = 1;
        if ((rc = case_get_str(&l->x, o, jp, "name", false, &name, err)) ||
            (rc = case_get_str(&l->x, o, jp, "specialty", false, &spec, err)) ||
            (rc = case_get_str(&l->x, o, jp, "phone", false, &phone, err)) ||
            (rc = case_get_email(&l->x, o, jp, "email", false, &email, err)) ||
            (rc = case_get_int(&l->x, o, jp, "capacity", false, 1, 100,
                               "a number of patients at once from 1 to 100", &pr->capacity, err)))
            return rc;
        if ((rc = case_dup_str(id, &pr->id, err)) ||
            (rc = case_dup_str(name ? name : id, &pr->name, err)) ||
            (rc = case_dup_str(spec ? spec : "", &pr->specialty, err)) ||
            (rc = case_dup_str(phone, &pr->phone, err)) ||
            (rc = case_dup_str(email, &pr->email, err)))
            return rc;
        /* Provider-wide busy time (case zone) leaves every mode. in_person
         * first: the other modes read their hours in its zone. */
        {
            struct cal_set pb = {0}, pa = {0};
            json_t *busy;
            rc = case_get_arr(&l->x, o, jp, "busy", false, &busy, err);
            if (rc == 0)
                rc = adapt_sources_read(&l->x, busy, adapt_jp_key(q, sizeof q, jp, "busy"),
                                        CAL_MEANING_BUSY, c->tz, &pb, &pa, err);
            for (m = 0; m < SCHED_NMODES && rc == 0; m++)
                rc = read_provider_mode(l, o, jp, (enum sched_mode)m, pr, &pb, err);
            cal_set_free(&pb);
            cal_set_free(&pa);
            if (rc)
                return rc;
        }
        if (!pr->mode[0].offered && !pr->mode[1].offered && !pr->mode[2].offered)
            careday_notes_add(l->x.warn, l->x.file, 0, jp,
                              "provider \"%s\" offers no mode (in_person, telehealth or home)", id);
    }
    return 0;
}

static int read_weights(struct loader *l, struct careday_error *err)
{
    static const char *const known[] = {
        "unscheduled", "trip",         "travel_minute",  "in_person", "overnight", "late_minute",
        "moved",       "moved_booked", "moved_proposed", "shifted",   NULL};
    struct sched_weights *w = &l->c->weights;
    json_t *o;
    int rc;

    sched_weights_default(w);
    if ((rc = case_get_obj(&l->x, l->root, "", "weights", false, &o, err)) || !o)
        return rc;
    adapt_warn_unknown_keys(&l->x, o, "weights", known);
#define WEIGHT(name)                                                                               \
    case_get_num(&l->x, o, "weights", #name, false, 0, 1e9, "a weight from 0 to 1e9", &w->name, err)
    if ((rc = WEIGHT(unscheduled)) || (rc = WEIGHT(trip)) || (rc = WEIGHT(travel_minute)) ||
        (rc = WEIGHT(in_person)) || (rc = WEIGHT(overnight)) || (rc = WEIGHT(late_minute)) ||
        (rc = WEIGHT(moved)) || (rc = WEIGHT(moved_booked)) || (rc = WEIGHT(moved_proposed)) ||
        (rc = WEIGHT(shifted)))
        return rc;
#undef WEIGHT
    return 0;
}

/* The care coordinator: organiser of --invite requests. */
static int read_coordinator(struct loader *l, struct careday_error *err)
{
    static const char *const known[] = {"name", "email", "phone", NULL};
    json_t *o;
    const char *name = NULL, *email = NULL;
    int rc;
    if ((rc = case_get_obj(&l->x, l->root, "", "coordinator", false, &o, err)) || !o)
        return rc;
    adapt_warn_unknown_keys(&l->x, o, "coordinator", known);
    if ((rc = case_get_str(&l->x, o, "coordinator", "name", false, &name, err)) ||
        (rc = case_get_email(&l->x, o, "coordinator", "email", true, &email, err)))
        return rc;
    if ((rc = case_dup_str(name, &l->c->coordinator_name, err)) ||
        (rc = case_dup_str(email, &l->c->coordinator_email, err)))
        return rc;
    return 0;
}

/* Without an "id", a case is known by its family's id (case files are
 * often all called case.json), else by its file stem. */
static int settle_case_id(struct loader *l, struct careday_error *err)
{
    const json_t *fam = json_object_get(l->root, "family");
    if (json_object_get(l->root, "id") || !json_is_string(json_object_get(fam, "id")) ||
        !l->c->family.id || !*l->c->family.id)
        return 0;
    free(l->c->id);
    l->c->id = NULL;
    return case_dup_str(l->c->family.id, &l->c->id, err);
}

static int load_json(struct loader *l, const char *path, struct careday_error *err)
{
    int rc = adapt_json_file(path, "the case file (JSON)", &l->root, err);
    if (rc)
        return rc;
    if (!json_is_object(l->root))
        return careday_fail(err, ADAPT_EINPUT, path, 0, NULL,
                            "expected a JSON object at the top level, found %s",
                            adapt_json_kind(l->root));
    return 0;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *d;

    if (!slash)
        return cal_strdup(".");
    if (slash == path)
        return cal_strdup("/");
    d = cal_malloc((size_t)(slash - path) + 1);
    if (d) {
        memcpy(d, path, (size_t)(slash - path));
        d[slash - path] = '\0';
    }
    return d;
}

int adapt_case_load_with(const char *path, const struct adapt_load_options *o,
                         struct sched_case *out, struct careday_notes *warn,
                         struct careday_error *err)
{
    static const char *const known[] = {
        "careday", "id",        "name",   "timezone", "horizon", "family",      "nursing", "places",
        "travel",  "providers", "visits", "booked",   "weights", "coordinator", "policy",  NULL};
    struct sched_case c;
    struct loader l;
    struct careday_notes scratch = {0};
    char *dir = NULL;
    size_t i;
    int rc;

    memset(&c, 0, sizeof c);
    memset(&l, 0, sizeof l);
    c.family.lodging = -1;
    l.c = &c;
    l.x.file = path;
    l.x.warn = warn ? warn : &scratch;
    l.x.opt = o;
    dir = dir_of(path);
    if (!dir) {
        rc = case_oom(err);
        goto done;
    }
    l.x.dir = dir;

    if ((rc = load_json(&l, path, err)))
        goto done;
    adapt_warn_unknown_keys(&l.x, l.root, "", known);
    if ((rc = read_head(&l, err)) || (rc = read_places(&l, err)) || (rc = read_family(&l, err)) ||
        (rc = read_nursing(&l, err)) || (rc = read_travel(&l, err)) ||
        (rc = read_providers(&l, err)) || (rc = case_read_visits(&l, err)) ||
        (rc = case_read_adjustments(&l, err)) || (rc = read_weights(&l, err)) ||
        (rc = read_coordinator(&l, err)) || (rc = settle_case_id(&l, err)))
        goto done;

    rc = sched_case_validate(&c, err);
    if (rc != 0) {
        if (err && !err->file[0])
            snprintf(err->file, sizeof err->file, "%s", path);
        rc = rc == SCHED_ENOMEM ? ADAPT_EINTERNAL : ADAPT_EINPUT;
    }
    if (rc == 0)
        rc = case_booking_notes(&l, err);

done:
    if (rc == 0) {
        *out = c;
    } else {
        /* Map anything a lower layer returned onto this layer's classes. */
        if (rc != ADAPT_EINPUT && rc != ADAPT_EFETCH)
            rc = ADAPT_EINTERNAL;
        sched_case_free(&c);
    }
    if (l.vpath) {
        for (i = 0; i < l.nvpath; i++)
            free(l.vpath[i]);
    }
    free(l.vpath);
    free(l.vobj);
    case_busy_free(&l);
    json_decref(l.root);
    careday_notes_free(&scratch);
    free(dir);
    return rc;
}

int adapt_case_load(const char *path, struct sched_case *out, struct careday_notes *warn,
                    struct careday_error *err)
{
    return adapt_case_load_with(path, NULL, out, warn, err);
}
