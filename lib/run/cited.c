/* cited.c — see cited.h. The cited lines are sorted by (file, line); a
 * line read again is looked up there by its file's name in the store and
 * its number. */
#include "run/cited.h"

#include <stdlib.h>
#include <string.h>

typedef struct reread {
    const ms_store *s;
    ms_cited_lines *c;
    size_t max;
    const ms_file_scan *last;
    uint32_t last_file;
    int failed;               /* a line's text not kept: out of memory */
} reread;

static int cmp_cited(const void *x, const void *y)
{
    const ms_cited *a = x, *b = y;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static ms_cited *find(const ms_cited_lines *c, uint32_t file, uint64_t line)
{
    ms_cited key = {file, line, NULL, 0};
    return c->v ? bsearch(&key, c->v, c->n, sizeof *c->v, cmp_cited) : NULL;
}

static void on_line(void *ctx, const ms_file_scan *f, uint64_t lineno,
                    const char *line, size_t len, const ms_record *rec,
                    const ms_rule *rule, const ms_event *ev)
{
    (void)rec;
    (void)rule;
    (void)ev;
    reread *r = ctx;
    if (f != r->last) {
        r->last = f;
        r->last_file = UINT32_MAX;
        for (size_t i = 0; i < r->s->nfiles; i++)
            if (!strcmp(r->s->files[i], f->name))
                r->last_file = (uint32_t)i;
    }
    ms_cited *c = find(r->c, r->last_file, lineno);
    if (!c || c->text)
        return;
    c->len = len < r->max ? len : r->max;
    c->text = malloc(c->len + 1);
    if (c->text)
        memcpy(c->text, line, c->len);
    else
        r->failed = 1;
}

int ms_cited_read(const ms_run_settings *s, const ms_store *st,
                  const ms_why *w, size_t max, ms_cited_lines *out,
                  ms_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = 0;
    for (size_t i = 0; i < w->nrules; i++)
        n += w->rules[i].nevents;
    out->v = calloc(n ? n : 1, sizeof *out->v);
    if (!out->v)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < w->nrules; i++)
        for (size_t k = 0; k < w->rules[i].nevents; k++) {
            const ms_event *e = &w->rules[i].events[k];
            out->v[out->n++] = (ms_cited){e->file, e->line, NULL, 0};
        }
    qsort(out->v, out->n, sizeof *out->v, cmp_cited);
    if (!n)
        return 0;
    reread r = {.s = st, .c = out, .max = max};
    ms_run_settings again = *s;
    again.analyse = 0;
    again.threads = 1;   /* on_line is not shared between threads */
    again.scan.on_line = on_line;
    again.scan.ctx = &r;
    again.scan.progress = NULL;
    again.hooks = (ms_run_hooks){0};
    again.dir = NULL;
    ms_run_result res = {0};
    ms_error e = {0};
    int rc = ms_run(&again, &res, NULL, &e);
    ms_run_free(&res);
    if ((rc && e.code == MS_ERR_NOMEM) || r.failed)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory reading the cited "
                       "lines again");
    return 0;
}

const ms_cited *ms_cited_find(const ms_cited_lines *c, const ms_event *e)
{
    return find(c, e->file, e->line);
}

void ms_cited_free(ms_cited_lines *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].text);
    free(c->v);
    memset(c, 0, sizeof *c);
}
