/* Private to adapters/output/: what the calendars must keep as cancelled.
 *
 * A phone or a clinic that imported an earlier family.ics or provider file
 * removes an event only when a later file carries the same UID with
 * STATUS:CANCELLED and a higher SEQUENCE. So every appointment and every
 * trip-day event (the trip note, "Leave for ...", the night at the lodging)
 * that the previous plan had and this one has not is written as cancelled,
 * and plan.json records it ("cancelled") so that every later re-plan keeps
 * writing it until it is over (withdrawn.c). */
#ifndef CAREDAY_WITHDRAWN_H
#define CAREDAY_WITHDRAWN_H

#include "adapters/output/i18n.h"
#include "adapters/output/outputs.h"

#include <jansson.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum out_gone_kind { OUT_GONE_VISIT, OUT_GONE_TRIP, OUT_GONE_LEAVE, OUT_GONE_NIGHT };

struct out_gone {
    enum out_gone_kind kind;
    char uid[512]; /* the family feed's UID */
    int sequence;  /* of the STATUS:CANCELLED event (already raised) */
    cal_time start, end;
    int32_t day;    /* day items: the local date of the trip */
    char *visit;    /* visit items: the visit id (owned) */
    char *provider; /* visit items: the provider id (owned, may be NULL) */
    char *place;    /* visit: place id or "home"; night: the lodging (owned, may be NULL) */
    enum sched_mode mode;
    enum sched_state state;
    json_t *places; /* trip, leave: array of place ids (owned reference, may be NULL) */
    bool fresh;     /* cancelled by this plan (providers get an iTIP CANCEL) */
};

struct out_withdrawn {
    struct out_gone *v;
    size_t n;
    int *trip_seq; /* SEQUENCE of the events of each trip of the plan (ntrips entries) */
};

/* What plan (against o->previous_plan, o->changes and o->now) cancels and
 * keeps cancelled, and the SEQUENCE of its trip-day events. Nothing without
 * a previous plan. ADAPT_EINPUT when the previous plan's "cancelled" or
 * "trips" are not as careday writes them. Free with out_withdrawn_free. */
int out_withdrawn_build(const struct sched_case *c, const struct sched_plan *plan,
                        const struct out_options *o, struct out_withdrawn *w,
                        struct careday_error *err);
void out_withdrawn_free(struct out_withdrawn *w);

/* plan.json's "cancelled": one object per entry (NULL when out of memory). */
json_t *out_withdrawn_json(const struct sched_case *c, const struct out_withdrawn *w);

/* The cancelled events of family.ics. */
int out_withdrawn_add_family(cal_writer *wr, const struct sched_case *c,
                             const struct out_withdrawn *w, const i18n_catalog *cat,
                             const struct cal_attendee *organizer);
/* How many cancelled appointments provider pi has (only those cancelled by
 * this plan when fresh_only), and their events under the provider's UIDs. */
size_t out_withdrawn_provider_count(const struct sched_case *c, const struct out_withdrawn *w,
                                    size_t pi, bool fresh_only);
int out_withdrawn_add_provider(cal_writer *wr, const struct sched_case *c,
                               const struct out_withdrawn *w, size_t pi, bool fresh_only,
                               const i18n_catalog *cat, const char *uid_kind, const char *uid_key,
                               const struct cal_attendee *organizer,
                               const struct cal_attendee *attendees, size_t nattendees);

/* A visit placed again after a cancellation the previous plan still
 * records gets a SEQUENCE above the cancelled event's (seq[i] for
 * plan->appts[i] is raised where needed). */
int out_withdrawn_raise_sequences(const char *previous_plan, const struct sched_case *c,
                                  const struct sched_plan *plan, int *seq,
                                  struct careday_error *err);

#endif
