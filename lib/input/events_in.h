/* events_in.h — read back an events file written by `mailsleuth events`.
 *
 * So a fleet's events can be extracted on each host and analysed centrally:
 * events.csv (the header row gives the column order; columns are found by
 * name, unknown ones ignored, missing optional ones left empty) or NDJSON
 * (one object per line), plain or compressed (read through ms_reader, "-"
 * is standard input). Columns and cell conventions are those of
 * core/events_format.h, whose inverses undo the writer's: the formula
 * guard (CSV only) and `\xNN` escaping, so names round-trip exactly, NUL
 * bytes and invalid UTF-8 included.
 *
 * A row that cannot be read (wrong number of fields, bad time, address,
 * outcome or number, malformed quoting, a row over 1 MiB, broken JSON) is
 * skipped with a warning naming the events file and its line; after 10
 * such warnings the rest are counted and reported once at the end. */
#ifndef MS_EVENTS_IN_H
#define MS_EVENTS_IN_H

#include <stddef.h>

#include "core/error.h"
#include "core/event.h"

enum {
    MS_EVFILE_NONE = 0,   /* not an events file */
    MS_EVFILE_CSV,        /* first line: a header with time, ip, outcome */
    MS_EVFILE_JSON,       /* first non-blank byte `{`, an object with outcome */
};

/* What the first bytes of a (decompressed) file are. n may cut the first
 * line short: a CSV header is judged on what is there, a JSON line that
 * does not parse is accepted if it holds "outcome". A UTF-8 BOM is
 * skipped. */
int ms_events_sniff(const char *first_bytes, size_t n);

/* The same for a file, on its first 64 KiB decompressed (ms_reader; "-" is
 * standard input, whose bytes are given back, so that the next reader of
 * stdin, events or log, reads it from its start). MS_EVFILE_NONE also when
 * the file cannot be opened or read: the caller's log reader reports why;
 * -1 when memory ran out. */
int ms_events_sniff_file(const char *path);

/* Called once per event. e's strings (user, method, reason, session, host)
 * and server (the server column; NULL when the row has none, as in files
 * written before it was added) point into memory valid only during the
 * call; e->source and file_column (the original log's name, from the file
 * column) stay valid until ms_events_read returns. e->file is the index of
 * file_column among the distinct names seen in this call (0, 1, 2... in
 * first-seen order). Return 0 to go on; anything else stops the read. */
typedef int (*ms_events_emit_fn)(void *ctx, const ms_event *e,
                                 const char *file_column,
                                 const ms_str *server);

/* Read path (name is what messages call it). Returns 0 when the whole file
 * was read (an empty file has no events); emit's value when emit stopped
 * the read; -1 with err filled when the file could not be opened, is not
 * an events file (MS_ERR_DATA, nothing emitted), memory ran out, or the
 * file broke part-way (a damaged archive, a read error: the events before
 * the break were emitted). Bad rows are warnings through w (may be NULL). */
int ms_events_read(const char *path, const char *name, ms_events_emit_fn emit,
                   void *ctx, const ms_warner *w, ms_error *err);

#endif
