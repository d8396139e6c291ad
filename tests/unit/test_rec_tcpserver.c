/* test_rec_tcpserver.c — tcpserver connections joined across lines (pid ->
 * ip -> port -> end), flush at end of input, pid reuse, the table's bound;
 * rblsmtpd and qmail-smtpd RBL lines. Each stateful test drains the shared
 * matcher with ms_match_flush before it ends. */
#include "rec_harness.h"

static uint64_t lineno;

/* Feed one line; 1 and *c if it gave an event. */
static int feed(const char *line, ms_capture *c)
{
    ms_record rec;
    ms_record_parse(line, strlen(line), &rec);
    return ms_match(harness_m, &rec, ++lineno, c, NULL);
}

static void feed_none(const char *line)
{
    ms_capture c;
    if (feed(line, &c))
        fail_msg("unexpected %s event from: %s", ms_outcome_name(c.ev.outcome),
                 line);
}

static void check(const ms_capture *c, const char *ip, ms_service svc,
                  const char *reason, uint64_t line)
{
    char buf[MS_IP_STRLEN];
    ms_ip_format(&c->ev.ip, buf);
    assert_string_equal(buf, ip);
    assert_int_equal(c->ev.outcome, MS_OUT_CONNECT);
    assert_string_equal(ms_service_name(c->ev.service), ms_service_name(svc));
    if (!str_is(&c->ev.reason, reason))
        fail_msg("reason '%.*s', wanted '%s'", (int)c->ev.reason.n,
                 c->ev.reason.p, reason);
    assert_int_equal(c->ev.line, line);
    assert_int_equal(c->ev.user.n, 0);
}

static void drain(void)
{
    ms_capture c;
    while (ms_match_flush(harness_m, &c))
        ;
}

static void test_seed002(void **state)
{
    (void)state;
    ms_capture c;
    lineno = 0;
    /* The seed's five lines (tai64nlocal), the ok line unwrapped. */
    feed_none("2007-01-21 09:51:25.570281500 tcpserver: status: 200/200");
    feed_none("2007-01-21 09:51:25.570410500 tcpserver: pid 28241 from 24.220.50.36");
    feed_none("2007-01-21 09:51:25.571261500 tcpserver: ok 28241 two.strangecode.com:72.3.142.43:110 host-36-50-220-24.midco.net:24.220.50.36::41979");
    assert_true(feed("2007-01-21 09:51:25.571839500 tcpserver: end 28241 status 256", &c));
    check(&c, "24.220.50.36", MS_SVC_POP3, "status 256", 2);
    assert_string_equal(c.ev.source, "tcpserver");
    /* Dated by the connection's first line. */
    ms_record rec;
    const char *first = "2007-01-21 09:51:25.570410500 tcpserver: pid 28241 from 24.220.50.36";
    ms_record_parse(first, strlen(first), &rec);
    assert_int_equal(c.ts.kind, MS_TS_ABS);
    assert_true(c.ts.time == rec.ts.time);
    feed_none("2007-01-21 09:51:25.571842500 tcpserver: status: 199/200");
    assert_false(ms_match_flush(harness_m, &c));

    /* The status line is taken (a state-only row), not left unmatched. */
    const ms_rule *rule;
    assert_false(harness_match("2007-01-21 09:51:25.571842500 tcpserver: status: 199/200", &c, &rule));
    assert_non_null(rule);
    assert_string_equal(rule->name, "tcpserver-status");
    drain();
}

static void test_forms(void **state)
{
    (void)state;
    ms_capture c;
    lineno = 0;
    /* multilog with TAI64N labels, smtp on 25 */
    feed_none("@4000000045b3a1b2000000aa tcpserver: pid 100 from 192.0.2.1");
    feed_none("@4000000045b3a1b2000000bb tcpserver: ok 100 mx.example.com:198.51.100.1:25 :192.0.2.1::5000");
    assert_true(feed("@4000000045b3a1b2000000cc tcpserver: end 100 status 0", &c));
    check(&c, "192.0.2.1", MS_SVC_SMTP, "status 0", 1);
    /* syslog, with and without [pid]; imaps on 993 */
    feed_none("Jan 21 09:51:25 mx tcpserver[77]: pid 101 from 192.0.2.2");
    feed_none("Jan 21 09:51:25 mx tcpserver: ok 101 mx:198.51.100.1:993 :192.0.2.2::5001");
    assert_true(feed("Jan 21 09:51:26 mx tcpserver[77]: end 101 status 256", &c));
    check(&c, "192.0.2.2", MS_SVC_IMAP, "status 256", 4);
    assert_true(str_is(&c.ev.host, "mx"));
    /* splogger, as in fail2ban's qmail log */
    feed_none("Sep  6 07:33:33 sd6 qmail: 1157520813.485077 tcpserver: pid 102 from 192.0.2.3");
    assert_true(feed("Sep  6 07:33:34 sd6 qmail: 1157520814.485077 tcpserver: end 102 status 0", &c));
    check(&c, "192.0.2.3", MS_SVC_UNKNOWN, "status 0", 7);
    /* Interleaved connections end in any order. */
    feed_none("Jan 21 10:00:00 mx tcpserver: pid 200 from 192.0.2.20");
    feed_none("Jan 21 10:00:00 mx tcpserver: pid 201 from 192.0.2.21");
    feed_none("Jan 21 10:00:00 mx tcpserver: ok 201 mx:198.51.100.1:110 :192.0.2.21::5001");
    feed_none("Jan 21 10:00:00 mx tcpserver: ok 200 mx:198.51.100.1:143 :192.0.2.20::5000");
    assert_true(feed("Jan 21 10:00:01 mx tcpserver: end 201 status 0", &c));
    check(&c, "192.0.2.21", MS_SVC_POP3, "status 0", 10);
    assert_true(feed("Jan 21 10:00:02 mx tcpserver: end 200 status 0", &c));
    check(&c, "192.0.2.20", MS_SVC_IMAP, "status 0", 9);
    /* An end whose start is not in the log: nothing to say. */
    feed_none("Jan 21 10:00:02 mx tcpserver: end 999 status 0");
    assert_false(ms_match_flush(harness_m, &c));
    drain();
}

static void test_deny(void **state)
{
    (void)state;
    ms_capture c;
    lineno = 0;
    feed_none("@4000000045b3a1b2000000aa tcpserver: pid 300 from 192.0.2.30");
    assert_true(feed("@4000000045b3a1b2000000ab tcpserver: deny 300 mx:198.51.100.1:25 bad.example:192.0.2.30::4000", &c));
    check(&c, "192.0.2.30", MS_SVC_SMTP, "deny", 1);
    /* The child exits 100; its end line adds nothing. */
    feed_none("@4000000045b3a1b2000000ac tcpserver: end 300 status 25600");
    /* A deny whose pid line is missing names its ip itself. */
    assert_true(feed("@4000000045b3a1b2000000ad tcpserver: deny 301 mx:198.51.100.1:110 :192.0.2.31::4001", &c));
    check(&c, "192.0.2.31", MS_SVC_POP3, "deny", 4);
    /* a real one, from a log-parsing script's comment */
    assert_true(feed("@400000004c5b34b604c9b734 tcpserver: deny 6944 us.es:192.168.1.13:25 :193.147.171.74::40714", &c));
    check(&c, "193.147.171.74", MS_SVC_SMTP, "deny", 5);
    assert_false(ms_match_flush(harness_m, &c));
    drain();
}

static void test_unfinished_and_reuse(void **state)
{
    (void)state;
    ms_capture c;
    lineno = 0;
    feed_none("Jan 21 10:00:00 mx tcpserver: pid 400 from 192.0.2.40");
    feed_none("Jan 21 10:00:00 mx tcpserver: ok 400 mx:198.51.100.1:110 :192.0.2.40::5000");
    feed_none("Jan 21 10:00:00 mx tcpserver: pid 401 from 192.0.2.41");
    /* pid 400 comes back: its first connection never ended. */
    assert_true(feed("Jan 21 10:05:00 mx tcpserver: pid 400 from 192.0.2.42", &c));
    check(&c, "192.0.2.40", MS_SVC_POP3, "unfinished", 1);
    assert_true(feed("Jan 21 10:05:01 mx tcpserver: end 400 status 0", &c));
    check(&c, "192.0.2.42", MS_SVC_UNKNOWN, "status 0", 4);
    /* An ok line without its pid line still opens the connection. */
    feed_none("Jan 21 10:06:00 mx tcpserver: ok 402 mx:198.51.100.1:143 rev.example:192.0.2.43:ident:5002");
    /* At end of input the open ones come out, oldest first, then none. */
    assert_true(ms_match_flush(harness_m, &c));
    check(&c, "192.0.2.41", MS_SVC_UNKNOWN, "unfinished", 3);
    assert_string_equal(c.ev.source, "tcpserver");
    assert_true(ms_match_flush(harness_m, &c));
    check(&c, "192.0.2.43", MS_SVC_IMAP, "unfinished", 6);
    assert_false(ms_match_flush(harness_m, &c));
    drain();
}

static void test_planted_host(void **state)
{
    (void)state;
    ms_capture c;
    lineno = 0;
    /* ucspi-tcp6 leaves ':' in a PTR name: the ok line's remote field is
     * then not trusted, and the pid line (the whole rest) is. */
    feed_none("Jan 21 10:00:00 mx tcpserver: pid 500 from 192.0.2.50");
    feed_none("Jan 21 10:00:00 mx tcpserver: ok 500 mx:198.51.100.1:25 evil:6.6.6.6:192.0.2.50::5000");
    assert_true(feed("Jan 21 10:00:01 mx tcpserver: end 500 status 0", &c));
    check(&c, "192.0.2.50", MS_SVC_SMTP, "status 0", 1);
    feed_none("Jan 21 10:00:00 mx tcpserver: ok 501 mx:198.51.100.1:25 evil:6.6.6.6:192.0.2.51::5000");
    feed_none("Jan 21 10:00:01 mx tcpserver: end 501 status 0");
    /* IPv6 (ucspi-tcp6) */
    feed_none("Jan 21 10:00:00 mx tcpserver: pid 502 from 2001:db8::50");
    assert_true(feed("Jan 21 10:00:01 mx tcpserver: end 502 status 0", &c));
    check(&c, "2001:db8::50", MS_SVC_UNKNOWN, "status 0", 6);
    feed_none("Jan 21 10:00:00 mx tcpserver: ok 503 mx:2001:db8::1:993 host6.example:2001:db8::51::5000");
    assert_true(feed("Jan 21 10:00:01 mx tcpserver: end 503 status 0", &c));
    check(&c, "2001:db8::51", MS_SVC_IMAP, "status 0", 8);
    drain();
}

/* Many connections that never end: memory stays bounded (the oldest are
 * evicted, and reported then), none is lost or reported twice. */
static void test_bound(void **state)
{
    (void)state;
    ms_capture c;
    char line[128];
    enum { N = 70000 };
    unsigned events = 0;
    lineno = 0;
    int first_seen = 0;
    for (unsigned i = 1; i <= N; i++) {
        snprintf(line, sizeof line, "Jan 21 10:00:00 mx tcpserver: pid %u from 10.%u.%u.%u",
                 i, (i >> 16) & 255, (i >> 8) & 255, i & 255);
        if (feed(line, &c)) {
            if (!first_seen) {   /* the first eviction is the oldest */
                check(&c, "10.0.0.1", MS_SVC_UNKNOWN, "unfinished", 1);
                first_seen = 1;
            }
            events++;
        }
    }
    assert_true(events > 0);
    while (ms_match_flush(harness_m, &c))
        events++;
    assert_int_equal(events, N);

    /* Random ends against the hash index: every end finds its own ip. */
    unsigned seed = 12345, open_n = 0;
    static unsigned char open[4096];
    memset(open, 0, sizeof open);
    for (unsigned step = 0; step < 40000; step++) {
        seed = seed * 1103515245u + 12345u;
        unsigned pid = (seed >> 8) % 4096;
        if (!open[pid]) {
            snprintf(line, sizeof line, "Jan 21 10:00:00 mx tcpserver: pid %u from 10.9.%u.%u",
                     pid + 1, pid >> 8, pid & 255);
            feed_none(line);
            open[pid] = 1;
            open_n++;
        } else {
            snprintf(line, sizeof line, "Jan 21 10:00:00 mx tcpserver: end %u status 0", pid + 1);
            assert_true(feed(line, &c));
            char want[32], got[MS_IP_STRLEN];
            snprintf(want, sizeof want, "10.9.%u.%u", pid >> 8, pid & 255);
            ms_ip_format(&c.ev.ip, got);
            assert_string_equal(got, want);
            open[pid] = 0;
            open_n--;
        }
    }
    unsigned flushed = 0;
    while (ms_match_flush(harness_m, &c))
        flushed++;
    assert_int_equal(flushed, open_n);
}

static void test_qmail_rbl(void **state)
{
    (void)state;
    ms_capture c;
    const ms_rule *rule;
    /* fail2ban's qmail log */
    expect_event("Sep  6 07:33:33 sd6 qmail: 1157520813.485077 rblsmtpd: 198.51.100.77 pid 19597 sbl-xbl.spamhaus.org: 451 http://www.spamhaus.org/query/bl?ip=198.51.100.77",
                 "rblsmtpd-reject", MS_OUT_RELAY_DENIED, "198.51.100.77", "",
                 MS_SVC_SMTP);
    expect_event("Sep  6 07:18:29 sd6 qmail: 1157519909.633171 qmail-smtpd: 421 badiprbl: ip 198.51.100.54 rbl: example.com",
                 "qmail-smtpd-badiprbl", MS_OUT_RELAY_DENIED, "198.51.100.54", "",
                 MS_SVC_SMTP);
    expect_event("Jun 30 15:13:33 ns1 rblsmtpd: relays.ordb.org blocked 193.111.120.47 ordb-test.null.dk -",
                 "rblsmtpd-blocked", MS_OUT_RELAY_DENIED, "193.111.120.47", "",
                 MS_SVC_SMTP);
    /* ucspi-tcp's own rblsmtpd, in a qmail-smtpd multilog file */
    expect_event("@4000000045b3a1b2000000aa rblsmtpd: 192.0.2.9 pid 4242: 553 Blocked",
                 "rblsmtpd-reject", MS_OUT_RELAY_DENIED, "192.0.2.9", "", MS_SVC_SMTP);
    assert_true(harness_match("Jun 30 15:13:55 ns1 rblsmtpd: relays.osirusoft.com blocked 192.203.178.107 sbl.crynwr.com -", &c, &rule));
    assert_string_equal(c.ev.source, "qmail");
    assert_true(str_is(&c.ev.reason, "rbl"));
    expect_none("Sep  6 07:33:33 sd6 qmail: 1157520813.485077 rblsmtpd: fatal: unable to run qmail-smtpd");
    expect_none("Sep  6 07:33:33 sd6 qmail: 1157520813.485077 tcpserver: warning: dropping connection, unable to read rules.cdb");
    drain();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed002),
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_deny),
        cmocka_unit_test(test_unfinished_and_reuse),
        cmocka_unit_test(test_planted_host),
        cmocka_unit_test(test_bound),
        cmocka_unit_test(test_qmail_rbl),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
