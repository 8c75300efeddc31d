/*
 * Reading back a calendar careday wrote, with libical (the reader careday
 * does not use for its own outputs, so a test sees what a client sees).
 * Include after tmp_files.h.
 */
#ifndef CAREDAY_TESTS_ICS_BACK_H
#define CAREDAY_TESTS_ICS_BACK_H

#include <libical/ical.h>

#include <stdlib.h>
#include <string.h>

/* The calendar in the file at path (the caller frees it with
 * icalcomponent_free); NULL when it cannot be read. */
static inline icalcomponent *ics_back(const char *path)
{
    char *text = read_back(path, NULL);
    if (!text)
        return NULL;
    icalcomponent *cal = icalparser_parse_string(text);
    free(text);
    return cal;
}

/* The VEVENT of cal with this UID, or NULL. */
static inline icalcomponent *event_by_uid(icalcomponent *cal, const char *uid)
{
    for (icalcomponent *e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
         e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
        if (icalcomponent_get_uid(e) && strcmp(icalcomponent_get_uid(e), uid) == 0)
            return e;
    return NULL;
}

#endif
