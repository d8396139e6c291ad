/* test_dedup.c — parse/dedup.h: which failures count once (layers of one
 * attempt of one server and service, never across them), how far back the
 * search looks (the window on resolved times, the ring of recent failures,
 * the per-address chains that let it skip other addresses). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "parse/dedup.h"
#include "parse/families.h"
#include "parse/scan_events.h"
#include "parse/rule.h"

static ms_scan_events evs;
static ms_dedup dd;

static int setup(void **state)
{
    (void)state;
    ms_scan_events_init(&evs);
    ms_dedup_init(&dd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ms_scan_events_free(&evs);
    return 0;
}

/* Event i as it is now. */
static ms_event at(size_t i)
{
    ms_event e;
    ms_scan_events_get(&evs, i, 0, &e);
    return e;
}

/* A failure line as the scan hands it over: which daemon logged it (source;
 * "test" by default), with what service, of which layer, with which svc
 * word (a PAM line's PAM service), at which stamp after how many Dec->Jan
 * wraps of its file. */
typedef struct line {
    const char *source, *ip, *user, *method, *svc;
    uint8_t service, layer;
    ms_stamp ts;
    uint16_t wrap;
} line;

static ms_stamp noyear(unsigned mon, unsigned day, uint32_t sod)
{
    return (ms_stamp){.kind = MS_TS_NOYEAR, .mon = (uint8_t)mon,
                      .day = (uint8_t)day, .sod = sod};
}

/* Appends l and has it checked; its index. */
static size_t add(line l)
{
    ms_event e = {
        .outcome = MS_OUT_AUTH_FAIL, .service = l.service, .attempts = 1,
        .line = evs.n + 1, .source = l.source ? l.source : "test",
        .user = {l.user, strlen(l.user)},
        .method = {l.method ? l.method : "", l.method ? strlen(l.method) : 0},
    };
    assert_true(ms_ip_parse(l.ip, strlen(l.ip), &e.ip));
    ms_rule rule = {.layer = l.layer};
    ms_capture c = {.rule = &rule, .ts = l.ts, .ev = e,
                    .svc = {l.svc ? l.svc : "", l.svc ? strlen(l.svc) : 0}};
    assert_int_equal(ms_scan_events_add(&evs, &c.ev, &c.ts, l.wrap), 0);
    ms_dedup_check(&dd, &evs, &c);
    return evs.n - 1;
}

/* A failure of ip at second sod of May 4 (year-less), from layer, with
 * service and method; its index. */
static size_t failure_of(const char *ip, const char *user, uint32_t sod,
                         uint8_t layer, uint8_t service, const char *method)
{
    return add((line){.ip = ip, .user = user, .method = method,
                      .service = service, .layer = layer,
                      .ts = noyear(5, 4, sod)});
}

static size_t failure(const char *ip, const char *user, uint32_t sod,
                      uint8_t layer)
{
    return failure_of(ip, user, sod, layer, MS_SVC_UNKNOWN, "");
}

/* n failures of distinct other addresses, from the front layer. */
static void others(unsigned n, uint32_t sod)
{
    char ip[32];
    for (unsigned i = 0; i < n; i++) {
        snprintf(ip, sizeof ip, "10.%u.%u.1", i / 250, i % 250);
        failure(ip, "x", sod, MS_LAYER_FRONT);
    }
}

static void test_two_layers_count_once(void **state)
{
    (void)state;
    size_t a = failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    size_t b = failure("192.0.2.1", "bob", 101, MS_LAYER_FRONT);
    assert_int_equal(at(a).outcome, MS_OUT_AUTH_FAIL);
    assert_int_equal(at(b).outcome, MS_OUT_DUPLICATE);
    assert_int_equal(at(b).dup_of, 1);
}

static void test_same_layer_counts_twice(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_FRONT);
    assert_int_equal(at(failure("192.0.2.1", "bob", 101, MS_LAYER_FRONT)).outcome,
                     MS_OUT_AUTH_FAIL);
}

static void test_other_user_counts_twice(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    assert_int_equal(at(failure("192.0.2.1", "eve", 100, MS_LAYER_FRONT)).outcome,
                     MS_OUT_AUTH_FAIL);
}

static void test_outside_window(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    size_t b = failure("192.0.2.1", "bob", 100 + MS_DEDUP_WINDOW + 1,
                       MS_LAYER_FRONT);
    assert_int_equal(at(b).outcome, MS_OUT_AUTH_FAIL);
}

/* Other addresses in between are passed over, up to the ring's size. */
static void test_other_addresses_between(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    others(MS_DEDUP_RING - 2, 100);
    size_t b = failure("192.0.2.1", "bob", 101, MS_LAYER_FRONT);
    assert_int_equal(at(b).outcome, MS_OUT_DUPLICATE);
    assert_int_equal(at(b).dup_of, 1);
}

static void test_ring_forgets(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    others(MS_DEDUP_RING, 100);
    assert_int_equal(at(failure("192.0.2.1", "bob", 101, MS_LAYER_FRONT)).outcome,
                     MS_OUT_AUTH_FAIL);
}

/* One counted failure absorbs one line of each other layer per attempt:
 * a second front line is a new attempt, and the newest attempt absorbs. */
static void test_absorbs_once_per_layer(void **state)
{
    (void)state;
    failure("192.0.2.1", "bob", 100, MS_LAYER_AUTHDB);
    assert_int_equal(at(failure("192.0.2.1", "bob", 100, MS_LAYER_FRONT)).outcome,
                     MS_OUT_DUPLICATE);
    assert_int_equal(at(failure("192.0.2.1", "bob", 100, MS_LAYER_FRONT)).outcome,
                     MS_OUT_AUTH_FAIL);
    size_t pam = failure("192.0.2.1", "bob", 100, MS_LAYER_PAM);
    assert_int_equal(at(pam).outcome, MS_OUT_DUPLICATE);
    assert_int_equal(at(pam).dup_of, 3);
}

/* Addresses whose hashes share a bucket stay apart. */
static void test_many_addresses(void **state)
{
    (void)state;
    char ip[32];
    for (unsigned i = 0; i < 200; i++) {
        snprintf(ip, sizeof ip, "198.51.%u.%u", i / 100, i % 100);
        failure(ip, "u", 100, MS_LAYER_AUTHDB);
    }
    for (unsigned i = 0; i < 200; i++) {
        snprintf(ip, sizeof ip, "198.51.%u.%u", i / 100, i % 100);
        size_t e = failure(ip, "u", 101, MS_LAYER_FRONT);
        assert_int_equal(at(e).outcome, MS_OUT_DUPLICATE);
        assert_int_equal(at(e).dup_of, i + 1);
    }
}

/* The counted event takes what it lacked from the line it absorbs: the
 * user, the service, the method; what it had stays. */
static void test_enriches_counted(void **state)
{
    (void)state;
    size_t a = failure_of("192.0.2.1", "", 100, MS_LAYER_AUTHDB,
                          MS_SVC_UNKNOWN, "");
    size_t b = failure_of("192.0.2.1", "bob", 101, MS_LAYER_FRONT,
                          MS_SVC_IMAP, "PLAIN");
    assert_int_equal(at(b).outcome, MS_OUT_DUPLICATE);
    ms_event e = at(a);
    assert_int_equal(e.service, MS_SVC_IMAP);
    assert_int_equal(e.method.n, 5);
    assert_memory_equal(e.method.p, "PLAIN", 5);
    assert_int_equal(e.user.n, 3);
    assert_memory_equal(e.user.p, "bob", 3);
    size_t c = failure_of("192.0.2.2", "eve", 100, MS_LAYER_AUTHDB,
                          MS_SVC_POP3, "LOGIN");
    size_t d = failure_of("192.0.2.2", "", 101, MS_LAYER_FRONT, MS_SVC_UNKNOWN,
                          "PLAIN");
    assert_int_equal(at(d).outcome, MS_OUT_DUPLICATE);
    e = at(c);
    assert_int_equal(e.service, MS_SVC_POP3);
    assert_memory_equal(e.method.p, "LOGIN", 5);
    assert_memory_equal(e.user.p, "eve", 3);
}

#define SSHD ms_family_sshd.source
#define DOVECOT ms_family_dovecot.source
#define POSTFIX ms_family_postfix.source
#define PAM ms_family_pam.source
#define IP "203.0.113.7"

/* sshd refuses a user, then a mail failure comes from the same address
 * seconds later: two attempts, and neither takes the other's fields. */
static void test_ssh_and_smtp_apart(void **state)
{
    (void)state;
    size_t ssh = add((line){SSHD, IP, "admin", .service = MS_SVC_SSH,
                            .layer = MS_LAYER_AUTHDB, .ts = noyear(5, 4, 100)});
    size_t smtp = add((line){POSTFIX, IP, "", "LOGIN", .service = MS_SVC_SMTP,
                             .layer = MS_LAYER_FRONT, .ts = noyear(5, 4, 130)});
    assert_int_equal(at(ssh).outcome, MS_OUT_AUTH_FAIL);
    assert_int_equal(at(smtp).outcome, MS_OUT_AUTH_FAIL);
    assert_int_equal(at(ssh).method.n, 0);
    /* The other way round: the mail failure keeps its empty user. */
    smtp = add((line){POSTFIX, "192.0.2.9", "", "LOGIN",
                      .service = MS_SVC_SMTP, .layer = MS_LAYER_FRONT,
                      .ts = noyear(5, 4, 200)});
    ssh = add((line){SSHD, "192.0.2.9", "admin", .service = MS_SVC_SSH,
                     .layer = MS_LAYER_AUTHDB, .ts = noyear(5, 4, 210)});
    assert_int_equal(at(ssh).outcome, MS_OUT_AUTH_FAIL);
    assert_int_equal(at(smtp).user.n, 0);
}

static void test_ssh_and_imap_apart(void **state)
{
    (void)state;
    add((line){SSHD, IP, "bob", "password", .service = MS_SVC_SSH,
               .layer = MS_LAYER_FRONT, .ts = noyear(5, 4, 100)});
    size_t worker = add((line){DOVECOT, IP, "bob", .layer = MS_LAYER_AUTHDB,
                               .ts = noyear(5, 4, 110)});
    assert_int_equal(at(worker).outcome, MS_OUT_AUTH_FAIL);
    assert_int_equal(at(worker).service, MS_SVC_UNKNOWN);
    add((line){SSHD, "192.0.2.9", "admin", .service = MS_SVC_SSH,
               .layer = MS_LAYER_AUTHDB, .ts = noyear(5, 4, 200)});
    size_t login = add((line){DOVECOT, "192.0.2.9", "", "PLAIN",
                              .service = MS_SVC_IMAP, .layer = MS_LAYER_FRONT,
                              .ts = noyear(5, 4, 210)});
    assert_int_equal(at(login).outcome, MS_OUT_AUTH_FAIL);
}

/* dovecot's auth worker, PAM for dovecot (a PAM service naming it, of no
 * known service) and the login process: one attempt. */
static void test_dovecot_layers_count_once(void **state)
{
    (void)state;
    size_t pam = add((line){PAM, IP, "bob", .svc = "dovecot",
                            .layer = MS_LAYER_PAM, .ts = noyear(5, 4, 100)});
    size_t worker = add((line){DOVECOT, IP, "bob", .layer = MS_LAYER_AUTHDB,
                               .ts = noyear(5, 4, 100)});
    size_t login = add((line){DOVECOT, IP, "bob", "PLAIN",
                              .service = MS_SVC_IMAP, .layer = MS_LAYER_FRONT,
                              .ts = noyear(5, 4, 102)});
    assert_int_equal(at(pam).outcome, MS_OUT_AUTH_FAIL);
    assert_int_equal(at(worker).outcome, MS_OUT_DUPLICATE);
    assert_int_equal(at(login).outcome, MS_OUT_DUPLICATE);
    assert_int_equal(at(login).dup_of, 1);
    assert_int_equal(at(pam).service, MS_SVC_IMAP);
}

/* A PAM line for another program does not fold into dovecot's. */
static void test_pam_of_other_program_apart(void **state)
{
    (void)state;
    add((line){DOVECOT, IP, "bob", .layer = MS_LAYER_AUTHDB,
               .ts = noyear(5, 4, 100)});
    size_t ftp = add((line){PAM, IP, "bob", .svc = "vsftpd",
                            .layer = MS_LAYER_PAM, .ts = noyear(5, 4, 100)});
    assert_int_equal(at(ftp).outcome, MS_OUT_AUTH_FAIL);
}

/* sshd's lines and PAM's for sshd: `pam_unix(sshd:auth)` names sshd, `PAM 1
 * more authentication failure` names nothing but is of sshd's service. */
static void test_sshd_pam_count_once(void **state)
{
    (void)state;
    size_t invalid = add((line){SSHD, IP, "admin", .service = MS_SVC_SSH,
                                .layer = MS_LAYER_AUTHDB,
                                .ts = noyear(5, 4, 100)});
    size_t pam = add((line){PAM, IP, "", .svc = "sshd", .service = MS_SVC_SSH,
                            .layer = MS_LAYER_PAM, .ts = noyear(5, 4, 100)});
    size_t failed = add((line){SSHD, IP, "admin", "password",
                               .service = MS_SVC_SSH, .layer = MS_LAYER_FRONT,
                               .ts = noyear(5, 4, 102)});
    assert_int_equal(at(invalid).outcome, MS_OUT_AUTH_FAIL);
    assert_int_equal(at(pam).outcome, MS_OUT_DUPLICATE);
    assert_int_equal(at(failed).outcome, MS_OUT_DUPLICATE);
    add((line){SSHD, IP, "root", "password", .service = MS_SVC_SSH,
               .layer = MS_LAYER_FRONT, .ts = noyear(5, 4, 200)});
    size_t more = add((line){PAM, IP, "root", .service = MS_SVC_SSH,
                             .layer = MS_LAYER_PAM, .ts = noyear(5, 4, 200)});
    assert_int_equal(at(more).outcome, MS_OUT_DUPLICATE);
}

/* postfix's SASL failure and the PAM line saslauthd logs for it (PAM
 * service smtp, naming no daemon): one attempt, on the smtp port or the
 * submission port; but not with an imap failure. */
static void test_smtp_saslauthd_count_once(void **state)
{
    (void)state;
    size_t smtpd = add((line){POSTFIX, IP, "", "LOGIN",
                              .service = MS_SVC_SMTP, .layer = MS_LAYER_FRONT,
                              .ts = noyear(5, 4, 100)});
    size_t sasl = add((line){PAM, IP, "bob", .svc = "smtp",
                             .service = MS_SVC_SMTP, .layer = MS_LAYER_PAM,
                             .ts = noyear(5, 4, 101)});
    assert_int_equal(at(sasl).outcome, MS_OUT_DUPLICATE);
    assert_int_equal(at(smtpd).user.n, 3);
    smtpd = add((line){POSTFIX, IP, "", "LOGIN", .service = MS_SVC_SUBMISSION,
                       .layer = MS_LAYER_FRONT, .ts = noyear(5, 4, 200)});
    sasl = add((line){PAM, IP, "", .svc = "smtp", .service = MS_SVC_SMTP,
                      .layer = MS_LAYER_PAM, .ts = noyear(5, 4, 201)});
    assert_int_equal(at(sasl).outcome, MS_OUT_DUPLICATE);
    add((line){DOVECOT, IP, "", "PLAIN", .service = MS_SVC_IMAP,
               .layer = MS_LAYER_FRONT, .ts = noyear(5, 4, 300)});
    sasl = add((line){PAM, IP, "", .svc = "smtp", .service = MS_SVC_SMTP,
                      .layer = MS_LAYER_PAM, .ts = noyear(5, 4, 301)});
    assert_int_equal(at(sasl).outcome, MS_OUT_AUTH_FAIL);
}

/* dovecot's auth process as postfix's or exim's SASL backend: its line
 * (no service) and the smtp daemon's are one attempt; with sshd's, two. */
static void test_dovecot_sasl_count_once(void **state)
{
    (void)state;
    size_t worker = add((line){DOVECOT, IP, "bob", .layer = MS_LAYER_AUTHDB,
                               .ts = noyear(5, 4, 100)});
    size_t smtpd = add((line){POSTFIX, IP, "", "LOGIN",
                              .service = MS_SVC_SUBMISSION,
                              .layer = MS_LAYER_FRONT, .ts = noyear(5, 4, 101)});
    assert_int_equal(at(smtpd).outcome, MS_OUT_DUPLICATE);
    assert_int_equal(at(worker).service, MS_SVC_SUBMISSION);
    smtpd = add((line){ms_family_exim.source, "192.0.2.9", "bob", "LOGIN",
                       .service = MS_SVC_SMTP, .layer = MS_LAYER_FRONT,
                       .ts = noyear(5, 4, 200)});
    worker = add((line){DOVECOT, "192.0.2.9", "bob", .layer = MS_LAYER_AUTHDB,
                        .ts = noyear(5, 4, 200)});
    assert_int_equal(at(worker).outcome, MS_OUT_DUPLICATE);
    add((line){SSHD, "192.0.2.10", "bob", .service = MS_SVC_SSH,
               .layer = MS_LAYER_FRONT, .ts = noyear(5, 4, 300)});
    worker = add((line){DOVECOT, "192.0.2.10", "bob", .layer = MS_LAYER_AUTHDB,
                        .ts = noyear(5, 4, 300)});
    assert_int_equal(at(worker).outcome, MS_OUT_AUTH_FAIL);
}

/* The same stamp a year apart: year-less, one Dec->Jan wrap between; or
 * with the year. */
static void test_year_apart(void **state)
{
    (void)state;
    add((line){.ip = IP, .user = "bob", .layer = MS_LAYER_AUTHDB,
               .ts = noyear(5, 4, 100)});
    size_t b = add((line){.ip = IP, .user = "bob", .layer = MS_LAYER_FRONT,
                          .ts = noyear(5, 4, 100), .wrap = 1});
    assert_int_equal(at(b).outcome, MS_OUT_AUTH_FAIL);
    int64_t t = ms_days_from_civil(2023, 5, 4) * 86400;
    add((line){.ip = "192.0.2.9", .user = "bob", .layer = MS_LAYER_AUTHDB,
               .ts = {.kind = MS_TS_ABS, .time = t * MS_NS_PER_S}});
    b = add((line){.ip = "192.0.2.9", .user = "bob", .layer = MS_LAYER_FRONT,
                   .ts = {.kind = MS_TS_ABS,
                          .time = (t + 365 * 86400) * MS_NS_PER_S}});
    assert_int_equal(at(b).outcome, MS_OUT_AUTH_FAIL);
}

/* The same time of day on two days, within a year and across its end. */
static void test_days_apart(void **state)
{
    (void)state;
    add((line){.ip = IP, .user = "bob", .layer = MS_LAYER_AUTHDB,
               .ts = noyear(5, 4, 100)});
    size_t b = add((line){.ip = IP, .user = "bob", .layer = MS_LAYER_FRONT,
                          .ts = noyear(5, 5, 100)});
    assert_int_equal(at(b).outcome, MS_OUT_AUTH_FAIL);
    add((line){.ip = IP, .user = "eve", .layer = MS_LAYER_AUTHDB,
               .ts = noyear(12, 31, 100)});
    b = add((line){.ip = IP, .user = "eve", .layer = MS_LAYER_FRONT,
                   .ts = noyear(1, 1, 100), .wrap = 1});
    assert_int_equal(at(b).outcome, MS_OUT_AUTH_FAIL);
}

/* Dec 31 23:59 and, after the wrap, Jan 1 00:01: two minutes apart. */
static void test_new_year_folds(void **state)
{
    (void)state;
    add((line){.ip = IP, .user = "bob", .layer = MS_LAYER_AUTHDB,
               .ts = noyear(12, 31, 86340)});
    size_t b = add((line){.ip = IP, .user = "bob", .layer = MS_LAYER_FRONT,
                          .ts = noyear(1, 1, 60), .wrap = 1});
    assert_int_equal(at(b).outcome, MS_OUT_DUPLICATE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_layers_count_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_layer_counts_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_user_counts_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outside_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_addresses_between, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ring_forgets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absorbs_once_per_layer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_addresses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enriches_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ssh_and_smtp_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ssh_and_imap_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dovecot_layers_count_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pam_of_other_program_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sshd_pam_count_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smtp_saslauthd_count_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dovecot_sasl_count_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_year_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_days_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_year_folds, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
