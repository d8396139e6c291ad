/* commands.h — the subcommands main.c dispatches to. Each parses its own
 * options (with --help) and returns an exit status (cli.h). */
#ifndef MS_COMMANDS_H
#define MS_COMMANDS_H

int cmd_events(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_clusters(int argc, char **argv);
int cmd_bans(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_geo(int argc, char **argv);

/* Write the report (report.md, report.html, charts) of an analysis run
 * into dir (cmd_report.c); 0, or -1 (printed). analyze calls it too. */
struct cli_analysis;
int report_write(const struct cli_analysis *x, const char *dir);

#endif
