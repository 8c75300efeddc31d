/*
 * The shared helpers of util.h: growable arrays, the string builder, folders.
 * (Allocation and cal_strdup are in error.c.)
 */
#include "calendars/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cal_grow(void *arrayp, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return -1;
        ncap *= 2;
    }
    if (elem == 0 || ncap > SIZE_MAX / elem)
        return -1;
    void *old;
    memcpy(&old, arrayp, sizeof old);
    void *nv = cal_realloc(old, ncap * elem);
    if (nv == NULL)
        return -1;
    memcpy(arrayp, &nv, sizeof nv);
    *cap = ncap;
    return 0;
}

bool cal_buf_reserve(struct cal_buf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (extra >= SIZE_MAX - b->len) {
        b->oom = true;
        return false;
    }
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            b->oom = true;
            return false;
        }
        cap *= 2;
    }
    char *s = cal_realloc(b->s, cap);
    if (s == NULL) {
        b->oom = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void cal_buf_addn(struct cal_buf *b, const char *s, size_t n)
{
    if (!cal_buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void cal_buf_add(struct cal_buf *b, const char *s)
{
    if (s != NULL)
        cal_buf_addn(b, s, strlen(s));
}

void cal_buf_vaddf(struct cal_buf *b, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int k = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (k < 0) {
        b->oom = true;
        return;
    }
    if (!cal_buf_reserve(b, (size_t)k))
        return;
    vsnprintf(b->s + b->len, (size_t)k + 1, fmt, ap);
    b->len += (size_t)k;
}

void cal_buf_addf(struct cal_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cal_buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void cal_buf_free(struct cal_buf *b)
{
    if (b == NULL)
        return;
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}

int cal_mkdir_p(const char *path, unsigned mode, char *failed, size_t failed_size)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) {
        if (failed != NULL && failed_size > 0)
            snprintf(failed, failed_size, "%s", path);
        errno = n == 0 ? ENOENT : ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, (mode_t)mode) != 0 && errno != EEXIST) {
            if (failed != NULL && failed_size > 0)
                snprintf(failed, failed_size, "%s", buf);
            return -1;
        }
        buf[i] = saved;
    }
    return 0;
}
