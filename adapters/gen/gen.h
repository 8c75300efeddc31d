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

/* Write nfamilies (1 .. GEN_MAX_FAMILIES) generated cases into the folder
 * dir, which must exist: dir/family-XXX.json, their calendars under
 * dir/calendars/ and, with more than one family, dir/caseload.json. The same
 * seed always writes the same bytes. ADAPT_EINTERNAL with err filled when a
 * file cannot be written or memory runs out. */
int gen_cases(const char *dir, uint64_t seed, int nfamilies, struct careday_error *err);

/* Create path and its missing parents (mode 0755); 0, or -1 with errno. */
int gen_mkdir_p(const char *path);

#endif
