/*
 * The careday program. Process-wide set-up of the libraries happens here,
 * once, and is undone at exit: libical's settings (calendars/), GLPK's
 * terminal hooks (solver/) and libcurl (adapters/); then the command.
 */
#include "adapters/adapters.h"
#include "solver/solver.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    cal_global_init();
    solver_global_init();
    if (adapt_global_init() != 0) {
        fprintf(stderr, "careday: error: could not initialise the network library\n");
        solver_global_cleanup();
        return CLI_EXIT_INTERNAL;
    }
    int code = cli_main(argc, argv);
    adapt_global_cleanup();
    solver_global_cleanup();
    return code;
}
