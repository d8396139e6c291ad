/* test_scan_events.c — parse/scan_events.h: events kept compact read back
 * as they went in (strings, sources, times, duplicates), a string equal to
 * the previous event's stored once, year-less stamps timed only once their
 * year is known, growth past the 32 MiB block, and memory given back
 * behind an in-order reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "parse/scan_events.h"

static void assert_str(ms_str s, const char *want)
{
    assert_int_equal(s.n, strlen(want));
    assert_memory_equal(s.p, want, s.n);
    assert_int_equal(s.p[s.n], '\0');
}

static ms_event event(const char *user, const char *source, uint64_t line)
{
    ms_event e = {
        .outcome = MS_OUT_AUTH_FAIL, .service = MS_SVC_IMAP, .attempts = 3,
        .line = line, .source = source, .user = {user, strlen(user)},
        .method = {"PLAIN", 5}, .reason = {"bad_password", 12},
        .session = {"", 0}, .host = {"mx1", 3},
    };
    assert_true(ms_ip_parse("2001:db8::7", 11, &e.ip));
    return e;
}

static void test_round_trip(void **state)
{
    (void)state;
    ms_scan_events s;
    ms_scan_events_init(&s);
    /* A user with a NUL, bytes over 0x7f and a comma comes back as is. */
    static const char odd[] = "a\0b\xff,\"c";
    ms_event e = event("", "dovecot", 7);
    e.user = (ms_str){odd, sizeof odd - 1};
    ms_stamp abs = {.kind = MS_TS_ABS, .time = 1700000000123456789};
    assert_int_equal(ms_scan_events_add(&s, &e, &abs, 0), 0);
    ms_stamp none = {.kind = MS_TS_NONE};
    ms_event f = event("bob", "postfix", 9);
    assert_int_equal(ms_scan_events_add(&s, &f, &none, 0), 0);
    ms_event g;
    ms_scan_events_get(&s, 0, 4, &g);
    assert_int_equal(g.user.n, sizeof odd - 1);
    assert_memory_equal(g.user.p, odd, sizeof odd - 1);
    assert_int_equal(g.time, 1700000000123456789);
    assert_int_equal(g.file, 4);
    assert_int_equal(g.line, 7);
    assert_int_equal(g.attempts, 3);
    assert_int_equal(g.outcome, MS_OUT_AUTH_FAIL);
    assert_int_equal(g.service, MS_SVC_IMAP);
    assert_string_equal(g.source, "dovecot");
    assert_int_equal(ms_ip_cmp(&g.ip, &e.ip), 0);
    assert_str(g.method, "PLAIN");
    assert_str(g.reason, "bad_password");
    assert_str(g.session, "");
    assert_str(g.host, "mx1");
    ms_scan_events_get(&s, 1, 4, &g);
    assert_int_equal(g.time, MS_TIME_NONE);
    assert_string_equal(g.source, "postfix");
    assert_str(g.user, "bob");
    assert_int_equal(s.nsources, 2);
    ms_scan_events_free(&s);
}

/* Equal strings in a column from one event to the next are kept once;
 * others, and equal ones in another column, are not shared. */
static void test_repeats_stored_once(void **state)
{
    (void)state;
    ms_scan_events s;
    ms_scan_events_init(&s);
    ms_stamp none = {.kind = MS_TS_NONE};
    ms_event e = event("bob", "x", 1);
    assert_int_equal(ms_scan_events_add(&s, &e, &none, 0), 0);
    size_t used = s.pool_len;
    assert_int_equal(ms_scan_events_add(&s, &e, &none, 0), 0);
    assert_int_equal(s.pool_len, used);
    assert_memory_equal(s.ev[0].str, s.ev[1].str, sizeof s.ev[0].str);
    e.user = (ms_str){"mx1", 3};   /* the host's text, in the user column */
    assert_int_equal(ms_scan_events_add(&s, &e, &none, 0), 0);
    assert_true(s.pool_len > used);
    assert_int_not_equal(s.ev[2].str[MS_SEV_USER], s.ev[2].str[MS_SEV_HOST]);
    ms_event g;
    ms_scan_events_get(&s, 2, 0, &g);
    assert_str(g.user, "mx1");
    ms_scan_events_free(&s);
}

/* A year-less stamp has no time until year0 is set, then the year of its
 * wraps, to the nanosecond. */
static void test_yearless_stamp(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    ms_scan_events s;
    ms_scan_events_init(&s);
    ms_stamp dec = {.kind = MS_TS_NOYEAR, .mon = 12, .day = 31,
                    .sod = 86399, .ns = 999999999};
    ms_stamp jan = {.kind = MS_TS_NOYEAR, .mon = 1, .day = 1, .sod = 0};
    ms_event e = event("u", "x", 1);
    assert_int_equal(ms_scan_events_add(&s, &e, &dec, 0), 0);
    assert_int_equal(ms_scan_events_add(&s, &e, &jan, 1), 0);
    ms_event g;
    ms_scan_events_get(&s, 0, 0, &g);
    assert_int_equal(g.time, MS_TIME_NONE);
    s.year0 = 2024;
    ms_scan_events_get(&s, 0, 0, &g);
    assert_int_equal(g.time, ms_stamp_time(&dec, 2024));
    assert_int_equal(g.time % MS_NS_PER_S, 999999999);
    ms_event h;
    ms_scan_events_get(&s, 1, 0, &h);
    assert_int_equal(h.time, ms_stamp_time(&jan, 2025));
    assert_int_equal(h.time - g.time, 1);   /* one nanosecond later */
    ms_scan_events_free(&s);
}

/* A duplicate's dup_of is the line of the event it points back to. */
static void test_duplicate_points_back(void **state)
{
    (void)state;
    ms_scan_events s;
    ms_scan_events_init(&s);
    ms_stamp none = {.kind = MS_TS_NONE};
    for (uint64_t line = 10; line < 15; line++) {
        ms_event e = event("u", "x", line);
        assert_int_equal(ms_scan_events_add(&s, &e, &none, 0), 0);
    }
    s.ev[4].outcome = MS_OUT_DUPLICATE;
    s.ev[4].dup = 3;
    ms_event g;
    ms_scan_events_get(&s, 4, 0, &g);
    assert_int_equal(g.outcome, MS_OUT_DUPLICATE);
    assert_int_equal(g.dup_of, 11);
    ms_scan_events_free(&s);
}

/* Enough events and strings that both blocks move past 32 MiB; every one
 * still reads back. */
static void test_growth(void **state)
{
    (void)state;
    ms_scan_events s;
    ms_scan_events_init(&s);
    char user[96];
    size_t n = 700000;
    for (size_t i = 0; i < n; i++) {
        snprintf(user, sizeof user, "user-%zu-padding-padding-padding-padding-padding-padding", i);
        ms_event e = event(user, "x", i + 1);
        ms_stamp ts = {.kind = MS_TS_ABS, .time = (ms_time)i};
        assert_int_equal(ms_scan_events_add(&s, &e, &ts, 0), 0);
    }
    assert_true(s.n * sizeof *s.ev > (32u << 20));
    assert_true(s.pool_len > (32u << 20));
    for (size_t i = 0; i < n; i += 997) {
        ms_event g;
        ms_scan_events_get(&s, i, 0, &g);
        snprintf(user, sizeof user, "user-%zu-padding-padding-padding-padding-padding-padding", i);
        assert_str(g.user, user);
        assert_int_equal(g.time, (ms_time)i);
        assert_int_equal(g.line, i + 1);
    }
    ms_scan_events_free(&s);
}

/* Reading in order while giving back what was read: every later event
 * still has all its strings, a host shared for thousands of events too,
 * and the memory behind goes back to the system. */
static void test_release_behind(void **state)
{
    (void)state;
    ms_scan_events s;
    ms_scan_events_init(&s);
    char user[96], host[32];
    size_t n = 200000;
    for (size_t i = 0; i < n; i++) {
        snprintf(user, sizeof user, "user-%zu-padding-padding-padding", i);
        ms_event e = event(user, "x", i + 1);
        snprintf(host, sizeof host, "mx%zu", i / 60000);   /* shared over MBs */
        e.host = (ms_str){host, strlen(host)};
        ms_stamp ts = {.kind = MS_TS_NONE};
        assert_int_equal(ms_scan_events_add(&s, &e, &ts, 0), 0);
    }
    for (size_t i = 0; i < n; i++) {
        ms_event g;
        ms_scan_events_get(&s, i, 0, &g);
        snprintf(user, sizeof user, "user-%zu-padding-padding-padding", i);
        assert_str(g.user, user);
        snprintf(host, sizeof host, "mx%zu", i / 60000);
        assert_str(g.host, host);
        assert_str(g.reason, "bad_password");
        if ((i + 1) % 1000 == 0)
            ms_scan_events_release(&s, i + 1);
    }
    assert_true(s.released_ev > s.n * sizeof *s.ev / 2);
    assert_true(s.released_pool > s.pool_len / 2);
    ms_scan_events_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_repeats_stored_once),
        cmocka_unit_test(test_yearless_stamp),
        cmocka_unit_test(test_duplicate_points_back),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_release_behind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
