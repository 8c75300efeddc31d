/*
 * Free MPS export of the solver-neutral model, written by the project
 * rather than by the backend, so the solver hands the text out and never
 * writes a file: the caller's sink decides where it goes.
 *
 * Layout: NAME, ROWS (the objective "cost" first), COLUMNS (integer columns
 * between MARKER INTORG/INTEND), RHS, RANGES, BOUNDS (every integer column
 * gets explicit bounds, since readers disagree on the default), ENDATA.
 */
#include "solver/solver_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MPS_NAME_MAX 200

struct mps_out {
    int (*put)(void *ud, const char *s, size_t n);
    void *ud;
    int rc;
};

static void out_str(struct mps_out *o, const char *s)
{
    if (!o->rc)
        o->rc = o->put(o->ud, s, strlen(s));
}

static void out_num(struct mps_out *o, double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, " %.17g", v);
    out_str(o, buf);
}

/* Names, made safe and unique. */
struct names {
    char **name; /* rows then columns */
    size_t n;
    const char **slot; /* open-addressing set of the names given out */
    size_t cap;
};

static bool name_char_ok(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           strchr("_.-+:[]", ch) != NULL;
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Insert s; false when it is already there. */
static bool set_add(struct names *t, const char *s)
{
    size_t i = hash(s) & (t->cap - 1);
    while (t->slot[i]) {
        if (strcmp(t->slot[i], s) == 0)
            return false;
        i = (i + 1) & (t->cap - 1);
    }
    t->slot[i] = s;
    return true;
}

static char *make_name(const char *given, char kind, size_t index)
{
    char buf[32];
    if (!given || !*given) {
        snprintf(buf, sizeof buf, "%c%zu", kind, index);
        given = buf;
    }
    size_t n = strlen(given);
    if (n > MPS_NAME_MAX)
        n = MPS_NAME_MAX; /* GLPK reads at most 255 characters; room for "~index" */
    char *s = solver_malloc(n + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++)
        s[i] = name_char_ok((unsigned char)given[i]) ? given[i] : '_';
    s[n] = '\0';
    return s;
}

static void names_free(struct names *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->name[i]);
    free(t->name);
    free(t->slot);
}

/* Names for rows 0..nrows-1 then columns; "cost" is reserved. */
static int names_build(const solver_model *m, struct names *t)
{
    size_t total = m->nrows + m->ncols;
    memset(t, 0, sizeof(*t));
    t->cap = 16;
    while (t->cap < 2 * (total + 1))
        t->cap *= 2;
    t->name = solver_calloc(total + 1, sizeof(char *));
    t->slot = solver_calloc(t->cap, sizeof(char *));
    if (!t->name || !t->slot)
        goto nomem;
    set_add(t, "cost");
    for (size_t i = 0; i < total; i++) {
        bool row = i < m->nrows;
        size_t idx = row ? i : i - m->nrows;
        char *s = make_name(row ? m->row_name[idx] : m->col_name[idx], row ? 'R' : 'C', idx);
        if (!s)
            goto nomem;
        t->name[t->n++] = s;
        for (unsigned k = 1; !set_add(t, s); k++) {
            size_t len = strlen(t->name[i]) + 48;
            char *u = solver_malloc(len);
            if (!u)
                goto nomem;
            /* the given name stays the stem: name~index, then name~index~k */
            if (k == 1)
                snprintf(u, len, "%s~%zu", t->name[i], idx);
            else
                snprintf(u, len, "%s~%zu~%u", t->name[i], idx, k);
            if (s != t->name[i])
                free(s);
            s = u;
        }
        if (s != t->name[i]) {
            free(t->name[i]);
            t->name[i] = s;
        }
    }
    return SOLVER_OK;
nomem:
    names_free(t);
    return SOLVER_ENOMEM;
}

static bool finite_lo(double v)
{
    return v > -SOLVER_INF;
}

static bool finite_hi(double v)
{
    return v < SOLVER_INF;
}

/* The row's MPS type and the right-hand side that goes with it. */
static char row_type(const solver_model *m, size_t i, double *rhs)
{
    double lo = m->row_lo[i], hi = m->row_hi[i];
    if (finite_lo(lo) && finite_hi(hi) && lo == hi) {
        *rhs = lo;
        return 'E';
    }
    if (finite_lo(lo)) {
        *rhs = lo; /* a finite hi becomes a range */
        return 'G';
    }
    if (finite_hi(hi)) {
        *rhs = hi;
        return 'L';
    }
    *rhs = 0;
    return 'N';
}

static void write_bound(struct mps_out *o, const char *kind, const char *col, double v, bool num)
{
    out_str(o, " ");
    out_str(o, kind);
    out_str(o, " BND ");
    out_str(o, col);
    if (num)
        out_num(o, v);
    out_str(o, "\n");
}

static void write_columns(struct mps_out *o, const solver_model *m, const struct names *t)
{
    /* The matrix is stored by rows: gather it by column first. */
    size_t nnz = m->row_start[m->nrows];
    size_t *start = solver_calloc(m->ncols + 1, sizeof(size_t));
    size_t *row = solver_malloc((nnz ? nnz : 1) * sizeof(size_t));
    double *val = solver_malloc((nnz ? nnz : 1) * sizeof(double));
    size_t *fill = solver_calloc(m->ncols + 1, sizeof(size_t));
    if (!start || !row || !val || !fill) {
        o->rc = o->rc ? o->rc : SOLVER_ENOMEM;
        goto done;
    }
    for (size_t k = 0; k < nnz; k++)
        start[m->idx[k] + 1]++;
    for (size_t j = 0; j < m->ncols; j++)
        start[j + 1] += start[j];
    for (size_t i = 0; i < m->nrows; i++)
        for (size_t k = m->row_start[i]; k < m->row_start[i + 1]; k++) {
            size_t j = (size_t)m->idx[k];
            row[start[j] + fill[j]] = i;
            val[start[j] + fill[j]] = m->val[k];
            fill[j]++;
        }
    out_str(o, "COLUMNS\n");
    bool in_int = false;
    unsigned marker = 0;
    for (size_t j = 0; j < m->ncols && !o->rc; j++) {
        if (m->is_int[j] != in_int) {
            char buf[80];
            snprintf(buf, sizeof buf, " M%u 'MARKER' '%s'\n", marker++,
                     m->is_int[j] ? "INTORG" : "INTEND");
            out_str(o, buf);
            in_int = m->is_int[j];
        }
        const char *cn = t->name[m->nrows + j];
        bool any = false;
        if (m->obj[j] != 0) {
            out_str(o, " ");
            out_str(o, cn);
            out_str(o, " cost");
            out_num(o, m->obj[j]);
            out_str(o, "\n");
            any = true;
        }
        for (size_t k = start[j]; k < start[j + 1]; k++) {
            out_str(o, " ");
            out_str(o, cn);
            out_str(o, " ");
            out_str(o, t->name[row[k]]);
            out_num(o, val[k]);
            out_str(o, "\n");
            any = true;
        }
        if (!any) { /* a column in no row still has to be declared */
            out_str(o, " ");
            out_str(o, cn);
            out_str(o, " cost 0\n");
        }
    }
    if (in_int) {
        char buf[80];
        snprintf(buf, sizeof buf, " M%u 'MARKER' 'INTEND'\n", marker);
        out_str(o, buf);
    }
done:
    free(start);
    free(row);
    free(val);
    free(fill);
}

int solver_write_mps(const solver_model *m, int (*put)(void *ud, const char *s, size_t n), void *ud)
{
    if (!m || !put)
        return SOLVER_EINVAL;
    struct names t;
    int rc = names_build(m, &t);
    if (rc)
        return rc;
    struct mps_out o = {put, ud, 0};
    out_str(&o, "NAME careday\nROWS\n N cost\n");
    for (size_t i = 0; i < m->nrows && !o.rc; i++) {
        double rhs;
        char buf[4] = {' ', row_type(m, i, &rhs), ' ', '\0'};
        out_str(&o, buf);
        out_str(&o, t.name[i]);
        out_str(&o, "\n");
    }
    write_columns(&o, m, &t);
    out_str(&o, "RHS\n");
    for (size_t i = 0; i < m->nrows && !o.rc; i++) {
        double rhs;
        if (row_type(m, i, &rhs) == 'N' || rhs == 0)
            continue;
        out_str(&o, " RHS ");
        out_str(&o, t.name[i]);
        out_num(&o, rhs);
        out_str(&o, "\n");
    }
    out_str(&o, "RANGES\n");
    for (size_t i = 0; i < m->nrows && !o.rc; i++) {
        double rhs;
        if (row_type(m, i, &rhs) != 'G' || !finite_hi(m->row_hi[i]))
            continue;
        out_str(&o, " RNG ");
        out_str(&o, t.name[i]);
        out_num(&o, m->row_hi[i] - m->row_lo[i]);
        out_str(&o, "\n");
    }
    out_str(&o, "BOUNDS\n");
    for (size_t j = 0; j < m->ncols && !o.rc; j++) {
        const char *cn = t.name[m->nrows + j];
        double lb = m->lb[j], ub = m->ub[j];
        if (!m->is_int[j] && lb == 0 && !finite_hi(ub))
            continue; /* the default [0, +inf) */
        if (finite_lo(lb) && lb == ub) {
            write_bound(&o, "FX", cn, lb, true);
            continue;
        }
        if (finite_lo(lb))
            write_bound(&o, "LO", cn, lb, true);
        else
            write_bound(&o, "MI", cn, 0, false);
        if (finite_hi(ub))
            write_bound(&o, "UP", cn, ub, true);
        else
            write_bound(&o, "PL", cn, 0, false);
    }
    out_str(&o, "ENDATA\n");
    names_free(&t);
    return o.rc;
}
