/* test_intern.c — core/intern.h: ids in first-seen order whatever the
 * hash, every length (a word at a time and the bytes after), NUL bytes
 * inside, strings that differ only at their end or only by length,
 * growth through many rehashes, and the hashed calls with their hints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/intern.h"

static void test_ids_and_lengths(void **state)
{
    (void)state;
    ms_intern t;
    assert_int_equal(ms_intern_init(&t), 0);
    assert_int_equal(ms_intern_get(&t, "", 0), 0);
    /* "aaaa…" of every length 1..40, then each with its last byte changed,
     * then with a NUL in the middle. */
    char s[64];
    uint32_t want = 1;
    for (size_t n = 1; n <= 40; n++) {
        memset(s, 'a', n);
        assert_int_equal(ms_intern_put(&t, s, n), want++);
    }
    for (size_t n = 1; n <= 40; n++) {
        memset(s, 'a', n);
        s[n - 1] = 'b';
        assert_int_equal(ms_intern_put(&t, s, n), want++);
        s[n / 2] = '\0';
        if (n > 2)
            assert_int_equal(ms_intern_put(&t, s, n), want++);
    }
    for (size_t n = 1; n <= 40; n++) {
        memset(s, 'a', n);
        assert_int_equal(ms_intern_get(&t, s, n), (uint32_t)n);
        assert_int_equal(t.len[n], n);
        assert_memory_equal(t.str[n], s, n);
    }
    memset(s, 'a', 41);
    assert_int_equal(ms_intern_get(&t, s, 41), UINT32_MAX);
    ms_intern_free(&t);
}

/* A hundred thousand names: all found again, none twice. */
static void test_many(void **state)
{
    (void)state;
    ms_intern t;
    assert_int_equal(ms_intern_init(&t), 0);
    char s[32];
    for (unsigned i = 0; i < 100000; i++) {
        int n = snprintf(s, sizeof s, "user%u@example.org", i);
        assert_int_equal(ms_intern_put(&t, s, (size_t)n), i + 1);
    }
    for (unsigned i = 0; i < 100000; i += 7) {
        int n = snprintf(s, sizeof s, "user%u@example.org", i);
        assert_int_equal(ms_intern_put(&t, s, (size_t)n), i + 1);
    }
    assert_int_equal(t.n, 100001);
    ms_intern_free(&t);
}

/* The hashed calls: the same ids as ms_intern_put; hints change nothing;
 * and strings given one hash for all (every probe meets the others'
 * slots) still get ids of their own and are found again. */
static void test_hashed(void **state)
{
    (void)state;
    ms_intern t, same;
    assert_int_equal(ms_intern_init(&t), 0);
    assert_int_equal(ms_intern_init(&same), 0);
    char s[32];
    for (unsigned i = 0; i < 5000; i++) {
        int n = snprintf(s, sizeof s, "name%u", i % 3000);
        uint32_t h = ms_intern_hash(s, (size_t)n);
        ms_intern_prefetch(&t, h);
        ms_intern_prefetch_str(&t, h);
        uint32_t want = i < 3000 ? i + 1 : i % 3000 + 1;
        assert_int_equal(ms_intern_put_hashed(&t, s, (size_t)n, h), want);
        assert_int_equal(ms_intern_get(&t, s, (size_t)n), want);
        if (i < 600) {
            ms_intern_prefetch_str(&same, 7);
            assert_int_equal(ms_intern_put_hashed(&same, s, (size_t)n, 7),
                             i + 1);
        }
    }
    assert_int_equal(t.n, 3001);
    for (unsigned i = 0; i < 600; i++) {
        int n = snprintf(s, sizeof s, "name%u", i);
        assert_int_equal(ms_intern_put_hashed(&same, s, (size_t)n, 7), i + 1);
        assert_string_equal(same.str[i + 1], s);
    }
    assert_int_equal(same.n, 601);
    ms_intern_free(&t);
    ms_intern_free(&same);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_and_lengths),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_hashed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
