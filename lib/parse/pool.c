/* pool.c — see pool.h. */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "parse/years.h"

typedef struct job {
    const ms_recognizers *r;
    const ms_source_list *src;
    const ms_pool_opts *opts;
    ms_scan_opts scan;        /* opts->scan, with ahead decided here */
    ms_file_scan *files;
    atomic_size_t next;
    atomic_int failed;
    ms_error err;
    pthread_mutex_t lock;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    ms_matcher *m = ms_matcher_new(j->r);
    if (!m) {
        atomic_store(&j->failed, 1);
        return NULL;
    }
    size_t i;
    while (!atomic_load(&j->failed) &&
           (i = atomic_fetch_add(&j->next, 1)) < j->src->n) {
        ms_error err = {0};
        if (ms_scan_file(m, j->src->v[i].path, &j->scan, &j->files[i],
                         &err)) {
            pthread_mutex_lock(&j->lock);
            j->err = err;
            pthread_mutex_unlock(&j->lock);
            atomic_store(&j->failed, 1);
        }
    }
    ms_matcher_free(m);
    return NULL;
}

int ms_threads(int asked)
{
    if (asked > 0)
        return asked;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

int ms_scan_sources(const ms_recognizers *r, const ms_source_list *src,
                    const ms_pool_opts *opts, ms_file_scan **out,
                    ms_error *err)
{
    *out = NULL;
    ms_file_scan *files = calloc(src->n ? src->n : 1, sizeof *files);
    if (!files)
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < src->n; i++) {
        files[i].name = src->v[i].path;
        files[i].file_index = (uint32_t)i;
        files[i].set_id = src->v[i].set_id;
    }
    job j = {.r = r, .src = src, .opts = opts, .files = files};
    atomic_init(&j.next, 0);
    atomic_init(&j.failed, 0);
    pthread_mutex_init(&j.lock, NULL);
    int budget = ms_threads(opts->threads);
    int want = (size_t)budget > src->n ? (int)src->n : budget;
    /* Cores left over once each file has one: a prefilter helper each. */
    j.scan = opts->scan;
    j.scan.ahead = want > 0 && budget >= 2 * want;
    pthread_t tids[64];
    int started = 0;
    for (int t = 1; t < want; t++)
        if (pthread_create(&tids[started], NULL, worker, &j) == 0)
            started++;
    worker(&j);
    for (int t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    pthread_mutex_destroy(&j.lock);
    if (atomic_load(&j.failed)) {
        for (size_t i = 0; i < src->n; i++)
            ms_file_scan_free(&files[i]);
        free(files);
        if (j.err.code && err)
            *err = j.err;
        else
            ms_fail(err, MS_ERR_NOMEM, "out of memory");
        return -1;
    }
    ms_years_resolve(files, src->n, opts->year, opts->now);
    *out = files;
    return 0;
}
