/*
 * Re-planning scenarios, as a coordinator runs them: every folder under
 * tests/data/replan/ holds a case after a change (case.json), the plan made
 * before it (previous.json) and what must change (expected.json). Each is
 * planned with `careday plan case.json --previous previous.json --now NOW
 * --invite`, then:
 * - changes.json lists exactly the expected moved, cancelled and added
 *   visits (with the expected why), and the expected kept count;
 * - plan.json: states, unchanged starts, past appointments as they were,
 *   nothing new before now + notice; bench/check.py accepts the plan;
 * - family.ics, read back through libical: every appointment with STATUS
 *   CONFIRMED (booked) or TENTATIVE (proposed) and SEQUENCE raised only when
 *   it moved; every cancelled appointment kept as STATUS:CANCELLED with a
 *   raised SEQUENCE at its old time; the providers' -cancel.ics files are
 *   METHOD:CANCEL and the invitations of moved visits have a raised SEQUENCE.
 * expected.json keys: now, moved, cancelled, added (visit ids), kept, why
 * ({visit: why_code}), states ({visit: state}), same_start (visits whose
 * start must not change), start ({visit: start}), past (visits before now,
 * identical in every output), not_before (instant), trips.
 */
#include "adapters/adapters.h"
#include "adapters/output/outputs.h"

#include <jansson.h>
#include <libical/ical.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmp_files.h"
#include "ics_back.h"

#define PATH_SIZE 4096

static bool in_list(const json_t *arr, const char *id)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), id) == 0) return true;
    return false;
}

/* The entry of a plan's appointments (or previous plan's) for visit id. */
static json_t *appt_of(const json_t *plan, const char *id)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(plan, "appointments"), i, a)
    {
        if (strcmp(json_string_value(json_object_get(a, "visit")), id) == 0)
            return a;
    }
    return NULL;
}

static cal_time instant(const json_t *v)
{
    cal_time t = 0;
    assert_int_equal(cal_parse_rfc3339(json_string_value(v), &t), 0);
    return t;
}

/* The changes.json list `key` holds exactly the visits of `want`. */
static void same_set(const char *name, const char *key, const json_t *got, const json_t *want)
{
    size_t i;
    json_t *e;
    json_array_foreach(got, i, e)
    {
        const char *id = json_string_value(json_object_get(e, "visit"));
        if (!in_list(want, id))
            fail_msg("%s: changes.json %s lists %s, not expected", name, key, id);
    }
    if (json_array_size(got) != json_array_size(want))
        fail_msg("%s: changes.json %s has %zu entries, expected %zu", name, key,
                 json_array_size(got), json_array_size(want));
}

static json_t *change_of(const json_t *changes, const char *id)
{
    const char *keys[] = {"moved", "cancelled", "added"};
    for (int k = 0; k < 3; k++) {
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(changes, keys[k]), i, e)
        {
            if (strcmp(json_string_value(json_object_get(e, "visit")), id) == 0)
                return e;
        }
    }
    return NULL;
}

static cal_time utc_of(struct icaltimetype t)
{
    return (cal_time)icaltime_as_timet_with_zone(t, icaltimezone_get_utc_timezone());
}

static void check_family(const char *name, const char *out, const struct sched_case *c,
                         const json_t *plan, const json_t *prev, const json_t *changes,
                         const json_t *expected)
{
    char path[PATH_SIZE];
    snprintf(path, sizeof path, "%.4000s/family.ics", out);
    icalcomponent *cal = ics_back(path);
    if (!cal)
        fail_msg("%s: family.ics missing or unreadable", name);
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(plan, "appointments"), i, a)
    {
        const char *id = json_string_value(json_object_get(a, "visit"));
        char uid[512];
        out_visit_uid(c, id, uid, sizeof uid);
        icalcomponent *e = event_by_uid(cal, uid);
        if (!e)
            fail_msg("%s: family.ics has no event for %s", name, id);
        bool booked = strcmp(json_string_value(json_object_get(a, "state")), "booked") == 0;
        if (icalcomponent_get_status(e) != (booked ? ICAL_STATUS_CONFIRMED : ICAL_STATUS_TENTATIVE))
            fail_msg("%s: family.ics: %s has STATUS %s, state %s", name, id,
                     icalproperty_status_to_string(icalcomponent_get_status(e)),
                     booked ? "booked" : "proposed");
        if (utc_of(icalcomponent_get_dtstart(e)) != instant(json_object_get(a, "start")))
            fail_msg("%s: family.ics: %s starts elsewhere than in plan.json", name, id);
        json_t *p = appt_of(prev, id);
        bool moved = in_list(json_object_get(expected, "moved"), id);
        int want = !p      ? 0
                   : moved ? (int)json_integer_value(json_object_get(p, "sequence")) + 1
                           : (int)json_integer_value(json_object_get(p, "sequence"));
        if (icalcomponent_get_sequence(e) != want)
            fail_msg("%s: family.ics: %s has SEQUENCE %d, expected %d", name, id,
                     icalcomponent_get_sequence(e), want);
    }
    /* Cancelled appointments stay, cancelled, at their old time. */
    size_t ncancelled = 0;
    for (icalcomponent *e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
         e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
        if (icalcomponent_get_status(e) == ICAL_STATUS_CANCELLED)
            ncancelled++;
    json_t *v;
    json_array_foreach(json_object_get(expected, "cancelled"), i, v)
    {
        const char *id = json_string_value(v);
        char uid[512];
        out_visit_uid(c, id, uid, sizeof uid);
        icalcomponent *e = event_by_uid(cal, uid);
        json_t *p = appt_of(prev, id);
        if (!e || icalcomponent_get_status(e) != ICAL_STATUS_CANCELLED)
            fail_msg("%s: family.ics does not keep %s as STATUS:CANCELLED", name, id);
        if (icalcomponent_get_sequence(e) != json_integer_value(json_object_get(p, "sequence")) + 1)
            fail_msg("%s: family.ics: cancelled %s without a raised SEQUENCE", name, id);
        if (utc_of(icalcomponent_get_dtstart(e)) != instant(json_object_get(p, "start")))
            fail_msg("%s: family.ics: cancelled %s not at its previous time", name, id);
        /* And the clinic gets an iTIP CANCEL. */
        const char *prov = json_string_value(json_object_get(p, "provider"));
        snprintf(path, sizeof path, "%.4000s/providers/%s-cancel.ics", out, prov);
        icalcomponent *itip = ics_back(path);
        if (!itip || icalcomponent_get_method(itip) != ICAL_METHOD_CANCEL)
            fail_msg("%s: %s is not an iTIP METHOD:CANCEL", name, path);
        icalcomponent *ce = icalcomponent_get_first_component(itip, ICAL_VEVENT_COMPONENT);
        assert_non_null(ce);
        assert_int_equal(icalcomponent_get_status(ce), ICAL_STATUS_CANCELLED);
        assert_int_equal(icalcomponent_get_sequence(ce), 1);
        icalcomponent_free(itip);
    }
    if (ncancelled != json_array_size(json_object_get(expected, "cancelled")))
        fail_msg("%s: family.ics has %zu cancelled events, expected %zu", name, ncancelled,
                 json_array_size(json_object_get(expected, "cancelled")));
    /* Moved visits: the provider's invitation is a REQUEST with a raised SEQUENCE. */
    json_array_foreach(json_object_get(changes, "moved"), i, v)
    {
        const char *prov = json_string_value(json_object_get(json_object_get(v, "to"), "provider"));
        snprintf(path, sizeof path, "%.4000s/providers/%s-invite.ics", out, prov);
        icalcomponent *itip = ics_back(path);
        if (!itip || icalcomponent_get_method(itip) != ICAL_METHOD_REQUEST)
            fail_msg("%s: %s is not an iTIP METHOD:REQUEST", name, path);
        bool raised = false;
        for (icalcomponent *e = icalcomponent_get_first_component(itip, ICAL_VEVENT_COMPONENT); e;
             e = icalcomponent_get_next_component(itip, ICAL_VEVENT_COMPONENT))
            raised |= icalcomponent_get_sequence(e) >= 1 &&
                      utc_of(icalcomponent_get_dtstart(e)) ==
                          instant(json_object_get(json_object_get(v, "to"), "start"));
        if (!raised)
            fail_msg("%s: %s: the moved appointment has no raised SEQUENCE", name, path);
        icalcomponent_free(itip);
    }
    icalcomponent_free(cal);
}

static void check_plan(const char *name, const json_t *plan, const json_t *prev,
                       const json_t *expected)
{
    json_t *v, *k;
    const char *key;
    size_t i;
    json_object_foreach(json_object_get(expected, "states"), key, v)
    {
        json_t *a = appt_of(plan, key);
        if (!a || strcmp(json_string_value(json_object_get(a, "state")), json_string_value(v)))
            fail_msg("%s: %s is not %s in plan.json", name, key, json_string_value(v));
    }
    json_object_foreach(json_object_get(expected, "start"), key, v)
    {
        json_t *a = appt_of(plan, key);
        if (!a || instant(json_object_get(a, "start")) != instant(v))
            fail_msg("%s: %s does not start at %s", name, key, json_string_value(v));
    }
    json_array_foreach(json_object_get(expected, "same_start"), i, v)
    {
        json_t *a = appt_of(plan, json_string_value(v)), *p = appt_of(prev, json_string_value(v));
        if (!a || instant(json_object_get(a, "start")) != instant(json_object_get(p, "start")))
            fail_msg("%s: %s moved", name, json_string_value(v));
    }
    json_array_foreach(json_object_get(expected, "past"), i, v)
    {
        json_t *a = appt_of(plan, json_string_value(v)), *p = appt_of(prev, json_string_value(v));
        const char *keys[] = {"start", "end", "mode", "state", "place"};
        for (int j = 0; j < 5; j++)
            if (!a || !json_equal(json_object_get(a, keys[j]), json_object_get(p, keys[j])))
                fail_msg("%s: past appointment %s changed its %s", name, json_string_value(v),
                         keys[j]);
    }
    if ((k = json_object_get(expected, "not_before"))) {
        json_array_foreach(json_object_get(plan, "appointments"), i, v)
        {
            const char *id = json_string_value(json_object_get(v, "visit"));
            json_t *p = appt_of(prev, id);
            bool unchanged =
                p && json_equal(json_object_get(p, "start"), json_object_get(v, "start"));
            if (!unchanged && instant(json_object_get(v, "start")) < instant(k))
                fail_msg("%s: %s is new and starts before now + notice", name, id);
        }
    }
    if ((k = json_object_get(expected, "trips")) &&
        json_integer_value(json_object_get(json_object_get(plan, "metrics"), "trips")) !=
            json_integer_value(k))
        fail_msg("%s: %lld trips, expected %lld", name,
                 (long long)json_integer_value(
                     json_object_get(json_object_get(plan, "metrics"), "trips")),
                 (long long)json_integer_value(k));
}

static void run_scenario(const char *dir, const char *name, const char *model)
{
    char case_path[PATH_SIZE], prev_path[PATH_SIZE], exp_path[PATH_SIZE], out[PATH_SIZE],
        path[PATH_SIZE], cmd[6 * PATH_SIZE];
    snprintf(case_path, sizeof case_path, "%.4000s/case.json", dir);
    snprintf(prev_path, sizeof prev_path, "%.4000s/previous.json", dir);
    snprintf(exp_path, sizeof exp_path, "%.4000s/expected.json", dir);
    json_t *expected = json_load_file(exp_path, 0, NULL);
    json_t *prev = json_load_file(prev_path, 0, NULL);
    assert_non_null(expected);
    assert_non_null(prev);
    assert_int_equal(tmp_dir_make(out, sizeof out, "replan"), 0);
    strncat(out, "/out", sizeof out - strlen(out) - 1);
    char now[64];
    snprintf(now, sizeof now, "%s", json_string_value(json_object_get(expected, "now")));
    char model_arg[16];
    snprintf(model_arg, sizeof model_arg, "%s", model);
    char *argv[] = {"careday", "plan", case_path,  "-o", out,       "--previous", prev_path,
                    "--now",   now,    "--invite", "-q", "--model", model_arg,    NULL};
    int rc = cli_main(13, argv);
    if (rc != 0)
        fail_msg("%s: careday plan exited %d", name, rc);

    snprintf(path, sizeof path, "%.4000s/changes.json", out);
    json_t *changes = json_load_file(path, 0, NULL);
    snprintf(path, sizeof path, "%.4000s/plan.json", out);
    json_t *plan = json_load_file(path, 0, NULL);
    if (!changes || !plan)
        fail_msg("%s: changes.json or plan.json missing", name);
    same_set(name, "moved", json_object_get(changes, "moved"), json_object_get(expected, "moved"));
    same_set(name, "cancelled", json_object_get(changes, "cancelled"),
             json_object_get(expected, "cancelled"));
    same_set(name, "added", json_object_get(changes, "added"), json_object_get(expected, "added"));
    if (!json_equal(json_object_get(changes, "kept"), json_object_get(expected, "kept")))
        fail_msg("%s: kept %lld, expected %lld", name,
                 (long long)json_integer_value(json_object_get(changes, "kept")),
                 (long long)json_integer_value(json_object_get(expected, "kept")));
    const char *key;
    json_t *v;
    json_object_foreach(json_object_get(expected, "why"), key, v)
    {
        json_t *e = change_of(changes, key);
        const char *got = e ? json_string_value(json_object_get(e, "why_code")) : NULL;
        if (!got || strcmp(got, json_string_value(v)) != 0)
            fail_msg("%s: why for %s is %s, expected %s", name, key, got ? got : "(none)",
                     json_string_value(v));
        if (!json_string_value(json_object_get(e, "why"))[0])
            fail_msg("%s: why for %s has no sentence", name, key);
    }
    check_plan(name, plan, prev, expected);

    /* The independent checker accepts the plan. */
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 %s/bench/check.py %s %s --quiet --previous %s --now %s",
             CAREDAY_SOURCE_DIR, case_path, path, prev_path, now);
    if (system(cmd) != 0)
        fail_msg("%s: bench/check.py rejects the plan", name);

    /* The itinerary opens with what changed, in the family's language. */
    snprintf(path, sizeof path, "%.4000s/itinerary.html", out);
    char *html = read_back(path, NULL), counts[128];
    snprintf(counts, sizeof counts, "%zu moved, %zu cancelled, %zu new, %lld unchanged",
             json_array_size(json_object_get(changes, "moved")),
             json_array_size(json_object_get(changes, "cancelled")),
             json_array_size(json_object_get(changes, "added")),
             (long long)json_integer_value(json_object_get(changes, "kept")));
    if (!html || !strstr(html, "<h2 id=\"changes-h\">What changed</h2>") || !strstr(html, counts))
        fail_msg("%s: itinerary.html lacks \"What changed\" with \"%s\"", name, counts);
    if (strstr(html, "id=\"changes\"") > strstr(html, "id=\"compare\""))
        fail_msg("%s: \"What changed\" is not at the top of the itinerary", name);
    free(html);

    struct sched_case c;
    struct careday_error err = {0};
    memset(&c, 0, sizeof c);
    assert_int_equal(adapt_case_load(case_path, &c, NULL, &err), 0);
    check_family(name, out, &c, plan, prev, changes, expected);
    sched_case_free(&c);

    out[strlen(out) - 4] = '\0'; /* the temporary folder OUT is in */
    if (tmp_dir_remove(out) != 0)
        print_message("could not remove %s\n", out);
    json_decref(changes);
    json_decref(plan);
    json_decref(prev);
    json_decref(expected);
}

static void test_scenarios(void **state)
{
    (void)state;
    char root[PATH_SIZE];
    snprintf(root, sizeof root, "%s/tests/data/replan", CAREDAY_SOURCE_DIR);
    if (access("/usr/bin/python3", X_OK) != 0)
        skip();
    DIR *d = opendir(root);
    assert_non_null(d);
    struct dirent *e;
    size_t n = 0;
    while ((e = readdir(d))) {
        char dir[PATH_SIZE], exp[PATH_SIZE];
        snprintf(dir, sizeof dir, "%.3000s/%.255s", root, e->d_name);
        snprintf(exp, sizeof exp, "%.4000s/expected.json", dir);
        if (e->d_name[0] == '.' || access(exp, R_OK) != 0)
            continue;
        /* Both models honour the same re-planning costs and filters. */
        char label[300];
        snprintf(label, sizeof label, "%.255s (days)", e->d_name);
        run_scenario(dir, label, "days");
        snprintf(label, sizeof label, "%.255s (time)", e->d_name);
        run_scenario(dir, label, "time");
        n++;
    }
    closedir(d);
    assert_true(n >= 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenarios),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
