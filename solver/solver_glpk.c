/*
 * GLPK backend: the only file that includes glpk.h.
 *
 * GLPK aborts the process on misuse; the model is validated when it is built
 * (solver_add_col/row), and glp_error_hook with longjmp catches anything
 * left, so the process never aborts. Terminal output is silenced by
 * solver_global_init (called from main) and again before every solve;
 * progress comes from the branch-and-cut callback. The model is exported by
 * mps.c, not here.
 */
#include "solver/solver_internal.h"

#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* GLPK's terminal output is dropped: the caller hears about a solve through
 * the result and the progress callback only. */
static int silent_term(void *info, const char *s)
{
    (void)info;
    (void)s;
    return 1; /* handled: GLPK prints nothing */
}

static void silence(void)
{
    glp_term_out(GLP_OFF);
    glp_term_hook(silent_term, NULL);
}

void solver_global_init(void)
{
    silence();
}

void solver_global_cleanup(void)
{
    glp_term_hook(NULL, NULL);
    glp_free_env();
}

struct guard {
    jmp_buf jb;
};

static void on_glpk_error(void *info)
{
    struct guard *g = info;
    longjmp(g->jb, 1);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int bound_type(double lo, double hi)
{
    bool has_lo = lo > -SOLVER_INF, has_hi = hi < SOLVER_INF;
    if (has_lo && has_hi)
        return lo == hi ? GLP_FX : GLP_DB;
    if (has_lo)
        return GLP_LO;
    if (has_hi)
        return GLP_UP;
    return GLP_FR;
}

/* Build a glp_prob from the neutral model. */
static glp_prob *build(const solver_model *m)
{
    glp_prob *P = glp_create_prob();
    glp_set_obj_dir(P, GLP_MIN);
    if (m->nrows)
        glp_add_rows(P, (int)m->nrows);
    if (m->ncols)
        glp_add_cols(P, (int)m->ncols);
    for (size_t j = 0; j < m->ncols; j++) {
        int c = (int)j + 1;
        /* Kind first: GLP_BV resets the bounds to [0, 1]. */
        if (m->is_int[j])
            glp_set_col_kind(P, c, (m->lb[j] >= 0 && m->ub[j] <= 1) ? GLP_BV : GLP_IV);
        glp_set_col_bnds(P, c, bound_type(m->lb[j], m->ub[j]), m->lb[j], m->ub[j]);
        glp_set_obj_coef(P, c, m->obj[j]);
    }
    for (size_t i = 0; i < m->nrows; i++) {
        int r = (int)i + 1;
        glp_set_row_bnds(P, r, bound_type(m->row_lo[i], m->row_hi[i]), m->row_lo[i], m->row_hi[i]);
        size_t b = m->row_start[i], n = m->row_start[i + 1] - b;
        if (n) {
            /* GLPK arrays are 1-based: pass pointers one before. */
            int *ind = solver_malloc((n + 1) * sizeof(int));
            double *val = solver_malloc((n + 1) * sizeof(double));
            if (!ind || !val) {
                free(ind);
                free(val);
                glp_delete_prob(P);
                return NULL;
            }
            for (size_t k = 0; k < n; k++) {
                ind[k + 1] = m->idx[b + k] + 1;
                val[k + 1] = m->val[b + k];
            }
            glp_set_mat_row(P, r, (int)n, ind, val);
            free(ind);
            free(val);
        }
    }
    return P;
}

struct cb_state {
    const struct solver_params *p;
    const solver_model *m;
    double t0, last_report;
    double best_bound;
    bool have_bound;
    bool injected;
    double *warm; /* 1-based copy for glp_ios_heur_sol */
};

static double tree_bound(glp_tree *T)
{
    int node = glp_ios_best_node(T);
    return node ? glp_ios_node_bound(T, node) : -SOLVER_INF;
}

static void callback(glp_tree *T, void *info)
{
    struct cb_state *s = info;
    glp_prob *P = glp_ios_get_prob(T);
    int reason = glp_ios_reason(T);

    if (reason == GLP_IHEUR && s->warm && !s->injected) {
        s->injected = true;
        glp_ios_heur_sol(T, s->warm);
    }
    if (reason != GLP_ISELECT && reason != GLP_IBINGO && reason != GLP_IBRANCH)
        return;

    double b = tree_bound(T);
    if (b > -SOLVER_INF) {
        s->best_bound = b;
        s->have_bound = true;
    }
    bool has_inc = glp_mip_status(P) == GLP_FEAS || glp_mip_status(P) == GLP_OPT;
    double inc = has_inc ? glp_mip_obj_val(P) : SOLVER_INF;

    if (has_inc && s->have_bound && s->p->abs_gap > 0 && inc - s->best_bound <= s->p->abs_gap) {
        glp_ios_terminate(T);
        return;
    }
    double t = now_s();
    if (s->p->progress && t - s->last_report >= s->p->progress_every_s) {
        s->last_report = t;
        struct solver_progress pr = {.elapsed_s = t - s->t0,
                                     .incumbent = inc,
                                     .bound = s->have_bound ? s->best_bound : -SOLVER_INF,
                                     .nodes = 0};
        int a, n, tot;
        glp_ios_tree_size(T, &a, &n, &tot);
        pr.nodes = tot;
        s->p->progress(s->p->progress_ud, &pr);
    }
}

/* Long on purpose: GLPK reports a fatal error by a longjmp back into the
 * frame that called setjmp, so everything from setjmp to the last GLPK call
 * stays in this one frame. Nothing this function modifies before setjmp may
 * be used after a longjmp; its parameters are never reassigned. */
static int solve_guarded(solver_model *m, const struct solver_params *p, struct solver_result *out)
{
    memset(out, 0, sizeof(*out));
    if (m->ncols == 0) { /* nothing to decide (GLPK rejects empty problems) */
        bool ok = true;
        for (size_t i = 0; i < m->nrows; i++)
            ok = ok && m->row_lo[i] <= 0 && m->row_hi[i] >= 0;
        out->outcome = ok ? SOLVER_OPTIMAL : SOLVER_INFEASIBLE;
        out->objective = out->bound = ok ? 0 : SOLVER_INF;
        out->x = ok ? solver_malloc(1) : NULL;
        if (ok && !out->x)
            return SOLVER_ENOMEM;
        return SOLVER_OK;
    }
    out->outcome = SOLVER_NOSOLUTION;
    out->objective = SOLVER_INF;
    out->bound = -SOLVER_INF;

    struct cb_state st = {.p = p, .m = m, .t0 = now_s()};
    st.last_report = st.t0;
    glp_prob *volatile P = NULL;
    double *volatile warm = NULL;
    struct guard g;
    /* GLPK's clique cuts write to the terminal whatever msg_lev says: keep
     * it silent also where main's solver_global_init never ran (tests). */
    silence();
    glp_error_hook(on_glpk_error, &g);
    if (setjmp(g.jb)) {
        /* GLPK hit an internal error: its environment is unusable now. */
        glp_error_hook(NULL, NULL);
        glp_free_env();
        silence(); /* a fresh environment talks again until told not to */
        free(warm);
        snprintf(out->message, sizeof(out->message), "GLPK reported an internal error");
        return SOLVER_EBACKEND;
    }

    P = build(m);
    if (!P) {
        glp_error_hook(NULL, NULL);
        return SOLVER_ENOMEM;
    }
    if (p->warm_start) {
        warm = solver_malloc((m->ncols + 1) * sizeof(double));
        if (!warm) {
            glp_delete_prob(P);
            glp_error_hook(NULL, NULL);
            return SOLVER_ENOMEM;
        }
        warm[0] = 0;
        memcpy(warm + 1, p->warm_start, m->ncols * sizeof(double));
        st.warm = warm;
    }

    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    /* An injected incumbent is only safe with the presolver off. */
    parm.presolve = (p->presolve && !warm) ? GLP_ON : GLP_OFF;
    if (p->gomory)
        parm.gmi_cuts = GLP_ON;
    if (p->cuts) {
        parm.mir_cuts = GLP_ON;
        parm.cov_cuts = GLP_ON;
        parm.clq_cuts = GLP_ON;
    }
    if (p->time_limit_s > 0)
        parm.tm_lim = (int)fmin(p->time_limit_s * 1000.0, 2e9);
    parm.mip_gap = p->rel_gap > 0 ? p->rel_gap : 0.0;
    parm.cb_func = callback;
    parm.cb_info = &st;

    int ret = 0;
    bool lp_ok = true;
    if (parm.presolve == GLP_OFF) {
        glp_smcp sp;
        glp_init_smcp(&sp);
        sp.msg_lev = GLP_MSG_OFF;
        if (p->time_limit_s > 0) /* the relaxation counts against the limit too */
            sp.tm_lim = (int)fmin(p->time_limit_s * 1000.0, 2e9);
        glp_scale_prob(P, GLP_SF_AUTO);
        int sret = glp_simplex(P, &sp);
        int s = glp_get_status(P);
        if (sret != 0 || (s != GLP_OPT && s != GLP_FEAS)) {
            lp_ok = false;
            if (s == GLP_NOFEAS || glp_get_prim_stat(P) == GLP_NOFEAS)
                out->outcome = SOLVER_INFEASIBLE;
        }
    }
    if (lp_ok)
        ret = glp_intopt(P, &parm);

    out->solve_s = now_s() - st.t0;
    int ms = lp_ok ? glp_mip_status(P) : GLP_UNDEF;
    if (lp_ok && (ret == GLP_ENOPFS || ms == GLP_NOFEAS)) {
        out->outcome = SOLVER_INFEASIBLE;
    } else if (ms == GLP_OPT || ms == GLP_FEAS) {
        out->objective = glp_mip_obj_val(P);
        out->x = solver_malloc((m->ncols ? m->ncols : 1) * sizeof(double));
        if (!out->x) {
            glp_delete_prob(P);
            glp_error_hook(NULL, NULL);
            free(warm);
            return SOLVER_ENOMEM;
        }
        out->n = m->ncols;
        for (size_t j = 0; j < m->ncols; j++)
            out->x[j] = glp_mip_col_val(P, (int)j + 1);
        bool proven = ms == GLP_OPT && (ret == 0 || ret == GLP_EMIPGAP);
        if (ret == GLP_ESTOP && st.have_bound && p->abs_gap > 0 &&
            out->objective - st.best_bound <= p->abs_gap)
            proven = true; /* stopped by the absolute-gap rule */
        if (proven) {
            out->outcome = SOLVER_OPTIMAL;
            out->bound = (ret == 0) ? out->objective : st.best_bound;
        } else {
            out->outcome = SOLVER_FEASIBLE;
            out->bound = st.have_bound ? st.best_bound : -SOLVER_INF;
        }
    } else {
        out->outcome = SOLVER_NOSOLUTION;
        out->bound = st.have_bound ? st.best_bound : -SOLVER_INF;
    }
    if (out->x && out->bound > -SOLVER_INF)
        out->gap = fmax(0.0, out->objective - out->bound) / fmax(1.0, fabs(out->objective));
    if (ret == GLP_ETMLIM)
        snprintf(out->message, sizeof(out->message), "time limit reached");
    else if (ret && ret != GLP_ESTOP && ret != GLP_EMIPGAP && ret != GLP_ENOPFS)
        snprintf(out->message, sizeof(out->message), "glp_intopt returned %d", ret);
    glp_delete_prob(P);
    glp_error_hook(NULL, NULL);
    free(warm);
    return SOLVER_OK;
}

int solver_solve(solver_model *m, const struct solver_params *p, struct solver_result *out)
{
    struct solver_params defaults;
    if (!p) {
        solver_params_init(&defaults);
        p = &defaults;
    }
    return solve_guarded(m, p, out);
}
