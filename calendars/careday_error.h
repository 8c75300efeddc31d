/*
 * The error type of every layer of careday, and its one code space.
 *
 * Functions return 0 on success or a negative code, and fill an optional
 * struct careday_error (file, line or JSON path, one sentence) on failure;
 * warnings collect in struct careday_notes. It lives in calendars/, the
 * lowest folder, so that every layer above can use it; solver/ depends on
 * nothing and keeps its codes in its own range by itself.
 *
 * One code space: 0 is success, and each layer's codes are negative and in
 * a range of their own, so a code says which layer it came from and
 * careday_strerror (adapters.h) names any of them:
 *
 *     -1 .. -19    calendars/   CAL_E*     (calendars.h)
 *    -20 .. -39    adapters/    ADAPT_E*   (adapters.h)
 *    -40 .. -59    scheduler/   SCHED_E*   (scheduler.h)
 *    -60 .. -79    solver/      SOLVER_E*  (solver.h)
 *
 * The command maps them onto its exit codes in one place, adapt_exit_code.
 */
#ifndef CAREDAY_ERROR_H
#define CAREDAY_ERROR_H

#include <stddef.h>

/* The first code of each layer's range (see above). */
enum {
    CAREDAY_CAL_CODES = -1,
    CAREDAY_ADAPT_CODES = -20,
    CAREDAY_SCHED_CODES = -40,
    CAREDAY_SOLVER_CODES = -60,
    CAREDAY_LAST_CODE = -79,
};

/* What went wrong, for a human: the file, the line (iCalendar) or the JSON
 * path (case file), and one sentence saying what was expected. */
struct careday_error {
    char file[512]; /* source file or URL, "" if none */
    int line;       /* 1-based line, 0 if unknown */
    char path[256]; /* JSON path such as "visits[3].window.latest", "" if none */
    char text[768]; /* the sentence */
};

/* Fill err (if not NULL). file and path may be NULL. Always returns code, so a
 * caller can write `return careday_fail(err, CAL_EINVAL, ...)`. */
int careday_fail(struct careday_error *err, int code, const char *file, int line, const char *path,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* A growing list of warnings (same shape as errors). Zero-initialise, free
 * with careday_notes_free. */
struct careday_notes {
    struct careday_error *v;
    size_t n, cap;
};
void careday_notes_add(struct careday_notes *notes, const char *file, int line, const char *path,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void careday_notes_free(struct careday_notes *notes);

/* Format "file:line: path: text" (omitting empty parts) into buf, on one
 * line and safe for a terminal: see careday_text_safe. */
void careday_error_format(const struct careday_error *e, char *buf, size_t size);

/* Copy in into buf (always terminated, cut at a character boundary when it
 * does not fit) with every control character (C0, DEL, C1) and every byte
 * that is not valid UTF-8 shown as an escape (\n, \r, \t, \xNN): text
 * quoted from a file can neither split a message over lines nor send
 * escape sequences to a terminal. */
void careday_text_safe(const char *in, char *buf, size_t size);

#endif
