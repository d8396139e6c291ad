/* cmd_report.c — `mailsleuth report -o DIR PATH...`: the incident report
 * (report.md, report.html and their charts, lib/output/report.h) without
 * the result tables; and report_write (or its two halves), which `analyze`
 * calls too so that it writes the same report beside its result files. */
#include <stdio.h>
#include <string.h>

#include "analysis_cli.h"
#include "commands.h"
#include "ms_config.h"
#include "output/report.h"

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
    CLI_ANALYSIS_HELP
    "      --tz ZONE, --year YEAR, --patterns FILE, -j N, -q  as for `events`\n"
    "  -h, --help         this help\n"
    "\n"
    "Exit status: 0 all read; 1 some input damaged or unreadable (report\n"
    "written); 2 usage error; 3 fatal error (the report not written).\n";

int report_make(const cli_analysis *x, const char *dir, report_done *d)
{
    ms_report_opts o = {
        .inputs = &x->inputs,
        .geo = x->geo,
        .version = "mailsleuth " MS_VERSION,
    };
    memset(d, 0, sizeof *d);
    d->rc = ms_report_write(dir, &x->an, &o, &d->res, &d->err);
    return d->rc;
}

int report_tell(const cli_analysis *x, const char *dir, const report_done *d)
{
    if (d->rc) {
        cli_error("%s", d->err.msg);
        return -1;
    }
    if (!x->c.quiet && d->res.charts && !d->res.gnuplot_found)
        cli_error("gnuplot not found: the report's charts were not drawn "
                  "(their scripts are %s/chart-*.gp)", dir);
    else if (!x->c.quiet && d->res.drawn < d->res.charts)
        cli_error("gnuplot drew %d of %d charts (the report says why)",
                  d->res.drawn, d->res.charts);
    return 0;
}

int report_write(const cli_analysis *x, const char *dir)
{
    report_done d;
    report_make(x, dir, &d);
    return report_tell(x, dir, &d);
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
    static const struct option longopts[] = {CLI_COMMON_LONG, CLI_ANALYSIS_LONG, {0}};
    int rc = cli_parse(argc, argv, longopts, usage, report_option, &x, &x.c);
    if (rc >= 0)
        return rc;
    if (!x.c.output) {
        cli_error("report needs -o DIR");
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    rc = cli_analysis_run(&x, argv + optind, argc - optind);
    if (rc == EXIT_OK) {
        if (report_write(&x, x.c.output))
            rc = EXIT_FATAL;
        else if (x.damaged)
            rc = EXIT_PARTIAL;
    }
    cli_analysis_free(&x);
    return rc;
}
