/* test_sources.c — ms_sources_expand on temporary directories: numbered,
 * dateext and multilog ordering, sets kept apart and in the user's order,
 * the walk at any depth (folders, links, loops, the same inode twice), the
 * judge deciding which files are logs (here: those that start with "LOG";
 * parse/sniff.c is tested in test_sniff.c), duplicates, Debian's repeated
 * mail logs per folder, missing paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
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

static void put(const char *rel, const char *text)
{
    int fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

/* A log, as the test judge sees it. */
static void touch(const char *rel)
{
    put(rel, "LOG\n");
}

static void link_to(const char *target, const char *rel)
{
    assert_int_equal(symlink(target, at(rel)), 0);
}

/* The judge: "LOG…" is a log, "FAIL…" cannot be read, an empty file is
 * "empty", anything else "not a log". Counts its calls. */
static int judged;

static int judge(void *ctx, const char *path, char *why, size_t why_len)
{
    (void)ctx;
    judged++;
    char head[4] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, why_len, "%s", strerror(errno));
        return -1;
    }
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (n >= 4 && memcmp(head, "FAIL", 4) == 0) {
        snprintf(why, why_len, "Permission denied");
        return -1;
    }
    if (n >= 3 && memcmp(head, "LOG", 3) == 0)
        return 1;
    snprintf(why, why_len, n ? "not a log" : "empty");
    return 0;
}

static const ms_sources_opts opts = {judge, NULL};

/* The path below root. */
static const char *rel(const char *p)
{
    size_t rl = strlen(root);
    return strncmp(p, root, rl) == 0 && p[rl] == '/' ? p + rl + 1 : p;
}

/* Expand paths and compare with want: "set:pos:path-relative-to-root", one
 * per source, in order; and the skipped files with skip: "path: why". */
static void check_all(const char *const *paths, size_t npaths,
                      const char *const *want, size_t nwant,
                      const char *const *skip, size_t nskip, warnings *w)
{
    ms_source_list l;
    ms_warner warner = {on_warn, w};
    ms_error err = {0};
    assert_int_equal(ms_sources_expand(paths, npaths, &opts, &l, &warner, &err),
                     0);
    for (size_t i = 0; i < l.n && i < nwant; i++) {
        char got[600];
        snprintf(got, sizeof got, "%d:%d:%s", l.v[i].set_id, l.v[i].set_pos,
                 rel(l.v[i].path));
        assert_string_equal(got, want[i]);
    }
    assert_int_equal(l.n, nwant);
    for (size_t i = 0; i < l.nskipped && i < nskip; i++) {
        char got[600];
        snprintf(got, sizeof got, "%s: %s", rel(l.skipped[i].path),
                 l.skipped[i].why);
        assert_string_equal(got, skip[i]);
    }
    assert_int_equal(l.nskipped, nskip);
    ms_sources_free(&l);
}

static void check(const char *const *paths, size_t npaths,
                  const char *const *want, size_t nwant, warnings *w)
{
    check_all(paths, npaths, want, nwant, NULL, 0, w);
}

#define N(a) (sizeof(a) / sizeof *(a))

static void test_numbered(void **state)
{
    mkdirs("num");
    const char *files[] = {"num/mail.log", "num/mail.log.1", "num/mail.log.2.gz",
                           "num/mail.log.10.gz", "num/.mail.log.swp"};
    for (size_t i = 0; i < N(files); i++)
        touch(files[i]);
    put("num/dpkg.log", "Start-Date: 2025-10-01\n");
    put("num/notes.txt", "");
    const char *paths[] = {at("num")};
    const char *want[] = {"0:0:num/mail.log.10.gz", "0:1:num/mail.log.2.gz",
                          "0:2:num/mail.log.1", "0:3:num/mail.log"};
    const char *skip[] = {"num/dpkg.log: not a log", "num/notes.txt: empty"};
    warnings w = {0};
    check_all(paths, 1, want, N(want), skip, N(skip), &w);
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
    put("smtpd/lock", "");
    put("smtpd/state", "\x01\x02");
    const char *paths[] = {at("smtpd")};
    const char *want[] = {"0:0:smtpd/@40000000653f1c2a1d2b3c4d.s",
                          "0:1:smtpd/@400000006541a3f50bb3a0c4.s",
                          "0:2:smtpd/@4000000065432a1b00000000.u",
                          "0:3:smtpd/current"};
    warnings w = {0};
    judged = 0;
    check(paths, 1, want, N(want), &w);
    assert_int_equal(w.n, 0);
    assert_int_equal(judged, 4);   /* not lock, not state */
}

/* /var/log/qmail style: multilog folders below, each its own set, at any
 * depth, in the order of their names. */
static void test_multilog_subfolders(void **state)
{
    mkdirs("qmail");
    mkdirs("qmail/smtpd");
    mkdirs("qmail/send");
    mkdirs("qmail/empty");
    mkdirs("qmail/send/deeper");
    const char *files[] = {"qmail/smtpd/current",
                           "qmail/smtpd/@400000006541a3f50bb3a0c4.s",
                           "qmail/send/current", "qmail/send/deeper/current"};
    for (size_t i = 0; i < N(files); i++)
        touch(files[i]);
    put("qmail/README", "Read me.\n");
    const char *paths[] = {at("qmail")};
    const char *want[] = {"0:0:qmail/send/current",
                          "1:0:qmail/send/deeper/current",
                          "2:0:qmail/smtpd/@400000006541a3f50bb3a0c4.s",
                          "2:1:qmail/smtpd/current"};
    const char *skip[] = {"qmail/README: not a log"};
    warnings w = {0};
    check_all(paths, 1, want, N(want), skip, N(skip), &w);
    assert_int_equal(w.n, 0);
}

/* Two servers' sets stay apart and keep the order the user named them in;
 * files named one by one join their set, oldest first; a file named is
 * taken whatever its content. */
static void test_sets_apart(void **state)
{
    mkdirs("a");
    mkdirs("b");
    const char *files[] = {"a/mail.log", "a/mail.log.1", "b/mail.log",
                           "b/mail.log.1.gz", "b/auth.log"};
    for (size_t i = 0; i < N(files); i++)
        touch(files[i]);
    put("b/weird.txt", "not a log, but named\n");
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
    put("nothing/readme", "Nothing here.\n");
    touch("real.log");
    const char *paths[] = {at("missing.log"), at("nothing"), at("real.log")};
    const char *want[] = {"0:0:real.log"};
    const char *skip[] = {"nothing/readme: not a log"};
    warnings w = {0};
    check_all(paths, N(paths), want, N(want), skip, N(skip), &w);
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

/* An investigator's copy: servers in folders, a multilog folder two levels
 * down, logs with any name, files that are not logs; sets ordered oldest
 * first in each folder, each source with its folder. */
static void test_walk(void **state)
{
    const char *dirs[] = {"case", "case/mx1", "case/mx2", "case/pop",
                          "case/pop/qmail-pop3d", "case/pop/qmail-pop3d/x"};
    for (size_t i = 0; i < N(dirs); i++)
        mkdirs(dirs[i]);
    const char *files[] = {
        "case/mx1/mail.log", "case/mx1/mail.log.1", "case/mx1/mail.log.2.gz",
        "case/mx2/maillog-20251002", "case/mx2/maillog",
        "case/mx2/smtpd.log", "case/mx1-2025-10.txt",
        "case/pop/qmail-pop3d/current",
        "case/pop/qmail-pop3d/@400000006541a3f50bb3a0c4.s",
        "case/pop/qmail-pop3d/x/deep.log", "case/.hidden.log"};
    for (size_t i = 0; i < N(files); i++)
        touch(files[i]);
    put("case/pop/qmail-pop3d/lock", "");
    put("case/pop/qmail-pop3d/state", "\x01");
    put("case/image.png", "\x89PNG\r\n");
    put("case/mx2/empty.log", "");
    put("case/mx2/FAIL", "FAIL");
    assert_int_equal(mkfifo(at("case/fifo"), 0644), 0);
    link_to("nowhere", "case/dangling");
    const char *paths[] = {at("case")};
    const char *want[] = {
        "0:0:case/mx1/mail.log.2.gz", "0:1:case/mx1/mail.log.1",
        "0:2:case/mx1/mail.log", "1:0:case/mx1-2025-10.txt",
        "2:0:case/mx2/maillog-20251002", "2:1:case/mx2/maillog",
        "3:0:case/mx2/smtpd.log",
        "4:0:case/pop/qmail-pop3d/@400000006541a3f50bb3a0c4.s",
        "4:1:case/pop/qmail-pop3d/current",
        "5:0:case/pop/qmail-pop3d/x/deep.log"};
    const char *skip[] = {"case/dangling: a link to nothing",
                          "case/fifo: not a regular file",
                          "case/image.png: not a log",
                          "case/mx2/empty.log: empty"};
    warnings w = {0};
    check_all(paths, 1, want, N(want), skip, N(skip), &w);
    /* The judge could not read FAIL: warned, counted, not skipped. */
    assert_int_equal(w.n, 1);
    char expect[600];
    snprintf(expect, sizeof expect, "%s: Permission denied", at("case/mx2/FAIL"));
    assert_string_equal(w.last, expect);

    ms_source_list l;
    ms_warner quiet = {NULL, NULL};
    ms_error err = {0};
    assert_int_equal(ms_sources_expand(paths, 1, &opts, &l, &quiet, &err), 0);
    assert_int_equal(l.unreadable, 1);
    const char *folders[] = {"mx1", "mx1", "mx1", "", "mx2", "mx2", "mx2",
                             "pop/qmail-pop3d", "pop/qmail-pop3d",
                             "pop/qmail-pop3d/x"};
    assert_int_equal(l.n, N(folders));
    for (size_t i = 0; i < l.n; i++)
        assert_string_equal(l.v[i].folder, folders[i]);
    ms_sources_free(&l);
    /* A file named keeps no folder. */
    const char *named[] = {at("case/mx1/mail.log")};
    assert_int_equal(ms_sources_expand(named, 1, &opts, &l, &quiet, &err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].folder, "");
    ms_sources_free(&l);
}

/* Links: a loop back to the top and to the parent, two links to one
 * folder, a folder outside reached twice, one file under two names (a hard
 * link): every file once, where first reached. */
static void test_links(void **state)
{
    mkdirs("links");
    mkdirs("links/a");
    mkdirs("outside");
    touch("links/a/mail.log");
    touch("outside/other.log");
    link_to(".", "links/loop");
    link_to("..", "links/a/up");
    link_to("a", "links/b");
    link_to("../outside", "links/ext1");
    link_to("../outside", "links/ext2");
    assert_int_equal(link(at("links/a/mail.log"), at("links/hard.log")), 0);
    const char *paths[] = {at("links"), at("links/a")};
    const char *want[] = {"0:0:links/a/mail.log", "1:0:links/ext1/other.log"};
    warnings w = {0};
    check(paths, N(paths), want, N(want), &w);
    /* links/a was met before: not "no log files found". */
    assert_int_equal(w.n, 0);
}

/* The rsyslog rule holds per folder: a subfolder with mail.log loses its
 * copies, its sibling without mail.log keeps syslog. */
static void test_debian_subfolder(void **state)
{
    mkdirs("srv");
    mkdirs("srv/deb");
    mkdirs("srv/other");
    const char *files[] = {"srv/deb/mail.log", "srv/deb/mail.log.1",
                           "srv/deb/mail.info", "srv/deb/syslog",
                           "srv/deb/syslog.1", "srv/other/syslog"};
    for (size_t i = 0; i < N(files); i++)
        touch(files[i]);
    const char *paths[] = {at("srv")};
    const char *want[] = {"0:0:srv/deb/mail.log.1", "0:1:srv/deb/mail.log",
                          "1:0:srv/other/syslog"};
    warnings w = {0};
    judged = 0;
    check(paths, 1, want, N(want), &w);
    assert_int_equal(w.n, 2);
    assert_int_equal(judged, 3);   /* the copies are not read at all */
    char expect[600];
    snprintf(expect, sizeof expect,
             "%s: skipped syslog*: its mail lines repeat those of mail.log* "
             "(name its files to read them anyway)", at("srv/deb"));
    assert_string_equal(w.last, expect);
}

/* Without a judge every regular file found is taken. */
static void test_no_judge(void **state)
{
    mkdirs("all");
    put("all/notes.txt", "words\n");
    put("all/empty", "");
    ms_source_list l;
    ms_warner quiet = {NULL, NULL};
    ms_error err = {0};
    const char *paths[] = {at("all")};
    assert_int_equal(ms_sources_expand(paths, 1, NULL, &l, &quiet, &err), 0);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.nskipped, 0);
    ms_sources_free(&l);
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
        cmocka_unit_test(test_walk),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_debian_subfolder),
        cmocka_unit_test(test_no_judge),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
