/* fuzz_geo.c — the geo databases a user hands over, which may be damaged or
 * hostile: .mmdb files (enrich/mmdb.c over libmaxminddb) and IP-range
 * tables, CSV or TSV, plain or compressed (enrich/ranges.c over libcsv).
 *
 * The input is the database file, added by content (ms_geo_add: .mmdb when
 * it holds the MaxMind metadata marker, else a table). Either it is refused
 * with a message, and listed with its error, or it is in use. Then a fixed
 * set of addresses (each test range's first, middle and last address,
 * IPv4-mapped and plain IPv6, the extremes) and two taken from the input's
 * last bytes are looked up. Checks: a lookup returns 0 or -1 with a
 * message; every answer is a readable C string (ASan sees a short one); a
 * country is "" or two capital letters; an AS is "" or "AS" and digits, and a name
 * comes only with its AS; a source that errs stays listed with why. */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "core/ip.h"
#include "enrich/geo.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const probes[] = {
    "192.0.2.0",     "192.0.2.64",   "192.0.2.255",    "198.51.100.7",
    "203.0.113.64",  "0.0.0.0",      "255.255.255.255", "10.1.2.3",
    "::ffff:192.0.2.9", "2001:db8::1", "2001:db8:1::ffff", "::",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::1",
};

static void check_info(const ms_geo_info *i)
{
    FZ_CHECK(i->country && i->asn && i->as_org);
    size_t c = strlen(i->country);
    FZ_CHECK(c == 0 || (c == 2 && i->country[0] >= 'A' && i->country[0] <= 'Z' &&
                        i->country[1] >= 'A' && i->country[1] <= 'Z'));
    size_t a = strlen(i->asn);
    if (a) {
        FZ_CHECK(a > 2 && i->asn[0] == 'A' && i->asn[1] == 'S');
        for (size_t k = 2; k < a; k++)
            FZ_CHECK(isdigit((unsigned char)i->asn[k]));
    } else {
        FZ_CHECK(i->as_org[0] == '\0');
    }
    (void)strlen(i->as_org);
}

static void look(ms_geo *g, const ms_ip *ip)
{
    ms_geo_info info = {0};
    ms_error err = {0};
    int rc = ms_geo_lookup(g, ip, &info, &err);
    FZ_CHECK(rc == 0 || rc == -1);
    if (rc < 0)
        FZ_CHECK(err.msg[0] != '\0');
    check_info(&info);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_file(data, size);
    ms_geo *g = ms_geo_new();
    FZ_CHECK(g != NULL);
    ms_error err = {0};
    int rc = ms_geo_add(g, path, 0, &err);
    FZ_CHECK(rc == 0 || rc == -1);
    size_t n = 0;
    const ms_geo_source *s = ms_geo_sources(g, &n);
    FZ_CHECK(n == 1);
    FZ_CHECK(s[0].path && s[0].format && s[0].type && s[0].attribution);
    if (rc < 0) {
        FZ_CHECK(err.code == MS_ERR_NOMEM || err.msg[0] != '\0');
        FZ_CHECK(s[0].error != NULL);
        FZ_CHECK(ms_geo_usable(g) == 0);
    } else {
        FZ_CHECK(s[0].error == NULL);
        FZ_CHECK(s[0].fields != 0);
    }

    for (size_t k = 0; k < sizeof probes / sizeof *probes; k++) {
        ms_ip ip;
        FZ_CHECK(ms_ip_parse(probes[k], strlen(probes[k]), &ip));
        look(g, &ip);
    }
    if (size >= 16) {
        ms_ip ip;
        memcpy(ip.b, data + size - 16, 16);
        look(g, &ip);
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                           0xff, 0xff};
        memcpy(ip.b, mapped, 12);
        look(g, &ip);
    }
    ms_geo_free(g);
    return 0;
}
