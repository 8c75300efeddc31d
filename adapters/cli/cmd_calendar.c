/*
 * `careday calendar expand`: the intervals careday reads from one iCalendar
 * file over a horizon, each with its UTC and local times, whether it is busy
 * or available, its summary, the rule it came from and its line, then the
 * warnings. For checking a family's or a clinic's calendar before planning.
 *
 * Uses only the calendars/ public header (and jansson for --json).
 */
#include "adapters/adapters.h"
#include "adapters/cli/commands.h"
#include "calendars/util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_calendar[] =
    "usage: careday calendar expand FILE.ics --from DATE --to DATE [options]\n"
    "\n"
    "Reads an iCalendar file (\"-\" for standard input) the way a case reads its\n"
    "calendars and prints every interval it gives over [--from, --to): busy or\n"
    "available, start and end in UTC and in the zone, the summary, where it came\n"
    "from (\"VEVENT RRULE:...\", \"VEVENT RECURRENCE-ID (moved)\", \"VFREEBUSY\n"
    "FBTYPE=BUSY\", \"VAVAILABILITY/AVAILABLE\"...) and the line of its BEGIN.\n"
    "Warnings (unknown time zones, skipped events, expansion limits) follow on\n"
    "standard error.\n"
    "\n"
    "  --from DATE              start of the horizon: YYYY-MM-DD (midnight in the\n"
    "                           zone) or an RFC 3339 instant\n"
    "  --to DATE                end of the horizon (exclusive), same forms\n"
    "  --tz ZONE                zone for the dates, for floating times and all-day\n"
    "                           events, and for the local column (IANA or Windows\n"
    "                           name; default UTC)\n"
    "  --meaning busy|available what plain events are: busy time (a family's\n"
    "                           calendar, the default) or available time (a clinic's\n"
    "                           session calendar)\n"
    "  --json                   print one JSON object instead of the table\n"
    "\n"
    "Exit status: 0 read (warnings or not), 2 bad input (the file cannot be read or\n"
    "is not iCalendar, a bad date or zone; the message names the file and line).\n";

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "careday: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n\n%s", usage_calendar);
    return CLI_EXIT_BAD_INPUT;
}

/* A bad option value: the message alone, no usage text. */
static int bad_value(const char *fmt, const char *arg)
{
    fprintf(stderr, "careday: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return CLI_EXIT_BAD_INPUT;
}

static void print_problem(const char *label, const struct careday_error *e)
{
    char buf[2048];
    careday_error_format(e, buf, sizeof buf);
    fprintf(stderr, "careday: %s: %s\n", label, buf);
}

/* A date (midnight in tz) or an RFC 3339 instant. */
static int parse_when(const char *s, const cal_tz *tz, cal_time *t)
{
    int32_t day;
    if (cal_parse_date(s, &day) == CAL_OK) {
        *t = cal_tz_local_to_utc(tz, day, 0);
        return CAL_OK;
    }
    return cal_parse_rfc3339(s, t);
}

/* An interval's start and end in UTC and in the zone tz, as RFC 3339. */
struct times {
    char su[40], eu[40], sl[40], el[40];
};

static void times_of(const cal_tz *tz, const struct cal_event *e, struct times *t)
{
    cal_format_rfc3339(e->start, 0, true, t->su, sizeof t->su);
    cal_format_rfc3339(e->end, 0, true, t->eu, sizeof t->eu);
    cal_format_rfc3339(e->start, cal_tz_offset(tz, e->start), false, t->sl, sizeof t->sl);
    cal_format_rfc3339(e->end, cal_tz_offset(tz, e->end), false, t->el, sizeof t->el);
}

/* Whole standard input, or a file read by the reader itself. */
static char *read_stdin(size_t *len)
{
    struct cal_buf b = {0};
    char chunk[1 << 16];
    size_t got;
    cal_buf_reserve(&b, 0); /* empty input is an empty text, not a failure */
    while ((got = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        cal_buf_addn(&b, chunk, got);
    if (b.oom) {
        cal_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return b.s;
}

struct expand_args {
    const char *file, *from, *to, *zone, *meaning;
    bool json;
};

static void print_table(const struct expand_args *a, const cal_tz *tz, const struct cal_import *im)
{
    printf("%s: %zu interval%s from %s to %s, zone %s, plain events read as %s time\n", a->file,
           im->nevents, im->nevents == 1 ? "" : "s", a->from, a->to, cal_tz_name(tz), a->meaning);
    if (im->nevents > 0)
        printf("%-9s  %-20s  %-20s  %-25s  %-25s  %5s  %s\n", "kind", "start UTC", "end UTC",
               "start local", "end local", "line", "summary [origin]");
    for (size_t i = 0; i < im->nevents; i++) {
        const struct cal_event *e = &im->events[i];
        struct times t;
        times_of(tz, e, &t);
        printf("%-9s  %-20s  %-20s  %-25s  %-25s  %5d  ", e->busy ? "busy" : "available", t.su,
               t.eu, t.sl, t.el, e->line);
        /* A summary is one line here, whatever it holds. */
        for (const char *p = e->summary ? e->summary : ""; *p; p++)
            putchar((unsigned char)*p < 0x20 ? ' ' : *p);
        printf("%s[%s%s]\n", e->summary && e->summary[0] ? " " : "", e->origin ? e->origin : "",
               e->all_day ? ", all day" : "");
    }
    int64_t busy = cal_set_measure(&im->busy), avail = cal_set_measure(&im->available);
    printf("busy: %zu interval%s, %.1f h; available: %zu interval%s, %.1f h (merged, inside the "
           "horizon, busy time taken out of available time)\n",
           im->busy.n, im->busy.n == 1 ? "" : "s", (double)busy / 3600.0, im->available.n,
           im->available.n == 1 ? "" : "s", (double)avail / 3600.0);
}

static json_t *set_json(const struct cal_set *s)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr != NULL && i < s->n; i++) {
        char a[40], b[40];
        cal_format_rfc3339(s->iv[i].start, 0, true, a, sizeof a);
        cal_format_rfc3339(s->iv[i].end, 0, true, b, sizeof b);
        json_array_append_new(arr, json_pack("{s:s, s:s}", "start", a, "end", b));
    }
    return arr;
}

static int print_json(const struct expand_args *a, const cal_tz *tz, const struct cal_import *im,
                      const struct careday_notes *warn)
{
    json_t *intervals = json_array(), *warnings = json_array();
    for (size_t i = 0; intervals != NULL && i < im->nevents; i++) {
        const struct cal_event *e = &im->events[i];
        struct times t;
        times_of(tz, e, &t);
        json_array_append_new(intervals,
                              json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s?, s:s?, s:s?, s:i}",
                                        "kind", e->busy ? "busy" : "available", "start", t.su,
                                        "end", t.eu, "start_local", t.sl, "end_local", t.el,
                                        "all_day", e->all_day, "summary", e->summary, "uid", e->uid,
                                        "origin", e->origin, "line", e->line));
    }
    for (size_t i = 0; warnings != NULL && i < warn->n; i++) {
        const struct careday_error *w = &warn->v[i];
        json_array_append_new(warnings, json_pack("{s:s, s:i, s:s}", "file", w->file, "line",
                                                  w->line, "text", w->text));
    }
    json_t *root = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "file", a->file,
                             "from", a->from, "to", a->to, "zone", cal_tz_name(tz), "meaning",
                             a->meaning, "intervals", intervals, "busy", set_json(&im->busy),
                             "available", set_json(&im->available), "warnings", warnings);
    if (root == NULL)
        return CLI_EXIT_INTERNAL;
    int rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    fputc('\n', stdout);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_INTERNAL;
}

static int expand(const struct expand_args *a)
{
    struct careday_error err = {0};
    cal_tz *tz = NULL;
    int tzrc = cal_tz_open(a->zone, &tz, &err);
    if (tzrc != CAL_OK) {
        print_problem("error", &err);
        return tzrc == CAL_ENOMEM ? CLI_EXIT_INTERNAL : CLI_EXIT_BAD_INPUT;
    }
    struct cal_read_options opt = {.floating_tz = tz};
    if (strcmp(a->meaning, "available") == 0) {
        opt.meaning = CAL_MEANING_AVAILABLE;
    } else if (strcmp(a->meaning, "busy") != 0) {
        cal_tz_free(tz);
        return bad_value("--meaning: expected \"busy\" or \"available\", found \"%s\"", a->meaning);
    }
    if (parse_when(a->from, tz, &opt.from) != CAL_OK) {
        cal_tz_free(tz);
        return bad_value("--from: expected a date YYYY-MM-DD or an RFC 3339 instant, found "
                         "\"%s\"",
                         a->from);
    }
    if (parse_when(a->to, tz, &opt.to) != CAL_OK) {
        cal_tz_free(tz);
        return bad_value("--to: expected a date YYYY-MM-DD or an RFC 3339 instant, found \"%s\"",
                         a->to);
    }
    if (opt.to <= opt.from) {
        cal_tz_free(tz);
        return bad_value("--to must come after --from (%s)", a->from);
    }

    struct cal_import im = {0};
    struct careday_notes warn = {0};
    int rc;
    if (strcmp(a->file, "-") == 0) {
        size_t len = 0;
        char *data = read_stdin(&len);
        rc = data ? cal_ics_read_buffer(data, len, "(standard input)", &opt, &im, &warn, &err)
                  : careday_fail(&err, CAL_ENOMEM, "(standard input)", 0, NULL, "out of memory");
        free(data);
    } else {
        rc = cal_ics_read_file(a->file, &opt, &im, &warn, &err);
    }
    int code = CLI_EXIT_OK;
    if (rc != CAL_OK) {
        print_problem("error", &err);
        code = rc == CAL_ENOMEM ? CLI_EXIT_INTERNAL : CLI_EXIT_BAD_INPUT;
    } else {
        code = a->json ? print_json(a, tz, &im, &warn) : (print_table(a, tz, &im), CLI_EXIT_OK);
        fflush(stdout);
    }
    for (size_t i = 0; i < warn.n; i++)
        print_problem("warning", &warn.v[i]);
    cal_import_free(&im);
    careday_notes_free(&warn);
    cal_tz_free(tz);
    return code;
}

int cli_calendar(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fputs(usage_calendar, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_BAD_INPUT : CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "expand") != 0)
        return bad_usage("unknown calendar command \"%s\" (expected \"expand\")", argv[1]);

    struct expand_args a = {.zone = "UTC", .meaning = "busy"};
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        const char **slot = NULL;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(usage_calendar, stdout);
            return CLI_EXIT_OK;
        } else if (strcmp(arg, "--json") == 0) {
            a.json = true;
            continue;
        } else if (strcmp(arg, "--from") == 0) {
            slot = &a.from;
        } else if (strcmp(arg, "--to") == 0) {
            slot = &a.to;
        } else if (strcmp(arg, "--tz") == 0) {
            slot = &a.zone;
        } else if (strcmp(arg, "--meaning") == 0) {
            slot = &a.meaning;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return bad_usage("unknown option \"%s\"", arg);
        } else if (a.file == NULL) {
            a.file = arg;
            continue;
        } else {
            return bad_usage("one calendar file at a time (also given \"%s\")", arg);
        }
        if (i + 1 >= argc)
            return bad_usage("%s needs a value", arg);
        *slot = argv[++i];
    }
    if (a.file == NULL)
        return bad_usage("no calendar file given%s", "");
    if (a.from == NULL || a.to == NULL)
        return bad_usage("--from and --to are required (the horizon to expand over)%s", "");
    return expand(&a);
}
