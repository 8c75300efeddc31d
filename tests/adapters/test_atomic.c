/*
 * adapt_write_atomic: the file holds exactly what was written, replaces
 * what was there, and no temp file is left behind, on success or failure.
 */
#include "adapters/adapters.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmp_files.h"

static int setup(void **state)
{
    return tmp_fixture_setup(state, "atomic");
}

/* Names in dir, sorted into one comma-separated string. */
static void listing(const char *dir, char *out, size_t size)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort), i;

    assert_true(n >= 0);
    out[0] = '\0';
    for (i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            size_t len = strlen(out);
            snprintf(out + len, size - len, "%s%s", len ? "," : "", names[i]->d_name);
        }
        free(names[i]);
    }
    free(names);
}

static void test_writes_exact_bytes(void **state)
{
    struct tmp_fixture *f = *state;
    struct careday_error err = {0};
    char path[128], names[256];
    const char data[] = "BEGIN:VCALENDAR\r\n\0binary\r\nEND:VCALENDAR\r\n";
    size_t len;
    char *got;
    struct stat st;

    snprintf(path, sizeof path, "%s/family.ics", f->dir);
    assert_int_equal(adapt_write_atomic(path, data, sizeof data - 1, &err), 0);
    got = must_read_back(path, &len);
    assert_int_equal(len, sizeof data - 1);
    assert_memory_equal(got, data, len);
    free(got);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    listing(f->dir, names, sizeof names);
    assert_string_equal(names, "family.ics");
}

static void test_replaces_existing(void **state)
{
    struct tmp_fixture *f = *state;
    struct careday_error err = {0};
    char path[128], names[256];
    size_t len;
    char *got;

    snprintf(path, sizeof path, "%s/plan.json", f->dir);
    assert_int_equal(adapt_write_atomic(path, "a much longer first version\n", 28, &err), 0);
    assert_int_equal(adapt_write_atomic(path, "{}\n", 3, &err), 0);
    got = must_read_back(path, &len);
    assert_int_equal(len, 3);
    assert_string_equal(got, "{}\n");
    free(got);
    listing(f->dir, names, sizeof names);
    assert_string_equal(names, "plan.json");
}

static void test_empty_file(void **state)
{
    struct tmp_fixture *f = *state;
    struct careday_error err = {0};
    char path[128];
    size_t len;
    char *got;

    snprintf(path, sizeof path, "%s/empty", f->dir);
    assert_int_equal(adapt_write_atomic(path, "", 0, &err), 0);
    got = must_read_back(path, &len);
    assert_int_equal(len, 0);
    free(got);
}

static void test_missing_folder_fails(void **state)
{
    struct tmp_fixture *f = *state;
    struct careday_error err = {0};
    char path[128];

    snprintf(path, sizeof path, "%s/no-such-folder/plan.json", f->dir);
    assert_int_equal(adapt_write_atomic(path, "{}", 2, &err), ADAPT_EINTERNAL);
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.text, "No such file or directory"));
}

/* Renaming onto a non-empty folder fails after the temp file was written:
 * the temp file must be gone and the folder untouched. */
static void test_failed_rename_leaves_no_temp(void **state)
{
    struct tmp_fixture *f = *state;
    struct careday_error err = {0};
    char path[128], inner[160], names[256];

    snprintf(path, sizeof path, "%s/providers", f->dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(inner, sizeof inner, "%s/neuro.ics", path);
    assert_int_equal(adapt_write_atomic(inner, "x", 1, &err), 0);
    assert_int_equal(adapt_write_atomic(path, "data", 4, &err), ADAPT_EINTERNAL);
    assert_non_null(strstr(err.text, "cannot replace the file"));
    listing(f->dir, names, sizeof names);
    assert_string_equal(names, "providers");
    listing(path, names, sizeof names);
    assert_string_equal(names, "neuro.ics");
}

/* A file name relative to the current folder works too. */
static void test_relative_path(void **state)
{
    struct tmp_fixture *f = *state;
    struct careday_error err = {0};
    char cwd[512], names[256];

    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(f->dir), 0);
    assert_int_equal(adapt_write_atomic("itinerary.html", "<p>hi</p>", 9, &err), 0);
    assert_int_equal(chdir(cwd), 0);
    listing(f->dir, names, sizeof names);
    assert_string_equal(names, "itinerary.html");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_writes_exact_bytes, setup, tmp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_replaces_existing, setup, tmp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_empty_file, setup, tmp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_missing_folder_fails, setup, tmp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_failed_rename_leaves_no_temp, setup,
                                        tmp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_relative_path, setup, tmp_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
