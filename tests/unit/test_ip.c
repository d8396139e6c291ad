/* test_ip.c — address parsing and canonical printing (RFC 5952, mapped v4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <string.h>

#include "core/ip.h"

static void canon(const char *in, const char *want)
{
    ms_ip ip;
    char buf[MS_IP_STRLEN];
    assert_true(ms_ip_parse(in, strlen(in), &ip));
    ms_ip_format(&ip, buf);
    assert_string_equal(buf, want);
}

static void test_v4(void **state)
{
    (void)state;
    canon("1.2.3.4", "1.2.3.4");
    canon("255.255.255.255", "255.255.255.255");
    canon("0.0.0.0", "0.0.0.0");
    canon("10.0.99.100", "10.0.99.100");
    /* Every octet value, in each place, against the C library. */
    for (unsigned v = 0; v < 256; v++) {
        ms_ip ip = {.b = {[10] = 0xff, [11] = 0xff, [12] = (uint8_t)v,
                          [13] = (uint8_t)(255 - v), [14] = (uint8_t)(v / 3),
                          [15] = (uint8_t)(v * 7)}};
        char buf[MS_IP_STRLEN], want[MS_IP_STRLEN];
        assert_non_null(inet_ntop(AF_INET, ip.b + 12, want, sizeof want));
        assert_int_equal(ms_ip_format(&ip, buf), strlen(want));
        assert_string_equal(buf, want);
    }
}

static void test_mapped_is_v4(void **state)
{
    (void)state;
    canon("::ffff:1.2.3.4", "1.2.3.4");
    canon("::FFFF:10.0.0.1", "10.0.0.1");
    ms_ip a, b;
    assert_true(ms_ip_parse("::ffff:1.2.3.4", 14, &a));
    assert_true(ms_ip_parse("1.2.3.4", 7, &b));
    assert_int_equal(ms_ip_cmp(&a, &b), 0);
    assert_true(ms_ip_is_v4(&a));
}

static void test_rfc5952(void **state)
{
    (void)state;
    canon("2001:DB8:0:0:0:0:0:1", "2001:db8::1");
    canon("2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1");
    canon("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"); /* one zero: kept */
    canon("fe80::1%eth0", "fe80::1");
    canon("[2001:db8::2]", "2001:db8::2");
    canon("::1", "::1");
}

static void test_rejects(void **state)
{
    (void)state;
    ms_ip ip;
    const char *bad[] = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "192.030.0.6",
                         "example.com", "1.2.3.4 ", "::g", "[]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(ms_ip_parse(bad[i], strlen(bad[i]), &ip));
    /* Not NUL-terminated: only n bytes count. */
    assert_true(ms_ip_parse("10.1.1.1,x", 8, &ip));
}

/* Dotted quads are parsed by hand: the same verdict and bytes as
 * inet_pton on every string of a generated set (digits, dots, signs,
 * spaces, lengths up to 20). */
static void test_v4_like_inet_pton(void **state)
{
    (void)state;
    static const char alphabet[] = "0123456789.. +x";
    uint64_t x = 88172645463325252u;
    for (int t = 0; t < 200000; t++) {
        char s[24];
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t n = 1 + x % 20;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            s[i] = alphabet[x % (sizeof alphabet - 1)];
        }
        s[n] = '\0';
        uint8_t want[4];
        int ok = inet_pton(AF_INET, s, want) == 1;
        ms_ip ip;
        bool got = ms_ip_parse(s, n, &ip);
        assert_int_equal(got, ok);
        if (ok)
            assert_memory_equal(ip.b + 12, want, 4);
    }
    static const char *const edge[] = {"0.0.0.0", "255.255.255.255", "256.1.1.1",
        "01.2.3.4", "1.2.3", "1.2.3.4.", "1..2.3", "1.2.3.4 ", "1.2.3.0400"};
    for (size_t i = 0; i < sizeof edge / sizeof *edge; i++) {
        uint8_t want[4];
        ms_ip ip;
        assert_int_equal(ms_ip_parse(edge[i], strlen(edge[i]), &ip),
                         inet_pton(AF_INET, edge[i], want) == 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v4_like_inet_pton),
        cmocka_unit_test(test_v4),
        cmocka_unit_test(test_mapped_is_v4),
        cmocka_unit_test(test_rfc5952),
        cmocka_unit_test(test_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
