/*
 * Writing events to iCalendar with libical, and checking what was written.
 *
 * Times are written in UTC ("...Z"), or as DATE values for all-day events,
 * so no VTIMEZONE is needed and Google, Apple and Outlook import the same
 * instants. libical does the TEXT escaping, CRLF line ends and folding at 75
 * octets on UTF-8 boundaries, except for X- properties: libical 3.0.16 escapes
 * backslashes and newlines in their values but not commas and semicolons
 * (fixed in 3.0.17), and doubles any backslash written to escape them. When
 * the linked libical has that bug (probed once per writer), the calendar's X-
 * properties are escaped and folded here and spliced into libical's output
 * after the other calendar properties.
 */
#include "calendars/calendars_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cal_writer {
    icalcomponent *cal;
    icalproperty_method method;
    bool raw_x;   /* libical mis-escapes X- values: write them here */
    char *xlines; /* with raw_x: the calendar's X- lines, folded, CRLF-ended */
    size_t xlen;
    cal_time dtstamp;
    int failed; /* first error from cal_writer_add, kept for serialize */
};

/* ---------------------------------------------------------------------------
 * Helpers.
 */

static struct icaltimetype ical_date(int32_t days)
{
    struct icaltimetype tt = icaltime_null_date();
    struct cal_date d = cal_civil_from_days(days);
    tt.year = d.year;
    tt.month = d.month;
    tt.day = d.day;
    return tt;
}

/* RFC 5545 TEXT escaping: backslash, semicolon, comma, newline. Caller frees. */
static char *escape_text(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += (*p == '\\' || *p == ';' || *p == ',' || *p == '\n') ? 2 : (*p == '\r' ? 0 : 1);
    char *out = cal_malloc(n + 1), *q = out;
    if (out == NULL)
        return NULL;
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '\r':
            break;
        case '\n':
            *q++ = '\\';
            *q++ = 'n';
            break;
        case '\\':
        case ';':
        case ',':
            *q++ = '\\';
            *q++ = *p;
            break;
        default:
            *q++ = *p;
        }
    }
    *q = '\0';
    return out;
}

/* A control character that no content line may carry raw (TAB excepted). */
static bool is_ctl(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7F;
}

static bool has_ctl(const char *s)
{
    for (; s != NULL && *s; s++)
        if (is_ctl((unsigned char)*s))
            return true;
    return false;
}

/* Text made safe for a TEXT value or a parameter: CR LF and lone CR become
 * LF (which libical escapes as \n in values), or a space when one_line (a
 * parameter such as CN cannot hold a line break); a double quote in a
 * parameter becomes an apostrophe; every other control character becomes
 * U+FFFD. NULL in, NULL out; otherwise caller frees (NULL: out of memory,
 * *oom set). */
static char *clean_text(const char *s, bool one_line, bool *oom)
{
    if (s == NULL)
        return NULL;
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += is_ctl((unsigned char)*p) ? 3 : 1;
    char *out = cal_malloc(n + 1), *q = out;
    if (out == NULL) {
        *oom = true;
        return NULL;
    }
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\r' || c == '\n') {
            if (c == '\r' && p[1] == '\n')
                p++;
            *q++ = one_line ? ' ' : '\n';
        } else if (is_ctl(c)) {
            memcpy(q, "\xEF\xBF\xBD", 3);
            q += 3;
        } else if (c == '"' && one_line) {
            *q++ = '\'';
        } else {
            *q++ = (char)c;
        }
    }
    *q = '\0';
    return out;
}

/* Does p serialise to one content line, folded by libical only? Every value
 * passes here before it joins a component: a value that would carry a raw
 * line break or control character (a URI or an address with CR LF in it,
 * which would start a new property) is refused, whatever field it came
 * from. */
static bool one_content_line(icalproperty *p)
{
    char *s = icalproperty_as_ical_string_r(p);
    bool ok = s != NULL;
    for (size_t i = 0; ok && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r' && s[i + 1] == '\n' && (s[i + 2] == ' ' || s[i + 2] == '\0')) {
            i++;
            continue;
        }
        if (is_ctl(c))
            ok = false;
    }
    free(s);
    return ok;
}

/* Does this libical escape commas in X- values itself? */
static bool libical_escapes_x(void)
{
    icalproperty *p = icalproperty_new_x("a,b");
    if (p == NULL)
        return false;
    icalproperty_set_x_name(p, "X-CAREDAY-PROBE");
    char *s = icalproperty_as_ical_string_r(p);
    bool escaped = s != NULL && strstr(s, "a\\,b") != NULL;
    free(s);
    icalproperty_free(p);
    return escaped;
}

/* Append one content line to buf, folded at 75 octets without splitting a
 * UTF-8 sequence, ending in CRLF. */
static int append_folded(char **buf, size_t *len, const char *line)
{
    size_t n = strlen(line);
    size_t need = *len + n + 3 * (n / 70 + 2) + 1; /* folds, CRLF, NUL */
    char *b = cal_realloc(*buf, need);
    if (b == NULL)
        return CAL_ENOMEM;
    size_t o = *len, col = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)line[i];
        size_t seq = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (col + seq > 75) {
            memcpy(b + o, "\r\n ", 3);
            o += 3;
            col = 1;
        }
        col++;
        b[o++] = line[i];
        for (size_t k = 1; k < seq && i + 1 < n; k++, col++)
            b[o++] = line[++i];
    }
    memcpy(b + o, "\r\n", 2);
    o += 2;
    b[o] = '\0';
    *buf = b;
    *len = o;
    return CAL_OK;
}

/* Add X-name:value to the calendar (value is plain text, escaped as TEXT). */
static int add_x_text(cal_writer *w, const char *name, const char *value)
{
    if (!w->raw_x) {
        icalproperty *p = icalproperty_new_x(value);
        if (p == NULL)
            return CAL_ENOMEM;
        icalproperty_set_x_name(p, name);
        icalcomponent_add_property(w->cal, p);
        return CAL_OK;
    }
    char *esc = escape_text(value);
    if (esc == NULL)
        return CAL_ENOMEM;
    size_t n = strlen(name) + 1 + strlen(esc) + 1;
    char *line = cal_malloc(n);
    int rc = CAL_ENOMEM;
    if (line != NULL) {
        snprintf(line, n, "%s:%s", name, esc);
        rc = append_folded(&w->xlines, &w->xlen, line);
    }
    free(line);
    free(esc);
    return rc;
}

/* Add a property made by a libical constructor; NULL means it failed. */
static int add(icalcomponent *c, icalproperty *p)
{
    if (p == NULL)
        return icalerrno == ICAL_NEWFAILED_ERROR ? CAL_ENOMEM : CAL_EINVAL;
    if (!one_content_line(p)) {
        icalproperty_free(p);
        return CAL_EINVAL;
    }
    icalcomponent_add_property(c, p);
    return CAL_OK;
}

static int add_param(icalproperty *p, icalparameter *par)
{
    if (par == NULL)
        return CAL_ENOMEM;
    icalproperty_add_parameter(p, par);
    return CAL_OK;
}

static bool empty(const char *s)
{
    return s == NULL || s[0] == '\0';
}

/* ---------------------------------------------------------------------------
 * The writer.
 */

cal_writer *cal_writer_new(const struct cal_writer_options *opt)
{
    if (opt == NULL)
        return NULL;
    cal_ical_init();
    icalproperty_method method = ICAL_METHOD_PUBLISH;
    if (!empty(opt->method)) {
        method = icalproperty_string_to_method(opt->method);
        if (method == ICAL_METHOD_NONE || method == ICAL_METHOD_X)
            return NULL;
    }

    char *calname = NULL, *caldesc = NULL;
    cal_writer *w = cal_calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->method = method;
    w->dtstamp = opt->dtstamp;
    w->raw_x = !libical_escapes_x();
    w->cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    if (w->cal == NULL)
        goto fail;

    icalcomponent *c = w->cal;
    bool oom = false;
    calname = clean_text(opt->calname, true, &oom);
    caldesc = clean_text(opt->caldesc, false, &oom);
    if (oom || has_ctl(opt->prodid))
        goto fail;
    const char *prodid = empty(opt->prodid) ? "-//careday//careday 0.1//EN" : opt->prodid;
    if (add(c, icalproperty_new_version("2.0")) || add(c, icalproperty_new_prodid(prodid)) ||
        add(c, icalproperty_new_calscale("GREGORIAN")) || add(c, icalproperty_new_method(method)))
        goto fail;
    if (!empty(calname)) {
        if (add_x_text(w, "X-WR-CALNAME", calname) || add(c, icalproperty_new_name(calname)))
            goto fail;
    }
    if (!empty(caldesc)) {
        if (add_x_text(w, "X-WR-CALDESC", caldesc) || add(c, icalproperty_new_description(caldesc)))
            goto fail;
    }
    if (opt->refresh_hours > 0) {
        struct icaldurationtype d = icaldurationtype_null_duration();
        d.hours = (unsigned int)opt->refresh_hours;
        char ttl[32];
        snprintf(ttl, sizeof ttl, "PT%dH", opt->refresh_hours);
        if (add(c, icalproperty_new_refreshinterval(d)) || add_x_text(w, "X-PUBLISHED-TTL", ttl))
            goto fail;
    }
    free(calname);
    free(caldesc);
    return w;

fail:
    free(calname);
    free(caldesc);
    cal_writer_free(w);
    return NULL;
}

void cal_writer_free(cal_writer *w)
{
    if (w == NULL)
        return;
    if (w->cal != NULL)
        icalcomponent_free(w->cal);
    free(w->xlines);
    free(w);
}

static int add_person(icalcomponent *ev, const struct cal_attendee *a, bool organizer, bool request)
{
    if (a == NULL || empty(a->email) || has_ctl(a->email) || has_ctl(a->role))
        return CAL_EINVAL;
    size_t n = strlen(a->email) + sizeof "mailto:";
    char *uri = cal_malloc(n);
    if (uri == NULL)
        return CAL_ENOMEM;
    snprintf(uri, n, "mailto:%s", a->email);
    icalproperty *p = organizer ? icalproperty_new_organizer(uri) : icalproperty_new_attendee(uri);
    free(uri);
    if (p == NULL)
        return CAL_ENOMEM;
    int rc = CAL_OK;
    if (!empty(a->name)) {
        bool oom = false;
        char *cn = clean_text(a->name, true, &oom);
        rc = oom ? CAL_ENOMEM : add_param(p, icalparameter_new_cn(cn));
        free(cn);
    }
    if (rc == CAL_OK && !organizer) {
        icalparameter *role = NULL;
        if (!empty(a->role))
            role = icalparameter_new_from_value_string(ICAL_ROLE_PARAMETER, a->role);
        if (role == NULL)
            role = icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT);
        rc = add_param(p, role);
        if (rc == CAL_OK && request)
            rc = add_param(p, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
        if (rc == CAL_OK && request)
            rc = add_param(p, icalparameter_new_rsvp(ICAL_RSVP_TRUE));
    }
    if (rc != CAL_OK) {
        icalproperty_free(p);
        return rc;
    }
    return add(ev, p);
}

static int add_alarm(icalcomponent *ev, const struct cal_event_out *e, const char *text)
{
    icalcomponent *al = icalcomponent_new(ICAL_VALARM_COMPONENT);
    if (al == NULL)
        return CAL_ENOMEM;
    struct icaltriggertype tr;
    tr.time = icaltime_null_time();
    tr.duration = icaldurationtype_from_int(-e->alarm_minutes * 60);
    if (empty(text))
        text = "Reminder";
    int rc = add(al, icalproperty_new_action(ICAL_ACTION_DISPLAY));
    if (rc == CAL_OK)
        rc = add(al, icalproperty_new_trigger(tr));
    if (rc == CAL_OK)
        rc = add(al, icalproperty_new_description(text));
    if (rc != CAL_OK) {
        icalcomponent_free(al);
        return rc;
    }
    icalcomponent_add_component(ev, al);
    return CAL_OK;
}

/* CATEGORIES as one property per comma-separated name, so that commas
 * separate categories and are not escaped into one name. */
static int add_categories(icalcomponent *ev, const char *list)
{
    const char *p = list;
    while (*p) {
        while (*p == ',' || *p == ' ')
            p++;
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (len > 0) {
            char *name = cal_malloc(len + 1);
            if (name == NULL)
                return CAL_ENOMEM;
            memcpy(name, p, len);
            name[len] = '\0';
            int rc = add(ev, icalproperty_new_categories(name));
            free(name);
            if (rc != CAL_OK)
                return rc;
        }
        p = end ? end + 1 : p + strlen(p);
    }
    return CAL_OK;
}

/* The text fields of e, cleaned (see clean_text); free with texts_free. */
struct texts {
    char *summary, *description, *location, *alarm_text, *categories;
};

static void texts_free(struct texts *t)
{
    free(t->summary);
    free(t->description);
    free(t->location);
    free(t->alarm_text);
    free(t->categories);
}

static int build_event(const cal_writer *w, const struct cal_event_out *e, icalcomponent *ev)
{
    bool request = w->method == ICAL_METHOD_REQUEST;
    struct icaltimetype start, end;
    if (e->all_day) {
        start = ical_date(e->start_day);
        end = ical_date(e->end_day);
    } else {
        start = cal_ical_utc(e->start);
        end = cal_ical_utc(e->end);
    }
    /* Identifiers and URIs are never rewritten: a control character in one
     * is refused. */
    if (has_ctl(e->uid) || has_ctl(e->url) || has_ctl(e->conference))
        return CAL_EINVAL;

    bool oom = false;
    struct texts t = {
        .summary = clean_text(e->summary, false, &oom),
        .description = clean_text(e->description, false, &oom),
        .location = clean_text(e->location, false, &oom),
        .alarm_text = clean_text(e->alarm_text, false, &oom),
        .categories = clean_text(e->categories, true, &oom),
    };
    int rc = oom ? CAL_ENOMEM : CAL_OK;
    if (rc == CAL_OK)
        rc = add(ev, icalproperty_new_uid(e->uid));
    if (rc == CAL_OK)
        rc = add(ev, icalproperty_new_dtstamp(cal_ical_utc(w->dtstamp)));
    if (rc == CAL_OK)
        rc = add(ev, icalproperty_new_sequence(e->sequence));
    if (rc == CAL_OK)
        rc = add(ev, icalproperty_new_dtstart(start));
    if (rc == CAL_OK)
        rc = add(ev, icalproperty_new_dtend(end));
    if (rc == CAL_OK && !empty(t.summary))
        rc = add(ev, icalproperty_new_summary(t.summary));
    if (rc == CAL_OK && !empty(t.description))
        rc = add(ev, icalproperty_new_description(t.description));
    if (rc == CAL_OK && !empty(t.location))
        rc = add(ev, icalproperty_new_location(t.location));
    if (rc == CAL_OK && !empty(e->url))
        rc = add(ev, icalproperty_new_url(e->url));
    if (rc == CAL_OK && !empty(e->conference)) {
        icalproperty *p = icalproperty_new_conference(e->conference);
        if (p == NULL)
            rc = CAL_ENOMEM;
        else if ((rc = add_param(p, icalparameter_new_feature(ICAL_FEATURE_VIDEO))) != CAL_OK)
            icalproperty_free(p);
        else
            rc = add(ev, p);
    }
    if (rc == CAL_OK && e->has_geo) {
        struct icalgeotype g = {e->lat, e->lon};
        rc = add(ev, icalproperty_new_geo(g));
    }
    if (rc == CAL_OK)
        rc = add(ev, icalproperty_new_status(
                         e->status == CAL_STATUS_CANCELLED   ? ICAL_STATUS_CANCELLED
                         : e->status == CAL_STATUS_TENTATIVE ? ICAL_STATUS_TENTATIVE
                                                             : ICAL_STATUS_CONFIRMED));
    if (rc == CAL_OK)
        rc = add(ev, icalproperty_new_transp(e->transparent ? ICAL_TRANSP_TRANSPARENT
                                                            : ICAL_TRANSP_OPAQUE));
    if (rc == CAL_OK && !empty(t.categories))
        rc = add_categories(ev, t.categories);
    if (rc == CAL_OK && e->organizer != NULL)
        rc = add_person(ev, e->organizer, true, request);
    for (size_t i = 0; rc == CAL_OK && i < e->nattendees; i++)
        rc = add_person(ev, &e->attendees[i], false, request);
    if (rc == CAL_OK && e->alarm_minutes >= 0)
        rc = add_alarm(ev, e, t.alarm_text ? t.alarm_text : t.summary);
    texts_free(&t);
    return rc;
}

int cal_writer_add(cal_writer *w, const struct cal_event_out *e)
{
    if (w == NULL || e == NULL || empty(e->uid))
        return CAL_EINVAL;
    if (e->all_day ? e->end_day <= e->start_day : e->end <= e->start)
        return CAL_EINVAL;
    if (e->nattendees > 0 && e->attendees == NULL)
        return CAL_EINVAL;
    if (e->has_geo && (e->lat < -90 || e->lat > 90 || e->lon < -180 || e->lon > 180))
        return CAL_EINVAL;

    icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
    if (ev == NULL)
        return CAL_ENOMEM;
    int rc = build_event(w, e, ev);
    if (rc != CAL_OK) {
        icalcomponent_free(ev);
        return rc;
    }
    icalcomponent_add_component(w->cal, ev);
    return CAL_OK;
}

int cal_writer_serialize(const cal_writer *w, char **text)
{
    if (w == NULL || text == NULL)
        return CAL_EINVAL;
    char *s = icalcomponent_as_ical_string_r(w->cal);
    if (s == NULL)
        return CAL_ENOMEM;
    if (w->xlen == 0) {
        *text = s;
        return CAL_OK;
    }
    /* Splice the X- lines in after the last calendar property: before the
     * first nested BEGIN or the END of the calendar. */
    const char *at = strstr(s, "\r\n") + 2; /* after BEGIN:VCALENDAR */
    while (*at && strncmp(at, "BEGIN:", 6) != 0 && strncmp(at, "END:VCALENDAR", 13) != 0) {
        const char *eol = strstr(at, "\r\n");
        at = eol ? eol + 2 : at + strlen(at);
    }
    size_t head = (size_t)(at - s), len = strlen(s);
    char *out = cal_malloc(len + w->xlen + 1);
    if (out == NULL) {
        free(s);
        return CAL_ENOMEM;
    }
    memcpy(out, s, head);
    memcpy(out + head, w->xlines, w->xlen);
    memcpy(out + head + w->xlen, s + head, len - head + 1);
    free(s);
    *text = out;
    return CAL_OK;
}

/* ---------------------------------------------------------------------------
 * Validation.
 */

/* The first X-LIC-ERROR in c or below, or NULL. */
static icalproperty *first_error(icalcomponent *c)
{
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY))
        return p;
    for (icalcomponent *k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
         k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
        icalproperty *p = first_error(k);
        if (p != NULL)
            return p;
    }
    return NULL;
}

/* Which component holds p, as "VEVENT UID:x" when it has a UID. */
static void describe(icalproperty *p, char *buf, size_t size)
{
    icalcomponent *c = icalproperty_get_parent(p);
    const char *kind = c ? icalcomponent_kind_to_string(icalcomponent_isa(c)) : NULL;
    const char *uid = NULL;
    for (icalcomponent *k = c; k != NULL && uid == NULL; k = icalcomponent_get_parent(k)) {
        icalproperty *u = icalcomponent_get_first_property(k, ICAL_UID_PROPERTY);
        if (u != NULL)
            uid = icalproperty_get_uid(u);
    }
    if (uid != NULL)
        snprintf(buf, size, "%s (UID %s)", kind ? kind : "?", uid);
    else
        snprintf(buf, size, "%s", kind ? kind : "?");
}

int cal_ics_validate(const char *text, struct careday_error *err)
{
    if (text == NULL)
        return careday_fail(err, CAL_EINVAL, NULL, 0, NULL, "no text to validate");
    cal_ical_init();
    icalcomponent *root = icalparser_parse_string(text);
    if (root == NULL)
        return careday_fail(err, CAL_EPARSE, NULL, 0, NULL,
                            "not iCalendar: nothing could be parsed");

    int rc = CAL_OK;
    char where[256];
    if (icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT) {
        rc = careday_fail(err, CAL_EPARSE, NULL, 0, NULL, "expected one VCALENDAR, found %s",
                          icalcomponent_kind_to_string(icalcomponent_isa(root)));
        goto done;
    }
    icalproperty *e = first_error(root);
    if (e != NULL) {
        describe(e, where, sizeof where);
        rc = careday_fail(err, CAL_EPARSE, NULL, 0, NULL, "%s: %s", where,
                          icalproperty_get_xlicerror(e));
        goto done;
    }
    if (icalcomponent_get_first_property(root, ICAL_VERSION_PROPERTY) == NULL ||
        icalcomponent_get_first_property(root, ICAL_PRODID_PROPERTY) == NULL) {
        rc = careday_fail(err, CAL_EPARSE, NULL, 0, NULL, "VCALENDAR lacks VERSION or PRODID");
        goto done;
    }
    /* The restriction check adds X-LIC-ERROR properties where the METHOD's
     * rules (RFC 5546) are broken. */
    icalrestriction_check(root);
    e = first_error(root);
    if (e != NULL) {
        describe(e, where, sizeof where);
        rc = careday_fail(err, CAL_EPARSE, NULL, 0, NULL, "%s: %s", where,
                          icalproperty_get_xlicerror(e));
    }
done:
    icalcomponent_free(root);
    return rc;
}
