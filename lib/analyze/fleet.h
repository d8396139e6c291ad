/* fleet.h — the --hosts file: the hosts of a fleet an analysis was meant
 * to cover, which of them it includes and which were left out, and why;
 * as the fleet playbook (scripts/fleet/fleet.yml) writes FLEET_DEST/hosts.csv:
 *
 *   host,status,events_file,bytes,sha256,why
 *   "mx1","included","events/mx1.csv.zst","5123","9f…",""
 *   "mx4","failed","","","","Check that …: no such log file or folder"
 *
 * A CSV file (RFC 4180 quoting, LF or CRLF lines, a UTF-8 BOM allowed)
 * whose header names host, status and why, and may name events_file
 * (other columns, such as bytes and sha256, are ignored); then one row per
 * host: a name that is not empty and not listed twice, status "included"
 * or "failed", and the reason (may be empty: for an included host it is a
 * warning, such as a damaged log). events_file is the host's events file,
 * relative to the hosts file's folder (or absolute). The file is taken
 * whole or refused: the first problem (not CSV, a missing column, a row of
 * the wrong width, a bad status, an empty or repeated host, a NUL byte,
 * no host at all, over 16 MiB) is an MS_ERR_USAGE error naming the file
 * and the line its row begins on. Names and reasons are kept as they are,
 * control characters and all: whoever shows them cleans and escapes them.
 *
 * Once the inputs are read, ms_fleet_check marks each included host whose
 * events file is named but was not among the files read (compared by
 * device and inode), so that the report does not count it as covered. */
#ifndef MS_FLEET_H
#define MS_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/inputs.h"
#include "core/error.h"

typedef struct ms_fleet_host {
    char *name;
    char *events_file;         /* as written; "" when not given */
    char *why;                 /* "" when none */
    uint64_t line;             /* where its row begins in the file */
    int included;              /* status "included" (else "failed") */
    int unread;                /* included, but its events file was not
                                  among the files read (ms_fleet_check) */
} ms_fleet_host;

typedef struct ms_fleet {
    char *path;                /* the file, as given */
    ms_fleet_host *v;          /* in the file's order */
    size_t n;
} ms_fleet;

/* Read path into f (zeroed). 0, or -1 with err (MS_ERR_USAGE for a bad
 * file, MS_ERR_IO when it cannot be read, MS_ERR_NOMEM); free f either
 * way. */
int ms_fleet_load(ms_fleet *f, const char *path, ms_error *err);

/* Mark unread the included hosts whose events file (named, resolved from
 * the hosts file's folder) is not one of the files in read, each warned
 * about on w. 0, or -1 with err when memory ran out. */
int ms_fleet_check(ms_fleet *f, const ms_inputs *in, const ms_warner *w,
                   ms_error *err);

/* The hosts whose events the analysis holds: included and not unread. */
size_t ms_fleet_covered(const ms_fleet *f);

void ms_fleet_free(ms_fleet *f);

#endif
