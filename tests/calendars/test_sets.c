/* Interval sets: hand-made cases plus a randomised comparison with a bitmap
 * model of the same sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "calendars/calendars.h"
#include "calendars/calendars_internal.h"

/* Assert s is exactly the given flat list of start,end pairs. */
static void expect_set(const struct cal_set *s, size_t n, const cal_time *pairs)
{
    assert_int_equal(s->n, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(s->iv[i].start, pairs[2 * i]);
        assert_int_equal(s->iv[i].end, pairs[2 * i + 1]);
    }
}

/* Sorted, disjoint, non-adjacent, non-empty. */
static void assert_normal(const struct cal_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        assert_true(s->iv[i].start < s->iv[i].end);
        if (i > 0)
            assert_true(s->iv[i - 1].end < s->iv[i].start);
    }
}

static void test_add_cases(void **state)
{
    (void)state;
    struct cal_set s = {0};
    assert_int_equal(cal_set_add(&s, 10, 20), CAL_OK);
    assert_int_equal(cal_set_add(&s, 30, 40), CAL_OK);
    assert_int_equal(cal_set_add(&s, 5, 5), CAL_OK);   /* empty: ignored */
    assert_int_equal(cal_set_add(&s, 50, 45), CAL_OK); /* inverted: ignored */
    expect_set(&s, 2, (cal_time[]){10, 20, 30, 40});

    cal_set_add(&s, 20, 25); /* adjacent on the right joins */
    expect_set(&s, 2, (cal_time[]){10, 25, 30, 40});
    cal_set_add(&s, 0, 5); /* before everything */
    expect_set(&s, 3, (cal_time[]){0, 5, 10, 25, 30, 40});
    cal_set_add(&s, 26, 29); /* in a gap, not touching */
    expect_set(&s, 4, (cal_time[]){0, 5, 10, 25, 26, 29, 30, 40});
    cal_set_add(&s, 25, 26); /* fills a gap exactly: three join */
    expect_set(&s, 3, (cal_time[]){0, 5, 10, 29, 30, 40});
    cal_set_add(&s, 12, 14); /* inside: nothing changes */
    expect_set(&s, 3, (cal_time[]){0, 5, 10, 29, 30, 40});
    cal_set_add(&s, 3, 35); /* spans several */
    expect_set(&s, 1, (cal_time[]){0, 40});
    cal_set_add(&s, -10, 100); /* swallows all */
    expect_set(&s, 1, (cal_time[]){-10, 100});
    assert_int_equal(cal_set_measure(&s), 110);
    cal_set_clear(&s);
    assert_int_equal(s.n, 0);
    assert_int_equal(cal_set_measure(&s), 0);
    cal_set_free(&s);
    cal_set_free(&s);
}

static void test_ops_cases(void **state)
{
    (void)state;
    struct cal_set a = {0}, b = {0}, out = {0};
    cal_set_add(&a, 0, 10);
    cal_set_add(&a, 20, 30);
    cal_set_add(&a, 40, 50);
    cal_set_add(&b, 5, 20);
    cal_set_add(&b, 25, 26);
    cal_set_add(&b, 45, 60);

    assert_int_equal(cal_set_union(&out, &a, &b), CAL_OK);
    expect_set(&out, 2, (cal_time[]){0, 30, 40, 60});
    assert_int_equal(cal_set_intersect(&out, &a, &b), CAL_OK);
    expect_set(&out, 3, (cal_time[]){5, 10, 25, 26, 45, 50});
    assert_int_equal(cal_set_subtract(&out, &a, &b), CAL_OK);
    expect_set(&out, 4, (cal_time[]){0, 5, 20, 25, 26, 30, 40, 45});
    assert_int_equal(cal_set_subtract(&out, &b, &a), CAL_OK);
    expect_set(&out, 2, (cal_time[]){10, 20, 50, 60});
    assert_int_equal(cal_set_union(&out, &a, &a), CAL_OK);
    expect_set(&out, 3, (cal_time[]){0, 10, 20, 30, 40, 50});
    assert_int_equal(cal_set_union(&a, &a, &b), CAL_EINVAL); /* aliasing refused */

    struct cal_set empty = {0};
    assert_int_equal(cal_set_intersect(&out, &a, &empty), CAL_OK);
    assert_int_equal(out.n, 0);
    assert_int_equal(cal_set_subtract(&out, &a, &empty), CAL_OK);
    expect_set(&out, 3, (cal_time[]){0, 10, 20, 30, 40, 50});

    assert_true(cal_set_covers(&a, 20, 30));
    assert_true(cal_set_covers(&a, 21, 29));
    assert_false(cal_set_covers(&a, 19, 25));
    assert_false(cal_set_covers(&a, 25, 41));
    assert_false(cal_set_covers(&a, 10, 20));
    assert_true(cal_set_covers(&a, 15, 15)); /* empty interval */
    assert_false(cal_set_covers(&empty, 1, 2));

    assert_true(cal_set_overlaps(&a, 9, 11));
    assert_false(cal_set_overlaps(&a, 10, 20)); /* touches both sides only */
    assert_true(cal_set_overlaps(&a, 10, 21));
    assert_true(cal_set_overlaps(&a, -5, 100));
    assert_false(cal_set_overlaps(&a, 50, 60));
    assert_false(cal_set_overlaps(&a, 5, 5));
    assert_false(cal_set_overlaps(&empty, 0, 100));

    /* In place. */
    struct cal_set c = {0};
    assert_int_equal(cal_set_copy(&c, &a), CAL_OK);
    expect_set(&c, 3, (cal_time[]){0, 10, 20, 30, 40, 50});
    assert_int_equal(cal_set_remove_set(&c, &b), CAL_OK);
    expect_set(&c, 4, (cal_time[]){0, 5, 20, 25, 26, 30, 40, 45});
    assert_int_equal(cal_set_add_set(&c, &b), CAL_OK);
    expect_set(&c, 2, (cal_time[]){0, 30, 40, 60});
    assert_int_equal(cal_set_keep_set(&c, &a), CAL_OK);
    expect_set(&c, 3, (cal_time[]){0, 10, 20, 30, 40, 50});
    assert_int_equal(cal_set_keep_set(&c, &c), CAL_OK);
    assert_int_equal(c.n, 3);
    assert_int_equal(cal_set_remove_set(&c, &c), CAL_OK);
    assert_int_equal(c.n, 0);

    cal_set_free(&a);
    cal_set_free(&b);
    cal_set_free(&c);
    cal_set_free(&out);
}

/* Bitmap model over [0, UNIVERSE). */
#define UNIVERSE 200

static void to_bits(const struct cal_set *s, unsigned char *bits)
{
    memset(bits, 0, UNIVERSE);
    for (size_t i = 0; i < s->n; i++)
        for (cal_time t = s->iv[i].start; t < s->iv[i].end; t++)
            bits[t] = 1;
}

static void random_set(struct cal_set *s, unsigned char *bits, unsigned *seed)
{
    cal_set_clear(s);
    memset(bits, 0, UNIVERSE);
    int k = rand_r(seed) % 12;
    for (int i = 0; i < k; i++) {
        cal_time a = rand_r(seed) % UNIVERSE;
        cal_time b = a + rand_r(seed) % 30;
        if (b > UNIVERSE)
            b = UNIVERSE;
        assert_int_equal(cal_set_add(s, a, b), CAL_OK);
        for (cal_time t = a; t < b; t++)
            bits[t] = 1;
    }
    assert_normal(s);
    unsigned char check[UNIVERSE];
    to_bits(s, check);
    assert_memory_equal(check, bits, UNIVERSE);
}

static void test_random_against_bitmap(void **state)
{
    (void)state;
    unsigned seed = 12345;
    struct cal_set a = {0}, b = {0}, out = {0}, in = {0};
    unsigned char ba[UNIVERSE], bb[UNIVERSE], bo[UNIVERSE], want[UNIVERSE];
    for (int round = 0; round < 3000; round++) {
        random_set(&a, ba, &seed);
        random_set(&b, bb, &seed);

        int64_t m = 0;
        for (int t = 0; t < UNIVERSE; t++)
            m += ba[t];
        assert_int_equal(cal_set_measure(&a), m);

        for (int op = 0; op < 3; op++) {
            for (int t = 0; t < UNIVERSE; t++)
                want[t] = op == 0 ? (ba[t] | bb[t]) : op == 1 ? (ba[t] & bb[t]) : (ba[t] & !bb[t]);
            int rc = op == 0   ? cal_set_union(&out, &a, &b)
                     : op == 1 ? cal_set_intersect(&out, &a, &b)
                               : cal_set_subtract(&out, &a, &b);
            assert_int_equal(rc, CAL_OK);
            assert_normal(&out);
            to_bits(&out, bo);
            assert_memory_equal(bo, want, UNIVERSE);

            assert_int_equal(cal_set_copy(&in, &a), CAL_OK);
            rc = op == 0   ? cal_set_add_set(&in, &b)
                 : op == 1 ? cal_set_keep_set(&in, &b)
                           : cal_set_remove_set(&in, &b);
            assert_int_equal(rc, CAL_OK);
            assert_normal(&in);
            to_bits(&in, bo);
            assert_memory_equal(bo, want, UNIVERSE);
        }

        for (int q = 0; q < 20; q++) {
            cal_time s = rand_r(&seed) % UNIVERSE;
            cal_time e = s + 1 + rand_r(&seed) % 20;
            if (e > UNIVERSE)
                e = UNIVERSE;
            bool all = true, any = false;
            for (cal_time t = s; t < e; t++) {
                all = all && ba[t];
                any = any || ba[t];
            }
            assert_int_equal(cal_set_covers(&a, s, e), all);
            assert_int_equal(cal_set_overlaps(&a, s, e), any);
        }
    }
    cal_set_free(&a);
    cal_set_free(&b);
    cal_set_free(&out);
    cal_set_free(&in);
}

static void test_allocation_failure(void **state)
{
    (void)state;
    struct cal_set a = {0}, b = {0}, out = {0};
    for (int i = 0; i < 8; i++)
        cal_set_add(&a, i * 10, i * 10 + 5);
    cal_set_add(&b, 3, 100);
    cal_set_add(&out, 1000, 1001);

    cal_alloc_fail_after(0);
    assert_int_equal(cal_set_add(&a, 100, 105), CAL_ENOMEM); /* needs to grow past 8 */
    assert_int_equal(a.n, 8);
    assert_int_equal(cal_set_union(&out, &a, &b), CAL_ENOMEM);
    /* out keeps its previous content when the operation fails. */
    expect_set(&out, 1, (cal_time[]){1000, 1001});
    assert_int_equal(cal_set_remove_set(&a, &b), CAL_ENOMEM);
    assert_int_equal(a.n, 8);
    cal_alloc_fail_after(-1);

    assert_int_equal(cal_set_remove_set(&a, &b), CAL_OK);
    expect_set(&a, 1, (cal_time[]){0, 3});
    cal_set_free(&a);
    cal_set_free(&b);
    cal_set_free(&out);
}

static void test_in_order_is_fast(void **state)
{
    (void)state;
    /* Two million in-order adds and a few out-of-order ones finish quickly
     * (amortised appends); a quadratic add would take minutes. */
    struct cal_set s = {0};
    clock_t c0 = clock();
    for (cal_time i = 0; i < 2000000; i++)
        assert_int_equal(cal_set_add(&s, i * 10, i * 10 + 5), CAL_OK);
    assert_int_equal(s.n, 2000000);
    cal_set_add(&s, 3, 12); /* joins the first two */
    assert_int_equal(s.n, 1999999);
    assert_int_equal(s.iv[0].end, 15);
    struct cal_set t = {0}, u = {0};
    cal_set_add(&t, 0, 10000000);
    assert_int_equal(cal_set_intersect(&u, &s, &t), CAL_OK);
    assert_int_equal(u.n, 999999);
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    assert_true(secs < 5.0);
    cal_set_free(&s);
    cal_set_free(&t);
    cal_set_free(&u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_cases),
        cmocka_unit_test(test_ops_cases),
        cmocka_unit_test(test_random_against_bitmap),
        cmocka_unit_test(test_allocation_failure),
        cmocka_unit_test(test_in_order_is_fast),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
