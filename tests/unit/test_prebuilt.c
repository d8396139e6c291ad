/* test_prebuilt.c — prefilter databases compiled ahead (parse/prebuilt.h):
 * exported databases are found again under their keys and give the hits a
 * fresh compile gives; a blob never stands in for other keys (a family
 * added after the build), and a damaged or cut blob is refused; the blob
 * the build linked into the CLI holds the databases of today's rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_config.h"
#include "parse/families.h"
#include "parse/prebuilt.h"
#include "parse/recognizer.h"
#include "prefilter_blob.h"

#if MS_HAVE_HYPERSCAN
#include <hs.h>
#endif

#if MS_HAVE_HYPERSCAN
static const char sample[] =
    "May  4 00:00:01 mx1 dovecot: imap-login: Disconnected (auth failed, 1 "
    "attempts in 2 secs): user=<bob>, method=PLAIN, rip=192.0.2.7, "
    "lip=198.51.100.1, session=<x>\n"
    "May  4 00:00:02 mx1 postfix/smtpd[12]: warning: unknown[192.0.2.8]: "
    "SASL LOGIN authentication failed: UGFzc3dvcmQ6\n"
    "May  4 00:00:03 mx1 sshd[9]: Failed password for invalid user admin "
    "from 192.0.2.9 port 22 ssh2\n"
    "May  4 00:00:04 mx1 testd[1]: zebra-word seen\n"
    "May  4 00:00:05 mx1 kernel: nothing to see, but a Login in passing\n";

static const char *const programs[] = {"testd", NULL};
static const ms_rule rules[] = {
    {"zebra", "zebra-word", "zebra-word", MS_OUT_AUTH_FAIL, MS_SVC_IMAP, 0,
     "bad", 0},
};
static const ms_family extra = {"testd", programs, MS_RULES(rules),
                                NULL, NULL, NULL, NULL};

/* The hits of sample under r, as "key@end," text. */
static char *hits_of(ms_recognizers *r, int coverage)
{
    ms_matcher *m = ms_matcher_new(r);
    assert_non_null(m);
    assert_non_null(ms_matcher_scratch(m));
    ms_hits h;
    assert_int_equal(ms_prefilter_scan(ms_matcher_scratch(m), sample,
                                       strlen(sample), coverage, &h), 0);
    char *s = calloc(h.n + 1, 16);
    assert_non_null(s);
    for (size_t i = 0; i < h.n; i++)
        sprintf(s + strlen(s), "%u@%u,", (unsigned)h.key[i], (unsigned)h.end[i]);
    ms_matcher_free(m);
    return s;
}

static ms_recognizers *fresh(const void *blob, size_t n, int with_extra)
{
    ms_error err = {0};
    ms_recognizers *r = ms_recognizers_new(&err);
    assert_non_null(r);
    if (with_extra)
        assert_int_equal(ms_recognizers_add(r, &extra, &err), 0);
    ms_recognizers_prebuilt(r, blob, n);
    return r;
}

static ms_buf exported(void)
{
    ms_error err = {0};
    ms_buf b = {0};
    ms_recognizers *r = fresh(NULL, 0, 0);
    assert_int_equal(ms_recognizers_export_prefilter(r, &b, &err), 0);
    assert_true(b.n > 1100);
    ms_recognizers_free(r);
    return b;
}

/* Recognisers given blob (with the extra family or not) find in sample
 * the hits of recognisers that compile their own. */
static void same_as_compiled(const ms_buf *b, int with_extra, int coverage)
{
    ms_recognizers *with = fresh(b->p, b->n, with_extra),
                   *without = fresh(NULL, 0, with_extra);
    char *x = hits_of(with, coverage), *y = hits_of(without, coverage);
    assert_string_equal(x, y);
    assert_non_null(strchr(x, ','));
    free(x);
    free(y);
    ms_recognizers_free(with);
    ms_recognizers_free(without);
}

#endif

static void test_key(void **state)
{
    (void)state;
    const char *a[] = {"abc", "def"}, *b[] = {"def", "abc"}, *c[] = {"abcd", "ef"};
    unsigned f0[] = {0, 0}, f1[] = {0, 1};
    uint64_t k = ms_prebuilt_key(a, f0, 2);
    assert_true(k == ms_prebuilt_key(a, f0, 2));
    assert_true(k != ms_prebuilt_key(b, f0, 2));
    assert_true(k != ms_prebuilt_key(c, f0, 2));
    assert_true(k != ms_prebuilt_key(a, f1, 2));
    assert_true(k != ms_prebuilt_key(a, f0, 1));
}

static void test_same_hits(void **state)
{
    (void)state;
#if MS_HAVE_HYPERSCAN
    ms_buf b = exported();
    /* Two databases, each found under its key. */
    uint64_t keys[3];
    assert_int_equal(ms_prebuilt_keys(b.p, b.n, keys, 3), 2);
    for (int i = 0; i < 2; i++) {
        hs_database_t *db = ms_prebuilt_find(b.p, b.n, keys[i]);
        assert_non_null(db);
        hs_free_database(db);
    }
    same_as_compiled(&b, 0, 0);
    same_as_compiled(&b, 0, 1);
    ms_buf_free(&b);
#else
    skip();
#endif
}

/* A family added after the build changes the keys: the blob must not be
 * used, or its literal would go unseen. */
static void test_other_keys_compiled(void **state)
{
    (void)state;
#if MS_HAVE_HYPERSCAN
    ms_buf b = exported();
    same_as_compiled(&b, 1, 0);
    ms_buf_free(&b);
#else
    skip();
#endif
}

static void test_damaged(void **state)
{
    (void)state;
#if MS_HAVE_HYPERSCAN
    ms_buf b = exported();
    uint64_t keys[2];
    assert_int_equal(ms_prebuilt_keys(b.p, b.n, keys, 2), 2);
    assert_null(ms_prebuilt_find(b.p, b.n, keys[0] ^ 1));
    assert_null(ms_prebuilt_find(NULL, 0, keys[0]));
    assert_int_equal(ms_prebuilt_keys(b.p, b.n - 1, keys, 2), 1);   /* cut */
    assert_null(ms_prebuilt_find(b.p, b.n - 1, keys[1]));
    b.p[16 + 1000] ^= 0x55;                                 /* damaged */
    assert_null(ms_prebuilt_find(b.p, b.n, keys[0]));
    /* Recognisers given it compile their own and still scan. */
    same_as_compiled(&b, 0, 0);
    ms_buf_free(&b);
#else
    skip();
#endif
}

/* The build's blob (cmd/gen_prefilter_blob.c) fits the built-in rows as
 * they are now: same keys as a fresh export, each found and usable. */
static void test_build_blob(void **state)
{
    (void)state;
#if MS_HAVE_HYPERSCAN
    ms_buf b = exported();
    uint64_t want[2], got[2];
    assert_int_equal(ms_prebuilt_keys(b.p, b.n, want, 2), 2);
    assert_int_equal(ms_prebuilt_keys(ms_prefilter_blob, ms_prefilter_blob_size,
                                      got, 2), 2);
    assert_memory_equal(got, want, sizeof want);
    for (int i = 0; i < 2; i++) {
        hs_database_t *db = ms_prebuilt_find(ms_prefilter_blob,
                                             ms_prefilter_blob_size, got[i]);
        assert_non_null(db);
        hs_free_database(db);
    }
    ms_buf_free(&b);
#else
    assert_int_equal(ms_prefilter_blob_size, 0);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key),
        cmocka_unit_test(test_same_hits),
        cmocka_unit_test(test_other_keys_compiled),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_build_blob),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
