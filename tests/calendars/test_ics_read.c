/*
 * Reading iCalendar: each feature of cal_ics_read_buffer on a small inline
 * calendar, the intervals compared with values worked out by hand, plus the
 * errors, the warnings (with their lines) and the limits.
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
#include "calendars/calendars_internal.h"

struct res {
    int rc;
    struct cal_import im;
    struct careday_notes warn;
    struct careday_error err;
    char *text; /* the events, one "busy START END summary|origin|line" a line (owned) */
};

static cal_time day_utc(const char *date)
{
    int32_t d;
    assert_int_equal(cal_parse_date(date, &d), CAL_OK);
    return (cal_time)d * 86400;
}

static void describe(struct res *r)
{
    size_t size = 256 + r->im.nevents * 512, used = 0;
    r->text = malloc(size);
    assert_non_null(r->text);
    r->text[0] = '\0';
    for (size_t i = 0; i < r->im.nevents; i++) {
        const struct cal_event *e = &r->im.events[i];
        char a[40], b[40];
        cal_format_rfc3339(e->start, 0, true, a, sizeof a);
        cal_format_rfc3339(e->end, 0, true, b, sizeof b);
        int n = snprintf(r->text + used, size - used, "%s %s %s %.200s|%.200s|%d\n",
                         e->busy ? "busy" : "available", a, b, e->summary ? e->summary : "",
                         e->origin ? e->origin : "", e->line);
        assert_true(n > 0 && (size_t)n < size - used);
        used += (size_t)n;
    }
}

/* Read ics over [from, to) (UTC dates) with floating times in zone. */
static void read_ics(struct res *r, const char *ics, const char *from, const char *to,
                     const char *zone, enum cal_meaning meaning, size_t max_instances)
{
    memset(r, 0, sizeof *r);
    cal_tz *tz = NULL;
    assert_int_equal(cal_tz_open(zone, &tz, NULL), CAL_OK);
    struct cal_read_options opt = {.from = day_utc(from),
                                   .to = day_utc(to),
                                   .floating_tz = tz,
                                   .meaning = meaning,
                                   .max_instances = max_instances};
    r->rc = cal_ics_read_buffer(ics, strlen(ics), "test.ics", &opt, &r->im, &r->warn, &r->err);
    cal_tz_free(tz);
    describe(r);
}

static void done(struct res *r)
{
    free(r->text);
    r->text = NULL;
    cal_import_free(&r->im);
    careday_notes_free(&r->warn);
}

/* The events without origins and lines: "busy START END summary" lines. */
static void assert_spans(const struct res *r, const char *want)
{
    char got[16384];
    size_t used = 0;
    got[0] = '\0';
    for (size_t i = 0; i < r->im.nevents; i++) {
        const struct cal_event *e = &r->im.events[i];
        char a[40], b[40];
        cal_format_rfc3339(e->start, 0, true, a, sizeof a);
        cal_format_rfc3339(e->end, 0, true, b, sizeof b);
        used += (size_t)snprintf(got + used, sizeof got - used, "%s %s %s%s%s\n",
                                 e->busy ? "busy" : "available", a, b, e->summary ? " " : "",
                                 e->summary ? e->summary : "");
    }
    if (strcmp(got, want) != 0)
        print_error("expected:\n%sgot:\n%s", want, got);
    assert_string_equal(got, want);
}

/* Some warning contains all of the given substrings (NULL-terminated). */
static bool warned(const struct res *r, int line, const char *sub)
{
    for (size_t i = 0; i < r->warn.n; i++) {
        const struct careday_error *w = &r->warn.v[i];
        if ((line == 0 || w->line == line) && strstr(w->text, sub) != NULL &&
            strcmp(w->file, "test.ics") == 0)
            return true;
    }
    return false;
}

#define CAL(body)                                                                                  \
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" body "END:VCALENDAR\r\n"

/* ---------------------------------------------------------------------------
 * Recurrence.
 */

static void test_weekly_byday_count(void **state)
{
    (void)state;
    struct res r;
    read_ics(&r,
             CAL("BEGIN:VEVENT\r\nUID:pt\r\nSUMMARY:PT\r\n"
                 "DTSTART;TZID=America/New_York:20261006T090000\r\n"
                 "DTEND;TZID=America/New_York:20261006T094500\r\n"
                 "RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=5\r\nEND:VEVENT\r\n"),
             "2026-10-01", "2026-11-01", "UTC", CAL_MEANING_BUSY, 0);
    assert_int_equal(r.rc, CAL_OK);
    assert_spans(&r, "busy 2026-10-06T13:00:00Z 2026-10-06T13:45:00Z PT\n"
                     "busy 2026-10-08T13:00:00Z 2026-10-08T13:45:00Z PT\n"
                     "busy 2026-10-13T13:00:00Z 2026-10-13T13:45:00Z PT\n"
                     "busy 2026-10-15T13:00:00Z 2026-10-15T13:45:00Z PT\n"
                     "busy 2026-10-20T13:00:00Z 2026-10-20T13:45:00Z PT\n");
    assert_non_null(strstr(r.text, "|VEVENT RRULE:FREQ=WEEKLY;COUNT=5;BYDAY=TU,TH|4\n"));
    assert_int_equal(r.warn.n, 0);
    /* busy is the union, inside the horizon. */
    assert_int_equal(r.im.busy.n, 5);
    assert_int_equal(r.im.available.n, 0);
    done(&r);
}

static void test_every_freq(void **state)
{
    (void)state;
    static const struct {
        const char *rule, *want;
    } cases[] = {
        {"FREQ=YEARLY;BYMONTH=2;BYDAY=2MO", "2026-02-09T10:00:00Z\n"},
        {"FREQ=MONTHLY;BYMONTHDAY=-1", "2026-01-31T10:00:00Z\n2026-02-28T10:00:00Z\n"},
        {"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
         "2026-01-30T10:00:00Z\n2026-02-27T10:00:00Z\n"},
        {"FREQ=DAILY;INTERVAL=10;BYMONTH=2", "2026-02-03T10:00:00Z\n2026-02-13T10:00:00Z\n"
                                             "2026-02-23T10:00:00Z\n"},
        {"FREQ=HOURLY;INTERVAL=5;BYHOUR=10,15;BYDAY=SU;BYMONTH=3",
         "2026-03-01T10:00:00Z\n2026-03-01T15:00:00Z\n"},
        {"FREQ=MINUTELY;INTERVAL=20;BYHOUR=10;BYMONTHDAY=14",
         "2026-01-14T10:00:00Z\n2026-01-14T10:20:00Z\n2026-01-14T10:40:00Z\n"
         "2026-02-14T10:00:00Z\n2026-02-14T10:20:00Z\n2026-02-14T10:40:00Z\n"},
        /* Below a day, the search is bounded to ICS_MAX_STEPS periods (here
         * about a week from the horizon start): 01-02, not 02-02. */
        {"FREQ=SECONDLY;INTERVAL=30;BYMINUTE=0;BYHOUR=10;BYMONTHDAY=2",
         "2026-01-02T10:00:00Z\n2026-01-02T10:00:30Z\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char ics[1024], got[4096] = "";
        snprintf(ics, sizeof ics,
                 CAL("BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20250129T100000Z\r\nRRULE:%s\r\n"
                     "END:VEVENT\r\n"),
                 cases[i].rule);
        struct res r;
        read_ics(&r, ics, "2026-01-01", "2026-03-02", "UTC", CAL_MEANING_BUSY, 0);
        assert_int_equal(r.rc, CAL_OK);
        for (size_t k = 0; k < r.im.nevents; k++) {
            char a[40];
            cal_format_rfc3339(r.im.events[k].start, 0, true, a, sizeof a);
            strcat(got, a);
            strcat(got, "\n");
        }
        if (strcmp(got, cases[i].want) != 0)
            print_error("%s\n", cases[i].rule);
        assert_string_equal(got, cases[i].want);
        done(&r);
    }
}

/* Without COUNT the reader starts libical near the horizon; with a COUNT
 * too large to matter it must walk from DTSTART. Both give the same. */
static void test_jump_matches_walk(void **state)
{
    (void)state;
    static const struct {
        const char *dtstart, *rule;
    } rules[] = {
        {"20010105T091500", "FREQ=DAILY;INTERVAL=3"},
        {"20010105T091500", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"},
        {"20010105T091500", "FREQ=WEEKLY;INTERVAL=3;BYDAY=SU;WKST=SU"},
        {"20010105T091500", "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=31"},
        {"20010105T091500", "FREQ=MONTHLY;BYDAY=-1FR;INTERVAL=2"},
        {"20010105T091500", "FREQ=YEARLY;INTERVAL=5;BYMONTH=3;BYDAY=-1MO"},
        {"20010105T091500", "FREQ=YEARLY;BYWEEKNO=13;BYDAY=MO,FR"},
        {"20010105T091500", "FREQ=DAILY;BYDAY=MO,WE;BYHOUR=9,14"},
        /* Below a day the walk from DTSTART must stay under the step limit. */
        {"20251101T091500", "FREQ=HOURLY;INTERVAL=7"},
        {"20251101T091500", "FREQ=MINUTELY;INTERVAL=97;BYHOUR=9,10,11"},
        {"20251101T221500", "FREQ=MINUTELY;INTERVAL=97;BYHOUR=9,10,11"},
        {"20251101T091500", "FREQ=MINUTELY;INTERVAL=97;BYDAY=MO,TH"},
        {"20251101T091500", "FREQ=HOURLY;INTERVAL=5;BYDAY=TU;BYHOUR=8,13,18"},
        {"20251101T091500", "FREQ=MINUTELY;INTERVAL=45;BYMINUTE=0,15,30"},
        {"20260319T091500", "FREQ=SECONDLY;INTERVAL=89;BYMINUTE=15"},
        {"20260318T091500", "FREQ=SECONDLY;INTERVAL=89"},
    };
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
        char a[1024], b[1024];
        char head[256];
        snprintf(head, sizeof head,
                 "BEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID=Europe/Berlin:%s\r\nDURATION:PT45M\r\n",
                 rules[i].dtstart);
        snprintf(a, sizeof a, CAL("%sRRULE:%s\r\nEND:VEVENT\r\n"), head, rules[i].rule);
        snprintf(b, sizeof b, CAL("%sRRULE:%s;COUNT=1000000\r\nEND:VEVENT\r\n"), head,
                 rules[i].rule);
        struct res ra, rb;
        read_ics(&ra, a, "2026-03-20", "2026-04-05", "UTC", CAL_MEANING_BUSY, 100000);
        read_ics(&rb, b, "2026-03-20", "2026-04-05", "UTC", CAL_MEANING_BUSY, 100000);
        assert_int_equal(ra.rc, CAL_OK);
        assert_int_equal(rb.rc, CAL_OK);
        if (rb.warn.n != 0 || ra.warn.n != 0)
            print_error("%s: %s\n", rules[i].rule, (rb.warn.n ? rb.warn : ra.warn).v[0].text);
        assert_int_equal(rb.warn.n, 0);
        if (ra.im.nevents != rb.im.nevents)
            print_error("%s: %zu vs %zu\n", rules[i].rule, ra.im.nevents, rb.im.nevents);
        assert_int_equal(ra.im.nevents, rb.im.nevents);
        if (ra.im.nevents == 0)
            print_error("%s: nothing\n", rules[i].rule);
        assert_true(ra.im.nevents > 0);
        for (size_t k = 0; k < ra.im.nevents; k++) {
            assert_int_equal(ra.im.events[k].start, rb.im.events[k].start);
            assert_int_equal(ra.im.events[k].end, rb.im.events[k].end);
        }
        assert_int_equal(ra.warn.n, 0);
        done(&ra);
        done(&rb);
    }
}

static void test_until_utc_local_and_date(void **state)
{
    (void)state;
    struct res r;
    /* UNTIL in UTC, equal to the last start: kept. A local UNTIL is read in
     * the DTSTART's zone (14:00 New York). A DATE UNTIL keeps its day. */
    read_ics(&r,
             CAL("BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:utc\r\n"
                 "DTSTART;TZID=America/New_York:20260302T090000\r\n"
                 "RRULE:FREQ=DAILY;UNTIL=20260303T140000Z\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:local\r\n"
                 "DTSTART;TZID=America/New_York:20260310T140000\r\n"
                 "RRULE:FREQ=DAILY;UNTIL=20260311T140000\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:c\r\nSUMMARY:date\r\n"
                 "DTSTART;TZID=America/New_York:20260320T230000\r\n"
                 "RRULE:FREQ=DAILY;UNTIL=20260321\r\nEND:VEVENT\r\n"),
             "2026-03-01", "2026-04-01", "UTC", CAL_MEANING_BUSY, 0);
    assert_int_equal(r.rc, CAL_OK);
    assert_spans(&r, "busy 2026-03-02T14:00:00Z 2026-03-02T14:00:00Z utc\n"
                     "busy 2026-03-03T14:00:00Z 2026-03-03T14:00:00Z utc\n"
                     "busy 2026-03-10T18:00:00Z 2026-03-10T18:00:00Z local\n"
                     "busy 2026-03-11T18:00:00Z 2026-03-11T18:00:00Z local\n"
                     "busy 2026-03-21T03:00:00Z 2026-03-21T03:00:00Z date\n"
                     "busy 2026-03-22T03:00:00Z 2026-03-22T03:00:00Z date\n");
    done(&r);
}

static void test_rdate_exdate(void **state)
{
    (void)state;
    struct res r;
    read_ics(&r,
             CAL("BEGIN:VEVENT\r\nUID:r\r\nSUMMARY:s\r\n"
                 "DTSTART;TZID=Europe/Berlin:20260105T100000\r\n"
                 "DTEND;TZID=Europe/Berlin:20260105T110000\r\n"
                 "RRULE:FREQ=WEEKLY;COUNT=3\r\n"
                 /* floating EXDATE: the DTSTART's zone; a UTC one; a DATE one */
                 "EXDATE:20260112T100000\r\n"
                 "RDATE;VALUE=DATE:20260107\r\n"
                 "RDATE;TZID=America/New_York:20260108T080000\r\n"
                 "RDATE;VALUE=PERIOD:20260109T120000Z/PT3H,20260110T120000Z/20260110T123000Z\r\n"
                 "EXDATE;VALUE=DATE:20260110\r\n"
                 "END:VEVENT\r\n"),
             "2026-01-01", "2026-02-01", "UTC", CAL_MEANING_BUSY, 0);
    assert_int_equal(r.rc, CAL_OK);
    assert_spans(&r, "busy 2026-01-05T09:00:00Z 2026-01-05T10:00:00Z s\n"
                     "busy 2026-01-07T09:00:00Z 2026-01-07T10:00:00Z s\n"
                     "busy 2026-01-08T13:00:00Z 2026-01-08T14:00:00Z s\n"
                     "busy 2026-01-09T12:00:00Z 2026-01-09T15:00:00Z s\n"
                     "busy 2026-01-19T09:00:00Z 2026-01-19T10:00:00Z s\n");
    done(&r);
}

static void test_overrides(void **state)
{
    (void)state;
    struct res r;
    read_ics(&r,
             CAL("BEGIN:VEVENT\r\nUID:m\r\nSUMMARY:moved\r\n"
                 "RECURRENCE-ID;TZID=America/Chicago:20260303T100000\r\n"
                 "DTSTART;TZID=America/Chicago:20260304T150000\r\n"
                 "DTEND;TZID=America/Chicago:20260304T160000\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:m\r\nSUMMARY:series\r\n"
                 "DTSTART;TZID=America/Chicago:20260302T100000\r\n"
                 "DTEND;TZID=America/Chicago:20260302T110000\r\n"
                 "RRULE:FREQ=DAILY;COUNT=6\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:m\r\nSUMMARY:short\r\n"
                 "RECURRENCE-ID;TZID=America/Chicago:20260305T100000\r\n"
                 "DTSTART;TZID=America/Chicago:20260305T100000\r\n"
                 "DTEND;TZID=America/Chicago:20260305T103000\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:m\r\nSUMMARY:cancelled\r\nSTATUS:CANCELLED\r\n"
                 "RECURRENCE-ID:20260306T160000Z\r\n"
                 "DTSTART;TZID=America/Chicago:20260306T100000\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:m\r\nSUMMARY:later\r\n"
                 "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=America/Chicago:20260306T100000\r\n"
                 "DTSTART;TZID=America/Chicago:20260306T120000\r\n"
                 "DTEND;TZID=America/Chicago:20260306T140000\r\nEND:VEVENT\r\n"),
             "2026-03-01", "2026-04-01", "UTC", CAL_MEANING_BUSY, 0);
    /* Two overrides share 03-06: the plain cancelled one (exact match) wins
     * over the THISANDFUTURE one for that instance; the later ones shift by
     * two hours and last two hours. 03-08 is CDT. */
    assert_int_equal(r.rc, CAL_OK);
    assert_spans(&r, "busy 2026-03-02T16:00:00Z 2026-03-02T17:00:00Z series\n"
                     "busy 2026-03-04T16:00:00Z 2026-03-04T17:00:00Z series\n"
                     "busy 2026-03-04T21:00:00Z 2026-03-04T22:00:00Z moved\n"
                     "busy 2026-03-05T16:00:00Z 2026-03-05T16:30:00Z short\n"
                     "busy 2026-03-06T18:00:00Z 2026-03-06T20:00:00Z later\n"
                     "busy 2026-03-07T18:00:00Z 2026-03-07T20:00:00Z later\n");
    assert_non_null(strstr(r.text, "moved|VEVENT RECURRENCE-ID (moved)|4\n"));
    assert_non_null(strstr(r.text, "short|VEVENT RECURRENCE-ID (shortened)|18\n"));
    assert_non_null(strstr(r.text, "later|VEVENT RECURRENCE-ID;RANGE=THISANDFUTURE (moved)|32\n"));
    assert_non_null(strstr(r.text, "series|VEVENT RRULE:FREQ=DAILY;COUNT=6|11\n"));
    done(&r);
}

static void test_orphan_override(void **state)
{
    (void)state;
    struct res r;
    read_ics(&r,
             CAL("BEGIN:VEVENT\r\nUID:o\r\nSUMMARY:invite\r\n"
                 "RECURRENCE-ID:20260210T150000Z\r\nDTSTART:20260211T150000Z\r\n"
                 "DURATION:PT1H\r\nEND:VEVENT\r\n"),
             "2026-02-01", "2026-03-01", "UTC", CAL_MEANING_BUSY, 0);
    assert_int_equal(r.rc, CAL_OK);
    assert_string_equal(r.text, "busy 2026-02-11T15:00:00Z 2026-02-11T16:00:00Z "
                                "invite|VEVENT RECURRENCE-ID (no master in the file)|4\n");
    done(&r);
}

static void test_durations_and_defaults(void **state)
{
    (void)state;
    struct res r;
    read_ics(&r,
             CAL("BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:dur\r\nDTSTART:20260105T100000Z\r\n"
                 "DURATION:PT1H30M\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:2\r\nSUMMARY:instant\r\nDTSTART:20260106T100000Z\r\n"
                 "END:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:3\r\nSUMMARY:day\r\nDTSTART;VALUE=DATE:20260107\r\n"
                 "END:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:4\r\nSUMMARY:week\r\nDTSTART;VALUE=DATE:20260110\r\n"
                 "DURATION:P1W\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:5\r\nSUMMARY:both\r\nDTSTART:20260120T100000Z\r\n"
                 "DTEND:20260120T110000Z\r\nDURATION:PT5H\r\nEND:VEVENT\r\n"),
             "2026-01-01", "2026-02-01", "America/New_York", CAL_MEANING_BUSY, 0);
    assert_int_equal(r.rc, CAL_OK);
    assert_spans(&r, "busy 2026-01-05T10:00:00Z 2026-01-05T11:30:00Z dur\n"
                     "busy 2026-01-06T10:00:00Z 2026-01-06T10:00:00Z instant\n"
                     "busy 2026-01-07T05:00:00Z 2026-01-08T05:00:00Z day\n"
                     "busy 2026-01-10T05:00:00Z 2026-01-17T05:00:00Z week\n"
                     "busy 2026-01-20T10:00:00Z 2026-01-20T11:00:00Z both\n");
    assert_true(warned(&r, 31, "both DTEND and DURATION"));
    /* An instant takes no time. */
    assert_false(cal_set_overlaps(&r.im.busy, day_utc("2026-01-06") + 36000 - 1,
                                  day_utc("2026-01-06") + 36000 + 1));
    done(&r);
}

/* All-day dates are days of the floating zone, not UTC days. */
static void test_all_day_follows_floating_zone(void **state)
{
    (void)state;
    const char *ics = CAL("BEGIN:VEVENT\r\nUID:d\r\nSUMMARY:clinic day\r\n"
                          "DTSTART;VALUE=DATE:20260615\r\nDTEND;VALUE=DATE:20260616\r\n"
                          "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:f\r\nSUMMARY:floating\r\n"
                          "DTSTART:20260615T090000\r\nDTEND:20260615T100000\r\nEND:VEVENT\r\n");
    struct res r;
    read_ics(&r, ics, "2026-06-01", "2026-07-01", "America/New_York", CAL_MEANING_BUSY, 0);
    assert_spans(&r, "busy 2026-06-15T04:00:00Z 2026-06-16T04:00:00Z clinic day\n"
                     "busy 2026-06-15T13:00:00Z 2026-06-15T14:00:00Z floating\n");
    assert_true(r.im.events[0].all_day);
    assert_false(r.im.events[1].all_day);
    done(&r);
    read_ics(&r, ics, "2026-06-01", "2026-07-01", "Europe/Berlin", CAL_MEANING_BUSY, 0);
    assert_spans(&r, "busy 2026-06-14T22:00:00Z 2026-06-15T22:00:00Z clinic day\n"
                     "busy 2026-06-15T07:00:00Z 2026-06-15T08:00:00Z floating\n");
    done(&r);
}

/* ---------------------------------------------------------------------------
 * Busy, available, cancelled, transparent.
 */

static void test_cancelled_transparent_tentative(void **state)
{
    (void)state;
    const char *ics = CAL("BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:cancelled\r\nSTATUS:CANCELLED\r\n"
                          "DTSTART:20260105T100000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
                          "BEGIN:VEVENT\r\nUID:2\r\nSUMMARY:free\r\nTRANSP:TRANSPARENT\r\n"
                          "DTSTART:20260106T100000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
                          "BEGIN:VEVENT\r\nUID:3\r\nSUMMARY:maybe\r\nSTATUS:TENTATIVE\r\n"
                          "DTSTART:20260107T100000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n");
    struct res r;
    read_ics(&r, ics, "2026-01-01", "2026-02-01", "UTC", CAL_MEANING_BUSY, 0);
    assert_spans(&r, "busy 2026-01-07T10:00:00Z 2026-01-07T11:00:00Z maybe\n");
    done(&r);
    /* A clinic's session calendar: sessions are available time, transparent
     * or not; a cancelled session is not. */
    read_ics(&r, ics, "2026-01-01", "2026-02-01", "UTC", CAL_MEANING_AVAILABLE, 0);
    assert_spans(&r, "available 2026-01-06T10:00:00Z 2026-01-06T11:00:00Z free\n"
                     "available 2026-01-07T10:00:00Z 2026-01-07T11:00:00Z maybe\n");
    assert_int_equal(r.im.busy.n, 0);
    assert_int_equal(r.im.available.n, 2);
    done(&r);
}

static void test_freebusy(void **state)
{
    (void)state;
    struct res r;
    read_ics(&r,
             CAL("BEGIN:VFREEBUSY\r\nUID:fb\r\nDTSTART:20260105T000000Z\r\n"
                 "DTEND:20260110T000000Z\r\n"
                 "FREEBUSY;FBTYPE=FREE:20260105T090000Z/PT8H\r\n"
                 "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260105T120000Z/20260105T130000Z\r\n"
                 "FREEBUSY:20260106T090000Z/PT1H\r\nEND:VFREEBUSY\r\n"
                 /* Radicale: one period per VFREEBUSY, FBTYPE as a property */
                 "BEGIN:VFREEBUSY\r\nUID:r1\r\nDTSTART:20260107T090000Z\r\n"
                 "DTEND:20260107T100000Z\r\nFBTYPE:BUSY\r\nEND:VFREEBUSY\r\n"
                 /* A range without periods is free (RFC 5545 3.6.4) */
                 "BEGIN:VFREEBUSY\r\nUID:r3\r\nDTSTART:20260109T000000Z\r\n"
                 "DTEND:20260110T000000Z\r\nEND:VFREEBUSY\r\n"
                 "BEGIN:VFREEBUSY\r\nUID:r2\r\nDTSTART:20260108T090000Z\r\n"
                 "DTEND:20260108T100000Z\r\nFBTYPE:FREE\r\nEND:VFREEBUSY\r\n"),
             "2026-01-01", "2026-02-01", "UTC", CAL_MEANING_AVAILABLE, 0);
    assert_int_equal(r.rc, CAL_OK);
    assert_spans(&r, "available 2026-01-05T09:00:00Z 2026-01-05T17:00:00Z\n"
                     "busy 2026-01-05T12:00:00Z 2026-01-05T13:00:00Z\n"
                     "busy 2026-01-06T09:00:00Z 2026-01-06T10:00:00Z\n"
                     "busy 2026-01-07T09:00:00Z 2026-01-07T10:00:00Z\n"
                     "available 2026-01-08T09:00:00Z 2026-01-08T10:00:00Z\n");
    assert_non_null(strstr(r.text, "|VFREEBUSY FBTYPE=BUSY-TENTATIVE|"));
    assert_non_null(strstr(r.text, "|VFREEBUSY FBTYPE=BUSY|"));
    assert_non_null(strstr(r.text, "|VFREEBUSY DTSTART/DTEND FBTYPE=BUSY|"));
    /* Busy time is cut out of the free time. */
    assert_int_equal(r.im.available.n, 3);
    assert_int_equal(r.im.available.iv[0].end, day_utc("2026-01-05") + 12 * 3600);
    assert_int_equal(r.im.available.iv[1].start, day_utc("2026-01-05") + 13 * 3600);
    done(&r);
}

static const char *const week_avail =
    "BEGIN:AVAILABLE\r\nUID:w\r\nSUMMARY:weekdays\r\nDTSTART:20260105T090000Z\r\n"
    "DTEND:20260105T170000Z\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\r\nEND:AVAILABLE\r\n";

static void test_availability_priority(void **state)
{
    (void)state;
    char ics[4096];
    /* A: all of January, weekdays 9-17 (PRIORITY 0 = lowest).
     * B: Jan 7-9, PRIORITY 9, BUSY, only Jan 8 10-12 available.
     * C: Jan 8 00:00-Jan 9 00:00, PRIORITY 1, BUSY-TENTATIVE, no windows. */
    snprintf(ics, sizeof ics,
             CAL("BEGIN:VAVAILABILITY\r\nUID:A\r\nSUMMARY:A\r\nDTSTART:20260101T000000Z\r\n"
                 "DTEND:20260201T000000Z\r\n%s"
                 "END:VAVAILABILITY\r\n"
                 "BEGIN:VAVAILABILITY\r\nUID:B\r\nSUMMARY:B\r\nPRIORITY:9\r\nBUSYTYPE:BUSY\r\n"
                 "DTSTART:20260107T000000Z\r\nDTEND:20260110T000000Z\r\n"
                 "BEGIN:AVAILABLE\r\nUID:b\r\nSUMMARY:b window\r\n"
                 "DTSTART:20260108T100000Z\r\nDTEND:20260108T120000Z\r\nEND:AVAILABLE\r\n"
                 "END:VAVAILABILITY\r\n"
                 "BEGIN:VAVAILABILITY\r\nUID:C\r\nSUMMARY:C\r\nPRIORITY:1\r\n"
                 "BUSYTYPE:BUSY-TENTATIVE\r\nDTSTART:20260108T000000Z\r\n"
                 "DURATION:P1D\r\nEND:VAVAILABILITY\r\n"),
             week_avail);
    struct res r;
    read_ics(&r, ics, "2026-01-06", "2026-01-13", "UTC", CAL_MEANING_BUSY, 0);
    assert_int_equal(r.rc, CAL_OK);
    assert_spans(&r, "busy 2026-01-06T00:00:00Z 2026-01-06T09:00:00Z A\n"
                     "available 2026-01-06T09:00:00Z 2026-01-06T17:00:00Z weekdays\n"
                     "busy 2026-01-06T17:00:00Z 2026-01-07T00:00:00Z A\n"
                     "busy 2026-01-07T00:00:00Z 2026-01-08T00:00:00Z B\n"
                     "busy 2026-01-08T00:00:00Z 2026-01-09T00:00:00Z C\n"
                     "busy 2026-01-09T00:00:00Z 2026-01-10T00:00:00Z B\n"
                     "busy 2026-01-10T00:00:00Z 2026-01-12T09:00:00Z A\n"
                     "available 2026-01-12T09:00:00Z 2026-01-12T17:00:00Z weekdays\n"
                     "busy 2026-01-12T17:00:00Z 2026-01-13T00:00:00Z A\n");
    assert_non_null(strstr(r.text, "C|VAVAILABILITY BUSYTYPE=BUSY-TENTATIVE|"));
    assert_non_null(strstr(r.text, "B|VAVAILABILITY BUSYTYPE=BUSY|"));
    assert_non_null(strstr(r.text, "A|VAVAILABILITY BUSYTYPE=BUSY-UNAVAILABLE|"));
    assert_non_null(strstr(r.text, "weekdays|VAVAILABILITY/AVAILABLE RRULE:"));
    done(&r);
}

static void test_availability_same_priority_and_events(void **state)
{
    (void)state;
    char ics[4096];
    /* Two components of the same priority: a window of either is available.
     * A VEVENT in the same file is busy even inside a window. */
    snprintf(ics, sizeof ics,
             CAL("BEGIN:VAVAILABILITY\r\nUID:A\r\nPRIORITY:5\r\nDTSTART:20260105T000000Z\r\n"
                 "DTEND:20260107T000000Z\r\n%s"
                 "END:VAVAILABILITY\r\n"
                 "BEGIN:VAVAILABILITY\r\nUID:B\r\nPRIORITY:5\r\nDTSTART:20260106T000000Z\r\n"
                 "DTEND:20260108T000000Z\r\n"
                 "BEGIN:AVAILABLE\r\nUID:b\r\nSUMMARY:evening\r\n"
                 "DTSTART:20260106T180000Z\r\nDTEND:20260106T200000Z\r\nEND:AVAILABLE\r\n"
                 "END:VAVAILABILITY\r\n"
                 "BEGIN:VEVENT\r\nUID:e\r\nSUMMARY:booked\r\nDTSTART:20260106T100000Z\r\n"
                 "DTEND:20260106T110000Z\r\nEND:VEVENT\r\n"),
             week_avail);
    struct res r;
    read_ics(&r, ics, "2026-01-05", "2026-01-09", "UTC", CAL_MEANING_BUSY, 0);
    assert_int_equal(r.rc, CAL_OK);
    char a[40], b[40];
    size_t k = 0;
    const char *want_avail[] = {
        "2026-01-05T09:00:00Z 2026-01-05T17:00:00Z", "2026-01-06T09:00:00Z 2026-01-06T10:00:00Z",
        "2026-01-06T11:00:00Z 2026-01-06T17:00:00Z", "2026-01-06T18:00:00Z 2026-01-06T20:00:00Z"};
    assert_int_equal(r.im.available.n, 4);
    for (; k < r.im.available.n; k++) {
        char both[100];
        cal_format_rfc3339(r.im.available.iv[k].start, 0, true, a, sizeof a);
        cal_format_rfc3339(r.im.available.iv[k].end, 0, true, b, sizeof b);
        snprintf(both, sizeof both, "%s %s", a, b);
        assert_string_equal(both, want_avail[k]);
    }
    /* Busy: everything else from 01-05 to 01-08, nothing after. */
    assert_true(cal_set_covers(&r.im.busy, day_utc("2026-01-07"), day_utc("2026-01-08")));
    assert_false(cal_set_overlaps(&r.im.busy, day_utc("2026-01-08"), day_utc("2026-01-09")));
    assert_true(cal_set_covers(&r.im.busy, day_utc("2026-01-06") + 10 * 3600,
                               day_utc("2026-01-06") + 11 * 3600));
    done(&r);
}

/* ---------------------------------------------------------------------------
 * Time zones.
 */

static void test_zones(void **state)
{
    (void)state;
    struct res r;
    read_ics(&r,
             CAL("BEGIN:VTIMEZONE\r\nTZID:Clinic Time\r\nBEGIN:STANDARD\r\n"
                 "DTSTART:19700101T000000\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\n"
                 "END:STANDARD\r\nEND:VTIMEZONE\r\n"
                 "BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:custom\r\n"
                 "DTSTART;TZID=Clinic Time:20260105T100000\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:2\r\nSUMMARY:iana\r\n"
                 "DTSTART;TZID=Australia/Sydney:20260105T100000\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:3\r\nSUMMARY:windows\r\n"
                 "DTSTART;TZID=W. Europe Standard Time:20260105T100000\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:4\r\nSUMMARY:outlook\r\n"
                 "DTSTART;TZID=\"(UTC-06:00) Central Time (US & Canada)\":20260105T100000\r\n"
                 "END:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:5\r\nSUMMARY:unknown\r\n"
                 "DTSTART;TZID=Mars/Olympus:20260105T100000\r\n"
                 "DTEND;TZID=Mars/Olympus:20260105T110000\r\nEND:VEVENT\r\n"),
             "2026-01-01", "2026-02-01", "America/New_York", CAL_MEANING_BUSY, 0);
    assert_int_equal(r.rc, CAL_OK);
    assert_spans(&r, "busy 2026-01-04T23:00:00Z 2026-01-04T23:00:00Z iana\n"
                     "busy 2026-01-05T04:30:00Z 2026-01-05T04:30:00Z custom\n"
                     "busy 2026-01-05T09:00:00Z 2026-01-05T09:00:00Z windows\n"
                     "busy 2026-01-05T15:00:00Z 2026-01-05T16:00:00Z unknown\n"
                     "busy 2026-01-05T16:00:00Z 2026-01-05T16:00:00Z outlook\n");
    /* One warning for the unknown zone (not one per property), with its
     * line and how the time was read. */
    assert_int_equal(r.warn.n, 1);
    assert_int_equal(r.warn.v[0].line, 35);
    assert_non_null(strstr(r.warn.v[0].text, "Mars/Olympus"));
    assert_non_null(strstr(r.warn.v[0].text, "local time in America/New_York"));
    done(&r);
}

/* ---------------------------------------------------------------------------
 * Streams, lines, errors, warnings.
 */

static void test_stream_forms(void **state)
{
    (void)state;
    /* BOM, LF only, two VCALENDARs, line numbers counted in the text. */
    const char *ics = "\xEF\xBB\xBF"
                      "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nSUMMARY:first\n"
                      "DTSTART:20260105T100000Z\nEND:VEVENT\nEND:VCALENDAR\n"
                      "BEGIN:VCALENDAR\n\nBEGIN:VEVENT\nUID:b\nSUMMARY:second\n"
                      "DTSTART:20260106T1\n 00000Z\nEND:VEVENT\nEND:VCALENDAR\n";
    struct res r;
    read_ics(&r, ics, "2026-01-01", "2026-02-01", "UTC", CAL_MEANING_BUSY, 0);
    assert_int_equal(r.rc, CAL_OK);
    assert_string_equal(r.text,
                        "busy 2026-01-05T10:00:00Z 2026-01-05T10:00:00Z first|VEVENT|2\n"
                        "busy 2026-01-06T10:00:00Z 2026-01-06T10:00:00Z second|VEVENT|10\n");
    done(&r);
}

static void test_errors(void **state)
{
    (void)state;
    static const struct {
        const char *ics;
        int line;
        const char *text;
    } cases[] = {
        {"", 0, "empty"},
        {"\r\n  \r\n", 0, "empty"},
        {"<html><body>Login</body></html>\n", 1, "not iCalendar"},
        {"BEGIN:VCARD\nFN:x\nEND:VCARD\n", 1, "not iCalendar"},
        {"\n\nBEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260101T000000Z\n", 4, "never closed"},
        {"BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VTODO\nEND:VCALENDAR\n", 3,
         "END:VTODO does not close BEGIN:VEVENT of line 2"},
        {"BEGIN:VCALENDAR\nEND:VCALENDAR\nEND:VCALENDAR\n", 3, "without a BEGIN"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct res r;
        read_ics(&r, cases[i].ics, "2026-01-01", "2026-02-01", "UTC", CAL_MEANING_BUSY, 0);
        assert_int_equal(r.rc, CAL_EPARSE);
        assert_int_equal(r.err.line, cases[i].line);
        assert_string_equal(r.err.file, "test.ics");
        if (strstr(r.err.text, cases[i].text) == NULL)
            print_error("case %zu: %s\n", i, r.err.text);
        assert_non_null(strstr(r.err.text, cases[i].text));
        /* Nothing is written on failure. */
        assert_int_equal(r.im.nevents, 0);
        done(&r);
    }
    /* A NUL byte: binary data. */
    struct res r;
    memset(&r, 0, sizeof r);
    cal_tz *tz = NULL;
    assert_int_equal(cal_tz_open("UTC", &tz, NULL), CAL_OK);
    struct cal_read_options opt = {.from = 0, .to = 86400, .floating_tz = tz};
    static const char bin[] = "BEGIN:VCALENDAR\n\0END:VCALENDAR\n";
    assert_int_equal(cal_ics_read_buffer(bin, sizeof bin - 1, "b.ics", &opt, &r.im, NULL, &r.err),
                     CAL_EPARSE);
    assert_int_equal(r.err.line, 2);
    /* Bad arguments. */
    opt.to = opt.from;
    assert_int_equal(cal_ics_read_buffer("x", 1, "b.ics", &opt, &r.im, NULL, &r.err), CAL_EINVAL);
    opt.to = 86400;
    opt.floating_tz = NULL;
    assert_int_equal(cal_ics_read_buffer("x", 1, "b.ics", &opt, &r.im, NULL, &r.err), CAL_EINVAL);
    opt.floating_tz = tz;
    assert_int_equal(
        cal_ics_read_file(CAREDAY_SOURCE_DIR "/no/such.ics", &opt, &r.im, NULL, &r.err), CAL_EIO);
    assert_non_null(strstr(r.err.file, "no/such.ics"));
    cal_tz_free(tz);
}

static void test_warnings_name_line_and_uid(void **state)
{
    (void)state;
    struct res r;
    read_ics(&r,
             CAL("BEGIN:VEVENT\r\nUID:no-start\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:bad-rule\r\nSUMMARY:once\r\n"
                 "DTSTART:20260105T100000Z\r\nRRULE:FREQ=FORTNIGHTLY\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:bad-start\r\nDTSTART:tomorrow\r\nEND:VEVENT\r\n"),
             "2026-01-01", "2026-02-01", "UTC", CAL_MEANING_BUSY, 0);
    assert_int_equal(r.rc, CAL_OK);
    assert_true(warned(&r, 4, "UID no-start has no usable DTSTART; skipped"));
    assert_true(warned(&r, 12, "UID bad-rule: invalid RRULE, read as a single instance"));
    assert_true(warned(&r, 16, "UID bad-start has no usable DTSTART"));
    assert_int_equal(r.warn.n, 3);
    assert_spans(&r, "busy 2026-01-05T10:00:00Z 2026-01-05T10:00:00Z once\n");
    done(&r);
}

/* ---------------------------------------------------------------------------
 * Limits.
 */

static void test_limits_return_and_warn(void **state)
{
    (void)state;
    struct res r;
    read_ics(&r,
             CAL("BEGIN:VEVENT\r\nUID:s\r\nDTSTART:20100101T000000Z\r\nDURATION:PT1S\r\n"
                 "RRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:c\r\nDTSTART:20100101T000000Z\r\nDURATION:PT1S\r\n"
                 "RRULE:FREQ=SECONDLY;COUNT=1000000000\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:n\r\nDTSTART:20100101T000000Z\r\nDURATION:PT1S\r\n"
                 "RRULE:FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30\r\nEND:VEVENT\r\n"),
             "2026-01-01", "2026-03-01", "UTC", CAL_MEANING_BUSY, 0);
    assert_int_equal(r.rc, CAL_OK);
    /* Every second of two months would be 5 million instances: the default
     * limit keeps 10000 and says so. */
    assert_true(r.im.nevents <= 10000 && r.im.nevents >= 9990);
    assert_true(warned(&r, 4, "UID s: more than 10000 instances"));
    assert_true(warned(&r, 14, "UID c: RRULE expansion stopped after 20000 instances"));
    assert_true(warned(&r, 20, "UID n: RRULE search stopped at"));
    assert_int_equal(r.warn.n, 3);
    done(&r);

    read_ics(&r,
             CAL("BEGIN:VEVENT\r\nUID:d\r\nDTSTART:20260101T090000Z\r\nDURATION:PT1H\r\n"
                 "RRULE:FREQ=DAILY\r\nEND:VEVENT\r\n"),
             "2026-01-01", "2026-03-01", "UTC", CAL_MEANING_BUSY, 7);
    assert_int_equal(r.im.nevents, 7);
    assert_true(warned(&r, 4, "more than 7 instances"));
    done(&r);
}

/* ---------------------------------------------------------------------------
 * The import itself.
 */

static void test_import_add_and_merge(void **state)
{
    (void)state;
    struct cal_import im = {0};
    assert_int_equal(cal_import_add(&im, 100, 200, true, "slot", "u1", "FHIR Slot busy", 0),
                     CAL_OK);
    assert_int_equal(cal_import_add(&im, 300, 400, false, NULL, NULL, "FHIR Slot free", 0), CAL_OK);
    assert_int_equal(im.nevents, 2);
    assert_string_equal(im.events[0].summary, "slot");
    assert_null(im.events[1].summary);
    assert_int_equal(im.busy.n, 1);
    assert_int_equal(im.available.n, 1);

    /* Reading into a non-empty import adds to it. */
    cal_tz *tz = NULL;
    assert_int_equal(cal_tz_open("UTC", &tz, NULL), CAL_OK);
    struct cal_read_options opt = {.from = 0, .to = 100000, .floating_tz = tz};
    const char *ics = CAL("BEGIN:VEVENT\r\nUID:e\r\nDTSTART:19700101T010000Z\r\n"
                          "DTEND:19700101T020000Z\r\nEND:VEVENT\r\n");
    assert_int_equal(cal_ics_read_buffer(ics, strlen(ics), "m.ics", &opt, &im, NULL, NULL), CAL_OK);
    assert_int_equal(im.nevents, 3);
    assert_int_equal(im.busy.n, 2);
    assert_int_equal(im.busy.iv[1].start, 3600);
    cal_import_free(&im);
    cal_import_free(&im); /* twice is harmless */
    cal_import_free(NULL);
    cal_tz_free(tz);
}

/* Every allocation failing in turn: the reader fails cleanly (ASan checks
 * for leaks) or succeeds, never crashes. */
static void test_allocation_failures(void **state)
{
    (void)state;
    cal_tz *tz = NULL;
    assert_int_equal(cal_tz_open("America/New_York", &tz, NULL), CAL_OK);
    struct cal_read_options opt = {
        .from = day_utc("2026-01-01"), .to = day_utc("2026-02-01"), .floating_tz = tz};
    char ics[4096];
    snprintf(ics, sizeof ics,
             CAL("BEGIN:VAVAILABILITY\r\nUID:A\r\n%sEND:VAVAILABILITY\r\n"
                 "BEGIN:VEVENT\r\nUID:m\r\nDTSTART;TZID=Mars/X:20260105T100000\r\n"
                 "RRULE:FREQ=DAILY;COUNT=5\r\nEXDATE:20260106T100000\r\n"
                 "RDATE;VALUE=PERIOD:20260120T100000Z/PT1H\r\nEND:VEVENT\r\n"
                 "BEGIN:VEVENT\r\nUID:m\r\nRECURRENCE-ID:20260107T100000\r\n"
                 "DTSTART:20260107T120000\r\nEND:VEVENT\r\n"
                 "BEGIN:VFREEBUSY\r\nFREEBUSY:20260108T100000Z/PT1H\r\nEND:VFREEBUSY\r\n"),
             week_avail);
    int ok = 0, failed = 0;
    for (long n = 0; n < 2000; n++) {
        struct cal_import im = {0};
        struct careday_notes warn = {0};
        struct careday_error err = {0};
        cal_alloc_fail_after(n);
        int rc = cal_ics_read_buffer(ics, strlen(ics), "a.ics", &opt, &im, &warn, &err);
        cal_alloc_fail_after(-1);
        if (rc == CAL_OK) {
            ok++;
            assert_true(im.nevents > 0);
        } else {
            failed++;
            assert_int_equal(rc, CAL_ENOMEM);
            assert_int_equal(im.nevents, 0);
            assert_true(err.text[0] != '\0');
        }
        cal_import_free(&im);
        careday_notes_free(&warn);
        if (rc == CAL_OK && ok > 3)
            break;
    }
    assert_true(failed > 10);
    assert_true(ok > 0);
    cal_tz_free(tz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weekly_byday_count),
        cmocka_unit_test(test_every_freq),
        cmocka_unit_test(test_jump_matches_walk),
        cmocka_unit_test(test_until_utc_local_and_date),
        cmocka_unit_test(test_rdate_exdate),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_orphan_override),
        cmocka_unit_test(test_durations_and_defaults),
        cmocka_unit_test(test_all_day_follows_floating_zone),
        cmocka_unit_test(test_cancelled_transparent_tentative),
        cmocka_unit_test(test_freebusy),
        cmocka_unit_test(test_availability_priority),
        cmocka_unit_test(test_availability_same_priority_and_events),
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_stream_forms),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_warnings_name_line_and_uid),
        cmocka_unit_test(test_limits_return_and_warn),
        cmocka_unit_test(test_import_add_and_merge),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
