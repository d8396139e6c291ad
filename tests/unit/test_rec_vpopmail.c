/* test_rec_vpopmail.c — vchkpw lines: seed 002, the ossec/wazuh samples,
 * every service word, and names built to plant an address. */
#include "rec_harness.h"

/* Match a line that must give an event; *c holds it. */
static void must_match(const char *line, ms_capture *c)
{
    const ms_rule *rule;
    if (!harness_match(line, c, &rule))
        fail_msg("no event from: %s", line);
}

static void expect_str(const ms_str *s, const char *want)
{
    if (!str_is(s, want))
        fail_msg("got '%.*s', wanted '%s'", (int)s->n, s->p, want);
}

static void test_seed002(void **state)
{
    (void)state;
    /* The seed's lines, unwrapped: an Apple-Mail-like client fails one
     * method and succeeds with PLAIN a moment later. */
    expect_event("Jan 21 08:31:02 mx vpopmail[11387]: vchkpw-pop3: password fail (pass: '257a2117dc3b42e16ef3263877ad6aaf') dann@dansdesk.co.uk:86.142.39.161",
                 "vpopmail-password-fail", MS_OUT_AUTH_FAIL, "86.142.39.161",
                 "dann@dansdesk.co.uk", MS_SVC_POP3);
    expect_event("Jan 21 08:31:02 mx vpopmail[11389]: vchkpw-pop3: (PLAIN) login success dan@dansdesk.co.uk:86.142.39.161",
                 "vpopmail-login-ok", MS_OUT_AUTH_OK, "86.142.39.161",
                 "dan@dansdesk.co.uk", MS_SVC_POP3);
    expect_event("Jan 21 08:31:17 mx vpopmail[11399]: vchkpw-pop3: password fail (pass: '7f6b74c8646dc5b228d488ccce2e1559') jordean@powerpolitics.com:67.161.162.12",
                 NULL, MS_OUT_AUTH_FAIL, "67.161.162.12",
                 "jordean@powerpolitics.com", MS_SVC_POP3);
    expect_event("Jan 21 08:32:17 mx vpopmail[11486]: vchkpw-pop3: (PLAIN) login success malea@maleasmith.com:212.186.68.140",
                 NULL, MS_OUT_AUTH_OK, "212.186.68.140", "malea@maleasmith.com",
                 MS_SVC_POP3);

    ms_capture c;
    must_match("Jan 21 08:32:16 mx vpopmail[11481]: vchkpw-pop3: password fail (pass: 'da50101dd890e149154f01aa3c5c1e1a') malewa@maleasmith.com:212.186.68.140", &c);
    expect_str(&c.ev.reason, "bad_password");
    expect_str(&c.ev.method, "");
    assert_string_equal(c.ev.source, "vpopmail");
    must_match("Jan 21 08:31:02 mx vpopmail[11389]: vchkpw-pop3: (PLAIN) login success dan@dansdesk.co.uk:86.142.39.161", &c);
    expect_str(&c.ev.method, "PLAIN");
}

static void test_samples(void **state)
{
    (void)state;
    /* ossec log-entries and log_samples (ENABLE_LOGGING 1/2: no password). */
    expect_event("Sep 14 07:21:42 iron vpopmail[939]: vchkpw-pop3: password fail keith1@xxxx.com:219.136.100.198",
                 "vpopmail-password-fail", MS_OUT_AUTH_FAIL, "219.136.100.198",
                 "keith1@xxxx.com", MS_SVC_POP3);
    expect_event("Jun 9 08:56:30 www vpopmail[65827]: vchkpw-smtp: password fail (pass: '<65825.1118321790@mail.xxx.com>') myuserid@xxx.com:208.210.222.68",
                 NULL, MS_OUT_AUTH_FAIL, "208.210.222.68", "myuserid@xxx.com",
                 MS_SVC_SMTP);
    expect_event("Feb 24 06:48:03 circle vpopmail[12039]: vchkpw-pop3: password fail [EMAIL PROTECTED]:67.109.191.46",
                 NULL, MS_OUT_AUTH_FAIL, "67.109.191.46", "[EMAIL PROTECTED]",
                 MS_SVC_POP3);
    expect_event("Jul  7 12:37:11 srv vpopmail[21183]: vchkpw-pop3s: password fail (pass: 'test1') user1@my_domain:1.2.3.4",
                 NULL, MS_OUT_AUTH_FAIL, "1.2.3.4", "user1@my_domain", MS_SVC_POP3);
    expect_event("Jul  6 10:22:55 srv vpopmail[18934]: vchkpw-imap: password fail (pass: 'aaaa') user@my_domain:192.168.1.19",
                 NULL, MS_OUT_AUTH_FAIL, "192.168.1.19", "user@my_domain", MS_SVC_IMAP);
    expect_event("Jul  9 15:13:08 srv vpopmail[16542]: vchkpw-webmail: password fail (pass: 'test') user@my_domain:127.0.0.1",
                 NULL, MS_OUT_AUTH_FAIL, "127.0.0.1", "user@my_domain", MS_SVC_UNKNOWN);
    /* Unknown users; `name@` (no domain given) is reported as `name`. */
    expect_event("May 24 11:45:03 mail01 vpopmail[40833]: vchkpw-pop3: vpopmail user not found dlb@example.net:67.92.111.22",
                 "vpopmail-unknown-user", MS_OUT_AUTH_FAIL, "67.92.111.22",
                 "dlb@example.net", MS_SVC_POP3);
    expect_event("Aug 12 11:52:52 mail vpopmail[4162]: vchkpw-pop3: vpopmail user not found support@:69.3.64.3",
                 "vpopmail-unknown-user", MS_OUT_AUTH_FAIL, "69.3.64.3", "support",
                 MS_SVC_POP3);
    expect_event("Jun 22 16:30:50 srv vpopmail[8581]: vchkpw-smtp: vpopmail user not found webmaster@:58.62.86.10",
                 NULL, MS_OUT_AUTH_FAIL, "58.62.86.10", "webmaster", MS_SVC_SMTP);
    expect_event("Jul  5 16:02:13 srv vpopmail[4160]: vchkpw-pop3: null password given oneone1:121.243.18.134",
                 "vpopmail-null-password", MS_OUT_AUTH_FAIL, "121.243.18.134",
                 "oneone1", MS_SVC_POP3);
    /* Successes, every service word. */
    expect_event("Jul  7 12:57:06 srv vpopmail[21466]: vchkpw-pop3s: (PLAIN) login success user@my_domain:1.2.3.4",
                 "vpopmail-login-ok", MS_OUT_AUTH_OK, "1.2.3.4", "user@my_domain",
                 MS_SVC_POP3);
    expect_event("Jul  5 07:45:29 srv vpopmail[31411]: vchkpw-imaps: (PLAIN) login success user@my_domain:1.2.3.4",
                 NULL, MS_OUT_AUTH_OK, "1.2.3.4", "user@my_domain", MS_SVC_IMAP);
    expect_event("Jul  7 11:08:51 srv vpopmail[19743]: vchkpw-submission: (CRAM-MD5) login success user@my_domain:1.2.3.4",
                 NULL, MS_OUT_AUTH_OK, "1.2.3.4", "user@my_domain",
                 MS_SVC_SUBMISSION);
    expect_event("Jul 10 11:30:17 srv vpopmail[3676]: vchkpw-webmail: (PLAIN) login success mail_account:127.0.0.1",
                 NULL, MS_OUT_AUTH_OK, "127.0.0.1", "mail_account", MS_SVC_UNKNOWN);
    /* ossec's sample with a broken tag (no ']'): still read. */
    expect_event("Jul  6 10:21:52 srv vpopmail[18917: vchkpw-smtp: (CRAM-MD5) login success user@my_domain:1.2.3.4",
                 NULL, MS_OUT_AUTH_OK, "1.2.3.4", "user@my_domain", MS_SVC_SMTP);
    /* wazuh: an unknown port as the service word, no colon after it. */
    expect_event("Jun  9 08:56:30 www vpopmail[32485]: vchkpw-2110 password fail abc@xxx.com:10.1.2.3",
                 NULL, MS_OUT_AUTH_FAIL, "10.1.2.3", "abc@xxx.com", MS_SVC_UNKNOWN);
    /* multilog form, no syslog header. */
    expect_event("@4000000045b3a1b2000000aa vchkpw-pop3: password fail (pass: 'x') a@example.com:192.0.2.1",
                 NULL, MS_OUT_AUTH_FAIL, "192.0.2.1", "a@example.com", MS_SVC_POP3);
    expect_event("2007-01-21 09:51:25.570281500 vchkpw-smtp: (LOGIN) login success a@example.com:192.0.2.1",
                 NULL, MS_OUT_AUTH_OK, "192.0.2.1", "a@example.com", MS_SVC_SMTP);
}

static void test_other_shapes(void **state)
{
    (void)state;
    ms_capture c;
    expect_event("Jul 12 16:19:31 srv vpopmail[25240]: vchkpw-pop3: pop access denied bob@example.com:192.0.2.7",
                 "vpopmail-access-denied", MS_OUT_AUTH_FAIL, "192.0.2.7",
                 "bob@example.com", MS_SVC_POP3);
    expect_event("Jul 12 16:19:31 srv vpopmail[25240]: vchkpw-pop3: system user not found bob:192.0.2.7",
                 "vpopmail-unknown-user", MS_OUT_AUTH_FAIL, "192.0.2.7", "bob",
                 MS_SVC_POP3);
    expect_event("Jul 12 16:19:31 srv vpopmail[25240]: vchkpw-pop3: system password fail (pass: 'hunter2') bob:192.0.2.7",
                 "vpopmail-password-fail", MS_OUT_AUTH_FAIL, "192.0.2.7", "bob",
                 MS_SVC_POP3);
    expect_event("Jul 12 16:19:31 srv vpopmail[25240]: vchkpw-pop3: system password login success bob:192.0.2.7",
                 "vpopmail-login-ok", MS_OUT_AUTH_OK, "192.0.2.7", "bob", MS_SVC_POP3);
    expect_event("Jul 12 16:19:31 srv vpopmail[25240]: vchkpw-pop3: null user name given :192.0.2.7",
                 "vpopmail-null-user", MS_OUT_AUTH_FAIL, "192.0.2.7", "", MS_SVC_POP3);
    expect_event("Jul 12 16:19:31 srv vpopmail[25240]: vchkpw-imap: invalid user/domain characters b%d:192.0.2.7",
                 "vpopmail-invalid-user", MS_OUT_AUTH_FAIL, "192.0.2.7", "b%d",
                 MS_SVC_IMAP);
    /* An IPv6 client: vchkpw writes '_' for ':'. A raw mapped address too. */
    expect_event("Jul 12 16:19:31 srv vpopmail[25240]: vchkpw-imap: (PLAIN) login success bob@example.com:2001_db8__7",
                 NULL, MS_OUT_AUTH_OK, "2001:db8::7", "bob@example.com", MS_SVC_IMAP);
    expect_event("Jul 12 16:19:31 srv vpopmail[25240]: vchkpw-pop3: password fail bob@example.com:::ffff:192.0.2.8",
                 NULL, MS_OUT_AUTH_FAIL, "192.0.2.8", "bob@example.com", MS_SVC_POP3);
    must_match("Jul 12 16:19:31 srv vpopmail[25240]: vchkpw-pop3: null password given oneone1:121.243.18.134", &c);
    expect_str(&c.ev.reason, "null_password");
}

static void test_planted(void **state)
{
    (void)state;
    ms_capture c;
    /* The name is the client's: an address inside it is not the address. */
    expect_event("Jan 21 08:31:02 mx vpopmail[1]: vchkpw-pop3: password fail (pass: 'x') evil:6.6.6.6@example.com:192.0.2.10",
                 NULL, MS_OUT_AUTH_FAIL, "192.0.2.10", "evil:6.6.6.6@example.com",
                 MS_SVC_POP3);
    expect_event("Jan 21 08:31:02 mx vpopmail[1]: vchkpw-pop3: vpopmail user not found evil:6.6.6.6@:192.0.2.10",
                 NULL, MS_OUT_AUTH_FAIL, "192.0.2.10", "evil:6.6.6.6", MS_SVC_POP3);
    expect_event("Jan 21 08:31:02 mx vpopmail[1]: vchkpw-pop3: null password given evil:6.6.6.6:192.0.2.10",
                 NULL, MS_OUT_AUTH_FAIL, "192.0.2.10", "evil:6.6.6.6", MS_SVC_POP3);
    expect_event("Jan 21 08:31:02 mx vpopmail[1]: vchkpw-pop3: null password given evil:dead_beef:192.0.2.10",
                 NULL, MS_OUT_AUTH_FAIL, "192.0.2.10", "evil:dead_beef", MS_SVC_POP3);
    /* A password shaped like the rest of the line stays out of the user. */
    must_match("Jan 21 08:31:02 mx vpopmail[1]: vchkpw-pop3: password fail (pass: 's3cr3t') x@y:6.6.6.6') bob@example.com:192.0.2.10", &c);
    expect_str(&c.ev.user, "bob@example.com");
    char ip[MS_IP_STRLEN];
    ms_ip_format(&c.ev.ip, ip);
    assert_string_equal(ip, "192.0.2.10");
    assert_null(memmem(c.ev.user.p, c.ev.user.n, "s3cr3t", 6));
    assert_null(memmem(c.ev.reason.p, c.ev.reason.n, "s3cr3t", 6));
    /* Cut at vchkpw's 500 bytes inside the password: no event at all. */
    expect_none("Jan 21 08:31:02 mx vpopmail[1]: vchkpw-pop3: password fail (pass: 'abc:6.6.6.6");
}

static void test_not_events(void **state)
{
    (void)state;
    expect_none("Jun  9 08:56:30 www vpopmail[65827]: vchkpw-pop3: setuid 89 failed errno 1 bob@example.com:192.0.2.1");
    expect_none("Jun  9 08:56:30 www vpopmail[65827]: vchkpw: can't write SQL logs");
    expect_none("Jun  9 08:56:30 www vpopmail[65827]: vchkpw-pop3: user has no password bob@example.com:192.0.2.1");
    /* The samples' redacted address. */
    expect_none("vpopmail[2100]: vchkpw-pop3: vpopmail user not found abc@xxx.com:x.x.x.x");
    /* Not at the tag: some other program quoting a vchkpw line. */
    expect_none("Jun  9 08:56:30 www myapp[1]: user said vchkpw-pop3: password fail a@b:6.6.6.6");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed002),
        cmocka_unit_test(test_samples),
        cmocka_unit_test(test_other_shapes),
        cmocka_unit_test(test_planted),
        cmocka_unit_test(test_not_events),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
