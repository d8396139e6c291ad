/* test_ipstats.c — the per-ip figures of analyze/ipstats.c on small
 * stores, each rule at its boundary: counts by outcome (failures by
 * attempts), first and last stamps (events without one left out), the
 * median gap (odd, even, fewer than two), names tried, failed, logged in
 * and unknown to --users, days with a login (a UTC day each, midnight
 * splits), the busiest hour (3599 s apart in one hour, 3600 s not), --ignore,
 * and the densest window of held failures (600 s apart in one burst, 601 s
 * not; counted by attempts; honest failures left out). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analysis.h"
#include "analyze/ipstats.h"
#include "store_harness.h"

#define DAY 86400
#define T0 (20000 * (int64_t)DAY)   /* midnight UTC */

static ms_store st;
static ms_analysis an;
static ms_intern real;
static ms_cidr_list ignore;
static ms_analyze_opts opts;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(ms_store_init(&st), 0);
    assert_true(ms_store_add_file(&st, "x") == 0);
    assert_int_equal(ms_intern_init(&real), 0);
    memset(&ignore, 0, sizeof ignore);
    memset(&an, 0, sizeof an);
    ms_analyze_defaults(&opts);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(an.ip);
    free(an.honest);
    ms_store_free(&st);
    ms_intern_free(&real);
    ms_cidr_list_free(&ignore);
    return 0;
}

static void add(int64_t t, const char *ip, const char *user, ms_outcome o)
{
    store_event(&st, T0 + t, ip, user, o);
}

/* The store finished, then ms_ipstats alone, every failure held. */
static void stats(void)
{
    assert_int_equal(ms_store_finish(&st), 0);
    an.store = &st;
    an.ip = calloc(st.ips.n + 1, sizeof *an.ip);
    an.honest = calloc(st.n + 1, 1);
    assert_non_null(an.ip);
    assert_non_null(an.honest);
    assert_int_equal(ms_ipstats(&st, &opts, &an), 0);
}

static uint32_t id_of(const char *addr)
{
    ms_ip ip;
    assert_true(ms_ip_parse(addr, strlen(addr), &ip));
    uint32_t id = ms_intern_get(&st.ips, (const char *)ip.b, sizeof ip.b);
    assert_int_not_equal(id, UINT32_MAX);
    return id;
}

static const ms_ipinfo *info(const char *addr)
{
    return &an.ip[id_of(addr)];
}

/* Failures count their attempts; the other outcomes one each; events
 * without a stamp count but have no first, last or gap. */
static void test_counts(void **state)
{
    (void)state;
    const char *a = "192.0.2.1";
    store_event_at(&st, (T0 + 10) * MS_NS_PER_S, a, "u", MS_OUT_AUTH_FAIL, 3);
    add(20, a, "u", MS_OUT_AUTH_OK);
    add(40, a, "", MS_OUT_RELAY_DENIED);
    add(80, a, "", MS_OUT_CONNECT);
    store_event_at(&st, MS_TIME_NONE, a, "v", MS_OUT_AUTH_FAIL, 1);
    stats();
    const ms_ipinfo *in = info(a);
    assert_int_equal(in->events, 5);
    assert_int_equal(in->failures, 4);
    assert_int_equal(in->successes, 1);
    assert_int_equal(in->relays, 1);
    assert_int_equal(in->connects, 1);
    assert_true(in->first == (T0 + 10) * MS_NS_PER_S);
    assert_true(in->last == (T0 + 80) * MS_NS_PER_S);
    assert_true(in->median_gap_s == 20.0);   /* of 10, 20, 40 */
    assert_string_equal(in->confidence, "low");
    assert_string_equal(in->reasons, "");
}

/* The median of an odd number of gaps is the middle one, of an even
 * number the mean of the two middle ones; with one event it is -1. */
static void test_median_gap(void **state)
{
    (void)state;
    int64_t odd[] = {0, 10, 40, 41};        /* gaps 10, 30, 1 */
    int64_t even[] = {0, 10, 40, 41, 141};  /* gaps 10, 30, 1, 100 */
    for (int i = 0; i < 4; i++)
        add(odd[i], "192.0.2.2", "u", MS_OUT_AUTH_FAIL);
    for (int i = 0; i < 5; i++)
        add(even[i], "192.0.2.3", "u", MS_OUT_AUTH_FAIL);
    add(0, "192.0.2.4", "u", MS_OUT_AUTH_FAIL);
    stats();
    assert_true(info("192.0.2.2")->median_gap_s == 10.0);
    assert_true(info("192.0.2.3")->median_gap_s == 20.0);
    assert_true(info("192.0.2.4")->median_gap_s == -1.0);
}

/* Names: distinct over all outcomes; failed ones that never logged in
 * here; those that did; and, with --users, failed ones not in it. A
 * failure with no name is no name. */
static void test_names(void **state)
{
    (void)state;
    static const char *const accounts[] = {"ann", "bob"};
    for (size_t i = 0; i < 2; i++)
        assert_int_not_equal(ms_intern_put(&real, accounts[i],
                                           strlen(accounts[i])), UINT32_MAX);
    opts.real_users = &real;
    const char *a = "192.0.2.5";
    add(1, a, "ann", MS_OUT_AUTH_FAIL);
    add(2, a, "ann", MS_OUT_AUTH_OK);      /* failed, then in: not failed */
    add(3, a, "bob", MS_OUT_AUTH_FAIL);
    add(4, a, "bob", MS_OUT_AUTH_FAIL);
    add(5, a, "zed", MS_OUT_AUTH_FAIL);    /* not an account */
    add(5, a, "yan", MS_OUT_AUTH_FAIL);    /* nor this */
    add(6, a, "", MS_OUT_AUTH_FAIL);
    add(7, a, "cat", MS_OUT_AUTH_OK);
    add(8, a, "dan", MS_OUT_RELAY_DENIED); /* neither failed nor in */
    stats();
    const ms_ipinfo *in = info(a);
    assert_int_equal(in->distinct_users, 5);   /* ann, bob, zed, yan, cat */
    assert_int_equal(in->fail_users, 3);       /* bob, zed, yan */
    assert_int_equal(in->success_users, 2);    /* ann, cat */
    assert_int_equal(in->unknown_users, 2);    /* zed, yan */
}

/* Without --users no name is unknown. */
static void test_names_without_users(void **state)
{
    (void)state;
    add(1, "192.0.2.6", "zed", MS_OUT_AUTH_FAIL);
    stats();
    assert_int_equal(info("192.0.2.6")->fail_users, 1);
    assert_int_equal(info("192.0.2.6")->unknown_users, 0);
}

/* Days with a login: UTC days, each once; 23:59:59 and 00:00:00 are two
 * days, 00:00:00 and 23:59:59 one; a failure is no login; before 1970
 * the days are cut at midnight too. */
static void test_success_days(void **state)
{
    (void)state;
    add(DAY - 1, "192.0.2.7", "u", MS_OUT_AUTH_OK);
    add(DAY, "192.0.2.7", "u", MS_OUT_AUTH_OK);
    add(DAY + 5, "192.0.2.7", "u", MS_OUT_AUTH_OK);
    add(2 * DAY + 1, "192.0.2.7", "u", MS_OUT_AUTH_FAIL);
    add(0, "192.0.2.8", "u", MS_OUT_AUTH_OK);
    add(DAY - 1, "192.0.2.8", "u", MS_OUT_AUTH_OK);
    store_event(&st, -DAY, "192.0.2.9", "u", MS_OUT_AUTH_OK);
    store_event(&st, -1, "192.0.2.9", "u", MS_OUT_AUTH_OK);
    stats();
    assert_int_equal(info("192.0.2.7")->success_days, 2);
    assert_int_equal(info("192.0.2.8")->success_days, 1);
    assert_int_equal(info("192.0.2.9")->success_days, 1);
}

/* The busiest hour counts failures and connections, not logins: events
 * 3599 s apart share an hour, 3600 s apart do not. */
static void test_peak_hour(void **state)
{
    (void)state;
    add(0, "192.0.2.10", "u", MS_OUT_AUTH_FAIL);
    add(100, "192.0.2.10", "", MS_OUT_CONNECT);
    add(200, "192.0.2.10", "u", MS_OUT_AUTH_OK);
    add(3599, "192.0.2.10", "u", MS_OUT_AUTH_FAIL);
    add(0, "192.0.2.11", "u", MS_OUT_AUTH_FAIL);
    add(3600, "192.0.2.11", "u", MS_OUT_AUTH_FAIL);
    stats();
    const ms_ipinfo *in = info("192.0.2.10");
    assert_int_equal(in->peak_hour, 3);
    assert_int_equal(in->peak_hour_span_s, 3599);
    in = info("192.0.2.11");
    assert_int_equal(in->peak_hour, 1);
    assert_int_equal(in->peak_hour_span_s, 0);
}

/* --ignore marks the addresses it holds, only those. */
static void test_ignored(void **state)
{
    (void)state;
    ms_error err;
    assert_int_equal(ms_cidr_list_add(&ignore, "198.51.100.0/24", &err), 0);
    opts.ignore = &ignore;
    add(0, "198.51.100.255", "u", MS_OUT_AUTH_FAIL);
    add(0, "198.51.101.0", "u", MS_OUT_AUTH_FAIL);
    stats();
    assert_int_equal(info("198.51.100.255")->ignored, 1);
    assert_int_equal(info("198.51.101.0")->ignored, 0);
}

/* The burst: held failures within 600 s, by attempts, 600 s apart still
 * in, 601 s out; honest failures and logins not counted. */
static void test_burst_window(void **state)
{
    (void)state;
    add(0, "203.0.113.1", "u", MS_OUT_AUTH_FAIL);
    store_event_at(&st, (T0 + 300) * MS_NS_PER_S, "203.0.113.1", "u",
                   MS_OUT_AUTH_FAIL, 3);
    add(400, "203.0.113.1", "u", MS_OUT_AUTH_OK);
    add(600, "203.0.113.1", "u", MS_OUT_AUTH_FAIL);
    add(0, "203.0.113.2", "u", MS_OUT_AUTH_FAIL);
    add(601, "203.0.113.2", "u", MS_OUT_AUTH_FAIL);
    add(0, "203.0.113.3", "u", MS_OUT_AUTH_FAIL);
    add(1, "203.0.113.3", "u", MS_OUT_AUTH_FAIL);
    add(2, "203.0.113.3", "u", MS_OUT_AUTH_FAIL);
    stats();
    uint32_t one = id_of("203.0.113.1"), two = id_of("203.0.113.2"),
             three = id_of("203.0.113.3");
    ms_burst(&st, &an, one);
    assert_int_equal(an.ip[one].burst, 5);
    assert_int_equal(an.ip[one].burst_span_s, 600);
    ms_burst(&st, &an, two);
    assert_int_equal(an.ip[two].burst, 1);
    assert_int_equal(an.ip[two].burst_span_s, 0);
    /* The middle failure honest: the two others are 2 s apart. */
    an.honest[st.by_ip[st.ip_start[three] + 1]] = MS_HONEST_TYPO;
    ms_burst(&st, &an, three);
    assert_int_equal(an.ip[three].burst, 2);
    assert_int_equal(an.ip[three].burst_span_s, 2);
}

/* ms_densest gives where the densest window starts in the ip's list. */
static void test_densest_start(void **state)
{
    (void)state;
    int64_t t[] = {0, 1000, 1010, 1020, 5000};
    for (int i = 0; i < 5; i++)
        add(t[i], "203.0.113.4", "u", MS_OUT_AUTH_FAIL);
    stats();
    uint32_t span;
    size_t start;
    assert_int_equal(ms_densest(&st, &an, id_of("203.0.113.4"), 60, ms_held,
                                &span, &start), 3);
    assert_int_equal(span, 20);
    assert_int_equal(start, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_median_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names_without_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_success_days, setup, teardown),
        cmocka_unit_test_setup_teardown(test_peak_hour, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_burst_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_densest_start, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
