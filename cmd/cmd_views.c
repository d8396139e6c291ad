/* cmd_views.c — quick looks on stdout: `timeline`, `clusters`, `bans`.
 * Each runs the whole analysis, then prints one view of it. */
#include <stdio.h>
#include <string.h>

#include "analysis_cli.h"
#include "commands.h"
#include "output/results.h"

#define VIEW_HELP_TAIL                                                     \
    "      --tz ZONE, --year YEAR, --patterns FILE, -j N, -q  as for `events`\n" \
    "  -h, --help         this help\n"

static const char timeline_usage[] =
    "usage: mailsleuth timeline [OPTIONS] PATH...\n"
    "\n"
    "Every event of each ip, in time order, with the gap since that ip's\n"
    "previous event (timeline.csv of `analyze`); --ip ADDR|CIDR shows only\n"
    "those addresses (a filter: see below).\n"
    "\n"
    "Options:\n"
    "  -f, --format FMT   csv (default) or json\n"
    "  -o, --output FILE  write to FILE instead of stdout\n" CLI_ANALYSIS_HELP
    VIEW_HELP_TAIL;

static const char clusters_usage[] =
    "usage: mailsleuth clusters [OPTIONS] PATH...\n"
    "\n"
    "The campaigns found: many ips walking one list of usernames in one\n"
    "order (clusters.csv of `analyze`).\n"
    "\n"
    "Options:\n"
    "  -f, --format FMT   csv (default) or json\n"
    "  -o, --output FILE  write to FILE instead of stdout\n" CLI_ANALYSIS_HELP
    VIEW_HELP_TAIL;

static const char bans_usage[] =
    "usage: mailsleuth bans [--as STYLE] [OPTIONS] PATH...\n"
    "\n"
    "The suggested ban list, with score, confidence and reasons.\n"
    "\n"
    "Options:\n"
    "      --as STYLE     csv (default), json, plain (one address per line),\n"
    "                     nft (an `nft -f` script) or ipset (`ipset restore`)\n"
    "  -o, --output FILE  write to FILE instead of stdout\n" CLI_ANALYSIS_HELP
    VIEW_HELP_TAIL;

enum view { V_TIMELINE, V_CLUSTERS, V_BANS };

typedef struct view_opts {
    cli_analysis x;
    enum view v;
    ms_ban_style style;
} view_opts;

static int view_option(void *ctx, int opt, const char *arg)
{
    view_opts *o = ctx;
    if (opt == OPT_AS && o->v == V_BANS) {
        static const char *const names[] = {"csv", "json", "plain", "nft", "ipset"};
        size_t k = 0;
        while (k < 5 && strcmp(arg, names[k]))
            k++;
        if (k == 5) {
            cli_error("--as takes csv, json, plain, nft or ipset");
            return -1;
        }
        o->style = (ms_ban_style)k;
        return 1;
    }
    if (opt == OPT_AS)
        return 0;   /* not this view's option: a usage error */
    return cli_analysis_option(&o->x, opt, arg);
}

static int run_view(int argc, char **argv, enum view v, const char *usage)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONG, CLI_ANALYSIS_LONG,
        {"as", required_argument, NULL, OPT_AS}, {0}};
    view_opts o = {.v = v, .style = MS_BANS_CSV};
    int rc = cli_parse(argc, argv, longopts, usage, view_option, &o, &o.x.c);
    if (rc >= 0)
        return rc;
    cli_run run;
    cli_analysis_init(&run, &o.x, argv + optind, argc - optind);
    rc = cli_run_go(&run);
    if (rc == EXIT_OK) {
        const ms_analysis *a = &run.r.an;
        int json = o.x.c.format && !strcmp(o.x.c.format, "json");
        ms_buf b = {0};
        if (v == V_TIMELINE)
            ms_results_timeline(&b, a, NULL, 0, json);
        else if (v == V_CLUSTERS)
            ms_results_clusters(&b, a, json);
        else
            ms_results_bans(&b, a, o.style);
        rc = cli_status(cli_write_output(o.x.c.output, &b), run.r.damaged);
        ms_buf_free(&b);
    }
    cli_run_free(&run);
    return rc;
}

int cmd_timeline(int argc, char **argv)
{
    return run_view(argc, argv, V_TIMELINE, timeline_usage);
}

int cmd_clusters(int argc, char **argv)
{
    return run_view(argc, argv, V_CLUSTERS, clusters_usage);
}

int cmd_bans(int argc, char **argv)
{
    return run_view(argc, argv, V_BANS, bans_usage);
}
