/*
 * careday's one error-code space: every layer's codes in their own range,
 * none shared, each named by careday_strerror, and mapped onto the exit
 * codes in one place.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "adapters/adapters.h"

struct code {
    int value, lo, hi; /* the code and its layer's range */
    const char *name;
};

static const struct code codes[] = {
    {CAL_ENOMEM, CAREDAY_ADAPT_CODES + 1, CAREDAY_CAL_CODES, "CAL_ENOMEM"},
    {CAL_EINVAL, CAREDAY_ADAPT_CODES + 1, CAREDAY_CAL_CODES, "CAL_EINVAL"},
    {CAL_EIO, CAREDAY_ADAPT_CODES + 1, CAREDAY_CAL_CODES, "CAL_EIO"},
    {CAL_EPARSE, CAREDAY_ADAPT_CODES + 1, CAREDAY_CAL_CODES, "CAL_EPARSE"},
    {CAL_ETZ, CAREDAY_ADAPT_CODES + 1, CAREDAY_CAL_CODES, "CAL_ETZ"},
    {CAL_ELIMIT, CAREDAY_ADAPT_CODES + 1, CAREDAY_CAL_CODES, "CAL_ELIMIT"},
    {ADAPT_EINPUT, CAREDAY_SCHED_CODES + 1, CAREDAY_ADAPT_CODES, "ADAPT_EINPUT"},
    {ADAPT_EFETCH, CAREDAY_SCHED_CODES + 1, CAREDAY_ADAPT_CODES, "ADAPT_EFETCH"},
    {ADAPT_EINTERNAL, CAREDAY_SCHED_CODES + 1, CAREDAY_ADAPT_CODES, "ADAPT_EINTERNAL"},
    {SCHED_ENOMEM, CAREDAY_SOLVER_CODES + 1, CAREDAY_SCHED_CODES, "SCHED_ENOMEM"},
    {SCHED_EINVAL, CAREDAY_SOLVER_CODES + 1, CAREDAY_SCHED_CODES, "SCHED_EINVAL"},
    {SCHED_ESOLVER, CAREDAY_SOLVER_CODES + 1, CAREDAY_SCHED_CODES, "SCHED_ESOLVER"},
    {SOLVER_ENOMEM, CAREDAY_LAST_CODE, CAREDAY_SOLVER_CODES, "SOLVER_ENOMEM"},
    {SOLVER_EINVAL, CAREDAY_LAST_CODE, CAREDAY_SOLVER_CODES, "SOLVER_EINVAL"},
    {SOLVER_EBACKEND, CAREDAY_LAST_CODE, CAREDAY_SOLVER_CODES, "SOLVER_EBACKEND"},
};
#define NCODES (sizeof codes / sizeof codes[0])

static void test_codes_in_their_range_and_distinct(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCODES; i++) {
        if (codes[i].value < codes[i].lo || codes[i].value > codes[i].hi)
            fail_msg("%s = %d is outside its layer's range %d .. %d", codes[i].name, codes[i].value,
                     codes[i].lo, codes[i].hi);
        for (size_t j = 0; j < i; j++) {
            if (codes[i].value == codes[j].value)
                fail_msg("%s and %s are both %d", codes[i].name, codes[j].name, codes[i].value);
        }
    }
}

static void test_every_code_named(void **state)
{
    (void)state;
    assert_string_equal(careday_strerror(0), "success");
    for (size_t i = 0; i < NCODES; i++) {
        const char *text = careday_strerror(codes[i].value);
        assert_non_null(text);
        if (strstr(text, "unknown error") || strstr(text, "unknown scheduler") ||
            strstr(text, "unknown solver"))
            fail_msg("careday_strerror(%s) = \"%s\"", codes[i].name, text);
        for (size_t j = 0; j < i; j++) {
            /* Out of memory reads the same in every layer; the rest differ. */
            if (strcmp(text, careday_strerror(codes[j].value)) == 0 && !strstr(text, "memory"))
                fail_msg("%s and %s read the same: \"%s\"", codes[i].name, codes[j].name, text);
        }
    }
    assert_non_null(strstr(careday_strerror(-999), "unknown"));
    assert_string_equal(careday_strerror(SCHED_EINVAL), sched_strerror(SCHED_EINVAL));
    assert_string_equal(careday_strerror(SOLVER_EBACKEND), solver_strerror(SOLVER_EBACKEND));
    assert_string_equal(careday_strerror(CAL_ETZ), cal_strerror(CAL_ETZ));
}

static void test_exit_codes(void **state)
{
    (void)state;
    assert_int_equal(adapt_exit_code(0), CLI_EXIT_OK);
    assert_int_equal(adapt_exit_code(ADAPT_EINPUT), CLI_EXIT_BAD_INPUT);
    assert_int_equal(adapt_exit_code(ADAPT_EFETCH), CLI_EXIT_FETCH);
    assert_int_equal(adapt_exit_code(ADAPT_EINTERNAL), CLI_EXIT_INTERNAL);
    assert_int_equal(adapt_exit_code(SCHED_ENOMEM), CLI_EXIT_INTERNAL);
    assert_int_equal(adapt_exit_code(SOLVER_EBACKEND), CLI_EXIT_INTERNAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes_in_their_range_and_distinct),
        cmocka_unit_test(test_every_code_named),
        cmocka_unit_test(test_exit_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
