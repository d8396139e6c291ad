/* analysis_cli.h — what analyze, report, why, timeline, clusters, bans
 * and geo share: their extra options, and the run that analyses
 * (run/run.h) made from them. */
#ifndef MS_ANALYSIS_CLI_H
#define MS_ANALYSIS_CLI_H

#include "cli.h"

typedef struct cli_analysis {
    cli_common c;
    const char *users;
    const char *hosts;         /* --hosts (analyze and report) */
    const char *ignore[16];
    int nignore;
    int aggregate;
    ms_run_geodb geodb[16];    /* in the order given */
    int ngeodb;
    int no_geo;
    const char *tmpdir;        /* --tmpdir, or NULL */
    int buffer_size;           /* --buffer-size given */
    size_t sort_mem;           /* its bytes */
    char exe_dir[4096];        /* where the binary is (the checkout's data/) */
} cli_analysis;

#define CLI_ANALYSIS_LONG                                           \
    {"users", required_argument, NULL, OPT_USERS},                  \
    {"ignore", required_argument, NULL, OPT_IGNORE},                \
    {"aggregate", no_argument, NULL, OPT_AGGREGATE},                \
    {"geoip", required_argument, NULL, OPT_GEOIP},                  \
    {"asn-csv", required_argument, NULL, OPT_ASN_CSV},              \
    {"no-geo", no_argument, NULL, OPT_NO_GEO},                      \
    {"tmpdir", required_argument, NULL, OPT_TMPDIR},                \
    {"buffer-size", required_argument, NULL, OPT_BUFFER_SIZE},      \
    CLI_FILTER_LONG

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
    "      --no-geo       no country/AS lookups\n"                         \
    "      --buffer-size SIZE  memory for successful logins, in bytes\n" \
    "                     (K, M, G, T suffixes; default 1G, or\n"           \
    "                     $MAILSLEUTH_BUFFER_SIZE): past it they go to\n"   \
    "                     temporary files, 28 bytes each; 0: never\n"      \
    "      --tmpdir DIR   where those files go (default: the output\n"      \
    "                     folder, else $TMPDIR or /tmp)\n" CLI_FILTER_HELP

/* The commands that write the report (analyze, report) also take the
 * fleet's hosts file. */
#define CLI_REPORT_LONG {"hosts", required_argument, NULL, OPT_HOSTS}

#define CLI_REPORT_HELP                                                     \
    "      --hosts FILE   the fleet's hosts (the fleet playbook's hosts.csv:\n" \
    "                     host,status,events_file,bytes,sha256,why): the\n"  \
    "                     report says at its top which hosts were left out\n" \
    "                     and why, and lists those included; a bad file is\n" \
    "                     a usage error naming its line\n"

/* Handle one option (common, analysis or report); as cli_common_option. */
int cli_analysis_option(cli_analysis *x, int opt, const char *arg);

/* A run (cli_run_init) that analyses paths with x's options; the caller
 * may set what to write, then cli_run_go. x must outlive the run. */
void cli_analysis_init(cli_run *run, cli_analysis *x, char **paths,
                       int npaths);

#endif
