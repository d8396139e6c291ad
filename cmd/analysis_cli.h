/* analysis_cli.h — what analyze, timeline, clusters, bans and geo share:
 * their extra options, and loading logs and events files into a store,
 * then running the analyses and the geo/ASN enrichment. */
#ifndef MS_ANALYSIS_CLI_H
#define MS_ANALYSIS_CLI_H

#include "analyze/analysis.h"
#include "analyze/inputs.h"
#include "cli.h"
#include "enrich/geo.h"

typedef struct cli_analysis {
    cli_common c;
    const char *users;
    const char *ignore[16];
    int nignore;
    int aggregate;
    struct {
        const char *path;
        int table;         /* --asn-csv (else --geoip) */
    } geodb[16];           /* in the order given */
    int ngeodb;
    int no_geo;
    /* When set, called once the store is complete, before the analyses
     * run (analyze begins its events file there). */
    void (*stored)(void *ctx, const ms_store *s);
    void *stored_ctx;
    /* filled by cli_analysis_run */
    ms_intern real_users;
    ms_cidr_list ignore_list;
    ms_store store;
    ms_analysis an;
    ms_inputs inputs;      /* what was read, for the report */
    ms_geo *geo;           /* the geo databases (ms_geo_sources: what the
                              report cites); NULL with --no-geo */
    int damaged;
} cli_analysis;

#define CLI_ANALYSIS_LONG                                           \
    {"users", required_argument, NULL, 1201},                       \
    {"ignore", required_argument, NULL, 1202},                      \
    {"aggregate", no_argument, NULL, 1203},                         \
    {"geoip", required_argument, NULL, 1204},                       \
    {"asn-csv", required_argument, NULL, 1205},                     \
    {"no-geo", no_argument, NULL, 1206}

#define CLI_ANALYSIS_HELP                                                   \
    "      --users FILE   the real accounts, one per line: failures for\n"  \
    "                     names not in it weigh more\n"                     \
    "      --ignore CIDR|FILE  never ban these addresses (repeatable)\n"    \
    "      --aggregate    fold banned addresses into /24 (/64) blocks when\n" \
    "                     no address that logged in falls inside\n"      \
    "      --geoip FILE   a MaxMind-format .mmdb giving country and/or AS\n" \
    "                     (GeoLite2, DB-IP Lite, IPinfo Lite, ip-location-db;\n" \
    "                     repeatable; the first that knows an address wins)\n" \
    "      --asn-csv FILE an IP-range table: ip-location-db CSV\n"         \
    "                     (start,end,asn,org) or iptoasn TSV (repeatable)\n" \
    "                     Without either: the databases in /usr/share/GeoIP,\n" \
    "                     /var/lib/GeoIP, ~/.local/share/mailsleuth and the\n" \
    "                     checkout's data/ (scripts/fetch-geodb fills it)\n" \
    "      --no-geo       no country/AS lookups\n"

/* Handle one option (common or analysis); as cli_common_option. */
int cli_analysis_option(cli_analysis *x, int opt, const char *arg);

/* Read every path (logs, or events files written by `mailsleuth events`),
 * analyse, and fill each address's country and AS from the geo databases
 * (a damaged or missing database is reported, counts in damaged, and is
 * left out). 0, or an exit status (message printed). */
int cli_analysis_run(cli_analysis *x, char **paths, int npaths);

void cli_analysis_free(cli_analysis *x);

#endif
