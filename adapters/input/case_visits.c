/*
 * The case file's visits[] and booked[] (FHIR Appointments included), the
 * links between visits (before, same_day_as) and their checks.
 */
#include "adapters/input/case_loader.h"
#include "adapters/input/fhir.h"
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

static const char *offered_list(const struct sched_provider *pr, char *buf, size_t size)
{
    int m;
    buf[0] = '\0';
    for (m = 0; m < SCHED_NMODES; m++) {
        if (pr->mode[m].offered) {
            size_t n = strlen(buf);
            snprintf(buf + n, size - n, "%s%s", n ? ", " : "", sched_mode_name((enum sched_mode)m));
        }
    }
    if (!buf[0])
        snprintf(buf, size, "none");
    return buf;
}

static int read_mode_name(struct loader *l, const json_t *v, const char *jp,
                          const struct sched_provider *pr, enum sched_mode *out,
                          struct careday_error *err)
{
    char offered[64];

    if (!json_is_string(v))
        return adapt_bad(&l->x, err, jp,
                         "expected a mode (\"in_person\", \"telehealth\" or \"home\"), found %s",
                         adapt_json_kind(v));
    if (sched_mode_parse(json_string_value(v), out) != 0)
        return adapt_bad(&l->x, err, jp,
                         "unknown mode \"%s\"; expected \"in_person\", \"telehealth\" or \"home\"",
                         json_string_value(v));
    if (!pr->mode[*out].offered)
        return adapt_bad(&l->x, err, jp,
                         "provider \"%s\" does not offer %s; expected one of the modes it offers "
                         "(%s)",
                         pr->id, json_string_value(v), offered_list(pr, offered, sizeof offered));
    return 0;
}

static int new_visit_id(struct loader *l, size_t upto, const char *id, const char *jp,
                        struct careday_error *err)
{
    char q[128];
    if (case_find_visit(l->c, upto, id) >= 0)
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "id"),
                         "duplicate visit id \"%s\"; expected each visit and booking once", id);
    return 0;
}

/* The provider (its "provider" id) of the visit or booking at jp. */
static int read_provider(struct loader *l, const json_t *o, const char *jp, int *provider,
                         struct careday_error *err)
{
    char q[128];
    const char *prov = NULL;
    int rc = case_get_id(&l->x, o, jp, "provider", true, &prov, err);
    if (rc)
        return rc;
    *provider = case_find_provider(l->c, prov);
    if (*provider < 0)
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "provider"),
                         "unknown provider id \"%s\"; expected the id of a provider in "
                         "\"providers\"",
                         prov);
    return 0;
}

static int read_window(struct loader *l, const json_t *o, const char *jp, struct sched_visit *v,
                       struct careday_error *err)
{
    static const char *const known[] = {"earliest", "latest", NULL};
    struct sched_case *c = l->c;
    json_t *w;
    char wp[128], q[160], a[16], b[16], e[16];
    int rc;

    v->earliest = c->horizon_start;
    v->latest = c->horizon_end;
    if ((rc = case_get_obj(&l->x, o, jp, "window", false, &w, err)) || !w)
        return rc;
    adapt_jp_key(wp, sizeof wp, jp, "window");
    adapt_warn_unknown_keys(&l->x, w, wp, known);
    if ((rc = case_get_date(&l->x, w, wp, "earliest", false, &v->earliest, err)) ||
        (rc = case_get_date(&l->x, w, wp, "latest", false, &v->latest, err)))
        return rc;
    case_day_text(c->horizon_start, a, sizeof a);
    case_day_text(c->horizon_end, b, sizeof b);
    if (v->earliest < c->horizon_start || v->earliest > c->horizon_end)
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, wp, "earliest"),
                         "%s is outside the horizon; expected a date from %s to %s",
                         case_day_text(v->earliest, e, sizeof e), a, b);
    if (v->latest < c->horizon_start || v->latest > c->horizon_end)
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, wp, "latest"),
                         "%s is outside the horizon; expected a date from %s to %s",
                         case_day_text(v->latest, e, sizeof e), a, b);
    if (v->latest < v->earliest)
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, wp, "latest"),
                         "%s is before earliest (%s); expected a date on or after it",
                         case_day_text(v->latest, e, sizeof e),
                         case_day_text(v->earliest, a, sizeof a));
    return 0;
}

static int read_priority(struct loader *l, const json_t *o, const char *jp, int *factor,
                         struct careday_error *err)
{
    const char *s = NULL;
    char q[128];
    int rc;

    *factor = 1;
    if ((rc = case_get_str(&l->x, o, jp, "priority", false, &s, err)) || !s)
        return rc;
    if (strcmp(s, "routine") == 0)
        *factor = 1;
    else if (strcmp(s, "soon") == 0)
        *factor = 2;
    else if (strcmp(s, "urgent") == 0)
        *factor = 4;
    else
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "priority"),
                         "unknown priority \"%s\"; expected \"routine\", \"soon\" or \"urgent\"",
                         s);
    return 0;
}

/* Long on purpose: reads the visit object field after field, in the order of
 * docs/case-format.md. */
static int read_visit(struct loader *l, const json_t *o, size_t i, struct careday_error *err)
{
    static const char *const known[] = {"id",
                                        "provider",
                                        "minutes",
                                        "window",
                                        "modes",
                                        "prefer",
                                        "priority",
                                        "before",
                                        "same_day_as",
                                        "telehealth_needs_nurse",
                                        "home_needs_nurse",
                                        "purpose",
                                        "pin",
                                        "avoid_dates",
                                        "prepare",
                                        NULL};
    struct sched_case *c = l->c;
    struct sched_visit *v = &c->visits[i];
    const struct sched_provider *pr;
    const char *id = NULL, *prefer = NULL, *purpose = NULL, *prepare = NULL;
    json_t *modes;
    char jp[64], q[128];
    size_t k;
    int rc;

    adapt_jp_index(jp, sizeof jp, "visits", i);
    v->same_day_as = -1;
    if (!json_is_object(o))
        return adapt_bad(&l->x, err, jp, "expected a visit object, found %s", adapt_json_kind(o));
    adapt_warn_unknown_keys(&l->x, o, jp, known);
    if ((rc = case_get_id(&l->x, o, jp, "id", true, &id, err)) ||
        (rc = new_visit_id(l, i, id, jp, err)) || (rc = case_dup_str(id, &v->id, err)))
        return rc;
    if ((rc = read_provider(l, o, jp, &v->provider, err)))
        return rc;
    pr = &c->providers[v->provider];
    if ((rc = case_get_int(&l->x, o, jp, "minutes", true, 1, 720,
                           "a duration in whole minutes from 1 to 720", &v->minutes, err)) ||
        (rc = read_window(l, o, jp, v, err)) ||
        (rc = read_priority(l, o, jp, &v->priority_factor, err)) ||
        (rc = case_get_bool(&l->x, o, jp, "telehealth_needs_nurse", &v->telehealth_needs_nurse,
                            err)) ||
        (rc = case_get_bool(&l->x, o, jp, "home_needs_nurse", &v->home_needs_nurse, err)) ||
        (rc = case_get_str(&l->x, o, jp, "purpose", false, &purpose, err)) ||
        (rc = case_dup_str(purpose, &v->purpose, err)) ||
        (rc = case_get_str(&l->x, o, jp, "prepare", false, &prepare, err)) ||
        (rc = case_dup_str(prepare && *prepare ? prepare : NULL, &v->prepare, err)))
        return rc;

    if ((rc = case_get_arr(&l->x, o, jp, "modes", false, &modes, err)))
        return rc;
    if (!modes) {
        enum sched_mode m = SCHED_IN_PERSON;
        if (!pr->mode[m].offered) {
            char offered[64];
            return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "modes"),
                             "missing; a visit without \"modes\" is in person, and provider "
                             "\"%s\" does not offer in_person; expected a list of the modes "
                             "it offers (%s)",
                             pr->id, offered_list(pr, offered, sizeof offered));
        }
        v->modes = 1u << m;
        v->order[0] = m;
        v->nmodes = 1;
    } else {
        json_t *mv;
        char mp[128], ep[160];
        adapt_jp_key(mp, sizeof mp, jp, "modes");
        if (json_array_size(modes) == 0)
            return adapt_bad(&l->x, err, mp,
                             "expected at least one mode (\"in_person\", \"telehealth\", "
                             "\"home\")");
        json_array_foreach(modes, k, mv)
        {
            enum sched_mode m;
            adapt_jp_index(ep, sizeof ep, mp, k);
            if ((rc = read_mode_name(l, mv, ep, pr, &m, err)))
                return rc;
            if (v->modes & (1u << m))
                return adapt_bad(&l->x, err, ep, "mode %s is listed twice; expected each once",
                                 sched_mode_name(m));
            v->modes |= 1u << m;
            v->order[v->nmodes++] = m;
        }
    }
    v->prefer = v->order[0];
    if ((rc = case_get_str(&l->x, o, jp, "prefer", false, &prefer, err)))
        return rc;
    if (prefer) {
        enum sched_mode m;
        adapt_jp_key(q, sizeof q, jp, "prefer");
        if (sched_mode_parse(prefer, &m) != 0)
            return adapt_bad(&l->x, err, q,
                             "unknown mode \"%s\"; expected \"in_person\", \"telehealth\" or "
                             "\"home\"",
                             prefer);
        if (!(v->modes & (1u << m)))
            return adapt_bad(&l->x, err, q,
                             "%s is not in \"modes\"; expected one of the listed "
                             "modes",
                             prefer);
        v->prefer = m;
    }
    return 0;
}

/* Facts about a booking that the plan cannot change, said once, before
 * solving, with where it is in the case: it falls in the family's busy
 * time, or it overlaps another fixed booking at a provider who sees one
 * patient at a time. */
static void check_booking(struct loader *l, const struct sched_visit *v, size_t n, const char *jp)
{
    const struct sched_case *c = l->c;
    const struct sched_provider *pr = &c->providers[v->provider];
    cal_time s = v->booked_start, e = s + 60 * (cal_time)v->minutes;

    if (cal_set_overlaps(&c->family.busy, s, e))
        careday_notes_add(l->x.warn, l->x.file, 0, jp,
                          "booking \"%s\" falls in the family's busy time (family.busy); it is "
                          "kept as booked: check the booking or the family's calendar",
                          v->id);
    if (v->movable || pr->capacity > 1)
        return;
    for (size_t i = 0; i < n; i++) {
        const struct sched_visit *o = &c->visits[i];
        cal_time os = o->booked_start, oe = os + 60 * (cal_time)o->minutes;
        if (!o->booked || o->movable || o->provider != v->provider || oe <= s || e <= os)
            continue;
        careday_notes_add(l->x.warn, l->x.file, 0, jp,
                          "booking \"%s\" overlaps booking \"%s\" at provider \"%s\", who "
                          "sees one patient at a time (capacity 1); both are kept as booked: "
                          "correct one of the times, or give the provider a \"capacity\"",
                          v->id, o->id, pr->id);
        return;
    }
}

static int read_booking(struct loader *l, const json_t *o, size_t k, size_t *n,
                        struct careday_error *err)
{
    static const char *const known[] = {"id",      "provider", "start",    "minutes", "mode",
                                        "movable", "purpose",  "priority", "prepare", NULL};
    struct sched_case *c = l->c;
    struct sched_visit *v = &c->visits[*n];
    const struct sched_provider *pr;
    const char *id = NULL, *start = NULL, *purpose = NULL, *prepare = NULL;
    json_t *mode;
    char jp[64], q[128];
    cal_time t;
    int32_t day;
    int minute, rc;

    adapt_jp_index(jp, sizeof jp, "booked", k);
    v->same_day_as = -1;
    if (!json_is_object(o))
        return adapt_bad(&l->x, err, jp, "expected a booking object, found %s", adapt_json_kind(o));
    adapt_warn_unknown_keys(&l->x, o, jp, known);
    if ((rc = case_get_id(&l->x, o, jp, "id", true, &id, err)) ||
        (rc = new_visit_id(l, *n, id, jp, err)))
        return rc;
    if ((rc = read_provider(l, o, jp, &v->provider, err)))
        return rc;
    pr = &c->providers[v->provider];
    if ((rc = case_get_str(&l->x, o, jp, "start", true, &start, err)))
        return rc;
    if (cal_parse_rfc3339(start, &t) != 0)
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "start"),
                         "expected an RFC 3339 instant with offset such as "
                         "\"2026-12-09T10:00:00-05:00\", found \"%s\"",
                         start);
    if ((rc = case_get_int(&l->x, o, jp, "minutes", true, 1, 720,
                           "a duration in whole minutes from 1 to 720", &v->minutes, err)) ||
        (rc = case_get_bool(&l->x, o, jp, "movable", &v->movable, err)) ||
        (rc = read_priority(l, o, jp, &v->priority_factor, err)) ||
        (rc = case_get_str(&l->x, o, jp, "purpose", false, &purpose, err)) ||
        (rc = case_get_str(&l->x, o, jp, "prepare", false, &prepare, err)))
        return rc;
    v->booked_mode = SCHED_IN_PERSON;
    mode = json_object_get(o, "mode");
    if (mode && (rc = read_mode_name(l, mode, adapt_jp_key(q, sizeof q, jp, "mode"), pr,
                                     &v->booked_mode, err)))
        return rc;
    if (!mode && !pr->mode[SCHED_IN_PERSON].offered) {
        char offered[64];
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "mode"),
                         "missing; a booking without \"mode\" is in person, and provider \"%s\" "
                         "does not offer in_person; expected one of the modes it offers (%s)",
                         pr->id, offered_list(pr, offered, sizeof offered));
    }
    if (t + 60 * (cal_time)v->minutes <= l->x.from || t >= l->x.to) {
        careday_notes_add(l->x.warn, l->x.file, 0, jp,
                          "booking \"%s\" at %s is outside the horizon; ignored", id, start);
        return 0;
    }
    if (t < l->x.from)
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, jp, "start"),
                         "the booking starts before the horizon and ends inside it; expected "
                         "a booking inside the horizon");
    if ((rc = case_dup_str(id, &v->id, err)) || (rc = case_dup_str(purpose, &v->purpose, err)) ||
        (rc = case_dup_str(prepare && *prepare ? prepare : NULL, &v->prepare, err)))
        return rc;
    v->booked = true;
    v->booked_start = t;
    check_booking(l, v, *n, jp);
    v->modes = 1u << v->booked_mode;
    v->order[0] = v->booked_mode;
    v->nmodes = 1;
    v->prefer = v->booked_mode;
    cal_tz_to_local(c->tz, t, &day, &minute);
    if (v->movable) {
        v->earliest = c->horizon_start;
        v->latest = c->horizon_end;
    } else {
        v->earliest = v->latest = day;
    }
    (*n)++;
    return 0;
}

/* A booked entry {"fhir": path, "provider_map": {...}}: a FHIR file of
 * Appointments rather than a calendar. */
static bool is_fhir_appointments(const json_t *bo)
{
    return json_is_object(bo) && json_object_get(bo, "fhir") && json_object_get(bo, "provider_map");
}

/* Read the Appointments of booked[k] (its provider_map checked first). */
static int read_fhir_appointments(struct loader *l, const json_t *bo, size_t k,
                                  struct fhir_appointments *out, struct careday_error *err)
{
    static const char *const known[] = {"fhir", "provider_map", NULL};
    const json_t *map, *v;
    const char *given = NULL, *key;
    char jp[64], q[320];
    char *resolved;
    int rc;

    adapt_jp_index(jp, sizeof jp, "booked", k);
    adapt_warn_unknown_keys(&l->x, bo, jp, known);
    map = json_object_get(bo, "provider_map");
    adapt_jp_key(q, sizeof q, jp, "provider_map");
    if (!json_is_object(map) || json_object_size(map) == 0)
        return adapt_bad(&l->x, err, q,
                         "expected an object mapping FHIR references to provider ids such as "
                         "{\"Practitioner/123\": \"neuro\"}, found %s",
                         json_is_object(map) ? "an empty object" : adapt_json_kind(map));
    json_object_foreach((json_t *)map, key, v)
    {
        char kq[400];
        int n = snprintf(kq, sizeof kq, "%s.%s", q, key);
        if (n < 0 || (size_t)n >= sizeof kq)
            snprintf(kq, sizeof kq, "%s", q);
        if (!json_is_string(v) || case_find_provider(l->c, json_string_value(v)) < 0)
            return adapt_bad(&l->x, err, kq,
                             "expected the id of a provider in \"providers\", found %s%s%s",
                             json_is_string(v) ? "\"" : "",
                             json_is_string(v) ? json_string_value(v) : adapt_json_kind(v),
                             json_is_string(v) ? "\"" : "");
    }
    if ((rc = case_get_str(&l->x, bo, jp, "fhir", true, &given, err)))
        return rc;
    adapt_jp_key(q, sizeof q, jp, "fhir");
    if (!given[0] || adapt_is_url(given))
        return adapt_bad(&l->x, err, q,
                         "expected a path to a FHIR Bundle or NDJSON file of "
                         "Appointments");
    resolved = adapt_resolve_path(l->x.dir, given);
    if (!resolved)
        return case_oom(err);
    rc = fhir_read_appointments(resolved, l->x.from, l->x.to, out, l->x.warn, err);
    free(resolved);
    if (rc == CAL_ENOMEM)
        return ADAPT_EINTERNAL;
    if (rc) {
        if (err) {
            size_t n = strlen(err->text);
            snprintf(err->text + n, sizeof err->text - n, " (source %s in %s)", q, l->x.file);
        }
        return ADAPT_EINPUT;
    }
    return 0;
}

/* The provider an Appointment is with: its first participant found in the
 * map; -1 when none is. */
static int appointment_provider(struct loader *l, const json_t *map,
                                const struct fhir_appointment *a, const char *where)
{
    const char *refs = a->participant_refs, *key;
    const json_t *v;
    int found = -1;

    while (*refs) {
        char ref[512];
        size_t n = strcspn(refs, " ");
        if (n > 0 && n < sizeof ref) {
            memcpy(ref, refs, n);
            ref[n] = '\0';
            json_object_foreach((json_t *)map, key, v)
            {
                int p;
                if (!fhir_ref_match(ref, key))
                    continue;
                p = case_find_provider(l->c, json_string_value(v));
                if (found < 0)
                    found = p;
                else if (p != found)
                    careday_notes_add(l->x.warn, l->x.file, 0, where,
                                      "Appointment %s: participants map to providers \"%s\" and "
                                      "\"%s\"; booked with \"%s\"",
                                      a->id, l->c->providers[found].id, l->c->providers[p].id,
                                      l->c->providers[found].id);
            }
        }
        refs += n;
        while (*refs == ' ')
            refs++;
    }
    return found;
}

/* Each Appointment of booked[k] becomes a fixed booking at *n. */
static int add_fhir_bookings(struct loader *l, const json_t *bo, size_t k,
                             const struct fhir_appointments *ap, size_t *n,
                             struct careday_error *err)
{
    static const enum sched_mode order[] = {SCHED_IN_PERSON, SCHED_TELEHEALTH, SCHED_HOME};
    struct sched_case *c = l->c;
    const json_t *map = json_object_get(bo, "provider_map");
    char jp[64], where[96];
    size_t i;
    int rc;

    adapt_jp_index(jp, sizeof jp, "booked", k);
    adapt_jp_key(where, sizeof where, jp, "fhir");
    for (i = 0; i < ap->n; i++) {
        const struct fhir_appointment *a = &ap->v[i];
        struct sched_visit *v = &c->visits[*n];
        const struct sched_provider *pr;
        char idbuf[64];
        const char *id = a->id;
        int32_t day;
        int minute, m, prov;

        if (!id[0]) {
            snprintf(idbuf, sizeof idbuf, "appointment-%zu", i + 1);
            id = idbuf;
        }
        prov = appointment_provider(l, map, a, where);
        if (prov < 0 || a->start < l->x.from) {
            /* Not a booking careday can place, but the family still goes. */
            if (prov < 0)
                careday_notes_add(l->x.warn, l->x.file, 0, where,
                                  "Appointment %s: no participant (%s) is in provider_map; not "
                                  "booked, kept as busy time for the family",
                                  id, a->participant_refs[0] ? a->participant_refs : "none");
            else
                careday_notes_add(l->x.warn, l->x.file, 0, where,
                                  "Appointment %s starts before the horizon; not booked, kept as "
                                  "busy time for the family",
                                  id);
            if (cal_set_add(&c->family.busy, a->start < l->x.from ? l->x.from : a->start,
                            a->end > l->x.to ? l->x.to : a->end))
                return case_oom(err);
            continue;
        }
        if (a->minutes < 1 || a->minutes > 720)
            return adapt_bad(&l->x, err, where,
                             "Appointment %s lasts %d minutes; expected 1 to 720", id, a->minutes);
        pr = &c->providers[prov];
        for (m = 0; m < 3 && !pr->mode[order[m]].offered; m++)
            ;
        if (m == 3)
            return adapt_bad(&l->x, err, where,
                             "Appointment %s is with provider \"%s\", which offers no mode", id,
                             pr->id);
        if ((rc = new_visit_id(l, *n, id, where, err)) || (rc = case_dup_str(id, &v->id, err)) ||
            (rc = case_dup_str(a->description, &v->purpose, err)))
            return rc;
        if (strcmp(a->status, "pending") == 0 || strcmp(a->status, "proposed") == 0)
            careday_notes_add(l->x.warn, l->x.file, 0, where,
                              "Appointment %s is %s (not confirmed); booked as fixed", id,
                              a->status);
        v->same_day_as = -1;
        v->provider = prov;
        v->minutes = a->minutes;
        v->priority_factor = 1;
        v->movable = false;
        v->booked = true;
        v->booked_start = a->start;
        v->booked_mode = order[m];
        v->modes = 1u << v->booked_mode;
        v->order[0] = v->booked_mode;
        v->nmodes = 1;
        v->prefer = v->booked_mode;
        cal_tz_to_local(c->tz, a->start, &day, &minute);
        v->earliest = v->latest = day;
        l->vobj[*n] = bo;
        l->vpath[*n] = cal_strdup(jp);
        if (!l->vpath[*n])
            return case_oom(err);
        (*n)++;
    }
    return 0;
}

/* `before` and `same_day_as` refer to visits by id; read them once every id
 * is known. */
static int read_links(struct loader *l, size_t i, struct careday_error *err)
{
    static const char *const known[] = {"visit", "min_gap_minutes", "max_gap_minutes", NULL};
    struct sched_case *c = l->c;
    struct sched_visit *v = &c->visits[i];
    const json_t *o = l->vobj[i];
    const char *jp = l->vpath[i];
    const char *other = NULL;
    json_t *before, *b;
    char q[128], bp[160];
    size_t k;
    int rc;

    if ((rc = case_get_id(&l->x, o, jp, "same_day_as", false, &other, err)))
        return rc;
    if (other) {
        adapt_jp_key(q, sizeof q, jp, "same_day_as");
        v->same_day_as = case_find_visit(c, c->nvisits, other);
        if (v->same_day_as < 0)
            return adapt_bad(&l->x, err, q,
                             "unknown visit id \"%s\"; expected the id of another visit", other);
        if ((size_t)v->same_day_as == i)
            return adapt_bad(&l->x, err, q,
                             "a visit cannot be paired with itself; expected the "
                             "id of another visit");
    }
    if ((rc = case_get_arr(&l->x, o, jp, "before", false, &before, err)) || !before)
        return rc;
    v->before =
        cal_calloc(json_array_size(before) ? json_array_size(before) : 1, sizeof *v->before);
    if (!v->before)
        return case_oom(err);
    json_array_foreach(before, k, b)
    {
        struct sched_lag *lag = &v->before[k];
        adapt_jp_index(bp, sizeof bp, adapt_jp_key(q, sizeof q, jp, "before"), k);
        if (!json_is_object(b))
            return adapt_bad(&l->x, err, bp,
                             "expected an object such as {\"visit\": \"id\", "
                             "\"min_gap_minutes\": 0}, found %s",
                             adapt_json_kind(b));
        adapt_warn_unknown_keys(&l->x, b, bp, known);
        if ((rc = case_get_id(&l->x, b, bp, "visit", true, &other, err)))
            return rc;
        lag->visit = case_find_visit(c, c->nvisits, other);
        if (lag->visit < 0)
            return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, bp, "visit"),
                             "unknown visit id \"%s\"; expected the id of another visit", other);
        if ((size_t)lag->visit == i)
            return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, bp, "visit"),
                             "a visit cannot come before itself; expected the id of another "
                             "visit");
        lag->min_gap_minutes = 0;
        lag->max_gap_minutes = -1;
        if ((rc = case_get_int(&l->x, b, bp, "min_gap_minutes", false, 0, 366 * 1440,
                               "minutes from 0 to 527040", &lag->min_gap_minutes, err)) ||
            (rc = case_get_int(&l->x, b, bp, "max_gap_minutes", false, 0, 366 * 1440,
                               "minutes from 0 to 527040", &lag->max_gap_minutes, err)))
            return rc;
        if (lag->max_gap_minutes >= 0 && lag->max_gap_minutes < lag->min_gap_minutes)
            return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, bp, "max_gap_minutes"),
                             "%d is less than min_gap_minutes (%d); expected a maximum at least "
                             "the minimum",
                             lag->max_gap_minutes, lag->min_gap_minutes);
        v->nbefore = k + 1;
    }
    return 0;
}

/* Depth-first search for a cycle of `before`; state 0 new, 1 on the path,
 * 2 done. On a cycle, names the edge that closes it. */
static int before_dfs(struct loader *l, size_t i, unsigned char *state, struct careday_error *err)
{
    struct sched_case *c = l->c;
    size_t k;
    int rc;

    state[i] = 1;
    for (k = 0; k < c->visits[i].nbefore; k++) {
        size_t j = (size_t)c->visits[i].before[k].visit;
        if (state[j] == 1) {
            char q[192];
            snprintf(q, sizeof q, "%s.before[%zu].visit", l->vpath[i], k);
            return adapt_bad(&l->x, err, q,
                             "\"before\" forms a cycle (\"%s\" before \"%s\", which comes before "
                             "\"%s\" again); expected an order without loops",
                             c->visits[i].id, c->visits[j].id, c->visits[i].id);
        }
        if (state[j] == 0 && (rc = before_dfs(l, j, state, err)))
            return rc;
    }
    state[i] = 2;
    return 0;
}

/* Long on purpose: reads the case's bookings, appointment files and visits in the order of
 * docs/case-format.md, each part a short loop. */
int case_read_visits(struct loader *l, struct careday_error *err)
{
    struct sched_case *c = l->c;
    json_t *visits, *booked, *o;
    struct fhir_appointments *appts = NULL;
    size_t i, nb, total, n;
    unsigned char *state;
    int rc;

    if ((rc = case_get_arr(&l->x, l->root, "", "visits", true, &visits, err)) ||
        (rc = case_get_arr(&l->x, l->root, "", "booked", false, &booked, err)))
        return rc;
    l->ndue = json_array_size(visits);
    nb = booked ? json_array_size(booked) : 0;
    total = l->ndue + nb;
    /* FHIR Appointment files first: each may give several bookings. */
    appts = cal_calloc(nb ? nb : 1, sizeof *appts);
    if (!appts)
        return case_oom(err);
    for (i = 0; i < nb; i++) {
        const json_t *bo = json_array_get(booked, i);
        if (!is_fhir_appointments(bo))
            continue;
        if ((rc = read_fhir_appointments(l, bo, i, &appts[i], err)))
            goto out;
        total += appts[i].n;
    }
    c->visits = cal_calloc(total ? total : 1, sizeof *c->visits);
    l->vobj = cal_calloc(total ? total : 1, sizeof *l->vobj);
    l->vpath = cal_calloc(total ? total : 1, sizeof *l->vpath);
    if (!c->visits || !l->vobj || !l->vpath) {
        rc = case_oom(err);
        goto out;
    }
    l->nvpath = total;
    c->nvisits = total;
    json_array_foreach(visits, i, o)
    {
        char jp[64];
        if ((rc = read_visit(l, o, i, err)))
            goto out;
        l->vobj[i] = o;
        l->vpath[i] = cal_strdup(adapt_jp_index(jp, sizeof jp, "visits", i));
        if (!l->vpath[i]) {
            rc = case_oom(err);
            goto out;
        }
    }
    n = l->ndue;
    for (i = 0; i < nb; i++) {
        size_t before_n = n;
        const json_t *bo = json_array_get(booked, i);
        if (is_fhir_appointments(bo)) {
            if ((rc = add_fhir_bookings(l, bo, i, &appts[i], &n, err)))
                goto out;
            continue;
        }
        if (json_is_object(bo) &&
            (json_object_get(bo, "ics") || json_object_get(bo, "fhir") ||
             json_object_get(bo, "fhir_hours") || json_object_get(bo, "caldav"))) {
            /* A calendar of existing appointments: busy time for the family. */
            char jp[64];
            struct cal_set b = {0}, a = {0};
            rc = case_read_busy(l, NULL, bo, adapt_jp_index(jp, sizeof jp, "booked", i), &b, &a,
                                err);
            if (rc == 0 && cal_set_add_set(&c->family.busy, &b))
                rc = case_oom(err);
            cal_set_free(&b);
            cal_set_free(&a);
            if (rc)
                goto out;
            continue;
        }
        if ((rc = read_booking(l, bo, i, &n, err)))
            goto out;
        if (n > before_n) {
            char jp[64];
            l->vobj[before_n] = json_array_get(booked, i);
            l->vpath[before_n] = cal_strdup(adapt_jp_index(jp, sizeof jp, "booked", i));
            if (!l->vpath[before_n]) {
                rc = case_oom(err);
                goto out;
            }
        } else {
            /* Skipped: clear whatever the reader left in the slot. */
            free(c->visits[n].id);
            free(c->visits[n].purpose);
            memset(&c->visits[n], 0, sizeof c->visits[n]);
        }
    }
    for (i = 0; i < nb; i++)
        fhir_appointments_free(&appts[i]);
    free(appts);
    appts = NULL;
    c->nvisits = n;
    for (i = 0; i < l->ndue; i++) {
        if ((rc = read_links(l, i, err)))
            return rc;
    }
    state = cal_calloc(n ? n : 1, 1);
    if (!state)
        return case_oom(err);
    rc = 0;
    for (i = 0; i < n && rc == 0; i++) {
        if (state[i] == 0)
            rc = before_dfs(l, i, state, err);
    }
    free(state);
    return rc;
out:
    for (i = 0; appts && i < nb; i++)
        fhir_appointments_free(&appts[i]);
    free(appts);
    return rc;
}
