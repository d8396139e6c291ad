/* test_rec_exim.c — exim main-log and syslog lines. */
#include "rec_harness.h"

static void test_auth_fail(void **state)
{
    (void)state;
    expect_event("2013-01-04 17:03:46 login authenticator failed for rrcs-24-106-174-74.se.biz.rr.com ([192.168.2.33]) [24.106.174.74]: 535 Incorrect authentication data (set_id=brian)",
                 "exim-auth-fail", MS_OUT_AUTH_FAIL, "24.106.174.74", "brian",
                 MS_SVC_SMTP);
    expect_event("2013-06-12 03:57:58 login authenticator failed for (ylmf-pc) [120.196.140.45]: 535 Incorrect authentication data: 1 Time(s)",
                 "exim-auth-fail", MS_OUT_AUTH_FAIL, "120.196.140.45", "",
                 MS_SVC_SMTP);
    expect_event("2024-03-21 19:26:06 dovecot_login authenticator failed for (User) [194.169.175.1]:21298 I=[22.33.44.55]:465 Ci=30416: 535 Incorrect authentication data (set_id=uaf589@example.com)",
                 "exim-auth-fail", MS_OUT_AUTH_FAIL, "194.169.175.1",
                 "uaf589@example.com", MS_SVC_SUBMISSION);
    expect_event("2014-12-02 03:00:23 auth_plain authenticator failed for (rom182) [193.254.202.35]:41556 I=[10.0.0.1]:25: 535 Incorrect authentication data (set_id=webmaster)",
                 "exim-auth-fail", MS_OUT_AUTH_FAIL, "193.254.202.35",
                 "webmaster", MS_SVC_SMTP);
    expect_event("2019-10-22 03:39:17 mx1.fqdn.local exim[29786]: dovecot_login authenticator failed for (User) [192.0.2.37]: 535 Incorrect authentication data (set_id=test@domain.com)",
                 "exim-auth-fail", MS_OUT_AUTH_FAIL, "192.0.2.37",
                 "test@domain.com", MS_SVC_SMTP);
    expect_event("mail.example.com exim[3751842]: 2021-07-17 23:20:49 plain_server authenticator failed for ([192.0.2.17]) [192.0.2.27]: 535 Incorrect authentication data",
                 "exim-auth-fail", MS_OUT_AUTH_FAIL, "192.0.2.27", "",
                 MS_SVC_SMTP);
    expect_event("Jun 29 16:04:19 server exim[1234]: dovecot_login authenticator failed for ([1.2.3.5]) [1.2.3.4]:55379: 535 Incorrect authentication data (set_id=abuse@test.com)",
                 "exim-auth-fail", MS_OUT_AUTH_FAIL, "1.2.3.4", "abuse@test.com",
                 MS_SVC_SMTP);
    expect_event("2023-05-30 06:10:13.345 login authenticator failed for millis.example.org [192.0.2.12]:5432: 535 Incorrect authentication data (set_id=user)",
                 "exim-auth-fail", MS_OUT_AUTH_FAIL, "192.0.2.12", "user",
                 MS_SVC_SMTP);
    expect_event("2017-01-24 05:22:29 dovecot_plain authenticator failed for (test) [::1]:39454: 535 Incorrect authentication data (set_id=test)",
                 NULL, MS_OUT_AUTH_FAIL, "::1", "test", MS_SVC_SMTP);
    /* The set_id is the client's: a planted address stays in it. */
    expect_event("2022-06-29 16:04:19 dovecot_login authenticator failed for (x) [192.0.2.61]:5: 535 Incorrect authentication data (set_id=a) [6.6.6.6]: 535 (set_id=b)",
                 "exim-auth-fail", MS_OUT_AUTH_FAIL, "192.0.2.61",
                 "a) [6.6.6.6]: 535 (set_id=b", MS_SVC_SMTP);
    /* A helo with a space does not fit exim's grammar: no event rather
     * than the planted address. */
    expect_none("2022-06-29 16:04:19 login authenticator failed for (x) [6.6.6.6] (y) [192.0.2.62]: 535 Incorrect authentication data (set_id=a)");
    /* 435: the authentication server was down, no verdict. */
    expect_event("2022-06-29 16:04:19 dovecot_login authenticator failed for (x) [192.0.2.63]: 435 Unable to authenticate at present (set_id=a)",
                 "exim-auth-tempfail", MS_OUT_CONNECT, "192.0.2.63", "a",
                 MS_SVC_SMTP);
    /* 4.9x: I= before U= (host_and_ident's order). */
    expect_event("2019-03-02 09:44:33 plain authenticator failed for (h) [192.0.2.76]:1025 I=[192.0.2.1]:25 U=ident: 535 Incorrect authentication data (set_id=dave)",
                 "exim-auth-fail", MS_OUT_AUTH_FAIL, "192.0.2.76", "dave",
                 MS_SVC_SMTP);
    /* 435's reason follows the set_id; an internal error likewise. */
    expect_event("2019-03-02 09:44:33 defer authenticator failed for (test.host) [192.0.2.73] U=CALLER: 435 Unable to authenticate at present (set_id=userx): account suspended",
                 "exim-auth-tempfail", MS_OUT_CONNECT, "192.0.2.73", "userx",
                 MS_SVC_SMTP);
    expect_event("2019-03-02 09:44:33 plain authenticator failed for (x) [192.0.2.74]:1234: 435 Internal error (set_id=carol): return 7 from authentication check",
                 "exim-auth-tempfail", MS_OUT_CONNECT, "192.0.2.74", "carol",
                 MS_SVC_SMTP);
    expect_event("2019-03-02 09:44:33 expanded_prompt_plain_fail authenticator failed for (test.host) [192.0.2.75]: 435 Unable to authenticate at present: unknown variable name \"nonexistent\"",
                 "exim-auth-tempfail", MS_OUT_CONNECT, "192.0.2.75", "",
                 MS_SVC_SMTP);
}

/* exim 4.99 flags the host: `authenticator failed for H=…`. */
static void test_auth_fail_499(void **state)
{
    (void)state;
    expect_event("2025-10-01 10:00:00 dovecot_login authenticator failed for H=(User) [192.0.2.70]:50512 I=[192.0.2.1]:587: 535 Incorrect authentication data (set_id=info@example.com)",
                 "exim-auth-fail", MS_OUT_AUTH_FAIL, "192.0.2.70",
                 "info@example.com", MS_SVC_SUBMISSION);
    expect_event("2025-10-01 10:00:00 [4711] dovecot_plain authenticator failed for H=mail.example.net (helo.example.net) [2001:db8::71]:2525 I=[2001:db8::1]:465 Ci=4711: 535 Incorrect authentication data (set_id=bob)",
                 "exim-auth-fail", MS_OUT_AUTH_FAIL, "2001:db8::71", "bob",
                 MS_SVC_SUBMISSION);
    expect_event("2025-10-01 10:00:00 plain authenticator failed for H=[192.0.2.72]: 535 Incorrect authentication data",
                 "exim-auth-fail", MS_OUT_AUTH_FAIL, "192.0.2.72", "",
                 MS_SVC_SMTP);
    /* log_ports may leave the interface's port out. */
    expect_event("2025-10-01 10:00:00 plain authenticator failed for H=(test.host) [192.0.2.77] I=[192.0.2.1] U=CALLER: 535 Incorrect authentication data (set_id=eserx)",
                 "exim-auth-fail", MS_OUT_AUTH_FAIL, "192.0.2.77", "eserx",
                 MS_SVC_SMTP);
    expect_event("Oct  1 10:00:00 mx exim[812]: login authenticator failed for H=(ylmf-pc) [192.0.2.78]:60123 I=[192.0.2.1]:25: 535 Incorrect authentication data (set_id=admin)",
                 "exim-auth-fail", MS_OUT_AUTH_FAIL, "192.0.2.78", "admin",
                 MS_SVC_SMTP);
    expect_event("2025-10-01 10:00:00 defer authenticator failed for H=(test.host) [192.0.2.79] U=CALLER: 435 Unable to authenticate at present (set_id=userx): account suspended",
                 "exim-auth-tempfail", MS_OUT_CONNECT, "192.0.2.79", "userx",
                 MS_SVC_SMTP);
    /* A local client (U= only) names no host. */
    expect_none("2025-10-01 10:00:00 plain1 authenticator failed for U=CALLER: 535 Incorrect authentication data (set_id=userx)");
    /* The smtp transport's own failure names the remote server. */
    expect_none("2025-10-01 10:00:00 1uABCD-000000001X-0a1b plain authenticator failed H=mx.example.com [192.0.2.80] 535 5.7.8 Error: authentication failed");
    /* A helo with a space still does not fit. */
    expect_none("2025-10-01 10:00:00 login authenticator failed for H=(x) [6.6.6.6] (y) [192.0.2.81]: 535 Incorrect authentication data (set_id=a)");
    expect_none("2025-10-01 10:00:00 login authenticator failed for H=H=(x) [192.0.2.82]: 535 Incorrect authentication data (set_id=a)");
}

static void test_auth_ok(void **state)
{
    (void)state;
    expect_event("2017-12-03 09:04:37 1eLPiY-0003Xn-Ti <= bob@example.org H=(laptop) [198.51.100.9]:50312 I=[192.0.2.1]:587 P=esmtpsa X=TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256 CV=no A=dovecot_plain:bob S=1234 id=abc@laptop",
                 "exim-auth-ok", MS_OUT_AUTH_OK, "198.51.100.9", "bob",
                 MS_SVC_SUBMISSION);
    expect_event("2014-02-11 07:03:11 1WD6R5-000DJZ-Lc <= usernm@domain.com H=host.remote.com (HeloName) [99.111.22.33] P=esmtpsa X=TLSv1:AES128-SHA:128 A=dovecot_login:usernm S=3328 id=001201cf26ee$f1c31680$d5494380$@cz",
                 "exim-auth-ok", MS_OUT_AUTH_OK, "99.111.22.33", "usernm",
                 MS_SVC_SMTP);
    /* log_timezone: the offset stays in the body; A= followed by K. */
    expect_event("2021-05-04 13:37:00 +0100 1gon8g-0001rZ-K0 <= mail@senderhost.tld H=mail.remotehost.tld [123.123.123.123] P=esmtpsa X=TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256 CV=no A=fixed_cram:foo K S=10258521 DKIM=remotehost.tld id=foobar@mail.remotehost.tld",
                 "exim-auth-ok", MS_OUT_AUTH_OK, "123.123.123.123", "foo",
                 MS_SVC_SMTP);
    expect_event("2023-01-02 10:00:00 [4711] 1pCdEf-000ABC-1x <= alice@example.org H=host.example.net [2001:db8::9]:4711 P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no DN=\"/CN=a A=fake:admin\" A=login:alice@example.org:alice@example.org S=900",
                 "exim-auth-ok", MS_OUT_AUTH_OK, "2001:db8::9",
                 "alice@example.org", ANY_SERVICE);
    expect_event("2016-04-01 11:08:00 [8001] no MAIL in SMTP connection from (User) [192.0.2.29]:20042 I=[192.0.2.1]:587 D=0.349s A=dovecot_login:info C=EHLO,AUTH,QUIT",
                 "exim-nomail-auth-ok", MS_OUT_AUTH_OK, "192.0.2.29", "info",
                 MS_SVC_SUBMISSION);
    /* Flags between the fields before A= (pipelining, TCP Fast Open,
     * DNSSEC), and exim 4.99's connection id. */
    expect_event("2025-10-01 10:00:00 1uABCD-000000001X-0a1b <= user@example.com H=(helo) [192.0.2.90]:50111 I=[192.0.2.1]:587 P=esmtpsa L. X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=dovecot_login:user S=1234 id=x@y",
                 "exim-auth-ok", MS_OUT_AUTH_OK, "192.0.2.90", "user",
                 MS_SVC_SUBMISSION);
    expect_event("2025-10-01 10:00:00 1uABCD-000000001X-0a1c <= carol@example.com DS H=mx.example.net [192.0.2.91]:50112 I=[192.0.2.1]:465 TFO* Ci=812 P=esmtpsa L*- X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no SNI=\"mail.example.com\" A=plain:carol PRDR K S=99",
                 "exim-auth-ok", MS_OUT_AUTH_OK, "192.0.2.91", "carol",
                 MS_SVC_SUBMISSION);
    expect_event("2025-10-01 10:00:00 1uABCD-000000001X-0a1d <= dave@example.com H=(h) [192.0.2.92] P=esmtpa L- A=login:dave S=7",
                 "exim-auth-ok", MS_OUT_AUTH_OK, "192.0.2.92", "dave",
                 MS_SVC_SMTP);
    /* fakereject: accepted while the client was told it failed. */
    expect_event("2025-10-01 10:00:00 1uABCD-000000001X-0a1e (= erin@example.com H=(h) [192.0.2.93] P=esmtpa L A=login:erin S=7",
                 "exim-auth-ok", MS_OUT_AUTH_OK, "192.0.2.93", "erin",
                 MS_SVC_SMTP);
    /* A flag is a bare word: it cannot carry A= in from after S=. */
    expect_none("2025-10-01 10:00:00 1uABCD-000000001X-0a1f <= bob@example.org H=(h) [198.51.100.9] P=esmtps L. S=1 T=\"L. A=plain:admin\"");
    expect_none("2025-10-01 10:00:00 1uABCD-000000001X-0a20 <= bob@example.org H=(h) [198.51.100.9] P=esmtps L.A=plain:admin S=1");
    /* No A=: an unauthenticated message is no event. */
    expect_none("2017-12-03 09:04:37 1eLPiY-0003Xn-Ti <= bob@example.org H=mx.example.net [198.51.100.9]:50312 I=[192.0.2.1]:25 P=esmtps S=1234 id=x@y T=\"A=plain:admin\"");
    /* The subject (T=, after S=) is the client's: no A= is read there. */
    expect_none("2017-12-03 09:04:37 1eLPiY-0003Xn-Ti <= bob@example.org H=mx.example.net [198.51.100.9]:50312 P=esmtps S=1234 id=x@y T=\"x\\\" A=plain:admin \\\"\"");
    /* A sender with a space cannot plant the host. */
    expect_none("2017-12-03 09:04:37 1eLPiY-0003Xn-Ti <= \"x H=[6.6.6.6] A=plain:y\"@example.org H=(h) [198.51.100.9] P=esmtpsa A=plain:bob S=1");
}

static void test_rejects(void **state)
{
    (void)state;
    expect_event("2013-06-10 18:33:32 [10099] H=(yakult.com.tw) [202.132.70.178]:3755 I=[1.2.3.4]:25 F=menacedsj04@listserv.eurasia.org rejected RCPT dir@ml3.ru: relay not permitted",
                 "exim-rcpt-relay", MS_OUT_RELAY_DENIED, "202.132.70.178",
                 "dir@ml3.ru", MS_SVC_SMTP);
    expect_event("2024-03-21 09:18:51 H=m05.horp.tld [9.12.1.21]:43030 I=[194.169.175.2]:25 Ci=7326 CV=no SNI=mail.leone.tld F=<user@example.tld> rejected RCPT <locus@leone.tld>: relay not permitted",
                 "exim-rcpt-relay", MS_OUT_RELAY_DENIED, "9.12.1.21",
                 "locus@leone.tld", MS_SVC_SMTP);
    expect_event("2022-06-29 15:33:46 H=test.com [1.2.3.4]:53343 F=<info@test.com> rejected RCPT <toto@toto.com>: \"JunkMail rejected - test.com [1.2.3.4]:53343 is in an RBL: https://www.spamhaus.org/sbl/query/SBLCSS\"",
                 "exim-rcpt-reject", MS_OUT_RELAY_DENIED, "1.2.3.4",
                 "toto@toto.com", MS_SVC_SMTP);
    expect_event("Jun 29 14:34:58 server exim[1234]: H=imfo.test.biz [1.2.3.4]:35328 X=TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256 CV=no F=<jack@test.biz> rejected RCPT <sales@toto.com.au>: No Such User Here",
                 "exim-rcpt-reject", MS_OUT_RELAY_DENIED, "1.2.3.4",
                 "sales@toto.com.au", MS_SVC_SMTP);
    expect_event("2013-06-02 15:06:18 H=(VM-WIN2K3-1562) [46.20.35.114] sender verify fail for <usfh@technological-systems.com>: Unknown user",
                 "exim-sender-verify", MS_OUT_RELAY_DENIED, "46.20.35.114",
                 "usfh@technological-systems.com", MS_SVC_SMTP);
    expect_event("2022-06-29 14:33:43 H=test.sa.com [1.2.3.4]:18146 temporarily rejected connection in \"connect\" ACL: \"Host is ratelimited (1.9/1h max:1.2)\"",
                 "exim-reject", MS_OUT_RELAY_DENIED, "1.2.3.4", "", MS_SVC_SMTP);
    expect_event("2004-01-18 07:15:35 1Ai79e-0000Dq-8i F=uzwltcmwto24@melissacam.biz H=lsanca1-ar3-4-47-028-040.lsanca1.elnk.dsl.genuity.net [4.47.28.40] P=smtp rejected by local_scan(): Rejected: hits=7.5 required=5.0 trigger=5.0",
                 "exim-reject", MS_OUT_RELAY_DENIED, "4.47.28.40", "",
                 MS_SVC_SMTP);
    expect_event("2013-06-15 11:20:36 [2516] 1Unmew-0000ea-SE H=egeftech.static.otenet.gr [83.235.177.148]:32706 I=[1.2.3.4]:25 F=auguriesvbd40@google.com rejected after DATA: This message contains a virus (Sanesecurity.Junk.39934.UNOFFICIAL).",
                 "exim-reject", MS_OUT_RELAY_DENIED, "83.235.177.148", "",
                 MS_SVC_SMTP);
    expect_event("2016-03-21 04:07:49 [25874] 1ahr79-0006jK-G9 SMTP connection from (voyeur.webair.com) [174.137.147.204]:44884 I=[172.89.0.6]:25 closed by DROP in ACL",
                 "exim-acl-drop-conn", MS_OUT_RELAY_DENIED, "174.137.147.204", "",
                 MS_SVC_SMTP);
    expect_event("2022-04-03 21:53:54 H=[192.0.2.101]:62839 dropped by 'connect' ACL: Country is banned",
                 "exim-acl-drop", MS_OUT_RELAY_DENIED, "192.0.2.101", "",
                 MS_SVC_SMTP);
    expect_event("2013-12-29 15:34:12 1VxHRO-000NiI-Ly SA: Action: silently tossed message: score=31.0 required=5.0 trigger=30.0 (scanned in 6/6 secs | Message-Id: etPan.09bd0c40.c3d5f675.fdf7@server.local). From <Flossiedpd@jazztel.es> (host=72.45.76.188.dynamic.jazztel.es [188.76.45.72]) for me@my.com",
                 "exim-sa-tossed", MS_OUT_RELAY_DENIED, "188.76.45.72", "",
                 MS_SVC_SMTP);
    /* The sender and the recipient are the client's; the host is not. */
    expect_event("2017-05-01 07:42:42 H=(h) [192.0.2.3] F=<\"x H=(y) [6.6.6.6] rejected RCPT\"@c> rejected RCPT <H=[6.6.6.6]@d>: Unrouteable address",
                 "exim-rcpt-reject", MS_OUT_RELAY_DENIED, "192.0.2.3",
                 "H=[6.6.6.6]@d", MS_SVC_SMTP);
    /* One that does not fit the grammar gives no event at all. */
    expect_none("2017-05-01 07:42:42 H=(h) [192.0.2.3] F=<\"H=(x) [6.6.6.6] F=<a> rejected RCPT <b>\"@c> rejected RCPT <d@e>: Unrouteable address");
    /* A sender with a space before H= (local_scan lines): no event. */
    expect_none("2004-01-18 07:15:35 1Ai79e-0000Dq-8i F=\"a H=[6.6.6.6] P=smtp rejected by local_scan(): x\"@b H=h [192.0.2.4] P=smtp rejected by local_scan(): Rejected");
}

static void test_connects(void **state)
{
    (void)state;
    expect_event("2013-06-02 06:54:20 [13314] SMTP protocol synchronization error (input sent without waiting for greeting): rejected connection from H=[211.148.195.192]:25936 I=[1.2.3.4]:25 input=\"GET / HTTP/1.1\\r\\n\\r\\n\"",
                 "exim-sync-error", MS_OUT_CONNECT, "211.148.195.192", "",
                 MS_SVC_SMTP);
    expect_event("2013-06-02 09:05:48 [18505] SMTP protocol synchronization error (next input sent too soon: pipelining was not advertised): rejected \"RSET\" H=ba77.mx83.fr [82.96.160.77]:58302 I=[1.2.3.4]:25 next input=\"QUIT\\r\\n\"",
                 "exim-sync-error", MS_OUT_CONNECT, "82.96.160.77", "",
                 MS_SVC_SMTP);
    expect_event("2013-06-02 09:22:05 [19591] SMTP call from pc012-6201.spo.scu.edu.tw [163.14.21.161]:3767 I=[1.2.3.4]:25 dropped: too many nonmail commands (last was \"RSET\")",
                 "exim-call-dropped", MS_OUT_CONNECT, "163.14.21.161", "",
                 MS_SVC_SMTP);
    expect_event("2016-03-18 00:34:06 [7513] SMTP protocol error in \"AUTH LOGIN\" H=(ylmf-pc) [45.32.34.167]:60723 I=[172.89.0.6]:587 AUTH command used when not advertised",
                 "exim-protocol-error", MS_OUT_CONNECT, "45.32.34.167", "",
                 MS_SVC_SUBMISSION);
    /* The quoted command is the client's: the last `" H=` is exim's. */
    expect_event("2017-11-28 14:14:32 SMTP protocol error in \"aUtH lOgIn\" H=(test) [8.8.8.8]\" H=(roxzgj) [192.0.2.6] AUTH command used when not advertised",
                 "exim-protocol-error", MS_OUT_CONNECT, "192.0.2.6", "",
                 MS_SVC_SMTP);
    expect_event("2016-04-01 11:08:00 info exim[8003]: [8003] SMTP protocol error in \"AUTH LOGIN\" H=(User) [192.0.2.29]:4816 I=[192.0.2.1]:25 Ci=8003 LOGIN authentication mechanism not supported",
                 "exim-protocol-error", MS_OUT_CONNECT, "192.0.2.29", "",
                 MS_SVC_SMTP);
    expect_event("2016-03-21 06:57:36 [5908] no MAIL in SMTP connection from [122.165.71.116]:2056 I=[172.89.0.6]:25 D=0s",
                 "exim-nomail", MS_OUT_CONNECT, "122.165.71.116", "",
                 MS_SVC_SMTP);
    expect_event("2017-12-03 08:32:00 no host name found for IP address 192.0.2.8",
                 "exim-no-ptr", MS_OUT_CONNECT, "192.0.2.8", "", MS_SVC_SMTP);
    expect_event("2022-04-03 21:53:53 no IP address found for host hos-t.example.tld (during SMTP connection from [63.85.123.6]:49390 I=[31.130.202.17]:25)",
                 "exim-no-a", MS_OUT_CONNECT, "63.85.123.6", "", MS_SVC_SMTP);
}

static void test_not_events(void **state)
{
    (void)state;
    /* Outgoing deliveries name the remote server, not a client. */
    expect_none("exim[14700]: 2006-11-21 15:01:33 1Glsgv-0002wv-00 SMTP error from remote mailer after RCPT TO:<xx@some-domain.com>: host gmail-smtp-in.l.google.com [1.1.1.1]: 450-4.2.1 The Gmail user you are trying to contact is receiving");
    expect_none("2006-11-21 15:01:39 1Gmary-0002iA-00 ** xx@some-domain.com R=dnslookup T=remote_smtp: SMTP error from remote mailer after RCPT TO:<xx@some-domain.com>: host mx.some-domain.com [1.1.1.1]: 550 Mailbox unavailable");
    expect_none("2017-12-03 09:04:38 1eLPiY-0003Xn-Ti => bob@example.net R=dnslookup T=remote_smtp H=mx.example.net [203.0.113.5] X=TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256 CV=yes C=\"250 OK\"");
    expect_none("2017-01-24 03:09:46 SMTP connection from [10.101.1.10]:55010 (TCP/IP connection count = 1)");
    expect_none("2017-01-24 02:53:13 SMTP connection from (hydra) [10.101.1.10]:53682 lost");
    expect_none("2017-12-03 09:04:39 1eLPiY-0003Xn-Ti Completed");
    /* exim's text inside another program's line is not exim's. */
    expect_none("May  4 10:00:00 mx someprog[1]: login authenticator failed for (x) [6.6.6.6]: 535 Incorrect authentication data");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auth_fail),
        cmocka_unit_test(test_auth_fail_499),
        cmocka_unit_test(test_auth_ok),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_connects),
        cmocka_unit_test(test_not_events),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
