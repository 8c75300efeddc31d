/*
 * The case generator's private header: the world it invents (places,
 * specialties, providers), the families, and the pieces the files of
 * adapters/gen/ share. Nothing outside adapters/gen/ includes it.
 */
#ifndef CAREDAY_ADAPTERS_GEN_INTERNAL_H
#define CAREDAY_ADAPTERS_GEN_INTERNAL_H

#include "adapters/adapters.h"
#include "adapters/gen/gen.h"
#include "calendars/util.h"

#include <jansson.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GEN_SLOT 15               /* the planner's start grid, minutes */
#define GEN_DEFAULT_MAX_VISITS 15 /* without --visits: 8 to this many */

/* Deterministic random numbers: splitmix64, one stream per purpose
 * (gen_world.c). */
struct rng {
    uint64_t s;
};

struct rng gen_rng_stream(uint64_t seed, uint64_t stream);
int gen_rng_int(struct rng *r, int lo, int hi); /* uniform in [lo, hi] */
double gen_rng_unit(struct rng *r);
double gen_rng_range(struct rng *r, double lo, double hi);
bool gen_rng_chance(struct rng *r, double p);
void gen_rng_shuffle(struct rng *r, int *a, int n);

/* A list of intervals kept apart (calendar events; a cal_set would merge
 * back-to-back appointments into one). */
struct ivlist {
    struct cal_interval *v;
    size_t n, cap;
};

/* The world: places, specialties, providers. */

enum {
    PL_CHATTANOOGA,
    PL_CLEVELAND,
    PL_HUNTSVILLE,
    PL_RMH_CHATTANOOGA,
    PL_RMH_HUNTSVILLE,
    PL_DALTON, /* clinics 4 and 5: only with --places 4 or 5 */
    PL_FORT_PAYNE,
    NPLACES
};
#define NCLINICS 3 /* clinics of the default world: the first three places */
extern const int gen_clinics[GEN_MAX_CLINICS];

enum { TZ_EASTERN, TZ_CENTRAL, NZONES };
extern const char *const gen_zone_names[NZONES];

struct gplace {
    const char *id, *town, *name, *address;
    double lat, lon;
    int zone;
    bool lodging;
};

extern const struct gplace gen_places[NPLACES];

/* The lodging near each clinic (by place), -1 none. */
extern const int gen_lodging_near[NPLACES];

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

extern const struct gspec gen_specs[NSPECS];
extern const char *const gen_child_names[30];

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

#define GEN_MAX_PROVS (NSPECS * (3 + GEN_MAX_CLINICS - NCLINICS) + GEN_MAX_CLINICS)

struct world {
    uint64_t seed;
    int nfamilies;
    struct gen_knobs knobs;
    int nclinics; /* clinics in this world: gen_clinics[0 .. nclinics - 1] */
    cal_tz *tz[NZONES];
    int32_t h0, h1; /* horizon, inclusive day numbers */
    struct gprov *provs;
    int nprovs;
    int by_spec[NSPECS][8]; /* provider indices per specialty */
    int nby_spec[NSPECS];
    cal_time dtstamp;
};

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

/* A calendar being generated (gen_write.c). */
struct gen_ics {
    cal_writer *w;
    bool failed;
    int rc; /* why it failed (CAL_ENOMEM: out of memory) */
};

struct family {
    int index;
    char id[32];
    struct rng r;
    int zone;
    double lat, lon;
    bool place_ok[NPLACES]; /* by place; only clinics of the world are ever true */
    int round_trip[NPLACES];
    int leg[NPLACES]; /* one way, minutes, without parking */
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
    struct gen_ics busy_ics, nursing_ics;
    struct gvisit visits[GEN_MAX_VISITS + 4];
    int nvisits;
    bool has_booking;
    int booking_prov;
    cal_time booking_start;
    int booking_minutes;
    const char *booking_purpose;
};

/* gen_world.c */
cal_time gen_local_time(const struct world *w, int zone, int32_t day, int minute);
void gen_date_text(int32_t day, char *buf, size_t size);
void gen_hhmm_text(int minute, char *buf, size_t size);
int gen_drive_minutes(double lat1, double lon1, double lat2, double lon2);
int gen_world_make(struct world *w, uint64_t seed, int nfamilies, const struct gen_knobs *k,
                   struct careday_error *err);
void gen_world_free(struct world *w);

/* gen_family.c */
int gen_family_make(struct family *f, struct world *w, int index);
void gen_family_free(struct family *f);

/* gen_write.c: iCalendar text and the files of a generated case. */
struct out {
    const char *dir;
    struct careday_error *err;
};

/* Start g, a calendar named calname written by the project's writer
 * (calendars/ics_write.c); add events to it; write it to rel under the
 * output folder; free it. A failure sticks: the events after it are
 * dropped and gen_ics_write reports it. */
void gen_ics_begin(struct gen_ics *g, const struct world *w, const char *calname);
void gen_ics_event(struct gen_ics *g, const char *uid_prefix, int n, cal_time s, cal_time e,
                   const char *summary);
int gen_ics_write(const struct out *o, const char *rel, const struct gen_ics *g);
void gen_ics_free(struct gen_ics *g);
int gen_write_text(const struct out *o, const char *rel, const char *text, size_t len);
json_t *gen_case_json(struct world *w, const struct family *f);
int gen_write_json(const struct out *o, const char *rel, json_t *doc);
int gen_write_provider_calendars(const struct out *o, const struct world *w, const struct gprov *p);

#endif
