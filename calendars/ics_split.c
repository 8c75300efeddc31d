/*
 * One calendar file into calendar object resources (RFC 4791 4.1): one
 * VCALENDAR per UID holding every component with that UID (the master and
 * its overrides) and the time zones, without METHOD, as a CalDAV server
 * stores them.
 */
#include "calendars/calendars_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cal_ics_objects_free(struct cal_ics_object *v, size_t n)
{
    size_t i;
    for (i = 0; v && i < n; i++) {
        free(v[i].uid);
        free(v[i].text);
    }
    free(v);
}

static bool is_item(icalcomponent_kind k)
{
    return k == ICAL_VEVENT_COMPONENT || k == ICAL_VTODO_COMPONENT ||
           k == ICAL_VJOURNAL_COMPONENT || k == ICAL_VFREEBUSY_COMPONENT ||
           k == ICAL_VAVAILABILITY_COMPONENT;
}

static char *one_object(icalcomponent *root, const char *uid)
{
    icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT), *c;
    icalproperty *prodid = icalcomponent_get_first_property(root, ICAL_PRODID_PROPERTY);
    char *text = NULL;

    if (!cal)
        return NULL;
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(
        cal, icalproperty_new_prodid(prodid ? icalproperty_get_prodid(prodid) : "-//careday//EN"));
    for (c = icalcomponent_get_first_component(root, ICAL_VTIMEZONE_COMPONENT); c;
         c = icalcomponent_get_next_component(root, ICAL_VTIMEZONE_COMPONENT))
        icalcomponent_add_component(cal, icalcomponent_new_clone(c));
    for (c = icalcomponent_get_first_component(root, ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(root, ICAL_ANY_COMPONENT)) {
        const char *u;
        if (!is_item(icalcomponent_isa(c)))
            continue;
        u = icalcomponent_get_uid(c);
        if (u && strcmp(u, uid) == 0)
            icalcomponent_add_component(cal, icalcomponent_new_clone(c));
    }
    text = icalcomponent_as_ical_string_r(cal);
    icalcomponent_free(cal);
    return text;
}

int cal_ics_split(const char *data, size_t len, const char *name, struct cal_ics_object **out,
                  size_t *nout, struct careday_error *err)
{
    struct cal_ics_object *v = NULL;
    size_t n = 0, cap = 0, i;
    icalcomponent *root, *c;
    char *text;
    int rc = 0;

    if (!name)
        name = "(calendar)";
    cal_ical_init();
    if (!(text = cal_malloc(len + 1)))
        return careday_fail(err, CAL_ENOMEM, name, 0, NULL, "out of memory");
    memcpy(text, data, len);
    text[len] = '\0';
    root = icalparser_parse_string(text);
    free(text);
    if (!root || icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT) {
        if (root)
            icalcomponent_free(root);
        return careday_fail(err, CAL_EPARSE, name, 0, NULL, "not an iCalendar VCALENDAR");
    }
    for (c = icalcomponent_get_first_component(root, ICAL_ANY_COMPONENT); c && rc == 0;
         c = icalcomponent_get_next_component(root, ICAL_ANY_COMPONENT)) {
        const char *uid;
        if (!is_item(icalcomponent_isa(c)))
            continue;
        uid = icalcomponent_get_uid(c);
        if (!uid || !*uid) {
            rc = careday_fail(err, CAL_EPARSE, name, 0, NULL,
                              "a component without UID cannot be a CalDAV resource");
            break;
        }
        for (i = 0; i < n && strcmp(v[i].uid, uid) != 0; i++)
            ;
        if (i < n)
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct cal_ics_object *nv = cal_realloc(v, nc * sizeof *nv);
            if (!nv) {
                rc = careday_fail(err, CAL_ENOMEM, name, 0, NULL, "out of memory");
                break;
            }
            v = nv;
            cap = nc;
        }
        v[n].uid = cal_strdup(uid);
        v[n].text = NULL;
        if (!v[n++].uid)
            rc = careday_fail(err, CAL_ENOMEM, name, 0, NULL, "out of memory");
    }
    for (i = 0; i < n && rc == 0; i++)
        if (!(v[i].text = one_object(root, v[i].uid)))
            rc = careday_fail(err, CAL_ENOMEM, name, 0, NULL, "out of memory");
    icalcomponent_free(root);
    if (rc) {
        cal_ics_objects_free(v, n);
        return rc;
    }
    *out = v;
    *nout = n;
    return 0;
}
