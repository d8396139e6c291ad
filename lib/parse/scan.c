/* scan.c — the per-file pipeline (see scan.h). */
#include "scan.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "input/lines.h"
#include "parse/dedup.h"

#define EXAMPLE_MAX 300

static int grow(ms_file_scan *f)
{
    size_t cap = f->cap ? f->cap * 2 : 1024;
    ms_event *ev = realloc(f->ev, cap * sizeof *ev);
    if (!ev)
        return -1;
    f->ev = ev;
    ms_stamp *ts = realloc(f->ts, cap * sizeof *ts);
    if (!ts)
        return -1;
    f->ts = ts;
    uint16_t *wrap = realloc(f->wrap, cap * sizeof *wrap);
    if (!wrap)
        return -1;
    f->wrap = wrap;
    f->cap = cap;
    return 0;
}

static int copy_str(ms_arena *a, ms_str *s)
{
    if (s->n == 0) {
        s->p = "";
        return 0;
    }
    char *p = ms_arena_strndup(a, s->p, s->n);
    if (!p)
        return -1;
    s->p = p;
    return 0;
}

static int add_event(ms_file_scan *f, ms_capture *c, ms_dedup *dd,
                     ms_str *last_host)
{
    if (f->nev == f->cap && grow(f))
        return -1;
    ms_event *e = &f->ev[f->nev];
    *e = c->ev;
    e->file = f->file_index;
    e->time = c->ts.kind == MS_TS_ABS ? c->ts.time : MS_TIME_NONE;
    if (copy_str(&f->arena, &e->user) || copy_str(&f->arena, &e->method) ||
        copy_str(&f->arena, &e->reason) || copy_str(&f->arena, &e->session))
        return -1;
    if (e->host.n == last_host->n && e->host.n &&
        memcmp(e->host.p, last_host->p, e->host.n) == 0) {
        e->host = *last_host;
    } else {
        if (copy_str(&f->arena, &e->host))
            return -1;
        *last_host = e->host;
    }
    f->ts[f->nev] = c->ts;
    f->wrap[f->nev] = f->wraps;
    ms_dedup_check(dd, f->ev, f->nev, &c->ts, c->rule ? c->rule->layer : 0);
    f->nev++;
    return 0;
}

static int looks_auth(const char *s, size_t n)
{
    static const char *const words[] = {
        "auth", "login", "logon", "passw", "sasl", "fail", "invalid user",
        "denied", NULL,
    };
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

int ms_scan_file(ms_matcher *m, const char *path, const ms_scan_opts *opts,
                 ms_file_scan *out, ms_error *err)
{
    ms_arena_init(&out->arena);
    out->mtime = INT64_MIN;
    out->first = out->last = MS_TIME_NONE;
    ms_reader *rd = ms_reader_open(path, out->name, &out->error);
    if (!rd)
        return 0;
    out->opened = 1;
    out->codec = ms_reader_codec(rd);
    ms_lines *ln = ms_lines_new(rd, opts->max_line ? opts->max_line : 1 << 20);
    if (!ln) {
        ms_reader_close(rd);
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    }
    ms_dedup dd;
    ms_dedup_init(&dd);
    ms_str last_host = {"", 0};
    const char *line;
    size_t len;
    int rc, ret = 0;
    ms_capture cap;
    ms_record rec;
    while ((rc = ms_lines_next(ln, &line, &len, &out->error)) > 0) {
        uint64_t lineno = ms_lines_number(ln);
        out->lines++;
        out->bytes += len + 1;
        if (ms_lines_was_cut(ln) && out->cut_lines++ == 0)
            out->first_cut_line = lineno;
        ms_record_parse(line, len, &rec);
        track_stamp(out, &rec.ts);
        const ms_rule *rule;
        const ms_event *ev = NULL;
        if (ms_match(m, &rec, lineno, &cap, &rule)) {
            if (add_event(out, &cap, &dd, &last_host)) {
                ret = ms_fail(err, MS_ERR_NOMEM, "out of memory");
                break;
            }
            ev = &out->ev[out->nev - 1];
        } else if (!rule && opts->coverage && looks_auth(rec.body, rec.body_len)) {
            if (note_unmatched(out, &rec, line, len, lineno)) {
                ret = ms_fail(err, MS_ERR_NOMEM, "out of memory");
                break;
            }
        }
        if (opts->on_line)
            opts->on_line(opts->ctx, out, lineno, line, len, &rec, rule, ev);
    }
    if (rc < 0)
        out->damaged = 1;
    while (ret == 0 && ms_match_flush(m, &cap)) {
        if (add_event(out, &cap, &dd, &last_host))
            ret = ms_fail(err, MS_ERR_NOMEM, "out of memory");
    }
    out->mtime = ms_reader_mtime(rd);
    ms_lines_free(ln);
    ms_reader_close(rd);
    return ret;
}

void ms_file_scan_free(ms_file_scan *f)
{
    free(f->ev);
    free(f->ts);
    free(f->wrap);
    free(f->unmatched);
    ms_arena_free(&f->arena);
    f->ev = NULL;
    f->ts = NULL;
    f->wrap = NULL;
    f->unmatched = NULL;
    f->nev = f->cap = f->nunmatched = 0;
}
