/*
 * The careday program. Process-wide set-up of the libraries happens here,
 * once, and is undone at exit (adapt_global_init, cli/global.c: libical's
 * settings, GLPK's terminal hooks, libcurl); then the command.
 */
#include "adapters/adapters.h"
#include "calendars/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef CAREDAY_ALLOC_INJECTION
/* Test builds only (CMake option CAREDAY_ALLOC_INJECTION, on in Debug
 * builds): CAREDAY_FAIL_ALLOC=N makes the N-th allocation of the run (from
 * 1) and every later one fail, as when memory runs out; CAREDAY_FAIL_ALLOC=
 * count makes none fail and says at exit how many the run made
 * (tests/alloc_fail.sh). Returns 1 when counting, 0 otherwise, -1 when the
 * value is not understood. */
static int alloc_injection(void)
{
    const char *v = getenv("CAREDAY_FAIL_ALLOC");
    if (v == NULL || *v == '\0')
        return 0;
    if (strcmp(v, "count") == 0)
        return 1;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno != 0 || *end != '\0' || n < 1)
        return -1;
    cal_alloc_fail_after(n - 1);
    return 0;
}
#endif

int main(int argc, char **argv)
{
    int counting = 0;
#ifdef CAREDAY_ALLOC_INJECTION
    counting = alloc_injection();
    if (counting < 0) {
        fprintf(stderr, "careday: error: CAREDAY_FAIL_ALLOC must be a number from 1 or "
                        "\"count\"\n");
        return CLI_EXIT_INTERNAL;
    }
#endif
    if (adapt_global_init() != 0) {
        fprintf(stderr, "careday: error: could not initialise the network library\n");
        adapt_global_cleanup();
        return CLI_EXIT_INTERNAL;
    }
    int code = cli_main(argc, argv);
    adapt_global_cleanup();
    if (counting)
        fprintf(stderr, "careday: %ld allocations\n", cal_alloc_count());
    return code;
}
