/*
 * A plan that lives through several re-plans, as a coordinator runs them
 * (`careday plan CASE --previous OLD/plan.json`), read back through libical:
 * - a visit dropped from the case is cancelled at the first re-plan, and
 *   its trip day (planned for that visit alone) goes with it: the trip note
 *   and "Leave for" event become STATUS:CANCELLED with a raised SEQUENCE;
 * - plan.json records them ("cancelled"), so the second re-plan still
 *   writes them, same UID and SEQUENCE, in family.ics and the clinic's feed
 *   (the iTIP CANCEL is sent once, at the first re-plan);
 * - once now is past their date they drop, from family.ics and plan.json;
 * - `careday cancel` then a re-plan that places the visit again gives it a
 *   SEQUENCE above the cancelled event's, so phones take the new one;
 * - changes.json says why in the family's language (the scheduler gives a
 *   code, the catalogues the words), English and Spanish.
 */
#include "adapters/adapters.h"
#include "adapters/output/outputs.h"

#include <jansson.h>
#include <libical/ical.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmp_files.h"
#include "ics_back.h"

#define PATH_SIZE 4096

static char tmp[PATH_SIZE];

static icalcomponent *parse_ics(const char *dir, const char *name)
{
    char path[PATH_SIZE];
    snprintf(path, sizeof path, "%.3000s/%.500s", dir, name);
    return ics_back(path);
}

static size_t count_cancelled(icalcomponent *cal)
{
    size_t n = 0;
    for (icalcomponent *e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
         e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
        n += icalcomponent_get_status(e) == ICAL_STATUS_CANCELLED;
    return n;
}

/* The event uid of family.ics (or a provider file) is cancelled with this
 * SEQUENCE. */
static void assert_cancelled(icalcomponent *cal, const char *uid, int sequence)
{
    icalcomponent *e = event_by_uid(cal, uid);
    if (!e)
        fail_msg("no event %s", uid);
    if (icalcomponent_get_status(e) != ICAL_STATUS_CANCELLED)
        fail_msg("%s is %s, expected CANCELLED", uid,
                 icalproperty_status_to_string(icalcomponent_get_status(e)));
    if (icalcomponent_get_sequence(e) != sequence)
        fail_msg("%s has SEQUENCE %d, expected %d", uid, icalcomponent_get_sequence(e), sequence);
}

static void out_path(const char *name, char *buf)
{
    snprintf(buf, PATH_SIZE, "%.3000s/%.500s", tmp, name);
}

/* careday plan CASE -o tmp/OUT [--previous tmp/PREV/plan.json] --now NOW --invite */
static void plan(const char *case_path, const char *out, const char *prev, const char *now)
{
    char o[PATH_SIZE], p[PATH_SIZE], nw[64], cs[PATH_SIZE];
    out_path(out, o);
    snprintf(cs, sizeof cs, "%s", case_path);
    snprintf(nw, sizeof nw, "%s", now);
    if (prev) {
        char pd[PATH_SIZE];
        out_path(prev, pd);
        snprintf(p, sizeof p, "%.4000s/plan.json", pd);
    }
    char *argv[] = {"careday", "plan",     cs,   "-o",         o, "--now",
                    nw,        "--invite", "-q", "--previous", p, NULL};
    int argc = prev ? 11 : 9;
    if (!prev)
        argv[9] = NULL;
    int rc = cli_main(argc, argv);
    if (rc != 0)
        fail_msg("careday plan -o %s exited %d", out, rc);
}

static json_t *load_plan(const char *out)
{
    char path[PATH_SIZE], dir[PATH_SIZE];
    out_path(out, dir);
    snprintf(path, sizeof path, "%.4000s/plan.json", dir);
    json_t *p = json_load_file(path, 0, NULL);
    assert_non_null(p);
    return p;
}

/* The "cancelled" entry of plan.json with this uid, or NULL. */
static json_t *recorded(const json_t *plan, const char *uid)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(plan, "cancelled"), i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "uid")), uid) == 0)
            return e;
    }
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    return tmp_dir_make(tmp, sizeof tmp, "living");
}

static int teardown(void **state)
{
    (void)state;
    return tmp_dir_remove(tmp);
}

/* The visit-dropped scenario's case with and without its eeg visit (alone
 * on its trip day, 16 December). */
static void write_cases(char *full, char *without)
{
    snprintf(full, PATH_SIZE, "%s/tests/data/replan/visit-dropped/case.json", CAREDAY_SOURCE_DIR);
    out_path("no-eeg.json", without);
    json_t *c = json_load_file(full, 0, NULL);
    assert_non_null(c);
    json_t *visits = json_object_get(c, "visits");
    for (size_t i = 0; i < json_array_size(visits); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(visits, i), "id")), "eeg") == 0)
            json_array_remove(visits, i--);
    assert_int_equal(json_dump_file(c, without, JSON_INDENT(1)), 0);
    json_decref(c);
}

static void test_cancellations_live_until_they_pass(void **state)
{
    (void)state;
    char full[PATH_SIZE], without[PATH_SIZE], dir[PATH_SIZE];
    write_cases(full, without);

    plan(full, "a", NULL, "2026-12-01T14:00:00Z");
    json_t *a = load_plan("a");
    bool alone = false;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(a, "trips"), i, t)
    {
        json_t *v = json_object_get(t, "visits");
        alone |= json_array_size(v) == 1 &&
                 strcmp(json_string_value(json_array_get(v, 0)), "eeg") == 0 &&
                 strcmp(json_string_value(json_object_get(t, "date")), "2026-12-16") == 0;
        assert_int_equal(json_integer_value(json_object_get(t, "sequence")), 0);
    }
    assert_true(alone); /* the premise: eeg has its own trip day */
    assert_int_equal(json_array_size(json_object_get(a, "cancelled")), 0);
    json_decref(a);

    const char *uids[] = {"eeg.replan@careday", "trip.2026-12-16.replan@careday",
                          "leave.2026-12-16.replan@careday"};

    /* First re-plan: eeg is gone from the case, and so is its trip day. */
    plan(without, "b", "a", "2026-12-01T14:00:00Z");
    out_path("b", dir);
    icalcomponent *fam = parse_ics(dir, "family.ics");
    assert_non_null(fam);
    for (size_t k = 0; k < 3; k++)
        assert_cancelled(fam, uids[k], 1);
    assert_int_equal(count_cancelled(fam), 3);
    /* The trip of 8 December stays live, its SEQUENCE unchanged. */
    icalcomponent *live = event_by_uid(fam, "trip.2026-12-08.replan@careday");
    assert_non_null(live);
    assert_int_equal(icalcomponent_get_status(live), ICAL_STATUS_TENTATIVE);
    assert_int_equal(icalcomponent_get_sequence(live), 0);
    icalcomponent_free(fam);
    icalcomponent *itip = parse_ics(dir, "providers/eeg-cancel.ics");
    assert_non_null(itip);
    assert_int_equal(icalcomponent_get_method(itip), ICAL_METHOD_CANCEL);
    icalcomponent_free(itip);
    json_t *b = load_plan("b");
    for (size_t k = 0; k < 3; k++) {
        json_t *e = recorded(b, uids[k]);
        if (!e)
            fail_msg("plan.json of the first re-plan does not record %s", uids[k]);
        assert_int_equal(json_integer_value(json_object_get(e, "sequence")), 1);
    }
    json_t *e = recorded(b, uids[0]);
    assert_string_equal(json_string_value(json_object_get(e, "kind")), "visit");
    assert_string_equal(json_string_value(json_object_get(e, "visit")), "eeg");
    assert_string_equal(json_string_value(json_object_get(e, "provider")), "eeg");
    assert_string_equal(json_string_value(json_object_get(recorded(b, uids[1]), "date")),
                        "2026-12-16");
    json_decref(b);

    /* Second re-plan, a day later: nothing new changed, the cancelled
     * events are still written, same UID and SEQUENCE; no second CANCEL. */
    plan(without, "c", "b", "2026-12-02T14:00:00Z");
    out_path("c", dir);
    fam = parse_ics(dir, "family.ics");
    assert_non_null(fam);
    for (size_t k = 0; k < 3; k++)
        assert_cancelled(fam, uids[k], 1);
    assert_int_equal(count_cancelled(fam), 3);
    icalcomponent_free(fam);
    icalcomponent *prov = parse_ics(dir, "providers/eeg.ics");
    assert_non_null(prov);
    assert_int_equal(count_cancelled(prov), 1);
    icalcomponent_free(prov);
    char cancel_path[PATH_SIZE];
    snprintf(cancel_path, sizeof cancel_path, "%.4000s/providers/eeg-cancel.ics", dir);
    assert_int_not_equal(access(cancel_path, F_OK), 0);
    json_t *cj = load_plan("c");
    assert_int_equal(json_array_size(json_object_get(cj, "cancelled")), 3);
    json_decref(cj);

    /* Once their date has passed they drop. */
    plan(without, "d", "c", "2026-12-17T14:00:00Z");
    out_path("d", dir);
    fam = parse_ics(dir, "family.ics");
    assert_non_null(fam);
    assert_int_equal(count_cancelled(fam), 0);
    for (size_t k = 0; k < 3; k++)
        assert_null(event_by_uid(fam, uids[k]));
    icalcomponent_free(fam);
    json_t *d = load_plan("d");
    assert_int_equal(json_array_size(json_object_get(d, "cancelled")), 0);
    json_decref(d);
}

static void test_placed_again_after_cancel(void **state)
{
    (void)state;
    char full[PATH_SIZE], without[PATH_SIZE], dir[PATH_SIZE];
    write_cases(full, without);
    plan(full, "e", NULL, "2026-12-01T14:00:00Z");
    /* Cancelled by the coordinator, then re-planned: eeg is placed again. */
    out_path("e", dir);
    char *cancel[] = {"careday", "cancel", dir, "eeg", "-q", NULL};
    assert_int_equal(cli_main(5, cancel), 0);
    json_t *e = load_plan("e");
    assert_non_null(recorded(e, "eeg.replan@careday"));
    assert_non_null(recorded(e, "trip.2026-12-16.replan@careday"));
    json_decref(e);
    plan(full, "f", "e", "2026-12-01T14:00:00Z");
    out_path("f", dir);
    icalcomponent *fam = parse_ics(dir, "family.ics");
    assert_non_null(fam);
    assert_int_equal(count_cancelled(fam), 0);
    icalcomponent *ev = event_by_uid(fam, "eeg.replan@careday");
    assert_non_null(ev);
    assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_TENTATIVE);
    assert_int_equal(icalcomponent_get_sequence(ev), 2);
    /* Its trip day is back too, above the cancelled note. */
    icalcomponent *trip = event_by_uid(fam, "trip.2026-12-16.replan@careday");
    assert_non_null(trip);
    assert_int_equal(icalcomponent_get_status(trip), ICAL_STATUS_TENTATIVE);
    assert_int_equal(icalcomponent_get_sequence(trip), 2);
    icalcomponent_free(fam);
    json_t *f = load_plan("f");
    assert_int_equal(json_array_size(json_object_get(f, "cancelled")), 0);
    json_decref(f);
}

/* A previous plan whose "cancelled" is not as careday writes it is bad
 * input naming the entry. */
static void test_bad_cancelled_entry(void **state)
{
    (void)state;
    char full[PATH_SIZE], without[PATH_SIZE], dir[PATH_SIZE], path[PATH_SIZE];
    write_cases(full, without);
    plan(full, "g", NULL, "2026-12-01T14:00:00Z");
    json_t *g = load_plan("g");
    json_t *bad = json_pack("{s:s, s:s, s:s, s:i}", "kind", "visit", "start", "yesterday", "end",
                            "2026-12-16T09:15:00-05:00", "sequence", 1);
    json_array_append_new(json_object_get(g, "cancelled"), bad);
    out_path("g", dir);
    snprintf(path, sizeof path, "%.4000s/plan.json", dir);
    assert_int_equal(json_dump_file(g, path, JSON_INDENT(1)), 0);
    json_decref(g);
    char o[PATH_SIZE];
    out_path("h", o);
    char *argv[] = {"careday", "plan", full, "-o", o, "--previous", path, "-q", NULL};
    assert_int_equal(cli_main(8, argv), 2);
    assert_int_not_equal(access(o, F_OK), 0);
}

/* careday plan CASE -o tmp/OUT --previous PREV --now NOW --lang LANG -q;
 * changes.json's entry for visit (in moved or cancelled). */
static json_t *why_of(const char *case_path, const char *prev, const char *out, const char *lang,
                      const char *visit)
{
    char o[PATH_SIZE], cs[PATH_SIZE], pv[PATH_SIZE], lg[8], path[PATH_SIZE];
    out_path(out, o);
    snprintf(cs, sizeof cs, "%s", case_path);
    snprintf(pv, sizeof pv, "%s", prev);
    snprintf(lg, sizeof lg, "%s", lang);
    char *argv[] = {"careday", "plan",   cs, "-o", o,       "--previous",
                    pv,        "--lang", lg, "-q", "--now", "2026-12-01T14:00:00Z",
                    NULL};
    int rc = cli_main(12, argv);
    if (rc != 0 && rc != 3)
        fail_msg("careday plan -o %s exited %d", out, rc);
    snprintf(path, sizeof path, "%.4000s/changes.json", o);
    json_t *ch = json_load_file(path, 0, NULL);
    assert_non_null(ch);
    const char *keys[] = {"moved", "cancelled"};
    json_t *found = NULL;
    for (int k = 0; k < 2 && !found; k++) {
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(ch, keys[k]), i, e)
        {
            if (!found && strcmp(json_string_value(json_object_get(e, "visit")), visit) == 0)
                found = json_incref(e);
        }
    }
    json_decref(ch);
    if (!found)
        fail_msg("changes.json of %s does not list %s", out, visit);
    return found;
}

static void assert_why(json_t *e, const char *code, const char *words)
{
    assert_string_equal(json_string_value(json_object_get(e, "why_code")), code);
    assert_string_equal(json_string_value(json_object_get(e, "why")), words);
    json_decref(e);
}

static void test_why_in_the_familys_language(void **state)
{
    (void)state;
    char dir[PATH_SIZE], prev[PATH_SIZE], cs[PATH_SIZE];
    snprintf(dir, sizeof dir, "%s/tests/data/replan", CAREDAY_SOURCE_DIR);
    snprintf(cs, sizeof cs, "%.4000s/pinned-visit/case.json", dir);
    snprintf(prev, sizeof prev, "%.4000s/pinned-visit/previous.json", dir);
    assert_why(why_of(cs, prev, "pin-en", "en", "diet"), "pin", "it is pinned to 2026-12-11");
    assert_why(why_of(cs, prev, "pin-es", "es", "diet"), "pin", "está fijada para el 2026-12-11");
    /* The itinerary's "What changed" says it too, in the family's language. */
    char html_path[PATH_SIZE], out[PATH_SIZE];
    out_path("pin-es", out);
    snprintf(html_path, sizeof html_path, "%.4000s/itinerary.html", out);
    char *html = read_back(html_path, NULL);
    assert_non_null(html);
    assert_non_null(strstr(html, " — está fijada para el 2026-12-11</li>"));
    free(html);
    assert_why(why_of(cs, prev, "avoid-es", "es", "gi-fu"), "avoid_date",
               "el 2026-12-09 es ahora una fecha a evitar");
    snprintf(cs, sizeof cs, "%.4000s/cancelled-under-proposed/case.json", dir);
    snprintf(prev, sizeof prev, "%.4000s/cancelled-under-proposed/previous.json", dir);
    assert_why(why_of(cs, prev, "time-en", "en", "cardio-fu"), "provider_time",
               "Dr. Luis Ortega no longer has open time at 2026-12-08 10:00");
    assert_why(why_of(cs, prev, "time-es", "es", "cardio-fu"), "provider_time",
               "Dr. Luis Ortega ya no tiene horario libre el 2026-12-08 10:00");
    snprintf(cs, sizeof cs, "%.4000s/visit-dropped/case.json", dir);
    snprintf(prev, sizeof prev, "%.4000s/visit-dropped/previous.json", dir);
    assert_why(why_of(cs, prev, "removed-es", "es", "diet"), "removed",
               "la visita ya no está en el caso");

    /* A visit that can no longer be placed: why says the plan's reason. */
    char full[PATH_SIZE], without[PATH_SIZE], narrow[PATH_SIZE];
    write_cases(full, without);
    plan(full, "w", NULL, "2026-12-01T14:00:00Z");
    json_t *c = json_load_file(full, 0, NULL);
    json_t *visits = json_object_get(c, "visits");
    for (size_t i = 0; i < json_array_size(visits); i++) {
        json_t *v = json_array_get(visits, i);
        if (strcmp(json_string_value(json_object_get(v, "id")), "eeg") == 0)
            json_object_set_new(
                v, "window",
                json_pack("{s:s, s:s}", "earliest", "2026-12-07", "latest", "2026-12-07"));
    }
    out_path("narrow.json", narrow);
    assert_int_equal(json_dump_file(c, narrow, JSON_INDENT(1)), 0);
    json_decref(c);
    out_path("w", dir);
    snprintf(prev, sizeof prev, "%.4000s/plan.json", dir);
    assert_why(why_of(narrow, prev, "unplaced-es", "es", "eeg"), "unscheduled",
               "no se pudo programar: EEG Lab (Neurophysiology) no tiene horario libre para los "
               "60 minutos de esta visita entre el 2026-12-07 y el 2026-12-07");
    assert_why(why_of(narrow, prev, "unplaced-en", "en", "eeg"), "unscheduled",
               "it could not be placed: EEG Lab (Neurophysiology) has no open time for this "
               "visit's 60 minutes between 2026-12-07 and 2026-12-07");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cancellations_live_until_they_pass),
        cmocka_unit_test(test_placed_again_after_cancel),
        cmocka_unit_test(test_bad_cancelled_entry),
        cmocka_unit_test(test_why_in_the_familys_language),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
