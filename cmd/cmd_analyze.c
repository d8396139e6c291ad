/* cmd_analyze.c — `mailsleuth analyze -o DIR`: every result file of the
 * output contract into DIR, as CSV, JSON or both. */
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
    "and compromised, as .csv and/or .json. Same input, same bytes out.\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR   where to write (created if missing); required\n"
    "  -f, --format FMT   csv (default), json or both\n" CLI_ANALYSIS_HELP
    "      --tz ZONE, --year YEAR, --patterns FILE, -j N, -q  as for `events`\n"
    "  -h, --help         this help\n"
    "\n"
    "Exit status: 0 all read; 1 some input damaged or unreadable (results\n"
    "written); 2 usage error; 3 fatal error (a result file not written).\n";

int cmd_analyze(int argc, char **argv)
{
    cli_analysis x = {0};
    static const struct option longopts[] = {CLI_COMMON_LONG, CLI_ANALYSIS_LONG, {0}};
    const char *format = "csv";
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORT, longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        }
        if (opt == 'f') {   /* analyze also takes "both" */
            if (strcmp(optarg, "csv") && strcmp(optarg, "json") && strcmp(optarg, "both")) {
                cli_error("--format takes csv, json or both, not '%s'", optarg);
                return EXIT_USAGE;
            }
            format = optarg;
            continue;
        }
        int r = cli_analysis_option(&x, opt, optarg);
        if (r <= 0) {
            if (r == 0)
                fputs(usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (!x.c.output) {
        cli_error("analyze needs -o DIR");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    int rc = cli_analysis_run(&x, argv + optind, argc - optind);
    if (rc == EXIT_OK) {
        unsigned fmts = !strcmp(format, "csv") ? MS_RES_CSV
                        : !strcmp(format, "json") ? MS_RES_JSON
                                                  : MS_RES_CSV | MS_RES_JSON;
        ms_error err = {0};
        if (ms_results_write(x.c.output, &x.an, fmts, &err)) {
            cli_error("%s", err.msg);
            rc = EXIT_FATAL;
        } else if (x.damaged) {
            rc = EXIT_PARTIAL;
        }
    }
    cli_analysis_free(&x);
    return rc;
}
