/*
 * OUT/plan.json (DESIGN §5, docs/cli.md): the plan a coordinator checks and
 * tools read back. Keys in a fixed order; times in the local time of where
 * they happen, with their offset.
 */
#include "adapters/adapters.h"
#include "adapters/output/outputs.h"
#include "adapters/output/withdrawn.h"
#include "calendars/util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Builder that remembers any allocation failure, so the tree is built in
 * straight lines and checked once. */
struct tree {
    bool failed;
};

static json_t *add(struct tree *t, json_t *obj, const char *key, json_t *v)
{
    if (!v || json_object_set_new(obj, key, v) != 0)
        t->failed = true;
    return v;
}

static json_t *push(struct tree *t, json_t *arr, json_t *v)
{
    if (!v || json_array_append_new(arr, v) != 0)
        t->failed = true;
    return v;
}

/* A finite number, or null (jansson refuses NaN and infinities). */
static json_t *number(double d)
{
    return isfinite(d) ? json_real(d) : json_null();
}

static json_t *local_time(const struct sched_case *c, int place, cal_time t)
{
    char buf[40];
    cal_format_rfc3339(t, cal_tz_offset(sched_place_tz(c, place), t), false, buf, sizeof buf);
    return json_string(buf);
}

static json_t *date_of(int32_t day)
{
    char buf[16];
    cal_format_date(day, buf, sizeof buf);
    return json_string(buf);
}

static json_t *metrics(struct tree *t, const struct sched_metrics *m)
{
    json_t *o = json_object();
    if (!o) {
        t->failed = true;
        return NULL;
    }
    add(t, o, "trips", json_integer(m->trips));
    add(t, o, "in_person", json_integer(m->in_person));
    add(t, o, "telehealth", json_integer(m->telehealth));
    add(t, o, "home", json_integer(m->home));
    add(t, o, "travel_minutes", json_integer(m->travel_minutes));
    add(t, o, "overnights", json_integer(m->overnights));
    add(t, o, "unscheduled", json_integer(m->unscheduled));
    add(t, o, "days_with_care", json_integer(m->days_with_care));
    return o;
}

static const char *visit_id(const struct sched_case *c, int v)
{
    return v >= 0 && (size_t)v < c->nvisits ? c->visits[v].id : "";
}

static json_t *appointments(struct tree *t, const struct sched_case *c, const struct sched_plan *p,
                            const int *seq)
{
    json_t *arr = json_array();
    size_t i;

    if (!arr) {
        t->failed = true;
        return NULL;
    }
    for (i = 0; i < p->nappts; i++) {
        const struct sched_appt *a = &p->appts[i];
        const struct sched_visit *v = &c->visits[a->visit];
        json_t *o = push(t, arr, json_object());
        if (!o)
            break;
        add(t, o, "visit", json_string(v->id));
        add(t, o, "provider", json_string(c->providers[v->provider].id));
        add(t, o, "mode", json_string(sched_mode_name(a->mode)));
        add(t, o, "start", local_time(c, a->place, a->start));
        add(t, o, "end", local_time(c, a->place, a->end));
        add(t, o, "place", json_string(a->place >= 0 ? c->places[a->place].id : "home"));
        if (a->trip >= 0 && (size_t)a->trip < p->ntrips)
            add(t, o, "trip", date_of(p->trips[a->trip].day));
        else
            add(t, o, "trip", json_null());
        add(t, o, "sequence", json_integer(seq[i]));
        add(t, o, "state", json_string(sched_state_name(a->state)));
    }
    return arr;
}

static json_t *trips(struct tree *t, const struct sched_case *c, const struct sched_plan *p,
                     const int *trip_seq)
{
    json_t *arr = json_array();
    size_t i, k;

    if (!arr) {
        t->failed = true;
        return NULL;
    }
    for (i = 0; i < p->ntrips; i++) {
        const struct sched_trip *tr = &p->trips[i];
        int lodging = c->family.lodging;
        json_t *o = push(t, arr, json_object());
        json_t *places, *visits;
        if (!o)
            break;
        add(t, o, "date", date_of(tr->day));
        add(t, o, "place",
            tr->first_place >= 0 ? json_string(c->places[tr->first_place].id) : json_null());
        places = add(t, o, "places", json_array());
        add(t, o, "depart", local_time(c, tr->from_lodging ? lodging : -1, tr->depart));
        add(t, o, "return", local_time(c, tr->overnight_after ? lodging : -1, tr->ret));
        visits = add(t, o, "visits", json_array());
        add(t, o, "overnight_after", json_boolean(tr->overnight_after));
        add(t, o, "travel_minutes", json_integer(tr->travel_minutes));
        add(t, o, "sequence", json_integer(trip_seq[i]));
        if (!places || !visits)
            break;
        /* Appointments are sorted by start: the places in the order visited. */
        for (k = 0; k < p->nappts; k++) {
            const struct sched_appt *a = &p->appts[k];
            size_t j;
            bool seen = false;
            if (a->trip != (int)i)
                continue;
            push(t, visits, json_string(visit_id(c, a->visit)));
            if (a->place < 0)
                continue;
            for (j = 0; j < json_array_size(places); j++) {
                if (strcmp(json_string_value(json_array_get(places, j)), c->places[a->place].id) ==
                    0)
                    seen = true;
            }
            if (!seen)
                push(t, places, json_string(c->places[a->place].id));
        }
    }
    return arr;
}

static json_t *unscheduled(struct tree *t, const struct sched_case *c, const struct sched_plan *p,
                           char *const *reasons)
{
    json_t *arr = json_array();
    size_t i;

    if (!arr) {
        t->failed = true;
        return NULL;
    }
    for (i = 0; i < p->nunscheduled; i++) {
        const struct sched_unscheduled *u = &p->unscheduled[i];
        json_t *o = push(t, arr, json_object());
        if (!o)
            break;
        add(t, o, "visit", json_string(visit_id(c, u->visit)));
        add(t, o, "reason", json_string(reasons[i]));
        add(t, o, "code", json_string(out_reason_code(u->code)));
        if (u->other >= 0 && (size_t)u->other < c->nvisits)
            add(t, o, "other", json_string(visit_id(c, u->other)));
    }
    return arr;
}

static void free_reasons(char **reasons, size_t n)
{
    for (size_t i = 0; reasons && i < n; i++)
        free(reasons[i]);
    free(reasons);
}

int out_write_plan_json(const char *dir, const struct sched_case *c, const struct sched_plan *plan,
                        const struct sched_plan *baseline, const struct out_options *o,
                        struct careday_error *err)
{
    struct tree t = {false};
    json_t *root;
    char *text = NULL, *path = NULL;
    int *seq;
    char **reasons;
    size_t n;
    int rc;

    /* Re-planning keeps counting SEQUENCE from the earlier plan. */
    seq = cal_calloc(plan->nappts ? plan->nappts : 1, sizeof *seq);
    if (!seq)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    rc = out_previous_sequences(o ? o->previous_plan : NULL, c, plan, seq, err);
    /* What the calendars keep cancelled, and the trips' SEQUENCE. */
    struct out_withdrawn gone = {0};
    if (rc == 0)
        rc = out_withdrawn_build(c, plan, o, &gone, err);
    if (rc) {
        free(seq);
        return rc;
    }
    /* The reasons in the coordinator's words (English, docs/outputs.md). */
    reasons = cal_calloc(plan->nunscheduled ? plan->nunscheduled : 1, sizeof *reasons);
    for (size_t i = 0; reasons && i < plan->nunscheduled && rc == 0; i++)
        rc = out_reason_text(c, &plan->unscheduled[i], o, &reasons[i], err);
    root = rc || !reasons ? NULL : json_object();
    if (!root) {
        free(seq);
        out_withdrawn_free(&gone);
        free_reasons(reasons, plan->nunscheduled);
        return rc ? rc : careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    }
    add(&t, root, "careday", json_integer(1));
    add(&t, root, "case", json_string(c->id ? c->id : ""));
    if (o && o->case_file)
        add(&t, root, "case_file", json_string(o->case_file));
    add(&t, root, "timezone", json_string(c->timezone ? c->timezone : ""));
    add(&t, root, "status", json_string(sched_status_name(plan->status)));
    add(&t, root, "objective", number(plan->objective));
    add(&t, root, "bound", number(plan->bound));
    add(&t, root, "gap", number(plan->gap));
    add(&t, root, "solve_ms", json_integer(plan->solve_ms));
    add(&t, root, "metrics", metrics(&t, &plan->metrics));
    add(&t, root, "baseline", baseline ? metrics(&t, &baseline->metrics) : json_null());
    add(&t, root, "appointments", appointments(&t, c, plan, seq));
    add(&t, root, "trips", trips(&t, c, plan, gone.trip_seq));
    add(&t, root, "unscheduled", unscheduled(&t, c, plan, reasons));
    add(&t, root, "cancelled", out_withdrawn_json(c, &gone));
    if (o && o->uid_key)
        add(&t, root, "uid_key", json_string(o->uid_key));
    if (!t.failed)
        text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    free(seq);
    out_withdrawn_free(&gone);
    free_reasons(reasons, plan->nunscheduled);
    n = strlen(dir) + sizeof "/plan.json";
    path = cal_malloc(n);
    if (!text || !path) {
        free(text);
        free(path);
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    }
    snprintf(path, n, "%s/plan.json", dir);
    /* Replace the terminating NUL with a final newline; the length says where
     * the data ends. */
    n = strlen(text);
    text[n] = '\n';
    rc = adapt_write_atomic(path, text, n + 1, err);
    free(text);
    free(path);
    return rc;
}
