/* progress.h — a status line on stderr while files are read: files done,
 * bytes, MB/s, events. Only when stderr is a terminal and not --quiet;
 * nothing at all when piped. */
#ifndef MS_PROGRESS_H
#define MS_PROGRESS_H

#include <pthread.h>
#include <stddef.h>

#include "parse/scan.h"

typedef struct cli_progress {
    ms_progress counters;   /* the scan's (ms_scan_opts.progress), zeroed */
    size_t total_files;
    int on;
    int stop;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
} cli_progress;

/* Start the display of the counters (or not, when quiet). */
void cli_progress_start(cli_progress *p, int quiet, size_t files);
/* Stop it and erase the line. */
void cli_progress_stop(cli_progress *p);

#endif
