/* spill.c — see spill.h. A row is packed as time (8 bytes), then ip, user,
 * shape, the line's low half and the add order (4 each), in host order:
 * the files never outlive the process. */
#include "spill.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/tmpfile.h"

#define OUT_BUF ((size_t)1 << 20)   /* bytes written a call */

int ms_spill_fail(ms_spill *p, int code, const char *fmt, ...)
{
    char msg[sizeof p->err.msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&p->lock);
    if (p->err.code == MS_OK)
        ms_fail(&p->err, code, "%s", msg);
    pthread_mutex_unlock(&p->lock);
    return -1;
}

static void pack(const ms_store *s, size_t i, unsigned char *r)
{
    uint32_t v[5] = {s->ip[i], s->user[i], s->shape[i], s->line_lo[i],
                     s->seq[i]};
    memcpy(r, &s->time[i], 8);
    memcpy(r + 8, v, sizeof v);
}

void ms_spill_unpack(const ms_store *s, size_t i, const unsigned char *r)
{
    uint32_t v[5];
    memcpy(&s->time[i], r, 8);
    memcpy(v, r + 8, sizeof v);
    s->ip[i] = v[0];
    s->user[i] = v[1];
    s->shape[i] = v[2];
    s->line_lo[i] = v[3];
    s->seq[i] = v[4];
}

typedef struct key {
    ms_time time;
    uint32_t ip, file, seq;
    uint64_t line;
} key;

static key key_of(const ms_shape *shapes, const unsigned char *r)
{
    key k;
    uint32_t v[5];
    memcpy(&k.time, r, 8);
    memcpy(v, r + 8, sizeof v);
    const ms_shape *h = &shapes[v[2]];
    k.ip = v[0];
    k.file = h->file;
    k.line = (uint64_t)h->line_hi << 32 | v[3];
    k.seq = v[4];
    return k;
}

static int cmp_time(const key *a, const key *b)
{
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int by_time(const void *x, const void *y, void *ctx)
{
    const ms_store *s = ctx;
    key a = key_of(s->shapes, x), b = key_of(s->shapes, y);
    return cmp_time(&a, &b);
}

/* An address's place in canonical order (IPv4 first, then by bytes) as
 * far as 64 bits tell it: an IPv4 address whole, an IPv6 one by its first
 * 63 bits after a high bit. Equal keys are told apart by the bytes. */
static uint64_t order_key(const ms_ip *ip)
{
    uint64_t k = 0;
    if (ms_ip_is_v4(ip)) {
        for (int i = 12; i < 16; i++)
            k = k << 8 | ip->b[i];
        return k;
    }
    for (int i = 0; i < 8; i++)
        k = k << 8 | ip->b[i];
    return (uint64_t)1 << 63 | k >> 1;
}

/* The view of the store as it is now (before an add: a run sorted on
 * this thread sees every address and shape). */
static void view_now(ms_spill *p, const ms_store *s)
{
    p->view = (ms_spill_ipview){p->ipkey, p->nipkey, s->shapes,
                                s->shape_ids.n, s->ipv, s->nipv};
}

/* A copy of view ctx, for a run sorted on the sort's own thread: one
 * allocation, freed with free. */
static void *view_copy(void *ctx)
{
    const ms_spill_ipview *w = ctx;
    size_t bk = w->nipkey * sizeof *w->ipkey;
    size_t bh = w->nshapes * sizeof *w->shapes;
    _Static_assert(sizeof(ms_spill_ipview) % _Alignof(uint64_t) == 0 &&
                   sizeof(uint64_t) % _Alignof(ms_shape) == 0 &&
                   sizeof(ms_shape) % _Alignof(ms_ip) == 0, "packing");
    char *m = malloc(sizeof *w + bk + bh + w->nips * sizeof *w->ips);
    if (!m)
        return NULL;
    ms_spill_ipview *v = (ms_spill_ipview *)m;
    uint64_t *k = (uint64_t *)(m + sizeof *v);
    ms_shape *h = (ms_shape *)((char *)k + bk);
    ms_ip *ip = (ms_ip *)((char *)h + bh);
    if (bk)   /* no address keyed yet: ipkey may be NULL */
        memcpy(k, w->ipkey, bk);
    memcpy(h, w->shapes, bh);
    memcpy(ip, w->ips, w->nips * sizeof *w->ips);
    *v = (ms_spill_ipview){k, w->nipkey, h, w->nshapes, ip, w->nips};
    return v;
}

/* Addresses in canonical order (distinct ids are distinct addresses),
 * by their keys: the bytes are read only when those are equal. */
static int by_ip(const void *x, const void *y, void *ctx)
{
    const ms_spill_ipview *v = ctx;
    uint32_t i, j;
    memcpy(&i, (const char *)x + 8, 4);
    memcpy(&j, (const char *)y + 8, 4);
    if (i != j) {
        uint64_t ki = v->ipkey[i], kj = v->ipkey[j];
        if (ki != kj)
            return ki < kj ? -1 : 1;
        const ms_ip *p = &v->ips[i], *q = &v->ips[j];
        int v6p = !ms_ip_is_v4(p), v6q = !ms_ip_is_v4(q);
        if (v6p != v6q)
            return v6p - v6q;
        return memcmp(p->b, q->b, sizeof p->b);
    }
    key a = key_of(v->shapes, x), b = key_of(v->shapes, y);
    return cmp_time(&a, &b);
}

int ms_spill_init(ms_spill *p, const ms_store *s, size_t mem,
                  const char *tmpdir, int background, ms_error *err)
{
    memset(p, 0, sizeof *p);
    p->fd_ip = p->fd_time = p->added.fd = -1;
    p->in_order = 1;
    p->mem = mem;
    /* Half the budget for the successes kept in the columns (24 bytes
     * each), half for the sort's buffer: when the first spills, both are
     * full at once, before the columns give their room back. */
    p->keep = mem / 2 / 24;
    if (pthread_mutex_init(&p->lock, NULL))
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    if (!(p->tmpdir = strdup(tmpdir))) {
        pthread_mutex_destroy(&p->lock);
        return ms_fail(err, MS_ERR_NOMEM, "out of memory");
    }
    /* Initialised now, the sort checks the folder before the work. */
    view_now(p, s);
    if (ms_extsort_init(&p->sort, MS_SPILL_ROW, mem / 2, tmpdir, by_ip,
                        &p->view, err) ||
        (background &&
         ms_extsort_background(&p->sort, view_copy, free, err))) {
        ms_extsort_free(&p->sort);
        free(p->tmpdir);
        pthread_mutex_destroy(&p->lock);
        memset(p, 0, sizeof *p);
        return -1;
    }
    return 0;
}

void ms_spill_free(ms_spill *p)
{
    ms_extsort_free(&p->sort);
    if (p->fd_ip >= 0)
        close(p->fd_ip);
    if (p->fd_time >= 0)
        close(p->fd_time);
    if (p->added.fd >= 0)
        close(p->added.fd);
    free(p->added.b);
    free(p->ipkey);
    free(p->ip_off);
    free(p->ip_rows);
    free(p->order);
    for (int k = 0; k < MS_SPILL_SLOTS; k++) {
        free(p->idx[k]);
        free(p->buf[k]);
        free(p->win[k]);
    }
    free(p->tmpdir);
    pthread_mutex_destroy(&p->lock);
    memset(p, 0, sizeof *p);
}

static int flush(ms_spill *p, ms_spill_out *o)
{
    if (o->n && ms_write_at(o->fd, o->b, o->n, o->off))
        return ms_spill_fail(p, MS_ERR_IO, "%s: cannot write a temporary "
                             "file of events: %s", p->tmpdir,
                             strerror(errno));
    o->off += o->n;
    o->n = 0;
    return 0;
}

/* Append row r through o's buffer of OUT_BUF bytes, written whenever it
 * is full (a row may straddle two writes): every write but the last is
 * whole aligned blocks at an aligned offset, and goes straight. */
static int put(ms_spill *p, ms_spill_out *o, const void *r)
{
    size_t k = OUT_BUF - o->n < MS_SPILL_ROW ? OUT_BUF - o->n : MS_SPILL_ROW;
    memcpy(o->b + o->n, r, k);
    o->n += k;
    if (o->n == OUT_BUF) {
        if (flush(p, o))
            return -1;
        memcpy(o->b, (const unsigned char *)r + k, MS_SPILL_ROW - k);
        o->n = MS_SPILL_ROW - k;
    }
    return 0;
}

/* A file written a MiB a call (OUT_BUF), read back the same way or not
 * at all until it is finished: direct I/O meanwhile (core/tmpfile.h). */
static int new_file(ms_spill *p, int *fd)
{
    if ((*fd = ms_tmpfile(p->tmpdir)) < 0)
        return ms_spill_fail(p, MS_ERR_IO, "%s: cannot create a temporary "
                             "file of events: %s", p->tmpdir, strerror(errno));
    ms_tmpfile_direct(*fd, 1);
    return 0;
}

/* Row r, just added, kept in add order too while the rows come in time
 * order; at the first that does not, that file is dropped. */
static int add_in_order(ms_spill *p, const ms_store *s, const unsigned char *r)
{
    if (p->rows && by_time(p->last, r, (void *)s) > 0) {
        p->in_order = 0;
        close(p->added.fd);
        free(p->added.b);
        p->added = (ms_spill_out){.fd = -1};
        return 0;
    }
    memcpy(p->last, r, MS_SPILL_ROW);
    if (!p->added.b) {
        if (!(p->added.b = ms_tmpfile_buf(OUT_BUF)))
            return ms_spill_fail(p, MS_ERR_NOMEM, "out of memory");
        if (new_file(p, &p->added.fd))
            return -1;
    }
    return put(p, &p->added, r);
}

int ms_spill_add(ms_spill *p, const ms_store *s, size_t i)
{
    if (s->ip[i] >= p->nipkey) {   /* keys for the addresses added since */
        size_t n = s->ips.n;
        if (n > p->ipkey_cap) {
            size_t cap = n + n / 2 + 16;
            uint64_t *k = realloc(p->ipkey, cap * sizeof *k);
            if (!k)
                return ms_spill_fail(p, MS_ERR_NOMEM, "out of memory");
            p->ipkey = k;
            p->ipkey_cap = cap;
        }
        for (; p->nipkey < n; p->nipkey++)
            p->ipkey[p->nipkey] = order_key(ms_store_ip(s, (uint32_t)p->nipkey));
    }
    unsigned char r[MS_SPILL_ROW];
    pack(s, i, r);
    if (p->in_order && add_in_order(p, s, r))
        return -1;
    p->rows++;
    view_now(p, s);
    if (ms_extsort_add(&p->sort, r, &p->err))
        return -1;
    return 0;
}

/* The sorted rows by ip into fd_ip, each ip's first row noted. */
static int write_by_ip(ms_spill *p, const ms_store *s, ms_spill_out *o)
{
    uint32_t nips = (uint32_t)s->ips.n;
    p->ip_off = calloc((size_t)nips + 1, sizeof *p->ip_off);
    p->ip_rows = calloc((size_t)nips + 1, sizeof *p->ip_rows);
    p->order = malloc(((size_t)nips + 1) * sizeof *p->order);
    if (!p->ip_off || !p->ip_rows || !p->order)
        return ms_spill_fail(p, MS_ERR_NOMEM, "out of memory");
    view_now(p, s);
    if (ms_extsort_finish(&p->sort, &p->err) || new_file(p, &p->fd_ip))
        return -1;
    o->fd = p->fd_ip;
    const unsigned char *r;
    uint32_t placed = 0;
    for (uint64_t row = 0; (r = ms_extsort_next(&p->sort, &p->err)); row++) {
        uint32_t ip;
        memcpy(&ip, r + 8, 4);
        if (p->ip_rows[ip]++ == 0) {
            p->ip_off[ip] = row;
            p->order[placed++] = ip;
        }
        if (put(p, o, r))
            return -1;
    }
    if (p->err.code != MS_OK || flush(p, o))
        return -1;
    ms_extsort_free(&p->sort);
    free(p->ipkey);   /* the sort by address is done */
    p->ipkey = NULL;
    for (uint32_t k = 0; k < nips; k++) {
        uint64_t n = p->ip_rows[k] + (s->ip_start[k + 1] - s->ip_start[k]);
        if (n > p->most)
            p->most = (size_t)n;
        if (p->ip_rows[k] == 0)
            p->order[placed++] = k;
    }
    return 0;
}

/* fd_ip read back through a sort by time into fd_time; or, when the
 * rows came in that order, the file they were appended to as they came. */
static int write_by_time(ms_spill *p, const ms_store *s, ms_spill_out *o)
{
    if (p->in_order && p->added.fd >= 0) {
        if (flush(p, &p->added))
            return -1;
        p->fd_time = p->added.fd;
        p->added.fd = -1;
        free(p->added.b);
        p->added.b = NULL;
        return 0;
    }
    if (ms_extsort_init(&p->sort, MS_SPILL_ROW, p->mem, p->tmpdir, by_time,
                        (void *)s, &p->err))
        return -1;
    const size_t step = OUT_BUF - OUT_BUF % MS_SPILL_ROW;   /* whole rows */
    for (uint64_t at = 0; at < p->rows * MS_SPILL_ROW; at += step) {
        size_t n = p->rows * MS_SPILL_ROW - at < step
                       ? (size_t)(p->rows * MS_SPILL_ROW - at) : step;
        int rc = ms_read_at(p->fd_ip, o->b, n, at);
        if (rc)
            return ms_spill_fail(p, MS_ERR_IO, "%s: cannot read a temporary "
                                 "file of events back: %s", p->tmpdir,
                                 rc < 0 ? strerror(errno) : "it ended early");
        for (size_t k = 0; k < n; k += MS_SPILL_ROW)
            if (ms_extsort_add(&p->sort, o->b + k, &p->err))
                return -1;
    }
    if (ms_extsort_finish(&p->sort, &p->err) || new_file(p, &p->fd_time))
        return -1;
    *o = (ms_spill_out){p->fd_time, 0, 0, o->b};
    const unsigned char *r;
    while ((r = ms_extsort_next(&p->sort, &p->err)))
        if (put(p, o, r))
            return -1;
    if (p->err.code != MS_OK || flush(p, o))
        return -1;
    ms_extsort_free(&p->sort);
    return 0;
}

int ms_spill_finish(ms_spill *p, const ms_store *s)
{
    ms_spill_out o = {-1, 0, 0, ms_tmpfile_buf(OUT_BUF)};
    if (!o.b)
        return ms_spill_fail(p, MS_ERR_NOMEM, "out of memory");
    int rc = write_by_ip(p, s, &o) || write_by_time(p, s, &o) ? -1 : 0;
    free(o.b);
    if (rc == 0) {   /* read back in pieces of a few KiB, some twice */
        ms_tmpfile_direct(p->fd_ip, 0);
        ms_tmpfile_direct(p->fd_time, 0);
    }
    p->tail = p->most > MS_SPILL_CHUNK ? p->most : MS_SPILL_CHUNK;
    return rc;
}
