/*
 * Reading iCalendar into intervals over a horizon.
 *
 * libical 3.0.16 parses the text; everything about time is done here,
 * because its recurrence helpers get several things wrong (PERIOD RDATEs are
 * skipped, RECURRENCE-ID overrides are not applied, all-day spans are a day
 * too long, a wall time skipped by DST lands before the gap) and because its
 * iterator can spin for minutes inside one call on a rule such as
 * FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30.
 *
 * The text is scanned first, line by line: that gives the line of every
 * BEGIN (libical keeps none), rejects unbalanced BEGIN/END, and repairs one
 * quoting mistake seen in Exchange exports. Then libical builds the tree,
 * whose components are matched in order to the BEGIN lines.
 *
 * Limits (all independent of the wall clock):
 * - ICS_MAX_BYTES: a file larger than this is refused.
 * - opt->max_instances (default ICS_DEFAULT_MAX_INSTANCES) instances of one
 *   recurring component inside the horizon; more are dropped with a warning.
 * - ICS_MAX_STEPS results asked of libical's iterator per RRULE, those before
 *   the horizon included; and the iterator is never allowed to search past
 *   ICS_MAX_STEPS periods of the rule's frequency, so a rule that matches
 *   nothing stops too. Either limit ends that rule's expansion with a warning.
 * - ICS_MAX_LIST_VALUES values of one EXDATE or RDATE line (libical drops
 *   the rest): more give a warning with the line.
 */
#include "calendars/calendars_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define ICS_MAX_BYTES ((size_t)64 << 20)
#define ICS_DEFAULT_MAX_INSTANCES 10000
#define ICS_MAX_STEPS 20000
#define ICS_MAX_DEPTH 32
#define ICS_MAX_OFFSET_S (18 * 3600) /* a VTIMEZONE offset beyond this is not believed */
#define ICS_MAX_LIST_VALUES 500      /* libical's cap on the values of one line */

/* ---------------------------------------------------------------------------
 * The import: events and the two sets.
 */

void cal_import_free(struct cal_import *im)
{
    if (im == NULL)
        return;
    for (size_t i = 0; i < im->nevents; i++) {
        free(im->events[i].summary);
        free(im->events[i].uid);
        free(im->events[i].origin);
    }
    free(im->events);
    cal_set_free(&im->busy);
    cal_set_free(&im->available);
    memset(im, 0, sizeof *im);
}

/* Append one event to im->events (strings copied), leaving the sets alone. */
static int import_append(struct cal_import *im, const struct cal_event *e)
{
    if (cal_grow(&im->events, &im->cap, im->nevents + 1, sizeof *im->events))
        return CAL_ENOMEM;
    struct cal_event c = *e;
    c.summary = cal_strdup(e->summary);
    c.uid = cal_strdup(e->uid);
    c.origin = cal_strdup(e->origin);
    if ((e->summary && !c.summary) || (e->uid && !c.uid) || (e->origin && !c.origin)) {
        free(c.summary);
        free(c.uid);
        free(c.origin);
        return CAL_ENOMEM;
    }
    im->events[im->nevents++] = c;
    return CAL_OK;
}

/* qsort, but never handed a NULL array (undefined even for 0 elements). */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

static void drop_last(struct cal_import *im)
{
    struct cal_event *last = &im->events[--im->nevents];
    free(last->summary);
    free(last->uid);
    free(last->origin);
}

int cal_import_add(struct cal_import *im, cal_time start, cal_time end, bool busy,
                   const char *summary, const char *uid, const char *origin, int line)
{
    if (im == NULL)
        return CAL_EINVAL;
    struct cal_event e = {.start = start,
                          .end = end,
                          .busy = busy,
                          .summary = (char *)summary,
                          .uid = (char *)uid,
                          .origin = (char *)origin,
                          .line = line};
    int rc = import_append(im, &e);
    if (rc != CAL_OK)
        return rc;
    rc = cal_set_add(busy ? &im->busy : &im->available, start, end);
    if (rc != CAL_OK)
        drop_last(im); /* keep events and sets in step */
    return rc;
}

/* ---------------------------------------------------------------------------
 * Reader state.
 */

/* A BEGIN line of the text and the END that closes it. */
struct block {
    char name[24]; /* upper case, truncated */
    int begin, end;
};

/* A component of libical's tree and its lines. */
struct cmap {
    icalcomponent *c;
    int begin, end;
};

/* A TZID as resolved for one calendar (holder is the VCALENDAR or root). */
struct zentry {
    char *tzid;
    icalcomponent *holder;
    icaltimezone *zone;  /* NULL: unknown, read in the floating zone */
    icaltimezone *owned; /* built from a VTIMEZONE here; freed at the end */
};

struct reader {
    const struct cal_read_options *opt;
    const char *name;
    struct careday_notes *warn;
    size_t max_instances;
    icaltimezone *floating; /* opt->floating_tz's zone */
    icaltimezone *utc;

    char *text; /* NUL-terminated copy, BOM removed, repaired */
    size_t len;
    size_t *lines; /* offset of each physical line; lines[i] is line i + 1 */
    size_t nlines;
    struct block *blocks;
    size_t nblocks;

    icalcomponent *root;
    struct cmap *map;
    size_t nmap;
    icalcomponent **vevents, **vfreebusy, **vavail;
    size_t nvevents, nvfreebusy, nvavail;
    struct zentry *zones;
    size_t nzones;

    struct cal_import ev; /* the events found; sets computed at the end */
    int rc;               /* first hard failure (out of memory) */
};

/* Add a warning; the text is formatted here because careday_notes_add wants
 * a format of its own. */
static void warnf(struct reader *r, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warnf(struct reader *r, int line, const char *fmt, ...)
{
    char buf[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    careday_notes_add(r->warn, r->name, line, NULL, "%s", buf);
}

static void fail_nomem(struct reader *r)
{
    if (r->rc == CAL_OK)
        r->rc = CAL_ENOMEM;
}

/* Make room for element n of the array *v (element size sz), whose
 * capacity the count implies: none for 0, else the smallest of 8, 16, 32...
 * that holds n (cal_grow's sizes), so these arrays need no capacity field. */
static bool grow(void *v, size_t n, size_t sz)
{
    size_t cap = 0;
    if (n > 0)
        for (cap = 8; cap < n; cap *= 2)
            ;
    return cal_grow(v, &cap, n + 1, sz) == 0;
}

/* ---------------------------------------------------------------------------
 * Scanning the text.
 */

static const char *line_at(const struct reader *r, int line, size_t *len)
{
    size_t a = r->lines[line - 1];
    size_t b = (size_t)line < r->nlines ? r->lines[line] : r->len;
    while (b > a && (r->text[b - 1] == '\n' || r->text[b - 1] == '\r'))
        b--;
    *len = b - a;
    return r->text + a;
}

static bool is_continuation(const struct reader *r, int line)
{
    size_t len;
    const char *s = line_at(r, line, &len);
    return len > 0 && (s[0] == ' ' || s[0] == '\t');
}

/* "BEGIN:NAME" or "END:NAME" (case-insensitive, blanks trimmed); the name is
 * copied upper case into name. */
static bool tag_line(const char *s, size_t len, const char *tag, char *name, size_t size)
{
    size_t tl = strlen(tag);
    if (len <= tl || strncasecmp(s, tag, tl) != 0)
        return false;
    s += tl;
    len -= tl;
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    size_t k = 0;
    for (size_t i = 0; i < len && k + 1 < size; i++)
        name[k++] = (char)toupper((unsigned char)s[i]);
    name[k] = '\0';
    return k > 0;
}

static bool is_ical_top(const char *name)
{
    static const char *const ok[] = {"VCALENDAR", "VEVENT",    "VTODO",        "VJOURNAL",
                                     "VFREEBUSY", "VTIMEZONE", "VAVAILABILITY"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        if (strcmp(name, ok[i]) == 0)
            return true;
    return false;
}

/* DTSTART;TZID="W. Europe Standard Time:20200609T090000" (Exchange): the
 * value ended up inside the quotes. Move the closing quote before the last
 * colon, in place, when the line has no colon outside quotes. */
static bool repair_quoted_value(char *s, size_t len)
{
    bool q = false;
    size_t open = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') {
            q = !q;
            if (q)
                open = i;
        } else if (s[i] == ':' && !q) {
            return false;
        }
    }
    if (q || len < 3 || s[len - 1] != '"')
        return false;
    size_t colon = 0;
    for (size_t i = len - 2; i > open; i--)
        if (s[i] == ':') {
            colon = i;
            break;
        }
    if (colon == 0)
        return false;
    memmove(s + colon + 1, s + colon, len - 1 - colon);
    s[colon] = '"';
    s[colon + 1] = ':';
    return true;
}

/* How many comma-separated values the property starting at line ln holds
 * (its continuation lines included). */
static size_t count_values(const struct reader *r, int ln)
{
    size_t values = 1;
    bool quoted = false, in_value = false;
    for (int k = ln; k <= (int)r->nlines && (k == ln || is_continuation(r, k)); k++) {
        size_t n;
        const char *t = line_at(r, k, &n);
        for (size_t i = k == ln ? 0 : 1; i < n; i++) {
            if (!in_value) {
                if (t[i] == '"')
                    quoted = !quoted;
                else if (t[i] == ':' && !quoted)
                    in_value = true;
            } else if (t[i] == ',') {
                values++;
            }
        }
    }
    return values;
}

/* libical reads at most ICS_MAX_LIST_VALUES values of one EXDATE or RDATE
 * line and drops the rest without a word: count them here and say so. */
static void check_value_count(struct reader *r, int ln, const char *s, size_t len)
{
    const char *name = NULL;
    if (len > 7 && strncasecmp(s, "EXDATE", 6) == 0 && (s[6] == ';' || s[6] == ':'))
        name = "EXDATE";
    else if (len > 6 && strncasecmp(s, "RDATE", 5) == 0 && (s[5] == ';' || s[5] == ':'))
        name = "RDATE";
    else if (len > 9 && strncasecmp(s, "FREEBUSY", 8) == 0 && (s[8] == ';' || s[8] == ':'))
        name = "FREEBUSY";
    if (name == NULL)
        return;
    size_t values = count_values(r, ln);
    if (values > ICS_MAX_LIST_VALUES)
        warnf(r, ln,
              "%s holds %zu values; at most %d are read from one line (the limit), so the last "
              "%zu are ignored: split them over several %s lines",
              name, values, ICS_MAX_LIST_VALUES, values - ICS_MAX_LIST_VALUES, name);
}

/* What a file that is not iCalendar seems to be, without quoting it (it may
 * be any file the user can read). */
static const char *not_ical_kind(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && isspace((unsigned char)s[i]))
        i++;
    if (i < len && s[i] == '<')
        return "what looks like an HTML or XML page (a login or error page instead of the "
               "calendar?)";
    if (i < len && (s[i] == '{' || s[i] == '['))
        return "what looks like JSON (a FHIR or case file? use \"fhir\" for FHIR Slots)";
    return "other text (is this the right file?)";
}

/* Split the text into lines, pair BEGIN and END, check the outline. */
static int scan(struct reader *r, struct careday_error *err)
{
    size_t n = 1;
    for (size_t i = 0; i < r->len; i++)
        if (r->text[i] == '\n' && i + 1 < r->len)
            n++;
    r->lines = cal_malloc(n * sizeof *r->lines);
    if (r->lines == NULL)
        return CAL_ENOMEM;
    r->lines[0] = 0;
    r->nlines = 1;
    for (size_t i = 0; i < r->len; i++)
        if (r->text[i] == '\n' && i + 1 < r->len)
            r->lines[r->nlines++] = i + 1;

    size_t stack[ICS_MAX_DEPTH];
    size_t depth = 0;
    bool seen = false;
    for (int ln = 1; ln <= (int)r->nlines; ln++) {
        size_t len;
        const char *s = line_at(r, ln, &len);
        size_t blank = 0;
        while (blank < len && isspace((unsigned char)s[blank]))
            blank++;
        if (blank == len)
            continue;
        char name[24];
        if (tag_line(s, len, "BEGIN:", name, sizeof name)) {
            if (depth == 0 && !seen && !is_ical_top(name))
                return careday_fail(err, CAL_EPARSE, r->name, ln, NULL,
                                    "not iCalendar: expected BEGIN:VCALENDAR, found BEGIN:%s",
                                    name);
            if (depth == ICS_MAX_DEPTH)
                return careday_fail(err, CAL_EPARSE, r->name, ln, NULL,
                                    "components nested more than %d deep", ICS_MAX_DEPTH);
            if (!grow(&r->blocks, r->nblocks, sizeof *r->blocks))
                return CAL_ENOMEM;
            struct block *b = &r->blocks[r->nblocks];
            memcpy(b->name, name, sizeof b->name);
            b->begin = ln;
            b->end = 0;
            stack[depth++] = r->nblocks++;
            seen = true;
        } else if (tag_line(s, len, "END:", name, sizeof name)) {
            if (depth == 0)
                return careday_fail(err, CAL_EPARSE, r->name, ln, NULL,
                                    "END:%s without a BEGIN:%s before it", name, name);
            struct block *b = &r->blocks[stack[depth - 1]];
            if (strcmp(b->name, name) != 0)
                return careday_fail(err, CAL_EPARSE, r->name, ln, NULL,
                                    "END:%s does not close BEGIN:%s of line %d", name, b->name,
                                    b->begin);
            b->end = ln;
            depth--;
        } else if (depth == 0) {
            if (!seen)
                return careday_fail(err, CAL_EPARSE, r->name, ln, NULL,
                                    "not iCalendar: expected BEGIN:VCALENDAR, found %s",
                                    not_ical_kind(s, len));
            warnf(r, ln, "text after END:%s ignored", r->blocks[0].name);
        } else if (s[0] != ' ' && s[0] != '\t') {
            check_value_count(r, ln, s, len);
            bool last = ln == (int)r->nlines || !is_continuation(r, ln + 1);
            if (last && repair_quoted_value(r->text + r->lines[ln - 1], len))
                warnf(r, ln,
                      "the value was inside the quotes of a parameter; read as if the "
                      "quote closed before it");
            else if (memchr(s, ':', len) == NULL && last)
                warnf(r, ln, "not a property line (no ':'); ignored");
        }
    }
    if (!seen)
        return careday_fail(err, CAL_EPARSE, r->name, 0, NULL, "empty file: no iCalendar data");
    if (depth > 0) {
        struct block *b = &r->blocks[stack[depth - 1]];
        return careday_fail(err, CAL_EPARSE, r->name, b->begin, NULL,
                            "BEGIN:%s is never closed (END:%s missing; is the file cut short?)",
                            b->name, b->name);
    }
    return CAL_OK;
}

/* Line of the first property called prop directly inside the component
 * whose BEGIN/END lines are given (nested components skipped); else begin. */
static int prop_line(const struct reader *r, int begin, int end, const char *prop)
{
    if (begin <= 0 || end <= begin)
        return begin;
    size_t pl = strlen(prop);
    int depth = 0;
    for (int ln = begin + 1; ln < end; ln++) {
        size_t len;
        const char *s = line_at(r, ln, &len);
        char name[24];
        if (tag_line(s, len, "BEGIN:", name, sizeof name))
            depth++;
        else if (tag_line(s, len, "END:", name, sizeof name))
            depth--;
        else if (depth == 0 && len > pl && strncasecmp(s, prop, pl) == 0 &&
                 (s[pl] == ':' || s[pl] == ';'))
            return ln;
    }
    return begin;
}

/* The first line at or after from of property prop in [begin, end] (not in
 * a nested component) whose text holds needle; 0 if none. */
static int prop_line_holding(const struct reader *r, int begin, int end, const char *prop,
                             const char *needle, int from)
{
    if (begin <= 0 || end <= begin || needle[0] == '\0')
        return 0;
    size_t pl = strlen(prop), nl = strlen(needle);
    int depth = 0;
    for (int ln = begin + 1; ln < end; ln++) {
        size_t len;
        const char *s = line_at(r, ln, &len);
        char name[24];
        if (tag_line(s, len, "BEGIN:", name, sizeof name))
            depth++;
        else if (tag_line(s, len, "END:", name, sizeof name))
            depth--;
        else if (ln >= from && depth == 0 && len > pl && strncasecmp(s, prop, pl) == 0 &&
                 (s[pl] == ':' || s[pl] == ';')) {
            for (size_t i = 0; i + nl <= len; i++)
                if (memcmp(s + i, needle, nl) == 0)
                    return ln;
        }
    }
    return 0;
}

/* The line of the k-th (0-based) value of property prop in [begin, end]:
 * libical makes one property of each value of a comma-separated list, so
 * the k-th property is found by counting values, line by line. */
static int prop_value_line(const struct reader *r, int begin, int end, const char *prop, size_t k)
{
    if (begin <= 0 || end <= begin)
        return begin;
    size_t pl = strlen(prop), seen = 0;
    int depth = 0;
    for (int ln = begin + 1; ln < end; ln++) {
        size_t len;
        const char *s = line_at(r, ln, &len);
        char name[24];
        if (tag_line(s, len, "BEGIN:", name, sizeof name))
            depth++;
        else if (tag_line(s, len, "END:", name, sizeof name))
            depth--;
        else if (depth == 0 && len > pl && strncasecmp(s, prop, pl) == 0 &&
                 (s[pl] == ':' || s[pl] == ';')) {
            size_t n = count_values(r, ln);
            if (k < seen + n)
                return ln;
            seen += n;
        }
    }
    return begin;
}

/* ---------------------------------------------------------------------------
 * Components and their lines.
 */

static const struct cmap *cmap_of(const struct reader *r, const icalcomponent *c)
{
    for (size_t lo = 0, hi = r->nmap; lo < hi;) {
        size_t mid = (lo + hi) / 2;
        if ((uintptr_t)r->map[mid].c < (uintptr_t)c)
            lo = mid + 1;
        else if (r->map[mid].c == c)
            return &r->map[mid];
        else
            hi = mid;
    }
    return NULL;
}

static int line_of(const struct reader *r, const icalcomponent *c)
{
    const struct cmap *m = cmap_of(r, c);
    return m ? m->begin : 0;
}

static int line_of_prop(const struct reader *r, const icalcomponent *c, const char *prop)
{
    const struct cmap *m = cmap_of(r, c);
    return m ? prop_line(r, m->begin, m->end, prop) : 0;
}

static const char *comp_name(icalcomponent *c)
{
    icalcomponent_kind k = icalcomponent_isa(c);
    if (k == ICAL_XAVAILABLE_COMPONENT)
        return "AVAILABLE";
    return icalcomponent_kind_to_string(k);
}

static int push_comp(icalcomponent ***v, size_t *n, icalcomponent *c)
{
    if (!grow(v, *n, sizeof **v))
        return CAL_ENOMEM;
    (*v)[(*n)++] = c;
    return CAL_OK;
}

/* Pre-order walk: match each component to the next BEGIN of its name, and
 * collect the ones read. */
static int walk(struct reader *r, icalcomponent *c, size_t *cursor, int depth)
{
    icalcomponent_kind k = icalcomponent_isa(c);
    if (k != ICAL_XROOT_COMPONENT) {
        const char *name = comp_name(c);
        int begin = 0, end = 0;
        for (size_t i = *cursor; name != NULL && i < r->nblocks; i++)
            if (strcasecmp(r->blocks[i].name, name) == 0) {
                begin = r->blocks[i].begin;
                end = r->blocks[i].end;
                *cursor = i + 1;
                break;
            }
        if (!grow(&r->map, r->nmap, sizeof *r->map))
            return CAL_ENOMEM;
        r->map[r->nmap++] = (struct cmap){c, begin, end};
    }
    int rc = CAL_OK;
    if (k == ICAL_VEVENT_COMPONENT)
        rc = push_comp(&r->vevents, &r->nvevents, c);
    else if (k == ICAL_VFREEBUSY_COMPONENT)
        rc = push_comp(&r->vfreebusy, &r->nvfreebusy, c);
    else if (k == ICAL_VAVAILABILITY_COMPONENT)
        rc = push_comp(&r->vavail, &r->nvavail, c);
    if (rc != CAL_OK || depth >= ICS_MAX_DEPTH)
        return rc;
    for (icalcompiter it = icalcomponent_begin_component(c, ICAL_ANY_COMPONENT);
         icalcompiter_deref(&it) != NULL; icalcompiter_next(&it)) {
        if ((rc = walk(r, icalcompiter_deref(&it), cursor, depth + 1)) != CAL_OK)
            return rc;
    }
    return CAL_OK;
}

static int cmp_cmap(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct cmap *)a)->c;
    uintptr_t y = (uintptr_t)((const struct cmap *)b)->c;
    return x < y ? -1 : x > y;
}

/* The properties of kind k of c, in order, as a NULL-terminated array the
 * caller frees (NULL when out of memory). Loops over properties use this
 * because libical keeps one iterator per component, which any
 * icalcomponent_get_first_property call inside the loop would reset. */
static icalproperty **props_of(icalcomponent *c, icalproperty_kind k)
{
    size_t n = 0;
    for (icalproperty *p = icalcomponent_get_first_property(c, k); p;
         p = icalcomponent_get_next_property(c, k))
        n++;
    icalproperty **v = cal_calloc(n + 1, sizeof *v);
    if (v == NULL)
        return NULL;
    n = 0;
    for (icalproperty *p = icalcomponent_get_first_property(c, k); p;
         p = icalcomponent_get_next_property(c, k))
        v[n++] = p;
    return v;
}

/* ---------------------------------------------------------------------------
 * Time zones.
 */

/* The VCALENDAR (or the root) a component belongs to. */
static icalcomponent *holder_of(icalcomponent *c)
{
    icalcomponent *h = c;
    while (h != NULL && icalcomponent_isa(h) != ICAL_VCALENDAR_COMPONENT &&
           icalcomponent_get_parent(h) != NULL)
        h = icalcomponent_get_parent(h);
    return h;
}

/* A VTIMEZONE libical can expand without running away: at least one
 * STANDARD/DAYLIGHT with an offset, and only small yearly rules (libical
 * expands every rule from its DTSTART, so FREQ=SECONDLY there would never
 * end). */
static bool vtimezone_usable(icalcomponent *vtz)
{
    int parts = 0;
    for (icalcompiter it = icalcomponent_begin_component(vtz, ICAL_ANY_COMPONENT);
         icalcompiter_deref(&it) != NULL; icalcompiter_next(&it)) {
        icalcomponent *o = icalcompiter_deref(&it);
        icalcomponent_kind k = icalcomponent_isa(o);
        if (k != ICAL_XSTANDARD_COMPONENT && k != ICAL_XDAYLIGHT_COMPONENT)
            continue;
        if (icalcomponent_get_first_property(o, ICAL_TZOFFSETTO_PROPERTY) == NULL ||
            icalcomponent_get_first_property(o, ICAL_DTSTART_PROPERTY) == NULL)
            return false;
        /* Real offsets lie within +-14 h; beyond +-18 h (the limit of
         * RFC 3339 and of most readers) the zone is not believed. */
        for (icalproperty *p = icalcomponent_get_first_property(o, ICAL_ANY_PROPERTY); p;
             p = icalcomponent_get_next_property(o, ICAL_ANY_PROPERTY)) {
            icalproperty_kind pk = icalproperty_isa(p);
            int off = pk == ICAL_TZOFFSETTO_PROPERTY     ? icalproperty_get_tzoffsetto(p)
                      : pk == ICAL_TZOFFSETFROM_PROPERTY ? icalproperty_get_tzoffsetfrom(p)
                                                         : 0;
            if (off > ICS_MAX_OFFSET_S || off < -ICS_MAX_OFFSET_S)
                return false;
        }
        struct icaltimetype ds =
            icalproperty_get_dtstart(icalcomponent_get_first_property(o, ICAL_DTSTART_PROPERTY));
        if (icaltime_is_null_time(ds) || ds.year < 1 || ds.year > 9999)
            return false;
        for (icalproperty *p = icalcomponent_get_first_property(o, ICAL_RRULE_PROPERTY); p;
             p = icalcomponent_get_next_property(o, ICAL_RRULE_PROPERTY)) {
            struct icalrecurrencetype rr = icalproperty_get_rrule(p);
            if (rr.freq != ICAL_YEARLY_RECURRENCE || rr.interval < 1)
                return false;
            int nmonth = 0, nday = 0, nmday = 0, nyday = 0;
            while (nmonth < ICAL_BY_MONTH_SIZE && rr.by_month[nmonth] != ICAL_RECURRENCE_ARRAY_MAX)
                nmonth++;
            while (nday < ICAL_BY_DAY_SIZE && rr.by_day[nday] != ICAL_RECURRENCE_ARRAY_MAX)
                nday++;
            while (nmday < ICAL_BY_MONTHDAY_SIZE &&
                   rr.by_month_day[nmday] != ICAL_RECURRENCE_ARRAY_MAX)
                nmday++;
            while (nyday < ICAL_BY_YEARDAY_SIZE &&
                   rr.by_year_day[nyday] != ICAL_RECURRENCE_ARRAY_MAX)
                nyday++;
            if (nmonth > 2 || nday > 7 || nmday > 7 || nyday > 2 ||
                rr.by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX ||
                rr.by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX ||
                rr.by_second[0] != ICAL_RECURRENCE_ARRAY_MAX ||
                rr.by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX ||
                rr.by_set_pos[0] != ICAL_RECURRENCE_ARRAY_MAX)
                return false;
        }
        parts++;
    }
    return parts > 0;
}

/* A VTIMEZONE with this TZID, in the holder first, then anywhere. */
static icalcomponent *find_vtimezone(struct reader *r, icalcomponent *holder, const char *tzid)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < r->nmap; i++) {
            icalcomponent *c = r->map[i].c;
            if (icalcomponent_isa(c) != ICAL_VTIMEZONE_COMPONENT)
                continue;
            if ((pass == 0) != (holder_of(c) == holder))
                continue;
            icalproperty *p = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY);
            const char *id = p ? icalproperty_get_tzid(p) : NULL;
            if (id != NULL && strcmp(id, tzid) == 0)
                return c;
        }
    }
    return NULL;
}

/* The zone for a TZID: a usable VTIMEZONE of the file, else the name as an
 * IANA, Windows or Outlook name, else NULL (read in the floating zone, with
 * one warning per TZID). */
static icaltimezone *zone_for(struct reader *r, icalcomponent *comp, const char *tzid, int line)
{
    icalcomponent *holder = holder_of(comp);
    for (size_t i = 0; i < r->nzones; i++)
        if (r->zones[i].holder == holder && strcmp(r->zones[i].tzid, tzid) == 0)
            return r->zones[i].zone;

    if (!grow(&r->zones, r->nzones, sizeof *r->zones)) {
        fail_nomem(r);
        return NULL;
    }
    struct zentry z = {cal_strdup(tzid), holder, NULL, NULL};
    if (z.tzid == NULL) {
        fail_nomem(r);
        return NULL;
    }
    icalcomponent *vtz = find_vtimezone(r, holder, tzid);
    bool bad_vtz = false;
    if (vtz != NULL && vtimezone_usable(vtz)) {
        icalcomponent *copy = icalcomponent_new_clone(vtz);
        icaltimezone *zone = icaltimezone_new();
        if (copy != NULL && zone != NULL && icaltimezone_set_component(zone, copy)) {
            z.zone = z.owned = zone;
        } else {
            if (copy != NULL)
                icalcomponent_free(copy);
            if (zone != NULL)
                icaltimezone_free(zone, 1);
        }
    } else if (vtz != NULL) {
        bad_vtz = true;
    }
    char iana[128];
    if (z.zone == NULL && cal_tz_resolve_name(tzid, iana, sizeof iana) == CAL_OK) {
        icalerrorenum saved = icalerrno;
        z.zone = strcmp(iana, "UTC") == 0 ? r->utc : icaltimezone_get_builtin_timezone(iana);
        icalerrno = saved;
        if (z.zone != NULL && bad_vtz)
            warnf(r, line_of(r, vtz),
                  "VTIMEZONE \"%.100s\" cannot be used (no offsets, an offset beyond +-18 hours, "
                  "or rules too unusual); read "
                  "as the zone %s",
                  tzid, iana);
    }
    if (z.zone == NULL)
        warnf(r, line,
              "unknown time zone TZID=\"%.100s\"%s; its times were read as local time in %s", tzid,
              bad_vtz ? " (its VTIMEZONE cannot be used: no offsets, an offset beyond +-18 hours, "
                        "or rules too unusual)"
                      : "",
              cal_tz_name(r->opt->floating_tz));
    r->zones[r->nzones++] = z;
    return z.zone;
}

/* ---------------------------------------------------------------------------
 * Times.
 */

/* A DATE or DATE-TIME as written: local fields and where they are read. */
struct when {
    struct icaltimetype t; /* fields only; zone NULL */
    bool is_date;
    bool utc;
    bool floating;      /* no TZID and not UTC */
    icaltimezone *zone; /* the TZID's zone; NULL when utc, floating or unknown */
};

static bool fields_valid(const struct icaltimetype *t)
{
    if (t->year < 1 || t->year > 9999 || t->month < 1 || t->month > 12 || t->day < 1 ||
        t->day > icaltime_days_in_month(t->month, t->year))
        return false;
    return t->is_date || (t->hour >= 0 && t->hour <= 23 && t->minute >= 0 && t->minute <= 59 &&
                          t->second >= 0 && t->second <= 60);
}

/* Read a time value t of property p of component c. */
static bool make_when(struct reader *r, icalcomponent *c, icalproperty *p, struct icaltimetype t,
                      struct when *w)
{
    memset(w, 0, sizeof *w);
    if (icaltime_is_null_time(t) || !fields_valid(&t))
        return false;
    w->utc = !t.is_date && icaltime_is_utc(t);
    w->is_date = t.is_date != 0;
    w->t = t;
    w->t.zone = NULL;
    if (w->is_date) {
        w->t.hour = w->t.minute = w->t.second = 0;
        return true;
    }
    if (w->utc)
        return true;
    icalparameter *tz = p ? icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER) : NULL;
    const char *tzid = tz ? icalparameter_get_tzid(tz) : NULL;
    if (tzid == NULL || tzid[0] == '\0') {
        w->floating = true;
        return true;
    }
    w->zone = zone_for(r, c, tzid, line_of_prop(r, c, icalproperty_get_property_name(p)));
    if (w->zone == NULL)
        w->floating = true;
    return true;
}

/* A time-valued property (DTSTART, DTEND, RECURRENCE-ID...). */
static bool prop_when(struct reader *r, icalcomponent *c, icalproperty *p, struct when *w)
{
    icalvalue *v = p ? icalproperty_get_value(p) : NULL;
    if (v == NULL)
        return false;
    icalvalue_kind k = icalvalue_isa(v);
    if (k == ICAL_DATE_VALUE)
        return make_when(r, c, p, icalvalue_get_date(v), w);
    if (k == ICAL_DATETIME_VALUE)
        return make_when(r, c, p, icalvalue_get_datetime(v), w);
    if (k == ICAL_DATETIMEPERIOD_VALUE)
        return make_when(r, c, p, icalvalue_get_datetimeperiod(v).time, w);
    return false;
}

static cal_time fields_utc(const struct icaltimetype *t)
{
    cal_time day = cal_days_from_civil(t->year, t->month, t->day);
    return day * CAL_SECONDS_PER_DAY + t->hour * 3600 + t->minute * 60 + t->second;
}

/* Local wall clock in zone to UTC, with the DST rules of cal_tz_local_to_utc. */
static cal_time local_to_utc(icaltimezone *zone, const struct icaltimetype *t)
{
    if (t->year > 2400) {
        /* libical cannot expand zones past 2582 and retries on every call
         * (tens of milliseconds each): read a far date with the offset of
         * the same day 400*k years earlier, which has the same calendar. */
        struct icaltimetype near = *t;
        near.year = 2000 + t->year % 400;
        return local_to_utc(zone, &near) + (fields_utc(t) - fields_utc(&near));
    }
    int32_t day = cal_days_from_civil(t->year, t->month, t->day);
    struct cal_tz tz = {.name = NULL, .zone = zone, .is_utc = false};
    if (zone == NULL || zone == icaltimezone_get_utc_timezone())
        return fields_utc(t);
    return cal_tz_local_to_utc(&tz, day, t->hour * 60 + t->minute) + t->second;
}

/* The zone a floating value of a component is read in: the zone of its
 * DTSTART (so EXDATE:20200101T100000 under DTSTART;TZID=X means X), else the
 * floating zone. */
static icaltimezone *zone_of(const struct reader *r, const struct when *w)
{
    if (w->utc)
        return r->utc;
    if (w->zone != NULL)
        return w->zone;
    return r->floating;
}

/* The instant of w; floating values are read in deflt. Dates are local
 * midnight in the floating zone. */
static cal_time when_utc(const struct reader *r, const struct when *w, icaltimezone *deflt)
{
    if (w->is_date)
        return local_to_utc(r->floating, &w->t);
    if (w->utc)
        return fields_utc(&w->t);
    return local_to_utc(w->floating ? deflt : w->zone, &w->t);
}

static int32_t when_day(const struct when *w)
{
    return cal_days_from_civil(w->t.year, w->t.month, w->t.day);
}

static struct icaltimetype add_days(struct icaltimetype t, int days)
{
    icaltime_adjust(&t, days, 0, 0, 0);
    return t;
}

/* UTC fields of an instant, as a floating libical time (for window bounds). */
static struct icaltimetype utc_fields(cal_time t, bool is_date)
{
    struct icaltimetype f = cal_ical_utc(t);
    f.zone = NULL;
    if (is_date) {
        f.is_date = 1;
        f.hour = f.minute = f.second = 0;
    }
    return f;
}

/* ---------------------------------------------------------------------------
 * Recurring components (VEVENT, AVAILABLE): one item each.
 */

struct item {
    icalcomponent *c;
    int line;
    const char *uid, *summary;
    bool has_start;
    struct when start;
    /* Duration: all-day items add days (nominal) then secs; timed items add
     * days in local time (DURATION:P1D) then secs (exact). */
    int days;
    int64_t secs;
    bool has_dur; /* DTEND or DURATION given */
    bool has_rid;
    struct when rid;
    bool thisandfuture;
    bool cancelled, transparent;
};

/* The text of property k of c, unescaped (borrowed from c), or NULL. */
static const char *prop_text(icalcomponent *c, icalproperty_kind k)
{
    icalproperty *p = icalcomponent_get_first_property(c, k);
    icalvalue *v = p ? icalproperty_get_value(p) : NULL;
    if (v == NULL || icalvalue_isa(v) != ICAL_TEXT_VALUE)
        return NULL;
    const char *s = icalvalue_get_text(v);
    return s && s[0] ? s : NULL;
}

/* Does libical's message t name property prop (" DTEND ", " RDATE:")? */
static bool mentions(const char *t, const char *prop)
{
    size_t n = strlen(prop);
    for (const char *h = strstr(t, prop); h != NULL; h = strstr(h + 1, prop))
        if ((h == t || h[-1] == ' ') && (h[n] == ' ' || h[n] == ':' || h[n] == '\0'))
            return true;
    return false;
}

/* Warn about each X-LIC-ERROR (a property libical dropped) that touches
 * time, naming its line. DTSTART is left to the caller, which skips the
 * component and says so. */
static void warn_parse_errors(struct reader *r, icalcomponent *c)
{
    static const char *const timely[] = {"DTEND",  "DURATION",      "RRULE",    "RDATE",
                                         "EXDATE", "RECURRENCE-ID", "FREEBUSY", "STATUS",
                                         "TRANSP", "BUSYTYPE",      "PRIORITY"};
    const char *uid = icalcomponent_get_uid(c);
    icalproperty **props = props_of(c, ICAL_XLICERROR_PROPERTY);
    const struct cmap *cm = cmap_of(r, c);
    int last_line = -1, from[sizeof timely / sizeof *timely] = {0};
    for (size_t k = 0; props != NULL && props[k] != NULL; k++) {
        const char *t = icalproperty_get_xlicerror(props[k]);
        for (size_t i = 0; t != NULL && i < sizeof timely / sizeof *timely; i++) {
            if (!mentions(t, timely[i]))
                continue;
            /* The line of this very property: libical's message ends with
             * the value it dropped, and errors come in the file's order. */
            const char *value = strstr(t, "property: ");
            int line = cm && value ? prop_line_holding(r, cm->begin, cm->end, timely[i], value + 10,
                                                       from[i])
                                   : 0;
            if (line > 0)
                from[i] = line;
            else
                line = line_of_prop(r, c, timely[i]);
            /* libical may drop one property with two messages: say it once. */
            if (line == last_line)
                break;
            last_line = line;
            warnf(r, line, "%s%s%s: %s: %.200s", comp_name(c), uid ? " UID " : "", uid ? uid : "",
                  i == 2 ? "invalid RRULE, read as a single instance"
                         : "a value could not be read and was ignored",
                  t);
            break;
        }
    }
    free(props);
}

/* libical's message about a DTSTART it dropped, or NULL. */
static const char *dtstart_error(icalcomponent *c)
{
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
        const char *t = icalproperty_get_xlicerror(p);
        if (t != NULL && mentions(t, "DTSTART"))
            return t;
    }
    return NULL;
}

/* Read the DTEND/DURATION of it; false (after a warning) when unusable. */
static void read_duration(struct reader *r, struct item *it)
{
    icalcomponent *c = it->c;
    icalproperty *pe = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY);
    icalproperty *pd = icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY);
    it->days = 0;
    it->secs = 0;
    it->has_dur = false;
    struct when end;
    if (pe != NULL && pd != NULL)
        warnf(r, line_of_prop(r, c, "DURATION"),
              "both DTEND and DURATION given; DTEND used, DURATION ignored");
    if (pe != NULL && prop_when(r, c, pe, &end)) {
        it->has_dur = true;
        if (it->start.is_date) {
            it->days = (int)(when_day(&end) - when_day(&it->start));
        } else if (end.is_date) {
            /* A DATE end on a timed event: midnight starting that date. */
            it->secs =
                local_to_utc(zone_of(r, &it->start), &end.t) - when_utc(r, &it->start, r->floating);
        } else {
            it->secs =
                when_utc(r, &end, zone_of(r, &it->start)) - when_utc(r, &it->start, r->floating);
        }
    } else if (pd != NULL) {
        struct icaldurationtype d = icalproperty_get_duration(pd);
        if (!icaldurationtype_is_bad_duration(d) && !icaldurationtype_is_null_duration(d)) {
            it->has_dur = true;
            int sign = d.is_neg ? -1 : 1;
            it->days = sign * (int)(d.weeks * 7 + d.days);
            it->secs = sign * ((int64_t)d.hours * 3600 + (int64_t)d.minutes * 60 + d.seconds);
        } else if (icaldurationtype_is_null_duration(d)) {
            it->has_dur = true;
        }
    }
    if (!it->has_dur && it->start.is_date)
        it->days = 1; /* RFC 5545: a DATE DTSTART alone lasts the day */
    if (it->days < 0 || it->secs < 0 || (it->days == 0 && it->secs == 0 && it->start.is_date)) {
        if (it->days < 0 || it->secs < 0)
            warnf(r, line_of_prop(r, c, pe ? "DTEND" : "DURATION"),
                  "%s%s%s ends before it starts; read as %s", comp_name(c), it->uid ? " UID " : "",
                  it->uid ? it->uid : "", it->start.is_date ? "one day" : "an instant");
        it->days = it->start.is_date ? 1 : 0;
        it->secs = 0;
    }
}

/* End of an instance that starts at local fields t (in zone) or, for
 * all-day items, on day t. */
static cal_time instance_end(const struct reader *r, const struct item *it, cal_time start,
                             const struct icaltimetype *t, icaltimezone *zone)
{
    if (it->start.is_date) {
        struct icaltimetype d = add_days(*t, it->days);
        d.is_date = 1;
        return local_to_utc(r->floating, &d) + it->secs;
    }
    if (it->days != 0) {
        struct icaltimetype d = add_days(*t, it->days);
        return local_to_utc(zone, &d) + it->secs;
    }
    return start + it->secs;
}

static int parse_item(struct reader *r, icalcomponent *c, struct item *it)
{
    memset(it, 0, sizeof *it);
    it->c = c;
    it->line = line_of(r, c);
    it->uid = icalcomponent_get_uid(c);
    it->summary = prop_text(c, ICAL_SUMMARY_PROPERTY);
    warn_parse_errors(r, c);

    icalproperty *prid = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
    if (prid != NULL) {
        it->has_rid = prop_when(r, c, prid, &it->rid);
        icalparameter *rg = icalproperty_get_first_parameter(prid, ICAL_RANGE_PARAMETER);
        it->thisandfuture = rg && icalparameter_get_range(rg) == ICAL_RANGE_THISANDFUTURE;
    }
    icalproperty *ps = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
    it->has_start = ps != NULL && prop_when(r, c, ps, &it->start);
    if (!it->has_start && it->has_rid) {
        it->start = it->rid; /* an override without DTSTART keeps its time */
        it->has_start = true;
    }
    if (!it->has_start)
        return CAL_EINVAL;
    read_duration(r, it);

    icalproperty *pst = icalcomponent_get_first_property(c, ICAL_STATUS_PROPERTY);
    it->cancelled = pst && icalproperty_get_status(pst) == ICAL_STATUS_CANCELLED;
    icalproperty *ptr = icalcomponent_get_first_property(c, ICAL_TRANSP_PROPERTY);
    if (ptr != NULL) {
        icalproperty_transp t = icalproperty_get_transp(ptr);
        it->transparent = t == ICAL_TRANSP_TRANSPARENT || t == ICAL_TRANSP_TRANSPARENTNOCONFLICT;
    }
    return CAL_OK;
}

/* One instance of an expansion. */
struct inst {
    cal_time start, end;
    int32_t lday; /* local date of the start (the date itself when all-day) */
    int source;   /* 0 DTSTART, 1 RRULE, 2 RDATE */
};

struct instvec {
    struct inst *v;
    size_t n;
    size_t inside; /* instances inside the horizon so far */
    bool full;     /* max_instances reached */
};

/* Where an instance is matched against an EXDATE or a RECURRENCE-ID. */
struct key {
    bool by_day;
    int32_t day;
    cal_time at;
};

static struct key key_of(const struct reader *r, const struct item *m, const struct when *w)
{
    struct key k = {0};
    if (m->start.is_date || w->is_date) {
        k.by_day = true;
        k.day = when_day(w); /* the date as written, whatever its zone */
    } else {
        k.at = when_utc(r, w, zone_of(r, &m->start));
    }
    return k;
}

static bool key_match(const struct key *k, const struct inst *in)
{
    return k->by_day ? k->day == in->lday : k->at == in->start;
}

static bool in_horizon(const struct reader *r, cal_time s, cal_time e)
{
    if (s == e)
        return s >= r->opt->from && s < r->opt->to;
    return s < r->opt->to && e > r->opt->from;
}

/* Keep an instance if it touches the (widened) horizon. Returns false when
 * max_instances is reached or memory ran out: the caller stops. */
static bool push_inst(struct reader *r, struct instvec *iv, cal_time s, cal_time e, int32_t lday,
                      int source)
{
    if (e < s)
        e = s;
    if (!in_horizon(r, s, e))
        return true;
    if (iv->full || ++iv->inside > r->max_instances) {
        iv->full = true;
        return false;
    }
    if (!grow(&iv->v, iv->n, sizeof *iv->v)) {
        fail_nomem(r);
        return false;
    }
    iv->v[iv->n++] = (struct inst){s, e, lday, source};
    return true;
}

/* An instance of m starting at local fields t (a date for all-day items). */
static bool add_inst(struct reader *r, const struct item *m, struct instvec *iv,
                     struct icaltimetype t, int source, icaltimezone *zone)
{
    cal_time s = m->start.is_date ? local_to_utc(r->floating, &t) : local_to_utc(zone, &t);
    return push_inst(r, iv, s, instance_end(r, m, s, &t, zone),
                     cal_days_from_civil(t.year, t.month, t.day), source);
}

/* Seconds in one period of a frequency, as far as libical's search steps go. */
static int64_t rule_unit(icalrecurrencetype_frequency f)
{
    switch (f) {
    case ICAL_SECONDLY_RECURRENCE:
        return 1;
    case ICAL_MINUTELY_RECURRENCE:
        return 60;
    case ICAL_HOURLY_RECURRENCE:
        return 3600;
    default:
        return CAL_SECONDS_PER_DAY;
    }
}

/* Is the instance t (starting at s) of m past the rule's UNTIL? UNTIL is
 * applied here rather than by libical, which compares a local time with a
 * UTC one. A local UNTIL is read in the DTSTART's zone; a DATE UNTIL keeps
 * the whole day. */
static bool past_until(const struct reader *r, const struct item *m, const struct icaltimetype *t,
                       cal_time s, const struct when *until)
{
    if (until->is_date)
        return cal_days_from_civil(t->year, t->month, t->day) > when_day(until);
    if (m->start.is_date && until->floating) {
        struct icaltimetype u = until->t;
        u.is_date = 1;
        return icaltime_compare_date_only(*t, u) > 0;
    }
    return s > when_utc(r, until, zone_of(r, &m->start));
}

static void item_warn(struct reader *r, int line, const struct item *m, const char *what)
{
    warnf(r, line, "%s%s%s: %s", comp_name(m->c), m->uid ? " UID " : "", m->uid ? m->uid : "",
          what);
}

/* The local wall clock of instant t in zone, as floating libical fields. */
static struct icaltimetype local_fields(icaltimezone *zone, cal_time t, bool is_date)
{
    struct cal_tz tz = {.name = NULL, .zone = zone, .is_utc = false};
    int off = zone == NULL || zone == icaltimezone_get_utc_timezone() ? 0 : cal_tz_offset(&tz, t);
    return utc_fields(t + off, is_date);
}

static int list_len(const short *v, int size)
{
    int n = 0;
    while (n < size && v[n] != ICAL_RECURRENCE_ARRAY_MAX)
        n++;
    return n;
}

static bool in_list(const short *v, int size, int x)
{
    for (int i = 0; i < size && v[i] != ICAL_RECURRENCE_ARRAY_MAX; i++)
        if (v[i] == x)
            return true;
    return false;
}

/* Could a MONTHLY or YEARLY rule ever yield an instance? libical answers
 * only after searching every period up to the year 20000 (seconds of CPU,
 * inside one call), so rules that certainly never match are caught here
 * first. The test over-approximates (BYWEEKNO and BYDAY ordinals are
 * ignored, INTERVAL too): a rule it passes may still match nothing, but a
 * rule it rejects matches nothing. It looks at one 400-year Gregorian
 * cycle, after which dates and weekdays repeat. */
static bool rule_may_match(const struct icalrecurrencetype *given, const struct icaltimetype *ds)
{
    if (given->freq != ICAL_MONTHLY_RECURRENCE && given->freq != ICAL_YEARLY_RECURRENCE)
        return true;
    struct icalrecurrencetype copy = *given;
    const struct icalrecurrencetype *rec = &copy;
    const bool monthly = rec->freq == ICAL_MONTHLY_RECURRENCE;
    const bool has_day = rec->by_day[0] != ICAL_RECURRENCE_ARRAY_MAX;
    const bool has_yday = rec->by_year_day[0] != ICAL_RECURRENCE_ARRAY_MAX;
    const bool has_wno = rec->by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX;
    /* The days DTSTART implies when the rule names none (RFC 5545 and
     * libical): its day of the month, and for YEARLY its month. */
    if (!has_day && !has_yday && !has_wno && rec->by_month_day[0] == ICAL_RECURRENCE_ARRAY_MAX) {
        copy.by_month_day[0] = (short)ds->day;
        copy.by_month_day[1] = ICAL_RECURRENCE_ARRAY_MAX;
        if (!monthly && rec->by_month[0] == ICAL_RECURRENCE_ARRAY_MAX) {
            copy.by_month[0] = (short)ds->month;
            copy.by_month[1] = ICAL_RECURRENCE_ARRAY_MAX;
        }
    }
    const bool has_month = rec->by_month[0] != ICAL_RECURRENCE_ARRAY_MAX;
    const bool has_mday = rec->by_month_day[0] != ICAL_RECURRENCE_ARRAY_MAX;
    int wdays = 0; /* bit 0 = Monday */
    for (int i = 0; i < ICAL_BY_DAY_SIZE && rec->by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; i++) {
        int pos = icalrecurrencetype_day_position(rec->by_day[i]);
        int dow = (int)icalrecurrencetype_day_day_of_week(rec->by_day[i]); /* 1 = Sunday */
        int most = monthly || has_month ? 5 : 53;
        if (dow >= 1 && dow <= 7 && pos >= -most && pos <= most)
            wdays |= 1 << ((dow + 5) % 7);
    }
    if (has_day && wdays == 0)
        return false;

    int64_t best = 0, cur = 0;
    int period = -1;
    const int32_t first = cal_days_from_civil(2000, 1, 1);
    for (int32_t d = first; d < first + 146097; d++) {
        struct cal_date c = cal_civil_from_days(d);
        int p = monthly ? c.year * 12 + c.month : c.year;
        if (p != period) {
            best = cur > best ? cur : best;
            cur = 0;
            period = p;
        }
        if (has_month && !in_list(rec->by_month, ICAL_BY_MONTH_SIZE, c.month))
            continue;
        if (has_mday) {
            int mlen = icaltime_days_in_month(c.month, c.year);
            if (!in_list(rec->by_month_day, ICAL_BY_MONTHDAY_SIZE, c.day) &&
                !in_list(rec->by_month_day, ICAL_BY_MONTHDAY_SIZE, c.day - mlen - 1))
                continue;
        }
        if (has_yday) {
            int yday = (int)(d - cal_days_from_civil(c.year, 1, 1)) + 1;
            int ylen = icaltime_days_in_year(c.year);
            if (!in_list(rec->by_year_day, ICAL_BY_YEARDAY_SIZE, yday) &&
                !in_list(rec->by_year_day, ICAL_BY_YEARDAY_SIZE, yday - ylen - 1))
                continue;
        }
        if (has_day && !(wdays & (1 << cal_weekday(d))))
            continue;
        cur++;
    }
    best = cur > best ? cur : best;
    if (best == 0)
        return false;
    if (rec->by_set_pos[0] == ICAL_RECURRENCE_ARRAY_MAX)
        return true;
    int64_t times = 1;
    if (rec->by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX)
        times *= list_len(rec->by_hour, ICAL_BY_HOUR_SIZE);
    if (rec->by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX)
        times *= list_len(rec->by_minute, ICAL_BY_MINUTE_SIZE);
    if (rec->by_second[0] != ICAL_RECURRENCE_ARRAY_MAX)
        times *= list_len(rec->by_second, ICAL_BY_SECOND_SIZE);
    for (int i = 0; i < ICAL_BY_SETPOS_SIZE && rec->by_set_pos[i] != ICAL_RECURRENCE_ARRAY_MAX;
         i++) {
        int64_t pos = rec->by_set_pos[i] < 0 ? -rec->by_set_pos[i] : rec->by_set_pos[i];
        if (pos >= 1 && pos <= best * times)
            return true;
    }
    return false;
}

static bool rule_has_by(const struct icalrecurrencetype *rec)
{
    return rec->by_second[0] != ICAL_RECURRENCE_ARRAY_MAX ||
           rec->by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX ||
           rec->by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX ||
           rec->by_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
           rec->by_month_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
           rec->by_year_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
           rec->by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX ||
           rec->by_month[0] != ICAL_RECURRENCE_ARRAY_MAX ||
           rec->by_set_pos[0] != ICAL_RECURRENCE_ARRAY_MAX;
}

enum stop_reason { STOP_NULL, STOP_UNTIL, STOP_HORIZON, STOP_STEPS, STOP_FULL };

/* Expand one RRULE into iv; false when the rule is unusable (the caller
 * then reads the component as its DTSTART alone). */
/* Long on purpose: libical's iterator is set up, worked around (see the comments inside) and run
 * in one sequence that shares its state. */
static bool expand_rrule(struct reader *r, const struct item *m, icalproperty *p,
                         struct instvec *iv)
{
    struct icalrecurrencetype rec = icalproperty_get_rrule(p);
    int line = line_of_prop(r, m->c, "RRULE");
    if (rec.freq == ICAL_NO_RECURRENCE || rec.interval < 1) {
        item_warn(r, line, m, "invalid RRULE, read as a single instance");
        return false;
    }
    struct when until = {0};
    bool has_until =
        !icaltime_is_null_time(rec.until) && make_when(r, m->c, NULL, rec.until, &until);
    if (has_until && past_until(r, m, &m->start.t, when_utc(r, &m->start, r->floating), &until)) {
        item_warn(r, line, m,
                  "RRULE's UNTIL is before DTSTART, so the rule repeats nothing: only the "
                  "DTSTART instance is read (is UNTIL's year or zone wrong?)");
        return false;
    }

    icaltimezone *zone = zone_of(r, &m->start);
    const bool date = m->start.is_date;
    struct icaltimetype ds = m->start.t;

    /* Where the search starts: DTSTART, or for rules without COUNT the local
     * time just before the (widened) horizon, since libical's set_start is
     * exact for these. */
    icaltimezone *rz = date ? r->floating : zone;
    bool jump = rec.count == 0;
    struct icaltimetype begin = local_fields(rz, r->opt->from - 3600, date);
    if (date)
        begin = add_days(begin, -1);
    if (!jump || icaltime_compare(begin, ds) <= 0) {
        jump = false;
        begin = ds;
    }
    bool subdaily = rule_unit(rec.freq) < CAL_SECONDS_PER_DAY;
    if (jump && subdaily) {
        /* libical's set_start gets the phase of INTERVAL wrong below a day
         * (it compares hours of the day, not hours since DTSTART), and a
         * DTSTART at another time of day changes how it applies BYHOUR and
         * the like. So start instead from a later DTSTART that is a whole
         * number of days and of periods away: same phase, same time of day,
         * the same instances. */
        int64_t step = (int64_t)rec.interval * rule_unit(rec.freq);
        int64_t a = step, b = CAL_SECONDS_PER_DAY;
        while (b != 0) {
            int64_t t = a % b;
            a = b;
            b = t;
        }
        /* lcm(step, one day); a plain rule (no BY parts) needs only step. */
        int64_t cycle = rule_has_by(&rec) ? step / a * CAL_SECONDS_PER_DAY : step;
        int64_t k = (fields_utc(&begin) - fields_utc(&ds)) / cycle;
        if (k > 0)
            ds = utc_fields(fields_utc(&ds) + k * cycle, false);
        begin = ds;
        jump = false;
    }
    /* Where libical stops searching (its UNTIL): just after the horizon
     * end, the rule's own UNTIL, and ICS_MAX_STEPS periods of the frequency
     * after the start, whichever comes first. */
    struct icaltimetype stop = local_fields(rz, r->opt->to + 3600, date);
    if (date)
        stop = add_days(stop, 1);
    if (has_until) {
        struct icaltimetype u = add_days(until.t, 2);
        u.is_date = date;
        if (icaltime_compare(u, stop) < 0)
            stop = u;
    }
    int64_t span = (int64_t)ICS_MAX_STEPS * rec.interval * rule_unit(rec.freq);
    bool capped = false;
    if (span < 400LL * 366 * CAL_SECONDS_PER_DAY) {
        struct icaltimetype cap = begin;
        icaltime_adjust(&cap, (int)(span / CAL_SECONDS_PER_DAY), 0, 0,
                        (int)(span % CAL_SECONDS_PER_DAY));
        if (icaltime_compare(cap, stop) < 0) {
            stop = cap;
            capped = true;
        }
    }
    rec.until = stop;

    icalerror_clear_errno();
    icalrecur_iterator *ri = rule_may_match(&rec, &ds) ? icalrecur_iterator_new(rec, ds) : NULL;
    if (ri == NULL) {
        char what[300];
        snprintf(what, sizeof what, "RRULE cannot be expanded (%.200s); read as a single instance",
                 icalproperty_get_value_as_string(p));
        item_warn(r, line, m, what);
        return false;
    }
    if (jump)
        icalrecur_iterator_set_start(ri, begin);

    long steps = 0;
    enum stop_reason why;
    for (;;) {
        struct icaltimetype t = icalrecur_iterator_next(ri);
        if (icaltime_is_null_time(t)) {
            why = STOP_NULL;
            break;
        }
        if (++steps > ICS_MAX_STEPS) {
            why = STOP_STEPS;
            break;
        }
        t.zone = NULL;
        cal_time s = date ? local_to_utc(r->floating, &t) : local_to_utc(zone, &t);
        if (has_until && past_until(r, m, &t, s, &until)) {
            why = STOP_UNTIL;
            break;
        }
        if (s >= r->opt->to) {
            why = STOP_HORIZON;
            break;
        }
        if (!add_inst(r, m, iv, t, 1, zone)) {
            why = STOP_FULL;
            break;
        }
    }
    icalrecur_iterator_free(ri);
    bool count_done = rec.count > 0 && steps >= rec.count;
    if (why == STOP_STEPS) {
        char what[200];
        snprintf(what, sizeof what,
                 "RRULE expansion stopped after %d instances (the limit); later instances are "
                 "not read",
                 ICS_MAX_STEPS);
        item_warn(r, line, m, what);
    } else if (why == STOP_NULL && capped && !count_done) {
        char what[240];
        snprintf(what, sizeof what,
                 "RRULE search stopped at %04d-%02d-%02dT%02d:%02d:%02d local time, after %d "
                 "periods of its frequency (the limit); later instances are not read",
                 stop.year, stop.month, stop.day, stop.hour, stop.minute, stop.second,
                 ICS_MAX_STEPS);
        item_warn(r, line, m, what);
    }
    return true;
}

/* RDATE: DATE, DATE-TIME (its own TZID; floating means the DTSTART's zone)
 * or PERIOD (its own end or duration). */
static void expand_rdates(struct reader *r, const struct item *m, struct instvec *iv)
{
    icaltimezone *mz = zone_of(r, &m->start);
    icalproperty **props = props_of(m->c, ICAL_RDATE_PROPERTY);
    if (props == NULL) {
        fail_nomem(r);
        return;
    }
    for (size_t k = 0; props[k] != NULL; k++) {
        icalproperty *p = props[k];
        icalvalue *v = icalproperty_get_value(p);
        if (v == NULL)
            continue;
        icalvalue_kind k = icalvalue_isa(v);
        struct icalperiodtype per = icalperiodtype_null_period();
        struct icaltimetype t = icaltime_null_time();
        if (k == ICAL_PERIOD_VALUE) {
            per = icalvalue_get_period(v);
        } else if (k == ICAL_DATETIMEPERIOD_VALUE) {
            struct icaldatetimeperiodtype dp = icalvalue_get_datetimeperiod(v);
            if (icaltime_is_null_time(dp.time))
                per = dp.period;
            else
                t = dp.time;
        } else if (k == ICAL_DATE_VALUE) {
            t = icalvalue_get_date(v);
        } else if (k == ICAL_DATETIME_VALUE) {
            t = icalvalue_get_datetime(v);
        }
        bool period = !icaltime_is_null_time(per.start);
        struct when ws;
        if (!make_when(r, m->c, p, period ? per.start : t, &ws)) {
            warnf(r, line_of_prop(r, m->c, "RDATE"), "RDATE value cannot be read; ignored");
            continue;
        }
        bool ok;
        if (period) {
            cal_time s = when_utc(r, &ws, mz), e;
            struct when we;
            if (!icaltime_is_null_time(per.end) && make_when(r, m->c, p, per.end, &we))
                e = when_utc(r, &we, mz);
            else
                e = s + icaldurationtype_as_int(per.duration);
            ok = push_inst(r, iv, s, e, when_day(&ws), 2);
        } else {
            struct icaltimetype start = ws.t;
            icaltimezone *z = ws.utc ? r->utc : ws.floating ? mz : ws.zone;
            if (m->start.is_date) {
                start.is_date = 1;
                start.hour = start.minute = start.second = 0;
            } else if (ws.is_date) {
                /* A date on a timed event: at the DTSTART's time of day. */
                start.is_date = 0;
                start.hour = m->start.t.hour;
                start.minute = m->start.t.minute;
                start.second = m->start.t.second;
                z = mz;
            }
            ok = add_inst(r, m, iv, start, 2, z);
        }
        if (!ok)
            break;
    }
    free(props);
}

/* EXDATE keys of m. */
static struct key *exdates(struct reader *r, const struct item *m, size_t *n)
{
    struct key *v = NULL;
    *n = 0;
    icalproperty **props = props_of(m->c, ICAL_EXDATE_PROPERTY);
    if (props == NULL) {
        fail_nomem(r);
        return NULL;
    }
    for (size_t k = 0; props[k] != NULL; k++) {
        struct when w;
        if (!prop_when(r, m->c, props[k], &w))
            continue;
        if (!grow(&v, *n, sizeof *v)) {
            fail_nomem(r);
            break;
        }
        v[(*n)++] = key_of(r, m, &w);
    }
    free(props);
    return v;
}

/* By start; of instances with the same start (RRULE and RDATE both give it)
 * the longest comes first and is the one kept. */
static int cmp_inst(const void *a, const void *b)
{
    const struct inst *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1;
    return x->source - y->source;
}

/* Events: how a VEVENT or AVAILABLE instance is reported. */
struct sink {
    bool busy;
    const char *kind; /* "VEVENT" or "VAVAILABILITY/AVAILABLE" */
    /* For AVAILABLE: windows collected here instead of events. */
    struct seg *segs;
    size_t nsegs;
    bool to_segs;
};

struct seg {
    cal_time start, end;
    bool busy;
    bool all_day;
    const char *summary, *uid;
    char origin[160];
    int line;
};

static void emit(struct reader *r, struct sink *k, cal_time s, cal_time e, bool all_day,
                 const struct item *it, const char *origin)
{
    if (!in_horizon(r, s, e) || r->rc != CAL_OK)
        return;
    if (k->to_segs) {
        if (!grow(&k->segs, k->nsegs, sizeof *k->segs)) {
            fail_nomem(r);
            return;
        }
        struct seg *g = &k->segs[k->nsegs++];
        memset(g, 0, sizeof *g);
        g->start = s;
        g->end = e;
        g->busy = false;
        g->all_day = all_day;
        g->summary = it->summary;
        g->uid = it->uid;
        snprintf(g->origin, sizeof g->origin, "%s", origin);
        g->line = it->line;
        return;
    }
    struct cal_event ev = {.start = s,
                           .end = e,
                           .busy = k->busy,
                           .all_day = all_day,
                           .summary = (char *)it->summary,
                           .uid = (char *)it->uid,
                           .origin = (char *)origin,
                           .line = it->line};
    if (import_append(&r->ev, &ev) != CAL_OK)
        fail_nomem(r);
}

/* Does an item take part in this sink (cancelled never; transparent only
 * when the sink is busy time)? */
static bool counts(const struct sink *k, const struct item *it)
{
    return !it->cancelled && !(k->busy && it->transparent);
}

static void origin_rule(const struct item *m, const char *kind, char *buf, size_t size)
{
    icalproperty *rr = icalcomponent_get_first_property(m->c, ICAL_RRULE_PROPERTY);
    if (rr != NULL) {
        const char *t = icalproperty_get_value_as_string(rr);
        snprintf(buf, size, "%s RRULE:%.120s", kind, t ? t : "");
    } else if (icalcomponent_get_first_property(m->c, ICAL_RDATE_PROPERTY) != NULL) {
        snprintf(buf, size, "%s RDATE", kind);
    } else {
        snprintf(buf, size, "%s", kind);
    }
}

/* The instant and local day of an override's RECURRENCE-ID, in master m's
 * terms, for THISANDFUTURE ordering. */
static cal_time rid_instant(const struct reader *r, const struct item *m, const struct item *o)
{
    if (o->rid.is_date || m->start.is_date) {
        struct icaltimetype d = o->rid.t;
        d.is_date = 1;
        d.hour = d.minute = d.second = 0;
        if (m->start.is_date)
            return local_to_utc(r->floating, &d);
        d.is_date = 0;
        return local_to_utc(zone_of(r, &m->start), &d);
    }
    return when_utc(r, &o->rid, zone_of(r, &m->start));
}

/* The start and end of an override item (its own DTSTART and end; without
 * DTEND or DURATION, the master's length). */
static void item_span(const struct reader *r, const struct item *o, const struct item *m,
                      cal_time *s, cal_time *e)
{
    icaltimezone *z = zone_of(r, &o->start);
    *s = when_utc(r, &o->start, m ? zone_of(r, &m->start) : r->floating);
    if (!o->has_dur && m != NULL) {
        *e = instance_end(r, m, *s, &o->start.t, o->start.floating ? zone_of(r, &m->start) : z);
        if (o->start.is_date != m->start.is_date)
            *e = *s + (o->start.is_date ? CAL_SECONDS_PER_DAY : 0);
    } else {
        *e =
            instance_end(r, o, *s, &o->start.t, o->start.floating && m ? zone_of(r, &m->start) : z);
    }
    if (*e < *s)
        *e = *s;
}

/* Expand master m with its overrides ov[0..nov). */
/* Long on purpose: the master's instances, its overrides and the THISANDFUTURE shifts are
 * collected in one pass over a shared window. */
static void expand_master(struct reader *r, const struct item *m, struct item **ov, size_t nov,
                          struct sink *k)
{
    struct instvec iv = {0};
    icaltimezone *zone = zone_of(r, &m->start);
    cal_time len = (cal_time)m->days * CAL_SECONDS_PER_DAY + m->secs;
    cal_time back = len;
    /* THISANDFUTURE may move instances: widen the window by the largest shift. */
    for (size_t i = 0; i < nov; i++) {
        if (!ov[i]->thisandfuture)
            continue;
        cal_time s, e;
        item_span(r, ov[i], m, &s, &e);
        cal_time shift = s - rid_instant(r, m, ov[i]);
        if (shift < 0)
            shift = -shift;
        back += shift;
    }
    if (back > 3660LL * CAL_SECONDS_PER_DAY)
        back = 3660LL * CAL_SECONDS_PER_DAY;

    /* The collectors keep what touches r->opt's horizon: while collecting,
     * that is the horizon widened by the length and the THISANDFUTURE
     * shifts, so an instance that starts before the horizon and still runs
     * into it, or that an override moves in, is found. */
    struct cal_read_options wide = *r->opt;
    const struct cal_read_options *saved = r->opt;
    wide.from = r->opt->from - back;
    wide.to = r->opt->to + back;
    r->opt = &wide;
    /* With an RRULE, DTSTART is an instance when the rule yields it (as
     * libical, dateutil and RFC 7953's own examples, whose DTSTART is a
     * Sunday under BYDAY=MO,...,FR, have it); otherwise it is the instance. */
    bool ruled = false;
    icalproperty **rules = props_of(m->c, ICAL_RRULE_PROPERTY);
    if (rules == NULL)
        fail_nomem(r);
    for (size_t i = 0; rules != NULL && rules[i] != NULL && !iv.full && r->rc == CAL_OK; i++)
        ruled |= expand_rrule(r, m, rules[i], &iv);
    free(rules);
    if (!ruled && !iv.full && r->rc == CAL_OK) {
        struct icaltimetype t0 = m->start.t;
        add_inst(r, m, &iv, t0, 0, zone);
    }
    if (!iv.full && r->rc == CAL_OK)
        expand_rdates(r, m, &iv);
    r->opt = saved;
    if (iv.full)
        warnf(r, m->line,
              "%s%s%s: more than %zu instances in the horizon; only the first %zu are read",
              comp_name(m->c), m->uid ? " UID " : "", m->uid ? m->uid : "", r->max_instances,
              r->max_instances);

    size_t nex = 0;
    struct key *ex = exdates(r, m, &nex);
    sort(iv.v, iv.n, sizeof *iv.v, cmp_inst);

    char origin[160], moved[160], future[200];
    origin_rule(m, k->kind, origin, sizeof origin);
    snprintf(moved, sizeof moved, "%s RECURRENCE-ID", k->kind);
    struct key *rk = cal_calloc(nov ? nov : 1, sizeof *rk);
    if (rk == NULL) {
        fail_nomem(r);
        goto done;
    }
    for (size_t i = 0; i < nov; i++)
        rk[i] = key_of(r, m, &ov[i]->rid);

    for (size_t i = 0; i < iv.n; i++) {
        struct inst *in = &iv.v[i];
        if (i > 0 && in->start == iv.v[i - 1].start)
            continue; /* the same instance from DTSTART, RRULE and RDATE */
        bool skip = false;
        for (size_t j = 0; j < nex && !skip; j++)
            skip = key_match(&ex[j], in);
        for (size_t j = 0; j < nov && !skip; j++)
            skip = key_match(&rk[j], in); /* replaced: the override is read on its own */
        if (skip)
            continue;
        /* The latest THISANDFUTURE override at or before this instance. */
        const struct item *fo = NULL;
        cal_time fo_at = 0;
        for (size_t j = 0; j < nov; j++) {
            if (!ov[j]->thisandfuture)
                continue;
            cal_time at = rid_instant(r, m, ov[j]);
            if (at <= in->start && (fo == NULL || at > fo_at)) {
                fo = ov[j];
                fo_at = at;
            }
        }
        if (fo == NULL) {
            if (counts(k, m))
                emit(r, k, in->start, in->end, m->start.is_date, m, origin);
            continue;
        }
        if (!counts(k, fo))
            continue;
        cal_time os, oe;
        item_span(r, fo, m, &os, &oe);
        cal_time s = in->start + (os - fo_at);
        snprintf(future, sizeof future, "%s;RANGE=THISANDFUTURE (moved)", moved);
        emit(r, k, s, s + (oe - os), m->start.is_date, fo, future);
    }
    free(rk);
done:
    free(ex);
    free(iv.v);
}

/* An override: its own interval, labelled moved or changed against the
 * instance it replaces (master m, or NULL for an orphan). */
static void emit_override(struct reader *r, struct item *o, const struct item *m, struct sink *k)
{
    if (!counts(k, o))
        return;
    cal_time s, e;
    item_span(r, o, m, &s, &e);
    char origin[160];
    if (m == NULL) {
        snprintf(origin, sizeof origin, "%s RECURRENCE-ID (no master in the file)", k->kind);
    } else {
        cal_time rs = rid_instant(r, m, o);
        cal_time re = instance_end(r, m, rs, &o->rid.t, zone_of(r, &m->start));
        if (m->start.is_date) {
            struct icaltimetype d = o->rid.t;
            d.is_date = 1;
            re = instance_end(r, m, rs, &d, r->floating);
        }
        const char *how = s != rs  ? "moved"
                          : e < re ? "shortened"
                          : e > re ? "lengthened"
                                   : "changed";
        snprintf(origin, sizeof origin, "%s RECURRENCE-ID%s (%s)", k->kind,
                 o->thisandfuture ? ";RANGE=THISANDFUTURE" : "", how);
    }
    emit(r, k, s, e, o->start.is_date, o, origin);
}

static int cmp_item_uid(const void *a, const void *b)
{
    const struct item *x = *(struct item *const *)a, *y = *(struct item *const *)b;
    int c = strcmp(x->uid ? x->uid : "", y->uid ? y->uid : "");
    if (c != 0)
        return c;
    if (x->has_rid != y->has_rid)
        return x->has_rid ? 1 : -1;
    return x->line - y->line;
}

/* Read comps[0..n) (VEVENTs, or the AVAILABLEs of one VAVAILABILITY) into k. */
static void read_items(struct reader *r, icalcomponent **comps, size_t n, struct sink *k)
{
    struct item *items = cal_calloc(n ? n : 1, sizeof *items);
    struct item **idx = cal_calloc(n ? n : 1, sizeof *idx);
    size_t m = 0;
    if (items == NULL || idx == NULL) {
        fail_nomem(r);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (parse_item(r, comps[i], &items[m]) != CAL_OK) {
            const char *uid = icalcomponent_get_uid(comps[i]);
            const char *why = dtstart_error(comps[i]);
            warnf(r, line_of_prop(r, comps[i], "DTSTART"),
                  "%s%s%s has no usable DTSTART%s%.200s%s; skipped", comp_name(comps[i]),
                  uid ? " UID " : "", uid ? uid : "", why ? " (" : "", why ? why : "",
                  why ? ")" : "");
            continue;
        }
        idx[m] = &items[m];
        m++;
    }
    sort(idx, m, sizeof *idx, cmp_item_uid);
    for (size_t a = 0; a < m && r->rc == CAL_OK;) {
        size_t b = a + 1;
        if (idx[a]->uid != NULL)
            while (b < m && idx[b]->uid != NULL && strcmp(idx[a]->uid, idx[b]->uid) == 0)
                b++;
        size_t nmaster = 0;
        while (a + nmaster < b && !idx[a + nmaster]->has_rid)
            nmaster++;
        struct item **ov = idx + a + nmaster;
        size_t nov = b - a - nmaster;
        for (size_t i = 0; i < nmaster; i++)
            expand_master(r, idx[a + i], ov, nov, k);
        for (size_t i = 0; i < nov; i++) {
            if (nmaster == 0 && (icalcomponent_get_first_property(ov[i]->c, ICAL_RRULE_PROPERTY) ||
                                 icalcomponent_get_first_property(ov[i]->c, ICAL_RDATE_PROPERTY))) {
                /* An orphan that recurs on its own (khal writes these): expand it. */
                struct item copy = *ov[i];
                copy.has_rid = false;
                expand_master(r, &copy, NULL, 0, k);
                continue;
            }
            emit_override(r, ov[i], nmaster ? idx[a] : NULL, k);
        }
        a = b;
    }
done:
    free(items);
    free(idx);
}

/* ---------------------------------------------------------------------------
 * VEVENT and VFREEBUSY.
 */

static void read_vevents(struct reader *r)
{
    struct sink k = {.busy = r->opt->meaning == CAL_MEANING_BUSY, .kind = "VEVENT"};
    read_items(r, r->vevents, r->nvevents, &k);
}

static const char *fbtype_name(icalparameter_fbtype t)
{
    switch (t) {
    case ICAL_FBTYPE_FREE:
        return "FREE";
    case ICAL_FBTYPE_BUSYUNAVAILABLE:
        return "BUSY-UNAVAILABLE";
    case ICAL_FBTYPE_BUSYTENTATIVE:
        return "BUSY-TENTATIVE";
    default:
        return "BUSY";
    }
}

static void add_fb(struct reader *r, icalcomponent *fb, cal_time s, cal_time e, bool busy,
                   bool all_day, const char *origin)
{
    if (e < s || !in_horizon(r, s, e))
        return;
    struct cal_event ev = {.start = s,
                           .end = e,
                           .busy = busy,
                           .all_day = all_day,
                           .summary = (char *)prop_text(fb, ICAL_SUMMARY_PROPERTY),
                           .uid = (char *)icalcomponent_get_uid(fb),
                           .origin = (char *)origin,
                           .line = line_of(r, fb)};
    if (import_append(&r->ev, &ev) != CAL_OK)
        fail_nomem(r);
}

/* Radicale writes FBTYPE as a property, which libical drops; read it from
 * the text: 0 FREE, 1 any busy type, -1 no such property. */
static int fbtype_property(const struct reader *r, icalcomponent *fb)
{
    const struct cmap *m = cmap_of(r, fb);
    if (m == NULL)
        return -1;
    int ln = prop_line(r, m->begin, m->end, "FBTYPE");
    if (ln == m->begin)
        return -1;
    size_t len;
    const char *s = line_at(r, ln, &len);
    return len >= 11 && strncasecmp(s, "FBTYPE:FREE", 11) == 0 ? 0 : 1;
}

static void read_vfreebusy(struct reader *r, icalcomponent *fb)
{
    warn_parse_errors(r, fb);
    bool any = false;
    icalproperty **props = props_of(fb, ICAL_FREEBUSY_PROPERTY);
    if (props == NULL) {
        fail_nomem(r);
        return;
    }
    for (size_t k = 0; props[k] != NULL; k++) {
        icalproperty *p = props[k];
        any = true;
        struct icalperiodtype per = icalproperty_get_freebusy(p);
        struct when ws, we;
        if (!make_when(r, fb, p, per.start, &ws)) {
            const struct cmap *cm = cmap_of(r, fb);
            warnf(r, cm ? prop_value_line(r, cm->begin, cm->end, "FREEBUSY", k) : 0,
                  "FREEBUSY period cannot be read; ignored");
            continue;
        }
        cal_time s = when_utc(r, &ws, r->floating), e;
        if (!icaltime_is_null_time(per.end)) {
            if (!make_when(r, fb, p, per.end, &we))
                continue;
            e = when_utc(r, &we, r->floating);
        } else {
            e = s + icaldurationtype_as_int(per.duration);
        }
        icalparameter *fp = icalproperty_get_first_parameter(p, ICAL_FBTYPE_PARAMETER);
        icalparameter_fbtype t = fp ? icalparameter_get_fbtype(fp) : ICAL_FBTYPE_BUSY;
        char origin[64];
        snprintf(origin, sizeof origin, "VFREEBUSY FBTYPE=%s", fbtype_name(t));
        add_fb(r, fb, s, e, t != ICAL_FBTYPE_FREE, ws.is_date, origin);
    }
    free(props);
    if (any)
        return;
    /* No FREEBUSY lines: the range DTSTART/DTEND holds no busy time (RFC
     * 5545 3.6.4: busy time is given by FREEBUSY periods inside the range),
     * so nothing is read from it. One shape is an exception: newer Radicale
     * answers a free-busy query with one VFREEBUSY per period and its type
     * as an FBTYPE property (not a parameter); with that property the range
     * is that period. */
    int fbtype = fbtype_property(r, fb);
    if (fbtype < 0)
        return;
    struct when ws, we;
    icalproperty *ps = icalcomponent_get_first_property(fb, ICAL_DTSTART_PROPERTY);
    icalproperty *pe = icalcomponent_get_first_property(fb, ICAL_DTEND_PROPERTY);
    icalproperty *pd = icalcomponent_get_first_property(fb, ICAL_DURATION_PROPERTY);
    if (ps == NULL || !prop_when(r, fb, ps, &ws) || (pe == NULL && pd == NULL))
        return;
    cal_time s = when_utc(r, &ws, r->floating), e;
    if (pe != NULL) {
        if (!prop_when(r, fb, pe, &we))
            return;
        e = when_utc(r, &we, r->floating);
    } else {
        e = s + icaldurationtype_as_int(icalproperty_get_duration(pd));
    }
    add_fb(r, fb, s, e, fbtype == 1, ws.is_date,
           fbtype == 1 ? "VFREEBUSY DTSTART/DTEND FBTYPE=BUSY"
                       : "VFREEBUSY DTSTART/DTEND FBTYPE=FREE");
}

/* ---------------------------------------------------------------------------
 * VAVAILABILITY (RFC 7953).
 *
 * Inside a VAVAILABILITY's range time is busy (its BUSYTYPE, by default
 * BUSY-UNAVAILABLE) except in its AVAILABLE windows; outside every range
 * nothing is said. Components are laid over each other from the lowest
 * priority (PRIORITY 0 = undefined = lowest, then 9) to the highest (1): a
 * higher one replaces whatever lower ones said inside its range. Components
 * of the same priority are merged: a window of any of them is available.
 */

struct vav {
    icalcomponent *c;
    int rank; /* 0 lowest (PRIORITY 0) ... 9 highest (PRIORITY 1) */
    cal_time start, end;
    const char *busytype;
    struct seg *win;
    size_t nwin;
};

static int push_seg(struct seg **v, size_t *n, const struct seg *g)
{
    if (!grow(v, *n, sizeof **v))
        return CAL_ENOMEM;
    (*v)[(*n)++] = *g;
    return CAL_OK;
}

/* Append to out the parts of g outside the set cut. */
static int seg_minus(struct seg **out, size_t *nout, const struct seg *g, const struct cal_set *cut)
{
    cal_time at = g->start;
    for (size_t i = 0; i < cut->n && at < g->end; i++) {
        const struct cal_interval *c = &cut->iv[i];
        if (c->end <= at)
            continue;
        if (c->start >= g->end)
            break;
        if (c->start > at) {
            struct seg piece = *g;
            piece.start = at;
            piece.end = c->start;
            if (push_seg(out, nout, &piece) != CAL_OK)
                return CAL_ENOMEM;
        }
        at = c->end;
    }
    if (at < g->end) {
        struct seg piece = *g;
        piece.start = at;
        return push_seg(out, nout, &piece);
    }
    return CAL_OK;
}

static int read_vav(struct reader *r, icalcomponent *c, struct vav *v)
{
    memset(v, 0, sizeof *v);
    v->c = c;
    warn_parse_errors(r, c);
    v->start = r->opt->from;
    v->end = r->opt->to;
    struct when w;
    icalproperty *ps = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
    icalproperty *pe = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY);
    icalproperty *pd = icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY);
    cal_time s = 0;
    bool has_s = ps != NULL && prop_when(r, c, ps, &w);
    if (has_s) {
        s = when_utc(r, &w, r->floating);
        if (s > v->start)
            v->start = s;
    }
    if (pe != NULL && prop_when(r, c, pe, &w)) {
        cal_time e = when_utc(r, &w, r->floating);
        if (e < v->end)
            v->end = e;
    } else if (pd != NULL && has_s) {
        cal_time e = s + icaldurationtype_as_int(icalproperty_get_duration(pd));
        if (e < v->end)
            v->end = e;
    }
    icalproperty *pp = icalcomponent_get_first_property(c, ICAL_PRIORITY_PROPERTY);
    int prio = pp ? icalproperty_get_priority(pp) : 0;
    if (prio < 0 || prio > 9) {
        warnf(r, line_of_prop(r, c, "PRIORITY"), "PRIORITY %d is not 0-9; read as 0 (lowest)",
              prio);
        prio = 0;
    }
    v->rank = prio == 0 ? 0 : 10 - prio;
    v->busytype = "BUSY-UNAVAILABLE";
    icalproperty *pb = icalcomponent_get_first_property(c, ICAL_BUSYTYPE_PROPERTY);
    if (pb != NULL) {
        icalproperty_busytype bt = icalproperty_get_busytype(pb);
        v->busytype = bt == ICAL_BUSYTYPE_BUSY            ? "BUSY"
                      : bt == ICAL_BUSYTYPE_BUSYTENTATIVE ? "BUSY-TENTATIVE"
                                                          : "BUSY-UNAVAILABLE";
    }
    if (v->end <= v->start)
        return CAL_OK;

    icalcomponent **subs = NULL;
    size_t nsubs = 0;
    for (icalcompiter it = icalcomponent_begin_component(c, ICAL_XAVAILABLE_COMPONENT);
         icalcompiter_deref(&it) != NULL; icalcompiter_next(&it))
        if (push_comp(&subs, &nsubs, icalcompiter_deref(&it)) != CAL_OK)
            return CAL_ENOMEM;
    struct sink k = {.busy = false, .kind = "VAVAILABILITY/AVAILABLE", .to_segs = true};
    read_items(r, subs, nsubs, &k);
    free(subs);
    /* Windows count only inside the range. */
    for (size_t i = 0; i < k.nsegs; i++) {
        struct seg g = k.segs[i];
        if (g.start < v->start)
            g.start = v->start;
        if (g.end > v->end)
            g.end = v->end;
        if (g.end > g.start && push_seg(&v->win, &v->nwin, &g) != CAL_OK) {
            free(k.segs);
            return CAL_ENOMEM;
        }
    }
    free(k.segs);
    return CAL_OK;
}

static int read_vavailability(struct reader *r)
{
    if (r->nvavail == 0)
        return CAL_OK;
    struct vav *v = cal_calloc(r->nvavail, sizeof *v);
    if (v == NULL)
        return CAL_ENOMEM;
    struct seg *all = NULL, *next = NULL;
    size_t nall = 0, nnext = 0;
    struct cal_set range = {0}, windows = {0}, earlier = {0};
    int rc = CAL_OK;
    for (size_t i = 0; i < r->nvavail && rc == CAL_OK; i++)
        rc = read_vav(r, r->vavail[i], &v[i]);

    for (int rank = 0; rank <= 9 && rc == CAL_OK; rank++) {
        cal_set_clear(&range);
        cal_set_clear(&windows);
        cal_set_clear(&earlier);
        bool any = false;
        for (size_t i = 0; i < r->nvavail && rc == CAL_OK; i++) {
            if (v[i].rank != rank || v[i].end <= v[i].start)
                continue;
            any = true;
            rc = cal_set_add(&range, v[i].start, v[i].end);
            for (size_t j = 0; j < v[i].nwin && rc == CAL_OK; j++)
                rc = cal_set_add(&windows, v[i].win[j].start, v[i].win[j].end);
        }
        if (!any || rc != CAL_OK)
            continue;
        /* Whatever lower priorities said inside this level's range goes. */
        nnext = 0;
        for (size_t i = 0; i < nall && rc == CAL_OK; i++)
            rc = seg_minus(&next, &nnext, &all[i], &range);
        for (size_t i = 0; i < r->nvavail && rc == CAL_OK; i++) {
            if (v[i].rank != rank || v[i].end <= v[i].start)
                continue;
            struct seg busy = {.start = v[i].start,
                               .end = v[i].end,
                               .busy = true,
                               .summary = prop_text(v[i].c, ICAL_SUMMARY_PROPERTY),
                               .uid = icalcomponent_get_uid(v[i].c),
                               .line = line_of(r, v[i].c)};
            snprintf(busy.origin, sizeof busy.origin, "VAVAILABILITY BUSYTYPE=%s", v[i].busytype);
            struct cal_set cut = {0};
            rc = cal_set_union(&cut, &windows, &earlier);
            if (rc == CAL_OK)
                rc = seg_minus(&next, &nnext, &busy, &cut);
            cal_set_free(&cut);
            for (size_t j = 0; j < v[i].nwin && rc == CAL_OK; j++)
                rc = push_seg(&next, &nnext, &v[i].win[j]);
            if (rc == CAL_OK)
                rc = cal_set_add(&earlier, v[i].start, v[i].end);
        }
        struct seg *t = all;
        all = next;
        next = t;
        nall = nnext;
    }
    for (size_t i = 0; i < nall && rc == CAL_OK; i++) {
        struct cal_event ev = {.start = all[i].start,
                               .end = all[i].end,
                               .busy = all[i].busy,
                               .all_day = all[i].all_day,
                               .summary = (char *)all[i].summary,
                               .uid = (char *)all[i].uid,
                               .origin = all[i].origin,
                               .line = all[i].line};
        rc = import_append(&r->ev, &ev);
    }
    for (size_t i = 0; i < r->nvavail; i++)
        free(v[i].win);
    free(v);
    free(all);
    free(next);
    cal_set_free(&range);
    cal_set_free(&windows);
    cal_set_free(&earlier);
    return rc;
}

/* ---------------------------------------------------------------------------
 * The whole read.
 */

static int cmp_event(const void *a, const void *b)
{
    const struct cal_event *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    if (x->busy != y->busy)
        return x->busy ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return strcmp(x->summary ? x->summary : "", y->summary ? y->summary : "");
}

/* busy = every busy event; available = every available event minus busy;
 * both inside the horizon. */
static int final_sets(struct reader *r)
{
    const cal_time from = r->opt->from, to = r->opt->to;
    for (size_t i = 0; i < r->ev.nevents; i++) {
        const struct cal_event *e = &r->ev.events[i];
        cal_time s = e->start > from ? e->start : from;
        cal_time t = e->end < to ? e->end : to;
        if (s < t && cal_set_add(e->busy ? &r->ev.busy : &r->ev.available, s, t) != CAL_OK)
            return CAL_ENOMEM;
    }
    return cal_set_remove_set(&r->ev.available, &r->ev.busy);
}

/* Move the events and sets of src into dst (appending to what dst holds). */
static int move_into(struct cal_import *dst, struct cal_import *src)
{
    if (dst->nevents == 0 && dst->events == NULL && dst->busy.n == 0 && dst->available.n == 0) {
        cal_set_free(&dst->busy);
        cal_set_free(&dst->available);
        *dst = *src;
        memset(src, 0, sizeof *src);
        return CAL_OK;
    }
    for (size_t i = 0; i < src->nevents; i++)
        if (import_append(dst, &src->events[i]) != CAL_OK)
            return CAL_ENOMEM;
    if (cal_set_add_set(&dst->busy, &src->busy) != CAL_OK ||
        cal_set_add_set(&dst->available, &src->available) != CAL_OK)
        return CAL_ENOMEM;
    return CAL_OK;
}

/* Blanks before the first BEGIN (seen in hand-edited files) would make it a
 * continuation line; drop them without changing line numbers. */
static void strip_leading_blanks(struct reader *r)
{
    size_t i = 0;
    while (i < r->len && isspace((unsigned char)r->text[i]))
        i++;
    size_t line_start = i;
    while (line_start > 0 && r->text[line_start - 1] != '\n')
        line_start--;
    if (line_start == i)
        return;
    memmove(r->text + line_start, r->text + i, r->len - i + 1);
    r->len -= i - line_start;
}

static void reader_free(struct reader *r)
{
    for (size_t i = 0; i < r->nzones; i++) {
        free(r->zones[i].tzid);
        if (r->zones[i].owned != NULL)
            icaltimezone_free(r->zones[i].owned, 1);
    }
    free(r->zones);
    if (r->root != NULL)
        icalcomponent_free(r->root);
    free(r->text);
    free(r->lines);
    free(r->blocks);
    free(r->map);
    free(r->vevents);
    free(r->vfreebusy);
    free(r->vavail);
    cal_import_free(&r->ev);
}

static int read_all(struct reader *r, struct careday_error *err)
{
    int rc = scan(r, err);
    if (rc != CAL_OK)
        return rc == CAL_ENOMEM ? careday_fail(err, rc, r->name, 0, NULL, "out of memory") : rc;

    icalerror_clear_errno();
    r->root = icalparser_parse_string(r->text);
    if (r->root == NULL)
        return careday_fail(err, CAL_EPARSE, r->name, r->blocks[0].begin, NULL,
                            "not iCalendar: libical could not read the component that starts "
                            "here");
    size_t cursor = 0;
    if ((rc = walk(r, r->root, &cursor, 0)) != CAL_OK)
        return careday_fail(err, rc, r->name, 0, NULL, "out of memory");
    sort(r->map, r->nmap, sizeof *r->map, cmp_cmap);

    read_vevents(r);
    for (size_t i = 0; i < r->nvfreebusy && r->rc == CAL_OK; i++)
        read_vfreebusy(r, r->vfreebusy[i]);
    if (r->rc == CAL_OK)
        r->rc = read_vavailability(r);
    if (r->rc == CAL_OK) {
        sort(r->ev.events, r->ev.nevents, sizeof *r->ev.events, cmp_event);
        r->rc = final_sets(r);
    }
    if (r->rc != CAL_OK)
        return careday_fail(err, r->rc, r->name, 0, NULL, "out of memory reading the calendar");
    return CAL_OK;
}

int cal_ics_read_buffer(const char *data, size_t len, const char *name,
                        const struct cal_read_options *opt, struct cal_import *out,
                        struct careday_notes *warn, struct careday_error *err)
{
    if (name == NULL)
        name = "(calendar)";
    if (opt == NULL || out == NULL || (data == NULL && len > 0))
        return careday_fail(err, CAL_EINVAL, name, 0, NULL, "no options or no result given");
    if (opt->floating_tz == NULL || cal_tz_ical(opt->floating_tz) == NULL)
        return careday_fail(err, CAL_EINVAL, name, 0, NULL,
                            "no time zone given for floating times and all-day dates");
    if (opt->to <= opt->from)
        return careday_fail(err, CAL_EINVAL, name, 0, NULL, "the horizon is empty");
    if (len > ICS_MAX_BYTES)
        return careday_fail(err, CAL_EPARSE, name, 0, NULL,
                            "file too large (%zu bytes; the limit is %zu)", len, ICS_MAX_BYTES);
    const char *enc = len ? cal_text_encoding_problem(data, len) : NULL;
    if (enc != NULL && memcmp(enc, "is UTF-16", 9) == 0)
        return careday_fail(err, CAL_EPARSE, name, 0, NULL, "not iCalendar as read: %s", enc);
    const char *nul = len ? memchr(data, '\0', len) : NULL;
    if (nul != NULL) {
        int line = 1;
        for (const char *p = data; p < nul; p++)
            line += *p == '\n';
        return careday_fail(err, CAL_EPARSE, name, line, NULL,
                            "not iCalendar: a NUL byte (binary data)");
    }
    cal_ical_init();

    struct reader r = {0};
    r.opt = opt;
    r.name = name;
    r.warn = warn;
    r.max_instances = opt->max_instances ? opt->max_instances : ICS_DEFAULT_MAX_INSTANCES;
    r.floating = cal_tz_ical(opt->floating_tz);
    r.utc = icaltimezone_get_utc_timezone();
    size_t skip = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    r.len = len - skip;
    r.text = cal_malloc(r.len + 1);
    if (r.text == NULL)
        return careday_fail(err, CAL_ENOMEM, name, 0, NULL, "out of memory");
    if (r.len)
        memcpy(r.text, data + skip, r.len);
    r.text[r.len] = '\0';
    /* CR-only line ends (classic Mac OS) would make the file one line. */
    if (r.len > 0 && memchr(r.text, '\n', r.len) == NULL && memchr(r.text, '\r', r.len) != NULL) {
        for (size_t i = 0; i < r.len; i++)
            if (r.text[i] == '\r')
                r.text[i] = '\n';
        careday_notes_add(warn, name, 0, NULL,
                          "lines end in CR only (classic Mac OS); read as if they ended in CR LF "
                          "as iCalendar requires: save the file with CR LF or LF line ends");
    }
    strip_leading_blanks(&r);

    int rc = read_all(&r, err);
    if (rc == CAL_OK && move_into(out, &r.ev) != CAL_OK)
        rc = careday_fail(err, CAL_ENOMEM, name, 0, NULL, "out of memory");
    reader_free(&r);
    return rc;
}

int cal_ics_read_file(const char *path, const struct cal_read_options *opt, struct cal_import *out,
                      struct careday_notes *warn, struct careday_error *err)
{
    if (path == NULL)
        return careday_fail(err, CAL_EINVAL, NULL, 0, NULL, "no file name given");
    FILE *f = NULL;
    int orc = cal_open_regular(path, "an iCalendar file (.ics)", &f, err);
    if (orc != CAL_OK)
        return orc;
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return careday_fail(err, CAL_EIO, path, 0, NULL, "cannot read: %s", strerror(errno));
    }
    if ((unsigned long long)st.st_size > ICS_MAX_BYTES) {
        fclose(f);
        return careday_fail(err, CAL_EPARSE, path, 0, NULL,
                            "file too large (%lld bytes; the limit is %zu)", (long long)st.st_size,
                            ICS_MAX_BYTES);
    }
    size_t size = (size_t)st.st_size;
    char *buf = cal_malloc(size + 1);
    if (buf == NULL) {
        fclose(f);
        return careday_fail(err, CAL_ENOMEM, path, 0, NULL, "out of memory");
    }
    size_t got = fread(buf, 1, size, f);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad) {
        free(buf);
        return careday_fail(err, CAL_EIO, path, 0, NULL, "read error");
    }
    int rc = cal_ics_read_buffer(buf, got, path, opt, out, warn, err);
    free(buf);
    return rc;
}
