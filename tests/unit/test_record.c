/* test_record.c — time stamps, hosts and program tags of log lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse/record.h"

static ms_record parse(const char *line)
{
    ms_record r;
    ms_record_parse(line, strlen(line), &r);
    return r;
}

static void assert_span(const char *p, size_t n, const char *want)
{
    assert_int_equal(n, strlen(want));
    assert_memory_equal(p, want, n);
}

static void assert_iso(ms_time t, const char *want)
{
    char buf[MS_TIME_STRLEN];
    ms_time_format(t, buf);
    assert_string_equal(buf, want);
}

static void test_classic(void **state)
{
    (void)state;
    ms_record r = parse("May  4 00:47:41 Debussy dovecot: imap-login: x");
    assert_int_equal(r.ts.kind, MS_TS_NOYEAR);
    assert_int_equal(r.ts.mon, 5);
    assert_int_equal(r.ts.day, 4);
    assert_int_equal(r.ts.sod, 47 * 60 + 41);
    assert_span(r.host, r.host_len, "Debussy");
    assert_span(r.prog, r.prog_len, "dovecot");
    assert_span(r.body, r.body_len, "dovecot: imap-login: x");
    r = parse("Dec 12 11:19:11 dunnart postfix/smtpd[123]: warning: x");
    assert_int_equal(r.ts.mon, 12);
    assert_int_equal(r.ts.day, 12);
    assert_span(r.prog, r.prog_len, "postfix/smtpd");
    /* One-digit day with a single space, as some relays write it. */
    r = parse("Sep 8 07:46:30 canyon dovecot: auth-worker(24544): x");
    assert_int_equal(r.ts.kind, MS_TS_NOYEAR);
    assert_int_equal(r.ts.day, 8);
    assert_span(r.host, r.host_len, "canyon");
}

static void test_no_host(void **state)
{
    (void)state;
    ms_record r = parse("Jan 29 09:33:58 pop3-login: Info: Aborted login");
    assert_int_equal(r.host_len, 0);
    assert_span(r.prog, r.prog_len, "pop3-login");
    r = parse("Jun 12 11:48:12 auth-worker(80180): Info: conn unix");
    assert_span(r.prog, r.prog_len, "auth-worker");
    r = parse("Aug 30 00:10:57 auth(info@example.com,192.0.2.110,sasl:login)<CvN+E95>: Info: sql: x");
    assert_span(r.prog, r.prog_len, "auth");
    /* A tag first, though a tag-like word follows: the first word wins. */
    r = parse("Aug 30 00:10:57 sshd: pam_unix(sshd:auth): authentication failure");
    assert_int_equal(r.host_len, 0);
    assert_span(r.prog, r.prog_len, "sshd");
}

/* Which first words are hosts: host characters then a space (IPv6 ones
 * too), and only when a tag follows. */
static void test_host_words(void **state)
{
    (void)state;
    ms_record r = parse("May  4 00:47:41 mx1.example.org sshd[12]: x");
    assert_span(r.host, r.host_len, "mx1.example.org");
    assert_span(r.prog, r.prog_len, "sshd");
    r = parse("May  4 00:47:41 2001:db8::1 sshd[12]: x");
    assert_span(r.host, r.host_len, "2001:db8::1");
    assert_span(r.prog, r.prog_len, "sshd");
    r = parse("May  4 00:47:41 mx1 just words here");
    assert_int_equal(r.host_len, 0);
    assert_int_equal(r.prog_len, 0);
    assert_span(r.body, r.body_len, "mx1 just words here");
    r = parse("May  4 00:47:41 mx1: sshd[12]: x");   /* a tag, not a host */
    assert_int_equal(r.host_len, 0);
    assert_span(r.prog, r.prog_len, "mx1");
    r = parse("garbage mx1 sshd[12]: x");   /* no stamp: no host either */
    assert_int_equal(r.host_len, 0);
    assert_int_equal(r.prog_len, 0);
}

static void test_iso_and_tai(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    ms_record r = parse("2023-05-04T00:47:41.123456+02:00 mx dovecot: x");
    assert_int_equal(r.ts.kind, MS_TS_ABS);
    assert_iso(r.ts.time, "2023-05-03T22:47:41.123456Z");
    assert_span(r.host, r.host_len, "mx");
    r = parse("2023-05-04T00:47:41+0200 mx sshd[1]: x");     /* short-iso */
    assert_iso(r.ts.time, "2023-05-03T22:47:41Z");
    r = parse("2007-01-21 09:51:25.570281500 tcpserver: pid 28241 from 24.220.50.36");
    assert_iso(r.ts.time, "2007-01-21T09:51:25.5702815Z");
    assert_span(r.prog, r.prog_len, "tcpserver");
    /* TAI64N: label - 2^62 - 10 s, as tai64nlocal prints it. */
    r = parse("@400000004c91b044077a9e94 imap-login: Info: x");
    assert_int_equal(r.ts.kind, MS_TS_ABS);
    assert_iso(r.ts.time, "2010-09-16T05:50:50.1254765Z");
    r = parse("<38>May  4 00:47:41 host sshd[1]: x");
    assert_int_equal(r.ts.kind, MS_TS_NOYEAR);
    assert_span(r.prog, r.prog_len, "sshd");
}

static void test_hostile(void **state)
{
    (void)state;
    ms_record r = parse("");
    assert_int_equal(r.ts.kind, MS_TS_NONE);
    r = parse("May 44 00:47:41 x y: z");
    assert_int_equal(r.ts.kind, MS_TS_NONE);
    r = parse("@40000000zzzzzzzz077a9e94 x: y");
    assert_int_equal(r.ts.kind, MS_TS_NONE);
    char nul[] = "May  4 00:47:41 h p: a\0b";
    ms_record_parse(nul, sizeof nul - 1, &r);
    assert_int_equal(r.body_len, 6);
    r = parse("May  4 00:47");            /* cut short */
    assert_int_equal(r.ts.kind, MS_TS_NONE);
    /* exim's own log: no program tag, body is all after the stamp. */
    r = parse("2017-12-03 09:04:37 [1234] H=(x) [1.2.3.4] rejected");
    assert_int_equal(r.prog_len, 0);
    assert_span(r.body, r.body_len, "[1234] H=(x) [1.2.3.4] rejected");
}

/* Lines for the memo tests: same second, next second, fractions (and a
 * '.' not followed by digits, then the same 16 bytes followed by digits),
 * <PRI>, short, ISO, TAI64N. */
static const char *const memo_lines[] = {
    "May 11 10:00:00 mx postfix/smtpd[1]: connect from a[1.2.3.4]",
    "May 11 10:00:00 mx postfix/smtpd[1]: disconnect from a[1.2.3.4]",
    "May 11 10:00:00 mx2 other",
    "May 11 10:00:01 mx postfix/smtpd[1]: connect from a[1.2.3.4]",
    "May 11 10:00:01.5 mx sshd[2]: x",
    "May 11 10:00:01.5 mx sshd[2]: x",
    "May 11 10:00:01. mx sshd[2]: x",
    "May 11 10:00:01.7 mx sshd[2]: x",
    "May 11 10:00:01,25 mx sshd[2]: x",
    "May  4 10:00:01 mx sshd[2]: x",
    "May  4 10:00:01 mx sshd[2]: y",
    "May 4 10:00:01 mx sshd[2]: x",
    "<13>May 11 10:00:01 mx sshd[2]: x",
    "May 11 10:00:0",
    "May 11 10:00:01",
    "May 11 10:00:01 ",
    "Mai 11 10:00:01 mx sshd[2]: x",
    "May 11 25:00:01 mx sshd[2]: x",
    "2025-05-11T10:00:01Z mx sshd[2]: x",
    "@4000000068206b3d1d3a4c2c sshd: x",
    "May 11 10:00:01 mx postfix/smtpd[1]: connect from a[1.2.3.4]",
    "Dec 31 23:59:59 mx x: y",
    "Jan  1 00:00:00 mx x: y",
    "Jan  1 00:00:00 mx x: y",
};

#define NMEMO (sizeof memo_lines / sizeof *memo_lines)

static void same_stamp(const ms_stamp *got, const ms_stamp *want)
{
    assert_int_equal(got->kind, want->kind);
    assert_true(got->time == want->time);
    assert_int_equal(got->mon, want->mon);
    assert_int_equal(got->day, want->day);
    assert_int_equal(got->sod, want->sod);
    assert_int_equal(got->ns, want->ns);
}

/* The memo gives exactly what parsing each line gives, line after line. */
static void test_stamp_memo(void **state)
{
    (void)state;
    ms_stamp_memo memo = {0};
    for (size_t i = 0; i < NMEMO; i++) {
        ms_stamp want, got;
        size_t n = strlen(memo_lines[i]);
        ms_tskind kw = ms_record_stamp(memo_lines[i], n, &want);
        ms_tskind kg = ms_record_stamp_memo(&memo, memo_lines[i], n, &got);
        assert_int_equal(kg, kw);
        same_stamp(&got, &want);
    }
}

/* The whole record through the memo, with stamp-only lines in between on
 * the same memo (as the scan takes them), is the record parsed alone. */
static void test_parse_memo(void **state)
{
    (void)state;
    for (int skip = 0; skip < 3; skip++) {
        ms_stamp_memo memo = {0};
        for (size_t i = 0; i < NMEMO; i++) {
            const char *line = memo_lines[i];
            size_t n = strlen(line);
            ms_record want, got;
            ms_record_parse(line, n, &want);
            if (skip && i % (size_t)(skip + 1) == 0) {
                ms_stamp ts;
                ms_record_stamp_memo(&memo, line, n, &ts);
                same_stamp(&ts, &want.ts);
                continue;
            }
            assert_int_equal(ms_record_parse_memo(&memo, line, n, &got),
                             want.ts.kind);
            same_stamp(&got.ts, &want.ts);
            assert_int_equal(got.host_len, want.host_len);
            assert_true(got.host == want.host || !got.host_len);
            assert_int_equal(got.prog_len, want.prog_len);
            assert_true(got.prog == want.prog || !got.prog_len);
            assert_ptr_equal(got.body, want.body);
            assert_int_equal(got.body_len, want.body_len);
        }
    }
}

/* journalctl's short forms; its lines of its own are neither stamped nor
 * tagged; the line a journal entry is made into (input/journal_text.h). */
static void test_journalctl(void **state)
{
    (void)state;
    setenv("TZ", "Europe/Paris", 1);
    tzset();
    ms_record r = parse("May 05 00:47:41 mx sshd[1]: x");              /* short */
    assert_int_equal(r.ts.kind, MS_TS_NOYEAR);
    assert_int_equal(r.ts.day, 5);
    assert_span(r.prog, r.prog_len, "sshd");
    r = parse("May 05 00:47:41.123456 mx sshd[1]: x");                 /* short-precise */
    assert_int_equal(r.ts.ns, 123456000);
    assert_span(r.host, r.host_len, "mx");
    r = parse("2025-05-05T00:47:41.123456+02:00 mx sshd[1]: x");      /* short-iso-precise */
    assert_iso(r.ts.time, "2025-05-04T22:47:41.123456Z");
    const struct { const char *line, *want; } full[] = {
        {"Mon 2025-05-05 00:47:41 UTC mx sshd[1]: x", "2025-05-05T00:47:41Z"},
        {"Mon 2025-05-05 00:47:41 GMT mx sshd[1]: x", "2025-05-05T00:47:41Z"},
        {"Mon 2025-05-05 00:47:41 +03 mx sshd[1]: x", "2025-05-04T21:47:41Z"},
        {"Mon 2025-05-05 00:47:41 -0530 mx sshd[1]: x", "2025-05-05T06:17:41Z"},
        /* A zone's name is read in the local zone (TZ): CEST is, EDT not. */
        {"Mon 2025-05-05 00:47:41 CEST mx sshd[1]: x", "2025-05-04T22:47:41Z"},
        {"Sun 2025-05-04 18:47:41 EDT mx sshd[1]: x", "2025-05-04T16:47:41Z"},
        {"1746398861.123456 mx sshd[1]: x", "2025-05-04T22:47:41.123456Z"}, /* short-unix */
        {"999999999.5 mx sshd[1]: x", "2001-09-09T01:46:39.5Z"},
    };
    for (size_t i = 0; i < sizeof full / sizeof *full; i++) {
        r = parse(full[i].line);
        assert_int_equal(r.ts.kind, MS_TS_ABS);
        assert_iso(r.ts.time, full[i].want);
        assert_span(r.host, r.host_len, "mx");
        assert_span(r.prog, r.prog_len, "sshd");
    }
    const char *none[] = {
        "Mon 2025-05-05 00:47:41 cest mx sshd[1]: x",
        "Mon 2025-05-05 00:47:41 ABCDEFG mx sshd[1]: x",
        "Mon 2025-05-05 00:47:41",
        "Xyz 2025-05-05 00:47:41 UTC mx sshd[1]: x",
        "1746398861 mx sshd[1]: x",
        "12345678.5 mx sshd[1]: x",
        "1746398861.123456x mx sshd[1]: x",
        "1746398861. mx sshd[1]: x",
        "-- Journal begins at Mon 2025-05-05 06:25:46 UTC, ends at Tue 2025-05-06 00:00:00 UTC. --",
        "-- Boot 0123456789abcdef0123456789abcdef --",
        "-- No entries --",
    };
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        r = parse(none[i]);
        assert_int_equal(r.ts.kind, MS_TS_NONE);
        assert_int_equal(r.host_len, 0);
        assert_int_equal(r.prog_len, 0);
    }
    r = parse("2025-05-05T06:25:47.123456Z sshd[42]: Failed password");
    assert_iso(r.ts.time, "2025-05-05T06:25:47.123456Z");
    assert_int_equal(r.host_len, 0);
    assert_span(r.prog, r.prog_len, "sshd");
    setenv("TZ", "UTC", 1);
    tzset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stamp_memo),
        cmocka_unit_test(test_parse_memo),
        cmocka_unit_test(test_classic),
        cmocka_unit_test(test_no_host),
        cmocka_unit_test(test_host_words),
        cmocka_unit_test(test_iso_and_tai),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_journalctl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
