/* run.h — the whole pipeline as one call: the paths a user gave in; the
 * events read, or the analysis with its country and AS figures, out; and
 * for `analyze` and `report` their files written. Every command of the CLI
 * goes through ms_run; cmd/ turns options into ms_run_settings and the
 * result into messages and an exit status.
 *
 * In order: the built-in recognisers plus the --patterns files; when
 * analysing, the real accounts (--users), the addresses never banned
 * (--ignore) and the fleet's hosts (--hosts, fleet.h); the paths
 * expanded (sources.h, each file judged by its content, sniff.h; events
 * files are logs only when analysing); when analysing,
 * events files read back into the store; the logs scanned in parallel
 * (pool.h); then, when analysing, each log's events moved into the store
 * (each file's buffers freed as soon as it is stored), the hosts file's
 * included hosts checked against the files read, the analyses
 * (analysis.h) and the geo/ASN enrichment (enrich/geo.h). When a folder to
 * write into is set, the events file is begun as soon as the store is
 * complete, in a thread of its own when there is more than one (it is
 * written while the analyses run), the other result files after them, and
 * the report beside them in another thread (output/results.h,
 * output/report.h).
 *
 * Nothing is printed: problems that do not stop the run (a damaged or
 * unreadable input, a long line cut, a geo database left out, an included
 * host whose events file was not read) go to the warner, each counted in
 * damaged (but long lines and hosts, which the report shows). */
#ifndef MS_RUN_H
#define MS_RUN_H

#include <stddef.h>

#include "analyze/analysis.h"
#include "analyze/filter.h"
#include "analyze/fleet.h"
#include "analyze/inputs.h"
#include "core/error.h"
#include "core/intern.h"
#include "enrich/geo.h"
#include "input/sources.h"
#include "output/report.h"
#include "parse/recognizer.h"
#include "parse/scan.h"

/* A geo database named (--geoip, --asn-csv). */
typedef struct ms_run_geodb {
    const char *path;
    int table;                 /* an IP-range table (else a .mmdb) */
} ms_run_geodb;

/* Steps a caller may follow (each may be NULL). */
typedef struct ms_run_hooks {
    void *ctx;
    /* The paths were expanded: src->skipped lists the files found that are
     * not logs. */
    void (*expanded)(void *ctx, const ms_source_list *src);
    /* The scan of nfiles logs begins, or ended (scan.progress counts). */
    void (*scan_begin)(void *ctx, size_t nfiles);
    void (*scan_end)(void *ctx);
} ms_run_hooks;

typedef struct ms_run_settings {
    const char *const *paths;  /* "-" is standard input */
    size_t npaths;
    int analyse;               /* 0: read only, the scans are returned
                                  (events, explain); 1: the analysis */
    /* Recognisers: the built-in rows, their Hyperscan databases as the
     * build serialised them (prebuilt.h; NULL: compiled when needed), and
     * pattern files added. */
    const void *prebuilt;
    size_t prebuilt_size;
    const char *const *patterns;
    size_t npatterns;
    /* Reading: max_line 0 is 1 MiB; coverage is taken when analysing. */
    ms_scan_opts scan;
    int threads;               /* 0: one per core */
    int year;                  /* of year-less stamps; 0: from mtimes */
    /* The events kept (analyze/filter.h); NULL: all. Applied where events
     * enter the store, and by the caller streaming the scans read only
     * (with the result's filter, resolved). */
    const ms_filter *filter;
    /* The analysis. */
    const char *users;         /* the real accounts' file, or NULL */
    const char *const *ignore; /* CIDRs or files of them */
    size_t nignore;
    int aggregate;
    /* Country and AS: the databases named, in order, or else those found
     * in the usual folders (ms_geo_default_dirs, with exe_dir). */
    int no_geo;
    const ms_run_geodb *geodb;
    size_t ngeodb;
    const char *exe_dir;
    /* Written into dir when set: the result files in formats (MS_RES_CSV,
     * MS_RES_JSON; 0: none), and the report when report is set. */
    const char *dir;
    unsigned formats;
    int report;
    const char *version;       /* named in the report's footer */
    /* The fleet's hosts file (analyze/fleet.h), or NULL: the report lists
     * the hosts included and those left out. */
    const char *hosts;
    /* Successes past sort_mem bytes (0: none) go to temporary files in
     * tmpdir, else dir, else $TMPDIR or /tmp (analyze/spill.h); not with
     * a span counted back from the last event (all is kept then). */
    size_t sort_mem;
    const char *tmpdir;
    ms_run_hooks hooks;
} ms_run_settings;

typedef struct ms_run_result {
    /* Read only: the logs in order (and the files skipped), a scan each,
     * and the recognisers, whose names the events' sources point to. */
    ms_source_list src;
    ms_file_scan *files;
    ms_recognizers *rec;
    /* The filter as applied: its times resolved (ms_filter_resolve, the
     * spans back from the last event of the input). */
    ms_filter filter;
    /* Analysed: */
    ms_store store;
    ms_analysis an;
    ms_analyze_opts opts;      /* as the analyses ran (analyze/why.h) */
    ms_inputs inputs;          /* what was read, for the report */
    ms_geo *geo;               /* the databases (NULL with no_geo) */
    ms_intern real_users;
    ms_cidr_list ignore;
    ms_fleet fleet;            /* the hosts file's, when given */
    ms_report_result report;   /* charts drawn, when a report was written */
    /* Inputs unreadable or damaged, geo databases left out. */
    int damaged;
} ms_run_result;

/* Run; r must be zeroed. 0, or -1 with err: MS_ERR_USAGE when a setting
 * could not be taken (the lists, the hosts file, a patterns file; nothing
 * was read), else what stopped the run (MS_ERR_NOMEM, a file not written).
 * Free r either way. */
int ms_run(const ms_run_settings *s, ms_run_result *r, const ms_warner *w,
           ms_error *err);
void ms_run_free(ms_run_result *r);

#endif
