/* test_benign.c — analyze/benign.c: which failures honest use explains
 * (a success for the same name or a near miss within a minute, a stale
 * password, a shared address), and a minute of thousands of failures from
 * one address judged one by one (it used to compare each failure with
 * every later event of that minute). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "analyze/analysis.h"
#include "store_harness.h"

static ms_store st;
static ms_analysis an;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(ms_store_init(&st), 0);
    assert_true(ms_store_add_file(&st, "x") == 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ms_analysis_free(&an);
    ms_store_free(&st);
    return 0;
}

static void add(int64_t t, const char *ip, const char *user, ms_outcome o)
{
    store_event(&st, t, ip, user, o);
}

static void analyze(void)
{
    assert_int_equal(ms_store_finish(&st), 0);
    ms_analyze_opts o;
    ms_analyze_defaults(&o);
    ms_error err;
    assert_int_equal(ms_analyze(&st, &o, &an, &err), 0);
}

static void test_fallback_and_typo(void **state)
{
    (void)state;
    add(0, "192.0.2.1", "bob", MS_OUT_AUTH_FAIL);
    add(10, "192.0.2.1", "bob", MS_OUT_AUTH_OK);
    add(100, "192.0.2.2", "dann", MS_OUT_AUTH_FAIL);
    add(105, "192.0.2.2", "dan", MS_OUT_AUTH_OK);
    analyze();
    assert_int_equal(an.honest_count[MS_HONEST_FALLBACK], 1);
    assert_int_equal(an.honest_count[MS_HONEST_TYPO], 1);
}

/* A success more than a minute later is no fallback: the name succeeds
 * here, so the failure is a stale password. */
static void test_late_success_is_stale(void **state)
{
    (void)state;
    add(0, "192.0.2.1", "bob", MS_OUT_AUTH_FAIL);
    add(100, "192.0.2.1", "bob", MS_OUT_AUTH_OK);
    analyze();
    assert_int_equal(an.honest_count[MS_HONEST_FALLBACK], 0);
    assert_int_equal(an.honest_count[MS_HONEST_STALE], 1);
}

/* Twenty thousand failures in one second, then a success for one of the
 * names: that name's five failures are a fallback, the others count. */
static void test_burst_of_failures(void **state)
{
    (void)state;
    char name[32], picked[32];
    for (unsigned i = 0; i < 20000; i++) {   /* 4000 names, far apart */
        snprintf(name, sizeof name, "%08x", (i % 4000 + 1) * 2654435761u);
        add(0, "198.51.100.1", name, MS_OUT_AUTH_FAIL);
    }
    snprintf(picked, sizeof picked, "%08x", 1235 * 2654435761u);
    add(30, "198.51.100.1", picked, MS_OUT_AUTH_OK);
    analyze();
    assert_int_equal(an.honest_count[MS_HONEST_FALLBACK], 5);
    assert_int_equal(an.honest_count[MS_HONEST_TYPO], 0);
}

/* A failure is compared with the successes of the next minute: those of
 * other names in between do not hide its own. */
static void test_success_after_others(void **state)
{
    (void)state;
    char name[32];
    add(0, "203.0.113.5", "zed", MS_OUT_AUTH_FAIL);
    for (unsigned i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "member%02u", i);
        add(1, "203.0.113.5", name, MS_OUT_AUTH_OK);
    }
    add(2, "203.0.113.5", "zed", MS_OUT_AUTH_OK);
    analyze();
    assert_int_equal(an.honest_count[MS_HONEST_FALLBACK], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fallback_and_typo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_late_success_is_stale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_burst_of_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_success_after_others, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
