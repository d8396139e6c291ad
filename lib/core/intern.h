/* intern.h — give each distinct byte string a small dense id.
 *
 * Open addressing with linear probing over a power-of-two table of ids;
 * the strings live in an arena, NUL-terminated (they may also hold NULs:
 * lengths are kept). Ids are assigned 0, 1, 2… in first-seen order, so a
 * run over the same input gives the same ids. Id 0 is always "". Growth
 * doubles the table at 50% load, so the cost per string stays constant
 * however many (10 million distinct usernames is fine). */
#ifndef MS_INTERN_H
#define MS_INTERN_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

typedef struct ms_intern {
    ms_arena arena;
    const char **str;     /* id -> string */
    uint32_t *len;        /* id -> length */
    uint32_t *hash;       /* id -> hash */
    uint32_t n, cap;      /* ids used, ids allocated */
    uint32_t *slots;      /* table of id+1, 0 = empty */
    uint32_t nslots;
} ms_intern;

int ms_intern_init(ms_intern *t);
void ms_intern_free(ms_intern *t);
/* The id of s (added if new); UINT32_MAX when memory ran out. */
uint32_t ms_intern_put(ms_intern *t, const char *s, size_t n);
/* The id of s, or UINT32_MAX if absent. */
uint32_t ms_intern_get(const ms_intern *t, const char *s, size_t n);

#endif
