/* sources.h — turn the paths a user gave into an ordered list of log files.
 *
 * A directory is scanned (not recursively) for log files: mail.log*,
 * maillog*, mail.err*, mail.warn*, mail.info*, auth.log*, secure*, syslog*,
 * messages*, and multilog folders (a `current` file and `@4000…s` files).
 * Files are grouped into rotation sets (same directory, same base name once
 * rotation suffixes are taken off: `.N`, `-YYYYMMDD`, `.gz/.bz2/.xz/.zst`;
 * a multilog folder is one set). Each set is ordered oldest first: highest
 * number first, then lower ones, then the live file; dates ascending; for
 * multilog the `@` files by their TAI64N label, then `current`. Sets keep
 * the order in which the user named them.
 *
 * Also: dates may be -YYYYMMDDHH or -YYYY-MM-DD, and '.' may replace the
 * '-'; a file reached twice (same device and inode) is listed once, where
 * first reached; a directory scan that finds mail.log or maillog skips
 * mail.info*, mail.warn*, mail.err* and syslog* (Debian's rsyslog copies
 * every mail line there) with a warning, and mail.info likewise hides
 * mail.warn and mail.err. Named files are always taken. */
#ifndef MS_SOURCES_H
#define MS_SOURCES_H

#include <stddef.h>

#include "core/error.h"

typedef struct ms_source {
    char *path;      /* path to open ("-" for stdin) */
    int set_id;      /* rotation set, 0-based; a set's files are adjacent */
    int set_pos;     /* 0 = oldest in its set */
} ms_source;

typedef struct ms_source_list {
    ms_source *v;
    size_t n;
    size_t unreadable;   /* paths or files skipped with a warning */
} ms_source_list;

/* Expand paths into out. A path that does not exist or cannot be read is
 * warned about and skipped; a directory with no log file is warned about.
 * Returns -1 only on allocation failure. */
int ms_sources_expand(const char *const *paths, size_t npaths,
                      ms_source_list *out, const ms_warner *w, ms_error *err);

void ms_sources_free(ms_source_list *l);

#endif
