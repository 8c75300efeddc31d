/*
 * The shared helpers of calendars/util.h: a growable array, the string
 * builder, strdup and mkdir -p, each also when an allocation fails.
 */
#include <errno.h>
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

#include "calendars/util.h"

static void test_grow(void **state)
{
    (void)state;
    int *v = NULL;
    size_t cap = 0;
    assert_int_equal(cal_grow(&v, &cap, 0, sizeof *v), 0); /* nothing needed */
    assert_null(v);
    for (size_t n = 0; n < 1000; n++) {
        assert_int_equal(cal_grow(&v, &cap, n + 1, sizeof *v), 0);
        assert_true(cap >= n + 1);
        v[n] = (int)n;
    }
    for (size_t n = 0; n < 1000; n++)
        assert_int_equal(v[n], (int)n);
    /* A size that would overflow is refused, the array kept. */
    size_t before = cap;
    int *keep = v;
    assert_int_equal(cal_grow(&v, &cap, SIZE_MAX / 2, sizeof *v), -1);
    assert_ptr_equal(v, keep);
    assert_int_equal(cap, before);
    /* Out of memory: refused, the array kept. */
    cal_alloc_fail_after(0);
    assert_int_equal(cal_grow(&v, &cap, cap + 1, sizeof *v), -1);
    cal_alloc_fail_after(-1);
    assert_ptr_equal(v, keep);
    assert_int_equal(cap, before);
    assert_int_equal(v[999], 999);
    free(v);
}

static void test_buf(void **state)
{
    (void)state;
    struct cal_buf b = {0};
    cal_buf_add(&b, "Trip to ");
    cal_buf_addf(&b, "%s at %02d:%02d", "Chattanooga", 9, 5);
    cal_buf_addn(&b, "!??", 1);
    cal_buf_add(&b, NULL);
    assert_false(b.oom);
    assert_string_equal(b.s, "Trip to Chattanooga at 09:05!");
    assert_int_equal(b.len, strlen(b.s));
    for (int i = 0; i < 10000; i++)
        cal_buf_addf(&b, "%d,", i % 10);
    assert_int_equal(b.len, 29 + 20000);
    assert_int_equal(strlen(b.s), b.len);
    cal_buf_free(&b);
    assert_null(b.s);
    assert_int_equal(b.len, 0);

    /* Out of memory sticks: later additions are dropped. */
    cal_alloc_fail_after(0);
    cal_buf_add(&b, "lost");
    cal_alloc_fail_after(-1);
    assert_true(b.oom);
    cal_buf_add(&b, "also lost");
    assert_true(b.oom);
    assert_null(b.s);
    cal_buf_free(&b);
    assert_false(b.oom);
    cal_buf_free(NULL);
}

static void test_strdup(void **state)
{
    (void)state;
    char *s = cal_strdup("Ronald McDonald House");
    assert_string_equal(s, "Ronald McDonald House");
    free(s);
    assert_null(cal_strdup(NULL));
    cal_alloc_fail_after(0);
    assert_null(cal_strdup("x"));
    cal_alloc_fail_after(-1);
}

static void test_mkdir_p(void **state)
{
    (void)state;
    char root[] = "/tmp/careday-util-XXXXXX";
    assert_non_null(mkdtemp(root));
    char path[512], failed[512];
    snprintf(path, sizeof path, "%s/a/b/c", root);
    assert_int_equal(cal_mkdir_p(path, 0755, failed, sizeof failed), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(cal_mkdir_p(path, 0755, NULL, 0), 0); /* already there */

    /* A file in the way: fails, naming the folder it could not make. */
    char file[512];
    snprintf(file, sizeof file, "%s/a/f", root);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(path, sizeof path, "%s/a/f/g", root);
    assert_int_equal(cal_mkdir_p(path, 0755, failed, sizeof failed), -1);
    assert_int_equal(errno, ENOTDIR);
    assert_string_equal(failed, path);
    assert_int_equal(cal_mkdir_p("", 0755, failed, sizeof failed), -1);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grow),
        cmocka_unit_test(test_buf),
        cmocka_unit_test(test_strdup),
        cmocka_unit_test(test_mkdir_p),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
