/*
 * Every output careday writes for the examples and the test cases, read back:
 * each .ics parses through libical with no X-LIC-ERROR and passes the
 * restriction check of its METHOD; family.ics and plan.json show every
 * appointment of the plan at the same instants; a provider's calendar names
 * no other provider; and a second run gives family.ics the same UIDs.
 *
 * The case files are found when the test runs: examples/<name>.json,
 * tests/data/cases/<name>/case.json and tests/data/import/<name>/case.json.
 */
#include "adapters/adapters.h"
#include "adapters/output/outputs.h"

#include <jansson.h>
#include <libical/ical.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmp_files.h"

#define MESSAGES CAREDAY_LOCALEDIR
#define NOW ((cal_time)1796000000) /* 2026-11-29T08:53:20Z */
#define PATH_SIZE 1024

/* Totals over the whole run, reported at the end. */
static size_t validated_files, validated_invites, appointments_checked;

/* ---------------------------------------------------------------------------
 * Small helpers.
 */

static void path_join(char *buf, size_t size, const char *a, const char *b)
{
    int n = snprintf(buf, size, "%s/%s", a, b);
    if (n < 0 || (size_t)n >= size)
        fail_msg("path too long: %s/%s", a, b);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---------------------------------------------------------------------------
 * The case files, found at run time.
 */

struct case_list {
    char **v;
    size_t n, cap;
};

static void list_add(struct case_list *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        assert_non_null(l->v);
    }
    l->v[l->n] = strdup(s);
    assert_non_null(l->v[l->n]);
    l->n++;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Relative paths (from CAREDAY_SOURCE_DIR) of folder/<name>.json, or of
 * folder/<name>/case.json when nested. A missing folder adds nothing. */
static void glob_cases(struct case_list *l, const char *folder, bool nested)
{
    char dir[PATH_SIZE];
    path_join(dir, sizeof dir, CAREDAY_SOURCE_DIR, folder);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char rel[PATH_SIZE], full[PATH_SIZE];
        int n = nested ? snprintf(rel, sizeof rel, "%s/%s/case.json", folder, e->d_name)
                       : snprintf(rel, sizeof rel, "%s/%s", folder, e->d_name);
        if (n < 0 || (size_t)n >= sizeof rel)
            continue;
        if (!nested && !ends_with(e->d_name, ".json"))
            continue;
        path_join(full, sizeof full, CAREDAY_SOURCE_DIR, rel);
        if (is_file(full))
            list_add(l, rel);
    }
    closedir(d);
}

static void find_cases(struct case_list *l)
{
    glob_cases(l, "examples", false);
    glob_cases(l, "tests/data/cases", true);
    glob_cases(l, "tests/data/import", true);
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, cmp_str);
}

/* ---------------------------------------------------------------------------
 * (1) Every .ics under a folder passes cal_ics_validate.
 */

struct ics_seen {
    size_t files;
    size_t invites;  /* providers/<id>-invite.ics */
    size_t problems; /* files that failed */
};

static void validate_tree(const char *case_rel, const char *root, const char *rel,
                          struct ics_seen *seen)
{
    char dir[PATH_SIZE];
    if (rel[0])
        path_join(dir, sizeof dir, root, rel);
    else
        snprintf(dir, sizeof dir, "%s", root);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char full[PATH_SIZE], sub[PATH_SIZE];
        path_join(full, sizeof full, dir, e->d_name);
        if (rel[0])
            path_join(sub, sizeof sub, rel, e->d_name);
        else
            snprintf(sub, sizeof sub, "%s", e->d_name);
        struct stat st;
        assert_int_equal(stat(full, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            validate_tree(case_rel, root, sub, seen);
            continue;
        }
        if (!ends_with(e->d_name, ".ics"))
            continue;
        char *text = read_back(full, NULL);
        assert_non_null(text);
        struct careday_error err = {0};
        int rc = cal_ics_validate(text, &err);
        free(text);
        seen->files++;
        validated_files++;
        if (ends_with(e->d_name, "-invite.ics")) {
            seen->invites++;
            validated_invites++;
        }
        if (rc != 0) {
            print_error("%s: %s: %s\n", case_rel, sub, err.text);
            seen->problems++;
        }
    }
    closedir(d);
}

/* ---------------------------------------------------------------------------
 * (2) family.ics: every appointment at the plan's instants.
 */

static cal_time utc_of(struct icaltimetype t)
{
    return (cal_time)icaltime_as_timet_with_zone(t, icaltimezone_get_utc_timezone());
}

/* Appends each VEVENT's UID and a newline to *uids (malloc'd). */
static void check_family(const char *case_rel, const char *dir, const struct sched_case *c,
                         const struct sched_plan *plan, char **uids)
{
    char path[PATH_SIZE];
    path_join(path, sizeof path, dir, "family.ics");
    char *text = read_back(path, NULL);
    if (!text)
        fail_msg("%s: family.ics was not written", case_rel);
    icalcomponent *cal = icalparser_parse_string(text);
    free(text);
    if (!cal)
        fail_msg("%s: family.ics does not parse", case_rel);

    size_t nev = 0, timed = 0, nights = 0, leaves = 0, len = 0, cap = 256;
    char *list = malloc(cap);
    assert_non_null(list);
    list[0] = '\0';
    size_t *found = calloc(plan->nappts ? plan->nappts : 1, sizeof *found);
    assert_non_null(found);

    for (icalcomponent *e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
         e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        nev++;
        const char *uid = icalcomponent_get_uid(e);
        if (!uid)
            fail_msg("%s: family.ics: VEVENT %zu has no UID", case_rel, nev);
        size_t k = strlen(uid);
        if (len + k + 2 > cap) {
            cap = (len + k + 2) * 2;
            list = realloc(list, cap);
            assert_non_null(list);
        }
        memcpy(list + len, uid, k);
        len += k;
        list[len++] = '\n';
        list[len] = '\0';

        struct icaltimetype s = icalcomponent_get_dtstart(e);
        struct icaltimetype en = icalcomponent_get_dtend(e);
        if (s.is_date)
            continue;
        if (strncmp(uid, "night.", 6) == 0) {
            nights++;
            continue;
        }
        if (strncmp(uid, "leave.", 6) == 0) {
            /* "Leave for <place>": from the trip's departure to the arrival. */
            bool ok = false;
            for (size_t t = 0; t < plan->ntrips && !ok; t++)
                ok = plan->trips[t].depart == utc_of(s) && utc_of(en) > utc_of(s);
            if (!ok)
                fail_msg("%s: family.ics: %s does not start at a trip's departure", case_rel, uid);
            leaves++;
            continue;
        }
        timed++;
        if (!icaltime_is_utc(s) || !icaltime_is_utc(en))
            fail_msg("%s: family.ics: UID %s: DTSTART/DTEND not in UTC", case_rel, uid);
        bool matched = false;
        for (size_t i = 0; i < plan->nappts && !matched; i++) {
            const struct sched_appt *a = &plan->appts[i];
            char want[512];
            out_visit_uid(c, c->visits[a->visit].id, want, sizeof want);
            if (strcmp(want, uid) != 0)
                continue;
            matched = true;
            found[i]++;
            if (utc_of(s) != a->start || utc_of(en) != a->end)
                fail_msg("%s: family.ics: UID %s at [%lld, %lld), plan has [%lld, %lld)", case_rel,
                         uid, (long long)utc_of(s), (long long)utc_of(en), (long long)a->start,
                         (long long)a->end);
        }
        if (!matched)
            fail_msg("%s: family.ics: timed VEVENT UID %s is no appointment of the plan", case_rel,
                     uid);
    }
    icalcomponent_free(cal);

    for (size_t i = 0; i < plan->nappts; i++)
        if (found[i] != 1)
            fail_msg("%s: family.ics: appointment of visit %s appears %zu times", case_rel,
                     c->visits[plan->appts[i].visit].id, found[i]);
    free(found);
    if (timed != plan->nappts)
        fail_msg("%s: family.ics: %zu appointment events, the plan has %zu", case_rel, timed,
                 plan->nappts);
    size_t overnights = 0;
    for (size_t t = 0; t < plan->ntrips; t++)
        overnights += plan->trips[t].overnight_after;
    if (leaves != plan->ntrips)
        fail_msg("%s: family.ics: %zu leave-by events for %zu trips", case_rel, leaves,
                 plan->ntrips);
    if (nights > overnights)
        fail_msg("%s: family.ics: %zu nights at the lodging, the plan has %zu", case_rel, nights,
                 overnights);
    *uids = list;
}

/* ---------------------------------------------------------------------------
 * (3) plan.json: every appointment at the plan's instants.
 */

static void check_plan_json(const char *case_rel, const char *dir, const struct sched_case *c,
                            const struct sched_plan *plan)
{
    char path[PATH_SIZE];
    path_join(path, sizeof path, dir, "plan.json");
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root)
        fail_msg("%s: plan.json: %s (line %d)", case_rel, je.text, je.line);
    json_t *appts = json_object_get(root, "appointments");
    if (!json_is_array(appts) || json_array_size(appts) != plan->nappts)
        fail_msg("%s: plan.json: %zu appointments, the plan has %zu", case_rel,
                 json_array_size(appts), plan->nappts);
    for (size_t i = 0; i < plan->nappts; i++) {
        const struct sched_appt *a = &plan->appts[i];
        const char *visit = c->visits[a->visit].id;
        json_t *found = NULL;
        for (size_t k = 0; k < json_array_size(appts) && !found; k++) {
            json_t *o = json_array_get(appts, k);
            const char *v = json_string_value(json_object_get(o, "visit"));
            if (v && strcmp(v, visit) == 0)
                found = o;
        }
        if (!found)
            fail_msg("%s: plan.json: no appointment for visit %s", case_rel, visit);
        const char *start = json_string_value(json_object_get(found, "start"));
        const char *end = json_string_value(json_object_get(found, "end"));
        cal_time ts = 0, te = 0;
        if (!start || !end || cal_parse_rfc3339(start, &ts) != 0 ||
            cal_parse_rfc3339(end, &te) != 0)
            fail_msg("%s: plan.json: visit %s: start/end are not RFC 3339", case_rel, visit);
        /* With an offset, never "Z" (local times of the place). */
        size_t sl = strlen(start), el = strlen(end);
        if (sl < 6 || el < 6 || (start[sl - 6] != '+' && start[sl - 6] != '-') ||
            (end[el - 6] != '+' && end[el - 6] != '-'))
            fail_msg("%s: plan.json: visit %s: %s / %s carry no UTC offset", case_rel, visit, start,
                     end);
        if (ts != a->start || te != a->end)
            fail_msg("%s: plan.json: visit %s at %s - %s, the plan has [%lld, %lld)", case_rel,
                     visit, start, end, (long long)a->start, (long long)a->end);
        appointments_checked++;
    }
    json_decref(root);
}

/* ---------------------------------------------------------------------------
 * (4) providers/<id>.ics names no other provider (name, id, e-mail or
 *     specialty) and not the child: neither the case name, nor the child's
 *     name (the case name up to its first " — ", " - ", ":" or ","), nor its
 *     first word; home visits carry the family's home address.
 */

/* The child's name as the case name starts with it. */
static void child_name(const struct sched_case *c, char *buf, size_t size)
{
    snprintf(buf, size, "%s", c->name ? c->name : "");
    static const char *const seps[] = {" \xE2\x80\x94", " \xE2\x80\x93", " - ", ":", ",", "("};
    for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
        char *cut = strstr(buf, seps[i]);
        if (cut)
            *cut = '\0';
    }
    size_t n = strlen(buf);
    while (n && buf[n - 1] == ' ')
        buf[--n] = '\0';
}

/* The file name careday gives a provider id: bytes outside [A-Za-z0-9_-]
 * as %XX. */
static void encode_id(const char *id, char *buf, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = 0;
    for (const unsigned char *p = (const unsigned char *)id; *p && len + 4 < size; p++) {
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || *p == '-' || *p == '_';
        if (plain) {
            buf[len++] = (char)*p;
        } else {
            buf[len++] = '%';
            buf[len++] = hex[*p >> 4];
            buf[len++] = hex[*p & 15];
        }
    }
    buf[len] = '\0';
}

/* Content lines unfolded and TEXT escapes undone, so a name split over two
 * lines or written with "\," is still found. In place. */
static void unfold_unescape(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        if (r[0] == '\r' && r[1] == '\n' && (r[2] == ' ' || r[2] == '\t')) {
            r += 3;
        } else if (r[0] == '\n' && (r[1] == ' ' || r[1] == '\t')) {
            r += 2;
        } else if (r[0] == '\\' && r[1]) {
            *w++ = (r[1] == 'n' || r[1] == 'N') ? '\n' : r[1];
            r += 2;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

static bool id_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_';
}

/* needle in hay as a whole token (not inside a longer identifier). */
static bool has_token(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return false;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) {
        bool left = p == hay || !id_char(p[-1]);
        bool right = !id_char(p[n]);
        if (left && right)
            return true;
    }
    return false;
}

static size_t provider_appts(const struct sched_case *c, const struct sched_plan *plan, size_t pi)
{
    size_t n = 0;
    for (size_t i = 0; i < plan->nappts; i++)
        n += (size_t)c->visits[plan->appts[i].visit].provider == pi;
    return n;
}

/* Returns how many provider files (suffix ".ics" or "-invite.ics") exist. */
static size_t check_providers(const char *case_rel, const char *dir, const struct sched_case *c,
                              const struct sched_plan *plan, const char *suffix)
{
    size_t files = 0;
    for (size_t pi = 0; pi < c->nproviders; pi++) {
        const struct sched_provider *p = &c->providers[pi];
        char name[512], rel[600], path[PATH_SIZE];
        encode_id(p->id, name, sizeof name);
        int n = snprintf(rel, sizeof rel, "providers/%s%s", name, suffix);
        assert_true(n > 0 && (size_t)n < sizeof rel);
        path_join(path, sizeof path, dir, rel);
        char *text = read_back(path, NULL);
        size_t count = provider_appts(c, plan, pi);
        if (!text) {
            if (count > 0)
                fail_msg("%s: %s missing (%zu appointments)", case_rel, rel, count);
            continue;
        }
        if (count == 0)
            fail_msg("%s: %s written for a provider with no appointment", case_rel, rel);
        files++;
        unfold_unescape(text);
        char child[256], given[256];
        child_name(c, child, sizeof child);
        snprintf(given, sizeof given, "%s", child);
        char *space = strchr(given, ' ');
        if (space)
            *space = '\0';
        if (c->name && *c->name && strstr(text, c->name))
            fail_msg("%s: %s carries the case name \"%s\"", case_rel, rel, c->name);
        if (strlen(child) >= 3 && strstr(text, child))
            fail_msg("%s: %s names the child \"%s\"", case_rel, rel, child);
        /* (a case name without a separator names no child) */
        if (c->name && strcmp(child, c->name) != 0 && strlen(given) >= 3 && has_token(text, given))
            fail_msg("%s: %s names the child \"%s\"", case_rel, rel, given);
        for (size_t i = 0; i < plan->nappts; i++)
            if ((size_t)c->visits[plan->appts[i].visit].provider == pi &&
                plan->appts[i].mode == SCHED_HOME && c->family.home_address &&
                !strstr(text, c->family.home_address))
                fail_msg("%s: %s has a home visit without the home address", case_rel, rel);
        for (size_t k = 0; k < c->nproviders; k++) {
            const struct sched_provider *o = &c->providers[k];
            if (k == pi)
                continue;
            if (strcmp(o->id, p->id) != 0 && has_token(text, o->id))
                fail_msg("%s: %s names provider id \"%s\"", case_rel, rel, o->id);
            if (o->name && *o->name && !(p->name && strcmp(o->name, p->name) == 0) &&
                strstr(text, o->name))
                fail_msg("%s: %s names provider \"%s\"", case_rel, rel, o->name);
            if (o->specialty && *o->specialty &&
                !(p->specialty && strcmp(o->specialty, p->specialty) == 0) &&
                strstr(text, o->specialty))
                fail_msg("%s: %s names another specialty \"%s\"", case_rel, rel, o->specialty);
            if (o->email && *o->email && strstr(text, o->email))
                fail_msg("%s: %s carries provider e-mail %s", case_rel, rel, o->email);
        }
        free(text);
    }
    return files;
}

/* Count of regular files in dir/providers ending in suffix (and, for
 * ".ics", not in "-invite.ics"). */
static size_t count_files(const char *dir, const char *suffix)
{
    char path[PATH_SIZE];
    path_join(path, sizeof path, dir, "providers");
    DIR *d = opendir(path);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!ends_with(e->d_name, suffix))
            continue;
        if (strcmp(suffix, ".ics") == 0 && ends_with(e->d_name, "-invite.ics"))
            continue;
        n++;
    }
    closedir(d);
    return n;
}

/* ---------------------------------------------------------------------------
 * One run over one case.
 */

static void make_dir(const char *path)
{
    if (mkdir(path, 0700) != 0)
        fail_msg("cannot create %s", path);
}

/* Loads, plans, writes and checks; returns family.ics's UIDs (malloc'd, one
 * per line, in file order). */
static char *run_case(const char *case_rel)
{
    char src[PATH_SIZE], tmp[] = "/tmp/careday-outputs-all-XXXXXX";
    path_join(src, sizeof src, CAREDAY_SOURCE_DIR, case_rel);

    struct sched_case c;
    struct careday_notes warn = {0};
    struct careday_error err = {0};
    memset(&c, 0, sizeof c);
    int rc = adapt_case_load(src, &c, &warn, &err);
    careday_notes_free(&warn);
    if (rc) {
        char msg[2048];
        careday_error_format(&err, msg, sizeof msg);
        fail_msg("%s: adapt_case_load: %s", case_rel, msg);
    }

    struct sched_options so;
    sched_options_init(&so);
    so.time_limit_s = 60;
    struct sched_plan *plan = NULL, *base = NULL;
    rc = sched_plan_case(&c, &so, &plan, &warn, &err);
    careday_notes_free(&warn);
    if (rc)
        fail_msg("%s: sched_plan_case: %s", case_rel, err.text);
    rc = sched_baseline(&c, &base, &err);
    if (rc)
        fail_msg("%s: sched_baseline: %s", case_rel, err.text);

    assert_non_null(mkdtemp(tmp));
    char plain[PATH_SIZE], invite[PATH_SIZE];
    path_join(plain, sizeof plain, tmp, "plain");
    path_join(invite, sizeof invite, tmp, "invite");
    make_dir(plain);

    struct out_options o = {.now = NOW, .messages_dir = MESSAGES};
    if (out_write_plan_json(plain, &c, plan, base, &o, &err) != 0)
        fail_msg("%s: out_write_plan_json: %s", case_rel, err.text);
    if (out_write_calendars(plain, &c, plan, &o, &err) != 0)
        fail_msg("%s: out_write_calendars: %s", case_rel, err.text);
    if (out_write_itinerary(plain, &c, plan, base, &o, &err) != 0)
        fail_msg("%s: out_write_itinerary: %s", case_rel, err.text);
    bool invites = out_check_invite(&c, &err) == 0;
    if (invites) {
        make_dir(invite);
        o.invite = true;
        if (out_write_calendars(invite, &c, plan, &o, &err) != 0)
            fail_msg("%s: out_write_calendars (invite): %s", case_rel, err.text);
    }

    /* (1) */
    struct ics_seen seen = {0};
    validate_tree(case_rel, plain, "", &seen);
    if (invites)
        validate_tree(case_rel, invite, "", &seen);
    if (seen.problems)
        fail_msg("%s: %zu of %zu calendar files fail validation (listed above)", case_rel,
                 seen.problems, seen.files);
    size_t with_appts = 0;
    for (size_t pi = 0; pi < c.nproviders; pi++)
        with_appts += provider_appts(&c, plan, pi) > 0;
    size_t want = (1 + with_appts) * (invites ? 2 : 1) + (invites ? with_appts : 0);
    if (seen.files != want)
        fail_msg("%s: %zu calendar files validated, expected %zu", case_rel, seen.files, want);

    /* (2), (3) */
    char *uids = NULL;
    check_family(case_rel, plain, &c, plan, &uids);
    check_plan_json(case_rel, plain, &c, plan);

    /* (4): and no stray file beside the providers'. */
    size_t nplain = check_providers(case_rel, plain, &c, plan, ".ics");
    assert_int_equal(nplain, count_files(plain, ".ics"));
    if (invites) {
        size_t ninv = check_providers(case_rel, invite, &c, plan, "-invite.ics");
        assert_int_equal(ninv, count_files(invite, "-invite.ics"));
        assert_int_equal(ninv, with_appts);
        assert_int_equal(check_providers(case_rel, invite, &c, plan, ".ics"), nplain);
    }

    tmp_dir_remove(tmp);
    sched_plan_free(plan);
    sched_plan_free(base);
    sched_case_free(&c);
    return uids;
}

/* ---------------------------------------------------------------------------
 * Tests.
 */

/* One case: everything above, twice; family.ics keeps its UIDs. */
static void test_case_outputs(void **state)
{
    const char *case_rel = *state;
    char *first = run_case(case_rel);
    char *second = run_case(case_rel);
    if (strcmp(first, second) != 0)
        fail_msg("%s: family.ics UIDs differ between runs:\n%s---\n%s", case_rel, first, second);
    free(first);
    free(second);
}

/* At least the examples and the hand-solved cases are there. */
static void test_cases_found(void **state)
{
    const struct case_list *l = *state;
    size_t examples = 0, cases = 0;
    for (size_t i = 0; i < l->n; i++) {
        examples += strncmp(l->v[i], "examples/", 9) == 0;
        cases += strncmp(l->v[i], "tests/data/cases/", 17) == 0;
    }
    assert_true(examples >= 1);
    assert_true(cases >= 1);
}

/* Runs last: the checks above saw appointments and invitations. */
static void test_checks_not_vacuous(void **state)
{
    (void)state;
    assert_true(appointments_checked > 0);
    assert_true(validated_invites > 0);
    assert_true(validated_files > validated_invites);
}

int main(void)
{
    struct case_list cases = {0};
    find_cases(&cases);
    struct CMUnitTest *tests = calloc(cases.n + 2, sizeof *tests);
    assert_non_null(tests);
    tests[0] = (struct CMUnitTest){
        .name = "cases_found", .test_func = test_cases_found, .initial_state = &cases};
    for (size_t i = 0; i < cases.n; i++)
        tests[i + 1] = (struct CMUnitTest){
            .name = cases.v[i], .test_func = test_case_outputs, .initial_state = cases.v[i]};
    tests[cases.n + 1] =
        (struct CMUnitTest){.name = "checks_not_vacuous", .test_func = test_checks_not_vacuous};
    int failed = _cmocka_run_group_tests("outputs_all", tests, cases.n + 2, NULL, NULL);
    print_message("%zu case files, %zu calendar files validated (%zu invitations), %zu "
                  "appointments checked\n",
                  cases.n, validated_files, validated_invites, appointments_checked);
    free(tests);
    for (size_t i = 0; i < cases.n; i++)
        free(cases.v[i]);
    free(cases.v);
    icalmemory_free_ring();
    return failed;
}
