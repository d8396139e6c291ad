/* test_prefilter.c — the scan's fast way (ms_prefilter_scan, then
 * ms_match_hits) gives what ms_match gives, where a row's literal is found
 * outside the body (in the header) or only partly inside it; and every
 * built-in row compiles (they are compiled lazily). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

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
    if (ms_matcher_scratch(fast)) {
        assert_int_equal(ms_prefilter_scan(ms_matcher_scratch(fast), line, len,
                                           0, &h), 0);
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

/* Built-in rows are compiled on their first line (recognizer.c): each must
 * compile, with no more groups than its opening parentheses, the bound
 * that sized the match data before it was compiled. */
static void test_builtin_rows_compile(void **state)
{
    (void)state;
    size_t rows = 0;
    for (size_t f = 0; ms_builtin_families[f]; f++) {
        const ms_family *fam = ms_builtin_families[f];
        for (size_t i = 0; i < fam->nrules; i++, rows++) {
            const char *pat = fam->rules[i].pattern;
            int code;
            PCRE2_SIZE off;
            pcre2_code *c = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                                          0, &code, &off, NULL);
            if (!c)
                fail_msg("row %s does not compile (offset %zu)",
                         fam->rules[i].name, (size_t)off);
            uint32_t cap = 0, open = 0;
            assert_int_equal(pcre2_pattern_info(c, PCRE2_INFO_CAPTURECOUNT, &cap), 0);
            for (const char *p = pat; *p; p++)
                open += *p == '(';
            assert_true(cap <= open);
            pcre2_code_free(c);
        }
    }
    assert_true(rows > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_in_header_only),
        cmocka_unit_test(test_alternatives),
        cmocka_unit_test(test_builtin_rows_compile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
