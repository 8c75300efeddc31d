/*
 * The careday program. Process-wide set-up of the libraries happens here,
 * once, and is undone at exit (adapt_global_init, cli/global.c: libical's
 * settings, GLPK's terminal hooks, libcurl); then the command.
 */
#include "adapters/adapters.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    if (adapt_global_init() != 0) {
        fprintf(stderr, "careday: error: could not initialise the network library\n");
        return CLI_EXIT_INTERNAL;
    }
    int code = cli_main(argc, argv);
    adapt_global_cleanup();
    return code;
}
