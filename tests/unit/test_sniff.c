/* test_sniff.c — is it a log? ms_sniff on bytes (each stamp form, events
 * files, binary, blank, prose, the majority rule, cut lines) and
 * ms_sniff_file on files (the bundled samples, gzip, docker json-file,
 * empty, 1 MiB lines, random bytes, missing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "parse/sniff.h"

static char why[256];

static int judge(const char *text, bool events_files)
{
    ms_sniff_opts o = {.events_files = events_files};
    why[0] = '\0';
    return ms_sniff(text, strlen(text), true, &o, why, sizeof why);
}

static void test_stamp_forms(void **state)
{
    (void)state;
    assert_int_equal(judge("May  4 00:47:41 mx dovecot: imap-login: x\n"
                           "May  4 00:47:42 mx dovecot: imap-login: y\n", false), 1);
    assert_int_equal(judge("2025-10-01T10:00:00.123+02:00 mx postfix/smtpd[1]: x\n",
                           false), 1);
    assert_int_equal(judge("@400000006816b0db026ca4c4 tcpserver: status: 1/200\n"
                           "@400000006816b0db026e7984 tcpserver: pid 3048 from "
                           "198.172.68.96\n", false), 1);
    assert_int_equal(judge("2025-10-01 10:00:00 1abcde-000001-AB <= a@b.example "
                           "H=x [192.0.2.1]\n", false), 1);
    assert_int_equal(judge("<38>1 2025-10-01T10:00:00Z mx sshd 1 - - Failed\n",
                           false), 1);
    /* CRLF, a BOM, blank lines between, no newline at the end. */
    assert_int_equal(judge("\xEF\xBB\xBFMay  4 00:47:41 mx sshd[1]: x\r\n\r\n\n"
                           "May  4 00:47:42 mx sshd[1]: y", false), 1);
}

static void test_events_files(void **state)
{
    (void)state;
    const char *csv = "time,ip,service,source,outcome,user\n"
                      "2017-05-04T00:47:41Z,192.0.2.1,imap,dovecot,auth_fail,u\n";
    assert_int_equal(judge(csv, true), 1);
    assert_int_equal(judge(csv, false), 0);
    assert_string_equal(why, "an events file (analyze reads it)");
    assert_int_equal(judge("{\"time\":\"2017-05-04T00:47:41Z\",\"outcome\":"
                           "\"auth_fail\"}\n", true), 1);
}

static void test_not_logs(void **state)
{
    (void)state;
    assert_int_equal(judge("", false), 0);
    assert_string_equal(why, "empty");
    assert_int_equal(judge("\n\n  \r\n", false), 0);
    assert_string_equal(why, "blank lines only");
    assert_int_equal(judge("Dear admin,\nthe server is down.\nRegards\n", false),
                     0);
    assert_string_equal(why, "no time stamp on its first lines");
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x02\x80";
    ms_sniff_opts o = {0};
    assert_int_equal(ms_sniff(png, sizeof png - 1, true, &o, why, sizeof why), 0);
    assert_string_equal(why, "binary");
    /* Invalid UTF-8 dominating, no NUL. */
    assert_int_equal(judge("\xff\xfe\x81\x82\x83\x84 ab\x90\x91\n", false), 0);
    assert_string_equal(why, "binary");
    /* Latin-1 in a few places is still text. */
    assert_int_equal(judge("Caf\xe9 ouvert.\n", false), 0);
    assert_string_equal(why, "no time stamp on its first lines");
}

/* At least half of the first 20 lines, and one of the first 5. */
static void test_majority(void **state)
{
    (void)state;
    char text[4096] = "";
    for (int i = 0; i < 20; i++)
        strcat(text, i % 2 ? "May  4 00:47:41 mx sshd[1]: x\n" : "  continued\n");
    assert_int_equal(judge(text, false), 1);
    text[0] = '\0';
    for (int i = 0; i < 20; i++)
        strcat(text, i % 4 ? "  continued\n" : "May  4 00:47:41 mx sshd[1]: x\n");
    assert_int_equal(judge(text, false), 0);
    assert_string_equal(why, "time stamps on only 5 of its first 20 lines");
    text[0] = '\0';
    for (int i = 0; i < 20; i++)
        strcat(text, i < 5 ? "header\n" : "May  4 00:47:41 mx sshd[1]: x\n");
    assert_int_equal(judge(text, false), 0);
    assert_string_equal(why, "no time stamp on its first lines");
    /* Lines after the 20th are not looked at. */
    text[0] = '\0';
    for (int i = 0; i < 40; i++)
        strcat(text, i < 20 ? "May  4 00:47:41 mx sshd[1]: x\n" : "prose\n");
    assert_int_equal(judge(text, false), 1);
}

/* A sample cut by the bound: its last line is judged only when alone. */
static void test_cut(void **state)
{
    (void)state;
    static const char two[] = "May  4 00:47:41 mx sshd[1]: x\nMay  4 00:4";
    ms_sniff_opts o = {0};
    assert_int_equal(ms_sniff(two, sizeof two - 1, false, &o, why, sizeof why), 1);
    assert_int_equal(ms_sniff(two, sizeof two - 1, true, &o, why, sizeof why), 1);
    static const char one[] = "May  4 00:47:41 mx sshd[1]: a very long line";
    assert_int_equal(ms_sniff(one, sizeof one - 1, false, &o, why, sizeof why), 1);
}

static char dir[64];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/ms_test_sniff_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static const char *tmp(const char *name)
{
    static char buf[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

static int judge_file(const char *path, bool events_files)
{
    ms_sniff_opts o = {.events_files = events_files};
    why[0] = '\0';
    return ms_sniff_file(&o, path, why, sizeof why);
}

static void test_samples(void **state)
{
    (void)state;
    assert_int_equal(judge_file(MS_TESTDATA "/seeds/000-dovecot.log", false), 1);
    assert_int_equal(judge_file(MS_TESTDATA "/seeds/002-qmail.log", false), 1);
    assert_int_equal(judge_file(MS_TESTDATA "/sample/mail.log.2.gz", false), 1);
    assert_int_equal(judge_file(MS_TESTDATA "/sample/qmail-pop3d/current", false), 1);
    assert_int_equal(judge_file(MS_TESTDATA "/seeds/002-qmail.expected.csv", true), 1);
    assert_int_equal(judge_file(MS_TESTDATA "/seeds/002-qmail.expected.csv", false), 0);
    assert_int_equal(judge_file(MS_TESTDATA "/sample/users.txt", true), 0);
    assert_int_equal(judge_file(MS_TESTDATA "/sample/truth.json", true), 0);
}

static void test_files(void **state)
{
    (void)state;
    /* gzip: judged on the decompressed lines. */
    gzFile gz = gzopen(tmp("mx1-2025-10.txt"), "wb");
    assert_non_null(gz);
    for (int i = 0; i < 100; i++)
        gzprintf(gz, "2025-10-01T10:00:%02dZ mx dovecot: imap-login: x\n", i % 60);
    gzclose(gz);
    assert_int_equal(judge_file(tmp("mx1-2025-10.txt"), false), 1);

    /* docker's json-file: judged on the lines it wraps. */
    FILE *f = fopen(tmp("abc-json.log"), "w");
    for (int i = 0; i < 30; i++)
        fprintf(f, "{\"log\":\"May  4 00:47:%02d mx postfix/smtpd[12]: connect "
                   "from x[192.0.2.1]\\n\",\"stream\":\"stdout\",\"time\":"
                   "\"2025-05-04T00:47:%02d.1Z\"}\n", i, i);
    fclose(f);
    assert_int_equal(judge_file(tmp("abc-json.log"), false), 1);

    f = fopen(tmp("empty"), "w");
    fclose(f);
    assert_int_equal(judge_file(tmp("empty"), false), 0);
    assert_string_equal(why, "empty");

    /* Lines of 1 MiB: the first is judged on its start. */
    f = fopen(tmp("long.log"), "w");
    for (int i = 0; i < 3; i++) {
        fputs("May  4 00:47:41 mx sshd[1]: ", f);
        for (int k = 0; k < (1 << 20); k++)
            fputc('x', f);
        fputc('\n', f);
    }
    fclose(f);
    assert_int_equal(judge_file(tmp("long.log"), false), 1);
    f = fopen(tmp("long.txt"), "w");
    for (int k = 0; k < (1 << 20); k++)
        fputc(k % 80 ? 'y' : '\n', f);
    fclose(f);
    assert_int_equal(judge_file(tmp("long.txt"), false), 0);
    assert_string_equal(why, "no time stamp on its first lines");

    f = fopen(tmp("random.bin"), "w");
    srand(1);
    for (int k = 0; k < 100000; k++)
        fputc(rand() & 0xff, f);
    fclose(f);
    assert_int_equal(judge_file(tmp("random.bin"), false), 0);
    assert_string_equal(why, "binary");

    assert_int_equal(judge_file(tmp("missing"), false), -1);
    assert_string_equal(why, "No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stamp_forms),
        cmocka_unit_test(test_events_files),
        cmocka_unit_test(test_not_logs),
        cmocka_unit_test(test_majority),
        cmocka_unit_test(test_cut),
        cmocka_unit_test(test_samples),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
