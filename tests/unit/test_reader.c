/* test_reader.c — ms_reader: every codec against its own library's
 * compressor, concatenated members/streams/frames, truncated and corrupt
 * archives, gzip MTIME, empty files, a compressed stdin, and stdin given
 * back by readers that looked at its start. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <bzlib.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "input/reader.h"

typedef struct buf {
    unsigned char *p;
    size_t n, cap;
} buf;

static void append(buf *b, const void *p, size_t n)
{
    if (!n)
        return;
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

/* Log-like lines with random numbers, ~85 bytes each; they compress to
 * about a quarter. */
static buf text_n(int lines)
{
    buf b = {0};
    uint64_t x = 88172645463325252u;
    char line[128];
    for (int i = 0; i < lines; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int n = snprintf(line, sizeof line,
                         "Oct 29 12:%02d:%02d mail dovecot: auth failed "
                         "rip=%u.%u.%u.%u id=%016llx\n",
                         i % 60, (i / 60) % 60, (unsigned)(x & 255),
                         (unsigned)(x >> 8 & 255), (unsigned)(x >> 16 & 255),
                         (unsigned)(x >> 24 & 255), (unsigned long long)x);
        append(&b, line, (size_t)n);
    }
    return b;
}

static buf text(void)
{
    return text_n(12000);
}

static buf gz(const buf *in, uLong mtime)
{
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    gz_header h = {.time = mtime, .os = 3};
    assert_int_equal(deflateSetHeader(&z, &h), Z_OK);
    buf out = {.p = malloc(deflateBound(&z, in->n) + 64)};
    z.next_in = in->p;
    z.avail_in = (uInt)in->n;
    z.next_out = out.p;
    z.avail_out = (uInt)deflateBound(&z, in->n) + 64;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    out.n = z.total_out;
    deflateEnd(&z);
    return out;
}

static buf bz(const buf *in)
{
    unsigned cap = (unsigned)(in->n + in->n / 100 + 600);
    buf out = {.p = malloc(cap)};
    assert_int_equal(BZ2_bzBuffToBuffCompress((char *)out.p, &cap,
                                              (char *)in->p, (unsigned)in->n,
                                              1, 0, 0), BZ_OK);
    out.n = cap;
    return out;
}

static buf xz(const buf *in)
{
    size_t cap = lzma_stream_buffer_bound(in->n);
    buf out = {.p = malloc(cap)};
    assert_int_equal(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, NULL, in->p,
                                             in->n, out.p, &out.n, cap),
                     LZMA_OK);
    return out;
}

static buf zs(const buf *in)
{
    size_t cap = ZSTD_compressBound(in->n);
    buf out = {.p = malloc(cap)};
    ZSTD_CCtx *cx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cx, ZSTD_c_checksumFlag, 1); /* as zstd(1) does */
    out.n = ZSTD_compress2(cx, out.p, cap, in->p, in->n);
    assert_false(ZSTD_isError(out.n));
    ZSTD_freeCCtx(cx);
    return out;
}

static char *tmpfile_with(const buf *b)
{
    char *path = strdup("/tmp/ms_test_reader_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b->p, b->n), (ssize_t)b->n);
    close(fd);
    return path;
}

typedef struct result {
    buf out;
    int rc;        /* 0: clean end, -1: error */
    ms_error err;
    ms_codec codec;
    int64_t mtime;
} result;

/* Read path to its end in chunks of chunk bytes. */
static result read_path(const char *path, size_t chunk)
{
    result r = {.rc = 0};
    ms_reader *rd = ms_reader_open(path, "FILE", &r.err);
    assert_non_null(rd);
    r.codec = ms_reader_codec(rd);
    r.mtime = ms_reader_mtime(rd);
    char *b = malloc(chunk);
    ptrdiff_t n;
    while ((n = ms_reader_read(rd, b, chunk, &r.err)) > 0)
        append(&r.out, b, (size_t)n);
    if (n < 0) {
        r.rc = -1;
        assert_int_equal(ms_reader_read(rd, b, chunk, NULL), 0);
    }
    assert_int_equal(ms_reader_read(rd, b, chunk, NULL), 0);
    free(b);
    ms_reader_close(rd);
    return r;
}

static result read_buf(const buf *b, size_t chunk)
{
    char *path = tmpfile_with(b);
    result r = read_path(path, chunk);
    unlink(path);
    free(path);
    return r;
}

static void assert_same(const buf *a, const buf *b)
{
    assert_int_equal(a->n, b->n);
    assert_memory_equal(a->p, b->p, a->n);
}

static void check_roundtrip(buf (*enc)(const buf *), ms_codec codec)
{
    buf big = text(), small = text_n(3000);
    const buf *texts[] = {&big, &big, &small};
    size_t chunks[] = {1 << 20, 4096, 7};
    for (size_t i = 0; i < 3; i++) {
        buf c = enc(texts[i]);
        result r = read_buf(&c, chunks[i]);
        assert_int_equal(r.rc, 0);
        assert_int_equal(r.codec, codec);
        assert_same(&r.out, texts[i]);
        free(r.out.p);
        free(c.p);
    }
    free(big.p);
    free(small.p);
}

static buf gz0(const buf *in) { return gz(in, 0); }

/* Compressed data larger than the reader's 1 MiB input buffer. */
static void test_large(void **state)
{
    buf t = text_n(60000);
    buf (*encs[])(const buf *) = {gz0, zs};
    for (size_t i = 0; i < 2; i++) {
        buf c = encs[i](&t);
        assert_true(c.n > (1 << 20) + (1 << 17));
        result r = read_buf(&c, 1 << 16);
        assert_int_equal(r.rc, 0);
        assert_same(&r.out, &t);
        free(r.out.p);
        free(c.p);
    }
    free(t.p);
}

static void test_plain(void **state)
{
    buf t = text();
    char *path = tmpfile_with(&t);
    result r = read_path(path, 1 << 20);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.codec, MS_CODEC_PLAIN);
    assert_int_equal(r.mtime, (int64_t)st.st_mtime);
    assert_same(&r.out, &t);
    ms_reader *rd = ms_reader_open(path, NULL, NULL);
    assert_int_equal(ms_reader_raw_size(rd), t.n);
    char b[100];
    assert_int_equal(ms_reader_read(rd, b, sizeof b, NULL), 100);
    assert_int_equal(ms_reader_raw_offset(rd), 100);
    ms_reader_close(rd);
    unlink(path);
    free(path);
    free(r.out.p);
    free(t.p);
}

static void test_gzip(void **state) { check_roundtrip(gz0, MS_CODEC_GZIP); }
static void test_bzip2(void **state) { check_roundtrip(bz, MS_CODEC_BZIP2); }
static void test_xz(void **state) { check_roundtrip(xz, MS_CODEC_XZ); }
static void test_zstd(void **state) { check_roundtrip(zs, MS_CODEC_ZSTD); }

/* Two texts compressed separately and concatenated, with pad between. */
static void check_concat(buf (*enc)(const buf *), const void *pad, size_t npad,
                         const void *tail, size_t ntail)
{
    buf t = text(), a = {0}, b = {0};
    append(&a, t.p, t.n / 3);
    append(&b, t.p + t.n / 3, t.n - t.n / 3);
    buf ca = enc(&a), cb = enc(&b), c = {0};
    append(&c, ca.p, ca.n);
    append(&c, pad, npad);
    append(&c, cb.p, cb.n);
    append(&c, tail, ntail);
    result r = read_buf(&c, 65536);
    assert_int_equal(r.rc, 0);
    assert_same(&r.out, &t);
    free(r.out.p);
    free(t.p), free(a.p), free(b.p), free(ca.p), free(cb.p), free(c.p);
}

static const unsigned char zeros[512];

static void test_gzip_members(void **state)
{
    check_concat(gz0, NULL, 0, NULL, 0);
    check_concat(gz0, zeros, 100, zeros, sizeof zeros);
}

static void test_bzip2_streams(void **state)
{
    check_concat(bz, NULL, 0, NULL, 0);
}

static void test_xz_streams(void **state)
{
    check_concat(xz, zeros, 8, zeros, 4); /* xz stream padding */
}

static void test_zstd_frames(void **state)
{
    /* a skippable frame: magic 0x184D2A50, 4-byte size, payload */
    static const unsigned char skip[] = {0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0,
                                         'a', 'b', 'c'};
    check_concat(zs, NULL, 0, NULL, 0);
    check_concat(zs, skip, sizeof skip, skip, sizeof skip);
}

static void check_truncated(buf (*enc)(const buf *), const char *name)
{
    buf t = text(), c = enc(&t);
    size_t cuts[] = {c.n / 2, c.n - 1, 6};
    for (size_t i = 0; i < 3; i++) {
        buf part = {0};
        append(&part, c.p, cuts[i]);
        result r = read_buf(&part, 100000);
        assert_int_equal(r.rc, -1);
        assert_int_equal(r.err.code, MS_ERR_DATA);
        char want[128];
        snprintf(want, sizeof want, "FILE: truncated %s data at byte %zu",
                 name, cuts[i]);
        assert_string_equal(r.err.msg, want);
        assert_true(r.out.n <= t.n);
        if (r.out.n)
            assert_memory_equal(r.out.p, t.p, r.out.n);
        if (i == 0)
            assert_true(r.out.n > 0);
        free(r.out.p);
        free(part.p);
    }
    free(t.p);
    free(c.p);
}

static void test_truncated(void **state)
{
    check_truncated(gz0, "gzip");
    check_truncated(bz, "bzip2");
    check_truncated(xz, "xz");
    check_truncated(zs, "zstd");
}

static void check_corrupt(buf (*enc)(const buf *), const char *name)
{
    buf t = text(), c = enc(&t);
    memset(c.p + c.n / 2, 0xa5, 64);
    result r = read_buf(&c, 100000);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.err.code, MS_ERR_DATA);
    char want[64];
    snprintf(want, sizeof want, "FILE: corrupt %s data at byte ", name);
    assert_memory_equal(r.err.msg, want, strlen(want));
    unsigned long long at = strtoull(r.err.msg + strlen(want), NULL, 10);
    assert_true(at > 0 && at <= c.n);
    assert_non_null(strchr(r.err.msg, '('));
    free(r.out.p);
    free(t.p);
    free(c.p);
}

static void test_corrupt(void **state)
{
    check_corrupt(gz0, "gzip");
    check_corrupt(bz, "bzip2");
    check_corrupt(xz, "xz");
    check_corrupt(zs, "zstd");
}

static void test_trailing_garbage(void **state)
{
    buf t = text(), c = gz0(&t);
    append(&c, "garbage!", 8);
    result r = read_buf(&c, 1 << 20);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.err.code, MS_ERR_DATA);
    assert_same(&r.out, &t);
    free(r.out.p);
    free(t.p);
    free(c.p);
}

static void test_empty(void **state)
{
    buf e = {0};
    result r = read_buf(&e, 100);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.codec, MS_CODEC_PLAIN);
    assert_int_equal(r.out.n, 0);
    buf one = {.p = (unsigned char *)"x", .n = 1};
    r = read_buf(&one, 100);
    assert_int_equal(r.out.n, 1);
    free(r.out.p);
}

static void test_gzip_mtime(void **state)
{
    buf t = {.p = (unsigned char *)"hello\n", .n = 6};
    buf c = gz(&t, 1700000000);
    result r = read_buf(&c, 100);
    assert_int_equal(r.mtime, 1700000000);
    assert_same(&r.out, &t);
    free(r.out.p);
    free(c.p);

    c = gz(&t, 0);
    char *path = tmpfile_with(&c);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    r = read_path(path, 100);
    assert_int_equal(r.mtime, (int64_t)st.st_mtime);
    free(r.out.p);
    unlink(path);
    free(path);
    free(c.p);
}

static void test_missing(void **state)
{
    ms_error err = {0};
    assert_null(ms_reader_open("/nonexistent/mail.log", NULL, &err));
    assert_int_equal(err.code, MS_ERR_IO);
    assert_string_equal(err.msg,
                        "/nonexistent/mail.log: No such file or directory");
    assert_null(ms_reader_open("/tmp", NULL, &err));
    assert_int_equal(err.code, MS_ERR_IO);
}

/* zstd data through a pipe on stdin: sniffed without seeking. */
/* Standard input becomes a pipe fed by a child with c (the magic in 3-byte
 * dribbles); returns the child, *saved is the old stdin. */
static pid_t stdin_from(const buf *c, int *saved)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        for (size_t i = 0; i < 12; i += 3) {
            if (write(fds[1], c->p + i, 3) != 3)
                _exit(1);
            usleep(2000);
        }
        if (write(fds[1], c->p + 12, c->n - 12) != (ssize_t)(c->n - 12))
            _exit(1);
        _exit(0);
    }
    close(fds[1]);
    *saved = dup(STDIN_FILENO);
    assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    close(fds[0]);
    return pid;
}

static void stdin_back(pid_t pid, int saved)
{
    dup2(saved, STDIN_FILENO);
    close(saved);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_stdin_pipe(void **state)
{
    buf t = text(), c = zs(&t);
    int saved;
    pid_t pid = stdin_from(&c, &saved);
    result r = read_path("-", 1 << 16);
    stdin_back(pid, saved);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.codec, MS_CODEC_ZSTD);
    assert_int_equal(r.mtime, INT64_MIN);
    assert_same(&r.out, &t);
    free(r.out.p);
    free(t.p);
    free(c.p);
}

/* Readers of stdin that give back what they read, one after the other
 * (as sniffing an events file does), then one that reads it all: it gets
 * every byte from the start, compressed (past the first fill of the
 * input buffer) or plain. */
static void test_stdin_give_back(void **state)
{
    buf t = text_n(40000), z = zs(&t);
    for (int plain = 0; plain < 2; plain++) {
        const buf *c = plain ? &t : &z;
        int saved;
        pid_t pid = stdin_from(c, &saved);
        static const size_t peek[] = {10, 5000, 1500000};
        for (size_t k = 0; k < sizeof peek / sizeof *peek; k++) {
            ms_error err = {0};
            ms_reader *rd = ms_reader_open("-", "STDIN", &err);
            assert_non_null(rd);
            assert_int_equal(ms_reader_give_back(rd), 0);
            char *b = malloc(peek[k]);
            size_t got = 0;
            while (got < peek[k]) {
                ptrdiff_t n = ms_reader_read(rd, b + got, peek[k] - got, &err);
                assert_true(n > 0);
                got += (size_t)n;
            }
            assert_memory_equal(b, t.p, got);
            free(b);
            ms_reader_close(rd);
        }
        result r = read_path("-", 1 << 16);
        stdin_back(pid, saved);
        assert_int_equal(r.rc, 0);
        assert_int_equal(r.codec, plain ? MS_CODEC_PLAIN : MS_CODEC_ZSTD);
        assert_same(&r.out, &t);
        free(r.out.p);
    }
    free(t.p);
    free(z.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_bzip2),
        cmocka_unit_test(test_xz),
        cmocka_unit_test(test_zstd),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_gzip_members),
        cmocka_unit_test(test_bzip2_streams),
        cmocka_unit_test(test_xz_streams),
        cmocka_unit_test(test_zstd_frames),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_trailing_garbage),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_gzip_mtime),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_stdin_pipe),
        cmocka_unit_test(test_stdin_give_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
