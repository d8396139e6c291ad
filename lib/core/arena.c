/* arena.c — chunked bump allocation (see arena.h). */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK (64 * 1024)

struct ms_arena_chunk {
    ms_arena_chunk *next;
    size_t cap;
    _Alignas(8) unsigned char data[];
};

void ms_arena_init(ms_arena *a)
{
    a->head = NULL;
    a->used = 0;
    a->total = 0;
}

void ms_arena_free(ms_arena *a)
{
    ms_arena_chunk *c = a->head;
    while (c) {
        ms_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    ms_arena_init(a);
}

void *ms_arena_alloc(ms_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (!a->head || a->head->cap - a->used < n) {
        size_t cap = n > CHUNK / 4 ? n : CHUNK;
        ms_arena_chunk *c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->cap = cap;
        if (a->head && cap != CHUNK) {
            /* A big one-off goes behind the current chunk, which keeps its room. */
            c->next = a->head->next;
            a->head->next = c;
            a->total += cap;
            return c->data;
        }
        c->next = a->head;
        a->head = c;
        a->used = 0;
        a->total += cap;
    }
    void *p = a->head->data + a->used;
    a->used += n;
    return p;
}

char *ms_arena_strndup(ms_arena *a, const char *s, size_t n)
{
    char *p = ms_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}
