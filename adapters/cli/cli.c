/*
 * The careday command (docs/cli.md): dispatch, `careday plan` and
 * `careday check`. Everything else it uses comes through the public
 * headers of the four libraries.
 */
#include "adapters/adapters.h"
#include "adapters/cli/cli_internal.h"
#include "adapters/cli/commands.h"
#include "adapters/output/outputs.h"
#include "calendars/util.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef CAREDAY_VERSION
#define CAREDAY_VERSION "0.1.0"
#endif

static const char usage_main[] =
    "Usage: careday <command> [options]\n"
    "\n"
    "Commands:\n"
    "  plan CASE.json [-o OUT]    plan the visits of a case into as few trips as possible\n"
    "  batch CASELOAD.json [-o OUT]\n"
    "                             plan a caseload of families sharing providers\n"
    "  check CASE.json [--json]   load a case and its calendars, report what they give\n"
    "                             and which visits cannot be placed\n"
    "  confirm OUT VISIT...       mark appointments of the plan in OUT as booked\n"
    "  cancel OUT VISIT...        remove appointments from the plan in OUT\n"
    "  calendar expand FILE.ics   show the intervals careday reads from a calendar\n"
    "  publish OUT --caldav URL   publish a plan's calendars to CalDAV collections\n"
    "  gen --families N --seed S -o DIR\n"
    "                             write synthetic cases (for the benchmark)\n"
    "\n"
    "Options:\n"
    "  -h, --help                 show this help (also: careday <command> --help)\n"
    "  --version                  show the version\n"
    "\n"
    "Exit codes: 0 plan written, 3 plan written with unscheduled visits,\n"
    "2 bad input, 4 a source could not be fetched, 1 internal error.\n";

static const char usage_plan[] =
    "Usage: careday plan CASE.json [options]\n"
    "\n"
    "  -o, --out DIR            write the plan here (default careday-out)\n"
    "  --time-limit SECONDS     stop the solver after this long (default 60)\n"
    "  --model days|time        days: solve by trip days, exact (default);\n"
    "                           time: the time-indexed model over every start\n"
    "  --export-model FILE.mps  also write the (time-indexed) optimisation model\n"
    "  --lang en|es             language of the family's calendar and itinerary\n"
    "                           (default: the case's family.language)\n"
    "  --previous OLD/plan.json an earlier plan: change it as little as the case allows,\n"
    "                           keep what is past, say what changed (changes.json)\n"
    "  --now INSTANT            plan as of this RFC 3339 instant (default CAREDAY_NOW,\n"
    "                           else the clock): nothing new before now + notice\n"
    "  --invite                 also write iTIP invitations (METHOD:REQUEST)\n"
    "  --offline                read network sources from the cache only\n"
    "                           (and say how old each copy is)\n"
    "  --json                   print a JSON summary instead of text\n"
    "  --quiet                  print nothing but errors and warnings\n"
    "\n"
    "Environment: CAREDAY_NOW (RFC 3339): \"now\" when --now is not given.\n";

/* ---------------------------------------------------------------------------
 * Terminal.
 */

static bool use_colour(int fd)
{
    const char *term = getenv("TERM");
    return isatty(fd) && !getenv("NO_COLOR") && !(term && strcmp(term, "dumb") == 0);
}

static void print_note(const char *label, const char *colour, const struct careday_error *e)
{
    char buf[2048];
    bool c = use_colour(STDERR_FILENO);

    careday_error_format(e, buf, sizeof buf);
    fprintf(stderr, "careday: %s%s:%s %s\n", c ? colour : "", label, c ? "\033[0m" : "", buf);
}

void cli_print_error(const struct careday_error *e)
{
    print_note("error", "\033[1;31m", e);
}

void cli_print_warnings(const struct careday_notes *n)
{
    size_t i;
    for (i = 0; i < n->n; i++)
        print_note("warning", "\033[33m", &n->v[i]);
}

int cli_json_error(const struct careday_error *e, int code)
{
    json_t *root =
        json_pack("{s:i, s:{s:s, s:i, s:s, s:s}, s:i}", "careday", 1, "error", "file", e->file,
                  "line", e->line, "path", e->path, "text", e->text, "exit", code);
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    printf("%s\n", text ? text
                        : "{\"careday\": 1, \"error\": {\"file\": \"\", \"line\": 0, \"path\": "
                          "\"\", \"text\": \"out of memory\"}, \"exit\": 1}");
    free(text);
    json_decref(root);
    return text ? code : CLI_EXIT_INTERNAL;
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;

    char raw[1024], safe[2048];
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    careday_text_safe(raw, safe, sizeof safe);
    fprintf(stderr, "careday: %s", safe);
    fprintf(stderr, "\n\n%s", usage);
    return CLI_EXIT_BAD_INPUT;
}

/* "--name VALUE" or "--name=VALUE" (also the short form, if any). Returns 1
 * when argv[*i] is this option (value in *out, *i advanced past it), 0 when
 * it is not, -1 when its value is missing. */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char *short_name,
                  const char **out)
{
    const char *a = argv[*i];
    size_t n = strlen(name);

    if (strncmp(a, name, n) == 0 && a[n] == '=') {
        *out = a + n + 1;
        return 1;
    }
    if (short_name && strncmp(a, short_name, strlen(short_name)) == 0 &&
        a[strlen(short_name)] != '\0') {
        *out = a + strlen(short_name); /* "-oDIR" */
        return 1;
    }
    if (strcmp(a, name) != 0 && !(short_name && strcmp(a, short_name) == 0))
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *out = argv[++*i];
    return 1;
}

/* 5234 -> "5 234"; "none" for what is not a number a person could read
 * (solvers report "no incumbent yet" as infinities or huge values). */
static const char *grouped(double v, char *buf, size_t size)
{
    char digits[32];
    long long n;
    size_t len, i, o = 0;

    if (!isfinite(v) || fabs(v) >= 1e15) {
        snprintf(buf, size, "none");
        return buf;
    }
    n = llround(fabs(v));
    snprintf(digits, sizeof digits, "%lld", n);
    len = strlen(digits);
    if (v < 0 && n != 0 && o + 1 < size)
        buf[o++] = '-';
    for (i = 0; i < len && o + 2 < size; i++) {
        buf[o++] = digits[i];
        if ((len - i - 1) % 3 == 0 && i + 1 < len)
            buf[o++] = ' ';
    }
    buf[o] = '\0';
    return buf;
}

static size_t count_ics(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    if (!d)
        return 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".ics") == 0)
            n++;
    }
    closedir(d);
    return n;
}

/* ---------------------------------------------------------------------------
 * careday plan
 */

struct plan_args {
    const char *case_path;
    const char *out_dir;
    const char *export_mps;
    const char *lang;
    const char *previous;
    const char *now;     /* --now, NULL: CAREDAY_NOW, else the clock */
    double time_limit_s; /* < 0: the default */
    enum sched_model model;
    bool invite, json, quiet, offline;
};

static int parse_plan_args(int argc, char **argv, struct plan_args *a)
{
    int i;

    memset(a, 0, sizeof *a);
    a->out_dir = "careday-out";
    a->time_limit_s = -1;
    bool operands = false; /* after "--": every argument is the case file */
    for (i = 1; i < argc; i++) {
        const char *v = NULL, *opt = argv[i];
        int r;
        if (operands || (argv[i][0] != '-' || !argv[i][1])) {
            if (a->case_path)
                return cli_usage_error(usage_plan, "one case file at a time; extra argument \"%s\"",
                                       argv[i]);
            a->case_path = argv[i];
            continue;
        }
        if (strcmp(argv[i], "--") == 0) {
            operands = true;
            continue;
        }
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage_plan, stdout);
            return -1;
        }
        if (strcmp(argv[i], "--invite") == 0) {
            a->invite = true;
        } else if (strcmp(argv[i], "--offline") == 0) {
            a->offline = true;
        } else if (strcmp(argv[i], "--json") == 0) {
            a->json = true;
        } else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
            a->quiet = true;
        } else if ((r = cli_opt_value(argc, argv, &i, "--out", "-o", &v)) != 0) {
            if (r < 0 || !*v)
                return cli_usage_error(usage_plan, "%s needs a folder name", opt);
            a->out_dir = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--export-model", NULL, &v)) != 0) {
            if (r < 0 || !*v)
                return cli_usage_error(usage_plan, "%s needs a file name", opt);
            a->export_mps = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--model", NULL, &v)) != 0) {
            if (r < 0)
                return cli_usage_error(usage_plan, "%s needs a value (days or time)", opt);
            if (strcmp(v, "days") == 0)
                a->model = SCHED_MODEL_DAYS;
            else if (strcmp(v, "time") == 0)
                a->model = SCHED_MODEL_TIME;
            else
                return cli_usage_error(usage_plan, "--model: expected days or time, found \"%s\"",
                                       v);
        } else if ((r = cli_opt_value(argc, argv, &i, "--lang", NULL, &v)) != 0) {
            if (r < 0)
                return cli_usage_error(usage_plan, "%s needs a value (en or es)", opt);
            if (!out_has_language(v, NULL))
                return cli_usage_error(usage_plan,
                                       "--lang: no message catalogue for \"%s\"; expected en, es "
                                       "or another installed language",
                                       v);
            a->lang = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--previous", NULL, &v)) != 0) {
            if (r < 0 || !*v)
                return cli_usage_error(usage_plan, "%s needs the path of an earlier plan.json",
                                       argv[i]);
            a->previous = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--now", NULL, &v)) != 0) {
            if (r < 0 || !*v)
                return cli_usage_error(usage_plan, "%s needs an RFC 3339 instant", opt);
            a->now = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--time-limit", NULL, &v)) != 0) {
            char *end;
            if (r < 0)
                return cli_usage_error(usage_plan, "%s needs a number of seconds", opt);
            errno = 0;
            a->time_limit_s = strtod(v, &end);
            if (errno || end == v || *end || !(a->time_limit_s > 0) || a->time_limit_s > 86400)
                return cli_usage_error(
                    usage_plan,
                    "--time-limit: expected seconds (more than 0, at most 86400), "
                    "found \"%s\"",
                    v);
        } else {
            return cli_usage_error(usage_plan, "unknown option %s", opt);
        }
    }
    if (!a->case_path)
        return cli_usage_error(usage_plan, "missing the case file");
    return 0;
}

/* "now": --now, else CAREDAY_NOW when set (reproducible runs), else the
 * clock. Nothing new is planned before it (plus the case's notice), and it is
 * stamped into the outputs. */
static int read_now(const char *given, cal_time *now, struct careday_error *err)
{
    const char *env = getenv("CAREDAY_NOW");

    if (given) {
        if (cal_parse_rfc3339(given, now) != 0)
            return careday_fail(err, ADAPT_EINPUT, NULL, 0, NULL,
                                "--now \"%s\": expected an RFC 3339 instant such as "
                                "2026-11-20T09:00:00Z",
                                given);
        return 0;
    }
    if (env && *env) {
        if (cal_parse_rfc3339(env, now) != 0)
            return careday_fail(err, ADAPT_EINPUT, NULL, 0, NULL,
                                "CAREDAY_NOW=\"%s\": expected an RFC 3339 instant such as "
                                "2026-11-20T09:00:00Z",
                                env);
        return 0;
    }
    *now = (cal_time)time(NULL);
    return 0;
}

struct progress {
    bool quiet, tty, shown;
    double last;
};

static void on_progress(void *ud, const struct sched_progress *p)
{
    struct progress *pr = ud;
    char a[32], b[32];

    if (pr->quiet || p->elapsed_s < 1.0)
        return;
    if (pr->shown && p->elapsed_s - pr->last < (pr->tty ? 0.25 : 5.0))
        return;
    pr->last = p->elapsed_s;
    pr->shown = true;
    const char *best = p->has_incumbent ? grouped(p->incumbent, a, sizeof a) : "none yet";
    const char *bound = p->has_bound ? grouped(p->bound, b, sizeof b) : "none yet";
    if (pr->tty)
        fprintf(stderr, "\rSolving... %.1f s, best %s, bound %s\033[K", p->elapsed_s, best, bound);
    else
        fprintf(stderr, "careday: solving: %.1f s, best %s, bound %s\n", p->elapsed_s, best, bound);
    fflush(stderr);
}

static void count_visits(const struct sched_case *c, const struct sched_plan *p, size_t *due,
                         size_t *booked, size_t *due_unscheduled)
{
    size_t i;

    *due = *booked = *due_unscheduled = 0;
    for (i = 0; i < c->nvisits; i++) {
        if (c->visits[i].booked)
            (*booked)++;
        else
            (*due)++;
    }
    for (i = 0; i < p->nunscheduled; i++) {
        int v = p->unscheduled[i].visit;
        if (v >= 0 && (size_t)v < c->nvisits && !c->visits[v].booked)
            (*due_unscheduled)++;
    }
}

/* The out folder as shown: without trailing slashes. */
static void out_name(const char *dir, char *buf, size_t size)
{
    size_t n;
    snprintf(buf, size, "%s", dir);
    n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = '\0';
}

static void status_line(const struct sched_plan *p, char *buf, size_t size)
{
    char a[32], b[32];
    double secs = (double)p->solve_ms / 1000.0;

    switch (p->status) {
    case SCHED_STATUS_OPTIMAL:
        snprintf(buf, size, "optimal (objective %s, solved in %.1f s)",
                 grouped(p->objective, a, sizeof a), secs);
        break;
    case SCHED_STATUS_FEASIBLE:
        snprintf(buf, size, "feasible (objective %s, bound %s, gap %.1f%%, stopped at %.1f s)",
                 grouped(p->objective, a, sizeof a), grouped(p->bound, b, sizeof b), p->gap * 100.0,
                 secs);
        break;
    case SCHED_STATUS_PARTIAL:
        snprintf(buf, size,
                 "partial (the solver found no plan in %.1f s; this is the heuristic plan, "
                 "objective %s)",
                 secs, grouped(p->objective, a, sizeof a));
        break;
    }
}

static void print_summary(const struct sched_case *c, const struct sched_plan *p,
                          const struct sched_plan *base, const struct sched_changes *ch,
                          const char *out)
{
    size_t due, booked, unsched, i;
    char status[256], prov[4200];
    bool colour = use_colour(STDOUT_FILENO);

    count_visits(c, p, &due, &booked, &unsched);
    printf("%s: %zu of %zu visits scheduled", c->name, due - unsched, due);
    if (booked)
        printf(" (and %zu existing booking%s)", booked, booked == 1 ? "" : "s");
    printf("\n");
    printf("Trip days: %d (one-at-a-time booking: %d)\n", p->metrics.trips, base->metrics.trips);
    printf("In-person contacts: %d (one-at-a-time: %d)\n", p->metrics.in_person,
           base->metrics.in_person);
    if (ch)
        printf("Changes: %zu moved, %zu cancelled, %zu added, %zu kept (see changes.json)\n",
               ch->moved, ch->cancelled, ch->added, ch->kept);
    status_line(p, status, sizeof status);
    if (colour)
        printf("Status: \033[%sm%s\033[0m\n", p->status == SCHED_STATUS_OPTIMAL ? "32" : "33",
               status);
    else
        printf("Status: %s\n", status);
    for (i = 0; i < p->nunscheduled; i++) {
        const struct sched_unscheduled *u = &p->unscheduled[i];
        char *why = NULL;
        if (out_reason_text(c, u, NULL, &why, NULL) != 0)
            why = NULL;
        printf("Not scheduled: %s: %s\n", c->visits[u->visit].id,
               why ? why : out_reason_code(u->code));
        free(why);
    }
    snprintf(prov, sizeof prov, "%s/providers", out);
    {
        size_t n = count_ics(prov);
        printf("Written: %s/plan.json, %s/family.ics, %s/providers/ (%zu file%s), "
               "%s/itinerary.html%s%s%s\n",
               out, out, out, n, n == 1 ? "" : "s", out, ch ? ", " : "", ch ? out : "",
               ch ? "/changes.json" : "");
    }
}

static json_t *metrics_json(const struct sched_metrics *m)
{
    return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "trips", m->trips, "in_person",
                     m->in_person, "telehealth", m->telehealth, "home", m->home, "travel_minutes",
                     m->travel_minutes, "overnights", m->overnights, "unscheduled", m->unscheduled,
                     "days_with_care", m->days_with_care);
}

/* The --json summary on stdout; -1 (nothing printed) when out of memory. */
static int print_json_summary(const struct sched_case *c, const struct sched_plan *p,
                              const struct sched_plan *base, const struct sched_changes *ch,
                              const char *out, int exit_code)
{
    size_t due, booked, unsched, i;
    json_t *root, *un;
    char prov[4200], *text;

    count_visits(c, p, &due, &booked, &unsched);
    snprintf(prov, sizeof prov, "%s/providers", out);
    un = json_array();
    for (i = 0; un && i < p->nunscheduled; i++) {
        const struct sched_unscheduled *u = &p->unscheduled[i];
        char *why = NULL;
        int rc = out_reason_text(c, u, NULL, &why, NULL);
        if (rc == ADAPT_EINTERNAL ||
            json_array_append_new(un, json_pack("{s:s, s:s, s:s}", "visit", c->visits[u->visit].id,
                                                "reason", why ? why : out_reason_code(u->code),
                                                "code", out_reason_code(u->code))) != 0) {
            json_decref(un);
            un = NULL;
        }
        free(why);
    }
    root = json_pack(
        "{s:i, s:s, s:s, s:s, s:f, s:f, s:f, s:I, s:I, s:I, s:I, s:o, s:o, s:o, "
        "s:s, s:I, s:i}",
        "careday", 1, "case", c->id, "name", c->name, "status", sched_status_name(p->status),
        "objective", isfinite(p->objective) ? p->objective : 0.0, "bound",
        isfinite(p->bound) ? p->bound : 0.0, "gap", isfinite(p->gap) ? p->gap : 0.0, "solve_ms",
        (json_int_t)p->solve_ms, "visits", (json_int_t)due, "scheduled",
        (json_int_t)(due - unsched), "booked", (json_int_t)booked, "metrics",
        metrics_json(&p->metrics), "baseline", metrics_json(&base->metrics), "unscheduled", un,
        "out", out, "provider_files", (json_int_t)count_ics(prov), "exit", exit_code);
    if (root && ch &&
        json_object_set_new(root, "changes",
                            json_pack("{s:I, s:I, s:I, s:I}", "moved", (json_int_t)ch->moved,
                                      "cancelled", (json_int_t)ch->cancelled, "added",
                                      (json_int_t)ch->added, "kept", (json_int_t)ch->kept)) != 0) {
        json_decref(root);
        root = NULL;
    }
    text = root ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    if (text)
        printf("%s\n", text);
    free(text);
    json_decref(root);
    return text ? 0 : -1;
}

/* An output folder name that can never work is bad input, found at once. */
static int check_out_dir(const char *out, struct careday_error *err)
{
    struct stat st;

    if (!*out)
        return careday_fail(err, ADAPT_EINPUT, NULL, 0, NULL,
                            "-o: an empty folder name; give the folder to write the plan into "
                            "(for example -o plan-out)");
    if (stat(out, &st) == 0 && !S_ISDIR(st.st_mode))
        return careday_fail(err, ADAPT_EINPUT, out, 0, NULL,
                            "-o: exists and is not a folder; expected a folder for the plan");
    return 0;
}

/* Fail before anything is written if --previous names nothing readable. */
static int check_previous(const char *path, struct careday_error *err)
{
    FILE *f;

    if (!path)
        return 0;
    if (cal_open_regular(path, "the plan.json of an earlier plan (--previous)", &f, err) != 0) {
        char text[sizeof err->text];
        snprintf(text, sizeof text, "%s", err ? err->text : "");
        return careday_fail(err, ADAPT_EINPUT, path, 0, NULL, "--previous: %s", text);
    }
    fclose(f);
    return 0;
}

static int sched_status_to_adapt(int rc)
{
    if (rc == SCHED_EINVAL)
        return ADAPT_EINPUT;
    return ADAPT_EINTERNAL;
}

static int produce_mps(void *ud, int (*put)(void *pud, const char *s, size_t n), void *pud)
{
    return solver_write_mps(ud, put, pud);
}

/* --export-model: the time-indexed model, named after docs/model.md, in
 * free MPS, written atomically before the solve. A path that cannot be
 * written is bad input (exit 2). */
static int export_model(const struct sched_case *c, const char *path, struct careday_error *err)
{
    solver_model *m = NULL;
    int rc = sched_time_model(c, &m, err);
    if (rc)
        return sched_status_to_adapt(rc);
    long failures = cal_alloc_failures();
    rc = adapt_write_atomic_stream(path, produce_mps, m, err);
    solver_model_free(m);
    if (rc && cal_alloc_failures() != failures)
        return ADAPT_EINTERNAL; /* out of memory, not an unwritable path */
    return rc ? ADAPT_EINPUT : 0;
}

/* A minute count a person reads: "12 minutes", "3 hours", "2 days". */
void cli_age_words(long long s, char *buf, size_t size)
{
    if (s < 120)
        snprintf(buf, size, "%lld second%s", s, s == 1 ? "" : "s");
    else if (s < 2 * 3600)
        snprintf(buf, size, "%lld minutes", s / 60);
    else if (s < 2 * 86400)
        snprintf(buf, size, "%lld hours", s / 3600);
    else
        snprintf(buf, size, "%lld days", s / 86400);
}

/* --offline: how old each cached source is, on stderr. */
static void on_source_age(void *ud, const struct adapt_source_report *r)
{
    const struct plan_args *a = ud;
    char age[64];

    if (r->age_s < 0 || a->quiet)
        return;
    cli_age_words(r->age_s, age, sizeof age);
    fprintf(stderr, "careday: offline: %s (%s %s) from the cache, %s old\n", r->json_path, r->kind,
            r->given, age);
}

/* Long on purpose: the options in one loop, then the steps of the command in order; every check
 * on the input comes before OUT is touched. */
int cli_plan(int argc, char **argv)
{
    struct plan_args a;
    struct sched_case c;
    struct careday_notes warn = {0};
    struct careday_error err = {0};
    struct sched_plan *plan = NULL, *base = NULL;
    struct sched_changes changes = {0};
    struct sched_options so;
    struct out_options oo;
    struct progress pr = {0};
    char out[4096], *case_abs = NULL;
    cal_time now;
    bool loaded = false;
    int rc, code;

    memset(&c, 0, sizeof c);
    rc = parse_plan_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? CLI_EXIT_OK : rc;
    out_name(a.out_dir, out, sizeof out);

    /* Everything that can be wrong with the input is found before OUT is
     * touched. */
    if ((rc = read_now(a.now, &now, &err)) || (rc = check_out_dir(out, &err)) ||
        (rc = check_previous(a.previous, &err)))
        goto fail;
    if (adapt_caseload_sniff(a.case_path)) {
        rc = careday_fail(&err, ADAPT_EINPUT, a.case_path, 0, "cases",
                          "this is a caseload (a list of case files), not a case; plan it with "
                          "`careday batch %s -o OUT`, or plan one family with `careday plan` on "
                          "one of its cases",
                          a.case_path);
        goto fail;
    }
    {
        struct adapt_load_options lo = {0};
        lo.offline = a.offline;
        lo.on_source = on_source_age;
        lo.ud = &a;
        rc = adapt_case_load_with(a.case_path, &lo, &c, &warn, &err);
    }
    if (rc == 0) {
        struct out_options lang = {.lang = a.lang};
        out_check_language(&c, &lang, a.case_path, &warn);
    }
    cli_print_warnings(&warn);
    if (rc)
        goto fail;
    loaded = true;
    if (a.invite && (rc = out_check_invite(&c, &err))) {
        if (!err.file[0]) /* the field to add is in the case file */
            snprintf(err.file, sizeof err.file, "%s", a.case_path);
        goto fail;
    }
    case_abs = realpath(a.case_path, NULL); /* plan.json says which case it plans */
    c.now = now;
    if (a.previous) {
        if ((rc = adapt_previous_load(a.previous, &c, &err)))
            goto fail;
        careday_notes_free(&warn);
        sched_case_apply_previous(&c, &warn);
        cli_print_warnings(&warn);
    }

    if (a.export_mps && (rc = export_model(&c, a.export_mps, &err)))
        goto fail;
    sched_options_init(&so);
    so.model = a.model;
    so.baseline = &base; /* built on the plan's own candidates */
    if (a.time_limit_s > 0)
        so.time_limit_s = a.time_limit_s;
    pr.quiet = a.quiet || a.json;
    pr.tty = isatty(STDERR_FILENO);
    so.progress = on_progress;
    so.progress_ud = &pr;
    careday_notes_free(&warn);
    rc = sched_plan_case(&c, &so, &plan, &warn, &err);
    if (pr.shown && pr.tty)
        fprintf(stderr, "\r\033[K");
    cli_print_warnings(&warn);
    if (rc) {
        rc = sched_status_to_adapt(rc);
        goto fail;
    }

    /* An unreadable --previous is bad input: find out before OUT exists. */
    if (a.previous) {
        int *seq = cal_calloc(plan->nappts ? plan->nappts : 1, sizeof *seq);
        if (!seq) {
            rc = careday_fail(&err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
            goto fail;
        }
        rc = out_previous_sequences(a.previous, &c, plan, seq, &err);
        free(seq);
        if (rc) {
            rc = rc == ADAPT_EINPUT ? ADAPT_EINPUT : ADAPT_EINTERNAL;
            goto fail;
        }
    }

    memset(&oo, 0, sizeof oo);
    oo.lang = a.lang;
    oo.now = now;
    oo.previous_plan = a.previous;
    oo.invite = a.invite;
    oo.case_file = case_abs;
    if (a.previous) {
        if (sched_plan_changes(&c, plan, &changes) != 0) {
            rc = careday_fail(&err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
            goto fail;
        }
        oo.changes = &changes;
    }
    if ((rc = out_publish(out, &c, plan, base, &oo, &err)))
        goto fail;

    code = plan->nunscheduled > 0 ? CLI_EXIT_UNSCHEDULED : CLI_EXIT_OK;
    if (a.json && print_json_summary(&c, plan, base, a.previous ? &changes : NULL, out, code)) {
        rc = careday_fail(&err, ADAPT_EINTERNAL, out, 0, NULL,
                          "out of memory printing the JSON summary (the plan was written)");
        goto fail;
    } else if (!a.json && !a.quiet)
        print_summary(&c, plan, base, a.previous ? &changes : NULL, out);
    fflush(stdout);
    goto done;

fail:
    cli_print_error(&err);
    code = adapt_exit_code(rc);
    if (a.json)
        code = cli_json_error(&err, code);
done:
    free(case_abs);
    sched_changes_free(&changes);
    sched_plan_free(plan);
    sched_plan_free(base);
    if (loaded)
        sched_case_free(&c);
    careday_notes_free(&warn);
    return code;
}

/* ---------------------------------------------------------------------------
 * Dispatch.
 */

int cli_main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : NULL;
    int code;

    if (!cmd) {
        fputs(usage_main, stderr);
        return CLI_EXIT_BAD_INPUT;
    }
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("careday %s\n", CAREDAY_VERSION);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "plan") == 0)
        code = cli_plan(argc - 1, argv + 1);
    else if (strcmp(cmd, "check") == 0)
        code = cli_check(argc - 1, argv + 1);
    else if (strcmp(cmd, "confirm") == 0)
        code = cli_confirm(argc - 1, argv + 1);
    else if (strcmp(cmd, "cancel") == 0)
        code = cli_cancel(argc - 1, argv + 1);
    else if (strcmp(cmd, "calendar") == 0)
        code = cli_calendar(argc - 1, argv + 1);
    else if (strcmp(cmd, "gen") == 0)
        code = cli_gen(argc - 1, argv + 1);
    else if (strcmp(cmd, "publish") == 0)
        code = cli_publish(argc - 1, argv + 1);
    else if (strcmp(cmd, "batch") == 0)
        code = cli_batch(argc - 1, argv + 1);
    else
        code = cli_usage_error(usage_main, "unknown command \"%s\"", cmd);
    return code;
}
