/* test_geo_mmdb.c — .mmdb databases (enrich/mmdb.c through enrich/geo.h)
 * built for the test by testdata/geo/make-test-mmdb.pl (Debian's
 * libmaxmind-db-writer-perl; without it the test is skipped, exit 77):
 * GeoLite2-style country (with a registered_country-only range) and ASN
 * databases, an IPinfo-Lite-style flat IPv4-only one; IPv4, IPv6,
 * IPv4-mapped (the databases do not alias ::ffff:0:0/96), an address in
 * no range, fields detected, metadata, the per-record cache, and damaged
 * files (not an mmdb, truncated, a corrupt search tree, a corrupt record
 * found only during lookups): each an error naming the file while the
 * other databases go on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "geo_harness.h"

static ms_geo *open_three(void)
{
    ms_geo *g = ms_geo_new();
    ms_error err = {0};
    assert_non_null(g);
    assert_int_equal(ms_geo_add_mmdb(g, tmp_path("country.mmdb"), 0, &err), 0);
    assert_int_equal(ms_geo_add_mmdb(g, tmp_path("asn.mmdb"), 0, &err), 0);
    assert_int_equal(ms_geo_add(g, tmp_path("flat.mmdb"), 0, &err), 0);
    return g;
}

static void test_lookups(void **state)
{
    (void)state;
    ms_geo *g = open_three();
    /* IPv4, its IPv4-mapped form, and an IPv4 address the ASN database
     * has no range for. */
    expect(g, "192.0.2.5", "CN", "AS4134", "CHINANET-BACKBONE");
    expect(g, "::ffff:192.0.2.5", "CN", "AS4134", "CHINANET-BACKBONE");
    expect(g, "192.0.2.200", "CN", "", "");
    /* registered_country when the record has no country. */
    expect(g, "198.51.100.20", "FR", "AS16276", "OVH SAS");
    expect(g, "198.51.100.200", "DE", "AS16276", "OVH SAS");
    /* IPv6. */
    expect(g, "2001:db8:1::5", "US", "AS26496", "GO-DADDY-COM-LLC");
    expect(g, "2001:db8:1:ffff:ffff:ffff:ffff:ffff", "US", "AS26496",
           "GO-DADDY-COM-LLC");
    /* The flat (IPinfo Lite) schema, in an IPv4-only database. */
    expect(g, "203.0.113.9", "BR", "AS28573", "Claro NXT");
    expect(g, "::ffff:203.0.113.9", "BR", "AS28573", "Claro NXT");
    /* In no range of any database (the IPv6 ones skip the IPv4-only one). */
    expect(g, "2001:db8:ffff::1", "", "", "");
    expect(g, "100.64.1.1", "", "", "");
    expect(g, "::1", "", "", "");
    ms_geo_free(g);
}

static void test_sources(void **state)
{
    (void)state;
    ms_geo *g = open_three();
    size_t n;
    const ms_geo_source *s = ms_geo_sources(g, &n);
    assert_int_equal(n, 3);
    assert_int_equal(ms_geo_usable(g), 3);
    assert_string_equal(s[0].format, "mmdb");
    assert_string_equal(s[0].type, "mailsleuth-Test-Country");
    assert_string_equal(s[0].description,
                        "mailsleuth test database (mailsleuth-Test-Country)");
    assert_int_equal(s[0].built, 1717200000);
    assert_true(s[0].mtime > 0);
    assert_true(s[0].entries > 0);
    assert_int_equal(s[0].fields, MS_GEO_COUNTRY);
    assert_string_equal(s[0].attribution, "");
    assert_int_equal(s[0].found, 0);
    assert_null(s[0].error);
    assert_string_equal(s[1].type, "mailsleuth-Test-ASN");
    assert_int_equal(s[1].fields, MS_GEO_ASN | MS_GEO_ORG);
    assert_string_equal(s[2].format, "mmdb");    /* ms_geo_add: by content */
    assert_int_equal(s[2].fields, MS_GEO_COUNTRY | MS_GEO_ASN | MS_GEO_ORG);
    assert_non_null(strstr(s[2].attribution, "IPinfo"));
    ms_geo_free(g);
}

static void copy_prefix(const char *from, const char *to, long n)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[4096];
    size_t k;
    long left = n < 0 ? 1L << 30 : n;
    while (left > 0 && (k = fread(buf, 1, left < 4096 ? (size_t)left : 4096, in)) > 0) {
        fwrite(buf, 1, k, out);
        left -= (long)k;
    }
    fclose(in);
    fclose(out);
}

/* Damaged files: an error naming the file, listed with it; the rest go on. */
static void test_damaged(void **state)
{
    (void)state;
    FILE *fp = fopen(tmp_path("text.mmdb"), "w");
    assert_non_null(fp);
    fputs("this is not a MaxMind database\n", fp);
    fclose(fp);
    copy_prefix(tmp_path("country.mmdb"), tmp_path("truncated.mmdb"), 700);
    /* The root node's records pointing far outside the file. */
    copy_prefix(tmp_path("country.mmdb"), tmp_path("tree.mmdb"), -1);
    fp = fopen(tmp_path("tree.mmdb"), "r+b");
    assert_non_null(fp);
    fwrite("\xff\xff\xf0\xff\xff\xf0", 1, 6, fp);
    fclose(fp);

    const char *bad[] = {"text.mmdb", "truncated.mmdb", "tree.mmdb", "missing.mmdb"};
    ms_geo *g = ms_geo_new();
    ms_error err = {0};
    for (size_t i = 0; i < 4; i++) {
        err = (ms_error){0};
        assert_int_equal(ms_geo_add_mmdb(g, tmp_path(bad[i]), 0, &err), -1);
        if (!strstr(err.msg, tmp_path(bad[i])))
            fail_msg("error does not name the file: %s", err.msg);
        assert_int_equal(err.code, i == 3 ? MS_ERR_IO : MS_ERR_DATA);
    }
    assert_non_null(strstr(err.msg, "cannot read"));
    assert_int_equal(ms_geo_add_mmdb(g, tmp_path("asn.mmdb"), 0, &err), 0);
    size_t n;
    const ms_geo_source *s = ms_geo_sources(g, &n);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < 4; i++)
        assert_non_null(s[i].error);
    assert_null(s[4].error);
    assert_int_equal(ms_geo_usable(g), 1);
    expect(g, "192.0.2.5", "", "AS4134", "CHINANET-BACKBONE");
    ms_geo_free(g);
}

/* An mmdb with neither country nor AS fields is refused (and skipped
 * silently by discovery); discovery takes .mmdb files before tables. */
static void test_discover(void **state)
{
    (void)state;
    char sub[128];
    snprintf(sub, sizeof sub, "%s/found", tmpdir);
    assert_int_equal(mkdir(sub, 0755), 0);
    char to[256];
    snprintf(to, sizeof to, "%s/ip2asn-v4.tsv", sub);
    FILE *fp = fopen(to, "w");
    assert_non_null(fp);
    fputs("192.0.2.0\t192.0.2.255\t64999\tJP\tTable Net\n", fp);
    fclose(fp);
    snprintf(to, sizeof to, "%s/GeoLite2-Country.mmdb", sub);
    copy_prefix(tmp_path("country.mmdb"), to, -1);
    snprintf(to, sizeof to, "%s/Other.mmdb", sub);
    copy_prefix(tmp_path("other.mmdb"), to, -1);
    ms_geo *g = ms_geo_new();
    ms_error err = {0};
    assert_int_equal(ms_geo_add_mmdb(g, to, 0, &err), -1);
    assert_int_equal(err.code, MS_ERR_USAGE);
    assert_non_null(strstr(err.msg, "no country or AS number"));
    ms_geo_free(g);

    g = ms_geo_new();
    const char *dirs[] = {sub};
    assert_int_equal(ms_geo_discover(g, dirs, 1, &err), 0);
    size_t n;
    const ms_geo_source *s = ms_geo_sources(g, &n);
    assert_int_equal(n, 2);
    assert_non_null(strstr(s[0].path, "GeoLite2-Country.mmdb"));
    assert_int_equal(s[0].found, 1);
    assert_non_null(strstr(s[1].path, "ip2asn-v4.tsv"));
    /* The table's registry country gives way to the mmdb's. */
    expect(g, "192.0.2.5", "CN", "AS64999", "Table Net");
    ms_geo_free(g);
}

/* Many addresses of one network: one decoded record (the cache), and the
 * analysis gets the fields. */
static void test_enrich(void **state)
{
    (void)state;
    ms_store st;
    assert_int_equal(ms_store_init(&st), 0);
    assert_true(ms_store_add_file(&st, "x") == 0);
    char ip[64];
    for (int i = 0; i < 300; i++) {
        ms_event e = {0};
        if (i < 250)
            snprintf(ip, sizeof ip, "192.0.2.%d", i);
        else
            snprintf(ip, sizeof ip, "2001:db8:1::%x", i);
        e.time = (int64_t)(i + 1) * MS_NS_PER_S;
        assert_true(ms_ip_parse(ip, strlen(ip), &e.ip));
        e.outcome = MS_OUT_AUTH_FAIL;
        e.service = MS_SVC_SMTP;
        e.attempts = 1;
        e.source = "postfix";
        e.user.p = "admin";
        e.user.n = 5;
        e.method.p = e.reason.p = e.session.p = e.host.p = "";
        assert_int_equal(ms_store_add(&st, &e, 0), 0);
    }
    assert_int_equal(ms_store_finish(&st), 0);
    ms_analyze_opts o;
    ms_analyze_defaults(&o);
    ms_analysis a;
    ms_error err = {0};
    assert_int_equal(ms_analyze(&st, &o, &a, &err), 0);
    ms_geo *g = open_three();
    assert_int_equal(ms_geo_enrich(g, &a, &err), 0);
    size_t n;
    const ms_geo_source *s = ms_geo_sources(g, &n);
    assert_int_equal(s[0].answered, 300);   /* country: all */
    assert_int_equal(s[1].answered, 178);   /* 192.0.2.0/25, 2001:db8:1::/48 */
    assert_int_equal(s[1].used, MS_GEO_ASN | MS_GEO_ORG);
    assert_int_equal(s[2].answered, 0);
    uint64_t addrs;
    double secs;
    ms_geo_stats(g, &addrs, &secs);
    assert_int_equal(addrs, 300);
    ms_geo_free(g);
    int cn = 0, asn = 0, us = 0;
    for (uint32_t id = 0; id < st.ips.n; id++) {
        if (!ms_store_ip_real(&st, id))
            continue;
        cn += !strcmp(a.ip[id].country, "CN");
        us += !strcmp(a.ip[id].country, "US") &&
              !strcmp(a.ip[id].as_org, "GO-DADDY-COM-LLC");
        asn += !strcmp(a.ip[id].asn, "AS4134");
    }
    assert_int_equal(cn, 250);
    assert_int_equal(asn, 128);              /* 192.0.2.0/25 */
    assert_int_equal(us, 50);
    ms_analysis_free(&a);
    ms_store_free(&st);
}

/* Damage found during lookups, not at open: the last record of
 * many.mmdb (beyond the sample read at open) is overwritten. Enrichment
 * reports one damaged database, names it, and the other one still
 * answers; the damaged one is asked no more. */
static void test_damaged_during_lookups(void **state)
{
    (void)state;
    const char *bad = tmp_path("many-bad.mmdb");
    copy_prefix(tmp_path("many.mmdb"), bad, -1);
    FILE *fp = fopen(bad, "r+b");
    assert_non_null(fp);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, fp);
    static const char marker[] = "\xab\xcd\xefMaxMind.com";
    char *m = memmem(buf, n, marker, sizeof marker - 1);
    assert_non_null(m);
    assert_int_equal(fseek(fp, (long)(m - buf) - 12, SEEK_SET), 0);
    fwrite("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 1, 12, fp);
    fclose(fp);

    ms_store st;
    assert_int_equal(ms_store_init(&st), 0);
    assert_true(ms_store_add_file(&st, "x") == 0);
    char ip[32];
    for (int i = 0; i < 200; i++) {
        ms_event e = {0};
        snprintf(ip, sizeof ip, "10.0.%d.1", i);
        e.time = (int64_t)(i + 1) * MS_NS_PER_S;
        assert_true(ms_ip_parse(ip, strlen(ip), &e.ip));
        e.outcome = MS_OUT_AUTH_FAIL;
        e.service = MS_SVC_IMAP;
        e.attempts = 1;
        e.source = "dovecot";
        e.user.p = "x";
        e.user.n = 1;
        e.method.p = e.reason.p = e.session.p = e.host.p = "";
        assert_int_equal(ms_store_add(&st, &e, 0), 0);
    }
    ms_ip x;
    assert_true(ms_ip_parse("192.0.2.5", 9, &x));
    ms_event e = {.time = 500 * MS_NS_PER_S, .ip = x, .outcome = MS_OUT_AUTH_FAIL,
                  .service = MS_SVC_IMAP, .attempts = 1, .source = "dovecot",
                  .user = {"x", 1}, .method = {"", 0}, .reason = {"", 0},
                  .session = {"", 0}, .host = {"", 0}};
    assert_int_equal(ms_store_add(&st, &e, 0), 0);
    assert_int_equal(ms_store_finish(&st), 0);
    ms_analyze_opts o;
    ms_analyze_defaults(&o);
    ms_analysis a;
    ms_error err = {0};
    assert_int_equal(ms_analyze(&st, &o, &a, &err), 0);

    ms_geo *g = ms_geo_new();
    assert_int_equal(ms_geo_add_mmdb(g, bad, 0, &err), 0);   /* looks fine */
    assert_int_equal(ms_geo_add_mmdb(g, tmp_path("asn.mmdb"), 0, &err), 0);
    assert_int_equal(ms_geo_usable(g), 2);
    err = (ms_error){0};
    assert_int_equal(ms_geo_enrich(g, &a, &err), 1);
    assert_int_equal(err.code, MS_ERR_DATA);
    assert_non_null(strstr(err.msg, bad));
    assert_non_null(strstr(err.msg, "damaged"));
    size_t nsrc;
    const ms_geo_source *s = ms_geo_sources(g, &nsrc);
    assert_non_null(s[0].error);
    assert_null(s[1].error);
    assert_int_equal(ms_geo_usable(g), 1);
    assert_int_equal(s[1].answered, 1);      /* 192.0.2.5 */
    assert_true(s[0].answered > 0 && s[0].answered < 200);
    ms_geo_free(g);
    uint32_t id = ms_intern_get(&st.ips, (const char *)x.b, 16);
    assert_string_equal(a.ip[id].asn, "AS4134");
    ms_analysis_free(&a);
    ms_store_free(&st);
}

int main(void)
{
    if (setup(NULL))
        return 1;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "perl '%s/geo/make-test-mmdb.pl' '%s'",
             MS_TESTDATA, tmpdir);
    int rc = system(cmd);
    int st = rc == -1 ? -1 : WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    if (st != 0) {
        teardown(NULL);
        if (st == 77 || st == 127) {
            printf("skipped: the test databases need perl and MaxMind::DB::Writer "
                   "(apt-get install libmaxmind-db-writer-perl)\n");
            return 77;
        }
        fprintf(stderr, "make-test-mmdb.pl failed (status %d)\n", st);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_sources),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_discover),
        cmocka_unit_test(test_enrich),
        cmocka_unit_test(test_damaged_during_lookups),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    teardown(NULL);
    return failed;
}
