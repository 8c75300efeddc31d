/*
 * Publishing a plan (docs/cli.md): every file is first written into a
 * staging folder next to OUT; only when all of them are written are they
 * moved into OUT, one rename each, plan.json last. A failure leaves OUT as it
 * was. Shared by `careday plan`, `careday confirm` and `careday cancel`.
 */
#include "adapters/adapters.h"
#include "adapters/output/outputs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p. */
static int make_dirs(const char *path, struct careday_error *err)
{
    char buf[4096];
    size_t i, n = strlen(path);

    if (n == 0 || n >= sizeof buf)
        return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL, "unusable output folder name");
    memcpy(buf, path, n + 1);
    for (i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char saved = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return careday_fail(err, ADAPT_EINTERNAL, buf, 0, NULL,
                                    "cannot create the output folder: %s", strerror(errno));
            buf[i] = saved;
        }
    }
    {
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            return careday_fail(err, ADAPT_EINTERNAL, path, 0, NULL,
                                "exists and is not a folder; expected an output folder");
    }
    return 0;
}

/* "a/b" (b empty: "a") into buf; false when it does not fit. */
static bool join_path(char *buf, size_t size, const char *a, const char *b)
{
    int n = *b ? snprintf(buf, size, "%s/%s", a, b) : snprintf(buf, size, "%s", a);
    return n >= 0 && (size_t)n < size;
}

static void remove_staging(const char *dir)
{
    char d[4400], path[4700];
    const char *sub[] = {"providers", ""};
    for (int i = 0; i < 2; i++) {
        if (!join_path(d, sizeof d, dir, sub[i]))
            continue;
        DIR *dp = opendir(d);
        if (!dp)
            continue;
        struct dirent *e;
        while ((e = readdir(dp)))
            if (e->d_name[0] != '.' && join_path(path, sizeof path, d, e->d_name))
                unlink(path);
        closedir(dp);
        rmdir(d);
    }
}

static int move_one(const char *from_dir, const char *to_dir, const char *name,
                    struct careday_error *err)
{
    char from[4700], to[4700];
    struct stat st;
    if (!join_path(from, sizeof from, from_dir, name) || !join_path(to, sizeof to, to_dir, name))
        return careday_fail(err, ADAPT_EINTERNAL, to_dir, 0, NULL, "path too long for %s", name);
    if (stat(from, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    if (rename(from, to) != 0)
        return careday_fail(err, ADAPT_EINTERNAL, to, 0, NULL, "cannot move into place: %s",
                            strerror(errno));
    return 0;
}

/* Move the files of staging/sub into out/sub (rename: atomic per file),
 * the file named last after all others. */
static int move_files(const char *staging, const char *out, const char *sub, const char *last,
                      struct careday_error *err)
{
    char from_dir[4400], to_dir[4400];
    if (!join_path(from_dir, sizeof from_dir, staging, sub) ||
        !join_path(to_dir, sizeof to_dir, out, sub))
        return careday_fail(err, ADAPT_EINTERNAL, out, 0, NULL, "path too long");
    DIR *dp = opendir(from_dir);
    if (!dp)
        return 0;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(dp)))
        if (e->d_name[0] != '.' && !(last && strcmp(e->d_name, last) == 0))
            rc = move_one(from_dir, to_dir, e->d_name, err);
    closedir(dp);
    if (rc == 0 && last)
        rc = move_one(from_dir, to_dir, last, err);
    return rc;
}

/* Provider calendars from an earlier plan whose provider has no appointment
 * now would tell a clinic about visits that moved away: remove them. */
static void remove_stale_providers(const char *staging, const char *out)
{
    char dir[4400], sdir[4400], mine[4700], theirs[4700];
    if (!join_path(dir, sizeof dir, out, "providers") ||
        !join_path(sdir, sizeof sdir, staging, "providers"))
        return;
    DIR *dp = opendir(dir);
    if (!dp)
        return;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 5 || strcmp(e->d_name + n - 4, ".ics") != 0)
            continue;
        if (join_path(mine, sizeof mine, sdir, e->d_name) &&
            join_path(theirs, sizeof theirs, dir, e->d_name) && access(mine, F_OK) != 0)
            unlink(theirs);
    }
    closedir(dp);
}

int out_publish(const char *out, const struct sched_case *c, const struct sched_plan *plan,
                const struct sched_plan *baseline, const struct out_options *o,
                struct careday_error *err)
{
    char staging[4200] = "", prov[4400], parent[4096];
    int rc;

    /* Stage next to OUT (same file system, so renames stay atomic). */
    snprintf(parent, sizeof parent, "%s", out);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        if ((rc = make_dirs(parent, err)))
            return rc;
    }
    if (snprintf(staging, sizeof staging, "%s.careday-XXXXXX", out) >= (int)sizeof staging ||
        !mkdtemp(staging))
        return careday_fail(err, ADAPT_EINTERNAL, out, 0, NULL,
                            "cannot create a staging folder next to it: %s", strerror(errno));
    if (!join_path(prov, sizeof prov, staging, "providers")) {
        rc = careday_fail(err, ADAPT_EINPUT, out, 0, NULL, "-o: the folder name is too long");
        goto done;
    }
    if ((rc = make_dirs(prov, err)))
        goto done;
    if (o->changes && (rc = out_write_changes_json(staging, c, plan, o->changes, o, err)))
        goto done;
    if ((rc = out_write_calendars(staging, c, plan, o, err)) ||
        (rc = out_write_itinerary(staging, c, plan, baseline, o, err)) ||
        (rc = out_write_plan_json(staging, c, plan, baseline, o, err))) {
        if (rc != ADAPT_EINPUT && rc != ADAPT_EFETCH)
            rc = ADAPT_EINTERNAL;
        goto done;
    }
    /* Everything is written: move it into OUT, plan.json last (its
     * presence and content say which run OUT holds). */
    if (!join_path(prov, sizeof prov, out, "providers")) {
        rc = careday_fail(err, ADAPT_EINPUT, out, 0, NULL, "-o: the folder name is too long");
        goto done;
    }
    if ((rc = make_dirs(out, err)) || (rc = make_dirs(prov, err)))
        goto done;
    remove_stale_providers(staging, out);
    if (!o->changes) { /* a changes.json of an earlier run would describe another plan */
        char stale[4300];
        if (join_path(stale, sizeof stale, out, "changes.json"))
            unlink(stale);
    }
    if ((rc = move_files(staging, out, "providers", NULL, err)) ||
        (rc = move_files(staging, out, "", "plan.json", err)))
        goto done;
done:
    remove_staging(staging);
    return rc;
}
