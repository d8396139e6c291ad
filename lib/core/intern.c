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

uint32_t ms_intern_hash(const char *s, size_t n)
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
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static int rehash(ms_intern *t)
{
    uint32_t nslots = t->nslots ? t->nslots * 2 : 1024;
    struct ms_intern_slot *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return -1;
    for (uint32_t k = 0; k < t->nslots; k++) {
        if (!t->slots[k].id1)
            continue;
        uint32_t i = t->slots[k].hash & (nslots - 1);
        while (slots[i].id1)
            i = (i + 1) & (nslots - 1);
        slots[i] = t->slots[k];
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return 0;
}

/* The length stored before a string's bytes. */
static uint32_t stored_len(const char *str)
{
    uint32_t n;
    memcpy(&n, str - sizeof n, sizeof n);
    return n;
}

static uint32_t find(const ms_intern *t, const char *s, size_t n, uint32_t h,
                     uint32_t *slot)
{
    if (!t->nslots) {
        *slot = 0;
        return UINT32_MAX;
    }
    uint32_t i = h & (t->nslots - 1);
    for (; t->slots[i].id1; i = (i + 1) & (t->nslots - 1)) {
        const struct ms_intern_slot *v = &t->slots[i];
        if (v->hash == h && stored_len(v->str) == n &&
            (n == 0 || memcmp(v->str, s, n) == 0))
            return v->id1 - 1;
    }
    *slot = i;
    return UINT32_MAX;
}

uint32_t ms_intern_get(const ms_intern *t, const char *s, size_t n)
{
    uint32_t slot;
    return find(t, s, n, ms_intern_hash(s, n), &slot);
}

void ms_intern_prefetch(const ms_intern *t, uint32_t h)
{
    if (t->nslots)
        __builtin_prefetch(&t->slots[h & (t->nslots - 1)]);
}

void ms_intern_prefetch_str(const ms_intern *t, uint32_t h)
{
    if (!t->nslots)
        return;
    for (uint32_t i = h & (t->nslots - 1); t->slots[i].id1;
         i = (i + 1) & (t->nslots - 1))
        if (t->slots[i].hash == h) {
            __builtin_prefetch(t->slots[i].str - sizeof(uint32_t));
            return;
        }
}

uint32_t ms_intern_put(ms_intern *t, const char *s, size_t n)
{
    return ms_intern_put_hashed(t, s, n, ms_intern_hash(s, n));
}

uint32_t ms_intern_put_hashed(ms_intern *t, const char *s, size_t n,
                              uint32_t h)
{
    if (n >= UINT32_MAX)
        return UINT32_MAX;
    uint32_t slot = 0;
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
        t->cap = cap;
    }
    uint32_t len = (uint32_t)n;
    char *copy = ms_arena_alloc(&t->arena, sizeof len + n + 1);
    if (!copy)
        return UINT32_MAX;
    memcpy(copy, &len, sizeof len);
    copy += sizeof len;
    if (n)
        memcpy(copy, s, n);
    copy[n] = '\0';
    id = t->n++;
    t->str[id] = copy;
    t->len[id] = len;
    if ((uint64_t)t->n * 2 > t->nslots) {
        if (rehash(t)) {
            t->n--;
            return UINT32_MAX;
        }
        find(t, s, n, h, &slot);   /* where it goes in the new table */
    }
    t->slots[slot] = (struct ms_intern_slot){h, id + 1, copy};
    return id;
}
