/*
 * Travel minutes: haversine distance, the geometric fallback and the matrix
 * file, checked against numbers worked out by hand.
 */
#include "adapters/adapters.h"
#include "adapters/input/travel_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One degree of longitude on the equator: 6371 km * pi / 180. */
static void test_haversine_one_degree(void **state)
{
    (void)state;
    assert_true(fabs(adapt_haversine_km(0, 0, 0, 1) - 111.19493) < 1e-4);
    assert_true(fabs(adapt_haversine_km(0, 0, 1, 0) - 111.19493) < 1e-4);
    assert_true(fabs(adapt_haversine_km(10, 20, 10, 20)) < 1e-12);
}

/* Raleigh (35.7796, -78.6382) to Chapel Hill (35.904, -79.050):
 *   dphi = 0.0021712 rad, dlambda = -0.0071873 rad
 *   a = sin^2(dphi/2) + cos(phi1) cos(phi2) sin^2(dlambda/2)
 *     = 1.17852e-6 + 0.811272 * 0.810001 * 1.291414e-5 = 9.66480e-6
 *   c = 2 asin(sqrt(a)) = 0.00621766 rad, d = 6371 c = 39.6127 km. */
static void test_haversine_design_example(void **state)
{
    (void)state;
    assert_true(fabs(adapt_haversine_km(35.7796, -78.6382, 35.904, -79.050) - 39.6127) < 1e-3);
}

/* 111.19493 km * 1.3 / 70 km/h * 60 = 123.90 min -> 124;
 * 39.6127 km * 1.3 / 70 * 60 = 44.14 -> 44; with 1.5 and 50 km/h: 71.30 -> 71;
 * 1.12084 km * 1.3 / 70 * 60 = 1.249 -> 1. */
static void test_geo_minutes_rounding(void **state)
{
    struct adapt_travel_params p;
    (void)state;

    adapt_travel_params_default(&p);
    assert_true(p.detour_factor == 1.3);
    assert_true(p.speed_kmh == 70.0);
    assert_int_equal(p.park_minutes, 10);
    assert_int_equal(adapt_travel_geo_minutes(111.19493, &p), 124);
    assert_int_equal(adapt_travel_geo_minutes(39.6127, &p), 44);
    assert_int_equal(adapt_travel_geo_minutes(1.12084, &p), 1);
    assert_int_equal(adapt_travel_geo_minutes(0, &p), 0);
    p.detour_factor = 1.5;
    p.speed_kmh = 50;
    assert_int_equal(adapt_travel_geo_minutes(39.6127, &p), 71);
    /* 35 km * 1.5 / 50 * 60 = 63.0 exactly; 35.25 -> 63.45 -> 63; 35.3 -> 63.54 -> 64 */
    assert_int_equal(adapt_travel_geo_minutes(35.0, &p), 63);
    assert_int_equal(adapt_travel_geo_minutes(35.25, &p), 63);
    assert_int_equal(adapt_travel_geo_minutes(35.3, &p), 64);
}

/* A case with two places (unc, rmh) and home at the design's coordinates. */
static void small_case(struct sched_case *c)
{
    memset(c, 0, sizeof *c);
    c->nplaces = 2;
    c->places = calloc(2, sizeof *c->places);
    assert_non_null(c->places);
    c->places[0].id = "unc";
    c->places[0].lat = 35.904;
    c->places[0].lon = -79.050;
    c->places[1].id = "rmh";
    c->places[1].lat = 35.91;
    c->places[1].lon = -79.06;
    c->family.lat = 35.7796;
    c->family.lon = -78.6382;
}

static void free_small_case(struct sched_case *c)
{
    free(c->places);
    free(c->travel);
}

#define T(c, a, b) ((c)->travel[(a) * ((c)->nplaces + 1) + (b)])

static void test_build_geometry(void **state)
{
    struct sched_case c;
    struct adapt_travel_params p;
    struct careday_notes warn = {0};
    struct careday_error err = {0};
    (void)state;

    small_case(&c);
    adapt_travel_params_default(&p);
    p.park_minutes = 15;
    assert_int_equal(
        adapt_travel_build(&c, &p, NULL, NULL, "case.json", "travel.matrix", &warn, &err), 0);
    assert_non_null(c.travel);
    assert_int_equal(c.park_minutes, 15);
    /* home = index 2. Distances: home-unc 39.6127 km -> 44; home-rmh 40.6902 km
     * (45.34) -> 45; unc-rmh 1.1208 km -> 1. */
    assert_int_equal(T(&c, 2, 0), 44);
    assert_int_equal(T(&c, 0, 2), 44);
    assert_int_equal(T(&c, 2, 1), 45);
    assert_int_equal(T(&c, 0, 1), 1);
    assert_int_equal(T(&c, 1, 0), 1);
    assert_int_equal(T(&c, 0, 0), 0);
    assert_int_equal(T(&c, 2, 2), 0);
    assert_int_equal(warn.n, 0);
    free_small_case(&c);
}

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/careday-travel-XXXXXX");
    int fd;
    assert_non_null(path);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_build_matrix(void **state)
{
    struct sched_case c;
    struct adapt_travel_params p;
    struct careday_notes warn = {0};
    struct careday_error err = {0};
    char *path = write_temp("{\"minutes\": {\"home\": {\"unc\": 50},"
                            " \"unc\": {\"home\": 55, \"unc\": 3},"
                            " \"rmh\": {\"unc\": 7}}, \"note\": 1}");
    (void)state;

    small_case(&c);
    adapt_travel_params_default(&p);
    assert_int_equal(adapt_travel_build(&c, &p, path, "travel/minutes.json", "case.json",
                                        "travel.matrix", &warn, &err),
                     0);
    assert_int_equal(T(&c, 2, 0), 50); /* given home -> unc */
    assert_int_equal(T(&c, 0, 2), 55); /* given unc -> home: each way as given */
    assert_int_equal(T(&c, 1, 0), 7);  /* given rmh -> unc */
    assert_int_equal(T(&c, 0, 1), 7);  /* unc -> rmh not given: the other way */
    assert_int_equal(T(&c, 2, 1), 45); /* home -> rmh not given: geometry */
    assert_int_equal(T(&c, 0, 0), 0);  /* the diagonal stays 0 */
    /* Warnings: the unknown top-level field and the ignored diagonal. */
    assert_int_equal(warn.n, 2);
    assert_string_equal(warn.v[0].path, "note");
    assert_string_equal(warn.v[1].path, "minutes.unc.unc");
    careday_notes_free(&warn);
    free_small_case(&c);
    unlink(path);
    free(path);
}

static void expect_matrix_error(const char *text, const char *want_path, const char *want_text)
{
    struct sched_case c;
    struct adapt_travel_params p;
    struct careday_notes warn = {0};
    struct careday_error err = {0};
    char *path = write_temp(text);

    small_case(&c);
    adapt_travel_params_default(&p);
    assert_int_equal(
        adapt_travel_build(&c, &p, path, "m.json", "case.json", "travel.matrix", &warn, &err),
        ADAPT_EINPUT);
    assert_null(c.travel);
    assert_string_equal(err.file, "m.json");
    assert_string_equal(err.path, want_path);
    assert_non_null(strstr(err.text, want_text));
    assert_non_null(strstr(err.text, "case.json"));
    careday_notes_free(&warn);
    free_small_case(&c);
    unlink(path);
    free(path);
}

static void test_matrix_errors(void **state)
{
    (void)state;
    expect_matrix_error("{\"minutes\": {\"home\": {\"duke\": 20}}}", "minutes.home.duke",
                        "unknown place id \"duke\"");
    expect_matrix_error("{\"minutes\": {\"hospital\": {}}}", "minutes.hospital",
                        "unknown place id \"hospital\"");
    expect_matrix_error("{\"minutes\": {\"home\": {\"unc\": -5}}}", "minutes.home.unc",
                        "whole minutes");
    expect_matrix_error("{\"minutes\": {\"home\": {\"unc\": 12.5}}}", "minutes.home.unc",
                        "whole minutes");
    expect_matrix_error("{\"home\": {\"unc\": 12}}", "minutes", "missing required field");
    expect_matrix_error("{\"minutes\": {\"home\": {\"unc\": 12}", "", "malformed JSON at line 1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_haversine_one_degree),
        cmocka_unit_test(test_haversine_design_example),
        cmocka_unit_test(test_geo_minutes_rounding),
        cmocka_unit_test(test_build_geometry),
        cmocka_unit_test(test_build_matrix),
        cmocka_unit_test(test_matrix_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
