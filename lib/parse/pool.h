/* pool.h — scan many files at once, one worker thread per core.
 *
 * Workers take the next unscanned file from a shared counter, each with its
 * own matcher, so files of any size balance across cores. When all are
 * done, year-less stamps are resolved set by set (years.h). Results come
 * back in source order whatever order the workers finished in. */
#ifndef MS_POOL_H
#define MS_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "input/sources.h"
#include "parse/scan.h"

typedef struct ms_pool_opts {
    ms_scan_opts scan;
    int threads;            /* 0: one per online core */
    int year;               /* 0: infer */
    int64_t now;            /* seconds, for files without mtime */
} ms_pool_opts;

/* Threads to use: asked when > 0 (-j), else one per online core (1..64). */
int ms_threads(int asked);

/* *out gets src->n scans (free each with ms_file_scan_free, then free()).
 * -1 only when memory ran out or no matcher could be made. */
int ms_scan_sources(const ms_recognizers *r, const ms_source_list *src,
                    const ms_pool_opts *opts, ms_file_scan **out,
                    ms_error *err);

#endif
