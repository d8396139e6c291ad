/* run.c — ms_run (run.h): the settings taken, the paths expanded, events
 * files read back, logs scanned, the store filled, the analyses and the
 * geo enrichment run, the files written; each step's problems warned
 * about in the order they are met. */
#include "run/run.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/users.h"
#include "parse/pool.h"
#include "parse/sniff.h"
#include "run/run_int.h"

/* A setting that could not be taken (but for memory): nothing is read. */
static int bad_setting(ms_error *err)
{
    if (err && err->code != MS_ERR_NOMEM)
        err->code = MS_ERR_USAGE;
    return -1;
}

static ms_recognizers *recognizers(const ms_run_settings *s, ms_error *err)
{
    ms_recognizers *rec = ms_recognizers_new(err);
    if (!rec)
        return NULL;
    if (s->prebuilt)
        ms_recognizers_prebuilt(rec, s->prebuilt, s->prebuilt_size);
    for (size_t i = 0; i < s->npatterns; i++) {
        if (ms_recognizers_load(rec, s->patterns[i], err)) {
            ms_recognizers_free(rec);
            return NULL;
        }
    }
    return rec;
}

/* The real accounts, the addresses never banned and the fleet's hosts. */
static int lists(const ms_run_settings *s, ms_run_result *r, ms_error *err)
{
    if (s->users && ms_users_load(&r->real_users, s->users, err))
        return -1;
    if (s->hosts && ms_fleet_load(&r->fleet, s->hosts, err))
        return -1;
    for (size_t i = 0; i < s->nignore; i++)
        if (ms_cidr_list_add(&r->ignore, s->ignore[i], err))
            return -1;
    return 0;
}

/* Expand the paths; when analysing, the files skipped are noted for the
 * report. */
static int expand(const ms_run_settings *s, ms_run_result *r,
                  ms_source_list *src, const ms_warner *w, ms_error *err)
{
    ms_sniff_opts so = {.events_files = s->analyse};
    ms_sources_opts o = {.judge = ms_sniff_file, .judge_ctx = &so};
    if (ms_sources_expand(s->paths, s->npaths, &o, src, w, err))
        return -1;
    if (s->hooks.expanded)
        s->hooks.expanded(s->hooks.ctx, src);
    /* Paths that gave no file were warned about by ms_sources_expand. */
    r->damaged += (int)src->unreadable;
    for (size_t i = 0; s->analyse && i < src->nskipped; i++)
        if (ms_inputs_add_skipped(&r->inputs, src->skipped[i].path,
                                  src->skipped[i].why))
            return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    return 0;
}

static int scan(const ms_run_settings *s, const ms_recognizers *rec,
                const ms_source_list *logs, ms_file_scan **files,
                ms_error *err)
{
    ms_pool_opts po = {
        .scan = s->scan,
        .threads = s->threads,
        .year = s->year,
        .now = (int64_t)time(NULL),
    };
    if (!po.scan.max_line)
        po.scan.max_line = 1 << 20;
    po.scan.coverage |= s->analyse;
    if (s->hooks.scan_begin)
        s->hooks.scan_begin(s->hooks.ctx, logs->n);
    int rc = ms_scan_sources(rec, logs, &po, files, err);
    if (s->hooks.scan_end)
        s->hooks.scan_end(s->hooks.ctx);
    return rc;
}

/* Warn about what went wrong reading one file; 1 if it was unreadable or
 * damaged. */
static int file_problems(const ms_file_scan *f, const ms_warner *w)
{
    int bad = !f->opened || f->damaged;
    if (bad)
        ms_warn(w, NULL, 0, "%s", f->error.msg);
    if (f->cut_lines)
        ms_warn(w, f->name, f->first_cut_line,
                "line longer than 1 MiB cut to 1 MiB (%llu such line(s) in "
                "the file)", (unsigned long long)f->cut_lines);
    return bad;
}

/* Each log's problems; when analysing, its events moved into the store
 * and its scan freed at once. */
static int take_scans(const ms_run_settings *s, ms_run_result *r,
                      const ms_source_list *logs, ms_file_scan *files,
                      const ms_warner *w, ms_error *err)
{
    size_t all = 0;
    for (size_t i = 0; i < logs->n; i++) {
        all += s->analyse ? files[i].evs.n : 0;
        for (size_t k = 0; ms_filter_needs_last(&r->filter) && k < files[i].evs.n; k++) {
            ms_event e;
            ms_scan_events_get(&files[i].evs, k, files[i].file_index, &e);
            ms_filter_see(&r->filter.last, &e);
        }
    }
    /* The last event of the input known (the events files' were seen as
     * they were read): the spans count back from it. */
    ms_filter_resolve(&r->filter, r->filter.last);
    int rc = s->analyse && ms_store_reserve(&r->store, all)
                 ? ms_fail(err, MS_ERR_NOMEM, "out of memory")
                 : 0;
    for (size_t i = 0; i < logs->n; i++) {
        r->damaged += file_problems(&files[i], w);
        if (!s->analyse)
            continue;
        if (rc == 0)
            rc = ms_run_store_scan(r, &files[i], logs->v[i].folder, err);
        ms_file_scan_free(&files[i]);
    }
    return rc;
}

/* Read only: the sources and their scans are kept in r. */
static int read_logs(const ms_run_settings *s, ms_run_result *r,
                     const ms_recognizers *rec, const ms_warner *w,
                     ms_error *err)
{
    if (expand(s, r, &r->src, w, err) ||
        scan(s, rec, &r->src, &r->files, err))
        return -1;
    return take_scans(s, r, &r->src, r->files, w, err);
}

/* Events files and logs into the store. */
static int fill_store(const ms_run_settings *s, ms_run_result *r,
                      const ms_recognizers *rec, const ms_warner *w,
                      ms_error *err)
{
    ms_source_list src = {0}, logs = {0};
    ms_file_scan *files = NULL;
    int rc = expand(s, r, &src, w, err);
    if (rc == 0)
        rc = ms_run_store_events_files(r, &src, &logs, s->threads != 1, w,
                                       err);
    if (rc == 0 && logs.n)
        rc = scan(s, rec, &logs, &files, err);
    if (rc == 0 && files)
        rc = take_scans(s, r, &logs, files, w, err);
    free(files);
    free(logs.v);
    ms_sources_free(&src);
    if (rc)
        return -1;
    /* Without logs the spans are resolved here; events files' events were
     * taken before the last event was known. */
    ms_filter_resolve(&r->filter, r->filter.last);
    if (ms_filter_needs_last(&r->filter) &&
        ms_store_keep_window(&r->store, r->filter.from, r->filter.to))
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    if (ms_store_finish(&r->store))
        return ms_store_fail(&r->store, err);
    return 0;
}

/* The store's successes past the budget to temporary files. A span
 * counted back from the last event is cut once every event is in: then
 * all stay in memory. */
static int spill(const ms_run_settings *s, ms_run_result *r, ms_error *err)
{
    if (!s->sort_mem || ms_filter_needs_last(&r->filter))
        return 0;
    const char *dir = s->tmpdir;
    if (!dir && s->dir) {
        if (ms_results_mkdir(s->dir, err))
            return -1;
        dir = s->dir;
    }
    if (!dir)
        dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    return ms_store_spill(&r->store, s->sort_mem, dir, s->threads != 1, err);
}

/* The analyses and the geo figures, with the events file written
 * meanwhile; then the other files. */
static int analyse(const ms_run_settings *s, ms_run_result *r,
                   const ms_warner *w, ms_error *err)
{
    ms_run_write wr;
    r->inputs.filter = ms_filter_active(&r->filter) ? &r->filter : NULL;
    if (s->hosts) {
        if (ms_fleet_check(&r->fleet, &r->inputs, w, err))
            return -1;
        r->inputs.fleet = &r->fleet;
    }
    ms_run_write_begin(&wr, s, &r->store);
    ms_analyze_defaults(&r->opts);
    r->opts.real_users = s->users ? &r->real_users : NULL;
    r->opts.ignore = &r->ignore;
    r->opts.aggregate = s->aggregate;
    r->opts.threads = s->threads;
    int rc = ms_analyze(&r->store, &r->opts, &r->an, err);
    if (rc == 0 && !s->no_geo)
        rc = ms_run_geo(s, r, w, err);
    if (rc) {
        ms_error e = {0};
        if (ms_run_write_abort(&wr, &e))
            ms_warn(w, NULL, 0, "%s", e.msg);
        return -1;
    }
    return ms_run_write_finish(&wr, s, r, err);
}

int ms_run(const ms_run_settings *s, ms_run_result *r, const ms_warner *w,
           ms_error *err)
{
    /* The times given read now, in the zone set; spans once the last
     * event is known. */
    if (s->filter)
        r->filter = *s->filter;
    else
        ms_filter_init(&r->filter);
    ms_filter_resolve(&r->filter, MS_TIME_NONE);
    if (s->analyse) {
        if (ms_intern_init(&r->real_users) || ms_store_init(&r->store))
            return ms_fail(err, MS_ERR_NOMEM, "out of memory");
        if (lists(s, r, err))
            return bad_setting(err);
        if (spill(s, r, err))
            return -1;
    }
    ms_recognizers *rec = recognizers(s, err);
    if (!rec)
        return bad_setting(err);
    if (!s->analyse) {
        r->rec = rec;
        return read_logs(s, r, rec, w, err);
    }
    int rc = fill_store(s, r, rec, w, err);
    ms_recognizers_free(rec);
    return rc ? rc : analyse(s, r, w, err);
}

void ms_run_free(ms_run_result *r)
{
    for (size_t i = 0; r->files && i < r->src.n; i++)
        ms_file_scan_free(&r->files[i]);
    free(r->files);
    ms_sources_free(&r->src);
    ms_recognizers_free(r->rec);
    ms_analysis_free(&r->an);
    ms_store_free(&r->store);
    ms_inputs_free(&r->inputs);
    ms_intern_free(&r->real_users);
    ms_cidr_list_free(&r->ignore);
    ms_fleet_free(&r->fleet);
    ms_geo_free(r->geo);
    memset(r, 0, sizeof *r);
}
