/*
 * Worker processes for batch moves. Each worker is forked after the cases
 * are loaded, reads a task from its pipe (length, then bytes), runs it with
 * sched_batch_run_task and writes the answer back the same way. The parent
 * hands tasks to idle workers, the moves that re-plan most families first,
 * and collects answers by task index, so the result of a round does not
 * depend on which worker ran what, or when. While a round runs, the parent
 * may do its own work (the batch's bounds): then a second thread of the
 * parent hands out the tasks and collects the answers; it does nothing else
 * (no solver, no state of the search).
 */
#include "adapters/adapters.h"
#include "adapters/cli/batch_pool.h"
#include "calendars/util.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_MESSAGE (256u << 20) /* far above any real task or answer */

struct worker {
    pid_t pid;
    int to, from; /* task pipe (write end), answer pipe (read end) */
    long task;    /* task index running, -1 idle */
    bool dead;
};

struct batch_pool {
    const sched_batch *b;
    struct worker *w;
    int n;
    size_t failures;
    void (*old_pipe)(int);
};

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t k = write(fd, p, len);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

static int read_all(int fd, void *data, size_t len)
{
    char *p = data;
    while (len > 0) {
        ssize_t k = read(fd, p, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

static int send_msg(int fd, const char *buf, size_t len)
{
    uint64_t n = len;
    return write_all(fd, &n, sizeof n) || write_all(fd, buf, len) ? -1 : 0;
}

/* A message into *buf (malloc'd); -1 on end of file or error. */
static int recv_msg(int fd, char **buf, size_t *len)
{
    uint64_t n;
    if (read_all(fd, &n, sizeof n) || n > MAX_MESSAGE)
        return -1;
    *buf = cal_malloc(n ? n : 1);
    if (!*buf)
        return -1;
    if (read_all(fd, *buf, n)) {
        free(*buf);
        return -1;
    }
    *len = n;
    return 0;
}

/* The worker's life: tasks in, answers out, until the parent closes. */
static void worker_main(const sched_batch *b, int in, int out)
{
    char *buf;
    size_t len;
    while (recv_msg(in, &buf, &len) == 0) {
        struct sched_batch_task t;
        struct sched_hold *holds = NULL;
        size_t nholds = 0;
        struct sched_batch_answer a;
        memset(&a, 0, sizeof a);
        int rc = sched_batch_unpack_task(buf, len, &t, &holds, &nholds);
        free(buf);
        if (rc == 0)
            rc = sched_batch_run_task(b, holds, nholds, &t, &a, NULL);
        free(holds);
        char *ab = NULL;
        size_t alen = 0;
        if (rc != 0)
            sched_batch_answer_clear(&a); /* an empty answer: the move failed */
        rc = sched_batch_pack_answer(&a, &ab, &alen);
        sched_batch_answer_clear(&a);
        if (rc != 0 || send_msg(out, ab, alen) != 0) {
            free(ab);
            break;
        }
        free(ab);
    }
    close(in);
    close(out);
    _exit(0);
}

static int run_local(void *ud, const struct sched_hold *holds, size_t nholds,
                     const struct sched_batch_task *tasks, size_t n,
                     struct sched_batch_answer *answers)
{
    batch_pool *p = ud;
    for (size_t i = 0; i < n; i++) {
        int rc = sched_batch_run_task(p->b, holds, nholds, &tasks[i], &answers[i], NULL);
        if (rc == SCHED_ENOMEM)
            return rc;
        if (rc) {
            sched_batch_answer_clear(&answers[i]);
            p->failures++;
        }
    }
    return 0;
}

static void worker_dies(batch_pool *p, struct worker *w)
{
    if (w->task >= 0)
        p->failures++;
    w->task = -1;
    w->dead = true;
    close(w->to);
    close(w->from);
    w->to = w->from = -1;
}

static int give(batch_pool *p, struct worker *w, long i, const struct sched_batch_task *t,
                const struct sched_hold *holds, size_t nholds)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = sched_batch_pack_task(t, holds, nholds, &buf, &len);
    if (rc)
        return rc;
    w->task = i;
    if (send_msg(w->to, buf, len) != 0)
        worker_dies(p, w);
    free(buf);
    return 0;
}

/* The order in which a round's tasks are handed out: the moves that
 * re-plan most families first (they take longest), in index order among
 * equals, so that a round does not wait for a large move handed out last.
 * Answers go by index: the order decides only when each task runs. */
static void dispatch_order(const struct sched_batch_task *tasks, size_t n, size_t *order)
{
    size_t k = 0;
    for (int m = SCHED_BATCH_MAXN; m >= 1; m--)
        for (size_t i = 0; i < n; i++)
            if (tasks[i].nfam == m)
                order[k++] = i;
    for (size_t i = 0; i < n; i++) /* a malformed task: its worker says so */
        if (tasks[i].nfam < 1 || tasks[i].nfam > SCHED_BATCH_MAXN)
            order[k++] = i;
}

/* The round on the workers. When every worker is gone, the tasks not
 * handed out are run here when left is NULL, else their indices go to
 * left[0 .. *nleft) (for the caller to run in its own thread). */
static int run_workers(batch_pool *p, const struct sched_hold *holds, size_t nholds,
                       const struct sched_batch_task *tasks, size_t n,
                       struct sched_batch_answer *answers, size_t *left, size_t *nleft)
{
    size_t next = 0, done = 0;
    struct pollfd *pf = cal_calloc((size_t)p->n, sizeof *pf);
    int *who = cal_calloc((size_t)p->n, sizeof *who);
    size_t *order = cal_calloc(n ? n : 1, sizeof *order);
    int rc = 0;
    if (!pf || !who || !order) {
        free(pf);
        free(who);
        free(order);
        return SCHED_ENOMEM;
    }
    dispatch_order(tasks, n, order);
    while (done < n && rc == 0) {
        int alive = 0, busy = 0;
        for (int k = 0; k < p->n && rc == 0; k++) {
            struct worker *w = &p->w[k];
            if (w->dead)
                continue;
            alive++;
            if (w->task < 0 && next < n) {
                size_t i = order[next++];
                rc = give(p, w, (long)i, &tasks[i], holds, nholds);
            }
            if (w->dead) {
                done++; /* its task is lost: the answer stays empty */
                continue;
            }
            if (w->task >= 0) {
                pf[busy] = (struct pollfd){.fd = w->from, .events = POLLIN};
                who[busy++] = k;
            }
        }
        if (rc)
            break;
        if (alive == 0) {
            /* Every worker is gone: finish the round here. */
            for (; next < n && left; next++)
                left[(*nleft)++] = order[next];
            for (; next < n && rc == 0; next++)
                rc = run_local(p, holds, nholds, &tasks[order[next]], 1, &answers[order[next]]);
            break;
        }
        if (busy == 0)
            continue;
        int r = poll(pf, (nfds_t)busy, -1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rc = SCHED_ESOLVER;
            break;
        }
        for (int j = 0; j < busy; j++) {
            if (!(pf[j].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            struct worker *w = &p->w[who[j]];
            char *buf;
            size_t len;
            long i = w->task;
            if (recv_msg(w->from, &buf, &len) != 0) {
                worker_dies(p, w);
                done++;
                continue;
            }
            if (sched_batch_unpack_answer(buf, len, &answers[i]) != 0)
                p->failures++;
            free(buf);
            w->task = -1;
            done++;
        }
    }
    free(pf);
    free(who);
    free(order);
    return rc;
}

static int run_pool(void *ud, const struct sched_hold *holds, size_t nholds,
                    const struct sched_batch_task *tasks, size_t n,
                    struct sched_batch_answer *answers)
{
    return run_workers(ud, holds, nholds, tasks, n, answers, NULL, NULL);
}

struct round {
    batch_pool *p;
    const struct sched_hold *holds;
    size_t nholds;
    const struct sched_batch_task *tasks;
    size_t n;
    struct sched_batch_answer *answers;
    size_t *left, nleft;
    int rc;
};

static void *round_thread(void *arg)
{
    struct round *r = arg;
    r->rc = run_workers(r->p, r->holds, r->nholds, r->tasks, r->n, r->answers, r->left, &r->nleft);
    return NULL;
}

static int run_pool_while(void *ud, const struct sched_hold *holds, size_t nholds,
                          const struct sched_batch_task *tasks, size_t n,
                          struct sched_batch_answer *answers, int (*meanwhile)(void *arg),
                          void *arg)
{
    struct round r = {ud, holds, nholds, tasks, n, answers, cal_calloc(n ? n : 1, sizeof(size_t)),
                      0,  0};
    pthread_t th;
    if (!r.left || pthread_create(&th, NULL, round_thread, &r) != 0) {
        /* No second thread: one after the other, with the same result. */
        free(r.left);
        int mrc = meanwhile(arg);
        int rc = run_pool(ud, holds, nholds, tasks, n, answers);
        return rc ? rc : mrc;
    }
    int mrc = meanwhile(arg);
    pthread_join(th, NULL);
    /* The tasks no worker was left for run here, after the parent's own
     * work: the single-family solve never runs in two threads at once. */
    for (size_t k = 0; k < r.nleft && !r.rc; k++)
        r.rc = run_local(ud, holds, nholds, &tasks[r.left[k]], 1, &answers[r.left[k]]);
    free(r.left);
    return r.rc ? r.rc : mrc;
}

size_t batch_pool_failures(const batch_pool *p)
{
    return p ? p->failures : 0;
}

void batch_pool_free(batch_pool *p)
{
    if (!p)
        return;
    for (int k = 0; k < p->n; k++) {
        struct worker *w = &p->w[k];
        if (w->to >= 0)
            close(w->to);
        if (w->from >= 0)
            close(w->from);
        if (w->pid > 0)
            while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
                ;
    }
    if (p->n > 0)
        signal(SIGPIPE, p->old_pipe);
    free(p->w);
    free(p);
}

int batch_pool_new(const sched_batch *b, int jobs, batch_pool **out,
                   struct sched_batch_runner *runner, struct careday_error *err)
{
    batch_pool *p = cal_calloc(1, sizeof *p);
    if (!p)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    p->b = b;
    runner->ud = p;
    runner->run = run_local;
    runner->run_while = NULL; /* one after the other, here */
    runner->round = 1;
    *out = p;
    if (jobs <= 1)
        return 0;
    p->w = cal_calloc((size_t)jobs, sizeof *p->w);
    if (!p->w)
        goto fail;
    p->old_pipe = signal(SIGPIPE, SIG_IGN);
    fflush(NULL);
    for (int k = 0; k < jobs; k++) {
        int down[2], up[2];
        if (pipe(down) != 0)
            goto fail;
        if (pipe(up) != 0) {
            close(down[0]);
            close(down[1]);
            goto fail;
        }
        pid_t pid = fork();
        if (pid < 0) {
            close(down[0]);
            close(down[1]);
            close(up[0]);
            close(up[1]);
            goto fail;
        }
        if (pid == 0) {
            /* The child keeps only its own two ends. */
            for (int j = 0; j < p->n; j++) {
                close(p->w[j].to);
                close(p->w[j].from);
            }
            close(down[1]);
            close(up[0]);
            worker_main(b, down[0], up[1]);
        }
        close(down[0]);
        close(up[1]);
        p->w[p->n++] = (struct worker){.pid = pid, .to = down[1], .from = up[0], .task = -1};
    }
    runner->run = run_pool;
    runner->run_while = run_pool_while;
    runner->round = (size_t)jobs * 2;
    return 0;
fail:;
    int saved = errno;
    batch_pool_free(p);
    *out = NULL;
    return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "cannot start worker processes: %s",
                        strerror(saved));
}
