/* scan.c — the per-file pipeline (see scan.h).
 *
 * Two ways through a file, with the same result. Line by line: every line
 * is parsed (record header, stamp) and matched: with a per-line callback,
 * without a prefilter, or when opts->slow says so (to compare). By blocks,
 * when the matcher has a prefilter (prefilter.h): the lines come in blocks
 * of whole lines,
 * cut into chunks of about CHUNK bytes; one prefilter scan per chunk finds
 * every key of every row, and only the lines a key ends in are parsed and
 * matched (with the rows of their keys). Every other line is only counted
 * and has its stamp read, so line numbers, byte counts, cut lines and the
 * Dec->Jan wraps of year-less stamps stay exact. With a core to spare, a
 * big file's chunks are prefiltered ahead in a helper thread (ahead.h),
 * which also reads or decompresses the input ahead (the lines are made
 * `helped`: no thread of their own): two threads, not three, on two cores,
 * and the walk neither reads nor copies. Events are kept compact
 * (scan_events.h). */
#include "scan.h"

#include <stdatomic.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input/lines.h"
#include "parse/ahead.h"
#include "parse/dedup.h"
#include "parse/frame.h"

#define EXAMPLE_MAX 300
#define CHUNK (256u << 10)   /* a scan and its walk stay in the L2 cache */
#define AHEAD_MIN (1u << 20)  /* blocks this big are worth a helper */

static int add_event(ms_file_scan *f, ms_capture *c, ms_dedup *dd)
{
    c->ev.file = f->file_index;
    if (ms_scan_events_add(&f->evs, &c->ev, &c->ts, f->wraps))
        return -1;
    ms_dedup_check(dd, &f->evs, c);
    return 0;
}

static int looks_auth(const char *s, size_t n)
{
    const char *const *words = ms_coverage_words;
    char low[4096];
    if (n > sizeof low)
        n = sizeof low;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)s[i]);
    for (size_t w = 0; words[w]; w++)
        if (memmem(low, n, words[w], strlen(words[w])))
            return 1;
    return 0;
}

static int note_unmatched(ms_file_scan *f, const ms_record *rec,
                          const char *line, size_t len, uint64_t lineno)
{
    size_t pn = rec->prog_len < 31 ? rec->prog_len : 31;
    ms_unmatched *u = NULL;
    for (size_t i = 0; i < f->nunmatched; i++)
        if (strlen(f->unmatched[i].prog) == pn &&
            memcmp(f->unmatched[i].prog, rec->prog, pn) == 0)
            u = &f->unmatched[i];
    if (!u) {
        ms_unmatched *v = realloc(f->unmatched,
                                  (f->nunmatched + 1) * sizeof *v);
        if (!v)
            return -1;
        f->unmatched = v;
        u = &v[f->nunmatched++];
        memset(u, 0, sizeof *u);
        memcpy(u->prog, rec->prog, pn);
    }
    u->count++;
    if (u->nexamples < MS_COVERAGE_EXAMPLES) {
        char *ex = ms_arena_strndup(&f->arena, line,
                                    len < EXAMPLE_MAX ? len : EXAMPLE_MAX);
        if (!ex)
            return -1;
        u->examples[u->nexamples] = ex;
        u->example_line[u->nexamples++] = lineno;
    }
    return 0;
}

static void track_stamp(ms_file_scan *f, const ms_stamp *ts)
{
    if (ts->kind == MS_TS_NONE) {
        f->unstamped_lines++;
        return;
    }
    if (ts->kind == MS_TS_NOYEAR && f->last_stamp.kind == MS_TS_NOYEAR &&
        f->last_stamp.mon > ts->mon + 6 && f->wraps < UINT16_MAX)
        f->wraps++;
    if (f->first_stamp.kind == MS_TS_NONE)
        f->first_stamp = *ts;
    f->last_stamp = *ts;
}

typedef struct scan_ctx {
    ms_file_scan *f;
    ms_matcher *m;
    ms_prefilter_scratch *scratch;   /* NULL: every line its own way */
    ms_prefilter *pf;
    const ms_scan_opts *opts;
    size_t max_line;
    ms_dedup dd;
    ms_stamp_memo memo;     /* of skipped lines' stamps */
    ms_ahead *ahead;        /* NULL: each chunk's prefilter runs here */
    size_t *ends;           /* the chunks of the block (scan_block) */
    size_t ends_cap;
    uint64_t lineno;        /* the block way's count */
} scan_ctx;

/* One line, all of it: header, stamp, rows (with keys: those of the keys
 * only), event. -1 when memory ran out. */
static int full_line(scan_ctx *x, const char *line, size_t len,
                     uint64_t lineno, bool cut, const ms_line_keys *keys)
{
    ms_file_scan *out = x->f;
    out->lines++;
    out->bytes += len + 1;
    if (cut && out->cut_lines++ == 0)
        out->first_cut_line = lineno;
    ms_record rec;
    ms_capture cap;
    ms_record_parse_memo(&x->memo, line, len, &rec);
    track_stamp(out, &rec.ts);
    const ms_rule *rule;
    const ms_event *ev = NULL;
    ms_event got;
    int hit = keys ? ms_match_hits(x->m, &rec, lineno, keys, &cap, &rule)
                   : ms_match(x->m, &rec, lineno, &cap, &rule);
    if (hit < 0)
        return -1;
    if (hit) {
        if (add_event(out, &cap, &x->dd))
            return -1;
        if (x->opts->on_line) {
            ms_scan_events_get(&out->evs, out->evs.n - 1, out->file_index, &got);
            ev = &got;
        }
    } else if (!rule && x->opts->coverage &&
               (!keys || ms_prefilter_coverage(x->pf, keys->key, keys->n)) &&
               looks_auth(rec.body, rec.body_len)) {
        if (note_unmatched(out, &rec, line, len, lineno))
            return -1;
    }
    if (x->opts->on_line)
        x->opts->on_line(x->opts->ctx, out, lineno, line, len, &rec, rule, ev);
    return 0;
}

/* A line no key ends in: it yields nothing, but counts and has a stamp. */
static void skip_line(scan_ctx *x, const char *line, size_t len)
{
    x->f->lines++;
    x->f->bytes += len + 1;
    ms_stamp ts;
    ms_record_stamp_memo(&x->memo, line, len, &ts);
    track_stamp(x->f, &ts);
}

/* The lines of c[0 .. n): whole lines, the last maybe without '\n'; h:
 * the prefilter's hits in them, NULL when there are none to go by. */
static int scan_chunk(scan_ctx *x, const char *c, size_t n, const ms_hits *h)
{
    size_t k = 0;
    const char *s = c, *end = c + n;
    while (s < end) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        if (!e)
            e = end;
        size_t len = (size_t)(e - s), at = (size_t)(e - c), k0 = k;
        if (len && s[len - 1] == '\r')
            len--;
        uint64_t lineno = ++x->lineno;
        while (h && k < h->n && h->end[k] - 1 <= at)   /* ends in this line */
            k++;
        int rc = 0;
        if (len > x->max_line) {
            rc = full_line(x, s, x->max_line, lineno, true, NULL);
        } else if (!h) {
            rc = full_line(x, s, len, lineno, false, NULL);
        } else if (k > k0) {
            ms_line_keys lk = {h->key + k0, h->end + k0, c, k - k0};
            rc = full_line(x, s, len, lineno, false, &lk);
        } else
            skip_line(x, s, len);
        if (rc)
            return -1;
        if (e == end)
            break;
        s = e + 1;
    }
    return 0;
}

/* Cut a block of whole lines into chunks, each ending after a '\n', into
 * x->ends; their number, or 0 when memory ran out. */
static size_t cut_chunks(scan_ctx *x, const char *text, size_t len)
{
    size_t n = 0, off = 0;
    while (off < len) {
        size_t end = len;
        if (len - off > CHUNK) {
            const char *nl = memrchr(text + off, '\n', CHUNK);
            if (!nl)
                nl = memchr(text + off + CHUNK, '\n', len - off - CHUNK);
            if (nl)
                end = (size_t)(nl - text) + 1;
        }
        if (n == x->ends_cap) {
            size_t cap = x->ends_cap ? 2 * x->ends_cap : 64;
            size_t *e = realloc(x->ends, cap * sizeof *e);
            if (!e)
                return 0;
            x->ends = e;
            x->ends_cap = cap;
        }
        x->ends[n++] = end;
        off = end;
    }
    return n;
}

/* A block of whole lines, chunk by chunk: each chunk's prefilter scan done
 * here or, with a helper (ahead.h), mostly ahead of the walk. */
static int scan_block(scan_ctx *x, const char *text, size_t len)
{
    size_t n = cut_chunks(x, text, len);
    if (!n)
        return len ? -1 : 0;
    if (x->ahead)
        ms_ahead_begin(x->ahead, text, x->ends, n);
    int rc = 0;
    for (size_t k = 0; k < n && !rc; k++) {
        size_t from = k ? x->ends[k - 1] : 0;
        ms_hits h;
        int have = x->ahead ? ms_ahead_hits(x->ahead, k, &h) == 0
                            : ms_prefilter_scan(x->scratch, text + from,
                                                x->ends[k] - from,
                                                x->opts->coverage, &h) == 0;
        rc = scan_chunk(x, text + from, x->ends[k] - from, have ? &h : NULL);
        if (x->ahead)
            ms_ahead_done(x->ahead, k);
    }
    if (x->ahead)
        ms_ahead_end(x->ahead);
    return rc;
}

int ms_scan_file(ms_matcher *m, const char *path, const ms_scan_opts *opts,
                 ms_file_scan *out, ms_error *err)
{
    ms_arena_init(&out->arena);
    out->mtime = INT64_MIN;
    out->first = out->last = MS_TIME_NONE;
    ms_reader *rd = ms_reader_open(path, out->name, &out->error);
    if (!rd) {
        /* Unreadable: noted in out->error. Out of memory: fatal. */
        if (out->error.code != MS_ERR_NOMEM)
            return 0;
        if (err)
            *err = out->error;
        return -1;
    }
    out->opened = 1;
    out->codec = ms_reader_codec(rd);
    if (ms_frame_attach(rd, err) < 0) {
        ms_reader_close(rd);
        return -1;
    }
    scan_ctx x = {
        .f = out, .m = m, .opts = opts, .scratch = ms_matcher_scratch(m),
        .pf = ms_recognizers_prefilter(ms_matcher_recognizers(m)),
        .max_line = opts->max_line ? opts->max_line : 1 << 20,
    };
    bool blocks = x.scratch && !opts->on_line && !opts->slow;
    /* With a helper to come, it also reads ahead: no third thread. */
    ms_lines_opts lo = {.max_line = x.max_line, .helped = blocks && opts->ahead};
    ms_lines *ln = ms_lines_new(rd, &lo);
    if (!ln) {
        ms_reader_close(rd);
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    }
    ms_dedup_init(&x.dd);
    const char *text;
    size_t len;
    int rc, ret = 0;
    bool tried_ahead = false;
    ms_capture cap;
    ms_progress *pg = opts->progress;
    if (blocks) {
        while ((rc = ms_lines_block(ln, &text, &len, &out->error)) > 0) {
            if (lo.helped && !tried_ahead && len >= AHEAD_MIN) {
                tried_ahead = true;   /* a big file: worth a helper */
                x.ahead = ms_ahead_new(x.pf, opts->coverage, ln);
            }
            if (scan_block(&x, text, len)) {
                ret = ms_fail(err, MS_ERR_NOMEM, "out of memory");
                break;
            }
            if (pg)
                atomic_fetch_add_explicit(&pg->bytes, len, memory_order_relaxed);
        }
    } else {
        uint64_t told = 0;
        while ((rc = ms_lines_next(ln, &text, &len, &out->error)) > 0) {
            if (full_line(&x, text, len, ms_lines_number(ln),
                          ms_lines_was_cut(ln), NULL)) {
                ret = ms_fail(err, MS_ERR_NOMEM, "out of memory");
                break;
            }
            if (pg && out->bytes - told >= (1 << 20)) {
                atomic_fetch_add_explicit(&pg->bytes, out->bytes - told,
                                          memory_order_relaxed);
                told = out->bytes;
            }
        }
        if (pg)
            atomic_fetch_add_explicit(&pg->bytes, out->bytes - told,
                                      memory_order_relaxed);
    }
    if (rc < 0 && out->error.code == MS_ERR_NOMEM) {
        if (ret == 0 && err)   /* out of memory: fatal, not damage */
            *err = out->error;
        ret = -1;
    } else if (rc < 0)
        out->damaged = 1;
    while (ret == 0 && ms_match_flush(m, &cap)) {
        if (add_event(out, &cap, &x.dd))
            ret = ms_fail(err, MS_ERR_NOMEM, "out of memory");
    }
    if (pg) {
        atomic_fetch_add_explicit(&pg->events, out->evs.n,
                                  memory_order_relaxed);
        atomic_fetch_add_explicit(&pg->files, 1, memory_order_relaxed);
    }
    out->mtime = ms_reader_mtime(rd);
    ms_ahead_free(x.ahead);
    free(x.ends);
    ms_lines_free(ln);
    ms_reader_close(rd);
    return ret;
}

void ms_file_scan_free(ms_file_scan *f)
{
    ms_scan_events_free(&f->evs);
    free(f->unmatched);
    ms_arena_free(&f->arena);
    f->unmatched = NULL;
    f->nunmatched = 0;
}
