/* lines.c — split a reader's output into lines without copying them.
 *
 * One big buffer holds raw text; memchr finds each '\n' and the line is
 * returned in place. When no '\n' is left, the unfinished tail moves to the
 * front and the reader fills the rest. The buffer grows only while a line
 * that may still fit in max_line does not fit in it: once more than
 * max_line + 1 bytes ("\r" may precede the "\n") hold no '\n', the line is
 * cut, returned, and the rest of it is skipped as it arrives. A last line
 * without '\n' is returned too; a partial line before a reader error is
 * dropped, since its cut-off text could be misread. ms_lines_block hands
 * out all whole lines of the buffer at once, with the same refills.
 *
 * A compressed file is decompressed ahead (feed) into a ring of FEED_SLOTS
 * buffers while the caller works on earlier lines, and refill copies from
 * the ring instead of calling the reader. The bytes are the same, so are
 * the lines (where a refill happens to end changes nothing: a line is cut,
 * or not, by its own length).
 *
 * A shared feed (any file, for ms_lines_block) has no thread: a helper
 * with time to spare fills the next slot (ms_lines_step), and the reading
 * fills one itself when none is ready and nobody is at it; one slot at a
 * time (the reader is a stream), claimed under the ring's lock. Its blocks
 * are handed out in the slots themselves, not copied: each slot has room
 * for max_line + 2 bytes before its own, where the bytes after the last
 * '\n' of the slot before go; a rest longer than max_line + 1 is handed
 * out as a cut line first, as the buffer way does. */
#include "input/lines.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_BUF (4u << 20)
#define FEED_SLOTS 4
#define FEED_SLOT (1u << 20)
#define SHARED_SLOT (2u << 20)

typedef struct feed {
    ms_reader *r;
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *buf[FEED_SLOTS];
    ptrdiff_t len[FEED_SLOTS];  /* > 0 bytes, 0 the end, -1 an error */
    unsigned filled, taken;     /* slots made and used, counted mod 2^32 */
    size_t pos;                 /* bytes of the slot in use already copied */
    ms_error err;               /* the reader's error, with len -1 */
    bool stop;                  /* the caller is done: the thread quits */
    bool done;                  /* the end or the error was returned */
    bool shared;                /* no thread: slots are filled by
                                   ms_lines_step or by the reader */
    bool filling;               /* a slot is being filled */
    bool ended;                 /* the end or an error was read */
    void (*kick)(void *);       /* told when a slot is given back */
    void *kick_ctx;
    size_t head;                /* room before each slot's bytes */
    size_t slot;                /* each slot's bytes at most */
} feed;

struct ms_lines {
    ms_reader *r;
    feed *feed;         /* NULL: refill reads the reader itself */
    size_t max_line;
    size_t need;        /* largest useful buffer: max_line + 2 */
    char *buf;
    size_t cap;
    size_t start, end;  /* unreturned text: buf[start .. end) */
    bool eof;
    bool skipping;      /* inside the rest of a cut line */
    bool cut;
    uint64_t number;
    /* A shared feed's blocks are handed out in its slots themselves: */
    int held;           /* the slot handed out last is still held (0/1) */
    unsigned cur;       /* its index */
    size_t tail_off, tail_len;   /* its bytes after the last '\n' */
};

ms_lines *ms_lines_new_sized(ms_reader *r, size_t max_line, size_t buf_size)
{
    ms_lines *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->r = r;
    l->max_line = max_line;
    l->need = max_line > SIZE_MAX - 2 ? SIZE_MAX : max_line + 2;
    l->cap = buf_size ? buf_size : 1;
    if (!(l->buf = malloc(l->cap))) {
        free(l);
        return NULL;
    }
    return l;
}

/* The slot to fill next, claimed (under f->mu), or -1: the ring is full,
 * the input has ended, or another is filling one. */
static int feed_claim(feed *f)
{
    if (f->filling || f->ended || f->filled - f->taken == FEED_SLOTS)
        return -1;
    f->filling = true;
    return (int)(f->filled % FEED_SLOTS);
}

/* Fill slot i, claimed; called without f->mu. */
static void feed_fill(feed *f, int i)
{
    ms_error err = {0};
    ptrdiff_t n = ms_reader_read(f->r, f->buf[i] + f->head, f->slot, &err);
    pthread_mutex_lock(&f->mu);
    f->len[i] = n;
    if (n < 0)
        f->err = err;
    f->ended = n <= 0;
    f->filling = false;
    f->filled++;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

static void *feed_main(void *arg)
{
    feed *f = arg;
    for (;;) {
        pthread_mutex_lock(&f->mu);
        int i = -1;
        while (!f->stop && !f->ended && (i = feed_claim(f)) < 0)
            pthread_cond_wait(&f->cv, &f->mu);
        bool stop = f->stop || f->ended;
        pthread_mutex_unlock(&f->mu);
        if (stop)
            return NULL;
        feed_fill(f, i);
    }
}

/* Under f->mu: wait until the slot `ahead` past the next one to take is
 * filled, filling it here when the feed is shared and nobody is at it;
 * that slot's index, its length in *n (and the reader's error in *err
 * when n < 0). */
static unsigned feed_wait(feed *f, unsigned ahead, ptrdiff_t *n,
                          ms_error *err)
{
    while (f->filled == f->taken + ahead) {
        int c = f->shared ? feed_claim(f) : -1;
        if (c < 0) {
            pthread_cond_wait(&f->cv, &f->mu);
            continue;
        }
        pthread_mutex_unlock(&f->mu);   /* nobody filling: fill it here */
        feed_fill(f, c);
        pthread_mutex_lock(&f->mu);
    }
    unsigned i = (f->taken + ahead) % FEED_SLOTS;
    *n = f->len[i];
    if (*n < 0 && err)
        *err = f->err;
    return i;
}

/* The oldest slot taken is done with: room for the filler, and a kick. */
static void feed_give_back(feed *f)
{
    pthread_mutex_lock(&f->mu);
    f->taken++;
    pthread_cond_broadcast(&f->cv);
    void (*kick)(void *) = f->kick;
    void *ctx = f->kick_ctx;
    pthread_mutex_unlock(&f->mu);
    if (kick)
        kick(ctx);
}

int ms_lines_step(ms_lines *l)
{
    feed *f = l->feed;
    if (!f || !f->shared)
        return 0;
    pthread_mutex_lock(&f->mu);
    int i = feed_claim(f);
    pthread_mutex_unlock(&f->mu);
    if (i < 0)
        return 0;
    feed_fill(f, i);
    return 1;
}

void ms_lines_on_room(ms_lines *l, void (*kick)(void *), void *ctx)
{
    if (l->feed && l->feed->shared) {
        pthread_mutex_lock(&l->feed->mu);
        l->feed->kick = kick;
        l->feed->kick_ctx = ctx;
        pthread_mutex_unlock(&l->feed->mu);
    }
}

static void feed_free(feed *f, bool started)
{
    if (started && !f->shared) {
        pthread_mutex_lock(&f->mu);
        f->stop = true;
        pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
        pthread_join(f->tid, NULL);
    }
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    for (int i = 0; i < FEED_SLOTS; i++)
        free(f->buf[i]);
    free(f);
}

/* A reader run ahead in a thread, or (shared) by whoever steps it; NULL
 * when that cannot be had. */
static feed *feed_new(ms_reader *r, bool shared, size_t head, size_t slot)
{
    feed *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->r = r;
    f->head = head;
    f->slot = slot;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    for (int i = 0; i < FEED_SLOTS; i++)
        if (!(f->buf[i] = malloc(head + slot))) {
            feed_free(f, false);
            return NULL;
        }
    f->shared = shared;
    if (!shared && pthread_create(&f->tid, NULL, feed_main, f) != 0) {
        feed_free(f, false);
        return NULL;
    }
    return f;
}

/* ms_reader_read's contract, served from the ring. */
static ptrdiff_t feed_read(feed *f, char *dst, size_t cap, ms_error *err)
{
    if (f->done)
        return 0;
    ptrdiff_t n;
    pthread_mutex_lock(&f->mu);
    unsigned i = feed_wait(f, 0, &n, err);
    pthread_mutex_unlock(&f->mu);
    if (n <= 0) {
        f->done = true;
        return n;
    }
    size_t k = (size_t)n - f->pos;
    if (k > cap)
        k = cap;
    memcpy(dst, f->buf[i] + f->head + f->pos, k);
    f->pos += k;
    if (f->pos == (size_t)n) {
        f->pos = 0;
        feed_give_back(f);
    }
    return (ptrdiff_t)k;
}

ms_lines *ms_lines_new(ms_reader *r, size_t max_line)
{
    ms_lines *l = ms_lines_new_sized(r, max_line, DEFAULT_BUF);
    if (l && ms_reader_codec(r) != MS_CODEC_PLAIN)
        l->feed = feed_new(r, false, 0, FEED_SLOT);   /* without it, refill decompresses */
    return l;
}

ms_lines *ms_lines_new_shared_sized(ms_reader *r, size_t max_line,
                                    size_t slot)
{
    ms_lines *l = ms_lines_new_sized(r, max_line, 1);
    if (l && (l->need == SIZE_MAX ||
              !(l->feed = feed_new(r, true, l->need,
                                   slot ? slot : SHARED_SLOT)))) {
        ms_lines_free(l);
        return NULL;
    }
    return l;
}

ms_lines *ms_lines_new_shared(ms_reader *r, size_t max_line)
{
    return ms_lines_new_shared_sized(r, max_line, SHARED_SLOT);
}

void ms_lines_free(ms_lines *l)
{
    if (!l)
        return;
    if (l->feed)
        feed_free(l->feed, true);
    free(l->buf);
    free(l);
}

static int emit(ms_lines *l, const char *s, size_t n, const char **line,
                size_t *len)
{
    if (n && s[n - 1] == '\r')
        n--;
    l->cut = n > l->max_line;
    *line = s;
    *len = l->cut ? l->max_line : n;
    l->number++;
    return 1;
}

static int refill(ms_lines *l, ms_error *err)
{
    if (l->start) {
        memmove(l->buf, l->buf + l->start, l->end - l->start);
        l->end -= l->start;
        l->start = 0;
    }
    if (l->end == l->cap) {
        size_t cap = l->cap > l->need / 2 ? l->need : l->cap * 2;
        char *buf = realloc(l->buf, cap);
        if (!buf)
            return ms_fail(err, MS_ERR_NOMEM, "out of memory for a %zu-byte line",
                           cap);
        l->buf = buf;
        l->cap = cap;
    }
    ptrdiff_t got =
        l->feed ? feed_read(l->feed, l->buf + l->end, l->cap - l->end, err)
                : ms_reader_read(l->r, l->buf + l->end, l->cap - l->end, err);
    if (got < 0) {
        l->eof = true;
        l->start = l->end = 0;
        return -1;
    }
    if (got == 0)
        l->eof = true;
    l->end += (size_t)got;
    return 0;
}

int ms_lines_next(ms_lines *l, const char **line, size_t *len, ms_error *err)
{
    for (;;) {
        char *s = l->buf + l->start;
        size_t n = l->end - l->start;
        char *nl = n ? memchr(s, '\n', n) : NULL;
        if (nl) {
            l->start += (size_t)(nl - s) + 1;
            if (l->skipping) {
                l->skipping = false;
                continue;
            }
            return emit(l, s, (size_t)(nl - s), line, len);
        }
        if (l->skipping) {
            l->start = l->end = 0;
        } else if (n && (n - 1 > l->max_line || l->eof)) {
            l->start = l->end;
            l->skipping = !l->eof;
            return emit(l, s, n, line, len);
        }
        if (l->eof)
            return 0;
        if (refill(l, err) < 0)
            return -1;
    }
}

/* Give back the slot handed out last, if still held. */
static void release_held(ms_lines *l)
{
    if (l->held) {
        l->held = 0;
        feed_give_back(l->feed);
    }
}

/* ms_lines_block over a shared feed, without copying: each block lies in
 * a slot; the bytes after its last '\n' go in front of the next slot's
 * (each has room for max_line + 2 before its bytes). */
static int slots_block(ms_lines *l, const char **text, size_t *len,
                       ms_error *err)
{
    feed *f = l->feed;
    for (;;) {
        if (l->tail_len > l->max_line + 1) {   /* too long: cut it here */
            *text = f->buf[l->cur] + l->tail_off;
            *len = l->tail_len;
            l->tail_len = 0;
            l->skipping = true;
            return 1;
        }
        if (l->eof) {
            release_held(l);
            return 0;
        }
        ptrdiff_t n;
        pthread_mutex_lock(&f->mu);
        unsigned j = feed_wait(f, (unsigned)l->held, &n, err);
        pthread_mutex_unlock(&f->mu);
        char *data = f->buf[j] + f->head - l->tail_len;
        if (l->tail_len)
            memcpy(data, f->buf[l->cur] + l->tail_off, l->tail_len);
        size_t total = l->tail_len + (n > 0 ? (size_t)n : 0);
        l->tail_len = 0;
        release_held(l);
        l->held = 1;
        l->cur = j;
        if (n < 0) {   /* a partial line before the error is dropped */
            l->eof = true;
            return -1;
        }
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
        l->tail_off = (size_t)(data + k - f->buf[j]);
        l->tail_len = total - k;
        if (k) {
            *text = data;
            *len = k;
            return 1;
        }
    }
}

int ms_lines_block(ms_lines *l, const char **text, size_t *len, ms_error *err)
{
    if (l->feed && l->feed->shared)
        return slots_block(l, text, len, err);
    for (;;) {
        char *s = l->buf + l->start;
        size_t n = l->end - l->start;
        if (l->skipping && n) {
            char *nl = memchr(s, '\n', n);
            if (nl) {
                l->start += (size_t)(nl - s) + 1;
                l->skipping = false;
                continue;
            }
            l->start = l->end = 0;
            n = 0;
        }
        char *last = n ? memrchr(s, '\n', n) : NULL;
        if (last) {
            size_t k = (size_t)(last - s) + 1;
            l->start += k;
            *text = s;
            *len = k;
            return 1;
        }
        if (n && (n - 1 > l->max_line || l->eof)) {
            l->start = l->end;
            l->skipping = !l->eof;
            *text = s;
            *len = n;
            return 1;
        }
        if (l->eof)
            return 0;
        if (refill(l, err) < 0)
            return -1;
    }
}

uint64_t ms_lines_number(const ms_lines *l)
{
    return l->number;
}

bool ms_lines_was_cut(const ms_lines *l)
{
    return l->cut;
}
