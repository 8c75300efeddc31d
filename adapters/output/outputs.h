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

/* Whether the family's outputs can be written in lang (a catalogue for it,
 * or its base language, is installed; English always). */
bool out_has_language(const char *lang, const struct out_options *o);
/* Warn (in warn, naming case_file and family.language) when the language the
 * family's outputs would use has no catalogue: they are then in English. */
void out_check_language(const struct sched_case *c, const struct out_options *o,
                        const char *case_file, struct careday_notes *warn);

/* The stable code of a reason ("no_provider_time", "nurse", ...; static),
 * as written in plan.json's "code". */
const char *out_reason_code(enum sched_reason_code r);
/* The coordinator's sentence for an unscheduled visit, in English (plan.json
 * and the terminal are the coordinator's), from the catalogue's
 * reason.detail.<code>. *out is malloc'd (caller frees); written only on
 * success. ADAPT_EINPUT when no catalogue is found. */
int out_reason_text(const struct sched_case *c, const struct sched_unscheduled *u,
                    const struct out_options *o, char **out, struct careday_error *err);

/* How provider calendars name the child: family.provider_label, else the
 * initials of the child's name (the case name up to its first " — ") and the
 * case id: "S.R. (rivera-winter-2026)". Writes into buf. */
void out_provider_label(const struct sched_case *c, char *buf, size_t size);

/* Stable UID of a visit's appointment: derived from the case id and the visit
 * id only, so re-planning keeps it. Writes into buf. */
void out_visit_uid(const struct sched_case *c, const char *visit_id, char *buf, size_t size);

#endif
