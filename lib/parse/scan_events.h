/* scan_events.h — the events of one file as the scan keeps them: compact.
 *
 * An ms_event is 136 bytes of pointers, lengths and padding, and the scan
 * kept each event's stamp beside it (32 more) until the file's years were
 * known. A million events were most of a scan's memory, and memory costs
 * time as well as room: each fresh page is a trap into the kernel (several
 * microseconds on a virtual machine, docs/PERFORMANCE.md). Here an event
 * takes 64 bytes. Its strings live once in a pool of the file, each
 * length-prefixed, and the event holds their offsets (a string equal to
 * the one the previous event had in that column is not stored again); its
 * source is an index in a table of the few sources; a duplicate holds how
 * many events back its counted event is; a year-less stamp stays, packed,
 * in the time, and becomes a time when the event is read, in the year
 * years.h gave the file (year0) plus the wraps before the event.
 *
 * Events are appended in line order and read back one at a time as an
 * ms_event (ms_scan_events_get). dedup.h reads and enriches earlier events
 * in place, through the fields below. */
#ifndef MS_SCAN_EVENTS_H
#define MS_SCAN_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "parse/record.h"

enum { MS_SEV_USER, MS_SEV_METHOD, MS_SEV_REASON, MS_SEV_SESSION,
       MS_SEV_HOST, MS_SEV_NSTR };

typedef struct ms_sev {
    ms_time time;        /* UTC; or the year-less stamp, packed (pending) */
    ms_ip ip;
    uint64_t line;
    uint32_t str[MS_SEV_NSTR];   /* pool offsets (in 4-byte units) */
    uint32_t dup;        /* duplicate: its counted event is this far back */
    uint16_t attempts;
    uint16_t wrap;       /* Dec->Jan wraps of the file before this event */
    uint8_t outcome, service, source;
    uint8_t pending;     /* 1: time holds a year-less stamp */
} ms_sev;

typedef struct ms_scan_events {
    ms_sev *ev;
    size_t n;
    size_t cap, ready;   /* bytes: room in ev, mapped in (prefault.h) */
    char *pool;          /* 4-byte units: [length][bytes, NUL, padding] */
    size_t pool_len, pool_cap, pool_ready;   /* in bytes */
    size_t *marks;       /* the pool's end before every MARK_EVERY-th event */
    size_t nmarks;
    size_t released_ev, released_pool;   /* bytes given back (release) */
    const char *sources[256];
    unsigned nsources;
    int64_t year0;       /* year of wrap 0 (years.h); 0: not known yet */
} ms_scan_events;

void ms_scan_events_init(ms_scan_events *s);
void ms_scan_events_free(ms_scan_events *s);

/* Append e (its strings copied, its time from ts) with the wraps of the
 * file before it. -1 when memory ran out. */
int ms_scan_events_add(ms_scan_events *s, const ms_event *e,
                       const ms_stamp *ts, uint16_t wrap);

/* Event i as an ms_event of file `file`; its strings point into the pool
 * and stay valid until the next add. A year-less stamp has no time
 * (MS_TIME_NONE) until year0 is set. */
void ms_scan_events_get(const ms_scan_events *s, size_t i, uint32_t file,
                        ms_event *out);

/* Give back the memory of events before upto (and of strings only they
 * use): they may not be read again. For readers that take each event once,
 * in order, so that a copy elsewhere can grow while this shrinks. */
void ms_scan_events_release(ms_scan_events *s, size_t upto);

/* The string at pool offset off. */
ms_str ms_scan_events_str(const ms_scan_events *s, uint32_t off);


#endif
