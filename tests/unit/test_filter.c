/* test_filter.c — the filters: time bounds (dates, times with and without
 * a zone, spans) and bad values; matching on time, user, address (IPv4,
 * IPv6, CIDR) and server (host, else the file's label); spans resolved
 * back from the last event; the text the report shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/filter.h"

#define S(sec) ((ms_time)(sec) * MS_NS_PER_S)

static int setup_utc(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    return 0;
}

static ms_time when(const char *s)
{
    ms_time t = 0;
    int64_t span = -1;
    assert_int_equal(ms_filter_parse_when(s, &t, &span), 0);
    assert_int_equal(span, 0);
    return t;
}

static void test_times(void **state)
{
    (void)state;
    int64_t day = ms_secs_from_fields(2025, 5, 4, 0, 0, 0);
    assert_true(when("2025-05-04") == S(day));
    assert_true(when("2025-05-04T10:00") == S(day + 36000));
    assert_true(when("2025-05-04 10:00:30") == S(day + 36030));
    assert_true(when("2025-05-04T10:00Z") == S(day + 36000));
    assert_true(when("2025-05-04 10:00:00+02:00") == S(day + 28800));
    assert_true(when("2025-05-04T10:00-0130") == S(day + 41400));
}

/* Zone-less times are read in the process zone (last: the zone's offset
 * is cached per hour, timeconv.h). */
static void test_local_zone(void **state)
{
    (void)state;
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    int64_t day = ms_secs_from_fields(2025, 5, 4, 0, 0, 0);
    assert_true(when("2025-05-04T10:00") == S(day + 28800));
    assert_true(when("2025-05-04T10:00Z") == S(day + 36000));
}

static void test_spans_and_bad(void **state)
{
    (void)state;
    ms_time t;
    int64_t span;
    static const struct { const char *s; int64_t secs; } spans[] = {
        {"7d", 7 * 86400}, {"12h", 43200}, {"30m", 1800}, {"45s", 45},
        {"2w", 14 * 86400}};
    for (size_t i = 0; i < sizeof spans / sizeof *spans; i++) {
        assert_int_equal(ms_filter_parse_when(spans[i].s, &t, &span), 0);
        assert_int_equal(span, spans[i].secs);
    }
    static const char *const bad[] = {"", "7", "d", "0d", "7y", "7dd", "-7d",
        "2025-05", "2025-05-04T", "2025-05-04T10", "2025-13-01",
        "2025-05-04T25:00", "2025-05-04T10:00+2", "yesterday",
        "1234567890d"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(ms_filter_parse_when(bad[i], &t, &span), -1);
    ms_filter f;
    ms_filter_init(&f);
    ms_error err = {0};
    assert_int_equal(ms_filter_add(&f, MS_FILTER_SINCE, "soon", &err), -1);
    assert_int_equal(err.code, MS_ERR_USAGE);
    assert_int_equal(ms_filter_add(&f, MS_FILTER_IP, "10.0.0.0/33", &err), -1);
    assert_int_equal(ms_filter_add(&f, MS_FILTER_IP, "host.example", &err), -1);
    assert_int_equal(ms_filter_add(&f, MS_FILTER_USER, "", &err), -1);
    assert_false(ms_filter_active(&f));
}

static ms_event ev(ms_time t, const char *ip, const char *user,
                   const char *host)
{
    ms_event e = {.time = t, .outcome = MS_OUT_AUTH_FAIL, .attempts = 1};
    if (ip)
        assert_true(ms_ip_parse(ip, strlen(ip), &e.ip));
    e.user = (ms_str){user, (uint32_t)strlen(user)};
    e.host = (ms_str){host, (uint32_t)strlen(host)};
    return e;
}

static void add(ms_filter *f, ms_filter_kind k, const char *arg)
{
    assert_int_equal(ms_filter_add(f, k, arg, NULL), 0);
}

static void test_match(void **state)
{
    (void)state;
    ms_filter f;
    ms_filter_init(&f);
    ms_event e = ev(when("2025-05-04T10:00"), "192.0.2.7", "bob", "");
    ms_filter_resolve(&f, MS_TIME_NONE);
    assert_true(ms_filter_match(&f, &e, ""));   /* keeps everything */

    add(&f, MS_FILTER_SINCE, "2025-05-04T10:00");
    add(&f, MS_FILTER_UNTIL, "2025-05-04T11:00");
    ms_filter_resolve(&f, MS_TIME_NONE);
    assert_true(ms_filter_match(&f, &e, ""));          /* since inclusive */
    e.time = when("2025-05-04T11:00");
    assert_false(ms_filter_match(&f, &e, ""));         /* until exclusive */
    e.time = when("2025-05-04T09:59:59");
    assert_false(ms_filter_match(&f, &e, ""));
    e.time = MS_TIME_NONE;
    assert_false(ms_filter_match(&f, &e, ""));         /* no time: out */
    e.time = when("2025-05-04T10:30");

    add(&f, MS_FILTER_USER, "alice");
    add(&f, MS_FILTER_USER, "bob");
    assert_true(ms_filter_match(&f, &e, ""));
    ms_event other = ev(e.time, "192.0.2.7", "Bob", "");
    assert_false(ms_filter_match(&f, &other, ""));     /* exact bytes */
    other = ev(e.time, "192.0.2.7", "bo", "");
    assert_false(ms_filter_match(&f, &other, ""));

    add(&f, MS_FILTER_IP, "198.51.100.0/24");
    add(&f, MS_FILTER_IP, "2001:db8::/32");
    assert_false(ms_filter_match(&f, &e, ""));
    e = ev(e.time, "::ffff:198.51.100.9", "bob", "");
    assert_true(ms_filter_match(&f, &e, ""));           /* mapped IPv4 */
    e = ev(e.time, "2001:db8:1::5", "bob", "");
    assert_true(ms_filter_match(&f, &e, ""));
    e = ev(e.time, "2001:db9::5", "bob", "");
    assert_false(ms_filter_match(&f, &e, ""));
    e = ev(e.time, NULL, "bob", "");
    assert_false(ms_filter_match(&f, &e, ""));          /* no address */

    add(&f, MS_FILTER_SERVER, "mx1");
    e = ev(e.time, "2001:db8::1", "bob", "mx1");
    assert_true(ms_filter_match(&f, &e, "pop"));        /* its host */
    e = ev(e.time, "2001:db8::1", "bob", "mx2");
    assert_false(ms_filter_match(&f, &e, "mx1"));       /* host first */
    e = ev(e.time, "2001:db8::1", "bob", "");
    assert_true(ms_filter_match(&f, &e, "mx1"));        /* else the label */
    assert_false(ms_filter_match(&f, &e, ""));
    assert_true(ms_filter_active(&f));
    assert_false(ms_filter_needs_last(&f));
}

static void test_span_and_text(void **state)
{
    (void)state;
    ms_filter f;
    ms_filter_init(&f);
    add(&f, MS_FILTER_SINCE, "1h");
    add(&f, MS_FILTER_IP, "203.0.113.0/24");
    add(&f, MS_FILTER_USER, "a");
    add(&f, MS_FILTER_USER, "b");
    add(&f, MS_FILTER_USER, "c");
    assert_true(ms_filter_needs_last(&f));
    ms_event e = ev(when("2025-05-04T08:00"), "203.0.113.5", "a", "");
    /* The last event not known yet: the span bounds nothing. */
    ms_filter_resolve(&f, MS_TIME_NONE);
    assert_true(ms_filter_match(&f, &e, ""));
    ms_time last = MS_TIME_NONE;
    ms_filter_see(&last, &e);
    ms_event late = ev(when("2025-05-04T10:00"), "203.0.113.5", "a", "");
    ms_filter_see(&last, &late);
    ms_event none = ev(when("2025-05-05"), NULL, "", "");
    none.outcome = MS_OUT_NONE;
    ms_filter_see(&last, &none);                        /* not an event */
    assert_true(last == late.time);
    ms_filter_resolve(&f, last);
    assert_false(ms_filter_match(&f, &e, ""));
    assert_true(ms_filter_match(&f, &late, ""));
    e.time = when("2025-05-04T09:00");
    assert_true(ms_filter_match(&f, &e, ""));           /* exactly 1h back */

    ms_buf b = {0};
    ms_filter_describe(&f, &b);
    ms_buf_addc(&b, '\0');
    assert_string_equal(b.p, "since 2025-05-04T09:00:00Z (1h before the last "
                             "event, 2025-05-04T10:00:00Z); users a, b or c; "
                             "address 203.0.113.0/24");
    ms_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_spans_and_bad),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_span_and_text),
        cmocka_unit_test(test_local_zone),
    };
    return cmocka_run_group_tests(tests, setup_utc, NULL);
}
