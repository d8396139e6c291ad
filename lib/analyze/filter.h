/* filter.h — which events a run keeps: --since, --until, --user, --ip,
 * --server. The events a filter does not choose are left out where they
 * enter the store (run/run_store.c) and where `events` streams them
 * (output/events_stream.c), so every analysis sees only the chosen ones.
 *
 * Kinds combine with AND, values of one kind with OR. Times: since is
 * inclusive, until exclusive ([since, until)); an event without a time is
 * left out when either is set. A bound is an ISO date (2025-05-04), a date
 * and time (2025-05-04T10:00, 2025-05-04 10:00:00+02:00; without a zone,
 * in the process time zone, as log stamps are), or a span back from the
 * last event of the input before any filter (7d, 12h, 30m, 45s, 2w). A
 * user is matched exactly (bytes, case included); an address by a CIDR
 * (analyze/cidr.h, IPv4 or IPv6; a bare address is its /32 or /128); a
 * server is the event's host, else its file's label (the folder it was
 * found in, or the server an events file names: analyze/store.h).
 *
 * Values are checked as they are added (ms_filter_add); the times are
 * turned into instants by ms_filter_resolve once the time zone is set and,
 * for a span, the last event is known. The strings given are kept by
 * pointer: they must outlive the filter. */
#ifndef MS_FILTER_H
#define MS_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "analyze/cidr.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/event.h"

#define MS_FILTER_MAX 64   /* values of one kind */

typedef enum ms_filter_kind {
    MS_FILTER_SINCE,
    MS_FILTER_UNTIL,
    MS_FILTER_USER,
    MS_FILTER_IP,
    MS_FILTER_SERVER,
} ms_filter_kind;

/* A time bound as given: none (arg NULL), a time (span 0) or a span. */
typedef struct ms_filter_when {
    const char *arg;
    int64_t span;           /* seconds back from the last event; 0: a time */
} ms_filter_when;

typedef struct ms_filter {
    ms_filter_when since, until;
    const char *users[MS_FILTER_MAX];
    size_t nusers;
    ms_cidr ips[MS_FILTER_MAX];
    size_t nips;
    const char *servers[MS_FILTER_MAX];
    size_t nservers;
    /* Set by ms_filter_resolve: [from, to), MS_TIME_NONE when unbounded;
     * last is the last event the spans count back from (MS_TIME_NONE: no
     * event has a time). */
    ms_time from, to, last;
} ms_filter;

/* A filter that keeps everything. */
void ms_filter_init(ms_filter *f);

/* Add one value of a kind (a time bound replaces the one before). -1
 * with err (MS_ERR_USAGE) on a value that cannot be read. */
int ms_filter_add(ms_filter *f, ms_filter_kind kind, const char *arg,
                  ms_error *err);

/* Parse a time bound: *span the seconds of a span (7d), or 0 and *t the
 * instant (zone-less times in the process time zone). -1 if neither. */
int ms_filter_parse_when(const char *s, ms_time *t, int64_t *span);

/* Anything to filter on; and a span that needs the last event. */
bool ms_filter_active(const ms_filter *f);
bool ms_filter_needs_last(const ms_filter *f);

/* Turn the time bounds into [from, to): times read now (the process time
 * zone applies), spans back from last. With last MS_TIME_NONE (not known
 * yet, or no event has a time) a span bounds nothing; an event without a
 * time is left out all the same. */
void ms_filter_resolve(ms_filter *f, ms_time last);

/* The latest of *last and the event's time. */
static inline void ms_filter_see(ms_time *last, const ms_event *e)
{
    if (e->outcome != MS_OUT_NONE && e->time > *last)
        *last = e->time;
}

/* Whether a resolved filter keeps e; label is its file's server label
 * ("" for none), the server when the event names no host. */
bool ms_filter_match(const ms_filter *f, const ms_event *e, const char *label);

/* The filters applied, for a person: "since 2025-05-04T00:00:00Z (7d
 * before the last event, …); user bob or alice; …". Nothing when none. */
void ms_filter_describe(const ms_filter *f, ms_buf *b);

#endif
