/*
 * What the calendar events say beyond the time: how to find a place and whom
 * to call, what to prepare, whether a trip is booked; and what a provider may
 * see (docs/outputs.md, "The privacy contract": the child by a label, the
 * visit's own purpose only).
 */
#include "adapters/output/out_ics_internal.h"
#include "adapters/output/outputs.h"

#include <stdio.h>
#include <string.h>

/* True when appointment index is the first of its trip at its place: the
 * family arrives there family.arrive_early_minutes before it. */
bool ics_first_at_place(const struct sched_plan *plan, size_t index)
{
    const struct sched_appt *a = &plan->appts[index];
    if (a->trip < 0 || a->place < 0)
        return false;
    for (size_t i = 0; i < index; i++)
        if (plan->appts[i].trip == a->trip && plan->appts[i].place == a->place)
            return false;
    return true;
}

/* The phone to call about an appointment: the place's desk, else the
 * provider's number. */
const char *ics_phone_of(const struct sched_case *c, const struct sched_appt *a)
{
    const struct sched_provider *p = &c->providers[c->visits[a->visit].provider];
    if (a->place >= 0 && (size_t)a->place < c->nplaces && c->places[a->place].phone &&
        *c->places[a->place].phone)
        return c->places[a->place].phone;
    return p->phone && *p->phone ? p->phone : NULL;
}

/* How to find a place and whom to call there (lines of a DESCRIPTION). */
void ics_place_lines(struct cal_buf *desc, const struct sched_case *c, const i18n_catalog *cat,
                     const struct sched_appt *a)
{
    const char *phone = ics_phone_of(c, a);
    const char *directions =
        a->place >= 0 && (size_t)a->place < c->nplaces ? c->places[a->place].directions : NULL;
    struct i18n_arg args[] = {{"phone", phone}, {"directions", directions}};
    if (directions && *directions) {
        cal_buf_add(desc, "\n");
        i18n_buf_add_msg(desc, cat, "event.description.directions", args, 2);
    }
    if (phone) {
        cal_buf_add(desc, "\n");
        i18n_buf_add_msg(desc, cat, "event.description.phone", args, 2);
    }
}

void ics_prepare_line(struct cal_buf *desc, const i18n_catalog *cat, const struct sched_visit *v)
{
    if (!v->prepare || !*v->prepare)
        return;
    struct i18n_arg args[] = {{"prepare", v->prepare}};
    cal_buf_add(desc, "\n");
    i18n_buf_add_msg(desc, cat, "event.description.prepare", args, 1);
}

/* Whether every appointment of trip t is booked with its clinic. */
bool ics_trip_booked(const struct sched_plan *plan, size_t t)
{
    for (size_t i = 0; i < plan->nappts; i++)
        if (plan->appts[i].trip == (int)t && plan->appts[i].state != SCHED_BOOKED)
            return false;
    return true;
}

/* strstr without regard to ASCII case. */
static bool mentions(const char *text, const char *word)
{
    size_t n = word ? strlen(word) : 0;
    if (!text || n < 3)
        return false;
    for (const char *p = text; *p; p++) {
        size_t k = 0;
        while (k < n && p[k] &&
               (p[k] == word[k] || ((p[k] | 0x20) == (word[k] | 0x20) && ((p[k] | 0x20) >= 'a') &&
                                    ((p[k] | 0x20) <= 'z'))))
            k++;
        if (k == n)
            return true;
    }
    return false;
}

/* What a provider's calendar says the visit is for: the visit's own purpose,
 * unless it names another provider or specialty ("... before
 * gastroenterology"): then the provider's own specialty, else the visit id. */
const char *ics_provider_what(const struct sched_case *c, const struct sched_visit *v)
{
    const struct sched_provider *own = &c->providers[v->provider];
    const char *fallback = own->specialty && *own->specialty ? own->specialty : v->id;
    if (!v->purpose || !*v->purpose)
        return fallback;
    for (size_t i = 0; i < c->nproviders; i++) {
        const struct sched_provider *o = &c->providers[i];
        if (o == own)
            continue;
        bool same_specialty =
            o->specialty && own->specialty && !strcmp(o->specialty, own->specialty);
        if (mentions(v->purpose, o->name) ||
            (!same_specialty && mentions(v->purpose, o->specialty)))
            return fallback;
    }
    return v->purpose;
}

void out_provider_label(const struct sched_case *c, char *buf, size_t size)
{
    if (c->family.provider_label && *c->family.provider_label) {
        snprintf(buf, size, "%s", c->family.provider_label);
        return;
    }
    /* The child's name is the case name up to its first separator
     * ("Sofía Rivera — winter follow-ups"): "S.R. (case id)". */
    const char *name = c->name ? c->name : "";
    size_t len = 0;
    buf[0] = '\0';
    bool start = true;
    int initials = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && initials < 3; p++) {
        if (*p == ':' || *p == ',' || *p == '(' ||
            (*p == ' ' && (p[1] == '-' || p[1] == 0xE2))) /* " - ", " — ", " – " */
            break;
        if (*p == ' ' || *p == '-') {
            start = true;
            continue;
        }
        if (!start || (*p & 0xC0) == 0x80)
            continue;
        start = false;
        initials++; /* a name, not a title: three initials at most */
        size_t n = 1;
        while ((p[n] & 0xC0) == 0x80)
            n++;
        if (len + n + 2 >= size)
            break;
        memcpy(buf + len, p, n);
        if (n == 1 && *p >= 'a' && *p <= 'z')
            buf[len] = (char)(*p - 'a' + 'A');
        len += n;
        buf[len++] = '.';
        buf[len] = '\0';
    }
    snprintf(buf + len, size - len, "%s(%s)", len ? " " : "", c->id ? c->id : "case");
}

void ics_place_text(const struct sched_case *c, int place, const i18n_catalog *cat,
                    struct cal_buf *b)
{
    if (place < 0 || (size_t)place >= c->nplaces)
        return;
    const struct sched_place *pl = &c->places[place];
    if (pl->address && *pl->address) {
        struct i18n_arg args[] = {{"place", pl->name ? pl->name : pl->id},
                                  {"address", pl->address}};
        i18n_buf_add_msg(b, cat, "event.location.place", args, 2);
    } else {
        cal_buf_add(b, pl->name ? pl->name : pl->id);
    }
}

void ics_location_text(const struct sched_case *c, const struct sched_appt *a, const char *link,
                       const i18n_catalog *cat, const char *home_key, const struct i18n_arg *args,
                       size_t nargs, struct cal_buf *b)
{
    if (a->mode == SCHED_IN_PERSON)
        ics_place_text(c, a->place, cat, b);
    else if (a->mode == SCHED_TELEHEALTH)
        i18n_buf_add_msg(b, cat, link ? "event.location.video" : "event.location.video_nolink",
                         args, nargs);
    else
        i18n_buf_add_msg(b, cat, home_key, args, nargs);
}
