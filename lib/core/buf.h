/* buf.h — a growable byte buffer, for building output without stdio calls
 * per field. Allocation failure is sticky: b->failed is set, later appends
 * do nothing, and the writer reports it once. */
#ifndef MS_BUF_H
#define MS_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct ms_buf {
    char *p;
    size_t n, cap;
    int failed;
} ms_buf;

void ms_buf_free(ms_buf *b);
/* Make room for k more bytes; 0 or -1. */
int ms_buf_reserve(ms_buf *b, size_t k);
void ms_buf_adds(ms_buf *b, const char *s);
void ms_buf_addu(ms_buf *b, uint64_t v);
void ms_buf_addi(ms_buf *b, int64_t v);
/* s with every newline made a space: a message kept on one line. */
void ms_buf_add_oneline(ms_buf *b, const char *s, size_t n);

/* Inline: output is built a cell and a character at a time. */
static inline void ms_buf_add(ms_buf *b, const void *s, size_t n)
{
    if (n && (b->cap - b->n >= n || ms_buf_reserve(b, n) == 0)) {
        memcpy(b->p + b->n, s, n);
        b->n += n;
    }
}

static inline void ms_buf_addc(ms_buf *b, char c)
{
    if (b->cap - b->n >= 1 || ms_buf_reserve(b, 1) == 0)
        b->p[b->n++] = c;
}

#endif
