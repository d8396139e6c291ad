/* test_rec_postfix.c — postfix smtpd and postscreen lines. */
#include "rec_harness.h"

static void test_sasl_fail(void **state)
{
    (void)state;
    expect_event("Sep  6 00:44:56 trianon postfix/submission/smtpd[11538]: warning: unknown[82.221.106.233]: SASL LOGIN authentication failed: UGFzc3dvcmQ6",
                 "postfix-sasl-fail", MS_OUT_AUTH_FAIL, "82.221.106.233", "",
                 MS_SVC_SUBMISSION);
    expect_event("Dec  2 22:24:22 hel postfix/smtpd[7676]: warning: 114-44-142-233.dynamic.hinet.net[114.44.142.233]: SASL CRAM-MD5 authentication failed: PDc3OTEwNTkyNTEyMzA2NDIuMTIyODI1MzA2MUBoZWw+",
                 "postfix-sasl-fail", MS_OUT_AUTH_FAIL, "114.44.142.233", "",
                 MS_SVC_SMTP);
    expect_event("Aug 4 16:47:52 mail3 postfix/smtpd[31152]: warning: unknown[192.0.2.237]:55729: SASL LOGIN authentication failed: authentication failure",
                 "postfix-sasl-fail", MS_OUT_AUTH_FAIL, "192.0.2.237", "",
                 MS_SVC_SMTP);
    expect_event("Nov  4 09:11:01 mail postfix/submission/smtpd[27133]: warning: unknown[192.0.2.150]: SASL PLAIN authentication failed:",
                 "postfix-sasl-fail", MS_OUT_AUTH_FAIL, "192.0.2.150", "",
                 MS_SVC_SUBMISSION);
    expect_event("Nov  4 09:11:01 mail postfix/smtpd[1234]: warning: unknown[192.0.2.152]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=admin",
                 "postfix-sasl-fail", MS_OUT_AUTH_FAIL, "192.0.2.152", "admin",
                 MS_SVC_SMTP);
    expect_event("May  6 09:25:41 mail postfix/smtps/smtpd[16997]: warning: unknown[203.0.113.10]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=postmaster@example.org",
                 "postfix-sasl-fail", MS_OUT_AUTH_FAIL, "203.0.113.10",
                 "postmaster@example.org", ANY_SERVICE);
    expect_event("2024-05-06T09:25:41+02:00 mail postfix-in/smtpd[1]: warning: unknown[2001:db8::25]:4711: SASL PLAIN authentication failed: authentication failure, sasl_username=bob",
                 NULL, MS_OUT_AUTH_FAIL, "2001:db8::25", "bob", MS_SVC_SMTP);
    /* The name is the client's: a planted `[6.6.6.6]` or a second
     * sasl_username= stays in the name, the address is postfix's. */
    expect_event("Nov  4 09:11:01 mail postfix/smtpd[1234]: warning: unknown[192.0.2.153]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=x[6.6.6.6]: SASL LOGIN authentication failed: , sasl_username=root",
                 "postfix-sasl-fail", MS_OUT_AUTH_FAIL, "192.0.2.153",
                 "x[6.6.6.6]: SASL LOGIN authentication failed: , sasl_username=root",
                 MS_SVC_SMTP);
}

static void test_sasl_no_verdict(void **state)
{
    (void)state;
    /* The server lost its auth daemon: nothing said about the password. */
    expect_event("Feb  3 08:29:28 mail postfix/smtpd[21022]: warning: unknown[1.1.1.1]: SASL LOGIN authentication failed: Connection lost to authentication server",
                 "postfix-sasl-noverdict", MS_OUT_CONNECT, "1.1.1.1", "",
                 MS_SVC_SMTP);
    expect_event("Jan 14 16:18:16 xxx postfix/smtpd[14933]: warning: host[192.0.2.5]: SASL CRAM-MD5 authentication failed: Invalid authentication mechanism",
                 "postfix-sasl-noverdict", MS_OUT_CONNECT, "192.0.2.5", "",
                 MS_SVC_SMTP);
    expect_event("Jan 14 16:18:16 xxx postfix/smtpd[14933]: warning: host[192.0.2.5]: SASL LOGIN authentication aborted",
                 "postfix-sasl-aborted", MS_OUT_CONNECT, "192.0.2.5", "",
                 MS_SVC_SMTP);
}

static void test_sasl_ok(void **state)
{
    (void)state;
    expect_event("Jul  5 10:13:02 obfuscated postfix/smtpd[23497]: 0CCDE3FC0B: client=unknown[78.188.213.180], sasl_method=PLAIN, sasl_username=jesse@obfuscated.nl",
                 "postfix-sasl-ok", MS_OUT_AUTH_OK, "78.188.213.180",
                 "jesse@obfuscated.nl", MS_SVC_SMTP);
    expect_event("Mar  1 10:00:00 mx postfix/submission/smtpd[2012]: 4F1A22C0D3: client=mail.example.net[198.51.100.7], sasl_method=PLAIN, sasl_username=bob",
                 "postfix-sasl-ok", MS_OUT_AUTH_OK, "198.51.100.7", "bob",
                 MS_SVC_SUBMISSION);
    expect_event("Mar  1 10:00:00 mx postfix/smtpd[2012]: 4Vq8Yx1Zs3z9sKv: client=unknown[198.51.100.8]:50123, sasl_method=LOGIN, sasl_username=alice@example.org, sasl_sender=alice@example.org",
                 "postfix-sasl-ok", MS_OUT_AUTH_OK, "198.51.100.8",
                 "alice@example.org", MS_SVC_SMTP);
    /* The queue-id line of an unauthenticated client is no event. */
    expect_none("Mar  1 10:00:00 mx postfix/smtpd[2012]: 4F1A22C0D3: client=mail.example.net[198.51.100.7]");
}

static void test_rejects(void **state)
{
    (void)state;
    expect_event("Jul 12 07:47:48 saturn postfix/smtpd[8738]: NOQUEUE: reject: RCPT from 1-2-3-4-example.com[1.2.3.4]: 554 5.7.1 <smtp@example.com>: Relay access denied; from=<john@example.com> to=<smtp@example.org> proto=SMTP helo=<198.51.100.17>",
                 "postfix-reject-relay", MS_OUT_RELAY_DENIED, "1.2.3.4",
                 "smtp@example.org", MS_SVC_SMTP);
    expect_event("2024-08-25T12:31:56.154748+00:00 machine postfix/smtpd[3887453]: NOQUEUE: reject: RCPT from unknown[192.168.1.1]: 454 4.7.1 <spammer@domain.tld>: Relay access denied; from=<spammer@domain.tld> to=<spammer@domain.tld> proto=ESMTP helo=<WIN-CLJ1B0GQ6JP>",
                 "postfix-reject-relay", MS_OUT_RELAY_DENIED, "192.168.1.1",
                 "spammer@domain.tld", MS_SVC_SMTP);
    expect_event("Dec 21 21:17:29 xxx postfix/smtpd[7150]: NOQUEUE: reject: RCPT from badserver.example.com[93.184.216.34]: 450 4.7.1 Client host rejected: cannot find your hostname, [93.184.216.34]; from=<badactor@example.com> to=<goodguy@example.com> proto=ESMTP helo=<badserver.example.com>",
                 "postfix-reject", MS_OUT_RELAY_DENIED, "93.184.216.34",
                 "goodguy@example.com", MS_SVC_SMTP);
    /* The reply names another address; the client is the first one. */
    expect_event("Jun 12 08:58:35 xxx postfix/smtpd[27296]: NOQUEUE: reject: RCPT from unknown[1.2.3.4]: 450 4.7.1 Client host rejected: cannot find your reverse hostname, [2.3.4.5]; from=<meow@kitty.com> to=<kitty@meow.com> proto=ESMTP helo=<kitty.com>",
                 "postfix-reject", MS_OUT_RELAY_DENIED, "1.2.3.4", NULL,
                 MS_SVC_SMTP);
    expect_event("Jan 31 13:55:24 xxx postfix/smtpd[3462]: NOQUEUE: reject: EHLO from s271272.static.corbina.ru[78.107.251.238]: 504 5.5.2 <User>: Helo command rejected: need fully-qualified hostname; proto=SMTP helo=<User>",
                 "postfix-reject", MS_OUT_RELAY_DENIED, "78.107.251.238", "",
                 MS_SVC_SMTP);
    expect_event("Mar  7 02:09:33 server postfix/smtpd[27246]: 1D8CC1CA0A7F: milter-reject: DATA from 66-220-155-151.mail-mail.facebook.com[192.0.2.151]: 550 5.7.1 Command rejected; from=<security@mail.example.com> to=<hostmaster@example.com> proto=ESMTP helo=<192-0-2-151.mail-mail.example.com>",
                 "postfix-reject", MS_OUT_RELAY_DENIED, "192.0.2.151", NULL,
                 MS_SVC_SMTP);
    expect_event("Mar 11 23:27:54 server postfix-smo/submission/smtpd[22427]: 44JCRG5tYPzCqt2: reject: BDAT from signing-milter.example.com[192.0.2.109]: 550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce; from=<> to=<some@example.com> proto=ESMTP helo=<domain.tld>",
                 "postfix-reject", MS_OUT_RELAY_DENIED, "192.0.2.109",
                 "some@example.com", MS_SVC_SUBMISSION);
    expect_event("May  5 15:51:11 xxx postfix/postscreen[1148]: NOQUEUE: reject: RCPT from [216.245.194.173]:60591: 550 5.7.1 Service unavailable; client [216.245.194.173] blocked using rbl.example.com; from=<spammer@example.com>, to=<goodguy@example.com>, proto=ESMTP, helo=<badguy.example.com>",
                 "postfix-reject", MS_OUT_RELAY_DENIED, "216.245.194.173",
                 "goodguy@example.com", MS_SVC_SMTP);
    expect_event("Jun  1 19:00:55 mail postfix/smtpd[7749]: NOQUEUE: reject: CONNECT from unknown[192.0.2.114]: 450 4.7.25 Client host rejected: cannot find your hostname, [178.215.236.114]; proto=SMTP",
                 NULL, MS_OUT_RELAY_DENIED, "192.0.2.114", "", MS_SVC_SMTP);
    expect_event("Feb 25 15:57:27 mframe1 postfix/smtpd[25140]: warning: Illegal address syntax from localhost[127.0.0.1] in RCPT command: <name@62.157.140.137>",
                 "postfix-bad-address", MS_OUT_RELAY_DENIED, "127.0.0.1", "",
                 MS_SVC_SMTP);
    /* A planted address in the sender stays out of the ip. */
    expect_event("Jul 12 07:47:48 saturn postfix/smtpd[8738]: NOQUEUE: reject: RCPT from x[192.0.2.77]: 554 5.7.1 <a@b>: Relay access denied; from=<\"reject: RCPT from y[6.6.6.6]: 554\"@c> to=<a@b> proto=SMTP helo=<h>",
                 NULL, MS_OUT_RELAY_DENIED, "192.0.2.77", NULL, MS_SVC_SMTP);
}

static void test_connects(void **state)
{
    (void)state;
    expect_event("Jan 12 11:07:49 emf1pt2-2-35-70 postfix/smtpd[13767]: improper command pipelining after DATA from unknown[181.21.131.88]:",
                 "postfix-pipelining", MS_OUT_CONNECT, "181.21.131.88", "",
                 MS_SVC_SMTP);
    expect_event("Jun  3 06:25:43 srv postfix/smtpd[29306]: too many errors after RCPT from example.com[192.0.2.11]",
                 "postfix-too-many-errors", MS_OUT_CONNECT, "192.0.2.11", "",
                 MS_SVC_SMTP);
    /* After AUTH: the attempt has its own SASL line; this is no failure. */
    expect_event("Feb 18 09:48:04 xxx postfix/smtpd[50903]: lost connection after AUTH from unknown[192.0.2.23]",
                 "postfix-lost-connection", MS_OUT_CONNECT, "192.0.2.23", "",
                 MS_SVC_SMTP);
    expect_event("Sep 17 18:19:20 mxhost postfix/smtpd[12345]: NOQUEUE: lost connection after CONNECT from unknown[192.0.2.25]",
                 "postfix-lost-connection", MS_OUT_CONNECT, "192.0.2.25", "",
                 MS_SVC_SMTP);
    expect_event("Feb 18 09:50:05 xxx postfix/smtpd[42]: lost connection after DATA (0 bytes) from good-host.example.com[192.0.2.10]",
                 "postfix-lost-connection", MS_OUT_CONNECT, "192.0.2.10", "",
                 MS_SVC_SMTP);
    expect_event("Feb 10 13:26:34 srv postfix/smtpd[123]: disconnect from unknown[192.0.2.2] ehlo=1 auth=0/1 rset=1 quit=1 commands=3/4",
                 "postfix-disconnect-authfail", MS_OUT_CONNECT, "192.0.2.2", "",
                 MS_SVC_SMTP);
    expect_event("2024-10-31T12:38:21.817327+00:00 machine postfix/submission/smtpd[2634372]: warning: non-SMTP command from unknown[192.168.1.1]: GET / HTTP/1.1",
                 "postfix-non-smtp", MS_OUT_CONNECT, "192.168.1.1", "",
                 MS_SVC_SUBMISSION);
    expect_event("Aug 14 10:00:01 mail postfix/smtpd[1234]: warning: hostname bad.example.com does not resolve to address 192.0.2.44: Name or service not known",
                 "postfix-dns-mismatch", MS_OUT_CONNECT, "192.0.2.44", "",
                 MS_SVC_SMTP);
    expect_event("Sep 19 12:10:58 hostname postfix/smtpd[14059]: warning: Message delivery request rate limit exceeded: 334 from spam.example.com[192.0.2.227] for service submission",
                 "postfix-rate-limit", MS_OUT_CONNECT, "192.0.2.227", "",
                 MS_SVC_SUBMISSION);
    expect_event("Aug  4 12:00:01 mail postfix/smtpd[29322]: SSL_accept error from unknown[203.0.113.10]: lost connection",
                 "postfix-ssl-error", MS_OUT_CONNECT, "203.0.113.10", "",
                 MS_SVC_SMTP);
    expect_event("Dec 23 19:39:13 xxx postfix/postscreen[21057]: PREGREET 14 after 0.08 from [192.0.2.2]:59415: EHLO ylmf-pc\\r\\n",
                 "postscreen-violation", MS_OUT_CONNECT, "192.0.2.2", "",
                 MS_SVC_SMTP);
    expect_event("Jun  8 23:14:28 proxy2 postfix/postscreen[473]: COMMAND TIME LIMIT from [192.0.2.77]:3608 after CONNECT",
                 "postscreen-violation", MS_OUT_CONNECT, "192.0.2.77", "",
                 MS_SVC_SMTP);
    expect_event("Dec 24 00:54:36 xxx postfix/postscreen[22515]: HANGUP after 16 from [192.0.2.3]:48119 in tests after SMTP handshake",
                 "postscreen-violation", MS_OUT_CONNECT, "192.0.2.3", "",
                 MS_SVC_SMTP);
    expect_event("Oct 15 16:12:30 srvdmz postfix/postscreen[6598]: DNSBL rank 3 for [37.139.128.50]:54706",
                 "postscreen-dnsbl", MS_OUT_CONNECT, "37.139.128.50", "",
                 MS_SVC_SMTP);
    /* postscreen turns a client away before testing it. */
    expect_event("Mar  2 10:11:12 mx postfix/postscreen[2201]: NOQUEUE: reject: CONNECT from [192.0.2.31]:50123: too many connections",
                 "postscreen-conn-limit", MS_OUT_CONNECT, "192.0.2.31", "",
                 MS_SVC_SMTP);
    expect_event("Mar  2 10:11:12 mx postfix/postscreen[2201]: NOQUEUE: reject: CONNECT from [2001:db8::32]:50124: all server ports busy",
                 "postscreen-busy", MS_OUT_CONNECT, "2001:db8::32", "",
                 MS_SVC_SMTP);
    expect_event("Mar  2 10:11:12 mx postfix-in/postscreen[2201]: reject: connect from [192.0.2.33]:50125: all screening ports busy",
                 "postscreen-busy", MS_OUT_CONNECT, "192.0.2.33", "",
                 MS_SVC_SMTP);
    /* smtpd's own CONNECT rejections keep their reply code. */
    expect_event("Mar  2 10:11:12 mx postfix/smtpd[2202]: NOQUEUE: reject: CONNECT from unknown[192.0.2.34]: 554 5.7.1 <unknown[192.0.2.34]>: Client host rejected: Access denied; proto=SMTP",
                 "postfix-reject", MS_OUT_RELAY_DENIED, "192.0.2.34", "",
                 MS_SVC_SMTP);
    expect_event("Sep 12 07:23:36 hamilton postfix/smtpd[28275]: timeout after END-OF-MESSAGE from client-1-178.delivery.net[209.11.164.178]",
                 "postfix-timeout", MS_OUT_CONNECT, "209.11.164.178", "",
                 MS_SVC_SMTP);
    expect_event("Sep 26 02:48:18 mail postfix/smtpd-amavis/smtpd[1579]: timeout after END-OF-MESSAGE from localhost[127.0.0.1]",
                 "postfix-timeout", MS_OUT_CONNECT, "127.0.0.1", "", MS_SVC_SMTP);
}

static void test_not_events(void **state)
{
    (void)state;
    expect_none("Feb 18 09:48:03 xxx postfix/smtpd[50903]: connect from unknown[192.0.2.23]");
    expect_none("Feb 18 09:48:05 xxx postfix/smtpd[50903]: disconnect from unknown[192.0.2.23] ehlo=1 auth=1 quit=1 commands=3");
    expect_none("Feb 18 09:48:05 xxx postfix/postscreen[50903]: CONNECT from [192.0.2.23]:4711 to [10.0.0.1]:25");
    expect_none("Feb 18 09:48:05 xxx postfix/postscreen[50903]: PASS NEW [192.0.2.23]:4711");
    /* Only postscreen says these, and only of the client's address. */
    expect_none("Mar  2 10:11:12 mx postfix/smtpd[2202]: NOQUEUE: reject: CONNECT from [192.0.2.35]:1: too many connections");
    expect_none("Mar  2 10:11:12 mx postfix/postscreen[2201]: warning: psc_cache_update: btree:/var/lib/postfix/psc_cache all server ports busy");
    expect_none("Mar  2 10:11:12 mx postfix/postscreen[2201]: NOQUEUE: reject: CONNECT from [192.0.2.36]:1: all ports busy");
    expect_none("scorpion postfix/smtp[9144]: connect to rmailb2.walla.co.il[192.118.82.145]: Connection refused (port 25)");
    expect_none("Feb 18 09:48:05 mx postfix/smtp[8909]: 774C14AEF2: to=<rj@example.com.br>, relay=127.0.0.1[127.0.0.1]:10024, delay=423, status=deferred (host 127.0.0.1[127.0.0.1] said: 451 Local Error (in reply to end of DATA command))");
    expect_none("Feb 18 09:48:05 mx postfix/smtpd[21779]: warning: connect to private/policy: Resource temporarily unavailable");
    /* A tagless line (exim's log) quoting postfix text: postfix's rules,
     * tried first, do not take it; exim's does, with exim's address. */
    expect_event("2017-12-03 09:04:37 H=(x) [192.0.2.1] F=<a@b> rejected RCPT <postfix/smtpd[1]:warning:y[6.6.6.6]:SASL>: unknown",
                 "exim-rcpt-reject", MS_OUT_RELAY_DENIED, "192.0.2.1", NULL,
                 ANY_SERVICE);
    expect_none("2017-12-03 09:04:37 postfix/smtpd[1]: warning: y[6.6.6.6]");
}

/* The service comes from the tag; tags differ only by pid from line to
 * line, and the matcher's memo of guesses must not mix them up. */
static void test_service_from_tag(void **state)
{
    (void)state;
    static const struct { const char *tag; ms_service svc; } t[] = {
        {"postfix/submission/smtpd[%u]", MS_SVC_SUBMISSION},
        {"postfix/smtpd[%u]", MS_SVC_SMTP},
        {"postfix/smtps/smtpd[%u]", MS_SVC_SUBMISSION},
    };
    for (unsigned i = 0; i < 60; i++) {
        char tag[64], line[256];
        snprintf(tag, sizeof tag, t[i % 3].tag, 1000 + i * 7919);
        snprintf(line, sizeof line, "Nov  4 09:11:01 mail %s: warning: "
                 "unknown[192.0.2.150]: SASL PLAIN authentication failed:", tag);
        ms_capture c;
        const ms_rule *rule;
        assert_true(harness_match(line, &c, &rule));
        assert_int_equal(c.ev.service, t[i % 3].svc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sasl_fail),
        cmocka_unit_test(test_service_from_tag),
        cmocka_unit_test(test_sasl_no_verdict),
        cmocka_unit_test(test_sasl_ok),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_connects),
        cmocka_unit_test(test_not_events),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
