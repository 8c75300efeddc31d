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
    /* What changed against c->previous (re-planning, confirm, cancel), or
     * NULL. Cancelled appointments whose end is after now stay in family.ics
     * and the provider's file as STATUS:CANCELLED with a raised SEQUENCE;
     * with invite, providers/<id>-cancel.ics carries them as METHOD:CANCEL. */
    const struct sched_changes *changes;
    const char *cancel_reason; /* `careday cancel --reason`: changes.json's why for the
                                  visits it cancels; NULL: the catalogue's words */
    const char *case_file;     /* the case's absolute path, recorded in plan.json; may be NULL */
    bool no_provider_files;    /* out_write_calendars: family.ics only (batch family folders) */
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
/* OUT/providers/<provider-id>.ics over several families (a batch): each
 * provider's appointments with every family, in time order, each child named
 * as the single-family calendars name it; UIDs keyed with o->uid_key (kept in
 * caseload-plan.json). */
int out_write_provider_calendars(const char *dir, const struct sched_case *const *cases,
                                 struct sched_plan *const *plans, size_t n,
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

/* Write every output of plan into the folder out, whole or not at all
 * (publish.c, steps below): staged inside OUT's real folder, every name
 * checked first, moved in one rename each with what they replace kept to be
 * put back on failure, plan.json last. changes.json is written when
 * o->changes is set and removed from out otherwise; provider calendars left
 * from an earlier plan whose provider has nothing now are removed. Without
 * o->uid_key, the provider UID key comes from o->previous_plan, else the
 * plan.json already in out, else a new random one. */
int out_publish(const char *out, const struct sched_case *c, const struct sched_plan *plan,
                const struct sched_plan *baseline, const struct out_options *o,
                struct careday_error *err);

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
/* OUT/changes.json: what changed against the previous plan (changes_json.c). */
int out_write_changes_json(const char *dir, const struct sched_case *c,
                           const struct sched_plan *plan, const struct sched_changes *ch,
                           const struct out_options *o, struct careday_error *err);
/* A batch's plan as written to OUT/caseload-plan.json and OUT/report.html
 * (report.c). Everything borrowed. */
struct out_batch_family {
    const char *listed;    /* the case path exactly as the caseload lists it */
    size_t index;          /* its position in the caseload */
    const char *plan_path; /* its plan.json relative to OUT */
    const struct sched_case *c;
    const struct sched_plan *plan, *baseline;
};

struct out_batch {
    const char *caseload; /* the caseload file as given */
    const char *name;
    const struct out_batch_family *fam;
    size_t n;
    enum sched_status status;
    double objective, bound;
    long load_ms; /* reading the caseload and its cases */
    long solve_ms, first_plan_ms, construct_ms;
    uint64_t seed;
    int jobs, component; /* component -1: the whole caseload */
    size_t rounds, moves, accepted, conflicts;
    size_t masters, master_improved; /* master solves over the plan pool; those that gained */
    double master_gain;
    long master_ms;
    size_t repairs, repairs_accepted; /* repair moves (docs/batch.md); those taken */
    double repair_gain;
    long repair_ms;
    bool stopped_by_time;
    size_t drop_solves; /* the drop bound's solves (docs/batch.md, "Bound and gap") */
    long drop_ms;
    const char *uid_key; /* the provider calendars' UID key (caseload-plan.json "uid_key") */
};

/* OUT/caseload-plan.json and OUT/report.html. */
int out_write_caseload(const char *dir, const struct out_batch *b, struct careday_error *err);
/* The same two files for the union of parts planned apart (`batch --merge`):
 * paths are their caseload-plan.json files. ADAPT_EINPUT when a part is not
 * one, comes from another caseload, or repeats a family. */
int out_merge_caseloads(const char *dir, const char *const *paths, size_t n,
                        struct careday_error *err);

#endif
