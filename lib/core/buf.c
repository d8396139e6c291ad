/* buf.c — see buf.h. */
#include "buf.h"

#include <stdlib.h>
#include <string.h>

void ms_buf_free(ms_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
    b->failed = 0;
}

int ms_buf_reserve(ms_buf *b, size_t k)
{
    if (b->failed)
        return -1;
    if (b->cap - b->n >= k)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->n < k)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->failed = 1;
        b->cap = b->n;   /* no room left: the inline appends come here */
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void ms_buf_adds(ms_buf *b, const char *s)
{
    ms_buf_add(b, s, strlen(s));
}

void ms_buf_addu(ms_buf *b, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    ms_buf_add(b, tmp + i, sizeof tmp - i);
}

void ms_buf_addi(ms_buf *b, int64_t v)
{
    if (v < 0) {
        ms_buf_addc(b, '-');
        ms_buf_addu(b, (uint64_t)0 - (uint64_t)v);
    } else {
        ms_buf_addu(b, (uint64_t)v);
    }
}

void ms_buf_add_oneline(ms_buf *b, const char *s, size_t n)
{
    const char *nl;
    while ((nl = memchr(s, '\n', n))) {
        ms_buf_add(b, s, (size_t)(nl - s));
        ms_buf_addc(b, ' ');
        n -= (size_t)(nl + 1 - s);
        s = nl + 1;
    }
    ms_buf_add(b, s, n);
}
