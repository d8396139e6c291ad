/* events_ahead.h — read an events file on a thread of its own.
 *
 * ms_events_read, but the file is decompressed and its rows parsed on a
 * thread while the caller's emit takes the events read before, in batches
 * handed over through a few slots: the same calls of emit, in the same
 * order, with the same values, on the caller's thread, and the same
 * return. The strings emit sees are copies, valid during the call (the
 * source and file column too). Warnings come from the reading thread.
 * When no thread can be made, the file is read on the caller's. */
#ifndef MS_EVENTS_AHEAD_H
#define MS_EVENTS_AHEAD_H

#include "input/events_in.h"

int ms_events_read_ahead(const char *path, const char *name,
                         ms_events_emit_fn emit, void *ctx,
                         const ms_warner *w, ms_error *err);

#endif
