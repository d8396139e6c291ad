/* cmd_analyze.c — `mailsleuth analyze -o DIR`: every result file of the
 * output contract into DIR, as CSV, JSON or both, and the incident report
 * (report.md, report.html, charts), written by the run (run/run.h: the
 * events file while the analyses run, the report beside the others). */
#include <stdio.h>
#include <string.h>

#include "analysis_cli.h"
#include "commands.h"
#include "output/results.h"

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
    unsigned formats = !strcmp(format, "csv")    ? MS_RES_CSV
                       : !strcmp(format, "json") ? MS_RES_JSON
                                                 : MS_RES_CSV | MS_RES_JSON;
    return report_run(&x, argv + optind, argc - optind, formats);
}
