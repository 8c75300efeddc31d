/*
 * Process-wide set-up and tear-down, in one place: everything a library
 * keeps for the whole process is made ready here, once, by the command.
 *
 * Allocation: every folder allocates through the one wrapper of
 * calendars/util.h (cal_malloc and friends; the solver through the
 * functions handed to it here), and so do the libraries that let a program
 * choose their allocator: jansson, libcurl and libxml2. What the wrapper
 * returns is plain malloc memory, so free() releases it either way. libical
 * 3.0 and GLPK have no such hook: their allocations are not counted and
 * cannot be made to fail (docs/security.md, "Out of memory").
 */
#include "adapters/adapters.h"
#include "calendars/util.h"
#include "solver/solver.h"

#include <curl/curl.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xmlmemory.h>
#include <stdlib.h>

/* libxml2 prints some errors (out of memory) on stderr whatever the parse
 * options say: careday reports them itself, in one line. */
static void xml_quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int adapt_global_init(void)
{
    /* Before any other call into these libraries, as each requires. */
    json_set_alloc_funcs(cal_malloc, free);
    xmlMemSetup(free, cal_malloc, cal_realloc, cal_strdup);
    xmlSetGenericErrorFunc(NULL, xml_quiet);
    struct solver_allocator sa = {cal_malloc, cal_calloc, cal_realloc};
    solver_set_allocator(&sa);
    if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, cal_malloc, free, cal_realloc, cal_strdup,
                             cal_calloc) != CURLE_OK)
        return ADAPT_EINTERNAL;
    cal_global_init();
    solver_global_init();
    return ADAPT_OK;
}

void adapt_global_cleanup(void)
{
    solver_global_cleanup();
    curl_global_cleanup();
    xmlCleanupParser();
}
