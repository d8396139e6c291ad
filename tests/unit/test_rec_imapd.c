/* test_rec_imapd.c — UW imapd/ipop3d, solid-pop3d, perdition, vm-pop3d. */
#include "rec_harness.h"

#define FAIL MS_OUT_AUTH_FAIL
#define OK MS_OUT_AUTH_OK
#define CONN MS_OUT_CONNECT

static void test_uw(void **state)
{
    (void)state;
    expect_event("Jul 3 20:56:53 Linux2 imapd[666]: Login failed user=lizdy auth=lizdy host=h2066373.stratoserver.net [81.169.154.112]",
                 "uw-login-failed", FAIL, "81.169.154.112", "lizdy", MS_SVC_IMAP);
    expect_event("Jul 29 18:30:19 Linux2 ipop3d[25745]: Login failed user=info auth=info host=74-115-52-198-dedicated.multacom.com [198.52.115.74]",
                 "uw-login-failed", FAIL, "198.52.115.74", "info", MS_SVC_POP3);
    expect_event("Jan 14 20:28:07 grog imapd[19343]: Login excessive login failures user=user auth=user host=74-115-52-198-dedicated.multacom.com [198.52.115.74]",
                 "uw-login-refused", FAIL, "198.52.115.74", "user", MS_SVC_IMAP);
    expect_event("Apr 8 16:32:01 abdon imapd[21172]: Login disabled user=test auth=test host=localhost.localdomain [127.0.0.1]",
                 "uw-login-refused", FAIL, "127.0.0.1", "test", MS_SVC_IMAP);
    expect_event("Feb 23 12:36:01 r2 imapd[3473]: Failed uwmaster override of user=pro1  host=r22.j.de [127.0.55.22] ",
                 "uw-override-failed", FAIL, "127.0.55.22", "pro1", MS_SVC_IMAP);
    expect_event("May  7 13:51:56 gaucha imapd[27832]: AUTHENTICATE LOGIN failure host=bahiana.resenet.com.br [200.255.5.8]",
                 "uw-authenticate-failure", FAIL, "200.255.5.8", "", MS_SVC_IMAP);
    expect_event("imapd[25015]: Login failed user=grasielle auth=grasielle host=imapd.lab.ossec.net [1.2.3.4]",
                 "uw-login-failed", FAIL, "1.2.3.4", "grasielle", MS_SVC_IMAP);
    /* The user name cannot supply the address (the last [ip] is the host). */
    expect_event("Jul 3 20:56:53 Linux2 imapd[666]: Login failed user=x auth=y host=z [6.6.6.6] auth=x host=h [1.2.3.4]",
                 "uw-login-failed", FAIL, "1.2.3.4", "x", MS_SVC_IMAP);
    expect_event("Jul 3 20:56:53 Linux2 imapd[666]: Login failed user=Login user=a host=b [6.6.6.6] auth=x host=h [1.2.3.4]",
                 "uw-login-failed", FAIL, "1.2.3.4", NULL, MS_SVC_IMAP);

    /* cPanel's build: the virtual domain between user= and auth=. */
    expect_event("May 17 17:06:44 serv01 imapd[32199]: Login failed user=dsada domain=(null) auth=dsada host=[85.14.6.2]",
                 "uw-login-failed", FAIL, "85.14.6.2", "dsada", MS_SVC_IMAP);
    expect_event("May 17 17:06:44 serv01 ipop3d[32200]: Login failed user=info domain=example.com auth=info@example.com host=mail.example.net [192.0.2.5]",
                 "uw-login-failed", FAIL, "192.0.2.5", "info", MS_SVC_POP3);
    expect_event("May 17 17:06:44 serv01 imapd[32201]: Login excessive login failures user=root domain=(null) auth=root host=[192.0.2.6]",
                 "uw-login-refused", FAIL, "192.0.2.6", "root", MS_SVC_IMAP);
    expect_event("May 17 17:06:44 serv01 imapd[32202]: Login user=bob domain=example.com host=[192.0.2.7]",
                 "uw-login-ok", OK, "192.0.2.7", "bob", MS_SVC_IMAP);
    /* Without the field, a name with spaces is kept whole. */
    expect_event("May 17 17:06:44 serv01 imapd[32203]: Login failed user=john smith auth=john smith host=[192.0.2.8]",
                 "uw-login-failed", FAIL, "192.0.2.8", "john smith", MS_SVC_IMAP);
    expect_event("May 17 17:06:44 serv01 imapd[32204]: Login failed user=x domain=(null) auth=y host=z [6.6.6.6] auth=x host=h [192.0.2.9]",
                 "uw-login-failed", FAIL, "192.0.2.9", "x", MS_SVC_IMAP);
    expect_none("May 17 17:06:44 serv01 imapd[32205]: Logout user=bob domain=example.com host=[192.0.2.7]");

    expect_event("May  7 13:40:14 gaucha imapd[26772]: Authenticated user=joao host=bahiana.resenet.com.br [200.255.5.8]",
                 "uw-login-ok", OK, "200.255.5.8", "joao", MS_SVC_IMAP);
    expect_event("May  7 13:40:14 gaucha imapd[26772]: Authenticated user=joao host=[2001:db8::8] mech=PLAIN",
                 "uw-login-ok", OK, "2001:db8::8", "joao", MS_SVC_IMAP);
    expect_event("Jul  3 20:56:53 Linux2 ipop3d[666]: Login user=lizdy host=h2066373.stratoserver.net [81.169.154.112] nmsgs=3/3",
                 "uw-login-ok", OK, "81.169.154.112", "lizdy", MS_SVC_POP3);
    expect_event("May  7 13:40:13 gaucha imapd[26772]: imap service init from 200.255.5.8",
                 "uw-service-init", CONN, "200.255.5.8", "", MS_SVC_IMAP);
    expect_event("May  7 13:40:13 gaucha imapd[26772]: Null command before authentication host=[200.255.5.8]",
                 "uw-preauth-error", CONN, "200.255.5.8", "", MS_SVC_IMAP);

    expect_none("May  7 13:40:34 gaucha imapd[26772]: Logout user=joao host=bahiana.resenet.com.br [200.255.5.8]");
    expect_none("May  7 13:40:34 gaucha imapd[26772]: Command stream end of file, while reading line user=joao host=bahiana.resenet.com.br [200.255.5.8]");
}

static void test_solid_pop3d(void **state)
{
    (void)state;
    expect_event("Nov 15 00:34:53 rmc1pt2-2-35-70 solid-pop3d[3822]: authentication failed: no such user: adrian - 123.33.44.45",
                 "solid-unknown-user", FAIL, "123.33.44.45", "adrian", MS_SVC_POP3);
    expect_event("Nov 15 00:34:53 rmc1pt2-2-35-70 solid-pop3d[3822]: authentication failed: can't map user name: adrian - 123.33.44.45",
                 "solid-unknown-user", FAIL, "123.33.44.45", "adrian", MS_SVC_POP3);
    expect_event("Nov 17 23:10:03 emf1pt2-2-35-70 solid-pop3d[16993]: authentication failed for user jacques - 190.16.165.230",
                 "solid-auth-failed", FAIL, "190.16.165.230", "jacques", MS_SVC_POP3);
    expect_event("Nov 15 00:34:53 rmc1pt2-2-35-70 solid-pop3d[3822]: authentication failed for mapped user adrain - pop.example.com (123.33.44.45)",
                 "solid-auth-failed", FAIL, "123.33.44.45", "adrain", MS_SVC_POP3);
    expect_event("Nov 15 00:34:53 rmc1pt2-2-35-70 solid-pop3d[3822]: APOP authentication failed for user adrian - 123.33.44.45",
                 "solid-auth-failed", FAIL, "123.33.44.45", "adrian", MS_SVC_POP3);
    expect_event("Nov 15 00:34:53 rmc1pt2-2-35-70 solid-pop3d[3822]: can't find APOP secret for user adrian - 123.33.44.45",
                 "solid-no-apop-secret", FAIL, "123.33.44.45", "adrian", MS_SVC_POP3);
    expect_event("Nov 15 00:34:53 rmc1pt2-2-35-70 solid-pop3d[3822]: root login not allowed - 123.33.44.45",
                 "solid-root-refused", FAIL, "123.33.44.45", "", MS_SVC_POP3);
    expect_event("Nov 15 00:34:53 h solid-pop3d[3822]: authentication failed for user x - 6.6.6.6 - 123.33.44.45",
                 "solid-auth-failed", FAIL, "123.33.44.45", "x - 6.6.6.6", MS_SVC_POP3);
    expect_event("Nov 15 00:34:52 h solid-pop3d[3822]: user adrian authenticated - 2001:db8::4",
                 "solid-auth-ok", OK, "2001:db8::4", "adrian", MS_SVC_POP3);
    expect_event("Nov 15 00:34:51 h solid-pop3d[3822]: connect from 123.33.44.45",
                 "solid-connect", CONN, "123.33.44.45", "", MS_SVC_POP3);
}

static void test_perdition(void **state)
{
    (void)state;
    expect_event("Jul 18 16:07:18 ares perdition.imaps[3194]: Auth: 192.168.8.100:2274->193.48.191.9:993 client-secure=ssl authorisation_id=NONE authentication_id=\"carles\" server=\"imap.biotoul.fr:993\" protocol=IMAP4S server-secure=ssl status=\"failed: Re-Authentication Failure\"",
                 "perdition-auth-failed", FAIL, "192.168.8.100", "carles", MS_SVC_IMAP);
    expect_event("Jul 18 16:07:18 ares perdition.pop3[3194]: Auth: 2001:db8::5:2274->2001:db8::1:110 client-secure=plaintext authorisation_id=NONE authentication_id=\"bob\" server=\"pop.example:110\" protocol=POP3 server-secure=plaintext status=\"failed: local authentication failure\"",
                 "perdition-auth-failed", FAIL, "2001:db8::5", "bob", MS_SVC_POP3);
    /* A quoted id holding a fake status cannot change the outcome. */
    expect_event("Jul 18 16:07:18 ares perdition.imaps[3194]: Auth: 192.168.8.100:2274->193.48.191.9:993 client-secure=ssl authorisation_id=NONE authentication_id=\"x\" server=\"a:1\" protocol=IMAP4S server-secure=ssl status=\"ok\" server=\"imap.biotoul.fr:993\" protocol=IMAP4S server-secure=ssl status=\"failed: Re-Authentication Failure\"",
                 "perdition-auth-failed", FAIL, "192.168.8.100", NULL, MS_SVC_IMAP);
    expect_event("Jul 18 16:07:18 ares perdition.imaps[3194]: Auth: 192.168.8.100:2274->193.48.191.9:993 client-secure=ssl authorisation_id=NONE authentication_id=\"carles\" server=\"imap.biotoul.fr:993\" protocol=IMAP4S server-secure=ssl status=\"ok\"",
                 "perdition-auth-ok", OK, "192.168.8.100", "carles", MS_SVC_IMAP);
    expect_event("Jul 18 16:07:18 ares perdition.imaps[3194]: Auth: 192.168.8.100:2274->193.48.191.9:993 client-secure=ssl authorisation_id=NONE authentication_id=\"carles\" server=\"imap.biotoul.fr:993\" protocol=IMAP4S server-secure=ssl status=\"failed: Could not connect to server\"",
                 "perdition-auth-error", CONN, "192.168.8.100", "carles", MS_SVC_IMAP);
    expect_event("Jul 18 16:08:58 ares perdition.imaps[3194]: Fatal Error reading authentication information from client 192.168.8.100:2274->193.48.191.9:993: Exiting child",
                 "perdition-no-auth", CONN, "192.168.8.100", "", MS_SVC_IMAP);
    expect_event("Jul 18 16:07:10 ares perdition.imaps[3194]: Connect: 192.168.8.100:2274->193.48.191.9:993",
                 "perdition-connect", CONN, "192.168.8.100", "", MS_SVC_IMAP);
    /* A dotted tag without a pid is no socklog `facility.level: `. */
    expect_event("Jul 18 16:07:10 ares perdition.imaps: Connect: 192.168.8.101:2274->193.48.191.9:993",
                 "perdition-connect", CONN, "192.168.8.101", "", MS_SVC_IMAP);
}

static void test_vm_pop3d(void **state)
{
    (void)state;
    expect_event("May 15 06:54:43 servername vm-pop3d[24110]: User 'jobs' - failed auth, from=70.89.46.205",
                 "vmpop3d-auth-failed", FAIL, "70.89.46.205", "jobs", MS_SVC_POP3);
    expect_event("May 15 06:54:43 servername vm-pop3d[24029]: Session ended for no user from 70.89.46.205",
                 "vmpop3d-no-auth", CONN, "70.89.46.205", "", MS_SVC_POP3);
    expect_none("Nov 15 13:26:12 h9-45 vm-pop3d: vm-pop3d startup succeeded");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uw),
        cmocka_unit_test(test_solid_pop3d),
        cmocka_unit_test(test_perdition),
        cmocka_unit_test(test_vm_pop3d),
    };
    return cmocka_run_group_tests(tests, harness_setup, harness_teardown);
}
