/*
 * Errors, warnings and the allocation wrapper of the calendars folder.
 */
#include "calendars/calendars_internal.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Allocation with fault injection for tests. The counters are the only
 * process-wide state of this folder (careday runs one thread; batch workers
 * are processes); only tests set the countdown.
 */

static long alloc_fail_countdown = -1;
static long alloc_count, alloc_failures;

void cal_alloc_fail_after(long n)
{
    alloc_fail_countdown = n;
}

long cal_alloc_count(void)
{
    return alloc_count;
}

long cal_alloc_failures(void)
{
    return alloc_failures;
}

/* Every result of the C library goes through here on its way out. */
static void *counted(void *p)
{
    if (p == NULL && alloc_failures < LONG_MAX)
        alloc_failures++;
    return p;
}

static bool alloc_should_fail(void)
{
    if (alloc_count < LONG_MAX)
        alloc_count++;
    if (alloc_fail_countdown < 0)
        return false;
    if (alloc_fail_countdown == 0)
        return true;
    alloc_fail_countdown--;
    return false;
}

void *cal_malloc(size_t size)
{
    if (alloc_should_fail())
        return counted(NULL);
    return counted(malloc(size ? size : 1));
}

void *cal_calloc(size_t n, size_t size)
{
    if (alloc_should_fail())
        return counted(NULL);
    return counted(calloc(n ? n : 1, size ? size : 1));
}

void *cal_realloc(void *p, size_t size)
{
    if (alloc_should_fail())
        return counted(NULL);
    return counted(realloc(p, size ? size : 1));
}

char *cal_strdup(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = cal_malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* ---------------------------------------------------------------------------
 * Errors and notes.
 */

static void copy_field(char *dst, size_t size, const char *src)
{
    if (src == NULL)
        src = "";
    snprintf(dst, size, "%s", src);
}

static void fill_error(struct careday_error *e, const char *file, int line, const char *path,
                       const char *fmt, va_list ap)
{
    copy_field(e->file, sizeof e->file, file);
    e->line = line > 0 ? line : 0;
    copy_field(e->path, sizeof e->path, path);
    vsnprintf(e->text, sizeof e->text, fmt, ap);
}

int careday_fail(struct careday_error *err, int code, const char *file, int line, const char *path,
                 const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        fill_error(err, file, line, path, fmt, ap);
        va_end(ap);
    }
    return code;
}

void careday_notes_add(struct careday_notes *notes, const char *file, int line, const char *path,
                       const char *fmt, ...)
{
    if (notes == NULL)
        return;
    /* A warning lost to memory exhaustion is not worth failing for. */
    if (cal_grow(&notes->v, &notes->cap, notes->n + 1, sizeof *notes->v))
        return;
    va_list ap;
    va_start(ap, fmt);
    fill_error(&notes->v[notes->n], file, line, path, fmt, ap);
    va_end(ap);
    notes->n++;
}

void careday_notes_free(struct careday_notes *notes)
{
    if (notes == NULL)
        return;
    free(notes->v);
    notes->v = NULL;
    notes->n = notes->cap = 0;
}

static void careday_error_format_raw(const struct careday_error *e, char *buf, size_t size);

/* Length of the valid UTF-8 sequence at s (at most n bytes) that is not a
 * C1 control, or 0. */
static size_t utf8_printable(const unsigned char *s, size_t n)
{
    size_t k = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (k == 0 || k > n || s[0] > 0xF4)
        return 0;
    for (size_t i = 1; i < k; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (k == 2 && s[0] == 0xC2 && s[1] < 0xA0)
        return 0; /* U+0080..U+009F: C1 controls */
    if (k == 3 && s[0] == 0xE0 && s[1] < 0xA0)
        return 0; /* overlong */
    if (k == 4 && s[0] == 0xF0 && s[1] < 0x90)
        return 0;
    return k;
}

void careday_text_safe(const char *in, char *buf, size_t size)
{
    if (buf == NULL || size == 0)
        return;
    size_t o = 0, n = in ? strlen(in) : 0;
    const unsigned char *s = (const unsigned char *)in;
    for (size_t i = 0; i < n;) {
        char esc[8];
        const char *piece = NULL;
        size_t plen = 1;
        if (s[i] >= 0x20 && s[i] < 0x7F) {
            piece = (const char *)s + i;
        } else if (s[i] >= 0x80 && (plen = utf8_printable(s + i, n - i)) > 0) {
            piece = (const char *)s + i;
        } else {
            plen = 1;
            if (s[i] == '\n')
                snprintf(esc, sizeof esc, "\\n");
            else if (s[i] == '\r')
                snprintf(esc, sizeof esc, "\\r");
            else if (s[i] == '\t')
                snprintf(esc, sizeof esc, "\\t");
            else
                snprintf(esc, sizeof esc, "\\x%02x", s[i]);
        }
        size_t k = piece ? plen : strlen(esc);
        if (o + k + 1 > size)
            break;
        memcpy(buf + o, piece ? piece : esc, k);
        o += k;
        i += plen;
    }
    buf[o] = '\0';
}

void careday_error_format(const struct careday_error *e, char *buf, size_t size)
{
    if (buf == NULL || size == 0)
        return;
    buf[0] = '\0';
    if (e == NULL)
        return;
    char raw[sizeof e->file + sizeof e->path + sizeof e->text + 32];
    careday_error_format_raw(e, raw, sizeof raw);
    careday_text_safe(raw, buf, size);
}

/* careday_error_format before the control characters are made safe. */
static void careday_error_format_raw(const struct careday_error *e, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
#define APPEND(...)                                                                                \
    do {                                                                                           \
        if (used < size) {                                                                         \
            int k_ = snprintf(buf + used, size - used, __VA_ARGS__);                               \
            if (k_ > 0)                                                                            \
                used += (size_t)k_;                                                                \
        }                                                                                          \
    } while (0)

    if (e->file[0] != '\0') {
        APPEND("%s", e->file);
        if (e->line > 0)
            APPEND(":%d", e->line);
        APPEND(": ");
    } else if (e->line > 0) {
        APPEND("line %d: ", e->line);
    }
    if (e->path[0] != '\0')
        APPEND("%s: ", e->path);
    APPEND("%s", e->text);
#undef APPEND

    /* Drop a trailing ": " left when text is empty. */
    size_t len = strlen(buf);
    if (e->text[0] == '\0' && len >= 2 && buf[len - 2] == ':' && buf[len - 1] == ' ')
        buf[len - 2] = '\0';
}

const char *cal_strerror(int code)
{
    switch (code) {
    case CAL_OK:
        return "success";
    case CAL_ENOMEM:
        return "out of memory";
    case CAL_EINVAL:
        return "bad argument or malformed value";
    case CAL_EIO:
        return "file could not be read";
    case CAL_EPARSE:
        return "not iCalendar, or a component that cannot be used";
    case CAL_ETZ:
        return "unknown time zone";
    case CAL_ELIMIT:
        return "an expansion limit was hit";
    default:
        return "unknown error";
    }
}
