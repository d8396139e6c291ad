/* intern.h — give each distinct byte string a small dense id.
 *
 * Open addressing with linear probing over a power-of-two table whose
 * slots hold an id, its string's hash and where the string lies, so a
 * probe that misses is settled without touching the strings and one that
 * hits reads one slot and the string; the strings live in an arena, each
 * after its length and NUL-terminated (they may also hold NULs). Ids are
 * assigned 0, 1, 2… in first-seen order, so a run over the same input
 * gives the same ids. Id 0 is always "". Growth doubles the table at 50%
 * load, so the cost per string stays constant however many (10 million
 * distinct usernames is fine).
 *
 * Past the caches each lookup waits on memory twice (the slot, then the
 * string). A caller with many strings to look up can hash them all first
 * (ms_intern_hash), ask for their slots (ms_intern_prefetch), then for
 * their strings (ms_intern_prefetch_str), then put them: the waits
 * overlap. */
#ifndef MS_INTERN_H
#define MS_INTERN_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct ms_intern_slot {
    uint32_t hash, id1;   /* id1: id + 1 */
    const char *str;
};

typedef struct ms_intern {
    ms_arena arena;
    const char **str;     /* id -> string */
    uint32_t *len;        /* id -> length */
    uint32_t n, cap;      /* ids used, ids allocated */
    struct ms_intern_slot *slots;   /* id+1 0: empty */
    uint32_t nslots;
} ms_intern;

int ms_intern_init(ms_intern *t);
void ms_intern_free(ms_intern *t);
/* The id of s (added if new); UINT32_MAX when memory ran out. */
uint32_t ms_intern_put(ms_intern *t, const char *s, size_t n);
/* The id of s, or UINT32_MAX if absent. */
uint32_t ms_intern_get(const ms_intern *t, const char *s, size_t n);

/* The hash of s (the same for every table in a process). */
uint32_t ms_intern_hash(const char *s, size_t n);
/* ms_intern_put for a string whose ms_intern_hash is h. */
uint32_t ms_intern_put_hashed(ms_intern *t, const char *s, size_t n,
                              uint32_t h);
/* Hints: start loading the slot where a string of hash h is looked for;
 * once that is loaded, the string it names. They change nothing. */
void ms_intern_prefetch(const ms_intern *t, uint32_t h);
void ms_intern_prefetch_str(const ms_intern *t, uint32_t h);

#endif
