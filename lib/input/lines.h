/* lines.h — split a reader's bytes into lines, without copying.
 *
 * Lines are returned as pointers into internal buffers, valid until the
 * next call. The '\n' (and a '\r' before it) is removed; NUL bytes and
 * invalid UTF-8 pass through untouched. A line longer than max_line is cut
 * to max_line bytes, the rest is skipped, and the line is flagged.
 *
 * The input is read ahead, a slot at a time, into a small ring: by a
 * thread of its own for a compressed input that no helper reads ahead;
 * else by a helper with time to spare (ms_lines_step, from another
 * thread); else by the reading itself when no slot is ready. */
#ifndef MS_LINES_H
#define MS_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "input/reader.h"

typedef struct ms_lines ms_lines;

typedef struct ms_lines_opts {
    size_t max_line;   /* longer lines are cut */
    size_t slot;       /* bytes read at a time; 0: 2 MiB (tests: tiny) */
    bool helped;       /* a helper calls ms_lines_step: no thread of its
                          own, even for a compressed input */
} ms_lines_opts;

/* NULL when out of memory. */
ms_lines *ms_lines_new(ms_reader *r, const ms_lines_opts *o);
void ms_lines_free(ms_lines *l);

/* Read (or decompress) one slot ahead if one is free and nobody else is at
 * it: 1 when it did, 0 when there was nothing to do. Safe from another
 * thread while the owner reads. */
int ms_lines_step(ms_lines *l);

/* 1: a line in *line and *len; 0: end of input; -1: the reader failed (err
 * filled). After -1 the lines read before remain valid; the next call
 * returns 0. */
int ms_lines_next(ms_lines *l, const char **line, size_t *len, ms_error *err);

/* 1-based number of the line last returned. */
uint64_t ms_lines_number(const ms_lines *l);

/* The line last returned was cut to max_line bytes. */
bool ms_lines_was_cut(const ms_lines *l);

/* Many lines at once, for a caller that splits them itself (the scan skips
 * most lines unread). 1: text[0 .. *len) holds whole lines, each ending
 * with '\n', except that the last may have none: the last line of the
 * input, or a line with no '\n' within max_line + 1 bytes, whose rest is
 * then skipped. The caller cuts each line as ms_lines_next does (one '\r'
 * before the end removed, then at most max_line bytes, flagged cut if
 * longer), so both ways give the same lines. Valid until the next call. 0:
 * end of input; -1: the reader failed, as for ms_lines_next. Use one way or
 * the other on an ms_lines, not both. */
int ms_lines_block(ms_lines *l, const char **text, size_t *len, ms_error *err);

#endif
