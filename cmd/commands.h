/* commands.h — the subcommands main.c dispatches to. Each parses its own
 * options (with --help) and returns an exit status (cli.h). */
#ifndef MS_COMMANDS_H
#define MS_COMMANDS_H

#include "output/report.h"

int cmd_events(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_clusters(int argc, char **argv);
int cmd_bans(int argc, char **argv);
int cmd_why(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_geo(int argc, char **argv);

/* Write the report (report.md, report.html, charts) of an analysis run
 * into dir (cmd_report.c); 0, or -1 (printed). analyze calls it too, or
 * its halves: report_make writes and prints nothing (it may run in another
 * thread), report_tell prints what happened; both return 0 or -1. */
struct cli_analysis;
typedef struct report_done {
    int rc;
    ms_report_result res;
    ms_error err;
} report_done;
int report_write(const struct cli_analysis *x, const char *dir);
int report_make(const struct cli_analysis *x, const char *dir, report_done *d);
int report_tell(const struct cli_analysis *x, const char *dir,
                const report_done *d);

#endif
