/* years.h — give year-less syslog stamps their year.
 *
 * Within a file, the year steps forward at every Dec->Jan wrap (a month
 * that falls by more than six). The year of the file's last stamped line
 * comes from --year (then it is the year of the first line instead), else
 * from the file's modification time (the gzip header's when present): the
 * last stamp is in the mtime's year, or the year before when its month/day
 * lies after the mtime's. With no mtime (stdin), `now` stands in. Across a
 * rotation set, taken newest first, an older file whose last stamp would
 * fall more than a day after the next file's first is moved back a year,
 * so times never run backwards from one file to the next. */
#ifndef MS_YEARS_H
#define MS_YEARS_H

#include <stddef.h>

#include "parse/scan.h"

/* files: all scans, in source order; files of a set are adjacent, oldest
 * first. year: 0 to infer. now: seconds, for files with no mtime. */
void ms_years_resolve(ms_file_scan *files, size_t n, int year, int64_t now);

#endif
