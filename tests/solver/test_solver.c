/* Unit tests of the solver-neutral MIP interface against the real GLPK. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "solver/solver.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* max 5a + 4b + 3c s.t. 2a + 3b + c <= 5, 4a + b + 2c <= 11, 3a + 4b + 2c <= 8,
 * binary: optimum a=1,b=1,c=0 -> 9 (minimise the negation). */
static solver_model *knapsack(void)
{
    solver_model *m = solver_model_new();
    int a = solver_add_col(m, 0, 1, -5, true, "a");
    int b = solver_add_col(m, 0, 1, -4, true, "b");
    int c = solver_add_col(m, 0, 1, -3, true, "c");
    int cols[] = {a, b, c};
    double r1[] = {2, 3, 1}, r2[] = {4, 1, 2}, r3[] = {3, 4, 2};
    assert_true(solver_add_row(m, 3, cols, r1, -SOLVER_INF, 5, "r1") >= 0);
    assert_true(solver_add_row(m, 3, cols, r2, -SOLVER_INF, 11, "r2") >= 0);
    assert_true(solver_add_row(m, 3, cols, r3, -SOLVER_INF, 8, "r3") >= 0);
    return m;
}

static void test_optimal(void **state)
{
    (void)state;
    solver_model *m = knapsack();
    assert_int_equal(solver_ncols(m), 3);
    assert_int_equal(solver_nrows(m), 3);
    assert_int_equal(solver_nnz(m), 9);
    struct solver_params p;
    solver_params_init(&p);
    struct solver_result r;
    assert_int_equal(solver_solve(m, &p, &r), SOLVER_OK);
    assert_int_equal(r.outcome, SOLVER_OPTIMAL);
    assert_true(fabs(r.objective - -9) < 1e-9);
    assert_true(fabs(r.bound - -9) < 1e-9);
    assert_true(fabs(r.x[0] - 1) < 1e-9 && fabs(r.x[1] - 1) < 1e-9 && fabs(r.x[2]) < 1e-9);
    solver_result_free(&r);
    solver_model_free(m);
}

static void test_warm_start_keeps_optimum(void **state)
{
    (void)state;
    solver_model *m = knapsack();
    double warm[] = {0, 1, 0}; /* feasible, objective -4 */
    struct solver_params p;
    solver_params_init(&p);
    p.warm_start = warm;
    struct solver_result r;
    assert_int_equal(solver_solve(m, &p, &r), SOLVER_OK);
    assert_int_equal(r.outcome, SOLVER_OPTIMAL);
    assert_true(fabs(r.objective - -9) < 1e-9);
    solver_result_free(&r);
    solver_model_free(m);
}

static void test_infeasible(void **state)
{
    (void)state;
    solver_model *m = solver_model_new();
    int x = solver_add_col(m, 0, 1, 1, true, NULL);
    int y = solver_add_col(m, 0, 1, 1, true, NULL);
    int cols[] = {x, y};
    double one[] = {1, 1};
    solver_add_row(m, 2, cols, one, 3, SOLVER_INF, NULL); /* x + y >= 3: impossible */
    struct solver_result r;
    assert_int_equal(solver_solve(m, NULL, &r), SOLVER_OK);
    assert_int_equal(r.outcome, SOLVER_INFEASIBLE);
    assert_null(r.x);
    solver_result_free(&r);
    solver_model_free(m);
}

static void test_duplicates_merge_and_validation(void **state)
{
    (void)state;
    solver_model *m = solver_model_new();
    int x = solver_add_col(m, 0, 10, -1, true, NULL);
    int cols[] = {x, x};
    double v[] = {1, 1};
    assert_true(solver_add_row(m, 2, cols, v, -SOLVER_INF, 7, NULL) >= 0); /* 2x <= 7 */
    assert_int_equal(solver_nnz(m), 1);
    int bad[] = {5};
    assert_int_equal(solver_add_row(m, 1, bad, v, 0, 1, NULL), SOLVER_EINVAL);
    assert_int_equal(solver_add_col(m, 2, 1, 0, false, NULL), SOLVER_EINVAL);
    struct solver_result r;
    assert_int_equal(solver_solve(m, NULL, &r), SOLVER_OK);
    assert_int_equal(r.outcome, SOLVER_OPTIMAL);
    assert_true(fabs(r.x[0] - 3) < 1e-9);
    solver_result_free(&r);
    solver_model_free(m);
}

static void test_many_rows_growth(void **state)
{
    (void)state;
    /* 500 columns, 1000 rows: exercises array growth; x_i + x_{i+1} <= 1. */
    solver_model *m = solver_model_new();
    for (int i = 0; i < 500; i++)
        solver_add_col(m, 0, 1, -1, true, NULL);
    for (int k = 0; k < 1000; k++) {
        int i = k % 499;
        int cols[] = {i, i + 1};
        double v[] = {1, 1};
        assert_true(solver_add_row(m, 2, cols, v, -SOLVER_INF, 1, NULL) == k);
    }
    struct solver_result r;
    assert_int_equal(solver_solve(m, NULL, &r), SOLVER_OK);
    assert_int_equal(r.outcome, SOLVER_OPTIMAL);
    assert_true(fabs(r.objective - -250) < 1e-9);
    solver_result_free(&r);
    solver_model_free(m);
}

/* A binary column fixed to 1 stays at 1 even when it costs (regression:
 * setting the binary kind used to reset the bounds to [0, 1]). */
static void test_fixed_binary_stays_fixed(void **state)
{
    (void)state;
    solver_model *m = solver_model_new();
    int x = solver_add_col(m, 1, 1, 50, true, "fixed");
    int y = solver_add_col(m, 0, 1, -1, true, "free");
    int cols[] = {x, y};
    double v[] = {1, 1};
    solver_add_row(m, 2, cols, v, -SOLVER_INF, 2, NULL);
    struct solver_result r;
    assert_int_equal(solver_solve(m, NULL, &r), SOLVER_OK);
    assert_int_equal(r.outcome, SOLVER_OPTIMAL);
    assert_true(fabs(r.x[0] - 1) < 1e-9);
    assert_true(fabs(r.objective - 49) < 1e-9);
    solver_result_free(&r);
    solver_model_free(m);
}

/* A model with nothing to decide is optimal at 0 (GLPK rejects it). */
static void test_empty_model(void **state)
{
    (void)state;
    solver_model *m = solver_model_new();
    struct solver_params p;
    solver_params_init(&p);
    p.presolve = false; /* the path that rejected it */
    struct solver_result r;
    assert_int_equal(solver_solve(m, &p, &r), SOLVER_OK);
    assert_int_equal(r.outcome, SOLVER_OPTIMAL);
    assert_true(r.objective == 0);
    solver_result_free(&r);
    solver_model_free(m);
}

struct sink {
    char buf[8192];
    size_t n;
    int fail_after; /* calls before put fails, -1 never */
};

static int put(void *ud, const char *s, size_t n)
{
    struct sink *k = ud;
    if (k->fail_after == 0)
        return -42;
    if (k->fail_after > 0)
        k->fail_after--;
    assert_true(k->n + n < sizeof k->buf);
    memcpy(k->buf + k->n, s, n);
    k->n += n;
    k->buf[k->n] = '\0';
    return 0;
}

/* The export is handed to a sink (no file in solver/): every row and
 * column named, integers between markers, ranges and bounds written, odd
 * characters replaced and a repeated name made unique. */
static void test_write_mps(void **state)
{
    (void)state;
    solver_model *m = knapsack();
    int c = solver_add_col(m, -SOLVER_INF, 5, 1, false, "free col");
    assert_true(c >= 0);
    int idx[1] = {c};
    double one[1] = {1};
    assert_true(solver_add_row(m, 1, idx, one, -2, 3, "r1") >= 0); /* the same name again */
    assert_true(solver_add_row(m, 1, idx, one, -SOLVER_INF, 4, NULL) >= 0);
    struct sink k = {.n = 0, .fail_after = -1};
    assert_int_equal(solver_write_mps(m, put, &k), SOLVER_OK);
    assert_non_null(strstr(k.buf, "ROWS\n N cost\n"));
    assert_non_null(strstr(k.buf, " L r1\n"));
    assert_non_null(strstr(k.buf, " G r1~"));   /* the repeated name, made unique */
    assert_non_null(strstr(k.buf, " L R"));     /* an unnamed row */
    assert_non_null(strstr(k.buf, "free_col")); /* a space is not allowed in a name */
    assert_non_null(strstr(k.buf, "'MARKER' 'INTORG'"));
    assert_non_null(strstr(k.buf, "'MARKER' 'INTEND'"));
    assert_non_null(strstr(k.buf, " RNG r1~"));
    assert_non_null(strstr(k.buf, " MI BND free_col\n"));
    assert_non_null(strstr(k.buf, " UP BND free_col 5\n"));
    assert_non_null(strstr(k.buf, "ENDATA\n"));
    /* A sink that fails stops the export with its own code. */
    struct sink bad = {.n = 0, .fail_after = 3};
    assert_int_equal(solver_write_mps(m, put, &bad), -42);
    solver_model_free(m);
}

/* A solve prints nothing, even in a program that never called
 * solver_global_init (the scheduler's unit tests): GLPK's clique cuts used
 * to write "Constructing conflict graph..." to stdout. */
static void test_solve_is_silent(void **state)
{
    (void)state;
    solver_global_cleanup(); /* a fresh GLPK environment talks by default */
    fflush(stdout);
    char path[] = "/tmp/careday-test-solver-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    int saved = dup(1);
    assert_true(saved >= 0);
    assert_true(dup2(fd, 1) >= 0);
    solver_model *m = knapsack();
    /* a few clique rows so that the conflict graph is built */
    int cols[] = {0, 1, 2};
    double ones[] = {1, 1, 1};
    assert_true(solver_add_row(m, 2, cols, ones, -SOLVER_INF, 1, "clq_ab") >= 0);
    assert_true(solver_add_row(m, 2, cols + 1, ones, -SOLVER_INF, 1, "clq_bc") >= 0);
    struct solver_params p;
    solver_params_init(&p);
    struct solver_result r;
    int rc = solver_solve(m, &p, &r);
    fflush(stdout);
    assert_true(dup2(saved, 1) >= 0);
    close(saved);
    off_t size = lseek(fd, 0, SEEK_END);
    close(fd);
    unlink(path);
    assert_int_equal(rc, SOLVER_OK);
    assert_int_equal(r.outcome, SOLVER_OPTIMAL);
    assert_int_equal((long)size, 0);
    solver_result_free(&r);
    solver_model_free(m);
    solver_global_init();
}

int main(void)
{
    solver_global_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_optimal),
        cmocka_unit_test(test_warm_start_keeps_optimum),
        cmocka_unit_test(test_infeasible),
        cmocka_unit_test(test_duplicates_merge_and_validation),
        cmocka_unit_test(test_many_rows_growth),
        cmocka_unit_test(test_fixed_binary_stays_fixed),
        cmocka_unit_test(test_empty_model),
        cmocka_unit_test(test_write_mps),
        cmocka_unit_test(test_solve_is_silent),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    solver_global_cleanup();
    return rc;
}
