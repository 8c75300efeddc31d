/*
 * libFuzzer target for the iCalendar reader: the input is one calendar,
 * read over a fixed horizon (2020-01-01 to 2030-01-01, floating times in
 * America/New_York), as busy time or available time by the input's length.
 * Whatever the input, the reader either fails with a message and writes
 * nothing, or its result holds the invariants checked below.
 *
 * Built and run by tests/fuzz/run.sh (every tests/fuzz/fuzz_*.c), seeded with
 * ../shared/corpus/ics and tests/data/ics; inputs that once failed are kept
 * in tests/data/ics/fuzz/ with their expectations.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calendars/calendars.h"

#include <libical/ical.h>

/* Opened once for the whole run: no state of one input reaches the next. */
static cal_tz *new_york;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (cal_tz_open("America/New_York", &new_york, NULL) != CAL_OK)
        abort();
    return 0;
}

/* Sorted, disjoint, non-adjacent, non-empty intervals inside [from, to). */
static void check_set(const struct cal_set *s, cal_time from, cal_time to)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->iv[i].start >= s->iv[i].end || s->iv[i].start < from || s->iv[i].end > to)
            abort();
        if (i > 0 && s->iv[i].start <= s->iv[i - 1].end)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const cal_time from = 1577836800, to = 1893456000; /* 2020-01-01, 2030-01-01 */
    struct cal_read_options opt = {.from = from,
                                   .to = to,
                                   .floating_tz = new_york,
                                   .meaning = size % 2 ? CAL_MEANING_AVAILABLE : CAL_MEANING_BUSY,
                                   .max_instances = 500};
    struct cal_import im = {0};
    struct careday_notes warn = {0};
    struct careday_error err = {0};
    int rc = cal_ics_read_buffer((const char *)data, size, "fuzz.ics", &opt, &im, &warn, &err);
    if (rc != CAL_OK) {
        /* A failure says what went wrong and writes nothing. */
        if (err.text[0] == '\0' || im.nevents != 0 || im.busy.n != 0 || im.available.n != 0)
            abort();
    } else {
        for (size_t i = 0; i < im.nevents; i++) {
            const struct cal_event *e = &im.events[i];
            if (e->end < e->start || e->origin == NULL || e->line < 0)
                abort();
            bool inside = e->start == e->end ? e->start >= from && e->start < to
                                             : e->start < to && e->end > from;
            if (!inside)
                abort();
            if (i > 0 && im.events[i - 1].start > e->start)
                abort(); /* sorted by start */
        }
        check_set(&im.busy, from, to);
        check_set(&im.available, from, to);
        for (size_t i = 0; i < im.available.n; i++)
            if (cal_set_overlaps(&im.busy, im.available.iv[i].start, im.available.iv[i].end))
                abort();
    }
    for (size_t i = 0; i < warn.n; i++)
        if (warn.v[i].text[0] == '\0' || strcmp(warn.v[i].file, "fuzz.ics") != 0)
            abort();
    cal_import_free(&im);
    careday_notes_free(&warn);
    /* libical keeps the strings it hands out in a ring of temporary buffers,
     * freed only when the ring wraps: an input would end with more
     * allocations than frees, and libFuzzer would then scan the whole heap
     * for a leak after nearly every input (ten times the cost of the read).
     * Emptying the ring keeps that scan for real leaks. */
    icalmemory_free_ring();
    return 0;
}
