/* cmd_views.c — quick looks on stdout: `timeline`, `clusters`, `bans`.
 * Each runs the whole analysis, then prints one view of it. */
#include <stdio.h>
#include <string.h>

#include "analysis_cli.h"
#include "commands.h"
#include "output/bans_out.h"
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
    "                     nft (an `nft -f` script), ipset (`ipset restore`),\n"
    "                     crowdsec (a CSV for `cscli decisions import -i`) or\n"
    "                     fail2ban (a script of `fail2ban-client set JAIL\n"
    "                     banip ADDR` lines)\n"
    "      --duration LEN ban length for crowdsec, e.g. 4h, 90m, 7d (default\n"
    "                     24h)\n"
    "      --jail NAME    the fail2ban jail (default mailsleuth): letters,\n"
    "                     digits, '.', '_', '-'\n"
    "  -o, --output FILE  write to FILE instead of stdout\n" CLI_ANALYSIS_HELP
    VIEW_HELP_TAIL;

enum view { V_TIMELINE, V_CLUSTERS, V_BANS };

typedef struct view_opts {
    cli_analysis x;
    enum view v;
    ms_ban_style style;
    enum { TOOL_NONE, TOOL_CROWDSEC, TOOL_FAIL2BAN } tool;   /* --as for a tool */
    char duration[MS_BAN_DURATION_STRLEN];
    const char *jail;
} view_opts;

static int view_option(void *ctx, int opt, const char *arg)
{
    view_opts *o = ctx;
    if (opt == 'f' && o->v == V_BANS) {
        cli_error("bans takes --as, not --format");
        return -1;
    }
    if (opt == 'f' && strcmp(arg, "csv") && strcmp(arg, "json")) {
        cli_error("--format takes csv or json, not '%s'", arg);
        return -1;
    }
    if (opt == OPT_AS && o->v == V_BANS) {
        static const char *const names[] = {"csv", "json", "plain", "nft",
                                            "ipset", "crowdsec", "fail2ban"};
        size_t k = 0;
        while (k < 7 && strcmp(arg, names[k]))
            k++;
        if (k == 7) {
            cli_error("--as takes csv, json, plain, nft, ipset, crowdsec or fail2ban");
            return -1;
        }
        o->tool = k == 5 ? TOOL_CROWDSEC : k == 6 ? TOOL_FAIL2BAN : TOOL_NONE;
        o->style = k < 5 ? (ms_ban_style)k : MS_BANS_CSV;
        return 1;
    }
    if (opt == OPT_DURATION && o->v == V_BANS) {
        if (ms_ban_duration(arg, o->duration)) {
            cli_error("--duration takes a length such as 4h, 90m or 7d (up to "
                      "3650d), not '%s'", arg);
            return -1;
        }
        return 1;
    }
    if (opt == OPT_JAIL && o->v == V_BANS) {
        if (!ms_ban_jail_ok(arg)) {
            cli_error("--jail takes a name of letters, digits, '.', '_' and '-' "
                      "(at most 64, not starting with '-'), not '%s'", arg);
            return -1;
        }
        o->jail = arg;
        return 1;
    }
    if (opt == OPT_AS || opt == OPT_DURATION || opt == OPT_JAIL)
        return 0;   /* not this view's option: a usage error */
    return cli_analysis_option(&o->x, opt, arg);
}

static int run_view(int argc, char **argv, enum view v, const char *usage)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONG, CLI_ANALYSIS_LONG,
        {"as", required_argument, NULL, OPT_AS},
        {"duration", required_argument, NULL, OPT_DURATION},
        {"jail", required_argument, NULL, OPT_JAIL}, {0}};
    view_opts o = {.v = v, .style = MS_BANS_CSV, .duration = "24h",
                   .jail = "mailsleuth"};
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
            ms_results_timeline(&b, a, json);
        else if (v == V_CLUSTERS)
            ms_results_clusters(&b, a, json);
        else if (o.tool == TOOL_CROWDSEC)
            ms_bans_crowdsec(&b, a, o.duration);
        else if (o.tool == TOOL_FAIL2BAN)
            ms_bans_fail2ban(&b, a, o.jail);
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
