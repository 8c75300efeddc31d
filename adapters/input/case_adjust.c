/*
 * The coordinator's adjustments and the planning policy of a case
 * (docs/case-format.md): `policy.min_notice_hours`, `visits[].pin`,
 * `visits[].avoid_dates` and `family.avoid_dates`.
 */
#include "adapters/input/case_loader.h"
#include "calendars/util.h"

#include <stdlib.h>
#include <string.h>

/* A list of dates YYYY-MM-DD into a malloc'd array of day numbers. */
static int read_dates(struct loader *l, const json_t *o, const char *parent, int32_t **out,
                      size_t *n, struct careday_error *err)
{
    json_t *arr, *d;
    size_t i;
    char jp[160];
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = case_get_arr(&l->x, o, parent, "avoid_dates", false, &arr, err)) || !arr)
        return rc;
    if (json_array_size(arr) == 0)
        return 0;
    *out = cal_calloc(json_array_size(arr), sizeof **out);
    if (!*out)
        return case_oom(err);
    json_array_foreach(arr, i, d)
    {
        int32_t day;
        adapt_jp_key_index(jp, sizeof jp, parent, "avoid_dates", i);
        if (!json_is_string(d) || cal_parse_date(json_string_value(d), &day) != 0)
            return adapt_bad(&l->x, err, jp, "expected a date YYYY-MM-DD, found %s",
                             json_is_string(d) ? json_string_value(d) : adapt_json_kind(d));
        (*out)[(*n)++] = day;
    }
    return 0;
}

static int read_pin(struct loader *l, const json_t *vo, const char *jp, struct sched_visit *v,
                    struct careday_error *err)
{
    static const char *const known[] = {"date", "mode", "start", NULL};
    const struct sched_case *c = l->c;
    json_t *po;
    const char *mode = NULL;
    char pp[128], q[160];
    int rc;

    if ((rc = case_get_obj(&l->x, vo, jp, "pin", false, &po, err)) || !po)
        return rc;
    adapt_jp_key(pp, sizeof pp, jp, "pin");
    adapt_warn_unknown_keys(&l->x, po, pp, known);
    v->pin_start = -1;
    if ((rc = case_get_date(&l->x, po, pp, "date", true, &v->pin_day, err)) ||
        (rc = case_get_str(&l->x, po, pp, "mode", false, &mode, err)) ||
        (rc = case_get_hhmm(&l->x, po, pp, "start", &v->pin_start, err)))
        return rc;
    if (v->pin_day < c->horizon_start || v->pin_day > c->horizon_end) {
        char a[16], b[16];
        cal_format_date(c->horizon_start, a, sizeof a);
        cal_format_date(c->horizon_end, b, sizeof b);
        return adapt_bad(&l->x, err, adapt_jp_key(q, sizeof q, pp, "date"),
                         "the pinned date is outside the horizon; expected a date from %s to %s", a,
                         b);
    }
    if (mode) {
        adapt_jp_key(q, sizeof q, pp, "mode");
        if (sched_mode_parse(mode, &v->pin_mode) != 0)
            return adapt_bad(&l->x, err, q,
                             "unknown mode \"%s\"; expected \"in_person\", \"telehealth\" or "
                             "\"home\"",
                             mode);
        if (!(v->modes & (1u << v->pin_mode)))
            return adapt_bad(&l->x, err, q, "%s is not in the visit's \"modes\"", mode);
        v->pin_has_mode = true;
    }
    v->pinned = true;
    return 0;
}

static int read_policy(struct loader *l, struct careday_error *err)
{
    static const char *const known[] = {"min_notice_hours", NULL};
    json_t *o;
    int hours = 48, rc;

    if ((rc = case_get_obj(&l->x, l->root, "", "policy", false, &o, err)))
        return rc;
    if (o) {
        adapt_warn_unknown_keys(&l->x, o, "policy", known);
        if ((rc = case_get_int(&l->x, o, "policy", "min_notice_hours", false, 0, 8760,
                               "whole hours from 0 to 8760", &hours, err)))
            return rc;
    }
    l->c->min_notice_minutes = hours * 60;
    return 0;
}

int case_read_adjustments(struct loader *l, struct careday_error *err)
{
    struct sched_case *c = l->c;
    json_t *visits = json_object_get(l->root, "visits");
    json_t *family = json_object_get(l->root, "family");
    char jp[64];
    int rc;

    if ((rc = read_policy(l, err)))
        return rc;
    if (json_is_object(family) &&
        (rc = read_dates(l, family, "family", &c->family.avoid, &c->family.navoid, err)))
        return rc;
    for (size_t i = 0; i < l->ndue && i < json_array_size(visits); i++) {
        const json_t *vo = json_array_get(visits, i);
        struct sched_visit *v = &c->visits[i];
        adapt_jp_index(jp, sizeof jp, "visits", i);
        v->pin_start = -1;
        if ((rc = read_pin(l, vo, jp, v, err)) ||
            (rc = read_dates(l, vo, jp, &v->avoid, &v->navoid, err)))
            return rc;
    }
    return 0;
}
