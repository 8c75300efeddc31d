/*
 * Shared by the rooms of adapters/ (not a public header): one HTTP exchange with the fetch policy
 * every network source and `careday publish` share (libcurl stays in http.c).
 *
 * Policy: TLS verification always on (a request may name its own CA file
 * for a private CA), libcurl's proxy environment honoured, connect and
 * total timeouts and a size limit (CAREDAY_CONNECT_TIMEOUT,
 * CAREDAY_FETCH_TIMEOUT in seconds, CAREDAY_FETCH_MAX_MB), at most 5
 * redirects, never from https to http, and credentials (user, password,
 * bearer token) sent only to the server the request named. Every message
 * names the URL as adapt_redact_url shows it.
 */
#ifndef CAREDAY_ADAPTERS_HTTP_H
#define CAREDAY_ADAPTERS_HTTP_H

#include "adapters/adapters.h"

#include <stdbool.h>
#include <stddef.h>

#define HTTP_MAX_REDIRECTS 5
#define HTTP_DEFAULT_CONNECT_TIMEOUT_S 10L
#define HTTP_DEFAULT_TIMEOUT_S 60L
#define HTTP_DEFAULT_MAX_MB 32L

struct http_request {
    const char *method;         /* NULL: GET */
    const char *url;            /* http, https (webcal is mapped by the caller) */
    const char *const *headers; /* NULL-terminated "Name: value" lines; may be NULL */
    const char *body;           /* request body, may be NULL */
    size_t body_len;
    const char *user;     /* Basic or Digest (libcurl picks what the server asks) */
    const char *password; /* with user; never shown anywhere */
    const char *bearer;   /* "Authorization: Bearer ..." when not NULL */
    const char *ca;       /* CA certificate file trusted for this server, may be NULL */
    const char *what;     /* what is fetched, for messages: "the calendar" */
    bool any_status;      /* true: the caller judges the status; false: >= 400 fails */
};

/* Zero-initialise; free with http_response_free. */
struct http_response {
    long status;
    char *body; /* NUL-terminated, len bytes before the NUL */
    size_t len;
    char *etag;          /* header values, NULL when absent */
    char *last_modified; /* */
    char *content_type;  /* */
    char *final_url;     /* the URL that answered, after redirects */
    long long age_s;     /* from http_fetch_cached: -1 fresh from the server, else seconds
                            since the cached copy was last confirmed */
};

void http_response_free(struct http_response *r);

/* Perform rq. On success (transfer complete and, unless any_status, a
 * status below 400) fills *rs and returns 0. Otherwise ADAPT_EFETCH with
 * err naming the redacted URL and what happened (refused, timeout, HTTP
 * status, too large, TLS failure, redirect refused), or ADAPT_EINTERNAL. */
int http_perform(const struct http_request *rq, struct http_response *rs,
                 struct careday_error *err);

/* Like http_perform, through the cache under $XDG_CACHE_HOME/careday
 * (~/.cache/careday): a GET sends If-None-Match / If-Modified-Since from the
 * copy it has and a 304 answers from that copy; any successful answer is
 * kept (file mode 0600, folder 0700; the cache holds the URL only
 * redacted). offline: never touch the network, answer from the copy or fail
 * with ADAPT_EFETCH. A cache that cannot be written is a warning. */
int http_fetch_cached(const struct http_request *rq, bool offline, struct http_response *rs,
                      struct careday_notes *warn, struct careday_error *err);

/* Write path atomically (temp file, rename; fsync first when durable) with
 * mode 0600: for the cache and publish state, which hold health data. 0 or
 * -1 (errno set). */
int http_write_private(const char *path, const char *data, size_t len, bool durable);

/* Same scheme, host and port (credentials may follow a URL there). */
bool http_same_origin(const char *a, const char *b);

/* A reference resolved against base ("/x", "x", "//h/x", absolute). Caller
 * frees; NULL when out of memory. */
char *http_resolve(const char *base, const char *ref);

/* ---------------------------------------------------------------------------
 * Secrets (secret.c): a password or token from the environment or from a
 * command, never from argv, never shown.
 */

/* The value of environment variable var. Caller frees (the copy is wiped
 * by secret_free). ADAPT_EINPUT when unset or empty. */
int secret_from_env(const char *var, char **out, struct careday_error *err);

/* Run argv (argv[0] looked up in PATH; no shell) with stdin from /dev/null,
 * wait at most CAREDAY_SECRET_TIMEOUT seconds (default 10), and return the
 * first line of its stdout. ADAPT_EFETCH when it cannot run, exits non-zero,
 * times out (it is killed) or prints nothing. Its stderr is dropped so it
 * never reaches careday's output. */
int secret_from_cmd(const char *const *argv, char **out, struct careday_error *err);

/* Wipe and free a secret; NULL is fine. */
void secret_free(char *s);

/* ---------------------------------------------------------------------------
 * WebDAV Multi-Status (dav.c, libxml2).
 */

/* One <D:response>, with the properties of its 2xx propstat. */
struct dav_item {
    char *href;        /* as the server wrote it */
    long status;       /* the response's or the 2xx propstat's status; 0 if none */
    bool collection;   /* resourcetype has DAV:collection */
    bool calendar;     /* resourcetype has CalDAV calendar */
    char *displayname; /* may be NULL */
    char *etag;        /* getetag, may be NULL */
    char *data;        /* calendar-data text, may be NULL */
    char *principal;   /* current-user-principal href, may be NULL */
    char *home;        /* calendar-home-set href, may be NULL */
};

struct dav_items {
    struct dav_item *v;
    size_t n, cap;
};

/* Parse a 207 Multi-Status body (name for messages). No network, no
 * entities, no DTD. CAL_EPARSE-style failure is ADAPT_EFETCH ("bad XML"). */
int dav_parse_multistatus(const char *body, size_t len, const char *name, struct dav_items *out,
                          struct careday_error *err);
void dav_items_free(struct dav_items *d);

/* FNV-1a over n bytes of s, continuing from h (14695981039346656037 to
 * start): the stable hash of cache and state file names. */
uint64_t http_fnv1a(uint64_t h, const char *s, size_t n);

#endif
