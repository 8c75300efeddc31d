/*
 * Atomic file replacement: write a temp file beside the target, flush it to
 * disk, rename it over the target. A reader sees the old file or the new
 * one, never half of either.
 */
#include "adapters/adapters.h"

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

int adapt_write_atomic(const char *path, const char *data, size_t len, struct careday_error *err)
{
    size_t n = strlen(path) + sizeof ".tmp.XXXXXX";
    char *tmp = malloc(n);
    int fd, saved;
    const char *step;

    if (!tmp)
        return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "out of memory");
    snprintf(tmp, n, "%s.tmp.XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        saved = errno;
        free(tmp);
        return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "cannot create a file here: %s",
                            strerror(saved));
    }
    /* mkstemp makes 0600; outputs are ordinary files others may read. */
    step = "cannot set permissions";
    if (fchmod(fd, 0644) != 0)
        goto fail;
    step = "cannot write";
    if (write_all(fd, data, len) != 0)
        goto fail;
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
    return 0;

fail:
    saved = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "%s: %s", step, strerror(saved));
}
