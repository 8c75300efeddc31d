/*
 * The solver-neutral model: columns and rows kept in our own arrays, so the
 * backend is chosen only at solve or export time.
 */
#include "solver/solver_internal.h"

#include <stdlib.h>
#include <string.h>

const char *solver_strerror(int code)
{
    switch (code) {
    case SOLVER_OK:
        return "ok";
    case SOLVER_ENOMEM:
        return "out of memory";
    case SOLVER_EINVAL:
        return "invalid model data";
    case SOLVER_EBACKEND:
        return "the solver backend failed";
    default:
        return "unknown solver error";
    }
}

solver_model *solver_model_new(void)
{
    solver_model *m = solver_calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->row_start = solver_malloc(sizeof(size_t));
    if (!m->row_start) {
        free(m);
        return NULL;
    }
    m->row_start[0] = 0;
    return m;
}

static void free_names(char **names, size_t n)
{
    if (!names)
        return;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

void solver_model_free(solver_model *m)
{
    if (!m)
        return;
    free(m->lb);
    free(m->ub);
    free(m->obj);
    free(m->is_int);
    free_names(m->col_name, m->ncols);
    free(m->row_lo);
    free(m->row_hi);
    free(m->row_start);
    free(m->idx);
    free(m->val);
    free_names(m->row_name, m->nrows);
    free(m->scratch);
    free(m);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 64;
    while (nc < need)
        nc *= 2;
    void *q = solver_realloc(*p, nc * elem);
    if (!q)
        return SOLVER_ENOMEM;
    *p = q;
    *cap = nc;
    return 0;
}

static char *dup_or_null(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = solver_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int solver_add_col(solver_model *m, double lb, double ub, double obj, bool integer,
                   const char *name)
{
    if (!m || lb > ub || obj != obj)
        return SOLVER_EINVAL;
    size_t n = m->ncols + 1;
    size_t c0 = m->col_cap, c = c0;
    if (grow((void **)&m->lb, &c, n, sizeof(double)))
        return SOLVER_ENOMEM;
    c = c0;
    if (grow((void **)&m->ub, &c, n, sizeof(double)))
        return SOLVER_ENOMEM;
    c = c0;
    if (grow((void **)&m->obj, &c, n, sizeof(double)))
        return SOLVER_ENOMEM;
    c = c0;
    if (grow((void **)&m->is_int, &c, n, sizeof(bool)))
        return SOLVER_ENOMEM;
    c = c0;
    if (grow((void **)&m->col_name, &c, n, sizeof(char *)))
        return SOLVER_ENOMEM;
    m->col_cap = c;
    size_t j = m->ncols;
    m->lb[j] = lb;
    m->ub[j] = ub;
    m->obj[j] = obj;
    m->is_int[j] = integer;
    m->col_name[j] = dup_or_null(name);
    if (name && !m->col_name[j])
        return SOLVER_ENOMEM;
    m->ncols = n;
    return (int)j;
}

static int cmp_pair(const void *a, const void *b)
{
    const struct solver_nz *x = a, *y = b;
    return (x->col > y->col) - (x->col < y->col);
}

int solver_add_row(solver_model *m, size_t n, const int *cols, const double *vals, double lo,
                   double hi, const char *name)
{
    if (!m || lo > hi || (n && (!cols || !vals)))
        return SOLVER_EINVAL;
    for (size_t k = 0; k < n; k++)
        if (cols[k] < 0 || (size_t)cols[k] >= m->ncols || vals[k] != vals[k])
            return SOLVER_EINVAL;
    /* Sort and merge duplicates in scratch space. */
    if (grow((void **)&m->scratch, &m->scratch_cap, n ? n : 1, sizeof(struct solver_nz)))
        return SOLVER_ENOMEM;
    for (size_t k = 0; k < n; k++) {
        m->scratch[k].col = cols[k];
        m->scratch[k].val = vals[k];
    }
    qsort(m->scratch, n, sizeof(struct solver_nz), cmp_pair);
    size_t w = 0;
    for (size_t k = 0; k < n; k++) {
        if (w && m->scratch[w - 1].col == m->scratch[k].col)
            m->scratch[w - 1].val += m->scratch[k].val;
        else
            m->scratch[w++] = m->scratch[k];
    }
    size_t kept = 0;
    for (size_t k = 0; k < w; k++)
        if (m->scratch[k].val != 0.0)
            m->scratch[kept++] = m->scratch[k];

    size_t r = m->nrows, rn = r + 1;
    if (rn + 1 > m->row_cap) {
        size_t nc = m->row_cap ? m->row_cap * 2 : 64;
        double *lo2 = solver_realloc(m->row_lo, nc * sizeof(double));
        if (lo2)
            m->row_lo = lo2;
        double *hi2 = solver_realloc(m->row_hi, nc * sizeof(double));
        if (hi2)
            m->row_hi = hi2;
        char **nm2 = solver_realloc(m->row_name, nc * sizeof(char *));
        if (nm2)
            m->row_name = nm2;
        size_t *st2 = solver_realloc(m->row_start, nc * sizeof(size_t));
        if (st2)
            m->row_start = st2;
        if (!lo2 || !hi2 || !nm2 || !st2)
            return SOLVER_ENOMEM;
        m->row_cap = nc;
    }
    size_t nnz = m->row_start[r] + kept;
    if (grow((void **)&m->idx, &m->nz_cap_idx, nnz ? nnz : 1, sizeof(int)) ||
        grow((void **)&m->val, &m->nz_cap_val, nnz ? nnz : 1, sizeof(double)))
        return SOLVER_ENOMEM;
    for (size_t k = 0; k < kept; k++) {
        m->idx[m->row_start[r] + k] = m->scratch[k].col;
        m->val[m->row_start[r] + k] = m->scratch[k].val;
    }
    m->row_lo[r] = lo;
    m->row_hi[r] = hi;
    m->row_name[r] = dup_or_null(name);
    if (name && !m->row_name[r])
        return SOLVER_ENOMEM;
    m->row_start[rn] = nnz;
    m->nrows = rn;
    return (int)r;
}

int solver_set_obj(solver_model *m, int col, double obj)
{
    if (!m || col < 0 || (size_t)col >= m->ncols || obj != obj)
        return SOLVER_EINVAL;
    m->obj[col] = obj;
    return 0;
}

int solver_set_bounds(solver_model *m, int col, double lb, double ub)
{
    if (!m || col < 0 || (size_t)col >= m->ncols || lb > ub)
        return SOLVER_EINVAL;
    m->lb[col] = lb;
    m->ub[col] = ub;
    return 0;
}

size_t solver_ncols(const solver_model *m)
{
    return m ? m->ncols : 0;
}

size_t solver_nrows(const solver_model *m)
{
    return m ? m->nrows : 0;
}

size_t solver_nnz(const solver_model *m)
{
    return m ? m->row_start[m->nrows] : 0;
}

void solver_params_init(struct solver_params *p)
{
    memset(p, 0, sizeof(*p));
    p->presolve = true;
    p->cuts = true;
    p->progress_every_s = 1.0;
}

void solver_result_free(struct solver_result *r)
{
    if (!r)
        return;
    free(r->x);
    r->x = NULL;
    r->n = 0;
}
