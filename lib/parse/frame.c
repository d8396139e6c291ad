/* frame.c — pick a file's unwrapping from its first bytes (see frame.h). */
#include "parse/frame.h"

#include <string.h>

#include "input/journal_text.h"
#include "parse/container.h"

#define PEEK (64u << 10)
#define LOOK_LINES 8

int ms_frame_attach(ms_reader *r, ms_error *err)
{
    const char *p;
    ptrdiff_t n = ms_reader_peek(r, PEEK, &p, err);
    if (n < 0)
        return -1;
    const ms_unwrap_ops *ops = ms_journal_text_detect(p, (size_t)n);
    size_t pos = 0, looked = 0;
    while (!ops && looked < LOOK_LINES && pos < (size_t)n) {
        const char *nl = memchr(p + pos, '\n', (size_t)n - pos);
        size_t end = nl ? (size_t)(nl - p) : (size_t)n;
        if (end > pos) {
            ops = ms_container_detect(p + pos, end - pos);
            looked++;
        }
        pos = end + 1;
    }
    return ops ? ms_reader_unwrap(r, ops, err) : 0;
}
