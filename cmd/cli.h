/* cli.h — what the subcommands share: exit statuses, the common options
 * (input, time zone, year, patterns, threads) and the run they make,
 * warnings on stderr, and writing a result to stdout or atomically to a
 * file. */
#ifndef MS_CLI_H
#define MS_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/error.h"
#include "input/sources.h"
#include "output/atomic.h"
#include "progress.h"
#include "run/run.h"

enum {
    EXIT_OK = 0,        /* every input read, every output written */
    EXIT_PARTIAL = 1,   /* results written, but some input was damaged or unreadable */
    EXIT_USAGE = 2,     /* bad command line: nothing done */
    EXIT_FATAL = 3,     /* could not finish: out of memory, an output not written */
};

/* getopt_long's ids of the long options without a letter, one range
 * per command's own options. */
enum cli_option_id {
    OPT_TZ = 1001,          /* common (cli.h) */
    OPT_YEAR,
    OPT_PATTERNS,
    OPT_SINCE,              /* the filters, in ms_filter_kind's order */
    OPT_UNTIL,
    OPT_USER,
    OPT_IP,
    OPT_SERVER,
    OPT_SUMMARY = 1100,     /* explain */
    OPT_USERS = 1201,       /* the analysis (analysis_cli.h) */
    OPT_IGNORE,
    OPT_AGGREGATE,
    OPT_GEOIP,
    OPT_ASN_CSV,
    OPT_NO_GEO,
    OPT_TMPDIR,
    OPT_BUFFER_SIZE,
    OPT_AS = 1301,          /* bans */
    OPT_DURATION,
    OPT_JAIL,
    OPT_BY = 1401,          /* geo */
    OPT_HOSTS = 1501,       /* analyze and report (analysis_cli.h) */
};

/* Options every reading subcommand takes. */
typedef struct cli_common {
    const char *tz;
    int year;
    const char *patterns[16];
    int npatterns;
    int threads;
    int quiet;
    const char *format;
    const char *output;
    ms_filter filter;       /* the events chosen (CLI_FILTER_LONG) */
} cli_common;

/* getopt_long entries and short-option letters for cli_common. */
#define CLI_COMMON_SHORT "f:o:j:qh"
#define CLI_COMMON_LONG                                              \
    {"format", required_argument, NULL, 'f'},                        \
    {"output", required_argument, NULL, 'o'},                        \
    {"threads", required_argument, NULL, 'j'},                       \
    {"quiet", no_argument, NULL, 'q'},                               \
    {"help", no_argument, NULL, 'h'},                                \
    {"tz", required_argument, NULL, OPT_TZ},                         \
    {"year", required_argument, NULL, OPT_YEAR},                     \
    {"patterns", required_argument, NULL, OPT_PATTERNS}

/* (each command says what its --format takes) */
#define CLI_COMMON_HELP                                                     \
    "  -o, --output FILE  write to FILE (atomically) instead of stdout\n"   \
    "      --tz ZONE      time zone of stamps that carry none (default:\n"  \
    "                     the local zone), e.g. Europe/Paris, UTC\n"        \
    "      --year YEAR    year of the first line of year-less logs\n"       \
    "                     (default: inferred from each file's mtime)\n"     \
    "      --patterns FILE  add recognisers (see docs/FORMATS.md)\n"        \
    "  -j, --threads N    threads to use (default: all cores): files are\n" \
    "                     read in parallel; a core left over speeds up a\n"  \
    "                     big file (not with -j 1)\n"                        \
    "  -q, --quiet        no progress or warnings on stderr\n"              \
    "  -h, --help         this help\n"

/* The filters (analyze/filter.h), for every command that reads events
 * but explain (which shows how every line is read). Handled by
 * cli_common_option. */
#define CLI_FILTER_LONG                                              \
    {"since", required_argument, NULL, OPT_SINCE},                   \
    {"until", required_argument, NULL, OPT_UNTIL},                   \
    {"user", required_argument, NULL, OPT_USER},                     \
    {"ip", required_argument, NULL, OPT_IP},                         \
    {"server", required_argument, NULL, OPT_SERVER}

#define CLI_FILTER_HELP                                                     \
    "Filters (the analyses see only the events chosen; repeat one to take\n" \
    "any of its values, combine them to take events that fit all):\n"      \
    "      --since WHEN   events at or after WHEN: a date (2025-05-04), a\n"  \
    "                     date and time (2025-05-04T10:00, '2025-05-04\n"     \
    "                     10:00:00+02:00'; without a zone, in --tz's), or a\n" \
    "                     span back from the last event of the input, before\n" \
    "                     any filter: 7d, 12h, 30m, 45s, 2w\n"                \
    "      --until WHEN   events before WHEN (the same forms)\n"             \
    "      --user NAME    events of this username, exactly (repeatable)\n"   \
    "      --ip ADDR|CIDR events from this address or block, IPv4 or IPv6\n" \
    "                     (repeatable)\n"                                     \
    "      --server HOST  events of this server: the host its line names,\n" \
    "                     else the folder its file was found in (repeatable)\n"

/* Handle one common option; 1 if it was one, 0 if not, -1 on a bad value. */
int cli_common_option(cli_common *c, int opt, const char *arg);

/* A command's own options: 1 taken, 0 not its own, -1 bad value (printed). */
typedef int (*cli_option_fn)(void *ctx, int opt, const char *arg);

/* Parse argv with getopt_long: -h prints usage; the command's options go
 * to own (may be NULL), the rest to cli_common_option. At least one PATH
 * must follow. Returns -1 when the command should go on (PATHs start at
 * optind), else the exit status to return at once. */
int cli_parse(int argc, char **argv, const struct option *longopts,
              const char *usage, cli_option_fn own, void *ctx, cli_common *c);

/* The files found that are not logs, for a person: "skipped N files that
 * are not logs:" then a line "  PATH: why" for each of the first 20 and
 * "  and N more"; nothing when there are none. */
void cli_skipped_text(ms_buf *b, const ms_source_list *src);

/* A run of the pipeline (run/run.h) as the CLI makes it: the settings of
 * the common options, warnings on stderr (unless quiet), the files that
 * are not logs named there, and a progress line while files are read. */
typedef struct cli_run {
    const cli_common *c;
    ms_run_settings s;
    ms_run_result r;
    cli_progress progress;
} cli_run;

/* Settings from c (kept, with paths, until cli_run_free): paths,
 * patterns, threads, year and the build's prefilter databases; the rest
 * (analyse, scan, the analysis' options, what to write) is the caller's. */
void cli_run_init(cli_run *run, const cli_common *c, char **paths, int npaths);
/* Apply --tz, then ms_run. EXIT_OK, or the exit status (message printed):
 * EXIT_USAGE for a bad zone or a setting not taken, else EXIT_FATAL. */
int cli_run_go(cli_run *run);
void cli_run_free(cli_run *run);

/* The exit status once the results are out: EXIT_FATAL when they could
 * not be written, EXIT_PARTIAL when some input was damaged, else EXIT_OK. */
int cli_status(int failed, int damaged);

/* Print "mailsleuth: msg" to stderr, control characters made visible. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The ms_warner that prints (or not, when quiet). */
ms_warner cli_warner(const cli_common *c);

/* Output to stdout, or atomically to a file, written as it is made. */
typedef struct cli_out {
    FILE *fp;
    ms_atomic a;
    int atomic;
    int failed;
} cli_out;

/* path NULL or "-": stdout. 0, or -1 (printed). */
int cli_out_open(cli_out *o, const char *path);
/* Write b and empty it. 0, or -1 once anything failed (reported at close). */
int cli_out_write(cli_out *o, ms_buf *b);
/* Flush; a file is committed whole, or removed when anything failed.
 * 0, or -1 (printed). */
int cli_out_close(cli_out *o);

/* Write b to stdout or atomically to path; 0 or -1 (printed). */
int cli_write_output(const char *path, ms_buf *b);

#endif
