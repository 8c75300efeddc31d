/*
 * SEQUENCE across re-plans (--previous OLD/plan.json): an appointment keeps
 * its number while unchanged and gets one more when it moves or changes mode.
 * plan.json records the number, so it keeps rising over successive re-plans.
 */
#include "adapters/adapters.h"
#include "adapters/json_file.h"
#include "adapters/output/outputs.h"
#include "adapters/output/withdrawn.h"
#include "calendars/util.h"

#include <jansson.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUT_MAX_SEQUENCE (INT_MAX - 1) /* see prev_load */

/* ---------------------------------------------------------------------------
 * The previous plan (--previous): visit -> mode, start, end, sequence.
 */

struct prev_appt {
    const char *visit; /* borrowed from root */
    enum sched_mode mode;
    cal_time start, end;
    int sequence;
};

struct prev_plan {
    json_t *root;
    struct prev_appt *v;
    size_t n;
};

static void prev_free(struct prev_plan *p)
{
    json_decref(p->root);
    free(p->v);
    memset(p, 0, sizeof *p);
}

static int prev_load(const char *path, struct prev_plan *out, struct careday_error *err)
{
    char where[64];
    memset(out, 0, sizeof *out);
    int rc =
        adapt_json_file(path, "the plan.json of an earlier plan (--previous)", &out->root, err);
    if (rc)
        return rc;
    json_t *appts = json_object_get(out->root, "appointments");
    if (!json_is_array(appts)) {
        prev_free(out);
        return careday_fail(err, ADAPT_EINPUT, path, 0, "appointments",
                            "expected the array of appointments of a careday plan.json");
    }
    size_t n = json_array_size(appts);
    out->v = cal_calloc(n ? n : 1, sizeof *out->v);
    if (!out->v) {
        prev_free(out);
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_array_get(appts, i);
        json_t *seq = json_object_get(a, "sequence");
        struct prev_appt *p = &out->v[out->n];
        const char *visit = NULL;
        const char *bad = adapt_plan_appt(a, &visit, &p->mode, &p->start, &p->end);
        if (!bad && seq && !json_is_integer(seq))
            bad = "sequence";
        if (bad) {
            snprintf(where, sizeof where, "appointments[%zu].%s", i, bad);
            prev_free(out);
            return careday_fail(err, ADAPT_EINPUT, path, 0, where,
                                "expected a visit id, a mode, RFC 3339 start and end, and an "
                                "optional integer sequence");
        }
        /* SEQUENCE is a 32-bit integer in iCalendar and a moved appointment
         * gets one more: the largest usable earlier value is INT_MAX - 1. */
        json_int_t sv = seq ? json_integer_value(seq) : 0;
        if (sv < 0 || sv > OUT_MAX_SEQUENCE) {
            snprintf(where, sizeof where, "appointments[%zu].sequence", i);
            prev_free(out);
            return careday_fail(err, ADAPT_EINPUT, path, 0, where,
                                "expected a sequence from 0 to %d, found %" JSON_INTEGER_FORMAT,
                                OUT_MAX_SEQUENCE, sv);
        }
        p->visit = visit;
        p->sequence = (int)sv;
        out->n++;
    }
    return 0;
}

/* SEQUENCE of an appointment: 0 when new, the previous one when unchanged,
 * one more when it moved or changed mode. */
static int sequence_of(const struct prev_plan *prev, const char *visit, const struct sched_appt *a)
{
    for (size_t i = 0; i < prev->n; i++) {
        const struct prev_appt *p = &prev->v[i];
        if (strcmp(p->visit, visit) != 0)
            continue;
        bool same = p->start == a->start && p->end == a->end && p->mode == a->mode;
        return same ? p->sequence : p->sequence + 1;
    }
    return 0;
}

/* The SEQUENCE of every appointment of plan (seq[i] for plan->appts[i])
 * against the earlier plan.json at previous_plan; all 0 when it is NULL.
 * plan.json records the same numbers as "sequence", so they keep rising over
 * successive re-plans. */
int out_previous_sequences(const char *previous_plan, const struct sched_case *c,
                           const struct sched_plan *plan, int *seq, struct careday_error *err)
{
    struct prev_plan prev;
    for (size_t i = 0; i < plan->nappts; i++)
        seq[i] = 0;
    if (!previous_plan)
        return 0;
    if (c->previous) {
        /* Read by re-planning (adapt_previous_load) with each appointment's
         * state: confirming one (TENTATIVE to CONFIRMED) is a change too. */
        for (size_t i = 0; i < plan->nappts; i++) {
            const struct sched_appt *a = &plan->appts[i];
            for (size_t k = 0; k < c->nprevious; k++) {
                const struct sched_prev_appt *q = &c->previous[k];
                if (q->visit != a->visit)
                    continue;
                bool same = q->start == a->start && q->end == a->end && q->mode == a->mode &&
                            q->state == a->state;
                seq[i] = same ? q->sequence : q->sequence + 1;
                break;
            }
        }
        return out_withdrawn_raise_sequences(previous_plan, c, plan, seq, err);
    }
    int rc = prev_load(previous_plan, &prev, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < plan->nappts; i++)
        seq[i] = sequence_of(&prev, c->visits[plan->appts[i].visit].id, &plan->appts[i]);
    prev_free(&prev);
    return out_withdrawn_raise_sequences(previous_plan, c, plan, seq, err);
}
