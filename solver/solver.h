/*
 * solver: a solver-neutral mixed-integer model and its solve.
 *
 * Columns, rows, bounds, objective (minimised), integrality; solve with a
 * time limit and gap stops; the result keeps the call status (did the solve
 * run) apart from the outcome (optimal, feasible, infeasible, none found).
 * The GLPK backend (solver_glpk.c) is the only file that includes glpk.h.
 * Knows nothing about visits.
 */
#ifndef CAREDAY_SOLVER_H
#define CAREDAY_SOLVER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct solver_model solver_model;

/* Status codes: -60 .. -79 of careday's one code space (documented in
 * calendars/careday_error.h; this folder includes nothing of the others, so
 * it keeps to its range by itself). */
enum {
    SOLVER_OK = 0,
    SOLVER_ENOMEM = -60,
    SOLVER_EINVAL = -61,   /* bad column index, bounds or coefficient */
    SOLVER_EBACKEND = -62, /* the backend failed (its message is in the result) */
};
const char *solver_strerror(int code);

/* Create an empty model; caller frees with solver_model_free (NULL is a no-op). */
solver_model *solver_model_new(void);
void solver_model_free(solver_model *m);

/* Add a column with bounds [lb, ub] (use -SOLVER_INF / SOLVER_INF), objective
 * coefficient and integrality. name may be NULL (copied; used in MPS export).
 * Returns the column index (>= 0) or a negative code. */
#define SOLVER_INF 1e30
int solver_add_col(solver_model *m, double lb, double ub, double obj, bool integer,
                   const char *name);
/* Add the row lo <= sum(vals[k] * x[cols[k]]) <= hi. Duplicate column
 * indices are merged. Returns the row index or a negative code. */
int solver_add_row(solver_model *m, size_t n, const int *cols, const double *vals, double lo,
                   double hi, const char *name);
/* Change a column's objective coefficient or bounds after creation. */
int solver_set_obj(solver_model *m, int col, double obj);
int solver_set_bounds(solver_model *m, int col, double lb, double ub);
size_t solver_ncols(const solver_model *m);
size_t solver_nrows(const solver_model *m);
size_t solver_nnz(const solver_model *m);

enum solver_outcome {
    SOLVER_OPTIMAL,    /* proven optimal (within abs_gap/rel_gap) */
    SOLVER_FEASIBLE,   /* stopped early with an incumbent: see bound and gap */
    SOLVER_INFEASIBLE, /* proven infeasible */
    SOLVER_NOSOLUTION, /* stopped early without an incumbent */
};

struct solver_progress {
    double elapsed_s;
    double incumbent; /* objective of the best solution, or SOLVER_INF if none */
    double bound;     /* best bound */
    long nodes;
};

struct solver_params {
    double time_limit_s; /* <= 0: no limit */
    double abs_gap;      /* stop when incumbent - bound <= abs_gap (default 0: exact) */
    double rel_gap;      /* stop on relative gap (default 0) */
    bool presolve;       /* MIP presolve; turned off automatically with a warm start */
    bool cuts;           /* MIR, cover and clique cuts */
    bool gomory;         /* also Gomory mixed-integer cuts (costly on scheduling models) */
    /* Optional incumbent (one value per column) handed to the solver. */
    const double *warm_start;
    /* Called at most every progress_every_s while solving (may be NULL). */
    void (*progress)(void *ud, const struct solver_progress *p);
    void *progress_ud;
    double progress_every_s;
};
/* Defaults: no limit, exact, presolve and cuts on (Gomory off: on
 * careday's models it cost 30 % more time in total over ten generated
 * cases, docs/model.md), no progress. */
void solver_params_init(struct solver_params *p);

struct solver_result {
    enum solver_outcome outcome;
    double objective; /* of x, when outcome is OPTIMAL or FEASIBLE */
    double bound;     /* proven lower bound */
    double gap;       /* (objective - bound) / max(1, |objective|) */
    double *x;        /* ncols values (owned), NULL without a solution */
    size_t n;
    double solve_s;
    long nodes;
    char message[256]; /* backend diagnostics, "" if none */
};
void solver_result_free(struct solver_result *r);

/* Solve. Returns SOLVER_OK when the solve ran (the outcome says what it found)
 * or a negative code when it could not run; out is filled in both cases with
 * a message on failure. The backend can never abort the process. */
int solver_solve(solver_model *m, const struct solver_params *p, struct solver_result *out);

/* The model in free MPS format (for glpsol, CBC, HiGHS), handed out in
 * pieces: put(ud, text, len) is called in order until the whole model is
 * out; a nonzero return from put stops the export and is returned as is.
 * Rows and columns keep the names given to solver_add_row/col; an unnamed
 * one is written as R<index> / C<index>, characters other than letters,
 * digits and "_.-+:[]" become '_', and a name already used gets a "~<index>"
 * suffix, so every name in the file is unique and readable by any MPS
 * reader. The objective row is "cost". Returns SOLVER_OK, SOLVER_ENOMEM or
 * put's nonzero value. The solver writes no file itself. */
int solver_write_mps(const solver_model *m, int (*put)(void *ud, const char *s, size_t n),
                     void *ud);

/* Process-wide set-up of the backend: silence its terminal output (GLPK's
 * messages are hooked and dropped). Call once from main before any solve;
 * solver_global_cleanup once at exit releases the backend's environment. */
void solver_global_init(void);
void solver_global_cleanup(void);

/* The allocation functions this folder uses for its own memory (models,
 * results, MPS export; not GLPK's, which has no hook that survives a failed
 * allocation). By default the C library's; the program sets them once at
 * start to the one wrapper every folder shares (cal_malloc and friends,
 * calendars/util.h), so a test can make the N-th allocation of a whole run
 * fail. Whatever they return is released with free(). NULL (or a NULL
 * member) restores the C library's. Process-wide: call before any other
 * solver function. */
struct solver_allocator {
    void *(*malloc_fn)(size_t size);
    void *(*calloc_fn)(size_t n, size_t size);
    void *(*realloc_fn)(void *p, size_t size);
};
void solver_set_allocator(const struct solver_allocator *a);

#endif
