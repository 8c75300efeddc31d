/*
 * family.ics and providers/<id>.ics: written from a case and plan built in
 * code, read back with libical, compared with the plan.
 */
#include "adapters/adapters.h"
#include "adapters/output/outputs.h"

#include <jansson.h>
#include <libical/ical.h>

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "family_fixture.h"
#include "tmp_files.h"

/* ---------------------------------------------------------------------------
 * Files.
 */

static void temp_dir(char *buf, size_t size)
{
    assert_int_equal(tmp_dir_make(buf, size, "out-ics"), 0);
}

struct fx {
    struct sched_case c;
    struct sched_plan *plan;
    char dir[256];
    struct out_options o;
};

static void fx_setup(struct fx *x, const char *lang)
{
    build_case(&x->c, lang);
    x->plan = build_plan(&x->c);
    temp_dir(x->dir, sizeof x->dir);
    x->o = (struct out_options){.now = 1796000000, .messages_dir = MESSAGES};
}

static void fx_teardown(struct fx *x)
{
    tmp_dir_remove(x->dir);
    sched_plan_free(x->plan);
    sched_case_free(&x->c);
}

static void write_ok(struct fx *x)
{
    struct careday_error err = {0};
    int rc = out_write_calendars(x->dir, &x->c, x->plan, &x->o, &err);
    if (rc)
        fail_msg("out_write_calendars: %s", err.text);
}

/* ---------------------------------------------------------------------------
 * Reading events back with libical.
 */

struct ev {
    char uid[256];
    char summary[512];
    char location[512];
    char description[1024];
    char url[256];
    char conference[256];
    cal_time start, end;
    bool all_day;
    int32_t start_day, end_day;
    int sequence;
    int nalarms;
    bool transparent;
    cal_time dtstamp;
};

struct evs {
    struct ev v[32];
    size_t n;
    char method[32];
};

static cal_time to_utc(struct icaltimetype t)
{
    return (cal_time)icaltime_as_timet_with_zone(t, icaltimezone_get_utc_timezone());
}

static void copy_prop(icalcomponent *e, icalproperty_kind kind, char *buf, size_t size)
{
    icalproperty *p = icalcomponent_get_first_property(e, kind);
    const char *s = NULL;
    if (p) {
        icalvalue *v = icalproperty_get_value(p);
        s = v ? icalvalue_get_string(v) : NULL;
        if (kind == ICAL_URL_PROPERTY || kind == ICAL_CONFERENCE_PROPERTY)
            s = icalvalue_as_ical_string(v);
    }
    snprintf(buf, size, "%s", s ? s : "");
}

static void parse_events(const char *text, struct evs *out)
{
    memset(out, 0, sizeof *out);
    icalcomponent *cal = icalparser_parse_string(text);
    assert_non_null(cal);
    icalproperty *m = icalcomponent_get_first_property(cal, ICAL_METHOD_PROPERTY);
    if (m)
        snprintf(out->method, sizeof out->method, "%s",
                 icalproperty_method_to_string(icalproperty_get_method(m)));
    for (icalcomponent *e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
         e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        assert_true(out->n < 32);
        struct ev *v = &out->v[out->n++];
        snprintf(v->uid, sizeof v->uid, "%s", icalcomponent_get_uid(e));
        copy_prop(e, ICAL_SUMMARY_PROPERTY, v->summary, sizeof v->summary);
        copy_prop(e, ICAL_LOCATION_PROPERTY, v->location, sizeof v->location);
        copy_prop(e, ICAL_DESCRIPTION_PROPERTY, v->description, sizeof v->description);
        copy_prop(e, ICAL_URL_PROPERTY, v->url, sizeof v->url);
        copy_prop(e, ICAL_CONFERENCE_PROPERTY, v->conference, sizeof v->conference);
        struct icaltimetype s = icalcomponent_get_dtstart(e);
        struct icaltimetype en = icalcomponent_get_dtend(e);
        v->all_day = s.is_date;
        if (s.is_date) {
            v->start_day = cal_days_from_civil(s.year, s.month, s.day);
            v->end_day = cal_days_from_civil(en.year, en.month, en.day);
        } else {
            assert_true(icaltime_is_utc(s));
            assert_true(icaltime_is_utc(en));
            v->start = to_utc(s);
            v->end = to_utc(en);
        }
        v->sequence = icalcomponent_get_sequence(e);
        v->dtstamp = to_utc(icalcomponent_get_dtstamp(e));
        v->nalarms = icalcomponent_count_components(e, ICAL_VALARM_COMPONENT);
        icalproperty *tp = icalcomponent_get_first_property(e, ICAL_TRANSP_PROPERTY);
        v->transparent = tp && icalproperty_get_transp(tp) == ICAL_TRANSP_TRANSPARENT;
    }
    icalcomponent_free(cal);
}

static const struct ev *find_at(const struct evs *e, cal_time start, cal_time end)
{
    for (size_t i = 0; i < e->n; i++)
        if (!e->v[i].all_day && e->v[i].start == start && e->v[i].end == end)
            return &e->v[i];
    return NULL;
}

static const struct ev *find_uid(const struct evs *e, const char *uid)
{
    for (size_t i = 0; i < e->n; i++)
        if (!strcmp(e->v[i].uid, uid))
            return &e->v[i];
    return NULL;
}

static const struct ev *find_all_day(const struct evs *e, int32_t day)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->v[i].all_day && e->v[i].start_day == day)
            return &e->v[i];
    return NULL;
}

static void load_family(struct fx *x, struct evs *out)
{
    char *text = read_back_in(x->dir, "family.ics");
    assert_non_null(text);
    parse_events(text, out);
    free(text);
}

/* ---------------------------------------------------------------------------
 * Tests.
 */

/* Every appointment is one event at the same instants, with its stable UID,
 * one reminder, and the place's address or the video link. */
static void test_family_events_match_plan(void **state)
{
    (void)state;
    struct fx x;
    fx_setup(&x, "en");
    write_ok(&x);
    char *text = read_back_in(x.dir, "family.ics");
    assert_non_null(text);
    assert_non_null(strstr(text, "METHOD:PUBLISH"));
    assert_non_null(strstr(text, "PRODID:-//careday//careday"));
    assert_non_null(strstr(text, "X-WR-CALNAME:Care plan: Ana \xE2\x80\x94 winter follow-ups"));
    assert_non_null(strstr(text, "\nNAME:Care plan: Ana"));
    assert_non_null(strstr(text, "REFRESH-INTERVAL;VALUE=DURATION:PT1H"));
    assert_non_null(strstr(text, "X-PUBLISHED-TTL:PT1H"));
    free(text);

    struct evs e;
    load_family(&x, &e);
    assert_string_equal(e.method, "PUBLISH");
    /* 5 appointments, 2 trip notes, 2 leave-by events, 1 night. */
    assert_int_equal(e.n, 10);
    for (size_t i = 0; i < x.plan->nappts; i++) {
        const struct sched_appt *a = &x.plan->appts[i];
        const struct ev *v = find_at(&e, a->start, a->end);
        assert_non_null(v);
        char uid[256];
        out_visit_uid(&x.c, x.c.visits[a->visit].id, uid, sizeof uid);
        assert_string_equal(v->uid, uid);
        assert_int_equal(v->sequence, 0);
        assert_int_equal(v->nalarms, 1);
        assert_false(v->transparent);
        assert_int_equal(v->dtstamp, x.o.now);
    }
    const struct ev *neuro = find_uid(&e, "neuro-fu.rivera-ana@careday");
    assert_non_null(neuro);
    assert_string_equal(neuro->summary, "Dr. Maya Lee \xE2\x80\x93 Seizure follow-up");
    assert_string_equal(neuro->location,
                        "Children's Specialty Clinic, 101 Manning Dr, Chapel Hill NC");
    assert_string_equal(neuro->url, "");

    const struct ev *video = find_uid(&e, "pulm-video.rivera-ana@careday");
    assert_non_null(video);
    const char *link = "https://video.example.org/pulm?room=7&lang=es";
    assert_string_equal(video->summary, "Video visit: Dr. Rosa Vidal \xE2\x80\x93 Breathing check");
    char want[256];
    snprintf(want, sizeof want, "Video visit: %s", link);
    assert_string_equal(video->location, want);
    assert_string_equal(video->url, link);
    assert_string_equal(video->conference, link);
    assert_memory_equal(video->description, want, strlen(want)); /* the first line */

    const struct ev *home = find_uid(&e, "lab-home.rivera-ana@careday");
    assert_non_null(home);
    assert_string_equal(home->location, "At home");
    assert_non_null(strstr(home->description, "home nurse"));

    /* The trip notes: all-day, transparent, exclusive end. */
    const struct ev *n1 = find_all_day(&e, day_of("2026-12-08"));
    assert_non_null(n1);
    assert_true(n1->transparent);
    assert_int_equal(n1->end_day, n1->start_day + 1);
    assert_int_equal(n1->nalarms, 0);
    assert_string_equal(n1->summary, "Trip to Children's Specialty Clinic: leave by 7:45 AM, at "
                                     "Ronald McDonald House about 4:00 PM");
    assert_non_null(strstr(n1->description, "9:00 AM: Dr. Maya Lee (Seizure follow-up)"));
    assert_non_null(strstr(n1->description, "10:00 AM: Outpatient Lab (Blood count)"));
    const struct ev *n2 = find_all_day(&e, day_of("2026-12-09"));
    assert_non_null(n2);
    assert_string_equal(n2->summary, "Trip to Duke Eye Center: leave Ronald McDonald House by "
                                     "8:50 AM, back home about 1:30 PM");
    assert_null(find_all_day(&e, day_of("2026-12-15")));

    /* The night: from arriving at the lodging to leaving it. */
    const struct ev *night = find_at(&e, x.plan->trips[0].ret, x.plan->trips[1].depart);
    assert_non_null(night);
    assert_string_equal(night->summary, "Night at Ronald McDonald House");
    assert_non_null(strstr(night->location, "101 Old Mason Farm Rd"));
    fx_teardown(&x);
}

/* The first visit of a trip reminds the family to leave; others shortly
 * before. */
static void test_reminders(void **state)
{
    (void)state;
    struct fx x;
    fx_setup(&x, "en");
    write_ok(&x);
    char *text = read_back_in(x.dir, "family.ics");
    icalcomponent *cal = icalparser_parse_string(text);
    free(text);
    int seen = 0;
    for (icalcomponent *e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
         e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        const char *uid = icalcomponent_get_uid(e);
        icalcomponent *al = icalcomponent_get_first_component(e, ICAL_VALARM_COMPONENT);
        if (!al)
            continue;
        icalproperty *tp = icalcomponent_get_first_property(al, ICAL_TRIGGER_PROPERTY);
        struct icaltriggertype tr = icalproperty_get_trigger(tp);
        int before = -icaldurationtype_as_int(tr.duration) / 60;
        icalproperty *dp = icalcomponent_get_first_property(al, ICAL_DESCRIPTION_PROPERTY);
        const char *desc = icalproperty_get_description(dp);
        if (!strcmp(uid, "leave.2026-12-08.rivera-ana@careday")) {
            /* the departure has its own event, reminded 15 minutes before */
            assert_int_equal(before, 15);
            assert_non_null(strstr(desc, "Leave by 7:45 AM"));
            seen++;
        } else if (!strcmp(uid, "neuro-fu.rivera-ana@careday")) {
            assert_int_equal(before, 15);
            seen++;
        } else if (!strcmp(uid, "cbc.rivera-ana@careday")) {
            assert_int_equal(before, 15);
            seen++;
        }
    }
    icalcomponent_free(cal);
    assert_int_equal(seen, 3);
    fx_teardown(&x);
}

static void uids_of(const char *dir, char out[][256], size_t *n)
{
    char *text = read_back_in(dir, "family.ics");
    assert_non_null(text);
    struct evs e;
    parse_events(text, &e);
    free(text);
    *n = e.n;
    for (size_t i = 0; i < e.n; i++)
        snprintf(out[i], 256, "%s", e.v[i].uid);
}

/* Two runs at different times give the same UIDs, and the same files apart
 * from DTSTAMP. */
static void test_uids_stable(void **state)
{
    (void)state;
    struct fx x;
    fx_setup(&x, "en");
    write_ok(&x);
    char dir2[256];
    temp_dir(dir2, sizeof dir2);
    struct out_options o2 = x.o;
    o2.now += 86400 * 3;
    struct careday_error err = {0};
    assert_int_equal(out_write_calendars(dir2, &x.c, x.plan, &o2, &err), 0);

    char a[32][256], b[32][256];
    size_t na, nb;
    uids_of(x.dir, a, &na);
    uids_of(dir2, b, &nb);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_string_equal(a[i], b[i]);
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(a[i], a[k]);
    }
    fx_teardown(&x);
    tmp_dir_remove(dir2);
}

/* An earlier plan.json, as --previous reads it. */
static void write_previous(const struct fx *x, const char *path, int moved_visit,
                           int sequence_visit, int sequence)
{
    json_t *root = json_pack("{s:i, s:s}", "careday", 1, "status", "optimal");
    json_t *arr = json_array();
    for (size_t i = 0; i < x->plan->nappts; i++) {
        const struct sched_appt *a = &x->plan->appts[i];
        cal_time start = a->start, end = a->end;
        if (a->visit == moved_visit) {
            start -= 86400;
            end -= 86400;
        }
        char s[40], e[40];
        cal_format_rfc3339(start, -5 * 3600, false, s, sizeof s);
        cal_format_rfc3339(end, -5 * 3600, false, e, sizeof e);
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "visit", x->c.visits[a->visit].id,
                              "provider", x->c.providers[x->c.visits[a->visit].provider].id, "mode",
                              sched_mode_name(a->mode), "start", s, "end", e);
        if (a->visit == sequence_visit)
            json_object_set_new(o, "sequence", json_integer(sequence));
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "appointments", arr);
    assert_int_equal(json_dump_file(root, path, JSON_INDENT(2)), 0);
    json_decref(root);
}

/* With --previous, only the appointment that moved gets a higher SEQUENCE;
 * an unchanged one keeps the sequence the old plan recorded. */
static void test_previous_raises_only_moved(void **state)
{
    (void)state;
    struct fx x;
    fx_setup(&x, "en");
    char prev[512];
    snprintf(prev, sizeof prev, "%s/old-plan.json", x.dir);
    write_previous(&x, prev, V_EYE, V_NEURO, 2);
    x.o.previous_plan = prev;
    write_ok(&x);

    struct evs e;
    load_family(&x, &e);
    for (size_t i = 0; i < x.plan->nappts; i++) {
        const struct sched_appt *a = &x.plan->appts[i];
        const struct ev *v = find_at(&e, a->start, a->end);
        assert_non_null(v);
        int want = a->visit == V_EYE ? 1 : a->visit == V_NEURO ? 2 : 0;
        assert_int_equal(v->sequence, want);
    }
    /* The provider feed agrees. */
    char *text = read_back_in(x.dir, "providers/ophtho.ics");
    assert_non_null(text);
    struct evs pe;
    parse_events(text, &pe);
    free(text);
    assert_int_equal(pe.n, 1);
    assert_int_equal(pe.v[0].sequence, 1);

    /* A mode change counts as a change too. */
    x.plan->appts[0].mode = SCHED_TELEHEALTH;
    x.plan->appts[0].place = -1;
    x.plan->appts[0].trip = -1;
    write_ok(&x);
    load_family(&x, &e);
    const struct ev *v = find_uid(&e, "neuro-fu.rivera-ana@careday");
    assert_non_null(v);
    assert_int_equal(v->sequence, 3);
    fx_teardown(&x);
}

static void test_previous_bad(void **state)
{
    (void)state;
    struct fx x;
    fx_setup(&x, "en");
    char prev[512];
    snprintf(prev, sizeof prev, "%s/old-plan.json", x.dir);
    FILE *f = fopen(prev, "w");
    fputs("{\"appointments\": [{\"visit\": \"cbc\", \"mode\": \"in_person\", "
          "\"start\": \"yesterday\", \"end\": \"2026-12-08T10:20:00-05:00\"}]}",
          f);
    fclose(f);
    x.o.previous_plan = prev;
    struct careday_error err = {0};
    assert_int_equal(out_write_calendars(x.dir, &x.c, x.plan, &x.o, &err), ADAPT_EINPUT);
    assert_string_equal(err.path, "appointments[0].start");
    assert_non_null(strstr(err.file, "old-plan.json"));
    fx_teardown(&x);
}

static void validate_file(const char *path)
{
    char *text = read_back(path, NULL);
    assert_non_null(text);
    struct careday_error err = {0};
    int rc = cal_ics_validate(text, &err);
    if (rc)
        fail_msg("%s: %s", path, err.text);
    assert_non_null(strstr(text, "\r\n"));
    free(text);
}

/* Every file written passes libical's restriction check. */
static void test_all_files_validate(void **state)
{
    (void)state;
    const char *langs[] = {"en", "es"};
    for (size_t l = 0; l < 2; l++) {
        struct fx x;
        fx_setup(&x, langs[l]);
        write_ok(&x);
        char path[1024];
        snprintf(path, sizeof path, "%s/family.ics", x.dir);
        validate_file(path);
        int files = 0;
        snprintf(path, sizeof path, "%s/providers", x.dir);
        DIR *d = opendir(path);
        assert_non_null(d);
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/providers/%s", x.dir, e->d_name);
            validate_file(path);
            files++;
        }
        closedir(d);
        /* neuro, ophtho, phlebotomy, pulm; gastro has nothing planned. */
        assert_int_equal(files, 4);
        fx_teardown(&x);
    }
}

/* A provider's file holds its own appointments and nothing of any other
 * provider or of the family beyond the case name. */
static void test_provider_files_private(void **state)
{
    (void)state;
    struct fx x;
    fx_setup(&x, "en");
    write_ok(&x);
    for (size_t pi = 0; pi < x.c.nproviders; pi++) {
        const struct sched_provider *p = &x.c.providers[pi];
        char name[256];
        snprintf(name, sizeof name, "providers/%s.ics", p->id);
        char *text = read_back_in(x.dir, name);
        size_t own = 0;
        for (size_t i = 0; i < x.plan->nappts; i++)
            own += (size_t)x.c.visits[x.plan->appts[i].visit].provider == pi;
        if (own == 0) {
            assert_null(text);
            continue;
        }
        assert_non_null(text);
        struct evs e;
        parse_events(text, &e);
        assert_int_equal(e.n, own);
        for (size_t i = 0; i < x.plan->nappts; i++) {
            const struct sched_appt *a = &x.plan->appts[i];
            if ((size_t)x.c.visits[a->visit].provider == pi)
                assert_non_null(find_at(&e, a->start, a->end));
        }
        /* The child as initials and the case id (family.provider_label's
         * default), never by name. */
        assert_non_null(strstr(text, "A. (rivera-ana)"));
        assert_null(strstr(text, "Ana \xE2\x80\x94 winter follow-ups"));
        assert_null(strstr(text, "Ana "));
        for (size_t qi = 0; qi < x.c.nproviders; qi++) {
            if (qi == pi)
                continue;
            const struct sched_provider *q = &x.c.providers[qi];
            assert_null(strstr(text, q->id));
            assert_null(strstr(text, q->name));
            assert_null(strstr(text, q->specialty));
            if (q->mode[SCHED_TELEHEALTH].link)
                assert_null(strstr(text, q->mode[SCHED_TELEHEALTH].link));
        }
        for (size_t vi = 0; vi < x.c.nvisits; vi++)
            if ((size_t)x.c.visits[vi].provider != pi) {
                assert_null(strstr(text, x.c.visits[vi].id));
                assert_null(strstr(text, x.c.visits[vi].purpose));
            }
        int uses_place[NPLACES] = {0};
        for (size_t i = 0; i < x.plan->nappts; i++) {
            const struct sched_appt *a = &x.plan->appts[i];
            if ((size_t)x.c.visits[a->visit].provider == pi && a->place >= 0)
                uses_place[a->place] = 1;
        }
        for (int k = 0; k < NPLACES; k++)
            if (!uses_place[k]) {
                assert_null(strstr(text, x.c.places[k].name));
                assert_null(strstr(text, x.c.places[k].address));
            }
        /* One event: an appointment, not a named calendar. */
        if (own == 1)
            assert_null(strstr(text, "X-WR-CALNAME"));
        else
            assert_non_null(strstr(text, "X-WR-CALNAME"));
        free(text);
    }
    fx_teardown(&x);
}

/* The family's language reaches every summary and note. */
static void test_spanish(void **state)
{
    (void)state;
    struct fx x;
    fx_setup(&x, "es");
    write_ok(&x);
    char *text = read_back_in(x.dir, "family.ics");
    assert_non_null(strstr(text, "X-WR-CALNAME:Plan de cuidados: Ana"));
    free(text);
    struct evs e;
    load_family(&x, &e);
    const struct ev *video = find_uid(&e, "pulm-video.rivera-ana@careday");
    assert_non_null(video);
    assert_string_equal(video->summary,
                        "Videoconsulta: Dr. Rosa Vidal \xE2\x80\x93 Breathing check");
    assert_string_equal(video->location,
                        "Videoconsulta: https://video.example.org/pulm?room=7&lang=es");
    const struct ev *home = find_uid(&e, "lab-home.rivera-ana@careday");
    assert_string_equal(home->summary,
                        "Visita a domicilio: Outpatient Lab \xE2\x80\x93 Home blood draw");
    assert_string_equal(home->location, "En casa");
    const struct ev *n1 = find_all_day(&e, day_of("2026-12-08"));
    assert_string_equal(n1->summary, "Viaje a Children's Specialty Clinic: salir antes de las "
                                     "7:45, en Ronald McDonald House hacia las 16:00");
    const struct ev *n2 = find_all_day(&e, day_of("2026-12-09"));
    assert_string_equal(n2->summary, "Viaje a Duke Eye Center: salir de Ronald McDonald House "
                                     "antes de las 8:50, regreso a casa hacia las 13:30");
    const struct ev *night = find_at(&e, x.plan->trips[0].ret, x.plan->trips[1].depart);
    assert_string_equal(night->summary, "Noche en Ronald McDonald House");

    /* o->lang overrides the case's language; provider files stay English. */
    x.o.lang = "en";
    write_ok(&x);
    load_family(&x, &e);
    video = find_uid(&e, "pulm-video.rivera-ana@careday");
    assert_non_null(strstr(video->summary, "Video visit: "));
    fx_teardown(&x);
}

/* A language without a catalogue reads English; a missing catalogue folder
 * is an error and writes nothing. */
static void test_catalogue(void **state)
{
    (void)state;
    struct fx x;
    fx_setup(&x, "fr");
    write_ok(&x);
    struct evs e;
    load_family(&x, &e);
    assert_non_null(strstr(find_uid(&e, "pulm-video.rivera-ana@careday")->summary, "Video visit"));

    char empty[256];
    temp_dir(empty, sizeof empty);
    char out[512];
    snprintf(out, sizeof out, "%s/out", x.dir);
    x.o.messages_dir = empty;
    struct careday_error err = {0};
    assert_int_equal(out_write_calendars(out, &x.c, x.plan, &x.o, &err), ADAPT_EINPUT);
    assert_non_null(strstr(err.text, "careday.mo"));
    char *text = read_back_in(out, "family.ics");
    assert_null(text);

    /* Through the environment. */
    x.o.messages_dir = NULL;
    setenv("CAREDAY_LOCALEDIR", empty, 1);
    memset(&err, 0, sizeof err);
    assert_int_equal(out_write_calendars(out, &x.c, x.plan, &x.o, &err), ADAPT_EINPUT);
    assert_non_null(strstr(err.text, "CAREDAY_LOCALEDIR"));
    setenv("CAREDAY_LOCALEDIR", MESSAGES, 1);
    assert_int_equal(out_write_calendars(out, &x.c, x.plan, &x.o, &err), 0);
    unsetenv("CAREDAY_LOCALEDIR");
    tmp_dir_remove(empty);
    fx_teardown(&x);
}

/* UIDs and file names keep odd ids apart and inside the folder. */
static void test_odd_ids(void **state)
{
    (void)state;
    struct fx x;
    fx_setup(&x, "en");
    char uid[256];
    out_visit_uid(&x.c, "a.b c/d", uid, sizeof uid);
    assert_string_equal(uid, "a%2Eb%20c%2Fd.rivera-ana@careday");
    free(x.c.providers[PR_NEURO].id);
    x.c.providers[PR_NEURO].id = strdup("../neuro");
    write_ok(&x);
    char *text = read_back_in(x.dir, "providers/%2E%2E%2Fneuro.ics");
    assert_non_null(text);
    free(text);
    fx_teardown(&x);
}

/* Without the coordinator's or a provider's address, --invite is refused
 * with the JSON path to fill in, before any file is written. */
static void test_invite_needs_addresses(void **state)
{
    (void)state;
    struct fx x;
    fx_setup(&x, "en");
    x.o.invite = true;
    struct careday_error err = {0};
    assert_int_equal(out_write_calendars(x.dir, &x.c, x.plan, &x.o, &err), ADAPT_EINPUT);
    assert_string_equal(err.path, "coordinator.email");
    x.c.coordinator_email = sdup("coord@care.example.org");
    memset(&err, 0, sizeof err);
    assert_int_equal(out_write_calendars(x.dir, &x.c, x.plan, &x.o, &err), ADAPT_EINPUT);
    assert_string_equal(err.path, "providers[0].email");
    char *text = read_back_in(x.dir, "family.ics");
    assert_null(text); /* nothing was written */
    fx_teardown(&x);
}

/* With the addresses, each provider with appointments also gets an iTIP
 * REQUEST: organised by the coordinator, that provider the only attendee,
 * accepted by libical's restriction check for REQUEST. */
static void test_invite_written(void **state)
{
    (void)state;
    struct fx x;
    fx_setup(&x, "en");
    x.o.invite = true;
    x.c.coordinator_name = sdup("Rosa Diaz");
    x.c.coordinator_email = sdup("coord@care.example.org");
    for (size_t i = 0; i < x.c.nproviders; i++) {
        char e[64];
        snprintf(e, sizeof e, "p%zu@clinic.example.org", i);
        x.c.providers[i].email = sdup(e);
    }
    write_ok(&x);
    size_t written = 0;
    for (size_t i = 0; i < x.c.nproviders; i++) {
        char name[128], mine[64];
        snprintf(name, sizeof name, "providers/%s-invite.ics", x.c.providers[i].id);
        char *text = read_back_in(x.dir, name);
        if (!text)
            continue;
        written++;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", x.dir, name);
        validate_file(path);
        assert_non_null(strstr(text, "METHOD:REQUEST"));
        assert_non_null(strstr(text, "mailto:coord@care.example.org"));
        snprintf(mine, sizeof mine, "mailto:p%zu@clinic.example.org", i);
        assert_non_null(strstr(text, mine));
        for (size_t j = 0; j < x.c.nproviders; j++) {
            char other[64];
            snprintf(other, sizeof other, "p%zu@clinic.example.org", j);
            if (j != i)
                assert_null(strstr(text, other));
        }
        free(text);
    }
    assert_true(written > 0);
    fx_teardown(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_family_events_match_plan),
        cmocka_unit_test(test_reminders),
        cmocka_unit_test(test_uids_stable),
        cmocka_unit_test(test_previous_raises_only_moved),
        cmocka_unit_test(test_previous_bad),
        cmocka_unit_test(test_all_files_validate),
        cmocka_unit_test(test_provider_files_private),
        cmocka_unit_test(test_spanish),
        cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_odd_ids),
        cmocka_unit_test(test_invite_needs_addresses),
        cmocka_unit_test(test_invite_written),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
