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
 * are in range, and flush ends. When the build has the block prefilter
 * (Hyperscan), a second matcher takes the scan's fast way over the same
 * text — ms_prefilter_scan on the whole buffer, lines without a key
 * skipped, ms_match_hits on the others, as scan.c's scan_chunk does — and
 * must give exactly the events ms_match gives, line by line and at flush:
 * a prefilter that drops a line is an attack not seen. */
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

/* Two captures of the same line (each from its own copy) are the same. */
static void same_capture(const ms_capture *a, const ms_capture *b)
{
    FZ_CHECK(a->rule == b->rule);
    FZ_CHECK(a->ev.outcome == b->ev.outcome && a->ev.service == b->ev.service);
    FZ_CHECK(a->ev.attempts == b->ev.attempts && a->ev.line == b->ev.line);
    FZ_CHECK(memcmp(&a->ev.ip, &b->ev.ip, sizeof a->ev.ip) == 0);
    FZ_CHECK(a->ts.kind == b->ts.kind && a->ts.time == b->ts.time &&
             a->ts.sod == b->ts.sod);
    const ms_str *sa[] = {&a->ev.user, &a->ev.method, &a->ev.session,
                          &a->ev.reason};
    const ms_str *sb[] = {&b->ev.user, &b->ev.method, &b->ev.session,
                          &b->ev.reason};
    for (int i = 0; i < 4; i++) {
        FZ_CHECK(sa[i]->n == sb[i]->n);
        FZ_CHECK(sa[i]->n == 0 || memcmp(sa[i]->p, sb[i]->p, sa[i]->n) == 0);
    }
}

typedef struct pair {
    ms_matcher *m;        /* ms_match on every line */
    ms_matcher *fast;     /* the prefilter way; NULL without one */
} pair;

static void one_line(pair *pm, const char *line, size_t len, uint64_t no,
                     int take, const uint16_t *keys, const uint32_t *ends,
                     size_t nkeys)
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
    int got = ms_match(pm->m, &rec, no, &cap, &rule);
    FZ_CHECK(got == 0 || got == 1);
    if (got == 1) {
        FZ_CHECK(rule != NULL);
        check_capture(&cap, copy, len);
        if (cap.ev.host.n)
            FZ_CHECK(fz_inside(cap.ev.host.p, cap.ev.host.n, copy, len) ||
                     cap.ev.outcome == MS_OUT_CONNECT);
    }
    if (pm->fast) {
        int fast = 0;
        ms_capture fcap;
        if (take)
        {
            ms_line_keys lk = {keys, ends, copy, nkeys};   /* ends: in line */
            fast = ms_match_hits(pm->fast, &rec, no, &lk, &fcap, NULL);
        }
        if (fast != got)
            fprintf(stderr, "line %llu: ms_match %d, prefilter way %d (%zu keys)\n",
                    (unsigned long long)no, got, fast, nkeys);
        FZ_CHECK(fast == got);
        if (got == 1)
            same_capture(&cap, &fcap);
    }
    free(copy);
}

/* Every line of text, both ways, as scan.c's scan_chunk cuts them. */
static void all_lines(pair *pm, const char *text, size_t size)
{
    ms_hits h = {0};
    int have = pm->fast &&
               ms_prefilter_scan(ms_matcher_scratch(pm->fast), text, size, 0,
                                 &h) == 0;
    if (pm->fast)
        FZ_CHECK(have);   /* a buffer under 4 GiB always scans */
    for (size_t i = 1; have && i < h.n; i++)
        FZ_CHECK(h.end[i - 1] <= h.end[i]);
    uint32_t *rel = malloc((h.n ? h.n : 1) * sizeof *rel);
    FZ_CHECK(rel != NULL);
    const char *s = text, *end = text + size;
    uint64_t no = 0;
    size_t k = 0;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        size_t len = (size_t)(e - s), at = (size_t)(e - text), k0 = k;
        while (have && k < h.n && h.end[k] - 1 <= at) {
            rel[k] = h.end[k] - (uint32_t)(s - text);
            k++;
        }
        size_t plen = len && s[len - 1] == '\r' ? len - 1 : len;
        one_line(pm, s, plen, ++no, !have || k > k0,
                 k > k0 ? h.key + k0 : NULL, k > k0 ? rel + k0 : NULL, k - k0);
        if (!nl)
            break;
        s = nl + 1;
    }
    free(rel);
}

/* The lines of a tcpserver program (see the top), as one text. */
static char *tcpserver_program(const uint8_t *p, size_t n, size_t *out_len)
{
    static const char *const fmt[4] = {
        "@400000005e0c1a2b0c8f3a40 tcpserver: pid %u from 10.%u.%u.7\n",
        "@400000005e0c1a2b0c8f3a40 tcpserver: ok %u mail:10.0.0.1:110 "
        ":10.%u.%u.9::5%u\n",
        "@400000005e0c1a2b0c8f3a40 tcpserver: deny %u mail:10.0.0.1:25 "
        "h:10.%u.%u.8::4%u\n",
        "@400000005e0c1a2b0c8f3a40 tcpserver: end %u status %u%u\n",
    };
    size_t cap = 1 << 16, len = 0, lines = 0;
    char *text = malloc(cap);
    FZ_CHECK(text != NULL);
    for (size_t i = 0; i + 3 <= n && lines < 150000; i += 3) {
        unsigned kind = p[i] & 3, rep = 1 + (p[i] >> 2) * 4;
        unsigned pid = (unsigned)p[i + 1] << 8 | p[i + 2];
        for (unsigned k = 0; k < rep; k++, lines++) {
            if (cap - len < 160) {
                text = realloc(text, cap *= 2);
                FZ_CHECK(text != NULL);
            }
            unsigned q = pid + k;
            len += (size_t)snprintf(text + len, 160, fmt[kind], q, q >> 8 & 255,
                                    q & 255, k & 7);
        }
    }
    *out_len = len;
    return text;
}

static void flush_both(pair *pm)
{
    ms_capture cap, fcap;
    size_t flushed = 0;
    for (;;) {
        int got = ms_match_flush(pm->m, &cap);
        if (pm->fast) {
            int fast = ms_match_flush(pm->fast, &fcap);
            FZ_CHECK(fast == got);
            if (got == 1) {
                FZ_CHECK(fcap.ev.line == cap.ev.line);
                FZ_CHECK(memcmp(&fcap.ev.ip, &cap.ev.ip, sizeof cap.ev.ip) == 0);
            }
        }
        if (got != 1)
            break;
        FZ_CHECK(cap.ev.outcome == MS_OUT_CONNECT);
        FZ_CHECK(cap.ev.source != NULL);
        FZ_CHECK(++flushed <= 10u * 1000 * 1000);
    }
    FZ_CHECK(ms_match_flush(pm->m, &cap) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pair pm = {ms_matcher_new(recs), ms_matcher_new(recs)};
    FZ_CHECK(pm.m != NULL && pm.fast != NULL);
    if (!ms_matcher_scratch(pm.fast)) {
        ms_matcher_free(pm.fast);
        pm.fast = NULL;
    }
    if (size > 0 && data[0] == 0x01) {
        size_t len;
        char *text = tcpserver_program(data + 1, size - 1, &len);
        all_lines(&pm, text, len);
        free(text);
    } else {
        all_lines(&pm, (const char *)data, size);
    }
    flush_both(&pm);
    ms_matcher_free(pm.m);
    ms_matcher_free(pm.fast);
    return 0;
}
