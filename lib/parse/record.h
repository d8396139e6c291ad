/* record.h — split a log line into its header (time, host, program) and body.
 *
 * Recognised time stamps, at the start of the line (after an optional
 * `<PRI>` and RFC 5424 version):
 *   classic syslog   `May  4 00:47:41` (one- or two-digit day, optional
 *                    fraction) — no year: kind MS_TS_NOYEAR
 *   RFC 3339 / ISO   `2023-05-04T00:47:41.123+02:00`, `…Z`, journalctl
 *                    short-iso `…+0200`, tai64nlocal and exim
 *                    `2007-01-21 09:51:25.570281500` (no offset: local zone)
 *   TAI64N           `@4000000045b3…` (24 hex digits), converted as
 *                    tai64nlocal does (label − 2^62 − 10 s)
 *   journalctl       short-full `Mon 2025-05-05 00:47:41 CEST` (UTC, GMT and
 *                    numeric zones exact; another name: the local zone),
 *                    short-unix `1746398861.123456` (seconds since 1970)
 * After the stamp comes an optional host and a program tag `prog[pid]:`,
 * `prog(x):` or `prog:`. A line with no program tag (exim's own main log)
 * has an empty prog and its body is all that follows the stamp. */
#ifndef MS_RECORD_H
#define MS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "core/timeconv.h"

typedef enum ms_tskind {
    MS_TS_NONE = 0,   /* no stamp recognised */
    MS_TS_ABS,        /* time holds the UTC time */
    MS_TS_NOYEAR,     /* mon/day/sod/ns hold a local time without year */
} ms_tskind;

typedef struct ms_stamp {
    ms_tskind kind;
    ms_time time;         /* MS_TS_ABS */
    uint8_t mon, day;     /* MS_TS_NOYEAR: 1-12, 1-31 */
    uint32_t sod;         /* seconds of day, local */
    uint32_t ns;
} ms_stamp;

typedef struct ms_record {
    ms_stamp ts;
    const char *host;
    size_t host_len;
    const char *prog;     /* program name, without [pid] or (x); may be "" */
    size_t prog_len;
    const char *body;     /* from the program tag (or after the stamp) on */
    size_t body_len;
} ms_record;

/* Always fills r; returns r->ts.kind. */
ms_tskind ms_record_parse(const char *line, size_t len, ms_record *r);

/* Only the stamp: the same *ts as ms_record_parse gives, for less work. */
ms_tskind ms_record_stamp(const char *line, size_t len, ms_stamp *ts);

/* The same for consecutive lines: a classic (BSD) stamp is kept with the
 * line's first MS_STAMP_MEMO bytes and given again, unparsed, to a line
 * that starts with the same bytes (the lines of a busy log share their
 * second). Zero the memo before a file's first line. */
#define MS_STAMP_MEMO 16
typedef struct ms_stamp_memo {
    char head[MS_STAMP_MEMO];
    ms_stamp ts;
    int ok;
} ms_stamp_memo;

ms_tskind ms_record_stamp_memo(ms_stamp_memo *m, const char *line, size_t len,
                               ms_stamp *ts);

/* ms_record_parse with the same memo for the stamp. */
ms_tskind ms_record_parse_memo(ms_stamp_memo *m, const char *line, size_t len,
                               ms_record *r);

/* The time of stamp ts, a year-less one taken in year; MS_TIME_NONE for
 * none. */
ms_time ms_stamp_time(const ms_stamp *ts, int64_t year);

#endif
