/* cmd_analyze.c — `mailsleuth analyze -o DIR`: every result file of the
 * output contract into DIR, as CSV, JSON or both, and the incident report
 * (report.md, report.html, charts: cmd_report.c), beside them in a thread
 * of its own unless -j 1; the events file is begun, in a thread too, as
 * soon as the store is complete, while the analyses run. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "analysis_cli.h"
#include "commands.h"
#include "output/results.h"
#include "parse/pool.h"

static const char usage[] =
    "usage: mailsleuth analyze -o DIR [OPTIONS] PATH...\n"
    "\n"
    "Read logs (and events files written by `mailsleuth events`, CSV or\n"
    "NDJSON, so a fleet's events can be analysed in one place) and write\n"
    "into DIR: events, timeline, ips, clusters, cluster_members, geo, bans\n"
    "and compromised, as .csv and/or .json, then the incident report:\n"
    "report.md and report.html, with charts when gnuplot is installed (see\n"
    "`mailsleuth report --help`). Same input, same bytes out.\n"
    "PATH is a log, an events file, a folder as copied from the servers\n"
    "(searched at any depth, files taken by their content; see `mailsleuth\n"
    "events --help` for the forms read) or - for standard input (`mailsleuth\n"
    "events ... | mailsleuth analyze -o DIR -`).\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR   where to write (created if missing); required\n"
    "  -f, --format FMT   csv (default), json or both\n" CLI_ANALYSIS_HELP
    "      --tz ZONE, --year YEAR, --patterns FILE, -j N, -q  as for `events`\n"
    "  -h, --help         this help\n"
    "\n"
    "Exit status: 0 all read; 1 some input damaged or unreadable (results\n"
    "written); 2 usage error; 3 fatal error (a result file not written).\n";

/* analyze's --format also takes "both"; the rest as for every analysis. */
static int analyze_option(void *ctx, int opt, const char *arg)
{
    cli_analysis *x = ctx;
    if (opt == 'f') {
        if (strcmp(arg, "csv") && strcmp(arg, "json") && strcmp(arg, "both")) {
            cli_error("--format takes csv, json or both, not '%s'", arg);
            return -1;
        }
        x->c.format = arg;
        return 1;
    }
    return cli_analysis_option(x, opt, arg);
}

typedef struct report_job {
    const cli_analysis *x;
    report_done done;
} report_job;

static void *report_main(void *arg)
{
    report_job *j = arg;
    report_make(j->x, j->x->c.output, &j->done);
    return NULL;
}

/* The events file needs only the finished store: begun as soon as it is,
 * it is written while the analyses run. */
typedef struct events_early {
    const char *dir;
    unsigned fmts;
    bool begun;
    ms_results_events ev;
} events_early;

static void begin_events(void *ctx, const ms_store *s)
{
    events_early *e = ctx;
    ms_results_events_begin(&e->ev, e->dir, s, e->fmts);
    e->begun = true;
}

int cmd_analyze(int argc, char **argv)
{
    cli_analysis x = {0};
    static const struct option longopts[] = {CLI_COMMON_LONG, CLI_ANALYSIS_LONG, {0}};
    int rc = cli_parse(argc, argv, longopts, usage, analyze_option, &x, &x.c);
    if (rc >= 0)
        return rc;
    if (!x.c.output) {
        cli_error("analyze needs -o DIR");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *format = x.c.format ? x.c.format : "csv";
    unsigned fmts = !strcmp(format, "csv") ? MS_RES_CSV
                    : !strcmp(format, "json") ? MS_RES_JSON
                                              : MS_RES_CSV | MS_RES_JSON;
    if (ms_threads(x.c.threads) > 1)
        fmts |= MS_RES_THREAD;
    events_early early = {.dir = x.c.output, .fmts = fmts};
    x.stored = begin_events;
    x.stored_ctx = &early;
    rc = cli_analysis_run(&x, argv + optind, argc - optind);
    ms_error err = {0};
    if (rc != EXIT_OK && early.begun && ms_results_events_end(&early.ev, &err))
        cli_error("%s", err.msg);
    if (rc == EXIT_OK) {
        /* The report reads only the analysis: with a core to spare it is
         * written while the result files are. */
        report_job rj = {.x = &x};
        pthread_t tid;
        bool beside = (fmts & MS_RES_THREAD) &&
                      pthread_create(&tid, NULL, report_main, &rj) == 0;
        int results = early.begun
            ? ms_results_finish(x.c.output, &x.an, fmts, &early.ev, &err)
            : ms_results_write(x.c.output, &x.an, fmts, &err);
        if (beside)
            pthread_join(tid, NULL);
        if (results) {
            cli_error("%s", err.msg);
            rc = EXIT_FATAL;
        } else if (beside ? report_tell(&x, x.c.output, &rj.done)
                          : report_write(&x, x.c.output)) {
            rc = EXIT_FATAL;
        } else if (x.damaged) {
            rc = EXIT_PARTIAL;
        }
    }
    cli_analysis_free(&x);
    return rc;
}
