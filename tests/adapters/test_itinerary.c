/*
 * itinerary.html and the message catalogue: the page is written from a case
 * and plan built in code (the same family as test_out_ics.c) and checked at
 * the level of its markup.
 */
#include "adapters/adapters.h"
#include "adapters/output/i18n.h"
#include "adapters/output/outputs.h"

#include <jansson.h>

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "family_fixture.h"
#include "tmp_files.h"

/* The one-at-a-time baseline of the same case: five trips, five in-person
 * visits. */
static struct sched_plan *build_baseline(void)
{
    struct sched_plan *p = calloc(1, sizeof *p);
    p->metrics = (struct sched_metrics){.trips = 5,
                                        .in_person = 5,
                                        .telehealth = 0,
                                        .home = 0,
                                        .travel_minutes = 410,
                                        .unscheduled = 1,
                                        .days_with_care = 5};
    return p;
}

/* ---------------------------------------------------------------------------
 * Writing and reading the page.
 */

struct page {
    struct sched_case c;
    struct sched_plan *plan, *baseline;
    char dir[256];
    struct out_options o;
    char *html;
};

static void render(struct page *p)
{
    struct careday_error err = {0};
    int rc = out_write_itinerary(p->dir, &p->c, p->plan, p->baseline, &p->o, &err);
    if (rc)
        fail_msg("out_write_itinerary: %s", err.text);
    char path[512];
    snprintf(path, sizeof path, "%s/itinerary.html", p->dir);
    free(p->html);
    p->html = read_back(path, NULL);
    assert_non_null(p->html);
}

static void page_setup(struct page *p, const char *lang)
{
    memset(p, 0, sizeof *p);
    build_case(&p->c, lang);
    p->plan = build_plan(&p->c);
    p->baseline = build_baseline();
    assert_int_equal(tmp_dir_make(p->dir, sizeof p->dir, "itinerary"), 0);
    p->o = (struct out_options){.now = 1796000000, .messages_dir = MESSAGES};
    render(p);
}

static void page_teardown(struct page *p)
{
    assert_int_equal(tmp_dir_remove(p->dir), 0);
    free(p->html);
    sched_plan_free(p->plan);
    sched_plan_free(p->baseline);
    sched_case_free(&p->c);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The markup of the element that starts at the first match of open_prefix
 * and ends at the next close tag (elements of this page are not nested in
 * themselves). Caller frees. */
static char *element(const char *html, const char *open_prefix, const char *close)
{
    const char *s = strstr(html, open_prefix);
    if (!s)
        fail_msg("no element %s", open_prefix);
    const char *e = strstr(s, close);
    assert_non_null(e);
    e += strlen(close);
    char *out = malloc((size_t)(e - s) + 1);
    memcpy(out, s, (size_t)(e - s));
    out[e - s] = '\0';
    return out;
}

#define assert_has(hay, needle)                                                                    \
    do {                                                                                           \
        if (!strstr((hay), (needle)))                                                              \
            fail_msg("missing: %s", (needle));                                                     \
    } while (0)
#define assert_lacks(hay, needle)                                                                  \
    do {                                                                                           \
        if (strstr((hay), (needle)))                                                               \
            fail_msg("unexpected: %s", (needle));                                                  \
    } while (0)

/* ---------------------------------------------------------------------------
 * The page.
 */

/* One file that loads nothing: no script, no external stylesheet, font or
 * image, and a policy that forbids them. */
static void test_self_contained(void **state)
{
    (void)state;
    struct page p;
    page_setup(&p, "en");
    assert_memory_equal(p.html, "<!DOCTYPE html>\n<html lang=\"en\">", 31);
    assert_has(p.html, "<meta charset=\"utf-8\">");
    assert_has(p.html, "Content-Security-Policy\" content=\"default-src 'none'");
    assert_lacks(p.html, "<script");
    assert_lacks(p.html, "<link");
    assert_lacks(p.html, "<img");
    assert_lacks(p.html, "<iframe");
    assert_lacks(p.html, "src=");
    assert_lacks(p.html, "url(");
    assert_lacks(p.html, "@import");
    assert_lacks(p.html, "@font-face");
    assert_int_equal(count(p.html, "<style>"), 1);
    /* The only links are the video link, the phone number and a map link per
     * place of a trip (links: nothing is loaded from them). */
    assert_int_equal(count(p.html, "href="), 4);
    assert_int_equal(count(p.html, "href=\"https://www.openstreetmap.org/?mlat="), 2);
    assert_int_equal(count(p.html, "href=\"tel:"), 1);
    /* Printable on Letter and A4: page margins, no fixed paper size. */
    assert_has(p.html, "@page{margin:12mm}");
    assert_lacks(p.html, "@page{size");
    assert_has(p.html, "@media print{");
    assert_has(p.html, "break-inside:avoid");
    page_teardown(&p);
}

/* Real headings: one h1, an h2 per section, an h3 per month and per card. */
static void test_headings(void **state)
{
    (void)state;
    struct page p;
    page_setup(&p, "en");
    assert_int_equal(count(p.html, "<h1"), 1);
    assert_has(p.html, "<h1>Care plan for Ana \xE2\x80\x94 winter follow-ups</h1>");
    assert_has(p.html, "<h2 id=\"compare-h\">Before and after</h2>");
    assert_has(p.html, "<h2 id=\"calendar-h\">Calendar</h2>");
    assert_has(p.html, "<h2 id=\"days-h\">Your days</h2>");
    assert_has(p.html, "<h2 id=\"unscheduled-h\">Visits we could not plan</h2>");
    assert_int_equal(count(p.html, "<h2"), 4);
    /* horizon Dec 2026 - Jan 2027: two months; two trips, one video, one
     * home visit, one unplaced. */
    assert_int_equal(count(p.html, "<h3"), 2 + 2 + 1 + 1 + 1);
    assert_lacks(p.html, "<h4");
    assert_int_equal(count(p.html, "<h1"), count(p.html, "</h1>"));
    assert_int_equal(count(p.html, "<h2"), count(p.html, "</h2>"));
    assert_int_equal(count(p.html, "<h3"), count(p.html, "</h3>"));
    assert_int_equal(count(p.html, "<article"), count(p.html, "</article>"));
    assert_int_equal(count(p.html, "<section"), count(p.html, "</section>"));
    assert_int_equal(count(p.html, "<table"), count(p.html, "</table>"));
    page_teardown(&p);
}

/* A card per trip day with leave by, where, who, what for, back about and
 * the night away. */
static void test_trip_cards_en(void **state)
{
    (void)state;
    struct page p;
    page_setup(&p, "en");
    assert_int_equal(count(p.html, "<article class=\"card trip\""), 2);
    char *t1 = element(p.html, "<article class=\"card trip\" id=\"trip-2026-12-08\"", "</article>");
    assert_has(t1, "<h3>Tuesday, December 8, 2026</h3>");
    assert_has(t1, "<p class=\"leave\">Leave home by 7:45 AM</p>");
    assert_has(t1, "Children&#39;s Specialty Clinic, 101 Manning Dr, Chapel Hill NC");
    assert_int_equal(count(t1, "<p class=\"where\">"), 1);
    assert_has(t1, "<span class=\"time\">9:00 AM</span> \xE2\x80\x94 <strong>Dr. Maya "
                   "Lee</strong> (Neurology)");
    assert_has(t1, "What for: Seizure follow-up \xC2\xB7 40 min");
    assert_has(t1, "<span class=\"time\">10:00 AM</span> \xE2\x80\x94 <strong>Outpatient "
                   "Lab</strong> (Laboratory)");
    assert_has(t1, "<p class=\"back\">At Ronald McDonald House about 4:00 PM</p>");
    assert_has(t1, "Tonight you stay at Ronald McDonald House: 101 Old Mason Farm Rd");
    /* Visits in time order. */
    assert_true(strstr(t1, "9:00 AM") < strstr(t1, "10:00 AM"));
    free(t1);

    char *t2 = element(p.html, "<article class=\"card trip\" id=\"trip-2026-12-09\"", "</article>");
    assert_has(t2, "<h3>Wednesday, December 9, 2026</h3>");
    assert_has(t2, "Leave Ronald McDonald House by 8:50 AM");
    assert_has(t2, "Duke Eye Center, 2351 Erwin Rd, Durham NC");
    assert_has(t2, "Dr. Omar Haddad</strong> (Ophthalmology)");
    assert_has(t2, "Back home about 1:30 PM");
    assert_lacks(t2, "Tonight");
    assert_lacks(t2, "Manning Dr");
    free(t2);
    page_teardown(&p);
}

static void test_trip_cards_es(void **state)
{
    (void)state;
    struct page p;
    page_setup(&p, "es");
    assert_memory_equal(p.html, "<!DOCTYPE html>\n<html lang=\"es\">", 31);
    assert_has(p.html, "<h1>Plan de cuidados de Ana \xE2\x80\x94 winter follow-ups</h1>");
    char *t1 = element(p.html, "<article class=\"card trip\" id=\"trip-2026-12-08\"", "</article>");
    assert_has(t1, "<h3>martes, 8 de diciembre de 2026</h3>");
    assert_has(t1, "Salir de casa antes de las 7:45");
    assert_has(t1, "<span class=\"time\">9:00</span>");
    assert_has(t1, "Motivo: Seizure follow-up");
    assert_has(t1, "En Ronald McDonald House hacia las 16:00");
    assert_has(t1, "Esta noche se quedan en Ronald McDonald House");
    free(t1);
    char *t2 = element(p.html, "<article class=\"card trip\" id=\"trip-2026-12-09\"", "</article>");
    assert_has(t2, "<h3>mi\xC3\xA9rcoles, 9 de diciembre de 2026</h3>");
    assert_has(t2, "Regreso a casa hacia las 13:30");
    free(t2);
    char *v = element(p.html, "<article class=\"card video\"", "</article>");
    assert_has(v, "<h3>martes, 15 de diciembre de 2026</h3>");
    assert_has(v, "14:30\xE2\x80\x93"
                  "15:00");
    assert_has(v, "Entrar a la videoconsulta");
    free(v);
    assert_has(p.html, "<h2 id=\"compare-h\">Antes y despu\xC3\xA9s</h2>");
    assert_has(p.html, "3 menos");
    assert_has(p.html, "Preparado el domingo, 29 de noviembre de 2026.");
    assert_lacks(p.html, " AM");
    assert_lacks(p.html, " PM");
    page_teardown(&p);
}

static void test_video_and_home(void **state)
{
    (void)state;
    struct page p;
    page_setup(&p, "en");
    char *v = element(p.html, "<article class=\"card video\"", "</article>");
    assert_has(v, "data-visit=\"pulm-video\"");
    assert_has(v, "<h3>Tuesday, December 15, 2026</h3>");
    assert_has(v, "<span class=\"time\">2:30 PM\xE2\x80\x93"
                  "3:00 PM</span> (30 min)");
    assert_has(v, "<strong>Dr. Rosa Vidal</strong> (Pulmonology)");
    assert_has(v, "What for: Breathing check");
    /* The link is escaped in the attribute and shown as text for print. */
    assert_has(v, "<a href=\"https://video.example.org/pulm?room=7&amp;lang=es\">Join the video "
                  "visit</a>");
    assert_has(v, "<span class=\"url\">https://video.example.org/pulm?room=7&amp;lang=es</span>");
    free(v);
    char *h = element(p.html, "<article class=\"card home\"", "</article>");
    assert_has(h, "<h3>Friday, December 18, 2026</h3>");
    assert_has(h, "Outpatient Lab (Laboratory) comes to your home");
    assert_has(h, "Home blood draw");
    assert_has(h, "Your home nurse should be there.");
    free(h);
    page_teardown(&p);
}

/* A clinic in another time zone shows its own local time, and says so. */
static void test_place_time_zone(void **state)
{
    (void)state;
    struct page p;
    page_setup(&p, "en");
    p.c.places[P_EYE].timezone = strdup("America/Chicago");
    assert_int_equal(cal_tz_open("America/Chicago", &p.c.places[P_EYE].tz, NULL), 0);
    render(&p);
    char *t2 = element(p.html, "<article class=\"card trip\" id=\"trip-2026-12-09\"", "</article>");
    /* Labelled in words, with the time at home (the family's phone shows the
     * latter). */
    assert_has(t2, "<span class=\"time\">8:30 AM Central time \xE2\x80\x94 9:30 AM at home</span>");
    assert_has(t2, "Arrive by 8:30 AM Central time \xE2\x80\x94 9:30 AM at home");
    assert_has(t2, "Times at Duke Eye Center are local there: Central time.");
    assert_lacks(t2, "America/Chicago");
    /* Leaving the lodging and coming home are in the family's zone. */
    assert_has(t2, "Leave Ronald McDonald House by 8:50 AM");
    assert_has(t2, "Back home about 1:30 PM");
    free(t2);
    char *t1 = element(p.html, "<article class=\"card trip\" id=\"trip-2026-12-08\"", "</article>");
    assert_lacks(t1, "local time there");
    free(t1);
    page_teardown(&p);
}

/* Without a purpose there is no "What for" line: the specialty is already
 * beside the name. */
static void test_no_purpose(void **state)
{
    (void)state;
    struct page p;
    page_setup(&p, "en");
    free(p.c.visits[V_EYE].purpose);
    p.c.visits[V_EYE].purpose = NULL;
    free(p.c.visits[V_PULM].purpose);
    p.c.visits[V_PULM].purpose = NULL;
    render(&p);
    char *t2 = element(p.html, "<article class=\"card trip\" id=\"trip-2026-12-09\"", "</article>");
    assert_has(t2, "(Ophthalmology)<br>45 min</li>");
    assert_lacks(t2, "What for");
    free(t2);
    char *v = element(p.html, "<article class=\"card video\"", "</article>");
    assert_lacks(v, "What for");
    free(v);
    page_teardown(&p);
}

/* The legend lists only the marks the calendar uses. */
static void test_legend_only_used(void **state)
{
    (void)state;
    struct page p;
    page_setup(&p, "en");
    p.plan->nappts = 4; /* drop the home visit (the last appointment) */
    p.plan->trips[0].overnight_after = false;
    render(&p);
    char *legend = element(p.html, "<ul class=\"legend\"", "</ul>");
    assert_has(legend, "Trip: you travel to a clinic");
    assert_has(legend, "Video visit from home");
    assert_lacks(legend, "Someone comes to your home");
    assert_lacks(legend, "Night away from home");
    free(legend);
    page_teardown(&p);
}

/* A link that is not http(s) is shown, never made a link. */
static void test_link_schemes(void **state)
{
    (void)state;
    struct page p;
    page_setup(&p, "en");
    free(p.c.providers[PR_PULM].mode[SCHED_TELEHEALTH].link);
    p.c.providers[PR_PULM].mode[SCHED_TELEHEALTH].link = strdup("javascript:alert(1)");
    render(&p);
    assert_lacks(p.html, "href=\"javascript");
    assert_has(p.html, "<p class=\"url\">javascript:alert(1)</p>");
    page_teardown(&p);
}

/* Before and after: trip days, in-person visits and time on the road beside
 * one-at-a-time booking. */
static void test_compare_strip(void **state)
{
    (void)state;
    struct page p;
    page_setup(&p, "en");
    char *s = element(p.html, "<section id=\"compare\"", "</section>");
    assert_has(s, "<th scope=\"col\">One at a time</th><th scope=\"col\">This plan</th>");
    char *trips = element(s, "<tr data-measure=\"trips\">", "</tr>");
    assert_has(trips, "<th scope=\"row\">Trip days</th><td class=\"before\">5</td>"
                      "<td class=\"after\">2 <span class=\"delta\">(3 fewer)</span></td>");
    char *inp = element(s, "<tr data-measure=\"in_person\">", "</tr>");
    assert_has(inp, "<td class=\"before\">5</td><td class=\"after\">3 <span "
                    "class=\"delta\">(2 fewer)</span>");
    char *road = element(s, "<tr data-measure=\"travel\">", "</tr>");
    assert_has(road, "<td class=\"before\">6 h 50 min</td><td class=\"after\">2 h 35 min <span "
                     "class=\"delta\">(4 h 15 min fewer)</span>");
    free(trips);
    free(inp);
    free(road);
    free(s);

    /* Without a baseline the strip shows the plan alone. */
    sched_plan_free(p.baseline);
    p.baseline = NULL;
    render(&p);
    s = element(p.html, "<section id=\"compare\"", "</section>");
    assert_lacks(s, "One at a time");
    assert_has(s, "<td class=\"after\">2</td>");
    free(s);
    page_teardown(&p);
}

/* The month view marks each kind of day with a symbol and a word. */
static void test_month_view(void **state)
{
    (void)state;
    struct page p;
    page_setup(&p, "en");
    assert_has(p.html, "<h3 id=\"month-2026-12\">December 2026</h3>");
    assert_has(p.html, "<h3 id=\"month-2027-01\">January 2027</h3>");
    /* en weeks start on Sunday. */
    assert_has(p.html, "<thead><tr><th scope=\"col\" abbr=\"Sunday\">Sun</th>");
    char *d8 = element(p.html, "<td data-date=\"2026-12-08\"", "</td>");
    assert_has(d8, "<span class=\"num\">8</span>");
    assert_has(d8, "mark-trip\"><span aria-hidden=\"true\">\xE2\x96\xB2</span> Trip</span>");
    assert_has(d8, "mark-night\"><span aria-hidden=\"true\">\xE2\x98\xBE</span> Night</span>");
    free(d8);
    char *d9 = element(p.html, "<td data-date=\"2026-12-09\"", "</td>");
    assert_has(d9, "Trip</span>");
    assert_lacks(d9, "Night");
    free(d9);
    char *d15 = element(p.html, "<td data-date=\"2026-12-15\"", "</td>");
    assert_has(d15, "\xE2\x97\x8F</span> Video</span>");
    free(d15);
    char *d18 = element(p.html, "<td data-date=\"2026-12-18\"", "</td>");
    assert_has(d18, "\xE2\x97\x86</span> Home</span>");
    free(d18);
    char *d10 = element(p.html, "<td data-date=\"2026-12-10\"", "</td>");
    assert_lacks(d10, "mark");
    free(d10);
    /* Every date of both months, once. */
    assert_int_equal(count(p.html, "<td data-date=\"2026-12-"), 31);
    assert_int_equal(count(p.html, "<td data-date=\"2027-01-"), 31);
    /* Dec 1 2026 is a Tuesday: two padding cells before it (Sun, Mon). */
    assert_has(p.html, "<tr><td class=\"pad\"></td><td class=\"pad\"></td><td "
                       "data-date=\"2026-12-01\"");
    /* Every mark carries a word after its symbol. */
    for (const char *m = strstr(p.html, "<span class=\"mark "); m;
         m = strstr(m + 1, "<span class=\"mark ")) {
        const char *sym_end = strstr(m, "</span> ");
        assert_non_null(sym_end);
        assert_true(isalpha((unsigned char)sym_end[8]));
    }
    /* The legend explains the marks in words. */
    assert_has(p.html, "Trip</span>Trip: you travel to a clinic</li>");
    page_teardown(&p);

    /* es weeks start on Monday. */
    page_setup(&p, "es");
    assert_has(p.html, "<thead><tr><th scope=\"col\" abbr=\"lunes\">lun</th>");
    assert_has(p.html, "<h3 id=\"month-2026-12\">diciembre de 2026</h3>");
    assert_has(p.html, "<tr><td class=\"pad\"></td><td data-date=\"2026-12-01\"");
    page_teardown(&p);
}

static void test_unscheduled(void **state)
{
    (void)state;
    struct page p;
    page_setup(&p, "en");
    char *u = element(p.html, "<article class=\"card unplaced\"", "</article>");
    assert_has(u, "data-visit=\"gi-fu\"");
    assert_has(u, "<h3>Dr. Ken Ito (Gastroenterology)</h3>");
    assert_has(u, "What for: Feeding tube check");
    assert_has(u, "The clinic has no open time for this visit in the weeks planned.");
    assert_has(u, "Call Dr. Ken Ito: <a href=\"tel:+19195550199\">+1 (919) 555-0199</a>");
    free(u);
    /* Without a phone number: the coordinator. */
    free(p.c.providers[PR_GI].phone);
    p.c.providers[PR_GI].phone = NULL;
    p.plan->unscheduled[0].code = SCHED_REASON_NURSE;
    render(&p);
    u = element(p.html, "<article class=\"card unplaced\"", "</article>");
    assert_has(u, "Ask your care coordinator to call Dr. Ken Ito.");
    assert_has(u, "not covered by home nursing");
    assert_lacks(u, "href");
    free(u);
    page_teardown(&p);

    page_setup(&p, "es");
    u = element(p.html, "<article class=\"card unplaced\"", "</article>");
    assert_has(u, "Llame a Dr. Ken Ito: <a href=\"tel:+19195550199\">");
    assert_has(u, "La cl\xC3\xADnica no tiene horas libres");
    free(u);
    page_teardown(&p);
}

/* Text from the case is escaped wherever it lands. */
static void test_escaping(void **state)
{
    (void)state;
    struct page p;
    page_setup(&p, "en");
    free(p.c.name);
    p.c.name = strdup("<script>alert(\"x\")</script> & 'Co'");
    free(p.c.places[P_CLINIC].address);
    p.c.places[P_CLINIC].address = strdup("1 <b>Main</b> St");
    free(p.c.visits[V_NEURO].purpose);
    p.c.visits[V_NEURO].purpose = strdup("check \"A\" & <B>");
    free(p.c.providers[PR_NEURO].name);
    p.c.providers[PR_NEURO].name = strdup("Dr. <i>Lee</i>");
    render(&p);
    assert_lacks(p.html, "<script");
    assert_lacks(p.html, "<b>");
    assert_lacks(p.html, "<i>");
    assert_lacks(p.html, "<B>");
    assert_has(p.html, "<h1>Care plan for &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; "
                       "&amp; &#39;Co&#39;</h1>");
    assert_has(p.html, "1 &lt;b&gt;Main&lt;/b&gt; St");
    assert_has(p.html, "check &quot;A&quot; &amp; &lt;B&gt;");
    assert_has(p.html, "<strong>Dr. &lt;i&gt;Lee&lt;/i&gt;</strong>");
    page_teardown(&p);
}

/* WCAG relative luminance of "#rrggbb". */
static double luminance(const char *hex)
{
    double ch[3];
    for (int i = 0; i < 3; i++) {
        char part[3] = {hex[1 + 2 * i], hex[2 + 2 * i], 0};
        double v = strtol(part, NULL, 16) / 255.0;
        ch[i] = v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}

static double contrast(const char *a, const char *b)
{
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* The colour of property prop ("color:#", "background:#") in a rule body, or
 * NULL. */
static const char *colour_in(const char *body, size_t len, const char *prop)
{
    size_t pl = strlen(prop);
    for (size_t i = 0; i + pl + 6 <= len; i++)
        if (!strncmp(body + i, prop, pl) && (i == 0 || body[i - 1] == '{' || body[i - 1] == ';'))
            return body + i + pl - 1;
    return NULL;
}

/* Every rule that sets a text colour keeps 4.5:1 against its own background,
 * or against the white page when it sets none. */
static void test_contrast(void **state)
{
    (void)state;
    struct page p;
    page_setup(&p, "en");
    const char *css = strstr(p.html, "<style>");
    const char *end = strstr(p.html, "</style>");
    int checked = 0;
    for (const char *r = strchr(css, '{'); r && r < end; r = strchr(r + 1, '{')) {
        const char *close = strchr(r, '}');
        const char *nested = strchr(r + 1, '{');
        if (nested && nested < close)
            continue; /* @media: its rules are visited one by one */
        size_t len = (size_t)(close - r);
        const char *fg = colour_in(r, len, "color:#");
        if (!fg)
            continue;
        const char *bg = colour_in(r, len, "background:#");
        char fgs[8], bgs[8];
        snprintf(fgs, sizeof fgs, "%.7s", fg);
        snprintf(bgs, sizeof bgs, "%.7s", bg ? bg : "#ffffff");
        double ratio = contrast(fgs, bgs);
        if (ratio < 4.5)
            fail_msg("%s on %s: %.2f:1", fgs, bgs, ratio);
        checked++;
    }
    assert_true(checked >= 10);
    page_teardown(&p);
}

/* ---------------------------------------------------------------------------
 * The catalogue.
 */

/* Both catalogues define every key the code uses, in their own language, and
 * nothing it never asks for (a typo would hide a missing key). */
static void test_catalogue_complete(void **state)
{
    (void)state;
    const char *langs[] = {"en", "es"};
    for (size_t l = 0; l < 2; l++) {
        i18n_catalog *cat = NULL;
        struct careday_error err = {0};
        assert_int_equal(i18n_open(langs[l], MESSAGES, &cat, &err), 0);
        assert_string_equal(i18n_lang(cat), langs[l]);
        for (size_t i = 0; i18n_required_keys[i]; i++)
            if (!i18n_get_own(cat, i18n_required_keys[i]))
                fail_msg("%s lacks %s", langs[l], i18n_required_keys[i]);
        for (size_t k = 0; k < i18n_count_own(cat); k++) {
            const char *key = i18n_key_at(cat, k);
            bool known = strncmp(key, "zone.", 5) == 0; /* optional zone names */
            for (size_t i = 0; i18n_required_keys[i] && !known; i++)
                known = !strcmp(key, i18n_required_keys[i]);
            if (!known)
                fail_msg("%s: unknown key %s", langs[l], key);
        }
        i18n_free(cat);
    }
}

static void test_catalogue_format(void **state)
{
    (void)state;
    i18n_catalog *en = NULL, *es = NULL, *mx = NULL, *fr = NULL;
    struct careday_error err = {0};
    assert_int_equal(i18n_open("en", MESSAGES, &en, &err), 0);
    assert_int_equal(i18n_open("es", MESSAGES, &es, &err), 0);
    assert_int_equal(i18n_open("es-MX", MESSAGES, &mx, &err), 0);
    assert_int_equal(i18n_open("fr", MESSAGES, &fr, &err), 0);
    assert_string_equal(i18n_lang(es), "es");
    assert_string_equal(i18n_lang(mx), "es");
    assert_string_equal(i18n_lang(fr), "en");

    char buf[128];
    int32_t d = cal_days_from_civil(2026, 12, 8);
    i18n_date_long(en, d, buf, sizeof buf);
    assert_string_equal(buf, "Tuesday, December 8, 2026");
    i18n_date_long(es, d, buf, sizeof buf);
    assert_string_equal(buf, "martes, 8 de diciembre de 2026");
    i18n_time(en, 14 * 60 + 30, buf, sizeof buf);
    assert_string_equal(buf, "2:30 PM");
    i18n_time(en, 0, buf, sizeof buf);
    assert_string_equal(buf, "12:00 AM");
    i18n_time(en, 12 * 60 + 5, buf, sizeof buf);
    assert_string_equal(buf, "12:05 PM");
    i18n_time(es, 14 * 60 + 30, buf, sizeof buf);
    assert_string_equal(buf, "14:30");
    i18n_time(es, 7 * 60 + 5, buf, sizeof buf);
    assert_string_equal(buf, "7:05");
    i18n_duration(en, 135, buf, sizeof buf);
    assert_string_equal(buf, "2 h 15 min");
    i18n_duration(en, 45, buf, sizeof buf);
    assert_string_equal(buf, "45 min");
    i18n_duration(en, 120, buf, sizeof buf);
    assert_string_equal(buf, "2 h");
    i18n_month_title(es, 2027, 1, buf, sizeof buf);
    assert_string_equal(buf, "enero de 2027");

    struct cal_buf b = {0};
    struct i18n_arg args[] = {{"a", "x"}, {"ab", "y"}};
    i18n_buf_add_template(&b, "{{literal}} {a}{ab}{missing}!", args, 2);
    assert_string_equal(b.s, "{literal} xy!");
    cal_buf_free(&b);
    /* A key neither catalogue has shows itself. */
    char *s = i18n_format(es, "no.such.key", NULL, 0);
    assert_string_equal(s, "no.such.key");
    free(s);

    i18n_free(en);
    i18n_free(es);
    i18n_free(mx);
    i18n_free(fr);

    /* A language code can never name a file elsewhere. */
    i18n_catalog *bad = NULL;
    assert_int_equal(i18n_open("../en", MESSAGES, &bad, &err), ADAPT_EINPUT);
    assert_null(bad);
    assert_non_null(strstr(err.text, "language code"));
}

/* Compile po text with msgfmt into DIR/en/LC_MESSAGES/careday.mo. */
static void write_mo(const char *dir, const char *po_text)
{
    char path[512], cmd[1200];
    snprintf(path, sizeof path, "%s/en/LC_MESSAGES", dir);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/en.po", dir);
    write_text(path, po_text);
    snprintf(cmd, sizeof cmd, "msgfmt -o '%s/en/LC_MESSAGES/careday.mo' '%s'", dir, path);
    assert_int_equal(system(cmd), 0);
    unlink(path);
}

static void test_catalogue_errors(void **state)
{
    (void)state;
    char dir[256];
    assert_int_equal(tmp_dir_make(dir, sizeof dir, "messages"), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/en/LC_MESSAGES/careday.mo", dir);
    i18n_catalog *cat = NULL;
    struct careday_error err = {0};

    /* English must hold every key. */
    write_mo(dir, "msgctxt \"month.1\"\nmsgid \"January\"\nmsgstr \"January\"\n");
    assert_int_equal(i18n_open("en", dir, &cat, &err), ADAPT_EINPUT);
    assert_string_equal(err.path, "month.2");
    assert_non_null(strstr(err.text, "lacks"));

    /* Not a gettext file at all. */
    FILE *f = fopen(path, "w");
    fputs("{\"month.1\": \"January\"}", f);
    fclose(f);
    assert_int_equal(i18n_open("en", dir, &cat, &err), ADAPT_EINPUT);
    assert_non_null(strstr(err.text, "gettext"));
    assert_non_null(strstr(err.file, "careday.mo"));

    /* A truncated one: string tables point outside the file. */
    char good[512];
    snprintf(good, sizeof good, "%s/en/LC_MESSAGES/careday.mo", MESSAGES);
    FILE *in = fopen(good, "rb");
    assert_non_null(in);
    char head[64];
    assert_int_equal(fread(head, 1, sizeof head, in), sizeof head);
    fclose(in);
    f = fopen(path, "wb");
    fwrite(head, 1, sizeof head, f);
    fclose(f);
    assert_int_equal(i18n_open("en", dir, &cat, &err), ADAPT_EINPUT);
    assert_non_null(strstr(err.text, "outside the file"));

    /* The page is not written without a catalogue. */
    unlink(path);
    struct page p;
    page_setup(&p, "en");
    p.o.messages_dir = dir;
    char out[512];
    snprintf(out, sizeof out, "%s/out", dir);
    assert_int_equal(out_write_itinerary(out, &p.c, p.plan, p.baseline, &p.o, &err), ADAPT_EINPUT);
    assert_non_null(strstr(err.text, "careday.mo"));
    snprintf(path, sizeof path, "%s/out/itinerary.html", dir);
    assert_int_equal(access(path, F_OK), -1);
    page_teardown(&p);
    assert_int_equal(tmp_dir_remove(dir), 0);
    assert_null(cat);
}

/* `test_itinerary --write DIR LANG` writes the fixture's page into DIR for
 * the end-to-end browser test (tests/e2e/test_itinerary_chromium.sh). */
static int write_fixture(const char *dir, const char *lang)
{
    struct sched_case c;
    build_case(&c, lang);
    struct sched_plan *plan = build_plan(&c), *base = build_baseline();
    struct out_options o = {.now = 1796000000, .messages_dir = MESSAGES};
    struct careday_error err = {0};
    int rc = out_write_itinerary(dir, &c, plan, base, &o, &err);
    if (rc)
        fprintf(stderr, "out_write_itinerary: %s\n", err.text);
    sched_plan_free(plan);
    sched_plan_free(base);
    sched_case_free(&c);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--write"))
        return write_fixture(argv[2], argv[3]);

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_self_contained),     cmocka_unit_test(test_headings),
        cmocka_unit_test(test_trip_cards_en),      cmocka_unit_test(test_trip_cards_es),
        cmocka_unit_test(test_video_and_home),     cmocka_unit_test(test_place_time_zone),
        cmocka_unit_test(test_no_purpose),         cmocka_unit_test(test_legend_only_used),
        cmocka_unit_test(test_link_schemes),       cmocka_unit_test(test_compare_strip),
        cmocka_unit_test(test_month_view),         cmocka_unit_test(test_unscheduled),
        cmocka_unit_test(test_escaping),           cmocka_unit_test(test_contrast),
        cmocka_unit_test(test_catalogue_complete), cmocka_unit_test(test_catalogue_format),
        cmocka_unit_test(test_catalogue_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
