/*
 * Publishing a plan into OUT whole or not at all.
 *
 * The writers fill a staging folder made inside OUT's real folder (symlinks
 * resolved, so every rename stays on one file system), or beside it when
 * OUT does not exist yet. Then:
 *   1. every name is checked before any is moved: what is in OUT under a
 *      name careday writes must be a file it can replace (not a folder);
 *   2. each file in OUT about to be replaced is hard-linked into the
 *      staging folder, so it can be put back;
 *   3. the new files are moved in, provider calendars first, plan.json last
 *      (its presence and content say which run OUT holds);
 *   4. provider calendars of the earlier plan that the new one has no
 *      appointment for, and a changes.json the new plan does not have, are
 *      moved aside (only now, after every move);
 *   5. the folders are flushed to disk;
 * and a failure in 1-5 puts back every file as it was and removes what was
 * added. A new OUT is the staging folder itself, renamed in one step.
 */
#include "adapters/adapters.h"
#include "adapters/output/outputs.h"
#include "calendars/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PUB_MAX_FILES 4096
#define PUB_PATH 8400 /* a staging path and a name */

/* "a/b" into buf; false when it does not fit. */
static bool join(char *buf, size_t size, const char *a, const char *b)
{
    int n = snprintf(buf, size, "%s/%s", a, b);
    return n >= 0 && (size_t)n < size;
}

static int hook(const struct out_publish_hooks *h, const char *step, const char *name)
{
    return h && h->fail ? h->fail(h->ud, step, name) : 0;
}

static mode_t dir_mode(void)
{
    mode_t m = umask(0);
    umask(m);
    return 0777 & ~m;
}

static int sync_path(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    /* Some file systems cannot sync a folder: that is no failure. */
    int rc = fsync(fd) == 0 || errno == EINVAL || errno == EROFS ? 0 : -1;
    close(fd);
    return rc;
}

/* Remove a folder careday made, with the files in it and in its
 * sub-folders "providers" and ".old/providers". */
static void remove_tree(const char *dir)
{
    static const char *const sub[] = {".old/providers", ".old", "providers", ""};
    char d[PUB_PATH], path[PUB_PATH];
    for (size_t i = 0; i < sizeof sub / sizeof *sub; i++) {
        if (*sub[i] ? !join(d, sizeof d, dir, sub[i]) : snprintf(d, sizeof d, "%s", dir) < 0)
            continue;
        DIR *dp = opendir(d);
        if (!dp)
            continue;
        struct dirent *e;
        while ((e = readdir(dp)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
                join(path, sizeof path, d, e->d_name))
                unlink(path);
        closedir(dp);
        rmdir(d);
    }
}

int out_publish_begin(const char *out, struct out_publish *p, struct careday_error *err)
{
    struct stat st;
    char parent[PATH_MAX], real[PATH_MAX];
    size_t n = strlen(out);

    memset(p, 0, sizeof *p);
    if (n == 0)
        return careday_fail(err, ADAPT_EINPUT, NULL, 0, NULL,
                            "-o: an empty folder name; give the folder to write the plan into");
    if (n >= sizeof p->out)
        return careday_fail(err, ADAPT_EINPUT, out, 0, NULL, "-o: the folder name is too long");
    memcpy(p->out, out, n + 1);
    while (n > 1 && p->out[n - 1] == '/')
        p->out[--n] = '\0';

    if (stat(p->out, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return careday_fail(err, ADAPT_EINPUT, p->out, 0, NULL,
                                "-o: exists and is not a folder; expected a folder for the plan");
        if (!realpath(p->out, real))
            return careday_fail(err, ADAPT_EINTERNAL, p->out, 0, NULL,
                                "cannot resolve the output folder: %s", strerror(errno));
        snprintf(p->target, sizeof p->target, "%s", real);
        p->fresh = false;
        if (!join(p->staging, sizeof p->staging, real, ".careday-staging-XXXXXX"))
            return careday_fail(err, ADAPT_EINPUT, p->out, 0, NULL,
                                "-o: the folder name is too long");
    } else {
        const char *slash = strrchr(p->out, '/');
        const char *base = slash ? slash + 1 : p->out;
        if (!slash)
            snprintf(parent, sizeof parent, ".");
        else if (slash == p->out)
            snprintf(parent, sizeof parent, "/");
        else
            snprintf(parent, sizeof parent, "%.*s", (int)(slash - p->out), p->out);
        if (adapt_make_dirs(parent, err) != 0)
            return ADAPT_EINTERNAL;
        if (!realpath(parent, real))
            return careday_fail(err, ADAPT_EINTERNAL, parent, 0, NULL,
                                "cannot resolve the folder of OUT: %s", strerror(errno));
        int k = snprintf(p->target, sizeof p->target, "%s/%s", real, base);
        int m = snprintf(p->staging, sizeof p->staging, "%s/.%s.careday-XXXXXX", real, base);
        if (k < 0 || (size_t)k >= sizeof p->target || m < 0 || (size_t)m >= sizeof p->staging)
            return careday_fail(err, ADAPT_EINPUT, p->out, 0, NULL,
                                "-o: the folder name is too long");
        p->fresh = true;
    }
    if (!mkdtemp(p->staging)) {
        int e = errno;
        p->staging[0] = '\0';
        return careday_fail(err, ADAPT_EINTERNAL, p->out, 0, NULL,
                            "cannot create a staging folder for the plan: %s", strerror(e));
    }
    char prov[sizeof p->staging + 16];
    if (!join(prov, sizeof prov, p->staging, "providers") || mkdir(prov, 0700) != 0) {
        int e = errno;
        out_publish_abort(p);
        return careday_fail(err, ADAPT_EINTERNAL, p->out, 0, NULL,
                            "cannot create a staging folder for the plan: %s", strerror(e));
    }
    return 0;
}

void out_publish_abort(struct out_publish *p)
{
    if (p->staging[0])
        remove_tree(p->staging);
    p->staging[0] = '\0';
}

/* The staged files: "providers/x.ics" first, then the top-level files,
 * plan.json last. */
struct names {
    char **v;
    size_t n, cap;
};

/* Append name to s, which owns it from then on; -1 when out of memory (name
 * is then still the caller's). */
static int names_push(struct names *s, char *name)
{
    if (cal_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v))
        return -1;
    s->v[s->n++] = name;
    return 0;
}

static void names_free(struct names *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

static int list_dir(const char *dir, const char *prefix, const char *skip, struct names *s)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(dp))) {
        char full[PUB_PATH];
        struct stat st;
        if (e->d_name[0] == '.' || (skip && strcmp(e->d_name, skip) == 0))
            continue;
        if (!join(full, sizeof full, dir, e->d_name) || lstat(full, &st) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        size_t k = strlen(prefix) + strlen(e->d_name) + 1;
        char *name = s->n < PUB_MAX_FILES ? cal_malloc(k) : NULL;
        if (name)
            snprintf(name, k, "%s%s", prefix, e->d_name);
        if (!name || names_push(s, name) != 0) {
            free(name);
            rc = -1;
            break;
        }
    }
    closedir(dp);
    return rc;
}

/* What a publishing step did, so that it can be undone. */
enum done { DONE_NOTHING, DONE_MOVED_NEW, DONE_MOVED_OVER, DONE_ASIDE };

static void undo(const struct out_publish *p, const struct names *s, const enum done *done,
                 bool made_providers)
{
    char to[PUB_PATH], old[PUB_PATH];
    for (size_t i = s->n; i-- > 0;) {
        if (!join(to, sizeof to, p->target, s->v[i]))
            continue;
        snprintf(old, sizeof old, "%s/.old/%s", p->staging, s->v[i]);
        if (done[i] == DONE_MOVED_NEW)
            unlink(to);
        else if (done[i] == DONE_MOVED_OVER || done[i] == DONE_ASIDE)
            rename(old, to);
    }
    if (made_providers && join(to, sizeof to, p->target, "providers"))
        rmdir(to);
    if (join(to, sizeof to, p->target, "providers"))
        sync_path(to);
    sync_path(p->target);
}

static int commit_fresh(struct out_publish *p, const struct out_publish_hooks *h,
                        struct careday_error *err)
{
    char prov[sizeof p->staging + 16], parent[PATH_MAX];
    mode_t mode = dir_mode();
    const char *step = "cannot make the plan's folder readable";
    int e = 0;

    snprintf(prov, sizeof prov, "%s/providers", p->staging);
    if ((e = hook(h, "chmod", "")) != 0 || chmod(p->staging, mode) != 0 || chmod(prov, mode) != 0)
        goto fail;
    step = "cannot flush the plan to disk";
    if ((e = hook(h, "sync", "")) != 0 || sync_path(prov) != 0 || sync_path(p->staging) != 0)
        goto fail;
    step = "cannot move the plan into place";
    if ((e = hook(h, "rename", "")) != 0 || rename(p->staging, p->target) != 0)
        goto fail;
    p->staging[0] = '\0';
    snprintf(parent, sizeof parent, "%s", p->target);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        sync_path(parent); /* the new name is in place; its durability is best effort */
    }
    return 0;
fail:
    if (e == 0)
        e = errno;
    return careday_fail(err, ADAPT_EINTERNAL, p->out, 0, NULL, "%s: %s (nothing was written)", step,
                        strerror(e));
}

/* Long on purpose: the numbered steps of one all-or-nothing publication share the list of what
 * to put back on failure; kept together so their order can be checked at a glance. */
int out_publish_commit(struct out_publish *p, const struct out_publish_hooks *h,
                       struct careday_error *err)
{
    if (!p->staging[0])
        return careday_fail(err, ADAPT_EINTERNAL, p->out, 0, NULL, "nothing staged to publish");
    if (p->fresh)
        return commit_fresh(p, h, err);

    struct names s = {0};
    char from[PUB_PATH], to[PUB_PATH], old[PUB_PATH], dir[PUB_PATH];
    enum done *done = NULL;
    bool made_providers = false;
    int rc = 0, e = 0;
    const char *step = "";
    const char *name = "";
    struct stat st;

    /* The staged names, plan.json last; then the earlier plan's provider
     * calendars that the new plan does not replace (to be moved aside). */
    snprintf(dir, sizeof dir, "%s/providers", p->staging);
    if (list_dir(dir, "providers/", NULL, &s) != 0 ||
        list_dir(p->staging, "", "plan.json", &s) != 0)
        goto oom;
    snprintf(from, sizeof from, "%s/plan.json", p->staging);
    if (lstat(from, &st) == 0) {
        char *pj = cal_strdup("plan.json");
        if (!pj || names_push(&s, pj) != 0) {
            free(pj);
            goto oom;
        }
    }
    size_t nnew = s.n;
    snprintf(dir, sizeof dir, "%s/providers", p->target);
    struct names old_prov = {0};
    if (list_dir(dir, "providers/", NULL, &old_prov) == 0) {
        for (size_t i = 0; i < old_prov.n; i++) {
            size_t k = strlen(old_prov.v[i]);
            bool mine = false;
            for (size_t j = 0; j < nnew && !mine; j++)
                mine = strcmp(s.v[j], old_prov.v[i]) == 0;
            if (mine || k < 5 || strcmp(old_prov.v[i] + k - 4, ".ics") != 0)
                continue;
            if (names_push(&s, old_prov.v[i]) != 0) {
                names_free(&old_prov);
                goto oom;
            }
            old_prov.v[i] = NULL;
        }
    }
    names_free(&old_prov);
    /* A changes.json of an earlier run describes another plan. */
    {
        bool staged = false;
        for (size_t j = 0; j < nnew && !staged; j++)
            staged = strcmp(s.v[j], "changes.json") == 0;
        join(to, sizeof to, p->target, "changes.json");
        if (!staged && lstat(to, &st) == 0 && S_ISREG(st.st_mode)) {
            char *cj = cal_strdup("changes.json");
            if (!cj || names_push(&s, cj) != 0) {
                free(cj);
                goto oom;
            }
        }
    }
    done = cal_calloc(s.n ? s.n : 1, sizeof *done);
    if (!done)
        goto oom;

    /* 1. Check every name before moving any. */
    step = "cannot publish the plan";
    name = "providers";
    if (join(to, sizeof to, p->target, "providers") && lstat(to, &st) == 0 &&
        !S_ISDIR(st.st_mode)) {
        rc = careday_fail(err, ADAPT_EINTERNAL, p->out, 0, NULL,
                          "providers is not a folder; the plan puts provider calendars in a "
                          "folder of that name: move it away and plan again (the folder was "
                          "left as it was)");
        goto done;
    }
    for (size_t i = 0; i < nnew; i++) {
        name = s.v[i];
        if ((e = hook(h, "check", name)) != 0)
            goto fail;
        if (!join(to, sizeof to, p->target, name)) {
            e = ENAMETOOLONG;
            goto fail;
        }
        if (lstat(to, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
            rc = careday_fail(err, ADAPT_EINTERNAL, p->out, 0, NULL,
                              "%s is %s where the plan has a file: move it away and plan again "
                              "(the folder was left as it was)",
                              name, S_ISDIR(st.st_mode) ? "a folder" : "not a regular file");
            goto done;
        }
    }

    /* 2. Keep what will be replaced, to put it back on failure. */
    step = "cannot keep the earlier plan's files aside";
    snprintf(dir, sizeof dir, "%s/.old", p->staging);
    name = ".old";
    if ((e = hook(h, "backup", name)) != 0 || mkdir(dir, 0700) != 0)
        goto fail;
    snprintf(dir, sizeof dir, "%s/.old/providers", p->staging);
    if (mkdir(dir, 0700) != 0)
        goto fail;
    if (join(to, sizeof to, p->target, "providers") && lstat(to, &st) != 0) {
        step = "cannot create the providers folder";
        name = "providers";
        if ((e = hook(h, "mkdir", name)) != 0 || mkdir(to, dir_mode()) != 0)
            goto fail;
        made_providers = true;
    }
    step = "cannot keep the earlier plan's files aside";
    for (size_t i = 0; i < nnew; i++) {
        name = s.v[i];
        join(to, sizeof to, p->target, name);
        snprintf(old, sizeof old, "%s/.old/%s", p->staging, name);
        if (lstat(to, &st) != 0)
            continue;
        if ((e = hook(h, "backup", name)) != 0 || link(to, old) != 0)
            goto fail;
    }

    /* 3. Move the new files in, plan.json last. */
    step = "cannot move into place";
    for (size_t i = 0; i < nnew; i++) {
        name = s.v[i];
        join(from, sizeof from, p->staging, name);
        join(to, sizeof to, p->target, name);
        snprintf(old, sizeof old, "%s/.old/%s", p->staging, name);
        bool over = lstat(old, &st) == 0;
        if ((e = hook(h, "move", name)) != 0 || rename(from, to) != 0)
            goto fail;
        done[i] = over ? DONE_MOVED_OVER : DONE_MOVED_NEW;
    }

    /* 4. Only now: the earlier plan's calendars that have no successor. */
    step = "cannot remove a file of the earlier plan";
    for (size_t i = nnew; i < s.n; i++) {
        name = s.v[i];
        join(to, sizeof to, p->target, name);
        snprintf(old, sizeof old, "%s/.old/%s", p->staging, name);
        if ((e = hook(h, "stale", name)) != 0 || rename(to, old) != 0)
            goto fail;
        done[i] = DONE_ASIDE;
    }

    /* 5. Flush the folders. */
    step = "cannot flush the plan to disk";
    name = "";
    if ((e = hook(h, "sync", name)) != 0 || !join(dir, sizeof dir, p->target, "providers") ||
        sync_path(dir) != 0 || sync_path(p->target) != 0)
        goto fail;

    out_publish_abort(p); /* removes the staging folder and what was kept aside */
    goto done;

oom:
    rc = careday_fail(err, ADAPT_EINTERNAL, p->out, 0, NULL,
                      "out of memory while publishing the plan (nothing was changed)");
    goto done;
fail:
    if (e == 0)
        e = errno;
    if (done)
        undo(p, &s, done, made_providers);
    rc = careday_fail(err, ADAPT_EINTERNAL, p->out, 0, NULL,
                      "%s: %s%s%s (the folder was left as it was)", step, *name ? name : "",
                      *name ? ": " : "", strerror(e));
done:
    free(done);
    names_free(&s);
    return rc;
}

/* The provider UID key of this plan: given, else from the earlier plan,
 * else from the plan already in OUT, else new. */
static int settle_uid_key(const struct out_publish *p, const struct out_options *o, char *key,
                          size_t size, struct careday_error *err)
{
    char in_out[sizeof p->target + 16];
    if (o->uid_key) {
        snprintf(key, size, "%s", o->uid_key);
        return 0;
    }
    if (o->previous_plan && out_uid_key_of_plan(o->previous_plan, key, size) == 0)
        return 0;
    snprintf(in_out, sizeof in_out, "%s/plan.json", p->target);
    if (!p->fresh && out_uid_key_of_plan(in_out, key, size) == 0)
        return 0;
    return out_uid_key_new(key, size, err);
}

/* A writer's message names the file it was writing in the staging folder,
 * a name the user never sees: name the same file in OUT instead. */
static void name_in_out(const struct out_publish *p, struct careday_error *err)
{
    size_t k = strlen(p->staging), n = strlen(p->out), rest;

    if (!err || !k || strncmp(err->file, p->staging, k) != 0 ||
        (err->file[k] != '/' && err->file[k] != '\0'))
        return;
    rest = strlen(err->file + k);
    if (n + rest >= sizeof err->file)
        return; /* too long to say with OUT: keep the full name */
    memmove(err->file + n, err->file + k, rest + 1);
    memcpy(err->file, p->out, n);
}

int out_publish(const char *out, const struct sched_case *c, const struct sched_plan *plan,
                const struct sched_plan *baseline, const struct out_options *o,
                struct careday_error *err)
{
    struct out_publish p;
    struct out_options oo = *o;
    char key[2 * OUT_UID_KEY_BYTES + 1];
    int rc = out_publish_begin(out, &p, err);
    if (rc)
        return rc;
    if ((rc = settle_uid_key(&p, o, key, sizeof key, err)))
        goto done;
    oo.uid_key = key;
    if (oo.changes && (rc = out_write_changes_json(p.staging, c, plan, oo.changes, &oo, err)))
        goto done;
    if ((rc = out_write_calendars(p.staging, c, plan, &oo, err)) ||
        (rc = out_write_itinerary(p.staging, c, plan, baseline, &oo, err)) ||
        (rc = out_write_plan_json(p.staging, c, plan, baseline, &oo, err))) {
        if (rc != ADAPT_EINPUT && rc != ADAPT_EFETCH)
            rc = ADAPT_EINTERNAL;
        goto done;
    }
    rc = out_publish_commit(&p, NULL, err);
done:
    if (rc)
        name_in_out(&p, err);
    out_publish_abort(&p);
    return rc;
}
