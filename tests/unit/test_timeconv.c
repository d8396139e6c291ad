/* test_timeconv.c — calendar maths, zone conversion and ISO printing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeconv.h"

static void use_tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static void test_civil_roundtrip(void **state)
{
    (void)state;
    assert_int_equal(ms_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(ms_days_from_civil(2000, 3, 1), 11017);
    for (int64_t z = -800000; z < 800000; z += 997) {
        int64_t y;
        unsigned m, d;
        ms_civil_from_days(z, &y, &m, &d);
        assert_int_equal(ms_days_from_civil(y, m, d), z);
    }
}

static void test_format(void **state)
{
    (void)state;
    char buf[MS_TIME_STRLEN];
    ms_time t = ms_secs_from_fields(2007, 1, 21, 9, 51, 25) * MS_NS_PER_S;
    ms_time_format(t, buf);
    assert_string_equal(buf, "2007-01-21T09:51:25Z");
    ms_time_format(t + 570281500, buf);
    assert_string_equal(buf, "2007-01-21T09:51:25.5702815Z");
    ms_time_format(-1 * MS_NS_PER_S, buf);
    assert_string_equal(buf, "1969-12-31T23:59:59Z");
    assert_int_equal(ms_time_format(1, buf), 30);
    assert_string_equal(buf, "1970-01-01T00:00:00.000000001Z");
    ms_time_format(-1, buf);
    assert_string_equal(buf, "1969-12-31T23:59:59.999999999Z");
    ms_time_format(INT64_MAX, buf);
    assert_string_equal(buf, "2262-04-11T23:47:16.854775807Z");
    ms_time_format(INT64_MIN + 1, buf);
    assert_string_equal(buf, "1677-09-21T00:12:43.145224193Z");
    /* Every second of a leap year's end, against the C library. */
    ms_time base = ms_secs_from_fields(2024, 12, 31, 0, 0, 0);
    for (int64_t k = -86400; k < 2 * 86400; k += 61) {
        time_t tt = (time_t)(base + k);
        struct tm tm;
        gmtime_r(&tt, &tm);
        char want[MS_TIME_STRLEN];
        strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
        assert_int_equal(ms_time_format((base + k) * MS_NS_PER_S, buf), strlen(want));
        assert_string_equal(buf, want);
    }
}

static void test_parse_iso(void **state)
{
    (void)state;
    use_tz("UTC");
    ms_time t;
    assert_int_equal(ms_time_parse_iso("2023-05-04T00:47:41+02:00", 25, &t), 0);
    char buf[MS_TIME_STRLEN];
    ms_time_format(t, buf);
    assert_string_equal(buf, "2023-05-03T22:47:41Z");
    assert_int_equal(ms_time_parse_iso("2023-05-04T00:47:41.25Z", 23, &t), 0);
    ms_time_format(t, buf);
    assert_string_equal(buf, "2023-05-04T00:47:41.25Z");
    assert_int_equal(ms_time_parse_iso("2023-13-04T00:47:41Z", 20, &t), -1);
    assert_int_equal(ms_time_parse_iso("2023-05-04", 10, &t), -1);
}

static void test_local_to_utc_dst(void **state)
{
    (void)state;
    use_tz("Europe/Paris");
    /* Winter: UTC+1; summer: UTC+2. */
    int64_t w = ms_secs_from_fields(2024, 1, 15, 12, 0, 0);
    assert_int_equal(ms_local_to_utc(w), w - 3600);
    int64_t s = ms_secs_from_fields(2024, 7, 15, 12, 0, 0);
    assert_int_equal(ms_local_to_utc(s), s - 7200);
    /* The hour after the spring change, then back in winter: the per-hour
     * cache must not carry the wrong offset across. */
    int64_t after = ms_secs_from_fields(2024, 3, 31, 3, 30, 0);
    assert_int_equal(ms_local_to_utc(after), after - 7200);
    assert_int_equal(ms_local_to_utc(w), w - 3600);
}

/* The memo gives what ms_time_format gives, time after time. */
static void test_format_memo(void **state)
{
    (void)state;
    static const ms_time ts[] = {
        0, 0, INT64_C(1700000000) * MS_NS_PER_S,
        INT64_C(1700000000) * MS_NS_PER_S,
        INT64_C(1700000000) * MS_NS_PER_S + 5, 0,
        -INT64_C(86400) * MS_NS_PER_S,
    };
    ms_time_memo m = {0};
    for (size_t i = 0; i < sizeof ts / sizeof *ts; i++) {
        char want[MS_TIME_STRLEN];
        size_t n = ms_time_format(ts[i], want);
        ms_time_format_memo(&m, ts[i]);
        assert_int_equal(m.len, n);
        assert_memory_equal(m.s, want, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_civil_roundtrip),
        cmocka_unit_test(test_format_memo),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse_iso),
        cmocka_unit_test(test_local_to_utc_dst),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
