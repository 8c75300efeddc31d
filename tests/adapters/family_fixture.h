/*
 * The family both output tests plan for, built in code: places, providers,
 * visits and a plan with a trip, a night at the lodging, a video visit and a
 * home visit. Shared by test_out_ics.c and test_itinerary.c; include after
 * the standard headers and cmocka.
 */
#ifndef CAREDAY_TESTS_FAMILY_FIXTURE_H
#define CAREDAY_TESTS_FAMILY_FIXTURE_H

#include "adapters/output/outputs.h"
#include "scheduler/scheduler.h"

#define MESSAGES CAREDAY_LOCALEDIR

/* ---------------------------------------------------------------------------
 * The fixture: one family, four providers, three places and a lodging.
 *
 *   Tue 2026-12-08  trip to the clinic: neuro-fu 9:00, cbc 10:00; night at RMH
 *   Wed 2026-12-09  from RMH to the eye center: eye-exam 9:30; home by 13:30
 *   Tue 2026-12-15  video visit pulm-video 14:30
 *   Fri 2026-12-18  home draw lab-home 10:00
 *   gi-fu could not be placed.
 */

enum { P_CLINIC, P_EYE, P_RMH, NPLACES };
enum { PR_NEURO, PR_OPHTHO, PR_PHLEB, PR_PULM, PR_GI, NPROVIDERS };
enum { V_NEURO, V_CBC, V_EYE, V_PULM, V_HOME, V_GI, NVISITS };

static inline char *sdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static inline int32_t day_of(const char *date)
{
    int32_t d = 0;
    assert_int_equal(cal_parse_date(date, &d), 0);
    return d;
}

static inline cal_time at(const struct sched_case *c, const char *date, int hour, int minute)
{
    return cal_tz_local_to_utc(c->tz, day_of(date), hour * 60 + minute);
}

static inline void place(struct sched_place *p, const char *id, const char *name,
                         const char *address, bool lodging)
{
    p->id = sdup(id);
    p->name = sdup(name);
    p->address = sdup(address);
    p->lat = 35.9;
    p->lon = -79.05;
    p->lodging = lodging;
}

static inline void provider(struct sched_provider *p, const char *id, const char *name,
                            const char *specialty, const char *phone, int place, const char *link)
{
    p->id = sdup(id);
    p->name = sdup(name);
    p->specialty = sdup(specialty);
    p->phone = sdup(phone);
    p->capacity = 1;
    p->mode[SCHED_IN_PERSON].offered = place >= 0;
    p->mode[SCHED_IN_PERSON].place = place;
    p->mode[SCHED_TELEHEALTH].offered = link != NULL;
    p->mode[SCHED_TELEHEALTH].place = -1;
    p->mode[SCHED_TELEHEALTH].link = sdup(link);
    p->mode[SCHED_HOME].place = -1;
}

static inline void visit(struct sched_visit *v, const char *id, int provider, int minutes,
                         enum sched_mode mode, const char *purpose)
{
    v->id = sdup(id);
    v->provider = provider;
    v->minutes = minutes;
    v->modes = 1u << mode;
    v->order[0] = mode;
    v->nmodes = 1;
    v->prefer = mode;
    v->priority_factor = 1;
    v->same_day_as = -1;
    v->purpose = sdup(purpose);
}

static inline void build_case(struct sched_case *c, const char *lang)
{
    memset(c, 0, sizeof *c);
    c->id = sdup("rivera-ana");
    c->name = sdup("Ana \xE2\x80\x94 winter follow-ups");
    c->timezone = sdup("America/New_York");
    assert_int_equal(cal_tz_open(c->timezone, &c->tz, NULL), 0);
    c->horizon_start = day_of("2026-12-01");
    c->horizon_end = day_of("2027-01-29");
    c->family.id = sdup("rivera");
    c->family.language = sdup(lang);
    c->family.earliest_departure = 7 * 60;
    c->family.latest_return = 19 * 60 + 30;
    c->family.overnight_allowed = true;
    c->family.lodging = P_RMH;
    c->family.max_nights = 2;

    c->nplaces = NPLACES;
    c->places = calloc(NPLACES, sizeof *c->places);
    place(&c->places[P_CLINIC], "unc", "Children's Specialty Clinic",
          "101 Manning Dr, Chapel Hill NC", false);
    place(&c->places[P_EYE], "duke-eye", "Duke Eye Center", "2351 Erwin Rd, Durham NC", false);
    place(&c->places[P_RMH], "rmh", "Ronald McDonald House", "101 Old Mason Farm Rd, Chapel Hill",
          true);

    c->nproviders = NPROVIDERS;
    c->providers = calloc(NPROVIDERS, sizeof *c->providers);
    provider(&c->providers[PR_NEURO], "neuro", "Dr. Maya Lee", "Neurology", "919-555-0101",
             P_CLINIC, "https://video.example.org/neuro");
    provider(&c->providers[PR_OPHTHO], "ophtho", "Dr. Omar Haddad", "Ophthalmology", NULL, P_EYE,
             NULL);
    provider(&c->providers[PR_PHLEB], "phlebotomy", "Outpatient Lab", "Laboratory", NULL, P_CLINIC,
             NULL);
    c->providers[PR_PHLEB].mode[SCHED_HOME].offered = true;
    provider(&c->providers[PR_PULM], "pulm", "Dr. Rosa Vidal", "Pulmonology", NULL, -1,
             "https://video.example.org/pulm?room=7&lang=es");
    provider(&c->providers[PR_GI], "gastro", "Dr. Ken Ito", "Gastroenterology", "+1 (919) 555-0199",
             P_CLINIC, NULL);

    c->nvisits = NVISITS;
    c->visits = calloc(NVISITS, sizeof *c->visits);
    visit(&c->visits[V_NEURO], "neuro-fu", PR_NEURO, 40, SCHED_IN_PERSON, "Seizure follow-up");
    visit(&c->visits[V_CBC], "cbc", PR_PHLEB, 20, SCHED_IN_PERSON, "Blood count");
    visit(&c->visits[V_EYE], "eye-exam", PR_OPHTHO, 45, SCHED_IN_PERSON, "Eye exam");
    visit(&c->visits[V_PULM], "pulm-video", PR_PULM, 30, SCHED_TELEHEALTH, "Breathing check");
    visit(&c->visits[V_HOME], "lab-home", PR_PHLEB, 20, SCHED_HOME, "Home blood draw");
    c->visits[V_HOME].home_needs_nurse = true;
    visit(&c->visits[V_GI], "gi-fu", PR_GI, 30, SCHED_IN_PERSON, "Feeding tube check");
    for (size_t i = 0; i < NVISITS; i++) {
        c->visits[i].earliest = c->horizon_start;
        c->visits[i].latest = c->horizon_end;
    }
}

static inline void appt(struct sched_plan *p, const struct sched_case *c, int v,
                        enum sched_mode mode, const char *date, int h, int m, int place, int trip)
{
    struct sched_appt *a = &p->appts[p->nappts++];
    a->visit = v;
    a->mode = mode;
    a->start = at(c, date, h, m);
    a->end = a->start + 60 * c->visits[v].minutes;
    a->place = place;
    a->trip = trip;
}

static inline struct sched_plan *build_plan(const struct sched_case *c)
{
    struct sched_plan *p = calloc(1, sizeof *p);
    p->status = SCHED_STATUS_OPTIMAL;
    p->appts = calloc(8, sizeof *p->appts);
    appt(p, c, V_NEURO, SCHED_IN_PERSON, "2026-12-08", 9, 0, P_CLINIC, 0);
    appt(p, c, V_CBC, SCHED_IN_PERSON, "2026-12-08", 10, 0, P_CLINIC, 0);
    appt(p, c, V_EYE, SCHED_IN_PERSON, "2026-12-09", 9, 30, P_EYE, 1);
    appt(p, c, V_PULM, SCHED_TELEHEALTH, "2026-12-15", 14, 30, -1, -1);
    appt(p, c, V_HOME, SCHED_HOME, "2026-12-18", 10, 0, -1, -1);

    p->ntrips = 2;
    p->trips = calloc(2, sizeof *p->trips);
    p->trips[0] = (struct sched_trip){.day = day_of("2026-12-08"),
                                      .depart = at(c, "2026-12-08", 7, 45),
                                      .ret = at(c, "2026-12-08", 16, 0),
                                      .first_place = P_CLINIC,
                                      .last_place = P_CLINIC,
                                      .nvisits = 2,
                                      .travel_minutes = 75,
                                      .overnight_after = true};
    p->trips[1] = (struct sched_trip){.day = day_of("2026-12-09"),
                                      .depart = at(c, "2026-12-09", 8, 50),
                                      .ret = at(c, "2026-12-09", 13, 30),
                                      .first_place = P_EYE,
                                      .last_place = P_EYE,
                                      .nvisits = 1,
                                      .travel_minutes = 80,
                                      .from_lodging = true};
    p->nunscheduled = 1;
    p->unscheduled = calloc(1, sizeof *p->unscheduled);
    p->unscheduled[0].visit = V_GI;
    p->unscheduled[0].code = SCHED_REASON_NO_PROVIDER_TIME;
    p->unscheduled[0].other = -1;
    p->unscheduled[0].from = cal_days_from_civil(2026, 12, 1);
    p->unscheduled[0].to = cal_days_from_civil(2026, 12, 31);
    p->metrics = (struct sched_metrics){.trips = 2,
                                        .in_person = 3,
                                        .telehealth = 1,
                                        .home = 1,
                                        .travel_minutes = 155,
                                        .overnights = 1,
                                        .unscheduled = 1,
                                        .days_with_care = 4};
    return p;
}

#endif
