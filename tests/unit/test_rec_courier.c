/* test_rec_courier.c — Courier-IMAP/POP3 logins and courieresmtpd errors. */
#include "rec_harness.h"

static void must_match(const char *line, ms_capture *c)
{
    const ms_rule *rule;
    if (!harness_match(line, c, &rule))
        fail_msg("no event from: %s", line);
}

static void test_login_failed(void **state)
{
    (void)state;
    /* fail2ban courier-auth */
    expect_event("Apr 23 21:59:01 dns2 imapd: LOGIN FAILED, user=sales@example.com, ip=[::ffff:1.2.3.4]",
                 "courier-login-fail", MS_OUT_AUTH_FAIL, "1.2.3.4",
                 "sales@example.com", MS_SVC_IMAP);
    expect_event("Apr 23 21:59:38 dns2 pop3d: LOGIN FAILED, user=info@example.com, ip=[::ffff:198.51.100.76]",
                 NULL, MS_OUT_AUTH_FAIL, "198.51.100.76", "info@example.com", MS_SVC_POP3);
    expect_event("Nov 13 08:11:53 server imapd-ssl: LOGIN FAILED, user=user@domain.tld, ip=[::ffff:198.51.100.33]",
                 NULL, MS_OUT_AUTH_FAIL, "198.51.100.33", "user@domain.tld", MS_SVC_IMAP);
    expect_event("Apr 17 19:17:11 SERVER courierpop3login: LOGIN FAILED, user=USER@EXAMPLE.org, ip=[::ffff:1.2.3.4]",
                 NULL, MS_OUT_AUTH_FAIL, "1.2.3.4", "USER@EXAMPLE.org", MS_SVC_POP3);
    expect_event("Apr 17 19:17:12 server imapd-ssl: LOGIN FAILED, method=PLAIN, ip=[::ffff:192.0.2.4]",
                 NULL, MS_OUT_AUTH_FAIL, "192.0.2.4", "", MS_SVC_IMAP);
    expect_event("Apr 27 09:00:00 servername imapd: LOGIN FAILED, user=tester, ip=[::ffff:192.0.2.5], port=[255]",
                 NULL, MS_OUT_AUTH_FAIL, "192.0.2.5", "tester", MS_SVC_IMAP);
    /* ossec samples: no name at all */
    expect_event("May 30 00:01:02 server2 courierpop3login: LOGIN FAILED, ip=[::ffff:193.68.217.36]",
                 NULL, MS_OUT_AUTH_FAIL, "193.68.217.36", "", MS_SVC_POP3);
    expect_event("Sep 21 00:40:57 server01 imaplogin: LOGIN FAILED, ip=[::ffff:127.0.0.1]",
                 NULL, MS_OUT_AUTH_FAIL, "127.0.0.1", "", MS_SVC_IMAP);
    /* a build that prints `::ffff::` (seen in a forum post) */
    expect_event("Feb 10 10:43:35 mydomain imapd-ssl: LOGIN FAILED, user=mymailuser@mydomain.com, ip=[::ffff::80.110.174.199]",
                 NULL, MS_OUT_AUTH_FAIL, "80.110.174.199", "mymailuser@mydomain.com",
                 MS_SVC_IMAP);
    /* IPv6 client, and the courierlogger INFO: prefix */
    expect_event("Feb 10 10:43:35 mx imapd: INFO: LOGIN FAILED, user=bob, ip=[2001:db8::9]",
                 NULL, MS_OUT_AUTH_FAIL, "2001:db8::9", "bob", MS_SVC_IMAP);
    ms_capture c;
    must_match("Apr 17 19:17:12 server imapd-ssl: LOGIN FAILED, method=PLAIN, ip=[::ffff:192.0.2.4]", &c);
    assert_true(str_is(&c.ev.method, "PLAIN"));
    assert_string_equal(c.ev.source, "courier");
}

static void test_planted(void **state)
{
    (void)state;
    /* The name is the client's: the server's own ip=[…] is the last one. */
    expect_event("Apr 27 09:00:00 mx imapd: LOGIN FAILED, user=x, ip=[6.6.6.6], port=[1], ip=[::ffff:192.0.2.5], port=[255]",
                 NULL, MS_OUT_AUTH_FAIL, "192.0.2.5", "x, ip=[6.6.6.6], port=[1]",
                 MS_SVC_IMAP);
    expect_event("Apr 27 09:00:00 mx pop3d: LOGIN FAILED, user=x, ip=[6.6.6.6], ip=[::ffff:192.0.2.6]",
                 NULL, MS_OUT_AUTH_FAIL, "192.0.2.6", "x, ip=[6.6.6.6]", MS_SVC_POP3);
    /* Not at the tag: an application quoting a courier line. */
    expect_none("Apr 27 09:00:00 mx webapp[3]: said LOGIN FAILED, user=x, ip=[6.6.6.6]");
}

static void test_login_ok(void **state)
{
    (void)state;
    expect_event("Jun 1 00:12:06 server1 courierpop3login: LOGIN, user=web10_mauricio, ip=[::ffff:192.168.0.100]",
                 "courier-login-ok", MS_OUT_AUTH_OK, "192.168.0.100", "web10_mauricio",
                 MS_SVC_POP3);
    expect_event("Sep  3 13:52:34 mailserver imapd: LOGIN, user=spsimmons, ip=[::ffff:192.168.1.112], port=[56009], protocol=IMAP",
                 "courier-login-ok", MS_OUT_AUTH_OK, "192.168.1.112", "spsimmons",
                 MS_SVC_IMAP);
    expect_event("Mar 16 15:02:59 localhost imapd: LOGIN, user=yanling@yanling.nl, ip=[::ffff:127.0.0.1], protocol=IMAP",
                 NULL, MS_OUT_AUTH_OK, "127.0.0.1", "yanling@yanling.nl", MS_SVC_IMAP);
    /* a host the header parser cannot take: "(none)" */
    expect_event("Oct  8 19:10:30 (none) imapd-ssl: LOGIN, user=root@localhost, ip=[::ffff:127.0.0.1], port=[58570], protocol=IMAP",
                 NULL, MS_OUT_AUTH_OK, "127.0.0.1", "root@localhost", ANY_SERVICE);
    expect_event("Mar  5 09:37:30 localhost courier-pop3d: LOGIN, user=sandra, ip=[::ffff:192.0.2.8], port=[51234], protocol=POP3",
                 NULL, MS_OUT_AUTH_OK, "192.0.2.8", "sandra", MS_SVC_POP3);
}

static void test_esmtpd(void **state)
{
    (void)state;
    ms_capture c;
    /* fail2ban courier-smtp: failed SMTP AUTH */
    expect_event("Jul  3 23:07:20 szerver courieresmtpd: error,relay=::ffff:1.2.3.4,msg=\"535 Authentication failed.\",cmd: YWRvYmVhZG9iZQ==",
                 "courieresmtpd-auth-fail", MS_OUT_AUTH_FAIL, "1.2.3.4", "", MS_SVC_SMTP);
    expect_event("Aug 14 12:51:04 mail.server courieresmtpd[26762]: error,relay=::ffff:1.2.3.4,msg=\"535 Authentication failed.\",cmd: AUTH PLAIN AAAAABBBBCCCCWxlZA== admin",
                 "courieresmtpd-auth-fail", MS_OUT_AUTH_FAIL, "1.2.3.4", "", MS_SVC_SMTP);
    must_match("Aug 14 12:51:05 mail.server courieresmtpd[425070]: error,relay=::ffff:192.0.2.3,port=43632,msg=\"535 Authentication failed.\",cmd: AUTH LOGIN PlcmSpIp@example.com", &c);
    assert_true(str_is(&c.ev.method, "LOGIN"));
    assert_int_equal(c.ev.user.n, 0);   /* the AUTH argument is never kept */
    char ip[MS_IP_STRLEN];
    ms_ip_format(&c.ev.ip, ip);
    assert_string_equal(ip, "192.0.2.3");
    /* rejected recipients: relay_denied, the recipient as user */
    expect_event("Apr 10 03:47:57 web courieresmtpd: error,relay=::ffff:1.2.3.4,ident=tmf,from=<tmf@example.com>,to=<mailman-subscribe@example.com>: 550 User unknown.",
                 "courieresmtpd-unknown-rcpt", MS_OUT_RELAY_DENIED, "1.2.3.4",
                 "mailman-subscribe@example.com", MS_SVC_SMTP);
    expect_event("Jul  4 18:39:39 mail courieresmtpd: error,relay=::ffff:1.2.3.4,from=<picaro@astroboymail.com>,to=<user@update.net>: 550 User <benny> unknown",
                 "courieresmtpd-unknown-rcpt", MS_OUT_RELAY_DENIED, "1.2.3.4",
                 "user@update.net", MS_SVC_SMTP);
    expect_event("Jul  6 03:42:28 whistler courieresmtpd: error,relay=::ffff:1.2.3.4,from=<>,to=<admin at memcpy>: 550 User unknown.",
                 NULL, MS_OUT_RELAY_DENIED, "1.2.3.4", "admin at memcpy", MS_SVC_SMTP);
    expect_event("Nov 21 23:16:17 server courieresmtpd: error,relay=::ffff:1.2.3.4,from=<>,to=<>: 550 User unknown.",
                 NULL, MS_OUT_RELAY_DENIED, "1.2.3.4", "", MS_SVC_SMTP);
    expect_event("Aug 14 12:51:04 HOSTNAME courieresmtpd: error,relay=::ffff:1.2.3.4,from=<firozquarl@aclunc.org>,to=<BOGUSUSER@HOSTEDDOMAIN.org>: 550 User unknown.",
                 NULL, MS_OUT_RELAY_DENIED, "1.2.3.4", "BOGUSUSER@HOSTEDDOMAIN.org",
                 MS_SVC_SMTP);
    expect_event("Aug 14 12:51:04 mx courieresmtpd: error,relay=::ffff:192.0.2.7,from=<a@example.com>,to=<b@example.org>: 513 Relaying denied.",
                 "courieresmtpd-relay-denied", MS_OUT_RELAY_DENIED, "192.0.2.7",
                 "b@example.org", MS_SVC_SMTP);
    expect_event("Aug 14 12:51:04 mx courieresmtpd: error,relay=::ffff:192.0.2.7,from=<a@spam.example>: 517 Sender rejected.",
                 "courieresmtpd-reject", MS_OUT_RELAY_DENIED, "192.0.2.7", "", MS_SVC_SMTP);
}

static void test_not_events(void **state)
{
    (void)state;
    expect_none("Jun 1 00:12:06 server1 courierpop3login: LOGOUT, user=web10_mauricio, ip=[::ffff:192.168.0.100], top=0, retr=0, rcvd=24, sent=96, time=0");
    expect_none("Dec 1 10:46:30 debian courierpop3login: Connection, ip=[::ffff:192.168.1.161]");
    expect_none("Oct  8 19:10:30 (none) imapd-ssl: LOGOUT, user=root@localhost, ip=[::ffff:127.0.0.1], headers=0, body=519, rcvd=145, sent=1170, time=0, starttls=1");
    expect_none("Sep 21 00:42:21 server01 imaplogin: DISCONNECTED, ip=[::ffff:127.0.0.1], time=5");
    expect_none("Mar  5 09:37:27 localhost imapd: authentication error: Input/output error");
    expect_none("Mar  5 09:37:27 localhost courieresmtpd: started,ip=[::ffff:192.0.2.9]");
    /* temporary errors and protocol errors are not verdicts */
    expect_none("Mar  5 09:37:27 localhost courieresmtpd: error,relay=::ffff:192.0.2.9,msg=\"502 ESMTP command error\",cmd: FOO");
    expect_none("Mar  5 09:37:27 localhost courieresmtpd: error,relay=::ffff:192.0.2.9,from=<a@b>,to=<c@d>: 451 Try again later");
    /* outbound delivery: the remote server refused us, not a client */
    expect_none("Mar  5 09:37:27 localhost courieresmtp: id=0001,from=<a@example.com>,addr=<b@example.org>: 550 User unknown");
    expect_event("Mar  5 09:37:27 localhost couriertcpd: Maximum connection limit reached for ::ffff:192.0.2.9",
                 "courier-connection-limit", MS_OUT_CONNECT, "192.0.2.9", "", ANY_SERVICE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login_failed),
        cmocka_unit_test(test_planted),
        cmocka_unit_test(test_login_ok),
        cmocka_unit_test(test_esmtpd),
        cmocka_unit_test(test_not_events),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
