/* test_spill.c — analyze/spill.h through store.h: a store whose successes
 * spill to temporary files gives back, through walks and views, exactly
 * the events and order of the same store kept in memory: ties in (time,
 * file, line) by add order, files out of order, budgets of one success, a
 * few, many runs; two views at once; a walk started again; events added
 * in time order taken as they came, without the sort by time; a folder
 * that cannot take the files refused before any work. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/spill.h"
#include "analyze/store.h"

#define N 6000

/* Events added in time order (one file), or not (three). */
static int ordered;

/* Event k: a success 3 times in 4, from one of 37 addresses, at a second
 * shared with nine others, on a line shared with two others, in one of
 * three files added out of time order (ordered: all in the first, in
 * time order, none untimed), named after k; one in 11 from an IPv6
 * address. */
static void add_row(ms_store *s, size_t k)
{
    /* IPv6 too: the first two differ only in the last of the 64 bits the
     * sort's keys hold, so the sort reads their bytes. */
    static const char *const v6[] = {"2001:db8:0:0::1", "2001:db8:0:1::1",
                                     "2001:db8::2", "::1"};
    char ip[48], user[32];
    if (k % 11 == 0)
        snprintf(ip, sizeof ip, "%s", v6[k / 11 % 4]);
    else
        snprintf(ip, sizeof ip, "198.51.100.%zu", k * 7 % 37);
    snprintf(user, sizeof user, "u%zu", k);
    size_t run = k / 500;
    int64_t t = (int64_t)((run % 2 ? 12 - run : run) * 500 + k % 500) / 10;
    if (ordered)
        t = (int64_t)k / 10;
    ms_event e = {
        .time = k % 97 == 0 && !ordered ? MS_TIME_NONE : t * MS_NS_PER_S,
        .outcome = k % 4 == 3 ? MS_OUT_AUTH_FAIL : MS_OUT_AUTH_OK,
        .attempts = 1, .line = k / 3, .source = "x",
        .user = {user, strlen(user)},
    };
    e.method.p = e.reason.p = e.session.p = e.host.p = "";
    assert_true(ms_ip_parse(ip, strlen(ip), &e.ip));
    assert_int_equal(ms_store_add(s, &e, ordered ? 0 : (uint32_t)(k / 7 % 3)),
                     0);
}

static void fill(ms_store *s, size_t mem)
{
    assert_int_equal(ms_store_init(s), 0);
    if (mem) {
        ms_error err = {0};
        assert_int_equal(ms_store_spill(s, mem, ".", 1, &err), 0);
    }
    for (int f = 0; f < 3; f++)
        assert_true(ms_store_add_file(s, f == 0 ? "a" : f == 1 ? "b" : "c") == f);
    for (size_t k = 0; k < N; k++)
        add_row(s, k);
    assert_int_equal(ms_store_finish(s), 0);
}

/* Row i of a and row j of b are the same event. */
static void same(const ms_store *a, size_t i, const ms_store *b, size_t j)
{
    assert_int_equal(a->time[i], b->time[j]);
    assert_int_equal(a->ip[i], b->ip[j]);
    assert_int_equal(a->user[i], b->user[j]);
    assert_int_equal(a->shape[i], b->shape[j]);
    assert_int_equal(ms_store_line(a, i), ms_store_line(b, j));
}

static void compare(const ms_store *a, const ms_store *b, int spilled)
{
    assert_int_equal(ms_store_spilled(b), spilled);
    assert_int_equal(b->nall, N);
    assert_int_equal(a->n, N);
    if (spilled)
        assert_true(b->n < N / 3);   /* the failures, about a quarter */
    for (int pass = 0; pass < 2; pass++) {
        ms_store_walk w;
        assert_int_equal(ms_store_walk_open(b, &w), 0);
        size_t i = 0, e;
        while ((e = ms_store_walk_next(&w)) != SIZE_MAX)
            same(a, i++, b, e);
        ms_store_walk_close(&w);
        assert_int_equal(i, N);
    }
    ms_store_view v, u;
    assert_int_equal(ms_store_view_open(b, &v), 0);
    assert_int_equal(ms_store_view_open(b, &u), 0);
    for (uint32_t ip = 0; ip < a->ips.n; ip++) {
        size_t n, m;
        const uint32_t *ev = ms_store_ip_events(&v, ip, &n);
        /* A second view on another address leaves the first one's alone. */
        const uint32_t *other = ms_store_ip_events(&u, (ip + 1) % a->ips.n, &m);
        assert_non_null(ev);
        assert_non_null(other);
        assert_int_equal(n, a->ip_start[ip + 1] - a->ip_start[ip]);
        assert_int_equal(n, ms_store_ip_count(b, ip));
        for (size_t k = 0; k < n; k++)
            same(a, a->by_ip[a->ip_start[ip] + k], b, ev[k]);
    }
    ms_store_view_close(&v);
    ms_store_view_close(&u);
    assert_int_equal(ms_store_check(b, NULL), 0);
}

static void test_same_as_in_memory(void **state)
{
    (void)state;
    ms_store a, b;
    /* Budgets (half kept in the columns at 24 bytes a success, half the
     * sort's): none kept (spilling from the first success), five kept and
     * runs of four, a hundred kept and runs of 85 (merged in passes), and
     * more than all of them (nothing spilled). */
    static const size_t budgets[] = {1, 48 * 5, 48 * 100, 48 * N};
    for (ordered = 0; ordered < 2; ordered++) {
        fill(&a, 0);
        for (size_t k = 0; k < 4; k++) {
            fill(&b, budgets[k]);
            compare(&a, &b, k < 3);
            /* Rows in time order as added: no sort by time. */
            if (k < 3)
                assert_int_equal(b.spill->in_order, ordered);
            ms_store_free(&b);
        }
        ms_store_free(&a);
    }
    ordered = 0;
}

static void test_bad_folder(void **state)
{
    (void)state;
    ms_store s;
    ms_error err = {0};
    assert_int_equal(ms_store_init(&s), 0);
    assert_int_equal(ms_store_spill(&s, 1, "no/such/folder", 1, &err), -1);
    assert_non_null(strstr(err.msg, "no/such/folder"));
    ms_store_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_in_memory),
        cmocka_unit_test(test_bad_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
