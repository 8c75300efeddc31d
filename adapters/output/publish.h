/*
 * Private to adapters/: `careday publish`, the calendars of a plan into
 * CalDAV collections (caldav_publish.c; the command is cli/cmd_publish.c).
 */
#ifndef CAREDAY_ADAPTERS_PUBLISH_H
#define CAREDAY_ADAPTERS_PUBLISH_H

#include "adapters/adapters.h"

struct pub_target {
    const char *url;     /* the calendar collection (ends with "/") */
    const char *file;    /* the .ics of OUT to publish there */
    const char *label;   /* "family" or the provider id, for messages */
    const char *calname; /* display name if careday has to create the collection */
};

struct pub_options {
    const char *user;     /* may be NULL */
    const char *password; /* may be NULL; never shown */
    const char *ca;       /* may be NULL */
    struct careday_notes *warn;
};

struct pub_counts {
    size_t created, updated, deleted, unchanged, conflicts;
};

/* What was written so far, "created family/x.ics, deleted neuro/y.ics";
 * zero-initialise, free with pub_log_free. */
struct pub_log {
    char *text;
    size_t len, cap, n;
};
void pub_log_free(struct pub_log *l);

/* Publish t->file into t->url: create (If-None-Match: *), update (If-Match
 * with the stored ETag), delete what careday published there earlier and the
 * file no longer holds. Counts in *c; each write added to log as it
 * happens. ADAPT_EFETCH on a network or server failure (the state keeps
 * what was done, so running again completes the job), ADAPT_EINPUT when the
 * file is not a calendar. */
int caldav_publish(const struct pub_target *t, const struct pub_options *o, struct pub_counts *c,
                   struct pub_log *log, struct careday_error *err);

#endif
