/*
 * A batch's own outputs (docs/batch.md): OUT/caseload-plan.json, the totals
 * and one entry per family, plus what the program's report needs (provider
 * load per week, visits by mode per provider, unscheduled visits); and
 * OUT/report.html, rendered from that document alone so that `careday batch
 * --merge` can render it again from the parts it merges. Offline and
 * printable: no script, no external file, the chart is inline SVG.
 */
#include "adapters/adapters.h"
#include "adapters/json_file.h"
#include "adapters/output/outputs.h"
#include "calendars/util.h"

#include "adapters/output/json_tree.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const metric_keys[] = {"trips",       "in_person",      "telehealth",
                                          "home",        "travel_minutes", "overnights",
                                          "unscheduled", "days_with_care"};
#define NMETRICS (sizeof metric_keys / sizeof metric_keys[0])

static json_t *metrics_obj(const struct sched_metrics *m)
{
    return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "trips", m->trips, "in_person",
                     m->in_person, "telehealth", m->telehealth, "home", m->home, "travel_minutes",
                     m->travel_minutes, "overnights", m->overnights, "unscheduled", m->unscheduled,
                     "days_with_care", m->days_with_care);
}

static long long geti(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static double getn(const json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

static const char *gets(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* Add every metric of `add` into `sum` (both metric objects). */
static void metrics_add(json_t *sum, const json_t *add)
{
    for (size_t i = 0; i < NMETRICS; i++)
        json_object_set_new(sum, metric_keys[i],
                            json_integer(geti(sum, metric_keys[i]) + geti(add, metric_keys[i])));
}

static json_t *metrics_zero(void)
{
    struct sched_metrics z = {0};
    return metrics_obj(&z);
}

/* The Monday of the week of a local day, as YYYY-MM-DD. */
static void week_of(int32_t day, char *buf, size_t size)
{
    int wd = (int)(((day + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday; Monday = 0 */
    cal_format_date(day - wd, buf, size);
}

/* providers: {id: {...}} built up appointment by appointment. */
static json_t *provider_entry(json_t *providers, const struct sched_case *c, int p)
{
    const struct sched_provider *pr = &c->providers[p];
    json_t *e = json_object_get(providers, pr->id);
    if (e)
        return e;
    e = json_pack("{s:s, s:s, s:s, s:i, s:{s:i, s:i, s:i}, s:{s:i, s:i, s:i}, s:{}}", "id", pr->id,
                  "name", sched_provider_name(pr), "specialty", pr->specialty ? pr->specialty : "",
                  "capacity", pr->capacity > 0 ? pr->capacity : 1, "appointments", "in_person", 0,
                  "telehealth", 0, "home", 0, "baseline", "in_person", 0, "telehealth", 0, "home",
                  0, "weeks");
    if (e)
        json_object_set_new(providers, pr->id, e);
    return e;
}

static void count_plan(json_t *providers, const struct sched_case *c, const struct sched_plan *p,
                       bool baseline)
{
    for (size_t i = 0; i < p->nappts; i++) {
        const struct sched_appt *a = &p->appts[i];
        json_t *e = provider_entry(providers, c, c->visits[a->visit].provider);
        if (!e)
            continue;
        json_t *by = json_object_get(e, baseline ? "baseline" : "appointments");
        const char *mode = sched_mode_name(a->mode);
        json_object_set_new(by, mode, json_integer(geti(by, mode) + 1));
        int32_t day;
        int minute;
        cal_tz_to_local(c->tz, a->start, &day, &minute);
        char wk[16];
        week_of(day, wk, sizeof wk);
        json_t *weeks = json_object_get(e, "weeks");
        json_t *w = json_object_get(weeks, wk);
        if (!w) {
            w = json_pack("{s:s, s:i, s:i}", "week", wk, "minutes", 0, "baseline_minutes", 0);
            json_object_set_new(weeks, wk, w);
        }
        const char *k = baseline ? "baseline_minutes" : "minutes";
        json_object_set_new(w, k, json_integer(geti(w, k) + (a->end - a->start) / 60));
    }
}

/* {id: {..., weeks: {wk: {...}}}} -> [{..., weeks: [...]}] sorted by id and week. */
static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *sorted_values(json_t *obj)
{
    size_t n = json_object_size(obj), k = 0;
    const char **keys = cal_malloc((n ? n : 1) * sizeof *keys);
    json_t *arr = json_array();
    const char *key;
    json_t *v;
    if (!keys || !arr) {
        free(keys);
        json_decref(arr);
        return NULL;
    }
    json_object_foreach(obj, key, v) keys[k++] = key;
    qsort(keys, n, sizeof *keys, cmp_key);
    for (k = 0; k < n; k++)
        json_array_append(arr, json_object_get(obj, keys[k]));
    free(keys);
    return arr;
}

static json_t *providers_array(json_t *providers)
{
    const char *key;
    json_t *e;
    json_object_foreach(providers, key, e)
    {
        json_t *weeks = sorted_values(json_object_get(e, "weeks"));
        if (weeks)
            json_object_set_new(e, "weeks", weeks);
    }
    return sorted_values(providers);
}

static json_t *unscheduled_arr(const struct sched_case *c, const struct sched_plan *p)
{
    json_t *arr = json_array();
    struct out_options none = {0};
    for (size_t i = 0; arr && i < p->nunscheduled; i++) {
        const struct sched_unscheduled *u = &p->unscheduled[i];
        const struct sched_visit *v = &c->visits[u->visit];
        char *reason = NULL;
        /* Without a catalogue the stable code stands in for the sentence. */
        if (out_reason_text(c, u, &none, &reason, NULL) != 0)
            reason = NULL;
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "visit", v->id, "provider",
                                             c->providers[v->provider].id, "code",
                                             out_reason_code(u->code), "reason",
                                             reason ? reason : out_reason_code(u->code)));
        free(reason);
    }
    return arr;
}

/* ---------------------------------------------------------------------------
 * report.html
 */

/* The page being built, with the string builder of calendars/util.h. */
struct html {
    struct cal_buf b;
};

static void put(struct html *h, const char *s, size_t len)
{
    cal_buf_addn(&h->b, s, len);
}

static void raw(struct html *h, const char *s)
{
    put(h, s, strlen(s));
}

static void esc(struct html *h, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            raw(h, "&lt;");
            break;
        case '>':
            raw(h, "&gt;");
            break;
        case '&':
            raw(h, "&amp;");
            break;
        case '"':
            raw(h, "&quot;");
            break;
        default:
            put(h, s, 1);
        }
    }
}

static void fmt(struct html *h, const char *f, ...) __attribute__((format(printf, 2, 3)));
static void fmt(struct html *h, const char *f, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, f);
    int n = vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    if (n > 0)
        put(h, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static const char style[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em;"
    "color:#222;max-width:1100px}h1{font-size:1.5em;margin-bottom:.2em}"
    "h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc;padding-bottom:.2em}"
    ".sub{color:#555;margin-top:0}table{border-collapse:collapse;margin:.5em 0;font-size:.92em}"
    "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}"
    "th:first-child,td:first-child{text-align:left}th{background:#f2f2f2}"
    ".cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ccc;border-radius:6px;"
    "padding:.6em 1em;min-width:9em}.card b{display:block;font-size:1.6em}"
    ".good{color:#16683a}.note{color:#555;font-size:.9em}svg text{font-family:inherit}"
    "td.l{text-align:left}@media print{body{margin:0}h2{break-after:avoid}"
    "table,svg{break-inside:avoid}}";

static void card(struct html *h, const char *label, long long plan, long long base)
{
    long long saved = base - plan;
    fmt(h, "<div class=\"card\">%s<b>%lld</b>", label, plan);
    if (saved > 0)
        fmt(h, "<span class=\"good\">%lld fewer than one-at-a-time (%lld)</span>", saved, base);
    else
        fmt(h, "<span>one-at-a-time: %lld</span>", base);
    raw(h, "</div>");
}

/* Provider load per week: a grid, one row per provider, one column per
 * week, each cell shaded by the hours booked through careday, the hours
 * written in it. */
static void load_chart(struct html *h, const json_t *providers)
{
    /* The weeks seen anywhere, sorted. */
    json_t *set = json_object();
    size_t i, j;
    json_t *p;
    double maxh = 0;
    json_array_foreach(providers, i, p)
    {
        json_t *w;
        json_array_foreach(json_object_get(p, "weeks"), j, w)
        {
            json_object_set_new(set, gets(w, "week"), json_true());
            double hrs = (double)geti(w, "minutes") / 60.0 / (double)geti(p, "capacity");
            if (hrs > maxh)
                maxh = hrs;
        }
    }
    json_t *weeks = json_array();
    {
        size_t n = json_object_size(set), k = 0;
        const char **keys = cal_malloc((n ? n : 1) * sizeof *keys);
        const char *key;
        json_t *v;
        if (keys) {
            json_object_foreach(set, key, v) keys[k++] = key;
            qsort(keys, n, sizeof *keys, cmp_key);
            for (k = 0; k < n; k++)
                json_array_append_new(weeks, json_string(keys[k]));
            free(keys);
        }
    }
    size_t nw = json_array_size(weeks), np = json_array_size(providers);
    int left = 150, top = 40, cw = nw > 12 ? 54 : 70, ch = 20;
    int width = left + (int)nw * cw + 10, height = top + (int)np * ch + 30;
    fmt(h,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
        "%d\" role=\"img\" aria-label=\"Hours booked per provider per week\">",
        width, height, width, height);
    json_t *wk;
    json_array_foreach(weeks, j, wk)
    {
        fmt(h,
            "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>"
            "<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"middle\" "
            "fill=\"#666\">week of</text>",
            left + (int)j * cw + cw / 2, top - 8, json_string_value(wk) + 5,
            left + (int)j * cw + cw / 2, top - 20);
    }
    json_array_foreach(providers, i, p)
    {
        int y = top + (int)i * ch;
        raw(h, "<text x=\"4\" font-size=\"11\" ");
        fmt(h, "y=\"%d\">", y + 14);
        esc(h, gets(p, "id"));
        raw(h, "</text>");
        json_array_foreach(weeks, j, wk)
        {
            const json_t *cell = NULL, *w;
            size_t k;
            json_array_foreach(json_object_get(p, "weeks"), k,
                               w) if (strcmp(gets(w, "week"), json_string_value(wk)) == 0) cell = w;
            double hrs = cell ? (double)geti(cell, "minutes") / 60.0 : 0;
            double share = maxh > 0 ? hrs / (double)geti(p, "capacity") / maxh : 0;
            int shade = 255 - (int)lround(share * 180);
            fmt(h,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,255)\" "
                "stroke=\"#fff\"/>",
                left + (int)j * cw, y, cw, ch, shade, shade);
            if (hrs > 0)
                fmt(h,
                    "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\" "
                    "fill=\"%s\">%.1f h</text>",
                    left + (int)j * cw + cw / 2, y + 14, share > 0.6 ? "#fff" : "#222", hrs);
        }
    }
    fmt(h,
        "<text x=\"4\" y=\"%d\" font-size=\"10\" fill=\"#555\">Hours booked through careday per "
        "week (darker: closer to the busiest provider-week, per unit of capacity)</text>",
        height - 8);
    raw(h, "</svg>");
    json_decref(weeks);
    json_decref(set);
}

static int cmp_affected(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;
    double dx = getn(x, "objective") - getn(x, "bound");
    double dy = getn(y, "objective") - getn(y, "bound");
    if (dx != dy)
        return dx > dy ? -1 : 1;
    return (int)(geti(x, "index") - geti(y, "index"));
}

/* Long on purpose: writes the page top to bottom, in the order it is read. */
static char *render_report(const json_t *doc)
{
    struct html h = {0};
    const json_t *m = json_object_get(doc, "metrics"), *b = json_object_get(doc, "baseline");
    const json_t *fams = json_object_get(doc, "families"),
                 *provs = json_object_get(doc, "providers");
    size_t i;
    json_t *f, *p;
    raw(&h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width\"><title>Caseload plan: ");
    esc(&h, gets(doc, "name"));
    fmt(&h, "</title><style>%s</style></head><body>\n<h1>Caseload plan: ", style);
    esc(&h, gets(doc, "name"));
    fmt(&h,
        "</h1><p class=\"sub\">%zu families &middot; status %s &middot; objective %.0f, lower "
        "bound %.0f, gap %.2f%% &middot; provider capacity conflicts: %lld</p>\n",
        json_array_size(fams), gets(doc, "status"), getn(doc, "objective"), getn(doc, "bound"),
        100.0 * getn(doc, "gap"), geti(doc, "conflicts"));

    raw(&h, "<h2>Saved against one-at-a-time booking</h2><div class=\"cards\">");
    card(&h, "Trip days", geti(m, "trips"), geti(b, "trips"));
    card(&h, "In-person contacts", geti(m, "in_person"), geti(b, "in_person"));
    card(&h, "Hours driven", geti(m, "travel_minutes") / 60, geti(b, "travel_minutes") / 60);
    card(&h, "Visits not scheduled", geti(m, "unscheduled"), geti(b, "unscheduled"));
    raw(&h, "</div><p class=\"note\">One-at-a-time booking: families in caseload order, each "
            "visit booked at the earliest open time, as scheduling desks do today.</p>\n");
    raw(&h, "<table><tr><th>All families</th><th>careday</th><th>one-at-a-time</th></tr>");
    for (size_t k = 0; k < NMETRICS; k++)
        fmt(&h, "<tr><td>%s</td><td>%lld</td><td>%lld</td></tr>", metric_keys[k],
            geti(m, metric_keys[k]), geti(b, metric_keys[k]));
    raw(&h, "</table>\n");

    raw(&h, "<h2>Visits by mode, per provider</h2><table><tr><th>Provider</th><th>Capacity</th>"
            "<th>In person</th><th>Telehealth</th><th>Home</th><th>Moved out of the clinic"
            "</th></tr>");
    json_array_foreach(provs, i, p)
    {
        const json_t *a = json_object_get(p, "appointments"), *ab = json_object_get(p, "baseline");
        long long moved =
            geti(a, "telehealth") + geti(a, "home") - geti(ab, "telehealth") - geti(ab, "home");
        raw(&h, "<tr><td>");
        esc(&h, gets(p, "id"));
        raw(&h, " &middot; ");
        esc(&h, gets(p, "specialty"));
        fmt(&h,
            "</td><td>%lld</td><td>%lld (was %lld)</td><td>%lld (was %lld)</td><td>%lld (was "
            "%lld)</td><td>%lld</td></tr>",
            geti(p, "capacity"), geti(a, "in_person"), geti(ab, "in_person"), geti(a, "telehealth"),
            geti(ab, "telehealth"), geti(a, "home"), geti(ab, "home"), moved > 0 ? moved : 0);
    }
    raw(&h, "</table>\n<h2>Provider load per week</h2>");
    load_chart(&h, provs);

    raw(&h, "\n<h2>Visits not scheduled</h2>");
    size_t nun = 0;
    json_array_foreach(fams, i, f) nun += json_array_size(json_object_get(f, "unscheduled"));
    if (nun == 0) {
        raw(&h, "<p>Every visit of every family is scheduled.</p>");
    } else {
        raw(&h, "<table><tr><th>Family</th><th>Visit</th><th>Provider</th><th>Why</th></tr>");
        json_array_foreach(fams, i, f)
        {
            size_t k;
            json_t *u;
            json_array_foreach(json_object_get(f, "unscheduled"), k, u)
            {
                raw(&h, "<tr><td>");
                esc(&h, gets(f, "id"));
                raw(&h, "</td><td class=\"l\">");
                esc(&h, gets(u, "visit"));
                raw(&h, "</td><td class=\"l\">");
                esc(&h, gets(u, "provider"));
                raw(&h, "</td><td class=\"l\">");
                esc(&h, gets(u, "reason"));
                raw(&h, "</td></tr>");
            }
        }
        raw(&h, "</table>");
    }

    raw(&h, "\n<h2>Families most affected by shared capacity</h2><p class=\"note\">Above their "
            "own best plan (each family planned alone, as if it had the providers to itself); the "
            "objective counts 100&nbsp;000 per visit left out, 600 per trip day plus its minutes "
            "driven, 120 per in-person contact.</p>");
    size_t nf = json_array_size(fams), shown = 0;
    const json_t **order = cal_malloc((nf ? nf : 1) * sizeof *order);
    if (order) {
        json_array_foreach(fams, i, f) order[i] = f;
        qsort(order, nf, sizeof *order, cmp_affected);
        raw(&h, "<table><tr><th>Family</th><th>Above its own best</th><th>Trip days</th>"
                "<th>In person</th><th>Not scheduled</th><th>Status</th></tr>");
        for (i = 0; i < nf && shown < 15; i++) {
            const json_t *x = order[i], *xm = json_object_get(x, "metrics");
            double d = getn(x, "objective") - getn(x, "bound");
            if (d < 0.5)
                break;
            shown++;
            raw(&h, "<tr><td>");
            esc(&h, gets(x, "id"));
            fmt(&h, "</td><td>%.0f</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%s</td></tr>", d,
                geti(xm, "trips"), geti(xm, "in_person"), geti(xm, "unscheduled"),
                gets(x, "status"));
        }
        raw(&h, "</table>");
        if (shown == 0)
            raw(&h, "<p>None: every family has its own best plan.</p>");
        free(order);
    }
    raw(&h, "\n</body></html>\n");
    if (h.b.oom) {
        cal_buf_free(&h.b);
        return NULL;
    }
    return h.b.s;
}

/* ---------------------------------------------------------------------------
 * Writing and merging.
 */

static int write_doc(const char *dir, json_t *doc, struct careday_error *err)
{
    char path[4200];
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    char *html = render_report(doc);
    int rc;
    if (!text || !html) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    snprintf(path, sizeof path, "%s/report.html", dir);
    rc = adapt_write_atomic(path, html, strlen(html), err);
    if (rc)
        goto done;
    size_t n = strlen(text);
    text[n] = '\n';
    snprintf(path, sizeof path, "%s/caseload-plan.json", dir);
    rc = adapt_write_atomic(path, text, n + 1, err);
done:
    free(text);
    free(html);
    return rc;
}

static double gap_of(double obj, double bound)
{
    return (obj - bound) / fmax(1.0, fabs(obj));
}

int out_write_caseload(const char *dir, const struct out_batch *ob, struct careday_error *err)
{
    json_t *doc = json_object(), *fams = json_array(), *providers = json_object();
    json_t *tm = metrics_zero(), *tb = metrics_zero();
    int rc;
    if (!doc || !fams || !providers || !tm || !tb) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < ob->n; i++) {
        const struct out_batch_family *f = &ob->fam[i];
        json_t *fm = metrics_obj(&f->plan->metrics), *fb = metrics_obj(&f->baseline->metrics);
        metrics_add(tm, fm);
        metrics_add(tb, fb);
        json_array_append_new(
            fams, json_pack("{s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "case", f->listed,
                            "index", (json_int_t)f->index, "id", f->c->id, "plan", f->plan_path,
                            "status", sched_status_name(f->plan->status), "objective",
                            tree_number(f->plan->objective), "bound", tree_number(f->plan->bound),
                            "metrics", fm, "baseline", fb, "unscheduled",
                            unscheduled_arr(f->c, f->plan)));
        count_plan(providers, f->c, f->plan, false);
        count_plan(providers, f->c, f->baseline, true);
    }
    json_object_set_new(doc, "careday", json_integer(1));
    json_object_set_new(doc, "caseload", json_string(ob->caseload));
    json_object_set_new(doc, "name", json_string(ob->name ? ob->name : ""));
    json_object_set_new(doc, "status", json_string(sched_status_name(ob->status)));
    json_object_set_new(doc, "objective", tree_number(ob->objective));
    json_object_set_new(doc, "bound", tree_number(ob->bound));
    json_object_set_new(doc, "gap", tree_number(gap_of(ob->objective, ob->bound)));
    json_object_set_new(doc, "solve_ms", json_integer(ob->solve_ms));
    json_object_set_new(doc, "conflicts", json_integer((json_int_t)ob->conflicts));
    json_object_set_new(doc, "metrics", tm);
    json_object_set_new(doc, "baseline", tb);
    tm = tb = NULL;
    json_object_set_new(
        doc, "search",
        json_pack(
            "{s:I, s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:o, s:I}, s:{s:I, s:I, "
            "s:o, s:I}, s:b, s:I, s:I}",
            "seed", (json_int_t)ob->seed, "jobs", ob->jobs, "component", ob->component, "load_ms",
            (json_int_t)ob->load_ms, "first_plan_ms", (json_int_t)ob->first_plan_ms, "construct_ms",
            (json_int_t)ob->construct_ms, "rounds", (json_int_t)ob->rounds, "moves",
            (json_int_t)ob->moves, "accepted", (json_int_t)ob->accepted, "master", "solves",
            (json_int_t)ob->masters, "improved", (json_int_t)ob->master_improved, "gain",
            tree_number(ob->master_gain), "ms", (json_int_t)ob->master_ms, "repair", "moves",
            (json_int_t)ob->repairs, "accepted", (json_int_t)ob->repairs_accepted, "gain",
            tree_number(ob->repair_gain), "ms", (json_int_t)ob->repair_ms, "stopped_by_time",
            ob->stopped_by_time, "drop_solves", (json_int_t)ob->drop_solves, "drop_ms",
            (json_int_t)ob->drop_ms));
    json_object_set_new(doc, "families", fams);
    fams = NULL;
    json_object_set_new(doc, "providers", providers_array(providers));
    if (ob->uid_key)
        json_object_set_new(doc, "uid_key", json_string(ob->uid_key));
    rc = write_doc(dir, doc, err);
done:
    json_decref(doc);
    json_decref(fams);
    json_decref(providers);
    json_decref(tm);
    json_decref(tb);
    return rc;
}

static int cmp_index(const void *a, const void *b)
{
    long long x = geti(*(const json_t *const *)a, "index");
    long long y = geti(*(const json_t *const *)b, "index");
    return (x > y) - (x < y);
}

static const char *status_worst(const char *a, const char *b)
{
    static const char *const order[] = {"optimal", "feasible", "partial"};
    int ia = 0, ib = 0;
    for (int k = 0; k < 3; k++) {
        if (strcmp(a, order[k]) == 0)
            ia = k;
        if (strcmp(b, order[k]) == 0)
            ib = k;
    }
    return order[ia > ib ? ia : ib];
}

int out_merge_caseloads(const char *dir, const char *const *paths, size_t n,
                        struct careday_error *err)
{
    json_t **docs = cal_calloc(n ? n : 1, sizeof *docs);
    json_t *out = NULL, *provs = json_object(), *allf = json_array();
    int rc = 0;
    if (!docs || !provs || !allf) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const char *what = "a caseload-plan.json written by careday batch";
        if ((rc = adapt_json_file(paths[i], what, &docs[i], err)) != 0)
            goto done;
        if (!json_is_array(json_object_get(docs[i], "families")) ||
            !json_is_object(json_object_get(docs[i], "metrics"))) {
            rc = careday_fail(err, ADAPT_EINPUT, paths[i], 0, NULL, "expected %s", what);
            goto done;
        }
        if (i > 0 && strcmp(gets(docs[i], "caseload"), gets(docs[0], "caseload")) != 0) {
            rc = careday_fail(err, ADAPT_EINPUT, paths[i], 0, "caseload",
                              "planned from \"%s\", but %s was planned from \"%s\"; merge parts "
                              "of one caseload",
                              gets(docs[i], "caseload"), paths[0], gets(docs[0], "caseload"));
            goto done;
        }
    }
    out = json_deep_copy(docs[0]);
    if (!out) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    json_t *tm = metrics_zero(), *tb = metrics_zero();
    double obj = 0, bound = 0;
    long long ms = 0, conflicts = 0;
    const char *status = "optimal";
    for (size_t i = 0; i < n; i++) {
        size_t k;
        json_t *f, *p;
        metrics_add(tm, json_object_get(docs[i], "metrics"));
        metrics_add(tb, json_object_get(docs[i], "baseline"));
        obj += getn(docs[i], "objective");
        bound += getn(docs[i], "bound");
        ms = geti(docs[i], "solve_ms") > ms ? geti(docs[i], "solve_ms") : ms;
        conflicts += geti(docs[i], "conflicts");
        status = status_worst(status, gets(docs[i], "status"));
        json_array_foreach(json_object_get(docs[i], "families"), k, f)
        {
            for (size_t j = 0; j < json_array_size(allf); j++)
                if (geti(json_array_get(allf, j), "index") == geti(f, "index")) {
                    rc = careday_fail(err, ADAPT_EINPUT, paths[i], 0, NULL,
                                      "family %s (cases[%lld]) is also in an earlier part; merge "
                                      "each component once",
                                      gets(f, "id"), geti(f, "index"));
                    json_decref(tm);
                    json_decref(tb);
                    goto done;
                }
            json_array_append(allf, f);
        }
        json_array_foreach(json_object_get(docs[i], "providers"), k, p)
            json_object_set(provs, gets(p, "id"), p);
    }
    size_t nf = json_array_size(allf);
    json_t **fs = cal_malloc((nf ? nf : 1) * sizeof *fs);
    json_t *sorted = json_array();
    if (!fs || !sorted) {
        free(fs);
        json_decref(sorted);
        json_decref(tm);
        json_decref(tb);
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t j = 0; j < nf; j++)
        fs[j] = json_array_get(allf, j);
    qsort(fs, nf, sizeof *fs, cmp_index);
    for (size_t j = 0; j < nf; j++)
        json_array_append(sorted, fs[j]);
    free(fs);
    json_object_set_new(out, "status", json_string(status));
    json_object_set_new(out, "objective", tree_number(obj));
    json_object_set_new(out, "bound", tree_number(bound));
    json_object_set_new(out, "gap", tree_number(gap_of(obj, bound)));
    json_object_set_new(out, "solve_ms", json_integer(ms));
    json_object_set_new(out, "conflicts", json_integer(conflicts));
    json_object_set_new(out, "metrics", tm);
    json_object_set_new(out, "baseline", tb);
    json_object_set_new(out, "families", sorted);
    json_object_set_new(out, "providers", sorted_values(provs));
    json_object_set_new(out, "search", json_pack("{s:i}", "parts", (int)n));
    rc = write_doc(dir, out, err);
done:
    for (size_t i = 0; docs && i < n; i++)
        json_decref(docs[i]);
    free(docs);
    json_decref(out);
    json_decref(provs);
    json_decref(allf);
    return rc;
}
