/*
 * The time-indexed view of a batch that its bounds share
 * (batch_tbound.c, one LP per provider; batch_guide.c, one integer
 * programme over the providers that cannot see all their visits): every
 * visit of every family with its own case's candidate starts (modes of one
 * start and end merged), fixed bookings and "before" links.
 * Internal to scheduler/.
 */
#ifndef CAREDAY_BATCH_TINDEX_H
#define CAREDAY_BATCH_TINDEX_H

#include "scheduler/sched_internal.h"
#include "solver/solver.h"

struct tcol {
    int g;         /* batch-wide provider */
    int vis;       /* batch-wide visit (index into tvis) */
    cal_time s, e; /* UTC */
    int lp;        /* column in its group's LP */
    int day;       /* the family's local day index */
    bool day_trip; /* some mode of it fits a day trip from home (or needs no trip) */
};

struct tvis {
    size_t first, count; /* its columns */
    int factor;
    int g;       /* batch-wide provider */
    int f;       /* family */
    int visit;   /* index in its case */
    bool pruned; /* had starts, none allowed by a predecessor: never placed */
};

struct tlink {
    int a, b;             /* batch-wide visits: b only when a is placed */
    int min_gap, max_gap; /* a ends at least min and at most max (< 0: any) minutes before b */
};

struct tfix {
    int g;
    cal_time s, e;
};

struct tbuild {
    struct tcol *col;
    size_t ncol, capcol;
    struct tvis *vis;
    size_t nvis, capvis;
    struct tlink *link;
    size_t nlink, caplink;
    struct tfix *fix;
    size_t nfix, capfix;
    int *cols;
    double *vals;
    size_t capnz;
    double never, total; /* weighted visits with no start, and with some */
    double pruned;       /* ... whose starts all lost their predecessor */
    bool cut;            /* the bound ran out of time before its last provider */
};

/* Columns and fixed bookings of one provider, sorted by start. */
struct titem {
    cal_time s, e;
    long idx; /* a column (of t->col, then of the LP), or -1 - fixed booking */
};

/* True when a start at column w comes early and late enough after column a
 * for link l. */
bool tix_gap_ok(const struct tlink *l, const struct tcol *a, const struct tcol *w);
/* Room for n entries of a row in t->cols and t->vals. */
int tix_need_nz(struct tbuild *t, size_t n);
/* Add family f's visits (columns), fixed bookings and links. */
int tix_add_family(struct tbuild *t, const sched_batch *b, size_t f);
/* qsort order of titem: by start, end, then index. */
int tix_cmp_item(const void *a, const void *b);
/* Rows "at most cap at every instant" over items (sorted by start; idx a
 * model column, or -1 - k for fixed booking k, which takes its place from
 * cap); act: scratch of n entries. */
int tix_capacity_rows(struct tbuild *t, solver_model *m, const struct titem *it, size_t n, int cap,
                      size_t *act);
/* Provider g's capacity rows over its columns with an lp index. */
int tix_provider_rows(struct tbuild *t, solver_model *m, const sched_batch *b, int g);
/* Provider g's programme over t's columns (an LP, or in whole numbers):
 * *placed, the weighted visits any plan places there at most (all of them
 * when it proves nothing within limit_s). */
int tix_provider_count(struct tbuild *t, const sched_batch *b, int g, double limit_s, bool integer,
                       double *placed);
/* batch_time_bound (sched_internal.h) that hands its build to *keep
 * (freed by the caller with tix_free) when keep is not NULL. */
int tix_time_bound(const sched_batch *b, const bool *active, double budget_s,
                   struct batch_forced *bf, double *out, struct tbuild *keep);
/* Free what t holds. */
void tix_free(struct tbuild *t);

#endif
