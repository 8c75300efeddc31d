/*
 * `careday gen`: the same seed writes byte-identical files, another seed
 * writes other files, and every case it writes loads cleanly (no error, no
 * warning) with the shape the benchmark relies on.
 */
#include "adapters/adapters.h"
#include "adapters/cli/commands.h"

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
    return tmp_fixture_setup(state, "gen");
}

static int run_gen(const char *families, const char *seed, const char *out)
{
    char *argv[] = {"gen",        "--families", (char *)families, "--seed",
                    (char *)seed, "-o",         (char *)out,      NULL};
    return cli_gen(7, argv);
}

/* Every regular file under a/rel exists under b/rel with the same bytes;
 * returns how many files were compared. */
static int compare_trees(const char *a, const char *b, const char *rel)
{
    char pa[1024], pb[1024];
    struct dirent *e;
    DIR *d;
    int count = 0;

    snprintf(pa, sizeof pa, "%s%s%s", a, *rel ? "/" : "", rel);
    d = opendir(pa);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        char sub[512], fa[1024];
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        snprintf(fa, sizeof fa, "%s/%s", a, sub);
        assert_int_equal(stat(fa, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            count += compare_trees(a, b, sub);
            continue;
        }
        size_t la, lb;
        char *ca = must_read_back(fa, &la), *cb;
        snprintf(pb, sizeof pb, "%s/%s", b, sub);
        cb = read_back(pb, &lb);
        if (!cb)
            fail_msg("%s is missing from the second run", sub);
        if (la != lb || memcmp(ca, cb, la) != 0)
            fail_msg("%s differs between two runs with the same seed", sub);
        free(ca);
        free(cb);
        count++;
    }
    closedir(d);
    return count;
}

static int count_files(const char *dir)
{
    char p[1024];
    struct dirent *e;
    DIR *d = opendir(dir);
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        assert_int_equal(stat(p, &st), 0);
        n += S_ISDIR(st.st_mode) ? count_files(p) : 1;
    }
    closedir(d);
    return n;
}

static void test_same_seed_same_bytes(void **state)
{
    struct tmp_fixture *f = *state;
    char a[128], b[128];

    snprintf(a, sizeof a, "%s/a", f->dir);
    snprintf(b, sizeof b, "%s/b", f->dir);
    assert_int_equal(run_gen("3", "42", a), 0);
    assert_int_equal(run_gen("3", "42", b), 0);
    int n = compare_trees(a, b, "");
    assert_true(n > 10);
    assert_int_equal(count_files(b), n);
}

static void test_other_seed_other_cases(void **state)
{
    struct tmp_fixture *f = *state;
    char a[128], b[128], pa[160], pb[160];
    size_t la, lb;

    snprintf(a, sizeof a, "%s/a", f->dir);
    snprintf(b, sizeof b, "%s/b", f->dir);
    assert_int_equal(run_gen("1", "1", a), 0);
    assert_int_equal(run_gen("1", "2", b), 0);
    snprintf(pa, sizeof pa, "%s/family-001.json", a);
    snprintf(pb, sizeof pb, "%s/family-001.json", b);
    char *ca = read_back(pa, &la), *cb = read_back(pb, &lb);
    assert_non_null(ca);
    assert_non_null(cb);
    assert_true(la != lb || memcmp(ca, cb, la) != 0);
    free(ca);
    free(cb);
    /* One family: no caseload file. */
    snprintf(pa, sizeof pa, "%s/caseload.json", a);
    assert_int_not_equal(access(pa, F_OK), 0);
}

/* Load a generated case: no error, no warning, and the published shape. */
static void check_case(const char *path)
{
    struct sched_case c;
    struct careday_notes warn = {0};
    struct careday_error err = {0};
    int rc = adapt_case_load(path, &c, &warn, &err);
    size_t i, due = 0, tele = 0;
    bool spec_seen[64] = {false};
    int nspec = 0, nclinics = 0;

    if (rc != 0) {
        char msg[2048];
        careday_error_format(&err, msg, sizeof msg);
        fail_msg("%s does not load: %s", path, msg);
    }
    for (i = 0; i < warn.n; i++) {
        char msg[2048];
        careday_error_format(&warn.v[i], msg, sizeof msg);
        print_error("warning: %s\n", msg);
    }
    assert_int_equal(warn.n, 0);
    for (i = 0; i < c.nvisits; i++) {
        const struct sched_visit *v = &c.visits[i];
        if (v->booked)
            continue;
        due++;
        if (v->modes & (1u << SCHED_TELEHEALTH))
            tele++;
        if (!spec_seen[v->provider]) {
            spec_seen[v->provider] = true;
            nspec++;
        }
    }
    for (i = 0; i < c.nplaces; i++)
        nclinics += !c.places[i].lodging;
    assert_in_range(due, 8, 15);
    /* Providers here are one per specialty (labs aside, at most one a case
     * for a specialty): 6-10 specialties, 2-3 clinics. */
    assert_in_range(nspec, 6, 11);
    assert_in_range(nclinics, 2, 3);
    /* 30-40 % of visits may be done by video (rounded on small counts). */
    assert_true(tele * 100 >= due * 25 && tele * 100 <= due * 45);
    /* Round trips of 40-250 minutes. */
    for (i = 0; i < c.nplaces; i++) {
        if (c.places[i].lodging)
            continue;
        int rt = sched_travel(&c, -1, (int)i) + sched_travel(&c, (int)i, -1) + c.park_minutes;
        assert_in_range(rt, 40, 250);
    }
    careday_notes_free(&warn);
    sched_case_free(&c);
}

static void test_cases_load_cleanly(void **state)
{
    struct tmp_fixture *f = *state;
    char out[128], path[192];
    static const char *const seeds[] = {"1", "2", "3", "5", "8", "13", "21", "34"};

    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        snprintf(out, sizeof out, "%s/s%s", f->dir, seeds[s]);
        assert_int_equal(run_gen("1", seeds[s], out), 0);
        snprintf(path, sizeof path, "%s/family-001.json", out);
        check_case(path);
    }
}

static void test_caseload_shares_providers(void **state)
{
    struct tmp_fixture *f = *state;
    char out[128], path[192];
    size_t len;

    snprintf(out, sizeof out, "%s/batch", f->dir);
    assert_int_equal(run_gen("6", "7", out), 0);
    snprintf(path, sizeof path, "%s/caseload.json", out);
    char *text = read_back(path, &len);
    assert_non_null(text);
    assert_non_null(strstr(text, "\"family-006.json\""));
    free(text);
    for (int i = 1; i <= 6; i++) {
        snprintf(path, sizeof path, "%s/family-%03d.json", out, i);
        check_case(path);
    }
    /* Shared providers: their calendars exist once, beside the cases. */
    snprintf(path, sizeof path, "%s/calendars/providers/cc-1-clinic.ics", out);
    assert_int_equal(access(path, F_OK), 0);
}

/* The size knobs of the scale study: about the visits asked for, exactly
 * the weeks and the clinics, and a case that loads without a warning. */
static void check_sized(const char *dir, const char *visits, const char *weeks, const char *places,
                        int want_visits, int want_weeks, int want_clinics)
{
    char path[192];
    char *argv[] = {"gen",          "--seed",  "3",           "--visits",
                    (char *)visits, "--weeks", (char *)weeks, "--places",
                    (char *)places, "-o",      (char *)dir,   NULL};
    assert_int_equal(cli_gen(11, argv), 0);
    snprintf(path, sizeof path, "%s/family-001.json", dir);
    struct sched_case c;
    struct careday_notes warn = {0};
    struct careday_error err = {0};
    assert_int_equal(adapt_case_load(path, &c, &warn, &err), 0);
    assert_int_equal(warn.n, 0);
    int due = 0, clinics = 0;
    for (size_t i = 0; i < c.nvisits; i++)
        due += !c.visits[i].booked;
    for (size_t i = 0; i < c.nplaces; i++)
        clinics += !c.places[i].lodging;
    assert_in_range(due, want_visits - want_visits / 10, want_visits + 2); /* about V */
    assert_int_equal(c.horizon_end - c.horizon_start + 1, 7 * want_weeks);
    assert_int_equal(clinics, want_clinics);
    careday_notes_free(&warn);
    sched_case_free(&c);
}

static void test_size_knobs(void **state)
{
    struct tmp_fixture *f = *state;
    char out[128];
    snprintf(out, sizeof out, "%s/big", f->dir);
    check_sized(out, "40", "26", "5", 40, 26, 5);
    snprintf(out, sizeof out, "%s/mid", f->dir);
    check_sized(out, "20", "12", "3", 20, 12, 3);
    snprintf(out, sizeof out, "%s/small", f->dir);
    check_sized(out, "10", "6", "2", 10, 6, 2);
    char *bad_visits[] = {"gen", "--visits", "41", "-o", f->dir, NULL};
    char *bad_weeks[] = {"gen", "--weeks=0", "-o", f->dir, NULL};
    char *bad_places[] = {"gen", "--places", "6", "-o", f->dir, NULL};
    assert_int_equal(cli_gen(5, bad_visits), CLI_EXIT_BAD_INPUT);
    assert_int_equal(cli_gen(4, bad_weeks), CLI_EXIT_BAD_INPUT);
    assert_int_equal(cli_gen(5, bad_places), CLI_EXIT_BAD_INPUT);
}

static void test_usage_errors(void **state)
{
    struct tmp_fixture *f = *state;
    char *no_out[] = {"gen", "--seed", "3", NULL};
    char *bad_fam[] = {"gen", "--families", "0", "-o", f->dir, NULL};
    char *bad_seed[] = {"gen", "--seed", "x1", "-o", f->dir, NULL};
    char *unknown[] = {"gen", "--fast", "-o", f->dir, NULL};

    assert_int_equal(cli_gen(3, no_out), CLI_EXIT_BAD_INPUT);
    assert_int_equal(cli_gen(5, bad_fam), CLI_EXIT_BAD_INPUT);
    assert_int_equal(cli_gen(5, bad_seed), CLI_EXIT_BAD_INPUT);
    assert_int_equal(cli_gen(4, unknown), CLI_EXIT_BAD_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same_seed_same_bytes, setup, tmp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_size_knobs, setup, tmp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_other_seed_other_cases, setup, tmp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_cases_load_cleanly, setup, tmp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_caseload_shares_providers, setup,
                                        tmp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_usage_errors, setup, tmp_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
