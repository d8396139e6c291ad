/* csv_cell.h — RFC 4180 cells that are safe to open in a spreadsheet.
 *
 * A cell's text is first made clean (text.h), then given the formula guard
 * (core/events_format.h: a cell that starts with `=`, `+`, `-`, `@`, TAB or
 * CR, after any `'`s, gets a leading `'` so that no spreadsheet runs it),
 * then quoted when it holds a comma, a quote or a space at either end. Rows
 * end with LF. */
#ifndef MS_CSV_CELL_H
#define MS_CSV_CELL_H

#include <stddef.h>

#include "core/buf.h"

/* Append one cell; sep: write a comma before it. */
void ms_csv_cell(ms_buf *b, const char *s, size_t n, int sep);
void ms_csv_cells(ms_buf *b, const char *s, int sep);   /* NUL-terminated */
/* A header row from a NULL-terminated list of names. */
void ms_csv_header(ms_buf *b, const char *const *names);

/* A column whose cells repeat (a file name, a source): the last long cell
 * is kept, a copy of its text and its CSV, and written again on a match —
 * a compare instead of an escape. The text may come in any buffer. Zero it
 * to start; free it with ms_csv_memo_free. */
typedef struct ms_csv_memo {
    ms_buf src, cell;   /* cell: the CSV of src, without its ',' */
} ms_csv_memo;

void ms_csv_cell_memo(ms_buf *b, ms_csv_memo *m, const char *s, size_t n,
                      int sep);
void ms_csv_memo_free(ms_csv_memo *m);

#endif
