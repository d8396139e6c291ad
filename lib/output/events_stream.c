/* events_stream.c — see events_stream.h. Pieces are numbered over all
 * files; the caller formats the even ones, the helper the odd ones, piece
 * 2j + 1 into its buffer j % 2, which it fills again only after the caller
 * has handed it to the sink. */
#include "events_stream.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#define PIECE 16384   /* events */

typedef struct piece {
    size_t file, from, to;
} piece;

typedef struct stream {
    const ms_file_scan *files;
    const ms_source *src;
    const ms_filter *keep;
    ms_format fmt;
    piece *pieces;
    size_t npieces;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    ms_buf buf[2];
    size_t ready[2];      /* the piece each buffer holds, +1; 0: none */
    bool stop;
} stream;

static void format(const stream *s, ms_event_writer *w, ms_buf *b, size_t p)
{
    const piece *pc = &s->pieces[p];
    const ms_file_scan *f = &s->files[pc->file];
    const char *folder = s->src[pc->file].folder;
    for (size_t k = pc->from; k < pc->to && !b->failed; k++) {
        ms_event e;
        ms_scan_events_get(&f->evs, k, f->file_index, &e);
        if (!s->keep || ms_filter_match(s->keep, &e, folder))
            ms_event_write(w, b, &e, f->name, folder);
    }
}

static void *helper(void *arg)
{
    stream *s = arg;
    ms_event_writer w;
    ms_event_writer_init(&w, s->fmt);
    for (size_t j = 0; 2 * j + 1 < s->npieces; j++) {
        ms_buf *b = &s->buf[j % 2];
        pthread_mutex_lock(&s->mu);
        while (!s->stop && s->ready[j % 2])
            pthread_cond_wait(&s->cv, &s->mu);
        bool stop = s->stop;
        pthread_mutex_unlock(&s->mu);
        if (stop)
            break;
        format(s, &w, b, 2 * j + 1);
        pthread_mutex_lock(&s->mu);
        s->ready[j % 2] = 2 * j + 2;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
    }
    ms_event_writer_free(&w);
    return NULL;
}

/* Piece p of the helper, handed to the sink; its buffer freed for reuse. */
static int take(stream *s, size_t p, ms_sink sink, void *ctx)
{
    size_t slot = (p / 2) % 2;
    pthread_mutex_lock(&s->mu);
    while (s->ready[slot] != p + 1)
        pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    int rc = sink(ctx, &s->buf[slot]);
    s->buf[slot].failed = 0;
    pthread_mutex_lock(&s->mu);
    s->ready[slot] = 0;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static int cut(stream *s, const ms_file_scan *files, size_t n)
{
    size_t np = 0;
    for (size_t i = 0; i < n; i++)
        np += (files[i].evs.n + PIECE - 1) / PIECE;
    s->pieces = malloc((np ? np : 1) * sizeof *s->pieces);
    if (!s->pieces)
        return -1;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < files[i].evs.n; k += PIECE) {
            size_t to = files[i].evs.n - k > PIECE ? k + PIECE : files[i].evs.n;
            s->pieces[s->npieces++] = (piece){i, k, to};
        }
    return 0;
}

int ms_events_stream(const ms_file_scan *files, const ms_source *src,
                     size_t n, const ms_filter *keep, ms_format f,
                     int threads, ms_sink sink, void *ctx)
{
    stream s = {.files = files, .src = src, .keep = keep, .fmt = f};
    ms_buf b = {0};
    ms_events_header(&b, f);
    if (cut(&s, files, n)) {
        b.failed = 1;
        sink(ctx, &b);
        ms_buf_free(&b);
        return -1;
    }
    pthread_mutex_init(&s.mu, NULL);
    pthread_cond_init(&s.cv, NULL);
    pthread_t tid;
    bool two = threads > 1 && s.npieces > 1 &&
               pthread_create(&tid, NULL, helper, &s) == 0;
    ms_event_writer w;
    ms_event_writer_init(&w, f);
    int rc = 0;
    for (size_t p = 0; p < s.npieces && rc == 0; p++) {
        if (two && p % 2) {
            rc = take(&s, p, sink, ctx);
            continue;
        }
        format(&s, &w, &b, p);
        rc = sink(ctx, &b);
        b.failed = 0;
    }
    if (rc == 0 && (b.n || b.failed))
        rc = sink(ctx, &b);   /* the header of a run with no event */
    if (two) {
        pthread_mutex_lock(&s.mu);
        s.stop = true;
        pthread_cond_broadcast(&s.cv);
        pthread_mutex_unlock(&s.mu);
        pthread_join(tid, NULL);
    }
    ms_event_writer_free(&w);
    pthread_cond_destroy(&s.cv);
    pthread_mutex_destroy(&s.mu);
    ms_buf_free(&b);
    ms_buf_free(&s.buf[0]);
    ms_buf_free(&s.buf[1]);
    free(s.pieces);
    return rc;
}
