/* arena.h — a bump allocator for many small strings with one lifetime.
 *
 * Memory comes in chunks (64 KiB, or larger for a big request) and is freed
 * all at once; nothing is freed one by one. Strings are referenced by
 * pointer, so chunks never move. */
#ifndef MS_ARENA_H
#define MS_ARENA_H

#include <stddef.h>

typedef struct ms_arena_chunk ms_arena_chunk;

typedef struct ms_arena {
    ms_arena_chunk *head;
    size_t used;     /* bytes used in head */
    size_t total;    /* bytes reserved over all chunks */
} ms_arena;

void ms_arena_init(ms_arena *a);
void ms_arena_free(ms_arena *a);
/* n bytes, 8-aligned; NULL on allocation failure. */
void *ms_arena_alloc(ms_arena *a, size_t n);
/* A NUL-terminated copy of n bytes; NULL on allocation failure. */
char *ms_arena_strndup(ms_arena *a, const char *s, size_t n);

#endif
