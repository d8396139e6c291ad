/* cmd_events.c — `mailsleuth events`: every authentication event, one row
 * each, in file order (rotation sets oldest first). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "output/events_stream.h"
#include "parse/pool.h"

static const char usage[] =
    "usage: mailsleuth events [OPTIONS] PATH...\n"
    "\n"
    "Print one row per authentication event (failure, success, relay\n"
    "rejection, connection) found in the logs, as CSV or NDJSON, or as a\n"
    "Timesketch timeline.\n"
    "PATH is a log file (plain, gz, bz2, xz or zstd; a systemd journal file;\n"
    "journalctl -o json or export output; a docker, compose or CRI container\n"
    "log), a folder as copied from the servers (searched at any depth, each\n"
    "file taken by its content, whatever its name; the files that are not\n"
    "logs are named on stderr), or - for standard input.\n"
    "\n"
    "Options:\n"
    "  -f, --format FMT   csv (default), json (NDJSON) or timesketch (JSON\n"
    "                     lines for Timesketch's import: message, datetime,\n"
    "                     timestamp_desc, then every column; events with no\n"
    "                     time left out)\n"
    CLI_COMMON_HELP CLI_FILTER_HELP
    "\n"
    "Exit status: 0 all read; 1 some input damaged or unreadable (events of\n"
    "the rest written); 2 usage error; 3 fatal error.\n";

/* events' --format also takes timesketch. */
static int events_option(void *ctx, int opt, const char *arg)
{
    cli_common *c = ctx;
    if (opt != 'f')
        return 0;
    if (strcmp(arg, "csv") && strcmp(arg, "json") && strcmp(arg, "timesketch")) {
        cli_error("--format takes csv, json or timesketch, not '%s'", arg);
        return -1;
    }
    c->format = arg;
    return 1;
}

static int sink(void *ctx, ms_buf *b)
{
    return cli_out_write(ctx, b);
}

int cmd_events(int argc, char **argv)
{
    cli_common c = {0};
    static const struct option longopts[] = {CLI_COMMON_LONG, CLI_FILTER_LONG, {0}};
    int rc = cli_parse(argc, argv, longopts, usage, events_option, &c, &c);
    if (rc >= 0)
        return rc;
    cli_run run;
    cli_run_init(&run, &c, argv + optind, argc - optind);
    rc = cli_run_go(&run);
    if (rc == EXIT_OK) {
        ms_format fmt = !c.format || !strcmp(c.format, "csv") ? MS_FMT_CSV
                        : !strcmp(c.format, "json")            ? MS_FMT_JSON
                                                               : MS_FMT_TIMESKETCH;
        /* Written a piece at a time, not built whole then written. */
        cli_out out;
        int failed = cli_out_open(&out, c.output);
        if (!failed) {
            ms_events_stream(run.r.files, run.r.src.v, run.r.src.n,
                             ms_filter_active(&run.r.filter) ? &run.r.filter : NULL,
                             fmt,
                             ms_threads(c.threads), sink, &out);
            failed = cli_out_close(&out);
        }
        rc = cli_status(failed, run.r.damaged);
    }
    cli_run_free(&run);
    return rc;
}
