/*
 * plan.json (docs/cli.md): a case loaded from JSON and a plan built by hand
 * are written and read back: keys in the documented order, local times with
 * the offset of each place, trips with every place in visiting order, null
 * where a value does not exist.
 */
#include "adapters/adapters.h"
#include "adapters/output/outputs.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char case_json[] =
    "{\"careday\": 1, \"id\": \"rivera\", \"name\": \"Ana\", \"timezone\": "
    "\"America/New_York\",\n"
    " \"horizon\": {\"start\": \"2026-12-01\", \"end\": \"2026-12-31\"},\n"
    " \"family\": {\"home\": {\"lat\": 35.7796, \"lon\": -78.6382},\n"
    "   \"overnight\": {\"allowed\": true, \"lodging\": \"rmh\"}},\n"
    " \"places\": [\n"
    "   {\"id\": \"unc\", \"lat\": 35.904, \"lon\": -79.05},\n"
    "   {\"id\": \"lab\", \"lat\": 35.90, \"lon\": -79.04},\n"
    "   {\"id\": \"rmh\", \"kind\": \"lodging\", \"lat\": 35.91, \"lon\": -79.06},\n"
    "   {\"id\": \"chi\", \"lat\": 41.88, \"lon\": -87.62, \"timezone\": \"America/Chicago\"}],\n"
    " \"providers\": [\n"
    "   {\"id\": \"neuro\", \"in_person\": {\"place\": \"unc\", \"hours\": [{\"days\": "
    "\"MO,TU,WE\", "
    "\"from\": \"08:00\", \"to\": \"17:00\"}]}},\n"
    "   {\"id\": \"lab\", \"in_person\": {\"place\": \"lab\", \"hours\": [{\"days\": \"TU\", "
    "\"from\": \"08:00\", \"to\": \"17:00\"}]}},\n"
    "   {\"id\": \"cardio\", \"in_person\": {\"place\": \"chi\", \"hours\": [{\"days\": \"WE\", "
    "\"from\": \"08:00\", \"to\": \"17:00\"}]}},\n"
    "   {\"id\": \"diet\", \"telehealth\": {\"hours\": [{\"days\": \"TH\", \"from\": \"08:00\", "
    "\"to\": \"17:00\"}]}}],\n"
    " \"visits\": [\n"
    "   {\"id\": \"neuro-fu\", \"provider\": \"neuro\", \"minutes\": 40},\n"
    "   {\"id\": \"cbc\", \"provider\": \"lab\", \"minutes\": 20},\n"
    "   {\"id\": \"echo\", \"provider\": \"cardio\", \"minutes\": 45},\n"
    "   {\"id\": \"nutrition\", \"provider\": \"diet\", \"minutes\": 30, \"modes\": "
    "[\"telehealth\"]},\n"
    "   {\"id\": \"eeg\", \"provider\": \"neuro\", \"minutes\": 60}]}\n";

struct fixture {
    char dir[64];
    struct sched_case c;
};

static cal_time at(const char *s)
{
    cal_time t;
    assert_int_equal(cal_parse_rfc3339(s, &t), 0);
    return t;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct careday_error err = {0};
    char path[128];
    FILE *fp;

    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/careday-plan-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(path, sizeof path, "%s/case.json", f->dir);
    fp = fopen(path, "w");
    if (!fp)
        return -1;
    fputs(case_json, fp);
    fclose(fp);
    if (adapt_case_load(path, &f->c, NULL, &err) != 0) {
        fprintf(stderr, "load: %s: %s\n", err.path, err.text);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];

    sched_case_free(&f->c);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* Two trip days joined by a night at the lodging, a video visit, one visit
 * left out. Visits: 0 neuro-fu, 1 cbc, 2 echo, 3 nutrition, 4 eeg; places:
 * 0 unc, 1 lab, 2 rmh, 3 chi. */
static struct sched_plan *hand_plan(void)
{
    struct sched_plan *p = calloc(1, sizeof *p);

    assert_non_null(p);
    p->status = SCHED_STATUS_FEASIBLE;
    p->objective = 5234;
    p->bound = 5100;
    p->gap = 0.0256;
    p->solve_ms = 1234;
    p->nappts = 4;
    p->appts = calloc(4, sizeof *p->appts);
    p->ntrips = 2;
    p->trips = calloc(2, sizeof *p->trips);
    p->nunscheduled = 1;
    p->unscheduled = calloc(1, sizeof *p->unscheduled);
    assert_true(p->appts && p->trips && p->unscheduled);

    p->appts[0] = (struct sched_appt){
        0, SCHED_IN_PERSON, at("2026-12-08T09:00:00-05:00"), at("2026-12-08T09:40:00-05:00"), 0,
        0, SCHED_PROPOSED};
    p->appts[1] = (struct sched_appt){
        1, SCHED_IN_PERSON, at("2026-12-08T10:00:00-05:00"), at("2026-12-08T10:20:00-05:00"), 1,
        0, SCHED_PROPOSED};
    p->appts[2] = (struct sched_appt){
        2, SCHED_IN_PERSON, at("2026-12-09T15:00:00Z"), at("2026-12-09T15:45:00Z"), 3,
        1, SCHED_PROPOSED};
    p->appts[3] = (struct sched_appt){
        3,  SCHED_TELEHEALTH, at("2026-12-10T17:00:00Z"), at("2026-12-10T17:30:00Z"), -1,
        -1, SCHED_PROPOSED};
    p->trips[0].day = cal_days_from_civil(2026, 12, 8);
    p->trips[0].depart = at("2026-12-08T13:06:00Z");
    p->trips[0].ret = at("2026-12-08T15:45:00Z");
    p->trips[0].first_place = 0;
    p->trips[0].last_place = 1;
    p->trips[0].nvisits = 2;
    p->trips[0].travel_minutes = 61;
    p->trips[0].overnight_after = true;
    p->trips[1].day = cal_days_from_civil(2026, 12, 9);
    p->trips[1].depart = at("2026-12-09T12:00:00Z");
    p->trips[1].ret = at("2026-12-09T23:30:00Z");
    p->trips[1].first_place = 3;
    p->trips[1].last_place = 3;
    p->trips[1].nvisits = 1;
    p->trips[1].travel_minutes = 900;
    p->trips[1].from_lodging = true;
    p->unscheduled[0].visit = 4;
    p->unscheduled[0].code = SCHED_REASON_NURSE;
    p->unscheduled[0].other = -1;
    p->unscheduled[0].from = cal_days_from_civil(2026, 12, 1);
    p->unscheduled[0].to = cal_days_from_civil(2026, 12, 31);
    p->metrics = (struct sched_metrics){2, 3, 1, 0, 961, 1, 1, 3};
    return p;
}

static char *read_text(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = calloc(1, (size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    return buf;
}

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("%s is not a string", key);
    return json_string_value(v);
}

static void test_plan_json(void **state)
{
    struct fixture *f = *state;
    struct sched_plan *plan = hand_plan(), *base = hand_plan();
    struct out_options o = {0};
    struct careday_error err = {0};
    char path[128], *text;
    json_t *root, *a, *t, *m;
    /* Top-level keys: indented by two spaces, nothing else is. */
    const char *order[] = {"\n  \"careday\"",    "\n  \"case\"",         "\n  \"timezone\"",
                           "\n  \"status\"",     "\n  \"objective\"",    "\n  \"bound\"",
                           "\n  \"gap\"",        "\n  \"solve_ms\"",     "\n  \"metrics\"",
                           "\n  \"baseline\"",   "\n  \"appointments\"", "\n  \"trips\"",
                           "\n  \"unscheduled\""};
    const char *prev = NULL;
    size_t i;

    base->status = SCHED_STATUS_PARTIAL;
    base->metrics = (struct sched_metrics){4, 5, 0, 0, 1800, 0, 0, 4};
    assert_int_equal(out_write_plan_json(f->dir, &f->c, plan, base, &o, &err), 0);
    snprintf(path, sizeof path, "%s/plan.json", f->dir);
    text = read_text(path);

    /* Top-level keys in the documented order, pretty-printed, final newline. */
    for (i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *p = strstr(text, order[i]);
        if (!p || (prev && p < prev))
            fail_msg("key %s missing or out of order", order[i]);
        prev = p;
    }
    assert_true(strncmp(text, "{\n  \"careday\": 1,\n", 18) == 0);
    assert_int_equal(text[strlen(text) - 1], '\n');

    root = json_loads(text, 0, NULL);
    assert_non_null(root);
    assert_int_equal(json_integer_value(json_object_get(root, "careday")), 1);
    assert_string_equal(str(root, "case"), "rivera");
    assert_string_equal(str(root, "timezone"), "America/New_York");
    assert_string_equal(str(root, "status"), "feasible");
    assert_true(json_real_value(json_object_get(root, "objective")) == 5234);
    assert_true(json_real_value(json_object_get(root, "bound")) == 5100);
    assert_true(fabs(json_real_value(json_object_get(root, "gap")) - 0.0256) < 1e-12);
    assert_int_equal(json_integer_value(json_object_get(root, "solve_ms")), 1234);

    m = json_object_get(root, "metrics");
    assert_int_equal(json_object_size(m), 8);
    assert_int_equal(json_integer_value(json_object_get(m, "trips")), 2);
    assert_int_equal(json_integer_value(json_object_get(m, "travel_minutes")), 961);
    assert_int_equal(json_integer_value(json_object_get(m, "days_with_care")), 3);
    m = json_object_get(root, "baseline");
    assert_int_equal(json_object_size(m), 8);
    assert_int_equal(json_integer_value(json_object_get(m, "trips")), 4);
    assert_int_equal(json_integer_value(json_object_get(m, "in_person")), 5);

    a = json_object_get(root, "appointments");
    assert_int_equal(json_array_size(a), 4);
    assert_string_equal(str(json_array_get(a, 0), "visit"), "neuro-fu");
    assert_string_equal(str(json_array_get(a, 0), "provider"), "neuro");
    assert_string_equal(str(json_array_get(a, 0), "mode"), "in_person");
    assert_string_equal(str(json_array_get(a, 0), "start"), "2026-12-08T09:00:00-05:00");
    assert_string_equal(str(json_array_get(a, 0), "end"), "2026-12-08T09:40:00-05:00");
    assert_string_equal(str(json_array_get(a, 0), "place"), "unc");
    assert_string_equal(str(json_array_get(a, 0), "trip"), "2026-12-08");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 0), "sequence")), 0);
    /* The Chicago clinic shows Chicago time. */
    assert_string_equal(str(json_array_get(a, 2), "start"), "2026-12-09T09:00:00-06:00");
    assert_string_equal(str(json_array_get(a, 2), "end"), "2026-12-09T09:45:00-06:00");
    assert_string_equal(str(json_array_get(a, 2), "place"), "chi");
    /* Video from home: the case zone, no trip. */
    assert_string_equal(str(json_array_get(a, 3), "mode"), "telehealth");
    assert_string_equal(str(json_array_get(a, 3), "start"), "2026-12-10T12:00:00-05:00");
    assert_string_equal(str(json_array_get(a, 3), "place"), "home");
    assert_true(json_is_null(json_object_get(json_array_get(a, 3), "trip")));

    t = json_object_get(root, "trips");
    assert_int_equal(json_array_size(t), 2);
    assert_string_equal(str(json_array_get(t, 0), "date"), "2026-12-08");
    assert_string_equal(str(json_array_get(t, 0), "place"), "unc");
    {
        json_t *places = json_object_get(json_array_get(t, 0), "places");
        json_t *visits = json_object_get(json_array_get(t, 0), "visits");
        assert_int_equal(json_array_size(places), 2);
        assert_string_equal(json_string_value(json_array_get(places, 0)), "unc");
        assert_string_equal(json_string_value(json_array_get(places, 1)), "lab");
        assert_int_equal(json_array_size(visits), 2);
        assert_string_equal(json_string_value(json_array_get(visits, 0)), "neuro-fu");
        assert_string_equal(json_string_value(json_array_get(visits, 1)), "cbc");
    }
    assert_string_equal(str(json_array_get(t, 0), "depart"), "2026-12-08T08:06:00-05:00");
    assert_string_equal(str(json_array_get(t, 0), "return"), "2026-12-08T10:45:00-05:00");
    assert_true(json_is_true(json_object_get(json_array_get(t, 0), "overnight_after")));
    assert_int_equal(json_integer_value(json_object_get(json_array_get(t, 0), "travel_minutes")),
                     61);
    assert_string_equal(str(json_array_get(t, 1), "place"), "chi");
    assert_true(json_is_false(json_object_get(json_array_get(t, 1), "overnight_after")));

    a = json_object_get(root, "unscheduled");
    assert_int_equal(json_array_size(a), 1);
    assert_string_equal(str(json_array_get(a, 0), "visit"), "eeg");
    assert_string_equal(str(json_array_get(a, 0), "code"), "nurse");
    /* The coordinator's sentence, composed from the code and its data. */
    assert_string_equal(str(json_array_get(a, 0), "reason"),
                        "the provider's open times between 2026-12-01 and 2026-12-31 that suit "
                        "the family have no home-nursing shift to cover them");

    json_decref(root);
    free(text);
    sched_plan_free(plan);
    sched_plan_free(base);
}

/* No baseline: null. Numbers that are not finite: null, not a broken file. */
static void test_plan_json_nulls(void **state)
{
    struct fixture *f = *state;
    struct sched_plan *plan = hand_plan();
    struct out_options o = {0};
    struct careday_error err = {0};
    char path[128], *text;
    json_t *root;

    plan->status = SCHED_STATUS_PARTIAL;
    plan->bound = -INFINITY;
    plan->gap = NAN;
    assert_int_equal(out_write_plan_json(f->dir, &f->c, plan, NULL, &o, &err), 0);
    snprintf(path, sizeof path, "%s/plan.json", f->dir);
    text = read_text(path);
    root = json_loads(text, 0, NULL);
    assert_non_null(root);
    assert_string_equal(str(root, "status"), "partial");
    assert_true(json_is_null(json_object_get(root, "bound")));
    assert_true(json_is_null(json_object_get(root, "gap")));
    assert_true(json_is_null(json_object_get(root, "baseline")));
    assert_true(json_is_real(json_object_get(root, "objective")));
    json_decref(root);
    free(text);
    sched_plan_free(plan);
}

/* Re-planning against the plan.json already in the folder: an unchanged
 * appointment keeps its SEQUENCE, a moved one counts up, twice in a row. */
static void test_plan_json_sequence(void **state)
{
    struct fixture *f = *state;
    struct sched_plan *plan = hand_plan();
    struct out_options o = {0};
    struct careday_error err = {0};
    char path[128], *text;
    json_t *root, *a;
    int round;

    assert_int_equal(out_write_plan_json(f->dir, &f->c, plan, NULL, &o, &err), 0);
    snprintf(path, sizeof path, "%s/plan.json", f->dir);
    o.previous_plan = path;
    for (round = 1; round <= 2; round++) {
        /* The video visit moves by an hour each round. */
        plan->appts[3].start += 3600;
        plan->appts[3].end += 3600;
        assert_int_equal(out_write_plan_json(f->dir, &f->c, plan, NULL, &o, &err), 0);
        text = read_text(path);
        root = json_loads(text, 0, NULL);
        assert_non_null(root);
        a = json_object_get(root, "appointments");
        assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 0), "sequence")), 0);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 3), "sequence")),
                         round);
        json_decref(root);
        free(text);
    }
    sched_plan_free(plan);
}

/* An earlier plan that is not a plan: bad input naming it, nothing written. */
static void test_plan_json_bad_previous(void **state)
{
    struct fixture *f = *state;
    struct sched_plan *plan = hand_plan();
    struct out_options o = {0};
    struct careday_error err = {0};
    char path[128], out[128];
    FILE *fp;

    snprintf(path, sizeof path, "%s/old.json", f->dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("{\"appointments\": 3}", fp);
    fclose(fp);
    o.previous_plan = path;
    assert_int_equal(out_write_plan_json(f->dir, &f->c, plan, NULL, &o, &err), ADAPT_EINPUT);
    assert_string_equal(err.file, path);
    snprintf(out, sizeof out, "%s/plan.json", f->dir);
    assert_int_equal(access(out, F_OK), -1);
    sched_plan_free(plan);
}

/* A folder that does not exist: an error naming the file, nothing written. */
static void test_plan_json_bad_folder(void **state)
{
    struct fixture *f = *state;
    struct sched_plan *plan = hand_plan();
    struct out_options o = {0};
    struct careday_error err = {0};
    char dir[128];

    snprintf(dir, sizeof dir, "%s/missing", f->dir);
    assert_int_equal(out_write_plan_json(dir, &f->c, plan, NULL, &o, &err), ADAPT_EINTERNAL);
    assert_non_null(strstr(err.file, "missing/plan.json"));
    sched_plan_free(plan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plan_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_json_nulls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_json_bad_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_json_sequence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_json_bad_previous, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
