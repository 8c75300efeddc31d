/*
 * The generator's families: where they live, their calendars, the visits
 * they need and an appointment they may already have.
 */
#include "adapters/gen/gen_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Families.
 */

void gen_family_free(struct family *f)
{
    cal_set_free(&f->busy);
    cal_set_free(&f->nursing);
    gen_ics_free(&f->busy_ics);
    gen_ics_free(&f->nursing_ics);
}

/* Add a busy interval to the family and its calendar. */
static int family_busy(struct family *f, const struct world *w, int32_t day, int from, int to,
                       const char *summary, int *n)
{
    cal_time s = gen_local_time(w, f->zone, day, from), e = gen_local_time(w, f->zone, day, to);
    gen_ics_event(&f->busy_ics, f->id, (*n)++, s, e, summary);
    return cal_set_add(&f->busy, s, e);
}

/* Where the family lives: a point from which 2-3 clinics (with --places P,
 * at least P) are 40-250 minutes away and back; with out_of_state, one of
 * them lies in the other time zone. */
static void family_home(struct family *f, const struct world *w, bool out_of_state)
{
    int need = w->knobs.places > 2 ? w->knobs.places : 2;
    for (int tries = 0; tries < 100000; tries++) {
        double lat = gen_rng_range(&f->r, 34.55, 35.55);
        double lon = out_of_state ? gen_rng_range(&f->r, -86.25, -85.15)
                                  : gen_rng_range(&f->r, -85.6, -84.4);
        int zone = lon < -85.6 ? TZ_CENTRAL : TZ_EASTERN;
        int n = 0, other = 0;
        bool ok[NPLACES] = {false};
        int rt[NPLACES] = {0}, leg[NPLACES] = {0};
        for (int c = 0; c < w->nclinics; c++) {
            int p = gen_clinics[c];
            leg[p] = gen_drive_minutes(lat, lon, gen_places[p].lat, gen_places[p].lon);
            rt[p] = 2 * leg[p] + TRAVEL_PARK;
            ok[p] = rt[p] >= 40 && rt[p] <= 250 && (out_of_state || gen_places[p].zone == zone);
            if (ok[p]) {
                n++;
                other += gen_places[p].zone != zone;
            }
        }
        if (!ok[PL_CHATTANOOGA] || n < need || (out_of_state && other == 0))
            continue;
        f->lat = round(lat * 1000) / 1000;
        f->lon = round(lon * 1000) / 1000;
        f->zone = zone;
        /* Recompute at the rounded point, as the reader will. */
        for (int c = 0; c < w->nclinics; c++) {
            int p = gen_clinics[c];
            f->leg[p] = gen_drive_minutes(f->lat, f->lon, gen_places[p].lat, gen_places[p].lon);
            f->round_trip[p] = 2 * f->leg[p] + TRAVEL_PARK;
            f->place_ok[p] = ok[p];
        }
        return;
    }
    /* Not reached with the regions above; fall back to a point near the
     * main hospital. */
    f->lat = 35.2;
    f->lon = -85.0;
    f->zone = TZ_EASTERN;
    for (int c = 0; c < w->nclinics; c++) {
        int p = gen_clinics[c];
        f->leg[p] = gen_drive_minutes(f->lat, f->lon, gen_places[p].lat, gen_places[p].lon);
        f->round_trip[p] = 2 * f->leg[p] + TRAVEL_PARK;
        f->place_ok[p] = gen_places[p].zone == TZ_EASTERN;
    }
}

static int family_calendars(struct family *f, const struct world *w)
{
    static const char *const oneoff[] = {"Sibling's school event", "Equipment delivery",
                                         "Parent's own appointment", "Pharmacy and supply pickup",
                                         "Wheelchair repair"};
    int n = 0, day_off = -1, k;
    bool mornings = gen_rng_chance(&f->r, 0.30);
    char cal[96];

    snprintf(cal, sizeof cal, "%s family calendar", f->child);
    gen_ics_begin(&f->busy_ics, w, cal);
    if (gen_rng_chance(&f->r, 0.60))
        day_off = gen_rng_int(&f->r, 0, 4);
    for (int32_t day = w->h0; day <= w->h1; day++) {
        int wd = cal_weekday(day);
        int rc = 0;
        if (wd == day_off)
            rc = family_busy(f, w, day, 6 * 60, 21 * 60, "Parent at work", &n);
        else if (wd < 5 && mornings)
            rc = family_busy(f, w, day, 6 * 60, 12 * 60 + 30, "Mornings: parent at work", &n);
        if (rc)
            return -1;
    }
    k = gen_rng_int(&f->r, 2, 5);
    while (k-- > 0) {
        int32_t day = w->h0 + gen_rng_int(&f->r, 0, w->h1 - w->h0);
        int from = 8 * 60 + 30 * gen_rng_int(&f->r, 0, 16);
        int len = 60 * gen_rng_int(&f->r, 1, 3);
        if (family_busy(f, w, day, from, from + len,
                        oneoff[gen_rng_int(&f->r, 0, (int)(sizeof oneoff / sizeof oneoff[0]) - 1)],
                        &n))
            return -1;
    }

    /* Home nursing: 3-5 weekdays a week; day shifts long enough to ride
     * along for a family whose child cannot travel without a nurse. */
    {
        int days[5] = {0, 1, 2, 3, 4}, nd = gen_rng_int(&f->r, 3, 5);
        bool on[5] = {false};
        int from = f->travel_nurse ? 6 * 60 : 8 * 60, to = f->travel_nurse ? 20 * 60 : 16 * 60;
        int m = 0;
        gen_rng_shuffle(&f->r, days, 5);
        for (k = 0; k < nd; k++)
            on[days[k]] = true;
        snprintf(cal, sizeof cal, "Home nursing for %s", f->child);
        gen_ics_begin(&f->nursing_ics, w, cal);
        for (int32_t day = w->h0; day <= w->h1; day++) {
            int wd = cal_weekday(day);
            if (wd > 4 || !on[wd] || gen_rng_chance(&f->r, 0.10))
                continue;
            cal_time s = gen_local_time(w, f->zone, day, from),
                     e = gen_local_time(w, f->zone, day, to);
            char uid[48];
            snprintf(uid, sizeof uid, "%s-nursing", f->id);
            gen_ics_event(&f->nursing_ics, uid, m++, s, e, "Home nursing shift (RN)");
            if (cal_set_add(&f->nursing, s, e))
                return -1;
        }
    }
    return f->busy_ics.failed || f->nursing_ics.failed ? -1 : 0;
}

/* Starts on the 15-minute grid in [d0, d1] where a visit of the given
 * length could happen in mode m with provider pr, as far as this family's
 * own time goes (other visits aside). Fills up to cap starts into out. */
static int scan_starts(const struct world *w, const struct family *f, const struct gprov *pr,
                       unsigned m, int minutes, bool needs_nurse, int32_t d0, int32_t d1,
                       cal_time *out, int cap)
{
    const struct cal_set *avail = m == MODE_IN_PERSON    ? &pr->free
                                  : m == MODE_TELEHEALTH ? &pr->video_free
                                                         : &pr->home_free;
    int leg_in = 0, leg_out = 0, count = 0;

    if (m == MODE_IN_PERSON) {
        leg_in = f->leg[pr->place] + TRAVEL_PARK;
        leg_out = f->leg[pr->place];
    }
    for (int32_t day = d0; day <= d1; day++) {
        cal_time day_s = gen_local_time(w, f->zone, day, f->earliest_departure);
        cal_time day_e = gen_local_time(w, f->zone, day, f->latest_return);
        for (int min = f->earliest_departure; min + minutes <= f->latest_return; min += GEN_SLOT) {
            cal_time s = gen_local_time(w, f->zone, day, min);
            cal_time e = s + 60 * (cal_time)minutes;
            cal_time as = s - 60 * (cal_time)leg_in, ae = e + 60 * (cal_time)leg_out;
            if (as < day_s || ae > day_e || !cal_set_covers(avail, s, e) ||
                cal_set_overlaps(&f->busy, as, ae))
                continue;
            if (needs_nurse && !cal_set_covers(&f->nursing, as, ae))
                continue;
            if (out && count < cap)
                out[count] = s;
            count++;
        }
    }
    return count;
}

static int visit_starts(const struct world *w, const struct family *f, const struct gvisit *v)
{
    const struct gprov *pr = &w->provs[v->prov];
    int n = 0;
    if (v->modes & MODE_IN_PERSON)
        n += scan_starts(w, f, pr, MODE_IN_PERSON, v->minutes, f->travel_nurse, v->earliest,
                         v->latest, NULL, 0);
    if (v->modes & MODE_TELEHEALTH)
        n += scan_starts(w, f, pr, MODE_TELEHEALTH, v->minutes, v->tele_nurse, v->earliest,
                         v->latest, NULL, 0);
    if (v->modes & MODE_HOME)
        n += scan_starts(w, f, pr, MODE_HOME, v->minutes, v->home_nurse, v->earliest, v->latest,
                         NULL, 0);
    return n;
}

/* A provider of the specialty at a place this family reaches; prefer
 * `place` when it is one (-1: any). */
static int pick_provider(const struct world *w, struct family *f, int spec, int place)
{
    int cand[8], n = 0;
    for (int k = 0; k < w->nby_spec[spec]; k++) {
        int pi = w->by_spec[spec][k];
        if (f->place_ok[w->provs[pi].place] && (place < 0 || w->provs[pi].place == place))
            cand[n++] = pi;
    }
    if (n == 0)
        return place >= 0 ? pick_provider(w, f, spec, -1) : -1;
    return cand[gen_rng_int(&f->r, 0, n - 1)];
}

static void clamp_window(const struct world *w, struct gvisit *v)
{
    if (v->earliest < w->h0)
        v->earliest = w->h0;
    if (v->latest > w->h1)
        v->latest = w->h1;
    if (v->latest < v->earliest)
        v->latest = v->earliest;
}

static struct gvisit *add_visit(struct family *f, const struct world *w, int spec, int prov,
                                const char *suffix)
{
    struct gvisit *v = &f->visits[f->nvisits++];
    const struct gspec *sp = &gen_specs[spec];
    memset(v, 0, sizeof *v);
    snprintf(v->id, sizeof v->id, "%s-%s", sp->key, suffix);
    v->spec = spec;
    v->prov = prov;
    v->minutes = sp->durations[gen_rng_int(&f->r, 0, sp->ndur - 1)];
    v->modes = MODE_IN_PERSON;
    v->prefer = MODE_IN_PERSON;
    v->before = -1;
    v->before_max = -1;
    v->repeat_of = -1;
    v->purpose = sp->purpose[gen_rng_int(&f->r, 0, 1)];
    {
        double u = gen_rng_unit(&f->r);
        int span = w->h1 - w->h0;
        int len = gen_rng_int(&f->r, 14, 28);
        v->priority = u < 0.05 ? "urgent" : u < 0.25 ? "soon" : "routine";
        if (v->priority[0] == 'u')
            len = gen_rng_int(&f->r, 10, 14);
        if (len > span)
            len = span;
        v->earliest = v->priority[0] == 'u' ? w->h0 : w->h0 + gen_rng_int(&f->r, 0, span - len);
        v->latest = v->earliest + len;
    }
    return v;
}

/* Widen a window until the visit has a few possible starts (at most three
 * times); returns the count. */
static int make_reachable(const struct world *w, const struct family *f, struct gvisit *v)
{
    int n = visit_starts(w, f, v);
    for (int k = 0; k < 3 && n < 4; k++) {
        v->earliest -= 7;
        v->latest += 7;
        clamp_window(w, v);
        n = visit_starts(w, f, v);
    }
    return n;
}

/* How many visits each place holds (count, by place); returns the number of
 * places used. */
static int places_used(const struct family *f, const struct world *w, int *count)
{
    int n = 0;
    memset(count, 0, NPLACES * sizeof(int));
    for (int i = 0; i < f->nvisits; i++)
        if (count[w->provs[f->visits[i].prov].place]++ == 0)
            n++;
    return n;
}

/* The provider of specialty spec at place, -1 none. */
static int provider_at(const struct world *w, int spec, int place)
{
    for (int k = 0; k < w->nby_spec[spec]; k++)
        if (w->provs[w->by_spec[spec][k]].place == place)
            return w->by_spec[spec][k];
    return -1;
}

/* --places P: move visits between the clinics the family reaches until it
 * uses P of them, as far as the specialties allow: to an unused clinic from
 * one that keeps other visits, or out of the least used clinic. */
static void spread_places(struct family *f, const struct world *w, int want)
{
    int count[NPLACES];
    for (int guard = 0; guard < 4 * GEN_MAX_VISITS && places_used(f, w, count) < want; guard++) {
        bool moved = false;
        for (int c = 0; c < w->nclinics && !moved; c++) {
            int q = gen_clinics[c];
            if (count[q] || !f->place_ok[q])
                continue;
            for (int i = f->nvisits - 1; i >= 0 && !moved; i--) {
                struct gvisit *v = &f->visits[i];
                int pi = provider_at(w, v->spec, q);
                if (count[w->provs[v->prov].place] >= 2 && pi >= 0) {
                    v->prov = pi;
                    moved = true;
                }
            }
        }
        if (!moved)
            break;
    }
    for (int guard = 0; guard < GEN_MAX_CLINICS && places_used(f, w, count) > want; guard++) {
        int q = -1;
        for (int c = 0; c < w->nclinics; c++) {
            int p = gen_clinics[c];
            if (count[p] && (q < 0 || count[p] < count[q]))
                q = p;
        }
        bool all = true;
        for (int i = 0; i < f->nvisits; i++) {
            struct gvisit *v = &f->visits[i];
            if (w->provs[v->prov].place != q)
                continue;
            int to = -1;
            for (int c = 0; c < w->nclinics && to < 0; c++) {
                int r = gen_clinics[c];
                if (r != q && count[r] && f->place_ok[r])
                    to = provider_at(w, v->spec, r);
            }
            if (to >= 0)
                v->prov = to;
            else
                all = false;
        }
        if (!all)
            break;
    }
}

/* Long on purpose: its phases (marked by comments) run in order on the family's one random
 * stream, and the generated files depend on that order; each phase is short. */
static int family_visits(struct family *f, const struct world *w)
{
    int avail[NSPECS], navail = 0, chosen[NSPECS], nchosen, target, nlabs, k;
    int specialists[GEN_MAX_VISITS], nspecialists = 0;

    for (int s = 0; s < NSPECS; s++) {
        if (s != SP_LAB && s != SP_CC && pick_provider(w, f, s, -1) >= 0)
            avail[navail++] = s;
    }
    gen_rng_shuffle(&f->r, avail, navail);
    /* The lab and complex care (the medical home) always; 4-8 others. */
    nchosen = 0;
    chosen[nchosen++] = SP_CC;
    k = gen_rng_int(&f->r, 4, 8);
    target = gen_rng_int(&f->r, 8, GEN_DEFAULT_MAX_VISITS);
    nlabs = gen_rng_int(&f->r, 1, 3);
    if (w->knobs.visits > 0) {
        /* A larger case: more specialties (about one per four visits, at
         * least 4) and lab draws (one per six visits), so series stay short. */
        target = w->knobs.visits;
        k = target / 4 > 4 ? target / 4 : 4;
        nlabs = target / 6 > nlabs ? target / 6 : nlabs;
    }
    if (k > navail)
        k = navail;
    for (int i = 0; i < k; i++)
        chosen[nchosen++] = avail[i];
    /* Without --visits a series has at most three visits; with it, as many
     * as the target needs. */
    int max_series = w->knobs.visits > 0 ? GEN_MAX_VISITS : 3;
    int max_tries = w->knobs.visits > 0 ? 20 + 8 * target : 20;

    /* One visit per specialty, at a clinic the family reaches. */
    int prov_of[NSPECS];
    for (int i = 0; i < nchosen; i++) {
        int s = chosen[i];
        prov_of[s] = pick_provider(w, f, s, -1);
        add_visit(f, w, s, prov_of[s], "visit");
        specialists[nspecialists++] = f->nvisits - 1;
    }
    /* Repeats (therapy, nutrition, complex care, neurology) at least five
     * days apart, until the target leaves room for the lab draws. */
    for (int tries = 0; f->nvisits + nlabs < target && tries < max_tries; tries++) {
        static const int rep[] = {SP_PT, SP_PT, SP_NUTR, SP_CC, SP_NEURO, SP_DEVPED};
        int s = rep[gen_rng_int(&f->r, 0, 5)], first = -1, last = -1, n = 0;
        for (int i = 0; i < f->nvisits; i++) {
            if (f->visits[i].spec == s) {
                if (first < 0)
                    first = i;
                last = i;
                n++;
            }
        }
        if (first < 0 || n >= max_series)
            continue;
        /* With --visits, a series never piles up at the horizon's end. */
        if (w->knobs.visits > 0 && f->visits[last].earliest + 7 > w->h1 - 7)
            continue;
        char suffix[24];
        snprintf(suffix, sizeof suffix, "visit-%d", n + 1);
        struct gvisit *v = add_visit(f, w, s, prov_of[s], suffix);
        struct gvisit *p = &f->visits[last];
        v->minutes = p->minutes;
        v->purpose = p->purpose;
        v->priority = "routine";
        v->repeat_of = first;
        v->earliest = p->earliest + 7;
        v->latest = p->latest + (w->knobs.visits > 0 ? 14 : 7); /* --visits: more room */
        if (v->earliest > w->h1 - 7) {
            int shift = v->earliest - (w->h1 - 7);
            v->earliest -= shift;
            v->latest -= shift;
        }
        clamp_window(w, v);
        p->before = f->nvisits - 1;
        p->before_min = 5 * 1440;
        p->before_max = -1;
        specialists[nspecialists++] = f->nvisits - 1;
    }

    /* Lab draws 1-7 days before a specialist who reads them; 40 % may be
     * drawn at home, half of those only with the nurse there (a central
     * line). */
    {
        int order[GEN_MAX_VISITS];
        int n = 0;
        for (int i = 0; i < nspecialists; i++) {
            int s = f->visits[specialists[i]].spec;
            if (s != SP_PT && s != SP_ORTHO && f->visits[specialists[i]].repeat_of < 0)
                order[n++] = specialists[i];
        }
        gen_rng_shuffle(&f->r, order, n);
        for (int i = 0; i < nlabs && i < n; i++) {
            struct gvisit *sv = &f->visits[order[i]];
            int place = w->provs[sv->prov].place;
            char suffix[16];
            snprintf(suffix, sizeof suffix, "draw-%d", i + 1);
            /* Mostly at the lab of the specialist's clinic. */
            int lp = pick_provider(w, f, SP_LAB, gen_rng_chance(&f->r, 0.7) ? place : -1);
            struct gvisit *v = add_visit(f, w, SP_LAB, lp, suffix);
            v->priority = sv->priority;
            v->earliest = sv->earliest - 7;
            v->latest = sv->latest - 1;
            clamp_window(w, v);
            v->before = (int)(sv - f->visits);
            v->before_min = 1440;
            v->before_max = 7 * 1440;
            if (w->provs[lp].home && f->round_trip[w->provs[lp].place] <= 180 &&
                gen_rng_chance(&f->r, 0.4)) {
                v->modes |= MODE_HOME;
                v->home_nurse = gen_rng_chance(&f->r, 0.5);
                if (gen_rng_chance(&f->r, 0.5))
                    v->prefer = MODE_HOME;
            }
        }
    }

    /* Video and home options: 30-40 % of visits may be done by video. */
    {
        int nvis = f->nvisits;
        int want = (int)lround(gen_rng_range(&f->r, 0.30, 0.40) * nvis);
        int order[GEN_MAX_VISITS + 4], n = f->nvisits;
        for (int i = 0; i < n; i++)
            order[i] = i;
        gen_rng_shuffle(&f->r, order, n);
        for (int i = 0; i < n && want > 0; i++) {
            struct gvisit *v = &f->visits[order[i]];
            const struct gspec *sp = &gen_specs[v->spec];
            if (!sp->video)
                continue;
            v->modes |= MODE_TELEHEALTH;
            v->tele_nurse = gen_rng_chance(&f->r, sp->video_nurse);
            if (gen_rng_chance(&f->r, 0.3))
                v->prefer = MODE_TELEHEALTH;
            want--;
        }
        for (int i = 0; i < n; i++) {
            struct gvisit *v = &f->visits[i];
            const struct gprov *pr = &w->provs[v->prov];
            if (v->spec != SP_LAB && pr->home && f->round_trip[pr->place] <= 180 &&
                gen_rng_chance(&f->r, 0.3)) {
                v->modes |= MODE_HOME;
                v->home_nurse = gen_rng_chance(&f->r, 0.3);
            }
        }
    }

    /* Two or three clinics per family: when every visit landed at one,
     * move a single visit (lab draws first) to another clinic it reaches
     * that also has the specialty. */
    {
        int p0 = w->provs[f->visits[0].prov].place;
        bool one = true;
        for (int i = 1; i < f->nvisits; i++)
            one = one && w->provs[f->visits[i].prov].place == p0;
        for (int i = f->nvisits - 1; one && i >= 0; i--) {
            struct gvisit *v = &f->visits[i];
            int same = 0;
            for (int j = 0; j < f->nvisits; j++)
                same += f->visits[j].spec == v->spec;
            if (same > 1 && v->spec != SP_LAB)
                continue;
            for (int k = 0; one && k < w->nby_spec[v->spec]; k++) {
                int pi = w->by_spec[v->spec][k];
                if (w->provs[pi].place != p0 && f->place_ok[w->provs[pi].place]) {
                    v->prov = pi;
                    one = false;
                }
            }
        }
    }

    if (w->knobs.places > 0)
        spread_places(f, w, w->knobs.places);

    /* Every visit should have a few possible starts on its own: widen the
     * window, then drop the video/home conditions, then the visit. */
    for (int i = 0; i < f->nvisits; i++) {
        struct gvisit *v = &f->visits[i];
        if (make_reachable(w, f, v) >= 4)
            continue;
        v->tele_nurse = v->home_nurse = false;
        if (make_reachable(w, f, v) >= 1)
            continue;
        v->dropped = true;
    }
    return 0;
}

/* An appointment the family already has: a fixed in-person visit with one
 * of its providers at a time that suits both. Taken out of that provider's
 * free time so later families do not land on it. */
static void family_booking(struct family *f, struct world *w)
{
    cal_time starts[512];
    int n, pick = -1;

    if (f->travel_nurse || !gen_rng_chance(&f->r, 0.30))
        return;
    for (int tries = 0; tries < 10 && pick < 0; tries++) {
        const struct gvisit *v = &f->visits[gen_rng_int(&f->r, 0, f->nvisits - 1)];
        if (v->dropped || v->spec == SP_LAB)
            continue;
        n = scan_starts(w, f, &w->provs[v->prov], MODE_IN_PERSON, 30, false, w->h0 + 7, w->h1 - 7,
                        starts, 512);
        if (n <= 0)
            continue;
        if (n > 512)
            n = 512;
        pick = gen_rng_int(&f->r, 0, n - 1);
        f->has_booking = true;
        f->booking_prov = v->prov;
        f->booking_start = starts[pick];
        f->booking_minutes = 30;
        f->booking_purpose = v->spec == SP_ORTHO ? "Cast check" : "Scheduled follow-up";
        struct cal_set cut = {0};
        if (cal_set_add(&cut, f->booking_start, f->booking_start + 60 * 30) == 0)
            cal_set_remove_set(&w->provs[v->prov].free, &cut);
        cal_set_free(&cut);
    }
}

int gen_family_make(struct family *f, struct world *w, int index)
{
    struct rng *r = &f->r;
    bool oos;

    memset(f, 0, sizeof *f);
    f->index = index;
    snprintf(f->id, sizeof f->id, "family-%03d", index + 1);
    f->r = gen_rng_stream(w->seed, 100 + (uint64_t)index);
    oos = gen_rng_chance(r, 0.30);
    /* Three to five clinics in reach (one of them Huntsville, in the other
     * time zone) exist only west of Chattanooga. */
    family_home(f, w, oos || w->knobs.places >= NCLINICS);
    f->child = gen_child_names[gen_rng_int(
        r, 0, (int)(sizeof gen_child_names / sizeof gen_child_names[0]) - 1)];
    f->language = gen_rng_chance(r, 0.25) ? "es" : "en";
    f->earliest_departure = 6 * 60 + 30 * gen_rng_int(r, 1, 3);
    f->latest_return = 18 * 60 + 30 * gen_rng_int(r, 1, 4);
    f->max_visits = gen_rng_int(r, 3, 4);
    f->max_clinic = gen_rng_chance(r, 0.5) ? 240 : 300;
    f->min_gap = gen_rng_chance(r, 0.5) ? 10 : 15;
    f->travel_nurse = gen_rng_chance(r, 0.10);
    f->max_nights = gen_rng_int(r, 1, 2);
    if (family_calendars(f, w))
        return -1;
    if (family_visits(f, w))
        return -1;

    /* Overnight stays near the far hospital when a round trip is long. */
    f->lodging = -1;
    {
        int far = -1;
        for (int i = 0; i < f->nvisits; i++) {
            int p = w->provs[f->visits[i].prov].place;
            if (!f->visits[i].dropped && gen_lodging_near[p] >= 0 && f->round_trip[p] >= 150 &&
                (far < 0 || f->round_trip[p] > f->round_trip[far]))
                far = p;
        }
        if (far >= 0) {
            f->overnight = true;
            f->lodging = gen_lodging_near[far];
        }
    }
    family_booking(f, w);
    return 0;
}
