/*
 * The scheduler's status codes in words.
 */
#include "scheduler/scheduler.h"

const char *sched_strerror(int code)
{
    switch (code) {
    case SCHED_OK:
        return "success";
    case SCHED_ENOMEM:
        return "out of memory";
    case SCHED_EINVAL:
        return "the case contradicts itself";
    case SCHED_ESOLVER:
        return "the solver could not run";
    default:
        return "unknown scheduler error";
    }
}
