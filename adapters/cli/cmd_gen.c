/*
 * `careday gen`: the command around the case generator (adapters/gen/).
 */
#include "adapters/adapters.h"
#include "adapters/cli/commands.h"
#include "adapters/gen/gen.h"
#include "calendars/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * The command.
 */

static const char usage_gen[] =
    "usage: careday gen [--families N] [--seed S] [--visits V] [--weeks W] [--places P]\n"
    "                   -o DIR\n"
    "\n"
    "Write realistic synthetic cases: DIR/family-001.json ... with their\n"
    "calendars under DIR/calendars/, and with N > 1 DIR/caseload.json (the\n"
    "families share providers). The same seed always writes the same files.\n"
    "\n"
    "  --families N   number of families (default 1, at most 1000)\n"
    "  --seed S       seed, a whole number (default 1)\n"
    "  --visits V     about V visits per family (4-40; default 8-15)\n"
    "  --weeks W      a horizon of W weeks (1-52; default 6-8)\n"
    "  --places P     each family uses P clinics (2-5; default 2-3)\n"
    "  -o, --out DIR  folder to write into (created if missing)\n";

static int gen_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int gen_usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "careday gen: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: careday gen [--families N] [--seed S] -o DIR (see careday gen "
                    "--help)\n");
    return CLI_EXIT_BAD_INPUT;
}

static int parse_number(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    unsigned long long v;
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_gen(int argc, char **argv)
{
    const char *out = NULL;
    unsigned long long families = 1, seed = 1, knob;
    struct gen_knobs kn = {0, 0, 0};
    struct careday_error err = {0};
    int i, rc;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_gen, stdout);
            return CLI_EXIT_OK;
        }
        if (strncmp(a, "--families=", 11) == 0 || strncmp(a, "--seed=", 7) == 0 ||
            strncmp(a, "--out=", 6) == 0 || strncmp(a, "--visits=", 9) == 0 ||
            strncmp(a, "--weeks=", 8) == 0 || strncmp(a, "--places=", 9) == 0) {
            val = strchr(a, '=') + 1;
        } else if (strcmp(a, "--families") == 0 || strcmp(a, "--seed") == 0 ||
                   strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0 || strcmp(a, "--visits") == 0 ||
                   strcmp(a, "--weeks") == 0 || strcmp(a, "--places") == 0) {
            if (i + 1 >= argc)
                return gen_usage_error("%s needs a value", a);
            val = argv[++i];
        } else {
            return gen_usage_error("unknown argument %s", a);
        }
        if (strncmp(a, "--families", 10) == 0) {
            if (parse_number(val, GEN_MAX_FAMILIES, &families) != 0 || families == 0)
                return gen_usage_error("--families: expected a number from 1 to 1000, found "
                                       "\"%s\"",
                                       val);
        } else if (strncmp(a, "--seed", 6) == 0) {
            if (parse_number(val, UINT64_MAX, &seed) != 0)
                return gen_usage_error("--seed: expected a whole number, found \"%s\"", val);
        } else if (strncmp(a, "--visits", 8) == 0) {
            if (parse_number(val, GEN_MAX_VISITS, &knob) != 0 || knob < 4)
                return gen_usage_error("--visits: expected a number from 4 to %d, found \"%s\"",
                                       GEN_MAX_VISITS, val);
            kn.visits = (int)knob;
        } else if (strncmp(a, "--weeks", 7) == 0) {
            if (parse_number(val, GEN_MAX_WEEKS, &knob) != 0 || knob < 1)
                return gen_usage_error("--weeks: expected a number from 1 to %d, found \"%s\"",
                                       GEN_MAX_WEEKS, val);
            kn.weeks = (int)knob;
        } else if (strncmp(a, "--places", 8) == 0) {
            if (parse_number(val, GEN_MAX_CLINICS, &knob) != 0 || knob < 2)
                return gen_usage_error("--places: expected a number from 2 to %d, found \"%s\"",
                                       GEN_MAX_CLINICS, val);
            kn.places = (int)knob;
        } else {
            if (!*val)
                return gen_usage_error("%s needs a folder name", a);
            out = val;
        }
    }
    if (!out)
        return gen_usage_error("%s", "missing -o DIR");
    if (cal_mkdir_p(out, 0755, NULL, 0) != 0) {
        fprintf(stderr, "careday gen: %s: cannot create the folder: %s\n", out, strerror(errno));
        return CLI_EXIT_INTERNAL;
    }
    rc = gen_cases(out, (uint64_t)seed, (int)families, &kn, &err);
    if (rc != 0) {
        char msg[2048];
        careday_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "careday gen: %s\n", msg);
        return rc == ADAPT_EINPUT ? CLI_EXIT_BAD_INPUT : CLI_EXIT_INTERNAL;
    }
    return CLI_EXIT_OK;
}
