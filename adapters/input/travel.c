/*
 * Driving minutes between the places of a case and home: from a matrix
 * file when one is given, else from the great-circle distance with a detour
 * factor at an average speed (docs/case-format.md, "travel").
 */
#include "adapters/json_file.h"
#include "adapters/input/travel_internal.h"
#include "adapters/adapters.h"
#include "calendars/util.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EARTH_RADIUS_KM 6371.0
/* A leg longer than a day is surely a typo. */
#define MATRIX_MAX_MINUTES 1440

void adapt_travel_params_default(struct adapt_travel_params *p)
{
    p->detour_factor = 1.3;
    p->speed_kmh = 70.0;
    p->park_minutes = 10;
}

double adapt_haversine_km(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = M_PI / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double s1 = sin(dlat / 2), s2 = sin(dlon / 2);
    double a = s1 * s1 + cos(lat1 * rad) * cos(lat2 * rad) * s2 * s2;

    if (a > 1.0)
        a = 1.0;
    return 2.0 * EARTH_RADIUS_KM * atan2(sqrt(a), sqrt(1.0 - a));
}

int adapt_travel_geo_minutes(double km, const struct adapt_travel_params *p)
{
    return (int)lround(km * p->detour_factor / p->speed_kmh * 60.0);
}

/* Index of a matrix key: a place id, or "home" (= nplaces); -1 unknown. */
static int key_index(const struct sched_case *c, const char *key)
{
    size_t i;

    if (strcmp(key, "home") == 0)
        return (int)c->nplaces;
    for (i = 0; i < c->nplaces; i++) {
        if (strcmp(c->places[i].id, key) == 0)
            return (int)i;
    }
    return -1;
}

static int matrix_bad(struct careday_error *err, const char *file, const char *path,
                      const char *case_file, const char *jpath, const char *what)
{
    return careday_fail(err, ADAPT_EINPUT, file, 0, path, "%s (travel matrix named at %s in %s)",
                        what, jpath, case_file);
}

/* The index of key ("home" or a place id) in the matrix; -1 when it is
 * neither, with what is wrong in text. */
static int matrix_key(const struct sched_case *c, const char *key, char *text, size_t size)
{
    int i = key_index(c, key);
    if (i < 0)
        snprintf(text, size,
                 "unknown place id \"%s\"; expected \"home\" or the id of a place in the case",
                 key);
    return i;
}

/* Read the matrix file into given[] (-1 where it says nothing). */
static int read_matrix(const struct sched_case *c, const char *path, const char *shown,
                       const char *case_file, const char *jpath, int *given,
                       struct careday_notes *warn, struct careday_error *err)
{
    size_t n = c->nplaces + 1;
    json_t *root, *minutes, *row, *v;
    const char *from, *to;
    char p[512], text[512];
    int rc = 0;

    if (adapt_json_file(path, "a travel matrix (JSON)", &root, err) != 0) {
        char why[sizeof err->text];
        snprintf(why, sizeof why, "%s", err ? err->text : "");
        int line = err ? err->line : 0;
        matrix_bad(err, shown, NULL, case_file, jpath, why);
        if (err)
            err->line = line;
        return ADAPT_EINPUT;
    }
    if (!json_is_object(root)) {
        rc = matrix_bad(err, shown, NULL, case_file, jpath,
                        "expected a JSON object {\"minutes\": {...}}");
        goto done;
    }
    json_object_foreach(root, from, v)
    {
        if (strcmp(from, "minutes") != 0)
            careday_notes_add(warn, shown, 0, from, "unknown field \"%s\" ignored", from);
    }
    minutes = json_object_get(root, "minutes");
    if (!json_is_object(minutes)) {
        rc = matrix_bad(err, shown, "minutes", case_file, jpath,
                        minutes ? "expected an object of rows keyed by place id or \"home\""
                                : "missing required field; expected an object of rows keyed by "
                                  "place id or \"home\"");
        goto done;
    }
    json_object_foreach(minutes, from, row)
    {
        int a = matrix_key(c, from, text, sizeof text);
        snprintf(p, sizeof p, "minutes.%s", from);
        if (a < 0) {
            rc = matrix_bad(err, shown, p, case_file, jpath, text);
            goto done;
        }
        if (!json_is_object(row)) {
            rc = matrix_bad(err, shown, p, case_file, jpath,
                            "expected an object of minutes keyed by place id or \"home\"");
            goto done;
        }
        json_object_foreach(row, to, v)
        {
            int b = matrix_key(c, to, text, sizeof text);
            json_int_t m;
            snprintf(p, sizeof p, "minutes.%s.%s", from, to);
            if (b < 0) {
                rc = matrix_bad(err, shown, p, case_file, jpath, text);
                goto done;
            }
            if (!json_is_integer(v) || (m = json_integer_value(v)) < 0 || m > MATRIX_MAX_MINUTES) {
                snprintf(text, sizeof text, "expected whole minutes from 0 to %d",
                         MATRIX_MAX_MINUTES);
                rc = matrix_bad(err, shown, p, case_file, jpath, text);
                goto done;
            }
            if (a == b) {
                if (m != 0)
                    careday_notes_add(warn, shown, 0, p,
                                      "ignored: travel from a place to itself is 0 minutes");
                continue;
            }
            given[(size_t)a * n + (size_t)b] = (int)m;
        }
    }
done:
    json_decref(root);
    return rc;
}

int adapt_travel_build(struct sched_case *c, const struct adapt_travel_params *p,
                       const char *matrix_path, const char *matrix_given, const char *case_file,
                       const char *jpath, struct careday_notes *warn, struct careday_error *err)
{
    size_t n = c->nplaces + 1, a, b;
    int *given = NULL, *m = NULL;
    int rc = 0;

    given = cal_malloc(n * n * sizeof *given);
    m = cal_malloc(n * n * sizeof *m);
    if (!given || !m) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (a = 0; a < n * n; a++)
        given[a] = -1;
    if (matrix_path && (rc = read_matrix(c, matrix_path, matrix_given ? matrix_given : matrix_path,
                                         case_file ? case_file : "",
                                         jpath ? jpath : "travel.matrix", given, warn, err)))
        goto done;
    for (a = 0; a < n; a++) {
        double lat1 = a < c->nplaces ? c->places[a].lat : c->family.lat;
        double lon1 = a < c->nplaces ? c->places[a].lon : c->family.lon;
        for (b = 0; b < n; b++) {
            double lat2 = b < c->nplaces ? c->places[b].lat : c->family.lat;
            double lon2 = b < c->nplaces ? c->places[b].lon : c->family.lon;
            int *cell = &m[a * n + b];
            if (a == b)
                *cell = 0;
            else if (given[a * n + b] >= 0)
                *cell = given[a * n + b];
            else if (given[b * n + a] >= 0)
                *cell = given[b * n + a];
            else
                *cell = adapt_travel_geo_minutes(adapt_haversine_km(lat1, lon1, lat2, lon2), p);
        }
    }
    free(c->travel);
    c->travel = m;
    c->park_minutes = p->park_minutes;
    m = NULL;
done:
    free(given);
    free(m);
    return rc;
}
