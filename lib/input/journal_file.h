/* journal_file.h — one systemd journal file (.journal, an archived
 * `…@….journal`, a dirty `…journal~`) read as log lines.
 *
 * The reader uses it as the decoder of MS_CODEC_JOURNAL (a file that starts
 * with "LPKSHHRH"): entries come out in the file's order, one line each, in
 * the form of journal_text.h. libsystemd reads the file; no systemd needs
 * to run and no other journal is looked at. One entry is held at a time.
 * A damaged or truncated file yields the entries that can be read, then an
 * MS_ERR_DATA error naming it. The calls may come from one thread, then
 * another, never two at once (libsystemd checks only for a fork). */
#ifndef MS_JOURNAL_FILE_H
#define MS_JOURNAL_FILE_H

#include <stddef.h>

#include "core/error.h"

typedef struct ms_journal_file ms_journal_file;

/* Read the journal file open on fd (a regular file; the caller keeps it
 * open until ms_journal_file_close, then closes it). name is what messages
 * call it. NULL with err filled: MS_ERR_DATA when libsystemd cannot open
 * it, MS_ERR_NOMEM. */
ms_journal_file *ms_journal_file_open(int fd, const char *name, ms_error *err);

/* Up to cap bytes of lines (as many as fit): >0, 0 at the end, -1 once
 * on damage, after the last line (err filled; every later call returns
 * 0). */
ptrdiff_t ms_journal_file_read(ms_journal_file *j, char *buf, size_t cap,
                               ms_error *err);

void ms_journal_file_close(ms_journal_file *j);

#endif
