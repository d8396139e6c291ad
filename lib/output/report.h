/* report.h — the incident report: report.md and report.html, with charts.
 *
 * What a sysadmin would publish after an attack, most important first: a
 * headline to paste, the fleet's hosts left out and why (when the hosts
 * file is known: ms_inputs.fleet), compromised accounts, each campaign, top
 * attackers, honest failures, the ban list, where the attacks came from,
 * what was read (with every host of the fleet), and how it was decided. report.html is one self-contained file (no
 * external resources, readable on a phone and in print, sortable tables);
 * report.md is the same text in Markdown for a blog or a ticket.
 *
 * Charts are drawn by gnuplot when it is installed (plot.h): PNG files
 * beside report.md, SVG inside report.html. Without gnuplot the report is
 * whole but for the pictures, says so, and leaves each chart's script and
 * data (chart-*.gp, chart-*.dat) in the folder to draw later. Every file is
 * written atomically; the same analysis gives the same bytes (no wall-clock
 * time is printed: the report is dated by the period its logs cover). */
#ifndef MS_REPORT_H
#define MS_REPORT_H

#include "analyze/analysis.h"
#include "analyze/inputs.h"
#include "core/error.h"

struct ms_geo;

typedef struct ms_report_opts {
    const ms_inputs *inputs;   /* what was read (coverage); NULL: unknown */
    const struct ms_geo *geo;  /* the geo databases used (cited in the
                                * report); NULL: no lookup was made */
    const char *version;       /* named in the footer; NULL: none */
    const char *gnuplot;       /* the program; NULL: look for "gnuplot" in
                                * PATH; "": do not draw */
    int chart_timeout_s;       /* per chart; 0: 30 s */
} ms_report_opts;

typedef struct ms_report_result {
    int charts;                /* charts with data */
    int drawn;                 /* drawn by gnuplot */
    int gnuplot_found;
} ms_report_result;

/* Write DIR/report.md, DIR/report.html and the charts (DIR created if
 * missing). res may be NULL. -1 with err when a file could not be written;
 * a chart gnuplot failed to draw is not an error (the report says so). */
int ms_report_write(const char *dir, const ms_analysis *a,
                    const ms_report_opts *o, ms_report_result *res,
                    ms_error *err);

#endif
