/* journal_text.h — journalctl's `-o json` and `-o export` output read as
 * plain log lines, and the line form every journal entry is given.
 *
 * An entry becomes one line that parse/record.c reads:
 *   `2025-05-05T06:25:46.000000Z HOST IDENT[PID]: MESSAGE\n`
 * time from __REALTIME_TIMESTAMP (UTC, microseconds), HOST from _HOSTNAME,
 * IDENT from SYSLOG_IDENTIFIER else _COMM, PID from SYSLOG_PID else _PID;
 * a missing part is left out with its space (no IDENT: no `IDENT[PID]:`).
 * Newlines inside a value become spaces; other bytes (NULs too) are kept.
 * journal_file.c makes the lines of a .journal file the same way. */
#ifndef MS_JOURNAL_TEXT_H
#define MS_JOURNAL_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "input/reader.h"

/* One JSON object a line; values are strings, arrays of byte numbers (a
 * binary value), arrays of those (a field given several times: the first
 * is used) or null (left out). A line that is not an object is passed on
 * as it is. */
extern const ms_unwrap_ops ms_unwrap_journal_json;
/* Entries of `FIELD=value` lines, or `FIELD\n` + 64-bit little-endian
 * length + bytes + `\n` for a binary value, ended by an empty line. */
extern const ms_unwrap_ops ms_unwrap_journal_export;

/* The ops for a stream whose first decoded bytes are p[0 .. n): export
 * when its first line starts with an upper-case field name and '=', json
 * when it is a `{` line with "__REALTIME_TIMESTAMP" or "__CURSOR"; NULL
 * for anything else. */
const ms_unwrap_ops *ms_journal_text_detect(const char *p, size_t n);

/* The fields a line is made of. */
enum {
    MS_JF_REALTIME,     /* __REALTIME_TIMESTAMP, decimal microseconds */
    MS_JF_HOSTNAME,
    MS_JF_IDENT,        /* SYSLOG_IDENTIFIER */
    MS_JF_COMM,
    MS_JF_SYSLOG_PID,
    MS_JF_PID,
    MS_JF_MESSAGE,
    MS_JF_N
};

/* An entry's values of those fields; v[k] NULL when absent. */
typedef struct ms_journal_entry {
    const char *v[MS_JF_N];
    size_t len[MS_JF_N];
} ms_journal_entry;

/* The MS_JF_ index of the field name s[0 .. n), or -1. */
int ms_journal_field(const char *s, size_t n);

#define MS_JOURNAL_NO_TIME UINT64_MAX

/* Append e's line to out. usec is the realtime stamp, MS_JOURNAL_NO_TIME
 * to take it from e (left out when e has none either). */
void ms_journal_line(ms_buf *out, uint64_t usec, const ms_journal_entry *e);

#endif
