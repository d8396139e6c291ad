/* intern.c — see intern.h. Hash: 64-bit FNV-1a folded to 32 bits. */
#include "intern.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 1099511628211u;
    return (uint32_t)(h ^ (h >> 32));
}

int ms_intern_init(ms_intern *t)
{
    memset(t, 0, sizeof *t);
    ms_arena_init(&t->arena);
    return ms_intern_put(t, "", 0) == UINT32_MAX ? -1 : 0;
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
