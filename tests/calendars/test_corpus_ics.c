/*
 * The real-world calendars of ../shared/corpus/ics, and the DST and fuzz
 * cases of tests/data/ics, each read and compared with a committed
 * expectation.
 *
 * Every file CORPUS/<folder>/<name> (other than icalrecur_test.txt, which
 * test_corpus_recur.c reads) must have tests/data/ics/<folder>/<name>.expected;
 * a missing one fails the test. An expectation is a text file:
 *
 *   # why these are the right intervals (free text, any number of lines)
 *   horizon 2026-02-19 2026-03-01      dates, midnight in the zone below
 *   zone Europe/Berlin                 floating times and all-day dates
 *   meaning busy|available             plain VEVENTs (default busy)
 *   max_instances N                    optional
 *   error: <substring>                 the read must fail with this text
 *   warnings N                         exactly N warnings
 *   warning: <substring>               some warning contains it
 *   busy|available START END [summary] every interval, in the reader's order
 *   set busy|available START END       optional: the final sets, exactly
 *
 * START and END are UTC RFC 3339. Inputs of tests/data/ics/<folder>/ (dst,
 * fuzz) sit next to their expectation.
 *
 *   test_corpus_ics           the shared corpus (skips when it is absent)
 *   test_corpus_ics --data    the cases of tests/data/ics (dst, fuzz)
 * CTest runs both (calendars/test_corpus_ics and calendars/test_ics_data).
 *
 *   test_corpus_ics --print FILE.ics HORIZON-FROM HORIZON-TO ZONE [MEANING]
 * prints what the reader gives, in the expectation's format, for writing
 * new expectations by hand (they are then checked line by line).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "calendars/calendars.h"
#include "tests/shared_corpus.h"

#define CORPUS CAREDAY_SHARED_DIR "/corpus/ics"
#define DATA CAREDAY_SOURCE_DIR "/tests/data/ics"

struct expect {
    char from[16], to[16], zone[64];
    enum cal_meaning meaning;
    size_t max_instances;
    char error[256];
    long nwarnings; /* -1: not checked */
    char **warnings;
    size_t nwarn_subs;
    char **lines; /* event lines */
    size_t nlines;
    char **sets; /* "busy START END" */
    size_t nsets;
    bool check_sets;
};

static char *dup(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    assert_non_null(d);
    strcpy(d, s);
    return d;
}

static void push(char ***v, size_t *n, const char *s)
{
    *v = realloc(*v, (*n + 1) * sizeof **v);
    assert_non_null(*v);
    (*v)[(*n)++] = dup(s);
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void expect_free(struct expect *e)
{
    free_list(e->warnings, e->nwarn_subs);
    free_list(e->lines, e->nlines);
    free_list(e->sets, e->nsets);
}

static bool starts(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* Parse an expectation; false (with a message) if malformed. */
static bool read_expect(const char *path, struct expect *e)
{
    memset(e, 0, sizeof *e);
    e->nwarnings = -1;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        print_error("missing expectation %s\n", path);
        return false;
    }
    char line[4096];
    bool ok = true;
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        if (sscanf(line, "horizon %15s %15s", e->from, e->to) == 2)
            continue;
        if (sscanf(line, "zone %63s", e->zone) == 1)
            continue;
        if (strcmp(line, "meaning available") == 0) {
            e->meaning = CAL_MEANING_AVAILABLE;
            continue;
        }
        if (strcmp(line, "meaning busy") == 0)
            continue;
        if (sscanf(line, "max_instances %zu", &e->max_instances) == 1)
            continue;
        if (sscanf(line, "warnings %ld", &e->nwarnings) == 1)
            continue;
        if (starts(line, "error: ")) {
            snprintf(e->error, sizeof e->error, "%.255s", line + 7);
            continue;
        }
        if (starts(line, "warning: ")) {
            push(&e->warnings, &e->nwarn_subs, line + 9);
            continue;
        }
        if (starts(line, "set ")) {
            push(&e->sets, &e->nsets, line + 4);
            e->check_sets = true;
            continue;
        }
        if (starts(line, "busy ") || starts(line, "available ")) {
            push(&e->lines, &e->nlines, line);
            continue;
        }
        print_error("%s: cannot read \"%s\"\n", path, line);
        ok = false;
    }
    fclose(f);
    if (ok && (e->from[0] == '\0' || e->zone[0] == '\0')) {
        print_error("%s: no horizon or zone\n", path);
        ok = false;
    }
    return ok;
}

/* "busy START END summary" with control characters shown as spaces. */
static void format_event(const struct cal_event *ev, char *buf, size_t size)
{
    char a[40], b[40];
    cal_format_rfc3339(ev->start, 0, true, a, sizeof a);
    cal_format_rfc3339(ev->end, 0, true, b, sizeof b);
    int n = snprintf(buf, size, "%s %s %s", ev->busy ? "busy" : "available", a, b);
    if (ev->summary && ev->summary[0] && n > 0 && (size_t)n < size) {
        snprintf(buf + n, size - (size_t)n, " %s", ev->summary);
        for (char *p = buf + n; *p; p++)
            if ((unsigned char)*p < 0x20)
                *p = ' ';
    }
}

struct result {
    int rc;
    struct careday_error err;
    struct cal_import im;
    struct careday_notes warn;
};

static void run(const char *ics, const char *from, const char *to, const char *zone,
                enum cal_meaning meaning, size_t max_instances, struct result *res)
{
    memset(res, 0, sizeof *res);
    cal_tz *tz = NULL;
    assert_int_equal(cal_tz_open(zone, &tz, NULL), CAL_OK);
    int32_t d1, d2;
    assert_int_equal(cal_parse_date(from, &d1), CAL_OK);
    assert_int_equal(cal_parse_date(to, &d2), CAL_OK);
    struct cal_read_options opt = {.from = cal_tz_local_to_utc(tz, d1, 0),
                                   .to = cal_tz_local_to_utc(tz, d2, 0),
                                   .floating_tz = tz,
                                   .meaning = meaning,
                                   .max_instances = max_instances};
    res->rc = cal_ics_read_file(ics, &opt, &res->im, &res->warn, &res->err);
    cal_tz_free(tz);
}

static void result_free(struct result *res)
{
    cal_import_free(&res->im);
    careday_notes_free(&res->warn);
}

static void print_result(const struct result *res)
{
    char buf[2048];
    if (res->rc != CAL_OK) {
        careday_error_format(&res->err, buf, sizeof buf);
        printf("error: %s\n", buf);
    }
    printf("warnings %zu\n", res->warn.n);
    for (size_t i = 0; i < res->warn.n; i++) {
        careday_error_format(&res->warn.v[i], buf, sizeof buf);
        printf("warning: %s\n", buf);
    }
    for (size_t i = 0; i < res->im.nevents; i++) {
        format_event(&res->im.events[i], buf, sizeof buf);
        printf("%s\n", buf);
    }
    const struct cal_set *sets[2] = {&res->im.busy, &res->im.available};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < sets[k]->n; i++) {
            char a[40], b[40];
            cal_format_rfc3339(sets[k]->iv[i].start, 0, true, a, sizeof a);
            cal_format_rfc3339(sets[k]->iv[i].end, 0, true, b, sizeof b);
            printf("set %s %s %s\n", k ? "available" : "busy", a, b);
        }
}

/* Compare one input with its expectation; returns the number of problems. */
static int check_one(const char *ics, const char *expected)
{
    struct expect e;
    if (!read_expect(expected, &e)) {
        expect_free(&e);
        return 1;
    }
    struct result res;
    run(ics, e.from, e.to, e.zone, e.meaning, e.max_instances, &res);
    int bad = 0;
    char buf[2048];
    if (e.error[0]) {
        careday_error_format(&res.err, buf, sizeof buf);
        if (res.rc == CAL_OK || strstr(buf, e.error) == NULL) {
            print_error("%s: expected error \"%s\", got rc %d \"%s\"\n", ics, e.error, res.rc, buf);
            bad++;
        }
    } else if (res.rc != CAL_OK) {
        careday_error_format(&res.err, buf, sizeof buf);
        print_error("%s: unexpected error: %s\n", ics, buf);
        bad++;
    }
    if (e.nwarnings >= 0 && (size_t)e.nwarnings != res.warn.n) {
        print_error("%s: expected %ld warnings, got %zu\n", ics, e.nwarnings, res.warn.n);
        bad++;
    }
    for (size_t i = 0; i < e.nwarn_subs; i++) {
        bool found = false;
        for (size_t j = 0; j < res.warn.n && !found; j++) {
            careday_error_format(&res.warn.v[j], buf, sizeof buf);
            found = strstr(buf, e.warnings[i]) != NULL;
        }
        if (!found) {
            print_error("%s: no warning contains \"%s\"\n", ics, e.warnings[i]);
            bad++;
        }
    }
    size_t n = res.im.nevents > e.nlines ? res.im.nevents : e.nlines;
    for (size_t i = 0; i < n; i++) {
        buf[0] = '\0';
        if (i < res.im.nevents)
            format_event(&res.im.events[i], buf, sizeof buf);
        const char *want = i < e.nlines ? e.lines[i] : "(nothing)";
        if (strcmp(buf, want) != 0) {
            print_error("%s: interval %zu:\n  expected %s\n  got      %s\n", ics, i + 1, want,
                        i < res.im.nevents ? buf : "(nothing)");
            bad++;
        }
    }
    if (e.check_sets) {
        size_t k = 0;
        const struct cal_set *sets[2] = {&res.im.busy, &res.im.available};
        for (int s = 0; s < 2; s++)
            for (size_t i = 0; i < sets[s]->n; i++, k++) {
                char a[40], b[40];
                cal_format_rfc3339(sets[s]->iv[i].start, 0, true, a, sizeof a);
                cal_format_rfc3339(sets[s]->iv[i].end, 0, true, b, sizeof b);
                snprintf(buf, sizeof buf, "%s %s %s", s ? "available" : "busy", a, b);
                if (k >= e.nsets || strcmp(buf, e.sets[k]) != 0) {
                    print_error("%s: set interval %zu: expected %s, got %s\n", ics, k + 1,
                                k < e.nsets ? e.sets[k] : "(nothing)", buf);
                    bad++;
                }
            }
        if (k < e.nsets) {
            print_error("%s: expected %zu set intervals, got %zu\n", ics, e.nsets, k);
            bad++;
        }
    }
    result_free(&res);
    expect_free(&e);
    return bad;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir ending with suffix (NULL: any, but not ".expected"). */
static size_t list_dir(const char *dir, const char *suffix, char ***out)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char **v = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        size_t len = strlen(name);
        if (name[0] == '.')
            continue;
        bool is_exp = len > 9 && strcmp(name + len - 9, ".expected") == 0;
        if (suffix ? (len < strlen(suffix) || strcmp(name + len - strlen(suffix), suffix) != 0)
                   : is_exp)
            continue;
        push(&v, &n, name);
    }
    closedir(d);
    qsort(v, n, sizeof *v, cmp_str);
    *out = v;
    return n;
}

/* Every input of inputs_dir against DATA/folder/<name>.expected. */
static void check_folder(const char *inputs_dir, const char *folder, size_t min_files)
{
    char **names;
    size_t n = list_dir(inputs_dir, NULL, &names);
    int bad = 0;
    size_t checked = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], "MANIFEST.md") == 0 || strcmp(names[i], "icalrecur_test.txt") == 0 ||
            strcmp(names[i], "README.md") == 0)
            continue;
        char ics[1024], exp[1024];
        snprintf(ics, sizeof ics, "%s/%s", inputs_dir, names[i]);
        snprintf(exp, sizeof exp, "%s/%s/%s.expected", DATA, folder, names[i]);
        bad += check_one(ics, exp);
        checked++;
    }
    free_list(names, n);
    if (checked < min_files) {
        print_error("%s: only %zu files\n", inputs_dir, checked);
        bad++;
    }
    assert_int_equal(bad, 0);
}

static void test_corpus_icalendar(void **state)
{
    (void)state;
    check_folder(CORPUS "/icalendar", "icalendar", 40);
}

static void test_corpus_node_ical(void **state)
{
    (void)state;
    check_folder(CORPUS "/node-ical", "node-ical", 22);
}

static void test_corpus_libical(void **state)
{
    (void)state;
    check_folder(CORPUS "/libical", "libical", 5);
}

static void test_dst(void **state)
{
    (void)state;
    check_folder(DATA "/dst", "dst", 4);
}

static void test_fuzz_cases(void **state)
{
    (void)state;
    check_folder(DATA "/fuzz", "fuzz", 1);
}

/* No expectation is left over from a file that is gone. */
static void test_no_stale_expectations(void **state)
{
    (void)state;
    const char *folders[] = {"icalendar", "node-ical", "libical"};
    int bad = 0;
    for (size_t f = 0; f < 3; f++) {
        char dir[512];
        snprintf(dir, sizeof dir, "%s/%s", DATA, folders[f]);
        char **names;
        size_t n = list_dir(dir, ".expected", &names);
        for (size_t i = 0; i < n; i++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s/%.*s", CORPUS, folders[f],
                     (int)(strlen(names[i]) - 9), names[i]);
            FILE *fp = fopen(path, "r");
            if (fp == NULL) {
                print_error("stale expectation %s/%s\n", dir, names[i]);
                bad++;
            } else {
                fclose(fp);
            }
        }
        free_list(names, n);
    }
    assert_int_equal(bad, 0);
}

int main(int argc, char **argv)
{
    if (argc >= 6 && strcmp(argv[1], "--print") == 0) {
        struct result res;
        enum cal_meaning m = argc > 6 && strcmp(argv[6], "available") == 0 ? CAL_MEANING_AVAILABLE
                                                                           : CAL_MEANING_BUSY;
        run(argv[2], argv[3], argv[4], argv[5], m, 0, &res);
        print_result(&res);
        result_free(&res);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--data") == 0) {
        const struct CMUnitTest data[] = {
            cmocka_unit_test(test_dst),
            cmocka_unit_test(test_fuzz_cases),
        };
        return cmocka_run_group_tests_name("tests/data/ics", data, NULL, NULL);
    }
    if (!corpus_present(CORPUS))
        return CORPUS_SKIP;
    const struct CMUnitTest corpus[] = {
        cmocka_unit_test(test_corpus_icalendar),
        cmocka_unit_test(test_corpus_node_ical),
        cmocka_unit_test(test_corpus_libical),
        cmocka_unit_test(test_no_stale_expectations),
    };
    return cmocka_run_group_tests_name("shared corpus", corpus, NULL, NULL);
}
