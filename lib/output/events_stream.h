/* events_stream.h — every event of scanned files as rows, in order.
 *
 * Formatting the rows is most of writing them. With two threads, a helper
 * formats every other piece of PIECE events (into one of two buffers of its
 * own) while the caller formats the pieces between and hands each finished
 * piece to the sink, in order. Each side has its own writer, whose memos
 * only cache text (events_out.h), so the bytes are the same either way. */
#ifndef MS_EVENTS_STREAM_H
#define MS_EVENTS_STREAM_H

#include <stddef.h>

#include "analyze/filter.h"
#include "core/buf.h"
#include "input/sources.h"
#include "output/events_out.h"
#include "parse/scan.h"

/* Writes b out and empties it; -1 stops the stream. b->failed means
 * memory ran out formatting it. */
typedef int (*ms_sink)(void *ctx, ms_buf *b);

/* The header, then the events of files[0 .. n) that keep chooses (a
 * resolved filter; NULL: all) as f says, through sink; src[i] is the
 * source files[i] was scanned from (its folder names the server of the
 * events whose line carries no host). threads > 1 lets a helper format
 * half the pieces. 0, or -1 when the sink stopped it. */
int ms_events_stream(const ms_file_scan *files, const ms_source *src,
                     size_t n, const ms_filter *keep, ms_format f,
                     int threads, ms_sink sink, void *ctx);

#endif
