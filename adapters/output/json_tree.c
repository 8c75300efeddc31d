/* Building the JSON files careday writes (json_tree.h). */
#include "adapters/output/json_tree.h"

#include <math.h>

json_t *tree_add(struct tree *t, json_t *obj, const char *key, json_t *v)
{
    if (!v || json_object_set_new(obj, key, v) != 0)
        t->failed = true;
    return v;
}

json_t *tree_push(struct tree *t, json_t *arr, json_t *v)
{
    if (!v || json_array_append_new(arr, v) != 0)
        t->failed = true;
    return v;
}

json_t *tree_number(double d)
{
    return isfinite(d) ? json_real(d) : json_null();
}

json_t *tree_local_time(const struct sched_case *c, int place, cal_time t)
{
    char buf[40];
    cal_format_rfc3339(t, cal_tz_offset(sched_place_tz(c, place), t), false, buf, sizeof buf);
    return json_string(buf);
}
