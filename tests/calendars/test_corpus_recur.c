/*
 * libical's RRULE expectation table (../shared/corpus/ics/libical/
 * icalrecur_test.txt, RFC 5545 3.8.5.3 examples and many more) run through
 * the whole reader: each case becomes a VEVENT with that DTSTART and RRULE,
 * read over a horizon from DTSTART (or the case's START-AT, which takes the
 * reader's jump near the horizon) to just after the last expected instance
 * (two years after it when the rule has COUNT or UNTIL, so extra instances
 * would show), and the instants read must be exactly the INSTANCES line.
 *
 * tests/data/ics/libical/icalrecur_test.txt.expected lists the cases
 * careday answers differently, by the line of their RRULE, with the reason
 * ("differs LINE reason"); every other case must match, and every listed
 * case must still differ (so the list cannot go stale).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calendars/calendars.h"
#include "tests/shared_corpus.h"

#define TABLE CAREDAY_SHARED_DIR "/corpus/ics/libical/icalrecur_test.txt"
#define DIFFS CAREDAY_SOURCE_DIR "/tests/data/ics/libical/icalrecur_test.txt.expected"

struct rcase {
    int line;
    char rrule[1024], dtstart[128], start_at[64];
    char *instances; /* owned */
};

/* "YYYYMMDDTHHMMSS[Z]" (UTC or floating read as UTC) to an instant. */
static bool parse_stamp(const char *s, cal_time *t)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (sscanf(s, "%4d%2d%2dT%2d%2d%2d", &y, &mo, &d, &h, &mi, &se) < 3)
        return false;
    *t = (cal_time)cal_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return true;
}

static void stamp(cal_time t, char *buf, size_t size)
{
    struct cal_date d = cal_civil_from_days((int32_t)(t >= 0 ? t / 86400 : (t - 86399) / 86400));
    int64_t sod = t - (cal_time)cal_days_from_civil(d.year, d.month, d.day) * 86400;
    snprintf(buf, size, "%04d%02d%02dT%02d%02d%02d", d.year, d.month, d.day, (int)(sod / 3600),
             (int)(sod / 60 % 60), (int)(sod % 60));
}

/* The expected instants of c at or after from, comma-separated (malloc'd). */
static char *expected_from(const struct rcase *c, cal_time from, cal_time *last, int *n)
{
    size_t tokens = 1;
    for (const char *p = c->instances; *p; p++)
        tokens += *p == ',';
    char *out = calloc(1, tokens * 17 + 1);
    assert_non_null(out);
    *last = from;
    *n = 0;
    char *copy = strdup(c->instances);
    assert_non_null(copy);
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
        cal_time t;
        if (!parse_stamp(tok, &t))
            continue;
        if (t < from)
            continue;
        char s[32];
        stamp(t, s, sizeof s);
        if (*n)
            strcat(out, ",");
        strcat(out, s);
        *last = t;
        (*n)++;
    }
    free(copy);
    return out;
}

/* What the reader gives for c, comma-separated (malloc'd). */
static char *actual(const struct rcase *c, cal_time from, cal_time to, const cal_tz *utc)
{
    char ics[2048];
    snprintf(ics, sizeof ics,
             "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:case-%d\r\n%s\r\n%s\r\nEND:VEVENT\r\n"
             "END:VCALENDAR\r\n",
             c->line, c->dtstart, c->rrule);
    struct cal_read_options opt = {
        .from = from, .to = to, .floating_tz = utc, .max_instances = 100000};
    struct cal_import im = {0};
    struct careday_notes warn = {0};
    struct careday_error err = {0};
    int rc = cal_ics_read_buffer(ics, strlen(ics), "case", &opt, &im, &warn, &err);
    char *out = calloc(1, 64 + im.nevents * 17);
    assert_non_null(out);
    if (rc != CAL_OK)
        snprintf(out, 64, "error %d", rc);
    for (size_t i = 0; i < im.nevents; i++) {
        char s[32];
        stamp(im.events[i].start, s, sizeof s);
        if (i)
            strcat(out, ",");
        strcat(out, s);
    }
    cal_import_free(&im);
    careday_notes_free(&warn);
    return out;
}

static size_t read_table(struct rcase **out)
{
    FILE *f = fopen(TABLE, "r");
    assert_non_null(f);
    struct rcase *v = NULL, cur = {0};
    size_t n = 0;
    static char line[65536];
    int ln = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "RRULE:", 6) == 0) {
            memset(&cur, 0, sizeof cur);
            cur.line = ln;
            snprintf(cur.rrule, sizeof cur.rrule, "%.1000s", line);
        } else if (strncmp(line, "DTSTART", 7) == 0) {
            snprintf(cur.dtstart, sizeof cur.dtstart, "%.120s", line);
        } else if (strncmp(line, "START-AT:", 9) == 0) {
            snprintf(cur.start_at, sizeof cur.start_at, "%.60s", line + 9);
        } else if (strncmp(line, "INSTANCES:", 10) == 0) {
            cur.instances = strdup(line + 10);
            assert_non_null(cur.instances);
            v = realloc(v, (n + 1) * sizeof *v);
            assert_non_null(v);
            v[n++] = cur;
        }
    }
    fclose(f);
    *out = v;
    return n;
}

/* Lines listed as differing, and why (the reason is only for people). */
static size_t read_diffs(int **out)
{
    FILE *f = fopen(DIFFS, "r");
    assert_non_null(f);
    int *v = NULL;
    size_t n = 0;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        int ln;
        if (sscanf(line, "differs %d", &ln) == 1) {
            v = realloc(v, (n + 1) * sizeof *v);
            assert_non_null(v);
            v[n++] = ln;
        }
    }
    fclose(f);
    *out = v;
    return n;
}

static void test_table(void **state)
{
    (void)state;
    cal_tz *utc = NULL;
    assert_int_equal(cal_tz_open("UTC", &utc, NULL), CAL_OK);
    struct rcase *cases;
    size_t n = read_table(&cases);
    assert_true(n >= 140);
    int *diffs;
    size_t ndiffs = read_diffs(&diffs);
    int bad = 0, matched = 0;
    for (size_t i = 0; i < n; i++) {
        struct rcase *c = &cases[i];
        bool listed = false;
        for (size_t k = 0; k < ndiffs; k++)
            listed |= diffs[k] == c->line;
        /* A DTSTART that does not read is a fault of the table: say so and
         * go on (an assertion here would leave `from` unset as far as the
         * compiler can tell, and leak the rest of the cases). */
        const char *colon = strchr(c->dtstart, ':');
        cal_time from;
        if (!colon || !parse_stamp(colon + 1, &from)) {
            print_error("line %d: cannot read %s\n", c->line, c->dtstart);
            free(c->instances);
            bad++;
            continue;
        }
        cal_time start_at;
        if (c->start_at[0] && parse_stamp(c->start_at, &start_at) && start_at > from)
            from = start_at;
        cal_time last;
        int count;
        char *want = expected_from(c, from, &last, &count);
        bool bounded = strstr(c->rrule, "COUNT=") || strstr(c->rrule, "UNTIL=");
        cal_time to = bounded || count == 0 ? last + 2 * 366 * 86400 : last + 1;
        char *got = actual(c, from, to, utc);
        bool same = strcmp(want, got) == 0;
        if (same && listed) {
            print_error("line %d: listed as differing but matches now\n", c->line);
            bad++;
        } else if (!same && !listed) {
            print_error("line %d: %s %s\n  expected %s\n  got      %s\n", c->line, c->dtstart,
                        c->rrule, want, got);
            bad++;
        }
        matched += same;
        free(want);
        free(got);
        free(c->instances);
    }
    print_message("%d of %zu cases match libical's table; %zu listed as differing\n", matched, n,
                  ndiffs);
    free(cases);
    free(diffs);
    cal_tz_free(utc);
    assert_int_equal(bad, 0);
}

int main(void)
{
    if (!corpus_present(TABLE))
        return CORPUS_SKIP;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
