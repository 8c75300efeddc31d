/*
 * Reading iCalendar into intervals over a horizon.
 */
#include "calendars/calendars_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * The import: events and the two sets.
 */

void cal_import_free(struct cal_import *im)
{
    if (im == NULL)
        return;
    for (size_t i = 0; i < im->nevents; i++) {
        free(im->events[i].summary);
        free(im->events[i].uid);
        free(im->events[i].origin);
    }
    free(im->events);
    cal_set_free(&im->busy);
    cal_set_free(&im->available);
    memset(im, 0, sizeof *im);
}

/* Append one event to im->events (strings copied), leaving the sets alone. */
static int import_append(struct cal_import *im, const struct cal_event *e)
{
    if (im->nevents == im->cap) {
        size_t cap = im->cap ? im->cap * 2 : 16;
        struct cal_event *v = cal_realloc(im->events, cap * sizeof *v);
        if (v == NULL)
            return CAL_ENOMEM;
        im->events = v;
        im->cap = cap;
    }
    struct cal_event c = *e;
    c.summary = cal_strdup(e->summary);
    c.uid = cal_strdup(e->uid);
    c.origin = cal_strdup(e->origin);
    if ((e->summary && !c.summary) || (e->uid && !c.uid) || (e->origin && !c.origin)) {
        free(c.summary);
        free(c.uid);
        free(c.origin);
        return CAL_ENOMEM;
    }
    im->events[im->nevents++] = c;
    return CAL_OK;
}

int cal_import_add(struct cal_import *im, cal_time start, cal_time end, bool busy,
                   const char *summary, const char *uid, const char *origin, int line)
{
    if (im == NULL)
        return CAL_EINVAL;
    struct cal_event e = {.start = start,
                          .end = end,
                          .busy = busy,
                          .summary = (char *)summary,
                          .uid = (char *)uid,
                          .origin = (char *)origin,
                          .line = line};
    int rc = import_append(im, &e);
    if (rc != CAL_OK)
        return rc;
    rc = cal_set_add(busy ? &im->busy : &im->available, start, end);
    if (rc != CAL_OK) {
        /* Keep events and sets in step: drop the event just added. */
        struct cal_event *last = &im->events[--im->nevents];
        free(last->summary);
        free(last->uid);
        free(last->origin);
    }
    return rc;
}

int cal_ics_read_buffer(const char *data, size_t len, const char *name,
                        const struct cal_read_options *opt, struct cal_import *out,
                        struct careday_notes *warn, struct careday_error *err)
{
    (void)data;
    (void)len;
    (void)opt;
    (void)out;
    (void)warn;
    return careday_fail(err, CAL_EPARSE, name, 0, NULL, "iCalendar reading is not built yet");
}

int cal_ics_read_file(const char *path, const struct cal_read_options *opt, struct cal_import *out,
                      struct careday_notes *warn, struct careday_error *err)
{
    return cal_ics_read_buffer(NULL, 0, path, opt, out, warn, err);
}
