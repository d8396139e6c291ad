/* test_container.c — container logs unwrapped: docker json-file (escapes,
 * NULs, long messages in pieces), CRI (P then F), compose with and without
 * -t (colours, the container name as a program hint, the tool's own lines),
 * `docker logs -t`; the detection through ms_frame_attach on a file; a
 * plain log left as it is; and every wrapping cut at every byte between
 * feed calls gives the same lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse/container.h"
#include "parse/frame.h"
#include "unwrap_harness.h"

/* All of ops applied to in, fed in pieces of at most step bytes. */
static char *unwrap(const ms_unwrap_ops *ops, const char *in, size_t n,
                    size_t step)
{
    ms_buf out = {0};
    assert_int_equal(unwrap_in_steps(ops, in, n, step, &out), 0);
    ms_buf_addc(&out, '\0');
    assert_false(out.failed);
    return out.p;
}

static void check(const ms_unwrap_ops *ops, const char *in, const char *want)
{
    size_t n = strlen(in);
    for (size_t step = 1; step <= n; step = step < 8 ? step + 1 : step * 2) {
        char *got = unwrap(ops, in, n, step);
        assert_string_equal(got, want);
        free(got);
    }
    char *got = unwrap(ops, in, n, n ? n : 1);
    assert_string_equal(got, want);
    free(got);
}

static void test_docker_json(void **s)
{
    (void)s;
    check(&ms_unwrap_docker_json,
          "{\"log\":\"May  4 00:47:41 mx postfix/smtpd[12]: warning: unknown"
          "[192.0.2.7]: SASL LOGIN authentication failed: x\\n\","
          "\"stream\":\"stdout\",\"time\":\"2025-05-04T00:47:41.123456789Z\"}\n"
          "{\"log\":\"imap-login: user=\\u003cjo\\u003e \\\"q\\\"\\r\\n\","
          "\"stream\":\"stderr\",\"time\":\"2025-05-04T00:48:00Z\"}\n",
          "2025-05-04T00:47:41.123456789Z mx postfix/smtpd[12]: warning: "
          "unknown[192.0.2.7]: SASL LOGIN authentication failed: x\n"
          "2025-05-04T00:48:00Z imap-login: user=<jo> \"q\"\n");
}

static void test_docker_json_pieces(void **s)
{
    (void)s;
    /* A long message in two entries: the first one's stamp, one line; an
     * inner line with its own absolute stamp keeps it. */
    check(&ms_unwrap_docker_json,
          "{\"log\":\"sshd[1]: Failed pass\",\"time\":\"2025-05-04T01:00:00Z\"}\n"
          "{\"log\":\"word for x\\n\",\"time\":\"2025-05-04T01:00:01Z\"}\n"
          "{\"log\":\"2025-05-04 03:00:00+02:00 exim: y\\n\","
          "\"time\":\"2025-05-04T01:00:02Z\"}\n"
          "not json\n"
          "{\"log\":\"cut at the end\",\"time\":\"2025-05-04T01:00:03Z\"}",
          "2025-05-04T01:00:00Z sshd[1]: Failed password for x\n"
          "2025-05-04 03:00:00+02:00 exim: y\n"
          "not json\n"
          "2025-05-04T01:00:03Z cut at the end\n");
}

static void test_docker_json_nul(void **s)
{
    (void)s;
    const char in[] = "{\"log\":\"a\\u0000b\\n\",\"time\":\"2025-05-04T01:00:00Z\"}\n";
    char *got = unwrap(&ms_unwrap_docker_json, in, sizeof in - 1, 7);
    const char want[] = "2025-05-04T01:00:00Z a\0b\n";
    assert_memory_equal(got, want, sizeof want);
    free(got);
}

static void test_cri(void **s)
{
    (void)s;
    check(&ms_unwrap_cri,
          "2025-05-04T00:47:41.1Z stdout P May  4 00:47:41 mx sshd[1]: Failed pass\n"
          "2025-05-04T00:47:41.2Z stdout F word for root from 192.0.2.7 port 22 ssh2\n"
          "2025-05-04T00:47:42Z stderr F dovecot: imap-login: x\n"
          "2025-05-04T00:47:43Z stdout F \n",
          "2025-05-04T00:47:41.1Z mx sshd[1]: Failed password for root from "
          "192.0.2.7 port 22 ssh2\n"
          "2025-05-04T00:47:42Z dovecot: imap-login: x\n"
          "2025-05-04T00:47:43Z \n");
}

static void test_compose(void **s)
{
    (void)s;
    check(&ms_unwrap_compose,
          "mailserver-sshd-1  | Failed password for root from 192.0.2.7 port 22 ssh2\n"
          "postfix-mailcow-1  | 2025-05-04T00:47:41.123456789Z May  4 00:47:41 mx "
          "postfix/smtpd[1]: x\n"
          "\x1b[36mdovecot-1  |\x1b[0m May  4 00:47:42 imap-login: y\n"
          "postfix-mailcow-1 exited with code 0\n"
          "web_1      | GET /\n",
          "sshd: Failed password for root from 192.0.2.7 port 22 ssh2\n"
          "2025-05-04T00:47:41.123456789Z mx postfix/smtpd[1]: x\n"
          "May  4 00:47:42 imap-login: y\n"
          "postfix-mailcow-1 exited with code 0\n"
          "GET /\n");
}

static void test_stamped(void **s)
{
    (void)s;
    check(&ms_unwrap_stamped,
          "2025-05-04T00:47:41.123456789Z May  4 00:47:41 mx postfix/smtpd[1]: x\n"
          "2025-05-04T00:47:42Z 2025-05-04T02:47:41+02:00 mx dovecot: y\n"
          "2025-05-04T00:47:43Z sshd[2]: z\n",
          "2025-05-04T00:47:41.123456789Z mx postfix/smtpd[1]: x\n"
          "2025-05-04T02:47:41+02:00 mx dovecot: y\n"
          "2025-05-04T00:47:43Z sshd[2]: z\n");
}

static void test_detect(void **s)
{
    (void)s;
#define D(line) ms_container_detect(line, strlen(line))
    assert_ptr_equal(D("{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"2025-05-04T00:00:00Z\"}"),
                     &ms_unwrap_docker_json);
    assert_ptr_equal(D("2025-05-04T00:00:00.1Z stdout F x"), &ms_unwrap_cri);
    assert_ptr_equal(D("mx_1  | May  4 00:00:00 x"), &ms_unwrap_compose);
    assert_ptr_equal(D("2025-05-04T00:00:00.1Z May  4 00:00:00 mx x: y"),
                     &ms_unwrap_stamped);
    assert_null(D("May  4 00:47:41 mx postfix/smtpd[1]: x | y"));
    assert_null(D("2025-05-04T00:47:41.123+02:00 mx postfix/smtpd[1]: x"));
    assert_null(D("@400000006817b93d0a1b2c3d tcpserver: ok 1 x:1.2.3.4::25"));
    assert_null(D("2007-01-21 09:51:25 H=(x) [192.0.2.7] F=<a@b> rejected"));
    assert_null(D("{\"time\":\"x\"}"));
#undef D
}

/* Through a reader on a file: the wrapping is found after a first line of
 * the tool's own, and a plain log is read byte for byte as it is. */
static char *read_file(const char *text, const char **framing)
{
    char path[] = "/tmp/test_container_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    ms_error err = {0};
    ms_reader *r = ms_reader_open(path, NULL, &err);
    assert_non_null(r);
    assert_int_equal(ms_frame_attach(r, &err), 0);
    *framing = ms_reader_framing(r);
    ms_buf out = {0};
    char b[5];
    ptrdiff_t k;
    while ((k = ms_reader_read(r, b, sizeof b, &err)) > 0)
        ms_buf_add(&out, b, (size_t)k);
    assert_int_equal(k, 0);
    ms_buf_addc(&out, '\0');
    ms_reader_close(r);
    unlink(path);
    return out.p;
}

static void test_attach(void **s)
{
    (void)s;
    const char *framing;
    char *got = read_file("Attaching to mx-sshd-1\n\n"
                          "mx-sshd-1  | Accepted password for jo from 192.0.2.8 port 1 ssh2\n",
                          &framing);
    assert_string_equal(framing, "docker-compose");
    assert_string_equal(got, "Attaching to mx-sshd-1\n"
                             "sshd: Accepted password for jo from 192.0.2.8 port 1 ssh2\n");
    free(got);
    const char *plain = "May  4 00:47:41 mx sshd[1]: x\n2025-05-04T00:00:00Z mx y: z";
    got = read_file(plain, &framing);
    assert_null(framing);
    assert_string_equal(got, plain);
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docker_json),
        cmocka_unit_test(test_docker_json_pieces),
        cmocka_unit_test(test_docker_json_nul),
        cmocka_unit_test(test_cri),
        cmocka_unit_test(test_compose),
        cmocka_unit_test(test_stamped),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_attach),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
