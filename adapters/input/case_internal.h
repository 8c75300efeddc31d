/*
 * Private to adapters/: the pieces the case loader shares between case.c
 * (the JSON walk), sources.c (calendar sources, URL fetching, hours
 * templates) and cli.c. jansson types may appear here, never in a public
 * header.
 */
#ifndef CAREDAY_ADAPTERS_CASE_INTERNAL_H
#define CAREDAY_ADAPTERS_CASE_INTERNAL_H

#include "adapters/adapters.h"

#include <jansson.h>

/* Everything a source or field reader needs to know about the case being
 * loaded. Borrowed pointers, valid for the duration of the load. */
struct adapt_ctx {
    const char *file;  /* the case file as given (used in messages) */
    const char *dir;   /* its folder; relative paths resolve against it */
    cal_time from, to; /* horizon, [from, to) in UTC */
    int32_t first_day; /* horizon, inclusive day numbers in the case zone */
    int32_t last_day;
    struct careday_notes *warn;
    const struct adapt_load_options *opt; /* may be NULL */
};

/* JSON paths: "visits[3].window.latest". Both write into buf (always
 * terminated) and return buf. An empty parent gives just the key. */
const char *adapt_jp_key(char *buf, size_t size, const char *parent, const char *key);
const char *adapt_jp_index(char *buf, size_t size, const char *parent, size_t i);
/* parent.key[i] (key[i] when parent is empty). */
const char *adapt_jp_key_index(char *buf, size_t size, const char *parent, const char *key,
                               size_t i);

/* The JSON type of v in words ("a string", "a number", "null"...). */
const char *adapt_json_kind(const json_t *v);

/* Warn about every key of obj not in known (a NULL-terminated list). */
void adapt_warn_unknown_keys(const struct adapt_ctx *x, const json_t *obj, const char *jpath,
                             const char *const *known);

/* Fail with ADAPT_EINPUT naming the case file and jpath. */
int adapt_bad(const struct adapt_ctx *x, struct careday_error *err, const char *jpath,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A path written in the case, resolved against the case folder (absolute
 * paths are kept). Caller frees. NULL when out of memory. */
char *adapt_resolve_path(const char *dir, const char *given);

/* True for http://, https:// and webcal:// locations. */
bool adapt_is_url(const char *s);

struct http_request;
struct http_response;

/* One request of a source through http_fetch_cached (adapters/http.h):
 * webcal:// is https://, rq->ca is resolved against the case folder, and
 * --offline answers from the cache. *rs is filled on success (caller frees
 * with http_response_free); ADAPT_EFETCH naming the redacted URL when the
 * fetch fails. */
int adapt_fetch(const struct adapt_ctx *x, const struct http_request *rq, struct http_response *rs,
                struct careday_error *err);

/* The password of a source or target object cfg ("password_env" or
 * "password_cmd" at jpath); *out is NULL when neither is given, else free it
 * with secret_free. */
int adapt_password(const struct adapt_ctx *x, const json_t *cfg, const char *jpath, char **out,
                   struct careday_error *err);

/* A {"caldav": cfg} source at kp: discover the calendar, REPORT the events
 * over the horizon of opt and read each through cal_ics_read_buffer into
 * im. shown receives the redacted collection URL; *age_s is -1 or the age of
 * the oldest cached answer used (--offline). A reader error keeps its own
 * name and line (bad input); fetch failures are ADAPT_EFETCH. */
int adapt_caldav_read(const struct adapt_ctx *x, const json_t *cfg, const char *kp,
                      const struct cal_read_options *opt, struct cal_import *im, char *shown,
                      size_t shown_size, long long *age_s, struct careday_error *err);

struct fhir_slot_query;

/* A network FHIR source at kp: fhir is {"base", "query", "token_env", "ca"}
 * (a search followed through its next links) or a URL string (a Bundle,
 * NDJSON, or a SMART Scheduling Links manifest whose Schedule and Slot
 * files are fetched). ca is the source-level "ca" (may be NULL). Slots pass
 * q and are read as from a file into im; shown and *age_s as for CalDAV. */
int adapt_fhir_live_read(const struct adapt_ctx *x, const json_t *fhir, const char *kp,
                         const char *ca, const struct fhir_slot_query *q,
                         const struct cal_read_options *opt, struct cal_import *im, char *shown,
                         size_t shown_size, long long *age_s, struct careday_error *err);

/* Read the array of source objects at jpath ("family.busy") and add what
 * they say to busy and available (clipped to the horizon). def is the
 * meaning of plain events when a source has no "meaning"; zone reads
 * floating times and all-day dates. arr may be NULL (nothing to read). */
int adapt_sources_read(const struct adapt_ctx *x, const json_t *arr, const char *jpath,
                       enum cal_meaning def, const cal_tz *zone, struct cal_set *busy,
                       struct cal_set *available, struct careday_error *err);

/* One source object (an element of such an array). */
int adapt_source_read(const struct adapt_ctx *x, const json_t *src, const char *jpath,
                      enum cal_meaning def, const cal_tz *zone, struct cal_set *busy,
                      struct cal_set *available, struct careday_error *err);

/* Expand the weekly "hours" template at jpath over the horizon in zone and
 * add it to out. arr may be NULL. */
int adapt_hours_read(const struct adapt_ctx *x, const json_t *arr, const char *jpath,
                     const cal_tz *zone, struct cal_set *out, struct careday_error *err);

#endif
