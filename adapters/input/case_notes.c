/*
 * What the case loader says about fixed bookings whose trip does not fit the
 * family's day: the scheduler finds them (sched_booking_notes, codes with
 * their data), this file words them with the case file, the booking's JSON
 * path and the calendar source whose busy time the trip meets. To name that
 * source, the busy time of each family calendar is kept as it is read.
 */
#include "adapters/input/case_loader.h"
#include "calendars/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int keep_source(struct loader *l, const char *jpath, const struct cal_set *busy,
                       struct careday_error *err)
{
    if (cal_grow(&l->bsrc, &l->bsrc_cap, l->nbsrc + 1, sizeof *l->bsrc))
        return case_oom(err);
    struct case_busy_source *s = &l->bsrc[l->nbsrc];
    memset(s, 0, sizeof *s);
    s->jpath = cal_strdup(jpath);
    if (!s->jpath || cal_set_copy(&s->busy, busy)) {
        free(s->jpath);
        cal_set_free(&s->busy);
        return case_oom(err);
    }
    l->nbsrc++;
    return 0;
}

static int read_one(struct loader *l, const json_t *src, const char *jpath, struct cal_set *busy,
                    struct cal_set *available, struct careday_error *err)
{
    struct cal_set b = {0};
    int rc = adapt_source_read(&l->x, src, jpath, CAL_MEANING_BUSY, l->c->tz, &b, available, err);
    if (rc == 0 && b.n)
        rc = keep_source(l, jpath, &b, err);
    if (rc == 0 && cal_set_add_set(busy, &b))
        rc = case_oom(err);
    cal_set_free(&b);
    return rc;
}

int case_read_busy(struct loader *l, const json_t *arr, const json_t *src, const char *jpath,
                   struct cal_set *busy, struct cal_set *available, struct careday_error *err)
{
    char p[256];
    if (src)
        return read_one(l, src, jpath, busy, available, err);
    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return adapt_bad(&l->x, err, jpath, "expected an array of sources, found %s",
                         adapt_json_kind(arr));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        int rc = read_one(l, json_array_get(arr, i), adapt_jp_index(p, sizeof p, jpath, i), busy,
                          available, err);
        if (rc)
            return rc;
    }
    return 0;
}

void case_busy_free(struct loader *l)
{
    for (size_t i = 0; i < l->nbsrc; i++) {
        free(l->bsrc[i].jpath);
        cal_set_free(&l->bsrc[i].busy);
    }
    free(l->bsrc);
    l->bsrc = NULL;
    l->nbsrc = l->bsrc_cap = 0;
}

/* The JSON path of the first source whose busy time meets [a, b), else the
 * family's busy time as a whole (time outside an availability source). */
static const char *source_of(const struct loader *l, cal_time a, cal_time b)
{
    for (size_t i = 0; i < l->nbsrc; i++)
        if (cal_set_overlaps(&l->bsrc[i].busy, a, b))
            return l->bsrc[i].jpath;
    return "family.busy";
}

int case_booking_notes(struct loader *l, struct careday_error *err)
{
    const struct sched_case *c = l->c;
    struct sched_booking_note *v = NULL;
    size_t n = 0;
    if (sched_booking_notes(c, &v, &n))
        return case_oom(err);
    for (size_t i = 0; i < n; i++) {
        const struct sched_booking_note *b = &v[i];
        const char *jp = (size_t)b->visit < l->nvpath ? l->vpath[b->visit] : NULL;
        const char *id = c->visits[b->visit].id;
        char dep[32], back_day[32], from[32], to[32];
        cal_format_local(c->tz, b->depart, dep, sizeof dep);
        cal_format_local(c->tz, b->back, back_day, sizeof back_day);
        /* "back at 13:10" on the same day, with the date otherwise. */
        const char *back = strncmp(dep, back_day, 10) == 0 ? back_day + 11 : back_day;
        switch (b->code) {
        case SCHED_BOOKING_TRIP_BUSY:
            cal_format_local(c->tz, b->busy_start, from, sizeof from);
            cal_format_local(c->tz, b->busy_end, to, sizeof to);
            careday_notes_add(l->x.warn, l->x.file, 0, jp,
                              "the trip to booking \"%s\" (leaving at %s, back at %s) meets the "
                              "family's busy time from %s to %s (%s); it is kept as booked: "
                              "check the booking, the travel times or that calendar",
                              id, dep, back, from, to, source_of(l, b->busy_start, b->busy_end));
            break;
        case SCHED_BOOKING_TRIP_NO_NURSE:
            careday_notes_add(l->x.warn, l->x.file, 0, jp,
                              "the trip to booking \"%s\" (leaving at %s, back at %s) is not "
                              "covered by a nurse (family.travel_needs_nurse, nursing); it is "
                              "kept as booked: check the booking or the nursing shifts",
                              id, dep, back);
            break;
        case SCHED_BOOKING_OUTSIDE_DAY:
            careday_notes_add(
                l->x.warn, l->x.file, 0, jp,
                "the trip to booking \"%s\" (leaving at %s, back at %s) falls "
                "outside the family's day (family.day); it is kept as booked: check the "
                "booking, the travel times or the family's day",
                id, dep, back);
            break;
        }
    }
    free(v);
    return 0;
}
