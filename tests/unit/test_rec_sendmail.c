/* test_rec_sendmail.c — sendmail / sm-mta lines. */
#include "rec_harness.h"

static void test_auth_fail(void **state)
{
    (void)state;
    expect_event("Feb 25 04:02:27 relay1 sendmail[16664]: 06I02CNi016764: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=user@example.com, relay=example.com [192.0.2.3] (may be forged)",
                 "sendmail-auth-fail", MS_OUT_AUTH_FAIL, "192.0.2.3",
                 "user@example.com", MS_SVC_SMTP);
    expect_event("May 29 23:14:04 mail sendmail[5976]: 09DJDgOM005976: AUTH failure (PLAIN): authentication failure (-13) SASL(-13): authentication failure: Password verification failed, user=test, relay=host.example.com [192.0.2.8]",
                 "sendmail-auth-fail", MS_OUT_AUTH_FAIL, "192.0.2.8", "test",
                 MS_SVC_SMTP);
    expect_event("May 29 23:14:05 server sendmail[25411]: 26H8MRrS025411: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, relay=[192.0.2.9]",
                 "sendmail-auth-fail", MS_OUT_AUTH_FAIL, "192.0.2.9", "",
                 MS_SVC_SMTP);
    expect_event("May 24 01:58:40 server sm-mta[65696]: 14NNwaRl065696: AUTH failure (DIGEST-MD5): user not found (-20) SASL(-13): user not found: unable to canonify user and get auxprops, user=scanner, relay=[192.0.2.5]",
                 "sendmail-auth-unknown-user", MS_OUT_AUTH_FAIL, "192.0.2.5",
                 "scanner", MS_SVC_SMTP);
    expect_event("May 24 01:59:07 server sm-mta[65815]: 14NNx65Q065815: AUTH failure (CRAM-MD5): user not found (-20) SASL(-13): user not found: user: scan@server.example.com property: userPassword not found in sasldb /usr/local/etc/sasldb2, user=scan, relay=[192.0.2.6]",
                 "sendmail-auth-unknown-user", MS_OUT_AUTH_FAIL, "192.0.2.6",
                 "scan", MS_SVC_SMTP);
    expect_event("May 24 01:59:07 server sm-mta[65815]: 14NNx65Q065815: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=a, relay=[IPv6:2001:DB8::7]",
                 NULL, MS_OUT_AUTH_FAIL, "2001:db8::7", "a", MS_SVC_SMTP);
    /* The user is the client's: the address is the relay= ending the line. */
    expect_event("Feb 25 04:02:28 relay1 sendmail[16665]: 06I02CNi016765: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=criminal, relay=[192.0.2.100], relay=[192.0.2.4] (may be forged)",
                 "sendmail-auth-fail", MS_OUT_AUTH_FAIL, "192.0.2.4",
                 "criminal, relay=[192.0.2.100]", MS_SVC_SMTP);
    expect_event("Feb 25 04:02:28 relay1 sendmail[16665]: 06I02CNi016765: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=x [6.6.6.6] rip=6.6.6.6, relay=h.example.net [192.0.2.44]",
                 "sendmail-auth-fail", MS_OUT_AUTH_FAIL, "192.0.2.44",
                 "x [6.6.6.6] rip=6.6.6.6", MS_SVC_SMTP);
    /* Repeated AUTH commands in one session. */
    expect_event("Feb 24 13:00:17 kismet sm-acceptingconnections[1499]: s1OHxxSn001499: 192.241.70.95.dsl.static.turk.net [95.70.241.192] (may be forged): possible SMTP attack: command=AUTH, count=6",
                 "sendmail-auth-flood", MS_OUT_AUTH_FAIL, "95.70.241.192", "",
                 ANY_SERVICE);
    expect_event("Feb 24 14:00:01 server sendmail[3529566]: xA32R2PQ3529566: [192.0.2.2]: possible SMTP attack: command=AUTH, count=5",
                 "sendmail-auth-flood", MS_OUT_AUTH_FAIL, "192.0.2.2", "",
                 MS_SVC_SMTP);
    expect_event("Feb 24 14:00:01 server sendmail[3529566]: xA32R2PQ3529566: [192.0.2.2]: possible SMTP attack: command=RCPT, count=101",
                 "sendmail-smtp-attack", MS_OUT_CONNECT, "192.0.2.2", "",
                 MS_SVC_SMTP);
}

static void test_auth_ok(void **state)
{
    (void)state;
    expect_event("Dec  6 11:43:12 b.mail.sonic.net sm-mta[29813]: AUTH=server, relay=127.0.0.1.dsl.dynamic.sonic.net [127.0.0.1], authid=augie, mech=PLAIN, bits=0",
                 "sendmail-auth-ok", MS_OUT_AUTH_OK, "127.0.0.1", "augie",
                 MS_SVC_SMTP);
    expect_event("Jun  4 11:41:12 hostname sm-mta[47019]: AUTH=server, relay=[IPv6:aaaa::bbbb], authid=whatever, mech=LOGIN, bits=0",
                 "sendmail-auth-ok", MS_OUT_AUTH_OK, "aaaa::bbbb", "whatever",
                 MS_SVC_SMTP);
    expect_event("Mar  3 10:11:12 mx sm-mta[4242]: 123ABCd4004242: AUTH=server, relay=client.example.net [198.51.100.4], authid=bob@example.org, mech=PLAIN, bits=0",
                 "sendmail-auth-ok", MS_OUT_AUTH_OK, "198.51.100.4",
                 "bob@example.org", MS_SVC_SMTP);
    expect_event("Mar  3 10:11:12 mx sendmail[4242]: AUTH=server, relay=[198.51.100.5], authid=alice, mech=LOGIN, bits=0",
                 "sendmail-auth-ok", MS_OUT_AUTH_OK, "198.51.100.5", "alice",
                 MS_SVC_SMTP);
}

static void test_rejects(void **state)
{
    (void)state;
    expect_event("Feb 25 03:01:10 kismet sm-acceptingconnections[27713]: s1P819mk027713: ruleset=check_rcpt, arg1=<asservnew@freemailhost.ru>, relay=128-68-136-133.broadband.corbina.ru [128.68.136.133], reject=550 5.7.1 <asservnew@freemailhost.ru>... Relaying denied. Proper authentication required.",
                 "sendmail-relay-denied", MS_OUT_RELAY_DENIED, "128.68.136.133",
                 "asservnew@freemailhost.ru", ANY_SERVICE);
    expect_event("Feb 23 21:36:14 petermurray sm-mta[22248]: s1NLaDQT022248: ruleset=check_rcpt, arg1=<dautareuk2@hotmail.it>, relay=int0.client.access.azadnet.net [80.253.155.119] (may be forged), reject=550 5.7.1 <dautareuk2@hotmail.it>... Relaying denied. IP name possibly forged [80.253.155.119]",
                 "sendmail-relay-denied", MS_OUT_RELAY_DENIED, "80.253.155.119",
                 "dautareuk2@hotmail.it", MS_SVC_SMTP);
    expect_event("Feb 23 07:57:28 petermurray sm-mta[6519]: s1N7vR47006519: ruleset=check_rcpt, arg1=<camila.pinto@camilopinto.pt>, relay=[2.180.185.27], reject=553 5.1.8 <camila.pinto@camilopinto.pt>... Domain of sender address camila.pinto@andrewweitzman.com does not exist",
                 "sendmail-reject-address", MS_OUT_RELAY_DENIED, "2.180.185.27",
                 "camila.pinto@camilopinto.pt", MS_SVC_SMTP);
    expect_event("Feb 24 01:46:44 petermurray sm-mta[24422]: ruleset=check_relay, arg1=leased-line-54-82.telecom.by, arg2=217.21.54.82, relay=leased-line-54-82.telecom.by [217.21.54.82], reject=421 4.3.2 Connection rate limit exceeded.",
                 "sendmail-reject", MS_OUT_RELAY_DENIED, "217.21.54.82", "",
                 MS_SVC_SMTP);
    expect_event("Feb 19 18:01:50 batman sm-mta[78152]: ruleset=check_relay, arg1=[196.213.73.146], arg2=196.213.73.146, relay=[196.213.73.146], reject=421 4.3.2 Connection rate limit exceeded.",
                 "sendmail-reject", MS_OUT_RELAY_DENIED, "196.213.73.146", "",
                 MS_SVC_SMTP);
    expect_event("sendmail[7735]: [ID 801593 mail.notice] k856Hah0007735: ruleset=check_rcpt, arg1=<sc@sd.com>, relay=[216.22.33.7], reject=553 5.3.0 <sc@sd.com>... Spammer 216.22.33.7 usergl@displaytoward.net rejected by RBL:http://www.spamhaus.org/",
                 "sendmail-reject-address", MS_OUT_RELAY_DENIED, "216.22.33.7",
                 "sc@sd.com", MS_SVC_SMTP);
    expect_event("Jun 18 08:05:17 <mail.notice> myhost sm-mta[17002]: 55IC59VD017002: ruleset=check_rcpt, arg1=<spameri@tiscali.it>, relay=[45.125.66.67], reject=450 4.4.0 <spameri@tiscali.it>... Relaying temporarily denied. Cannot resolve PTR record for 45.125.66.67",
                 "sendmail-relay-denied", MS_OUT_RELAY_DENIED, "45.125.66.67",
                 "spameri@tiscali.it", ANY_SERVICE);
    expect_event("Feb 23 21:18:47 batman sm-mta[93301]: s1NKIkZa093301: [76.72.174.70]: EXPN root [rejected]",
                 "sendmail-expn-vrfy", MS_OUT_RELAY_DENIED, "76.72.174.70",
                 "root", MS_SVC_SMTP);
    expect_event("Feb 22 14:02:44 batman sm-mta[4030]: s1MD2hsd004030: rrcs-24-73-201-194.se.biz.rr.com [24.73.201.194]: VRFY root [rejected]",
                 "sendmail-expn-vrfy", MS_OUT_RELAY_DENIED, "24.73.201.194",
                 "root", MS_SVC_SMTP);
    /* A quoted address with a planted relay= gives no event, not 6.6.6.6. */
    expect_none("Feb 23 07:57:28 x sm-mta[6519]: s1N7vR47006519: ruleset=check_rcpt, arg1=<\"a, relay=[6.6.6.6], reject=550\"@b>, relay=[192.0.2.50], reject=550 5.7.1 <\"a, relay=[6.6.6.6], reject=550\"@b>... Relaying denied");
}

static void test_connects(void **state)
{
    (void)state;
    expect_event("Feb 27 10:53:06 batman sm-mta[44307]: s1R9r60D044307: rejecting commands from  [209.15.212.253] due to pre-greeting traffic after 0 seconds",
                 "sendmail-pregreet", MS_OUT_CONNECT, "209.15.212.253", "",
                 MS_SVC_SMTP);
    expect_event("Feb 27 10:53:07 strange sm-mta[18001]: u9A0GtpL018001: rejecting commands from example.com [1.2.3.4] due to pre-greeting traffic after 6 seconds",
                 "sendmail-pregreet", MS_OUT_CONNECT, "1.2.3.4", "", MS_SVC_SMTP);
    expect_event("Mar  7 15:04:37 s192-168-0-1 sm-mta[18624]: v27K4Vj8018624: some-host-24.example.org [192.0.2.195] (may be forged) did not issue MAIL/EXPN/VRFY/ETRN during connection to MSP-v4",
                 "sendmail-no-command", MS_OUT_CONNECT, "192.0.2.195", "",
                 MS_SVC_SMTP);
    expect_event("Mar 29 22:51:46 server sm-mta[50438]: 06QDQnNf050438: example.com [IPv6:2001:DB8::1] did not issue MAIL/EXPN/VRFY/ETRN during connection to IPv6",
                 "sendmail-no-command", MS_OUT_CONNECT, "2001:db8::1", "",
                 MS_SVC_SMTP);
    expect_event("Jul 31 13:03:43 <mail.notice> alarmpi sm-mta[24291]: 56VFYCxS024291: lost input channel from mail.aqicn.org [139.162.120.196] to MTA-v4 after rcpt",
                 "sendmail-lost-input", MS_OUT_CONNECT, "139.162.120.196", "",
                 ANY_SERVICE);
    expect_event("Nov  3 11:35:30 Microsoft sendmail[26254]: rA37ZTSC026254: from=<davaojk25@domain.com>, size=0, class=0, nrcpts=0, bodytype=8BITMIME, proto=ESMTP, daemon=MTA, relay=163.23.32.95.dsl-dynamic.vsi.ru [95.32.23.163]",
                 "sendmail-no-rcpt", MS_OUT_CONNECT, "95.32.23.163", "",
                 MS_SVC_SMTP);
}

static void test_not_events(void **state)
{
    (void)state;
    expect_none("Nov  3 11:35:30 Microsoft sendmail[26254]: rA37ZTSC026250: <arhipov@domain.com>... No such user here");
    expect_none("Jun 17 14:37:39 <mail.notice> robin sm-mta[2794]: 55HIbcGI002794: <baduser@yourhost.com>... User unknown");
    expect_none("Sep 29 17:11:02 ramp sendmail[21549]: v8TLB2x7021549: from=<example@email.com>, size=909, class=0, nrcpts=1, msgid=<201709292111.v8TLB1Nj021545@email.com>, proto=ESMTP, daemon=MTA, relay=localhost.localdomain [127.0.0.1]");
    expect_none("Sep 29 17:11:03 ramp sendmail[21550]: v8TLB2x7021549: to=<a@b.c>, delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=120909, relay=mx.b.c. [203.0.113.9], dsn=2.0.0, stat=Sent (OK)");
    expect_none("Sep  7 02:43:30 mail sm-mta[63495]: k876hJS0063495: Milter: data, reject=550 5.7.1 Blocked by SpamAssassin");
    expect_none("Sep 29 17:11:03 ramp sendmail[21550]: STARTTLS=server, relay=[203.0.113.9], version=TLSv1.2, verify=NO, cipher=ECDHE-RSA-AES256-GCM-SHA384, bits=256/256");
    /* An old sendmail names no client in its AUTH failure. */
    expect_none("Feb 25 04:02:27 relay1 sendmail[16664]: 06I02CNi016764: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed");
    /* sendmail's text in another program's line is not sendmail's. */
    expect_none("Feb 25 04:02:27 relay1 otherd[1]: x sm-mta[1]: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): x, relay=[6.6.6.6]");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth_fail),
        cmocka_unit_test(test_auth_ok),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_connects),
        cmocka_unit_test(test_not_events),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
