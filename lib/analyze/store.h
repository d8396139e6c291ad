/* store.h — every event of a run, compact and in time order.
 *
 * Columns (one array per field) instead of an array of structs: analyses
 * read two or three fields of millions of events, and 16-byte addresses and
 * strings are interned once (ids 0…n in first-seen order, so the same input
 * gives the same ids). What varies little from event to event (outcome,
 * service, attempts, method, reason, source, host, file and the line's
 * high 32 bits) is interned together as one "shape", so an event takes 24
 * bytes: time, ip, user, shape, the line's low 32 bits; and 4 more for the
 * per-ip index. Duplicate events (one attempt logged twice, see
 * parse/dedup.h) are not stored. After ms_store_finish the events are
 * sorted by (time, file, line) and each ip has the list of its events, in
 * time order.
 *
 * A store may spill (analyze/spill.h): past a budget, its successes go to
 * temporary files and come back an address at a time (a view) or in time
 * order (a walk), into rooms after the rows in memory. Every loop over an
 * address's events or over all events takes them from a view or a walk,
 * which without a spill read the columns as they are.
 *
 * Each event has a server: the host name its line carries, else the label
 * of its file (the folder the file was found in, or the server an events
 * file read back names), else none. A label per file and the host give it:
 * no column of its own. */
#ifndef MS_STORE_H
#define MS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/event.h"
#include "core/intern.h"

/* The fields of an event that few events differ in. No padding: its bytes
 * are its key in the shapes table. */
typedef struct ms_shape {
    uint32_t method, reason, source, host;   /* ids in strs */
    uint32_t file;        /* index in files */
    uint32_t line_hi;     /* line >> 32 */
    uint16_t attempts;
    uint8_t outcome, service;
} ms_shape;

struct ms_spill;

typedef struct ms_store {
    size_t n, cap;        /* rows in the columns, and room */
    size_t nall;          /* events stored, spilled ones too */
    size_t nidx;          /* after ms_store_finish: indexes a view or walk
                             may give (n, and the spill's rooms) */
    size_t ready;         /* rows below it are mapped in (prefault.h) */
    ms_time *time;
    uint32_t *ip;         /* id in ips */
    uint32_t *user;       /* id in users */
    uint32_t *shape;      /* index in shapes */
    uint32_t *line_lo;    /* line & 0xffffffff */
    uint32_t *seq;        /* once spilling: each row's place in add order */
    struct ms_spill *spill;   /* NULL: every event in memory */
    ms_intern ips;        /* 16-byte ms_ip values */
    ms_ip *ipv;           /* the same by id, side by side (one load) */
    size_t nipv, ipv_cap;
    ms_intern users;
    ms_intern strs;
    ms_intern shape_ids;  /* ms_shape bytes -> index in shapes */
    ms_shape *shapes;     /* by index; shapes[0] is all zero */
    size_t shapes_cap;
    uint32_t last[6];     /* ids of the last event added (ms_store_add) */
    uint32_t recent[64];  /* shape ids by a cheap hash of the shape */
    char **files;         /* file names as the user gave them */
    uint32_t *file_server;   /* by file: its server label, id in strs */
    size_t nfiles;
    /* After ms_store_finish: events of ip k are by_ip[ip_start[k] ..
     * ip_start[k+1]), in time order. */
    uint32_t *by_ip;
    uint32_t *ip_start;
} ms_store;

int ms_store_init(ms_store *s);
void ms_store_free(ms_store *s);

/* Keep at most mem bytes' worth of successes in memory; the rest go to
 * temporary files in tmpdir, sorted on a thread of their own when
 * background is not 0 (spill.h). Before any add; s must not move after.
 * 0, or -1 with err filled (tmpdir not a writable folder, out of
 * memory). */
int ms_store_spill(ms_store *s, size_t mem, const char *tmpdir,
                   int background, ms_error *err);

/* Why the last call that failed did: the spill's first error (writing or
 * reading back its files), else out of memory. Always -1. */
int ms_store_fail(const ms_store *s, ms_error *err);

/* The spill's first error, if any, into err: -1; else 0. */
int ms_store_check(const ms_store *s, ms_error *err);

/* Add a file name (with no server label); returns its index, or -1 when
 * memory ran out. */
int64_t ms_store_add_file(ms_store *s, const char *name);

/* Label file with server name[0 .. n), for its events whose line carries
 * no host. -1 when memory ran out. */
int ms_store_set_server(ms_store *s, uint32_t file, const char *name,
                        size_t n);

/* Make room for `more` events beyond those stored, so that adding them
 * moves no column. -1 when memory ran out. */
int ms_store_reserve(ms_store *s, size_t more);

/* Append one event (duplicates are skipped); file is an index from
 * ms_store_add_file. -1 when memory ran out. */
int ms_store_add(ms_store *s, const ms_event *e, uint32_t file);

/* ms_store_add of e[0 .. k), each with its file, in that order: the same
 * store as k calls, faster when the tables outgrow the caches (their
 * lookups wait on memory together, core/intern.h). -1 when memory ran
 * out. */
int ms_store_add_many(ms_store *s, const ms_event *e, const uint32_t *file,
                      size_t k);

/* Before ms_store_finish (and without a spill): keep only the events timed within [from, to)
 * (MS_TIME_NONE: unbounded), as if the others had never been added (ids
 * given again; the store is copied when any is left out). -1 when memory
 * ran out. */
int ms_store_keep_window(ms_store *s, ms_time from, ms_time to);

/* Sort by time and build the per-ip index; write the spill's files. -1
 * when it failed (ms_store_fail says why). */
int ms_store_finish(ms_store *s);

/* Rows i and j in time order: by (time, file, line, add order). */
int ms_store_cmp(const ms_store *s, size_t i, size_t j);

/* 1 when some successes were spilled (after ms_store_finish). Without,
 * event i of the time order is row i and by_ip lists every event; with,
 * by_ip lists an ip's events in memory: enough for loops over failures,
 * relays and connections, which are never spilled. */
int ms_store_spilled(const ms_store *s);

/* The k-th ip (k < ips.n) in the order that reads spilled events back
 * fastest, for loops whose results do not depend on the order: k itself
 * without a spill. */
uint32_t ms_store_ip_at(const ms_store *s, uint32_t k);

/* Events of ip, in memory and spilled. */
size_t ms_store_ip_count(const ms_store *s, uint32_t ip);

/* An address's events, a reader at a time (after ms_store_finish). */
typedef struct ms_store_view {
    const ms_store *s;
    int slot;            /* its room, -1 without a spill */
} ms_store_view;

/* 0, or -1 when no room is free (the spill's error says so). */
int ms_store_view_open(const ms_store *s, ms_store_view *v);
/* The indexes of ip's events in time order, valid until the next call on
 * v; NULL with *n 0 when reading them back failed (ms_store_check). */
const uint32_t *ms_store_ip_events(ms_store_view *v, uint32_t ip, size_t *n);
void ms_store_view_close(ms_store_view *v);

/* Every event in time order (after ms_store_finish). */
typedef struct ms_store_walk {
    ms_store_view v;     /* its room */
    size_t i;            /* next row in memory */
    uint64_t j;          /* next spilled row to read */
    size_t k, nk;        /* next of the spilled rows read, their number */
} ms_store_walk;

int ms_store_walk_open(const ms_store *s, ms_store_walk *w);
/* The next event's index, valid until the next call; SIZE_MAX at the end
 * or when reading back failed (ms_store_check). */
size_t ms_store_walk_next(ms_store_walk *w);
void ms_store_walk_close(ms_store_walk *w);

/* Event i's outcome, service, attempts, method, reason, source, host and
 * file. */
static inline const ms_shape *ms_store_shape(const ms_store *s, size_t i)
{
    return &s->shapes[s->shape[i]];
}

/* The fields the analyses read most, of event i. */
static inline uint8_t ms_store_outcome(const ms_store *s, size_t i)
{
    return ms_store_shape(s, i)->outcome;
}

static inline uint8_t ms_store_service(const ms_store *s, size_t i)
{
    return ms_store_shape(s, i)->service;
}

static inline uint16_t ms_store_attempts(const ms_store *s, size_t i)
{
    return ms_store_shape(s, i)->attempts;
}

static inline uint32_t ms_store_file(const ms_store *s, size_t i)
{
    return ms_store_shape(s, i)->file;
}

static inline uint64_t ms_store_line(const ms_store *s, size_t i)
{
    return (uint64_t)ms_store_shape(s, i)->line_hi << 32 | s->line_lo[i];
}

/* Event i as an ms_event (no session, no dup_of); its strings point into
 * the store. */
void ms_store_event(const ms_store *s, size_t i, ms_event *e);

/* The server of event i, an id in strs; 0 ("") when it has none. */
static inline uint32_t ms_store_server(const ms_store *s, size_t i)
{
    const ms_shape *h = ms_store_shape(s, i);
    if (h->host)
        return h->host;
    return h->file < s->nfiles ? s->file_server[h->file] : 0;
}

static inline const ms_ip *ms_store_ip(const ms_store *s, uint32_t id)
{
    return &s->ipv[id];
}

#endif
