/* rec_harness.h — shared checks for the recogniser tests (test_rec_*.c).
 *
 * expect_event() runs one line through the whole parse stage (record
 * header, built-in recognisers) and checks the rule, outcome, ip and user;
 * expect_none() checks that a line yields no event. Fields given as NULL
 * are not checked. When the build has the block prefilter, every line also
 * takes the scan's fast way (ms_prefilter_scan, then ms_match_hits, or
 * skipped without a key) on a second matcher, which must give the same
 * row. Include it in exactly one test program each. */
#ifndef REC_HARNESS_H
#define REC_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "parse/recognizer.h"
#include "parse/record.h"

static ms_recognizers *harness_rec;
static ms_matcher *harness_m;
static ms_matcher *harness_fast;

static int harness_setup(void **state)
{
    (void)state;
    ms_error err = {0};
    harness_rec = ms_recognizers_new(&err);
    if (!harness_rec) {
        fprintf(stderr, "recognizers: %s\n", err.msg);
        return -1;
    }
    harness_m = ms_matcher_new(harness_rec);
    harness_fast = ms_matcher_new(harness_rec);
    return harness_m && harness_fast ? 0 : -1;
}

static int harness_teardown(void **state)
{
    (void)state;
    ms_matcher_free(harness_m);
    ms_matcher_free(harness_fast);
    ms_recognizers_free(harness_rec);
    return 0;
}

static int str_is(const ms_str *s, const char *want)
{
    return s->n == strlen(want) && memcmp(s->p, want, s->n) == 0;
}

/* Match one line; 1 if it gave an event (in *c), *rule the matching row. */
static int harness_match(const char *line, ms_capture *c, const ms_rule **rule)
{
    ms_record rec;
    size_t len = strlen(line);
    ms_record_parse(line, len, &rec);
    int got = ms_match(harness_m, &rec, 1, c, rule);
    ms_hits h;
    if (!ms_matcher_scratch(harness_fast) ||
        ms_prefilter_scan(ms_matcher_scratch(harness_fast), line, len, 0,
                          &h) != 0)
        return got;
    ms_capture fc;
    const ms_rule *frule = NULL;
    ms_line_keys lk = {h.key, h.end, line, h.n};
    int fast = h.n ? ms_match_hits(harness_fast, &rec, 1, &lk, &fc, &frule) : 0;
    if (fast != got || (got && frule != *rule))
        fail_msg("the prefilter way gives %s (rule %s), matching gives %s "
                 "(rule %s) for: %s", fast ? "an event" : "none",
                 frule ? frule->name : "none", got ? "an event" : "none",
                 *rule ? (*rule)->name : "none", line);
    return got;
}

static void expect_event_(const char *line, const char *rule_name,
                          ms_outcome outcome, const char *ip, const char *user,
                          ms_service service, const char *file, int at)
{
    ms_capture c;
    const ms_rule *rule;
    int got = harness_match(line, &c, &rule);
    if (!got) {
        fail_msg("%s:%d: no event from: %s (rule %s)", file, at, line,
                 rule ? rule->name : "none");
    }
    if (rule_name && strcmp(rule->name, rule_name))
        fail_msg("%s:%d: rule %s, wanted %s", file, at, rule->name, rule_name);
    if (c.ev.outcome != outcome)
        fail_msg("%s:%d: outcome %s, wanted %s", file, at,
                 ms_outcome_name(c.ev.outcome), ms_outcome_name(outcome));
    if (ip) {
        char buf[MS_IP_STRLEN];
        ms_ip_format(&c.ev.ip, buf);
        if (strcmp(buf, ip))
            fail_msg("%s:%d: ip %s, wanted %s", file, at, buf, ip);
    }
    if (user && !str_is(&c.ev.user, user))
        fail_msg("%s:%d: user '%.*s', wanted '%s'", file, at,
                 (int)c.ev.user.n, c.ev.user.p, user);
    if ((int)service >= 0 && c.ev.service != service)
        fail_msg("%s:%d: service %s, wanted %s", file, at,
                 ms_service_name(c.ev.service), ms_service_name(service));
}

static void expect_none_(const char *line, const char *file, int at)
{
    ms_capture c;
    const ms_rule *rule;
    if (harness_match(line, &c, &rule))
        fail_msg("%s:%d: unexpected %s event (rule %s) from: %s", file, at,
                 ms_outcome_name(c.ev.outcome), rule->name, line);
}

#define ANY_SERVICE ((ms_service)-1)
#define expect_event(line, rule, outcome, ip, user, service) \
    expect_event_(line, rule, outcome, ip, user, service, __FILE__, __LINE__)
#define expect_none(line) expect_none_(line, __FILE__, __LINE__)

#endif
