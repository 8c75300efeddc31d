/* Private to adapters/cli/: what the command's files share (cli.c). */
#ifndef CAREDAY_CLI_INTERNAL_H
#define CAREDAY_CLI_INTERNAL_H

#include "calendars/calendars.h"

#include <stddef.h>

/* "careday: error: ..." / "careday: warning: ..." on stderr. */
void cli_print_error(const struct careday_error *e);
void cli_print_warnings(const struct careday_notes *n);
/* {"careday": 1, "error": {file, line, path, text}, "exit": code} on stdout
 * (--json runs report errors there too). Returns code, or CLI_EXIT_INTERNAL
 * when out of memory (an "out of memory" error object is printed instead). */
int cli_json_error(const struct careday_error *e, int code);
/* The message, then the usage text, on stderr; returns exit code 2. */
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "--name VALUE", "--name=VALUE", or the short form "-o VALUE" / "-oVALUE".
 * Returns 1 when argv[*i] is this option (value in *out, *i advanced past
 * it), 0 when it is not, -1 when its value is missing. */
int cli_opt_value(int argc, char **argv, int *i, const char *name, const char *short_name,
                  const char **out);
/* "3 h", "2 days": the age of a cached copy in words. */
void cli_age_words(long long s, char *buf, size_t size);

#endif
