/* test_rec_cyrus.c — Cyrus imapd/pop3d/timsieved badlogin and login lines,
 * classic and logfmt (3.12+). */
#include "rec_harness.h"

static void must_match(const char *line, ms_capture *c)
{
    const ms_rule *rule;
    if (!harness_match(line, c, &rule))
        fail_msg("no event from: %s", line);
}

static void test_badlogin(void **state)
{
    (void)state;
    /* fail2ban cyrus-imap */
    expect_event("Jan 4 21:51:05 hostname cyrus/imap[5355]: badlogin: localhost.localdomain [127.0.0.1] plaintext cyrus@localdomain SASL(-13): authentication failure: checkpass failed",
                 "cyrus-badlogin-user", MS_OUT_AUTH_FAIL, "127.0.0.1",
                 "cyrus@localdomain", MS_SVC_IMAP);
    expect_event("Jan 4 21:51:05 hostname cyrus/imaps[5355]: badlogin: localhost.localdomain [127.0.0.1] plaintext cyrus@localdomain SASL(-13): authentication failure: checkpass failed",
                 NULL, MS_OUT_AUTH_FAIL, "127.0.0.1", "cyrus@localdomain", MS_SVC_IMAP);
    expect_event("Feb 20 17:23:32 domain cyrus/pop3[18635]: badlogin: localhost [198.51.100.23] plaintext administrator SASL(-13): authentication failure: checkpass failed",
                 NULL, MS_OUT_AUTH_FAIL, "198.51.100.23", "administrator", MS_SVC_POP3);
    expect_event("Feb 20 17:23:32 cyrus/pop3[4297]: badlogin: example.com [1.2.3.4] plaintext mail0001 SASL(-13): authentication failure: checkpass failed",
                 NULL, MS_OUT_AUTH_FAIL, "1.2.3.4", "mail0001", MS_SVC_POP3);
    expect_event("Jun 8 18:11:13 lampserver imap[4480]: badlogin: example.com [198.51.100.45] DIGEST-MD5 [SASL(-13): authentication failure: client response doesn't match what we generated]",
                 "cyrus-badlogin", MS_OUT_AUTH_FAIL, "198.51.100.45", "", MS_SVC_IMAP);
    expect_event("Dec 21 10:01:57 hostname imapd[18454]: badlogin: example.com [198.51.100.57] CRAM-MD5 [SASL(-13): authentication failure: incorrect digest response]",
                 "cyrus-badlogin", MS_OUT_AUTH_FAIL, "198.51.100.57", "", MS_SVC_IMAP);
    expect_event("Dec 30 16:03:27 somehost imapd[2517]: badlogin: local-somehost[1.2.3.4] OTP [SASL(-13): authentication failure: External SSF not good enough]",
                 "cyrus-badlogin", MS_OUT_AUTH_FAIL, "1.2.3.4", "", MS_SVC_IMAP);
    expect_event("Jul 17 22:55:56 derry cyrus/imaps[7568]: badlogin: serafinat.xxxxxx [1.2.3.4] plain [SASL(-13): user not found: user: pressy@derry property: cmusaslsecretPLAIN not found in sasldb]",
                 "cyrus-badlogin-sasl-unknown-user", MS_OUT_AUTH_FAIL, "1.2.3.4",
                 "pressy@derry", MS_SVC_IMAP);
    expect_event("Jul 18 16:46:42 derry cyrus/imaps[27449]: badlogin: serafinat.xxxxxx [1.2.3.4] PLAIN [SASL(-13): user not found: Password verification failed]",
                 "cyrus-badlogin-sasl-unknown-user", MS_OUT_AUTH_FAIL, "1.2.3.4", "",
                 MS_SVC_IMAP);
    expect_event("Mar  8 05:25:21 host imap[22130]: badlogin: [192.0.2.4] plain [SASL(-13): authentication failure: Password verification failed]",
                 "cyrus-badlogin", MS_OUT_AUTH_FAIL, "192.0.2.4", "", MS_SVC_IMAP);
    /* LOGIN with a name the server could not canonify */
    expect_event("Mar  8 05:25:21 host imap[22130]: badlogin: mail.example [192.0.2.5] plaintext bad/name invalid user",
                 "cyrus-badlogin-unknown-user", MS_OUT_AUTH_FAIL, "192.0.2.5",
                 "bad/name", MS_SVC_IMAP);
    expect_event("Mar  8 05:25:21 host pop3[22130]: badlogin: mail.example [192.0.2.5] plaintext+TLS bob SASL(-13): user not found: checkpass failed",
                 "cyrus-badlogin-unknown-user", MS_OUT_AUTH_FAIL, "192.0.2.5", "bob",
                 MS_SVC_POP3);
    /* IPv6 */
    expect_event("Mar  8 05:25:21 host imap[22130]: badlogin: mail.example [2001:db8::5] plaintext bob SASL(-13): authentication failure: checkpass failed",
                 NULL, MS_OUT_AUTH_FAIL, "2001:db8::5", "bob", MS_SVC_IMAP);
    ms_capture c;
    must_match("Jan 4 21:51:05 hostname cyrus/imap[5355]: badlogin: localhost.localdomain [127.0.0.1] plaintext cyrus@localdomain SASL(-13): authentication failure: checkpass failed", &c);
    assert_true(str_is(&c.ev.method, "plaintext"));
    assert_true(str_is(&c.ev.reason, "auth_failed"));
    assert_string_equal(c.ev.source, "cyrus");
}

static void test_sieve(void **state)
{
    (void)state;
    expect_event("Dec 1 20:36:56 mail sieve[23713]: badlogin: example.com[1.2.3.4] PLAIN authentication failure",
                 "cyrus-badlogin", MS_OUT_AUTH_FAIL, "1.2.3.4", "", MS_SVC_SIEVE);
    expect_event("Jul 18 17:21:58 ophelia cyrus/timsieved[12305]: badlogin: example.com[1.2.3.4] PLAIN authentication failure",
                 NULL, MS_OUT_AUTH_FAIL, "1.2.3.4", "", MS_SVC_SIEVE);
    expect_event("Sep 25 22:07:38 web9 timsieved[21040]: badlogin: web4[1.2.3.4] OTP authentication failure",
                 NULL, MS_OUT_AUTH_FAIL, "1.2.3.4", "", MS_SVC_SIEVE);
}

static void test_login_ok(void **state)
{
    (void)state;
    expect_event("2015-12-22T00:05:46.534634-05:00 imap30 sloti30t15/imap[4101108]: login: frontend1.nyi.internal [10.202.2.160] robntest plaintext User logged in SESSIONID=<sloti30t15-4101108-1450760746-1-6931901653674999381>",
                 "cyrus-login-ok", MS_OUT_AUTH_OK, "10.202.2.160", "robntest", MS_SVC_IMAP);
    expect_event("Jun 8 18:11:13 mx cyrus/imap[4480]: login: client.example [192.0.2.20] bob plaintext User logged in",
                 "cyrus-login-ok", MS_OUT_AUTH_OK, "192.0.2.20", "bob", MS_SVC_IMAP);
    expect_event("Jun 8 18:11:13 mx cyrus/imaps[4480]: login: client.example [192.0.2.20] bob@example.com PLAIN+TLS User logged in SESSIONID=<cyrus-4480-1686240673-1-123456>",
                 "cyrus-login-ok", MS_OUT_AUTH_OK, "192.0.2.20", "bob@example.com",
                 MS_SVC_IMAP);
    expect_event("Jun 8 18:11:13 mx cyrus/pop3[4480]: login: [192.0.2.21] alice plaintext+TLS User logged in SESSIONID=<x>",
                 NULL, MS_OUT_AUTH_OK, "192.0.2.21", "alice", MS_SVC_POP3);
    ms_capture c;
    must_match("Jun 8 18:11:13 mx cyrus/imaps[4480]: login: client.example [192.0.2.20] bob@example.com PLAIN+TLS User logged in SESSIONID=<x>", &c);
    assert_true(str_is(&c.ev.method, "PLAIN+TLS"));
}

static void test_logfmt(void **state)
{
    (void)state;
    ms_capture c;
    expect_event("Jun 8 18:11:13 mx cyrus/imap[4480]: event=login.bad r.clienthost=\"client.example [192.0.2.30]\" u.username=bob login.mech=PLAIN error=\"SASL(-13): authentication failure: checkpass failed\"",
                 "cyrus-logfmt-bad", MS_OUT_AUTH_FAIL, "192.0.2.30", "bob", MS_SVC_IMAP);
    expect_event("Jun 8 18:11:13 mx cyrus/imap[4480]: event=login.bad r.clienthost=[192.0.2.31] u.username=\"a b\" login.mech=LOGIN error=x",
                 "cyrus-logfmt-bad", MS_OUT_AUTH_FAIL, "192.0.2.31", "a b", MS_SVC_IMAP);
    expect_event("Jun 8 18:11:13 mx cyrus/pop3[4480]: event=login.good sessionid=<cyrus-1-2-3> r.clienthost=\"client.example [192.0.2.32]\" u.username=bob login.mech=PLAIN login.tls=1",
                 "cyrus-logfmt-good", MS_OUT_AUTH_OK, "192.0.2.32", "bob", MS_SVC_POP3);
    must_match("Jun 8 18:11:13 mx cyrus/imap[4480]: event=login.bad r.clienthost=\"client.example [192.0.2.30]\" u.username=bob login.mech=PLAIN error=x", &c);
    assert_true(str_is(&c.ev.method, "PLAIN"));
    /* A name cannot move the address: the client host comes first. */
    expect_event("Jun 8 18:11:13 mx cyrus/imap[4480]: event=login.bad r.clienthost=\"client.example [192.0.2.33]\" u.username=\"x r.clienthost=[6.6.6.6]\" login.mech=PLAIN error=x",
                 NULL, MS_OUT_AUTH_FAIL, "192.0.2.33", "x r.clienthost=[6.6.6.6]",
                 MS_SVC_IMAP);
}

static void test_not_events(void **state)
{
    (void)state;
    /* anonymous login logs the "password" (an address): not an event */
    expect_none("Jun 8 18:11:13 mx cyrus/imap[4480]: login: client.example [192.0.2.20] anonymous guest@example.com");
    expect_none("Jun 8 18:11:13 mx cyrus/imap[4480]: accepted connection");
    expect_none("Jun 8 18:11:13 mx cyrus/imap[4480]: SASL(-13): authentication failure: checkpass failed");
    expect_none("Jun 8 18:11:13 mx cyrus/imap[4480]: client id: \"name\" \"badlogin: [6.6.6.6] x\"");
    expect_none("Jun 8 18:11:13 mx webapp[1]: user said badlogin: [6.6.6.6] plain x");
    expect_none("Jun 8 18:11:13 mx cyrus/imap[4480]: event=login.bad u.username=bob error=x");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_badlogin),
        cmocka_unit_test(test_sieve),
        cmocka_unit_test(test_login_ok),
        cmocka_unit_test(test_logfmt),
        cmocka_unit_test(test_not_events),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
