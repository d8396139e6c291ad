/* scan.h — one log file in, its events out.
 *
 * The pipeline of a single file: reader -> lines -> record header ->
 * recognisers -> dedup. Strings of the events are copied into the file's
 * arena. Year-less stamps are kept as read (with the count of Dec->Jan
 * wraps seen before them) until ms_years_resolve gives them a year: it must
 * be called once every file of a rotation set is scanned. */
#ifndef MS_SCAN_H
#define MS_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/event.h"
#include "input/reader.h"
#include "parse/record.h"
#include "parse/recognizer.h"
#include "parse/scan_events.h"

#define MS_COVERAGE_EXAMPLES 10

/* Lines that read like authentication but no recogniser took, by program. */
typedef struct ms_unmatched {
    char prog[32];
    uint64_t count;
    char *examples[MS_COVERAGE_EXAMPLES];
    uint64_t example_line[MS_COVERAGE_EXAMPLES];
    unsigned nexamples;
} ms_unmatched;

struct ms_file_scan;

/* Called for every line when set (explain): the row that matched (NULL if
 * none) and the event it gave (NULL if none; time not yet resolved). */
typedef void (*ms_line_fn)(void *ctx, const struct ms_file_scan *f,
                           uint64_t lineno, const char *line, size_t len,
                           const ms_record *rec, const ms_rule *rule,
                           const ms_event *ev);

/* Counters a progress display may read while scans run (relaxed atomics:
 * approximate while running, exact once the scans are done). */
typedef struct ms_progress {
    _Atomic uint64_t bytes;      /* decompressed bytes scanned */
    _Atomic uint64_t events;     /* events found in finished files */
    _Atomic uint64_t files;      /* files finished */
} ms_progress;

typedef struct ms_scan_opts {
    size_t max_line;        /* longer lines are cut (default 1 MiB) */
    int coverage;           /* collect ms_unmatched */
    ms_line_fn on_line;
    void *ctx;
    ms_progress *progress;  /* may be NULL */
    int ahead;              /* a core is spare: prefilter in a helper
                               thread (ahead.h) for big files */
    int slow;               /* every line its own way, no prefilter (to
                               compare: the same result, slower) */
} ms_scan_opts;

typedef struct ms_file_scan {
    const char *name;       /* as the user gave it */
    uint32_t file_index;
    int set_id;
    ms_scan_events evs;     /* read them with ms_scan_events_get */
    ms_arena arena;         /* the unmatched lines' examples */
    uint64_t lines, bytes, cut_lines, unstamped_lines;
    uint64_t first_cut_line;   /* line number of the first cut line */
    ms_codec codec;
    int64_t mtime;          /* seconds, INT64_MIN if unknown */
    int opened;             /* 0: could not be opened (error holds why) */
    int damaged;            /* 1: read stopped early (error holds why) */
    ms_error error;
    ms_stamp first_stamp;   /* the first stamped line's stamp */
    ms_stamp last_stamp;    /* the last stamped line's stamp */
    uint16_t wraps;         /* Dec->Jan wraps over the whole file */
    ms_time first, last;    /* of the stamped lines, after ms_years_resolve */
    int64_t last_year;      /* year given to the last year-less stamp */
    ms_unmatched *unmatched;
    size_t nunmatched;
} ms_file_scan;

/* Scan path into out (zeroed by the caller, name/file_index/set_id set).
 * Never fails as a whole: an unopenable or damaged file is recorded in
 * out->opened / out->damaged with out->error. Returns -1 only when memory
 * ran out. */
int ms_scan_file(ms_matcher *m, const char *path, const ms_scan_opts *opts,
                 ms_file_scan *out, ms_error *err);

void ms_file_scan_free(ms_file_scan *f);

#endif
