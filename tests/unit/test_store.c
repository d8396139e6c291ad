/* test_store.c — analyze/store.h: ms_store_finish puts events in (time,
 * file, line) order whether they came in order (nothing moves), nearly in
 * order (a line a second late: sorted in place), or far from it (reversed:
 * the full sort), every column moving with its event; and each ip's list
 * is in time order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "analyze/store.h"

#define N 20000

/* Event k at second t[k], line k + 1, from one of 7 addresses, with a
 * user named after its line. */
static void fill(ms_store *s, const int64_t *t)
{
    assert_int_equal(ms_store_init(s), 0);
    assert_true(ms_store_add_file(s, "x") == 0);
    char ip[32], user[32];
    for (size_t k = 0; k < N; k++) {
        snprintf(ip, sizeof ip, "192.0.2.%zu", k % 7);
        snprintf(user, sizeof user, "u%zu", k + 1);
        ms_event e = {
            .time = t[k] * MS_NS_PER_S, .outcome = MS_OUT_AUTH_FAIL,
            .attempts = 1, .line = k + 1, .source = "x",
            .user = {user, strlen(user)},
        };
        e.method.p = e.reason.p = e.session.p = e.host.p = "";
        assert_true(ms_ip_parse(ip, strlen(ip), &e.ip));
        assert_int_equal(ms_store_add(s, &e, 0), 0);
    }
    assert_int_equal(ms_store_finish(s), 0);
}

static void check(const ms_store *s, const int64_t *t)
{
    assert_int_equal(s->n, N);
    for (size_t i = 0; i < N; i++) {
        uint64_t line = s->line[i];
        char user[32];
        snprintf(user, sizeof user, "u%llu", (unsigned long long)line);
        assert_string_equal(s->users.str[s->user[i]], user);
        assert_int_equal(s->time[i], t[line - 1] * MS_NS_PER_S);
        if (i) {
            assert_true(s->time[i - 1] <= s->time[i]);
            if (s->time[i - 1] == s->time[i])
                assert_true(s->line[i - 1] < s->line[i]);
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
    for (int order = 0; order < 3; order++) {
        for (size_t k = 0; k < N; k++)
            t[k] = order == 2 ? (int64_t)(N - k) : (int64_t)k / 3;
        if (order == 1)   /* every 50th line written two seconds late */
            for (size_t k = 50; k < N; k += 50)
                t[k] -= 2;
        fill(&s, t);
        check(&s, t);
        ms_store_free(&s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
