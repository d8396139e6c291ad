/* ahead.c — see ahead.h. One mutex guards the block's progress: `next`,
 * the first chunk nobody took; `consumed`, the chunks the caller is done
 * with; and each slot's chunk. Chunk k goes to slot k % SLOTS, so it may be
 * taken only once chunk k - SLOTS is consumed. The helper reads ahead
 * without the lock; whatever comes meanwhile (a stop, a block) is looked
 * at again before it waits. */
#include "ahead.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define SLOTS 3

typedef struct slot {
    ms_prefilter_scratch *s;   /* its hit arrays hold the chunk's */
    size_t chunk;         /* SIZE_MAX: none yet */
    int rc;
    ms_hits hits;
} slot;

struct ms_ahead {
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int coverage;
    bool started, stop;
    unsigned busy;        /* scans under way, either side */
    const char *text;
    const size_t *ends;
    size_t n, next, consumed;
    slot slots[SLOTS];
    ms_lines *lines;      /* read ahead when no chunk is free */
    bool read_full;       /* nothing to read, and no block came since */
    bool kicked;          /* a block came while the helper read */
};

static bool can_take(const ms_ahead *a)
{
    return a->next < a->n && a->next < a->consumed + SLOTS;
}

/* Scan chunk k into its slot; called holding the lock, returns holding it. */
static void scan(ms_ahead *a, size_t k)
{
    a->next++;
    a->busy++;
    slot *s = &a->slots[k % SLOTS];
    size_t from = k ? a->ends[k - 1] : 0, to = a->ends[k];
    const char *text = a->text;
    pthread_mutex_unlock(&a->mu);
    ms_hits h = {0};
    int rc = ms_prefilter_scan(s->s, text + from, to - from, a->coverage, &h);
    pthread_mutex_lock(&a->mu);
    s->rc = rc;
    s->hits = h;
    s->chunk = k;
    a->busy--;
    pthread_cond_broadcast(&a->cv);
}

static void *helper(void *arg)
{
    ms_ahead *a = arg;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (!a->stop && !can_take(a)) {
            if (!a->read_full) {
                a->kicked = false;
                pthread_mutex_unlock(&a->mu);
                int did = ms_lines_step(a->lines);
                pthread_mutex_lock(&a->mu);
                a->read_full = !did && !a->kicked;
                continue;
            }
            pthread_cond_wait(&a->cv, &a->mu);
        }
        if (a->stop)
            break;
        scan(a, a->next);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

ms_ahead *ms_ahead_new(ms_prefilter *p, int coverage, ms_lines *l)
{
    ms_ahead *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->coverage = coverage;
    a->lines = l;
    for (int i = 0; i < SLOTS; i++)
        if (!(a->slots[i].s = ms_prefilter_scratch_new(p))) {
            for (int j = 0; j < i; j++)
                ms_prefilter_scratch_free(a->slots[j].s);
            free(a);
            return NULL;
        }
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    if (pthread_create(&a->tid, NULL, helper, a) != 0) {
        ms_ahead_free(a);
        return NULL;
    }
    a->started = true;
    return a;
}

void ms_ahead_free(ms_ahead *a)
{
    if (!a)
        return;
    if (a->started) {
        pthread_mutex_lock(&a->mu);
        a->stop = true;
        pthread_cond_broadcast(&a->cv);
        pthread_mutex_unlock(&a->mu);
        pthread_join(a->tid, NULL);
    }
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
    for (int i = 0; i < SLOTS; i++)
        ms_prefilter_scratch_free(a->slots[i].s);
    free(a);
}

void ms_ahead_begin(ms_ahead *a, const char *text, const size_t *ends,
                    size_t n)
{
    pthread_mutex_lock(&a->mu);
    a->text = text;
    a->ends = ends;
    a->n = n;
    a->next = a->consumed = 0;
    for (int i = 0; i < SLOTS; i++)
        a->slots[i].chunk = SIZE_MAX;
    a->kicked = true;       /* the block's slot was taken, the one before */
    a->read_full = false;   /* given back: room to read */
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

int ms_ahead_hits(ms_ahead *a, size_t k, ms_hits *hits)
{
    pthread_mutex_lock(&a->mu);
    slot *s = &a->slots[k % SLOTS];
    if (a->next == k && can_take(a))
        scan(a, k);   /* nobody took it yet: do it here, not wait */
    while (s->chunk != k)
        pthread_cond_wait(&a->cv, &a->mu);
    int rc = s->rc;
    *hits = s->hits;
    pthread_mutex_unlock(&a->mu);
    return rc;
}

void ms_ahead_done(ms_ahead *a, size_t k)
{
    pthread_mutex_lock(&a->mu);
    a->consumed = k + 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

void ms_ahead_end(ms_ahead *a)
{
    pthread_mutex_lock(&a->mu);
    a->n = 0;
    while (a->busy)
        pthread_cond_wait(&a->cv, &a->mu);
    pthread_mutex_unlock(&a->mu);
}
