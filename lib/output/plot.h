/* plot.h — run gnuplot on a chart script, safely and in bounded time.
 *
 * gnuplot is optional: ms_plot_find looks it up in PATH like a shell would
 * (no shell is run). ms_plot_draw runs `gnuplot -d -e "pngout=…; svgout=…"
 * NAME.gp` with fork and exec in the chart's folder, stdin from /dev/null
 * and its messages to a temporary file, kills it after a time limit, then
 * renames the PNG into place (so NAME.png appears whole or not at all) and
 * hands back the SVG; ms_plot_start / ms_plot_finish let several run at
 * once. Chart names are ours ([a-z0-9-] only); scripts never
 * hold attacker text (labels live in the data files). */
#ifndef MS_PLOT_H
#define MS_PLOT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/buf.h"
#include "core/error.h"

/* The full path of prog found in PATH (malloc'd), or NULL. A name with a
 * slash is taken as it is if executable. */
char *ms_plot_find(const char *prog);

/* Write dir/file from b, atomically. */
int ms_plot_save(const char *dir, const char *file, const ms_buf *b,
                 ms_error *err);

/* Draw dir/NAME.gp: NAME.png written, *svg (malloc'd, *nsvg bytes) held.
 * -1 with why (gnuplot's first message, its exit status, or the time
 * limit) when it failed; no PNG or SVG is left then. */
int ms_plot_draw(const char *gnuplot, const char *dir, const char *name,
                 int timeout_s, char **svg, size_t *nsvg, char *why,
                 size_t nwhy);

/* The same in two steps, so that several charts are drawn at once:
 * ms_plot_start runs gnuplot (-1 with why if it could not), and
 * ms_plot_finish waits for it (until its own time limit, counted from the
 * start) and collects the picture as ms_plot_draw does. Every started job
 * must be finished. */
typedef struct ms_plot_job {
    pid_t pid;
    char name[72];
    int timeout_s;
    int64_t deadline_ms;      /* CLOCK_MONOTONIC */
    char *png_path, *svg_path, *err_path;
} ms_plot_job;

int ms_plot_start(ms_plot_job *j, const char *gnuplot, const char *dir,
                  const char *name, int timeout_s, char *why, size_t nwhy);
int ms_plot_finish(ms_plot_job *j, const char *dir, char **svg, size_t *nsvg,
                   char *why, size_t nwhy);

/* Remove dir/file; missing is fine. */
void ms_plot_remove(const char *dir, const char *file);

#endif
