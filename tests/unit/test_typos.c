/* test_typos.c — analyze/typos.c: the near-miss rule (case, a dropped
 * domain or dot, another domain, one edit up to 5 bytes and two from 6,
 * transpositions), its boundaries, hostile names (long, invalid UTF-8,
 * NULs), and the index that finds a real account a name is a slip of. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "analyze/typos.h"

static int near(const char *a, const char *b)
{
    int x = ms_near_miss(a, strlen(a), b, strlen(b));
    assert_int_equal(x, ms_near_miss(b, strlen(b), a, strlen(a)));
    return x;
}

static void test_slips(void **state)
{
    (void)state;
    assert_true(near("j.miler@example.org", "j.miller@example.org"));   /* dropped */
    assert_true(near("j.millre@example.org", "j.miller@example.org"));  /* swapped */
    assert_true(near("j.mlier@example.org", "j.miller@example.org"));   /* 2 edits */
    assert_true(near("jmiller@example.org", "j.miller@example.org"));   /* no dot */
    assert_true(near("jrmiller", "j.r.miller"));                        /* no dots */
    assert_true(near("jrli", "j.r.li"));   /* two dots out of a short name */
    assert_true(near("j.miller", "j.miller@example.org"));              /* no domain */
    assert_true(near("J.Miller@Example.org", "j.miller@example.org"));  /* case */
    assert_true(near("j.miller@example.net", "j.miller@example.org"));  /* domain */
    assert_true(near("dann", "dan"));
    assert_true(near("jmiler", "j.miller@example.org"));   /* no domain, 2 edits */
}

static void test_boundaries(void **state)
{
    (void)state;
    /* Up to 5 bytes: one edit; two edits make another name. */
    assert_true(near("mary", "mray"));
    assert_false(near("mary", "mrya"));
    assert_false(near("mary", "gary2"));
    assert_true(near("bobby", "boby"));
    assert_false(near("bob", "bobby"));
    /* From 6 bytes: two edits, not three. */
    assert_true(near("andrew", "andwer"));
    assert_true(near("andrew", "adnrwe"));
    assert_false(near("andrew", "nadrwe1"));
    assert_false(near("richard", "robert"));
    /* Under 3 bytes: equality (and case) only. */
    assert_false(near("al", "ab"));
    assert_true(near("Al", "al"));
    /* Another domain and a slip: two mistakes, another name. */
    assert_false(near("j.miler@example.net", "j.miller@example.org"));
    /* Empty names and empty local parts are nobody's slip. */
    assert_false(near("", "a"));
    assert_false(near("@example.org", "a@example.org"));
    assert_int_equal(ms_typo_edits(2), 0);
    assert_int_equal(ms_typo_edits(3), 1);
    assert_int_equal(ms_typo_edits(5), 1);
    assert_int_equal(ms_typo_edits(6), 2);
    assert_int_equal(ms_typo_edits(MS_TYPO_MAX_LEN + 1), 0);
}

static void test_hostile(void **state)
{
    (void)state;
    char a[5000], b[5000];
    memset(a, 'x', sizeof a - 1);
    a[sizeof a - 1] = '\0';
    memcpy(b, a, sizeof b);
    b[100] = 'y';
    /* Past MS_TYPO_MAX_LEN only equality counts. */
    assert_false(near(a, b));
    assert_true(ms_near_miss(a, 4999, a, 4999));
    /* Invalid UTF-8 is bytes like any other. */
    assert_true(near("j\xff\xfe.miller", "j\xff\xfe.milller"));
    assert_false(near("\xc3\x28\xa0\xa1", "\xff\xfe\xfd\xfc"));
    /* A NUL inside a name is a byte too. */
    assert_true(ms_near_miss("ab\0cdef", 7, "ab\0cdeg", 7));
}

static void test_index(void **state)
{
    (void)state;
    ms_intern real;
    assert_int_equal(ms_intern_init(&real), 0);
    const char *names[] = {"j.miller@example.org", "lisa_martin@example.net",
                           "amy@example.org", "info@example.org", "allie@example.org"};
    for (size_t i = 0; i < 5; i++)
        assert_int_not_equal(ms_intern_put(&real, names[i], strlen(names[i])),
                             UINT32_MAX);
    ms_typo_index x;
    assert_int_equal(ms_typo_index_init(&x, &real), 0);
#define FIND(s) ms_typo_index_find(&x, s, strlen(s))
    assert_string_equal(real.str[FIND("jmiler@example.org")], "j.miller@example.org");
    assert_string_equal(real.str[FIND("lisa_mratin@example.net")],
                        "lisa_martin@example.net");
    assert_string_equal(real.str[FIND("lisamartin")], "lisa_martin@example.net");
    assert_string_equal(real.str[FIND("Amy@example.org")], "amy@example.org");
    assert_string_equal(real.str[FIND("alie@example.org")], "allie@example.org");
    assert_int_equal(FIND("alice@example.org"), UINT32_MAX);   /* 2 edits in 5 */
    assert_int_equal(FIND("j.miller@example.org"), UINT32_MAX);   /* itself */
    assert_int_equal(FIND("root"), UINT32_MAX);
    assert_int_equal(FIND("ayme@example.org"), UINT32_MAX);       /* 2 edits */
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(FIND(longname), UINT32_MAX);
#undef FIND
    ms_typo_index_free(&x);
    ms_intern_free(&real);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slips),
        cmocka_unit_test(test_boundaries),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
