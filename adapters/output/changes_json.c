/*
 * OUT/changes.json (docs/outputs.md): what a re-plan, `careday confirm` or
 * `careday cancel` changed against the previous plan: the appointments moved
 * (from, to, why), cancelled (from, why) and added (to), and how many were
 * kept as they were. "why" is in the family's language (why.<code> in the
 * catalogues; the scheduler gives the code and its data), "why_code" stable.
 */
#include "adapters/adapters.h"
#include "adapters/output/i18n.h"
#include "adapters/output/outputs.h"
#include "adapters/output/reasons.h"

#include "adapters/output/json_tree.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int place_index(const struct sched_case *c, const char *id)
{
    for (size_t i = 0; id && i < c->nplaces; i++)
        if (strcmp(c->places[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* {start, end, mode, provider, place, state} of a previous appointment. */
static json_t *from_json(struct tree *t, const struct sched_case *c,
                         const struct sched_prev_appt *q)
{
    json_t *o = json_object();
    int place = place_index(c, q->place_id);
    if (!o) {
        t->failed = true;
        return NULL;
    }
    tree_add(t, o, "start", tree_local_time(c, place, q->start));
    tree_add(t, o, "end", tree_local_time(c, place, q->end));
    tree_add(t, o, "mode", json_string(sched_mode_name(q->mode)));
    tree_add(t, o, "provider", q->provider_id ? json_string(q->provider_id) : json_null());
    tree_add(t, o, "place", q->place_id ? json_string(q->place_id) : json_null());
    tree_add(t, o, "state", json_string(sched_state_name(q->state)));
    return o;
}

/* The same for an appointment of the new plan. */
static json_t *to_json(struct tree *t, const struct sched_case *c, const struct sched_appt *a)
{
    json_t *o = json_object();
    if (!o) {
        t->failed = true;
        return NULL;
    }
    tree_add(t, o, "start", tree_local_time(c, a->place, a->start));
    tree_add(t, o, "end", tree_local_time(c, a->place, a->end));
    tree_add(t, o, "mode", json_string(sched_mode_name(a->mode)));
    tree_add(t, o, "provider", json_string(c->providers[c->visits[a->visit].provider].id));
    tree_add(t, o, "place", json_string(a->place >= 0 ? c->places[a->place].id : "home"));
    tree_add(t, o, "state", json_string(sched_state_name(a->state)));
    return o;
}

int out_write_changes_json(const char *dir, const struct sched_case *c,
                           const struct sched_plan *plan, const struct sched_changes *ch,
                           const struct out_options *o, struct careday_error *err)
{
    struct tree t = {false};
    i18n_catalog *cat = NULL;
    const char *lang = o && o->lang ? o->lang : c->family.language;
    int rc = i18n_open(lang, o ? o->messages_dir : NULL, &cat, err);
    if (rc)
        return rc;
    json_t *root = json_object(), *moved = json_array(), *cancelled = json_array(),
           *added = json_array();
    char now[40], *text = NULL, path[4200];

    if (!root || !moved || !cancelled || !added) {
        i18n_free(cat);
        json_decref(root);
        json_decref(moved);
        json_decref(cancelled);
        json_decref(added);
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    }
    tree_add(&t, root, "careday", json_integer(1));
    tree_add(&t, root, "case", json_string(c->id ? c->id : ""));
    tree_add(&t, root, "previous",
             o && o->previous_plan ? json_string(o->previous_plan) : json_null());
    cal_format_rfc3339(o ? o->now : 0, 0, true, now, sizeof now);
    tree_add(&t, root, "now", json_string(now));
    tree_add(&t, root, "moved", moved);
    tree_add(&t, root, "cancelled", cancelled);
    tree_add(&t, root, "added", added);
    tree_add(&t, root, "kept", json_integer((json_int_t)ch->kept));
    for (size_t i = 0; i < ch->n; i++) {
        const struct sched_change *e = &ch->v[i];
        const struct sched_prev_appt *q = e->prev >= 0 ? &c->previous[e->prev] : NULL;
        const struct sched_appt *a = e->appt >= 0 ? &plan->appts[e->appt] : NULL;
        json_t *arr = e->kind == SCHED_CHANGE_MOVED       ? moved
                      : e->kind == SCHED_CHANGE_CANCELLED ? cancelled
                                                          : added;
        json_t *x = tree_push(&t, arr, json_object());
        if (!x)
            break;
        tree_add(&t, x, "visit", json_string(q ? q->visit_id : c->visits[a->visit].id));
        if (q)
            tree_add(&t, x, "from", from_json(&t, c, q));
        if (a)
            tree_add(&t, x, "to", to_json(&t, c, a));
        if (e->kind != SCHED_CHANGE_ADDED) {
            struct cal_buf why = {0};
            change_words(&why, cat, c, plan, e, o ? o->cancel_reason : NULL);
            tree_add(&t, x, "why", why.oom || !why.s ? NULL : json_string(why.s));
            tree_add(&t, x, "why_code", json_string(sched_why_name(e->why)));
            cal_buf_free(&why);
        }
    }
    i18n_free(cat);
    if (!t.failed)
        text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    if (snprintf(path, sizeof path, "%s/changes.json", dir) >= (int)sizeof path) {
        free(text);
        return careday_fail(err, ADAPT_EINTERNAL, dir, 0, NULL, "path too long");
    }
    size_t n = strlen(text);
    text[n] = '\n';
    rc = adapt_write_atomic(path, text, n + 1, err);
    free(text);
    return rc;
}
