/* test_seen.c — core/seen.h (has a key been seen?) and the counting map's
 * in-place lookup (core/u64map.h), as campaigns.c uses them together:
 * keys seen twice are counted exactly, keys seen once mostly are not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/seen.h"
#include "core/u64map.h"

static void test_never_forgets(void **state)
{
    ms_seen s;
    assert_int_equal(ms_seen_init(&s, 100000), 0);
    for (uint64_t k = 0; k < 100000; k++)
        ms_seen_mark(&s, k * 0x9e3779b97f4a7c15ULL);
    for (uint64_t k = 0; k < 100000; k++)
        assert_int_equal(ms_seen_mark(&s, k * 0x9e3779b97f4a7c15ULL), 1);
    ms_seen_free(&s);
}

static void test_few_false_positives(void **state)
{
    ms_seen s;
    assert_int_equal(ms_seen_init(&s, 200000), 0);
    unsigned fp = 0;
    for (uint64_t k = 1; k <= 200000; k++)
        fp += (unsigned)ms_seen_mark(&s, ms_pair((uint32_t)k, (uint32_t)(k + 1)));
    /* All keys are new: each "seen" is a false positive; 16 bits a key
     * keeps them near 1%. */
    assert_true(fp < 200000 / 40);
    ms_seen_free(&s);
}

static void test_tiny(void **state)
{
    ms_seen s;
    assert_int_equal(ms_seen_init(&s, 0), 0);
    assert_int_equal(ms_seen_mark(&s, 42), 0);
    assert_int_equal(ms_seen_mark(&s, 42), 1);
    ms_seen_free(&s);
}

/* Pass 1 keeps the keys seen twice (count 0), pass 2 counts them. */
static void test_count_recurring(void **state)
{
    static const uint64_t keys[] = {7, 8, 7, 9, 7, 10, 8, 11};
    const size_t n = sizeof keys / sizeof *keys;
    ms_seen s;
    ms_u64map m = {0};
    assert_int_equal(ms_seen_init(&s, n), 0);
    for (size_t i = 0; i < n; i++)
        if (ms_seen_mark(&s, keys[i]))
            assert_int_equal(ms_u64map_add(&m, keys[i], 0), 0);
    ms_seen_free(&s);
    for (size_t i = 0; i < n; i++) {
        uint32_t *c = ms_u64map_find(&m, keys[i]);
        if (c)
            ++*c;
    }
    assert_int_equal(ms_u64map_get(&m, 7), 3);
    assert_int_equal(ms_u64map_get(&m, 8), 2);
    assert_null(ms_u64map_find(&m, 12));
    ms_u64map_free(&m);
    assert_null(ms_u64map_find(&m, 7));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_never_forgets),
        cmocka_unit_test(test_few_false_positives),
        cmocka_unit_test(test_tiny),
        cmocka_unit_test(test_count_recurring),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
