/* formula.h — the spreadsheet formula rule, shared by the CSV writer and
 * the events-file reader so that one undoes exactly what the other does.
 *
 * A cell whose text starts with `=`, `+`, `-`, `@`, TAB or CR, after any
 * number of `'`, is written with one more `'` in front; a reader drops one
 * leading `'` from such a cell and gets the text back exactly. */
#ifndef MS_FORMULA_H
#define MS_FORMULA_H

#include <stddef.h>
#include <string.h>

static inline int ms_formula_guarded(const char *t, size_t n)
{
    size_t i = 0;
    while (i < n && t[i] == '\'')
        i++;
    return i < n && t[i] != '\0' && strchr("=+-@\t\r", t[i]) != NULL;
}

#endif
