/* lines.c — split a reader's output into lines without copying them.
 *
 * One big buffer holds raw text; memchr finds each '\n' and the line is
 * returned in place. When no '\n' is left, the unfinished tail moves to the
 * front and the reader fills the rest. The buffer grows only while a line
 * that may still fit in max_line does not fit in it: once more than
 * max_line + 1 bytes ("\r" may precede the "\n") hold no '\n', the line is
 * cut, returned, and the rest of it is skipped as it arrives. A last line
 * without '\n' is returned too; a partial line before a reader error is
 * dropped, since its cut-off text could be misread. ms_lines_block hands
 * out all whole lines of the buffer at once, with the same refills. */
#include "input/lines.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_BUF (4u << 20)

struct ms_lines {
    ms_reader *r;
    size_t max_line;
    size_t need;        /* largest useful buffer: max_line + 2 */
    char *buf;
    size_t cap;
    size_t start, end;  /* unreturned text: buf[start .. end) */
    bool eof;
    bool skipping;      /* inside the rest of a cut line */
    bool cut;
    uint64_t number;
};

ms_lines *ms_lines_new_sized(ms_reader *r, size_t max_line, size_t buf_size)
{
    ms_lines *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->r = r;
    l->max_line = max_line;
    l->need = max_line > SIZE_MAX - 2 ? SIZE_MAX : max_line + 2;
    l->cap = buf_size ? buf_size : 1;
    if (!(l->buf = malloc(l->cap))) {
        free(l);
        return NULL;
    }
    return l;
}

ms_lines *ms_lines_new(ms_reader *r, size_t max_line)
{
    return ms_lines_new_sized(r, max_line, DEFAULT_BUF);
}

void ms_lines_free(ms_lines *l)
{
    if (!l)
        return;
    free(l->buf);
    free(l);
}

static int emit(ms_lines *l, const char *s, size_t n, const char **line,
                size_t *len)
{
    if (n && s[n - 1] == '\r')
        n--;
    l->cut = n > l->max_line;
    *line = s;
    *len = l->cut ? l->max_line : n;
    l->number++;
    return 1;
}

static int refill(ms_lines *l, ms_error *err)
{
    if (l->start) {
        memmove(l->buf, l->buf + l->start, l->end - l->start);
        l->end -= l->start;
        l->start = 0;
    }
    if (l->end == l->cap) {
        size_t cap = l->cap > l->need / 2 ? l->need : l->cap * 2;
        char *buf = realloc(l->buf, cap);
        if (!buf)
            return ms_fail(err, MS_ERR_NOMEM, "out of memory for a %zu-byte line",
                           cap);
        l->buf = buf;
        l->cap = cap;
    }
    ptrdiff_t got = ms_reader_read(l->r, l->buf + l->end, l->cap - l->end, err);
    if (got < 0) {
        l->eof = true;
        l->start = l->end = 0;
        return -1;
    }
    if (got == 0)
        l->eof = true;
    l->end += (size_t)got;
    return 0;
}

int ms_lines_next(ms_lines *l, const char **line, size_t *len, ms_error *err)
{
    for (;;) {
        char *s = l->buf + l->start;
        size_t n = l->end - l->start;
        char *nl = n ? memchr(s, '\n', n) : NULL;
        if (nl) {
            l->start += (size_t)(nl - s) + 1;
            if (l->skipping) {
                l->skipping = false;
                continue;
            }
            return emit(l, s, (size_t)(nl - s), line, len);
        }
        if (l->skipping) {
            l->start = l->end = 0;
        } else if (n && (n - 1 > l->max_line || l->eof)) {
            l->start = l->end;
            l->skipping = !l->eof;
            return emit(l, s, n, line, len);
        }
        if (l->eof)
            return 0;
        if (refill(l, err) < 0)
            return -1;
    }
}

int ms_lines_block(ms_lines *l, const char **text, size_t *len, ms_error *err)
{
    for (;;) {
        char *s = l->buf + l->start;
        size_t n = l->end - l->start;
        if (l->skipping && n) {
            char *nl = memchr(s, '\n', n);
            if (nl) {
                l->start += (size_t)(nl - s) + 1;
                l->skipping = false;
                continue;
            }
            l->start = l->end = 0;
            n = 0;
        }
        char *last = n ? memrchr(s, '\n', n) : NULL;
        if (last) {
            size_t k = (size_t)(last - s) + 1;
            l->start += k;
            *text = s;
            *len = k;
            return 1;
        }
        if (n && (n - 1 > l->max_line || l->eof)) {
            l->start = l->end;
            l->skipping = !l->eof;
            *text = s;
            *len = n;
            return 1;
        }
        if (l->eof)
            return 0;
        if (refill(l, err) < 0)
            return -1;
    }
}

uint64_t ms_lines_number(const ms_lines *l)
{
    return l->number;
}

bool ms_lines_was_cut(const ms_lines *l)
{
    return l->cut;
}
