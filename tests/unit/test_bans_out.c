/* test_bans_out.c — the ban list for CrowdSec and fail2ban
 * (lib/output/bans_out.c) on bans built by hand: an address and a block,
 * reasons with quotes, commas, a newline, a formula and invalid UTF-8, and
 * one too long for CrowdSec's reason; --duration's lengths and --jail's
 * names, the good and the hostile. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "analyze/analysis.h"
#include "analyze/cidr.h"
#include "output/bans_out.h"

static ms_ban ban(const char *net, const char *reasons)
{
    ms_ban b = {.score = 90, .confidence = "high", .reasons = reasons};
    assert_true(ms_cidr_parse(net, strlen(net), &b.net));
    return b;
}

static void test_crowdsec(void **state)
{
    (void)state;
    char longer[400];
    memset(longer, 0, sizeof longer);
    memset(longer, 'a', 242);   /* no "; ", and byte 255 is inside the é */
    strcat(longer, "\xc3\xa9 and more");
    ms_ban bans[] = {
        ban("192.0.2.7", "a \"quoted\" name, with a comma\nand a newline"),
        ban("203.0.113.0/24", "=HYPERLINK(\"x\"); bad \xff byte"),
        ban("2001:db8::5", ""),
        ban("2001:db8:1::/64", longer),
    };
    ms_analysis a = {.bans = bans, .nbans = 4};
    ms_buf b = {0};
    ms_bans_crowdsec(&b, &a, "168h");
    ms_buf_addc(&b, '\0');
    char want[1024];
    snprintf(want, sizeof want,
             "duration,reason,scope,type,value\n"
             "168h,\"mailsleuth: a \"\"quoted\"\" name, with a comma\\x0Aand a "
             "newline\",ip,ban,192.0.2.7\n"
             "168h,\"mailsleuth: =HYPERLINK(\"\"x\"\"); bad \\xFF byte\",range,"
             "ban,203.0.113.0/24\n"
             "168h,mailsleuth,ip,ban,2001:db8::5\n"
             "168h,mailsleuth: %.*s,range,ban,2001:db8:1::/64\n",
             242, longer);
    assert_string_equal(b.p, want);
    ms_buf_free(&b);
}

static void test_crowdsec_cut_at_sentence(void **state)
{
    (void)state;
    char r[600] = "first; ";
    for (int i = 0; i < 60; i++)
        strcat(r, "xxxx ");
    strcat(r, "; last");
    ms_ban bans[] = {ban("192.0.2.8", r)};
    ms_analysis a = {.bans = bans, .nbans = 1};
    ms_buf b = {0};
    ms_bans_crowdsec(&b, &a, "24h");
    ms_buf_addc(&b, '\0');
    /* "xxxx " * 60 alone passes 255 bytes: cut after "first". */
    assert_string_equal(b.p, "duration,reason,scope,type,value\n"
                             "24h,mailsleuth: first,ip,ban,192.0.2.8\n");
    ms_buf_free(&b);
}

static void test_fail2ban(void **state)
{
    (void)state;
    ms_ban bans[] = {ban("192.0.2.7", "x"), ban("203.0.113.0/24", "y"),
                     ban("2001:db8::5", "z")};
    ms_analysis a = {.bans = bans, .nbans = 3};
    ms_buf b = {0};
    ms_bans_fail2ban(&b, &a, "postfix-sasl");
    ms_buf_addc(&b, '\0');
    const char *body = strstr(b.p, "\nfail2ban-client");
    assert_non_null(body);
    assert_int_equal(strncmp(b.p, "#!/bin/sh\n# ", 12), 0);
    assert_string_equal(body + 1,
                        "fail2ban-client set postfix-sasl banip 192.0.2.7\n"
                        "fail2ban-client set postfix-sasl banip 203.0.113.0/24\n"
                        "fail2ban-client set postfix-sasl banip 2001:db8::5\n");
    ms_buf_free(&b);
}

static void test_duration(void **state)
{
    (void)state;
    static const char *const good[][2] = {
        {"24h", "24h"}, {"7d", "168h"}, {"1h30m", "90m"}, {"90s", "90s"},
        {"120m", "2h"}, {"1d1s", "86401s"}, {"3650d", "87600h"}};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        char out[MS_BAN_DURATION_STRLEN];
        assert_int_equal(ms_ban_duration(good[i][0], out), 0);
        assert_string_equal(out, good[i][1]);
    }
    static const char *const bad[] = {
        "", "0h", "24", "h", "4x", "-4h", "4h;", "1.5h", "3651d",
        "99999999999999999999h", "4h ", " 4h", "4H"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char out[MS_BAN_DURATION_STRLEN];
        assert_int_equal(ms_ban_duration(bad[i], out), -1);
    }
}

static void test_jail(void **state)
{
    (void)state;
    assert_true(ms_ban_jail_ok("mailsleuth"));
    assert_true(ms_ban_jail_ok("postfix-sasl"));
    assert_true(ms_ban_jail_ok("a.b_C-9"));
    static const char *const bad[] = {
        "", "-x", "a;b", "a b", "a$b", "$(reboot)", "a`b`", "a\nb", "a'b",
        "a\"b", "a/b", "\xc3\xa9",
        "x2345678901234567890123456789012345678901234567890123456789012345"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(ms_ban_jail_ok(bad[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crowdsec),
        cmocka_unit_test(test_crowdsec_cut_at_sentence),
        cmocka_unit_test(test_fail2ban),
        cmocka_unit_test(test_duration),
        cmocka_unit_test(test_jail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
