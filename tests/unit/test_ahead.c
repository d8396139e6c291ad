/* test_ahead.c — parse/ahead.h: the prefilter run ahead by a helper gives
 * every chunk the hits ms_prefilter_scan gives it, whether the helper or
 * the caller scanned it, block after block, with coverage words or not,
 * and stops cleanly mid-block; with no chunk free the helper reads the
 * lines ahead until their ring is full, and again once a block comes; it
 * stops cleanly while it reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* A file's lines, made for a helper to read ahead. */
typedef struct input {
    char *path;
    ms_reader *rd;
    ms_lines *l;
} input;

static input open_input(const char *data, size_t n, size_t slot)
{
    input in = {.path = strdup("/tmp/ms_test_ahead_XXXXXX")};
    int fd = mkstemp(in.path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    in.rd = ms_reader_open(in.path, NULL, NULL);
    assert_non_null(in.rd);
    in.l = ms_lines_new(in.rd, &(ms_lines_opts){100, slot, true});
    assert_non_null(in.l);
    return in;
}

static void close_input(input *in)
{
    ms_lines_free(in->l);
    ms_reader_close(in->rd);
    unlink(in->path);
    free(in->path);
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
    input in = open_input("a line\n", 7, 0);
    ms_ahead *a = ms_ahead_new(ms_recognizers_prefilter(r), coverage, in.l);
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
    close_input(&in);
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
    if (!ms_recognizers_prefilter(r))
        skip();
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

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, ms % 1000 * 1000000};
    nanosleep(&ts, NULL);
}

/* With no chunk to scan, the helper fills the lines' ring; when the ring
 * is full it waits, and a block (the reading gave back a slot) sends it
 * reading again. The probe: ms_lines_step here finds nothing to do only
 * when the helper filled every free slot. */
static void test_reads_ahead(void **state)
{
    (void)state;
    need_prefilter();
    size_t n = 64 * 4096;
    char *data = malloc(n);
    assert_non_null(data);
    for (size_t i = 0; i < n; i++)
        data[i] = i % 64 == 63 ? '\n' : 'x';
    input in = open_input(data, n, 4096);
    ms_ahead *a = ms_ahead_new(ms_recognizers_prefilter(r), 0, in.l);
    assert_non_null(a);
    pause_ms(200);
    assert_int_equal(ms_lines_step(in.l), 0);   /* full, by the helper */
    const char *b;
    size_t len;
    for (int i = 0; i < 2; i++)   /* the second gives back the first slot */
        assert_int_equal(ms_lines_block(in.l, &b, &len, NULL), 1);
    size_t ends[64], nchunks, tlen;
    char *text = make_block(1000, &tlen, ends, &nchunks, 100);
    walk_block(a, text, ends, nchunks);   /* chunks come first, right */
    pause_ms(200);
    assert_int_equal(ms_lines_step(in.l), 0);   /* filled again */
    ms_ahead_free(a);
    close_input(&in);
    free(text);
    free(data);
}

/* Regression: after reading ahead the helper went straight to waiting, so
 * a stop (or a block) that came meanwhile was never seen: ms_ahead_free
 * hung (a `.gz` or plain file now and then, on two cores). Here the helper
 * reads slot after slot of a big file when it is stopped. */
static void test_stop_while_reading(void **state)
{
    (void)state;
    need_prefilter();
    size_t big = 24u << 20;
    char *data = malloc(big);
    assert_non_null(data);
    for (size_t i = 0; i < big; i++)
        data[i] = i % 100 == 99 ? '\n' : 'y';
    size_t ends[64], n, len;
    char *text = make_block(1000, &len, ends, &n, 100);
    for (int round = 0; round < 3; round++) {
        input in = open_input(data, big, 0);
        ms_ahead *a = ms_ahead_new(ms_recognizers_prefilter(r), 0, in.l);
        assert_non_null(a);
        pause_ms(round * 5);
        if (round == 1)
            walk_block(a, text, ends, n);   /* a block begun meanwhile */
        ms_ahead_free(a);   /* hung here before the fix */
        close_input(&in);
    }
    free(text);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_hits),
        cmocka_unit_test(test_same_hits_helper_ahead),
        cmocka_unit_test(test_same_hits_coverage),
        cmocka_unit_test(test_reads_ahead),
        cmocka_unit_test(test_stop_while_reading),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
