/*
 * `careday gen`: realistic synthetic cases for the benchmark and for tests.
 *
 * Writes DIR/family-XXX.json with their calendars under DIR/calendars/, and
 * with more than one family DIR/caseload.json. The same seed always gives
 * byte-identical files (a private splitmix64 stream; nothing depends on the
 * clock, the folder or the C library's rand()).
 *
 * The shape follows published figures for children with medical complexity
 * and the clinics that serve them (docs/benchmark.md):
 *   - 8-15 visits per child over a 6-8 week horizon, across 6-10 of ten
 *     specialties (neurology ... complex care, the lab);
 *   - providers work 5-7 half-day clinic sessions a week, 40-70 % of it
 *     already booked with other patients in 30-60 minute blocks;
 *   - 2-3 clinical places per family with round trips of 40-250 minutes,
 *     sometimes one across the state line in another time zone, and a
 *     lodging near the far hospital;
 *   - 30-40 % of visits may be done by video, some of those only with a
 *     nurse at home; home blood draws and home visits; home-nursing shifts;
 *   - lab draws 1 to 7 days before the specialist who reads them; repeated
 *     therapy at least 5 days apart;
 *   - families with a weekday they cannot travel, or free only in the
 *     afternoon, daily limits, and now and then an appointment already made.
 * Families generated together share one set of providers (same ids, same
 * calendar files): a caseload competing for the same clinic time.
 */
#include "adapters/adapters.h"
#include "adapters/cli/commands.h"

#include <jansson.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GEN_MAX_FAMILIES 1000
#define GEN_SLOT 15 /* the planner's start grid, minutes */
#define GEN_MAX_VISITS 15

/* ---------------------------------------------------------------------------
 * Deterministic random numbers: splitmix64, one stream per purpose.
 */

struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static struct rng rng_stream(uint64_t seed, uint64_t stream)
{
    struct rng r = {seed ^ (stream * 0xd1b54a32d192ed03ULL)};
    rng_next(&r);
    return r;
}

/* Uniform in [lo, hi]. */
static int rng_int(struct rng *r, int lo, int hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static double rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static double rng_range(struct rng *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_unit(r);
}

static bool rng_chance(struct rng *r, double p)
{
    return rng_unit(r) < p;
}

static void rng_shuffle(struct rng *r, int *a, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = rng_int(r, 0, i);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

/* ---------------------------------------------------------------------------
 * A growing text buffer.
 */

struct sbuf {
    char *p;
    size_t n, cap;
    bool oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int k;

    if (b->oom)
        return;
    for (;;) {
        size_t room = b->cap - b->n;
        va_start(ap, fmt);
        k = vsnprintf(b->p ? b->p + b->n : NULL, room, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->oom = true;
            return;
        }
        if ((size_t)k < room) {
            b->n += (size_t)k;
            return;
        }
        size_t nc = b->cap ? b->cap * 2 : 4096;
        while (nc < b->n + (size_t)k + 1)
            nc *= 2;
        char *np = realloc(b->p, nc);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = nc;
    }
}

/* ---------------------------------------------------------------------------
 * A list of intervals kept apart (calendar events; a cal_set would merge
 * back-to-back appointments into one).
 */

struct ivlist {
    struct cal_interval *v;
    size_t n, cap;
};

static int ivlist_add(struct ivlist *l, cal_time s, cal_time e)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 64;
        struct cal_interval *nv = realloc(l->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = nc;
    }
    l->v[l->n].start = s;
    l->v[l->n].end = e;
    l->n++;
    return 0;
}

/* ---------------------------------------------------------------------------
 * The world: places, specialties, providers.
 */

enum {
    PL_CHATTANOOGA,
    PL_CLEVELAND,
    PL_HUNTSVILLE,
    PL_RMH_CHATTANOOGA,
    PL_RMH_HUNTSVILLE,
    NPLACES
};
#define NCLINICS 3 /* the first three places see patients */

enum { TZ_EASTERN, TZ_CENTRAL, NZONES };
static const char *const zone_names[NZONES] = {"America/New_York", "America/Chicago"};

struct gplace {
    const char *id, *town, *name, *address;
    double lat, lon;
    int zone;
    bool lodging;
};

static const struct gplace places[NPLACES] = {
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
};

/* The lodging near each clinic, -1 none. */
static const int lodging_near[NCLINICS] = {PL_RMH_CHATTANOOGA, -1, PL_RMH_HUNTSVILLE};

/* Travel parameters written into every case (the contract's defaults). */
#define TRAVEL_DETOUR 1.3
#define TRAVEL_SPEED 70.0
#define TRAVEL_PARK 10

enum {
    SP_NEURO,
    SP_PULM,
    SP_GI,
    SP_CARDIO,
    SP_ORTHO,
    SP_DEVPED,
    SP_PT,
    SP_NUTR,
    SP_LAB,
    SP_CC,
    NSPECS
};

struct gspec {
    const char *key, *name, *clinic;
    int placement[3]; /* where its first, second, third provider sits */
    int durations[3];
    int ndur;
    bool video, home;   /* modes its providers offer */
    double video_nurse; /* chance a video visit needs a nurse at home */
    const char *purpose[2];
};

/* clang-format off */
static const struct gspec specs[NSPECS] = {
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
static const char *const child_names[] = {
    "Ana",      "Mateo",   "Liam",  "Sofia", "Noah",   "Amara", "Elijah", "Grace",
    "Jayden",   "Camila",  "Owen",  "Zoe",   "Isaiah", "Lucia", "Caleb",  "Maya",
    "Ezra",     "Aaliyah", "Leo",   "Nora",  "Diego",  "Ava",   "Malik",  "Ruby",
    "Santiago", "Ivy",     "Jonah", "Esme",  "Kai",    "Layla",
};

struct gprov {
    char id[32];
    char name[64];
    int spec;
    int place;
    int capacity;
    bool hours_clinic;         /* in person from an hours template (the lab) */
    struct cal_set sessions;   /* in person: clinic sessions (written when !hours_clinic) */
    struct cal_set booked;     /* in person: blocks booked with other patients */
    struct ivlist booked_ev;   /* the same, one event per appointment (written) */
    struct cal_set free;       /* in person: sessions - booked - bookings made here */
    bool video;                /* telehealth */
    struct cal_set video_free; /* written as available pieces */
    bool home;                 /* home visits: hours template + booked blocks */
    char home_days[24];        /* "TU,TH" */
    int home_from, home_to;    /* minutes of day, place zone */
    struct cal_set home_booked;
    struct ivlist home_booked_ev; /* written */
    struct cal_set home_free;
    bool used; /* some case lists it: write its calendars */
};

struct world {
    uint64_t seed;
    int nfamilies;
    cal_tz *tz[NZONES];
    int32_t h0, h1; /* horizon, inclusive day numbers */
    struct gprov *provs;
    int nprovs;
    int by_spec[NSPECS][8]; /* provider indices per specialty */
    int nby_spec[NSPECS];
    cal_time dtstamp;
};

/* ---------------------------------------------------------------------------
 * Time helpers.
 */

static cal_time local_time(const struct world *w, int zone, int32_t day, int minute)
{
    return cal_tz_local_to_utc(w->tz[zone], day, minute);
}

static void ics_utc(cal_time t, char *buf, size_t size)
{
    int32_t day = (int32_t)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
    int64_t sec = t - (int64_t)day * 86400;
    struct cal_date d = cal_civil_from_days(day);
    snprintf(buf, size, "%04d%02d%02dT%02d%02d%02dZ", d.year, d.month, d.day, (int)(sec / 3600),
             (int)(sec / 60 % 60), (int)(sec % 60));
}

static void date_text(int32_t day, char *buf, size_t size)
{
    cal_format_date(day, buf, size);
}

static void hhmm_text(int minute, char *buf, size_t size)
{
    unsigned m = minute < 0 ? 0u : (unsigned)minute; /* minutes of a day: 0..1440 */
    snprintf(buf, size, "%02u:%02u", m / 60 % 100, m % 60);
}

static const char *const day_codes[7] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

/* ---------------------------------------------------------------------------
 * Travel, the same way the case reader computes it.
 */

static int drive_minutes(double lat1, double lon1, double lat2, double lon2)
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
        cal_time len = 60 * (cal_time)lens[rng_int(r, 0, nlens - 1)];
        if (t + len > e)
            len = e - t;
        if (rng_chance(r, p)) {
            if (cal_set_add(booked, t, t + len) || (events && ivlist_add(events, t, t + len)))
                return -1;
        }
        t += len;
    }
    return 0;
}

static int make_provider(struct world *w, struct gprov *pr, struct rng *r)
{
    static const int clinic_blocks[] = {30, 45, 60};
    static const int lab_blocks[] = {15, 30};
    static const int video_blocks[] = {30, 60};
    static const int home_blocks[] = {60, 90};
    const struct gspec *sp = &specs[pr->spec];
    int zone = places[pr->place].zone;
    bool pattern[5][2] = {{false}};
    int nsess, d, k;
    double p_clinic = rng_range(r, 0.40, 0.70);
    double p_video = rng_range(r, 0.30, 0.60);
    double p_home = rng_range(r, 0.30, 0.60);
    struct cal_set video_sessions = {0}, video_booked = {0}, home_hours = {0};
    int rc = -1;

    if (pr->spec == SP_LAB) {
        pr->hours_clinic = true;
        pr->capacity = 2;
        p_clinic = rng_range(r, 0.40, 0.55);
    } else {
        int slots[10];
        for (k = 0; k < 10; k++)
            slots[k] = k;
        rng_shuffle(r, slots, 10);
        nsess = rng_int(r, 5, 7);
        for (k = 0; k < nsess; k++)
            pattern[slots[k] / 2][slots[k] % 2] = true;
    }
    /* Telehealth: 1-2 half days a week; home visits: 1-2 days a week,
     * preferring days without clinic sessions. */
    bool vpat[5][2] = {{false}};
    if (sp->video) {
        int nv = rng_int(r, 1, 2), tries = 0;
        while (nv > 0 && tries++ < 50) {
            int dd = rng_int(r, 0, 4), hh = rng_int(r, 0, 1);
            if (!pattern[dd][hh] && !vpat[dd][hh]) {
                vpat[dd][hh] = true;
                nv--;
            }
        }
        pr->video = true;
    }
    if (sp->home) {
        int nh = rng_int(r, 1, 2), tries = 0;
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
            int dd = rng_int(r, 0, 4);
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
            cal_time s = local_time(w, zone, day, 7 * 60 + 30),
                     e = local_time(w, zone, day, 17 * 60);
            if (book_blocks(r, s, e, lab_blocks, 2, p_clinic, &pr->booked, &pr->booked_ev))
                goto done;
            if (cal_set_add(&pr->sessions, s, e))
                goto done;
        }
        for (k = 0; k < 2; k++) {
            int from = k ? 13 * 60 : 8 * 60, to = k ? 17 * 60 : 12 * 60;
            cal_time s = local_time(w, zone, day, from), e = local_time(w, zone, day, to);
            /* Now and then a session is cancelled (leave, conference). */
            if (pattern[wd][k] && !rng_chance(r, 0.08)) {
                if (cal_set_add(&pr->sessions, s, e) ||
                    book_blocks(r, s, e, clinic_blocks, 3, p_clinic, &pr->booked, &pr->booked_ev))
                    goto done;
            }
            if (vpat[wd][k] && !rng_chance(r, 0.08)) {
                if (cal_set_add(&video_sessions, s, e) ||
                    book_blocks(r, s, e, video_blocks, 2, p_video, &video_booked, NULL))
                    goto done;
            }
        }
        if (pr->home && strstr(pr->home_days, day_codes[wd])) {
            cal_time s = local_time(w, zone, day, pr->home_from);
            cal_time e = local_time(w, zone, day, pr->home_to);
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

static void world_free(struct world *w)
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

static int world_make(struct world *w, uint64_t seed, int nfamilies, struct careday_error *err)
{
    struct rng r = rng_stream(seed, 1);
    int per_spec = (nfamilies + 49) / 50;
    int z, s, k;

    memset(w, 0, sizeof *w);
    w->seed = seed;
    w->nfamilies = nfamilies;
    if (per_spec > 3)
        per_spec = 3;
    for (z = 0; z < NZONES; z++) {
        if (cal_tz_open(zone_names[z], &w->tz[z], err) != 0)
            return ADAPT_EINTERNAL;
    }
    /* A horizon of 6-8 weeks from a Monday in the first months of 2027
     * (some cross the March change to daylight time). */
    w->h0 = cal_days_from_civil(2027, 1, 4) + 7 * rng_int(&r, 0, 16);
    w->h1 = w->h0 + 7 * rng_int(&r, 6, 8) - 1;
    w->dtstamp = local_time(w, TZ_EASTERN, w->h0 - 21, 9 * 60);

    w->provs = calloc(NSPECS * 3 + NCLINICS, sizeof *w->provs);
    if (!w->provs)
        return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    for (s = 0; s < NSPECS; s++) {
        int n = s == SP_LAB ? NCLINICS : per_spec;
        for (k = 0; k < n; k++) {
            struct gprov *p = &w->provs[w->nprovs];
            p->spec = s;
            p->place = specs[s].placement[k];
            p->capacity = 1;
            if (s == SP_LAB) {
                snprintf(p->id, sizeof p->id, "lab-%s", places[p->place].id);
                snprintf(p->name, sizeof p->name, "Outpatient Lab %s", places[p->place].town);
            } else {
                snprintf(p->id, sizeof p->id, "%s-%d", specs[s].key, k + 1);
                snprintf(p->name, sizeof p->name, "Dr. %s %s",
                         first_names[rng_int(
                             &r, 0, (int)(sizeof first_names / sizeof first_names[0]) - 1)],
                         last_names[rng_int(&r, 0,
                                            (int)(sizeof last_names / sizeof last_names[0]) - 1)]);
            }
            /* Counted before it is filled, so world_free releases a half-made one. */
            w->by_spec[s][w->nby_spec[s]++] = w->nprovs++;
            if (make_provider(w, p, &r) != 0)
                return careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------
 * Families.
 */

enum { MODE_IN_PERSON = 1u, MODE_TELEHEALTH = 2u, MODE_HOME = 4u };

struct gvisit {
    char id[32];
    int spec;
    int prov;
    int minutes;
    int32_t earliest, latest;
    unsigned modes;
    int prefer; /* MODE_* */
    const char *priority;
    bool tele_nurse, home_nurse;
    const char *purpose;
    int before;     /* index of the visit this one must precede, -1 none */
    int before_min; /* minutes */
    int before_max; /* minutes, -1 none */
    int repeat_of;  /* for a repeat, the first visit of the series, -1 none */
    bool dropped;
};

struct family {
    int index;
    char id[32];
    struct rng r;
    int zone;
    double lat, lon;
    bool place_ok[NCLINICS];
    int round_trip[NCLINICS];
    int leg[NCLINICS]; /* one way, minutes, without parking */
    int earliest_departure, latest_return;
    int max_visits, max_clinic, min_gap;
    bool travel_nurse;
    bool overnight;
    int lodging;
    int max_nights;
    const char *language;
    const char *child;
    struct cal_set busy;
    struct cal_set nursing;
    struct sbuf busy_ics, nursing_ics;
    struct gvisit visits[GEN_MAX_VISITS + 4];
    int nvisits;
    bool has_booking;
    int booking_prov;
    cal_time booking_start;
    int booking_minutes;
    const char *booking_purpose;
};

static void family_free(struct family *f)
{
    cal_set_free(&f->busy);
    cal_set_free(&f->nursing);
    free(f->busy_ics.p);
    free(f->nursing_ics.p);
}

static void ics_begin(struct sbuf *b, const char *calname)
{
    sb_printf(b,
              "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//careday//case generator//EN\r\n"
              "CALSCALE:GREGORIAN\r\nX-WR-CALNAME:%s\r\n",
              calname);
}

static void ics_event(struct sbuf *b, const struct world *w, const char *uid_prefix, int n,
                      cal_time s, cal_time e, const char *summary)
{
    char ts[24], te[24], st[24];
    ics_utc(s, ts, sizeof ts);
    ics_utc(e, te, sizeof te);
    ics_utc(w->dtstamp, st, sizeof st);
    sb_printf(b,
              "BEGIN:VEVENT\r\nUID:%s-%04d@cases.careday.invalid\r\nDTSTAMP:%s\r\nDTSTART:%s\r\n"
              "DTEND:%s\r\nSUMMARY:%s\r\nEND:VEVENT\r\n",
              uid_prefix, n, st, ts, te, summary);
}

static void ics_end(struct sbuf *b)
{
    sb_printf(b, "END:VCALENDAR\r\n");
}

/* Add a busy interval to the family and its calendar. */
static int family_busy(struct family *f, const struct world *w, int32_t day, int from, int to,
                       const char *summary, int *n)
{
    cal_time s = local_time(w, f->zone, day, from), e = local_time(w, f->zone, day, to);
    ics_event(&f->busy_ics, w, f->id, (*n)++, s, e, summary);
    return cal_set_add(&f->busy, s, e);
}

/* Where the family lives: a point from which 2-3 clinics are 40-250
 * minutes away and back; with out_of_state, one of them lies in the other
 * time zone. */
static void family_home(struct family *f, bool out_of_state)
{
    for (int tries = 0; tries < 100000; tries++) {
        double lat = rng_range(&f->r, 34.55, 35.55);
        double lon =
            out_of_state ? rng_range(&f->r, -86.25, -85.15) : rng_range(&f->r, -85.6, -84.4);
        int zone = lon < -85.6 ? TZ_CENTRAL : TZ_EASTERN;
        int n = 0, other = 0;
        bool ok[NCLINICS];
        int rt[NCLINICS], leg[NCLINICS];
        for (int p = 0; p < NCLINICS; p++) {
            leg[p] = drive_minutes(lat, lon, places[p].lat, places[p].lon);
            rt[p] = 2 * leg[p] + TRAVEL_PARK;
            ok[p] = rt[p] >= 40 && rt[p] <= 250 && (out_of_state || places[p].zone == zone);
            if (ok[p]) {
                n++;
                other += places[p].zone != zone;
            }
        }
        if (!ok[PL_CHATTANOOGA] || n < 2 || (out_of_state && other == 0))
            continue;
        f->lat = round(lat * 1000) / 1000;
        f->lon = round(lon * 1000) / 1000;
        f->zone = zone;
        /* Recompute at the rounded point, as the reader will. */
        for (int p = 0; p < NCLINICS; p++) {
            f->leg[p] = drive_minutes(f->lat, f->lon, places[p].lat, places[p].lon);
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
    for (int p = 0; p < NCLINICS; p++) {
        f->leg[p] = drive_minutes(f->lat, f->lon, places[p].lat, places[p].lon);
        f->round_trip[p] = 2 * f->leg[p] + TRAVEL_PARK;
        f->place_ok[p] = places[p].zone == TZ_EASTERN;
    }
}

static int family_calendars(struct family *f, const struct world *w)
{
    static const char *const oneoff[] = {"Sibling's school event", "Equipment delivery",
                                         "Parent's own appointment", "Pharmacy and supply pickup",
                                         "Wheelchair repair"};
    int n = 0, day_off = -1, k;
    bool mornings = rng_chance(&f->r, 0.30);
    char cal[96];

    snprintf(cal, sizeof cal, "%s family calendar", f->child);
    ics_begin(&f->busy_ics, cal);
    if (rng_chance(&f->r, 0.60))
        day_off = rng_int(&f->r, 0, 4);
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
    k = rng_int(&f->r, 2, 5);
    while (k-- > 0) {
        int32_t day = w->h0 + rng_int(&f->r, 0, w->h1 - w->h0);
        int from = 8 * 60 + 30 * rng_int(&f->r, 0, 16);
        int len = 60 * rng_int(&f->r, 1, 3);
        if (family_busy(f, w, day, from, from + len,
                        oneoff[rng_int(&f->r, 0, (int)(sizeof oneoff / sizeof oneoff[0]) - 1)], &n))
            return -1;
    }
    ics_end(&f->busy_ics);

    /* Home nursing: 3-5 weekdays a week; day shifts long enough to ride
     * along for a family whose child cannot travel without a nurse. */
    {
        int days[5] = {0, 1, 2, 3, 4}, nd = rng_int(&f->r, 3, 5);
        bool on[5] = {false};
        int from = f->travel_nurse ? 6 * 60 : 8 * 60, to = f->travel_nurse ? 20 * 60 : 16 * 60;
        int m = 0;
        rng_shuffle(&f->r, days, 5);
        for (k = 0; k < nd; k++)
            on[days[k]] = true;
        snprintf(cal, sizeof cal, "Home nursing for %s", f->child);
        ics_begin(&f->nursing_ics, cal);
        for (int32_t day = w->h0; day <= w->h1; day++) {
            int wd = cal_weekday(day);
            if (wd > 4 || !on[wd] || rng_chance(&f->r, 0.10))
                continue;
            cal_time s = local_time(w, f->zone, day, from), e = local_time(w, f->zone, day, to);
            char uid[48];
            snprintf(uid, sizeof uid, "%s-nursing", f->id);
            ics_event(&f->nursing_ics, w, uid, m++, s, e, "Home nursing shift (RN)");
            if (cal_set_add(&f->nursing, s, e))
                return -1;
        }
        ics_end(&f->nursing_ics);
    }
    return f->busy_ics.oom || f->nursing_ics.oom ? -1 : 0;
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
        cal_time day_s = local_time(w, f->zone, day, f->earliest_departure);
        cal_time day_e = local_time(w, f->zone, day, f->latest_return);
        for (int min = f->earliest_departure; min + minutes <= f->latest_return; min += GEN_SLOT) {
            cal_time s = local_time(w, f->zone, day, min);
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
    return cand[rng_int(&f->r, 0, n - 1)];
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
    const struct gspec *sp = &specs[spec];
    memset(v, 0, sizeof *v);
    snprintf(v->id, sizeof v->id, "%s-%s", sp->key, suffix);
    v->spec = spec;
    v->prov = prov;
    v->minutes = sp->durations[rng_int(&f->r, 0, sp->ndur - 1)];
    v->modes = MODE_IN_PERSON;
    v->prefer = MODE_IN_PERSON;
    v->before = -1;
    v->before_max = -1;
    v->repeat_of = -1;
    v->purpose = sp->purpose[rng_int(&f->r, 0, 1)];
    {
        double u = rng_unit(&f->r);
        int span = w->h1 - w->h0;
        int len = rng_int(&f->r, 14, 28);
        v->priority = u < 0.05 ? "urgent" : u < 0.25 ? "soon" : "routine";
        if (v->priority[0] == 'u')
            len = rng_int(&f->r, 10, 14);
        if (len > span)
            len = span;
        v->earliest = v->priority[0] == 'u' ? w->h0 : w->h0 + rng_int(&f->r, 0, span - len);
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

static int family_visits(struct family *f, const struct world *w)
{
    int avail[NSPECS], navail = 0, chosen[NSPECS], nchosen, target, nlabs, k;
    int specialists[GEN_MAX_VISITS], nspecialists = 0;

    for (int s = 0; s < NSPECS; s++) {
        if (s != SP_LAB && s != SP_CC && pick_provider(w, f, s, -1) >= 0)
            avail[navail++] = s;
    }
    rng_shuffle(&f->r, avail, navail);
    /* The lab and complex care (the medical home) always; 4-8 others. */
    nchosen = 0;
    chosen[nchosen++] = SP_CC;
    k = rng_int(&f->r, 4, 8);
    if (k > navail)
        k = navail;
    for (int i = 0; i < k; i++)
        chosen[nchosen++] = avail[i];
    target = rng_int(&f->r, 8, GEN_MAX_VISITS);
    nlabs = rng_int(&f->r, 1, 3);

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
    for (int tries = 0; f->nvisits + nlabs < target && tries < 20; tries++) {
        static const int rep[] = {SP_PT, SP_PT, SP_NUTR, SP_CC, SP_NEURO, SP_DEVPED};
        int s = rep[rng_int(&f->r, 0, 5)], first = -1, last = -1, n = 0;
        for (int i = 0; i < f->nvisits; i++) {
            if (f->visits[i].spec == s) {
                if (first < 0)
                    first = i;
                last = i;
                n++;
            }
        }
        if (first < 0 || n >= 3)
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
        v->latest = p->latest + 7;
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
        rng_shuffle(&f->r, order, n);
        for (int i = 0; i < nlabs && i < n; i++) {
            struct gvisit *sv = &f->visits[order[i]];
            int place = w->provs[sv->prov].place;
            char suffix[16];
            snprintf(suffix, sizeof suffix, "draw-%d", i + 1);
            /* Mostly at the lab of the specialist's clinic. */
            int lp = pick_provider(w, f, SP_LAB, rng_chance(&f->r, 0.7) ? place : -1);
            struct gvisit *v = add_visit(f, w, SP_LAB, lp, suffix);
            v->priority = sv->priority;
            v->earliest = sv->earliest - 7;
            v->latest = sv->latest - 1;
            clamp_window(w, v);
            v->before = (int)(sv - f->visits);
            v->before_min = 1440;
            v->before_max = 7 * 1440;
            if (w->provs[lp].home && f->round_trip[w->provs[lp].place] <= 180 &&
                rng_chance(&f->r, 0.4)) {
                v->modes |= MODE_HOME;
                v->home_nurse = rng_chance(&f->r, 0.5);
                if (rng_chance(&f->r, 0.5))
                    v->prefer = MODE_HOME;
            }
        }
    }

    /* Video and home options: 30-40 % of visits may be done by video. */
    {
        int nvis = f->nvisits;
        int want = (int)lround(rng_range(&f->r, 0.30, 0.40) * nvis);
        int order[GEN_MAX_VISITS + 4], n = f->nvisits;
        for (int i = 0; i < n; i++)
            order[i] = i;
        rng_shuffle(&f->r, order, n);
        for (int i = 0; i < n && want > 0; i++) {
            struct gvisit *v = &f->visits[order[i]];
            const struct gspec *sp = &specs[v->spec];
            if (!sp->video)
                continue;
            v->modes |= MODE_TELEHEALTH;
            v->tele_nurse = rng_chance(&f->r, sp->video_nurse);
            if (rng_chance(&f->r, 0.3))
                v->prefer = MODE_TELEHEALTH;
            want--;
        }
        for (int i = 0; i < n; i++) {
            struct gvisit *v = &f->visits[i];
            const struct gprov *pr = &w->provs[v->prov];
            if (v->spec != SP_LAB && pr->home && f->round_trip[pr->place] <= 180 &&
                rng_chance(&f->r, 0.3)) {
                v->modes |= MODE_HOME;
                v->home_nurse = rng_chance(&f->r, 0.3);
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

    if (f->travel_nurse || !rng_chance(&f->r, 0.30))
        return;
    for (int tries = 0; tries < 10 && pick < 0; tries++) {
        const struct gvisit *v = &f->visits[rng_int(&f->r, 0, f->nvisits - 1)];
        if (v->dropped || v->spec == SP_LAB)
            continue;
        n = scan_starts(w, f, &w->provs[v->prov], MODE_IN_PERSON, 30, false, w->h0 + 7, w->h1 - 7,
                        starts, 512);
        if (n <= 0)
            continue;
        if (n > 512)
            n = 512;
        pick = rng_int(&f->r, 0, n - 1);
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

static int family_make(struct family *f, struct world *w, int index)
{
    struct rng *r = &f->r;
    bool oos;

    memset(f, 0, sizeof *f);
    f->index = index;
    snprintf(f->id, sizeof f->id, "family-%03d", index + 1);
    f->r = rng_stream(w->seed, 100 + (uint64_t)index);
    oos = rng_chance(r, 0.30);
    family_home(f, oos);
    f->child = child_names[rng_int(r, 0, (int)(sizeof child_names / sizeof child_names[0]) - 1)];
    f->language = rng_chance(r, 0.25) ? "es" : "en";
    f->earliest_departure = 6 * 60 + 30 * rng_int(r, 1, 3);
    f->latest_return = 18 * 60 + 30 * rng_int(r, 1, 4);
    f->max_visits = rng_int(r, 3, 4);
    f->max_clinic = rng_chance(r, 0.5) ? 240 : 300;
    f->min_gap = rng_chance(r, 0.5) ? 10 : 15;
    f->travel_nurse = rng_chance(r, 0.10);
    f->max_nights = rng_int(r, 1, 2);
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
            if (!f->visits[i].dropped && lodging_near[p] >= 0 && f->round_trip[p] >= 150 &&
                (far < 0 || f->round_trip[p] > f->round_trip[far]))
                far = p;
        }
        if (far >= 0) {
            f->overnight = true;
            f->lodging = lodging_near[far];
        }
    }
    family_booking(f, w);
    return 0;
}

/* ---------------------------------------------------------------------------
 * Writing.
 */

struct out {
    const char *dir;
    struct careday_error *err;
};

static int mkdir_p(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == '\0') {
            char c = buf[i];
            buf[i] = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return -1;
            buf[i] = c;
        }
    }
    return 0;
}

static int write_text(const struct out *o, const char *rel, const char *text, size_t len)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", o->dir, rel) >= sizeof path)
        return careday_fail(o->err, ADAPT_EINTERNAL, rel, 0, NULL, "path too long");
    return adapt_write_atomic(path, text, len, o->err);
}

static int write_json(const struct out *o, const char *rel, json_t *doc)
{
    char *text;
    int rc;
    if (!doc)
        return careday_fail(o->err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(doc);
    if (!text)
        return careday_fail(o->err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    size_t n = strlen(text);
    char *full = malloc(n + 2);
    if (!full) {
        free(text);
        return careday_fail(o->err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    }
    memcpy(full, text, n);
    full[n] = '\n';
    full[n + 1] = '\0';
    rc = write_text(o, rel, full, n + 1);
    free(full);
    free(text);
    return rc;
}

static int write_set_ics(const struct out *o, const struct world *w, const char *rel,
                         const char *calname, const char *uid, const struct cal_interval *iv,
                         size_t n, const char *summary)
{
    struct sbuf b = {0};
    int rc;
    ics_begin(&b, calname);
    for (size_t i = 0; i < n; i++)
        ics_event(&b, w, uid, (int)i, iv[i].start, iv[i].end, summary);
    ics_end(&b);
    if (b.oom)
        rc = careday_fail(o->err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
    else
        rc = write_text(o, rel, b.p, b.n);
    free(b.p);
    return rc;
}

static int write_provider_calendars(const struct out *o, const struct world *w,
                                    const struct gprov *p)
{
    char rel[128], uid[64], cal[160], sum[96];
    int rc = 0;

    if (!p->hours_clinic) {
        snprintf(rel, sizeof rel, "calendars/providers/%s-clinic.ics", p->id);
        snprintf(uid, sizeof uid, "%s-session", p->id);
        snprintf(cal, sizeof cal, "%s - %s sessions", specs[p->spec].clinic, p->name);
        snprintf(sum, sizeof sum, "%s session", specs[p->spec].clinic);
        rc = write_set_ics(o, w, rel, cal, uid, p->sessions.iv, p->sessions.n, sum);
    }
    if (rc == 0) {
        snprintf(rel, sizeof rel, "calendars/providers/%s-booked.ics", p->id);
        snprintf(uid, sizeof uid, "%s-booked", p->id);
        snprintf(cal, sizeof cal, "%s - %s booked", specs[p->spec].clinic, p->name);
        rc = write_set_ics(o, w, rel, cal, uid, p->booked_ev.v, p->booked_ev.n, "Booked");
    }
    if (rc == 0 && p->video) {
        snprintf(rel, sizeof rel, "calendars/providers/%s-video.ics", p->id);
        snprintf(uid, sizeof uid, "%s-video", p->id);
        snprintf(cal, sizeof cal, "%s - %s open video slots", specs[p->spec].clinic, p->name);
        rc = write_set_ics(o, w, rel, cal, uid, p->video_free.iv, p->video_free.n,
                           "Open video visit time");
    }
    if (rc == 0 && p->home) {
        snprintf(rel, sizeof rel, "calendars/providers/%s-home-booked.ics", p->id);
        snprintf(uid, sizeof uid, "%s-home", p->id);
        snprintf(cal, sizeof cal, "%s - %s home visits booked", specs[p->spec].clinic, p->name);
        rc = write_set_ics(o, w, rel, cal, uid, p->home_booked_ev.v, p->home_booked_ev.n,
                           "Home visit (booked)");
    }
    return rc;
}

static json_t *source(const char *fmt, const char *id)
{
    char rel[128];
    snprintf(rel, sizeof rel, fmt, id);
    json_t *o = json_object();
    json_object_set_new(o, "ics", json_string(rel));
    return o;
}

static json_t *hours_entry(const char *days, int from, int to)
{
    char a[8], b[8];
    hhmm_text(from, a, sizeof a);
    hhmm_text(to, b, sizeof b);
    json_t *o = json_object();
    json_object_set_new(o, "days", json_string(days));
    json_object_set_new(o, "from", json_string(a));
    json_object_set_new(o, "to", json_string(b));
    return o;
}

static json_t *provider_json(const struct gprov *p)
{
    json_t *o = json_object(), *ip = json_object(), *arr;

    json_object_set_new(o, "id", json_string(p->id));
    json_object_set_new(o, "name", json_string(p->name));
    json_object_set_new(o, "specialty", json_string(specs[p->spec].name));
    if (p->capacity > 1)
        json_object_set_new(o, "capacity", json_integer(p->capacity));
    json_object_set_new(ip, "place", json_string(places[p->place].id));
    if (p->hours_clinic) {
        arr = json_array();
        json_array_append_new(arr, hours_entry("MO,TU,WE,TH,FR", 7 * 60 + 30, 17 * 60));
        json_object_set_new(ip, "hours", arr);
    } else {
        arr = json_array();
        json_array_append_new(arr, source("calendars/providers/%s-clinic.ics", p->id));
        json_object_set_new(ip, "available", arr);
    }
    arr = json_array();
    json_array_append_new(arr, source("calendars/providers/%s-booked.ics", p->id));
    json_object_set_new(ip, "busy", arr);
    json_object_set_new(o, "in_person", ip);
    if (p->video) {
        json_t *t = json_object();
        char link[96];
        arr = json_array();
        json_array_append_new(arr, source("calendars/providers/%s-video.ics", p->id));
        json_object_set_new(t, "available", arr);
        snprintf(link, sizeof link, "https://video.example.org/%s", p->id);
        json_object_set_new(t, "link", json_string(link));
        json_object_set_new(o, "telehealth", t);
    }
    if (p->home) {
        json_t *h = json_object();
        arr = json_array();
        json_array_append_new(arr, hours_entry(p->home_days, p->home_from, p->home_to));
        json_object_set_new(h, "hours", arr);
        arr = json_array();
        json_array_append_new(arr, source("calendars/providers/%s-home-booked.ics", p->id));
        json_object_set_new(h, "busy", arr);
        json_object_set_new(o, "home", h);
    }
    return o;
}

static json_t *place_json(int p)
{
    const struct gplace *pl = &places[p];
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(pl->id));
    json_object_set_new(o, "name", json_string(pl->name));
    if (pl->lodging)
        json_object_set_new(o, "kind", json_string("lodging"));
    json_object_set_new(o, "address", json_string(pl->address));
    json_object_set_new(o, "lat", json_real(pl->lat));
    json_object_set_new(o, "lon", json_real(pl->lon));
    json_object_set_new(o, "timezone", json_string(zone_names[pl->zone]));
    return o;
}

static json_t *modes_json(unsigned modes)
{
    json_t *a = json_array();
    if (modes & MODE_IN_PERSON)
        json_array_append_new(a, json_string("in_person"));
    if (modes & MODE_TELEHEALTH)
        json_array_append_new(a, json_string("telehealth"));
    if (modes & MODE_HOME)
        json_array_append_new(a, json_string("home"));
    return a;
}

static const char *mode_name(int m)
{
    return m == MODE_TELEHEALTH ? "telehealth" : m == MODE_HOME ? "home" : "in_person";
}

static json_t *visit_json(const struct world *w, const struct family *f, const struct gvisit *v)
{
    json_t *o = json_object(), *win = json_object();
    char a[16], b[16];

    json_object_set_new(o, "id", json_string(v->id));
    json_object_set_new(o, "provider", json_string(w->provs[v->prov].id));
    json_object_set_new(o, "purpose", json_string(v->purpose));
    json_object_set_new(o, "minutes", json_integer(v->minutes));
    date_text(v->earliest, a, sizeof a);
    date_text(v->latest, b, sizeof b);
    json_object_set_new(win, "earliest", json_string(a));
    json_object_set_new(win, "latest", json_string(b));
    json_object_set_new(o, "window", win);
    json_object_set_new(o, "modes", modes_json(v->modes));
    if (v->prefer != MODE_IN_PERSON)
        json_object_set_new(o, "prefer", json_string(mode_name(v->prefer)));
    if (strcmp(v->priority, "routine") != 0)
        json_object_set_new(o, "priority", json_string(v->priority));
    if ((v->modes & MODE_TELEHEALTH) && v->tele_nurse)
        json_object_set_new(o, "telehealth_needs_nurse", json_true());
    if ((v->modes & MODE_HOME) && v->home_nurse)
        json_object_set_new(o, "home_needs_nurse", json_true());
    if (v->before >= 0 && !f->visits[v->before].dropped) {
        json_t *arr = json_array(), *b = json_object();
        json_object_set_new(b, "visit", json_string(f->visits[v->before].id));
        json_object_set_new(b, "min_gap_minutes", json_integer(v->before_min));
        if (v->before_max >= 0)
            json_object_set_new(b, "max_gap_minutes", json_integer(v->before_max));
        json_array_append_new(arr, b);
        json_object_set_new(o, "before", arr);
    }
    return o;
}

static json_t *case_json(struct world *w, const struct family *f)
{
    json_t *c = json_object(), *o, *arr;
    char a[16], b[16], name[160];
    bool prov_used[NSPECS * 3 + NCLINICS] = {false};
    bool place_used[NPLACES] = {false};
    static const char *const season[12] = {"winter", "winter", "spring", "spring",
                                           "spring", "summer", "summer", "summer",
                                           "fall",   "fall",   "fall",   "winter"};

    for (int i = 0; i < f->nvisits; i++) {
        if (!f->visits[i].dropped)
            prov_used[f->visits[i].prov] = true;
    }
    if (f->has_booking)
        prov_used[f->booking_prov] = true;
    for (int p = 0; p < w->nprovs; p++) {
        if (prov_used[p]) {
            place_used[w->provs[p].place] = true;
            w->provs[p].used = true;
        }
    }
    if (f->overnight)
        place_used[f->lodging] = true;

    json_object_set_new(c, "careday", json_integer(1));
    json_object_set_new(c, "id", json_string(f->id));
    snprintf(name, sizeof name, "%s \xe2\x80\x94 %s follow-ups", f->child,
             season[cal_civil_from_days(w->h0).month - 1]);
    json_object_set_new(c, "name", json_string(name));
    json_object_set_new(c, "timezone", json_string(zone_names[f->zone]));
    o = json_object();
    date_text(w->h0, a, sizeof a);
    date_text(w->h1, b, sizeof b);
    json_object_set_new(o, "start", json_string(a));
    json_object_set_new(o, "end", json_string(b));
    json_object_set_new(c, "horizon", o);

    /* family */
    {
        json_t *fam = json_object(), *home = json_object(), *day = json_object();
        json_t *lim = json_object(), *tele = json_object(), *night = json_object();
        json_object_set_new(fam, "id", json_string(f->id));
        json_object_set_new(fam, "language", json_string(f->language));
        json_object_set_new(home, "lat", json_real(f->lat));
        json_object_set_new(home, "lon", json_real(f->lon));
        json_object_set_new(fam, "home", home);
        arr = json_array();
        json_array_append_new(arr, source("calendars/%s/busy.ics", f->id));
        json_object_set_new(fam, "busy", arr);
        hhmm_text(f->earliest_departure, a, sizeof a);
        hhmm_text(f->latest_return, b, sizeof b);
        json_object_set_new(day, "earliest_departure", json_string(a));
        json_object_set_new(day, "latest_return", json_string(b));
        json_object_set_new(fam, "day", day);
        json_object_set_new(lim, "max_visits_per_day", json_integer(f->max_visits));
        json_object_set_new(lim, "max_clinic_minutes_per_day", json_integer(f->max_clinic));
        json_object_set_new(lim, "min_gap_minutes", json_integer(f->min_gap));
        json_object_set_new(fam, "limits", lim);
        json_object_set_new(tele, "ready", json_true());
        json_object_set_new(fam, "telehealth", tele);
        json_object_set_new(fam, "travel_needs_nurse", json_boolean(f->travel_nurse));
        json_object_set_new(night, "allowed", json_boolean(f->overnight));
        if (f->overnight) {
            json_object_set_new(night, "lodging", json_string(places[f->lodging].id));
            json_object_set_new(night, "max_nights", json_integer(f->max_nights));
        }
        json_object_set_new(fam, "overnight", night);
        json_object_set_new(c, "family", fam);
    }
    o = json_object();
    arr = json_array();
    json_array_append_new(arr, source("calendars/%s/home-nursing.ics", f->id));
    json_object_set_new(o, "shifts", arr);
    json_object_set_new(c, "nursing", o);

    arr = json_array();
    for (int p = 0; p < NPLACES; p++) {
        if (place_used[p])
            json_array_append_new(arr, place_json(p));
    }
    json_object_set_new(c, "places", arr);
    o = json_object();
    json_object_set_new(o, "detour_factor", json_real(TRAVEL_DETOUR));
    json_object_set_new(o, "speed_kmh", json_integer((json_int_t)TRAVEL_SPEED));
    json_object_set_new(o, "park_minutes", json_integer(TRAVEL_PARK));
    json_object_set_new(c, "travel", o);

    arr = json_array();
    for (int p = 0; p < w->nprovs; p++) {
        if (prov_used[p])
            json_array_append_new(arr, provider_json(&w->provs[p]));
    }
    json_object_set_new(c, "providers", arr);

    arr = json_array();
    for (int i = 0; i < f->nvisits; i++) {
        if (!f->visits[i].dropped)
            json_array_append_new(arr, visit_json(w, f, &f->visits[i]));
    }
    json_object_set_new(c, "visits", arr);

    if (f->has_booking) {
        const struct gprov *p = &w->provs[f->booking_prov];
        const cal_tz *tz = w->tz[places[p->place].zone];
        char start[32];
        json_t *bk = json_object();
        cal_format_rfc3339(f->booking_start, cal_tz_offset(tz, f->booking_start), false, start,
                           sizeof start);
        json_object_set_new(bk, "id", json_string("booked-1"));
        json_object_set_new(bk, "provider", json_string(p->id));
        json_object_set_new(bk, "purpose", json_string(f->booking_purpose));
        json_object_set_new(bk, "start", json_string(start));
        json_object_set_new(bk, "minutes", json_integer(f->booking_minutes));
        json_object_set_new(bk, "mode", json_string("in_person"));
        json_object_set_new(bk, "movable", json_false());
        arr = json_array();
        json_array_append_new(arr, bk);
        json_object_set_new(c, "booked", arr);
    }
    return c;
}

static int generate(const char *dir, uint64_t seed, int nfamilies, struct careday_error *err)
{
    struct world w;
    struct family *fams = NULL;
    struct out o = {dir, err};
    char rel[128];
    int rc, i;

    rc = world_make(&w, seed, nfamilies, err);
    if (rc)
        goto done;
    fams = calloc((size_t)nfamilies, sizeof *fams);
    if (!fams) {
        rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    for (i = 0; i < nfamilies; i++) {
        if (family_make(&fams[i], &w, i)) {
            rc = careday_fail(err, ADAPT_EINTERNAL, NULL, 0, NULL, "out of memory");
            goto done;
        }
    }
    snprintf(rel, sizeof rel, "%s/calendars/providers", dir);
    if (mkdir_p(rel) != 0) {
        rc = careday_fail(err, ADAPT_EINTERNAL, rel, 0, NULL, "cannot create the folder: %s",
                          strerror(errno));
        goto done;
    }
    for (i = 0; i < nfamilies && rc == 0; i++) {
        struct family *f = &fams[i];
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/calendars/%s", dir, f->id);
        if (mkdir_p(sub) != 0) {
            rc = careday_fail(err, ADAPT_EINTERNAL, sub, 0, NULL, "cannot create the folder: %s",
                              strerror(errno));
            break;
        }
        snprintf(rel, sizeof rel, "calendars/%s/busy.ics", f->id);
        rc = write_text(&o, rel, f->busy_ics.p, f->busy_ics.n);
        if (rc == 0) {
            snprintf(rel, sizeof rel, "calendars/%s/home-nursing.ics", f->id);
            rc = write_text(&o, rel, f->nursing_ics.p, f->nursing_ics.n);
        }
        if (rc == 0) {
            snprintf(rel, sizeof rel, "%s.json", f->id);
            rc = write_json(&o, rel, case_json(&w, f));
        }
    }
    for (i = 0; i < w.nprovs && rc == 0; i++) {
        if (w.provs[i].used)
            rc = write_provider_calendars(&o, &w, &w.provs[i]);
    }
    if (rc == 0 && nfamilies > 1) {
        json_t *cl = json_object(), *arr = json_array();
        char name[96];
        json_object_set_new(cl, "careday", json_integer(1));
        snprintf(name, sizeof name, "Generated caseload: %d families (seed %llu)", nfamilies,
                 (unsigned long long)seed);
        json_object_set_new(cl, "name", json_string(name));
        for (i = 0; i < nfamilies; i++) {
            snprintf(rel, sizeof rel, "%s.json", fams[i].id);
            json_array_append_new(arr, json_string(rel));
        }
        json_object_set_new(cl, "cases", arr);
        rc = write_json(&o, "caseload.json", cl);
    }
done:
    if (fams) {
        for (i = 0; i < nfamilies; i++)
            family_free(&fams[i]);
        free(fams);
    }
    world_free(&w);
    return rc;
}

/* ---------------------------------------------------------------------------
 * The command.
 */

static const char usage_gen[] =
    "usage: careday gen [--families N] [--seed S] -o DIR\n"
    "\n"
    "Write realistic synthetic cases: DIR/family-001.json ... with their\n"
    "calendars under DIR/calendars/, and with N > 1 DIR/caseload.json (the\n"
    "families share providers). The same seed always writes the same files.\n"
    "\n"
    "  --families N   number of families (default 1, at most 1000)\n"
    "  --seed S       seed, a whole number (default 1)\n"
    "  -o, --out DIR  folder to write into (created if missing)\n";

static int gen_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int gen_usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "careday gen: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: careday gen [--families N] [--seed S] -o DIR (see careday gen "
                    "--help)\n");
    return CLI_EXIT_BAD_INPUT;
}

static int parse_number(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    unsigned long long v;
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_gen(int argc, char **argv)
{
    const char *out = NULL;
    unsigned long long families = 1, seed = 1;
    struct careday_error err = {0};
    int i, rc;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_gen, stdout);
            return CLI_EXIT_OK;
        }
        if (strncmp(a, "--families=", 11) == 0 || strncmp(a, "--seed=", 7) == 0 ||
            strncmp(a, "--out=", 6) == 0) {
            val = strchr(a, '=') + 1;
        } else if (strcmp(a, "--families") == 0 || strcmp(a, "--seed") == 0 ||
                   strcmp(a, "-o") == 0 || strcmp(a, "--out") == 0) {
            if (i + 1 >= argc)
                return gen_usage_error("%s needs a value", a);
            val = argv[++i];
        } else {
            return gen_usage_error("unknown argument %s", a);
        }
        if (strncmp(a, "--families", 10) == 0) {
            if (parse_number(val, GEN_MAX_FAMILIES, &families) != 0 || families == 0)
                return gen_usage_error("--families: expected a number from 1 to 1000, found "
                                       "\"%s\"",
                                       val);
        } else if (strncmp(a, "--seed", 6) == 0) {
            if (parse_number(val, UINT64_MAX, &seed) != 0)
                return gen_usage_error("--seed: expected a whole number, found \"%s\"", val);
        } else {
            if (!*val)
                return gen_usage_error("%s needs a folder name", a);
            out = val;
        }
    }
    if (!out)
        return gen_usage_error("%s", "missing -o DIR");
    if (mkdir_p(out) != 0) {
        fprintf(stderr, "careday gen: %s: cannot create the folder: %s\n", out, strerror(errno));
        return CLI_EXIT_INTERNAL;
    }
    rc = generate(out, (uint64_t)seed, (int)families, &err);
    if (rc != 0) {
        char msg[2048];
        careday_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "careday gen: %s\n", msg);
        return rc == ADAPT_EINPUT ? CLI_EXIT_BAD_INPUT : CLI_EXIT_INTERNAL;
    }
    return CLI_EXIT_OK;
}
