/*
 * careday check CASE.json [--json] [--offline]: load a case and every
 * calendar source, report what each gives, how much provider time each
 * visit's window holds, and which visits cannot be placed whatever else is
 * planned (with the reason in words). No solve, nothing written.
 *
 * Exit codes: 0 the case is clean (every visit has a possible time), 3 some
 * visit cannot be placed, 2 bad input, 4 a source could not be fetched.
 * With --json everything, errors included, is one JSON object on stdout.
 */
#include "adapters/adapters.h"
#include "adapters/cli/cli_internal.h"
#include "adapters/cli/commands.h"
#include "adapters/output/outputs.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_check[] =
    "Usage: careday check [--json] [--offline] [--] CASE.json\n"
    "\n"
    "Loads the case and every calendar source, reports problems, how many\n"
    "intervals each source gave over the horizon, how many hours of provider\n"
    "time each visit's window holds per mode, and which visits cannot be\n"
    "placed whatever else is planned. No solve, nothing written.\n"
    "\n"
    "  --json      print one JSON object on stdout (errors too)\n"
    "  --offline   read network sources from the cache only\n"
    "\n"
    "Exit codes: 0 clean, 3 some visit cannot be placed, 2 bad input,\n"
    "4 a source could not be fetched, 1 internal error.\n";

struct check {
    bool json;
    bool oom; /* a report or a figure could not be made for want of memory */
    size_t nsources;
    json_t *sources; /* --json: the source reports */
};

static void on_source(void *ud, const struct adapt_source_report *r)
{
    struct check *k = ud;
    char age[64];

    if (k->json) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "path", r->json_path, "kind",
                              r->kind, "given", r->given ? r->given : "", "meaning",
                              r->meaning ? r->meaning : "", "events", (json_int_t)r->nevents,
                              "busy", (json_int_t)r->nbusy, "available", (json_int_t)r->navailable);
        if (!o ||
            (r->age_s >= 0 && json_object_set_new(o, "cache_age_s", json_integer(r->age_s)) != 0) ||
            json_array_append_new(k->sources, o) != 0)
            k->oom = true; /* json_array_append_new took o, even on failure */
        return;
    }
    if (k->nsources++ == 0)
        printf("Sources (intervals over the horizon):\n");
    if (strcmp(r->kind, "hours") == 0)
        printf("  %s: weekly hours, %zu opening%s\n", r->json_path, r->navailable,
               r->navailable == 1 ? "" : "s");
    else if (strcmp(r->kind, "fhir") == 0)
        printf("  %s: fhir %s: %zu busy, %zu available (%zu slot%s)\n", r->json_path, r->given,
               r->nbusy, r->navailable, r->nevents, r->nevents == 1 ? "" : "s");
    else
        printf("  %s: %s %s: %zu busy, %zu available (%zu event%s, plain events read as %s)\n",
               r->json_path, r->kind, r->given, r->nbusy, r->navailable, r->nevents,
               r->nevents == 1 ? "" : "s", r->meaning);
    if (r->age_s >= 0) {
        cli_age_words(r->age_s, age, sizeof age);
        printf("    (offline: from the cache, %s old)\n", age);
    }
}

/* Hours of a set inside the visit's window (whole local days, case zone);
 * -1 when out of memory. */
static double window_hours(const struct sched_case *c, const struct sched_visit *v,
                           const struct cal_set *s)
{
    struct cal_set w = {0}, in = {0};
    double h = -1;

    if (cal_set_add(&w, cal_tz_local_to_utc(c->tz, v->earliest, 0),
                    cal_tz_local_to_utc(c->tz, v->latest + 1, 0)) == 0 &&
        cal_set_intersect(&in, s, &w) == 0)
        h = (double)cal_set_measure(&in) / 3600.0;
    cal_set_free(&w);
    cal_set_free(&in);
    return h;
}

static json_t *note_json(const struct careday_error *e)
{
    return json_pack("{s:s, s:i, s:s, s:s}", "file", e->file, "line", e->line, "path", e->path,
                     "text", e->text);
}

/* NULL when out of memory (never a list with a warning missing). */
static json_t *notes_json(const struct careday_notes *n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n->n; i++)
        if (json_array_append_new(a, note_json(&n->v[i])) != 0) {
            json_decref(a);
            a = NULL;
        }
    return a;
}

/* Print root (stolen) on stdout; when it could not be made or printed (out
 * of memory), an error object instead and CLI_EXIT_INTERNAL, else code. */
static int emit(json_t *root, int code)
{
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    if (text)
        printf("%s\n", text);
    else
        printf("{\"careday\": 1, \"error\": {\"file\": \"\", \"line\": 0, \"path\": \"\", "
               "\"text\": \"out of memory\"}, \"warnings\": [], \"exit\": 1}\n");
    free(text);
    json_decref(root);
    return text ? code : CLI_EXIT_INTERNAL;
}

static int fail_json(const struct careday_error *err, const struct careday_notes *warn, int code)
{
    return emit(json_pack("{s:i, s:o, s:o, s:i}", "careday", 1, "error", note_json(err), "warnings",
                          notes_json(warn), "exit", code),
                code);
}

/* The hours table (text) or the "windows" array (JSON); NULL (and k->oom)
 * when out of memory. */
static json_t *provider_hours(const struct sched_case *c, struct check *k)
{
    json_t *arr = k->json ? json_array() : NULL;
    if (!k->json)
        printf("Provider time in each visit's window (hours, per mode):\n");
    else if (!arr)
        k->oom = true;
    for (size_t i = 0; i < c->nvisits && !k->oom; i++) {
        const struct sched_visit *v = &c->visits[i];
        const struct sched_provider *p = &c->providers[v->provider];
        json_t *modes = NULL;
        if (v->booked)
            continue;
        if (k->json && !(modes = json_object()))
            k->oom = true;
        else if (!k->json)
            printf("  %s (%s):", v->id, p->id);
        for (int j = 0; j < v->nmodes && !k->oom; j++) {
            enum sched_mode m = v->order[j];
            double h = window_hours(c, v, &p->mode[m].free);
            if (h < 0)
                k->oom = true;
            else if (k->json)
                k->oom = json_object_set_new(modes, sched_mode_name(m), json_real(h)) != 0;
            else
                printf("%s %s %.1f", j ? "," : "", sched_mode_name(m), h);
        }
        if (k->json && !k->oom)
            k->oom = json_array_append_new(arr, json_pack("{s:s, s:s, s:O}", "visit", v->id,
                                                          "provider", p->id, "hours", modes)) != 0;
        else if (!k->json)
            printf("\n");
        json_decref(modes);
    }
    if (k->oom) {
        json_decref(arr);
        arr = NULL;
    }
    return arr;
}

/* Long on purpose: the options in one loop, then the steps of the command in order. */
int cli_check(int argc, char **argv)
{
    struct sched_case c;
    struct careday_notes warn = {0};
    struct careday_error err = {0};
    struct adapt_load_options lo = {0};
    struct check k = {0};
    struct sched_unscheduled *bad = NULL;
    size_t nbad = 0, nbooked = 0;
    const char *path = NULL;
    bool operands = false;
    char a[16], b[16];
    int rc;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!operands && strcmp(arg, "--") == 0) {
            operands = true;
        } else if (!operands && (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)) {
            fputs(usage_check, stdout);
            return CLI_EXIT_OK;
        } else if (!operands && strcmp(arg, "--offline") == 0) {
            lo.offline = true;
        } else if (!operands && strcmp(arg, "--json") == 0) {
            k.json = true;
        } else if (!operands && arg[0] == '-' && arg[1]) {
            return cli_usage_error(usage_check, "unknown option %s", arg);
        } else if (path) {
            return cli_usage_error(usage_check, "one case file at a time; extra argument \"%s\"",
                                   arg);
        } else {
            path = arg;
        }
    }
    if (!path)
        return cli_usage_error(usage_check, "missing the case file");

    memset(&c, 0, sizeof c);
    k.sources = k.json ? json_array() : NULL;
    lo.on_source = on_source;
    lo.ud = &k;
    if (!k.json)
        printf("Checking %s\n", path);
    rc = adapt_case_load_with(path, &lo, &c, &warn, &err);
    bool loaded = rc == 0;
    if (rc == 0)
        out_check_language(&c, NULL, path, &warn);
    if (rc == 0 && (rc = sched_impossible(&c, &bad, &nbad, &err)) != 0)
        rc = ADAPT_EINTERNAL;
    if (rc == 0 && (k.oom || (k.json && !k.sources)))
        rc = careday_fail(&err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    fflush(stdout);
    if (rc) {
        int code = adapt_exit_code(rc);
        if (k.json)
            code = fail_json(&err, &warn, code);
        else {
            cli_print_warnings(&warn);
            cli_print_error(&err);
        }
        json_decref(k.sources);
        careday_notes_free(&warn);
        if (loaded)
            sched_case_free(&c);
        return code;
    }
    int code = nbad ? CLI_EXIT_UNSCHEDULED : CLI_EXIT_OK;
    for (size_t i = 0; i < c.nvisits; i++)
        nbooked += c.visits[i].booked;
    cal_format_date(c.horizon_start, a, sizeof a);
    cal_format_date(c.horizon_end, b, sizeof b);

    json_t *cannot = k.json ? json_array() : NULL;
    if (!k.json) {
        cli_print_warnings(&warn);
        printf("Case: %s (%s), %s to %s, %s\n", c.name, c.id, a, b, c.timezone);
        printf("  %zu visit%s, %zu booking%s, %zu provider%s, %zu place%s\n", c.nvisits - nbooked,
               c.nvisits - nbooked == 1 ? "" : "s", nbooked, nbooked == 1 ? "" : "s", c.nproviders,
               c.nproviders == 1 ? "" : "s", c.nplaces, c.nplaces == 1 ? "" : "s");
    }
    json_t *windows = provider_hours(&c, &k);
    if (k.json && !cannot)
        k.oom = true;
    for (size_t i = 0; i < nbad && !k.oom; i++) {
        const struct sched_unscheduled *u = &bad[i];
        char *why = NULL;
        if (out_reason_text(&c, u, NULL, &why, NULL) == ADAPT_EINTERNAL) {
            k.oom = true;
            break;
        }
        const char *reason = why ? why : out_reason_code(u->code);
        if (k.json) {
            json_t *o = json_pack("{s:s, s:s, s:s}", "visit", c.visits[u->visit].id, "code",
                                  out_reason_code(u->code), "reason", reason);
            if (!o ||
                (u->other >= 0 &&
                 json_object_set_new(o, "other", json_string(c.visits[u->other].id)) != 0) ||
                json_array_append_new(cannot, o) != 0)
                k.oom = true;
        } else {
            if (i == 0)
                printf("Cannot be placed:\n");
            printf("  %s: %s\n", c.visits[u->visit].id, reason);
        }
        free(why);
    }
    if (k.oom) {
        json_decref(windows);
        json_decref(cannot);
        json_decref(k.sources);
        careday_fail(&err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        code = CLI_EXIT_INTERNAL;
        if (k.json)
            fail_json(&err, &warn, code);
        else
            cli_print_error(&err);
    } else if (k.json) {
        code =
            emit(json_pack("{s:i, s:s, s:s, s:s, s:{s:s, s:s}, s:I, s:I, s:I, s:I, s:o, s:o, s:o, "
                           "s:o, s:b, s:i}",
                           "careday", 1, "case", c.id, "name", c.name, "timezone", c.timezone,
                           "horizon", "start", a, "end", b, "visits",
                           (json_int_t)(c.nvisits - nbooked), "bookings", (json_int_t)nbooked,
                           "providers", (json_int_t)c.nproviders, "places", (json_int_t)c.nplaces,
                           "sources", k.sources, "windows", windows, "cannot_place", cannot,
                           "warnings", notes_json(&warn), "clean", nbad == 0, "exit", code),
                 code);
    } else if (nbad) {
        printf("Problems: %zu visit%s cannot be placed (see above); a plan will leave %s "
               "unscheduled.\n",
               nbad, nbad == 1 ? "" : "s", nbad == 1 ? "it" : "them");
    } else {
        printf("No problems found%s.\n", warn.n ? " (see the warnings)" : "");
    }
    free(bad);
    sched_case_free(&c);
    careday_notes_free(&warn);
    return code;
}
