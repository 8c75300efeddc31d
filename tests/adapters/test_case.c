/*
 * The case loader: a small valid case (written to a temp folder) loads with
 * the right times, indices, defaults and DST-correct hours; every kind of
 * bad input names the file, the JSON path and what was expected.
 */
#include "adapters/adapters.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmp_files.h"

static const char base_case[] =
    "{\n"
    "  \"careday\": 1, \"id\": \"t1\", \"name\": \"Test child\",\n"
    "  \"timezone\": \"America/New_York\",\n"
    "  \"horizon\": {\"start\": \"2026-10-26\", \"end\": \"2026-11-06\"},\n"
    "  \"family\": {\"id\": \"fam\", \"language\": \"es\",\n"
    "    \"home\": {\"lat\": 35.7796, \"lon\": -78.6382, \"address\": \"5 Oak St\"},\n"
    "    \"arrive_early_minutes\": 20, \"provider_label\": \"S.R. (t1)\",\n"
    "    \"busy\": [{\"ics\": \"cal/family.ics\"}],\n"
    "    \"day\": {\"earliest_departure\": \"06:30\"},\n"
    "    \"limits\": {\"max_visits_per_day\": 3},\n"
    "    \"overnight\": {\"allowed\": true, \"lodging\": \"rmh\", \"max_nights\": 2},\n"
    "    \"shoe_size\": 3},\n"
    "  \"places\": [\n"
    "    {\"id\": \"unc\", \"name\": \"Clinic\", \"address\": \"101 Manning Dr\",\n"
    "     \"phone\": \"+1 919 555 0100\", \"directions\": \"Entrance B, desk 4\",\n"
    "     \"lat\": 35.904, \"lon\": -79.05},\n"
    "    {\"id\": \"rmh\", \"kind\": \"lodging\", \"lat\": 35.91, \"lon\": -79.06},\n"
    "    {\"id\": \"chi\", \"lat\": 41.88, \"lon\": -87.62, \"timezone\": "
    "\"America/Chicago\"}],\n"
    "  \"travel\": {\"park_minutes\": 12},\n"
    "  \"providers\": [\n"
    "    {\"id\": \"neuro\", \"name\": \"Dr. Lee\",\n"
    "     \"in_person\": {\"place\": \"unc\",\n"
    "       \"hours\": [{\"days\": \"MO,FR\", \"from\": \"08:00\", \"to\": \"12:00\"}]},\n"
    "     \"telehealth\": {\"link\": \"https://v.example/n\",\n"
    "       \"hours\": [{\"days\": \"WE\", \"from\": \"13:00\", \"to\": \"14:00\"}]}},\n"
    "    {\"id\": \"cardio\", \"capacity\": 2,\n"
    "     \"in_person\": {\"place\": \"chi\",\n"
    "       \"hours\": [{\"days\": \"MO\", \"from\": \"09:00\", \"to\": \"10:00\"}]}},\n"
    "    {\"id\": \"lab\",\n"
    "     \"in_person\": {\"place\": \"unc\", \"busy\": [{\"ics\": \"cal/lab-closed.ics\"}],\n"
    "       \"hours\": [{\"days\": \"MO,TU,WE,TH,FR\", \"from\": \"07:30\", \"to\": "
    "\"17:00\"}]},\n"
    "     \"home\": {\"hours\": [{\"days\": \"SA\", \"from\": \"09:00\", \"to\": \"11:00\"}]}}],\n"
    "  \"visits\": [\n"
    "    {\"id\": \"neuro-fu\", \"provider\": \"neuro\", \"minutes\": 40,\n"
    "     \"modes\": [\"in_person\", \"telehealth\"], \"prefer\": \"telehealth\",\n"
    "     \"priority\": \"soon\", \"prepare\": \"Bring the seizure diary\",\n"
    "     \"window\": {\"earliest\": \"2026-10-27\", \"latest\": \"2026-11-05\"}},\n"
    "    {\"id\": \"cbc\", \"provider\": \"lab\", \"minutes\": 20,\n"
    "     \"modes\": [\"home\", \"in_person\"], \"home_needs_nurse\": true,\n"
    "     \"before\": [{\"visit\": \"neuro-fu\", \"min_gap_minutes\": 1440,\n"
    "                 \"max_gap_minutes\": 10080}]},\n"
    "    {\"id\": \"echo\", \"provider\": \"cardio\", \"minutes\": 60, \"priority\": \"urgent\",\n"
    "     \"same_day_as\": \"cbc\"}],\n"
    "  \"booked\": [\n"
    "    {\"id\": \"ortho\", \"provider\": \"neuro\", \"start\": "
    "\"2026-11-02T10:00:00-05:00\",\n"
    "     \"minutes\": 30},\n"
    "    {\"id\": \"old\", \"provider\": \"neuro\", \"start\": \"2026-01-02T10:00:00-05:00\",\n"
    "     \"minutes\": 30}],\n"
    "  \"weights\": {\"trip\": 700}\n"
    "}\n";

static const char family_ics[] = "BEGIN:VCALENDAR\r\n"
                                 "VERSION:2.0\r\n"
                                 "PRODID:-//careday tests//EN\r\n"
                                 "BEGIN:VEVENT\r\n"
                                 "UID:school@test\r\n"
                                 "DTSTAMP:20261001T000000Z\r\n"
                                 "DTSTART:20261029T140000Z\r\n"
                                 "DTEND:20261029T150000Z\r\n"
                                 "SUMMARY:School meeting\r\n"
                                 "END:VEVENT\r\n"
                                 "END:VCALENDAR\r\n";

/* 12:00-13:00 EDT on Wednesday 2026-10-28. */
static const char lab_closed_ics[] = "BEGIN:VCALENDAR\r\n"
                                     "VERSION:2.0\r\n"
                                     "PRODID:-//careday tests//EN\r\n"
                                     "BEGIN:VEVENT\r\n"
                                     "UID:closed@test\r\n"
                                     "DTSTAMP:20261001T000000Z\r\n"
                                     "DTSTART:20261028T160000Z\r\n"
                                     "DTEND:20261028T170000Z\r\n"
                                     "SUMMARY:Staff meeting\r\n"
                                     "END:VEVENT\r\n"
                                     "END:VCALENDAR\r\n";

struct fixture {
    char dir[64];
    char path[128]; /* dir/case.json */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char p[160];

    if (!f)
        return -1;
    if (tmp_dir_make(f->dir, sizeof f->dir, "case") != 0)
        return -1;
    snprintf(p, sizeof p, "%s/cal", f->dir);
    if (mkdir(p, 0755) != 0)
        return -1;
    snprintf(p, sizeof p, "%s/cal/family.ics", f->dir);
    write_text(p, family_ics);
    snprintf(p, sizeof p, "%s/cal/lab-closed.ics", f->dir);
    write_text(p, lab_closed_ics);
    snprintf(f->path, sizeof f->path, "%s/case.json", f->dir);
    write_text(f->path, base_case);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    int rc = tmp_dir_remove(f->dir);
    free(f);
    return rc;
}

static cal_time at(const char *rfc3339)
{
    cal_time t;
    assert_int_equal(cal_parse_rfc3339(rfc3339, &t), 0);
    return t;
}

static int32_t day(int y, int m, int d)
{
    return cal_days_from_civil(y, m, d);
}

static void assert_interval(const struct cal_set *s, size_t i, const char *from, const char *to)
{
    assert_true(i < s->n);
    assert_int_equal(s->iv[i].start, at(from));
    assert_int_equal(s->iv[i].end, at(to));
}

static bool has_warning(const struct careday_notes *n, const char *path, const char *text)
{
    size_t i;
    for (i = 0; i < n->n; i++) {
        if (strcmp(n->v[i].path, path) == 0 && strstr(n->v[i].text, text))
            return true;
    }
    return false;
}

static void test_valid_case(void **state)
{
    struct fixture *f = *state;
    struct sched_case c;
    struct careday_notes warn = {0};
    struct careday_error err = {0};
    const struct sched_visit *v;
    const struct sched_provider *p;
    struct sched_weights w;
    size_t n;
    int rc;

    memset(&c, 0, sizeof c);
    rc = adapt_case_load(f->path, &c, &warn, &err);
    if (rc)
        fail_msg("load failed: %s: %s: %s", err.file, err.path, err.text);

    assert_string_equal(c.id, "t1");
    assert_string_equal(c.name, "Test child");
    assert_string_equal(c.timezone, "America/New_York");
    assert_int_equal(c.horizon_start, day(2026, 10, 26));
    assert_int_equal(c.horizon_end, day(2026, 11, 6));

    /* Family: given values and defaults. */
    assert_string_equal(c.family.id, "fam");
    assert_string_equal(c.family.language, "es");
    assert_true(c.family.lat == 35.7796 && c.family.lon == -78.6382);
    assert_int_equal(c.family.earliest_departure, 6 * 60 + 30);
    assert_int_equal(c.family.latest_return, 19 * 60);
    assert_int_equal(c.family.max_visits_per_day, 3);
    assert_int_equal(c.family.max_clinic_minutes_per_day, 0);
    assert_int_equal(c.family.min_gap_minutes, 0);
    assert_int_equal(c.family.arrive_early_minutes, 20);
    assert_string_equal(c.family.provider_label, "S.R. (t1)");
    assert_string_equal(c.family.home_address, "5 Oak St");
    assert_true(c.family.telehealth_ready);
    assert_false(c.family.travel_needs_nurse);
    assert_true(c.family.overnight_allowed);
    assert_int_equal(c.family.lodging, 1);
    assert_int_equal(c.family.max_nights, 2);
    /* Family busy from the calendar file. */
    assert_int_equal(c.family.busy.n, 1);
    assert_interval(&c.family.busy, 0, "2026-10-29T14:00:00Z", "2026-10-29T15:00:00Z");
    assert_int_equal(c.nursing.n, 0);

    /* Places. */
    assert_int_equal(c.nplaces, 3);
    assert_string_equal(c.places[0].id, "unc");
    assert_string_equal(c.places[0].name, "Clinic");
    assert_string_equal(c.places[0].address, "101 Manning Dr");
    assert_string_equal(c.places[0].phone, "+1 919 555 0100");
    assert_string_equal(c.places[0].directions, "Entrance B, desk 4");
    assert_null(c.places[1].phone);
    assert_false(c.places[0].lodging);
    assert_null(c.places[0].tz);
    assert_string_equal(c.places[1].name, "rmh");
    assert_true(c.places[1].lodging);
    assert_non_null(c.places[2].tz);
    assert_string_equal(c.places[2].timezone, "America/Chicago");

    /* Travel: (3 + 1)^2, home is index 3; home-unc 39.61 km * 1.3 / 70 * 60 = 44. */
    assert_non_null(c.travel);
    assert_int_equal(c.park_minutes, 12);
    assert_int_equal(c.travel[3 * 4 + 0], 44);
    assert_int_equal(sched_travel(&c, -1, 0), 44);
    assert_int_equal(c.travel[1 * 4 + 1], 0);

    /* Providers. */
    assert_int_equal(c.nproviders, 3);
    p = &c.providers[0];
    assert_string_equal(p->id, "neuro");
    assert_string_equal(p->name, "Dr. Lee");
    assert_int_equal(p->capacity, 1);
    assert_true(p->mode[SCHED_IN_PERSON].offered);
    assert_int_equal(p->mode[SCHED_IN_PERSON].place, 0);
    assert_true(p->mode[SCHED_TELEHEALTH].offered);
    assert_int_equal(p->mode[SCHED_TELEHEALTH].place, -1);
    assert_string_equal(p->mode[SCHED_TELEHEALTH].link, "https://v.example/n");
    assert_false(p->mode[SCHED_HOME].offered);
    /* Mondays and Fridays 08:00-12:00 New York: EDT (-4) before the clocks
     * fall back on Sunday 1 November, EST (-5) after. */
    n = p->mode[SCHED_IN_PERSON].free.n;
    assert_int_equal(n, 4);
    assert_interval(&p->mode[SCHED_IN_PERSON].free, 0, "2026-10-26T08:00:00-04:00",
                    "2026-10-26T12:00:00-04:00");
    assert_interval(&p->mode[SCHED_IN_PERSON].free, 1, "2026-10-30T12:00:00Z",
                    "2026-10-30T16:00:00Z");
    assert_interval(&p->mode[SCHED_IN_PERSON].free, 2, "2026-11-02T13:00:00Z",
                    "2026-11-02T17:00:00Z");
    assert_interval(&p->mode[SCHED_IN_PERSON].free, 3, "2026-11-06T08:00:00-05:00",
                    "2026-11-06T12:00:00-05:00");
    /* Telehealth hours in the zone of the provider's clinic (New York). */
    assert_int_equal(p->mode[SCHED_TELEHEALTH].free.n, 2);
    assert_interval(&p->mode[SCHED_TELEHEALTH].free, 0, "2026-10-28T17:00:00Z",
                    "2026-10-28T18:00:00Z");
    assert_interval(&p->mode[SCHED_TELEHEALTH].free, 1, "2026-11-04T18:00:00Z",
                    "2026-11-04T19:00:00Z");

    /* The Chicago clinic's Monday 09:00-10:00 is CDT (-5), then CST (-6). */
    p = &c.providers[1];
    assert_int_equal(p->capacity, 2);
    assert_int_equal(p->mode[SCHED_IN_PERSON].place, 2);
    assert_int_equal(p->mode[SCHED_IN_PERSON].free.n, 2);
    assert_interval(&p->mode[SCHED_IN_PERSON].free, 0, "2026-10-26T14:00:00Z",
                    "2026-10-26T15:00:00Z");
    assert_interval(&p->mode[SCHED_IN_PERSON].free, 1, "2026-11-02T15:00:00Z",
                    "2026-11-02T16:00:00Z");

    /* The lab: weekday hours minus its busy calendar; Saturday home visits. */
    p = &c.providers[2];
    assert_int_equal(p->mode[SCHED_IN_PERSON].free.n, 10 + 1);
    assert_true(cal_set_covers(&p->mode[SCHED_IN_PERSON].free, at("2026-10-28T07:30:00-04:00"),
                               at("2026-10-28T12:00:00-04:00")));
    assert_false(cal_set_overlaps(&p->mode[SCHED_IN_PERSON].free, at("2026-10-28T16:00:00Z"),
                                  at("2026-10-28T17:00:00Z")));
    assert_true(cal_set_covers(&p->mode[SCHED_IN_PERSON].free, at("2026-10-28T13:00:00-04:00"),
                               at("2026-10-28T17:00:00-04:00")));
    assert_int_equal(p->mode[SCHED_HOME].free.n, 1);
    assert_interval(&p->mode[SCHED_HOME].free, 0, "2026-10-31T13:00:00Z", "2026-10-31T15:00:00Z");

    /* Visits, then the booking inside the horizon; the one in January is
     * dropped with a warning. */
    assert_int_equal(c.nvisits, 4);
    v = &c.visits[0];
    assert_string_equal(v->id, "neuro-fu");
    assert_int_equal(v->provider, 0);
    assert_int_equal(v->minutes, 40);
    assert_string_equal(v->prepare, "Bring the seizure diary");
    assert_null(c.visits[1].prepare);
    assert_int_equal(v->earliest, day(2026, 10, 27));
    assert_int_equal(v->latest, day(2026, 11, 5));
    assert_int_equal(v->modes, (1u << SCHED_IN_PERSON) | (1u << SCHED_TELEHEALTH));
    assert_int_equal(v->nmodes, 2);
    assert_int_equal(v->order[0], SCHED_IN_PERSON);
    assert_int_equal(v->order[1], SCHED_TELEHEALTH);
    assert_int_equal(v->prefer, SCHED_TELEHEALTH);
    assert_int_equal(v->priority_factor, 2);
    assert_int_equal(v->nbefore, 0);
    assert_int_equal(v->same_day_as, -1);
    assert_false(v->booked);

    v = &c.visits[1];
    assert_string_equal(v->id, "cbc");
    assert_int_equal(v->provider, 2);
    assert_int_equal(v->earliest, c.horizon_start);
    assert_int_equal(v->latest, c.horizon_end);
    assert_int_equal(v->order[0], SCHED_HOME);
    assert_int_equal(v->order[1], SCHED_IN_PERSON);
    assert_int_equal(v->prefer, SCHED_HOME); /* first listed */
    assert_int_equal(v->priority_factor, 1);
    assert_true(v->home_needs_nurse);
    assert_false(v->telehealth_needs_nurse);
    assert_int_equal(v->nbefore, 1);
    assert_int_equal(v->before[0].visit, 0);
    assert_int_equal(v->before[0].min_gap_minutes, 1440);
    assert_int_equal(v->before[0].max_gap_minutes, 10080);

    v = &c.visits[2];
    assert_string_equal(v->id, "echo");
    assert_int_equal(v->modes, 1u << SCHED_IN_PERSON); /* no "modes": in person */
    assert_int_equal(v->nmodes, 1);
    assert_int_equal(v->prefer, SCHED_IN_PERSON);
    assert_int_equal(v->priority_factor, 4);
    assert_int_equal(v->same_day_as, 1);

    v = &c.visits[3];
    assert_string_equal(v->id, "ortho");
    assert_true(v->booked);
    assert_false(v->movable);
    assert_int_equal(v->provider, 0);
    assert_int_equal(v->booked_start, at("2026-11-02T15:00:00Z"));
    assert_int_equal(v->booked_mode, SCHED_IN_PERSON);
    assert_int_equal(v->minutes, 30);
    assert_int_equal(v->earliest, day(2026, 11, 2));
    assert_int_equal(v->latest, day(2026, 11, 2));

    /* Weights: the one given, the rest the documented defaults. */
    sched_weights_default(&w);
    assert_true(c.weights.trip == 700);
    assert_true(c.weights.unscheduled == w.unscheduled);
    assert_true(c.weights.travel_minute == w.travel_minute);
    assert_true(c.weights.in_person == w.in_person);
    assert_true(c.weights.overnight == w.overnight);
    assert_true(c.weights.late_minute == w.late_minute);
    assert_true(c.weights.moved == w.moved);

    /* Warnings: the unknown field and the booking outside the horizon. */
    assert_true(has_warning(&warn, "family.shoe_size", "unknown field"));
    assert_true(has_warning(&warn, "booked[1]", "outside the horizon"));
    assert_string_equal(warn.v[0].file, f->path);

    sched_case_free(&c);
    careday_notes_free(&warn);
}

/* ---------------------------------------------------------------------------
 * Variants of the base case.
 */

static json_t *base_doc(void)
{
    json_error_t je;
    json_t *doc = json_loads(base_case, 0, &je);
    if (!doc)
        fail_msg("base case: %s", je.text);
    return doc;
}

static void save_doc(const struct fixture *f, json_t *doc)
{
    assert_int_equal(json_dump_file(doc, f->path, JSON_INDENT(2) | JSON_PRESERVE_ORDER), 0);
    json_decref(doc);
}

/* Walk a dotted path with [i] indices ("visits[0].window") to an object or
 * array inside doc. */
static json_t *at_path(json_t *doc, const char *path)
{
    char buf[256], *tok, *save = NULL;
    json_t *v = doc;

    snprintf(buf, sizeof buf, "%s", path);
    for (tok = strtok_r(buf, ".", &save); tok; tok = strtok_r(NULL, ".", &save)) {
        char *br = strchr(tok, '[');
        if (br) {
            *br = '\0';
            if (*tok)
                v = json_object_get(v, tok);
            while (br) {
                v = json_array_get(v, (size_t)atoi(br + 1));
                br = strchr(br + 1, '[');
            }
        } else {
            v = json_object_get(v, tok);
        }
        if (!v)
            fail_msg("no %s in the base case", path);
    }
    return v;
}

/* Set key of the object at path to the JSON text value (NULL: delete). */
static void set(json_t *doc, const char *path, const char *key, const char *value)
{
    json_t *o = path && *path ? at_path(doc, path) : doc;
    if (!value) {
        json_object_del(o, key);
        return;
    }
    json_error_t je;
    json_t *v = json_loads(value, JSON_DECODE_ANY, &je);
    if (!v)
        fail_msg("bad test value %s: %s", value, je.text);
    json_object_set_new(o, key, v);
}

struct bad_case {
    const char *what;
    const char *path, *key, *value; /* the change */
    const char *want_path;
    const char *want_text;
};

static const struct bad_case bad_cases[] = {
    {"duplicate visit id", "visits[2]", "id", "\"cbc\"", "visits[2].id", "duplicate visit id"},
    {"duplicate booking id", "booked[0]", "id", "\"echo\"", "booked[0].id", "duplicate visit id"},
    {"cyclic before", "visits[0]", "before", "[{\"visit\": \"cbc\"}]", "visits[1].before[0].visit",
     "cycle"},
    {"mode not offered", "visits[2]", "modes", "[\"telehealth\"]", "visits[2].modes[0]",
     "provider \"cardio\" does not offer telehealth"},
    {"no modes, provider has no in_person", "providers[1]", "in_person", NULL, "visits[2].modes",
     "does not offer in_person"},
    {"unknown mode", "visits[0]", "modes", "[\"video\"]", "visits[0].modes[0]",
     "unknown mode \"video\""},
    {"negative minutes", "visits[0]", "minutes", "-5", "visits[0].minutes", "found -5"},
    {"fractional minutes", "visits[0]", "minutes", "12.5", "visits[0].minutes", "whole number"},
    {"minutes as text", "visits[0]", "minutes", "\"40\"", "visits[0].minutes", "found a string"},
    {"latest before earliest", "visits[0]", "window",
     "{\"earliest\": \"2026-11-05\", \"latest\": \"2026-11-01\"}", "visits[0].window.latest",
     "before earliest"},
    {"window outside the horizon", "visits[0]", "window", "{\"latest\": \"2026-12-05\"}",
     "visits[0].window.latest", "outside the horizon"},
    {"impossible date", "visits[0]", "window", "{\"earliest\": \"2026-02-30\"}",
     "visits[0].window.earliest", "expected a date YYYY-MM-DD"},
    {"prefer not listed", "visits[0]", "prefer", "\"home\"", "visits[0].prefer",
     "not in \"modes\""},
    {"unknown priority", "visits[0]", "priority", "\"asap\"", "visits[0].priority",
     "\"routine\", \"soon\" or \"urgent\""},
    {"unknown provider", "visits[1]", "provider", "\"derm\"", "visits[1].provider",
     "unknown provider id \"derm\""},
    {"missing provider", "visits[1]", "provider", NULL, "visits[1].provider",
     "missing required field"},
    {"unknown visit in before", "visits[1].before[0]", "visit", "\"nope\"",
     "visits[1].before[0].visit", "unknown visit id \"nope\""},
    {"max gap below min gap", "visits[1].before[0]", "max_gap_minutes", "60",
     "visits[1].before[0].max_gap_minutes", "less than min_gap_minutes"},
    {"same_day_as itself", "visits[2]", "same_day_as", "\"echo\"", "visits[2].same_day_as",
     "itself"},
    {"unknown place", "providers[0].in_person", "place", "\"duke\"", "providers[0].in_person.place",
     "unknown place id \"duke\""},
    {"duplicate place", "places[1]", "id", "\"unc\"", "places[1].id", "duplicate place id"},
    {"place called home", "places[1]", "id", "\"home\"", "places[1].id", "reserved"},
    {"duplicate provider", "providers[1]", "id", "\"neuro\"", "providers[1].id",
     "duplicate provider id"},
    {"capacity zero", "providers[1]", "capacity", "0", "providers[1].capacity", "from 1 to 100"},
    {"bad latitude", "places[0]", "lat", "95", "places[0].lat", "latitude"},
    {"unknown place zone", "places[2]", "timezone", "\"Mars/Olympus\"", "places[2].timezone",
     "unknown time zone \"Mars/Olympus\""},
    {"unknown case zone", "", "timezone", "\"Eastern\"", "timezone", "unknown time zone"},
    {"bad day codes", "providers[0].in_person.hours[0]", "days", "\"MO,XX\"",
     "providers[0].in_person.hours[0].days", "day codes"},
    {"hours end before start", "providers[0].in_person.hours[0]", "to", "\"07:00\"",
     "providers[0].in_person.hours[0].to", "after \"from\""},
    {"arrive early too long", "family", "arrive_early_minutes", "300",
     "family.arrive_early_minutes", "minutes from 0 to 240"},
    {"prepare not text", "visits[0]", "prepare", "[\"fast\"]", "visits[0].prepare",
     "expected a string"},
    {"bad time of day", "family.day", "earliest_departure", "\"7am\"",
     "family.day.earliest_departure", "HH:MM"},
    {"day ends before it starts", "family.day", "latest_return", "\"06:00\"",
     "family.day.latest_return", "after earliest_departure"},
    {"caldav", "family.busy[0]", "caldav", "{\"url\": \"https://dav.example/\"}", "family.busy[0]",
     "exactly one of"},
    {"two source kinds", "family.busy[0]", "fhir", "\"slots.json\"", "family.busy[0]",
     "exactly one of \"ics\", \"fhir\" or \"caldav\""},
    {"source meaning", "family.busy[0]", "meaning", "\"maybe\"", "family.busy[0].meaning",
     "\"busy\" or \"available\""},
    {"missing calendar file", "family.busy[0]", "ics", "\"cal/nope.ics\"", "family.busy[0].ics",
     "calendar file not found: \"cal/nope.ics\""},
    {"sources not a list", "family", "busy", "{\"ics\": \"cal/family.ics\"}", "family.busy",
     "expected an array"},
    {"overnight without lodging", "family.overnight", "lodging", NULL, "family.overnight.lodging",
     "lodging place"},
    {"booking start", "booked[0]", "start", "\"2026-11-02 10:00\"", "booked[0].start", "RFC 3339"},
    {"booking mode not offered", "booked[0]", "mode", "\"home\"", "booked[0].mode",
     "does not offer home"},
    {"version", "", "careday", "2", "careday", "expected 1"},
    {"horizon backwards", "horizon", "end", "\"2026-10-01\"", "horizon.end", "before it starts"},
    {"horizon too long", "horizon", "end", "\"2028-01-01\"", "horizon.end", "at most 366"},
    {"negative weight", "weights", "trip", "-1", "weights.trip", "a weight from 0"},
    {"detour below 1", "travel", "detour_factor", "0.5", "travel.detour_factor", "from 1 to 10"},
    {"missing travel matrix", "travel", "matrix", "\"minutes.json\"", "travel.matrix",
     "travel matrix file not found"},
    {"visits not a list", "", "visits", "{}", "visits", "expected an array, found an object"},
    {"missing family", "", "family", NULL, "family", "missing required field"},
    {"visit not an object", "", "visits", "[3]", "visits[0]", "expected a visit object"},
};

static void test_bad_variants(void **state)
{
    struct fixture *f = *state;
    size_t i;

    for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *b = &bad_cases[i];
        struct sched_case c;
        struct careday_notes warn = {0};
        struct careday_error err = {0};
        json_t *doc = base_doc();
        int rc;

        set(doc, b->path, b->key, b->value);
        save_doc(f, doc);
        memset(&c, 0, sizeof c);
        rc = adapt_case_load(f->path, &c, &warn, &err);
        if (rc != ADAPT_EINPUT)
            fail_msg("%s: expected ADAPT_EINPUT, got %d (%s: %s)", b->what, rc, err.path, err.text);
        if (strcmp(err.path, b->want_path) != 0)
            fail_msg("%s: path \"%s\", expected \"%s\" (%s)", b->what, err.path, b->want_path,
                     err.text);
        if (!strstr(err.text, b->want_text))
            fail_msg("%s: text \"%s\" lacks \"%s\"", b->what, err.text, b->want_text);
        if (strcmp(err.file, f->path) != 0)
            fail_msg("%s: file \"%s\", expected the case file", b->what, err.file);
        /* Nothing is handed out on failure. */
        assert_null(c.id);
        assert_null(c.visits);
        careday_notes_free(&warn);
    }
}

/* A CalDAV source that cannot work is bad input before any request. */
static void test_caldav_bad(void **state)
{
    struct fixture *f = *state;
    struct sched_case c;
    struct careday_error err = {0};
    json_t *doc = base_doc();

    json_array_set_new(at_path(doc, "family.busy"), 0,
                       json_pack("{s:{s:s}}", "caldav", "user", "ana"));
    save_doc(f, doc);
    assert_int_equal(adapt_case_load(f->path, &c, NULL, &err), ADAPT_EINPUT);
    assert_string_equal(err.path, "family.busy[0].caldav.url");
    assert_non_null(strstr(err.text, "missing required field"));

    doc = base_doc();
    json_array_set_new(at_path(doc, "family.busy"), 0,
                       json_pack("{s:{s:s,s:s,s:s}}", "caldav", "url", "https://dav.invalid/cal/",
                                 "user", "ana", "password_env", "CAREDAY_TEST_UNSET_PW"));
    save_doc(f, doc);
    unsetenv("CAREDAY_TEST_UNSET_PW");
    assert_int_equal(adapt_case_load(f->path, &c, NULL, &err), ADAPT_EINPUT);
    assert_string_equal(err.path, "family.busy[0].caldav.password_env");
    assert_non_null(strstr(err.text, "CAREDAY_TEST_UNSET_PW"));

    doc = base_doc();
    json_array_set_new(at_path(doc, "family.busy"), 0,
                       json_pack("{s:{s:s,s:[s,i]}}", "caldav", "url", "https://dav.invalid/cal/",
                                 "password_cmd", "pass", 3));
    save_doc(f, doc);
    assert_int_equal(adapt_case_load(f->path, &c, NULL, &err), ADAPT_EINPUT);
    assert_string_equal(err.path, "family.busy[0].caldav.password_cmd");
}

static void test_malformed_json(void **state)
{
    struct fixture *f = *state;
    struct sched_case c;
    struct careday_error err = {0};

    write_text(f->path, "{\n  \"careday\": 1,\n  \"name\": \"x\"\n  \"timezone\": \"UTC\"\n}\n");
    assert_int_equal(adapt_case_load(f->path, &c, NULL, &err), ADAPT_EINPUT);
    assert_string_equal(err.file, f->path);
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.text, "malformed JSON at line 4, column"));
}

static void test_missing_case_file(void **state)
{
    struct fixture *f = *state;
    struct sched_case c;
    struct careday_error err = {0};
    char path[160];

    snprintf(path, sizeof path, "%s/nothing.json", f->dir);
    assert_int_equal(adapt_case_load(path, &c, NULL, &err), ADAPT_EINPUT);
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.text, "cannot read the case file"));
}

/* Without "id" the case id is the family's id (case files are often all
 * named case.json, and UIDs must not collide across families), else the
 * file stem; without "name" the name is the file stem. */
static void test_id_from_file_stem(void **state)
{
    struct fixture *f = *state;
    struct sched_case c;
    struct careday_error err = {0};
    json_t *doc = base_doc();
    char path[160];

    json_object_del(doc, "id");
    json_object_del(doc, "name");
    json_object_del(json_object_get(doc, "family"), "arrive_early_minutes");
    json_object_del(json_object_get(doc, "family"), "provider_label");
    snprintf(path, sizeof path, "%s/rivera.winter.json", f->dir);
    assert_int_equal(json_dump_file(doc, path, 0), 0);
    assert_int_equal(adapt_case_load(path, &c, NULL, &err), 0);
    assert_string_equal(c.id, "fam");
    assert_string_equal(c.name, "rivera.winter");
    assert_int_equal(c.family.arrive_early_minutes, 15); /* the default */
    assert_null(c.family.provider_label);
    sched_case_free(&c);

    json_object_del(json_object_get(doc, "family"), "id");
    assert_int_equal(json_dump_file(doc, path, 0), 0);
    json_decref(doc);
    assert_int_equal(adapt_case_load(path, &c, NULL, &err), 0);
    assert_string_equal(c.id, "rivera.winter");
    sched_case_free(&c);
}

/* A family source that lists free time makes the rest of the horizon busy. */
static void test_family_available_source(void **state)
{
    struct fixture *f = *state;
    struct sched_case c;
    struct careday_error err = {0};
    json_t *doc = base_doc();

    set(doc, "family.busy[0]", "meaning", "\"available\"");
    save_doc(f, doc);
    assert_int_equal(adapt_case_load(f->path, &c, NULL, &err), 0);
    assert_int_equal(c.family.busy.n, 2);
    assert_interval(&c.family.busy, 0, "2026-10-26T00:00:00-04:00", "2026-10-29T14:00:00Z");
    assert_interval(&c.family.busy, 1, "2026-10-29T15:00:00Z", "2026-11-07T00:00:00-05:00");
    sched_case_free(&c);
}

/* Per-source reports for `careday check`. */
struct seen {
    int calls;
    char paths[8][96];
    size_t nbusy[8], navail[8];
};

static void on_source(void *ud, const struct adapt_source_report *r)
{
    struct seen *s = ud;
    if (s->calls < 8) {
        snprintf(s->paths[s->calls], sizeof s->paths[0], "%s %s", r->kind, r->json_path);
        s->nbusy[s->calls] = r->nbusy;
        s->navail[s->calls] = r->navailable;
    }
    s->calls++;
}

static void test_source_reports(void **state)
{
    struct fixture *f = *state;
    struct sched_case c;
    struct careday_error err = {0};
    struct seen s = {0};
    struct adapt_load_options o = {.on_source = on_source, .ud = &s};

    assert_int_equal(adapt_case_load_with(f->path, &o, &c, NULL, &err), 0);
    assert_int_equal(s.calls, 7);
    assert_string_equal(s.paths[0], "ics family.busy[0]");
    assert_int_equal(s.nbusy[0], 1);
    assert_int_equal(s.navail[0], 0);
    assert_string_equal(s.paths[1], "hours providers[0].in_person.hours");
    assert_int_equal(s.navail[1], 4);
    assert_string_equal(s.paths[2], "hours providers[0].telehealth.hours");
    assert_string_equal(s.paths[3], "hours providers[1].in_person.hours");
    assert_string_equal(s.paths[4], "ics providers[2].in_person.busy[0]");
    assert_int_equal(s.nbusy[4], 1);
    assert_string_equal(s.paths[5], "hours providers[2].in_person.hours");
    assert_int_equal(s.navail[5], 10);
    assert_string_equal(s.paths[6], "hours providers[2].home.hours");
    sched_case_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_variants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_caldav_bad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_case_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_from_file_stem, setup, teardown),
        cmocka_unit_test_setup_teardown(test_family_available_source, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_reports, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
