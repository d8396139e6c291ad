/* inputs.h — what was read, file by file, for the report's coverage
 * section: names, codecs, sizes, time spans, damage, and the lines that
 * read like authentication but that no recogniser took; and the files
 * found in the folders given that were not read, not being logs. Filled from each
 * ms_file_scan (logs) or by hand (events files) before the scans are
 * freed; strings are owned here. */
#ifndef MS_INPUTS_H
#define MS_INPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/filter.h"
#include "core/timeconv.h"
#include "parse/scan.h"

struct ms_fleet;

typedef struct ms_input_file {
    char *name;
    const char *kind;          /* codec name, or "events (csv)" … */
    uint64_t lines, bytes, events, cut_lines;
    ms_time first, last;       /* of the stamped lines */
    char *error;               /* why reading stopped or failed; NULL if fine */
    ms_unmatched *unmatched;   /* examples copied (strings owned) */
    size_t nunmatched;
} ms_input_file;

/* A file found in a folder given and not read: not a log. */
typedef struct ms_input_skipped {
    char *name;
    char *why;                 /* "empty", "binary", … */
} ms_input_skipped;

typedef struct ms_inputs {
    ms_input_file *v;
    size_t n;
    ms_input_skipped *skipped;
    size_t nskipped;
    const ms_filter *filter;   /* the filters applied (resolved); NULL: none */
    const struct ms_fleet *fleet;  /* the hosts the input was to come from,
                                      included or left out (fleet.h, the
                                      --hosts file); NULL: not given */
} ms_inputs;

/* Append one log file's summary, with the number of its events that are
 * not duplicates (its reader counts them as it takes them, rather than
 * walk them again here); -1 when memory ran out. */
int ms_inputs_add_scan(ms_inputs *in, const ms_file_scan *f, uint64_t events);
/* Append an events file read back (kind "events"); error may be NULL. */
int ms_inputs_add_events(ms_inputs *in, const char *name, uint64_t events,
                         const char *error);
/* Append a file found and not read, and why; -1 when memory ran out. */
int ms_inputs_add_skipped(ms_inputs *in, const char *name, const char *why);
void ms_inputs_free(ms_inputs *in);

#endif
