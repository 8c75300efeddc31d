/*
 * Private to adapters/input/: the case loader's state and the typed field
 * readers its parts share (case.c reads the case head, family, places,
 * travel and providers; case_visits.c the visits, bookings and links;
 * case_fields.c holds the readers). jansson types may appear here, never in
 * a public header.
 */
#ifndef CAREDAY_ADAPTERS_INPUT_CASE_LOADER_H
#define CAREDAY_ADAPTERS_INPUT_CASE_LOADER_H

#include "adapters/input/case_internal.h"

/* Longest horizon a case may span, in days. */
#define CASE_MAX_HORIZON_DAYS 366
/* Most entries in one list (visits, providers, places...). */
#define CASE_MAX_ITEMS 10000

/* The loader: the case being filled and the JSON it comes from. */
struct loader {
    struct adapt_ctx x;
    struct sched_case *c;
    json_t *root;
    const json_t **vobj; /* the JSON object of each visit (due visits and bookings) */
    char **vpath;        /* and its JSON path */
    size_t nvpath;       /* entries allocated in vobj and vpath */
    size_t ndue;         /* visits[] entries; bookings follow */
    /* The busy time each calendar source of the family brought (family.busy[i],
     * booked[i] calendars), to name the one a booking's trip meets. */
    struct case_busy_source *bsrc;
    size_t nbsrc, bsrc_cap;
};

struct case_busy_source {
    char *jpath; /* "family.busy[1]" */
    struct cal_set busy;
};

/* Fail with ADAPT_EINTERNAL "out of memory". */
int case_oom(struct careday_error *err);

/* Typed field readers. Each looks up key in obj (path parent.key); a
 * missing optional field leaves *out untouched; a wrong one fails with
 * ADAPT_EINPUT naming the file, the JSON path and what was expected. */
int case_get_value(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                   const char *key, bool required, const char *expected, json_t **out,
                   struct careday_error *err);
int case_get_str(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                 bool required, const char **out, struct careday_error *err);
/* A link (telehealth "link"): a string of printable characters without
 * spaces, quotes or angle brackets. A link with a control character (a line
 * break would become a new line in the calendars written) is bad input. */
int case_get_link(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                  bool required, const char **out, struct careday_error *err);
/* An e-mail address: one '@' between non-empty parts, no spaces, control
 * characters or any of ()<>[],;:\" . */
int case_get_email(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                   const char *key, bool required, const char **out, struct careday_error *err);
int case_get_id(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                bool required, const char **out, struct careday_error *err);
int case_get_int(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                 bool required, long long lo, long long hi, const char *expected, int *out,
                 struct careday_error *err);
int case_get_num(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                 bool required, double lo, double hi, const char *expected, double *out,
                 struct careday_error *err);
int case_get_typed(const struct adapt_ctx *x, const json_t *obj, const char *parent,
                   const char *key, bool required, json_type type, const char *expected,
                   json_t **out, struct careday_error *err);
int case_get_bool(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                  bool *out, struct careday_error *err);
int case_get_obj(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                 bool required, json_t **out, struct careday_error *err);
int case_get_arr(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                 bool required, json_t **out, struct careday_error *err);
int case_get_date(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                  bool required, int32_t *out, struct careday_error *err);
int case_get_hhmm(const struct adapt_ctx *x, const json_t *obj, const char *parent, const char *key,
                  int *out, struct careday_error *err);

/* A copy of s (NULL stays NULL) in *out. */
int case_dup_str(const char *s, char **out, struct careday_error *err);
/* The day as YYYY-MM-DD in buf; returns buf. */
char *case_day_text(int32_t day, char *buf, size_t size);

/* Index of the place, provider or visit (among the first n) with this id, -1 when none. */
int case_find_place(const struct sched_case *c, const char *id);
int case_find_provider(const struct sched_case *c, const char *id);
int case_find_visit(const struct sched_case *c, size_t n, const char *id);
/* visits[] and booked[] into l->c (case_visits.c). */
int case_read_visits(struct loader *l, struct careday_error *err);
/* case_adjust.c: policy, pins, dates to avoid (after case_read_visits). */
int case_read_adjustments(struct loader *l, struct careday_error *err);

/* case_notes.c: the calendar sources of the family's busy time. Reads the
 * array of sources at jpath (or, when one is set, the one source src at
 * jpath) as adapt_sources_read does, adding to busy and available, and
 * keeps what each source made busy for case_booking_notes. */
int case_read_busy(struct loader *l, const json_t *arr, const json_t *src, const char *jpath,
                   struct cal_set *busy, struct cal_set *available, struct careday_error *err);
/* Warnings about fixed bookings whose trip does not fit the family's day
 * (sched_booking_notes), naming the case file, the booking's JSON path and
 * the busy source met. Only out of memory fails. */
int case_booking_notes(struct loader *l, struct careday_error *err);
/* Free what case_read_busy kept. */
void case_busy_free(struct loader *l);

#endif
