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
 *   - 8-15 visits per child over a 6-8 week horizon (struct gen_knobs makes
 *     larger cases for the benchmark's scale study), across 6-10 of ten
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
#include "adapters/gen/gen.h"
#include "adapters/gen/gen_internal.h"
#include "calendars/util.h"

#include <jansson.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gen_cases(const char *dir, uint64_t seed, int nfamilies, const struct gen_knobs *kn,
              struct careday_error *err)
{
    struct world w;
    struct family *fams = NULL;
    struct out o = {dir, err};
    char rel[128];
    int rc, i;

    rc = gen_world_make(&w, seed, nfamilies, kn, err);
    if (rc)
        goto done;
    fams = cal_calloc((size_t)nfamilies, sizeof *fams);
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
    if (cal_mkdir_p(rel, 0755, NULL, 0) != 0) {
        rc = careday_fail(err, ADAPT_EINTERNAL, rel, 0, NULL, "cannot create the folder: %s",
                          strerror(errno));
        goto done;
    }
    for (i = 0; i < nfamilies && rc == 0; i++) {
        struct family *f = &fams[i];
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/calendars/%s", dir, f->id);
        if (cal_mkdir_p(sub, 0755, NULL, 0) != 0) {
            rc = careday_fail(err, ADAPT_EINTERNAL, sub, 0, NULL, "cannot create the folder: %s",
                              strerror(errno));
            break;
        }
        snprintf(rel, sizeof rel, "calendars/%s/busy.ics", f->id);
        rc = gen_ics_write(&o, rel, &f->busy_ics);
        if (rc == 0) {
            snprintf(rel, sizeof rel, "calendars/%s/home-nursing.ics", f->id);
            rc = gen_ics_write(&o, rel, &f->nursing_ics);
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
