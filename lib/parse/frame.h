/* frame.h — how a log file's lines are wrapped, judged from its first
 * bytes, and the reader told to unwrap them.
 *
 * journalctl's json and export forms (input/journal_text.h) and the
 * container runtimes' forms (parse/container.h) are recognised from the
 * first decoded bytes: the journal forms by their first line, a container
 * form by the first of the first few non-empty lines that has one (a
 * compose log may begin with a line of the tool's own). Anything else is
 * read as it is. */
#ifndef MS_FRAME_H
#define MS_FRAME_H

#include "core/error.h"
#include "input/reader.h"

/* Call right after ms_reader_open. 0 (unwrapping or not), -1 on an error. */
int ms_frame_attach(ms_reader *r, ms_error *err);

#endif
