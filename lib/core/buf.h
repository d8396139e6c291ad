/* buf.h — a growable byte buffer, for building output without stdio calls
 * per field. Allocation failure is sticky: b->failed is set, later appends
 * do nothing, and the writer reports it once. */
#ifndef MS_BUF_H
#define MS_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct ms_buf {
    char *p;
    size_t n, cap;
    int failed;
} ms_buf;

void ms_buf_free(ms_buf *b);
/* Make room for k more bytes; 0 or -1. */
int ms_buf_reserve(ms_buf *b, size_t k);
void ms_buf_add(ms_buf *b, const void *s, size_t n);
void ms_buf_adds(ms_buf *b, const char *s);
void ms_buf_addc(ms_buf *b, char c);
void ms_buf_addu(ms_buf *b, uint64_t v);
void ms_buf_addi(ms_buf *b, int64_t v);

#endif
