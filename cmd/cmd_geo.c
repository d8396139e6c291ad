/* cmd_geo.c — `mailsleuth geo`: where the attempts come from. Runs the
 * whole analysis with the geo databases (analysis_cli.h), then prints the
 * geo table (geo.csv of `analyze`: addresses, failed attempts and banned
 * addresses per country and AS), grouped by both, by country or by AS.
 * The databases used, what each answered, their attribution lines and
 * the lookup time go to stderr (unless -q). */
#include <stdio.h>
#include <stdlib.h>
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

enum by { BY_BOTH, BY_COUNTRY, BY_ASN };

typedef struct geo_opts {
    cli_analysis x;
    enum by by;
} geo_opts;

static int geo_option(void *ctx, int opt, const char *arg)
{
    geo_opts *o = ctx;
    if (opt == 1401) {
        if (!strcmp(arg, "both"))
            o->by = BY_BOTH;
        else if (!strcmp(arg, "country"))
            o->by = BY_COUNTRY;
        else if (!strcmp(arg, "asn"))
            o->by = BY_ASN;
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
static void print_sources(const cli_analysis *x)
{
    if (!x->geo)
        return;
    size_t n, nd;
    const ms_geo_source *src = ms_geo_sources(x->geo, &n);
    const char *const *dirs = ms_geo_searched(x->geo, &nd);
    uint64_t addrs;
    double secs;
    ms_geo_stats(x->geo, &addrs, &secs);
    if (!ms_geo_usable(x->geo)) {
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
        {"by", required_argument, NULL, 1401}, {0}};
    geo_opts o = {.by = BY_BOTH};
    int rc = cli_parse(argc, argv, longopts, usage, geo_option, &o, &o.x.c);
    if (rc >= 0)
        return rc;
    rc = cli_analysis_run(&o.x, argv + optind, argc - optind);
    if (rc == EXIT_OK) {
        if (!o.x.c.quiet)
            print_sources(&o.x);
        int json = o.x.c.format && !strcmp(o.x.c.format, "json");
        /* One level only: the same table over a copy of the per-ip
         * figures with the other level blanked. */
        ms_analysis view = o.x.an;
        size_t nips = o.x.store.ips.n;
        ms_ipinfo *ip = NULL;
        if (o.by != BY_BOTH && nips) {
            ip = malloc(nips * sizeof *ip);
            if (!ip) {
                cli_error("out of memory");
                cli_analysis_free(&o.x);
                return EXIT_FATAL;
            }
            memcpy(ip, o.x.an.ip, nips * sizeof *ip);
            for (size_t i = 0; i < nips; i++) {
                if (o.by == BY_COUNTRY)
                    ip[i].asn = ip[i].as_org = "";
                else
                    ip[i].country = "";
            }
            view.ip = ip;
        }
        ms_buf b = {0};
        ms_results_geo(&b, &view, json);
        rc = cli_write_output(o.x.c.output, &b) ? EXIT_FATAL
             : o.x.damaged                     ? EXIT_PARTIAL
                                               : EXIT_OK;
        ms_buf_free(&b);
        free(ip);
    }
    cli_analysis_free(&o.x);
    return rc;
}
