/* lines.h — split a reader's bytes into lines, without copying.
 *
 * Lines are returned as pointers into an internal buffer, valid until the
 * next call. The '\n' (and a '\r' before it) is removed; NUL bytes and
 * invalid UTF-8 pass through untouched. A line longer than max_line is cut
 * to max_line bytes, the rest is skipped, and the line is flagged. */
#ifndef MS_LINES_H
#define MS_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "input/reader.h"

typedef struct ms_lines ms_lines;

/* NULL when out of memory. The buffer starts at 4 MiB and grows only as far
 * as max_line needs. */
ms_lines *ms_lines_new(ms_reader *r, size_t max_line);
/* The same with another starting buffer size (tests use tiny ones). */
ms_lines *ms_lines_new_sized(ms_reader *r, size_t max_line, size_t buf_size);
/* For ms_lines_block only: the input is read (or decompressed) ahead by
 * no thread of its own, but by whoever calls ms_lines_step (a helper with
 * time to spare), else by the reading itself when nothing is ready; the
 * blocks are handed out where they were read, without a copy. */
ms_lines *ms_lines_new_shared(ms_reader *r, size_t max_line);
/* The same with slots of another size (tests use tiny ones). */
ms_lines *ms_lines_new_shared_sized(ms_reader *r, size_t max_line,
                                    size_t slot);
/* Read (or decompress) one slot ahead of a shared feed if one is free and
 * nobody else is at it: 1
 * when it did, 0 when there was nothing to do (or no such feed). Safe from
 * another thread while the owner reads. */
int ms_lines_step(ms_lines *l);
/* kick(ctx) is called (from the reading thread) each time a slot is given
 * back, so a stepper waiting for room can be woken. */
void ms_lines_on_room(ms_lines *l, void (*kick)(void *), void *ctx);
void ms_lines_free(ms_lines *l);

/* 1: a line in *line and *len; 0: end of input; -1: the reader failed (err
 * filled). After -1 the lines read before remain valid; the next call
 * returns 0. */
int ms_lines_next(ms_lines *l, const char **line, size_t *len, ms_error *err);

/* 1-based number of the line last returned. */
uint64_t ms_lines_number(const ms_lines *l);

/* The line last returned was cut to max_line bytes. */
bool ms_lines_was_cut(const ms_lines *l);

/* Many lines at once, for a caller that splits them itself (the scan skips
 * most lines unread). 1: text[0 .. *len) holds every whole line the buffer
 * has, each ending with '\n', except that the last may have none: the last
 * line of the input, or a line with no '\n' within max_line + 1 bytes, whose
 * rest is then skipped. The caller cuts each line as ms_lines_next does
 * (one '\r' before the end removed, then at most max_line bytes, flagged
 * cut if longer), so both ways give the same lines. 0: end of input; -1:
 * the reader failed, as for ms_lines_next. ms_lines_number is not kept:
 * use one way or the other on an ms_lines, not both. */
int ms_lines_block(ms_lines *l, const char **text, size_t *len, ms_error *err);

#endif
