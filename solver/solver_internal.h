/* Private: the body of solver_model, shared by the model and its backend. */
#ifndef CAREDAY_SOLVER_INTERNAL_H
#define CAREDAY_SOLVER_INTERNAL_H

#include "solver/solver.h"

/* Every allocation of this folder goes through these (alloc.c): the
 * functions set by solver_set_allocator. Released with free(). */
void *solver_malloc(size_t size);
void *solver_calloc(size_t n, size_t size);
void *solver_realloc(void *p, size_t size);

struct solver_nz {
    int col;
    double val;
};

struct solver_model {
    size_t ncols, col_cap;
    double *lb, *ub, *obj;
    bool *is_int;
    char **col_name;

    size_t nrows, row_cap; /* row_cap bounds row_lo/row_hi/row_name and row_start - 1 */
    double *row_lo, *row_hi;
    char **row_name;
    size_t *row_start; /* nrows + 1 offsets into idx/val */
    int *idx;
    double *val;
    size_t nz_cap_idx, nz_cap_val;

    struct solver_nz *scratch;
    size_t scratch_cap;
};

#endif
