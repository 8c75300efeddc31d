/*
 * The writers: what the coordinator, the family and the providers receive.
 * Every file is written atomically (adapt_write_atomic). Strings shown to
 * families come from the message catalogue (adapters/messages/<lang>.json).
 */
#ifndef CAREDAY_OUTPUTS_H
#define CAREDAY_OUTPUTS_H

#include "calendars/calendars.h"
#include "scheduler/scheduler.h"

struct out_options {
    const char *lang;          /* "en", "es"; NULL: the case's family.language */
    cal_time now;              /* DTSTAMP and "generated" times (injectable clock) */
    const char *previous_plan; /* path of an earlier plan.json (--previous), or NULL */
    bool invite;               /* also write iTIP METHOD:REQUEST files (--invite) */
    const char *messages_dir;  /* folder of <lang>.json catalogues; NULL: built-in search */
    /* What changed against c->previous (re-planning, confirm, cancel), or
     * NULL. Cancelled appointments whose end is after now stay in family.ics
     * and the provider's file as STATUS:CANCELLED with a raised SEQUENCE;
     * with invite, providers/<id>-cancel.ics carries them as METHOD:CANCEL. */
    const struct sched_changes *changes;
};

/* OUT/plan.json (DESIGN §5), with the baseline's metrics beside the plan's. */
int out_write_plan_json(const char *dir, const struct sched_case *c, const struct sched_plan *plan,
                        const struct sched_plan *baseline, const struct out_options *o,
                        struct careday_error *err);
/* OUT/family.ics and OUT/providers/<provider-id>.ics. */
int out_write_calendars(const char *dir, const struct sched_case *c, const struct sched_plan *plan,
                        const struct out_options *o, struct careday_error *err);
/* ADAPT_EINPUT unless the case carries what --invite needs (the
 * coordinator's and every provider's e-mail address); call before planning. */
int out_check_invite(const struct sched_case *c, struct careday_error *err);
/* OUT/itinerary.html. */
int out_write_itinerary(const char *dir, const struct sched_case *c, const struct sched_plan *plan,
                        const struct sched_plan *baseline, const struct out_options *o,
                        struct careday_error *err);

/* SEQUENCE of every appointment of plan (seq[i] for plan->appts[i], seq has
 * plan->nappts entries) against the earlier plan.json at previous_plan: 0 for
 * a new appointment, the previous number when unchanged, one more when it
 * moved or changed mode; all 0 when previous_plan is NULL. plan.json records
 * the same numbers as "sequence". ADAPT_EINPUT when the earlier plan cannot
 * be read. (out_ics.c) */
int out_previous_sequences(const char *previous_plan, const struct sched_case *c,
                           const struct sched_plan *plan, int *seq, struct careday_error *err);

/* Stable UID of a visit's appointment: derived from the case id and the visit
 * id only, so re-planning keeps it. Writes into buf. */
void out_visit_uid(const struct sched_case *c, const char *visit_id, char *buf, size_t size);

/* OUT/changes.json: what changed against the previous plan (changes_json.c). */
int out_write_changes_json(const char *dir, const struct sched_case *c,
                           const struct sched_plan *plan, const struct sched_changes *ch,
                           const struct out_options *o, struct careday_error *err);

#endif
