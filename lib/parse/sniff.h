/* sniff.h — is a file one of the logs mailsleuth reads? Judged on its
 * content, never its name, so that a directory can be searched for logs
 * whatever they are called (the judge of ms_sources_expand, sources.h).
 *
 * A file is a log when, once decompressed and unwrapped as the scan reads
 * it (ms_reader and ms_frame_attach: gzip, bzip2, xz, zstd, journal and
 * container forms give their inner lines), at least half of its first
 * 20 non-empty lines, and at least one of the first 5, start with a time
 * stamp ms_record_stamp recognises (classic syslog, ISO / RFC 3339, exim's,
 * TAI64N multilog). An events file written by `mailsleuth events` (CSV or
 * NDJSON, ms_events_sniff) is judged apart: a log only for the commands
 * that read events files back. Only the first 64 KiB are read, and less
 * when 20 lines came sooner; a last line cut by that bound is judged only
 * when it is the only one (a 1 MiB line is judged on its start). */
#ifndef MS_SNIFF_H
#define MS_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ms_sniff_opts {
    bool events_files;   /* events files are taken as logs (analyze) */
} ms_sniff_opts;

/* Judge n bytes, the start of a decompressed file (all of it when whole).
 * 1 a log; 0 not, with why it is not in why ("empty", "binary", "no time
 * stamp on its first lines", …). o may be NULL (no events files). */
int ms_sniff(const char *buf, size_t n, bool whole, const ms_sniff_opts *o,
             char *why, size_t why_len);

/* The same on a file's first bytes (ctx: const ms_sniff_opts *, may be
 * NULL); -1 when it cannot be opened or nothing of it could be read, with
 * the reason (without the file's name) in why; -2 when memory ran out. The shape of the judge of
 * ms_sources_opts. */
int ms_sniff_file(void *ctx, const char *path, char *why, size_t why_len);

#endif
