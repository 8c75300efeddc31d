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
    const char *uid_key;       /* 32 hex digits keying provider UIDs (plan.json "uid_key");
                                  NULL: unkeyed digest (tests only) */
};

/* The key of provider calendar UIDs: 16 random bytes as 32 hex digits. A
 * provider UID carries a keyed digest (SipHash-2-4) of the case id, so the
 * case id (often a family name) cannot be guessed from it; the key is kept
 * in plan.json ("uid_key") so that re-planning keeps the UIDs. */
#define OUT_UID_KEY_BYTES 16
/* A new random key into hex (size >= 33). ADAPT_EINTERNAL when no random
 * bytes can be read. */
int out_uid_key_new(char *hex, size_t size, struct careday_error *err);
/* The key recorded in an earlier plan.json; 0 when found (a regular file,
 * valid JSON, a valid key), -1 otherwise. */
int out_uid_key_of_plan(const char *plan_json, char *hex, size_t size);
bool out_uid_key_valid(const char *hex);

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

/* Publishing OUT whole or not at all (publish.c). out_publish_begin makes
 * the staging folder (p->staging, with a providers/ folder) that the
 * writers fill; out_publish_commit moves it into OUT, or on any failure
 * leaves OUT exactly as it was; out_publish_abort removes the staging
 * folder (safe to call twice). */
struct out_publish {
    char out[4096];     /* OUT as given, without trailing slashes */
    char target[4096];  /* OUT with its folder's symlinks resolved */
    char staging[4200]; /* "" when there is none */
    bool fresh;         /* OUT did not exist: the staging folder becomes OUT */
};
/* For tests: fail(ud, step, name) returning an errno value makes that step
 * fail as if the system call had. Steps: "check", "backup", "mkdir",
 * "move", "stale", "sync" (OUT exists), "chmod", "sync", "rename" (new
 * OUT). */
struct out_publish_hooks {
    int (*fail)(void *ud, const char *step, const char *name);
    void *ud;
};
int out_publish_begin(const char *out, struct out_publish *p, struct careday_error *err);
int out_publish_commit(struct out_publish *p, const struct out_publish_hooks *hooks,
                       struct careday_error *err);
void out_publish_abort(struct out_publish *p);

#endif
