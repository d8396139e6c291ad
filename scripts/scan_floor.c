/* scan_floor.c — a measuring tool for scripts/bench's floor rows, not
 * part of the CLI: one pass over a plain log doing only the first steps of
 * `events -j 1`, so that the bench can time what those steps cost alone.
 *
 * It reads FILE in chunks of whole lines as the scan does (256 KiB, cut
 * after the last newline), on one thread, and goes as far as PASS says:
 *   read       reading alone
 *   prefilter  and the built-in rows' prefilter scan of each chunk (the
 *              real keys, the database the CLI uses)
 *   walk       and finding every line's end and the lines a key ends in
 *              (the candidate lines, which a scan parses and matches)
 *   match      and parsing each candidate line and matching it against
 *              the rows of its keys, as the scan does; the events found
 *              are counted, neither kept nor written
 * What `events -j 1` takes beyond a pass is the work the pass leaves out.
 * Prints "lines candidates events" (0 for what the pass does not count;
 * events include those stateful families give at the end, as the scan's).
 * Exit 0; 1 on a usage or read error, or a line of 256 KiB or more; 2
 * without a prefilter (built without Hyperscan). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse/recognizer.h"
#include "prefilter_blob.h"

#define CHUNK (256u << 10)

enum { READ_ONLY, PREFILTER, WALK, MATCH, NPASSES };
static const char *const pass_name[NPASSES] = {"read", "prefilter", "walk",
                                               "match"};

typedef struct counts {
    unsigned long long lines, candidates, events;
} counts;

/* Lines of text[0 .. len) and those a hit ends in (hits ascend); with
 * match, those are parsed and matched. */
static void walk(ms_matcher *m, int match, const char *text, size_t len,
                 const ms_hits *h, counts *c)
{
    size_t k = 0;
    for (const char *p = text, *end = text + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl + 1 : end;
        uint32_t upto = (uint32_t)(e - text);
        c->lines++;
        if (k < h->n && h->end[k] <= upto) {
            size_t k0 = k;
            c->candidates++;
            while (k < h->n && h->end[k] <= upto)
                k++;
            if (match) {
                ms_record rec;
                ms_capture cap;
                ms_line_keys lk = {h->key + k0, h->end + k0, text, k - k0};
                size_t n = (size_t)(e - p) - (nl != NULL);
                if (n && p[n - 1] == '\r')   /* as the scan: CRLF lines */
                    n--;
                ms_record_parse(p, n, &rec);
                c->events += (unsigned long long)ms_match_hits(
                    m, &rec, c->lines, &lk, &cap, NULL);
            }
        }
        p = e;
    }
}

/* One pass over fd: 0, or -1 with errno. */
static int pass(int fd, int what, ms_matcher *m, char *buf, counts *c)
{
    size_t have = 0;
    for (;;) {
        ssize_t got = read(fd, buf + have, CHUNK);
        if (got < 0)
            return -1;
        size_t len = have + (size_t)got;
        const char *nl = got ? memrchr(buf, '\n', len) : NULL;
        size_t cut = got == 0 ? len : nl ? (size_t)(nl - buf) + 1 : 0;
        if (what != READ_ONLY && cut) {
            ms_hits h;
            if (ms_prefilter_scan(ms_matcher_scratch(m), buf, cut, 0, &h) < 0) {
                errno = ENOMEM;
                return -1;
            }
            if (what >= WALK)
                walk(m, what == MATCH, buf, cut, &h, c);
        }
        if (got == 0)
            break;
        memmove(buf, buf + cut, len - cut);
        have = len - cut;
        if (have >= CHUNK) {   /* a line of a chunk or more */
            errno = EFBIG;
            return -1;
        }
    }
    ms_capture cap;   /* what stateful families still hold, as the scan */
    while (what == MATCH && ms_match_flush(m, &cap))
        c->events++;
    return 0;
}

int main(int argc, char **argv)
{
    int what = NPASSES;
    for (int w = 0; argc == 3 && w < NPASSES; w++)
        if (strcmp(argv[1], pass_name[w]) == 0)
            what = w;
    if (what == NPASSES) {
        int help = argc == 2 && strcmp(argv[1], "--help") == 0;
        fputs("usage: scan-floor read|prefilter|walk|match FILE\n",
              help ? stdout : stderr);
        return help ? 0 : 1;
    }
    ms_error err = {0};
    ms_recognizers *r = ms_recognizers_new(&err);
    if (r)
        ms_recognizers_prebuilt(r, ms_prefilter_blob, ms_prefilter_blob_size);
    ms_matcher *m = r ? ms_matcher_new(r) : NULL;
    if (!m) {
        fprintf(stderr, "scan-floor: %s\n", r ? "out of memory" : err.msg);
        ms_recognizers_free(r);
        return 1;
    }
    if (!ms_matcher_scratch(m)) {
        fputs("scan-floor: built without Hyperscan: no prefilter\n", stderr);
        ms_matcher_free(m);
        ms_recognizers_free(r);
        return 2;
    }
    int fd = open(argv[2], O_RDONLY);
    char *buf = malloc(2 * (size_t)CHUNK);
    counts c = {0};
    int rc = fd < 0 || !buf ? -1 : pass(fd, what, m, buf, &c);
    if (rc)
        fprintf(stderr, "scan-floor: %s: %s\n", argv[2],
                buf ? strerror(errno) : "out of memory");
    else
        printf("%llu %llu %llu\n", c.lines, c.candidates, c.events);
    if (fd >= 0)
        close(fd);
    free(buf);
    ms_matcher_free(m);
    ms_recognizers_free(r);
    return rc ? 1 : 0;
}
