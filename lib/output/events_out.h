/* events_out.h — one event as a CSV row, an NDJSON line or a Timesketch
 * line.
 *
 * The columns, in order, are core/events_format.h's (docs/OUTPUTS.md says
 * what each holds). JSON objects carry the same names; strings are cleaned
 * the same way (text.h), numbers are numbers, empty values are "" (or null
 * for a missing time or dup_of). server is the event's host, else the
 * server label of its file (the folder it was found in), else "".
 *
 * Timesketch (`events --format timesketch`): NDJSON whose objects begin
 * with the three fields Timesketch's JSONL import requires — `message` (a
 * sentence: "auth_fail imap user=<alice> from 192.0.2.7 (dovecot)"),
 * `datetime` (the time, ISO 8601 in UTC) and `timestamp_desc` (what the
 * time is: "Failed login", "Successful login"…) — then every column as in
 * NDJSON. An event without a time is left out: a timeline cannot place
 * it. */
#ifndef MS_EVENTS_OUT_H
#define MS_EVENTS_OUT_H

#include <jansson.h>

#include "core/buf.h"
#include "core/event.h"
#include "output/csv_cell.h"

typedef enum ms_format { MS_FMT_CSV, MS_FMT_JSON, MS_FMT_TIMESKETCH } ms_format;

/* Writes rows one after another. Rows of one file (and one second) follow
 * each other, so it keeps the last file and time as written (csv_cell.h,
 * timeconv.h) and writes them again from there. */
typedef struct ms_event_writer {
    ms_format fmt;
    ms_csv_memo file;
    ms_time_memo time;
    ms_buf msg;   /* Timesketch: the message being made */
} ms_event_writer;

void ms_event_writer_init(ms_event_writer *w, ms_format f);
void ms_event_writer_free(ms_event_writer *w);

void ms_events_header(ms_buf *b, ms_format f);
/* file: the event's file name; server: its file's server label. */
void ms_event_write(ms_event_writer *w, ms_buf *b, const ms_event *e,
                    const char *file, const char *server);

/* Shared by the JSON writers (results.c too): a JSON string of s cleaned
 * as text.h says (NULL when memory ran out), and o dumped onto b with
 * jansson's flags (b->failed set on failure). */
json_t *ms_json_str(const char *s, size_t n);
void ms_json_dump(ms_buf *b, const json_t *o, size_t flags);

#endif
