/* progress.c — see progress.h. A thread wakes twice a second, reads the
 * scan counters and rewrites one line with "\r"; it erases the line when
 * stopped, so later messages start clean. */
#include "progress.h"

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *run(void *arg)
{
    cli_progress *p = arg;
    double t0 = now_s();
    pthread_mutex_lock(&p->lock);
    while (!p->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 500000000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&p->wake, &p->lock, &until);
        if (p->stop)
            break;
        double mb = atomic_load_explicit(&p->counters.bytes, memory_order_relaxed) / 1e6;
        double secs = now_s() - t0;
        fprintf(stderr, "\rmailsleuth: %llu/%zu files, %.0f MB, %.0f MB/s, %llu events ",
                (unsigned long long)atomic_load(&p->counters.files), p->total_files,
                mb, secs > 0 ? mb / secs : 0,
                (unsigned long long)atomic_load(&p->counters.events));
        fflush(stderr);
    }
    pthread_mutex_unlock(&p->lock);
    fputs("\r\033[K", stderr);
    fflush(stderr);
    return NULL;
}

void cli_progress_start(cli_progress *p, int quiet, size_t files)
{
    p->total_files = files;
    p->stop = 0;
    if (quiet || !isatty(STDERR_FILENO))
        return;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    p->on = pthread_create(&p->thread, NULL, run, p) == 0;
}

void cli_progress_stop(cli_progress *p)
{
    if (!p->on)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    p->on = 0;
}
