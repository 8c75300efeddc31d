/*
 * Atomic file replacement: write a temp file beside the target, flush it to
 * disk, rename it over the target. A reader sees the old file or the new
 * one, never half of either.
 */
#include "adapters/adapters.h"
#include "calendars/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Make the rename itself durable (best effort: not every file system lets
 * a folder be opened for fsync). */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    int fd;

    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* Buffered writes to the temp file for a producer's pieces. */
struct fd_sink {
    int fd;
    char buf[65536];
    size_t n;
    int failed; /* errno of the first failed write, 0 none */
};

static int sink_flush(struct fd_sink *k)
{
    if (!k->failed && k->n && write_all(k->fd, k->buf, k->n) != 0)
        k->failed = errno ? errno : EIO;
    k->n = 0;
    return k->failed ? -1 : 0;
}

static int sink_put(void *ud, const char *s, size_t n)
{
    struct fd_sink *k = ud;
    if (k->failed)
        return -1;
    if (k->n + n > sizeof k->buf && sink_flush(k) != 0)
        return -1;
    if (n > sizeof k->buf) {
        if (write_all(k->fd, s, n) != 0) {
            k->failed = errno ? errno : EIO;
            return -1;
        }
        return 0;
    }
    memcpy(k->buf + k->n, s, n);
    k->n += n;
    return 0;
}

int adapt_write_atomic_stream(const char *path, adapt_producer produce, void *ud,
                              struct careday_error *err)
{
    size_t n = strlen(path) + sizeof ".tmp.XXXXXX";
    char *tmp = cal_malloc(n);
    struct fd_sink *k = cal_malloc(sizeof *k);
    int fd, saved, prc;
    const char *step;
    long failures = cal_alloc_failures();

    if (!tmp || !k) {
        free(tmp);
        free(k);
        return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "out of memory");
    }
    snprintf(tmp, n, "%s.tmp.XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        saved = errno;
        free(tmp);
        free(k);
        return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "cannot create a file here: %s",
                            strerror(saved));
    }
    k->fd = fd;
    k->n = 0;
    k->failed = 0;
    /* mkstemp makes 0600; an output gets what the user's umask gives any
     * new file (health data: the docs recommend umask 077). */
    step = "cannot set permissions";
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0)
        goto fail;
    step = "cannot write";
    errno = 0;
    prc = produce(ud, sink_put, k);
    if (sink_flush(k) != 0 || prc != 0) {
        errno = k->failed ? k->failed : 0;
        if (!k->failed) { /* the producer itself failed (out of memory) */
            close(fd);
            unlink(tmp);
            free(tmp);
            free(k);
            return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "%s",
                                cal_alloc_failures() != failures ? "out of memory"
                                                                 : "cannot produce the data");
        }
        goto fail;
    }
    step = "cannot flush to disk";
    if (fsync(fd) != 0)
        goto fail;
    step = "cannot close";
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    step = "cannot replace the file";
    if (rename(tmp, path) != 0)
        goto fail;
    sync_dir(path);
    free(tmp);
    free(k);
    return 0;

fail:
    saved = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    free(k);
    return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "%s: %s", step, strerror(saved));
}

int adapt_make_dirs(const char *path, struct careday_error *err)
{
    char failed[4096];
    struct stat st;

    if (path[0] == '\0' || strlen(path) >= sizeof failed)
        return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "unusable folder name");
    if (cal_mkdir_p(path, 0777, failed, sizeof failed) != 0)
        return careday_fail(err, ADAPT_EINTERNAL, failed, 0, NULL, "cannot create the folder: %s",
                            strerror(errno));
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL,
                            "exists and is not a folder; expected a folder");
    return 0;
}

struct whole {
    const char *data;
    size_t len;
};

static int put_whole(void *ud, int (*put)(void *pud, const char *s, size_t n), void *pud)
{
    const struct whole *w = ud;
    return w->len ? put(pud, w->data, w->len) : 0;
}

int adapt_write_atomic(const char *path, const char *data, size_t len, struct careday_error *err)
{
    struct whole w = {data, len};
    return adapt_write_atomic_stream(path, put_whole, &w, err);
}
