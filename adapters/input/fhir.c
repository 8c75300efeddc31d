/*
 * FHIR R4 Schedules and Slots (see fhir_doc.h for the document every reader
 * loads first).
 */
#include "adapters/input/fhir_doc.h"
#include "calendars/util.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Schedules.
 */

static void schedule_free(struct fhir_schedule *s)
{
    for (size_t i = 0; i < s->nactors; i++) {
        free(s->actors[i].reference);
        free(s->actors[i].resolved);
        free(s->actors[i].display);
    }
    free(s->actors);
    free(s->id);
    free(s->full_url);
    memset(s, 0, sizeof *s);
}

void fhir_schedules_free(struct fhir_schedules *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        schedule_free(&s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

bool fhir_schedule_has_actor(const struct fhir_schedule *s, const char *actor)
{
    if (!s || !actor)
        return false;
    for (size_t i = 0; i < s->nactors; i++)
        if (fdoc_ref_match(s->actors[i].reference, actor) ||
            fdoc_ref_match(s->actors[i].resolved, actor))
            return true;
    return false;
}

bool fhir_schedule_is(const struct fhir_schedule *s, const char *ref)
{
    if (!s || !ref)
        return false;
    if (s->full_url && strcmp(s->full_url, ref) == 0)
        return true;
    if (!s->id || !s->id[0])
        return false;
    char own[FHIR_PATH_MAX];
    snprintf(own, sizeof own, "Schedule/%s", s->id);
    return fdoc_ref_match(ref, own);
}

/* Read one Schedule item into *s (zeroed by the caller). */
static int schedule_parse(const struct doc *d, const struct item *it, struct fhir_schedule *s)
{
    char p[FHIR_PATH_MAX], ap[FHIR_PATH_MAX];
    json_t *actors;
    int rc;
    s->active = true;
    s->line = it->line;
    if ((rc = fdoc_get_bool(d, it->line, it->res, it->path, "active", &s->active)))
        return rc;
    if ((rc = fdoc_get_array(d, it->line, it->res, it->path, "actor", &actors)))
        return rc;
    s->id = cal_strdup(it->id ? it->id : "");
    s->full_url = it->full_url ? cal_strdup(it->full_url) : NULL;
    if (!s->id || (it->full_url && !s->full_url))
        goto nomem;
    size_t n = json_array_size(actors);
    if (n) {
        s->actors = cal_calloc(n, sizeof *s->actors);
        if (!s->actors)
            goto nomem;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_array_get(actors, i);
        const char *ref, *display;
        adapt_jp_key_index(ap, sizeof ap, it->path, "actor", i);
        if (!json_is_object(a))
            return fdoc_fail(d, it->line, ap, "expected a Reference object");
        if ((rc = fdoc_get_string(d, it->line, a, ap, "reference", &ref)) ||
            (rc = fdoc_get_string(d, it->line, a, ap, "display", &display)))
            return rc;
        if (!ref) {
            fdoc_note(d, it->line, ap, "ignored: actor without a reference (%s)",
                      display ? display : "no display either");
            continue;
        }
        struct fhir_actor *fa = &s->actors[s->nactors++];
        char resolved[FHIR_PATH_MAX], type[64];
        if (!fdoc_doc_resolve(d, ref, resolved, sizeof resolved))
            snprintf(resolved, sizeof resolved, "%s", ref);
        fdoc_ref_type(resolved, type, sizeof type);
        fa->kind = fdoc_actor_kind(type);
        fa->reference = cal_strdup(ref);
        fa->resolved = cal_strdup(resolved);
        fa->display = display ? cal_strdup(display) : NULL;
        if (!fa->reference || !fa->resolved || (display && !fa->display))
            goto nomem;
    }
    if (s->nactors == 0)
        fdoc_note(d, it->line, adapt_jp_key(p, sizeof p, it->path, "actor"),
                  "Schedule %s names no actor, so no provider can pick its Slots", s->id);
    return 0;
nomem:
    return careday_fail(d->err, CAL_ENOMEM, d->name, it->line, NULL, "out of memory");
}

/* Every Schedule of the document, appended to out (left as is on failure). */
static int doc_schedules(const struct doc *d, struct fhir_schedules *out)
{
    struct fhir_schedules tmp = {0};
    int rc = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->items[i].type, "Schedule") != 0)
            continue;
        if (cal_grow(&tmp.v, &tmp.cap, tmp.n + 1, sizeof *tmp.v)) {
            rc = careday_fail(d->err, CAL_ENOMEM, d->name, 0, NULL, "out of memory");
            goto out;
        }
        memset(&tmp.v[tmp.n], 0, sizeof tmp.v[tmp.n]);
        rc = schedule_parse(d, &d->items[i], &tmp.v[tmp.n]);
        tmp.n++;
        if (rc)
            goto out;
    }
    if (cal_grow(&out->v, &out->cap, out->n + tmp.n, sizeof *out->v)) {
        rc = careday_fail(d->err, CAL_ENOMEM, d->name, 0, NULL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < tmp.n; i++)
        out->v[out->n++] = tmp.v[i];
    free(tmp.v);
    return 0;
out:
    fhir_schedules_free(&tmp);
    return rc;
}

int fhir_read_schedule_actors_buffer(const char *data, size_t len, const char *name,
                                     struct fhir_schedules *out, struct careday_notes *warn,
                                     struct careday_error *err)
{
    struct doc d = {.name = name ? name : "(buffer)", .warn = warn, .err = err};
    size_t before = out->n;
    int rc = fdoc_doc_load(&d, data, len);
    if (!rc)
        rc = doc_schedules(&d, out);
    if (!rc && out->n == before) {
        char types[200];
        fdoc_doc_types(&d, types, sizeof types);
        fdoc_note(&d, 0, NULL, "ignored: no Schedule in this file (it holds %s)", types);
    }
    fdoc_doc_free(&d);
    return rc;
}

int fhir_read_schedule_actors(const char *path, struct fhir_schedules *out,
                              struct careday_notes *warn, struct careday_error *err)
{
    char *data;
    size_t len;
    int rc = fdoc_read_file(path, &data, &len, err);
    if (rc)
        return rc;
    rc = fhir_read_schedule_actors_buffer(data, len, path, out, warn, err);
    free(data);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Slots.
 */

struct slot {
    cal_time start, end;
    bool busy;
    char *summary, *uid, *origin;
    int line;
};

struct slots {
    struct slot *v;
    size_t n, cap;
};

static void slots_free(struct slots *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].summary);
        free(s->v[i].uid);
        free(s->v[i].origin);
    }
    free(s->v);
}

/* Types that a Slot search returns as included context. */
static const char *const slot_context[] = {"Schedule",          "Practitioner", "PractitionerRole",
                                           "HealthcareService", "Location",     "Organization",
                                           "Endpoint",          "Device",       NULL};

struct slot_filter {
    const struct fhir_slot_query *q;
    const struct fhir_schedules *local; /* Schedules of this document */
    size_t unknown_schedule;            /* Slots dropped: Schedule not found for actor */
};

static bool slot_wanted(const struct doc *d, struct slot_filter *f, const char *sched)
{
    const struct fhir_slot_query *q = f->q;
    if (!q)
        return true;
    if (q->schedule && !fdoc_doc_ref_match(d, sched, q->schedule))
        return false;
    if (!q->actor)
        return true;
    const struct fhir_schedules *lists[2] = {f->local, q->schedules};
    bool known = false;
    for (int l = 0; l < 2; l++) {
        if (!lists[l])
            continue;
        for (size_t i = 0; i < lists[l]->n; i++) {
            const struct fhir_schedule *s = &lists[l]->v[i];
            if (!sched || !fhir_schedule_is(s, sched))
                continue;
            known = true;
            if (fhir_schedule_has_actor(s, q->actor))
                return true;
        }
    }
    if (!known)
        f->unknown_schedule++;
    return false;
}

static int slot_read(const struct doc *d, const struct item *it, const struct cal_read_options *opt,
                     struct slot_filter *f, struct slots *out, bool *kept)
{
    static const char *const busy_codes[] = {"busy", "busy-unavailable", "busy-tentative", NULL};
    char p[FHIR_PATH_MAX];
    const char *status, *sched = NULL, *id = it->id ? it->id : "(no id)";
    cal_time start, end;
    int rc;
    *kept = false;
    if ((rc = fdoc_get_string(d, it->line, it->res, it->path, "status", &status)))
        return rc;
    if (!status)
        return fdoc_fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "status"),
                         "missing: expected free, busy, busy-unavailable, busy-tentative or "
                         "entered-in-error");
    bool busy = fdoc_in_list(status, busy_codes);
    if (!busy && strcmp(status, "free") != 0 && strcmp(status, "entered-in-error") != 0)
        return fdoc_fail(
            d, it->line, adapt_jp_key(p, sizeof p, it->path, "status"),
            "expected free, busy, busy-unavailable, busy-tentative or entered-in-error, "
            "not \"%s\"",
            status);
    if ((rc = fdoc_get_reference(d, it->line, it->res, it->path, "schedule", &sched)))
        return rc;
    if (strcmp(status, "entered-in-error") == 0) {
        /* Its times may be as wrong as the rest: not checked. */
        if (!slot_wanted(d, f, sched))
            return 0;
        *kept = true;
        fdoc_note(d, it->line, adapt_jp_key(p, sizeof p, it->path, "status"),
                  "ignored: Slot %s is entered-in-error", id);
        return 0;
    }
    if ((rc = fdoc_get_instant(d, it, "start", "a Slot has a start", &start, NULL)) ||
        (rc = fdoc_get_instant(d, it, "end", "a Slot has an end", &end, NULL)))
        return rc;
    if (end < start)
        return fdoc_fail(d, it->line, adapt_jp_key(p, sizeof p, it->path, "end"),
                         "expected an instant after start (the Slot ends before it starts)");
    if (!slot_wanted(d, f, sched))
        return 0;
    *kept = true;
    if (end == start) {
        fdoc_note(d, it->line, it->path, "ignored: Slot %s is empty (start equals end)", id);
        return 0;
    }
    if (end <= opt->from || start >= opt->to)
        return 0;

    char summary[300], origin[200];
    const char *service = fdoc_concept_text(it->res, "serviceType");
    if (!service)
        service = fdoc_concept_text(it->res, "appointmentType");
    if (service)
        snprintf(summary, sizeof summary, "Slot %s: %s", id, service);
    else
        snprintf(summary, sizeof summary, "Slot %s", id);
    snprintf(origin, sizeof origin, "FHIR Slot %s status=%s", id, status);

    if (cal_grow(&out->v, &out->cap, out->n + 1, sizeof *out->v))
        goto nomem;
    struct slot *s = &out->v[out->n];
    s->start = start > opt->from ? start : opt->from;
    s->end = end < opt->to ? end : opt->to;
    s->busy = busy;
    s->line = it->line;
    s->summary = cal_strdup(summary);
    s->uid = it->id ? cal_strdup(it->id) : NULL;
    s->origin = cal_strdup(origin);
    out->n++;
    if (!s->summary || !s->origin || (it->id && !s->uid))
        goto nomem;
    return 0;
nomem:
    return careday_fail(d->err, CAL_ENOMEM, d->name, it->line, NULL, "out of memory");
}

int fhir_read_slots_buffer(const char *data, size_t len, const char *name,
                           const struct fhir_slot_query *q, const struct cal_read_options *opt,
                           struct cal_import *out, struct careday_notes *warn,
                           struct careday_error *err)
{
    struct doc d = {.name = name ? name : "(buffer)", .warn = warn, .err = err};
    struct fhir_schedules local = {0};
    struct slots found = {0};
    struct slot_filter f = {.q = q, .local = &local};
    size_t nslots = 0, nkept = 0;
    int rc;

    if (!opt || opt->from >= opt->to)
        return careday_fail(err, CAL_EINVAL, d.name, 0, NULL,
                            "the horizon is empty (from must be before to)");
    if ((rc = fdoc_doc_load(&d, data, len)))
        goto out;
    if (q && q->actor && (rc = doc_schedules(&d, &local)))
        goto out;
    for (size_t i = 0; i < d.n; i++) {
        const struct item *it = &d.items[i];
        if (strcmp(it->type, "Slot") == 0) {
            bool kept;
            nslots++;
            if ((rc = slot_read(&d, it, opt, &f, &found, &kept)))
                goto out;
            nkept += kept;
        } else if (strcmp(it->type, "OperationOutcome") == 0) {
            fdoc_note_outcome(&d, it);
        } else if (!fdoc_in_list(it->type, slot_context)) {
            fdoc_note(&d, it->line, it->path, "ignored: %s%s%s carries no Slot", it->type,
                      it->id ? " " : "", it->id ? it->id : "");
        }
    }
    if (nslots == 0) {
        char types[200];
        fdoc_doc_types(&d, types, sizeof types);
        fdoc_note(&d, 0, NULL, "ignored: no Slot in this file (it holds %s)", types);
    } else if (nkept == 0 && q && (q->schedule || q->actor)) {
        fdoc_note(&d, 0, NULL, "none of the %zu Slots matches%s%s%s%s", nslots,
                  q->schedule ? " schedule " : "", q->schedule ? q->schedule : "",
                  q->actor ? " actor " : "", q->actor ? q->actor : "");
    }
    if (q && q->matched)
        *q->matched = nkept;
    if (f.unknown_schedule)
        fdoc_note(&d, 0, NULL,
                  "ignored: %zu Slots whose Schedule is not in this file nor among the known "
                  "Schedules, so its actors are unknown",
                  f.unknown_schedule);
    for (size_t i = 0; i < found.n; i++) {
        const struct slot *s = &found.v[i];
        rc = cal_import_add(out, s->start, s->end, s->busy, s->summary, s->uid, s->origin, s->line);
        if (rc) {
            rc = careday_fail(err, rc, d.name, s->line, NULL, "cannot add the Slot: %s",
                              cal_strerror(rc));
            goto out;
        }
    }
out:
    slots_free(&found);
    fhir_schedules_free(&local);
    fdoc_doc_free(&d);
    return rc;
}

int fhir_read_slots(const char *path, const struct fhir_slot_query *q,
                    const struct cal_read_options *opt, struct cal_import *out,
                    struct careday_notes *warn, struct careday_error *err)
{
    char *data;
    size_t len;
    int rc = fdoc_read_file(path, &data, &len, err);
    if (rc)
        return rc;
    rc = fhir_read_slots_buffer(data, len, path, q, opt, out, warn, err);
    free(data);
    return rc;
}

int fhir_read_slots_file(const char *path, const char *schedule_filter,
                         const struct cal_read_options *opt, struct cal_import *out,
                         struct careday_notes *warn, struct careday_error *err)
{
    struct fhir_slot_query q = {.schedule = schedule_filter};
    return fhir_read_slots(path, &q, opt, out, warn, err);
}
