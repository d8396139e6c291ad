/* test_extsort.c — core/extsort.h against qsort: random records of several
 * sizes (some not a multiple of 8) over budgets from 3 records (hundreds of
 * runs, many merge passes) to all in memory, few distinct keys, sorted,
 * reversed and equal inputs, 0 and 1 record, the disk's room given back
 * as the last pass is read (after one pass and after several), the data written by the merges; a bad or unwritable
 * folder, a failing write and a short read named in the error; nothing left
 * in the folder, no descriptor left open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/extsort.h"
#include "rand_harness.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next_rand(void)
{
    return xorshift64(&rng);
}

static uint32_t key_of(const void *r)
{
    uint32_t k;
    memcpy(&k, r, 4);
    return k;
}

static int calls_ok;   /* the comparator got the ctx it was given */

/* Orders by the first 4 bytes only: equal keys, different records. */
static int cmp_key(const void *a, const void *b, void *ctx)
{
    if (ctx != &calls_ok)
        calls_ok = 0;
    uint32_t x = key_of(a), y = key_of(b);
    return (x > y) - (x < y);
}

static int cmp_bytes(const void *a, const void *b, void *ctx)
{
    return memcmp(a, b, *(const size_t *)ctx);
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static int dir_entries(const char *path)
{
    DIR *d = opendir(path);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

enum { RANDOM, FEW_KEYS, SORTED, REVERSED, EQUAL, SAWTOOTH };

static void make_records(char *p, size_t n, size_t rs, int pattern)
{
    for (size_t i = 0; i < n; i++) {
        char *r = p + i * rs;
        for (size_t j = 0; j < rs; j++)
            r[j] = (char)next_rand();
        uint32_t k = (uint32_t)next_rand();
        switch (pattern) {
        case FEW_KEYS: k %= 7; break;
        case SORTED:   k = (uint32_t)i; break;
        case REVERSED: k = (uint32_t)(n - i); break;
        case EQUAL:    k = 42; break;
        case SAWTOOTH: k = (uint32_t)(i % 97); break;
        }
        memcpy(r, &k, 4);
    }
}

/* Read the whole sequence; it must have the reference's keys in order and
 * be a permutation of the input (sorted bytewise, both equal). */
static void read_all(ms_extsort *x, char *out, const char *ref,
                     const char *in_sorted, size_t n, size_t rs)
{
    ms_error err = {.code = -7};
    const char *r;
    size_t i = 0;
    while ((r = ms_extsort_next(x, &err))) {
        assert_true(i < n);
        memcpy(out + i * rs, r, rs);
        assert_int_equal(key_of(r), key_of(ref + i * rs));
        i++;
    }
    assert_int_equal(err.code, MS_OK);
    assert_int_equal(i, n);
    assert_null(ms_extsort_next(x, &err));   /* stays at the end */
    assert_int_equal(err.code, MS_OK);
    if (n) {
        qsort_r(out, n, rs, cmp_bytes, &rs);
        assert_memory_equal(out, in_sorted, n * rs);
    }
}

/* Sort n records of rs bytes with a budget of mem bytes; returns the runs
 * written and the merges, for the callers to check the path taken. */
static void check_sort(size_t rs, size_t mem, size_t n, int pattern,
                       uint64_t *runs, uint64_t *merges, uint64_t *bytes)
{
    char *in = malloc(n * rs + 1), *ref = malloc(n * rs + 1);
    char *sorted = malloc(n * rs + 1), *out = malloc(n * rs + 1);
    assert_true(in && ref && sorted && out);
    make_records(in, n, rs, pattern);
    memcpy(ref, in, n * rs);
    qsort_r(ref, n, rs, cmp_key, &calls_ok);
    memcpy(sorted, in, n * rs);
    qsort_r(sorted, n, rs, cmp_bytes, &rs);

    ms_extsort x;
    ms_error err;
    calls_ok = 1;
    assert_int_equal(ms_extsort_init(&x, rs, mem, "/tmp", cmp_key, &calls_ok,
                                     &err), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ms_extsort_add(&x, in + i * rs, &err), 0);
    assert_int_equal(ms_extsort_count(&x), n);
    assert_int_equal(ms_extsort_finish(&x, &err), 0);
    read_all(&x, out, ref, sorted, n, rs);
    assert_true(calls_ok);
    if (runs)
        *runs = x.runs_written;
    if (merges)
        *merges = x.merges_written;
    if (bytes)
        *bytes = x.bytes_written;
    ms_extsort_free(&x);
    free(in);
    free(ref);
    free(sorted);
    free(out);
}

/* Every budget from 3 records to all in memory, each pattern, several
 * record sizes (13 and 5 are not multiples of 8, 40 is above a word). */
static void test_budgets(void **state)
{
    (void)state;
    static const size_t sizes[] = {24, 13, 16, 32, 5, 40};
    static const size_t budgets[] = {3, 4, 5, 7, 10, 33, 100, 1000, 5000};
    int base = count_fds();
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (size_t b = 0; b < sizeof budgets / sizeof *budgets; b++)
            for (int pattern = RANDOM; pattern <= SAWTOOTH; pattern++) {
                size_t n = pattern == RANDOM ? 2000 : 700;
                uint64_t runs, merges;
                /* A budget in bytes that is not a whole number of records. */
                check_sort(sizes[s], budgets[b] * sizes[s] + sizes[s] / 2, n,
                           pattern, &runs, &merges, NULL);
                if (budgets[b] >= n) {
                    assert_int_equal(runs, 0);
                } else {
                    assert_int_equal(runs, (n + budgets[b] - 1) / budgets[b]);
                    /* Tiny budgets merge at most 3 runs at once. */
                    if (budgets[b] <= 7)
                        assert_true(merges > 10);
                }
            }
    assert_int_equal(count_fds(), base);
}

/* A budget under 3 records is taken as 3; a budget of 512 KiB gives 64 KiB
 * read buffers, 8 at a time: 40 runs need merges that write. */
static void test_large_and_zero_budgets(void **state)
{
    (void)state;
    uint64_t runs, merges, bytes;
    check_sort(24, 0, 100, RANDOM, &runs, &merges, &bytes);
    assert_int_equal(runs, 34);
    assert_true(merges > 0);
    check_sort(24, 1, 10, FEW_KEYS, &runs, &merges, &bytes);
    assert_int_equal(runs, 4);
    /* 40 runs of R records, 8 read at the end: merge 3, then 5 times 7
     * runs that were never merged, and the last pass reads 8. Writing
     * 40 R, then 38 R (merging 7 first would write 54 R). */
    size_t r = (1 << 19) / 24;
    check_sort(24, 1 << 19, 40 * r, RANDOM, &runs, &merges, &bytes);
    assert_int_equal(runs, 40);
    assert_int_equal(merges, 6);
    assert_int_equal(bytes, 78 * r * 24);
    check_sort(8, 1 << 16, 100000, FEW_KEYS, &runs, &merges, &bytes);
    assert_true(runs > 10 && merges > 0);
}

static void test_zero_and_one(void **state)
{
    (void)state;
    for (size_t mem = 0; mem <= 1000; mem += 1000)
        for (size_t n = 0; n <= 5; n++) {
            int base = count_fds();
            check_sort(12, mem, n, RANDOM, NULL, NULL, NULL);
            assert_int_equal(count_fds(), base);
        }
    ms_extsort x;
    ms_error err;
    assert_int_equal(ms_extsort_init(&x, 4, 100, "/tmp", cmp_key, &calls_ok,
                                     &err), 0);
    assert_int_equal(ms_extsort_finish(&x, &err), 0);
    err.code = -1;
    assert_null(ms_extsort_next(&x, &err));
    assert_int_equal(err.code, MS_OK);
    assert_null(ms_extsort_next(&x, NULL));
    ms_extsort_free(&x);
}

/* Exactly a budget's worth stays in memory: no file; one more spills. */
static void test_fits_in_memory(void **state)
{
    (void)state;
    int base = count_fds();
    ms_extsort x;
    ms_error err;
    char rec[24] = {0};
    assert_int_equal(ms_extsort_init(&x, 24, 24 * 50, "/tmp", cmp_key,
                                     &calls_ok, &err), 0);
    for (int i = 0; i < 50; i++) {
        rec[0] = (char)(50 - i);
        assert_int_equal(ms_extsort_add(&x, rec, &err), 0);
    }
    assert_int_equal(ms_extsort_finish(&x, &err), 0);
    assert_int_equal(count_fds(), base);
    assert_int_equal(x.runs_written, 0);
    for (int i = 0; i < 50; i++)
        assert_int_equal(((const char *)ms_extsort_next(&x, &err))[0], i + 1);
    ms_extsort_free(&x);

    assert_int_equal(ms_extsort_init(&x, 24, 24 * 50, "/tmp", cmp_key,
                                     &calls_ok, &err), 0);
    for (int i = 0; i < 51; i++)
        assert_int_equal(ms_extsort_add(&x, rec, &err), 0);
    assert_int_equal(count_fds(), base + 1);
    assert_int_equal(ms_extsort_finish(&x, &err), 0);
    assert_int_equal(x.runs_written, 2);
    ms_extsort_free(&x);
    assert_int_equal(count_fds(), base);
}

/* The runs' file is never seen in the folder, and nothing is left. */
static void test_no_leftovers(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_extsort.XXXXXX";
    assert_non_null(mkdtemp(dir));
    int base = count_fds();
    ms_extsort x;
    ms_error err;
    assert_int_equal(ms_extsort_init(&x, 16, 16 * 5, dir, cmp_key, &calls_ok,
                                     &err), 0);
    char rec[16];
    for (int i = 0; i < 3000; i++) {
        make_records(rec, 1, 16, RANDOM);
        assert_int_equal(ms_extsort_add(&x, rec, &err), 0);
        if (i % 500 == 0)
            assert_int_equal(dir_entries(dir), 0);
    }
    assert_int_equal(ms_extsort_finish(&x, &err), 0);
    assert_true(x.merges_written > 100);
    assert_int_equal(dir_entries(dir), 0);
    uint32_t last = 0;
    const void *r;
    while ((r = ms_extsort_next(&x, &err))) {
        assert_true(key_of(r) >= last);
        last = key_of(r);
    }
    assert_int_equal(err.code, MS_OK);
    ms_extsort_free(&x);
    assert_int_equal(count_fds(), base);
    assert_int_equal(dir_entries(dir), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void test_bad_folder(void **state)
{
    (void)state;
    int base = count_fds();
    ms_extsort x;
    ms_error err = {0};
    const char *missing = "/tmp/test_extsort-no-such-folder/sub";
    assert_int_equal(ms_extsort_init(&x, 8, 1000, missing, cmp_key, NULL,
                                     &err), -1);
    assert_int_equal(err.code, MS_ERR_IO);
    assert_non_null(strstr(err.msg, missing));
    assert_non_null(strstr(err.msg, strerror(ENOENT)));
    ms_extsort_free(&x);

    char file[] = "/tmp/test_extsort-file.XXXXXX";
    int fd = mkstemp(file);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(ms_extsort_init(&x, 8, 1000, file, cmp_key, NULL, &err),
                     -1);
    assert_non_null(strstr(err.msg, file));
    assert_non_null(strstr(err.msg, strerror(ENOTDIR)));
    unlink(file);

    /* No file can be made in /proc, even by root (who passes the access
     * check): the failure comes with the first spill, and stays. */
    err.code = 0;
    if (ms_extsort_init(&x, 8, 8 * 4, "/proc", cmp_key, NULL, &err) == 0) {
        char rec[8] = {0};
        int rc = 0;
        for (int i = 0; i < 10 && rc == 0; i++)
            rc = ms_extsort_add(&x, rec, &err);
        assert_int_equal(rc, -1);
        assert_int_equal(ms_extsort_finish(&x, &err), -1);
        assert_null(ms_extsort_next(&x, &err));
    }
    assert_int_equal(err.code, MS_ERR_IO);
    assert_non_null(strstr(err.msg, "/proc"));
    ms_extsort_free(&x);
    assert_int_equal(count_fds(), base);
}

/* A write that fails (here: past RLIMIT_FSIZE, EFBIG) names the folder and
 * the reason; every call after repeats it. */
static void test_write_error(void **state)
{
    (void)state;
    int base = count_fds();
    ms_extsort x;
    ms_error err = {0};
    assert_int_equal(ms_extsort_init(&x, 24, 24 * 100, "/tmp", cmp_key, NULL,
                                     &err), 0);
    /* Nothing is asserted (or printed) until the limit is lifted. */
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
    lim = old;
    lim.rlim_cur = 10000;
    int set = setrlimit(RLIMIT_FSIZE, &lim);
    char rec[24];
    int rc = 0;
    size_t i;
    for (i = 0; i < 10000 && rc == 0; i++) {
        make_records(rec, 1, 24, RANDOM);
        rc = ms_extsort_add(&x, rec, &err);
    }
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, was);
    assert_int_equal(set, 0);
    assert_int_equal(rc, -1);
    assert_int_equal(i, 501);   /* the fifth run passes 10000 bytes */
    assert_int_equal(err.code, MS_ERR_IO);
    assert_non_null(strstr(err.msg, "/tmp"));
    assert_non_null(strstr(err.msg, strerror(EFBIG)));
    err.code = 0;
    assert_int_equal(ms_extsort_add(&x, rec, &err), -1);
    assert_int_equal(err.code, MS_ERR_IO);
    ms_extsort_free(&x);
    assert_int_equal(count_fds(), base);
}

/* The runs' file cut short behind its back: the read says so. */
static void test_short_read(void **state)
{
    (void)state;
    ms_extsort x;
    ms_error err;
    assert_int_equal(ms_extsort_init(&x, 12, 12 * 100, "/tmp", cmp_key, NULL,
                                     &err), 0);
    char rec[12];
    for (int i = 0; i < 1000; i++) {
        make_records(rec, 1, 12, RANDOM);
        assert_int_equal(ms_extsort_add(&x, rec, &err), 0);
    }
    assert_int_equal(ms_extsort_finish(&x, &err), 0);
    assert_true(x.fd >= 0);
    assert_int_equal(ftruncate(x.fd, 100), 0);
    const void *r;
    size_t n = 0;
    while ((r = ms_extsort_next(&x, &err)))
        n++;
    assert_true(n < 1000);
    assert_int_equal(err.code, MS_ERR_IO);
    assert_non_null(strstr(err.msg, "/tmp"));
    assert_non_null(strstr(err.msg, "ended early"));
    err.code = MS_OK;
    assert_null(ms_extsort_next(&x, &err));
    assert_int_equal(err.code, MS_ERR_IO);
    ms_extsort_free(&x);
}

/* The background mode: records name an entry of a table that grows (and
 * moves) as they are added, and the comparator reads the table. Runs
 * sorted on the sort's thread get copies; a run that got the live table
 * would read freed memory (ASan) or keys not yet there. */
typedef struct table {
    uint32_t *key;
    size_t n;
} table;

static int prepared, freed;

static void *table_copy(void *ctx)
{
    const table *t = ctx;
    table *c = malloc(sizeof *c);
    assert_non_null(c);
    c->key = malloc(t->n * sizeof *c->key + 1);
    assert_non_null(c->key);
    memcpy(c->key, t->key, t->n * sizeof *c->key);
    c->n = t->n;
    prepared++;
    return c;
}

static void table_free(void *p)
{
    table *c = p;
    free(c->key);
    free(c);
    __atomic_add_fetch(&freed, 1, __ATOMIC_SEQ_CST);
}

static int by_table(const void *a, const void *b, void *ctx)
{
    const table *t = ctx;
    uint32_t i, j;
    memcpy(&i, a, 4);
    memcpy(&j, b, 4);
    assert_true(i < t->n && j < t->n);
    if (t->key[i] != t->key[j])
        return t->key[i] < t->key[j] ? -1 : 1;
    return (i > j) - (i < j);
}

static void test_background(void **state)
{
    (void)state;
    int base = count_fds();
    /* 12-byte records, a budget of two halves of 8.5 MiB: several runs. */
    const size_t rs = 12, n = 3200000, mem = (size_t)17 << 20;
    for (int bg = 0; bg < 2; bg++) {
        table t = {NULL, 0};
        ms_extsort x;
        ms_error err;
        prepared = freed = 0;
        assert_int_equal(ms_extsort_init(&x, rs, mem, "/tmp", by_table, &t,
                                         &err), 0);
        if (bg)
            assert_int_equal(ms_extsort_background(&x, table_copy,
                                                   table_free, &err), 0);
        size_t cap = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (t.n == cap) {
                cap = cap ? cap * 2 : 16;
                t.key = realloc(t.key, cap * sizeof *t.key);
                assert_non_null(t.key);
            }
            t.key[t.n++] = (uint32_t)(next_rand() % 1000003);
            char rec[12] = {0};
            memcpy(rec, &i, 4);
            assert_int_equal(ms_extsort_add(&x, rec, &err), 0);
        }
        assert_int_equal(ms_extsort_finish(&x, &err), 0);
        assert_true(x.runs_written >= (bg ? 5u : 3u));
        /* A run on the thread, and the merge, each got a copy. */
        assert_int_equal(prepared, bg ? (int)x.runs_written : 0);
        const void *r;
        size_t got = 0;
        uint32_t last = 0;
        while ((r = ms_extsort_next(&x, &err))) {
            uint32_t i;
            memcpy(&i, r, 4);
            assert_true(i < n);
            assert_true(got == 0 || t.key[i] >= t.key[last]);
            last = i;
            got++;
        }
        assert_int_equal(err.code, MS_OK);
        assert_int_equal(got, n);
        ms_extsort_free(&x);
        assert_int_equal(freed, prepared);
        free(t.key);
    }
    assert_int_equal(count_fds(), base);
}

/* Blocks of the file in use now. */
static uint64_t used_bytes(int fd)
{
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    return (uint64_t)st.st_blocks * 512;
}

/* Read to its end, the last pass has given its runs' room back; half-way,
 * about half. Budgets of one pass (runs of 1 MiB) and of several. */
static void test_gives_room_back(void **state)
{
    (void)state;
    const size_t rs = 16, n = 600000;   /* 9.6 MB */
    const size_t mems[] = {(size_t)1 << 20, (size_t)96 << 10};
    for (size_t m = 0; m < sizeof mems / sizeof *mems; m++) {
        ms_extsort x;
        ms_error err;
        assert_int_equal(ms_extsort_init(&x, rs, mems[m], "/tmp", cmp_key,
                                         &calls_ok, &err), 0);
        char rec[16];
        for (size_t i = 0; i < n; i++) {
            make_records(rec, 1, rs, RANDOM);
            assert_int_equal(ms_extsort_add(&x, rec, &err), 0);
        }
        assert_int_equal(ms_extsort_finish(&x, &err), 0);
        uint64_t full = used_bytes(x.fd);
        if (full < n * rs / 2) {   /* no holes here, or nothing written */
            ms_extsort_free(&x);
            skip();
        }
        for (size_t i = 0; i < n / 2; i++)
            assert_non_null(ms_extsort_next(&x, &err));
        uint64_t half = used_bytes(x.fd);
        while (ms_extsort_next(&x, &err))
            ;
        assert_int_equal(err.code, MS_OK);
        uint64_t end = used_bytes(x.fd);
        assert_true(half < full * 3 / 4);
        assert_true(end < full / 10);
        ms_extsort_free(&x);
    }
}

static void test_out_of_order(void **state)
{
    (void)state;
    ms_extsort x;
    ms_error err;
    char rec[8] = {0};
    assert_int_equal(ms_extsort_init(&x, 0, 100, "/tmp", cmp_key, NULL, &err),
                     -1);
    assert_int_equal(err.code, MS_ERR_USAGE);
    assert_int_equal(ms_extsort_init(&x, 8, 100, "/tmp", cmp_key, NULL, &err),
                     0);
    assert_null(ms_extsort_next(&x, &err));
    assert_int_equal(err.code, MS_ERR_USAGE);
    assert_int_equal(ms_extsort_add(&x, rec, &err), 0);
    assert_int_equal(ms_extsort_finish(&x, &err), 0);
    assert_int_equal(ms_extsort_add(&x, rec, &err), -1);
    assert_int_equal(err.code, MS_ERR_USAGE);
    assert_int_equal(ms_extsort_finish(&x, &err), -1);
    assert_non_null(ms_extsort_next(&x, &err));   /* still readable */
    ms_extsort_free(&x);
    ms_extsort_free(&x);   /* twice is harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_budgets),
        cmocka_unit_test(test_large_and_zero_budgets),
        cmocka_unit_test(test_zero_and_one),
        cmocka_unit_test(test_fits_in_memory),
        cmocka_unit_test(test_no_leftovers),
        cmocka_unit_test(test_bad_folder),
        cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_short_read),
        cmocka_unit_test(test_out_of_order),
        cmocka_unit_test(test_background),
        cmocka_unit_test(test_gives_room_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
