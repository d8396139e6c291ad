/* test_prefilter.c — the scan's fast way (ms_prefilter_scan, then
 * ms_match_hits) gives what ms_match gives, where a row's literal is found
 * outside the body (in the header) or only partly inside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "parse/families.h"
#include "parse/recognizer.h"
#include "parse/record.h"

static const char *const programs[] = {"testd", NULL};
static const ms_rule rules[] = {
    /* The literal is a condition of its own: the pattern alone would take
     * lines without it. */
    {"mx-word", "mx1", "hello|mx1", MS_OUT_AUTH_FAIL, MS_SVC_IMAP, 0, "bad", 0},
    {"two-ways", "alpha\nomega", "(?:alpha|omega) (?<user>\\w+)",
     MS_OUT_AUTH_OK, MS_SVC_IMAP, 0, NULL, 0},
};
static const ms_family family = {"testd", programs, MS_RULES(rules),
                                 NULL, NULL, NULL, NULL};

/* 1 if the line gives an event; both ways must agree. */
static int both_ways(const char *line)
{
    ms_error err = {0};
    ms_recognizers *r = ms_recognizers_new(&err);
    assert_non_null(r);
    assert_int_equal(ms_recognizers_add(r, &family, &err), 0);
    ms_matcher *slow = ms_matcher_new(r), *fast = ms_matcher_new(r);
    assert_non_null(slow);
    assert_non_null(fast);
    size_t len = strlen(line);
    ms_record rec;
    ms_record_parse(line, len, &rec);
    ms_capture c;
    const ms_rule *rule;
    int got = ms_match(slow, &rec, 1, &c, &rule);
    ms_hits h;
    if (ms_matcher_has_prefilter(fast)) {
        assert_int_equal(ms_prefilter_scan(fast, line, len, 0, &h), 0);
        ms_line_keys lk = {h.key, h.end, line, h.n};
        int quick = h.n ? ms_match_hits(fast, &rec, 1, &lk, &c, &rule) : 0;
        assert_int_equal(quick, got);
    }
    ms_matcher_free(slow);
    ms_matcher_free(fast);
    ms_recognizers_free(r);
    return got;
}

static void test_literal_in_header_only(void **state)
{
    (void)state;
    assert_int_equal(both_ways("May  4 00:00:00 mx1 testd[1]: hello"), 0);
    assert_int_equal(both_ways("May  4 00:00:00 mx1 testd[1]: mx1"), 1);
    assert_int_equal(both_ways("May  4 00:00:00 mx1 testd[1]: hello mx1"), 1);
    assert_int_equal(both_ways("May  4 00:00:00 mx2 testd[1]: mx1"), 1);
}

static void test_alternatives(void **state)
{
    (void)state;
    assert_int_equal(both_ways("May  4 00:00:00 h testd[1]: omega bob"), 1);
    assert_int_equal(both_ways("May  4 00:00:00 h testd[1]: alpha bob"), 1);
    assert_int_equal(both_ways("May  4 00:00:00 h testd[1]: alphabet"), 0);
    /* At the very end of the body, and cut short by it. */
    assert_int_equal(both_ways("May  4 00:00:00 h testd[1]: x omega"), 0);
    assert_int_equal(both_ways("May  4 00:00:00 h testd[1]: x omeg"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_in_header_only),
        cmocka_unit_test(test_alternatives),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
