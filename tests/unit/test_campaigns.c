/* test_campaigns.c — username-order clusters on hand-made event streams:
 * two campaigns interleaved in time on one service stay two; one-off
 * scanners are not glued in; honest and fast ips stay out; the walking
 * order and the `name@domain` then `name` form are found; thousands of
 * scanners drawing from the campaign's own list stay out of it, some of
 * them coming back, while a campaign that uses each address once on a
 * quiet server is still found whole, its order starting with the walk;
 * and a campaign among scanners dense enough that two of its tries are
 * dozens of tries apart is found without them; the member test's
 * shuffles on one thread or two give the same campaigns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analysis.h"
#include "store_harness.h"

static ms_store st;
static unsigned rng = 12345;

static unsigned next_rand(void)
{
    rng = rng * 1103515245u + 12345u;
    return (rng >> 16) & 0x7fff;
}

static void add(int64_t t, const char *ip, const char *user, ms_outcome o)
{
    store_event(&st, t, ip, user, o);
}

static int cluster_of(const ms_analysis *a, const char *ip)
{
    ms_ip x;
    ms_ip_parse(ip, strlen(ip), &x);
    uint32_t id = ms_intern_get(&st.ips, (const char *)x.b, 16);
    return id == UINT32_MAX ? -1 : (int)a->ip[id].cluster;
}

static void test_two_interleaved_campaigns(void **state)
{
    (void)state;
    assert_int_equal(ms_store_init(&st), 0);
    assert_true(ms_store_add_file(&st, "x") == 0);
    char ip[32], name[32];
    static char names[2][40][32];
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < 40; i++) {
            if (c == 0)
                snprintf(names[c][i], 32, i % 2 ? "n%02d" : "n%02d@dom.example", i / 2);
            else
                snprintf(names[c][i], 32, "login%02d", i);
        }
    /* Both walk their list at once (40 and 30 names), one try every ~20 s
     * each, from 300 addresses each that come back only every few hours. */
    const int len[2] = {40, 30};
    int pos[2] = {0, 0};
    for (int64_t t = 0; t < 3 * 86400; t += 10) {
        int c = (t / 10) % 2;
        if (c == 1 && next_rand() % 10 < 3)
            continue;   /* B keeps its own, uneven pace */
        snprintf(ip, sizeof ip, "10.%d.%u.%u", c, next_rand() % 3, next_rand() % 100);
        add(t, ip, names[c][pos[c]++ % len[c]], MS_OUT_AUTH_FAIL);
        if (next_rand() % 50 == 0) {   /* a one-off scanner */
            snprintf(ip, sizeof ip, "172.16.%u.%u", next_rand() % 256, next_rand() % 256);
            snprintf(name, sizeof name, "scan%u", next_rand());
            add(t + 3, ip, name, MS_OUT_AUTH_FAIL);
        }
    }
    /* An honest user: fails once, logs in seconds later. */
    add(5000, "192.0.2.7", "n03@dom.example", MS_OUT_AUTH_FAIL);
    add(5002, "192.0.2.7", "n03@dom.example", MS_OUT_AUTH_OK);
    assert_int_equal(ms_store_finish(&st), 0);

    ms_analyze_opts o;
    ms_analyze_defaults(&o);
    ms_analysis a;
    ms_error err;
    assert_int_equal(ms_analyze(&st, &o, &a, &err), 0);
    assert_int_equal(a.nclusters, 2);
    int ca = cluster_of(&a, "10.0.1.1"), cb = cluster_of(&a, "10.1.1.1");
    assert_true(ca > 0 && cb > 0 && ca != cb);
    for (size_t k = 0; k < a.nclusters; k++) {
        const ms_cluster *c = &a.clusters[k];
        for (size_t m = 0; m < c->nmembers; m++) {
            const ms_ip *x = ms_store_ip(&st, c->members[m]);
            assert_int_equal(x->b[12], 10);   /* no scanner, no honest ip */
        }
    }
    const ms_cluster *A = &a.clusters[ca - 1];
    assert_true(A->domain_then_bare);
    assert_true(A->norder >= 40);
    /* The order walks the list: n00@dom, n00, n01@dom, n01, ... */
    for (size_t i = 1; i < 6; i++) {
        const char *prev = st.users.str[A->order[i - 1]];
        const char *cur = st.users.str[A->order[i]];
        int pi = -1, ci = -1;
        for (int k = 0; k < 40; k++) {
            if (!strcmp(names[0][k], prev))
                pi = k;
            if (!strcmp(names[0][k], cur))
                ci = k;
        }
        assert_int_equal((pi + 1) % 40, ci);
    }
    assert_int_equal(cluster_of(&a, "192.0.2.7"), 0);
    ms_analysis_free(&a);
    ms_store_free(&st);
}

/* Of the cluster holding ip, how many members begin with prefix. */
static void members_of(const ms_analysis *a, const char *ip, const char *prefix,
                       size_t *size, size_t *with_prefix)
{
    int c = cluster_of(a, ip);
    *size = *with_prefix = 0;
    if (c <= 0)
        return;
    const ms_cluster *k = &a->clusters[c - 1];
    *size = k->nmembers;
    for (size_t m = 0; m < k->nmembers; m++) {
        char buf[64];
        buf[ms_ip_format(ms_store_ip(&st, k->members[m]), buf)] = 0;
        *with_prefix += strncmp(buf, prefix, strlen(prefix)) == 0;
    }
}

static void analyze_threads(ms_analysis *a, int threads)
{
    ms_analyze_opts o;
    ms_analyze_defaults(&o);
    o.threads = threads;
    ms_error err;
    assert_int_equal(ms_analyze(&st, &o, a, &err), 0);
}

static void analyze_it(ms_analysis *a)
{
    assert_int_equal(ms_store_finish(&st), 0);
    analyze_threads(a, 0);
}

/* The store of test_scanners_sharing_the_list. */
static void scanners_sharing_the_list(void)
{
    assert_int_equal(ms_store_init(&st), 0);
    assert_true(ms_store_add_file(&st, "x") == 0);
    static char names[60][16];
    for (int i = 0; i < 60; i++)
        snprintf(names[i], sizeof names[i], "n%02d", i);
    char ip[32];
    /* The campaign: 40 addresses (10.9.0.x), one try a minute across
     * them, each address back only two hours later, for two days. */
    int64_t last[40];
    for (int i = 0; i < 40; i++)
        last[i] = -100000;
    int pos = 0;
    for (int64_t t = 0; t < 2 * 86400; t += 40 + next_rand() % 40) {
        int k = (int)(next_rand() % 40);
        for (int tries = 0; tries < 40 && t - last[k] < 7200; tries++)
            k = (k + 1) % 40;
        if (t - last[k] < 7200)
            continue;
        last[k] = t;
        snprintf(ip, sizeof ip, "10.9.0.%d", k + 1);
        add(t, ip, names[pos++ % 60], MS_OUT_AUTH_FAIL);
    }
    /* 1500 scanners (172.16.x.y) trying 1-4 names of the same list within
     * seconds, the first names far more often; one in three comes back. */
    for (int sc = 0; sc < 1500; sc++) {
        snprintf(ip, sizeof ip, "172.16.%d.%d", sc / 250, sc % 250 + 1);
        int visits = next_rand() % 3 == 0 ? 2 + (int)(next_rand() % 2) : 1;
        for (int v = 0; v < visits; v++) {
            int64_t t = (int64_t)(next_rand() % 17280) * 10 + 3;
            for (int n = 1 + (int)(next_rand() % 4); n > 0; n--) {
                unsigned r = next_rand() % 1000;
                add(t, ip, names[r < 500 ? r % 8 : r % 60], MS_OUT_AUTH_FAIL);
                t += 2 + next_rand() % 13;
            }
        }
    }
}

static void test_scanners_sharing_the_list(void **state)
{
    (void)state;
    scanners_sharing_the_list();
    ms_analysis a;
    analyze_it(&a);
    size_t size, campaign;
    members_of(&a, "10.9.0.1", "10.9.", &size, &campaign);
    assert_int_equal(a.nclusters, 1);
    assert_true(campaign >= 36);
    assert_int_equal(size, campaign);
    ms_analysis_free(&a);
    ms_store_free(&st);
}

static void test_one_try_per_address(void **state)
{
    (void)state;
    assert_int_equal(ms_store_init(&st), 0);
    assert_true(ms_store_add_file(&st, "x") == 0);
    char ip[32], name[48];
    /* A quiet server: 200 addresses try once each, 30 s apart, walking 20
     * names as name@dom then name, five times over; a few one-off
     * scanners try names of their own. The first address tried a name of
     * its own well before the walk: the order starts with the walk. */
    add(0, "10.8.0.1", "lone", MS_OUT_AUTH_FAIL);
    for (int i = 0; i < 200; i++) {
        int n = i % 40;
        snprintf(ip, sizeof ip, "10.8.%d.%d", i / 100, i % 100 + 1);
        if (n % 2)
            snprintf(name, sizeof name, "u%02d", n / 2);
        else
            snprintf(name, sizeof name, "u%02d@dom.example", n / 2);
        add(1000 + 30 * i, ip, name, MS_OUT_AUTH_FAIL);
        if (i % 25 == 0) {
            snprintf(ip, sizeof ip, "172.17.0.%d", i / 25 + 1);
            snprintf(name, sizeof name, "guess%d", i);
            add(1000 + 30 * i + 7, ip, name, MS_OUT_AUTH_FAIL);
        }
    }
    ms_analysis a;
    analyze_it(&a);
    size_t size, campaign;
    members_of(&a, "10.8.0.50", "10.8.", &size, &campaign);
    assert_int_equal(a.nclusters, 1);
    assert_true(campaign >= 190);
    assert_int_equal(size, campaign);
    assert_int_equal(a.clusters[0].norder, 40);
    assert_string_equal(st.users.str[a.clusters[0].order[0]], "u00@dom.example");
    ms_analysis_free(&a);
    ms_store_free(&st);
}

/* A provider's volume: a campaign of 100 addresses walks 100 names, one
 * try every 30 s across them, for three days, while 500 scanners draw
 * names of the same list at random, 12 tries between two of the
 * campaign's: its next name is never among the next 8 tries (the first
 * band of the lookahead), and every scanner fits the list by chance at
 * many moments. The campaign is found, the scanners are left out. */
static void test_dense_scanning(void **state)
{
    (void)state;
    assert_int_equal(ms_store_init(&st), 0);
    assert_true(ms_store_add_file(&st, "x") == 0);
    static char names[100][16];
    for (int i = 0; i < 100; i++)
        snprintf(names[i], sizeof names[i], "w%02d", i);
    char ip[32];
    int pos = 0;
    for (int64_t t = 0; t < 3 * 86400; t += 30) {
        snprintf(ip, sizeof ip, "10.7.0.%u", next_rand() % 100 + 1);
        add(t, ip, names[pos++ % 100], MS_OUT_AUTH_FAIL);
        for (int k = 0; k < 12; k++) {
            snprintf(ip, sizeof ip, "172.18.%u.%u", next_rand() % 4, next_rand() % 125 + 1);
            add(t + 1 + 2 * k, ip, names[next_rand() % 100], MS_OUT_AUTH_FAIL);
        }
    }
    ms_analysis a;
    analyze_it(&a);
    size_t size, campaign;
    members_of(&a, "10.7.0.50", "10.7.", &size, &campaign);
    assert_int_equal(a.nclusters, 1);
    assert_true(campaign >= 95);
    assert_true(size - campaign <= 5);
    ms_analysis_free(&a);
    ms_store_free(&st);
}

/* The member test's shuffled streams searched two at once (the default)
 * or one after the other (-j 1): the same campaigns, member for member. */
static void test_one_thread_or_two(void **state)
{
    (void)state;
    scanners_sharing_the_list();
    assert_int_equal(ms_store_finish(&st), 0);
    ms_analysis one, two;
    analyze_threads(&one, 1);
    analyze_threads(&two, 0);
    assert_int_equal(one.nclusters, two.nclusters);
    assert_true(one.nclusters > 0);
    for (size_t c = 0; c < one.nclusters; c++) {
        assert_int_equal(one.clusters[c].nmembers, two.clusters[c].nmembers);
        assert_memory_equal(one.clusters[c].members, two.clusters[c].members,
                            one.clusters[c].nmembers * sizeof *one.clusters[c].members);
        assert_string_equal(one.clusters[c].evidence, two.clusters[c].evidence);
    }
    ms_analysis_free(&one);
    ms_analysis_free(&two);
    ms_store_free(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_interleaved_campaigns),
        cmocka_unit_test(test_scanners_sharing_the_list),
        cmocka_unit_test(test_one_try_per_address),
        cmocka_unit_test(test_dense_scanning),
        cmocka_unit_test(test_one_thread_or_two),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
