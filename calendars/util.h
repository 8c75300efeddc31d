/*
 * One helper per job, for every folder above this one: a growable array, a
 * string builder, a copy of a string, a folder with its parents. (The whole
 * file reader is cal_read_regular in calendars.h.) Each allocates through
 * the folder's allocation wrapper, so a test can make the N-th allocation
 * fail (cal_alloc_fail_after) and see every caller cope.
 *
 * solver/ depends on nothing, this folder included, and keeps its own.
 */
#ifndef CAREDAY_CALENDARS_UTIL_H
#define CAREDAY_CALENDARS_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Allocation. Every allocation of calendars/ and of these helpers goes
 * through these, so that a test can make the N-th one fail. */
void *cal_malloc(size_t size);
void *cal_calloc(size_t n, size_t size);
void *cal_realloc(void *p, size_t size);
/* Make the allocation after the next n successful ones fail (n = 0: the
 * very next one), and every one after it until reset; n < 0 turns failures
 * off. For tests only. */
void cal_alloc_fail_after(long n);
/* How many allocations went through the wrapper so far (failed ones
 * included), so that a test knows the length of a run; and how many of them
 * returned NULL (made to fail, or refused by the system), so that a caller
 * of a library that reports running out of memory like any other failure
 * (jansson's parser) can tell the two apart. */
long cal_alloc_count(void);
long cal_alloc_failures(void);

/* A malloc'd copy of s (caller frees); NULL in, NULL out; NULL when out of
 * memory. */
char *cal_strdup(const char *s);

/* Make room for at least need elements of elem bytes in the array whose
 * address is arrayp (a T ** passed as &v), of capacity *cap: grows it
 * (doubling, from 8) when need > *cap. 0 on success; -1 when the size would
 * overflow or memory runs out, the array and *cap then unchanged. */
int cal_grow(void *arrayp, size_t *cap, size_t need, size_t elem);

/* A string builder: zero-initialise, add to it, read s (always
 * NUL-terminated once anything was added; NULL before) and len, free with
 * cal_buf_free. After a failed allocation oom stays set and every later
 * addition is dropped, so a caller checks once at the end. */
struct cal_buf {
    char *s;
    size_t len, cap;
    bool oom;
};
/* Make room for extra more bytes (and the NUL); false once oom. */
bool cal_buf_reserve(struct cal_buf *b, size_t extra);
void cal_buf_addn(struct cal_buf *b, const char *s, size_t n);
void cal_buf_add(struct cal_buf *b, const char *s); /* NULL adds nothing */
void cal_buf_addf(struct cal_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cal_buf_vaddf(struct cal_buf *b, const char *fmt, va_list ap);
void cal_buf_free(struct cal_buf *b); /* NULL is a no-op; leaves b empty */

/* Create the folder path and every missing parent with mode (as mkdir -p;
 * an existing folder is fine). 0 on success; -1 with errno set otherwise,
 * and failed (when not NULL, of failed_size bytes) names the folder that
 * could not be made. */
int cal_mkdir_p(const char *path, unsigned mode, char *failed, size_t failed_size);

#endif
