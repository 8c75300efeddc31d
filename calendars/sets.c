/*
 * Interval sets: sorted, disjoint, non-adjacent half-open intervals.
 *
 * Adding in increasing order appends (amortised O(1)); any other add is a
 * binary search plus one memmove. Binary operations are linear merges.
 */
#include "calendars/calendars_internal.h"

#include <stdlib.h>
#include <string.h>

void cal_set_free(struct cal_set *s)
{
    if (s == NULL)
        return;
    free(s->iv);
    s->iv = NULL;
    s->n = s->cap = 0;
}

void cal_set_clear(struct cal_set *s)
{
    if (s != NULL)
        s->n = 0;
}

/* Make room for at least need intervals. */
static int reserve(struct cal_set *s, size_t need)
{
    return cal_grow(&s->iv, &s->cap, need, sizeof *s->iv) ? CAL_ENOMEM : CAL_OK;
}

/* First index whose end >= t (intervals that touch or follow t), or n. */
static size_t first_reaching(const struct cal_set *s, cal_time t)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->iv[mid].end < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* First index whose start > t, or n. */
static size_t first_after(const struct cal_set *s, cal_time t)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->iv[mid].start <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int cal_set_add(struct cal_set *s, cal_time start, cal_time end)
{
    if (s == NULL)
        return CAL_EINVAL;
    if (start >= end)
        return CAL_OK;

    /* Common case: at or after the end of the last interval. */
    if (s->n == 0 || start > s->iv[s->n - 1].end) {
        if (reserve(s, s->n + 1) != CAL_OK)
            return CAL_ENOMEM;
        s->iv[s->n].start = start;
        s->iv[s->n].end = end;
        s->n++;
        return CAL_OK;
    }

    /* Intervals [i, j) touch or overlap [start, end) and merge with it. */
    size_t i = first_reaching(s, start);
    size_t j = first_after(s, end);
    if (i == j) {
        if (reserve(s, s->n + 1) != CAL_OK)
            return CAL_ENOMEM;
        memmove(&s->iv[i + 1], &s->iv[i], (s->n - i) * sizeof *s->iv);
        s->iv[i].start = start;
        s->iv[i].end = end;
        s->n++;
        return CAL_OK;
    }
    struct cal_interval m = {start, end};
    if (s->iv[i].start < m.start)
        m.start = s->iv[i].start;
    if (s->iv[j - 1].end > m.end)
        m.end = s->iv[j - 1].end;
    s->iv[i] = m;
    memmove(&s->iv[i + 1], &s->iv[j], (s->n - j) * sizeof *s->iv);
    s->n -= j - i - 1;
    return CAL_OK;
}

int cal_set_copy(struct cal_set *dst, const struct cal_set *src)
{
    if (dst == NULL || src == NULL)
        return CAL_EINVAL;
    if (dst == src)
        return CAL_OK;
    if (reserve(dst, src->n) != CAL_OK)
        return CAL_ENOMEM;
    if (src->n > 0)
        memcpy(dst->iv, src->iv, src->n * sizeof *src->iv);
    dst->n = src->n;
    return CAL_OK;
}

/* ---------------------------------------------------------------------------
 * Merges. Each writes into a buffer with room for the worst case, which is
 * out's own when large enough (then nothing can fail), else a new one that
 * replaces out's only once the result is complete.
 */

/* Append [a, b) to the result, joining it with the last interval if they
 * touch. Room is guaranteed by the caller. */
static void emit(struct cal_interval *v, size_t *n, cal_time a, cal_time b)
{
    if (a >= b)
        return;
    if (*n > 0 && v[*n - 1].end >= a) {
        if (b > v[*n - 1].end)
            v[*n - 1].end = b;
        return;
    }
    v[*n].start = a;
    v[*n].end = b;
    (*n)++;
}

enum set_op { OP_UNION, OP_INTERSECT, OP_SUBTRACT };

static size_t merge(enum set_op op, const struct cal_set *a, const struct cal_set *b,
                    struct cal_interval *v)
{
    size_t n = 0, i = 0, j = 0;
    switch (op) {
    case OP_UNION:
        while (i < a->n || j < b->n) {
            if (j == b->n || (i < a->n && a->iv[i].start <= b->iv[j].start)) {
                emit(v, &n, a->iv[i].start, a->iv[i].end);
                i++;
            } else {
                emit(v, &n, b->iv[j].start, b->iv[j].end);
                j++;
            }
        }
        break;
    case OP_INTERSECT:
        while (i < a->n && j < b->n) {
            cal_time lo = a->iv[i].start > b->iv[j].start ? a->iv[i].start : b->iv[j].start;
            cal_time hi = a->iv[i].end < b->iv[j].end ? a->iv[i].end : b->iv[j].end;
            emit(v, &n, lo, hi);
            if (a->iv[i].end < b->iv[j].end)
                i++;
            else
                j++;
        }
        break;
    case OP_SUBTRACT:
        for (; i < a->n; i++) {
            cal_time cur = a->iv[i].start, end = a->iv[i].end;
            while (j < b->n && b->iv[j].end <= cur)
                j++;
            size_t k = j;
            while (k < b->n && b->iv[k].start < end) {
                emit(v, &n, cur, b->iv[k].start);
                if (b->iv[k].end > cur)
                    cur = b->iv[k].end;
                if (cur >= end)
                    break;
                k++;
            }
            emit(v, &n, cur, end);
        }
        break;
    }
    return n;
}

static int run(enum set_op op, struct cal_set *out, const struct cal_set *a,
               const struct cal_set *b)
{
    size_t need = a->n + b->n; /* no operation yields more pieces than this */
    if (out->cap >= need && out != a && out != b) {
        out->n = merge(op, a, b, out->iv);
        return CAL_OK;
    }
    size_t cap = need ? need : 1;
    struct cal_interval *v = cal_malloc(cap * sizeof *v);
    if (v == NULL)
        return CAL_ENOMEM;
    size_t n = merge(op, a, b, v);
    free(out->iv);
    out->iv = v;
    out->n = n;
    out->cap = cap;
    return CAL_OK;
}

static int run_checked(enum set_op op, struct cal_set *out, const struct cal_set *a,
                       const struct cal_set *b)
{
    if (out == NULL || a == NULL || b == NULL || out == a || out == b)
        return CAL_EINVAL;
    return run(op, out, a, b);
}

int cal_set_union(struct cal_set *out, const struct cal_set *a, const struct cal_set *b)
{
    return run_checked(OP_UNION, out, a, b);
}

int cal_set_intersect(struct cal_set *out, const struct cal_set *a, const struct cal_set *b)
{
    return run_checked(OP_INTERSECT, out, a, b);
}

int cal_set_subtract(struct cal_set *out, const struct cal_set *a, const struct cal_set *b)
{
    return run_checked(OP_SUBTRACT, out, a, b);
}

/* In place: the result goes to a fresh buffer that then replaces s's. */
static int run_in_place(enum set_op op, struct cal_set *s, const struct cal_set *o)
{
    if (s == NULL || o == NULL)
        return CAL_EINVAL;
    if (s == o) {
        if (op == OP_SUBTRACT)
            s->n = 0;
        return CAL_OK; /* s ∪ s = s ∩ s = s */
    }
    /* Fast paths that need no merge. */
    if (o->n == 0) {
        if (op == OP_INTERSECT)
            s->n = 0;
        return CAL_OK;
    }
    if (op == OP_UNION && (s->n == 0 || o->iv[0].start > s->iv[s->n - 1].end)) {
        if (reserve(s, s->n + o->n) != CAL_OK)
            return CAL_ENOMEM;
        memcpy(&s->iv[s->n], o->iv, o->n * sizeof *o->iv);
        s->n += o->n;
        return CAL_OK;
    }
    return run(op, s, s, o);
}

int cal_set_add_set(struct cal_set *s, const struct cal_set *o)
{
    return run_in_place(OP_UNION, s, o);
}

int cal_set_remove_set(struct cal_set *s, const struct cal_set *o)
{
    return run_in_place(OP_SUBTRACT, s, o);
}

int cal_set_keep_set(struct cal_set *s, const struct cal_set *o)
{
    return run_in_place(OP_INTERSECT, s, o);
}

bool cal_set_covers(const struct cal_set *s, cal_time start, cal_time end)
{
    if (s == NULL || start > end)
        return false;
    if (start == end)
        return true; /* the empty interval lies inside anything */
    size_t k = first_after(s, start);
    return k > 0 && s->iv[k - 1].end >= end;
}

bool cal_set_overlaps(const struct cal_set *s, cal_time start, cal_time end)
{
    if (s == NULL || start >= end)
        return false;
    /* First interval ending after start; it overlaps when it starts before end. */
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->iv[mid].end <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && s->iv[lo].start < end;
}

int64_t cal_set_measure(const struct cal_set *s)
{
    int64_t m = 0;
    if (s == NULL)
        return 0;
    for (size_t i = 0; i < s->n; i++)
        m += s->iv[i].end - s->iv[i].start;
    return m;
}
