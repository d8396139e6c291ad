/* u64map.c — see u64map.h. */
#include "u64map.h"

#include <stdlib.h>
#include <string.h>

static size_t slot_of(uint64_t k, size_t cap)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (size_t)k & (cap - 1);
}

void ms_u64map_free(ms_u64map *m)
{
    free(m->key);
    free(m->val);
    memset(m, 0, sizeof *m);
}

static int grow(ms_u64map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    uint64_t *key = malloc(cap * sizeof *key);
    uint32_t *val = malloc(cap * sizeof *val);
    if (!key || !val) {
        free(key);
        free(val);
        return -1;
    }
    memset(key, 0xff, cap * sizeof *key);
    for (size_t i = 0; i < m->cap; i++) {
        if (m->key[i] == UINT64_MAX)
            continue;
        size_t j = slot_of(m->key[i], cap);
        while (key[j] != UINT64_MAX)
            j = (j + 1) & (cap - 1);
        key[j] = m->key[i];
        val[j] = m->val[i];
    }
    free(m->key);
    free(m->val);
    m->key = key;
    m->val = val;
    m->cap = cap;
    return 0;
}

uint32_t ms_u64map_add(ms_u64map *m, uint64_t k, uint32_t d)
{
    if ((m->n + 1) * 2 > m->cap && grow(m))
        return UINT32_MAX;
    size_t i = slot_of(k, m->cap);
    while (m->key[i] != UINT64_MAX && m->key[i] != k)
        i = (i + 1) & (m->cap - 1);
    if (m->key[i] == UINT64_MAX) {
        m->key[i] = k;
        m->val[i] = 0;
        m->n++;
    }
    m->val[i] += d;
    return m->val[i];
}

void ms_u64map_prefetch(const ms_u64map *m, uint64_t k)
{
    if (m->cap) {
        size_t i = slot_of(k, m->cap);
        __builtin_prefetch(&m->key[i]);
        __builtin_prefetch(&m->val[i]);
    }
}

uint32_t *ms_u64map_find(const ms_u64map *m, uint64_t k)
{
    if (!m->cap)
        return NULL;
    size_t i = slot_of(k, m->cap);
    while (m->key[i] != UINT64_MAX) {
        if (m->key[i] == k)
            return &m->val[i];
        i = (i + 1) & (m->cap - 1);
    }
    return NULL;
}

uint32_t ms_u64map_get(const ms_u64map *m, uint64_t k)
{
    const uint32_t *v = ms_u64map_find(m, k);
    return v ? *v : 0;
}
