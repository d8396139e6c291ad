/* unwrap_harness.h — feed an unwrapping filter (input/reader.h's
 * ms_unwrap_ops) as the reader does, for the tests and the fuzz harness:
 * step bytes more at a time, the unconsumed rest given again, eof with the
 * last. Header-only; no test framework, so each caller checks the result
 * its own way. */
#ifndef MS_UNWRAP_HARNESS_H
#define MS_UNWRAP_HARNESS_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "input/reader.h"

/* All of in[0 .. n) through ops into *out (zeroed by the caller). 0, or -1
 * when a feed consumed more than it had, all was not consumed at the end,
 * memory ran out, or the output does not end in a whole line. */
static inline int unwrap_in_steps(const ms_unwrap_ops *ops, const char *in,
                                  size_t n, size_t step, ms_buf *out)
{
    void *st = ops->init();
    char *held = malloc(n + 1);
    int rc = st && held && step ? 0 : -1;
    size_t have = 0, given = 0;
    while (rc == 0) {
        size_t k = n - given < step ? n - given : step;
        memcpy(held + have, in + given, k);
        have += k;
        given += k;
        bool eof = given == n;
        size_t used = ops->feed(st, held, have, eof, out);
        if (used > have || (eof && used != have))
            rc = -1;
        if (eof || rc)
            break;
        memmove(held, held + used, have - used);
        have -= used;
    }
    free(held);
    if (st)
        ops->free(st);
    if (out->failed || (out->n && out->p[out->n - 1] != '\n'))
        rc = -1;
    return rc;
}

#endif
