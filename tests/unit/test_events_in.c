/* test_events_in.c — reading events files back: a round trip through the
 * real writer (CSV and NDJSON, plain, gzip'd and on stdin) with hostile
 * names (formula starts, quotes, commas, newlines, NUL, invalid UTF-8),
 * columns in another order or missing (a file without the server column
 * gives no server), damaged rows that must be skipped with a warning naming
 * the line (rows over 1 MiB however they fall), and files that are not
 * events files; all of it read here, then again read ahead on a thread
 * (input/events_ahead.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/buf.h"
#include "input/events_ahead.h"
#include "input/events_in.h"
#include "output/events_out.h"

#define S(lit) {lit, sizeof lit - 1}
#define ADDLIT(b, lit) ms_buf_add(b, lit, sizeof lit - 1)

/* ---- what the reader hands back, deep-copied ------------------------ */

typedef struct got_event {
    ms_event e;
    char *user, *method, *reason, *session, *host, *source, *file;
    char *server;           /* NULL: the row had no server column */
    size_t server_n;
} got_event;

typedef struct sink {
    got_event *v;
    size_t n, cap;
    int stop_after;         /* 0: never */
    char warn[64][300];
    uint64_t warn_line[64];
    size_t nwarn;
} sink;

static char *dup_str(ms_str s)
{
    char *p = malloc(s.n + 1);
    assert_non_null(p);
    if (s.n)
        memcpy(p, s.p, s.n);
    p[s.n] = '\0';
    return p;
}

static int on_event(void *ctx, const ms_event *e, const char *file_column,
                    const ms_str *server)
{
    sink *k = ctx;
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 64;
        k->v = realloc(k->v, k->cap * sizeof *k->v);
        assert_non_null(k->v);
    }
    got_event *g = &k->v[k->n++];
    g->e = *e;
    g->user = dup_str(e->user);
    g->method = dup_str(e->method);
    g->reason = dup_str(e->reason);
    g->session = dup_str(e->session);
    g->host = dup_str(e->host);
    g->source = strdup(e->source);
    g->file = strdup(file_column);
    g->server = server ? dup_str(*server) : NULL;
    g->server_n = server ? server->n : 0;
    if (k->stop_after && k->n == (size_t)k->stop_after)
        return 7;
    return 0;
}

static void on_warn(void *ctx, const char *file, uint64_t line,
                    const char *msg)
{
    sink *k = ctx;
    (void)file;
    if (k->nwarn < 64) {
        snprintf(k->warn[k->nwarn], sizeof k->warn[0], "%s", msg);
        k->warn_line[k->nwarn] = line;
    }
    k->nwarn++;
}

static void sink_free(sink *k)
{
    for (size_t i = 0; i < k->n; i++) {
        got_event *g = &k->v[i];
        free(g->user), free(g->method), free(g->reason), free(g->session);
        free(g->host), free(g->source), free(g->file), free(g->server);
    }
    free(k->v);
    memset(k, 0, sizeof *k);
}

/* Every test runs twice: read here, then read ahead on a thread. */
static int ahead;

static int read_file(const char *path, sink *k, ms_error *err)
{
    ms_warner w = {on_warn, k};
    return (ahead ? ms_events_read_ahead : ms_events_read)(
        path, "events-under-test", on_event, k, &w, err);
}

/* ---- temp files ----------------------------------------------------- */

static char *tmp_path(void)
{
    char *path = strdup("/tmp/test_events_in_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    return path;
}

static char *write_tmp(const void *p, size_t n)
{
    char *path = tmp_path();
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
    return path;
}

static char *write_gz(const void *p, size_t n)
{
    char *path = tmp_path();
    gzFile g = gzopen(path, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, p, (unsigned)n), (int)n);
    gzclose(g);
    return path;
}

static void drop(char *path)
{
    unlink(path);
    free(path);
}

/* ---- the events of the round trip ----------------------------------- */

typedef struct fixture {
    ms_event e;
    const char *file, *server;   /* server: the file's label */
} fixture;

static const ms_str users[] = {
    S("alice"),
    S("=cmd|' /C calc'!A0"),
    S("+1+1"),
    S("-2"),
    S("@SUM(A1)"),
    S("\tTAB"),
    S("\rCR"),
    S("say \"hi\", ok"),
    S("two\nlines\r\nhere"),
    S("bad\xff\xfe utf8 \xc3"),
    S("nul\0byte"),
    S("\0"),
    S(" spaced "),
    S("'quoted start"),
    S("back\\slash \\x41 \\xZZ \\"),
    S("j\xc3\xbcrgen \xe2\x82\xac"),
    S("c1 \xc2\x85 del \x7f esc \x1b[31m"),
    S(""),
    S(","),
    S("\""),
};
#define NUSERS (sizeof users / sizeof users[0])

static const char *const files[] = {
    "/var/log/mail.log", "mail.log.2.gz", "=odd,name \"x\".log",
};
static const char *const labels[] = {"mx1", "", "=pop,\"q\""};

static ms_event make_event(size_t i)
{
    ms_event e;
    memset(&e, 0, sizeof e);
    static const char *const ips[] = {"192.0.2.1", "2001:db8::7", "",
                                      "::ffff:10.1.2.3", "fe80::1"};
    static const char *const sources[] = {"dovecot", "postfix", "sshd",
                                          "=evil", ""};
    e.time = i % 4 == 3 ? MS_TIME_NONE
                        : (int64_t)(1169373085 + i * 61) * MS_NS_PER_S +
                              (i % 2 ? 123456789 : 0);
    const char *ip = ips[i % 5];
    if (*ip)
        assert_true(ms_ip_parse(ip, strlen(ip), &e.ip));
    e.outcome = (uint8_t)(1 + i % (MS_OUT__COUNT - 1));
    e.service = (uint8_t)(i % MS_SVC__COUNT);
    e.attempts = (uint16_t)(i % 3 == 0 ? 1 : i * 1000 % 65536);
    if (!e.attempts)
        e.attempts = 65535;
    e.line = i == 5 ? UINT64_C(9223372036854775807) : i * 17 + 1;
    e.source = sources[i % 5];
    e.user = users[i % NUSERS];
    e.method = i % 2 ? (ms_str)S("PLAIN") : users[(i + 3) % NUSERS];
    e.reason = users[(i + 7) % NUSERS];
    e.session = i % 3 ? (ms_str)S("x6Bq/nPZcd1") : users[(i + 1) % NUSERS];
    e.host = users[(i + 11) % NUSERS];
    e.dup_of = e.outcome == MS_OUT_DUPLICATE ? (int64_t)i * 3 : 0;
    return e;
}

#define NEVENTS 60

static void build(ms_buf *b, ms_format f, fixture *fx)
{
    ms_event_writer w;
    ms_event_writer_init(&w, f);
    ms_events_header(b, f);
    for (size_t i = 0; i < NEVENTS; i++) {
        fx[i].e = make_event(i);
        fx[i].file = files[i % 3];
        fx[i].server = labels[i % 3];
        ms_event_write(&w, b, &fx[i].e, fx[i].file, fx[i].server);
    }
    ms_event_writer_free(&w);
    assert_false(b->failed);
}

static void check_all(const sink *k, const fixture *fx)
{
    assert_int_equal(k->n, NEVENTS);
    for (size_t i = 0; i < NEVENTS; i++) {
        const got_event *g = &k->v[i];
        const ms_event *w = &fx[i].e;
        assert_int_equal(g->e.time, w->time);
        assert_memory_equal(g->e.ip.b, w->ip.b, 16);
        assert_int_equal(g->e.outcome, w->outcome);
        assert_int_equal(g->e.service, w->service);
        assert_int_equal(g->e.attempts, w->attempts);
        assert_int_equal(g->e.line, w->line);
        if (w->outcome == MS_OUT_DUPLICATE)
            assert_int_equal(g->e.dup_of, w->dup_of);
        assert_string_equal(g->source, w->source);
        assert_string_equal(g->file, fx[i].file);
        assert_int_equal(g->e.file, i % 3 + 1); /* first-seen; 0 is "" */
        /* The emitted ms_str pointers died after the call: compare the
         * copies, by length and bytes (they may hold NUL). */
        assert_int_equal(g->e.user.n, w->user.n);
        assert_memory_equal(g->user, w->user.p, w->user.n);
        assert_int_equal(g->e.method.n, w->method.n);
        assert_memory_equal(g->method, w->method.p, w->method.n);
        assert_int_equal(g->e.reason.n, w->reason.n);
        assert_memory_equal(g->reason, w->reason.p, w->reason.n);
        assert_int_equal(g->e.session.n, w->session.n);
        assert_memory_equal(g->session, w->session.p, w->session.n);
        assert_int_equal(g->e.host.n, w->host.n);
        assert_memory_equal(g->host, w->host.p, w->host.n);
        /* The server: the host, else the file's label. */
        assert_non_null(g->server);
        ms_str sv = w->host.n ? w->host
                              : (ms_str){fx[i].server,
                                         (uint32_t)strlen(fx[i].server)};
        assert_int_equal(g->server_n, sv.n);
        assert_memory_equal(g->server, sv.p, sv.n);
    }
}

static void round_trip(ms_format f, int gz, int via_stdin)
{
    static fixture fx[NEVENTS];
    ms_buf b = {0};
    build(&b, f, fx);
    char *path = gz ? write_gz(b.p, b.n) : write_tmp(b.p, b.n);
    assert_int_equal(ms_events_sniff(b.p, b.n),
                     f == MS_FMT_CSV ? MS_EVFILE_CSV : MS_EVFILE_JSON);
    sink k = {0};
    ms_error err = {0};
    int rc;
    if (via_stdin) {
        int saved = dup(0);
        int fd = open(path, O_RDONLY);
        assert_true(saved >= 0 && fd >= 0);
        dup2(fd, 0);
        close(fd);
        rc = read_file("-", &k, &err);
        dup2(saved, 0);
        close(saved);
    } else {
        rc = read_file(path, &k, &err);
    }
    if (rc)
        fail_msg("read: %s", err.msg);
    for (size_t i = 0; i < k.nwarn && i < 64; i++)
        print_message("warning: %s\n", k.warn[i]);
    assert_int_equal(k.nwarn, 0);
    check_all(&k, fx);
    sink_free(&k);
    drop(path);
    ms_buf_free(&b);
}

static void test_csv(void **state)
{
    (void)state;
    round_trip(MS_FMT_CSV, 0, 0);
}

static void test_json(void **state)
{
    (void)state;
    round_trip(MS_FMT_JSON, 0, 0);
}

static void test_gzip(void **state)
{
    (void)state;
    round_trip(MS_FMT_CSV, 1, 0);
    round_trip(MS_FMT_JSON, 1, 0);
}

static void test_stdin(void **state)
{
    (void)state;
    round_trip(MS_FMT_CSV, 1, 1);
}

/* Thousands of rows: chunk boundaries fall everywhere. */
static void test_big(void **state)
{
    (void)state;
    for (int f = 0; f < 2; f++) {
        ms_buf b = {0};
        ms_event_writer w;
        ms_event_writer_init(&w, (ms_format)f);
        ms_events_header(&b, (ms_format)f);
        size_t want = 20000;
        for (size_t i = 0; i < want; i++) {
            ms_event e = make_event(i);
            ms_event_write(&w, &b, &e, files[i % 3], labels[i % 3]);
        }
        ms_event_writer_free(&w);
        char *path = write_tmp(b.p, b.n);
        sink k = {0};
        ms_error err = {0};
        assert_int_equal(read_file(path, &k, &err), 0);
        assert_int_equal(k.nwarn, 0);
        assert_int_equal(k.n, want);
        for (size_t i = 0; i < want; i += 997) {
            ms_event e = make_event(i);
            assert_int_equal(k.v[i].e.line, e.line);
            assert_int_equal(k.v[i].e.user.n, e.user.n);
            assert_memory_equal(k.v[i].user, e.user.p, e.user.n);
        }
        sink_free(&k);
        drop(path);
        ms_buf_free(&b);
    }
}

/* ---- columns found by name ------------------------------------------ */

static void test_columns(void **state)
{
    (void)state;
    const char *text =
        "\xEF\xBB\xBF" "outcome,extra,\"ip\",time,user\r\n"
        "auth_fail,zzz,1.2.3.4,2007-01-21T09:51:25Z,\"'=x,y\"\r\n"
        "auth_ok,,::1,,bob\r\n"
        "\r\n"
        "relay_denied,q,10.0.0.1,2007-01-21T09:51:26.5Z,\"multi\nline\"\n"
        "connect,q,10.0.0.2,2007-01-21T09:51:27Z,last";   /* no final LF */
    char *path = write_tmp(text, strlen(text));
    sink k = {0};
    ms_error err = {0};
    assert_int_equal(read_file(path, &k, &err), 0);
    assert_int_equal(k.nwarn, 0);
    assert_int_equal(k.n, 4);
    assert_int_equal(k.v[0].e.outcome, MS_OUT_AUTH_FAIL);
    assert_string_equal(k.v[0].user, "=x,y");
    assert_int_equal(k.v[0].e.time, INT64_C(1169373085) * MS_NS_PER_S);
    assert_int_equal(k.v[0].e.attempts, 1);      /* missing: 1 */
    assert_int_equal(k.v[0].e.service, MS_SVC_UNKNOWN);
    assert_string_equal(k.v[0].source, "");
    assert_string_equal(k.v[0].file, "");
    assert_int_equal(k.v[1].e.time, MS_TIME_NONE);
    char ip[MS_IP_STRLEN];
    ms_ip_format(&k.v[1].e.ip, ip);
    assert_string_equal(ip, "::1");
    assert_string_equal(k.v[2].user, "multi\nline");   /* quoted newline */
    assert_int_equal(k.v[2].e.time,
                     INT64_C(1169373086) * MS_NS_PER_S + 500000000);
    assert_string_equal(k.v[3].user, "last");
    for (size_t i = 0; i < k.n; i++)
        assert_null(k.v[i].server);   /* no server column */
    sink_free(&k);
    drop(path);
}

/* ---- damaged input --------------------------------------------------- */

static int warned_at(const sink *k, uint64_t line, const char *word)
{
    for (size_t i = 0; i < k->nwarn && i < 64; i++)
        if (k->warn_line[i] == line && strstr(k->warn[i], word))
            return 1;
    return 0;
}

/* Rows without quotes are split without libcsv; each of these spellings of
 * the same rows takes libcsv's path for some rows (quotes, padding that
 * libcsv trims, a '\r' ending a row, blank lines) and must read the same. */
static void test_plain_rows_as_libcsv(void **state)
{
    (void)state;
    static const char *const forms[] = {
        "time,ip,outcome,user,method\n"
        "2007-01-21T09:51:25Z,1.2.3.4,auth_fail,alice,PLAIN\n"
        "2007-01-21T09:51:26Z,::1,auth_ok,,LOGIN\n"
        "2007-01-21T09:51:27Z,10.0.0.1,connect,b o b,\n",
        "time,ip,outcome,user,method\r\n"
        "2007-01-21T09:51:25Z,1.2.3.4,auth_fail,alice,PLAIN\r\n"
        "\r\n"
        "2007-01-21T09:51:26Z,::1,auth_ok,,LOGIN\r\n"
        "2007-01-21T09:51:27Z,10.0.0.1,connect,b o b,\r\n",
        "time, ip ,outcome,user,method\n"
        "2007-01-21T09:51:25Z,\t1.2.3.4,auth_fail,alice ,PLAIN\n"
        "\n"
        "2007-01-21T09:51:26Z,::1,auth_ok, ,LOGIN\n"
        "2007-01-21T09:51:27Z,10.0.0.1 ,connect,b o b,\t\n",
        "\"time\",\"ip\",\"outcome\",\"user\",\"method\"\n"
        "\"2007-01-21T09:51:25Z\",\"1.2.3.4\",\"auth_fail\",\"alice\",\"PLAIN\"\n"
        "\"2007-01-21T09:51:26Z\",\"::1\",\"auth_ok\",\"\",\"LOGIN\"\n"
        "\"2007-01-21T09:51:27Z\",\"10.0.0.1\",\"connect\",\"b o b\",\"\"\n",
        "time,ip,outcome,user,method\n"
        "2007-01-21T09:51:25Z,1.2.3.4,auth_fail,alice,PLAIN\r"
        "2007-01-21T09:51:26Z,::1,auth_ok,,LOGIN\n"
        "2007-01-21T09:51:27Z,10.0.0.1,connect,b o b,",
    };
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        char *path = write_tmp(forms[f], strlen(forms[f]));
        sink k = {0};
        ms_error err = {0};
        assert_int_equal(read_file(path, &k, &err), 0);
        assert_int_equal(k.nwarn, 0);
        assert_int_equal(k.n, 3);
        assert_int_equal(k.v[0].e.outcome, MS_OUT_AUTH_FAIL);
        assert_int_equal(k.v[0].e.time, INT64_C(1169373085) * MS_NS_PER_S);
        assert_string_equal(k.v[0].user, "alice");
        assert_string_equal(k.v[0].method, "PLAIN");
        assert_int_equal(k.v[1].e.outcome, MS_OUT_AUTH_OK);
        assert_string_equal(k.v[1].user, "");
        char ip[MS_IP_STRLEN];
        ms_ip_format(&k.v[1].e.ip, ip);
        assert_string_equal(ip, "::1");
        assert_int_equal(k.v[2].e.outcome, MS_OUT_CONNECT);
        ms_ip_format(&k.v[2].e.ip, ip);
        assert_string_equal(ip, "10.0.0.1");
        assert_string_equal(k.v[2].user, "b o b");
        assert_string_equal(k.v[2].method, "");
        sink_free(&k);
        drop(path);
    }
    /* The guard and the escapes come off a field read in place too. */
    static const char *const decoded[] = {
        "time,ip,outcome,user\n"
        "2007-01-21T09:51:25Z,1.2.3.4,auth_fail,'=cmd\\x01\\x\n",
        "time,ip,outcome,user\n"
        "2007-01-21T09:51:25Z,1.2.3.4,auth_fail,\"'=cmd\\x01\\x\"\n",
    };
    for (size_t f = 0; f < 2; f++) {
        char *path = write_tmp(decoded[f], strlen(decoded[f]));
        sink k = {0};
        ms_error err = {0};
        assert_int_equal(read_file(path, &k, &err), 0);
        assert_int_equal(k.n, 1);
        assert_memory_equal(k.v[0].user, "=cmd\x01\\x", 8);
        assert_int_equal(strlen(k.v[0].user), 7);
        sink_free(&k);
        drop(path);
    }
    /* A row with a field too many is skipped either way, named by line. */
    const char *extra = "time,ip,outcome\n"
                        "2007-01-21T09:51:25Z,1.2.3.4,auth_fail,\n"
                        "2007-01-21T09:51:25Z,\"1.2.3.4\",auth_fail,x\n"
                        "2007-01-21T09:51:25Z,1.2.3.4,auth_fail\n";
    char *path = write_tmp(extra, strlen(extra));
    sink k = {0};
    ms_error err = {0};
    assert_int_equal(read_file(path, &k, &err), 0);
    assert_int_equal(k.n, 1);
    assert_int_equal(k.nwarn, 2);
    assert_true(warned_at(&k, 2, "4 fields"));
    assert_true(warned_at(&k, 3, "4 fields"));
    sink_free(&k);
    drop(path);
}

static void test_damaged_csv(void **state)
{
    (void)state;
    ms_buf b = {0};
    ms_events_header(&b, MS_FMT_CSV);
    ms_event e = make_event(0);
    e.user = (ms_str)S("good");
    e.method = (ms_str)S("PLAIN");
    e.reason = (ms_str)S("");
    e.session = (ms_str)S("s1");
    e.host = (ms_str)S("h");
    ms_event_writer w;
    ms_event_writer_init(&w, MS_FMT_CSV);
#define GOOD() ms_event_write(&w, &b, &e, "m.log", "mx1")
    GOOD();                                                    /* 2 */
    ms_buf_adds(&b, "yesterday,1.2.3.4,imap,dovecot,auth_fail,u,,f,1,,1,,,,\n"); /* 3 */
    ms_buf_adds(&b, "2007-01-21T09:51:25Z,1.2.3.999,imap,dovecot,auth_fail,u,,f,1,,1,,,,\n"); /* 4 */
    ms_buf_adds(&b, "2007-01-21T09:51:25Z,1.2.3.4,imap,dovecot,exploded,u,,f,1,,1,,,,\n"); /* 5 */
    ms_buf_adds(&b, "2007-01-21T09:51:25Z,1.2.3.4,imap,dovecot,auth_fail,u\n"); /* 6 */
    ms_buf_adds(&b, "2007-01-21T09:51:25Z,1.2.3.4,imap,dovecot,auth_fail,u,,f,x1,,1,,,,\n"); /* 7 */
    ms_buf_adds(&b, "2007-01-21T09:51:25Z,1.2.3.4,imap,dovecot,auth_fail,u,,f,1,,70000,,,,\n"); /* 8 */
    ms_buf_adds(&b, "2007-01-21T09:51:25Z,1.2.3.4,imap,dovecot,auth_fail,u\"x,,f,1,,1,,,,\n"); /* 9 */
    ms_buf_adds(&b, "2007-01-21T09:51:25Z,1.2.3.4,imap,dovecot,auth_fail,\"u\"x,,f,1,,1,,,,\n"); /* 10 */
    GOOD();                                                    /* 11 */
    /* NUL bytes and raw invalid UTF-8 where the writer would have escaped:
     * taken as they are. */
    ADDLIT(&b, "2007-01-21T09:51:25Z,1.2.3.4,imap,dove\0cot,auth_fail,n\0u\xff,,f,1,,1,,,,\n"); /* 12 */
    /* A NUL inside the time is a bad time. */
    ADDLIT(&b, "2007-01-21T09:51\0:25Z,1.2.3.4,imap,dovecot,auth_fail,u,,f,1,,1,,,,\n"); /* 13 */
    ms_buf_adds(&b, ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n");       /* 14 */
    GOOD();                                                    /* 15 */
    /* A huge field: over 1 MiB on one line. */
    ms_buf_adds(&b, "2007-01-21T09:51:25Z,1.2.3.4,imap,dovecot,auth_fail,");   /* 16 */
    for (int i = 0; i < 1200 * 1024; i++)
        ms_buf_addc(&b, 'A');
    ms_buf_adds(&b, ",,f,1,,1,,,,\n");
    GOOD();                                                    /* 17 */
    /* Too many fields to count. */
    for (int i = 0; i < 1000; i++)                             /* 18 */
        ms_buf_addc(&b, ',');
    ms_buf_addc(&b, '\n');
    GOOD();                                                    /* 19 */
    /* An unterminated quote swallows the rest of the file. */
    ms_buf_adds(&b, "2007-01-21T09:51:25Z,1.2.3.4,imap,dovecot,auth_fail,\"open\n"); /* 20 */
    GOOD();
    GOOD();
#undef GOOD
    ms_event_writer_free(&w);
    assert_false(b.failed);
    char *path = write_tmp(b.p, b.n);
    sink k = {0};
    ms_error err = {0};
    assert_int_equal(read_file(path, &k, &err), 0);
    for (size_t i = 0; i < k.nwarn && i < 64; i++)
        print_message("  line %llu: %s\n", (unsigned long long)k.warn_line[i],
                      k.warn[i]);
    /* Good rows 2, 11, 12, 15, 17, 19. */
    assert_int_equal(k.n, 6);
    assert_int_equal(k.v[2].e.user.n, 4);
    assert_memory_equal(k.v[2].user, "n\0u\xff", 4);
    assert_string_equal(k.v[2].source, "dove");   /* C string: up to NUL */
    assert_int_equal(k.v[2].e.line, 1);
    for (size_t i = 0; i < k.n; i++)
        if (i != 2)
            assert_string_equal(k.v[i].user, "good");
    assert_true(warned_at(&k, 3, "time"));
    assert_true(warned_at(&k, 4, "ip"));
    assert_true(warned_at(&k, 5, "outcome"));
    assert_true(warned_at(&k, 6, "fields"));
    assert_true(warned_at(&k, 7, "line"));
    assert_true(warned_at(&k, 8, "attempts"));
    assert_true(warned_at(&k, 9, "quot"));
    assert_true(warned_at(&k, 10, "quot"));
    /* More than ten bad rows: the rest are counted once, on line 0. */
    assert_true(k.nwarn == 11);
    assert_true(warned_at(&k, 0, "more bad rows"));
    sink_free(&k);
    drop(path);
    ms_buf_free(&b);
}

static void test_damaged_csv_tail(void **state)
{
    (void)state;
    /* Few bad rows: every one gets its own warning. */
    const char *text =
        "time,ip,outcome,user\n"
        "2007-01-21T09:51:25Z,1.2.3.4,auth_fail,a\n"
        ",,,\n"
        "2007-01-21T09:51:25Z,1.2.3.4,auth_fail,\"x\n"
        "y\",extra\n"
        "2007-01-21T09:51:25Z,1.2.3.4,auth_ok,b\n"
        "9999-12-31T23:59:59Z,1.2.3.4,auth_fail,far\n"   /* past int64 ns */
        "2007-01-21T09:51:25Z,1.2.3.4,auth_fail,\"never closed\n"
        "2007-01-21T09:51:25Z,1.2.3.4,auth_fail,c\n";
    char *path = write_tmp(text, strlen(text));
    sink k = {0};
    ms_error err = {0};
    assert_int_equal(read_file(path, &k, &err), 0);
    assert_int_equal(k.n, 2);
    assert_string_equal(k.v[0].user, "a");
    assert_string_equal(k.v[1].user, "b");
    assert_int_equal(k.nwarn, 4);
    assert_true(warned_at(&k, 3, "outcome"));
    assert_true(warned_at(&k, 4, "fields"));     /* the row began on line 4 */
    assert_true(warned_at(&k, 7, "time"));
    assert_true(warned_at(&k, 8, "unterminated"));
    sink_free(&k);
    drop(path);
}

/* Rows over 1 MiB, on one line or spread over lines, plain and gzip'd
 * (read ahead by a thread), are dropped with a warning at their first
 * line whatever their length; the rows after them are read. A line longer
 * than the reading's blocks (6 MiB) comes cut: it is dropped too, and the
 * next line is not glued to it. */
static void test_huge_rows(void **state)
{
    (void)state;
    ms_buf b = {0};
    ms_buf_adds(&b, "time,ip,outcome,user\n"
                    "2007-01-21T09:51:25Z,1.2.3.4,auth_fail,a\n");
    static const size_t sizes[] = {1024 * 1024, 1536 * 1024, 6 * 1024 * 1024};
    for (size_t i = 0; i < 3; i++) {
        ms_buf_adds(&b, "2007-01-21T09:51:25Z,1.2.3.4,auth_fail,");
        for (size_t k = 0; k < sizes[i]; k++)
            ms_buf_addc(&b, 'A');
        ms_buf_adds(&b, "\n2007-01-21T09:51:25Z,1.2.3.4,auth_ok,b\n");
    }
    /* A quoted field over lines (its row is dropped at the line where it
     * passes 1 MiB; reading goes on at the next line). */
    ms_buf_adds(&b, "2007-01-21T09:51:25Z,1.2.3.4,auth_fail,\"");
    for (size_t k = 0; k < 40000; k++)   /* 29 bytes a line */
        ms_buf_adds(&b, "line of a quote never closed\n");
    assert_false(b.failed);
    for (int gz = 0; gz < 2; gz++) {
        char *path = gz ? write_gz(b.p, b.n) : write_tmp(b.p, b.n);
        sink k = {0};
        ms_error err = {0};
        assert_int_equal(read_file(path, &k, &err), 0);
        assert_int_equal(k.n, 4);
        assert_string_equal(k.v[0].user, "a");
        for (size_t i = 1; i < 4; i++)
            assert_string_equal(k.v[i].user, "b");
        for (uint64_t line = 3; line <= 9; line += 2)
            assert_true(warned_at(&k, line, "1 MiB"));
        assert_false(warned_at(&k, 4, ""));
        assert_false(warned_at(&k, 8, ""));
        sink_free(&k);
        drop(path);
    }
    ms_buf_free(&b);
}

static void test_damaged_json(void **state)
{
    (void)state;
    ms_buf b = {0};
    ms_event e = make_event(0);
    e.user = (ms_str)S("good");
    e.method = (ms_str)S("PLAIN");
    e.reason = (ms_str)S("");
    e.session = (ms_str)S("s1");
    e.host = (ms_str)S("h");
    ms_event_writer w;
    ms_event_writer_init(&w, MS_FMT_JSON);
    ms_event_write(&w, &b, &e, "m.log", "mx1");                       /* 1 */
    ms_buf_adds(&b, "{\"outcome\":\"auth_fail\",\"time\":\n");  /* 2 */
    ms_buf_adds(&b, "[1,2,3]\n");                              /* 3 */
    ms_buf_adds(&b, "\n   \n");                                /* 4, 5 */
    ms_buf_adds(&b, "{\"outcome\":\"auth_fail\",\"line\":1.5}\n");   /* 6 */
    ms_buf_adds(&b, "{\"outcome\":\"auth_fail\",\"user\":{}}\n");    /* 7 */
    ms_buf_adds(&b, "{\"outcome\":\"nope\"}\n");               /* 8 */
    ms_buf_adds(&b, "{\"outcome\":\"auth_ok\",\"ip\":\"1.2.3.4\",\"user\":\"a\\u0000b\"}\n"); /* 9 */
    ms_buf_adds(&b, "{\"outcome\":\"auth_ok\",\"user\":\"");   /* 10 */
    for (int i = 0; i < 1100 * 1024; i++)
        ms_buf_addc(&b, 'x');
    ms_buf_adds(&b, "\"}\n");
    ADDLIT(&b, "{\"outcome\":\"auth_ok\",\0\"user\":\"x\"}\n");  /* 11 */
    ms_buf_adds(&b, "{\"outcome\":\"auth_ok\",\"user\":\"\xff\xfe\"}\n");  /* 12 */
    ms_event_write(&w, &b, &e, "m.log", "mx1");                       /* 13 */
    ms_event_writer_free(&w);
    ms_buf_adds(&b, "{\"outcome\":\"auth_ok\",\"user\":\"trunc");  /* 14, no LF */
    char *path = write_tmp(b.p, b.n);
    sink k = {0};
    ms_error err = {0};
    assert_int_equal(read_file(path, &k, &err), 0);
    for (size_t i = 0; i < k.nwarn && i < 64; i++)
        print_message("  line %llu: %s\n", (unsigned long long)k.warn_line[i],
                      k.warn[i]);
    assert_int_equal(k.n, 3);
    assert_string_equal(k.v[0].user, "good");
    assert_int_equal(k.v[1].e.user.n, 3);
    assert_memory_equal(k.v[1].user, "a\0b", 3);
    assert_int_equal(k.v[1].e.time, MS_TIME_NONE);   /* missing time */
    assert_string_equal(k.v[2].user, "good");
    assert_true(warned_at(&k, 2, "JSON"));
    assert_true(warned_at(&k, 3, "object"));
    assert_true(warned_at(&k, 6, "line"));
    assert_true(warned_at(&k, 7, "user"));
    assert_true(warned_at(&k, 8, "outcome"));
    assert_true(warned_at(&k, 10, "1 MiB"));
    /* NUL outside a string, invalid UTF-8, a last line cut short. */
    assert_true(warned_at(&k, 11, "JSON"));
    assert_true(warned_at(&k, 12, "JSON"));
    assert_true(warned_at(&k, 14, "JSON"));
    assert_int_equal(k.nwarn, 9);
    sink_free(&k);
    drop(path);
    ms_buf_free(&b);
}

/* ---- not events files, empty files, stopping ----------------------- */

static void test_not_events(void **state)
{
    (void)state;
    const char *cases[] = {
        "Jan 21 09:51:25 mail dovecot: imap-login: Aborted login\n",
        "time,ip,user\n2007-01-21T09:51:25Z,1.2.3.4,x\n",
        "{\"time\":\"2007-01-21T09:51:25Z\"}\n",
        "[{\"outcome\":\"auth_ok\"}]\n",
        "\x1f\x8b garbage",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(ms_events_sniff(cases[i], strlen(cases[i])),
                         MS_EVFILE_NONE);
        char *path = write_tmp(cases[i], strlen(cases[i]));
        sink k = {0};
        ms_error err = {0};
        assert_int_equal(read_file(path, &k, &err), -1);
        assert_int_equal(k.n, 0);
        assert_true(err.code == MS_ERR_DATA);
        assert_non_null(strstr(err.msg, "events-under-test"));
        sink_free(&k);
        drop(path);
    }
    /* A file that cannot be opened. */
    sink k = {0};
    ms_error err = {0};
    assert_int_equal(read_file("/nonexistent/events.csv", &k, &err), -1);
    assert_int_equal(err.code, MS_ERR_IO);
}

static void test_sniff(void **state)
{
    (void)state;
    const char *csv = "time,ip,service,source,outcome,user\n";
    assert_int_equal(ms_events_sniff(csv, strlen(csv)), MS_EVFILE_CSV);
    assert_int_equal(ms_events_sniff("\"outcome\", ip ,time\r\n", 21),
                     MS_EVFILE_CSV);
    /* Cut short: judged on what is there. */
    assert_int_equal(ms_events_sniff(csv, 29), MS_EVFILE_NONE);
    assert_int_equal(ms_events_sniff(csv, 30), MS_EVFILE_CSV);
    const char *js = "\n  {\"time\":null,\"outcome\":\"auth_ok\"}\n{";
    assert_int_equal(ms_events_sniff(js, strlen(js)), MS_EVFILE_JSON);
    assert_int_equal(ms_events_sniff(js, 20), MS_EVFILE_NONE);
    assert_int_equal(ms_events_sniff(js, 30), MS_EVFILE_JSON);
    assert_int_equal(ms_events_sniff("", 0), MS_EVFILE_NONE);
    assert_int_equal(ms_events_sniff("{\"outcome\":3}\n", 14), MS_EVFILE_NONE);

    /* Files: decompressed first, unreadable ones are not events files. */
    char *p1 = write_gz(csv, strlen(csv));
    char *p2 = write_tmp(js, strlen(js));
    char *p3 = write_tmp("Jan 21 09:51:25 mail sshd[1]: x\n", 32);
    assert_int_equal(ms_events_sniff_file(p1), MS_EVFILE_CSV);
    assert_int_equal(ms_events_sniff_file(p2), MS_EVFILE_JSON);
    assert_int_equal(ms_events_sniff_file(p3), MS_EVFILE_NONE);
    assert_int_equal(ms_events_sniff_file("/nonexistent/x"), MS_EVFILE_NONE);
    assert_int_equal(ms_events_sniff_file("/tmp"), MS_EVFILE_NONE);
    drop(p1);
    drop(p2);
    drop(p3);
}

static void test_empty_and_stop(void **state)
{
    (void)state;
    const char *cases[] = {"", "\n\n", "time,ip,service,source,outcome\n"};
    for (size_t i = 0; i < 3; i++) {
        char *path = write_tmp(cases[i], strlen(cases[i]));
        sink k = {0};
        ms_error err = {0};
        assert_int_equal(read_file(path, &k, &err), 0);
        assert_int_equal(k.n, 0);
        assert_int_equal(k.nwarn, 0);
        sink_free(&k);
        drop(path);
    }
    for (int f = 0; f < 2; f++) {
        static fixture fx[NEVENTS];
        ms_buf b = {0};
        build(&b, (ms_format)f, fx);
        char *path = write_tmp(b.p, b.n);
        sink k = {.stop_after = 5};
        ms_error err = {0};
        assert_int_equal(read_file(path, &k, &err), 7);
        assert_int_equal(k.n, 5);
        sink_free(&k);
        drop(path);
        ms_buf_free(&b);
    }
}

/* A gzip'd events file cut short: what was decoded is read, then -1. */
static void test_truncated_gz(void **state)
{
    (void)state;
    static fixture fx[NEVENTS];
    ms_buf b = {0};
    build(&b, MS_FMT_CSV, fx);
    char *path = write_gz(b.p, b.n);
    FILE *f = fopen(path, "rb");
    char raw[1 << 16];
    size_t n = fread(raw, 1, sizeof raw, f);
    fclose(f);
    drop(path);
    path = write_tmp(raw, n * 2 / 3);
    sink k = {0};
    ms_error err = {0};
    assert_int_equal(read_file(path, &k, &err), -1);
    assert_int_equal(err.code, MS_ERR_DATA);
    assert_true(k.n > 0 && k.n < NEVENTS);
    for (size_t i = 0; i < k.n; i++)
        assert_int_equal(k.v[i].e.line, fx[i].e.line);
    sink_free(&k);
    drop(path);
    ms_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_big),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_plain_rows_as_libcsv),
        cmocka_unit_test(test_damaged_csv),
        cmocka_unit_test(test_damaged_csv_tail),
        cmocka_unit_test(test_huge_rows),
        cmocka_unit_test(test_damaged_json),
        cmocka_unit_test(test_not_events),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_empty_and_stop),
        cmocka_unit_test(test_truncated_gz),
    };
    int failed = cmocka_run_group_tests_name("read", tests, NULL, NULL);
    ahead = 1;
    return failed + cmocka_run_group_tests_name("read ahead", tests, NULL, NULL);
}
