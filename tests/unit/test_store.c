/* test_store.c — analyze/store.h: ms_store_finish puts events in (time,
 * file, line) order whether they came in order (nothing moves), nearly in
 * order (a line a second late: sorted in place), in runs (files, each in
 * order: merged) or far from it (reversed: the full sort), every column
 * moving with its event; and each ip's list is in time order. Strings are
 * interned through a one-event memo; room can be made ahead. An event's
 * server is its host, else its file's label, else none. Adding a batch
 * at once fills the same store as adding its events one by one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "analyze/store.h"

#define N 20000

/* Event k at second t, line k + 1, from one of 7 addresses, with a user
 * named after its line. */
static void add_row(ms_store *s, size_t k, int64_t t)
{
    char ip[32], user[32];
    snprintf(ip, sizeof ip, "192.0.2.%zu", k % 7);
    snprintf(user, sizeof user, "u%zu", k + 1);
    ms_event e = {
        .time = t * MS_NS_PER_S, .outcome = MS_OUT_AUTH_FAIL,
        .attempts = 1, .line = k + 1, .source = "x",
        .user = {user, strlen(user)},
    };
    e.method.p = e.reason.p = e.session.p = e.host.p = "";
    assert_true(ms_ip_parse(ip, strlen(ip), &e.ip));
    assert_int_equal(ms_store_add(s, &e, 0), 0);
}

/* Event k at second t[k], for every k < N, then sorted. */
static void fill(ms_store *s, const int64_t *t)
{
    assert_int_equal(ms_store_init(s), 0);
    assert_true(ms_store_add_file(s, "x") == 0);
    for (size_t k = 0; k < N; k++)
        add_row(s, k, t[k]);
    assert_int_equal(ms_store_finish(s), 0);
}

static void check(const ms_store *s, const int64_t *t)
{
    assert_int_equal(s->n, N);
    for (size_t i = 0; i < N; i++) {
        uint64_t line = ms_store_line(s, i);
        char user[32];
        snprintf(user, sizeof user, "u%llu", (unsigned long long)line);
        assert_string_equal(s->users.str[s->user[i]], user);
        assert_int_equal(s->time[i], t[line - 1] * MS_NS_PER_S);
        if (i) {
            assert_true(s->time[i - 1] <= s->time[i]);
            if (s->time[i - 1] == s->time[i])
                assert_true(ms_store_line(s, i - 1) < ms_store_line(s, i));
        }
    }
    for (uint32_t ip = 0; ip < s->ips.n; ip++)
        for (uint32_t k = s->ip_start[ip] + 1; k < s->ip_start[ip + 1]; k++)
            assert_true(s->time[s->by_ip[k - 1]] <= s->time[s->by_ip[k]]);
}

static void test_orders(void **state)
{
    (void)state;
    static int64_t t[N];
    ms_store s;
    for (int order = 0; order < 5; order++) {
        for (size_t k = 0; k < N; k++)
            t[k] = order == 2 ? (int64_t)(N - k) : (int64_t)k / 3;
        if (order == 1)   /* every 50th line written two seconds late */
            for (size_t k = 50; k < N; k += 50)
                t[k] -= 2;
        if (order == 3)   /* 5 files of one week each, one after another */
            for (size_t k = 0; k < N; k++)
                t[k] = (int64_t)(k % (N / 5)) / 2;
        if (order == 4)   /* 200 runs in order, the runs' times reversed */
            for (size_t k = 0; k < N; k++)
                t[k] = (int64_t)(N - k / 100 * 100) + (int64_t)(k % 100) / 3;
        fill(&s, t);
        check(&s, t);
        ms_store_free(&s);
    }
}

/* Strings are interned through a memo of the previous event's: a string
 * equal to it (even at another address) gets its id, any other string its
 * own, whatever the length, with NULs inside, empty. */
static void test_repeated_strings(void **state)
{
    (void)state;
    static const struct { const char *p; size_t n; } users[] = {
        {"ab", 2}, {"ab", 2}, {"cd", 2}, {"ab", 2}, {"a\0b", 3}, {"a\0c", 3},
        {"a\0c", 3}, {"", 0}, {"", 0}, {"abc", 3}, {"ab", 2},
    };
    enum { K = sizeof users / sizeof *users };
    ms_store s;
    assert_int_equal(ms_store_init(&s), 0);
    assert_true(ms_store_add_file(&s, "x") == 0);
    for (size_t k = 0; k < K; k++) {
        char copy[8];   /* a fresh address for each event */
        memcpy(copy, users[k].p, users[k].n);
        ms_event e = {.time = (int64_t)k * MS_NS_PER_S,
                      .outcome = MS_OUT_AUTH_FAIL, .line = k + 1,
                      .source = k % 2 ? "x" : "y", .user = {copy, users[k].n}};
        e.method.p = e.reason.p = e.session.p = e.host.p = "";
        assert_true(ms_ip_parse(k % 3 ? "192.0.2.1" : "2001:db8::1",
                                k % 3 ? 9 : 11, &e.ip));
        assert_int_equal(ms_store_add(&s, &e, 0), 0);
    }
    for (size_t k = 0; k < K; k++) {
        uint32_t u = s.user[k];
        assert_int_equal(s.users.len[u], users[k].n);
        assert_memory_equal(s.users.str[u], users[k].p, users[k].n);
        for (size_t j = 0; j < k; j++)
            assert_int_equal(s.user[j] == u, users[j].n == users[k].n &&
                             memcmp(users[j].p, users[k].p, users[k].n) == 0);
        assert_string_equal(s.strs.str[ms_store_shape(&s, k)->source],
                            k % 2 ? "x" : "y");
        assert_int_equal(s.ip[k] == s.ip[0], k % 3 == 0);
    }
    assert_int_equal(s.users.n, 1 + 5);   /* "", ab, cd, a\0b, a\0c, abc */
    ms_store_free(&s);
}

/* Room made ahead (ms_store_reserve), past it (the columns grow again)
 * and again on a store that holds events: every row as added. */
static void test_reserve(void **state)
{
    (void)state;
    static int64_t t[N];
    for (size_t k = 0; k < N; k++)
        t[k] = (int64_t)k;
    ms_store s;
    assert_int_equal(ms_store_init(&s), 0);
    assert_int_equal(ms_store_reserve(&s, N / 4), 0);
    assert_true(s.cap >= N / 4);
    assert_true(ms_store_add_file(&s, "x") == 0);
    for (size_t k = 0; k < N; k++) {
        if (k == N / 2)
            assert_int_equal(ms_store_reserve(&s, N - k), 0);
        add_row(&s, k, t[k]);
    }
    assert_int_equal(ms_store_finish(&s), 0);
    check(&s, t);
    ms_store_free(&s);
}

/* Three files: labelled "mx1", unlabelled, labelled "mx1" then "pop".
 * Events with a host are of that host, the others of their file's label;
 * a host equal to a label is the same server (one id). */
static void test_servers(void **state)
{
    (void)state;
    ms_store s;
    assert_int_equal(ms_store_init(&s), 0);
    assert_true(ms_store_add_file(&s, "mx1/mail.log") == 0);
    assert_true(ms_store_add_file(&s, "mail.log") == 1);
    assert_true(ms_store_add_file(&s, "pop/current") == 2);
    assert_int_equal(ms_store_set_server(&s, 0, "mx1", 3), 0);
    assert_int_equal(ms_store_set_server(&s, 2, "mx1", 3), 0);
    assert_int_equal(ms_store_set_server(&s, 2, "pop", 3), 0);
    static const struct {
        uint32_t file;
        const char *host, *server;
    } rows[] = {
        {0, "", "mx1"}, {0, "mx1.example.org", "mx1.example.org"},
        {1, "", ""}, {1, "mx1", "mx1"}, {2, "", "pop"},
    };
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
        ms_event e = {.time = (int64_t)k * MS_NS_PER_S, .line = k + 1,
                      .outcome = MS_OUT_AUTH_FAIL, .attempts = 1,
                      .source = "x"};
        e.user.p = e.method.p = e.reason.p = e.session.p = "";
        e.host = (ms_str){rows[k].host, (uint32_t)strlen(rows[k].host)};
        assert_int_equal(ms_store_add(&s, &e, rows[k].file), 0);
    }
    assert_int_equal(ms_store_finish(&s), 0);
    for (size_t i = 0; i < s.n; i++) {
        uint32_t id = ms_store_server(&s, i);
        assert_string_equal(s.strs.str[id],
                            rows[ms_store_line(&s, i) - 1].server);
    }
    assert_int_equal(ms_store_server(&s, 0), ms_store_server(&s, 3));
    assert_int_equal(ms_store_server(&s, 2), 0);
    ms_store_free(&s);
}

/* ms_store_add_many (in batches of every size, across its passes) fills
 * the store exactly as one ms_store_add an event: the same rows, ids and
 * shapes, duplicates and empty events skipped, two files. */
static void test_add_many(void **state)
{
    (void)state;
    enum { K = 1000 };
    static ms_event e[K];
    static uint32_t file[K];
    static char user[K][16];
    for (size_t k = 0; k < K; k++) {
        snprintf(user[k], sizeof user[k], "u%zu", k * 7 % 97);
        e[k] = (ms_event){.time = (int64_t)(k / 3) * MS_NS_PER_S,
                          .outcome = k % 11 == 5 ? MS_OUT_DUPLICATE
                                   : k % 13 == 4 ? MS_OUT_NONE
                                   : k % 2 ? MS_OUT_AUTH_OK : MS_OUT_AUTH_FAIL,
                          .attempts = 1, .line = k + 1,
                          .source = k % 5 ? "x" : "y",
                          .user = {user[k], (uint32_t)strlen(user[k])}};
        e[k].method.p = e[k].reason.p = e[k].session.p = e[k].host.p = "";
        char ip[32];
        snprintf(ip, sizeof ip, "198.51.100.%zu", k * 31 % 251);
        assert_true(ms_ip_parse(ip, strlen(ip), &e[k].ip));
        file[k] = k % 17 == 0;
    }
    ms_store one;
    assert_int_equal(ms_store_init(&one), 0);
    assert_true(ms_store_add_file(&one, "a") == 0);
    assert_true(ms_store_add_file(&one, "b") == 1);
    for (size_t k = 0; k < K; k++)
        assert_int_equal(ms_store_add(&one, &e[k], file[k]), 0);
    for (size_t step = 1; step <= 40; step += 13) {
        ms_store many;
        assert_int_equal(ms_store_init(&many), 0);
        assert_true(ms_store_add_file(&many, "a") == 0);
        assert_true(ms_store_add_file(&many, "b") == 1);
        for (size_t k = 0, m; k < K; k += m) {
            m = K - k < step + k % 5 ? K - k : step + k % 5;
            assert_int_equal(ms_store_add_many(&many, e + k, file + k, m), 0);
        }
        assert_int_equal(many.n, one.n);
        assert_int_equal(many.nall, one.nall);
        assert_int_equal(many.ips.n, one.ips.n);
        assert_int_equal(many.users.n, one.users.n);
        assert_int_equal(many.shape_ids.n, one.shape_ids.n);
        for (size_t i = 0; i < one.n; i++) {
            assert_int_equal(many.time[i], one.time[i]);
            assert_int_equal(many.ip[i], one.ip[i]);
            assert_int_equal(many.user[i], one.user[i]);
            assert_int_equal(many.shape[i], one.shape[i]);
            assert_int_equal(many.line_lo[i], one.line_lo[i]);
        }
        for (uint32_t u = 0; u < one.users.n; u++)
            assert_string_equal(many.users.str[u], one.users.str[u]);
        assert_memory_equal(many.shapes, one.shapes,
                            one.shape_ids.n * sizeof *one.shapes);
        ms_store_free(&many);
    }
    ms_store_free(&one);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orders),
        cmocka_unit_test(test_repeated_strings),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_servers),
        cmocka_unit_test(test_add_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
