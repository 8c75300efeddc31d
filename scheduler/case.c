/* The case: names, defaults, validation and release. */
#include "scheduler/sched_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const mode_names[SCHED_NMODES] = {"in_person", "telehealth", "home"};

const char *sched_mode_name(enum sched_mode m)
{
    return (unsigned)m < SCHED_NMODES ? mode_names[m] : "unknown";
}

int sched_mode_parse(const char *s, enum sched_mode *out)
{
    for (int i = 0; i < SCHED_NMODES; i++)
        if (s && strcmp(s, mode_names[i]) == 0) {
            *out = (enum sched_mode)i;
            return SCHED_OK;
        }
    return SCHED_EINVAL;
}

const char *sched_status_name(enum sched_status s)
{
    switch (s) {
    case SCHED_STATUS_OPTIMAL:
        return "optimal";
    case SCHED_STATUS_FEASIBLE:
        return "feasible";
    case SCHED_STATUS_PARTIAL:
        return "partial";
    }
    return "unknown";
}

void sched_weights_default(struct sched_weights *w)
{
    w->unscheduled = 100000;
    w->trip = 600;
    w->travel_minute = 1;
    w->in_person = 120;
    w->overnight = 300;
    w->late_minute = 0;
    w->moved = 200;
    w->moved_booked = 20000;
    w->moved_proposed = 300;
    w->shifted = 10;
}

void sched_options_init(struct sched_options *o)
{
    memset(o, 0, sizeof(*o));
    o->time_limit_s = 60;
}

int sched_travel(const struct sched_case *c, int a, int b)
{
    int n = (int)c->nplaces + 1;
    if (a < 0)
        a = (int)c->nplaces;
    if (b < 0)
        b = (int)c->nplaces;
    if (a >= n || b >= n || !c->travel)
        return 0;
    return c->travel[a * n + b];
}

int sched_reach(const struct sched_case *c, int a, int b)
{
    return sched_travel(c, a, b) + c->park_minutes + c->family.arrive_early_minutes;
}

const cal_tz *sched_place_tz(const struct sched_case *c, int place)
{
    if (place >= 0 && (size_t)place < c->nplaces && c->places[place].tz)
        return c->places[place].tz;
    return c->tz;
}

const char *sched_provider_name(const struct sched_provider *p)
{
    return p->name && *p->name ? p->name : p->id;
}

int sched_partner(const struct sched_case *c, int v)
{
    if (c->visits[v].same_day_as >= 0)
        return c->visits[v].same_day_as;
    for (size_t u = 0; u < c->nvisits; u++)
        if (c->visits[u].same_day_as == v)
            return (int)u;
    return -1;
}

void sched_case_free(struct sched_case *c)
{
    if (!c)
        return;
    free(c->id);
    free(c->name);
    free(c->coordinator_name);
    free(c->coordinator_email);
    free(c->timezone);
    cal_tz_free(c->tz);
    free(c->family.id);
    free(c->family.language);
    free(c->family.provider_label);
    free(c->family.home_address);
    cal_set_free(&c->family.busy);
    cal_set_free(&c->nursing);
    for (size_t i = 0; i < c->nplaces; i++) {
        struct sched_place *p = &c->places[i];
        free(p->id);
        free(p->name);
        free(p->address);
        free(p->phone);
        free(p->directions);
        free(p->timezone);
        cal_tz_free(p->tz);
    }
    free(c->places);
    free(c->travel);
    for (size_t i = 0; i < c->nproviders; i++) {
        struct sched_provider *p = &c->providers[i];
        free(p->id);
        free(p->name);
        free(p->specialty);
        free(p->phone);
        free(p->email);
        for (int m = 0; m < SCHED_NMODES; m++) {
            cal_set_free(&p->mode[m].free);
            free(p->mode[m].link);
        }
    }
    free(c->providers);
    for (size_t i = 0; i < c->nvisits; i++) {
        free(c->visits[i].id);
        free(c->visits[i].before);
        free(c->visits[i].purpose);
        free(c->visits[i].avoid);
        free(c->visits[i].prepare);
    }
    free(c->visits);
    free(c->family.avoid);
    for (size_t i = 0; i < c->nprevious; i++) {
        free(c->previous[i].visit_id);
        free(c->previous[i].provider_id);
        free(c->previous[i].place_id);
    }
    free(c->previous);
    memset(c, 0, sizeof(*c));
}

int sched_case_validate(const struct sched_case *c, struct careday_error *err)
{
    if (!c->tz)
        return careday_fail(err, SCHED_EINVAL, NULL, 0, "timezone", "the case has no time zone");
    if (c->horizon_end < c->horizon_start)
        return careday_fail(err, SCHED_EINVAL, NULL, 0, "horizon.end",
                            "the horizon ends before it starts");
    if (c->horizon_end - c->horizon_start > 400)
        return careday_fail(err, SCHED_EINVAL, NULL, 0, "horizon",
                            "the horizon is longer than 400 days; plan in shorter periods");
    const struct sched_family *f = &c->family;
    if (f->earliest_departure < 0 || f->latest_return > 24 * 60 ||
        f->latest_return <= f->earliest_departure)
        return careday_fail(err, SCHED_EINVAL, NULL, 0, "family.day",
                            "latest_return must come after earliest_departure");
    if (f->overnight_allowed && f->lodging >= 0 && (size_t)f->lodging >= c->nplaces)
        return careday_fail(err, SCHED_EINVAL, NULL, 0, "family.overnight.lodging",
                            "unknown lodging place");
    for (size_t i = 0; i < c->nproviders; i++) {
        const struct sched_provider *p = &c->providers[i];
        const struct sched_provider_mode *ip = &p->mode[SCHED_IN_PERSON];
        if (ip->offered && (ip->place < 0 || (size_t)ip->place >= c->nplaces))
            return careday_fail(err, SCHED_EINVAL, NULL, 0, NULL,
                                "provider %s: in-person mode has no valid place", p->id);
    }
    for (size_t i = 0; i < c->nvisits; i++) {
        const struct sched_visit *v = &c->visits[i];
        if (v->provider < 0 || (size_t)v->provider >= c->nproviders)
            return careday_fail(err, SCHED_EINVAL, NULL, 0, NULL, "visit %s: unknown provider",
                                v->id);
        if (v->minutes <= 0 || v->minutes > 24 * 60)
            return careday_fail(err, SCHED_EINVAL, NULL, 0, NULL,
                                "visit %s: minutes must be between 1 and 1440", v->id);
        if (!v->modes || v->nmodes <= 0)
            return careday_fail(err, SCHED_EINVAL, NULL, 0, NULL, "visit %s: no mode", v->id);
        for (int k = 0; k < v->nmodes; k++)
            if (!c->providers[v->provider].mode[v->order[k]].offered)
                return careday_fail(err, SCHED_EINVAL, NULL, 0, NULL,
                                    "visit %s: provider %s does not offer %s visits", v->id,
                                    c->providers[v->provider].id, sched_mode_name(v->order[k]));
        if (v->same_day_as >= (int)c->nvisits)
            return careday_fail(err, SCHED_EINVAL, NULL, 0, NULL,
                                "visit %s: unknown same_day_as visit", v->id);
        for (size_t k = 0; k < v->nbefore; k++)
            if (v->before[k].visit < 0 || (size_t)v->before[k].visit >= c->nvisits ||
                v->before[k].visit == (int)i)
                return careday_fail(err, SCHED_EINVAL, NULL, 0, NULL,
                                    "visit %s: invalid `before` visit", v->id);
        if (!v->booked && v->latest < v->earliest)
            return careday_fail(err, SCHED_EINVAL, NULL, 0, NULL,
                                "visit %s: window ends before it starts", v->id);
    }
    return SCHED_OK;
}
