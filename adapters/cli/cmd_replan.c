/*
 * `careday confirm OUT VISIT...` and `careday cancel OUT VISIT... [--reason
 * TEXT]` (docs/cli.md): edit an existing plan. confirm marks appointments
 * booked (STATUS:CONFIRMED in the calendars); cancel removes them (the visit
 * is due again at the next re-plan; the calendars keep the appointment as
 * STATUS:CANCELLED). Every other appointment keeps its time. OUT is rewritten
 * whole or not at all (out_publish), with changes.json against the plan it
 * held; a visit id that is not an appointment of OUT is bad input (exit 2)
 * found before anything is touched.
 */
#include "adapters/adapters.h"
#include "adapters/cli/cli_internal.h"
#include "adapters/cli/commands.h"
#include "adapters/json_file.h"
#include "adapters/output/outputs.h"
#include "calendars/util.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage_confirm[] =
    "Usage: careday confirm OUT VISIT... [options]\n"
    "\n"
    "Marks the appointments of these visits in the plan in OUT as booked with\n"
    "the clinic: STATUS:CONFIRMED in family.ics and the provider calendars, and a\n"
    "re-plan moves them only when it must. Nothing else changes.\n"
    "\n"
    "  --case CASE.json  the case (default: the one plan.json records)\n"
    "  --lang en|es      language of the family's calendar and itinerary\n"
    "  --invite          also rewrite the iTIP files (providers/<id>-invite.ics)\n"
    "  --quiet           print nothing but errors and warnings\n";

static const char usage_cancel[] =
    "Usage: careday cancel OUT VISIT... [--reason TEXT] [options]\n"
    "\n"
    "Removes the appointments of these visits from the plan in OUT: they stay in\n"
    "family.ics and the provider calendars as STATUS:CANCELLED until they pass,\n"
    "changes.json says why, and the visits are due again at the next re-plan.\n"
    "\n"
    "  --reason TEXT     why, for changes.json (default: cancelled by the coordinator)\n"
    "  --case CASE.json  the case (default: the one plan.json records)\n"
    "  --lang en|es      language of the family's calendar and itinerary\n"
    "  --invite          also write iTIP METHOD:CANCEL files for the clinics\n"
    "  --quiet           print nothing but errors and warnings\n";

struct edit_args {
    bool cancel;
    const char *out;
    const char *case_path;
    const char *lang;
    const char *reason;
    const char **visits;
    size_t nvisits;
    bool invite, quiet;
};

static int parse_args(int argc, char **argv, bool cancel, struct edit_args *a)
{
    const char *usage = cancel ? usage_cancel : usage_confirm;
    memset(a, 0, sizeof *a);
    a->cancel = cancel;
    a->visits = cal_calloc((size_t)argc + 1, sizeof *a->visits);
    if (!a->visits) {
        struct careday_error err = {0};
        careday_fail(&err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        cli_print_error(&err);
        return CLI_EXIT_INTERNAL;
    }
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char **slot = NULL;
        if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            fputs(usage, stdout);
            return -1;
        } else if (strcmp(s, "--invite") == 0) {
            a->invite = true;
        } else if (strcmp(s, "--quiet") == 0 || strcmp(s, "-q") == 0) {
            a->quiet = true;
        } else if (strcmp(s, "--case") == 0) {
            slot = &a->case_path;
        } else if (strcmp(s, "--lang") == 0) {
            slot = &a->lang;
        } else if (cancel && strcmp(s, "--reason") == 0) {
            slot = &a->reason;
        } else if (s[0] == '-' && s[1]) {
            return cli_usage_error(usage, "unknown option %s", s);
        } else if (!a->out) {
            a->out = s;
        } else {
            a->visits[a->nvisits++] = s;
        }
        if (slot) {
            if (i + 1 >= argc || !*argv[i + 1])
                return cli_usage_error(usage, "%s needs a value", s);
            *slot = argv[++i];
        }
    }
    if (a->lang && strcmp(a->lang, "en") != 0 && strcmp(a->lang, "es") != 0)
        return cli_usage_error(usage, "--lang: expected en or es, found \"%s\"", a->lang);
    if (!a->out)
        return cli_usage_error(usage, "missing the plan folder OUT");
    if (a->nvisits == 0)
        return cli_usage_error(usage, "name at least one visit of the plan");
    return 0;
}

/* What `careday confirm/cancel` keeps of the plan it edits. */
struct old_plan {
    json_t *root;
    const char *case_file;
    enum sched_status status;
    double objective, bound, gap;
    long solve_ms;
    struct sched_metrics baseline;
};

static int metric(const json_t *m, const char *key)
{
    return (int)json_integer_value(json_object_get(m, key));
}

static double number(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : 0;
}

/* Read OUT/plan.json and check that every named visit has an appointment
 * there: nothing is loaded or written otherwise. */
static int read_old(const char *path, const struct edit_args *a, struct old_plan *p,
                    struct careday_error *err)
{
    json_error_t je;
    memset(p, 0, sizeof *p);
    bool nomem;
    p->root = adapt_json_load_file(path, 0, &je, &nomem);
    if (nomem)
        return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "out of memory");
    if (!p->root)
        return careday_fail(err, ADAPT_EINPUT, path, je.line > 0 ? je.line : 0, NULL,
                            "expected the plan.json of a careday plan: %s", je.text);
    json_t *appts = json_object_get(p->root, "appointments");
    if (!json_is_array(appts))
        return careday_fail(err, ADAPT_EINPUT, path, 0, "appointments",
                            "expected the array of appointments of a careday plan.json");
    for (size_t k = 0; k < a->nvisits; k++) {
        bool found = false;
        size_t i;
        json_t *o;
        json_array_foreach(appts, i, o)
        {
            const char *v = json_string_value(json_object_get(o, "visit"));
            found |= v && strcmp(v, a->visits[k]) == 0;
        }
        if (!found)
            return careday_fail(err, ADAPT_EINPUT, path, 0, NULL,
                                "visit \"%s\" has no appointment in this plan; expected the id "
                                "of one of its appointments",
                                a->visits[k]);
    }
    p->case_file = json_string_value(json_object_get(p->root, "case_file"));
    const char *status = json_string_value(json_object_get(p->root, "status"));
    p->status = status && strcmp(status, "optimal") == 0   ? SCHED_STATUS_OPTIMAL
                : status && strcmp(status, "partial") == 0 ? SCHED_STATUS_PARTIAL
                                                           : SCHED_STATUS_FEASIBLE;
    p->objective = number(p->root, "objective");
    p->bound = number(p->root, "bound");
    p->gap = number(p->root, "gap");
    p->solve_ms = (long)number(p->root, "solve_ms");
    const json_t *b = json_object_get(p->root, "baseline");
    p->baseline = (struct sched_metrics){metric(b, "trips"),          metric(b, "in_person"),
                                         metric(b, "telehealth"),     metric(b, "home"),
                                         metric(b, "travel_minutes"), metric(b, "overnights"),
                                         metric(b, "unscheduled"),    metric(b, "days_with_care")};
    return 0;
}

/* Nights at the lodging of the old plan, by day of the horizon. */
static bool *old_nights(const struct old_plan *p, const struct sched_case *c)
{
    size_t nd = (size_t)(c->horizon_end - c->horizon_start + 1);
    bool *n = cal_calloc(nd + 1, sizeof *n);
    size_t i;
    json_t *t;
    if (!n)
        return NULL;
    json_array_foreach(json_object_get(p->root, "trips"), i, t)
    {
        int32_t day;
        if (json_is_true(json_object_get(t, "overnight_after")) &&
            cal_parse_date(json_string_value(json_object_get(t, "date")), &day) == 0 &&
            day >= c->horizon_start && day <= c->horizon_end)
            n[day - c->horizon_start] = true;
    }
    return n;
}

static bool named(const struct edit_args *a, const char *visit)
{
    for (size_t k = 0; k < a->nvisits; k++)
        if (strcmp(a->visits[k], visit) == 0)
            return true;
    return false;
}

/* Long on purpose: the steps of one edit (load, apply, re-plan, write) in order, sharing the
 * case and the plan. */
static int run(const struct edit_args *a)
{
    struct old_plan old;
    struct sched_case c;
    struct careday_notes warn = {0};
    struct careday_error err = {0};
    struct sched_plan *plan = NULL, base;
    struct sched_changes changes = {0};
    struct sched_appt *appts = NULL;
    bool *nights = NULL, *cancelled = NULL, loaded = false;
    char out[4096], path[4200];
    int rc;

    memset(&c, 0, sizeof c);
    memset(&base, 0, sizeof base);
    snprintf(out, sizeof out, "%s", a->out);
    for (size_t n = strlen(out); n > 1 && out[n - 1] == '/'; n--)
        out[n - 1] = '\0';
    snprintf(path, sizeof path, "%s/plan.json", out);
    if ((rc = read_old(path, a, &old, &err)))
        goto fail;
    const char *case_path = a->case_path ? a->case_path : old.case_file;
    if (!case_path) {
        rc = careday_fail(&err, ADAPT_EINPUT, path, 0, "case_file",
                          "this plan does not say which case it plans; name it with --case");
        goto fail;
    }
    rc = adapt_case_load(case_path, &c, &warn, &err);
    cli_print_warnings(&warn);
    careday_notes_free(&warn);
    if (rc)
        goto fail;
    loaded = true;
    if (a->invite && (rc = out_check_invite(&c, &err)))
        goto fail;
    const char *env = getenv("CAREDAY_NOW");
    cal_time now = (cal_time)time(NULL);
    if (env && *env && cal_parse_rfc3339(env, &now) != 0) {
        rc = careday_fail(&err, ADAPT_EINPUT, NULL, 0, NULL,
                          "CAREDAY_NOW=\"%s\": expected an RFC 3339 instant", env);
        goto fail;
    }
    if ((rc = adapt_previous_load(path, &c, &err)))
        goto fail;
    /* Previous appointments keep their states; confirm books the named ones.
     * Nothing becomes history here: nothing moves anyway. */
    sched_case_apply_previous(&c, NULL);
    appts = cal_calloc(c.nprevious + 1, sizeof *appts);
    cancelled = cal_calloc(c.nvisits + 1, sizeof *cancelled);
    nights = old_nights(&old, &c);
    if (!appts || !cancelled || !nights) {
        rc = careday_fail(&err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto fail;
    }
    size_t n = 0;
    for (size_t k = 0; k < c.nprevious; k++) {
        struct sched_prev_appt *q = &c.previous[k];
        if (q->visit < 0) {
            rc = careday_fail(&err, ADAPT_EINPUT, case_path, 0, NULL,
                              "the case no longer has visit \"%s\" of %s; re-plan with "
                              "`careday plan --previous` instead",
                              q->visit_id, path);
            goto fail;
        }
        const struct sched_visit *v = &c.visits[q->visit];
        if (named(a, q->visit_id) && a->cancel) {
            if (v->booked && !v->history) {
                rc = careday_fail(&err, ADAPT_EINPUT, case_path, 0, NULL,
                                  "\"%s\" is a booking of the case; remove it from \"booked\" "
                                  "to cancel it",
                                  q->visit_id);
                goto fail;
            }
            cancelled[q->visit] = true;
            continue;
        }
        int place = q->mode == SCHED_IN_PERSON ? c.providers[v->provider].mode[0].place : -1;
        appts[n++] = (struct sched_appt){q->visit, q->mode, q->start, q->end, place, -1, q->state};
    }
    if ((rc = sched_plan_from_appts(&c, appts, n, nights, cancelled, &plan, &err))) {
        rc = rc == SCHED_EINVAL ? ADAPT_EINPUT : ADAPT_EINTERNAL;
        goto fail;
    }
    /* Confirmed: booked from now on (c.previous keeps the old state, so
     * their SEQUENCE rises: TENTATIVE to CONFIRMED is a change). */
    for (size_t i = 0; !a->cancel && i < plan->nappts; i++)
        if (named(a, c.visits[plan->appts[i].visit].id))
            plan->appts[i].state = SCHED_BOOKED;
    plan->status = old.status;
    plan->objective = old.objective;
    plan->bound = old.bound;
    plan->gap = old.gap;
    plan->solve_ms = old.solve_ms;
    base.metrics = old.baseline;
    if (sched_plan_changes(&c, plan, &changes) != 0) {
        rc = careday_fail(&err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto fail;
    }
    struct out_options oo = {0};
    oo.cancel_reason = a->reason;
    oo.lang = a->lang;
    oo.now = now;
    oo.previous_plan = path;
    oo.invite = a->invite;
    oo.changes = &changes;
    oo.case_file = old.case_file && !a->case_path ? old.case_file : NULL;
    char *abs = a->case_path ? realpath(a->case_path, NULL) : NULL;
    if (abs)
        oo.case_file = abs;
    rc = out_publish(out, &c, plan, &base, &oo, &err);
    free(abs);
    if (rc)
        goto fail;
    if (!a->quiet) {
        printf("%s: %s", c.name, a->cancel ? "cancelled" : "booked");
        for (size_t k = 0; k < a->nvisits; k++)
            printf("%s %s", k ? "," : "", a->visits[k]);
        printf("\nChanges: %zu moved, %zu cancelled, %zu added, %zu kept (see changes.json)\n",
               changes.moved, changes.cancelled, changes.added, changes.kept);
        printf("Written: %s/plan.json, %s/family.ics, %s/providers/, %s/itinerary.html, "
               "%s/changes.json\n",
               out, out, out, out, out);
    }
    rc = 0;
    goto done;
fail:
    cli_print_error(&err);
done:
    sched_changes_free(&changes);
    sched_plan_free(plan);
    free(appts);
    free(nights);
    free(cancelled);
    if (loaded)
        sched_case_free(&c);
    json_decref(old.root);
    return rc ? adapt_exit_code(rc) : CLI_EXIT_OK;
}

static int edit(int argc, char **argv, bool cancel)
{
    struct edit_args a;
    int rc = parse_args(argc, argv, cancel, &a);
    if (rc == 0)
        rc = run(&a);
    else if (rc < 0)
        rc = CLI_EXIT_OK;
    free(a.visits);
    return rc;
}

int cli_confirm(int argc, char **argv)
{
    return edit(argc, argv, false);
}

int cli_cancel(int argc, char **argv)
{
    return edit(argc, argv, true);
}
