/* recsort.c — see recsort.h. An introsort on the records themselves
 * (ninther pivot, Hoare partition stopping on equal keys so duplicates
 * split evenly, heapsort past 2 log2 n levels, insertion sort under 13
 * records): no allocation, and the indirect comparator call is the cost
 * that matters. */
#include "recsort.h"

#include <stdint.h>
#include <string.h>

typedef struct sorter {
    ms_recsort_cmp cmp;
    void *ctx;
    size_t rs;
} sorter;

#define AT(i) (base + (i) * s->rs)
#define LESS(a, b) (s->cmp((a), (b), s->ctx) < 0)

static inline void swap_rec(char *a, char *b, size_t n)
{
    uint64_t t, u;
    for (; n >= 8; a += 8, b += 8, n -= 8) {
        memcpy(&t, a, 8);
        memcpy(&u, b, 8);
        memcpy(a, &u, 8);
        memcpy(b, &t, 8);
    }
    for (; n; a++, b++, n--) {
        char c = *a;
        *a = *b;
        *b = c;
    }
}

static void insertion_sort(const sorter *s, char *base, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && LESS(AT(j), AT(j - 1)); j--)
            swap_rec(AT(j), AT(j - 1), s->rs);
}

static void heap_sift(const sorter *s, char *base, size_t i, size_t n)
{
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            return;
        if (c + 1 < n && LESS(AT(c), AT(c + 1)))
            c++;
        if (!LESS(AT(i), AT(c)))
            return;
        swap_rec(AT(i), AT(c), s->rs);
        i = c;
    }
}

static void heap_sort(const sorter *s, char *base, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        heap_sift(s, base, i, n);
    for (size_t e = n; e > 1;) {
        e--;
        swap_rec(AT(0), AT(e), s->rs);
        heap_sift(s, base, 0, e);
    }
}

static size_t median3(const sorter *s, char *base, size_t a, size_t b,
                      size_t c)
{
    if (LESS(AT(a), AT(b)))
        return LESS(AT(b), AT(c)) ? b : LESS(AT(a), AT(c)) ? c : a;
    return LESS(AT(c), AT(b)) ? b : LESS(AT(c), AT(a)) ? c : a;
}

static void intro_sort(const sorter *s, char *base, size_t n, unsigned depth)
{
    while (n > 12) {
        if (depth-- == 0) {
            heap_sort(s, base, n);
            return;
        }
        size_t m = n / 2, p;
        if (n > 128) {
            size_t d = n / 8;
            p = median3(s, base, median3(s, base, 0, d, 2 * d),
                        median3(s, base, m - d, m, m + d),
                        median3(s, base, n - 1 - 2 * d, n - 1 - d, n - 1));
        } else {
            p = median3(s, base, 0, m, n - 1);
        }
        swap_rec(AT(0), AT(p), s->rs);
        /* The pivot stays at 0; the bounds hold even for a comparator
         * that is not a total order (the order is then unspecified). */
        size_t i = 0, j = n;
        for (;;) {
            while (++i < n && LESS(AT(i), AT(0)))
                ;
            while (--j > 0 && LESS(AT(0), AT(j)))
                ;
            if (i >= j)
                break;
            swap_rec(AT(i), AT(j), s->rs);
        }
        swap_rec(AT(0), AT(j), s->rs);
        size_t nl = j, nr = n - j - 1;
        if (nl < nr) {
            intro_sort(s, base, nl, depth);
            base = AT(j + 1);
            n = nr;
        } else {
            intro_sort(s, AT(j + 1), nr, depth);
            n = nl;
        }
    }
    insertion_sort(s, base, n);
}

void ms_recsort(void *base, size_t n, size_t size, ms_recsort_cmp cmp,
                void *ctx)
{
    sorter s = {cmp, ctx, size};
    unsigned depth = 0;
    for (size_t k = n; k > 1; k >>= 1)
        depth += 2;
    intro_sort(&s, base, n, depth);
}

#undef AT
#undef LESS
