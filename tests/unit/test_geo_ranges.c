/* test_geo_ranges.c — geo/ASN range tables (enrich/ranges.c through
 * enrich/geo.h): the committed tables in testdata/geo (ip-location-db CSV
 * with dotted and numeric IPv6 bounds, iptoasn TSV), inclusive bounds,
 * quoted names, AS 0 rows, a header row, bad rows counted, a gzip'd table,
 * nested ranges, IPv4-mapped addresses, lookup order between sources, a
 * file that is no table (error naming it, the others go on), discovery in
 * a folder, and enrichment of an analysis. No perl needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "geo_harness.h"

#define TD MS_TESTDATA "/geo/"

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_ip_location_db_csv(void **state)
{
    (void)state;
    ms_geo *g = ms_geo_new();
    ms_error err = {0};
    assert_int_equal(ms_geo_add_table(g, TD "asn-ipv4.csv", 0, &err), 0);
    size_t n;
    const ms_geo_source *s = ms_geo_sources(g, &n);
    assert_int_equal(n, 1);
    assert_string_equal(s[0].format, "csv");
    assert_string_equal(s[0].type, "asn ranges");
    assert_int_equal(s[0].fields, MS_GEO_ASN | MS_GEO_ORG);
    assert_int_equal(s[0].entries, 4);      /* the AS 0 row is no range */
    assert_int_equal(s[0].skipped, 0);
    assert_int_equal(s[0].built, -1);
    assert_null(s[0].error);
    assert_int_equal(ms_geo_usable(g), 1);
    /* Bounds are inclusive. */
    expect(g, "192.0.2.0", "", "AS64500", "Example, Inc.");
    expect(g, "192.0.2.127", "", "AS64500", "Example, Inc.");
    expect(g, "192.0.2.128", "", "", "");
    expect(g, "192.0.2.1", "", "AS64500", "Example, Inc.");
    expect(g, "::ffff:192.0.2.1", "", "AS64500", "Example, Inc.");
    expect(g, "198.51.100.255", "", "AS64501", "Beispiel GmbH");
    expect(g, "203.0.113.10", "", "AS64502", "Quote \"Test\" Ltd");
    expect(g, "203.0.113.64", "", "", "");   /* AS 0: not routed */
    expect(g, "203.0.113.150", "", "AS64503", "");
    expect(g, "1.2.3.4", "", "", "");
    expect(g, "0.0.0.0", "", "", "");
    expect(g, "255.255.255.255", "", "", "");
    expect(g, "2001:db8:1::1", "", "", "");   /* no IPv6 in this table */
    ms_geo_free(g);
}

static void test_numeric_ipv6(void **state)
{
    (void)state;
    ms_geo *g = ms_geo_new();
    ms_error err = {0};
    assert_int_equal(ms_geo_add_table(g, TD "asn-ipv6-num.csv", 0, &err), 0);
    expect(g, "2001:db8:1::", "", "AS64510", "Six Networks");
    expect(g, "2001:db8:1:ffff:ffff:ffff:ffff:ffff", "", "AS64510", "Six Networks");
    expect(g, "2001:db8:2::", "", "", "");
    expect(g, "2001:db8:0:ffff::1", "", "", "");
    /* A range inside ::ffff:0:0/96 answers for IPv4 addresses. */
    expect(g, "203.0.113.200", "", "AS64511", "Mapped, Ltd");
    expect(g, "::ffff:203.0.113.128", "", "AS64511", "Mapped, Ltd");
    expect(g, "203.0.113.127", "", "", "");
    ms_geo_free(g);
}

static void test_iptoasn_tsv(void **state)
{
    (void)state;
    ms_geo *g = ms_geo_new();
    ms_error err = {0};
    assert_int_equal(ms_geo_add_table(g, TD "ip2asn-combined.tsv", 0, &err), 0);
    size_t n;
    const ms_geo_source *s = ms_geo_sources(g, &n);
    assert_string_equal(s[0].format, "tsv");
    assert_string_equal(s[0].type, "iptoasn ip2asn");
    assert_int_equal(s[0].fields, MS_GEO_COUNTRY | MS_GEO_ASN | MS_GEO_ORG);
    assert_int_equal(s[0].entries, 3);
    assert_string_equal(s[0].attribution, "IP-to-ASN data from iptoasn.com.");
    expect(g, "192.0.2.7", "CN", "AS4134", "CHINANET-BACKBONE No.31,Jin-rong Street");
    expect(g, "198.51.100.7", "", "", "");           /* AS 0, "None" */
    expect(g, "203.0.113.7", "FR", "AS16276", "\"OVH SAS");   /* a bare quote */
    expect(g, "2001:db8:1:2::3", "US", "AS26496", "GO-DADDY-COM-LLC");
    expect(g, "2001:db8:2::3", "", "", "");
    ms_geo_free(g);
}

/* The registry country of an iptoasn table gives way to a country table
 * named after it; AS numbers come from the first source that has one. */
static void test_order(void **state)
{
    (void)state;
    const char *cc = tmp_path("country.csv");
    write_file(cc, "start,end,country\n"
                   "192.0.2.0,192.0.2.255,jp\n"
                   "2001:db8:1::,2001:db8:1::ffff,ZZ\n");
    ms_geo *g = ms_geo_new();
    ms_error err = {0};
    assert_int_equal(ms_geo_add_table(g, TD "ip2asn-combined.tsv", 0, &err), 0);
    assert_int_equal(ms_geo_add_table(g, TD "asn-ipv4.csv", 0, &err), 0);
    assert_int_equal(ms_geo_add_table(g, cc, 0, &err), 0);
    size_t n;
    const ms_geo_source *s = ms_geo_sources(g, &n);
    assert_int_equal(n, 3);
    assert_string_equal(s[2].type, "country ranges");
    assert_int_equal(s[2].skipped, 0);       /* the header row is not counted */
    assert_int_equal(s[2].entries, 1);       /* ZZ: unknown */
    /* iptoasn is first for the AS, the country table wins the country. */
    expect(g, "192.0.2.7", "JP", "AS4134", "CHINANET-BACKBONE No.31,Jin-rong Street");
    /* The ip-location-db table answers where iptoasn has nothing. */
    expect(g, "198.51.100.7", "", "AS64501", "Beispiel GmbH");
    /* Only the registry country is known: it is used. */
    expect(g, "2001:db8:1::5", "US", "AS26496", "GO-DADDY-COM-LLC");
    ms_geo_free(g);
}

static void test_bad_rows_nested_gzip(void **state)
{
    (void)state;
    const char *gz = tmp_path("asn-mixed.csv.gz");
    gzFile z = gzopen(gz, "wb");
    assert_non_null(z);
    gzputs(z, "# a comment\n"
              "10.0.0.0,10.255.255.255,64600,Big\n"
              "10.1.0.0,10.1.0.255,64601,Small inside Big\n"
              "10.9.9.9,10.0.0.1,64602,reversed\n"
              "10.2.0.0,2001:db8::1,64603,mixed families\n"
              "not,an,address,row\n"
              "10.3.0.0,10.3.0.255,notanumber,x\n"
              "\n"
              "167772160,167772160,64604,\"numeric, one address\"\n");
    gzclose(z);
    ms_geo *g = ms_geo_new();
    ms_error err = {0};
    assert_int_equal(ms_geo_add_table(g, gz, 0, &err), 0);
    size_t n;
    const ms_geo_source *s = ms_geo_sources(g, &n);
    assert_int_equal(s[0].entries, 3);
    assert_int_equal(s[0].skipped, 4);
    expect(g, "10.0.0.0", "", "AS64604", "numeric, one address");
    expect(g, "10.0.0.1", "", "AS64600", "Big");
    expect(g, "10.1.0.7", "", "AS64601", "Small inside Big");
    expect(g, "10.1.1.0", "", "AS64600", "Big");   /* past the nested one */
    expect(g, "10.255.255.255", "", "AS64600", "Big");
    expect(g, "11.0.0.0", "", "", "");
    ms_geo_free(g);
}

/* A file that is no table, and one that is missing: each is an error
 * naming the file, listed with it; the good one goes on. */
static void test_not_a_table(void **state)
{
    (void)state;
    const char *junk = tmp_path("junk.csv");
    write_file(junk, "hello, world\nthis is not\ta table\n");
    ms_geo *g = ms_geo_new();
    ms_error err = {0};
    assert_int_equal(ms_geo_add_table(g, junk, 0, &err), -1);
    assert_int_equal(err.code, MS_ERR_DATA);
    assert_non_null(strstr(err.msg, junk));
    assert_non_null(strstr(err.msg, "no IP ranges"));
    assert_int_equal(ms_geo_add_table(g, tmp_path("missing.csv"), 0, &err), -1);
    assert_int_equal(err.code, MS_ERR_IO);
    assert_non_null(strstr(err.msg, "missing.csv"));
    assert_int_equal(ms_geo_add_table(g, TD "asn-ipv4.csv", 0, &err), 0);
    size_t n;
    const ms_geo_source *s = ms_geo_sources(g, &n);
    assert_int_equal(n, 3);
    assert_non_null(s[0].error);
    assert_non_null(s[1].error);
    assert_null(s[2].error);
    assert_int_equal(ms_geo_usable(g), 1);
    expect(g, "192.0.2.1", "", "AS64500", "Example, Inc.");
    ms_geo_free(g);
}

static void test_discover(void **state)
{
    (void)state;
    char dir[300];
    snprintf(dir, sizeof dir, "%s/found", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    char p[400];
    snprintf(p, sizeof p, "%s/asn-ipv4.csv", dir);
    write_file(p, "192.0.2.0,192.0.2.255,64700,Found Net\n");
    snprintf(p, sizeof p, "%s/asn-ipv4.csv.attribution", dir);
    write_file(p, "Found Net data,\nCC BY 4.0\n\n");
    snprintf(p, sizeof p, "%s/asn-ipv4-num.csv", dir);   /* the twin: skipped */
    write_file(p, "3221225984,3221226239,64701,Twin\n");
    snprintf(p, sizeof p, "%s/ip2asn-v4.tsv", dir);
    write_file(p, "198.51.100.0\t198.51.100.255\t64702\tNL\tTsv Net\n");
    snprintf(p, sizeof p, "%s/users.csv", dir);         /* not a geo table */
    write_file(p, "a,b,c\n");
    const char *dirs[] = {"/nonexistent/geo", dir};
    ms_geo *g = ms_geo_new();
    ms_error err = {0};
    assert_int_equal(ms_geo_discover(g, dirs, 2, &err), 0);
    size_t n, nd;
    const ms_geo_source *s = ms_geo_sources(g, &n);
    const char *const *searched = ms_geo_searched(g, &nd);
    assert_int_equal(nd, 2);
    assert_string_equal(searched[0], "/nonexistent/geo");
    assert_int_equal(n, 2);
    assert_non_null(strstr(s[0].path, "/asn-ipv4.csv"));
    assert_int_equal(s[0].found, 1);
    assert_string_equal(s[0].attribution, "Found Net data, CC BY 4.0");
    assert_non_null(strstr(s[1].path, "/ip2asn-v4.tsv"));
    expect(g, "192.0.2.9", "", "AS64700", "Found Net");
    expect(g, "198.51.100.9", "NL", "AS64702", "Tsv Net");
    ms_geo_free(g);

    /* Nothing found: no source, the folders still listed. */
    g = ms_geo_new();
    assert_int_equal(ms_geo_discover(g, dirs, 1, &err), 0);
    ms_geo_sources(g, &n);
    assert_int_equal(n, 0);
    assert_int_equal(ms_geo_usable(g), 0);
    ms_geo_searched(g, &nd);
    assert_int_equal(nd, 1);
    expect(g, "192.0.2.9", "", "", "");
    ms_geo_free(g);
}

static void test_default_dirs(void **state)
{
    (void)state;
    char *d[8];
    setenv("XDG_DATA_HOME", "/xdg", 1);
    size_t n = ms_geo_default_dirs("/src/build", d);
    assert_int_equal(n, 4);
    assert_string_equal(d[0], "/usr/share/GeoIP");
    assert_string_equal(d[1], "/var/lib/GeoIP");
    assert_string_equal(d[2], "/xdg/mailsleuth");
    assert_string_equal(d[3], "/src/data");
    for (size_t i = 0; i < n; i++)
        free(d[i]);
    unsetenv("XDG_DATA_HOME");
    setenv("HOME", "/home/u", 1);
    n = ms_geo_default_dirs(NULL, d);
    assert_int_equal(n, 3);
    assert_string_equal(d[2], "/home/u/.local/share/mailsleuth");
    for (size_t i = 0; i < n; i++)
        free(d[i]);
}

/* Enrichment fills ips' fields with strings that outlive the ms_geo. */
static void test_enrich(void **state)
{
    (void)state;
    ms_store st;
    assert_int_equal(ms_store_init(&st), 0);
    assert_true(ms_store_add_file(&st, "x") == 0);
    const char *ips[] = {"192.0.2.1", "::ffff:192.0.2.2", "2001:db8:1::9", "203.0.113.99"};
    for (int i = 0; i < 4; i++) {
        ms_event e = {0};
        e.time = (int64_t)(i + 1) * MS_NS_PER_S;
        assert_true(ms_ip_parse(ips[i], strlen(ips[i]), &e.ip));
        e.outcome = MS_OUT_AUTH_FAIL;
        e.service = MS_SVC_IMAP;
        e.attempts = 1;
        e.source = "dovecot";
        e.user.p = "root";
        e.user.n = 4;
        e.method.p = e.reason.p = e.session.p = e.host.p = "";
        assert_int_equal(ms_store_add(&st, &e, 0), 0);
    }
    assert_int_equal(ms_store_finish(&st), 0);
    ms_analyze_opts o;
    ms_analyze_defaults(&o);
    ms_analysis a;
    ms_error err = {0};
    assert_int_equal(ms_analyze(&st, &o, &a, &err), 0);
    ms_geo *g = ms_geo_new();
    assert_int_equal(ms_geo_add_table(g, TD "ip2asn-combined.tsv", 0, &err), 0);
    assert_int_equal(ms_geo_add_table(g, TD "asn-ipv4.csv", 0, &err), 0);
    assert_int_equal(ms_geo_enrich(g, &a, &err), 0);
    uint64_t addrs;
    double secs;
    ms_geo_stats(g, &addrs, &secs);
    assert_int_equal(addrs, 4);
    size_t n;
    const ms_geo_source *s = ms_geo_sources(g, &n);
    assert_int_equal(s[0].answered, 4);
    assert_int_equal(s[0].used, MS_GEO_COUNTRY | MS_GEO_ASN | MS_GEO_ORG);
    assert_int_equal(s[1].answered, 0);
    ms_geo_free(g);
    const char *want[4][3] = {
        {"CN", "AS4134", "CHINANET-BACKBONE No.31,Jin-rong Street"},
        {"CN", "AS4134", "CHINANET-BACKBONE No.31,Jin-rong Street"},
        {"US", "AS26496", "GO-DADDY-COM-LLC"},
        {"FR", "AS16276", "\"OVH SAS"},
    };
    for (int i = 0; i < 4; i++) {
        ms_ip x;
        ms_ip_parse(ips[i], strlen(ips[i]), &x);
        uint32_t id = ms_intern_get(&st.ips, (const char *)x.b, 16);
        assert_true(id != UINT32_MAX);
        assert_string_equal(a.ip[id].country, want[i][0]);
        assert_string_equal(a.ip[id].asn, want[i][1]);
        assert_string_equal(a.ip[id].as_org, want[i][2]);
    }
    ms_analysis_free(&a);
    ms_store_free(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ip_location_db_csv),
        cmocka_unit_test(test_numeric_ipv6),
        cmocka_unit_test(test_iptoasn_tsv),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_bad_rows_nested_gzip),
        cmocka_unit_test(test_not_a_table),
        cmocka_unit_test(test_discover),
        cmocka_unit_test(test_default_dirs),
        cmocka_unit_test(test_enrich),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
