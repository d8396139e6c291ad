/* test_ahead.c — parse/ahead.h: the prefilter run ahead by a helper gives
 * every chunk the hits ms_prefilter_scan gives it, whether the helper or
 * the caller scanned it, block after block, with coverage words or not,
 * and stops cleanly mid-block; with no chunk free the helper does the idle
 * work it was given, until there is none, and again once kicked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse/ahead.h"
#include "parse/recognizer.h"

static ms_recognizers *r;

static int setup(void **state)
{
    (void)state;
    ms_error err = {0};
    r = ms_recognizers_new(&err);
    return r ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ms_recognizers_free(r);
    return 0;
}

/* n lines of mail log, some an attempt, some not; the chunk ends. */
static char *make_block(size_t lines, size_t *len, size_t *ends,
                        size_t *nchunks, size_t per_chunk)
{
    static const char *const kinds[] = {
        "dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): "
        "user=<u%zu>, method=PLAIN, rip=192.0.2.%zu, lip=10.0.0.1",
        "postfix/smtpd[12]: connect from unknown[198.51.100.%zu] n=%zu",
        "postfix/qmgr[9]: 4F2A1%zu: removed (%zu)",
        "sshd[7]: Failed password for invalid user x%zu from 203.0.113.%zu port 22 ssh2",
        "kernel: nothing at all here %zu %zu",
    };
    char *text = malloc(lines * 200);
    assert_non_null(text);
    size_t n = 0, k = 0;
    for (size_t i = 0; i < lines; i++) {
        n += (size_t)sprintf(text + n, "May  4 00:00:%02zu mx1 ", i % 60);
        n += (size_t)sprintf(text + n, kinds[i % 5], i, i % 250);
        text[n++] = '\n';
        if ((i + 1) % per_chunk == 0 || i + 1 == lines)
            ends[k++] = n;
    }
    *len = n;
    *nchunks = k;
    return text;
}

static void same_hits(const ms_hits *a, const ms_hits *b)
{
    assert_int_equal(a->n, b->n);
    if (a->n) {
        assert_memory_equal(a->end, b->end, a->n * sizeof *a->end);
        assert_memory_equal(a->key, b->key, a->n * sizeof *a->key);
    }
}

/* slow: the caller takes its time per chunk, so the helper runs ahead. */
static void check(int coverage, int slow)
{
    ms_matcher *m = ms_matcher_new(r);
    assert_non_null(m);
    if (!ms_matcher_scratch(m)) {
        ms_matcher_free(m);
        skip();
    }
    ms_ahead *a = ms_ahead_new(ms_recognizers_prefilter(r), coverage);
    assert_non_null(a);
    size_t ends[64], n, len;
    char *text = make_block(3000, &len, ends, &n, 100);
    for (int round = 0; round < 3; round++) {
        ms_ahead_begin(a, text, ends, n);
        for (size_t k = 0; k < n; k++) {
            size_t from = k ? ends[k - 1] : 0;
            ms_hits want, got;
            assert_int_equal(ms_prefilter_scan(ms_matcher_scratch(m), text + from, ends[k] - from,
                                               coverage, &want), 0);
            assert_true(want.n > 0);
            assert_int_equal(ms_ahead_hits(a, k, &got), 0);
            same_hits(&want, &got);
            if (slow) {
                struct timespec ts = {0, 200000};
                nanosleep(&ts, NULL);
            }
            ms_ahead_done(a, k);
        }
        ms_ahead_end(a);
    }
    /* A block left half way: end, then free, with the helper mid-scan. */
    ms_ahead_begin(a, text, ends, n);
    ms_hits got;
    assert_int_equal(ms_ahead_hits(a, 0, &got), 0);
    ms_ahead_done(a, 0);
    ms_ahead_end(a);
    ms_ahead_free(a);
    free(text);
    ms_matcher_free(m);
}

static void test_same_hits(void **state)
{
    (void)state;
    check(0, 0);
}

static void test_same_hits_helper_ahead(void **state)
{
    (void)state;
    check(0, 1);
}

static void test_same_hits_coverage(void **state)
{
    (void)state;
    check(1, 1);
}

/* Skips the test when this build has no prefilter. */
static void need_prefilter(void)
{
    ms_matcher *m = ms_matcher_new(r);
    assert_non_null(m);
    int has = ms_matcher_scratch(m) != NULL;
    ms_matcher_free(m);
    if (!has)
        skip();
}

/* Idle work: `left` units; each call does one. */
typedef struct work {
    atomic_int left, calls;
} work;

static int one_unit(void *ctx)
{
    work *w = ctx;
    atomic_fetch_add(&w->calls, 1);
    int n = atomic_load(&w->left);
    while (n > 0 && !atomic_compare_exchange_weak(&w->left, &n, n - 1))
        ;
    return n > 0;
}

static void wait_for(atomic_int *v, int want)
{
    for (int i = 0; i < 20000 && atomic_load(v) != want; i++) {
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
    }
    assert_int_equal(atomic_load(v), want);
}

/* A block walked to its end through the helper: every chunk has hits. */
static void walk_block(ms_ahead *a, const char *text, const size_t *ends,
                       size_t n)
{
    ms_ahead_begin(a, text, ends, n);
    for (size_t k = 0; k < n; k++) {
        ms_hits got;
        assert_int_equal(ms_ahead_hits(a, k, &got), 0);
        assert_true(got.n > 0);
        ms_ahead_done(a, k);
    }
    ms_ahead_end(a);
}

static void test_idle_work(void **state)
{
    (void)state;
    need_prefilter();
    ms_ahead *a = ms_ahead_new(ms_recognizers_prefilter(r), 0);
    assert_non_null(a);
    work w = {0};
    atomic_store(&w.left, 50);
    ms_ahead_idle(a, one_unit, &w);
    wait_for(&w.left, 0);            /* all done, by the helper alone */
    /* Then it waits: no call while nothing is said. */
    struct timespec ts = {0, 20000000};
    nanosleep(&ts, NULL);
    int calls = atomic_load(&w.calls);
    nanosleep(&ts, NULL);
    assert_int_equal(atomic_load(&w.calls), calls);
    /* New work and a kick: done too. */
    atomic_store(&w.left, 7);
    ms_ahead_kick(a);
    wait_for(&w.left, 0);
    /* Chunks still come first, and come out right. */
    size_t ends[64], n, len;
    char *text = make_block(1000, &len, ends, &n, 100);
    walk_block(a, text, ends, n);
    ms_ahead_free(a);
    free(text);
}

/* Idle work that takes a while and finds nothing: the helper is in it,
 * unlocked, when the caller frees the helper or begins a block. */
typedef struct slow_idle {
    atomic_int entered;
} slow_idle;

static int nothing_slowly(void *ctx)
{
    slow_idle *w = ctx;
    atomic_fetch_add(&w->entered, 1);
    struct timespec ts = {0, 20000000};
    nanosleep(&ts, NULL);
    return 0;
}

/* Regression: after idle work the helper went straight to waiting, so a
 * stop (or a block) that came meanwhile was never seen: ms_ahead_free
 * hung (a `.gz` or plain file now and then, on two cores). */
static void test_stop_during_idle(void **state)
{
    (void)state;
    need_prefilter();
    size_t ends[64], n, len;
    char *text = make_block(1000, &len, ends, &n, 100);
    for (int round = 0; round < 3; round++) {
        ms_ahead *a = ms_ahead_new(ms_recognizers_prefilter(r), 0);
        assert_non_null(a);
        slow_idle w = {0};
        ms_ahead_idle(a, nothing_slowly, &w);
        wait_for(&w.entered, 1);
        if (round == 1) {
            /* A block begun meanwhile, walked to its end. */
            walk_block(a, text, ends, n);
        }
        ms_ahead_free(a);   /* hung here before the fix */
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_hits),
        cmocka_unit_test(test_same_hits_helper_ahead),
        cmocka_unit_test(test_same_hits_coverage),
        cmocka_unit_test(test_idle_work),
        cmocka_unit_test(test_stop_during_idle),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
