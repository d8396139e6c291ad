/* test_tmpfile.c — core/tmpfile.h against a model: random writes and reads
 * of any length, offset and buffer alignment (crossing blocks and the
 * 1 MiB bounce) through the page cache and with direct I/O, if the
 * folder's filesystem allows it (then the file must stay direct: an
 * unaligned transfer that fell back would hide there); bytes around a
 * write kept, holes read as zeros, a read past the end says so, a file
 * switched either way mid-life, aligned buffers, a descriptor that cannot
 * write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/tmpfile.h"
#include "rand_harness.h"

#define SPAN ((size_t)6 << 20)   /* bytes of the file the model covers */

static uint64_t rng = 0x2545f4914f6cdd1du;

static uint64_t next_rand(void)
{
    return xorshift64(&rng);
}

/* A length that is small, about a block, or over the bounce buffer. */
static size_t some_length(void)
{
    switch (next_rand() % 4) {
    case 0: return 1 + next_rand() % 100;
    case 1: return MS_TMPFILE_ALIGN - 50 + next_rand() % 100;
    case 2: return 1 + next_rand() % (3 * MS_TMPFILE_ALIGN);
    default: return ((size_t)1 << 20) + next_rand() % ((size_t)2 << 20);
    }
}

/* An offset in the model, aligned one time in three. */
static size_t some_offset(size_t len)
{
    size_t off = next_rand() % (SPAN - len);
    return next_rand() % 3 ? off : off - off % MS_TMPFILE_ALIGN;
}

static int direct_allowed(void)
{
    int fd = ms_tmpfile("/tmp");
    assert_true(fd >= 0);
    int fl = fcntl(fd, F_GETFL);
    int ok = fl >= 0 && fcntl(fd, F_SETFL, fl | O_DIRECT) == 0;
    close(fd);
    return ok;
}

static int is_direct(int fd)
{
    return (fcntl(fd, F_GETFL) & O_DIRECT) != 0;
}

/* Writes and reads at base.., checked against the model after each. */
static void run_model(uint64_t base, int direct)
{
    int fd = ms_tmpfile("/tmp");
    assert_true(fd >= 0);
    assert_false(is_direct(fd));
    if (direct)
        ms_tmpfile_direct(fd, 1);
    unsigned char *model = calloc(SPAN, 1);
    /* Room for a buffer at any alignment. */
    unsigned char *src = malloc((3 << 20) + 64), *dst = malloc((3 << 20) + 64);
    assert_non_null(model);
    assert_non_null(src);
    assert_non_null(dst);
    /* The model's last byte written first: every read below is inside. */
    unsigned char last = 0x5a;
    assert_int_equal(ms_write_at(fd, &last, 1, base + SPAN - 1), 0);
    model[SPAN - 1] = last;
    for (int round = 0; round < 150; round++) {
        size_t len = some_length(), off = some_offset(len);
        unsigned char *p = src + next_rand() % 64;
        for (size_t i = 0; i < len; i++)
            p[i] = (unsigned char)next_rand();
        assert_int_equal(ms_write_at(fd, p, len, base + off), 0);
        memcpy(model + off, p, len);
        for (int r = 0; r < 3; r++) {
            size_t rlen = some_length(), roff = some_offset(rlen);
            unsigned char *q = dst + next_rand() % 64;
            assert_int_equal(ms_read_at(fd, q, rlen, base + roff), 0);
            assert_memory_equal(q, model + roff, rlen);
        }
    }
    /* The whole span read back at once, straight into an aligned buffer. */
    unsigned char *all = ms_tmpfile_buf(SPAN);
    assert_non_null(all);
    assert_int_equal((uintptr_t)all % MS_TMPFILE_ALIGN, 0);
    assert_int_equal(ms_read_at(fd, all, SPAN, base), 0);
    assert_memory_equal(all, model, SPAN);
    /* Past the end: the file ended first (a block is the most a direct
     * file may hold past its last byte). */
    assert_int_equal(ms_read_at(fd, dst, 10, base + SPAN + MS_TMPFILE_ALIGN), 1);
    assert_int_equal(ms_read_at(fd, dst, 3 * MS_TMPFILE_ALIGN,
                                base + SPAN - MS_TMPFILE_ALIGN), 1);
    if (direct && direct_allowed())
        assert_true(is_direct(fd));
    if (!direct)
        assert_false(is_direct(fd));
    close(fd);
    free(all);
    free(model);
    free(src);
    free(dst);
}

static void test_page_cache(void **state)
{
    (void)state;
    run_model(12345, 0);
}

static void test_direct(void **state)
{
    (void)state;
    run_model(777, 1);
    run_model((uint64_t)3 << 30, 1);
}

/* A file switched either way reads what was written before. */
static void test_switch(void **state)
{
    (void)state;
    int fd = ms_tmpfile("/tmp");
    assert_true(fd >= 0);
    char a[5000], b[5000], c[5000];
    memset(a, 'a', sizeof a);
    memset(b, 'b', sizeof b);
    const uint64_t far = (uint64_t)1 << 26;
    assert_int_equal(ms_write_at(fd, a, sizeof a, 3), 0);
    ms_tmpfile_direct(fd, 1);
    assert_int_equal(ms_read_at(fd, c, sizeof c, 3), 0);
    assert_memory_equal(c, a, sizeof a);
    assert_int_equal(ms_write_at(fd, b, sizeof b, far + 1), 0);
    ms_tmpfile_direct(fd, 0);
    assert_false(is_direct(fd));
    assert_int_equal(ms_read_at(fd, c, sizeof c, far + 1), 0);
    assert_memory_equal(c, b, sizeof b);
    assert_int_equal(ms_read_at(fd, c, 4, far / 2), 0);
    assert_memory_equal(c, "\0\0\0\0", 4);   /* a hole */
    close(fd);
}

static void test_errors(void **state)
{
    (void)state;
    int fd = open("/dev/null", O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(ms_write_at(fd, "x", 1, 0), -1);
    assert_int_equal(errno, EBADF);
    ms_tmpfile_direct(fd, 1);
    assert_int_equal(ms_write_at(fd, "x", 1, 0), -1);
    close(fd);
    assert_int_equal(ms_write_at(-1, "x", 1, (uint64_t)INT64_MAX), -1);
    assert_int_equal(errno, EFBIG);
    assert_int_equal(ms_tmpfile("/nonexistent-folder"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page_cache),
        cmocka_unit_test(test_direct),
        cmocka_unit_test(test_switch),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
