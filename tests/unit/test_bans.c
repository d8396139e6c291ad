/* test_bans.c — the ban list of analyze/bans.c, on small stores whose
 * verdicts the test sets: one entry per banned address (watch and benign
 * ones left out); with --aggregate, two or more banned addresses of one
 * IPv4 /24 or IPv6 /64 fold into the block, with the strongest score and
 * reasons, the earliest first and latest last stamps, the failures summed
 * and a campaign only when all share it, unless an address of the block
 * logged in (banned or not); one banned address, or neighbours across a
 * /24 or /64 edge, stay single. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analysis.h"
#include "analyze/bans.h"
#include "analyze/ipstats.h"
#include "store_harness.h"

#define T0 (20000 * (int64_t)86400)

static ms_store st;
static ms_analysis an;
static ms_analyze_opts opts;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(ms_store_init(&st), 0);
    assert_true(ms_store_add_file(&st, "x") == 0);
    memset(&an, 0, sizeof an);
    ms_arena_init(&an.arena);
    ms_analyze_defaults(&opts);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(an.ip);
    free(an.honest);
    ms_arena_free(&an.arena);
    ms_store_free(&st);
    return 0;
}

/* n failures of ip from second t, one a second. */
static void fails(const char *ip, int64_t t, int n)
{
    for (int i = 0; i < n; i++)
        store_event(&st, T0 + t + i, ip, "u", MS_OUT_AUTH_FAIL);
}

static uint32_t id_of(const char *addr)
{
    ms_ip ip;
    assert_true(ms_ip_parse(addr, strlen(addr), &ip));
    uint32_t id = ms_intern_get(&st.ips, (const char *)ip.b, sizeof ip.b);
    assert_int_not_equal(id, UINT32_MAX);
    return id;
}

/* The store finished and its per-ip figures made (ms_ipstats). */
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

static void verdict(const char *addr, ms_verdict v, int score,
                    const char *reasons, uint32_t cluster)
{
    ms_ipinfo *in = &an.ip[id_of(addr)];
    in->verdict = v;
    in->score = score;
    in->confidence = score >= 80 ? "high" : "medium";
    in->reasons = reasons;
    in->cluster = cluster;
}

static const char *net(size_t i)
{
    static char buf[MS_IP_STRLEN + 4];
    assert_true(i < an.nbans);
    ms_cidr_format(&an.bans[i].net, buf);
    return buf;
}

/* Only ban verdicts; each address alone, without --aggregate even when
 * they share a /24; the figures are the address's. */
static void test_singles(void **state)
{
    (void)state;
    fails("192.0.2.1", 0, 5);
    fails("192.0.2.2", 100, 3);
    fails("192.0.2.3", 0, 9);
    fails("192.0.2.4", 0, 9);
    stats();
    verdict("192.0.2.1", MS_BAN, 90, "one", 2);
    verdict("192.0.2.2", MS_BAN, 60, "two", 0);
    verdict("192.0.2.3", MS_WATCH, 50, "watched", 0);
    verdict("192.0.2.4", MS_BENIGN, 0, "honest", 0);
    assert_int_equal(ms_ban_list(&st, &opts, &an), 0);
    assert_int_equal(an.nbans, 2);
    assert_string_equal(net(0), "192.0.2.1");
    assert_string_equal(net(1), "192.0.2.2");
    const ms_ban *b = &an.bans[0];
    assert_int_equal(b->nips, 1);
    assert_int_equal(b->score, 90);
    assert_string_equal(b->confidence, "high");
    assert_string_equal(b->reasons, "one");
    assert_int_equal(b->failures, 5);
    assert_int_equal(b->cluster, 2);
    assert_true(b->first == T0 * MS_NS_PER_S);
    assert_true(b->last == (T0 + 4) * MS_NS_PER_S);
}

/* With --aggregate, three banned addresses of one /24 where nobody logged
 * in are one block: the strongest score and its reasons, the earliest and
 * latest stamps, the failures summed, no campaign (two differ). */
static void test_block(void **state)
{
    (void)state;
    opts.aggregate = 1;
    fails("198.51.100.7", 50, 2);
    fails("198.51.100.200", 10, 3);
    fails("198.51.100.9", 500, 4);
    stats();
    verdict("198.51.100.7", MS_BAN, 60, "weak", 1);
    verdict("198.51.100.200", MS_BAN, 95, "strong", 1);
    verdict("198.51.100.9", MS_BAN, 70, "middle", 3);
    assert_int_equal(ms_ban_list(&st, &opts, &an), 0);
    assert_int_equal(an.nbans, 1);
    const ms_ban *b = &an.bans[0];
    assert_string_equal(net(0), "198.51.100.0/24");
    assert_int_equal(b->nips, 3);
    assert_int_equal(b->score, 95);
    assert_string_equal(b->confidence, "high");
    assert_int_equal(b->failures, 9);
    assert_int_equal(b->cluster, 0);
    assert_true(b->first == (T0 + 10) * MS_NS_PER_S);
    assert_true(b->last == (T0 + 503) * MS_NS_PER_S);
    assert_string_equal(b->reasons, "3 banned addresses in this block, none "
                        "that logged in; strongest: strong");
}

/* A block whose members share a campaign keeps it. */
static void test_block_campaign(void **state)
{
    (void)state;
    opts.aggregate = 1;
    fails("198.51.100.1", 0, 2);
    fails("198.51.100.2", 0, 2);
    stats();
    verdict("198.51.100.1", MS_BAN, 60, "a", 4);
    verdict("198.51.100.2", MS_BAN, 60, "b", 4);
    assert_int_equal(ms_ban_list(&st, &opts, &an), 0);
    assert_int_equal(an.nbans, 1);
    assert_int_equal(an.bans[0].cluster, 4);
    assert_int_equal(an.bans[0].nips, 2);
}

/* An address of the block that logged in, banned or not, keeps its
 * banned neighbours single; so does a lone banned address; and the edge
 * of a /24 splits neighbours. */
static void test_not_folded(void **state)
{
    (void)state;
    opts.aggregate = 1;
    fails("203.0.113.1", 0, 2);
    fails("203.0.113.2", 0, 2);
    store_event(&st, T0 + 9, "203.0.113.250", "bob", MS_OUT_AUTH_OK);
    fails("192.0.2.255", 0, 2);
    fails("192.0.3.0", 0, 2);
    fails("198.51.100.1", 0, 2);
    fails("198.51.100.2", 0, 2);
    store_event(&st, T0 + 9, "198.51.100.2", "bob", MS_OUT_AUTH_OK);
    stats();
    verdict("203.0.113.1", MS_BAN, 60, "a", 0);
    verdict("203.0.113.2", MS_BAN, 60, "b", 0);
    verdict("192.0.2.255", MS_BAN, 60, "c", 0);
    verdict("192.0.3.0", MS_BAN, 60, "d", 0);
    verdict("198.51.100.1", MS_BAN, 60, "e", 0);
    verdict("198.51.100.2", MS_BAN, 60, "f", 0);
    assert_int_equal(ms_ban_list(&st, &opts, &an), 0);
    assert_int_equal(an.nbans, 6);
    for (size_t i = 0; i < an.nbans; i++)
        assert_int_equal(an.bans[i].nips, 1);
    assert_string_equal(net(0), "192.0.2.255");
    assert_string_equal(net(1), "192.0.3.0");
}

/* IPv6: the block is the /64. */
static void test_v6_block(void **state)
{
    (void)state;
    opts.aggregate = 1;
    fails("2001:db8:0:1::5", 0, 2);
    fails("2001:db8:0:1:ffff::9", 0, 2);
    fails("2001:db8:0:2::5", 0, 2);
    stats();
    verdict("2001:db8:0:1::5", MS_BAN, 60, "a", 0);
    verdict("2001:db8:0:1:ffff::9", MS_BAN, 60, "b", 0);
    verdict("2001:db8:0:2::5", MS_BAN, 60, "c", 0);
    assert_int_equal(ms_ban_list(&st, &opts, &an), 0);
    assert_int_equal(an.nbans, 2);
    assert_string_equal(net(0), "2001:db8:0:1::/64");
    assert_int_equal(an.bans[0].nips, 2);
    assert_string_equal(net(1), "2001:db8:0:2::5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_singles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_campaign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_folded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_v6_block, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
