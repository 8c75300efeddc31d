/*
 * The case generator (`careday gen`, adapters/cli/cmd_gen.c): realistic
 * synthetic cases for the benchmark and for tests. See gen.c for what it
 * writes and the figures it follows.
 */
#ifndef CAREDAY_ADAPTERS_GEN_H
#define CAREDAY_ADAPTERS_GEN_H

#include "adapters/adapters.h"

#include <stdint.h>

#define GEN_MAX_FAMILIES 1000
#define GEN_MAX_VISITS 40 /* --visits at most */
#define GEN_MAX_WEEKS 52  /* --weeks at most */
#define GEN_MAX_CLINICS 5 /* --places at most */

/* Size knobs for the benchmark's scale study; 0 keeps the realistic
 * default (8-15 visits, 6-8 weeks, 2-3 clinics), and a case generated
 * without knobs is byte for byte what it was before they existed. */
struct gen_knobs {
    int visits; /* about this many visits per family (4 .. GEN_MAX_VISITS) */
    int weeks;  /* a horizon of this many weeks (1 .. GEN_MAX_WEEKS) */
    int places; /* clinics each family uses (2 .. GEN_MAX_CLINICS) */
};

/* Write nfamilies (1 .. GEN_MAX_FAMILIES) generated cases into the folder
 * dir, which must exist: dir/family-XXX.json, their calendars under
 * dir/calendars/ and, with more than one family, dir/caseload.json. kn may
 * be NULL (no knobs). The same seed and knobs always write the same bytes.
 * ADAPT_EINTERNAL with err filled when a file cannot be written or memory
 * runs out. */
int gen_cases(const char *dir, uint64_t seed, int nfamilies, const struct gen_knobs *kn,
              struct careday_error *err);

#endif
