/* test_cidr.c — address blocks: IPv4, IPv6 and mapped forms, the edge
 * prefixes (/0, /32, /128), canonical printing, rejected input, and lists
 * read from a file with comments and bad lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/cidr.h"

static ms_cidr cidr(const char *s)
{
    ms_cidr c;
    assert_true(ms_cidr_parse(s, strlen(s), &c));
    return c;
}

static ms_ip ip(const char *s)
{
    ms_ip a;
    assert_true(ms_ip_parse(s, strlen(s), &a));
    return a;
}

static void canon(const char *in, const char *want, int prefix)
{
    ms_cidr c = cidr(in);
    char buf[MS_IP_STRLEN + 4];
    size_t n = ms_cidr_format(&c, buf);
    assert_int_equal(n, strlen(buf));
    assert_string_equal(buf, want);
    assert_int_equal(c.prefix, prefix);
    /* The printed form parses back to the same block. */
    ms_cidr d = cidr(buf);
    assert_int_equal(d.prefix, c.prefix);
    assert_memory_equal(d.base.b, c.base.b, 16);
}

static bool in(const char *block, const char *addr)
{
    ms_cidr c = cidr(block);
    ms_ip a = ip(addr);
    return ms_cidr_contains(&c, &a);
}

static void test_v4(void **state)
{
    (void)state;
    canon("10.0.0.0/8", "10.0.0.0/8", 104);
    canon("192.168.1.0/24", "192.168.1.0/24", 120);
    canon("192.168.1.77/24", "192.168.1.0/24", 120);   /* host bits cleared */
    canon("1.2.3.4", "1.2.3.4", 128);                  /* bare: /32 */
    canon("1.2.3.4/32", "1.2.3.4", 128);
    canon("0.0.0.0/0", "0.0.0.0/0", 96);
    canon("172.16.5.4/12", "172.16.0.0/12", 108);
    canon("10.1.2.3/31", "10.1.2.2/31", 127);
    assert_true(in("10.0.0.0/8", "10.255.255.255"));
    assert_false(in("10.0.0.0/8", "11.0.0.0"));
    assert_true(in("172.16.0.0/12", "172.31.1.1"));
    assert_false(in("172.16.0.0/12", "172.32.0.0"));
    assert_true(in("1.2.3.4", "1.2.3.4"));
    assert_false(in("1.2.3.4", "1.2.3.5"));
    /* IPv4 /0 is every IPv4 address, and no IPv6 one. */
    assert_true(in("0.0.0.0/0", "255.255.255.255"));
    assert_true(in("0.0.0.0/0", "0.0.0.0"));
    assert_false(in("0.0.0.0/0", "2001:db8::1"));
    assert_false(in("0.0.0.0/0", "::1"));
}

static void test_v6(void **state)
{
    (void)state;
    canon("2001:db8::/32", "2001:db8::/32", 32);
    canon("2001:DB8:0:0:1::/64", "2001:db8::/64", 64);
    canon("2001:db8::1", "2001:db8::1", 128);
    canon("2001:db8::1/128", "2001:db8::1", 128);
    canon("::/0", "::/0", 0);
    canon("[2001:db8::]/48", "2001:db8::/48", 48);
    canon("fe80::1%eth0/10", "fe80::/10", 10);
    assert_true(in("2001:db8::/32", "2001:db8:ffff::1"));
    assert_false(in("2001:db8::/32", "2001:db9::1"));
    assert_true(in("fe80::/10", "febf::1"));
    assert_false(in("fe80::/10", "fec0::1"));
    /* ::/0 holds everything, IPv4 included (it is mapped). */
    assert_true(in("::/0", "1.2.3.4"));
    assert_true(in("::/0", "2001:db8::1"));
    assert_true(in("2001:db8::1", "2001:db8::1"));
    assert_false(in("2001:db8::1", "2001:db8::2"));
}

static void test_mapped(void **state)
{
    (void)state;
    /* Written with colons, the prefix counts all 128 bits. */
    canon("::ffff:10.0.0.0/104", "10.0.0.0/8", 104);
    canon("::ffff:1.2.3.4", "1.2.3.4", 128);
    canon("::ffff:0:0/96", "0.0.0.0/0", 96);
    assert_true(in("::ffff:10.0.0.0/104", "10.9.9.9"));
    assert_true(in("::ffff:10.0.0.0/104", "::ffff:10.9.9.9"));
    assert_true(in("10.0.0.0/8", "::ffff:10.9.9.9"));
    assert_false(in("::ffff:10.0.0.0/104", "11.0.0.0"));
    /* A /95 around the mapped range is printed as IPv6. */
    canon("::ffff:0:0/95", "::fffe:0:0/95", 95);
    assert_true(in("::ffff:0:0/95", "1.2.3.4"));
    assert_true(in("::ffff:0:0/95", "::fffe:1:1"));
    /* ms_cidr_of */
    ms_ip a = ip("203.0.113.77");
    ms_cidr c = ms_cidr_of(&a, 96 + 24);
    char buf[MS_IP_STRLEN + 4];
    ms_cidr_format(&c, buf);
    assert_string_equal(buf, "203.0.113.0/24");
    c = ms_cidr_of(&a, 128);
    ms_cidr_format(&c, buf);
    assert_string_equal(buf, "203.0.113.77");
    a = ip("2001:db8:1:2:3:4:5:6");
    c = ms_cidr_of(&a, 48);
    ms_cidr_format(&c, buf);
    assert_string_equal(buf, "2001:db8:1::/48");
    c = ms_cidr_of(&a, 0);
    ms_cidr_format(&c, buf);
    assert_string_equal(buf, "::/0");
}

static void test_rejects(void **state)
{
    (void)state;
    const char *bad[] = {
        "", "/", "/24", "1.2.3.0/", "1.2.3.0/33", "1.2.3.0/-1", "1.2.3.0/+8",
        "1.2.3.0/ 8", "1.2.3.0/8 ", " 1.2.3.0/8", "1.2.3.0/08", "1.2.3.0/8/8",
        "1.2.3.0/x", "1.2.3/24", "256.0.0.0/8", "2001:db8::/129",
        "2001:db8::/1000", "2001:db8::/", "::ffff:1.2.3.4/129", "example.com",
        "1.2.3.0/24#",
    };
    ms_cidr c;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(ms_cidr_parse(bad[i], strlen(bad[i]), &c));
    assert_false(ms_cidr_parse("1.2.3.0\0/24", 10, &c));
    /* Only n bytes count. */
    assert_true(ms_cidr_parse("10.0.0.0/8,junk", 10, &c));
    assert_int_equal(c.prefix, 104);
}

static char *write_tmp(const char *text)
{
    char *path = strdup("/tmp/test_cidr_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

static void test_list_file(void **state)
{
    (void)state;
    char *path = write_tmp(
        "# trusted networks\n"
        "\n"
        "10.0.0.0/8\n"
        "   192.168.0.0/16   # office, trailing comment\n"
        "\t2001:db8::/32\r\n"
        "203.0.113.7\n"
        "#\n"
        "   \n"
        "::1");   /* no final newline */
    ms_cidr_list l = {0};
    ms_error err = {0};
    assert_int_equal(ms_cidr_list_add(&l, "198.51.100.0/24", &err), 0);
    assert_int_equal(ms_cidr_list_add(&l, path, &err), 0);
    assert_int_equal(l.n, 6);
    const char *yes[] = {"10.1.1.1", "192.168.200.1", "2001:db8::99",
                         "203.0.113.7", "::1", "198.51.100.255",
                         "::ffff:10.0.0.1"};
    const char *no[] = {"11.0.0.1", "192.169.0.1", "2001:db9::1",
                        "203.0.113.8", "::2", "198.51.101.0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        ms_ip a = ip(yes[i]);
        assert_true(ms_cidr_list_contains(&l, &a));
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        ms_ip a = ip(no[i]);
        assert_false(ms_cidr_list_contains(&l, &a));
    }
    /* Many entries: the list grows. */
    char one[32];
    for (int i = 0; i < 300; i++) {
        snprintf(one, sizeof one, "100.%d.%d.0/24", i / 256, i % 256);
        assert_int_equal(ms_cidr_list_add(&l, one, &err), 0);
    }
    assert_int_equal(l.n, 306);
    ms_ip a = ip("100.1.43.9");
    assert_true(ms_cidr_list_contains(&l, &a));
    ms_cidr_list_free(&l);
    assert_int_equal(l.n, 0);
    a = ip("10.1.1.1");
    assert_false(ms_cidr_list_contains(&l, &a));
    unlink(path);
    free(path);
}

static void test_list_bad(void **state)
{
    (void)state;
    char *path = write_tmp("# list\n10.0.0.0/8\n\n1.2.3.0/33 # too long\n"
                           "2001:db8::/32\n");
    ms_cidr_list l = {0};
    ms_error err = {0};
    assert_int_equal(ms_cidr_list_add(&l, "127.0.0.1", &err), 0);
    assert_int_equal(ms_cidr_list_add(&l, path, &err), -1);
    assert_int_equal(err.code, MS_ERR_USAGE);
    /* The message names the file and the line. */
    char want[256];
    snprintf(want, sizeof want, "%s:4:", path);
    assert_non_null(strstr(err.msg, want));
    assert_non_null(strstr(err.msg, "1.2.3.0/33"));
    /* Nothing of the bad file was kept. */
    assert_int_equal(l.n, 1);
    unlink(path);
    free(path);

    /* Control bytes in a bad entry are not echoed raw. */
    path = write_tmp("10.0.0.0/8\nbad\033[31mentry\n");
    assert_int_equal(ms_cidr_list_add(&l, path, &err), -1);
    assert_null(strchr(err.msg, '\033'));
    assert_non_null(strstr(err.msg, ":2:"));
    unlink(path);
    free(path);

    /* Neither a block nor a readable file. */
    assert_int_equal(ms_cidr_list_add(&l, "/nonexistent/ignore.txt", &err),
                     -1);
    assert_non_null(strstr(err.msg, "/nonexistent/ignore.txt"));
    assert_int_equal(ms_cidr_list_add(&l, "10.0.0.0/40", &err), -1);
    assert_non_null(strstr(err.msg, "10.0.0.0/40"));
    assert_int_equal(l.n, 1);
    ms_cidr_list_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v4),
        cmocka_unit_test(test_mapped),
        cmocka_unit_test(test_v6),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_list_file),
        cmocka_unit_test(test_list_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
