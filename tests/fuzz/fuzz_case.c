/*
 * libFuzzer target for the case file reader: the input is a case file
 * (JSON), read by adapt_case_load_with as `careday plan` reads it. Whatever
 * the input, the load either succeeds or fails with a message naming what
 * is wrong; it never crashes, hangs or leaks. Inputs that would reach the
 * network or run a command (a URL, CalDAV, password_cmd) are skipped: the
 * fuzzer must not talk to the world.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapters/adapters.h"

static char dir[4096], path[4200];

/* The scratch folder goes when the run ends (run.sh also gives it a TMPDIR
 * of its own and removes that, for runs that stop on a finding). */
static void remove_scratch(void)
{
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/careday-fuzz-case-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/case.json", dir);
    atexit(remove_scratch);
    return 0;
}

static bool holds(const uint8_t *data, size_t size, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= size; i++)
        if (memcmp(data + i, s, n) == 0)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (holds(data, size, "://") || holds(data, size, "caldav") ||
        holds(data, size, "password_cmd") || holds(data, size, "base"))
        return 0;
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);

    struct adapt_load_options o = {.offline = true};
    struct sched_case c;
    struct careday_notes warn = {0};
    struct careday_error err = {0};
    memset(&c, 0, sizeof c);
    int rc = adapt_case_load_with(path, &o, &c, &warn, &err);
    if (rc != 0 && err.text[0] == '\0')
        abort(); /* a failure always says what went wrong */
    char buf[2048];
    careday_error_format(&err, buf, sizeof buf);
    for (const char *p = buf; *p; p++)
        if ((unsigned char)*p < 0x20)
            abort(); /* messages are one safe line */
    if (rc == 0)
        sched_case_free(&c);
    careday_notes_free(&warn);
    return 0;
}
