/*
 * Every file of the real-world FHIR corpus (../shared/corpus/fhir) read by
 * the FHIR adapter and compared with its committed expectation in
 * tests/data/fhir/<folder>/<file>.expected.
 *
 * An expectation file holds, in order:
 *   # comment lines (where the expectation comes from)
 *   @reader slots | appointments | schedules | available
 *   @horizon FROM TO        RFC 3339 instants (default 1970 .. 2100)
 *   @tz ZONE                time zone for the available reader
 *   @schedule REF / @actor REF / @who REF   filters
 *   the lines the reader must produce, exactly:
 *     busy|available START END ORIGIN        (slots; START/END in UTC)
 *     available|busy START END               (available: the two sets)
 *     appointment ID STATUS START END Nmin participants=... slots=...
 *     schedule ID active|inactive / actor KIND REFERENCE -> RESOLVED
 *     note: [line N: ][PATH: ]TEXT          (each warning)
 *   or a single "error: SUBSTRING" that the formatted error must contain.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "adapters/adapters.h"
#include "adapters/input/fhir.h"
#include "tests/shared_corpus.h"
#include "tmp_files.h"

#define CORPUS CAREDAY_SHARED_DIR "/corpus/fhir"
#define EXPECTED CAREDAY_SOURCE_DIR "/tests/data/fhir"

static const char *const folders[] = {"r4-core-examples", "nhs-bars-r4", NULL};

/* A growing text buffer of output lines. */
struct text {
    char *s;
    size_t n, cap;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(k >= 0);
    if (t->n + (size_t)k + 2 > t->cap) {
        t->cap = (t->n + (size_t)k + 2) * 2;
        t->s = realloc(t->s, t->cap);
        assert_non_null(t->s);
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
    va_end(ap);
    t->n += (size_t)k;
    t->s[t->n++] = '\n';
    t->s[t->n] = '\0';
}

static const char *utc(cal_time t, char *buf)
{
    cal_format_rfc3339(t, 0, true, buf, 32);
    return buf;
}

static void where(const struct careday_error *e, char *buf, size_t size)
{
    int k = 0;
    buf[0] = '\0';
    if (e->line > 0)
        k = snprintf(buf, size, "line %d: ", e->line);
    if (e->path[0] && k >= 0 && (size_t)k < size)
        snprintf(buf + k, size - (size_t)k, "%s: ", e->path);
}

static void put_notes(struct text *t, const struct careday_notes *notes)
{
    for (size_t i = 0; i < notes->n; i++) {
        char w[400];
        where(&notes->v[i], w, sizeof w);
        put(t, "note: %s%s", w, notes->v[i].text);
    }
}

struct spec {
    char reader[32];
    char tz[64];
    char schedule[256], actor[256], who[256];
    cal_time from, to;
    struct text want;
};

static void parse_spec(const char *path, struct spec *sp)
{
    char *s = read_back(path, NULL);
    if (!s)
        fail_msg("missing expectation %s", path);
    memset(sp, 0, sizeof *sp);
    assert_int_equal(cal_parse_rfc3339("1970-01-01T00:00:00Z", &sp->from), 0);
    assert_int_equal(cal_parse_rfc3339("2100-01-01T00:00:00Z", &sp->to), 0);
    bool comment = false;
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        char a[64], b[64];
        if (line[0] == '#') {
            comment = true;
        } else if (sscanf(line, "@reader %31s", sp->reader) == 1) {
        } else if (sscanf(line, "@tz %63s", sp->tz) == 1) {
        } else if (sscanf(line, "@schedule %255s", sp->schedule) == 1) {
        } else if (sscanf(line, "@actor %255s", sp->actor) == 1) {
        } else if (sscanf(line, "@who %255s", sp->who) == 1) {
        } else if (sscanf(line, "@horizon %63s %63s", a, b) == 2) {
            assert_int_equal(cal_parse_rfc3339(a, &sp->from), 0);
            assert_int_equal(cal_parse_rfc3339(b, &sp->to), 0);
        } else if (line[0] == '@') {
            fail_msg("%s: unknown directive %s", path, line);
        } else {
            put(&sp->want, "%s", line);
        }
    }
    if (!comment)
        fail_msg("%s: an expectation says where it comes from in a # comment", path);
    if (!sp->reader[0])
        fail_msg("%s: no @reader", path);
    if (!sp->want.s)
        put(&sp->want, "%s", "(nothing)");
    free(s);
}

static int run_slots(const char *file, const struct spec *sp, struct text *got,
                     struct careday_notes *notes, struct careday_error *err)
{
    struct cal_read_options opt = {.from = sp->from, .to = sp->to};
    struct cal_import im = {0};
    struct fhir_slot_query q = {.schedule = sp->schedule[0] ? sp->schedule : NULL,
                                .actor = sp->actor[0] ? sp->actor : NULL};
    int rc = fhir_read_slots(file, &q, &opt, &im, notes, err);
    if (rc == 0) {
        for (size_t i = 0; i < im.nevents; i++) {
            char a[32], b[32];
            const struct cal_event *e = &im.events[i];
            put(got, "%s %s %s %s", e->busy ? "busy" : "available", utc(e->start, a),
                utc(e->end, b), e->origin);
        }
    }
    cal_import_free(&im);
    return rc;
}

static int run_appointments(const char *file, const struct spec *sp, struct text *got,
                            struct careday_notes *notes, struct careday_error *err)
{
    struct fhir_appointments ap = {0};
    int rc = fhir_read_appointments(file, sp->from, sp->to, &ap, notes, err);
    for (size_t i = 0; rc == 0 && i < ap.n; i++) {
        char a[32], b[32];
        const struct fhir_appointment *x = &ap.v[i];
        put(got, "appointment %s %s %s %s %dmin participants=%s slots=%s", x->id, x->status,
            utc(x->start, a), utc(x->end, b), x->minutes, x->participant_refs, x->slot_refs);
    }
    fhir_appointments_free(&ap);
    return rc;
}

static int run_schedules(const char *file, struct text *got, struct careday_notes *notes,
                         struct careday_error *err)
{
    static const char *const kinds[] = {"other", "practitioner", "practitioner-role",
                                        "healthcare-service", "location"};
    struct fhir_schedules ss = {0};
    int rc = fhir_read_schedule_actors(file, &ss, notes, err);
    for (size_t i = 0; rc == 0 && i < ss.n; i++) {
        const struct fhir_schedule *s = &ss.v[i];
        put(got, "schedule %s %s", s->id, s->active ? "active" : "inactive");
        for (size_t k = 0; k < s->nactors; k++)
            put(got, "actor %s %s -> %s", kinds[s->actors[k].kind], s->actors[k].reference,
                s->actors[k].resolved);
    }
    fhir_schedules_free(&ss);
    return rc;
}

static int run_available(const char *file, const struct spec *sp, struct text *got,
                         struct careday_notes *notes, struct careday_error *err)
{
    cal_tz *tz = NULL;
    struct cal_set av = {0}, busy = {0};
    assert_int_equal(cal_tz_open(sp->tz[0] ? sp->tz : "UTC", &tz, NULL), 0);
    int rc = fhir_read_available_time(file, sp->who[0] ? sp->who : NULL, tz, sp->from, sp->to, &av,
                                      &busy, notes, err);
    for (size_t i = 0; rc == 0 && i < av.n; i++) {
        char a[32], b[32];
        put(got, "available %s %s", utc(av.iv[i].start, a), utc(av.iv[i].end, b));
    }
    for (size_t i = 0; rc == 0 && i < busy.n; i++) {
        char a[32], b[32];
        put(got, "busy %s %s", utc(busy.iv[i].start, a), utc(busy.iv[i].end, b));
    }
    cal_set_free(&av);
    cal_set_free(&busy);
    cal_tz_free(tz);
    return rc;
}

static void check_one(const char *folder, const char *name)
{
    char file[1024], exp[1024];
    struct spec sp;
    struct text got = {0};
    struct careday_notes notes = {0};
    struct careday_error err = {0};
    int rc;

    snprintf(file, sizeof file, "%s/%s/%s", CORPUS, folder, name);
    snprintf(exp, sizeof exp, "%s/%s/%s.expected", EXPECTED, folder, name);
    parse_spec(exp, &sp);
    if (strcmp(sp.reader, "slots") == 0)
        rc = run_slots(file, &sp, &got, &notes, &err);
    else if (strcmp(sp.reader, "appointments") == 0)
        rc = run_appointments(file, &sp, &got, &notes, &err);
    else if (strcmp(sp.reader, "schedules") == 0)
        rc = run_schedules(file, &got, &notes, &err);
    else if (strcmp(sp.reader, "available") == 0)
        rc = run_available(file, &sp, &got, &notes, &err);
    else
        fail_msg("%s: unknown reader %s", exp, sp.reader);

    if (strncmp(sp.want.s, "error: ", 7) == 0) {
        char w[400], msg[1200];
        sp.want.s[strcspn(sp.want.s, "\n")] = '\0';
        if (rc == 0)
            fail_msg("%s/%s: expected an error containing \"%s\", read it fine", folder, name,
                     sp.want.s + 7);
        assert_int_equal(rc, CAL_EPARSE);
        assert_string_equal(err.file, file);
        where(&err, w, sizeof w);
        snprintf(msg, sizeof msg, "%s%s", w, err.text);
        if (!strstr(msg, sp.want.s + 7))
            fail_msg("%s/%s: error \"%s\" does not contain \"%s\"", folder, name, msg,
                     sp.want.s + 7);
    } else {
        if (rc != 0)
            fail_msg("%s/%s: failed: %s: %s: %s", folder, name, err.file, err.path, err.text);
        put_notes(&got, &notes);
        if (!got.s)
            put(&got, "%s", "(nothing)");
        if (strcmp(got.s, sp.want.s) != 0) {
            print_error("%s/%s\n--- expected\n%s--- got\n%s", folder, name, sp.want.s, got.s);
            fail();
        }
    }
    careday_notes_free(&notes);
    free(got.s);
    free(sp.want.s);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .json files of a corpus folder, sorted; caller frees each and the list. */
static size_t list_folder(const char *folder, char ***names)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", CORPUS, folder);
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0, cap = 0;
    *names = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            *names = realloc(*names, cap * sizeof **names);
            assert_non_null(*names);
        }
        (*names)[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(*names, n, sizeof **names, cmp_names);
    return n;
}

static void test_corpus_folder(void **state)
{
    const char *folder = *state;
    char **names;
    size_t n = list_folder(folder, &names);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        check_one(folder, names[i]);
        free(names[i]);
    }
    free(names);
}

/* Every expectation belongs to a corpus file (none left behind by a rename). */
static void test_no_stale_expectations(void **state)
{
    (void)state;
    for (int f = 0; folders[f]; f++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", EXPECTED, folders[f]);
        DIR *d = opendir(dir);
        assert_non_null(d);
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (e->d_name[0] == '.')
                continue;
            assert_true(len > 9 && strcmp(e->d_name + len - 9, ".expected") == 0);
            char file[1024];
            snprintf(file, sizeof file, "%s/%s/%.*s", CORPUS, folders[f], (int)(len - 9),
                     e->d_name);
            FILE *fp = fopen(file, "rb");
            if (!fp)
                fail_msg("%s has no corpus file %s", e->d_name, file);
            fclose(fp);
        }
        closedir(d);
    }
}

int main(void)
{
    if (!corpus_present(CORPUS))
        return CORPUS_SKIP;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_prestate(test_corpus_folder, (void *)folders[0]),
        cmocka_unit_test_prestate(test_corpus_folder, (void *)folders[1]),
        cmocka_unit_test(test_no_stale_expectations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
