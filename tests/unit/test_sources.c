/* test_sources.c — ms_sources_expand on temporary directories: numbered,
 * dateext and multilog ordering, sets kept apart and in the user's order,
 * name filtering, duplicates, Debian's repeated mail logs, missing paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/sources.h"

typedef struct warnings {
    int n;
    char last[600];
} warnings;

static void on_warn(void *ctx, const char *file, uint64_t line, const char *msg)
{
    warnings *w = ctx;
    w->n++;
    snprintf(w->last, sizeof w->last, "%s: %s", file, msg);
}

static char root[64];

static int setup(void **state)
{
    strcpy(root, "/tmp/ms_test_sources_XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd);
}

static const char *at(const char *rel)
{
    static char buf[8][512];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", root, rel);
    return buf[i];
}

static void mkdirs(const char *rel)
{
    assert_int_equal(mkdir(at(rel), 0755), 0);
}

static void touch(const char *rel)
{
    int fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    close(fd);
}

/* Expand paths and compare with want: "set:pos:path-relative-to-root", one
 * per source, in order. */
static void check(const char *const *paths, size_t npaths,
                  const char *const *want, size_t nwant, warnings *w)
{
    ms_source_list l;
    ms_warner warner = {on_warn, w};
    ms_error err = {0};
    assert_int_equal(ms_sources_expand(paths, npaths, &l, &warner, &err), 0);
    size_t rl = strlen(root);
    for (size_t i = 0; i < l.n && i < nwant; i++) {
        char got[600];
        const char *p = l.v[i].path;
        if (strncmp(p, root, rl) == 0 && p[rl] == '/')
            p += rl + 1;
        snprintf(got, sizeof got, "%d:%d:%s", l.v[i].set_id, l.v[i].set_pos, p);
        assert_string_equal(got, want[i]);
    }
    assert_int_equal(l.n, nwant);
    ms_sources_free(&l);
}

#define N(a) (sizeof(a) / sizeof *(a))

static void test_numbered(void **state)
{
    mkdirs("num");
    const char *files[] = {"num/mail.log", "num/mail.log.1", "num/mail.log.2.gz",
                           "num/mail.log.10.gz", "num/dpkg.log", "num/notes.txt",
                           "num/.mail.log.swp"};
    for (size_t i = 0; i < N(files); i++)
        touch(files[i]);
    const char *paths[] = {at("num")};
    const char *want[] = {"0:0:num/mail.log.10.gz", "0:1:num/mail.log.2.gz",
                          "0:2:num/mail.log.1", "0:3:num/mail.log"};
    warnings w = {0};
    check(paths, 1, want, N(want), &w);
    assert_int_equal(w.n, 0);
}

static void test_dateext(void **state)
{
    mkdirs("date");
    const char *files[] = {"date/maillog", "date/maillog-20251105",
                           "date/maillog-20251029.gz", "date/maillog-2025110312",
                           "date/secure-2024-12-31.xz", "date/secure",
                           "date/secure.20241230"};
    for (size_t i = 0; i < N(files); i++)
        touch(files[i]);
    const char *paths[] = {at("date")};
    const char *want[] = {"0:0:date/maillog-20251029.gz",
                          "0:1:date/maillog-2025110312",
                          "0:2:date/maillog-20251105", "0:3:date/maillog",
                          "1:0:date/secure.20241230",
                          "1:1:date/secure-2024-12-31.xz", "1:2:date/secure"};
    warnings w = {0};
    check(paths, 1, want, N(want), &w);
}

static void test_multilog(void **state)
{
    mkdirs("smtpd");
    const char *files[] = {"smtpd/current", "smtpd/lock", "smtpd/state",
                           "smtpd/@400000006541a3f50bb3a0c4.s",
                           "smtpd/@40000000653f1c2a1d2b3c4d.s",
                           "smtpd/@4000000065432a1b00000000.u"};
    for (size_t i = 0; i < N(files); i++)
        touch(files[i]);
    const char *paths[] = {at("smtpd")};
    const char *want[] = {"0:0:smtpd/@40000000653f1c2a1d2b3c4d.s",
                          "0:1:smtpd/@400000006541a3f50bb3a0c4.s",
                          "0:2:smtpd/@4000000065432a1b00000000.u",
                          "0:3:smtpd/current"};
    warnings w = {0};
    check(paths, 1, want, N(want), &w);
    assert_int_equal(w.n, 0);
}

/* /var/log/qmail style: multilog folders one level down, each its own set;
 * deeper folders are not visited. */
static void test_multilog_subfolders(void **state)
{
    mkdirs("qmail");
    mkdirs("qmail/smtpd");
    mkdirs("qmail/send");
    mkdirs("qmail/empty");
    mkdirs("qmail/send/deeper");
    const char *files[] = {"qmail/smtpd/current",
                           "qmail/smtpd/@400000006541a3f50bb3a0c4.s",
                           "qmail/send/current", "qmail/send/deeper/current",
                           "qmail/README"};
    for (size_t i = 0; i < N(files); i++)
        touch(files[i]);
    const char *paths[] = {at("qmail")};
    const char *want[] = {"0:0:qmail/send/current",
                          "1:0:qmail/smtpd/@400000006541a3f50bb3a0c4.s",
                          "1:1:qmail/smtpd/current"};
    warnings w = {0};
    check(paths, 1, want, N(want), &w);
    assert_int_equal(w.n, 0);
}

/* Two servers' sets stay apart and keep the order the user named them in;
 * files named one by one join their set, oldest first. */
static void test_sets_apart(void **state)
{
    mkdirs("a");
    mkdirs("b");
    const char *files[] = {"a/mail.log", "a/mail.log.1", "b/mail.log",
                           "b/mail.log.1.gz", "b/auth.log", "b/weird.txt"};
    for (size_t i = 0; i < N(files); i++)
        touch(files[i]);
    const char *paths[] = {at("b/mail.log"), at("b/mail.log.1.gz"), at("a"),
                           at("b/weird.txt"), at("b/auth.log"), "-"};
    const char *want[] = {"0:0:b/mail.log.1.gz", "0:1:b/mail.log",
                          "1:0:a/mail.log.1", "1:1:a/mail.log",
                          "2:0:b/weird.txt", "3:0:b/auth.log", "4:0:-"};
    warnings w = {0};
    check(paths, N(paths), want, N(want), &w);
    assert_int_equal(w.n, 0);
}

/* A file reached twice (named, then in its directory; or via ./) is read
 * once, where it first appeared. */
static void test_duplicates(void **state)
{
    mkdirs("dup");
    touch("dup/mail.log");
    touch("dup/mail.log.1");
    const char *paths[] = {at("dup/mail.log"), at("dup"), at("dup/./mail.log.1")};
    const char *want[] = {"0:0:dup/mail.log.1", "0:1:dup/mail.log"};
    warnings w = {0};
    check(paths, N(paths), want, N(want), &w);
}

/* Debian: mail.info/warn/err and syslog repeat mail.log's lines. */
static void test_debian_repeats(void **state)
{
    mkdirs("deb");
    const char *files[] = {"deb/mail.log", "deb/mail.info", "deb/mail.warn.1",
                           "deb/mail.err", "deb/syslog", "deb/syslog.1.gz",
                           "deb/auth.log"};
    for (size_t i = 0; i < N(files); i++)
        touch(files[i]);
    const char *paths[] = {at("deb"), at("deb/mail.err")};
    const char *want[] = {"0:0:deb/auth.log", "1:0:deb/mail.log",
                          "2:0:deb/mail.err"};
    warnings w = {0};
    check(paths, N(paths), want, N(want), &w);
    assert_int_equal(w.n, 4);
    char expect[600];
    snprintf(expect, sizeof expect,
             "%s: skipped syslog*: its mail lines repeat those of mail.log* "
             "(name its files to read them anyway)", at("deb"));
    assert_string_equal(w.last, expect);
}

static void test_missing_and_empty(void **state)
{
    mkdirs("nothing");
    touch("nothing/readme");
    touch("real.log");
    const char *paths[] = {at("missing.log"), at("nothing"), at("real.log")};
    const char *want[] = {"0:0:real.log"};
    warnings w = {0};
    check(paths, N(paths), want, N(want), &w);
    assert_int_equal(w.n, 2);
    char expect[600];
    snprintf(expect, sizeof expect, "%s: no log files found in this directory",
             at("nothing"));
    assert_string_equal(w.last, expect);

    w.n = 0;
    const char *one[] = {at("missing.log")};
    check(one, 1, NULL, 0, &w);
    assert_int_equal(w.n, 1);
    snprintf(expect, sizeof expect, "%s: No such file or directory",
             at("missing.log"));
    assert_string_equal(w.last, expect);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbered),
        cmocka_unit_test(test_dateext),
        cmocka_unit_test(test_multilog),
        cmocka_unit_test(test_multilog_subfolders),
        cmocka_unit_test(test_sets_apart),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_debian_repeats),
        cmocka_unit_test(test_missing_and_empty),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
