/* spill.h — the store's successes on disk, when there are too many to keep.
 *
 * A provider's logs are nearly all successful logins; the analyses need
 * them only an address at a time (per-address loops) or in time order
 * (the events table, the report's totals). Once more successes than the
 * budget holds have been added, the store moves them, and every later one,
 * into an external sort (core/extsort.h) by (address, time, file, line, add
 * order), the addresses in their canonical order (IPv4 first, then by
 * bytes: the order the outputs list them in, so that their loops read
 * the file straight through); failures, relays and connections stay in
 * memory. Finishing
 * writes them out in that order as 28-byte rows, with the first row of
 * each address, then sorts them again into a second file by (time, file,
 * line, add order). That second sort is spared when the successes came in
 * that order (one events file, or one log): they are also appended, as
 * they come, to a file of their own for as long as each comes after the
 * one before, and that file is the second. All are nameless temporary
 * files in the folder given.
 *
 * Reading back (store.h's views and walks) copies rows into room at the
 * end of the store's columns, one region a reader ("slot"), so that every
 * analysis keeps indexing the columns with an event's index. Without a
 * spill nothing here is used and the store is as it always was. */
#ifndef MS_SPILL_H
#define MS_SPILL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/store.h"
#include "core/extsort.h"

#define MS_SPILL_ROW 28          /* time, ip, user, shape, line_lo, seq */
#define MS_SPILL_SLOTS 8         /* readers at once */
#define MS_SPILL_CHUNK 4096      /* rows a time walk reads a call */
#define MS_SPILL_WINDOW 37449    /* rows of fd_ip a view reads a call (1 MiB) */

/* Rows appended to a file through a buffer. */
typedef struct ms_spill_out {
    int fd;                      /* -1: none */
    uint64_t off;                /* bytes written */
    size_t n;                    /* bytes in b */
    unsigned char *b;
} ms_spill_out;

/* What the sort by address reads: the store's arrays, set before each
 * add (for a run sorted on the adding thread), or copies of them (for one
 * sorted on the sort's own thread while the store grows). */
typedef struct ms_spill_ipview {
    const uint64_t *ipkey;       /* by ip: its place as 64 bits tell it */
    size_t nipkey;
    const ms_shape *shapes;
    size_t nshapes;
    const ms_ip *ips;            /* by ip */
    size_t nips;
} ms_spill_ipview;

typedef struct ms_spill {
    size_t mem;                  /* the budget, bytes: half the kept
                                    successes' and half the first sort's,
                                    then the second sort's */
    size_t keep;                 /* successes kept in memory before spilling */
    size_t kept;                 /* successes in memory so far */
    int active;                  /* successes go to the sort */
    char *tmpdir;
    ms_extsort sort;             /* by (address, time, file, line, seq) */
    ms_spill_ipview view;        /* the sort's context */
    uint64_t *ipkey;             /* by ip: its place as 64 bits tell it */
    size_t nipkey, ipkey_cap;
    int in_order;                /* every row came after the one before,
                                    by (time, file, line, add order) */
    ms_spill_out added;          /* … and went here, while that lasts */
    unsigned char last[MS_SPILL_ROW];   /* the row added last */
    ms_error err;                /* the first failure, sticky */
    pthread_mutex_t lock;        /* err and the slots */
    /* After ms_spill_finish. */
    int fd_ip, fd_time;          /* rows by ip; rows by time */
    uint64_t rows;
    uint64_t *ip_off;            /* by ip: its first row in fd_ip */
    uint32_t *ip_rows;           /* by ip: its rows there */
    uint32_t *order;             /* ips in fd_ip's order, then the others */
    size_t most;                 /* most events (memory and spilled) of one ip */
    size_t tail;                 /* rows of the columns a slot has */
    int used[MS_SPILL_SLOTS];
    uint32_t *idx[MS_SPILL_SLOTS];   /* a view's merged list, most long */
    unsigned char *buf[MS_SPILL_SLOTS];  /* rows read, tail long */
    unsigned char *win[MS_SPILL_SLOTS];  /* a view's window on fd_ip */
    uint64_t wlo[MS_SPILL_SLOTS], whi[MS_SPILL_SLOTS];  /* its rows */
} ms_spill;

/* Successes of store s (which must not move) beyond mem bytes of rows go
 * to a temporary file in tmpdir (checked now); background: the sort's
 * runs may be sorted on a thread of its own (core/extsort.h). 0, or -1
 * with err filled. */
int ms_spill_init(ms_spill *p, const ms_store *s, size_t mem,
                  const char *tmpdir, int background, ms_error *err);
void ms_spill_free(ms_spill *p);

/* Add row i of the store's columns to the sort. 0 or -1 (p->err). */
int ms_spill_add(ms_spill *p, const ms_store *s, size_t i);

/* Once the memory rows are sorted: write both files and find each ip's
 * rows. 0 or -1 (p->err). */
int ms_spill_finish(ms_spill *p, const ms_store *s);

/* Record the first failure (err: its sentence); always -1. */
int ms_spill_fail(ms_spill *p, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Copy row bytes r into row i of the columns. */
void ms_spill_unpack(const ms_store *s, size_t i, const unsigned char *r);

#endif
