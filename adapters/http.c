/*
 * HTTP for every network source and for `careday publish`: one exchange
 * with the shared policy (http.h), redirects followed by hand so that none
 * goes from https to http and credentials stay with the server they were
 * meant for, the cache with conditional GET, and the redaction of every URL
 * shown to a person.
 */
#include "adapters/http.h"
#include "adapters/json_file.h"
#include "calendars/util.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------------------
 * Redaction.
 */

/* A path segment that looks like a secret: a private-feed marker, an e-mail
 * address (a person's name), or a long run of token characters with both
 * letters and digits (Google "private-<hex>", iCloud and Outlook feed ids,
 * API keys). */
static bool secret_segment(const char *s, size_t n)
{
    size_t i, tok = 0, run = 0;
    bool alpha = false, digit = false;

    if (n >= 8 && strncasecmp(s, "private-", 8) == 0)
        return true;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '@' || (c == '%' && i + 2 < n && s[i + 1] == '4' && s[i + 2] == '0'))
            return true;
        if (isalnum(c) || c == '-' || c == '_' || c == '=' || c == '+' || c == '.' || c == '~') {
            run++;
            tok = run > tok ? run : tok;
            alpha |= isalpha(c) != 0;
            digit |= isdigit(c) != 0;
        } else {
            run = 0;
        }
    }
    return tok >= 20 && alpha && digit;
}

void adapt_redact_url(const char *url, char *buf, size_t size)
{
    const char *scheme = strstr(url, "://"), *host, *hend, *at, *p;
    size_t o = 0;

#define PUT(s, n)                                                                                  \
    do {                                                                                           \
        size_t n_ = (n);                                                                           \
        if (o + n_ >= size)                                                                        \
            n_ = o + 1 < size ? size - o - 1 : 0;                                                  \
        memcpy(buf + o, (s), n_);                                                                  \
        o += n_;                                                                                   \
    } while (0)

    if (size == 0)
        return;
    if (!scheme) {
        snprintf(buf, size, "%s", url);
        return;
    }
    host = scheme + 3;
    hend = host + strcspn(host, "/?#");
    at = NULL;
    for (p = host; p < hend; p++)
        if (*p == '@')
            at = p;
    PUT(url, (size_t)(host - url));
    if (at)
        host = at + 1;
    PUT(host, (size_t)(hend - host));
    p = hend;
    /* Path: segment by segment. */
    while (*p == '/') {
        size_t n = strcspn(p + 1, "/?#");
        PUT("/", 1);
        if (secret_segment(p + 1, n))
            PUT("***", 3);
        else
            PUT(p + 1, n);
        p += 1 + n;
    }
    /* Query: the names stay, every value goes. */
    if (*p == '?') {
        p++;
        PUT("?", 1);
        while (*p && *p != '#') {
            size_t n = strcspn(p, "&#"), k = strcspn(p, "=&#");
            if (k < n) {
                PUT(p, k);
                PUT("=***", 4);
            } else {
                PUT(p, n);
            }
            p += n;
            if (*p == '&') {
                PUT("&", 1);
                p++;
            }
        }
    }
    buf[o] = '\0';
#undef PUT
}

/* ---------------------------------------------------------------------------
 * URLs.
 */

static char *url_part(CURLU *u, CURLUPart what)
{
    char *s = NULL, *copy;
    if (curl_url_get(u, what, &s, what == CURLUPART_PORT ? CURLU_DEFAULT_PORT : 0) != CURLUE_OK)
        return NULL;
    copy = cal_strdup(s);
    curl_free(s);
    return copy;
}

bool http_same_origin(const char *a, const char *b)
{
    CURLU *ua = curl_url(), *ub = curl_url();
    static const CURLUPart parts[] = {CURLUPART_SCHEME, CURLUPART_HOST, CURLUPART_PORT};
    bool same = ua && ub && curl_url_set(ua, CURLUPART_URL, a, 0) == CURLUE_OK &&
                curl_url_set(ub, CURLUPART_URL, b, 0) == CURLUE_OK;
    size_t i;

    for (i = 0; same && i < 3; i++) {
        char *x = url_part(ua, parts[i]), *y = url_part(ub, parts[i]);
        same = x && y && strcasecmp(x, y) == 0;
        free(x);
        free(y);
    }
    curl_url_cleanup(ua);
    curl_url_cleanup(ub);
    return same;
}

char *http_resolve(const char *base, const char *ref)
{
    CURLU *u = curl_url();
    char *s = NULL, *out = NULL;

    if (!u)
        return NULL;
    if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK) {
        out = cal_strdup(s);
        curl_free(s);
    }
    curl_url_cleanup(u);
    return out;
}

/* url without user:password@ (libcurl writes the credentials it was given
 * into a redirect's URL). Caller frees; NULL when out of memory. */
static char *without_userinfo(const char *url)
{
    CURLU *u = curl_url();
    char *s = NULL, *out = NULL;

    if (!u)
        return NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_USER, NULL, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK) {
        out = cal_strdup(s);
        curl_free(s);
    }
    curl_url_cleanup(u);
    return out ? out : cal_strdup(url);
}

static bool has_userinfo(const char *url)
{
    const char *h = strstr(url, "://");
    size_t n;
    if (!h)
        return false;
    h += 3;
    n = strcspn(h, "/?#");
    return memchr(h, '@', n) != NULL;
}

static bool is_https(const char *url)
{
    return strncasecmp(url, "https://", 8) == 0;
}

/* ---------------------------------------------------------------------------
 * One exchange.
 */

static long env_long(const char *name, long def, long lo, long hi)
{
    const char *v = getenv(name);
    char *end;
    long n;

    if (!v || !*v)
        return def;
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno || *end || n < lo || n > hi)
        return def;
    return n;
}

struct sink {
    char *data;
    size_t len, cap, max;
    bool too_big;
};

static size_t sink_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct sink *b = ud;
    size_t n = size * nmemb;

    if (b->len + n + 1 > b->max) {
        b->too_big = true;
        return 0;
    }
    if (cal_grow(&b->data, &b->cap, b->len + n + 1, 1))
        return 0;
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

struct heads {
    char *etag, *last_modified;
};

static char *header_value(const char *line, size_t n, const char *name)
{
    size_t k = strlen(name);
    const char *v, *e;
    char *out;

    if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
        return NULL;
    v = line + k + 1;
    e = line + n;
    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
        e--;
    out = cal_malloc((size_t)(e - v) + 1);
    if (out) {
        memcpy(out, v, (size_t)(e - v));
        out[e - v] = '\0';
    }
    return out;
}

static size_t head_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct heads *h = ud;
    size_t n = size * nmemb;
    char *v;

    /* A new response (after a 100 Continue or an auth round) starts over. */
    if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
        free(h->etag);
        free(h->last_modified);
        h->etag = h->last_modified = NULL;
    }
    if ((v = header_value(ptr, n, "ETag"))) {
        free(h->etag);
        h->etag = v;
    } else if ((v = header_value(ptr, n, "Last-Modified"))) {
        free(h->last_modified);
        h->last_modified = v;
    }
    return n;
}

void http_response_free(struct http_response *r)
{
    if (!r)
        return;
    free(r->body);
    free(r->etag);
    free(r->last_modified);
    free(r->content_type);
    free(r->final_url);
    memset(r, 0, sizeof *r);
}

static const char *status_words(long s)
{
    switch (s) {
    case 400:
        return "400 Bad Request";
    case 401:
        return "401 Unauthorized: the server refused the user name or password";
    case 403:
        return "403 Forbidden: this user may not read it";
    case 404:
        return "404 Not Found: check the URL";
    case 405:
        return "405 Method Not Allowed";
    case 410:
        return "410 Gone";
    case 412:
        return "412 Precondition Failed: it changed on the server";
    case 429:
        return "429 Too Many Requests";
    case 500:
        return "500 Internal Server Error";
    case 502:
        return "502 Bad Gateway";
    case 503:
        return "503 Service Unavailable";
    case 504:
        return "504 Gateway Timeout";
    default:
        return NULL;
    }
}

static int transfer_error(CURLcode cc, const char *errbuf, const struct sink *b, long connect_s,
                          long total_s, long max_mb, const char *shown, const char *what,
                          struct careday_error *err)
{
    const char *e = errbuf[0] ? errbuf : curl_easy_strerror(cc);

    if (b->too_big || cc == CURLE_FILESIZE_EXCEEDED)
        return careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                            "could not fetch %s: too large (more than %ld MiB; "
                            "CAREDAY_FETCH_MAX_MB raises the limit)",
                            what, max_mb);
    switch (cc) {
    case CURLE_COULDNT_CONNECT:
        return careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                            "could not fetch %s: connection refused (is the server running?)",
                            what);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                            "could not fetch %s: unknown host (%s)", what, e);
    case CURLE_OPERATION_TIMEDOUT:
        return careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                            "could not fetch %s: timeout (connect limit %ld s, total %ld s; "
                            "CAREDAY_CONNECT_TIMEOUT and CAREDAY_FETCH_TIMEOUT change them)",
                            what, connect_s, total_s);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
        return careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                            "could not fetch %s: TLS failure, the server's certificate is not "
                            "trusted (%s); for a private CA give its certificate in \"ca\"",
                            what, e);
    case CURLE_UNSUPPORTED_PROTOCOL:
        return careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                            "could not fetch %s: only http and https are used (%s)", what, e);
    default:
        return careday_fail(err, ADAPT_EFETCH, shown, 0, NULL, "could not fetch %s: %s", what, e);
    }
}

/* Append a header to *hl; false (and *hl as it was) when out of memory. */
static bool add_header(struct curl_slist **hl, const char *h)
{
    struct curl_slist *n = curl_slist_append(*hl, h);
    if (n)
        *hl = n;
    return n != NULL;
}

/* Long on purpose: one request with its redirects and authentication rounds, in one loop that
 * shares the handle and the scope the credentials were given for. */
int http_perform(const struct http_request *rq, struct http_response *rs, struct careday_error *err)
{
    long connect_s = env_long("CAREDAY_CONNECT_TIMEOUT", HTTP_DEFAULT_CONNECT_TIMEOUT_S, 1, 3600);
    long total_s = env_long("CAREDAY_FETCH_TIMEOUT", HTTP_DEFAULT_TIMEOUT_S, 1, 86400);
    long max_mb = env_long("CAREDAY_FETCH_MAX_MB", HTTP_DEFAULT_MAX_MB, 1, 4096);
    const char *what = rq->what ? rq->what : "the calendar";
    const char *method = rq->method ? rq->method : "GET";
    char shown[512], errbuf[CURL_ERROR_SIZE];
    char *url = cal_strdup(rq->url), *bearer = NULL;
    struct curl_slist *hl = NULL;
    struct sink b = {0};
    struct heads h = {0};
    bool creds = true, keep_body = true;
    CURL *c = NULL;
    int rc = 0, hops;
    long failures = cal_alloc_failures(); /* libcurl allocates through the same wrapper */

    memset(rs, 0, sizeof *rs);
    adapt_redact_url(rq->url, shown, sizeof shown);
    b.max = (size_t)max_mb * 1024 * 1024;
    if (!url)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    if (rq->bearer) {
        size_t n = strlen(rq->bearer) + sizeof "Authorization: Bearer ";
        if (!(bearer = cal_malloc(n))) {
            rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
            goto done;
        }
        snprintf(bearer, n, "Authorization: Bearer %s", rq->bearer);
    }
    for (hops = 0;; hops++) {
        CURLcode cc;
        char *next = NULL, *ct = NULL;
        long status = 0;
        size_t i;

        curl_slist_free_all(hl);
        hl = NULL;
        bool headers_ok = true;
        for (i = 0; headers_ok && rq->headers && rq->headers[i]; i++)
            headers_ok = add_header(&hl, rq->headers[i]);
        if (headers_ok && creds && bearer)
            headers_ok = add_header(&hl, bearer);
        if (!headers_ok || !(c = curl_easy_init())) {
            /* never a request without its headers (the token among them) */
            rc = careday_fail(err, ADAPT_EINTERNAL, shown, 0, NULL, "out of memory fetching %s",
                              what);
            goto done;
        }
        errbuf[0] = '\0';
        free(b.data);
        b.data = NULL;
        b.len = b.cap = 0;
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, connect_s);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, total_s);
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)b.max);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        if (rq->ca)
            curl_easy_setopt(c, CURLOPT_CAINFO, rq->ca);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(c, CURLOPT_USERAGENT, "careday/0.1");
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, head_write);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
        if (hl)
            curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
        if (strcmp(method, "GET") == 0) {
            curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        } else if (strcmp(method, "HEAD") == 0) {
            curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
        } else {
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
            if (keep_body && rq->body) {
                curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
                curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
            }
        }
        /* Basic or Digest, as the server asks; also for user:password@ in a URL. */
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)(CURLAUTH_BASIC | CURLAUTH_DIGEST));
        if (creds && rq->user) {
            curl_easy_setopt(c, CURLOPT_USERNAME, rq->user);
            curl_easy_setopt(c, CURLOPT_PASSWORD, rq->password ? rq->password : "");
        }
        cc = curl_easy_perform(c);
        if (cc != CURLE_OK && (cc == CURLE_OUT_OF_MEMORY || cal_alloc_failures() != failures)) {
            /* not the server's fault: libcurl reports a failed allocation as whatever step
             * it was in (a name that does not resolve, a write error, bad compression) */
            rc = careday_fail(err, ADAPT_EINTERNAL, shown, 0, NULL, "out of memory fetching %s",
                              what);
            goto done;
        }
        if (cc != CURLE_OK) {
            rc = transfer_error(cc, errbuf, &b, connect_s, total_s, max_mb, shown, what, err);
            goto done;
        }
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 300 && status < 400 && status != 304 &&
            curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &next) == CURLE_OK && next) {
            char nshown[512];
            adapt_redact_url(next, nshown, sizeof nshown);
            if (hops >= HTTP_MAX_REDIRECTS) {
                rc = careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                                  "could not fetch %s: more than %d redirects", what,
                                  HTTP_MAX_REDIRECTS);
                goto done;
            }
            if (is_https(url) && !is_https(next)) {
                rc = careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                                  "could not fetch %s: the server redirected from https to %s; "
                                  "refused (careday never leaves TLS once it is used)",
                                  what, nshown);
                goto done;
            }
            if (strncasecmp(next, "http://", 7) != 0 && !is_https(next)) {
                rc = careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                                  "could not fetch %s: redirected to %s, which is not http or "
                                  "https",
                                  what, nshown);
                goto done;
            }
            /* Credentials only ever go to the server they were given for. */
            if (!http_same_origin(url, next))
                creds = false;
            if (status == 303 && strcmp(method, "HEAD") != 0) {
                method = "GET";
                keep_body = false;
            }
            free(url);
            /* The user and password given for the first server go to the
             * same server again, in the URL only if they came that way. */
            if (!(url =
                      creds && has_userinfo(rq->url) ? cal_strdup(next) : without_userinfo(next))) {
                rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
                goto done;
            }
            curl_easy_cleanup(c);
            c = NULL;
            continue;
        }
        if (status >= 400 && !rq->any_status) {
            const char *w = status_words(status);
            if (w)
                rc = careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                                  "could not fetch %s: the server answered HTTP %s", what, w);
            else
                rc = careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                                  "could not fetch %s: the server answered HTTP %ld%s", what,
                                  status, status >= 500 ? " (a server error)" : "");
            goto done;
        }
        rs->status = status;
        if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
            rs->content_type = cal_strdup(ct);
        break;
    }
    if (!b.data && !(b.data = cal_calloc(1, 1))) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    rs->body = b.data;
    rs->len = b.len;
    rs->etag = h.etag;
    rs->last_modified = h.last_modified;
    rs->final_url = url;
    rs->age_s = -1;
    b.data = NULL;
    h.etag = h.last_modified = NULL;
    url = NULL;
done:
    if (rc)
        http_response_free(rs);
    free(b.data);
    free(h.etag);
    free(h.last_modified);
    free(url);
    free(bearer);
    curl_slist_free_all(hl);
    if (c)
        curl_easy_cleanup(c);
    return rc;
}

/* ---------------------------------------------------------------------------
 * The cache.
 */

uint64_t http_fnv1a(uint64_t h, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* $XDG_CACHE_HOME/careday, else ~/.cache/careday; created 0700. */
static int cache_dir(char *buf, size_t size)
{
    const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char base[4096];

    if (x && x[0] == '/')
        snprintf(base, sizeof base, "%s", x);
    else if (home && home[0])
        snprintf(base, sizeof base, "%s/.cache", home);
    else
        return -1;
    if (mkdir(base, 0700) != 0 && errno != EEXIST)
        return -1;
    if (snprintf(buf, size, "%s/careday", base) >= (int)size)
        return -1;
    if (mkdir(buf, 0700) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* The key: method, URL (with any credentials and tokens), user, request
 * headers (Depth, Accept) and body, hashed twice; the cache never holds them
 * in the clear. */
static void cache_key(const struct http_request *rq, char *key, size_t size)
{
    const char *m = rq->method ? rq->method : "GET";
    uint64_t a = 14695981039346656037ULL, b = 0x9e3779b97f4a7c15ULL;
    const char *parts[4] = {m, rq->url, rq->user ? rq->user : "", rq->body ? rq->body : ""};
    size_t lens[4] = {strlen(m), strlen(rq->url), rq->user ? strlen(rq->user) : 0,
                      rq->body ? rq->body_len : 0};
    size_t i;

    for (i = 0; i < 4; i++) {
        a = http_fnv1a(a, parts[i], lens[i]);
        a = http_fnv1a(a, "\n", 1);
        b = http_fnv1a(b, "\n", 1);
        b = http_fnv1a(b, parts[i], lens[i]);
    }
    for (i = 0; rq->headers && rq->headers[i]; i++) {
        a = http_fnv1a(a, rq->headers[i], strlen(rq->headers[i]));
        b = http_fnv1a(b, "\r", 1);
        b = http_fnv1a(b, rq->headers[i], strlen(rq->headers[i]));
    }
    snprintf(key, size, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
}

/* A cached body: a regular file only (never blocks on a pipe). */
static char *slurp(const char *path, size_t *len)
{
    char *data = NULL;
    if (cal_read_regular(path, "a cached download", ADAPT_JSON_MAX_BYTES * 4, &data, len, NULL))
        return NULL;
    return data;
}

struct cached {
    char *body;
    size_t len;
    char *etag, *last_modified, *content_type;
    char *final_url; /* where the request was answered, after redirects */
    long long checked;
    long status;
};

static void cached_free(struct cached *c)
{
    free(c->body);
    free(c->etag);
    free(c->last_modified);
    free(c->content_type);
    free(c->final_url);
    memset(c, 0, sizeof *c);
}

static char *json_dup(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? cal_strdup(s) : NULL;
}

static bool cache_load(const char *dir, const char *key, struct cached *out)
{
    char path[4200];
    json_t *meta;
    size_t n = 0;

    memset(out, 0, sizeof *out);
    snprintf(path, sizeof path, "%s/%s.json", dir, key);
    if (adapt_json_file(path, "a cache record (JSON)", &meta, NULL) != 0)
        return false;
    snprintf(path, sizeof path, "%s/%s.body", dir, key);
    out->body = slurp(path, &n);
    out->len = n;
    out->etag = json_dup(meta, "etag");
    out->last_modified = json_dup(meta, "last_modified");
    out->content_type = json_dup(meta, "content_type");
    out->final_url = json_dup(meta, "final_url");
    out->checked = (long long)json_integer_value(json_object_get(meta, "checked"));
    out->status = (long)json_integer_value(json_object_get(meta, "status"));
    if (out->status < 200 || out->status > 299)
        out->status = 200;
    json_decref(meta);
    if (!out->body) {
        cached_free(out);
        return false;
    }
    return true;
}

int http_write_private(const char *path, const char *data, size_t len, bool durable)
{
    char tmp[4300];
    int fd;
    size_t o = 0;

    snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
    if ((fd = mkstemp(tmp)) < 0)
        return -1;
    (void)fchmod(fd, 0600);
    while (o < len) {
        ssize_t w = write(fd, data + o, len - o);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            unlink(tmp);
            return -1;
        }
        o += (size_t)w;
    }
    o = durable && fsync(fd) != 0;
    if (close(fd) != 0 || o || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int cache_store(const char *dir, const char *key, const struct http_request *rq,
                       const struct http_response *rs, long long now)
{
    char path[4200], shown[512];
    json_t *meta = json_object();
    char *text = NULL;
    int rc = -1;

    adapt_redact_url(rq->url, shown, sizeof shown);
    if (!meta)
        return -1;
    json_object_set_new(meta, "url", json_string(shown));
    if (rs->etag)
        json_object_set_new(meta, "etag", json_string(rs->etag));
    if (rs->last_modified)
        json_object_set_new(meta, "last_modified", json_string(rs->last_modified));
    if (rs->content_type)
        json_object_set_new(meta, "content_type", json_string(rs->content_type));
    /* Where a redirect led, so that --offline resolves references alike; only
     * when the URL holds nothing that redaction would hide. */
    if (rs->final_url) {
        char fshown[512];
        adapt_redact_url(rs->final_url, fshown, sizeof fshown);
        if (strcmp(fshown, rs->final_url) == 0)
            json_object_set_new(meta, "final_url", json_string(rs->final_url));
    }
    json_object_set_new(meta, "checked", json_integer(now));
    json_object_set_new(meta, "status", json_integer(rs->status == 304 ? 200 : rs->status));
    text = json_dumps(meta, JSON_INDENT(1));
    snprintf(path, sizeof path, "%s/%s.body", dir, key);
    if (text && http_write_private(path, rs->body, rs->len, false) == 0) {
        snprintf(path, sizeof path, "%s/%s.json", dir, key);
        rc = http_write_private(path, text, strlen(text), false);
    }
    free(text);
    json_decref(meta);
    return rc;
}

static int from_cache(struct cached *c, const char *url, long long now, struct http_response *rs,
                      struct careday_error *err)
{
    memset(rs, 0, sizeof *rs);
    rs->status = c->status;
    rs->body = c->body;
    rs->len = c->len;
    rs->etag = c->etag;
    rs->last_modified = c->last_modified;
    rs->content_type = c->content_type;
    rs->age_s = now > c->checked ? now - c->checked : 0;
    rs->final_url = c->final_url;
    memset(c, 0, sizeof *c);
    if (!rs->final_url && !(rs->final_url = cal_strdup(url))) {
        http_response_free(rs);
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    }
    return 0;
}

int http_fetch_cached(const struct http_request *rq, bool offline, struct http_response *rs,
                      struct careday_notes *warn, struct careday_error *err)
{
    const char *m = rq->method ? rq->method : "GET";
    bool get = strcmp(m, "GET") == 0;
    char dir[4096], key[40], shown[512];
    char inm[600], ims[300];
    const char *heads[32];
    struct http_request r = *rq;
    struct cached c;
    bool have, usable_dir;
    long long now = (long long)time(NULL);
    size_t i, n = 0;
    int rc;

    adapt_redact_url(rq->url, shown, sizeof shown);
    usable_dir = cache_dir(dir, sizeof dir) == 0;
    cache_key(rq, key, sizeof key);
    have = usable_dir && cache_load(dir, key, &c);
    if (offline) {
        if (!have)
            return careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                                "--offline: %s is not in the cache (%s); run once without "
                                "--offline first",
                                rq->what ? rq->what : "the calendar",
                                usable_dir ? dir : "no cache folder");
        return from_cache(&c, rq->url, now, rs, err);
    }
    if (have && get) {
        for (i = 0; rq->headers && rq->headers[i] && n < 28; i++)
            heads[n++] = rq->headers[i];
        if (c.etag && snprintf(inm, sizeof inm, "If-None-Match: %s", c.etag) < (int)sizeof inm)
            heads[n++] = inm;
        if (c.last_modified &&
            snprintf(ims, sizeof ims, "If-Modified-Since: %s", c.last_modified) < (int)sizeof ims)
            heads[n++] = ims;
        heads[n] = NULL;
        r.headers = heads;
    }
    rc = http_perform(&r, rs, err);
    if (rc) {
        if (have) {
            size_t k = strlen(err->text);
            snprintf(err->text + k, sizeof err->text - k,
                     " (a copy from %lld minutes ago is in the cache: --offline uses it)",
                     (now - c.checked) / 60);
            cached_free(&c);
        }
        return rc;
    }
    if (rs->status == 304 && have) {
        char *final = rs->final_url;
        rs->final_url = NULL;
        http_response_free(rs);
        /* Confirmed: record when. */
        c.checked = now;
        free(c.final_url);
        c.final_url = NULL; /* this answer's, not the stored one */
        rc = from_cache(&c, final, now, rs, err);
        free(final);
        if (rc == 0) {
            rs->age_s = -1;
            if (usable_dir && cache_store(dir, key, rq, rs, now) != 0)
                careday_notes_add(warn, shown, 0, NULL,
                                  "could not update the cache in %s; --offline may use an older "
                                  "copy",
                                  dir);
        }
        return rc;
    }
    if (have)
        cached_free(&c);
    if (rs->status == 304) {
        http_response_free(rs);
        return careday_fail(err, ADAPT_EFETCH, shown, 0, NULL,
                            "could not fetch %s: the server answered 304 Not Modified to a "
                            "request without a cached copy",
                            rq->what ? rq->what : "the calendar");
    }
    if (rs->status < 300 && (!usable_dir || cache_store(dir, key, rq, rs, now) != 0))
        careday_notes_add(warn, shown, 0, NULL,
                          "could not write the cache in %s; --offline will not have this source",
                          usable_dir ? dir : "$XDG_CACHE_HOME/careday");
    return 0;
}
