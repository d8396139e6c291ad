/* analysis_cli.c — load inputs into a store and analyse (analysis_cli.h).
 * Logs are scanned in parallel (pool.h); events files are read back
 * (events_in.h). Each file's events go into the store as soon as it is
 * done with, so only one file's buffers live beside the store. Then the
 * geo databases named (or found, enrich/geo.h) fill country and AS. */
#include "analysis_cli.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyze/users.h"
#include "input/events_in.h"

int cli_analysis_option(cli_analysis *x, int opt, const char *arg)
{
    switch (opt) {
    case 1201:
        x->users = arg;
        return 1;
    case 1202:
        if (x->nignore == 16) {
            cli_error("at most 16 --ignore options");
            return -1;
        }
        x->ignore[x->nignore++] = arg;
        return 1;
    case 1203:
        x->aggregate = 1;
        return 1;
    case 1204:
    case 1205:
        if (x->ngeodb == 16) {
            cli_error("at most 16 --geoip and --asn-csv options");
            return -1;
        }
        x->geodb[x->ngeodb].path = arg;
        x->geodb[x->ngeodb++].table = opt == 1205;
        return 1;
    case 1206:
        x->no_geo = 1;
        return 1;
    }
    return cli_common_option(&x->c, opt, arg);
}

/* Events read back keep the log file they came from (their `file`
 * column), so results point at the original logs; names are mapped to the
 * store's file ids through an intern table (same id order). A file's
 * server label is the `server` of its first row with no host and a server,
 * else the folder the events file was found in (so events files copied
 * into one folder per server name their servers). */
typedef struct add_ctx {
    ms_store *store;
    ms_intern *names;
    uint32_t *ids;
    uint8_t *labelled;      /* by name: its label came from a row */
    size_t nids;
    const char *fallback;   /* the events file itself, for rows without a file */
    const char *folder;     /* … and its folder */
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
    uint32_t k = ms_intern_put(a->names, file_column, strlen(file_column));
    if (k == UINT32_MAX)
        goto fail;
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
    if (ms_store_add(a->store, e, a->ids[k]) == 0)
        return 0;
fail:
    a->failed = 1;
    return -1;
}

/* Split the sources: events files are read here, logs are left in *logs. */
static int read_events_files(cli_analysis *x, ms_source_list *src,
                             ms_source_list *logs)
{
    ms_warner w = cli_warner(&x->c);
    ms_intern names;
    add_ctx a = {.store = &x->store, .names = &names};
    logs->v = calloc(src->n ? src->n : 1, sizeof *logs->v);
    if (!logs->v || ms_intern_init(&names))
        return -1;
    /* Intern ids start at 1 ("" is 0): keep ids[] aligned with them. */
    if (add_name(&a, UINT32_MAX))
        a.failed = 1;
    for (size_t i = 0; i < src->n; i++) {
        ms_error err = {0};
        int kind = ms_events_sniff_file(src->v[i].path);
        if (kind == MS_EVFILE_NONE) {
            logs->v[logs->n++] = src->v[i];
            continue;
        }
        if (a.failed)
            break;
        a.fallback = src->v[i].path;
        a.folder = src->v[i].folder;
        size_t before = x->store.n;
        int bad = ms_events_read(src->v[i].path, src->v[i].path, add_event, &a,
                                 &w, &err) && !a.failed;
        if (bad) {
            x->damaged++;
            if (!x->c.quiet)
                cli_error("%s", err.msg);
        }
        if (ms_inputs_add_events(&x->inputs, src->v[i].path, x->store.n - before,
                                 bad ? err.msg : NULL))
            a.failed = 1;
    }
    free(a.ids);
    free(a.labelled);
    ms_intern_free(&names);
    return a.failed ? -1 : 0;
}

/* Print the problem of each source from `from` on that has one; each
 * counts as a damaged input. */
static void geo_problems(cli_analysis *x, size_t from)
{
    size_t n;
    const ms_geo_source *src = ms_geo_sources(x->geo, &n);
    for (size_t i = from; i < n; i++) {
        if (src[i].error) {
            x->damaged++;
            if (!x->c.quiet)
                cli_error("%s; going on without it", src[i].error);
        } else if (src[i].skipped && !x->c.quiet) {
            cli_error("%s: %llu rows that are not IP ranges skipped", src[i].path,
                      (unsigned long long)src[i].skipped);
        }
    }
}

/* The databases named, or else those found in the usual folders (the
 * checkout's data/ is found from the binary's own place). */
static int geo_open(cli_analysis *x)
{
    ms_error err = {0};
    if (!(x->geo = ms_geo_new()))
        return -1;
    for (int i = 0; i < x->ngeodb; i++) {
        int rc = x->geodb[i].table
                     ? ms_geo_add_table(x->geo, x->geodb[i].path, 0, &err)
                     : ms_geo_add_mmdb(x->geo, x->geodb[i].path, 0, &err);
        if (rc && err.code == MS_ERR_NOMEM)
            return -1;
    }
    if (x->ngeodb == 0) {
        char exe[PATH_MAX], *dirs[8];
        ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
        char *slash = k > 0 ? (exe[k] = '\0', strrchr(exe, '/')) : NULL;
        if (slash)
            *slash = '\0';
        size_t n = ms_geo_default_dirs(slash ? exe : NULL, dirs);
        int rc = ms_geo_discover(x->geo, (const char *const *)dirs, n, &err);
        for (size_t i = 0; i < n; i++)
            free(dirs[i]);
        if (rc < 0)
            return -1;
    }
    geo_problems(x, 0);
    return 0;
}

/* Country and AS of every address; a database found damaged on the way
 * is reported and left out. */
static int geo_enrich(cli_analysis *x)
{
    if (x->no_geo)
        return 0;
    if (geo_open(x))
        return -1;
    size_t n;
    const ms_geo_source *src = ms_geo_sources(x->geo, &n);
    char *had_error = calloc(n ? n : 1, 1);
    if (!had_error)
        return -1;
    for (size_t i = 0; i < n; i++)
        had_error[i] = src[i].error != NULL;
    ms_error err = {0};
    int rc = ms_geo_enrich(x->geo, &x->an, &err);
    for (size_t i = 0; rc > 0 && i < n; i++)
        if (src[i].error && !had_error[i]) {
            x->damaged++;
            if (!x->c.quiet)
                cli_error("%s; going on without it", src[i].error);
        }
    free(had_error);
    return rc < 0 ? -1 : 0;
}

int cli_analysis_run(cli_analysis *x, char **paths, int npaths)
{
    ms_error err = {0};
    if (cli_apply_tz(&x->c))
        return EXIT_USAGE;
    if (ms_intern_init(&x->real_users) || ms_store_init(&x->store)) {
        cli_error("out of memory");
        return EXIT_FATAL;
    }
    if (x->users && ms_users_load(&x->real_users, x->users, &err)) {
        cli_error("%s", err.msg);
        return EXIT_USAGE;
    }
    for (int i = 0; i < x->nignore; i++) {
        if (ms_cidr_list_add(&x->ignore_list, x->ignore[i], &err)) {
            cli_error("%s", err.msg);
            return EXIT_USAGE;
        }
    }
    ms_recognizers *r = cli_recognizers(&x->c);
    if (!r)
        return EXIT_USAGE;
    ms_source_list src = {0}, logs = {0};
    if (cli_expand(&x->c, paths, npaths, 1, &src)) {
        ms_recognizers_free(r);
        return EXIT_FATAL;
    }
    x->damaged += (int)src.unreadable;
    int rc = EXIT_OK;
    for (size_t i = 0; i < src.nskipped && rc == EXIT_OK; i++)
        if (ms_inputs_add_skipped(&x->inputs, src.skipped[i].path,
                                  src.skipped[i].why)) {
            cli_error("out of memory");
            rc = EXIT_FATAL;
        }
    if (rc == EXIT_OK && read_events_files(x, &src, &logs)) {
        cli_error("out of memory");
        rc = EXIT_FATAL;
    }
    ms_file_scan *files = NULL;
    ms_scan_opts so = {.max_line = 1 << 20, .coverage = 1};
    if (rc == EXIT_OK && logs.n && cli_scan_sources(&x->c, r, &logs, &so, &files))
        rc = EXIT_FATAL;
    size_t all = 0;
    for (size_t i = 0; files && i < logs.n; i++)
        all += files[i].evs.n;
    if (rc == EXIT_OK && ms_store_reserve(&x->store, all)) {
        cli_error("out of memory");
        rc = EXIT_FATAL;
    }
    for (size_t i = 0; files && i < logs.n; i++) {
        ms_file_scan *f = &files[i];
        x->damaged += cli_report_file(&x->c, f);
        int64_t id = rc == EXIT_OK ? ms_store_add_file(&x->store, f->name) : -1;
        const char *folder = logs.v[i].folder;
        if (id >= 0 && ms_store_set_server(&x->store, (uint32_t)id, folder,
                                           strlen(folder)))
            id = -1;
        /* The scan's copy shrinks as the store's grows (peak memory). */
        uint64_t counted = 0;
        for (size_t k = 0; id >= 0 && k < f->evs.n; k++) {
            ms_event e;
            ms_scan_events_get(&f->evs, k, f->file_index, &e);
            counted += e.outcome != MS_OUT_DUPLICATE;
            if (ms_store_add(&x->store, &e, (uint32_t)id))
                id = -1;
            if ((k + 1) % 65536 == 0)
                ms_scan_events_release(&f->evs, k + 1);
        }
        if (id >= 0 && ms_inputs_add_scan(&x->inputs, f, counted))
            id = -1;
        if (id < 0 && rc == EXIT_OK) {
            cli_error("out of memory");
            rc = EXIT_FATAL;
        }
        ms_file_scan_free(f);
    }
    free(files);
    free(logs.v);
    ms_sources_free(&src);
    ms_recognizers_free(r);
    if (rc != EXIT_OK)
        return rc;
    if (ms_store_finish(&x->store)) {
        cli_error("out of memory");
        return EXIT_FATAL;
    }
    if (x->stored)
        x->stored(x->stored_ctx, &x->store);
    ms_analyze_opts o;
    ms_analyze_defaults(&o);
    o.real_users = x->users ? &x->real_users : NULL;
    o.ignore = &x->ignore_list;
    o.aggregate = x->aggregate;
    if (ms_analyze(&x->store, &o, &x->an, &err)) {
        cli_error("%s", err.msg);
        return EXIT_FATAL;
    }
    if (geo_enrich(x)) {
        cli_error("out of memory");
        return EXIT_FATAL;
    }
    return EXIT_OK;
}

void cli_analysis_free(cli_analysis *x)
{
    ms_analysis_free(&x->an);
    ms_store_free(&x->store);
    ms_inputs_free(&x->inputs);
    ms_intern_free(&x->real_users);
    ms_cidr_list_free(&x->ignore_list);
    ms_geo_free(x->geo);
    x->geo = NULL;
}
