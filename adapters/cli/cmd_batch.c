/*
 * `careday batch` (docs/batch.md): plan a caseload of families that share
 * providers' capacity, write every family's plan, one calendar per provider
 * over all families, caseload-plan.json and report.html. Also --components
 * (families that share no provider, to plan apart), --component K (plan one
 * of them) and --merge (join the parts).
 *
 * OUT is written whole or not at all: everything goes into a staging folder
 * beside OUT, which then takes OUT's place with two renames; an earlier
 * batch plan in OUT is removed only after that.
 */
#define _XOPEN_SOURCE 700
#include "adapters/adapters.h"
#include "adapters/cli/batch_pool.h"
#include "adapters/json_file.h"
#include "adapters/cli/cli_internal.h"
#include "adapters/cli/commands.h"
#include "adapters/output/outputs.h"
#include "calendars/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char usage_batch[] =
    "Usage: careday batch CASELOAD.json [options]\n"
    "       careday batch CASELOAD.json --components [--json]\n"
    "       careday batch --merge OUT1 OUT2 ... -o OUT\n"
    "\n"
    "Plans every family of a caseload together: providers shared between\n"
    "families see at most their capacity of patients at a time.\n"
    "\n"
    "  -o, --out DIR          write the plans here (default careday-batch)\n"
    "  --time-limit SECONDS   stop the search after this long (default 60)\n"
    "  --jobs N               worker processes (default: the number of cores)\n"
    "  --seed S               seed of the search (default 1); the same seed and\n"
    "                         jobs give the same plans (docs/batch.md)\n"
    "  --components           list the groups of families that share no provider\n"
    "  --component K          plan only group K (0-based, as --components lists)\n"
    "  --merge OUT...         join parts planned with --component into -o OUT\n"
    "  --json                 print a JSON summary instead of text\n"
    "  --quiet                print nothing but errors and warnings\n"
    "\n"
    "Exit codes: 0 all placed, 3 some visits unscheduled, 2 bad input,\n"
    "4 a source could not be fetched, 1 internal error.\n";

struct batch_args {
    const char *caseload;
    const char *out;
    double time_limit_s;
    long jobs;
    unsigned long long seed;
    long component; /* -1: all */
    bool components, json, quiet;
    const char **merge;
    size_t nmerge;
};

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int parse_args(int argc, char **argv, struct batch_args *a)
{
    memset(a, 0, sizeof *a);
    a->out = "careday-batch";
    a->time_limit_s = 60;
    a->component = -1;
    a->seed = 1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    a->jobs = cores > 0 ? cores : 1;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage_batch, stdout);
            return -1;
        }
        if (strcmp(argv[i], "--json") == 0) {
            a->json = true;
        } else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            a->quiet = true;
        } else if (strcmp(argv[i], "--components") == 0) {
            a->components = true;
        } else if (strcmp(argv[i], "--merge") == 0) {
            a->merge = (const char **)&argv[i + 1];
            while (i + 1 < argc && argv[i + 1][0] != '-') {
                a->nmerge++;
                i++;
            }
            if (a->nmerge == 0)
                return cli_usage_error(usage_batch,
                                       "--merge needs the output folders of the parts");
        } else if ((r = cli_opt_value(argc, argv, &i, "--out", "-o", &v)) != 0) {
            if (r < 0 || !*v)
                return cli_usage_error(usage_batch, "%s needs a folder name", argv[i]);
            a->out = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--time-limit", NULL, &v)) != 0) {
            char *end;
            errno = 0;
            a->time_limit_s = r < 0 ? 0 : strtod(v, &end);
            if (r < 0 || errno || end == v || *end || !(a->time_limit_s > 0) ||
                a->time_limit_s > 86400)
                return cli_usage_error(
                    usage_batch, "--time-limit: expected seconds (more than 0, at most 86400)");
        } else if ((r = cli_opt_value(argc, argv, &i, "--jobs", "-j", &v)) != 0) {
            if (r < 0 || !parse_long(v, 1, 64, &a->jobs))
                return cli_usage_error(usage_batch,
                                       "--jobs: expected a number of processes from 1 to 64");
        } else if ((r = cli_opt_value(argc, argv, &i, "--seed", NULL, &v)) != 0) {
            long s;
            if (r < 0 || !parse_long(v, 0, 2147483647L, &s))
                return cli_usage_error(usage_batch,
                                       "--seed: expected a whole number from 0 to 2147483647");
            a->seed = (unsigned long long)s;
        } else if ((r = cli_opt_value(argc, argv, &i, "--component", NULL, &v)) != 0) {
            if (r < 0 || !parse_long(v, 0, 1000000, &a->component))
                return cli_usage_error(
                    usage_batch, "--component: expected a component number (see --components)");
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error(usage_batch, "unknown option %s", argv[i]);
        } else if (!a->caseload) {
            a->caseload = argv[i];
        } else {
            return cli_usage_error(usage_batch, "one caseload at a time; extra argument \"%s\"",
                                   argv[i]);
        }
    }
    if (a->merge && (a->caseload || a->components || a->component >= 0))
        return cli_usage_error(usage_batch, "--merge takes only the parts' folders and -o OUT");
    if (!a->merge && !a->caseload)
        return cli_usage_error(usage_batch, "missing the caseload file");
    return 0;
}

/* ---------------------------------------------------------------------------
 * Files: staging, publishing, copying parts.
 */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* Remove a folder careday wrote (staging or an earlier batch plan). */
static void rm_tree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* OUT must be new, empty, or an earlier batch plan (never someone's folder). */
static int check_out(const char *out, struct careday_error *err)
{
    struct stat st;
    char marker[4200];
    if (stat(out, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return careday_fail(err, ADAPT_EINPUT, out, 0, NULL,
                            "-o: exists and is not a folder; expected a folder for the plans");
    snprintf(marker, sizeof marker, "%s/caseload-plan.json", out);
    if (is_file(marker))
        return 0;
    DIR *d = opendir(out);
    struct dirent *e;
    bool empty = true;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = false;
    if (d)
        closedir(d);
    if (!empty)
        return careday_fail(err, ADAPT_EINPUT, out, 0, NULL,
                            "-o: the folder is not empty and holds no earlier batch plan "
                            "(caseload-plan.json); choose a new or empty folder");
    return 0;
}

static int make_staging(const char *out, char *staging, size_t size, struct careday_error *err)
{
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", out);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        int rc = adapt_make_dirs(parent, err);
        if (rc)
            return rc;
    }
    if (snprintf(staging, size, "%s.careday-XXXXXX", out) >= (int)size || !mkdtemp(staging)) {
        staging[0] = '\0';
        return careday_fail(err, ADAPT_EINTERNAL, out, 0, NULL,
                            "cannot create a staging folder next to it: %s", strerror(errno));
    }
    chmod(staging, 0755);
    return 0;
}

/* Staging takes OUT's place: OUT (if any) is renamed aside, staging renamed
 * to OUT, the old one removed. On failure OUT is put back. */
static int publish(const char *staging, const char *out, struct careday_error *err)
{
    char old[4200] = "";
    struct stat st;
    if (stat(out, &st) == 0) {
        if (snprintf(old, sizeof old, "%s.careday-old-XXXXXX", out) >= (int)sizeof old ||
            !mkdtemp(old))
            return careday_fail(err, ADAPT_EINTERNAL, out, 0, NULL,
                                "cannot make room to replace it: %s", strerror(errno));
        if (rename(out, old) != 0) {
            int saved = errno;
            rmdir(old);
            return careday_fail(err, ADAPT_EINTERNAL, out, 0, NULL, "cannot replace it: %s",
                                strerror(saved));
        }
    }
    if (rename(staging, out) != 0) {
        int saved = errno;
        if (old[0])
            rename(old, out);
        return careday_fail(err, ADAPT_EINTERNAL, out, 0, NULL,
                            "cannot move the plans into place: %s", strerror(saved));
    }
    if (old[0])
        rm_tree(old);
    return 0;
}

static int copy_file(const char *from, const char *to, struct careday_error *err)
{
    char *data = NULL;
    size_t n = 0;
    int rc = cal_read_regular(from, "a file to copy", SIZE_MAX / 4, &data, &n, err);
    if (rc)
        return rc == CAL_ENOMEM ? ADAPT_EINTERNAL : ADAPT_EINPUT;
    rc = adapt_write_atomic(to, data, n, err);
    free(data);
    return rc;
}

/* Copy the regular files of from/ into to/ (one level), or of its
 * sub-folders too when deep. */
static int copy_dir(const char *from, const char *to, bool deep, struct careday_error *err)
{
    DIR *d = opendir(from);
    if (!d)
        return 0;
    int rc = adapt_make_dirs(to, err);
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        char a[4400], b[4400];
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        snprintf(a, sizeof a, "%s/%s", from, e->d_name);
        snprintf(b, sizeof b, "%s/%s", to, e->d_name);
        if (stat(a, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && deep)
            rc = copy_dir(a, b, false, err);
        else if (S_ISREG(st.st_mode))
            rc = copy_file(a, b, err);
    }
    closedir(d);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Terminal.
 */

struct progress {
    bool quiet, tty, shown;
    double last;
};

static void on_progress(void *ud, const struct sched_batch_progress *p)
{
    struct progress *pr = ud;
    if (pr->quiet)
        return;
    if (pr->shown && p->elapsed_s - pr->last < (pr->tty ? 0.25 : 5.0))
        return;
    if (!pr->tty && p->elapsed_s < 1.0)
        return;
    pr->last = p->elapsed_s;
    pr->shown = true;
    if (pr->tty)
        fprintf(stderr,
                "\rPlanning... %.1f s, %zu of %zu families planned, objective %.0f, bound %.0f, "
                "gap %.2f%%\033[K",
                p->elapsed_s, p->solved, p->families, p->objective, p->bound, 100.0 * p->gap);
    else
        fprintf(stderr,
                "careday: batch: %.1f s, %zu of %zu families planned, objective %.0f, bound %.0f, "
                "gap %.2f%%\n",
                p->elapsed_s, p->solved, p->families, p->objective, p->bound, 100.0 * p->gap);
    fflush(stderr);
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int read_now(cal_time *now, struct careday_error *err)
{
    const char *env = getenv("CAREDAY_NOW");
    if (env && *env) {
        if (cal_parse_rfc3339(env, now) != 0)
            return careday_fail(err, ADAPT_EINPUT, NULL, 0, NULL,
                                "CAREDAY_NOW=\"%s\": expected an RFC 3339 instant", env);
        return 0;
    }
    *now = (cal_time)time(NULL);
    return 0;
}

/* A case id as a folder name: letters, digits, '.', '_' and '-' kept. */
static void folder_name(const char *id, size_t index, char *buf, size_t size)
{
    size_t k = 0;
    for (const char *s = id; *s && k + 1 < size; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        buf[k++] = ok ? c : '_';
    }
    buf[k] = '\0';
    if (k == 0 || buf[0] == '.')
        snprintf(buf, size, "case-%zu", index + 1);
}

/* The JSON path of booking `id` in a case file: the booked[] entry with that
 * id, else the first file of FHIR Appointments (whose ids name bookings),
 * else "booked". */
static void booking_path(const char *file, const char *id, char *buf, size_t size)
{
    json_t *root = NULL;
    snprintf(buf, size, "booked");
    if (adapt_json_file(file, "a case file", &root, NULL) != 0)
        return;
    const json_t *booked = json_object_get(root, "booked"), *e;
    size_t i;
    long fhir = -1;
    json_array_foreach(booked, i, e)
    {
        const char *eid = json_string_value(json_object_get(e, "id"));
        if (eid && strcmp(eid, id) == 0) {
            snprintf(buf, size, "booked[%zu]", i);
            fhir = -1;
            break;
        }
        if (fhir < 0 && json_object_get(e, "fhir") && json_object_get(e, "provider_map"))
            fhir = (long)i;
    }
    if (fhir >= 0)
        snprintf(buf, size, "booked[%ld]", fhir);
    json_decref(root);
}

/* Two families' fixed bookings over a provider's capacity: bad input, said
 * before planning with both files and both bookings. */
static int overbooked_error(const struct adapt_caseload *cl, const sched_batch *b,
                            const struct sched_batch_overbooking *ob, struct careday_error *err)
{
    const struct sched_case *ca = sched_batch_case(b, ob->case_a);
    const struct sched_case *cb = sched_batch_case(b, ob->case_b);
    const struct sched_visit *va = &ca->visits[ob->visit_a], *vb = &cb->visits[ob->visit_b];
    int cap = sched_batch_capacity(b, (size_t)ob->provider);
    char pa[64], pb[64], ta[40], tb[40];
    booking_path(cl->resolved[ob->case_a], va->id, pa, sizeof pa);
    booking_path(cl->resolved[ob->case_b], vb->id, pb, sizeof pb);
    cal_format_rfc3339(va->booked_start, cal_tz_offset(ca->tz, va->booked_start), false, ta,
                       sizeof ta);
    cal_format_rfc3339(vb->booked_start, cal_tz_offset(cb->tz, vb->booked_start), false, tb,
                       sizeof tb);
    return careday_fail(
        err, ADAPT_EINPUT, cl->resolved[ob->case_b], 0, pb,
        "booking \"%s\" (%s, %d min) and booking \"%s\" of %s (%s, %s, %d min) both hold "
        "provider \"%s\", who sees %d patient%s at a time%s; both are fixed, so no plan can keep "
        "them: correct one of the times, make one \"movable\", or give the provider a larger "
        "\"capacity\" in every case",
        vb->id, tb, vb->minutes, va->id,
        ob->case_a == ob->case_b ? "the same case" : cl->resolved[ob->case_a], pa, ta, va->minutes,
        sched_batch_provider_id(b, (size_t)ob->provider), cap, cap == 1 ? "" : "s",
        ob->load > 2 ? " (and others overlap them)" : "");
}

/* ---------------------------------------------------------------------------
 * The parts of the command.
 */

static int cmd_merge(const struct batch_args *a)
{
    struct careday_error err = {0};
    char staging[4200] = "", out[4096];
    const char **docs = cal_calloc(a->nmerge, sizeof *docs);
    char **paths = cal_calloc(a->nmerge, sizeof *paths);
    int rc = 0;
    snprintf(out, sizeof out, "%s", a->out);
    if (!docs || !paths) {
        rc = careday_fail(&err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < a->nmerge && !rc; i++) {
        size_t n = strlen(a->merge[i]) + sizeof "/caseload-plan.json";
        paths[i] = cal_malloc(n);
        if (!paths[i]) {
            rc = careday_fail(&err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
            break;
        }
        snprintf(paths[i], n, "%s/caseload-plan.json", a->merge[i]);
        docs[i] = paths[i];
        if (!is_file(paths[i]))
            rc = careday_fail(&err, ADAPT_EINPUT, a->merge[i], 0, NULL,
                              "--merge: no caseload-plan.json here; expected the output folder "
                              "of careday batch --component K");
    }
    if (rc || (rc = check_out(out, &err)) ||
        (rc = make_staging(out, staging, sizeof staging, &err)))
        goto done;
    for (size_t i = 0; i < a->nmerge && !rc; i++) {
        char from[4400], to[4400];
        snprintf(from, sizeof from, "%s/families", a->merge[i]);
        snprintf(to, sizeof to, "%s/families", staging);
        rc = copy_dir(from, to, true, &err);
        snprintf(from, sizeof from, "%s/providers", a->merge[i]);
        snprintf(to, sizeof to, "%s/providers", staging);
        if (!rc)
            rc = copy_dir(from, to, false, &err);
    }
    if (!rc)
        rc = out_merge_caseloads(staging, docs, a->nmerge, &err);
    if (!rc)
        rc = publish(staging, out, &err);
    if (!rc) {
        staging[0] = '\0';
        if (!a->quiet)
            printf("Merged %zu part%s into %s/caseload-plan.json and %s/report.html\n", a->nmerge,
                   a->nmerge == 1 ? "" : "s", out, out);
    }
done:
    if (staging[0])
        rm_tree(staging);
    for (size_t i = 0; paths && i < a->nmerge; i++)
        free(paths[i]);
    free(paths);
    free(docs);
    if (rc) {
        cli_print_error(&err);
        return adapt_exit_code(rc);
    }
    return CLI_EXIT_OK;
}

static void print_components(const struct adapt_caseload *cl, const int *comp, size_t ncomp,
                             bool json)
{
    if (json) {
        json_t *arr = json_array();
        for (size_t k = 0; k < ncomp; k++) {
            json_t *cases = json_array();
            for (size_t f = 0; f < cl->n; f++)
                if (comp[f] == (int)k)
                    json_array_append_new(cases, json_string(cl->listed[f]));
            json_array_append_new(arr,
                                  json_pack("{s:i, s:o}", "component", (int)k, "cases", cases));
        }
        json_t *doc = json_pack("{s:s, s:i, s:o}", "caseload", cl->path, "components", (int)ncomp,
                                "parts", arr);
        char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s)
            puts(s);
        free(s);
        json_decref(doc);
        return;
    }
    printf("%zu component%s (families that share no provider can be planned apart):\n", ncomp,
           ncomp == 1 ? "" : "s");
    for (size_t k = 0; k < ncomp; k++) {
        size_t count = 0;
        for (size_t f = 0; f < cl->n; f++)
            count += comp[f] == (int)k;
        printf("  %zu: %zu famil%s:", k, count, count == 1 ? "y" : "ies");
        for (size_t f = 0; f < cl->n; f++)
            if (comp[f] == (int)k)
                printf(" %s", cl->listed[f]);
        printf("\n");
    }
}

/* The key of the providers' calendar UIDs: the one an earlier batch plan in
 * OUT keeps in its caseload-plan.json (so re-planning keeps every UID), else
 * a new random one. */
static int settle_uid_key(const char *out, char *key, size_t size, struct careday_error *err)
{
    char earlier[4200];
    snprintf(earlier, sizeof earlier, "%s/caseload-plan.json", out);
    if (is_file(earlier) && out_uid_key_of_plan(earlier, key, size) == 0)
        return 0;
    return out_uid_key_new(key, size, err);
}

/* Every family's files, the providers' calendars, caseload-plan.json and
 * report.html into dir. */
static int write_all(const char *dir, const struct batch_args *a, const struct adapt_caseload *cl,
                     const sched_batch *b, struct sched_batch_result *res, const bool *active,
                     cal_time now, long load_ms, const char *uid_key, struct careday_error *err)
{
    struct out_options oo = {0}, po;
    struct out_batch_family *fam = cal_calloc(cl->n, sizeof *fam);
    char(*names)[600] = cal_calloc(cl->n, sizeof *names);
    const struct sched_case **cases = cal_calloc(cl->n, sizeof *cases);
    int rc = 0;
    size_t nf = 0;
    oo.now = now;
    oo.no_provider_files = true;
    if (!fam || !names || !cases) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t f = 0; f < cl->n && !rc; f++) {
        cases[f] = sched_batch_case(b, f);
        if (!active[f])
            continue;
        char folder[300], fdir[4400];
        folder_name(cases[f]->id, f, folder, sizeof folder);
        snprintf(names[f], sizeof names[f], "families/%s/plan.json", folder);
        for (size_t k = 0; k < nf; k++)
            if (strcmp(fam[k].plan_path, names[f]) == 0) {
                /* Two ids that read the same as folder names. */
                char suffix[24];
                int sl = snprintf(suffix, sizeof suffix, "-%zu", f + 1);
                size_t len = strlen(folder);
                if (len + (size_t)sl >= sizeof folder)
                    len = sizeof folder - (size_t)sl - 1;
                memcpy(folder + len, suffix, (size_t)sl + 1);
                snprintf(names[f], sizeof names[f], "families/%s/plan.json", folder);
                break;
            }
        snprintf(fdir, sizeof fdir, "%s/families/%s", dir, folder);
        /* A family's plan.json is the same for the same seed and jobs: its
         * solve time goes to caseload-plan.json instead. */
        res->plans[f]->solve_ms = 0;
        if ((rc = adapt_make_dirs(fdir, err)) ||
            (rc = out_write_calendars(fdir, cases[f], res->plans[f], &oo, err)) ||
            (rc = out_write_itinerary(fdir, cases[f], res->plans[f], res->baseline[f], &oo, err)) ||
            (rc = out_write_plan_json(fdir, cases[f], res->plans[f], res->baseline[f], &oo, err)))
            break;
        fam[nf++] = (struct out_batch_family){
            .listed = cl->listed[f],
            .index = f,
            .plan_path = names[f],
            .c = cases[f],
            .plan = res->plans[f],
            .baseline = res->baseline[f],
        };
    }
    /* Only the providers' calendars and caseload-plan.json see the UID key:
     * family plan.json files stay the same from run to run. */
    po = oo;
    po.uid_key = uid_key;
    if (!rc)
        rc = out_write_provider_calendars(dir, cases, res->plans, cl->n, &po, err);
    if (!rc) {
        struct out_batch ob = {
            .caseload = cl->path,
            .name = cl->name,
            .fam = fam,
            .n = nf,
            .status = res->status,
            .objective = res->objective,
            .bound = res->bound_total,
            .solve_ms = res->solve_ms,
            .load_ms = load_ms,
            .first_plan_ms = res->first_plan_ms,
            .construct_ms = res->construct_ms,
            .seed = a->seed,
            .jobs = (int)a->jobs,
            .component = (int)a->component,
            .rounds = res->rounds,
            .moves = res->moves,
            .accepted = res->accepted,
            .masters = res->masters,
            .master_improved = res->master_improved,
            .master_gain = res->master_gain,
            .master_ms = res->master_ms,
            .repairs = res->repairs,
            .repairs_accepted = res->repairs_accepted,
            .repair_gain = res->repair_gain,
            .repair_ms = res->repair_ms,
            .conflicts = sched_batch_conflicts(b, res->plans),
            .stopped_by_time = res->stopped_by_time,
            .drop_solves = res->drop_solves,
            .drop_ms = res->drop_ms,
            .uid_key = uid_key,
        };
        rc = out_write_caseload(dir, &ob, err);
    }
done:
    free(fam);
    free(names);
    free(cases);
    return rc;
}

static void print_summary(const struct batch_args *a, const struct sched_batch_result *res,
                          const bool *active, size_t conflicts, int code)
{
    struct sched_metrics m = {0}, bm = {0};
    size_t n = 0;
    for (size_t f = 0; f < res->n; f++) {
        if (!active[f])
            continue;
        const struct sched_metrics *x = &res->plans[f]->metrics, *y = &res->baseline[f]->metrics;
        n++;
        m.trips += x->trips;
        m.in_person += x->in_person;
        m.telehealth += x->telehealth;
        m.unscheduled += x->unscheduled;
        bm.trips += y->trips;
        bm.in_person += y->in_person;
        bm.telehealth += y->telehealth;
        bm.unscheduled += y->unscheduled;
    }
    if (a->json) {
        json_t *doc = json_pack(
            "{s:s, s:i, s:I, s:s, s:f, s:f, s:f, s:I, s:I, s:I, s:I, s:{s:i, s:i, s:i, s:i}, "
            "s:{s:i, s:i, s:i, s:i}, s:s}",
            "caseload", a->caseload, "exit", code, "families", (json_int_t)n, "status",
            sched_status_name(res->status), "objective", res->objective, "bound", res->bound_total,
            "gap", res->gap, "solve_ms", (json_int_t)res->solve_ms, "first_plan_ms",
            (json_int_t)res->first_plan_ms, "construct_ms", (json_int_t)res->construct_ms,
            "conflicts", (json_int_t)conflicts, "metrics", "trips", m.trips, "in_person",
            m.in_person, "telehealth", m.telehealth, "unscheduled", m.unscheduled, "baseline",
            "trips", bm.trips, "in_person", bm.in_person, "telehealth", bm.telehealth,
            "unscheduled", bm.unscheduled, "out", a->out);
        char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
        if (s)
            puts(s);
        free(s);
        json_decref(doc);
        return;
    }
    if (a->quiet)
        return;
    printf("%zu families planned together\n", n);
    printf("Trip days: %d (one-at-a-time booking: %d)\n", m.trips, bm.trips);
    printf("In-person contacts: %d (one-at-a-time: %d)\n", m.in_person, bm.in_person);
    printf("Visits not scheduled: %d (one-at-a-time: %d)\n", m.unscheduled, bm.unscheduled);
    printf("Status: %s (objective %.0f, bound %.0f, gap %.2f%%, %.1f s%s)\n",
           sched_status_name(res->status), res->objective, res->bound_total, 100.0 * res->gap,
           (double)res->solve_ms / 1000.0,
           res->stopped_by_time ? ", stopped at the time limit" : "");
    printf("Written: %s/caseload-plan.json, %s/families/, %s/providers/, %s/report.html\n", a->out,
           a->out, a->out, a->out);
}

/* Long on purpose: the options in one loop, then the steps of the command in order. */
int cli_batch(int argc, char **argv)
{
    struct batch_args a;
    struct adapt_caseload cl = {0};
    struct careday_notes warn = {0};
    struct careday_error err = {0};
    const struct sched_case **cases = NULL;
    sched_batch *b = NULL;
    batch_pool *pool = NULL;
    struct sched_batch_result res = {0};
    int *comp = NULL;
    bool *active = NULL;
    char staging[4200] = "", uid_key[2 * OUT_UID_KEY_BYTES + 1];
    cal_time now;
    double t0 = mono_s();
    long load_ms = 0;
    int rc = parse_args(argc, argv, &a);
    int code = CLI_EXIT_OK;
    if (rc)
        return rc < 0 ? CLI_EXIT_OK : rc;
    if (a.merge)
        return cmd_merge(&a);

    if ((rc = read_now(&now, &err)) || (!a.components && (rc = check_out(a.out, &err))))
        goto fail;
    rc = adapt_caseload_read(a.caseload, &cl, &warn, &err);
    if (!rc)
        rc = adapt_caseload_load(&cl, NULL, &warn, &err);
    cli_print_warnings(&warn);
    if (rc)
        goto fail;
    load_ms = (long)((mono_s() - t0) * 1000 + 0.5);
    cases = cal_calloc(cl.n, sizeof *cases);
    comp = cal_calloc(cl.n, sizeof *comp);
    active = cal_calloc(cl.n, sizeof *active);
    if (!cases || !comp || !active) {
        rc = careday_fail(&err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto fail;
    }
    for (size_t f = 0; f < cl.n; f++) {
        cases[f] = &cl.cases[f];
        cl.cases[f].now = now; /* nothing new before now + each case's notice */
    }
    {
        struct sched_batch_mismatch mm;
        rc = sched_batch_new(cases, cl.n, &b, &mm, &err);
        if (rc == SCHED_EINVAL) {
            char pa[64], pb[64];
            snprintf(pa, sizeof pa, "providers[%zu].%s", mm.provider_a, mm.field);
            snprintf(pb, sizeof pb, "providers[%zu].%s", mm.provider_b, mm.field);
            rc = careday_fail(&err, ADAPT_EINPUT, cl.resolved[mm.case_b], 0, pb,
                              "provider \"%s\" is defined differently in %s (%s); a provider id "
                              "means one provider in every case of a caseload, so its sources, "
                              "place and capacity must agree",
                              cases[mm.case_b]->providers[mm.provider_b].id, cl.resolved[mm.case_a],
                              pa);
            goto fail;
        }
        if (rc) {
            if (rc == SCHED_ENOMEM && !err.text[0])
                careday_fail(&err, rc, NULL, 0, NULL, "out of memory");
            rc = ADAPT_EINTERNAL;
            goto fail;
        }
    }
    size_t ncomp = sched_batch_components(b, comp);
    if (a.components) {
        print_components(&cl, comp, ncomp, a.json);
        goto done;
    }
    if (a.component >= (long)ncomp) {
        rc = careday_fail(&err, ADAPT_EINPUT, a.caseload, 0, NULL,
                          "--component %ld: the caseload has %zu component%s (0 to %zu)",
                          a.component, ncomp, ncomp == 1 ? "" : "s", ncomp - 1);
        goto fail;
    }
    for (size_t f = 0; f < cl.n; f++)
        active[f] = a.component < 0 || comp[f] == (int)a.component;

    {
        struct sched_batch_overbooking ob;
        if (sched_batch_fixed_overbooked(b, active, &ob)) {
            rc = overbooked_error(&cl, b, &ob, &err);
            goto fail;
        }
    }
    struct sched_batch_runner runner;
    struct sched_batch_options so;
    struct progress pr = {.quiet = a.quiet || a.json, .tty = isatty(STDERR_FILENO)};
    sched_batch_options_init(&so);
    so.time_limit_s = a.time_limit_s;
    so.seed = a.seed;
    so.active = active;
    so.progress = on_progress;
    so.progress_ud = &pr;
    if ((rc = batch_pool_new(b, (int)a.jobs, &pool, &runner, &err)))
        goto fail;
    rc = sched_batch_solve(b, &so, &runner, &res, &err);
    if (pr.shown && pr.tty)
        fprintf(stderr, "\r\033[K");
    if (batch_pool_failures(pool))
        fprintf(stderr, "careday: warning: %zu move%s could not run (a worker stopped)\n",
                batch_pool_failures(pool), batch_pool_failures(pool) == 1 ? "" : "s");
    batch_pool_free(pool);
    pool = NULL;
    if (rc) {
        if (rc == SCHED_ENOMEM && !err.text[0]) /* not every step of the search says it */
            careday_fail(&err, rc, NULL, 0, NULL, "out of memory");
        rc = rc == SCHED_EINVAL ? ADAPT_EINPUT : ADAPT_EINTERNAL;
        goto fail;
    }
    size_t conflicts = sched_batch_conflicts(b, res.plans);
    if (conflicts) {
        rc = careday_fail(&err, ADAPT_EINTERNAL, NULL, 0, NULL,
                          "the plan books a provider beyond its capacity %zu time%s; nothing "
                          "written",
                          conflicts, conflicts == 1 ? "" : "s");
        goto fail;
    }
    if ((rc = settle_uid_key(a.out, uid_key, sizeof uid_key, &err)) ||
        (rc = make_staging(a.out, staging, sizeof staging, &err)) ||
        (rc = write_all(staging, &a, &cl, b, &res, active, now, load_ms, uid_key, &err)) ||
        (rc = publish(staging, a.out, &err))) {
        if (rc != ADAPT_EINPUT && rc != ADAPT_EFETCH)
            rc = ADAPT_EINTERNAL;
        goto fail;
    }
    staging[0] = '\0';
    for (size_t f = 0; f < cl.n; f++)
        if (active[f] && res.plans[f]->nunscheduled > 0)
            code = CLI_EXIT_UNSCHEDULED;
    print_summary(&a, &res, active, conflicts, code);
    fflush(stdout);
    goto done;

fail:
    cli_print_error(&err);
    code = adapt_exit_code(rc);
done:
    if (staging[0])
        rm_tree(staging);
    batch_pool_free(pool);
    sched_batch_result_free(&res);
    sched_batch_free(b);
    free(cases);
    free(comp);
    free(active);
    adapt_caseload_free(&cl);
    careday_notes_free(&warn);
    return code;
}
