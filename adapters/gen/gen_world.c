/*
 * The generator's world: random numbers, the places and specialties of the
 * region, and the providers with their clinic sessions and booked time.
 */
#include "adapters/gen/gen_internal.h"
#include "calendars/util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Deterministic random numbers: splitmix64, one stream per purpose.
 */

static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

struct rng gen_rng_stream(uint64_t seed, uint64_t stream)
{
    struct rng r = {seed ^ (stream * 0xd1b54a32d192ed03ULL)};
    rng_next(&r);
    return r;
}

/* Uniform in [lo, hi]. */
int gen_rng_int(struct rng *r, int lo, int hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

double gen_rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

double gen_rng_range(struct rng *r, double lo, double hi)
{
    return lo + (hi - lo) * gen_rng_unit(r);
}

bool gen_rng_chance(struct rng *r, double p)
{
    return gen_rng_unit(r) < p;
}

void gen_rng_shuffle(struct rng *r, int *a, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = gen_rng_int(r, 0, i);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

/* ---------------------------------------------------------------------------
 * A growing text buffer.
 */

/* ---------------------------------------------------------------------------
 * A list of intervals kept apart (calendar events; a cal_set would merge
 * back-to-back appointments into one).
 */

static int ivlist_add(struct ivlist *l, cal_time s, cal_time e)
{
    if (cal_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v) != 0)
        return -1;
    l->v[l->n].start = s;
    l->v[l->n].end = e;
    l->n++;
    return 0;
}

/* ---------------------------------------------------------------------------
 * The world: places, specialties, providers.
 */

const char *const gen_zone_names[NZONES] = {"America/New_York", "America/Chicago"};

const struct gplace gen_places[NPLACES] = {
    {"chattanooga", "Chattanooga", "Lookout Valley Children's Hospital",
     "910 Blackford St, Chattanooga TN", 35.0496, -85.2935, TZ_EASTERN, false},
    {"cleveland", "Cleveland", "Children's Specialty Clinic Cleveland",
     "2305 Chambliss Ave NW, Cleveland TN", 35.1858, -84.8896, TZ_EASTERN, false},
    {"huntsville", "Huntsville", "Tennessee Valley Children's Center",
     "1001 Gallatin St SW, Huntsville AL", 34.7215, -86.5797, TZ_CENTRAL, false},
    {"rmh-chattanooga", "Chattanooga", "Ronald McDonald House Chattanooga",
     "940 E 3rd St, Chattanooga TN", 35.0532, -85.2957, TZ_EASTERN, true},
    {"rmh-huntsville", "Huntsville", "Ronald McDonald House Huntsville",
     "1017 Old Monrovia Rd, Huntsville AL", 34.7262, -86.5810, TZ_CENTRAL, true},
    {"dalton", "Dalton", "Children's Specialty Clinic Dalton", "1200 Memorial Dr, Dalton GA",
     34.7887, -84.9706, TZ_EASTERN, false},
    {"fort-payne", "Fort Payne", "Children's Outreach Clinic Fort Payne",
     "200 Medical Center Dr, Fort Payne AL", 34.4443, -85.7197, TZ_CENTRAL, false},
};

const int gen_clinics[GEN_MAX_CLINICS] = {PL_CHATTANOOGA, PL_CLEVELAND, PL_HUNTSVILLE, PL_DALTON,
                                          PL_FORT_PAYNE};

/* The lodging near each clinic, -1 none. */
const int gen_lodging_near[NPLACES] = {PL_RMH_CHATTANOOGA, -1, PL_RMH_HUNTSVILLE, -1, -1, -1, -1};

/* clang-format off */
const struct gspec gen_specs[NSPECS] = {
    {"neuro", "Neurology", "Neurology clinic",
     {PL_CHATTANOOGA, PL_HUNTSVILLE, PL_CHATTANOOGA}, {30, 45, 60}, 3, true, false, 0.5,
     {"Seizure follow-up", "EEG results and medication review"}},
    {"pulm", "Pulmonology", "Pulmonology clinic",
     {PL_CHATTANOOGA, PL_HUNTSVILLE, PL_CHATTANOOGA}, {45, 60, 45}, 2, true, false, 1.0,
     {"Tracheostomy and ventilator review", "Pulmonary follow-up"}},
    {"gi", "Gastroenterology", "GI clinic",
     {PL_CHATTANOOGA, PL_CHATTANOOGA, PL_HUNTSVILLE}, {30, 45, 30}, 2, true, false, 0.2,
     {"G-tube and feeding review", "Reflux follow-up"}},
    {"cardio", "Cardiology", "Cardiology clinic",
     {PL_HUNTSVILLE, PL_CHATTANOOGA, PL_CHATTANOOGA}, {30, 45, 60}, 3, true, false, 0.2,
     {"Cardiology follow-up with echo", "Heart rhythm review"}},
    {"ortho", "Orthopedics", "Orthopedic clinic",
     {PL_CHATTANOOGA, PL_HUNTSVILLE, PL_CHATTANOOGA}, {30, 45, 30}, 2, false, false, 0.0,
     {"Hip and spine check", "Brace fitting"}},
    {"devped", "Developmental pediatrics", "Developmental pediatrics clinic",
     {PL_CLEVELAND, PL_CHATTANOOGA, PL_CHATTANOOGA}, {60, 90, 60}, 2, true, true, 0.2,
     {"Developmental assessment", "Feeding and behavior follow-up"}},
    {"pt", "Physical therapy", "Physical therapy",
     {PL_CLEVELAND, PL_CHATTANOOGA, PL_HUNTSVILLE}, {45, 60, 45}, 2, false, true, 0.0,
     {"Physical therapy session", "Equipment and seating check"}},
    {"nutr", "Nutrition", "Nutrition clinic",
     {PL_CLEVELAND, PL_CHATTANOOGA, PL_HUNTSVILLE}, {30, 45, 30}, 2, true, true, 0.1,
     {"Growth and formula plan", "Tube-feeding plan review"}},
    {"lab", "Laboratory", "Outpatient lab",
     {PL_CHATTANOOGA, PL_CLEVELAND, PL_HUNTSVILLE}, {15, 20, 15}, 2, false, true, 0.0,
     {"Blood draw", "Blood draw"}},
    {"cc", "Complex care", "Complex care clinic",
     {PL_CHATTANOOGA, PL_CHATTANOOGA, PL_CLEVELAND}, {45, 60, 45}, 2, true, true, 0.3,
     {"Shared plan of care review", "Complex care follow-up"}},
};
/* clang-format on */

static const char *const first_names[] = {
    "Maya",  "James", "Priya",  "Daniel", "Elena", "Samuel", "Grace", "Omar",  "Rachel",
    "David", "Laura", "Tobias", "Nadia",  "Peter", "Hannah", "Luis",  "Irene", "Kwame",
    "Sarah", "Chen",  "Teresa", "Victor", "Amina", "Robert", "Julia", "Marco", "Fatima",
};
static const char *const last_names[] = {
    "Lee",     "Okafor", "Patel",  "Nguyen",  "Garcia", "Brooks",    "Haddad", "Moreno",
    "Kim",     "Foster", "Ivanov", "Mensah",  "Rossi",  "Tanaka",    "Walsh",  "Castillo",
    "Schmidt", "Reyes",  "Bauer",  "Adeyemi", "Novak",  "Lindqvist", "Duarte", "Whitaker",
};
const char *const gen_child_names[] = {
    "Ana",      "Mateo",   "Liam",  "Sofia", "Noah",   "Amara", "Elijah", "Grace",
    "Jayden",   "Camila",  "Owen",  "Zoe",   "Isaiah", "Lucia", "Caleb",  "Maya",
    "Ezra",     "Aaliyah", "Leo",   "Nora",  "Diego",  "Ava",   "Malik",  "Ruby",
    "Santiago", "Ivy",     "Jonah", "Esme",  "Kai",    "Layla",
};

/* ---------------------------------------------------------------------------
 * Time helpers.
 */

cal_time gen_local_time(const struct world *w, int zone, int32_t day, int minute)
{
    return cal_tz_local_to_utc(w->tz[zone], day, minute);
}

void gen_date_text(int32_t day, char *buf, size_t size)
{
    cal_format_date(day, buf, size);
}

void gen_hhmm_text(int minute, char *buf, size_t size)
{
    unsigned m = minute < 0 ? 0u : (unsigned)minute; /* minutes of a day: 0..1440 */
    snprintf(buf, size, "%02u:%02u", m / 60 % 100, m % 60);
}

static const char *const day_codes[7] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

/* ---------------------------------------------------------------------------
 * Travel, the same way the case reader computes it.
 */

int gen_drive_minutes(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = M_PI / 180.0;
    double p1 = lat1 * rad, p2 = lat2 * rad;
    double dp = (lat2 - lat1) * rad, dl = (lon2 - lon1) * rad;
    double h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
    double km = 2 * 6371.0 * asin(fmin(1.0, sqrt(h)));
    return (int)lround(km * TRAVEL_DETOUR / TRAVEL_SPEED * 60.0);
}

/* ---------------------------------------------------------------------------
 * Building the world.
 */

/* Split [s, e) into blocks of the given lengths; each is booked with
 * probability p (into the set, and as one event into the list if any). */
static int book_blocks(struct rng *r, cal_time s, cal_time e, const int *lens, int nlens, double p,
                       struct cal_set *booked, struct ivlist *events)
{
    cal_time t = s;
    while (t < e) {
        cal_time len = 60 * (cal_time)lens[gen_rng_int(r, 0, nlens - 1)];
        if (t + len > e)
            len = e - t;
        if (gen_rng_chance(r, p)) {
            if (cal_set_add(booked, t, t + len) || (events && ivlist_add(events, t, t + len)))
                return -1;
        }
        t += len;
    }
    return 0;
}

/* Long on purpose: the provider's weekly pattern and every day of the horizon draw from one
 * random stream in a fixed order, which the generated files depend on. */
static int make_provider(struct world *w, struct gprov *pr, struct rng *r)
{
    static const int clinic_blocks[] = {30, 45, 60};
    static const int lab_blocks[] = {15, 30};
    static const int video_blocks[] = {30, 60};
    static const int home_blocks[] = {60, 90};
    const struct gspec *sp = &gen_specs[pr->spec];
    int zone = gen_places[pr->place].zone;
    bool pattern[5][2] = {{false}};
    int nsess, d, k;
    double p_clinic = gen_rng_range(r, 0.40, 0.70);
    double p_video = gen_rng_range(r, 0.30, 0.60);
    double p_home = gen_rng_range(r, 0.30, 0.60);
    struct cal_set video_sessions = {0}, video_booked = {0}, home_hours = {0};
    int rc = -1;

    if (pr->spec == SP_LAB) {
        pr->hours_clinic = true;
        pr->capacity = 2;
        p_clinic = gen_rng_range(r, 0.40, 0.55);
    } else {
        int slots[10];
        for (k = 0; k < 10; k++)
            slots[k] = k;
        gen_rng_shuffle(r, slots, 10);
        nsess = gen_rng_int(r, 5, 7);
        for (k = 0; k < nsess; k++)
            pattern[slots[k] / 2][slots[k] % 2] = true;
    }
    /* Telehealth: 1-2 half days a week; home visits: 1-2 days a week,
     * preferring days without clinic sessions. */
    bool vpat[5][2] = {{false}};
    if (sp->video) {
        int nv = gen_rng_int(r, 1, 2), tries = 0;
        while (nv > 0 && tries++ < 50) {
            int dd = gen_rng_int(r, 0, 4), hh = gen_rng_int(r, 0, 1);
            if (!pattern[dd][hh] && !vpat[dd][hh]) {
                vpat[dd][hh] = true;
                nv--;
            }
        }
        pr->video = true;
    }
    if (sp->home) {
        int nh = gen_rng_int(r, 1, 2), tries = 0;
        bool hday[5] = {false};
        pr->home = true;
        if (pr->spec == SP_LAB) {
            pr->home_from = 8 * 60;
            pr->home_to = 12 * 60;
        } else {
            pr->home_from = 9 * 60;
            pr->home_to = 15 * 60;
        }
        while (nh > 0 && tries++ < 50) {
            int dd = gen_rng_int(r, 0, 4);
            bool busy_day = pattern[dd][0] || pattern[dd][1] || vpat[dd][0] || vpat[dd][1];
            if (hday[dd] || (busy_day && tries < 25 && pr->spec != SP_LAB))
                continue;
            hday[dd] = true;
            nh--;
        }
        pr->home_days[0] = '\0';
        for (d = 0; d < 5; d++) {
            if (hday[d]) {
                size_t n = strlen(pr->home_days);
                snprintf(pr->home_days + n, sizeof pr->home_days - n, "%s%s", n ? "," : "",
                         day_codes[d]);
                /* A provider seeing patients at home is not in clinic. */
                pattern[d][0] = pattern[d][1] = false;
            }
        }
    }

    for (int32_t day = w->h0; day <= w->h1; day++) {
        int wd = cal_weekday(day);
        if (wd > 4)
            continue;
        if (pr->hours_clinic) {
            cal_time s = gen_local_time(w, zone, day, 7 * 60 + 30),
                     e = gen_local_time(w, zone, day, 17 * 60);
            if (book_blocks(r, s, e, lab_blocks, 2, p_clinic, &pr->booked, &pr->booked_ev))
                goto done;
            if (cal_set_add(&pr->sessions, s, e))
                goto done;
        }
        for (k = 0; k < 2; k++) {
            int from = k ? 13 * 60 : 8 * 60, to = k ? 17 * 60 : 12 * 60;
            cal_time s = gen_local_time(w, zone, day, from), e = gen_local_time(w, zone, day, to);
            /* Now and then a session is cancelled (leave, conference). */
            if (pattern[wd][k] && !gen_rng_chance(r, 0.08)) {
                if (cal_set_add(&pr->sessions, s, e) ||
                    book_blocks(r, s, e, clinic_blocks, 3, p_clinic, &pr->booked, &pr->booked_ev))
                    goto done;
            }
            if (vpat[wd][k] && !gen_rng_chance(r, 0.08)) {
                if (cal_set_add(&video_sessions, s, e) ||
                    book_blocks(r, s, e, video_blocks, 2, p_video, &video_booked, NULL))
                    goto done;
            }
        }
        if (pr->home && strstr(pr->home_days, day_codes[wd])) {
            cal_time s = gen_local_time(w, zone, day, pr->home_from);
            cal_time e = gen_local_time(w, zone, day, pr->home_to);
            if (cal_set_add(&home_hours, s, e) ||
                book_blocks(r, s, e, home_blocks, 2, p_home, &pr->home_booked, &pr->home_booked_ev))
                goto done;
        }
    }
    if (cal_set_subtract(&pr->free, &pr->sessions, &pr->booked) ||
        cal_set_subtract(&pr->video_free, &video_sessions, &video_booked) ||
        cal_set_subtract(&pr->home_free, &home_hours, &pr->home_booked))
        goto done;
    rc = 0;
done:
    cal_set_free(&video_sessions);
    cal_set_free(&video_booked);
    cal_set_free(&home_hours);
    return rc;
}

void gen_world_free(struct world *w)
{
    for (int i = 0; i < w->nprovs; i++) {
        struct gprov *p = &w->provs[i];
        cal_set_free(&p->sessions);
        cal_set_free(&p->booked);
        cal_set_free(&p->free);
        cal_set_free(&p->video_free);
        cal_set_free(&p->home_booked);
        cal_set_free(&p->home_free);
        free(p->booked_ev.v);
        free(p->home_booked_ev.v);
    }
    free(w->provs);
    for (int z = 0; z < NZONES; z++)
        cal_tz_free(w->tz[z]);
}

/* One more provider of specialty s at place (clinics 4 and 5 of --places). */
static int add_provider(struct world *w, int s, int place, struct rng *r)
{
    struct gprov *p = &w->provs[w->nprovs];
    p->spec = s;
    p->place = place;
    p->capacity = 1;
    if (s == SP_LAB) {
        snprintf(p->id, sizeof p->id, "lab-%s", gen_places[place].id);
        snprintf(p->name, sizeof p->name, "Outpatient Lab %s", gen_places[place].town);
    } else {
        snprintf(p->id, sizeof p->id, "%s-%s", gen_specs[s].key, gen_places[place].id);
        snprintf(
            p->name, sizeof p->name, "Dr. %s %s",
            first_names[gen_rng_int(r, 0, (int)(sizeof first_names / sizeof first_names[0]) - 1)],
            last_names[gen_rng_int(r, 0, (int)(sizeof last_names / sizeof last_names[0]) - 1)]);
    }
    w->by_spec[s][w->nby_spec[s]++] = w->nprovs++;
    return make_provider(w, p, r);
}

int gen_world_make(struct world *w, uint64_t seed, int nfamilies, const struct gen_knobs *kn,
                   struct careday_error *err)
{
    struct rng r = gen_rng_stream(seed, 1);
    int per_spec = (nfamilies + 49) / 50;
    int z, s, k;

    memset(w, 0, sizeof *w);
    w->seed = seed;
    w->nfamilies = nfamilies;
    if (kn)
        w->knobs = *kn;
    w->nclinics = w->knobs.places > NCLINICS ? w->knobs.places : NCLINICS;
    if (per_spec > 3)
        per_spec = 3;
    for (z = 0; z < NZONES; z++) {
        if (cal_tz_open(gen_zone_names[z], &w->tz[z], err) != 0)
            return ADAPT_EINTERNAL;
    }
    /* A horizon of 6-8 weeks from a Monday in the first months of 2027
     * (some cross the March change to daylight time). */
    w->h0 = cal_days_from_civil(2027, 1, 4) + 7 * gen_rng_int(&r, 0, 16);
    w->h1 = w->h0 + 7 * gen_rng_int(&r, 6, 8) - 1;
    if (w->knobs.weeks > 0)
        w->h1 = w->h0 + 7 * w->knobs.weeks - 1;
    w->dtstamp = gen_local_time(w, TZ_EASTERN, w->h0 - 21, 9 * 60);

    w->provs = cal_calloc(GEN_MAX_PROVS, sizeof *w->provs);
    if (!w->provs)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    for (s = 0; s < NSPECS; s++) {
        int n = s == SP_LAB ? NCLINICS : per_spec;
        for (k = 0; k < n; k++) {
            struct gprov *p = &w->provs[w->nprovs];
            p->spec = s;
            p->place = gen_specs[s].placement[k];
            p->capacity = 1;
            if (s == SP_LAB) {
                snprintf(p->id, sizeof p->id, "lab-%s", gen_places[p->place].id);
                snprintf(p->name, sizeof p->name, "Outpatient Lab %s", gen_places[p->place].town);
            } else {
                snprintf(p->id, sizeof p->id, "%s-%d", gen_specs[s].key, k + 1);
                snprintf(p->name, sizeof p->name, "Dr. %s %s",
                         first_names[gen_rng_int(
                             &r, 0, (int)(sizeof first_names / sizeof first_names[0]) - 1)],
                         last_names[gen_rng_int(
                             &r, 0, (int)(sizeof last_names / sizeof last_names[0]) - 1)]);
            }
            /* Counted before it is filled, so world_free releases a half-made one. */
            w->by_spec[s][w->nby_spec[s]++] = w->nprovs++;
            if (make_provider(w, p, &r) != 0)
                return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        }
    }
    /* --places 4 or 5: every specialty and a lab at the extra clinics too. */
    for (int c = NCLINICS; c < w->nclinics; c++)
        for (s = 0; s < NSPECS; s++)
            if (add_provider(w, s, gen_clinics[c], &r) != 0)
                return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    return 0;
}
