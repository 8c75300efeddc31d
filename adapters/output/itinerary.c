/*
 * OUT/itinerary.html: what a family prints or keeps on a phone. One
 * self-contained file (inline CSS, no script, nothing loaded from anywhere),
 * in the family's language from the message catalogue, readable without
 * colour: every mark carries a symbol and a word.
 *
 * Order of the page: title; before/after strip against one-at-a-time
 * booking; a month view; the days in time order (a card per trip day, video
 * and home visits between them); visits that could not be planned with whom
 * to call. Times are rounded down to 5 minutes and, at a place in another
 * zone, labelled in words with the time at home.
 */
#include "adapters/adapters.h"
#include "adapters/output/i18n.h"
#include "adapters/output/outputs.h"
#include "adapters/output/reasons.h"
#include "calendars/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define OUT_PATH_MAX 4096

/* Colours are chosen for a contrast of at least 4.5:1 of text on its own
 * background (checked in tests/adapters/test_itinerary.c). */
static const char style[] =
    "*{box-sizing:border-box}"
    "html{-webkit-text-size-adjust:100%}"
    "body{margin:0;background:#ffffff;color:#1a1a1a;"
    "font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','DejaVu Sans',"
    "Arial,sans-serif;font-size:16px;line-height:1.45}"
    "main{max-width:52rem;margin:0 auto;padding:1.25rem}"
    "h1{font-size:1.7rem;margin:0 0 .4rem}"
    "h2{font-size:1.3rem;margin:1.8rem 0 .6rem;padding-bottom:.2rem;"
    "border-bottom:2px solid #1a1a1a}"
    "h3{font-size:1.08rem;margin:0 0 .4rem}"
    "p{margin:.3rem 0}"
    "a{color:#0a4fb5}"
    ".intro,.generated,.note{color:#404040}"
    "table{border-collapse:collapse}"
    ".compare{width:100%;margin:.3rem 0}"
    ".compare caption{text-align:left;color:#404040;padding-bottom:.3rem}"
    ".compare th,.compare td{border:1px solid #767676;padding:.45rem .6rem;text-align:left}"
    ".compare thead th{background:#f0f0f0;color:#1a1a1a}"
    ".compare td.after{font-weight:700}"
    ".delta{font-weight:400;color:#1a1a1a}"
    ".legend{list-style:none;padding:0;margin:.3rem 0 .8rem;display:flex;flex-wrap:wrap;"
    "gap:.4rem 1rem}"
    ".month{margin:0 0 1rem}"
    ".month table{width:100%;table-layout:fixed}"
    ".month th{font-size:.8rem;font-weight:600;padding:.2rem;color:#1a1a1a;"
    "background:#f0f0f0;border:1px solid #767676}"
    ".month td{vertical-align:top;height:3.6rem;padding:.15rem;border:1px solid #767676;"
    "font-size:.75rem}"
    ".month td.pad{background:#fafafa}"
    ".month .num{display:block;font-weight:600}"
    ".mark{display:block;border-radius:3px;padding:0 .2rem;margin-top:1px;font-weight:600;"
    "overflow-wrap:break-word;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    ".legend .mark{display:inline-block;margin-right:.3rem}"
    ".mark-trip{background:#fff0c2;color:#4d3400}"
    ".mark-video{background:#dcecfc;color:#0a3566}"
    ".mark-home{background:#dff2e2;color:#184d1c}"
    ".mark-night{background:#e9e3f6;color:#37245f}"
    ".card{border:1px solid #767676;border-left-width:.5rem;border-radius:4px;"
    "padding:.7rem .9rem;margin:.7rem 0;break-inside:avoid;page-break-inside:avoid}"
    ".card.trip{border-left-color:#8a5a00}"
    ".card.video{border-left-color:#0a4fb5}"
    ".card.home{border-left-color:#2e7d32}"
    ".card.unplaced{border-left-color:#a11a1a}"
    ".leave,.back{font-weight:700}"
    ".where{margin:.3rem 0}"
    ".where .label,.visits-label{font-weight:700}"
    ".visits{margin:.3rem 0 .4rem;padding-left:1.2rem}"
    ".visits li{margin:.25rem 0}"
    ".time{font-weight:700;font-variant-numeric:tabular-nums}"
    ".url{word-break:break-all;color:#404040}"
    ".overnight{margin-top:.4rem}"
    ".place{margin:.5rem 0 0;padding-top:.3rem;border-top:1px solid #d0d0d0}"
    ".arrive{font-weight:700}"
    ".label{font-weight:700}"
    ".bring ul{margin:.2rem 0 .4rem;padding-left:1.2rem}"
    ".prepare{color:#1a1a1a}"
    "@media (max-width:32rem){main{padding:.75rem}.month td{padding:1px}"
    ".month .mark{font-size:.62rem;padding:0 1px;border-radius:2px}}"
    "@page{margin:12mm}"
    "@media print{"
    "body{font-size:10.5pt}"
    "main{max-width:none;padding:0}"
    "h2{break-after:avoid;page-break-after:avoid}"
    "h3{break-after:avoid;page-break-after:avoid}"
    ".month{break-inside:avoid;page-break-inside:avoid}"
    ".month td{height:3rem}"
    "a{color:#1a1a1a}"
    "}";

/* HTML text and attribute escaping: every value written into the page goes
 * through here. */
static void esc(struct cal_buf *b, const char *s)
{
    if (!s)
        return;
    const char *run = s;
    for (const char *p = s; *p; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            /* A control character has no place in a page (and could hide
             * text): shown as U+FFFD. */
            if (((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7F) {
                rep = "\xEF\xBF\xBD";
                break;
            }
            continue;
        }
        cal_buf_addn(b, run, (size_t)(p - run));
        cal_buf_add(b, rep);
        run = p + 1;
    }
    cal_buf_add(b, run);
}

/* A catalogue message, HTML-escaped after expansion. */
static void msg(struct cal_buf *b, const i18n_catalog *cat, const char *key,
                const struct i18n_arg *args, size_t nargs)
{
    char *s = i18n_format(cat, key, args, nargs);
    if (!s) {
        b->oom = true;
        return;
    }
    esc(b, s);
    free(s);
}

static const char *place_name(const struct sched_place *pl)
{
    return pl->name && *pl->name ? pl->name : pl->id;
}

/* "What for: …" from the visit's purpose; nothing when the case gives none
 * (the specialty is already shown beside the provider's name). */
static void what_for(struct cal_buf *b, const i18n_catalog *cat, const struct sched_visit *v,
                     const char *before, const char *after)
{
    if (!v->purpose || !*v->purpose)
        return;
    cal_buf_add(b, before);
    msg(b, cat, "html.visit.what", NULL, 0);
    cal_buf_add(b, ": ");
    esc(b, v->purpose);
    cal_buf_add(b, after);
}

static int32_t local_day(const cal_tz *tz, cal_time t)
{
    int32_t day;
    int minute;
    cal_tz_to_local(tz, t, &day, &minute);
    return day;
}

static bool is_web_link(const char *s)
{
    return s && (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0);
}

/* "Dr. Maya Lee (Neurology)" */
static void who(struct cal_buf *b, const struct sched_provider *p)
{
    cal_buf_add(b, "<strong>");
    esc(b, sched_provider_name(p));
    cal_buf_add(b, "</strong>");
    if (p->specialty && *p->specialty) {
        cal_buf_add(b, " (");
        esc(b, p->specialty);
        cal_buf_add(b, ")");
    }
}

/* ---------------------------------------------------------------------------
 * Before and after.
 */

static void compare_delta(struct cal_buf *b, const i18n_catalog *cat, int before, int after,
                          bool duration)
{
    char n[32];
    int d = before - after;
    if (duration)
        i18n_duration(cat, d < 0 ? -d : d, n, sizeof n);
    else
        snprintf(n, sizeof n, "%d", d < 0 ? -d : d);
    struct i18n_arg args[] = {{"n", n}};
    cal_buf_add(b, " <span class=\"delta\">(");
    msg(b, cat,
        d > 0   ? "html.compare.fewer"
        : d < 0 ? "html.compare.more"
                : "html.compare.same",
        args, 1);
    cal_buf_add(b, ")</span>");
}

static void compare_row(struct cal_buf *b, const i18n_catalog *cat, const char *measure,
                        const char *key, int before, int after, bool has_before, bool duration)
{
    char sb[32], sa[32];
    if (duration) {
        i18n_duration(cat, before, sb, sizeof sb);
        i18n_duration(cat, after, sa, sizeof sa);
    } else {
        snprintf(sb, sizeof sb, "%d", before);
        snprintf(sa, sizeof sa, "%d", after);
    }
    cal_buf_addf(b, "<tr data-measure=\"%s\"><th scope=\"row\">", measure);
    msg(b, cat, key, NULL, 0);
    cal_buf_add(b, "</th>");
    if (has_before) {
        cal_buf_addf(b, "<td class=\"before\">%s</td>", sb);
        cal_buf_addf(b, "<td class=\"after\">%s", sa);
        compare_delta(b, cat, before, after, duration);
        cal_buf_add(b, "</td>");
    } else {
        cal_buf_addf(b, "<td class=\"after\">%s</td>", sa);
    }
    cal_buf_add(b, "</tr>\n");
}

static void section_compare(struct cal_buf *b, const i18n_catalog *cat,
                            const struct sched_plan *plan, const struct sched_plan *base)
{
    const struct sched_metrics *m = &plan->metrics;
    struct sched_metrics zero = {0};
    const struct sched_metrics *bm = base ? &base->metrics : &zero;
    cal_buf_add(b, "<section id=\"compare\" aria-labelledby=\"compare-h\">\n"
                   "<h2 id=\"compare-h\">");
    msg(b, cat, "html.compare.h", NULL, 0);
    cal_buf_add(b, "</h2>\n<table class=\"compare\"><caption>");
    msg(b, cat, "html.compare.caption", NULL, 0);
    cal_buf_add(b, "</caption>\n<thead><tr><th scope=\"col\">");
    msg(b, cat, "html.compare.measure", NULL, 0);
    if (base) {
        cal_buf_add(b, "</th><th scope=\"col\">");
        msg(b, cat, "html.compare.before", NULL, 0);
    }
    cal_buf_add(b, "</th><th scope=\"col\">");
    msg(b, cat, "html.compare.after", NULL, 0);
    cal_buf_add(b, "</th></tr></thead>\n<tbody>\n");
    compare_row(b, cat, "trips", "html.compare.trips", bm->trips, m->trips, base, false);
    compare_row(b, cat, "in_person", "html.compare.in_person", bm->in_person, m->in_person, base,
                false);
    compare_row(b, cat, "travel", "html.compare.road", bm->travel_minutes, m->travel_minutes, base,
                true);
    cal_buf_add(b, "</tbody></table>\n</section>\n");
}

/* ---------------------------------------------------------------------------
 * The month view.
 */

enum { MARK_TRIP = 1, MARK_VIDEO = 2, MARK_HOME = 4, MARK_NIGHT = 8 };

struct mark_kind {
    unsigned bit;
    const char *cls;
    const char *symbol;
    const char *word_key;
    const char *legend_key;
};

static const struct mark_kind marks[] = {
    {MARK_TRIP, "mark-trip", "\xE2\x96\xB2", "html.mark.trip", "html.legend.trip"},     /* ▲ */
    {MARK_VIDEO, "mark-video", "\xE2\x97\x8F", "html.mark.video", "html.legend.video"}, /* ● */
    {MARK_HOME, "mark-home", "\xE2\x97\x86", "html.mark.home", "html.legend.home"},     /* ◆ */
    {MARK_NIGHT, "mark-night", "\xE2\x98\xBE", "html.mark.night", "html.legend.night"}, /* ☾ */
};

static void mark(struct cal_buf *b, const i18n_catalog *cat, const struct mark_kind *k)
{
    cal_buf_addf(b, "<span class=\"mark %s\"><span aria-hidden=\"true\">%s</span> ", k->cls,
                 k->symbol);
    msg(b, cat, k->word_key, NULL, 0);
    cal_buf_add(b, "</span>");
}

static void section_months(struct cal_buf *b, const struct sched_case *c,
                           const struct sched_plan *plan, const i18n_catalog *cat)
{
    int32_t first = c->horizon_start, last = c->horizon_end;
    for (size_t i = 0; i < plan->nappts; i++) {
        int32_t d = local_day(c->tz, plan->appts[i].start);
        first = d < first ? d : first;
        last = d > last ? d : last;
    }
    if (last < first)
        last = first;
    size_t ndays = (size_t)(last - first + 1);
    unsigned *flags = cal_calloc(ndays, sizeof *flags);
    if (!flags) {
        b->oom = true;
        return;
    }
    for (size_t t = 0; t < plan->ntrips; t++) {
        int32_t d = plan->trips[t].day;
        if (d >= first && d <= last)
            flags[d - first] |= MARK_TRIP | (plan->trips[t].overnight_after ? MARK_NIGHT : 0);
    }
    for (size_t i = 0; i < plan->nappts; i++) {
        const struct sched_appt *a = &plan->appts[i];
        int32_t d = local_day(c->tz, a->start);
        flags[d - first] |= a->mode == SCHED_TELEHEALTH ? MARK_VIDEO
                            : a->mode == SCHED_HOME     ? MARK_HOME
                                                        : MARK_TRIP;
    }

    cal_buf_add(b, "<section id=\"calendar\" aria-labelledby=\"calendar-h\">\n"
                   "<h2 id=\"calendar-h\">");
    msg(b, cat, "html.month.h", NULL, 0);
    unsigned used = 0;
    for (size_t i = 0; i < ndays; i++)
        used |= flags[i];
    cal_buf_add(b, "</h2>\n<p class=\"note\" id=\"legend-h\">");
    msg(b, cat, "html.legend.h", NULL, 0);
    cal_buf_add(b, "</p>\n<ul class=\"legend\" aria-labelledby=\"legend-h\">");
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
        if (!(used & marks[k].bit))
            continue;
        cal_buf_add(b, "<li>");
        mark(b, cat, &marks[k]);
        msg(b, cat, marks[k].legend_key, NULL, 0);
        cal_buf_add(b, "</li>");
    }
    cal_buf_add(b, "</ul>\n<div class=\"months\">\n");

    int week_start = i18n_week_start(cat);
    struct cal_date fd = cal_civil_from_days(first), ld = cal_civil_from_days(last);
    for (int y = fd.year, mo = fd.month; y < ld.year || (y == ld.year && mo <= ld.month);) {
        char title[96];
        i18n_month_title(cat, y, mo, title, sizeof title);
        cal_buf_addf(b, "<div class=\"month\"><h3 id=\"month-%04d-%02d\">", y, mo);
        esc(b, title);
        cal_buf_addf(b, "</h3>\n<table aria-labelledby=\"month-%04d-%02d\"><thead><tr>", y, mo);
        for (int k = 0; k < 7; k++) {
            int wd = (week_start + k) % 7;
            cal_buf_add(b, "<th scope=\"col\" abbr=\"");
            esc(b, i18n_weekday(cat, wd, 0));
            cal_buf_add(b, "\">");
            esc(b, i18n_weekday(cat, wd, 1));
            cal_buf_add(b, "</th>");
        }
        cal_buf_add(b, "</tr></thead>\n<tbody>\n<tr>");
        int32_t d0 = cal_days_from_civil(y, mo, 1);
        int next_y = mo == 12 ? y + 1 : y, next_mo = mo == 12 ? 1 : mo + 1;
        int32_t dn = cal_days_from_civil(next_y, next_mo, 1);
        int col = (cal_weekday(d0) - week_start + 7) % 7;
        for (int k = 0; k < col; k++)
            cal_buf_add(b, "<td class=\"pad\"></td>");
        for (int32_t d = d0; d < dn; d++) {
            if (col == 7) {
                cal_buf_add(b, "</tr>\n<tr>");
                col = 0;
            }
            char date[16];
            cal_format_date(d, date, sizeof date);
            unsigned f = d >= first && d <= last ? flags[d - first] : 0;
            cal_buf_addf(b, "<td data-date=\"%s\"%s><span class=\"num\">%d</span>", date,
                         f ? " class=\"marked\"" : "", cal_civil_from_days(d).day);
            for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++)
                if (f & marks[k].bit)
                    mark(b, cat, &marks[k]);
            cal_buf_add(b, "</td>");
            col++;
        }
        for (; col < 7; col++)
            cal_buf_add(b, "<td class=\"pad\"></td>");
        cal_buf_add(b, "</tr>\n</tbody></table></div>\n");
        y = next_y;
        mo = next_mo;
    }
    cal_buf_add(b, "</div>\n</section>\n");
    free(flags);
}

/* ---------------------------------------------------------------------------
 * The days: trip days as cards, video and home visits in the same timeline.
 */

/* tel: keeps digits and a leading '+'. */
static void tel_href(struct cal_buf *b, const char *phone)
{
    cal_buf_add(b, "tel:");
    for (const char *p = phone; *p; p++)
        if ((*p >= '0' && *p <= '9') || (*p == '+' && p == phone))
            cal_buf_addn(b, p, 1);
}

/* "Phone: <a href="tel:+19195550100">+1 919 555 0100</a>" */
static void phone_line(struct cal_buf *b, const i18n_catalog *cat, const char *phone)
{
    if (!phone || !*phone)
        return;
    cal_buf_add(b, "<p class=\"phone\"><span class=\"label\">");
    msg(b, cat, "html.trip.phone", NULL, 0);
    cal_buf_add(b, ":</span> <a href=\"");
    struct cal_buf href = {0};
    tel_href(&href, phone);
    esc(b, href.s);
    b->oom |= href.oom;
    cal_buf_free(&href);
    cal_buf_add(b, "\">");
    esc(b, phone);
    cal_buf_add(b, "</a></p>\n");
}

static void prepare_line(struct cal_buf *b, const i18n_catalog *cat, const struct sched_visit *v,
                         const char *before, const char *after)
{
    if (!v->prepare || !*v->prepare)
        return;
    cal_buf_add(b, before);
    cal_buf_add(b, "<span class=\"prepare\"><span class=\"label\">");
    msg(b, cat, "html.visit.prepare", NULL, 0);
    cal_buf_add(b, ":</span> ");
    esc(b, v->prepare);
    cal_buf_add(b, "</span>");
    cal_buf_add(b, after);
}

static void visit_item(struct cal_buf *b, const struct sched_case *c, const i18n_catalog *cat,
                       const struct sched_appt *a)
{
    const struct sched_visit *v = &c->visits[a->visit];
    const struct sched_provider *p = &c->providers[v->provider];
    char when[160], length[32];
    i18n_zoned_clock(cat, sched_place_tz(c, a->place), c->tz, a->start, when, sizeof when);
    i18n_duration(cat, (int)((a->end - a->start) / 60), length, sizeof length);
    cal_buf_add(b, "<li data-visit=\"");
    esc(b, v->id);
    cal_buf_add(b, "\"><span class=\"time\">");
    esc(b, when);
    cal_buf_add(b, "</span> \xE2\x80\x94 ");
    who(b, p);
    cal_buf_add(b, "<br>");
    what_for(b, cat, v, "", " \xC2\xB7 ");
    esc(b, length);
    prepare_line(b, cat, v, "<br>", "");
    cal_buf_add(b, "</li>\n");
}

/* A place of the day: name and address, how to find it, a map link (a link
 * only: nothing is loaded), the desk's phone, and when to be there. */
static void place_block(struct cal_buf *b, const struct sched_case *c, const i18n_catalog *cat,
                        int place, cal_time first_start, cal_time depart)
{
    const struct sched_place *pl = &c->places[place];
    const cal_tz *ptz = sched_place_tz(c, place);
    cal_buf_add(b, "<div class=\"place\">\n<p class=\"where\"><span class=\"label\">");
    msg(b, cat, "html.trip.where", NULL, 0);
    cal_buf_add(b, ":</span> ");
    esc(b, place_name(pl));
    if (pl->address && *pl->address) {
        cal_buf_add(b, ", ");
        esc(b, pl->address);
    }
    cal_buf_add(b, "</p>\n");
    if (pl->directions && *pl->directions) {
        cal_buf_add(b, "<p class=\"directions\"><span class=\"label\">");
        msg(b, cat, "html.trip.directions", NULL, 0);
        cal_buf_add(b, ":</span> ");
        esc(b, pl->directions);
        cal_buf_add(b, "</p>\n");
    }
    cal_buf_addf(b,
                 "<p class=\"map\"><a href=\"https://www.openstreetmap.org/"
                 "?mlat=%.5f&amp;mlon=%.5f#map=17/%.5f/%.5f\">",
                 pl->lat, pl->lon, pl->lat, pl->lon);
    msg(b, cat, "html.trip.map", NULL, 0);
    cal_buf_add(b, "</a></p>\n");
    phone_line(b, cat, pl->phone);
    cal_time arrive = first_start - (cal_time)c->family.arrive_early_minutes * 60;
    if (arrive < depart)
        arrive = first_start;
    char at[160];
    i18n_zoned_clock(cat, ptz, c->tz, arrive, at, sizeof at);
    struct i18n_arg aargs[] = {{"time", at}};
    cal_buf_add(b, "<p class=\"arrive\">");
    msg(b, cat, "html.trip.arrive", aargs, 1);
    cal_buf_add(b, "</p>\n");
    if (ptz != c->tz && cal_tz_offset(ptz, first_start) != cal_tz_offset(c->tz, first_start)) {
        char zone[96];
        i18n_zone_words(cat, ptz, zone, sizeof zone);
        struct i18n_arg zargs[] = {{"place", place_name(pl)}, {"zone", zone}};
        cal_buf_add(b, "<p class=\"note\">");
        msg(b, cat, "html.trip.local_time", zargs, 2);
        cal_buf_add(b, "</p>\n");
    }
    cal_buf_add(b, "</div>\n");
}

/* "What to bring": the usual papers, then each visit's preparation once. */
static void bring_list(struct cal_buf *b, const struct sched_case *c, const i18n_catalog *cat,
                       const struct sched_plan *plan, size_t t)
{
    cal_buf_add(b, "<div class=\"bring\"><p class=\"visits-label\">");
    msg(b, cat, "html.bring.h", NULL, 0);
    cal_buf_add(b, ":</p>\n<ul>\n<li>");
    msg(b, cat, "html.bring.id", NULL, 0);
    cal_buf_add(b, "</li>\n<li>");
    msg(b, cat, "html.bring.meds", NULL, 0);
    cal_buf_add(b, "</li>\n<li>");
    msg(b, cat, "html.bring.this", NULL, 0);
    cal_buf_add(b, "</li>\n");
    for (size_t i = 0; i < plan->nappts; i++) {
        const struct sched_visit *v = &c->visits[plan->appts[i].visit];
        if (plan->appts[i].trip != (int)t || !v->prepare || !*v->prepare)
            continue;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++) {
            const struct sched_visit *w = &c->visits[plan->appts[k].visit];
            seen = plan->appts[k].trip == (int)t && w->prepare && !strcmp(w->prepare, v->prepare);
        }
        if (seen)
            continue;
        cal_buf_add(b, "<li>");
        esc(b, v->prepare);
        cal_buf_add(b, "</li>\n");
    }
    cal_buf_add(b, "</ul></div>\n");
}

static void trip_card(struct cal_buf *b, const struct sched_case *c, const struct sched_plan *plan,
                      const i18n_catalog *cat, size_t t)
{
    const struct sched_trip *trip = &plan->trips[t];
    int lodging = c->family.lodging;
    bool has_lodging = lodging >= 0 && (size_t)lodging < c->nplaces;
    const char *lodging_name = has_lodging ? place_name(&c->places[lodging]) : "";
    const cal_tz *lodging_tz = sched_place_tz(c, lodging);
    char date[16], title[96], depart[160], ret[160];
    cal_format_date(trip->day, date, sizeof date);
    i18n_date_long(cat, trip->day, title, sizeof title);
    i18n_zoned_clock(cat, trip->from_lodging ? lodging_tz : c->tz, c->tz, trip->depart, depart,
                     sizeof depart);
    i18n_zoned_clock(cat, trip->overnight_after ? lodging_tz : c->tz, c->tz, trip->ret, ret,
                     sizeof ret);

    cal_buf_addf(b, "<article class=\"card trip\" id=\"trip-%s\" data-date=\"%s\">\n<h3>", date,
                 date);
    esc(b, title);
    cal_buf_add(b, "</h3>\n<p class=\"leave\">");
    struct i18n_arg dargs[] = {{"time", depart}, {"lodging", lodging_name}};
    msg(b, cat, trip->from_lodging ? "html.trip.leave_lodging" : "html.trip.leave_home", dargs, 2);
    cal_buf_add(b, "</p>\n");

    /* Each place of the day once, in visiting order, then its visits. */
    int seen[16];
    int n = 0;
    for (size_t i = 0; i < plan->nappts && n < 16; i++) {
        const struct sched_appt *a = &plan->appts[i];
        if (a->trip != (int)t || a->place < 0)
            continue;
        bool dup = false;
        for (int k = 0; k < n; k++)
            dup |= seen[k] == a->place;
        if (dup)
            continue;
        seen[n++] = a->place;
        place_block(b, c, cat, a->place, a->start, trip->depart);
        cal_buf_add(b, "<p class=\"visits-label\">");
        msg(b, cat, "html.trip.visits", NULL, 0);
        cal_buf_add(b, ":</p>\n<ol class=\"visits\">\n");
        for (size_t j = i; j < plan->nappts; j++)
            if (plan->appts[j].trip == (int)t && plan->appts[j].place == a->place)
                visit_item(b, c, cat, &plan->appts[j]);
        cal_buf_add(b, "</ol>\n");
    }
    bring_list(b, c, cat, plan, t);
    cal_buf_add(b, "<p class=\"back\">");
    struct i18n_arg rargs[] = {{"time", ret}, {"lodging", lodging_name}};
    msg(b, cat, trip->overnight_after ? "html.trip.back_lodging" : "html.trip.back_home", rargs, 2);
    cal_buf_add(b, "</p>\n");
    if (trip->overnight_after && has_lodging) {
        cal_buf_add(b, "<p class=\"overnight\"><span class=\"mark mark-night\" "
                       "style=\"display:inline-block\"><span aria-hidden=\"true\">"
                       "\xE2\x98\xBE</span> ");
        msg(b, cat, "html.mark.night", NULL, 0);
        cal_buf_add(b, "</span> ");
        struct i18n_arg largs[] = {{"lodging", lodging_name}};
        msg(b, cat, "html.trip.overnight", largs, 1);
        const char *addr = c->places[lodging].address;
        if (addr && *addr) {
            cal_buf_add(b, ": ");
            esc(b, addr);
        }
        cal_buf_add(b, "</p>\n");
    }
    cal_buf_add(b, "</article>\n");
}

static void remote_card(struct cal_buf *b, const struct sched_case *c, const i18n_catalog *cat,
                        const struct sched_appt *a)
{
    const struct sched_visit *v = &c->visits[a->visit];
    const struct sched_provider *p = &c->providers[v->provider];
    bool video = a->mode == SCHED_TELEHEALTH;
    char title[96], when[32], end[32], length[32];
    i18n_date_long(cat, local_day(c->tz, a->start), title, sizeof title);
    i18n_clock(cat, c->tz, a->start, when, sizeof when);
    i18n_clock(cat, c->tz, a->end, end, sizeof end);
    i18n_duration(cat, (int)((a->end - a->start) / 60), length, sizeof length);

    cal_buf_addf(b, "<article class=\"card %s\" data-visit=\"", video ? "video" : "home");
    esc(b, v->id);
    cal_buf_add(b, "\">\n<h3>");
    esc(b, title);
    cal_buf_add(b, "</h3>\n<p><span class=\"mark ");
    cal_buf_add(b, video ? "mark-video" : "mark-home");
    cal_buf_add(b, "\" style=\"display:inline-block\"><span aria-hidden=\"true\">");
    cal_buf_add(b, video ? "\xE2\x97\x8F" : "\xE2\x97\x86");
    cal_buf_add(b, "</span> ");
    msg(b, cat, video ? "html.mark.video" : "html.mark.home", NULL, 0);
    cal_buf_add(b, "</span> <span class=\"time\">");
    esc(b, when);
    cal_buf_add(b, "\xE2\x80\x93");
    esc(b, end);
    cal_buf_add(b, "</span> (");
    esc(b, length);
    cal_buf_add(b, ")</p>\n<p>");
    if (video) {
        who(b, p);
    } else {
        struct i18n_arg args[] = {{"provider", sched_provider_name(p)},
                                  {"specialty", p->specialty ? p->specialty : ""}};
        msg(b, cat, "html.home.who", args, 2);
    }
    cal_buf_add(b, "</p>\n");
    what_for(b, cat, v, "<p>", "</p>\n");
    prepare_line(b, cat, v, "<p>", "</p>\n");
    if (video) {
        const char *link = p->mode[SCHED_TELEHEALTH].link;
        if (is_web_link(link)) {
            cal_buf_add(b, "<p><a href=\"");
            esc(b, link);
            cal_buf_add(b, "\">");
            msg(b, cat, "html.video.join", NULL, 0);
            cal_buf_add(b, "</a><br><span class=\"url\">");
            esc(b, link);
            cal_buf_add(b, "</span></p>\n");
        } else if (link && *link) {
            cal_buf_add(b, "<p class=\"url\">");
            esc(b, link);
            cal_buf_add(b, "</p>\n");
        } else {
            cal_buf_add(b, "<p>");
            msg(b, cat, "html.video.nolink", NULL, 0);
            cal_buf_add(b, "</p>\n");
        }
        cal_buf_add(b, "<p class=\"note\">");
        msg(b, cat, "html.video.tip", NULL, 0);
        cal_buf_add(b, "</p>\n");
    }
    bool nurse = video ? v->telehealth_needs_nurse : v->home_needs_nurse;
    if (nurse) {
        cal_buf_add(b, "<p>");
        msg(b, cat, "html.home.nurse", NULL, 0);
        cal_buf_add(b, "</p>\n");
    }
    phone_line(b, cat, p->phone);
    cal_buf_add(b, "</article>\n");
}

/* Every trip day and every video and home visit, in time order. */
static void section_days(struct cal_buf *b, const struct sched_case *c,
                         const struct sched_plan *plan, const i18n_catalog *cat)
{
    cal_buf_add(b, "<section id=\"days\" aria-labelledby=\"days-h\">\n<h2 id=\"days-h\">");
    msg(b, cat, "html.days.h", NULL, 0);
    cal_buf_add(b, "</h2>\n");
    if (plan->nappts == 0) {
        cal_buf_add(b, "<p>");
        msg(b, cat, "html.trips.none", NULL, 0);
        cal_buf_add(b, "</p>\n");
    }
    size_t t = 0, i = 0;
    while (t < plan->ntrips || i < plan->nappts) {
        const struct sched_appt *a = i < plan->nappts ? &plan->appts[i] : NULL;
        if (a && a->mode == SCHED_IN_PERSON) {
            i++;
            continue;
        }
        if (t < plan->ntrips && (!a || plan->trips[t].depart <= a->start)) {
            trip_card(b, c, plan, cat, t++);
        } else {
            remote_card(b, c, cat, a);
            i++;
        }
    }
    cal_buf_add(b, "</section>\n");
}

/* ---------------------------------------------------------------------------
 * Visits that could not be planned.
 */

static void section_unscheduled(struct cal_buf *b, const struct sched_case *c,
                                const struct sched_plan *plan, const i18n_catalog *cat)
{
    if (plan->nunscheduled == 0)
        return;
    cal_buf_add(b, "<section id=\"unscheduled\" aria-labelledby=\"unscheduled-h\">\n"
                   "<h2 id=\"unscheduled-h\">");
    msg(b, cat, "html.unscheduled.h", NULL, 0);
    cal_buf_add(b, "</h2>\n<p>");
    msg(b, cat, "html.unscheduled.intro", NULL, 0);
    cal_buf_add(b, "</p>\n");
    for (size_t i = 0; i < plan->nunscheduled; i++) {
        const struct sched_unscheduled *u = &plan->unscheduled[i];
        const struct sched_visit *v = &c->visits[u->visit];
        const struct sched_provider *p = &c->providers[v->provider];
        cal_buf_add(b, "<article class=\"card unplaced\" data-visit=\"");
        esc(b, v->id);
        cal_buf_add(b, "\">\n<h3>");
        esc(b, sched_provider_name(p));
        if (p->specialty && *p->specialty) {
            cal_buf_add(b, " (");
            esc(b, p->specialty);
            cal_buf_add(b, ")");
        }
        cal_buf_add(b, "</h3>\n");
        what_for(b, cat, v, "<p>", "</p>\n");
        cal_buf_add(b, "<p class=\"reason\">");
        struct cal_buf why = {0};
        reason_words(&why, cat, c, u, false);
        esc(b, why.s);
        b->oom |= why.oom;
        cal_buf_free(&why);
        cal_buf_add(b, "</p>\n<p class=\"call\">");
        if (p->phone && *p->phone) {
            /* The phone number becomes a link; the sentence around it comes
             * from the catalogue. */
            struct cal_buf phone = {0};
            tel_href(&phone, p->phone);
            const char *marker_phone = "\x01";
            struct i18n_arg args[] = {{"provider", sched_provider_name(p)},
                                      {"phone", marker_phone}};
            char *s = i18n_format(cat, "html.unscheduled.call", args, 2);
            if (!s || phone.oom) {
                b->oom = true;
            } else {
                char *cut = strchr(s, '\x01');
                if (cut)
                    *cut = '\0';
                esc(b, s);
                if (cut) {
                    cal_buf_add(b, "<a href=\"");
                    esc(b, phone.s);
                    cal_buf_add(b, "\">");
                    esc(b, p->phone);
                    cal_buf_add(b, "</a>");
                    esc(b, cut + 1);
                }
            }
            free(s);
            cal_buf_free(&phone);
        } else {
            struct i18n_arg args[] = {{"provider", sched_provider_name(p)}};
            msg(b, cat, "html.unscheduled.call_coordinator", args, 1);
        }
        cal_buf_add(b, "</p>\n</article>\n");
    }
    cal_buf_add(b, "</section>\n");
}

/* ---------------------------------------------------------------------------
 * What changed since the previous plan (re-planning).
 */

/* "Tuesday, December 8, 9:00 AM" in the family's language. */
static void when_text(const i18n_catalog *cat, const cal_tz *tz, cal_time t, char *buf, size_t n)
{
    char date[96], clock[32];
    i18n_date_long(cat, local_day(tz, t), date, sizeof date);
    i18n_clock(cat, tz, t, clock, sizeof clock);
    snprintf(buf, n, "%s, %s", date, clock);
}

static const char *change_what(const struct sched_case *c, int visit, const char *fallback)
{
    if (visit < 0)
        return fallback;
    const struct sched_visit *v = &c->visits[visit];
    const struct sched_provider *p = &c->providers[v->provider];
    if (v->purpose && *v->purpose)
        return v->purpose;
    return p->specialty && *p->specialty ? p->specialty : sched_provider_name(p);
}

static void section_changes(struct cal_buf *b, const struct sched_case *c,
                            const struct sched_plan *plan, const i18n_catalog *cat,
                            const struct sched_changes *ch)
{
    if (!ch)
        return;
    char n1[16], n2[16], n3[16], n4[16];
    snprintf(n1, sizeof n1, "%zu", ch->moved);
    snprintf(n2, sizeof n2, "%zu", ch->cancelled);
    snprintf(n3, sizeof n3, "%zu", ch->added);
    snprintf(n4, sizeof n4, "%zu", ch->kept);
    struct i18n_arg counts[] = {{"moved", n1}, {"cancelled", n2}, {"added", n3}, {"kept", n4}};
    cal_buf_add(b, "<section id=\"changes\" aria-labelledby=\"changes-h\">\n"
                   "<h2 id=\"changes-h\">");
    msg(b, cat, "changes.title", NULL, 0);
    cal_buf_add(b, "</h2>\n<p>");
    msg(b, cat, "changes.counts", counts, 4);
    cal_buf_add(b, "</p>\n");
    if (ch->n)
        cal_buf_add(b, "<ul class=\"changes\">\n");
    for (size_t i = 0; i < ch->n; i++) {
        const struct sched_change *e = &ch->v[i];
        const struct sched_prev_appt *q = e->prev >= 0 ? &c->previous[e->prev] : NULL;
        const struct sched_appt *a = e->appt >= 0 ? &plan->appts[e->appt] : NULL;
        char from[160] = "", to[160] = "";
        if (q)
            when_text(cat, c->tz, q->start, from, sizeof from);
        if (a)
            when_text(cat, a->place >= 0 ? sched_place_tz(c, a->place) : c->tz, a->start, to,
                      sizeof to);
        int visit = a ? a->visit : q->visit;
        struct i18n_arg args[] = {
            {"what", change_what(c, visit, q ? q->visit_id : "")}, {"from", from}, {"to", to}};
        const char *key = e->kind == SCHED_CHANGE_MOVED       ? "changes.moved"
                          : e->kind == SCHED_CHANGE_CANCELLED ? "changes.cancelled"
                                                              : "changes.added";
        cal_buf_add(b, "<li>");
        msg(b, cat, key, args, 3);
        if (e->kind != SCHED_CHANGE_ADDED) {
            /* Why, in the family's words (the coordinator's --reason stays in changes.json). */
            struct cal_buf why = {0};
            change_words(&why, cat, c, plan, e, NULL);
            struct i18n_arg wargs[] = {{"why", why.s ? why.s : ""}};
            msg(b, cat, "changes.why", wargs, 1);
            b->oom |= why.oom;
            cal_buf_free(&why);
        }
        cal_buf_add(b, "</li>\n");
    }
    if (ch->n)
        cal_buf_add(b, "</ul>\n");
    cal_buf_add(b, "</section>\n");
}

/* ---------------------------------------------------------------------------
 * The page.
 */

static void page(struct cal_buf *b, const struct sched_case *c, const struct sched_plan *plan,
                 const struct sched_plan *baseline, const i18n_catalog *cat, cal_time now,
                 const struct sched_changes *changes)
{
    struct i18n_arg cargs[] = {{"case", c->name ? c->name : c->id}};
    cal_buf_add(b, "<!DOCTYPE html>\n<html lang=\"");
    esc(b, i18n_lang(cat));
    cal_buf_add(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "style-src 'unsafe-inline'\">\n"
                   "<meta name=\"generator\" content=\"careday\">\n<title>");
    msg(b, cat, "html.title", cargs, 1);
    cal_buf_add(b, "</title>\n<style>");
    cal_buf_add(b, style);
    cal_buf_add(b, "</style>\n</head>\n<body>\n<main>\n<header>\n<h1>");
    msg(b, cat, "html.title", cargs, 1);
    cal_buf_add(b, "</h1>\n<p class=\"intro\">");
    msg(b, cat, "html.intro", NULL, 0);
    cal_buf_add(b, "</p>\n</header>\n");

    section_changes(b, c, plan, cat, changes);
    section_compare(b, cat, plan, baseline);
    section_months(b, c, plan, cat);
    section_days(b, c, plan, cat);
    section_unscheduled(b, c, plan, cat);

    char today[96];
    i18n_date_long(cat, local_day(c->tz, now), today, sizeof today);
    struct i18n_arg gargs[] = {{"date", today}};
    cal_buf_add(b, "<footer>\n<p class=\"generated\">");
    msg(b, cat, "html.generated", gargs, 1);
    cal_buf_add(b, "</p>\n</footer>\n</main>\n</body>\n</html>\n");
}

int out_write_itinerary(const char *dir, const struct sched_case *c, const struct sched_plan *plan,
                        const struct sched_plan *baseline, const struct out_options *o,
                        struct careday_error *err)
{
    struct out_options none = {0};
    if (!o)
        o = &none;
    i18n_catalog *cat = NULL;
    const char *lang = o->lang ? o->lang : c->family.language;
    int rc = i18n_open(lang, o->messages_dir, &cat, err);
    if (rc)
        return rc;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        rc = careday_fail(err, ADAPT_EINTERNAL, dir, 0, NULL, "cannot create the folder: %s",
                          strerror(errno));
        i18n_free(cat);
        return rc;
    }
    struct cal_buf b = {0};
    page(&b, c, plan, baseline, cat, o->now, o->changes);
    if (b.oom) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    } else {
        char path[OUT_PATH_MAX];
        snprintf(path, sizeof path, "%s/itinerary.html", dir);
        rc = adapt_write_atomic(path, b.s, b.len, err);
    }
    cal_buf_free(&b);
    i18n_free(cat);
    return rc;
}
