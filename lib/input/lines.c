/* lines.c — split a reader's output into lines without copying them.
 *
 * The ring: SLOTS buffers, each filled by one read of the reader (a
 * stream, so one slot is filled at a time: claimed under the lock, filled
 * without it) by whoever comes first — the ring's own thread (a compressed
 * input no helper reads ahead), a helper (ms_lines_step), or the reading
 * when the next slot is not there and nobody is at it. Read by the reading
 * alone, it has two slots: the one handed out and the next. A slot's
 * buffer is allocated when it is first filled, so a small file takes one
 * or two.
 *
 * Blocks are handed out in the slots themselves: each slot has room for
 * max_line + 2 bytes before its own, where the bytes after the last '\n'
 * of the slot before are copied; a rest longer than max_line + 1 bytes
 * ("\r" may precede the "\n") is handed out as a cut line, and the rest of
 * it skipped as it arrives. A last line without '\n' is handed out too; a
 * partial line before a reader error is dropped, since its cut-off text
 * could be misread. The slot of the last block is given back when the next
 * is taken. ms_lines_next splits the blocks into lines. */
#include "input/lines.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4
#define DEFAULT_SLOT (2u << 20)

struct ms_lines {
    ms_reader *r;
    size_t max_line;
    size_t head;                /* room before each slot's bytes */
    size_t slot;                /* each slot's bytes at most */
    /* The ring, under mu: */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t tid;
    bool threaded;              /* the ring's own thread fills it */
    bool stop;                  /* the owner is done: the thread quits */
    bool filling;               /* a slot is being filled */
    bool ended;                 /* the end or an error was read */
    unsigned nslots;            /* SLOTS, or 2 read by the reading alone */
    char *buf[SLOTS];
    ptrdiff_t len[SLOTS];       /* > 0 bytes, 0 the end, -1 an error */
    unsigned filled, taken;     /* slots made and used, counted mod 2^32 */
    ms_error err;               /* the reader's error, with len -1 */
    /* The owner's blocks: */
    bool eof;
    bool skipping;              /* inside the rest of a cut line */
    int held;                   /* the last block's slot is still held */
    unsigned cur;               /* its index */
    size_t tail_off, tail_len;  /* its bytes after the last '\n' */
    /* ms_lines_next: the rest of the current block, the last line. */
    const char *rest;
    size_t nrest;
    bool cut;
    uint64_t number;
};

/* The slot to fill next, claimed (under mu), or -1: the ring is full, the
 * input has ended, or another is filling one. */
static int claim(ms_lines *l)
{
    if (l->filling || l->ended || l->filled - l->taken == l->nslots)
        return -1;
    l->filling = true;
    return (int)(l->filled % l->nslots);
}

/* Fill slot i, claimed; called without mu. */
static void fill(ms_lines *l, int i)
{
    ms_error err = {0};
    ptrdiff_t n;
    if (!l->buf[i] && !(l->buf[i] = malloc(l->head + l->slot)))
        n = ms_fail(&err, MS_ERR_NOMEM, "out of memory");
    else
        n = ms_reader_read(l->r, l->buf[i] + l->head, l->slot, &err);
    pthread_mutex_lock(&l->mu);
    l->len[i] = n;
    if (n < 0)
        l->err = err;
    l->ended = n <= 0;
    l->filling = false;
    l->filled++;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
}

static void *ring_main(void *arg)
{
    ms_lines *l = arg;
    for (;;) {
        pthread_mutex_lock(&l->mu);
        int i = -1;
        while (!l->stop && !l->ended && (i = claim(l)) < 0)
            pthread_cond_wait(&l->cv, &l->mu);
        bool stop = l->stop || l->ended;
        pthread_mutex_unlock(&l->mu);
        if (stop)
            return NULL;
        fill(l, i);
    }
}

int ms_lines_step(ms_lines *l)
{
    pthread_mutex_lock(&l->mu);
    int i = claim(l);
    pthread_mutex_unlock(&l->mu);
    if (i < 0)
        return 0;
    fill(l, i);
    return 1;
}

ms_lines *ms_lines_new(ms_reader *r, const ms_lines_opts *o)
{
    size_t slot = o->slot ? o->slot : DEFAULT_SLOT;
    if (o->max_line > SIZE_MAX / 2 - slot)
        return NULL;
    ms_lines *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->r = r;
    l->max_line = o->max_line;
    l->head = o->max_line + 2;
    l->slot = slot;
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, NULL);
    bool thread = !o->helped && ms_reader_codec(r) != MS_CODEC_PLAIN;
    l->nslots = thread || o->helped ? SLOTS : 2;
    if (thread) {   /* set before the thread runs */
        l->threaded = true;
        if (pthread_create(&l->tid, NULL, ring_main, l) != 0)
            l->threaded = false;   /* then the reading decompresses */
    }
    return l;
}

void ms_lines_free(ms_lines *l)
{
    if (!l)
        return;
    if (l->threaded) {
        pthread_mutex_lock(&l->mu);
        l->stop = true;
        pthread_cond_broadcast(&l->cv);
        pthread_mutex_unlock(&l->mu);
        pthread_join(l->tid, NULL);
    }
    pthread_cond_destroy(&l->cv);
    pthread_mutex_destroy(&l->mu);
    for (int i = 0; i < SLOTS; i++)
        free(l->buf[i]);
    free(l);
}

/* The slot after the one held, once filled (here, when nobody else is at
 * it and there is no thread to wait for): its index, its length in *n
 * (and the reader's error in *err when n < 0). */
static unsigned next_slot(ms_lines *l, ptrdiff_t *n, ms_error *err)
{
    unsigned ahead = (unsigned)l->held;
    pthread_mutex_lock(&l->mu);
    while (l->filled == l->taken + ahead) {
        int c = l->threaded ? -1 : claim(l);
        if (c < 0) {
            pthread_cond_wait(&l->cv, &l->mu);
            continue;
        }
        pthread_mutex_unlock(&l->mu);
        fill(l, c);
        pthread_mutex_lock(&l->mu);
    }
    unsigned i = (l->taken + ahead) % l->nslots;
    *n = l->len[i];
    if (*n < 0 && err)
        *err = l->err;
    pthread_mutex_unlock(&l->mu);
    return i;
}

/* Give back the slot of the last block, if still held: room to fill. */
static void give_back(ms_lines *l)
{
    if (!l->held)
        return;
    l->held = 0;
    pthread_mutex_lock(&l->mu);
    l->taken++;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
}

int ms_lines_block(ms_lines *l, const char **text, size_t *len, ms_error *err)
{
    for (;;) {
        if (l->tail_len > l->max_line + 1) {   /* too long: cut it here */
            *text = l->buf[l->cur] + l->tail_off;
            *len = l->tail_len;
            l->tail_len = 0;
            l->skipping = true;
            return 1;
        }
        if (l->eof) {
            give_back(l);
            return 0;
        }
        ptrdiff_t n;
        unsigned j = next_slot(l, &n, err);
        if (n < 0) {   /* a partial line before the error is dropped; the
                          slot may have no buffer (its allocation failed) */
            give_back(l);
            l->eof = true;
            return -1;
        }
        char *data = l->buf[j] + l->head - l->tail_len;
        if (l->tail_len)
            memcpy(data, l->buf[l->cur] + l->tail_off, l->tail_len);
        size_t total = l->tail_len + (size_t)n;
        l->tail_len = 0;
        give_back(l);
        l->held = 1;
        l->cur = j;
        if (n == 0) {
            l->eof = true;
            if (!total || l->skipping)
                continue;
            *text = data;
            *len = total;
            return 1;
        }
        if (l->skipping) {
            char *nl = memchr(data, '\n', total);
            if (!nl)
                continue;
            size_t k = (size_t)(nl - data) + 1;
            data += k;
            total -= k;
            l->skipping = false;
        }
        char *last = total ? memrchr(data, '\n', total) : NULL;
        size_t k = last ? (size_t)(last - data) + 1 : 0;
        l->tail_off = (size_t)(data + k - l->buf[j]);
        l->tail_len = total - k;
        if (k) {
            *text = data;
            *len = k;
            return 1;
        }
    }
}

int ms_lines_next(ms_lines *l, const char **line, size_t *len, ms_error *err)
{
    if (l->nrest == 0) {
        int rc = ms_lines_block(l, &l->rest, &l->nrest, err);
        if (rc <= 0)
            return rc;
    }
    const char *s = l->rest, *nl = memchr(s, '\n', l->nrest);
    size_t n = nl ? (size_t)(nl - s) : l->nrest;   /* only a block's last
                                                      line lacks its '\n' */
    l->rest += n + (nl != NULL);
    l->nrest -= n + (nl != NULL);
    if (n && s[n - 1] == '\r')
        n--;
    l->cut = n > l->max_line;
    *line = s;
    *len = l->cut ? l->max_line : n;
    l->number++;
    return 1;
}

uint64_t ms_lines_number(const ms_lines *l)
{
    return l->number;
}

bool ms_lines_was_cut(const ms_lines *l)
{
    return l->cut;
}
