/* cmd_analyze.c — `mailsleuth analyze -o DIR`: every result file of the
 * output contract into DIR, as CSV, JSON, SQLite and/or a workbook (a
 * list: --format csv,sqlite,xlsx), and the incident report
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
    "and compromised, as .csv and/or .json, or all of them in one SQLite\n"
    "database or one workbook, then the incident report:\n"
    "report.md and report.html, with charts when gnuplot is installed (see\n"
    "`mailsleuth report --help`). Same input, same bytes out.\n"
    "PATH is a log, an events file, a folder as copied from the servers\n"
    "(searched at any depth, files taken by their content; see `mailsleuth\n"
    "events --help` for the forms read) or - for standard input (`mailsleuth\n"
    "events ... | mailsleuth analyze -o DIR -`).\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR   where to write (created if missing); required\n"
    "  -f, --format LIST  what to write, a list such as csv,sqlite,xlsx:\n"
    "                     csv (default): NAME.csv for each table\n"
    "                     json: NAME.json (events.json: NDJSON)\n"
    "                     both: csv,json\n"
    "                     sqlite: results.sqlite, every table typed and\n"
    "                     indexed, with views (failures_by_user,\n"
    "                     successes_after_failures, events_by_server,\n"
    "                     failures_by_day)\n"
    "                     xlsx: results.xlsx, a summary sheet, then a sheet\n"
    "                     per table (one longer than a sheet's 1,048,576\n"
    "                     rows is cut, with a note)\n"
    CLI_REPORT_HELP
    CLI_ANALYSIS_HELP
    "      --tz ZONE, --year YEAR, --patterns FILE, -j N, -q  as for `events`\n"
    "  -h, --help         this help\n"
    "\n"
    "Exit status: 0 all read; 1 some input damaged or unreadable (results\n"
    "written); 2 usage error; 3 fatal error (a result file not written).\n";

/* analyze's --format: a list of csv, json, sqlite, xlsx (both: csv,json),
 * separated by commas, as MS_RES_* bits; 0 when a word is none of them
 * (bad: that word, up to its comma). */
static unsigned parse_formats(const char *arg, const char **bad, size_t *nbad)
{
    static const struct { const char *name; unsigned bits; } words[] = {
        {"csv", MS_RES_CSV},       {"json", MS_RES_JSON},
        {"both", MS_RES_CSV | MS_RES_JSON},
        {"sqlite", MS_RES_SQLITE}, {"xlsx", MS_RES_XLSX},
    };
    unsigned formats = 0;
    *bad = arg;
    *nbad = 0;
    for (const char *p = arg;; p++) {
        size_t n = strcspn(p, ","), k = 0;
        while (k < sizeof words / sizeof *words &&
               (strlen(words[k].name) != n || strncmp(p, words[k].name, n)))
            k++;
        if (k == sizeof words / sizeof *words) {
            *bad = p;
            *nbad = n;
            return 0;
        }
        formats |= words[k].bits;
        p += n;
        if (!*p)
            return formats;
    }
}

/* analyze's --format takes a list; the rest as for every analysis. */
static int analyze_option(void *ctx, int opt, const char *arg)
{
    cli_analysis *x = ctx;
    if (opt == 'f') {
        const char *bad;
        size_t nbad;
        if (!parse_formats(arg, &bad, &nbad)) {
            cli_error("--format takes csv, json, both, sqlite or xlsx, or a "
                      "list of them (csv,sqlite), not '%.*s'", (int)nbad, bad);
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
    static const struct option longopts[] = {CLI_COMMON_LONG, CLI_ANALYSIS_LONG,
                                             CLI_REPORT_LONG, {0}};
    int rc = cli_parse(argc, argv, longopts, usage, analyze_option, &x, &x.c);
    if (rc >= 0)
        return rc;
    if (!x.c.output) {
        cli_error("analyze needs -o DIR");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *bad;
    size_t nbad;
    unsigned formats = parse_formats(x.c.format ? x.c.format : "csv", &bad,
                                     &nbad);
    return report_run(&x, argv + optind, argc - optind, formats);
}
