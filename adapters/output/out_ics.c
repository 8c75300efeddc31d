/*
 * The calendars families and providers receive (DESIGN §5, docs/outputs.md):
 * OUT/family.ics, a METHOD:PUBLISH feed of every appointment plus one
 * all-day note per trip day and one event per night at the lodging, and
 * OUT/providers/<id>.ics with one provider's appointments only.
 *
 * UIDs depend on the case and visit ids only, so a re-plan keeps them;
 * SEQUENCE rises for an appointment whose start, end or mode differ from the
 * previous plan.json (--previous).
 *
 * This file writes the files and the providers' events; family.ics's events
 * are built in out_ics_family.c, UIDs and file names in ics_ids.c, what an
 * event says in ics_details.c, cancelled events in withdrawn.c.
 */
#include "adapters/adapters.h"
#include "adapters/json_file.h"
#include "adapters/output/i18n.h"
#include "adapters/output/out_ics_internal.h"
#include "adapters/output/outputs.h"
#include "adapters/output/withdrawn.h"
#include "calendars/util.h"

#include <jansson.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---------------------------------------------------------------------------
 * Writing a calendar file.
 */

static int write_text(const char *path, const char *text, struct careday_error *err)
{
    return adapt_write_atomic(path, text, strlen(text), err);
}

static int make_dir(const char *path, struct careday_error *err)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return 0;
    return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "cannot create the folder: %s",
                        strerror(errno));
}

int ics_serialize_to(const cal_writer *w, const char *path, struct careday_error *err)
{
    char *text = NULL;
    int rc = cal_writer_serialize(w, &text);
    if (rc)
        return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "cannot write the calendar: %s",
                            cal_strerror(rc));
    rc = write_text(path, text, err);
    free(text);
    return rc;
}

int ics_finish(const cal_writer *w, int built, const char *what, const char *path,
               struct careday_error *err)
{
    if (built)
        return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "cannot build the %s: %s", what,
                            cal_strerror(built));
    return ics_serialize_to(w, path, err);
}

int ics_add_event(cal_writer *w, const struct cal_event_out *ev, struct cal_buf *const *texts,
                  size_t n)
{
    bool oom = false;
    for (size_t i = 0; i < n; i++)
        oom |= texts[i]->oom;
    int rc = oom ? CAL_ENOMEM : cal_writer_add(w, ev);
    for (size_t i = 0; i < n; i++)
        cal_buf_free(texts[i]);
    return rc;
}

/* ---------------------------------------------------------------------------
 * providers/<id>.ics
 */

static int add_provider_event(cal_writer *w, const struct sched_case *c, const struct sched_appt *a,
                              const i18n_catalog *cat, const char *uid_kind, const char *uid_key,
                              int sequence, const struct cal_attendee *organizer,
                              const struct cal_attendee *attendees, size_t nattendees)
{
    const struct sched_visit *v = &c->visits[a->visit];
    const struct sched_provider *p = &c->providers[v->provider];
    const char *link = a->mode == SCHED_TELEHEALTH ? p->mode[SCHED_TELEHEALTH].link : NULL;
    if (link && !*link)
        link = NULL;
    char uid[512], length[32];
    ics_provider_uid(c, v->id, uid_kind, uid_key, uid, sizeof uid);
    i18n_duration(cat, (int)((a->end - a->start) / 60), length, sizeof length);
    static const char *const mode_key[SCHED_NMODES] = {"mode.in_person", "mode.telehealth",
                                                       "mode.home"};
    char label[256];
    out_provider_label(c, label, sizeof label);
    struct i18n_arg args[] = {
        {"case", label},
        {"what", ics_provider_what(c, v)},
        {"visit", v->id},
        {"mode", i18n_get(cat, mode_key[a->mode])},
        {"length", length},
        {"link", link},
        {"address", c->family.home_address},
    };
    const size_t nargs = sizeof args / sizeof args[0];
    struct cal_buf summary = {0}, desc = {0}, location = {0};
    i18n_buf_add_msg(&summary, cat, "provider.summary", args, nargs);
    if (link) {
        i18n_buf_add_msg(&desc, cat, "event.description.video", args, nargs);
        cal_buf_add(&desc, "\n");
    }
    i18n_buf_add_msg(&desc, cat, "provider.description", args, nargs);
    ics_location_text(c, a, link, cat,
                      c->family.home_address ? "provider.location.home_address"
                                             : "provider.location.home",
                      args, nargs, &location);

    struct cal_event_out ev = {
        .status = a->state == SCHED_BOOKED ? CAL_STATUS_CONFIRMED : CAL_STATUS_TENTATIVE,
        .uid = uid,
        .sequence = sequence,
        .start = a->start,
        .end = a->end,
        .summary = summary.s,
        .description = desc.s,
        .location = location.s,
        .url = link,
        .conference = link,
        .alarm_minutes = -1,
        .organizer = organizer,
        .attendees = attendees,
        .nattendees = nattendees,
    };
    struct cal_buf *texts[] = {&summary, &desc, &location};
    return ics_add_event(w, &ev, texts, 3);
}

/* How many of the plan's appointments are with provider pi. */
static size_t provider_appointments(const struct sched_case *c, const struct sched_plan *plan,
                                    size_t pi)
{
    size_t count = 0;
    for (size_t i = 0; i < plan->nappts; i++)
        if ((size_t)c->visits[plan->appts[i].visit].provider == pi)
            count++;
    return count;
}

/* "providers/<id>.ics" under dir, the id made safe for a file name. */
static void provider_path(const char *dir, const struct sched_provider *p, const char *suffix,
                          char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    ics_add_raw(buf, size, &len, dir);
    ics_add_raw(buf, size, &len, "/providers/");
    ics_add_id(buf, size, &len, p->id);
    ics_add_raw(buf, size, &len, suffix);
}

/* The writer of a provider's feed of count events (NULL when out of memory);
 * *calname, its name, is for the caller to free. A file of one event is an
 * appointment, not a calendar: Outlook wants no X-WR-CALNAME then
 * ([MS-OXCICAL] 2.1.3.1.1.17), nor a refresh interval. */
static cal_writer *provider_feed_new(const struct sched_provider *p, size_t count,
                                     const i18n_catalog *cat, cal_time now, char **calname)
{
    struct i18n_arg args[] = {{"provider", sched_provider_name(p)}};
    *calname = count > 1 ? i18n_format(cat, "provider.calendar.name", args, 1) : NULL;
    struct cal_writer_options wo = {
        .method = "PUBLISH",
        .prodid = OUT_PRODID,
        .calname = *calname,
        .refresh_hours = count > 1 ? 1 : 0,
        .dtstamp = now,
    };
    return count == 1 || *calname ? cal_writer_new(&wo) : NULL;
}

static int write_provider(const char *dir, const struct sched_case *c,
                          const struct sched_plan *plan, size_t pi, const i18n_catalog *cat,
                          const int *seq, const struct out_withdrawn *gone, cal_time now,
                          const char *uid_key, struct careday_error *err)
{
    const struct sched_provider *p = &c->providers[pi];
    size_t count =
        provider_appointments(c, plan, pi) + out_withdrawn_provider_count(c, gone, pi, false);
    if (count == 0)
        return 0;

    char path[OUT_PATH_MAX];
    provider_path(dir, p, ".ics", path, sizeof path);
    char *calname = NULL;
    struct cal_attendee organizer = {.name = OUT_ORGANIZER_NAME, .email = OUT_ORGANIZER_EMAIL};
    int rc = 0;
    cal_writer *w = provider_feed_new(p, count, cat, now, &calname);
    if (!w) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < plan->nappts && rc == 0; i++) {
        const struct sched_appt *a = &plan->appts[i];
        const struct sched_visit *v = &c->visits[a->visit];
        if ((size_t)v->provider != pi)
            continue;
        rc = add_provider_event(w, c, a, cat, "feed", uid_key, seq[i], &organizer, NULL, 0);
    }
    if (rc == 0)
        rc = out_withdrawn_add_provider(w, c, gone, pi, false, cat, "feed", uid_key, &organizer,
                                        NULL, 0);
    rc = ics_finish(w, rc, "calendar", path, err);
done:
    cal_writer_free(w);
    free(calname);
    return rc;
}

/* The writer of an iTIP message (method REQUEST or CANCEL) from the case's
 * coordinator (*organizer) to provider p, the one attendee (*attendee);
 * NULL when out of memory. */
static cal_writer *itip_new(const char *method, const struct sched_case *c,
                            const struct sched_provider *p, cal_time now,
                            struct cal_attendee *organizer, struct cal_attendee *attendee)
{
    struct cal_writer_options wo = {.method = method, .prodid = OUT_PRODID, .dtstamp = now};
    *organizer = (struct cal_attendee){.name = c->coordinator_name, .email = c->coordinator_email};
    *attendee = (struct cal_attendee){
        .name = sched_provider_name(p), .email = p->email, .role = "REQ-PARTICIPANT"};
    return cal_writer_new(&wo);
}

/* providers/<id>-invite.ics: the same appointments as iTIP METHOD:REQUEST,
 * organised by the case's coordinator, the provider as the one attendee. */
static int write_provider_invite(const char *dir, const struct sched_case *c,
                                 const struct sched_plan *plan, size_t pi, const i18n_catalog *cat,
                                 const int *seq, cal_time now, const char *uid_key,
                                 struct careday_error *err)
{
    const struct sched_provider *p = &c->providers[pi];
    size_t count = provider_appointments(c, plan, pi);
    if (count == 0)
        return 0;
    char path[OUT_PATH_MAX];
    provider_path(dir, p, "-invite.ics", path, sizeof path);
    struct cal_attendee organizer, attendee;
    cal_writer *w = itip_new("REQUEST", c, p, now, &organizer, &attendee);
    if (!w)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < plan->nappts && rc == 0; i++) {
        const struct sched_appt *a = &plan->appts[i];
        if ((size_t)c->visits[a->visit].provider != pi)
            continue;
        rc = add_provider_event(w, c, a, cat, "invite", uid_key, seq[i], &organizer, &attendee, 1);
    }
    rc = ics_finish(w, rc, "invitation", path, err);
    cal_writer_free(w);
    return rc;
}

/* providers/<id>-cancel.ics: iTIP METHOD:CANCEL for the provider's
 * appointments that the plan no longer has (same UIDs as the invitations). */
static int write_provider_cancel(const char *dir, const struct sched_case *c, size_t pi,
                                 const i18n_catalog *cat, const struct out_withdrawn *gone,
                                 cal_time now, const char *uid_key, struct careday_error *err)
{
    const struct sched_provider *p = &c->providers[pi];
    if (out_withdrawn_provider_count(c, gone, pi, true) == 0)
        return 0;
    char path[OUT_PATH_MAX];
    provider_path(dir, p, "-cancel.ics", path, sizeof path);
    struct cal_attendee organizer, attendee;
    cal_writer *w = itip_new("CANCEL", c, p, now, &organizer, &attendee);
    if (!w)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    int rc = out_withdrawn_add_provider(w, c, gone, pi, true, cat, "invite", uid_key, &organizer,
                                        &attendee, 1);
    rc = ics_finish(w, rc, "cancellation", path, err);
    cal_writer_free(w);
    return rc;
}

int out_check_invite(const struct sched_case *c, struct careday_error *err)
{
    if (!c->coordinator_email)
        return careday_fail(err, ADAPT_EINPUT, NULL, 0, "coordinator.email",
                            "--invite needs the coordinator's e-mail address, who organises the "
                            "requests: add \"coordinator\": {\"name\": ..., \"email\": ...}");
    for (size_t i = 0; i < c->nproviders; i++)
        if (!c->providers[i].email || !*c->providers[i].email) {
            char path[64];
            snprintf(path, sizeof path, "providers[%zu].email", i);
            return careday_fail(err, ADAPT_EINPUT, NULL, 0, path,
                                "--invite needs an e-mail address for provider \"%s\"",
                                c->providers[i].id);
        }
    return 0;
}

/* ---------------------------------------------------------------------------
 * The entry point.
 */

int out_write_calendars(const char *dir, const struct sched_case *c, const struct sched_plan *plan,
                        const struct out_options *o, struct careday_error *err)
{
    struct out_options none = {0};
    if (!o)
        o = &none;
    i18n_catalog *family_cat = NULL, *provider_cat = NULL;
    int *seq = NULL;
    char path[OUT_PATH_MAX];
    struct out_withdrawn gone = {0};

    if (o->invite) {
        int irc = out_check_invite(c, err);
        if (irc)
            return irc;
    }

    const char *lang = o->lang ? o->lang : c->family.language;
    int rc = i18n_open(lang, o->messages_dir, &family_cat, err);
    if (rc)
        goto done;
    /* Provider calendars are read by clinic staff: English. */
    rc = i18n_open("en", o->messages_dir, &provider_cat, err);
    if (rc)
        goto done;
    seq = cal_calloc(plan->nappts ? plan->nappts : 1, sizeof *seq);
    if (!seq) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    rc = out_previous_sequences(o->previous_plan, c, plan, seq, err);
    if (rc == 0)
        rc = out_withdrawn_build(c, plan, o, &gone, err);
    if (rc)
        goto done;
    rc = make_dir(dir, err);
    if (rc)
        goto done;
    rc = ics_write_family(dir, c, plan, family_cat, seq, &gone, o->now, err);
    if (rc)
        goto done;
    if (o->no_provider_files)
        goto done;
    snprintf(path, sizeof path, "%s/providers", dir);
    rc = make_dir(path, err);
    for (size_t pi = 0; pi < c->nproviders && rc == 0; pi++) {
        rc = write_provider(dir, c, plan, pi, provider_cat, seq, &gone, o->now, o->uid_key, err);
        if (rc == 0 && o->invite)
            rc =
                write_provider_invite(dir, c, plan, pi, provider_cat, seq, o->now, o->uid_key, err);
        if (rc == 0 && o->invite)
            rc = write_provider_cancel(dir, c, pi, provider_cat, &gone, o->now, o->uid_key, err);
    }
done:
    free(seq);
    out_withdrawn_free(&gone);
    i18n_free(family_cat);
    i18n_free(provider_cat);
    return rc;
}

/* ---------------------------------------------------------------------------
 * A batch: providers/<id>.ics over every family.
 */

struct batch_event {
    size_t family, appt;
    cal_time start;
};

static int cmp_batch_event(const void *a, const void *b)
{
    const struct batch_event *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return (x->appt > y->appt) - (x->appt < y->appt);
}

/* Every family's appointments with the provider `id`, into one calendar. */
static int write_batch_provider(const char *dir, const struct sched_case *const *cases,
                                struct sched_plan *const *plans, size_t n, const char *id,
                                const i18n_catalog *cat, const struct out_options *o,
                                struct batch_event *ev, struct careday_error *err)
{
    size_t count = 0;
    const struct sched_provider *prov = NULL;
    for (size_t f = 0; f < n; f++) {
        const struct sched_case *c = cases[f];
        if (!plans[f])
            continue;
        for (size_t i = 0; i < plans[f]->nappts; i++) {
            const struct sched_visit *v = &c->visits[plans[f]->appts[i].visit];
            if (strcmp(c->providers[v->provider].id, id) != 0)
                continue;
            prov = &c->providers[v->provider];
            ev[count++] = (struct batch_event){f, i, plans[f]->appts[i].start};
        }
    }
    if (count == 0)
        return 0;
    qsort(ev, count, sizeof *ev, cmp_batch_event);
    char path[OUT_PATH_MAX];
    provider_path(dir, prov, ".ics", path, sizeof path);
    char *calname = NULL;
    struct cal_attendee organizer = {.name = OUT_ORGANIZER_NAME, .email = OUT_ORGANIZER_EMAIL};
    int rc = 0;
    cal_writer *w = provider_feed_new(prov, count, cat, o->now, &calname);
    if (!w) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < count && rc == 0; k++)
        rc = add_provider_event(w, cases[ev[k].family], &plans[ev[k].family]->appts[ev[k].appt],
                                cat, "feed", o->uid_key, 0, &organizer, NULL, 0);
    rc = ics_finish(w, rc, "calendar", path, err);
done:
    cal_writer_free(w);
    free(calname);
    return rc;
}

int out_write_provider_calendars(const char *dir, const struct sched_case *const *cases,
                                 struct sched_plan *const *plans, size_t n,
                                 const struct out_options *o, struct careday_error *err)
{
    struct out_options none = {0};
    if (!o)
        o = &none;
    i18n_catalog *cat = NULL;
    size_t total = 0;
    char path[OUT_PATH_MAX];
    for (size_t f = 0; f < n; f++)
        total += plans[f] ? plans[f]->nappts : 0;
    struct batch_event *ev = cal_malloc((total ? total : 1) * sizeof *ev);
    if (!ev)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    int rc = i18n_open("en", o->messages_dir, &cat, err);
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/providers", dir);
        rc = make_dir(path, err);
    }
    /* Each provider id once, in the order families first name it. */
    for (size_t f = 0; f < n && rc == 0; f++)
        for (size_t p = 0; p < cases[f]->nproviders && rc == 0; p++) {
            const char *id = cases[f]->providers[p].id;
            bool seen = false;
            for (size_t g = 0; g <= f && !seen; g++)
                for (size_t q = 0; q < cases[g]->nproviders && !seen; q++) {
                    if (g == f && q == p)
                        break;
                    seen = strcmp(cases[g]->providers[q].id, id) == 0;
                }
            if (!seen)
                rc = write_batch_provider(dir, cases, plans, n, id, cat, o, ev, err);
        }
    i18n_free(cat);
    free(ev);
    return rc;
}
