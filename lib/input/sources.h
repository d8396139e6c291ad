/* sources.h — turn the paths a user gave into an ordered list of log files.
 *
 * A directory is walked at any depth (hidden entries left out; a directory
 * reached twice, through a link or a loop, is walked once). Each regular
 * file found is judged by its content through the caller's judge (the CLI
 * passes parse/sniff.h's: its first lines are a log's); the files judged
 * not to be logs are listed in `skipped` with the reason. multilog's `lock`
 * and `state` beside a `current` are not judged. Files named on the command
 * line are always taken.
 *
 * Names decide rotation sets and their order: a set is the files of one
 * folder with the same base name once rotation suffixes are taken off
 * (`.N`, `-YYYYMMDD`, `-YYYYMMDDHH`, `-YYYY-MM-DD`, '.' for the first '-',
 * `.gz/.bz2/.xz/.zst`); a multilog folder (`current` and `@…` files) is one
 * set. Each set is ordered oldest first: highest number first, then lower
 * ones, then the live file; dates ascending; for multilog the `@` files by
 * their TAI64N label, then `current`. Sets keep the order in which they
 * were reached (paths in the order given, entries in name order, a folder's
 * subfolders where their names fall). A file reached twice (same device
 * and inode) is listed once, where first reached.
 *
 * Debian's rsyslog copies every mail line to mail.info, mail.warn,
 * mail.err and syslog: in a folder that holds mail.log or maillog, those
 * are skipped with a warning (mail.info likewise hides mail.warn and
 * mail.err), unless named. */
#ifndef MS_SOURCES_H
#define MS_SOURCES_H

#include <stddef.h>

#include "core/error.h"

typedef struct ms_source {
    char *path;      /* path to open ("-" for stdin) */
    char *folder;    /* where it was found below the path the user gave
                        ("mx1", "pop/qmail-pop3d"); "" at the top and for
                        files named */
    int set_id;      /* rotation set, 0-based; a set's files are adjacent */
    int set_pos;     /* 0 = oldest in its set */
} ms_source;

/* A file found in a directory and not read, and why. */
typedef struct ms_skipped {
    char *path;
    char *why;       /* "empty", "binary", … */
} ms_skipped;

typedef struct ms_source_list {
    ms_source *v;
    size_t n;
    ms_skipped *skipped;   /* in the order found */
    size_t nskipped;
    size_t unreadable;     /* paths or files left out with a warning */
} ms_source_list;

/* Whether the file at path is a log: 1 yes; 0 no, with the reason in why;
 * -1 it could not be read, with the reason in why (warned about); -2 memory
 * ran out (ms_sources_expand fails). */
typedef int (*ms_judge_fn)(void *ctx, const char *path, char *why,
                           size_t why_len);

typedef struct ms_sources_opts {
    ms_judge_fn judge;   /* NULL: every regular file found is taken */
    void *judge_ctx;
} ms_sources_opts;

/* Expand paths into out. A path that does not exist or cannot be read is
 * warned about and left out, as is a file or folder met in a walk that
 * cannot be read; a directory with no log file is warned about. Files that
 * are not logs (or not regular files, or links to nothing) go to
 * out->skipped, without a warning. o may be NULL. Returns -1 only on
 * allocation failure. */
int ms_sources_expand(const char *const *paths, size_t npaths,
                      const ms_sources_opts *o, ms_source_list *out,
                      const ms_warner *w, ms_error *err);

void ms_sources_free(ms_source_list *l);

#endif
