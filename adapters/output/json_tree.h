/* Private to adapters/output/: building the JSON files careday writes
 * (plan.json, changes.json, the batch report) in straight lines. Every
 * addition remembers a failed allocation in the tree, checked once at the
 * end. */
#ifndef CAREDAY_OUTPUT_JSON_TREE_H
#define CAREDAY_OUTPUT_JSON_TREE_H

#include "calendars/calendars.h"
#include "scheduler/scheduler.h"

#include <jansson.h>
#include <stdbool.h>

struct tree {
    bool failed;
};

/* obj[key] = v (v's reference is taken); v back, or NULL. */
json_t *tree_add(struct tree *t, json_t *obj, const char *key, json_t *v);
/* Append v to arr (v's reference is taken); v back, or NULL. */
json_t *tree_push(struct tree *t, json_t *arr, json_t *v);
/* A finite number, or null (jansson refuses NaN and infinities). */
json_t *tree_number(double d);
/* t as an RFC 3339 string in the time zone of place (the family's when
 * place < 0). */
json_t *tree_local_time(const struct sched_case *c, int place, cal_time t);

#endif
