/* test_lines.c — ms_lines: line ends, NUL bytes, a last line without '\n',
 * long lines cut at max_line, and numbering across slots (tiny slots make
 * every line straddle one); a compressed file read by a helper stepping
 * the lines, or by the reading itself, gives the lines and the error it
 * gives read by the lines' own thread; blocks put together are the file. */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "input/lines.h"

typedef struct fixture {
    char *path;
    ms_reader *r;
    ms_lines *l;
} fixture;

/* data in a file, its reader open; no lines yet. */
static fixture open_file(const char *data, size_t n)
{
    fixture f = {.path = strdup("/tmp/ms_test_lines_XXXXXX")};
    int fd = mkstemp(f.path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    f.r = ms_reader_open(f.path, NULL, NULL);
    assert_non_null(f.r);
    return f;
}

/* Its lines, read slot bytes at a time (0: the default); helped: by a
 * helper (or the reading), never by a thread of the lines' own. */
static fixture open_lines(const char *data, size_t n, size_t max_line,
                          size_t slot, bool helped)
{
    fixture f = open_file(data, n);
    f.l = ms_lines_new(f.r, &(ms_lines_opts){max_line, slot, helped});
    assert_non_null(f.l);
    return f;
}

static fixture open_text(const char *data, size_t n, size_t max_line,
                         size_t slot)
{
    return open_lines(data, n, max_line, slot, false);
}

static void close_text(fixture *f)
{
    ms_lines_free(f->l);
    ms_reader_close(f->r);
    unlink(f->path);
    free(f->path);
}

static void expect(fixture *f, const char *want, size_t n, bool cut)
{
    const char *s;
    size_t len;
    assert_int_equal(ms_lines_next(f->l, &s, &len, NULL), 1);
    assert_int_equal(len, n);
    assert_memory_equal(s, want, n);
    assert_int_equal(ms_lines_was_cut(f->l), cut);
}

static void expect_end(fixture *f)
{
    const char *s;
    size_t len;
    assert_int_equal(ms_lines_next(f->l, &s, &len, NULL), 0);
    assert_int_equal(ms_lines_next(f->l, &s, &len, NULL), 0);
}

static const size_t sizes[] = {0, 1, 2, 3, 5, 16};

static void test_line_ends(void **state)
{
    static const char in[] = "a\r\nbb\n\n\r\nc\rd\nlast";
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        fixture f = open_text(in, sizeof in - 1, 100, sizes[i]);
        expect(&f, "a", 1, false);
        expect(&f, "bb", 2, false);
        expect(&f, "", 0, false);
        expect(&f, "", 0, false);
        expect(&f, "c\rd", 3, false);
        expect(&f, "last", 4, false);
        assert_int_equal(ms_lines_number(f.l), 6);
        expect_end(&f);
        close_text(&f);
    }
}

static void test_nul_bytes(void **state)
{
    static const char in[] = "a\0b\n\0\n";
    fixture f = open_text(in, sizeof in - 1, 100, 0);
    expect(&f, "a\0b", 3, false);
    expect(&f, "\0", 1, false);
    expect_end(&f);
    close_text(&f);
}

static void test_empty(void **state)
{
    fixture f = open_text("", 0, 100, 0);
    expect_end(&f);
    assert_int_equal(ms_lines_number(f.l), 0);
    close_text(&f);
    f = open_text("\n", 1, 100, 0);
    expect(&f, "", 0, false);
    expect_end(&f);
    close_text(&f);
}

static void test_long_lines(void **state)
{
    char in[400];
    int n = snprintf(in, sizeof in, "%s\n%s\r\n%s\r\n%s\n%s",
                     "0123456789abcdefghijklmnopqrstuvwxyz", /* cut */
                     "0123456789",                           /* fits */
                     "0123456789a",                          /* cut */
                     "short",
                     "0123456789ABCDEFGHIJ");                /* cut, last */
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        fixture f = open_text(in, (size_t)n, 10, sizes[i]);
        expect(&f, "0123456789", 10, true);
        expect(&f, "0123456789", 10, false);
        expect(&f, "0123456789", 10, true);
        expect(&f, "short", 5, false);
        assert_int_equal(ms_lines_number(f.l), 4);
        expect(&f, "0123456789", 10, true);
        assert_int_equal(ms_lines_number(f.l), 5);
        expect_end(&f);
        close_text(&f);
    }
}

/* A line far longer than a slot is cut and skipped. */
static void test_huge_line(void **state)
{
    size_t n = 10 << 20;
    char *in = malloc(n);
    memset(in, 'x', n);
    memcpy(in + n - 5, "\nok\r\n", 5);
    fixture f = open_text(in, n, 1000, 64);
    const char *s;
    size_t len;
    assert_int_equal(ms_lines_next(f.l, &s, &len, NULL), 1);
    assert_int_equal(len, 1000);
    assert_true(ms_lines_was_cut(f.l));
    expect(&f, "ok", 2, false);
    assert_int_equal(ms_lines_number(f.l), 2);
    expect_end(&f);
    close_text(&f);
    free(in);
}

static void test_numbering_across_slots(void **state)
{
    size_t cap = 1 << 20, n = 0;
    char *in = malloc(cap);
    for (int i = 1; i <= 20000; i++)
        n += (size_t)snprintf(in + n, cap - n, "line %d%s\n", i,
                              i % 3 ? "" : "\r");
    size_t slots[] = {7, 13, 4096, 0};
    for (size_t b = 0; b < sizeof slots / sizeof *slots; b++) {
        fixture f = open_text(in, n, 64, slots[b]);
        char want[32];
        for (int i = 1; i <= 20000; i++) {
            int w = snprintf(want, sizeof want, "line %d", i);
            expect(&f, want, (size_t)w, false);
            assert_int_equal(ms_lines_number(f.l), (uint64_t)i);
        }
        expect_end(&f);
        close_text(&f);
    }
    free(in);
}

/* "entry 0\n" … up to n bytes, gzipped; its size in *gn. */
static unsigned char *entries_gz(size_t n, size_t *gn)
{
    char *in = malloc(n);
    unsigned char *gz = malloc(n + 1024);
    assert_non_null(in);
    assert_non_null(gz);
    size_t k = 0;
    for (int i = 0; k + 32 < n; i++)
        k += (size_t)snprintf(in + k, n - k, "entry %d\n", i);
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)k;
    z.next_out = gz;
    z.avail_out = (uInt)(n + 1024);
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *gn = z.total_out;
    deflateEnd(&z);
    free(in);
    return gz;
}

/* Reads every line, expecting "entry 0", "entry 1", …; the last return
 * code (0 or -1) and the number of lines in *count. */
static int read_entries(fixture *f, ms_error *err, int *count)
{
    const char *s;
    size_t len;
    int rc, i = 0;
    char want[32];
    while ((rc = ms_lines_next(f->l, &s, &len, err)) == 1) {
        int w = snprintf(want, sizeof want, "entry %d", i++);
        assert_int_equal(len, (size_t)w);
        assert_memory_equal(s, want, len);
    }
    *count = i;
    return rc;
}

/* A truncated archive: the complete lines, then -1, then 0. */
static void test_reader_error(void **state)
{
    (void)state;
    size_t gn;
    unsigned char *gz = entries_gz(64000, &gn);
    fixture f = open_text((char *)gz, gn * 2 / 3, 100, 0);
    ms_error err = {0};
    int i;
    assert_int_equal(read_entries(&f, &err, &i), -1);
    assert_int_equal(err.code, MS_ERR_DATA);
    assert_true(i > 0);
    assert_int_equal(ms_lines_number(f.l), (uint64_t)i);
    expect_end(&f);
    close_text(&f);
    free(gz);
}

typedef struct stepper {
    ms_lines *l;
    atomic_bool stop;
    atomic_int steps;
    pthread_t tid;
} stepper;

static void *step_loop(void *arg)
{
    stepper *st = arg;
    while (!atomic_load(&st->stop))
        if (ms_lines_step(st->l))
            atomic_fetch_add(&st->steps, 1);
    return NULL;
}

/* Lines stepped by a helper or by nobody (the reading fills each slot
 * itself) give the lines their own thread gives, whole or cut short. */
static void shared_feed(bool helper, bool truncated)
{
    size_t gn;
    unsigned char *gz = entries_gz(6u << 20, &gn);   /* several slots */
    size_t keep = truncated ? gn * 2 / 3 : gn;
    fixture a = open_text((char *)gz, keep, 100, 0);
    ms_error ea = {0}, eb = {0};
    int na, nb;
    int ra = read_entries(&a, &ea, &na);
    close_text(&a);

    fixture b = open_lines((char *)gz, keep, 100, 0, true);
    stepper st = {.l = b.l};
    if (helper) {
        assert_int_equal(pthread_create(&st.tid, NULL, step_loop, &st), 0);
        /* Its first slot read before the reading starts: on a loaded
         * machine the reading could otherwise fill every slot itself. */
        while (atomic_load(&st.steps) == 0)
            sched_yield();
    }
    int rb = read_entries(&b, &eb, &nb);
    if (helper) {
        atomic_store(&st.stop, true);
        pthread_join(st.tid, NULL);
        assert_true(atomic_load(&st.steps) > 0);
    }
    assert_int_equal(ms_lines_step(b.l), 0);   /* the input has ended */
    assert_int_equal(rb, ra);
    assert_int_equal(nb, na);
    assert_int_equal(eb.code, ea.code);
    assert_true(na > 100000);
    close_text(&b);
    free(gz);
}

/* The blocks, stepped by a helper or not: put together they are the
 * file's bytes (no line here is cut). */
static void shared_blocks(bool helper, bool gzipped, size_t slot)
{
    size_t n = 3u << 20, gn = 0, k = 0;
    char *text = malloc(n);
    assert_non_null(text);
    for (int i = 0; k + 32 < n; i++)
        k += (size_t)snprintf(text + k, n - k, "entry %d%s\n", i,
                              i % 1000 ? "" : " and a longer line here");
    unsigned char *gz = gzipped ? entries_gz(n, &gn) : NULL;
    if (gzipped) {   /* entries_gz writes its own text: make it again */
        k = 0;
        for (int i = 0; k + 32 < n; i++)
            k += (size_t)snprintf(text + k, n - k, "entry %d\n", i);
    }
    fixture f = gzipped ? open_lines((char *)gz, gn, 100, slot, true)
                        : open_lines(text, k, 100, slot, true);
    stepper st = {.l = f.l};
    if (helper)
        assert_int_equal(pthread_create(&st.tid, NULL, step_loop, &st), 0);
    char *got = malloc(k + 1);
    assert_non_null(got);
    size_t at = 0, len;
    const char *b;
    ms_error err = {0};
    int rc;
    while ((rc = ms_lines_block(f.l, &b, &len, &err)) == 1) {
        assert_true(len > 0 && at + len <= k);
        assert_int_equal(b[len - 1], '\n');
        memcpy(got + at, b, len);
        at += len;
    }
    if (helper) {
        atomic_store(&st.stop, true);
        pthread_join(st.tid, NULL);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(at, k);
    assert_memory_equal(got, text, k);
    close_text(&f);
    free(got);
    free(gz);
    free(text);
}

static void test_shared_blocks(void **state)
{
    (void)state;
    shared_blocks(true, false, 4096);
    shared_blocks(false, false, 4096);
    shared_blocks(true, true, 100000);
    shared_blocks(false, false, 0);   /* the default slot */
}

static void test_shared_feed_stepped(void **state)
{
    (void)state;
    shared_feed(true, false);
    shared_feed(true, true);
}

static void test_shared_feed_alone(void **state)
{
    (void)state;
    shared_feed(false, false);
    shared_feed(false, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_huge_line),
        cmocka_unit_test(test_numbering_across_slots),
        cmocka_unit_test(test_reader_error),
        cmocka_unit_test(test_shared_feed_stepped),
        cmocka_unit_test(test_shared_feed_alone),
        cmocka_unit_test(test_shared_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
