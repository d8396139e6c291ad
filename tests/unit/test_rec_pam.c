/* test_rec_pam.c — pam_unix's `authentication failure` lines, whoever
 * loaded the module, and the ruser=/rhost=/user= injection rules. */
#include "rec_harness.h"

#define FAIL MS_OUT_AUTH_FAIL

static void test_failure(void **state)
{
    (void)state;
    expect_event("Nov 2 15:40:14 workshop sshd[28179]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=5.33.63.160 user=workshop",
                 "pam-auth-failure", FAIL, "5.33.63.160", "workshop", MS_SVC_SSH);
    expect_event("Nov 2 15:40:15 workshop sshd[28179]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=5.33.63.161",
                 "pam-auth-failure", FAIL, "5.33.63.161", "", MS_SVC_SSH);
    expect_event("Dec 10 07:08:28 LabSZ sshd[24208]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=2001:db8::1  user=root",
                 "pam-auth-failure", FAIL, "2001:db8::1", "root", MS_SVC_SSH);
    expect_event("Feb  7 15:10:42 example pure-ftpd: (pam_unix) authentication failure; logname= uid=0 euid=0 tty=pure-ftpd ruser=sample-user rhost=192.168.1.1 ",
                 "pam-auth-failure", FAIL, "192.168.1.1", "sample-user", ANY_SERVICE);
    expect_event("May 15 18:02:12 localhost proftpd: (pam_unix) authentication failure; logname= uid=0 euid=0 tty= ruser= rhost=66.232.129.62  user=mark",
                 "pam-auth-failure", FAIL, "66.232.129.62", "mark", ANY_SERVICE);
    expect_event("Jan 29 18:55:55 mail dovecot: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=bob rhost=192.0.2.4",
                 "pam-auth-failure", FAIL, "192.0.2.4", "bob", MS_SVC_UNKNOWN);
    expect_event("Mar  7 18:53:20 bar sshd[1556]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=rda rhost=192.0.2.113 [preauth]",
                 "pam-auth-failure", FAIL, "192.0.2.113", "rda", MS_SVC_SSH);
    /* `PAM 5 more …` stands for five attempts. */
    ms_capture c;
    const ms_rule *rule;
    assert_true(harness_match("Dec 10 07:13:56 LabSZ sshd[24227]: PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=5.36.59.76  user=root",
                              &c, &rule));
    assert_string_equal(rule->name, "pam-more-failures");
    assert_int_equal(c.ev.attempts, 5);
    assert_true(str_is(&c.ev.user, "root"));
}

static void test_injection(void **state)
{
    (void)state;
    /* ruser is the client's name: the last rhost is the real one. */
    expect_event("Jul 19 18:11:50 srv2 daemon: pam_unix(auth): authentication failure; logname= uid=0 euid=0 tty=xxx ruser=test rhost=192.0.2.151 rhost=192.0.2.1",
                 "pam-auth-failure", FAIL, "192.0.2.1", "test rhost=192.0.2.151", ANY_SERVICE);
    expect_event("Jul 19 18:11:50 srv2 vsftpd: pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=x rhost=6.6.6.6 user=y rhost=1.2.3.4  user=root",
                 "pam-auth-failure", FAIL, "1.2.3.4", "root", ANY_SERVICE);
    /* With an empty ruser the first rhost is the real one. */
    expect_event("Jul 19 18:11:52 srv2 daemon: pam_unix(auth): authentication failure; logname= uid=0 euid=0 tty=xxx ruser= rhost=192.0.2.2 user=test rhost=192.0.2.152",
                 "pam-auth-failure", FAIL, "192.0.2.2", "test rhost=192.0.2.152", ANY_SERVICE);
}

static void test_host_names(void **state)
{
    (void)state;
    /* sshd (tty=ssh) logs the attempt itself, with the address. */
    expect_event("May 12 09:47:54 vaio sshd[16004]: (pam_unix) authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=71-13-115-12.static.mdsn.wi.charter.com  user=root",
                 "pam-ssh-host-name", MS_OUT_DUPLICATE, "::", "root", MS_SVC_SSH);
    expect_event("Dec 10 07:07:38 LabSZ sshd[24206]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=ec2-52-80-34-196.cn-north-1.compute.amazonaws.com.cn ",
                 "pam-ssh-host-name", MS_OUT_DUPLICATE, "::", "", MS_SVC_SSH);
    expect_event("Jul  7 10:55:56 srbarriga sshd(pam_unix)[16660]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=192.168.20.111  user=root",
                 "pam-old-ssh", MS_OUT_DUPLICATE, "192.168.20.111", "root", MS_SVC_SSH);
    /* Elsewhere the PAM line is the only record: a failure without address. */
    expect_event("Jul 19 18:11:26 srv2 vsftpd: pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=an8767 rhost=www.google.com",
                 "pam-host-name", FAIL, "::", "an8767", ANY_SERVICE);
}

static void test_no_event(void **state)
{
    (void)state;
    /* Local (sudo, su): no remote host. */
    expect_none("Dec  7 14:52:59 vskub1master01p sudo: pam_unix(sudo:auth): authentication failure; logname=zbadguy uid=4001 euid=0 tty=/dev/pts/12 ruser=zbadguy rhost=  user=zbadguy");
    expect_none("Nov 11 22:46:29 localhost su(pam_unix)[23164]: authentication failure; logname= uid=1342 euid=0 tty= ruser=dcid rhost=  user=osaudit");
    expect_none("Dec  7 14:53:04 vskub1master01p sudo: pam_tally2(sudo:auth): user zbadguy (4001) tally 6, deny 5");
    expect_none("Dec 10 07:07:38 LabSZ sshd[24206]: pam_unix(sshd:auth): check pass; user unknown");
    expect_none("Dec 10 07:07:38 LabSZ sshd[24206]: PAM service(sshd) ignoring max retries; 6 > 3");
    /* Linux-PAM before 0.99.2 outside sshd: fail2ban no longer reads it. */
    expect_none("Nov 25 17:12:13 webmail pop(pam_unix)[4920]: authentication failure; logname= uid=0 euid=0 tty= ruser= rhost=192.168.10.3 user=mailuser");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failure),
        cmocka_unit_test(test_injection),
        cmocka_unit_test(test_host_names),
        cmocka_unit_test(test_no_event),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
