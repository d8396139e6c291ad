/* test_events_stream.c — output/events_stream.h: the rows of many pieces
 * over several files come out the same, in order, with one thread or two,
 * as CSV and as JSON; a run with no event is its header; a sink that stops
 * stops the stream (the helper too). Events without a host name their
 * file's folder as their server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/events_stream.h"

#define NFILES 3

static ms_file_scan files[NFILES];
/* Each file's folder: the server of its events (they carry no host). */
static ms_source src[NFILES] = {
    {.folder = "mx1"}, {.folder = ""}, {.folder = "pop/qmail"},
};

/* Files of 40000, 0 and 25001 events: pieces of both threads in each. */
static int setup(void **state)
{
    (void)state;
    static const size_t counts[NFILES] = {40000, 0, 25001};
    static const char *const names[NFILES] = {"a.log", "empty.log", "c.log"};
    char user[32];
    for (size_t i = 0; i < NFILES; i++) {
        memset(&files[i], 0, sizeof files[i]);
        files[i].name = names[i];
        files[i].file_index = (uint32_t)i;
        for (size_t k = 0; k < counts[i]; k++) {
            snprintf(user, sizeof user, "u%zu-%zu", i, k);
            ms_event e = {
                .outcome = MS_OUT_AUTH_FAIL, .service = MS_SVC_SMTP,
                .attempts = 1, .line = k + 1, .source = "postfix",
                .user = {user, strlen(user)}, .reason = {"bad", 3},
            };
            ms_ip_parse("192.0.2.1", 9, &e.ip);
            ms_stamp ts = {.kind = MS_TS_ABS,
                           .time = (ms_time)(k + 1) * MS_NS_PER_S};
            if (ms_scan_events_add(&files[i].evs, &e, &ts, 0))
                return -1;
        }
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < NFILES; i++)
        ms_scan_events_free(&files[i].evs);
    return 0;
}

typedef struct collect {
    ms_buf all;
    int calls, stop_at;
} collect;

static int to_buf(void *ctx, ms_buf *b)
{
    collect *c = ctx;
    if (b->failed)
        return -1;
    ms_buf_add(&c->all, b->p, b->n);
    b->n = 0;
    return ++c->calls == c->stop_at ? -1 : 0;
}

/* Every row written by hand, one writer, as the reference. */
static void expected(ms_buf *out, ms_format f)
{
    ms_event_writer w;
    ms_event_writer_init(&w, f);
    ms_events_header(out, f);
    for (size_t i = 0; i < NFILES; i++)
        for (size_t k = 0; k < files[i].evs.n; k++) {
            ms_event e;
            ms_scan_events_get(&files[i].evs, k, (uint32_t)i, &e);
            ms_event_write(&w, out, &e, files[i].name, src[i].folder);
        }
    ms_event_writer_free(&w);
}

static void same_rows(ms_format f)
{
    ms_buf want = {0};
    expected(&want, f);
    const char *mx1 = f == MS_FMT_CSV ? ",mx1\n" : "\"server\":\"mx1\"}\n";
    const char *pop = f == MS_FMT_CSV ? ",pop/qmail\n"
                                      : "\"server\":\"pop/qmail\"}\n";
    assert_non_null(memmem(want.p, want.n, mx1, strlen(mx1)));
    assert_non_null(memmem(want.p, want.n, pop, strlen(pop)));
    for (int threads = 1; threads <= 2; threads++) {
        collect c = {0};
        assert_int_equal(ms_events_stream(files, src, NFILES, NULL, f, threads, to_buf, &c), 0);
        assert_int_equal(c.all.n, want.n);
        assert_memory_equal(c.all.p, want.p, want.n);
        ms_buf_free(&c.all);
    }
    ms_buf_free(&want);
}

static void test_csv(void **state)
{
    (void)state;
    same_rows(MS_FMT_CSV);
}

static void test_json(void **state)
{
    (void)state;
    same_rows(MS_FMT_JSON);
}

static void test_no_event(void **state)
{
    (void)state;
    collect c = {0};
    assert_int_equal(ms_events_stream(&files[1], &src[1], 1, NULL, MS_FMT_CSV, 2, to_buf, &c), 0);
    ms_buf want = {0};
    ms_events_header(&want, MS_FMT_CSV);
    assert_int_equal(c.all.n, want.n);
    assert_memory_equal(c.all.p, want.p, want.n);
    ms_buf_free(&want);
    ms_buf_free(&c.all);
}

/* The sink fails on its second piece: nothing more is asked of it. */
static void test_sink_stops(void **state)
{
    (void)state;
    for (int threads = 1; threads <= 2; threads++) {
        collect c = {.stop_at = 2};
        assert_int_equal(ms_events_stream(files, src, NFILES, NULL, MS_FMT_CSV, threads,
                                          to_buf, &c), -1);
        assert_int_equal(c.calls, 2);
        ms_buf_free(&c.all);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_no_event),
        cmocka_unit_test(test_sink_stops),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
