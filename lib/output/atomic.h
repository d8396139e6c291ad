/* atomic.h — write a file so that it appears whole or not at all.
 *
 * Data goes to a hidden temporary file beside the target; commit flushes,
 * syncs and renames it over the target. A failed write, a full disk or a
 * crash leaves the old target (or none), never half a file. */
#ifndef MS_ATOMIC_H
#define MS_ATOMIC_H

#include <stdio.h>

#include "core/error.h"

typedef struct ms_atomic {
    FILE *fp;
    char *target;
    char *tmp;
} ms_atomic;

int ms_atomic_open(ms_atomic *a, const char *path, ms_error *err);
/* For a library that writes the file itself, by name (SQLite,
 * libxlsxwriter): the temporary file a->tmp is made (empty) and closed,
 * a->fp is NULL; the library writes a->tmp and closes it, then
 * ms_atomic_commit syncs and renames it as it does the others. */
int ms_atomic_open_path(ms_atomic *a, const char *path, ms_error *err);
/* Returns -1 (err names the file) if anything written was lost. */
int ms_atomic_commit(ms_atomic *a, ms_error *err);
void ms_atomic_abort(ms_atomic *a);

#endif
