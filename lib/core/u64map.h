/* u64map.h — a counting map from 64-bit keys (two 32-bit ids packed) to
 * 32-bit counts: open addressing, linear probing, doubled at 50% load.
 * UINT64_MAX is the empty marker and cannot be a key. */
#ifndef MS_U64MAP_H
#define MS_U64MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct ms_u64map {
    uint64_t *key;
    uint32_t *val;
    size_t cap, n;
} ms_u64map;

void ms_u64map_free(ms_u64map *m);
/* Add d to key's count (0 if new); the new count, or UINT32_MAX on
 * allocation failure. */
uint32_t ms_u64map_add(ms_u64map *m, uint64_t key, uint32_t d);
uint32_t ms_u64map_get(const ms_u64map *m, uint64_t key);
/* key's count, to change in place; NULL when key is not in the map. */
uint32_t *ms_u64map_find(const ms_u64map *m, uint64_t key);
/* A hint to the memory: key will be looked up soon (a loop over keys
 * spread over a map larger than the caches overlaps its waits). */
void ms_u64map_prefetch(const ms_u64map *m, uint64_t key);

static inline uint64_t ms_pair(uint32_t a, uint32_t b)
{
    return (uint64_t)a << 32 | b;
}

#endif
