/*
 * Secrets for network sources and `careday publish`: a password or token
 * from the environment, or the first line printed by a command run from an
 * argv array (fork and execvp, no shell) with a time limit. The secret
 * itself never goes into any argv, message or file.
 */
#include "adapters/http.h"
#include "calendars/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SECRET_MAX 4096

void secret_free(char *s)
{
    if (s) {
        volatile char *p = s;
        while (*p)
            *p++ = '\0';
        free(s);
    }
}

int secret_from_env(const char *var, char **out, struct careday_error *err)
{
    const char *v = getenv(var);

    if (!v || !*v)
        return careday_fail(err, ADAPT_EINPUT, NULL, 0, NULL,
                            "the environment variable %s holding the password is not set", var);
    if (!(*out = cal_strdup(v)))
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    return 0;
}

static long timeout_ms(void)
{
    const char *v = getenv("CAREDAY_SECRET_TIMEOUT");
    long s = v && *v ? strtol(v, NULL, 10) : 10;
    return (s >= 1 && s <= 600 ? s : 10) * 1000;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int secret_from_cmd(const char *const *argv, char **out, struct careday_error *err)
{
    char buf[SECRET_MAX + 1];
    size_t len = 0;
    long long deadline = now_ms() + timeout_ms();
    int fds[2], status = 0, rc = 0;
    bool timed_out = false;
    pid_t pid;

    if (!argv || !argv[0])
        return careday_fail(err, ADAPT_EINPUT, NULL, 0, NULL, "password_cmd: no command given");
    if (pipe(fds) != 0)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "password_cmd: %s",
                            strerror(errno));
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "password_cmd: %s",
                            strerror(errno));
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDERR_FILENO);
        }
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd p = {fds[0], POLLIN, 0};
        ssize_t r;
        int k;
        if (left <= 0) {
            timed_out = true;
            break;
        }
        k = poll(&p, 1, (int)left);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            timed_out = k == 0;
            break;
        }
        r = read(fds[0], buf + len, SECRET_MAX - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
        if (len == SECRET_MAX)
            break;
    }
    close(fds[0]);
    if (timed_out)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    buf[len] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    if (timed_out)
        rc = careday_fail(err, ADAPT_EFETCH, NULL, 0, NULL,
                          "password_cmd \"%s\" did not finish within %ld s (stopped); "
                          "CAREDAY_SECRET_TIMEOUT changes the limit",
                          argv[0], timeout_ms() / 1000);
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        rc = careday_fail(err, ADAPT_EFETCH, NULL, 0, NULL,
                          "password_cmd \"%s\" could not be run (not found?)", argv[0]);
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        rc = careday_fail(err, ADAPT_EFETCH, NULL, 0, NULL,
                          "password_cmd \"%s\" failed (exit status %d)", argv[0],
                          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    else if (!buf[0])
        rc = careday_fail(err, ADAPT_EFETCH, NULL, 0, NULL,
                          "password_cmd \"%s\" printed no password", argv[0]);
    else if (!(*out = cal_strdup(buf)))
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    memset(buf, 0, sizeof buf);
    return rc;
}
