/* test_years.c — year inference: mtime anchor, Dec->Jan wraps inside a
 * file, --year, and monotonic years across a rotation set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse/years.h"

static ms_stamp noyear(unsigned mon, unsigned day)
{
    ms_stamp s = {.kind = MS_TS_NOYEAR, .mon = (uint8_t)mon, .day = (uint8_t)day};
    return s;
}

/* A file with one event per given stamp, wraps counted as scan.c does. */
static void make_file(ms_file_scan *f, int set, int64_t mtime,
                      const unsigned (*md)[2], size_t n)
{
    memset(f, 0, sizeof *f);
    f->set_id = set;
    f->mtime = mtime;
    for (size_t i = 0; i < n; i++) {
        ms_stamp s = noyear(md[i][0], md[i][1]);
        if (i && md[i - 1][0] > s.mon + 6u)
            f->wraps++;
        ms_event e = {.line = i + 1, .source = "test"};
        assert_int_equal(ms_scan_events_add(&f->evs, &e, &s, f->wraps), 0);
        if (i == 0)
            f->first_stamp = s;
        f->last_stamp = s;
    }
}

/* The time of event i of f. */
static ms_time time_of(const ms_file_scan *f, size_t i)
{
    ms_event e;
    ms_scan_events_get(&f->evs, i, 0, &e);
    return e.time;
}

static int64_t year_of(ms_time t)
{
    int64_t y;
    unsigned m, d;
    int64_t secs = t / MS_NS_PER_S;
    ms_civil_from_days(secs / 86400, &y, &m, &d);
    return y;
}

static int64_t at(int y, int m, int d)
{
    return ms_secs_from_fields(y, (unsigned)m, (unsigned)d, 12, 0, 0);
}

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    return 0;
}

static void test_wrap_in_file(void **state)
{
    (void)state;
    const unsigned md[][2] = {{12, 30}, {12, 31}, {1, 1}, {1, 2}};
    ms_file_scan f;
    make_file(&f, 0, at(2025, 1, 3), md, 4);
    ms_years_resolve(&f, 1, 0, 0);
    assert_int_equal(year_of(time_of(&f, 0)), 2024);
    assert_int_equal(year_of(time_of(&f, 1)), 2024);
    assert_int_equal(year_of(time_of(&f, 2)), 2025);
    assert_int_equal(year_of(time_of(&f, 3)), 2025);
    ms_file_scan_free(&f);
}

static void test_last_line_after_mtime(void **state)
{
    (void)state;
    /* A file last written in March that ends in November: last year's. */
    const unsigned md[][2] = {{11, 2}, {11, 3}};
    ms_file_scan f;
    make_file(&f, 0, at(2025, 3, 1), md, 2);
    ms_years_resolve(&f, 1, 0, 0);
    assert_int_equal(year_of(time_of(&f, 1)), 2024);
    ms_file_scan_free(&f);
}

static void test_fixed_year(void **state)
{
    (void)state;
    const unsigned md[][2] = {{12, 31}, {1, 1}};
    ms_file_scan f;
    make_file(&f, 0, at(2030, 6, 1), md, 2);
    ms_years_resolve(&f, 1, 2007, 0);
    assert_int_equal(year_of(time_of(&f, 0)), 2007);
    assert_int_equal(year_of(time_of(&f, 1)), 2008);
    ms_file_scan_free(&f);
}

static void test_rotation_set_monotonic(void **state)
{
    (void)state;
    /* mail.log.1 (Dec) and mail.log (Jan), both copied today in February:
     * the same mtime would put December after January. */
    const unsigned old[][2] = {{12, 20}, {12, 31}};
    const unsigned cur[][2] = {{1, 1}, {1, 20}};
    ms_file_scan f[3];
    make_file(&f[0], 0, at(2025, 2, 10), old, 2);
    make_file(&f[1], 0, at(2025, 2, 10), cur, 2);
    /* Another server's set alone stays as its mtime says. */
    make_file(&f[2], 1, at(2025, 2, 10), old, 2);
    ms_years_resolve(f, 3, 0, 0);
    assert_int_equal(year_of(time_of(&f[0], 1)), 2024);
    assert_int_equal(year_of(time_of(&f[1], 0)), 2025);
    assert_true(f[0].last <= f[1].first);
    assert_int_equal(year_of(time_of(&f[2], 0)), 2024);
    for (int i = 0; i < 3; i++)
        ms_file_scan_free(&f[i]);
}

static void test_rotation_chain_moves_back(void **state)
{
    (void)state;
    /* An old rotated file whose mtime was reset (copied) to the present:
     * its own anchor says 2025, but it must end before the next begins. */
    const unsigned old[][2] = {{3, 1}, {3, 5}};
    const unsigned cur[][2] = {{3, 6}, {3, 9}};
    ms_file_scan f[2];
    make_file(&f[0], 0, at(2025, 3, 20), old, 2);
    make_file(&f[1], 0, at(2024, 3, 10), cur, 2);
    ms_years_resolve(f, 2, 0, 0);
    assert_int_equal(year_of(time_of(&f[1], 0)), 2024);
    assert_int_equal(year_of(time_of(&f[0], 0)), 2024);
    for (int i = 0; i < 2; i++)
        ms_file_scan_free(&f[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrap_in_file),
        cmocka_unit_test(test_last_line_after_mtime),
        cmocka_unit_test(test_fixed_year),
        cmocka_unit_test(test_rotation_set_monotonic),
        cmocka_unit_test(test_rotation_chain_moves_back),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
