/*
 * Calendar sources given as URLs, fetched from a real HTTP server (Python's
 * http.server) started on loopback for the test: the calendar is read, and
 * every way a fetch can fail is ADAPT_EFETCH naming the URL (without its
 * credentials) and the JSON path, while a fetched file that is not a
 * calendar is bad input.
 */
#include "adapters/adapters.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char family_ics[] = "BEGIN:VCALENDAR\r\n"
                                 "VERSION:2.0\r\n"
                                 "PRODID:-//careday tests//EN\r\n"
                                 "BEGIN:VEVENT\r\n"
                                 "UID:school@test\r\n"
                                 "DTSTAMP:20261001T000000Z\r\n"
                                 "DTSTART:20261203T140000Z\r\n"
                                 "DTEND:20261203T150000Z\r\n"
                                 "SUMMARY:School meeting\r\n"
                                 "END:VEVENT\r\n"
                                 "END:VCALENDAR\r\n";

struct server {
    char dir[64];
    char case_path[128];
    int port;
    pid_t pid;
};

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
}

/* A port nobody listens on right now (the kernel's pick for port 0). */
static int free_port(void)
{
    struct sockaddr_in a = {0};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    assert_true(fd >= 0);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static bool accepts(int port)
{
    struct sockaddr_in a = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    bool ok;

    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

static int setup(void **state)
{
    struct server *s = calloc(1, sizeof *s);
    char path[160], port[16];
    int i;

    if (!s)
        return -1;
    snprintf(s->dir, sizeof s->dir, "/tmp/careday-fetch-XXXXXX");
    if (!mkdtemp(s->dir))
        return -1;
    snprintf(path, sizeof path, "%s/family.ics", s->dir);
    write_file(path, family_ics);
    snprintf(path, sizeof path, "%s/notes.ics", s->dir);
    write_file(path, "these are not calendar lines\n");
    snprintf(s->case_path, sizeof s->case_path, "%s/case.json", s->dir);
    s->port = free_port();
    snprintf(port, sizeof port, "%d", s->port);
    s->pid = fork();
    if (s->pid < 0)
        return -1;
    if (s->pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(127);
        execlp("python3", "python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory",
               s->dir, port, (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 200 && !accepts(s->port); i++) {
        struct timespec ts = {0, 25 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    if (!accepts(s->port)) {
        fprintf(stderr, "http.server did not start on port %d\n", s->port);
        return -1;
    }
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    struct server *s = *state;
    char cmd[128];

    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
    if (system(cmd) != 0)
        return -1;
    free(s);
    return 0;
}

/* A small valid case whose family calendar is the given URL. */
static void write_case(const struct server *s, const char *url)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{\"careday\": 1, \"timezone\": \"America/New_York\",\n"
             " \"horizon\": {\"start\": \"2026-12-01\", \"end\": \"2026-12-31\"},\n"
             " \"family\": {\"home\": {\"lat\": 35.78, \"lon\": -78.64},\n"
             "   \"busy\": [{\"ics\": \"%s\"}]},\n"
             " \"places\": [{\"id\": \"unc\", \"lat\": 35.9, \"lon\": -79.05}],\n"
             " \"providers\": [{\"id\": \"neuro\", \"in_person\": {\"place\": \"unc\",\n"
             "   \"hours\": [{\"days\": \"MO\", \"from\": \"08:00\", \"to\": \"12:00\"}]}}],\n"
             " \"visits\": [{\"id\": \"fu\", \"provider\": \"neuro\", \"minutes\": 30}]}\n",
             url);
    write_file(s->case_path, text);
}

static void test_fetch_calendar(void **state)
{
    struct server *s = *state;
    struct sched_case c;
    struct careday_error err = {0};
    char url[128];
    cal_time a, b;

    snprintf(url, sizeof url, "http://127.0.0.1:%d/family.ics", s->port);
    write_case(s, url);
    if (adapt_case_load(s->case_path, &c, NULL, &err) != 0)
        fail_msg("%s: %s: %s", err.file, err.path, err.text);
    assert_int_equal(cal_parse_rfc3339("2026-12-03T14:00:00Z", &a), 0);
    assert_int_equal(cal_parse_rfc3339("2026-12-03T15:00:00Z", &b), 0);
    assert_int_equal(c.family.busy.n, 1);
    assert_int_equal(c.family.busy.iv[0].start, a);
    assert_int_equal(c.family.busy.iv[0].end, b);
    sched_case_free(&c);
}

static void expect_failure(struct server *s, const char *url, int code, const char *want_file,
                           const char *want_text)
{
    struct sched_case c;
    struct careday_error err = {0};
    char msg[2048];

    write_case(s, url);
    assert_int_equal(adapt_case_load(s->case_path, &c, NULL, &err), code);
    careday_error_format(&err, msg, sizeof msg);
    if (want_file && strcmp(err.file, want_file) != 0)
        fail_msg("file \"%s\", expected \"%s\"", err.file, want_file);
    if (strcmp(err.path, "family.busy[0].ics") != 0)
        fail_msg("path \"%s\"", err.path);
    if (!strstr(msg, want_text))
        fail_msg("\"%s\" lacks \"%s\"", msg, want_text);
    if (!strstr(msg, s->case_path))
        fail_msg("\"%s\" does not name the case file", msg);
    if (strstr(msg, "hunter2"))
        fail_msg("\"%s\" shows the password", msg);
}

static void test_fetch_not_found(void **state)
{
    struct server *s = *state;
    char url[128];

    snprintf(url, sizeof url, "http://127.0.0.1:%d/nothing.ics", s->port);
    expect_failure(s, url, ADAPT_EFETCH, url, "HTTP 404");
}

static void test_fetch_hides_credentials(void **state)
{
    struct server *s = *state;
    char url[128], shown[128];

    snprintf(url, sizeof url, "http://ana:hunter2@127.0.0.1:%d/nothing.ics", s->port);
    snprintf(shown, sizeof shown, "http://127.0.0.1:%d/nothing.ics", s->port);
    expect_failure(s, url, ADAPT_EFETCH, shown, "HTTP 404");
}

static void test_fetch_refused(void **state)
{
    struct server *s = *state;
    char url[128];
    int port = free_port();

    snprintf(url, sizeof url, "http://127.0.0.1:%d/family.ics", port);
    expect_failure(s, url, ADAPT_EFETCH, url, "could not fetch the calendar");
}

/* webcal:// is https://: a plain-HTTP server cannot complete the TLS
 * handshake, and nothing falls back to unencrypted HTTP. */
static void test_webcal_is_https(void **state)
{
    struct server *s = *state;
    char url[128], shown[128];

    snprintf(url, sizeof url, "webcal://127.0.0.1:%d/family.ics", s->port);
    snprintf(shown, sizeof shown, "webcal://127.0.0.1:%d/family.ics", s->port);
    expect_failure(s, url, ADAPT_EFETCH, shown, "could not fetch the calendar");
}

/* Fetched, but not a calendar: bad input, not a fetch failure. */
static void test_fetched_garbage_is_bad_input(void **state)
{
    struct server *s = *state;
    char url[128];

    snprintf(url, sizeof url, "http://127.0.0.1:%d/notes.ics", s->port);
    expect_failure(s, url, ADAPT_EINPUT, NULL, "not iCalendar");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fetch_calendar),
        cmocka_unit_test(test_fetch_not_found),
        cmocka_unit_test(test_fetch_hides_credentials),
        cmocka_unit_test(test_fetch_refused),
        cmocka_unit_test(test_webcal_is_https),
        cmocka_unit_test(test_fetched_garbage_is_bad_input),
    };
    int rc;

    adapt_global_init();
    rc = cmocka_run_group_tests(tests, setup, teardown);
    adapt_global_cleanup();
    return rc;
}
