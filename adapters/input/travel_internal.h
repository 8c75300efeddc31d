/*
 * Private to adapters/: driving minutes between the places of a case and
 * home (adapters/travel.c). Used by the case loader and by the unit tests.
 */
#ifndef CAREDAY_ADAPTERS_TRAVEL_INTERNAL_H
#define CAREDAY_ADAPTERS_TRAVEL_INTERNAL_H

#include "scheduler/scheduler.h"

/* The case's "travel" object. */
struct adapt_travel_params {
    double detour_factor; /* road distance over great-circle distance, default 1.3 */
    double speed_kmh;     /* average driving speed, default 70 */
    int park_minutes;     /* added at every clinic arrival, default 10 */
};

void adapt_travel_params_default(struct adapt_travel_params *p);

/* Great-circle distance in km on a sphere of radius 6371 km (haversine). */
double adapt_haversine_km(double lat1, double lon1, double lat2, double lon2);

/* Driving minutes for a great-circle distance: km * detour / speed, rounded
 * to the nearest whole minute. */
int adapt_travel_geo_minutes(double km, const struct adapt_travel_params *p);

/* Fill c->travel ((nplaces + 1)^2, row-major, index nplaces is home, from the
 * places' and the family home's coordinates) and c->park_minutes.
 *
 * matrix_path, when not NULL, is a JSON file
 *   {"minutes": {"home": {"unc": 45}, "unc": {"home": 47, "rmh": 5}}}
 * whose pairs win over geometry; a pair given one way only is used both
 * ways; pairs it lacks fall back to geometry. matrix_given is the name shown
 * in messages; case_file and jpath name where the case points at it.
 * Replaces c->travel on success (caller's sched_case_free releases it). */
int adapt_travel_build(struct sched_case *c, const struct adapt_travel_params *p,
                       const char *matrix_path, const char *matrix_given, const char *case_file,
                       const char *jpath, struct careday_notes *warn, struct careday_error *err);

#endif
