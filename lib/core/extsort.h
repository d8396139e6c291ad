/* extsort.h — sort more fixed-size records than fit in memory.
 *
 * Records are copied into a sort buffer. When everything fits in the
 * budget, finish sorts it in place and next reads from memory: nothing
 * touches the disk. Otherwise each full buffer is sorted and written as a
 * run to one temporary file in tmpdir (O_TMPFILE, else mkstemp and an
 * immediate unlink: only the descriptor names it, so nothing is left
 * behind even on a crash). finish then merges runs with a k-way heap, in
 * as many passes as the budget's read buffers need, until one pass is left;
 * that last pass is done lazily by next. The sorted sequence is read
 * once: as the merges move on, what they have read goes back to the disk.
 *
 * The budget (mem bytes) is one allocation, made at the first add: the
 * sort buffer of mem / rec_size records, later cut into the merge's read
 * buffers (a share per run, of at least 64 KiB, or a third of a smaller
 * budget; a pass that writes keeps one more as its write buffer). Outside
 * it: 16 bytes per run (one run per budget's worth of records), about 50
 * bytes per run being merged (at most 65536 at once), and this struct. A
 * budget under 3 records is taken as 3 (two runs read, one written). The
 * file takes about the data's size on disk, and less as the last pass is
 * read (read ranges are released as holes where the filesystem can: a
 * caller writing out what next gives takes little more room than the
 * data). The sort is not stable: equal records
 * come out in any order. The comparator must be a total order. Not
 * thread-safe (its own thread, below, is its own business).
 *
 * A budget of 16 MiB or more moves the file with direct I/O
 * (core/tmpfile.h): its runs are written and read in large pieces.
 *
 * ms_extsort_background splits such a budget (a smaller one is sorted as
 * above) into two halves: when the one being filled is full, a thread of
 * the sort's own sorts it and writes it as a run while adds fill the
 * other. The comparator then gets, instead of ctx, what prepare(ctx)
 * returns, called on the adding thread for each run handed over and once
 * at finish (for the last run and the merges); done frees it after.
 * prepare copies what the comparator reads that the adding thread may
 * change meanwhile. Where no thread can be started the runs are sorted on
 * the adding thread, with prepared contexts too. */
#ifndef MS_EXTSORT_H
#define MS_EXTSORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* <0, 0, >0 like memcmp; ctx is the one given to ms_extsort_init (or
 * prepared from it). The records it sees are aligned only as rec_size
 * allows (copy fields out with memcpy unless rec_size is a multiple of
 * their alignment). */
typedef int (*ms_extsort_cmp)(const void *a, const void *b, void *ctx);
/* A context for the comparator, made from ctx; NULL when out of memory. */
typedef void *(*ms_extsort_prepare)(void *ctx);
typedef void (*ms_extsort_done)(void *prepared);

struct ms_extsort_run;
struct ms_extsort_cursor;
struct ms_extsort_worker;

/* Fields are private, but for the statistics marked read-only. */
typedef struct ms_extsort {
    size_t rec_size;
    size_t cap;                  /* records the budget holds (>= 3) */
    ms_extsort_cmp cmp;
    void *ctx;
    char *tmpdir;
    int fd;                      /* the temporary file, -1 until a spill */
    int state;
    char *buf;                   /* sort buffer, then all read buffers */
    char *fill;                  /* the sort buffer being filled */
    size_t fill_cap;             /* its room, records */
    size_t nbuf;                 /* records in it */
    ms_extsort_prepare prepare;  /* ms_extsort_background; else NULL */
    ms_extsort_done done;
    void *sort_ctx;              /* the comparator's: ctx, or prepared */
    void *prepared;              /* prepare's, from finish on */
    struct ms_extsort_worker *worker;
    int no_worker;               /* none could be started */
    size_t pos;                  /* next record to read, in memory */
    uint64_t count;
    uint64_t file_end;           /* bytes written to the file */
    struct ms_extsort_run *runs; /* live runs are runs[first..nruns) */
    size_t first, nruns, runs_cap;
    struct ms_extsort_cursor *cur;
    uint32_t *heap;              /* cursor indexes, smallest record first */
    size_t nheap;
    int pending;                 /* heap[0]'s record was handed out */
    ms_error err;                /* the first failure, repeated after */
    /* Read-only statistics. */
    uint64_t runs_written;       /* sorted runs spilled by add and finish */
    uint64_t merges_written;     /* merges of runs into a longer run */
    uint64_t bytes_written;      /* to the file, by runs and merges */
} ms_extsort;

/* rec_size > 0. tmpdir must be an existing, writable directory even when
 * the records would fit in memory (checked here, so a bad folder is known
 * before the work); it is copied. 0, or -1 with err filled and x zeroed. */
int ms_extsort_init(ms_extsort *x, size_t rec_size, size_t mem,
                    const char *tmpdir, ms_extsort_cmp cmp, void *ctx,
                    ms_error *err);
/* Runs sorted and written on a thread of their own (above); before the
 * first add. 0, or -1 with err filled. */
int ms_extsort_background(ms_extsort *x, ms_extsort_prepare prepare,
                          ms_extsort_done done, ms_error *err);
/* Copy one record in (rec_size bytes); may sort and write a run. 0 or -1. */
int ms_extsort_add(ms_extsort *x, const void *rec, ms_error *err);
/* No more adds: sort, or write the last run and merge down to one pass.
 * 0 or -1. */
int ms_extsort_finish(ms_extsort *x, ms_error *err);
/* The next record in order, valid until the next call on x; NULL at the
 * end (err->code MS_OK) or on error (err->code set). */
const void *ms_extsort_next(ms_extsort *x, ms_error *err);
/* Records added. */
uint64_t ms_extsort_count(const ms_extsort *x);
/* Frees the memory and closes the file; x may be zeroed or failed. */
void ms_extsort_free(ms_extsort *x);

#endif
