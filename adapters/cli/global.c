/*
 * Process-wide set-up and tear-down, in one place: everything a library
 * keeps for the whole process is made ready here, once, by the command.
 */
#include "adapters/adapters.h"
#include "solver/solver.h"

#include <curl/curl.h>

int adapt_global_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return ADAPT_EINTERNAL;
    cal_global_init();
    solver_global_init();
    return ADAPT_OK;
}

void adapt_global_cleanup(void)
{
    solver_global_cleanup();
    curl_global_cleanup();
}
