/*
 * Publishing OUT whole or not at all: every step of out_publish_commit is
 * made to fail in turn (through its failure hook) and OUT must then be
 * exactly what it was (same names, same contents, nothing added), with no
 * staging folder left; without a failure OUT holds the new plan, the stale
 * provider calendar is gone and files careday did not write stay.
 */
#include "adapters/adapters.h"
#include "adapters/output/outputs.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmp_files.h"

static int setup(void **state)
{
    return tmp_fixture_setup(state, "publish");
}

static void put(const char *dir, const char *name, const char *text)
{
    char path[512];
    int n = snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_true(n > 0 && (size_t)n < sizeof path);
    write_text(path, text);
}

/* Every entry under dir (hidden ones too) with its content, sorted, into
 * out: "name=content;" or "name/" for folders. */
static void snapshot(const char *dir, const char *prefix, char *out, size_t size)
{
    struct dirent **list;
    int n = scandir(dir, &list, NULL, alphasort);
    if (n < 0) {
        snprintf(out + strlen(out), size - strlen(out), "(no %s)", dir);
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *name = list[i]->d_name;
        char path[512], rel[512];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        snprintf(rel, sizeof rel, "%s%s", prefix, name);
        if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0 && lstat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                snprintf(out + strlen(out), size - strlen(out), "%s/ ", rel);
                char sub[600];
                snprintf(sub, sizeof sub, "%s/", rel);
                snapshot(path, sub, out, size);
            } else {
                char text[256] = "";
                FILE *fp = fopen(path, "r");
                if (fp) {
                    size_t k = fread(text, 1, sizeof text - 1, fp);
                    text[k] = '\0';
                    fclose(fp);
                }
                snprintf(out + strlen(out), size - strlen(out), "%s=%s;", rel, text);
            }
        }
        free(list[i]);
    }
    free(list);
}

/* An earlier plan in OUT, and a note the coordinator keeps there. */
static void old_plan(const char *out)
{
    char prov[256];
    snprintf(prov, sizeof prov, "%s/providers", out);
    assert_int_equal(mkdir(out, 0755), 0);
    assert_int_equal(mkdir(prov, 0755), 0);
    put(out, "plan.json", "old plan");
    put(out, "family.ics", "old family");
    put(out, "itinerary.html", "old itinerary");
    put(out, "notes.txt", "coordinator's notes");
    put(prov, "neuro.ics", "old neuro");
    put(prov, "moved-away.ics", "old moved-away");
}

/* Stage a new plan for out into p. */
static void new_plan(const char *out, struct out_publish *p)
{
    struct careday_error err = {0};
    char prov[4300];
    assert_int_equal(out_publish_begin(out, p, &err), 0);
    snprintf(prov, sizeof prov, "%s/providers", p->staging);
    put(p->staging, "plan.json", "new plan");
    put(p->staging, "family.ics", "new family");
    put(p->staging, "itinerary.html", "new itinerary");
    put(prov, "neuro.ics", "new neuro");
    put(prov, "cardio.ics", "new cardio");
}

struct counter {
    int calls;   /* hook calls so far */
    int fail_at; /* fail the call with this index; -1 never */
    char failed[64];
};

static int count_or_fail(void *ud, const char *step, const char *name)
{
    struct counter *c = ud;
    (void)name;
    if (c->calls++ == c->fail_at) {
        snprintf(c->failed, sizeof c->failed, "%s", step);
        return EIO;
    }
    return 0;
}

static int steps_of(const char *out)
{
    struct out_publish p;
    struct counter c = {0, -1, ""};
    struct out_publish_hooks h = {count_or_fail, &c};
    struct careday_error err = {0};
    new_plan(out, &p);
    assert_int_equal(out_publish_commit(&p, &h, &err), 0);
    return c.calls;
}

static void test_existing_out_each_step_fails(void **state)
{
    struct tmp_fixture *f = *state;
    char out[128], before[8192], after[8192], parent[8192];
    snprintf(out, sizeof out, "%s/out", f->dir);
    old_plan(out);
    int steps = steps_of(out);
    assert_true(steps >= 10); /* checks, kept copies, moves, a stale file, sync */

    for (int k = 0; k < steps; k++) {
        assert_int_equal(tmp_dir_remove(out), 0);
        old_plan(out);
        before[0] = '\0';
        snapshot(out, "", before, sizeof before);

        struct out_publish p;
        struct counter c = {0, k, ""};
        struct out_publish_hooks h = {count_or_fail, &c};
        struct careday_error err = {0};
        new_plan(out, &p);
        int rc = out_publish_commit(&p, &h, &err);
        out_publish_abort(&p);
        if (rc == 0)
            fail_msg("step %d (%s) failed but publishing succeeded", k, c.failed);
        assert_non_null(strstr(err.text, "left as it was"));
        after[0] = '\0';
        snapshot(out, "", after, sizeof after);
        if (strcmp(before, after) != 0)
            fail_msg("step %d (%s) failed and OUT changed:\nbefore %s\nafter  %s", k, c.failed,
                     before, after);
        parent[0] = '\0';
        snapshot(f->dir, "", parent, sizeof parent);
        assert_null(strstr(parent, "careday-"));
    }

    /* And without a failure: the new plan, the stale calendar gone, the
     * coordinator's note kept, no staging left. */
    assert_int_equal(tmp_dir_remove(out), 0);
    old_plan(out);
    steps_of(out);
    after[0] = '\0';
    snapshot(out, "", after, sizeof after);
    assert_string_equal(after, "family.ics=new family;itinerary.html=new itinerary;"
                               "notes.txt=coordinator's notes;plan.json=new plan;providers/ "
                               "providers/cardio.ics=new cardio;providers/neuro.ics=new neuro;");
}

static void test_new_out_each_step_fails(void **state)
{
    struct tmp_fixture *f = *state;
    char out[128], snap[8192];
    snprintf(out, sizeof out, "%s/sub/out", f->dir);
    int steps = steps_of(out);
    assert_true(steps >= 3);
    assert_int_equal(tmp_dir_remove(out), 0);

    for (int k = 0; k < steps; k++) {
        struct out_publish p;
        struct counter c = {0, k, ""};
        struct out_publish_hooks h = {count_or_fail, &c};
        struct careday_error err = {0};
        new_plan(out, &p);
        assert_int_not_equal(out_publish_commit(&p, &h, &err), 0);
        out_publish_abort(&p);
        snap[0] = '\0';
        snapshot(f->dir, "", snap, sizeof snap);
        assert_string_equal(snap, "sub/ ");
    }
}

/* A folder where careday must put a file: found before anything moves. */
static void test_folder_in_the_way(void **state)
{
    struct tmp_fixture *f = *state;
    char out[128], path[256], before[8192], after[8192];
    snprintf(out, sizeof out, "%s/out", f->dir);
    old_plan(out);
    snprintf(path, sizeof path, "%s/providers/cardio.ics", out);
    assert_int_equal(mkdir(path, 0755), 0);
    before[0] = '\0';
    snapshot(out, "", before, sizeof before);

    struct out_publish p;
    struct careday_error err = {0};
    new_plan(out, &p);
    assert_int_not_equal(out_publish_commit(&p, NULL, &err), 0);
    out_publish_abort(&p);
    assert_non_null(strstr(err.text, "providers/cardio.ics"));
    after[0] = '\0';
    snapshot(out, "", after, sizeof after);
    assert_string_equal(before, after);
}

static void test_empty_name(void **state)
{
    (void)state;
    struct out_publish p;
    struct careday_error err = {0};
    assert_int_equal(out_publish_begin("", &p, &err), ADAPT_EINPUT);
    assert_non_null(strstr(err.text, "-o: an empty folder name"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_existing_out_each_step_fails, setup,
                                        tmp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_new_out_each_step_fails, setup, tmp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_folder_in_the_way, setup, tmp_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_empty_name, setup, tmp_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
