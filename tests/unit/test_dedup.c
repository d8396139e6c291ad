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
#include "parse/scan_events.h"
#include "parse/rule.h"

static ms_scan_events evs;
static ms_dedup dd;

static int setup(void **state)
{
    (void)state;
    ms_scan_events_init(&evs);
    ms_dedup_init(&dd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ms_scan_events_free(&evs);
    return 0;
}

/* Event i as it is now. */
static ms_event at(size_t i)
{
    ms_event e;
    ms_scan_events_get(&evs, i, 0, &e);
    return e;
}

/* A failure of ip at second sod of May 4 (year-less), from layer, with
 * service and method; its index. */
static size_t failure_of(const char *ip, const char *user, uint32_t sod,
                         uint8_t layer, uint8_t service, const char *method)
{
    ms_event e = {
        .outcome = MS_OUT_AUTH_FAIL, .service = service, .attempts = 1,
        .line = evs.n + 1, .source = "test",
        .user = {user, strlen(user)}, .method = {method, strlen(method)},
    };
    assert_true(ms_ip_parse(ip, strlen(ip), &e.ip));
    ms_stamp ts = {.kind = MS_TS_NOYEAR, .mon = 5, .day = 4, .sod = sod};
    assert_int_equal(ms_scan_events_add(&evs, &e, &ts, 0), 0);
    ms_dedup_check(&dd, &evs, &ts, layer);
    return evs.n - 1;
}

static size_t failure(const char *ip, const char *user, uint32_t sod,
                      uint8_t layer)
{
    return failure_of(ip, user, sod, layer, MS_SVC_UNKNOWN, "");
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
    size_t a = failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    size_t b = failure("192.0.2.1", "bob", 101, MS_LAYER_FRONT);
    assert_int_equal(at(a).outcome, MS_OUT_AUTH_FAIL);
    assert_int_equal(at(b).outcome, MS_OUT_DUPLICATE);
    assert_int_equal(at(b).dup_of, 1);
}

static void test_same_layer_counts_twice(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_FRONT);
    assert_int_equal(at(failure("192.0.2.1", "bob", 101, MS_LAYER_FRONT)).outcome,
                     MS_OUT_AUTH_FAIL);
}

static void test_other_user_counts_twice(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    assert_int_equal(at(failure("192.0.2.1", "eve", 100, MS_LAYER_FRONT)).outcome,
                     MS_OUT_AUTH_FAIL);
}

static void test_outside_window(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    size_t b = failure("192.0.2.1", "bob", 100 + MS_DEDUP_WINDOW + 1,
                       MS_LAYER_FRONT);
    assert_int_equal(at(b).outcome, MS_OUT_AUTH_FAIL);
}

/* Other addresses in between are passed over, up to the ring's size. */
static void test_other_addresses_between(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    others(MS_DEDUP_RING - 2, 100);
    size_t b = failure("192.0.2.1", "bob", 101, MS_LAYER_FRONT);
    assert_int_equal(at(b).outcome, MS_OUT_DUPLICATE);
    assert_int_equal(at(b).dup_of, 1);
}

static void test_ring_forgets(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    others(MS_DEDUP_RING, 100);
    assert_int_equal(at(failure("192.0.2.1", "bob", 101, MS_LAYER_FRONT)).outcome,
                     MS_OUT_AUTH_FAIL);
}

/* One counted failure absorbs one line of each other layer per attempt:
 * a second front line is a new attempt, and the newest attempt absorbs. */
static void test_absorbs_once_per_layer(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    assert_int_equal(at(failure("192.0.2.1", "bob", 100, MS_LAYER_FRONT)).outcome,
                     MS_OUT_DUPLICATE);
    assert_int_equal(at(failure("192.0.2.1", "bob", 100, MS_LAYER_FRONT)).outcome,
                     MS_OUT_AUTH_FAIL);
    size_t pam = failure("192.0.2.1", "bob", 100, MS_LAYER_PAM);
    assert_int_equal(at(pam).outcome, MS_OUT_DUPLICATE);
    assert_int_equal(at(pam).dup_of, 3);
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
        size_t e = failure(ip, "u", 101, MS_LAYER_FRONT);
        assert_int_equal(at(e).outcome, MS_OUT_DUPLICATE);
        assert_int_equal(at(e).dup_of, i + 1);
    }
}

/* The counted event takes what it lacked from the line it absorbs: the
 * user, the service, the method; what it had stays. */
static void test_enriches_counted(void **state)
{
    (void)state;
    size_t a = failure_of("192.0.2.1", "", 100, MS_LAYER_AUTHDB,
                          MS_SVC_UNKNOWN, "");
    size_t b = failure_of("192.0.2.1", "bob", 101, MS_LAYER_FRONT,
                          MS_SVC_IMAP, "PLAIN");
    assert_int_equal(at(b).outcome, MS_OUT_DUPLICATE);
    ms_event e = at(a);
    assert_int_equal(e.service, MS_SVC_IMAP);
    assert_int_equal(e.method.n, 5);
    assert_memory_equal(e.method.p, "PLAIN", 5);
    assert_int_equal(e.user.n, 3);
    assert_memory_equal(e.user.p, "bob", 3);
    size_t c = failure_of("192.0.2.2", "eve", 100, MS_LAYER_AUTHDB,
                          MS_SVC_POP3, "LOGIN");
    failure_of("192.0.2.2", "", 101, MS_LAYER_FRONT, MS_SVC_IMAP, "PLAIN");
    e = at(c);
    assert_int_equal(e.service, MS_SVC_POP3);
    assert_memory_equal(e.method.p, "LOGIN", 5);
    assert_memory_equal(e.user.p, "eve", 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_layers_count_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_layer_counts_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_user_counts_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outside_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_addresses_between, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ring_forgets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absorbs_once_per_layer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_addresses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enriches_counted, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
