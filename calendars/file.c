/*
 * Opening input files safely: only regular files are read.
 *
 * A named pipe opened for reading blocks until a writer appears, and a
 * device such as /dev/zero never ends; either would hang careday. The file
 * is opened with O_NONBLOCK (which never blocks on a pipe), checked with
 * fstat, and only then switched back to blocking reads.
 */
#include "calendars/calendars_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m))
        return "a folder";
    if (S_ISFIFO(m))
        return "a named pipe";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

int cal_open_regular(const char *path, const char *what, FILE **out, struct careday_error *err)
{
    if (what == NULL)
        what = "a file";
    if (path == NULL || path[0] == '\0')
        return careday_fail(err, CAL_EIO, NULL, 0, NULL, "no file name given for %s", what);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return careday_fail(err, CAL_EIO, path, 0, NULL, "cannot read %s: %s", what,
                            strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return careday_fail(err, CAL_EIO, path, 0, NULL, "cannot read %s: %s", what, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return careday_fail(err, CAL_EIO, path, 0, NULL,
                            "is %s, not a regular file; expected %s (give the path of a file)",
                            kind_of(st.st_mode), what);
    }
    int flags = fcntl(fd, F_GETFL);
    FILE *f = NULL;
    if (flags >= 0 && fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0)
        f = fdopen(fd, "rb");
    if (f == NULL) {
        int e = errno;
        close(fd);
        return careday_fail(err, CAL_EIO, path, 0, NULL, "cannot read %s: %s", what, strerror(e));
    }
    *out = f;
    return CAL_OK;
}

int cal_read_regular(const char *path, const char *what, size_t max, char **data, size_t *len,
                     struct careday_error *err)
{
    FILE *f = NULL;
    int rc = cal_open_regular(path, what, &f, err);
    if (rc != CAL_OK)
        return rc;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 2) {
            if (cap > max) {
                rc = careday_fail(err, CAL_EIO, path, 0, NULL,
                                  "larger than %zu bytes, the limit for %s", max, what);
                break;
            }
            size_t ncap = cap ? cap * 2 : 65536;
            char *nb = cal_realloc(buf, ncap);
            if (nb == NULL) {
                rc = careday_fail(err, CAL_ENOMEM, path, 0, NULL, "out of memory");
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                rc = careday_fail(err, CAL_EIO, path, 0, NULL, "cannot read %s: %s", what,
                                  strerror(errno));
            break;
        }
    }
    fclose(f);
    if (rc == CAL_OK && n > max)
        rc = careday_fail(err, CAL_EIO, path, 0, NULL, "larger than %zu bytes, the limit for %s",
                          max, what);
    if (rc != CAL_OK) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return CAL_OK;
}

const char *cal_text_encoding_problem(const char *data, size_t len)
{
    const unsigned char *s = (const unsigned char *)data;
    if ((len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) ||
        (len >= 4 && ((s[0] != 0 && s[1] == 0 && s[3] == 0) || (s[0] == 0 && s[2] == 0))))
        return "is UTF-16 text; expected UTF-8: save the file as UTF-8 (in most editors: Save "
               "As, encoding UTF-8)";
    if (memchr(data, '\0', len) != NULL)
        return "holds NUL bytes: binary data, not text; expected a UTF-8 text file";
    return NULL;
}
