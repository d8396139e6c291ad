/* test_rec_dovecot.c — dovecot login-process and auth-process lines. */
#include "rec_harness.h"

static void test_seed000(void **state)
{
    (void)state;
    /* The seed's lines, with and without the brackets the blog copy lost. */
    expect_event("May  4 00:47:41 Debussy dovecot: imap-login: Disconnected (auth failed, 1 attempts in 8 secs): user=<colin@a.domain.here>, method=PLAIN, rip=94.137.142.49, lip=192.168.0.1, session=",
                 "dovecot-login-fail", MS_OUT_AUTH_FAIL, "94.137.142.49",
                 "colin@a.domain.here", MS_SVC_IMAP);
    expect_event("May  4 21:49:14 Debussy dovecot: imap-login: Disconnected (auth failed, 1 attempts in 7 secs): user=, method=PLAIN, rip=94.137.142.49, lip=192.168.0.1, session=",
                 "dovecot-login-fail", MS_OUT_AUTH_FAIL, "94.137.142.49", "",
                 MS_SVC_IMAP);
    expect_event("May  7 00:41:22 Debussy dovecot: imap-login: Disconnected (auth failed, 1 attempts in 7 secs): user=<>, method=PLAIN, rip=94.137.142.49, lip=192.168.0.1, session=<5Y+2iuNOpgBeiY4x>",
                 "dovecot-login-fail", MS_OUT_AUTH_FAIL, "94.137.142.49", "",
                 MS_SVC_IMAP);
}

static void test_login_variants(void **state)
{
    (void)state;
    expect_event("Jun 12 19:07:29 hostname dovecot[241]: imap-login: Login aborted: Connection closed (auth failed, 3 attempts in 16 secs) (auth_failed): user=<test>, method=PLAIN, rip=192.0.2.241, lip=203.0.113.104, TLS, session=<9ZHq02g3J8S60fan>",
                 "dovecot-login-fail", MS_OUT_AUTH_FAIL, "192.0.2.241", "test",
                 MS_SVC_IMAP);
    expect_event("Jun 13 16:35:56 mx dovecot[241]: managesieve-login: Login aborted: Logged out (auth failed, 1 attempts in 10 secs) (auth_failed): user=<user@domain>, method=PLAIN, rip=192.0.2.241, lip=203.0.113.104, TLS",
                 NULL, MS_OUT_AUTH_FAIL, "192.0.2.241", "user@domain",
                 MS_SVC_SIEVE);
    expect_event("Dec 12 11:19:11 dunnart dovecot: pop3-login: Aborted login (tried to use disabled plaintext auth): rip=190.210.136.21, lip=113.212.99.193",
                 NULL, MS_OUT_AUTH_FAIL, "190.210.136.21", "", MS_SVC_POP3);
    expect_event("@400000004c91b044077a9e94 imap-login: Info: Aborted login (auth failed, 1 attempts): user=<martin@waschbuesch.de>, method=CRAM-MD5, rip=80.187.101.33, lip=80.254.129.240, TLS",
                 NULL, MS_OUT_AUTH_FAIL, "80.187.101.33", "martin@waschbuesch.de",
                 MS_SVC_IMAP);
    expect_event("May  4 10:00:00 mx dovecot: imap-login: Login: user=<bob>, method=PLAIN, rip=2001:db8::7, lip=2001:db8::1, mpid=123, TLS, session=<x>",
                 "dovecot-login-ok", MS_OUT_AUTH_OK, "2001:db8::7", "bob",
                 MS_SVC_IMAP);
    /* A name holding the separators cannot move the address. */
    expect_event("May  4 10:00:00 mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<a>, rip=6.6.6.6, x>, method=PLAIN, rip=192.0.2.9, lip=10.0.0.1",
                 NULL, MS_OUT_AUTH_FAIL, "192.0.2.9", NULL, MS_SVC_IMAP);
}

/* login_log_format(_elements) customised: the elements joined by spaces
 * (or tabs) only, and no ": " before them. */
static void test_login_separators(void **state)
{
    (void)state;
    expect_event("Jun 12 19:07:29 mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<x> method=PLAIN rip=192.0.2.20 lip=10.0.0.1 mpid=0 TLS session=<abc>",
                 "dovecot-login-fail", MS_OUT_AUTH_FAIL, "192.0.2.20", "x",
                 MS_SVC_IMAP);
    expect_event("Jun 12 19:07:29 mx dovecot: pop3-login: Disconnected (auth failed, 2 attempts in 4 secs): user=<john smith, jr> method=LOGIN rip=192.0.2.21 lip=10.0.0.1",
                 "dovecot-login-fail", MS_OUT_AUTH_FAIL, "192.0.2.21",
                 "john smith, jr", MS_SVC_POP3);
    expect_event("Jun 12 19:07:29 mx dovecot: imap-login: Login aborted: Connection closed (auth failed, 3 attempts in 16 secs) (auth_failed) user=<test>\tmethod=PLAIN\trip=192.0.2.22\tlip=10.0.0.1",
                 "dovecot-login-fail", MS_OUT_AUTH_FAIL, "192.0.2.22", "test",
                 MS_SVC_IMAP);
    expect_event("Jun 12 19:07:29 mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=bob method=PLAIN rip=192.0.2.23 lip=10.0.0.1",
                 "dovecot-login-fail", MS_OUT_AUTH_FAIL, "192.0.2.23", "bob",
                 MS_SVC_IMAP);
    expect_event("Jun 12 19:07:29 mx dovecot: imap-login: Login: user=<bob@example.com> method=PLAIN rip=2001:db8::24 lip=2001:db8::1 mpid=123 TLS session=<x>",
                 "dovecot-login-ok", MS_OUT_AUTH_OK, "2001:db8::24",
                 "bob@example.com", MS_SVC_IMAP);
    expect_event("Jun 12 19:07:29 mx dovecot: pop3-login: Disconnected (no auth attempts in 0 secs): user=<> rip=192.0.2.25 lip=10.0.0.1 TLS handshaking: Connection closed",
                 "dovecot-login-noauth", MS_OUT_CONNECT, "192.0.2.25", "",
                 MS_SVC_POP3);
    /* Through socklog: its `facility.level: ` before the syslog line. */
    expect_event("mail.info: Jun 12 19:07:29 dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<x>, method=PLAIN, rip=192.0.2.27, lip=10.0.0.1",
                 "dovecot-login-fail", MS_OUT_AUTH_FAIL, "192.0.2.27", "x",
                 MS_SVC_IMAP);
    /* The name still cannot move the address, whatever the separator. */
    expect_event("Jun 12 19:07:29 mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<a> rip=6.6.6.6 x> method=PLAIN rip=192.0.2.26 lip=10.0.0.1",
                 "dovecot-login-fail", MS_OUT_AUTH_FAIL, "192.0.2.26",
                 "a> rip=6.6.6.6 x", MS_SVC_IMAP);
    /* rip= must be an element of its own, after the name and method. */
    expect_none("Jun 12 19:07:29 mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<x>method=PLAIN rip=6.6.6.6");
    expect_none("Jun 12 19:07:29 mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<x> method=PLAIN xrip=6.6.6.6");
    expect_none("Jun 12 19:07:29 mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<x> method=PLAIN lip=10.0.0.1");
}

static void test_auth_process(void **state)
{
    (void)state;
    expect_event("Jan 29 05:13:40 mail dovecot: auth-worker(31326): pam(username,1.2.3.4): unknown user",
                 "dovecot-passdb-unknown-user", MS_OUT_AUTH_FAIL, "1.2.3.4",
                 "username", ANY_SERVICE);
    expect_event("Jan 29 13:54:06 auth-worker(22401): Info: sql(admin@example.de,192.0.2.5,<n4JLdHNVngZGpV2j>): unknown user",
                 NULL, MS_OUT_AUTH_FAIL, "192.0.2.5", "admin@example.de",
                 ANY_SERVICE);
    expect_event("Jan 29 18:55:55 mail dovecot: auth-worker(12182): pam(user,192.0.2.4): pam_authenticate() failed: Authentication failure (Password mismatch?)",
                 "dovecot-passdb-fail", MS_OUT_AUTH_FAIL, "192.0.2.4", "user",
                 ANY_SERVICE);
    expect_event("Aug 30 00:10:57 auth(info@example.com,192.0.2.110,sasl:login)<CvN+E95Uf4e7eEnj>: Info: sql: Password mismatch (given password: XxxxXXxx123)",
                 NULL, MS_OUT_AUTH_FAIL, "192.0.2.110", "info@example.com",
                 ANY_SERVICE);
    expect_event("Jun 11 13:57:17 main dovecot: auth: ldap(user@server.org,192.168.178.25,<LZmGp6mZaMrAqLIZ>): unknown user (SHA1 of given password: f638ff)",
                 NULL, MS_OUT_AUTH_FAIL, "192.168.178.25", "user@server.org",
                 ANY_SERVICE);
    /* The passdb rows' literals cover the first letter either way. */
    expect_event("Jan 29 18:55:55 mail dovecot: auth-worker(1): passwd-file(bob,192.0.2.8): password mismatch",
                 "dovecot-passdb-fail", MS_OUT_AUTH_FAIL, "192.0.2.8", "bob",
                 ANY_SERVICE);
    expect_event("Jan 29 18:55:56 mail dovecot: auth-worker(1): ldap(eve,192.0.2.9): Invalid credentials",
                 "dovecot-passdb-fail", MS_OUT_AUTH_FAIL, "192.0.2.9", "eve",
                 ANY_SERVICE);
    expect_event("Jan 29 18:55:57 mail dovecot: auth-worker(1): ldap(eve,192.0.2.9): invalid credentials",
                 "dovecot-passdb-fail", MS_OUT_AUTH_FAIL, "192.0.2.9", "eve",
                 ANY_SERVICE);
}

static void test_not_failures(void **state)
{
    (void)state;
    /* A connection that never tried: a connect event, not a failure. */
    expect_event("Jun 13 20:48:11 platypus dovecot: pop3-login: Disconnected (no auth attempts): rip=121.44.24.254, lip=113.212.99.194, TLS: Disconnected",
                 "dovecot-login-noauth", MS_OUT_CONNECT, "121.44.24.254", "",
                 MS_SVC_POP3);
    expect_none("May  4 10:00:00 mx dovecot: imap(bob)<123><abc>: Logged out in=10 out=200");
    expect_none("Aug 31 16:06:06 s166-62-100-187 dovecot: imap-login: Disconnected: a: a: a: a: test no match");
}

/* A user name that plants a second "(auth failed…): user=<…>, rip=…"
 * after dovecot's own: the reason is dovecot's first parenthesis, so the
 * whole name is the user, and the address is the server's own rip. */
static void test_planted_reason(void **state)
{
    (void)state;
    expect_event("May  4 00:00:01 mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<a (auth failed, 1 attempts): user=<evil>, method=PLAIN, rip=6.6.6.6, lip=1.1.1.1>, method=PLAIN, rip=203.0.113.9, lip=198.51.100.1, TLS, session=<abc>",
                 "dovecot-login-fail", MS_OUT_AUTH_FAIL, "203.0.113.9",
                 "a (auth failed, 1 attempts): user=<evil>, method=PLAIN, rip=6.6.6.6, lip=1.1.1.1",
                 MS_SVC_IMAP);
    expect_event("May  4 00:00:02 mx dovecot: pop3-login: Disconnected (no auth attempts in 0 secs): user=<(no auth attempts): rip=6.6.6.6>, rip=203.0.113.9, lip=198.51.100.1",
                 "dovecot-login-noauth", MS_OUT_CONNECT, "203.0.113.9",
                 "(no auth attempts): rip=6.6.6.6", MS_SVC_POP3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed000),
        cmocka_unit_test(test_login_variants),
        cmocka_unit_test(test_login_separators),
        cmocka_unit_test(test_auth_process),
        cmocka_unit_test(test_not_failures),
        cmocka_unit_test(test_planted_reason),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
