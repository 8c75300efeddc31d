/*
 * The previous plan (--previous OLD/plan.json) as re-planning reads it:
 * every appointment with its visit, provider, place, mode, times, state and
 * SEQUENCE.
 */
#include "adapters/adapters.h"
#include "adapters/json_file.h"
#include "calendars/util.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
    return s ? cal_strdup(s) : NULL;
}

int adapt_previous_load(const char *path, struct sched_case *c, struct careday_error *err)
{
    char where[80];
    json_t *root = NULL;
    int rc = adapt_json_file(path, "the plan.json of an earlier plan (--previous)", &root, err);

    if (rc)
        return rc;
    json_t *appts = json_object_get(root, "appointments");
    if (!json_is_array(appts)) {
        json_decref(root);
        return careday_fail(err, ADAPT_EINPUT, path, 0, "appointments",
                            "expected the array of appointments of a careday plan.json");
    }
    size_t n = json_array_size(appts);
    struct sched_prev_appt *v = cal_calloc(n ? n : 1, sizeof *v);
    if (!v) {
        json_decref(root);
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    }
    size_t got = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_array_get(appts, i);
        json_t *state = json_object_get(a, "state");
        json_t *seq = json_object_get(a, "sequence");
        struct sched_prev_appt *p = &v[got];
        const char *visit = NULL;
        const char *bad = adapt_plan_appt(a, &visit, &p->mode, &p->start, &p->end);
        if (!bad && p->end <= p->start)
            bad = "end";
        if (!bad && state && sched_state_parse(json_string_value(state), &p->state) != 0)
            bad = "state";
        if (!bad && seq && !json_is_integer(seq))
            bad = "sequence";
        /* SEQUENCE is a 32-bit integer in iCalendar and a moved appointment
         * gets one more: the largest usable earlier value is INT_MAX - 1. */
        if (!bad && seq && (json_integer_value(seq) < 0 || json_integer_value(seq) > INT_MAX - 1)) {
            snprintf(where, sizeof where, "appointments[%zu].sequence", i);
            rc = careday_fail(err, ADAPT_EINPUT, path, 0, where,
                              "expected a sequence from 0 to %d, found %" JSON_INTEGER_FORMAT,
                              INT_MAX - 1, json_integer_value(seq));
            break;
        }
        if (bad) {
            snprintf(where, sizeof where, "appointments[%zu].%s", i, bad);
            rc = careday_fail(err, ADAPT_EINPUT, path, 0, where,
                              "expected a visit id, a mode (in_person, telehealth, home), RFC "
                              "3339 start and end (end after start), an optional state "
                              "(proposed or booked) and an optional integer sequence");
            break;
        }
        /* SEQUENCE is a 32-bit integer in iCalendar and a changed appointment
         * gets one more: the largest usable earlier value is INT_MAX - 1. */
        json_int_t sv = seq ? json_integer_value(seq) : 0;
        if (sv < 0 || sv > INT_MAX - 1) {
            snprintf(where, sizeof where, "appointments[%zu].sequence", i);
            rc = careday_fail(err, ADAPT_EINPUT, path, 0, where,
                              "expected a sequence from 0 to %d, found %" JSON_INTEGER_FORMAT,
                              INT_MAX - 1, sv);
            break;
        }
        p->visit = -1;
        p->sequence = (int)sv;
        p->visit_id = cal_strdup(visit);
        p->provider_id = dup_or_null(json_string_value(json_object_get(a, "provider")));
        p->place_id = dup_or_null(json_string_value(json_object_get(a, "place")));
        got++;
        if (!p->visit_id) {
            rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
            break;
        }
    }
    json_decref(root);
    if (rc) {
        for (size_t i = 0; i < got; i++) {
            free(v[i].visit_id);
            free(v[i].provider_id);
            free(v[i].place_id);
        }
        free(v);
        return rc;
    }
    c->previous = v;
    c->nprevious = got;
    return 0;
}
