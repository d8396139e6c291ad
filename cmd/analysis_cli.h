/* analysis_cli.h — what analyze, timeline, clusters and bans share: their
 * extra options, and loading logs and events files into a store, then
 * running the analyses. */
#ifndef MS_ANALYSIS_CLI_H
#define MS_ANALYSIS_CLI_H

#include "analyze/analysis.h"
#include "analyze/inputs.h"
#include "cli.h"

typedef struct cli_analysis {
    cli_common c;
    const char *users;
    const char *ignore[16];
    int nignore;
    int aggregate;
    /* filled by cli_analysis_run */
    ms_intern real_users;
    ms_cidr_list ignore_list;
    ms_store store;
    ms_analysis an;
    ms_inputs inputs;      /* what was read, for the report */
    int damaged;
} cli_analysis;

#define CLI_ANALYSIS_LONG                                           \
    {"users", required_argument, NULL, 1201},                       \
    {"ignore", required_argument, NULL, 1202},                      \
    {"aggregate", no_argument, NULL, 1203}

#define CLI_ANALYSIS_HELP                                                   \
    "      --users FILE   the real accounts, one per line: failures for\n"  \
    "                     names not in it weigh more\n"                     \
    "      --ignore CIDR|FILE  never ban these addresses (repeatable)\n"    \
    "      --aggregate    fold banned addresses into /24 (/64) blocks when\n" \
    "                     no address that logged in falls inside\n"

/* Handle one option (common or analysis); as cli_common_option. */
int cli_analysis_option(cli_analysis *x, int opt, const char *arg);

/* Read every path (logs, or events files written by `mailsleuth events`)
 * and analyse. 0, or an exit status (message printed). */
int cli_analysis_run(cli_analysis *x, char **paths, int npaths);

void cli_analysis_free(cli_analysis *x);

#endif
