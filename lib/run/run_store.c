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
 * copied into one folder per server name their servers). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "input/events_in.h"
#include "run/run_int.h"

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
        ms_store_add(a->store, e, a->ids[k]) == 0)
        return 0;
fail:
    a->failed = 1;
    return -1;
}

int ms_run_store_events_files(ms_run_result *r, const ms_source_list *src,
                              ms_source_list *logs, const ms_warner *w,
                              ms_error *err)
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
        int bad = ms_events_read(src->v[i].path, src->v[i].path, add_event, &a,
                                 w, &e) && !a.failed;
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
    for (size_t k = 0; id >= 0 && k < f->evs.n; k++) {
        ms_event e;
        ms_scan_events_get(&f->evs, k, f->file_index, &e);
        counted += e.outcome != MS_OUT_DUPLICATE;
        if (ms_filter_match(&r->filter, &e, folder) &&
            ms_store_add(&r->store, &e, (uint32_t)id))
            id = -1;
        if ((k + 1) % 65536 == 0)
            ms_scan_events_release(&f->evs, k + 1);
    }
    if (id >= 0 && ms_inputs_add_scan(&r->inputs, f, counted))
        id = -1;
    return id < 0 ? ms_store_fail(&r->store, err) : 0;
}
