/* extsort.c — see extsort.h. Runs are sorted with core/recsort.h and
 * appended to one temporary file, in order (in the background mode by a
 * worker thread, given one run at a time under a mutex); a merge pass
 * reads the oldest runs (the smallest) and appends its output, so the
 * queue of runs stays in file order and a merged range is released at
 * once with a punched hole. The first merge takes just enough runs that
 * the later ones are all full. */
#include "extsort.h"

#include "core/recsort.h"
#include "core/tmpfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { ST_NONE, ST_ADD, ST_MEM, ST_DISK, ST_FAILED };

/* Read buffers aim at this size at least; fan-in is bounded by it. */
#define READ_BUF_MIN (64 * 1024)
#define FANIN_MAX 65536
/* Smaller halves are sorted here: a run would cost less than the copy
 * prepare makes for it. */
#define BACKGROUND_MIN ((size_t)8 << 20)
/* From this budget on, runs are written and read in pieces large enough
 * for direct I/O (core/tmpfile.h): at least 64 KiB, most far more. */
#define DIRECT_MIN ((size_t)16 << 20)

struct ms_extsort_run {
    uint64_t off;   /* byte offset in the file */
    uint64_t n;     /* records, >= 1 */
};

struct ms_extsort_cursor {
    char *rec;      /* current record, in buf */
    char *end;      /* end of the records read into buf */
    char *buf;
    uint64_t off;   /* next byte of the run to read */
    uint64_t start; /* the run's first byte */
    uint64_t freed; /* its bytes before this are given back to the disk */
    uint64_t left;  /* records of the run not yet read */
    size_t cap;     /* buf's size in records */
};

/* The thread that sorts and writes runs, and the run it was given. */
struct ms_extsort_worker {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const ms_extsort *x;   /* reads fd, rec_size, cmp and done only */
    int job, quit;         /* a run waits or is being done; stop */
    char *buf;
    size_t n;
    uint64_t off;
    void *ctx;
    int err_no;            /* the first failed write's errno, or 0 */
    uint64_t bytes;        /* written since the adding thread last looked */
};


/* ---- errors and file I/O ----------------------------------------------- */

static int fail(ms_extsort *x, ms_error *err, int code, const char *what,
                int e)
{
    ms_fail(&x->err, code, "%s: %s a temporary file for sorting: %s",
            x->tmpdir, what, strerror(e));
    x->state = ST_FAILED;
    if (err)
        *err = x->err;
    return -1;
}

static int fail_nomem(ms_extsort *x, ms_error *err)
{
    ms_fail(&x->err, MS_ERR_NOMEM, "sorting in %s: out of memory",
            x->tmpdir);
    x->state = ST_FAILED;
    if (err)
        *err = x->err;
    return -1;
}

/* Repeat the first failure, or report a call out of order. */
static int refuse(ms_extsort *x, ms_error *err, const char *call)
{
    if (x->state == ST_FAILED) {
        if (err)
            *err = x->err;
        return -1;
    }
    return ms_fail(err, MS_ERR_USAGE, "external sort: %s called out of order",
                   call);
}

static int open_file(ms_extsort *x, ms_error *err)
{
    int fd = ms_tmpfile(x->tmpdir);
    if (fd < 0)
        return errno == ENOMEM ? fail_nomem(x, err)
                               : fail(x, err, MS_ERR_IO, "cannot create", errno);
    x->fd = fd;
    if (x->cap * x->rec_size >= DIRECT_MIN)
        ms_tmpfile_direct(fd, 1);
    return 0;
}

static int write_at(ms_extsort *x, const char *p, size_t n, uint64_t off,
                    ms_error *err)
{
    if (ms_write_at(x->fd, p, n, off))
        return fail(x, err, MS_ERR_IO, "cannot write", errno);
    x->bytes_written += n;
    return 0;
}

static int read_at(ms_extsort *x, char *p, size_t n, uint64_t off,
                   ms_error *err)
{
    int r = ms_read_at(x->fd, p, n, off);
    if (r < 0)
        return fail(x, err, MS_ERR_IO, "cannot read", errno);
    if (r > 0) {
        ms_fail(&x->err, MS_ERR_IO, "%s: a temporary file for sorting "
                "ended early (at byte %llu)", x->tmpdir,
                (unsigned long long)off);
        x->state = ST_FAILED;
        if (err)
            *err = x->err;
        return -1;
    }
    return 0;
}

/* Best effort: give the disk space of a merged range back. */
static void release(ms_extsort *x, uint64_t off, uint64_t len)
{
#ifdef FALLOC_FL_PUNCH_HOLE
    (void)fallocate(x->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                    (off_t)off, (off_t)len);
#else
    (void)x, (void)off, (void)len;
#endif
}

static int push_run(ms_extsort *x, uint64_t off, uint64_t n, ms_error *err)
{
    if (x->nruns == x->runs_cap) {
        if (x->first) {
            memmove(x->runs, x->runs + x->first,
                    (x->nruns - x->first) * sizeof *x->runs);
            x->nruns -= x->first;
            x->first = 0;
        } else {
            size_t cap = x->runs_cap ? x->runs_cap * 2 : 64;
            if (cap > SIZE_MAX / sizeof *x->runs)
                return fail_nomem(x, err);
            void *p = realloc(x->runs, cap * sizeof *x->runs);
            if (!p)
                return fail_nomem(x, err);
            x->runs = p;
            x->runs_cap = cap;
        }
    }
    x->runs[x->nruns].off = off;
    x->runs[x->nruns].n = n;
    x->nruns++;
    return 0;
}

/* Where the next run, of n records, goes: the file's end, rounded up for
 * a run of a MiB or more, so that written from an aligned buffer it goes
 * straight to the disk (tmpfile.h); smaller ones are not worth a gap. */
static uint64_t run_start(const ms_extsort *x, uint64_t n)
{
    uint64_t a = n * x->rec_size < ((uint64_t)1 << 20) ? 1 : MS_TMPFILE_ALIGN;
    return (x->file_end + a - 1) / a * a;
}

/* ---- the worker -------------------------------------------------------- */

static void *work(void *arg)
{
    struct ms_extsort_worker *w = arg;
    const ms_extsort *x = w->x;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->job && !w->quit)
            pthread_cond_wait(&w->cv, &w->mu);
        if (!w->job)
            break;
        pthread_mutex_unlock(&w->mu);
        size_t bytes = w->n * x->rec_size;
        ms_recsort(w->buf, w->n, x->rec_size, x->cmp, w->ctx);
        int rc = ms_write_at(x->fd, w->buf, bytes, w->off), e = errno;
        x->done(w->ctx);
        pthread_mutex_lock(&w->mu);
        if (rc && !w->err_no)
            w->err_no = e ? e : EIO;
        if (!rc)
            w->bytes += bytes;
        w->job = 0;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Wait until the worker is idle; its failure becomes the sort's. */
static int worker_wait(ms_extsort *x, ms_error *err)
{
    struct ms_extsort_worker *w = x->worker;
    pthread_mutex_lock(&w->mu);
    while (w->job)
        pthread_cond_wait(&w->cv, &w->mu);
    int e = w->err_no;
    x->bytes_written += w->bytes;
    w->bytes = 0;
    pthread_mutex_unlock(&w->mu);
    return e ? fail(x, err, MS_ERR_IO, "cannot write", e) : 0;
}

static void worker_stop(ms_extsort *x)
{
    struct ms_extsort_worker *w = x->worker;
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->quit = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->th, NULL);   /* after the run it holds, if any */
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
    x->worker = NULL;
}

static int worker_start(ms_extsort *x)
{
    struct ms_extsort_worker *w = calloc(1, sizeof *w);
    if (!w)
        return -1;
    w->x = x;
    if (pthread_mutex_init(&w->mu, NULL)) {
        free(w);
        return -1;
    }
    if (pthread_cond_init(&w->cv, NULL)) {
        pthread_mutex_destroy(&w->mu);
        free(w);
        return -1;
    }
    if (pthread_create(&w->th, NULL, work, w)) {
        pthread_cond_destroy(&w->cv);
        pthread_mutex_destroy(&w->mu);
        free(w);
        return -1;
    }
    x->worker = w;
    return 0;
}

/* Hand the fill buffer's records, to be sorted with ctx and written at
 * off, to the worker (started at the first run; the other half of the
 * budget is filled next). 0 when there is no worker. */
static int worker_take(ms_extsort *x, void *ctx, uint64_t off)
{
    if (!x->worker && (x->no_worker || worker_start(x))) {
        x->no_worker = 1;
        return 0;
    }
    struct ms_extsort_worker *w = x->worker;
    pthread_mutex_lock(&w->mu);
    w->buf = x->fill;
    w->n = x->nbuf;
    w->off = off;
    w->ctx = ctx;
    w->job = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    size_t half = (x->fill_cap * x->rec_size + MS_TMPFILE_ALIGN - 1) /
                  MS_TMPFILE_ALIGN * MS_TMPFILE_ALIGN;
    x->fill = x->fill == x->buf ? x->buf + half : x->buf;
    return 1;
}

/* ---- runs --------------------------------------------------------------- */

/* Sort the fill buffer and append it to the file as a run: on the worker
 * while adds go on in the background mode, else here. */
static int spill(ms_extsort *x, ms_error *err)
{
    if (x->fd < 0 && open_file(x, err) < 0)
        return -1;
    uint64_t off = run_start(x, x->nbuf);
    size_t n = x->nbuf, bytes = n * x->rec_size;
    void *ctx = x->sort_ctx;
    if (x->prepare && !x->prepared) {   /* a run of the adds */
        if (x->worker && worker_wait(x, err) < 0)
            return -1;
        if (!(ctx = x->prepare(x->ctx)))
            return fail_nomem(x, err);
    }
    if (push_run(x, off, n, err) < 0) {
        if (ctx != x->sort_ctx)
            x->done(ctx);
        return -1;
    }
    x->file_end = off + bytes;
    x->runs_written++;
    if (ctx != x->sort_ctx && worker_take(x, ctx, off)) {
        x->nbuf = 0;
        return 0;
    }
    ms_recsort(x->fill, n, x->rec_size, x->cmp, ctx);
    if (ctx != x->sort_ctx)
        x->done(ctx);
    x->nbuf = 0;
    return write_at(x, x->fill, bytes, off, err);
}

/* ---- merging ----------------------------------------------------------- */

static inline int cur_less(const ms_extsort *x, uint32_t a, uint32_t b)
{
    return x->cmp(x->cur[a].rec, x->cur[b].rec, x->sort_ctx) < 0;
}

/* Restore the heap below i after heap[i] grew. When the item still beats
 * its children (runs that hardly overlap, as time-ordered logs give) that
 * is two comparisons; else it goes down the smaller children to a leaf and
 * back up (Floyd), about log2 k comparisons instead of 2 log2 k. */
static void sift(ms_extsort *x, size_t i)
{
    uint32_t *h = x->heap;
    size_t n = x->nheap, c = 2 * i + 1;
    if (c >= n)
        return;
    uint32_t item = h[i];
    if (c + 1 < n && cur_less(x, h[c + 1], h[c]))
        c++;
    if (!cur_less(x, h[c], item))
        return;
    size_t top = i;
    h[i] = h[c];
    i = c;
    for (c = 2 * i + 1; c < n; c = 2 * i + 1) {
        if (c + 1 < n && cur_less(x, h[c + 1], h[c]))
            c++;
        h[i] = h[c];
        i = c;
    }
    while (i > top) {
        size_t p = (i - 1) / 2;
        if (!cur_less(x, item, h[p]))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = item;
}

static int fill(ms_extsort *x, struct ms_extsort_cursor *c, ms_error *err)
{
    size_t k = c->left < c->cap ? (size_t)c->left : c->cap;
    size_t bytes = k * x->rec_size;
    if (read_at(x, c->buf, bytes, c->off, err) < 0)
        return -1;
    c->rec = c->buf;
    c->end = c->buf + bytes;
    c->off += bytes;
    c->left -= k;
    return 0;
}

/* Read runs[from..from+m), each with a buffer of per records. */
static int merge_open(ms_extsort *x, size_t from, size_t m, size_t per,
                      ms_error *err)
{
    for (size_t j = 0; j < m; j++) {
        struct ms_extsort_cursor *c = &x->cur[j];
        c->buf = x->buf + j * per * x->rec_size;
        c->cap = per;
        c->off = c->start = c->freed = x->runs[from + j].off;
        c->left = x->runs[from + j].n;
        if (fill(x, c, err) < 0)
            return -1;
        x->heap[j] = (uint32_t)j;
    }
    x->nheap = m;
    for (size_t i = m / 2; i-- > 0;)
        sift(x, i);
    x->pending = 0;
    return 0;
}

/* Give the disk back the bytes of c's run read and handed out, from the
 * block where the last such release stopped (bytes of other runs that
 * share a block are never touched: a hole punched in part of a block
 * zeroes only that part). */
static void release_read(ms_extsort *x, struct ms_extsort_cursor *c)
{
    uint64_t from = c->freed - c->freed % MS_TMPFILE_ALIGN;
    if (from < c->start)
        from = c->start;
    release(x, from, c->off - from);
    c->freed = c->off;
}

/* The smallest record of the merge, or NULL at its end or on failure
 * (x->state tells). The run it came from moves on at the next call. */
static const void *merge_next(ms_extsort *x, ms_error *err)
{
    if (x->pending) {
        x->pending = 0;
        struct ms_extsort_cursor *c = &x->cur[x->heap[0]];
        c->rec += x->rec_size;
        if (c->rec == c->end) {
            release_read(x, c);
            if (c->left) {
                if (fill(x, c, err) < 0)
                    return NULL;
            } else {
                x->heap[0] = x->heap[--x->nheap];
            }
        }
        sift(x, 0);
    }
    if (!x->nheap)
        return NULL;
    x->pending = 1;
    return x->cur[x->heap[0]].rec;
}

/* Merge the m oldest runs into one appended to the file. */
static int merge_pass(ms_extsort *x, size_t m, ms_error *err)
{
    size_t rs = x->rec_size, per = x->cap / (m + 1);
    if (merge_open(x, x->first, m, per, err) < 0)
        return -1;
    char *out = x->buf + m * per * rs, *o = out, *oend = out + per * rs;
    uint64_t total = 0;
    for (size_t j = 0; j < m; j++)
        total += x->runs[x->first + j].n;
    uint64_t start = run_start(x, total), off = start, n = 0;
    const void *r;
    while ((r = merge_next(x, err))) {
        memcpy(o, r, rs);
        o += rs;
        n++;
        if (o == oend) {
            if (write_at(x, out, (size_t)(o - out), off, err) < 0)
                return -1;
            off += (uint64_t)(o - out);
            o = out;
        }
    }
    if (x->state == ST_FAILED)
        return -1;
    if (o > out && write_at(x, out, (size_t)(o - out), off, err) < 0)
        return -1;
    x->file_end = start + n * rs;
    const struct ms_extsort_run *last = &x->runs[x->first + m - 1];
    uint64_t from = x->runs[x->first].off;
    release(x, from, last->off + last->n * rs - from);
    x->first += m;
    x->merges_written++;
    return push_run(x, start, n, err);
}

/* ---- the interface ----------------------------------------------------- */

int ms_extsort_init(ms_extsort *x, size_t rec_size, size_t mem,
                    const char *tmpdir, ms_extsort_cmp cmp, void *ctx,
                    ms_error *err)
{
    memset(x, 0, sizeof *x);
    x->fd = -1;
    if (!rec_size || rec_size > SIZE_MAX / 3 || !cmp || !tmpdir)
        return ms_fail(err, MS_ERR_USAGE,
                       "external sort: bad record size, comparator or folder");
    struct stat st;
    if (stat(tmpdir, &st) != 0)
        return ms_fail(err, MS_ERR_IO, "%s: cannot use this folder for "
                       "sorting: %s", tmpdir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return ms_fail(err, MS_ERR_IO, "%s: cannot use this folder for "
                       "sorting: %s", tmpdir, strerror(ENOTDIR));
    if (faccessat(AT_FDCWD, tmpdir, W_OK | X_OK, AT_EACCESS) != 0)
        return ms_fail(err, MS_ERR_IO, "%s: cannot use this folder for "
                       "sorting: %s", tmpdir, strerror(errno));
    x->tmpdir = strdup(tmpdir);
    if (!x->tmpdir)
        return ms_fail(err, MS_ERR_NOMEM, "sorting in %s: out of memory",
                       tmpdir);
    x->rec_size = rec_size;
    x->cap = mem / rec_size < 3 ? 3 : mem / rec_size;
    x->cmp = cmp;
    x->ctx = x->sort_ctx = ctx;
    x->state = ST_ADD;
    return 0;
}

int ms_extsort_background(ms_extsort *x, ms_extsort_prepare prepare,
                          ms_extsort_done done, ms_error *err)
{
    if (x->state != ST_ADD || x->buf || !prepare || !done)
        return refuse(x, err, "background");
    x->prepare = prepare;
    x->done = done;
    return 0;
}

int ms_extsort_add(ms_extsort *x, const void *rec, ms_error *err)
{
    if (x->state != ST_ADD)
        return refuse(x, err, "add");
    if (!x->buf) {
        /* Two halves, the second aligned: both go straight to the disk. */
        if (x->cap / 2 * x->rec_size < BACKGROUND_MIN)
            x->prepare = NULL;
        x->fill_cap = x->prepare ? x->cap / 2 : x->cap;
        x->buf = ms_tmpfile_buf(x->cap * x->rec_size +
                                (x->prepare ? MS_TMPFILE_ALIGN : 0));
        if (!x->buf)
            return fail_nomem(x, err);
        x->fill = x->buf;
    } else if (x->nbuf == x->fill_cap && spill(x, err) < 0) {
        return -1;
    }
    memcpy(x->fill + x->nbuf * x->rec_size, rec, x->rec_size);
    x->nbuf++;
    x->count++;
    return 0;
}

int ms_extsort_finish(ms_extsort *x, ms_error *err)
{
    if (x->state != ST_ADD)
        return refuse(x, err, "finish");
    if (x->prepare) {   /* the worker's last run written, then a context */
        int rc = x->worker ? worker_wait(x, err) : 0;
        worker_stop(x);
        if (rc < 0)
            return -1;
        if (!(x->prepared = x->prepare(x->ctx)))
            return fail_nomem(x, err);
        x->sort_ctx = x->prepared;
    }
    if (x->fd < 0) {
        ms_recsort(x->fill, x->nbuf, x->rec_size, x->cmp, x->sort_ctx);
        x->pos = 0;
        x->state = ST_MEM;
        return 0;
    }
    if (x->nbuf && spill(x, err) < 0)
        return -1;
    /* Buffers of at least bmin records: 64 KiB, but three fit in all. */
    size_t bmin = READ_BUF_MIN / x->rec_size;
    if (bmin > x->cap / 3)
        bmin = x->cap / 3;
    if (bmin < 1)
        bmin = 1;
    size_t kfinal = x->cap / bmin, kpass = kfinal - 1;
    if (kfinal > FANIN_MAX)
        kfinal = kpass = FANIN_MAX;
    size_t live = x->nruns - x->first;
    size_t k = live < kfinal ? live : kfinal;
    x->cur = calloc(k, sizeof *x->cur);
    x->heap = calloc(k, sizeof *x->heap);
    if (!x->cur || !x->heap)
        return fail_nomem(x, err);
    while ((live = x->nruns - x->first) > kfinal) {
        size_t extra = (live - kfinal) % (kpass - 1);
        if (merge_pass(x, extra ? extra + 1 : kpass, err) < 0)
            return -1;
    }
    if (merge_open(x, x->first, live, x->cap / live, err) < 0)
        return -1;
    x->state = ST_DISK;
    return 0;
}

const void *ms_extsort_next(ms_extsort *x, ms_error *err)
{
    if (x->state == ST_MEM) {
        if (x->pos < x->nbuf)
            return x->fill + x->pos++ * x->rec_size;
    } else if (x->state == ST_DISK) {
        const void *r = merge_next(x, err);
        if (r || x->state == ST_FAILED)
            return r;
    } else {
        refuse(x, err, "next");
        return NULL;
    }
    if (err) {
        err->code = MS_OK;
        err->msg[0] = '\0';
    }
    return NULL;
}

uint64_t ms_extsort_count(const ms_extsort *x)
{
    return x->count;
}

void ms_extsort_free(ms_extsort *x)
{
    worker_stop(x);
    if (x->prepared)
        x->done(x->prepared);
    if (x->state != ST_NONE && x->fd >= 0)
        close(x->fd);
    free(x->buf);
    free(x->runs);
    free(x->cur);
    free(x->heap);
    free(x->tmpdir);
    memset(x, 0, sizeof *x);
    x->fd = -1;
}
