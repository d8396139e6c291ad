/* typos.c — near misses of usernames (see typos.h). */
#include "typos.h"

#include <string.h>

#define BAND 2          /* the largest threshold */
#define PROBES 4        /* names kept under one key */

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static int same_folded(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++)
        if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
            return 0;
    return 1;
}

/* Equal once case is folded and dots dropped. */
static int same_undotted(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < an && a[i] == '.')
            i++;
        while (j < bn && b[j] == '.')
            j++;
        if (i == an || j == bn)
            return i == an && j == bn;
        if (fold((unsigned char)a[i++]) != fold((unsigned char)b[j++]))
            return 0;
    }
}

unsigned ms_typo_edits(size_t n)
{
    return n < 3 || n > MS_TYPO_MAX_LEN ? 0 : n <= 5 ? 1 : 2;
}

/* Damerau-Levenshtein distance (optimal string alignment) of a and b, case
 * folded, when it is at most k (<= BAND); k + 1 otherwise. Only cells
 * within k of the diagonal are computed; each row's neighbours outside the
 * band are set to k + 1, so stale cells of earlier rows are never read. */
static unsigned distance(const char *a, size_t an, const char *b, size_t bn,
                         unsigned k)
{
    if (an > bn + k || bn > an + k || an > MS_TYPO_MAX_LEN || bn > MS_TYPO_MAX_LEN)
        return k + 1;
    unsigned rows[3][MS_TYPO_MAX_LEN + 2];
    unsigned *pp = rows[0], *p = rows[1], *c = rows[2];
    const unsigned big = k + 1;
    for (size_t j = 0; j <= bn && j <= k + 1; j++)
        p[j] = j <= k ? (unsigned)j : big;
    for (size_t i = 1; i <= an; i++) {
        size_t lo = i > k ? i - k : 1, hi = i + k < bn ? i + k : bn;
        unsigned least = big;
        c[lo - 1] = lo == 1 && i <= k ? (unsigned)i : big;
        if (lo == 1)
            least = c[0];
        unsigned char ai = fold((unsigned char)a[i - 1]);
        for (size_t j = lo; j <= hi; j++) {
            unsigned char bj = fold((unsigned char)b[j - 1]);
            unsigned v = p[j - 1] + (ai != bj);
            if (p[j] + 1 < v)
                v = p[j] + 1;
            if (c[j - 1] + 1 < v)
                v = c[j - 1] + 1;
            if (i > 1 && j > 1 && ai == fold((unsigned char)b[j - 2]) &&
                fold((unsigned char)a[i - 2]) == bj && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            c[j] = v < big ? v : big;
            if (c[j] < least)
                least = c[j];
        }
        if (hi < bn)
            c[hi + 1] = big;
        if (least > k)
            return big;
        unsigned *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[bn] < big ? p[bn] : big;
}

int ms_near_miss(const char *a, size_t an, const char *b, size_t bn)
{
    if (!an || !bn)
        return 0;
    const char *at_a = memchr(a, '@', an), *at_b = memchr(b, '@', bn);
    size_t la = at_a ? (size_t)(at_a - a) : an, lb = at_b ? (size_t)(at_b - b) : bn;
    if (!la || !lb)
        return 0;
    int local_same = same_folded(a, la, b, lb);
    if (at_a && at_b && !same_folded(at_a, an - la, at_b, bn - lb))
        return local_same;   /* another domain: the same local part only */
    if (local_same || same_undotted(a, la, b, lb))
        return 1;
    unsigned k = ms_typo_edits(la < lb ? la : lb);
    return k && distance(a, la, b, lb, k) <= k;
}

/* ---- the index -------------------------------------------------------- */

static uint64_t key_of(const unsigned char *s, size_t n, unsigned probe)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ull;
    h ^= probe * 0x9E3779B97F4A7C15ull;
    return h == UINT64_MAX ? 0 : h;
}

/* Calls visit(ctx, form, len) for the local part's folded form, its
 * dot-less form and its forms with one (two, from 6 bytes) bytes deleted;
 * stops at the first nonzero return. */
typedef int (*form_fn)(void *ctx, const unsigned char *f, size_t n);

static int forms(const char *s, size_t n, form_fn visit, void *ctx)
{
    const char *at = memchr(s, '@', n);
    size_t l = at ? (size_t)(at - s) : n;
    unsigned k = ms_typo_edits(l);
    if (l == 0 || l > MS_TYPO_MAX_LEN)
        return 0;
    unsigned char w[MS_TYPO_MAX_LEN], f[MS_TYPO_MAX_LEN];
    size_t nd = 0;
    for (size_t i = 0; i < l; i++) {
        w[i] = fold((unsigned char)s[i]);
        if (w[i] != '.')
            f[nd++] = w[i];
    }
    int r = visit(ctx, w, l);
    if (!r && nd != l)
        r = visit(ctx, f, nd);
    for (size_t i = 0; i < l && k >= 1 && !r; i++) {
        size_t m = 0;
        for (size_t x = 0; x < l; x++)
            if (x != i)
                f[m++] = w[x];
        r = visit(ctx, f, m);
        for (size_t j = i + 1; j < l && k >= 2 && !r; j++) {
            m = 0;
            for (size_t x = 0; x < l; x++)
                if (x != i && x != j)
                    f[m++] = w[x];
            r = visit(ctx, f, m);
        }
    }
    return r;
}

typedef struct put_ctx {
    ms_typo_index *x;
    uint32_t id;
} put_ctx;

static int put(void *ctx, const unsigned char *f, size_t n)
{
    put_ctx *p = ctx;
    for (unsigned probe = 0; probe < PROBES; probe++) {
        uint64_t key = key_of(f, n, probe);
        uint32_t v = ms_u64map_get(&p->x->keys, key);
        if (v == p->id + 1)
            return 0;
        if (v == 0)
            return ms_u64map_add(&p->x->keys, key, p->id + 1) == UINT32_MAX;
    }
    return 0;   /* a form shared by many names: they are found by others */
}

int ms_typo_index_init(ms_typo_index *x, const ms_intern *t)
{
    memset(x, 0, sizeof *x);
    x->names = t;
    for (uint32_t id = 1; id < t->n; id++) {
        put_ctx p = {x, id};
        if (forms(t->str[id], t->len[id], put, &p)) {
            ms_typo_index_free(x);
            return -1;
        }
    }
    return 0;
}

void ms_typo_index_free(ms_typo_index *x)
{
    ms_u64map_free(&x->keys);
}

typedef struct find_ctx {
    const ms_typo_index *x;
    const char *s;
    size_t n;
    uint32_t found;
} find_ctx;

static int find(void *ctx, const unsigned char *f, size_t n)
{
    find_ctx *q = ctx;
    const ms_intern *t = q->x->names;
    for (unsigned probe = 0; probe < PROBES; probe++) {
        uint32_t v = ms_u64map_get(&q->x->keys, key_of(f, n, probe));
        if (v == 0)
            return 0;
        uint32_t id = v - 1;
        if (!(t->len[id] == q->n && memcmp(t->str[id], q->s, q->n) == 0) &&
            ms_near_miss(q->s, q->n, t->str[id], t->len[id])) {
            q->found = id;
            return 1;
        }
    }
    return 0;
}

uint32_t ms_typo_index_find(const ms_typo_index *x, const char *s, size_t n)
{
    find_ctx q = {x, s, n, UINT32_MAX};
    if (x->keys.n)
        forms(s, n, find, &q);
    return q.found;
}
