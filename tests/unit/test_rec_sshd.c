/* test_rec_sshd.c — OpenSSH sshd lines: failures, successes, refusals,
 * connection events, injection through user names, and the layers that let
 * dedup.c count one attempt logged on three lines once. */
#include "rec_harness.h"

#include <stdlib.h>
#include <time.h>

#include "parse/dedup.h"

#define FAIL MS_OUT_AUTH_FAIL
#define OK MS_OUT_AUTH_OK
#define CONN MS_OUT_CONNECT
#define SSH MS_SVC_SSH

static void test_failed(void **state)
{
    (void)state;
    expect_event("Sep 29 16:28:02 spaceman sshd[16699]: Failed password for dan from 127.0.0.1 port 45416 ssh1",
                 "sshd-fail", FAIL, "127.0.0.1", "dan", SSH);
    expect_event("Dec 10 06:55:48 LabSZ sshd[24200]: Failed password for root from 173.234.31.186 port 38926 ssh2",
                 "sshd-fail", FAIL, "173.234.31.186", "root", SSH);
    expect_event("Jul  3 14:59:17 host sshd-session[1571]: Failed password for root from 192.0.2.1 port 56502 ssh2",
                 "sshd-fail", FAIL, "192.0.2.1", "root", SSH);
    expect_event("Feb 25 14:34:10 belka sshd[31602]: Failed password for invalid user ROOT from 194.117.26.69 port 50273 ssh2",
                 "sshd-fail-invalid-user", FAIL, "194.117.26.69", "ROOT", SSH);
    expect_event("Feb 25 14:34:10 belka sshd[31603]: Failed password for invalid user ROOT from aaaa:bbbb:cccc:1234::1:1 port 50273 ssh2",
                 "sshd-fail-invalid-user", FAIL, "aaaa:bbbb:cccc:1234::1:1", "ROOT", SSH);
    expect_event("Feb 25 14:34:11 belka sshd[31603]: Failed password for invalid user ROOT from aaaa:bbbb:cccc:1234::1:1",
                 "sshd-fail-invalid-user", FAIL, "aaaa:bbbb:cccc:1234::1:1", "ROOT", SSH);
    expect_event("Apr 30 01:42:12 Jamess-iMac.local sshd[2554]: Failed keyboard-interactive/pam for invalid user jamedds from 205.186.180.77 port 33723 ssh2",
                 "sshd-fail-invalid-user", FAIL, "205.186.180.77", "jamedds", SSH);
    expect_event("Mar 29 05:59:23 dusky sshd[20878]: [ID 800047 auth.info] Failed keyboard-interactive for <invalid username> from 205.186.180.55 port 42742 ssh2",
                 "sshd-fail-invalid-user", FAIL, "205.186.180.55", "", SSH);
    expect_event("Jul 05 18:22:44 mercury sshd[4669]: Failed publickey for invalid user graysky from 127.0.0.1 port 37954 ssh2: RSA SHA256:v3dpapGleDaUKf$4V1vKyR9ZyUgjaJAmoCTcb2PLljI",
                 "sshd-fail-invalid-user", FAIL, "127.0.0.1", "graysky", SSH);
    expect_event("Sep 29 17:15:02 spaceman sshd[12946]: Failed hostbased for dan from 127.0.0.1 port 45785 ssh2: RSA 8c:e3:aa:0f:64:51:02:f7:14:79:89:3f:65:84:7c:30, client user \"dan\", client host \"localhost.localdomain\"",
                 "sshd-fail", FAIL, "127.0.0.1", "dan", SSH);
    /* rsyslog folded five identical attempts into one line. */
    ms_capture c;
    const ms_rule *rule;
    assert_true(harness_match("Dec 10 07:13:56 LabSZ sshd[24227]: message repeated 5 times: [ Failed password for root from 5.36.59.76 port 42393 ssh2]",
                              &c, &rule));
    assert_string_equal(rule->name, "sshd-fail");
    assert_int_equal(c.ev.attempts, 5);
    /* Journal export (no stamp), kernel time, RFC 5424. */
    expect_event("srv sshd[20879]: kernel: [  970.699397] Failed password for user admin from 192.0.2.10 port 42745 ssh2",
                 "sshd-fail", FAIL, "192.0.2.10", "user admin", SSH);
    expect_event("<38>1 2019-07-08T17:40:17.954167-04:00 hostname.example.com sshd 55555 - [timeQuality tzKnown=\"1\" isSynced=\"0\"][xxx@123 test=\"[brackets]\"] Failed unknown for invalid user redmond from 192.0.2.2 port 55555 ssh2",
                 "sshd-fail-invalid-user", FAIL, "192.0.2.2", "redmond", SSH);
    /* Old sshd with UseDNS: a host name, no address. */
    expect_event("Jul  7 10:53:24 chaves sshd[12914]: Failed password for invalid user test-inv from spongebob.lab.ossec.net",
                 "sshd-fail-invalid-user", FAIL, "::", "test-inv", SSH);
}

static void test_user_injection(void **state)
{
    (void)state;
    /* The client's user name is matched greedily: the last ` from` wins. */
    expect_event("Nov 11 08:04:52 h sshd[2737]: Failed password for invalid user x from 6.6.6.6 port 1 from 1.2.3.4 port 22 ssh2",
                 "sshd-fail-invalid-user", FAIL, "1.2.3.4", "x from 6.6.6.6 port 1", SSH);
    expect_event("Nov 11 08:04:52 h sshd[2737]: Failed password for invalid user test from 10.10.1.2 port 55555 ssh2 from 127.0.0.1 port 58946 ssh2",
                 "sshd-fail-invalid-user", FAIL, "127.0.0.1", NULL, SSH);
    expect_event("Nov 11 08:04:51 h sshd[2737]: Failed password for invalid user from 10.10.1.1 from 127.0.0.1 port 58946 ssh2",
                 "sshd-fail-invalid-user", FAIL, "127.0.0.1", NULL, SSH);
    /* An account name has no spaces: the first ` from` follows it, and what
     * comes after `sshN:` is key or client information. */
    expect_event("Sep 29 17:15:02 spaceman sshd[12946]: Failed password for user from 127.0.0.1 port 20000 ssh1: ruser from 1.2.3.4",
                 "sshd-fail", FAIL, "127.0.0.1", "user", SSH);
    expect_event("Sep 29 17:15:03 spaceman sshd[12947]: Failed password for user from aaaa:bbbb:cccc:1234::1:1 port 20000 ssh1: ruser XXXXXXXXXXXXXXXXXXXXXXXXXXXX from 1.2.3.4",
                 "sshd-fail", FAIL, "aaaa:bbbb:cccc:1234::1:1", "user", SSH);
    /* A name that spells a success or a probe cannot change the outcome. */
    expect_event("Nov 11 08:04:52 h sshd[2737]: Failed password for invalid user Accepted password for root from 1.2.3.4 port 22 ssh2",
                 "sshd-fail-invalid-user", FAIL, "1.2.3.4", NULL, SSH);
    expect_event("Nov 11 08:04:52 h sshd[2737]: Failed password for invalid user a Failed none for b from 1.2.3.4 port 22 ssh2",
                 "sshd-fail-invalid-user", FAIL, "1.2.3.4", NULL, SSH);
    expect_event("Nov 11 08:04:52 h sshd[2737]: Invalid user x from 6.6.6.6 port 1 from 1.2.3.4 port 5555",
                 "sshd-invalid-user", FAIL, "1.2.3.4", "x from 6.6.6.6 port 1", SSH);
    expect_event("Jul 17 23:04:01 srv sshd[1300]: Connection closed by authenticating user test 127.0.0.1 port 12345 192.0.2.11 port 46039 [preauth]",
                 "sshd-closed", CONN, "192.0.2.11", "test 127.0.0.1 port 12345", SSH);
    expect_event("Jun  7 01:11:58 host sshd[8783]: Bad protocol version identification 'dummy string' from 192.0.2.1' from 69.61.56.115 port 31778",
                 "sshd-bad-version", CONN, "69.61.56.115", NULL, SSH);
}

static void test_refused(void **state)
{
    (void)state;
    expect_event("Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
                 "sshd-invalid-user", FAIL, "173.234.31.186", "webmaster", SSH);
    expect_event("Jul 20 14:42:12 localhost sshd[22708]: Invalid user ftp from 192.0.2.2 port 37220",
                 "sshd-invalid-user", FAIL, "192.0.2.2", "ftp", SSH);
    expect_event("Jun  6 04:17:04 host sshd[1189074]: Invalid user  from 192.0.2.68 port 34916",
                 "sshd-invalid-user", FAIL, "192.0.2.68", "", SSH);
    expect_event("<38>1 2022-01-19T14:23:55+00:00 OPNsense.localdomain sshd 44255 - [meta sequenceId=\"1\"] Invalid user tutu from 1.2.3.4 port 33166",
                 "sshd-invalid-user", FAIL, "1.2.3.4", "tutu", SSH);
    expect_event("Apr 16 22:01:15 al-ribat sshd[5154]: User root from 46.45.128.3 not allowed because listed in DenyUsers",
                 "sshd-not-allowed", FAIL, "46.45.128.3", "root", SSH);
    expect_event("Mar  3 00:17:22 [sshd]: User root from 211.188.220.49 not allowed because not listed in AllowUsers",
                 "sshd-not-allowed", FAIL, "211.188.220.49", "root", SSH);
    expect_event("Jan  5 01:31:41 www sshd[1643]: ROOT LOGIN REFUSED FROM ::ffff:1.2.3.4",
                 "sshd-root-refused", FAIL, "1.2.3.4", NULL, SSH);
    expect_event("Nov 23 21:50:38 myhost sshd[109798]: error: maximum authentication attempts exceeded for invalid user xxx from 192.0.2.7 port 49941 ssh2 [preauth]",
                 "sshd-max-attempts", FAIL, "192.0.2.7", "xxx", SSH);
    expect_event("Apr 29 12:53:38 Jamess-iMac.local sshd[47831]: error: PAM: authentication failure for james from 205.186.180.88 via 192.168.1.201",
                 "sshd-pam-fail", FAIL, "205.186.180.88", "james", SSH);
    expect_event("Dec 12 20:04:39 aragorn sshd[1328]: error: PAM: User not known to the underlying authentication module for illegal user kernelitshell from 10.215.4.227 ",
                 "sshd-pam-unknown-user", FAIL, "10.215.4.227", "kernelitshell", SSH);
    expect_event("Mar 19 16:47:49 test sshd[5672]: Disconnecting invalid user admin 192.0.2.117 port 44004: Change of username or service not allowed: (admin,ssh-connection) -> (user,ssh-connection) [preauth]",
                 "sshd-change-user", FAIL, "192.0.2.117", "admin", SSH);
    expect_event("Jul 13 18:44:28 mdop sshd[4931]: Received disconnect from 89.24.13.192: 3: com.jcraft.jsch.JSchException: Auth fail",
                 "sshd-client-auth-fail", FAIL, "89.24.13.192", "", SSH);
}

static void test_accepted(void **state)
{
    (void)state;
    expect_event("Sep  6 10:00:56 bullseye sshd[12032]: Accepted password for test from 192.168.121.1 port 43124 ssh2",
                 "sshd-accepted", OK, "192.168.121.1", "test", SSH);
    expect_event("Sep  6 09:57:21 bullseye sshd[581]: Accepted publickey for vagrant from 2001:db8::7 port 56296 ssh2: RSA SHA256:1M4RzhMyWuFS/86uPY/ce2prh/dVTHW7iD2RhpquOZA",
                 "sshd-accepted", OK, "2001:db8::7", "vagrant", SSH);
    ms_capture c;
    const ms_rule *rule;
    assert_true(harness_match("Sep  6 10:00:56 bullseye sshd-session[12032]: Accepted keyboard-interactive/pam for bob from 192.0.2.3 port 4 ssh2",
                              &c, &rule));
    assert_true(str_is(&c.ev.method, "keyboard-interactive/pam"));
    expect_event("Oct 11 08:05:46 hostname auth|security:info sshd[323808]: Accepted publickey for usr1 from 2.3.4.5 port 37909 ssh2",
                 "sshd-accepted", OK, "2.3.4.5", "usr1", SSH);
}

static void test_connect(void **state)
{
    (void)state;
    expect_event("Jul 17 23:03:05 srv sshd[1296]: Connection closed by authenticating user root 192.0.2.10 port 46038 [preauth]",
                 "sshd-closed", CONN, "192.0.2.10", "root", SSH);
    expect_event("Jun  6 04:17:09 host sshd[1189074]: Connection closed by invalid user  192.0.2.68 port 34916 [preauth]",
                 "sshd-closed", CONN, "192.0.2.68", "", SSH);
    expect_event("Jan 24 15:32:31 server sshd[2651912]: Disconnected from authenticating user root 179.43.183.98 port 59402 [preauth]",
                 "sshd-closed", CONN, "179.43.183.98", "root", SSH);
    expect_event("Feb 19 10:38:14 myhost sshd[3355]: Disconnected from invalid user ftp 92.255.85.135 port 26138 [preauth]",
                 "sshd-closed", CONN, "92.255.85.135", "ftp", SSH);
    expect_event("Mar 15 09:20:57 host sshd[28972]: Connection reset by 192.0.2.39 port 14282 [preauth]",
                 "sshd-closed", CONN, "192.0.2.39", "", SSH);
    expect_event("Dec 10 06:55:46 LabSZ sshd[24200]: Connection closed by 173.234.31.186 [preauth]",
                 "sshd-closed", CONN, "173.234.31.186", NULL, SSH);
    expect_event("May 27 00:16:33 host sshd[2364]: Received disconnect from 198.51.100.76 port 58846:11: Bye Bye [preauth]",
                 "sshd-received-disconnect", CONN, "198.51.100.76", NULL, SSH);
    expect_event("Nov 25 01:35:15 srv sshd[3626]: error: Received disconnect from 192.168.2.93 port 1883:14: No authentication methods available [preauth]",
                 "sshd-received-disconnect", CONN, "192.168.2.93", NULL, SSH);
    expect_event("Nov 23 21:50:38 myhost sshd[109798]: Disconnecting invalid user xxx 192.0.2.7 port 49941: Too many authentication failures [preauth]",
                 "sshd-disconnecting", CONN, "192.0.2.7", "xxx", SSH);
    expect_event("Jun  7 01:11:57 host sshd[8782]: Did not receive identification string from 192.0.2.5 port 35836",
                 "sshd-no-ident", CONN, "192.0.2.5", NULL, SSH);
    expect_event("Nov 26 13:03:30 srv sshd[45]: fatal: Unable to negotiate with 192.0.2.2 port 55419: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1",
                 "sshd-kex-fail", CONN, "192.0.2.2", NULL, SSH);
    expect_event("Mar  1 18:59:33 hostname sshd[1189575]: banner exchange: Connection from 192.0.2.12 port 44105: invalid format",
                 "sshd-conn-error", CONN, "192.0.2.12", NULL, SSH);
    expect_event("Mar  1 18:59:50 hostname sshd[71905]: ssh_dispatch_run_fatal: Connection from 192.0.2.13 port 33738: message authentication code incorrect [preauth]",
                 "sshd-conn-error", CONN, "192.0.2.13", NULL, SSH);
    expect_event("Mar  1 18:59:52 srv sshd[12345]: fatal: Timeout before authentication for 192.0.2.14 port 55555",
                 "sshd-timeout", CONN, "192.0.2.14", NULL, SSH);
    expect_event("Jun 10 09:43:06 host sshd[3801]: Timeout before authentication for connection from 192.0.2.17 to 127.0.0.1, pid = 29098",
                 "sshd-timeout", CONN, "192.0.2.17", NULL, SSH);
    expect_event("Nov 11 23:33:27 Server sshd[5174]: refused connect from _U2FsdGVkX19P3BCJmFBHhjLza8BcMH06WCUVwttMHpE=_@::ffff:218.249.210.161 (::ffff:218.249.210.161)",
                 "sshd-refused-connect", CONN, "218.249.210.161", NULL, SSH);
    expect_event("Oct 10 01:48:14 username sshd[386400]: Magic value check failed (4289475479) on obfuscated handshake from 94.232.46.213 port 62730",
                 "sshd-bad-handshake", CONN, "94.232.46.213", NULL, SSH);
    expect_event("Jun  1 10:00:00 h sshd[1]: drop connection #10 from [2001:db8::9]:50432 on [2001:db8::1]:22 penalty: failed authentication",
                 "sshd-dropped", CONN, "2001:db8::9", NULL, SSH);
    /* A probe: no credential was tried. */
    expect_event("Dec 10 08:24:58 LabSZ sshd[24367]: Failed none for invalid user admin from 5.188.10.180 port 52631 ssh2",
                 "sshd-fail-none", CONN, "5.188.10.180", "admin", SSH);
    /* A valid user's client offering keys it has: not a guess. */
    expect_event("Nov 28 09:16:03 srv sshd[32307]: Failed publickey for git from 192.0.2.1 port 57904 ssh2: ECDSA 0e:ff:xx:xx:xx:xx:xx:xx:xx:xx:xx:xx:xx:xx:xx:xx",
                 "sshd-fail-key", CONN, "192.0.2.1", "git", SSH);
}

static void test_no_event(void **state)
{
    (void)state;
    expect_none("Oct 15 19:51:35 server sshd[7592]: Address 1.2.3.4 maps to 1234.bbbbbb.com, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!");
    expect_none("Dec 10 06:55:46 LabSZ sshd[24200]: reverse mapping checking getaddrinfo for ns.marryaldkfaczcz.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!");
    expect_none("Apr 24 01:39:19 host sshd[3719]: input_userauth_request: invalid user root [preauth]");
    expect_none("Apr 24 01:39:19 host sshd[3719]: User root not allowed because account is locked");
    expect_none("Nov 23 21:50:19 sshd[8148]: Disconnecting: Too many authentication failures for root [preauth]");
    expect_none("Feb 17 17:40:17 sshd[19725]: Connection from 192.0.2.10 port 62004 on 192.0.2.10 port 22");
    expect_none("Feb 17 17:40:18 sshd[19725]: error: kex_exchange_identification: Connection closed by remote host");
    expect_none("Nov 28 09:16:03 srv sshd[32307]: Postponed publickey for git from 192.0.2.1 port 57904 ssh2 [preauth]");
    expect_none("Jun 29 16:53:37 my-vps sshd[3685002]: Close session: user ansible from 192.168.1.1 port 34928 id 0");
    expect_none("Feb 19 10:38:14 myhost sshd[3355]: Disconnected from totobad user ftp 92.255.85.135 port 26138 [preauth]");
    expect_none("Nov 24 23:46:39 host sshd[32686]: SSH: Server;Ltype: Version;Remote: 127.0.0.1-1780;Protocol: 2.0;Client: libssh2_1.4.3");
    expect_none("Dec 10 09:32:20 LabSZ sshd[24680]: pam_unix(sshd:session): session opened for user fztu by (uid=0)");
}

/* `sshd -e` under daemontools or runit: multilog or svlogd write the bare
 * message, without a program tag; whatever sshd says with a tag is read
 * without one too. */
static void test_no_tag(void **state)
{
    (void)state;
    expect_event("@4000000068a1b2c30a1b2c3d Failed password for root from 192.0.2.40 port 22 ssh2",
                 "sshd-fail", FAIL, "192.0.2.40", "root", SSH);
    expect_event("@4000000068a1b2c30a1b2c3d Failed password for invalid user x from 6.6.6.6 port 1 from 192.0.2.41 port 22 ssh2",
                 "sshd-fail-invalid-user", FAIL, "192.0.2.41",
                 "x from 6.6.6.6 port 1", SSH);
    expect_event("@4000000068a1b2c30a1b2c3d Invalid user admin from 192.0.2.42 port 50022",
                 "sshd-invalid-user", FAIL, "192.0.2.42", "admin", SSH);
    expect_event("@4000000068a1b2c30a1b2c3d maximum authentication attempts exceeded for root from 192.0.2.43 port 50023 ssh2 [preauth]",
                 "sshd-max-attempts", FAIL, "192.0.2.43", "root", SSH);
    expect_event("@4000000068a1b2c30a1b2c3d PAM: Authentication failure for root from 192.0.2.44",
                 "sshd-pam-fail", FAIL, "192.0.2.44", "root", SSH);
    expect_event("@4000000068a1b2c30a1b2c3d Accepted password for bob from 192.0.2.45 port 50024 ssh2",
                 "sshd-accepted", OK, "192.0.2.45", "bob", SSH);
    expect_event("2025-08-17T10:15:00.12345 Accepted publickey for bob from 2001:db8::46 port 50025 ssh2: ED25519 SHA256:3NdxDTOw4qL7m0H0GMWVQvy1aKyGyuGIpDSPBQNpmeE",
                 "sshd-accepted", OK, "2001:db8::46", "bob", SSH);
    expect_event("@4000000068a1b2c30a1b2c3d Connection closed by authenticating user root 192.0.2.47 port 50026 [preauth]",
                 "sshd-closed", CONN, "192.0.2.47", "root", SSH);
    expect_event("@4000000068a1b2c30a1b2c3d Disconnected from invalid user ftp 192.0.2.48 port 50027 [preauth]",
                 "sshd-closed", CONN, "192.0.2.48", "ftp", SSH);
    expect_event("Failed password for root from 192.0.2.49 port 22 ssh2",
                 "sshd-fail", FAIL, "192.0.2.49", "root", SSH);
    /* The message must start the line: sshd's words after other text
     * are not sshd's. */
    expect_none("@4000000068a1b2c30a1b2c3d new msg 123 Failed password for root from 6.6.6.6 port 22 ssh2");
    expect_none("@4000000068a1b2c30a1b2c3d starting delivery 5: msg 123 to remote Accepted password for root from 6.6.6.6 port 22 ssh2");
}

/* socklog: `facility.level: ` (after the sender's `ip: ` in inet mode),
 * then the syslog message as the client sent it, with its stamp and tag;
 * multilog adds a TAI64N stamp of its own (`t`) or none. */
static void test_socklog(void **state)
{
    (void)state;
    expect_event("auth.info: Mar  4 12:00:00 sshd[123]: Failed password for root from 192.0.2.50 port 22 ssh2",
                 "sshd-fail", FAIL, "192.0.2.50", "root", SSH);
    expect_event("@4000000068a1b2c30a1b2c3d authpriv.notice: Mar  4 12:00:00 sshd-session[124]: Invalid user admin from 192.0.2.51 port 50022",
                 "sshd-invalid-user", FAIL, "192.0.2.51", "admin", SSH);
    expect_event("@4000000068a1b2c30a1b2c3d 192.0.2.1: auth.info: Mar  4 12:00:00 mx sshd[125]: Accepted publickey for bob from 192.0.2.52 port 50023 ssh2",
                 "sshd-accepted", OK, "192.0.2.52", "bob", SSH);
    expect_event("2025-08-17T10:15:00.12345 auth.err: Mar  4 12:00:00 sshd[126]: error: maximum authentication attempts exceeded for root from 192.0.2.53 port 50024 ssh2 [preauth]",
                 "sshd-max-attempts", FAIL, "192.0.2.53", "root", SSH);
    expect_event("2025-08-17_10:15:00.12345 auth.info: Mar  4 12:00:00 sshd[129]: Failed password for invalid user oracle from 192.0.2.55 port 50026 ssh2",
                 "sshd-fail-invalid-user", FAIL, "192.0.2.55", "oracle", SSH);
    expect_event("local0.warn: Mar  4 12:00:00 sshd[127]: Connection closed by authenticating user root 192.0.2.54 port 50025 [preauth]",
                 "sshd-closed", CONN, "192.0.2.54", "root", SSH);
    /* A level that is none of syslog's: a tag, not socklog's prefix. */
    expect_none("auth.infos: Mar  4 12:00:00 sshd[128]: Failed password for root from 6.6.6.6 port 22 ssh2");

    /* The stamp: multilog's or svlogd's own when it wrote one (TAI64N,
     * ISO without offset, or tai64nlocal's), else the client's; the same
     * through the stamp-only reading and the memo. */
    static const char *const lines[] = {
        "auth.info: Mar  4 12:00:00 sshd[123]: Failed password for root from 192.0.2.50 port 22 ssh2",
        "@4000000068a1b2c30a1b2c3d auth.info: Mar  4 12:00:00 sshd[123]: x",
        "2025-08-17 10:15:00.123456789 auth.info: Mar  4 12:00:00 sshd[123]: x",
        "2025-08-17T10:15:00.12345 192.0.2.1: auth.info: Mar  4 12:00:00 sshd[123]: x",
        "2025-08-17_10:15:00.12345 auth.info: Mar  4 12:00:00 sshd[123]: x",
    };
    static const ms_tskind kinds[] = {
        MS_TS_NOYEAR, MS_TS_ABS, MS_TS_ABS, MS_TS_ABS, MS_TS_ABS,
    };
    ms_stamp_memo memo = {0};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        ms_record r, rm;
        ms_stamp ts;
        size_t n = strlen(lines[i]);
        ms_record_parse(lines[i], n, &r);
        ms_record_stamp(lines[i], n, &ts);
        ms_record_parse_memo(&memo, lines[i], n, &rm);
        assert_int_equal(r.ts.kind, kinds[i]);
        assert_true(r.prog_len == 4 && memcmp(r.prog, "sshd", 4) == 0);
        assert_int_equal(ts.kind, r.ts.kind);
        assert_true(ts.time == r.ts.time && ts.sod == r.ts.sod &&
                    ts.day == r.ts.day);
        assert_true(rm.ts.kind == r.ts.kind && rm.ts.time == r.ts.time &&
                    rm.body == r.body && rm.prog == r.prog);
        if (r.ts.kind == MS_TS_NOYEAR)
            assert_true(r.ts.mon == 3 && r.ts.day == 4 && r.ts.sod == 43200);
    }
    /* svlogd -tt writes UTC; -ttt's `T` is read as local time. */
    setenv("TZ", "Europe/Berlin", 1);
    tzset();
    const char *tt = "2025-01-02_03:04:05.5 auth.info: Mar  4 12:00:00 sshd[1]: x";
    const char *ttt = "2025-01-02T03:04:05.5 auth.info: Mar  4 12:00:00 sshd[1]: x";
    ms_record r, rl;
    ms_record_parse(tt, strlen(tt), &r);
    ms_record_parse(ttt, strlen(ttt), &rl);
    unsetenv("TZ");
    tzset();
    assert_true(r.ts.time == INT64_C(1735787045500000000));
    assert_true(rl.ts.time == r.ts.time - INT64_C(3600000000000));
}

/* Invalid user (AUTHDB), pam_unix (PAM) and Failed password (FRONT) are
 * one attempt; the second Failed password is a second attempt, and PAM's
 * `1 more` summary repeats it. */
static void test_layers_fold(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "Dec 10 07:08:28 LabSZ sshd[24208]: Invalid user webmaster from 173.234.31.186",
        "Dec 10 07:08:28 LabSZ sshd[24208]: pam_unix(sshd:auth): check pass; user unknown",
        "Dec 10 07:08:28 LabSZ sshd[24208]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=173.234.31.186 ",
        "Dec 10 07:08:30 LabSZ sshd[24208]: Failed password for invalid user webmaster from 173.234.31.186 port 39257 ssh2",
        "Dec 10 07:08:33 LabSZ sshd[24208]: Failed password for invalid user webmaster from 173.234.31.186 port 39257 ssh2",
        "Dec 10 07:08:34 LabSZ sshd[24208]: error: maximum authentication attempts exceeded for invalid user webmaster from 173.234.31.186 port 39257 ssh2 [preauth]",
        "Dec 10 07:08:34 LabSZ sshd[24208]: PAM 1 more authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=173.234.31.186 ",
    };
    static const ms_outcome want[] = {
        MS_OUT_AUTH_FAIL, MS_OUT_NONE, MS_OUT_DUPLICATE, MS_OUT_DUPLICATE,
        MS_OUT_AUTH_FAIL, MS_OUT_DUPLICATE, MS_OUT_DUPLICATE,
    };
    ms_scan_events evs;
    ms_scan_events_init(&evs);
    ms_dedup d;
    ms_dedup_init(&d);
    ms_event e;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        ms_capture c;
        const ms_rule *rule;
        ms_record rec;
        ms_record_parse(lines[i], strlen(lines[i]), &rec);
        if (!ms_match(harness_m, &rec, i + 1, &c, &rule)) {
            assert_int_equal(want[i], MS_OUT_NONE);
            continue;
        }
        assert_int_equal(ms_scan_events_add(&evs, &c.ev, &c.ts, 0), 0);
        ms_dedup_check(&d, &evs, &c);
        ms_scan_events_get(&evs, evs.n - 1, 0, &e);
        if (e.outcome != want[i])
            fail_msg("line %zu: %s, wanted %s", i + 1,
                     ms_outcome_name(e.outcome), ms_outcome_name(want[i]));
    }
    /* The counted event took the method from sshd's line. */
    ms_scan_events_get(&evs, 0, 0, &e);
    assert_true(str_is(&e.method, "password"));
    ms_scan_events_free(&evs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failed),
        cmocka_unit_test(test_user_injection),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_accepted),
        cmocka_unit_test(test_connect),
        cmocka_unit_test(test_no_event),
        cmocka_unit_test(test_no_tag),
        cmocka_unit_test(test_socklog),
        cmocka_unit_test(test_layers_fold),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
