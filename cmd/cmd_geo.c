/* cmd_geo.c — `mailsleuth geo`: where the attempts come from. Runs the
 * whole analysis with the geo databases (run/run.h), then prints the
 * geo table (geo.csv of `analyze`: addresses, failed attempts and banned
 * addresses per country and AS), grouped by both, by country or by AS.
 * The databases used, what each answered, their attribution lines and
 * the lookup time go to stderr (unless -q). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "analysis_cli.h"
#include "commands.h"
#include "output/results.h"

static const char usage[] =
    "usage: mailsleuth geo [--by WHAT] [OPTIONS] PATH...\n"
    "\n"
    "Where the attackers come from: addresses grouped by country and by\n"
    "network (AS), with the addresses, failed attempts and banned addresses\n"
    "of each group (geo.csv of `analyze`), most attempts first. Lookups are\n"
    "offline, in local databases; stderr says which were used.\n"
    "\n"
    "Options:\n"
    "      --by WHAT      both (default: one row per country and AS),\n"
    "                     country or asn\n"
    "  -f, --format FMT   csv (default) or json\n"
    "  -o, --output FILE  write to FILE instead of stdout\n" CLI_ANALYSIS_HELP
    "      --tz ZONE, --year YEAR, --patterns FILE, -j N, -q  as for `events`\n"
    "  -h, --help         this help\n";

typedef struct geo_opts {
    cli_analysis x;
    ms_geo_by by;
} geo_opts;

static int geo_option(void *ctx, int opt, const char *arg)
{
    geo_opts *o = ctx;
    if (opt == OPT_BY) {
        if (!strcmp(arg, "both"))
            o->by = MS_GEO_BY_BOTH;
        else if (!strcmp(arg, "country"))
            o->by = MS_GEO_BY_COUNTRY;
        else if (!strcmp(arg, "asn"))
            o->by = MS_GEO_BY_ASN;
        else {
            cli_error("--by takes both, country or asn");
            return -1;
        }
        return 1;
    }
    return cli_analysis_option(&o->x, opt, arg);
}

static void fields_text(unsigned f, char *t, size_t cap)
{
    snprintf(t, cap, "%s%s%s%s%s", f & MS_GEO_COUNTRY ? "country" : "",
             (f & MS_GEO_COUNTRY) && (f & MS_GEO_ASN) ? ", " : "",
             f & MS_GEO_ASN ? "AS number" : "",
             (f & MS_GEO_ORG) && f != MS_GEO_ORG ? ", " : "",
             f & MS_GEO_ORG ? "AS name" : "");
}

/* What the databases were, on stderr. */
static void print_sources(const ms_geo *geo)
{
    if (!geo)
        return;
    size_t n, nd;
    const ms_geo_source *src = ms_geo_sources(geo, &n);
    const char *const *dirs = ms_geo_searched(geo, &nd);
    uint64_t addrs;
    double secs;
    ms_geo_stats(geo, &addrs, &secs);
    if (!ms_geo_usable(geo)) {
        fputs("geo: no usable geo database", stderr);
        if (nd) {
            fputs(" found (looked in", stderr);
            for (size_t i = 0; i < nd; i++)
                fprintf(stderr, "%s %s", i ? "," : "", dirs[i]);
            fputs("); scripts/fetch-geodb fetches free ones", stderr);
        }
        fputs(": country and AS are unknown\n", stderr);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const ms_geo_source *s = &src[i];
        if (s->error)
            continue;
        char day[32] = "", f[64];
        time_t t = (time_t)(s->built >= 0 ? s->built : s->mtime);
        struct tm tm;
        if ((s->built >= 0 || s->mtime >= 0) && gmtime_r(&t, &tm))
            strftime(day, sizeof day, "%Y-%m-%d", &tm);
        fields_text(s->fields, f, sizeof f);
        fprintf(stderr, "geo: %s (%s%s%s, %s %s; %s): answered %llu of %llu "
                        "addresses\n",
                s->path, s->format, s->type[0] ? " " : "", s->type,
                s->built >= 0 ? "built" : "dated", day[0] ? day : "?", f,
                (unsigned long long)s->answered, (unsigned long long)addrs);
        if (s->attribution[0])
            fprintf(stderr, "geo:   %s\n", s->attribution);
    }
    fprintf(stderr, "geo: %llu addresses looked up in %.3f s\n",
            (unsigned long long)addrs, secs);
}

int cmd_geo(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONG, CLI_ANALYSIS_LONG,
        {"by", required_argument, NULL, OPT_BY}, {0}};
    geo_opts o = {.by = MS_GEO_BY_BOTH};
    int rc = cli_parse(argc, argv, longopts, usage, geo_option, &o, &o.x.c);
    if (rc >= 0)
        return rc;
    cli_run run;
    cli_analysis_init(&run, &o.x, argv + optind, argc - optind);
    rc = cli_run_go(&run);
    if (rc == EXIT_OK) {
        if (!o.x.c.quiet)
            print_sources(run.r.geo);
        int json = o.x.c.format && !strcmp(o.x.c.format, "json");
        ms_buf b = {0};
        ms_results_geo(&b, &run.r.an, o.by, json);
        rc = cli_status(cli_write_output(o.x.c.output, &b), run.r.damaged);
        ms_buf_free(&b);
    }
    cli_run_free(&run);
    return rc;
}
