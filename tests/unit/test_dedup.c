/* test_dedup.c — parse/dedup.h: which failures count once, and how far
 * back the search looks (the window, the ring of recent failures, the
 * per-address chains that let it skip other addresses). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "parse/dedup.h"
#include "parse/rule.h"

#define MAXEV 2048

static ms_event ev[MAXEV];
static size_t nev;
static ms_dedup dd;

static int setup(void **state)
{
    (void)state;
    nev = 0;
    ms_dedup_init(&dd);
    return 0;
}

/* A failure of ip at second sod of May 4 (year-less), from layer. */
static ms_event *failure(const char *ip, const char *user, uint32_t sod,
                      uint8_t layer)
{
    ms_event *e = &ev[nev];
    memset(e, 0, sizeof *e);
    e->outcome = MS_OUT_AUTH_FAIL;
    e->attempts = 1;
    e->line = nev + 1;
    e->user.p = user;
    e->user.n = strlen(user);
    assert_true(ms_ip_parse(ip, strlen(ip), &e->ip));
    ms_stamp ts = {.kind = MS_TS_NOYEAR, .mon = 5, .day = 4, .sod = sod};
    ms_dedup_check(&dd, ev, nev++, &ts, layer);
    return e;
}

/* n failures of distinct other addresses, from the front layer. */
static void others(unsigned n, uint32_t sod)
{
    char ip[32];
    for (unsigned i = 0; i < n; i++) {
        snprintf(ip, sizeof ip, "10.%u.%u.1", i / 250, i % 250);
        failure(ip, "x", sod, MS_LAYER_FRONT);
    }
}

static void test_two_layers_count_once(void **state)
{
    (void)state;
    ms_event *a = failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    ms_event *b = failure("192.0.2.1", "bob", 101, MS_LAYER_FRONT);
    assert_int_equal(a->outcome, MS_OUT_AUTH_FAIL);
    assert_int_equal(b->outcome, MS_OUT_DUPLICATE);
    assert_int_equal(b->dup_of, 1);
}

static void test_same_layer_counts_twice(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_FRONT);
    assert_int_equal(failure("192.0.2.1", "bob", 101, MS_LAYER_FRONT)->outcome,
                     MS_OUT_AUTH_FAIL);
}

static void test_other_user_counts_twice(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    assert_int_equal(failure("192.0.2.1", "eve", 100, MS_LAYER_FRONT)->outcome,
                     MS_OUT_AUTH_FAIL);
}

static void test_outside_window(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    ms_event *b = failure("192.0.2.1", "bob", 100 + MS_DEDUP_WINDOW + 1,
                       MS_LAYER_FRONT);
    assert_int_equal(b->outcome, MS_OUT_AUTH_FAIL);
}

/* Other addresses in between are passed over, up to the ring's size. */
static void test_other_addresses_between(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    others(MS_DEDUP_RING - 2, 100);
    ms_event *b = failure("192.0.2.1", "bob", 101, MS_LAYER_FRONT);
    assert_int_equal(b->outcome, MS_OUT_DUPLICATE);
    assert_int_equal(b->dup_of, 1);
}

static void test_ring_forgets(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    others(MS_DEDUP_RING, 100);
    assert_int_equal(failure("192.0.2.1", "bob", 101, MS_LAYER_FRONT)->outcome,
                     MS_OUT_AUTH_FAIL);
}

/* One counted failure absorbs one line of each other layer per attempt:
 * a second front line is a new attempt, and the newest attempt absorbs. */
static void test_absorbs_once_per_layer(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    assert_int_equal(failure("192.0.2.1", "bob", 100, MS_LAYER_FRONT)->outcome,
                     MS_OUT_DUPLICATE);
    assert_int_equal(failure("192.0.2.1", "bob", 100, MS_LAYER_FRONT)->outcome,
                     MS_OUT_AUTH_FAIL);
    ms_event *pam = failure("192.0.2.1", "bob", 100, MS_LAYER_PAM);
    assert_int_equal(pam->outcome, MS_OUT_DUPLICATE);
    assert_int_equal(pam->dup_of, 3);
}

/* Addresses whose hashes share a bucket stay apart. */
static void test_many_addresses(void **state)
{
    (void)state;
    char ip[32];
    for (unsigned i = 0; i < 200; i++) {
        snprintf(ip, sizeof ip, "198.51.%u.%u", i / 100, i % 100);
        failure(ip, "u", 100, MS_LAYER_AUTHDB);
    }
    for (unsigned i = 0; i < 200; i++) {
        snprintf(ip, sizeof ip, "198.51.%u.%u", i / 100, i % 100);
        ms_event *e = failure(ip, "u", 101, MS_LAYER_FRONT);
        assert_int_equal(e->outcome, MS_OUT_DUPLICATE);
        assert_int_equal(e->dup_of, i + 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_two_layers_count_once, setup),
        cmocka_unit_test_setup(test_same_layer_counts_twice, setup),
        cmocka_unit_test_setup(test_other_user_counts_twice, setup),
        cmocka_unit_test_setup(test_outside_window, setup),
        cmocka_unit_test_setup(test_other_addresses_between, setup),
        cmocka_unit_test_setup(test_ring_forgets, setup),
        cmocka_unit_test_setup(test_absorbs_once_per_layer, setup),
        cmocka_unit_test_setup(test_many_addresses, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
