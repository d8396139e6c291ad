/* seen.c — see seen.h. The key is mixed (murmur3's finaliser); its low
 * bits pick the word and three 6-bit fields of the high bits the bits. */
#include "seen.h"

#include <stdlib.h>

int ms_seen_init(ms_seen *s, size_t n)
{
    size_t words = 1;
    while (words < n / 4 + 1)   /* 64 bits a word, 16 bits a key */
        words *= 2;
    s->word = calloc(words, sizeof *s->word);
    s->mask = words - 1;
    return s->word ? 0 : -1;
}

void ms_seen_free(ms_seen *s)
{
    free(s->word);
    s->word = NULL;
    s->mask = 0;
}

static uint64_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    return k ^ k >> 33;
}

void ms_seen_prefetch(const ms_seen *s, uint64_t k)
{
    __builtin_prefetch(&s->word[mix(k) & s->mask]);
}

int ms_seen_mark(ms_seen *s, uint64_t k)
{
    k = mix(k);
    uint64_t bits = UINT64_C(1) << (k >> 58) | UINT64_C(1) << ((k >> 52) & 63) |
                    UINT64_C(1) << ((k >> 46) & 63);
    uint64_t *w = &s->word[k & s->mask];
    int was = (*w & bits) == bits;
    *w |= bits;
    return was;
}
