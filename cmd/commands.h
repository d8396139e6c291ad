/* commands.h — the subcommands main.c dispatches to. Each parses its own
 * options (with --help) and returns an exit status (cli.h). */
#ifndef MS_COMMANDS_H
#define MS_COMMANDS_H

#include "analysis_cli.h"

int cmd_events(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_clusters(int argc, char **argv);
int cmd_bans(int argc, char **argv);
int cmd_why(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_geo(int argc, char **argv);

/* Analyse paths with x's options and write into x->c.output the result
 * files in formats (output/results.h; 0: none) and the report
 * (cmd_report.c; analyze too); then say when gnuplot did not draw every
 * chart. The exit status. */
int report_run(cli_analysis *x, char **paths, int npaths, unsigned formats);

#endif
