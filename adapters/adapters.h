/*
 * adapters: the outside world and the composition root.
 *
 * Case JSON (jansson), sources (iCalendar files and URLs, FHIR), travel
 * times, the writers (plan.json, calendars, itinerary) and the `careday`
 * command. No jansson or curl type appears in this header.
 */
#ifndef CAREDAY_ADAPTERS_H
#define CAREDAY_ADAPTERS_H

#include "calendars/calendars.h"
#include "scheduler/scheduler.h"

/* Error classes of this layer, -20 .. -39 of careday's one code space
 * (calendars/careday_error.h); they map onto the documented exit codes. */
enum {
    ADAPT_OK = 0,
    ADAPT_EINPUT = -20,    /* bad input: exit 2 */
    ADAPT_EFETCH = -21,    /* a source could not be fetched: exit 4 */
    ADAPT_EINTERNAL = -22, /* internal error: exit 1 */
};

/* Exit codes of the careday command (docs/cli.md). */
enum {
    CLI_EXIT_OK = 0,          /* plan written, every visit placed */
    CLI_EXIT_INTERNAL = 1,    /* internal error */
    CLI_EXIT_BAD_INPUT = 2,   /* bad input: file, JSON path or line, what was expected */
    CLI_EXIT_UNSCHEDULED = 3, /* plan written with unscheduled visits */
    CLI_EXIT_FETCH = 4,       /* a source could not be fetched */
};

/* Load a case file: parse, resolve every source into interval sets over the
 * horizon, compute travel. On success *out is filled (caller frees with
 * sched_case_free). Unknown fields and lossless oddities go to warn. */
int adapt_case_load(const char *path, struct sched_case *out, struct careday_notes *warn,
                    struct careday_error *err);

/* A caseload (docs/batch.md): the families of a program planned together. */
struct adapt_caseload {
    char *path;               /* the caseload file as given */
    char *name;               /* its "name" ("" when none) */
    size_t n;                 /* cases listed */
    char **listed;            /* each case path exactly as listed */
    char **resolved;          /* ... resolved against the caseload's folder */
    struct sched_case *cases; /* filled by adapt_caseload_load */
    bool *loaded;
};
/* Read the caseload file (not the cases). Caller frees with
 * adapt_caseload_free (also after a failed load). */
int adapt_caseload_read(const char *path, struct adapt_caseload *out, struct careday_notes *warn,
                        struct careday_error *err);
/* Load the cases with which[i] (NULL: all); a problem names that case's
 * file. Two cases with one id are bad input. */
int adapt_caseload_load(struct adapt_caseload *cl, const bool *which, struct careday_notes *warn,
                        struct careday_error *err);
void adapt_caseload_free(struct adapt_caseload *cl); /* NULL is a no-op */
/* True when path holds a caseload rather than a case (for `careday plan`). */
bool adapt_caseload_sniff(const char *path);

/* One calendar source or hours template as adapt_case_load_with read it
 * (for `careday check`). Strings are borrowed for the callback only. */
struct adapt_source_report {
    const char *json_path; /* "providers[0].in_person.available[0]" */
    const char *kind;      /* "ics", "fhir" or "hours" */
    const char *given;     /* the location as written in the case, URLs redacted ("" for hours) */
    const char *resolved;  /* the file or URL actually read ("" for hours) */
    const char *meaning;   /* how plain events were read: "busy" or "available" */
    size_t nevents;        /* intervals the reader listed */
    size_t nbusy;          /* disjoint busy intervals over the horizon */
    size_t navailable;     /* disjoint available intervals over the horizon */
    long long age_s;       /* -1: read now; else read from the cache, confirmed
                              that many seconds ago (--offline) */
};

struct adapt_load_options {
    /* Called once per source and hours template after it is read; may be NULL. */
    void (*on_source)(void *ud, const struct adapt_source_report *r);
    void *ud;
    /* Read network sources from the cache only, never from the network. */
    bool offline;
};

/* adapt_case_load with options (o may be NULL). */
int adapt_case_load_with(const char *path, const struct adapt_load_options *o,
                         struct sched_case *out, struct careday_notes *warn,
                         struct careday_error *err);

/* Read an earlier plan.json (--previous) into c->previous (replacing
 * nothing: c->previous must be empty). ADAPT_EINPUT names the file and the
 * JSON path of what is wrong. Then call sched_case_apply_previous. */
int adapt_previous_load(const char *path, struct sched_case *c, struct careday_error *err);

/* The documented exit code for a status (errors.c, the one place codes
 * become exit codes): 0 gives 0, ADAPT_EINPUT 2, ADAPT_EFETCH 4, anything
 * else 1. Whether another layer's code is the user's fault or careday's is
 * for the caller that knows what was read: the loaders convert such codes
 * to ADAPT_EINPUT or ADAPT_EINTERNAL with a message before they get here. */
int adapt_exit_code(int status);

/* Any careday code (CAL_E*, ADAPT_E*, SCHED_E*, SOLVER_E*) in words; static
 * storage. The codes of the layers do not overlap (careday_error.h). */
const char *careday_strerror(int code);

/* A URL as shown in any message or output: no user or password, every
 * query value replaced by "***", and path segments that look like secrets
 * (private-feed tokens, long keys, e-mail addresses) replaced by "***".
 * Always terminates buf. */
void adapt_redact_url(const char *url, char *buf, size_t size);

/* Process-wide set-up, done once by main (cli/main.c) before anything else
 * (and adapt_global_cleanup once at exit): the network library, libical's
 * settings, and the solver backend's terminal output (silenced). */
int adapt_global_init(void);
void adapt_global_cleanup(void);

/* FHIR R4: read Slots from a Bundle (searchset) or NDJSON file into busy and
 * available intervals (free -> available; busy, busy-unavailable,
 * busy-tentative -> busy). schedule_filter, when not NULL, keeps only Slots
 * whose schedule reference ends with it. */
int fhir_read_slots_file(const char *path, const char *schedule_filter,
                         const struct cal_read_options *opt, struct cal_import *out,
                         struct careday_notes *warn, struct careday_error *err);

/* Write data to path atomically: a temp file in the same folder, fsync,
 * rename. Never leaves a half-written file. The file gets the permissions
 * the user's umask gives a new file (0666 & ~umask). */
int adapt_write_atomic(const char *path, const char *data, size_t len, struct careday_error *err);
/* The same for data made in pieces: produce(ud, put, pud) calls put(pud,
 * text, len) for each piece in order and returns 0, or nonzero to give up
 * (then nothing is written). Memory stays bounded by one small buffer. */
typedef int (*adapt_producer)(void *ud, int (*put)(void *pud, const char *s, size_t n), void *pud);
int adapt_write_atomic_stream(const char *path, adapt_producer produce, void *ud,
                              struct careday_error *err);

/* mkdir -p with the user's umask; ADAPT_EINTERNAL naming the folder that
 * could not be made, or a path that exists and is not a folder. */
int adapt_make_dirs(const char *path, struct careday_error *err);

/* The command; argv as given to main. Returns the process exit code. */
int cli_main(int argc, char **argv);

#endif
