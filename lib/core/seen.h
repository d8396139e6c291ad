/* seen.h — "has this 64-bit key been seen before?" in a few bits per key:
 * a blocked Bloom filter (one 64-bit word per key, three bits set in it).
 *
 * Counting every pair of a huge stream exactly costs a hash slot per pair,
 * though most pairs occur once and only the recurring ones matter. With
 * this filter a first pass keeps only keys seen a second time (plus a few
 * false positives, about 1% at 16 bits per key), and a second pass counts
 * those exactly. */
#ifndef MS_SEEN_H
#define MS_SEEN_H

#include <stddef.h>
#include <stdint.h>

typedef struct ms_seen {
    uint64_t *word;
    size_t mask;       /* words - 1 (a power of two) */
} ms_seen;

/* Room for about n keys at 16 bits each. 0, or -1 when out of memory. */
int ms_seen_init(ms_seen *s, size_t n);
void ms_seen_free(ms_seen *s);

/* Mark key; 1 if it was (probably) marked before, 0 if surely not. */
int ms_seen_mark(ms_seen *s, uint64_t key);
/* A hint to the memory: key will be marked soon (a filter larger than
 * the caches costs a miss a key; hinting keys ahead overlaps them). */
void ms_seen_prefetch(const ms_seen *s, uint64_t key);

#endif
