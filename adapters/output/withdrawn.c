/*
 * Cancelled events that the calendars keep (withdrawn.h): appointments the
 * previous plan had and this one has not, the trip-day events of trips this
 * plan removes, and what earlier re-plans cancelled and plan.json recorded.
 * Each stays as STATUS:CANCELLED with a raised SEQUENCE until it is over.
 */
#include "adapters/output/withdrawn.h"

#include "adapters/adapters.h"
#include "adapters/json_file.h"
#include "adapters/output/out_ics_internal.h"
#include "calendars/util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GONE_MAX_SEQUENCE (INT_MAX - 1) /* one more must still fit */

static const char *const kind_names[] = {"visit", "trip", "leave", "night"};
static const char *const day_uid_kind[] = {NULL, "trip", "leave", "night"};

void out_withdrawn_free(struct out_withdrawn *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++) {
        free(w->v[i].visit);
        free(w->v[i].provider);
        free(w->v[i].place);
        json_decref(w->v[i].places);
    }
    free(w->v);
    free(w->trip_seq);
    memset(w, 0, sizeof *w);
}

static char *dup_or_null(const char *s)
{
    return s ? cal_strdup(s) : NULL;
}

/* Append e (its owned fields move into w); ADAPT_EINTERNAL when out of
 * memory (e's fields are freed then). */
static int push(struct out_withdrawn *w, struct out_gone *e, struct careday_error *err)
{
    struct out_gone *v = cal_realloc(w->v, (w->n + 1) * sizeof *v);
    if (!v) {
        free(e->visit);
        free(e->provider);
        free(e->place);
        json_decref(e->places);
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    }
    w->v = v;
    v[w->n++] = *e;
    return 0;
}

static bool has_uid(const struct out_withdrawn *w, const char *uid)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->v[i].uid, uid) == 0)
            return true;
    return false;
}

/* ---------------------------------------------------------------------------
 * The previous plan's trips.
 */

struct prev_trip {
    int32_t day;
    cal_time depart, ret; /* 0 when absent */
    bool overnight;
    int sequence;
    json_t *places; /* borrowed from the previous plan */
};

static int seq_value(const json_t *v, const char *path, const char *where, int *out,
                     struct careday_error *err)
{
    if (!v) {
        *out = 0;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        json_integer_value(v) > GONE_MAX_SEQUENCE)
        return careday_fail(err, ADAPT_EINPUT, path, 0, where, "expected a sequence from 0 to %d",
                            GONE_MAX_SEQUENCE);
    *out = (int)json_integer_value(v);
    return 0;
}

/* An optional RFC 3339 instant (0 when absent). */
static int opt_time(const json_t *o, const char *key, const char *path, const char *base,
                    cal_time *out, struct careday_error *err)
{
    char where[96];
    const json_t *v = json_object_get(o, key);
    *out = 0;
    if (!v)
        return 0;
    if (json_is_string(v) && cal_parse_rfc3339(json_string_value(v), out) == 0)
        return 0;
    snprintf(where, sizeof where, "%s.%s", base, key);
    return careday_fail(err, ADAPT_EINPUT, path, 0, where, "expected an RFC 3339 time");
}

static int read_trips(const json_t *root, const char *path, struct prev_trip **out, size_t *n,
                      struct careday_error *err)
{
    const json_t *arr = json_object_get(root, "trips");
    char where[64];
    *out = NULL;
    *n = 0;
    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return careday_fail(err, ADAPT_EINPUT, path, 0, "trips",
                            "expected the array of trips of a careday plan.json");
    size_t m = json_array_size(arr);
    struct prev_trip *v = cal_calloc(m ? m : 1, sizeof *v);
    if (!v)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < m && rc == 0; i++) {
        const json_t *t = json_array_get(arr, i);
        snprintf(where, sizeof where, "trips[%zu]", i);
        const char *date = json_string_value(json_object_get(t, "date"));
        if (!date || cal_parse_date(date, &v[i].day) != 0) {
            snprintf(where, sizeof where, "trips[%zu].date", i);
            rc = careday_fail(err, ADAPT_EINPUT, path, 0, where, "expected a date YYYY-MM-DD");
            break;
        }
        v[i].overnight = json_is_true(json_object_get(t, "overnight_after"));
        v[i].places = json_object_get(t, "places");
        if ((rc = opt_time(t, "depart", path, where, &v[i].depart, err)) ||
            (rc = opt_time(t, "return", path, where, &v[i].ret, err)))
            break;
        char swhere[64];
        snprintf(swhere, sizeof swhere, "trips[%zu].sequence", i);
        rc = seq_value(json_object_get(t, "sequence"), path, swhere, &v[i].sequence, err);
    }
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n = m;
    return 0;
}

/* When the family was due at the first clinic of the previous trip on day
 * (its first in-person appointment less arrive_early_minutes): the end of
 * its "Leave for" event. */
static cal_time prev_arrival(const struct sched_case *c, const json_t *root,
                             const struct prev_trip *t)
{
    char date[16];
    cal_format_date(t->day, date, sizeof date);
    cal_time first = 0;
    size_t i;
    const json_t *a;
    json_array_foreach(json_object_get(root, "appointments"), i, a)
    {
        const char *trip = json_string_value(json_object_get(a, "trip"));
        const char *place = json_string_value(json_object_get(a, "place"));
        cal_time s;
        if (!trip || strcmp(trip, date) != 0 || !place || strcmp(place, "home") == 0 ||
            cal_parse_rfc3339(json_string_value(json_object_get(a, "start")), &s) != 0)
            continue;
        if (!first || s < first)
            first = s;
    }
    if (!first)
        return t->depart ? t->depart + 3600 : 0;
    cal_time arrive = first - (cal_time)c->family.arrive_early_minutes * 60;
    return arrive > t->depart ? arrive : first;
}

static const char *lodging_id(const struct sched_case *c)
{
    int l = c->family.lodging;
    return l >= 0 && (size_t)l < c->nplaces ? c->places[l].id : NULL;
}

/* The events of previous trip t that this plan no longer has: all three
 * when the day is no trip day now, else the night when there is none. */
static int trip_gone(const struct sched_case *c, const json_t *root, const struct prev_trip *t,
                     const struct prev_trip *all, size_t nall, const struct sched_plan *plan,
                     cal_time now, struct out_withdrawn *w, struct careday_error *err)
{
    const struct sched_trip *still = NULL;
    for (size_t k = 0; k < plan->ntrips; k++)
        if (plan->trips[k].day == t->day)
            still = &plan->trips[k];
    if (still && (!t->overnight || still->overnight_after))
        return 0;
    int seq = t->sequence + 1;
    int rc = 0;
    if (!still) {
        struct out_gone trip = {.kind = OUT_GONE_TRIP, .sequence = seq, .day = t->day};
        trip.start = cal_tz_local_to_utc(c->tz, t->day, 0);
        trip.end = cal_tz_local_to_utc(c->tz, t->day + 1, 0);
        ics_day_uid(c, "trip", t->day, trip.uid, sizeof trip.uid);
        if (trip.end > now) {
            trip.places = json_copy(t->places);
            if ((rc = push(w, &trip, err)))
                return rc;
        }
        struct out_gone leave = {.kind = OUT_GONE_LEAVE, .sequence = seq, .day = t->day};
        leave.start = t->depart;
        leave.end = prev_arrival(c, root, t);
        ics_day_uid(c, "leave", t->day, leave.uid, sizeof leave.uid);
        if (leave.start && leave.end > leave.start && leave.end > now) {
            leave.places = json_array();
            if (leave.places && json_array_size(t->places))
                json_array_append(leave.places, json_array_get(t->places, 0));
            if ((rc = push(w, &leave, err)))
                return rc;
        }
    }
    if (!t->overnight || !t->ret)
        return 0;
    /* The night ran to the next trip's departure, else the next morning. */
    struct out_gone night = {.kind = OUT_GONE_NIGHT, .sequence = seq, .day = t->day};
    night.start = t->ret;
    for (size_t k = 0; k < nall; k++)
        if (all[k].day == t->day + 1)
            night.end = all[k].depart;
    if (night.end <= night.start)
        night.end = cal_tz_local_to_utc(sched_place_tz(c, c->family.lodging), t->day + 1,
                                        c->family.earliest_departure);
    ics_day_uid(c, "night", t->day, night.uid, sizeof night.uid);
    if (night.end <= night.start || night.end <= now)
        return 0;
    night.place = dup_or_null(lodging_id(c));
    return push(w, &night, err);
}

/* ---------------------------------------------------------------------------
 * The previous plan's "cancelled".
 */

static int parse_kind(const char *s, enum out_gone_kind *k)
{
    for (size_t i = 0; s && i < sizeof kind_names / sizeof kind_names[0]; i++)
        if (strcmp(s, kind_names[i]) == 0) {
            *k = (enum out_gone_kind)i;
            return 0;
        }
    return -1;
}

/* Entry i of the previous plan's "cancelled" into e (owned fields set). */
static int read_entry(const struct sched_case *c, const json_t *o, size_t i, const char *path,
                      struct out_gone *e, struct careday_error *err)
{
    char base[48], where[96];
    snprintf(base, sizeof base, "cancelled[%zu]", i);
    memset(e, 0, sizeof *e);
    const char *bad = NULL;
    const char *kind = json_string_value(json_object_get(o, "kind"));
    const char *visit = json_string_value(json_object_get(o, "visit"));
    const char *date = json_string_value(json_object_get(o, "date"));
    const char *mode = json_string_value(json_object_get(o, "mode"));
    const char *state = json_string_value(json_object_get(o, "state"));
    const char *uid = json_string_value(json_object_get(o, "uid"));
    if (!json_is_object(o))
        bad = "";
    else if (parse_kind(kind, &e->kind) != 0)
        bad = ".kind";
    else if (cal_parse_rfc3339(json_string_value(json_object_get(o, "start")), &e->start) != 0)
        bad = ".start";
    else if (cal_parse_rfc3339(json_string_value(json_object_get(o, "end")), &e->end) != 0 ||
             e->end <= e->start)
        bad = ".end";
    else if (e->kind == OUT_GONE_VISIT && !visit)
        bad = ".visit";
    else if (e->kind != OUT_GONE_VISIT && (!date || cal_parse_date(date, &e->day) != 0))
        bad = ".date";
    else if (mode && sched_mode_parse(mode, &e->mode) != 0)
        bad = ".mode";
    else if (state && sched_state_parse(state, &e->state) != 0)
        bad = ".state";
    else if (uid && (!*uid || strlen(uid) >= sizeof e->uid))
        bad = ".uid";
    if (bad) {
        snprintf(where, sizeof where, "%s%s", base, bad);
        return careday_fail(err, ADAPT_EINPUT, path, 0, where,
                            "expected a cancelled event as careday writes it: kind (visit, "
                            "trip, leave, night), RFC 3339 start and end (end after start), the "
                            "visit id of a visit or the date of a trip-day event, an optional "
                            "mode, state and uid");
    }
    snprintf(where, sizeof where, "%s.sequence", base);
    int rc = seq_value(json_object_get(o, "sequence"), path, where, &e->sequence, err);
    if (rc)
        return rc;
    if (uid)
        snprintf(e->uid, sizeof e->uid, "%s", uid);
    else if (e->kind == OUT_GONE_VISIT)
        out_visit_uid(c, visit, e->uid, sizeof e->uid);
    else
        ics_day_uid(c, day_uid_kind[e->kind], e->day, e->uid, sizeof e->uid);
    e->visit = dup_or_null(visit);
    e->provider = dup_or_null(json_string_value(json_object_get(o, "provider")));
    e->place = dup_or_null(json_string_value(json_object_get(o, "place")));
    if (json_is_array(json_object_get(o, "places")))
        e->places = json_copy(json_object_get(o, "places"));
    if ((visit && !e->visit) || (json_object_get(o, "provider") && !e->provider)) {
        free(e->visit);
        free(e->provider);
        free(e->place);
        json_decref(e->places);
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    }
    return 0;
}

static void entry_free(struct out_gone *e)
{
    free(e->visit);
    free(e->provider);
    free(e->place);
    json_decref(e->places);
}

static bool visit_placed(const struct sched_case *c, const struct sched_plan *plan, const char *id)
{
    for (size_t i = 0; i < plan->nappts; i++)
        if (strcmp(c->visits[plan->appts[i].visit].id, id) == 0)
            return true;
    return false;
}

/* Whether the plan writes the day item e again (same UID, live). */
static bool day_item_live(const struct sched_plan *plan, const struct out_gone *e)
{
    for (size_t k = 0; k < plan->ntrips; k++)
        if (plan->trips[k].day == e->day)
            return e->kind != OUT_GONE_NIGHT || plan->trips[k].overnight_after;
    return false;
}

static int read_cancelled(const struct sched_case *c, const struct sched_plan *plan,
                          const json_t *root, const char *path, cal_time now,
                          struct out_withdrawn *w, struct careday_error *err)
{
    const json_t *arr = json_object_get(root, "cancelled");
    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return careday_fail(err, ADAPT_EINPUT, path, 0, "cancelled",
                            "expected the array of cancelled events of a careday plan.json");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        struct out_gone e;
        int rc = read_entry(c, json_array_get(arr, i), i, path, &e, err);
        if (rc)
            return rc;
        /* Over: it drops. Placed again or written live again: the live
         * event (with a higher SEQUENCE) replaces it. */
        bool live =
            e.kind == OUT_GONE_VISIT ? visit_placed(c, plan, e.visit) : day_item_live(plan, &e);
        /* Trip-day events of this plan take their SEQUENCE above it. */
        for (size_t t = 0; e.kind != OUT_GONE_VISIT && t < plan->ntrips; t++)
            if (plan->trips[t].day == e.day && w->trip_seq[t] <= e.sequence)
                w->trip_seq[t] = e.sequence + 1;
        if (e.end <= now || live || has_uid(w, e.uid)) {
            entry_free(&e);
            continue;
        }
        if ((rc = push(w, &e, err)))
            return rc;
    }
    return 0;
}

/* ---------------------------------------------------------------------------
 * Building the list.
 */

static int fresh_visits(const struct sched_case *c, const struct sched_changes *ch, cal_time now,
                        struct out_withdrawn *w, struct careday_error *err)
{
    for (size_t i = 0; ch && i < ch->n; i++) {
        const struct sched_change *e = &ch->v[i];
        if (e->kind != SCHED_CHANGE_CANCELLED || e->prev < 0 || (size_t)e->prev >= c->nprevious)
            continue;
        const struct sched_prev_appt *q = &c->previous[e->prev];
        if (q->end <= now)
            continue;
        struct out_gone g = {
            .kind = OUT_GONE_VISIT,
            .sequence = q->sequence + 1,
            .start = q->start,
            .end = q->end,
            .mode = q->mode,
            .state = q->state,
            .fresh = true,
        };
        out_visit_uid(c, q->visit_id, g.uid, sizeof g.uid);
        const char *prov = q->provider_id;
        if (!prov && q->visit >= 0)
            prov = c->providers[c->visits[q->visit].provider].id;
        g.visit = cal_strdup(q->visit_id);
        g.provider = dup_or_null(prov);
        g.place = dup_or_null(q->place_id);
        if (!g.visit || (prov && !g.provider) || (q->place_id && !g.place)) {
            free(g.visit);
            free(g.provider);
            free(g.place);
            return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        }
        int rc = push(w, &g, err);
        if (rc)
            return rc;
    }
    return 0;
}

int out_withdrawn_build(const struct sched_case *c, const struct sched_plan *plan,
                        const struct out_options *o, struct out_withdrawn *w,
                        struct careday_error *err)
{
    memset(w, 0, sizeof *w);
    w->trip_seq = cal_calloc(plan->ntrips + 1, sizeof *w->trip_seq);
    if (!w->trip_seq)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    if (!o || !o->previous_plan)
        return 0;
    json_t *root = NULL;
    struct prev_trip *trips = NULL;
    size_t ntrips = 0;
    const char *path = o->previous_plan;
    int rc = adapt_json_file(path, "the plan.json of an earlier plan (--previous)", &root, err);
    if (rc == 0)
        rc = read_trips(root, path, &trips, &ntrips, err);
    /* Trip-day events keep the SEQUENCE of the previous plan's trip that day. */
    for (size_t t = 0; rc == 0 && t < plan->ntrips; t++)
        for (size_t k = 0; k < ntrips; k++)
            if (trips[k].day == plan->trips[t].day)
                w->trip_seq[t] = trips[k].sequence;
    if (rc == 0)
        rc = fresh_visits(c, o->changes, o->now, w, err);
    for (size_t k = 0; rc == 0 && k < ntrips; k++)
        rc = trip_gone(c, root, &trips[k], trips, ntrips, plan, o->now, w, err);
    if (rc == 0)
        rc = read_cancelled(c, plan, root, path, o->now, w, err);
    free(trips);
    json_decref(root);
    if (rc)
        out_withdrawn_free(w);
    return rc;
}

/* ---------------------------------------------------------------------------
 * plan.json
 */

static json_t *when(const struct sched_case *c, cal_time t)
{
    char buf[40];
    cal_format_rfc3339(t, cal_tz_offset(c->tz, t), false, buf, sizeof buf);
    return json_string(buf);
}

json_t *out_withdrawn_json(const struct sched_case *c, const struct out_withdrawn *w)
{
    json_t *arr = json_array();
    bool failed = !arr;
    for (size_t i = 0; !failed && i < w->n; i++) {
        const struct out_gone *e = &w->v[i];
        json_t *o = json_object();
        char date[16];
        cal_format_date(e->day, date, sizeof date);
        failed |= !o || json_array_append_new(arr, o) != 0;
        if (failed)
            break;
        failed |= json_object_set_new(o, "kind", json_string(kind_names[e->kind])) != 0;
        failed |= json_object_set_new(o, "uid", json_string(e->uid)) != 0;
        failed |= json_object_set_new(o, "sequence", json_integer(e->sequence)) != 0;
        if (e->kind == OUT_GONE_VISIT) {
            failed |= json_object_set_new(o, "visit", json_string(e->visit)) != 0;
            if (e->provider)
                failed |= json_object_set_new(o, "provider", json_string(e->provider)) != 0;
            failed |= json_object_set_new(o, "mode", json_string(sched_mode_name(e->mode))) != 0;
            failed |= json_object_set_new(o, "state", json_string(sched_state_name(e->state))) != 0;
        } else {
            failed |= json_object_set_new(o, "date", json_string(date)) != 0;
        }
        if (e->place)
            failed |= json_object_set_new(o, "place", json_string(e->place)) != 0;
        if (e->places)
            failed |= json_object_set_new(o, "places", json_copy(e->places)) != 0;
        failed |= json_object_set_new(o, "start", when(c, e->start)) != 0;
        failed |= json_object_set_new(o, "end", when(c, e->end)) != 0;
    }
    if (failed) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* ---------------------------------------------------------------------------
 * The calendars.
 */

static int visit_index(const struct sched_case *c, const char *id)
{
    for (size_t v = 0; id && v < c->nvisits; v++)
        if (strcmp(c->visits[v].id, id) == 0)
            return (int)v;
    return -1;
}

static int provider_index(const struct sched_case *c, const struct out_gone *e)
{
    int v = visit_index(c, e->visit);
    if (v >= 0)
        return c->visits[v].provider;
    for (size_t i = 0; e->provider && i < c->nproviders; i++)
        if (strcmp(c->providers[i].id, e->provider) == 0)
            return (int)i;
    return -1;
}

static const char *place_name(const struct sched_case *c, const char *id)
{
    for (size_t i = 0; id && i < c->nplaces; i++)
        if (strcmp(c->places[i].id, id) == 0)
            return c->places[i].name ? c->places[i].name : c->places[i].id;
    return id ? id : "";
}

/* What the family's cancelled event was: the visit's purpose (else the
 * specialty, the provider, the id), the trip's places, "Leave for ...",
 * "Night at ...". */
static void family_what(const struct sched_case *c, const struct out_gone *e,
                        const i18n_catalog *cat, struct cal_buf *b)
{
    if (e->kind == OUT_GONE_VISIT) {
        int v = visit_index(c, e->visit);
        int pi = provider_index(c, e);
        const struct sched_visit *vi = v >= 0 ? &c->visits[v] : NULL;
        const struct sched_provider *p = pi >= 0 ? &c->providers[pi] : NULL;
        cal_buf_add(b, vi && vi->purpose && *vi->purpose    ? vi->purpose
                       : p && p->specialty && *p->specialty ? p->specialty
                       : p                                  ? sched_provider_name(p)
                                                            : e->visit);
        return;
    }
    struct cal_buf places = {0};
    size_t n = json_array_size(e->places);
    for (size_t k = 0; k < n; k++) {
        if (k > 0)
            cal_buf_add(&places,
                        i18n_get(cat, k == n - 1 ? "list.last_separator" : "list.separator"));
        cal_buf_add(&places, place_name(c, json_string_value(json_array_get(e->places, k))));
    }
    const char *lodging = place_name(c, e->place);
    struct i18n_arg args[] = {{"places", places.s ? places.s : ""},
                              {"place", places.s ? places.s : ""},
                              {"lodging", lodging}};
    const char *key = e->kind == OUT_GONE_TRIP    ? "event.cancelled.trip"
                      : e->kind == OUT_GONE_LEAVE ? "event.leave.summary"
                                                  : "event.overnight.summary";
    i18n_buf_add_msg(b, cat, key, args, 3);
    b->oom |= places.oom;
    cal_buf_free(&places);
}

static int add_event(cal_writer *wr, const struct out_gone *e, const char *uid, const char *what,
                     const i18n_catalog *cat, const struct cal_attendee *organizer,
                     const struct cal_attendee *attendees, size_t nattendees)
{
    struct i18n_arg args[] = {{"what", what}};
    struct cal_buf summary = {0};
    i18n_buf_add_msg(&summary, cat, "event.cancelled.summary", args, 1);
    struct cal_event_out ev = {
        .status = CAL_STATUS_CANCELLED,
        .uid = uid,
        .sequence = e->sequence,
        .start = e->start,
        .end = e->end,
        .all_day = e->kind == OUT_GONE_TRIP,
        .start_day = e->day,
        .end_day = e->day + 1,
        .transparent = e->kind == OUT_GONE_TRIP,
        .summary = summary.s,
        .alarm_minutes = -1,
        .organizer = organizer,
        .attendees = attendees,
        .nattendees = nattendees,
    };
    int rc = summary.oom ? CAL_ENOMEM : cal_writer_add(wr, &ev);
    cal_buf_free(&summary);
    return rc;
}

int out_withdrawn_add_family(cal_writer *wr, const struct sched_case *c,
                             const struct out_withdrawn *w, const i18n_catalog *cat,
                             const struct cal_attendee *organizer)
{
    int rc = 0;
    for (size_t i = 0; w && i < w->n && rc == 0; i++) {
        struct cal_buf what = {0};
        family_what(c, &w->v[i], cat, &what);
        rc = what.oom ? CAL_ENOMEM
                      : add_event(wr, &w->v[i], w->v[i].uid, what.s ? what.s : "", cat, organizer,
                                  NULL, 0);
        cal_buf_free(&what);
    }
    return rc;
}

static bool for_provider(const struct sched_case *c, const struct out_gone *e, size_t pi,
                         bool fresh_only)
{
    return e->kind == OUT_GONE_VISIT && (e->fresh || !fresh_only) &&
           provider_index(c, e) == (int)pi;
}

size_t out_withdrawn_provider_count(const struct sched_case *c, const struct out_withdrawn *w,
                                    size_t pi, bool fresh_only)
{
    size_t n = 0;
    for (size_t i = 0; w && i < w->n; i++)
        n += for_provider(c, &w->v[i], pi, fresh_only);
    return n;
}

int out_withdrawn_add_provider(cal_writer *wr, const struct sched_case *c,
                               const struct out_withdrawn *w, size_t pi, bool fresh_only,
                               const i18n_catalog *cat, const char *uid_kind, const char *uid_key,
                               const struct cal_attendee *organizer,
                               const struct cal_attendee *attendees, size_t nattendees)
{
    int rc = 0;
    for (size_t i = 0; w && i < w->n && rc == 0; i++) {
        const struct out_gone *e = &w->v[i];
        if (!for_provider(c, e, pi, fresh_only))
            continue;
        char uid[512];
        ics_provider_uid(c, e->visit, uid_kind, uid_key, uid, sizeof uid);
        /* A provider sees its own visit's purpose only. */
        int v = visit_index(c, e->visit);
        const char *what = v >= 0 ? ics_provider_what(c, &c->visits[v]) : e->visit;
        rc = add_event(wr, e, uid, what, cat, organizer, attendees, nattendees);
    }
    return rc;
}

/* ---------------------------------------------------------------------------
 * SEQUENCE of a visit placed again.
 */

int out_withdrawn_raise_sequences(const char *previous_plan, const struct sched_case *c,
                                  const struct sched_plan *plan, int *seq,
                                  struct careday_error *err)
{
    if (!previous_plan)
        return 0;
    json_t *root = NULL;
    int rc =
        adapt_json_file(previous_plan, "the plan.json of an earlier plan (--previous)", &root, err);
    if (rc)
        return rc;
    const json_t *arr = json_object_get(root, "cancelled");
    if (arr && !json_is_array(arr))
        rc = careday_fail(err, ADAPT_EINPUT, previous_plan, 0, "cancelled",
                          "expected the array of cancelled events of a careday plan.json");
    for (size_t k = 0; rc == 0 && k < json_array_size(arr); k++) {
        struct out_gone e;
        if ((rc = read_entry(c, json_array_get(arr, k), k, previous_plan, &e, err)))
            break;
        for (size_t i = 0; e.kind == OUT_GONE_VISIT && i < plan->nappts; i++)
            if (strcmp(c->visits[plan->appts[i].visit].id, e.visit) == 0 && seq[i] <= e.sequence)
                seq[i] = e.sequence + 1;
        entry_free(&e);
    }
    json_decref(root);
    return rc;
}
