/* run_store.c — filling the store (analyze/store.h): from a log's scan,
 * or from an events file read back (input/events_in.h).
 *
 * Events read back keep the log file they came from (their `file`
 * column), so results point at the original logs; names are mapped to the
 * store's file ids through an intern table (same id order), keyed by the
 * events file's folder and the name: the same log path read back from two
 * servers' folders (/var/log/qmail/current on each) stays two files. A
 * file's server label is the `server` of its first row with no host and a
 * server, else the folder the events file was found in (so events files
 * copied into one folder per server name their servers).
 *
 * Events go to the store in batches (ms_store_add_many): a scan's straight
 * from its list; those read back (on a thread of their own unless one
 * thread was asked for, input/events_ahead.h), whose text lives only
 * during the call, copied into a batch first. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "input/events_ahead.h"
#include "input/events_in.h"
#include "run/run_int.h"

/* Events added to the store together. */
#define BATCH 64

/* Events read back waiting for the store, their strings copied. */
typedef struct pending {
    ms_event ev[BATCH];
    uint32_t file[BATCH];
    uint32_t at[BATCH][5];  /* where in text each string of ev starts */
    size_t n;
    ms_buf text;            /* the strings, one after another */
} pending;

/* Hand the waiting events to the store. -1 when memory ran out. */
static int flush(pending *p, ms_store *store)
{
    for (size_t j = 0; j < p->n; j++) {
        ms_event *e = &p->ev[j];
        ms_str *str[4] = {&e->user, &e->method, &e->reason, &e->host};
        for (int k = 0; k < 4; k++)
            str[k]->p = p->text.p + p->at[j][k];
        e->source = p->text.p + p->at[j][4];
    }
    size_t n = p->n;
    p->n = 0;
    p->text.n = 0;
    return ms_store_add_many(store, p->ev, p->file, n);
}

/* Keep e (for file) until the batch is full. -1 when memory ran out. */
static int queue(pending *p, ms_store *store, const ms_event *e,
                 uint32_t file)
{
    ms_event *c = &p->ev[p->n];
    *c = *e;
    c->session = (ms_str){"", 0};
    const ms_str *str[4] = {&e->user, &e->method, &e->reason, &e->host};
    for (int k = 0; k < 4; k++) {
        p->at[p->n][k] = (uint32_t)p->text.n;
        ms_buf_add(&p->text, str[k]->p, str[k]->n);
    }
    p->at[p->n][4] = (uint32_t)p->text.n;
    ms_buf_add(&p->text, e->source, strlen(e->source) + 1);
    if (p->text.failed)
        return -1;
    p->file[p->n++] = file;
    return p->n == BATCH ? flush(p, store) : 0;
}

typedef struct add_ctx {
    ms_store *store;
    ms_intern *names;
    uint32_t *ids;
    uint8_t *labelled;      /* by name: its label came from a row */
    size_t nids;
    const char *fallback;   /* the events file itself, for rows without a file */
    const char *folder;     /* … and its folder */
    ms_filter *filter;      /* its last event seen */
    ms_buf key;             /* folder, NUL, name, NUL: the last row's */
    pending wait;
    size_t nfolder;         /* strlen(folder); key empty for a new file */
    uint32_t k;             /* key's id in names */
    int failed;
} add_ctx;

/* Room for one more name's entries; -1 when memory ran out. */
static int add_name(add_ctx *a, uint32_t id)
{
    uint32_t *ids = realloc(a->ids, (a->nids + 1) * sizeof *ids);
    if (ids)
        a->ids = ids;
    uint8_t *l = realloc(a->labelled, a->nids + 1);
    if (l)
        a->labelled = l;
    if (!ids || !l)
        return -1;
    a->ids[a->nids] = id;
    a->labelled[a->nids++] = 0;
    return 0;
}

static int add_event(void *ctx, const ms_event *e, const char *file_column,
                     const ms_str *server)
{
    add_ctx *a = ctx;
    if (!file_column[0])
        file_column = a->fallback;
    /* Rows of one log follow each other: the last row's id, unless the
     * name changed. */
    if (!a->key.n || strcmp(a->key.p + a->nfolder + 1, file_column) != 0) {
        a->key.n = 0;
        ms_buf_add(&a->key, a->folder, a->nfolder + 1);
        ms_buf_adds(&a->key, file_column);
        ms_buf_addc(&a->key, '\0');
        if (a->key.failed)
            goto fail;
        a->k = ms_intern_put(a->names, a->key.p, a->key.n - 1);
        if (a->k == UINT32_MAX) {
            a->key.n = 0;
            goto fail;
        }
    }
    uint32_t k = a->k;
    if (k == a->nids) {
        int64_t f = ms_store_add_file(a->store, file_column);
        if (f < 0 || add_name(a, (uint32_t)f) ||
            ms_store_set_server(a->store, (uint32_t)f, a->folder,
                                strlen(a->folder)))
            goto fail;
    }
    if (server && server->n && !e->host.n && !a->labelled[k]) {
        a->labelled[k] = 1;
        if (ms_store_set_server(a->store, a->ids[k], server->p, server->n))
            goto fail;
    }
    ms_filter_see(&a->filter->last, e);
    const ms_store *st = a->store;
    if (!ms_filter_match(a->filter, e, st->strs.str[st->file_server[a->ids[k]]]) ||
        queue(&a->wait, a->store, e, a->ids[k]) == 0)
        return 0;
fail:
    a->failed = 1;
    return -1;
}

int ms_run_store_events_files(ms_run_result *r, const ms_source_list *src,
                              ms_source_list *logs, int ahead,
                              const ms_warner *w, ms_error *err)
{
    ms_intern names;
    add_ctx a = {.store = &r->store, .names = &names, .filter = &r->filter};
    logs->v = calloc(src->n ? src->n : 1, sizeof *logs->v);
    if (!logs->v || ms_intern_init(&names))
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    /* Intern ids start at 1 ("" is 0): keep ids[] aligned with them. */
    if (add_name(&a, UINT32_MAX))
        a.failed = 1;
    for (size_t i = 0; i < src->n; i++) {
        ms_error e = {0};
        int kind = ms_events_sniff_file(src->v[i].path);
        if (kind < 0) {
            a.failed = 1;
            break;
        }
        if (kind == MS_EVFILE_NONE) {
            logs->v[logs->n++] = src->v[i];
            continue;
        }
        if (a.failed)
            break;
        a.fallback = src->v[i].path;
        a.folder = src->v[i].folder;
        a.nfolder = strlen(a.folder);
        a.key.n = 0;
        size_t before = r->store.nall;
        int bad = (ahead ? ms_events_read_ahead : ms_events_read)(
                      src->v[i].path, src->v[i].path, add_event, &a, w, &e) &&
                  !a.failed;
        if (!a.failed && flush(&a.wait, a.store))
            a.failed = 1;
        if (bad && e.code == MS_ERR_NOMEM) {
            a.failed = 1;
            break;
        }
        if (bad) {
            r->damaged++;
            ms_warn(w, NULL, 0, "%s", e.msg);
        }
        if (ms_inputs_add_events(&r->inputs, src->v[i].path,
                                 r->store.nall - before, bad ? e.msg : NULL))
            a.failed = 1;
    }
    free(a.ids);
    free(a.labelled);
    ms_buf_free(&a.key);
    ms_buf_free(&a.wait.text);
    ms_intern_free(&names);
    return a.failed ? ms_store_fail(&r->store, err) : 0;
}

int ms_run_store_scan(ms_run_result *r, ms_file_scan *f, const char *folder,
                      ms_error *err)
{
    int64_t id = ms_store_add_file(&r->store, f->name);
    if (id >= 0 && ms_store_set_server(&r->store, (uint32_t)id, folder,
                                       strlen(folder)))
        id = -1;
    /* The scan's copy shrinks as the store's grows (peak memory). */
    uint64_t counted = 0;
    ms_event ev[BATCH];
    uint32_t file[BATCH];
    size_t n = 0;
    for (size_t k = 0; id >= 0 && k < f->evs.n; k++) {
        ms_event *e = &ev[n];
        ms_scan_events_get(&f->evs, k, f->file_index, e);
        counted += e->outcome != MS_OUT_DUPLICATE;
        if (ms_filter_match(&r->filter, e, folder))
            file[n++] = (uint32_t)id;
        int release = (k + 1) % 65536 == 0;
        if ((n == BATCH || release || k + 1 == f->evs.n) && n) {
            if (ms_store_add_many(&r->store, ev, file, n))
                id = -1;
            n = 0;
        }
        if (release)
            ms_scan_events_release(&f->evs, k + 1);
    }
    if (id >= 0 && ms_inputs_add_scan(&r->inputs, f, counted))
        id = -1;
    return id < 0 ? ms_store_fail(&r->store, err) : 0;
}
