/*
 * One allocation wrapper for the whole program: after the process-wide
 * set-up, jansson and the solver allocate through it too, so making the
 * N-th allocation fail reaches them; and a JSON file that cannot be read
 * for want of memory is reported as that (exit 1), never as a malformed
 * file (exit 2, "fix your input").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "adapters/adapters.h"
#include "adapters/json_file.h"
#include "calendars/util.h"
#include "solver/solver.h"

static int setup(void **state)
{
    (void)state;
    return adapt_global_init();
}

static int teardown(void **state)
{
    (void)state;
    adapt_global_cleanup();
    return 0;
}

static void test_counts(void **state)
{
    (void)state;
    long n0 = cal_alloc_count(), f0 = cal_alloc_failures();
    free(cal_malloc(10));
    assert_int_equal(cal_alloc_count(), n0 + 1);
    assert_int_equal(cal_alloc_failures(), f0);
    cal_alloc_fail_after(0);
    assert_null(cal_calloc(2, 8));
    cal_alloc_fail_after(-1);
    assert_int_equal(cal_alloc_count(), n0 + 2);
    assert_int_equal(cal_alloc_failures(), f0 + 1);
}

/* jansson and the solver allocate through the wrapper once set up. */
static void test_libraries_use_the_wrapper(void **state)
{
    (void)state;
    long n0 = cal_alloc_count();
    json_t *o = json_object();
    assert_non_null(o);
    assert_int_equal(json_object_set_new(o, "a", json_integer(1)), 0);
    json_decref(o);
    assert_true(cal_alloc_count() > n0);

    n0 = cal_alloc_count();
    solver_model *m = solver_model_new();
    assert_non_null(m);
    solver_model_free(m);
    assert_true(cal_alloc_count() > n0);

    cal_alloc_fail_after(0);
    assert_null(json_object());
    assert_null(solver_model_new());
    cal_alloc_fail_after(-1);
}

/* Every allocation of reading the example case fails in turn: each is
 * reported as out of memory (ADAPT_EINTERNAL), none as bad input; it
 * returned "malformed JSON at line -1" (ADAPT_EINPUT) before. */
static void test_json_file_out_of_memory(void **state)
{
    (void)state;
    const char *path = CAREDAY_SOURCE_DIR "/examples/rivera-winter.json";
    json_t *root = NULL;
    struct careday_error err;
    long n0 = cal_alloc_count();
    assert_int_equal(adapt_json_file(path, "a case file", &root, &err), 0);
    long total = cal_alloc_count() - n0;
    json_decref(root);
    assert_true(total > 100);
    /* Every N near the start and the end, every 7th in between. */
    for (long n = 0; n < total; n += (n < 50 || n > total - 50) ? 1 : 7) {
        root = NULL;
        memset(&err, 0, sizeof err);
        cal_alloc_fail_after(n);
        int rc = adapt_json_file(path, "a case file", &root, &err);
        cal_alloc_fail_after(-1);
        if (rc != ADAPT_EINTERNAL)
            fail_msg("allocation %ld: %d (%s), expected ADAPT_EINTERNAL", n + 1, rc, err.text);
        assert_null(root);
        assert_non_null(strstr(err.text, "out of memory"));
    }
}

/* The same for a FHIR file (a Bundle of Slots). */
static void test_fhir_out_of_memory(void **state)
{
    (void)state;
    const char *path = CAREDAY_SOURCE_DIR "/examples/slots/home-draws.json";
    struct cal_read_options opt = {0};
    assert_int_equal(cal_parse_rfc3339("2026-12-01T00:00:00Z", &opt.from), 0);
    assert_int_equal(cal_parse_rfc3339("2027-01-01T00:00:00Z", &opt.to), 0);
    struct cal_import im = {0};
    long n0 = cal_alloc_count();
    assert_int_equal(fhir_read_slots_file(path, NULL, &opt, &im, NULL, NULL), 0);
    long total = cal_alloc_count() - n0;
    cal_import_free(&im);
    for (long n = 0; n < total; n++) {
        struct careday_error err = {0};
        memset(&im, 0, sizeof im);
        cal_alloc_fail_after(n);
        int rc = fhir_read_slots_file(path, NULL, &opt, &im, NULL, &err);
        cal_alloc_fail_after(-1);
        cal_import_free(&im);
        if (adapt_exit_code(rc) != CLI_EXIT_INTERNAL)
            fail_msg("allocation %ld: %d (%s), expected an internal error", n + 1, rc, err.text);
        assert_non_null(strstr(err.text, "out of memory"));
    }
}

/* Every allocation of loading a whole case (its time zone, a place's own
 * time zone, hours, travel) fails in turn: each is out of memory, none bad
 * input. A failed time zone was "unknown time zone \"America/Chicago\""
 * (exit 2) before. */
static void test_case_out_of_memory(void **state)
{
    (void)state;
    const char *path = CAREDAY_SOURCE_DIR "/tests/data/cases/out-of-state-zone/case.json";
    struct adapt_load_options o = {.offline = true};
    struct sched_case c;
    memset(&c, 0, sizeof c);
    long n0 = cal_alloc_count();
    assert_int_equal(adapt_case_load_with(path, &o, &c, NULL, NULL), 0);
    long total = cal_alloc_count() - n0;
    sched_case_free(&c);
    assert_true(total > 50);
    for (long n = 0; n < total; n++) {
        struct careday_error err = {0};
        memset(&c, 0, sizeof c);
        cal_alloc_fail_after(n);
        int rc = adapt_case_load_with(path, &o, &c, NULL, &err);
        cal_alloc_fail_after(-1);
        if (rc == 0)
            sched_case_free(&c);
        if (rc != ADAPT_EINTERNAL)
            fail_msg("allocation %ld of %ld: %d (%s), expected ADAPT_EINTERNAL", n + 1, total, rc,
                     err.text);
        assert_non_null(strstr(err.text, "out of memory"));
    }
}

/* The same for reading a caseload file: a failure after its JSON was read
 * freed arrays it had not made (UBSan: load of a null pointer). */
static void test_caseload_out_of_memory(void **state)
{
    (void)state;
    const char *path = CAREDAY_SOURCE_DIR "/tests/data/batch/one-slot/caseload.json";
    struct adapt_caseload cl;
    struct careday_error err;
    long n0 = cal_alloc_count();
    assert_int_equal(adapt_caseload_read(path, &cl, NULL, NULL), 0);
    long total = cal_alloc_count() - n0;
    adapt_caseload_free(&cl);
    for (long n = 0; n < total; n++) {
        memset(&err, 0, sizeof err);
        cal_alloc_fail_after(n);
        int rc = adapt_caseload_read(path, &cl, NULL, &err);
        cal_alloc_fail_after(-1);
        adapt_caseload_free(&cl);
        if (rc != ADAPT_EINTERNAL)
            fail_msg("allocation %ld of %ld: %d (%s), expected ADAPT_EINTERNAL", n + 1, total, rc,
                     err.text);
        assert_non_null(strstr(err.text, "out of memory"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_libraries_use_the_wrapper),
        cmocka_unit_test(test_json_file_out_of_memory),
        cmocka_unit_test(test_fhir_out_of_memory),
        cmocka_unit_test(test_case_out_of_memory),
        cmocka_unit_test(test_caseload_out_of_memory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
