/* test_verdict.c — the rules of analyze/benign.c and verdict.c on small
 * stores, each at its boundary: a user's slips of the name that logs in
 * there over days are honest (no ban, no compromised account); slips of a
 * real account from an address that never logs in are honest, one name
 * hammered is not; a burst (5 held failures within 10 minutes, with or
 * without usernames) bans, 4, or 5 over 601 s, do not; a trusted address
 * (logins on 2 days) or a shared one is not banned for a burst; logins
 * after a burst or after many names are compromised accounts, ranked by
 * strength and said in words; `why` lists the rules with their events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "analyze/analysis.h"
#include "analyze/why.h"
#include "store_harness.h"

#define DAY 86400
#define T0 (20000 * (int64_t)DAY)   /* midnight UTC */

static ms_store st;
static ms_analysis an;
static ms_intern real;
static ms_analyze_opts opts;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(ms_store_init(&st), 0);
    assert_true(ms_store_add_file(&st, "x") == 0);
    assert_int_equal(ms_intern_init(&real), 0);
    ms_analyze_defaults(&opts);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ms_analysis_free(&an);
    ms_store_free(&st);
    ms_intern_free(&real);
    return 0;
}

static void add(int64_t t, const char *ip, const char *user, ms_outcome o)
{
    store_event(&st, T0 + t, ip, user, o);
}

static void users(const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_not_equal(ms_intern_put(&real, v[i], strlen(v[i])), UINT32_MAX);
    opts.real_users = &real;
}

static void analyze(void)
{
    assert_int_equal(ms_store_finish(&st), 0);
    ms_error err;
    assert_int_equal(ms_analyze(&st, &opts, &an, &err), 0);
}

static const ms_ipinfo *info(const char *addr)
{
    ms_ip ip;
    assert_true(ms_ip_parse(addr, strlen(addr), &ip));
    uint32_t id = ms_intern_get(&st.ips, (const char *)ip.b, sizeof ip.b);
    assert_int_not_equal(id, UINT32_MAX);
    return &an.ip[id];
}

/* Seven slips of j.miller over a week, the right name logging in from the
 * same address many times a day in between. */
static void test_own_slips_over_days(void **state)
{
    (void)state;
    const char *slips[] = {"j.miler@example.org", "jmiller@example.org",
                           "j.mlier@example.org", "j.millre@example.org",
                           "j.miller", "J.Miller@example.org", "jmiler@example.org"};
    for (int d = 0; d < 7; d++) {
        for (int h = 8; h < 20; h++)
            add(d * DAY + h * 3600, "192.0.2.10", "j.miller@example.org", MS_OUT_AUTH_OK);
        add(d * DAY + 7 * 3600, "192.0.2.10", slips[d], MS_OUT_AUTH_FAIL);
    }
    analyze();
    const ms_ipinfo *in = info("192.0.2.10");
    assert_int_equal(in->honest_failures, 7);
    assert_int_equal(in->typo_users, 7);
    assert_int_equal(in->verdict, MS_BENIGN);
    assert_int_equal(an.ncompromised, 0);
    assert_non_null(strstr(in->reasons, "typos of j.miller@example.org"));
}

/* Slips of a real account and the account itself, from an address that
 * never logs in, six tries in eight minutes: a person, not banned. The
 * same with one name tried as fast is a robot's burst. */
static void test_real_account_slips(void **state)
{
    (void)state;
    static const char *const u[] = {"lisa_martin@example.net", "info@example.org",
                                    "bob@example.org"};
    users(u, 3);
    const char *tries[] = {"lisamartin@example.net", "lisa_mratin@example.net",
                           "lisa_martin@example.net", "lisa_marti@example.net",
                           "lisa_mratin@example.net", "lisa_martin@example.net"};
    for (int i = 0; i < 6; i++)
        add(3600 + 80 * i, "198.51.100.7", tries[i], MS_OUT_AUTH_FAIL);
    for (int i = 0; i < 12; i++)
        add(7200 + 10 * i, "198.51.100.8", "info", MS_OUT_AUTH_FAIL);
    add(9000, "198.51.100.9", "bbo@example.org", MS_OUT_AUTH_FAIL);
    analyze();
    const ms_ipinfo *p = info("198.51.100.7");
    assert_int_equal(p->honest_failures, 6);
    assert_int_equal(p->verdict, MS_BENIGN);
    assert_non_null(strstr(p->reasons, "typos of lisa_martin@example.net"));
    assert_int_equal(info("198.51.100.8")->verdict, MS_BAN);
    const ms_ipinfo *one = info("198.51.100.9");   /* one slow slip */
    assert_int_equal(one->honest_failures, 1);
    assert_int_equal(one->verdict, MS_BENIGN);
}

/* 5 failures within 600 s ban; 4, or 5 over 601 s, do not; no username
 * needed. */
static void test_burst_boundaries(void **state)
{
    (void)state;
    for (int i = 0; i < 5; i++)
        add(150 * i, "203.0.113.1", "", MS_OUT_AUTH_FAIL);          /* 600 s */
    for (int i = 0; i < 4; i++)
        add(10 * i, "203.0.113.2", "", MS_OUT_AUTH_FAIL);
    for (int i = 0; i < 5; i++)
        add(150 * i + (i == 4), "203.0.113.3", "", MS_OUT_AUTH_FAIL);   /* 601 s */
    for (int i = 0; i < 24; i++)
        add(5000 + 5 * i, "203.0.113.4", "admin", MS_OUT_AUTH_FAIL);
    analyze();
    const ms_ipinfo *b = info("203.0.113.1");
    assert_int_equal(b->burst, 5);
    assert_int_equal(b->verdict, MS_BAN);
    assert_non_null(strstr(b->reasons, "5 failed logins within 10 min, and it never logged in"));
    assert_int_not_equal(info("203.0.113.2")->verdict, MS_BAN);
    assert_int_not_equal(info("203.0.113.3")->verdict, MS_BAN);
    assert_int_equal(info("203.0.113.4")->verdict, MS_BAN);
}

/* A burst from an address that logged in on two days is not held; from
 * one that logged in on one day it is, and its later login is a
 * compromised account; a shared address is not banned for it either. */
static void test_trust_and_shared(void **state)
{
    (void)state;
    add(10 * 3600, "192.0.2.20", "ann", MS_OUT_AUTH_OK);
    add(DAY + 10 * 3600, "192.0.2.20", "ann", MS_OUT_AUTH_OK);
    for (int i = 0; i < 6; i++) {
        add(2 * DAY + 60 * i, "192.0.2.20", "zed", MS_OUT_AUTH_FAIL);
        add(2 * DAY + 60 * i, "192.0.2.21", "zed", MS_OUT_AUTH_FAIL);
        add(2 * DAY + 60 * i, "192.0.2.22", "zed", MS_OUT_AUTH_FAIL);
    }
    add(2 * DAY + 3600, "192.0.2.21", "ann", MS_OUT_AUTH_OK);
    const char *many[] = {"ann", "ben", "cat"};
    for (int i = 0; i < 3; i++)
        add(2 * DAY + 100 + i, "192.0.2.22", many[i], MS_OUT_AUTH_OK);
    analyze();
    const ms_ipinfo *t = info("192.0.2.20");
    assert_int_equal(t->success_days, 2);
    assert_int_equal(t->burst, 6);
    assert_int_not_equal(t->verdict, MS_BAN);
    assert_non_null(strstr(t->reasons, "taken as honest use: it logged in on 2"));
    const ms_ipinfo *u = info("192.0.2.21");
    assert_int_equal(u->verdict, MS_BAN);
    const ms_ipinfo *sh = info("192.0.2.22");
    assert_int_not_equal(sh->verdict, MS_BAN);
    assert_non_null(strstr(sh->reasons, "shared"));
    assert_int_equal(an.ncompromised, 1);
    assert_non_null(strstr(an.compromised[0].evidence,
                           "logged in after 6 failed logins from this address, "
                           "6 of them within 5 min"));
}

/* Rows rank by strength (a burst before many names), whatever the time;
 * no row says "after 0 failed tries". */
static void test_compromise_ranked(void **state)
{
    (void)state;
    /* More failures before it, and earlier, than the burst's row. */
    const char *names[] = {"n1", "n2", "n3", "n4", "n5", "n6", "n7"};
    for (int i = 0; i < 7; i++)
        add(3600 * i, "198.51.100.30", names[i], MS_OUT_AUTH_FAIL);
    add(7 * 3600, "198.51.100.30", "carol", MS_OUT_AUTH_OK);
    for (int i = 0; i < 6; i++)
        add(DAY + 10 * i, "198.51.100.31", "x", MS_OUT_AUTH_FAIL);
    add(DAY + 100, "198.51.100.31", "bob", MS_OUT_AUTH_OK);
    analyze();
    assert_int_equal(an.ncompromised, 2);
    assert_non_null(strstr(an.compromised[0].evidence, "within"));
    assert_non_null(strstr(an.compromised[1].evidence,
                           "on 7 other usernames that are no slip of this one"));
    for (size_t i = 0; i < an.ncompromised; i++)
        assert_null(strstr(an.compromised[i].evidence, "after 0"));
}

/* why: the rules, each with its events. */
static void test_why(void **state)
{
    (void)state;
    add(0, "192.0.2.10", "j.miller@example.org", MS_OUT_AUTH_OK);
    add(DAY, "192.0.2.10", "j.miler@example.org", MS_OUT_AUTH_FAIL);
    for (int i = 0; i < 12; i++)
        add(2 * DAY + i, "192.0.2.10", "", MS_OUT_AUTH_FAIL);
    analyze();
    ms_ip ip;
    assert_true(ms_ip_parse("192.0.2.10", 10, &ip));
    uint32_t id = ms_intern_get(&st.ips, (const char *)ip.b, sizeof ip.b);
    ms_why w;
    assert_int_equal(ms_why_ip(&an, &opts, id, &w), 0);
    assert_int_equal(w.score, an.ip[id].score);
    int burst = 0, typo = 0, comp = 0;
    for (size_t i = 0; i < w.nrules; i++) {
        const ms_why_rule *r = &w.rules[i];
        if (r->rule == MS_RULE_BURST) {
            burst = 1;
            assert_true(r->against);
            assert_int_equal(r->nevents, MS_WHY_EVENTS);
            assert_int_equal(r->more, 12 - MS_WHY_EVENTS);
        }
        if (r->rule == MS_RULE_HONEST && r->detail == MS_HONEST_TYPO) {
            typo = 1;
            assert_false(r->against);
            assert_int_equal(r->nevents, 2);   /* the slip and the login */
        }
        comp += r->rule == MS_RULE_COMPROMISE;
    }
    assert_true(burst && typo);
    assert_int_equal(comp, 0);   /* its login came before the burst */
    ms_why_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_own_slips_over_days, setup, teardown),
        cmocka_unit_test_setup_teardown(test_real_account_slips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_burst_boundaries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trust_and_shared, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compromise_ranked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_why, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
