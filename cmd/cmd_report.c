/* cmd_report.c — `mailsleuth report -o DIR PATH...`: the incident report
 * (report.md, report.html and their charts, lib/output/report.h) without
 * the result tables; and what is said once a report is written, which
 * `analyze` says too: it writes the same report beside its result files. */
#include <stdio.h>
#include <string.h>

#include "analysis_cli.h"
#include "commands.h"
#include "ms_config.h"

static const char usage[] =
    "usage: mailsleuth report -o DIR [OPTIONS] PATH...\n"
    "\n"
    "Read logs (and events files) and write the incident report into DIR:\n"
    "report.md (for a blog post or a ticket) and report.html (one\n"
    "self-contained page, readable offline, on a phone and in print). Charts\n"
    "are drawn with gnuplot when it is installed: chart-*.png beside\n"
    "report.md, SVG inside report.html. Without gnuplot the report says so\n"
    "and leaves each chart's script and data (chart-*.gp, chart-*.dat) in DIR\n"
    "to draw later with `gnuplot chart-NAME.gp`. `analyze` writes the same\n"
    "report beside its result files.\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR   where to write (created if missing); required\n"
    CLI_REPORT_HELP
    CLI_ANALYSIS_HELP
    "      --tz ZONE, --year YEAR, --patterns FILE, -j N, -q  as for `events`\n"
    "  -h, --help         this help\n"
    "\n"
    "Exit status: 0 all read; 1 some input damaged or unreadable (report\n"
    "written); 2 usage error; 3 fatal error (the report not written).\n";

/* Say when gnuplot was missing or did not draw every chart (unless
 * quiet). */
static void charts_said(const cli_run *run, const char *dir)
{
    const ms_report_result *res = &run->r.report;
    if (!run->c->quiet && res->charts && !res->gnuplot_found)
        cli_error("gnuplot not found: the report's charts were not drawn "
                  "(their scripts are %s/chart-*.gp)", dir);
    else if (!run->c->quiet && res->drawn < res->charts)
        cli_error("gnuplot drew %d of %d charts (the report says why)",
                  res->drawn, res->charts);
}

int report_run(cli_analysis *x, char **paths, int npaths, unsigned formats)
{
    cli_run run;
    cli_analysis_init(&run, x, paths, npaths);
    run.s.dir = x->c.output;
    run.s.formats = formats;
    run.s.report = 1;
    run.s.version = "mailsleuth " MS_VERSION;
    int rc = cli_run_go(&run);
    if (rc == EXIT_OK) {
        charts_said(&run, x->c.output);
        rc = cli_status(0, run.r.damaged);
    }
    cli_run_free(&run);
    return rc;
}

/* The analysis options; a report has no --format. */
static int report_option(void *ctx, int opt, const char *arg)
{
    if (opt == 'f') {
        cli_error("report takes no --format (it writes report.md and report.html)");
        return -1;
    }
    return cli_analysis_option(ctx, opt, arg);
}

int cmd_report(int argc, char **argv)
{
    cli_analysis x = {0};
    static const struct option longopts[] = {CLI_COMMON_LONG, CLI_ANALYSIS_LONG,
                                             CLI_REPORT_LONG, {0}};
    int rc = cli_parse(argc, argv, longopts, usage, report_option, &x, &x.c);
    if (rc >= 0)
        return rc;
    if (!x.c.output) {
        cli_error("report needs -o DIR");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    return report_run(&x, argv + optind, argc - optind, 0);
}
