/* fuzz_recognizers.c — every built-in recogniser at once (parse/recognizer.c
 * and the rec_*.c families), fed one line at a time through the record
 * parser, as scan.c does, then flushed as at the end of a file.
 *
 * The input is split at '\n' into lines; one matcher sees them all, so the
 * stateful families (tcpserver's pid <-> ip join) keep their state from
 * line to line. Inputs whose first byte is 0x01 are a program instead:
 * each 3-byte op (kind, pid high, pid low; the kind's top bits repeat it
 * with consecutive pids, up to 150000 lines) becomes a tcpserver `pid/ok/deny/end` line, so the
 * connection table grows, compacts and evicts, which random text rarely
 * reaches. Checks: every captured string points into its line (or is a
 * static reason, or the family's copy of the host), the outcome and service
 * are in range, and flush ends. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_util.h"
#include "parse/recognizer.h"
#include "parse/record.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ms_recognizers *recs;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("TZ", "UTC", 1);
    tzset();
    ms_error err = {0};
    recs = ms_recognizers_new(&err);
    if (!recs) {
        fprintf(stderr, "fuzz_recognizers: %s\n", err.msg);
        abort();
    }
    return 0;
}

/* A string of a capture: inside the line, or "" / a static string. */
static void check_str(ms_str s, const char *line, size_t len, int may_static)
{
    if (s.n == 0)
        return;
    FZ_CHECK(s.p != NULL);
    if (fz_inside(s.p, s.n, line, len))
        return;
    FZ_CHECK(may_static);
    FZ_CHECK(strlen(s.p) == s.n);   /* a static reason is a C string */
}

static void check_capture(const ms_capture *c, const char *line, size_t len)
{
    const ms_event *e = &c->ev;
    FZ_CHECK(e->outcome > 0 && e->outcome < MS_OUT__COUNT);
    FZ_CHECK(e->service < MS_SVC__COUNT);
    FZ_CHECK(e->attempts >= 1);
    FZ_CHECK(e->source != NULL);
    FZ_CHECK(c->rule != NULL);
    check_str(e->user, line, len, 0);
    check_str(e->method, line, len, 0);
    check_str(e->session, line, len, 0);
    check_str(e->reason, line, len, 1);
    /* The host is the line's, except that a hook may emit a connection
     * opened on an earlier line (its own copy of the host). */
    if (e->host.n)
        FZ_CHECK(e->host.p != NULL);
}

static void one_line(ms_matcher *m, const char *line, size_t len, uint64_t no)
{
    /* Give each line its own exact-size copy so that any read past its end
     * (or a pointer kept to it after the next line) trips ASan. */
    char *copy = malloc(len ? len : 1);
    FZ_CHECK(copy != NULL);
    memcpy(copy, line, len);
    ms_record rec;
    ms_record_parse(copy, len, &rec);
    ms_capture cap;
    const ms_rule *rule;
    if (ms_match(m, &rec, no, &cap, &rule) == 1) {
        FZ_CHECK(rule != NULL);
        check_capture(&cap, copy, len);
        if (cap.ev.host.n)
            FZ_CHECK(fz_inside(cap.ev.host.p, cap.ev.host.n, copy, len) ||
                     cap.ev.outcome == MS_OUT_CONNECT);
    }
    free(copy);
}

static void tcpserver_program(ms_matcher *m, const uint8_t *p, size_t n)
{
    static const char *const fmt[4] = {
        "@400000005e0c1a2b0c8f3a40 tcpserver: pid %u from 10.%u.%u.7",
        "@400000005e0c1a2b0c8f3a40 tcpserver: ok %u mail:10.0.0.1:110 "
        ":10.%u.%u.9::5%u",
        "@400000005e0c1a2b0c8f3a40 tcpserver: deny %u mail:10.0.0.1:25 "
        "h:10.%u.%u.8::4%u",
        "@400000005e0c1a2b0c8f3a40 tcpserver: end %u status %u%u",
    };
    uint64_t no = 0;
    for (size_t i = 0; i + 3 <= n && no < 150000; i += 3) {
        unsigned kind = p[i] & 3, rep = 1 + (p[i] >> 2) * 4;
        unsigned pid = (unsigned)p[i + 1] << 8 | p[i + 2];
        for (unsigned k = 0; k < rep; k++) {
            char line[160];
            unsigned q = pid + k;
            int len = snprintf(line, sizeof line, fmt[kind], q, q >> 8 & 255,
                               q & 255, k & 7);
            one_line(m, line, (size_t)len, ++no);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ms_matcher *m = ms_matcher_new(recs);
    FZ_CHECK(m != NULL);
    if (size > 0 && data[0] == 0x01) {
        tcpserver_program(m, data + 1, size - 1);
    } else {
        const char *s = (const char *)data, *end = s + size;
        uint64_t no = 0;
        while (s < end) {
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
            one_line(m, s, len, ++no);
            s += len + (nl != NULL);
        }
    }
    ms_capture cap;
    size_t flushed = 0;
    while (ms_match_flush(m, &cap) == 1) {
        FZ_CHECK(cap.ev.outcome == MS_OUT_CONNECT);
        FZ_CHECK(cap.ev.source != NULL);
        FZ_CHECK(++flushed <= 10u * 1000 * 1000);
    }
    FZ_CHECK(ms_match_flush(m, &cap) == 0);
    ms_matcher_free(m);
    return 0;
}
