/*
 * Reading a JSON file that careday was told to read (the case, a travel
 * matrix, an earlier plan, a message catalogue): only a regular file, only
 * UTF-8 (a byte-order mark is skipped, UTF-16 is refused with what to do),
 * duplicate keys refused. Private to adapters/, shared by its rooms (the
 * inputs and the earlier plan that the calendar writer reads back).
 */
#ifndef CAREDAY_ADAPTERS_JSON_FILE_H
#define CAREDAY_ADAPTERS_JSON_FILE_H

#include "adapters/adapters.h"

#include <jansson.h>

/* The largest JSON file read (bytes). */
#define ADAPT_JSON_MAX_BYTES (64u << 20)

/* Parse the file at path into *root (caller frees with json_decref). what
 * names the file in messages ("a case file (JSON)"). ADAPT_EINPUT on any
 * problem, with err naming path (and the line of a syntax error) and what
 * to fix; ADAPT_EINTERNAL when out of memory. */
int adapt_json_file(const char *path, const char *what, json_t **root, struct careday_error *err);

/* json_loadb and json_load_file that tell a NULL result for want of memory
 * (*nomem true) from bad text: jansson reports both as a parse error
 * ("invalid token"), the allocation wrapper's failure count tells them apart. */
json_t *adapt_json_loadb(const char *data, size_t len, size_t flags, json_error_t *je, bool *nomem);
json_t *adapt_json_load_file(const char *path, size_t flags, json_error_t *je, bool *nomem);

/* The placement of appointment a of an earlier careday plan.json, as both
 * re-planning (input/previous.c) and the calendar writer (output/
 * sequence.c) read it back: its visit id, mode, start and end. NULL when
 * all four are there and well-formed, else the name of the first one that
 * is not ("visit", "mode", "start", "end"). */
const char *adapt_plan_appt(const json_t *a, const char **visit, enum sched_mode *mode,
                            cal_time *start, cal_time *end);

#endif
