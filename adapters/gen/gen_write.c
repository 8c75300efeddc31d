/*
 * Writing a generated case: the family's and providers' iCalendar files
 * (through the project's own writer, calendars/ics_write.c) and the case
 * file itself.
 */
#include "adapters/gen/gen_internal.h"
#include "calendars/util.h"

#include <jansson.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---------------------------------------------------------------------------
 * Writing.
 */

void gen_ics_begin(struct gen_ics *g, const struct world *w, const char *calname)
{
    struct cal_writer_options wo = {
        .method = "PUBLISH",
        .prodid = "-//careday//case generator//EN",
        .calname = calname,
        .dtstamp = w->dtstamp,
    };
    g->w = cal_writer_new(&wo);
    g->failed = g->w == NULL;
    g->rc = g->failed ? CAL_ENOMEM : CAL_OK;
}

void gen_ics_event(struct gen_ics *g, const char *uid_prefix, int n, cal_time s, cal_time e,
                   const char *summary)
{
    char uid[160];
    snprintf(uid, sizeof uid, "%s-%04d@cases.careday.invalid", uid_prefix, n);
    struct cal_event_out ev = {
        .uid = uid,
        .start = s,
        .end = e,
        .summary = summary,
        .alarm_minutes = -1,
    };
    if (!g->failed && (g->rc = cal_writer_add(g->w, &ev)) != CAL_OK)
        g->failed = true;
}

int gen_ics_write(const struct out *o, const char *rel, const struct gen_ics *g)
{
    char *text = NULL;
    int rc = g->failed ? g->rc : cal_writer_serialize(g->w, &text);
    if (rc != CAL_OK)
        return careday_fail(o->err, ADAPT_EINTERNAL, rel, 0, NULL, "%s",
                            rc == CAL_ENOMEM ? "out of memory writing the calendar"
                                             : "cannot write the calendar");
    rc = gen_write_text(o, rel, text, strlen(text));
    free(text);
    return rc;
}

void gen_ics_free(struct gen_ics *g)
{
    cal_writer_free(g->w);
    g->w = NULL;
}

int gen_write_text(const struct out *o, const char *rel, const char *text, size_t len)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", o->dir, rel) >= sizeof path)
        return careday_fail(o->err, ADAPT_EINTERNAL, rel, 0, NULL, "path too long");
    return adapt_write_atomic(path, text, len, o->err);
}

int gen_write_json(const struct out *o, const char *rel, json_t *doc)
{
    char *text;
    int rc;
    if (!doc)
        return careday_fail(o->err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(doc);
    if (!text)
        return careday_fail(o->err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    size_t n = strlen(text);
    char *full = cal_malloc(n + 2);
    if (!full) {
        free(text);
        return careday_fail(o->err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    }
    memcpy(full, text, n);
    full[n] = '\n';
    full[n + 1] = '\0';
    rc = gen_write_text(o, rel, full, n + 1);
    free(full);
    free(text);
    return rc;
}

static int write_set_ics(const struct out *o, const struct world *w, const char *rel,
                         const char *calname, const char *uid, const struct cal_interval *iv,
                         size_t n, const char *summary)
{
    struct gen_ics g;
    gen_ics_begin(&g, w, calname);
    for (size_t i = 0; i < n; i++)
        gen_ics_event(&g, uid, (int)i, iv[i].start, iv[i].end, summary);
    int rc = gen_ics_write(o, rel, &g);
    gen_ics_free(&g);
    return rc;
}

int gen_write_provider_calendars(const struct out *o, const struct world *w, const struct gprov *p)
{
    char rel[128], uid[64], cal[160], sum[96];
    int rc = 0;

    if (!p->hours_clinic) {
        snprintf(rel, sizeof rel, "calendars/providers/%s-clinic.ics", p->id);
        snprintf(uid, sizeof uid, "%s-session", p->id);
        snprintf(cal, sizeof cal, "%s - %s sessions", gen_specs[p->spec].clinic, p->name);
        snprintf(sum, sizeof sum, "%s session", gen_specs[p->spec].clinic);
        rc = write_set_ics(o, w, rel, cal, uid, p->sessions.iv, p->sessions.n, sum);
    }
    if (rc == 0) {
        snprintf(rel, sizeof rel, "calendars/providers/%s-booked.ics", p->id);
        snprintf(uid, sizeof uid, "%s-booked", p->id);
        snprintf(cal, sizeof cal, "%s - %s booked", gen_specs[p->spec].clinic, p->name);
        rc = write_set_ics(o, w, rel, cal, uid, p->booked_ev.v, p->booked_ev.n, "Booked");
    }
    if (rc == 0 && p->video) {
        snprintf(rel, sizeof rel, "calendars/providers/%s-video.ics", p->id);
        snprintf(uid, sizeof uid, "%s-video", p->id);
        snprintf(cal, sizeof cal, "%s - %s open video slots", gen_specs[p->spec].clinic, p->name);
        rc = write_set_ics(o, w, rel, cal, uid, p->video_free.iv, p->video_free.n,
                           "Open video visit time");
    }
    if (rc == 0 && p->home) {
        snprintf(rel, sizeof rel, "calendars/providers/%s-home-booked.ics", p->id);
        snprintf(uid, sizeof uid, "%s-home", p->id);
        snprintf(cal, sizeof cal, "%s - %s home visits booked", gen_specs[p->spec].clinic, p->name);
        rc = write_set_ics(o, w, rel, cal, uid, p->home_booked_ev.v, p->home_booked_ev.n,
                           "Home visit (booked)");
    }
    return rc;
}

static json_t *source(const char *fmt, const char *id)
{
    char rel[128];
    snprintf(rel, sizeof rel, fmt, id);
    json_t *o = json_object();
    json_object_set_new(o, "ics", json_string(rel));
    return o;
}

static json_t *hours_entry(const char *days, int from, int to)
{
    char a[8], b[8];
    gen_hhmm_text(from, a, sizeof a);
    gen_hhmm_text(to, b, sizeof b);
    json_t *o = json_object();
    json_object_set_new(o, "days", json_string(days));
    json_object_set_new(o, "from", json_string(a));
    json_object_set_new(o, "to", json_string(b));
    return o;
}

static json_t *provider_json(const struct gprov *p)
{
    json_t *o = json_object(), *ip = json_object(), *arr;

    json_object_set_new(o, "id", json_string(p->id));
    json_object_set_new(o, "name", json_string(p->name));
    json_object_set_new(o, "specialty", json_string(gen_specs[p->spec].name));
    if (p->capacity > 1)
        json_object_set_new(o, "capacity", json_integer(p->capacity));
    json_object_set_new(ip, "place", json_string(gen_places[p->place].id));
    if (p->hours_clinic) {
        arr = json_array();
        json_array_append_new(arr, hours_entry("MO,TU,WE,TH,FR", 7 * 60 + 30, 17 * 60));
        json_object_set_new(ip, "hours", arr);
    } else {
        arr = json_array();
        json_array_append_new(arr, source("calendars/providers/%s-clinic.ics", p->id));
        json_object_set_new(ip, "available", arr);
    }
    arr = json_array();
    json_array_append_new(arr, source("calendars/providers/%s-booked.ics", p->id));
    json_object_set_new(ip, "busy", arr);
    json_object_set_new(o, "in_person", ip);
    if (p->video) {
        json_t *t = json_object();
        char link[96];
        arr = json_array();
        json_array_append_new(arr, source("calendars/providers/%s-video.ics", p->id));
        json_object_set_new(t, "available", arr);
        snprintf(link, sizeof link, "https://video.example.org/%s", p->id);
        json_object_set_new(t, "link", json_string(link));
        json_object_set_new(o, "telehealth", t);
    }
    if (p->home) {
        json_t *h = json_object();
        arr = json_array();
        json_array_append_new(arr, hours_entry(p->home_days, p->home_from, p->home_to));
        json_object_set_new(h, "hours", arr);
        arr = json_array();
        json_array_append_new(arr, source("calendars/providers/%s-home-booked.ics", p->id));
        json_object_set_new(h, "busy", arr);
        json_object_set_new(o, "home", h);
    }
    return o;
}

static json_t *place_json(int p)
{
    const struct gplace *pl = &gen_places[p];
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(pl->id));
    json_object_set_new(o, "name", json_string(pl->name));
    if (pl->lodging)
        json_object_set_new(o, "kind", json_string("lodging"));
    json_object_set_new(o, "address", json_string(pl->address));
    json_object_set_new(o, "lat", json_real(pl->lat));
    json_object_set_new(o, "lon", json_real(pl->lon));
    json_object_set_new(o, "timezone", json_string(gen_zone_names[pl->zone]));
    return o;
}

static json_t *modes_json(unsigned modes)
{
    json_t *a = json_array();
    if (modes & MODE_IN_PERSON)
        json_array_append_new(a, json_string("in_person"));
    if (modes & MODE_TELEHEALTH)
        json_array_append_new(a, json_string("telehealth"));
    if (modes & MODE_HOME)
        json_array_append_new(a, json_string("home"));
    return a;
}

static const char *mode_name(int m)
{
    return m == MODE_TELEHEALTH ? "telehealth" : m == MODE_HOME ? "home" : "in_person";
}

static json_t *visit_json(const struct world *w, const struct family *f, const struct gvisit *v)
{
    json_t *o = json_object(), *win = json_object();
    char a[16], b[16];

    json_object_set_new(o, "id", json_string(v->id));
    json_object_set_new(o, "provider", json_string(w->provs[v->prov].id));
    json_object_set_new(o, "purpose", json_string(v->purpose));
    json_object_set_new(o, "minutes", json_integer(v->minutes));
    gen_date_text(v->earliest, a, sizeof a);
    gen_date_text(v->latest, b, sizeof b);
    json_object_set_new(win, "earliest", json_string(a));
    json_object_set_new(win, "latest", json_string(b));
    json_object_set_new(o, "window", win);
    json_object_set_new(o, "modes", modes_json(v->modes));
    if (v->prefer != MODE_IN_PERSON)
        json_object_set_new(o, "prefer", json_string(mode_name(v->prefer)));
    if (strcmp(v->priority, "routine") != 0)
        json_object_set_new(o, "priority", json_string(v->priority));
    if ((v->modes & MODE_TELEHEALTH) && v->tele_nurse)
        json_object_set_new(o, "telehealth_needs_nurse", json_true());
    if ((v->modes & MODE_HOME) && v->home_nurse)
        json_object_set_new(o, "home_needs_nurse", json_true());
    if (v->before >= 0 && !f->visits[v->before].dropped) {
        json_t *arr = json_array(), *b = json_object();
        json_object_set_new(b, "visit", json_string(f->visits[v->before].id));
        json_object_set_new(b, "min_gap_minutes", json_integer(v->before_min));
        if (v->before_max >= 0)
            json_object_set_new(b, "max_gap_minutes", json_integer(v->before_max));
        json_array_append_new(arr, b);
        json_object_set_new(o, "before", arr);
    }
    return o;
}

/* Long on purpose: writes the case object member after member, in the order of
 * docs/case-format.md. */
json_t *gen_case_json(struct world *w, const struct family *f)
{
    json_t *c = json_object(), *o, *arr;
    char a[16], b[16], name[160];
    bool prov_used[GEN_MAX_PROVS] = {false};
    bool place_used[NPLACES] = {false};
    static const char *const season[12] = {"winter", "winter", "spring", "spring",
                                           "spring", "summer", "summer", "summer",
                                           "fall",   "fall",   "fall",   "winter"};

    for (int i = 0; i < f->nvisits; i++) {
        if (!f->visits[i].dropped)
            prov_used[f->visits[i].prov] = true;
    }
    if (f->has_booking)
        prov_used[f->booking_prov] = true;
    for (int p = 0; p < w->nprovs; p++) {
        if (prov_used[p]) {
            place_used[w->provs[p].place] = true;
            w->provs[p].used = true;
        }
    }
    if (f->overnight)
        place_used[f->lodging] = true;

    json_object_set_new(c, "careday", json_integer(1));
    json_object_set_new(c, "id", json_string(f->id));
    snprintf(name, sizeof name, "%s \xe2\x80\x94 %s follow-ups", f->child,
             season[cal_civil_from_days(w->h0).month - 1]);
    json_object_set_new(c, "name", json_string(name));
    json_object_set_new(c, "timezone", json_string(gen_zone_names[f->zone]));
    o = json_object();
    gen_date_text(w->h0, a, sizeof a);
    gen_date_text(w->h1, b, sizeof b);
    json_object_set_new(o, "start", json_string(a));
    json_object_set_new(o, "end", json_string(b));
    json_object_set_new(c, "horizon", o);

    /* family */
    {
        json_t *fam = json_object(), *home = json_object(), *day = json_object();
        json_t *lim = json_object(), *tele = json_object(), *night = json_object();
        json_object_set_new(fam, "id", json_string(f->id));
        json_object_set_new(fam, "language", json_string(f->language));
        json_object_set_new(home, "lat", json_real(f->lat));
        json_object_set_new(home, "lon", json_real(f->lon));
        json_object_set_new(fam, "home", home);
        arr = json_array();
        json_array_append_new(arr, source("calendars/%s/busy.ics", f->id));
        json_object_set_new(fam, "busy", arr);
        gen_hhmm_text(f->earliest_departure, a, sizeof a);
        gen_hhmm_text(f->latest_return, b, sizeof b);
        json_object_set_new(day, "earliest_departure", json_string(a));
        json_object_set_new(day, "latest_return", json_string(b));
        json_object_set_new(fam, "day", day);
        json_object_set_new(lim, "max_visits_per_day", json_integer(f->max_visits));
        json_object_set_new(lim, "max_clinic_minutes_per_day", json_integer(f->max_clinic));
        json_object_set_new(lim, "min_gap_minutes", json_integer(f->min_gap));
        json_object_set_new(fam, "limits", lim);
        json_object_set_new(tele, "ready", json_true());
        json_object_set_new(fam, "telehealth", tele);
        json_object_set_new(fam, "travel_needs_nurse", json_boolean(f->travel_nurse));
        json_object_set_new(night, "allowed", json_boolean(f->overnight));
        if (f->overnight) {
            json_object_set_new(night, "lodging", json_string(gen_places[f->lodging].id));
            json_object_set_new(night, "max_nights", json_integer(f->max_nights));
        }
        json_object_set_new(fam, "overnight", night);
        json_object_set_new(c, "family", fam);
    }
    o = json_object();
    arr = json_array();
    json_array_append_new(arr, source("calendars/%s/home-nursing.ics", f->id));
    json_object_set_new(o, "shifts", arr);
    json_object_set_new(c, "nursing", o);

    arr = json_array();
    for (int p = 0; p < NPLACES; p++) {
        if (place_used[p])
            json_array_append_new(arr, place_json(p));
    }
    json_object_set_new(c, "places", arr);
    o = json_object();
    json_object_set_new(o, "detour_factor", json_real(TRAVEL_DETOUR));
    json_object_set_new(o, "speed_kmh", json_integer((json_int_t)TRAVEL_SPEED));
    json_object_set_new(o, "park_minutes", json_integer(TRAVEL_PARK));
    json_object_set_new(c, "travel", o);

    arr = json_array();
    for (int p = 0; p < w->nprovs; p++) {
        if (prov_used[p])
            json_array_append_new(arr, provider_json(&w->provs[p]));
    }
    json_object_set_new(c, "providers", arr);

    arr = json_array();
    for (int i = 0; i < f->nvisits; i++) {
        if (!f->visits[i].dropped)
            json_array_append_new(arr, visit_json(w, f, &f->visits[i]));
    }
    json_object_set_new(c, "visits", arr);

    if (f->has_booking) {
        const struct gprov *p = &w->provs[f->booking_prov];
        const cal_tz *tz = w->tz[gen_places[p->place].zone];
        char start[32];
        json_t *bk = json_object();
        cal_format_rfc3339(f->booking_start, cal_tz_offset(tz, f->booking_start), false, start,
                           sizeof start);
        json_object_set_new(bk, "id", json_string("booked-1"));
        json_object_set_new(bk, "provider", json_string(p->id));
        json_object_set_new(bk, "purpose", json_string(f->booking_purpose));
        json_object_set_new(bk, "start", json_string(start));
        json_object_set_new(bk, "minutes", json_integer(f->booking_minutes));
        json_object_set_new(bk, "mode", json_string("in_person"));
        json_object_set_new(bk, "movable", json_false());
        arr = json_array();
        json_array_append_new(arr, bk);
        json_object_set_new(c, "booked", arr);
    }
    return c;
}
