/*
 * OUT/plan.json (DESIGN §5, docs/cli.md): the plan a coordinator checks and
 * tools read back. Keys in a fixed order; times in the local time of where
 * they happen, with their offset.
 */
#include "adapters/adapters.h"
#include "adapters/output/outputs.h"
#include "adapters/output/withdrawn.h"
#include "calendars/util.h"

#include "adapters/output/json_tree.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    tree_add(t, o, "trips", json_integer(m->trips));
    tree_add(t, o, "in_person", json_integer(m->in_person));
    tree_add(t, o, "telehealth", json_integer(m->telehealth));
    tree_add(t, o, "home", json_integer(m->home));
    tree_add(t, o, "travel_minutes", json_integer(m->travel_minutes));
    tree_add(t, o, "overnights", json_integer(m->overnights));
    tree_add(t, o, "unscheduled", json_integer(m->unscheduled));
    tree_add(t, o, "days_with_care", json_integer(m->days_with_care));
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
        json_t *o = tree_push(t, arr, json_object());
        if (!o)
            break;
        tree_add(t, o, "visit", json_string(v->id));
        tree_add(t, o, "provider", json_string(c->providers[v->provider].id));
        tree_add(t, o, "mode", json_string(sched_mode_name(a->mode)));
        tree_add(t, o, "start", tree_local_time(c, a->place, a->start));
        tree_add(t, o, "end", tree_local_time(c, a->place, a->end));
        tree_add(t, o, "place", json_string(a->place >= 0 ? c->places[a->place].id : "home"));
        if (a->trip >= 0 && (size_t)a->trip < p->ntrips)
            tree_add(t, o, "trip", date_of(p->trips[a->trip].day));
        else
            tree_add(t, o, "trip", json_null());
        tree_add(t, o, "sequence", json_integer(seq[i]));
        tree_add(t, o, "state", json_string(sched_state_name(a->state)));
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
        json_t *o = tree_push(t, arr, json_object());
        json_t *places, *visits;
        if (!o)
            break;
        tree_add(t, o, "date", date_of(tr->day));
        tree_add(t, o, "place",
                 tr->first_place >= 0 ? json_string(c->places[tr->first_place].id) : json_null());
        places = tree_add(t, o, "places", json_array());
        tree_add(t, o, "depart", tree_local_time(c, tr->from_lodging ? lodging : -1, tr->depart));
        tree_add(t, o, "return", tree_local_time(c, tr->overnight_after ? lodging : -1, tr->ret));
        visits = tree_add(t, o, "visits", json_array());
        tree_add(t, o, "overnight_after", json_boolean(tr->overnight_after));
        tree_add(t, o, "travel_minutes", json_integer(tr->travel_minutes));
        tree_add(t, o, "sequence", json_integer(trip_seq[i]));
        if (!places || !visits)
            break;
        /* Appointments are sorted by start: the places in the order visited. */
        for (k = 0; k < p->nappts; k++) {
            const struct sched_appt *a = &p->appts[k];
            size_t j;
            bool seen = false;
            if (a->trip != (int)i)
                continue;
            tree_push(t, visits, json_string(visit_id(c, a->visit)));
            if (a->place < 0)
                continue;
            for (j = 0; j < json_array_size(places); j++) {
                if (strcmp(json_string_value(json_array_get(places, j)), c->places[a->place].id) ==
                    0)
                    seen = true;
            }
            if (!seen)
                tree_push(t, places, json_string(c->places[a->place].id));
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
        json_t *o = tree_push(t, arr, json_object());
        if (!o)
            break;
        tree_add(t, o, "visit", json_string(visit_id(c, u->visit)));
        tree_add(t, o, "reason", json_string(reasons[i]));
        tree_add(t, o, "code", json_string(out_reason_code(u->code)));
        if (u->other >= 0 && (size_t)u->other < c->nvisits)
            tree_add(t, o, "other", json_string(visit_id(c, u->other)));
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
    tree_add(&t, root, "careday", json_integer(1));
    tree_add(&t, root, "case", json_string(c->id ? c->id : ""));
    if (o && o->case_file)
        tree_add(&t, root, "case_file", json_string(o->case_file));
    tree_add(&t, root, "timezone", json_string(c->timezone ? c->timezone : ""));
    tree_add(&t, root, "status", json_string(sched_status_name(plan->status)));
    tree_add(&t, root, "objective", tree_number(plan->objective));
    tree_add(&t, root, "bound", tree_number(plan->bound));
    tree_add(&t, root, "gap", tree_number(plan->gap));
    tree_add(&t, root, "solve_ms", json_integer(plan->solve_ms));
    tree_add(&t, root, "metrics", metrics(&t, &plan->metrics));
    tree_add(&t, root, "baseline", baseline ? metrics(&t, &baseline->metrics) : json_null());
    tree_add(&t, root, "appointments", appointments(&t, c, plan, seq));
    tree_add(&t, root, "trips", trips(&t, c, plan, gone.trip_seq));
    tree_add(&t, root, "unscheduled", unscheduled(&t, c, plan, reasons));
    tree_add(&t, root, "cancelled", out_withdrawn_json(c, &gone));
    if (o && o->uid_key)
        tree_add(&t, root, "uid_key", json_string(o->uid_key));
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
