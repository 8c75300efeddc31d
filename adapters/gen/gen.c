/*
 * `careday gen`: realistic synthetic cases for the benchmark and for tests.
 *
 * Writes DIR/family-XXX.json with their calendars under DIR/calendars/, and
 * with more than one family DIR/caseload.json. The same seed always gives
 * byte-identical files (a private splitmix64 stream; nothing depends on the
 * clock, the folder or the C library's rand()).
 *
 * The shape follows published figures for children with medical complexity
 * and the clinics that serve them (docs/benchmark.md):
 *   - 8-15 visits per child over a 6-8 week horizon, across 6-10 of ten
 *     specialties (neurology ... complex care, the lab);
 *   - providers work 5-7 half-day clinic sessions a week, 40-70 % of it
 *     already booked with other patients in 30-60 minute blocks;
 *   - 2-3 clinical places per family with round trips of 40-250 minutes,
 *     sometimes one across the state line in another time zone, and a
 *     lodging near the far hospital;
 *   - 30-40 % of visits may be done by video, some of those only with a
 *     nurse at home; home blood draws and home visits; home-nursing shifts;
 *   - lab draws 1 to 7 days before the specialist who reads them; repeated
 *     therapy at least 5 days apart;
 *   - families with a weekday they cannot travel, or free only in the
 *     afternoon, daily limits, and now and then an appointment already made.
 * Families generated together share one set of providers (same ids, same
 * calendar files): a caseload competing for the same clinic time.
 */
#include "adapters/adapters.h"
#include "adapters/cli/commands.h"
#include "adapters/gen/gen_internal.h"

#include <jansson.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int generate(const char *dir, uint64_t seed, int nfamilies, struct careday_error *err)
{
    struct world w;
    struct family *fams = NULL;
    struct out o = {dir, err};
    char rel[128];
    int rc, i;

    rc = gen_world_make(&w, seed, nfamilies, err);
    if (rc)
        goto done;
    fams = calloc((size_t)nfamilies, sizeof *fams);
    if (!fams) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (i = 0; i < nfamilies; i++) {
        if (gen_family_make(&fams[i], &w, i)) {
            rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
            goto done;
        }
    }
    snprintf(rel, sizeof rel, "%s/calendars/providers", dir);
    if (gen_mkdir_p(rel) != 0) {
        rc = careday_fail(err, ADAPT_EINTERNAL, rel, 0, NULL, "cannot create the folder: %s",
                          strerror(errno));
        goto done;
    }
    for (i = 0; i < nfamilies && rc == 0; i++) {
        struct family *f = &fams[i];
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/calendars/%s", dir, f->id);
        if (gen_mkdir_p(sub) != 0) {
            rc = careday_fail(err, ADAPT_EINTERNAL, sub, 0, NULL, "cannot create the folder: %s",
                              strerror(errno));
            break;
        }
        snprintf(rel, sizeof rel, "calendars/%s/busy.ics", f->id);
        rc = gen_write_text(&o, rel, f->busy_ics.p, f->busy_ics.n);
        if (rc == 0) {
            snprintf(rel, sizeof rel, "calendars/%s/home-nursing.ics", f->id);
            rc = gen_write_text(&o, rel, f->nursing_ics.p, f->nursing_ics.n);
        }
        if (rc == 0) {
            snprintf(rel, sizeof rel, "%s.json", f->id);
            rc = gen_write_json(&o, rel, gen_case_json(&w, f));
        }
    }
    for (i = 0; i < w.nprovs && rc == 0; i++) {
        if (w.provs[i].used)
            rc = gen_write_provider_calendars(&o, &w, &w.provs[i]);
    }
    if (rc == 0 && nfamilies > 1) {
        json_t *cl = json_object(), *arr = json_array();
        char name[96];
        json_object_set_new(cl, "careday", json_integer(1));
        snprintf(name, sizeof name, "Generated caseload: %d families (seed %llu)", nfamilies,
                 (unsigned long long)seed);
        json_object_set_new(cl, "name", json_string(name));
        for (i = 0; i < nfamilies; i++) {
            snprintf(rel, sizeof rel, "%s.json", fams[i].id);
            json_array_append_new(arr, json_string(rel));
        }
        json_object_set_new(cl, "cases", arr);
        rc = gen_write_json(&o, "caseload.json", cl);
    }
done:
    if (fams) {
        for (i = 0; i < nfamilies; i++)
            gen_family_free(&fams[i]);
        free(fams);
    }
    gen_world_free(&w);
    return rc;
}

/* ---------------------------------------------------------------------------
 * The command.
 */

static const char usage_gen[] =
    "usage: careday gen [--families N] [--seed S] -o DIR\n"
    "\n"
    "Write realistic synthetic cases: DIR/family-001.json ... with their\n"
    "calendars under DIR/calendars/, and with N > 1 DIR/caseload.json (the\n"
    "families share providers). The same seed always writes the same files.\n"
    "\n"
    "  --families N   number of families (default 1, at most 1000)\n"
    "  --seed S       seed, a whole number (default 1)\n"
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
    unsigned long long families = 1, seed = 1;
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
            strncmp(a, "--out=", 6) == 0) {
            val = strchr(a, '=') + 1;
        } else if (strcmp(a, "--families") == 0 || strcmp(a, "--seed") == 0 ||
                   strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) {
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
        } else {
            if (!*val)
                return gen_usage_error("%s needs a folder name", a);
            out = val;
        }
    }
    if (!out)
        return gen_usage_error("%s", "missing -o DIR");
    if (gen_mkdir_p(out) != 0) {
        fprintf(stderr, "careday gen: %s: cannot create the folder: %s\n", out, strerror(errno));
        return CLI_EXIT_INTERNAL;
    }
    rc = generate(out, (uint64_t)seed, (int)families, &err);
    if (rc != 0) {
        char msg[2048];
        careday_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "careday gen: %s\n", msg);
        return rc == ADAPT_EINPUT ? CLI_EXIT_BAD_INPUT : CLI_EXIT_INTERNAL;
    }
    return CLI_EXIT_OK;
}
