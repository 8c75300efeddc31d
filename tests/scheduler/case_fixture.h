/*
 * Small cases built in code for the scheduler's tests, and the helpers that
 * plan them. Include after the standard headers and cmocka.
 *
 * Common set-up: America/New_York, horizon Tue 2026-12-01 .. Mon 2026-12-14,
 * family day 07:00-19:00, min gap 10, clinics "P<i>" (travel filled by the
 * test), every provider in person at P0 unless the test moves it.
 */
#ifndef CAREDAY_TESTS_CASE_FIXTURE_H
#define CAREDAY_TESTS_CASE_FIXTURE_H

#include "scheduler/scheduler.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline char *dup(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    strcpy(d, s);
    return d;
}

static inline int32_t D(int month, int day)
{
    return cal_days_from_civil(month == 1 ? 2027 : 2026, month, day);
}

static inline cal_time T(const struct sched_case *c, int month, int day, int hh, int mm)
{
    return cal_tz_local_to_utc(c->tz, D(month, day), hh * 60 + mm);
}

/* A case with nplaces clinics (plus optional lodging) and nprov providers,
 * provider i at place i % nclinics. travel[a][b] filled by the caller. */
static inline struct sched_case *new_case(int nplaces, int nprov)
{
    struct sched_case *c = calloc(1, sizeof(*c));
    c->id = dup("t");
    c->name = dup("test case");
    c->timezone = dup("America/New_York");
    assert_int_equal(cal_tz_open("America/New_York", &c->tz, NULL), 0);
    c->horizon_start = D(12, 1);
    c->horizon_end = D(12, 14);
    c->family.id = dup("fam");
    c->family.language = dup("en");
    c->family.earliest_departure = 7 * 60;
    c->family.latest_return = 19 * 60;
    c->family.min_gap_minutes = 10;
    c->family.telehealth_ready = true;
    c->family.lodging = -1;
    c->nplaces = (size_t)nplaces;
    c->places = calloc((size_t)nplaces, sizeof(*c->places));
    for (int i = 0; i < nplaces; i++) {
        char id[16];
        snprintf(id, sizeof id, "P%d", i);
        c->places[i].id = dup(id);
        c->places[i].name = dup(id);
    }
    c->travel = calloc((size_t)(nplaces + 1) * (nplaces + 1), sizeof(int));
    c->park_minutes = 10;
    c->nproviders = (size_t)nprov;
    c->providers = calloc((size_t)nprov, sizeof(*c->providers));
    for (int i = 0; i < nprov; i++) {
        char id[16];
        snprintf(id, sizeof id, "dr%d", i);
        c->providers[i].id = dup(id);
        c->providers[i].name = dup(id);
        c->providers[i].capacity = 1;
        for (int m = 0; m < SCHED_NMODES; m++)
            c->providers[i].mode[m].place = -1;
        c->providers[i].mode[SCHED_IN_PERSON].offered = true;
        c->providers[i].mode[SCHED_IN_PERSON].place = 0;
    }
    sched_weights_default(&c->weights);
    return c;
}

static inline void set_travel(struct sched_case *c, int a, int b, int minutes)
{
    int n = (int)c->nplaces + 1;
    if (a < 0)
        a = (int)c->nplaces;
    if (b < 0)
        b = (int)c->nplaces;
    c->travel[a * n + b] = minutes;
    c->travel[b * n + a] = minutes;
}

/* Weekday hours [h0, h1) for a provider mode on every weekday of the horizon. */
static inline void weekday_hours(struct sched_case *c, int prov, enum sched_mode m, int h0, int h1)
{
    struct sched_provider_mode *pm = &c->providers[prov].mode[m];
    pm->offered = true;
    for (int32_t d = c->horizon_start; d <= c->horizon_end; d++)
        if (cal_weekday(d) < 5)
            cal_set_add(&pm->free, cal_tz_local_to_utc(c->tz, d, h0 * 60),
                        cal_tz_local_to_utc(c->tz, d, h1 * 60));
}

static inline void day_hours(struct sched_case *c, int prov, enum sched_mode m, int32_t day, int h0,
                             int h1)
{
    struct sched_provider_mode *pm = &c->providers[prov].mode[m];
    pm->offered = true;
    cal_set_add(&pm->free, cal_tz_local_to_utc(c->tz, day, h0 * 60),
                cal_tz_local_to_utc(c->tz, day, h1 * 60));
}

static inline struct sched_visit *add_visit(struct sched_case *c, const char *id, int prov,
                                            int minutes, int32_t earliest, int32_t latest)
{
    c->visits = realloc(c->visits, (c->nvisits + 1) * sizeof(*c->visits));
    struct sched_visit *v = &c->visits[c->nvisits++];
    memset(v, 0, sizeof(*v));
    v->id = dup(id);
    v->provider = prov;
    v->minutes = minutes;
    v->earliest = earliest;
    v->latest = latest;
    v->modes = 1u << SCHED_IN_PERSON;
    v->order[0] = SCHED_IN_PERSON;
    v->nmodes = 1;
    v->prefer = SCHED_IN_PERSON;
    v->priority_factor = 1;
    v->same_day_as = -1;
    return v;
}

static inline void allow_mode(struct sched_visit *v, enum sched_mode m)
{
    v->modes |= 1u << m;
    v->order[v->nmodes++] = m;
}

static inline void free_case(struct sched_case *c)
{
    sched_case_free(c);
    free(c);
}

static inline struct sched_plan *plan_with(struct sched_case *c, enum sched_model model)
{
    struct sched_plan *p = NULL;
    struct careday_error err;
    struct careday_notes warn = {0};
    struct sched_options o;
    sched_options_init(&o);
    o.time_limit_s = 60;
    o.model = model;
    int rc = sched_plan_case(c, &o, &p, &warn, &err);
    if (rc)
        fprintf(stderr, "plan failed: %s\n", err.text);
    assert_int_equal(rc, 0);
    careday_notes_free(&warn);
    return p;
}

/* The plan by trip days (the default), cross-checked against the
 * time-indexed model: both proven optimal, with the same objective. */
static inline struct sched_plan *plan(struct sched_case *c)
{
    struct sched_plan *p = plan_with(c, SCHED_MODEL_DAYS);
    struct sched_plan *t = plan_with(c, SCHED_MODEL_TIME);
    assert_int_equal(p->status, SCHED_STATUS_OPTIMAL);
    assert_int_equal(t->status, SCHED_STATUS_OPTIMAL);
    assert_true(fabs(p->objective - t->objective) < 1e-6);
    sched_plan_free(t);
    return p;
}

static inline struct sched_plan *baseline(struct sched_case *c)
{
    struct sched_plan *p = NULL;
    struct careday_error err;
    assert_int_equal(sched_baseline(c, &p, &err), 0);
    return p;
}

static inline const struct sched_appt *appt_of(const struct sched_plan *p, int visit)
{
    for (size_t i = 0; i < p->nappts; i++)
        if (p->appts[i].visit == visit)
            return &p->appts[i];
    return NULL;
}

#endif
