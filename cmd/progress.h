/* progress.h — a status line on stderr while files are read: files done,
 * bytes, MB/s, events. Only when stderr is a terminal and not --quiet;
 * nothing at all when piped. */
#ifndef MS_PROGRESS_H
#define MS_PROGRESS_H

#include <pthread.h>
#include <stddef.h>

#include "cli.h"
#include "parse/scan.h"

typedef struct cli_progress {
    ms_progress counters;
    size_t total_files;
    int on;
    int stop;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
} cli_progress;

/* Start the display (or not); opts->progress is pointed at the counters. */
void cli_progress_start(cli_progress *p, const cli_common *c, size_t files,
                        ms_scan_opts *opts);
/* Stop it and erase the line. */
void cli_progress_stop(cli_progress *p);

#endif
