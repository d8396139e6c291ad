/* csv.h — RFC 4180 cells that are safe to open in a spreadsheet.
 *
 * A cell's text is first made clean (text.h), then a cell that starts with
 * `=`, `+`, `-`, `@`, TAB or CR — after any `'`s — gets a leading `'` so no
 * spreadsheet runs it as a formula (core/formula.h), then it is quoted when it holds a comma, a quote or a
 * space at either end. Rows end with LF. */
#ifndef MS_CSV_H
#define MS_CSV_H

#include <stddef.h>

#include "core/buf.h"

/* Append one cell; sep: write a comma before it. */
void ms_csv_cell(ms_buf *b, const char *s, size_t n, int sep);
void ms_csv_cells(ms_buf *b, const char *s, int sep);   /* NUL-terminated */
/* A header row from a NULL-terminated list of names. */
void ms_csv_header(ms_buf *b, const char *const *names);

#endif
