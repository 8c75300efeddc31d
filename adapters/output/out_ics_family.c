/*
 * OUT/family.ics (DESIGN §5, docs/outputs.md): a METHOD:PUBLISH feed of
 * every appointment, with per trip day an all-day note and a "Leave for"
 * event holding the day's one reminder, one event per night at the
 * lodging, and the cancelled events still to come (withdrawn.c). The files
 * are written by out_ics.c.
 */
#include "adapters/adapters.h"
#include "adapters/output/i18n.h"
#include "adapters/output/out_ics_internal.h"
#include "adapters/output/outputs.h"
#include "adapters/output/withdrawn.h"
#include "calendars/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *visit_what(const struct sched_case *c, const struct sched_visit *v)
{
    if (v->purpose && *v->purpose)
        return v->purpose;
    const struct sched_provider *p = &c->providers[v->provider];
    if (p->specialty && *p->specialty)
        return p->specialty;
    return v->id;
}

/* The names of the places a trip goes to, in visiting order, joined as a
 * list ("A, B and C"). */
static void trip_places(const struct sched_case *c, const struct sched_plan *plan, int trip,
                        const i18n_catalog *cat, struct cal_buf *b)
{
    int seen[16];
    int n = 0;
    for (size_t i = 0; i < plan->nappts && n < 16; i++) {
        const struct sched_appt *a = &plan->appts[i];
        if (a->trip != trip || a->place < 0)
            continue;
        bool dup = false;
        for (int k = 0; k < n; k++)
            dup |= seen[k] == a->place;
        if (!dup)
            seen[n++] = a->place;
    }
    if (n == 0 && plan->trips[trip].first_place >= 0)
        seen[n++] = plan->trips[trip].first_place;
    for (int k = 0; k < n; k++) {
        if (k > 0)
            cal_buf_add(b, i18n_get(cat, k == n - 1 ? "list.last_separator" : "list.separator"));
        const struct sched_place *pl = &c->places[seen[k]];
        cal_buf_add(b, pl->name ? pl->name : pl->id);
    }
}

static const char *lodging_name(const struct sched_case *c)
{
    int l = c->family.lodging;
    if (l < 0 || (size_t)l >= c->nplaces)
        return "";
    return c->places[l].name ? c->places[l].name : c->places[l].id;
}

/* ---------------------------------------------------------------------------
 * family.ics
 */

struct family_ctx {
    const struct sched_case *c;
    const struct sched_plan *plan;
    const i18n_catalog *cat;
    const int *seq;                   /* SEQUENCE per appointment */
    const struct out_withdrawn *gone; /* cancelled events; trip_seq per trip */
    cal_time now;
    cal_writer *w;
    struct cal_attendee organizer;
};

/* Long on purpose: builds one event's summary, description, location and reminder in the order
 * they appear in the event. */
static int add_appointment(struct family_ctx *x, size_t index)
{
    const struct sched_case *c = x->c;
    const struct sched_appt *a = &x->plan->appts[index];
    const struct sched_visit *v = &c->visits[a->visit];
    const struct sched_provider *p = &c->providers[v->provider];
    const i18n_catalog *cat = x->cat;
    const char *link = a->mode == SCHED_TELEHEALTH ? p->mode[SCHED_TELEHEALTH].link : NULL;
    if (link && !*link)
        link = NULL;
    const cal_tz *tz = a->mode == SCHED_IN_PERSON ? sched_place_tz(c, a->place) : c->tz;

    char uid[512], when[160], length[32];
    out_visit_uid(c, v->id, uid, sizeof uid);
    i18n_zoned_clock(cat, tz, c->tz, a->start, when, sizeof when);
    i18n_duration(cat, (int)((a->end - a->start) / 60), length, sizeof length);

    struct i18n_arg args[] = {
        {"provider", sched_provider_name(p)},
        {"specialty", p->specialty ? p->specialty : ""},
        {"what", visit_what(c, v)},
        {"link", link},
        {"time", when},
        {"length", length},
    };
    const size_t nargs = sizeof args / sizeof args[0];
    static const char *const summary_key[SCHED_NMODES] = {
        "event.in_person.summary", "event.telehealth.summary", "event.home.summary"};

    struct cal_buf summary = {0}, location = {0}, desc = {0}, alarm = {0};
    i18n_buf_add_msg(&summary, cat, summary_key[a->mode], args, nargs);

    ics_location_text(c, a, link, cat, "event.location.home", args, nargs, &location);

    if (link) {
        i18n_buf_add_msg(&desc, cat, "event.description.video", args, nargs);
        cal_buf_add(&desc, "\n");
    }
    i18n_buf_add_msg(&desc, cat, "event.description.who", args, nargs);
    cal_buf_add(&desc, "\n");
    i18n_buf_add_msg(&desc, cat, "event.description.what", args, nargs);
    cal_buf_add(&desc, "\n");
    i18n_buf_add_msg(&desc, cat, "event.description.when", args, nargs);
    if (a->mode == SCHED_IN_PERSON) {
        struct i18n_arg where[] = {{"where", location.s}};
        cal_buf_add(&desc, "\n");
        i18n_buf_add_msg(&desc, cat, "event.description.where", where, 1);
    }
    if (ics_first_at_place(x->plan, index)) {
        char arrive[160];
        i18n_zoned_clock(cat, tz, c->tz, a->start - (cal_time)c->family.arrive_early_minutes * 60,
                         arrive, sizeof arrive);
        struct i18n_arg aargs[] = {{"time", arrive}};
        cal_buf_add(&desc, "\n");
        i18n_buf_add_msg(&desc, cat, "event.description.arrive", aargs, 1);
    }
    bool nurse = (a->mode == SCHED_HOME && v->home_needs_nurse) ||
                 (a->mode == SCHED_TELEHEALTH && v->telehealth_needs_nurse);
    if (nurse) {
        cal_buf_add(&desc, "\n");
        i18n_buf_add_msg(&desc, cat, "event.description.home_nurse", NULL, 0);
    }
    ics_place_lines(&desc, c, cat, a);
    ics_prepare_line(&desc, cat, v);

    /* One reminder shortly before the visit; leaving for a trip has its own
     * event and reminder (add_leave). */
    int alarm_minutes = a->mode == SCHED_HOME ? 30 : 15;
    struct i18n_arg alarm_args[] = {{"summary", summary.s}};
    i18n_buf_add_msg(&alarm, cat, "event.alarm", alarm_args, 1);

    struct cal_event_out ev = {
        .status = a->state == SCHED_BOOKED ? CAL_STATUS_CONFIRMED : CAL_STATUS_TENTATIVE,
        .uid = uid,
        .sequence = x->seq[index],
        .start = a->start,
        .end = a->end,
        .summary = summary.s,
        .description = desc.s,
        .location = location.s,
        .url = link,
        .conference = link,
        .alarm_minutes = alarm_minutes,
        .alarm_text = alarm.s,
        .organizer = &x->organizer,
    };
    if (a->mode == SCHED_IN_PERSON && a->place >= 0) {
        ev.lat = c->places[a->place].lat;
        ev.lon = c->places[a->place].lon;
        ev.has_geo = true;
    }
    struct cal_buf *texts[] = {&summary, &location, &desc, &alarm};
    return ics_add_event(x->w, &ev, texts, 4);
}

/* "Leave for <place>" at the trip's departure, until the family is due at the
 * first place (arrive_early_minutes before the first appointment), with the
 * one reminder of the departure: a real event, because Google Calendar drops
 * VALARMs on import and a reminder alone would be lost. */
static int add_leave(struct family_ctx *x, size_t t)
{
    const struct sched_case *c = x->c;
    const struct sched_plan *plan = x->plan;
    const struct sched_trip *trip = &plan->trips[t];
    const i18n_catalog *cat = x->cat;
    size_t first = plan->nappts;
    for (size_t i = 0; i < plan->nappts && first == plan->nappts; i++)
        if (plan->appts[i].trip == (int)t && plan->appts[i].place >= 0)
            first = i;
    if (first == plan->nappts)
        return 0;
    const struct sched_appt *a = &plan->appts[first];
    const struct sched_place *pl = &c->places[a->place];
    const cal_tz *from_tz = trip->from_lodging ? sched_place_tz(c, c->family.lodging) : c->tz;
    const cal_tz *to_tz = sched_place_tz(c, a->place);
    cal_time arrive_at = a->start - (cal_time)c->family.arrive_early_minutes * 60;
    if (arrive_at <= trip->depart)
        arrive_at = a->start;
    char depart[160], arrive[160], uid[512];
    i18n_zoned_clock(cat, from_tz, c->tz, trip->depart, depart, sizeof depart);
    i18n_zoned_clock(cat, to_tz, c->tz, arrive_at, arrive, sizeof arrive);
    const char *place = pl->name ? pl->name : pl->id;
    struct i18n_arg args[] = {{"place", place},
                              {"depart", depart},
                              {"arrive", arrive},
                              {"lodging", lodging_name(c)},
                              {"summary", place}};
    struct cal_buf summary = {0}, desc = {0}, location = {0}, alarm = {0};
    i18n_buf_add_msg(&summary, cat, "event.leave.summary", args, 5);
    i18n_buf_add_msg(&desc, cat,
                     trip->from_lodging ? "event.leave.description.lodging"
                                        : "event.leave.description.home",
                     args, 5);
    /* The day's practical lines: how to find each place and whom to call
     * there, then what to prepare, each once. */
    for (size_t i = 0; i < plan->nappts; i++) {
        const struct sched_appt *ai = &plan->appts[i];
        bool seen_place = false;
        if (ai->trip != (int)t)
            continue;
        for (size_t k = 0; k < i; k++) {
            const struct sched_appt *ak = &plan->appts[k];
            if (ak->trip != (int)t)
                continue;
            seen_place |= ak->place == ai->place;
        }
        if (!seen_place)
            ics_place_lines(&desc, c, cat, ai);
    }
    for (size_t i = 0; i < plan->nappts; i++) {
        const struct sched_appt *ai = &plan->appts[i];
        bool seen = false;
        for (size_t k = 0; k < i && ai->trip == (int)t; k++) {
            const char *pk = c->visits[plan->appts[k].visit].prepare;
            const char *pi = c->visits[ai->visit].prepare;
            seen |= plan->appts[k].trip == (int)t && pk && pi && !strcmp(pk, pi);
        }
        if (ai->trip == (int)t && !seen)
            ics_prepare_line(&desc, cat, &c->visits[ai->visit]);
    }
    ics_place_text(c, a->place, cat, &location);
    i18n_buf_add_msg(&alarm, cat, "event.alarm.leave", args, 5);
    ics_day_uid(c, "leave", trip->day, uid, sizeof uid);
    struct cal_event_out ev = {
        .uid = uid,
        .sequence = x->gone ? x->gone->trip_seq[t] : 0,
        .start = trip->depart,
        .end = arrive_at,
        .summary = summary.s,
        .description = desc.s,
        .location = location.s,
        .lat = pl->lat,
        .lon = pl->lon,
        .has_geo = true,
        .alarm_minutes = 15,
        .alarm_text = alarm.s,
        .organizer = &x->organizer,
        .status = ics_trip_booked(plan, t) ? CAL_STATUS_CONFIRMED : CAL_STATUS_TENTATIVE,
    };
    struct cal_buf *texts[] = {&summary, &desc, &location, &alarm};
    return ics_add_event(x->w, &ev, texts, 4);
}

/* The all-day note of trip t: "Trip to …: leave by HH:MM, back about HH:MM",
 * with the day's visits in the description. */
static int add_trip_note(struct family_ctx *x, size_t t)
{
    const struct sched_case *c = x->c;
    const struct sched_trip *trip = &x->plan->trips[t];
    const i18n_catalog *cat = x->cat;
    const cal_tz *lodging_tz = sched_place_tz(c, c->family.lodging);
    char depart[160], ret[160], uid[512];
    i18n_zoned_clock(cat, trip->from_lodging ? lodging_tz : c->tz, c->tz, trip->depart, depart,
                     sizeof depart);
    i18n_zoned_clock(cat, trip->overnight_after ? lodging_tz : c->tz, c->tz, trip->ret, ret,
                     sizeof ret);

    struct cal_buf places = {0}, summary = {0}, desc = {0};
    trip_places(c, x->plan, (int)t, cat, &places);
    struct i18n_arg args[] = {
        {"places", places.s},
        {"depart", depart},
        {"return", ret},
        {"lodging", lodging_name(c)},
    };
    const char *key = trip->from_lodging && trip->overnight_after ? "note.trip.between_nights"
                      : trip->from_lodging                        ? "note.trip.from_lodging"
                      : trip->overnight_after                     ? "note.trip.overnight_after"
                                                                  : "note.trip";
    i18n_buf_add_msg(&summary, cat, key, args, 4);

    for (size_t i = 0; i < x->plan->nappts; i++) {
        const struct sched_appt *a = &x->plan->appts[i];
        if (a->trip != (int)t)
            continue;
        const struct sched_visit *v = &c->visits[a->visit];
        char when[160];
        i18n_zoned_clock(cat, sched_place_tz(c, a->place), c->tz, a->start, when, sizeof when);
        struct i18n_arg vargs[] = {{"time", when},
                                   {"provider", sched_provider_name(&c->providers[v->provider])},
                                   {"what", visit_what(c, v)}};
        if (desc.len)
            cal_buf_add(&desc, "\n");
        i18n_buf_add_msg(&desc, cat, "note.trip.visit", vargs, 3);
    }

    ics_day_uid(c, "trip", trip->day, uid, sizeof uid);
    struct cal_event_out ev = {
        .uid = uid,
        .sequence = x->gone ? x->gone->trip_seq[t] : 0,
        .all_day = true,
        .start_day = trip->day,
        .end_day = trip->day + 1,
        .start = cal_tz_local_to_utc(c->tz, trip->day, 0),
        .end = cal_tz_local_to_utc(c->tz, trip->day + 1, 0),
        .summary = summary.s,
        .description = desc.s,
        .transparent = true,
        .alarm_minutes = -1,
        .organizer = &x->organizer,
        .status = ics_trip_booked(x->plan, t) ? CAL_STATUS_CONFIRMED : CAL_STATUS_TENTATIVE,
    };
    struct cal_buf *texts[] = {&places, &summary, &desc};
    return ics_add_event(x->w, &ev, texts, 3);
}

/* The night after trip t at the lodging: from arriving there to leaving the
 * next morning (the next trip's departure, or the family's earliest
 * departure when the plan has no trip that day). */
static int add_overnight(struct family_ctx *x, size_t t)
{
    const struct sched_case *c = x->c;
    const struct sched_trip *trip = &x->plan->trips[t];
    const i18n_catalog *cat = x->cat;
    int lodging = c->family.lodging;
    cal_time end = 0;
    for (size_t k = 0; k < x->plan->ntrips; k++)
        if (x->plan->trips[k].day == trip->day + 1)
            end = x->plan->trips[k].depart;
    if (end <= trip->ret)
        end = cal_tz_local_to_utc(sched_place_tz(c, lodging), trip->day + 1,
                                  c->family.earliest_departure);
    if (end <= trip->ret)
        return 0;

    char uid[512];
    struct cal_buf summary = {0}, desc = {0}, location = {0};
    struct i18n_arg args[] = {{"lodging", lodging_name(c)}};
    i18n_buf_add_msg(&summary, cat, "event.overnight.summary", args, 1);
    i18n_buf_add_msg(&desc, cat, "event.overnight.description", args, 1);
    ics_place_text(c, lodging, cat, &location);
    ics_day_uid(c, "night", trip->day, uid, sizeof uid);
    struct cal_event_out ev = {
        .uid = uid,
        .sequence = x->gone ? x->gone->trip_seq[t] : 0,
        .start = trip->ret,
        .end = end,
        .summary = summary.s,
        .description = desc.s,
        .location = location.len ? location.s : NULL,
        .alarm_minutes = -1,
        .organizer = &x->organizer,
    };
    if (lodging >= 0 && (size_t)lodging < c->nplaces) {
        ev.lat = c->places[lodging].lat;
        ev.lon = c->places[lodging].lon;
        ev.has_geo = true;
    }
    struct cal_buf *texts[] = {&summary, &desc, &location};
    return ics_add_event(x->w, &ev, texts, 3);
}

int ics_write_family(const char *dir, const struct sched_case *c, const struct sched_plan *plan,
                     const i18n_catalog *cat, const int *seq, const struct out_withdrawn *gone,
                     cal_time now, struct careday_error *err)
{
    char path[OUT_PATH_MAX];
    snprintf(path, sizeof path, "%s/family.ics", dir);
    struct i18n_arg args[] = {{"case", c->name ? c->name : c->id}};
    char *calname = i18n_format(cat, "family.calendar.name", args, 1);
    char *caldesc = i18n_format(cat, "family.calendar.description", args, 1);
    struct cal_writer_options wo = {
        .method = "PUBLISH",
        .prodid = OUT_PRODID,
        .calname = calname,
        .caldesc = caldesc,
        .refresh_hours = 1,
        .dtstamp = now,
    };
    struct family_ctx x = {
        .c = c,
        .plan = plan,
        .cat = cat,
        .seq = seq,
        .gone = gone,
        .now = now,
        .organizer = {.name = OUT_ORGANIZER_NAME, .email = OUT_ORGANIZER_EMAIL},
    };
    int rc = 0;
    x.w = calname && caldesc ? cal_writer_new(&wo) : NULL;
    if (!x.w) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < plan->nappts && rc == 0; i++)
        rc = add_appointment(&x, i);
    if (rc == 0)
        rc = out_withdrawn_add_family(x.w, c, gone, cat, &x.organizer);
    for (size_t t = 0; t < plan->ntrips && rc == 0; t++) {
        rc = add_trip_note(&x, t);
        if (rc == 0)
            rc = add_leave(&x, t);
        if (rc == 0 && plan->trips[t].overnight_after)
            rc = add_overnight(&x, t);
    }
    rc = ics_finish(x.w, rc, "calendar", path, err);
done:
    cal_writer_free(x.w);
    free(calname);
    free(caldesc);
    return rc;
}
