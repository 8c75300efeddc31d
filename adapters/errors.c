/*
 * careday's one error-code space (calendars/careday_error.h): any layer's
 * code in words, and the command's exit code for it.
 */
#include "adapters/adapters.h"

const char *careday_strerror(int code)
{
    if (code == 0)
        return "success";
    if (code <= CAREDAY_CAL_CODES && code > CAREDAY_ADAPT_CODES)
        return cal_strerror(code);
    if (code <= CAREDAY_SCHED_CODES && code > CAREDAY_SOLVER_CODES)
        return sched_strerror(code);
    if (code <= CAREDAY_SOLVER_CODES && code >= CAREDAY_LAST_CODE)
        return solver_strerror(code);
    switch (code) {
    case ADAPT_EINPUT:
        return "bad input";
    case ADAPT_EFETCH:
        return "a source could not be fetched";
    case ADAPT_EINTERNAL:
        return "internal error";
    default:
        return "unknown error";
    }
}

int adapt_exit_code(int status)
{
    switch (status) {
    case ADAPT_OK:
        return CLI_EXIT_OK;
    case ADAPT_EINPUT:
        return CLI_EXIT_BAD_INPUT;
    case ADAPT_EFETCH:
        return CLI_EXIT_FETCH;
    default:
        return CLI_EXIT_INTERNAL;
    }
}
