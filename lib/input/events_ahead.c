/* events_ahead.c — see events_ahead.h. The thread runs ms_events_read
 * with a callback that copies each event (its strings, the file column and
 * the server, one after another in the slot's text) into the slot being
 * filled; a full slot (BATCH events, or TEXT bytes of strings) is handed
 * over, and the thread waits only when every slot is full. The caller
 * takes slots in order, points the copies at their strings and calls
 * emit. Whoever stops first (emit's value, or the end) tells the other. */
#include "events_ahead.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define SLOTS 4
#define BATCH 512
#define TEXT ((size_t)1 << 20)

/* Where an event's strings lie in its slot's text. */
enum { S_USER, S_METHOD, S_REASON, S_SESSION, S_HOST, S_SERVER, S_N };

typedef struct item {
    ms_event e;
    size_t at[S_N], source, file;   /* offsets in text */
    uint32_t server_n;
    int has_server;
} item;

typedef struct slot {
    item v[BATCH];
    size_t n;
    ms_buf text;
} slot;

typedef struct ahead {
    const char *path, *name;
    const ms_warner *w;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    slot s[SLOTS];
    size_t fill, take, full;   /* slot filled, slot taken, slots handed over */
    int done;                  /* the thread's read returned */
    int stop;                  /* emit's non-zero value: the thread stops */
    int nomem;                 /* the thread ran out of memory copying */
    int ret;                   /* the thread's ms_events_read value */
    ms_error err;              /* … and its error */
} ahead;

/* Hand the slot being filled over; wait for a free one. 0, or the value
 * that stops the read. */
static int hand_over(ahead *a)
{
    pthread_mutex_lock(&a->mu);
    a->full++;
    pthread_cond_broadcast(&a->cv);
    while (a->full == SLOTS && !a->stop)
        pthread_cond_wait(&a->cv, &a->mu);
    int stop = a->stop;
    pthread_mutex_unlock(&a->mu);
    a->fill = (a->fill + 1) % SLOTS;
    slot *s = &a->s[a->fill];
    s->n = 0;
    s->text.n = 0;
    return stop;
}

static size_t copy(ms_buf *b, const char *p, size_t n)
{
    size_t at = b->n;
    ms_buf_add(b, p, n);
    ms_buf_addc(b, '\0');
    return at;
}

static int keep(void *ctx, const ms_event *e, const char *file_column,
                const ms_str *server)
{
    ahead *a = ctx;
    slot *s = &a->s[a->fill];
    item *it = &s->v[s->n];
    it->e = *e;
    const ms_str *str[S_N] = {&e->user, &e->method, &e->reason, &e->session,
                              &e->host, server};
    for (int k = 0; k < S_N; k++)
        it->at[k] = str[k] ? copy(&s->text, str[k]->p, str[k]->n) : 0;
    it->has_server = server != NULL;
    it->server_n = server ? server->n : 0;
    it->source = copy(&s->text, e->source, strlen(e->source));
    it->file = copy(&s->text, file_column, strlen(file_column));
    if (s->text.failed) {
        pthread_mutex_lock(&a->mu);
        a->nomem = 1;
        pthread_mutex_unlock(&a->mu);
        return -1;
    }
    s->n++;
    return s->n == BATCH || s->text.n >= TEXT ? hand_over(a) : 0;
}

static void *reading(void *arg)
{
    ahead *a = arg;
    ms_error err = {0};
    int ret = ms_events_read(a->path, a->name, keep, a, a->w, &err);
    pthread_mutex_lock(&a->mu);
    if (a->s[a->fill].n && !a->stop && !a->nomem)
        a->full++;   /* the last slot, part full */
    a->done = 1;
    a->ret = ret;
    a->err = err;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* Emit slot s's events; emit's first non-zero value, else 0. */
static int give(slot *s, ms_events_emit_fn emit, void *ctx)
{
    for (size_t i = 0; i < s->n; i++) {
        item *it = &s->v[i];
        const char *t = s->text.p;
        ms_str *str[S_N - 1] = {&it->e.user, &it->e.method, &it->e.reason,
                                &it->e.session, &it->e.host};
        for (int k = 0; k < S_N - 1; k++)
            str[k]->p = t + it->at[k];
        ms_str server = {t + it->at[S_SERVER], it->server_n};
        it->e.source = t + it->source;
        int v = emit(ctx, &it->e, t + it->file,
                     it->has_server ? &server : NULL);
        if (v)
            return v;
    }
    return 0;
}

int ms_events_read_ahead(const char *path, const char *name,
                         ms_events_emit_fn emit, void *ctx,
                         const ms_warner *w, ms_error *err)
{
    ahead *a = calloc(1, sizeof *a);
    if (!a)
        return ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", name);
    a->path = path;
    a->name = name;
    a->w = w;
    pthread_t tid;
    if (pthread_mutex_init(&a->mu, NULL) == 0) {
        if (pthread_cond_init(&a->cv, NULL) == 0) {
            if (pthread_create(&tid, NULL, reading, a) == 0)
                goto run;
            pthread_cond_destroy(&a->cv);
        }
        pthread_mutex_destroy(&a->mu);
    }
    free(a);   /* no thread: read here */
    return ms_events_read(path, name, emit, ctx, w, err);

run:;
    int stop = 0;
    for (;;) {
        pthread_mutex_lock(&a->mu);
        while (!a->full && !a->done)
            pthread_cond_wait(&a->cv, &a->mu);
        int any = a->full > 0;
        pthread_mutex_unlock(&a->mu);
        if (!any)
            break;
        stop = give(&a->s[a->take], emit, ctx);
        pthread_mutex_lock(&a->mu);
        a->full--;
        a->take = (a->take + 1) % SLOTS;
        if (stop)
            a->stop = stop;
        pthread_cond_broadcast(&a->cv);
        pthread_mutex_unlock(&a->mu);
        if (stop)
            break;
    }
    pthread_join(tid, NULL);
    int ret = stop ? stop : a->ret;
    if (!stop && a->nomem)
        ret = ms_fail(err, MS_ERR_NOMEM, "%s: out of memory", name);
    else if (!stop && ret < 0 && err)
        *err = a->err;
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
    for (int i = 0; i < SLOTS; i++)
        ms_buf_free(&a->s[i].text);
    free(a);
    return ret;
}
