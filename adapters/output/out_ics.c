/*
 * The calendars families and providers receive (DESIGN §5, docs/outputs.md):
 * OUT/family.ics, a METHOD:PUBLISH feed of every appointment plus one
 * all-day note per trip day and one event per night at the lodging, and
 * OUT/providers/<id>.ics with one provider's appointments only.
 *
 * UIDs depend on the case and visit ids only, so a re-plan keeps them;
 * SEQUENCE rises for an appointment whose start, end or mode differ from the
 * previous plan.json (--previous).
 */
#include "adapters/adapters.h"
#include "adapters/json_file.h"
#include "adapters/output/i18n.h"
#include "adapters/output/out_ics_internal.h"
#include "adapters/output/outputs.h"
#include "adapters/output/withdrawn.h"
#include "calendars/util.h"

#include <jansson.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define OUT_PRODID "-//careday//careday 0.1//EN"
#define OUT_ORGANIZER_NAME "careday"
#define OUT_ORGANIZER_EMAIL "noreply@careday.invalid"
#define OUT_PATH_MAX 4096

/* ---------------------------------------------------------------------------
 * Shared pieces of the case.
 */

static const char *visit_what(const struct sched_case *c, const struct sched_visit *v)
{
    if (v->purpose && *v->purpose)
        return v->purpose;
    const struct sched_provider *p = &c->providers[v->provider];
    if (p->specialty && *p->specialty)
        return p->specialty;
    return v->id;
}

static void place_text(const struct sched_case *c, int place, const i18n_catalog *cat,
                       struct i18n_buf *b)
{
    if (place < 0 || (size_t)place >= c->nplaces)
        return;
    const struct sched_place *pl = &c->places[place];
    if (pl->address && *pl->address) {
        struct i18n_arg args[] = {{"place", pl->name ? pl->name : pl->id},
                                  {"address", pl->address}};
        i18n_buf_add_msg(b, cat, "event.location.place", args, 2);
    } else {
        i18n_buf_add(b, pl->name ? pl->name : pl->id);
    }
}

/* The names of the places a trip goes to, in visiting order, joined as a
 * list ("A, B and C"). */
static void trip_places(const struct sched_case *c, const struct sched_plan *plan, int trip,
                        const i18n_catalog *cat, struct i18n_buf *b)
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
            i18n_buf_add(b, i18n_get(cat, k == n - 1 ? "list.last_separator" : "list.separator"));
        const struct sched_place *pl = &c->places[seen[k]];
        i18n_buf_add(b, pl->name ? pl->name : pl->id);
    }
}

static const char *lodging_name(const struct sched_case *c)
{
    int l = c->family.lodging;
    if (l < 0 || (size_t)l >= c->nplaces)
        return "";
    return c->places[l].name ? c->places[l].name : c->places[l].id;
}

static int write_text(const char *path, const char *text, struct careday_error *err)
{
    return adapt_write_atomic(path, text, strlen(text), err);
}

static int make_dir(const char *path, struct careday_error *err)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return 0;
    return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "cannot create the folder: %s",
                        strerror(errno));
}

static int serialize_to(const cal_writer *w, const char *path, struct careday_error *err)
{
    char *text = NULL;
    int rc = cal_writer_serialize(w, &text);
    if (rc)
        return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "cannot write the calendar: %s",
                            cal_strerror(rc));
    rc = write_text(path, text, err);
    free(text);
    return rc;
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

    struct i18n_buf summary = {0}, location = {0}, desc = {0}, alarm = {0};
    i18n_buf_add_msg(&summary, cat, summary_key[a->mode], args, nargs);

    if (a->mode == SCHED_IN_PERSON)
        place_text(c, a->place, cat, &location);
    else if (a->mode == SCHED_TELEHEALTH)
        i18n_buf_add_msg(&location, cat,
                         link ? "event.location.video" : "event.location.video_nolink", args,
                         nargs);
    else
        i18n_buf_add_msg(&location, cat, "event.location.home", NULL, 0);

    if (link) {
        i18n_buf_add_msg(&desc, cat, "event.description.video", args, nargs);
        i18n_buf_add(&desc, "\n");
    }
    i18n_buf_add_msg(&desc, cat, "event.description.who", args, nargs);
    i18n_buf_add(&desc, "\n");
    i18n_buf_add_msg(&desc, cat, "event.description.what", args, nargs);
    i18n_buf_add(&desc, "\n");
    i18n_buf_add_msg(&desc, cat, "event.description.when", args, nargs);
    if (a->mode == SCHED_IN_PERSON) {
        struct i18n_arg where[] = {{"where", location.s}};
        i18n_buf_add(&desc, "\n");
        i18n_buf_add_msg(&desc, cat, "event.description.where", where, 1);
    }
    if (ics_first_at_place(x->plan, index)) {
        char arrive[160];
        i18n_zoned_clock(cat, tz, c->tz, a->start - (cal_time)c->family.arrive_early_minutes * 60,
                         arrive, sizeof arrive);
        struct i18n_arg aargs[] = {{"time", arrive}};
        i18n_buf_add(&desc, "\n");
        i18n_buf_add_msg(&desc, cat, "event.description.arrive", aargs, 1);
    }
    bool nurse = (a->mode == SCHED_HOME && v->home_needs_nurse) ||
                 (a->mode == SCHED_TELEHEALTH && v->telehealth_needs_nurse);
    if (nurse) {
        i18n_buf_add(&desc, "\n");
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
    int rc = summary.oom || location.oom || desc.oom || alarm.oom ? CAL_ENOMEM
                                                                  : cal_writer_add(x->w, &ev);
    i18n_buf_free(&summary);
    i18n_buf_free(&location);
    i18n_buf_free(&desc);
    i18n_buf_free(&alarm);
    return rc;
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
    struct i18n_buf summary = {0}, desc = {0}, location = {0}, alarm = {0};
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
    place_text(c, a->place, cat, &location);
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
    int rc = summary.oom || desc.oom || location.oom || alarm.oom ? CAL_ENOMEM
                                                                  : cal_writer_add(x->w, &ev);
    i18n_buf_free(&summary);
    i18n_buf_free(&desc);
    i18n_buf_free(&location);
    i18n_buf_free(&alarm);
    return rc;
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

    struct i18n_buf places = {0}, summary = {0}, desc = {0};
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
            i18n_buf_add(&desc, "\n");
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
    int rc = places.oom || summary.oom || desc.oom ? CAL_ENOMEM : cal_writer_add(x->w, &ev);
    i18n_buf_free(&places);
    i18n_buf_free(&summary);
    i18n_buf_free(&desc);
    return rc;
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
    struct i18n_buf summary = {0}, desc = {0}, location = {0};
    struct i18n_arg args[] = {{"lodging", lodging_name(c)}};
    i18n_buf_add_msg(&summary, cat, "event.overnight.summary", args, 1);
    i18n_buf_add_msg(&desc, cat, "event.overnight.description", args, 1);
    place_text(c, lodging, cat, &location);
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
    int rc = summary.oom || desc.oom || location.oom ? CAL_ENOMEM : cal_writer_add(x->w, &ev);
    i18n_buf_free(&summary);
    i18n_buf_free(&desc);
    i18n_buf_free(&location);
    return rc;
}

static int write_family(const char *dir, const struct sched_case *c, const struct sched_plan *plan,
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
    if (rc) {
        rc = careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "cannot build the calendar: %s",
                          cal_strerror(rc));
        goto done;
    }
    rc = serialize_to(x.w, path, err);
done:
    cal_writer_free(x.w);
    free(calname);
    free(caldesc);
    return rc;
}

/* ---------------------------------------------------------------------------
 * providers/<id>.ics
 */

static int add_provider_event(cal_writer *w, const struct sched_case *c, const struct sched_appt *a,
                              const i18n_catalog *cat, const char *uid_kind, const char *uid_key,
                              int sequence, const struct cal_attendee *organizer,
                              const struct cal_attendee *attendees, size_t nattendees)
{
    const struct sched_visit *v = &c->visits[a->visit];
    const struct sched_provider *p = &c->providers[v->provider];
    const char *link = a->mode == SCHED_TELEHEALTH ? p->mode[SCHED_TELEHEALTH].link : NULL;
    if (link && !*link)
        link = NULL;
    char uid[512], length[32];
    ics_provider_uid(c, v->id, uid_kind, uid_key, uid, sizeof uid);
    i18n_duration(cat, (int)((a->end - a->start) / 60), length, sizeof length);
    static const char *const mode_key[SCHED_NMODES] = {"mode.in_person", "mode.telehealth",
                                                       "mode.home"};
    char label[256];
    out_provider_label(c, label, sizeof label);
    struct i18n_arg args[] = {
        {"case", label},
        {"what", ics_provider_what(c, v)},
        {"visit", v->id},
        {"mode", i18n_get(cat, mode_key[a->mode])},
        {"length", length},
        {"link", link},
        {"address", c->family.home_address},
    };
    const size_t nargs = sizeof args / sizeof args[0];
    struct i18n_buf summary = {0}, desc = {0}, location = {0};
    i18n_buf_add_msg(&summary, cat, "provider.summary", args, nargs);
    if (link) {
        i18n_buf_add_msg(&desc, cat, "event.description.video", args, nargs);
        i18n_buf_add(&desc, "\n");
    }
    i18n_buf_add_msg(&desc, cat, "provider.description", args, nargs);
    if (a->mode == SCHED_IN_PERSON)
        place_text(c, a->place, cat, &location);
    else if (a->mode == SCHED_TELEHEALTH)
        i18n_buf_add_msg(&location, cat,
                         link ? "event.location.video" : "event.location.video_nolink", args,
                         nargs);
    else
        i18n_buf_add_msg(&location, cat,
                         c->family.home_address ? "provider.location.home_address"
                                                : "provider.location.home",
                         args, nargs);

    struct cal_event_out ev = {
        .status = a->state == SCHED_BOOKED ? CAL_STATUS_CONFIRMED : CAL_STATUS_TENTATIVE,
        .uid = uid,
        .sequence = sequence,
        .start = a->start,
        .end = a->end,
        .summary = summary.s,
        .description = desc.s,
        .location = location.s,
        .url = link,
        .conference = link,
        .alarm_minutes = -1,
        .organizer = organizer,
        .attendees = attendees,
        .nattendees = nattendees,
    };
    int rc = summary.oom || desc.oom || location.oom ? CAL_ENOMEM : cal_writer_add(w, &ev);
    i18n_buf_free(&summary);
    i18n_buf_free(&desc);
    i18n_buf_free(&location);
    return rc;
}

/* How many of the plan's appointments are with provider pi. */
static size_t provider_appointments(const struct sched_case *c, const struct sched_plan *plan,
                                    size_t pi)
{
    size_t count = 0;
    for (size_t i = 0; i < plan->nappts; i++)
        if ((size_t)c->visits[plan->appts[i].visit].provider == pi)
            count++;
    return count;
}

/* "providers/<id>.ics" under dir, the id made safe for a file name. */
static void provider_path(const char *dir, const struct sched_provider *p, const char *suffix,
                          char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    ics_add_raw(buf, size, &len, dir);
    ics_add_raw(buf, size, &len, "/providers/");
    ics_add_id(buf, size, &len, p->id);
    ics_add_raw(buf, size, &len, suffix);
}

static int write_provider(const char *dir, const struct sched_case *c,
                          const struct sched_plan *plan, size_t pi, const i18n_catalog *cat,
                          const int *seq, const struct out_withdrawn *gone, cal_time now,
                          const char *uid_key, struct careday_error *err)
{
    const struct sched_provider *p = &c->providers[pi];
    size_t count =
        provider_appointments(c, plan, pi) + out_withdrawn_provider_count(c, gone, pi, false);
    if (count == 0)
        return 0;

    char path[OUT_PATH_MAX];
    provider_path(dir, p, ".ics", path, sizeof path);
    struct i18n_arg args[] = {{"provider", sched_provider_name(p)}};
    /* A file of one event is an appointment, not a calendar: Outlook wants
     * no X-WR-CALNAME then ([MS-OXCICAL] 2.1.3.1.1.17). */
    char *calname = count > 1 ? i18n_format(cat, "provider.calendar.name", args, 1) : NULL;
    struct cal_writer_options wo = {
        .method = "PUBLISH",
        .prodid = OUT_PRODID,
        .calname = calname,
        .refresh_hours = count > 1 ? 1 : 0,
        .dtstamp = now,
    };
    struct cal_attendee organizer = {.name = OUT_ORGANIZER_NAME, .email = OUT_ORGANIZER_EMAIL};
    int rc = 0;
    cal_writer *w = (count == 1 || calname) ? cal_writer_new(&wo) : NULL;
    if (!w) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < plan->nappts && rc == 0; i++) {
        const struct sched_appt *a = &plan->appts[i];
        const struct sched_visit *v = &c->visits[a->visit];
        if ((size_t)v->provider != pi)
            continue;
        rc = add_provider_event(w, c, a, cat, "feed", uid_key, seq[i], &organizer, NULL, 0);
    }
    if (rc == 0)
        rc = out_withdrawn_add_provider(w, c, gone, pi, false, cat, "feed", uid_key, &organizer,
                                        NULL, 0);
    if (rc) {
        rc = careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "cannot build the calendar: %s",
                          cal_strerror(rc));
        goto done;
    }
    rc = serialize_to(w, path, err);
done:
    cal_writer_free(w);
    free(calname);
    return rc;
}

/* providers/<id>-invite.ics: the same appointments as iTIP METHOD:REQUEST,
 * organised by the case's coordinator, the provider as the one attendee. */
static int write_provider_invite(const char *dir, const struct sched_case *c,
                                 const struct sched_plan *plan, size_t pi, const i18n_catalog *cat,
                                 const int *seq, cal_time now, const char *uid_key,
                                 struct careday_error *err)
{
    const struct sched_provider *p = &c->providers[pi];
    size_t count = provider_appointments(c, plan, pi);
    if (count == 0)
        return 0;
    char path[OUT_PATH_MAX];
    provider_path(dir, p, "-invite.ics", path, sizeof path);
    struct cal_writer_options wo = {.method = "REQUEST", .prodid = OUT_PRODID, .dtstamp = now};
    struct cal_attendee organizer = {.name = c->coordinator_name, .email = c->coordinator_email};
    struct cal_attendee attendee = {
        .name = sched_provider_name(p), .email = p->email, .role = "REQ-PARTICIPANT"};
    cal_writer *w = cal_writer_new(&wo);
    if (!w)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < plan->nappts && rc == 0; i++) {
        const struct sched_appt *a = &plan->appts[i];
        if ((size_t)c->visits[a->visit].provider != pi)
            continue;
        rc = add_provider_event(w, c, a, cat, "invite", uid_key, seq[i], &organizer, &attendee, 1);
    }
    if (rc)
        rc = careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "cannot build the invitation: %s",
                          cal_strerror(rc));
    else
        rc = serialize_to(w, path, err);
    cal_writer_free(w);
    return rc;
}

/* providers/<id>-cancel.ics: iTIP METHOD:CANCEL for the provider's
 * appointments that the plan no longer has (same UIDs as the invitations). */
static int write_provider_cancel(const char *dir, const struct sched_case *c, size_t pi,
                                 const i18n_catalog *cat, const struct out_withdrawn *gone,
                                 cal_time now, const char *uid_key, struct careday_error *err)
{
    const struct sched_provider *p = &c->providers[pi];
    if (out_withdrawn_provider_count(c, gone, pi, true) == 0)
        return 0;
    char path[OUT_PATH_MAX];
    provider_path(dir, p, "-cancel.ics", path, sizeof path);
    struct cal_writer_options wo = {.method = "CANCEL", .prodid = OUT_PRODID, .dtstamp = now};
    struct cal_attendee organizer = {.name = c->coordinator_name, .email = c->coordinator_email};
    struct cal_attendee attendee = {
        .name = sched_provider_name(p), .email = p->email, .role = "REQ-PARTICIPANT"};
    cal_writer *w = cal_writer_new(&wo);
    if (!w)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    int rc = out_withdrawn_add_provider(w, c, gone, pi, true, cat, "invite", uid_key, &organizer,
                                        &attendee, 1);
    if (rc)
        rc = careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "cannot build the cancellation: %s",
                          cal_strerror(rc));
    else
        rc = serialize_to(w, path, err);
    cal_writer_free(w);
    return rc;
}

int out_check_invite(const struct sched_case *c, struct careday_error *err)
{
    if (!c->coordinator_email)
        return careday_fail(err, ADAPT_EINPUT, NULL, 0, "coordinator.email",
                            "--invite needs the coordinator's e-mail address, who organises the "
                            "requests: add \"coordinator\": {\"name\": ..., \"email\": ...}");
    for (size_t i = 0; i < c->nproviders; i++)
        if (!c->providers[i].email || !*c->providers[i].email) {
            char path[64];
            snprintf(path, sizeof path, "providers[%zu].email", i);
            return careday_fail(err, ADAPT_EINPUT, NULL, 0, path,
                                "--invite needs an e-mail address for provider \"%s\"",
                                c->providers[i].id);
        }
    return 0;
}

/* ---------------------------------------------------------------------------
 * The entry point.
 */

int out_write_calendars(const char *dir, const struct sched_case *c, const struct sched_plan *plan,
                        const struct out_options *o, struct careday_error *err)
{
    struct out_options none = {0};
    if (!o)
        o = &none;
    i18n_catalog *family_cat = NULL, *provider_cat = NULL;
    int *seq = NULL;
    char path[OUT_PATH_MAX];
    struct out_withdrawn gone = {0};

    if (o->invite) {
        int irc = out_check_invite(c, err);
        if (irc)
            return irc;
    }

    const char *lang = o->lang ? o->lang : c->family.language;
    int rc = i18n_open(lang, o->messages_dir, &family_cat, err);
    if (rc)
        goto done;
    /* Provider calendars are read by clinic staff: English. */
    rc = i18n_open("en", o->messages_dir, &provider_cat, err);
    if (rc)
        goto done;
    seq = cal_calloc(plan->nappts ? plan->nappts : 1, sizeof *seq);
    if (!seq) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    rc = out_previous_sequences(o->previous_plan, c, plan, seq, err);
    if (rc == 0)
        rc = out_withdrawn_build(c, plan, o, &gone, err);
    if (rc)
        goto done;
    rc = make_dir(dir, err);
    if (rc)
        goto done;
    rc = write_family(dir, c, plan, family_cat, seq, &gone, o->now, err);
    if (rc)
        goto done;
    if (o->no_provider_files)
        goto done;
    snprintf(path, sizeof path, "%s/providers", dir);
    rc = make_dir(path, err);
    for (size_t pi = 0; pi < c->nproviders && rc == 0; pi++) {
        rc = write_provider(dir, c, plan, pi, provider_cat, seq, &gone, o->now, o->uid_key, err);
        if (rc == 0 && o->invite)
            rc =
                write_provider_invite(dir, c, plan, pi, provider_cat, seq, o->now, o->uid_key, err);
        if (rc == 0 && o->invite)
            rc = write_provider_cancel(dir, c, pi, provider_cat, &gone, o->now, o->uid_key, err);
    }
done:
    free(seq);
    out_withdrawn_free(&gone);
    i18n_free(family_cat);
    i18n_free(provider_cat);
    return rc;
}

/* ---------------------------------------------------------------------------
 * A batch: providers/<id>.ics over every family.
 */

struct batch_event {
    size_t family, appt;
    cal_time start;
};

static int cmp_batch_event(const void *a, const void *b)
{
    const struct batch_event *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return (x->appt > y->appt) - (x->appt < y->appt);
}

/* Every family's appointments with the provider `id`, into one calendar. */
static int write_batch_provider(const char *dir, const struct sched_case *const *cases,
                                struct sched_plan *const *plans, size_t n, const char *id,
                                const i18n_catalog *cat, const struct out_options *o,
                                struct batch_event *ev, struct careday_error *err)
{
    size_t count = 0;
    const struct sched_provider *prov = NULL;
    for (size_t f = 0; f < n; f++) {
        const struct sched_case *c = cases[f];
        if (!plans[f])
            continue;
        for (size_t i = 0; i < plans[f]->nappts; i++) {
            const struct sched_visit *v = &c->visits[plans[f]->appts[i].visit];
            if (strcmp(c->providers[v->provider].id, id) != 0)
                continue;
            prov = &c->providers[v->provider];
            ev[count++] = (struct batch_event){f, i, plans[f]->appts[i].start};
        }
    }
    if (count == 0)
        return 0;
    qsort(ev, count, sizeof *ev, cmp_batch_event);
    char path[OUT_PATH_MAX];
    provider_path(dir, prov, ".ics", path, sizeof path);
    struct i18n_arg args[] = {{"provider", sched_provider_name(prov)}};
    char *calname = count > 1 ? i18n_format(cat, "provider.calendar.name", args, 1) : NULL;
    struct cal_writer_options wo = {
        .method = "PUBLISH",
        .prodid = OUT_PRODID,
        .calname = calname,
        .refresh_hours = count > 1 ? 1 : 0,
        .dtstamp = o->now,
    };
    struct cal_attendee organizer = {.name = OUT_ORGANIZER_NAME, .email = OUT_ORGANIZER_EMAIL};
    int rc = 0;
    cal_writer *w = (count == 1 || calname) ? cal_writer_new(&wo) : NULL;
    if (!w) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < count && rc == 0; k++)
        rc = add_provider_event(w, cases[ev[k].family], &plans[ev[k].family]->appts[ev[k].appt],
                                cat, "feed", o->uid_key, 0, &organizer, NULL, 0);
    if (rc) {
        rc = careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "cannot build the calendar: %s",
                          cal_strerror(rc));
        goto done;
    }
    rc = serialize_to(w, path, err);
done:
    cal_writer_free(w);
    free(calname);
    return rc;
}

int out_write_provider_calendars(const char *dir, const struct sched_case *const *cases,
                                 struct sched_plan *const *plans, size_t n,
                                 const struct out_options *o, struct careday_error *err)
{
    struct out_options none = {0};
    if (!o)
        o = &none;
    i18n_catalog *cat = NULL;
    size_t total = 0;
    char path[OUT_PATH_MAX];
    for (size_t f = 0; f < n; f++)
        total += plans[f] ? plans[f]->nappts : 0;
    struct batch_event *ev = cal_malloc((total ? total : 1) * sizeof *ev);
    if (!ev)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    int rc = i18n_open("en", o->messages_dir, &cat, err);
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/providers", dir);
        rc = make_dir(path, err);
    }
    /* Each provider id once, in the order families first name it. */
    for (size_t f = 0; f < n && rc == 0; f++)
        for (size_t p = 0; p < cases[f]->nproviders && rc == 0; p++) {
            const char *id = cases[f]->providers[p].id;
            bool seen = false;
            for (size_t g = 0; g <= f && !seen; g++)
                for (size_t q = 0; q < cases[g]->nproviders && !seen; q++) {
                    if (g == f && q == p)
                        break;
                    seen = strcmp(cases[g]->providers[q].id, id) == 0;
                }
            if (!seen)
                rc = write_batch_provider(dir, cases, plans, n, id, cat, o, ev, err);
        }
    i18n_free(cat);
    free(ev);
    return rc;
}
