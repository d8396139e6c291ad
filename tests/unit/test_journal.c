/* test_journal.c — the systemd journal as input: .journal files through
 * the reader (made here from export text by systemd-journal-remote, then
 * copied under archived and dirty names, cut, spoilt), journalctl's json
 * and export forms through their unwrappers (whole, cut in two at every
 * byte, a byte at a time, through ms_reader_unwrap from a gzip file), long
 * and over-long entries, garbage, and the detection of both forms. The
 * same entries give the same lines whichever way they come. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "core/buf.h"
#include "input/journal_text.h"
#include "input/reader.h"
#include "unwrap_harness.h"

#define REMOTE "/lib/systemd/systemd-journal-remote"

static char dir[] = "/tmp/test_journal.XXXXXX";

static const char *path_in(const char *name)
{
    static char p[8][256];
    static int k;
    char *s = p[k++ % 8];
    snprintf(s, sizeof p[0], "%s/%s", dir, name);
    return s;
}

/* ---- entries, as export text, json text, and the lines they give ---- */

typedef struct field {
    const char *name, *v;
    size_t n;
} field;
#define F(name, lit) {name, lit, sizeof lit - 1}

typedef struct entry {
    uint64_t usec;
    field f[7];
    const char *want;   /* its line */
    size_t want_n;
} entry;
#define W(lit) lit, sizeof lit - 1

static const entry entries[] = {
    {1746426346000000, {F("_HOSTNAME", "mx1"), F("SYSLOG_IDENTIFIER", "dovecot"),
                        F("SYSLOG_PID", "15210"), F("_PID", "99"), F("_COMM", "dove"),
                        F("MESSAGE", "imap-login: Login: user=<a@b>")},
     W("2025-05-05T06:25:46.000000Z mx1 dovecot[15210]: imap-login: Login: user=<a@b>\n")},
    /* No host, no identifier: _COMM and _PID. */
    {1746426347123456, {F("_COMM", "sshd"), F("_PID", "42"),
                        F("MESSAGE", "Failed password for root from 1.2.3.4 port 22 ssh2")},
     W("2025-05-05T06:25:47.123456Z sshd[42]: Failed password for root from 1.2.3.4 port 22 ssh2\n")},
    /* No identifier at all: no tag, the pid goes with it. */
    {1746426348000001, {F("_HOSTNAME", "mx1"), F("_PID", "7"), F("MESSAGE", "hello world")},
     W("2025-05-05T06:25:48.000001Z mx1 hello world\n")},
    /* An identifier without a pid. */
    {1746426349000000, {F("_HOSTNAME", "mx1"), F("SYSLOG_IDENTIFIER", "kernel"),
                        F("MESSAGE", "[ 1.0] x")},
     W("2025-05-05T06:25:49.000000Z mx1 kernel: [ 1.0] x\n")},
    /* A binary message: its newlines become spaces, its NUL stays. */
    {1746426350000000, {F("_HOSTNAME", "mx1"), F("SYSLOG_IDENTIFIER", "prog"),
                        F("SYSLOG_PID", "1"), F("MESSAGE", "a\nb\0c\n")},
     W("2025-05-05T06:25:50.000000Z mx1 prog[1]: a b\0c \n")},
    /* No message. */
    {1746426351000000, {F("_HOSTNAME", "mx1"), F("SYSLOG_IDENTIFIER", "prog"),
                        F("SYSLOG_PID", "2"), F("OTHER", "x")},
     W("2025-05-05T06:25:51.000000Z mx1 prog[2]:\n")},
    /* Empty values count as absent. */
    {1746426352000000, {F("_HOSTNAME", ""), F("SYSLOG_IDENTIFIER", "postfix/smtpd"),
                        F("SYSLOG_PID", "3"), F("MESSAGE", "connect from x[1.2.3.4]")},
     W("2025-05-05T06:25:52.000000Z postfix/smtpd[3]: connect from x[1.2.3.4]\n")},
};
#define NENTRIES (sizeof entries / sizeof *entries)

static bool binary(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20)
            return true;
    return false;
}

static void export_field(ms_buf *b, const char *name, const char *v, size_t n)
{
    ms_buf_adds(b, name);
    if (!binary(v, n)) {
        ms_buf_addc(b, '=');
        ms_buf_add(b, v, n);
    } else {
        ms_buf_addc(b, '\n');
        for (int i = 0; i < 8; i++)
            ms_buf_addc(b, (char)((uint64_t)n >> (8 * i)));
        ms_buf_add(b, v, n);
    }
    ms_buf_addc(b, '\n');
}

/* The entry's export text, with what journal-remote wants besides. */
static void export_entry(ms_buf *b, const entry *e, unsigned seq)
{
    char t[64];
    snprintf(t, sizeof t, "%llu", (unsigned long long)e->usec);
    ms_buf_adds(b, "__CURSOR=s=0;i=");
    ms_buf_addu(b, seq);
    ms_buf_adds(b, "\n");
    export_field(b, "__REALTIME_TIMESTAMP", t, strlen(t));
    snprintf(t, sizeof t, "%u", 1000 + seq);
    export_field(b, "__MONOTONIC_TIMESTAMP", t, strlen(t));
    export_field(b, "_BOOT_ID", "0123456789abcdef0123456789abcdef", 32);
    for (const field *f = e->f; f < e->f + 7 && f->name; f++)
        export_field(b, f->name, f->v, f->n);
    ms_buf_addc(b, '\n');
}

static json_t *json_value(const char *v, size_t n)
{
    if (!binary(v, n))
        return json_stringn(v, n);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_integer((unsigned char)v[i]));
    return a;
}

static void json_entry(ms_buf *b, const entry *e)
{
    json_t *o = json_object();
    char t[32];
    snprintf(t, sizeof t, "%llu", (unsigned long long)e->usec);
    json_object_set_new(o, "__CURSOR", json_string("s=0"));
    json_object_set_new(o, "__REALTIME_TIMESTAMP", json_string(t));
    for (const field *f = e->f; f < e->f + 7 && f->name; f++)
        json_object_set_new(o, f->name, json_value(f->v, f->n));
    char *s = json_dumps(o, JSON_COMPACT);
    ms_buf_adds(b, s);
    ms_buf_addc(b, '\n');
    free(s);
    json_decref(o);
}

static ms_buf all_export(void)
{
    ms_buf b = {0};
    for (unsigned i = 0; i < NENTRIES; i++)
        export_entry(&b, &entries[i], i + 1);
    return b;
}

static ms_buf all_json(void)
{
    ms_buf b = {0};
    for (unsigned i = 0; i < NENTRIES; i++)
        json_entry(&b, &entries[i]);
    return b;
}

static ms_buf all_lines(void)
{
    ms_buf b = {0};
    for (unsigned i = 0; i < NENTRIES; i++)
        ms_buf_add(&b, entries[i].want, entries[i].want_n);
    return b;
}

static void assert_same(const ms_buf *a, const ms_buf *b)
{
    assert_int_equal(a->n, b->n);
    if (a->n)
        assert_memory_equal(a->p, b->p, a->n);
}

/* ---- files ---- */

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static ms_buf read_file(const char *path)
{
    ms_buf b = {0};
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char tmp[65536];
    size_t k;
    while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
        ms_buf_add(&b, tmp, k);
    fclose(f);
    return b;
}

/* A journal file at out made by systemd-journal-remote from export text. */
static void make_journal(const ms_buf *export_text, const char *out)
{
    if (access(REMOTE, X_OK) != 0)
        fail_msg("%s is missing: the journal tests need it (Debian package "
                 "systemd-journal-remote; scripts/deps installs it)", REMOTE);
    const char *txt = path_in("in.export");
    write_file(txt, export_text->p, export_text->n);
    unlink(out);
    char arg[300];
    snprintf(arg, sizeof arg, "--output=%s", out);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        execl(REMOTE, REMOTE, arg, txt, (char *)NULL);
        _exit(127);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("%s failed on %s", REMOTE, txt);
}

typedef struct result {
    ms_buf out;
    int rc;           /* 0 at the end, -1 on an error */
    ms_error err;
    ms_codec codec;
} result;

/* Read all of r in pieces of cap bytes. */
static void drain(ms_reader *r, size_t cap, result *res)
{
    char *buf = malloc(cap);
    assert_non_null(buf);
    ptrdiff_t k;
    while ((k = ms_reader_read(r, buf, cap, &res->err)) > 0)
        ms_buf_add(&res->out, buf, (size_t)k);
    res->rc = k < 0 ? -1 : 0;
    if (k < 0)  /* once, then the end */
        assert_int_equal(ms_reader_read(r, buf, cap, NULL), 0);
    free(buf);
}

static result read_path(const char *path, size_t cap)
{
    result res = {0};
    ms_reader *r = ms_reader_open(path, NULL, &res.err);
    if (!r)
        fail_msg("open %s: %s", path, res.err.msg);
    res.codec = ms_reader_codec(r);
    drain(r, cap, &res);
    ms_reader_close(r);
    return res;
}

/* The entries' journal, made once. */
static int group_setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *entries_journal(void)
{
    const char *j = path_in("system.journal");
    static bool made;
    if (!made) {
        ms_buf ex = all_export();
        make_journal(&ex, j);
        ms_buf_free(&ex);
        made = true;
    }
    return j;
}

static void test_file_lines(void **state)
{
    (void)state;
    ms_buf want = all_lines();
    const size_t caps[] = {1, 7, 100, 1 << 16};
    for (size_t i = 0; i < sizeof caps / sizeof *caps; i++) {
        result r = read_path(entries_journal(), caps[i]);
        assert_int_equal(r.rc, 0);
        assert_int_equal(r.codec, MS_CODEC_JOURNAL);
        assert_string_equal(ms_codec_name(r.codec), "journal");
        assert_same(&r.out, &want);
        ms_buf_free(&r.out);
    }
    ms_buf_free(&want);
}

static void copy_file(const char *from, const char *to, size_t len)
{
    ms_buf b = read_file(from);
    write_file(to, b.p, len < b.n ? len : b.n);
    ms_buf_free(&b);
}

/* Archived and dirty journals are read by their content, not their name;
 * a dirty one was left online. */
static void test_file_names(void **state)
{
    (void)state;
    ms_buf want = all_lines();
    const char *arch = path_in("system@0123456789abcdef0123456789abcdef-0000000000000001-0005f0e1d2c3b4a5.journal");
    const char *dirty = path_in("system@0005f0e1d2c3b4a5-0123456789abcdef.journal~");
    copy_file(entries_journal(), arch, SIZE_MAX);
    ms_buf d = read_file(entries_journal());
    d.p[16] = 1;   /* STATE_ONLINE */
    write_file(dirty, d.p, d.n);
    ms_buf_free(&d);
    const char *paths[] = {arch, dirty};
    for (int i = 0; i < 2; i++) {
        result r = read_path(paths[i], 4096);
        assert_int_equal(r.rc, 0);
        assert_same(&r.out, &want);
        ms_buf_free(&r.out);
    }
    ms_buf_free(&want);
}

static uint64_t le64_at(const ms_buf *b, size_t at)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | (unsigned char)b->p[at + i];
    return v;
}

/* A cut journal gives a prefix of its lines, then an error naming it. */
static void test_file_truncated(void **state)
{
    (void)state;
    ms_buf ex = {0};
    entry e = entries[0];
    char msg[128];
    for (unsigned i = 0; i < 3000; i++) {
        int k = snprintf(msg, sizeof msg, "imap-login: Login: user=<u%u@example.org>, rip=10.0.%u.%u",
                         i, i / 256, i % 256);
        e.usec = 1746426346000000 + (uint64_t)i * 1000000;
        e.f[5] = (field){"MESSAGE", msg, (size_t)k};
        export_entry(&ex, &e, i + 1);
    }
    const char *full = path_in("many.journal");
    make_journal(&ex, full);
    result whole = read_path(full, 65536);
    assert_int_equal(whole.rc, 0);
    ms_buf j = read_file(full);
    /* Halfway between the end of the data hash table and the last object
     * (journal-remote writes the tables first), in the last object, in the
     * header, before its arena size. */
    uint64_t tail = le64_at(&j, 136), tables = le64_at(&j, 104) + le64_at(&j, 112);
    ms_buf_free(&j);
    const char *cut = path_in("cut.journal");
    size_t lines_seen = 0;
    const size_t sizes[] = {(size_t)(tables + tail) / 2, (size_t)tail + 8, 200, 60};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        copy_file(full, cut, sizes[i]);
        result r = read_path(cut, 65536);
        assert_int_equal(r.rc, -1);
        assert_int_equal(r.err.code, MS_ERR_DATA);
        assert_non_null(strstr(r.err.msg, cut));
        assert_non_null(strstr(r.err.msg, "truncated"));
        /* Whole lines, the first ones. */
        assert_true(r.out.n <= whole.out.n);
        if (r.out.n) {
            assert_memory_equal(r.out.p, whole.out.p, r.out.n);
            assert_int_equal(r.out.p[r.out.n - 1], '\n');
        }
        if (i < 2)
            lines_seen += r.out.n;
        ms_buf_free(&r.out);
    }
    assert_true(lines_seen > 0);   /* what could be read was read */
    ms_buf_free(&whole.out);
    ms_buf_free(&ex);
}

static void test_file_damaged(void **state)
{
    (void)state;
    char junk[512];
    memset(junk, 0x5a, sizeof junk);
    memcpy(junk, "LPKSHHRH", 8);
    const char *p = path_in("junk.journal");
    write_file(p, junk, sizeof junk);
    result r = read_path(p, 4096);
    assert_int_equal(r.codec, MS_CODEC_JOURNAL);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.err.code, MS_ERR_DATA);
    assert_non_null(strstr(r.err.msg, p));
    assert_int_equal(r.out.n, 0);
    /* Just the magic: too short to be one. */
    write_file(p, junk, 8);
    r = read_path(p, 4096);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.err.code, MS_ERR_DATA);
}

static void test_file_stdin(void **state)
{
    (void)state;
    int fd = open(entries_journal(), O_RDONLY);
    assert_true(fd >= 0);
    int saved = dup(STDIN_FILENO);
    assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    close(fd);
    result r = read_path("-", 4096);
    dup2(saved, STDIN_FILENO);
    close(saved);
    assert_int_equal(r.codec, MS_CODEC_JOURNAL);
    assert_int_equal(r.rc, -1);
    assert_int_equal(r.err.code, MS_ERR_DATA);
    assert_non_null(strstr(r.err.msg, "(stdin)"));
    assert_non_null(strstr(r.err.msg, "standard input"));
    assert_int_equal(r.out.n, 0);
}

/* The reading is stepped by one thread, then another (as the lines' ring
 * does): libsystemd minds forks, not threads. */
typedef struct half {
    ms_reader *r;
    result *res;
    size_t bytes;
} half;

static void *read_some(void *arg)
{
    half *h = arg;
    char buf[64];
    while (h->res->out.n < h->bytes) {
        ptrdiff_t k = ms_reader_read(h->r, buf, sizeof buf, &h->res->err);
        if (k <= 0)
            break;
        ms_buf_add(&h->res->out, buf, (size_t)k);
    }
    return NULL;
}

static void test_file_threads(void **state)
{
    (void)state;
    ms_buf want = all_lines();
    result res = {0};
    ms_reader *r = ms_reader_open(entries_journal(), NULL, &res.err);
    assert_non_null(r);
    half h = {r, &res, want.n / 2};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, read_some, &h), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_true(res.out.n >= want.n / 2 && res.out.n < want.n);
    drain(r, 64, &res);
    ms_reader_close(r);
    assert_int_equal(res.rc, 0);
    assert_same(&res.out, &want);
    ms_buf_free(&res.out);
    ms_buf_free(&want);
}

/* ---- the unwrappers ---- */

/* Fed step bytes more at a time, as the reader does. */
static ms_buf run(const ms_unwrap_ops *ops, const char *in, size_t n,
                  size_t step)
{
    ms_buf out = {0};
    assert_int_equal(unwrap_in_steps(ops, in, n, step, &out), 0);
    return out;
}

/* In two pieces cut at byte k. */
static ms_buf run_split(const ms_unwrap_ops *ops, const char *in, size_t n,
                        size_t k)
{
    void *st = ops->init();
    ms_buf out = {0};
    size_t used = ops->feed(st, in, k, false, &out);
    assert_true(used <= k);
    assert_int_equal(ops->feed(st, in + used, n - used, true, &out), n - used);
    ops->free(st);
    return out;
}

static void check_all_ways(const ms_unwrap_ops *ops, const ms_buf *in,
                           const ms_buf *want)
{
    ms_buf whole = run(ops, in->p, in->n, in->n ? in->n : 1);
    assert_same(&whole, want);
    for (size_t k = 0; k <= in->n; k++) {
        ms_buf b = run_split(ops, in->p, in->n, k);
        assert_same(&b, want);
        ms_buf_free(&b);
    }
    const size_t steps[] = {1, 7, 64};
    for (size_t i = 0; i < 3; i++) {
        ms_buf b = run(ops, in->p, in->n, steps[i]);
        assert_same(&b, want);
        ms_buf_free(&b);
    }
    ms_buf_free(&whole);
}

static void test_export_lines(void **state)
{
    (void)state;
    ms_buf in = all_export(), want = all_lines();
    check_all_ways(&ms_unwrap_journal_export, &in, &want);
    ms_buf_free(&in);
    ms_buf_free(&want);
}

static void test_json_lines(void **state)
{
    (void)state;
    ms_buf in = all_json(), want = all_lines();
    check_all_ways(&ms_unwrap_journal_json, &in, &want);
    ms_buf_free(&in);
    ms_buf_free(&want);
}

static ms_buf lit(const char *p, size_t n)
{
    ms_buf b = {0};
    ms_buf_add(&b, p, n);
    return b;
}
#define LIT(s) lit(s, sizeof s - 1)

/* Export oddities: a field given twice (the first counts), lines that are
 * no field, blank lines before and between entries, no stamp, a binary
 * value whose bytes hold "\n\n", the last entry without its empty line
 * and its last field without its newline. */
static void test_export_forms(void **state)
{
    (void)state;
    ms_buf in = LIT("\n\n"
                    "SYSLOG_IDENTIFIER=first\nSYSLOG_IDENTIFIER=second\n"
                    "not a field\nlower=case\n=x\n"
                    "MESSAGE\n\x06\0\0\0\0\0\0\0x\n\ny=1\n\n"
                    "\n\n"
                    "__REALTIME_TIMESTAMP=12x\n_HOSTNAME=h\nMESSAGE=m\n\n"
                    "__REALTIME_TIMESTAMP=1000000\n_COMM=c\nMESSAGE=last");
    ms_buf want = LIT("first: x  y=1\n"
                      "h m\n"
                      "1970-01-01T00:00:01.000000Z c: last\n");
    check_all_ways(&ms_unwrap_journal_export, &in, &want);
    ms_buf_free(&in);
    ms_buf_free(&want);
    /* A binary value cut by the end: what is there. */
    in = LIT("MESSAGE\n\x10\0\0\0\0\0\0\0abc");
    want = LIT("abc\n");
    check_all_ways(&ms_unwrap_journal_export, &in, &want);
    ms_buf_free(&in);
    ms_buf_free(&want);
}

/* json oddities: several values (the first counts), nulls (left out),
 * numbers that are no bytes, a line that is no object (passed on), blank
 * lines, \u0000 in a string, no newline at the end. */
static void test_json_forms(void **state)
{
    (void)state;
    ms_buf in = LIT("{\"__REALTIME_TIMESTAMP\":\"1000000\",\"SYSLOG_IDENTIFIER\":[\"a\",\"b\"],"
                    "\"MESSAGE\":[[104,105],\"no\"],\"_HOSTNAME\":null}\n"
                    "\n"
                    "{\"MESSAGE\":null,\"_COMM\":\"c\",\"_PID\":\"5\"}\n"
                    "{\"MESSAGE\":[1,300],\"SYSLOG_IDENTIFIER\":5,\"_COMM\":\"c\"}\n"
                    "not json at all\n"
                    "[1,2]\n"
                    "{\"MESSAGE\":\"x\\u0000y\\nz\",\"__REALTIME_TIMESTAMP\":1}");
    ms_buf want = LIT("1970-01-01T00:00:01.000000Z a: hi\n"
                      "c[5]:\n"
                      "c:\n"
                      "not json at all\n"
                      "[1,2]\n"
                      "x\0y z\n");
    check_all_ways(&ms_unwrap_journal_json, &in, &want);
    ms_buf_free(&in);
    ms_buf_free(&want);
}

/* An entry with a 1 MiB message: whole in every form. */
static void test_long_message(void **state)
{
    (void)state;
    size_t n = 1u << 20;
    char *m = malloc(n);
    assert_non_null(m);
    for (size_t i = 0; i < n; i++)
        m[i] = (char)('a' + i % 26);
    memcpy(m, "imap-login: ", 12);
    entry e = {1746426346000000, {{"_HOSTNAME", "mx1", 3}, {"SYSLOG_IDENTIFIER", "dovecot", 7},
                                  {"MESSAGE", m, n}}, NULL, 0};
    ms_buf want = LIT("2025-05-05T06:25:46.000000Z mx1 dovecot: ");
    ms_buf_add(&want, m, n);
    ms_buf_addc(&want, '\n');
    ms_buf ex = {0}, js = {0};
    export_entry(&ex, &e, 1);
    json_entry(&js, &e);

    ms_buf b = run(&ms_unwrap_journal_export, ex.p, ex.n, 65536);
    assert_same(&b, &want);
    ms_buf_free(&b);
    b = run(&ms_unwrap_journal_json, js.p, js.n, 65536);
    assert_same(&b, &want);
    ms_buf_free(&b);

    const char *j = path_in("long.journal");
    make_journal(&ex, j);
    result r = read_path(j, 65536);
    assert_int_equal(r.rc, 0);
    assert_same(&r.out, &want);
    ms_buf_free(&r.out);
    free(m);
    ms_buf_free(&ex);
    ms_buf_free(&js);
    ms_buf_free(&want);
}

/* Through the reader, from a gzip file: peeked, detected, unwrapped. */
static result read_unwrapped(const char *path, const ms_unwrap_ops *want_ops)
{
    result res = {0};
    ms_reader *r = ms_reader_open(path, NULL, &res.err);
    assert_non_null(r);
    const char *p;
    ptrdiff_t n = ms_reader_peek(r, 65536, &p, &res.err);
    assert_true(n >= 0);
    const ms_unwrap_ops *ops = ms_journal_text_detect(p, (size_t)n);
    assert_ptr_equal(ops, want_ops);
    assert_int_equal(ms_reader_unwrap(r, ops, &res.err), 0);
    assert_string_equal(ms_reader_framing(r), ops->name);
    res.codec = ms_reader_codec(r);
    drain(r, 4096, &res);
    ms_reader_close(r);
    return res;
}

static void write_gz(const char *path, const ms_buf *b)
{
    gzFile g = gzopen(path, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, b->p, (unsigned)b->n), (int)b->n);
    assert_int_equal(gzclose(g), Z_OK);
}

static void test_through_reader(void **state)
{
    (void)state;
    ms_buf want = all_lines(), ex = all_export(), js = all_json();
    const char *p = path_in("export.gz");
    write_gz(p, &ex);
    result r = read_unwrapped(p, &ms_unwrap_journal_export);
    assert_int_equal(r.codec, MS_CODEC_GZIP);
    assert_int_equal(r.rc, 0);
    assert_same(&r.out, &want);
    ms_buf_free(&r.out);
    p = path_in("json.gz");
    write_gz(p, &js);
    r = read_unwrapped(p, &ms_unwrap_journal_json);
    assert_int_equal(r.rc, 0);
    assert_same(&r.out, &want);
    ms_buf_free(&r.out);
    ms_buf_free(&want);
    ms_buf_free(&ex);
    ms_buf_free(&js);
}

/* An entry longer than MS_UNWRAP_MAX is cut; the entries after it come
 * out whole. */
static void test_over_long(void **state)
{
    (void)state;
    size_t n = MS_UNWRAP_MAX + (1u << 20);
    char *m = malloc(n);
    assert_non_null(m);
    memset(m, 'x', n);
    m[n / 2] = '\n';   /* binary in export, still a string in json */
    entry big = {1000000, {{"_COMM", "big", 3}, {"MESSAGE", m, n}}, NULL, 0};
    const entry *next = &entries[0];
    ms_buf ex = {0}, js = {0};
    export_entry(&ex, &big, 1);
    export_entry(&ex, next, 2);
    json_entry(&js, &big);
    json_entry(&js, next);
    write_file(path_in("big.export"), ex.p, ex.n);
    write_file(path_in("big.json"), js.p, js.n);

    result r = read_unwrapped(path_in("big.export"), &ms_unwrap_journal_export);
    assert_int_equal(r.rc, 0);
    const char *nl = memchr(r.out.p, '\n', r.out.n);
    assert_non_null(nl);
    size_t first = (size_t)(nl - r.out.p) + 1;
    assert_true(first > (1u << 20) && first <= MS_UNWRAP_MAX);
    assert_memory_equal(r.out.p, "1970-01-01T00:00:01.000000Z big: xxx", 36);
    assert_int_equal(r.out.n - first, next->want_n);
    assert_memory_equal(r.out.p + first, next->want, next->want_n);
    ms_buf_free(&r.out);

    r = read_unwrapped(path_in("big.json"), &ms_unwrap_journal_json);
    assert_int_equal(r.rc, 0);
    assert_true(r.out.n > next->want_n);
    assert_memory_equal(r.out.p + r.out.n - next->want_n, next->want, next->want_n);
    assert_int_equal(r.out.p[r.out.n - next->want_n - 1], '\n');
    ms_buf_free(&r.out);
    free(m);
    ms_buf_free(&ex);
    ms_buf_free(&js);
}

/* Random bytes, and export fields of absurd lengths: the contract holds
 * however the input is cut. */
static void test_garbage(void **state)
{
    (void)state;
    ms_buf g = {0};
    uint64_t x = 88172645463325252u;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const char *bits[] = {"MESSAGE\n", "\n", "{", "}", "=", "A", "\"__CURSOR\":",
                              "\xff\xff\xff\xff\xff\xff\xff\x7f", "[1,2", "\0"};
        if (x % 3 == 0)
            ms_buf_add(&g, bits[x / 3 % 10], x / 3 % 10 == 9 ? 1 : strlen(bits[x / 3 % 10]));
        else
            ms_buf_addc(&g, (char)(x >> 24));
    }
    const ms_unwrap_ops *ops[] = {&ms_unwrap_journal_export, &ms_unwrap_journal_json};
    for (int i = 0; i < 2; i++) {
        ms_buf whole = run(ops[i], g.p, g.n, g.n);
        const size_t steps[] = {1, 13, 4096};
        for (int k = 0; k < 3; k++) {
            ms_buf b = run(ops[i], g.p, g.n, steps[k]);
            assert_same(&b, &whole);
            ms_buf_free(&b);
        }
        ms_buf_free(&whole);
    }
    ms_buf_free(&g);
}

static void test_detect(void **state)
{
    (void)state;
    ms_buf ex = all_export(), js = all_json();
    assert_ptr_equal(ms_journal_text_detect(ex.p, ex.n), &ms_unwrap_journal_export);
    assert_ptr_equal(ms_journal_text_detect(js.p, js.n), &ms_unwrap_journal_json);
    assert_ptr_equal(ms_journal_text_detect(ex.p, 5), NULL);   /* "__CUR" */
    struct { const char *s; const ms_unwrap_ops *ops; } cases[] = {
        {"__CURSOR=s=1\n", &ms_unwrap_journal_export},
        {"MESSAGE=x\n", &ms_unwrap_journal_export},
        {"{\"__REALTIME_TIMESTAMP\":\"1\"}\n", &ms_unwrap_journal_json},
        {"{\"MESSAGE\":\"x\",\"__CURSOR\":\"s\"}", &ms_unwrap_journal_json},
        {"{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"2025-05-05T00:00:00Z\"}\n", NULL},
        {"May  5 06:25:46 mx1 dovecot[1]: x\n", NULL},
        {"2025-05-05T06:25:46Z mx1 x=y\n", NULL},
        {"lower=x\n", NULL},
        {"MESSAGE\n", NULL},
        {"x\n{\"__CURSOR\":1}\n", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_ptr_equal(ms_journal_text_detect(cases[i].s, strlen(cases[i].s)),
                         cases[i].ops);
    ms_buf_free(&ex);
    ms_buf_free(&js);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_lines),
        cmocka_unit_test(test_file_names),
        cmocka_unit_test(test_file_truncated),
        cmocka_unit_test(test_file_damaged),
        cmocka_unit_test(test_file_stdin),
        cmocka_unit_test(test_file_threads),
        cmocka_unit_test(test_export_lines),
        cmocka_unit_test(test_json_lines),
        cmocka_unit_test(test_export_forms),
        cmocka_unit_test(test_json_forms),
        cmocka_unit_test(test_long_message),
        cmocka_unit_test(test_through_reader),
        cmocka_unit_test(test_over_long),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_detect),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
