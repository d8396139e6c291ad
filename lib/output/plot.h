/* plot.h — run gnuplot on a chart script, safely and in bounded time.
 *
 * gnuplot is optional: ms_plot_find looks it up in PATH like a shell would
 * (no shell is run). ms_plot_draw runs `gnuplot -d -e "reset; pngout=…;
 * svgout=…" NAME.gp` with fork and exec in the chart's folder, stdin from
 * /dev/null and its messages to a temporary file, kills it after a time
 * limit, then renames the PNG into place (so NAME.png appears whole or not
 * at all) and hands back the SVG; ms_plot_start and the calls after it draw
 * several charts in one gnuplot run. Chart names are ours ([a-z0-9-]
 * only); scripts never hold attacker text (labels live in the data
 * files). */
#ifndef MS_PLOT_H
#define MS_PLOT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/buf.h"
#include "core/error.h"

/* Returned by the calls below when memory ran out (nothing drawn). */
#define MS_PLOT_NOMEM (-3)

/* 0 with *found the full path of prog found in PATH (malloc'd), -1 if not
 * found, MS_PLOT_NOMEM. A name with a slash is taken as it is if
 * executable. */
int ms_plot_find(const char *prog, char **found);

/* Write dir/file from b, atomically. */
int ms_plot_save(const char *dir, const char *file, const ms_buf *b,
                 ms_error *err);

/* Draw dir/NAME.gp: NAME.png written, *svg (malloc'd, *nsvg bytes) held.
 * -1 with why (gnuplot's first message, its exit status, or the time
 * limit) when it failed, MS_PLOT_NOMEM when memory ran out; no PNG or SVG
 * is left then. */
int ms_plot_draw(const char *gnuplot, const char *dir, const char *name,
                 int timeout_s, char **svg, size_t *nsvg, char *why,
                 size_t nwhy);

/* The same in steps, for several charts at once. ms_plot_start runs one
 * gnuplot for names[0 .. n) (each script after a `reset`, with its own
 * pngout and svgout: one start-up, which is most of a chart's time) and
 * returns -1 with why if it could not (MS_PLOT_NOMEM for lack of
 * memory). ms_plot_wait waits for it (until
 * timeout_s a chart, counted from the start): 0 when gnuplot succeeded,
 * MS_PLOT_TOO_LONG when it was stopped at the time limit, else -1; with
 * why, and no picture kept, when not 0. Then ms_plot_take collects chart
 * i as ms_plot_draw does (-1 with why when gnuplot wrote none,
 * MS_PLOT_NOMEM when it could not be read for lack of memory), and
 * ms_plot_done frees the job and removes what is left. Every started job
 * must be done. */
#define MS_PLOT_BATCH 16
#define MS_PLOT_TOO_LONG (-2)

typedef struct ms_plot_job {
    pid_t pid;
    int n;
    char name[MS_PLOT_BATCH][72];
    int timeout_s;
    int64_t deadline_ms;      /* CLOCK_MONOTONIC */
    char *png_path[MS_PLOT_BATCH], *svg_path[MS_PLOT_BATCH], *err_path;
} ms_plot_job;

int ms_plot_start(ms_plot_job *j, const char *gnuplot, const char *dir,
                  const char *const *names, int n, int timeout_s, char *why,
                  size_t nwhy);
int ms_plot_wait(ms_plot_job *j, char *why, size_t nwhy);
int ms_plot_take(ms_plot_job *j, const char *dir, int i, char **svg,
                 size_t *nsvg, char *why, size_t nwhy);
void ms_plot_done(ms_plot_job *j);

/* Remove dir/file; missing is fine. Allocates nothing. */
void ms_plot_remove(const char *dir, const char *file);

#endif
