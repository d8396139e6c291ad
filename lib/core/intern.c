/* intern.c — see intern.h. Hash: eight bytes at a time, each word mixed
 * in with a multiply, then murmur3's finaliser; seeded once per process,
 * so that usernames chosen to collide cannot be planned ahead (the ids,
 * given in first-seen order, do not depend on it). */
#include "intern.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t seed(void)
{
    static _Atomic uint64_t value;
    uint64_t v = atomic_load_explicit(&value, memory_order_relaxed);
    if (!v) {
        uint64_t mine;
        if (getentropy(&mine, sizeof mine) != 0)
            mine = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&value;
        mine |= 1;   /* 0 means not yet */
        /* The first thread to set it wins; the others take its value. */
        if (atomic_compare_exchange_strong(&value, &v, mine))
            v = mine;
    }
    return v;
}

static uint64_t mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9e3779b97f4a7c15u;
    return h ^ (h >> 29);
}

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = seed() ^ (n * 0xff51afd7ed558ccdu), w;
    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&w, s, 8);
        h = mix(h, w);
    }
    if (n) {
        w = 0;
        memcpy(&w, s, n);
        h = mix(h, w);
    }
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    return (uint32_t)h;
}

int ms_intern_init(ms_intern *t)
{
    memset(t, 0, sizeof *t);
    ms_arena_init(&t->arena);
    if (ms_intern_put(t, "", 0) != UINT32_MAX)
        return 0;
    ms_intern_free(t);   /* nothing kept when it fails */
    return -1;
}

void ms_intern_free(ms_intern *t)
{
    ms_arena_free(&t->arena);
    free(t->str);
    free(t->len);
    free(t->hash);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static int rehash(ms_intern *t)
{
    uint32_t nslots = t->nslots ? t->nslots * 2 : 1024;
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return -1;
    for (uint32_t id = 0; id < t->n; id++) {
        uint32_t i = t->hash[id] & (nslots - 1);
        while (slots[i])
            i = (i + 1) & (nslots - 1);
        slots[i] = id + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return 0;
}

static uint32_t find(const ms_intern *t, const char *s, size_t n, uint32_t h,
                     uint32_t *slot)
{
    if (!t->nslots) {
        *slot = 0;
        return UINT32_MAX;
    }
    uint32_t i = h & (t->nslots - 1);
    while (t->slots[i]) {
        uint32_t id = t->slots[i] - 1;
        if (t->hash[id] == h && t->len[id] == n && (n == 0 || memcmp(t->str[id], s, n) == 0))
            return id;
        i = (i + 1) & (t->nslots - 1);
    }
    *slot = i;
    return UINT32_MAX;
}

uint32_t ms_intern_get(const ms_intern *t, const char *s, size_t n)
{
    uint32_t slot;
    return find(t, s, n, hash_bytes(s, n), &slot);
}

uint32_t ms_intern_put(ms_intern *t, const char *s, size_t n)
{
    if (n >= UINT32_MAX)
        return UINT32_MAX;
    uint32_t h = hash_bytes(s, n), slot;
    uint32_t id = find(t, s, n, h, &slot);
    if (id != UINT32_MAX)
        return id;
    if (t->n == UINT32_MAX - 1)
        return UINT32_MAX;
    if (t->n == t->cap) {
        uint32_t cap = t->cap ? t->cap * 2 : 1024;
        const char **str = realloc(t->str, cap * sizeof *str);
        if (!str)
            return UINT32_MAX;
        t->str = str;
        uint32_t *len = realloc(t->len, cap * sizeof *len);
        if (!len)
            return UINT32_MAX;
        t->len = len;
        uint32_t *hs = realloc(t->hash, cap * sizeof *hs);
        if (!hs)
            return UINT32_MAX;
        t->hash = hs;
        t->cap = cap;
    }
    char *copy = ms_arena_strndup(&t->arena, n ? s : "", n);
    if (!copy)
        return UINT32_MAX;
    id = t->n++;
    t->str[id] = copy;
    t->len[id] = (uint32_t)n;
    t->hash[id] = h;
    if ((uint64_t)t->n * 2 > t->nslots) {
        if (rehash(t)) {
            t->n--;
            return UINT32_MAX;
        }
    } else {
        t->slots[slot] = id + 1;
    }
    return id;
}
