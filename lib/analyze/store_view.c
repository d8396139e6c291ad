/* store_view.c — reading a store's events back an address at a time
 * (views) or in time order (walks); see store.h and spill.h. Without a
 * spill a view is the per-ip index and a walk counts the rows. With one,
 * a reader takes a slot: room for `tail` rows after the rows in memory,
 * into which it reads the spilled rows it needs, and a list into which a
 * view merges them with the address's rows in memory. */
#include "analyze/spill.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/tmpfile.h"

int ms_store_spilled(const ms_store *s)
{
    return s->spill && s->spill->active;
}

uint32_t ms_store_ip_at(const ms_store *s, uint32_t k)
{
    return ms_store_spilled(s) ? s->spill->order[k] : k;
}

/* A free slot, its buffers made; -1 when none is free or memory ran out. */
static int take_slot(ms_spill *p)
{
    int k = 0;
    pthread_mutex_lock(&p->lock);
    while (k < MS_SPILL_SLOTS && p->used[k])
        k++;
    if (k < MS_SPILL_SLOTS)
        p->used[k] = 1;
    pthread_mutex_unlock(&p->lock);
    if (k == MS_SPILL_SLOTS)
        return ms_spill_fail(p, MS_ERR_NOMEM, "more than %d readers of the "
                             "spilled events at once", MS_SPILL_SLOTS);
    if ((!p->idx[k] && !(p->idx[k] = malloc((p->most ? p->most : 1) *
                                             sizeof *p->idx[k]))) ||
        (!p->buf[k] && !(p->buf[k] = malloc(p->tail * MS_SPILL_ROW))) ||
        (!p->win[k] && !(p->win[k] = malloc(MS_SPILL_WINDOW * MS_SPILL_ROW)))) {
        pthread_mutex_lock(&p->lock);
        p->used[k] = 0;
        pthread_mutex_unlock(&p->lock);
        return ms_spill_fail(p, MS_ERR_NOMEM, "out of memory");
    }
    return k;
}

static void give_slot(ms_spill *p, int k)
{
    pthread_mutex_lock(&p->lock);
    p->used[k] = 0;
    pthread_mutex_unlock(&p->lock);
}

static int read_rows(ms_spill *p, int fd, unsigned char *to, uint64_t from,
                     size_t n)
{
    int rc = ms_read_at(fd, to, n * MS_SPILL_ROW, from * MS_SPILL_ROW);
    if (rc)
        return ms_spill_fail(p, MS_ERR_IO, "%s: cannot read a temporary file "
                             "of events back: %s", p->tmpdir,
                             rc < 0 ? strerror(errno) : "it ended early");
    return 0;
}

/* Rows [from, from + n) of file fd into slot k's room. Those of fd_ip
 * just after the last ones read (a loop over ips in id order) come through
 * the slot's window, a read a window; others (the timeline's address
 * order) a read each. -1 when that failed. */
static int load(const ms_store *s, int k, int fd, uint64_t from, size_t n)
{
    ms_spill *p = s->spill;
    const unsigned char *rows = p->buf[k];
    int ahead = from >= p->whi[k] && from - p->whi[k] < MS_SPILL_WINDOW / 8;
    if (fd == p->fd_ip && n <= MS_SPILL_WINDOW &&
        (ahead || (from >= p->wlo[k] && from + n <= p->whi[k]))) {
        if (ahead) {
            size_t w = p->rows - from < MS_SPILL_WINDOW ? (size_t)(p->rows - from)
                                                        : MS_SPILL_WINDOW;
            p->wlo[k] = p->whi[k] = 0;
            if (read_rows(p, fd, p->win[k], from, w))
                return -1;
            p->wlo[k] = from;
            p->whi[k] = from + w;
        }
        rows = p->win[k] + (from - p->wlo[k]) * MS_SPILL_ROW;
    } else if (read_rows(p, fd, p->buf[k], from, n)) {
        return -1;
    } else if (fd == p->fd_ip) {
        p->wlo[k] = p->whi[k] = from + n;   /* an empty window after them */
    }
    size_t base = s->n + (size_t)k * p->tail;
    for (size_t r = 0; r < n; r++)
        ms_spill_unpack(s, base + r, rows + r * MS_SPILL_ROW);
    return 0;
}

int ms_store_view_open(const ms_store *s, ms_store_view *v)
{
    *v = (ms_store_view){s, -1};
    if (ms_store_spilled(s) && (v->slot = take_slot(s->spill)) < 0)
        return -1;
    return 0;
}

void ms_store_view_close(ms_store_view *v)
{
    if (v->slot >= 0)
        give_slot(v->s->spill, v->slot);
    v->slot = -1;
}

const uint32_t *ms_store_ip_events(ms_store_view *v, uint32_t ip, size_t *n)
{
    const ms_store *s = v->s;
    const uint32_t *mem = s->by_ip + s->ip_start[ip];
    size_t nm = s->ip_start[ip + 1] - s->ip_start[ip];
    *n = nm;
    if (!ms_store_spilled(s))
        return mem;
    ms_spill *p = s->spill;
    uint64_t from = p->ip_off[ip];
    size_t nd = p->ip_rows[ip];
    if (nd == 0)
        return mem;
    *n = 0;
    if (v->slot < 0 || load(s, v->slot, p->fd_ip, from, nd))
        return NULL;
    uint32_t *out = p->idx[v->slot];
    uint32_t d = (uint32_t)(s->n + (size_t)v->slot * p->tail), dend = d + (uint32_t)nd;
    size_t a = 0, k = 0;
    while (a < nm && d < dend)
        out[k++] = ms_store_cmp(s, d, mem[a]) < 0 ? d++ : mem[a++];
    while (a < nm)
        out[k++] = mem[a++];
    while (d < dend)
        out[k++] = d++;
    *n = k;
    return out;
}

int ms_store_walk_open(const ms_store *s, ms_store_walk *w)
{
    *w = (ms_store_walk){0};
    return ms_store_view_open(s, &w->v);
}

void ms_store_walk_close(ms_store_walk *w)
{
    ms_store_view_close(&w->v);
}

size_t ms_store_walk_next(ms_store_walk *w)
{
    const ms_store *s = w->v.s;
    int slot = w->v.slot;
    if (!ms_store_spilled(s))
        return w->i < s->n ? w->i++ : SIZE_MAX;
    ms_spill *p = s->spill;
    if (slot < 0)
        return SIZE_MAX;
    if (w->k == w->nk && w->j < p->rows) {
        size_t n = p->rows - w->j < MS_SPILL_CHUNK ? (size_t)(p->rows - w->j)
                                                  : MS_SPILL_CHUNK;
        if (load(s, slot, p->fd_time, w->j, n))
            return SIZE_MAX;
        w->j += n;
        w->k = 0;
        w->nk = n;
    }
    size_t d = s->n + (size_t)slot * p->tail + w->k;
    if (w->k < w->nk && (w->i == s->n || ms_store_cmp(s, d, w->i) < 0)) {
        w->k++;
        return d;
    }
    return w->i < s->n ? w->i++ : SIZE_MAX;
}
