/* test_events_format.c — the events file's declaration (core/events_format.h)
 * and the writer and reader that follow it: the column names are complete
 * and found by name; escaping and the formula guard are undone exactly;
 * the writer's CSV header and NDJSON keys are the declared names in the
 * declared order; and every column, set to plain and hostile values one at
 * a time, comes back from a written file as the same event, in CSV and in
 * NDJSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/events_format.h"
#include "input/events_in.h"
#include "output/events_out.h"
#include "output/text.h"

#define S(lit) {lit, sizeof lit - 1}

/* Text a log may hold: formula starts, quotes, commas, line breaks, NUL,
 * invalid UTF-8, C1 and bidi characters, backslashes, a long run. */
static const ms_str hostile[] = {
    S("alice"),
    S(""),
    S("=HYPERLINK(\"http://x\",\"y\")"),
    S("+1+1"),
    S("-2"),
    S("@SUM(A1)"),
    S("\tTAB"),
    S("\rCR"),
    S("'=x"),
    S("''+y"),
    S("'plain"),
    S("a\"quote,comma"),
    S("two\nlines\r\n"),
    S("nul\0byte"),
    S("\0"),
    S("bad\xff\xfe utf8 \xc3"),
    S("c1 \xc2\x85 del \x7f esc \x1b[31m"),
    S("bidi \xe2\x80\xae evil"),
    S(" spaced "),
    S("back\\slash \\x41 \\xZZ \\x4 \\"),
    S("j\xc3\xbcrgen \xe2\x82\xac"),
    S("a name long enough for the writer's memo of repeated cells"),
};
#define NHOSTILE (sizeof hostile / sizeof hostile[0])

/* ---- the declaration ------------------------------------------------ */

static void test_names(void **state)
{
    (void)state;
    assert_null(ms_evcol_names[MS_EVCOL__COUNT]);
    for (int c = 0; c < MS_EVCOL__COUNT; c++) {
        const char *name = ms_evcol_names[c];
        assert_non_null(name);
        assert_int_equal(ms_evcol_find(name, strlen(name)), c);
        assert_int_equal(ms_evcol_find(name, strlen(name) - 1), -1);
    }
    /* The contract's columns come first, in its order. */
    static const char *const contract[] = {
        "time", "ip", "service", "source", "outcome", "user", "method",
        "file", "line",
    };
    for (size_t i = 0; i < sizeof contract / sizeof contract[0]; i++)
        assert_string_equal(ms_evcol_names[i], contract[i]);
    assert_int_equal(ms_evcol_find("Time", 4), -1);
    assert_int_equal(ms_evcol_find("timex", 5), -1);
    assert_int_equal(ms_evcol_find("", 0), -1);
}

static void test_unescape(void **state)
{
    (void)state;
    /* Every byte escaping may write comes back. */
    for (unsigned c = 0; c < 256; c++) {
        if (!ms_evfmt_escapes((unsigned char)c))
            continue;
        char s[6] = {'<'};
        ms_evfmt_escape(s + 1, (unsigned char)c);
        s[5] = '>';
        assert_int_equal(ms_evfmt_unescape(s, 6), 3);
        assert_int_equal((unsigned char)s[1], c);
        assert_int_equal(s[2], '>');
    }
    /* What escaping never writes stays text: a printable byte, lower-case
     * or missing hex digits, a cut sequence. */
    static const char *const kept[] = {
        "\\x41", "\\x7e", "\\x1", "\\xZZ", "\\x", "\\", "a\\b", "\\X1F",
    };
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        char s[16];
        size_t n = strlen(kept[i]);
        memcpy(s, kept[i], n);
        assert_int_equal(ms_evfmt_unescape(s, n), n);
        assert_memory_equal(s, kept[i], n);
    }
    /* ms_text_clean's output of any hostile text without `\x` undoes to it. */
    for (size_t i = 0; i < NHOSTILE; i++) {
        const ms_str *h = &hostile[i];
        if (memmem(h->p, h->n, "\\x", 2))
            continue;
        ms_buf b = {0};
        ms_text_clean(&b, h->p, h->n);
        assert_false(b.failed);
        assert_int_equal(ms_evfmt_unescape(b.p, b.n), h->n);
        assert_memory_equal(b.p, h->p, h->n);
        ms_buf_free(&b);
    }
}

static void test_unguard(void **state)
{
    (void)state;
    for (size_t i = 0; i < NHOSTILE; i++) {
        const ms_str *h = &hostile[i];
        char s[128];
        assert_true(h->n + 1 <= sizeof s);
        int g = ms_evfmt_guarded(h->p, h->n);
        s[0] = '\'';
        memcpy(s + g, h->p, h->n);
        size_t n = h->n + (size_t)g;   /* as the writer puts it */
        assert_int_equal(ms_evfmt_unguard(s, n), h->n);
        assert_memory_equal(s, h->p, h->n);
    }
    assert_true(ms_evfmt_guarded("''=", 3));
    assert_false(ms_evfmt_guarded("'", 1));
    assert_false(ms_evfmt_guarded("a=", 2));
}

/* ---- the writer follows the declaration ------------------------------ */

static ms_event base_event(void)
{
    ms_event e;
    memset(&e, 0, sizeof e);
    e.time = INT64_C(1746398861) * MS_NS_PER_S;
    assert_true(ms_ip_parse("192.0.2.7", 9, &e.ip));
    e.outcome = MS_OUT_AUTH_FAIL;
    e.service = MS_SVC_IMAP;
    e.attempts = 1;
    e.line = 42;
    e.source = "dovecot";
    e.user = (ms_str)S("bob");
    e.method = (ms_str)S("PLAIN");
    e.reason = e.session = e.host = (ms_str)S("");
    return e;
}

static void test_header_and_keys(void **state)
{
    (void)state;
    ms_event e = base_event();
    ms_buf b = {0};
    ms_events_header(&b, MS_FMT_CSV);
    ms_buf want = {0};
    for (int c = 0; c < MS_EVCOL__COUNT; c++) {
        if (c)
            ms_buf_addc(&want, ',');
        ms_buf_adds(&want, ms_evcol_names[c]);
    }
    ms_buf_addc(&want, '\n');
    assert_int_equal(b.n, want.n);
    assert_memory_equal(b.p, want.p, want.n);

    b.n = 0;
    ms_event_writer w;
    ms_event_writer_init(&w, MS_FMT_JSON);
    ms_events_header(&b, MS_FMT_JSON);
    assert_int_equal(b.n, 0);   /* NDJSON has no header */
    ms_event_write(&w, &b, &e, "mail.log", "mx1");
    ms_event_writer_free(&w);
    json_t *o = json_loadb(b.p, b.n, 0, NULL);
    assert_non_null(o);
    assert_int_equal(json_object_size(o), MS_EVCOL__COUNT);
    int c = 0;
    for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it))
        assert_string_equal(json_object_iter_key(it), ms_evcol_names[c++]);
    json_decref(o);
    ms_buf_free(&b);
    ms_buf_free(&want);
}

/* ---- every column round-trips ---------------------------------------- */

typedef struct text {
    char p[128];
    uint32_t n;
} text;

/* What the reader emitted, copied (its strings die after the call). */
typedef struct got {
    int n;
    ms_event e;
    text user, method, reason, session, host, server, source, file;
    int has_server;
} got;

static void keep(text *t, const char *p, size_t n)
{
    assert_true(n <= sizeof t->p);
    memcpy(t->p, p, n);
    t->n = (uint32_t)n;
}

static int on_event(void *ctx, const ms_event *e, const char *file,
                    const ms_str *server)
{
    got *g = ctx;
    g->n++;
    g->e = *e;
    keep(&g->user, e->user.p, e->user.n);
    keep(&g->method, e->method.p, e->method.n);
    keep(&g->reason, e->reason.p, e->reason.n);
    keep(&g->session, e->session.p, e->session.n);
    keep(&g->host, e->host.p, e->host.n);
    keep(&g->source, e->source, strlen(e->source));
    keep(&g->file, file, strlen(file));
    g->has_server = server != NULL;
    if (server)
        keep(&g->server, server->p, server->n);
    return 0;
}

static void same(const text *t, const char *p, size_t n)
{
    assert_int_equal(t->n, n);
    assert_memory_equal(t->p, p, n);
}

/* Write e (of file, labelled server) as f, read it back, compare. */
static void round_trip(const ms_event *e, const char *file,
                       const char *server, ms_format f)
{
    ms_buf b = {0};
    ms_event_writer w;
    ms_event_writer_init(&w, f);
    ms_events_header(&b, f);
    ms_event_write(&w, &b, e, file, server);
    ms_event_writer_free(&w);
    assert_false(b.failed);

    char path[] = "/tmp/test_events_format_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b.p, b.n), (ssize_t)b.n);
    close(fd);
    got g = {0};
    ms_error err = {0};
    int rc = ms_events_read(path, "round-trip", on_event, &g, NULL, &err);
    unlink(path);
    if (rc)
        fail_msg("read: %s", err.msg);
    assert_int_equal(g.n, 1);

    assert_int_equal(g.e.time, e->time);
    assert_memory_equal(g.e.ip.b, e->ip.b, sizeof e->ip.b);
    assert_int_equal(g.e.service, e->service);
    same(&g.source, e->source, strlen(e->source));
    assert_int_equal(g.e.outcome, e->outcome);
    same(&g.user, e->user.p, e->user.n);
    same(&g.method, e->method.p, e->method.n);
    same(&g.file, file, strlen(file));
    assert_int_equal(g.e.line, e->line);
    same(&g.reason, e->reason.p, e->reason.n);
    assert_int_equal(g.e.attempts, e->attempts);
    same(&g.session, e->session.p, e->session.n);
    same(&g.host, e->host.p, e->host.n);
    if (e->outcome == MS_OUT_DUPLICATE)
        assert_int_equal(g.e.dup_of, e->dup_of);
    assert_true(g.has_server);   /* the server: the host, else the label */
    if (e->host.n)
        same(&g.server, e->host.p, e->host.n);
    else
        same(&g.server, server, strlen(server));
    ms_buf_free(&b);
}

/* Sets column c of e (or its file or server label) to its k-th test value;
 * 0 when there are no more. The switch names every column, so a new one
 * that is not tested here is a -Wswitch warning. */
static int vary(ms_event *e, const char **file, const char **server,
                ms_evcol c, size_t k)
{
    static const char *const names[] = {
        "=odd,name \"x\".log", "bad\xff.log", "mail.log.2.gz", "",
        "'-quoted.log", "a file name long enough for the memo.log",
    };
    static const char *const sources[] = {"postfix", "=evil", "a,b \"c\"", ""};
    static const char *const times[] = {
        "1970-01-01T00:00:00Z", "2007-01-21T09:51:25.123456789Z",
        "2200-06-30T12:00:00.5Z", "1900-01-01T00:00:00Z",
    };
    static const char *const ips[] = {"2001:db8::7", "::ffff:10.1.2.3",
                                      "fe80::1", "0.0.0.0"};
    static const int64_t dups[] = {0, -5, 1234567, INT64_MIN, INT64_MAX};
    static const uint64_t lines[] = {0, 1, UINT64_C(9223372036854775807)};
    static const uint16_t attempts[] = {0, 3, 65535};
    ms_str *str = NULL;
    switch (c) {
    case MS_EVCOL_TIME:
        if (k == 4) {
            e->time = MS_TIME_NONE;
            return 1;
        }
        if (k > 4)
            return 0;
        assert_int_equal(ms_time_parse_iso(times[k], strlen(times[k]),
                                           &e->time), 0);
        return 1;
    case MS_EVCOL_IP:
        if (k == 4) {
            memset(&e->ip, 0, sizeof e->ip);   /* no address */
            return 1;
        }
        if (k > 4)
            return 0;
        assert_true(ms_ip_parse(ips[k], strlen(ips[k]), &e->ip));
        return 1;
    case MS_EVCOL_SERVICE:
        e->service = (uint8_t)k;
        return k < MS_SVC__COUNT;
    case MS_EVCOL_SOURCE:
        if (k >= sizeof sources / sizeof sources[0])
            return 0;
        e->source = sources[k];
        return 1;
    case MS_EVCOL_OUTCOME:
        e->outcome = (uint8_t)(k + 1);
        e->dup_of = 7;
        return k + 1 < MS_OUT__COUNT;
    case MS_EVCOL_USER:
        str = &e->user;
        break;
    case MS_EVCOL_METHOD:
        str = &e->method;
        break;
    case MS_EVCOL_FILE:
        if (k >= sizeof names / sizeof names[0])
            return 0;
        *file = names[k];
        return 1;
    case MS_EVCOL_LINE:
        if (k >= sizeof lines / sizeof lines[0])
            return 0;
        e->line = lines[k];
        return 1;
    case MS_EVCOL_REASON:
        str = &e->reason;
        break;
    case MS_EVCOL_ATTEMPTS:
        if (k >= sizeof attempts / sizeof attempts[0])
            return 0;
        e->attempts = attempts[k];
        return 1;
    case MS_EVCOL_SESSION:
        str = &e->session;
        break;
    case MS_EVCOL_HOST:
        str = &e->host;
        break;
    case MS_EVCOL_DUP_OF:
        if (k >= sizeof dups / sizeof dups[0])
            return 0;
        e->outcome = MS_OUT_DUPLICATE;
        e->dup_of = dups[k];
        return 1;
    case MS_EVCOL_SERVER:
        if (k >= NHOSTILE)
            return 0;
        /* A label is a folder's name: no NUL inside. */
        *server = memchr(hostile[k].p, '\0', hostile[k].n) ? "" : hostile[k].p;
        return 1;
    case MS_EVCOL__COUNT:
        break;
    }
    if (!str || k >= NHOSTILE)
        return 0;
    *str = hostile[k];
    return 1;
}

static void test_every_column(void **state)
{
    (void)state;
    for (int c = 0; c < MS_EVCOL__COUNT; c++) {
        size_t tried = 0;
        for (size_t k = 0;; k++) {
            ms_event e = base_event();
            const char *file = "/var/log/mail.log", *server = "mx1";
            if (!vary(&e, &file, &server, (ms_evcol)c, k))
                break;
            round_trip(&e, file, server, MS_FMT_CSV);
            round_trip(&e, file, server, MS_FMT_JSON);
            tried++;
        }
        if (tried < 3)
            fail_msg("column %s: %zu values tried", ms_evcol_names[c], tried);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_unescape),
        cmocka_unit_test(test_unguard),
        cmocka_unit_test(test_header_and_keys),
        cmocka_unit_test(test_every_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
